"""CuPy overrides of the dropout kernels ``cutout`` and ``pixel_dropout`` (CUDA source
``kernels/dropout.cu`` after the Philox rounds of ``kernels/random_philox.cu``): one launch for the
whole batch, one thread per pixel. ``cutout``: each thread finds the last of its sample's holes that
covers it and writes the fill value or its random values. ``pixel_dropout``: each thread computes its
field values (and the random colour) from the sample's seed.
Holes, per-hole offsets, fills and seeds go up as small arrays; samples without holes (padding rows,
samples not applied) are copied. No host sync, no per-sample loop. Equal bit for bit to the generic
kernel (the same Philox values and tables).
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import dropout as F
from xalbu.functional._common import host_fill

from ._launch import grid
from ._random import OPTIONS, with_philox
from .kernels import WARP_TYPES

_NAMES = tuple(f"{k}<{t}>" for k in ("cutout", "pixel_dropout") for t in WARP_TYPES.values())
_RANDOM_TYPES = ("uint8", "uint16", "float32")


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=with_philox("dropout.cu"), options=OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _unit() -> Any:
    return cupy.asarray(R.unit_table())


@register(F.cutout, "cupy")
def cutout(img: Any, /, holes: Any, fill: Any = 0, mode: str = "value", seed: Any = 0) -> Any:
    name = str(img.dtype)
    if name not in WARP_TYPES or img.ndim not in (3, 4) or mode not in F.FILL_MODES:
        return NotImplemented
    if mode != "value" and name not in _RANDOM_TYPES:
        return NotImplemented
    batched = img.ndim == 4
    x4 = cupy.ascontiguousarray(img if batched else img[None])
    n, h, w, c = (int(v) for v in x4.shape)
    hs = np.ascontiguousarray(F.holes_3d(holes, batched, n))
    k = hs.shape[1]
    if mode == "value":
        values = host_fill(fill, name, c, n if batched else None)
        stride = c if values.ndim == 4 else 0
        fills = np.ascontiguousarray(values.reshape(-1))
        offsets = np.zeros((n, max(k, 1)), np.int64)
        seeds = np.zeros(n, np.uint64)
        code = 0
    else:
        _, offsets = F.random_counts(hs, c, mode)
        offsets = np.ascontiguousarray(offsets if k else np.zeros((n, 1), np.int64), np.int64)
        fills, stride = np.zeros(1, x4.dtype), 0
        seeds = np.ascontiguousarray(np.broadcast_to(R.seeds_array(seed), (n,)))
        code = 1 if mode == "random" else 2
    out = cupy.empty_like(x4)
    total = n * h * w
    if total:
        _module().get_function(f"cutout<{WARP_TYPES[name]}>")(
            *grid(total),
            (
                x4,
                out,
                cupy.asarray(hs if k else np.zeros((n, 1, 4), np.int64)),
                np.int32(k),
                cupy.asarray(offsets),
                cupy.asarray(fills),
                np.int32(stride),
                cupy.asarray(seeds),
                _unit(),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                np.int32(code),
            ),
        )
    return out if batched else out[0]


@register(F.pixel_dropout, "cupy")
def pixel_dropout(img: Any, /, seed: Any, prob: Any, field_channels: int, fill: Any = None) -> Any:
    name = str(img.dtype)
    if name not in WARP_TYPES or img.ndim not in (3, 4) or (fill is None and name not in _RANDOM_TYPES):
        return NotImplemented
    batched = img.ndim == 4
    x4 = cupy.ascontiguousarray(img if batched else img[None])
    n, h, w, c = (int(v) for v in x4.shape)
    seeds = np.ascontiguousarray(np.broadcast_to(R.seeds_array(seed), (n,)))
    fills = np.zeros(c, x4.dtype) if fill is None else np.ascontiguousarray(host_fill(fill, name, c))
    out = cupy.empty_like(x4)
    if n * h * w:
        _module().get_function(f"pixel_dropout<{WARP_TYPES[name]}>")(
            *grid(n * h * w),
            (
                x4,
                out,
                cupy.asarray(seeds),
                cupy.asarray(F.drop_thresholds(prob, n)),
                cupy.asarray(fills),
                np.int32(fill is None),
                _unit(),
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                np.int32(field_channels),
            ),
        )
    return out if batched else out[0]
