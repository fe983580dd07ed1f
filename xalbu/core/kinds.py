"""xalbu's own transform kinds besides affine (``core/affine.py``) and mix (``core/mix.py``).

- :class:`PixelTransform` (kind ``"pixel"``): only images change, through ``apply_image(img, params)``.
  In a batch, samples that are not applied run through the same kernel with ``identity``
  parameters, not compute-then-blend.
- :class:`SpatialTransform` (kind ``"spatial"``): non-affine changes of every target (dropout,
  distortions, user functions), one method per target; in a batch the base gates every target
  per sample: images and masks by selection, boxes and keypoints by running only the rows of the
  applied samples.
- :class:`FormatTransform` (kind ``"format"``): changes what the outputs are (ToTensorV2), last in a
  pipeline.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ..functional._common import select
from .samples import _PROBE, cut, per_sample_fields
from .state import State
from .targets import BoxSet, PointSet
from .transform import BasicTransform, DualTransform, ImageOnlyTransform, check_one_size


def gate_params(params: Any, applied: np.ndarray, identity: dict[str, Any]) -> Any:
    """Replace the parameters of samples that are not applied by identity values."""
    changes = {}
    for name, ident in identity.items():
        value = np.asarray(getattr(params, name))
        if value.ndim == 0:
            value = np.broadcast_to(value, applied.shape)
        mask = applied.reshape(applied.shape + (1,) * (value.ndim - 1))
        changes[name] = np.where(mask, value, ident)
    return dataclasses.replace(params, **changes)


class PixelTransform(ImageOnlyTransform):
    """A pixel-level transform: only image targets change.

    Subclasses implement ``apply_image(img, params)``. ``identity`` (field -> value) lets a batch run
    the samples that are not applied through the same kernel with identity parameters; without it
    the base blends the result with the input per sample.
    """

    kind = "pixel"
    identity: ClassVar[dict[str, Any] | None] = None
    _abstract = True

    def apply_image(self, img: Any, params: Any) -> Any:
        raise NotImplementedError

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None and apply_some(
            self, state, params, applied, [(state.images, self.apply_image)]
        ):
            return
        blend = False
        if applied is not None:
            if self.identity is not None and params is not None:
                params = gate_params(params, applied, self.identity)
            else:
                blend = True
        for key, img in state.images.items():
            out = self.apply_image(img, params)
            state.images[key] = select(out, img, applied) if blend else out
        if type(self).output_dtype is not BasicTransform.output_dtype:
            state.retype()  # Normalize, ToFloat, FromFloat: float64 images keep the dtype given here

    _apply._plain = True  # type: ignore[attr-defined]  # what _one_image may stand in for
    _one_plain = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # decided once per class (a check per call costs ~0.15 us of a ~4 us call): data-dependent
        # draws, dtype changes or a subclass's own _apply keep the general path
        cls._one_plain = (
            getattr(cls._apply, "_plain", False)
            and cls.sample_data is BasicTransform.sample_data
            and cls.output_dtype is BasicTransform.output_dtype
        )

    def _one_image(self, img: Any, rng: Any) -> Any:
        """A direct call on one HWC image: the draw and the kernel, without the State."""
        if not self._one_plain:
            return NotImplemented
        return self.apply_image(img, self.sample(rng, img.shape[:2], None))


def apply_some(
    t: Any, state: State, params: Any, applied: np.ndarray, groups: list[tuple[dict, Any]]
) -> bool:
    """A partly applied batch of host arrays: ``t``'s kernels run on the applied samples only.

    Identity parameters or compute-then-select pay for every sample: at ``p=0.5`` twice the work
    (three times in a ``OneOf`` of three). The drawn ``params`` are cut to runs of applied samples
    (:mod:`.samples`), so the stream and the results are the same; the samples left alone are
    copied (inputs are never returned). ``groups``: ``(store, fn)`` pairs, ``fn(arrays, params)``
    the kernel of the arrays in ``store`` (images, masks). Declines (False, nothing done) for device
    arrays (there one launch for the whole batch is the point), parameters it cannot cut, and
    dtype-changing transforms.
    """
    stores = [store for store, _ in groups]
    if (
        not any(stores)
        or not all(type(a) is np.ndarray for store in stores for a in store.values())
        or type(t).output_dtype is not BasicTransform.output_dtype
    ):
        return False
    fields: tuple[str, ...] | None = ()
    if params is not None:
        fields = per_sample_fields(params, state.batch, lambda m: t.sample(_PROBE, state.shape, m))
        if fields is None:
            return False
    # runs of consecutive applied samples: views in, run-sized results out (a gathered copy of the
    # applied samples and its result would be two more batch-sized buffers: page faults each call)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], applied, [False])).astype(np.int8)))
    runs = [(int(a), int(b), cut(params, fields, np.arange(a, b))) for a, b in edges.reshape(-1, 2)]
    keep = np.flatnonzero(~applied)
    for store, fn in groups:
        for key, arr in store.items():
            out = np.empty_like(arr, order="C")
            for i in keep:
                out[i] = arr[i]
            for a, b, sub in runs:
                out[a:b] = fn(arr[a:b], sub)
            store[key] = out
    return True


class SpatialTransform(DualTransform):
    """A transform that implements each target itself (dropout, distortions, user functions...).

    ``apply_boxes``/``apply_points`` get the rows of the applied samples only (in a batch), and
    ``output_shape`` the new size (which a partly applied batch must keep).
    """

    kind = "spatial"
    _abstract = True

    def apply_image(self, img: Any, params: Any, state: State) -> Any:
        return img

    def apply_mask(self, mask: Any, params: Any, state: State) -> Any:
        return mask

    def apply_boxes(self, boxes: BoxSet, params: Any, state: State) -> BoxSet:
        return boxes

    def apply_points(self, pts: PointSet, params: Any, state: State) -> PointSet:
        return pts

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return shape

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        out_hw = self.output_shape(params, state.shape)
        check_one_size(self, applied, out_hw, state.shape)
        images, masks = state.images, state.masks
        if applied is not None and apply_some(
            self,
            state,
            params,
            applied,
            [
                (images, lambda a, sub: self.apply_image(a, sub, state)),
                (masks, lambda a, sub: self.apply_mask(a, sub, state)),
            ],
        ):
            images = masks = {}  # done: boxes and keypoints follow with the whole batch's params
        for key, img in images.items():
            out = self.apply_image(img, params, state)
            images[key] = out if applied is None else select(out, img, applied)
        for key, mask in masks.items():
            out = self.apply_mask(mask, params, state)
            masks[key] = out if applied is None else select(out, mask, applied)
        for key, b in state.boxes.items():
            state.boxes[key] = _gated_rows(b, applied, lambda rows: self.apply_boxes(rows, params, state))
        for key, pts in state.points.items():
            state.points[key] = _gated_rows(pts, applied, lambda rows: self.apply_points(rows, params, state))
        state.shape = out_hw


def _gated_rows(rows: Any, applied: np.ndarray | None, fn: Any) -> Any:
    """``fn`` on the rows of the applied samples; the other rows unchanged (sample order kept)."""
    if applied is None:
        return fn(rows)
    on = applied[rows.sample]
    if on.all():
        return fn(rows)
    if not on.any():
        return rows
    done = fn(rows.take(np.flatnonzero(on)))
    kept = rows.take(np.flatnonzero(~on))
    merged = rows.concat([done, kept])
    order = np.argsort(merged.sample, kind="stable")
    return merged.take(order)


class FormatTransform(BasicTransform):
    """Changes what the outputs are, not the data (``ToTensorV2``); last in a pipeline."""

    kind = "format"
    _abstract = True

    def _plain_call(self, key: str, value: Any) -> Any:
        """The output of a direct call with the one target ``key=value``, a plain NumPy array
        (:func:`~xalbu.core.transform.plain_array`), or ``NotImplemented`` (the general path): a conversion of a few
        microseconds, which the State's reading and writing would double."""
        return NotImplemented

    def __call__(self, *args: Any, force_apply: bool = False, **data: Any) -> dict[str, Any]:
        if not args and len(data) == 1:
            ((key, value),) = data.items()
            out = self._plain_call(key, value)
            if out is not NotImplemented:
                return {key: out}
        return super().__call__(*args, force_apply=force_apply, **data)
