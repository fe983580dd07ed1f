"""CuPy overrides of the shared linear filters (:mod:`xalbu.functional._filter`), CUDA source
``kernels/filter.cu``.

:func:`convolve`: one ``filter2d`` launch for the whole batch, the kernels uploaded once as
``(N, kh, kw)`` float32 (stride 0 for a shared kernel). :func:`convolve_separable`: two launches
(``filter_rows`` into a float32 buffer, then ``filter2d`` with a ``(k, 1)`` column kernel). Same
arithmetic as the generic kernels (float32 taps in row-major order, zero weights skipped, no FMA
contraction), so results are equal bit for bit on the CPU harness. No host sync, no per-sample loop.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _filter as F

from ._launch import grid
from .kernels import source

_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_OPTIONS = ("--std=c++14", "--fmad=false")
_NAMES = tuple(
    [f"filter2d<{t}, {t}>" for t in _TYPES.values()]
    + [f"filter2d<float, {t}>" for t in _TYPES.values() if t != "float"]
    + [f"filter_rows<{t}>" for t in _TYPES.values()]
)
_RANGE = {"uint8": (1, 0.0, 255.0), "uint16": (1, 0.0, 65535.0), "float32": (0, 0.0, 1.0)}


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("filter.cu"), options=_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _function(expression: str) -> cupy.RawKernel:
    return _module().get_function(expression)


def _usable(img: Any) -> bool:
    return img.ndim in (3, 4) and str(img.dtype) in _TYPES


def _filter2d(src: Any, out: Any, weights: np.ndarray, stride: int, kh: int, kw: int, name: str) -> None:
    n, h, w, c = (int(s) for s in out.shape)
    total = n * h * w * c
    if not total:
        return
    is_int, lo, hi = _RANGE[name]
    expression = f"filter2d<{_TYPES[str(src.dtype)]}, {_TYPES[name]}>"
    _function(expression)(
        *grid(total),
        (
            src,
            out,
            cupy.asarray(weights),
            np.int32(stride),
            np.int32(n),
            np.int32(h),
            np.int32(w),
            np.int32(c),
            np.int32(kh),
            np.int32(kw),
            np.int32(is_int),
            np.float32(lo),
            np.float32(hi),
        ),
    )


@register(F.convolve, "cupy")
def convolve(img: Any, kernel: Any, /) -> Any:
    """One batched launch of ``filter2d``; same contract and arithmetic as the generic ``convolve``."""
    if not _usable(img):
        return NotImplemented
    k = F._check_batch(img, F.filter_weights(kernel), "kernel")
    kh, kw = int(k.shape[-2]), int(k.shape[-1])
    stride = kh * kw if k.ndim == 3 else 0
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    _filter2d(x4, out, np.ascontiguousarray(k.reshape(-1, kh * kw)), stride, kh, kw, str(img.dtype))
    return out if img.ndim == 4 else out[0]


@register(F.convolve_separable, "cupy")
def convolve_separable(img: Any, kx: Any, ky: Any, /) -> Any:
    """Two launches: rows into a float32 buffer, then columns (rounded and saturated)."""
    if not _usable(img):
        return NotImplemented
    fx, fy = F._as_1d(kx, "kx"), F._as_1d(ky, "ky")
    F._check_batch(img, fx[..., None, :], "kx")
    F._check_batch(img, fy[..., :, None], "ky")
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    total = n * h * w * c
    if total:
        kw, kh = int(fx.shape[-1]), int(fy.shape[-1])
        rows = cupy.empty(x4.shape, dtype=cupy.float32)
        _function(f"filter_rows<{_TYPES[str(img.dtype)]}>")(
            *grid(total),
            (
                x4,
                rows,
                cupy.asarray(np.ascontiguousarray(fx.reshape(-1))),
                np.int32(kw if fx.ndim == 2 else 0),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                np.int32(kw),
            ),
        )
        ys = np.ascontiguousarray(fy.reshape(-1))
        _filter2d(rows, out, ys, kh if fy.ndim == 2 else 0, kh, 1, str(img.dtype))
    return out if img.ndim == 4 else out[0]
