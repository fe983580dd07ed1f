"""albumentations' ``ReplayCompose``: every result carries a record that replays it.

Its own module because it joins the pipeline (``core/composition.py``) with serialization
(``core/serialization.py``): the record holds the pipeline's description, so that
``ReplayCompose.replay(saved, **data)`` can rebuild the pipeline from the record alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .composition import Compose, Node
from .serialization import SerializationError, from_dict, to_dict
from .targets import BboxParams, KeypointParams


class _ReplayMethod:
    """``ReplayCompose.replay``: on the class (albumentations' ``ReplayCompose.replay(saved, **data)``,
    the pipeline is rebuilt from the record) or on a pipeline (its own transforms are used)."""

    def __get__(self, obj: ReplayCompose | None, owner: type) -> Any:
        def replay(saved: Any, **data: Any) -> dict[str, Any]:
            pipe = obj if obj is not None else _pipeline_of(saved)
            batch = bool(saved.get("batch", False)) if isinstance(saved, Mapping) else False
            return pipe._replay(saved, data, batch=batch)

        replay.__doc__ = ReplayCompose._replay_doc
        return replay


def _pipeline_of(saved: Any) -> Compose:
    if not isinstance(saved, Mapping) or "pipeline" not in saved:
        raise ValueError(
            "saved: no 'pipeline' in this record (a Lambda without a name cannot be described, and plain "
            "Compose records hold only the steps); call replay on the pipeline itself: pipeline.replay(saved, ...)"
        )
    return from_dict(saved["pipeline"])


class ReplayCompose(Compose):
    """albumentations-style replay: every result holds ``result[save_key]``, a plain dict
    ``{"applied_transforms": [...], "batch": bool, "pipeline": to_dict(pipeline)}`` (JSON-serializable),
    and ``ReplayCompose.replay(saved, **data)`` applies it again (on the class: the pipeline is rebuilt
    from ``saved["pipeline"]``; on an instance: that pipeline is used).

    The steps are those of ``Compose(save_applied_params=True)`` (see :meth:`Compose.replay`); the
    layout of ``saved`` is xalbu's, not albumentations' nested one.

    >>> import numpy as np, xalbu as A
    >>> pipe = A.ReplayCompose([A.HorizontalFlip(), A.RandomGamma()], seed=0)
    >>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    >>> out = pipe(image=img)
    >>> again = A.ReplayCompose.replay(out["replay"], image=img)
    >>> bool((again["image"] == out["image"]).all())
    True
    """

    _replay_doc = "Apply a saved record again (see ReplayCompose); batch records replay as batches."

    def __init__(
        self,
        transforms: Sequence[Node],
        bbox_params: BboxParams | Mapping[str, Any] | None = None,
        keypoint_params: KeypointParams | Mapping[str, Any] | None = None,
        additional_targets: Mapping[str, str] | None = None,
        p: float = 1.0,
        seed: int | None = None,
        strict: bool = False,
        save_key: str = "replay",
        fuse_affine: bool = False,
    ) -> None:
        super().__init__(
            transforms,
            bbox_params,
            keypoint_params,
            additional_targets,
            p,
            seed,
            strict,
            save_applied_params=True,
            fuse_affine=fuse_affine,
        )
        if not isinstance(save_key, str):
            raise TypeError(f"save_key: expected a string, got {type(save_key).__name__}")
        self.save_key = save_key

    replay = _ReplayMethod()  # type: ignore[assignment]

    def _record_key(self) -> str:
        return self.save_key

    def _finish_record(self, steps: list[tuple[Any, dict[str, Any]]], batch: bool) -> Any:
        saved: dict[str, Any] = {"applied_transforms": super()._finish_record(steps, batch), "batch": batch}
        try:
            saved["pipeline"] = to_dict(self)
        except SerializationError:  # e.g. a Lambda without a name: replay on the instance still works
            pass
        return saved
