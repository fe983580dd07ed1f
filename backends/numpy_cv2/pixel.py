"""OpenCV / NumPy overrides of the pixel kernels (CPU).

Same signatures and contract as :mod:`xalbu.functional.pixel`; an override returns
``NotImplemented`` for anything unusual (empty arrays, other dtypes, parameter shapes it does
not recognise) and the generic kernel runs (and raises the proper error where there is one).

Strategies (chosen by timing 256x256x3 and 1024x1024x3 images with timeit; the numbers are in
the pixel helper's report):

- affine maps ``img * a + b`` (multiply_add, brightness_contrast, normalize, to_float,
  from_float): one ``cv2.addWeighted(rows, a, rows, 0, b, dtype=...)`` pass for scalar
  parameters (rounds half to even and saturates like the generic; bit-exact on uint8);
  per-channel parameters: ``cv2.transform`` with a diagonal matrix where OpenCV has a fast path
  (3 channels; float32 with <= 4), a cached per-channel ``cv2.LUT`` table for uint8 (also
  uint8 normalize: a 256 x C float32 table), else NumPy on a ``(rows, W*C)`` view with the
  per-channel vector tiled along the row (NumPy broadcasting over a short last axis is ~10x
  slower);
- uint8 gamma (and solarize when stringzilla is present): a 256-entry table made by running the
  generic kernel on a 0..255 ramp, so bit-exact with it by construction; cached for scalar
  parameters; applied with stringzilla's ``translate`` when installed (5-8x faster than this
  OpenCV build's ``cv2.LUT``), else ``cv2.LUT``;
- uint16 gamma: the same kind of table with 65536 entries (exact; ~100 us to build, cached),
  applied with ``cv2.LUT`` (16-bit input in OpenCV 5), for images of >= 49152 values (smaller
  ones decline: the generic kernel is faster there);
- float32 gamma: ``exp(g * log(x))`` with ``cv2.log`` / ``cv2.exp`` on an input clipped to
  ``[floor, 1]`` (zeros would put both on slow paths), restoring exact zeros with
  ``cv2.threshold``; within 1.2e-7 of the generic (see :func:`_gamma_f32_into`);
- solarize: ``cv2.compare`` then ``cv2.bitwise_xor`` (uint8), masked ``cv2.bitwise_not``
  (uint16) or masked ``cv2.subtract`` (float32);
- to_gray: ``cv2.cvtColor`` RGB2GRAY for weighted_average (OpenCV fixed point: +-1), a 3 -> 3
  ``cv2.transform`` for luminance / average, channel-plane ufunc chains for max / desaturation;
- per-sample (N,) parameters: one OpenCV call per sample into a preallocated output.

No override writes into its input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import pixel as P

_DEPTH = {np.dtype(np.uint8): cv2.CV_8U, np.dtype(np.uint16): cv2.CV_16U, np.dtype(np.float32): cv2.CV_32F}
_MAX = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0, np.dtype(np.float32): 1.0}
_TRANSFORM_MAX_CN = 4  # cv2.transform takes 1..4 channels
_CV_MAX_CN = 512  # CV_CN_MAX: more channels than this cannot be one cv2 Mat
_RAMP8 = np.arange(256, dtype=np.uint8)
_F32 = np.dtype(np.float32)


# ----------------------------------------------------------------------------------- helpers
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
            cv2.addWeighted(_rows(src), ai[0], _rows(src), 0.0, bi[0], dst=_rows(dst), dtype=_DEPTH[dtype])
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
    """:func:`_affine` for one ``a`` and one ``b``: a single ``cv2.addWeighted`` pass."""
    dtype = np.dtype(dtype)
    out = np.empty(img.shape, dtype)
    cv2.addWeighted(_rows(img), a, _rows(img), 0.0, b, dst=_rows(out), dtype=_DEPTH[dtype])
    if clip and dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _is_scalar(*values: Any) -> bool:
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)


def _affine_numpy(img: np.ndarray, a: np.ndarray, b: np.ndarray, dtype: np.dtype, clip: bool) -> np.ndarray:
    """:func:`_affine` in NumPy on ``(B, rows, W*C)`` views with tiled per-channel vectors."""
    v = _batch_rows(img)
    x = np.multiply(v, _tiled(a, img, np.float32), dtype=np.float32)
    np.add(x, _tiled(b, img, np.float32), out=x)
    out = np.empty(img.shape, dtype)
    _finish(x, dtype, clip, _batch_rows(out))
    return out


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


def _lut_apply(img: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """Apply uint8 ``tables`` ``(S, 256, K)`` (any table dtype) to uint8 ``img`` with ``cv2.LUT``."""
    samples, _, k = tables.shape
    out = np.empty(img.shape, tables.dtype)
    for i, src, dst in _blocks(img, out, samples):
        if k == 1 and _SZ_TRANSLATE is not None and tables.dtype == np.uint8:
            _SZ_TRANSLATE(src, np.ascontiguousarray(tables[i, :, 0]), dst)
        elif k == 1:
            cv2.LUT(_rows(src), np.ascontiguousarray(tables[i, :, 0]), dst=_rows(dst))
        else:
            cv2.LUT(_hwc(src), np.ascontiguousarray(tables[i]).reshape(1, 256, k), dst=_hwc(dst))
    return out


_RAMP_F32 = _RAMP8.astype(np.float32)
_UNIT_F32 = _RAMP_F32 / 255.0  # the generic gamma's first step, x / max, on the uint8 ramp


def _translate(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    """A new uint8 array: contiguous uint8 ``img`` through the ``(256,)`` uint8 ``table``.

    stringzilla's ``translate`` runs at memcpy speed (256x256x3: ~5 us; ``cv2.LUT`` in OpenCV 5.0
    ~60-100 us); ``cv2.LUT`` is the fallback where stringzilla is missing or misbehaves.
    """
    out = np.empty(img.shape, np.uint8)
    if _SZ_TRANSLATE is not None:
        _SZ_TRANSLATE(img, table, out)
    else:
        cv2.LUT(_rows(img), table, dst=_rows(out))
    return out


def _round_u8(x: np.ndarray) -> np.ndarray:
    """float32 table values to uint8 as the generic :func:`round_cast` does: half to even, saturated."""
    np.rint(x, out=x)
    np.clip(x, 0.0, 255.0, out=x)
    return x.astype(np.uint8)


def _affine_u8(a: float, b: float) -> np.ndarray:
    """The uint8 table of ``x * a + b``: the generic's float32 arithmetic on the 0..255 ramp (exact)."""
    x = _RAMP_F32 * a  # Python floats act as float32 here, as in the generic kernel
    x += b
    return _round_u8(x)


