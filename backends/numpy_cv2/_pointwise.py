"""NumPy / OpenCV plumbing shared by the point-wise overrides (tone, color, dtype).

Which arrays the point-wise overrides take, contiguous ``(rows, W*C)`` / ``(rows, W, C)`` views
OpenCV reads as one Mat, host parameters as ``(S, K)`` (samples x channels) arrays, per-sample loops,
and affine maps ``img * a + b`` (multiply_add, brightness_contrast, normalize, to_float,
from_float): one ``cv2.addWeighted(rows, a, rows, 0, b, dtype=...)`` pass for scalar parameters
(rounds half to even and saturates like the generic; bit-exact on uint8); per-channel parameters:
``cv2.transform`` with a diagonal matrix where OpenCV has a fast path (3 channels; float32 with
<= 4), a cached per-channel ``cv2.LUT`` table for uint8, else NumPy on a ``(rows, W*C)`` view with
the per-channel vector tiled along the row (NumPy broadcasting over a short last axis is ~10x
slower). Per-sample ``(N,)`` parameters: one OpenCV call per sample into a preallocated output.
float32 to float32 maps use ``cv2.transform`` instead of ``cv2.addWeighted`` (see
:func:`_scale_add`: infinities stay infinite instead of becoming NaN). No helper writes into its
input.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np

_DEPTH = {np.dtype(np.uint8): cv2.CV_8U, np.dtype(np.uint16): cv2.CV_16U, np.dtype(np.float32): cv2.CV_32F}
_MAX = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0, np.dtype(np.float32): 1.0}
_TRANSFORM_MAX_CN = 4  # cv2.transform takes 1..4 channels
_CV_MAX_CN = 512  # CV_CN_MAX: more channels than this cannot be one cv2 Mat
_RAMP8 = np.arange(256, dtype=np.uint8)


def _usable(img: Any) -> bool:
    """An array this backend handles: HWC / NHWC NumPy uint8, uint16 or float32, not empty."""
    return (
        isinstance(img, np.ndarray)
        and img.ndim in (3, 4)
        and img.dtype in _DEPTH
        and img.size > 0
        and img.shape[-1] <= _CV_MAX_CN
    )


def _rows(a: np.ndarray) -> np.ndarray:
    """A C-contiguous ``(rows, W*C)`` view (one cv2 channel, any channel count)."""
    return a.reshape(-1, a.shape[-2] * a.shape[-1])


def _hwc(a: np.ndarray) -> np.ndarray:
    """A C-contiguous ``(rows, W, C)`` view (a C-channel cv2 Mat)."""
    return a.reshape(-1, a.shape[-2], a.shape[-1])


def _host(value: Any, img: np.ndarray, per_sample_ok: bool = True) -> np.ndarray | None:
    """A host parameter as float64 ``(S, K)``: S in {1, N} samples, K in {1, C} channels.

    Mirrors :func:`param`: on a batch a length-N vector is per sample, ``(N, C)`` is both, other
    1-D vectors are per channel. ``None`` when the shape is not one of these.
    """
    arr = np.asarray(value, dtype=np.float64)
    n = img.shape[0] if img.ndim == 4 else 1
    c = img.shape[-1]
    if arr.ndim == 0:
        out = arr.reshape(1, 1)
    elif arr.ndim == 1 and per_sample_ok and img.ndim == 4 and arr.shape[0] == n:
        out = arr.reshape(-1, 1)
    elif arr.ndim == 1:
        out = arr.reshape(1, -1)
    elif arr.ndim == 2 and per_sample_ok and img.ndim == 4:
        out = arr
    else:
        return None
    if out.shape[0] not in (1, n) or out.shape[1] not in (1, c):
        return None
    return out


def _blocks(img: np.ndarray, out: np.ndarray, samples: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(i, src, dst)``: the whole array once (shared parameters) or each sample of a batch."""
    if samples == 1:
        yield 0, img, out
    else:
        for i in range(samples):
            yield i, img[i], out[i]


def _tiled(p: np.ndarray, img: np.ndarray, dtype: Any) -> np.ndarray:
    """``(S, K)`` parameters as ``(S, 1, W*C)`` matching a ``(B, rows, W*C)`` view of ``img``."""
    w, c = img.shape[-2], img.shape[-1]
    full = np.broadcast_to(p, (p.shape[0], c)).astype(dtype)
    return np.tile(full, (1, w)).reshape(p.shape[0], 1, w * c)


def _batch_rows(img: np.ndarray) -> np.ndarray:
    """A ``(B, rows, W*C)`` view: B = N for a batch, 1 for one image."""
    lead = img.shape[0] if img.ndim == 4 else 1
    return img.reshape(lead, -1, img.shape[-2] * img.shape[-1])


def _finish(x: np.ndarray, dtype: np.dtype, clip: bool, out: np.ndarray) -> np.ndarray:
    """Float32 ``x`` into ``out`` of ``dtype``: integers rounded (half to even) and saturated."""
    if dtype == np.float32:
        if clip:
            np.clip(x, 0.0, 1.0, out=x)
        np.copyto(out, x)
    else:
        np.rint(x, out=x)
        np.clip(x, 0.0, _MAX[dtype], out=x)
        np.copyto(out, x, casting="unsafe")
    return out


