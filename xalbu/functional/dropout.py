"""Generic kernels of the dropout family: rectangular holes filled with a value or random values.

Holes are host integer arrays of ``x_min, y_min, x_max, y_max`` rows (pixel ``(i, j)`` is in a hole when
``x_min <= j < x_max`` and ``y_min <= i < y_max``): ``(K, 4)`` for one HWC image, ``(N, K, 4)`` for an
NHWC batch, where a sample with fewer holes pads its rows with empty holes (``0, 0, 0, 0``). Later holes
are filled over earlier ones, as albumentations fills them one after the other.

Random fills come from the counter-based generator of :mod:`xalbu.functional._random` keyed by one seed
per sample: value ``e`` of the sample's stream fills, for ``"random"``, channel ``c`` of pixel
``(y, x)`` of hole ``k`` with ``e = offset_k + ((y - y_min) * width_k + (x - x_min)) * C + c`` (``offset_k``
the sizes of the holes before it, times ``C``), and for ``"random_uniform"`` (one colour per hole)
``e = k * C + c``. 16 bits give the value: its high byte for uint8, itself for uint16, the midpoint
``(bits + 0.5) / 65536`` for float32 (uniform on the dtype's range, like albumentations' draws).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _random as R
from xalbu.functional._common import host_fill
from xalbu.functional._inpaint import diffuse, peel_steps
from xalbu.functional._utils import dtype_name, namespace, round_cast

FILL_MODES = ("value", "random", "random_uniform")
INPAINT_METHODS = ("inpaint_telea", "inpaint_ns")


def holes_3d(holes: Any, batched: bool, n: int) -> np.ndarray:
    """Host holes as an ``(N, K, 4)`` int64 array (``(K, 4)`` for one image becomes ``(1, K, 4)``)."""
    arr = np.asarray(holes, np.int64)
    if arr.size == 0:
        return np.zeros((n, 0, 4), np.int64)
    if arr.ndim == 2:
        arr = np.broadcast_to(arr[None], (n,) + arr.shape)
    if arr.ndim != 3 or arr.shape[-1] != 4 or arr.shape[0] != n:
        raise ValueError(f"holes: expected (K, 4) or ({n}, K, 4) integer rows, got shape {arr.shape}")
    return arr


def random_counts(holes: np.ndarray, channels: int, mode: str) -> np.ndarray:
    """Per sample, how many random values a fill of ``mode`` reads (``(N,)`` int64) and per hole its
    first value's index (``(N, K)``): returned as ``(counts, offsets)``."""
    if mode == "random_uniform":
        k = holes.shape[1]
        offsets = np.broadcast_to(np.arange(k, dtype=np.int64) * channels, holes.shape[:2])
        return np.full(holes.shape[0], k * channels, np.int64), offsets
    areas = np.maximum(holes[..., 2] - holes[..., 0], 0) * np.maximum(holes[..., 3] - holes[..., 1], 0)
    ends = np.cumsum(areas * channels, axis=1)
    offsets = ends - areas * channels
    return (ends[:, -1] if ends.shape[1] else np.zeros(holes.shape[0], np.int64)), offsets


def levels_from_bits(xp: Any, bits: Any, dtype: Any) -> Any:
    """16-bit random values as pixel values of ``dtype`` (high byte / itself / midpoint in (0, 1))."""
    name = dtype_name(xp, dtype)
    if name == "uint8":
        return xp.astype(bits >> 8, xp.uint8)
    if name == "uint16":
        return xp.astype(bits, xp.uint16)
    return xp.astype(R.lookup(xp, R.unit_table(), bits), dtype)


