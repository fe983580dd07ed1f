"""NumPy overrides of the 3-D kernels (CPU): the same results as the generic kernels of
``xalbu/functional/volume.py`` with plain NumPy calls (no array-API wrappers), C-ordered copies.
Volumes are (D, H, W, C) or (N, D, H, W, C)."""

from __future__ import annotations

from typing import Any

import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import volume as F


@register(F.pad3d, "numpy_cv2")
def pad3d(
    vol: np.ndarray, /, front: int, back: int, top: int, bottom: int, left: int, right: int, fill: np.ndarray
) -> np.ndarray:
    d, h, w, c = vol.shape[-4:]
    out = np.empty((*vol.shape[:-4], d + front + back, h + top + bottom, w + left + right, c), vol.dtype)
    fill = np.asarray(fill, vol.dtype)
    if c == 1:  # one channel: fill and copy without the unit axis (NumPy's copies are slower with it)
        _pad_into(out[..., 0], vol[..., 0], front, top, left, fill[0], 0)
    else:
        _pad_into(out, vol, front, top, left, fill, 1)
    return out


def _pad_into(out: np.ndarray, vol: np.ndarray, front: int, top: int, left: int, fill: Any, e: int) -> None:
    """``vol`` into ``out`` at (front, top, left) of their D, H, W axes, ``fill`` around it (``e``: 1
    when a channel axis follows W, else 0): the padded slabs, then the rims of the volume's slices."""
    t = (slice(None),) * e
    every = slice(None)
    d, h, w = vol.shape[vol.ndim - 3 - e : vol.ndim - e]
    dd, hh, ww = out.shape[out.ndim - 3 - e : out.ndim - e]
    if front or dd - d - front:
        out[(..., slice(0, front), every, every, *t)] = fill
        out[(..., slice(front + d, None), every, every, *t)] = fill
    core = out[(..., slice(front, front + d), every, every, *t)]
    if top or hh - h - top:
        core[(..., slice(0, top), every, *t)] = fill
        core[(..., slice(top + h, None), every, *t)] = fill
    rows = core[(..., slice(top, top + h), every, *t)]
    if left or ww - w - left:
        rows[(..., slice(0, left), *t)] = fill
        rows[(..., slice(left + w, None), *t)] = fill
    rows[(..., slice(left, left + w), *t)] = vol


@register(F.crop3d, "numpy_cv2")
def crop3d(
    vol: np.ndarray, /, z_min: int, z_max: int, y_min: int, y_max: int, x_min: int, x_max: int
) -> np.ndarray:
    if vol.shape[-1] == 1:  # one channel: copy without the unit axis (NumPy's copy is slower with it)
        return vol[..., z_min:z_max, y_min:y_max, x_min:x_max, 0].copy()[..., None]
    return vol[..., z_min:z_max, y_min:y_max, x_min:x_max, :].copy()


@register(F.cutout3d, "numpy_cv2")
def cutout3d(vol: np.ndarray, /, holes: np.ndarray, fill: np.ndarray) -> np.ndarray:
    out = vol.copy()
    value = np.asarray(fill, vol.dtype)
    for z1, y1, x1, z2, y2, x2 in np.asarray(holes, np.int64).reshape(-1, 6).tolist():
        out[..., z1:z2, y1:y2, x1:x2, :] = value
    return out


@register(F.cube_symmetry, "numpy_cv2")
def cube_symmetry(vol: np.ndarray, /, index: int) -> np.ndarray:
    perm, flips = F.CUBE_SYMMETRIES[index]
    k = vol.ndim - 4  # leading (volume) axes
    view = vol.transpose(*range(k), perm[0] + k, perm[1] + k, perm[2] + k, k + 3)
    if flips[0] or flips[1] or flips[2]:
        view = view[(Ellipsis, *(slice(None, None, -1) if f else slice(None) for f in flips), slice(None))]
    if view.shape[-1] == 1:  # one channel: copy without the unit axis (NumPy's copy loops over it)
        return np.array(view[..., 0], order="C")[..., None]
    return np.array(view, order="C")
