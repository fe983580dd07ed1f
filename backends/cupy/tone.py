"""CuPy overrides of the tone kernels.

- uint8 point-wise maps become one per-sample lookup-table pass (see :mod:`._lut`); brightness_contrast
  only when scaled by the dtype's max (a mean-scaled shift depends on the image).
- clahe: three launches per batch (``kernels/clahe.cu``): the plane to equalise (the image, or the L
  of Lab for RGB), the tiles' sorted levels and clip statistics (one thread per sample and tile: no
  atomics), and the interpolation between the four nearest tiles' values with the way back to RGB
  (one thread per pixel). Per-sample clip limits are a host array; nothing is read back.
- error_diffusion_dither: one launch (``kernels/dither.cu``), one thread per sample and plane scanning
  it in the generic kernel's order. vignette, ordered / random dithering and halftone run their
  generic kernels (elementwise ops and gathers for the whole batch: no per-sample loop, no sync).
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _tone_extras as FX
from xalbu.functional import tone as F

from ._launch import grid
from ._lut import _lut_override
from .kernels import source

for _kernel in (F.gamma, F.invert, F.solarize, F.posterize, F.multiply_add, F.tone_curve):
    _lut_override(_kernel)
_lut_override(F.brightness_contrast, accepts=lambda alpha, beta, beta_by_max: bool(beta_by_max))


# ------------------------------------------------------------------------------------------- CLAHE
_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_OPTIONS = ("--std=c++14", "--fmad=false")
_NAMES = tuple(f"{k}<{t}>" for k in ("clahe_plane", "clahe_apply") for t in _TYPES.values()) + (
    "clahe_tiles",
)


def _lab_constants() -> np.ndarray:
    """The float32 constants of the generic kernel's Lab maths, in ``clahe.cu``'s order."""
    values = [
        12.92, 0.04045, 0.055, 1.055, 2.4, 1.0 / 3.0, F._LAB_T, 7.787, 16.0 / 116.0, 116.0, 16.0,
        F._LAB_L, 500.0, 200.0, 0.0031308, 1.0 / 2.4, F._LAB_T * F._LAB_L, 0.206893,
        *(v for row in F._RGB_TO_XYZ for v in row),
        *(v for row in F._XYZ_TO_RGB for v in row),
        65535.0 / 100.0, 100.0 / 255.0, 100.0 / 65535.0,
    ]  # fmt: skip
    return np.array(values, dtype=np.float32)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=source("clahe.cu"), options=_OPTIONS, name_expressions=list(_NAMES))


@functools.cache
def _function(expression: str) -> cupy.RawKernel:
    return _module().get_function(expression)


@functools.cache
def _lab_rgb() -> Any:
    """OpenCV's 8-bit Lab -> RGB table on the device (48 MiB, uploaded once per process)."""
    return cupy.asarray(F.lab8_rgb_table())


@functools.cache
def _tables() -> tuple[Any, Any, Any, Any]:
    """The Lab tables and constants on the device (uploaded once per process)."""
    return (
        cupy.asarray(F.LAB8_GAMMA.astype(np.int32)),
        cupy.asarray(F.LAB8_CBRT.astype(np.int32)),
        cupy.asarray(F.LAB8_MATRIX.reshape(-1).astype(np.int32)),
        cupy.asarray(_lab_constants()),
    )


