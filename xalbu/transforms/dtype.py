"""Dtype transforms: normalisation to float32 and conversions between integer and float images.

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.dtype` (per-image normalisation:
:func:`normalize_per_image`). They change the output dtype, so in a batch they apply to every
sample or raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import array_namespace

from ..core.validation import check_choice, check_number
from ..functional import dtype as F
from ..functional._common import channel_values
from ..functional._utils import check_unit_range, clip, dtype_name, finite_mean, max_value, where_finite
from ._common import _PixelTransform

__all__ = ["FromFloat", "Normalize", "ToFloat"]

NORMALIZATIONS = ("standard", "image", "image_per_channel", "min_max", "min_max_per_channel")


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
        mean, std: per-channel sequences or single numbers. As in albumentations, a sequence with
            more values than the image has channels gives its first ones, and one with fewer (the
            default 3 values on a gray or a 5-channel image) gives its first value to every channel.
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

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        top = {"uint8": 255.0, "uint16": 65535.0}.get(dtype, 1.0)
        return [
            {"mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225), "max_pixel_value": top},
            {"mean": 0.5, "std": 0.25, "max_pixel_value": None},
            {"normalization": "min_max_per_channel", "mean": None, "std": None},
        ]

    def output_dtype(self, dtype: str) -> str:
        return "float32"

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
        channels = img.shape[-1]  # albumentations' reading of mean/std for this channel count
        mean, std = channel_values(self.mean, channels), channel_values(self.std, channels)
        mpv = self.max_pixel_value
        if mpv is None:
            mpv = max_value(array_namespace(img), img.dtype)
        return F.normalize(img, mean, std, mpv)


# ----------------------------------------------------------------------------------- ToFloat/FromFloat
class ToFloat(_PixelTransform):
    """Convert to float32 ``img / max_value`` (``None``: the dtype's max, e.g. 255 for uint8).

    >>> import numpy as np, xalbu as A
    >>> out = A.ToFloat()(image=np.array([[0, 51, 255]], np.uint8))["image"]
    >>> out.dtype.name, out.astype(float).round(6).tolist()
    ('float32', [[0.0, 0.2, 1.0]])
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"max_value": None}, {"max_value": 1000.0}]

    def output_dtype(self, dtype: str) -> str:
        return "float32"

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
    dtype's max (255 for uint8). The input is expected in [0, 1]: a float image far outside it (a
    0-255 one) is refused with a ``ValueError``; +inf saturates, -inf and NaN give 0.

    >>> import numpy as np, xalbu as A
    >>> A.FromFloat(dtype="uint8")(image=np.array([[0.0, 0.2, 1.0]], np.float32))["image"].tolist()
    [[0, 51, 255]]
    """

    input_dtypes = ("float32",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"dtype": "uint8", "max_value": None}, {"dtype": "uint16", "max_value": 1000.0}]

    def output_dtype(self, dtype: str) -> str:
        return np.dtype(self.dtype).name

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
        check_unit_range(type(self).__name__, img)
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
    clipped to [0, 1]; ``"min_max_per_channel"``: the same per channel. The statistics of a float
    image are taken over its finite values (an infinite or NaN pixel changes no other pixel: +inf
    gives 20 or 1, -inf -20 or 0, NaN stays NaN). Array-API only.
    """
    xp = array_namespace(img)
    x = xp.astype(img, xp.float32)
    axes = (-3, -2) if normalization.endswith("per_channel") else (-3, -2, -1)
    floating = xp.isdtype(img.dtype, "real floating")  # only float images can hold inf or NaN
    if normalization in ("image", "image_per_channel"):
        mean = finite_mean(xp, x, axes) if floating else xp.mean(x, axis=axes, keepdims=True)
        with np.errstate(invalid="ignore"):  # inf - inf inside std: NaN, replaced below (no warning)
            std = xp.std(x, axis=axes, keepdims=True)
        if floating:
            std = where_finite(xp, std, lambda: _finite_std(xp, x, mean, axes))
        return clip(xp, (x - mean) / (std + NORMALIZE_EPS), -20.0, 20.0)
    if normalization in ("min_max", "min_max_per_channel"):
        lo = xp.min(x, axis=axes, keepdims=True)
        hi = xp.max(x, axis=axes, keepdims=True)
        if floating:
            fin = xp.isfinite(x)
            lo = where_finite(
                xp, lo, lambda: xp.min(xp.where(fin, x, float("inf")), axis=axes, keepdims=True)
            )
            hi = where_finite(
                xp, hi, lambda: xp.max(xp.where(fin, x, -float("inf")), axis=axes, keepdims=True)
            )
        return clip(xp, (x - lo) / (hi - lo + NORMALIZE_EPS), 0.0, 1.0)
    raise ValueError(f"normalization: expected one of {list(NORMALIZATIONS[1:])}, got {normalization!r}")


def _finite_std(xp: Any, x: Any, mean: Any, axes: tuple[int, ...]) -> Any:
    """The standard deviation of the finite values of ``x`` around their ``mean`` (0 if none)."""
    fin = xp.isfinite(x)
    n = xp.sum(xp.astype(fin, x.dtype), axis=axes, keepdims=True)
    d = xp.where(fin, x - mean, 0.0)
    return xp.sqrt(xp.sum(d * d, axis=axes, keepdims=True) / xp.maximum(n, 1.0))
