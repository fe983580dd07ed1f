"""OpenCV plumbing shared by the resampling overrides (flips, crops, sizing, affine).

Which dtypes OpenCV handles (all of them for pure data movement and nearest sampling, fewer when it
blends), runs in channel chunks of at most 4 and per sample of a batch, OpenCV ``borderValue``
tuples from fill values, and per-thread scratch buffers.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional._common import host_fill, select

# dtypes OpenCV handles exactly: all of them for pure data movement / nearest, fewer when it blends
_MOVE_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16", "int16", "int32", "float32", "float64"))
_BLEND_DTYPES = frozenset(np.dtype(t) for t in ("uint8", "uint16", "int16", "float32", "float64"))


Chunk = Callable[[np.ndarray, int], np.ndarray]


def _usable(img: Any, blend: bool = False) -> bool:
    """True when ``img`` is a non-empty HWC/NHWC array of a dtype OpenCV handles for this op."""
    dtypes = _BLEND_DTYPES if blend else _MOVE_DTYPES
    return img.ndim in (3, 4) and img.size > 0 and img.dtype in dtypes


def _chunked(fn: Chunk, img: np.ndarray) -> np.ndarray:
    """Run ``fn(chunk, first_channel)`` on HWC ``img`` in channel chunks of at most 4.

    OpenCV drops a trailing size-1 channel axis; it is restored. Example: a 6-channel image runs
    as ``fn(img[..., 0:4], 0)`` and ``fn(img[..., 4:6], 4)``, concatenated on the channel axis.
    The chunks are cut with ``cv2.mixChannels`` and joined with ``cv2.merge``: 2-4x faster than
    NumPy's copies of strided channel slices (256x256 uint8, 8 channels: 53 vs 219 us a chunk,
    101 vs 436 us the join).
    """
    c = img.shape[-1]
    if c <= 4:
        out = fn(img, 0)
        return out if out.ndim == 3 else out[..., None]
    parts = []
    for k in range(0, c, 4):
        n = min(4, c - k)
        chunk = np.empty((*img.shape[:2], n), img.dtype)
        cv2.mixChannels([img], [chunk], [i for j in range(n) for i in (k + j, j)])
        parts.append(fn(chunk, k))
    if c > 512:  # past OpenCV's channel limit
        return np.concatenate([p if p.ndim == 3 else p[..., None] for p in parts], axis=-1)
    return cv2.merge(parts)


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


@register(select, "numpy_cv2")
def select_samples(a: np.ndarray, /, b: np.ndarray, flags: Any) -> Any:
    """One copy of each sample from ``a`` or ``b`` into a fresh batch: a partly applied batch's merge.

    ``numpy.where`` with the flags broadcast over the pixels tests every value: 64 images of
    256x256x3 uint8 take 5.8 ms, the sample copies 0.43 ms (the cost of one copy of the batch).
    """
    f = np.asarray(flags, dtype=bool)
    if f.ndim != 1 or a.ndim < 2 or a.shape != b.shape or a.dtype != b.dtype or f.shape[0] != a.shape[0]:
        return NotImplemented
    out = np.empty_like(a, order="C")
    for i in range(f.shape[0]):
        out[i] = a[i] if f[i] else b[i]
    return out


_DTYPE_NAMES = {np.dtype(t): np.dtype(t).name for t in ("bool", "int8", "int64", "uint32")} | {
    t: t.name for t in _MOVE_DTYPES
}


@functools.lru_cache(maxsize=256)
def _shared_border(fill: Any, name: str, channels: int) -> tuple[float, ...]:
    return tuple(float(v) for v in host_fill(fill, name, channels))


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
    """OpenCV ``borderValue`` for sample ``n``, channels ``k:k+4``, from ``host_fill``'s output."""
    row = fills.reshape(-1) if fills.ndim == 1 else fills[n].reshape(-1)
    return tuple(float(v) for v in row[k : k + 4])


# Per-thread scratch buffers reused across calls (fresh large buffers cost more in page faults than
# the work done in them saves); buffers over this many bytes are allocated per call, not kept.
_SCRATCH_MAX_BYTES = 16 << 20
_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A per-thread work buffer (contents undefined), never returned to the caller.

    The last shape asked for under ``name`` is kept: intermediate images of a few hundred KB would
    otherwise be fresh ``mmap`` pages on every call, whose page faults cost more than the arithmetic
    (ISONoise at 256x256: 2.7 -> 0.8 ms). Buffers over ``_SCRATCH_MAX_BYTES`` are not kept.
    """
    cache = _SCRATCH.__dict__
    buf = cache.get(name)
    if buf is not None and buf.shape == shape and buf.dtype == dtype:
        return buf
    buf = np.empty(shape, dtype)
    if buf.nbytes <= _SCRATCH_MAX_BYTES:
        cache[name] = buf
    return buf


def spread_channels(a: np.ndarray, c: int, scratch: str | None = None) -> np.ndarray:
    """A per-pixel ``(H, W)`` array in every channel: a contiguous ``(H, W, c)`` array
    (``cv2.merge``; ``c == 1``: a view). NumPy's operations broadcast over a short last axis 5-10x
    slower than on contiguous arrays (and ``ascontiguousarray`` of the broadcast as slowly).
    ``scratch``: the name of a per-thread buffer to write into (:func:`_scratch`), else a new one."""
    if c == 1:
        return a[..., None]
    dst = _scratch(scratch, (*a.shape, c), a.dtype) if scratch else None
    return cv2.merge([a] * c, dst=dst).reshape(*a.shape, c)
