"""CuPy override of the H&E stain kernel (CUDA source: ``kernels/stain.cu``): one launch per batch.

The per-sample affine maps of optical density (``xalbu.functional._stain.stain_maps``, a small host
computation on host parameters) and the applied flags are uploaded once; a sample not applied is
copied inside the kernel. No host sync, no per-sample Python loop. Compiled without FMA contraction.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _stain as F

from .kernels import source

_THREADS = 256
_OPTIONS = ("--std=c++14", "--fmad=false")
_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}


@functools.cache
def _function(name: str) -> cupy.RawKernel:
    names = [f"he_stain<{t}>" for t in _TYPES.values()]
    return cupy.RawModule(code=source("stain.cu"), options=_OPTIONS, name_expressions=names).get_function(
        name
    )


@register(F.he_stain, "cupy")
def he_stain(img: Any, stain: Any, scale: Any, shift: Any, on: Any, augment_background: bool, /) -> Any:
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4) or img.shape[-1] != 3:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w = (int(s) for s in x4.shape[:3])
    maps = F.stain_maps(stain, scale, shift, augment_background).reshape(-1, 24)
    flags = np.asarray(on, bool).reshape(-1).astype(np.uint8)
    if (len(maps) > 1 and len(maps) != n) or (len(flags) > 1 and len(flags) != n):
        return NotImplemented
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    if n * h * w:
        _function(f"he_stain<{_TYPES[name]}>")(
            (max(1, (n * h * w + _THREADS - 1) // _THREADS),),
            (_THREADS,),
            (
                x4,
                out,
                np.int32(n),
                np.int64(h * w),
                cupy.asarray(np.ascontiguousarray(maps)),
                np.int32(24 if len(maps) > 1 else 0),
                cupy.asarray(flags),
                np.int32(1 if len(flags) > 1 else 0),
                np.int32(name != "float32"),
                np.float32({"uint8": 255.0, "uint16": 65535.0}.get(name, 1.0)),
            ),
        )
    return out if img.ndim == 4 else out[0]
