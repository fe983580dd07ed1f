"""A sync-free inpainting fill for the generic (array-API) path: the dropout kernels' ``inpaint``.

OpenCV's Telea and Navier-Stokes methods march pixel by pixel in an order that depends on the data
(a priority queue), which no batched array code reproduces. This fill solves the same problem, a
smooth continuation of the surroundings into the region, in two array stages with a number of
steps fixed by the region's size on the host (no host sync, one set of array calls per step for the
whole batch, no per-sample loop):

1. **onion peel**: enough steps to reach every region pixel (:func:`peel_steps`, from the host map of
   the region); at each step every unknown pixel with known 4-neighbours takes their mean and becomes
   known;
2. **harmonic smoothing**: :data:`SMOOTH_STEPS` Jacobi steps of Laplace's equation inside the region
   (each region pixel becomes the mean of its 4 neighbours, the pixels outside held fixed; the image
   edge replicates).

Both stages average known values, so every filled value lies between the smallest and the largest
value around the region (the maximum principle), per channel; a linear ramp across the region is
continued exactly. Integer images are rounded and saturated, float ones computed in float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SMOOTH_STEPS = 24


def _longest_reach(drop: np.ndarray, axis: int) -> int:
    """The farthest any dropped pixel is, along ``axis``, from a kept pixel: half its run of dropped
    pixels (rounded up), or the whole run where it touches the image's edge."""
    d = np.moveaxis(drop, axis, -1).reshape(-1, drop.shape[axis]).astype(np.int8)
    if not d.any():
        return 0
    edges = np.diff(np.pad(d, ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # row-major: the k-th end closes the k-th start
    length = ends - starts
    touches = (starts == 0) | (ends == d.shape[1])
    return int(np.max(np.where(touches, length, (length + 1) // 2)))


def peel_steps(drop: np.ndarray) -> int:
    """Onion-peel steps that reach every pixel of the host bool map ``drop`` (``(..., H, W)``): a
    pixel is at most its row's or its column's reach away from a kept pixel."""
    if drop.ndim < 2 or not drop.any():
        return 0
    return max(1, min(_longest_reach(drop, drop.ndim - 2), _longest_reach(drop, drop.ndim - 1)))


def _shift(xp: Any, a: Any, axis: int, step: int, edge: bool) -> Any:
    """``a`` moved by one pixel along ``axis`` (1: rows, 2: columns of NHWC), the new edge a copy of
    the old one (``edge``) or zeros."""
    n = int(a.shape[axis])
    if n == 1:
        return a if edge else xp.zeros_like(a)
    idx = (slice(None),) * axis
    if step > 0:  # out[i] = a[i - 1]
        body, first = a[idx + (slice(0, n - 1), ...)], a[idx + (slice(0, 1), ...)]
        return xp.concat([first if edge else xp.zeros_like(first), body], axis=axis)
    body, last = a[idx + (slice(1, n), ...)], a[idx + (slice(n - 1, n), ...)]
    return xp.concat([body, last if edge else xp.zeros_like(last)], axis=axis)


def _neighbour_sum(xp: Any, a: Any, edge: bool) -> Any:
    return (
        _shift(xp, a, 1, 1, edge)
        + _shift(xp, a, 1, -1, edge)
        + _shift(xp, a, 2, 1, edge)
        + _shift(xp, a, 2, -1, edge)
    )


def diffuse(xp: Any, x: Any, drop: Any, steps: int) -> Any:
    """Fill ``drop`` (``(N, H, W, 1)`` bool) of the float32 NHWC ``x``: ``steps`` peel steps then
    :data:`SMOOTH_STEPS` Jacobi steps (see the module docstring). Returns float32 NHWC."""
    known = xp.astype(xp.logical_not(drop), xp.float32)  # (the CPU harness of CuPy misreads ~ on bools)
    v = x * known
    for _ in range(steps):
        total = _neighbour_sum(xp, v, False)
        count = _neighbour_sum(xp, known, False)
        grow = (known == 0) & (count > 0)
        v = xp.where(grow, total / xp.where(count > 0, count, xp.ones_like(count)), v)
        known = xp.where(grow, xp.ones_like(known), known)
    for _ in range(SMOOTH_STEPS):
        v = xp.where(drop, _neighbour_sum(xp, v, True) * 0.25, v)
    return v
