"""OpenCV / NumPy overrides of the tone kernels (CPU): multiply_add, brightness_contrast, gamma,
solarize, invert, posterize.

Same signatures and contract as :mod:`xalbu.functional.tone`; an override returns
``NotImplemented`` for anything unusual (empty arrays, other dtypes, parameter shapes it does
not recognise) and the generic kernel runs (and raises the proper error where there is one).

Strategies (chosen by timing 256x256x3 and 1024x1024x3 images with timeit; the numbers are in
the pixel helper's report):

- multiply_add, brightness_contrast: uint8 scalar parameters through one exact table (see
  :mod:`._lut`), else the affine-map paths of :mod:`._pointwise`;
- uint8 gamma (and solarize when stringzilla is present): a 256-entry table made by running the
  generic kernel on a 0..255 ramp, so bit-exact with it by construction (see :mod:`._lut`);
- uint16 gamma: the same kind of table with 65536 entries (exact; ~100 us to build, cached),
  applied with ``cv2.LUT`` (16-bit input in OpenCV 5), for images of >= 49152 values (smaller
  ones decline: the generic kernel is faster there);
- float32 gamma: ``exp(g * log(x))`` with ``cv2.log`` / ``cv2.exp`` on an input clipped to
  ``[floor, 1]`` (zeros would put both on slow paths), restoring exact zeros with
  ``cv2.threshold``; within 1.2e-7 of the generic (see :func:`_gamma_f32_into`);
- solarize: ``cv2.compare`` then ``cv2.bitwise_xor`` (uint8), masked ``cv2.bitwise_not``
  (uint16) or masked ``cv2.subtract`` on the input clipped to [0, 1] (float32);
- per-sample (N,) parameters: one OpenCV call per sample into a preallocated output.

Non-finite float32 pixels as the generic kernels (the rules of :mod:`xalbu.functional._utils`):
float32 maps never use ``cv2.addWeighted`` (``inf * 0``), float32 with a contrast factor of 0
declines, and a mean that comes out infinite or NaN is taken again over the finite values.

No override writes into its input.
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import tone as F
from xalbu.functional._utils import _ONE_F32_BITS  # float32 in [+0, 1]: uint32 patterns up to this

from ._lut import _RAMP_F32, _SZ_TRANSLATE, _affine_u8, _lut_apply, _round_u8, _translate, _u8_tables
from ._pointwise import (
    _MAX,
    _RAMP8,
    _affine,
    _affine_scalar,
    _batch_rows,
    _blocks,
    _host,
    _is_scalar,
    _rows,
    _tiled,
    _usable,
)

_UNIT_F32 = _RAMP_F32 / 255.0  # the generic gamma's first step, x / max, on the uint8 ramp


def _gamma_u8(g: float) -> np.ndarray:
    """The uint8 table of ``255 * (x / 255) ** g``: the generic's float32 arithmetic (exact).

    ``** g`` with a Python float takes NumPy's scalar-power shortcuts (2 -> square, 0.5 -> sqrt)
    exactly as the generic kernel's ``** g`` does.
    """
    x = _UNIT_F32**g
    x *= 255.0
    return _round_u8(x)


def _mean(img: np.ndarray) -> float:
    """The mean of one image (or a whole batch) over its finite values (as :func:`finite_mean`)."""
    rows = _rows(img)
    m = cv2.mean(rows)[0]
    if np.isfinite(m):
        return m
    return cv2.mean(rows, mask=np.isfinite(rows).view(np.uint8))[0]  # 0 when nothing is finite


def _means(img: np.ndarray) -> np.ndarray:
    """Per-image means (over H, W and C) as ``(S, 1)`` float64 (S = N for a batch)."""
    samples = img if img.ndim == 4 else img[None]
    return np.array([[_mean(s)] for s in samples], dtype=np.float64)


def _zero_contrast(img: np.ndarray, alpha: Any) -> bool:
    """float32 with a factor of 0: left to the generic kernel (OpenCV's maps give ``0 * inf = NaN``)."""
    return img.dtype == np.float32 and bool(np.any(np.asarray(alpha) == 0))


@register(F.multiply_add, "numpy_cv2")
def multiply_add(img: np.ndarray, alpha: Any, beta: Any) -> Any:
    if not _usable(img) or _zero_contrast(img, alpha):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if _is_scalar(alpha, beta):
        if img.dtype == np.uint8:
            return _translate(img, _affine_u8(float(alpha), float(beta)))
        return _affine_scalar(img, float(alpha), float(beta), img.dtype, clip=True)
    a, b = _host(alpha, img), _host(beta, img)
    if a is None or b is None:
        return NotImplemented
    return _affine(img, a, b, img.dtype, clip=True)


@register(F.brightness_contrast, "numpy_cv2")
def brightness_contrast(img: np.ndarray, alpha: Any, beta: Any, beta_by_max: bool) -> Any:
    if not _usable(img) or _zero_contrast(img, alpha):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if _is_scalar(alpha, beta) and (beta_by_max or img.ndim == 3):
        scale = _MAX[img.dtype] if beta_by_max else _mean(img)
        if img.dtype == np.uint8:
            return _translate(img, _affine_u8(float(alpha), float(beta) * scale))
        return _affine_scalar(img, float(alpha), float(beta) * scale, img.dtype, clip=True)
    a, b = _host(alpha, img), _host(beta, img)
    if a is None or b is None or a.shape[1] != 1 or b.shape[1] != 1:
        return NotImplemented
    shift = b * (_MAX[img.dtype] if beta_by_max else _means(img))
    return _affine(img, a, shift, img.dtype, clip=True)


_F32_TINY = float(np.finfo(np.float32).tiny)  # smallest normal float32
_F32_DENORM_MIN = float(np.nextafter(np.float32(0.0), np.float32(1.0)))  # 2**-149
_GAMMA_FAST = (0.2, 100.0)  # the g range of the log/exp path (error measured over this range)
_EXACT_POWERS = (0.5, 1.0, 2.0)  # NumPy's scalar-power shortcuts (sqrt, copy, square) in the generic


def _gamma_f32_into(src: np.ndarray, dst: np.ndarray, g: float) -> None:
    """float32 ``clip(clip(x, 0) ** g, 0, 1)`` for one ``g > 0``, ``(rows, W*C)`` ``src`` into ``dst``.

    ``dst`` may be ``src``. Fast path (``0.2 <= g <= 100``): ``exp(g * log(x))`` with OpenCV's
    SIMD ``cv2.log`` / ``cv2.exp`` in five whole-image passes: clip, log, multiply, exp,
    threshold; single-threaded ~2.2-2.7x faster than ``np.power`` on 256x256x3 and 1024x1024x3
    photos (``cv2.pow`` is slower than ``np.power`` in OpenCV 5.0; cache-sized row blocks measured
    slower: the passes are compute-bound and each cv2 call costs ~1 us).

    Zeros (photos have many) make ``cv2.log`` return ``-inf`` on a ~5x slower path, and
    ``cv2.exp`` is as slow wherever its result is denormal or underflows; so the input is clipped
    to ``[floor, 1]`` with the smallest ``floor >= 2**-149`` whose power ``floor**g`` is still a
    normal float, and results up to ``1.001 * floor**g`` are set to exactly 0 (their exact values
    are below 1.1e-9 for ``g >= 0.2``, below 2e-37 for ``g >= 0.85``).

    Accuracy, measured over every float32 in [0.5, 1] and every 61st one below, g in 0.2..100:
    within 1.2e-7 absolute and 2.3e-6 relative (results >= 1e-6) of the generic kernel
    (``np.power``), within 1.2e-7 of float64 ``x**g``. ``cv2.log(1) == 0`` and ``cv2.exp(0) == 1``,
    so ones stay 1, and nothing exceeds 1. +inf gives 1, -inf 0 (the clip) and NaN stays NaN through
    ``cv2.log``, ``cv2.exp`` and ``THRESH_TOZERO``, as in the generic kernel (tested).
    ``g`` in ``(0.5, 1, 2)`` (sqrt, copy, square in NumPy) and ``g`` outside the fast range take
    the generic's arithmetic: exact.
    """
    if g in _EXACT_POWERS or not _GAMMA_FAST[0] <= g <= _GAMMA_FAST[1]:
        # for g > 0 clipping the input to [0, 1] first is the same as clipping the output
        np.clip(src, np.float32(0.0), np.float32(1.0), out=dst)
        if g != 1.0:
            dst **= g  # in place, with NumPy's scalar-power shortcuts as in the generic's ``** g``
        return
    floor = float(np.float32(max(_F32_DENORM_MIN, (16.0 * _F32_TINY) ** (1.0 / g))))
    np.clip(src, np.float32(floor), np.float32(1.0), out=dst)
    cv2.log(dst, dst=dst)
    np.multiply(dst, np.float32(g), out=dst)
    cv2.exp(dst, dst=dst)
    cv2.threshold(dst, 1.001 * floor**g, 0.0, cv2.THRESH_TOZERO, dst=dst)


_RAMP16 = np.arange(65536, dtype=np.uint16)
_UNIT16_F32 = _RAMP16.astype(np.float32) / 65535.0  # the generic gamma's x / max on the uint16 ramp
_U16_TABLE_MIN = 49152  # values per image from which a uint16 table beats the generic (measured)


@functools.lru_cache(maxsize=32)
def _gamma_u16(g: float) -> np.ndarray:
    """The uint16 table of ``65535 * (x / 65535) ** g``: the generic's float32 arithmetic (exact).

    Building it costs about a third of a 256x256x3 image through the generic kernel (65536
    ``np.power`` values); ``cv2.LUT`` takes 16-bit input in OpenCV 5. Cached (128 KiB each).
    """
    x = _UNIT16_F32**g  # a Python float, as in the generic kernel (same scalar-power shortcuts)
    x *= 65535.0
    np.rint(x, out=x)  # x ** g is in [0, 1] for g > 0, so no clip is needed
    table = x.astype(np.uint16)
    table.flags.writeable = False
    return table


@register(F.gamma, "numpy_cv2")
def gamma(img: np.ndarray, gamma: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if img.dtype == np.uint8 and _is_scalar(gamma):
        return _translate(img, _gamma_u8(float(gamma)))
    g = _host(gamma, img)
    if g is None or g.shape[1] != 1:
        return NotImplemented
    if img.dtype == np.uint8:
        tables = _u8_tables(F.gamma, img, gamma)
        return NotImplemented if tables is None else _lut_apply(img, tables)
    gv = [float(v) for v in g[:, 0].astype(np.float32)]  # the float32 values the generic uses
    if not all(v > 0 and np.isfinite(v) for v in gv):
        return NotImplemented  # g <= 0: clipping first would differ; the generic handles it
    per_image = img.size // (img.shape[0] if img.ndim == 4 and len(gv) > 1 else 1)
    if img.dtype == np.uint16 and per_image < _U16_TABLE_MIN:
        return NotImplemented  # a table costs 65536 powers: the generic kernel is faster (and exact)
    out = np.empty(img.shape, img.dtype)
    for i, src, dst in _blocks(img, out, len(gv)):
        if img.dtype == np.float32:
            _gamma_f32_into(_rows(src), _rows(dst), gv[i])
        else:  # uint16 (exact, from the generic's arithmetic)
            cv2.LUT(_rows(src), _gamma_u16(gv[i]), dst=_rows(dst))
    return out


@register(F.solarize, "numpy_cv2")
def solarize(img: np.ndarray, threshold: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if img.dtype == np.uint8 and _SZ_TRANSLATE is not None and _is_scalar(threshold):
        level = float(F._int_threshold(threshold, 255.0))  # the generic's integer threshold
        return _translate(img, np.where(_RAMP_F32 >= level, 255 - _RAMP8, _RAMP8))
    t = _host(threshold, img)
    if t is None or t.shape[1] != 1:
        return NotImplemented
    if img.dtype == np.uint8 and _SZ_TRANSLATE is not None:
        tables = _u8_tables(F.solarize, img, threshold)
        return NotImplemented if tables is None else _lut_apply(img, tables)
    mx = _MAX[img.dtype]
    integer = img.dtype != np.float32
    levels = F._int_threshold(t[:, 0], mx) if integer else t[:, 0].astype(np.float32)
    if img.dtype == np.uint16 and t.shape[0] == 1 and 1 <= levels[0] <= mx:
        # x ^ 0xFFFF == 65535 - x: a 0 / 65535 mask (threshold at level - 1) and one XOR, no copy
        # (a masked bitwise_not on a copy is ~4x slower)
        mask = cv2.threshold(_rows(img), float(levels[0]) - 1.0, mx, cv2.THRESH_BINARY)[1]
        return cv2.bitwise_xor(_rows(img), mask).reshape(img.shape)
    # float32: the output is clipped to [0, 1]; clipping first gives the same (1 - clip(x) is 0 where
    # 1 - x < 0), so +inf inverts to 0 and -inf stays 0. An image in [+0, 1] needs no clip: a reduction
    # and a copy cost less than np.clip
    clean = integer or int(img.view(np.uint32).max()) <= _ONE_F32_BITS
    out = img.copy() if clean else np.clip(img, np.float32(0.0), np.float32(1.0))
    for i, src, dst in _blocks(img, out, t.shape[0]):
        level = float(levels[i])
        if not level <= (mx if integer else np.inf):
            continue  # nothing reaches the threshold (a NaN threshold is the identity)
        mask = cv2.compare(_rows(src), level, cv2.CMP_GE)
        if img.dtype == np.uint8:
            cv2.bitwise_xor(_rows(src), mask, dst=_rows(dst))  # mask is 0 / 255 and 255 - x == x ^ 255
        elif img.dtype == np.uint16:
            cv2.bitwise_not(_rows(src), dst=_rows(dst), mask=mask)  # 65535 - x == ~x
        else:
            cv2.subtract(1.0, _rows(dst), dst=_rows(dst), mask=mask)  # dst holds clip(src)
    return out


@register(F.invert, "numpy_cv2")
def invert(img: np.ndarray) -> Any:
    if not _usable(img):
        return NotImplemented
    if img.dtype == np.float32:
        out = np.subtract(np.float32(1.0), img)
        if int(img.view(np.uint32).max()) > _ONE_F32_BITS:  # a value outside [+0, 1], an inf or a NaN
            np.clip(out, np.float32(0.0), np.float32(1.0), out=out)  # (a reduction is cheaper than a clip)
        return out
    return np.bitwise_not(img)  # 255 - x == ~x for uint8, 65535 - x == ~x for uint16


@register(F.posterize, "numpy_cv2")
def posterize(img: np.ndarray, bits: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    if (
        isinstance(bits, (int, np.integer))
        and not isinstance(bits, bool)
        and 0 <= bits <= 8
        and img.dtype != np.float32
    ):
        width = 16 if img.dtype == np.uint16 else 8
        return np.bitwise_and(img, img.dtype.type(((1 << width) - 1) ^ ((1 << (width - int(bits))) - 1)))
    b = F._check_bits(bits)
    img = np.ascontiguousarray(img)
    hb = _host(b, img)
    if hb is None:
        return NotImplemented
    hb = hb.astype(np.int64)
    v = _batch_rows(img)
    if img.dtype == np.float32:
        s = _tiled(np.exp2(hb), img, np.float32)
        x = np.multiply(v, s)
        np.floor(x, out=x)
        np.divide(x, s, out=x)
        return np.clip(x, 0.0, 1.0, out=x).reshape(img.shape)
    width = 16 if img.dtype == np.uint16 else 8
    full = (1 << width) - 1
    mask = (full << (width - hb)) & full
    if mask.size == 1:
        return np.bitwise_and(img, img.dtype.type(mask.item()))
    return np.bitwise_and(v, _tiled(mask, img, img.dtype)).reshape(img.shape)
