"""Spectrogram transforms (SpecAugment and friends), as albumentations 2.0.8 has them: a spectrogram is
an image whose columns are time and whose rows are frequencies.

TimeMasking and FrequencyMasking are XYMasking with at most one stripe (0 or 1, drawn uniformly, as
albumentations reads ``num_masks=1``): a column band (time) or a row band (frequency) of a random
length in ``[0, param]`` at a uniform place, filled with 0 in images and masks;
boxes and keypoints follow the dropout family's rules (:mod:`xalbu.transforms.dropout`). TimeReverse
mirrors the time axis: HorizontalFlip, boxes and keypoints included.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import geometry as M
from ..core.compat import Rule
from ..core.validation import check_int
from ..functional import flips as F
from ._common import _ExactFlip
from ._holes import _Dropout, batch_stripes, xy_stripes

__all__ = ["FrequencyMasking", "TimeMasking", "TimeReverse"]


def _fixed_xy(param: str, axis: int) -> dict[str, Rule]:
    """albumentations 2.0.8 writes XYMasking's arguments into these classes' files: they are fixed
    (the masked axis' length follows ``param``)."""
    why = f"albumentations 2.0.8: XYMasking's, fixed by {param}"
    one, none = ([0, 1], (0, 1)), ([0, 0], (0, 0))  # JSON lists, to_dict's tuples
    return {
        "fill": Rule("drop", why, keep_if=(0, 0.0)),
        "fill_mask": Rule("drop", why, keep_if=(0, 0.0)),
        "num_masks_x": Rule("drop", why, keep_if=one if axis == 0 else none),
        "num_masks_y": Rule("drop", why, keep_if=one if axis == 1 else none),
        "mask_x_length": Rule("drop", why, keep_if=None if axis == 0 else none),
        "mask_y_length": Rule("drop", why, keep_if=None if axis == 1 else none),
    }


class _OneStripe(_Dropout):
    """0 or 1 stripe across the image (``axis`` 0: a column band, 1: a row band) of ``[0, param]`` pixels."""

    _abstract = True
    _axis = 0
    _param = ""

    def _init(self, value: Any, p: float) -> None:
        super().__init__(p)
        setattr(self, self._param, check_int(self._param, value, 1))
        self._set_fill(0, 0)

    def _length(self, shape: tuple[int, int]) -> tuple[int, int]:
        size = shape[1 - self._axis]
        top = getattr(self, self._param)
        if top > size:
            side = "width" if self._axis == 0 else "height"
            raise ValueError(f"{type(self).__name__}: {self._param} {top} exceeds the image's {side} {size}")
        return (0, top)

    def max_holes(self, shape: tuple[int, int]) -> int:
        return 1

    def holes(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        h, w = shape
        size, other = (w, h) if self._axis == 0 else (h, w)
        rows = xy_stripes(rng, (0, 1), self._length(shape), size, self._axis, other)
        return np.array(rows, np.int64).reshape(-1, 4)

    def batch_holes(self, rng: np.random.Generator, shape: tuple[int, int], n: int) -> np.ndarray:
        h, w = shape
        size, other = (w, h) if self._axis == 0 else (h, w)
        return batch_stripes(rng, (0, 1), self._length(shape), size, self._axis, other, n)


class TimeMasking(_OneStripe):
    """Mask one band of time (columns) of a spectrogram: SpecAugment's time mask.

    The number of bands is 0 or 1 (uniform, as albumentations 2.0.8 draws it), the band's width uniform over ``0 .. time_mask_param`` pixels (0: nothing masked), its first
    column uniform over the places where it fits; images and masks get 0 there. A ``time_mask_param``
    wider than the image is refused when the transform runs. Boxes and keypoints follow the dropout
    family's rules. Any dtype and number of channels.

    Args:
        time_mask_param: the largest band width in pixels (at least 1).
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> out = A.TimeMasking(time_mask_param=3, p=1)(image=np.full((4, 6), 7, np.uint8))["image"]
    >>> bool(((out == 0).all(axis=0) | (out == 7).all(axis=0)).all())  # whole columns are masked
    True
    """

    _axis = 0
    _param = "time_mask_param"
    albumentations_args = _fixed_xy("time_mask_param", 0)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"time_mask_param": max(1, width // 6)}, {"time_mask_param": 1}]

    def __init__(self, time_mask_param: int = 40, p: float = 0.5) -> None:
        self._init(time_mask_param, p)


class FrequencyMasking(_OneStripe):
    """Mask one band of frequencies (rows) of a spectrogram: SpecAugment's frequency mask.

    The number of bands is 0 or 1 (uniform, as albumentations 2.0.8 draws it), the band's height uniform over ``0 .. freq_mask_param`` pixels (0: nothing masked), its first
    row uniform over the places where it fits; images and masks get 0 there. A ``freq_mask_param``
    taller than the image is refused when the transform runs. Boxes and keypoints follow the dropout
    family's rules. Any dtype and number of channels.

    Args:
        freq_mask_param: the largest band height in pixels (at least 1).
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> out = A.FrequencyMasking(freq_mask_param=3, p=1)(image=np.full((6, 4), 7, np.uint8))["image"]
    >>> bool(((out == 0).all(axis=1) | (out == 7).all(axis=1)).all())  # whole rows are masked
    True
    """

    _axis = 1
    _param = "freq_mask_param"
    albumentations_args = _fixed_xy("freq_mask_param", 1)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"freq_mask_param": max(1, height // 8)}, {"freq_mask_param": 1}]

    def __init__(self, freq_mask_param: int = 30, p: float = 0.5) -> None:
        self._init(freq_mask_param, p)


class TimeReverse(_ExactFlip):
    """Reverse the time axis of a spectrogram: a left-right mirror (HorizontalFlip), boxes and
    keypoints included.

    Args:
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> A.TimeReverse(p=1)(image=np.array([[1, 2, 3]], np.uint8))["image"].tolist()
    [[3, 2, 1]]
    """

    def _kernel(self, img: Any) -> Any:
        return F.hflip(img)

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return M.hflip(shape)
