"""Generic warp kernel: resample through a forward 3x3 affine or perspective matrix (array-API only).

Images are HWC or NHWC; the kernel works on the (H, W) axes ``(-3, -2)``. Coordinates are
continuous: pixel (row i, col j) covers ``[j, j + 1) x [i, i + 1)`` and its centre is
``(j + 0.5, i + 0.5)``. Interpolation and border codes are OpenCV's integers (see
:mod:`xalbu.functional._common`).

Parameters are Python scalars (or host NumPy arrays with a leading N axis for per-sample values
in a batch). Host-side NumPy is used only for small parameter arrays (matrices). The matrix helpers
(:func:`index_inverse`, :func:`is_affine`) are shared with the backend overrides
(``backends/numpy_cv2/affine.py``, ``backends/cupy/affine.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import (
    sample_at,
    warp_codes,
)
from xalbu.functional._utils import clip, namespace

_BIG = float(2**24)  # source coordinates are clamped to +-_BIG before turning them into indices


# ----------------------------------------------------------------------------------------------
# matrices (shared with the backends)
# ----------------------------------------------------------------------------------------------
def _translation(t: float) -> np.ndarray:
    """The 3x3 matrix adding ``t`` to both x and y (``T(0.5)`` turns pixel indices into centres)."""
    return np.array([[1.0, 0.0, t], [0.0, 1.0, t], [0.0, 0.0, 1.0]])


def index_inverse(matrix: Any) -> np.ndarray:
    """Inverse of a forward continuous-coordinate matrix, in pixel-index coordinates (as OpenCV).

    Returns ``(M, 3, 3)`` float64 mapping an output index ``(j, i, 1)`` to a source index
    ``(u, v, w)``: ``T(-0.5) @ inv(matrix) @ T(+0.5)``. Example: the identity maps to the identity.
    """
    m = np.asarray(matrix, dtype=np.float64)
    m = m[None] if m.ndim == 2 else m
    inv = _translation(-0.5) @ np.linalg.inv(m) @ _translation(0.5)
    if is_affine(m):
        inv[:, 2] = (0.0, 0.0, 1.0)  # exact, whatever the rounding of the inversion
    return inv


def is_affine(matrix: Any) -> bool:
    """True when the last row of every 3x3 matrix is exactly ``(0, 0, 1)``."""
    m = np.asarray(matrix, dtype=np.float64).reshape(-1, 3, 3)
    return bool(np.all(m[:, 2] == np.array([0.0, 0.0, 1.0])))


# ----------------------------------------------------------------------------------------------
# warp
# ----------------------------------------------------------------------------------------------
def _source_coords(
    xp: Any, inv: np.ndarray, out_hw: tuple[int, int], affine: bool, dev: Any
) -> tuple[Any, Any]:
    """Source index coordinates ``(u, v)``, each ``(M, H_out, W_out)`` float32, for output indices."""
    ho, wo = out_hw
    a = xp.asarray(inv.astype(np.float32), device=dev)
    j = xp.reshape(xp.arange(wo, dtype=xp.float32, device=dev), (1, 1, wo))
    i = xp.reshape(xp.arange(ho, dtype=xp.float32, device=dev), (1, ho, 1))

    def row(r: int) -> Any:
        c = [xp.reshape(a[:, r, k], (-1, 1, 1)) for k in range(3)]
        return c[0] * j + c[1] * i + c[2]

    u, v = row(0), row(1)
    if not affine:
        d = row(2)
        u, v = u / d, v / d

    def clamp(t: Any) -> Any:
        return clip(xp, xp.where(xp.isnan(t), -_BIG, t), -_BIG, _BIG)

    return clamp(u), clamp(v)


@kernel
def warp(
    img: Any,
    /,
    matrix: Any,
    out_hw: Sequence[int],
    interpolation: int,
    border_mode: int,
    fill: Any,
) -> Any:
    """Resample ``img`` through a forward 3x3 ``matrix`` (input -> output continuous coordinates).

    ``matrix`` is host ``(3, 3)`` (one image / whole batch) or ``(N, 3, 3)`` per sample; affine when
    every last row is ``(0, 0, 1)``, else perspective. Interpolation 0/1/2 (3 acts as 1, 4 as 2);
    every tap outside the image takes the border rule (constant: ``fill``, scalar, per channel,
    ``(N,)`` or ``(N, C)``). Nearest reads pixel ``floor(x)`` of the continuous source coordinate
    (exact ``.5`` ties go up). One vectorised gather pass for the whole batch. Example: the matrix
    ``[[-1, 0, W], [0, 1, 0], [0, 0, 1]]`` with nearest equals ``hflip``.
    """
    xp = namespace(img)
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp, border_mode = warp_codes(interpolation, border_mode)
    u, v = _source_coords(xp, index_inverse(matrix), (ho, wo), is_affine(matrix), device(img))
    return sample_at(img, u, v, interp, border_mode, fill)


__all__: Sequence[str] = ("index_inverse", "is_affine", "warp")
