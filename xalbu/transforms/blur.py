"""Blur transforms: box, Gaussian, median, motion, defocus, zoom, glass and advanced (anisotropic) blurs.

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.blur`. Kernel sizes are drawn per sample
on the host; a batch runs the samples that are not applied with the identity (a 1x1 kernel).

They take uint8, uint16 and float32 images with any number of channels. Float images live in [0, 1]:
one far outside it (a 0-255 float image) is refused with
:func:`~xalbu.functional._utils.check_unit_range`, since results are clipped to [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.compat import Rule
from ..core.validation import check_bool, check_choice, check_int, check_number, check_range
from ..functional import _filter as FF
from ..functional import blur as F
from ..functional._utils import check_unit_range
from ._common import _PixelTransform, draw_odd, largest_odd, odd_limit

__all__ = [
    "AdvancedBlur",
    "Blur",
    "Defocus",
    "GaussianBlur",
    "GlassBlur",
    "MedianBlur",
    "MotionBlur",
    "ZoomBlur",
]


class _Blur(_PixelTransform):
    _abstract = True

    def _check(self, img: Any) -> None:
        check_unit_range(type(self).__name__, img)


# --------------------------------------------------------------------------------------------- Blur
@dataclass
class BlurParams:
    ksize: Any  # odd kernel size (1: identity)


class Blur(_Blur):
    """Box blur: the mean over a ``k x k`` window, ``k`` drawn from the odd sizes of ``blur_limit``.

    Args:
        blur_limit: ``(low, high)`` kernel sizes (odd, at least 3), or ``high`` for ``(3, high)``;
            even sizes are raised to the next odd one with a warning, as albumentations does.
        p: probability of applying the transform.

    Borders reflect (``dc|abcd|cb``), as ``cv2.blur``. uint8, uint16, float32; any channels.

    >>> import numpy as np, xalbu as A
    >>> A.Blur(blur_limit=(3, 3), p=1)(image=np.array([[0, 0, 3, 0, 0]], np.uint8))["image"].tolist()
    [[0, 1, 1, 1, 0]]
    """

    Params = BlurParams
    identity: ClassVar[dict[str, Any]] = {"ksize": 1}
    _kernel = staticmethod(F.box_blur)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"blur_limit": (3, 7)}, {"blur_limit": 5}, {"blur_limit": (9, 9)}]

    def __init__(self, blur_limit: Any = (3, 7), p: float = 0.5) -> None:
        super().__init__(p)
        self.blur_limit = odd_limit("blur_limit", blur_limit, 3)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> BlurParams:
        return BlurParams(draw_odd(rng, *self.blur_limit, n))

    def apply_image(self, img: Any, params: BlurParams) -> Any:
        self._check(img)
        return type(self)._kernel(img, params.ksize)


# --------------------------------------------------------------------------------------- MedianBlur
class MedianBlur(Blur):
    """Median blur: the median of a ``k x k`` window, ``k`` drawn from the odd sizes of ``blur_limit``.

    Args:
        blur_limit: ``(low, high)`` kernel sizes (odd, at least 3), or ``high`` for ``(3, high)``.
        p: probability of applying the transform.

    The border repeats the edge pixels, as ``cv2.medianBlur``. uint8, uint16 and float32 keep their
    values (albumentations converts uint16 and float32 images to uint8 and back, losing precision);
    any channels.

    >>> import numpy as np, xalbu as A
    >>> A.MedianBlur(blur_limit=(3, 3), p=1)(image=np.array([[9, 1, 5, 7]], np.uint8))["image"].tolist()
    [[9, 5, 5, 7]]
    """

    _kernel = staticmethod(F.median_blur)
    albumentations_ignores_unknown = False  # its constructor has no validation wrapper there


# ------------------------------------------------------------------------------------- GaussianBlur
@dataclass
class GaussianBlurParams:
    sigma: Any
    ksize: Any  # 0: from sigma; 1: identity


class GaussianBlur(_Blur):
    """Gaussian blur with albumentations' kernel: ``sigma`` drawn from ``sigma_limit``, the size from
    ``blur_limit`` (0: ``int(sigma * 3.5) * 2 + 1``; an even size grows by one).

    Args:
        blur_limit: ``(low, high)`` kernel sizes, drawn as integers (0 means from sigma), or ``high``
            for ``(0, high)``.
        sigma_limit: ``(low, high)`` standard deviations (>= 0), or ``high`` for ``(0, high)``.
        p: probability of applying the transform.

    Separable filter, reflect-101 borders. uint8, uint16, float32; any channels. ``sigma = 0`` gives
    the identity (albumentations' kernel is NaN there).

    >>> import numpy as np, xalbu as A
    >>> img = np.zeros((3, 3), np.uint8); img[1, 1] = 100
    >>> A.GaussianBlur(blur_limit=(3, 3), sigma_limit=(1, 1), p=1)(image=img)["image"][1, 1]
    np.uint8(20)
    """

    Params = GaussianBlurParams
    identity: ClassVar[dict[str, Any]] = {"ksize": 1}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"sigma_limit": (0.5, 3.0)},
            {"blur_limit": (3, 7), "sigma_limit": 1.5},
            {"blur_limit": 9, "sigma_limit": (1.0, 2.0)},
        ]

    def __init__(self, blur_limit: Any = 0, sigma_limit: Any = (0.5, 3.0), p: float = 0.5) -> None:
        super().__init__(p)
        if isinstance(blur_limit, Real) and not isinstance(blur_limit, bool):
            blur_limit = (0, check_int("blur_limit", blur_limit, 0))
        low, high = check_range("blur_limit", blur_limit, 0, integer=True)
        self.blur_limit = (int(low), int(high))
        if isinstance(sigma_limit, Real) and not isinstance(sigma_limit, bool):
            sigma_limit = tuple(sorted((0.0, float(check_range("sigma_limit", sigma_limit, 0)[0]))))
        self.sigma_limit = check_range("sigma_limit", sigma_limit, 0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GaussianBlurParams:
        sigma = draw.uniform(rng, *self.sigma_limit, n)
        ksize = draw.integers(rng, self.blur_limit[0], self.blur_limit[1] + 1, n)
        return GaussianBlurParams(sigma, ksize)

    def apply_image(self, img: Any, params: GaussianBlurParams) -> Any:
        self._check(img)
        return F.gaussian_blur(img, params.sigma, params.ksize)


# --------------------------------------------------------------------------------------- MotionBlur
@dataclass
class MotionBlurParams:
    ksize: Any  # odd kernel size (1: identity)
    angle: Any  # degrees
    direction: Any  # in [-1, 1]
    shift_x: Any  # in [-1, 1], times ksize // 4 pixels
    shift_y: Any


class MotionBlur(_Blur):
    """Motion blur: the mean along a line through the kernel's centre (albumentations' kernel).

    Args:
        blur_limit: ``(low, high)`` kernel sizes (odd, at least 3), or ``high`` for ``(3, high)``.
        allow_shifted: move the line off the centre by up to a quarter of the kernel size.
        angle_range: ``(low, high)`` line angles in degrees, within [0, 360].
        direction_range: ``(low, high)`` within [-1, 1]: -1 blurs only backward along the line, 1 only
            forward, 0 symmetrically.
        p: probability of applying the transform.

    The kernel is drawn on the host (per sample in a batch) and applied with
    :func:`~xalbu.functional._filter.convolve` (reflect-101 borders). uint8, uint16, float32; any
    channels.

    >>> import numpy as np, xalbu as A
    >>> t = A.MotionBlur(blur_limit=(3, 3), angle_range=(0, 0), direction_range=(0, 0), allow_shifted=False, p=1)
    >>> t(image=np.array([[0, 0, 3, 0, 0]], np.uint8))["image"].tolist()
    [[0, 1, 1, 1, 0]]
    """

    Params = MotionBlurParams
    identity: ClassVar[dict[str, Any]] = {"ksize": 1}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"blur_limit": (3, 7)},
            {"blur_limit": 9, "allow_shifted": False, "angle_range": (30, 60), "direction_range": (0.0, 0.5)},
        ]

    def __init__(
        self,
        blur_limit: Any = (3, 7),
        allow_shifted: bool = True,
        angle_range: Any = (0, 360),
        direction_range: Any = (-1.0, 1.0),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.blur_limit = odd_limit("blur_limit", blur_limit, 3)
        self.allow_shifted = check_bool("allow_shifted", allow_shifted)
        self.angle_range = check_range("angle_range", angle_range, 0, 360)
        self.direction_range = check_range("direction_range", direction_range, -1.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> MotionBlurParams:
        ksize = draw_odd(rng, *self.blur_limit, n)
        angle = draw.uniform(rng, *self.angle_range, n)
        direction = draw.uniform(rng, *self.direction_range, n)
        if self.allow_shifted:
            shift_x, shift_y = draw.uniform(rng, -1.0, 1.0, n), draw.uniform(rng, -1.0, 1.0, n)
        else:
            shift_x = shift_y = 0.0 if n is None else np.zeros(n)
        return MotionBlurParams(ksize, angle, direction, shift_x, shift_y)

    def apply_image(self, img: Any, params: MotionBlurParams) -> Any:
        self._check(img)
        k = F.motion_kernels(params.ksize, params.angle, params.direction, params.shift_x, params.shift_y)
        return FF.convolve(img, k)


# ------------------------------------------------------------------------------------------ Defocus
@dataclass
class DefocusParams:
    radius: Any  # disc radius in pixels (0: identity)
    alias_blur: Any  # sigma of the Gaussian that smooths the disc


def _low_range(name: str, value: Any, low: float, *, integer: bool = False) -> tuple[float, float]:
    """albumentations' ``to_tuple(value, low)``: ``v`` means ``(low, v)`` (sorted); a pair stays; both >= low."""
    if isinstance(value, Real) and not isinstance(value, bool):
        v = check_range(name, value)[0]
        value = (min(low, v), max(low, v))
    lo, hi = check_range(name, value, low)
    return (int(lo), int(hi)) if integer else (lo, hi)


