"""OpenCV / NumPy overrides of the policy kernels (``xalbu/functional/policies.py``) for uint8:
each operation becomes a 256-entry lookup table per sample (per channel where the table depends
on the channel's histogram), applied with ``cv2.LUT``. Tables of the pointwise operations are the
generic kernel's own output on the 256 levels, so the results are the generic kernel's exactly.
Other dtypes decline (``NotImplemented``)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import policies as F

_LEVELS = np.arange(256, dtype=np.uint8).reshape(1, 256, 1)


def _usable(img: Any) -> bool:
    return isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim in (3, 4) and img.shape[-1] <= 4


def _lut(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``img`` (HWC) through ``table``: ``(256,)`` for every channel or ``(256, C)`` per channel."""
    c = img.shape[-1]
    src = np.ascontiguousarray(img)
    if table.ndim == 2 and c > 1:
        out = cv2.LUT(src, np.ascontiguousarray(table).reshape(256, 1, c))
    else:
        out = cv2.LUT(src, np.ascontiguousarray(table.reshape(256)))
    return out.reshape(img.shape)


def _pointwise(img: np.ndarray, value: Any, generic: Any) -> Any:
    """A pointwise kernel through per-sample tables built by ``generic`` on the 256 levels."""
    if not _usable(img):
        return NotImplemented
    if img.ndim == 3:
        return _lut(img, generic(_LEVELS, value).reshape(256))
    values = np.broadcast_to(np.asarray(value, np.float64), (img.shape[0],))
    out = np.empty_like(img)
    for i, v in enumerate(values.tolist()):
        out[i] = _lut(img[i], generic(_LEVELS, v).reshape(256))
    return out


@register(F.brightness, "numpy_cv2")
def brightness(img: np.ndarray, factor: Any, /) -> Any:
    return _pointwise(img, factor, F.brightness.generic)


@register(F.solarize, "numpy_cv2")
def solarize(img: np.ndarray, threshold: Any, /) -> Any:
    return _pointwise(img, threshold, F.solarize.generic)


def _per_image(img: np.ndarray, tables: Any) -> np.ndarray:
    """``tables(image)`` (``(256, C)``) applied to one image or each sample of a batch."""
    if img.ndim == 3:
        return _lut(img, tables(img))
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        out[i] = _lut(img[i], tables(img[i]))
    return out


def _planes(img: np.ndarray) -> list[np.ndarray]:
    """The channels of an HWC image as contiguous 2-D planes."""
    if img.shape[-1] == 1:
        return [np.ascontiguousarray(img[..., 0])]
    return list(cv2.split(np.ascontiguousarray(img)))


def _autocontrast_tables(img: np.ndarray) -> np.ndarray:
    bounds = [cv2.minMaxLoc(plane)[:2] for plane in _planes(img)]
    lo = np.array([b[0] for b in bounds], np.float64)
    hi = np.array([b[1] for b in bounds], np.float64)
    same = hi == lo
    inv = np.where(same, 1.0, ((hi - lo) * np.float32(1.0 / 255.0).item()).astype(np.float32))
    lo = np.where(same, 0.0, lo)
    k = np.arange(256, dtype=np.float64)[:, None]
    scaled = ((k - lo).astype(np.float32) / inv.astype(np.float32)).astype(np.float64)
    return np.floor(np.clip(scaled, 0.0, 255.0)).astype(np.uint8)


@register(F.autocontrast, "numpy_cv2")
def autocontrast(img: np.ndarray, /) -> Any:
    if not _usable(img):
        return NotImplemented
    return _per_image(img, _autocontrast_tables)


def _equalize_tables(img: np.ndarray) -> np.ndarray:
    c = img.shape[-1]
    planes = _planes(img)
    hist = np.stack([cv2.calcHist([p], [0], None, [256], [0, 256]).reshape(256) for p in planes], axis=1)
    hist = hist.astype(np.int64)
    cum = np.cumsum(hist, axis=0)
    total = img.shape[0] * img.shape[1]
    top = np.argmax(cum, axis=0)  # first level where the total is reached: the top level present
    step = (total - hist[top, np.arange(c)]) // 255
    lut = np.minimum((cum[:-1] + step // 2) // np.maximum(step, 1), 255)
    lut = np.concatenate([np.zeros((1, c), np.int64), lut], axis=0)
    lut = np.where(step == 0, np.arange(256)[:, None], lut)
    return lut.astype(np.uint8)


@register(F.equalize, "numpy_cv2")
def equalize(img: np.ndarray, /) -> Any:
    if not _usable(img):
        return NotImplemented
    return _per_image(img, _equalize_tables)


def _each(img: Any, value: Any, generic: Any) -> Any:
    """A batch one sample at a time through ``generic`` (a sample's float64 temporaries stay in
    cache: 4-6x faster than the whole batch at once); one image declines (the generic runs)."""
    if not (isinstance(img, np.ndarray) and img.ndim == 4):
        return NotImplemented
    values = np.broadcast_to(np.asarray(value, np.float64), (img.shape[0],))
    out = np.empty_like(img)
    for i, v in enumerate(values.tolist()):
        out[i] = generic(img[i], v)
    return out


@register(F.saturation, "numpy_cv2")
def saturation(img: np.ndarray, factor: Any, /) -> Any:
    return _each(img, factor, F.saturation.generic)


def _contrast_one(img: np.ndarray, factor: float) -> np.ndarray:
    """One uint8 image: the generic kernel's gray mean, then its blend as a 256-entry table."""
    gray = F.gray(np, img) if img.shape[-1] == 3 else img.astype(np.float64)
    mean = float(np.float32(gray.sum() / float(img.shape[0] * img.shape[1])))
    return _lut(img, F.blend(np, _LEVELS, mean, factor).reshape(256))


@register(F.contrast, "numpy_cv2")
def contrast(img: np.ndarray, factor: Any, /) -> Any:
    if not (_usable(img) and img.shape[-1] in (1, 3)):
        return NotImplemented
    return _each(img, factor, _contrast_one) if img.ndim == 4 else _contrast_one(img, float(factor))


_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], np.float32)


def _sharpness_one(img: np.ndarray, factor: float) -> np.ndarray:
    """One uint8 image: the 3x3 sums with ``cv2.filter2D`` (integers, exact in float32), then the
    generic kernel's rounding and blend inside the border."""
    h, w, c = img.shape
    if h <= 2 or w <= 2:
        return img
    sums = cv2.filter2D(np.ascontiguousarray(img), cv2.CV_32F, _SMOOTH).reshape(h, w, c)[1:-1, 1:-1]
    smooth = np.round((sums.astype(np.float64) / 13.0).astype(np.float32)).astype(np.float64)
    inner = img[1:-1, 1:-1].astype(np.float64)
    alpha = float(np.float32(1.0 - factor))
    mixed = (inner + (smooth - inner) * alpha).astype(np.float32)
    out = img.copy()
    out[1:-1, 1:-1] = np.floor(np.clip(mixed, 0.0, 255.0))
    return out


@register(F.sharpness, "numpy_cv2")
def sharpness(img: np.ndarray, factor: Any, /) -> Any:
    if not _usable(img):
        return NotImplemented
    return _each(img, factor, _sharpness_one) if img.ndim == 4 else _sharpness_one(img, float(factor))
