"""OpenCV / NumPy overrides of the geometric kernels (CPU).

Each override has the generic kernel's signature and contract (see ``xalbu.functional.geometric``),
always returns a fresh C-contiguous array (never a view of the input, never a write into it) and
declines with ``NotImplemented`` where OpenCV lacks the dtype (bool, int8, int64...) or the shape,
so the generic kernel runs. OpenCV calls see at most 4 channels at a time; a batch is a Python
loop over samples. OpenCV uses pixel-index coordinates, so warps get
``T(-0.5) @ inv(matrix) @ T(+0.5)`` with ``WARP_INVERSE_MAP``.
"""

from __future__ import annotations

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
    if img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    if img.dtype not in _MOVE_DTYPES or img.shape[-1] > 4:
        return np.flip(img, axis=-2).copy()
    rows = img.reshape(-1, img.shape[-2], img.shape[-1])
    return cv2.flip(rows, 1).reshape(img.shape)


@register(G.vflip, "numpy_cv2")
def vflip(img: np.ndarray, /) -> np.ndarray:
    """A C-order copy of the H-reversed view (rows are copied whole, so this is memcpy speed)."""
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
    interp = {G.AREA: G.LINEAR, G.LANCZOS4: G.CUBIC}.get(int(interpolation), int(interpolation))
    sides = (*img.shape[-3:-1], ho, wo)
    if not _usable(img, blend=interp != G.NEAREST) or interp not in range(3) or border_mode not in range(5):
        return NotImplemented
    if min(sides) < 1 or max(sides) >= _MAX_SIDE:
        return NotImplemented
    if border_mode == G.REFLECT_101 and min(sides[:2]) == 1:  # OpenCV 5.0 loops forever (cubic)
        return NotImplemented
    inv = G.index_inverse(matrix)
    affine = G.is_affine(matrix)
    if interp == G.NEAREST:  # break exact .5 ties upwards like the generic kernel (see _nudge)
        inv = _nudge(inv)
    n = img.shape[0] if img.ndim == 4 else None
    fills = G.host_fill(fill, img.dtype.name, img.shape[-1], n)
    flags = interp | cv2.WARP_INVERSE_MAP

    def one(s: np.ndarray, i: int) -> np.ndarray:
        m = inv[i if inv.shape[0] > 1 else 0]

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            kw = {"flags": flags, "borderMode": border_mode, "borderValue": _border_value(fills, i, k)}
            if affine:
                return cv2.warpAffine(c, m[:2], (wo, ho), **kw)
            return cv2.warpPerspective(c, m, (wo, ho), **kw)

        return _chunked(chunk, s)

    return _per_sample(one, img)
