"""Bounding boxes and keypoints: user formats <-> internal form, geometry and filtering.

Internal form (host NumPy, float64 for exact bookkeeping):
- boxes: ``xyxy`` (M, 4) in pixels of the current image, ``rows`` (M,) the index of each box in
  the user's input (extra columns and label fields ride along by that index), ``vis`` (M,) the
  visible fraction so far, ``sample`` (M,) the sample index in a batch (0 for one image), and
  ``origin`` (M,) the sample the row came from when a mix transform moved it to another one
  (``None``: every row is its sample's own);
- keypoints: ``xy`` (K, 2) pixels, ``angle`` (K,) radians, ``scale`` (K,), ``rows``, ``sample``,
  ``origin``.
Pixel (row i, col j) covers [j, j+1) x [i, i+1); image coordinates are continuous.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .validation import check_bool, check_choice, check_number, show

BBOX_FORMATS = ("pascal_voc", "coco", "yolo", "albumentations")
KEYPOINT_FORMATS = ("xy", "yx", "xya", "xys", "xyas", "xysa", "xyz")


@dataclass(frozen=True)
class BboxParams:
    """How bounding boxes are given and filtered.

    Args:
        format: ``pascal_voc`` (x_min, y_min, x_max, y_max px), ``coco`` (x_min, y_min, w, h px),
            ``yolo`` (x_c, y_c, w, h normalised) or ``albumentations`` (x_min, y_min, x_max, y_max
            normalised). Columns after the first four are carried through unchanged.
        label_fields: names of keyword arguments holding one label per box, filtered with the boxes.
        min_area: boxes whose visible area (pixels) falls below this are dropped.
        min_visibility: boxes keeping less than this fraction of their area are dropped.
        min_width, min_height: minimum visible size in pixels.
        check_each_transform: albumentations filters after every transform (``True``) or at the
            end; xalbu tracks each box's visible fraction through the pipeline and filters once at
            the end either way (docs/differences.md).
        clip: clip input boxes to the image instead of rejecting out-of-range ones.
        filter_invalid_bboxes: clip input boxes to the image, then drop those left empty or
            inverted instead of raising (albumentations 2.0.8 clips them too, but raises for a box
            entirely outside the image: docs/differences.md).
        max_accept_ratio: drop boxes whose aspect ratio ``max(w / h, h / w)`` ends above this
            (``None``: no limit; at least 1).

    >>> BboxParams(format="coco", label_fields=["labels"], min_visibility=0.3).format
    'coco'
    """

    format: str = "pascal_voc"
    label_fields: tuple[str, ...] = ()
    min_area: float = 0.0
    min_visibility: float = 0.0
    min_width: float = 0.0
    min_height: float = 0.0
    clip: bool = False
    filter_invalid_bboxes: bool = False
    check_each_transform: bool = True
    max_accept_ratio: float | None = None

    def __post_init__(self) -> None:
        check_choice("BboxParams.format", self.format, BBOX_FORMATS)
        if self.max_accept_ratio is not None:
            ratio = check_number("BboxParams.max_accept_ratio", self.max_accept_ratio, 1.0)
            object.__setattr__(self, "max_accept_ratio", ratio)
        labels = BboxParams._names("BboxParams.label_fields", self.label_fields)
        object.__setattr__(self, "label_fields", labels)
        for name in ("min_area", "min_visibility", "min_width", "min_height"):  # NaN and inf refused
            hi = 1 if name == "min_visibility" else None
            object.__setattr__(self, name, check_number(f"BboxParams.{name}", getattr(self, name), 0, hi))
        for name in ("clip", "filter_invalid_bboxes", "check_each_transform"):
            object.__setattr__(self, name, check_bool(f"BboxParams.{name}", getattr(self, name)))

    @staticmethod
    def _names(name: str, value: Any) -> tuple[str, ...]:
        """``label_fields``: None, one keyword name, or a list of them."""
        if not (value is None or isinstance(value, str)) and (
            isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable)
        ):
            raise TypeError(f"{name}: expected a list of keyword names, got {show(value)}")
        return _as_names(name, value)


@dataclass(frozen=True)
class KeypointParams:
    """How keypoints are given and filtered.

    Args:
        format: one of ``xy``, ``yx``, ``xya``, ``xys``, ``xyas``, ``xysa``, ``xyz`` (x, y in pixels; a =
            angle, s = scale; z = the slice coordinate of a volume, which 3-D transforms move and 2-D
            transforms keep). Columns after the format's are carried through unchanged.
        label_fields: names of keyword arguments holding one label per keypoint.
        remove_invisible: drop keypoints that leave the image.
        angle_in_degrees: angles are given (and returned) in degrees, else radians.
        check_each_transform: with ``remove_invisible``, drop a keypoint as soon as a step moves
            it out of the image (``True``), or only if it is outside at the end (``False``).

    >>> KeypointParams(format="xya").angle_in_degrees
    True
    """

    format: str = "xy"
    label_fields: tuple[str, ...] = ()
    remove_invisible: bool = True
    angle_in_degrees: bool = True
    check_each_transform: bool = True

    def __post_init__(self) -> None:
        check_choice("KeypointParams.format", self.format, KEYPOINT_FORMATS)
        labels = BboxParams._names("KeypointParams.label_fields", self.label_fields)
        object.__setattr__(self, "label_fields", labels)
        for name in ("remove_invisible", "angle_in_degrees", "check_each_transform"):
            object.__setattr__(self, name, check_bool(f"KeypointParams.{name}", getattr(self, name)))


def _as_names(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    out = tuple(value)
    if not all(isinstance(v, str) for v in out):
        raise TypeError(f"{name}: expected a list of keyword names, got {value!r}")
    return out


# ---------------------------------------------------------------- internal sets
@dataclass
class BoxSet:
    """Boxes of one target key in internal form (see module docstring)."""

    xyxy: np.ndarray
    rows: np.ndarray
    vis: np.ndarray
    sample: np.ndarray
    origin: np.ndarray | None = None

    def take(self, keep: np.ndarray) -> BoxSet:
        origin = None if self.origin is None else self.origin[keep]
        return BoxSet(self.xyxy[keep], self.rows[keep], self.vis[keep], self.sample[keep], origin)

    @staticmethod
    def concat(parts: list[BoxSet]) -> BoxSet:
        """The rows of ``parts``, one after the other."""
        fields = ("xyxy", "rows", "vis", "sample")
        return BoxSet(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields), _origins(parts))


@dataclass
class PointSet:
    """Keypoints of one target key in internal form (see module docstring)."""

    xy: np.ndarray
    angle: np.ndarray
    scale: np.ndarray
    rows: np.ndarray
    sample: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))
    origin: np.ndarray | None = None
    z: np.ndarray | None = None  # format "xyz": the slice coordinate (None: 2-D keypoints)

    def take(self, keep: np.ndarray) -> PointSet:
        origin = None if self.origin is None else self.origin[keep]
        z = None if self.z is None else self.z[keep]
        return PointSet(
            self.xy[keep], self.angle[keep], self.scale[keep], self.rows[keep], self.sample[keep], origin, z
        )

    @staticmethod
    def concat(parts: list[PointSet]) -> PointSet:
        """The rows of ``parts``, one after the other."""
        fields = ("xy", "angle", "scale", "rows", "sample")
        z = None
        if any(p.z is not None for p in parts):
            z = np.concatenate([np.zeros(len(p.rows)) if p.z is None else p.z for p in parts])
        return PointSet(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields), _origins(parts), z)


def _origins(parts: list[Any]) -> np.ndarray | None:
    """The ``origin`` column of concatenated row sets (``None`` while every part has none)."""
    if all(p.origin is None for p in parts):
        return None
    return np.concatenate([p.sample if p.origin is None else p.origin for p in parts])


# ---------------------------------------------------------------- format conversion
def as_table(name: str, value: Any, min_cols: int) -> np.ndarray:
    """The numeric part (first ``min_cols`` columns) of a user's box/keypoint list or array."""
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__") or hasattr(value, "__dlpack__"):
        arr = to_host(value)
        if arr.ndim == 1 and arr.shape[0] == 0:
            arr = arr.reshape(0, min_cols)
        if arr.ndim != 2 or arr.shape[1] < min_cols:
            raise ValueError(f"{name}: expected an array of shape (N, >= {min_cols}), got {tuple(arr.shape)}")
        return np.asarray(arr[:, :min_cols], dtype=np.float64)
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{name}: expected a list of tuples or an (N, >= {min_cols}) array, got {type(value).__name__}"
        )
    try:  # plain numeric rows (the common case): one conversion
        out = np.array(value, dtype=np.float64)
        if out.ndim == 2 and out.shape[1] >= min_cols and len(value):
            return out[:, :min_cols]
    except (TypeError, ValueError):  # extra non-numeric columns, ragged rows
        pass
    try:
        out = np.array([row[:min_cols] for row in value], dtype=np.float64)
        if out.shape == (len(value), min_cols):
            return out
    except (TypeError, ValueError):
        pass
    for i, row in enumerate(value):  # find the offending row for the message
        try:
            if len(row) < min_cols:
                raise ValueError
            [float(v) for v in row[:min_cols]]
        except (TypeError, ValueError):
            raise ValueError(f"{name}[{i}]: expected at least {min_cols} numbers, got {row!r}") from None
    return np.zeros((0, min_cols))


