"""Tone kernels of the extras (AlbumentationsX's additions to the family): vignetting, dithering,
halftone.

Kept out of :mod:`xalbu.functional.tone` for its size; the same contract (HWC or NHWC, dtype kept,
integers rounded half to even and saturated, float32 clipped to [0, 1], no host sync).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _random as R
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, max_value, namespace, round_cast
from xalbu.functional.tone import _grid, _lead, _shade


# -------------------------------------------------------------------------------------- vignetting
def vignette_pattern(xp: Any, img: Any, intensity: Param, center_x: Param, center_y: Param) -> Any:
    """:func:`vignette`'s factors, ``(H, W)`` or ``(N, H, W)`` float32."""
    h, w, rows, cols = _grid(xp, img)
    cx = _lead(xp, (np.asarray(center_x, np.float64) * w - 0.5).astype(np.float32), img)
    cy = _lead(xp, (np.asarray(center_y, np.float64) * h - 0.5).astype(np.float32), img)
    dx = (cols - cx) * float(np.float32(2.0 / w))
    dy = (rows - cy) * float(np.float32(2.0 / h))
    r2 = (dx * dx + dy * dy) * 0.5
    return clip(xp, 1.0 - r2 * _lead(xp, np.asarray(intensity, np.float32), img), 0.0, 1.0)


@kernel
def vignette(img: Any, intensity: Param, center_x: Param, center_y: Param) -> Any:
    """Darkened edges: ``img * clip(1 - i * r^2, 0, 1)`` with ``r^2 = (dx^2 + dy^2) / 2``, ``dx`` and
    ``dy`` the offsets of the pixel's centre from ``(center_x * W, center_y * H)`` in half-widths and
    half-heights (an ellipse: a centred vignette has ``r^2 = 1`` at the image's corners).

    ``intensity`` (``i``), ``center_x``, ``center_y`` (fractions of the width and height): scalars or
    ``(N,)``; ``i = 0`` is the identity; float32 is clipped to [0, 1] first. Example: a 1 x 2 uint8
    row ``[100, 100]`` centred (``0.5, 0.5``) with ``i = 0.5``: ``dx = -/+0.5``, ``dy = 0``,
    ``r^2 = 0.125``, factors ``0.9375``: ``[94, 94]`` (93.75 rounded).
    """
    xp = namespace(img)
    src = clip(xp, img, 0.0, 1.0) if is_float(xp, img.dtype) else img  # inf * 0 would be NaN
    return _shade(xp, src, vignette_pattern(xp, img, intensity, center_x, center_y))


# --------------------------------------------------------------------------------------- dithering
# error diffusion: (dy, dx, weight) taps and divisor; the pixel's error times weight / divisor goes to
# (y + dy, x + dx) (dx mirrored on right-to-left rows); taps are listed in raster order of their target
DIFFUSION: dict[str, tuple[tuple[tuple[int, int, int], ...], int]] = {
    "floyd_steinberg": (((0, 1, 7), (1, -1, 3), (1, 0, 5), (1, 1, 1)), 16),
    "jarvis": (
        ((0, 1, 7), (0, 2, 5), (1, -2, 3), (1, -1, 5), (1, 0, 7), (1, 1, 5), (1, 2, 3))
        + ((2, -2, 1), (2, -1, 3), (2, 0, 5), (2, 1, 3), (2, 2, 1)),
        48,
    ),
    "stucki": (
        ((0, 1, 8), (0, 2, 4), (1, -2, 2), (1, -1, 4), (1, 0, 8), (1, 1, 4), (1, 2, 2))
        + ((2, -2, 1), (2, -1, 2), (2, 0, 4), (2, 1, 2), (2, 2, 1)),
        42,
    ),
    "atkinson": (((0, 1, 1), (0, 2, 1), (1, -1, 1), (1, 0, 1), (1, 1, 1), (2, 0, 1)), 8),
    "burkes": (((0, 1, 8), (0, 2, 4), (1, -2, 2), (1, -1, 4), (1, 0, 8), (1, 1, 4), (1, 2, 2)), 32),
    "sierra": (
        ((0, 1, 5), (0, 2, 3), (1, -2, 2), (1, -1, 4), (1, 0, 5), (1, 1, 4), (1, 2, 2))
        + ((2, -1, 2), (2, 0, 3), (2, 1, 2)),
        32,
    ),
    "sierra_2row": (((0, 1, 4), (0, 2, 3), (1, -2, 1), (1, -1, 2), (1, 0, 3), (1, 1, 2), (1, 2, 1)), 16),
    "sierra_lite": (((0, 1, 2), (1, -1, 1), (1, 0, 1)), 4),
}
LUMA = (0.299, 0.587, 0.114)


