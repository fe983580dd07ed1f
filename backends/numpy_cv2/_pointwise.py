"""NumPy / OpenCV plumbing shared by the point-wise overrides (tone, color, dtype).

Which arrays the point-wise overrides take, contiguous ``(rows, W*C)`` / ``(rows, W, C)`` views
OpenCV reads as one Mat, host parameters as ``(S, K)`` (samples x channels) arrays, per-sample loops,
and affine maps ``img * a + b`` (multiply_add, brightness_contrast, normalize, to_float,
from_float): one ``cv2.addWeighted(rows, a, rows, 0, b, dtype=...)`` pass for scalar parameters,
except uint8 to uint8: the exact 256-entry table of each sample's ``a``, ``b``
(:func:`_affine_u8_tables`; the table primitives, stringzilla's ``translate`` included, live here
and :mod:`._lut` re-exports them); per-channel parameters:
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
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np

_DEPTH = {np.dtype(np.uint8): cv2.CV_8U, np.dtype(np.uint16): cv2.CV_16U, np.dtype(np.float32): cv2.CV_32F}
_MAX = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0, np.dtype(np.float32): 1.0}
_TRANSFORM_MAX_CN = 4  # cv2.transform takes 1..4 channels
_CV_MAX_CN = 512  # CV_CN_MAX: more channels than this cannot be one cv2 Mat
_RAMP8 = np.arange(256, dtype=np.uint8)


def _probe_stringzilla() -> Callable[[np.ndarray, np.ndarray, np.ndarray], Any] | None:
    """``translate(src, table, dst)`` from stringzilla when it is installed and behaves, else ``None``.

    stringzilla's byte translation (what albumentations uses) runs a 256-entry uint8 table ~5-8x
    faster than this OpenCV build's ``cv2.LUT``; it is optional, ``cv2.LUT`` is the fallback.
    """
    try:
        import stringzilla as sz
    except ImportError:
        return None

    def translate_out(src: np.ndarray, table: np.ndarray, dst: np.ndarray) -> None:
        sz.translate(memoryview(src.reshape(-1)), memoryview(table), out=memoryview(dst.reshape(-1)))

    def translate_inplace(src: np.ndarray, table: np.ndarray, dst: np.ndarray) -> None:
        np.copyto(dst, src)
        sz.translate(memoryview(dst.reshape(-1)), memoryview(table), inplace=True)

    table = np.ascontiguousarray(_RAMP8[::-1])
    for fn in (translate_out, translate_inplace):  # `out=` needs stringzilla >= 4
        dst = np.zeros((2, 128), np.uint8)
        try:
            fn(_RAMP8.reshape(2, 128), table, dst)
        except Exception:  # noqa: BLE001 - any API mismatch means "do not use this variant"
            continue
        if np.array_equal(dst.reshape(-1), table):
            return fn
    return None


_SZ_TRANSLATE = _probe_stringzilla()
_RAMP_F32 = _RAMP8.astype(np.float32)


def _translate(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    """A new uint8 array: contiguous uint8 ``img`` through the ``(256,)`` uint8 ``table``.

    stringzilla's ``translate`` runs at memcpy speed (256x256x3: ~5 us; ``cv2.LUT`` in OpenCV 5.0
    ~60-100 us); ``cv2.LUT`` is the fallback where stringzilla is missing or misbehaves.
    """
    out = np.empty(img.shape, np.uint8)
    _translate_into(img, table, out)
    return out


def _translate_into(img: np.ndarray, table: np.ndarray, out: np.ndarray) -> None:
    """:func:`_translate` into ``out`` (contiguous uint8, ``img``'s shape)."""
    if _SZ_TRANSLATE is not None:
        _SZ_TRANSLATE(img, table, out)
    else:
        cv2.LUT(_rows(img), table, dst=_rows(out))


def _clip_ufunc() -> Any:
    """NumPy's ``clip`` ufunc itself (``np.clip`` where it cannot be reached).

    ``np.clip`` checks its arguments in Python before calling this ufunc: ~1.2 us a call, more than
    clipping a 256-entry table takes. Same values (NaN stays NaN).
    """
    for module in ("numpy._core.umath", "numpy.core.umath"):  # NumPy 2, then NumPy 1
        try:
            fn = importlib.import_module(module).clip
        except (ImportError, AttributeError):
            continue
        if isinstance(fn, np.ufunc):
            return fn
    return np.clip


_CLIP = _clip_ufunc()
_F32_0, _F32_255 = np.float32(0.0), np.float32(255.0)


def _round_u8(x: np.ndarray) -> np.ndarray:
    """float32 table values to uint8 as the generic :func:`round_cast` does: half to even, saturated."""
    np.rint(x, out=x)
    _CLIP(x, _F32_0, _F32_255, out=x)
    return x.astype(np.uint8)


def _affine_u8(a: float, b: float) -> np.ndarray:
    """The uint8 table of ``x * a + b``: the generic's float32 arithmetic on the 0..255 ramp (exact)."""
    x = _RAMP_F32 * a  # Python floats act as float32 here, as in the generic kernel
    x += b
    return _round_u8(x)


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
    """A C-contiguous ``(rows, W, C)`` view (a C-channel cv2 Mat): one image as it is."""
    return a if a.ndim == 3 else a.reshape(-1, a.shape[-2], a.shape[-1])


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
    if not per_channel and img.dtype == dtype == np.uint8:
        return _affine_u8_tables(img, a[:, 0], b[:, 0], samples)
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
    if img.dtype == dtype == np.uint8:
        return _affine_u8_tables(img, np.array([a]), np.array([b]), 1)
    out = np.empty(img.shape, dtype)
    _scale_add(_rows(img), a, b, _rows(out))
    if clip and dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _affine_u8_tables(img: np.ndarray, a: np.ndarray, b: np.ndarray, samples: int) -> np.ndarray:
    """uint8 ``img * a + b`` with one scalar ``a``, ``b`` per sample (``(S,)``, S in {1, samples}):
    each sample through the exact table of its parameters (the generic's float32 arithmetic on the
    0..255 ramp, as the single-image overrides; ``cv2.addWeighted``'s rounding differs from it for
    about 1 draw in 1500), ~10x faster than ``cv2.addWeighted`` at 256x256x3."""
    out = np.empty(img.shape, np.uint8)
    av = np.broadcast_to(a, samples).tolist()  # Python floats: the table's float32 arithmetic
    bv = np.broadcast_to(b, samples).tolist()
    tables: dict[tuple[float, float], np.ndarray] = {}
    for i, src, dst in _blocks(img, out, samples):
        key = (av[i], bv[i])
        table = tables.get(key)
        if table is None:
            table = tables[key] = _affine_u8(*key)
        _translate_into(src, table, dst)
    return out


def _affine_numpy(img: np.ndarray, a: np.ndarray, b: np.ndarray, dtype: np.dtype, clip: bool) -> np.ndarray:
    """:func:`_affine` in NumPy on ``(B, rows, W*C)`` views with tiled per-channel vectors."""
    v = _batch_rows(img)
    x = np.multiply(v, _tiled(a, img, np.float32), dtype=np.float32)
    np.add(x, _tiled(b, img, np.float32), out=x)
    out = np.empty(img.shape, dtype)
    _finish(x, dtype, clip, _batch_rows(out))
    return out
