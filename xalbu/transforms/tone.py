"""Tone transforms: brightness/contrast, gamma, solarize, posterize, inversion; the histogram
equalisations (CLAHE, Equalize, AutoContrast); tone curves (RandomToneCurve); uneven lighting
(Illumination, PlasmaBrightnessContrast); and AlbumentationsX's extras (Vignetting, Dithering,
Halftone), defined in :mod:`._tone_extras` and re-exported here.

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.tone`. Where an identity parameter
exists (``gamma=1``, ``alpha=1, beta=0``...) a batch runs the samples that are not applied
through the same kernel with that identity instead of computing and blending.

Their maths assumes float images in [0, 1]: each refuses a float image far outside it (a 0-255
one) with :func:`~xalbu.functional._utils.check_unit_range` before its kernel runs (host arrays
only; see that module for the rules, non-finite pixels included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.compat import Rule
from ..core.state import State
from ..core.validation import check_bool, check_choice, check_int, check_number, check_range
from ..functional import tone as F
from ..functional._utils import _ONE_F32_BITS, check_unit_range, finite_mean, max_value
from ._common import _PixelTransform
from ._tone_extras import (  # noqa: F401 - the extras, kept apart (file size)
    Dithering,
    DitheringParams,
    Halftone,
    HalftoneParams,
    Vignetting,
    VignettingParams,
)

__all__ = [
    "CLAHE",
    "AutoContrast",
    "Dithering",
    "Equalize",
    "Halftone",
    "Illumination",
    "InvertImg",
    "PlasmaBrightnessContrast",
    "Posterize",
    "RandomBrightnessContrast",
    "RandomGamma",
    "RandomToneCurve",
    "Solarize",
    "Vignetting",
]


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

    Params = BrightnessContrastParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"brightness_limit": (-0.2, 0.2), "contrast_limit": (-0.2, 0.2)},
            {"brightness_limit": 0.3, "brightness_by_max": False, "ensure_safe_range": True},
        ]

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
        self.brightness_by_max = check_bool("brightness_by_max", brightness_by_max)
        self.ensure_safe_range = check_bool("ensure_safe_range", ensure_safe_range)

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
        check_unit_range(type(self).__name__, img)
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

    Params = GammaParams
    albumentations_args = {
        "eps": Rule("drop", "albumentations 1.x: deprecated and unused", keep_if=(None, 1e-7))
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"gamma_limit": (80, 120)}, {"gamma_limit": 130}]

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
        check_unit_range(type(self).__name__, img)
        return F.gamma(img, params.gamma)


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
        if type(img) is np.ndarray and img.dtype == np.float32:
            # one pass decides both the range check and the saturation: 1 - x lies in [+0, 1] (bit
            # patterns up to 1.0's) exactly when x does, with no infinity or NaN
            out = np.subtract(np.float32(1.0), img)
            if int(out.view(np.uint32).max()) <= _ONE_F32_BITS:
                return out
        check_unit_range(type(self).__name__, img)
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

    Params = SolarizeParams
    albumentations_args = {
        "threshold": Rule(
            "drop",
            "albumentations 1.x: the threshold in uint8 levels (default 128, saved as [128, 128]); 2.x takes "
            "threshold_range as a fraction of the maximum. 128 is what the default threshold_range "
            "(0.5, 0.5) does on uint8 images (levels >= 128 invert), so only it is read; give other "
            "thresholds as threshold_range",
            keep_if=(None, 128, [128, 128]),
        )
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"threshold_range": (0.5, 0.5)}, {"threshold_range": (0.2, 0.8)}]

    identity: ClassVar[dict[str, Any]] = {"threshold": float("nan")}  # nothing is >= NaN, not even +inf

    def __init__(self, threshold_range: Any = (0.5, 0.5), p: float = 0.5) -> None:
        super().__init__(p)
        self.threshold_range = check_range("threshold_range", threshold_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SolarizeParams:
        return SolarizeParams(draw.uniform(rng, *self.threshold_range, n))

    def apply_image(self, img: Any, params: SolarizeParams) -> Any:
        check_unit_range(type(self).__name__, img)
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

    Params = PosterizeParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"num_bits": 4}, {"num_bits": (3, 6)}, {"num_bits": [2, (3, 5), 4]}]

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
        check_unit_range(type(self).__name__, img)
        return F.posterize(img, params.bits)


# ---------------------------------------------------------------------------------------------- CLAHE
def _check_one_plus_range(name: str, value: Any) -> tuple[float, float]:
    """albumentations' "1+" range: a single number ``v`` means ``(1, v)`` (or ``(v, 1)``); all >= 1."""
    if isinstance(value, Real) and not isinstance(value, bool):
        value = tuple(sorted((1.0, check_range(name, value)[0])))
    return check_range(name, value, 1.0)