def to_host(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    mod = type(value).__module__
    if mod.startswith("cupy"):
        return value.get()
    if mod.startswith("torch"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def from_host(host: np.ndarray, like: Any) -> Any:
    """``host`` as an array of ``like``'s library on ``like``'s device (NumPy input: itself)."""
    if isinstance(like, np.ndarray):
        return host
    if type(like).__module__.startswith("cupy"):
        import cupy

        return cupy.asarray(host)
    from array_api_compat import array_namespace, device

    return array_namespace(like).asarray(host, device=device(like))


def bboxes_to_pixels(
    name: str, table: np.ndarray, fmt: str, hw: tuple[int, int], params: BboxParams
) -> tuple[np.ndarray, np.ndarray]:
    """Convert (M, 4) boxes in ``fmt`` to pixel xyxy; validate. Returns (xyxy, kept row indices)."""
    h, w = hw
    b = table.copy()
    if fmt == "coco":
        b[:, 2] += b[:, 0]
        b[:, 3] += b[:, 1]
    elif fmt == "yolo":
        half_w, half_h = b[:, 2] / 2, b[:, 3] / 2
        b = np.stack([b[:, 0] - half_w, b[:, 1] - half_h, b[:, 0] + half_w, b[:, 1] + half_h], axis=1)
    if fmt in ("yolo", "albumentations"):
        norm = b
        b = b * np.array([w, h, w, h], np.float64)
    else:
        norm = None  # computed below only when needed (b / size)
    rows = np.arange(len(b))
    given = b
    if params.clip or params.filter_invalid_bboxes:  # albumentations clips before filtering too
        b = np.clip(b, 0, np.array([w, h, w, h], np.float64))
        norm = b / np.array([w, h, w, h], np.float64)
    if _surely_valid(b, hw):
        return b, rows
    if norm is None:
        norm = b / np.array([w, h, w, h], np.float64)
    eps = 1e-6
    in_range = np.all((norm >= -eps) & (norm <= 1 + eps), axis=1)  # False for NaN
    ordered = (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])
    valid = in_range & ordered
    if not np.all(valid):
        if params.filter_invalid_bboxes:
            return b[valid], rows[valid]
        i = int(np.flatnonzero(~valid)[0])
        raise ValueError(
            f"{name}[{i}] = {tuple(float(v) for v in table[i])} ({fmt}) is invalid for an image of "
            f"{h}x{w}: {_box_problem(table[i], given[i], bool(in_range[i]), params.clip, fmt)}"
        )
    return b, rows


def _box_problem(row: np.ndarray, given: np.ndarray, in_range: bool, clip: bool, fmt: str) -> str:
    """What is wrong with one refused box (``row`` as the user gave it, ``given`` its pixel xyxy before
    clipping), for the message."""
    drop = "; pass filter_invalid_bboxes=True to drop such boxes"
    if np.isnan(given).any():
        return "a coordinate is NaN" + drop
    if not in_range:
        return "coordinates outside the image (pass clip=True to clip them, or filter_invalid_bboxes=True to drop such boxes)"
    x0, y0, x1, y1 = given.tolist()
    if clip and x1 > x0 and y1 > y0:  # ordered as given: clipping emptied it
        return "it lies outside the image, so clipping it to the image (clip=True) leaves it empty" + drop
    a, b, c, d = row.tolist()
    if fmt in ("coco", "yolo"):  # formats that give a width and a height
        return (f"its width ({c:g}) is not > 0" if x1 <= x0 else f"its height ({d:g}) is not > 0") + drop
    return (f"x_max ({c:g}) <= x_min ({a:g})" if x1 <= x0 else f"y_max ({d:g}) <= y_min ({b:g})") + drop


def _within(b: np.ndarray, x_lo: float, y_lo: float, x_hi: float, y_hi: float) -> bool:
    """True when every (x0, y0, x1, y1) row has ``x_lo <= x0 < x1 <= x_hi`` and ``y_lo <= y0 < y1 <= y_hi``.

    A few boxes are checked in Python (each NumPy call on a tiny array costs ~1-3 us), many in NumPy.
    """
    if len(b) <= 32:
        for x0, y0, x1, y1 in b.tolist():
            if not (x_lo <= x0 < x1 <= x_hi and y_lo <= y0 < y1 <= y_hi):
                return False
        return True
    lo, hi = b.min(axis=0).tolist(), b.max(axis=0).tolist()
    ok = lo[0] >= x_lo and lo[1] >= y_lo and hi[2] <= x_hi and hi[3] <= y_hi
    return bool(ok and (b[:, 2:] - b[:, :2]).min() > 0)


def _surely_valid(b: np.ndarray, hw: tuple[int, int]) -> bool:
    """True when every box is ordered and inside the image with margin (half the tolerance of the
    detailed check in :func:`bboxes_to_pixels`, so nothing it would reject passes)."""
    h, w = hw
    return _within(b, -5e-7 * w, -5e-7 * h, (1 + 5e-7) * w, (1 + 5e-7) * h)


def bboxes_from_pixels(xyxy: np.ndarray, fmt: str, hw: tuple[int, int]) -> np.ndarray:
    """Convert pixel xyxy boxes back to ``fmt`` (float64 (M, 4))."""
    h, w = hw
    b = xyxy
    if fmt == "pascal_voc":
        return b.copy()
    if fmt == "coco":
        return np.stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], axis=1)
    n = b / np.array([w, h, w, h], np.float64)
    if fmt == "albumentations":
        return n
    return np.stack(
        [(n[:, 0] + n[:, 2]) / 2, (n[:, 1] + n[:, 3]) / 2, n[:, 2] - n[:, 0], n[:, 3] - n[:, 1]], axis=1
    )


