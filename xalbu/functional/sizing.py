"""Generic size-changing kernels: pads (border rules) and resizes (separable weights), array-API only.

Images are HWC or NHWC; the kernels work on the (H, W) axes ``(-3, -2)``. Coordinates are
continuous: pixel (row i, col j) covers ``[j, j + 1) x [i, i + 1)`` and its centre is
``(j + 0.5, i + 0.5)``. Interpolation and border codes are OpenCV's integers (see
:mod:`xalbu.functional._common`). Host-side NumPy is used only for small parameter arrays (weight
tables, fill values). Backend overrides (``backends/numpy_cv2/sizing.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import (
    CONSTANT,
    _hw_axes,
    fold_index,
    host_fill,
)
from xalbu.functional._resize import nearest_index, resize, resize_weights
from xalbu.functional._utils import dtype_name, namespace


@kernel
def pad(img: Any, /, top: int, bottom: int, left: int, right: int, border_mode: int, fill: Any) -> Any:
    """Pad the (H, W) axes by ``top``/``bottom``/``left``/``right`` pixels with a border rule.

    ``fill`` (scalar, per-channel sequence) is used only for ``border_mode`` 0. Example: the row
    ``[a, b, c]`` padded by 2 left with reflect_101 (4) becomes ``[c, b, a, b, c]``.
    """
    xp = namespace(img)
    ha, wa = _hw_axes(img)
    h, w = img.shape[ha], img.shape[wa]
    dev = device(img)
    if border_mode != CONSTANT:
        rows = fold_index(np, np.arange(-top, h + bottom), h, border_mode)
        cols = fold_index(np, np.arange(-left, w + right), w, border_mode)
        out = xp.take(img, xp.asarray(rows, device=dev), axis=ha)
        return xp.take(out, xp.asarray(cols, device=dev), axis=wa)
    lead, c = tuple(img.shape[:ha]), img.shape[-1]
    n = lead[0] if lead else None
    value = xp.asarray(host_fill(fill, dtype_name(xp, img.dtype), c, n), device=dev)

    def block(bh: int, bw: int) -> Any:
        return xp.broadcast_to(value, (*lead, bh, bw, c))

    middle = xp.concat([block(h, left), img, block(h, right)], axis=wa)
    return xp.concat([block(top, w + left + right), middle, block(bottom, w + left + right)], axis=ha)


# ----------------------------------------------------------------------------------------------
# resize
# ----------------------------------------------------------------------------------------------


__all__: Sequence[str] = ("nearest_index", "pad", "resize", "resize_weights")
