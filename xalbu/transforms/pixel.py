"""Point-wise pixel transforms: normalisation, brightness/contrast, gamma, gray, invert, solarize,
posterize, channel shuffle and dtype conversions.

Each class is an :class:`ImageOnlyTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.pixel`. Where an identity parameter
exists (``gamma=1``, ``alpha=1, beta=0``...) a batch runs the samples that are not applied
through the same kernel with that identity instead of computing and blending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.state import State
from ..core.transform import ImageOnlyTransform
from ..core.validation import check_choice, check_int, check_number, check_range
from ..functional import pixel as F
from ..functional._utils import dtype_name, max_value

__all__ = [
    "ChannelShuffle",
    "FromFloat",
    "InvertImg",
    "Normalize",
    "Posterize",
    "RandomBrightnessContrast",
    "RandomGamma",
    "Solarize",
    "ToFloat",
    "ToGray",
]

NORMALIZATIONS = ("standard", "image", "image_per_channel", "min_max", "min_max_per_channel")


class _PixelTransform(ImageOnlyTransform):
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


def _dtype_change(img: Any, target: str) -> str | None:
    name = dtype_name(array_namespace(img), img.dtype)
    return None if name == target else f"it turns {name} images into {target}"


def _values(name: str, value: Any, positive: bool = False) -> float | tuple[float, ...]:
    """A number or a per-channel tuple of numbers (``positive``: all > 0)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) == 0:
            raise ValueError(f"{name}: expected a number or a non-empty per-channel sequence, got {value!r}")
        out: float | tuple[float, ...] = tuple(check_number(f"{name}[{i}]", v) for i, v in enumerate(value))
    else:
        out = check_number(name, value)
    if positive and any(v <= 0 for v in np.atleast_1d(out)):
        raise ValueError(f"{name}: expected values > 0, got {value!r}")
    return out


