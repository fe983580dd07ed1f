"""Size changes: resizes (Resize, LongestMaxSize, SmallestMaxSize, RandomScale), pads (Pad,
PadIfNeeded) and crop-or-pad by side (CropAndPad, then resized back by default).

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
from ..core.compat import FILL_1X, FILL_MASK_1X, PAD_CVAL_1X, PAD_CVAL_MASK_1X, PAD_MODE_1X, Rule
from ..core.fusion import flush_affine
from ..core.state import State
from ..core.validation import (
    check_bool,
    check_border_mode,
    check_choice,
    check_fill,
    check_int,
    check_range,
    check_size,
)
from ..functional import sizing as F
from ..functional._common import CONSTANT, LINEAR, MAX_PIXELS, NEAREST, check_output_size
from ..functional.affine import warp
from ..functional.crops import crop
from ._common import (
    POSITIONS,
    _ExactWhenShared,
    collapse,
    pick_interpolation,
    set_border,
    set_interpolations,
    set_resize_interpolations,
    split_padding,
)
from ._sizing_parts import (
    CropAndPadParams,
    _amounts,
    _both_int,
    _check_random_fill,
    _collapse_float,
    _draw_value,
    _is_seq,
    _keep_some,
    _keep_some_one,
    _resize_by_scale,
    one_warp_is_exact,
)

__all__ = [
    "CropAndPad",
    "LetterBox",
    "LongestMaxSize",
    "Pad",
    "PadIfNeeded",
    "RandomScale",
    "Resize",
    "SmallestMaxSize",
]


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


@dataclass
class ScaleParams:
    scale: float  # the zoom factor (1 + a draw from scale_limit); one per call, shared by a batch


class RandomScale(_Resizer):
    """Resize by a random factor ``1 + u``, ``u`` uniform in ``scale_limit``, the same on both sides.

    The output is ``int(H * scale) x int(W * scale)`` (at least 1 pixel a side); boxes and keypoints
    follow the actual size change (``out / in`` per axis), so they stay on the resized pixels.

    Args:
        scale_limit: range of ``u``; ``v`` means ``(-v, v)``. ``1 + low`` must be positive.
        interpolation, mask_interpolation, area_for_downscale: as for :class:`Resize`.
        p: probability of applying the transform.

    A batch draws one factor for all its samples (they share their size), so in a batch it needs
    ``p=1``.

    >>> import numpy as np, xalbu as A
    >>> A.RandomScale(scale_limit=(1.0, 1.0), p=1)(image=np.zeros((3, 5), np.uint8))["image"].shape
    (6, 10)
    """

    Params = ScaleParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale_limit": (0.05, 0.25), "interpolation": 1},
            {"scale_limit": 0.5, "interpolation": 2, "mask_interpolation": 1, "area_for_downscale": "image"},
            {"scale_limit": (-0.6, -0.4), "area_for_downscale": "image_mask", "interpolation": 0},
        ]

    def __init__(
        self,
        scale_limit: Any = (-0.1, 0.1),
        interpolation: int = 1,
        mask_interpolation: int = 0,
        area_for_downscale: str | None = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.scale_limit = check_range("scale_limit", scale_limit, symmetric_around=0.0)
        if self.scale_limit[0] <= -1:
            raise ValueError(
                f"scale_limit: the scale is 1 + value, so values must be greater than -1, got {scale_limit!r}"
            )
        set_resize_interpolations(self, interpolation, mask_interpolation, area_for_downscale)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ScaleParams:
        # one factor per call: the samples of a batch share their size
        return ScaleParams(draw.uniform(rng, self.scale_limit[0], self.scale_limit[1], None) + 1.0)

    def _resize(self, arr: Any, geo: Geometry, interpolation: int, mask: bool) -> Any:
        interp = pick_interpolation(interpolation, self.area_for_downscale, mask, geo.in_hw, geo.out_hw)
        return self._gated(_resize_by_scale(arr, geo.out_hw, interp), arr, geo)

    def _target(self, params: ScaleParams, shape: tuple[int, int]) -> tuple[int, int]:
        s = params.scale
        out = (max(1, int(shape[0] * s)), max(1, int(shape[1] * s)))
        return check_output_size(type(self).__name__, out) if out[0] * out[1] > MAX_PIXELS else out


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


# ----------------------------------------------------------------------------------------------
# crop and pad by pixels or fractions
# ----------------------------------------------------------------------------------------------
class CropAndPad(_ExactWhenShared):
    """Crop or pad each side by pixels (``px``) or fractions of the side (``percent``), then by default
    resize back to the input size.

    Positive amounts pad, negative ones crop. Each of ``px``/``percent`` (give exactly one) is a number
    for every side, a ``(low, high)`` range drawn for every side (one draw for all four unless
    ``sample_independently``), or 4 entries for (top, right, bottom, left), each a number, a
    ``(low, high)`` range or a list of choices. Pixel ranges include both ends; fractions become
    ``int(fraction * side)``. Crops that would leave no pixel are reduced to leave one.

    Args:
        px, percent: the amounts (see above); exactly one of them.
        keep_size: resize the result back to the input size (``interpolation`` for images,
            ``mask_interpolation`` for masks); else the output size is the cropped and padded size.
        sample_independently: with a ``(low, high)`` range, draw each side on its own.
        interpolation, mask_interpolation: OpenCV codes for that resize.
        border_mode, fill, fill_mask: how the padding is filled. ``fill``/``fill_mask`` are a number,
            a ``(low, high)`` range (a random value per image; integers if both ends are) or a list
            of values to choose from (albumentations' rule; not per channel).
        p: probability of applying the transform.

    A batch with ``keep_size`` draws per sample (a per-sample warp: the resize's sampling except at
    crop edges, where it reads the real neighbours); without, one draw (shared size) and ``p=1``.

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    >>> A.CropAndPad(px=(0, -1, 0, 1), keep_size=False)(image=img)["image"].tolist()
    [[0, 0, 1], [0, 3, 4]]
    """

    Params = CropAndPadParams
    albumentations_args = dict(pad_mode=PAD_MODE_1X, pad_cval=PAD_CVAL_1X, pad_cval_mask=PAD_CVAL_MASK_1X)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"px": (-10, 10), "keep_size": True, "interpolation": 1},
            {"percent": (-0.1, 0.2), "keep_size": False, "border_mode": 4},
            {
                "px": (3, -4, (-2, 2), [0, 5, -5]),
                "fill": (0, 255),
                "fill_mask": [1, 3, 5],
                "sample_independently": False,
            },
            {"percent": 0.1, "mask_interpolation": 1, "interpolation": 2, "fill": 7},
        ]

    def __init__(
        self,
        px: Any = None,
        percent: Any = None,
        keep_size: bool = True,
        sample_independently: bool = True,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        if (px is None) == (percent is None):
            raise ValueError("px, percent: give exactly one of them (the other None)")
        self.px = _amounts("px", px, True)
        self.percent = _amounts("percent", percent, False)
        self.keep_size = check_bool("keep_size", keep_size)
        self.sample_independently = check_bool("sample_independently", sample_independently)
        set_interpolations(self, interpolation, mask_interpolation)
        self.border_mode = check_border_mode("border_mode", border_mode)
        self.fill = _check_random_fill("fill", fill)
        self.fill_mask = _check_random_fill("fill_mask", fill_mask)

    # -------------------------------------------------------------- sampling
    def _sides(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> list[Any]:
        """Signed pixel amounts (top, right, bottom, left): ints, or (N,) int64 arrays."""
        integer = self.px is not None
        spec = self.px if integer else self.percent
        if _is_seq(spec) and len(spec) == 2:  # one range for every side
            if self.sample_independently:
                values = [_draw_value(rng, spec, integer, n) for _ in range(4)]
            else:
                values = [_draw_value(rng, spec, integer, n)] * 4
        elif _is_seq(spec):
            values = [_draw_value(rng, e, integer, n) for e in spec]
        else:
            values = [spec] * 4
        if integer:
            return [int(v) if n is None else np.broadcast_to(np.asarray(v, np.int64), (n,)) for v in values]
        h, w = shape
        sides = (h, w, h, w)
        if n is None:
            return [int(v * s) for v, s in zip(values, sides, strict=True)]
        return [
            np.trunc(np.broadcast_to(np.asarray(v, np.float64), (n,)) * s).astype(np.int64)
            for v, s in zip(values, sides, strict=True)
        ]

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropAndPadParams:
        h, w = shape
        draws = n if self.keep_size else None  # without keep_size the samples of a batch share their size
        if draws is None:  # one draw: Python ints (numpy calls on scalars cost ~1 us each)
            top, right, bottom, left = self._sides(rng, shape, None)
            ct, cb = _keep_some_one(max(-top, 0), max(-bottom, 0), h)
            cl, cr = _keep_some_one(max(-left, 0), max(-right, 0), w)
            fill = _draw_value(rng, self.fill, _both_int(self.fill), None)
            fill_mask = _draw_value(rng, self.fill_mask, _both_int(self.fill_mask), None)
            pads = (max(top, 0), max(bottom, 0), max(left, 0), max(right, 0))
            return CropAndPadParams(cl, ct, w - cr, h - cb, *pads, fill, fill_mask)
        top, right, bottom, left = self._sides(rng, shape, draws)
        pads = [np.maximum(v, 0) for v in (top, bottom, left, right)]
        ct, cb = _keep_some(np.maximum(-top, 0), np.maximum(-bottom, 0), h)
        cl, cr = _keep_some(np.maximum(-left, 0), np.maximum(-right, 0), w)
        fill = _draw_value(rng, self.fill, _both_int(self.fill), draws)
        fill_mask = _draw_value(rng, self.fill_mask, _both_int(self.fill_mask), draws)
        box = (cl, ct, w - cr, h - cb)
        return CropAndPadParams(
            *(collapse(v) for v in (*box, *pads)), _collapse_float(fill), _collapse_float(fill_mask)
        )

    def _apply(self, state: State, params: CropAndPadParams, applied: np.ndarray | None) -> None:
        if not (state.fuse and (_is_seq(self.fill) or _is_seq(self.fill_mask))):
            return super()._apply(state, params, applied)
        flush_affine(state)  # drawn fills are not one fill for a fused warp: run now
        state.fuse = False
        try:
            super()._apply(state, params, applied)
        finally:
            state.fuse = True

    @staticmethod
    def _result_hw(p: CropAndPadParams) -> tuple[Any, Any]:
        return (p.y_max - p.y_min + p.pad_top + p.pad_bottom, p.x_max - p.x_min + p.pad_left + p.pad_right)

    def output_shape(self, params: CropAndPadParams, shape: tuple[int, int]) -> tuple[int, int]:
        if self.keep_size:
            return shape
        rh, rw = self._result_hw(params)
        out = (int(rh), int(rw))
        return check_output_size(type(self).__name__, out) if out[0] * out[1] > MAX_PIXELS else out

    def matrix(self, params: CropAndPadParams, shape: tuple[int, int]) -> np.ndarray:
        tx, ty = params.pad_left - params.x_min, params.pad_top - params.y_min
        if not self.keep_size:
            return M.translate(tx, ty)
        rh, rw = self._result_hw(params)
        return M.crop_resize(-tx, -ty, rw - tx, rh - ty, shape)

    def _fill(self, params: CropAndPadParams, mask: bool) -> Any:
        return params.fill_mask if mask else params.fill

    def _exact(self, arr: Any, p: CropAndPadParams, geo: Geometry, mask: bool) -> Any:
        h, w = geo.in_hw
        out = arr
        padded = p.pad_top or p.pad_bottom or p.pad_left or p.pad_right
        rh, rw = self._result_hw(p)
        resized = self.keep_size and (rh, rw) != (h, w)
        if (p.x_min, p.y_min, p.x_max, p.y_max) != (0, 0, w, h):
            # a view when padding or resizing follows (they copy), else the copying kernel
            cut = crop.generic if padded or resized else crop
            out = cut(out, p.x_min, p.y_min, p.x_max, p.y_max)
        if padded:
            out = F.pad(
                out, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right, self.border_mode, self._fill(p, mask)
            )
        if resized:
            out = _resize_by_scale(out, (h, w), self.mask_interpolation if mask else self.interpolation)
        return self._gated(out, arr, geo)

    def _one_warp(self, p: CropAndPadParams, geo: Geometry) -> bool:
        plain = self.keep_size and self.interpolation == LINEAR and self.border_mode == CONSTANT
        return plain and one_warp_is_exact(p, geo.in_hw, self._result_hw(p))

    def apply_image(self, img: Any, params: CropAndPadParams, geo: Geometry) -> Any:
        if geo.shared and not self._one_warp(params, geo):
            return self._exact(img, params, geo, False)
        out = warp(img, geo.matrix, geo.out_hw, self.interpolation, self.border_mode, params.fill)
        return out if not geo.shared else self._gated(out, img, geo)

    def apply_mask(self, mask: Any, params: CropAndPadParams, geo: Geometry) -> Any:
        if geo.shared:
            return self._exact(mask, params, geo, True)
        return warp(mask, geo.matrix, geo.out_hw, self.mask_interpolation, self.border_mode, params.fill_mask)


# ----------------------------------------------------------------------------------------------
# letterbox: fit inside a canvas, then pad
# ----------------------------------------------------------------------------------------------
class LetterBox(AffineTransform):
    """Scale to fit inside a ``size`` canvas keeping the aspect ratio, then pad to exactly ``size``
    (YOLO's letterbox: :class:`LongestMaxSize` then :class:`PadIfNeeded`, in one step).

    The content is ``round(H * s) x round(W * s)`` (at least 1 pixel), ``s = min(height / H, width / W)``,
    placed by ``position`` in constant padding. AlbumentationsX's transform; albumentations 2.0.8 has none.

    Args:
        size: ``(height, width)`` of the output.
        interpolation, mask_interpolation: OpenCV codes of the resize for images and masks.
        fill, fill_mask: the padding's value (a number or one per channel; YOLO uses 114 on uint8).
        position: ``center`` (the odd pixel bottom/right), ``top_left``, ``top_right``,
            ``bottom_left``, ``bottom_right`` or ``random`` (drawn per sample in a batch).
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.LetterBox((4, 4), fill=9)(image=np.ones((2, 4), np.uint8))["image"].tolist()
    [[9, 9, 9, 9], [1, 1, 1, 1], [1, 1, 1, 1], [9, 9, 9, 9]]
    """

    Params = PadParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"size": (height // 2 + 8, width // 2)},
            {"size": (40, 30), "position": "random", "fill": 114, "fill_mask": 3},
            {
                "size": (2 * height, width),
                "interpolation": 2,
                "mask_interpolation": 1,
                "position": "top_left",
            },
        ]

    def __init__(
        self,
        size: tuple[int, int],
        interpolation: int = 1,
        mask_interpolation: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        position: str = "center",
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.size = check_output_size("size", check_size("size", size))
        set_interpolations(self, interpolation, mask_interpolation)
        self.fill = check_fill("fill", fill)  # the padding is always constant
        self.fill_mask = check_fill("fill_mask", fill_mask)
        self.position = check_choice("position", position, POSITIONS)

    def _content_hw(self, shape: tuple[int, int]) -> tuple[int, int]:
        h, w = shape
        s = min(self.size[0] / h, self.size[1] / w)
        return max(1, round(h * s)), max(1, round(w * s))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PadParams:
        ch, cw = self._content_hw(shape)
        return PadParams(*split_padding(self.size[0] - ch, self.size[1] - cw, self.position, rng, n))

    def output_shape(self, params: PadParams, shape: tuple[int, int]) -> tuple[int, int]:
        return self.size

    def matrix(self, params: PadParams, shape: tuple[int, int]) -> np.ndarray:
        ch, cw = self._content_hw(shape)
        return M.translate(params.left, params.top) @ M.scale(cw / shape[1], ch / shape[0])

    def _letterbox(self, arr: Any, p: PadParams, geo: Geometry, mask: bool) -> Any:
        content = self._content_hw(geo.in_hw)
        out = arr
        if content != geo.in_hw:
            out = _resize_by_scale(arr, content, self.mask_interpolation if mask else self.interpolation)
        fill = self.fill_mask if mask else self.fill
        if geo.shared:
            out = F.pad(out, p.top, p.bottom, p.left, p.right, CONSTANT, fill)
        else:  # per-sample placement: an integer translation, sampled exactly
            out = warp(out, M.translate(p.left, p.top), self.size, NEAREST, CONSTANT, fill)
        return self._gated(out, arr, geo)

    def apply_image(self, img: Any, params: PadParams, geo: Geometry) -> Any:
        return self._letterbox(img, params, geo, False)

    def apply_mask(self, mask: Any, params: PadParams, geo: Geometry) -> Any:
        return self._letterbox(mask, params, geo, True)
