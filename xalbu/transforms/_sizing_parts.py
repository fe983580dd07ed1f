"""Pieces of the sizing family (private): CropAndPad's argument forms and draws (per-side amounts
as numbers, ``(low, high)`` ranges or lists of choices, albumentations' random fills, the guard that
keeps one pixel) and the bilinear resize by a warp that RandomScale, CropAndPad and LetterBox use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import draw
from ..core import geometry as M
from ..core.validation import check_int, check_number, check_range
from ..functional._common import LINEAR, REPLICATE
from ..functional.affine import warp
from ..functional.sizing import resize


@dataclass
class CropAndPadParams:
    x_min: Any  # the kept box [x_min, x_max) x [y_min, y_max) of the input; ints or (N,) ints
    y_min: Any
    x_max: Any
    y_max: Any
    pad_top: Any  # then padding added around that box
    pad_bottom: Any
    pad_left: Any
    pad_right: Any
    fill: Any  # the drawn image / mask fill (a number, or (N,) per sample)
    fill_mask: Any


def _is_seq(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _side_spec(name: str, value: Any, integer: bool) -> Any:
    """One side's amount: a number (fixed), a (low, high) pair (a range) or a longer list (a choice)."""
    if _is_seq(value):
        if len(value) == 2:
            return check_range(name, value, integer=integer)
        if len(value) < 1:
            raise ValueError(f"{name}: expected a number, a (low, high) pair or a non-empty list of choices")
        check = check_int if integer else check_number
        return [check(f"{name}[{i}]", v) for i, v in enumerate(value)]
    return check_int(name, value) if integer else check_number(name, value)


def _amounts(name: str, value: Any, integer: bool) -> Any:
    """``px`` / ``percent``: a number, a (low, high) range for every side, or 4 per-side entries
    (top, right, bottom, left), each a number, a (low, high) range or a list of choices."""
    if value is None:
        return None
    if _is_seq(value):
        if len(value) == 2:
            return _side_spec(name, value, integer)
        if len(value) == 4:
            side = ("top", "right", "bottom", "left")
            return tuple(_side_spec(f"{name}[{i}] ({side[i]})", v, integer) for i, v in enumerate(value))
        raise ValueError(
            f"{name}: expected a number, a (low, high) pair or 4 entries (top, right, bottom, left), "
            f"got a sequence of length {len(value)}"
        )
    return _side_spec(name, value, integer)


def _check_random_fill(name: str, value: Any) -> Any:
    """A fill: a number, a (low, high) range to draw from, or a list of values to choose from."""
    if _is_seq(value):
        if not value:
            raise ValueError(f"{name}: expected a number, a (low, high) pair or a non-empty list of values")
        return tuple(_keep_int(f"{name}[{i}]", v) for i, v in enumerate(value))
    return _keep_int(name, value)


def _keep_int(name: str, value: Any) -> Any:
    """A checked number that stays an int when given as one (a (low, high) fill of ints draws ints)."""
    v = check_number(name, value)
    return int(v) if hasattr(value, "__index__") else v


def _draw_value(rng: np.random.Generator, spec: Any, integer: bool, n: int | None) -> Any:
    """A number, a draw in a (low, high) range (integers: both ends included), or a draw among choices."""
    if not _is_seq(spec):
        return spec
    if len(spec) == 2:
        a, b = spec
        if integer:
            return draw.integers(rng, int(a), int(b) + 1, n)
        return draw.uniform(rng, a, b, n)
    i = draw.integers(rng, 0, len(spec), n)
    return spec[i] if n is None else np.asarray(spec)[i]


def _keep_some(c1: Any, c2: Any, size: int) -> tuple[Any, Any]:
    """Reduce the crops ``c1``/``c2`` of one axis so at least one pixel of ``size`` remains (the
    regained pixels split evenly, the odd one to ``c1``, within what each side crops)."""
    regain = np.maximum(1 - (size - (c1 + c2)), 0)
    r1, r2 = (regain + 1) // 2, regain // 2
    over1, over2 = r1 > c1, r2 > c2
    r1, r2 = (
        np.where(over1, c1, np.where(over2, r1 + r2 - c2, r1)),
        np.where(over1, r1 + r2 - c1, np.where(over2, c2, r2)),
    )
    return c1 - r1, c2 - r2


def _keep_some_one(c1: int, c2: int, size: int) -> tuple[int, int]:
    """:func:`_keep_some` on Python ints."""
    regain = 1 - (size - (c1 + c2))
    if regain <= 0:
        return c1, c2
    r1, r2 = (regain + 1) // 2, regain // 2
    if r1 > c1:
        r1, r2 = c1, r1 + r2 - c1
    elif r2 > c2:
        r1, r2 = r1 + r2 - c2, c2
    return c1 - r1, c2 - r2


def _both_int(spec: Any) -> bool:
    """albumentations draws an integer fill when both ends of a (low, high) fill are integers."""
    return _is_seq(spec) and len(spec) == 2 and all(isinstance(v, int) for v in spec)


def _collapse_float(value: Any) -> Any:
    """Per-sample fills that are all equal become one number (keeps the exact kernels)."""
    if isinstance(value, np.ndarray) and value.ndim:
        return float(value[0]) if np.all(value == value[0]) else value
    return value


def _resize_by_scale(arr: Any, out_hw: tuple[int, int], interpolation: int) -> Any:
    """``F.resize``, except that bilinear runs as a warp by the scale matrix with a replicated border:
    the same sampling (pixel centres, edges clamped) within 1 level, and OpenCV 5's warp is about 25%
    faster than its resize on uint8."""
    if interpolation != LINEAR:
        return resize(arr, out_hw, interpolation)
    h, w = arr.shape[-3], arr.shape[-2]
    return warp(arr, M.scale(out_hw[1] / w, out_hw[0] / h), out_hw, LINEAR, REPLICATE, 0)


def one_warp_is_exact(p: CropAndPadParams, in_hw: tuple[int, int], result_hw: tuple[Any, Any]) -> bool:
    """Whether CropAndPad's crop, constant pad and bilinear resize back to ``in_hw`` equal one warp of
    the input: on each axis no resize tap falls past the padded image (the result is at least the
    input's size) or the axis is padded on both sides (the resize's replicated edge is the fill)."""
    (h, w), (rh, rw) = in_hw, result_hw
    rows = rh >= h or (p.pad_top > 0 and p.pad_bottom > 0)
    cols = rw >= w or (p.pad_left > 0 and p.pad_right > 0)
    return (rh, rw) != (h, w) and rows and cols
