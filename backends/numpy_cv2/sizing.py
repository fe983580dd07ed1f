"""OpenCV / NumPy overrides of the sizing kernels (CPU): ``pad`` (``cv2.copyMakeBorder``) and
``resize`` (``cv2.resize``).

Each override has the generic kernel's signature and contract, always returns a fresh C-contiguous
array (never a view of the input, never a write into it) and declines with ``NotImplemented``
where OpenCV lacks the dtype (bool, int8, int64...) or the shape, so the generic kernel runs.
OpenCV calls see at most 4 channels at a time; a batch is a Python loop over samples (see
:mod:`._cv`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import sizing as F
from xalbu.functional._common import NEAREST, host_fill

from ._cv import _border_value, _chunked, _per_sample, _simple_border, _usable


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
    fills = host_fill(fill, img.dtype.name, img.shape[-1], n)
    sides = (int(top), int(bottom), int(left), int(right))

    def one(s: np.ndarray, i: int) -> np.ndarray:
        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return cv2.copyMakeBorder(c, *sides, border_mode, value=_border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)


@register(F.resize, "numpy_cv2")
def resize(img: np.ndarray, /, out_hw: Sequence[int], interpolation: int) -> np.ndarray:
    """``cv2.resize`` per sample and 4-channel chunk; code 0 uses ``INTER_NEAREST_EXACT``."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    if not _usable(img, blend=interpolation != NEAREST) or interpolation not in range(5) or min(ho, wo) < 1:
        return NotImplemented
    code = cv2.INTER_NEAREST_EXACT if interpolation == NEAREST else int(interpolation)
    if img.ndim == 3 and img.shape[2] <= 4:  # one image: a single call (a strided view is fine)
        out = cv2.resize(img, (wo, ho), interpolation=code)
        return out if out.ndim == 3 else out[..., None]

    def chunk(c: np.ndarray, k: int) -> np.ndarray:
        return cv2.resize(c, (wo, ho), interpolation=code)

    return _per_sample(lambda s, n: _chunked(chunk, s), img)
