"""CuPy overrides of the blur kernels (CUDA sources in ``kernels/``).

The linear blurs need no override of their own: their generic kernels build the weights on the host
and call the shared filters, whose CuPy overrides (``_filter.py``) run one or two launches per batch.
``median_blur`` gets one launch per batch here (``kernels/blur_median.cu``): per-sample window sizes
up to 15 (larger ones run the generic kernel), edge pixels repeated, NaN ordered last.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import blur as F

from ._launch import grid
from .kernels import source

_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_MAX_K = 15  # XALBU_MEDIAN_MAXK in blur_median.cu


@functools.cache
def _median_module() -> cupy.RawModule:
    names = [f"median_blur<{t}>" for t in _TYPES.values()]
    return cupy.RawModule(code=source("blur_median.cu"), options=("--std=c++14",), name_expressions=names)


@register(F.median_blur, "cupy")
def median_blur(img: Any, ksize: Any, /) -> Any:
    """One launch for the batch; same contract as the generic ``median_blur``."""
    name = str(img.dtype)
    sizes, _ = F.per_sample(ksize, img)
    if name not in _TYPES or img.ndim not in (3, 4) or sizes.dtype.kind not in "iuf":
        return NotImplemented
    k = sizes.astype(np.int64)
    if np.any(k != sizes) or np.any(k < 1) or np.any(k % 2 == 0) or np.any(k > _MAX_K):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    total = n * h * w * c
    if total:
        _median_module().get_function(f"median_blur<{_TYPES[name]}>")(
            *grid(total),
            (
                x4,
                out,
                cupy.asarray(np.ascontiguousarray(k, np.int32)),
                np.int32(1 if len(k) > 1 else 0),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
            ),
        )
    return out if img.ndim == 4 else out[0]


@functools.cache
def _zoom_module() -> cupy.RawModule:
    names = [f"zoom_blur<{t}>" for t in _TYPES.values()]
    return cupy.RawModule(
        code=source("blur_zoom.cu"), options=("--std=c++14", "--fmad=false"), name_expressions=names
    )


def _zoom_tables(n: int, size: int, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(N, F, size, 2)`` int32 source indices and ``(N, F, size)`` float32 weights, one column at a time."""
    idx = np.zeros((n, f.shape[1], size, 2), np.int32)
    wts = np.zeros((n, f.shape[1], size), np.float32)
    for j in range(f.shape[1]):  # the factor columns, a fixed count: not a loop over samples
        a, b, w = F._zoom_taps(size, f[:, j])
        idx[:, j, :, 0], idx[:, j, :, 1], wts[:, j] = a, b, w
    return idx, wts


@register(F.zoom_blur, "cupy")
def zoom_blur(img: Any, factors: Any, /) -> Any:
    """One launch for the batch (host tables of taps per sample and factor); the generic's arithmetic."""
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    f = np.asarray(factors, np.float64)
    f = np.ascontiguousarray(np.broadcast_to(f.reshape(1, -1) if f.ndim == 1 else f, (n, f.shape[-1])))
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    total = n * h * w * c
    if total:
        ytab, fy = _zoom_tables(n, h, f)
        xtab, fx = _zoom_tables(n, w, f)
        count = ((f > 0).sum(axis=1) + 1.0).astype(np.float32)
        scale = {"uint8": 255.0, "uint16": 65535.0}.get(name, 1.0)
        _zoom_module().get_function(f"zoom_blur<{_TYPES[name]}>")(
            *grid(total),
            (
                x4,
                out,
                cupy.asarray(ytab),
                cupy.asarray(fy),
                cupy.asarray(xtab),
                cupy.asarray(fx),
                cupy.asarray((f > 0).astype(np.int32)),
                cupy.asarray(count),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                np.int32(f.shape[1]),
                np.float32(scale),
                np.int32(scale != 1.0),
            ),
        )
    return out if img.ndim == 4 else out[0]
