"""Colour transforms: gray conversion, sepia, channel shuffles and dropout, HSV and RGB shifts,
colour jitter, gray to RGB, fancy PCA, Planckian jitter and chromatic aberration.

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.color`. Where an identity parameter exists
(shifts of 0, gains of 1, no dropped channel...) a batch runs the samples that are not applied with it
instead of computing and blending; ToGray and ToRGB, which change the channel count, must apply to
every sample of a batch.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.compat import FILL_1X, Rule
from ..core.state import State
from ..core.validation import check_choice, check_int, check_interpolation, check_number, check_range
from ..functional import color as F
from ..functional._utils import check_unit_range, clip, is_float, max_value
from ._common import _PixelTransform

__all__ = [
    "ChannelDropout",
    "ChannelShuffle",
    "ChannelSwap",
    "ChromaticAberration",
    "ColorJitter",
    "FancyPCA",
    "HEStain",
    "HueSaturationValue",
    "PhotoMetricDistort",
    "PlanckianJitter",
    "RGBShift",
    "ToGray",
    "ToRGB",
    "ToSepia",
]


# ------------------------------------------------------------------------------------------- ToGray
class ToGray(_PixelTransform):
    """Convert to gray and replicate the gray plane into ``num_output_channels`` channels.

    ``method``: ``"weighted_average"`` (0.299 R + 0.587 G + 0.114 B), ``"luminance"``
    (0.2126 R + 0.7152 G + 0.0722 B) and ``"from_lab"`` (the lightness L of CIE Lab) need RGB
    input; ``"average"``, ``"max"``, ``"desaturation"`` ((max + min) / 2) and ``"pca"`` (each
    image's projection on its first principal component, scaled to the full range; per sample in
    a batch) take any channel count. A single-channel image is already gray and is returned
    unchanged (as albumentations does).

    >>> import numpy as np, xalbu as A
    >>> A.ToGray(p=1)(image=np.array([[[255, 0, 0]]], np.uint8))["image"].tolist()
    [[[76, 76, 76]]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_output_channels": 3, "method": "weighted_average"},
            {"num_output_channels": 1, "method": "average"},
            {"num_output_channels": 3, "method": "from_lab"},
            {"num_output_channels": 2, "method": "pca"},
        ]

    def __init__(
        self, num_output_channels: int = 3, method: str = "weighted_average", p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.num_output_channels = check_int("num_output_channels", num_output_channels, 1)
        self.method = check_choice("method", method, F.GRAY_METHODS)

    def _partial_problem(self, img: Any) -> str | None:
        c = img.shape[-1]
        if c == 1 or c == self.num_output_channels:
            return None
        return f"it turns {c}-channel images into {self.num_output_channels}-channel ones"

    def apply_image(self, img: Any, params: Any) -> Any:
        channels = img.shape[-1]
        if channels == 1:
            return img
        if self.method in F.RGB_METHODS and channels != 3:
            raise ValueError(
                f"ToGray: method={self.method!r} needs a 3-channel RGB image, got {channels} channels; "
                'use method="average", "max", "desaturation" or "pca" for other channel counts'
            )
        clean = check_unit_range("ToGray", img)
        if not clean and self.method == "pca" and is_float(array_namespace(img), img.dtype):
            return _pca_of_finite(img, self.num_output_channels)
        out = F.to_gray(img, self.method, self.num_output_channels)
        if clean or self.method in ("pca", "max"):  # pca: min-max scaled already; max only selects values
            return out
        return _saturated(img, out)


def _saturated(img: Any, out: Any) -> Any:
    """A float gray ``out`` of ``img`` by the rules of ``functional/_utils.py``: clipped into [0, 1],
    NaN where a channel of ``img`` is NaN (OpenCV's Lab turns NaN into 0)."""
    xp = array_namespace(out)
    if not is_float(xp, out.dtype):
        return out
    nan = xp.any(xp.isnan(img), axis=-1, keepdims=True)
    return xp.where(nan, xp.asarray(float("nan"), dtype=out.dtype), clip(xp, out, 0.0, 1.0))


def _pca_of_finite(img: Any, channels: int) -> Any:
    """``to_gray(img, "pca")`` with each image's statistics over its finite pixels only; pixels with
    a non-finite channel give NaN (their projection is undefined). A non-finite pixel is replaced by
    the image's finite mean first: that moves neither the mean, nor the principal axis (the
    covariance only shrinks by a constant), nor the projections' range (the mean projects to 0,
    between their minimum and maximum), so every finite pixel gets what the finite pixels alone give.
    """
    xp = array_namespace(img)
    bad = xp.logical_not(xp.all(xp.isfinite(img), axis=-1, keepdims=True))
    zeroed = xp.where(bad, xp.zeros_like(img), img)
    count = xp.sum(xp.astype(xp.logical_not(bad), img.dtype), axis=(-3, -2), keepdims=True)
    mean = xp.sum(zeroed, axis=(-3, -2), keepdims=True) / xp.maximum(count, xp.ones_like(count))
    out = F.to_gray(xp.where(bad, mean, img), "pca", channels)
    return xp.where(bad, xp.asarray(float("nan"), dtype=out.dtype), out)


# ------------------------------------------------------------------------------------------ ToSepia
class ToSepia(_PixelTransform):
    """Give an RGB image the warm brown tone of old photographs (a fixed 3x3 colour matrix).

    A single-channel image is returned unchanged (as albumentations does); other channel counts
    than 1 and 3 are refused. Integers saturate, float32 is clipped to [0, 1].

    >>> import numpy as np, xalbu as A
    >>> A.ToSepia(p=1)(image=np.array([[[100, 150, 200]]], np.uint8))["image"].tolist()
    [[[192, 171, 134]]]
    """

    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply_image(self, img: Any, params: Any) -> Any:
        channels = img.shape[-1]
        if channels == 1:
            return img
        if channels != 3:
            raise ValueError(f"ToSepia: needs a 1- or 3-channel image, got {channels} channels")
        check_unit_range("ToSepia", img)  # the kernel saturates into [0, 1]
        return F.sepia(img)


# ------------------------------------------------------------------------------------ ChannelShuffle
@dataclass
class ChannelShuffleParams:
    order: Any  # (C,) or per sample (N, C)
    applied: Any  # bool or (N,) bools; False keeps the identity order


class ChannelShuffle(_PixelTransform):
    """Randomly permute the channels (one permutation per image).

    >>> import numpy as np, xalbu as A
    >>> out = A.ChannelShuffle(p=1)(image=np.array([[[1, 2, 3]]], np.uint8))["image"]
    >>> sorted(out.ravel().tolist())
    [1, 2, 3]
    """

    Params = ChannelShuffleParams

    identity: ClassVar[dict[str, Any]] = {"applied": False}

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def sample_data(self, rng: np.random.Generator, state: State) -> ChannelShuffleParams | None:
        if not state.images:
            return None
        c = int(next(iter(state.images.values())).shape[-1])
        n = state.batch
        if n is None:
            return ChannelShuffleParams(rng.permutation(c), True)
        order = rng.permuted(np.tile(np.arange(c), (n, 1)), axis=1)
        return ChannelShuffleParams(order, np.ones(n, bool))

    def apply_image(self, img: Any, params: ChannelShuffleParams) -> Any:
        order = np.asarray(params.order)
        c = img.shape[-1]
        if order.shape[-1] != c:
            raise ValueError(
                "ChannelShuffle: all images of one call must have the same channel count "
                f"({order.shape[-1]}), got {c}"
            )
        applied = np.asarray(params.applied, bool)
        order = np.where(applied[..., None], order, np.arange(c))
        return F.channel_shuffle(img, order)


def _rgb_or_gray(name: str, img: Any) -> None:
    channels = img.shape[-1]
    if channels not in (1, 3):
        raise ValueError(
            f"{name}: needs a 3-channel RGB image (or a 1-channel gray one), got {channels} channels"
        )


# ------------------------------------------------------------------------------- HueSaturationValue
@dataclass
class HueSaturationValueParams:
    hue_shift: Any  # OpenCV 8-bit hue units (180 = a full turn)
    sat_shift: Any  # 8-bit levels
    val_shift: Any  # 8-bit levels


class HueSaturationValue(_PixelTransform):
    """Randomly shift the hue, saturation and value of an RGB image.

    Each shift is drawn from its range (a single number ``v`` means ``(-v, v)``), in OpenCV's 8-bit
    HSV units: hue in steps of 2 degrees (180 is a full turn), saturation and value in 8-bit levels
    (255 is the full range). uint8 images follow OpenCV's 8-bit HSV maths as albumentations does
    (hue wraps modulo 180, saturation and value shifts are truncated to whole levels and saturate,
    gray pixels stay gray); uint16 and float32 images go through the float HSV conversion (no 8-bit
    quantisation: hue in degrees shifted by ``2 * hue_shift``, saturation and value by
    ``shift / 255``). A 1-channel image gets the value shift only. Other channel counts are refused.

    Args:
        hue_shift_limit: range of the hue shift. Default: (-20, 20).
        sat_shift_limit: range of the saturation shift. Default: (-30, 30).
        val_shift_limit: range of the value shift. Default: (-20, 20).
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> t = A.HueSaturationValue(hue_shift_limit=(60, 60), sat_shift_limit=0, val_shift_limit=0, p=1)
    >>> t(image=np.array([[[255, 0, 0]]], np.uint8))["image"].tolist()
    [[[0, 255, 0]]]
    """

    Params = HueSaturationValueParams
    identity: ClassVar[dict[str, Any]] = {"hue_shift": 0.0, "sat_shift": 0.0, "val_shift": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"hue_shift_limit": (-20, 20), "sat_shift_limit": (-30, 30), "val_shift_limit": (-20, 20)},
            {"hue_shift_limit": 90, "sat_shift_limit": (10, 60), "val_shift_limit": 0},
        ]

    def __init__(
        self,
        hue_shift_limit: Any = (-20, 20),
        sat_shift_limit: Any = (-30, 30),
        val_shift_limit: Any = (-20, 20),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.hue_shift_limit = check_range("hue_shift_limit", hue_shift_limit, symmetric_around=0.0)
        self.sat_shift_limit = check_range("sat_shift_limit", sat_shift_limit, symmetric_around=0.0)
        self.val_shift_limit = check_range("val_shift_limit", val_shift_limit, symmetric_around=0.0)

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> HueSaturationValueParams:
        return HueSaturationValueParams(
            draw.uniform(rng, *self.hue_shift_limit, n),
            draw.uniform(rng, *self.sat_shift_limit, n),
            draw.uniform(rng, *self.val_shift_limit, n),
        )

    def apply_image(self, img: Any, params: HueSaturationValueParams) -> Any:
        _rgb_or_gray("HueSaturationValue", img)
        check_unit_range("HueSaturationValue", img)
        return F.shift_hsv(img, params.hue_shift, params.sat_shift, params.val_shift)


# ------------------------------------------------------------------------------------------ RGBShift
@dataclass
class RGBShiftParams:
    shift: Any  # (3,) or per sample (N, 3): R, G, B shifts as fractions of the dtype's maximum


def _fraction(limit: tuple[float, float]) -> tuple[float, float]:
    """albumentations' reading of a shift range: 8-bit levels when a bound exceeds 1, else fractions."""
    if abs(limit[0]) > 1 or abs(limit[1]) > 1:
        return (limit[0] / 255.0, limit[1] / 255.0)
    return limit


class RGBShift(_PixelTransform):
    """Randomly shift each of the R, G and B channels by its own amount.

    A range whose bounds lie within [-1, 1] is a fraction of the image's maximum (1 for float32,
    255 for uint8, 65535 for uint16); a range with a bound beyond that is in 8-bit levels (divided
    by 255), as albumentations reads it. A single number ``v`` means ``(-v, v)``. Images with 1 or 2
    channels take the first ranges (R, then G); more than 3 channels are refused. Integers are
    rounded and saturate, float32 is clipped to [0, 1].

    Args:
        r_shift_limit: range of the red shift. Default: (-20, 20).
        g_shift_limit: range of the green shift. Default: (-20, 20).
        b_shift_limit: range of the blue shift. Default: (-20, 20).
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> t = A.RGBShift(r_shift_limit=(20, 20), g_shift_limit=(-20, -20), b_shift_limit=0, p=1)
    >>> t(image=np.array([[[100, 100, 100]]], np.uint8))["image"].tolist()
    [[[120, 80, 100]]]
    """

    Params = RGBShiftParams
    # albumentations 2.0.8's RGBShift is an AdditiveNoise underneath and writes that class's arguments
    # too, all derived from the shift limits: read as the values it writes, anything else refused
    albumentations_args: ClassVar[dict[str, Rule]] = {
        "noise_type": Rule(
            "drop", "albumentations 2.0.8: AdditiveNoise's, fixed by RGBShift", keep_if=("uniform",)
        ),
        "spatial_mode": Rule(
            "drop", "albumentations 2.0.8: AdditiveNoise's, fixed by RGBShift", keep_if=("constant",)
        ),
        "approximation": Rule(
            "drop", "albumentations 2.0.8: AdditiveNoise's, fixed by RGBShift", keep_if=(1.0,)
        ),
        "noise_params": Rule("drop", "albumentations 2.0.8: AdditiveNoise's, derived from the shift limits"),
    }
    identity: ClassVar[dict[str, Any]] = {"shift": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"r_shift_limit": (-20, 20), "g_shift_limit": (-20, 20), "b_shift_limit": (-20, 20)},
            {"r_shift_limit": 0.1, "g_shift_limit": (0, 0.2), "b_shift_limit": (-40, 0)},
        ]

    def __init__(
        self,
        r_shift_limit: Any = (-20, 20),
        g_shift_limit: Any = (-20, 20),
        b_shift_limit: Any = (-20, 20),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.r_shift_limit = check_range("r_shift_limit", r_shift_limit, symmetric_around=0.0)
        self.g_shift_limit = check_range("g_shift_limit", g_shift_limit, symmetric_around=0.0)
        self.b_shift_limit = check_range("b_shift_limit", b_shift_limit, symmetric_around=0.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> RGBShiftParams:
        limits = [_fraction(v) for v in (self.r_shift_limit, self.g_shift_limit, self.b_shift_limit)]
        lo = np.array([v[0] for v in limits])
        hi = np.array([v[1] for v in limits])
        return RGBShiftParams(lo + (hi - lo) * rng.random(3 if n is None else (n, 3)))

    def apply_image(self, img: Any, params: RGBShiftParams) -> Any:
        channels = img.shape[-1]
        if channels > 3:
            raise ValueError(
                f"RGBShift: takes images of 1 to 3 channels (one shift range for each of R, G, B), "
                f"got {channels} channels"
            )
        check_unit_range("RGBShift", img)
        xp = array_namespace(img)
        shift = np.asarray(params.shift, np.float64)[..., :channels] * max_value(xp, img.dtype)
        return F.shift_channels(img, shift)


# --------------------------------------------------------------------------------------- ColorJitter
@dataclass
class ColorJitterParams:
    factors: Any  # (4,) or per sample (N, 4): brightness, contrast, saturation, hue
    order: Any  # (4,) or per sample (N, 4): a permutation of 0..3 (the order of the four steps)


def _jitter_range(name: str, value: Any, hue: bool) -> tuple[float, float]:
    """albumentations' reading: a number ``v`` is ``(max(1 - v, 0), 1 + v)`` (hue: ``(-v, v)``), ``v >= 0``;
    a pair lies within [0, inf) (hue: [-0.5, 0.5])."""
    if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)):
        v = check_number(name, value, 0.0)
        return (0.0 - v, v) if hue else (max(1.0 - v, 0.0), 1.0 + v)
    return check_range(name, value, -0.5, 0.5) if hue else check_range(name, value, 0.0)


