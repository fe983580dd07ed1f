"""CuPy override of :func:`xalbu.functional._superpixels.superpixels` (sharpen family; CUDA source
``kernels/slic.cu``).

The same steps as the generic kernel (:func:`~xalbu.functional._superpixels.run`: float to uint8,
the resizes, samples left alone), with the segmentation in CUDA on the whole batch: the initial
centres are laid out on the host (``(N, K)``, one upload each), then 10 x (``slic_assign``: one thread
per pixel over the centres in reach; ``slic_move``: one thread per centre) and ``slic_means`` (one
thread per segment), ``slic_flags`` (one per sample), ``slic_write`` (one per pixel and channel):
24 launches plus a few element-wise ones, whatever N; no host sync. The same float64 arithmetic as
the generic kernel without FMA contraction: bit for bit on the CPU harness.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _superpixels as F
from xalbu.functional._utils import namespace

from ._launch import grid
from .kernels import source

_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short"}
_OPTIONS = ("--std=c++14", "--fmad=false")
_NAMES = tuple(
    [f"{k}<{t}>" for k in ("slic_assign", "slic_means", "slic_write") for t in _TYPES.values()]
    + ["slic_move", "slic_flags"]
)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("slic.cu"), options=_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _function(expression: str) -> cupy.RawKernel:
    return _module().get_function(expression)


def _core(small: Any, seg: np.ndarray, rep: np.ndarray, mod: np.ndarray) -> Any:
    small = cupy.ascontiguousarray(small)
    n, h, w, c = (int(v) for v in small.shape)
    t = _TYPES[str(small.dtype)]
    cy_h, cx_h, valid, step = F.grid_batch(h, w, seg)
    k = cy_h.shape[1]
    k1 = int(valid.sum(axis=1).max()) + 1
    cy, cx = cupy.asarray(cy_h), cupy.asarray(cx_h)
    ncentres = cupy.asarray(valid.sum(axis=1).astype(np.int64))
    steps = cupy.asarray(step.astype(np.int64))
    top = cupy.max(small.astype(cupy.float64) + 1e-6, axis=(1, 2, 3))
    dist = cupy.full((n, h, w), cupy.inf, dtype=cupy.float64)
    labels = cupy.full((n, h, w), -1, dtype=cupy.int64)
    dims = (np.int32(n), np.int32(h), np.int32(w))
    pixels, centres = grid(n * h * w, most=65535), grid(n * k, most=65535)
    for _ in range(F.ITERATIONS):
        _function(f"slic_assign<{t}>")(
            *pixels, (small, top, cy, cx, ncentres, steps, dist, labels, *dims, np.int32(c), np.int32(k))
        )
        _function("slic_move")(*centres, (labels, cy, cx, *dims, np.int32(k)))
    counts = cupy.empty((n, k1), dtype=cupy.int64)
    values = cupy.empty((n, k1, c), dtype=small.dtype)
    top_value = float(np.iinfo(small.dtype).max)
    _function(f"slic_means<{t}>")(
        *grid(n * k1, most=65535),
        (small, labels, counts, values, *dims, np.int32(c), np.int32(k1), top_value),
    )
    flags = cupy.empty((n, k1), dtype=cupy.uint8)
    replace = cupy.asarray(np.ascontiguousarray(rep))
    _function("slic_flags")(
        *grid(n, most=65535),
        (
            counts,
            replace,
            cupy.asarray(mod.astype(np.int64)),
            flags,
            np.int32(n),
            np.int32(k1),
            np.int32(rep.shape[1]),
        ),
    )
    out = cupy.empty_like(small)
    _function(f"slic_write<{t}>")(
        *grid(n * h * w * c, most=65535),
        (small, labels, flags, values, out, *dims, np.int32(c), np.int32(k1)),
    )
    return out


@register(F.superpixels, "cupy")
def superpixels(img: Any, /, n_segments: Any, replace: Any, max_size: int | None, interpolation: int) -> Any:
    if str(img.dtype) not in ("uint8", "uint16", "float32") or img.ndim not in (3, 4) or img.shape[-1] < 1:
        return NotImplemented
    if int(interpolation) not in F.KERNEL_CODE or min(img.shape[-3:-1]) < 1:
        return NotImplemented
    return F.run(namespace(img), img, n_segments, replace, max_size, interpolation, _core)
