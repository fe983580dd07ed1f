"""OpenCV / NumPy overrides of the plasma kernels (CPU): the diamond-square fields (``plasma_fields``,
bit for bit the generic's, in fewer passes) and PlasmaBrightnessContrast's arithmetic on them
(PlasmaShadow's override, in ``lighting``, uses the same fields)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import tone as F
from xalbu.functional._plasma import plasma_fields

from ._cv import _scratch, spread_channels
from ._pointwise import _DEPTH, _MAX, _rows, _usable


# --------------------------------------------------------------------------------- plasma
@register(F.plasma_brightness_contrast, "numpy_cv2")
def plasma_brightness_contrast(
    img: np.ndarray, brightness: Any, contrast: Any, seed: Any, roughness: float
) -> Any:
    """The generic kernel's fields and arithmetic with fewer passes: OpenCV adds the brightness and
    the contrast's offset with the rounding and saturation in its last addition (each operation the
    same float32 one as the generic's: bit for bit)."""
    if not _usable(img) or img.dtype == np.float32:
        return NotImplemented  # float32: the finite mean and NaN rules of the generic kernel
    img = np.ascontiguousarray(img)
    samples = img if img.ndim == 4 else img[None]
    n, h, w, c = samples.shape
    seeds = np.asarray(seed, np.uint64).reshape(-1)
    fields = plasma_fields(img, seeds, h, w, float(roughness))  # (S, H, W) float32
    top = _MAX[img.dtype]
    bs = np.broadcast_to(np.asarray(brightness, np.float64) * top, (n,))
    cs = np.broadcast_to(np.asarray(contrast, np.float64), (n,))
    out = np.empty(samples.shape, img.dtype)
    f32 = np.float32
    y = _scratch("plasma_bc_y", (h, w, c), f32)  # every step in reused buffers (fresh ones: page faults)
    t, weight = _scratch("plasma_bc_t", (h, w), f32), _scratch("plasma_bc_weight", (h, w), f32)
    for i in range(n):
        field = fields[i if fields.shape[0] > 1 else 0]  # (H, W)
        np.copyto(y, samples[i])
        y += spread_channels(np.multiply(field, f32(bs[i]), out=t), c, "plasma_bc_spread")
        m = np.mean(y, axis=(-3, -2, -1))
        np.multiply(field, f32(cs[i]), out=weight)
        weight += f32(1.0)
        y *= spread_channels(weight, c, "plasma_bc_spread")
        offset = np.multiply(m, np.subtract(f32(1.0), weight, out=t), out=t)
        spread = spread_channels(offset, c, "plasma_bc_spread")
        cv2.add(_rows(y), _rows(spread), dst=_rows(out[i]), dtype=_DEPTH[img.dtype])
    return out if img.ndim == 4 else out[0]


_DIAMOND = np.array([[0.25, 0.0, 0.25], [0.0, 0.0, 0.0], [0.25, 0.0, 0.25]], np.float32)
_SQUARE = np.array([[0.0, 0.25, 0.0], [0.25, 0.0, 0.25], [0.0, 0.25, 0.0]], np.float32)


@register(plasma_fields, "numpy_cv2")
def plasma_fields_cv(like: Any, seeds: Any, h: int, w: int, roughness: float) -> Any:
    """The generic fields bit for bit, in fewer passes: ``cv2.filter2D`` for the neighbour averages
    (the four taps in the generic's order; a quarter of each is exact, so the sums are the generic's),
    ``where(avg > 0, avg + n, 0)`` as ``(avg + n) * [avg > 0]`` (a 0/1 mask from ``cv2.threshold``:
    the same values without ``np.where``'s slow select), every step in per-thread scratch buffers
    (fresh pages cost more than the arithmetic) and the min-max scaling in place."""
    if not isinstance(like, np.ndarray):
        return NotImplemented
    from xalbu.functional import _plasma as PL
    from xalbu.functional import _random as R

    sizes, scales, count = PL._values(h, w, roughness)
    seeds = R.seeds_array(seeds)
    noise = R.lookup(np, R.unit_table(), R.philox_u16(like, seeds, count))
    noise *= np.float32(2.0)
    noise -= np.float32(1.0)
    out = np.empty((seeds.shape[0], h, w), np.float32)
    for i in range(seeds.shape[0]):
        grid, at = noise[i, :9].reshape(3, 3), 9
        for (side, _), scale in zip(sizes, scales, strict=True):
            shape, f32 = (side, side), np.dtype(np.float32)
            n = noise[i, at : at + side * side].reshape(shape)
            if scale != 1.0:  # x * 1 is x: no copy for the first step (or roughness 1)
                n = np.multiply(n, np.float32(scale), out=_scratch(f"plasma_n{side}", shape, f32))
            at += side * side
            big = _scratch(f"plasma_big{side}", shape, f32)
            big.fill(0.0)
            np.add(grid, n[::2, ::2], out=big[::2, ::2])
            avg, keep = _scratch(f"plasma_avg{side}", shape, f32), _scratch(f"plasma_keep{side}", shape, f32)
            for taps in (_DIAMOND, _SQUARE):
                cv2.filter2D(big, -1, taps, dst=avg, borderType=cv2.BORDER_CONSTANT)
                cv2.threshold(avg, 0.0, 1.0, cv2.THRESH_BINARY, dst=keep)  # 1 where avg > 0
                avg += n
                avg *= keep  # finite values: exactly avg + n or 0
                big += avg
            grid = _minmax(big)
        np.copyto(out[i], grid[:h, :w])
        np.clip(_minmax(out[i]), 0.0, 1.0, out=out[i])
    return out


def _minmax(x: np.ndarray) -> np.ndarray:
    """The generic's min-max scaling of one field, in place (a flat one becomes 0)."""
    lo, hi = (np.float32(v) for v in cv2.minMaxLoc(x)[:2])
    span = hi - lo
    scale = np.float32(1.0) / span if span > 0 else np.float32(0.0)
    np.subtract(x, lo, out=x)
    np.multiply(x, scale, out=x)
    return x
