"""Sharpening and filter transforms: Sharpen, Emboss, UnsharpMask, RingingOvershoot, Superpixels.

Each builds a small convolution kernel on the host from its drawn parameters
(:mod:`xalbu.functional.sharpen`; ``(N, k, k)`` for a batch with per-sample parameters) and
correlates the image with it through the shared :func:`~xalbu.functional._filter.convolve`
(``cv2.filter2D`` on the CPU, one CUDA launch per batch on CuPy): Sharpen's and Emboss's 3x3 kernels
through the kernels ``sharpen`` / ``emboss`` (which are ``convolve`` but for faster OpenCV paths on
integer images). UnsharpMask has a kernel of its own (:func:`~xalbu.functional.sharpen.unsharp_mask`).
Samples of a batch that are not applied run with identity parameters (``alpha = 0``, or a
``1 x 1`` kernel), which return them unchanged.

They take uint8, uint16 and float32 images with any number of channels; float images are expected
in [0, 1] (results are clipped to it, so a 0-255 float image is refused with
:func:`~xalbu.functional._utils.check_unit_range`). Superpixels (a SLIC segmentation whose segments
are replaced by their means) lives in ``_superpixels.py`` and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.validation import check_choice, check_int, check_number, check_range
from ..functional import sharpen as F
from ..functional._filter import convolve
from ..functional._utils import check_unit_range
from ._common import _PixelTransform, draw_odd, odd_limit

__all__ = [
    "Emboss",
    "RingingOvershoot",
    "Sharpen",
    "UnsharpMask",
]


def _zero_to(name: str, value: Any, lo: float, hi: float | None) -> tuple[float, float]:
    """albumentations' ``(0, v)`` reading of a single number, else a ``(low, high)`` pair in [lo, hi]."""
    if isinstance(value, Real) and not isinstance(value, bool):
        value = (0.0, check_number(name, value, lo, hi))
    return check_range(name, value, lo, hi)


def _filtered(t: Any, img: Any, kernel: np.ndarray) -> Any:
    check_unit_range(type(t).__name__, img)
    return convolve(img, kernel)


# ------------------------------------------------------------------------------------------- Sharpen
@dataclass
class SharpenParams:
    alpha: Any  # visibility of the sharpened image: 0 keeps the input
    lightness: Any  # "kernel" method: the Laplacian's centre is 8 + lightness


class Sharpen(_PixelTransform):
    """Sharpen: ``method="kernel"`` blends the image with a Laplacian sharpening (a 3x3 kernel of
    ``-1`` around ``8 + lightness``) by ``alpha``; ``method="gaussian"`` adds ``alpha`` times the
    difference between the image and its Gaussian blur (``kernel_size``, ``sigma``).

    ``alpha`` (in [0, 1]) and ``lightness`` (>= 0) are drawn per image from their ranges; an even
    ``kernel_size`` means the next odd one. uint8, uint16, float32; any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Sharpen(alpha=(1, 1), lightness=(1, 1), p=1)  # -1 around a centre of 9
    >>> t(image=np.array([[10, 10, 10], [10, 20, 10], [10, 10, 10]], np.uint8))["image"][1].tolist()
    [0, 100, 0]
    """

    Params = SharpenParams
    identity: ClassVar[dict[str, Any]] = {"alpha": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"alpha": (0.2, 0.5), "lightness": (0.5, 1.0)},
            {"alpha": (0.5, 1.0), "method": "gaussian", "kernel_size": 5, "sigma": 1.0},
            {"alpha": (0.1, 0.3), "method": "gaussian", "kernel_size": 4, "sigma": 2.5},
        ]

    def __init__(
        self,
        alpha: Any = (0.2, 0.5),
        lightness: Any = (0.5, 1.0),
        method: str = "kernel",
        kernel_size: int = 5,
        sigma: float = 1.0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)
        self.lightness = check_range("lightness", lightness, 0.0)
        self.method = check_choice("method", method, ("kernel", "gaussian"))
        self.kernel_size = check_int("kernel_size", kernel_size, 3)
        self.sigma = check_number("sigma", sigma)
        if self.sigma <= 0:
            raise ValueError(f"sigma: expected a value > 0, got {self.sigma:g}")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SharpenParams:
        alpha = draw.uniform(rng, *self.alpha, n)
        lightness = draw.uniform(rng, *self.lightness, n) if self.method == "kernel" else 0.0
        return SharpenParams(alpha, lightness)

    def apply_image(self, img: Any, params: SharpenParams) -> Any:
        if self.method == "kernel":
            check_unit_range(type(self).__name__, img)
            return F.sharpen(img, params.alpha, params.lightness)
        return _filtered(self, img, F.gaussian_sharpen_kernel(params.alpha, self.kernel_size | 1, self.sigma))


# -------------------------------------------------------------------------------------------- Emboss
@dataclass
class EmbossParams:
    alpha: Any  # visibility of the embossed image: 0 keeps the input
    strength: Any


