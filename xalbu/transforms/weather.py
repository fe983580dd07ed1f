"""Weather transforms: rain streaks (RandomRain), fog circles (RandomFog), snow (RandomSnow) and
gravel (RandomGravel), albumentations' road-scene effects, and AlbumentationsX's depth fog
(AtmosphericFog: any number of channels, with one fog value per channel).

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass
through, as in albumentations, whose classes are image-only). Their geometry (drop positions, fog
circles, gravel squares) is drawn on the host with albumentations' distributions, vectorised over
the samples of a batch and padded to the batch's largest count; the kernels of
:mod:`xalbu.functional.weather` draw it on the image's device. They take RGB images (3 channels)
in uint8 or float32, as albumentations does: a float32 image goes through uint8 values
(albumentations' ``uint8_io``), so its output has 256 levels, and NaN reads as 0. In a batch, the
samples that are not applied are returned unchanged (the HLS round trip of snow and gravel is not
an identity, so the base blends).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.validation import check_choice, check_int, check_number, check_range, show
from ..functional import weather as F
from ..functional._utils import check_unit_range, dtype_name
from ._common import _PixelTransform
from ._weather_spatter import Spatter

__all__ = ["AtmosphericFog", "RandomFog", "RandomGravel", "RandomRain", "RandomSnow", "Spatter"]

MAX_RAIN_ANGLE = 45.0
RAIN_TYPES = ("drizzle", "heavy", "torrential", "default")


class _Weather(_PixelTransform):
    """RGB images only, uint8 or float32 (albumentations' rule for these effects)."""

    _abstract = True
    input_dtypes = ("uint8", "float32")

    def _check(self, img: Any) -> None:
        if type(img) is np.ndarray and img.dtype == np.uint8 and img.shape[-1] == 3:
            return  # an RGB uint8 NumPy image (the common call) passes every check below
        name = type(self).__name__
        dtype = dtype_name(array_namespace(img), img.dtype)
        if dtype not in self.input_dtypes:
            raise TypeError(
                f"{name}: takes uint8 or float32 images (as albumentations), got image dtype {dtype}"
            )
        channels = int(img.shape[-1])
        if channels != 3:
            raise ValueError(
                f"{name}: needs an RGB image (3 channels), got {channels} channel(s); convert a gray "
                "image with ToRGB first (multi-channel images are not supported)"
            )
        check_unit_range(name, img)


def _n(n: int | None) -> int:
    return 1 if n is None else n


def _one(value: np.ndarray, n: int | None) -> Any:
    """A sample's value: the scalar for one image, the array for a batch."""
    return float(value[0]) if n is None else value


def _pad(rows: np.ndarray, sample: np.ndarray, n: int, fill: tuple[int, ...], width: int) -> np.ndarray:
    """Rows ``(M, k)`` grouped by ``sample`` (sorted) into ``(n, width, k)``, padded with ``fill``
    (``width``: at least the largest count, fixed per transform and image size so that replay
    records have one shape)."""
    counts = np.bincount(sample, minlength=n)
    out = np.empty((n, width, rows.shape[1]), np.int64)
    out[...] = np.asarray(fill, np.int64)
    start = np.cumsum(counts) - counts
    slot = np.arange(len(sample)) - np.repeat(start, counts)
    out[sample, slot] = rows
    return out


# ---------------------------------------------------------------------------------------- RandomRain
@dataclass
class RainParams:
    slant: Any  # x offset of a streak's end, in pixels (albumentations adds it as is)
    drops: Any  # (D, 2) or (N, D, 2) int64 streak starts (x, y)
    drop_length: int


class RandomRain(_Weather):
    """Rain streaks: lines of ``drop_color`` from each drop ``(x, y)`` to ``(x + slant, y + L)``,
    box-blurred by ``blur_value``, added to the image, then the image times ``brightness_coefficient``.

    The drop count follows ``rain_type`` (``H // 4`` drizzle, ``H`` heavy, ``2 H`` torrential,
    ``H // 3`` default), drops start uniformly in ``[0, W) x [0, H - L)``, ``L = drop_length`` (or
    ``max(1, H // 8)`` when None), and ``slant`` is drawn from ``slant_range`` and added to the end's x
    in pixels (as albumentations does, despite the range's limit of 45 "degrees"). Lines are
    4-connected, ``drop_width`` pixels wide. RGB, uint8 or float32.

    Args:
        slant_range: ``(low, high)`` within [-45, 45]; default ``(-10, 10)``.
        drop_length: streak length in pixels, or None for ``max(1, H // 8)``.
        drop_width: line thickness (>= 1).
        drop_color: RGB colour of the streaks.
        blur_value: box blur size (>= 1; 1: no blur).
        brightness_coefficient: in (0, 1]: darkens the rainy image.
        rain_type: ``"drizzle"``, ``"heavy"``, ``"torrential"`` or ``"default"``.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomRain(drop_length=4, blur_value=1, brightness_coefficient=1.0, p=1)
    >>> out = t(image=np.zeros((12, 12, 3), np.uint8))["image"]
    >>> sorted(set(out.reshape(-1).tolist()))
    [0, 200]
    """

    Params = RainParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {},
            {
                "slant_range": (-20, 5),
                "drop_length": max(1, height // 5),
                "drop_width": 2,
                "rain_type": "heavy",
            },
            {
                "drop_color": (150, 160, 255),
                "blur_value": 1,
                "brightness_coefficient": 1.0,
                "rain_type": "drizzle",
            },
        ]

    def __init__(
        self,
        slant_range: Any = (-10, 10),
        drop_length: int | None = None,
        drop_width: int = 1,
        drop_color: Any = (200, 200, 200),
        blur_value: int = 7,
        brightness_coefficient: float = 0.7,
        rain_type: str = "default",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.slant_range = check_range("slant_range", slant_range, -MAX_RAIN_ANGLE, MAX_RAIN_ANGLE)
        self.drop_length = None if drop_length is None else check_int("drop_length", drop_length)
        self.drop_width = check_int("drop_width", drop_width, 1)
        if not (isinstance(drop_color, (tuple, list)) and len(drop_color) == 3):
            raise TypeError(f"drop_color: expected an (R, G, B) triple, got {show(drop_color)}")
        self.drop_color = tuple(check_int(f"drop_color[{i}]", c) for i, c in enumerate(drop_color))
        self.blur_value = check_int("blur_value", blur_value, 1)
        self.brightness_coefficient = check_number("brightness_coefficient", brightness_coefficient, 0.0, 1.0)
        if self.brightness_coefficient <= 0:
            raise ValueError(
                f"brightness_coefficient: expected a value in (0, 1], got {brightness_coefficient!r}"
            )
        self.rain_type = check_choice("rain_type", rain_type, RAIN_TYPES)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> RainParams:
        height, width = int(shape[0]), int(shape[1])
        count = {"drizzle": height // 4, "heavy": height, "torrential": height * 2}.get(
            self.rain_type, height // 3
        )
        length = max(1, height // 8) if self.drop_length is None else self.drop_length
        slant = draw.uniform(rng, *self.slant_range, n)
        size = (count, 2) if n is None else (n, count, 2)
        if count > 0 and height - length <= 0:
            raise ValueError(
                f"RandomRain: drop_length {length} leaves no room for drops in an image of height {height}"
            )
        if count:
            drops = rng.integers((0, 0), (width, max(height - length, 1)), size=size)
        else:  # one padding row (y = -1: no drop), so that records never hold an empty list
            drops = np.full((1, 2) if n is None else (n, 1, 2), -1, np.int64)
        return RainParams(slant, drops.astype(np.int64), int(length))

    def apply_image(self, img: Any, params: RainParams) -> Any:
        self._check(img)
        return F.rain(
            img,
            params.drops,
            params.slant,
            params.drop_length,
            self.drop_width,
            self.drop_color,
            self.blur_value,
            self.brightness_coefficient,
        )


# ----------------------------------------------------------------------------------------- RandomFog
@dataclass
class FogParams:
    intensity: Any  # fog coefficient drawn from fog_coef_range
    particles: Any  # (P, 3) or (N, P, 3) int64 circles (x, y, radius); radius -1 pads


class RandomFog(_Weather):
    """Fog: white filled circles blended one after the other with ``alpha_coef * intensity``, dense
    toward the centre, then a Gaussian blur of size ``max(3, min(H, W) // 30)`` (made odd).

    ``intensity`` is drawn from ``fog_coef_range``. With ``s = max(1, int(W // 3 * intensity))``,
    circles fill a centred ``w x h`` region (first the whole image), ``int(w h / s**2 * intensity * 10)``
    of them at uniform integer positions, and the region shrinks by 10% (at most 10 times, while
    both sides exceed ``s``); radii are uniform in ``[max(1, R // 2), R)`` with
    ``R = max(2, int(min(H, W) * 0.1 * intensity))``. RGB, uint8 or float32.

    Args:
        alpha_coef: transparency of each circle, in [0, 1].
        fog_coef_range: ``(low, high)`` within [0, 1]: the fog intensity.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> out = A.RandomFog(fog_coef_range=(0.8, 0.8), p=1)(image=np.zeros((60, 60, 3), np.uint8))["image"]
    >>> bool(out[30, 30, 0] > out[0, 0, 0])
    True
    """

    Params = FogParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"alpha_coef": 0.2, "fog_coef_range": (0.5, 0.7)}]

    def __init__(self, alpha_coef: float = 0.08, fog_coef_range: Any = (0.3, 1), p: float = 0.5) -> None:
        super().__init__(p)
        self.alpha_coef = check_number("alpha_coef", alpha_coef, 0.0, 1.0)
        self.fog_coef_range = check_range("fog_coef_range", fog_coef_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> FogParams:
        height, width = int(shape[0]), int(shape[1])
        m = _n(n)
        intensity = np.asarray(draw.uniform(rng, *self.fog_coef_range, m), np.float64)
        cx, cy = int(width / 2), int(height / 2)
        counts, widths, heights = _fog_counts(height, width, intensity)
        counts_a = counts.reshape(-1)  # (m * 10,) in sample order
        rw = np.repeat(widths.reshape(-1), counts_a)
        rh = np.repeat(heights.reshape(-1), counts_a)
        sample = np.repeat(np.repeat(np.arange(m), 10), counts_a)
        x = rng.integers(cx - rw // 2, cx + rw // 2 + 1)
        y = rng.integers(cy - rh // 2, cy + rh // 2 + 1)
        big = np.maximum(2, (min(height, width) * 0.1 * intensity).astype(np.int64))
        small = np.maximum(1, big // 2)
        r = rng.integers(small[sample], big[sample])
        rows = max(_fog_bound(height, width, *self.fog_coef_range), 1)  # one shape per image size
        particles = _pad(np.stack([x, y, r], 1).astype(np.int64), sample, m, (0, 0, -1), rows)
        return FogParams(_one(intensity, n), particles[0] if n is None else particles)

    def apply_image(self, img: Any, params: FogParams) -> Any:
        self._check(img)
        return F.fog(img, params.particles, params.intensity, self.alpha_coef)


def _fog_counts(height: int, width: int, intensity: np.ndarray, region: Any = None) -> tuple[np.ndarray, ...]:
    """Per intensity: the particle count of each of the 10 shrinking regions (0 once stopped), and
    the regions' widths and heights, as albumentations' loop computes them (``region``: the
    particle size ``max(1, int(W // 3 * intensity))`` unless given)."""
    if region is None:
        region = np.maximum(1, (width // 3 * intensity).astype(np.int64))
    cw = np.full(intensity.shape, width, np.int64)
    ch = np.full(intensity.shape, height, np.int64)
    active = np.ones(intensity.shape, bool)
    counts, widths, heights = [], [], []
    for _ in range(10):
        active &= (cw > region) & (ch > region)
        count = ((cw * ch) / (region * region) * intensity * 10).astype(np.int64)
        counts.append(np.where(active, count, 0))
        widths.append(cw)
        heights.append(ch)
        cw, ch = (cw * (1 - 0.1)).astype(np.int64), (ch * (1 - 0.1)).astype(np.int64)
    return np.stack(counts, -1), np.stack(widths, -1), np.stack(heights, -1)


@functools.lru_cache(maxsize=64)
def _fog_bound(height: int, width: int, lo: float, hi: float) -> int:
    """The most particles an intensity in ``[lo, hi]`` gives: for each value of the (stepwise) region
    size the count grows with the intensity, so the top of each step bounds it."""
    third = width // 3
    sizes = np.arange(max(int(third * lo), 1), max(int(third * hi), 1) + 1)
    tops = np.minimum((sizes + 1) / third, hi) if third else np.full(sizes.shape, hi)
    return int(_fog_counts(height, width, tops, sizes)[0].sum(axis=-1).max())


# ---------------------------------------------------------------------------------------- RandomSnow
@dataclass
class SnowParams:
    snow_point: Any
    seed: Any  # the texture's and the sparkles' fields ("texture"; 0 for "bleach")


class RandomSnow(_Weather):
    """Snow, ``snow_point`` drawn from ``snow_point_range``. RGB, uint8 or float32.

    ``"bleach"``: in HLS, the lightness of pixels below ``255 * snow_point / 2 + 255 / 3`` is
    multiplied by ``brightness_coeff`` (saturated). ``"texture"``: in HSV, ``V`` times
    ``1 + brightness_coeff * snow_point``; a texture ``T = blur(blur(0.5 + 0.3 z))`` (``z`` standard
    normal per pixel, Gaussian blurs of sigma 1) times a depth going from 1 at the top row to 0.2
    at the bottom, times ``255 * snow_point``, added to H, S and V; then
    ``0.85 x + 0.15 snow_point (0.6, 0.75, 1)``, truncated to uint8 (saturated: albumentations wraps
    around), back to RGB, and sparkles (1% of the pixels) set to white. The texture comes from a
    per-sample seed (the same on every backend).

    Args:
        brightness_coeff: brightness factor (> 0).
        snow_point_range: ``(low, high)`` within [0, 1].
        method: ``"bleach"`` or ``"texture"``.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomSnow(snow_point_range=(0.2, 0.2), brightness_coeff=2.0, p=1)
    >>> t(image=np.full((1, 2, 3), 100, np.uint8))["image"].tolist()
    [[[200, 200, 200], [200, 200, 200]]]
    """

    Params = SnowParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {},
            {"snow_point_range": (0.3, 0.5), "brightness_coeff": 1.5},
            {"method": "texture", "snow_point_range": (0.2, 0.4)},
        ]

    def __init__(
        self,
        brightness_coeff: float = 2.5,
        snow_point_range: Any = (0.1, 0.3),
        method: str = "bleach",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness_coeff = check_number("brightness_coeff", brightness_coeff, 0.0)
        if self.brightness_coeff <= 0:
            raise ValueError(f"brightness_coeff: expected a value > 0, got {brightness_coeff!r}")
        self.snow_point_range = check_range("snow_point_range", snow_point_range, 0.0, 1.0)
        self.method = check_choice("method", method, ("bleach", "texture"))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SnowParams:
        point = draw.uniform(rng, *self.snow_point_range, n)
        if self.method == "texture":
            seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
            return SnowParams(point, int(seeds) if n is None else seeds)
        return SnowParams(point, 0 if n is None else np.zeros(n, np.uint64))

    def apply_image(self, img: Any, params: SnowParams) -> Any:
        self._check(img)
        if self.method == "texture":
            return F.snow_texture(img, params.snow_point, self.brightness_coeff, params.seed)
        return F.snow_bleach(img, params.snow_point, self.brightness_coeff)


# -------------------------------------------------------------------------------------- RandomGravel
@dataclass
class GravelParams:
    rects: Any  # (R, 5) or (N, R, 5) int64 rows (y0, y1, x0, x1, lightness); empty rows pad


class RandomGravel(_Weather):
    """Gravel: small squares of random HLS lightness in ``number_of_patches`` patches of ``gravel_roi``.

    Each patch is ``W/10..W/5`` by ``H/10..H/5`` of the ROI (in pixels, ``int(coord * size)``), placed
    uniformly inside it, with ``patch_w * patch_h // 100`` particles at uniform positions ``(x, y)``
    of the patch; a particle of radius ``r`` in {1, 2, 3} sets the lightness plane to a value in
    [0, 255] on rows ``[max(y - r, 0), min(y + r, H - 1))`` and columns likewise (later particles
    win). The whole image goes through HLS and back, as in albumentations. RGB, uint8 or float32.

    Args:
        gravel_roi: ``(x_min, y_min, x_max, y_max)`` relative, with ``0 <= x_min < x_max <= 1``
            (and y likewise).
        number_of_patches: patches of gravel (>= 1).
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.full((200, 200, 3), 90, np.uint8)
    >>> out = A.RandomGravel(gravel_roi=(0, 0, 1, 1), number_of_patches=3, p=1)(image=img)["image"]
    >>> bool((out != 90).any()), out.shape
    (True, (200, 200, 3))
    """

    Params = GravelParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"gravel_roi": (0.2, 0.2, 0.8, 0.8), "number_of_patches": 5}]

    def __init__(
        self, gravel_roi: Any = (0.1, 0.4, 0.9, 0.9), number_of_patches: int = 2, p: float = 0.5
    ) -> None:
        super().__init__(p)
        if not (isinstance(gravel_roi, (tuple, list)) and len(gravel_roi) == 4):
            raise TypeError(f"gravel_roi: expected (x_min, y_min, x_max, y_max), got {show(gravel_roi)}")
        roi = tuple(check_number(f"gravel_roi[{i}]", v) for i, v in enumerate(gravel_roi))
        if not (0 <= roi[0] < roi[2] <= 1 and 0 <= roi[1] < roi[3] <= 1):
            raise ValueError(
                f"gravel_roi: expected 0 <= x_min < x_max <= 1 and 0 <= y_min < y_max <= 1, got {roi}"
            )
        self.gravel_roi = roi
        self.number_of_patches = check_int("number_of_patches", number_of_patches, 1)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GravelParams:
        height, width = int(shape[0]), int(shape[1])
        m, k = _n(n), self.number_of_patches
        x_min, y_min, x_max, y_max = (
            int(c * d) for c, d in zip(self.gravel_roi, (width, height) * 2, strict=True)
        )
        rw, rh = x_max - x_min, y_max - y_min
        most = max(k * ((rw // 5) * (rh // 5) // 100), 1)  # the largest count: one shape per image size
        if n is None:  # one image: the same draws and arithmetic on Python numbers (a few particles)
            return GravelParams(self._draw_one(rng, (height, width), (x_min, y_min, x_max, y_max), most))
        u = rng.random((4, m * k))  # integers uniform on [lo, hi] as lo + floor(u * (hi - lo + 1))
        pw = rw // 10 + (u[0] * (rw // 5 - rw // 10 + 1)).astype(np.int64)
        ph = rh // 10 + (u[1] * (rh // 5 - rh // 10 + 1)).astype(np.int64)
        px = x_min + (u[2] * (x_max - pw - x_min + 1)).astype(np.int64)
        py = y_min + (u[3] * (y_max - ph - y_min + 1)).astype(np.int64)
        count = pw * ph // 100
        sample = np.repeat(np.repeat(np.arange(m), k), count)
        v = rng.random((4, int(count.sum())))
        base = np.repeat(np.stack([px, py, pw, ph]), count, axis=1)
        x = base[0] + (v[0] * (base[2] + 1)).astype(np.int64)
        y = base[1] + (v[1] * (base[3] + 1)).astype(np.int64)
        r = 1 + (v[2] * 3).astype(np.int64)
        rows = np.empty((x.size, 5), np.int64)
        rows[:, 0], rows[:, 1] = np.maximum(y - r, 0), np.minimum(y + r, height - 1)
        rows[:, 2], rows[:, 3] = np.maximum(x - r, 0), np.minimum(x + r, width - 1)
        rows[:, 4] = v[3] * 256
        return GravelParams(_pad(rows, sample, m, (0, 0, 0, 0, 0), most))

    def _draw_one(
        self, rng: np.random.Generator, shape: tuple[int, int], roi: tuple[int, int, int, int], most: int
    ) -> np.ndarray:
        """:meth:`sample`'s rows for one image (its rows, then empty ones), drawn as the batch path
        draws them (``int`` truncates as ``astype(int64)`` for these non-negative values)."""
        height, width = shape
        x_min, y_min, x_max, y_max = roi
        rw, rh = x_max - x_min, y_max - y_min
        u0, u1, u2, u3 = rng.random((4, self.number_of_patches)).tolist()
        patches = []
        for a, b, c, d in zip(u0, u1, u2, u3, strict=True):
            pw = rw // 10 + int(a * (rw // 5 - rw // 10 + 1))
            ph = rh // 10 + int(b * (rh // 5 - rh // 10 + 1))
            px, py = x_min + int(c * (x_max - pw - x_min + 1)), y_min + int(d * (y_max - ph - y_min + 1))
            patches += [(px, py, pw, ph)] * (pw * ph // 100)
        rects = np.zeros((most, 5), np.int64)
        if not patches:
            return rects
        v = rng.random((4, len(patches)))
        if len(patches) > 24:  # many particles: NumPy's arithmetic, as the batch path
            px, py, pw, ph = np.array(patches, np.int64).T
            x, y = px + (v[0] * (pw + 1)).astype(np.int64), py + (v[1] * (ph + 1)).astype(np.int64)
            r = 1 + (v[2] * 3).astype(np.int64)
            out = rects[: len(patches)]
            out[:, 0], out[:, 1] = np.maximum(y - r, 0), np.minimum(y + r, height - 1)
            out[:, 2], out[:, 3] = np.maximum(x - r, 0), np.minimum(x + r, width - 1)
            out[:, 4] = v[3] * 256
            return rects
        rows = []
        for (px, py, pw, ph), a, b, c, d in zip(patches, *v.tolist(), strict=True):
            x, y, r = px + int(a * (pw + 1)), py + int(b * (ph + 1)), 1 + int(c * 3)
            rows.append(
                (max(y - r, 0), min(y + r, height - 1), max(x - r, 0), min(x + r, width - 1), int(d * 256))
            )
        rects[: len(rows)] = rows
        return rects

    def apply_image(self, img: Any, params: GravelParams) -> Any:
        self._check(img)
        return F.gravel(img, params.rects)


# ------------------------------------------------------------------------------------ AtmosphericFog
@dataclass
class AtmosphericFogParams:
    density: Any


class AtmosphericFog(_Weather):
    """Depth-dependent fog by the scattering equation (AlbumentationsX's AtmosphericFog):
    ``out = img * t + fog_color * (1 - t)``, ``t = exp(-density * depth)``.

    ``density`` is drawn from ``density_range``; ``depth`` in [0, 1] (1: far) is synthetic, from the
    pixel's position ``(x, y)`` in an ``H x W`` image:

    - ``"linear"``: ``1 - y / (H - 1)`` (the top far, the bottom near);
    - ``"diagonal"``: ``1 - (x / (W - 1) + y / (H - 1)) / 2`` (the top-left corner far);
    - ``"radial"``: ``|(x, y) - c| / |corner - c|`` with ``c`` the centre (the centre near).

    AlbumentationsX documents the formula and the three orderings, not its depth maps' exact
    scaling: these are xalbu's. ``fog_color`` has one value per channel, in 0-255 units (divided by
    255 for float32 images); uint8 or float32, any number of channels.

    Args:
        density_range: ``(low, high)``, >= 0: the fog density.
        fog_color: the fog's colour, one value in [0, 255] per channel of the images.
        depth_mode: ``"linear"``, ``"diagonal"`` or ``"radial"``.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.AtmosphericFog(density_range=(1.0, 1.0), fog_color=(200,), p=1)
    >>> t(image=np.zeros((3, 1), np.uint8))["image"][:, 0].tolist()
    [126, 79, 0]
    """

    Params = AtmosphericFogParams
    identity: ClassVar[dict[str, Any]] = {"density": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"density_range": (0.5, 1.5), "fog_color": (180, 190, 210), "depth_mode": "radial"}]

    def __init__(
        self,
        density_range: Any = (1.0, 3.0),
        fog_color: Any = (200, 200, 200),
        depth_mode: str = "linear",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.density_range = check_range("density_range", density_range, 0.0)
        if not (isinstance(fog_color, (tuple, list)) and len(fog_color) >= 1):
            raise TypeError(f"fog_color: expected one value per channel, got {show(fog_color)}")
        self.fog_color = tuple(
            check_number(f"fog_color[{i}]", c, 0.0, 255.0) for i, c in enumerate(fog_color)
        )
        self.depth_mode = check_choice("depth_mode", depth_mode, F.DEPTH_MODES)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> AtmosphericFogParams:
        return AtmosphericFogParams(draw.uniform(rng, *self.density_range, n))

    def _check(self, img: Any) -> None:
        if type(img) is np.ndarray and img.dtype == np.uint8 and img.shape[-1] == 3:
            return  # an RGB uint8 NumPy image (the common call) passes every check below
        name = type(self).__name__
        dtype = dtype_name(array_namespace(img), img.dtype)
        if dtype not in self.input_dtypes:
            raise TypeError(f"{name}: takes uint8 or float32 images, got image dtype {dtype}")
        channels = int(img.shape[-1])
        if channels != len(self.fog_color):
            raise ValueError(
                f"{name}: fog_color has {len(self.fog_color)} value(s) but the image has {channels} channel(s)"
            )
        check_unit_range(name, img)

    def apply_image(self, img: Any, params: AtmosphericFogParams) -> Any:
        self._check(img)
        return F.atmospheric_fog(img, params.density, self.fog_color, self.depth_mode)
