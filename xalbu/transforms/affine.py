"""Affine and perspective warps: Affine, ShiftScaleRotate, Rotate, SafeRotate, Perspective.

All are affine-kind: ``sample`` draws the parameters and builds the forward 3x3 matrix (or (N, 3, 3)
for a batch) on the host; the base class warps images and masks and maps boxes and keypoints through
the same matrix (boxes become the hull of their mapped corners, albumentations' "largest_box").

Output sizes that vary per sample (``fit_output``, ``Perspective(keep_size=False)``) use, in a batch,
the largest size of the batch with each sample centred in it (the extra margin takes the border rule);
``Rotate(crop_border=True)`` uses the smallest crop of the batch, centred in each sample's own crop, so
no border pixels appear.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from ..core import draw
from ..core import geometry as M
from ..core.affine import AffineTransform
from ..core.compat import BORDER_MODE_1X, FILL_1X, FILL_MASK_1X, Rule
from ..core.validation import check_bool, check_choice, check_range
from ..functional._common import check_output_size
from ._common import set_border, set_interpolations

__all__ = ["Affine", "Perspective", "Rotate", "SafeRotate", "ShiftScaleRotate"]

_EPS = 1e-6


# ----------------------------------------------------------------------------------------------
# argument helpers
# ----------------------------------------------------------------------------------------------
def _check_rotate_method(value: Any) -> str:
    if value == "ellipse":
        raise ValueError(
            "rotate_method: 'ellipse' is not supported; boxes are the hull of their mapped corners "
            "('largest_box')"
        )
    return check_choice("rotate_method", value, ("largest_box",))


def _xy_ranges(
    name: str, value: Any, default: float, lo: float | None = None, hi: float | None = None
) -> dict:
    """albumentations' per-axis argument: a number (fixed), a (low, high) pair or a dict with "x"/"y"."""
    if isinstance(value, Mapping):
        unknown = set(value) - {"x", "y"}
        if unknown or not value:
            raise ValueError(f'{name}: a dict takes the keys "x" and/or "y", got {sorted(map(str, value))}')
        return {k: check_range(f"{name}[{k!r}]", value.get(k, default), lo, hi) for k in ("x", "y")}
    pair = check_range(name, value, lo, hi)
    return {"x": pair, "y": pair}


def _integral(ranges: dict) -> dict:
    """Show whole numbers as ints (``translate_px``)."""
    return {k: tuple(int(v) if float(v).is_integer() else v for v in r) for k, r in ranges.items()}


def _check_shear(ranges: dict) -> dict:
    for k, (a, b) in ranges.items():
        if max(abs(a), abs(b)) >= 90:
            raise ValueError(
                f"shear[{k!r}]: expected angles strictly between -90 and 90 degrees, got ({a:g}, {b:g})"
            )
    return ranges


# Scale factors are refused outside [2**-24, 2**24]: the warps compute source positions in float32,
# which resolves a pixel only up to 2**24, so a smaller factor moves one output pixel past every
# source pixel any image has (and below ~1e-10 the matrix is singular in float64 once its near-whole
# entries are rounded); a larger one magnifies one source pixel past any output. A factor within
# that still shrinking the image under one pixel is a call-time matter (the output is border).
MIN_SCALE, MAX_SCALE = 2.0**-24, 2.0**24


def _check_scale(name: str, ranges: dict) -> dict:
    for k, (a, b) in ranges.items():
        if a < MIN_SCALE or b > MAX_SCALE:
            bad = a if a < MIN_SCALE else b
            raise ValueError(
                f"{name}: expected scale factors within [2**-24, 2**24] ({MIN_SCALE:.3g} to {MAX_SCALE:.3g}; "
                f"outside it the warp's float32 source positions cannot resolve a pixel), got {bad:g} for {k!r}"
            )
    return ranges


def _check_invertible(shear: dict) -> dict:
    """A fixed shear pair whose matrix is singular (``tan(x) * tan(y) = 1``) is refused."""
    (x0, x1), (y0, y1) = shear["x"], shear["y"]
    if x0 == x1 and y0 == y1 and abs(1 - math.tan(math.radians(x0)) * math.tan(math.radians(y0))) < 1e-9:
        raise ValueError(
            f"shear: x = {x0:g} and y = {y0:g} degrees make the affine matrix singular "
            "(tan(x) * tan(y) = 1: the image collapses onto a line)"
        )
    return shear