@kernel
def cutout(img: Any, /, holes: Any, fill: Any = 0, mode: str = "value", seed: Any = 0) -> Any:
    """Fill rectangular ``holes`` of ``img`` (HWC, or NHWC with per-sample holes).

    ``mode`` ``"value"``: every hole pixel becomes ``fill`` (a number, a per-channel sequence, or in a
    batch a per-sample ``(N,)``/``(N, C)`` NumPy array; rounded and saturated to the dtype, any dtype
    including masks'). ``"random"`` / ``"random_uniform"``: values from ``seed`` (an int, or ``(N,)``
    seeds) as the module docstring says (uint8, uint16, float32).
    Example: ``cutout(zeros((2, 3, 1), uint8), [[1, 0, 3, 1]], 9)`` gives rows ``[0, 9, 9], [0, 0, 0]``.
    """
    xp = namespace(img)
    batched = img.ndim == 4
    x4 = img if batched else img[None, ...]
    n, h, w, c = (int(v) for v in x4.shape)
    hs = holes_3d(holes, batched, n)
    dev = device(img)
    if hs.shape[1] == 0:
        return xp.asarray(img, copy=True)
    ys = xp.reshape(xp.arange(h, dtype=xp.int64, device=dev), (1, h, 1))
    xs = xp.reshape(xp.arange(w, dtype=xp.int64, device=dev), (1, 1, w))

    def col(a: np.ndarray) -> Any:
        return xp.reshape(xp.asarray(np.ascontiguousarray(a, np.int64), device=dev), (n, 1, 1))

    covered = xp.zeros((n, h, w), dtype=xp.bool, device=dev)
    index = xp.zeros((n, h, w), dtype=xp.int64, device=dev)
    if mode != "value":
        counts, offsets = random_counts(hs, c, mode)
    for k in range(hs.shape[1]):
        x0, y0, x1, y1 = (col(hs[:, k, i]) for i in range(4))
        inside = (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)
        covered = covered | inside
        if mode == "random":
            at = col(offsets[:, k]) + ((ys - y0) * (x1 - x0) + (xs - x0)) * c
            index = xp.where(inside, at, index)
        elif mode == "random_uniform":
            index = xp.where(inside, col(offsets[:, k]), index)
    mask = covered[..., None]
    if mode == "value":
        values = host_fill(fill, dtype_name(xp, img.dtype), c, n if batched else None)
        if values.ndim == 4 and not batched:
            values = values[0]
        out = xp.where(mask, xp.asarray(np.ascontiguousarray(values), device=dev), x4)
        return out if batched else out[0, ...]
    if mode not in FILL_MODES:
        raise ValueError(f"mode: expected one of {list(FILL_MODES)}, got {mode!r}")
    count = int(counts.max())
    if count == 0:
        return xp.asarray(img, copy=True)
    seeds = R.seeds_array(seed)
    if seeds.shape[0] != n:
        seeds = np.broadcast_to(seeds, (n,))
    bits = R.philox_u16(img, seeds, count)  # (N, count)
    chan = xp.reshape(xp.arange(c, dtype=xp.int64, device=dev), (1, 1, 1, c))
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * count, (n, 1, 1, 1))
    at = xp.where(mask, index[..., None] + chan, xp.zeros_like(index[..., None]))
    flat = xp.reshape(base + at, (-1,))
    picked = xp.reshape(xp.take(xp.reshape(bits, (-1,)), flat, axis=0), (n, h, w, c))
    out = xp.where(mask, levels_from_bits(xp, picked, img.dtype), x4)
    return out if batched else out[0, ...]


def drop_thresholds(prob: Any, n: int) -> np.ndarray:
    """Dropout probabilities as ``(N,)`` int64 thresholds on 16-bit values: ``round(prob * 65536)``."""
    p = np.broadcast_to(np.asarray(prob, np.float64).reshape(-1), (n,))
    return np.round(p * 65536.0).astype(np.int64)


@kernel
def pixel_dropout(img: Any, /, seed: Any, prob: Any, field_channels: int, fill: Any = None) -> Any:
    """Drop pixels at random: where the sample's field says so, the pixel becomes ``fill``.

    The field: the first ``H * W * field_channels`` values of the seed's stream (pixel ``p``, channel
    ``f`` is value ``p * field_channels + f``); a value below ``round(prob * 65536)`` drops. With
    ``field_channels`` equal to the image's channels each channel drops on its own; with 1 the pixel
    drops as a whole; otherwise (a mask under a per-channel field) a pixel drops where any of its
    field channels does. ``fill``: a number or per-channel values (rounded and saturated), or
    ``None``: one random colour per sample, values ``H * W * field_channels + c`` of the stream
    (uint8, uint16, float32 as :func:`levels_from_bits`). ``prob``: a number or ``(N,)`` per sample.
    Example: ``prob`` 0 returns the input's values, ``prob`` 1 a constant ``fill`` image.
    """
    xp = namespace(img)
    batched = img.ndim == 4
    x4 = img if batched else img[None, ...]
    n, h, w, c = (int(v) for v in x4.shape)
    fc = int(field_channels)
    dev = device(img)
    seeds = np.broadcast_to(R.seeds_array(seed), (n,))
    count = h * w * fc
    extra = c if fill is None else 0
    bits = R.philox_u16(img, np.ascontiguousarray(seeds), count + extra)  # (N, count + extra)
    thr = xp.reshape(xp.asarray(drop_thresholds(prob, n), device=dev), (n, 1, 1, 1))
    field = xp.astype(xp.reshape(bits[:, :count], (n, h, w, fc)), xp.int64) < thr
    if fc != c and fc != 1:
        field = xp.any(field, axis=-1, keepdims=True)
    if fill is None:
        values = xp.reshape(levels_from_bits(xp, bits[:, count:], img.dtype), (n, 1, 1, c))
    else:
        values = xp.asarray(np.ascontiguousarray(host_fill(fill, dtype_name(xp, img.dtype), c)), device=dev)
    out = xp.where(field, values, x4)
    return out if batched else out[0, ...]


