"""CuPy override of the counter-based bits of :mod:`xalbu.functional._random` (CUDA sources
``kernels/random_philox.cu``, the Philox4x64-10 rounds every random kernel includes, and
``kernels/random.cu``): one launch for every seed of a batch, one thread per Philox block (16 values).
Equal bit for bit with NumPy's ``Philox(key=seed)`` and the generic kernel. No host sync.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R

from ._launch import grid
from .kernels import source

OPTIONS = ("--std=c++14", "--fmad=false")


def with_philox(name: str) -> str:
    """The CUDA source ``name`` preceded by the Philox device functions."""
    return source("random_philox.cu") + "\n" + source(name)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=with_philox("random.cu"), options=OPTIONS, name_expressions=["philox_u16"])


def device_seeds(seeds: Any) -> Any:
    """Host seeds as a device ``(S,)`` uint64 array (one host-to-device copy)."""
    return cupy.asarray(R.seeds_array(seeds))


@register(R.philox_u16, "cupy")
def philox_u16(like: Any, /, seeds: Any, count: int) -> Any:
    s = R.seeds_array(seeds)
    count = int(count)
    out = cupy.empty((s.shape[0], count), dtype=cupy.uint16)
    nblocks = R.blocks(count)
    total = s.shape[0] * nblocks
    if total:
        _module().get_function("philox_u16")(
            *grid(total),
            (cupy.asarray(s), out, np.int32(s.shape[0]), np.int64(count), np.int64(nblocks)),
        )
    return out[0] if np.ndim(seeds) == 0 else out
