"""Crops drawn from the targets: around every box (BBoxSafeRandomCrop, RandomSizedBBoxSafeCrop), around
one box (AtLeastOneBBoxRandomCrop), around a given box (RandomCropNearBBox) and on a mask's non-empty
region (CropNonEmptyMaskIfExists).

``sample_data`` reads the call's boxes (host rows) or mask (reduced on the array's device; the chosen
pixels come back in one copy per call) and draws, on the host, one pixel box per sample (in a batch,
each sample from its own rows or mask); the crop itself is the affine kind, so masks,
boxes, keypoints and labels follow through one matrix. One image (or a batch whose samples drew the
same box) goes through the exact ``crop`` (and ``resize``) kernels; per-sample boxes go through the
batched warp: exact for the pure crops (an integer translation sampled with nearest), the resize's
bilinear sampling for the crop-then-resize (replicating at the image edge). Crops whose size is
drawn (BBoxSafeRandomCrop, RandomCropNearBBox) batch only when every sample draws the same size, and
say so with a ``ValueError`` otherwise.

Boxes are read as the pipeline holds them at that step: in pixels, clipped to the image, every key
of boxes together; boxes that an earlier step moved out of the image are gone already.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from array_api_compat import device

from ..core import geometry as M
from ..core.affine import Geometry
from ..core.fusion import flush_affine
from ..core.state import State
from ..core.targets import to_host
from ..core.validation import check_int, check_number, check_range, show
from ..functional._common import check_output_size
from ..functional._utils import namespace
from ..functional.crops import crop
from ..functional.sizing import resize
from ._common import _ExactWhenShared, set_interpolations

__all__ = [
    "AtLeastOneBBoxRandomCrop",
    "BBoxSafeRandomCrop",
    "CropNonEmptyMaskIfExists",
    "RandomCropNearBBox",
    "RandomSizedBBoxSafeCrop",
]


@dataclass
class TargetCropParams:
    x_min: Any  # the crop box [x_min, x_max) x [y_min, y_max) in pixels; ints, or (N,) ints in a batch
    y_min: Any
    x_max: Any
    y_max: Any


# ----------------------------------------------------------------------------------------------
# shared pieces
# ----------------------------------------------------------------------------------------------
def _ready(state: State) -> None:
    """Targets as they are at this step: apply deferred affine steps (``fuse_affine``) first."""
    if state.pending is not None:
        flush_affine(state)


def _all_boxes(state: State) -> tuple[np.ndarray, np.ndarray] | None:
    """Every box of the call (all keys) as ``(xyxy (M, 4), sample (M,))``; ``None`` without boxes."""
    sets = [b for b in state.boxes.values() if len(b.rows)]
    if not sets:
        return None
    if len(sets) == 1:
        return sets[0].xyxy[:, :4], sets[0].sample
    return np.concatenate([b.xyxy[:, :4] for b in sets]), np.concatenate([b.sample for b in sets])


def _params(x0: Any, y0: Any, x1: Any, y1: Any, n: int | None) -> TargetCropParams:
    """Python ints for one image; for a batch, int64 arrays (one int where every sample agrees)."""
    if n is None:
        return TargetCropParams(int(x0[0]), int(y0[0]), int(x1[0]), int(y1[0]))
    return TargetCropParams(*(_collapse(np.asarray(v, np.int64)) for v in (x0, y0, x1, y1)))


def _collapse(v: np.ndarray) -> Any:
    return int(v[0]) if np.all(v == v[0]) else v


def _one_size(t: Any, p: TargetCropParams, n: int | None) -> None:
    """A crop whose size is drawn: every sample of a batch must draw the same size."""
    if n is None:
        return
    hs = np.broadcast_to(np.asarray(p.y_max) - p.y_min, (n,))
    ws = np.broadcast_to(np.asarray(p.x_max) - p.x_min, (n,))
    if np.any(hs != hs[0]) or np.any(ws != ws[0]):
        k = int(np.flatnonzero((hs != hs[0]) | (ws != ws[0]))[0])
        raise ValueError(
            f"{type(t).__name__}: the crops drawn for the samples of a batch differ in size "
            f"({hs[0]}x{ws[0]} for sample 0, {hs[k]}x{ws[k]} for sample {k}); samples of a batch share "
            "one size: call the pipeline on each sample, or use a crop of fixed size"
        )


class _TargetCrop(_ExactWhenShared):
    """Cut ``TargetCropParams`` (no resize); the batch warp is an integer translation with nearest."""

    _abstract = True
    Params = TargetCropParams
    interpolation = 0
    mask_interpolation = 0

    def output_shape(self, params: TargetCropParams, shape: tuple[int, int]) -> tuple[int, int]:
        h, w = params.y_max - params.y_min, params.x_max - params.x_min
        if type(h) is int and type(w) is int:  # one image, or one box for the whole batch
            return h, w
        return int(np.ravel(h)[0]), int(np.ravel(w)[0])  # a batch: every sample has this size

    def matrix(self, params: TargetCropParams, shape: tuple[int, int]) -> np.ndarray:
        return M.translate(-params.x_min, -params.y_min)

    def _apply(self, state: State, params: TargetCropParams, applied: np.ndarray | None) -> None:
        x0, y0, x1, y1 = params.x_min, params.y_min, params.x_max, params.y_max
        shared = type(x0) is int and type(y0) is int and type(x1) is int and type(y1) is int
        if applied is None and not (state.fuse or state.boxes or state.points) and shared:
            # images and masks only, one box for all: the exact crop, without building a geometry
            for store in (state.images, state.masks):
                for key, arr in store.items():
                    if type(arr) is np.ndarray and arr.ndim == 3:
                        store[key] = arr[y0:y1, x0:x1].copy()  # the crop override's C-order copy
                    else:
                        store[key] = crop(arr, x0, y0, x1, y1)
            state.shape = (y1 - y0, x1 - x0)
            return
        super()._apply(state, params, applied)

    def _exact(self, arr: Any, p: TargetCropParams, geo: Geometry, mask: bool) -> Any:
        if type(arr) is np.ndarray and arr.ndim == 3 and type(p.x_min) is int and type(p.y_min) is int:
            return arr[
                p.y_min : p.y_max, p.x_min : p.x_max
            ].copy()  # one NumPy image: the crop override's copy
        return self._gated(crop(arr, p.x_min, p.y_min, p.x_max, p.y_max), arr, geo)

    def _fixed_size(self, shape: tuple[int, int]) -> None:
        """``height`` x ``width`` must fit in the image."""
        if self.height > shape[0] or self.width > shape[1]:
            name = "height" if self.height > shape[0] else "width"
            raise ValueError(
                f"{type(self).__name__}: {name}: the crop ({self.height}x{self.width}) is larger than the "
                f"image ({shape[0]}x{shape[1]})"
            )


# ----------------------------------------------------------------------------------------------
# every box kept
# ----------------------------------------------------------------------------------------------
def _safe_boxes(
    rng: np.random.Generator, state: State, erosion_rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sample, a crop holding the union of its boxes (albumentations' BBoxSafeRandomCrop draw).

    With boxes: the union (shrunk by ``erosion_rate`` / 2 on each side when there are several), then
    ``x_min = floor(union_x_min * U)`` and ``x_max = ceil(union_x_max + (W - union_x_max) * U)`` (same
    for y). Without boxes (or ``erosion_rate=1``, or an eroded union of no area): a crop of height
    in ``[H * (1 - erosion_rate), H]`` (at least 1), the image's aspect ratio, at a random place.
    """
    h, w = state.shape
    n = state.batch
    lo_h = int(h * (1.0 - erosion_rate))
    found = _all_boxes(state)
    if n is None and (found is None or erosion_rate >= 1.0):  # one image, no boxes: Python scalars
        u0, u1, u2 = rng.random(7).tolist()[:3]
        ch1 = h if lo_h >= h else max(lo_h + int(u0 * (h - lo_h + 1)), 1)
        cw1 = max(int(ch1 * w / h), 1)
        y, x = int((h - ch1 + 1) * u1), int((w - cw1 + 1) * u2)
        return np.array([x]), np.array([y]), np.array([x + cw1]), np.array([y + ch1])
    k = 1 if n is None else n
    u = rng.random((7, k))
    # no boxes: height in [int(H (1 - e)), H], width from the image's aspect ratio
    ch = np.full(k, h, np.int64) if lo_h >= h else lo_h + (u[0] * (h - lo_h + 1)).astype(np.int64)
    ch = np.maximum(ch, 1)
    cw = np.maximum((ch * w / h).astype(np.int64), 1)
    y0 = ((h - ch + 1) * u[1]).astype(np.int64)
    x0 = ((w - cw + 1) * u[2]).astype(np.int64)
    x1, y1 = x0 + cw, y0 + ch
    if found is None or erosion_rate >= 1.0:
        return x0, y0, x1, y1
    xyxy, sample = found
    count = np.bincount(sample, minlength=k)
    lo = np.full((k, 2), np.inf)
    hi = np.full((k, 2), -np.inf)
    np.minimum.at(lo, sample, xyxy[:, :2])
    np.maximum.at(hi, sample, xyxy[:, 2:4])
    has = (count > 0)[:, None]
    lo, hi = np.where(has, lo, 0.0), np.where(has, hi, 0.0)
    if erosion_rate > 0.0:  # one box is kept whole; a union of several shrinks
        e = np.where(count > 1, 0.5 * erosion_rate, 0.0)[:, None] * (hi - lo)
        lo, hi = lo + e, hi - e
    ok = (count > 0) & np.all(hi - lo >= 1e-6 * np.array([w, h]), axis=1)
    x0 = np.where(ok, np.floor(lo[:, 0] * u[3]), x0).astype(np.int64)
    y0 = np.where(ok, np.floor(lo[:, 1] * u[4]), y0).astype(np.int64)
    x1 = np.where(ok, np.ceil(hi[:, 0] + (w - hi[:, 0]) * u[5]), x1).astype(np.int64)
    y1 = np.where(ok, np.ceil(hi[:, 1] + (h - hi[:, 1]) * u[6]), y1).astype(np.int64)
    return x0, y0, np.minimum(x1, w), np.minimum(y1, h)


