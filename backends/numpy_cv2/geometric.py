"""OpenCV / NumPy overrides of the geometric kernels (CPU).

Each override has the generic kernel's signature and contract (see ``xalbu.functional.geometric``),
always returns a fresh C-contiguous array (never a view of the input, never a write into it) and
declines with ``NotImplemented`` where OpenCV lacks the dtype (bool, int8, int64...) or the shape,
so the generic kernel runs. OpenCV calls see at most 4 channels at a time; a batch is a Python
loop over samples. OpenCV uses pixel-index coordinates, so warps get
``T(-0.5) @ inv(matrix) @ T(+0.5)`` with ``WARP_INVERSE_MAP``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import geometric as G

# dtypes OpenCV handles exactly: all of them for pure data movement / nearest, fewer when it blends
_MOVE_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16", "int16", "int32", "float32", "float64"))
_BLEND_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16", "int16", "float32", "float64"))
_MAX_SIDE = 32767  # OpenCV's remap works on 16-bit coordinates
_ROTATE = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}

Chunk = Callable[[np.ndarray, int], np.ndarray]


def _usable(img: Any, blend: bool = False) -> bool:
    """True when ``img`` is a non-empty HWC/NHWC array of a dtype OpenCV handles for this op."""
    dtypes = _BLEND_DTYPES if blend else _MOVE_DTYPES
    return img.ndim in (3, 4) and img.size > 0 and img.dtype in dtypes


def _chunked(fn: Chunk, img: np.ndarray) -> np.ndarray:
    """Run ``fn(chunk, first_channel)`` on HWC ``img`` in channel chunks of at most 4.

    OpenCV drops a trailing size-1 channel axis; it is restored. Example: a 6-channel image runs
    as ``fn(img[..., 0:4], 0)`` and ``fn(img[..., 4:6], 4)``, concatenated on the channel axis.
    """
    c = img.shape[-1]
    parts = []
    for k in range(0, c, 4):
        chunk = img if c <= 4 else np.ascontiguousarray(img[..., k : k + 4])
        out = fn(chunk, k)
        parts.append(out if out.ndim == 3 else out[..., None])
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)


def _per_sample(fn: Callable[[np.ndarray, int], np.ndarray], img: np.ndarray) -> np.ndarray:
    """Run ``fn(hwc, n)`` on an HWC image (``n = 0``) or on every sample of an NHWC batch.

    Example: ``_per_sample(lambda s, n: s[::-1].copy(), batch)`` flips each sample vertically.
    """
    if img.ndim == 3:
        return fn(img, 0)
    first = fn(img[0], 0)
    out = np.empty((img.shape[0], *first.shape), dtype=first.dtype)
    out[0] = first
    for n in range(1, img.shape[0]):
        out[n] = fn(img[n], n)
    return out


_DTYPE_NAMES = {np.dtype(t): np.dtype(t).name for t in ("bool", "int8", "int64", "uint32")} | {
    t: t.name for t in _MOVE_DTYPES
}


@functools.lru_cache(maxsize=256)
def _shared_border(fill: Any, name: str, channels: int) -> tuple[float, ...]:
    return tuple(float(v) for v in G.host_fill(fill, name, channels))


def _simple_border(fill: Any, img: np.ndarray) -> tuple[float, ...] | None:
    """OpenCV ``borderValue`` of a scalar / per-channel ``fill`` for an HWC image of <= 4 channels
    (cached: it is the same on every call), else ``None`` (per-sample fills, more channels)."""
    c = img.shape[-1]
    if img.ndim != 3 or c > 4 or isinstance(fill, np.ndarray):
        return None
    try:
        name = _DTYPE_NAMES.get(img.dtype) or img.dtype.name
        return _shared_border(tuple(fill) if isinstance(fill, list) else fill, name, c)
    except TypeError:  # unhashable
        return None


def _border_value(fills: np.ndarray, n: int, k: int) -> tuple[float, ...]:
    """OpenCV ``borderValue`` for sample ``n``, channels ``k:k+4``, from ``G.host_fill``'s output."""
    row = fills.reshape(-1) if fills.ndim == 1 else fills[n].reshape(-1)
    return tuple(float(v) for v in row[k : k + 4])


# ----------------------------------------------------------------------------------------------
# flips, transposes, rotations, crop
# ----------------------------------------------------------------------------------------------
@register(G.hflip, "numpy_cv2")
def hflip(img: np.ndarray, /) -> np.ndarray:
    """``cv2.flip(., 1)`` on the image viewed as ``(N*H, W, C)``; NumPy copy for other dtypes."""
    if img.ndim == 3 and 1 < img.shape[2] <= 4 and img.size and img.dtype in _MOVE_DTYPES:
        return cv2.flip(img, 1)  # the common case, without reshapes (OpenCV keeps 2-4 channels)
    if img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    if img.dtype not in _MOVE_DTYPES or img.shape[-1] > 4:
        return np.flip(img, axis=-2).copy()
    rows = img.reshape(-1, img.shape[-2], img.shape[-1])
    return cv2.flip(rows, 1).reshape(img.shape)


