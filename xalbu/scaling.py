"""Running a pipeline where the data is prepared at scale: Ray Data's ``map_batches``.

:class:`RayAugment` is the function ``ray.data.Dataset.map_batches`` calls on each batch (NumPy
batch format: a dict of columns): it reads the images column ``(N, H, W[, C])`` and, if named, masks,
boxes, keypoints and label columns, runs ``pipeline.batch`` once on the whole batch (one vectorised
call, per-sample draws), and writes the augmented columns back; other columns pass through.

Streams: with ``id_column`` (a column that identifies each row, such as ``ray.data.range``'s ``id``
or your dataset's keys) each batch draws from a stream derived from the pipeline's seed and the ids
of its rows, so a batch gets the same augmentation whichever task, actor or node runs it, and two
batches never share a stream; a run with the same seed and the same batching (same blocks and
``batch_size``) repeats exactly. Without ``id_column`` each copy draws from the pipeline's own stream
as in any process (distinct per process, not tied to the rows: not reproducible under Ray's
scheduling). See docs/scaling.md.

``device="cuda"`` moves the images and masks to the GPU with CuPy (in a task or actor that Ray
scheduled with ``num_gpus``), augments them there, and returns NumPy columns (what Ray Data stores).

>>> import numpy as np, xalbu as A
>>> fn = RayAugment(A.Compose([A.HorizontalFlip(p=1.0)], seed=0), id_column="id")
>>> out = fn({"image": np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3), "id": np.array([7])})
>>> out["image"][0, 0, 0].tolist(), out["id"].tolist()
([3, 4, 5], [7])
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from .core.validation import check_choice

__all__ = ["RayAugment", "batch_seed"]


def batch_seed(seed: int, ids: Any) -> int:
    """The seed of a batch's stream: a hash of the pipeline's ``seed`` and the batch's row ``ids``
    (in order), a non-negative 63-bit integer.

    >>> batch_seed(0, [1, 2]) == batch_seed(0, np.array([1, 2])), batch_seed(0, [1, 2]) != batch_seed(1, [1, 2])
    (True, True)
    """
    arr = np.asarray(ids)
    if arr.dtype.kind in "iub":
        data = arr.astype(np.int64).tobytes()
    else:  # strings, objects: their text
        data = "\x00".join(str(v) for v in arr.ravel().tolist()).encode()
    digest = hashlib.blake2b(data, digest_size=8, key=int(seed).to_bytes(16, "little", signed=True)).digest()
    return int.from_bytes(digest, "little") >> 1


class RayAugment:
    """``pipeline.batch`` as a ``ray.data.Dataset.map_batches`` function (see the module docstring).

    Args:
        pipeline: a ``Compose`` (copied: each batch's seed is set on the copy).
        image: the images column, ``(N, H, W[, C])``.
        mask: the masks column ``(N, H, W[, C])``, or ``None``.
        bboxes: the boxes column (one ``(M_i, 4+)`` array per row, in the pipeline's
            ``bbox_params`` format), or ``None``.
        keypoints: the keypoints column (one ``(K_i, 2+)`` array per row), or ``None``.
        labels: label columns (one sequence per row, like the boxes or keypoints they label), named
            as in the pipeline's ``label_fields``.
        id_column: a column identifying each row: batches draw from streams derived from the
            pipeline's seed and their rows' ids (reproducible). ``None``: the pipeline's own stream.
        device: ``"cpu"`` (NumPy and OpenCV) or ``"cuda"`` (CuPy, on the task's GPU).

    Example (with Ray installed)::

        ds = ray.data.from_numpy(images).add_column("id", ...)
        ds = ds.map_batches(RayAugment(pipeline, id_column="id"), batch_format="numpy", batch_size=64)
    """

    def __init__(
        self,
        pipeline: Any,
        image: str = "image",
        mask: str | None = None,
        bboxes: str | None = None,
        keypoints: str | None = None,
        labels: Sequence[str] = (),
        id_column: str | None = None,
        device: str = "cpu",
    ) -> None:
        if not hasattr(pipeline, "batch"):
            raise TypeError(f"pipeline: expected a Compose (with .batch), got {type(pipeline).__name__}")
        for name, value in (("image", image), ("mask", mask), ("bboxes", bboxes), ("keypoints", keypoints)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name}: expected a column name (str) or None, got {type(value).__name__}")
        if isinstance(labels, str) or not all(isinstance(n, str) for n in labels):
            raise TypeError(f"labels: expected a sequence of column names, got {labels!r}")
        if id_column is not None and not isinstance(id_column, str):
            raise TypeError(
                f"id_column: expected a column name (str) or None, got {type(id_column).__name__}"
            )
        if id_column is not None and getattr(pipeline, "seed", None) is None:
            raise ValueError(
                "id_column: the pipeline needs a seed (Compose(seed=...)) to derive batch streams from"
            )
        self.pipeline = copy.deepcopy(pipeline)
        self.seed = getattr(pipeline, "seed", None)
        self.columns = {"images": image, "masks": mask, "bboxes": bboxes, "keypoints": keypoints}
        self.labels = tuple(labels)
        self.id_column = id_column
        self.device = check_choice("device", device, ("cpu", "cuda"))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Augment one Ray Data batch (a dict of NumPy columns); returns the new columns."""
        data: dict[str, Any] = {}
        for key, column in self.columns.items():
            if column is None:
                continue
            if column not in batch:
                raise KeyError(f"{column!r}: no such column in the batch (columns: {sorted(batch)})")
            value = batch[column]
            if key in ("bboxes", "keypoints"):
                data[key] = _rows(value, 4 if key == "bboxes" else 2)
            else:
                data[key] = np.asarray(value)
        for name in self.labels:
            data[name] = [list(np.asarray(v).tolist()) for v in batch[name]]
        if self.id_column is not None:
            self.pipeline.set_random_seed(batch_seed(self.seed, batch[self.id_column]))
        if self.device == "cuda":
            import cupy

            for key in ("images", "masks"):
                if key in data:
                    data[key] = cupy.asarray(data[key])
        out = self.pipeline.batch(**data)
        result = dict(batch)
        for key, column in self.columns.items():
            if column is None:
                continue
            value = out[key]
            if key in ("bboxes", "keypoints"):
                result[column] = _ragged(value)
            else:
                result[column] = (
                    value.get() if hasattr(value, "get") and not isinstance(value, np.ndarray) else value
                )
        for name in self.labels:
            result[name] = _ragged([np.asarray(v) for v in out[name]])
        return result


def _rows(column: Any, width: int) -> list[np.ndarray]:
    """A ragged column (an object array of per-row arrays, or a 3-D array) as a list of ``(M, width+)``
    arrays (an empty row: ``(0, width)``)."""
    return [np.asarray(v, np.float64).reshape(len(v), -1) if len(v) else np.zeros((0, width)) for v in column]


def _ragged(rows: Sequence[Any]) -> np.ndarray:
    """Per-row arrays as a 1-D object array (how Ray Data's NumPy format holds ragged columns)."""
    out = np.empty(len(rows), dtype=object)
    for i, r in enumerate(rows):
        out[i] = np.asarray(r)
    return out
