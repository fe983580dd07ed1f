"""Tone transforms of the extras (AlbumentationsX's additions; not in albumentations 2.0.8): Vignetting,
Dithering, Halftone.

Re-exported by :mod:`xalbu.transforms.tone` (listed in its ``__all__``); each class names that module
as its own, so its family, docs and serialization are the tone family's. Kept here for the size of
``tone.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.validation import check_bool, check_choice, check_int, check_range
from ..functional import _tone_extras as F
from ..functional._utils import check_unit_range
from ._common import _PixelTransform

_FAMILY = "xalbu.transforms.tone"


# -------------------------------------------------------------------------------------- Vignetting
@dataclass
class VignettingParams:
    intensity: Any  # darkening at r^2 = 1 (the corners of a centred vignette)
    center_x: Any  # fractions of the width / height
    center_y: Any


class Vignetting(_PixelTransform):
    """Darken the edges with an elliptical gradient (lens vignetting, light fall-off).

    Each pixel is multiplied by ``clip(1 - intensity * r^2, 0, 1)``, ``r^2`` the squared distance of
    the pixel's centre from the vignette's centre in half-widths and half-heights, halved: a centred
    vignette leaves its centre alone and darkens the image's corners by ``intensity`` (0 no effect,
    1 black), with a quadratic fall-off. ``intensity_range`` (within [0, 1]): its strength;
    ``center_range`` (within [0, 1]): the centre's position, drawn independently for x and y as
    fractions of the width and height. AlbumentationsX's transform (2.1); albumentations 2.0.8 has
    none. uint8, uint16 and float32 (clipped to [0, 1]); any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Vignetting(intensity_range=(0.5, 0.5), center_range=(0.5, 0.5), p=1)
    >>> t(image=np.full((1, 2), 100, np.uint8))["image"].tolist()
    [[94, 94]]
    """

    __module__ = _FAMILY
    Params = VignettingParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"intensity_range": (0.2, 0.5), "center_range": (0.3, 0.7)},
            {"intensity_range": (0.8, 1.0), "center_range": (0.0, 1.0)},
        ]

    def __init__(
        self, intensity_range: Any = (0.2, 0.5), center_range: Any = (0.3, 0.7), p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.intensity_range = check_range("intensity_range", intensity_range, 0.0, 1.0)
        self.center_range = check_range("center_range", center_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> VignettingParams:
        intensity = draw.uniform(rng, *self.intensity_range, n)
        cx = draw.uniform(rng, *self.center_range, n)
        cy = draw.uniform(rng, *self.center_range, n)
        return VignettingParams(intensity, cx, cy)

    def apply_image(self, img: Any, params: VignettingParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.vignette(img, params.intensity, params.center_x, params.center_y)


# --------------------------------------------------------------------------------------- Dithering
@dataclass
class DitheringParams:
    seed: Any  # int, or (N,) uint64: the "random" method's noise


class Dithering(_PixelTransform):
    """Reduce every channel to ``n_colors`` levels with dithering (retro, print-like quantisation).

    ``method``: ``"error_diffusion"`` (each pixel's rounding error is spread to its unvisited
    neighbours with ``error_diffusion_algorithm``'s weights: ``"floyd_steinberg"``, ``"jarvis"``,
    ``"stucki"``, ``"atkinson"``, ``"burkes"``, ``"sierra"``, ``"sierra_2row"``, ``"sierra_lite"``; rows
    alternate direction with ``serpentine``), ``"ordered"`` (a tiled Bayer threshold matrix of
    ``bayer_matrix_size`` 2, 4, 8 or 16) or ``"random"`` (uniform noise from ``noise_range``, within
    [-1, 1] quantisation steps, added before rounding; drawn per image from a counter-based seed).
    ``n_colors`` (2..256): the levels kept per channel, evenly spaced from 0 to the dtype's max.
    ``color_mode``: ``"per_channel"`` (channels independently), ``"grayscale"`` (the luminance, Rec.
    601 for RGB or the channels' mean, dithered once and written to every channel) or ``"rgb"`` (as
    per_channel, for 3-channel images only). AlbumentationsX's transform (2.1); albumentations 2.0.8
    has none. uint8, uint16 and float32 (clipped to [0, 1]; NaN stays NaN); any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Dithering(method="ordered", n_colors=2, bayer_matrix_size=2, p=1)
    >>> t(image=np.full((2, 2), 100, np.uint8))["image"].tolist()
    [[0, 255], [255, 0]]
    """

    __module__ = _FAMILY
    Params = DitheringParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"method": "error_diffusion", "n_colors": 2},
            {"method": "ordered", "n_colors": 4, "bayer_matrix_size": 8, "color_mode": "grayscale"},
            {"method": "random", "n_colors": 8, "noise_range": (-0.3, 0.3)},
            {
                "method": "error_diffusion",
                "n_colors": 3,
                "error_diffusion_algorithm": "jarvis",
                "serpentine": True,
            },
        ]

    def __init__(
        self,
        method: str = "error_diffusion",
        n_colors: int = 2,
        color_mode: str = "per_channel",
        error_diffusion_algorithm: str = "floyd_steinberg",
        bayer_matrix_size: int = 4,
        serpentine: bool = False,
        noise_range: Any = (-0.5, 0.5),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.method = check_choice("method", method, ("random", "ordered", "error_diffusion"))
        self.n_colors = check_int("n_colors", n_colors, 2, 256)
        self.color_mode = check_choice("color_mode", color_mode, ("per_channel", "grayscale", "rgb"))
        self.error_diffusion_algorithm = check_choice(
            "error_diffusion_algorithm", error_diffusion_algorithm, tuple(F.DIFFUSION)
        )
        self.bayer_matrix_size = check_choice(
            "bayer_matrix_size", check_int("bayer_matrix_size", bayer_matrix_size), (2, 4, 8, 16)
        )
        self.serpentine = check_bool("serpentine", serpentine)
        self.noise_range = check_range("noise_range", noise_range, -1.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> DitheringParams:
        seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)  # one 64-bit seed per image
        return DitheringParams(int(seeds) if n is None else seeds)

    def apply_image(self, img: Any, params: DitheringParams) -> Any:
        name = type(self).__name__
        check_unit_range(name, img)
        if self.color_mode == "rgb" and int(img.shape[-1]) != 3:
            raise ValueError(
                f"{name}: color_mode='rgb' needs a 3-channel RGB image, got {int(img.shape[-1])} channels"
            )
        gray = self.color_mode == "grayscale"
        if self.method == "ordered":
            return F.ordered_dither(img, self.n_colors, self.bayer_matrix_size, gray)
        if self.method == "random":
            lo, hi = self.noise_range
            return F.random_dither(img, params.seed, self.n_colors, float(lo), float(hi), gray)
        return F.error_diffusion_dither(
            img, self.n_colors, self.error_diffusion_algorithm, self.serpentine, gray
        )


# ---------------------------------------------------------------------------------------- Halftone
@dataclass
class HalftoneParams:
    dot_size: Any  # int >= 1: the grid cell's side in pixels
    blend: Any  # weight of the original image (1 keeps it)


class Halftone(_PixelTransform):
    """Halftone printing: continuous tones become dots of varying size on a grid.

    The image is cut into square cells of ``dot_size`` pixels (drawn from ``dot_size_range``, integers
    >= 1, both ends included; from the top-left, the last cells cut at the border). Each cell is drawn
    as a filled circle of its mean colour on black, centred in the cell, of radius ``L * d / sqrt(2)``
    with ``L`` the mean's luminance in [0, 1] (Rec. 601 for RGB, the channels' mean otherwise): bright
    cells get large dots (white fills its cell), dark ones small. The result is blended with the
    original, ``blend`` drawn from ``blend_range`` (within [0, 1]: 0 pure halftone, 1 the original).
    AlbumentationsX's transform (2.1); albumentations 2.0.8 has none. uint8, uint16 and float32
    (clipped to [0, 1]; a NaN pixel counts as 0 in its cell's mean and stays NaN); any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Halftone(dot_size_range=(2, 2), blend_range=(0, 0), p=1)
    >>> t(image=np.full((2, 4), 255, np.uint8))["image"].tolist()  # white cells are filled
    [[255, 255, 255, 255], [255, 255, 255, 255]]
    """

    __module__ = _FAMILY
    Params = HalftoneParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"dot_size_range": (4, 10), "blend_range": (0.0, 0.5)},
            {"dot_size_range": (2, 3), "blend_range": (0.5, 1.0)},
        ]

    def __init__(self, dot_size_range: Any = (4, 10), blend_range: Any = (0.0, 0.5), p: float = 0.5) -> None:
        super().__init__(p)
        self.dot_size_range = check_range("dot_size_range", dot_size_range, 1, None, integer=True)
        self.blend_range = check_range("blend_range", blend_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> HalftoneParams:
        lo, hi = (int(v) for v in self.dot_size_range)
        dot = draw.integers(rng, lo, hi + 1, n)
        return HalftoneParams(dot, draw.uniform(rng, *self.blend_range, n))

    def apply_image(self, img: Any, params: HalftoneParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.halftone(img, params.dot_size, params.blend)


__all__ = ["Dithering", "Halftone", "Vignetting"]
