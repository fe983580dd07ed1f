"""Generic kernels of the augmentation policies (RandAugment, TrivialAugmentWide, AutoAugment):
torchvision v2's image operations (``torchvision.transforms.v2.functional``) as pure array-API code.

Each kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype and never writes into its input; parameters are Python scalars or host ``(N,)``
arrays (one value per sample). The arithmetic follows torchvision's on integer images step by
step, float32 rounding points included (its CPU kernels fuse ``a + alpha * b`` into one rounding:
that is computed here in float64 and rounded once), so uint8 results match torchvision's:

- ``brightness``: ``trunc(clip(x * f, 0, max))``;
- ``saturation`` / ``contrast``: blend with the floored gray ``0.2989 R + 0.587 G + 0.114 B`` (its
  image mean for contrast; one channel: the image itself), ``trunc(clip(x * f + g * (1 - f)))``;
- ``sharpness``: blend with the 3x3 smoothing ``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13`` (rounded
  half to even), the one-pixel border kept;
- ``posterize`` (top ``bits`` bits), ``solarize`` (``x >= threshold`` in levels: inverted),
  ``invert``, ``autocontrast`` (each channel's min..max stretched to 0..max) and ``equalize``
  (Pillow's lookup table per channel, as torchvision computes it).

uint16 works on its own range (equalize on the high byte, as torchvision converts). float32 images
work in [0, 1] (no truncation; equalize on ``trunc(x * 255.999)`` levels, as torchvision converts);
results are clipped to [0, 1] (infinities saturate) and NaN pixels stay NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._levels import invert  # InvertImg's kernel (re-exported: the policies' invert op)
from xalbu.functional._utils import clip, dtype_name, is_float, max_value, namespace, param

_F32 = np.float32
GRAY_WEIGHTS = (float(_F32(0.2989)), float(_F32(0.587)), float(_F32(0.114)))
"""torchvision's luma weights as the float32 values its kernels multiply by."""


def f32(value: Any) -> float:
    """A Python float rounded to float32 (how torchvision's kernels take a Python scalar)."""
    return float(_F32(value))


def _f64(xp: Any, img: Any) -> Any:
    return xp.astype(img, xp.float64)


def _round32(xp: Any, x: Any) -> Any:
    """float64 ``x`` rounded once to float32 and back (one float32 operation's result)."""
    return xp.astype(xp.astype(x, xp.float32), xp.float64)


def _per_sample(xp: Any, value: Param, img: Any, complement: bool = False) -> Any:
    """A scalar or ``(N,)`` host factor as torchvision's float32 scalar (``complement``: ``1 - v``),
    as float64 values (a per-sample ``(N, 1, 1, 1)`` array, or a Python float)."""
    v = np.asarray(value, np.float64)
    v = (1.0 - v if complement else v).astype(np.float32).astype(np.float64)
    return float(v) if v.ndim == 0 else param(xp, v, img, xp.float64)


def _finish(xp: Any, x: Any, img: Any) -> Any:
    """float64 results (float32-valued) back to ``img``'s dtype: integers clipped and truncated."""
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), img.dtype)
    return xp.astype(xp.floor(clip(xp, x, 0.0, max_value(xp, img.dtype))), img.dtype)


def blend(xp: Any, img: Any, other: Any, factor: Param) -> Any:
    """torchvision's ``_blend``: ``x * f`` rounded to float32, then ``+ other * (1 - f)`` (fused)."""
    f = _per_sample(xp, factor, img)
    alpha = _per_sample(xp, factor, img, complement=True)
    return _finish(xp, _round32(xp, _round32(xp, _f64(xp, img) * f) + other * alpha), img)


def gray(xp: Any, img: Any) -> Any:
    """torchvision's float32 luma ``(..., 1)`` of an RGB image, floored for integer images."""
    x = _f64(xp, img)
    wr, wg, wb = GRAY_WEIGHTS
    g = _round32(xp, x[..., 0:1] * wr)
    g = _round32(xp, g + x[..., 1:2] * wg)
    g = _round32(xp, g + x[..., 2:3] * wb)
    return g if is_float(xp, img.dtype) else xp.floor(g)


def _check_channels(name: str, img: Any) -> None:
    c = int(img.shape[-1])
    if c not in (1, 3):
        raise ValueError(f"{name}: expected a 1-channel or a 3-channel (RGB) image, got {c} channels")


@kernel
def brightness(img: Any, factor: Param, /) -> Any:
    """``x * factor`` clipped to the range; integers truncated. ``factor`` >= 0: scalar or ``(N,)``.

    Example: uint8 ``[100, 200]`` with ``factor=1.3`` gives ``[130, 255]``; ``[3]`` with 0.5, ``[1]``.
    """
    xp = namespace(img)
    f = _per_sample(xp, factor, img)
    return _finish(xp, _round32(xp, _f64(xp, img) * f), img)


