"""Noise transforms: Gaussian, ISO, multiplicative, shot, salt-and-pepper and additive noise, and film
grain (AlbumentationsX's FilmGrain), from counter-based per-sample seeds.

Each class is a :class:`~xalbu.core.kinds.PixelTransform`. Its parameters and one 64-bit seed per
sample are drawn on the host; the per-pixel values come from that seed through the counter-based
generator of :mod:`xalbu.functional._random` on the image's device, so a sample's noise is the same
alone or anywhere in a batch of any size, and the same on the CPU and the GPU. In a batch, samples
that are not applied run through the kernel with zero-strength parameters (their seeds are not used).

The maths assumes float images in [0, 1]: a float image far outside it (0-255) is refused with
:func:`~xalbu.functional._utils.check_unit_range`; computed float results are clipped to [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.compat import Rule
from ..core.state import State
from ..core.validation import check_bool, check_choice, check_number, check_range
from ..functional import noise as F
from ..functional._utils import check_unit_range
from ._common import _PixelTransform

__all__ = [
    "AdditiveNoise",
    "FilmGrain",
    "GaussNoise",
    "ISONoise",
    "MultiplicativeNoise",
    "SaltAndPepper",
    "ShotNoise",
]


def draw_seeds(rng: np.random.Generator, n: int | None) -> Any:
    """One 64-bit seed (a Python int) or ``(n,)`` uint64 seeds, for the counter-based generator."""
    seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    return int(seeds) if n is None else seeds


def reduced_hw(shape: tuple[int, ...], factor: float) -> tuple[int, int] | None:
    """albumentations' reduced field size ``(max(1, int(h * f)), max(1, int(w * f)))``; None when f is 1."""
    if factor >= 1.0:
        return None
    h, w = int(shape[-3]), int(shape[-2])
    return max(1, int(h * factor)), max(1, int(w * factor))


# ---------------------------------------------------------------------------------------- GaussNoise
@dataclass
class GaussNoiseParams:
    std: Any  # fraction of the dtype's max
    mean: Any  # fraction of the dtype's max
    seed: Any  # int, or (N,) uint64


