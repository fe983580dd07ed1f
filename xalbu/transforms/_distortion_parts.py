"""The distortion family's shared pieces (private): how keypoints and boxes follow a map (the forward
map solved numerically, the box of the moved box mask), the base class of the map-based transforms,
and the grids' and tiles' host helpers. The rules are described in :mod:`xalbu.transforms.distortion`."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..core.compat import FILL_1X, FILL_MASK_1X
from ..core.kinds import SpatialTransform, _gated_rows
from ..core.state import State
from ..core.targets import BoxSet, PointSet, filter_keypoints
from ..core.validation import check_choice, check_int, check_range, show
from ..functional import distortion as F
from ..functional._common import select
from ._common import set_border, set_interpolations

KEYPOINT_METHODS = ("direct", "mask")
_SOLVE_TOL = 0.01  # px: keypoints' forward positions are solved to this
_BOX_CHUNK = 16  # boxes tested against the map at a time


# ----------------------------------------------------------------------------------------------
# keypoints: the forward map, solved numerically
# ----------------------------------------------------------------------------------------------
def _sample_map(d: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bilinear displacement ``d`` (``(K, H, W, 2)`` per point, or views) at index positions ``q``
    ``(K, 2)``, clamped to the image, and its ``(K, 2, 2)`` Jacobian (zero across a clamped axis)."""
    k, h, w = d.shape[0], d.shape[1], d.shape[2]
    x = np.clip(q[:, 0], 0.0, w - 1.0)
    y = np.clip(q[:, 1], 0.0, h - 1.0)
    x0 = np.minimum(np.floor(x).astype(np.int64), max(w - 2, 0))
    y0 = np.minimum(np.floor(y).astype(np.int64), max(h - 2, 0))
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    r = np.arange(k)
    d00, d01, d10, d11 = d[r, y0, x0], d[r, y0, x1], d[r, y1, x0], d[r, y1, x1]
    top, bottom = d00 + fx * (d01 - d00), d10 + fx * (d11 - d10)
    val = top + fy * (bottom - top)
    ddx = (1 - fy) * (d01 - d00) + fy * (d11 - d10)
    ddy = bottom - top
    inx = ((q[:, 0] >= 0) & (q[:, 0] <= w - 1))[:, None]
    iny = ((q[:, 1] >= 0) & (q[:, 1] <= h - 1))[:, None]
    jac = np.stack([np.where(inx, ddx, 0.0), np.where(iny, ddy, 0.0)], axis=-1)  # [:, comp, axis]
    return val, jac


def forward_points(maps: np.ndarray, xy: np.ndarray, sample: np.ndarray | None = None) -> np.ndarray:
    """Output positions (continuous coordinates) of source points ``xy`` ``(K, 2)`` under ``maps``.

    ``maps``: host ``(H, W, 2)`` or ``(N, H, W, 2)`` source positions in index coordinates (one per
    output pixel); ``sample``: each point's sample. Solves ``maps(q) = xy - 0.5`` for ``q`` by
    Newton's method on the bilinear map (extended past the image by its edge displacement), from a
    fixed-point start, then from the nearest map value for the few that do not converge.

    >>> ident = np.stack(np.meshgrid(np.arange(4.0), np.arange(3.0)), axis=-1)
    >>> forward_points(ident + 1.0, np.array([[2.5, 1.5]])).round(6).tolist()
    [[1.5, 0.5]]
    """
    m = np.nan_to_num(np.asarray(maps, np.float64), nan=-1e6, posinf=1e6, neginf=-1e6)  # no NaN positions
    m = m[None] if m.ndim == 3 else m
    xy = np.asarray(xy, np.float64).reshape(-1, 2)
    if not len(xy):
        return xy.copy()
    s = np.zeros(len(xy), np.int64) if sample is None or m.shape[0] == 1 else np.asarray(sample, np.int64)
    h, w = m.shape[1], m.shape[2]
    ident = np.stack(np.meshgrid(np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64)), axis=-1)
    disp = m - ident  # (N, H, W, 2)
    t = xy - 0.5
    d = disp[s]
    q = t - _sample_map(d, t)[0]
    q = _newton(d, t, q)
    res = np.abs(q + _sample_map(d, q)[0] - t).max(axis=1) if len(q) else np.zeros(0)
    for i in np.flatnonzero(~(res <= _SOLVE_TOL)):  # rare: restart from the closest map value
        err = np.abs(m[s[i]] - t[i]).sum(axis=-1)
        y0, x0 = np.unravel_index(int(np.argmin(err)), err.shape)
        qi = _newton(d[i : i + 1], t[i : i + 1], np.array([[x0, y0]], np.float64))
        ri = np.abs(qi + _sample_map(d[i : i + 1], qi)[0] - t[i : i + 1]).max()
        if ri < res[i] or not np.isfinite(res[i]):
            q[i] = qi[0]
    return _snap_to_mask(m, s, xy, q + 0.5)


