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
from xalbu.functional._common import NEAREST, warp_codes

from ._sampler import launch_sampler
from .kernels import WARP_OPTIONS, WARP_TYPES, source

_NAMES = tuple(f"remap<{t}>" for t in WARP_TYPES.values())


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
    m = cupy.ascontiguousarray(maps, dtype=cupy.float32)
    stride = np.int64(int(m.shape[-3]) * int(m.shape[-2]) * 2 if m.ndim == 4 else 0)
    out_hw = (int(m.shape[-3]), int(m.shape[-2]))
    return launch_sampler(remap_kernel(name), img, m, stride, out_hw, interp, border_mode, fill)
