"""Colour spaces shared by the pixel kernels, OpenCV's arithmetic reproduced with array-API calls.

- CIE Lab of sRGB (D65) in float32 with OpenCV's constants (:func:`rgb_to_lab`, :func:`lab_to_rgb`);
- OpenCV's 8-bit Lab bit for bit: the forward conversion in its integer arithmetic
  (:func:`rgb_to_lab8`), the way back through a table of every ``(L, a, b)`` triple built once from
  OpenCV (:func:`lab8_to_rgb`);
- OpenCV's integer YCrCb, 8 and 16 bits, both ways (:func:`rgb_to_ycc`, :func:`ycc_to_rgb`).

Used by the tone family (CLAHE on the lightness, Equalize on the luma).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.functional._utils import clip

# CIE Lab of sRGB (D65), the constants OpenCV's colour conversions use
_RGB_TO_XYZ = (
    (0.412453 / 0.950456, 0.357580 / 0.950456, 0.180423 / 0.950456),
    (0.212671, 0.715160, 0.072169),
    (0.019334 / 1.088754, 0.119193 / 1.088754, 0.950227 / 1.088754),
)
_XYZ_TO_RGB = (
    (3.240479 * 0.950456, -1.53715, -0.498535 * 1.088754),
    (-0.969256 * 0.950456, 1.875991, 0.041556 * 1.088754),
    (0.055648 * 0.950456, -0.204043, 1.057311 * 1.088754),
)
_LAB_T = 0.008856  # f(t) = cbrt(t) above, 7.787 t + 16/116 below
_LAB_L = 903.3  # L = 903.3 Y for Y <= _LAB_T


def _cbrt(xp: Any, x: Any) -> Any:
    return xp.sign(x) * xp.pow(xp.abs(x), 1.0 / 3.0)


def rgb_to_lab(xp: Any, rgb: Any) -> tuple[Any, Any, Any]:
    """CIE ``L`` (0..100), ``a``, ``b`` of float32 sRGB values in [0, 1] (``(..., 3)``): D65, OpenCV's
    constants and the sRGB curve; each result ``(..., 1)``."""
    lin = xp.where(rgb <= 0.04045, rgb / 12.92, xp.pow((rgb + 0.055) / 1.055, 2.4))
    r, g, b = lin[..., 0:1], lin[..., 1:2], lin[..., 2:3]
    fx, fy, fz = (_lab_f(xp, r * m[0] + g * m[1] + b * m[2]) for m in _RGB_TO_XYZ)
    y = r * _RGB_TO_XYZ[1][0] + g * _RGB_TO_XYZ[1][1] + b * _RGB_TO_XYZ[1][2]
    lightness = xp.where(y > _LAB_T, 116.0 * fy - 16.0, _LAB_L * y)
    return lightness, 500.0 * (fx - fy), 200.0 * (fy - fz)


def _lab_f(xp: Any, t: Any) -> Any:
    return xp.where(t > _LAB_T, _cbrt(xp, t), 7.787 * t + 16.0 / 116.0)


def lab_to_rgb(xp: Any, lightness: Any, a: Any, b: Any) -> Any:
    """The inverse of :func:`rgb_to_lab`: float32 sRGB ``(..., 3)``, clipped to [0, 1]."""
    fy = (lightness + 16.0) / 116.0
    y = xp.where(lightness > _LAB_T * _LAB_L, fy * fy * fy, lightness / _LAB_L)
    fy = xp.where(lightness > _LAB_T * _LAB_L, fy, 7.787 * y + 16.0 / 116.0)
    fx, fz = fy + a / 500.0, fy - b / 200.0
    x = xp.where(fx > 0.206893, fx * fx * fx, (fx - 16.0 / 116.0) / 7.787)
    z = xp.where(fz > 0.206893, fz * fz * fz, (fz - 16.0 / 116.0) / 7.787)
    chans = [x * m[0] + y * m[1] + z * m[2] for m in _XYZ_TO_RGB]
    lin = clip(xp, xp.concat(chans, axis=-1), 0.0, 1.0)
    return xp.where(lin <= 0.0031308, 12.92 * lin, 1.055 * xp.pow(lin, 1.0 / 2.4) - 0.055)


def _lab8_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OpenCV's 8-bit RGB -> Lab tables (integer arithmetic): the sRGB curve in 1/2040 steps, the
    cube root in 1/32768 steps, the RGB -> XYZ / white point matrix in 1/4096 steps (float32 maths)."""
    x = np.arange(256, dtype=np.float32) * np.float32(1 / 255)
    curve = (x.astype(np.float64) + 0.055) / 1.055
    lin = np.where(x <= np.float32(0.04045), x * np.float32(1 / 12.92), (curve**2.4).astype(np.float32))
    gamma = np.rint(np.float32(2040.0) * lin.astype(np.float32)).astype(np.int64)
    t = np.arange(3072, dtype=np.float32) * np.float32(1 / 2040)
    f = np.where(t < np.float32(0.008856), t * np.float32(7.787) + np.float32(16 / 116), np.cbrt(t))
    cbrt = np.rint(np.float32(32768.0) * f.astype(np.float32)).astype(np.int64)
    m = np.array(_SRGB_XYZ, np.float32) / np.array(_D65, np.float32)[:, None]
    return gamma, cbrt, np.rint(np.float32(4096.0) * m).astype(np.int64)