@register(F.clahe, "cupy")
def clahe(img: Any, /, clip_limit: Any, tile_grid_size: tuple[int, int]) -> Any:
    """Batched CLAHE in three launches; the generic kernel's arithmetic (see the module)."""
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4) or int(img.shape[-1]) not in (1, 3) or img.size == 0:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    rows, cols = int(tile_grid_size[0]), int(tile_grid_size[1])
    bins = 65536 if name == "uint16" else 256
    th, tw, _, _ = F.clahe_geometry(h, w, (rows, cols))
    m = th * tw
    limits = np.ascontiguousarray(np.broadcast_to(F.clahe_limits(clip_limit, m, bins), (n,)), dtype=np.int32)
    mode = (0 if name != "float32" else 1) if c == 1 else (3 if name == "uint16" else 2)
    gamma, cbrt, matrix, k = _tables()
    t = _TYPES[name]
    pixels = n * h * w
    plane = cupy.empty((n, h, w), dtype=cupy.uint16)
    ab = cupy.empty((pixels * 2 if c == 3 else 1,), dtype=cupy.float32)
    _function(f"clahe_plane<{t}>")(
        *grid(pixels), (x4, plane, ab, np.int64(pixels), np.int32(mode), gamma, cbrt, matrix, k)
    )
    tiles = n * rows * cols
    ordered = cupy.empty((tiles * m,), dtype=cupy.uint16)
    kept = cupy.empty((tiles * m,), dtype=cupy.int32)
    excess = cupy.empty((tiles,), dtype=cupy.int32)
    dims = (np.int32(n), np.int32(h), np.int32(w), np.int32(rows), np.int32(cols), np.int32(th), np.int32(tw))
    _function("clahe_tiles")(*grid(tiles), (plane, ordered, kept, excess, cupy.asarray(limits), *dims))
    out = cupy.empty_like(x4)
    scale = np.float32(bins - 1) / np.float32(m)
    inv_th, inv_tw = np.float32(1.0) / np.float32(th), np.float32(1.0) / np.float32(tw)
    _function(f"clahe_apply<{t}>")(
        *grid(pixels),
        (
            x4, plane, ab, ordered, kept, excess, out,
            np.int32(n), np.int32(h), np.int32(w), np.int32(mode), np.int32(rows), np.int32(cols),
            np.int32(th), np.int32(tw), np.int32(bins), np.float32(scale), inv_th, inv_tw, k,
            _lab_rgb() if mode == 2 else cupy.zeros((1,), dtype=cupy.uint8),
        ),
    )  # fmt: skip
    return out if img.ndim == 4 else out[0]


# ---------------------------------------------------------------------------------------- equalize
_EQ_NAMES = tuple(f"{k}<{t}>" for k in ("eq_planes", "eq_apply") for t in _TYPES.values()) + (
    "eq_tables",
    "ac_tables",
)


@functools.cache
def _eq_function(expression: str) -> cupy.RawKernel:
    module = _hist_module()
    return module.get_function(expression)


@functools.cache
def _hist_module() -> cupy.RawModule:
    return cupy.RawModule(code=source("hist.cu"), options=_OPTIONS, name_expressions=list(_EQ_NAMES))


@register(F.equalize, "cupy")
def equalize(img: Any, /, mode: str, by_channels: bool, mask: Any = None) -> Any:
    """Batched equalisation in three launches; the generic kernel's arithmetic (see the module)."""
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4) or mode not in ("cv", "pil") or img.size == 0:
        return NotImplemented
    c = int(img.shape[-1])
    luma = not by_channels and c == 3
    if not by_channels and c not in (1, 3):
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w = (int(s) for s in x4.shape[:3])
    hw, planes_n = h * w, 1 if luma else c
    bins = 65536 if name == "uint16" else 256
    if mask is None:
        m, m_stride, q = cupy.zeros((1,), dtype=cupy.uint8), 0, 1
    else:
        m = cupy.asarray(mask)
        m = (m != 0).astype(cupy.uint8) if m.dtype != cupy.uint8 else m
        if m.ndim == 3:
            m = m[None]
        m = cupy.ascontiguousarray(m)
        q = int(m.shape[-1])
        m_stride = hw * q if int(m.shape[0]) > 1 else 0
    t = _TYPES[name]
    pixels = n * hw
    planes = cupy.empty((n * planes_n * hw,), dtype=cupy.uint16)
    ycc = cupy.empty((pixels * 2 if luma else 1,), dtype=cupy.int32)
    common = (np.int32(hw), np.int32(c), np.int32(luma), np.int32(bins))
    _eq_function(f"eq_planes<{t}>")(*grid(pixels), (x4, planes, ycc, np.int64(pixels), *common))
    hist = cupy.empty((n * planes_n * bins,), dtype=cupy.int32)
    tables = cupy.empty((n * planes_n * bins,), dtype=cupy.uint16)
    _eq_function("eq_tables")(
        *grid(n * planes_n),
        (
            planes, hist, tables, m, np.int32(mask is not None), np.int64(m_stride), np.int32(q),
            np.int32(n), np.int32(planes_n), np.int32(hw), np.int32(bins), np.int32(mode == "pil"),
        ),
    )  # fmt: skip
    out = cupy.empty_like(x4)
    _eq_function(f"eq_apply<{t}>")(*grid(pixels), (x4, planes, ycc, tables, out, np.int64(pixels), *common))
    return out if img.ndim == 4 else out[0]


