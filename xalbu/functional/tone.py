"""Generic tone kernels over array-API arrays: brightness/contrast, multiply-add, gamma, invert,
solarize, posterize; the histogram equalisations (clahe, equalize, auto_contrast); the tone curve;
lighting (linear / corner / gaussian illumination, plasma brightness and contrast).

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Float images follow the rules of :mod:`xalbu.functional._utils`: results are clipped to [0, 1]
(so +inf and -inf saturate), NaN stays NaN, and the image mean of :func:`brightness_contrast` is
taken over the finite values. Kernels do not check the range of their input.

Backend overrides (``backends/numpy_cv2/tone.py``, ``backends/cupy/tone.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._colorspace import (  # noqa: F401 - re-exported: the kernels' colour spaces
    _LAB_L,
    _LAB_T,
    _RGB_TO_XYZ,
    _XYZ_TO_RGB,
    LAB8_CBRT,
    LAB8_GAMMA,
    LAB8_MATRIX,
    lab8_rgb_table,
    lab8_to_rgb,
    lab_to_rgb,
    rgb_to_lab,
    rgb_to_lab8,
    rgb_to_ycc,
    ycc_to_rgb,
)
from xalbu.functional._common import Param
from xalbu.functional._filter import _reflect_101  # OpenCV's BORDER_REFLECT_101 fold
from xalbu.functional._levels import invert  # shared with the policies' invert op
from xalbu.functional._plasma import plasma_fields
from xalbu.functional._utils import (
    clip,
    dtype_name,
    finite_mean,
    is_float,
    max_value,
    namespace,
    param,
    round_cast,
)


def _saturate(xp: Any, x: Any, dtype: Any) -> Any:
    """Float ``x`` back to ``dtype``: integers rounded and saturated, floats clipped to [0, 1]."""
    if is_float(xp, dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), dtype, copy=False)
    return round_cast(xp, x, dtype)


def _scaled(xp: Any, x: Any, alpha: Param, img: Any) -> Any:
    """``x * alpha``, where ``alpha == 0`` gives 0 for every pixel (not ``0 * inf = NaN``).

    ``alpha`` is a host parameter, so whether it holds a zero is known without a device read.
    """
    a = param(xp, alpha, img)
    if not np.any(np.asarray(alpha) == 0):
        return x * a
    if isinstance(a, (int, float)):
        return xp.zeros_like(x)
    return xp.where(a == 0, 0.0, x) * a


@kernel
def multiply_add(img: Any, alpha: Param, beta: Param) -> Any:
    """``img * alpha + beta`` (``beta`` in the image's value scale), saturated / clipped to [0, 1].

    ``alpha`` / ``beta``: scalars, ``(C,)``, ``(N,)`` or ``(N, C)``. Example: uint8 ``100`` with
    ``alpha=2, beta=10`` gives ``210``; with ``alpha=3`` it saturates at ``255``.
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    return _saturate(xp, _scaled(xp, x, alpha, img) + param(xp, beta, img), img.dtype)


@kernel
def brightness_contrast(img: Any, alpha: Param, beta: Param, beta_by_max: bool) -> Any:
    """``img * alpha + beta * M`` with ``M`` the dtype's max (``beta_by_max``) or the image's mean.

    The mean is over H, W and C of each image (per sample in a batch), over its finite values
    (:func:`finite_mean`). ``alpha`` / ``beta``: scalars or ``(N,)``. Example: uint8 ``[0, 100]``
    with ``alpha=1, beta=0.1, beta_by_max=True`` gives ``[26, 126]`` (``25.5`` rounds to even
    ``26``); float32 ``[0.5, inf, nan]`` with ``alpha=1.2, beta=0`` gives ``[0.6, 1.0, nan]``.
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    if beta_by_max:
        scale = max_value(xp, img.dtype)
    elif is_float(xp, img.dtype):  # only float images can hold inf or NaN
        scale = finite_mean(xp, x, (-3, -2, -1))
    else:
        scale = xp.mean(x, axis=(-3, -2, -1), keepdims=True)
    return _saturate(xp, _scaled(xp, x, alpha, img) + param(xp, beta, img) * scale, img.dtype)


@kernel
def gamma(img: Any, gamma: Param) -> Any:
    """``max * (img / max) ** gamma``; floats: negatives clipped to 0 first, result clipped to [0, 1].

    ``gamma``: scalar or ``(N,)``. Example: uint8 ``[0, 128, 255]`` with ``gamma=2`` gives
    ``[0, 64, 255]`` (``128**2 / 255 = 64.25``).
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32)
    g = param(xp, gamma, img)
    if is_float(xp, img.dtype):
        return clip(xp, clip(xp, x, 0.0, None) ** g, 0.0, 1.0)
    mx = max_value(xp, img.dtype)
    return round_cast(xp, (x / mx) ** g * mx, img.dtype)


def _int_threshold(threshold: Param, mx: float) -> Any:
    """Smallest integer pixel value ``>= threshold * mx`` (float64 on the host, so exact)."""
    return np.ceil(np.asarray(threshold, dtype=np.float64) * mx)


