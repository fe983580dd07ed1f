"""OpenCV / NumPy overrides of the blur kernels (CPU).

- ``box_blur``: ``cv2.blur`` per image (integer sums for uint8, then one scale and rounding: exact);
- ``gaussian_blur``: ``cv2.sepFilter2D`` with albumentations' float32 weights (``cv2.GaussianBlur``
  would use its own fixed-point weights for uint8 and differ by a level on most pixels);
- ``median_blur``: ``cv2.medianBlur`` where OpenCV takes the dtype (uint8 any size; uint16 and
  float32 up to 5), else a NumPy partition over the window's taps (the true median, no uint8 round
  trip).
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import blur as F
from xalbu.functional._utils import _ONE_F32_BITS

from ._cv import _scratch
from ._filter import _run, _trim, _usable
from ._pointwise import _MAX

_REFLECT_101 = cv2.BORDER_REFLECT_101
_FAST_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16"))  # no clipping to do


def _sizes(ksize: Any, img: np.ndarray) -> np.ndarray | None:
    """Per-image kernel sizes (length 1 when shared), or None when they are not odd positive ints."""
    if type(ksize) is int:
        return np.array([ksize]) if ksize > 0 and ksize % 2 == 1 else None
    sizes, _ = F.per_sample(ksize, img)
    if sizes.dtype.kind not in "iu" and not np.all(np.mod(sizes, 1) == 0):
        return None
    sizes = sizes.astype(np.int64)
    return sizes if np.all((sizes > 0) & (sizes % 2 == 1)) else None


def _fast(img: Any) -> bool:
    """A contiguous HWC uint8 / uint16 image of 2 to 4 channels (OpenCV keeps its shape)."""
    return (
        type(img) is np.ndarray
        and img.ndim == 3
        and img.dtype in _FAST_DTYPES
        and 1 < img.shape[2] <= 4
        and img.flags.c_contiguous
        and img.size > 0
    )


def _unclean_float(img: np.ndarray) -> bool:
    """A float32 image with a value outside [+0, 1] (an infinity or NaN included): one reduction.

    OpenCV's box filter keeps running sums, so one infinity turns the rest of its row into NaN
    (``inf - inf``), and its float outputs are not clipped: such images take the generic kernel.
    """
    return img.dtype == np.float32 and img.size > 0 and int(img.view(np.uint32).max()) > _ONE_F32_BITS


@register(F.box_blur, "numpy_cv2")
def box_blur(img: Any, ksize: Any, /) -> Any:
    """``cv2.blur`` per image, reflect-101 borders."""
    if type(ksize) is int and _fast(img) and ksize > 0 and ksize % 2 == 1:  # one image, the common case
        return cv2.blur(img, (ksize, ksize), borderType=_REFLECT_101)
    sizes = _sizes(ksize, img) if _usable(img) else None
    if sizes is None or img.shape[-3] == 0 or img.shape[-2] == 0 or _unclean_float(img):
        return NotImplemented

    def one(src: np.ndarray, dst: np.ndarray, n: int) -> None:
        k = int(sizes[n])
        res = cv2.blur(src, (k, k), dst=dst, borderType=_REFLECT_101)
        if res is not dst:
            dst[...] = res.reshape(dst.shape)

    return _run(img, len(sizes), one)


@register(F.gaussian_blur, "numpy_cv2")
def gaussian_blur(img: Any, sigma: Any, ksize: Any, /) -> Any:
    """``cv2.sepFilter2D`` per image with the kernel's weights (shared or per sample)."""
    if type(ksize) is int and isinstance(sigma, float) and _fast(img):  # one image, the common case
        w = F.gaussian_1d(sigma, ksize)
        return cv2.sepFilter2D(img, -1, w, w, borderType=_REFLECT_101)
    if not _usable(img) or img.shape[-3] == 0 or img.shape[-2] == 0:
        return NotImplemented
    w = F.gaussian_weights(sigma, ksize, img)
    ws = w if w.ndim == 2 else w[None]

    def one(src: np.ndarray, dst: np.ndarray, n: int) -> None:
        wn = _trim(ws[n]) if len(ws) > 1 else ws[0]
        res = cv2.sepFilter2D(src, -1, wn, wn, dst=dst, borderType=_REFLECT_101)
        if res is not dst:
            dst[...] = res.reshape(dst.shape)

    return _run(img, ws.shape[0], one)