def _gamma_u8(g: float) -> np.ndarray:
    """The uint8 table of ``255 * (x / 255) ** g``: the generic's float32 arithmetic (exact).

    ``** g`` with a Python float takes NumPy's scalar-power shortcuts (2 -> square, 0.5 -> sqrt)
    exactly as the generic kernel's ``** g`` does.
    """
    x = _UNIT_F32**g
    x *= 255.0
    return _round_u8(x)


def _scalar_key(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """A hashable cache key when every value is a scalar, else ``None``."""
    if all(np.ndim(v) == 0 for v in values):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in values)
    return None


@functools.lru_cache(maxsize=512)
def _cached_table(fn: Callable[..., Any], args: tuple[Any, ...]) -> np.ndarray:
    table = fn.generic(_RAMP8.reshape(256, 1, 1), *args).reshape(1, 256, 1)  # type: ignore[attr-defined]
    table.flags.writeable = False
    return table


def _u8_tables(fn: Callable[..., Any], img: np.ndarray, *args: Any) -> np.ndarray | None:
    """``(S, 256, K)`` tables: ``fn``'s generic kernel run on a 0..255 ramp shaped like ``img``.

    The ramp has a leading N when a parameter is per sample and C channels when one is per
    channel, so the generic kernel reads each parameter exactly as it would on ``img``.
    """
    key = _scalar_key(args)
    if key is not None:
        return _cached_table(fn, key)
    shapes = [_host(v, img) for v in args if not isinstance(v, (str, bool))]
    if any(s is None for s in shapes):
        return None
    samples = max(s.shape[0] for s in shapes)  # type: ignore[union-attr]
    k = max(s.shape[1] for s in shapes)  # type: ignore[union-attr]
    ramp = np.broadcast_to(_RAMP8[:, None, None], (256, 1, k))
    if samples > 1:
        ramp = np.broadcast_to(ramp, (samples, 256, 1, k))
    return fn.generic(ramp, *args).reshape(samples, 256, k)  # type: ignore[attr-defined]