class ColorJitter(_PixelTransform):
    """Randomly change brightness, contrast, saturation and hue, in a random order (torchvision's
    ColorJitter, as albumentations 2.0.8 computes it).

    Each factor is drawn from its range: brightness multiplies the image; contrast blends it with
    its mean gray level; saturation blends each pixel with its gray; hue rotates the hue by the
    factor in turns (OpenCV's HSV, 8-bit maths for uint8 as in :class:`HueSaturationValue`). The
    four steps run in a random order, each result saturated into the image's dtype. A number ``v``
    means ``(max(1 - v, 0), 1 + v)`` (hue: ``(-v, v)``). RGB images, or 1-channel ones (brightness
    and contrast only); uint8, uint16 and float32.

    Args:
        brightness: range of the brightness factor, in [0, inf). Default: (0.8, 1.2).
        contrast: range of the contrast factor, in [0, inf). Default: (0.8, 1.2).
        saturation: range of the saturation factor, in [0, inf). Default: (0.8, 1.2).
        hue: range of the hue shift in turns, within [-0.5, 0.5]. Default: (-0.5, 0.5).
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> t = A.ColorJitter(brightness=(1.5, 1.5), contrast=0, saturation=0, hue=0, p=1)
    >>> t(image=np.array([[[200, 100, 0]]], np.uint8))["image"].tolist()
    [[[255, 150, 0]]]
    """

    Params = ColorJitterParams
    identity: ClassVar[dict[str, Any]] = {"factors": F.JITTER_IDENTITY}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"brightness": (0.8, 1.2), "contrast": (0.8, 1.2), "saturation": (0.8, 1.2), "hue": (-0.5, 0.5)},
            {"brightness": 0.4, "contrast": 0, "saturation": (0.0, 2.0), "hue": 0.1},
        ]

    def __init__(
        self,
        brightness: Any = (0.8, 1.2),
        contrast: Any = (0.8, 1.2),
        saturation: Any = (0.8, 1.2),
        hue: Any = (-0.5, 0.5),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness = _jitter_range("brightness", brightness, False)
        self.contrast = _jitter_range("contrast", contrast, False)
        self.saturation = _jitter_range("saturation", saturation, False)
        self.hue = _jitter_range("hue", hue, True)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ColorJitterParams:
        ranges = np.array((self.brightness, self.contrast, self.saturation, self.hue))
        u = rng.random(8 if n is None else (n, 8))
        factors = ranges[:, 0] + (ranges[:, 1] - ranges[:, 0]) * u[..., :4]
        return ColorJitterParams(factors, np.argsort(u[..., 4:], axis=-1))  # a uniform random order

    def apply_image(self, img: Any, params: ColorJitterParams) -> Any:
        _rgb_or_gray("ColorJitter", img)
        check_unit_range("ColorJitter", img)
        return F.color_jitter(img, params.factors, params.order)


# ------------------------------------------------------------------------------------ ChannelDropout
@dataclass
class ChannelDropoutParams:
    dropped: Any  # (C,) or per sample (N, C) booleans: the channels set to ``fill``


class ChannelDropout(_PixelTransform):
    """Randomly set some channels of a multi-channel image to ``fill``.

    The number of dropped channels is drawn from ``channel_drop_range`` (both ends included), then
    that many distinct channels. At least one channel must stay: an image with no more channels
    than ``channel_drop_range[1]`` is refused (a 1-channel image always). ``fill`` is rounded and
    saturated for integer images; the other channels are kept as they are.

    Args:
        channel_drop_range: ``(min, max)`` number of channels to drop, ``1 <= min <= max``.
            Default: (1, 1).
        fill: value of the dropped channels. Default: 0.
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> out = A.ChannelDropout(channel_drop_range=(2, 2), fill=7, p=1)(image=np.full((1, 1, 3), 100, np.uint8))
    >>> sorted(out["image"].ravel().tolist())
    [7, 7, 100]
    """

    Params = ChannelDropoutParams
    albumentations_args: ClassVar[dict[str, Rule]] = {"fill_value": FILL_1X}
    identity: ClassVar[dict[str, Any]] = {"dropped": False}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"channel_drop_range": (1, 1), "fill": 0}, {"channel_drop_range": (1, 2), "fill": 128}]

    def __init__(self, channel_drop_range: Any = (1, 1), fill: float = 0, p: float = 0.5) -> None:
        super().__init__(p)
        lo, hi = check_range("channel_drop_range", channel_drop_range, 1, integer=True)
        self.channel_drop_range = (int(lo), int(hi))
        self.fill = check_number("fill", fill)

    def sample_data(self, rng: np.random.Generator, state: State) -> ChannelDropoutParams | None:
        if not state.images:
            return None
        c = int(next(iter(state.images.values())).shape[-1])
        lo, hi = self.channel_drop_range
        if hi >= c:
            raise ValueError(
                f"ChannelDropout: channel_drop_range={self.channel_drop_range} would drop all {c} channel(s) "
                f"of the image; it needs more than {hi} channels"
            )
        n = state.batch
        k = draw.integers(rng, lo, hi + 1, n)
        if n is None:
            dropped = np.zeros(c, bool)
            dropped[draw.integers(rng, 0, c, None) if k == 1 else rng.permutation(c)[:k]] = True  # k channels
            return ChannelDropoutParams(dropped)
        rank = np.argsort(np.argsort(rng.random((n, c)), axis=-1), axis=-1)  # a random order per sample
        return ChannelDropoutParams(rank < np.asarray(k)[:, None])

    def apply_image(self, img: Any, params: ChannelDropoutParams) -> Any:
        dropped = np.asarray(params.dropped, bool)
        if dropped.shape[-1] != img.shape[-1]:
            raise ValueError(
                "ChannelDropout: all images of one call must have the same channel count "
                f"({dropped.shape[-1]}), got {img.shape[-1]}"
            )
        return F.drop_channels(img, dropped, self.fill)