# ---------------------------------------------------------------------------------------- Normalize
class Normalize(_PixelTransform):
    """Normalise to float32: ``(img - mean * max_pixel_value) / (std * max_pixel_value)``.

    Args:
        mean, std: per-channel sequences (one value per channel) or single numbers.
        max_pixel_value: the value of full intensity; ``None`` means the dtype's maximum (255 for
            uint8, 65535 for uint16, 1 for float32).
        normalization: ``"standard"`` (the formula above), ``"image"`` / ``"image_per_channel"``
            (subtract the image's own mean, divide by its std + 1e-4, clipped to [-20, 20]),
            ``"min_max"`` / ``"min_max_per_channel"`` (scale the image's own range to [0, 1]). Image
            statistics are per sample in a batch; ``mean``/``std``/``max_pixel_value`` are used by
            ``"standard"`` only.
        p: probability.

    >>> import numpy as np, xalbu as A
    >>> img = np.array([[[0, 255]]], np.uint8)
    >>> A.Normalize(mean=0.5, std=0.5)(image=img)["image"].tolist()
    [[[-1.0, 1.0]]]
    """

    def __init__(
        self,
        mean: Any = (0.485, 0.456, 0.406),
        std: Any = (0.229, 0.224, 0.225),
        max_pixel_value: float | None = 255.0,
        normalization: str = "standard",
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.normalization = check_choice("normalization", normalization, NORMALIZATIONS)
        standard = normalization == "standard"
        if standard and (mean is None or std is None):
            raise ValueError('mean, std: required for normalization="standard"')
        self.mean = None if mean is None else _values("mean", mean)
        self.std = None if std is None else _values("std", std, positive=True)
        if max_pixel_value is not None:
            max_pixel_value = check_number("max_pixel_value", max_pixel_value)
            if max_pixel_value <= 0:
                raise ValueError(f"max_pixel_value: expected a value > 0 or None, got {max_pixel_value:g}")
        self.max_pixel_value = max_pixel_value

    def _partial_problem(self, img: Any) -> str | None:
        return _dtype_change(img, "float32")

    def apply_image(self, img: Any, params: Any) -> Any:
        if self.normalization != "standard":
            return normalize_per_image(img, self.normalization)
        channels = img.shape[-1]
        for name in ("mean", "std"):
            value = getattr(self, name)
            if isinstance(value, tuple) and len(value) not in (1, channels):
                raise ValueError(
                    f"Normalize: {name} has {len(value)} values but the image has {channels} channel(s); "
                    f"pass one value per channel or a single number"
                )
        mpv = self.max_pixel_value
        if mpv is None:
            mpv = max_value(array_namespace(img), img.dtype)
        return F.normalize(img, self.mean, self.std, mpv)


# -------------------------------------------------------------------------- RandomBrightnessContrast
@dataclass
class BrightnessContrastParams:
    alpha: Any  # contrast factor 1 + c
    beta: Any  # brightness, as a fraction of the dtype's max (by_max) or of the image mean
    by_max: bool


class RandomBrightnessContrast(_PixelTransform):
    """Random brightness and contrast: ``img * alpha + beta * M``.

    ``alpha = 1 + c`` with ``c`` drawn from ``contrast_limit``, ``beta`` drawn from ``brightness_limit``;
    ``M`` is the dtype's max (``brightness_by_max=True``) or the image's mean. A single number ``v``
    means ``(-v, v)``. ``ensure_safe_range`` shrinks ``alpha``/``beta`` so that no pixel saturates
    (needs the image mean on the host when ``brightness_by_max=False``).

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomBrightnessContrast(brightness_limit=(0.1, 0.1), contrast_limit=0, p=1)
    >>> t(image=np.array([[0, 100]], np.uint8))["image"].tolist()
    [[26, 126]]
    """

    identity: ClassVar[dict[str, Any]] = {"alpha": 1.0, "beta": 0.0}

    def __init__(
        self,
        brightness_limit: Any = (-0.2, 0.2),
        contrast_limit: Any = (-0.2, 0.2),
        brightness_by_max: bool = True,
        ensure_safe_range: bool = False,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness_limit = check_range("brightness_limit", brightness_limit, symmetric_around=0.0)
        self.contrast_limit = check_range("contrast_limit", contrast_limit, symmetric_around=0.0)
        self.brightness_by_max = bool(brightness_by_max)
        self.ensure_safe_range = bool(ensure_safe_range)

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> BrightnessContrastParams:
        alpha = 1.0 + draw.uniform(rng, *self.contrast_limit, n)
        beta = draw.uniform(rng, *self.brightness_limit, n)
        return BrightnessContrastParams(alpha, beta, self.brightness_by_max)

    def sample_data(self, rng: np.random.Generator, state: State) -> BrightnessContrastParams:
        params = self.sample(rng, state.shape, state.batch)
        if not self.ensure_safe_range:
            return params
        alpha, beta = np.asarray(params.alpha), np.asarray(params.beta)
        if not self.brightness_by_max:
            # beta * mean, expressed as a fraction of the dtype's max (then the kernel scales by max)
            beta = beta * _relative_means(next(iter(state.images.values()))) if state.images else beta
        safe_alpha, safe_beta = _safe_alpha_beta(alpha, beta)
        if state.batch is None:
            safe_alpha, safe_beta = float(safe_alpha), float(safe_beta)
        return BrightnessContrastParams(safe_alpha, safe_beta, True)

    def apply_image(self, img: Any, params: BrightnessContrastParams) -> Any:
        return F.brightness_contrast(img, params.alpha, params.beta, params.by_max)


def _safe_alpha_beta(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """albumentations' safe range, in units of the dtype's max: keeps ``x * alpha + beta`` in [0, 1]."""
    pos_beta = np.clip(beta, 0.0, 1.0)
    neg_beta = np.minimum(beta, 1.0)
    safe_beta = np.where(alpha > 0, pos_beta, neg_beta)
    safe_alpha = np.where(alpha > 0, np.minimum(alpha, 1.0 - pos_beta), np.maximum(alpha, -neg_beta))
    return safe_alpha, safe_beta


# -------------------------------------------------------------------------------------- RandomGamma
@dataclass
class GammaParams:
    gamma: Any


class RandomGamma(_PixelTransform):
    """Random gamma: ``max * (img / max) ** gamma`` with ``gamma = value / 100``.

    ``gamma_limit``: ``(low, high)`` in percent (``(80, 120)`` means gamma in [0.8, 1.2]); a single
    number ``v`` means the range between 1 and ``v`` as albumentations reads it.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomGamma(gamma_limit=(200, 200), p=1)
    >>> t(image=np.array([[0, 128, 255]], np.uint8))["image"].tolist()
    [[0, 64, 255]]
    """

    identity: ClassVar[dict[str, Any]] = {"gamma": 1.0}

    def __init__(self, gamma_limit: Any = (80, 120), p: float = 0.5) -> None:
        super().__init__(p)
        if isinstance(gamma_limit, Real) and not isinstance(gamma_limit, bool):
            gamma_limit = tuple(sorted((1.0, float(gamma_limit))))
        self.gamma_limit = check_range("gamma_limit", gamma_limit, 0.0)
        if self.gamma_limit[0] <= 0:
            raise ValueError(f"gamma_limit: expected values > 0, got {self.gamma_limit}")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GammaParams:
        return GammaParams(draw.uniform(rng, *self.gamma_limit, n) / 100.0)

    def apply_image(self, img: Any, params: GammaParams) -> Any:
        return F.gamma(img, params.gamma)


# ------------------------------------------------------------------------------------------- ToGray
class ToGray(_PixelTransform):
    """Convert to gray and replicate the gray plane into ``num_output_channels`` channels.

    ``method``: ``"weighted_average"`` (0.299 R + 0.587 G + 0.114 B) and ``"luminance"``
    (0.2126 R + 0.7152 G + 0.0722 B) need RGB input; ``"average"``, ``"max"`` and
    ``"desaturation"`` ((max + min) / 2) take any channel count. A single-channel image is already
    gray and is returned unchanged (as albumentations does).

    >>> import numpy as np, xalbu as A
    >>> A.ToGray(p=1)(image=np.array([[[255, 0, 0]]], np.uint8))["image"].tolist()
    [[[76, 76, 76]]]
    """

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
        if self.method in F.GRAY_WEIGHTS and channels != 3:
            raise ValueError(
                f"ToGray: method={self.method!r} needs a 3-channel RGB image, got {channels} channels; "
                'use method="average", "max" or "desaturation" for other channel counts'
            )
        return F.to_gray(img, self.method, self.num_output_channels)


# ---------------------------------------------------------------------------------------- InvertImg
class InvertImg(_PixelTransform):
    """Invert: ``max - img`` (255 for uint8, 65535 for uint16, 1.0 for float32).

    >>> import numpy as np, xalbu as A
    >>> A.InvertImg(p=1)(image=np.array([[0, 10, 255]], np.uint8))["image"].tolist()
    [[255, 245, 0]]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply_image(self, img: Any, params: Any) -> Any:
        return F.invert(img)


# ------------------------------------------------------------------------------------------ Solarize
@dataclass
class SolarizeParams:
    threshold: Any  # fraction of the dtype's max


class Solarize(_PixelTransform):
    """Invert the pixels at or above ``threshold * max``; ``threshold`` drawn from ``threshold_range``.

    ``threshold_range``: ``(low, high)`` within [0, 1] (a single number ``t`` means ``(t, t)``).

    >>> import numpy as np, xalbu as A
    >>> t = A.Solarize(threshold_range=(0.5, 0.5), p=1)
    >>> t(image=np.array([[100, 127, 128, 200]], np.uint8))["image"].tolist()
    [[100, 127, 127, 55]]
    """

    identity: ClassVar[dict[str, Any]] = {"threshold": float("inf")}

    def __init__(self, threshold_range: Any = (0.5, 0.5), p: float = 0.5) -> None:
        super().__init__(p)
        self.threshold_range = check_range("threshold_range", threshold_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SolarizeParams:
        return SolarizeParams(draw.uniform(rng, *self.threshold_range, n))

    def apply_image(self, img: Any, params: SolarizeParams) -> Any:
        return F.solarize(img, params.threshold)


# ----------------------------------------------------------------------------------------- Posterize
@dataclass
class PosterizeParams:
    bits: Any  # int, (N,), per channel (C,) or (N, C)


class Posterize(_PixelTransform):
    """Keep the ``bits`` high bits of each value (counted on the 8-bit scale).

    ``num_bits``: an int in [0, 8]; a ``(low, high)`` pair (one value drawn per image, inclusive); or
    per channel a list of ints or ``(low, high)`` pairs (``[r, g, b]`` / ``[(r1, r2), (g1, g2), ...]``).

    >>> import numpy as np, xalbu as A
    >>> A.Posterize(num_bits=2, p=1)(image=np.array([[255, 129, 63]], np.uint8))["image"].tolist()
    [[192, 128, 0]]
    """

    def __init__(self, num_bits: Any = 4, p: float = 0.5) -> None:
        super().__init__(p)
        self.num_bits = _check_num_bits(num_bits)

    def _ranges(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """(low, high, per_channel) of the bit ranges."""
        nb = self.num_bits
        if isinstance(nb, int):
            return np.array(nb), np.array(nb), False
        if isinstance(nb, tuple):
            return np.array(nb[0]), np.array(nb[1]), False
        pairs = np.array([(b, b) if isinstance(b, int) else b for b in nb], np.int64)
        return pairs[:, 0], pairs[:, 1], True

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PosterizeParams:
        lo, hi, per_channel = self._ranges()
        if per_channel:
            bits = rng.integers(lo, hi + 1, size=None if n is None else (n, len(lo)))
            return PosterizeParams(bits)
        return PosterizeParams(draw.integers(rng, int(lo), int(hi) + 1, n))

    def apply_image(self, img: Any, params: PosterizeParams) -> Any:
        bits = np.asarray(params.bits)
        per_channel = not isinstance(self.num_bits, (int, tuple))
        if per_channel and bits.shape[-1] != img.shape[-1]:
            raise ValueError(
                f"Posterize: num_bits gives {bits.shape[-1]} per-channel values but the image has "
                f"{img.shape[-1]} channel(s)"
            )
        return F.posterize(img, params.bits)


def _check_num_bits(value: Any) -> int | tuple[int, int] | list[int | tuple[int, int]]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = list(value)
        if len(items) == 2 and all(not isinstance(v, Sequence) for v in items):
            return check_range("num_bits", items, 0, 8, integer=True)  # type: ignore[return-value]
        if not items:
            raise ValueError("num_bits: expected an int, a (low, high) pair or a per-channel list, got []")
        out: list[int | tuple[int, int]] = []
        for i, v in enumerate(items):
            if isinstance(v, Sequence) and not isinstance(v, str):
                out.append(check_range(f"num_bits[{i}]", v, 0, 8, integer=True))  # type: ignore[arg-type]
            else:
                out.append(check_int(f"num_bits[{i}]", v, 0, 8))
        return out
    return check_int("num_bits", value, 0, 8)


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


# ----------------------------------------------------------------------------------- ToFloat/FromFloat
class ToFloat(_PixelTransform):
    """Convert to float32 ``img / max_value`` (``None``: the dtype's max, e.g. 255 for uint8).

    >>> import numpy as np, xalbu as A
    >>> out = A.ToFloat()(image=np.array([[0, 51, 255]], np.uint8))["image"]
    >>> out.dtype.name, out.astype(float).round(6).tolist()
    ('float32', [[0.0, 0.2, 1.0]])
    """

    def __init__(self, max_value: float | None = None, p: float = 1.0) -> None:
        super().__init__(p)
        self.max_value = None if max_value is None else _positive("max_value", max_value)

    def _partial_problem(self, img: Any) -> str | None:
        return _dtype_change(img, "float32")

    def apply_image(self, img: Any, params: Any) -> Any:
        return F.to_float(img, self.max_value)


class FromFloat(_PixelTransform):
    """Convert float images to ``dtype``: ``img * max_value``, rounded and saturated.

    ``dtype``: ``"uint8"``, ``"uint16"`` or ``"float32"``; ``max_value`` ``None`` means the target
    dtype's max (255 for uint8).

    >>> import numpy as np, xalbu as A
    >>> A.FromFloat(dtype="uint8")(image=np.array([[0.0, 0.2, 1.0]], np.float32))["image"].tolist()
    [[0, 51, 255]]
    """

    def __init__(self, dtype: str = "uint8", max_value: float | None = None, p: float = 1.0) -> None:
        super().__init__(p)
        if not isinstance(dtype, str):  # np.uint8 / np.dtype("uint8") -> "uint8"
            try:
                dtype = np.dtype(dtype).name
            except TypeError:
                raise TypeError(f"dtype: expected one of {list(F.OUTPUT_DTYPES)}, got {dtype!r}") from None
        self.dtype = check_choice("dtype", dtype, F.OUTPUT_DTYPES)
        self.max_value = None if max_value is None else _positive("max_value", max_value)

    def _partial_problem(self, img: Any) -> str | None:
        return _dtype_change(img, self.dtype)

    def apply_image(self, img: Any, params: Any) -> Any:
        return F.from_float(img, self.dtype, self.max_value)


def _positive(name: str, value: Any) -> float:
    v = check_number(name, value)
    if v <= 0:
        raise ValueError(f"{name}: expected a value > 0 or None, got {v:g}")
    return v


# ---------------------------------------------------------------------------- kernel-like helpers
NORMALIZE_EPS = 1e-4


def normalize_per_image(img: Any, normalization: str) -> Any:
    """Normalise each image (each sample of an NHWC batch) by its own statistics, as float32.

    ``"image"``: ``(x - mean) / (std + 1e-4)`` over H, W and C, clipped to [-20, 20];
    ``"image_per_channel"``: the same per channel; ``"min_max"``: ``(x - min) / (max - min + 1e-4)``
    clipped to [0, 1]; ``"min_max_per_channel"``: the same per channel. Array-API only.
    """
    xp = array_namespace(img)
    x = xp.astype(img, xp.float32)
    axes = (-3, -2) if normalization.endswith("per_channel") else (-3, -2, -1)
    if normalization in ("image", "image_per_channel"):
        mean = xp.mean(x, axis=axes, keepdims=True)
        std = xp.std(x, axis=axes, keepdims=True)
        return xp.clip((x - mean) / (std + NORMALIZE_EPS), -20.0, 20.0)
    if normalization in ("min_max", "min_max_per_channel"):
        lo = xp.min(x, axis=axes, keepdims=True)
        hi = xp.max(x, axis=axes, keepdims=True)
        return xp.clip((x - lo) / (hi - lo + NORMALIZE_EPS), 0.0, 1.0)
    raise ValueError(f"normalization: expected one of {list(NORMALIZATIONS[1:])}, got {normalization!r}")


def _relative_means(img: Any) -> Any:
    """Host mean of each image (a float, or (N,) for a batch) as a fraction of the dtype's max."""
    xp = array_namespace(img)
    m = xp.mean(xp.astype(img, xp.float32), axis=(-3, -2, -1)) / max_value(xp, img.dtype)
    if m.ndim == 0:
        return float(m)
    return np.array([float(m[i]) for i in range(m.shape[0])])
