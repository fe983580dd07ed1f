"""Generic flip and rotation kernels: mirror left-right / top-bottom, transpose, quarter turns.

Images are HWC or NHWC; the kernels work on the (H, W) axes ``(-3, -2)`` and keep any dtype (pure
data movement). Backend overrides (``backends/numpy_cv2/flips.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xalbu.core.dispatch import kernel
from xalbu.functional._common import _hw_axes
from xalbu.functional._utils import namespace


def _swap_hw(xp: Any, img: Any) -> Any:
    """Swap the H and W axes of an HWC/NHWC array (a view where the backend allows)."""
    h, w = _hw_axes(img)
    return xp.permute_dims(img, (*range(h), w, h, img.ndim - 1))


@kernel
def hflip(img: Any, /) -> Any:
    """Mirror left-right (flip the W axis). Example: row ``[1, 2, 3]`` becomes ``[3, 2, 1]``."""
    xp = namespace(img)
    return xp.flip(img, axis=_hw_axes(img)[1])


@kernel
def vflip(img: Any, /) -> Any:
    """Mirror top-bottom (flip the H axis). Example: column ``[1, 2]`` becomes ``[2, 1]``."""
    xp = namespace(img)
    return xp.flip(img, axis=_hw_axes(img)[0])


@kernel
def transpose(img: Any, /) -> Any:
    """Swap the H and W axes. Example: ``(2, 3, C)`` becomes ``(3, 2, C)``; ``out[j, i] = img[i, j]``."""
    xp = namespace(img)
    return _swap_hw(xp, img)


@kernel
def rot90(img: Any, /, k: int) -> Any:
    """Rotate by ``k`` quarter turns counter-clockwise on (H, W), like ``np.rot90(img, k)``.

    ``k`` is taken mod 4. Example: ``[[1, 2], [3, 4]]`` with ``k=1`` becomes ``[[2, 4], [1, 3]]``.
    """
    xp = namespace(img)
    h, w = _hw_axes(img)
    k = int(k) % 4
    if k == 0:
        return img
    if k == 2:
        return xp.flip(img, axis=(h, w))
    if k == 1:
        return _swap_hw(xp, xp.flip(img, axis=w))
    return xp.flip(_swap_hw(xp, img), axis=w)


__all__: Sequence[str] = ("hflip", "rot90", "transpose", "vflip")
