"""OpenCV / NumPy overrides of the tone kernels (CPU): multiply_add, brightness_contrast, gamma,
solarize, invert, posterize; clahe (OpenCV's CLAHE, and its 8-bit Lab as albumentations), equalize
(``cv2.equalizeHist`` / ``calcHist`` tables), auto_contrast (``calcHist``, tables applied with
stringzilla), tone_curve (uint8 tables), the three illuminations (the generic kernels' factor
patterns, multiplied by OpenCV); the extras: vignette (the same way), error_diffusion_dither (a
wavefront over anti-diagonals, every sample and plane at once; serpentine scans decline), halftone
(integers: cell sums with ``np.add.reduceat``). Each is exact against its generic kernel (tests/families).

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
from xalbu.functional import _tone_extras as FX
from xalbu.functional import tone as F
from xalbu.functional._utils import _ONE_F32_BITS  # float32 in [+0, 1]: uint32 patterns up to this

from ._cv import _scratch, spread_channels
from ._lut import (
    _RAMP_F32,
    _SZ_TRANSLATE,
    _affine_u8,
    _lut_apply,
    _round_u8,
    _translate,
    _translate_into,
    _u8_tables,
)
from ._pointwise import (
    _DEPTH,
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


# ------------------------------------------------------------------------------------------- CLAHE
@functools.lru_cache(maxsize=64)
def _clahe_object(limit: float, rows: int, cols: int) -> Any:
    return cv2.createCLAHE(clipLimit=limit, tileGridSize=(cols, rows))  # OpenCV's Size is (width, height)


def _clahe_one(src: np.ndarray, dst: np.ndarray, limit: float, grid: tuple[int, int]) -> None:
    """One HWC image: the plane itself (one channel) or the L of OpenCV's Lab (RGB, 8 bits), as
    albumentations; 16-bit RGB through the generic kernel's Lab (OpenCV has no 16-bit Lab)."""
    clahe = _clahe_object(limit, *grid)
    if src.shape[-1] == 1:
        clahe.apply(src[..., 0], dst=dst[..., 0])
        return
    if src.dtype == np.uint8:
        lab = cv2.cvtColor(src, cv2.COLOR_RGB2LAB)
        plane = cv2.extractChannel(lab, 0)
        cv2.insertChannel(clahe.apply(plane), lab, 0)
        cv2.cvtColor(lab, cv2.COLOR_LAB2RGB, dst=dst)
        return
    lightness, a, b = F.rgb_to_lab(np, src.astype(np.float32) / np.float32(65535.0))
    plane = np.round(lightness[..., 0] * np.float32(655.35)).astype(np.uint16)
    new = clahe.apply(plane)[..., None].astype(np.float32) * np.float32(100.0 / 65535.0)
    np.copyto(
        dst, np.clip(np.round(F.lab_to_rgb(np, new, a, b) * np.float32(65535.0)), 0, 65535), casting="unsafe"
    )


@register(F.clahe, "numpy_cv2")
def clahe(img: np.ndarray, clip_limit: Any, tile_grid_size: tuple[int, int]) -> Any:
    if not _usable(img) or img.shape[-1] not in (1, 3):
        return NotImplemented
    limits = _host(clip_limit, img)
    if limits is None or limits.shape[1] != 1:
        return NotImplemented
    grid = (int(tile_grid_size[0]), int(tile_grid_size[1]))
    if img.dtype == np.float32:  # albumentations' uint8 round trip: rint(x * 255), then / 255
        levels, has_nan = _to_levels(img)
        out = clahe(levels, clip_limit, tile_grid_size).astype(np.float32)
        out /= np.float32(255.0)  # as the generic (and albumentations' to_float)
        return np.where(np.isnan(img), img, out) if has_nan else out
    img = np.ascontiguousarray(img)
    out = np.empty(img.shape, img.dtype)
    for i, src, dst in _blocks(img, out, limits.shape[0]):
        if src.ndim == 4:  # shared parameters over a batch: sample by sample
            for s, d in zip(src, dst, strict=True):
                _clahe_one(s, d, float(limits[i, 0]), grid)
        else:
            _clahe_one(src, dst, float(limits[i, 0]), grid)
    return out


# ---------------------------------------------------------------------------------------- equalize
def _to_levels(img: np.ndarray) -> tuple[np.ndarray, bool]:
    """float32 in [0, 1] as albumentations' uint8 levels (``rint(x * 255)``, NaN as 0), and whether
    the image holds a NaN (the generic's :func:`to_levels`)."""
    scaled = np.multiply(img, np.float32(255.0))
    has_nan = bool(np.isnan(scaled).any())
    if has_nan:
        np.nan_to_num(scaled, copy=False, nan=0.0)
    np.clip(scaled, 0.0, 255.0, out=scaled)
    np.rint(scaled, out=scaled)
    return scaled.astype(np.uint8), has_nan


