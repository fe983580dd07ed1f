"""CuPy overrides of the colour kernels (CUDA source: ``kernels/color.cu``), each one batched launch:
``shift_hsv`` (its own kernel), ``shift_channels`` / ``scale_channels`` / ``drop_channels``
(``channel_affine``), ``fancy_pca`` (device statistics and batched ``cupy.linalg.eigh``, then
``color_matrix``), ``radial_distort``, ``gray_to_rgb`` (``cupy.repeat``); ``color_jitter`` one
``jitter_step`` launch per step (plus the mean gray level's reductions before a contrast step).

Per-sample parameters travel as small host arrays uploaded once (S = N per sample, 1 shared); a
sample with identity parameters is copied or mapped exactly inside the kernel. No host sync, no
per-sample Python loop. The same float32 arithmetic as the generic kernels, in the same order,
compiled without FMA contraction (``--fmad=false``).
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import color as F

from ._launch import grid
from .kernels import source

_OPTIONS = ("--std=c++14", "--fmad=false")  # no contraction: the generic kernels round every step
_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_NAMES = tuple(
    f"{k}<{t}>"
    for k in ("shift_hsv", "channel_affine", "jitter_step", "color_matrix", "radial_distort")
    for t in _TYPES.values()
)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("color.cu"), options=_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _function(name: str) -> cupy.RawKernel:
    return _module().get_function(name)


@register(F.shift_hsv, "cupy")
def shift_hsv(img: Any, hue_shift: Any, sat_shift: Any, val_shift: Any, /) -> Any:
    name = str(img.dtype)
    if name not in _TYPES or img.shape[-1] not in (1, 3) or img.ndim not in (3, 4):
        return NotImplemented
    hue, sat, val, ident = F.hsv_shifts(hue_shift, sat_shift, val_shift)
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    if hue.ndim == 1 and (img.ndim != 4 or hue.shape[0] != n):
        return NotImplemented
    u8 = name == "uint8"
    if u8:
        rows = (np.zeros_like(hue), np.trunc(sat), np.trunc(val))
        tables = np.concatenate([F._SDIV, F._HDIV, F.hue_table_u8(hue).reshape(-1).astype(np.int32)])
    else:
        rows = (2.0 * hue, sat / 255.0, val / 255.0)
        tables = np.zeros(1, np.int32)
    params = np.stack([np.atleast_1d(r) for r in (*rows, ident.astype(np.float64))]).astype(np.float32)
    s = params.shape[1]
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    total = n * h * w
    if total:
        _function(f"shift_hsv<{_TYPES[name]}>")(
            *grid(total),
            (
                x4,
                out,
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                cupy.asarray(params.reshape(-1)),
                np.int32(s),
                cupy.asarray(tables),
                np.int32(u8),
                np.float32(65535.0 if name == "uint16" else 1.0),
            ),
        )
    return out if img.ndim == 4 else out[0]


def _rows(value: Any, img: Any) -> np.ndarray | None:
    """A host parameter as float32 ``(S, K)`` (S in {1, N}, K in {1, C}) read as the generic kernels'
    ``param`` reads it; ``None`` for other shapes."""
    arr = np.asarray(value, dtype=np.float64)
    n = int(img.shape[0]) if img.ndim == 4 else 1
    c = int(img.shape[-1])
    if arr.ndim == 0:
        out = arr.reshape(1, 1)
    elif arr.ndim == 1 and img.ndim == 4 and arr.shape[0] == n:
        out = arr.reshape(-1, 1)
    elif arr.ndim == 1:
        out = arr.reshape(1, -1)
    elif arr.ndim == 2 and img.ndim == 4:
        out = arr
    else:
        return None
    if out.shape[0] not in (1, n) or out.shape[1] not in (1, c):
        return None
    return out.astype(np.float32)


def channel_affine(img: Any, a: np.ndarray, b: Any, clip_float: bool = True) -> Any:
    """``saturate(img * a + b)`` in one launch (``b`` alone where ``a`` is 0): ``a`` host ``(S, K)``
    rows, ``b`` host rows or a device ``(S, K)`` float32 array; float32 clipped to [0, 1] when
    ``clip_float``."""
    name = str(img.dtype)
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    a_dev = cupy.asarray(np.ascontiguousarray(a, np.float32))
    b_dev = cupy.asarray(np.ascontiguousarray(b, np.float32)) if isinstance(b, np.ndarray) else b
    total = n * h * w * c
    if total:

        def strides(shape: tuple[int, ...]) -> tuple[np.int32, np.int32]:
            return np.int32(shape[1] if shape[0] > 1 else 0), np.int32(1 if shape[1] > 1 else 0)

        _function(f"channel_affine<{_TYPES[name]}>")(
            *grid(total),
            (
                x4,
                out,
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                a_dev,
                *strides(a.shape),
                b_dev,
                *strides(tuple(b.shape)),
                np.int32(name != "float32"),
                np.float32(65535.0 if name == "uint16" else 255.0 if name == "uint8" else 1.0),
                np.int32(clip_float),
            ),
        )
    return out if img.ndim == 4 else out[0]


@register(F.shift_channels, "cupy")
def shift_channels(img: Any, shift: Any, /) -> Any:
    b = _rows(shift, img) if str(img.dtype) in _TYPES and img.ndim in (3, 4) else None
    if b is None:
        return NotImplemented
    return channel_affine(img, np.ones((1, 1), np.float32), b)


@register(F.color_jitter, "cupy")
def color_jitter(img: Any, factors: Any, order: Any, /) -> Any:
    """Four launches of ``jitter_step`` (one per step, each sample its own operation), plus the mean
    gray levels on the device (:func:`F.gray_means`) before a step where a sample takes contrast."""
    name = str(img.dtype)
    if name not in _TYPES or img.shape[-1] not in (1, 3) or img.ndim not in (3, 4):
        return NotImplemented
    f, o = F.jitter_plan(img, factors, order)
    x = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x.shape)
    if name == "float32":
        x = F.clip(cupy, x, 0.0, 1.0)  # as the generic kernel: float input clipped first
    if f.shape[0] == 1:
        f, o = np.broadcast_to(f, (n, 4)), np.broadcast_to(o, (n, 4))
    u8 = name == "uint8"
    top = {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0}[name]
    rows = np.arange(n)
    launched = False
    for step in range(4):
        ops = o[:, step]
        fac = f[rows, ops]
        if np.all(fac == np.asarray(F.JITTER_IDENTITY)[ops]) or n * h * w == 0:
            continue
        hue = np.where(ops == 3, fac * 180.0, 0.0)
        rest = np.where(ops == 3, 2.0 * hue, 1.0 - fac)
        mean = F.gray_means(x).reshape(-1) if np.any(ops == 1) else cupy.zeros(n, cupy.float32)
        if u8 and np.any(hue != 0):
            tables = np.concatenate([F._SDIV, F._HDIV, F.hue_table_u8(hue).reshape(-1).astype(np.int32)])
        else:
            tables = np.zeros(1, np.int32)
        out = cupy.empty(x.shape, dtype=x.dtype)
        _function(f"jitter_step<{_TYPES[name]}>")(
            *grid(n * h * w),
            (
                x,
                out,
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                cupy.asarray(ops.astype(np.int32)),
                cupy.asarray(fac.astype(np.float32)),
                cupy.asarray(rest.astype(np.float32)),
                cupy.asarray(mean, dtype=cupy.float32),
                cupy.asarray(tables),
                np.int32(name != "float32"),
                np.float32(top),
            ),
        )
        x, launched = out, True
    if not launched and name != "float32":
        x = x.copy()  # every step the identity: a copy, never the input itself
    return x if img.ndim == 4 else x[0]


@register(F.drop_channels, "cupy")
def drop_channels(img: Any, dropped: Any, fill: float, /) -> Any:
    """``channel_affine`` with ``a = 0, b = fill`` on the dropped channels, ``a = 1, b = 0`` elsewhere."""
    name = str(img.dtype)
    mask = np.asarray(dropped, bool)
    if name not in _TYPES or img.ndim not in (3, 4) or mask.shape[-1] != img.shape[-1] or mask.ndim > 2:
        return NotImplemented
    if mask.ndim == 2 and (img.ndim != 4 or mask.shape[0] != img.shape[0]):
        return NotImplemented
    rows = mask.reshape(-1, mask.shape[-1])
    value = F.fill_value(fill, name)
    if name == "float32":
        value = float(np.float32(value))
    return channel_affine(img, (~rows).astype(np.float32), np.where(rows, value, 0.0), clip_float=False)


@register(F.gray_to_rgb, "cupy")
def gray_to_rgb(img: Any, num_output_channels: int, /) -> Any:
    """One ``cupy.repeat`` (a single gather launch, any batch size)."""
    n = int(num_output_channels)
    if img.shape[-1] != 1 or n < 1:
        return NotImplemented
    return cupy.repeat(img, n, axis=-1)


def color_matrix(img: Any, matrices: Any) -> Any:
    """``saturate(A x + b)`` per pixel in one launch; ``matrices``: device or host ``(S, C, C + 1)``
    float32 (S = N per sample, or 1)."""
    name = str(img.dtype)
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    m = cupy.ascontiguousarray(cupy.asarray(matrices, dtype=cupy.float32))
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    if n * h * w:
        _function(f"color_matrix<{_TYPES[name]}>")(
            *grid(n * h * w),
            (
                x4,
                out,
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                m,
                np.int32(c * (c + 1) if int(m.shape[0]) > 1 else 0),
                np.int32(name != "float32"),
                np.float32({"uint8": 255.0, "uint16": 65535.0}.get(name, 1.0)),
            ),
        )
    return out if img.ndim == 4 else out[0]


@register(F.fancy_pca, "cupy")
def fancy_pca(img: Any, alpha: Any, /) -> Any:
    """Statistics with CuPy (float64, finite pixels), the eigen decomposition batched on the device
    (``cupy.linalg.eigh``), then one ``color_matrix`` launch: ``x + M (x - mean)`` per sample."""
    name = str(img.dtype)
    a = np.asarray(alpha, np.float64)
    c = int(img.shape[-1])
    if name not in _TYPES or img.ndim not in (3, 4) or c > 8 or a.shape[-1] != c or a.ndim > 2:
        return NotImplemented
    x4 = img if img.ndim == 4 else img[None]
    b, h, w = (int(s) for s in x4.shape[:3])
    if a.ndim == 2 and a.shape[0] != b:
        return NotImplemented
    top = {"uint8": 255.0, "uint16": 65535.0}.get(name, 1.0)
    pix = cupy.reshape(x4, (b, h * w, c)).astype(cupy.float64)
    ok = cupy.all(cupy.isfinite(pix), axis=-1, keepdims=True)
    count = cupy.sum(ok, axis=1, keepdims=True).astype(cupy.float64)  # (B, 1, 1)
    zero = cupy.zeros((), cupy.float64)
    mean = cupy.sum(cupy.where(ok, pix, zero), axis=1, keepdims=True) / cupy.maximum(count, 1.0)
    cen = cupy.where(ok, pix - mean, zero)
    av = cupy.asarray(np.ascontiguousarray(np.broadcast_to(a.reshape(-1, c), (b, c))))
    if c == 1:
        std = cupy.sqrt(cupy.sum(cen * cen, axis=1, keepdims=True) / cupy.maximum(count, 1.0)) / top
        m = av[:, :, None] * std  # (B, 1, 1)
    else:
        cov = cupy.matmul(cupy.swapaxes(cen, 1, 2), cen) / cupy.maximum(count - 1.0, 1.0) / (top * top)
        m = F.pca_noise_matrix(F.namespace(cov), cov, av)  # (B, C, C)
    offset = -cupy.matmul(m, cupy.swapaxes(mean, 1, 2))  # (B, C, 1), in the image's scale
    matrices = cupy.concatenate([cupy.eye(c, dtype=cupy.float64)[None] + m, offset], axis=2)
    return color_matrix(img, matrices)


@register(F.scale_channels, "cupy")
def scale_channels(img: Any, gains: Any, /) -> Any:
    a = _rows(gains, img) if str(img.dtype) in _TYPES and img.ndim in (3, 4) else None
    if a is None or np.any(a == 0):
        return NotImplemented  # a gain of 0 selects 0 in channel_affine; the generic gives 0 * x
    return channel_affine(img, a, np.zeros((1, 1), np.float32))


@register(F.radial_distort, "cupy")
def radial_distort(img: Any, coeffs: Any, interpolation: int, /) -> Any:
    """One launch: every channel of every sample through its own radial distortion."""
    name = str(img.dtype)
    k = np.asarray(coeffs, np.float64)
    c = int(img.shape[-1])
    if name not in _TYPES or img.ndim not in (3, 4) or interpolation not in F.RADIAL_INTERPOLATIONS:
        return NotImplemented
    if (
        k.shape[-2:] != (c, 2)
        or k.ndim not in (2, 3)
        or (k.ndim == 3 and (img.ndim != 4 or k.shape[0] != img.shape[0]))
    ):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w = (int(s) for s in x4.shape[:3])
    out = cupy.empty(x4.shape, dtype=x4.dtype)
    if n * h * w:
        _function(f"radial_distort<{_TYPES[name]}>")(
            *grid(n * h * w),
            (
                x4,
                out,
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                cupy.asarray(np.ascontiguousarray(k.reshape(-1))),
                np.int32(2 * c if k.ndim == 3 else 0),
                np.int32(interpolation),
                np.int32(name != "float32"),
                np.float32({"uint8": 255.0, "uint16": 65535.0}.get(name, 1.0)),
            ),
        )
    return out if img.ndim == 4 else out[0]