@kernel
def saturation(img: Any, factor: Param, /) -> Any:
    """Blend with the gray image (torchvision's ``adjust_saturation``); one channel: unchanged.

    Example: uint8 RGB ``(200, 100, 0)`` (gray ``floor(118.48) = 118``) with ``factor=0`` gives
    ``(118, 118, 118)``, with ``factor=2`` ``(255, 82, 0)``.
    """
    xp = namespace(img)
    _check_channels("saturation", img)
    if int(img.shape[-1]) == 1:
        return img
    return blend(xp, img, gray(xp, img), factor)


@kernel
def contrast(img: Any, factor: Param, /) -> Any:
    """Blend with the mean of the gray image (each sample's own; torchvision's ``adjust_contrast``).

    Float images average their finite gray values. Example: uint8 one channel ``[0, 100]`` (mean
    50) with ``factor=2`` gives ``[0, 150]``.
    """
    xp = namespace(img)
    _check_channels("contrast", img)
    luma = gray(xp, img) if int(img.shape[-1]) == 3 else _f64(xp, img)
    if is_float(xp, img.dtype):
        ok = xp.isfinite(luma)
        total = xp.sum(xp.where(ok, luma, 0.0), axis=(-3, -2, -1), keepdims=True)
        count = xp.sum(xp.astype(ok, xp.float64), axis=(-3, -2, -1), keepdims=True)
        mean = total / xp.maximum(count, 1.0)
    else:
        mean = xp.sum(luma, axis=(-3, -2, -1), keepdims=True) / float(luma.shape[-2] * luma.shape[-3])
    return blend(xp, img, _round32(xp, mean), factor)