class GaussNoise(_PixelTransform):
    """Add Gaussian noise: ``img + (mean + std * z) * max`` with ``z`` standard normal per pixel.

    ``std`` is drawn from ``std_range`` (within [0, 1]) and ``mean`` from ``mean_range`` (within
    [-1, 1]), both fractions of the dtype's max (255, 65535, 1.0). ``per_channel``: an independent value
    per channel, else one per pixel shared by the channels. ``noise_scale_factor`` in (0, 1]: draw the
    field at that fraction of the size and resize it linearly (coarser grain). uint8, uint16, float32;
    any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.GaussNoise(std_range=(0, 0), mean_range=(0.1, 0.1), p=1)
    >>> t(image=np.array([[0, 100, 250]], np.uint8))["image"].tolist()
    [[26, 126, 255]]
    """

    Params = GaussNoiseParams
    albumentations_args: ClassVar[dict[str, Rule]] = {
        "var_limit": Rule(
            "drop",
            "albumentations 1.x: the variance in pixel units (2.x takes std_range as a fraction of the "
            "maximum); a saved variance would change the noise, so files must give std_range instead",
            keep_if=(None,),
        ),
        "mean": Rule(
            "drop",
            "albumentations 1.x: the mean in pixel units; 0 is what the default mean_range (0, 0) does, "
            "so only it is read; give other means as mean_range",
            keep_if=(None, 0, 0.0),
        ),
    }
    identity: ClassVar[dict[str, Any]] = {"std": 0.0, "mean": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"std_range": (0.2, 0.44)},
            {"std_range": (0.05, 0.1), "mean_range": (-0.1, 0.1), "per_channel": False},
            {"std_range": (0.1, 0.1), "noise_scale_factor": 0.5},
        ]

    def __init__(
        self,
        std_range: Any = (0.2, 0.44),
        mean_range: Any = (0.0, 0.0),
        per_channel: bool = True,
        noise_scale_factor: float = 1,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.std_range = check_range("std_range", std_range, 0.0, 1.0)
        self.mean_range = check_range("mean_range", mean_range, -1.0, 1.0)
        self.per_channel = check_bool("per_channel", per_channel)
        self.noise_scale_factor = check_number("noise_scale_factor", noise_scale_factor, 0.0, 1.0)
        if self.noise_scale_factor <= 0:
            raise ValueError(f"noise_scale_factor: expected a value in (0, 1], got {noise_scale_factor!r}")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GaussNoiseParams:
        std = draw.uniform(rng, *self.std_range, n)
        mean = draw.uniform(rng, *self.mean_range, n)
        return GaussNoiseParams(std, mean, draw_seeds(rng, n))

    def apply_image(self, img: Any, params: GaussNoiseParams) -> Any:
        check_unit_range(type(self).__name__, img)
        field_hw = reduced_hw(img.shape, self.noise_scale_factor)
        return F.add_noise(img, params.seed, "normal", params.std, params.mean, self.per_channel, field_hw)


# ------------------------------------------------------------------------------------------ ISONoise
ISO_MAX_INTENSITY = 5.0  # Poisson rates up to 0.5 * 255 * 5 = 637.5 (exp(-rate) stays a normal float64)


@dataclass
class ISONoiseParams:
    color_shift: Any
    intensity: Any
    seed: Any  # int, or (N,) uint64


class ISONoise(_PixelTransform):
    """Camera sensor noise at high ISO: hue jitter and Poisson lightness noise, in HLS space.

    ``color_shift`` (within [0, 1], a fraction of the full 360-degree hue circle) and ``intensity``
    (within [0, 5]) are drawn per image. Per pixel the hue moves by a normal value of standard
    deviation ``color_shift * 360 * intensity`` degrees, and the lightness ``L`` becomes
    ``L + k / 255 * (1 - L)`` with ``k`` Poisson of rate ``std(L) * intensity * 255`` (the image's own
    lightness spread, in 8-bit levels). RGB images only (3 channels: others are refused); uint8,
    uint16, float32. See docs/differences.md for how this reads albumentations 2.0.8's arguments.

    >>> import numpy as np, xalbu as A
    >>> gray = np.repeat((np.arange(16, dtype=np.uint8) * 16).reshape(4, 4, 1), 3, axis=2)
    >>> out = A.ISONoise(p=1)(image=gray)["image"]  # gray stays gray, and only gets lighter
    >>> bool((out[..., 0] == out[..., 2]).all() and (out >= gray).all() and (out > gray).any())
    True
    """

    Params = ISONoiseParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"color_shift": (0.01, 0.05), "intensity": (0.1, 0.5)},
            {"color_shift": (0.1, 0.2), "intensity": (0.5, 1.0)},
        ]

    def __init__(self, color_shift: Any = (0.01, 0.05), intensity: Any = (0.1, 0.5), p: float = 0.5) -> None:
        super().__init__(p)
        self.color_shift = check_range("color_shift", color_shift, 0.0, 1.0)
        self.intensity = check_range("intensity", intensity, 0.0, ISO_MAX_INTENSITY)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ISONoiseParams:
        color_shift = draw.uniform(rng, *self.color_shift, n)
        intensity = draw.uniform(rng, *self.intensity, n)
        return ISONoiseParams(color_shift, intensity, draw_seeds(rng, n))

    def apply_image(self, img: Any, params: ISONoiseParams) -> Any:
        channels = int(img.shape[-1])
        if channels != 3:
            raise ValueError(f"ISONoise: needs a 3-channel RGB image, got {channels} channel(s)")
        check_unit_range(type(self).__name__, img)
        return F.iso_noise(img, params.seed, params.color_shift, params.intensity)


# ------------------------------------------------------------------------------- MultiplicativeNoise
@dataclass
class MultiplicativeNoiseParams:
    multiplier: Any  # not elementwise: scalar, (C,), (N,) or (N, C); elementwise: 1.0
    low: Any  # elementwise: the range of the per-pixel multipliers (1.0 otherwise)
    high: Any
    seed: Any  # int, or (N,) uint64


