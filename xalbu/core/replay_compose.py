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


_REPLAY_KEYS = ("applied", "params", "applied_transforms", "batch", "__version__", "__format__")


def _pipeline_of(saved: Any) -> Compose:
    if isinstance(saved, Mapping) and "pipeline" in saved:  # records of xalbu <= 0.1
        return from_dict(saved["pipeline"])
    if not isinstance(saved, Mapping) or "__class_fullname__" not in saved:
        raise ValueError(
            "saved: this record does not describe its pipeline (a Lambda without a name cannot be described, "
            "and plain Compose records hold only the steps); call replay on the pipeline itself: "
            "pipeline.replay(saved, ...)"
        )
    version = {k: saved[k] for k in ("__version__", "__format__") if k in saved}
    return from_dict({**version, "transform": _description(saved)})


def _description(node: Mapping[str, Any]) -> dict[str, Any]:
    """A record's node without what the run added (``applied``, ``params``...): its ``to_dict`` form."""
    out = {k: v for k, v in node.items() if k not in _REPLAY_KEYS}
    if "transforms" in out:
        out["transforms"] = [_description(t) for t in out["transforms"]]
    return out


def _annotated(tree: dict[str, Any], steps: list[dict[str, Any]]) -> dict[str, Any]:
    """albumentations' layout: every node of the pipeline's description gets ``applied`` (whether it
    ran: for a batch, whether it ran for any sample) and ``params`` (what it drew, as recorded in the
    step; ``None`` where it did not run)."""

    def reset(node: dict[str, Any]) -> None:
        node["applied"], node["params"] = False, None
        for child in node.get("transforms", ()):
            reset(child)

    reset(tree)
    tree["applied"] = bool(steps)
    for step in steps:
        node = tree
        for part in step["path"].split("."):  # "transforms[3].transforms[1]"
            node = node["transforms"][int(part[len("transforms[") : -1])]
            node["applied"] = True
        node["params"] = {"shape": step["shape"], **(step["params"] or {})}
    return tree


class ReplayCompose(Compose):
    """albumentations-style replay: every result holds ``result[save_key]``, a plain JSON-serializable
    dict in albumentations' layout: the pipeline's description (``to_dict``: ``__class_fullname__``,
    arguments, ``transforms``) where every node also has ``applied`` (whether it ran; in a batch,
    whether it ran for any sample) and ``params`` (what it drew, with ``shape``; ``None`` where it
    did not run), plus xalbu's exact record of the run: ``applied_transforms`` (the steps of
    ``Compose(save_applied_params=True)``, per sample in a batch, see :meth:`Compose.replay`) and
    ``batch``. ``ReplayCompose.replay(saved, **data)`` applies it again (on the class: the pipeline
    is rebuilt from the record; on an instance: that pipeline is used).

    >>> import numpy as np, xalbu as A
    >>> pipe = A.ReplayCompose([A.HorizontalFlip(), A.RandomGamma()], seed=0)
    >>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    >>> out = pipe(image=img)
    >>> again = A.ReplayCompose.replay(out["replay"], image=img)
    >>> bool((again["image"] == out["image"]).all())
    True
    >>> [(t["__class_fullname__"], t["applied"]) for t in out["replay"]["transforms"]]
    [('HorizontalFlip', False), ('RandomGamma', True)]
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
        is_check_shapes: bool = True,
        mask_interpolation: int | None = None,
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
            is_check_shapes=is_check_shapes,
            mask_interpolation=mask_interpolation,
        )
        if not isinstance(save_key, str):
            raise TypeError(f"save_key: expected a string, got {type(save_key).__name__}")
        self.save_key = save_key

    replay = _ReplayMethod()  # type: ignore[assignment]

    def _record_key(self) -> str:
        return self.save_key

    def _finish_record(self, steps: list[tuple[Any, dict[str, Any]]], batch: bool) -> Any:
        applied = super()._finish_record(steps, batch)
        try:
            described = to_dict(self)
            saved = {k: v for k, v in described.items() if k != "transform"}
            saved.update(_annotated(described["transform"], applied))
        except SerializationError:  # e.g. a Lambda without a name: replay on the instance still works
            saved = {}
        saved.update({"applied_transforms": applied, "batch": batch})
        return saved
