"""OpenCV/NumPy overrides of the dropout kernels: one copy of the image, then each hole a slice
assignment (a value, or the sample's counter-based random values from NumPy's own Philox)."""

from __future__ import annotations

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


@register(F.fill_where, "numpy_cv2")
def fill_where(img: Any, /, drop: Any, fill: Any) -> Any:
    if not isinstance(img, np.ndarray) or not isinstance(drop, np.ndarray) or drop.shape != img.shape[:-1]:
        return NotImplemented
    name = _NAMES.get(img.dtype) or img.dtype.name
    out = img.copy()
    out[drop] = _scalar_if_shared(host_fill(fill, name, img.shape[-1]))
    return out