@register(G.vflip, "numpy_cv2")
def vflip(img: np.ndarray, /) -> np.ndarray:
    """``cv2.flip(., 0)`` for one image of <= 4 channels (~1.3x NumPy's copy of the reversed view at
    1024x1024), else that NumPy copy (rows are copied whole)."""
    if img.ndim == 3 and img.shape[2] <= 4 and img.size and img.dtype in _MOVE_DTYPES:
        out = cv2.flip(img, 0)
        return out if out.ndim == 3 else out[..., None]
    if img.ndim not in (3, 4):
        return NotImplemented
    return np.flip(img, axis=-3).copy()


@register(G.transpose, "numpy_cv2")
def transpose(img: np.ndarray, /) -> np.ndarray:
    """``cv2.transpose`` per sample and 4-channel chunk; NumPy copy for other dtypes."""
    if not _usable(img):
        return NotImplemented if img.ndim not in (3, 4) else np.swapaxes(img, -3, -2).copy()
    return _per_sample(lambda s, n: _chunked(lambda c, k: cv2.transpose(c), s), img)


@register(G.rot90, "numpy_cv2")
def rot90(img: np.ndarray, /, k: int) -> np.ndarray:
    """``cv2.rotate`` per sample and 4-channel chunk (k mod 4; 0 copies); NumPy for other dtypes."""
    k = int(k) % 4
    if img.ndim not in (3, 4):
        return NotImplemented
    if k == 0 or not _usable(img):
        return np.rot90(img, k, axes=(img.ndim - 3, img.ndim - 2)).copy()
    code = _ROTATE[k]
    return _per_sample(lambda s, n: _chunked(lambda c, _k: cv2.rotate(c, code), s), img)


@register(G.crop, "numpy_cv2")
def crop(img: np.ndarray, /, x_min: int, y_min: int, x_max: int, y_max: int) -> np.ndarray:
    """A C-order copy of the box (the generic kernel returns a view of the input)."""
    return img[..., int(y_min) : int(y_max), int(x_min) : int(x_max), :].copy()


# ----------------------------------------------------------------------------------------------
# pad, resize, warp
# ----------------------------------------------------------------------------------------------
@register(G.pad, "numpy_cv2")
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
    fills = G.host_fill(fill, img.dtype.name, img.shape[-1], n)
    sides = (int(top), int(bottom), int(left), int(right))

    def one(s: np.ndarray, i: int) -> np.ndarray:
        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return cv2.copyMakeBorder(c, *sides, border_mode, value=_border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)


@register(G.resize, "numpy_cv2")
def resize(img: np.ndarray, /, out_hw: Sequence[int], interpolation: int) -> np.ndarray:
    """``cv2.resize`` per sample and 4-channel chunk; code 0 uses ``INTER_NEAREST_EXACT``."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    if not _usable(img, blend=interpolation != G.NEAREST) or interpolation not in range(5) or min(ho, wo) < 1:
        return NotImplemented
    code = cv2.INTER_NEAREST_EXACT if interpolation == G.NEAREST else int(interpolation)
    if img.ndim == 3 and img.shape[2] <= 4:  # one image: a single call (a strided view is fine)
        out = cv2.resize(img, (wo, ho), interpolation=code)
        return out if out.ndim == 3 else out[..., None]

    def chunk(c: np.ndarray, k: int) -> np.ndarray:
        return cv2.resize(c, (wo, ho), interpolation=code)

    return _per_sample(lambda s, n: _chunked(chunk, s), img)


def _nudge(inv: np.ndarray) -> np.ndarray:
    """Shift source coordinates by +1/1024 px so that OpenCV's nearest rounding breaks ties upwards.

    The contract is ``index = floor(x)`` (``round(u)`` half up); OpenCV 5 rounds exact ``.5`` ties
    half-to-even for 1, 3 and 4 channels and half-up for 2, so a half-pixel shift or a 2x
    downscale would differ from the generic kernel on every other pixel. 1/1024 px survives
    OpenCV's float32 / 10-bit fixed-point coordinates and moves only coordinates that lie within
    1/1024 px below a tie. Works for perspective rows too: ``u + e = (r0 + e * r2) . p / (r2 . p)``.
    """
    out = inv.copy()
    out[:, :2] += (2.0**-10) * out[:, 2:3]
    return out


def _index_inverse_one(m: np.ndarray) -> tuple[np.ndarray, bool]:
    """:func:`G.index_inverse` of one (3, 3) matrix in Python floats (``np.linalg.inv`` costs ~15 us a
    call); also whether it is affine. Cofactor inverse, then ``T(-0.5) @ inv @ T(+0.5)``."""
    (a, b, c), (d, e, f), (g, h, i) = m.tolist()
    affine = g == 0.0 and h == 0.0 and i == 1.0
    if affine:
        det = a * e - b * d
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        ic, if_ = -(ia * c + ib * f), -(id_ * c + ie * f)
        ig = ih = 0.0
        ii = 1.0
    else:
        ca, cb, cc = e * i - f * h, f * g - d * i, d * h - e * g
        det = a * ca + b * cb + c * cc
        if det == 0.0:
            raise np.linalg.LinAlgError("Singular matrix")
        ia, ib, ic = ca / det, (c * h - b * i) / det, (b * f - c * e) / det
        id_, ie, if_ = cb / det, (a * i - c * g) / det, (c * d - a * f) / det
        ig, ih, ii = cc / det, (b * g - a * h) / det, (a * e - b * d) / det
    # T(-0.5) @ inv @ T(0.5): columns 0, 1 unchanged; column 2 gains 0.5 * (col0 + col1); rows 0, 1
    # then lose 0.5 * row 2
    r2 = (ig, ih, ii + 0.5 * (ig + ih))
    out = np.array(
        [
            [ia - 0.5 * r2[0], ib - 0.5 * r2[1], ic + 0.5 * (ia + ib) - 0.5 * r2[2]],
            [id_ - 0.5 * r2[0], ie - 0.5 * r2[1], if_ + 0.5 * (id_ + ie) - 0.5 * r2[2]],
            r2,
        ]
    )
    if affine:
        out[2] = (0.0, 0.0, 1.0)
    return out, affine


# 3-channel bilinear warps run through 4 channels, where OpenCV has a SIMD path: measured with
# OpenCV 5.0 on 256x256 ~1.8x faster (uint8, uint16, float32), 1024x1024 uint8 ~1.2x (larger float
# images gain nothing). The 4-channel copies live in per-thread scratch buffers reused across calls
# (fresh large buffers cost more in page faults than the warp saves), at most this many bytes each.
_SCRATCH_MAX_BYTES = 4 << 20
_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A per-thread reusable buffer (contents undefined)."""
    buf = getattr(_SCRATCH, name, None)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = np.empty(shape, dtype)
        setattr(_SCRATCH, name, buf)
    return buf