def _median_numpy(src: np.ndarray, k: int) -> np.ndarray:
    """The median of each ``k x k`` window of an HWC image, edge pixels repeated (NaN sorts last)."""
    r = k // 2
    padded = np.pad(src, ((r, r), (r, r), (0, 0)), mode="edge")
    h, w, c = src.shape
    taps = np.empty((h, w, c, k * k), src.dtype)
    for i in range(k):
        for j in range(k):
            taps[..., i * k + j] = padded[i : i + h, j : j + w]
    mid = (k * k) // 2
    return np.partition(taps, mid, axis=-1)[..., mid]


def _median_one(src: np.ndarray, k: int) -> np.ndarray:
    """One HWC image: OpenCV where it takes the dtype, channel count and size, else NumPy."""
    c = src.shape[-1]
    if src.dtype != np.uint8 and k > 5:
        return _median_numpy(src, k)
    if c in (1, 3, 4):
        out = cv2.medianBlur(src, k)
        return out.reshape(src.shape)
    return np.stack([cv2.medianBlur(np.ascontiguousarray(src[..., i]), k) for i in range(c)], axis=-1)


@register(F.median_blur, "numpy_cv2")
def median_blur(img: Any, ksize: Any, /) -> Any:
    """``cv2.medianBlur`` (uint8; uint16 and float32 up to 5x5), else a NumPy partition."""
    if type(ksize) is int and ksize > 0 and ksize % 2 == 1 and _fast(img) and img.dtype == np.uint8:
        if img.shape[2] != 2:
            return img.copy() if ksize == 1 else cv2.medianBlur(img, ksize)
    sizes = _sizes(ksize, img) if _usable(img) else None
    if sizes is None or img.shape[-3] == 0 or img.shape[-2] == 0:
        return NotImplemented
    if img.ndim == 3:
        k = int(sizes[0])
        return img.copy() if k == 1 else _median_one(img, k)
    out = np.empty(img.shape, img.dtype)
    for n in range(img.shape[0]):
        k = int(sizes[n if len(sizes) > 1 else 0])
        out[n] = img[n] if k == 1 else _median_one(img[n], k)
    return out


