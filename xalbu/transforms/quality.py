"""Image-quality transforms: ImageCompression (JPEG, WebP) and Downscale.

Both are :class:`~xalbu.core.kinds.PixelTransform` s (masks, boxes and keypoints pass through). In a
batch every sample draws its own quality or scale, and the samples that are not applied run through
the same kernel with an identity parameter (quality 0, scale 1), which leaves them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.compat import Rule
from ..core.validation import check_choice, check_int, check_range, show
from ..functional import quality as F
from ._common import _PixelTransform

__all__ = ["Downscale", "ImageCompression"]


# ---------------------------------------------------------------------------------- ImageCompression
@dataclass
class ImageCompressionParams:
    quality: Any  # int in [1, 100], or (N,); 0 leaves the image as it is


class ImageCompression(_PixelTransform):
    """Compress and decompress the image with JPEG or WebP at a quality drawn from ``quality_range``.

    ``compression_type``: ``"jpeg"`` or ``"webp"``; ``quality_range``: ``(low, high)`` integers in
    [1, 100], both included (one number ``q`` means ``(q, q)``).

    On NumPy the image goes through OpenCV's codecs (``cv2.imencode``/``cv2.imdecode``) with
    albumentations 2.0.8's channel layout, so the output is albumentations' own: the channels are
    read as OpenCV's BGR (an RGB image is coded as if red were blue, as albumentations does); 1
    channel is a grayscale file; 2 channels are coded as a colour image with a zero third channel;
    more than 3 as a colour image of the first three plus a grayscale image per other channel.
    uint8, uint16 and float32: codecs hold 8 bits, so float32 goes through ``round(x * 255)`` and
    back ``/ 255`` (as albumentations) and uint16 through ``round(x / 257)`` and back ``* 257``
    (albumentations returns a saturated float32 image there).

    Other arrays (CuPy, and the generic kernel) compute the JPEG round trip itself: libjpeg-turbo's
    integer colour conversion, 4:2:0 chroma averaging, 8x8 integer DCT, the IJG tables scaled by
    the quality, inverse DCT and "fancy" chroma upsampling, so it gives OpenCV's decoded JPEG bit
    for bit (entropy coding is lossless and changes nothing; an encoder with other tables,
    rounding, subsampling or upsampling, such as Pillow at some settings, differs). WebP is
    OpenCV-only: off the CPU ``"webp"`` gives that same JPEG round trip at the same quality (block
    artefacts of a similar strength, not WebP's own smoothing and 4x4 blocks), as reading the image
    back to the host for libwebp would stall the device.

    >>> import numpy as np, xalbu as A
    >>> t = A.ImageCompression(quality_range=(50, 50), p=1)
    >>> t(image=np.full((8, 8, 3), 200, np.uint8))["image"][0, 0].tolist()  # a flat image stays flat
    [200, 200, 200]
    """

    Params = ImageCompressionParams
    albumentations_args: ClassVar[dict[str, Rule]] = {
        "quality_lower": Rule(
            "drop", "albumentations 1.x: the low end of quality_range (default 99)", keep_if=(None, 99)
        ),
        "quality_upper": Rule(
            "drop", "albumentations 1.x: the high end of quality_range (default 100)", keep_if=(None, 100)
        ),
    }
    identity: ClassVar[dict[str, Any]] = {"quality": 0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"quality_range": (50, 90)},
            {"compression_type": "webp", "quality_range": (20, 60)},
            {"quality_range": (1, 100)},
        ]

    def __init__(
        self,
        compression_type: str = "jpeg",
        quality_range: Any = (99, 100),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.compression_type = check_choice("compression_type", compression_type, ("jpeg", "webp"))
        low, high = check_range("quality_range", quality_range, 1, 100, integer=True)
        self.quality_range = (int(low), int(high))

    def sample(
        self, rng: np.random.Generator, shape: tuple[int, int], n: int | None
    ) -> ImageCompressionParams:
        return ImageCompressionParams(draw.integers(rng, self.quality_range[0], self.quality_range[1] + 1, n))

    def apply_image(self, img: Any, params: ImageCompressionParams) -> Any:
        kernel = F.jpeg if self.compression_type == "jpeg" else F.webp
        return kernel(img, params.quality)


# ---------------------------------------------------------------------------------------- Downscale
@dataclass
class DownscaleParams:
    scale: Any  # float in [0, 1], or (N,); 1 leaves the image as it is


# OpenCV codes albumentations 2.0.8 takes, and the resize each one is (6 INTER_NEAREST_EXACT: the
# pixel-centre rule of xalbu's nearest; 5 INTER_LINEAR_EXACT: linear)
_INTERPOLATIONS = {
    0: "nearest",
    1: "linear",
    2: "cubic",
    3: "area",
    4: "lanczos4",
    5: "linear_exact",
    6: "nearest_exact",
}
_KERNEL_CODE = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 0}


class Downscale(_PixelTransform):
    """Downscale by a factor drawn from ``scale_range``, then upscale back to the original size.

    ``scale_range``: ``(low, high)`` within [0, 1]; the intermediate size is ``round(H * scale) x
    round(W * scale)``, at least 1 pixel. ``interpolation_pair``: ``{"downscale": code, "upscale":
    code}`` with OpenCV codes 0 nearest, 1 linear, 2 cubic, 3 area, 4 lanczos4, 5 linear (exact), 6
    nearest (exact). Nearest samples pixel centres (``floor((j + 0.5) * in / out)``) as every
    xalbu resize does, where albumentations' ``cv2.INTER_NEAREST`` takes ``floor(j * in / out)``
    (see docs/differences.md). uint8, uint16 and float32 (float32 is resized as float32, not
    through uint8 as albumentations does); any number of channels. In a batch each sample has its
    own scale (on CuPy: four launches per batch, each resize's weights computed on the device).

    >>> import numpy as np, xalbu as A
    >>> t = A.Downscale(scale_range=(0.5, 0.5), p=1)
    >>> t(image=np.array([[10, 20, 30, 40]], np.uint8))["image"].tolist()
    [[20, 20, 40, 40]]
    """

    Params = DownscaleParams
    albumentations_args: ClassVar[dict[str, Rule]] = {
        "scale_min": Rule(
            "drop", "albumentations 1.x: the low end of scale_range (default 0.25)", keep_if=(None, 0.25)
        ),
        "scale_max": Rule(
            "drop", "albumentations 1.x: the high end of scale_range (default 0.25)", keep_if=(None, 0.25)
        ),
        "interpolation": Rule(
            "drop",
            "albumentations 1.x: one code for both ways; 2.x takes interpolation_pair",
            keep_if=(None, 0),
        ),
    }
    identity: ClassVar[dict[str, Any]] = {"scale": 1.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale_range": (0.25, 0.5), "interpolation_pair": {"downscale": 0, "upscale": 1}},
            {"scale_range": (0.5, 0.75), "interpolation_pair": {"downscale": 3, "upscale": 2}},
            {"scale_range": (0.25, 0.25)},
        ]

    def __init__(
        self,
        scale_range: Any = (0.25, 0.25),
        interpolation_pair: Mapping[str, int] = {"upscale": 0, "downscale": 0},  # noqa: B006 - albumentations'
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.scale_range = check_range("scale_range", scale_range, 0.0, 1.0)
        self.interpolation_pair = _check_pair(interpolation_pair)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> DownscaleParams:
        return DownscaleParams(draw.uniform(rng, *self.scale_range, n))

    def apply_image(self, img: Any, params: DownscaleParams) -> Any:
        down = _KERNEL_CODE[self.interpolation_pair["downscale"]]
        up = _KERNEL_CODE[self.interpolation_pair["upscale"]]
        return F.downscale(img, params.scale, down, up)


def _check_pair(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping) or set(value) != {"downscale", "upscale"}:
        raise ValueError(
            'interpolation_pair: expected a dict with the keys "downscale" and "upscale", got ' + show(value)
        )
    out = {}
    for key in ("downscale", "upscale"):
        code = check_int(f"interpolation_pair[{key!r}]", value[key])
        if code not in _INTERPOLATIONS:
            names = ", ".join(f"{k} ({v})" for k, v in _INTERPOLATIONS.items())
            raise ValueError(f"interpolation_pair[{key!r}]: expected one of {names}, got {show(value[key])}")
        out[key] = code
    return out
