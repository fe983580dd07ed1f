"""OpenCV / NumPy overrides of the crop kernel (CPU).

``crop`` returns a fresh C-contiguous copy of the box (the generic kernel returns a view), like
every resampling override.
"""

from __future__ import annotations

import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import crops as F


@register(F.crop, "numpy_cv2")
def crop(img: np.ndarray, /, x_min: int, y_min: int, x_max: int, y_max: int) -> np.ndarray:
    """A C-order copy of the box (the generic kernel returns a view of the input)."""
    if img.ndim == 3 and type(x_min) is int and type(y_min) is int:  # one image, Python ints: plain slices
        return img[y_min:y_max, x_min:x_max].copy()
    return img[..., int(y_min) : int(y_max), int(x_min) : int(x_max), :].copy()
