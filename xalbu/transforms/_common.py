"""Pieces shared by several transform families (private: nothing here is a public transform).

- geometric families (flips, affine, crops, sizing): init arguments stored under their own names
  (interpolations, border), ``_ExactWhenShared`` (exact kernels for shared parameters, else the base
  warp), and the padding / interpolation choices that crops and sizing both make;
- pixel families (tone, color, dtype): ``_PixelTransform``, the base that refuses partial application
  in a batch where outputs cannot be mixed per sample;
- kernel-size families (blur, sharpen): ``odd_limit`` (albumentations' reading of a kernel-size
  range), ``draw_odd`` and ``largest_odd``.

``_ExactWhenShared`` and ``_PixelTransform`` are abstract and not registered.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

from ..core import draw
from ..core.affine import AffineTransform, Geometry
from ..core.kinds import PixelTransform
from ..core.state import State
from ..core.transform import BasicTransform
from ..core.validation import (
    check_border_mode,
    check_choice,
    check_fill,
    check_int,
    check_interpolation,
    show,
)
from ..functional._common import AREA

AREA_FOR_DOWNSCALE = (None, "image", "image_mask")
POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")


# ----------------------------------------------------------------------------------------------
# init arguments shared by many transforms (each stored under its own name)
# ----------------------------------------------------------------------------------------------
def set_interpolations(t: AffineTransform, interpolation: Any, mask_interpolation: Any) -> None:
    """Validate and store ``interpolation`` and ``mask_interpolation`` on ``t``."""
    t.interpolation = check_interpolation("interpolation", interpolation)
    t.mask_interpolation = check_interpolation("mask_interpolation", mask_interpolation)


def set_resize_interpolations(
    t: AffineTransform, interpolation: Any, mask_interpolation: Any, area_for_downscale: Any
) -> None:
    """:func:`set_interpolations`, then validate and store ``area_for_downscale``."""
    set_interpolations(t, interpolation, mask_interpolation)
    t.area_for_downscale = check_choice("area_for_downscale", area_for_downscale, AREA_FOR_DOWNSCALE)


def set_border(t: AffineTransform, border_mode: Any, fill: Any, fill_mask: Any) -> None:
    """Validate and store ``border_mode``, ``fill`` and ``fill_mask`` on ``t``."""
    t.border_mode = check_border_mode("border_mode", border_mode)
    t.fill = check_fill("fill", fill)
    t.fill_mask = check_fill("fill_mask", fill_mask)


# ----------------------------------------------------------------------------------------------
# exact kernels when the parameters allow, else the base warp
# ----------------------------------------------------------------------------------------------
class _ExactFlip(AffineTransform):
    """A parameter-free exact map (flips, transpose, TimeReverse): ``_kernel`` for pixels, ``_matrix`` for points."""

    _abstract = True

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def _kernel(self, img: Any) -> Any:
        raise NotImplementedError

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return self._gated(self._kernel(img), img, geo)

    apply_mask = apply_image

    _plain = False  # per class: no subclass changes how images and masks map (the shortcuts apply)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plain = cls.apply_image is _ExactFlip.apply_image and cls.apply_mask is _ExactFlip.apply_mask

    def _one_image(self, img: Any, rng: Any) -> Any:
        return self._kernel(img) if self._plain else NotImplemented  # parameter-free: nothing drawn

    def _apply(self, state: Any, params: Any, applied: np.ndarray | None) -> None:
        if applied is None and not (state.fuse or state.boxes or state.points) and self._plain:
            for store in (state.images, state.masks):  # every sample maps: no geometry to build
                for key, arr in store.items():
                    store[key] = self._kernel(arr)
            state.shape = self.output_shape(params, state.shape)
            return
        super()._apply(state, params, applied)


class _ExactWhenShared(AffineTransform):
    """Images and masks go through ``_exact`` when every parameter is a scalar (one image, or one
    value shared by the whole batch); per-sample parameters fall back to the base class's warp.

    A subclass gives ``_exact``, or ``_shared_kernel(arr, params, out_hw, mask)`` (the exact kernel
    without the Geometry: crops, quarter turns), which is then its ``_exact`` and also serves one
    image without the Geometry: direct calls (``_one_image``) and pipeline steps whose targets are
    images and masks only (no boxes, keypoints or fusion); a subclass that changes how images or
    masks map (``_exact``, ``apply_image``, ``apply_mask``) keeps the general path."""

    _abstract = True
    _shared_kernel: Any = None

    def _exact(self, arr: Any, params: Any, geo: Geometry, mask: bool) -> Any:
        """The exact kernel for an image (``mask=False``) or a mask (``mask=True``)."""
        if self._shared_kernel is None:
            raise NotImplementedError
        return self._gated(self._shared_kernel(arr, params, geo.out_hw, mask), arr, geo)

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        if geo.shared:
            return self._exact(img, params, geo, False)
        return super().apply_image(img, params, geo)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        if geo.shared:
            return self._exact(mask, params, geo, True)
        return super().apply_mask(mask, params, geo)

    _plain = False  # per class: its images and masks map through its _shared_kernel, nothing else
    _plain_draws = False  # per class: _plain, and it draws with sample() alone

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plain = (
            cls._shared_kernel is not None
            and cls._exact is _ExactWhenShared._exact
            and cls.apply_image is _ExactWhenShared.apply_image
            and cls.apply_mask is _ExactWhenShared.apply_mask
        )
        cls._plain_draws = cls._plain and cls.sample_data is BasicTransform.sample_data

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if (
            applied is None
            and state.batch is None
            and not (state.fuse or state.boxes or state.points)
            and self._plain
        ):
            out_hw = self.output_shape(params, state.shape)  # one image (or volume's frames), all applied
            kernel = self._shared_kernel
            for store, mask in ((state.images, False), (state.masks, True)):
                for key, arr in store.items():
                    store[key] = kernel(arr, params, out_hw, mask)
            state.shape = out_hw
            return
        super()._apply(state, params, applied)

    def _one_image(self, img: Any, rng: Any) -> Any:
        if not self._plain_draws:
            return NotImplemented  # a subclass's own pixels or draws: the general path
        shape = img.shape[:2]
        params = self.sample(rng, shape, None)
        return self._shared_kernel(img, params, self.output_shape(params, shape), False)


# ----------------------------------------------------------------------------------------------
# padding and interpolation choices shared by crops and sizing
# ----------------------------------------------------------------------------------------------
def pick_interpolation(
    interpolation: int,
    area_for_downscale: str | None,
    mask: bool,
    in_hw: Sequence[int],
    out_hw: Sequence[int],
) -> int:
    """``interpolation``, or INTER_AREA (3) when ``area_for_downscale`` asks for it and a side shrinks.

    >>> pick_interpolation(1, "image", False, (8, 8), (4, 4))
    3
    >>> pick_interpolation(0, "image", True, (8, 8), (4, 4))  # masks only with "image_mask"
    0
    """
    wanted = area_for_downscale == "image_mask" or (area_for_downscale == "image" and not mask)
    down = out_hw[0] < in_hw[0] or out_hw[1] < in_hw[1]
    return AREA if wanted and down else interpolation


def split_padding(
    h_pad: int, w_pad: int, position: str, rng: np.random.Generator, n: int | None
) -> tuple[Any, Any, Any, Any]:
    """Split ``h_pad`` rows / ``w_pad`` columns of padding into (top, bottom, left, right).

    ``position`` is where the image ends up: ``"top_left"`` pads only bottom and right; ``"center"``
    puts the odd pixel at the bottom/right; ``"random"`` draws the split (per sample in a batch).
    """
    if position == "random":
        top = collapse(draw.integers(rng, 0, h_pad + 1, n))
        left = collapse(draw.integers(rng, 0, w_pad + 1, n))
    else:
        top = {"center": h_pad // 2, "top_left": 0, "top_right": 0}.get(position, h_pad)
        left = {"center": w_pad // 2, "top_left": 0, "bottom_left": 0}.get(position, w_pad)
    return top, h_pad - top, left, w_pad - left


def collapse(value: Any) -> Any:
    """A host integer array whose entries are all equal becomes a Python int (enables fast paths)."""
    if isinstance(value, (int, np.integer)):  # one image: a scalar draw
        return int(value)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return int(arr)
    return int(arr[0]) if arr.size and np.all(arr == arr[0]) else arr


# ----------------------------------------------------------------------------------------------
# pixel transforms
# ----------------------------------------------------------------------------------------------
class _PixelTransform(PixelTransform):
    """Shared base: refuses partial application in a batch when outputs cannot be mixed per sample."""

    _abstract = True

    def _partial_problem(self, img: Any) -> str | None:
        """Why the output of ``img`` cannot be blended per sample with ``img`` (``None``: it can)."""
        return None

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if applied is not None:
            for img in state.images.values():
                problem = self._partial_problem(img)
                if problem is not None:
                    raise ValueError(
                        f"{type(self).__name__}: {problem}, so in a batch it must apply to every sample "
                        "(p=1 and not inside OneOf/SomeOf branches)"
                    )
        super()._apply(state, params, applied)

    _apply._plain = True  # type: ignore[attr-defined]  # one image: nothing more than the base's


# ----------------------------------------------------------------------------------------------
# kernel sizes (blur, sharpen)
# ----------------------------------------------------------------------------------------------
def odd_limit(name: str, value: Any, min_value: int) -> tuple[int, int]:
    """albumentations' kernel-size range: ``v`` means ``(min_value, v)``; values below ``min_value``
    are raised to it and even ones (but 0) to the next odd one, each with albumentations'
    ``UserWarning``, and ``low > high`` becomes ``(high, high)`` with one too (as albumentations 2.0.8;
    xalbu refuses other inverted ranges).

    >>> odd_limit("blur_limit", 7, 3)
    (3, 7)
    """
    if isinstance(value, Real) and not isinstance(value, bool):
        pair = (min_value, check_int(name, value))
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        pair = (check_int(f"{name}[0]", value[0]), check_int(f"{name}[1]", value[1]))
    else:
        raise TypeError(f"{name}: expected an integer or a (low, high) pair of integers, got {show(value)}")
    if pair[0] < min_value or pair[1] < min_value:
        new = (max(min_value, pair[0]), max(min_value, pair[1]))
        warnings.warn(
            f"{name}: sizes below {min_value} are not allowed; {pair} adjusted to {new}", UserWarning, 3
        )
        pair = new
    odd = tuple(v if v == 0 or v % 2 else v + 1 for v in pair)
    if odd != pair:
        warnings.warn(f"{name}: non-zero kernel sizes must be odd; {pair} adjusted to {odd}", UserWarning, 3)
        pair = odd
    if pair[0] > pair[1]:  # albumentations 2.0.8 accepts it this way (other inverted ranges are refused)
        warnings.warn(f"{name}: low > high in {pair}; adjusted to {(pair[1], pair[1])}", UserWarning, 3)
        pair = (pair[1], pair[1])
    return (int(pair[0]), int(pair[1]))


def draw_odd(rng: np.random.Generator, low: int, high: int, n: int | None) -> Any:
    """An odd size uniform over the odd values of ``[low, high]`` (both raised to at least 3 and odd)."""
    low = max(3, low + (low % 2 == 0))
    high = max(low, max(3, high + (high % 2 == 0)))
    if low == high:
        return low if n is None else np.full(n, low, np.int64)
    return low + 2 * draw.integers(rng, 0, (high - low) // 2 + 1, n)


def largest_odd(low: int, high: int) -> int:
    """The largest size :func:`draw_odd` can give for ``(low, high)``."""
    low = max(3, low + (low % 2 == 0))
    return max(low, max(3, high + (high % 2 == 0)))
