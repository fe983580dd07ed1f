"""AlbumentationsX's dropout extras: GridMask (grid lines cut out) and GuidedCoarseDropout (holes
inside a caller-given region, sparing chosen boxes).

Re-exported by :mod:`xalbu.transforms.dropout` (listed in its ``__all__``); each class names that
module as its own, so its family, docs and serialization are the dropout family's. Kept here for the
size of ``dropout.py``. Boxes, keypoints and masks follow that module's rules.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import array_namespace, device

from ..core import draw
from ..core.kinds import SpatialTransform
from ..core.state import State
from ..core.targets import BoxSet, PointSet, to_host
from ..core.transform import BasicTransform
from ..core.validation import check_fill, check_number, check_range, show
from ..functional import dropout as F
from ._holes import (
    INPAINT_FILLS,
    _Dropout,
    boxes_after_drops,
    check_dropout_fill,
    draw_seeds,
    has_holes,
    hole_map,
    labelled_boxes,
    lo_hi_integers,
    removes_points,
)

_FAMILY = "xalbu.transforms.dropout"
_FLAT = 1e-6  # a rotation (radians) below this is none, as AlbumentationsX decides
GRAY = "grayscale"  # AlbumentationsX's fill: the dropped pixels keep their channels' mean


def check_gray_fill(fill: Any, fill_mask: Any) -> bool:
    """Whether ``fill`` is ``"grayscale"``; then ``fill_mask`` must be ``None`` (as AlbumentationsX)."""
    if not (isinstance(fill, str) and fill == GRAY):
        return False
    if fill_mask is not None:
        raise ValueError(f"fill_mask: must be None with fill='grayscale', got {show(fill_mask)}")
    return True


# ----------------------------------------------------------------------------------------------- GridMask
def _runs_to_rects(mask: np.ndarray) -> np.ndarray:
    """The ``True`` pixels of a 2-D map as rectangles: each row's runs, a run continued by the same
    run on the next rows merged into one rectangle (``(K, 4)`` int64)."""
    h, w = mask.shape
    edges = np.diff(np.pad(mask.view(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, x0 = np.nonzero(edges == 1)
    _, x1 = np.nonzero(edges == -1)
    rects: list[list[int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    last_row = -1
    for y, a, b in zip(rows.tolist(), x0.tolist(), x1.tolist(), strict=True):
        if y != last_row:
            if y != last_row + 1:  # a row without runs closes everything
                rects.extend(open_.values())
                open_ = {}
            else:
                keep = {k: v for k, v in open_.items() if v[3] == y}
                rects.extend(v for k, v in open_.items() if v[3] != y)
                open_ = keep
            last_row = y
        r = open_.get((a, b))
        if r is not None and r[3] == y:
            r[3] = y + 1
        else:
            if r is not None:
                rects.append(r)
            open_[(a, b)] = [a, y, b, y + 1]
    rects.extend(open_.values())
    return np.array(rects, np.int64).reshape(-1, 4)


def grid_lines(shape: tuple[int, int], cell: int, width: int, offset: tuple[int, int]) -> np.ndarray:
    """Unrotated grid lines: columns ``offset[0] + k * cell`` and rows ``offset[1] + k * cell``, each
    ``width`` pixels (cut at the image's edge), as full-height and full-width holes."""
    h, w = shape
    xs, ys = np.arange(offset[0], w, cell), np.arange(offset[1], h, cell)
    cols = np.stack([xs, np.zeros_like(xs), np.minimum(xs + width, w), np.full_like(xs, h)], axis=-1)
    rows = np.stack([np.zeros_like(ys), ys, np.full_like(ys, w), np.minimum(ys + width, h)], axis=-1)
    return np.concatenate([cols, rows]).astype(np.int64).reshape(-1, 4)


def rotated_grid_lines(
    shape: tuple[int, int], cell: int, width: int, offset: int, angle: float
) -> np.ndarray:
    """Grid lines on a square of side ``diag = int(hypot(h, w)) + 2 cell`` (rows and columns
    ``offset + k * cell``), rotated by ``angle`` radians about its centre with OpenCV's bilinear warp
    (outside: kept), the image's window cut from its centre; the lines' pixels as rectangles."""
    import cv2  # host sampling, as AlbumentationsX builds the pattern

    h, w = shape
    diag = int(math.sqrt(h * h + w * w)) + 2 * cell
    line = np.zeros(diag, bool)
    for pos in range(offset, diag, cell):
        line[pos : pos + width] = True
    keep = (~(line[:, None] | line[None, :])).astype(np.uint8)
    # the matrix in float32, as AlbumentationsX's warp (albucore's warp_affine) passes it to OpenCV
    m = cv2.getRotationMatrix2D((diag // 2, diag // 2), math.degrees(angle), 1.0).astype(np.float32)
    turned = cv2.warpAffine(keep, m, (diag, diag), flags=cv2.INTER_LINEAR, borderValue=1)
    top, left = (diag - h) // 2, (diag - w) // 2
    return _runs_to_rects(turned[top : top + h, left : left + w] == 0)


class GridMask(_Dropout):
    """Cut out a grid of lines (GridMask, as AlbumentationsX has it): stripes across the whole image,
    unlike GridDropout's cells.

    Per call: ``g`` uniform on ``num_grid_range`` (integers), the cell side ``cell = max(2,
    min(H, W) // g)``, the line width ``max(1, int(cell * r))`` with ``r`` uniform on
    ``line_width_range``, and an angle uniform on ``rotation_range`` (radians). Unrotated: vertical
    lines at ``x = ox + k * cell`` and horizontal ones at ``y = oy + k * cell`` (``ox``, ``oy``
    uniform integers in ``[0, cell)``). Rotated: the same lattice (one offset for both) on a square
    of side ``int(hypot(H, W)) + 2 cell``, turned about its centre (bilinear, as OpenCV warps), its
    centre window cut out, then split into rectangles. Boxes and keypoints follow the dropout
    family's rules.

    Args:
        num_grid_range: ``(min, max)`` number of cells along the shorter side (at least 2).
        line_width_range: ``(min, max)`` line width as a fraction of the cell, in (0, 1].
        rotation_range: ``(min, max)`` rotation of the grid in radians.
        fill: the value (a number or one per channel), ``"random"``, ``"random_uniform"``, an
            inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``) or ``"grayscale"`` (the lines'
            pixels take the mean of their channels, truncated for integer dtypes; one channel: kept).
        fill_mask: the masks' value, or ``None`` to leave masks untouched (``None`` with ``"grayscale"``).
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> t = A.GridMask(num_grid_range=(2, 2), line_width_range=(0.5, 0.5), p=1)
    >>> out = t(image=np.full((8, 8), 9, np.uint8))["image"]
    >>> int((out == 0).any(axis=0).sum()), int((out == 0).any(axis=1).sum())  # 2 lines of 2 each way
    (8, 8)
    """

    __module__ = _FAMILY

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_grid_range": (3, 7), "line_width_range": (0.2, 0.5)},
            {"num_grid_range": (2, 4), "line_width_range": (0.1, 0.3), "rotation_range": (-0.5, 0.5)},
            {"fill": "random_uniform", "fill_mask": 0},
            {"num_grid_range": (2, 5), "fill": "grayscale"},
        ]

    def __init__(
        self,
        num_grid_range: tuple[int, int] = (3, 7),
        line_width_range: tuple[float, float] = (0.2, 0.5),
        rotation_range: tuple[float, float] = (0, 0),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        lo, hi = check_range("num_grid_range", num_grid_range, 2, integer=True)
        self.num_grid_range = (int(lo), int(hi))
        self.line_width_range = check_range("line_width_range", line_width_range, 0.0, 1.0)
        if self.line_width_range[0] <= 0:
            raise ValueError(f"line_width_range: expected values in (0, 1], got {show(line_width_range)}")
        self.rotation_range = check_range("rotation_range", rotation_range)
        if check_gray_fill(fill, fill_mask):
            self.fill, self.fill_mask = GRAY, None
        else:
            self._set_fill(fill, fill_mask)

    def apply_image(self, img: Any, params: Any, state: State) -> Any:
        if isinstance(self.fill, str) and self.fill == GRAY:
            if not has_holes(params.holes):
                return img
            return F.gray_where(img, hole_map(params.holes, tuple(img.shape[-3:-1])))
        return super().apply_image(img, params, state)

    def _rotates(self) -> bool:
        return max(abs(self.rotation_range[0]), abs(self.rotation_range[1])) >= _FLAT

    def max_holes(self, shape: tuple[int, int]) -> int:
        h, w = shape
        cell = max(2, min(h, w) // self.num_grid_range[1])
        if not self._rotates():
            return -(-w // cell) + -(-h // cell)
        return h * 2 * (w // cell + 2)  # per row: at most two runs per line family crossing it

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        h, w = shape
        g = draw.integers(rng, self.num_grid_range[0], self.num_grid_range[1] + 1, None)
        ratio = draw.uniform(rng, *self.line_width_range, None)
        angle = draw.uniform(rng, *self.rotation_range, None) if self._rotates() else 0.0
        cell = max(2, min(h, w) // g)
        width = max(1, int(cell * ratio))
        if abs(angle) < _FLAT:
            ox, oy = draw.integers(rng, 0, cell, 2).tolist()
            return grid_lines(shape, cell, width, (ox, oy))
        return rotated_grid_lines(shape, cell, width, draw.integers(rng, 0, cell, None), angle)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        """Array draws; rotated grids are rasterised on the host one sample at a time."""
        h, w = shape
        g = draw.integers(rng, self.num_grid_range[0], self.num_grid_range[1] + 1, n)
        ratio = draw.uniform(rng, *self.line_width_range, n)
        angle = draw.uniform(rng, *self.rotation_range, n) if self._rotates() else np.zeros(n)
        cell = np.maximum(2, min(h, w) // g)
        width = np.maximum(1, (cell * ratio).astype(np.int64))
        ox, oy = lo_hi_integers(rng, 0, cell, (n,)), lo_hi_integers(rng, 0, cell, (n,))
        cell_min = max(2, min(h, w) // self.num_grid_range[1])

        def lines(start: np.ndarray, size: int, other: int, axis: int) -> np.ndarray:
            at = start[:, None] + np.arange(-(-size // cell_min)) * cell[:, None]
            end = np.minimum(at + width[:, None], size)
            zero, full = np.zeros_like(at), np.full_like(at, other)
            rows = np.stack([at, zero, end, full] if axis == 0 else [zero, at, full, end], axis=-1)
            return np.where((at < size)[..., None], rows, 0)

        holes = np.concatenate([lines(ox, w, h, 0), lines(oy, h, w, 1)], axis=1)
        turned = np.flatnonzero(np.abs(angle) >= _FLAT)
        if not len(turned):
            return holes
        out = np.zeros((n, self.max_holes(shape), 4), np.int64)
        out[:, : holes.shape[1]] = holes
        for s in turned.tolist():
            rects = rotated_grid_lines(shape, int(cell[s]), int(width[s]), int(ox[s]), float(angle[s]))
            out[s] = 0
            out[s, : len(rects)] = rects
        return out


# ------------------------------------------------------------------------------------ GuidedCoarseDropout
@dataclass
class GuidedParams:
    drop: Any  # (H, W) bool (a batch: (N, H, W)): the dropped pixels (holes inside the region)
    holes: Any  # (K, 4) int64 (a batch: (N, K, 4), padded): the holes before the region cuts them
    seed: Any  # int, or (N,) uint64: the random fills' seeds


class GuidedCoarseDropout(SpatialTransform):
    """CoarseDropout inside a region the caller gives (AlbumentationsX's GuidedCoarseDropout): only
    pixels of the region are dropped, boxes with ``protected_bbox_labels`` (and a margin around
    them) are spared.

    The region: the call's ``region_key`` argument, a 0/1 ``(H, W)`` map (a batch: ``(N, H, W)``, or
    one ``(H, W)`` map for every sample);
    without it nothing is dropped, with a warning; a map of another size (the region does not follow
    crops and resizes: place the transform before them) is stretched to the images' size (nearest
    pixel), with a warning (AlbumentationsX raises). Eligible pixels: the region less each protected
    box grown by ``protection_margin`` times its width (height) on each side (edges rounded outwards).
    Per image: ``k`` holes (``num_holes_range``), centres uniform over the eligible pixels, height
    ``max(1, int(H * u))`` with ``u`` uniform on ``hole_height_range`` (width likewise), the corner
    at ``centre - size // 2``, clipped to the image. The dropped pixels: the holes' pixels that are
    eligible. Boxes keep their visible fraction (removed when nothing, or less than
    ``BboxParams.min_area``, stays visible); keypoints on a dropped pixel are removed (with
    ``remove_invisible``); masks get ``fill_mask`` there.

    Args:
        region_key: the call argument holding the region.
        protected_bbox_labels: labels (of the first of ``BboxParams.label_fields``) of the boxes to spare.
        protection_margin: growth of each protected box, as a fraction of its size (at least 0).
        num_holes_range: ``(min, max)`` number of holes (at least 1).
        hole_height_range: ``(min, max)`` hole height, a fraction of the image's height in [0, 1].
        hole_width_range: ``(min, max)`` hole width, a fraction of the image's width in [0, 1].
        fill: the value (a number or one per channel), ``"random"``, ``"random_uniform"``, an
            inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``) or ``"grayscale"`` (the dropped
            pixels take the mean of their channels, truncated for integer dtypes; one channel: kept).
        fill_mask: the masks' value, or ``None`` to leave masks untouched (``None`` with ``"grayscale"``).
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> region = np.zeros((10, 10), np.uint8); region[:, :5] = 1
    >>> t = A.GuidedCoarseDropout(hole_height_range=(0.5, 0.5), hole_width_range=(0.5, 0.5), p=1)
    >>> out = t(image=np.full((10, 10), 9, np.uint8), dropout_region=region)["image"]
    >>> bool((out[:, :5] == 0).any()), bool((out[:, 5:] == 9).all())  # in the region, nothing outside
    (True, True)
    """

    __module__ = _FAMILY
    Params = GuidedParams
    benchmark_inputs = ("metadata",)

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        h, w = sample["image"].shape[:2]
        return {"dropout_region": np.ones((h, w), np.uint8)}  # the whole image: its size does not matter

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_holes_range": (1, 4), "hole_height_range": (0.05, 0.2), "hole_width_range": (0.05, 0.2)},
            {"protected_bbox_labels": ["person"], "protection_margin": 0.1, "fill": "random", "fill_mask": 0},
            {"num_holes_range": (2, 3), "fill": "grayscale"},
        ]

    def __init__(
        self,
        region_key: str = "dropout_region",
        protected_bbox_labels: list[Any] | None = None,
        protection_margin: float = 0.0,
        num_holes_range: tuple[int, int] = (1, 1),
        hole_height_range: tuple[float, float] = (0.05, 0.20),
        hole_width_range: tuple[float, float] = (0.05, 0.20),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        if not isinstance(region_key, str) or not region_key:
            raise TypeError(f"region_key: expected the name of a call argument, got {show(region_key)}")
        self.region_key = region_key
        if protected_bbox_labels is not None:
            if not isinstance(protected_bbox_labels, (list, tuple)):
                raise TypeError(
                    f"protected_bbox_labels: expected a list of labels, got {show(protected_bbox_labels)}"
                )
            for i, v in enumerate(protected_bbox_labels):
                if not isinstance(v, str):
                    check_number(f"protected_bbox_labels[{i}]", v)
            protected_bbox_labels = list(protected_bbox_labels)
        self.protected_bbox_labels = protected_bbox_labels
        self.protection_margin = check_number("protection_margin", protection_margin, 0.0)
        lo, hi = check_range("num_holes_range", num_holes_range, 1, integer=True)
        self.num_holes_range = (int(lo), int(hi))
        self.hole_height_range = check_range("hole_height_range", hole_height_range, 0.0, 1.0)
        self.hole_width_range = check_range("hole_width_range", hole_width_range, 0.0, 1.0)
        if check_gray_fill(fill, fill_mask):
            self.fill, self.fill_mask = GRAY, None
        else:
            self.fill = check_dropout_fill("fill", fill)
            self.fill_mask = None if fill_mask is None else check_fill("fill_mask", fill_mask)

    # the dropped pixels depend on the region: replay records are checked against sample_data's form
    sample = BasicTransform.sample

    def _region(self, state: State, count: int) -> np.ndarray | None:
        value = (state.extra or {}).get(self.region_key)
        if value is None:
            return None
        region = np.asarray(to_host(value))
        shapes = [tuple(state.shape)] + ([(count, *state.shape)] if state.batch is not None else [])
        want = " or ".join(str(s) for s in shapes)
        if region.shape[-2:] != tuple(state.shape) and region.ndim in (2, 3):  # metadata: it does not follow
            warnings.warn(  # crops and resizes; stretched (nearest) to the images' size
                f"GuidedCoarseDropout: {self.region_key} has shape {region.shape}, the images {want}: "
                "it is stretched to their size (place the transform before size changes)",
                UserWarning,
                stacklevel=3,
            )
            h, w = state.shape
            rows = (np.arange(h) * region.shape[-2]) // h
            cols = (np.arange(w) * region.shape[-1]) // w
            region = region[..., rows[:, None], cols[None, :]]
        binary = (
            region.max(initial=0) <= 1 if region.dtype.kind in "bu" else ((region == 0) | (region == 1)).all()
        )
        if not binary or (region.dtype.kind == "i" and region.min(initial=0) < 0):
            raise ValueError(f"{self.region_key}: expected a 0/1 map, got {show(value)}")
        return np.broadcast_to(region.astype(bool), (count, *state.shape))

    def _protected(self, state: State, count: int) -> np.ndarray:
        """Per sample, the pixels of the protected boxes grown by the margin (edges rounded outwards)."""
        h, w = state.shape
        out = np.zeros((count, h, w), bool)
        for s, boxes in enumerate(labelled_boxes(state, self.protected_bbox_labels, count) or []):
            for x0, y0, x1, y1 in np.asarray(boxes, np.float64).reshape(-1, 4).tolist():
                mx, my = self.protection_margin * (x1 - x0), self.protection_margin * (y1 - y0)
                top, left = max(0, math.floor(y0 - my)), max(0, math.floor(x0 - mx))
                out[s, top : max(0, math.ceil(y1 + my)), left : max(0, math.ceil(x1 + mx))] = True
        return out

    def sample_data(self, rng: np.random.Generator, state: State) -> GuidedParams:
        """Holes per sample (array draws), padded with empty ones to ``max num_holes_range``."""
        n = state.batch
        count = 1 if n is None else n
        h, w = state.shape
        k = self.num_holes_range[1]
        region = self._region(state, count)
        if region is None:
            warnings.warn(
                f"GuidedCoarseDropout: no {self.region_key!r} argument: nothing is dropped",
                UserWarning,
                stacklevel=2,
            )
            region = np.zeros((count, h, w), bool)
        eligible = region if self.protected_bbox_labels is None else region & ~self._protected(state, count)
        flat = eligible.reshape(count, -1)
        sizes = flat.sum(axis=1)
        m = draw.integers(rng, self.num_holes_range[0], k + 1, count)
        ok = (np.arange(k) < m[:, None]) & (sizes[:, None] > 0)
        at = np.minimum(
            (draw.uniform(rng, 0.0, 1.0, (count, k)) * sizes[:, None]).astype(np.int64), sizes[:, None] - 1
        )
        starts = np.cumsum(sizes) - sizes
        where = np.flatnonzero(flat)  # every sample's eligible pixels, in order
        pix = (
            where[np.where(ok, starts[:, None] + at, 0)] % (h * w)
            if len(where)
            else np.zeros((count, k), np.int64)
        )
        hh = np.maximum(1, (h * draw.uniform(rng, *self.hole_height_range, (count, k))).astype(np.int64))
        ww = np.maximum(1, (w * draw.uniform(rng, *self.hole_width_range, (count, k))).astype(np.int64))
        left, top = np.clip(pix % w - ww // 2, 0, w), np.clip(pix // w - hh // 2, 0, h)
        holes = np.stack([left, top, np.minimum(left + ww, w), np.minimum(top + hh, h)], axis=-1)
        holes = np.where(ok[..., None], holes, 0).astype(np.int64)
        ys, xs = np.arange(h)[None, :, None], np.arange(w)[None, None, :]
        drop = np.zeros((count, h, w), bool)
        for j in range(k):
            x0, y0, x1, y1 = (holes[:, j, i, None, None] for i in range(4))
            drop |= (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)
        drop &= eligible
        seed = (
            draw_seeds(rng, n) if isinstance(self.fill, str) else (0 if n is None else np.zeros(n, np.uint64))
        )
        return GuidedParams(drop[0] if n is None else drop, holes[0] if n is None else holes, seed)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None:  # the samples left out drop nothing: one kernel call, nothing to blend
            params = GuidedParams(params.drop & applied[:, None, None], params.holes, params.seed)
        super()._apply(state, params, None)

    def apply_image(self, img: Any, params: GuidedParams, state: State) -> Any:
        if not params.drop.any():
            return img
        if self.fill in INPAINT_FILLS:
            return F.inpaint(img, params.drop, self.fill, 3)
        if isinstance(self.fill, str) and self.fill == GRAY:
            return F.gray_where(img, params.drop)
        if isinstance(self.fill, str):  # random values over each hole's rectangle, kept where dropped
            noisy = F.cutout(img, params.holes, 0, self.fill, params.seed)
            xp = array_namespace(img)
            where = xp.asarray(np.ascontiguousarray(params.drop[..., None]), device=device(img))
            return xp.where(where, noisy, img)
        return F.fill_where(img, params.drop, self.fill)

    def apply_mask(self, mask: Any, params: GuidedParams, state: State) -> Any:
        if self.fill_mask is None or not params.drop.any():
            return mask
        return F.fill_where(mask, params.drop, self.fill_mask)

    def apply_boxes(self, boxes: BoxSet, params: GuidedParams, state: State) -> BoxSet:
        drop = params.drop if params.drop.ndim == 3 else params.drop[None]

        def dropped(s: int) -> np.ndarray | None:
            return drop[s].astype(np.float64) if drop[s].any() else None

        bp = getattr(state.reader, "bbox_params", None)
        return boxes_after_drops(boxes, dropped, bp.min_area if bp is not None else 0.0, shrink=False)

    def apply_points(self, pts: PointSet, params: GuidedParams, state: State) -> PointSet:
        if not removes_points(state) or not len(pts.rows):
            return pts
        drop = params.drop if params.drop.ndim == 3 else params.drop[None]
        h, w = drop.shape[1:]
        x = np.clip(pts.xy[:, 0].astype(np.int64), 0, w - 1)
        y = np.clip(pts.xy[:, 1].astype(np.int64), 0, h - 1)
        keep = ~drop[pts.sample if drop.shape[0] > 1 else 0, y, x]
        return pts if keep.all() else pts.take(np.flatnonzero(keep))
