"""Generic point-wise (pixel) kernels over array-API arrays.

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Backend overrides (``backends/numpy_cv2/pixel.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import MAX_VALUES, dtype_name, is_float, max_value, namespace, param, round_cast

Param = Any  # a Python scalar or a host NumPy array (per sample / per channel)

GRAY_WEIGHTS = {
    "weighted_average": (0.299, 0.587, 0.114),
    "luminance": (0.2126, 0.7152, 0.0722),
}
GRAY_METHODS = ("weighted_average", "average", "max", "desaturation", "luminance")
OUTPUT_DTYPES = ("uint8", "uint16", "float32")


def _saturate(xp: Any, x: Any, dtype: Any) -> Any:
    """Float ``x`` back to ``dtype``: integers rounded and saturated, floats clipped to [0, 1]."""
    if is_float(xp, dtype):
        return xp.astype(xp.clip(x, 0.0, 1.0), dtype, copy=False)
    return round_cast(xp, x, dtype)


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
def multiply_add(img: Any, alpha: Param, beta: Param) -> Any:
    """``img * alpha + beta`` (``beta`` in the image's value scale), saturated / clipped to [0, 1].

    ``alpha`` / ``beta``: scalars, ``(C,)``, ``(N,)`` or ``(N, C)``. Example: uint8 ``100`` with
    ``alpha=2, beta=10`` gives ``210``; with ``alpha=3`` it saturates at ``255``.
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    return _saturate(xp, x * param(xp, alpha, img) + param(xp, beta, img), img.dtype)


@kernel
def brightness_contrast(img: Any, alpha: Param, beta: Param, beta_by_max: bool) -> Any:
    """``img * alpha + beta * M`` with ``M`` the dtype's max (``beta_by_max``) or the image's mean.

    The mean is over H, W and C of each image (per sample in a batch). ``alpha`` / ``beta``:
    scalars or ``(N,)``. Example: uint8 ``[0, 100]`` with ``alpha=1, beta=0.1, beta_by_max=True``
    gives ``[26, 126]`` (``25.5`` rounds to even ``26``).
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    scale = max_value(xp, img.dtype) if beta_by_max else xp.mean(x, axis=(-3, -2, -1), keepdims=True)
    return _saturate(xp, x * param(xp, alpha, img) + param(xp, beta, img) * scale, img.dtype)


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
        return xp.clip(xp.clip(x, 0.0, None) ** g, 0.0, 1.0)
    mx = max_value(xp, img.dtype)
    return round_cast(xp, (x / mx) ** g * mx, img.dtype)


def _gray(xp: Any, img: Any, method: str) -> Any:
    """The ``(..., 1)`` gray plane of ``img`` in ``img``'s dtype."""
    channels = img.shape[-1]
    if method in GRAY_WEIGHTS:
        if channels != 3:
            raise ValueError(
                f"to_gray method {method!r} needs a 3-channel RGB image, got {channels} channels"
            )
        w = GRAY_WEIGHTS[method]
        x = xp.astype(img, xp.float32)
        g = x[..., 0:1] * w[0] + x[..., 1:2] * w[1] + x[..., 2:3] * w[2]
        return round_cast(xp, g, img.dtype)
    if channels == 1:
        return img
    if method == "max":
        return xp.max(img, axis=-1, keepdims=True)
    x = xp.astype(img, xp.float32)
    if method == "average":
        return round_cast(xp, xp.mean(x, axis=-1, keepdims=True), img.dtype)
    hi = xp.max(x, axis=-1, keepdims=True)
    lo = xp.min(x, axis=-1, keepdims=True)
    return round_cast(xp, (hi + lo) * 0.5, img.dtype)


def _check_gray_args(method: str, num_output_channels: int) -> None:
    if method not in GRAY_METHODS:
        raise ValueError(f"to_gray method must be one of {GRAY_METHODS}, got {method!r}")
    if isinstance(num_output_channels, bool) or not isinstance(num_output_channels, (int, np.integer)):
        raise ValueError(f"num_output_channels must be a positive int, got {num_output_channels!r}")
    if num_output_channels < 1:
        raise ValueError(f"num_output_channels must be a positive int, got {num_output_channels!r}")


@kernel
def to_gray(img: Any, method: str, num_output_channels: int) -> Any:
    """Gray image with the gray plane replicated into ``num_output_channels`` channels.

    Methods: ``weighted_average`` (0.299 R + 0.587 G + 0.114 B) and ``luminance``
    (0.2126 R + 0.7152 G + 0.0722 B) need RGB; ``average``, ``max`` and ``desaturation``
    (``(max + min) / 2``) take any channel count. Example: uint8 pure red ``(255, 0, 0)`` with
    ``weighted_average`` gives ``76`` (``76.245``).
    """
    xp = namespace(img)
    _check_gray_args(method, num_output_channels)
    g = _gray(xp, img, method)
    if num_output_channels == 1:
        return xp.asarray(g, copy=True) if g is img else g
    return xp.concat([g] * int(num_output_channels), axis=-1)


@kernel
def invert(img: Any) -> Any:
    """``max - img``. Example: uint16 ``0`` becomes ``65535``."""
    xp = namespace(img)
    mx = max_value(xp, img.dtype)
    return (mx if is_float(xp, img.dtype) else int(mx)) - img


def _int_threshold(threshold: Param, mx: float) -> Any:
    """Smallest integer pixel value ``>= threshold * mx`` (float64 on the host, so exact)."""
    return np.ceil(np.asarray(threshold, dtype=np.float64) * mx)


@kernel
def solarize(img: Any, threshold: Param) -> Any:
    """Pixels ``>= threshold * max`` become ``max - pixel``; ``threshold`` in [0, 1], scalar or ``(N,)``.

    Example: uint8 ``[127, 128]`` with ``threshold=128/255`` gives ``[127, 127]``.
    """
    xp = namespace(img)
    mx = max_value(xp, img.dtype)
    if is_float(xp, img.dtype):
        cond = img >= param(xp, threshold, img)
        return xp.where(cond, mx - img, img)
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
        return xp.clip(xp.floor(img * sp) / sp, 0.0, 1.0)
    width = 16 if dtype_name(xp, img.dtype) == "uint16" else 8
    full = (1 << width) - 1
    mask = (full << (width - b)) & full
    if mask.ndim == 0:
        return img & int(mask)
    return xp.bitwise_and(img, param(xp, mask, img, dtype=img.dtype))


@kernel
def channel_shuffle(img: Any, order: Param) -> Any:
    """Reorder channels: ``out[..., c] = img[..., order[c]]``; ``order`` is ``(C,)`` or per sample ``(N, C)``.

    Example: ``order=[2, 1, 0]`` turns RGB into BGR.
    """
    xp = namespace(img)
    o = np.asarray(order, dtype=np.int64)
    if o.ndim == 1:
        return xp.take(img, xp.asarray(o, device=device(img)), axis=-1)
    if img.ndim != 4 or o.shape != (img.shape[0], img.shape[-1]):
        raise ValueError(f"a per-sample channel order must be (N, C) for an NHWC batch, got {o.shape}")
    n, h, w, c = img.shape
    flat = (o + np.arange(n, dtype=np.int64)[:, None] * c).reshape(-1)
    planes = xp.reshape(xp.permute_dims(img, (0, 3, 1, 2)), (n * c, h, w))
    out = xp.take(planes, xp.asarray(flat, device=device(img)), axis=0)
    return xp.permute_dims(xp.reshape(out, (n, c, h, w)), (0, 2, 3, 1))


@kernel
def to_float(img: Any, max_value: float | None = None) -> Any:
    """float32 ``img / max_value`` (``None``: the dtype's max). Example: uint8 ``255`` becomes ``1.0``."""
    xp = namespace(img)
    mx = MAX_VALUES.get(dtype_name(xp, img.dtype), 1.0) if max_value is None else float(max_value)
    return xp.astype(img, xp.float32) / mx


@kernel
def from_float(img: Any, dtype: str, max_value: float | None = None) -> Any:
    """``img * max_value`` cast to ``dtype`` ("uint8" | "uint16" | "float32"), rounded and saturated.

    ``max_value`` ``None`` means the target dtype's max. Example: ``0.5`` to uint8 gives ``128``
    (``127.5`` rounds to even).
    """
    xp = namespace(img)
    if dtype not in OUTPUT_DTYPES:
        raise ValueError(f"from_float dtype must be one of {OUTPUT_DTYPES}, got {dtype!r}")
    mx = MAX_VALUES[dtype] if max_value is None else float(max_value)
    x = img if is_float(xp, img.dtype) else xp.astype(img, xp.float32)
    return round_cast(xp, x * mx, getattr(xp, dtype))


__all__: Sequence[str] = (
    "brightness_contrast",
    "channel_shuffle",
    "from_float",
    "gamma",
    "invert",
    "multiply_add",
    "normalize",
    "posterize",
    "solarize",
    "to_float",
    "to_gray",
)
