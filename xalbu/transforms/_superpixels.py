"""Superpixels (albumentations 2.0.8's), of the sharpen family.

Re-exported by :mod:`xalbu.transforms.sharpen` (listed in its ``__all__``); the class names that
module as its own, so its family, docs and serialization are the sharpen family's. Kept here for the
size of ``sharpen.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.validation import check_int, check_number, check_range, show
from ..functional import _superpixels as F
from ..functional._utils import check_unit_range
from ._common import _PixelTransform

_FAMILY = "xalbu.transforms.sharpen"


@dataclass
class SuperpixelsParams:
    n_segments: Any  # int, or (N,): the segmentation's target number of segments
    replace: Any  # (hi,) bools, or (N, hi): the segment of rank r is replaced where replace[r % n_segments]


def _p_replace(value: Any) -> tuple[float, float]:
    if isinstance(value, Real) and not isinstance(value, bool):
        return (0.0, check_number("p_replace", value, 0.0, 1.0))
    return check_range("p_replace", value, 0.0, 1.0)


def _n_segments(value: Any) -> tuple[int, int]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = check_int("n_segments[0]", value[0], 1), check_int("n_segments[1]", value[1], 1)
    elif isinstance(value, (list, tuple)):
        raise TypeError(
            f"n_segments: expected an integer or a (low, high) pair of integers, got {show(value)}"
        )
    else:
        lo, hi = 1, check_int("n_segments", value, 1)
    if lo > hi:
        raise ValueError(f"n_segments: expected low <= high, got {show(value)}")
    return (lo, hi)


class Superpixels(_PixelTransform):
    """Replace some superpixels by their mean colour (a mosaic of flat regions, voronoi-like at
    ``p_replace = 1``).

    The image is segmented into about ``n_segments`` superpixels by albumentations' SLIC-like
    clustering (10 iterations, compactness 10); each segment but the first is then replaced by its
    rounded mean colour with probability ``p_replace``. ``p_replace``: ``(low, high)`` within [0, 1]
    (``v`` means ``(0, v)``), drawn per image; ``n_segments``: integers ``(low, high)`` >= 1 (``v``
    means ``(1, v)``), drawn per image; ``max_size``: images whose longer side exceeds it are
    segmented at that size and resized back with ``interpolation`` (any OpenCV code albumentations
    takes, 0-6), which also resamples the segments not replaced; ``None``: full size. uint8 and uint16
    in their own dtype, float32 (within [0, 1]) processed as uint8 as albumentations does (the result
    is a multiple of 1/255); any number of channels. Output identical to albumentations 2.0.8 for the
    same draws (uint8, float32); an image with no segment drawn for replacement is returned unchanged.

    >>> import numpy as np, xalbu as A
    >>> img = np.array([[10, 20, 100, 200], [10, 30, 200, 200]], np.uint8)  # 2 centres: columns 1, 3
    >>> t = A.Superpixels(p_replace=(1, 1), n_segments=(1, 1), max_size=None, p=1)
    >>> t(image=img)["image"].tolist()  # the right segment becomes its mean; the first never changes
    [[10, 20, 175, 175], [10, 30, 175, 175]]
    """

    __module__ = _FAMILY
    Params = SuperpixelsParams
    identity: ClassVar[dict[str, Any]] = {"replace": False}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"p_replace": (0.1, 0.3), "n_segments": (15, 120)},
            {"p_replace": 1.0, "n_segments": (50, 60), "max_size": None},
            {"p_replace": (0.5, 1.0), "n_segments": 30, "max_size": 64, "interpolation": 3},
        ]

    def __init__(
        self,
        p_replace: Any = (0, 0.1),
        n_segments: Any = (100, 100),
        max_size: int | None = 128,
        interpolation: int = 1,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.p_replace = _p_replace(p_replace)
        self.n_segments = _n_segments(n_segments)
        self.max_size = None if max_size is None else check_int("max_size", max_size, 1)
        self.interpolation = check_int("interpolation", interpolation)
        if self.interpolation not in F.KERNEL_CODE:
            raise ValueError(f"interpolation: expected an OpenCV code 0-6, got {show(interpolation)}")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SuperpixelsParams:
        lo, hi = self.n_segments
        n_segments = draw.integers(rng, lo, hi + 1, n)
        p = draw.uniform(rng, *self.p_replace, n)
        # ``hi`` flags whatever the count (records keep one shape); the first ``n_segments`` are used
        if n is None:
            return SuperpixelsParams(n_segments, rng.random(hi) < p)
        return SuperpixelsParams(n_segments, rng.random((n, hi)) < np.asarray(p)[:, None])

    def apply_image(self, img: Any, params: SuperpixelsParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.superpixels(img, params.n_segments, params.replace, self.max_size, self.interpolation)