_NEIGHBOURS = np.array([(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dx or dy], np.int64)


def _snap_to_mask(m: np.ndarray, s: np.ndarray, xy: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Keep keypoints where a nearest-sampled mask puts their pixel: a point whose output pixel does
    not read its source pixel, next to one that does, moves (less than a pixel) into the closest such
    pixel (where the map compresses, nearest sampling draws a pixel up to half a pixel off the exact
    forward position)."""
    h, w = m.shape[1], m.shape[2]
    src = np.floor(xy)
    cell = np.floor(out)
    ok_src = (src[:, 0] >= 0) & (src[:, 0] < w) & (src[:, 1] >= 0) & (src[:, 1] < h)

    def reads(c: np.ndarray, ss: np.ndarray, target: np.ndarray) -> np.ndarray:
        inside = (c[:, 0] >= 0) & (c[:, 0] < w) & (c[:, 1] >= 0) & (c[:, 1] < h)
        cx = np.clip(c[:, 0], 0, w - 1).astype(np.int64)
        cy = np.clip(c[:, 1], 0, h - 1).astype(np.int64)
        return inside & (np.floor(m[ss, cy, cx] + 0.5) == target).all(axis=1)

    fix = ok_src & ~reads(cell, s, src)
    if not fix.any():
        return out
    idx = np.flatnonzero(fix)
    best = np.full(len(idx), np.inf)
    new = out[idx].copy()
    for off in _NEIGHBOURS:
        c = cell[idx] + off
        p = np.clip(out[idx], c, c + 1 - 1e-6)
        dist = np.abs(p - out[idx]).sum(axis=1)
        take = reads(c, s[idx], src[idx]) & (dist < best)
        best = np.where(take, dist, best)
        new[take] = p[take]
    out = out.copy()
    out[idx] = new
    return out


def _newton(d: np.ndarray, t: np.ndarray, q: np.ndarray, steps: int = 40) -> np.ndarray:
    q = q.copy()
    for _ in range(steps):
        val, jac = _sample_map(d, q)
        r = q + val - t
        if np.all(np.abs(r) <= _SOLVE_TOL * 0.1):
            break
        a, b = 1 + jac[:, 0, 0], jac[:, 0, 1]
        c, e = jac[:, 1, 0], 1 + jac[:, 1, 1]
        det = a * e - b * c
        ok = np.abs(det) > 1e-6
        safe = np.where(ok, det, 1.0)
        sx = np.where(ok, (e * r[:, 0] - b * r[:, 1]) / safe, r[:, 0])
        sy = np.where(ok, (a * r[:, 1] - c * r[:, 0]) / safe, r[:, 1])
        step = np.stack([sx, sy], axis=1)
        norm = np.abs(step).max(axis=1, keepdims=True)
        q -= step * np.minimum(1.0, 8.0 / np.maximum(norm, 1e-12))  # damped far from the solution
    return q


# ----------------------------------------------------------------------------------------------
# boxes: the bounding box of the moved box mask
# ----------------------------------------------------------------------------------------------
def moved_boxes(maps: np.ndarray, boxes: BoxSet) -> BoxSet:
    """Each box becomes the bounding box of the output pixels whose nearest source pixel (the pixel
    ``floor(x + 0.5)`` of the map, as masks are moved) has its centre inside the box; boxes left
    with no pixel are removed."""
    if not len(boxes.rows):
        return boxes
    m = np.asarray(maps)
    m = m[None] if m.ndim == 3 else m
    ix = np.floor(m[..., 0] + 0.5)
    iy = np.floor(m[..., 1] + 0.5)
    xyxy = boxes.xyxy.copy()
    keep = np.ones(len(xyxy), bool)
    sample = np.zeros(len(xyxy), np.int64) if m.shape[0] == 1 else boxes.sample
    for s in np.unique(sample):
        sel = np.flatnonzero(sample == s)
        for start in range(0, len(sel), _BOX_CHUNK):
            part = sel[start : start + _BOX_CHUNK]
            b = xyxy[part]
            # pixel k has its centre in [lo, hi) iff ceil(lo - 0.5) <= k < ceil(hi - 0.5)
            lo_x, hi_x = np.ceil(b[:, 0] - 0.5), np.ceil(b[:, 2] - 0.5)
            lo_y, hi_y = np.ceil(b[:, 1] - 0.5), np.ceil(b[:, 3] - 0.5)
            gx, gy = ix[s][None], iy[s][None]
            inside = (
                (gx >= lo_x[:, None, None])
                & (gx < hi_x[:, None, None])
                & (gy >= lo_y[:, None, None])
                & (gy < hi_y[:, None, None])
            )
            cols, rows = inside.any(axis=1), inside.any(axis=2)
            for j, row in enumerate(part):
                c, r = np.flatnonzero(cols[j]), np.flatnonzero(rows[j])
                if not len(c):
                    keep[row] = False
                    continue
                xyxy[row] = (c[0], r[0], c[-1] + 1, r[-1] + 1)
    out = replace(boxes, xyxy=xyxy)
    return out if keep.all() else out.take(np.flatnonzero(keep))


# ----------------------------------------------------------------------------------------------
# the shared base
# ----------------------------------------------------------------------------------------------
class _Distortion(SpatialTransform):
    """Shared base: interpolations, border, one map per call for every target (module doc)."""

    _abstract = True
    albumentations_args = {"value": FILL_1X, "mask_value": FILL_MASK_1X}

    def _set_common(
        self,
        interpolation: Any,
        mask_interpolation: Any,
        keypoint_remapping_method: Any,
        border_mode: Any,
        fill: Any,
        fill_mask: Any,
    ) -> None:
        set_interpolations(self, interpolation, mask_interpolation)
        set_border(self, border_mode, fill, fill_mask)
        self.keypoint_remapping_method = check_choice(
            "keypoint_remapping_method", keypoint_remapping_method, KEYPOINT_METHODS
        )

    def maps(self, params: Any, shape: tuple[int, int], like: Any) -> Any:
        """The source map of ``params`` for an image of ``shape``, on ``like``'s device."""
        raise NotImplementedError

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        shape = state.shape
        cache: dict[type, Any] = {}

        def maps_for(arr: Any) -> Any:
            key = type(arr)
            if key not in cache:
                cache[key] = self.maps(params, shape, arr)
            return cache[key]

        for key, img in state.images.items():
            out = self.resample(img, params, shape, maps_for, self.interpolation, self.fill)
            state.images[key] = out if applied is None else select(out, img, applied)
        for key, mask in state.masks.items():
            out = self.resample(mask, params, shape, maps_for, self.mask_interpolation, self.fill_mask)
            state.masks[key] = out if applied is None else select(out, mask, applied)
        if state.boxes or state.points:
            host = maps_for(np.empty(0, np.float32))
            for key, b in state.boxes.items():
                state.boxes[key] = _gated_rows(b, applied, lambda rows: moved_boxes(host, rows))
            for key, pts in state.points.items():
                state.points[key] = _gated_rows(
                    pts, applied, lambda rows: self._move_points(host, rows, state)
                )

    def _one_image(self, img: Any, rng: Any) -> Any:
        """A direct call on one HWC image: the draw and ``resample``, without the State."""
        cls = type(self)
        if cls._apply is not _Distortion._apply or cls.sample_data is not SpatialTransform.sample_data:
            return NotImplemented  # a subclass's own draws or targets: the general path
        shape = img.shape[:2]
        params = self.sample(rng, shape, None)
        return self.resample(
            img, params, shape, lambda arr: self.maps(params, shape, arr), self.interpolation, self.fill
        )

    def resample(
        self, arr: Any, params: Any, shape: tuple[int, int], maps_for: Any, interpolation: int, fill: Any
    ) -> Any:
        """``arr`` (an image or a mask) through this call's map (``maps_for(arr)``)."""
        return F.remap(arr, maps_for(arr), interpolation, self.border_mode, fill)

    @staticmethod
    def _move_points(host: np.ndarray, pts: PointSet, state: State) -> PointSet:
        if not len(pts.rows):
            return pts
        moved = replace(pts, xy=forward_points(host, pts.xy, pts.sample))
        return filter_keypoints(moved, state.shape) if state.remove_invisible else moved


@functools.lru_cache(maxsize=64)
def _cell_counts(size: int, num_steps: int) -> tuple[float, ...]:
    """Pixels per cell (``num_steps + 1`` cells, :func:`~xalbu.functional.distortion.grid_layout`)."""
    cell = F.grid_layout(size, num_steps + 1)[0]
    return (*(float(cell),) * num_steps, float(size - num_steps * cell))


def grid_cells(size: int, num_steps: int, steps: np.ndarray, normalized: bool) -> np.ndarray:
    """The cells ``(num_steps + 1, 2)`` or ``(N, num_steps + 1, 2)`` of one axis of a grid
    distortion: ``(begin, step)`` per cell, float64 (:func:`~xalbu.functional.distortion.grid_positions`).

    The axis is cut into cells of ``size // num_steps`` pixels, the last cell taking what is left;
    cell ``k`` reads ``steps[k]`` source pixels per output pixel, linearly, from where cell
    ``k - 1``'s stretch ends (so steps of 1 are the identity). ``normalized`` scales the steps so
    that the stretches end at the image's edge (the positions albumentations 2.0.8 gives each
    cell's first pixel). albumentations includes both ends of each stretch (a source position
    repeats at every cell edge; steps of 1 are not the identity), does not shorten an unnormalized
    short last cell, and reads 0 for pixels past ``num_steps + 1`` cells: docs/differences.md.

    The steps are rounded to multiples of ``2**-q`` px (``q = 21 - bit_length(size)``: 1/4096 px
    at 256, 1/2048 at 512), so that every position is a float32 number that a float32 multiply-add
    of its cell's begin and step gives exactly: the OpenCV backend then resamples each cell by an
    affine warp, with the pixels of a remap through the same positions.

    >>> grid_cells(10, 2, np.array([2.0, 0.5, 1.0]), False).tolist()
    [[0.0, 2.0], [10.0, 0.5], [12.5, 1.0]]
    """
    counts = _cell_counts(size, num_steps)
    quantum = F.grid_layout(size, num_steps + 1)[2]
    st = np.asarray(steps, np.float64)
    if st.ndim == 2:  # the same operations, in the same order, on every row at once
        stretch = st * np.asarray(counts)
        total = stretch[:, 0].copy()
        for c in range(1, stretch.shape[1]):
            total += stretch[:, c]
        scale = np.where(total > 0, quantum * size / np.where(total > 0, total, 1.0), quantum)
        out = np.empty((*st.shape, 2))
        out[..., 1] = step = np.rint(st * (scale[:, None] if normalized else quantum)) / quantum
        out[:, 0, 0] = 0.0
        np.cumsum(step[:, :-1] * np.asarray(counts[:-1]), axis=1, out=out[:, 1:, 0])
        return out
    values = st.tolist()
    total = 0.0
    for s, c in zip(values, counts, strict=True):
        total += s * c
    scale = quantum * size / total if normalized and total > 0 else quantum
    rows, pos = [], 0.0
    for s, c in zip(values, counts, strict=True):
        step = round(s * scale) / quantum  # source px per output px
        rows.append((pos, step))
        pos += step * c  # exact: multiples of 1 / quantum
    return np.array(rows)


def grid_axis(size: int, num_steps: int, steps: np.ndarray, normalized: bool) -> np.ndarray:
    """Source positions ``(size,)`` or ``(N, size)`` of one axis of a grid distortion (float64):
    the positions of :func:`grid_cells`.

    >>> grid_axis(10, 2, np.array([2.0, 0.5, 1.0]), False).tolist()
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 10.5, 11.0, 11.5, 12.0]
    """
    return F.grid_positions(grid_cells(size, num_steps, steps, normalized), size)


def _grid_range(name: str, value: Any) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    lo, hi = check_range(name, pair, 2, integer=True)
    return int(lo), int(hi)


def control_points(num: int) -> np.ndarray:
    """albumentations 2.0.8's control points in the unit square: a ``num x num`` grid (``num = 2``:
    the four corners and the centre), float64 ``(K, 2)``."""
    if num == 2:
        return np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], np.float64)
    g = np.linspace(0, 1, num)
    return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)


