"""Generic 3-D kernels (array-API only): pad, crop, cuboid dropout and the 48 symmetries of a cube.

Volumes are (D, H, W, C), or (N, D, H, W, C) for N volumes of one call: D slices of H x W pixels
with C channels. Fill values are host arrays of the volume's dtype, one per channel
(``functional._common.host_fill``). Outputs are new arrays (never views of the input).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import array_namespace, device

from xalbu.core.dispatch import kernel


def _copy(xp: Any, view: Any) -> Any:
    """A new C-ordered array with the values of ``view``."""
    out = xp.empty(view.shape, dtype=view.dtype, device=device(view))
    out[...] = view
    return out


def _fill(xp: Any, vol: Any, fill: np.ndarray) -> Any:
    return xp.asarray(np.asarray(fill), dtype=vol.dtype, device=device(vol))


@kernel
def pad3d(vol: Any, /, front: int, back: int, top: int, bottom: int, left: int, right: int, fill: Any) -> Any:
    """Pad the D, H and W axes with the constant ``fill`` ((C,) values of the volume's dtype).

    Example: ``pad3d(v, 1, 0, 0, 0, 0, 2, fill)`` of a (2, 3, 4, C) volume has shape
    (3, 3, 6, C) and ``out[1:, :, :4] == v``.
    """
    xp = array_namespace(vol)
    d, h, w, c = (int(s) for s in vol.shape[-4:])
    shape = (*(int(s) for s in vol.shape[:-4]), d + front + back, h + top + bottom, w + left + right, c)
    out = xp.empty(shape, dtype=vol.dtype, device=device(vol))
    out[...] = _fill(xp, vol, fill)
    out[..., front : front + d, top : top + h, left : left + w, :] = vol
    return out


@kernel
def crop3d(vol: Any, /, z_min: int, z_max: int, y_min: int, y_max: int, x_min: int, x_max: int) -> Any:
    """The box ``[z_min, z_max) x [y_min, y_max) x [x_min, x_max)`` of the volume (inside it)."""
    xp = array_namespace(vol)
    return _copy(xp, vol[..., int(z_min) : int(z_max), int(y_min) : int(y_max), int(x_min) : int(x_max), :])


@kernel
def cutout3d(vol: Any, /, holes: np.ndarray, fill: Any) -> Any:
    """The volume with each cuboid ``(z1, y1, x1, z2, y2, x2)`` of ``holes`` (host ints, ends
    excluded) set to ``fill`` ((C,) values of the volume's dtype)."""
    xp = array_namespace(vol)
    out = _copy(xp, vol)
    value = _fill(xp, vol, fill)
    for z1, y1, x1, z2, y2, x2 in np.asarray(holes, np.int64).reshape(-1, 6).tolist():
        out[..., z1:z2, y1:y2, x1:x2, :] = value
    return out


def _cube_table() -> list[tuple[tuple[int, int, int], tuple[bool, bool, bool]]]:
    """The 48 symmetries of a cube in albumentations 2.0.8's order, as ``(perm, flips)``: output
    axis ``a`` reads input axis ``perm[a]``, reversed where ``flips[a]`` (axes 0, 1, 2 = D, H, W).

    Each is a composition of quarter turns, transposes and reversals; the table is found by
    applying that composition to a grid of distinct coordinates, not kept by hand.
    """
    rot = np.rot90

    def tp(*axes: int) -> Any:
        return lambda x: x.transpose(*axes, *range(3, x.ndim))

    def then(f: Any, g: Any) -> Any:
        return lambda x: g(f(x))

    def r(k: int, axes: tuple[int, int]) -> Any:
        return lambda x: rot(x, k=k, axes=axes)

    def flip(*axes: int) -> Any:
        return lambda x: np.flip(x, axis=axes)

    ops = [
        lambda x: x, r(1, (1, 2)), r(2, (1, 2)), r(3, (1, 2)),
        flip(0, 2), then(r(2, (0, 2)), r(1, (1, 2))), flip(0, 1), then(r(2, (0, 2)), r(3, (1, 2))),
        r(1, (0, 2)), then(r(1, (0, 2)), r(1, (0, 1))), then(r(1, (0, 2)), r(2, (0, 1))), tp(1, 2, 0),
        r(-1, (0, 2)), then(r(-1, (0, 2)), r(1, (0, 1))), then(r(-1, (0, 2)), r(2, (0, 1))),
        then(r(-1, (0, 2)), r(3, (0, 1))),
        r(1, (0, 1)), then(r(1, (0, 1)), r(1, (0, 2))), then(r(1, (0, 1)), r(2, (0, 2))), tp(2, 0, 1),
        r(-1, (0, 1)), then(r(-1, (0, 1)), r(1, (0, 2))), then(r(-1, (0, 1)), r(2, (0, 2))),
        then(r(-1, (0, 1)), r(3, (0, 2))),
        flip(2), tp(0, 2, 1), flip(1), then(flip(2), r(3, (1, 2))),
        flip(0), then(flip(0), r(1, (1, 2))), flip(0, 1, 2), then(flip(0), r(-1, (1, 2))),
        tp(2, 1, 0), then(tp(1, 2, 0), flip(0)), then(tp(2, 1, 0), flip(0, 1)), then(tp(1, 2, 0), flip(1)),
        then(flip(2), r(-1, (0, 2))), then(tp(1, 2, 0), flip(0, 1, 2)), then(tp(2, 1, 0), flip(1, 2)),
        then(tp(1, 2, 0), flip(2)),
        then(flip(2), r(1, (0, 1))), then(tp(2, 0, 1), flip(2)), tp(1, 0, 2), then(tp(2, 0, 1), flip(0)),
        then(flip(2), r(-1, (0, 1))), then(tp(2, 0, 1), flip(1)), then(tp(1, 0, 2), flip(0, 1)),
        then(tp(2, 0, 1), flip(0, 1, 2)),
    ]  # fmt: skip
    size = (2, 3, 5)  # distinct sizes: each output axis says which input axis it came from
    grid = np.stack(np.meshgrid(*(np.arange(s) for s in size), indexing="ij"), axis=-1)  # (2, 3, 5, 3)
    table = []
    for op in ops:
        out = op(grid)
        perm, flips = [], []
        for a in range(3):
            step = [0, 0, 0]
            step[a] = 1
            delta = out[tuple(step)] - out[0, 0, 0]
            src = int(np.flatnonzero(delta)[0])
            perm.append(src)
            flips.append(bool(delta[src] < 0))
        table.append((tuple(perm), tuple(flips)))
    return table


CUBE_SYMMETRIES: list[tuple[tuple[int, int, int], tuple[bool, bool, bool]]] = _cube_table()
"""``(perm, flips)`` of each of the 48 symmetries (see :func:`_cube_table`)."""


@kernel
def cube_symmetry(vol: Any, /, index: int) -> Any:
    """Symmetry ``index`` (0-47, albumentations' numbering) of every volume: axes permuted and
    reversed (a non-cubic volume changes shape where axes swap)."""
    xp = array_namespace(vol)
    perm, flips = CUBE_SYMMETRIES[int(index)]
    k = vol.ndim - 4  # leading (volume) axes
    view = xp.permute_dims(vol, (*range(k), *(p + k for p in perm), k + 3))
    axes = tuple(a + k for a in range(3) if flips[a])
    if axes:
        view = xp.flip(view, axis=axes)
    return _copy(xp, view)


__all__: Sequence[str] = ("CUBE_SYMMETRIES", "crop3d", "cube_symmetry", "cutout3d", "pad3d")
