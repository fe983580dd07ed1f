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
    CONSTANT,
    CUBIC,
    NEAREST,
    _cast,
    cubic_weights,
    fold_index,
    host_fill,
    warp_codes,
)
from xalbu.functional._utils import clip, dtype_name, namespace

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


def _taps(xp: Any, u: Any, interpolation: int) -> list[tuple[Any, Any]]:
    """Integer tap indices and float weights (``None`` for nearest) along one axis."""
    if interpolation == NEAREST:
        return [(xp.astype(xp.floor(u + 0.5), xp.int64), None)]
    f0 = xp.floor(u)
    x0 = xp.astype(f0, xp.int64)
    f = u - f0
    if interpolation == CUBIC:
        return [(x0 + (k - 1), wk) for k, wk in enumerate(cubic_weights(f))]
    return [(x0, 1 - f), (x0 + 1, f)]


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
    dev = device(img)
    x4 = img if img.ndim == 4 else xp.expand_dims(img, axis=0)
    n, h, w, c = x4.shape
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp, border_mode = warp_codes(interpolation, border_mode)
    u, v = _source_coords(xp, index_inverse(matrix), (ho, wo), is_affine(matrix), dev)
    flat = xp.reshape(x4, (n * h * w, c))
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (h * w), (n, 1, 1))
    name = dtype_name(xp, img.dtype)
    fill_host = host_fill(fill, name, c, n if img.ndim == 4 else None)
    if interp != NEAREST:
        fill_host = fill_host.astype(np.float32)
    value = xp.asarray(fill_host, device=dev)

    def gather(ix: Any, iy: Any) -> Any:
        idx = base + fold_index(xp, iy, h, border_mode) * w + fold_index(xp, ix, w, border_mode)
        idx = xp.broadcast_to(idx, (n, ho, wo))
        vals = xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), (n, ho, wo, c))
        if interp != NEAREST:
            vals = xp.astype(vals, xp.float32)
        if border_mode == CONSTANT:
            inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
            vals = xp.where(xp.expand_dims(inside, axis=-1), vals, value)
        return vals

    out = None
    for iy, wy in _taps(xp, v, interp):
        for ix, wx in _taps(xp, u, interp):
            vals = gather(ix, iy)
            if wy is None:
                out = vals
                continue
            term = xp.expand_dims(wy * wx, axis=-1) * vals
            out = term if out is None else out + term
    if interp != NEAREST:
        out = _cast(xp, out, img.dtype)
    return out if img.ndim == 4 else out[0, ...]


__all__: Sequence[str] = ("index_inverse", "is_affine", "warp")
