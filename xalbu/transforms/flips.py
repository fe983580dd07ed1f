"""Exact lattice transforms: flips, transpose, quarter turns and the dihedral group D4.

Each is an affine-kind transform (boxes and keypoints follow its matrix) whose image and mask path
is an exact kernel (no resampling).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import draw
from ..core import geometry as M
from ..functional import flips as F
from ._common import _ExactFlip, _ExactWhenShared

__all__ = ["D4", "HorizontalFlip", "RandomRotate90", "SquareSymmetry", "Transpose", "VerticalFlip"]


@functools.lru_cache(maxsize=128)
def _fixed(build: Callable[..., np.ndarray], *args: Any) -> np.ndarray:
    """A read-only matrix of a parameter-free map, built once per image size (saves ~1 us a call)."""
    m = build(*args)
    m.flags.writeable = False
    return m


class HorizontalFlip(_ExactFlip):
    """Mirror left-right.

    >>> import numpy as np, xalbu as A
    >>> A.HorizontalFlip(p=1)(image=np.array([[1, 2, 3]], np.uint8))["image"].tolist()
    [[3, 2, 1]]
    """

    def _kernel(self, img: Any) -> Any:
        return F.hflip(img)

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return _fixed(M.hflip, shape)


class VerticalFlip(_ExactFlip):
    """Mirror top-bottom.

    >>> import numpy as np, xalbu as A
    >>> A.VerticalFlip(p=1)(image=np.array([[1], [2]], np.uint8))["image"].tolist()
    [[2], [1]]
    """

    def _kernel(self, img: Any) -> Any:
        return F.vflip(img)

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return _fixed(M.vflip, shape)


class Transpose(_ExactFlip):
    """Swap rows and columns (mirror about the main diagonal).

    >>> import numpy as np, xalbu as A
    >>> A.Transpose(p=1)(image=np.array([[1, 2]], np.uint8))["image"].tolist()
    [[1], [2]]
    """

    def _kernel(self, img: Any) -> Any:
        return F.transpose(img)

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return _fixed(M.transpose)

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return (shape[1], shape[0])


@dataclass
class RotateParams:
    k: Any  # quarter turns, counter-clockwise; int or (N,) ints


class RandomRotate90(_ExactWhenShared):
    """Rotate by a random number of quarter turns (0, 1, 2 or 3; counter-clockwise).

    On non-square images a batch needs ``p=1`` and square images, since odd turns swap H and W.
    ``p`` defaults to 1, as in albumentations 2.0.8 (1.x: 0.5).

    >>> import numpy as np, xalbu as A
    >>> out = A.RandomRotate90(p=1)(image=np.zeros((2, 2), np.uint8))
    """

    Params = RotateParams
    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    def __init__(self, p: float = 1.0) -> None:
        super().__init__(p)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> RotateParams:
        return RotateParams(draw.integers(rng, 0, 4, n))

    def matrix(self, params: RotateParams, shape: tuple[int, int]) -> np.ndarray:
        return M.rot90(params.k, shape)

    def output_shape(self, params: RotateParams, shape: tuple[int, int]) -> tuple[int, int]:
        k = np.asarray(params.k)
        if k.ndim and shape[0] != shape[1]:
            if np.any(k % 2 != k[0] % 2):
                raise ValueError(
                    f"{type(self).__name__}: in a batch of non-square images ({shape[0]}x{shape[1]}) samples "
                    "would get different sizes; use square images or a fixed rotation"
                )
        return (shape[1], shape[0]) if int(k.flat[0]) % 2 else shape

    def _shared_kernel(self, arr: Any, params: RotateParams, out_hw: tuple[int, int], mask: bool) -> Any:
        return F.rot90(arr, int(params.k))

    # batch: a per-sample quarter turn is an exact nearest-neighbour warp on the lattice
    interpolation = 0


@dataclass
class D4Params:
    element: Any  # 0..7: k quarter turns (0-3), then the same followed by a transpose (4-7)


class D4(_ExactWhenShared):
    """One of the 8 symmetries of the square (rotations by quarter turns, with or without a flip).

    >>> import numpy as np, xalbu as A
    >>> out = A.D4(p=1)(image=np.zeros((4, 4, 3), np.uint8))
    """

    Params = D4Params

    interpolation = 0

    def __init__(self, p: float = 1.0) -> None:
        super().__init__(p)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> D4Params:
        return D4Params(draw.integers(rng, 0, 8, n))

    def matrix(self, params: D4Params, shape: tuple[int, int]) -> np.ndarray:
        e = np.asarray(params.element)
        k = e % 4
        rot = M.rot90(k, shape)
        flipped = M.transpose() @ rot
        return np.where((e >= 4).reshape(e.shape + (1, 1)), flipped, rot)

    def output_shape(self, params: D4Params, shape: tuple[int, int]) -> tuple[int, int]:
        e = np.asarray(params.element)
        swaps = (e % 4) % 2 != (e >= 4)
        if e.ndim and shape[0] != shape[1] and np.any(swaps != swaps.flat[0]):
            raise ValueError(
                f"{type(self).__name__}: in a batch of non-square images ({shape[0]}x{shape[1]}) samples "
                "would get different sizes"
            )
        return (shape[1], shape[0]) if bool(swaps.flat[0]) else shape

    def _shared_kernel(self, arr: Any, params: D4Params, out_hw: tuple[int, int], mask: bool) -> Any:
        e = int(params.element)
        out = F.rot90(arr, e % 4)
        return F.transpose(out) if e >= 4 else out


class SquareSymmetry(D4):
    """One of the 8 symmetries of the square, drawn uniformly: albumentations' friendlier name for :class:`D4`.

    The eight maps are the identity, rotations by 90, 180 and 270 degrees (counter-clockwise), and
    the mirrors about the vertical, horizontal, main-diagonal and anti-diagonal axes. They are exact
    (no resampling) and move masks, boxes and keypoints with the image. Meant for square images:
    on a non-square image half of the maps swap height and width, so a batch of non-square images
    refuses draws that would give its samples different sizes.

    Args:
        p: probability of applying the transform (default 1, as albumentations).

    >>> import numpy as np, xalbu as A
    >>> out = A.SquareSymmetry(p=1)(image=np.arange(4, dtype=np.uint8).reshape(2, 2))["image"]
    >>> sorted(out.ravel().tolist())
    [0, 1, 2, 3]
    """
