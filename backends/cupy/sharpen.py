"""CuPy overrides of the sharpen kernels (CUDA source ``kernels/sharpen.cu``): ``unsharp_mask``.

Sharpen, Emboss and RingingOvershoot need nothing here: they run the shared ``convolve``, whose
CuPy override (``_filter.py``) filters the whole batch in one launch with ``(N, k, k)`` kernels.

``unsharp_mask``: seven launches per batch whatever its size, no host sync: ``usm_unit`` (the image
on the [0, 1] scale as float32), the Gaussian blur (``convolve_separable``: two launches),
``usm_mask`` (the 0/1 threshold mask), its blur (two launches) and ``usm_blend`` (sharpen, blend
through the soft mask, round and saturate), with per-sample ``alpha`` (one upload; 0 for the
samples a batch does not change, which come back exactly). Same float32 arithmetic as the generic
kernel, without FMA contraction: equal bit for bit on the CPU harness.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import sharpen as F
from xalbu.functional._filter import convolve_separable

from ._launch import grid
from .kernels import source

_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_MAX = {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0}
_OPTIONS = ("--std=c++14", "--fmad=false")
_NAMES = tuple(
    [f"usm_unit<{t}>" for t in _TYPES.values()] + [f"usm_blend<{t}>" for t in _TYPES.values()] + ["usm_mask"]
)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("sharpen.cu"), options=_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _function(expression: str) -> cupy.RawKernel:
    return _module().get_function(expression)


@register(F.unsharp_mask, "cupy")
def unsharp_mask(img: Any, /, taps: Any, alpha: Any, threshold: float) -> Any:
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    total = n * h * w * c
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    if total:
        g = np.asarray(taps, np.float32)
        a = np.ascontiguousarray(np.asarray(alpha, np.float32).reshape(-1))
        geometry = grid(total, most=65535)
        mx, is_int = _MAX[name], int(name != "float32")
        x = cupy.empty(x4.shape, dtype=cupy.float32)
        _function(f"usm_unit<{_TYPES[name]}>")(
            *geometry, (x4, x, np.int64(total), np.float32(mx), np.int32(is_int))
        )
        b = convolve_separable(x, g, g)
        mask = cupy.empty(x4.shape, dtype=cupy.float32)
        _function("usm_mask")(
            *geometry, (x, b, mask, np.int64(total), np.float32(F.mask_threshold(threshold)))
        )
        soft = convolve_separable(mask, g, g)
        _function(f"usm_blend<{_TYPES[name]}>")(
            *geometry,
            (
                x,
                b,
                soft,
                cupy.asarray(a),
                np.int32(1 if a.size > 1 else 0),
                np.int64(h * w * c),
                np.int64(total),
                out,
                np.int32(is_int),
                np.float32(mx),
            ),
        )
    return out if img.ndim == 4 else out[0]
