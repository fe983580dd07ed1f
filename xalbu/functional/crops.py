"""Generic crop kernel: cut a pixel box out of an image or a batch (array-API only).

Images are HWC or NHWC; the box is on the (H, W) axes ``(-3, -2)``. Backend overrides
(``backends/numpy_cv2/crops.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xalbu.core.dispatch import kernel


@kernel
def crop(img: Any, /, x_min: int, y_min: int, x_max: int, y_max: int) -> Any:
    """Crop the pixel box ``[x_min, x_max) x [y_min, y_max)`` (same box for a whole batch).

    The box is already validated to lie inside the image. Example: ``crop(img, 1, 0, 3, 2)`` of a
    ``(3, 4, C)`` image has shape ``(2, 2, C)`` and ``out[0, 0] = img[0, 1]``.
    """
    return img[..., int(y_min) : int(y_max), int(x_min) : int(x_max), :]


__all__: Sequence[str] = ("crop",)
