"""Generic tone kernels over array-API arrays: brightness/contrast, multiply-add, gamma, invert,
solarize and posterize.

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Float images follow the rules of :mod:`xalbu.functional._utils`: results are clipped to [0, 1]
(so +inf and -inf saturate), NaN stays NaN, and the image mean of :func:`brightness_contrast` is
taken over the finite values. Kernels do not check the range of their input.

Backend overrides (``backends/numpy_cv2/tone.py``, ``backends/cupy/tone.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import (
    clip,
    dtype_name,
    finite_mean,
    is_float,
    max_value,
    namespace,
    param,
    round_cast,
)


def _saturate(xp: Any, x: Any, dtype: Any) -> Any:
    """Float ``x`` back to ``dtype``: integers rounded and saturated, floats clipped to [0, 1]."""
    if is_float(xp, dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), dtype, copy=False)
    return round_cast(xp, x, dtype)


def _scaled(xp: Any, x: Any, alpha: Param, img: Any) -> Any:
    """``x * alpha``, where ``alpha == 0`` gives 0 for every pixel (not ``0 * inf = NaN``).

    ``alpha`` is a host parameter, so whether it holds a zero is known without a device read.
    """
    a = param(xp, alpha, img)
    if not np.any(np.asarray(alpha) == 0):
        return x * a
    if isinstance(a, (int, float)):
        return xp.zeros_like(x)
    return xp.where(a == 0, 0.0, x) * a


@kernel
def multiply_add(img: Any, alpha: Param, beta: Param) -> Any:
    """``img * alpha + beta`` (``beta`` in the image's value scale), saturated / clipped to [0, 1].

    ``alpha`` / ``beta``: scalars, ``(C,)``, ``(N,)`` or ``(N, C)``. Example: uint8 ``100`` with
    ``alpha=2, beta=10`` gives ``210``; with ``alpha=3`` it saturates at ``255``.
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    return _saturate(xp, _scaled(xp, x, alpha, img) + param(xp, beta, img), img.dtype)


@kernel
def brightness_contrast(img: Any, alpha: Param, beta: Param, beta_by_max: bool) -> Any:
    """``img * alpha + beta * M`` with ``M`` the dtype's max (``beta_by_max``) or the image's mean.

    The mean is over H, W and C of each image (per sample in a batch), over its finite values
    (:func:`finite_mean`). ``alpha`` / ``beta``: scalars or ``(N,)``. Example: uint8 ``[0, 100]``
    with ``alpha=1, beta=0.1, beta_by_max=True`` gives ``[26, 126]`` (``25.5`` rounds to even
    ``26``); float32 ``[0.5, inf, nan]`` with ``alpha=1.2, beta=0`` gives ``[0.6, 1.0, nan]``.
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    if beta_by_max:
        scale = max_value(xp, img.dtype)
    elif is_float(xp, img.dtype):  # only float images can hold inf or NaN
        scale = finite_mean(xp, x, (-3, -2, -1))
    else:
        scale = xp.mean(x, axis=(-3, -2, -1), keepdims=True)
    return _saturate(xp, _scaled(xp, x, alpha, img) + param(xp, beta, img) * scale, img.dtype)


@kernel
def gamma(img: Any, gamma: Param) -> Any:
    """``max * (img / max) ** gamma``; floats: negatives clipped to 0 first, result clipped to [0, 1].

    ``gamma``: scalar or ``(N,)``. Example: uint8 ``[0, 128, 255]`` with ``gamma=2`` gives
    ``[0, 64, 255]`` (``128**2 / 255 = 64.25``).
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    g = param(xp, gamma, img)
    if is_float(xp, img.dtype):
        return clip(xp, clip(xp, x, 0.0, None) ** g, 0.0, 1.0)
    mx = max_value(xp, img.dtype)
    return round_cast(xp, (x / mx) ** g * mx, img.dtype)


@kernel
def invert(img: Any) -> Any:
    """``max - img``, floats clipped to [0, 1]. Example: uint16 ``0`` becomes ``65535``; float ``inf`` 0."""
    xp = namespace(img)
    if is_float(xp, img.dtype):
        return clip(xp, 1.0 - img, 0.0, 1.0)
    return int(max_value(xp, img.dtype)) - img


def _int_threshold(threshold: Param, mx: float) -> Any:
    """Smallest integer pixel value ``>= threshold * mx`` (float64 on the host, so exact)."""
    return np.ceil(np.asarray(threshold, dtype=np.float64) * mx)


@kernel
def solarize(img: Any, threshold: Param) -> Any:
    """Pixels ``>= threshold * max`` become ``max - pixel``; ``threshold`` in [0, 1], scalar or ``(N,)``.

    Floats are clipped to [0, 1]; a NaN threshold inverts nothing (the identity). Example: uint8
    ``[127, 128]`` with ``threshold=128/255`` gives ``[127, 127]``.
    """
    xp = namespace(img)
    mx = max_value(xp, img.dtype)
    if is_float(xp, img.dtype):
        cond = img >= param(xp, threshold, img)
        return clip(xp, xp.where(cond, mx - img, img), 0.0, 1.0)
    t = _int_threshold(threshold, mx)
    cond = xp.astype(img, xp.float32) >= param(xp, float(t) if t.ndim == 0 else t, img)
    return xp.where(cond, int(mx) - img, img)


def _check_bits(bits: Param) -> Any:
    arr = np.asarray(bits)
    if not np.issubdtype(arr.dtype, np.integer) or np.any((arr < 0) | (arr > 8)):
        raise ValueError(f"posterize bits must be integers in [0, 8], got {bits!r}")
    return arr.astype(np.int64)


@kernel
def posterize(img: Any, bits: Param) -> Any:
    """Keep the top ``bits`` bits (counted on the 8-bit scale) of each value.

    uint8: ``img & ~(2**(8-bits) - 1)``; uint16: ``img & ~(2**(16-bits) - 1)``; float32:
    ``floor(img * 2**bits) / 2**bits`` clipped to [0, 1]. ``bits``: int in [0, 8], ``(C,)``,
    ``(N,)`` or ``(N, C)``. Example: uint8 ``129`` with ``bits=1`` gives ``128``.
    """
    xp = namespace(img)
    b = _check_bits(bits)
    if is_float(xp, img.dtype):
        s = np.exp2(b.astype(np.float64))
        sp = param(xp, float(s) if s.ndim == 0 else s, img)
        return clip(xp, xp.floor(img * sp) / sp, 0.0, 1.0)
    width = 16 if dtype_name(xp, img.dtype) == "uint16" else 8
    full = (1 << width) - 1
    mask = (full << (width - b)) & full
    if mask.ndim == 0:
        return img & int(mask)
    return xp.bitwise_and(img, param(xp, mask, img, dtype=img.dtype))


__all__: Sequence[str] = (
    "brightness_contrast",
    "gamma",
    "invert",
    "multiply_add",
    "posterize",
    "solarize",
)
