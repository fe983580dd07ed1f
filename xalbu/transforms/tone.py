"""Tone transforms: brightness/contrast, gamma, solarize, posterize and inversion.

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
from ..core.validation import check_bool, check_int, check_range
from ..functional import tone as F
from ..functional._utils import _ONE_F32_BITS, check_unit_range, finite_mean, max_value
from ._common import _PixelTransform

__all__ = [
    "InvertImg",
    "Posterize",
    "RandomBrightnessContrast",
    "RandomGamma",
    "Solarize",
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