_SRGB_XYZ = ((0.412453, 0.357580, 0.180423), (0.212671, 0.715160, 0.072169), (0.019334, 0.119193, 0.950227))
_D65 = (0.950456, 1.0, 1.088754)
LAB8_GAMMA, LAB8_CBRT, LAB8_MATRIX = _lab8_tables()


def rgb_to_lab8(xp: Any, rgb: Any) -> tuple[Any, Any, Any]:
    """OpenCV's 8-bit RGB -> Lab, bit for bit: uint8 ``(..., 3)`` to int64 ``L`` (``L * 255 / 100``),
    ``a + 128`` and ``b + 128``, each ``(..., 1)`` in [0, 255]."""
    dev = device(rgb)
    gamma = xp.asarray(LAB8_GAMMA, device=dev)
    cbrt = xp.asarray(LAB8_CBRT, device=dev)
    v = [xp.take(gamma, xp.reshape(xp.astype(rgb[..., i], xp.int64), (-1,))) for i in range(3)]
    f = [
        xp.take(cbrt, (v[0] * int(m[0]) + v[1] * int(m[1]) + v[2] * int(m[2]) + 2048) >> 12)
        for m in LAB8_MATRIX
    ]
    half = 1 << 14
    lightness = (296 * f[1] - (16 * 255 * 32768 + 50) // 100 + half) >> 15
    a = (500 * (f[0] - f[1]) + 128 * 32768 + half) >> 15
    b = (200 * (f[1] - f[2]) + 128 * 32768 + half) >> 15
    shape = (*rgb.shape[:-1], 1)
    return tuple(xp.reshape(clip(xp, c, 0, 255), shape) for c in (lightness, a, b))  # type: ignore[return-value]


@functools.cache
def lab8_rgb_table() -> np.ndarray:
    """OpenCV's 8-bit Lab -> RGB for every ``(L, a + 128, b + 128)`` triple, ``(2**24 * 3,)`` uint8
    indexed by ``(L << 16 | a << 8 | b) * 3 + channel`` (48 MiB, built once, ~0.1 s): the way back
    of albumentations' CLAHE, bit for bit, on every backend."""
    import cv2  # a dependency of xalbu; only this table needs it here

    levels = np.arange(256, dtype=np.uint8)
    lab = np.empty((256, 256, 256, 3), np.uint8)
    lab[..., 0] = levels[:, None, None]
    lab[..., 1] = levels[None, :, None]
    lab[..., 2] = levels[None, None, :]
    table = cv2.cvtColor(lab.reshape(4096, 4096, 3), cv2.COLOR_LAB2RGB).reshape(-1)
    table.flags.writeable = False
    return table


def lab8_to_rgb(xp: Any, index: Any) -> Any:
    """uint8 RGB ``(..., 3)`` of OpenCV's 8-bit Lab triples packed as ``L << 16 | a << 8 | b``."""
    table = xp.asarray(lab8_rgb_table(), device=device(index))
    flat = xp.reshape(index, (-1, 1)) * 3 + xp.reshape(
        xp.arange(3, dtype=xp.int64, device=device(index)), (1, 3)
    )
    return xp.reshape(xp.take(table, xp.reshape(flat, (-1,))), (*index.shape, 3))


YCC_TO = (4899, 9617, 1868, 11682, 9241)  # OpenCV's RGB -> YCrCb in 1/16384 (Y weights, Cr, Cb)
YCC_FROM = (22987, -11698, -5636, 29049)  # and back (Cr -> R, Cr -> G, Cb -> G, Cb -> B)


def rgb_to_ycc(xp: Any, rgb: Any, bins: int) -> tuple[Any, Any, Any]:
    """OpenCV's integer RGB -> YCrCb (8 and 16 bits, bit for bit): int64 ``Y``, ``Cr``, ``Cb`` of
    ``(..., 3)`` integer levels, each ``(...)``."""
    r, g, b = (xp.astype(rgb[..., i], xp.int64) for i in range(3))
    c = YCC_TO
    y = (r * c[0] + g * c[1] + b * c[2] + 8192) >> 14
    half = (bins // 2) << 14
    cr = (r - y) * c[3] + half + 8192 >> 14
    cb = (b - y) * c[4] + half + 8192 >> 14
    top = bins - 1
    return clip(xp, y, 0, top), clip(xp, cr, 0, top), clip(xp, cb, 0, top)


def ycc_to_rgb(xp: Any, y: Any, cr: Any, cb: Any, bins: int, dtype: Any) -> Any:
    """OpenCV's integer YCrCb -> RGB (bit for bit), ``(..., 3)`` of ``dtype``."""
    c = YCC_FROM
    dr, db = cr - bins // 2, cb - bins // 2
    r = y + ((dr * c[0] + 8192) >> 14)
    g = y + ((db * c[2] + dr * c[1] + 8192) >> 14)
    b = y + ((db * c[3] + 8192) >> 14)
    return xp.astype(clip(xp, xp.stack([r, g, b], axis=-1), 0, bins - 1), dtype)