def _check_channels(name: str, img: Any, allowed: tuple[int, ...], what: str) -> None:
    c = int(img.shape[-1])
    if c not in allowed:
        raise ValueError(f"{name}: expected {what}, got {c} channels")


@dataclass
class CLAHEParams:
    clip_limit: Any


class CLAHE(_PixelTransform):
    """Contrast Limited Adaptive Histogram Equalization, OpenCV's, on the grid of ``tile_grid_size`` tiles.

    ``clip_limit``: the range the clip limit is drawn from (a single number ``v`` means ``(1, v)``;
    values >= 1). ``tile_grid_size``: the number of tiles as OpenCV's ``Size``, ``(columns, rows)``
    (albumentations passes it to OpenCV unchanged, whatever its docstring says).

    Grayscale images are equalised as they are; RGB images on the L of CIE Lab (OpenCV's 8-bit Lab
    for uint8 and float32), as albumentations does. uint8 works on 256 levels and uint16 on 65536
    (16-bit RGB through a float Lab: OpenCV has none); float32 images go through uint8 levels
    (``rint(x * 255)``, then ``/ 255``) as in albumentations. Other channel counts are refused.

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> t = A.CLAHE(clip_limit=(4, 4), tile_grid_size=(1, 1), p=1)
    >>> t(image=img)["image"][0].tolist()
    [16, 32, 48, 64]
    """

    Params = CLAHEParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"clip_limit": (1.0, 4.0), "tile_grid_size": (8, 8)},
            {"clip_limit": 2.0, "tile_grid_size": (4, 6)},
        ]

    def __init__(self, clip_limit: Any = 4.0, tile_grid_size: Any = (8, 8), p: float = 0.5) -> None:
        super().__init__(p)
        self.clip_limit = _check_one_plus_range("clip_limit", clip_limit)
        if (
            not (isinstance(tile_grid_size, Sequence) and not isinstance(tile_grid_size, str))
            or len(tile_grid_size) != 2
        ):
            raise TypeError(
                f"tile_grid_size: expected a (columns, rows) pair of integers, got {tile_grid_size!r}"
            )
        self.tile_grid_size = tuple(
            check_int(f"tile_grid_size[{i}]", v, 1) for i, v in enumerate(tile_grid_size)
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CLAHEParams:
        return CLAHEParams(draw.uniform(rng, *self.clip_limit, n))

    def apply_image(self, img: Any, params: CLAHEParams) -> Any:
        _check_channels("CLAHE", img, (1, 3), "a grayscale or an RGB (3-channel) image")
        check_unit_range(type(self).__name__, img)
        columns, rows = self.tile_grid_size
        return F.clahe(img, params.clip_limit, (rows, columns))


# ------------------------------------------------------------------------------------------ Equalize
@dataclass
class EqualizeParams:
    mask: Any  # None, or (H, W, 1 or P) shared / (N, H, W, 1 or P) per sample (non-zero: counted)


class Equalize(_PixelTransform):
    """Histogram equalisation, OpenCV's (``mode="cv"``) or albumentations' Pillow-like one (``"pil"``).

    ``by_channels=True`` equalises each channel on its own; ``False`` equalises the Y of YCrCb
    (RGB images; OpenCV's integer conversion both ways). ``mask``: ``None``, an array (``(H, W)`` or
    ``(H, W, C)``; non-zero pixels make the histograms, the table then maps every pixel), or a
    function returning one, called with ``image=`` and the data named in ``mask_params``.

    uint8 works on 256 levels and uint16 on 65536; float32 on uint8 levels (``rint(x * 255)``, then
    ``/ 255``) as albumentations. Any channel count with ``by_channels=True``; ``by_channels=False``
    needs one or three channels. One level present (or an empty mask): the image is unchanged.

    >>> import numpy as np, xalbu as A
    >>> A.Equalize(p=1)(image=np.array([[0, 0, 100, 200]], np.uint8))["image"].tolist()
    [[0, 0, 128, 255]]
    """

    Params = EqualizeParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"mode": "cv", "by_channels": True}, {"mode": "pil", "by_channels": False}]

    def __init__(
        self,
        mode: str = "cv",
        by_channels: bool = True,
        mask: Any = None,
        mask_params: Sequence[str] = (),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.mode = check_choice("mode", mode, ("cv", "pil"))
        self.by_channels = check_bool("by_channels", by_channels)
        if mask is not None and not callable(mask) and not hasattr(mask, "shape"):
            raise TypeError(
                f"mask: expected None, an array or a function returning one, got {type(mask).__name__}"
            )
        self.mask = mask
        if isinstance(mask_params, str) or not all(isinstance(k, str) for k in mask_params):
            raise TypeError(f"mask_params: expected a sequence of data names, got {mask_params!r}")
        self.mask_params = tuple(mask_params)

    def _call_mask(self, state: State, i: int | None) -> Any:
        image = next(iter(state.images.values()))
        data: dict[str, Any] = {**state.images, **state.masks, **(state.extra or {})}
        kwargs = {"image": image if i is None else image[i, ...]}
        for key in self.mask_params:
            name = key if key in data or i is None else f"{key}s"  # a batch's "masks" for "mask"
            if name not in data:
                raise KeyError(f"Equalize: mask_params names {key!r}, which is not in the data")
            value = data[name]
            if hasattr(value, "shape"):
                value = value if i is None else value[i, ...]
                value = value[..., 0] if name in (state.flat or ()) else value  # given as (H, W)
            kwargs[key] = value
        return self.mask(**kwargs)

    def sample_data(self, rng: np.random.Generator, state: State) -> EqualizeParams:
        if self.mask is None:
            return EqualizeParams(None)
        if not callable(self.mask):
            return EqualizeParams(self._layout(self.mask, state, shared=True))
        if state.batch is None:
            return EqualizeParams(self._layout(self._call_mask(state, None), state, shared=True))
        masks = [self._call_mask(state, i) for i in range(state.batch)]
        xp = array_namespace(masks[0])
        return EqualizeParams(self._layout(xp.stack(masks), state, shared=False))

    def _layout(self, mask: Any, state: State, shared: bool) -> Any:
        """The kernel's mask layout, checked against the images: ``(..., H, W, 1 or P)``."""
        lead = 0 if shared else 1
        shape = tuple(int(s) for s in mask.shape)
        if len(shape) == lead + 2:
            mask = mask[..., None]
            shape = (*shape, 1)
        if len(shape) != lead + 3 or shape[lead : lead + 2] != tuple(state.shape):
            raise ValueError(
                f"Equalize: mask must be (H, W) or (H, W, C) with the image's {state.shape}, got {shape}"
            )
        if not self.by_channels and shape[-1] != 1:
            raise ValueError(f"Equalize: with by_channels=False the mask needs one channel, got {shape}")
        return mask

    def apply_image(self, img: Any, params: EqualizeParams) -> Any:
        c = int(img.shape[-1])
        mask = params.mask
        if mask is not None and int(mask.shape[-1]) not in (1, c):
            raise ValueError(f"Equalize: the mask has {int(mask.shape[-1])} channels, the image {c}")
        if not self.by_channels and c not in (1, 3):
            raise ValueError(
                f"Equalize: by_channels=False needs a grayscale or an RGB image, got {c} channels"
            )
        check_unit_range(type(self).__name__, img)
        if mask is not None and not self.by_channels and c == 1:
            mask = mask[..., :1]
        return F.equalize(img, self.mode, self.by_channels, mask)


# -------------------------------------------------------------------------------------- AutoContrast
class AutoContrast(_PixelTransform):
    """Stretch each channel's histogram to the full range.

    ``cutoff`` (percent, in [0, 100]): the share of pixels left out at each end of the histogram (0:
    from the darkest to the brightest level present). ``method``: ``"cdf"`` maps through the
    cumulative histogram between the bounds, ``"pil"`` linearly (as Pillow's ``autocontrast``).
    ``ignore`` (a level in [0, 255], or None): pixels at it are left out of the histograms and keep
    their value (uint16: the level ``ignore * 257``).

    uint8 works on 256 levels and uint16 on 65536; float32 on uint8 levels (``rint(x * 255)``, then
    ``/ 255``). Unlike albumentations 2.0.8, the top level (255) counts in the histograms and
    ``ignore`` never skips a channel (see docs/differences.md).

    >>> import numpy as np, xalbu as A
    >>> A.AutoContrast(method="pil", p=1)(image=np.array([[50, 100, 200]], np.uint8))["image"].tolist()
    [[0, 85, 255]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"cutoff": 0, "method": "cdf"}, {"cutoff": 2.5, "ignore": 0, "method": "pil"}]

    def __init__(
        self, cutoff: float = 0, ignore: int | None = None, method: str = "cdf", p: float = 0.5
    ) -> None:
        super().__init__(p)
        check_number("cutoff", cutoff, 0.0, 100.0)
        self.cutoff = cutoff
        self.ignore = None if ignore is None else check_int("ignore", ignore, 0, 255)
        self.method = check_choice("method", method, ("cdf", "pil"))

    def apply_image(self, img: Any, params: Any) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.auto_contrast(img, float(self.cutoff), self.ignore, self.method)


# ----------------------------------------------------------------------------------- RandomToneCurve
@dataclass
class ToneCurveParams:
    low_y: Any  # float, (C,), (N,) or (N, C)
    high_y: Any


class RandomToneCurve(_PixelTransform):
    """A random S-shaped tone curve: the cubic Bezier through (0, 0) and (1, 1) whose control heights
    are drawn from ``N(0.25, scale)`` and ``N(0.75, scale)``, clipped to [0, 1].

    ``per_channel``: one curve per channel (images of more than one channel), else one for all.
    uint8 as albumentations (a table over ``linspace(0, 1, 256)``), uint16 on its 65536 levels,
    float32 on its values (no uint8 round trip), clipped to [0, 1].

    >>> import numpy as np, xalbu as A
    >>> A.RandomToneCurve(scale=0, p=1)(image=np.array([[0, 51, 255]], np.uint8))["image"].tolist()
    [[0, 45, 255]]
    """

    Params = ToneCurveParams
    identity: ClassVar[dict[str, Any]] = {"low_y": 1.0 / 3.0, "high_y": 2.0 / 3.0}  # the straight line

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"scale": 0.1}, {"scale": 0.3, "per_channel": True}]

    def __init__(self, scale: float = 0.1, per_channel: bool = False, p: float = 0.5) -> None:
        super().__init__(p)
        check_number("scale", scale, 0.0, 1.0)
        self.scale = scale
        self.per_channel = check_bool("per_channel", per_channel)

    def sample_data(self, rng: np.random.Generator, state: State) -> ToneCurveParams:
        channels = int(next(iter(state.images.values())).shape[-1]) if state.images else 1
        size: Any = state.batch
        if self.per_channel and channels != 1:
            size = (channels,) if state.batch is None else (state.batch, channels)
        low = np.clip(rng.normal(0.25, self.scale, size), 0.0, 1.0)
        high = np.clip(rng.normal(0.75, self.scale, size), 0.0, 1.0)
        if size is None:
            return ToneCurveParams(float(low), float(high))
        return ToneCurveParams(low, high)

    def apply_image(self, img: Any, params: ToneCurveParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.tone_curve(img, params.low_y, params.high_y)


# -------------------------------------------------------------------------------------- Illumination
@dataclass
class IlluminationParams:
    intensity: Any  # signed: negative darkens
    angle: Any = None  # "linear": degrees
    corner: Any = None  # "corner": 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
    center_x: Any = None  # "gaussian": fractions of the width / height
    center_y: Any = None
    sigma: Any = None  # "gaussian": fraction of max(H, W)


class Illumination(_PixelTransform):
    """Uneven lighting: a linear gradient, a fade from a corner, or a Gaussian spot, multiplied in.

    ``mode``: ``"linear"`` (a gradient along an angle drawn from ``angle_range``, degrees),
    ``"corner"`` (a random corner) or ``"gaussian"`` (a spot centred at fractions drawn from
    ``center_range``, of width ``sigma`` drawn from ``sigma_range`` times the longer side).
    ``intensity_range`` (within [0.01, 0.2]): the strength; ``effect_type``: ``"brighten"``,
    ``"darken"`` or ``"both"`` (either, at even odds). Integers are rounded (albumentations truncates
    in its corner and Gaussian modes: within 1 level); float32 is clipped to [0, 1].

    >>> import numpy as np, xalbu as A
    >>> t = A.Illumination(mode="gaussian", intensity_range=(0.1, 0.1), effect_type="brighten",
    ...                    center_range=(0, 0), p=1)
    >>> t(image=np.full((1, 1), 100, np.uint8))["image"].tolist()
    [[110]]
    """

    Params = IlluminationParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"mode": "linear", "intensity_range": (0.01, 0.2)},
            {"mode": "corner", "effect_type": "darken"},
            {"mode": "gaussian", "center_range": (0.2, 0.8), "sigma_range": (0.3, 0.6)},
        ]

    def __init__(
        self,
        mode: str = "linear",
        intensity_range: Any = (0.01, 0.2),
        effect_type: str = "both",
        angle_range: Any = (0, 360),
        center_range: Any = (0.1, 0.9),
        sigma_range: Any = (0.2, 1.0),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.mode = check_choice("mode", mode, ("linear", "corner", "gaussian"))
        self.intensity_range = check_range("intensity_range", intensity_range, 0.01, 0.2)
        self.effect_type = check_choice("effect_type", effect_type, ("brighten", "darken", "both"))
        self.angle_range = check_range("angle_range", angle_range, 0.0, 360.0)
        self.center_range = check_range("center_range", center_range, 0.0, 1.0)
        self.sigma_range = check_range("sigma_range", sigma_range, 0.2, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> IlluminationParams:
        intensity = draw.uniform(rng, *self.intensity_range, n)
        if self.effect_type == "both":
            intensity = intensity * np.where(draw.uniform(rng, 0.0, 1.0, n) > 0.5, 1.0, -1.0)
        elif self.effect_type == "darken":
            intensity = -intensity
        if n is None:
            intensity = float(intensity)
        if self.mode == "linear":
            return IlluminationParams(intensity, angle=draw.uniform(rng, *self.angle_range, n))
        if self.mode == "corner":
            return IlluminationParams(intensity, corner=draw.integers(rng, 0, 4, n))
        cx = draw.uniform(rng, *self.center_range, n)
        cy = draw.uniform(rng, *self.center_range, n)
        return IlluminationParams(
            intensity, center_x=cx, center_y=cy, sigma=draw.uniform(rng, *self.sigma_range, n)
        )

    def apply_image(self, img: Any, params: IlluminationParams) -> Any:
        check_unit_range(type(self).__name__, img)
        if self.mode == "linear":
            return F.linear_illumination(img, params.intensity, params.angle)
        if self.mode == "corner":
            return F.corner_illumination(img, params.intensity, params.corner)
        return F.gaussian_illumination(img, params.intensity, params.center_x, params.center_y, params.sigma)


# -------------------------------------------------------------------------- PlasmaBrightnessContrast
@dataclass
class PlasmaParams:
    brightness: Any
    contrast: Any
    seed: Any  # int, or (N,) uint64: one plasma field per sample


class PlasmaBrightnessContrast(_PixelTransform):
    """Brightness and contrast changes that vary smoothly over the image along a plasma fractal.

    ``brightness_range`` / ``contrast_range`` (within [-1, 1]): the strengths, drawn per image;
    ``roughness`` (> 0): how much each diamond-square step adds to the pattern's detail (the noise of
    step ``k`` is ``roughness ** k``). ``plasma_size`` is accepted for albumentations' sake: the
    pattern always covers the image, in albumentations 2.0.8 too. The fractal comes from a
    counter-based generator seeded per sample (not albumentations' stream: patterns differ, their
    statistics do not), so a sample gets the same pattern alone or in a batch, on every backend.

    >>> import numpy as np, xalbu as A
    >>> t = A.PlasmaBrightnessContrast(brightness_range=(0, 0), contrast_range=(0, 0), p=1)
    >>> t(image=np.full((4, 4), 100, np.uint8))["image"][0].tolist()
    [100, 100, 100, 100]
    """

    Params = PlasmaParams
    identity: ClassVar[dict[str, Any]] = {"brightness": 0.0, "contrast": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"brightness_range": (-0.3, 0.3), "contrast_range": (-0.3, 0.3), "roughness": 3.0},
            {"brightness_range": (0.1, 0.4), "contrast_range": (-0.5, 0.0), "roughness": 1.5},
        ]

    def __init__(
        self,
        brightness_range: Any = (-0.3, 0.3),
        contrast_range: Any = (-0.3, 0.3),
        plasma_size: int = 256,
        roughness: float = 3.0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness_range = check_range("brightness_range", brightness_range, -1.0, 1.0)
        self.contrast_range = check_range("contrast_range", contrast_range, -1.0, 1.0)
        self.plasma_size = check_int("plasma_size", plasma_size, 1)
        check_number("roughness", roughness)
        if roughness <= 0:
            raise ValueError(f"roughness: expected a number > 0, got {roughness}")
        self.roughness = roughness

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PlasmaParams:
        brightness = draw.uniform(rng, *self.brightness_range, n)
        contrast = draw.uniform(rng, *self.contrast_range, n)
        seed = rng.integers(0, 2**63, n, dtype=np.uint64) if n is not None else int(rng.integers(0, 2**63))
        return PlasmaParams(brightness, contrast, seed)

    def apply_image(self, img: Any, params: PlasmaParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.plasma_brightness_contrast(
            img, params.brightness, params.contrast, params.seed, float(self.roughness)
        )


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


def _relative_means(img: Any) -> Any:
    """Host mean of each image (a float, or (N,) for a batch) as a fraction of the dtype's max; taken
    over the finite values, as the kernel's."""
    xp = array_namespace(img)
    x = xp.astype(img, xp.float32)
    if xp.isdtype(img.dtype, "real floating"):
        m = finite_mean(xp, x, (-3, -2, -1))[..., 0, 0, 0]
    else:
        m = xp.mean(x, axis=(-3, -2, -1))
    m = m / max_value(xp, img.dtype)
    if m.ndim == 0:
        return float(m)
    return np.array([float(m[i]) for i in range(m.shape[0])])
