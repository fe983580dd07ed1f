"""Distortion kernels (array-API only): one generic ``remap`` over per-sample source maps, and the
map generators of the distortion family (elastic random fields, grid distortion).

A *map* is a float32 array ``(H, W, 2)`` (one image, or shared by a batch) or ``(N, H, W, 2)`` (per
sample) on the image's device: for every output pixel, the source position ``(x, y)`` it reads, in
pixel-index coordinates (OpenCV's ``cv2.remap`` convention: the centre of pixel ``(i, j)`` is
``(j, i)``). The identity map is ``map[i, j] = (j, i)``. Interpolation and border codes are OpenCV's
integers (:mod:`xalbu.functional._common`); area remaps as linear and lanczos4 as cubic, as the warp
kernel does.

Elastic fields are a sum of Gaussian bumps with random weights on a coarse lattice of nodes
(:func:`elastic_weights` builds the host matrices): ``field = A_y @ Z @ A_x.T`` per sample and
direction, ``Z`` the counter-based random values of :mod:`xalbu.functional._random` keyed by the
sample's seed. That is white noise smoothed by a Gaussian and upsampled, computed in two small matrix
products whatever the image size (one batched product on the GPU).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _random as R
from xalbu.functional._common import (
    CONSTANT,
    NEAREST,
    sample_at,
    warp_codes,
)
from xalbu.functional._utils import clip, namespace

_BIG = float(2**24)  # source positions are clamped to +-_BIG before becoming indices (as the warp)


# ----------------------------------------------------------------------------------------------
# remap
# ----------------------------------------------------------------------------------------------
@kernel
def remap(img: Any, /, maps: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """Resample ``img`` through source ``maps`` (see the module doc): ``out[i, j] = img(maps[i, j])``.

    ``maps``: float32 ``(Ho, Wo, 2)`` or ``(N, Ho, Wo, 2)`` on ``img``'s device (the output takes its
    size). Interpolation 0/1/2 (3 acts as 1, 4 as 2); taps outside the image take the border rule
    (constant: ``fill``, scalar, per channel, ``(N,)`` or ``(N, C)``). Nearest reads pixel
    ``floor(x + 0.5)`` (ties go up). Non-finite positions read the border. Example: the identity map
    returns the image unchanged, whatever the interpolation.
    """
    xp = namespace(img)
    m4 = maps if maps.ndim == 4 else xp.expand_dims(maps, axis=0)
    interp, border_mode = warp_codes(interpolation, border_mode)

    def clamp(t: Any) -> Any:
        return clip(xp, xp.where(xp.isnan(t), -_BIG, t), -_BIG, _BIG)

    u, v = clamp(m4[..., 0]), clamp(m4[..., 1])
    return sample_at(img, u, v, interp, border_mode, fill)


# ----------------------------------------------------------------------------------------------
# maps
# ----------------------------------------------------------------------------------------------
def _identity(xp: Any, hw: Sequence[int], dev: Any) -> tuple[Any, Any]:
    h, w = int(hw[0]), int(hw[1])
    jj = xp.reshape(xp.arange(w, dtype=xp.float32, device=dev), (1, 1, w))
    ii = xp.reshape(xp.arange(h, dtype=xp.float32, device=dev), (1, h, 1))
    return jj, ii


def _finish_maps(xp: Any, mx: Any, my: Any, batched: bool) -> Any:
    maps = xp.stack([mx, my], axis=-1)
    return maps if batched else maps[0, ...]


@kernel
def grid_maps(like: Any, /, xx: Any, yy: Any) -> Any:
    """Separable maps: ``map[i, j] = (xx[j], yy[i])`` on ``like``'s device.

    ``xx``: host ``(W,)`` or ``(N, W)``, ``yy``: ``(H,)`` or ``(N, H)`` source positions (index
    coordinates); per-sample arrays give ``(N, H, W, 2)``. Example: ``xx = arange(W)``,
    ``yy = arange(H)`` is the identity map.
    """
    xp = namespace(like)
    dev = device(like)
    x = np.asarray(xx, np.float32)
    y = np.asarray(yy, np.float32)
    batched = x.ndim == 2
    x2 = x if batched else x[None]
    y2 = y if batched else y[None]
    n, h, w = x2.shape[0], y2.shape[1], x2.shape[1]
    mx = xp.broadcast_to(xp.reshape(xp.asarray(x2, device=dev), (n, 1, w)), (n, h, w))
    my = xp.broadcast_to(xp.reshape(xp.asarray(y2, device=dev), (n, h, 1)), (n, h, w))
    return _finish_maps(xp, mx, my, batched)


@kernel
def remap_separable(img: Any, /, xx: Any, yy: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """``remap`` through the separable map ``map[i, j] = (xx[j], yy[i])`` (:func:`grid_maps`).

    ``xx``: host ``(W,)`` or ``(N, W)``, ``yy``: host ``(H,)`` or ``(N, H)``. Backends that can
    resample such a map faster than a full map override this. Example: ``xx = arange(W)``,
    ``yy = arange(H)`` returns the image unchanged.
    """
    return remap(img, grid_maps(img, xx, yy), interpolation, border_mode, fill)


def grid_positions(cells: np.ndarray, size: int) -> np.ndarray:
    """Host source positions ``(size,)`` / ``(N, size)`` of one axis of a grid of cells.

    ``cells``: ``(K, 2)`` or ``(N, K, 2)`` rows ``(begin, step)``, ``K >= 2``: the axis is cut into
    ``K - 1`` cells of ``size // (K - 1)`` pixels and a last one of what is left (maybe none);
    pixel ``j``, the ``l``-th of cell ``k``, reads ``begin[k] + step[k] * l`` (float64).

    >>> grid_positions(np.array([[0.0, 2.0], [4.0, 0.5], [5.0, 1.0]]), 5).tolist()
    [0.0, 2.0, 4.0, 4.5, 5.0]
    """
    cells = np.asarray(cells, np.float64)
    k, local = _cell_index(size, cells.shape[-2])
    return cells[..., k, 0] + cells[..., k, 1] * local


@functools.lru_cache(maxsize=128)
def grid_layout(size: int, count: int) -> tuple[int, tuple[int, ...], float]:
    """``(cell, firsts, quantum)`` of a grid of ``count`` cells over ``size`` pixels: ``count - 1``
    cells of ``cell = size // (count - 1)`` pixels and a last one of what is left; the first pixel
    of each non-empty cell; and ``2**q``, ``q = 21 - bit_length(size)``, the grid's step quantum
    (GridDistortion's steps are whole multiples of ``1 / quantum``, so that every position is a
    float32 number: :func:`~xalbu.transforms.distortion.grid_cells`).

    >>> grid_layout(10, 3)
    (5, (0, 5), 131072.0)
    """
    if count < 2 or size < count - 1:
        raise ValueError(f"grid: {count} cells need at least {count - 1} pixels, got {size}")
    cell = size // (count - 1)
    firsts = tuple(range(0, min(count * cell, size), cell))
    return cell, firsts, 2.0 ** max(21 - int(size).bit_length(), 0)


@functools.lru_cache(maxsize=64)
def _cell_index(size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's cell and its index in it (float64), for ``count`` cells over ``size`` pixels."""
    cell = grid_layout(size, count)[0]
    j = np.arange(size)
    k = np.minimum(j // cell, count - 1)
    local = (j - k * cell).astype(np.float64)
    for a in (k, local):
        a.flags.writeable = False
    return k, local


@kernel
def grid_remap(img: Any, /, xcells: Any, ycells: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """``remap_separable`` through the axes of two grids of cells (:func:`grid_positions`), host
    ``(K, 2)`` or ``(N, K, 2)`` arrays of ``(begin, step)`` per cell (GridDistortion's cells).
    Backends override it where a cell's affine piece resamples faster as a whole (the OpenCV
    backend: one ``cv2.warpAffine`` per pair of cells). Example: one cell of step 1 from 0 per
    axis, ``[[0, 1], [0, 1]]``, returns the image unchanged.
    """
    h, w = img.shape[-3], img.shape[-2]
    xx, yy = grid_positions(xcells, w), grid_positions(ycells, h)
    return remap_separable(img, xx, yy, interpolation, border_mode, fill)


@functools.lru_cache(maxsize=64)
def _opencv_gaussian(sigma: float, ksize: int) -> np.ndarray:
    """OpenCV's normalised 1-D Gaussian taps (``cv2.getGaussianKernel(ksize, sigma)``, float64)."""
    r = (ksize - 1) / 2
    x = np.arange(ksize, dtype=np.float64) - r
    g = np.exp(-(x * x) / (2 * sigma * sigma))
    return g / g.sum()


def median_max_abs(count: int) -> float:
    """The median of the largest ``|z|`` of ``count`` standard normal values.

    albumentations 2.0.8 divides its normal field by that (random) maximum; xalbu divides by its
    median, so that fields keep the same strength without a pass over the field.

    >>> round(median_max_abs(2 * 256 * 256), 2)
    4.55
    """
    q = 0.5 ** (1.0 / max(int(count), 1))
    return NormalDist().inv_cdf((1.0 + q) / 2.0)


@functools.lru_cache(maxsize=64)
def elastic_weights(size: int, sigma: float, approximate: bool) -> np.ndarray:
    """Host float32 ``(size, nodes)``: the Gaussian bumps of the lattice nodes along one axis.

    The field along this axis has the spread and the strength of white noise of variance 1 smoothed
    by ``sigma`` (the kernel OpenCV's ``GaussianBlur`` uses: radius ``4 sigma`` with float data, or
    17 taps with ``approximate``): the bumps have the kernel's standard deviation, the nodes are
    ``std`` pixels apart, from ``4 std`` before the first pixel to ``4 std`` past the last, and
    each row is scaled so that the sum of its squares is the sum of the squares of the kernel's taps
    (the variance of the smoothed noise). With a kernel std of 2 px or less the nodes are the pixels
    and the rows are the kernel's taps: exactly white noise smoothed by the kernel.
    """
    ksize = 17 if approximate else max(int(round(sigma * 8 + 1)) | 1, 3)
    taps = _opencv_gaussian(float(sigma), ksize)
    r = (ksize - 1) / 2
    std = math.sqrt(float(np.sum(taps * (np.arange(ksize) - r) ** 2)))
    target = float(np.sum(taps * taps))
    if std <= 2.0:  # nodes on the pixels: exactly the kernel's taps (a convolution of white noise)
        lo, hi = -int(r), size - 1 + int(r)
        d = np.arange(size)[:, None] - np.arange(lo, hi + 1)[None, :]
        a = np.where(np.abs(d) <= r, taps[np.clip(d + int(r), 0, ksize - 1)], 0.0)
    else:
        step = std
        reach = 4.0 * std
        nodes = np.arange(-math.ceil(reach / step), math.ceil((size - 1 + reach) / step) + 1) * step
        dist = np.arange(size, dtype=np.float64)[:, None] - nodes[None, :]
        a = np.exp(-(dist * dist) / (2 * std * std))
        a[np.abs(dist) > reach + step] = 0.0
        a *= np.sqrt(target / np.sum(a * a, axis=1, keepdims=True))
    out = np.ascontiguousarray(a, np.float32)
    out.flags.writeable = False
    return out


def elastic_scale(count: int, uniform: bool) -> float:
    """What the random values are multiplied by before ``alpha``: ``1 / median_max_abs(count)`` for
    normal values (``count`` of them per sample in albumentations), 1 for uniform ones."""
    return 1.0 if uniform else 1.0 / median_max_abs(count)


@kernel
def elastic_maps(
    like: Any,
    /,
    seeds: Any,
    alpha: Any,
    hw: Sequence[int],
    sigma: float,
    approximate: bool,
    same: bool,
    uniform: bool,
) -> Any:
    """Elastic maps: identity plus ``alpha`` times a smooth random displacement field per sample.

    ``seeds``: an int (gives ``(H, W, 2)``) or a host ``(N,)`` integer array (gives ``(N, H, W, 2)``);
    ``alpha``: a scalar or ``(N,)`` (0 gives the identity map); the field per direction is
    ``A_y @ Z @ A_x.T`` (:func:`elastic_weights`) with ``Z`` from the seed's counter-based random
    values: standard normal divided by :func:`median_max_abs` of the pixel count, or uniform on
    ``[-1, 1)``; ``same``: one field for both directions. Example: ``alpha = 0`` is the identity.
    """
    xp = namespace(like)
    dev = device(like)
    h, w = int(hw[0]), int(hw[1])
    ay, ax = (
        elastic_weights(h, float(sigma), bool(approximate)),
        elastic_weights(w, float(sigma), bool(approximate)),
    )
    ny, nx = ay.shape[1], ax.shape[1]
    k = 1 if same else 2
    batched = np.ndim(seeds) != 0
    s = R.seeds_array(seeds)
    n = s.shape[0]
    bits = R.philox_u16(like, s, k * ny * nx)
    z = R.lookup(xp, R.unit_table() if uniform else R.normal_table(), bits)
    if uniform:
        z = z * 2.0 - 1.0
    scale = elastic_scale(k * h * w, uniform)
    a = np.broadcast_to(np.asarray(alpha, np.float64), (n,)) * scale
    z = xp.reshape(z, (n, k, ny, nx)) * xp.reshape(xp.asarray(a.astype(np.float32), device=dev), (n, 1, 1, 1))
    fields = xp.matmul(
        xp.matmul(xp.asarray(ay, device=dev), z), xp.asarray(np.ascontiguousarray(ax.T), device=dev)
    )
    jj, ii = _identity(xp, (h, w), dev)
    mx = fields[:, 0, ...] + jj
    my = fields[:, k - 1, ...] + ii
    return _finish_maps(xp, mx, my, batched)


@kernel
def optical_maps(like: Any, /, k: Any, hw: Sequence[int], fisheye: bool) -> Any:
    """Radial (lens) distortion maps with coefficient ``k`` (a scalar, or ``(N,)`` per sample).

    Camera model (``fisheye=False``): OpenCV's ``initUndistortRectifyMap`` with focal lengths ``W`` and
    ``H`` and coefficients ``k1 = k2 = k`` about the image's centre ``c = ((W - 1) / 2, (H - 1) / 2)``
    (index coordinates): with ``x = (j - c_x) / W``, ``y = (i - c_y) / H`` and ``r2 = x^2 + y^2``, pixel
    ``(i, j)`` reads ``(c_x + W x f, c_y + H y f)``, ``f = 1 + k r2 + k r2^2``. Fisheye model (as
    albumentations 2.0.8): about ``(W / 2, H / 2)``, ``f = 1 + k r^2 / R^2``, ``r`` the distance to the
    centre in pixels and ``R`` its largest value. A scalar ``k`` gives ``(H, W, 2)``, an array
    ``(N, H, W, 2)``. Example: ``k = 0`` is the identity.
    """
    xp = namespace(like)
    dev = device(like)
    h, w = int(hw[0]), int(hw[1])
    batched = np.ndim(k) != 0
    kk = np.asarray(k, np.float32).reshape(-1, 1, 1)
    kd = xp.asarray(kk, device=dev)
    jj, ii = _identity(xp, (h, w), dev)
    if fisheye:
        cx, cy = w / 2.0, h / 2.0
        x, y = jj - cx, ii - cy
        big = max(cx, w - cx) ** 2 + max(cy, h - cy) ** 2
        f = 1.0 + kd * ((x * x + y * y) / big)
        mx, my = x * f + cx, y * f + cy
    else:
        cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
        x, y = (jj - cx) / w, (ii - cy) / h
        r2 = x * x + y * y
        f = 1.0 + kd * r2 + kd * (r2 * r2)
        mx, my = (x * f) * w + cx, (y * f) * h + cy
    n = kk.shape[0]
    return _finish_maps(xp, xp.broadcast_to(mx, (n, h, w)), xp.broadcast_to(my, (n, h, w)), batched)


@kernel
def mesh_maps(like: Any, /, points: Any, shape: Any, hw: Sequence[int]) -> Any:
    """Piecewise affine maps: a regular ``rows x cols`` grid of nodes over the image (``linspace(0,
    W - 1, cols)`` by ``linspace(0, H - 1, rows)``), each cell cut into two triangles along its
    ``(0, 0)``-``(1, 1)`` diagonal; an output pixel reads the linear interpolation, on its triangle,
    of the source positions ``points`` of the triangle's nodes.

    ``points``: host ``(R, C, 2)`` source ``(x, y)`` of the nodes, or ``(N, R, C, 2)`` padded to the
    largest grid with ``shape`` ``(N, 2)`` the ``(rows, cols)`` of each sample (``shape`` ``(2,)``
    for one grid). Nodes at their own positions give the identity. Example: one cell (a 2 x 2 grid)
    whose nodes all move by ``(1, 0)`` reads every pixel one pixel to the right.
    """
    xp = namespace(like)
    dev = device(like)
    h, w = int(hw[0]), int(hw[1])
    pts = np.asarray(points, np.float64)
    batched = pts.ndim == 4
    pts = pts if batched else pts[None]
    sh = np.asarray(shape, np.int64).reshape(-1, 2)
    n, rmax, cmax = pts.shape[0], pts.shape[1], pts.shape[2]
    rows, cols = np.broadcast_to(sh[:, 0], (n,)), np.broadcast_to(sh[:, 1], (n,))
    step_x = (w - 1) / np.maximum(cols - 1, 1)  # (N,)
    step_y = (h - 1) / np.maximum(rows - 1, 1)
    gx = np.arange(w, dtype=np.float64)[None, :] / np.where(step_x > 0, step_x, 1.0)[:, None]  # (N, W)
    gy = np.arange(h, dtype=np.float64)[None, :] / np.where(step_y > 0, step_y, 1.0)[:, None]
    cx = np.clip(np.floor(gx), 0, np.maximum(cols - 2, 0)[:, None]).astype(np.int64)
    cy = np.clip(np.floor(gy), 0, np.maximum(rows - 2, 0)[:, None]).astype(np.int64)
    u = xp.asarray((gx - cx).astype(np.float32), device=dev)[:, None, :]  # (N, 1, W)
    v = xp.asarray((gy - cy).astype(np.float32), device=dev)[:, :, None]  # (N, H, 1)
    flat = xp.asarray(pts.reshape(n * rmax * cmax, 2).astype(np.float32), device=dev)
    base = (np.arange(n) * rmax * cmax)[:, None, None] + cy[:, :, None] * cmax + cx[:, None, :]  # (N, H, W)
    base_d = xp.asarray(base.reshape(-1), device=dev)

    def node(dr: int, dc: int) -> Any:
        return xp.reshape(xp.take(flat, base_d + (dr * cmax + dc), axis=0), (n, h, w, 2))

    p00, p01, p10, p11 = node(0, 0), node(0, 1), node(1, 0), node(1, 1)  # p{row}{col}
    u4, v4 = xp.expand_dims(u, axis=-1), xp.expand_dims(v, axis=-1)
    upper = p00 + u4 * (p01 - p00) + v4 * (p11 - p01)  # u >= v: nodes (0,0), (0,1), (1,1)
    lower = p00 + v4 * (p10 - p00) + u4 * (p11 - p10)  # u < v: nodes (0,0), (1,0), (1,1)
    maps = xp.where(xp.expand_dims(u >= v, axis=-1), upper, lower)
    return maps if batched else maps[0, ...]


def tps_fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thin-plate spline through ``src -> dst`` (host, float64): ``(K, 2)`` kernel weights and
    ``(3, 2)`` affine part, ``f(p) = sum_k U(|p - src_k|^2) w_k + [1, p] @ a`` with
    ``U(s) = s log s``; ``dst`` may have a leading N axis (batched solve). Example: ``dst = src`` gives
    zero weights and the identity affine part."""
    c = np.asarray(src, np.float64)
    d = np.asarray(dst, np.float64)
    batched = d.ndim == 3
    d = d if batched else d[None]
    k = c.shape[0]
    sq = ((c[:, None, :] - c[None, :, :]) ** 2).sum(-1)
    u = np.where(sq > 0, sq * np.log(np.where(sq > 0, sq, 1.0)), 0.0)
    p = np.concatenate([np.ones((k, 1)), c], axis=1)
    system = np.zeros((k + 3, k + 3))
    system[:k, :k], system[:k, k:], system[k:, :k] = u, p, p.T
    rhs = np.zeros((d.shape[0], k + 3, 2))
    rhs[:, :k] = d
    sol = np.linalg.solve(np.broadcast_to(system, (d.shape[0], k + 3, k + 3)), rhs)
    w, a = sol[:, :k], sol[:, k:]
    return (w, a) if batched else (w[0], a[0])


@kernel
def tps_maps(like: Any, /, src: Any, weights: Any, affine: Any, hw: Sequence[int]) -> Any:
    """Thin-plate-spline maps: pixel ``(i, j)`` at ``p = (j / W, i / H)`` reads
    ``f(p) * (W, H)`` with ``f`` from :func:`tps_fit` (``src`` ``(K, 2)`` nodes in the same unit
    square; ``weights`` ``(K, 2)`` / ``(N, K, 2)``, ``affine`` ``(3, 2)`` / ``(N, 3, 2)``). Example:
    zero weights and the identity affine part give the identity map.
    """
    xp = namespace(like)
    dev = device(like)
    h, w = int(hw[0]), int(hw[1])
    wt = np.asarray(weights, np.float64)
    af = np.asarray(affine, np.float64)
    batched = wt.ndim == 3
    wt, af = (wt, af) if batched else (wt[None], af[None])
    n = wt.shape[0]
    px = xp.reshape(xp.arange(w, dtype=xp.float32, device=dev) / w, (1, 1, w))
    py = xp.reshape(xp.arange(h, dtype=xp.float32, device=dev) / h, (1, h, 1))

    def per_sample(v: np.ndarray) -> Any:
        return xp.reshape(xp.asarray(v.astype(np.float32), device=dev), (n, 1, 1))

    fx = per_sample(af[:, 0, 0]) + per_sample(af[:, 1, 0]) * px + per_sample(af[:, 2, 0]) * py
    fy = per_sample(af[:, 0, 1]) + per_sample(af[:, 1, 1]) * px + per_sample(af[:, 2, 1]) * py
    for k, (cx, cy) in enumerate(np.asarray(src, np.float64).tolist()):
        sq = (px - cx) ** 2 + (py - cy) ** 2
        u = xp.where(sq > 0, sq * xp.log(xp.where(sq > 0, sq, 1.0)), 0.0)
        fx = fx + u * per_sample(wt[:, k, 0])
        fy = fy + u * per_sample(wt[:, k, 1])
    return _finish_maps(xp, fx * w, fy * h, batched)


@kernel
def quad_maps(like: Any, /, ys: Any, xs: Any, vertices: Any) -> Any:
    """Maps that read each cell of the grid cut at rows ``ys`` and columns ``xs`` from the
    quadrilateral of its moved corners, bilinearly: pixel ``(i, j)`` at fractions ``(u, v)`` of its
    cell reads ``(1 - u)(1 - v) V00 + u (1 - v) V01 + (1 - u) v V10 + u v V11``.

    ``ys`` ``(R + 1,)`` / ``xs`` ``(C + 1,)``: edges from 0 to H / W; ``vertices`` ``(R + 1, C + 1,
    2)``: each grid vertex's source ``(x, y)`` (or each with a leading N axis). Cells share their
    edges, so the map is continuous; vertices at their own positions give the identity. Example: the
    inner vertex of a 2 x 2 grid moved by ``(1, 0)`` reads one pixel to the right at that vertex.
    """
    xp = namespace(like)
    dev = device(like)
    v = np.asarray(vertices, np.float64)
    batched = v.ndim == 4
    y = np.asarray(ys, np.float64)
    x = np.asarray(xs, np.float64)
    y, x, v = (y, x, v) if batched else (y[None], x[None], v[None])
    n, rows, cols = v.shape[0], v.shape[1] - 1, v.shape[2] - 1
    h, w = int(y[0, -1]), int(x[0, -1])
    ci = np.minimum((y[:, None, 1:] <= np.arange(h)[None, :, None]).sum(axis=2), rows - 1)  # (N, H)
    cj = np.minimum((x[:, None, 1:] <= np.arange(w)[None, :, None]).sum(axis=2), cols - 1)  # (N, W)
    take = np.take_along_axis
    y0, y1 = take(y, ci, axis=1), take(y, ci + 1, axis=1)
    x0, x1 = take(x, cj, axis=1), take(x, cj + 1, axis=1)
    fv = (np.arange(h)[None] - y0) / np.maximum(y1 - y0, 1)
    fu = (np.arange(w)[None] - x0) / np.maximum(x1 - x0, 1)
    u = xp.reshape(xp.asarray(fu.astype(np.float32), device=dev), (n, 1, w, 1))
    vv = xp.reshape(xp.asarray(fv.astype(np.float32), device=dev), (n, h, 1, 1))
    flat = xp.asarray(v.reshape(-1, 2).astype(np.float32), device=dev)
    stride = (rows + 1) * (cols + 1)
    base = (np.arange(n) * stride)[:, None, None] + ci[:, :, None] * (cols + 1) + cj[:, None, :]
    base_d = xp.asarray(base.reshape(-1), device=dev)

    def corner(dr: int, dc: int) -> Any:
        return xp.reshape(xp.take(flat, base_d + (dr * (cols + 1) + dc), axis=0), (n, h, w, 2))

    top = corner(0, 0) + u * (corner(0, 1) - corner(0, 0))
    bottom = corner(1, 0) + u * (corner(1, 1) - corner(1, 0))
    maps = top + vv * (bottom - top)
    return maps if batched else maps[0, ...]


def _tile_offsets(
    ys: Any, xs: Any, mapping: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Host ``(N, H)`` row-tile and ``(N, W)`` column-tile indices of the output pixels and ``(N, T)``
    source-minus-destination offsets (x and y) of each destination tile, for :func:`tile_maps`."""
    y = np.asarray(ys, np.int64)
    x = np.asarray(xs, np.int64)
    m = np.asarray(mapping, np.int64)
    batched = m.ndim == 2
    y, x, m = (a if batched else a[None] for a in (y, x, m))
    rows, cols = y.shape[1] - 1, x.shape[1] - 1
    h, w = int(y[0, -1]), int(x[0, -1])
    ri = (y[:, None, 1:] <= np.arange(h)[None, :, None]).sum(axis=2)  # the row tile of each output row
    cj = (x[:, None, 1:] <= np.arange(w)[None, :, None]).sum(axis=2)
    tiles = np.arange(rows * cols)
    inv = np.empty_like(m)
    np.put_along_axis(inv, m, np.broadcast_to(tiles, m.shape), axis=1)  # destination tile -> source tile
    r_d, c_d = tiles // cols, tiles % cols
    r_s, c_s = inv // cols, inv % cols
    take = np.take_along_axis
    dx = take(x, c_s, axis=1) - x[:, c_d]
    dy = take(y, r_s, axis=1) - y[:, r_d]
    return ri * cols, cj, dx, dy, batched


@kernel
def tile_maps(like: Any, /, ys: Any, xs: Any, mapping: Any) -> Any:
    """Maps that move whole tiles: tile ``t`` of the grid cut at rows ``ys`` and columns ``xs`` goes to
    where tile ``mapping[t]`` was (tiles numbered row by row; tiles swapped have the same size).

    ``ys``: ``(R + 1,)`` row edges from 0 to H, ``xs``: ``(C + 1,)``, ``mapping``: ``(R * C,)`` (or
    each with a leading N axis: ``(N, H, W, 2)``). Whole-pixel positions: any interpolation reads the
    pixels themselves. Example: ``mapping = [1, 0]`` on a 1 x 2 grid swaps the halves.
    """
    xp = namespace(like)
    dev = device(like)
    ri, cj, dx, dy, batched = _tile_offsets(ys, xs, mapping)
    n, h, w, t = ri.shape[0], ri.shape[1], cj.shape[1], dx.shape[1]
    tile = xp.reshape(xp.asarray(ri, device=dev), (n, h, 1)) + xp.reshape(
        xp.asarray(cj, device=dev), (n, 1, w)
    )
    flat = xp.reshape(tile + xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * t, (n, 1, 1)), (-1,))
    ox = xp.reshape(
        xp.take(xp.asarray(dx.reshape(-1).astype(np.float32), device=dev), flat, axis=0), (n, h, w)
    )
    oy = xp.reshape(
        xp.take(xp.asarray(dy.reshape(-1).astype(np.float32), device=dev), flat, axis=0), (n, h, w)
    )
    jj, ii = _identity(xp, (h, w), dev)
    return _finish_maps(xp, ox + jj, oy + ii, batched)


@kernel
def shuffle_tiles(img: Any, /, ys: Any, xs: Any, mapping: Any) -> Any:
    """Move whole tiles of ``img`` (see :func:`tile_maps`): a nearest ``remap`` through those maps,
    exact for every dtype. Example: ``mapping = [1, 0]`` on a 1 x 2 grid swaps the halves."""
    return remap(img, tile_maps(img, ys, xs, mapping), NEAREST, CONSTANT, 0)


def _identity_value(xp: Any, dtype: Any, dilate: bool) -> Any:
    """The value that never wins a max (dilation) or a min (erosion) in ``dtype``."""
    if dtype == xp.bool:
        return not dilate
    if xp.isdtype(dtype, "real floating"):
        return -math.inf if dilate else math.inf
    info = xp.iinfo(dtype)
    return info.min if dilate else info.max


def _shifted(xp: Any, x: Any, dy: int, dx: int, fill: Any) -> Any:
    """``out[y, x] = x[y + dy, x + dx]`` on the (H, W) axes of NHWC ``x``; ``fill`` outside."""
    n, h, w, c = x.shape
    dev = device(x)
    if abs(dy) >= h or abs(dx) >= w:
        return xp.full(x.shape, fill, dtype=x.dtype, device=dev)
    if dy:
        part = x[:, dy:, ...] if dy > 0 else x[:, :dy, ...]
        pad = xp.full((n, abs(dy), w, c), fill, dtype=x.dtype, device=dev)
        x = xp.concat([part, pad] if dy > 0 else [pad, part], axis=1)
    if dx:
        part = x[:, :, dx:, :] if dx > 0 else x[:, :, :dx, :]
        pad = xp.full((n, h, abs(dx), c), fill, dtype=x.dtype, device=dev)
        x = xp.concat([part, pad] if dx > 0 else [pad, part], axis=2)
    return x


@kernel
def morphology(img: Any, /, kernel: Any, dilate: bool) -> Any:
    """Grey dilation (``dilate``: the largest value under the kernel) or erosion (the smallest).

    ``kernel``: a host ``(kh, kw)`` array, non-zero taps used, anchored at ``(kh // 2, kw // 2)``
    (OpenCV's ``cv2.dilate``/``cv2.erode``): output pixel ``(y, x)`` takes the max/min of
    ``img[y + i - kh // 2, x + j - kw // 2]`` over the taps ``(i, j)``; pixels outside the image are
    ignored. Any dtype, HWC or NHWC. Example: a 3 x 3 cross dilates a single bright pixel into a cross.
    """
    xp = namespace(img)
    x4 = img if img.ndim == 4 else xp.expand_dims(img, axis=0)
    k = np.asarray(kernel) != 0
    ay, ax = k.shape[0] // 2, k.shape[1] // 2
    fill = _identity_value(xp, img.dtype, dilate)
    if img.dtype == xp.bool:
        op = xp.logical_or if dilate else xp.logical_and
    else:
        op = xp.maximum if dilate else xp.minimum
    out = None
    for i, j in zip(*np.nonzero(k), strict=True):
        s = _shifted(xp, x4, int(i) - ay, int(j) - ax, fill)
        out = s if out is None else op(out, s)
    if out is None:
        out = xp.full(x4.shape, fill, dtype=img.dtype, device=device(img))
    return out if img.ndim == 4 else out[0, ...]


__all__: Sequence[str] = (
    "elastic_maps",
    "elastic_scale",
    "elastic_weights",
    "grid_layout",
    "grid_maps",
    "grid_positions",
    "grid_remap",
    "median_max_abs",
    "mesh_maps",
    "morphology",
    "optical_maps",
    "quad_maps",
    "remap",
    "remap_separable",
    "shuffle_tiles",
    "tile_maps",
    "tps_fit",
    "tps_maps",
)