@register(F.auto_contrast, "cupy")
def auto_contrast(img: Any, /, cutoff: float, ignore: int | None, method: str) -> Any:
    """Batched auto-contrast in three launches (``hist.cu``); the generic kernel's arithmetic."""
    name = str(img.dtype)
    if name not in _TYPES or img.ndim not in (3, 4) or method not in ("cdf", "pil") or img.size == 0:
        return NotImplemented
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    hw, pixels = h * w, n * h * w
    bins = 65536 if name == "uint16" else 256
    level = -1 if ignore is None else int(ignore) * (257 if bins == 65536 else 1)
    t = _TYPES[name]
    planes = cupy.empty((n * c * hw,), dtype=cupy.uint16)
    unused = cupy.empty((1,), dtype=cupy.int32)
    common = (np.int32(hw), np.int32(c), np.int32(0), np.int32(bins))
    _eq_function(f"eq_planes<{t}>")(*grid(pixels), (x4, planes, unused, np.int64(pixels), *common))
    hist = cupy.empty((n * c * bins,), dtype=cupy.int32)
    tables = cupy.empty((n * c * bins,), dtype=cupy.uint16)
    _eq_function("ac_tables")(
        *grid(n * c),
        (
            planes, hist, tables, np.int32(n), np.int32(c), np.int32(hw), np.int32(bins), np.int32(level),
            np.float64(cutoff), np.int32(method == "pil"),
        ),
    )  # fmt: skip
    out = cupy.empty_like(x4)
    _eq_function(f"eq_apply<{t}>")(
        *grid(pixels), (x4, planes, unused, tables, out, np.int64(pixels), *common)
    )
    return out if img.ndim == 4 else out[0]


# --------------------------------------------------------------------------------------- dithering
@functools.cache
def _dither_function() -> cupy.RawKernel:
    return cupy.RawModule(code=source("dither.cu"), options=_OPTIONS).get_function("error_diffusion")


@register(FX.error_diffusion_dither, "cupy")
def error_diffusion_dither(
    img: Any, /, n_colors: int, algorithm: str, serpentine: bool, grayscale: bool
) -> Any:
    """One launch for the batch (``dither.cu``: one thread per sample and plane, each scanning its
    plane in the generic kernel's order), between the generic kernel's elementwise conversions."""
    if str(img.dtype) not in ("uint8", "uint16", "float32") or img.ndim not in (3, 4):
        return NotImplemented
    v, nan = FX.unit_planes(cupy, img, grayscale)
    v4 = cupy.ascontiguousarray(v if v.ndim == 4 else v[None])
    n, h, w, p = (int(s) for s in v4.shape)
    taps = FX.diffusion_taps(algorithm)
    k = cupy.empty_like(v4)
    err = cupy.zeros((n * p * 3 * (w + 4),), dtype=cupy.float32)
    if n * p * h * w:
        _dither_function()(
            *grid(n * p),
            (
                v4, k, err,
                cupy.asarray(np.array([t[0] for t in taps], np.int32)),
                cupy.asarray(np.array([t[1] for t in taps], np.int32)),
                cupy.asarray(np.array([t[2] for t in taps], np.float32)),
                np.int32(len(taps)), np.int32(n), np.int32(h), np.int32(w), np.int32(p),
                np.int32(bool(serpentine)), np.float32(n_colors - 1), np.float32(1.0 / (n_colors - 1)),
            ),
        )  # fmt: skip
    return FX.from_levels(cupy, k if img.ndim == 4 else k[0], int(n_colors), img, nan)