def _zoom_one(img: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """One HWC image: albumentations' float32 sum of central zooms (``cv2.resize`` linear), same order.

    The float32 image, the sum and each zoom live in per-thread scratch buffers (:func:`_scratch`):
    as fresh arrays they were ~10 image-sized allocations a call, whose page faults cost more than
    the resizes (256x256, 8 zooms: 2.1 -> 0.6 ms on the 2-core CI machine).
    """
    h, w, c = img.shape
    if img.dtype == np.float32:
        x = img
    else:  # x / max in float32: the generic kernel's values (uint8: albumentations' to_float)
        x = _scratch("zoom_x", img.shape, np.float32)
        np.divide(img, np.float32(_MAX[img.dtype]), out=x, dtype=np.float32)
    acc = _scratch("zoom_acc", img.shape, np.float32)
    acc.fill(0.0)
    flat = _scratch("zoom_one", ((h + 2) * (w + 2) * c,), np.float32)  # a zoom is at most 1 px larger
    count = 0
    for z in factors:
        if z <= 0:
            continue
        count += 1
        ch, cw = math.ceil(h / z), math.ceil(w / z)
        top, left = (h - ch) // 2, (w - cw) // 2
        nh, nw = int(ch * z), int(cw * z)
        crop = x[top : top + ch, left : left + cw]
        if (nh, nw) == (ch, cw):
            zoomed = crop
        elif nh * nw * c <= flat.size:
            dst = flat[: nh * nw * c].reshape(nh, nw, c)
            zoomed = cv2.resize(crop, (nw, nh), dst=dst, interpolation=cv2.INTER_LINEAR).reshape(nh, nw, c)
        else:
            zoomed = cv2.resize(crop, (nw, nh), interpolation=cv2.INTER_LINEAR).reshape(nh, nw, c)
        th, tw = (nh - h) // 2, (nw - w) // 2
        acc += zoomed[th : th + h, tw : tw + w]
    acc += x  # (x + acc: the same sum)
    acc /= np.float32(count + 1)
    if img.dtype == np.float32:
        return np.clip(acc, 0.0, 1.0)  # a new array: acc is reused
    np.clip(acc, 0.0, 1.0, out=acc)
    acc *= np.float32(_MAX[img.dtype])
    return np.rint(acc, out=acc).astype(img.dtype)


@register(F.zoom_blur, "numpy_cv2")
def zoom_blur(img: Any, factors: Any, /) -> Any:
    """albumentations' order of operations with ``cv2.resize`` per factor and image."""
    if not _usable(img) or img.shape[-3] == 0 or img.shape[-2] == 0:
        return NotImplemented
    f = np.asarray(factors, np.float64)
    if img.ndim == 3:
        return _zoom_one(img, f if f.ndim == 1 else f[0])
    out = np.empty(img.shape, img.dtype)
    for n in range(img.shape[0]):
        out[n] = _zoom_one(img[n], f if f.ndim == 1 else f[n])
    return out


def _glass_one(img: np.ndarray, sigma: float, index_map: np.ndarray) -> np.ndarray:
    """One HWC image; the blurred image and the gathered one live in reused buffers (fresh ones cost
    page faults), the output is the one new array."""
    h, w, c = img.shape
    if sigma <= 0:
        return np.take(img.reshape(h * w, c), index_map, axis=0).reshape(img.shape)
    x = _scratch("glass_blur", img.shape, img.dtype)
    cv2.GaussianBlur(img, (0, 0), dst=x if c > 1 else x[..., 0], sigmaX=sigma)
    flat = x.reshape(h * w, c)
    if index_map.size and 0 <= int(index_map.min()) and int(index_map.max()) < h * w:
        moved = np.take(
            flat, index_map, axis=0, out=_scratch("glass_moved", (h * w, c), img.dtype), mode="clip"
        )
    else:
        moved = np.take(flat, index_map, axis=0)  # raises out of range, as NumPy does
    return cv2.GaussianBlur(moved.reshape(img.shape), (0, 0), sigmaX=sigma).reshape(img.shape)


@register(F.glass_blur, "numpy_cv2")
def glass_blur(img: Any, sigma: Any, index_map: Any, /) -> Any:
    """``cv2.GaussianBlur`` (as albumentations calls it), a NumPy gather, ``cv2.GaussianBlur``."""
    if (
        not _usable(img)
        or img.shape[-1] > 4
        or img.shape[-3] == 0
        or img.shape[-2] == 0
        or _unclean_float(img)
    ):
        return NotImplemented  # (non-finite floats: OpenCV's Gaussian does not clip)
    sigmas, _ = F.per_sample(sigma, img)
    m = np.asarray(index_map)
    if img.ndim == 3:
        return _glass_one(img, float(sigmas[0]), m.reshape(-1))
    m = m.reshape(-1, img.shape[1] * img.shape[2])
    out = np.empty(img.shape, img.dtype)
    for n in range(img.shape[0]):
        out[n] = _glass_one(img[n], float(sigmas[n if len(sigmas) > 1 else 0]), m[n if len(m) > 1 else 0])
    return out
