"""Helpers shared by the generic kernels (array-API only)."""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import array_namespace, device

MAX_VALUES = {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0, "float64": 1.0}


def dtype_name(xp: Any, dtype: Any) -> str:
    """Name of an array-API dtype (``"uint8"``, ``"float32"``...)."""
    for name in (
        "uint8",
        "uint16",
        "float32",
        "float64",
        "int32",
        "int64",
        "int8",
        "int16",
        "uint32",
        "bool",
    ):
        if dtype == getattr(xp, name, None):
            return name
    return str(dtype)


def max_value(xp: Any, dtype: Any) -> float:
    """The value of full intensity: 255 for uint8, 65535 for uint16, 1.0 for floats."""
    return MAX_VALUES.get(dtype_name(xp, dtype), 1.0)


def is_float(xp: Any, dtype: Any) -> bool:
    return xp.isdtype(dtype, "real floating")


def param(xp: Any, value: Any, img: Any, dtype: Any = None) -> Any:
    """Turn a scalar or length-N host parameter into something that broadcasts over ``img``.

    Python scalars are returned unchanged. A length-N array becomes an ``(N, 1, 1, 1)`` array on
    ``img``'s device (a batch is NHWC); an array with trailing shape ``(C,)`` (per channel) is kept
    as a per-channel vector. ``(N, C)`` becomes ``(N, 1, 1, C)``.
    """
    if isinstance(value, (int, float, bool, np.generic)) and np.ndim(value) == 0:
        return value.item() if isinstance(value, np.generic) else value
    arr = np.asarray(value)
    dt = dtype if dtype is not None else xp.float32
    out = xp.asarray(arr, dtype=dt, device=device(img))
    if arr.ndim == 1 and img.ndim == 4 and arr.shape[0] == img.shape[0]:
        return xp.reshape(out, (arr.shape[0], 1, 1, 1))
    if arr.ndim == 2 and img.ndim == 4:
        return xp.reshape(out, (arr.shape[0], 1, 1, arr.shape[1]))
    return out


def clip(xp: Any, x: Any, lo: float | None, hi: float | None) -> Any:
    """``xp.clip(x, lo, hi)`` for scalar bounds, without a host sync on any backend.

    array-api-compat's ``clip`` for CuPy masks with boolean indexing, which reads counts back to the
    host four times a call; ``maximum``/``minimum`` with Python scalars are one elementwise kernel
    each and keep ``x``'s dtype. NaN stays NaN, as in ``clip``. Example:
    ``clip(np, np.array([-1.0, 0.5, 2.0]), 0.0, 1.0)`` gives ``[0.0, 0.5, 1.0]``.
    """
    kind = float if is_float(xp, x.dtype) else int
    if lo is not None:
        x = xp.maximum(x, kind(lo))
    if hi is not None:
        x = xp.minimum(x, kind(hi))
    return x


def round_cast(xp: Any, x: Any, dtype: Any) -> Any:
    """Cast float ``x`` to ``dtype``: integers are rounded and saturated, floats are cast."""
    if is_float(xp, dtype):
        return xp.astype(x, dtype)
    hi = max_value(xp, dtype)
    return xp.astype(clip(xp, xp.round(x), 0.0, hi), dtype)


def namespace(*arrays: Any) -> Any:
    """``array_namespace`` re-exported so kernels import one name."""
    return array_namespace(*arrays)
