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
    if img.ndim == 3:  # one image: plain slices are the cheapest
        return img[int(y_min) : int(y_max), int(x_min) : int(x_max)].copy()
    return img[:, int(y_min) : int(y_max), int(x_min) : int(x_max)].copy()
