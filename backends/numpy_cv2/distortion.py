"""OpenCV / NumPy overrides of the distortion family's ``remap`` kernels (CPU): ``cv2.remap``.

Same contract as the generic kernels (:mod:`xalbu.functional.distortion`): a fresh C-contiguous
array, per-sample maps ``(N, H, W, 2)`` or one shared map, per sample and in chunks of at most 4
channels (see :mod:`._cv`). Declines (``NotImplemented``: the generic kernel runs) for dtypes OpenCV
lacks, sides of 32767 and more, and positions past +-2**20 px. The maps stay float32: OpenCV 5
interpolates float maps in float (its fixed-point maps, ``cv2.convertMaps``, would read positions
to 1/32 px only: up to 6 levels off on uint8 noise, most pixels off by some). OpenCV's nearest
rounds exact ``.5`` ties half to even (the generic kernel: up), so nearest remaps get the generic
kernel's pixels ``floor(x + 0.5)`` as whole-number maps.

A grid of affine cells (GridDistortion's: :func:`~xalbu.transforms.distortion.grid_cells`)
resamples a uint8 image linearly as one ``cv2.warpAffine`` per pair of cells (``grid_remap``), with
exactly the pixels of the remap through the cells' positions: OpenCV 5 warps with the remap's float
kernels (with IPP for the constant border), reading no maps.
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import distortion as F
from xalbu.functional._common import NEAREST, REFLECT_101, host_fill, warp_codes

from ._cv import _border_value, _chunked, _per_sample, _scratch, _simple_border, _usable

_MAX_SIDE = 32767
_MAX_COORD = float(2**20)
_FLAGS = {0: cv2.INTER_NEAREST, 1: cv2.INTER_LINEAR, 2: cv2.INTER_CUBIC}


def _declines(
    img: np.ndarray, interp: int, border_mode: int, sides: tuple[int, ...], lo: float, hi: float
) -> bool:
    if not _usable(img, blend=interp != NEAREST):
        return True
    if min(sides) < 1 or max(sides) >= _MAX_SIDE:
        return True
    if border_mode == REFLECT_101 and min(img.shape[-3:-1]) == 1:
        return True
    return not (lo >= -_MAX_COORD and hi <= _MAX_COORD)  # NaN fails too


def _remap(c: np.ndarray, m1: np.ndarray, m2: Any, flag: int, border_mode: int, value: Any) -> np.ndarray:
    """One ``cv2.remap`` of <= 4 channels; 2 channels run as 1 + 1 (OpenCV's 2-channel remap reads
    float maps in fixed point, the others in float)."""
    if c.shape[-1] == 2:
        parts = [
            cv2.remap(
                np.ascontiguousarray(c[..., k]), m1, m2, flag, borderMode=border_mode, borderValue=value[k:]
            )
            for k in range(2)
        ]
        return cv2.merge(parts)
    out = cv2.remap(c, m1, m2, flag, borderMode=border_mode, borderValue=value)
    return out if out.ndim == 3 else out[..., None]


def _run(img: np.ndarray, maps_of: Any, flag: int, border_mode: int, fill: Any) -> np.ndarray:
    """``cv2.remap`` per sample (``maps_of(i)``: the sample's ``(map1, map2)``) and channel chunk."""
    value = _simple_border(fill, img)
    if value is not None:  # one image of <= 4 channels
        m1, m2 = maps_of(0)
        return _remap(img, m1, m2, flag, border_mode, value)
    n = img.shape[0] if img.ndim == 4 else None
    fills = host_fill(fill, img.dtype.name, img.shape[-1], n)

    def one(s: np.ndarray, i: int) -> np.ndarray:
        m1, m2 = maps_of(i)

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return _remap(c, m1, m2, flag, border_mode, _border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)


@register(F.remap, "numpy_cv2")
def remap(img: np.ndarray, /, maps: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """``cv2.remap`` on the float maps; same contract as the generic ``remap``."""
    interp, border_mode = warp_codes(interpolation, border_mode)
    if not isinstance(maps, np.ndarray) or maps.ndim not in (3, 4) or maps.shape[-1] != 2:
        return NotImplemented
    m = (
        maps
        if maps.dtype == np.float32 and maps.flags.c_contiguous
        else np.ascontiguousarray(maps, np.float32)
    )
    sides = (*img.shape[-3:-1], *m.shape[-3:-1])
    if _declines(img, interp, border_mode, sides, float(m.min()), float(m.max())):
        return NotImplemented
    if interp == NEAREST:  # the generic kernel's pixel, floor(x + 0.5), exactly (masks only)
        m = np.floor(m + np.float32(0.5))
    shared = m.ndim == 3
    return _run(img, lambda i: (m if shared else m[i], None), _FLAGS[interp], border_mode, fill)


@register(F.remap_separable, "numpy_cv2")
def remap_separable(
    img: np.ndarray, /, xx: Any, yy: Any, interpolation: int, border_mode: int, fill: Any
) -> Any:
    """``cv2.remap`` on ``(H, W)`` x and y float maps broadcast from the two axes."""
    interp, border_mode = warp_codes(interpolation, border_mode)
    x = np.asarray(xx, np.float32)
    y = np.asarray(yy, np.float32)
    if interp == NEAREST:
        x, y = np.floor(x + np.float32(0.5)), np.floor(y + np.float32(0.5))
    sides = (*img.shape[-3:-1], x.shape[-1], y.shape[-1])
    lo, hi = min(float(x.min()), float(y.min())), max(float(x.max()), float(y.max()))
    if _declines(img, interp, border_mode, sides, lo, hi):
        return NotImplemented
    shape = (y.shape[-1], x.shape[-1])

    mx = _scratch("separable_x", shape, np.dtype(np.float32))  # used within this call only
    my = _scratch("separable_y", shape, np.dtype(np.float32))

    def maps_of(i: int) -> tuple[np.ndarray, np.ndarray]:
        mx[...] = x if x.ndim == 1 else x[i]
        my[...] = (y if y.ndim == 1 else y[i])[:, None]
        return mx, my

    if x.ndim == 1 and y.ndim == 1:
        both = maps_of(0)
        return _run(img, lambda i: both, _FLAGS[interp], border_mode, fill)
    return _run(img, maps_of, _FLAGS[interp], border_mode, fill)


# ----------------------------------------------------------------------------------------------
# grids of affine cells: one warpAffine per pair of cells
# ----------------------------------------------------------------------------------------------
# OpenCV 5's warpAffine and remap share their float bilinear kernels, but not exactly everywhere:
# some pixels next to the border that a SIMD block reaching outside the image computes (which pixels
# those are differs between a tile and a whole row) come out differently for uint16 and float32
# (constant border) and with BORDER_REPLICATE. uint8 with the other borders is exactly the remap
# (tests/families/test_distortion.py); the others keep the remap.
_TILE_DTYPES = frozenset((np.dtype(np.uint8),))
_TILE_CHANNELS = (1, 3, 4)
_TILE_BORDERS = frozenset((0, 2, 3, 4))
_MAX_CELLS = 64  # per axis
_MIN_TILE_PIXELS = 1024  # average output pixels per warpAffine call (a call costs ~1.5 us)


def _tiles_apply(img: np.ndarray, interp: int, border_mode: int) -> bool:
    return (
        interp == 1
        and img.dtype in _TILE_DTYPES
        and img.shape[-1] in _TILE_CHANNELS
        and border_mode in _TILE_BORDERS
    )


def _cell_pieces(cells: np.ndarray, size: int) -> Any:
    """The affine pieces ``(firsts, ends, steps, begins, lo, hi)`` of one axis' ``(K, 2)`` cells
    (a one-pixel last cell at the end of the stretch before joins that cell; empty cells go), or
    ``None`` where a piece's positions are not exact for OpenCV's warp.

    Exact: begins and steps are whole multiples of ``2**-q`` (the grid's quantum,
    :func:`~xalbu.functional.distortion.grid_layout`) and every position ``begin + step * l`` and step is below ``2**(24 - q)``
    and ``2**20``: a float32 number, and OpenCV's float32 multiply-add of the piece's begin and step
    (and of its float64 tail) gives the position itself, no rounding (the positions
    :func:`~xalbu.functional.distortion.grid_positions` gives the remap, read in float32)."""
    count = len(cells)
    if count > _MAX_CELLS:
        return None
    cell, firsts, quantum = F.grid_layout(size, count)
    rows = cells.tolist()
    p = len(firsts)
    if p > 1 and size - firsts[-1] == 1 and rows[p - 1][0] == rows[p - 2][0] + rows[p - 2][1] * cell:
        p -= 1
        firsts = firsts[:p]
    ends = (*firsts[1:], size)
    begins = [r[0] for r in rows[:p]]
    steps = [r[1] for r in rows[:p]]
    lasts = [b + s * (e - f - 1) for b, s, f, e in zip(begins, steps, firsts, ends, strict=True)]
    lo, hi = min(min(begins), min(lasts)), max(max(begins), max(lasts))
    limit = min(2.0**24 / quantum, 2.0**20)
    if not (-limit < lo and hi < limit and -limit < min(steps) and max(steps) < limit):  # NaN too
        return None
    if not all((v * quantum).is_integer() for v in (*begins, *steps)):
        return None
    return firsts, ends, steps, begins, lo, hi


def _affine_tiles(
    img: np.ndarray, xcells: np.ndarray, ycells: np.ndarray, border_mode: int, fill: Any
) -> Any:
    """Linear resampling through the grid axes of ``xcells`` and ``ycells`` (host ``(K, 2)`` or
    ``(N, K, 2)``) as one ``cv2.warpAffine`` per pair of x and y pieces (:func:`_cell_pieces`),
    written into the output in place: exactly ``cv2.remap``'s pixels through the axes'
    positions. ``None`` when a piece is not exact or the tiles would be too small."""
    n = img.shape[0] if img.ndim == 4 else None
    h, w = img.shape[-3], img.shape[-2]
    pieces = []
    lo, hi = np.inf, -np.inf
    for i in range(n or 1):
        if i and xcells.ndim == 2 and ycells.ndim == 2:
            pieces.append(pieces[0])
            continue
        px = _cell_pieces(xcells if xcells.ndim == 2 else xcells[i], w)
        py = _cell_pieces(ycells if ycells.ndim == 2 else ycells[i], h)
        if px is None or py is None or len(px[0]) * len(py[0]) * _MIN_TILE_PIXELS > h * w:
            return None
        pieces.append((px, py))
        lo, hi = min(lo, px[4], py[4]), max(hi, px[5], py[5])
    if _declines(img, 1, border_mode, (h, w), lo, hi):
        return None
    c = img.shape[-1]
    out = np.empty(img.shape, img.dtype)
    value = _simple_border(fill, img)
    fills = None if value is not None else host_fill(fill, img.dtype.name, c, n)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    warp = cv2.warpAffine
    for i in range(n or 1):
        src = img if n is None else img[i]
        dst = out if n is None else out[i]
        if c == 1:
            src, dst = src[..., 0], dst[..., 0]
        bv = value if value is not None else _border_value(fills, i, 0)
        (fx, ex, sx, ax, _, _), (fy, ey, sy, ay, _, _) = pieces[i]
        mats = np.empty((len(fy), len(fx), 2, 3))  # tile (r, c): [[sx[c], 0, ax[c]], [0, sy[r], ay[r]]]
        mats[:, :, 0] = np.array([(s, 0.0, a) for s, a in zip(sx, ax, strict=True)])
        mats[:, :, 1] = np.array([(0.0, s, a) for s, a in zip(sy, ay, strict=True)])[:, None]
        cols = [(x0, x1, x1 - x0) for x0, x1 in zip(fx, ex, strict=True)]
        for row, y0, y1, s, a in zip(mats, fy, ey, sy, ay, strict=True):
            band, rows = dst[y0:y1], y1 - y0
            _prefetch_rows(src, a, a + s * (rows - 1))
            for m, (x0, x1, cw) in zip(row, cols, strict=True):
                warp(src, m, (cw, rows), band[:, x0:x1], flags, border_mode, bv)
    return out


def _prefetch_rows(src: np.ndarray, y_a: float, y_b: float) -> None:
    """Read the source rows a band of tiles samples, front to back, before its warps.

    Each tile reads short pieces of many rows (a cell's width), which the hardware prefetchers
    follow poorly from memory: with the source out of cache (a new image each call, other work in
    between) the warps of a 512x512 image took 1.3-1.5 ms instead of 0.45 ms. One sequential pass
    (``cv2.sumElems``: ~10 us for the whole 512x512x3 image) brings the band's rows into cache."""
    lo, hi = (y_a, y_b) if y_a <= y_b else (y_b, y_a)
    top, bottom = max(int(lo), 0), min(int(hi) + 2, src.shape[0])
    if top < bottom:
        cv2.sumElems(src[top:bottom])


@register(F.grid_remap, "numpy_cv2")
def grid_remap(
    img: np.ndarray, /, xcells: Any, ycells: Any, interpolation: int, border_mode: int, fill: Any
) -> Any:
    """Linear resampling of uint8 images (1, 3 or 4 channels; borders but replicate) through a
    grid's exact affine cells as one ``cv2.warpAffine`` per pair of cells (:func:`_affine_tiles`:
    OpenCV 5 warps with the remap's float kernels, reading no maps); otherwise the generic kernel
    (``cv2.remap`` through the axes)."""
    interp, border_mode = warp_codes(interpolation, border_mode)
    if not (isinstance(xcells, np.ndarray) and isinstance(ycells, np.ndarray)):
        return NotImplemented
    if xcells.ndim not in (2, 3) or ycells.ndim not in (2, 3) or not _tiles_apply(img, interp, border_mode):
        return NotImplemented
    out = _affine_tiles(img, xcells, ycells, border_mode, fill)
    return NotImplemented if out is None else out


@register(F.shuffle_tiles, "numpy_cv2")
def shuffle_tiles(img: np.ndarray, /, ys: Any, xs: Any, mapping: Any) -> Any:
    """Tile by tile slice copies (any dtype), per sample."""
    y = np.asarray(ys, np.int64)
    x = np.asarray(xs, np.int64)
    m = np.asarray(mapping, np.int64)
    if img.ndim not in (3, 4) or (m.ndim == 2) != (img.ndim == 4):
        return NotImplemented
    out = np.empty_like(img)
    if m.ndim == 1:
        _copy_tiles(out, img, y.tolist(), x.tolist(), m.tolist())
    else:
        for i in range(img.shape[0]):
            _copy_tiles(out[i], img[i], y[i].tolist(), x[i].tolist(), m[i].tolist())
    return out


def _copy_tiles(out: np.ndarray, img: np.ndarray, ys: list, xs: list, mapping: list) -> None:
    cols = len(xs) - 1
    for src, dst in enumerate(mapping):
        rs, cs = divmod(src, cols)
        rd, cd = divmod(dst, cols)
        out[ys[rd] : ys[rd + 1], xs[cd] : xs[cd + 1]] = img[ys[rs] : ys[rs + 1], xs[cs] : xs[cs + 1]]


@register(F.elastic_maps, "numpy_cv2")
def elastic_maps(
    like: Any, /, seeds: Any, alpha: Any, hw: Any, sigma: float, approximate: bool, same: bool, uniform: bool
) -> Any:
    """The generic maps with ``cv2.gemm`` products (OpenCV's threads, not BLAS's: the products are
    small, and BLAS threads spinning on a busy machine cost 20x) in per-thread scratch buffers,
    interleaved by ``cv2.merge`` into a fresh map."""
    if not isinstance(like, np.ndarray):
        return NotImplemented
    h, w = int(hw[0]), int(hw[1])
    ay = F.elastic_weights(h, float(sigma), bool(approximate))
    ax = F.elastic_weights(w, float(sigma), bool(approximate))
    k = 1 if same else 2
    s = R.seeds_array(seeds)
    n, ny, nx = s.shape[0], ay.shape[1], ax.shape[1]
    bits = R.philox_u16(like, s, k * ny * nx).reshape(n, k, ny, nx)
    z = (R.unit_table() if uniform else R.normal_table())[bits]
    if uniform:
        z = z * np.float32(2.0) - np.float32(1.0)
    a = np.broadcast_to(np.asarray(alpha, np.float64), (n,)) * F.elastic_scale(k * h * w, bool(uniform))
    jj, ii = _identity_axes(h, w)
    fx = _scratch("elastic_x", (h, w), np.dtype(np.float32))
    fy = _scratch("elastic_y", (h, w), np.dtype(np.float32))
    out = []
    for i in range(n):
        # scale Z first, as the generic kernel does (the same float32 values to rounding)
        zi = z[i] * np.float32(a[i])
        cv2.gemm(cv2.gemm(ay, zi[0], 1.0, None, 0.0), ax, 1.0, None, 0.0, dst=fx, flags=cv2.GEMM_2_T)
        if k == 2:
            cv2.gemm(cv2.gemm(ay, zi[1], 1.0, None, 0.0), ax, 1.0, None, 0.0, dst=fy, flags=cv2.GEMM_2_T)
        else:
            fy[...] = fx
        fx += jj
        fy += ii
        out.append(cv2.merge([fx, fy]))
    return out[0] if np.ndim(seeds) == 0 else np.stack(out)


@functools.lru_cache(maxsize=16)
def _identity_axes(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    jj = np.arange(w, dtype=np.float32)[None, :]
    ii = np.ascontiguousarray(np.arange(h, dtype=np.float32)[:, None])
    jj.flags.writeable = False
    ii.flags.writeable = False
    return jj, ii


def _hat_weights(edges: np.ndarray, size: int) -> np.ndarray:
    """``(size, K + 1)`` float32: each pixel's linear weights on the ``K + 1`` edges of its cell."""
    e = np.asarray(edges, np.float64)
    k = len(e) - 1
    cell = np.minimum((e[None, 1:] <= np.arange(size)[:, None]).sum(axis=1), k - 1)
    lo, hi = e[cell], e[cell + 1]
    f = (np.arange(size) - lo) / np.maximum(hi - lo, 1)
    out = np.zeros((size, k + 1), np.float32)
    rows = np.arange(size)
    out[rows, cell] = 1 - f
    out[rows, cell + 1] += f
    return out


@register(F.quad_maps, "numpy_cv2")
def quad_maps(like: Any, /, ys: Any, xs: Any, vertices: Any) -> Any:
    """The bilinear cell maps as two small products per axis (``A_y @ V @ A_x.T``, ``cv2.gemm``),
    interleaved by ``cv2.merge``."""
    if not isinstance(like, np.ndarray):
        return NotImplemented
    v = np.asarray(vertices, np.float32)
    batched = v.ndim == 4
    y, x = np.asarray(ys), np.asarray(xs)
    y, x, v = (y, x, v) if batched else (y[None], x[None], v[None])
    h, w = int(y[0, -1]), int(x[0, -1])
    out = []
    for i in range(v.shape[0]):
        ay, ax = _hat_weights(y[i], h), _hat_weights(x[i], w)
        planes = [
            cv2.gemm(
                cv2.gemm(ay, np.ascontiguousarray(v[i, ..., c]), 1.0, None, 0.0),
                ax,
                1.0,
                None,
                0.0,
                flags=cv2.GEMM_2_T,
            )
            for c in range(2)
        ]
        out.append(cv2.merge(planes))
    return np.stack(out) if batched else out[0]


@functools.lru_cache(maxsize=16)
def _optical_base(h: int, w: int, fisheye: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """``(r2 term (H, W), x scale (W,), y scale (H,), cx, cy)`` of :func:`optical_maps` (read-only)."""
    if fisheye:
        cx, cy = w / 2.0, h / 2.0
        x = np.arange(w, dtype=np.float32) - np.float32(cx)
        y = np.arange(h, dtype=np.float32) - np.float32(cy)
        r2 = np.add.outer(y * y, x * x)
        r2 /= np.float32(max(cx, w - cx) ** 2 + max(cy, h - cy) ** 2)
        sx, sy = x, y
    else:
        cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
        x = (np.arange(w, dtype=np.float32) - np.float32(cx)) / np.float32(w)
        y = (np.arange(h, dtype=np.float32) - np.float32(cy)) / np.float32(h)
        r2 = np.add.outer(y * y, x * x)
        r2 += r2 * r2  # k r2 + k r2^2 = k (r2 + r2^2)
        sx, sy = x * np.float32(w), y * np.float32(h)
    sy = np.ascontiguousarray(sy[:, None])
    for a in (r2, sx, sy):
        a.flags.writeable = False
    return r2, sx, sy, cx, cy


@register(F.optical_maps, "numpy_cv2")
def optical_maps(like: Any, /, k: Any, hw: Any, fisheye: bool) -> Any:
    """The generic maps from a cached radial term, in per-thread scratch buffers, interleaved by
    ``cv2.merge`` into a fresh map."""
    if not isinstance(like, np.ndarray):
        return NotImplemented
    h, w = int(hw[0]), int(hw[1])
    r2, sx, sy, cx, cy = _optical_base(h, w, bool(fisheye))
    f = _scratch("optical_f", (h, w), np.dtype(np.float32))
    mx = _scratch("optical_x", (h, w), np.dtype(np.float32))
    out = []
    for kv in np.asarray(k, np.float64).reshape(-1).tolist():
        np.multiply(r2, np.float32(kv), out=f)
        f += np.float32(1.0)
        np.multiply(f, sx, out=mx)
        mx += np.float32(cx)
        f *= sy
        f += np.float32(cy)
        out.append(cv2.merge([mx, f]))
    return out[0] if np.ndim(k) == 0 else np.stack(out)


@register(F.morphology, "numpy_cv2")
def morphology(img: np.ndarray, /, kernel: Any, dilate: bool) -> Any:
    """``cv2.dilate`` / ``cv2.erode`` (pixels outside ignored: OpenCV's default border), per sample
    and 4-channel chunk."""
    if not _usable(img, blend=True):
        return NotImplemented
    k = kernel if isinstance(kernel, np.ndarray) and kernel.dtype == np.uint8 else np.asarray(kernel) != 0
    if k.dtype == np.bool_:
        k = k.astype(np.uint8)
    if k.ndim != 2 or not (k[k.shape[0] // 2, k.shape[1] // 2] or k.any()):  # an empty kernel
        return NotImplemented
    fn = cv2.dilate if dilate else cv2.erode
    if img.ndim == 3 and img.shape[-1] <= 4:  # one call (OpenCV drops a single channel's axis)
        out = fn(img, k)
        return out if out.ndim == 3 else out[..., None]

    def one(s: np.ndarray, i: int) -> np.ndarray:
        return _chunked(lambda c, _k: fn(c, k), s)

    return _per_sample(one, img)
