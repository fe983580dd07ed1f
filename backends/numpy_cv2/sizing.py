"""OpenCV / NumPy overrides of the sizing kernels (CPU): ``pad`` (``cv2.copyMakeBorder``) and
``resize`` (``cv2.resize``).

Each override has the generic kernel's signature and contract, always returns a fresh C-contiguous
array (never a view of the input, never a write into it) and declines with ``NotImplemented``
where OpenCV lacks the dtype (bool, int8, int64...) or the shape, so the generic kernel runs.
Nearest resizing takes every dtype and is exact: OpenCV where its indices are the contract's,
NumPy gathers where they are not (:func:`_nearest`). OpenCV calls see at most 4 channels at a
time; a batch is a Python loop over samples (see :mod:`._cv`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import sizing as F
from xalbu.functional._common import NEAREST, host_fill

from ._cv import _MOVE_DTYPES, _border_value, _chunked, _per_sample, _simple_border, _usable


@register(F.pad, "numpy_cv2")
def pad(
    img: np.ndarray, /, top: int, bottom: int, left: int, right: int, border_mode: int, fill: Any
) -> np.ndarray:
    """``cv2.copyMakeBorder`` per sample and 4-channel chunk (OpenCV border codes are ours)."""
    if not _usable(img) or border_mode not in range(5):
        return NotImplemented
    value = _simple_border(fill, img)
    if value is not None:  # one image of <= 4 channels: a single OpenCV call
        out = cv2.copyMakeBorder(img, int(top), int(bottom), int(left), int(right), border_mode, value=value)
        return out if out.ndim == 3 else out[..., None]
    n = img.shape[0] if img.ndim == 4 else None
    sides = (int(top), int(bottom), int(left), int(right))
    value = _simple_border(fill, img[0]) if n else None
    if value is not None:  # a batch of <= 4 channels, one fill: each sample padded into its slot
        h, w = img.shape[1] + sides[0] + sides[1], img.shape[2] + sides[2] + sides[3]
        out = np.empty((n, h, w, img.shape[-1]), img.dtype)
        for src, dst in zip(img, out, strict=True):
            got = cv2.copyMakeBorder(src, *sides, border_mode, dst=dst, value=value)
            if got is not dst:  # OpenCV allocated its own output after all
                dst[...] = got.reshape(dst.shape)
        return out
    fills = host_fill(fill, img.dtype.name, img.shape[-1], n)

    def one(s: np.ndarray, i: int) -> np.ndarray:
        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return cv2.copyMakeBorder(c, *sides, border_mode, value=_border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)


@functools.lru_cache(maxsize=1024)
def _opencv_nearest_is_exact(n_in: int, n_out: int) -> bool:
    """Whether OpenCV's ``INTER_NEAREST_EXACT`` picks the contract's source index
    ``floor((dst + 0.5) * n_in / n_out)`` on every pixel of an ``n_in`` -> ``n_out`` axis.

    It computes the index in 16.16 fixed point from a rounded ratio (less 1/65536 for an odd
    ``n_in``), so where the exact position is a whole number it can take the pixel before: 18% of
    the size pairs up to 200 (512 -> 384, 640 -> 480, 256 -> 224...), on every dtype alike. Probed
    once per pair with the installed OpenCV on an index ramp (its nearest copies bytes, whatever
    the dtype).
    """
    ramp = np.arange(n_in, dtype=np.int32)[None, :]
    got = cv2.resize(ramp, (n_out, 1), interpolation=cv2.INTER_NEAREST_EXACT).reshape(-1)
    return bool(np.array_equal(got, F.nearest_index(n_in, n_out)))


def _nearest(img: np.ndarray, ho: int, wo: int) -> np.ndarray | None:
    """Exact nearest resize of HWC / NHWC ``img`` (any dtype): ``cv2.resize`` where OpenCV's indices
    are the contract's on both axes (2-4x faster), else two NumPy gathers (OpenCV's indices would
    move rows or columns by one pixel, and masks of the dtypes OpenCV lacks, resized by the generic
    kernel, would get other labels than uint8 ones); ``None`` for other shapes (the generic kernel
    runs and refuses them)."""
    if img.ndim not in (3, 4) or img.size == 0:
        return None
    h, w = img.shape[-3], img.shape[-2]
    if img.dtype in _MOVE_DTYPES and _opencv_nearest_is_exact(h, ho) and _opencv_nearest_is_exact(w, wo):
        if img.ndim == 3 and img.shape[2] <= 4:  # one image: a single call (a strided view is fine)
            out = cv2.resize(img, (wo, ho), interpolation=cv2.INTER_NEAREST_EXACT)
            return out if out.ndim == 3 else out[..., None]

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return cv2.resize(c, (wo, ho), interpolation=cv2.INTER_NEAREST_EXACT)

        return _per_sample(lambda s, n: _chunked(chunk, s), img)
    out = img if ho == h else np.take(img, F.nearest_index(h, ho), axis=-3)
    if wo != w:
        return np.take(out, F.nearest_index(w, wo), axis=-2)
    return out if out is not img else img.copy()


@register(F.resize, "numpy_cv2")
def resize(img: np.ndarray, /, out_hw: Sequence[int], interpolation: int) -> np.ndarray:
    """``cv2.resize`` per sample and 4-channel chunk; nearest (any dtype) through :func:`_nearest`."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    if interpolation == NEAREST and min(ho, wo) >= 1:
        out = _nearest(img, ho, wo)
        return NotImplemented if out is None else out
    if not _usable(img, blend=True) or interpolation not in range(5) or min(ho, wo) < 1:
        return NotImplemented
    code = int(interpolation)
    if img.ndim == 3 and img.shape[2] <= 4:  # one image: a single call (a strided view is fine)
        out = cv2.resize(img, (wo, ho), interpolation=code)
        return out if out.ndim == 3 else out[..., None]

    def chunk(c: np.ndarray, k: int) -> np.ndarray:
        return cv2.resize(c, (wo, ho), interpolation=code)

    return _per_sample(lambda s, n: _chunked(chunk, s), img)