# --------------------------------------------------------------------------------------------- ToRGB
class ToRGB(_PixelTransform):
    """Replicate a 1-channel (gray) image into ``num_output_channels`` channels.

    A 3-channel image is returned unchanged with a ``UserWarning`` (it is already RGB), as
    albumentations does; other channel counts are refused. An HW image gives HWC. Applies always by
    default (``p=1``); in a batch it must apply to every sample (the channel count changes).

    Args:
        num_output_channels: channels of the output, >= 1. Default: 3.
        p: probability of applying the transform. Default: 1.0.

    >>> import numpy as np, xalbu as A
    >>> A.ToRGB()(image=np.array([[[7]]], np.uint8))["image"].tolist()
    [[[7, 7, 7]]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"num_output_channels": 3}, {"num_output_channels": 4}]

    def __init__(self, num_output_channels: int = 3, p: float = 1.0) -> None:
        super().__init__(p)
        self.num_output_channels = check_int("num_output_channels", num_output_channels, 1)

    def _partial_problem(self, img: Any) -> str | None:
        if img.shape[-1] != 1 or self.num_output_channels == 1:
            return None
        return f"it turns 1-channel images into {self.num_output_channels}-channel ones"

    def apply_image(self, img: Any, params: Any) -> Any:
        channels = img.shape[-1]
        if channels == 3:
            warnings.warn(
                "ToRGB: the image is already RGB (3 channels); returned unchanged", UserWarning, stacklevel=2
            )
            return img
        if channels != 1:
            raise ValueError(f"ToRGB: needs a 1-channel (gray) image, got {channels} channels")
        return F.gray_to_rgb(img, self.num_output_channels)


# ------------------------------------------------------------------------------------------ FancyPCA
@dataclass
class FancyPCAParams:
    alpha: Any  # (C,) or per sample (N, C): the weight of each principal component


class FancyPCA(_PixelTransform):
    """PCA colour augmentation (AlexNet's "fancy PCA") as albumentations 2.0.8 computes it.

    The image's channel covariance (in [0, 1] units) gives eigenvalues ``lambda`` and eigenvectors
    ``V``; each pixel's centred colour ``c`` gets ``V diag(alpha * lambda) c`` added, ``alpha`` drawn
    per image and component from ``N(0, alpha)``; the result is clipped (1 channel:
    ``alpha * std * c``). Any channel count; uint8, uint16 and float32. Eigenvector signs are fixed
    (largest entry positive): albumentations takes LAPACK's, which amounts to flipping the sign of
    some of the (symmetric) ``alpha`` draws.

    Args:
        alpha: standard deviation of the component weights, >= 0. Default: 0.1.
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> img = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    >>> A.FancyPCA(alpha=0.5, p=1)(image=img)["image"].shape
    (8, 8, 3)
    """

    Params = FancyPCAParams
    identity: ClassVar[dict[str, Any]] = {"alpha": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"alpha": 0.1}, {"alpha": 1.0}]

    def __init__(self, alpha: float = 0.1, p: float = 0.5) -> None:
        super().__init__(p)
        self.alpha = check_number("alpha", alpha, 0.0)

    def sample_data(self, rng: np.random.Generator, state: State) -> FancyPCAParams | None:
        if not state.images:
            return None
        c = int(next(iter(state.images.values())).shape[-1])
        n = state.batch
        return FancyPCAParams(rng.normal(0.0, self.alpha, c if n is None else (n, c)))

    def apply_image(self, img: Any, params: FancyPCAParams) -> Any:
        alpha = np.asarray(params.alpha, np.float64)
        if alpha.shape[-1] != img.shape[-1]:
            raise ValueError(
                "FancyPCA: all images of one call must have the same channel count "
                f"({alpha.shape[-1]}), got {img.shape[-1]}"
            )
        check_unit_range("FancyPCA", img)
        return F.fancy_pca(img, alpha)


# ----------------------------------------------------------------------------------- PlanckianJitter
@dataclass
class PlanckianJitterParams:
    temperature: Any  # int kelvin, or per sample (N,)
    gains: Any  # (3,) or per sample (N, 3): the RGB gains of the temperature (green 1)


_WHITE_TEMP = 6000  # the boundary of albumentations' two-sided sampling
_WARM_SIDE = 0.4  # the probability of sampling below it


class PlanckianJitter(_PixelTransform):
    """Recolour an RGB image as if lit by a black body (or a CIE D illuminant) of a random temperature.

    A temperature in kelvin is drawn from ``temperature_limit`` (default: 3000-15000 K for
    ``"blackbody"``, 4000-15000 K for ``"cied"``; it must contain 6000 K): below 6000 K with
    probability 0.4, above otherwise, uniformly or (``sampling_method="gaussian"``) from a
    half-normal around 6000 K with a third of that side's span as its scale; then truncated to whole
    kelvin. Red and blue are multiplied by the illuminant's chromaticity relative to green (the
    published table every 500 K, interpolated). RGB images only; uint8, uint16 and float32.

    Args:
        mode: ``"blackbody"`` or ``"cied"``. Default: "blackbody".
        temperature_limit: ``(min, max)`` temperature in kelvin, or None for the mode's range.
        sampling_method: ``"uniform"`` or ``"gaussian"``. Default: "uniform".
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> t = A.PlanckianJitter(temperature_limit=(6000, 6000), p=1)
    >>> t(image=np.array([[[100, 100, 100]]], np.uint8))["image"].tolist()
    [[[109, 100, 97]]]
    """

    Params = PlanckianJitterParams
    identity: ClassVar[dict[str, Any]] = {"gains": 1.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"mode": "blackbody", "sampling_method": "uniform"},
            {"mode": "cied", "temperature_limit": (5000, 9000), "sampling_method": "gaussian"},
        ]

    def __init__(
        self,
        mode: str = "blackbody",
        temperature_limit: Any = None,
        sampling_method: str = "uniform",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.mode = check_choice("mode", mode, ("blackbody", "cied"))
        self.sampling_method = check_choice("sampling_method", sampling_method, ("uniform", "gaussian"))
        temps = sorted(F.PLANCKIAN_COEFFS[self.mode])
        if temperature_limit is None:
            self.temperature_limit = (temps[0], temps[-1])
        else:
            lo, hi = check_range("temperature_limit", temperature_limit, temps[0], temps[-1], integer=True)
            if not lo <= _WHITE_TEMP <= hi:
                raise ValueError(
                    f"temperature_limit: must contain the white temperature {_WHITE_TEMP} K, got ({lo}, {hi})"
                )
            self.temperature_limit = (int(lo), int(hi))

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> PlanckianJitterParams:
        lo, hi = self.temperature_limit
        side, u = rng.random(2 if n is None else (2, n))
        warm = side < _WARM_SIDE
        if self.sampling_method == "uniform":
            t = np.where(warm, lo + (_WHITE_TEMP - lo) * u, _WHITE_TEMP + (hi - _WHITE_TEMP) * u)
        else:
            spread = np.abs(rng.standard_normal(None if n is None else n))
            t = np.where(
                warm,
                _WHITE_TEMP - spread * (_WHITE_TEMP - lo) / 3,
                _WHITE_TEMP + spread * (hi - _WHITE_TEMP) / 3,
            )
        t = np.clip(t, lo, hi).astype(np.int64)  # albumentations' int(): whole kelvin
        temperature = int(t) if n is None else t
        return PlanckianJitterParams(temperature, F.planckian_gains(temperature, self.mode))

    def apply_image(self, img: Any, params: PlanckianJitterParams) -> Any:
        if img.shape[-1] != 3:
            raise ValueError(f"PlanckianJitter: needs a 3-channel RGB image, got {img.shape[-1]} channels")
        check_unit_range("PlanckianJitter", img)
        return F.scale_channels(img, params.gains)


# ------------------------------------------------------------------------------- ChromaticAberration
@dataclass
class ChromaticAberrationParams:
    coeffs: Any  # (3, 2) or per sample (N, 3, 2): (k1, k2) of R, G (always 0) and B


def _match_sign(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``b`` with the sign of ``a`` (unchanged where either is 0)."""
    return np.where(((a < 0) & (b > 0)) | ((a > 0) & (b < 0)), -b, b)