def _on_device(xp: Any, drop: Any, dev: Any) -> Any:
    """A drop mask (host bool-like or a device array) as a bool array of ``xp`` on ``dev``."""
    host = not hasattr(drop, "__array_namespace__") or isinstance(drop, np.ndarray)
    return xp.asarray(np.asarray(drop, bool) if host else drop, device=dev)


@kernel
def fill_where(img: Any, /, drop: Any, fill: Any) -> Any:
    """``img`` with the pixels where ``drop`` is true set to ``fill`` (a number or per-channel values,
    rounded and saturated to the dtype). ``drop``: a host or device bool array ``(H, W)`` (one image)
    or ``(N, H, W)`` (a batch). Example: ``fill_where(ones((1, 2, 1)), [[True, False]], 5)`` gives
    ``[[5], [1]]`` in the first row.
    """
    xp = namespace(img)
    dev = device(img)
    d = _on_device(xp, drop, dev)
    values = xp.asarray(
        np.ascontiguousarray(host_fill(fill, dtype_name(xp, img.dtype), int(img.shape[-1]))), device=dev
    )
    return xp.where(d[..., None], values, img)


@kernel
def gray_where(img: Any, /, drop: Any) -> Any:
    """``img`` with the pixels where ``drop`` is true made gray: every channel set to the mean of the
    pixel's channels (AlbumentationsX's ``fill="grayscale"``), truncated towards zero for integer
    dtypes (an exact integer sum, floor-divided by C), float32 from the float64 mean (NaN stays NaN).
    One channel: unchanged. ``drop`` as :func:`fill_where`'s. Example: the pixel ``(10, 20, 31)``
    of a uint8 image becomes ``(20, 20, 20)`` (61 / 3 = 20.33).
    """
    xp = namespace(img)
    c = int(img.shape[-1])
    if c == 1:
        return img
    dev = device(img)
    d = _on_device(xp, drop, dev)
    if xp.isdtype(img.dtype, "real floating"):
        gray = xp.astype(xp.mean(xp.astype(img, xp.float64), axis=-1, keepdims=True), img.dtype)
    else:
        total = xp.sum(xp.astype(img, xp.int64), axis=-1, keepdims=True)
        gray = xp.astype(xp.where(total < 0, -((-total) // c), total // c), img.dtype)
    return xp.where(d[..., None], gray, img)


@kernel
def inpaint(img: Any, /, drop: Any, method: str = "inpaint_telea", radius: Any = 3) -> Any:
    """Fill the pixels where ``drop`` is true from their surroundings (``img`` HWC, or NHWC).

    ``drop``: a host bool map ``(H, W)`` (one image) or ``(N, H, W)`` (a batch). ``method``
    ``"inpaint_telea"`` / ``"inpaint_ns"`` and ``radius`` (a number, or ``(N,)`` per sample) are
    OpenCV's (the NumPy/OpenCV override runs ``cv2.inpaint``); this generic kernel fills every
    method with the harmonic fill of :mod:`xalbu.functional._inpaint` (values between those around
    the region, ramps continued; ``radius`` unused). Pixels outside ``drop`` are unchanged.
    Example: a constant image stays constant, whatever ``drop``.
    """
    if method not in INPAINT_METHODS:
        raise ValueError(f"method: expected one of {list(INPAINT_METHODS)}, got {method!r}")
    xp = namespace(img)
    batched = img.ndim == 4
    x4 = img if batched else img[None, ...]
    n, h, w, _ = (int(v) for v in x4.shape)
    d = np.asarray(drop, bool)
    d = np.broadcast_to(d if batched and d.ndim == 3 else d.reshape(1, h, w), (n, h, w))
    steps = peel_steps(d)
    if steps == 0:
        return xp.asarray(img, copy=True)
    where = xp.asarray(np.ascontiguousarray(d[..., None]), device=device(img))
    filled = round_cast(xp, diffuse(xp, xp.astype(x4, xp.float32), where, steps), img.dtype)
    out = xp.where(where, filled, x4)
    return out if batched else out[0, ...]


__all__ = ["cutout", "fill_where", "gray_where", "inpaint", "pixel_dropout"]