class Defocus(_Blur):
    """Defocus: convolution with a disc of ``radius`` pixels, its edge smoothed by a small Gaussian.

    Args:
        radius: ``(low, high)`` disc radii (integers >= 1, drawn inclusive), or ``high`` for ``(1, high)``.
        alias_blur: ``(low, high)`` sigmas (>= 0) of the 3x3 (radius <= 8) or 5x5 Gaussian that smooths
            the disc, or ``high`` for ``(0, high)``.
        p: probability of applying the transform.

    albumentations' kernel (a ``2 max(8, radius) + 1`` square), built on the host per sample and
    applied with :func:`~xalbu.functional._filter.convolve` (reflect-101 borders). uint8, uint16,
    float32; any channels.

    >>> import numpy as np, xalbu as A
    >>> out = A.Defocus(radius=(3, 3), alias_blur=(0.2, 0.2), p=1)(image=np.full((20, 20), 100, np.uint8))
    >>> int(out["image"][10, 10])
    100
    """

    Params = DefocusParams
    identity: ClassVar[dict[str, Any]] = {"radius": 0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"radius": (3, 10), "alias_blur": (0.1, 0.5)}, {"radius": 5, "alias_blur": 0.3}]

    def __init__(self, radius: Any = (3, 10), alias_blur: Any = (0.1, 0.5), p: float = 0.5) -> None:
        super().__init__(p)
        self.radius = _low_range("radius", radius, 1, integer=True)
        self.alias_blur = _low_range("alias_blur", alias_blur, 0.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> DefocusParams:
        radius = draw.integers(rng, self.radius[0], self.radius[1] + 1, n)
        return DefocusParams(radius, draw.uniform(rng, *self.alias_blur, n))

    def apply_image(self, img: Any, params: DefocusParams) -> Any:
        self._check(img)
        return FF.convolve(img, F.defocus_kernels(params.radius, params.alias_blur))


# ------------------------------------------------------------------------------------- AdvancedBlur
@dataclass
class AdvancedBlurParams:
    ksize: Any  # odd kernel size (1: identity)
    sigma_x: Any
    sigma_y: Any
    angle: Any  # degrees
    beta: Any  # shape: < 1 heavy tails, 1 Gaussian, > 1 flat top
    noise: Any  # multiplicative noise, (K, K) for one image, (N, K, K) for a batch (K: the largest size)


class AdvancedBlur(_Blur):
    """Anisotropic generalised-Gaussian blur with multiplicative kernel noise (Real-ESRGAN's blur).

    Args:
        blur_limit: ``(low, high)`` kernel sizes (odd, at least 3), or ``high`` for ``(3, high)``.
        sigma_x_limit: ``(low, high)`` standard deviations along the kernel's x axis (>= 0), or ``high``
            for ``(0, high)``.
        sigma_y_limit: the same along y; the two lows cannot both be 0.
        rotate_limit: ``(low, high)`` kernel rotations in degrees, or ``v`` for ``(-v, v)``.
        beta_limit: ``(low, high)`` shape parameters with ``low < 1 < high``; half the draws are below 1
            (heavy tails), half above (flat top).
        noise_limit: ``(low, high)`` (>= 0) of the uniform noise that multiplies each kernel tap.
        p: probability of applying the transform.

    The kernel is built on the host per sample and applied with
    :func:`~xalbu.functional._filter.convolve` (reflect-101 borders). uint8, uint16, float32; any
    channels.

    >>> import numpy as np, xalbu as A
    >>> out = A.AdvancedBlur(p=1)(image=np.full((9, 9, 3), 90, np.uint8))["image"]
    >>> int(out.min()), int(out.max())
    (90, 90)
    """

    Params = AdvancedBlurParams
    identity: ClassVar[dict[str, Any]] = {"ksize": 1}
    albumentations_args = {
        "sigmaX_limit": Rule("rename", "albumentations 1.x name of sigma_x_limit", to="sigma_x_limit"),
        "sigmaY_limit": Rule("rename", "albumentations 1.x name of sigma_y_limit", to="sigma_y_limit"),
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"blur_limit": (3, 7)},
            {"blur_limit": 9, "sigma_x_limit": 2.0, "sigma_y_limit": (0.5, 1.0), "rotate_limit": 45},
        ]

    def __init__(
        self,
        blur_limit: Any = (3, 7),
        sigma_x_limit: Any = (0.2, 1.0),
        sigma_y_limit: Any = (0.2, 1.0),
        rotate_limit: Any = (-90, 90),
        beta_limit: Any = (0.5, 8.0),
        noise_limit: Any = (0.9, 1.1),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.blur_limit = odd_limit("blur_limit", blur_limit, 3)
        self.sigma_x_limit = _low_range("sigma_x_limit", sigma_x_limit, 0.0)
        self.sigma_y_limit = _low_range("sigma_y_limit", sigma_y_limit, 0.0)
        if self.sigma_x_limit[0] == 0 and self.sigma_y_limit[0] == 0:
            raise ValueError("sigma_x_limit, sigma_y_limit: the two lower bounds cannot both be 0")
        self.rotate_limit = check_range("rotate_limit", rotate_limit, symmetric_around=0.0)
        self.beta_limit = _low_range("beta_limit", beta_limit, 0.0)
        if not self.beta_limit[0] < 1.0 < self.beta_limit[1]:
            raise ValueError(f"beta_limit: expected low < 1 < high, got {self.beta_limit}")
        self.noise_limit = _low_range("noise_limit", noise_limit, 0.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> AdvancedBlurParams:
        ksize = draw_odd(rng, *self.blur_limit, n)
        sigma_x = draw.uniform(rng, *self.sigma_x_limit, n)
        sigma_y = draw.uniform(rng, *self.sigma_y_limit, n)
        angle = draw.uniform(rng, *self.rotate_limit, n)
        low = draw.uniform(rng, self.beta_limit[0], 1.0, n)
        high = draw.uniform(rng, 1.0, self.beta_limit[1], n)
        beta = np.where(draw.uniform(rng, 0.0, 1.0, n) < 0.5, low, high)
        beta = float(beta) if n is None else beta
        k = largest_odd(*self.blur_limit)  # a fixed shape: replay records check it
        noise = draw.uniform(rng, *self.noise_limit, (k, k) if n is None else (n, k, k))
        return AdvancedBlurParams(ksize, sigma_x, sigma_y, angle, beta, noise)

    def apply_image(self, img: Any, params: AdvancedBlurParams) -> Any:
        self._check(img)
        p = params
        return FF.convolve(img, F.advanced_kernels(p.ksize, p.sigma_x, p.sigma_y, p.angle, p.beta, p.noise))


# ----------------------------------------------------------------------------------------- ZoomBlur
@dataclass
class ZoomBlurParams:
    max_factor: Any  # zooms 1, 1 + step, ... below max_factor (1: none, the identity)
    step: Any


class ZoomBlur(_Blur):
    """Zoom blur: the mean of the image and its central zooms by ``1, 1 + step, ...`` up to ``max_factor``.

    Args:
        max_factor: ``(low, high)`` largest zooms (>= 1), or ``high`` for ``(1, high)``.
        step_factor: ``(low, high)`` zoom steps (>= 0, not both 0), or ``high`` for ``(0, high)``.
        p: probability of applying the transform.

    Each zoom crops the centre and resizes it linearly back over the image (albumentations' central
    zoom); the mean is taken in float32 on the image scaled to [0, 1]. uint8, uint16, float32; any
    channels.

    >>> import numpy as np, xalbu as A
    >>> A.ZoomBlur(p=1)(image=np.full((8, 8, 3), 70, np.uint8))["image"][4, 4].tolist()
    [70, 70, 70]
    """

    Params = ZoomBlurParams
    identity: ClassVar[dict[str, Any]] = {"max_factor": 1.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"max_factor": (1, 1.31), "step_factor": (0.01, 0.03)},
            {"max_factor": 1.2, "step_factor": 0.05},
        ]

    def __init__(self, max_factor: Any = (1, 1.31), step_factor: Any = (0.01, 0.03), p: float = 0.5) -> None:
        super().__init__(p)
        self.max_factor = _low_range("max_factor", max_factor, 1.0)
        self.step_factor = _low_range("step_factor", step_factor, 0.0)
        if self.step_factor[1] <= 0:
            raise ValueError(
                f"step_factor: expected a range with a positive high end, got {self.step_factor}"
            )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ZoomBlurParams:
        step = draw.uniform(rng, *self.step_factor, n)
        step = (
            np.maximum(step, np.nextafter(0.0, 1.0)) if n is not None else max(step, np.nextafter(0.0, 1.0))
        )
        top = np.maximum(1.0 + step, draw.uniform(rng, *self.max_factor, n))
        return ZoomBlurParams(float(top) if n is None else top, float(step) if n is None else step)

    def apply_image(self, img: Any, params: ZoomBlurParams) -> Any:
        self._check(img)
        width = 0
        if (
            np.ndim(params.max_factor) and self.step_factor[0] > 0
        ):  # a batch: as many passes as the ranges allow
            width = min(256, math.ceil((self.max_factor[1] - 1.0) / self.step_factor[0]))
        return F.zoom_blur(img, F.zoom_factors(params.max_factor, params.step, width))


# ---------------------------------------------------------------------------------------- GlassBlur
@dataclass
class GlassBlurParams:
    sigma: Any  # Gaussian sigma (0: no blur)
    dxy: Any  # (P, iterations, 2) displacements (dy, dx) in [-max_delta, max_delta), (N, P, ...) for a batch


class GlassBlur(_Blur):
    """Glass blur: Gaussian blur, local pixel swaps within ``max_delta``, Gaussian blur again.

    Args:
        sigma: standard deviation of the Gaussians (OpenCV's automatic kernel size); 0 skips them.
        max_delta: largest swap distance in pixels (>= 1).
        iterations: rounds of swaps (>= 1).
        mode: ``"fast"`` swaps all pairs of a round at once (NumPy's fancy assignment: of two writes to
            one pixel the later wins), ``"exact"`` one after another (slow: a host loop over the pixels).
        p: probability of applying the transform.

    The displacements are drawn on the host as albumentations draws them, the swaps of every round are
    composed on the host into one source index per pixel, and the device does a single gather between
    the two blurs. Images no larger than ``2 max_delta`` on a side are only blurred. uint8, uint16,
    float32; any channels.

    >>> import numpy as np, xalbu as A
    >>> A.GlassBlur(p=1)(image=np.full((12, 12, 3), 50, np.uint8))["image"][6, 6].tolist()
    [50, 50, 50]
    """

    Params = GlassBlurParams
    identity: ClassVar[dict[str, Any]] = {"sigma": 0.0, "dxy": 0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"sigma": 0.7, "max_delta": 4, "iterations": 2},
            {"sigma": 1.0, "max_delta": 2, "iterations": 1, "mode": "exact"},
        ]

    def __init__(
        self, sigma: float = 0.7, max_delta: int = 4, iterations: int = 2, mode: str = "fast", p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.sigma = check_number("sigma", sigma, 0.0)
        self.max_delta = check_int("max_delta", max_delta, 1)
        self.iterations = check_int("iterations", iterations, 1)
        self.mode = check_choice("mode", mode, ("fast", "exact"))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GlassBlurParams:
        md = self.max_delta
        pixels = max(shape[0] - 2 * md, 0) * max(shape[1] - 2 * md, 0)
        size = (pixels, self.iterations, 2) if n is None else (n, pixels, self.iterations, 2)
        dxy = rng.integers(-md, md, size=size, dtype=np.int16 if md < 2**15 else np.int64)
        return GlassBlurParams(self.sigma if n is None else np.full(n, self.sigma), dxy)

    def apply_image(self, img: Any, params: GlassBlurParams) -> Any:
        self._check(img)
        hw = (int(img.shape[-3]), int(img.shape[-2]))
        dxy = np.asarray(params.dxy)
        index_map = F.glass_index_map(dxy, hw, self.max_delta, exact=self.mode == "exact")
        return F.glass_blur(img, params.sigma, index_map)