def int_pair(name: str, value: Any, what: str) -> tuple[int, int]:
    """``value`` as a pair of integers ``>= 1`` (``what`` names the pair's order in the error)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name}: expected a {what} pair of integers, got {show(value)}")
    return check_int(f"{name}[0]", value[0], 1), check_int(f"{name}[1]", value[1], 1)


def box_pixels(box: Any, h: int, w: int) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)``: the pixels whose centres lie in ``box`` (xyxy), within the image
    (pixel ``k`` has its centre in ``[lo, hi)`` iff ``ceil(lo - 0.5) <= k < ceil(hi - 0.5)``)."""
    x0, x1 = (int(np.clip(np.ceil(v - 0.5), 0, w)) for v in (box[0], box[2]))
    y0, y1 = (int(np.clip(np.ceil(v - 0.5), 0, h)) for v in (box[1], box[3]))
    return x0, y0, x1, y1


def box_mask(h: int, w: int, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    """A ``(h, w, 1)`` uint8 mask of 1 on the pixels ``[y0:y1, x0:x1]``."""
    mask = np.zeros((h, w, 1), np.uint8)
    mask[y0:y1, x0:x1] = 1
    return mask


@dataclass
class GridShuffleParams:
    ys: Any  # (rows + 1,) or (N, rows + 1): the row edges, 0 to H
    xs: Any  # (cols + 1,) or (N, cols + 1): the column edges, 0 to W
    mapping: Any  # (rows * cols,) or (N, rows * cols): tile t goes where tile mapping[t] was


def _splits(rng: np.random.Generator, size: int, parts: int, n: int) -> np.ndarray:
    """``(n, parts + 1)`` edges of ``parts`` almost equal intervals of ``size`` in a random order."""
    base, extra = divmod(size, parts)
    sizes = np.array([base + 1] * extra + [base] * (parts - extra), np.int64)
    shuffled = rng.permuted(np.broadcast_to(sizes, (n, parts)), axis=1)
    return np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(shuffled, axis=1)], axis=1)


def _tile_translation(params: GridShuffleParams, xy: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """``(K, 2)`` translation of points ``xy`` by the tile holding them (0 outside the image)."""
    ys, xs, mp = (np.asarray(a, np.int64) for a in (params.ys, params.xs, params.mapping))
    if mp.ndim == 1:
        ys, xs, mp = ys[None], xs[None], mp[None]
        sample = np.zeros(len(xy), np.int64)
    cols = xs.shape[1] - 1
    out = np.zeros((len(xy), 2))
    for s in np.unique(sample):
        sel = np.flatnonzero(sample == s)
        x, y = xy[sel, 0], xy[sel, 1]
        inside = (x >= 0) & (x < xs[s, -1]) & (y >= 0) & (y < ys[s, -1])
        r = np.clip(np.searchsorted(ys[s], y, side="right") - 1, 0, ys.shape[1] - 2)
        c = np.clip(np.searchsorted(xs[s], x, side="right") - 1, 0, cols - 1)
        dst = mp[s][r * cols + c]
        move = np.stack([xs[s][dst % cols] - xs[s][c], ys[s][dst // cols] - ys[s][r]], axis=1)
        out[sel] = np.where(inside[:, None], move, 0.0)
    return out
