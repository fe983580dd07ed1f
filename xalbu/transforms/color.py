"""Colour transforms: gray conversion, sepia and channel shuffles.

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) whose
``apply_image`` calls one kernel of :mod:`xalbu.functional.color`. ChannelShuffle keeps the samples
of a batch that are not applied with the identity order instead of computing and blending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core.state import State
from ..core.validation import check_choice, check_int
from ..functional import color as F
from ..functional._utils import check_unit_range, clip, is_float
from ._common import _PixelTransform

__all__ = ["ChannelShuffle", "ToGray", "ToSepia"]


# ------------------------------------------------------------------------------------------- ToGray
class ToGray(_PixelTransform):
    """Convert to gray and replicate the gray plane into ``num_output_channels`` channels.

    ``method``: ``"weighted_average"`` (0.299 R + 0.587 G + 0.114 B), ``"luminance"``
    (0.2126 R + 0.7152 G + 0.0722 B) and ``"from_lab"`` (the lightness L of CIE Lab) need RGB
    input; ``"average"``, ``"max"``, ``"desaturation"`` ((max + min) / 2) and ``"pca"`` (each
    image's projection on its first principal component, scaled to the full range; per sample in
    a batch) take any channel count. A single-channel image is already gray and is returned
    unchanged (as albumentations does).

    >>> import numpy as np, xalbu as A
    >>> A.ToGray(p=1)(image=np.array([[[255, 0, 0]]], np.uint8))["image"].tolist()
    [[[76, 76, 76]]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_output_channels": 3, "method": "weighted_average"},
            {"num_output_channels": 1, "method": "average"},
            {"num_output_channels": 3, "method": "from_lab"},
            {"num_output_channels": 2, "method": "pca"},
        ]

    def __init__(
        self, num_output_channels: int = 3, method: str = "weighted_average", p: float = 0.5
    ) -> None:
        super().__init__(p)
        self.num_output_channels = check_int("num_output_channels", num_output_channels, 1)
        self.method = check_choice("method", method, F.GRAY_METHODS)

    def _partial_problem(self, img: Any) -> str | None:
        c = img.shape[-1]
        if c == 1 or c == self.num_output_channels:
            return None
        return f"it turns {c}-channel images into {self.num_output_channels}-channel ones"

    def apply_image(self, img: Any, params: Any) -> Any:
        channels = img.shape[-1]
        if channels == 1:
            return img
        if self.method in F.RGB_METHODS and channels != 3:
            raise ValueError(
                f"ToGray: method={self.method!r} needs a 3-channel RGB image, got {channels} channels; "
                'use method="average", "max", "desaturation" or "pca" for other channel counts'
            )
        clean = check_unit_range("ToGray", img)
        if not clean and self.method == "pca" and is_float(array_namespace(img), img.dtype):
            return _pca_of_finite(img, self.num_output_channels)
        out = F.to_gray(img, self.method, self.num_output_channels)
        if clean or self.method in ("pca", "max"):  # pca: min-max scaled already; max only selects values
            return out
        return _saturated(img, out)


def _saturated(img: Any, out: Any) -> Any:
    """A float gray ``out`` of ``img`` by the rules of ``functional/_utils.py``: clipped into [0, 1],
    NaN where a channel of ``img`` is NaN (OpenCV's Lab turns NaN into 0)."""
    xp = array_namespace(out)
    if not is_float(xp, out.dtype):
        return out
    nan = xp.any(xp.isnan(img), axis=-1, keepdims=True)
    return xp.where(nan, xp.asarray(float("nan"), dtype=out.dtype), clip(xp, out, 0.0, 1.0))


def _pca_of_finite(img: Any, channels: int) -> Any:
    """``to_gray(img, "pca")`` with each image's statistics over its finite pixels only; pixels with
    a non-finite channel give NaN (their projection is undefined). A non-finite pixel is replaced by
    the image's finite mean first: that moves neither the mean, nor the principal axis (the
    covariance only shrinks by a constant), nor the projections' range (the mean projects to 0,
    between their minimum and maximum), so every finite pixel gets what the finite pixels alone give.
    """
    xp = array_namespace(img)
    bad = xp.logical_not(xp.all(xp.isfinite(img), axis=-1, keepdims=True))
    zeroed = xp.where(bad, xp.zeros_like(img), img)
    count = xp.sum(xp.astype(xp.logical_not(bad), img.dtype), axis=(-3, -2), keepdims=True)
    mean = xp.sum(zeroed, axis=(-3, -2), keepdims=True) / xp.maximum(count, xp.ones_like(count))
    out = F.to_gray(xp.where(bad, mean, img), "pca", channels)
    return xp.where(bad, xp.asarray(float("nan"), dtype=out.dtype), out)


# ------------------------------------------------------------------------------------------ ToSepia
class ToSepia(_PixelTransform):
    """Give an RGB image the warm brown tone of old photographs (a fixed 3x3 colour matrix).

    A single-channel image is returned unchanged (as albumentations does); other channel counts
    than 1 and 3 are refused. Integers saturate, float32 is clipped to [0, 1].

    >>> import numpy as np, xalbu as A
    >>> A.ToSepia(p=1)(image=np.array([[[100, 150, 200]]], np.uint8))["image"].tolist()
    [[[192, 171, 134]]]
    """

    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply_image(self, img: Any, params: Any) -> Any:
        channels = img.shape[-1]
        if channels == 1:
            return img
        if channels != 3:
            raise ValueError(f"ToSepia: needs a 1- or 3-channel image, got {channels} channels")
        check_unit_range("ToSepia", img)  # the kernel saturates into [0, 1]
        return F.sepia(img)


# ------------------------------------------------------------------------------------ ChannelShuffle
@dataclass
class ChannelShuffleParams:
    order: Any  # (C,) or per sample (N, C)
    applied: Any  # bool or (N,) bools; False keeps the identity order


class ChannelShuffle(_PixelTransform):
    """Randomly permute the channels (one permutation per image).

    >>> import numpy as np, xalbu as A
    >>> out = A.ChannelShuffle(p=1)(image=np.array([[[1, 2, 3]]], np.uint8))["image"]
    >>> sorted(out.ravel().tolist())
    [1, 2, 3]
    """

    Params = ChannelShuffleParams

    identity: ClassVar[dict[str, Any]] = {"applied": False}

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def sample_data(self, rng: np.random.Generator, state: State) -> ChannelShuffleParams | None:
        if not state.images:
            return None
        c = int(next(iter(state.images.values())).shape[-1])
        n = state.batch
        if n is None:
            return ChannelShuffleParams(rng.permutation(c), True)
        order = rng.permuted(np.tile(np.arange(c), (n, 1)), axis=1)
        return ChannelShuffleParams(order, np.ones(n, bool))

    def apply_image(self, img: Any, params: ChannelShuffleParams) -> Any:
        order = np.asarray(params.order)
        c = img.shape[-1]
        if order.shape[-1] != c:
            raise ValueError(
                "ChannelShuffle: all images of one call must have the same channel count "
                f"({order.shape[-1]}), got {c}"
            )
        applied = np.asarray(params.applied, bool)
        order = np.where(applied[..., None], order, np.arange(c))
        return F.channel_shuffle(img, order)