class MultiplicativeNoise(_PixelTransform):
    """Multiply the image by random factors drawn uniformly from ``multiplier`` (``(low, high)``, >= 0).

    ``elementwise=False``: one factor per image (per channel with ``per_channel``); ``elementwise=True``:
    one per pixel (per pixel and channel with ``per_channel``). uint8, uint16, float32; any number of
    channels. Results are rounded half to even and saturated (floats clipped to [0, 1]).

    >>> import numpy as np, xalbu as A
    >>> t = A.MultiplicativeNoise(multiplier=(1.5, 1.5), p=1)
    >>> t(image=np.array([[10, 100, 200]], np.uint8))["image"].tolist()
    [[15, 150, 255]]
    """

    Params = MultiplicativeNoiseParams
    identity: ClassVar[dict[str, Any]] = {"multiplier": 1.0, "low": 1.0, "high": 1.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"multiplier": (0.9, 1.1)},
            {"multiplier": (0.8, 1.2), "per_channel": True},
            {"multiplier": (0.9, 1.1), "elementwise": True},
            {"multiplier": (0.5, 1.5), "per_channel": True, "elementwise": True},
        ]

    def __init__(
        self,
        multiplier: Any = (0.9, 1.1),
        per_channel: bool = False,
        elementwise: bool = False,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.multiplier = check_range("multiplier", multiplier, 0.0)
        self.per_channel = check_bool("per_channel", per_channel)
        self.elementwise = check_bool("elementwise", elementwise)

    def sample_data(self, rng: np.random.Generator, state: State) -> MultiplicativeNoiseParams:
        n = state.batch
        lo, hi = self.multiplier
        if self.elementwise:
            ones = 1.0 if n is None else np.ones(n)
            low = lo if n is None else np.full(n, lo)
            high = hi if n is None else np.full(n, hi)
            return MultiplicativeNoiseParams(ones, low, high, draw_seeds(rng, n))
        if self.per_channel:
            channels = _channels(state)
            shape = (channels,) if n is None else (n, channels)
            factors = draw.uniform(rng, lo, hi, shape)
        else:
            factors = draw.uniform(rng, lo, hi, n)
        ones = 1.0 if n is None else np.ones(n)
        return MultiplicativeNoiseParams(factors, ones, ones, 0 if n is None else np.zeros(n, np.uint64))

    def apply_image(self, img: Any, params: MultiplicativeNoiseParams) -> Any:
        check_unit_range(type(self).__name__, img)
        if self.elementwise:
            return F.multiply_noise(img, params.seed, params.low, params.high, self.per_channel)
        factors = np.asarray(params.multiplier)
        if self.per_channel and factors.shape[-1] != img.shape[-1]:
            raise ValueError(
                f"MultiplicativeNoise: {factors.shape[-1]} per-channel factors were drawn for an image "
                f"with {img.shape[-1]} channel(s)"
            )
        return F.multiply_channels(img, params.multiplier)


def _channels(state: State) -> int:
    """The channel count of the state's images (3 when there are none, e.g. ``sample`` alone)."""
    for img in state.images.values():
        return int(img.shape[-1]) if img.ndim >= 3 else 1
    return 3


# -------------------------------------------------------------------------------------- SaltAndPepper
@dataclass
class SaltAndPepperParams:
    amount: Any  # fraction of the pixels made noisy
    salt_ratio: Any  # fraction of those that are salt
    seed: Any  # int, or (N,) uint64


def _thresholds(amount: Any, salt_ratio: Any) -> tuple[Any, Any]:
    """The 16-bit thresholds of :func:`~xalbu.functional.noise.salt_and_pepper` (``salt``, ``noisy``).

    >>> _thresholds(0.05, 0.5)
    (1638, 3277)
    """
    a = np.asarray(amount, np.float64)
    noisy = np.rint(a * 65536.0).astype(np.int64)
    salt = np.minimum(np.rint(a * np.asarray(salt_ratio, np.float64) * 65536.0).astype(np.int64), noisy)
    if noisy.ndim == 0:
        return int(salt), int(noisy)
    return salt, noisy


class SaltAndPepper(_PixelTransform):
    """Impulse noise: random pixels set to the maximum (salt) or to 0 (pepper), all channels alike.

    ``amount`` (within [0, 1]): the fraction of noisy pixels, and ``salt_vs_pepper`` (within [0, 1]): the
    fraction of those that are salt, each drawn per image. Each pixel is noisy with probability
    ``amount`` (counted in 1/65536), independently, so the number of noisy pixels is binomial around
    ``amount * H * W`` (albumentations picks exactly ``int(amount * H * W)``; see docs/differences.md).
    uint8, uint16, float32 (salt 1.0); any number of channels.

    >>> import numpy as np, xalbu as A
    >>> out = A.SaltAndPepper(amount=(1, 1), salt_vs_pepper=(0, 0), p=1)(image=np.full((2, 2), 9, np.uint8))
    >>> out["image"].tolist()
    [[0, 0], [0, 0]]
    """

    Params = SaltAndPepperParams
    identity: ClassVar[dict[str, Any]] = {"amount": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"amount": (0.01, 0.06), "salt_vs_pepper": (0.4, 0.6)},
            {"amount": (0.1, 0.2), "salt_vs_pepper": (0.7, 0.9)},
        ]

    def __init__(self, amount: Any = (0.01, 0.06), salt_vs_pepper: Any = (0.4, 0.6), p: float = 0.5) -> None:
        super().__init__(p)
        self.amount = check_range("amount", amount, 0.0, 1.0)
        self.salt_vs_pepper = check_range("salt_vs_pepper", salt_vs_pepper, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SaltAndPepperParams:
        amount = draw.uniform(rng, *self.amount, n)
        ratio = draw.uniform(rng, *self.salt_vs_pepper, n)
        return SaltAndPepperParams(amount, ratio, draw_seeds(rng, n))

    def apply_image(self, img: Any, params: SaltAndPepperParams) -> Any:
        check_unit_range(type(self).__name__, img)
        salt, noisy = _thresholds(params.amount, params.salt_ratio)
        return F.salt_and_pepper(img, params.seed, salt, noisy)


# ------------------------------------------------------------------------------------------ ShotNoise
@dataclass
class ShotNoiseParams:
    scale: Any
    seed: Any  # int, or (N,) uint64


class ShotNoise(_PixelTransform):
    """Photon (shot) noise: Poisson counts in linear light.

    ``scale`` is drawn from ``scale_range`` (>= 0; the reciprocal of the photons per unit intensity:
    larger is noisier). Per pixel and channel, ``k`` is Poisson of rate ``(x ** 2.2 + scale * 1e-6) /
    scale`` (``x`` in [0, 1]), and the result is ``clip(k * scale, 0, 1) ** (1 / 2.2)``; rates above 64
    use the normal approximation; ``scale == 0`` leaves the image as it is. uint8, uint16, float32; any
    number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Compose([A.ShotNoise(scale_range=(0.1, 0.1), p=1)], seed=0)
    >>> int(t(image=np.zeros((4, 4), np.uint8))["image"].max())  # no light, no photons
    0
    """

    Params = ShotNoiseParams
    identity: ClassVar[dict[str, Any]] = {"scale": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"scale_range": (0.1, 0.3)}, {"scale_range": (0.5, 1.0)}]

    def __init__(self, scale_range: Any = (0.1, 0.3), p: float = 0.5) -> None:
        super().__init__(p)
        self.scale_range = check_range("scale_range", scale_range, 0.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ShotNoiseParams:
        return ShotNoiseParams(draw.uniform(rng, *self.scale_range, n), draw_seeds(rng, n))

    def apply_image(self, img: Any, params: ShotNoiseParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.shot_noise(img, params.seed, params.scale)


# -------------------------------------------------------------------------------------- AdditiveNoise
NOISE_TYPES = ("uniform", "gaussian", "laplace", "beta")
SPATIAL_MODES = ("constant", "per_pixel", "shared")
_NOISE_DEFAULTS: dict[str, dict[str, Any]] = {
    "uniform": {"ranges": [(-0.1, 0.1)]},
    "gaussian": {"mean_range": (0.0, 0.0), "std_range": (0.05, 0.15)},
    "laplace": {"mean_range": (0.0, 0.0), "scale_range": (0.05, 0.15)},
    "beta": {"alpha_range": (0.5, 1.5), "beta_range": (0.5, 1.5), "scale_range": (0.1, 0.3)},
}
_NOISE_BOUNDS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "gaussian": {"mean_range": (-1.0, 1.0), "std_range": (0.0, 1.0)},
    "laplace": {"mean_range": (-1.0, 1.0), "scale_range": (0.0, 1.0)},
    "beta": {"alpha_range": (0.0, None), "beta_range": (0.0, None), "scale_range": (0.0, 1.0)},
}


def _check_noise_params(noise_type: str, params: Any) -> dict[str, Any]:
    """albumentations' validated ``noise_params``: ``{"noise_type": ..., <the type's ranges>}``."""
    if not isinstance(params, (dict, type(None))):
        raise TypeError(f"noise_params: expected a dict or None, got {type(params).__name__}")
    given = dict(_NOISE_DEFAULTS[noise_type] if params is None else params)
    if given.pop("noise_type", noise_type) != noise_type:
        raise ValueError(f"noise_params: noise_type {params['noise_type']!r} does not match {noise_type!r}")
    expected = ("ranges",) if noise_type == "uniform" else tuple(_NOISE_BOUNDS[noise_type])
    unknown, missing = sorted(set(given) - set(expected)), [k for k in expected if k not in given]
    if unknown or missing:
        raise ValueError(
            f"noise_params: {noise_type} noise takes {list(expected)}"
            + (f"; unknown {unknown}" if unknown else "")
            + (f"; missing {missing}" if missing else "")
        )
    out: dict[str, Any] = {"noise_type": noise_type}
    if noise_type == "uniform":
        ranges = given["ranges"]
        if isinstance(ranges, (str, bytes)) or not hasattr(ranges, "__len__") or len(ranges) == 0:
            raise ValueError(
                f"noise_params: ranges: expected a non-empty list of (low, high) pairs, got {ranges!r}"
            )
        out["ranges"] = [check_range(f"noise_params.ranges[{i}]", r, -1.0, 1.0) for i, r in enumerate(ranges)]
        return out
    for key, (lo, hi) in _NOISE_BOUNDS[noise_type].items():
        pair = check_range(f"noise_params.{key}", given[key], lo, hi)
        if lo == 0.0 and hi is None and pair[0] <= 0:
            raise ValueError(f"noise_params.{key}: expected values > 0, got {pair}")
        out[key] = pair
    return out


@dataclass
class AdditiveNoiseParams:
    shift: Any  # constant mode: per-channel values, fractions of the max ((C,) or (N, C)); else 0
    scale: Any  # per_pixel / shared: the field's scale, fraction of the max
    offset: Any  # and its offset
    alpha: Any  # beta noise: the shape parameters (1.0 otherwise)
    beta: Any
    seed: Any  # int, or (N,) uint64


class AdditiveNoise(_PixelTransform):
    """Add noise of a chosen distribution: one value per channel, per pixel and channel, or per pixel.

    ``noise_type``: ``"uniform"``, ``"gaussian"``, ``"laplace"`` or ``"beta"``; ``spatial_mode``:
    ``"constant"`` (one value per channel), ``"per_pixel"`` (per pixel and channel) or ``"shared"`` (per
    pixel, the same for every channel); ``noise_params``: the distribution's ranges, fractions of the
    dtype's max (albumentations' keys and defaults: uniform ``ranges`` (one ``(low, high)`` per channel,
    or one for all; the field modes use the first), gaussian ``mean_range``/``std_range``, laplace
    ``mean_range``/``scale_range``, beta ``alpha_range``/``beta_range``/``scale_range``, giving
    ``(2 * Beta(alpha, beta) - 1) * scale``); ``approximation`` in [0, 1]: draw the field at that
    fraction of the size and resize it linearly. uint8, uint16, float32; any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.AdditiveNoise(noise_params={"ranges": [(0.1, 0.1)]}, p=1)
    >>> t(image=np.array([[0, 100, 250]], np.uint8))["image"].tolist()
    [[26, 126, 255]]
    """

    Params = AdditiveNoiseParams
    identity: ClassVar[dict[str, Any]] = {"shift": 0.0, "scale": 0.0, "offset": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"noise_type": "uniform", "spatial_mode": "constant"},
            {"noise_type": "gaussian", "spatial_mode": "per_pixel"},
            {"noise_type": "laplace", "spatial_mode": "shared", "approximation": 0.5},
            {"noise_type": "beta", "spatial_mode": "per_pixel"},
            {"noise_type": "beta", "spatial_mode": "constant"},
            {
                "noise_type": "uniform",
                "spatial_mode": "constant",
                "noise_params": {"ranges": [(-0.2, 0.2), (0.0, 0.1), (-0.1, 0.0)]},
            },
        ]

    def __init__(
        self,
        noise_type: str = "uniform",
        spatial_mode: str = "constant",
        noise_params: dict[str, Any] | None = None,
        approximation: float = 1.0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.noise_type = check_choice("noise_type", noise_type, NOISE_TYPES)
        self.spatial_mode = check_choice("spatial_mode", spatial_mode, SPATIAL_MODES)
        self.noise_params = _check_noise_params(self.noise_type, noise_params)
        self.approximation = check_number("approximation", approximation, 0.0, 1.0)

    def _draw(self, rng: np.random.Generator, key: str, n: int | None) -> Any:
        lo, hi = self.noise_params[key]
        return draw.uniform(rng, lo, hi, n)

    def sample_data(self, rng: np.random.Generator, state: State) -> AdditiveNoiseParams:
        n = state.batch
        zeros = 0.0 if n is None else np.zeros(n)
        ones = 1.0 if n is None else np.ones(n)
        kind, params = self.noise_type, self.noise_params
        if self.spatial_mode == "constant":
            return AdditiveNoiseParams(self._constant(rng, _channels(state), n), zeros, zeros, ones, ones, 0)
        alpha, beta = ones, ones
        if kind == "uniform":
            lo, hi = params["ranges"][0]
            scale, offset = (hi - lo) + zeros, lo + zeros
        elif kind == "gaussian":
            offset, scale = self._draw(rng, "mean_range", n), self._draw(rng, "std_range", n)
        elif kind == "laplace":
            offset, scale = self._draw(rng, "mean_range", n), self._draw(rng, "scale_range", n)
        else:
            alpha, beta = self._draw(rng, "alpha_range", n), self._draw(rng, "beta_range", n)
            scale, offset = self._draw(rng, "scale_range", n), zeros
        seed = draw_seeds(rng, n)
        return AdditiveNoiseParams(zeros if n is None else np.zeros((n, 1)), scale, offset, alpha, beta, seed)

    def _constant(self, rng: np.random.Generator, channels: int, n: int | None) -> Any:
        """One value per channel (and sample): the distribution's draws, fractions of the max."""
        kind, params = self.noise_type, self.noise_params
        shape = (channels,) if n is None else (n, channels)
        if kind == "uniform":
            ranges = params["ranges"]
            if len(ranges) == 1:
                ranges = ranges * channels
            elif len(ranges) < channels:
                raise ValueError(
                    f"AdditiveNoise: noise_params ranges gives {len(ranges)} ranges for {channels} channels"
                )
            lo, hi = (np.array([r[i] for r in ranges[:channels]]) for i in (0, 1))
            return lo + (hi - lo) * rng.random(shape)
        m = None if n is None else (n, 1)
        if kind == "gaussian":
            mean, std = self._draw(rng, "mean_range", n), self._draw(rng, "std_range", n)
            return np.reshape(mean, m or ()) + np.reshape(std, m or ()) * rng.standard_normal(shape)
        if kind == "laplace":
            loc, scale = self._draw(rng, "mean_range", n), self._draw(rng, "scale_range", n)
            return np.reshape(loc, m or ()) + np.reshape(scale, m or ()) * rng.laplace(0.0, 1.0, shape)
        alpha, beta = self._draw(rng, "alpha_range", n), self._draw(rng, "beta_range", n)
        scale = self._draw(rng, "scale_range", n)
        a, b = np.reshape(alpha, m or ()), np.reshape(beta, m or ())
        return (2.0 * rng.beta(np.broadcast_to(a, shape), np.broadcast_to(b, shape)) - 1.0) * np.reshape(
            scale, m or ()
        )

    def apply_image(self, img: Any, params: AdditiveNoiseParams) -> Any:
        check_unit_range(type(self).__name__, img)
        if self.spatial_mode == "constant":
            shift = np.asarray(params.shift)
            if shift.shape[-1] != img.shape[-1]:
                raise ValueError(
                    f"AdditiveNoise: {shift.shape[-1]} per-channel values were drawn for an image "
                    f"with {img.shape[-1]} channel(s)"
                )
            return F.add_channels(img, shift)
        dist: Any = {"uniform": "uniform", "gaussian": "normal", "laplace": "laplace"}.get(self.noise_type)
        if dist is None:  # beta: one quantile table per sample, (2 * Q - 1)
            a, b = np.atleast_1d(params.alpha), np.atleast_1d(params.beta)
            tables = np.stack(
                [2.0 * F.beta_table(x, y) - 1.0 for x, y in zip(a.tolist(), b.tolist(), strict=True)]
            )
            dist = tables.astype(np.float32)[0] if np.ndim(params.alpha) == 0 else tables.astype(np.float32)
        field_hw = reduced_hw(img.shape, self.approximation)
        per_channel = self.spatial_mode == "per_pixel"
        return F.add_noise(img, params.seed, dist, params.scale, params.offset, per_channel, field_hw)


# ------------------------------------------------------------------------------------------ FilmGrain
@dataclass
class FilmGrainParams:
    intensity: Any  # fraction of the dtype's max
    grain_size: Any  # int >= 1: the grain field is (H // g, W // g), resized to the image
    seed: Any  # int, or (N,) uint64


class FilmGrain(_PixelTransform):
    """Analog film grain: luminance-dependent, spatially correlated noise (unlike GaussNoise's).

    One standard normal grain value per pixel, shared by the channels, drawn on a grid ``grain_size``
    times coarser than the image (``(H // g, W // g)``) and resized linearly to it: larger grains clump.
    It is added as ``intensity * max * (1 - L)``, ``L`` the pixel's luminance in [0, 1] (Rec. 601
    weights for RGB, the channels' mean otherwise): dark areas show the most grain, white none.
    ``intensity_range`` (within [0, 1], fractions of the dtype's max) and ``grain_size_range``
    (integers >= 1, both ends included) are drawn per image. AlbumentationsX's transform (2.1);
    albumentations 2.0.8 has none. uint8, uint16 and float32; any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.FilmGrain(intensity_range=(0.3, 0.3), p=1)
    >>> int(A.Compose([t], seed=0)(image=np.full((8, 8), 255, np.uint8))["image"].min())  # white: no grain
    255
    """

    Params = FilmGrainParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0, "grain_size": 1}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"intensity_range": (0.1, 0.3), "grain_size_range": (1, 3)},
            {"intensity_range": (0.3, 0.5), "grain_size_range": (4, 8)},
        ]

    def __init__(
        self, intensity_range: Any = (0.1, 0.3), grain_size_range: Any = (1, 3), p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.intensity_range = check_range("intensity_range", intensity_range, 0.0, 1.0)
        self.grain_size_range = check_range("grain_size_range", grain_size_range, 1, None, integer=True)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> FilmGrainParams:
        intensity = draw.uniform(rng, *self.intensity_range, n)
        lo, hi = (int(v) for v in self.grain_size_range)
        grain = draw.integers(rng, lo, hi + 1, n)
        return FilmGrainParams(intensity, grain, draw_seeds(rng, n))

    def apply_image(self, img: Any, params: FilmGrainParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.film_grain(img, params.seed, params.intensity, params.grain_size)
