"""Pieces shared by the geometric transform modules (crops, sizing, affine, flips).

Private: nothing here is a public transform (``_ExactWhenShared`` is abstract and not registered).
"""

from __future__ import annotations

from typing import Any

from ..core.transform import DualTransform, Geometry
from ..core.validation import check_border_mode, check_choice, check_fill, check_interpolation

AREA_FOR_DOWNSCALE = (None, "image", "image_mask")


# ----------------------------------------------------------------------------------------------
# init arguments shared by many transforms (each stored under its own name)
# ----------------------------------------------------------------------------------------------
def set_interpolations(t: DualTransform, interpolation: Any, mask_interpolation: Any) -> None:
    """Validate and store ``interpolation`` and ``mask_interpolation`` on ``t``."""
    t.interpolation = check_interpolation("interpolation", interpolation)
    t.mask_interpolation = check_interpolation("mask_interpolation", mask_interpolation)


def set_resize_interpolations(
    t: DualTransform, interpolation: Any, mask_interpolation: Any, area_for_downscale: Any
) -> None:
    """:func:`set_interpolations`, then validate and store ``area_for_downscale``."""
    set_interpolations(t, interpolation, mask_interpolation)
    t.area_for_downscale = check_choice("area_for_downscale", area_for_downscale, AREA_FOR_DOWNSCALE)


def set_border(t: DualTransform, border_mode: Any, fill: Any, fill_mask: Any) -> None:
    """Validate and store ``border_mode``, ``fill`` and ``fill_mask`` on ``t``."""
    t.border_mode = check_border_mode("border_mode", border_mode)
    t.fill = check_fill("fill", fill)
    t.fill_mask = check_fill("fill_mask", fill_mask)


# ----------------------------------------------------------------------------------------------
# exact kernels when the parameters allow, else the base warp
# ----------------------------------------------------------------------------------------------
class _ExactWhenShared(DualTransform):
    """Images and masks go through ``_exact`` when every parameter is a scalar (one image, or one
    value shared by the whole batch); per-sample parameters fall back to the base class's warp."""

    _abstract = True

    def _exact(self, arr: Any, params: Any, geo: Geometry, mask: bool) -> Any:
        """The exact kernel for an image (``mask=False``) or a mask (``mask=True``)."""
        raise NotImplementedError

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        if geo.shared:
            return self._exact(img, params, geo, False)
        return super().apply_image(img, params, geo)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        if geo.shared:
            return self._exact(mask, params, geo, True)
        return super().apply_mask(mask, params, geo)