def _means(img: np.ndarray) -> np.ndarray:
    """Per-image means (over H, W and C) as ``(S, 1)`` float64 (S = N for a batch)."""
    samples = img if img.ndim == 4 else img[None]
    return np.array([[cv2.mean(_rows(s))[0]] for s in samples], dtype=np.float64)


# ----------------------------------------------------------------------------------- kernels
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


@register(P.normalize, "numpy_cv2")
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
        x = _rows(img).astype(np.float32)
        np.multiply(x, ta, out=x)
        np.add(x, tb, out=x)
        return x.reshape(img.shape)
    return _affine(img, a, b, np.float32, clip=False)


@functools.lru_cache(maxsize=64)
def _tiled_rows(a: tuple[float, ...], b: tuple[float, ...], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel float32 ``a`` and ``b`` repeated along an image row (``(W*C,)``, read-only)."""
    ta, tb = np.tile(np.asarray(a, np.float32), width), np.tile(np.asarray(b, np.float32), width)
    ta.flags.writeable = tb.flags.writeable = False
    return ta, tb


@register(P.multiply_add, "numpy_cv2")
def multiply_add(img: np.ndarray, alpha: Any, beta: Any) -> Any:
    if not _usable(img):
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


@register(P.brightness_contrast, "numpy_cv2")
def brightness_contrast(img: np.ndarray, alpha: Any, beta: Any, beta_by_max: bool) -> Any:
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if _is_scalar(alpha, beta) and (beta_by_max or img.ndim == 3):
        scale = _MAX[img.dtype] if beta_by_max else cv2.mean(_rows(img))[0]
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
    so ones stay 1, and nothing exceeds 1. NaN inputs give 0 (the generic kernel keeps NaN).
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


@register(P.gamma, "numpy_cv2")
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
        tables = _u8_tables(P.gamma, img, gamma)
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


def _reduce_planes(img: np.ndarray, fn: Callable[..., Any]) -> np.ndarray:
    """Reduce the channel planes of ``img`` with a binary ufunc (``np.maximum`` / ``np.minimum``)."""
    acc = np.array(img[..., 0])
    for c in range(1, img.shape[-1]):
        fn(acc, img[..., c], out=acc)
    return acc


def _gray_planes(img: np.ndarray, method: str) -> np.ndarray:
    """max / desaturation / average on channel planes (NumPy reductions over a short last axis are slow)."""
    if method == "max":
        return _reduce_planes(img, np.maximum)
    if method == "desaturation":
        hi, lo = _reduce_planes(img, np.maximum), _reduce_planes(img, np.minimum)
        if img.dtype == np.float32:
            return (hi + lo) * np.float32(0.5)
        s = hi.astype(np.uint32) + lo
        return ((s + ((s >> 1) & 1)) >> 1).astype(img.dtype)  # (hi + lo) / 2, half to even
    acc = img[..., 0].astype(np.float32)
    for c in range(1, img.shape[-1]):
        np.add(acc, img[..., c], out=acc)
    np.divide(acc, np.float32(img.shape[-1]), out=acc)
    return _finish(acc, img.dtype, False, np.empty(acc.shape, img.dtype))


def _gray_rgb(img: np.ndarray, method: str, n: int) -> np.ndarray:
    """A weighted gray of an RGB ``img``: the gray plane, or the finished output when ``n == 3``.

    cv2.transform is only fast for 3 -> 3 channels on integers (3 -> 1 is ~10x slower), so
    integers get the weights in all three output rows.
    """
    if method == "weighted_average":
        return cv2.cvtColor(_hwc(img), cv2.COLOR_RGB2GRAY).reshape(img.shape[:-1])
    w = np.asarray([P.GRAY_WEIGHTS.get(method, (1.0 / 3,) * 3)], dtype=np.float64)
    if img.dtype == np.float32:
        return cv2.transform(_hwc(img), w).reshape(img.shape[:-1])
    rgb = cv2.transform(_hwc(img), np.repeat(w, 3, axis=0)).reshape(img.shape)
    return rgb if n == 3 else rgb[..., 0]


@register(P.to_gray, "numpy_cv2")
def to_gray(img: np.ndarray, method: str, num_output_channels: int) -> Any:
    P._check_gray_args(method, num_output_channels)
    if not _usable(img) or img.shape[-1] == 1:
        return NotImplemented
    if img.ndim == 3 and img.shape[2] == 3 and method == "weighted_average" and num_output_channels == 3:
        # the common case in two OpenCV calls (they copy a view OpenCV cannot read as it is)
        return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    n, c = int(num_output_channels), img.shape[-1]
    img = np.ascontiguousarray(img)
    if c == 3 and method in ("weighted_average", "luminance", "average"):
        gray = _gray_rgb(img, method, n)
        if gray.ndim == img.ndim:
            return gray  # already n == 3 channels
    elif method in P.GRAY_WEIGHTS:
        return NotImplemented  # needs RGB: the generic kernel raises
    else:
        gray = _gray_planes(img, method)
    gray = np.ascontiguousarray(gray)
    if n == 1:
        return gray[..., None]
    if n == 3:
        return cv2.cvtColor(_rows(gray[..., None]), cv2.COLOR_GRAY2RGB).reshape((*gray.shape, 3))
    return np.repeat(gray[..., None], n, axis=-1)


@register(P.solarize, "numpy_cv2")
def solarize(img: np.ndarray, threshold: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if img.dtype == np.uint8 and _SZ_TRANSLATE is not None and _is_scalar(threshold):
        level = float(P._int_threshold(threshold, 255.0))  # the generic's integer threshold
        return _translate(img, np.where(_RAMP_F32 >= level, 255 - _RAMP8, _RAMP8))
    t = _host(threshold, img)
    if t is None or t.shape[1] != 1:
        return NotImplemented
    if img.dtype == np.uint8 and _SZ_TRANSLATE is not None:
        tables = _u8_tables(P.solarize, img, threshold)
        return NotImplemented if tables is None else _lut_apply(img, tables)
    mx = _MAX[img.dtype]
    integer = img.dtype != np.float32
    levels = P._int_threshold(t[:, 0], mx) if integer else t[:, 0].astype(np.float32)
    if img.dtype == np.uint16 and t.shape[0] == 1 and 1 <= levels[0] <= mx:
        # x ^ 0xFFFF == 65535 - x: a 0 / 65535 mask (threshold at level - 1) and one XOR, no copy
        # (a masked bitwise_not on a copy is ~4x slower)
        mask = cv2.threshold(_rows(img), float(levels[0]) - 1.0, mx, cv2.THRESH_BINARY)[1]
        return cv2.bitwise_xor(_rows(img), mask).reshape(img.shape)
    out = img.copy()
    for i, src, dst in _blocks(img, out, t.shape[0]):
        level = float(levels[i])
        if integer and level > mx:
            continue  # nothing reaches the threshold
        mask = cv2.compare(_rows(src), level, cv2.CMP_GE)
        if img.dtype == np.uint8:
            cv2.bitwise_xor(_rows(src), mask, dst=_rows(dst))  # mask is 0 / 255 and 255 - x == x ^ 255
        elif img.dtype == np.uint16:
            cv2.bitwise_not(_rows(src), dst=_rows(dst), mask=mask)  # 65535 - x == ~x
        else:
            cv2.subtract(1.0, _rows(src), dst=_rows(dst), mask=mask)
    return out


@register(P.invert, "numpy_cv2")
def invert(img: np.ndarray) -> Any:
    if not _usable(img):
        return NotImplemented
    if img.dtype == np.float32:
        return np.subtract(np.float32(1.0), img)
    return np.bitwise_not(img)  # 255 - x == ~x for uint8, 65535 - x == ~x for uint16


@register(P.posterize, "numpy_cv2")
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
    b = P._check_bits(bits)
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


def _shuffle_into(src: np.ndarray, dst: np.ndarray, order: np.ndarray) -> None:
    """``dst[..., c] = src[..., order[c]]`` for one image (or a batch sharing one order)."""
    c = src.shape[-1]
    if c == 1 or len(order) == 1:
        np.copyto(dst, src[..., order])
    elif c == 3 and order.tolist() == [2, 1, 0]:
        cv2.cvtColor(_hwc(src), cv2.COLOR_RGB2BGR, dst=_hwc(dst))
    elif src.dtype != np.float32 and c == 3 and sorted(order.tolist()) == list(range(c)):
        # integer values pass through a 0/1 matrix exactly (floats could meet inf * 0)
        cv2.transform(_hwc(src), np.eye(c, dtype=np.float64)[order], dst=_hwc(dst))
    else:
        pairs = np.stack([order, np.arange(len(order))], axis=1).reshape(-1).tolist()
        cv2.mixChannels([_hwc(src)], [_hwc(dst)], pairs)


@register(P.channel_shuffle, "numpy_cv2")
def channel_shuffle(img: np.ndarray, order: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    o = np.asarray(order, dtype=np.int64)
    c = img.shape[-1]
    if o.ndim not in (1, 2) or o.size == 0 or o.min() < 0 or o.max() >= c or o.shape[-1] > _CV_MAX_CN:
        return NotImplemented
    img = np.ascontiguousarray(img)
    if o.ndim == 1:
        out = np.empty((*img.shape[:-1], o.shape[0]), img.dtype)
        _shuffle_into(img, out, o)
        return out
    if img.ndim != 4 or o.shape != (img.shape[0], c):
        return NotImplemented
    out = np.empty(img.shape, img.dtype)
    for i in range(img.shape[0]):
        _shuffle_into(img[i], out[i], o[i])
    return out


@register(P.to_float, "numpy_cv2")
def to_float(img: np.ndarray, max_value: float | None = None) -> Any:
    if not _usable(img) or img.dtype == np.float32:
        return NotImplemented
    img = np.ascontiguousarray(img)
    mx = _MAX[img.dtype] if max_value is None else float(max_value)
    out = np.empty(img.shape, np.float32)
    cv2.addWeighted(_rows(img), 1.0 / mx, _rows(img), 0.0, 0.0, dst=_rows(out), dtype=cv2.CV_32F)
    return out


@register(P.from_float, "numpy_cv2")
def from_float(img: np.ndarray, dtype: str, max_value: float | None = None) -> Any:
    if not _usable(img) or img.dtype != np.float32 or dtype not in ("uint8", "uint16"):
        return NotImplemented
    img = np.ascontiguousarray(img)
    target = np.dtype(dtype)
    mx = _MAX[target] if max_value is None else float(max_value)
    out = np.empty(img.shape, target)
    cv2.addWeighted(_rows(img), mx, _rows(img), 0.0, 0.0, dst=_rows(out), dtype=_DEPTH[target])
    return out