def keypoint_columns(fmt: str) -> int:
    return len(fmt)


def keypoints_to_internal(
    name: str, table: np.ndarray, params: KeypointParams, hw: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(K, len(format)) user keypoints -> (xy, angle radians, scale); checks they lie in the image."""
    fmt = params.format
    col = {c: i for i, c in enumerate(fmt)}
    xy = np.stack([table[:, col["x"]], table[:, col["y"]]], axis=1) if len(table) else np.zeros((0, 2))
    angle = table[:, col["a"]] if "a" in col else np.zeros(len(table))
    if "a" in col and params.angle_in_degrees:
        angle = np.deg2rad(angle)
    scale = table[:, col["s"]] if "s" in col else np.ones(len(table))
    h, w = hw
    if not _points_valid(table, col, w, h):
        _refuse_points(name, table, params, col, w, h)
    return xy, np.mod(angle, 2 * np.pi), scale


def _points_valid(table: np.ndarray, col: dict[str, int], w: float, h: float) -> bool:
    """True when every keypoint lies in the closed image ``[0, W] x [0, H]`` and its angle and scale
    (where the format has them) are finite; NaN coordinates are not in the image."""
    ix, iy = col["x"], col["y"]
    extra = [col[c] for c in "asz" if c in col]
    if len(table) <= 32:  # a few rows: Python is faster than NumPy calls on tiny arrays
        for row in table.tolist():
            if not (0 <= row[ix] <= w and 0 <= row[iy] <= h):
                return False
            for j in extra:
                if not math.isfinite(row[j]):
                    return False
        return True
    x, y = table[:, ix], table[:, iy]
    if not bool(((x >= 0) & (x <= w) & (y >= 0) & (y <= h)).all()):
        return False
    return not extra or bool(np.isfinite(table[:, extra]).all())


def _refuse_points(
    name: str, table: np.ndarray, params: KeypointParams, col: dict[str, int], w: float, h: float
) -> None:
    """Raise for the first keypoint that :func:`_points_valid` refuses, saying what is wrong."""
    x, y = table[:, col["x"]], table[:, col["y"]]
    nan_xy = np.isnan(x) | np.isnan(y)
    outside = ~nan_xy & ~((x >= 0) & (x <= w) & (y >= 0) & (y <= h))
    bad_extra = {c: ~np.isfinite(table[:, col[c]]) for c in "asz" if c in col}
    problems = [nan_xy, outside, *bad_extra.values()]
    i = int(np.flatnonzero(np.logical_or.reduce(problems))[0])
    if nan_xy[i]:
        what = "x and y must be numbers, not NaN"
    elif outside[i]:
        what = f"it lies outside the image of {int(h)}x{int(w)}"
    else:
        names = {"a": "angle", "s": "scale", "z": "z"}
        what = (
            " and ".join(names[c] for c, bad in bad_extra.items() if bad[i])
            + " must be finite (not NaN or inf)"
        )
    raise ValueError(f"{name}[{i}] = {tuple(float(v) for v in table[i])} ({params.format}): {what}")


def albumentations_keypoints(pts: PointSet, sel: Any = slice(None)) -> np.ndarray:
    """Rows ``sel`` of internal keypoints in albumentations' layout: float64 ``(K, 5)`` columns
    ``x, y, z, angle (radians), scale`` (z = 0 for 2-D keypoints)."""
    xy = pts.xy[sel]
    z = np.zeros(len(xy)) if pts.z is None else pts.z[sel]
    return np.column_stack([xy, z, pts.angle[sel], pts.scale[sel]])


def from_albumentations_keypoints(pts: PointSet, table: np.ndarray) -> PointSet:
    """``pts`` with x, y, angle and scale (and z, for 3-D keypoints) read back from albumentations' layout."""
    z = None if pts.z is None else table[:, 2].copy()
    return replace(pts, xy=table[:, :2].copy(), angle=table[:, 3].copy(), scale=table[:, 4].copy(), z=z)


def keypoints_from_internal(pts: PointSet, params: KeypointParams) -> np.ndarray:
    """Internal keypoints -> (K, len(format)) in the user's format."""
    cols = {"x": pts.xy[:, 0], "y": pts.xy[:, 1], "s": pts.scale}
    if "z" in params.format:
        cols["z"] = np.zeros(len(pts.rows)) if pts.z is None else pts.z
    angle = np.mod(pts.angle, 2 * np.pi)
    cols["a"] = np.rad2deg(angle) if params.angle_in_degrees else angle
    return (
        np.stack([cols[c] for c in params.format], axis=1)
        if len(pts.rows)
        else np.zeros((0, len(params.format)))
    )


# ---------------------------------------------------------------- geometry
def map_points(xy: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Map (K, 2) points through a 3x3 matrix or per-point (K, 3, 3) matrices (projective)."""
    if m.ndim == 2:
        out = xy @ m[:2, :2].T + m[:2, 2]
        if _is_affine(m):
            return out
        return out / (xy @ m[2, :2] + m[2, 2])[:, None]
    num = np.einsum("kij,kj->ki", m[:, :2, :2], xy) + m[:, :2, 2]
    w = np.einsum("kj,kj->k", m[:, 2, :2], xy) + m[:, 2, 2]
    return num / w[:, None]


def _is_affine(m: np.ndarray) -> bool:
    return bool(m[2, 0] == 0 and m[2, 1] == 0 and m[2, 2] == 1)


def map_boxes(boxes: BoxSet, m: np.ndarray) -> np.ndarray:
    """The axis-aligned hull of each box's four mapped corners (pixels)."""
    b = boxes.xyxy
    if m.ndim == 2:
        (a, bx, c), (d, e, f), (g, hy, i) = m.tolist()
        if g == 0 and hy == 0 and i == 1 and ((bx == 0 and d == 0) or (a == 0 and e == 0)):
            # flips, quarter turns, crops, pads, resizes: x' and y' each follow one input axis, so
            # the mapped box is one multiply-add, with x / y edges swapped where the map reverses
            if bx == 0 and d == 0:
                sx, sy, src = a, e, b
            else:
                sx, sy, src = bx, d, b[:, [1, 0, 3, 2]]
            out = src * np.array([sx, sy, sx, sy]) + np.array([c, f, c, f])
            if sx < 0 or sy < 0:
                out = out[:, [2 if sx < 0 else 0, 3 if sy < 0 else 1, 0 if sx < 0 else 2, 1 if sy < 0 else 3]]
            return out
    corners = b[:, [0, 1, 2, 1, 0, 3, 2, 3]].reshape(-1, 2)
    mm = m if m.ndim == 2 else np.repeat(m[boxes.sample], 4, axis=0)
    c = map_points(corners, mm).reshape(-1, 4, 2)
    return np.concatenate([c.min(axis=1), c.max(axis=1)], axis=1)


def map_keypoints(pts: PointSet, m: np.ndarray) -> PointSet:
    """Move keypoints through ``m``; angle and scale follow the local Jacobian of the map."""
    mm = m if m.ndim == 2 else m[pts.sample]
    xy = map_points(pts.xy, mm)
    if mm.ndim == 2:
        mm = np.broadcast_to(mm, (len(xy), 3, 3))
    # Jacobian of x' = (A x + t) / (h.x + h33):  J = (A - x' h^T) / w
    w = np.einsum("kj,kj->k", mm[:, 2, :2], pts.xy) + mm[:, 2, 2]
    jac = (mm[:, :2, :2] - xy[:, :, None] * mm[:, 2, None, :2]) / w[:, None, None]
    d = np.stack([np.cos(pts.angle), np.sin(pts.angle)], axis=1)
    nd = np.einsum("kij,kj->ki", jac, d)
    # the scale of a keypoint follows the map's isotropic scale factor sqrt(|det J|)
    scale = pts.scale * np.sqrt(np.abs(np.linalg.det(jac))) if len(xy) else pts.scale
    angle = np.mod(np.arctan2(nd[:, 1], nd[:, 0]), 2 * np.pi)
    return replace(pts, xy=xy, angle=angle, scale=scale)


def clip_boxes(boxes: BoxSet, xyxy: np.ndarray, hw: tuple[int, int]) -> BoxSet:
    """Set new coordinates ``xyxy``, clip them to the image, track visibility, drop empty boxes."""
    h, w = hw
    if _within(xyxy, 0.0, 0.0, w, h):  # all inside (and not empty): nothing is clipped or dropped
        return replace(boxes, xyxy=xyxy)
    wh = xyxy[:, 2:] - xyxy[:, :2]
    area = wh[:, 0] * wh[:, 1]
    clipped = np.clip(xyxy, 0.0, (w, h, w, h))
    cwh = clipped[:, 2:] - clipped[:, :2]
    c_area = cwh[:, 0] * cwh[:, 1]
    keep = c_area > 0
    vis = boxes.vis * np.divide(c_area, area, out=np.zeros_like(area), where=keep)
    out = replace(boxes, xyxy=clipped, vis=vis)
    return out if keep.all() else out.take(keep)


def filter_boxes(boxes: BoxSet, params: BboxParams) -> BoxSet:
    """Drop boxes under the user's min_area / min_visibility / min_width / min_height, or above
    ``max_accept_ratio``."""
    b = boxes.xyxy
    ratio = params.max_accept_ratio
    if not (params.min_visibility or params.min_area or params.min_width or params.min_height or ratio):
        if _within(b, -np.inf, -np.inf, np.inf, np.inf):  # all non-empty: nothing to drop
            return boxes
    wd, ht = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    keep = wd * ht > 0
    if params.min_visibility:
        keep &= boxes.vis >= params.min_visibility
    if params.min_area:
        keep &= wd * ht >= params.min_area
    if params.min_width:
        keep &= wd >= params.min_width
    if params.min_height:
        keep &= ht >= params.min_height
    if ratio is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            keep &= np.maximum(wd / ht, ht / wd) <= ratio
    return boxes if keep.all() else boxes.take(keep)


def filter_keypoints(pts: PointSet, hw: tuple[int, int]) -> PointSet:
    """Drop keypoints outside the image (used when ``remove_invisible``).

    The image is the closed rectangle ``[0, W] x [0, H]``, as for input keypoints, so that maps of the
    image onto itself (a flip sends ``x = 0`` to ``x = W``) keep every keypoint.
    """
    h, w = hw
    x, y = pts.xy[:, 0], pts.xy[:, 1]
    keep = (x >= 0) & (x <= w) & (y >= 0) & (y <= h)
    return pts if keep.all() else pts.take(keep)