@kernel
def solarize(img: Any, threshold: Param) -> Any:
    """Pixels ``>= threshold * max`` become ``max - pixel``; ``threshold`` in [0, 1], scalar or ``(N,)``.

    Floats are clipped to [0, 1]; a NaN threshold inverts nothing (the identity). Example: uint8
    ``[127, 128]`` with ``threshold=128/255`` gives ``[127, 127]``.
    """
    xp = namespace(img)
    mx = max_value(xp, img.dtype)
    if is_float(xp, img.dtype):
        cond = img >= param(xp, threshold, img)
        return clip(xp, xp.where(cond, mx - img, img), 0.0, 1.0)
    t = _int_threshold(threshold, mx)
    cond = xp.astype(img, xp.float32) >= param(xp, float(t) if t.ndim == 0 else t, img)
    return xp.where(cond, int(mx) - img, img)


def _check_bits(bits: Param) -> Any:
    arr = np.asarray(bits)
    if not np.issubdtype(arr.dtype, np.integer) or np.any((arr < 0) | (arr > 8)):
        raise ValueError(f"posterize bits must be integers in [0, 8], got {bits!r}")
    return arr.astype(np.int64)


@kernel
def posterize(img: Any, bits: Param) -> Any:
    """Keep the top ``bits`` bits (counted on the 8-bit scale) of each value.

    uint8: ``img & ~(2**(8-bits) - 1)``; uint16: ``img & ~(2**(16-bits) - 1)``; float32:
    ``floor(img * 2**bits) / 2**bits`` clipped to [0, 1]. ``bits``: int in [0, 8], ``(C,)``,
    ``(N,)`` or ``(N, C)``. Example: uint8 ``129`` with ``bits=1`` gives ``128``.
    """
    xp = namespace(img)
    b = _check_bits(bits)
    if is_float(xp, img.dtype):
        s = np.exp2(b.astype(np.float64))
        sp = param(xp, float(s) if s.ndim == 0 else s, img)
        return clip(xp, xp.floor(img * sp) / sp, 0.0, 1.0)
    width = 16 if dtype_name(xp, img.dtype) == "uint16" else 8
    full = (1 << width) - 1
    mask = (full << (width - b)) & full
    if mask.ndim == 0:
        return img & int(mask)
    return xp.bitwise_and(img, param(xp, mask, img, dtype=img.dtype))


# ------------------------------------------------------------------------------------------- CLAHE
def clahe_geometry(h: int, w: int, grid: tuple[int, int]) -> tuple[int, int, int, int]:
    """``(tile_h, tile_w, pad_h, pad_w)`` as OpenCV's CLAHE tiles an ``h x w`` image into ``grid``
    (rows, columns): an image that does not divide evenly is padded at the bottom and the right
    (``BORDER_REFLECT_101``) by ``rows - h % rows`` rows and ``columns - w % columns`` columns, both
    (a full extra tile where one side divides); e.g. ``(9, 37)`` in ``(8, 8)`` tiles of 2 x 5."""
    ty, tx = grid
    if h % ty == 0 and w % tx == 0:
        return h // ty, w // tx, 0, 0
    ph, pw = ty - h % ty, tx - w % tx
    return (h + ph) // ty, (w + pw) // tx, ph, pw


def clahe_limits(clip_limit: Param, tile_total: int, bins: int) -> np.ndarray:
    """OpenCV's per-bin count limit: ``max(int(clip_limit * tile_total / bins), 1)`` (float64), int64."""
    lim = np.floor(np.asarray(clip_limit, np.float64) * tile_total / bins).astype(np.int64)
    return np.maximum(lim, 1)


