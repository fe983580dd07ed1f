"""Crops: fixed boxes (Crop, CenterCrop), random boxes (RandomCrop, RandomCropFromBorders) and
crop-then-resize (RandomResizedCrop, RandomSizedCrop).

All are affine-kind: boxes and keypoints follow a translation (crops) or a crop-and-scale matrix.
One image (or a batch sharing one box) goes through the exact kernels ``pad``/``crop`` and
``resize``. A batch with per-sample boxes falls back to the per-sample warp: exact for the pure
crops (an integer translation sampled with nearest), and for crop-then-resize the same bilinear
sampling as the resize except at the crop's edges when upscaling, where the warp reads the real
neighbouring pixels instead of replicating the crop's edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import draw
from ..core import geometry as M
from ..core.affine import Geometry
from ..core.compat import HEIGHT_WIDTH, PAD_CVAL_1X, PAD_CVAL_MASK_1X, PAD_MODE_1X
from ..core.validation import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_range,
    check_size,
)
from ..functional._common import check_output_size
from ..functional.crops import crop
from ..functional.sizing import pad, resize
from ._common import (
    POSITIONS,
    _ExactWhenShared,
    collapse,
    pick_interpolation,
    set_border,
    set_resize_interpolations,
    split_padding,
)

__all__ = [
    "CenterCrop",
    "Crop",
    "RandomCrop",
    "RandomCropFromBorders",
    "RandomResizedCrop",
    "RandomSizedCrop",
]


# ----------------------------------------------------------------------------------------------
# pad (if needed) then crop
# ----------------------------------------------------------------------------------------------
@dataclass
class CropParams:
    x_min: Any  # left edge of the crop in the padded image; int, or (N,) ints in a batch
    y_min: Any
    pad_top: Any = 0  # padding added before cropping (pad_if_needed)
    pad_bottom: Any = 0
    pad_left: Any = 0
    pad_right: Any = 0


class _PadCrop(_ExactWhenShared):
    """Optionally pad (``pad_if_needed``), then cut a box of ``_crop_hw`` at ``CropParams``."""

    _abstract = True
    albumentations_args = {
        "pad_mode": PAD_MODE_1X,
        "pad_cval": PAD_CVAL_1X,
        "pad_cval_mask": PAD_CVAL_MASK_1X,
    }
    interpolation = 0  # batch fallback: an integer translation sampled exactly
    mask_interpolation = 0

    def _init_pad(
        self, pad_if_needed: bool, pad_position: str, border_mode: int, fill: Any, fill_mask: Any
    ) -> None:
        self.pad_if_needed = check_bool("pad_if_needed", pad_if_needed)
        self.pad_position = check_choice("pad_position", pad_position, POSITIONS)
        set_border(self, border_mode, fill, fill_mask)

    def _crop_hw(self) -> tuple[int, int]:
        return (self.height, self.width)

    def _padding(
        self, rng: np.random.Generator, shape: tuple[int, int], need_hw: tuple[int, int], n: int | None
    ) -> tuple[tuple[Any, Any, Any, Any], tuple[int, int]]:
        """Padding (top, bottom, left, right) that makes the image at least ``need_hw``; padded size."""
        h_pad, w_pad = max(0, need_hw[0] - shape[0]), max(0, need_hw[1] - shape[1])
        if not self.pad_if_needed or h_pad == w_pad == 0:
            return (0, 0, 0, 0), shape
        padded = check_output_size(f"{type(self).__name__} (padded)", (shape[0] + h_pad, shape[1] + w_pad))
        return split_padding(h_pad, w_pad, self.pad_position, rng, n), padded

    def output_shape(self, params: CropParams, shape: tuple[int, int]) -> tuple[int, int]:
        return self._crop_hw()

    def matrix(self, params: CropParams, shape: tuple[int, int]) -> np.ndarray:
        return M.translate(params.pad_left - params.x_min, params.pad_top - params.y_min)

    def _shared_kernel(self, arr: Any, p: CropParams, out_hw: tuple[int, int], mask: bool) -> Any:
        """Pad (when the parameters say so), then cut the ``out_hw`` box at ``(x_min, y_min)``."""
        if p.pad_top or p.pad_bottom or p.pad_left or p.pad_right:
            fill = self.fill_mask if mask else self.fill
            arr = pad(arr, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right, self.border_mode, fill)
        h, w = out_hw
        return crop(arr, p.x_min, p.y_min, p.x_min + w, p.y_min + h)


class Crop(_PadCrop):
    """Cut the fixed box ``[x_min, x_max) x [y_min, y_max)``.

    Args:
        x_min, y_min, x_max, y_max: the box in pixels (``x_max > x_min``, ``y_max > y_min``).
        pad_if_needed: when the box reaches past the image, first pad the image to at least
            ``(y_max, x_max)`` (as :class:`PadIfNeeded` with ``pad_position``), then cut the box from
            the padded image; without it such a box raises ``ValueError``.
        pad_position: where the image sits inside the padding (``top_left`` keeps the box in the
            original image's coordinates).
        border_mode, fill, fill_mask: how the padding is filled (see :class:`Pad`).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> A.Crop(1, 0, 3, 2)(image=img)["image"].tolist()
    [[1, 2], [5, 6]]
    """

    Params = CropParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        h, w = height, width
        return [
            {"x_min": w // 4, "y_min": h // 4, "x_max": w // 4 + w // 2, "y_max": h // 4 + h // 2},
            {
                "x_min": 0,
                "y_min": 0,
                "x_max": w + 8,
                "y_max": h + 6,
                "pad_if_needed": True,
                "pad_position": "random",
            },
        ]

    def __init__(
        self,
        x_min: int = 0,
        y_min: int = 0,
        x_max: int = 1024,
        y_max: int = 1024,
        pad_if_needed: bool = False,
        pad_position: str = "center",
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.x_min = check_int("x_min", x_min, 0)
        self.y_min = check_int("y_min", y_min, 0)
        self.x_max = check_int("x_max", x_max, self.x_min + 1)
        self.y_max = check_int("y_max", y_max, self.y_min + 1)
        self._init_pad(pad_if_needed, pad_position, border_mode, fill, fill_mask)
        # the box; padded, the image grows to at least (y_max, x_max)
        check_output_size("x_max, y_max", (self.y_max, self.x_max) if self.pad_if_needed else self._crop_hw())

    def _crop_hw(self) -> tuple[int, int]:
        return (self.y_max - self.y_min, self.x_max - self.x_min)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropParams:
        if self.x_max <= shape[1] and self.y_max <= shape[0]:  # inside the image: the common case
            return CropParams(self.x_min, self.y_min)
        if not self.pad_if_needed:
            for name, value, side, size in (
                ("x_max", self.x_max, "width", shape[1]),
                ("y_max", self.y_max, "height", shape[0]),
            ):
                if value > size:
                    raise ValueError(
                        f"Crop: {name}={value} is outside the image ({side} {size}); "
                        "use a box inside the image or pad_if_needed=True"
                    )
        pads, _ = self._padding(rng, shape, (self.y_max, self.x_max), n)
        return CropParams(self.x_min, self.y_min, *pads)


class _SizedCrop(_PadCrop):
    """A ``height`` x ``width`` crop (CenterCrop, RandomCrop); subclasses place it in ``sample``."""

    _abstract = True

    def __init__(
        self,
        height: int,
        width: int,
        pad_if_needed: bool = False,
        pad_position: str = "center",
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.height = check_int("height", height, 1)
        self.width = check_int("width", width, 1)
        check_output_size("height, width", (self.height, self.width))
        self._init_pad(pad_if_needed, pad_position, border_mode, fill, fill_mask)

    def _pad_for_crop(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> tuple[tuple[Any, Any, Any, Any], tuple[int, int]]:
        """Check that the crop fits (or may pad), then the padding and the padded size (as ``_padding``)."""
        h, w = self.height, self.width
        if not self.pad_if_needed and (h > shape[0] or w > shape[1]):
            name = "height" if h > shape[0] else "width"
            raise ValueError(
                f"{type(self).__name__}: {name}: the crop ({h}x{w}) is larger than the image "
                f"({shape[0]}x{shape[1]}); use a smaller crop or pad_if_needed=True"
            )
        return self._padding(rng, shape, (h, w), n)


class CenterCrop(_SizedCrop):
    """Cut a ``height`` x ``width`` box from the centre (offsets ``(H - height) // 2``, ``(W - width) // 2``).

    Args:
        height, width: size of the crop.
        pad_if_needed: pad images smaller than the crop first (else such images raise ``ValueError``).
        pad_position, border_mode, fill, fill_mask: how that padding is placed and filled.

    >>> import numpy as np, xalbu as A
    >>> A.CenterCrop(1, 2)(image=np.arange(12, dtype=np.uint8).reshape(3, 4))["image"].tolist()
    [[5, 6]]
    """

    Params = CropParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2},
            {
                "height": height + 16,
                "width": width + 18,
                "pad_if_needed": True,
                "pad_position": "top_left",
                "fill": 5,
            },
        ]

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropParams:
        h, w = self.height, self.width
        if h <= shape[0] and w <= shape[1]:  # no padding: the common case
            return CropParams((shape[1] - w) // 2, (shape[0] - h) // 2)
        pads, (hp, wp) = self._pad_for_crop(rng, shape, n)
        return CropParams((wp - w) // 2, (hp - h) // 2, *pads)


class RandomCrop(_SizedCrop):
    """Cut a ``height`` x ``width`` box at a uniformly random position (per sample in a batch).

    Args:
        height, width: size of the crop.
        pad_if_needed: pad images smaller than the crop first (else such images raise ``ValueError``).
        pad_position, border_mode, fill, fill_mask: how that padding is placed and filled.

    >>> import numpy as np, xalbu as A
    >>> A.RandomCrop(2, 2)(image=np.zeros((4, 5, 3), np.uint8))["image"].shape
    (2, 2, 3)
    """

    Params = CropParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"height": height // 2, "width": width // 2},
            {"height": height + 16, "width": width + 18, "pad_if_needed": True, "border_mode": 2},
        ]

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropParams:
        h, w = self.height, self.width
        if n is None and h <= shape[0] and w <= shape[1]:  # one image, no padding: the common case
            y = draw.integers(rng, 0, shape[0] - h + 1, None)
            return CropParams(draw.integers(rng, 0, shape[1] - w + 1, None), y)
        pads, (hp, wp) = self._pad_for_crop(rng, shape, n)
        y = draw.integers(rng, 0, hp - self.height + 1, n)
        x = draw.integers(rng, 0, wp - self.width + 1, n)
        if n is not None:
            y, x = collapse(y), collapse(x)
        return CropParams(x, y, *pads)


# ----------------------------------------------------------------------------------------------
# crop then resize
# ----------------------------------------------------------------------------------------------
@dataclass
class CropBoxParams:
    x_min: Any  # the crop box [x_min, x_max) x [y_min, y_max); ints, or (N,) ints in a batch
    y_min: Any
    x_max: Any
    y_max: Any


class _CropResize(_ExactWhenShared):
    """Cut ``CropBoxParams`` and resize it to ``size``."""

    _abstract = True
    border_mode = 1  # batch warp: replicate at the image edge, as the resize does

    def _init_resize(
        self, size: Any, interpolation: int, mask_interpolation: int, area_for_downscale: Any
    ) -> None:
        self.size = check_output_size("size", check_size("size", size))
        set_resize_interpolations(self, interpolation, mask_interpolation, area_for_downscale)

    def output_shape(self, params: CropBoxParams, shape: tuple[int, int]) -> tuple[int, int]:
        return self.size

    def matrix(self, params: CropBoxParams, shape: tuple[int, int]) -> np.ndarray:
        return M.crop_resize(params.x_min, params.y_min, params.x_max, params.y_max, self.size)

    def _exact(self, arr: Any, p: CropBoxParams, geo: Geometry, mask: bool) -> Any:
        crop_hw = (p.y_max - p.y_min, p.x_max - p.x_min)
        interpolation = self.mask_interpolation if mask else self.interpolation
        interp = pick_interpolation(interpolation, self.area_for_downscale, mask, crop_hw, self.size)
        # the resize reads the box through a view (the generic crop); no copy of the box is made
        out = resize(crop.generic(arr, p.x_min, p.y_min, p.x_max, p.y_max), self.size, interp)
        return self._gated(out, arr, geo)

    @staticmethod
    def _box(ch: Any, cw: Any, y: Any, x: Any, n: int | None) -> CropBoxParams:
        """Params from crop sizes and top-left corners (Python ints for one image)."""
        if n is None:
            return CropBoxParams(*(int(np.asarray(v).flat[0]) for v in (x, y, x + cw, y + ch)))
        return CropBoxParams(*(collapse(v) for v in (x, y, x + cw, y + ch)))


class RandomResizedCrop(_CropResize):
    """Crop a random box of random area and aspect ratio, then resize it to ``size`` (torchvision's).

    Up to 10 candidates are drawn: area ``scale`` x image area, aspect ratio (w/h) log-uniform in
    ``ratio``, sides rounded; the first that fits is placed uniformly at random. When none fits, the
    central crop with the aspect ratio clamped to ``ratio`` is used. A batch draws all candidates of
    all samples at once.

    Args:
        size: ``(height, width)`` of the output.
        scale: range of the crop area as a fraction of the image area.
        ratio: range of the crop aspect ratio (width / height).
        interpolation, mask_interpolation, area_for_downscale: as for :class:`Resize`.

    >>> import numpy as np, xalbu as A
    >>> A.RandomResizedCrop((4, 4))(image=np.zeros((10, 12, 3), np.uint8))["image"].shape
    (4, 4, 3)
    """

    Params = CropBoxParams
    albumentations_args = {"height": HEIGHT_WIDTH, "width": HEIGHT_WIDTH}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"size": (height // 2, width // 2), "scale": (0.08, 1.0), "ratio": (0.75, 4 / 3)},
            {"size": (20, 16), "scale": (0.5, 0.9), "ratio": (0.5, 2.0), "interpolation": 3},
        ]

    def __init__(
        self,
        size: tuple[int, int],
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (0.75, 1.3333333333333333),
        interpolation: int = 1,
        mask_interpolation: int = 0,
        area_for_downscale: str | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self._init_resize(size, interpolation, mask_interpolation, area_for_downscale)
        self.scale = check_range(
            "scale", scale, 0.0, 1.0
        )  # a fraction of the image's area, as albumentations
        if self.scale[1] <= 0:
            raise ValueError(f"scale: expected a range with a positive upper bound, got {scale!r}")
        self.ratio = check_range("ratio", ratio, 0.0)
        if self.ratio[0] <= 0:
            raise ValueError(f"ratio: expected positive aspect ratios, got {ratio!r}")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropBoxParams:
        if n is None:
            return self._sample_one(rng, shape)
        h, w = shape
        lr = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        area = draw.uniform(rng, *self.scale, (n, 10)) * (h * w)
        aspect = np.exp(draw.uniform(rng, *lr, (n, 10)))
        cw = np.round(np.sqrt(area * aspect)).astype(np.int64)
        ch = np.round(np.sqrt(area / aspect)).astype(np.int64)
        fits = (cw > 0) & (cw <= w) & (ch > 0) & (ch <= h)
        first = np.argmax(fits, axis=1)
        found = fits[np.arange(n), first]
        fh, fw = self._fallback(shape)
        cw = np.where(found, cw[np.arange(n), first], fw)
        ch = np.where(found, ch[np.arange(n), first], fh)
        y = np.where(found, draw.integers(rng, 0, h - ch + 1, n), (h - ch) // 2)
        x = np.where(found, draw.integers(rng, 0, w - cw + 1, n), (w - cw) // 2)
        return self._box(ch, cw, y, x, n)

    def _fallback(self, shape: tuple[int, int]) -> tuple[int, int]:
        """The central crop's (height, width): the whole image with the aspect ratio clamped to ``ratio``."""
        h, w = shape
        if w / h < self.ratio[0]:
            return min(h, max(1, round(w / self.ratio[0]))), w
        if w / h > self.ratio[1]:
            return h, min(w, max(1, round(h * self.ratio[1])))
        return h, w

    def _sample_one(self, rng: np.random.Generator, shape: tuple[int, int]) -> CropBoxParams:
        """:meth:`sample` for one image: the same draws and formulas on Python floats, evaluating
        candidates only until one fits."""
        h, w = shape
        lo, hi = self.scale
        lr0, lr1 = math.log(self.ratio[0]), math.log(self.ratio[1])
        u = rng.random(20).tolist()  # the batch path's draws: 10 areas, then 10 aspect ratios
        fit = None
        for v, e in zip(u[:10], u[10:], strict=True):  # stops at the first that fits
            a = (lo + (hi - lo) * v) * (h * w)
            r = math.exp(lr0 + (lr1 - lr0) * e)  # may differ from np.exp in the last bit
            ch, cw = round(math.sqrt(a / r)), round(math.sqrt(a * r))  # as np.round: half to even
            if 0 < cw <= w and 0 < ch <= h:
                fit = (ch, cw)
                break
        ch, cw = fit or self._fallback(shape)
        y, x = draw.integers(rng, 0, h - ch + 1, None), draw.integers(rng, 0, w - cw + 1, None)
        if fit is None:
            y, x = (h - ch) // 2, (w - cw) // 2
        return CropBoxParams(x, y, x + cw, y + ch)


class RandomSizedCrop(_CropResize):
    """Crop a random box with height in ``min_max_height`` and width ``int(height * w2h_ratio)``,
    placed uniformly at random, then resize it to ``size``.

    Args:
        min_max_height: ``(low, high)`` crop heights in pixels (both included).
        size: ``(height, width)`` of the output.
        w2h_ratio: crop width / crop height.
        interpolation, mask_interpolation, area_for_downscale: as for :class:`Resize`.

    A crop side larger than the image is clamped to the image's side, each side on its own (as
    albumentations does: the height is drawn, the width is ``int(height * w2h_ratio)``, then both are
    clamped, so a clamped crop does not keep ``w2h_ratio``).

    >>> import numpy as np, xalbu as A
    >>> A.RandomSizedCrop((4, 6), (8, 8))(image=np.zeros((10, 10), np.uint8))["image"].shape
    (8, 8)
    """

    Params = CropBoxParams
    albumentations_args = {"height": HEIGHT_WIDTH, "width": HEIGHT_WIDTH}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"min_max_height": (height // 4, height // 2), "size": (height // 2, width // 2)},
            {
                "min_max_height": (height // 3, height // 2),
                "size": (10, 10),
                "w2h_ratio": 1.5,
                "area_for_downscale": "image",
            },
        ]

    def __init__(
        self,
        min_max_height: tuple[int, int],
        size: tuple[int, int],
        w2h_ratio: float = 1.0,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        area_for_downscale: str | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.min_max_height = check_range("min_max_height", min_max_height, 1, integer=True)
        self._init_resize(size, interpolation, mask_interpolation, area_for_downscale)
        self.w2h_ratio = check_number("w2h_ratio", w2h_ratio, 0.0)
        if math.floor(self.min_max_height[0] * self.w2h_ratio) < 1:
            raise ValueError(
                f"w2h_ratio: the narrowest crop (min_max_height[0] x w2h_ratio = "
                f"{self.min_max_height[0]} x {self.w2h_ratio:g}) is under 1 pixel wide"
            )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropBoxParams:
        h, w = shape
        lo, hi = self.min_max_height
        # sides past the image are clamped to it, each on its own (albumentations' get_crop_coords)
        if n is None:  # one image: the same draws on Python ints
            ch = draw.integers(rng, lo, hi + 1, None)
            cw = min(math.floor(ch * self.w2h_ratio), w)
            ch = min(ch, h)
            y, x = draw.integers(rng, 0, h - ch + 1, None), draw.integers(rng, 0, w - cw + 1, None)
            return CropBoxParams(x, y, x + cw, y + ch)
        ch = draw.integers(rng, lo, hi + 1, n)
        cw = np.minimum(np.floor(ch * self.w2h_ratio).astype(np.int64), w)
        ch = np.minimum(ch, h)
        y = draw.integers(rng, 0, h - ch + 1, n)
        x = draw.integers(rng, 0, w - cw + 1, n)
        return self._box(ch, cw, y, x, n)


# ----------------------------------------------------------------------------------------------
# crop from the borders
# ----------------------------------------------------------------------------------------------
class RandomCropFromBorders(_ExactWhenShared):
    """Cut random amounts off each side: up to ``crop_left`` of the width from the left, and so on.

    ``x_min`` is uniform on ``0 .. int(crop_left * W)``, ``x_max`` on
    ``max(x_min + 1, int((1 - crop_right) * W)) .. W`` (both included), the same for the rows; at
    least one pixel always remains. The output size varies with the draw, so a batch draws one box
    for all its samples (they share their size) and needs ``p=1``.

    Args:
        crop_left, crop_right, crop_top, crop_bottom: the largest fraction of the width (height)
            cut from that side, each in [0, 1]; ``crop_left + crop_right`` and
            ``crop_top + crop_bottom`` at most 1.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomCropFromBorders(0, 0, 0, 0)
    >>> t(image=np.zeros((4, 5, 3), np.uint8))["image"].shape
    (4, 5, 3)
    """

    Params = CropBoxParams
    interpolation = 0  # exact kernels only (shared box); any fallback is an integer translation
    mask_interpolation = 0

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"crop_left": 0.1, "crop_right": 0.1, "crop_top": 0.1, "crop_bottom": 0.1},
            {"crop_left": 0.5, "crop_right": 0.5, "crop_top": 0.0, "crop_bottom": 1.0},
        ]

    def __init__(
        self,
        crop_left: float = 0.1,
        crop_right: float = 0.1,
        crop_top: float = 0.1,
        crop_bottom: float = 0.1,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.crop_left = check_number("crop_left", crop_left, 0.0, 1.0)
        self.crop_right = check_number("crop_right", crop_right, 0.0, 1.0)
        self.crop_top = check_number("crop_top", crop_top, 0.0, 1.0)
        self.crop_bottom = check_number("crop_bottom", crop_bottom, 0.0, 1.0)
        for a, b in (("crop_left", "crop_right"), ("crop_top", "crop_bottom")):
            if getattr(self, a) + getattr(self, b) > 1.0:
                raise ValueError(
                    f"{a}, {b}: their sum must be at most 1, got {getattr(self, a):g} + {getattr(self, b):g}"
                )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CropBoxParams:
        # one box per call: the samples of a batch share their size
        # draw.integers' values (lo + int(u * (hi - lo))), inlined, from one draw of the four uniforms
        # (the same numbers as four scalar draws); the bounds that depend only on the size and the
        # fractions are kept between calls (this runs on every call)
        u0, u1, u2, u3 = rng.random(4).tolist()
        c = self.__dict__.get("_bounds")
        if (
            c is None
            or c[0] != shape
            or c[1] != (self.crop_left, self.crop_right, self.crop_top, self.crop_bottom)
        ):
            c = self.__dict__["_bounds"] = self._bounds_for(shape)
        _, _, x_hi, x_lo, w1, y_hi, y_lo, h1 = c
        x_min = int(u0 * x_hi)  # uniform on 0 .. int(crop_left * W) (at most W - 1)
        lo = x_lo if x_lo > x_min else x_min + 1  # max(x_min + 1, int((1 - crop_right) * W))
        y_min = int(u2 * y_hi)
        lo_y = y_lo if y_lo > y_min else y_min + 1
        return CropBoxParams(x_min, y_min, lo + int(u1 * (w1 - lo)), lo_y + int(u3 * (h1 - lo_y)))

    def _bounds_for(self, shape: tuple[int, int]) -> tuple[Any, ...]:
        h, w = shape
        fractions = (self.crop_left, self.crop_right, self.crop_top, self.crop_bottom)
        x_hi, y_hi = min(int(self.crop_left * w), w - 1) + 1, min(int(self.crop_top * h), h - 1) + 1
        x_lo, y_lo = int((1 - self.crop_right) * w), int((1 - self.crop_bottom) * h)
        return (tuple(shape), fractions, x_hi, x_lo, w + 1, y_hi, y_lo, h + 1)

    def output_shape(self, params: CropBoxParams, shape: tuple[int, int]) -> tuple[int, int]:
        return (params.y_max - params.y_min, params.x_max - params.x_min)

    def matrix(self, params: CropBoxParams, shape: tuple[int, int]) -> np.ndarray:
        return M.crop(params.x_min, params.y_min)

    def _shared_kernel(self, arr: Any, p: CropBoxParams, out_hw: tuple[int, int], mask: bool) -> Any:
        return crop(arr, p.x_min, p.y_min, p.x_max, p.y_max)