def _warp_one(
    img: np.ndarray, inv: np.ndarray, affine: bool, dsize: tuple[int, int], interp: int, mode: int, value: Any
) -> np.ndarray:
    """One OpenCV warp of an HWC image of <= 4 channels (``inv``: index-space inverse, (3, 3))."""
    wo, ho = dsize
    flags = interp | cv2.WARP_INVERSE_MAP
    h, w, c = img.shape
    if (
        c == 3
        and interp == G.LINEAR
        and max(h * w, ho * wo) * 4 * img.itemsize <= _SCRATCH_MAX_BYTES
        and (img.dtype == np.uint8 or max(h * w, ho * wo) <= 512 * 512)
    ):
        src = cv2.cvtColor(img, cv2.COLOR_RGB2RGBA, dst=_scratch("warp_src", (h, w, 4), img.dtype))
        dst = _scratch("warp_dst", (ho, wo, 4), img.dtype)
        value = (*value, 0.0)
        if affine:
            cv2.warpAffine(src, inv[:2], dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)
        else:
            cv2.warpPerspective(src, inv, dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)
        return cv2.cvtColor(dst, cv2.COLOR_RGBA2RGB)
    if affine:
        out = cv2.warpAffine(img, inv[:2], dsize, flags=flags, borderMode=mode, borderValue=value)
    else:
        out = cv2.warpPerspective(img, inv, dsize, flags=flags, borderMode=mode, borderValue=value)
    return out if out.ndim == 3 else out[..., None]


_WARP_INTERP = {G.AREA: G.LINEAR, G.LANCZOS4: G.CUBIC}


@register(G.warp, "numpy_cv2")
def warp(
    img: np.ndarray,
    /,
    matrix: Any,
    out_hw: Sequence[int],
    interpolation: int,
    border_mode: int,
    fill: Any,
) -> np.ndarray:
    """``cv2.warpAffine``/``cv2.warpPerspective`` with the inverse index-space matrix, per sample."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp = _WARP_INTERP.get(int(interpolation), int(interpolation))
    sides = (*img.shape[-3:-1], ho, wo)
    if not _usable(img, blend=interp != G.NEAREST) or interp not in range(3) or border_mode not in range(5):
        return NotImplemented
    if min(sides) < 1 or max(sides) >= _MAX_SIDE:
        return NotImplemented
    if border_mode == G.REFLECT_101 and min(sides[:2]) == 1:  # OpenCV 5.0 loops forever (cubic)
        return NotImplemented
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim == 2:
        inv, affine = _index_inverse_one(m)
        inv = inv[None]
    else:
        inv, affine = G.index_inverse(m), G.is_affine(m)
    if interp == G.NEAREST:  # break exact .5 ties upwards like the generic kernel (see _nudge)
        inv = _nudge(inv)
    value = _simple_border(fill, img)
    if value is not None and inv.shape[0] == 1:  # one image of <= 4 channels, one matrix
        return _warp_one(img, inv[0], affine, (wo, ho), interp, border_mode, value)
    n = img.shape[0] if img.ndim == 4 else None
    fills = G.host_fill(fill, img.dtype.name, img.shape[-1], n)

    def one(s: np.ndarray, i: int) -> np.ndarray:
        m = inv[i if inv.shape[0] > 1 else 0]

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return _warp_one(c, m, affine, (wo, ho), interp, border_mode, _border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)