@kernel
def sharpness(img: Any, factor: Param, /) -> Any:
    """Blend with the 3x3 smoothing ``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13`` inside the one-pixel
    border (kept); integer images round the smoothing half to even first (torchvision's
    ``adjust_sharpness``). Images of 2 or fewer rows or columns are returned unchanged.

    Example: uint8 3x3 zeros with 130 in the middle: smoothing 50 there; ``factor=0`` gives 50,
    ``factor=2`` gives ``130 + (130 - 50) = 210``.
    """
    xp = namespace(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    if h <= 2 or w <= 2:
        return img
    x = _f64(xp, img)
    if is_float(xp, img.dtype):
        x = xp.where(xp.isnan(x), x, clip(xp, x, -1e30, 1e30))  # inf - inf: keep infinities finite here
    total = 4.0 * x[..., 1:-1, 1:-1, :]
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            total = total + x[..., dy : h - 2 + dy, dx : w - 2 + dx, :]
    smooth = _round32(xp, total / 13.0)
    if not is_float(xp, img.dtype):
        smooth = xp.round(smooth)
    inner = _f64(xp, img)[..., 1:-1, 1:-1, :]
    alpha = _per_sample(xp, factor, img, complement=True)
    mixed = _finish(xp, _round32(xp, inner + (smooth - inner) * alpha), img)
    top, bottom = img[..., :1, :, :], img[..., -1:, :, :]
    left, right = img[..., 1:-1, :1, :], img[..., 1:-1, -1:, :]
    if is_float(xp, img.dtype):
        top, bottom, left, right = (
            xp.astype(clip(xp, v, 0.0, 1.0), img.dtype) for v in (top, bottom, left, right)
        )
    middle = xp.concat([left, mixed, right], axis=-2)
    return xp.concat([top, middle, bottom], axis=-3)


@kernel
def posterize(img: Any, bits: Param, /) -> Any:
    """Keep the top ``bits`` (0..8) bits: uint8 ``x & mask``, uint16 the top bits of 16, float32
    ``floor(x * 2**bits)`` clipped to ``2**bits - 1``, over ``2**bits``. Scalar or ``(N,)``.

    Example: uint8 ``[255, 129, 63]`` with ``bits=2`` gives ``[192, 128, 0]``.
    """
    xp = namespace(img)
    b = np.asarray(bits, dtype=np.int64)
    if is_float(xp, img.dtype):
        levels = np.exp2(b.astype(np.float64))
        lv = param(xp, float(levels) if levels.ndim == 0 else levels, img, xp.float32)
        inv = param(xp, float(1.0 / levels) if levels.ndim == 0 else 1.0 / levels, img, xp.float32)
        out = clip(xp, xp.floor(img * lv), 0.0, None)
        out = xp.minimum(out, lv - 1.0) * inv
        return xp.astype(clip(xp, out, 0.0, 1.0), img.dtype)
    width = 16 if dtype_name(xp, img.dtype) == "uint16" else 8  # torchvision: a uint16's 16 bits
    full = (1 << width) - 1
    mask = (full << (width - b)) & full
    if mask.ndim == 0:
        return img & int(mask)
    return xp.bitwise_and(img, param(xp, mask, img, dtype=img.dtype))


@kernel
def solarize(img: Any, threshold: Param, /) -> Any:
    """Pixels ``>= threshold`` (in the image's levels: 0..255 uint8, 0..1 float32; compared in
    float32 as torchvision) become ``max - x``. Scalar or ``(N,)``.

    Example: uint8 ``[100, 200]`` with ``threshold=150`` gives ``[100, 55]``.
    """
    xp = namespace(img)
    t = param(xp, f32(threshold) if np.ndim(threshold) == 0 else np.asarray(threshold), img, xp.float32)
    return xp.where(xp.astype(img, xp.float32) >= t, invert(img), img)


@kernel
def autocontrast(img: Any, /) -> Any:
    """Each channel of each image stretched from its min..max to 0..max (one level: unchanged);
    integers truncated (torchvision's ``autocontrast``). Float images use their finite values.

    Example: uint8 ``[50, 100, 200]`` gives ``[0, 85, 254]`` (``150 / (150 * float32(1/255))`` is just
    below 255 in float32, as in torchvision).
    """
    xp = namespace(img)
    x = _f64(xp, img)
    bound = max_value(xp, img.dtype)
    if is_float(xp, img.dtype):
        ok = xp.isfinite(x)
        lo = xp.min(xp.where(ok, x, xp.inf), axis=(-3, -2), keepdims=True)
        hi = xp.max(xp.where(ok, x, -xp.inf), axis=(-3, -2), keepdims=True)
        hi = xp.where(xp.isfinite(lo), hi, lo)
        lo = xp.where(xp.isfinite(lo), lo, hi)
        x = clip(xp, x, -1e30, 1e30)
    else:
        lo = xp.min(x, axis=(-3, -2), keepdims=True)
        hi = xp.max(x, axis=(-3, -2), keepdims=True)
    same = hi == lo
    inv_scale = xp.where(same, 1.0, _round32(xp, (hi - lo) * f32(1.0 / bound)))
    lo = xp.where(same, 0.0, lo)
    return _finish(xp, _round32(xp, _round32(xp, x - lo) / inv_scale), img)


@kernel
def equalize(img: Any, /) -> Any:
    """Histogram equalisation of each channel of each image with Pillow's table, as torchvision
    computes it: ``step = (pixels - count of the top level present) // 255``, level ``k`` maps to
    ``(cum[k - 1] + step // 2) // step`` clipped to 255 (``step == 0``: unchanged). uint16 and
    float32 work on uint8 levels as torchvision converts them (high byte; ``trunc(x * 255.999)``).

    Example: uint8 ``[0, 0, 100, 200]`` (step ``(4 - 1) // 255 = 0``) is unchanged; 510 pixels of
    0 and 255 of 9 give ``step = 2``, 9 maps to ``(510 + 1) // 2 = 255``.
    """
    xp = namespace(img)
    name = dtype_name(xp, img.dtype)
    single = img.ndim == 3
    x = img[None, ...] if single else img
    if name == "uint8":
        levels = x
    elif name == "uint16":
        levels = xp.astype(x >> 8, xp.uint8)
    else:
        levels = xp.astype(clip(xp, xp.where(xp.isnan(x), 0.0, x) * f32(255.999), 0.0, 255.0), xp.uint8)
    n, h, w, c = (int(s) for s in levels.shape)
    planes = xp.reshape(xp.permute_dims(levels, (0, 3, 1, 2)), (n * c, h * w))
    k = n * c
    dev = device(img)
    # every plane's inclusive cumulative histogram at once: sorting each row and offsetting row r by
    # 256 r makes one sorted vector, where searchsorted counts the values <= each (row, level)
    offsets = xp.reshape(xp.arange(k, dtype=xp.int64, device=dev) * 256, (k, 1))
    flat = xp.reshape(xp.sort(xp.astype(planes, xp.int64), axis=1) + offsets, (-1,))
    queries = xp.reshape(offsets + xp.reshape(xp.arange(256, dtype=xp.int64, device=dev), (1, 256)), (-1,))
    cum = xp.reshape(xp.searchsorted(flat, queries, side="right"), (k, 256)) - offsets // 256 * (h * w)
    cum = xp.astype(cum, xp.int64)
    hist = cum - xp.concat([xp.zeros_like(cum[:, :1]), cum[:, :-1]], axis=1)
    top = xp.argmax(cum, axis=1, keepdims=True)  # first level where the total is reached
    step = (h * w - xp.take_along_axis(hist, top, axis=1)) // 255
    lut = xp.minimum((cum[:, :-1] + step // 2) // xp.maximum(step, 1), 255)
    lut = xp.concat([xp.zeros_like(lut[:, :1]), lut], axis=1)
    ident = xp.broadcast_to(xp.reshape(xp.arange(256, dtype=xp.int64, device=dev), (1, 256)), (k, 256))
    lut = xp.where(step == 0, ident, lut)
    index = xp.reshape(xp.astype(planes, xp.int64) + offsets, (-1,))
    out = xp.take(xp.reshape(lut, (-1,)), index)
    out = xp.permute_dims(xp.reshape(out, (n, c, h, w)), (0, 2, 3, 1))
    if name == "uint8":
        res = xp.astype(out, xp.uint8)
    elif name == "uint16":
        res = xp.astype(out, xp.uint16) << 8
    else:
        res = xp.where(xp.isnan(x), x, xp.astype(out, xp.float32) * f32(1.0 / 255.0))
    return res[0, ...] if single else res
