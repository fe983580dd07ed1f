"""Kernels on pixel levels shared by families (tone's InvertImg, the policies' invert op).

>>> import numpy as np
>>> invert(np.array([[[0, 55]]], np.uint8)).tolist()
[[[255, 200]]]
"""

from __future__ import annotations

from typing import Any

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import clip, is_float, max_value, namespace


@kernel
def invert(img: Any) -> Any:
    """``max - img``, floats clipped to [0, 1]. Example: uint16 ``0`` becomes ``65535``; float ``inf`` 0."""
    xp = namespace(img)
    if is_float(xp, img.dtype):
        return clip(xp, 1.0 - img, 0.0, 1.0)
    return int(max_value(xp, img.dtype)) - img


__all__ = ["invert"]