def _from_levels(out: np.ndarray, img: np.ndarray, has_nan: bool) -> np.ndarray:
    res = out.astype(np.float32)
    res /= np.float32(255.0)
    return np.where(np.isnan(img), img, res) if has_nan else res


def _plane_mask(mask: Any, i: int, p: int) -> np.ndarray | None:
    """Sample ``i``'s mask of plane ``p`` as uint8 (H, W) (non-zero: counted), from the kernel's
    ``(H, W, 1 or P)`` / ``(N, H, W, 1 or P)`` layout; None without a mask."""
    if mask is None:
        return None
    m = mask if mask.ndim == 3 else mask[i]
    return np.ascontiguousarray(m[..., p if m.shape[-1] > 1 else 0] != 0).view(np.uint8)


def _equalize_plane(plane: np.ndarray, mode: str, mask: np.ndarray | None, dst: np.ndarray) -> None:
    """One contiguous (H, W) plane of levels into ``dst`` (same dtype)."""
    if plane.dtype == np.uint8 and mode == "cv" and mask is None:
        cv2.equalizeHist(plane, dst=dst)
        return
    bins = 65536 if plane.dtype == np.uint16 else 256
    hist = cv2.calcHist([plane], [0], mask, [bins], [0, bins]).ravel()
    cdf = np.cumsum(hist.astype(np.int64))[None, :]
    table = F.equalize_tables(np, cdf, mode)[0].astype(plane.dtype)
    if bins == 256:
        _translate_into(plane, table, dst)
    else:
        cv2.LUT(plane, table, dst=dst)


@register(F.equalize, "numpy_cv2")
def equalize(img: np.ndarray, mode: str, by_channels: bool, mask: Any = None) -> Any:
    c = img.shape[-1] if img.ndim >= 3 else 0
    if not _usable(img) or mode not in ("cv", "pil") or (not by_channels and c not in (1, 3)):
        return NotImplemented
    if mask is not None:
        mask = np.asarray(mask)
        if mask.ndim not in (3, 4) or mask.ndim > img.ndim:
            return NotImplemented
    if img.dtype == np.float32:
        levels, has_nan = _to_levels(img)
        fin = np.isfinite(img)
        if not fin.all():  # non-finite pixels stay out of the histograms
            fin = fin.all(axis=-1, keepdims=True) if not by_channels and c == 3 else fin
            mask = fin if mask is None else (mask != 0) & fin
        return _from_levels(equalize(levels, mode, by_channels, mask), img, has_nan)
    batch = img.ndim == 4
    samples = img if batch else img[None]
    out = np.empty(samples.shape, img.dtype)
    luma = not by_channels and c == 3
    for i, (src, dst) in enumerate(zip(samples, out, strict=True)):
        # work planes in reused buffers (fresh ones cost more in page faults than the equalization)
        src = np.ascontiguousarray(src)
        hw = src.shape[:-1]
        if luma:
            ycc = cv2.cvtColor(src, cv2.COLOR_RGB2YCrCb, dst=_scratch("equalize_ycc", src.shape, src.dtype))
            y = cv2.extractChannel(ycc, 0, dst=_scratch("equalize_y", hw, src.dtype))
            _equalize_plane(y, mode, _plane_mask(mask, i, 0), y)
            cv2.insertChannel(y, ycc, 0)
            cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB, dst=dst)
        elif c == 1:  # (H, W, 1) C-ordered: its plane is contiguous, and so is the output's
            _equalize_plane(src[..., 0], mode, _plane_mask(mask, i, 0), dst[..., 0])
        elif c <= 4:
            planes = cv2.split(src, [_scratch(f"equalize_plane{p}", hw, src.dtype) for p in range(c)])
            for p, plane in enumerate(planes):
                _equalize_plane(plane, mode, _plane_mask(mask, i, p), plane)
            cv2.merge(planes, dst=dst)
        else:
            plane = _scratch("equalize_plane0", hw, src.dtype)
            for p in range(c):
                np.copyto(plane, src[..., p])
                _equalize_plane(plane, mode, _plane_mask(mask, i, p), plane)
                dst[..., p] = plane
    return out if batch else out[0]


