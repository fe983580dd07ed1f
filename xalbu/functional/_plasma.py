"""Plasma fractals (the diamond-square algorithm) as random fields on the array's device, one per
seed: albumentations' ``generate_plasma_pattern`` with xalbu's counter-based random values, so a
sample's field depends on its seed and its size only (not on the batch or the device).

Used by the tone family's ``PlasmaBrightnessContrast`` (and meant for a plasma shadow as well).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _random as R
from xalbu.functional._utils import namespace


def plasma_steps(h: int, w: int) -> int:
    """Diamond-square steps for an ``h x w`` field: the grid grows 3, 5, 9... to the first ``2^k + 1``
    at least ``max(h, w) - 1`` wide, as albumentations sizes it (0 steps up to 3 pixels).

    >>> plasma_steps(256, 256), plasma_steps(3, 2), plasma_steps(9, 5)
    (7, 0, 2)
    """
    side = max(h, w)
    if side <= 3:
        return 0
    return max(0, math.ceil(math.log2(side - 1)) - 1)


def _values(h: int, w: int, roughness: float) -> tuple[list[tuple[int, int]], list[float], int]:
    """Grid sizes after each step, their noise amplitudes (``roughness ** step``), and the random
    values a field uses in all: 9 for the first 3 x 3 grid, then one per point of each grid."""
    sizes, scales, count, side = [], [], 9, 3
    for step in range(plasma_steps(h, w)):
        side = 2 * side - 1
        sizes.append((side, side))
        scales.append(float(np.float32(roughness**step)))
        count += side * side
    return sizes, scales, count


def _padded(xp: Any, x: Any) -> Any:
    """``(S, H, W)`` with a border of zeros: ``(S, H + 2, W + 2)``."""
    s, h, w = x.shape
    out = xp.zeros((s, h + 2, w + 2), dtype=x.dtype, device=device(x))
    out[:, 1 : h + 1, 1 : w + 1] = x
    return out


def _normalize(xp: Any, x: Any) -> Any:
    """Each field min-max scaled to [0, 1] (OpenCV's NORM_MINMAX: a flat field becomes 0)."""
    lo = xp.min(x, axis=(1, 2), keepdims=True)
    span = xp.max(x, axis=(1, 2), keepdims=True) - lo
    scale = xp.where(span > 0, 1.0 / xp.where(span > 0, span, 1.0), 0.0)
    return (x - lo) * scale


@kernel
def plasma_fields(like: Any, /, seeds: Any, h: int, w: int, roughness: float) -> Any:
    """``(S, h, w)`` float32 plasma fields in [0, 1], one per host seed, on ``like``'s device.

    The diamond-square steps of albumentations: a 3 x 3 grid uniform in [-1, 1]; each step doubles
    the grid, adds noise uniform in ``[-r, r]`` (``r = roughness ** step``) to the old points, fills
    the centres from their four diagonal neighbours and then the edges from their four neighbours
    (each where the average is positive, plus the noise), and min-max scales the grid; the top-left
    ``h x w`` of the last grid, min-max scaled once more. Random values: 16-bit uniform quantiles of
    one Philox stream per seed (:mod:`xalbu.functional._random`), in the order the grids use them.
    ``like``: an array of the wanted namespace and device. Example: seed 0 on 1 x 2 (no step): the
    first two values ``2 * (55451.5 / 65536) - 1 = 0.692`` and ``-0.931``, scaled: ``[[1, 0]]``.
    """
    xp = namespace(like)
    sizes, scales, count = _values(h, w, roughness)
    s = int(np.asarray(seeds).reshape(-1).shape[0])
    u = R.lookup(xp, R.unit_table(), R.philox_u16(like, R.seeds_array(seeds), count))  # (S, count)
    noise = u * 2.0 - 1.0
    grid = xp.reshape(noise[:, :9], (s, 3, 3))
    at = 9
    for (side, _), scale in zip(sizes, scales, strict=True):
        n = xp.reshape(noise[:, at : at + side * side], (s, side, side)) * scale
        at += side * side
        grid_big = xp.zeros((s, side, side), dtype=xp.float32, device=device(like))
        grid_big[:, ::2, ::2] = grid + n[:, ::2, ::2]
        g = _padded(xp, grid_big)  # the four diagonal neighbours (zeros outside), in a fixed order
        diag = (g[:, :-2, :-2] + g[:, :-2, 2:] + g[:, 2:, :-2] + g[:, 2:, 2:]) * 0.25
        grid_big = grid_big + xp.where(diag > 0, diag + n, 0.0)
        g = _padded(xp, grid_big)  # then the four edge neighbours
        edge = (g[:, :-2, 1:-1] + g[:, 1:-1, :-2] + g[:, 1:-1, 2:] + g[:, 2:, 1:-1]) * 0.25
        grid_big = grid_big + xp.where(edge > 0, edge + n, 0.0)
        grid = _normalize(xp, grid_big)
    return _clip01(xp, _normalize(xp, grid[:, :h, :w]))


def _clip01(xp: Any, x: Any) -> Any:
    return xp.minimum(xp.maximum(x, 0.0), 1.0)
