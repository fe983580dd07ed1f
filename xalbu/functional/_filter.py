"""The shared linear-filter primitive (cross-family: blur, sharpen): correlate images with a kernel.

:func:`convolve` correlates each image with a 2-D kernel, as ``cv2.filter2D(img, -1, kernel,
borderType=cv2.BORDER_REFLECT_101)`` does (anchor at the centre, ``dc|abcd|cb`` borders): one
kernel for every channel, shared by the batch ``(kh, kw)`` or one per sample ``(N, kh, kw)``.
:func:`convolve_separable` does the same with the outer product of a row and a column kernel,
in two passes (rows first, as ``cv2.sepFilter2D``).
:func:`gaussian_taps` gives OpenCV's 1-D Gaussian (``cv2.getGaussianKernel``), for every family that
builds Gaussian kernels on the host (blur, sharpen, distortion).

Arithmetic: the taps accumulate in float32, in row-major tap order, skipping taps whose weight is
zero (as OpenCV's direct filter does, so ``0 * inf`` never makes a NaN). Integer outputs are
rounded half to even and saturated (:func:`~xalbu.functional._utils.round_cast`); float outputs
are clipped to [0, 1] (NaN stays NaN), the float-pixel rules of :mod:`xalbu.functional._utils`.
Non-finite pixels spread to the pixels whose window holds them with a non-zero weight, by IEEE
arithmetic (``inf`` saturates to 1, ``-inf`` to 0, ``inf - inf`` is NaN).

Kernels are host NumPy arrays (they are small and drawn on the host); every backend uploads them
once per call.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, namespace, round_cast


def _reflect_101(n: int, r: int, after: int | None = None) -> np.ndarray:
    """Source rows of a ``dc|abcd|cb`` border: indices ``-r .. n + after - 1`` (``after``: ``r`` by
    default) folded into ``[0, n)``."""
    i = np.arange(-r, n + (r if after is None else after))
    if n == 1:
        return np.zeros_like(i)
    m = np.remainder(i, 2 * n - 2)
    return np.where(m >= n, 2 * n - 2 - m, m)


def filter_weights(kernel: Any, name: str = "kernel") -> np.ndarray:
    """A kernel as a contiguous float32 ``(kh, kw)`` or ``(N, kh, kw)`` host array, sizes odd.

    >>> filter_weights([[0.25, 0.5, 0.25]]).shape
    (1, 3)
    """
    k = np.ascontiguousarray(np.asarray(kernel, dtype=np.float32))
    if k.ndim not in (2, 3) or k.shape[-1] % 2 == 0 or k.shape[-2] % 2 == 0:
        raise ValueError(
            f"convolve: {name}: expected a (kh, kw) or (N, kh, kw) array of odd sizes, got {k.shape}"
        )
    return k


def _finish(xp: Any, acc: Any, dtype: Any) -> Any:
    if is_float(xp, dtype):
        return xp.astype(clip(xp, acc, 0.0, 1.0), dtype)
    return round_cast(xp, acc, dtype)


def _check_batch(img: Any, k: np.ndarray, name: str) -> np.ndarray:
    """Drop the sample axis of a one-sample kernel stack; a per-sample stack needs an NHWC batch of N."""
    if k.ndim == 3 and k.shape[0] == 1 and img.ndim == 3:
        return k[0]
    if k.ndim == 3 and (img.ndim != 4 or img.shape[0] != k.shape[0]):
        raise ValueError(
            f"convolve: {name}: {k.shape[0]} per-sample kernels for an image of shape {img.shape}"
        )
    return k


def _taps(xp: Any, x: Any, k: np.ndarray, axis_h: int, axis_w: int, img: Any) -> Any:
    """Sum of the weighted, shifted copies of the padded float32 ``x`` (the correlation)."""
    kh, kw = k.shape[-2:]
    h, w = x.shape[axis_h] - (kh - 1), x.shape[axis_w] - (kw - 1)
    per_sample = k.ndim == 3
    acc = None
    floats = is_float(xp, img.dtype)
    for i in range(kh):
        for j in range(kw):
            col = k[..., i, j]
            if not np.any(col):
                continue
            slab = x[..., i : i + h, j : j + w, :]
            if per_sample:
                wv = xp.reshape(xp.asarray(col, device=device(img)), (col.shape[0], 1, 1, 1))
                term = slab * wv
                if floats and not np.all(col):  # a zero weight contributes 0, even against inf / NaN
                    term = xp.where(wv != 0, term, 0.0)
            else:
                term = slab * float(col)
            acc = term if acc is None else acc + term
    if acc is None:
        acc = xp.zeros_like(x[..., 0:h, 0:w, :])
    return acc


@kernel
def convolve(img: Any, kernel: Any, /) -> Any:
    """Correlate each image with ``kernel`` (``cv2.filter2D``, ``BORDER_REFLECT_101``, centred anchor).

    ``img``: HWC or NHWC; ``kernel``: host float32 ``(kh, kw)`` shared, or ``(N, kh, kw)`` one per
    sample (odd sizes, any size). The same kernel filters every channel. Output dtype = input dtype:
    integers rounded half to even and saturated, float32 clipped to [0, 1].

    Example: uint8 row ``[1, 0, 3, 0]`` with ``[[0.5, 0, 0]]`` (``out[x] = in[x - 1] / 2``) gives
    ``[0, 0, 0, 2]``: ``0.5`` rounds to even ``0``, ``1.5`` to ``2``; the left border reads ``in[1]``.

    >>> import numpy as np
    >>> convolve(np.array([[1, 0, 3, 0]], np.uint8)[..., None], np.array([[0.5, 0, 0]], np.float32))[..., 0]
    array([[0, 0, 0, 2]], dtype=uint8)
    """
    xp = namespace(img)
    k = _check_batch(img, filter_weights(kernel), "kernel")
    kh, kw = k.shape[-2:]
    h, w = int(img.shape[-3]), int(img.shape[-2])
    if h == 0 or w == 0:
        return xp.asarray(img, copy=True)
    dev = device(img)
    x = xp.astype(img, xp.float32)
    x = xp.take(x, xp.asarray(_reflect_101(h, kh // 2), device=dev), axis=x.ndim - 3)
    x = xp.take(x, xp.asarray(_reflect_101(w, kw // 2), device=dev), axis=x.ndim - 2)
    return _finish(xp, _taps(xp, x, k, x.ndim - 3, x.ndim - 2, img), img.dtype)


def _as_1d(v: Any, name: str) -> np.ndarray:
    k = np.ascontiguousarray(np.asarray(v, dtype=np.float32))
    if k.ndim not in (1, 2) or k.shape[-1] % 2 == 0:
        raise ValueError(
            f"convolve_separable: {name}: expected a (k,) or (N, k) array of odd size, got {k.shape}"
        )
    return k


@kernel
def convolve_separable(img: Any, kx: Any, ky: Any, /) -> Any:
    """Correlate with the separable kernel ``ky[:, None] * kx[None, :]`` (``cv2.sepFilter2D``).

    ``kx`` filters along W, ``ky`` along H: host float32 ``(k,)`` shared or ``(N, k)`` per sample
    (odd sizes). Rows are filtered first into a float32 buffer, then columns; same borders, rounding
    and saturation as :func:`convolve`.

    >>> import numpy as np
    >>> img = np.array([[0, 4, 0], [0, 0, 0], [0, 0, 0]], np.uint8)[..., None]
    >>> convolve_separable(img, np.array([0.25, 0.5, 0.25]), np.array([0.0, 1.0, 0.0]))[..., 0]
    array([[2, 2, 2],
           [0, 0, 0],
           [0, 0, 0]], dtype=uint8)
    """
    xp = namespace(img)
    fx, fy = _as_1d(kx, "kx"), _as_1d(ky, "ky")
    kxx = _check_batch(img, fx[..., None, :], "kx")
    kyy = _check_batch(img, fy[..., :, None], "ky")
    h, w = int(img.shape[-3]), int(img.shape[-2])
    if h == 0 or w == 0:
        return xp.asarray(img, copy=True)
    dev = device(img)
    x = xp.astype(img, xp.float32)
    x = xp.take(x, xp.asarray(_reflect_101(w, fx.shape[-1] // 2), device=dev), axis=x.ndim - 2)
    rows = _taps(xp, x, kxx, x.ndim - 3, x.ndim - 2, img)
    rows = xp.take(rows, xp.asarray(_reflect_101(h, fy.shape[-1] // 2), device=dev), axis=rows.ndim - 3)
    return _finish(xp, _taps(xp, rows, kyy, rows.ndim - 3, rows.ndim - 2, img), img.dtype)


# ----------------------------------------------------------------------- Gaussian taps (OpenCV's rules)
# OpenCV's fixed taps for sigma <= 0 and the odd sizes up to 9 (getGaussianKernel's small table in
# OpenCV 5; 4.x stops at 7), centred in rows of 9: row k holds size k's taps (even rows unused)
_FIXED_MAX = 9
_FIXED = np.zeros((_FIXED_MAX + 1, _FIXED_MAX))
for _row in (
    (1.0,),
    (0.25, 0.5, 0.25),
    (0.0625, 0.25, 0.375, 0.25, 0.0625),
    (0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125),
    tuple(v / 256 for v in (4, 13, 30, 51, 60, 51, 30, 13, 4)),
):
    _o = (_FIXED_MAX - len(_row)) // 2
    _FIXED[len(_row), _o : _o + len(_row)] = _row


def gaussian_taps(ksize: Param, sigma: Param) -> np.ndarray:
    """The 1-D Gaussian of ``cv2.getGaussianKernel(ksize, sigma)`` as float32 (sums to 1): ``(k,)``
    for scalars, ``(N, K)`` for ``(N,)`` sizes and/or sigmas (smaller sizes centred in zeros, ``K``
    the largest).

    ``sigma <= 0`` means ``0.3 * ((ksize - 1) / 2 - 1) + 0.8``, and for the odd sizes up to 9
    OpenCV's (5.x) fixed binomial-like taps. Example: ``gaussian_taps(3, 0)`` is ``[0.25, 0.5, 0.25]``.
    """
    if np.ndim(ksize) == 0 and np.ndim(sigma) == 0:
        return _gauss_one(int(ksize), float(sigma))
    return _gauss(ksize, sigma)


@functools.lru_cache(maxsize=256)
def _gauss_one(ksize: int, sigma: float) -> np.ndarray:
    """:func:`_gauss` of one size and sigma, cached (read-only): sigma 0, the default, always hits."""
    g = _gauss(np.array([ksize]), np.array([sigma]))[0]
    g.flags.writeable = False
    return g


def _gauss(ksize: Param, sigma: Param) -> np.ndarray:
    ks, sg = np.asarray(ksize, np.int64), np.asarray(sigma, np.float64)
    n = max(a.shape[0] for a in (ks, sg) if a.ndim)
    ks, sg = np.broadcast_to(ks, (n,))[:, None], np.broadcast_to(sg, (n,))[:, None]
    big = int(ks.max())
    t = np.arange(big) - (big - 1) / 2
    half = (ks - 1) / 2
    s = np.where(sg > 0, sg, 0.3 * (half - 1) + 0.8)
    g = np.where(np.abs(t) <= half, np.exp(-(t * t) / (2 * s * s)), 0.0)
    g = g / g.sum(axis=1, keepdims=True)
    fixed = (sg <= 0) & (ks <= _FIXED_MAX) & (ks % 2 == 1)
    if fixed.any():
        pad = (big - _FIXED_MAX) // 2
        table = _FIXED[ks[:, 0].clip(0, _FIXED_MAX)]
        table = np.pad(table, ((0, 0), (pad, pad))) if pad >= 0 else table[:, -pad : -pad + big]
        g = np.where(fixed, table, g)
    return g.astype(np.float32)
