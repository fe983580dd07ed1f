"""OpenCV overrides of the shared linear filters (:mod:`xalbu.functional._filter`): ``cv2.filter2D``
and ``cv2.sepFilter2D`` per image, into a preallocated output.

OpenCV accumulates in float32 over the non-zero taps (kernels of at least 50 to 130 taps go
through its DFT instead, which differs in the last float bits) and rounds half to even, so integer
results equal the generic kernel's but for a float tie broken the other way (at most 1 level);
float32 results agree within 1e-5 and are clipped to [0, 1] here. A float image with an infinity or
a NaN under a large kernel runs the generic kernel instead (the DFT would spread them everywhere).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _filter as F

_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16", "float32"))
_REFLECT_101 = cv2.BORDER_REFLECT_101
_INT_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16"))  # nothing to clip
_DFT_TAPS = 50  # OpenCV's smallest kernel area that may go through the DFT


def _usable(img: Any) -> bool:
    return (
        type(img) is np.ndarray and img.ndim in (3, 4) and img.dtype in _DTYPES and 0 < img.shape[-1] <= 128
    )


def _clean_floats(img: np.ndarray, taps: int) -> bool:
    """False for a float image with a non-finite value that a DFT-sized kernel would spread."""
    return img.dtype != np.float32 or taps < _DFT_TAPS or bool(np.isfinite(img).all())


def _trim(k: np.ndarray) -> np.ndarray:
    """A kernel cropped symmetrically to its non-zero taps: a per-sample kernel zero-padded to the batch's
    largest runs as it would alone (same OpenCV path: direct or DFT, symmetric or not), and a kernel
    with a wide zero frame (albumentations' defocus disc) runs as small as it is."""
    if k.ndim == 1:
        nz = np.flatnonzero(k)
        if nz.size == 0:
            return k[len(k) // 2 : len(k) // 2 + 1]
        c = len(k) // 2
        r = max(c - int(nz[0]), int(nz[-1]) - c)
        return k[c - r : c + r + 1]
    rows, cols = np.flatnonzero(k.any(axis=1)), np.flatnonzero(k.any(axis=0))
    cy, cx = k.shape[0] // 2, k.shape[1] // 2
    if rows.size == 0:
        return k[cy : cy + 1, cx : cx + 1]
    ry = max(cy - int(rows[0]), int(rows[-1]) - cy)
    rx = max(cx - int(cols[0]), int(cols[-1]) - cx)
    return np.ascontiguousarray(k[cy - ry : cy + ry + 1, cx - rx : cx + rx + 1])


def _run(img: np.ndarray, count: int, fn: Any) -> np.ndarray:
    """``fn(src, dst, n)`` for each HWC image (``count`` kernels: 1 shared or N), into one output."""
    out = np.empty(img.shape, img.dtype)
    squeeze = img.shape[-1] == 1  # OpenCV reads (H, W, 1) as (H, W)
    src = img[..., 0] if squeeze else img
    dst = out[..., 0] if squeeze else out
    if img.ndim == 3:
        fn(src, dst, 0)
    else:
        for n in range(img.shape[0]):
            fn(src[n], dst[n], n if count > 1 else 0)
    if img.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


@register(F.convolve, "numpy_cv2")
def convolve(img: Any, kernel: Any, /) -> Any:
    """``cv2.filter2D`` per image (one shared or one per-sample kernel), reflect-101 borders."""
    if (  # one contiguous integer image of 2-4 channels and one float32 kernel: the common case
        type(kernel) is np.ndarray
        and kernel.ndim == 2
        and kernel.dtype == np.float32
        and type(img) is np.ndarray
        and img.ndim == 3
        and img.dtype in _INT_DTYPES
        and 1 < img.shape[2] <= 4
        and img.flags.c_contiguous
        and img.size
        and kernel.shape[0] % 2 == 1
        and kernel.shape[1] % 2 == 1
    ):
        return cv2.filter2D(img, -1, _trim(kernel), borderType=_REFLECT_101)
    if not _usable(img) or img.shape[-3] == 0 or img.shape[-2] == 0:
        return NotImplemented
    k = F._check_batch(img, F.filter_weights(kernel), "kernel")
    if not _clean_floats(img, k.shape[-1] * k.shape[-2]):
        return NotImplemented
    ks = k if k.ndim == 3 else k[None]
    k0 = _trim(ks[0])

    def one(src: np.ndarray, dst: np.ndarray, n: int) -> None:
        kn = _trim(ks[n]) if len(ks) > 1 else k0
        res = cv2.filter2D(src, -1, kn, dst=dst, borderType=_REFLECT_101)
        if res is not dst:  # OpenCV reallocated (non-contiguous destination): copy in
            dst[...] = res.reshape(dst.shape)

    return _run(img, ks.shape[0], one)


@register(F.convolve_separable, "numpy_cv2")
def convolve_separable(img: Any, kx: Any, ky: Any, /) -> Any:
    """``cv2.sepFilter2D`` per image (shared or per-sample row and column kernels)."""
    if not _usable(img) or img.shape[-3] == 0 or img.shape[-2] == 0:
        return NotImplemented
    fx, fy = F._as_1d(kx, "kx"), F._as_1d(ky, "ky")
    F._check_batch(img, fx[..., None, :], "kx")
    F._check_batch(img, fy[..., :, None], "ky")
    if not _clean_floats(img, max(fx.shape[-1], fy.shape[-1])):
        return NotImplemented
    xs = fx if fx.ndim == 2 else fx[None]
    ys = fy if fy.ndim == 2 else fy[None]
    count = max(xs.shape[0], ys.shape[0])

    def one(src: np.ndarray, dst: np.ndarray, n: int) -> None:
        kxn, kyn = xs[n if xs.shape[0] > 1 else 0], ys[n if ys.shape[0] > 1 else 0]
        if count > 1:
            kxn, kyn = _trim(kxn), _trim(kyn)
        res = cv2.sepFilter2D(src, -1, kxn, kyn, dst=dst, borderType=_REFLECT_101)
        if res is not dst:
            dst[...] = res.reshape(dst.shape)

    return _run(img, count, one)
