"""uint8 lookup tables for the CuPy point-wise overrides: a map becomes one per-sample table pass.

The table is computed on the host by running the *generic* kernel on a ramp of the 256 uint8
values with the same parameters (per sample and per channel), so the override equals the generic
kernel by construction; the device then does a single gather instead of several float passes.
The families register their kernels with :func:`_lut_override` (``tone.py``, ``dtype.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register

from .kernels import lut_kernel


def _shared(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True when no parameter is per sample: Python scalars, 0-d values and per-channel lists or
    tuples (the kernels' convention: only NumPy arrays carry per-sample values)."""
    return all(isinstance(a, (list, tuple)) or np.ndim(a) == 0 for a in (*args, *kwargs.values()))


def _ramp(img: Any, shared: bool = False) -> np.ndarray:
    """A host uint8 'image' holding 0..255 along W, shaped like ``img`` for parameter broadcasting;
    one sample's worth when every parameter is ``shared`` (one table for the whole batch)."""
    c = int(img.shape[-1])
    ramp = np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], c, axis=2)  # (1, 256, C)
    if img.ndim == 4 and not shared:
        ramp = np.broadcast_to(ramp[None], (int(img.shape[0]), 1, 256, c))
    return np.ascontiguousarray(ramp)


def apply_table(img: Any, table: np.ndarray) -> Any:
    """Apply a host table ``(1, 256, C)`` or ``(N, 1, 256, C)`` to a uint8 CuPy ``img``."""
    c = int(img.shape[-1])
    per_sample = table.ndim == 4 and table.shape[0] > 1
    lut = cupy.asarray(np.ascontiguousarray(table.reshape(-1)))
    plane = int(np.prod(img.shape[-3:]))
    stride = 256 * c if per_sample else 0
    out = cupy.empty(img.shape, dtype=lut.dtype)
    return lut_kernel()(img, lut, np.int64(plane), np.int32(c), np.int64(stride), out)


def _lut_override(generic: Callable[..., Any], accepts: Callable[..., bool] = lambda *a: True) -> None:
    @register(generic, "cupy")
    def override(img: Any, /, *args: Any, **kwargs: Any) -> Any:
        if img.dtype != cupy.uint8 or not accepts(*args, **kwargs):
            return NotImplemented
        ramp = _ramp(img, shared=img.ndim == 4 and _shared(args, kwargs))
        return apply_table(img, generic.generic(ramp, *args, **kwargs))
