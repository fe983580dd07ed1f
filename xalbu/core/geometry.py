"""Host-side 3x3 matrix builders for affine-kind transforms.

Every builder takes scalars (one image -> a (3, 3) matrix) or length-N arrays (a batch -> (N, 3, 3)).
Matrices are forward maps in continuous pixel coordinates (see ``xalbu.core.targets``).

>>> translate(2, 3) @ [0, 0, 1]
array([2., 3., 1.])
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _stack(entries: list[list[Any]]) -> np.ndarray:
    """Build (3, 3) or (N, 3, 3) from a nested list of scalars/arrays."""
    flat = [v for row in entries for v in row]
    vectors = [v for v in flat if isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) > 0]
    if not vectors:  # one image: one cheap conversion (this runs on every call)
        return np.array(flat, np.float64).reshape(3, 3)
    n = max(np.size(v) for v in vectors)
    out = np.empty((n, 3, 3), np.float64)
    for i, row in enumerate(entries):
        for j, v in enumerate(row):
            out[:, i, j] = v
    return out


_SCALARS = (int, float, np.integer, np.floating)
_EYE = np.eye(3)


def translate(tx: Any, ty: Any) -> np.ndarray:
    if isinstance(tx, _SCALARS) and isinstance(ty, _SCALARS):  # one image: the cheapest build
        m = _EYE.copy()
        m[0, 2], m[1, 2] = tx, ty
        return m
    return _stack([[1, 0, tx], [0, 1, ty], [0, 0, 1]])


def scale(sx: Any, sy: Any) -> np.ndarray:
    if isinstance(sx, _SCALARS) and isinstance(sy, _SCALARS):
        m = _EYE.copy()
        m[0, 0], m[1, 1] = sx, sy
        return m
    return _stack([[sx, 0, 0], [0, sy, 0], [0, 0, 1]])


def rotate_deg(angle: Any) -> np.ndarray:
    """Rotation by ``angle`` degrees; positive is counter-clockwise on screen (y axis points down)."""
    a = np.deg2rad(angle)
    c, s = np.cos(a), np.sin(a)
    return _stack([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def shear_deg(sx: Any, sy: Any) -> np.ndarray:
    return _stack([[1, np.tan(np.deg2rad(sx)), 0], [np.tan(np.deg2rad(sy)), 1, 0], [0, 0, 1]])


def about_center(m: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Conjugate ``m`` so that it acts about the image centre."""
    h, w = shape
    return translate(w / 2, h / 2) @ m @ translate(-w / 2, -h / 2)


def hflip(shape: tuple[int, int]) -> np.ndarray:
    return np.array([[-1, 0, shape[1]], [0, 1, 0], [0, 0, 1]], np.float64)


def vflip(shape: tuple[int, int]) -> np.ndarray:
    return np.array([[1, 0, 0], [0, -1, shape[0]], [0, 0, 1]], np.float64)


def transpose() -> np.ndarray:
    return np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], np.float64)


def rot90(k: Any, shape: tuple[int, int]) -> np.ndarray:
    """Counter-clockwise rotation by ``k`` quarter turns (as ``np.rot90``), mapping onto the new frame."""
    h, w = shape
    mats = np.stack(
        [
            np.eye(3),
            np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], np.float64),
            np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], np.float64),
            np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], np.float64),
        ]
    )
    return mats[np.asarray(k) % 4]


def crop(x_min: Any, y_min: Any) -> np.ndarray:
    if isinstance(x_min, _SCALARS) and isinstance(y_min, _SCALARS):
        return translate(-float(x_min), -float(y_min))
    return translate(-np.asarray(x_min, np.float64), -np.asarray(y_min, np.float64))


def crop_resize(x_min: Any, y_min: Any, x_max: Any, y_max: Any, out_hw: tuple[int, int]) -> np.ndarray:
    """Crop the box then resize it to ``out_hw`` (half-pixel-centre convention)."""
    if all(isinstance(v, _SCALARS) for v in (x_min, y_min, x_max, y_max)):  # one image: no arrays
        sx = out_hw[1] / (float(x_max) - float(x_min))
        sy = out_hw[0] / (float(y_max) - float(y_min))
        m = _EYE.copy()
        m[0, 0], m[0, 2], m[1, 1], m[1, 2] = sx, -(sx * float(x_min)), sy, -(sy * float(y_min))
        return m
    sx = out_hw[1] / (np.asarray(x_max, np.float64) - x_min)
    sy = out_hw[0] / (np.asarray(y_max, np.float64) - y_min)
    return scale(sx, sy) @ crop(x_min, y_min)