class Emboss(_PixelTransform):
    """Emboss: blend the image by ``alpha`` with its relief, the 3x3 kernel
    ``[[-1-s, -s, 0], [-s, 1, s], [0, s, 1+s]]`` with ``s`` the strength.

    ``alpha`` (in [0, 1]) and ``strength`` (>= 0) are drawn per image from their ranges. uint8,
    uint16, float32; any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.Emboss(alpha=(1, 1), strength=(0, 0), p=1)  # x - top-left + bottom-right
    >>> t(image=np.array([[0, 0, 0], [0, 50, 0], [0, 0, 90]], np.uint8))["image"][1].tolist()
    [0, 140, 0]
    """

    Params = EmbossParams
    identity: ClassVar[dict[str, Any]] = {"alpha": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"alpha": (0.2, 0.5), "strength": (0.2, 0.7)}, {"alpha": (0.6, 1.0), "strength": (1.0, 2.0)}]

    def __init__(self, alpha: Any = (0.2, 0.5), strength: Any = (0.2, 0.7), p: float = 0.5) -> None:
        super().__init__(p)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)
        self.strength = check_range("strength", strength, 0.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> EmbossParams:
        return EmbossParams(draw.uniform(rng, *self.alpha, n), draw.uniform(rng, *self.strength, n))

    def apply_image(self, img: Any, params: EmbossParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.emboss(img, params.alpha, params.strength)


# --------------------------------------------------------------------------------------- UnsharpMask
@dataclass
class UnsharpMaskParams:
    ksize: Any  # odd Gaussian size
    sigma: Any  # Gaussian sigma (0: from the size, as OpenCV)
    alpha: Any  # visibility of the sharpened image: 0 keeps the input


class UnsharpMask(_PixelTransform):
    """Unsharp masking: ``x + alpha (x - blur(x))`` where the image differs from its Gaussian blur
    by more than ``threshold`` (8-bit levels), blended in through a blurred mask.

    ``blur_limit``: odd Gaussian sizes ``(low, high)`` (``v`` means ``(3, v)``); ``sigma_limit``:
    ``(low, high)`` >= 0, ``v`` means ``(0, v)``, 0 derives sigma from the size as OpenCV;
    ``alpha``: ``(low, high)`` in [0, 1], ``v`` means ``(0, v)``; ``threshold``: an int in
    [0, 255], in 8-bit levels whatever the dtype. uint8, uint16, float32; any number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.UnsharpMask(blur_limit=(3, 3), alpha=(1, 1), threshold=0, p=1)
    >>> img = np.full((5, 5), 100, np.uint8); img[2, 2] = 200
    >>> t(image=img)["image"][2].tolist()  # the peak saturates, its neighbours darken
    [100, 91, 255, 91, 100]
    """

    Params = UnsharpMaskParams
    identity: ClassVar[dict[str, Any]] = {"alpha": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"blur_limit": (3, 7), "sigma_limit": 0.0, "alpha": (0.2, 0.5), "threshold": 10},
            {"blur_limit": (5, 9), "sigma_limit": (0.5, 2.0), "alpha": (0.5, 1.0), "threshold": 0},
            {"blur_limit": 11, "sigma_limit": 1.5, "alpha": 0.7, "threshold": 40},
        ]

    def __init__(
        self,
        blur_limit: Any = (3, 7),
        sigma_limit: Any = 0.0,
        alpha: Any = (0.2, 0.5),
        threshold: int = 10,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.blur_limit = odd_limit("blur_limit", blur_limit, 3)
        self.sigma_limit = _zero_to("sigma_limit", sigma_limit, 0.0, None)
        self.alpha = _zero_to("alpha", alpha, 0.0, 1.0)
        self.threshold = check_int("threshold", threshold, 0, 255)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> UnsharpMaskParams:
        ksize = draw_odd(rng, *self.blur_limit, n)
        sigma = draw.uniform(rng, *self.sigma_limit, n)
        return UnsharpMaskParams(ksize, sigma, draw.uniform(rng, *self.alpha, n))

    def apply_image(self, img: Any, params: UnsharpMaskParams) -> Any:
        check_unit_range(type(self).__name__, img)
        taps = F.gaussian_taps(params.ksize, params.sigma)
        return F.unsharp_mask(img, taps, params.alpha, self.threshold)


# ---------------------------------------------------------------------------------- RingingOvershoot
@dataclass
class RingingOvershootParams:
    ksize: Any  # odd sinc kernel size (1: the identity)
    cutoff: Any  # cutoff frequency, radians per pixel


class RingingOvershoot(_PixelTransform):
    """Ringing and overshoot artefacts: convolve with a circularly symmetric sinc low-pass kernel
    (``cutoff * J1(cutoff r) / (2 pi r)``, normalised), whose side lobes ring at edges.

    ``blur_limit``: odd kernel sizes ``(low, high)`` (``v`` means ``(3, v)``); ``cutoff``:
    ``(low, high)`` in [0, pi], radians per pixel (lower rings more). uint8, uint16, float32; any
    number of channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.RingingOvershoot(blur_limit=(7, 7), cutoff=(1, 1), p=1)
    >>> out = t(image=np.full((9, 9), 80, np.uint8))["image"]  # a flat image stays flat
    >>> int(out.min()), int(out.max())
    (80, 80)
    """

    Params = RingingOvershootParams
    identity: ClassVar[dict[str, Any]] = {"ksize": 1}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"blur_limit": (7, 15), "cutoff": (np.pi / 4, np.pi / 2)},
            {"blur_limit": 9, "cutoff": (0.3, 1.0)},
        ]

    def __init__(
        self, blur_limit: Any = (7, 15), cutoff: Any = (np.pi / 4, np.pi / 2), p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.blur_limit = odd_limit("blur_limit", blur_limit, 3)
        self.cutoff = check_range("cutoff", cutoff, 0.0, np.pi)

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> RingingOvershootParams:
        ksize = draw_odd(rng, *self.blur_limit, n)
        return RingingOvershootParams(ksize, draw.uniform(rng, *self.cutoff, n))

    def apply_image(self, img: Any, params: RingingOvershootParams) -> Any:
        return _filtered(self, img, F.sinc_kernel(params.ksize, params.cutoff))


# Superpixels: in ._superpixels (a file of its own for size), re-exported as this family's
from ._superpixels import Superpixels  # noqa: E402

__all__ += ["Superpixels"]
