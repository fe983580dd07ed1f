"""OpenCV / NumPy overrides of the sharpen kernels (CPU): ``sharpen``, ``emboss`` and ``unsharp_mask``.

RingingOvershoot and Sharpen(method="gaussian") run the shared ``convolve``
(``backends/numpy_cv2/_filter.py``: ``cv2.filter2D``).

``emboss`` on uint8 / uint16: ``cv2.filter2D`` with the 3x3 kernel, as ``convolve``'s override, but
without its general bookkeeping (a few microseconds a call; the filter itself is the same call
albumentations makes). Float images run the generic kernel (``convolve``: clipping, non-finite rules).

``sharpen`` on uint8: the kernel is ``p I - alpha J`` (``J`` the 3x3 ones, ``p`` the centre weight
plus ``alpha``), so it is ``p * img - alpha * (3x3 box sum)``: ``cv2.boxFilter`` into int16 (exact
sums) and one ``cv2.addWeighted`` that rounds and saturates (about 1.6x ``cv2.filter2D``'s speed
at 256x256x3). Within 1 level of the generic kernel (a float tie rounded the other way, under 0.1%
of the values); other dtypes run the generic kernel (``convolve``).

``unsharp_mask``: the generic kernel's steps with OpenCV, per image, in float32 on the [0, 1] scale
(the blurs are ``cv2.sepFilter2D``, as the shared ``convolve_separable``; uint8 read through a
256-entry float table, the 0/1 mask made by ``cv2.compare`` and the same kind of table). Up to 4
channels the intermediate images live in reused per-thread buffers (``_cv._scratch``). Element-wise
steps run on ``(H, W * C)`` views, so any number of channels works. Results agree with the generic
kernel within 1 level (integers) / 1e-5 (float32); the mask's threshold has a margin that keeps
exact ties away from float rounding (:func:`~xalbu.functional.sharpen.mask_threshold`).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import sharpen as F
from xalbu.functional._filter import convolve_separable

from ._cv import _scratch
from ._pointwise import _CLIP, _F32_0

_U8_UNIT = (np.arange(256, dtype=np.float32) / 255.0).reshape(1, 256)  # x / 255 as the generic computes it
_MASK01 = np.zeros((1, 256), np.float32)
_MASK01[0, 255] = 1.0  # cv2.compare's 255 -> 1.0
_INTS = (np.dtype("uint8"), np.dtype("uint16"))
_F32_1 = np.float32(1.0)
_MAX = {np.dtype("uint8"): 255.0, np.dtype("uint16"): 65535.0, np.dtype("float32"): 1.0}


def _flat(a: np.ndarray) -> np.ndarray:
    """An ``(H, W * C)`` view of a contiguous HWC image (one channel, for OpenCV's element-wise calls)."""
    return a.reshape(a.shape[0], -1)


def _unit(img: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The image over its dtype's max as float32 (into ``out``, an ``(H, W * C)`` float32 array, or a
    new one); a float32 image is returned as it is (the callers only read it)."""
    if img.dtype == np.uint8:
        return cv2.LUT(_flat(img), _U8_UNIT, dst=out).reshape(img.shape)
    if img.dtype == np.uint16:
        dst = None if out is None else out.reshape(img.shape)
        return np.divide(img, np.float32(65535.0), out=dst, dtype=np.float32)
    return img


def _sharpen_u8(img: np.ndarray, alpha: float, lightness: float) -> np.ndarray:
    """One uint8 HWC image (contiguous): ``p * img - alpha * box3x3(img)`` rounded and saturated."""
    k = F.sharpen_kernel(alpha, lightness)
    a = -float(k[0, 0])
    p = float(k[1, 1]) + a
    sums = _scratch("sharpen_sums", img.shape, np.int16)  # reused (fresh ones cost page faults)
    cv2.boxFilter(img, cv2.CV_16S, (3, 3), dst=sums, normalize=False, borderType=cv2.BORDER_REFLECT_101)
    wide = _scratch("sharpen_wide", img.shape, np.int16)
    np.copyto(wide, img)
    out = cv2.addWeighted(wide, p, sums, -a, 0.0, dtype=cv2.CV_8U)
    return out.reshape(img.shape)


@register(F.sharpen, "numpy_cv2")
def sharpen(img: Any, /, alpha: Any, lightness: Any) -> Any:
    if type(img) is not np.ndarray or img.dtype != np.uint8 or img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    src = np.ascontiguousarray(img)
    if src.ndim == 3:
        return _sharpen_u8(src, float(alpha), float(lightness))
    a, lt = (
        np.broadcast_to(np.asarray(alpha, np.float64), src.shape[:1]),
        np.broadcast_to(np.asarray(lightness, np.float64), src.shape[:1]),
    )
    out = np.empty_like(src)
    for n in range(src.shape[0]):
        out[n] = _sharpen_u8(src[n], float(a[n]), float(lt[n]))
    return out


def _emboss_int(img: np.ndarray, alpha: float, strength: float) -> np.ndarray:
    out = cv2.filter2D(img, -1, F.emboss_kernel(alpha, strength), borderType=cv2.BORDER_REFLECT_101)
    return out.reshape(img.shape)


@register(F.emboss, "numpy_cv2")
def emboss(img: Any, /, alpha: Any, strength: Any) -> Any:
    if (
        type(img) is not np.ndarray
        or img.dtype not in _INTS
        or img.ndim not in (3, 4)
        or img.size == 0
        or img.shape[-1] > 128
    ):
        return NotImplemented
    src = img if img.flags.c_contiguous else np.ascontiguousarray(img)
    if src.ndim == 3:
        return _emboss_int(src, float(alpha), float(strength))
    a = np.broadcast_to(np.asarray(alpha, np.float64), src.shape[:1])
    s = np.broadcast_to(np.asarray(strength, np.float64), src.shape[:1])
    out = np.empty_like(src)
    for n in range(src.shape[0]):
        out[n] = _emboss_int(src[n], float(a[n]), float(s[n]))
    return out


def _blur_into(src: np.ndarray, taps: np.ndarray, name: str) -> np.ndarray:
    """``convolve_separable(src, taps, taps)`` of a float32 HWC image with values in [0, 1] (<= 4
    channels): ``cv2.sepFilter2D`` into a reused buffer, clipped to [0, 1] as the override does."""
    dst = _scratch(name, src.shape, np.float32)
    squeeze = src.shape[-1] == 1  # OpenCV reads (H, W, 1) as (H, W)
    cv2.sepFilter2D(src[..., 0] if squeeze else src, -1, taps, taps, dst=dst[..., 0] if squeeze else dst,
                    borderType=cv2.BORDER_REFLECT_101)  # fmt: skip
    return _CLIP(dst, _F32_0, _F32_1, out=dst)


def _one(
    img: np.ndarray, taps: np.ndarray, alpha: float, threshold: float, reuse: bool | None = None
) -> np.ndarray:
    """One contiguous HWC image. ``reuse`` (default: up to 4 channels, OpenCV's own) keeps every
    intermediate image in a reused per-thread buffer and blurs with ``cv2.sepFilter2D`` directly (as
    fresh arrays they were 8 image-sized allocations a call, whose page faults could cost more than
    the filtering); otherwise fresh arrays and the shared ``convolve_separable`` (any channel count).
    Both give the same bits."""
    shape = img.shape
    if reuse is None:
        reuse = shape[-1] <= 4

    def buffer(name: str, dtype: Any = np.float32) -> np.ndarray | None:
        return _flat(_scratch(name, shape, dtype)) if reuse else None

    def blur(a: np.ndarray) -> np.ndarray:
        return _blur_into(a, taps, "usm_b") if reuse else convolve_separable(a, taps, taps)

    x = _unit(img, buffer("usm_x"))
    b = blur(x)
    xf, bf = _flat(x), _flat(b)
    r = cv2.subtract(xf, bf, dst=buffer("usm_r"))
    d = cv2.absdiff(xf, bf, dst=buffer("usm_d"))
    d *= np.float32(255.0)
    above = cv2.compare(d, F.mask_threshold(threshold), cv2.CMP_GT, dst=buffer("usm_cmp", np.uint8))
    mask = cv2.LUT(above, _MASK01, dst=d).reshape(shape)  # (d is not needed any more)
    soft = _flat(blur(mask))  # (nor is b)
    sharp = cv2.scaleAdd(r, float(np.float32(alpha)), xf, dst=r)
    _CLIP(sharp, _F32_0, _F32_1, out=sharp)
    cv2.subtract(sharp, xf, dst=sharp)
    cv2.multiply(soft, sharp, dst=sharp)
    cv2.add(xf, sharp, dst=sharp)
    if img.dtype == np.uint8:
        return cv2.convertScaleAbs(sharp, alpha=255.0).reshape(shape)  # >= 0 here: |v| is v
    if img.dtype == np.uint16:
        sharp *= np.float32(65535.0)
        np.rint(sharp, out=sharp)
        np.clip(sharp, 0.0, 65535.0, out=sharp)
        return sharp.astype(np.uint16).reshape(shape)
    return np.clip(sharp, 0.0, 1.0).reshape(shape)


@register(F.unsharp_mask, "numpy_cv2")
def unsharp_mask(img: Any, /, taps: Any, alpha: Any, threshold: float) -> Any:
    if type(img) is not np.ndarray or img.dtype not in _MAX or img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    g = np.asarray(taps, np.float32)
    a = np.asarray(alpha, np.float64)
    if img.dtype == np.float32 and not np.isfinite(img).all():
        return NotImplemented  # inf / NaN: the generic kernel's IEEE rules
    src = np.ascontiguousarray(img)
    if src.ndim == 3:
        return _one(src, g, float(a), threshold)
    out = np.empty(src.shape, src.dtype)
    for n in range(src.shape[0]):
        out[n] = _one(src[n], g[n] if g.ndim == 2 else g, float(a[n] if a.ndim else a), threshold)
    return out