# ----------------------------------------------------------------------------------- auto_contrast
def _full_range_tables(cdf: np.ndarray, method: str) -> np.ndarray:
    """:func:`contrast_tables` for ``cutoff=0`` without ``ignore`` in fewer NumPy calls (the tables
    of every channel at once, the same float32 / float64 arithmetic): bounds at the first and the
    last level present."""
    k, bins = cdf.shape
    top = bins - 1
    present = np.diff(cdf, axis=1, prepend=0) > 0
    lo = present.argmax(axis=1)
    hi = top - present[:, ::-1].argmax(axis=1)
    rows = np.arange(k)
    levels = np.arange(bins)
    if method == "cdf":
        first = cdf[rows, lo][:, None]
        span = np.maximum(cdf[rows, hi][:, None] - first, 1).astype(np.float32)
        value = (cdf - first).astype(np.float32) * np.float32(top) / span
    else:
        scale = top / np.maximum(hi - lo, 1).astype(np.float64)[:, None]
        value = (levels - lo[:, None]).astype(np.float64) * scale
    np.rint(value, out=value)
    np.clip(value, 0, top, out=value)
    table = np.where(levels < lo[:, None], 0, np.where(levels > hi[:, None], top, value))
    return np.where((hi > lo)[:, None], table, levels)


@register(F.auto_contrast, "numpy_cv2")
def auto_contrast(img: np.ndarray, cutoff: float, ignore: int | None, method: str) -> Any:
    if not _usable(img) or method not in ("cdf", "pil"):
        return NotImplemented
    if img.dtype == np.float32:
        levels, has_nan = _to_levels(img)
        fin = np.isfinite(img)
        valid = None if fin.all() else fin  # non-finite pixels stay out of the histograms
        return _from_levels(_auto_contrast(levels, cutoff, ignore, method, valid), img, has_nan)
    return _auto_contrast(img, cutoff, ignore, method, None)


def _auto_contrast(img: np.ndarray, cutoff: float, ignore: int | None, method: str, valid: Any) -> np.ndarray:
    """uint8 / uint16 auto-contrast; ``valid``: None or a bool array like ``img`` (False: not counted)."""
    bins = 65536 if img.dtype == np.uint16 else 256
    level = None if ignore is None else int(ignore) * (257 if bins == 65536 else 1)
    samples = img if img.ndim == 4 else img[None]
    out = np.empty(samples.shape, img.dtype)
    c = img.shape[-1]
    valids = None if valid is None else (valid if valid.ndim == 4 else valid[None])
    for i, (src, dst) in enumerate(zip(samples, out, strict=True)):
        # each channel once as a contiguous plane (cv2.split up to 4 channels): its histogram, then
        # its table in place, then cv2.merge (256x256x3: ~1.4x faster than a 3-channel cv2.LUT)
        split = 1 < c <= 4
        if split:  # into reused planes (fresh ones cost more in page faults than the split)
            hw = src.shape[:-1]
            scratch = [_scratch(f"contrast_plane{ch}", hw, img.dtype) for ch in range(c)]
            planes = list(cv2.split(np.ascontiguousarray(src), scratch))
        else:
            planes = [np.ascontiguousarray(src[..., ch]) for ch in range(c)]
        hists = np.empty((c, bins), np.float32)
        for ch, plane in enumerate(planes):
            mask = None if level is None else cv2.compare(plane, float(level), cv2.CMP_NE)
            if valids is not None:
                ok = np.ascontiguousarray(valids[i, ..., ch]).view(np.uint8)
                mask = ok if mask is None else cv2.bitwise_and(mask, ok * np.uint8(255))
            hists[ch] = cv2.calcHist([plane], [0], mask, [bins], [0, bins]).ravel()
        cdf = np.cumsum(hists.astype(np.int64), axis=1)
        if cutoff == 0 and level is None:
            tables = _full_range_tables(cdf, method).astype(img.dtype)
        else:
            lo, hi = F.contrast_bounds(np, cdf, float(cutoff))
            tables = F.contrast_tables(np, cdf, lo, hi, method, level).astype(img.dtype)
        for ch, plane in enumerate(planes):
            if bins == 256 and _SZ_TRANSLATE is not None and split:
                _SZ_TRANSLATE(plane, np.ascontiguousarray(tables[ch]), plane)  # in place: cv2.split's copy
            elif bins == 256 and _SZ_TRANSLATE is not None:
                planes[ch] = np.empty_like(plane)  # (plane may be a view of the input)
                _SZ_TRANSLATE(plane, np.ascontiguousarray(tables[ch]), planes[ch])
            else:
                planes[ch] = cv2.LUT(plane, np.ascontiguousarray(tables[ch]))
        if split:
            cv2.merge(planes, dst=dst)
        else:
            for ch, plane in enumerate(planes):
                dst[..., ch] = plane.reshape(dst.shape[:-1])
    return out if img.ndim == 4 else out[0]


