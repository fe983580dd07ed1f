"""Dropout transforms: holes cut out of images (and masks), with the boxes and keypoints they cover
removed: rectangles (CoarseDropout, Erasing, GridDropout, XYMasking, ConstrainedCoarseDropout, GridMask;
GuidedCoarseDropout inside a region), single pixels (PixelDropout) and mask objects (MaskDropout).

Each rectangle class is a :class:`~xalbu.core.kinds.SpatialTransform`: the holes (``x_min, y_min, x_max, y_max``
integer rows inside the image) and one seed per sample are drawn on the host; images are filled by the
``cutout`` kernel (a value, or counter-based random values from the seed), masks with ``fill_mask``
(``None``: masks untouched). In a batch the holes are ``(N, K, 4)``, padded with empty holes, and the
samples that are not applied get no holes (one kernel call, no blend).

``fill="inpaint_telea"`` / ``"inpaint_ns"`` (the hole classes and MaskDropout) fill the image from
the pixels around: OpenCV's ``cv2.inpaint`` on NumPy (radius 3, float32 through uint8 as
albumentations 2.0.8; any number of channels, 3 at a time), and on other arrays (CuPy) a sync-free
harmonic fill (:mod:`xalbu.functional._inpaint`: values between those around the hole, smooth, not
Telea's or Navier-Stokes' exact values). Masks take ``fill_mask``.

PixelDropout and MaskDropout fill a drop map (a counter-based field, the mask's objects) instead.
Boxes and keypoints (host rows), as albumentations 2.0.8 treats them:

- a keypoint inside a hole (``x_min <= x < x_max``, ``y_min <= y < y_max``) is removed (when
  ``KeypointParams.remove_invisible``), its labels with it;
- a box keeps the fraction of its area that no hole covers: a box left with no visible area, or with
  less than ``BboxParams.min_area`` pixels visible, is removed; its visible fraction (checked against
  ``min_visibility`` when the pipeline ends) is multiplied by that fraction; a kept box shrinks to the
  rows and columns where it still has visible pixels. The areas are exact for boxes with fractional
  coordinates (albumentations truncates them to integers first: docs/differences.md).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..core import draw
from ..core.kinds import SpatialTransform
from ..core.state import State
from ..core.targets import BoxSet, PointSet, to_host
from ..core.transform import BasicTransform
from ..core.validation import check_bool, check_fill, check_int, check_number, check_range, show
from ..functional import _random as R
from ..functional import dropout as F
from ._holes import (
    COARSE_1X,
    FILLS_1X,
    GRID_1X,
    INPAINT_FILLS,
    MASK_DROPOUT_1X,
    HolesParams,
    _Dropout,
    batch_splits,
    batch_stripes,
    boxes_after_drops,
    draw_seeds,
    drop_objects,
    erasing_hole,
    holes_in_boxes,
    holes_in_mask,
    inpaint_radius,
    label_objects,
    labelled_boxes,
    lo_hi_integers,
    pad_holes,
    pair_item,
    removes_points,
    xy_stripes,
)

__all__ = [
    "CoarseDropout",
    "ConstrainedCoarseDropout",
    "Erasing",
    "GridDropout",
    "GridMask",
    "GuidedCoarseDropout",
    "MaskDropout",
    "PixelDropout",
    "XYMasking",
]


# ----------------------------------------------------------------------------------------- CoarseDropout
class CoarseDropout(_Dropout):
    """Cut 1 or more rectangular holes out of the image (and mask), at random places.

    The number of holes is drawn from ``num_holes_range``; each hole's height and width from
    ``hole_height_range`` / ``hole_width_range``: integers in pixels when the height range's upper
    bound is at least 1 (clipped to the image), else fractions of the image's height and width
    (truncated to whole pixels), as albumentations 2.0.8 reads them; its top-left corner is uniform
    over the places where it fits. Boxes and keypoints follow the module's rules. Any dtype and number
    of channels (``"random"`` fills: uint8, uint16, float32).

    Args:
        num_holes_range: ``(min, max)`` number of holes (at least 1).
        hole_height_range: ``(min, max)`` hole height, pixels or a fraction of the height.
        hole_width_range: ``(min, max)`` hole width, pixels or a fraction of the width.
        fill: the holes' value (a number or one per channel), ``"random"`` (random values per pixel)
            ``"random_uniform"`` (one random colour per hole), or ``"inpaint_telea"`` /
            ``"inpaint_ns"`` (filled from the surroundings: see the module).
        fill_mask: the masks' holes' value, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> t = A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(2, 2), hole_width_range=(3, 3), p=1)
    >>> int((t(image=np.full((4, 5), 7, np.uint8))["image"] == 0).sum())
    6
    """

    albumentations_args = COARSE_1X

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_holes_range": (1, 8), "hole_height_range": (0.05, 0.15), "hole_width_range": (0.05, 0.15)},
            {
                "num_holes_range": (2, 4),
                "hole_height_range": (3, 9),
                "hole_width_range": (2, 5),
                "fill": "random",
            },
            {"fill": (10, 20, 30), "fill_mask": 1},
            {"fill": "random_uniform", "fill_mask": 0},
            {"num_holes_range": (1, 3), "fill": "inpaint_telea", "fill_mask": 0},
        ]

    def __init__(
        self,
        num_holes_range: tuple[int, int] = (1, 2),
        hole_height_range: tuple[float, float] = (0.1, 0.2),
        hole_width_range: tuple[float, float] = (0.1, 0.2),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        lo, hi = check_range("num_holes_range", num_holes_range, 1, integer=True)
        self.num_holes_range = (int(lo), int(hi))
        self.hole_height_range = check_range("hole_height_range", hole_height_range, 0.0)
        self.hole_width_range = check_range("hole_width_range", hole_width_range, 0.0)
        self._set_fill(fill, fill_mask)

    def max_holes(self, shape: tuple[int, int]) -> int:
        return self.num_holes_range[1]

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        h, w = shape
        k = draw.integers(rng, self.num_holes_range[0], self.num_holes_range[1] + 1, None)
        (hlo, hhi), (wlo, whi) = self.hole_height_range, self.hole_width_range
        if hhi >= 1:  # pixels (albumentations decides by the height range for both)
            hh = draw.integers(rng, int(hlo), int(min(hhi, h)) + 1, k)
            ww = draw.integers(rng, int(wlo), int(min(whi, w)) + 1, k)
        else:
            hh = (h * draw.uniform(rng, hlo, hhi, k)).astype(np.int64)
            ww = (w * draw.uniform(rng, wlo, whi, k)).astype(np.int64)
        hh, ww = np.minimum(hh, h), np.minimum(ww, w)
        y0 = draw.integers(rng, 0, h - hh + 1, k)
        x0 = draw.integers(rng, 0, w - ww + 1, k)
        return np.stack([x0, y0, x0 + ww, y0 + hh], axis=-1)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        h, w = shape
        lo, hi = self.num_holes_range
        k = draw.integers(rng, lo, hi + 1, n)
        size = (n, hi)
        (hlo, hhi), (wlo, whi) = self.hole_height_range, self.hole_width_range
        if hhi >= 1:
            hh = lo_hi_integers(rng, int(hlo), int(min(hhi, h)) + 1, size)
            ww = lo_hi_integers(rng, int(wlo), int(min(whi, w)) + 1, size)
        else:
            hh = (h * draw.uniform(rng, hlo, hhi, size)).astype(np.int64)
            ww = (w * draw.uniform(rng, wlo, whi, size)).astype(np.int64)
        hh, ww = np.minimum(hh, h), np.minimum(ww, w)
        y0 = lo_hi_integers(rng, 0, h - hh + 1, size)
        x0 = lo_hi_integers(rng, 0, w - ww + 1, size)
        holes = np.stack([x0, y0, x0 + ww, y0 + hh], axis=-1)
        return np.where((np.arange(hi) < k[:, None])[..., None], holes, 0)


# ---------------------------------------------------------------------------------------------- Erasing
class Erasing(_Dropout):
    """Erase one random rectangle (torchvision's ``RandomErasing``, as albumentations 2.0.8 has it).

    Its area is drawn uniformly between ``scale[0]`` and the largest fraction of the image (at most
    ``scale[1]``) that some aspect ratio of ``ratio`` fits, its aspect ratio (width / height) uniformly
    among the ratios where that area fits; height and width are rounded, the top-left corner is uniform.
    When nothing fits, nothing is erased. Boxes and keypoints follow the module's rules.

    Args:
        scale: ``(min, max)`` erased area as a fraction of the image.
        ratio: ``(min, max)`` aspect ratio ``width / height``.
        fill: the value (a number or one per channel), ``"random"``, ``"random_uniform"`` or an
            inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``).
        fill_mask: the masks' value, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> out = A.Erasing(scale=(0.25, 0.25), ratio=(1, 1), p=1)(image=np.full((8, 8), 5, np.uint8))["image"]
    >>> int((out == 0).sum())
    16
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"scale": (0.1, 0.2), "ratio": (0.5, 2.0), "fill": "random", "fill_mask": 0}]

    def __init__(
        self,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.scale = check_range("scale", scale, 0.0)
        self.ratio = check_range("ratio", ratio, 0.0)
        if self.ratio[0] <= 0:
            raise ValueError(f"ratio: expected positive aspect ratios, got {show(ratio)}")
        self._set_fill(fill, fill_mask)

    def max_holes(self, shape: tuple[int, int]) -> int:
        return 1

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        return erasing_hole(rng, shape, self.scale, self.ratio)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        h, w = shape
        total = h * w
        lo_area, hi_area = total * self.scale[0], total * self.scale[1]
        r0, r1 = self.ratio
        hi_area = min(hi_area, r0 * h * h, r1 * h * h, w * w / r0, w * w / r1)
        if hi_area < lo_area:
            return np.zeros((n, 0, 4), np.int64)
        area = draw.uniform(rng, lo_area, hi_area, n)
        safe = np.where(area > 0, area, 1.0)
        r_hi, r_lo = np.minimum(r1, w * w / safe), np.maximum(r0, safe / (h * h))
        ok = (area > 0) & (r_lo <= r_hi)
        r = draw.uniform(rng, 0.0, 1.0, n) * (r_hi - r_lo) + r_lo
        r = np.where(ok, r, 1.0)
        eh = np.minimum(np.round(np.sqrt(safe / r)), h).astype(np.int64)
        ew = np.minimum(np.round(np.sqrt(safe * r)), w).astype(np.int64)
        top = lo_hi_integers(rng, 0, h - eh + 1, (n,))
        left = lo_hi_integers(rng, 0, w - ew + 1, (n,))
        holes = np.stack([left, top, left + ew, top + eh], axis=-1)[:, None, :]
        return np.where(ok[:, None, None], holes, 0)


# ------------------------------------------------------------------------------------------ GridDropout
class GridDropout(_Dropout):
    """Drop a regular grid of square-ish holes (one per grid cell).

    The grid: ``holes_number_xy`` cells across and down, else cells of a side drawn from
    ``unit_size_range`` (pixels), else cells of a tenth of the image (at least 2 pixels). The cells'
    sizes differ by at most a pixel, in a random order. Each hole is ``ratio`` of its cell (at least 1
    pixel, at most the cell less 1), at a random place in the cell (``random_offset``) or at
    ``shift_xy`` from its corner. Boxes and keypoints follow the module's rules.

    Args:
        ratio: the holes' side as a fraction of their cell's, in (0, 1].
        random_offset: place each hole at random in its cell.
        unit_size_range: ``(min, max)`` cell side in pixels (at least 2, at most the shorter side).
        holes_number_xy: ``(across, down)`` number of cells.
        shift_xy: ``(x, y)`` offset of the holes in their cells without ``random_offset``.
        fill: the value (a number or one per channel), ``"random"``, ``"random_uniform"`` or an
            inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``).
        fill_mask: the masks' value, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> t = A.GridDropout(ratio=0.5, holes_number_xy=(2, 2), random_offset=False, p=1)
    >>> t(image=np.full((4, 4), 9, np.uint8))["image"].tolist()
    [[0, 9, 0, 9], [9, 9, 9, 9], [0, 9, 0, 9], [9, 9, 9, 9]]
    """

    albumentations_args = GRID_1X

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "ratio": 0.5,
                "unit_size_range": (max(2, min(height, width) // 25), max(3, min(height, width) // 12)),
            },
            {
                "ratio": 0.3,
                "holes_number_xy": (4, 3),
                "random_offset": False,
                "shift_xy": (1, 2),
                "fill_mask": 0,
            },
            {"fill": "random"},
        ]

    def __init__(
        self,
        ratio: float = 0.5,
        random_offset: bool = True,
        unit_size_range: tuple[int, int] | None = None,
        holes_number_xy: tuple[int, int] | None = None,
        shift_xy: tuple[int, int] = (0, 0),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.ratio = check_number("ratio", ratio, 0.0, 1.0)
        if self.ratio <= 0:
            raise ValueError(f"ratio: expected a value in (0, 1], got {ratio!r}")
        self.random_offset = check_bool("random_offset", random_offset)
        self.unit_size_range = (
            None
            if unit_size_range is None
            else tuple(int(v) for v in check_range("unit_size_range", unit_size_range, 2, integer=True))
        )
        self.holes_number_xy = (
            None
            if holes_number_xy is None
            else tuple(
                check_int(f"holes_number_xy[{i}]", pair_item(holes_number_xy, i, "holes_number_xy"), 1)
                for i in (0, 1)
            )
        )
        self.shift_xy = (
            check_int("shift_xy[0]", pair_item(shift_xy, 0, "shift_xy"), 0),
            check_int("shift_xy[1]", pair_item(shift_xy, 1, "shift_xy"), 0),
        )
        self._set_fill(fill, fill_mask)

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        return self.batch_holes(rng, shape, 1)[0]

    def max_holes(self, shape: tuple[int, int]) -> int:
        h, w = shape
        if self.holes_number_xy is not None:
            gy, gx = self.holes_number_xy[1], self.holes_number_xy[0]
        elif self.unit_size_range is not None:
            gy, gx = h // self.unit_size_range[0], w // self.unit_size_range[0]
        else:
            gy, gx = h // max(2, h // 10), w // max(2, w // 10)
        return max(1, min(gy, h)) * max(1, min(gx, w))

    def _grid(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per sample, the number of cell rows and columns (``(N,)`` each)."""
        h, w = shape
        if self.holes_number_xy is not None:
            gy, gx = np.full(n, self.holes_number_xy[1]), np.full(n, self.holes_number_xy[0])
        elif self.unit_size_range is not None:
            lo, hi = self.unit_size_range
            if hi > min(h, w):
                raise ValueError(
                    f"GridDropout: unit_size_range {self.unit_size_range} must be within the image's "
                    f"shorter side ({min(h, w)})"
                )
            unit = lo_hi_integers(rng, lo, hi, (n,)) if lo < hi else np.full(n, lo)
            gy, gx = h // unit, w // unit
        else:
            gy, gx = np.full(n, h // max(2, h // 10)), np.full(n, w // max(2, w // 10))
        return np.clip(gy, 1, h).astype(np.int64), np.clip(gx, 1, w).astype(np.int64)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        h, w = shape
        gy, gx = self._grid(rng, shape, n)
        ys, xs = batch_splits(rng, h, gy), batch_splits(rng, w, gx)
        big_y, big_x = int(gy.max()), int(gx.max())
        iy = np.broadcast_to(np.repeat(np.arange(big_y), big_x), (n, big_y * big_x))
        ix = np.broadcast_to(np.tile(np.arange(big_x), big_y), (n, big_y * big_x))
        valid = (iy < gy[:, None]) & (ix < gx[:, None])
        cy0, cx0 = np.take_along_axis(ys, iy, 1), np.take_along_axis(xs, ix, 1)
        ch, cw = np.take_along_axis(ys, iy + 1, 1) - cy0, np.take_along_axis(xs, ix + 1, 1) - cx0
        hh = np.minimum(np.maximum(ch * self.ratio, 1), ch - 1).astype(np.int64)
        hw = np.minimum(np.maximum(cw * self.ratio, 1), cw - 1).astype(np.int64)
        if self.random_offset:
            oy = lo_hi_integers(rng, 0, np.maximum(ch - hh + 1, 1), ch.shape)
            ox = lo_hi_integers(rng, 0, np.maximum(cw - hw + 1, 1), cw.shape)
        else:
            oy, ox = np.full(ch.shape, self.shift_xy[1]), np.full(cw.shape, self.shift_xy[0])
        x0 = np.clip(cx0 + ox, 0, w - hw)
        y0 = np.clip(cy0 + oy, 0, h - hh)
        holes = np.stack([x0, y0, np.minimum(x0 + hw, w), np.minimum(y0 + hh, h)], axis=-1)
        return np.where((valid & (hh > 0) & (hw > 0))[..., None], holes, 0).astype(np.int64)


# --------------------------------------------------------------------------------------------- XYMasking
def _count_range(name: str, value: Any) -> tuple[int, int]:
    if not isinstance(value, (tuple, list)):  # a number n is the range (0, n), as albumentations reads it
        return 0, check_int(name, value, 0)
    lo, hi = check_range(name, value, 0, integer=True)
    return int(lo), int(hi)


class XYMasking(_Dropout):
    """Mask vertical and horizontal stripes (SpecAugment's time and frequency masks).

    ``num_masks_x`` vertical stripes the image's full height, each ``mask_x_length`` pixels wide, and
    ``num_masks_y`` horizontal stripes of ``mask_y_length`` pixels; numbers and lengths are
    ``(min, max)`` ranges drawn per call (an integer ``n`` is ``(0, n)``, as albumentations 2.0.8 reads
    it), positions uniform where the stripe fits. A length longer
    than the image is refused when the transform runs. Boxes and keypoints follow the module's rules.

    Args:
        num_masks_x: number of vertical stripes (or a range).
        num_masks_y: number of horizontal stripes (or a range).
        mask_x_length: width of the vertical stripes in pixels (or a range).
        mask_y_length: height of the horizontal stripes in pixels (or a range).
        fill: the value (a number or one per channel), ``"random"``, ``"random_uniform"`` or an
            inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``).
        fill_mask: the masks' value, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> t = A.XYMasking(num_masks_x=(1, 1), mask_x_length=(2, 2), p=1)
    >>> int((t(image=np.full((3, 6), 4, np.uint8))["image"] == 0).sum())
    6
    """

    albumentations_args = FILLS_1X

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "num_masks_x": (1, 3),
                "num_masks_y": (1, 3),
                "mask_x_length": (max(1, width // 50), max(1, width // 12)),  # (5, 21) on 256
                "mask_y_length": (max(1, height // 50), max(1, height // 12)),
            },
            {"num_masks_x": 2, "mask_x_length": 4, "fill": "random_uniform", "fill_mask": 0},
        ]

    def __init__(
        self,
        num_masks_x: Any = 0,
        num_masks_y: Any = 0,
        mask_x_length: Any = 0,
        mask_y_length: Any = 0,
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.num_masks_x = _count_range("num_masks_x", num_masks_x)
        self.num_masks_y = _count_range("num_masks_y", num_masks_y)
        self.mask_x_length = _count_range("mask_x_length", mask_x_length)
        self.mask_y_length = _count_range("mask_y_length", mask_y_length)
        if self.mask_x_length[1] <= 0 and self.mask_y_length[1] <= 0:
            raise ValueError("mask_x_length, mask_y_length: at least one of them must be positive")
        self._set_fill(fill, fill_mask)

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        h, w = shape
        rows = xy_stripes(rng, self.num_masks_x, self.mask_x_length, w, 0, h)
        rows += xy_stripes(rng, self.num_masks_y, self.mask_y_length, h, 1, w)
        return np.array(rows, np.int64).reshape(-1, 4)

    def max_holes(self, shape: tuple[int, int]) -> int:
        x = self.num_masks_x[1] if self.mask_x_length[1] > 0 else 0
        return x + (self.num_masks_y[1] if self.mask_y_length[1] > 0 else 0)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        h, w = shape
        xs = batch_stripes(rng, self.num_masks_x, self.mask_x_length, w, 0, h, n)
        ys = batch_stripes(rng, self.num_masks_y, self.mask_y_length, h, 1, w, n)
        return np.concatenate([xs, ys], axis=1)


# ------------------------------------------------------------------------------------------ PixelDropout
@dataclass
class PixelDropoutParams:
    seed: Any  # int, or (N,) uint64: the drop field's (and random colour's) seed
    prob: Any  # the dropout probability (a batch: (N,), 0 for samples not applied)


class PixelDropout(SpatialTransform):
    """Drop single pixels at random (each with probability ``dropout_prob``), replacing them by
    ``drop_value``.

    The drop field comes from a counter-based per-sample seed (the same on every backend and in any
    batch). ``per_channel``: each channel drops on its own, else whole pixels. ``drop_value=None``: one
    random colour per image (uniform over the dtype's range). Masks (``mask_drop_value`` not ``None``)
    drop the same pixels as the image (a pixel drops where any of its channels does); albumentations
    2.0.8 draws the mask's field independently of the image's (docs/differences.md). Boxes (without
    ``per_channel``) keep the visible fraction of their area and are removed when nothing (or less
    than ``BboxParams.min_area``) stays visible; keypoints are kept. uint8, uint16, float32 images,
    any number of channels.

    Args:
        dropout_prob: probability of dropping a pixel (or a channel value), in [0, 1].
        per_channel: drop channels independently.
        drop_value: the value of dropped pixels (a number or one per channel), or ``None`` (random).
        mask_drop_value: the masks' value at dropped pixels, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> A.PixelDropout(dropout_prob=1.0, drop_value=3, p=1)(image=np.zeros((2, 2), np.uint8))["image"].tolist()
    [[3, 3], [3, 3]]
    """

    Params = PixelDropoutParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"dropout_prob": 0.05},
            {"dropout_prob": 0.1, "per_channel": True, "drop_value": None, "mask_drop_value": 0},
            {"dropout_prob": 0.2, "drop_value": (1, 2, 3), "mask_drop_value": 5},
        ]

    def __init__(
        self,
        dropout_prob: float = 0.01,
        per_channel: bool = False,
        drop_value: Any = 0,
        mask_drop_value: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.dropout_prob = check_number("dropout_prob", dropout_prob, 0.0, 1.0)
        self.per_channel = check_bool("per_channel", per_channel)
        self.drop_value = None if drop_value is None else check_fill("drop_value", drop_value)
        self.mask_drop_value = (
            None if mask_drop_value is None else check_fill("mask_drop_value", mask_drop_value)
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PixelDropoutParams:
        prob = self.dropout_prob if n is None else np.full(n, self.dropout_prob)
        return PixelDropoutParams(draw_seeds(rng, n), prob)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None:  # the samples left out drop nothing: one kernel call, nothing to blend
            params = replace(params, prob=np.where(applied, params.prob, 0.0))
        super()._apply(state, params, None)

    @staticmethod
    def _channels(state: State) -> int:
        for img in state.images.values():
            return int(img.shape[-1])
        return 1

    def apply_image(self, img: Any, params: PixelDropoutParams, state: State) -> Any:
        fc = int(img.shape[-1]) if self.per_channel else 1
        return F.pixel_dropout(img, params.seed, params.prob, fc, self.drop_value)

    def apply_mask(self, mask: Any, params: PixelDropoutParams, state: State) -> Any:
        if self.mask_drop_value is None:
            return mask
        fc = self._channels(state) if self.per_channel else 1
        return F.pixel_dropout(mask, params.seed, params.prob, fc, self.mask_drop_value)

    def apply_boxes(self, boxes: BoxSet, params: PixelDropoutParams, state: State) -> BoxSet:
        if self.per_channel or not len(boxes.rows):
            return boxes
        h, w = state.shape
        seeds = np.broadcast_to(R.seeds_array(params.seed), (state.batch or 1,))
        thr = F.drop_thresholds(params.prob, len(seeds))

        def dropped(s: int) -> np.ndarray | None:
            if thr[s] <= 0:
                return None
            return (R.philox_u16(np.zeros(1), int(seeds[s]), h * w).reshape(h, w) < thr[s]).astype(np.float64)

        bp = getattr(state.reader, "bbox_params", None)
        return boxes_after_drops(boxes, dropped, bp.min_area if bp is not None else 0.0, shrink=False)


# ------------------------------------------------------------------------------ ConstrainedCoarseDropout
_NOTHING = HolesParams(np.zeros((1, 4), np.int64), 0)  # one empty hole (never modified)
_NOTHING.holes.flags.writeable = False


class ConstrainedCoarseDropout(_Dropout):
    """CoarseDropout with holes on objects: in the mask's regions of ``mask_indices``, or in the boxes
    whose label is one of ``bbox_labels``.

    ``num_holes_range`` holes per object (drawn once per image). With ``mask_indices`` and a mask, each
    8-connected region of those mask values gets holes centred on random pixels of it, of height and
    width ``hole_height_range`` / ``hole_width_range`` times the region's ``sqrt(area)``; else, with
    ``bbox_labels`` and boxes, each box whose label (the first of ``BboxParams.label_fields``) is one
    of them gets holes of those fractions of its height and width, inside it. With neither, nothing
    is dropped (with a warning, as albumentations). Filling, boxes and keypoints as in CoarseDropout.

    Args:
        num_holes_range: ``(min, max)`` holes per object (at least 1).
        hole_height_range: ``(min, max)`` fraction of the object's size, in [0, 1].
        hole_width_range: ``(min, max)`` fraction of the object's size, in [0, 1].
        fill: the holes' value (a number or one per channel), ``"random"``, ``"random_uniform"`` or
            an inpainting method (``"inpaint_telea"``, ``"inpaint_ns"``).
        fill_mask: the masks' holes' value, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).
        mask_indices: mask values whose regions get holes (at least 1).
        bbox_labels: labels of the boxes that get holes.

    >>> import numpy as np, xalbu as A
    >>> mask = np.zeros((20, 20), np.uint8); mask[5:15, 5:15] = 1
    >>> t = A.ConstrainedCoarseDropout(hole_height_range=(0.4, 0.4), hole_width_range=(0.4, 0.4), mask_indices=[1], p=1)
    >>> out = t(image=np.full((20, 20), 9, np.uint8), mask=mask)["image"]
    >>> int((out == 0).sum())  # one 4 x 4 hole (0.4 * sqrt(100)) centred on a pixel of the object
    16
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "num_holes_range": (1, 3),
                "hole_height_range": (0.2, 0.4),
                "hole_width_range": (0.2, 0.4),
                "bbox_labels": ["person"],
            },
            {"mask_indices": [1, 2], "fill": "random", "fill_mask": 0},
        ]

    def __init__(
        self,
        num_holes_range: tuple[int, int] = (1, 1),
        hole_height_range: tuple[float, float] = (0.1, 0.1),
        hole_width_range: tuple[float, float] = (0.1, 0.1),
        fill: Any = 0,
        fill_mask: Any = None,
        p: float = 0.5,
        mask_indices: list[int] | None = None,
        bbox_labels: list[Any] | None = None,
    ) -> None:
        super().__init__(p)
        lo, hi = check_range("num_holes_range", num_holes_range, 1, integer=True)
        self.num_holes_range = (int(lo), int(hi))
        self.hole_height_range = check_range("hole_height_range", hole_height_range, 0.0, 1.0)
        self.hole_width_range = check_range("hole_width_range", hole_width_range, 0.0, 1.0)
        if mask_indices is not None:
            if not isinstance(mask_indices, (list, tuple)):
                raise TypeError(f"mask_indices: expected a list of mask values, got {show(mask_indices)}")
            mask_indices = [check_int(f"mask_indices[{i}]", v, 1) for i, v in enumerate(mask_indices)]
        if bbox_labels is not None:
            if not isinstance(bbox_labels, (list, tuple)):
                raise TypeError(f"bbox_labels: expected a list of labels, got {show(bbox_labels)}")
            for i, v in enumerate(bbox_labels):
                if not isinstance(v, str):
                    check_number(f"bbox_labels[{i}]", v)  # numbers: finite, not bools
        self.mask_indices = mask_indices
        self.bbox_labels = None if bbox_labels is None else list(bbox_labels)
        self._set_fill(fill, fill_mask)

    # the holes depend on the data: replay records are checked against sample_data's form
    sample = BasicTransform.sample

    def sample_data(self, rng: np.random.Generator, state: State) -> HolesParams:
        """Holes per sample, padded with empty ones to ``max num_holes_range`` per object (a form that
        depends on the data only)."""
        n = state.batch
        count = 1 if n is None else n
        use_mask = self.mask_indices is not None and bool(state.masks)
        targets = (
            None if use_mask or self.bbox_labels is None else labelled_boxes(state, self.bbox_labels, count)
        )
        if not use_mask and targets is None:
            warnings.warn(
                "ConstrainedCoarseDropout: neither a mask (with mask_indices) nor labelled boxes (with "
                "bbox_labels) were given: nothing is dropped",
                UserWarning,
                stacklevel=2,
            )
            if n is None:
                return _NOTHING
            return HolesParams(np.zeros((n, 1, 4), np.int64), np.zeros(n, np.uint64))  # one empty hole each
        k = draw.integers(rng, self.num_holes_range[0], self.num_holes_range[1] + 1, count)
        hr, wr, most = self.hole_height_range, self.hole_width_range, self.num_holes_range[1]
        if use_mask:
            mask = to_host(next(iter(state.masks.values())))
            masks = mask if n is not None else mask[None]
            found = [holes_in_mask(rng, masks[s], int(k[s]), self.mask_indices, hr, wr) for s in range(count)]
            per, cap = [f[0] for f in found], max(f[1] for f in found) * most
        else:
            per = [holes_in_boxes(rng, targets[s], int(k[s]), hr, wr) for s in range(count)]
            cap = max(len(t) for t in targets) * most
        seed = (
            draw_seeds(rng, n) if isinstance(self.fill, str) else (0 if n is None else np.zeros(n, np.uint64))
        )
        h, w = state.shape
        holes = pad_holes([np.clip(p, 0, [w, h, w, h]) for p in per], max(cap, 1))
        return HolesParams(holes[0] if n is None else holes, seed)


# ------------------------------------------------------------------------------------------- MaskDropout
@dataclass
class MaskDropoutParams:
    drop: Any  # (H, W) bool (a batch: (N, H, W)): the pixels of the dropped objects


class MaskDropout(SpatialTransform):
    """Remove whole objects of the mask: 1 to ``max_objects`` of its objects (8-connected regions of one
    non-zero value) are filled with ``fill`` in the image and ``fill_mask`` in the masks.

    The objects come from the first mask of the call (its first channel), labelled on the host (for
    device arrays: one copy to the host per batch); a call without a mask drops nothing
    (albumentations 2.0.8 raises a ``KeyError``). Boxes keep the visible fraction of their area and
    are removed when nothing (or less than ``BboxParams.min_area``) stays visible; keypoints on a
    dropped pixel are removed (with ``remove_invisible``). Any dtype and number of channels.

    Args:
        max_objects: the number of objects to drop, or a ``(min, max)`` range (at least 1).
        fill: the image's value there (a number or one per channel), or ``"inpaint_telea"`` /
            ``"inpaint_ns"`` (radius ``min(3, half the dropped pixels' longer extent)``).
        fill_mask: the masks' value there, or ``None`` to leave masks untouched.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> mask = np.array([[1, 0, 2]], np.uint8)
    >>> out = A.MaskDropout(max_objects=2, fill=9, p=1)(image=np.zeros((1, 3), np.uint8), mask=mask)
    >>> out["image"].tolist(), out["mask"].tolist()
    ([[9, 0, 9]], [[0, 0, 0]])
    """

    benchmark_inputs = ("mask",)

    albumentations_args = MASK_DROPOUT_1X
    Params = MaskDropoutParams
    host_syncs = 1  # one device-to-host copy of the masks per batch on a device

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"max_objects": (1, 3)},
            {"max_objects": 2, "fill": (1, 2, 3), "fill_mask": 7},
            {"fill_mask": None},
            {"max_objects": 2, "fill": "inpaint_ns"},
        ]

    def __init__(self, max_objects: Any = (1, 1), fill: Any = 0, fill_mask: Any = 0, p: float = 0.5) -> None:
        super().__init__(p)
        if isinstance(max_objects, (tuple, list)):
            lo, hi = check_range("max_objects", max_objects, 1, integer=True)
            self.max_objects = (int(lo), int(hi))
        else:
            v = check_int("max_objects", max_objects, 1)
            self.max_objects = (v, v)
        self.fill = fill if isinstance(fill, str) and fill in INPAINT_FILLS else check_fill("fill", fill)
        self.fill_mask = None if fill_mask is None else check_fill("fill_mask", fill_mask)

    # the dropped pixels depend on the mask: replay records are checked against sample_data's form
    sample = BasicTransform.sample

    def sample_data(self, rng: np.random.Generator, state: State) -> MaskDropoutParams:
        n = state.batch
        count = 1 if n is None else n
        h, w = state.shape
        k = draw.integers(rng, self.max_objects[0], self.max_objects[1] + 1, count)
        if not state.masks:
            drop = np.zeros((count, h, w), bool)
        else:
            mask = to_host(next(iter(state.masks.values())))
            labels, sample = label_objects(mask if n is not None else mask[None])
            drop = drop_objects(rng, labels, sample, k)
        return MaskDropoutParams(drop[0] if n is None else drop)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None:  # the samples left out drop nothing: one kernel call, nothing to blend
            params = MaskDropoutParams(params.drop & applied[:, None, None])
        super()._apply(state, params, None)

    def apply_image(self, img: Any, params: MaskDropoutParams, state: State) -> Any:
        if not params.drop.any():
            return img
        if self.fill in INPAINT_FILLS:  # radius: min(3, half the longer side of the dropped pixels' bounds)
            return F.inpaint(img, params.drop, self.fill, inpaint_radius(params.drop))
        return F.fill_where(img, params.drop, self.fill)

    def apply_mask(self, mask: Any, params: MaskDropoutParams, state: State) -> Any:
        if self.fill_mask is None or not params.drop.any():
            return mask
        return F.fill_where(mask, params.drop, self.fill_mask)

    def apply_boxes(self, boxes: BoxSet, params: MaskDropoutParams, state: State) -> BoxSet:
        drop = params.drop if params.drop.ndim == 3 else params.drop[None]

        def dropped(s: int) -> np.ndarray | None:
            return drop[s].astype(np.float64) if drop[s].any() else None

        bp = getattr(state.reader, "bbox_params", None)
        return boxes_after_drops(boxes, dropped, bp.min_area if bp is not None else 0.0, shrink=False)

    def apply_points(self, pts: PointSet, params: MaskDropoutParams, state: State) -> PointSet:
        if not removes_points(state) or not len(pts.rows):
            return pts
        drop = params.drop if params.drop.ndim == 3 else params.drop[None]
        h, w = drop.shape[1:]
        x = np.clip(pts.xy[:, 0].astype(np.int64), 0, w - 1)  # a point on the far edge reads the last pixel
        y = np.clip(pts.xy[:, 1].astype(np.int64), 0, h - 1)
        keep = ~drop[pts.sample if drop.shape[0] > 1 else 0, y, x]
        return pts if keep.all() else pts.take(np.flatnonzero(keep))


from ._dropout_more import GridMask, GuidedCoarseDropout  # noqa: E402 - kept apart (file size); declares this module its own