def diffusion_taps(algorithm: str) -> list[tuple[int, int, float]]:
    """``(dy, dx, w)`` of ``algorithm``, ``w`` the float32 fraction ``weight / divisor``."""
    taps, div = DIFFUSION[algorithm]
    return [(dy, dx, float(np.float32(w / div))) for dy, dx, w in taps]


def bayer_matrix(size: int) -> np.ndarray:
    """The ``size x size`` Bayer index matrix (0 .. size^2 - 1; size a power of two), recursively:
    ``[[4M, 4M + 2], [4M + 3, 4M + 1]]``. Example: size 2 gives ``[[0, 2], [3, 1]]``."""
    m = np.zeros((1, 1), np.int64)
    while m.shape[0] < size:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return m


def unit_planes(xp: Any, img: Any, grayscale: bool) -> tuple[Any, Any]:
    """``(v, nan)``: the image in float32 [0, 1] (``x / max``; floats clipped, NaN read as 0) as
    ``(..., H, W, P)`` planes (``P = 1`` with ``grayscale``: Rec. 601 luminance for 3 channels, the
    mean otherwise), and the NaN mask of a float image (None for integers)."""
    x = xp.astype(img, xp.float32)
    nan = None
    if is_float(xp, img.dtype):
        nan = xp.isnan(x)
        v = clip(xp, xp.where(nan, 0.0, x), 0.0, 1.0)
    else:
        v = x * float(np.float32(1.0 / max_value(xp, img.dtype)))
    if grayscale:
        c = int(img.shape[-1])
        if c == 3:
            v = v[..., 0:1] * LUMA[0] + v[..., 1:2] * LUMA[1] + v[..., 2:3] * LUMA[2]
        elif c > 1:
            v = xp.sum(v, axis=-1, keepdims=True) * float(np.float32(1.0 / c))
    return v, nan


def from_levels(xp: Any, k: Any, n_colors: int, img: Any, nan: Any) -> Any:
    """Level indices ``k`` (float32, 0 .. n - 1, ``(..., H, W, P)``) back to ``img``'s dtype:
    ``round(k * max / (n - 1))`` for integers, ``k / (n - 1)`` for float32 (NaN pixels stay NaN); one
    plane (grayscale) goes to every channel."""
    c = int(img.shape[-1])
    if k.shape[-1] != c:
        k = xp.broadcast_to(k, (*k.shape[:-1], c))
    if is_float(xp, img.dtype):
        q = k * float(np.float32(1.0 / (n_colors - 1)))
        return xp.astype(xp.where(nan, xp.nan, q) if nan is not None else q, img.dtype)
    return round_cast(xp, k * float(np.float32(max_value(xp, img.dtype) / (n_colors - 1))), img.dtype)


def _levels(xp: Any, t: Any, n_colors: int) -> Any:
    """``clip(floor(t), 0, n - 1)``: the level index of ``t`` (in steps)."""
    return clip(xp, xp.floor(t), 0.0, float(n_colors - 1))


