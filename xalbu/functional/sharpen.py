"""Sharpen kernels: the host builders of the convolution kernels of Sharpen, Emboss and
RingingOvershoot (with the 1-D Gaussian taps of OpenCV's rules and the Bessel function J1), the
``sharpen`` and ``emboss`` kernels, and the ``unsharp_mask`` kernel.

Sharpen, Emboss and RingingOvershoot are "a kernel on the host, then one convolution": their
builders return a float32 ``(k, k)`` kernel for one image, or ``(N, k, k)`` for a batch with
per-sample parameters (kernels of different sizes zero-padded to the largest, which leaves the
correlation unchanged), correlated with the image by :func:`xalbu.functional._filter.convolve`,
whose overrides serve every backend (on CuPy, one launch per batch). ``sharpen`` and ``emboss``
are exactly that, as kernels of their own so that the OpenCV backend can take faster paths for
integer images.

Identity parameters give the identity kernel exactly (a 1 at the centre, zeros elsewhere):
``alpha = 0`` (Sharpen, Emboss) and ``ksize = 1`` (RingingOvershoot), which is what a batch
runs for the samples it does not change.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._filter import convolve, convolve_separable, gaussian_taps
from xalbu.functional._utils import clip, is_float, max_value, namespace, param, round_cast


def _delta(k: int) -> np.ndarray:
    """The ``k x k`` identity kernel (float64)."""
    d = np.zeros((k, k))
    d[k // 2, k // 2] = 1.0
    return d


def _batched(alpha: Param, *others: Param) -> tuple[np.ndarray, ...]:
    """Parameters as float64 arrays of shape ``()`` (one image) or ``(N, 1, 1)`` (a batch)."""
    arrays = [np.asarray(v, np.float64) for v in (alpha, *others)]
    if all(a.ndim == 0 for a in arrays):
        return tuple(arrays)
    n = max(a.shape[0] for a in arrays if a.ndim)
    return tuple(np.broadcast_to(a.reshape(-1, 1, 1), (n, 1, 1)) for a in arrays)


def sharpen_kernel(alpha: Param, lightness: Param) -> np.ndarray:
    """Sharpen's 3x3 kernel ``(1 - alpha) I + alpha L`` with ``L`` the Laplacian ``8 + lightness``
    at the centre and ``-1`` around it: ``(3, 3)``, or ``(N, 3, 3)`` for ``(N,)`` parameters.

    Example: ``alpha=1, lightness=1`` gives ``-1`` around a centre of ``9``.
    """
    if type(alpha) is float and type(lightness) is float:  # one image: the same float64 values, faster
        c = (1.0 - alpha) + alpha * (8.0 + lightness)
        return np.array([[-alpha, -alpha, -alpha], [-alpha, c, -alpha], [-alpha, -alpha, -alpha]], np.float32)
    a, lt = _batched(alpha, lightness)
    effect = (9.0 + lt) * _delta(3) - 1.0  # -1 around, 8 + lightness at the centre
    return ((1.0 - a) * _delta(3) + a * effect).astype(np.float32)


def emboss_kernel(alpha: Param, strength: Param) -> np.ndarray:
    """Emboss's 3x3 kernel ``(1 - alpha) I + alpha E`` with
    ``E = [[-1-s, -s, 0], [-s, 1, s], [0, s, 1+s]]``: ``(3, 3)``, or ``(N, 3, 3)``.

    Example: ``alpha=1, strength=0`` gives ``[[-1, 0, 0], [0, 1, 0], [0, 0, 1]]``.
    """
    if type(alpha) is float and type(strength) is float:  # one image: the same float64 values, faster
        a, st = alpha, strength
        e, c = a * -st + 0.0, (1.0 - a) + a
        return np.array([[a * (-1.0 - st), e, 0.0], [e, c, -e], [0.0, -e, a * (1.0 + st)]], np.float32)
    a, s = _batched(alpha, strength)
    sign = np.array([[-1.0, -1.0, 0.0], [-1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    corners = np.array([[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    effect = corners + s * sign
    return ((1.0 - a) * _delta(3) + a * effect).astype(np.float32)


@kernel
def sharpen(img: Any, /, alpha: Param, lightness: Param) -> Any:
    """Correlate with Sharpen's 3x3 kernel (:func:`sharpen_kernel`): the image blended by ``alpha``
    with its Laplacian sharpening (``8 + lightness`` at the centre, ``-1`` around).

    ``alpha``/``lightness``: scalars, or ``(N,)`` per sample. Borders, rounding and saturation as
    :func:`~xalbu.functional._filter.convolve` (which this is, on every backend but the OpenCV
    override for uint8). Example: uint8 ``[[10, 10, 10], [10, 20, 10], [10, 10, 10]]`` with
    ``alpha=1, lightness=1``: the centre is ``9 * 20 - 8 * 10 = 100``, the others saturate at 0.
    """
    return convolve(img, sharpen_kernel(alpha, lightness))


@kernel
def emboss(img: Any, /, alpha: Param, strength: Param) -> Any:
    """Correlate with Emboss's 3x3 kernel (:func:`emboss_kernel`): the image blended by ``alpha``
    with its relief ``[[-1-s, -s, 0], [-s, 1, s], [0, s, 1+s]]`` (``s`` the strength).

    ``alpha``/``strength``: scalars, or ``(N,)`` per sample. Borders, rounding and saturation as
    :func:`~xalbu.functional._filter.convolve`, which this is on every backend (the OpenCV override
    for integer images calls ``cv2.filter2D`` itself). Example: uint8 ``[[0, 0, 0], [0, 50, 0],
    [0, 0, 90]]`` with ``alpha=1, strength=0``: the centre is ``50 - 0 + 90 = 140``.
    """
    return convolve(img, emboss_kernel(alpha, strength))


def gaussian_sharpen_kernel(alpha: Param, ksize: int, sigma: float) -> np.ndarray:
    """``(1 + alpha) I - alpha G``: the image plus ``alpha`` times its difference from a Gaussian
    blur ``G`` (``ksize``, ``sigma`` as :func:`gaussian_taps`), as one ``(k, k)`` / ``(N, k, k)``
    kernel. Example: ``alpha=1, ksize=3, sigma=0`` has the centre ``2 - 0.25`` (``G``'s is 1/4).
    """
    (a,) = _batched(alpha)
    g = gaussian_taps(ksize, sigma).astype(np.float64)
    return ((1.0 + a) * _delta(ksize) - a * np.outer(g, g)).astype(np.float32)


# Polynomial fits of J1 (Abramowitz & Stegun 9.4.4 and 9.4.6): |error| < 1.3e-8 for |x| <= 3, and
# ~1e-8 * sqrt(3 / x) beyond (the amplitude within 4e-8, the phase within 9e-8)
_J1_SMALL = (0.5, -0.56249985, 0.21093573, -0.03954289, 0.00443319, -0.00031761, 0.00001109)
_J1_AMPLITUDE = (0.79788456, 0.00000156, 0.01659667, 0.00017105, -0.00249511, 0.00113653, -0.00020033)
_J1_PHASE = (-2.35619449, 0.12499612, 0.00005650, -0.00637879, 0.00074348, 0.00079824, -0.00029166)


def _poly(coefficients: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    out = np.zeros_like(u)
    for c in reversed(coefficients):
        out = out * u + c
    return out


def bessel_j1(x: Any) -> np.ndarray:
    """The Bessel function of the first kind of order 1 (float64, any shape), within about 1e-8.

    ``x * P((x / 3)**2)`` for ``|x| <= 3``; beyond, the asymptotic form ``f(3/x) cos(x + g(3/x)) /
    sqrt(x)`` (odd in ``x``). Example: ``J1(1) = 0.44005...``, ``J1(3.8317...) = 0`` (its first zero).
    """
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = x * _poly(_J1_SMALL, (x / 3.0) ** 2)
    u = 3.0 / np.maximum(ax, 3.0)
    large = (
        np.sign(x) * _poly(_J1_AMPLITUDE, u) * np.cos(ax + _poly(_J1_PHASE, u)) / np.sqrt(np.maximum(ax, 3.0))
    )
    return np.where(ax <= 3.0, small, large)


_J1_STEP = 1.0 / 4096  # linear interpolation error below 4e-9 (|J1''| <= 1/2)


@functools.lru_cache(maxsize=8)
def _j1_table(top: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bessel_j1` on ``[0, top]`` every :data:`_J1_STEP`: (abscissae, values)."""
    grid = np.arange(top * 4096 + 2) * _J1_STEP
    return grid, bessel_j1(grid)


def _j1_fast(x: np.ndarray) -> np.ndarray:
    """:func:`bessel_j1` for ``x >= 0`` by interpolating a table (one C call; within 5e-8 of J1)."""
    top = 32  # covers RingingOvershoot's kernels up to 15 x 15 at any cutoff; larger ones double it
    while top < x.max(initial=0.0):
        top *= 2
    return np.interp(x, *_j1_table(top))


@functools.lru_cache(maxsize=64)
def _sinc_geometry(big: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a ``big x big`` kernel: the distinct distances from the centre (the first 0), the index of
    each tap's distance among them, and each tap's ring (Chebyshev distance)."""
    t = np.arange(big) - (big - 1) // 2
    d2 = t[:, None] ** 2 + t[None, :] ** 2
    unique, inverse = np.unique(d2, return_inverse=True)
    ring = np.maximum(np.abs(t)[:, None], np.abs(t)[None, :])
    return np.sqrt(unique.astype(np.float64)), inverse.reshape(big, big), ring


def sinc_kernel(ksize: Param, cutoff: Param) -> np.ndarray:
    """RingingOvershoot's circularly symmetric low-pass ("2-D sinc") kernel, normalised to sum 1.

    ``K(r) = cutoff * J1(cutoff * r) / (2 pi r)`` at the distance ``r`` from the centre, and its
    limit ``cutoff**2 / (4 pi)`` at the centre. ``ksize``/``cutoff``: scalars give ``(k, k)``;
    ``(N,)`` arrays give ``(N, K, K)`` with ``K`` the largest size (smaller kernels centred in
    zeros). ``ksize = 1`` is the identity kernel.
    """
    ks, cut = np.asarray(ksize, np.int64), np.asarray(cutoff, np.float64)
    single = ks.ndim == 0 and cut.ndim == 0
    n = 1 if single else max(a.shape[0] for a in (ks, cut) if a.ndim)
    ks = np.broadcast_to(ks, (n,))[:, None]
    cut = np.broadcast_to(cut, (n,))[:, None]
    big = int(ks.max())
    r, inverse, ring = _sinc_geometry(big)
    rr = r.copy()
    rr[0] = 1.0  # the centre takes the limit below: no division by zero
    values = cut * _j1_fast(cut * rr) / (2 * np.pi * rr)  # (n, distinct distances)
    values[:, 0] = cut[:, 0] ** 2 / (4 * np.pi)
    kern = values[:, inverse]  # (n, big, big)
    if not single and np.any(ks != big):
        kern = np.where(ring <= (ks[:, :, None] - 1) // 2, kern, 0.0)
    kern = (kern / kern.sum(axis=(1, 2), keepdims=True)).astype(np.float32)
    return kern[0] if single else kern


# A difference exactly at the threshold is common on uint8 images (OpenCV's fixed Gaussian taps are
# multiples of 1/32, so blurred levels fall on a 1/1024 grid), and float sums in another order
# (OpenCV's, a GPU's) would decide it either way: the comparison is made 1/3072 of a level above the
# threshold, which no value of that grid is within float rounding of, so every backend decides as
# exact arithmetic does (equal is not above).
_TIE_MARGIN = 1.0 / 3072.0


def mask_threshold(threshold: float) -> float:
    """The float32 value ``255 |x - blur|`` is compared with (``>``): ``threshold`` plus the tie margin."""
    return float(np.float32(float(threshold) + _TIE_MARGIN))


@kernel
def unsharp_mask(img: Any, /, taps: Param, alpha: Param, threshold: float) -> Any:
    """Unsharp masking with a soft threshold, in the [0, 1] scale of the image.

    With ``x`` the image over its dtype's max, ``b`` its blur by the separable filter ``taps``
    (1-D float32 ``(k,)``, or ``(N, k)`` per sample) and ``r = x - b``: the sharpened
    ``s = clip(x + alpha r, 0, 1)`` is taken where ``255 |r| > threshold`` (``threshold`` in 8-bit
    levels, for every dtype; a difference equal to it is not above it, whatever the float
    rounding: see :func:`mask_threshold`), and that 0/1 mask is blurred by the same filter into a
    weight ``m``:
    ``out = x + m (s - x)``, back to the dtype (integers rounded half to even; float32 clipped to
    [0, 1]). ``alpha``: scalar or ``(N,)``; ``alpha = 0`` returns the image (floats clipped).
    Float pixels: +inf and -inf saturate to 1 and 0, NaN stays NaN; their neighbours see them
    through the blurs as :func:`~xalbu.functional._filter.convolve_separable` does.

    Example: uint8 ``[0, 0, 100, 0, 0]`` (one row), ``taps=[0.25, 0.5, 0.25]`` (applied along both
    axes; the single row reflects onto itself), ``alpha=1``, ``threshold=10``: the blur is
    ``[0, 25, 50, 25, 0]`` levels, every residual but the first and last exceeds 10 levels, so
    the mask ``[0, 1, 1, 1, 0]`` blurs to ``[0.5, 0.75, 1, 0.75, 0.5]`` and the output is
    ``[0, 0, 150, 0, 0]`` (the sharpened ``[0, -25, 150, -25, 0]`` clipped at 0).
    """
    xp = namespace(img)
    mx = max_value(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    if not is_float(xp, img.dtype):
        x = x / mx
    g = np.asarray(taps, np.float32)
    r = x - convolve_separable(x, g, g)
    mask = xp.astype(xp.abs(r) * 255.0 > mask_threshold(threshold), xp.float32)
    sharp = clip(xp, x + param(xp, alpha, img) * r, 0.0, 1.0)
    with np.errstate(invalid="ignore"):  # inf - inf at an infinite pixel: replaced just below
        out = x + convolve_separable(mask, g, g) * (sharp - x)
    if is_float(xp, img.dtype):
        out = xp.where(xp.isinf(x), x, out)  # +inf / -inf saturate to 1 / 0 like every float output
        return xp.astype(clip(xp, out, 0.0, 1.0), img.dtype)
    return round_cast(xp, out * mx, img.dtype)


__all__: Sequence[str] = (
    "bessel_j1",
    "emboss",
    "emboss_kernel",
    "gaussian_sharpen_kernel",
    "gaussian_taps",
    "mask_threshold",
    "sharpen",
    "sharpen_kernel",
    "sinc_kernel",
    "unsharp_mask",
)