# -------------------------------------------------------------------------------------- tone_curve
def _curve_terms() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The generic tone curve's three float64 terms on the uint8 ramp, ``y = a * lo + b * hi + c``
    (the same products in the same order, so the tables are the generic kernel's bit for bit)."""
    t = _RAMP8.astype(np.float64) * (1.0 / 255.0)
    t[-1] = 1.0
    u = 1.0 - t
    return 3.0 * (u * u) * t, 3.0 * u * (t * t), np.power(t, 3.0)


_CURVE_A, _CURVE_B, _CURVE_C = _curve_terms()


@register(F.tone_curve, "numpy_cv2")
def tone_curve(img: np.ndarray, low_y: Any, high_y: Any) -> Any:
    """uint8: tables of the generic kernel's arithmetic on the 0..255 ramp (bit for bit), one per
    sample and channel as the parameters are; other dtypes: the generic kernel."""
    if not _usable(img) or img.dtype != np.uint8:
        return NotImplemented
    img = np.ascontiguousarray(img)
    if _is_scalar(low_y, high_y):  # ~4 us for the table instead of the generic's ~20
        y = _CURVE_A * float(low_y)
        y += _CURVE_B * float(high_y)
        y += _CURVE_C
        y *= 255.0
        np.rint(y, out=y)
        np.clip(y, 0.0, 255.0, out=y)
        return _translate(img, y.astype(np.uint8))
    tables = _u8_tables(F.tone_curve, img, low_y, high_y)
    if tables is None:
        return NotImplemented
    if tables.shape[0] == 1 and tables.shape[2] == 1:
        return _translate(img, np.ascontiguousarray(tables[0, :, 0]))
    return _lut_apply(img, tables)


# ------------------------------------------------------------------------------------ illumination
def _illuminate(img: np.ndarray, pattern: np.ndarray) -> Any:
    """``img * pattern`` with OpenCV (the product in float32, rounded half to even and saturated;
    float32 clipped to [0, 1]), ``pattern`` the generic kernel's own ``(H, W)`` / ``(N, H, W)``."""
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    samples = img if img.ndim == 4 else img[None]
    patterns = pattern if pattern.ndim == 3 else pattern[None]
    out = np.empty(samples.shape, img.dtype)
    c = img.shape[-1]
    for i, (src, dst) in enumerate(zip(samples, out, strict=True)):
        p = patterns[i if patterns.shape[0] > 1 else 0]
        # (H, W * C), as the image's rows (in a reused buffer: fresh ones cost page faults)
        factors = spread_channels(p, c, "illumination").reshape(p.shape[0], -1) if c > 1 else p
        cv2.multiply(_rows(src), factors, dst=_rows(dst), dtype=_DEPTH[img.dtype])
    if img.dtype == np.float32:
        np.clip(out, np.float32(0.0), np.float32(1.0), out=out)
    return out if img.ndim == 4 else out[0]


@register(F.linear_illumination, "numpy_cv2")
def linear_illumination(img: np.ndarray, intensity: Any, angle: Any) -> Any:
    return _illuminate(img, F.linear_pattern(np, img, intensity, angle)) if _usable(img) else NotImplemented


@register(F.corner_illumination, "numpy_cv2")
def corner_illumination(img: np.ndarray, intensity: Any, corner: Any) -> Any:
    return _illuminate(img, F.corner_pattern(np, img, intensity, corner)) if _usable(img) else NotImplemented


@register(F.gaussian_illumination, "numpy_cv2")
def gaussian_illumination(img: np.ndarray, intensity: Any, center_x: Any, center_y: Any, sigma: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    return _illuminate(img, F.gaussian_pattern(np, img, intensity, center_x, center_y, sigma))


@register(FX.vignette, "numpy_cv2")
def vignette(img: np.ndarray, intensity: Any, center_x: Any, center_y: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    src = np.clip(img, np.float32(0.0), np.float32(1.0)) if img.dtype == np.float32 else img
    return _illuminate(src, FX.vignette_pattern(np, img, intensity, center_x, center_y))


def _wave_slope(taps: list[tuple[int, int, float]]) -> int:
    """The smallest ``a`` for which visiting the anti-diagonals ``a * y + x`` in order (taps of larger
    ``dy`` first within one) gives every pixel its errors after its sources and in raster order."""
    a = 1
    for dy1, dx1, _ in taps:
        if dy1 > 0:
            a = max(a, -dx1 // dy1 + 1)
        for dy2, dx2, _ in taps:
            if dy1 > dy2:
                a = max(a, -(-(dx2 - dx1) // (dy1 - dy2)))
    return a


@register(FX.error_diffusion_dither, "numpy_cv2")
def error_diffusion_dither(
    img: np.ndarray, /, n_colors: int, algorithm: str, serpentine: bool, grayscale: bool
) -> Any:
    """The generic kernel's raster scan as a wavefront: all pixels of one anti-diagonal ``a * y + x``
    (and all samples and planes) at once, in the same float32 order. The planes are stored skewed
    (row ``y`` shifted right by ``a * y``), so an anti-diagonal is a column and every access is a
    basic slice. Declines ``serpentine`` (rows alternate direction: no wavefront)."""
    if not _usable(img) or serpentine:
        return NotImplemented
    v, nan = FX.unit_planes(np, img, grayscale)
    v4 = v if v.ndim == 4 else v[None]
    n, h, w, p = v4.shape
    planes = v4.transpose(1, 2, 0, 3).reshape(h, w, n * p)
    taps = sorted(FX.diffusion_taps(algorithm), key=lambda t: -t[0])  # larger dy first (stable)
    a = _wave_slope(taps)
    left = 2  # columns of margin: error leaving the image lands outside every row's pixels, unread
    width = left + a * (h + 2) + w + 2
    skew = np.zeros((h, width, n * p), np.float32)
    for y in range(h):
        skew[y, left + a * y : left + a * y + w] = planes[y]
    err = np.zeros((h + 2, width, n * p), np.float32)
    k_skew = np.zeros((h, width, n * p), np.float32)
    steps, top = np.float32(n_colors - 1), np.float32(n_colors - 1)
    inv, half = np.float32(1.0 / (n_colors - 1)), np.float32(0.5)
    weights = [(dy, dx + a * dy, np.float32(wt)) for dy, dx, wt in taps]
    for t in range(a * (h - 1) + w):
        y0, y1 = max(0, -(-(t - w + 1) // a)), min(h - 1, t // a) + 1
        col = left + t
        val = skew[y0:y1, col] + err[y0:y1, col]
        k = np.floor(val * steps + half)
        np.clip(k, np.float32(0.0), top, out=k)
        k_skew[y0:y1, col] = k
        e = val - k * inv
        for dy, shift, wt in weights:
            target = err[y0 + dy : y1 + dy, col + shift]
            target += e * wt
    k_out = np.empty((h, w, n * p), np.float32)
    for y in range(h):
        k_out[y] = k_skew[y, left + a * y : left + a * y + w]
    k = k_out.reshape(h, w, n, p).transpose(2, 0, 1, 3)
    return FX.from_levels(np, k if img.ndim == 4 else k[0], int(n_colors), img, nan)


@register(FX.halftone, "numpy_cv2")
def halftone(img: np.ndarray, /, dot_size: Any, blend: Any) -> Any:
    """Integer images: each sample's cell sums with ``np.add.reduceat`` (float64, exact as the generic's
    integral image), then the generic's dots and blend in NumPy. float32 goes to the generic kernel
    (its float64 sums' order decides a dot's edge pixels)."""
    if not _usable(img) or img.dtype == np.float32:
        return NotImplemented
    x4 = img if img.ndim == 4 else img[None]
    n, h, w, c = x4.shape
    d = np.broadcast_to(np.asarray(dot_size, np.int64).reshape(-1), (n,))
    a = np.broadcast_to(np.asarray(blend, np.float32).reshape(-1), (n,))
    mx = float(np.iinfo(img.dtype).max)
    out = np.empty(x4.shape, img.dtype)
    for i in range(n):
        di = int(d[i])
        ys, xs = np.arange(0, h, di), np.arange(0, w, di)
        sums = np.add.reduceat(np.add.reduceat(x4[i], ys, axis=0, dtype=np.float64), xs, axis=1)
        counts = np.diff(np.append(ys, h)).astype(np.float64)[:, None] * np.diff(np.append(xs, w))[None, :]
        cells = (sums / counts[..., None]).astype(np.float32)
        mean = cells[np.arange(h) // di][:, np.arange(w) // di]
        inside = FX.halftone_dots(np, mean[None], d[i : i + 1], mx, h, w)[0]
        y = x4[i].astype(np.float32) * float(a[i]) + np.where(
            inside[..., None], mean, np.float32(0.0)
        ) * float(np.float32(1.0) - a[i])
        np.rint(y, out=y)
        np.clip(y, 0.0, mx, out=y)
        out[i] = y
    return out if img.ndim == 4 else out[0]
