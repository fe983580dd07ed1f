"""OpenCV/NumPy overrides of the dropout kernels: one copy of the image, then each hole a slice
assignment (a value, or the sample's counter-based random values from NumPy's own Philox)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import dropout as F
from xalbu.functional._common import host_fill

from ._random import philox_words

_NAMES = {np.dtype(t): t for t in ("uint8", "uint16", "float32", "int32", "int64", "bool")}
_LEVELS = {"uint8": np.uint8, "uint16": np.uint16, "float32": np.float32}


def _levels(bits: np.ndarray, name: str) -> np.ndarray:
    if name == "uint8":
        return (bits >> 8).astype(np.uint8)
    if name == "uint16":
        return bits
    return R.unit_table()[bits]


def _scalar_if_shared(value: np.ndarray) -> Any:
    """One value for every channel as a NumPy scalar: assigning a scalar to a slice is several times
    faster than broadcasting a per-channel vector over it."""
    first = value[0]
    return first if (value == first).all() else value


@register(F.cutout, "numpy_cv2")
def cutout(img: Any, /, holes: Any, fill: Any = 0, mode: str = "value", seed: Any = 0) -> Any:
    if not isinstance(img, np.ndarray) or img.ndim not in (3, 4) or mode not in F.FILL_MODES:
        return NotImplemented
    name = _NAMES.get(img.dtype) or img.dtype.name
    if mode != "value" and name not in _LEVELS:
        return NotImplemented
    batched = img.ndim == 4
    out = img.copy()
    if not batched and mode == "value" and not isinstance(fill, np.ndarray):  # the common call
        value = _scalar_if_shared(host_fill(fill, name, img.shape[2]))
        rows = np.maximum(np.asarray(holes, np.int64).reshape(-1, 4), 0).tolist()  # no negative slice ends
        for x0, y0, x1, y1 in rows:
            if x1 > x0 and y1 > y0:
                out[y0:y1, x0:x1] = value
        return out
    n, c = (img.shape[0] if batched else 1), img.shape[-1]
    hs = F.holes_3d(holes, batched, n)
    o4 = out if batched else out[None]
    if mode == "value":
        values = host_fill(fill, name, c, n if batched else None)
        per = values.reshape(n, c) if values.ndim == 4 else np.broadcast_to(values, (n, c))
        for s in range(n):
            for x0, y0, x1, y1 in np.maximum(hs[s], 0).tolist():
                if x1 > x0 and y1 > y0:
                    o4[s, y0:y1, x0:x1] = per[s]
        return out
    counts, offsets = F.random_counts(hs, c, mode)
    seeds = np.broadcast_to(R.seeds_array(seed), (n,))
    for s in range(n):
        if counts[s] == 0:
            continue
        bits = _levels(philox_words(int(seeds[s]), int(counts[s]))[: counts[s]], name)
        for k, (x0, y0, x1, y1) in enumerate(hs[s].tolist()):
            if x1 <= x0 or y1 <= y0:
                continue
            off = int(offsets[s, k])
            if mode == "random":
                vals = bits[off : off + (y1 - y0) * (x1 - x0) * c].reshape(y1 - y0, x1 - x0, c)
            else:
                vals = bits[off : off + c]
            o4[s, y0:y1, x0:x1] = vals
    return out


@register(F.pixel_dropout, "numpy_cv2")
def pixel_dropout(img: Any, /, seed: Any, prob: Any, field_channels: int, fill: Any = None) -> Any:
    if not isinstance(img, np.ndarray) or img.ndim not in (3, 4):
        return NotImplemented
    name = _NAMES.get(img.dtype) or img.dtype.name
    if fill is None and name not in _LEVELS:
        return NotImplemented
    batched = img.ndim == 4
    out = img.copy()
    o4 = out if batched else out[None]
    n, h, w, c = o4.shape
    fc = int(field_channels)
    count = h * w * fc
    extra = c if fill is None else 0
    seeds = np.broadcast_to(R.seeds_array(seed), (n,))
    thr = F.drop_thresholds(prob, n).tolist()
    value = None if fill is None else _scalar_if_shared(host_fill(fill, name, c))
    for s in range(n):
        if thr[s] <= 0:
            continue
        bits = philox_words(int(seeds[s]), count + extra)
        field = bits[:count].reshape(h, w, fc) < thr[s]
        v = _levels(bits[count : count + extra], name) if fill is None else value
        if fc == c and c > 1:  # per channel: the dropped elements by flat index
            at = np.flatnonzero(field)
            flat = o4[s].reshape(-1)
            flat[at] = v if np.ndim(v) == 0 else np.asarray(v)[at % c]
        else:  # whole pixels: one boolean index over H x W
            o4[s][field.any(axis=-1) if fc > 1 else field[..., 0]] = v
    return out


_COPY_DTYPES = frozenset(
    np.dtype(t) for t in ("uint8", "int8", "uint16", "int16", "int32", "float16", "float32", "float64")
)
_CV_CHANNELS = 128  # the most channels OpenCV (5.x) wraps from a NumPy array


@register(F.fill_where, "numpy_cv2")
def fill_where(img: Any, /, drop: Any, fill: Any) -> Any:
    """The output filled with the value, then the kept pixels copied back by ``cv2.copyTo`` under
    the inverted map: two passes over memory, many times faster than a boolean-index assignment."""
    if not isinstance(img, np.ndarray) or not isinstance(drop, np.ndarray) or drop.shape != img.shape[:-1]:
        return NotImplemented
    name = _NAMES.get(img.dtype) or img.dtype.name
    value = _scalar_if_shared(host_fill(fill, name, img.shape[-1]))
    c = img.shape[-1]
    if img.dtype not in _COPY_DTYPES or c > _CV_CHANNELS or img.size == 0:
        out = img.copy()
        out[drop] = value
        return out
    import cv2

    w = img.shape[-2]
    out = np.empty(img.shape, img.dtype)
    if np.ndim(value) == 0:
        out.fill(value)
    else:  # one row of per-channel values, repeated over the rows (contiguous copies)
        out.reshape(-1, w * c)[:] = np.tile(np.asarray(value, img.dtype), w)
    keep = np.logical_not(drop).view(np.uint8).reshape(-1, w)
    done = cv2.copyTo(np.ascontiguousarray(img).reshape(-1, w, c), keep, out.reshape(-1, w, c))
    if not np.may_share_memory(done, out):  # OpenCV wrote elsewhere (a layout it would not take)
        out = img.copy()
        out[drop] = value
    return out


_INPAINT_FLAGS = {"inpaint_telea": 1, "inpaint_ns": 0}  # cv2.INPAINT_TELEA, cv2.INPAINT_NS
_UNIT_LUT = np.arange(256, dtype=np.float32) / np.float32(255)


def _cv_inpaint(src: np.ndarray, mask: np.ndarray, radius: float, flag: int) -> np.ndarray:
    """``cv2.inpaint`` over any number of channels: 3 at a time, then one by one (OpenCV takes 1 or
    3; each channel is filled on its own either way, so the chunks give what one call would)."""
    import cv2

    c = src.shape[2]
    if c in (1, 3):
        return cv2.inpaint(src, mask, radius, flag).reshape(src.shape)
    parts = [
        cv2.inpaint(np.ascontiguousarray(src[..., i : i + 3]), mask, radius, flag)
        for i in range(0, c - c % 3, 3)
    ]
    parts += [
        cv2.inpaint(np.ascontiguousarray(src[..., i]), mask, radius, flag)[..., None]
        for i in range(c - c % 3, c)
    ]
    return np.concatenate(parts, axis=2)


@register(F.inpaint, "numpy_cv2")
def inpaint(img: Any, /, drop: Any, method: str = "inpaint_telea", radius: Any = 3) -> Any:
    """OpenCV's inpainting, as albumentations 2.0.8 runs it: uint8 as it is, float32 through uint8
    (``rint(x * 255)``, then ``/ 255``; only the filled pixels change), uint16 channel by channel."""
    if not isinstance(img, np.ndarray) or img.ndim not in (3, 4) or method not in _INPAINT_FLAGS:
        return NotImplemented
    name = _NAMES.get(img.dtype)
    if name not in _LEVELS:
        return NotImplemented
    batched = img.ndim == 4
    out = img.copy()
    o4 = out if batched else out[None]
    n, h, w, c = o4.shape
    d = np.asarray(drop, bool)
    d = np.broadcast_to(d if batched and d.ndim == 3 else d.reshape(1, h, w), (n, h, w))
    radii = np.broadcast_to(np.asarray(radius, np.float64).reshape(-1), (n,)).tolist()
    flag = _INPAINT_FLAGS[method]
    for s in range(n):
        if not d[s].any():
            continue
        pad = int(math.ceil(radii[s])) + 3
        for y0, y1, x0, x1 in _windows(d[s], pad):
            region = d[s, y0:y1, x0:x1]
            o4[s, y0:y1, x0:x1][region] = _fill_window(o4[s, y0:y1, x0:x1], region, radii[s], flag, name)
    return out


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """``[start, end)`` runs of the true entries of ``flags``, joined across gaps of at most ``gap``."""
    at = np.flatnonzero(flags)
    cut = np.flatnonzero(np.diff(at) > gap + 1)
    starts, ends = np.concatenate([[0], cut + 1]), np.concatenate([cut, [len(at) - 1]])
    return list(zip(at[starts].tolist(), (at[ends] + 1).tolist(), strict=True))


def _windows(drop: np.ndarray, pad: int) -> list[tuple[int, int, int, int]]:
    """Windows ``(y0, y1, x0, x1)`` around groups of ``drop``'s pixels: bands of rows, then runs of
    columns in each, split where ``2 pad`` clean rows (columns) part them, grown by ``pad``. OpenCV
    reads nothing farther than radius + 2 from a region, so each window alone gives the values the
    whole image gives."""
    h, w = drop.shape
    out = []
    for r0, r1 in _runs(drop.any(axis=1), 2 * pad):
        for c0, c1 in _runs(drop[r0:r1].any(axis=0), 2 * pad):
            out.append((max(r0 - pad, 0), min(r1 + pad, h), max(c0 - pad, 0), min(c1 + pad, w)))
    return out


def _fill_window(src: np.ndarray, region: np.ndarray, radius: float, flag: int, name: str) -> np.ndarray:
    """The inpainted values of ``region``'s pixels of the window ``src``."""
    mask = np.ascontiguousarray(region).view(np.uint8)
    if name == "float32":
        unit = np.nan_to_num(src, nan=0.0, posinf=1.0, neginf=0.0)
        u8 = np.clip(np.rint(unit * np.float32(255)), 0, 255).astype(np.uint8)
        return _UNIT_LUT[_cv_inpaint(u8, mask, radius, flag)[region]]
    if name == "uint16":
        one = [
            _cv_inpaint(np.ascontiguousarray(src[..., i : i + 1]), mask, radius, flag)
            for i in range(src.shape[-1])
        ]
        return np.concatenate(one, axis=-1)[region]
    return _cv_inpaint(np.ascontiguousarray(src), mask, radius, flag)[region]
