"""The mix kind: several samples in, one out (MixUp, CutMix, Mosaic...).

A :class:`MixTransform` draws, on the host, ``n_partners`` partners for each sample: in a batch,
other samples of the same batch (never the sample itself while the batch has more than one); for
one image, entries of the list the call passes under ``metadata_key`` (dicts with the call's keys:
``image``, ``mask``, ``bboxes``, label fields...). Subclasses say how pixels mix
(``mix_image``, ``mix_mask``) and which rows survive (``mix_rows``); rows taken from a partner keep
their labels and extra columns (their ``origin`` says where they came from).

A mix transform may also report values per call (which partner, which weight, soft labels):
``mix_outputs`` returns them and the engine keeps them in ``state.outputs`` (see
:func:`set_outputs`), which the writer adds to the call's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..functional._common import select
from .reading import read_partner
from .state import State
from .transform import DualTransform


@dataclass
class MixDraw:
    """One call's draw: ``partners`` ((N, k) batch indices, or (k,) indices into the metadata list)
    and the subclass's own ``params``."""

    partners: Any
    params: Any


class MixTransform(DualTransform):
    """Base of the mix kind (see the module docstring).

    A :class:`~.transform.DualTransform` (every target changes), as albumentations' Mosaic is.
    Subclasses implement ``sample(rng, shape, n)`` for their own parameters, ``mix_image(img,
    partners, params)`` (``img`` HWC or NHWC, ``partners`` a list of ``n_partners`` arrays of the same
    shape), and may override ``mix_mask`` (default: the sample's own mask) and ``mix_rows``
    (default: the sample's rows and every partner's).
    """

    kind = "mix"
    _abstract = True
    n_partners: ClassVar[int] = 1

    def __init__(self, metadata_key: str = "mix_data", p: float = 0.5) -> None:
        super().__init__(p)
        if not isinstance(metadata_key, str):
            raise TypeError(f"metadata_key: expected a string, got {type(metadata_key).__name__}")
        self.metadata_key = metadata_key

    # ------------------------------------------------------------------ to implement
    def mix_image(self, img: Any, partners: list[Any], params: Any) -> Any:
        raise NotImplementedError

    def mix_mask(self, mask: Any, partners: list[Any], params: Any) -> Any:
        return mask

    def mix_rows(self, own: Any, partners: list[Any], params: Any, kind: str) -> Any:
        """The boxes (``kind="bboxes"``) or keypoints of the mixed samples: own rows and partners'."""
        return own.concat([own, *partners])

    def mix_outputs(
        self, state: State, partners: np.ndarray, params: Any, applied: np.ndarray | None
    ) -> dict:
        """Values this call reports besides the targets (``partners``: (N, k) batch indices, own
        index where a sample is not applied, or (k,) indices into the metadata list)."""
        return {}

    # ------------------------------------------------------------------ engine
    def sample_data(self, rng: np.random.Generator, state: State) -> MixDraw:
        params = self.sample(rng, state.shape, state.batch)
        k = self.n_partners
        n = state.batch
        if n is not None:
            if n == 1:
                return MixDraw(np.zeros((1, k), np.intp), params)
            idx = rng.integers(0, n - 1, (n, k))
            return MixDraw(idx + (idx >= np.arange(n)[:, None]), params)
        meta = (state.extra or {}).get(self.metadata_key)
        if not isinstance(meta, (list, tuple)) or not meta:
            raise ValueError(
                f"{type(self).__name__}: {self.metadata_key}: one image needs its mix partners as a non-empty "
                f"list of dicts (image=..., bboxes=..., labels...) under {self.metadata_key}=..., got "
                f"{type(meta).__name__ if meta is not None else 'nothing'}"
            )
        return MixDraw(rng.integers(0, len(meta), k), params)

    def _apply(self, state: State, params: MixDraw, applied: np.ndarray | None) -> None:
        if state.batch is None:
            self._apply_one(state, params)
        else:
            self._apply_batch(state, params, applied)

    def _apply_one(self, state: State, draw: MixDraw) -> None:
        meta = state.extra[self.metadata_key]  # type: ignore[index]
        where = self.metadata_key
        first = len(state.partners or [])
        parts = []
        for j, i in enumerate(np.asarray(draw.partners).tolist()):
            parts.append(read_partner(state.reader, state, f"{where}[{i}]", meta[i], first + j + 1))
        state.partners = [*(state.partners or []), *(meta[i] for i in np.asarray(draw.partners).tolist())]
        for key, img in state.images.items():
            state.images[key] = self.mix_image(
                img, [_partner(p.images.get(key), img, where, key) for p in parts], draw.params
            )
        for key, mask in state.masks.items():
            partner_masks = [
                _partner(p.masks[key], mask, where, key) if key in p.masks else mask for p in parts
            ]
            state.masks[key] = self.mix_mask(mask, partner_masks, draw.params)
        for key, rows in state.boxes.items():
            theirs = [_rows_or_none(p.boxes.get(key), rows) for p in parts]
            state.boxes[key] = self.mix_rows(rows, theirs, draw.params, "bboxes")
        for key, rows in state.points.items():
            theirs = [_rows_or_none(p.points.get(key), rows) for p in parts]
            state.points[key] = self.mix_rows(rows, theirs, draw.params, "keypoints")
        set_outputs(state, self.mix_outputs(state, np.asarray(draw.partners), draw.params, None))

    def _apply_batch(self, state: State, draw: MixDraw, applied: np.ndarray | None) -> None:
        idx = np.asarray(draw.partners)
        if applied is not None:  # samples that are not applied are their own partners (and are kept)
            idx = np.where(applied[:, None], idx, np.arange(len(idx))[:, None])
        for key, img in state.images.items():
            out = self.mix_image(img, [_take(img, idx[:, j]) for j in range(idx.shape[1])], draw.params)
            state.images[key] = out if applied is None else select(out, img, applied)
        for key, mask in state.masks.items():
            out = self.mix_mask(mask, [_take(mask, idx[:, j]) for j in range(idx.shape[1])], draw.params)
            state.masks[key] = out if applied is None else select(out, mask, applied)
        on = np.ones(len(idx), bool) if applied is None else applied
        for store, kind in ((state.boxes, "bboxes"), (state.points, "keypoints")):
            for key, rows in store.items():
                partners = [_moved_rows(rows, idx[:, j], on) for j in range(idx.shape[1])]
                if on.all():
                    store[key] = _by_sample(self.mix_rows(rows, partners, draw.params, kind))
                    continue
                mine = rows.take(np.flatnonzero(on[rows.sample]))  # samples not applied keep their rows
                kept = rows.take(np.flatnonzero(~on[rows.sample]))
                store[key] = _by_sample(rows.concat([self.mix_rows(mine, partners, draw.params, kind), kept]))
        set_outputs(state, self.mix_outputs(state, idx, draw.params, applied))