@kernel
def ordered_dither(img: Any, /, n_colors: int, matrix_size: int, grayscale: bool) -> Any:
    """Ordered (Bayer) dithering to ``n_colors`` levels per channel: level ``floor(v (n - 1) + m)``
    with ``m = (B + 0.5) / s^2`` the Bayer threshold of the pixel (``B`` :func:`bayer_matrix` of size
    ``s = matrix_size`` tiled from the top-left corner), ``v`` in [0, 1] (:func:`unit_planes`).

    Example: uint8 ``[100, 100]`` with 2 levels and ``s = 2`` (thresholds ``0.125, 0.625`` on the first
    row): ``v = 0.392``, levels ``floor(0.517) = 0`` and ``floor(1.017) = 1``: ``[0, 255]``.
    """
    xp = namespace(img)
    v, nan = unit_planes(xp, img, grayscale)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    s = int(matrix_size)
    m = ((bayer_matrix(s) + 0.5) / (s * s)).astype(np.float32)
    tile = np.tile(m, (-(-h // s), -(-w // s)))[:h, :w, None]
    k = _levels(xp, v * float(n_colors - 1) + xp.asarray(tile, device=device(img)), n_colors)
    return from_levels(xp, k, int(n_colors), img, nan)


@kernel
def random_dither(
    img: Any, /, seed: Any, n_colors: int, noise_low: float, noise_high: float, grayscale: bool
) -> Any:
    """Random dithering to ``n_colors`` levels per channel: level ``floor(v (n - 1) + 0.5 + u)`` with
    ``u`` uniform in ``[noise_low, noise_high]`` (in quantisation steps) per pixel and plane, from the
    counter-based generator keyed by ``seed`` (an int, or ``(N,)`` for a batch): ``lo + (hi - lo) r``,
    ``r`` the ``"uniform"`` table at the 16-bit values in row-major ``(H, W, P)`` order.

    Example: with ``noise_low = noise_high = 0`` it rounds: uint8 ``[100, 200]`` with 2 levels gives
    ``[0, 255]``.
    """
    xp = namespace(img)
    v, nan = unit_planes(xp, img, grayscale)
    h, w, p = (int(d) for d in v.shape[-3:])
    r = R.lookup(xp, R.unit_table(), R.philox_u16(img, seed, h * w * p))
    r = xp.reshape(r, (*r.shape[:-1], h, w, p))
    u = r * float(np.float32(noise_high - noise_low)) + float(np.float32(noise_low))
    k = _levels(xp, v * float(n_colors - 1) + 0.5 + u, n_colors)
    return from_levels(xp, k, int(n_colors), img, nan)


@kernel
def error_diffusion_dither(
    img: Any, /, n_colors: int, algorithm: str, serpentine: bool, grayscale: bool
) -> Any:
    """Error-diffusion dithering to ``n_colors`` levels per channel, in raster order (right to left on
    odd rows with ``serpentine``, the taps mirrored): each pixel's value plus the error it received
    goes to level ``k = clip(floor(t (n - 1) + 0.5), 0, n - 1)``, and its error ``t - k / (n - 1)``
    is spread to the unvisited neighbours with :data:`DIFFUSION`'s weights (float32; error leaving the
    image is dropped). The reference: a pixel-by-pixel loop (slow; the backends override it).

    Example: uint8 ``[100, 100]``, 2 levels, Floyd-Steinberg: ``v = 0.392`` -> level 0, error
    ``0.392 * 7 / 16 = 0.172`` to the right: ``0.564`` -> level 1: ``[0, 255]``.
    """
    xp = namespace(img)
    v, nan = unit_planes(xp, img, grayscale)
    single = v.ndim == 3
    v = v[None, ...] if single else v
    n, h, w, p = (int(d) for d in v.shape)
    taps = diffusion_taps(algorithm)
    steps = float(n_colors - 1)
    inv = float(np.float32(1.0 / (n_colors - 1)))
    err = xp.zeros((n, h + 2, w + 4, p), dtype=xp.float32, device=device(img))
    k_out = xp.zeros((n, h, w, p), dtype=xp.float32, device=device(img))
    for y in range(h):
        backwards = bool(serpentine) and y % 2 == 1
        for x in range(w - 1, -1, -1) if backwards else range(w):
            t = v[:, y, x, :] + err[:, y, x + 2, :]
            k = _levels(xp, t * steps + 0.5, n_colors)
            k_out[:, y, x, :] = k
            e = t - k * inv
            for dy, dx, wt in taps:
                xx = x + 2 + (-dx if backwards else dx)
                err[:, y + dy, xx, :] = err[:, y + dy, xx, :] + e * wt
    k_out = k_out[0, ...] if single else k_out
    return from_levels(xp, k_out, int(n_colors), img, nan)


# ---------------------------------------------------------------------------------------- halftone
def cell_bounds(size: int, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(start, stop)`` of the grid cell of each index ``0 .. size - 1``, for cells of ``cell`` pixels
    (``(S,)``): two ``(S, size)`` int64 arrays, the last cell cut at ``size``."""
    c = np.asarray(cell, np.int64).reshape(-1, 1)
    start = (np.arange(size, dtype=np.int64)[None, :] // c) * c
    return start, np.minimum(start + c, size)


def luminance(xp: Any, x: Any, mx: float) -> Any:
    """Luminance in [0, 1] of float32 ``(..., C)`` values in levels of ``mx``: Rec. 601 weights for 3
    channels, the channels' mean otherwise (the channel axis dropped); clipped, NaN kept."""
    c = int(x.shape[-1])
    if c == 3:
        lum = x[..., 0] * LUMA[0] + x[..., 1] * LUMA[1] + x[..., 2] * LUMA[2]
    elif c == 1:
        lum = x[..., 0]
    else:
        lum = xp.sum(x, axis=-1) * float(np.float32(1.0 / c))
    return clip(xp, lum * float(np.float32(1.0 / mx)), 0.0, 1.0)


def halftone_dots(xp: Any, mean: Any, dot_size: np.ndarray, mx: float, h: int, w: int) -> Any:
    """Whether each pixel lies in its cell's dot: ``(N, H, W)`` booleans from the cells' mean colours
    ``mean`` (``(N, H, W, C)`` float32, each pixel carrying its cell's), the dot's radius
    ``L * d / sqrt(2)`` (``L`` the mean's :func:`luminance`, ``d`` the cell size), distances between
    pixel centres and cell centres (float32)."""
    dev = device(mean)
    n = int(dot_size.shape[0])
    y0, _ = cell_bounds(h, dot_size)
    x0, _ = cell_bounds(w, dot_size)
    half = (dot_size.astype(np.float64) / 2.0).reshape(n, 1)
    dy = (np.arange(h) + 0.5 - (y0 + half)).astype(np.float32)
    dx = (np.arange(w) + 0.5 - (x0 + half)).astype(np.float32)
    dyd = xp.reshape(xp.asarray(dy, device=dev), (n, h, 1))
    dxd = xp.reshape(xp.asarray(dx, device=dev), (n, 1, w))
    dist2 = dyd * dyd + dxd * dxd
    scale = (dot_size * np.float32(np.sqrt(0.5))).astype(np.float32)
    r = luminance(xp, mean, mx) * xp.reshape(xp.asarray(scale, device=dev), (n, 1, 1))
    return dist2 <= r * r


@kernel
def halftone(img: Any, /, dot_size: Any, blend: Param) -> Any:
    """Halftone print: the image cut into ``d x d`` cells (``d = dot_size``, from the top-left; the last
    ones cut at the border), each drawn as a dot of its mean colour on black, of radius ``L d /
    sqrt(2)`` (``L`` the mean's luminance in [0, 1]: a white cell is filled, a black one empty) around
    the cell's centre; a pixel belongs to the dot when its centre lies within. Then blended:
    ``x blend + dots (1 - blend)``.

    ``dot_size`` (int >= 1) and ``blend`` (in [0, 1], 1 the identity): scalars or ``(N,)``. Means are
    exact for integer images (float64 sums of an integral image); float32 is clipped to [0, 1] first and a NaN pixel
    counts as 0 in its cell's mean (and stays NaN). Example:
    a 2 x 2 uint8 cell of ``[[0, 0], [0, 200]]`` (mean 50, L = 0.196, radius 0.39 px: no pixel centre
    within, they lie 0.71 px away) with ``blend = 0.5`` gives ``[[0, 0], [0, 100]]``.
    """
    xp = namespace(img)
    single = img.ndim == 3
    x4 = img[None, ...] if single else img
    n, h, w, c = (int(v) for v in x4.shape)
    dev = device(img)
    d = np.ascontiguousarray(np.broadcast_to(np.asarray(dot_size, np.int64).reshape(-1), (n,)))
    y0, y1 = cell_bounds(h, d)
    x0, x1 = cell_bounds(w, d)
    x = xp.astype(x4, xp.float32)
    src = x4
    if is_float(xp, img.dtype):  # clipped first (infinities saturate); NaN counts as 0 in its cell's mean
        x = clip(xp, x, 0.0, 1.0)
        src = xp.where(xp.isnan(x), 0.0, x)
    integral = xp.cumulative_sum(
        xp.cumulative_sum(xp.astype(src, xp.float64), axis=1, include_initial=True),
        axis=2,
        include_initial=True,
    )
    flat = xp.reshape(integral, (n * (h + 1) * (w + 1), c))
    base = (np.arange(n, dtype=np.int64) * ((h + 1) * (w + 1))).reshape(n, 1)

    def corner(rows: np.ndarray, cols: np.ndarray) -> Any:
        r = xp.reshape(xp.asarray(base + rows * (w + 1), device=dev), (n, h, 1))
        idx = xp.reshape(r + xp.reshape(xp.asarray(cols, device=dev), (n, 1, w)), (-1,))
        return xp.reshape(xp.take(flat, idx, axis=0), (n, h, w, c))

    total = (corner(y1, x1) - corner(y0, x1)) - (corner(y1, x0) - corner(y0, x0))
    rows_n = xp.reshape(xp.asarray((y1 - y0).astype(np.float64), device=dev), (n, h, 1, 1))
    cols_n = xp.reshape(xp.asarray((x1 - x0).astype(np.float64), device=dev), (n, 1, w, 1))
    mean = xp.astype(total / (rows_n * cols_n), xp.float32)
    mx = max_value(xp, img.dtype)
    dots = xp.where(halftone_dots(xp, mean, d, mx, h, w)[..., None], mean, 0.0)
    a = np.asarray(blend, np.float32)
    alpha = float(a) if a.ndim == 0 else xp.reshape(xp.asarray(a, device=dev), (n, 1, 1, 1))
    beta = (
        float(np.float32(1.0) - a)
        if a.ndim == 0
        else xp.reshape(xp.asarray(np.float32(1.0) - a, device=dev), (n, 1, 1, 1))
    )
    y = x * alpha + dots * beta
    out = (
        xp.astype(clip(xp, y, 0.0, 1.0), img.dtype)
        if is_float(xp, img.dtype)
        else round_cast(xp, y, img.dtype)
    )
    return out[0, ...] if single else out


__all__: Sequence[str] = ("error_diffusion_dither", "halftone", "ordered_dither", "random_dither", "vignette")
