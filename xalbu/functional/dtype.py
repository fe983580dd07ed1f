"""Generic dtype kernels over array-API arrays: normalisation to float32 and conversions between
integer and float images.

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Non-finite float pixels follow the rules of :mod:`xalbu.functional._utils`: :func:`from_float`
to an integer dtype saturates +inf to the maximum and -inf to 0 and turns NaN into 0;
:func:`normalize`, :func:`to_float` and :func:`from_float` to float32 follow IEEE arithmetic.

Backend overrides (``backends/numpy_cv2/dtype.py``, ``backends/cupy/dtype.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import MAX_VALUES, dtype_name, is_float, namespace, round_cast

OUTPUT_DTYPES = ("uint8", "uint16", "float32")


def _channel_vector(xp: Any, value: Param, img: Any, name: str) -> Any:
    """A scalar, or a per-channel ``(C,)`` float32 vector on ``img``'s device (never per sample)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return float(arr)
    channels = img.shape[-1]
    if arr.ndim != 1 or arr.shape[0] not in (1, channels):
        raise ValueError(
            f"{name} must be a scalar or have one value per channel ({channels}), got {arr.shape}"
        )
    return xp.asarray(arr.astype(np.float32), device=device(img))


@kernel
def normalize(img: Any, mean: Param, std: Param, max_pixel_value: float) -> Any:
    """``(img - mean * max_pixel_value) / (std * max_pixel_value)`` as float32.

    ``mean`` and ``std`` are scalars or per-channel sequences. Example: a uint8 pixel 255 with
    ``mean=0.5, std=0.5, max_pixel_value=255`` becomes ``1.0``.
    """
    xp = namespace(img)
    m = np.asarray(mean, dtype=np.float64) * max_pixel_value
    s = np.asarray(std, dtype=np.float64) * max_pixel_value
    x = xp.astype(img, xp.float32)
    return (x - _channel_vector(xp, m, img, "mean")) / _channel_vector(xp, s, img, "std")


@kernel
def to_float(img: Any, max_value: float | None = None) -> Any:
    """float32 ``img / max_value`` (``None``: the dtype's max). Example: uint8 ``255`` becomes ``1.0``."""
    xp = namespace(img)
    mx = MAX_VALUES.get(dtype_name(xp, img.dtype), 1.0) if max_value is None else float(max_value)
    return xp.astype(img, xp.float32) / mx


@kernel
def from_float(img: Any, dtype: str, max_value: float | None = None) -> Any:
    """``img * max_value`` cast to ``dtype`` ("uint8" | "uint16" | "float32"), rounded and saturated.

    ``max_value`` ``None`` means the target dtype's max. Integer targets: +inf gives the maximum,
    -inf and NaN give 0. Example: ``0.5`` to uint8 gives ``128`` (``127.5`` rounds to even).
    """
    xp = namespace(img)
    if dtype not in OUTPUT_DTYPES:
        raise ValueError(f"from_float dtype must be one of {OUTPUT_DTYPES}, got {dtype!r}")
    mx = MAX_VALUES[dtype] if max_value is None else float(max_value)
    x = img if is_float(xp, img.dtype) else xp.astype(img, xp.float32)
    y = x * mx
    if dtype != "float32":
        y = xp.where(y > 0, y, 0.0)  # negatives, -inf and NaN (which has no value to round) give 0
    return round_cast(xp, y, getattr(xp, dtype))


__all__: Sequence[str] = ("from_float", "normalize", "to_float")