class BBoxSafeRandomCrop(_TargetCrop):
    """Crop a random box that holds every bounding box (their union), keeping the crop's own size.

    Per sample: ``x_min`` uniform in ``[0, union_x_min]``, ``x_max`` uniform in ``[union_x_max, W]``
    (pixels, rounded outwards so that no box loses a fraction of a pixel), the same for y.

    Args:
        erosion_rate: with several boxes, their union shrinks by this fraction of its size (half on
            each side) before the crop is drawn, so boxes at its edge may be cut; one box is kept
            whole; ``1.0`` ignores the boxes.

    Without boxes (and with ``erosion_rate=1``) the crop is random: height uniform in
    ``[H * (1 - erosion_rate), H]``, the image's aspect ratio, placed at random (albumentations'
    fallback). The output size is the crop's: in a batch, samples that draw different sizes raise
    ``ValueError`` (use :class:`RandomSizedBBoxSafeCrop`).

    >>> import numpy as np, xalbu as A
    >>> pipe = A.Compose([A.BBoxSafeRandomCrop()], bbox_params=A.BboxParams("pascal_voc"), seed=0)
    >>> out = pipe(image=np.zeros((40, 50, 3), np.uint8), bboxes=[(10, 12, 20, 30)])
    >>> len(out["bboxes"])  # the box is kept whole
    1
    """

    benchmark_inputs = ("bboxes",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"erosion_rate": 0.0}, {"erosion_rate": 0.3}]

    def __init__(self, erosion_rate: float = 0.0, p: float = 1.0) -> None:
        super().__init__(p)
        self.erosion_rate = check_number("erosion_rate", erosion_rate, 0.0, 1.0)

    def sample_data(self, rng: np.random.Generator, state: State) -> TargetCropParams:
        _ready(state)
        p = _params(*_safe_boxes(rng, state, self.erosion_rate), state.batch)
        _one_size(self, p, state.batch)
        return p


