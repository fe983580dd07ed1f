"""The affine kind: one 3x3 map per sample moves every target.

An :class:`AffineTransform` gives a forward matrix per sample (and an output size); images are
warped with ``interpolation``, masks with ``mask_interpolation``, boxes and keypoints are mapped
through the same matrix. Subclasses override ``apply_image``/``apply_mask`` with exact fast kernels
(flip, crop, resize...) where one exists. With ``Compose(fuse_affine=True)`` consecutive steps are
queued and warped once (``core/fusion.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..functional._common import select
from ..functional.affine import warp
from .fusion import defer, fusable, move_points
from .state import State
from .transform import DualTransform, check_one_size


class Geometry:
    """What an affine step does: sizes, gated samples, and the forward ``matrix`` ((3,3) or (N,3,3)).

    The matrix is built on first use: exact kernels (flip, crop, resize...) on an image without
    boxes or keypoints never need it. ``shared`` is True when every parameter is one value for all
    samples (always for one image), so the exact kernels apply.
    """

    __slots__ = ("in_hw", "out_hw", "applied", "_owner", "_params", "_batch", "_matrix", "_shared")

    def __init__(
        self,
        owner: AffineTransform,
        params: Any,
        in_hw: tuple[int, int],
        out_hw: tuple[int, int],
        applied: np.ndarray | None,
        batch: int | None,
    ) -> None:
        self.in_hw = in_hw
        self.out_hw = out_hw
        self.applied = applied  # batch: the samples transformed (others keep identity); None: all
        self._owner = owner
        self._params = params
        self._batch = batch
        self._matrix: np.ndarray | None = None
        self._shared: bool | None = None

    @property
    def matrix(self) -> np.ndarray:
        m = self._matrix
        if m is None:
            m = np.asarray(self._owner.matrix(self._params, self.in_hw), np.float64)
            if self.applied is not None:
                full = np.broadcast_to(m, (len(self.applied), 3, 3))
                m = np.where(self.applied[:, None, None], full, np.eye(3))
            self._matrix = m
        return m

    @property
    def shared(self) -> bool:
        s = self._shared
        if s is None:
            s = self._shared = self._batch is None or all_scalar(self._params)
        return s


def all_scalar(params: Any) -> bool:
    """True when every field of a params dataclass is a scalar (one image, or shared by a batch)."""
    if params is None:
        return True
    # isinstance first (np.ndim costs ~1 us per field)
    values = (
        params.__dict__.values()
        if hasattr(params, "__dict__")
        else [getattr(params, f.name) for f in dataclasses.fields(params)]
    )
    for v in values:
        if isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) != 0:
            return False
    return True


class AffineTransform(DualTransform):
    """An affine-kind transform: ``matrix(params, shape)`` moves every target (see module doc)."""

    kind = "affine"
    _abstract = True
    interpolation: int = 1
    mask_interpolation: int = 0
    border_mode: int = 0
    fill: Any = 0.0
    fill_mask: Any = 0.0

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        """Forward 3x3 map (or (N,3,3) for a batch) from input to output pixel coordinates."""
        raise NotImplementedError

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return shape

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return warp(img, geo.matrix, geo.out_hw, self.interpolation, self.border_mode, self.fill)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        return warp(mask, geo.matrix, geo.out_hw, self.mask_interpolation, self.border_mode, self.fill_mask)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        # runs for every call: the matrix is built only when a warp, boxes or keypoints need it
        shape = state.shape
        out_hw = self.output_shape(params, shape)
        check_one_size(self, applied, out_hw, shape)
        geo = Geometry(self, params, shape, out_hw, applied, state.batch)
        if state.fuse and defer(state, self, params, geo):
            return
        images = state.images
        for key, img in images.items():
            images[key] = self.apply_image(img, params, geo)
        masks = state.masks
        for key, mask in masks.items():
            masks[key] = self.apply_mask(mask, params, geo)
        if state.boxes or state.points:
            move_points(state, geo.matrix, out_hw)
        state.shape = out_hw

    def _fusable(self) -> bool:
        """Whether this step can join a fused warp: warp interpolations only (no area/lanczos)."""
        return fusable(self)

    @staticmethod
    def _gated(out: Any, img: Any, geo: Geometry) -> Any:
        """For exact fast kernels: keep the input for samples that are not applied."""
        return out if geo.applied is None else select(out, img, geo.applied)
