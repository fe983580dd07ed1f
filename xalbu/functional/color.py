"""Generic colour kernels over array-API arrays: gray conversion, sepia and channel shuffles.

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Backend overrides (``backends/numpy_cv2/color.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, namespace, round_cast

GRAY_WEIGHTS = {
    "weighted_average": (0.299, 0.587, 0.114),
    "luminance": (0.2126, 0.7152, 0.0722),
}
GRAY_METHODS = ("weighted_average", "average", "max", "desaturation", "luminance")
SEPIA = ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168), (0.272, 0.534, 0.131))
"""The sepia tone's RGB -> RGB matrix (rows: output R, G, B), the classic photo-editing one."""


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
def sepia(img: Any) -> Any:
    """Sepia tone of an RGB image: ``out[..., i] = sum_j SEPIA[i][j] * img[..., j]``.

    Integers are rounded (half to even) and saturated, float32 is clipped to [0, 1]. Example: uint8
    ``(100, 150, 200)`` gives ``(192, 171, 134)`` (192.45, 171.4, 133.5).
    """
    xp = namespace(img)
    if img.shape[-1] != 3:
        raise ValueError(f"sepia needs a 3-channel RGB image, got {img.shape[-1]} channels")
    x = xp.astype(img, xp.float32)
    planes = [x[..., j : j + 1] for j in range(3)]
    rows = [planes[0] * w[0] + planes[1] * w[1] + planes[2] * w[2] for w in SEPIA]
    out = xp.concat(rows, axis=-1)
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, out, 0.0, 1.0), img.dtype)
    return round_cast(xp, out, img.dtype)


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


__all__: Sequence[str] = ("channel_shuffle", "sepia", "to_gray")
