"""CuPy override of the distortion family's ``remap`` kernel: one batched CUDA launch (``remap.cu``,
compiled with ``warp.cu``'s helpers) for the whole batch, per-sample maps, no host sync.

The map generators (``elastic_maps``, ``grid_maps``) run as their generic array-API kernels on
CuPy arrays: a fixed number of launches whatever the batch size (the counter-based random bits in
one launch, two batched matrix products, one stack), all on the device.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import distortion as F
from xalbu.functional._common import NEAREST, host_fill, warp_codes

from .kernels import WARP_OPTIONS, WARP_TYPES, source

_THREADS = 256
_NAMES = tuple(f"remap<{t}>" for t in WARP_TYPES.values())


def _range(name: str) -> tuple[int, float, float]:
    """(is_int, lo, hi) of the saturating cast of interpolated values (hi below 2**31 in float32), as
    the warp kernel's (``warp.cu``'s ``xalbu_cast``)."""
    if name in ("float32", "bool"):
        return 0, 0.0, 0.0
    info = np.iinfo(name)
    hi = float(info.max)
    if float(np.float32(hi)) > hi:
        hi = float(np.nextafter(np.float32(hi), np.float32(0)))
    return 1, float(info.min), hi


@functools.cache
def _module() -> cupy.RawModule:
    code = source("warp.cu") + "\n" + source("remap.cu")
    return cupy.RawModule(code=code, options=WARP_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def remap_kernel(dtype_name: str) -> cupy.RawKernel:
    """The compiled ``remap`` for one dtype (compiled once per process)."""
    return _module().get_function(f"remap<{WARP_TYPES[dtype_name]}>")


@register(F.remap, "cupy")
def remap(img: Any, /, maps: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """Batched remap in one CUDA launch; same contract and rules as the generic ``remap``."""
    name = str(img.dtype)
    if name not in WARP_TYPES or not isinstance(maps, cupy.ndarray):
        return NotImplemented
    interp, border_mode = warp_codes(interpolation, border_mode)
    if name == "bool" and interp != NEAREST:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    m = cupy.ascontiguousarray(maps, dtype=cupy.float32)
    ho, wo = int(m.shape[-3]), int(m.shape[-2])
    fills = host_fill(fill, name, c, n if img.ndim == 4 else None).reshape(-1, c)
    fill_dev = cupy.asarray(np.ascontiguousarray(fills, np.float32))
    fill_t_dev = cupy.asarray(np.ascontiguousarray(fills, x4.dtype))
    out = cupy.empty((n, ho, wo, c), dtype=x4.dtype)
    total = n * ho * wo
    if total:
        is_int, lo, hi = _range(name)
        remap_kernel(name)(
            ((total + _THREADS - 1) // _THREADS,),
            (_THREADS,),
            (
                x4,
                out,
                m,
                np.int64(ho * wo * 2 if m.ndim == 4 else 0),
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