def _singular(m: np.ndarray) -> bool:
    """Whether some (3, 3) matrix of ``m`` has a zero or non-finite determinant (in float64)."""
    det = m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]
    return bool(np.any((det == 0) | ~np.isfinite(det)))


# ----------------------------------------------------------------------------------------------
# host geometry helpers
# ----------------------------------------------------------------------------------------------
def _snap(m: np.ndarray) -> np.ndarray:
    """Round entries within 1e-10 of an integer (cos 90 deg, an identity homography) to it."""
    r = np.round(m)
    return np.where(np.abs(m - r) < 1e-10, r, m)


def _corners(shape: tuple[int, int]) -> np.ndarray:
    h, w = shape
    return np.array([[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]])


def _map(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map (K, 2) points through (3, 3) or (N, 3, 3) matrices: (K, 2) or (N, K, 2)."""
    hom = np.concatenate([pts, np.ones((len(pts), 1))], axis=1)
    out = hom @ np.swapaxes(m, -1, -2)
    return out[..., :2] / out[..., 2:]


def _fit(m: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Shift ``m`` so the warped image starts at (0, 0); return it and each sample's (h, w) extent."""
    pts = _map(m, _corners(shape))
    lo, hi = pts.min(axis=-2), pts.max(axis=-2)
    size = np.maximum(np.ceil(hi - lo - _EPS), 1).astype(np.int64)  # (..., 2) as (w, h)
    return M.translate(-lo[..., 0], -lo[..., 1]) @ m, size[..., ::-1]


def _common_canvas(m: np.ndarray, hw: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """One output size: a sample's own (h, w), or the batch's largest with each sample centred."""
    if m.ndim == 2:
        return m, (int(hw[0]), int(hw[1]))
    big = hw.max(axis=0)
    off = (big - hw) // 2
    return M.translate(off[:, 1], off[:, 0]) @ m, (int(big[0]), int(big[1]))


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3x3 maps taking the 4 points ``src`` to ``dst`` ((N, 4, 2) each): one batched 8x8 solve."""
    n = src.shape[0]
    x, y = src[..., 0], src[..., 1]
    u, v = dst[..., 0], dst[..., 1]
    # rows 2i: x y 1 0 0 0 -ux -uy = u; rows 2i+1: 0 0 0 x y 1 -vx -vy = v (filled in place: cheap)
    a = np.zeros((n, 8, 8))
    a[:, 0::2, 0] = a[:, 1::2, 3] = x
    a[:, 0::2, 1] = a[:, 1::2, 4] = y
    a[:, 0::2, 2] = a[:, 1::2, 5] = 1.0
    a[:, 0::2, 6], a[:, 0::2, 7] = -u * x, -u * y
    a[:, 1::2, 6], a[:, 1::2, 7] = -v * x, -v * y
    b = np.empty((n, 8, 1))
    b[:, 0::2, 0], b[:, 1::2, 0] = u, v
    h = np.linalg.solve(a, b)[..., 0]
    return np.concatenate([h, np.ones((n, 1))], axis=1).reshape(n, 3, 3)


def _quad_to_unit(q: list[list[float]]) -> np.ndarray:
    """The 3x3 map taking the quadrilateral ``q`` (tl, tr, br, bl, as lists) onto the unit square, in
    closed form: the square-to-quadrilateral map (Heckbert, "Fundamentals of Texture Mapping", 1989,
    sec. 2.2.3) inverted by its adjugate, normalised so that its last entry is 1.

    >>> bool((_quad_to_unit([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]) == np.eye(3)).all())
    True
    >>> m = _quad_to_unit([[0.1, 0.2], [0.9, 0.0], [1.0, 0.8], [0.0, 1.0]])
    >>> p = m @ [0.9, 0.0, 1.0]; bool(np.allclose(p[:2] / p[2], [1.0, 0.0]))  # tr goes to (1, 0)
    True
    """
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    sx, sy = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
    den = dx1 * dy2 - dx2 * dy1
    g = (sx * dy2 - dx2 * sy) / den
    hh = (dx1 * sy - sx * dy1) / den
    a, b, c = x1 - x0 + g * x1, x3 - x0 + hh * x3, x0
    d, e, f = y1 - y0 + g * y1, y3 - y0 + hh * y3, y0
    # adjugate of [[a, b, c], [d, e, f], [g, hh, 1]]
    inv = np.array(
        [
            [e - f * hh, c * hh - b, b * f - c * e],
            [f * g - d, a - c * g, c * d - a * f],
            [d * hh - e * g, b * g - a * hh, a * e - b * d],
        ]
    )
    return inv / inv[2, 2]


def _uniform(rng: np.random.Generator, r: tuple[float, float], n: int | None) -> Any:
    return draw.uniform(rng, r[0], r[1], n)


class _PrecomputedWarp(AffineTransform):
    """``sample`` builds the matrix and the output size; they ride in the params (``matrix``, ``out_hw``)."""

    _abstract = True

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return params.matrix

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return params.out_hw


# ----------------------------------------------------------------------------------------------
# Affine and ShiftScaleRotate
# ----------------------------------------------------------------------------------------------
@dataclass
class AffineParams:
    scale_x: Any
    scale_y: Any
    translate_x: Any  # pixels
    translate_y: Any
    rotate: Any  # degrees, counter-clockwise
    shear_x: Any  # degrees, as used in the matrix
    shear_y: Any
    matrix: np.ndarray  # (3, 3) or (N, 3, 3)
    out_hw: tuple[int, int]


class Affine(_PrecomputedWarp):
    """Scale, translate, rotate and shear about the image centre (one resampling pass).

    Args:
        scale: zoom factor: a number (fixed), a (low, high) range, or a dict of them per axis
            (``{"x": ..., "y": ...}``).
        translate_percent: shift as a fraction of the width/height (number, range or per-axis dict).
        translate_px: shift in whole pixels (number, range or per-axis dict); only one of the two.
        rotate: angle in degrees (number or range); positive is counter-clockwise on screen.
        shear: shear angle in degrees (number, range or per-axis dict), strictly within (-90, 90).
        interpolation, mask_interpolation: OpenCV interpolation codes for images and masks.
        fit_output: enlarge the canvas (and move the content) so the whole warped image is kept.
        keep_ratio: use the x scale for y as well.
        rotate_method: ``"largest_box"`` (boxes become the hull of their mapped corners).
        balanced_scale: draw a zoom-out or a zoom-in with equal probability, then uniformly within it.
        border_mode, fill, fill_mask: how pixels from outside the image are filled.
        p: probability of applying the transform.

    The matrix is ``translate @ centre @ rotate @ shear @ scale @ uncentre``. With ``fit_output`` a
    batch uses the largest canvas of its samples, each centred in it.

    >>> import numpy as np, xalbu as A
    >>> img = np.array([[1, 2], [3, 4]], np.uint8)
    >>> A.Affine(rotate=90, interpolation=0, p=1)(image=img)["image"].tolist()
    [[2, 4], [1, 3]]
    """

    Params = AffineParams
    albumentations_args = {"cval": FILL_1X, "cval_mask": FILL_MASK_1X, "mode": BORDER_MODE_1X}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "scale": (0.9, 1.1),
                "translate_percent": (-0.1, 0.1),
                "rotate": (-15.0, 15.0),
                "shear": (-10.0, 10.0),
                "interpolation": 1,
                "border_mode": 0,
            },
            {
                "scale": {"x": (0.8, 1.2), "y": (0.9, 1.1)},
                "translate_px": {"x": (-3, 4), "y": 2},
                "rotate": 15,
                "shear": {"x": (-5, 5), "y": (0, 3)},
                "interpolation": 0,
                "mask_interpolation": 1,
                "border_mode": 1,
                "fill": (1, 2, 3),
                "fill_mask": 2,
                "fit_output": True,
                "balanced_scale": True,
            },
            {"scale": 1.1, "keep_ratio": True, "translate_percent": {"x": 0.1, "y": (-0.05, 0.05)}},
        ]

    def __init__(
        self,
        scale: Any = (1.0, 1.0),
        translate_percent: Any = None,
        translate_px: Any = None,
        rotate: Any = 0.0,
        shear: Any = (0.0, 0.0),
        interpolation: int = 1,
        mask_interpolation: int = 0,
        fit_output: bool = False,
        keep_ratio: bool = False,
        rotate_method: str = "largest_box",
        balanced_scale: bool = False,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.scale = _check_scale("scale", _xy_ranges("scale", scale, 1.0))
        if translate_percent is not None and translate_px is not None:
            raise ValueError("translate_percent, translate_px: give one of them, not both")
        self.translate_percent = (
            None if translate_percent is None else _xy_ranges("translate_percent", translate_percent, 0.0)
        )
        self.translate_px = (
            None if translate_px is None else _integral(_xy_ranges("translate_px", translate_px, 0))
        )
        self.rotate = check_range("rotate", rotate)
        self.shear = _check_invertible(_check_shear(_xy_ranges("shear", shear, 0.0)))
        set_interpolations(self, interpolation, mask_interpolation)
        self.fit_output = check_bool("fit_output", fit_output)
        self.keep_ratio = check_bool("keep_ratio", keep_ratio)
        if self.keep_ratio and self.scale["x"] != self.scale["y"]:
            raise ValueError(f"keep_ratio: needs the same x and y scale ranges, got {self.scale}")
        self.rotate_method = _check_rotate_method(rotate_method)
        self.balanced_scale = check_bool("balanced_scale", balanced_scale)
        set_border(self, border_mode, fill, fill_mask)

    # -------------------------------------------------------------- sampling
    def _draw_scale(self, rng: np.random.Generator, r: tuple[float, float], n: int | None) -> Any:
        lo, hi = r
        if not self.balanced_scale or not (lo < 1 < hi):
            return _uniform(rng, r, n)
        down = rng.random(size=n) < 0.5
        u = rng.random(size=n)
        a, b = np.where(down, lo, 1.0), np.where(down, 1.0, hi)
        out = a + u * (b - a)
        return float(out) if n is None else out

    def _draw_translate(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> tuple[Any, Any]:
        h, w = shape
        if self.translate_percent is not None:
            tx = np.trunc(_uniform(rng, self.translate_percent["x"], n) * w)
            ty = np.trunc(_uniform(rng, self.translate_percent["y"], n) * h)
        elif self.translate_px is not None:
            (ax, bx), (ay, by) = self.translate_px["x"], self.translate_px["y"]
            tx = np.asarray(draw.integers(rng, math.ceil(ax), math.floor(bx) + 1, n), np.float64)
            ty = np.asarray(draw.integers(rng, math.ceil(ay), math.floor(by) + 1, n), np.float64)
        else:
            tx = ty = np.zeros(()) if n is None else np.zeros(n)
        return (float(tx), float(ty)) if n is None else (tx, ty)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> AffineParams:
        sx = self._draw_scale(rng, self.scale["x"], n)
        sy = self._draw_scale(rng, self.scale["y"], n)
        if self.keep_ratio:
            sy = sx
        tx, ty = self._draw_translate(rng, shape, n)
        angle = _uniform(rng, self.rotate, n)
        # albumentations negates the drawn shear angles
        shx = -_uniform(rng, self.shear["x"], n)
        shy = -_uniform(rng, self.shear["y"], n)
        core = M.rotate_deg(angle) @ M.shear_deg(shx, shy) @ M.scale(sx, sy)
        m = M.translate(tx, ty) @ M.about_center(core, shape)
        if n is not None:
            m = np.broadcast_to(m, (n, 3, 3))
        out_hw = shape
        if self.fit_output:
            m, hw = _fit(m, shape)
            m, out_hw = _common_canvas(m, hw)
        m = _snap(m)
        if _singular(m):  # a draw within ~1e-10 of a singular shear pair (rounded by _snap)
            drawn = f" (scale {sx:g}, {sy:g}; shear {shx:g}, {shy:g})" if n is None else ""
            raise ValueError(
                f"{type(self).__name__}: the drawn scale and shear make a singular matrix{drawn}; "
                "keep the shear ranges away from tan(x) * tan(y) = 1"
            )
        if self.fit_output:
            check_output_size(type(self).__name__, out_hw)
        return AffineParams(sx, sy, tx, ty, angle, shx, shy, m, out_hw)


class ShiftScaleRotate(Affine):
    """Random shift, zoom and rotation about the centre (albumentations' special case of Affine).

    Args:
        shift_limit: shift as a fraction of the size, for both axes; ``v`` means ``(-v, v)``; in [-1, 1].
        scale_limit: zoom range added to 1; ``v`` means ``(1 - v, 1 + v)``.
        rotate_limit: angle range in degrees; ``v`` means ``(-v, v)``.
        shift_limit_x, shift_limit_y: per-axis shift ranges replacing ``shift_limit`` when given.
        interpolation, mask_interpolation, border_mode, fill, fill_mask, rotate_method, p: as Affine.

    >>> import numpy as np, xalbu as A
    >>> t = A.ShiftScaleRotate(shift_limit=0, scale_limit=0, rotate_limit=0, p=1)
    >>> t(image=np.eye(3, dtype=np.uint8))["image"].tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    """

    albumentations_args = {"value": FILL_1X, "mask_value": FILL_MASK_1X}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "shift_limit": (-0.0625, 0.0625),
                "scale_limit": (-0.1, 0.1),
                "rotate_limit": (-45.0, 45.0),
                "interpolation": 1,
                "border_mode": 0,
            },
            {"shift_limit_x": (-0.1, 0.2), "shift_limit_y": 0.05, "scale_limit": 0.2, "rotate_limit": 5},
        ]

    def __init__(
        self,
        shift_limit: Any = (-0.0625, 0.0625),
        scale_limit: Any = (-0.1, 0.1),
        rotate_limit: Any = (-45, 45),
        interpolation: int = 1,
        border_mode: int = 0,
        shift_limit_x: Any = None,
        shift_limit_y: Any = None,
        rotate_method: str = "largest_box",
        mask_interpolation: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        self.shift_limit = check_range("shift_limit", shift_limit, -1, 1, symmetric_around=0.0)
        self.shift_limit_x = check_range(
            "shift_limit_x",
            self.shift_limit if shift_limit_x is None else shift_limit_x,
            -1,
            1,
            symmetric_around=0.0,
        )
        self.shift_limit_y = check_range(
            "shift_limit_y",
            self.shift_limit if shift_limit_y is None else shift_limit_y,
            -1,
            1,
            symmetric_around=0.0,
        )
        self.scale_limit = check_range("scale_limit", scale_limit, symmetric_around=0.0)
        if self.scale_limit[0] < MIN_SCALE - 1 or self.scale_limit[1] > MAX_SCALE - 1:
            raise ValueError(
                "scale_limit: expected values within [2**-24 - 1, 2**24 - 1] (the scale is 1 + value, "
                f"and Affine takes scale factors within [2**-24, 2**24]), got {scale_limit!r}"
            )
        self.rotate_limit = check_range("rotate_limit", rotate_limit, symmetric_around=0.0)
        super().__init__(
            scale=(1 + self.scale_limit[0], 1 + self.scale_limit[1]),
            translate_percent={"x": self.shift_limit_x, "y": self.shift_limit_y},
            rotate=self.rotate_limit,
            interpolation=interpolation,
            keep_ratio=True,  # one zoom factor for both axes
            mask_interpolation=mask_interpolation,
            rotate_method=rotate_method,
            border_mode=border_mode,
            fill=fill,
            fill_mask=fill_mask,
            p=p,
        )


# ----------------------------------------------------------------------------------------------
# Rotate
# ----------------------------------------------------------------------------------------------
@dataclass
class RotateParams:
    angle: Any  # degrees, counter-clockwise
    matrix: np.ndarray
    out_hw: tuple[int, int]


def _inner_rect(h: int, w: int, angle: Any) -> tuple[np.ndarray, np.ndarray]:
    """Width and height of the largest axis-aligned rectangle inside a w x h image rotated by angle."""
    a = np.deg2rad(np.asarray(angle, np.float64))
    s, c = np.abs(np.sin(a)), np.abs(np.cos(a))
    long, short = max(w, h), min(w, h)
    # half-constrained case: two corners of the rectangle touch the long sides
    half = 0.5 * short
    ws = half / np.maximum(s, 1e-12)
    wc = half / np.maximum(c, 1e-12)
    wr_half, hr_half = (ws, wc) if w >= h else (wc, ws)
    # fully-constrained case: all four corners touch the sides
    cos2 = c * c - s * s
    safe = np.where(np.abs(cos2) < 1e-12, 1.0, cos2)
    wr_full, hr_full = (w * c - h * s) / safe, (h * c - w * s) / safe
    half_case = (short <= 2.0 * s * c * long) | (np.abs(s - c) < 1e-10)
    return np.where(half_case, wr_half, wr_full), np.where(half_case, hr_half, hr_full)


class Rotate(_PrecomputedWarp):
    """Rotate by a random angle about the image centre.

    Args:
        limit: angle range in degrees; ``v`` means ``(-v, v)``. Positive is counter-clockwise on screen.
        interpolation, mask_interpolation: OpenCV interpolation codes for images and masks.
        border_mode, fill, fill_mask: how pixels from outside the image are filled.
        rotate_method: ``"largest_box"`` (boxes become the hull of their mapped corners).
        crop_border: crop to the largest axis-aligned rectangle inside the rotated image (the output
            size depends on the angle; a batch uses the smallest crop of its samples, centred in each).
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.Rotate(limit=(180, 180), interpolation=0, p=1)(image=np.array([[1, 2]], np.uint8))["image"].tolist()
    [[2, 1]]
    """

    Params = RotateParams
    albumentations_args = {"value": FILL_1X, "mask_value": FILL_MASK_1X}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"limit": (-45.0, 45.0), "interpolation": 1, "border_mode": 0},
            {"limit": 30, "crop_border": True, "border_mode": 3, "fill_mask": 1},
        ]

    def __init__(
        self,
        limit: Any = (-90, 90),
        interpolation: int = 1,
        border_mode: int = 0,
        rotate_method: str = "largest_box",
        crop_border: bool = False,
        mask_interpolation: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.limit = check_range("limit", limit, symmetric_around=0.0)
        set_interpolations(self, interpolation, mask_interpolation)
        set_border(self, border_mode, fill, fill_mask)
        self.rotate_method = _check_rotate_method(rotate_method)
        self.crop_border = check_bool("crop_border", crop_border)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> RotateParams:
        angle = _uniform(rng, self.limit, n)
        m = M.about_center(M.rotate_deg(angle), shape)
        out_hw = shape
        if self.crop_border:
            h, w = shape
            wr, hr = _inner_rect(h, w, angle)
            x0 = np.clip(np.ceil(w / 2 - wr / 2 - _EPS), 0, w - 1)
            y0 = np.clip(np.ceil(h / 2 - hr / 2 - _EPS), 0, h - 1)
            cw = np.maximum(np.clip(np.floor(w / 2 + wr / 2 + _EPS), 0, w) - x0, 1)
            ch = np.maximum(np.clip(np.floor(h / 2 + hr / 2 + _EPS), 0, h) - y0, 1)
            if n is not None:  # the smallest crop of the batch, centred in each sample's own crop
                cw_min, ch_min = cw.min(), ch.min()
                x0, y0 = x0 + (cw - cw_min) // 2, y0 + (ch - ch_min) // 2
                cw, ch = cw_min, ch_min
            m = M.crop(x0, y0) @ m
            out_hw = (int(ch), int(cw))
        return RotateParams(angle, _snap(m), out_hw)


class SafeRotate(_PrecomputedWarp):
    """Rotate by a random angle and squeeze the whole rotated image back into the input size.

    The rotated image's bounding rectangle, ``int(H |sin| + W |cos|)`` wide and
    ``int(H |cos| + W |sin|)`` high (albumentations' sizes), is scaled per axis to ``W x H``, so no
    corner is cut off (the aspect ratio of the content changes unless the angle is a multiple of
    180 degrees). Masks, boxes and keypoints follow the same matrix; a batch draws one angle per sample.

    Args:
        limit: angle range in degrees; ``v`` means ``(-v, v)``. Positive is counter-clockwise on screen.
        interpolation, mask_interpolation: OpenCV interpolation codes for images and masks.
        border_mode, fill, fill_mask: how the corners outside the rotated image are filled.
        rotate_method: ``"largest_box"`` (boxes become the hull of their mapped corners).
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.array([[1, 2], [3, 4]], np.uint8)
    >>> A.SafeRotate(limit=(90, 90), interpolation=0, p=1)(image=img)["image"].tolist()
    [[2, 4], [1, 3]]
    """

    Params = RotateParams
    # albumentations 2.0.8's SafeRotate is an Affine underneath and writes that class's arguments too,
    # at the values SafeRotate fixes (rotate copies limit): read as those, anything else refused
    albumentations_args = {
        "value": FILL_1X,
        "mask_value": FILL_MASK_1X,
        "rotate": Rule("drop", "albumentations 2.0.8: Affine's, a copy of limit"),
        "fit_output": Rule("drop", "albumentations 2.0.8: Affine's, fixed by SafeRotate", keep_if=(True,)),
        "keep_ratio": Rule("drop", "albumentations 2.0.8: Affine's, fixed by SafeRotate", keep_if=(False,)),
        "balanced_scale": Rule(
            "drop", "albumentations 2.0.8: Affine's, fixed by SafeRotate", keep_if=(False,)
        ),
        "scale": Rule(
            "drop",
            "albumentations 2.0.8: Affine's, fixed by SafeRotate",
            keep_if=({"x": [1.0, 1.0], "y": [1.0, 1.0]},),
        ),
        "shear": Rule(
            "drop",
            "albumentations 2.0.8: Affine's, fixed by SafeRotate",
            keep_if=({"x": [0.0, 0.0], "y": [0.0, 0.0]},),
        ),
        "translate_percent": Rule(
            "drop", "albumentations 2.0.8: Affine's, fixed by SafeRotate", keep_if=(None,)
        ),
        "translate_px": Rule(
            "drop",
            "albumentations 2.0.8: Affine's, fixed by SafeRotate",
            keep_if=({"x": [0, 0], "y": [0, 0]},),
        ),
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"limit": (-45.0, 45.0), "interpolation": 1, "border_mode": 0},
            {"limit": 30, "border_mode": 4, "mask_interpolation": 1, "fill_mask": 1},
            {"limit": (10, 20), "interpolation": 2, "fill": (1, 2, 3)},
        ]

    def __init__(
        self,
        limit: Any = (-90, 90),
        interpolation: int = 1,
        border_mode: int = 0,
        rotate_method: str = "largest_box",
        mask_interpolation: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.limit = check_range("limit", limit, symmetric_around=0.0)
        set_interpolations(self, interpolation, mask_interpolation)
        set_border(self, border_mode, fill, fill_mask)
        self.rotate_method = _check_rotate_method(rotate_method)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> RotateParams:
        h, w = shape
        angle = _uniform(rng, self.limit, n)
        a = np.deg2rad(angle)
        c, s = np.abs(np.cos(a)), np.abs(np.sin(a))
        # the rotated image's bounding rectangle, truncated as albumentations does
        new_w = np.trunc(h * s + w * c)
        new_h = np.trunc(h * c + w * s)
        m = M.about_center(M.scale(w / new_w, h / new_h) @ M.rotate_deg(angle), shape)
        return RotateParams(angle, _snap(m), shape)


# ----------------------------------------------------------------------------------------------
# Perspective
# ----------------------------------------------------------------------------------------------
@dataclass
class PerspectiveParams:
    points: np.ndarray  # (4, 2) or (N, 4, 2): the source quadrilateral tl, tr, br, bl in pixels
    matrix: np.ndarray
    out_hw: tuple[int, int]


class Perspective(_PrecomputedWarp):
    """A random four-point perspective warp: a jittered quadrilateral inside the image fills the output.

    Each corner moves inward by ``|N(0, sigma)| mod 0.32`` of the width/height, with ``sigma`` drawn
    uniformly from ``scale`` per image; the homography maps that quadrilateral onto the output rectangle.

    Args:
        scale: range of ``sigma``; ``v`` means ``(0, v)``.
        keep_size: output the input size; else the size of the quadrilateral (longest top/bottom edge x
            longest left/right edge; a batch uses the largest and centres each sample).
        fit_output: enlarge the canvas so the whole warped input image is kept (then resized back to the
            input size when ``keep_size``).
        interpolation, mask_interpolation, border_mode, fill, fill_mask, p: as Affine.

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> bool((A.Perspective(scale=0, p=1)(image=img)["image"] == img).all())
    True
    """

    Params = PerspectiveParams
    albumentations_args = {"pad_mode": BORDER_MODE_1X, "pad_val": FILL_1X, "mask_pad_val": FILL_MASK_1X}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale": (0.05, 0.1), "keep_size": True, "interpolation": 1, "border_mode": 0},
            {"scale": (0.02, 0.08), "keep_size": False, "fit_output": True, "fill": (1, 2, 3)},
        ]

    def __init__(
        self,
        scale: Any = (0.05, 0.1),
        keep_size: bool = True,
        fit_output: bool = False,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        if isinstance(scale, Real) and not isinstance(scale, (bool, np.bool_)):
            scale = (0.0, scale)
        self.scale = check_range("scale", scale, 0)
        self.keep_size = check_bool("keep_size", keep_size)
        self.fit_output = check_bool("fit_output", fit_output)
        set_interpolations(self, interpolation, mask_interpolation)
        set_border(self, border_mode, fill, fill_mask)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PerspectiveParams:
        h, w = shape
        k = 1 if n is None else n
        sigma = rng.uniform(self.scale[0], self.scale[1], size=k)
        jit = np.mod(np.abs(rng.normal(0.0, 1.0, size=(k, 4, 2)) * sigma[:, None, None]), 0.32)
        frac = np.abs(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]) - jit)  # tl, tr, br, bl
        if n is None and self.keep_size and not self.fit_output:  # the common call: closed form
            unit = _quad_to_unit(frac[0].tolist())
            m = unit * np.array([[1.0, w / h, w], [h / w, 1.0, h], [1 / w, 1 / h, 1.0]])
            return PerspectiveParams(frac[0] * np.array([w, h], np.float64), _snap(m), (h, w))
        pts = frac * np.array([w, h], np.float64)
        if self.keep_size:  # the quadrilateral fills the input-sized output directly
            qw, qh = np.full(k, w), np.full(k, h)
        else:  # the quadrilateral's size: longest top/bottom edge x longest left/right edge
            edge = np.linalg.norm(pts - np.roll(pts, -1, axis=1), axis=-1)  # top, right, bottom, left
            qw = np.maximum(np.maximum(edge[:, 0], edge[:, 2]).astype(np.int64), 1)
            qh = np.maximum(np.maximum(edge[:, 1], edge[:, 3]).astype(np.int64), 1)
        rect = np.zeros((k, 4, 2))
        rect[:, 1:3, 0] = qw[:, None]
        rect[:, 2:, 1] = qh[:, None]
        # solve in unit coordinates (better conditioned), then rescale
        unit = _homography(pts / np.array([w, h]), rect / np.stack([qw, qh], -1)[:, None, :])
        # diag(qw, qh, 1) @ unit @ diag(1 / w, 1 / h, 1), as row and column scalings (the same values)
        rows = np.stack([qw.astype(np.float64), qh.astype(np.float64), np.ones(k)], -1)
        m = unit * rows[:, :, None] * np.array([1 / w, 1 / h, 1.0])
        hw = np.stack([qh, qw], axis=-1)
        if self.fit_output:
            m, hw = _fit(m, shape)
            if self.keep_size:
                m = M.scale(w / hw[:, 1], h / hw[:, 0]) @ m
                hw = np.tile([h, w], (k, 1))
        if n is None:
            m, out_hw = m[0], (int(hw[0, 0]), int(hw[0, 1]))
            pts = pts[0]
        else:
            m, out_hw = _common_canvas(m, hw)
        if not self.keep_size:
            check_output_size(type(self).__name__, out_hw)
        return PerspectiveParams(pts, _snap(m), out_hw)
