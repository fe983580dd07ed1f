"""CuPy overrides of the quality kernels (CUDA sources in ``kernels/``).

``jpeg`` (and ``webp``, which off the CPU is the same JPEG round trip: see
:class:`xalbu.transforms.quality.ImageCompression`) run ``kernels/jpeg.cu``: three launches per
batch whatever its size (luma blocks, chroma blocks, output pixels; two for 1-channel images), the
quantisation tables of every sample in one upload, samples with quality 0 copied unchanged. The
integer maths is the generic kernel's, so the results are equal bit for bit. ``downscale`` takes
four launches (``kernels/quality_resize.cu``): each axis of each resize with per-sample sizes,
the weights of :func:`xalbu.functional._resize.resize_weights` computed on the device, so nothing
proportional to the batch is uploaded but the sizes.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import quality as F

from ._launch import grid
from .kernels import source

_THREADS = 128
_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_NAMES = tuple(f"jpeg_{part}<{t}>" for part in ("luma", "chroma", "out") for t in _TYPES.values())


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("jpeg.cu"), options=("--std=c++14",), name_expressions=list(_NAMES))


@functools.cache
def _function(part: str, dtype_name: str) -> cupy.RawKernel:
    return _module().get_function(f"jpeg_{part}<{_TYPES[dtype_name]}>")


def _params(quality: Any, n: int) -> np.ndarray:
    """Host int32 ``(n, 129)``: each sample's quality, then its luma and chroma tables."""
    q = np.broadcast_to(np.asarray(quality, dtype=np.int64), (n,))
    tables = F.quant_tables(q).reshape(n, 128)
    return np.ascontiguousarray(np.concatenate([q[:, None].astype(np.int32), tables], axis=1))


@register(F.jpeg, "cupy")
def jpeg(img: Any, /, quality: Any) -> Any:
    """The generic kernel's JPEG round trip in three batched launches (see the module docstring)."""
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    hp, wp = -(-h // 16) * 16, -(-w // 16) * 16
    colour = 1 if c >= 2 else 0
    g0 = 3 if c >= 3 else 0
    planes = colour + (max(c - 3, 0) if c >= 3 else (1 if c == 1 else 0))
    params = cupy.asarray(_params(quality, n))
    luma = cupy.empty((n, planes, hp, wp), dtype=cupy.uint8)
    dims = (np.int32(n), np.int32(h), np.int32(w), np.int32(c), np.int32(hp), np.int32(wp))
    layout = (np.int32(planes), np.int32(colour), np.int32(g0))
    total = n * planes * (hp // 8) * (wp // 8)
    _function("luma", name)(*grid(total, _THREADS), (x4, luma, params, *dims, *layout))
    chroma = cupy.empty((n, 2, hp // 2, wp // 2) if colour else (1,), dtype=cupy.uint8)
    if colour:
        total = n * 2 * (hp // 16) * (wp // 16)
        _function("chroma", name)(*grid(total, _THREADS), (x4, chroma, params, *dims))
    out = cupy.empty_like(x4)
    _function("out", name)(*grid(n * h * w, _THREADS), (x4, out, luma, chroma, params, *dims, *layout))
    return out if img.ndim == 4 else out[0]


@register(F.webp, "cupy")
def webp(img: Any, /, quality: Any) -> Any:
    """WebP off the CPU: the JPEG round trip at the same quality (as the generic ``webp``)."""
    return jpeg(img, quality)


# ---------------------------------------------------------------------------------------- downscale
_RESIZE_NAMES = tuple(
    sorted(
        {f"resize_axis<{t}, float>" for t in _TYPES.values()}
        | {f"resize_axis<float, {t}>" for t in _TYPES.values()}
    )
)
_RANGES = {"uint8": (1, 0.0, 255.0), "uint16": (1, 0.0, 65535.0), "float32": (0, 0.0, 0.0)}


@functools.cache
def _resize_module() -> cupy.RawModule:
    return cupy.RawModule(
        code=source("quality_resize.cu"), options=("--std=c++14",), name_expressions=list(_RESIZE_NAMES)
    )


def _axis(
    src: Any, dst: Any, lens: tuple[Any, Any, Any], axis: int, interp: int, cast: tuple[int, float, float]
) -> None:
    """One launch of ``resize_axis``: ``src`` (N, H, W, C) into ``dst`` (N, Ho, Wo, C) along ``axis``."""
    n, h, w, c = (int(v) for v in src.shape)
    ho, wo = int(dst.shape[1]), int(dst.shape[2])
    s_t, d_t = _TYPES[str(src.dtype)], _TYPES[str(dst.dtype)]
    kernel = _resize_module().get_function(f"resize_axis<{s_t}, {d_t}>")
    dims = (np.int32(n), np.int32(h), np.int32(w), np.int32(c), np.int32(ho), np.int32(wo))
    flags = (np.int32(axis), np.int32(interp), np.int32(cast[0]), np.float32(cast[1]), np.float32(cast[2]))
    kernel(*grid(n * ho * wo, _THREADS), (src, dst, *lens, *dims, *flags))


@register(F.downscale, "cupy")
def downscale(img: Any, /, scale: Any, down_interpolation: int, up_interpolation: int) -> Any:
    """Four batched launches (down rows, down columns, up rows, up columns) with per-sample sizes and
    weights computed on the device; the intermediate image rounded to the dtype as the generic's."""
    name = str(img.dtype)
    codes = (int(down_interpolation), int(up_interpolation))
    if name not in _TYPES or img.ndim not in (3, 4) or img.size == 0 or not all(0 <= k <= 4 for k in codes):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(v) for v in x4.shape)
    scales = np.broadcast_to(np.asarray(scale, np.float64), (n,))
    dh, dw = F.downscaled_size(h, scales), F.downscaled_size(w, scales)
    full_h, full_w = np.full(n, h), np.full(n, w)
    lens = cupy.asarray(np.ascontiguousarray(np.stack([full_h, dh, full_w, dw]).astype(np.int32)))
    hh, sh, ww, sw = lens[0], lens[1], lens[2], lens[3]
    hmax, wmax = int(dh.max()), int(dw.max())
    f32, keep = cupy.float32, (0, 0.0, 0.0)
    rows = cupy.empty((n, hmax, w, c), dtype=f32)
    _axis(x4, rows, (hh, sh, ww), 0, codes[0], keep)
    small = cupy.empty((n, hmax, wmax, c), dtype=x4.dtype)
    _axis(rows, small, (ww, sw, sh), 1, codes[0], _RANGES[name])
    tall = cupy.empty((n, h, wmax, c), dtype=f32)
    _axis(small, tall, (sh, hh, sw), 0, codes[1], keep)
    out = cupy.empty_like(x4)
    _axis(tall, out, (sw, ww, hh), 1, codes[1], _RANGES[name])
    return out if img.ndim == 4 else out[0]
