"""NumPy overrides of the 3-D kernels (CPU): the same results as the generic kernels of
``xalbu/functional/volume.py`` with plain NumPy calls (no array-API wrappers) and
``cv2.copyMakeBorder`` for the padding of each slice, C-ordered copies.
Volumes are (D, H, W, C) or (N, D, H, W, C)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import volume as F


def _filler(fill: np.ndarray, width: int) -> Any:
    """What to assign to fill a region whose last axes are (<= ``width``, C): the scalar where every
    channel's value is the same, else a C-ordered (width, C) row of the values (NumPy broadcasts a
    (C,) array into a region element by element, tens of times slower than either)."""
    if fill.size == 0 or (fill == fill.flat[0]).all() or fill.size == 1:
        return fill.reshape(-1)[0] if fill.size else 0
    return np.ascontiguousarray(np.broadcast_to(fill.reshape(1, -1), (width, fill.size)))


@register(F.pad3d, "numpy_cv2")
def pad3d(
    vol: np.ndarray, /, front: int, back: int, top: int, bottom: int, left: int, right: int, fill: np.ndarray
) -> np.ndarray:
    d, h, w, c = vol.shape[-4:]
    ww = w + left + right
    out = np.empty((*vol.shape[:-4], d + front + back, h + top + bottom, ww, c), vol.dtype)
    fill = np.asarray(fill, vol.dtype).reshape(-1)
    if c <= 4 and vol.dtype in _CV_DTYPES and vol.flags.c_contiguous and vol.size:
        _pad_slices(out, vol, front, top, bottom, left, right, fill)
    elif c == 1:  # one channel: fill and copy without the unit axis (NumPy's copies are slower with it)
        _pad_into(out[..., 0], vol[..., 0], front, top, left, fill[0], 0)
    else:
        _pad_into(out, vol, front, top, left, _filler(fill, ww), 1)
    return out


_CV_DTYPES = tuple(np.dtype(t) for t in ("uint8", "int8", "uint16", "int16", "int32", "float32", "float64"))


def _pad_slices(
    out: np.ndarray,
    vol: np.ndarray,
    front: int,
    top: int,
    bottom: int,
    left: int,
    right: int,
    fill: np.ndarray,
) -> None:
    """The depth slabs filled, then each slice padded by ``cv2.copyMakeBorder`` straight into its
    place in ``out`` (one pass over the slice's rows, faster than NumPy's rim writes and copy)."""
    d, h, w, c = vol.shape[-4:]
    dd, hh, ww = out.shape[-4:-1]
    frames = out.reshape(-1, dd, hh, ww, c)
    value = _filler(fill, ww)
    if front or dd - d - front:
        frames[:, :front] = value
        frames[:, front + d :] = value
    scalar = tuple(float(v) for v in fill) + (0.0,) * (4 - c)
    borders = (int(top), int(bottom), int(left), int(right))
    src = vol.reshape(-1, d, h, w, c)
    for k in range(src.shape[0]):
        for i in range(d):
            dst = frames[k, front + i]
            if c == 1:
                dst, one = dst[..., 0], src[k, i, ..., 0]
            else:
                one = src[k, i]
            cv2.copyMakeBorder(one, *borders, cv2.BORDER_CONSTANT, dst=dst, value=scalar)


def _pad_into(out: np.ndarray, vol: np.ndarray, front: int, top: int, left: int, fill: Any, e: int) -> None:
    """``vol`` into ``out`` at (front, top, left) of their D, H, W axes, ``fill`` around it (``e``: 1
    when a channel axis follows W, else 0; ``fill``: a scalar or a (W_out, C) row, see
    :func:`_filler`): the padded slabs, then the rims of the volume's slices."""
    t = (slice(None),) * e
    every = slice(None)
    row = isinstance(fill, np.ndarray) and fill.ndim == 2
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
        rows[(..., slice(0, left), *t)] = fill[:left] if row else fill
        rows[(..., slice(left + w, None), *t)] = fill[: ww - w - left] if row else fill
    rows[(..., slice(left, left + w), *t)] = vol


@register(F.crop3d, "numpy_cv2")
def crop3d(
    vol: np.ndarray, /, z_min: int, z_max: int, y_min: int, y_max: int, x_min: int, x_max: int
) -> np.ndarray:
    if vol.shape[-1] == 1:  # one channel: copy without the unit axis (NumPy's copy is slower with it)
        return vol[..., z_min:z_max, y_min:y_max, x_min:x_max, 0].copy()[..., None]
    if vol.ndim == 4:  # one volume: plain slices (an Ellipsis index costs more)
        return vol[z_min:z_max, y_min:y_max, x_min:x_max].copy()
    return vol[..., z_min:z_max, y_min:y_max, x_min:x_max, :].copy()


@register(F.cutout3d, "numpy_cv2")
def cutout3d(vol: np.ndarray, /, holes: np.ndarray, fill: np.ndarray) -> np.ndarray:
    out = vol.copy()
    value = _filler(np.asarray(fill, vol.dtype).reshape(-1), vol.shape[-2])
    row = isinstance(value, np.ndarray)
    for z1, y1, x1, z2, y2, x2 in np.asarray(holes, np.int64).reshape(-1, 6).tolist():
        if row:
            region = out[..., z1:z2, y1:y2, x1:x2, :]
            region[...] = value[: region.shape[-2]]
        else:
            out[..., z1:z2, y1:y2, x1:x2, :] = value
    return out


@register(F.cube_symmetry, "numpy_cv2")
def cube_symmetry(vol: np.ndarray, /, index: int) -> np.ndarray:
    perm, flips = F.CUBE_SYMMETRIES[index]
    k = vol.ndim - 4  # leading (volume) axes
    view = vol.transpose(*range(k), perm[0] + k, perm[1] + k, perm[2] + k, k + 3)
    if flips[0] or flips[1] or flips[2]:
        view = view[(Ellipsis, *(slice(None, None, -1) if f else slice(None) for f in flips), slice(None))]
    c = view.shape[-1]
    if c == 1:  # one channel: copy without the unit axis (NumPy's copy loops over it)
        return np.array(view[..., 0], order="C")[..., None]
    if vol.flags.c_contiguous:  # a voxel's channels as one opaque item: NumPy's copy moves whole voxels
        item = np.dtype((np.void, c * vol.itemsize))
        voxels = np.array(view.view(item)[..., 0], order="C")
        return voxels.view(vol.dtype).reshape(*voxels.shape, c)
    return np.array(view, order="C")
