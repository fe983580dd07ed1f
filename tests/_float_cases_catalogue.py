"""Non-finite float pixels in the catalogue's neighbourhood and noise transforms (blur, sharpen,
noise, quality, tone extras): cases for ``tests/test_float_pixels.py``.

These are checked by value rather than against a reference: outputs are float32, every value that
is not NaN lies in [0, 1] (infinities saturate; transforms that only select input values, listed in
``SELECTING``, keep them as they are, as ``ChannelShuffle`` does), and a non-finite pixel changes only its own
neighbourhood: every pixel farther than the case's radius (Chebyshev distance, in pixels) from all
special pixels is finite. A radius of ``None`` skips the locality check (ZoomBlur spreads along
rays to the border; error diffusion carries the error along the scan order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

import xalbu as A

_REF = np.linspace(0.2, 0.9, 4 * 5 * 3, dtype=np.float32).reshape(4, 5, 3)  # domain transforms' reference


def _same(ref: np.ndarray) -> np.ndarray:
    return ref


# name -> (transform factory, radius of the neighbourhood a non-finite pixel may change)
LOCAL_CASES: dict[str, tuple[Callable[[], Any], int | None]] = {
    "Blur": (lambda: A.Blur(blur_limit=(3, 3), p=1), 1),
    "GaussianBlur": (lambda: A.GaussianBlur(blur_limit=(3, 3), sigma_limit=(1, 1), p=1), 1),
    "MedianBlur": (lambda: A.MedianBlur(blur_limit=(3, 3), p=1), 1),
    "MotionBlur": (lambda: A.MotionBlur(blur_limit=(3, 3), p=1), 1),
    "Defocus": (lambda: A.Defocus(radius=(1, 1), alias_blur=(0.1, 0.1), p=1), 4),
    "AdvancedBlur": (lambda: A.AdvancedBlur(blur_limit=(3, 3), p=1), 1),
    "GlassBlur": (lambda: A.GlassBlur(sigma=0.5, max_delta=1, iterations=1, p=1), 6),
    "ZoomBlur": (lambda: A.ZoomBlur(max_factor=(1.05, 1.05), p=1), None),
    "Sharpen": (lambda: A.Sharpen(alpha=(0.5, 0.5), lightness=(1, 1), p=1), 1),
    "Emboss": (lambda: A.Emboss(alpha=(0.5, 0.5), strength=(0.5, 0.5), p=1), 1),
    "UnsharpMask": (lambda: A.UnsharpMask(blur_limit=(3, 3), alpha=(0.5, 0.5), threshold=5, p=1), 2),
    "Superpixels": (lambda: A.Superpixels(p_replace=(0.5, 0.5), n_segments=(20, 20), p=1), None),
    "RingingOvershoot": (lambda: A.RingingOvershoot(blur_limit=(7, 7), p=1), 3),
    "GaussNoise": (lambda: A.GaussNoise(std_range=(0.1, 0.1), p=1), 0),
    "ISONoise": (lambda: A.ISONoise(p=1), 0),
    "MultiplicativeNoise": (lambda: A.MultiplicativeNoise(multiplier=(0.9, 1.1), elementwise=True, p=1), 0),
    "SaltAndPepper": (lambda: A.SaltAndPepper(p=1), 0),
    "ShotNoise": (lambda: A.ShotNoise(p=1), 0),
    "AdditiveNoise": (lambda: A.AdditiveNoise(p=1), 0),
    "FilmGrain": (lambda: A.FilmGrain(p=1), 0),
    "ImageCompression": (lambda: A.ImageCompression(quality_range=(50, 50), p=1), 16),
    "Downscale": (lambda: A.Downscale(scale_range=(0.5, 0.5), p=1), 4),
    "Vignetting": (lambda: A.Vignetting(p=1), 0),
    "Dithering": (lambda: A.Dithering(p=1), None),
    "Halftone": (lambda: A.Halftone(dot_size_range=(4, 4), p=1), 4),
    "HEStain": (lambda: A.HEStain(method="preset", p=1), 0),  # estimators skip non-finite pixels
    "HEStain_macenko": (lambda: A.HEStain(method="macenko", augment_background=True, p=1), 0),
    "HEStain_vahadane": (lambda: A.HEStain(method="vahadane", p=1), 0),
    "ChannelSwap": (lambda: A.ChannelSwap(p=1), 0),  # moves values: non-finite ones kept, as ChannelShuffle
    "PhotoMetricDistort": (
        lambda: A.PhotoMetricDistort(distort_p=1, p=1),
        0,
    ),  # ColorJitter steps, a permutation
    # weather: float32 goes through uint8 (NaN reads 0, infinities saturate): every output is finite
    "RandomRain": (lambda: A.RandomRain(p=1), 0),
    "RandomFog": (lambda: A.RandomFog(p=1), 0),
    "RandomSnow": (lambda: A.RandomSnow(p=1), 0),
    "RandomGravel": (lambda: A.RandomGravel(p=1), 0),
    "AtmosphericFog": (lambda: A.AtmosphericFog(p=1), 0),  # float32 maths: NaN stays NaN, inf saturates
    # lighting: pointwise (the flare layer and shadows do not depend on the pixels); floats clipped first
    "RandomShadow": (lambda: A.RandomShadow(shadow_roi=(0, 0, 1, 1), p=1), 0),
    "PlasmaShadow": (lambda: A.PlasmaShadow(p=1), 0),
    "RandomSunFlare": (lambda: A.RandomSunFlare(src_radius=20, p=1), 0),
    "RandomSunFlare_physics": (lambda: A.RandomSunFlare(src_radius=20, method="physics_based", p=1), 0),
    # domain: whole-image statistics / spectra (FDA spreads a non-finite value everywhere); text: levels
    "FDA": (lambda: A.FDA(reference_images=[_REF], read_fn=_same, beta_limit=(0.1, 0.2), p=1), None),
    "HistogramMatching": (lambda: A.HistogramMatching(reference_images=[_REF], read_fn=_same, p=1), None),
    "PixelDistributionAdaptation": (
        lambda: A.PixelDistributionAdaptation(reference_images=[_REF], read_fn=_same, p=1),
        None,
    ),
    "TextImage": (lambda: A.TextImage(font_path=None, p=1), 0),  # no boxes given: the image's levels
    "Spatter": (lambda: A.Spatter(p=1), 0),  # float32 maths per pixel: NaN stays NaN, inf saturates
    "LensFlare": (lambda: A.LensFlare(p=1), 0),  # flare layer independent of the pixels; floats clipped first
}


# a median picks one of its window's values; salt and pepper replaces some pixels and keeps the others
SELECTING = {"MedianBlur", "SaltAndPepper", "ChannelSwap"}


def check_local(name: str, got: np.ndarray, x: np.ndarray) -> None:
    """``got`` (the output for ``x``, HWC) follows the rules of the module docstring."""
    _, radius = LOCAL_CASES[name]
    assert got.dtype == np.float32 and got.shape == x.shape, (name, got.dtype, got.shape)
    values = got[np.isfinite(got) if name in SELECTING else ~np.isnan(got)]
    assert values.size == 0 or (values.min() >= 0.0 and values.max() <= 1.0), (
        name,
        values.min(),
        values.max(),
    )
    if radius is None:
        return
    special = (~np.isfinite(x)).any(-1).astype(np.uint8)
    near = cv2.dilate(special, np.ones((2 * radius + 1, 2 * radius + 1), np.uint8), borderValue=0)
    far = near == 0
    assert np.isfinite(got[far]).all(), f"{name}: a non-finite pixel reached pixels farther than {radius} px"