def _scale_add(src: np.ndarray, a: float, b: float, dst: np.ndarray) -> None:
    """``dst = src * a + b`` over ``(rows, W*C)`` views in one OpenCV pass, ``dst`` of any depth.

    ``cv2.addWeighted(src, a, src, 0, b)`` computes ``src * a + src * 0 + b``: an infinite pixel
    gives ``inf * 0 = NaN`` (and a NaN in a uint8 ``dst`` gives 255 in OpenCV's SIMD path). For
    float32 to float32, ``cv2.transform`` with the 1x2 matrix ``[a, b]`` computes ``src * a + b``
    alone, as fast (IEEE: +-inf stay infinite for ``a != 0``, NaN stays NaN; within 1 ulp of
    NumPy's ``x * a + b``). Other depths cannot hold infinities (integer sources) or are made
    finite by the caller first (``from_float``).
    """
    if src.dtype == np.float32 and dst.dtype == np.float32:
        rows = src.shape[0]
        cv2.transform(src.reshape(rows, -1, 1), np.array([[a, b]]), dst=dst.reshape(rows, -1, 1))
    else:
        cv2.addWeighted(src, a, src, 0.0, b, dst=dst, dtype=_DEPTH[dst.dtype])


def _is_scalar(*values: Any) -> bool:
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)


def _fast_transform(dtype: np.dtype, channels: int) -> bool:
    """Whether cv2.transform (C -> C) has a fast path: 3 channels, or float32 with <= 4 channels.

    Measured on 512x512: 3 -> 3 uint8 ~0.1 ms; 2 -> 2 and 4 -> 4 uint8/uint16 1-5 ms (slower than
    a per-channel LUT or NumPy).
    """
    return channels == 3 or (dtype == np.float32 and channels <= _TRANSFORM_MAX_CN)


def _affine(img: np.ndarray, a: np.ndarray, b: np.ndarray, dtype: Any, clip: bool) -> np.ndarray:
    """``img * a + b`` as ``dtype`` (integers rounded and saturated, floats clipped if ``clip``).

    ``a`` / ``b``: ``(S, K)`` host parameters from :func:`_host`.
    """
    dtype = np.dtype(dtype)
    samples = max(a.shape[0], b.shape[0])
    channels = img.shape[-1]
    per_channel = max(a.shape[1], b.shape[1]) > 1
    use_transform = dtype == img.dtype and _fast_transform(img.dtype, channels)
    if per_channel and not use_transform and img.dtype != np.uint8:
        return _affine_numpy(img, a, b, dtype, clip)
    out = np.empty(img.shape, dtype)
    for i, src, dst in _blocks(img, out, samples):
        ai, bi = _per_channel(a, i, channels), _per_channel(b, i, channels)
        if not per_channel:
            _scale_add(_rows(src), float(ai[0]), float(bi[0]), _rows(dst))
        elif use_transform:
            m = np.concatenate([np.diag(ai), bi[:, None]], axis=1)
            cv2.transform(_hwc(src), m, dst=_hwc(dst))
        else:  # uint8 source: a per-channel table
            table = _affine_table(tuple(ai.tolist()), tuple(bi.tolist()), dtype, clip)
            cv2.LUT(_hwc(src), table, dst=_hwc(dst))
    if clip and dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _per_channel(p: np.ndarray, sample: int, channels: int) -> np.ndarray:
    """Row ``sample`` of ``(S, K)`` parameters (row 0 when shared) as a ``(C,)`` vector."""
    v = p[sample if p.shape[0] > 1 else 0]
    return v if v.shape[0] == channels else np.repeat(v, channels)


@functools.lru_cache(maxsize=256)
def _affine_table(a: tuple[float, ...], b: tuple[float, ...], dtype: np.dtype, clip: bool) -> np.ndarray:
    """The ``(1, 256, C)`` table of ``ramp * a + b`` per channel (same float32 arithmetic as the generic)."""
    x = _RAMP8.astype(np.float32)[:, None] * np.asarray(a, np.float32) + np.asarray(b, np.float32)
    table = _finish(x, dtype, clip, np.empty(x.shape, dtype)).reshape(1, 256, len(a))
    table.flags.writeable = False
    return table


def _affine_scalar(img: np.ndarray, a: float, b: float, dtype: Any, clip: bool) -> np.ndarray:
    """:func:`_affine` for one ``a`` and one ``b``: a single OpenCV pass (:func:`_scale_add`)."""
    dtype = np.dtype(dtype)
    out = np.empty(img.shape, dtype)
    _scale_add(_rows(img), a, b, _rows(out))
    if clip and dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _affine_numpy(img: np.ndarray, a: np.ndarray, b: np.ndarray, dtype: np.dtype, clip: bool) -> np.ndarray:
    """:func:`_affine` in NumPy on ``(B, rows, W*C)`` views with tiled per-channel vectors."""
    v = _batch_rows(img)
    x = np.multiply(v, _tiled(a, img, np.float32), dtype=np.float32)
    np.add(x, _tiled(b, img, np.float32), out=x)
    out = np.empty(img.shape, dtype)
    _finish(x, dtype, clip, _batch_rows(out))
    return out
