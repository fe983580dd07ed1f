"""Size changes: resizes (Resize, LongestMaxSize, SmallestMaxSize) and pads (Pad, PadIfNeeded).

All are affine-kind: boxes and keypoints follow a scale or translation matrix. Images and masks go
through the exact kernels ``resize`` / ``pad``; a batch with per-sample pad offsets (random
position) falls back to the warp, which is exact for integer translations with nearest sampling.
Reflecting border modes also mirror the mask content; boxes and keypoints are only translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import draw
from ..core import geometry as M
from ..core.affine import AffineTransform, Geometry
from ..core.compat import FILL_1X, FILL_MASK_1X, Rule
from ..core.validation import check_choice, check_int
from ..functional import sizing as F
from ..functional._common import MAX_PIXELS, check_output_size
from ._common import (
    POSITIONS,
    _ExactWhenShared,
    pick_interpolation,
    set_border,
    set_resize_interpolations,
    split_padding,
)

__all__ = ["LongestMaxSize", "Pad", "PadIfNeeded", "Resize", "SmallestMaxSize"]


def _check_optional_int(name: str, value: Any, lo: int = 1) -> int | None:
    return None if value is None else check_int(name, value, lo)


# ----------------------------------------------------------------------------------------------
# resizes
# ----------------------------------------------------------------------------------------------
class _Resizer(AffineTransform):
    """Resize to ``_target(params, shape)`` (one size for a whole batch) with ``F.resize``."""

    _abstract = True

    def _target(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        raise NotImplementedError

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return self._target(params, shape)

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        ho, wo = self._target(params, shape)
        return M.scale(wo / shape[1], ho / shape[0])

    def _resize(self, arr: Any, geo: Geometry, interpolation: int, mask: bool) -> Any:
        interp = pick_interpolation(interpolation, self.area_for_downscale, mask, geo.in_hw, geo.out_hw)
        return self._gated(F.resize(arr, geo.out_hw, interp), arr, geo)

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return self._resize(img, geo, self.interpolation, False)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        return self._resize(mask, geo, self.mask_interpolation, True)


class Resize(_Resizer):
    """Resize to ``(height, width)``.

    Args:
        height, width: output size in pixels.
        interpolation: OpenCV code for images (0 nearest, 1 linear, 2 cubic, 3 area, 4 lanczos4).
        mask_interpolation: the same for masks (default nearest).
        area_for_downscale: ``"image"`` (images) or ``"image_mask"`` (images and masks) use INTER_AREA
            when a side shrinks; ``None`` always uses the given interpolation.

    >>> import numpy as np, xalbu as A
    >>> A.Resize(1, 4)(image=np.array([[0, 4]], np.uint8))["image"].tolist()
    [[0, 1, 3, 4]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2, "interpolation": 1},
            {"height": 8, "width": 9, "interpolation": 4, "mask_interpolation": 1},
        ]

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        area_for_downscale: str | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.height = check_int("height", height, 1)
        self.width = check_int("width", width, 1)
        check_output_size("height, width", (self.height, self.width))
        set_resize_interpolations(self, interpolation, mask_interpolation, area_for_downscale)

    def _target(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return (self.height, self.width)


@dataclass
class MaxSizeParams:
    max_size: int | None  # the side length drawn from ``max_size`` (None: ``max_size_hw`` rules)


class _MaxSize(_Resizer):
    """Keep the aspect ratio; the scale comes from ``max_size`` or ``max_size_hw``."""

    _abstract = True
    _longest = True  # LongestMaxSize: fit inside the bounds; SmallestMaxSize: cover them

    def __init__(
        self,
        max_size: int | Sequence[int] | None = 1024,
        max_size_hw: tuple[int | None, int | None] | None = None,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        area_for_downscale: str | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        if isinstance(max_size, Sequence) and not isinstance(max_size, str):
            if not max_size:
                raise ValueError("max_size: expected an integer or a non-empty sequence of integers, got []")
            max_size = tuple(check_int(f"max_size[{i}]", v, 1) for i, v in enumerate(max_size))
        else:
            max_size = _check_optional_int("max_size", max_size)
        if max_size_hw is not None:
            if not (isinstance(max_size_hw, Sequence) and len(max_size_hw) == 2):
                raise TypeError(
                    f"max_size_hw: expected a (height, width) pair (entries may be None), got {max_size_hw!r}"
                )
            max_size_hw = tuple(
                _check_optional_int(f"max_size_hw[{i}]", v) for i, v in enumerate(max_size_hw)
            )
            if max_size_hw == (None, None):
                raise ValueError(
                    "max_size_hw: at least one of height and width must be given, got (None, None)"
                )
        elif max_size is None:
            raise ValueError("max_size: give max_size or max_size_hw (both are None)")
        self.max_size = max_size
        self.max_size_hw = max_size_hw
        self._check_sizes()
        set_resize_interpolations(self, interpolation, mask_interpolation, area_for_downscale)

    def _check_sizes(self) -> None:
        """Refuse bounds whose every output is over ``MAX_PIXELS``: a longest side past it, a smallest
        side whose square is past it (SmallestMaxSize), or both (height, width) lower bounds."""
        if self.max_size_hw is None:
            sizes = self.max_size if isinstance(self.max_size, tuple) else (self.max_size,)
            side = max(sizes)
            check_output_size("max_size", (side, 1) if self._longest else (side, side))
        elif not self._longest and None not in self.max_size_hw:
            check_output_size("max_size_hw", self.max_size_hw)
        elif max(v or 0 for v in self.max_size_hw) > MAX_PIXELS:
            check_output_size("max_size_hw", (max(v or 0 for v in self.max_size_hw), 1))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> MaxSizeParams:
        # one size per call: the samples of a batch must share their size
        if self.max_size_hw is None and isinstance(self.max_size, tuple):
            return MaxSizeParams(int(self.max_size[draw.integers(rng, 0, len(self.max_size), None)]))
        return MaxSizeParams(self.max_size if self.max_size_hw is None else None)

    def _target(self, params: MaxSizeParams, shape: tuple[int, int]) -> tuple[int, int]:
        h, w = shape
        pick = min if self._longest else max
        if params.max_size is not None:
            scale = params.max_size / (max(h, w) if self._longest else min(h, w))
        else:
            mh, mw = self.max_size_hw
            scale = pick(b / side for b, side in ((mh, h), (mw, w)) if b is not None)
        out = (max(1, round(h * scale)), max(1, round(w * scale)))
        return check_output_size(type(self).__name__, out) if out[0] * out[1] > MAX_PIXELS else out


class LongestMaxSize(_MaxSize):
    """Rescale keeping the aspect ratio so that the longest side equals ``max_size``.

    Args:
        max_size: the longest side after resizing; a sequence picks one value per call at random.
        max_size_hw: ``(height, width)`` bounds instead (either may be None): the image is scaled to
            fit inside both; takes precedence over ``max_size``.
        interpolation, mask_interpolation, area_for_downscale: as for :class:`Resize`.

    Sides are ``round(side * scale)``, at least 1.

    >>> import numpy as np, xalbu as A
    >>> A.LongestMaxSize(max_size=4)(image=np.zeros((8, 4), np.uint8))["image"].shape
    (4, 2)
    """

    Params = MaxSizeParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"max_size": max(height, width) // 2, "interpolation": 1},
            {"max_size": [30, 40]},
            {"max_size_hw": (30, None), "area_for_downscale": "image"},
        ]

    _longest = True


class SmallestMaxSize(_MaxSize):
    """Rescale keeping the aspect ratio so that the smallest side equals ``max_size``.

    Args:
        max_size: the smallest side after resizing; a sequence picks one value per call at random.
        max_size_hw: ``(height, width)`` lower bounds instead (either may be None): the image is scaled
            so that both sides reach at least these; takes precedence over ``max_size``.
        interpolation, mask_interpolation, area_for_downscale: as for :class:`Resize`.

    >>> import numpy as np, xalbu as A
    >>> A.SmallestMaxSize(max_size=4)(image=np.zeros((8, 4), np.uint8))["image"].shape
    (8, 4)
    """

    Params = MaxSizeParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"max_size": min(height, width) // 2, "interpolation": 1}, {"max_size_hw": (None, 30)}]

    _longest = False


# ----------------------------------------------------------------------------------------------
# pads
# ----------------------------------------------------------------------------------------------
@dataclass
class PadParams:
    top: Any  # int, or (N,) ints for a batch with per-sample offsets
    bottom: Any
    left: Any
    right: Any


class _Padder(_ExactWhenShared):
    """Pad by ``PadParams``; ``border_mode``, ``fill`` and ``fill_mask`` are init arguments."""

    _abstract = True
    interpolation = 0  # batch fallback: an integer translation sampled exactly
    mask_interpolation = 0

    def matrix(self, params: PadParams, shape: tuple[int, int]) -> np.ndarray:
        return M.translate(params.left, params.top)

    def output_shape(self, params: PadParams, shape: tuple[int, int]) -> tuple[int, int]:
        # per-sample splits still add up to the same totals
        dh, dw = params.top + params.bottom, params.left + params.right
        if not isinstance(dh, int) or not isinstance(dw, int):
            dh, dw = int(np.asarray(dh).flat[0]), int(np.asarray(dw).flat[0])
        out = (shape[0] + dh, shape[1] + dw)
        return check_output_size(type(self).__name__, out) if out[0] * out[1] > MAX_PIXELS else out

    def _exact(self, arr: Any, params: PadParams, geo: Geometry, mask: bool) -> Any:
        fill = self.fill_mask if mask else self.fill
        out = F.pad(arr, params.top, params.bottom, params.left, params.right, self.border_mode, fill)
        return self._gated(out, arr, geo)


def _check_padding(padding: Any) -> int | tuple[int, ...]:
    if isinstance(padding, Sequence) and not isinstance(padding, str):
        if len(padding) not in (2, 4):
            raise ValueError(
                "padding: expected an int, (pad_x, pad_y) or (left, top, right, bottom), "
                f"got a sequence of length {len(padding)}"
            )
        return tuple(check_int(f"padding[{i}]", v, 0) for i, v in enumerate(padding))
    return check_int("padding", padding, 0)


class Pad(_Padder):
    """Pad the sides by fixed numbers of pixels.

    Args:
        padding: an int (every side), ``(pad_x, pad_y)`` (left/right by pad_x, top/bottom by pad_y)
            or ``(left, top, right, bottom)``.
        fill: image value(s) for ``border_mode`` 0 (a number or one per channel).
        fill_mask: mask value(s) for ``border_mode`` 0.
        border_mode: 0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect_101.

    >>> import numpy as np, xalbu as A
    >>> A.Pad((1, 0), fill=9)(image=np.array([[1, 2]], np.uint8))["image"].tolist()
    [[9, 1, 2, 9]]
    """

    Params = PadParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"padding": max(height, width) // 8, "border_mode": 0, "fill": 0},
            {"padding": (1, 2)},
            {"padding": (1, 2, 3, 4), "fill": 9, "fill_mask": 2, "border_mode": 4},
        ]

    def __init__(
        self,
        padding: int | tuple[int, int] | tuple[int, int, int, int] = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        border_mode: int = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.padding = _check_padding(padding)
        left, top, right, bottom = self._sides()
        check_output_size("padding", (1 + top + bottom, 1 + left + right))  # even on a 1-pixel image
        set_border(self, border_mode, fill, fill_mask)

    def _sides(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom)."""
        p = self.padding
        return (p,) * 4 if isinstance(p, int) else (p * 2 if len(p) == 2 else p)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PadParams:
        left, top, right, bottom = self._sides()
        return PadParams(top, bottom, left, right)


class PadIfNeeded(_Padder):
    """Pad up to a minimum size, or up to the next multiple of a divisor.

    Args:
        min_height, min_width: minimum output size (pad where the image is smaller).
        pad_height_divisor, pad_width_divisor: pad so the size is a multiple of these instead; for
            each axis exactly one of the minimum and the divisor must be set (the other None).
        position: where the image sits: ``center`` (odd pixel bottom/right), ``top_left``,
            ``top_right``, ``bottom_left``, ``bottom_right`` or ``random`` (split drawn per sample).
        border_mode, fill, fill_mask: as for :class:`Pad`.

    >>> import numpy as np, xalbu as A
    >>> t = A.PadIfNeeded(2, 3, position="top_left", fill=7)
    >>> t(image=np.array([[1]], np.uint8))["image"].tolist()
    [[1, 7, 7], [7, 7, 7]]
    """

    Params = PadParams
    albumentations_args = {
        "padding": Rule(
            "drop",
            "albumentations' PadIfNeeded subclasses Pad and writes Pad's padding attribute (always 0); "
            "it is not a PadIfNeeded argument",
            keep_if=(0, None),
        ),
        "value": FILL_1X,
        "mask_value": FILL_MASK_1X,
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "min_height": height + height // 4,
                "min_width": width + width // 4,
                "border_mode": 0,
                "fill": 0,
            },
            {
                "min_height": None,
                "min_width": None,
                "pad_height_divisor": 8,
                "pad_width_divisor": 16,
                "position": "random",
            },
        ]

    def __init__(
        self,
        min_height: int | None = 1024,
        min_width: int | None = 1024,
        pad_height_divisor: int | None = None,
        pad_width_divisor: int | None = None,
        position: str = "center",
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.min_height = _check_optional_int("min_height", min_height)
        self.min_width = _check_optional_int("min_width", min_width)
        self.pad_height_divisor = _check_optional_int("pad_height_divisor", pad_height_divisor)
        self.pad_width_divisor = _check_optional_int("pad_width_divisor", pad_width_divisor)
        for a, b in (("min_height", "pad_height_divisor"), ("min_width", "pad_width_divisor")):
            if (getattr(self, a) is None) == (getattr(self, b) is None):
                raise ValueError(f"{a}, {b}: exactly one of them must be set (the other None)")
        self.position = check_choice("position", position, POSITIONS)
        check_output_size("min_height, min_width", (self.min_height or 1, self.min_width or 1))
        set_border(self, border_mode, fill, fill_mask)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PadParams:
        h, w = shape
        if self.min_height is not None:
            h_pad = max(0, self.min_height - h)
        else:
            h_pad = -h % self.pad_height_divisor
        if self.min_width is not None:
            w_pad = max(0, self.min_width - w)
        else:
            w_pad = -w % self.pad_width_divisor
        return PadParams(*split_padding(h_pad, w_pad, self.position, rng, n))