class RandomSizedBBoxSafeCrop(_ExactWhenShared):
    """Crop a random box that holds every bounding box, then resize it to ``(height, width)``.

    The crop is drawn as :class:`BBoxSafeRandomCrop`'s (the same fallback without boxes).

    Args:
        height, width: the output size.
        erosion_rate: with several boxes, their union shrinks by this fraction before the crop is
            drawn (boxes at its edge may be cut); ``1.0`` ignores the boxes.
        interpolation, mask_interpolation: OpenCV codes for the resize of images and masks.

    >>> import numpy as np, xalbu as A
    >>> pipe = A.Compose([A.RandomSizedBBoxSafeCrop(16, 16)], bbox_params=A.BboxParams("pascal_voc"))
    >>> out = pipe(image=np.zeros((40, 50, 3), np.uint8), bboxes=[(10, 12, 20, 30)])
    >>> out["image"].shape, len(out["bboxes"])
    ((16, 16, 3), 1)
    """

    benchmark_inputs = ("bboxes",)

    Params = TargetCropParams
    border_mode = 1  # batch warp: replicate at the image edge, as the resize does

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2},
            {"height": 12, "width": 10, "erosion_rate": 0.2, "interpolation": 0, "mask_interpolation": 1},
        ]

    def __init__(
        self,
        height: int,
        width: int,
        erosion_rate: float = 0.0,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.height = check_int("height", height, 1)
        self.width = check_int("width", width, 1)
        check_output_size("height, width", (self.height, self.width))
        self.erosion_rate = check_number("erosion_rate", erosion_rate, 0.0, 1.0)
        set_interpolations(self, interpolation, mask_interpolation)

    def sample_data(self, rng: np.random.Generator, state: State) -> TargetCropParams:
        _ready(state)
        return _params(*_safe_boxes(rng, state, self.erosion_rate), state.batch)

    def output_shape(self, params: TargetCropParams, shape: tuple[int, int]) -> tuple[int, int]:
        return (self.height, self.width)

    def matrix(self, params: TargetCropParams, shape: tuple[int, int]) -> np.ndarray:
        return M.crop_resize(
            params.x_min, params.y_min, params.x_max, params.y_max, (self.height, self.width)
        )

    def _exact(self, arr: Any, p: TargetCropParams, geo: Geometry, mask: bool) -> Any:
        interp = self.mask_interpolation if mask else self.interpolation
        out = resize(crop.generic(arr, p.x_min, p.y_min, p.x_max, p.y_max), (self.height, self.width), interp)
        return self._gated(out, arr, geo)


# ----------------------------------------------------------------------------------------------
# the mask's non-empty region
# ----------------------------------------------------------------------------------------------
class CropNonEmptyMaskIfExists(_TargetCrop):
    """Cut a ``height`` x ``width`` box around a random non-empty pixel of the mask.

    Per sample: a pixel ``(y, x)`` where the mask is non-zero (any channel) is chosen uniformly, then
    ``x_min = x - randint(0, width - 1)`` clipped to ``[0, W - width]`` (same for y), so the crop
    always holds that pixel. The mask read is ``mask`` (else every mask given, combined), with the
    values ``ignore_values`` and the channels ``ignore_channels`` (of multi-channel masks) counted as
    empty.

    When the mask is empty, or no mask is given, the crop is uniformly random (albumentations'
    fallback for an empty mask; albumentations raises ``RuntimeError`` without a mask).

    Args:
        height, width: size of the crop (at most the image's).
        ignore_values: mask values that count as background (0 always does).
        ignore_channels: mask channels that are not read.

    On CuPy the pixel is chosen on the device; the chosen positions come back to the host in one
    copy per batch (the crop's matrix and the boxes live on the host).

    >>> import numpy as np, xalbu as A
    >>> mask = np.zeros((20, 20), np.uint8); mask[15, 2] = 1
    >>> out = A.CropNonEmptyMaskIfExists(4, 4)(image=np.zeros((20, 20), np.uint8), mask=mask)
    >>> int(out["mask"].sum())
    1
    """

    benchmark_inputs = ("mask",)

    host_syncs: ClassVar[int] = 1  # one device-to-host copy per batch on a device (the chosen pixels)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2},
            {"height": height // 3, "width": width // 4, "ignore_values": [1], "ignore_channels": [1]},
        ]

    def __init__(
        self,
        height: int,
        width: int,
        ignore_values: list[int] | None = None,
        ignore_channels: list[int] | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.height = check_int("height", height, 1)
        self.width = check_int("width", width, 1)
        check_output_size("height, width", (self.height, self.width))
        self.ignore_values = _int_list("ignore_values", ignore_values)
        self.ignore_channels = _int_list("ignore_channels", ignore_channels, 0)

    def _occupied(self, state: State) -> Any:
        """``(k, H, W)`` bool: where the mask counts as non-empty (``None`` without masks)."""
        masks = state.masks
        keys = ["mask"] if "mask" in masks else list(masks)
        out = None
        for key in keys:
            m = masks[key]
            xp = namespace(m)
            if self.ignore_values:
                zero = m == self.ignore_values[0]
                for v in self.ignore_values[1:]:
                    zero = zero | (m == v)
                m = xp.where(zero, xp.zeros_like(m), m)
            c = m.shape[-1]
            if self.ignore_channels and c > 1 and not (state.flat and key in state.flat):
                keep = [i for i in range(c) if i not in self.ignore_channels]
                m = xp.take(m, xp.asarray(keep, dtype=xp.int64, device=device(m)), axis=-1) if keep else None
            if m is None:  # every channel ignored: nothing counts
                continue
            any_c = xp.any(m != 0, axis=-1)
            if state.batch is None and any_c.ndim == 3:  # a stack of masks of one image
                any_c = xp.any(any_c, axis=0)
            if any_c.ndim == 2:
                any_c = xp.expand_dims(any_c, axis=0)
            out = any_c if out is None else out | any_c
        return out

    def sample_data(self, rng: np.random.Generator, state: State) -> TargetCropParams:
        _ready(state)
        h, w = state.shape
        self._fixed_size(state.shape)
        n = state.batch
        k = 1 if n is None else n
        u = rng.random((5, k))
        # empty mask: a uniformly random crop
        x0 = (u[0] * (w - self.width + 1)).astype(np.int64)
        y0 = (u[1] * (h - self.height + 1)).astype(np.int64)
        occupied = self._occupied(state) if state.masks else None
        if occupied is not None:
            pos, count = _pick_pixels(occupied, u[2])
            full = count > 0
            if full.any():
                py, px = pos // w, pos % w
                cx = np.clip(px - (u[3] * self.width).astype(np.int64), 0, w - self.width)
                cy = np.clip(py - (u[4] * self.height).astype(np.int64), 0, h - self.height)
                x0, y0 = np.where(full, cx, x0), np.where(full, cy, y0)
        return _params(x0, y0, x0 + self.width, y0 + self.height, n)


def _pick_pixels(occupied: Any, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, the flat index (in its image) of its ``floor(u * count)``-th occupied pixel, and
    the counts (host arrays)."""
    k, hw = occupied.shape[0], occupied.shape[1] * occupied.shape[2]
    if not isinstance(occupied, np.ndarray):
        # on the array's device: rank the occupied pixels with a running count; the (2, k) answer
        # comes back in one copy for the whole batch
        xp, dev = namespace(occupied), device(occupied)
        running = xp.cumulative_sum(xp.reshape(xp.astype(occupied, xp.int32), (k, hw)), axis=1)
        count = running[:, -1]
        target = xp.floor(xp.asarray(u, dtype=xp.float64, device=dev) * xp.astype(count, xp.float64))
        past = xp.astype(running > xp.expand_dims(xp.astype(target, xp.int32), axis=1), xp.int8)
        pos = xp.argmax(past, axis=1)  # the first pixel whose running count passes the target
        host = to_host(xp.stack([xp.astype(pos, xp.int64), xp.astype(count, xp.int64)]))
        return host[0], host[1]
    flat = np.flatnonzero(occupied)
    if k == 1:
        pos = flat[int(u[0] * flat.size)] if flat.size else 0
        return np.array([pos], np.int64), np.array([flat.size])
    count = np.bincount(flat // hw, minlength=k)
    if not flat.size:
        return np.zeros(k, np.int64), count
    idx = np.cumsum(count) - count + (u * count).astype(np.int64)  # u < 1: within the sample's pixels
    return flat[np.minimum(idx, flat.size - 1)] % hw, count


def _int_list(name: str, value: Any, lo: int | None = None) -> list[int] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name}: expected a list of integers or None, got {show(value)}")
    return [check_int(f"{name}[{i}]", v, lo) for i, v in enumerate(value)]


# ----------------------------------------------------------------------------------------------
# at least one box kept
# ----------------------------------------------------------------------------------------------
class AtLeastOneBBoxRandomCrop(_TargetCrop):
    """Cut a ``height`` x ``width`` box that holds (part of) at least one bounding box.

    Per sample one of its boxes is chosen uniformly; the crop's corner is uniform among the integer
    positions whose crop overlaps that box by at least ``(1 - erosion_factor)`` of its width and of
    its height (the whole box for ``0``; any overlap for ``1``), clipped to the image. A box larger
    than the crop is covered as far as the crop allows. Without boxes the crop is uniformly random.

    Args:
        height, width: size of the crop (at most the image's).
        erosion_factor: how much of the chosen box the crop may leave out, in ``[0, 1]``.

    >>> import numpy as np, xalbu as A
    >>> pipe = A.Compose([A.AtLeastOneBBoxRandomCrop(10, 10)], bbox_params=A.BboxParams("pascal_voc"))
    >>> out = pipe(image=np.zeros((40, 50, 3), np.uint8), bboxes=[(30, 20, 36, 28)])
    >>> out["bboxes"][0][2] - out["bboxes"][0][0]
    6.0
    """

    benchmark_inputs = ("bboxes",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2},
            {"height": 8, "width": 6, "erosion_factor": 1.0},
        ]

    def __init__(self, height: int, width: int, erosion_factor: float = 0.0, p: float = 1.0) -> None:
        super().__init__(p)
        self.height = check_int("height", height, 1)
        self.width = check_int("width", width, 1)
        check_output_size("height, width", (self.height, self.width))
        self.erosion_factor = check_number("erosion_factor", erosion_factor, 0.0, 1.0)

    def sample_data(self, rng: np.random.Generator, state: State) -> TargetCropParams:
        h, w = state.shape
        ch, cw = self.height, self.width
        if ch > h or cw > w:
            self._fixed_size(state.shape)
        n = state.batch
        if n is None and not state.boxes and state.pending is None:  # one image without boxes: a random crop
            ux, uy = rng.random(), rng.random()
            x, y = int(ux * (w - cw + 1)), int(uy * (h - ch + 1))
            return TargetCropParams(x, y, x + cw, y + ch)
        _ready(state)
        found = _all_boxes(state)
        k = 1 if n is None else n
        u = rng.random((3, k))
        lo = np.zeros((2, k))
        hi = np.array([[w - cw], [h - ch]], np.float64) * np.ones((1, k))
        if found is not None:
            xyxy, sample = found
            count = np.bincount(sample, minlength=k)
            start = np.cumsum(count) - count
            has = count > 0
            ref = xyxy[np.minimum(start + (u[0] * count).astype(np.int64), len(xyxy) - 1)]
            b_lo, b_hi = ref[:, :2].T, ref[:, 2:4].T  # (2, k): x then y
            size = np.array([[cw], [ch]], np.float64)
            room = hi
            if self.erosion_factor < 1.0:
                keep = (b_hi - b_lo) * (1.0 - self.erosion_factor)  # the overlap to keep
                a, b = np.ceil(b_lo + keep - size), np.floor(b_hi - keep)
            else:  # any overlap: corner in the open interval (b_lo - size, b_hi)
                a, b = np.floor(b_lo - size) + 1, np.ceil(b_hi) - 1
            a, b = np.clip(a, 0, room), np.clip(b, 0, room)
            wide = a > b  # the box is larger than the crop: a corner that keeps the crop inside it
            if wide.any():
                ia = np.clip(np.ceil(b_lo), 0, room)
                ib = np.maximum(ia, np.clip(np.floor(b_hi - size), 0, room))
                a, b = np.where(wide, ia, a), np.where(wide, ib, b)
            lo, hi = np.where(has, a, lo), np.where(has, b, hi)
        xy = lo + np.floor(u[1:] * (hi - lo + 1))
        x0, y0 = np.minimum(xy, hi).astype(np.int64)
        return _params(x0, y0, x0 + cw, y0 + ch, n)


# ----------------------------------------------------------------------------------------------
# around a given box
# ----------------------------------------------------------------------------------------------
class _NP:
    """NumPy's functions under the names :func:`_near_box` uses (``math``'s for one image)."""

    floor, ceil = np.floor, np.ceil


def _clip(a: Any, lo: Any, hi: Any) -> Any:
    return np.minimum(np.maximum(a, lo), hi) if isinstance(a, np.ndarray) else min(max(a, lo), hi)


def _near_box(
    m: Any,
    bx0: Any,
    by0: Any,
    bx1: Any,
    by1: Any,
    u0: Any,
    u1: Any,
    u2: Any,
    u3: Any,
    shift: tuple[float, float],
    h: int,
    w: int,
) -> tuple[Any, Any, Any, Any]:
    """RandomCropNearBBox's crop from its box (clipped to the image), uniforms ``u0..u3`` and
    ``max_part_shift``: each side moved by a whole number of pixels up to ``shift`` of the box's
    side, clipped to the image, cut at whole pixels outwards; an empty result becomes the central
    crop of the box's size. ``m``: ``math`` (Python floats) or :class:`_NP` (arrays, per sample)."""
    hs = np.round((by1 - by0) * shift[0]) if m is _NP else round((by1 - by0) * shift[0])
    ws = np.round((bx1 - bx0) * shift[1]) if m is _NP else round((bx1 - bx0) * shift[1])
    x0 = _clip(bx0 - (m.floor(u0 * (2 * ws + 1)) - ws), 0, w)
    x1 = bx1 + (m.floor(u1 * (2 * ws + 1)) - ws)
    y0 = _clip(by0 - (m.floor(u2 * (2 * hs + 1)) - hs), 0, h)
    y1 = by1 + (m.floor(u3 * (2 * hs + 1)) - hs)
    x1, y1 = _clip(x1, x0, w), _clip(y1, y0, h)
    # integer pixel boxes (a fractional given box is cut at whole pixels: floor / ceil outwards)
    x0, y0, x1, y1 = m.floor(x0), m.floor(y0), m.ceil(x1), m.ceil(y1)
    empty = (x0 >= x1) | (y0 >= y1)
    if np.any(empty):  # the central crop of the box's size (at least one pixel)
        bh, bw = _clip(m.ceil(by1 - by0), 1, h), _clip(m.ceil(bx1 - bx0), 1, w)
        cy, cx = (h - bh) // 2, (w - bw) // 2
        x0, y0 = np.where(empty, cx, x0), np.where(empty, cy, y0)
        x1, y1 = np.where(empty, cx + bw, x1), np.where(empty, cy + bh, y1)
    return x0, y0, x1, y1


class RandomCropNearBBox(_TargetCrop):
    """Crop the box given as ``cropping_bbox_key`` (pascal_voc pixels), each side moved at random.

    ``h_shift = round(box_height * max_part_shift[0])``, ``w_shift = round(box_width *
    max_part_shift[1])``; ``x_min`` and ``x_max`` each move by an integer uniform in ``[-w_shift,
    w_shift]`` (y by ``h_shift``), then the crop is clipped to the image. A crop left empty becomes
    the central crop of the box's size. The box is a keyword of the call (``pipe(image=...,
    cropping_bbox=[x_min, y_min, x_max, y_max])``; in a batch, one box per sample); without it the
    output is the input, unchanged (albumentations raises ``ValueError``).

    Args:
        max_part_shift: ``(height, width)`` fractions in ``[0, 1]``; as in albumentations 2.0.8 the
            pair is validated as a range (``height <= width``; a number ``v`` means ``(0, v)``).
        cropping_bbox_key: the keyword holding the box.

    The output size is the crop's: in a batch, samples that draw different sizes raise ``ValueError``.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomCropNearBBox(max_part_shift=0.0)
    >>> A.Compose([t])(image=np.zeros((30, 40), np.uint8), cropping_bbox=[5, 6, 25, 16])["image"].shape
    (10, 20)
    """

    benchmark_inputs = ("cropping_bbox",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"max_part_shift": (0.0, 0.3)},
            {"max_part_shift": (0.1, 0.5), "cropping_bbox_key": "test_bbox"},
        ]

    def __init__(
        self,
        max_part_shift: tuple[float, float] | float = (0, 0.3),
        cropping_bbox_key: str = "cropping_bbox",
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        if isinstance(max_part_shift, (int, float)) and not isinstance(max_part_shift, bool):
            max_part_shift = (0.0, max_part_shift)
        # albumentations 2.0.8 validates a (low, high) range, then reads it as (height, width)
        self.max_part_shift = check_range("max_part_shift", max_part_shift, 0.0, 1.0)
        if not isinstance(cropping_bbox_key, str):
            raise TypeError(f"cropping_bbox_key: expected a keyword name, got {show(cropping_bbox_key)}")
        self.cropping_bbox_key = cropping_bbox_key

    def _given(self, state: State) -> np.ndarray | None:
        """``(k, 4)`` boxes clipped to the image (``None`` where none is given)."""
        h, w = state.shape
        k = 1 if state.batch is None else state.batch
        value = (state.extra or {}).get(self.cropping_bbox_key)
        if value is None:
            return None
        key = self.cropping_bbox_key
        try:
            boxes = np.asarray(to_host(value) if not isinstance(value, (list, tuple)) else value, np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{key}: expected a box [x_min, y_min, x_max, y_max], got {show(value)}"
            ) from None
        boxes = boxes.reshape(-1, boxes.shape[-1]) if boxes.ndim else boxes
        if boxes.ndim != 2 or boxes.shape[1] < 4 or len(boxes) != k or not np.isfinite(boxes[:, :4]).all():
            what = (
                "a box [x_min, y_min, x_max, y_max]" if state.batch is None else f"{k} boxes (one per sample)"
            )
            raise ValueError(f"{key}: expected {what}, got {show(value)}")
        b = boxes[:, :4].copy()
        b[:, 0::2] = np.clip(b[:, 0::2], 0, w)
        b[:, 1::2] = np.clip(b[:, 1::2], 0, h)
        b[:, 2] = np.maximum(b[:, 2], b[:, 0])
        b[:, 3] = np.maximum(b[:, 3], b[:, 1])
        return b

    def sample_data(self, rng: np.random.Generator, state: State) -> TargetCropParams:
        h, w = state.shape
        n = state.batch
        box = self._given(state)
        if box is None:  # no box: the whole image, unchanged
            return TargetCropParams(0, 0, w, h)
        if n is None:  # one image: the same arithmetic on Python floats (NumPy's on 1-element
            # arrays cost 30 us a call); rng.random(4) draws what rng.random((4, 1)) does
            x0, y0, x1, y1 = _near_box(
                math, *box[0].tolist(), *rng.random(4).tolist(), self.max_part_shift, h, w
            )
            return TargetCropParams(int(x0), int(y0), int(x1), int(y1))
        x0, y0, x1, y1 = _near_box(_NP, *box.T, *rng.random((4, len(box))), self.max_part_shift, h, w)
        p = _params(x0, y0, x1, y1, n)
        _one_size(self, p, n)
        return p
