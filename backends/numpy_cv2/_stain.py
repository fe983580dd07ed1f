"""OpenCV / NumPy override of the H&E stain kernel (:func:`xalbu.functional._stain.he_stain`).

uint8 and float32: optical density from a 256-entry table (uint8) or ``cv2.log``, both affine maps
with ``cv2.transform`` (3 x 4 per pixel), the tissue mask in float32 as the generic kernel, one
``cv2.exp``, and ``cv2.convertScaleAbs`` (round half to even, saturate) back to uint8.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _stain as F

from ._cv import _scratch

_X8 = np.arange(256, dtype=np.float32) / np.float32(255.0)
_OD8 = -np.log(np.maximum(_X8, np.float32(F.OD_EPS)))


def _one(img: np.ndarray, maps: np.ndarray, augment_background: bool) -> np.ndarray:
    """One HWC image; the work images live in reused buffers (fresh ones cost page faults), the
    output is the one new array."""
    h, w, _ = img.shape
    f32 = np.float32
    od = _scratch("stain_od", img.shape, f32)
    if img.dtype == np.uint8:
        np.take(_OD8, img, out=od, mode="clip")  # (uint8 indices: always in the table)
        x = np.take(_X8, img, out=_scratch("stain_x", img.shape, f32), mode="clip")
    else:
        x = img
        np.maximum(x, f32(F.OD_EPS), out=od)
        np.log(od, out=od)
        np.negative(od, out=od)
    out = cv2.transform(od, maps[0], dst=_scratch("stain_out", img.shape, f32))
    if not augment_background:
        lum = np.multiply(x[..., 0], f32(F.TISSUE_LUMA[0]), out=_scratch("stain_lum", (h, w), f32))
        term = _scratch("stain_term", (h, w), f32)
        lum += np.multiply(x[..., 1], f32(F.TISSUE_LUMA[1]), out=term)
        lum += np.multiply(x[..., 2], f32(F.TISSUE_LUMA[2]), out=term)
        back = np.greater_equal(lum, F.TISSUE_THRESHOLD, out=_scratch("stain_back", (h, w), np.bool_))
        if back.any():
            out[back] = cv2.transform(od[back][:, None, :], maps[1])[:, 0, :]
    np.negative(out, out=out)
    y = cv2.exp(out, dst=out)
    if img.dtype == np.uint8:
        return cv2.convertScaleAbs(y, alpha=255.0).reshape(h, w, 3)
    return np.clip(y, 0.0, 1.0).reshape(h, w, 3)


@register(F.he_stain, "numpy_cv2")
def he_stain(img: Any, stain: Any, scale: Any, shift: Any, on: Any, augment_background: bool, /) -> Any:
    if img.dtype not in (np.uint8, np.float32) or img.ndim not in (3, 4) or img.shape[-1] != 3:
        return NotImplemented
    maps = F.stain_maps(stain, scale, shift, augment_background).astype(np.float64)
    if img.ndim == 3:
        return _one(img, maps[0], augment_background) if bool(np.all(on)) else img.copy()
    n = img.shape[0]
    flags = np.broadcast_to(np.asarray(on, bool).reshape(-1), (n,))
    out = img.copy()
    for i in range(n):
        if flags[i]:
            out[i] = _one(img[i], maps[i if len(maps) > 1 else 0], augment_background)
    return out
