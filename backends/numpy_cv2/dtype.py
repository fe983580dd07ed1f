"""OpenCV / NumPy overrides of the dtype kernels (CPU): normalize, to_float, from_float.

Same signatures and contract as :mod:`xalbu.functional.dtype`; an override returns
``NotImplemented`` for anything unusual (empty arrays, other dtypes, parameter shapes it does
not recognise) and the generic kernel runs (and raises the proper error where there is one).

All three are affine maps ``img * a + b`` (see :mod:`._pointwise`): one ``cv2.addWeighted`` pass
for scalar parameters; per-channel normalize of uint8 multiplies and adds cached tiled row vectors
in float32 (the same arithmetic as a per-channel table, faster than this OpenCV's ``cv2.LUT`` into
float32). Non-finite float32 pixels as the generic kernels: float32 maps keep IEEE arithmetic
(``_pointwise._scale_add``), and ``from_float`` makes an image with a negative, infinite or NaN
value finite first (see :func:`_finite_unit`); ``from_float`` of a uint8 image (no ToFloat before
it) is a 256-entry table of the generic kernel. A batch of per-channel uint8 normalize runs sample
by sample into one output (cache-sized passes). No override writes into its input.
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import dtype as F

from ._pointwise import (
    _DEPTH,
    _MAX,
    _RAMP8,
    _affine,
    _affine_scalar,
    _is_scalar,
    _per_channel,
    _rows,
    _translate,
    _usable,
)


def _values_key(value: Any) -> float | tuple[float, ...] | None:
    """A hashable form of a scalar or 1-D parameter (``None`` for anything else)."""
    if _is_scalar(value):
        return float(value)
    arr = np.asarray(value, dtype=np.float64)
    return tuple(arr.tolist()) if arr.ndim == 1 else None


@functools.lru_cache(maxsize=64)
def _normalize_plan(mean: Any, std: Any, max_pixel_value: float) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` as ``(1, K)`` with ``(x - mean * mpv) / (std * mpv) == x * a + b``."""
    m = np.atleast_1d(np.asarray(mean, dtype=np.float64)) * max_pixel_value
    s = np.atleast_1d(np.asarray(std, dtype=np.float64)) * max_pixel_value
    a, b = 1.0 / s, -m / s
    a.flags.writeable = b.flags.writeable = False
    return a.reshape(1, -1), b.reshape(1, -1)


@register(F.normalize, "numpy_cv2")
def normalize(img: np.ndarray, mean: Any, std: Any, max_pixel_value: float) -> Any:
    mk, sk = _values_key(mean), _values_key(std)
    if not _usable(img) or mk is None or sk is None:
        return NotImplemented
    a, b = _normalize_plan(mk, sk, float(max_pixel_value))
    if not {a.shape[1], b.shape[1]} <= {1, img.shape[-1]}:
        return NotImplemented  # the generic kernel raises the error
    img = np.ascontiguousarray(img)
    if a.shape[1] == b.shape[1] == 1:
        return _affine_scalar(img, a.item(), b.item(), np.float32, clip=False)
    if img.dtype == np.uint8:
        # x * a + b in float32 over (rows, W*C) with cached tiled row vectors: the same float32
        # arithmetic as a per-channel table, ~1.4x faster than this OpenCV's cv2.LUT into float32
        c, w = img.shape[-1], img.shape[-2]
        ta, tb = _tiled_rows(tuple(_per_channel(a, 0, c).tolist()), tuple(_per_channel(b, 0, c).tolist()), w)
        if img.ndim == 3:
            x = _rows(img).astype(np.float32)
            np.multiply(x, ta, out=x)
            np.add(x, tb, out=x)
            return x.reshape(img.shape)
        # a batch: sample by sample into one output, so each pass runs on a cache-sized image
        # (32 x 256x256x3: ~1.25x faster than three passes over the whole float32 batch)
        out = np.empty(img.shape, np.float32)
        for src, dst in zip(img, out, strict=True):
            dst_rows = _rows(dst)
            np.multiply(_rows(src).astype(np.float32), ta, out=dst_rows)
            np.add(dst_rows, tb, out=dst_rows)
        return out
    return _affine(img, a, b, np.float32, clip=False)


@functools.lru_cache(maxsize=64)
def _tiled_rows(a: tuple[float, ...], b: tuple[float, ...], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel float32 ``a`` and ``b`` repeated along an image row (``(W*C,)``, read-only)."""
    ta, tb = np.tile(np.asarray(a, np.float32), width), np.tile(np.asarray(b, np.float32), width)
    ta.flags.writeable = tb.flags.writeable = False
    return ta, tb


@register(F.to_float, "numpy_cv2")
def to_float(img: np.ndarray, max_value: float | None = None) -> Any:
    if not _usable(img) or img.dtype == np.float32:
        return NotImplemented
    img = np.ascontiguousarray(img)
    mx = _MAX[img.dtype] if max_value is None else float(max_value)
    out = np.empty(img.shape, np.float32)
    cv2.addWeighted(_rows(img), 1.0 / mx, _rows(img), 0.0, 0.0, dst=_rows(out), dtype=cv2.CV_32F)
    return out


_F32_MAX_BITS = int(np.float32(np.finfo(np.float32).max).view(np.uint32))  # larger: negative or not finite


def _finite_unit(img: np.ndarray, top: float) -> np.ndarray:
    """``img`` itself when it holds no negative, infinite or NaN value, else ``clip(img, 0, top)`` with
    NaN set to 0 (a new array).

    OpenCV's float-to-integer conversion saturates finite values but turns NaN (and ``cv2.addWeighted``
    turns +-inf, through ``inf * 0``) into 0 or 255 depending on its code path. The test is one
    reduction over the bit patterns (non-negative finite float32 values are the uint32 patterns up to
    that of the largest float), ~8 us on 256x256x3; the repair (only when needed) two passes.
    """
    if int(img.view(np.uint32).max()) <= _F32_MAX_BITS:
        return img
    out = np.clip(img, np.float32(0.0), np.float32(top))
    cv2.patchNaNs(_rows(out), 0.0)
    return out


@functools.lru_cache(maxsize=64)
def _from_float_u8_table(dtype: str, max_value: float | None) -> np.ndarray:
    """The generic ``from_float`` of every uint8 value (it is element-wise: exact by construction)."""
    table = F.from_float.generic(_RAMP8.reshape(256, 1, 1), dtype, max_value).reshape(256)
    table.flags.writeable = False
    return table


@register(F.from_float, "numpy_cv2")
def from_float(img: np.ndarray, dtype: str, max_value: float | None = None) -> Any:
    if _usable(img) and img.dtype == np.uint8 and dtype in F.OUTPUT_DTYPES:
        # an integer input (``FromFloat`` after no ToFloat): a 256-entry table of the generic kernel,
        # instead of its float passes (on a batch those run over buffers far past the cache)
        table = _from_float_u8_table(dtype, None if max_value is None else float(max_value))
        img = np.ascontiguousarray(img)
        return _translate(img, table) if dtype == "uint8" else table[img]
    if not _usable(img) or img.dtype != np.float32 or dtype not in ("uint8", "uint16"):
        return NotImplemented
    img = np.ascontiguousarray(img)
    target = np.dtype(dtype)
    mx = _MAX[target] if max_value is None else float(max_value)
    src = _rows(_finite_unit(img, _MAX[target] / mx))  # values above top saturate anyway
    out = np.empty(img.shape, target)
    cv2.addWeighted(src, mx, src, 0.0, 0.0, dst=_rows(out), dtype=_DEPTH[target])
    return out