def _clahe_luts(xp: Any, plane: Any, limits: Any, grid: tuple[int, int], bins: int) -> Any:
    """``(N, rows, columns, bins)`` float32 tables: each tile's clipped, redistributed, equalised
    histogram (OpenCV's CLAHE), ``plane`` ``(N, H, W)`` of integer levels."""
    n, h, w = plane.shape
    th, tw, ph, pw = clahe_geometry(h, w, grid)
    ty, tx = grid
    if ph or pw:
        rows = _reflect_101(h, 0, ph)
        cols = _reflect_101(w, 0, pw)
        dev = device(plane)
        plane = xp.take(plane, xp.asarray(rows, device=dev), axis=1)
        plane = xp.take(plane, xp.asarray(cols, device=dev), axis=2)
    tiles = xp.reshape(plane, (n, ty, th, tx, tw))
    tiles = xp.reshape(xp.permute_dims(tiles, (0, 1, 3, 2, 4)), (n * ty * tx, th * tw))
    levels = xp.arange(bins, dtype=plane.dtype, device=device(plane))
    tiles = xp.sort(tiles, axis=-1)
    cdf = xp.stack([xp.searchsorted(tiles[k, :], levels, side="right") for k in range(n * ty * tx)])
    cdf = xp.astype(cdf, xp.int64)
    hist = cdf - xp.concat([xp.zeros_like(cdf[:, :1]), cdf[:, :-1]], axis=1)
    lim = xp.reshape(xp.asarray(np.repeat(limits, ty * tx), device=device(plane)), (-1, 1))
    excess = xp.sum(xp.maximum(hist - lim, 0), axis=1, keepdims=True)
    hist = xp.minimum(hist, lim) + excess // bins
    residual = excess - (excess // bins) * bins
    step = xp.maximum(bins // xp.maximum(residual, 1), 1)
    idx = xp.arange(bins, dtype=xp.int64, device=device(plane))
    hist = hist + xp.astype((idx % step == 0) & (idx // step < residual), xp.int64)
    scale = float(np.float32(bins - 1) / np.float32(th * tw))
    lut = xp.round(xp.astype(xp.cumulative_sum(hist, axis=1), xp.float32) * scale)
    return xp.reshape(clip(xp, lut, 0.0, float(bins - 1)), (n, ty, tx, bins))


def _clahe_axis(size: int, tile: int, tiles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along one axis: the two neighbouring tiles of every pixel and the weight of the second, as
    OpenCV computes them in float32 (``t = x / tile - 0.5``)."""
    inv = np.float32(1.0) / np.float32(tile)
    t = np.arange(size, dtype=np.float32) * inv - np.float32(0.5)
    t1 = np.floor(t)
    weight = (t - t1).astype(np.float32)
    first = np.maximum(t1.astype(np.int64), 0)
    second = np.minimum(t1.astype(np.int64) + 1, tiles - 1)
    return first, second, weight


def _clahe_interpolate(xp: Any, plane: Any, lut: Any, grid: tuple[int, int]) -> Any:
    """Each pixel through the tables of its four nearest tiles, bilinearly weighted (float32)."""
    n, h, w = plane.shape
    th, tw, _, _ = clahe_geometry(h, w, grid)
    ty, tx = grid
    bins = lut.shape[-1]
    dev = device(plane)
    y1, y2, wy = _clahe_axis(h, th, ty)
    x1, x2, wx = _clahe_axis(w, tw, tx)
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (ty * tx * bins), (n, 1, 1))
    v = xp.astype(plane, xp.int64) + base
    flat = xp.reshape(lut, (-1,))

    def tap(rows: np.ndarray, cols: np.ndarray) -> Any:
        off = xp.asarray((rows[:, None] * tx + cols[None, :]) * bins, device=dev)
        return xp.reshape(xp.take(flat, xp.reshape(v + off, (-1,))), (n, h, w))

    ax = xp.asarray(wx, device=dev)
    ax1 = xp.asarray((np.float32(1.0) - wx).astype(np.float32), device=dev)
    ay = xp.reshape(xp.asarray(wy, device=dev), (h, 1))
    ay1 = xp.reshape(xp.asarray((np.float32(1.0) - wy).astype(np.float32), device=dev), (h, 1))
    top = tap(y1, x1) * ax1 + tap(y1, x2) * ax
    bottom = tap(y2, x1) * ax1 + tap(y2, x2) * ax
    return top * ay1 + bottom * ay


def clahe_plane(xp: Any, plane: Any, clip_limit: Param, grid: tuple[int, int], bins: int) -> Any:
    """CLAHE of ``(N, H, W)`` integer levels in ``[0, bins)``: float32 results, rounded, in range."""
    th, tw, _, _ = clahe_geometry(plane.shape[1], plane.shape[2], grid)
    limits = np.broadcast_to(clahe_limits(clip_limit, th * tw, bins), (plane.shape[0],))
    lut = _clahe_luts(xp, plane, limits, grid, bins)
    return clip(xp, xp.round(_clahe_interpolate(xp, plane, lut, grid)), 0.0, float(bins - 1))


def to_levels(xp: Any, img: Any) -> Any:
    """A float image in [0, 1] as the uint8 levels albumentations gives it (``rint(x * 255)``, NaN
    as 0), for the histogram transforms that work on uint8."""
    x = clip(xp, img * 255.0, 0.0, 255.0)
    return xp.astype(xp.round(xp.where(xp.isnan(x), 0.0, x)), xp.uint8)


def from_levels(xp: Any, levels: Any, img: Any) -> Any:
    """uint8 levels back to float32 (``/ 255``), NaN where ``img`` holds NaN."""
    out = xp.astype(levels, xp.float32) / 255.0
    return xp.where(xp.isnan(img), img, out)


@kernel
def clahe(img: Any, clip_limit: Param, tile_grid_size: tuple[int, int]) -> Any:
    """Contrast-limited adaptive histogram equalisation (OpenCV's algorithm) with ``tile_grid_size``
    ``(rows, columns)`` tiles; ``clip_limit`` (``>= 1``): a scalar or ``(N,)``.

    One channel: the image itself; three (RGB): the L of CIE Lab, ``a`` and ``b`` kept. uint8 works
    on 256 levels, uint16 on 65536; float32 on the uint8 levels ``rint(x * 255)`` as albumentations
    (results are multiples of 1/255; NaN stays NaN). Example: a uint8 ramp ``0..15`` as one 4x4 tile
    with ``clip_limit=4`` maps ``v`` to ``round(255 * (v + 1) / 16)``: ``0 -> 16``, ``15 -> 255``.
    """
    xp = namespace(img)
    c = img.shape[-1]
    if c not in (1, 3):
        raise ValueError(f"clahe: expected a 1-channel or a 3-channel (RGB) image, got {c} channels")
    single = img.ndim == 3
    x = img[None, ...] if single else img
    name = dtype_name(xp, img.dtype)
    bins = 65536 if name == "uint16" else 256
    levels = to_levels(xp, x) if is_float(xp, img.dtype) else x
    if c == 1:
        out = clahe_plane(xp, levels[..., 0], clip_limit, tile_grid_size, bins)[..., None]
        out = xp.astype(out, levels.dtype)
    else:
        top = float(bins - 1)
        if bins == 256:  # OpenCV's 8-bit Lab both ways, as albumentations
            lightness, a, b = rgb_to_lab8(xp, levels)
            new = clahe_plane(xp, xp.astype(lightness[..., 0], xp.uint8), clip_limit, tile_grid_size, bins)
            index = (xp.astype(new, xp.int64) << 16) | (a[..., 0] << 8) | b[..., 0]
            out = lab8_to_rgb(xp, index)
        else:
            lightness, a, b = rgb_to_lab(xp, xp.astype(levels, xp.float32) / top)
            plane = xp.astype(xp.round(lightness * (top / 100.0)), levels.dtype)[..., 0]
            new = clahe_plane(xp, plane, clip_limit, tile_grid_size, bins)[..., None]
            out = round_cast(xp, lab_to_rgb(xp, new * (100.0 / top), a, b) * top, levels.dtype)
    if is_float(xp, img.dtype):
        out = from_levels(xp, out, x)
    return out[0, ...] if single else out


# ---------------------------------------------------------------------------------------- equalize
def histograms(xp: Any, planes: Any, bins: int, mask: Any = None) -> Any:
    """Inclusive cumulative histograms ``(K, bins)`` (int64) of ``(K, M)`` integer levels, counting
    only where ``mask`` (``(K, M)`` bool) is true."""
    v = xp.astype(planes, xp.int64)
    if mask is not None:
        v = xp.where(mask, v, bins)  # out of range: counted by no level
    v = xp.sort(v, axis=-1)
    levels = xp.arange(bins, dtype=xp.int64, device=device(planes))
    return xp.stack([xp.searchsorted(v[k, :], levels, side="right") for k in range(v.shape[0])])


def equalize_tables(xp: Any, cdf: Any, mode: str) -> Any:
    """``(K, bins)`` float32 tables from inclusive cumulative histograms ``cdf`` (``(K, bins)``).

    ``"cv"`` (OpenCV's ``equalizeHist``): ``round((cdf - cdf[first]) * (bins - 1) / (total -
    hist[first]))`` in float32, 0 below the first level present. ``"pil"`` (albumentations' reading
    of Pillow's): ``min((cdf + step // 2) // step, bins - 1)`` with ``step = (total - hist[last]) //
    (bins - 1)``. One level present (or none): the identity.
    """
    bins = cdf.shape[-1]
    hist = cdf - xp.concat([xp.zeros_like(cdf[:, :1]), cdf[:, :-1]], axis=1)
    present = hist > 0
    total = cdf[:, -1:]
    levels = xp.arange(bins, dtype=xp.int64, device=device(cdf))
    identity = xp.astype(xp.broadcast_to(levels, cdf.shape), xp.float32)
    few = xp.sum(xp.astype(present, xp.int64), axis=1, keepdims=True) <= 1
    top = float(bins - 1)
    if mode == "cv":
        first = xp.argmax(xp.astype(present, xp.int8), axis=1, keepdims=True)
        base = xp.take_along_axis(cdf, first, axis=1)
        span = total - xp.take_along_axis(hist, first, axis=1)
        scale = float(np.float32(top)) / xp.astype(xp.where(few, 1, span), xp.float32)
        lut = clip(xp, xp.round(xp.astype(cdf - base, xp.float32) * scale), 0.0, top)
        return xp.where(few, identity, lut)
    last = bins - 1 - xp.argmax(xp.astype(xp.flip(present, axis=1), xp.int8), axis=1, keepdims=True)
    step = (total - xp.take_along_axis(hist, last, axis=1)) // (bins - 1)
    lut = xp.minimum((cdf + step // 2) // xp.where(step > 0, step, 1), bins - 1)
    return xp.where(few | (step == 0), identity, xp.astype(lut, xp.float32))


def apply_tables(xp: Any, planes: Any, tables: Any) -> Any:
    """``(K, M)`` integer levels through their rows of ``(K, bins)`` tables."""
    k, bins = tables.shape
    offset = xp.reshape(xp.arange(k, dtype=xp.int64, device=device(planes)) * bins, (k, 1))
    return xp.take(xp.reshape(tables, (-1,)), xp.reshape(xp.astype(planes, xp.int64) + offset, (-1,)))


def _mask_planes(xp: Any, mask: Any, n: int, h: int, w: int, planes: int) -> Any:
    """A mask ``(H, W, 1 or P)`` (or ``(N, H, W, 1 or P)``) as ``(N * P, H * W)`` bool."""
    m = mask != 0 if mask.dtype != xp.bool else mask
    m = xp.broadcast_to(m[None, ...] if m.ndim == 3 else m, (n, h, w, planes))
    return xp.reshape(xp.permute_dims(m, (0, 3, 1, 2)), (n * planes, h * w))


@kernel
def equalize(img: Any, mode: str, by_channels: bool, mask: Any = None) -> Any:
    """Histogram equalisation, each channel on its own (``by_channels``) or RGB on the Y of OpenCV's
    YCrCb; ``mode`` ``"cv"`` or ``"pil"`` (see :func:`equalize_tables`); histograms over the pixels
    where ``mask`` is non-zero: ``None``, or shaped ``(H, W, 1 or P)`` (shared) or ``(N, H, W, 1 or
    P)`` (per sample of a batch), P the planes equalised (C, or 1 for the Y of YCrCb).

    uint8: 256 levels, uint16: 65536; float32 through uint8 levels (``rint(x * 255)``, then ``/
    255``), as albumentations; non-finite pixels stay out of the histograms (+inf and -inf then map
    as 1 and 0 do, NaN stays NaN). Example: uint8 ``[0, 0, 100, 200]`` with ``"cv"``:
    scale 255 / 2, so ``0 -> 0``, ``100 -> 128`` (127.5, half to even), ``200 -> 255``.
    """
    xp = namespace(img)
    if mode not in ("cv", "pil"):
        raise ValueError(f"equalize: mode must be 'cv' or 'pil', got {mode!r}")
    c = img.shape[-1]
    if not by_channels and c not in (1, 3):
        raise ValueError(f"equalize: by_channels=False needs a 1-channel or an RGB image, got {c} channels")
    single = img.ndim == 3
    x = img[None, ...] if single else img
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    bins = 65536 if dtype_name(xp, img.dtype) == "uint16" else 256
    levels = to_levels(xp, x) if is_float(xp, img.dtype) else x
    luma = not by_channels and c == 3
    if luma:
        y, cr, cb = rgb_to_ycc(xp, levels, bins)
        planes = xp.reshape(y, (n, h * w))
    else:
        planes = xp.reshape(xp.permute_dims(levels, (0, 3, 1, 2)), (n * c, h * w))
    p = 1 if luma else c
    m = None if mask is None else _mask_planes(xp, xp.asarray(mask, device=device(img)), n, h, w, p)
    if is_float(xp, img.dtype):  # non-finite pixels stay out of the histograms
        fin = xp.isfinite(x)
        fin = xp.all(fin, axis=-1, keepdims=True) if luma else fin
        fin = xp.reshape(xp.permute_dims(fin, (0, 3, 1, 2)), (n * p, h * w))
        m = fin if m is None else m & fin
    tables = equalize_tables(xp, histograms(xp, planes, bins, m), mode)
    new = xp.astype(apply_tables(xp, planes, tables), xp.int64)
    if luma:
        out = ycc_to_rgb(xp, xp.reshape(new, (n, h, w)), cr, cb, bins, levels.dtype)
    else:
        out = xp.permute_dims(xp.reshape(xp.astype(new, levels.dtype), (n, c, h, w)), (0, 2, 3, 1))
    if is_float(xp, img.dtype):
        out = from_levels(xp, out, x)
    return out[0, ...] if single else out


# ----------------------------------------------------------------------------------- auto_contrast
def contrast_bounds(xp: Any, cdf: Any, cutoff: float) -> tuple[Any, Any]:
    """albumentations' histogram bounds ``(lo, hi)`` (``(K, 1)`` int64) of inclusive cumulative
    histograms ``(K, bins)``: the first and last levels present (``cutoff == 0``), else the levels
    where ``cutoff`` percent of the pixels lie below / above (a flat histogram: ``bins * cutoff /
    100`` from each end); ``lo > hi`` gives the middle level twice, an empty histogram ``(0, 0)``."""
    k, bins = cdf.shape
    hist = cdf - xp.concat([xp.zeros_like(cdf[:, :1]), cdf[:, :-1]], axis=1)
    total = cdf[:, -1:]
    present = xp.astype(hist > 0, xp.int8)
    if cutoff == 0:
        lo = xp.argmax(present, axis=1, keepdims=True)
        hi = bins - 1 - xp.argmax(xp.flip(present, axis=1), axis=1, keepdims=True)
        empty = total == 0
        return xp.where(empty, 0, lo), xp.where(empty, 0, hi)
    cut = xp.astype(total, xp.float64) * (cutoff / 100.0)
    above = total - cdf + hist  # pixels at or above each level
    lo = xp.minimum(
        xp.argmax(xp.astype(xp.astype(cdf, xp.float64) >= cut, xp.int8), axis=1, keepdims=True) + 1, bins - 1
    )
    reach = xp.astype(xp.flip(xp.astype(above, xp.float64) >= cut, axis=1), xp.int8)
    hi = bins - 1 - xp.argmax(reach, axis=1, keepdims=True)
    flat = xp.all(hist == hist[:, :1], axis=1, keepdims=True)
    flat_lo = int(bins * cutoff / 100)
    lo, hi = xp.where(flat, flat_lo, lo), xp.where(flat, bins - 1 - flat_lo, hi)
    mid = (bins - 1) // 2
    crossed = lo > hi
    lo, hi = xp.where(crossed, mid, lo), xp.where(crossed, mid, hi)
    empty = total == 0
    return xp.where(empty, 0, lo), xp.where(empty, 0, hi)


def contrast_tables(xp: Any, cdf: Any, lo: Any, hi: Any, method: str, ignore: int | None) -> Any:
    """``(K, bins)`` float32 tables stretching ``[lo, hi]`` to the full range: by the cumulative
    histogram (``"cdf"``, float32) or linearly (``"pil"``, float64); below ``lo`` 0, above ``hi`` the
    top level; the identity where ``hi <= lo``; ``ignore`` (a level) maps to itself."""
    bins = cdf.shape[-1]
    top = bins - 1
    levels = xp.reshape(xp.arange(bins, dtype=xp.int64, device=device(cdf)), (1, bins))
    inside = (levels >= lo) & (levels <= hi)
    if method == "cdf":
        first = xp.take_along_axis(cdf, lo, axis=1)
        last = xp.take_along_axis(cdf, hi, axis=1)
        span = xp.astype(xp.where(last > first, last - first, 1), xp.float32)
        stretched = xp.astype(cdf - first, xp.float32) * float(top) / span
    else:
        scale = float(top) / xp.astype(xp.where(hi > lo, hi - lo, 1), xp.float64)
        stretched = xp.astype(levels - lo, xp.float64) * scale
    value = clip(xp, xp.round(stretched), 0.0, float(top))
    outside = xp.astype(levels > hi, xp.float32) * float(top)
    table = xp.where(inside, xp.astype(value, xp.float32), outside)
    table = xp.where(hi > lo, table, xp.astype(levels, xp.float32))
    if ignore is not None:
        table = xp.where(levels == ignore, float(ignore), table)
    return table


@kernel
def auto_contrast(img: Any, cutoff: float, ignore: int | None, method: str) -> Any:
    """Stretch each channel's histogram between its bounds (:func:`contrast_bounds`) to the full
    range (:func:`contrast_tables`); the level ``ignore`` (on the 8-bit scale: ``ignore * 257`` for
    uint16) is left out of the histograms and kept as it is.

    uint8: 256 levels, uint16: 65536, float32 through uint8 levels (``rint(x * 255)``, then ``/ 255``;
    non-finite pixels stay out of the histograms, NaN stays NaN). Example: uint8 ``[50, 100, 200]`` with
    ``cutoff=0, method="pil"``: ``lo = 50``, ``hi = 200``, scale 1.7: ``[0, 85, 255]``.
    """
    xp = namespace(img)
    if method not in ("cdf", "pil"):
        raise ValueError(f"auto_contrast: method must be 'cdf' or 'pil', got {method!r}")
    single = img.ndim == 3
    x = img[None, ...] if single else img
    n, h, w, c = x.shape
    bins = 65536 if dtype_name(xp, img.dtype) == "uint16" else 256
    level = None if ignore is None else int(ignore) * (257 if bins == 65536 else 1)
    levels = to_levels(xp, x) if is_float(xp, img.dtype) else x
    planes = xp.reshape(xp.permute_dims(levels, (0, 3, 1, 2)), (n * c, h * w))
    keep = None if level is None else planes != level
    if is_float(xp, img.dtype):  # non-finite pixels stay out of the histograms
        fin = xp.reshape(xp.permute_dims(xp.isfinite(x), (0, 3, 1, 2)), (n * c, h * w))
        keep = fin if keep is None else keep & fin
    cdf = histograms(xp, planes, bins, keep)
    lo, hi = contrast_bounds(xp, cdf, float(cutoff))
    tables = contrast_tables(xp, cdf, lo, hi, method, level)
    new = xp.astype(apply_tables(xp, planes, tables), levels.dtype)
    out = xp.permute_dims(xp.reshape(new, (n, c, h, w)), (0, 2, 3, 1))
    if is_float(xp, img.dtype):
        out = from_levels(xp, out, x)
    return out[0, ...] if single else out


# -------------------------------------------------------------------------------------- tone_curve
@kernel
def tone_curve(img: Any, low_y: Param, high_y: Param) -> Any:
    """The cubic Bezier tone curve through (0, 0) and (1, 1) with control heights ``low_y`` and
    ``high_y``: ``y = 3 (1-t)^2 t low_y + 3 (1-t) t^2 high_y + t^3`` at ``t`` = the level / max, in
    float64 (``low_y = 1/3, high_y = 2/3`` is the identity).

    ``low_y`` / ``high_y``: scalars, ``(N,)``, ``(C,)`` or ``(N, C)``. Integers are rounded half to
    even and saturated (uint8 as albumentations, whose ``t`` is ``linspace(0, 1, 256)``); float32 is
    computed on its values, clipped to [0, 1] (NaN stays NaN). Example: uint8 ``51`` (``t = 0.2``)
    with ``low_y = high_y = 0`` gives ``round(0.008 * 255) = 2``.
    """
    xp = namespace(img)
    lo = param(xp, low_y, img, dtype=xp.float64)
    hi = param(xp, high_y, img, dtype=xp.float64)
    x = xp.astype(img, xp.float64)
    if is_float(xp, img.dtype):
        t = clip(xp, x, 0.0, 1.0)
    else:
        top = max_value(xp, img.dtype)
        t = x * (1.0 / top)
        t = xp.where(x == top, 1.0, t)  # linspace's last value is exactly 1
    u = 1.0 - t
    y = 3.0 * (u * u) * t * lo + 3.0 * u * (t * t) * hi + xp.pow(t, 3.0)  # albumentations' association
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, y, 0.0, 1.0), img.dtype)
    return round_cast(xp, y * max_value(xp, img.dtype), img.dtype)


# ------------------------------------------------------------------------------------ illumination
def _grid(xp: Any, img: Any) -> tuple[int, int, Any, Any]:
    """``(h, w, rows, cols)``: float32 pixel indices ``(H, 1)`` and ``(1, W)`` on ``img``'s device."""
    h, w = img.shape[-3], img.shape[-2]
    dev = device(img)
    rows = xp.reshape(xp.arange(h, dtype=xp.float32, device=dev), (h, 1))
    cols = xp.reshape(xp.arange(w, dtype=xp.float32, device=dev), (1, w))
    return h, w, rows, cols


def _lead(xp: Any, value: Param, img: Any) -> Any:
    """A scalar, or ``(N,)`` per sample as ``(N, 1, 1)`` (float32) to broadcast over ``(H, W)``."""
    if np.ndim(value) == 0:
        return float(value)
    return xp.reshape(xp.asarray(np.asarray(value, np.float32), device=device(img)), (-1, 1, 1))


def _linspace(xp: Any, index: Any, n: int) -> Any:
    """NumPy's float32 ``linspace(0, 1, n)`` at integer positions ``index`` (float32)."""
    return index * float(np.float32(1.0 / (n - 1))) if n > 1 else index * 0.0


def _shade(xp: Any, img: Any, pattern: Any) -> Any:
    """``img * pattern`` (``pattern`` ``(H, W)`` or ``(N, H, W)``), integers rounded and saturated, floats
    clipped to [0, 1]."""
    x = xp.astype(img, xp.float32) * pattern[..., None]
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), img.dtype)
    return round_cast(xp, x, img.dtype)


def linear_pattern(xp: Any, img: Any, intensity: Param, angle: Param) -> Any:
    """:func:`linear_illumination`'s factors, ``(H, W)`` or ``(N, H, W)`` float32."""
    h, w, rows, cols = _grid(xp, img)
    x, y = _linspace(xp, cols, w), _linspace(xp, rows, h)
    a = np.asarray(angle, np.float64)
    ramps = {
        90.0: lambda: y + x * 0.0,
        270.0: lambda: (1.0 - y) + x * 0.0,
        45.0: lambda: (x + y) * 0.5,
        135.0: lambda: ((1.0 - x) + y) * 0.5,
        225.0: lambda: ((1.0 - x) + (1.0 - y)) * 0.5,
        315.0: lambda: (x + (1.0 - y)) * 0.5,
    }  # albumentations' fast paths at exactly these angles
    if a.ndim == 0 and float(a) in ramps:
        g = ramps[float(a)]()
    else:
        rad = np.deg2rad(a)
        g = x * _lead(xp, np.cos(rad).astype(np.float32), img) + y * _lead(
            xp, np.sin(rad).astype(np.float32), img
        )
        for value, ramp in ramps.items():
            if a.ndim and np.any(a == value):
                g = xp.where(_lead(xp, (a == value).astype(np.float32), img) > 0, ramp(), g)
    i = np.asarray(intensity, np.float64)
    if i.ndim == 0:
        g = 1.0 - g if i < 0 else g
    else:
        g = xp.where(_lead(xp, (i < 0).astype(np.float32), img) > 0, 1.0 - g, g)
    mag = np.abs(i)
    return g * _lead(xp, (2.0 * mag).astype(np.float32), img) + _lead(xp, (1.0 - mag).astype(np.float32), img)


@kernel
def linear_illumination(img: Any, intensity: Param, angle: Param) -> Any:
    """A linear light gradient: ``img * (g * 2|i| + 1 - |i|)`` with ``g`` the gradient along
    ``angle`` (degrees) of ``x cos + y sin`` (``x``, ``y`` running 0..1 over the image), reversed
    (``1 - g``) for a negative intensity ``i``; at exactly 90 / 270 the vertical ramp and at 45, 135,
    225, 315 the diagonal one scaled to [0, 1] (albumentations' fast paths).

    ``intensity``, ``angle``: scalars or ``(N,)``. Example: a 1 x 3 uint8 row of 100s with
    ``i = 0.2, angle = 0``: ``g = [0, 0.5, 1]``, factors ``[0.8, 1.0, 1.2]``: ``[80, 100, 120]``.
    """
    xp = namespace(img)
    return _shade(xp, img, linear_pattern(xp, img, intensity, angle))


def corner_pattern(xp: Any, img: Any, intensity: Param, corner: Param) -> Any:
    """:func:`corner_illumination`'s factors, ``(H, W)`` or ``(N, H, W)`` float32."""
    h, w, rows, cols = _grid(xp, img)
    c = np.asarray(corner, np.int64)
    cy = _lead(xp, np.where((c == 2) | (c == 3), h - 1, 0).astype(np.float32), img)
    cx = _lead(xp, np.where((c == 1) | (c == 2), w - 1, 0).astype(np.float32), img)
    dy, dx = rows - cy, cols - cx
    d = xp.sqrt(dx * dx + dy * dy)
    scale = -np.asarray(intensity, np.float64) / float(np.sqrt(h * h + w * w))
    return d * _lead(xp, scale.astype(np.float32), img) + 1.0


@kernel
def corner_illumination(img: Any, intensity: Param, corner: Param) -> Any:
    """Light fading from a corner: ``img * (1 - i * d / diagonal)``, ``d`` the Euclidean distance in
    pixels from the corner pixel (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left).

    ``intensity`` (``i``), ``corner``: scalars or ``(N,)``. Example: a 1 x 2 uint8 row ``[100, 100]``
    with ``i = 0.5`` from corner 0: diagonal ``sqrt(5)``, factors ``[1, 0.776]``: ``[100, 78]``.
    """
    xp = namespace(img)
    return _shade(xp, img, corner_pattern(xp, img, intensity, corner))


def gaussian_pattern(
    xp: Any, img: Any, intensity: Param, center_x: Param, center_y: Param, sigma: Param
) -> Any:
    """:func:`gaussian_illumination`'s factors, ``(H, W)`` or ``(N, H, W)`` float32."""
    h, w, rows, cols = _grid(xp, img)
    cx = _lead(xp, (np.asarray(center_x, np.float64) * w).astype(np.float32), img)
    cy = _lead(xp, (np.asarray(center_y, np.float64) * h).astype(np.float32), img)
    dx, dy = cols - cx, rows - cy
    k = -1.0 / (2.0 * (max(h, w) * np.asarray(sigma, np.float64)) ** 2)
    spot = xp.exp((dx * dx + dy * dy) * _lead(xp, k.astype(np.float32), img))
    return spot * _lead(xp, np.asarray(intensity, np.float32), img) + 1.0


@kernel
def gaussian_illumination(img: Any, intensity: Param, center_x: Param, center_y: Param, sigma: Param) -> Any:
    """A Gaussian spot of light: ``img * (1 + i * exp(-r^2 / (2 (max(H, W) sigma)^2)))``, ``r`` the
    distance in pixels from ``(center_x * W, center_y * H)``.

    All parameters scalars or ``(N,)``. Example: uint8 pixel (0, 0) at 100 with the centre at (0, 0)
    and ``i = 0.1``: ``110``.
    """
    xp = namespace(img)
    return _shade(xp, img, gaussian_pattern(xp, img, intensity, center_x, center_y, sigma))


# -------------------------------------------------------------------------------- plasma brightness
@kernel
def plasma_brightness_contrast(
    img: Any, brightness: Param, contrast: Param, seed: Any, roughness: float
) -> Any:
    """Brightness and contrast modulated by a plasma field ``P`` in [0, 1] (one per ``seed``, see
    :func:`~xalbu.functional._plasma.plasma_fields`): ``y = x + P b max``, then ``y w + m (1 - w)``
    with ``w = 1 + P c`` and ``m`` the mean of ``y`` (over the finite values), in the image's levels
    (``max`` 255, 65535 or 1).

    ``brightness`` / ``contrast``: scalars or ``(N,)``; ``seed``: an int or ``(N,)`` uint64 (one
    field per sample); ``b = c = 0`` is the identity. Integers are rounded and saturated, float32
    clipped to [0, 1]. Example: with ``c = 0`` and ``b = 0.1`` a pixel where ``P = 1`` gains 25.5
    levels on uint8.
    """
    xp = namespace(img)
    single = img.ndim == 3
    x = img[None, ...] if single else img
    h, w = x.shape[1], x.shape[2]
    field = plasma_fields(img, np.asarray(seed, np.uint64).reshape(-1), h, w, float(roughness))[..., None]
    top = max_value(xp, img.dtype)
    b = np.asarray(brightness, np.float64) * top  # in the image's levels
    y = xp.astype(x, xp.float32) + field * param(xp, float(b) if b.ndim == 0 else b, x)
    if is_float(xp, img.dtype):
        m = finite_mean(xp, y, (-3, -2, -1))
    else:
        m = xp.mean(y, axis=(-3, -2, -1), keepdims=True)
    weight = field * param(xp, contrast, x) + 1.0
    out = _saturate(xp, y * weight + m * (1.0 - weight), img.dtype)
    return out[0, ...] if single else out


__all__: Sequence[str] = (
    "auto_contrast",
    "brightness_contrast",
    "clahe",
    "corner_illumination",
    "equalize",
    "gamma",
    "gaussian_illumination",
    "invert",
    "linear_illumination",
    "multiply_add",
    "plasma_brightness_contrast",
    "posterize",
    "solarize",
    "tone_curve",
)