def _unmatch_sign(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``b`` with the sign opposite to ``a``'s (unchanged where either is 0)."""
    return np.where(((a < 0) & (b < 0)) | ((a > 0) & (b > 0)), -b, b)


class ChromaticAberration(_PixelTransform):
    """Lens chromatic aberration: the red and blue channels each go through a radial distortion of
    their own (OpenCV's camera model, focal length the image size, centre in the middle; replicated
    borders), green stays.

    The primary (``k1``) and secondary (``k2``) coefficients are drawn per channel (a number ``v``
    means ``(-v, v)``); each channel's ``k2`` takes its ``k1``'s sign; ``mode="green_purple"`` gives
    red and blue the same signs, ``"red_blue"`` opposite ones, ``"random"`` leaves them. RGB images
    only; ``interpolation`` 0 (nearest), 1 (linear) or 2 (cubic).

    Args:
        primary_distortion_limit: range of ``k1``. Default: (-0.02, 0.02).
        secondary_distortion_limit: range of ``k2``. Default: (-0.05, 0.05).
        mode: ``"green_purple"``, ``"red_blue"`` or ``"random"``. Default: "green_purple".
        interpolation: OpenCV code of the resampling. Default: 1 (linear).
        p: probability of applying the transform. Default: 0.5.

    >>> import numpy as np, xalbu as A
    >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> out = A.ChromaticAberration(p=1)(image=img)["image"]
    >>> bool((out[..., 1] == img[..., 1]).all())  # green stays
    True
    """

    Params = ChromaticAberrationParams
    identity: ClassVar[dict[str, Any]] = {"coeffs": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"primary_distortion_limit": (-0.02, 0.02), "secondary_distortion_limit": (-0.05, 0.05)},
            {
                "primary_distortion_limit": 0.3,
                "secondary_distortion_limit": 0.2,
                "mode": "red_blue",
                "interpolation": 2,
            },
        ]

    def __init__(
        self,
        primary_distortion_limit: Any = (-0.02, 0.02),
        secondary_distortion_limit: Any = (-0.05, 0.05),
        mode: str = "green_purple",
        interpolation: int = 1,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.primary_distortion_limit = check_range(
            "primary_distortion_limit", primary_distortion_limit, symmetric_around=0.0
        )
        self.secondary_distortion_limit = check_range(
            "secondary_distortion_limit", secondary_distortion_limit, symmetric_around=0.0
        )
        self.mode = check_choice("mode", mode, ("green_purple", "red_blue", "random"))
        self.interpolation = check_interpolation("interpolation", interpolation, F.RADIAL_INTERPOLATIONS)

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> ChromaticAberrationParams:
        (p_lo, p_hi), (s_lo, s_hi) = self.primary_distortion_limit, self.secondary_distortion_limit
        u = rng.random(4 if n is None else (4, n))
        pr, pb = p_lo + (p_hi - p_lo) * u[0], p_lo + (p_hi - p_lo) * u[2]
        sr = _match_sign(pr, s_lo + (s_hi - s_lo) * u[1])
        sb = _match_sign(pb, s_lo + (s_hi - s_lo) * u[3])
        if self.mode == "green_purple":
            pb, sb = _match_sign(pr, pb), _match_sign(sr, sb)
        elif self.mode == "red_blue":
            pb, sb = _unmatch_sign(pr, pb), _unmatch_sign(sr, sb)
        zero = np.zeros_like(pr)
        coeffs = np.stack([np.stack([pr, sr], -1), np.stack([zero, zero], -1), np.stack([pb, sb], -1)], -2)
        return ChromaticAberrationParams(coeffs)

    def apply_image(self, img: Any, params: ChromaticAberrationParams) -> Any:
        if img.shape[-1] != 3:
            raise ValueError(
                f"ChromaticAberration: needs a 3-channel RGB image, got {img.shape[-1]} channels"
            )
        check_unit_range("ChromaticAberration", img)
        return F.radial_distort(img, params.coeffs, self.interpolation)


from ._color_stain import ChannelSwap, HEStain, PhotoMetricDistort  # noqa: E402 - kept apart (file size); declares this module its own
