"""HEStain, the colour family's histopathology stain augmentation (albumentations 2.0.8's), and
AlbumentationsX's ChannelSwap (fixed channel reordering) and PhotoMetricDistort (SSD-style jitter).

Re-exported by :mod:`xalbu.transforms.color` (listed in its ``__all__``); each class names that
module as its own, so its family, docs and serialization are the colour family's. Kept here for the
size of ``color.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.fusion import flush_affine
from ..core.state import State
from ..core.targets import to_host
from ..core.validation import check_bool, check_choice, check_int, check_number, check_range, show
from ..functional import _stain as F
from ..functional import color as FC
from ..functional._utils import check_unit_range
from ._common import _PixelTransform

_FAMILY = "xalbu.transforms.color"
_METHODS = ("preset", "random_preset", "vahadane", "macenko")


class _HostSyncs:
    """``host_syncs``: 0 on the class (its first example, a preset), 1 on an instance that estimates
    its stain matrices from the images (one device-to-host copy of the batch on a device)."""

    def __get__(self, obj: Any, owner: type) -> int:
        return 0 if obj is None else int(obj.method in F.ESTIMATORS)


@dataclass
class HEStainParams:
    stain: Any  # (2, 3) or (N, 2, 3) float32: rows hematoxylin, eosin
    scale: Any  # (2,) or (N, 2)
    shift: Any  # (2,) or (N, 2)
    on: Any  # bool or (N,): False leaves the sample unchanged (a batch's unapplied samples)


class HEStain(_PixelTransform):
    """Simulate another H&E (hematoxylin and eosin) staining of a histopathology image.

    The image is split into its two stains' concentrations by colour deconvolution in optical density
    (``-log`` of the intensity) with a ``2 x 3`` stain matrix, each stain's concentration is scaled
    and shifted, and the colour rebuilt from them (see :func:`xalbu.functional._stain.he_stain`).

    Args:
        method: where the stain matrix comes from: ``"preset"`` (``preset``), ``"random_preset"`` (one
            of the eight presets drawn per image), ``"macenko"`` or ``"vahadane"`` (estimated from
            each image: Macenko's angular percentiles, or a non-negative matrix factorisation).
        preset: ``"ruifrok"``, ``"macenko"``, ``"standard"``, ``"high_contrast"``, ``"h_heavy"``,
            ``"e_heavy"``, ``"dark"`` or ``"light"``; ``None`` means ``"standard"`` with
            ``method="preset"``, and must be ``None`` with ``"random_preset"``.
        intensity_scale_range: the range (within [0, inf)) of each stain's multiplier.
        intensity_shift_range: the range (within [-1, 1]) of each stain's added concentration.
        augment_background: also change the background (luminosity >= 0.85), not only the tissue.
        p: probability of applying the transform.

    RGB images only (3 channels; others are refused); uint8, uint16 and float32 (clipped to [0, 1]).
    Every image of a batch gets its own draws and, with "macenko" or "vahadane", its own estimated
    matrix (albumentations 2.0.8 estimates it on the first image and uses one draw for the whole
    batch); on a device those two methods copy the batch to the host once per call (``host_syncs``).
    The estimators follow albumentations 2.0.8 but for Macenko's principal axes, taken from the
    covariance's eigenvectors (albumentations reads OpenCV's eigenvector rows as columns), and an
    image without tissue, which gets the "ruifrok" matrix (albumentations raises).

    >>> import numpy as np, xalbu as A
    >>> t = A.HEStain(method="preset", preset="standard", intensity_scale_range=(1, 1),
    ...               intensity_shift_range=(0, 0), p=1)
    >>> t(image=np.full((1, 2, 3), 255, np.uint8))["image"].tolist()
    [[[255, 255, 255], [255, 255, 255]]]
    """

    __module__ = _FAMILY
    Params = HEStainParams
    identity: ClassVar[dict[str, Any]] = {"on": False}
    host_syncs = _HostSyncs()

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"method": "preset", "preset": "standard"},
            {"method": "random_preset", "augment_background": True},
            {"method": "macenko", "intensity_scale_range": (0.8, 1.2), "intensity_shift_range": (-0.1, 0.1)},
            {"method": "vahadane", "intensity_scale_range": (0.9, 1.1)},
        ]

    def __init__(
        self,
        method: str = "random_preset",
        preset: str | None = None,
        intensity_scale_range: Any = (0.7, 1.3),
        intensity_shift_range: Any = (-0.2, 0.2),
        augment_background: bool = False,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.method = check_choice("method", method, _METHODS)
        if preset is not None:
            check_choice("preset", preset, F.PRESETS)
            if method == "random_preset":
                raise ValueError("preset: must be None with method='random_preset'")
        elif method == "preset":
            preset = "standard"
        self.preset = preset
        self.intensity_scale_range = check_range("intensity_scale_range", intensity_scale_range, 0.0)
        self.intensity_shift_range = check_range("intensity_shift_range", intensity_shift_range, -1.0, 1.0)
        self.augment_background = check_bool("augment_background", augment_background)

    def _draw(self, rng: np.random.Generator, n: int | None, stain: Any) -> HEStainParams:
        if stain is None:
            count = len(F.PRESETS)
            index = (
                F.PRESETS.index(self.preset) if self.method == "preset" else draw.integers(rng, 0, count, n)
            )
            stain = F.preset_matrices(index if n is None or np.ndim(index) else np.full(n, index))
        shape = (2,) if n is None else (n, 2)
        scale = draw.uniform(rng, *self.intensity_scale_range, shape)
        shift = draw.uniform(rng, *self.intensity_shift_range, shape)
        return HEStainParams(stain, scale, shift, True if n is None else np.ones(n, bool))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> HEStainParams:
        return self._draw(rng, n, None)

    def sample_data(self, rng: np.random.Generator, state: State) -> HEStainParams:
        if self.method not in F.ESTIMATORS:
            return self.sample(rng, state.shape, state.batch)
        if state.pending is not None:
            flush_affine(state)
        img = to_host(next(iter(state.images.values())))  # the host sync of the estimating methods
        if img.shape[-1] != 3:
            raise ValueError(f"HEStain: needs an RGB image (3 channels), got {img.shape[-1]} channels")
        return self._draw(rng, state.batch, F.estimate_stains(img, self.method))

    def apply_image(self, img: Any, params: HEStainParams) -> Any:
        if img.shape[-1] != 3:
            raise ValueError(f"HEStain: needs an RGB image (3 channels), got {img.shape[-1]} channels")
        check_unit_range("HEStain", img)
        return F.he_stain(img, params.stain, params.scale, params.shift, params.on, self.augment_background)


# -------------------------------------------------------------------------------------- ChannelSwap
@dataclass
class ChannelSwapParams:
    applied: Any  # bool or (N,) bools; False keeps the channels as they are


class ChannelSwap(_PixelTransform):
    """Reorder the channels in a fixed order: ``out[..., c] = img[..., channel_order[c]]``.

    Args:
        channel_order: a permutation of ``0 .. C - 1`` for C-channel images; ``(2, 1, 0)`` turns RGB
            into BGR. Images with another channel count are refused.
        p: probability of applying the transform.

    AlbumentationsX's transform (ChannelShuffle with a fixed order); albumentations 2.0.8 has none.
    uint8, uint16 and float32 (values only move); any number of channels.

    >>> import numpy as np, xalbu as A
    >>> A.ChannelSwap(p=1)(image=np.array([[[1, 2, 3]]], np.uint8))["image"].tolist()
    [[[3, 2, 1]]]
    """

    __module__ = _FAMILY
    Params = ChannelSwapParams
    identity: ClassVar[dict[str, Any]] = {"applied": False}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"channel_order": (2, 1, 0)}, {"channel_order": (0, 2, 1)}]

    def __init__(self, channel_order: Any = (2, 1, 0), p: float = 0.5) -> None:
        super().__init__(p)
        if isinstance(channel_order, (str, bytes)) or not hasattr(channel_order, "__len__"):
            raise TypeError(
                f"channel_order: expected a sequence of channel indices, got {show(channel_order)}"
            )
        order = tuple(check_int(f"channel_order[{i}]", v, 0) for i, v in enumerate(channel_order))
        if sorted(order) != list(range(len(order))) or not order:
            raise ValueError(
                f"channel_order: expected a permutation of 0 .. C - 1, got {show(channel_order)}"
            )
        self.channel_order = order

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ChannelSwapParams:
        return ChannelSwapParams(True if n is None else np.ones(n, bool))

    def apply_image(self, img: Any, params: ChannelSwapParams) -> Any:
        c = int(img.shape[-1])
        if c != len(self.channel_order):
            raise ValueError(
                f"ChannelSwap: channel_order {self.channel_order} needs {len(self.channel_order)}-channel "
                f"images, got {c} channels"
            )
        applied = np.asarray(params.applied, bool)
        order = np.where(applied[..., None], np.asarray(self.channel_order), np.arange(c))
        return FC.channel_shuffle(img, order)


# ------------------------------------------------------------------------------- PhotoMetricDistort
_BEFORE = (0, 1, 2, 3)  # brightness, contrast, saturation, hue
_AFTER = (0, 2, 3, 1)  # brightness, saturation, hue, contrast


@dataclass
class PhotoMetricDistortParams:
    factors: Any  # (4,) or (N, 4): brightness, contrast, saturation, hue (identity where not drawn)
    order: Any  # (4,) or (N, 4): contrast before or after saturation and hue
    channels: Any  # (C,) or (N, C): the channel permutation
    shuffle: Any  # bool or (N,): whether the permutation applies


class PhotoMetricDistort(_PixelTransform):
    """SSD-style photometric distortion (torchvision's RandomPhotometricDistort).

    Each of brightness (``x f``), contrast (blend with the mean gray level), saturation (blend with
    the pixel's gray) and hue (a shift of ``f`` turns) is applied with probability ``distort_p``, its
    factor drawn from its range; brightness comes first, contrast before or after saturation and hue
    (even odds); then the channels are randomly permuted with probability ``distort_p``. The steps
    are ColorJitter's (each result saturated into the image's dtype).

    Args:
        brightness_range: brightness factors (within [0, inf)).
        contrast_range: contrast factors (within [0, inf)).
        saturation_range: saturation factors (within [0, inf)).
        hue_range: hue shifts in turns (within [-0.5, 0.5]).
        distort_p: the probability of each step (and of the channel permutation).
        p: probability of applying the transform.

    AlbumentationsX's transform; albumentations 2.0.8 has none. uint8, uint16 and float32 (clipped
    to [0, 1]); RGB or 1-channel images (brightness, contrast and the trivial permutation only).

    >>> import numpy as np, xalbu as A
    >>> t = A.PhotoMetricDistort(brightness_range=(1.5, 1.5), contrast_range=(1, 1),
    ...                          saturation_range=(1, 1), hue_range=(0, 0), distort_p=1, p=1)
    >>> sorted(t(image=np.array([[[200, 100, 0]]], np.uint8))["image"].ravel().tolist())
    [0, 150, 255]
    """

    __module__ = _FAMILY
    Params = PhotoMetricDistortParams
    identity: ClassVar[dict[str, Any]] = {"factors": FC.JITTER_IDENTITY, "shuffle": False}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"distort_p": 1.0},
            {"brightness_range": (0.5, 1.5), "hue_range": (-0.2, 0.2), "distort_p": 0.5},
        ]

    def __init__(
        self,
        brightness_range: Any = (0.875, 1.125),
        contrast_range: Any = (0.5, 1.5),
        saturation_range: Any = (0.5, 1.5),
        hue_range: Any = (-0.05, 0.05),
        distort_p: float = 0.5,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness_range = check_range("brightness_range", brightness_range, 0.0)
        self.contrast_range = check_range("contrast_range", contrast_range, 0.0)
        self.saturation_range = check_range("saturation_range", saturation_range, 0.0)
        self.hue_range = check_range("hue_range", hue_range, -0.5, 0.5)
        self.distort_p = check_number("distort_p", distort_p, 0.0, 1.0)

    def sample_data(self, rng: np.random.Generator, state: State) -> PhotoMetricDistortParams | None:
        if not state.images:
            return None
        c = int(next(iter(state.images.values())).shape[-1])
        n = state.batch
        k = 1 if n is None else n
        ranges = np.array((self.brightness_range, self.contrast_range, self.saturation_range, self.hue_range))
        u = rng.random((k, 10))
        drawn = ranges[:, 0] + (ranges[:, 1] - ranges[:, 0]) * u[:, :4]
        factors = np.where(u[:, 4:8] < self.distort_p, drawn, np.asarray(FC.JITTER_IDENTITY))
        order = np.where((u[:, 8] < 0.5)[:, None], np.asarray(_BEFORE), np.asarray(_AFTER))
        shuffle = u[:, 9] < self.distort_p
        channels = rng.permuted(np.tile(np.arange(c), (k, 1)), axis=1)
        if n is None:
            return PhotoMetricDistortParams(factors[0], order[0], channels[0], bool(shuffle[0]))
        return PhotoMetricDistortParams(factors, order, channels, shuffle)

    def apply_image(self, img: Any, params: PhotoMetricDistortParams) -> Any:
        c = int(img.shape[-1])
        if c not in (1, 3):
            raise ValueError(
                f"PhotoMetricDistort: needs a 3-channel RGB image (or a 1-channel gray one), got {c} channels"
            )
        channels = np.asarray(params.channels)
        if channels.shape[-1] != c:
            raise ValueError(
                "PhotoMetricDistort: all images of one call must have the same channel count "
                f"({channels.shape[-1]}), got {c}"
            )
        check_unit_range("PhotoMetricDistort", img)
        out = FC.color_jitter(img, params.factors, params.order)
        shuffle = np.asarray(params.shuffle, bool)
        return FC.channel_shuffle(out, np.where(shuffle[..., None], channels, np.arange(c)))
