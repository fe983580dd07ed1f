"""Moving targets through 3x3 maps, and ``Compose(fuse_affine=True)``'s deferred affine steps.

:func:`move_points` maps a state's boxes and keypoints through a forward matrix (used by every
affine step and by a fused group). With fusion on, consecutive affine steps that share their
border settings are queued (:func:`defer`) instead of run, and :func:`flush_affine` applies the
queue as one warp through the product of their matrices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..functional.affine import warp
from .state import State
from .targets import clip_boxes, filter_keypoints, map_boxes, map_keypoints

WARP_ORDERS = (0, 1, 2)  # nearest < linear < cubic: a fused warp uses the highest of its steps


def move_points(state: State, m: np.ndarray, out_hw: tuple[int, int]) -> None:
    """Map every box and keypoint set of ``state`` through ``m`` ((3,3) or per sample (N,3,3))."""
    for key, boxes in state.boxes.items():
        if len(boxes.rows):
            state.boxes[key] = clip_boxes(boxes, map_boxes(boxes, m), out_hw)
    for key, pts in state.points.items():
        if len(pts.rows):
            moved = map_keypoints(pts, m)
            state.points[key] = filter_keypoints(moved, out_hw) if state.remove_invisible else moved


class PendingAffine:
    """Consecutive affine steps deferred by ``Compose(fuse_affine=True)``, applied by :func:`flush_affine`.

    Steps join while they share the border settings (``key``); the images still have the size of
    the first step's input, ``state.shape`` already that of the last step's output. A step is
    ``(transform, params, geometry)``; the transform is an affine-kind transform (it has
    ``interpolation``, ``mask_interpolation``, ``border_mode``, ``fill``, ``fill_mask`` and ``_apply``)
    and the geometry its ``core.affine.Geometry``.
    """

    __slots__ = ("key", "steps")

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.steps: list[tuple[Any, Any, Any]] = []


def fusable(t: Any) -> bool:
    """Whether an affine step can join a fused warp: warp interpolations only (no area/lanczos)."""
    return (
        t.interpolation in WARP_ORDERS
        and t.mask_interpolation in WARP_ORDERS
        and getattr(t, "area_for_downscale", None) is None
    )


def defer(state: State, t: Any, params: Any, geo: Any) -> bool:
    """Queue an affine step for fusion; False when it must run now (it cannot join a fused warp)."""
    if not fusable(t):
        flush_affine(state)
        return False
    key = (t.border_mode, repr(t.fill), repr(t.fill_mask))
    pending = state.pending
    if pending is not None and pending.key != key:
        flush_affine(state)
        pending = None
    if pending is None:
        pending = state.pending = PendingAffine(key)
    pending.steps.append((t, params, geo))
    state.shape = geo.out_hw
    return True


def flush_affine(state: State) -> None:
    """Apply the deferred affine steps: one step as itself (exact kernels), several as one warp.

    The fused warp samples the input once through the product of the steps' matrices, with the
    highest interpolation order among them (masks: among their mask interpolations) and their
    shared border settings; boxes and keypoints are mapped once through the same product.
    """
    pending = state.pending
    if pending is None:
        return
    state.pending = None
    steps = pending.steps
    if len(steps) == 1:  # nothing to fuse: the step runs as itself (its exact kernels)
        t, params, geo = steps[0]
        state.shape, state.fuse = geo.in_hw, False
        try:
            t._apply(state, params, geo.applied)
        finally:
            state.fuse = True
        return
    m = steps[0][2].matrix
    for _, _, geo in steps[1:]:
        m = np.matmul(geo.matrix, m)
    first = steps[0][0]
    out_hw = steps[-1][2].out_hw
    order = max(t.interpolation for t, _, _ in steps)
    mask_order = max(t.mask_interpolation for t, _, _ in steps)
    for key, img in state.images.items():
        state.images[key] = warp(img, m, out_hw, order, first.border_mode, first.fill)
    for key, mask in state.masks.items():
        state.masks[key] = warp(mask, m, out_hw, mask_order, first.border_mode, first.fill_mask)
    if state.boxes or state.points:
        move_points(state, m, out_hw)
    state.shape = out_hw
