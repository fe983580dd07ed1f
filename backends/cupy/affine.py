"""CuPy override of the warp kernel: one batched CUDA launch for every affine-kind transform."""

from __future__ import annotations

from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import affine as F
from xalbu.functional._common import NEAREST, host_fill, warp_codes

from .kernels import WARP_TYPES, warp_kernel

_THREADS = 256


def _range(name: str) -> tuple[int, float, float]:
    """(is_int, lo, hi) of the saturating cast of interpolated values (hi kept below 2**31 in float32)."""
    if name in ("float32", "bool"):
        return 0, 0.0, 0.0
    info = np.iinfo(name)
    hi = float(info.max)
    if float(np.float32(hi)) > hi:
        hi = float(np.nextafter(np.float32(hi), np.float32(0)))
    return 1, float(info.min), hi


@register(F.warp, "cupy")
def warp(img: Any, /, matrix: Any, out_hw: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """Batched warp in one CUDA launch; same contract and rules as the generic ``warp``."""
    name = str(img.dtype)
    if name not in WARP_TYPES:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp, border_mode = warp_codes(interpolation, border_mode)
    if name == "bool" and interp != NEAREST:
        return NotImplemented
    inv = F.index_inverse(matrix).astype(np.float32)
    inv_dev = cupy.asarray(np.ascontiguousarray(inv.reshape(-1, 9)))
    # the fill rounded and saturated to the image dtype first, as the generic kernel and OpenCV do;
    # nearest taps read it in the image dtype (exact for int32/int64), interpolated taps as float32
    fills = host_fill(fill, name, c, n if img.ndim == 4 else None).reshape(-1, c)
    fill_dev = cupy.asarray(np.ascontiguousarray(fills, np.float32))
    fill_t_dev = cupy.asarray(np.ascontiguousarray(fills, x4.dtype))
    out = cupy.empty((n, ho, wo, c), dtype=x4.dtype)
    total = n * ho * wo
    if total:
        is_int, lo, hi = _range(name)
        warp_kernel(name)(
            ((total + _THREADS - 1) // _THREADS,),
            (_THREADS,),
            (
                x4,
                out,
                inv_dev,
                np.int32(9 if inv.shape[0] > 1 else 0),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                np.int32(ho),
                np.int32(wo),
                np.int32(interp),
                np.int32(border_mode),
                fill_dev,
                fill_t_dev,
                np.int32(c if fills.shape[0] > 1 else 0),
                np.int32(is_int),
                np.float32(lo),
                np.float32(hi),
            ),
        )
    return out if img.ndim == 4 else out[0]
