"""OpenCV's HSV conversions with array-API calls, shared by the colour kernels (HueSaturationValue,
ColorJitter's hue): the 8-bit RGB -> HSV in OpenCV's fixed point (bit for bit), the float one, and
HSV -> RGB in float32 (rounded by the callers; OpenCV 5's own 8-bit HSV -> RGB truncates in its
SIMD loop and rounds in its tail, so it is not reproduced). Kept out of :mod:`xalbu.functional.color`
for its size.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

_HSV_SHIFT = 12  # OpenCV's fixed-point bits of its 8-bit RGB -> HSV conversion
_SDIV = np.array([0] + [round((255 << _HSV_SHIFT) / i) for i in range(1, 256)], np.int32)
"""OpenCV's 8-bit saturation divisors: ``round(255 * 2**12 / v)`` (0 for ``v = 0``)."""
_HDIV = np.array([0] + [round((180 << _HSV_SHIFT) / (6.0 * i)) for i in range(1, 256)], np.int32)
"""OpenCV's 8-bit hue divisors: ``round(180 * 2**12 / (6 d))`` (0 for ``d = 0``)."""
_F32_EPS = float(np.finfo(np.float32).eps)  # FLT_EPSILON of OpenCV's float RGB -> HSV


def _gather(xp: Any, table: Any, index: Any) -> Any:
    """``table[index]`` for a 1-D device ``table`` and an integer ``index`` array of any shape."""
    return xp.reshape(xp.take(table, xp.reshape(index, (-1,)), axis=0), index.shape)


def hue_table_u8(hue: np.ndarray) -> np.ndarray:
    """The ``(..., 256)`` uint8 table of the 8-bit hue shift: ``floor((h + hue) mod 180)`` in float64.

    Example: ``hue = 10.5`` maps hue 175 to ``floor(185.5 mod 180) = 5``.
    """
    ramp = np.arange(256, dtype=np.float64)
    return np.mod(ramp + np.asarray(hue, np.float64)[..., None], 180.0).astype(np.uint8)


def _rgb_to_hsv_u8(xp: Any, img: Any) -> tuple[Any, Any, Any]:
    """OpenCV's 8-bit RGB -> HSV (H in [0, 180), S and V in [0, 255]) as int32 ``(..., 1)`` planes."""
    dev = device(img)
    x = xp.astype(img, xp.int32)
    r, g, b = x[..., 0:1], x[..., 1:2], x[..., 2:3]
    v = xp.maximum(xp.maximum(r, g), b)
    diff = v - xp.minimum(xp.minimum(r, g), b)
    half = 1 << (_HSV_SHIFT - 1)
    s = (diff * _gather(xp, xp.asarray(_SDIV, device=dev), v) + half) >> _HSV_SHIFT
    h = xp.where(v == r, g - b, xp.where(v == g, b - r + 2 * diff, r - g + 4 * diff))
    h = (h * _gather(xp, xp.asarray(_HDIV, device=dev), diff) + half) >> _HSV_SHIFT
    return xp.where(h < 0, h + 180, h), s, v


def _rgb_to_hsv_f32(xp: Any, x: Any) -> tuple[Any, Any, Any]:
    """OpenCV's float RGB -> HSV (H in degrees [0, 360), S and V in [0, 1]) of float32 RGB in [0, 1]."""
    r, g, b = x[..., 0:1], x[..., 1:2], x[..., 2:3]
    v = xp.maximum(xp.maximum(r, g), b)
    diff = v - xp.minimum(xp.minimum(r, g), b)
    s = diff / (v + _F32_EPS)
    scale = 60.0 / (diff + _F32_EPS)
    h = xp.where(v == r, (g - b) * scale, xp.where(v == g, (b - r) * scale + 120.0, (r - g) * scale + 240.0))
    return xp.where(h < 0, h + 360.0, h), s, v


def _hsv_to_rgb(xp: Any, h: Any, s: Any, v: Any, sixths: float) -> Any:
    """OpenCV's HSV -> RGB of float32 ``(..., 1)`` planes (H in units of ``1 / sixths`` of a sector,
    S and V in [0, 1]) as float32 ``(..., 3)`` in [0, 1]."""
    hs = h * sixths
    floor = xp.floor(hs)
    f = hs - floor
    sector = xp.astype(xp.where(xp.isnan(floor), 0.0, floor), xp.int32) % 6  # NaN pixels: NaN anyway
    t1 = v * (1.0 - s)
    t2 = v * (1.0 - s * f)
    t3 = v * (1.0 - s * (1.0 - f))

    def pick(by_sector: tuple[Any, ...]) -> Any:
        out = by_sector[5]
        for k in range(4, -1, -1):
            out = xp.where(sector == k, by_sector[k], out)
        return out

    r = pick((v, t2, t1, t1, t3, v))
    g = pick((t3, v, v, t2, t1, t1))
    b = pick((t1, t1, t3, v, v, t2))
    return xp.concat([r, g, b], axis=-1)