def _rows_or_none(got: Any, like: Any) -> Any:
    """A partner's rows of one key; no rows when the partner has none of that key."""
    return like.take(np.zeros(0, np.intp)) if got is None else got


def set_outputs(state: State, values: dict[str, Any]) -> None:
    """Keep ``values`` as extra outputs of the call (``state.outputs``; later steps overwrite keys)."""
    if values:
        state.outputs = {**(state.outputs or {}), **values}


def _take(arr: Any, idx: np.ndarray) -> Any:
    """Samples ``idx`` of a batch array (on its device)."""
    if isinstance(arr, np.ndarray):
        return arr[idx]
    from array_api_compat import array_namespace

    xp = array_namespace(arr)
    return xp.take(arr, xp.asarray(idx), axis=0)


def _moved_rows(rows: Any, source: np.ndarray, on: np.ndarray) -> Any:
    """For each applied sample ``i``, the rows of sample ``source[i]``, now belonging to ``i``."""
    picks, owners = [], []
    for i in np.flatnonzero(on).tolist():
        sel = np.flatnonzero(rows.sample == source[i])
        picks.append(sel)
        owners.append(np.full(len(sel), i, np.intp))
    sel = np.concatenate(picks) if picks else np.zeros(0, np.intp)
    moved = rows.take(sel)
    origin = moved.sample if moved.origin is None else moved.origin
    moved.origin = origin
    moved.sample = np.concatenate(owners) if owners else np.zeros(0, np.intp)
    return moved


def _by_sample(rows: Any) -> Any:
    return rows.take(np.argsort(rows.sample, kind="stable"))


def _partner(arr: Any, ref: Any, where: str, key: str) -> Any:
    if arr is None:
        raise ValueError(f"{where}: a mix partner needs {key}=... like the sample it mixes into")
    if tuple(arr.shape) != tuple(ref.shape):
        raise ValueError(
            f"{where}: the partner's {key} has shape {tuple(arr.shape)}, the sample's is {tuple(ref.shape)} at this "
            "point of the pipeline; mix partners must match it"
        )
    return arr
