"""The dropout family's shared pieces (private): the fill argument, per-sample seeds, the holes'
parameters, the base class of the hole transforms, and what holes (or dropped pixels) do to boxes and
keypoints. The rules are described in :mod:`xalbu.transforms.dropout`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..core import draw
from ..core.compat import FILL_1X, FILL_MASK_1X, Rule
from ..core.kinds import SpatialTransform
from ..core.state import State
from ..core.targets import BoxSet, PointSet
from ..core.validation import check_fill, show
from ..functional import dropout as F

# albumentations 1.x argument names the classes do not take (albumentations 2.0.8 ignores them with a warning)
_DROP_1X = "albumentations 1.x: {}; 2.x takes {} (ignored by 2.x too)"
COARSE_1X = {
    **{
        f"{m}_{k}": Rule("drop", _DROP_1X.format(f"the {m}imum {k.replace('_', ' ')}", to))
        for m in ("min", "max")
        for k, to in (
            ("holes", "num_holes_range"),
            ("height", "hole_height_range"),
            ("width", "hole_width_range"),
        )
    },
    "fill_value": FILL_1X,
    "mask_fill_value": FILL_MASK_1X,
}
GRID_1X = {
    "fill_value": FILL_1X,
    "mask_fill_value": FILL_MASK_1X,
    **{k: Rule("drop", _DROP_1X.format(k, "unit_size_range")) for k in ("unit_size_min", "unit_size_max")},
    **{k: Rule("drop", _DROP_1X.format(k, "holes_number_xy")) for k in ("holes_number_x", "holes_number_y")},
    **{k: Rule("drop", _DROP_1X.format(k, "shift_xy")) for k in ("shift_x", "shift_y")},
}
FILLS_1X = {"fill_value": FILL_1X, "mask_fill_value": FILL_MASK_1X}
MASK_DROPOUT_1X = {"image_fill_value": FILL_1X, "mask_fill_value": FILL_MASK_1X}

RANDOM_FILLS = ("random", "random_uniform")
INPAINT_FILLS = ("inpaint_telea", "inpaint_ns")
_NO_HOLES = np.zeros((0, 4), np.int64)


def check_dropout_fill(name: str, value: Any) -> Any:
    """``fill``: a number, a per-channel sequence, or one of albumentations' fill names: random values
    (``RANDOM_FILLS``) or OpenCV's inpainting (``INPAINT_FILLS``: ``cv2.inpaint`` with radius 3 on the
    NumPy/OpenCV backend, a harmonic fill on the others; see ``functional.dropout.inpaint``)."""
    if isinstance(value, str):
        if value in RANDOM_FILLS or value in INPAINT_FILLS:
            return value
        raise ValueError(
            f"{name}: expected a number, a per-channel sequence or one of "
            f"{list(RANDOM_FILLS + INPAINT_FILLS)}, got {value!r}"
        )
    return check_fill(name, value)


def draw_seeds(rng: np.random.Generator, n: int | None) -> Any:
    """One 64-bit seed (a Python int) or ``(n,)`` uint64 seeds, for the random fills."""
    seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    return int(seeds) if n is None else seeds


def pad_holes(per_sample: list[np.ndarray], rows: int = 0) -> np.ndarray:
    """Per-sample ``(K_i, 4)`` holes as one ``(N, max(rows, K_i), 4)`` array padded with empty holes."""
    k = max([rows] + [len(h) for h in per_sample])
    out = np.zeros((len(per_sample), k, 4), np.int64)
    for i, h in enumerate(per_sample):
        out[i, : len(h)] = h
    return out


def removes_points(state: State) -> bool:
    """Whether keypoints in holes go: ``KeypointParams.remove_invisible`` (albumentations drops them
    then, whatever ``check_each_transform``)."""
    kp = getattr(state.reader, "keypoint_params", None)
    return kp.remove_invisible if kp is not None else state.remove_invisible


def has_holes(holes: Any) -> bool:
    """Whether any hole covers a pixel (padding rows and unapplied samples are empty)."""
    h = np.asarray(holes)
    if h.size <= 256:  # a few rows: Python is faster than NumPy calls on tiny arrays
        return any([x1 > x0 and y1 > y0 for x0, y0, x1, y1 in h.reshape(-1, 4).tolist()])  # noqa: C419 (no generator frames)
    return bool(((h[..., 2] > h[..., 0]) & (h[..., 3] > h[..., 1])).any())


@dataclass
class HolesParams:
    holes: Any  # (K, 4) int64 x_min, y_min, x_max, y_max; batch: (N, K, 4) padded with empty holes
    seed: Any  # int, or (N,) uint64: the random fills' seeds


class _Dropout(SpatialTransform):
    """Shared base: ``fill``/``fill_mask``, the kernel calls and the boxes/keypoints rules."""

    _abstract = True
    Params = HolesParams

    def _set_fill(self, fill: Any, fill_mask: Any) -> None:
        self.fill = check_dropout_fill("fill", fill)
        self.fill_mask = None if fill_mask is None else check_fill("fill_mask", fill_mask)

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        """One image's holes ``(K, 4)`` (int64, inside the image)."""
        raise NotImplementedError

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        """``n`` samples' holes ``(N, K, 4)``, padded with empty holes (drawn with array calls)."""
        raise NotImplementedError

    def max_holes(self, shape: tuple[int, int]) -> int:
        """The number of hole rows every draw has for this image size (padded with empty holes), so
        that parameters have one shape per transform and size (replay records check it)."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> HolesParams:
        k = max(self.max_holes(shape), 1)  # at least one (empty) row: records never hold an empty list
        if n is None:
            holes = self.holes(rng, shape)
            if len(holes) != k:
                holes = np.concatenate([holes, np.zeros((k - len(holes), 4), np.int64)])
            return HolesParams(holes, draw_seeds(rng, None) if isinstance(self.fill, str) else 0)
        holes = self.batch_holes(rng, shape, n)
        if holes.shape[1] != k:
            holes = np.concatenate([holes, np.zeros((n, k - holes.shape[1], 4), np.int64)], axis=1)
        seeds = draw_seeds(rng, n) if isinstance(self.fill, str) else np.zeros(n, np.uint64)
        return HolesParams(holes, seeds)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None:  # the samples left out get no holes: one kernel call, nothing to blend
            holes = np.where(applied[:, None, None], params.holes, 0)
            params = replace(params, holes=holes)
        super()._apply(state, params, None)

    def apply_image(self, img: Any, params: HolesParams, state: State) -> Any:
        if not has_holes(params.holes):
            return img
        if self.fill in INPAINT_FILLS:
            return F.inpaint(img, hole_map(params.holes, tuple(img.shape[-3:-1])), self.fill, 3)
        if isinstance(self.fill, str):
            return F.cutout(img, params.holes, 0, self.fill, params.seed)
        return F.cutout(img, params.holes, self.fill)

    def apply_mask(self, mask: Any, params: HolesParams, state: State) -> Any:
        if self.fill_mask is None or not has_holes(params.holes):
            return mask
        return F.cutout(mask, params.holes, self.fill_mask)

    def apply_boxes(self, boxes: BoxSet, params: HolesParams, state: State) -> BoxSet:
        bp = getattr(state.reader, "bbox_params", None)
        return boxes_after_holes(boxes, params.holes, state.shape, bp.min_area if bp is not None else 0.0)

    def apply_points(self, pts: PointSet, params: HolesParams, state: State) -> PointSet:
        if not removes_points(state):
            return pts
        return points_outside_holes(pts, params.holes)


def inpaint_radius(drop: np.ndarray) -> Any:
    """MaskDropout's inpainting radius, as albumentations 2.0.8 sets it: ``min(3, max(w, h) // 2)``
    of the dropped pixels' bounding box (per sample for an ``(N, H, W)`` map)."""
    d = drop.reshape(-1, *drop.shape[-2:])
    rows, cols = d.any(axis=2), d.any(axis=1)

    def extent(a: np.ndarray) -> np.ndarray:
        first = np.argmax(a, axis=1)
        last = a.shape[1] - np.argmax(a[:, ::-1], axis=1)
        return np.where(a.any(axis=1), last - first, 0)

    r = np.minimum(3, np.maximum(extent(rows), extent(cols)) // 2)
    return int(r[0]) if drop.ndim == 2 else r


def hole_map(holes: Any, hw: tuple[int, int]) -> np.ndarray:
    """The pixels the holes cover: ``(H, W)`` bool for ``(K, 4)`` holes, ``(N, H, W)`` for ``(N, K, 4)``."""
    h = np.asarray(holes, np.int64)
    out = np.zeros((1 if h.ndim == 2 else h.shape[0], *hw), bool)
    for s, rows in enumerate(h.reshape(out.shape[0], -1, 4).tolist()):
        for x0, y0, x1, y1 in rows:
            out[s, max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = True
    return out[0] if h.ndim == 2 else out


# ------------------------------------------------------------------------------- boxes and keypoints
def _holes_of(holes: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Each row's sample's holes: ``(M, K, 4)``."""
    h = np.asarray(holes, np.int64)
    if h.ndim == 2:
        return np.broadcast_to(h[None], (len(sample),) + h.shape)
    return h[sample]


def points_outside_holes(pts: PointSet, holes: Any) -> PointSet:
    """``pts`` without the keypoints inside a hole of their sample."""
    if not len(pts.rows) or not np.size(holes):
        return pts
    hs = _holes_of(holes, pts.sample)
    x, y = pts.xy[:, 0:1], pts.xy[:, 1:2]
    inside = (x >= hs[..., 0]) & (x < hs[..., 2]) & (y >= hs[..., 1]) & (y < hs[..., 3])
    keep = ~inside.any(axis=1)
    return pts if keep.all() else pts.take(np.flatnonzero(keep))


def _overlaps(lo: np.ndarray, hi: np.ndarray, size: int) -> np.ndarray:
    """``(M, size)``: the length of ``[lo, hi)`` inside each pixel ``[j, j + 1)``."""
    j = np.arange(size, dtype=np.float64)
    return np.clip(np.minimum(hi[:, None], j + 1) - np.maximum(lo[:, None], j), 0.0, 1.0)


def boxes_after_holes(boxes: BoxSet, holes: Any, hw: tuple[int, int], min_area: float = 0.0) -> BoxSet:
    """Boxes after the holes of their samples (see the module docstring): visible fraction tracked,
    empty (or under ``min_area`` visible pixels) boxes removed, the others shrunk to their visible part."""
    if not len(boxes.rows) or not np.size(holes):
        return boxes
    h, w = hw
    hs = np.asarray(holes, np.int64)

    def covered(s: int) -> np.ndarray | None:
        real = [r for r in (hs if hs.ndim == 2 else hs[s]).tolist() if r[2] > r[0] and r[3] > r[1]]
        if not real:
            return None
        out = np.zeros((h, w), np.float64)
        for x0, y0, x1, y1 in real:
            out[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 1.0
        return out

    return boxes_after_drops(boxes, covered, min_area, shrink=True, shared=hs.ndim == 2)


def boxes_after_drops(
    boxes: BoxSet, dropped: Any, min_area: float, shrink: bool, shared: bool = False
) -> BoxSet:
    """Boxes after pixels were dropped: ``dropped(sample)`` gives that sample's ``(H, W)`` float 0/1
    map of dropped pixels (``None``: none). Each box keeps the exactly computed fraction of its area on
    pixels not dropped (its visible fraction is multiplied by it); boxes left with no visible area, or
    less than ``min_area``, are removed; with ``shrink`` a kept box shrinks to its rows and columns
    with visible pixels (albumentations' holes)."""
    xyxy = boxes.xyxy.copy()
    vis = boxes.vis.copy()
    keep = np.ones(len(xyxy), bool)
    if shared:
        groups = [(0, np.arange(len(xyxy)))]
    else:
        groups = [(int(s), np.flatnonzero(boxes.sample == s)) for s in np.unique(boxes.sample)]
    for s, sel in groups:
        gone = dropped(s)
        if gone is None:
            continue
        h, w = gone.shape
        b = xyxy[sel]
        ox, oy = _overlaps(b[:, 0], b[:, 2], w), _overlaps(b[:, 1], b[:, 3], h)
        area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        hidden = np.einsum("mh,hw,mw->m", oy, gone, ox)
        left = area - hidden
        ok = left > 1e-9 * np.maximum(area, 1.0)
        if min_area:
            ok &= left >= min_area
        if shrink:
            open_px = 1.0 - gone
            cols = ((oy > 0) @ open_px > 0) & (ox > 0)  # (M, W): columns with a visible pixel of the box
            rows = ((ox > 0) @ open_px.T > 0) & (oy > 0)  # (M, H)
            for i in np.flatnonzero(ok):
                c, r = np.flatnonzero(cols[i]), np.flatnonzero(rows[i])
                b[i] = (
                    max(b[i, 0], c[0]),
                    max(b[i, 1], r[0]),
                    min(b[i, 2], c[-1] + 1),
                    min(b[i, 3], r[-1] + 1),
                )
            xyxy[sel] = b
        vis[sel] *= np.where(ok, left / np.where(area > 0, area, 1.0), 0.0)
        keep[sel] = ok
    out = replace(boxes, xyxy=xyxy, vis=vis)
    return out if keep.all() else out.take(np.flatnonzero(keep))


def lo_hi_integers(rng: np.random.Generator, lo: Any, hi: Any, size: tuple[int, ...]) -> np.ndarray:
    """Integers uniform on ``[lo, hi)`` of shape ``size`` (``lo``/``hi`` broadcast to it)."""
    return lo + (rng.random(size) * np.asarray(np.asarray(hi) - lo, np.int64)).astype(np.int64)


def batch_splits(rng: np.random.Generator, size: int, parts: np.ndarray) -> np.ndarray:
    """Per sample, the edges of ``parts[i]`` almost equal intervals of ``size`` (sizes differing by at
    most 1) in a random order, padded with the last
    edge: ``(N, max parts + 1)``."""
    big = int(parts.max())
    j = np.arange(big)
    base, extra = size // parts[:, None], size % parts[:, None]
    sizes = np.where(j < parts[:, None], base + (j < extra), 0)
    keys = np.where(j < parts[:, None], rng.random(sizes.shape), 2.0)
    sizes = np.take_along_axis(sizes, np.argsort(keys, axis=1, kind="stable"), 1)
    return np.concatenate([np.zeros((len(parts), 1), np.int64), np.cumsum(sizes, axis=1)], axis=1)


def holes_in_mask(
    rng: np.random.Generator, mask: np.ndarray, k: int, indices: list[int], hr: tuple, wr: tuple
) -> tuple[np.ndarray, int]:
    """Holes (and the number of objects) centred on ``k`` random pixels of each object (8-connected region) of ``mask``'s pixels
    with a value in ``indices``, sized by fractions of the object's ``sqrt(area)``."""
    import cv2  # the one OpenCV call of the transforms: connected components on the host

    binary = np.isin(mask.reshape(mask.shape[0], mask.shape[1], -1), indices).any(axis=2)
    if not binary.any():
        return np.zeros((0, 4), np.int64), 0
    count, labels = cv2.connectedComponents(binary.astype(np.uint8))
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")  # pixels of each label, row-major
    sizes = np.bincount(flat, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    picks = []
    for lab in range(1, count):
        at = draw.integers(rng, 0, int(sizes[lab]), k)
        picks.append(order[starts[lab] + at])
    pix = np.concatenate(picks)
    obj = np.repeat(np.sqrt(sizes[1:].astype(np.float64)), k)
    h, w = binary.shape
    cy, cx = pix // w, pix % w
    hh = draw.uniform(rng, hr[0], hr[1], len(pix)) * obj // 2
    hw = draw.uniform(rng, wr[0], wr[1], len(pix)) * obj // 2
    holes = np.stack([cx - hw, cy - hh, cx + hw, cy + hh], axis=-1).astype(
        np.int64
    )  # truncation, as albumentations
    holes = np.clip(holes, 0, [w - 1, h - 1, w, h])
    return holes[(holes[:, 2] > holes[:, 0]) & (holes[:, 3] > holes[:, 1])], count - 1


def holes_in_boxes(rng: np.random.Generator, boxes: np.ndarray, k: int, hr: tuple, wr: tuple) -> np.ndarray:
    """``k`` holes inside each box (pixels ``x_min, y_min, x_max, y_max``), sized by fractions of it."""
    if not len(boxes):
        return np.zeros((0, 4), np.int64)
    bw, bh = (boxes[:, 2] - boxes[:, 0])[:, None], (boxes[:, 3] - boxes[:, 1])[:, None]
    size = (len(boxes), k)
    hh = (draw.uniform(rng, hr[0], hr[1], size) * bh).astype(np.int32)
    hw = (draw.uniform(rng, wr[0], wr[1], size) * bw).astype(np.int32)
    x0 = boxes[:, 0:1] + draw.uniform(rng, 0.0, 1.0, size) * (bw - hw)
    y0 = boxes[:, 1:2] + draw.uniform(rng, 0.0, 1.0, size) * (bh - hh)
    return np.stack([x0, y0, x0 + hw, y0 + hh], axis=-1).astype(np.int32).astype(np.int64).reshape(-1, 4)


def _values_touch(m: np.ndarray) -> bool:
    """Whether two different non-zero values of a 2-D mask are 8-neighbours. uint8: by OpenCV's 3 x 3
    max and min (background read as 255 for the min): a non-zero pixel whose neighbourhood's max is
    larger, or whose neighbourhood's min of non-zero values is smaller, has a different neighbour."""
    if m.dtype == np.uint8 and m.ndim == 2 and min(m.shape) > 0:
        import cv2

        m = np.ascontiguousarray(m)
        kernel = np.ones((3, 3), np.uint8)
        # cv2.min(gap, m) > 0: a gap at a non-zero pixel (the images' edges are not read)
        if cv2.countNonZero(cv2.min(cv2.subtract(cv2.dilate(m, kernel), m), m)):
            return True
        lifted = m - np.uint8(1)  # 0 wraps to 255: the background never is the smallest
        return bool(cv2.countNonZero(cv2.min(cv2.subtract(lifted, cv2.erode(lifted, kernel)), m)))
    for a, b in (
        (m[:, 1:], m[:, :-1]),
        (m[1:, :], m[:-1, :]),
        (m[1:, 1:], m[:-1, :-1]),
        (m[1:, :-1], m[:-1, 1:]),
    ):
        if ((a != b) & (a != 0) & (b != 0)).any():
            return True
    return False


def label_objects(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Objects of ``(N, H, W[, C])`` host masks: 8-connected regions of one non-zero value (of the first
    channel). Returns ``(labels, sample)``: ``(N, H, W)`` int32 object ids (0: background; ids unique
    in the batch) and ``(L + 1,)`` the sample of each id. One OpenCV call per mask value for the
    whole batch (the samples are stacked with an empty row between them)."""
    import cv2  # connected components on the host

    m = masks[..., 0] if masks.ndim == 4 else masks
    n, h, w = m.shape
    if n == 1:
        flat = np.ascontiguousarray(m[0])
    else:
        stacked = np.zeros((n, h + 1, w), m.dtype)
        stacked[:, :h] = m
        flat = stacked.reshape(n * (h + 1), w)
    if flat.dtype == np.bool_:
        flat = flat.view(np.uint8)
    labels = np.zeros(flat.shape, np.int32)
    if flat.dtype == np.uint8:  # the values present, by OpenCV's histogram (cheaper than sorting)
        values = np.flatnonzero(cv2.calcHist([flat], [0], None, [256], [0, 256]).reshape(-1)[1:]) + 1
    else:
        values = np.unique(flat[flat != 0])
    total = 0
    owners = [np.zeros(1, np.int64)]
    if len(values) > 1 and not _values_touch(flat):
        values = values[:1]  # no two values touch: one pass over every object at once
        flat = (flat != 0).view(np.uint8)
    for v in values.tolist():
        binary = (flat == v).view(np.uint8)
        count, lab = cv2.connectedComponents(binary, connectivity=8)
        if n > 1:  # one value's ids grow in raster order: sample s holds those up to its largest
            last = np.maximum.accumulate(np.maximum.reduce(lab.reshape(n, (h + 1) * w), axis=1))
            owners.append(np.searchsorted(last, np.arange(1, count)))
        if total:
            np.add(lab, total, out=lab, where=binary.view(bool))  # after the previous values' ids
        cv2.add(labels, lab, dst=labels)  # the values' regions are disjoint
        total += count - 1
    if n == 1:
        return labels.reshape(1, h, w), np.zeros(total + 1, np.int64)
    sample = np.concatenate(owners)
    labels = labels.reshape(n, h + 1, w)[:, :h]
    return labels, sample


def pair_item(value: Any, i: int, name: str) -> Any:
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{name}: expected an (x, y) pair of integers, got {show(value)}")
    return value[i]


def erasing_hole(rng: np.random.Generator, shape: tuple[int, int], scale: tuple, ratio: tuple) -> np.ndarray:
    """Erasing's rectangle for one image (``(1, 4)``, or ``(0, 4)`` when none fits), with scalar draws."""
    h, w = shape
    lo_area, hi_area = h * w * scale[0], h * w * scale[1]
    r0, r1 = ratio
    hi_area = min(hi_area, r0 * h * h, r1 * h * h, w * w / r0, w * w / r1)
    if hi_area < lo_area:
        return np.zeros((0, 4), np.int64)
    area = draw.uniform(rng, lo_area, hi_area, None)
    if area <= 0:
        return np.zeros((0, 4), np.int64)
    r_hi, r_lo = min(r1, w * w / area), max(r0, area / (h * h))
    if r_lo > r_hi:
        return np.zeros((0, 4), np.int64)
    r = draw.uniform(rng, r_lo, r_hi, None)
    eh, ew = min(round(math.sqrt(area / r)), h), min(round(math.sqrt(area * r)), w)
    top = draw.integers(rng, 0, h - eh + 1, None)
    left = draw.integers(rng, 0, w - ew + 1, None)
    return np.array([[left, top, left + ew, top + eh]], np.int64)


def check_stripe_length(length: tuple[int, int], size: int, axis: int) -> None:
    """XYMasking: a stripe may not be longer than the image."""
    if length[1] > size:
        name, side = ("mask_x_length", "width") if axis == 0 else ("mask_y_length", "height")
        raise ValueError(f"XYMasking: {name} {length} exceeds the image's {side} {size}")


def xy_stripes(
    rng: np.random.Generator, num: tuple[int, int], length: tuple[int, int], size: int, axis: int, other: int
) -> list[list[int]]:
    """XYMasking's stripes along one axis for one image (``axis`` 0: vertical), with scalar draws."""
    if length[1] == 0 or num[1] == 0:
        return []
    check_stripe_length(length, size, axis)
    count = draw.integers(rng, num[0], num[1] + 1, None)
    u = rng.random(2 * count).tolist()
    out = []
    for i in range(count):
        n = length[0] + int(u[2 * i] * (length[1] - length[0] + 1))
        at = int(u[2 * i + 1] * (size - n + 1))
        out.append([at, 0, at + n, other] if axis == 0 else [0, at, other, at + n])
    return out


def batch_stripes(
    rng: np.random.Generator,
    num: tuple[int, int],
    length: tuple[int, int],
    size: int,
    axis: int,
    other: int,
    n: int,
) -> np.ndarray:
    """XYMasking's stripes along one axis for ``n`` images (``(N, num[1], 4)``, padded with empty
    holes), with array draws."""
    if length[1] == 0 or num[1] == 0:
        return np.zeros((n, 0, 4), np.int64)
    check_stripe_length(length, size, axis)
    count = draw.integers(rng, num[0], num[1] + 1, n)
    lens = lo_hi_integers(rng, length[0], length[1] + 1, (n, num[1]))
    at = lo_hi_integers(rng, 0, size - lens + 1, (n, num[1]))
    zero, full = np.zeros_like(at), np.full_like(at, other)
    rows = np.stack([at, zero, at + lens, full] if axis == 0 else [zero, at, full, at + lens], axis=-1)
    real = (np.arange(num[1]) < count[:, None]) & (lens > 0)  # stripes of length 0 are padding
    return np.where(real[..., None], rows, 0)


def drop_objects(
    rng: np.random.Generator, labels: np.ndarray, sample: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """The pixels of ``k[s]`` objects of each sample ``s`` (all when it has fewer), picked at random:
    ``(N, H, W)`` bool from :func:`label_objects`' ``labels`` and ``sample``."""
    objects = len(sample) - 1
    keys = rng.random(objects)
    owner = sample[1:]
    order = np.lexsort((keys, owner))  # by sample, then at random
    starts = np.searchsorted(owner[order], np.arange(len(labels)))
    rank = np.empty(objects, np.int64)
    rank[order] = np.arange(objects) - starts[owner[order]]
    picked = np.flatnonzero(rank < k[owner]) + 1
    if len(picked) == objects:  # every object
        return labels > 0
    if len(picked) <= 4:  # a few: comparisons are cheaper than a gather
        drop = labels == picked[0] if len(picked) else np.zeros(labels.shape, bool)
        for i in picked[1:].tolist():
            drop |= labels == i
        return drop
    return np.concatenate([[False], rank < k[owner]])[labels]


def labelled_boxes(state: State, wanted: list[Any] | None, n: int) -> list[np.ndarray] | None:
    """ConstrainedCoarseDropout: per sample, the pixel boxes whose label (the first of
    ``BboxParams.label_fields``) is in ``wanted`` (``None``: no boxes with labels to read)."""
    bp = getattr(state.reader, "bbox_params", None)
    boxes = state.boxes.get("bboxes")
    if wanted is None or boxes is None or bp is None or not bp.label_fields:
        return None
    labels = (state.extra or {}).get(bp.label_fields[0])
    if labels is None:
        return None
    out = []
    for s in range(n):
        lab = labels if state.batch is None else labels[s]
        sel = np.flatnonzero(boxes.sample == s) if state.batch is not None else np.arange(len(boxes.rows))
        hit = [i for i in sel.tolist() if lab[int(boxes.rows[i])] in wanted]
        out.append(boxes.xyxy[hit])
    return out
