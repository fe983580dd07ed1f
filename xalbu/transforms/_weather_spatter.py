"""Spatter (weather family): rain drops or mud on the lens, albumentations 2.0.8's corruption.

Re-exported by :mod:`xalbu.transforms.weather`; the kernel is :func:`xalbu.functional._spatter.spatter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.validation import _is_bool, check_choice, check_int, check_number, check_range, show
from ..functional import _spatter as F
from ..functional._utils import check_unit_range, dtype_name
from ._common import _PixelTransform

__all__ = ["Spatter"]

_FAMILY = "xalbu.transforms.weather"
DEFAULT_COLORS = {"rain": (238, 238, 175), "mud": (20, 42, 63)}


def _zero_plus(name: str, value: Any, hi: float | None) -> tuple[float, float]:
    """albumentations' ranges where a single number ``v`` means ``(0, v)``."""
    if isinstance(value, Real) and not _is_bool(value):
        return check_range(name, (0.0, check_number(name, value, 0.0, hi)), 0.0, hi)
    return check_range(name, value, 0.0, hi)


class _HostSyncs:
    """``host_syncs``: 1 on the class (its first example is rain) and on a rain instance (one
    device-to-host copy of the liquid layers per batch on a device), 0 on a mud instance."""

    def __get__(self, obj: Any, owner: type) -> int:
        return 1 if obj is None else int(obj.mode == "rain")


@dataclass
class SpatterParams:
    mean: Any
    std: Any
    cutout_threshold: Any
    sigma: Any
    intensity: Any
    seed: Any  # per-sample seed of the liquid layer (and of mud's fallback field)


class Spatter(_PixelTransform):
    """Spatter: a liquid layer that occludes the lens as rain drops or mud.

    Per sample, ``mean``, ``std``, ``cutout_threshold``, ``sigma`` (from ``gauss_sigma``) and
    ``intensity`` are drawn uniformly from their ranges, and a liquid layer ``mean + std * z`` (``z``
    standard normal per pixel, from a per-sample seed: the same on every backend) is Gaussian-blurred
    (size ``2 round(3 sigma) + 1``) and zeroed below the threshold. ``"rain"`` adds drops of ``color``
    shaped by the distance to the layer's Canny edges; ``"mud"`` blends ``color`` over the pixels where
    the layer passes the threshold (see :mod:`xalbu.functional._spatter`). RGB, uint8 or float32
    (computed in float32, as albumentations does). A single number ``v`` for a range means ``(0, v)``.

    On a device, rain mode copies the uint8 liquid layers of the batch to the host once per call for
    Canny and the distance transform (``host_syncs`` 1; 0 in mud mode); the rest, and mud mode, stay
    on the device.

    Args:
        mean: range of the layer's mean, within [0, 1].
        std: range of the layer's standard deviation, within [0, 1].
        gauss_sigma: range of the layer's blur sigma (>= 0).
        cutout_threshold: range of the threshold below which the layer is cut, within [0, 1].
        intensity: range of the effect's strength, within [0, 1].
        mode: ``"rain"`` or ``"mud"``.
        color: RGB colour (0-255) of the drops or the mud; None: ``(238, 238, 175)`` for rain,
            ``(20, 42, 63)`` for mud.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.full((32, 32, 3), 60, np.uint8)
    >>> out = A.Spatter(mode="mud", intensity=(0.8, 0.8), p=1)(image=img)["image"]
    >>> out.shape, bool((out != 60).any())
    ((32, 32, 3), True)
    """

    __module__ = _FAMILY
    Params = SpatterParams
    input_dtypes = ("uint8", "float32")
    host_syncs = _HostSyncs()

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {},
            {"mode": "mud", "mean": (0.6, 0.7), "cutout_threshold": (0.6, 0.7), "intensity": (0.5, 0.8)},
            {"mode": "rain", "gauss_sigma": (1.0, 2.5), "color": (200, 200, 255), "intensity": 0.9},
        ]

    def __init__(
        self,
        mean: Any = (0.65, 0.65),
        std: Any = (0.3, 0.3),
        gauss_sigma: Any = (2, 2),
        cutout_threshold: Any = (0.68, 0.68),
        intensity: Any = (0.6, 0.6),
        mode: str = "rain",
        color: Any = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.mean = _zero_plus("mean", mean, 1.0)
        self.std = _zero_plus("std", std, 1.0)
        self.gauss_sigma = _zero_plus("gauss_sigma", gauss_sigma, None)
        self.cutout_threshold = _zero_plus("cutout_threshold", cutout_threshold, 1.0)
        self.intensity = _zero_plus("intensity", intensity, 1.0)
        self.mode = check_choice("mode", mode, F.MODES)
        if color is None:
            color = DEFAULT_COLORS[self.mode]
        if not (isinstance(color, (tuple, list)) and len(color) == 3):
            raise ValueError(f"color: expected an (R, G, B) triple of integers, got {show(color)}")
        self.color = tuple(check_int(f"color[{i}]", c) for i, c in enumerate(color))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SpatterParams:
        mean = draw.uniform(rng, *self.mean, n)
        std = draw.uniform(rng, *self.std, n)
        cutout = draw.uniform(rng, *self.cutout_threshold, n)
        sigma = draw.uniform(rng, *self.gauss_sigma, n)
        intensity = draw.uniform(rng, *self.intensity, n)
        seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
        return SpatterParams(mean, std, cutout, sigma, intensity, int(seeds) if n is None else seeds)

    def _check(self, img: Any) -> None:
        dtype = dtype_name(array_namespace(img), img.dtype)
        if dtype not in self.input_dtypes:
            raise TypeError(
                f"Spatter: takes uint8 or float32 images (as albumentations), got image dtype {dtype}"
            )
        channels = int(img.shape[-1])
        if channels != 3:
            raise ValueError(
                f"Spatter: needs an RGB image (3 channels), got {channels} channel(s); convert a gray "
                "image with ToRGB first (multi-channel images are not supported)"
            )
        check_unit_range("Spatter", img)

    def apply_image(self, img: Any, params: SpatterParams) -> Any:
        self._check(img)
        return F.spatter(
            img,
            params.mean,
            params.std,
            params.sigma,
            params.cutout_threshold,
            params.intensity,
            params.seed,
            self.mode,
            self.color,
        )
