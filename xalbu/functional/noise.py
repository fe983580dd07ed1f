"""Generic noise kernels over array-API arrays (see :mod:`xalbu.transforms.noise`).

The per-pixel random values come from :mod:`xalbu.functional._random`: 16-bit counter-based bits from
each sample's seed, mapped to values through a 65536-entry float32 table (``"normal"``: standard normal
quantiles, ``"uniform"``: uniform on (0, 1), ``"laplace"``: standard Laplace quantiles). Every backend
looks up the same table, so fields, and the images made from them, agree bit for bit between backends
wherever the arithmetic after the lookup is the same (it is: float32, no fused multiply-add).

Every kernel takes an HWC image or an NHWC batch, keeps the input's dtype, never writes into its input,
rounds integer results half to even and saturates them; float32 results are clipped to [0, 1] (NaN
stays NaN). Seeds are a Python int for one image and a host ``(N,)`` integer array for a batch; other
parameters are Python scalars or host ``(N,)`` arrays (per sample).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _random as R
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, max_value, namespace, param, round_cast

DISTRIBUTIONS = ("normal", "uniform", "laplace")


@functools.cache
def laplace_table() -> np.ndarray:
    """Standard Laplace quantiles (location 0, scale 1) at ``(k + 0.5) / 65536``, float32, antisymmetric.

    >>> t = laplace_table(); bool(t[0] == -t[-1]), round(float(t[-1]), 2)
    (True, 11.09)
    """
    u = (np.arange(32768, 65536, dtype=np.float64) + 0.5) / 65536.0
    half = -np.log(2.0 * (1.0 - u))
    out = np.concatenate([-half[::-1], half]).astype(np.float32)
    out.flags.writeable = False
    return out


def beta_table(a: float, b: float) -> np.ndarray:
    """Quantiles of Beta(``a``, ``b``) at ``(k + 0.5) / 65536``, float32, computed on the host.

    The CDF is integrated on two grids that remove the end singularities: ``x = t ** (1 / a)`` on
    [0, 1/2] (there ``x ** (a - 1) dx = dt / a``) and ``1 - x = s ** (1 / b)`` on [1/2, 1]; trapezoids
    on 4097 points each, then inverted by linear interpolation (within 2e-4 of the exact quantiles
    for shape parameters in [0.2, 5]).

    >>> t = beta_table(1.0, 1.0); bool(np.allclose(t, (np.arange(65536) + 0.5) / 65536, atol=1e-6))
    True
    """
    a, b = float(a), float(b)
    m = 4097
    t = np.linspace(0.0, 0.5**a, m)
    left_f = (1.0 - t ** (1.0 / a)) ** (b - 1.0) / a
    s = np.linspace(0.0, 0.5**b, m)
    right_f = (1.0 - s ** (1.0 / b)) ** (a - 1.0) / b
    left = np.concatenate([[0.0], np.cumsum((left_f[1:] + left_f[:-1]) * 0.5 * (t[1] - t[0]))])
    right = np.concatenate([[0.0], np.cumsum((right_f[1:] + right_f[:-1]) * 0.5 * (s[1] - s[0]))])
    total = left[-1] + right[-1]
    u = (np.arange(65536, dtype=np.float64) + 0.5) / 65536.0
    split = left[-1] / total
    q = np.empty_like(u)
    lo = u <= split
    q[lo] = np.interp(u[lo] * total, left, t) ** (1.0 / a)
    q[~lo] = 1.0 - np.interp((1.0 - u[~lo]) * total, right, s) ** (1.0 / b)
    return np.clip(q, 0.0, 1.0).astype(np.float32)


def table(dist: Any) -> np.ndarray:
    """The host float32 table of ``dist``: one of :data:`DISTRIBUTIONS`, or a table given as a float32
    array (``(65536,)``, or ``(N, 65536)``: one per sample)."""
    if isinstance(dist, np.ndarray):
        return dist
    if dist == "normal":
        return R.normal_table()
    if dist == "uniform":
        return R.unit_table()
    if dist == "laplace":
        return laplace_table()
    raise ValueError(f"noise distribution: expected one of {DISTRIBUTIONS}, got {dist!r}")


def levels(value: Param, mx: float) -> Any:
    """A fraction of the dtype's max in the image's value scale, as float32 values (scalar or ``(N,)``).

    >>> levels(0.1, 255.0), levels(np.array([0.5, 1.0]), 255.0).tolist()
    (25.5, [127.5, 255.0])
    """
    out = np.asarray(np.asarray(value, np.float64) * mx, np.float32)
    return float(out) if out.ndim == 0 else out


def _saturate(xp: Any, x: Any, dtype: Any) -> Any:
    if is_float(xp, dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), dtype, copy=False)
    return round_cast(xp, x, dtype)


def linear_taps(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OpenCV's linear-resize taps: source indices ``i0``, ``i1`` and float32 weight ``f`` of ``i1``
    (half-pixel centres, edges replicated): :func:`batched_taps` of one size."""
    i0, i1, f = batched_taps(np.asarray([n_in]), n_out)
    return i0[0], i1[0], f[0]


def field(like: Any, seeds: Any, dist: Any, shape: Sequence[int]) -> Any:
    """The float32 random field ``(H, W, K)`` (int seed) or ``(N, H, W, K)`` (``(N,)`` seeds) on ``like``'s
    device: ``table(dist)`` at the 16-bit values of :func:`~xalbu.functional._random.philox_u16`, in
    row-major order (value ``j`` of a sample is element ``j`` of its ``(H, W, K)`` field); a ``(N, 65536)``
    table gives sample ``n`` its row ``n``."""
    xp = namespace(like)
    h, w, k = (int(s) for s in shape)
    bits = R.philox_u16(like, seeds, h * w * k)
    tab = table(dist)
    if tab.ndim == 1:
        values = R.lookup(xp, tab, bits)
    else:  # one table per sample: index n * 65536 + bits in the flattened tables
        idx = xp.astype(bits, xp.int64)
        if idx.ndim == 2:
            rows = xp.reshape(xp.arange(idx.shape[0], dtype=xp.int64, device=device(like)), (-1, 1))
            idx = idx + rows * 65536
        flat = xp.asarray(np.ascontiguousarray(tab, np.float32).reshape(-1), device=device(like))
        values = xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), bits.shape)
    return xp.reshape(values, (*bits.shape[:-1], h, w, k))


def upsample(xp: Any, f: Any, out_hw: Sequence[int]) -> Any:
    """Linear resize of a field ``(..., h, w, K)`` to ``out_hw``: OpenCV's taps and order (along W,
    then along H, ``a * (1 - t) + b * t`` in float32)."""
    dev = device(f)

    def along(x: Any, axis: int, n_out: int) -> Any:
        i0, i1, t = linear_taps(int(x.shape[axis]), n_out)
        shape = [1] * x.ndim
        shape[axis] = n_out
        tt = xp.reshape(xp.asarray(t, device=dev), tuple(shape))
        a = xp.take(x, xp.asarray(i0, device=dev), axis=axis)
        b = xp.take(x, xp.asarray(i1, device=dev), axis=axis)
        return a * (1.0 - tt) + b * tt

    return along(along(f, f.ndim - 2, int(out_hw[1])), f.ndim - 3, int(out_hw[0]))


def _noisy(
    img: Any, seed: Any, dist: Any, s: Any, o: Any, per_channel: bool, field_hw: Any, multiply: bool
) -> Any:
    """``saturate(x + (v * s + o))`` (or ``x * (v * s + o)``) with ``v`` the field; ``s``/``o`` float32
    values (scalars or ``(N,)``) in the image's value scale."""
    xp = namespace(img)
    h, w, c = (int(v) for v in img.shape[-3:])
    fh, fw = (h, w) if field_hw is None else (int(field_hw[0]), int(field_hw[1]))
    v = field(img, seed, dist, (fh, fw, c if per_channel else 1))
    if (fh, fw) != (h, w):
        v = upsample(xp, v, (h, w))
    noise = v * param(xp, s, img) + param(xp, o, img)
    x = xp.astype(img, xp.float32)
    return _saturate(xp, x * noise if multiply else x + noise, img.dtype)


@kernel
def add_noise(
    img: Any,
    /,
    seed: Any,
    dist: Any,
    scale: Param,
    offset: Param,
    per_channel: bool,
    field_hw: Sequence[int] | None = None,
) -> Any:
    """``img + (offset + scale * v) * max`` with ``v`` the random field of ``dist`` from ``seed``.

    ``dist``: a name of :data:`DISTRIBUTIONS` or host float32 tables (``(65536,)``, or ``(N, 65536)``
    one per sample; e.g. :func:`beta_table`).
    ``scale``/``offset``: fractions of the dtype's max (255, 65535, 1.0), scalars or ``(N,)``; the
    arithmetic is float32 ``x + (v * s + o)`` with ``s``/``o`` those fractions times the max rounded to
    float32. ``per_channel``: one field value per channel (``(H, W, C)`` field), else one per pixel shared
    by the channels (``(H, W, 1)``). ``field_hw``: draw the field at this smaller size and resize it
    linearly to the image's (albumentations' ``noise_scale_factor``). Example: uint8 ``100`` with
    ``scale=0, offset=0.1`` gives ``126`` (``100 + 25.5 = 125.5`` rounds to even).
    """
    mx = max_value(namespace(img), img.dtype)
    return _noisy(img, seed, dist, levels(scale, mx), levels(offset, mx), per_channel, field_hw, False)


@kernel
def multiply_noise(img: Any, /, seed: Any, low: Param, high: Param, per_channel: bool) -> Any:
    """``img * m`` with ``m`` uniform in ``[low, high)`` per pixel (per channel with ``per_channel``).

    ``m = u * (high - low) + low`` in float32 with ``u`` the uniform field; ``low``/``high`` scalars or
    ``(N,)``. Example: uint8 ``[10, 100, 200]`` with ``low = high = 1.5`` gives ``[15, 150, 255]``.
    """
    span = levels(np.asarray(high, np.float64) - np.asarray(low, np.float64), 1.0)
    return _noisy(img, seed, "uniform", span, levels(low, 1.0), per_channel, None, True)


@kernel
def add_channels(img: Any, /, offsets: Param) -> Any:
    """``img + offsets * max``: offsets (fractions of the dtype's max) a scalar, ``(C,)`` per channel,
    ``(N,)`` per sample or ``(N, C)``; float32 arithmetic, integers rounded half to even and saturated,
    floats clipped to [0, 1]. Example: uint8 ``[10, 100, 250]`` with ``[0.1, -0.1, 0.1]`` gives
    ``[36, 74, 255]`` (``+25.5``: 35.5 -> 36; 74.5 -> 74, half to even).
    """
    xp = namespace(img)
    o = levels(offsets, max_value(xp, img.dtype))
    return _saturate(
        xp, xp.astype(img, xp.float32) + (o if isinstance(o, float) else param(xp, o, img)), img.dtype
    )


@kernel
def multiply_channels(img: Any, /, factors: Param) -> Any:
    """``img * factors``: a scalar, ``(C,)`` per channel, ``(N,)`` per sample or ``(N, C)``; float32
    arithmetic, integers rounded half to even and saturated, floats clipped to [0, 1]. Example: uint8
    ``[10, 100, 200]`` with ``1.5`` gives ``[15, 150, 255]``.
    """
    xp = namespace(img)
    f = np.asarray(factors, np.float32)
    factor = float(f) if f.ndim == 0 else param(xp, f, img)
    return _saturate(xp, xp.astype(img, xp.float32) * factor, img.dtype)


# ------------------------------------------------------------------------------------------- ISO noise
ISO_LEVELS = 255.0  # the luminance noise counts quanta of 1/255 (8-bit levels) whatever the dtype
_FLT_EPSILON = float(np.finfo(np.float32).eps)


def rgb_to_hls(xp: Any, r: Any, g: Any, b: Any) -> tuple[Any, Any, Any]:
    """float32 RGB in [0, 1] to OpenCV's float HLS: H in degrees [0, 360), L and S in [0, 1].

    >>> [round(float(v), 4) for v in rgb_to_hls(np, np.float32(1.0), np.float32(0.5), np.float32(0.0))]
    [30.0, 0.5, 1.0]
    """
    vmax = xp.maximum(xp.maximum(r, g), b)
    vmin = xp.minimum(xp.minimum(r, g), b)
    diff = vmax - vmin
    total = vmax + vmin
    lum = total * 0.5
    chroma = diff > _FLT_EPSILON
    safe = xp.where(chroma, diff, 1.0)
    den = xp.where(lum < 0.5, total, 2.0 - total)
    sat = xp.where(chroma, diff / xp.where(chroma, den, 1.0), 0.0)
    d = 60.0 / safe
    hue = xp.where(vmax == r, (g - b) * d, xp.where(vmax == g, (b - r) * d + 120.0, (r - g) * d + 240.0))
    hue = xp.where(hue < 0.0, hue + 360.0, hue)
    return xp.where(chroma, hue, 0.0), lum, sat


def hls_to_rgb(xp: Any, hue: Any, lum: Any, sat: Any) -> tuple[Any, Any, Any]:
    """OpenCV's float HLS (H in degrees, any value: wrapped into [0, 360)) to float32 RGB.

    >>> [round(float(v), 4) for v in hls_to_rgb(np, np.float32(390.0), np.float32(0.5), np.float32(1.0))]
    [1.0, 0.5, 0.0]
    """
    p2 = xp.where(lum <= 0.5, lum * (1.0 + sat), lum + sat - lum * sat)
    p1 = 2.0 * lum - p2
    hh = hue / 60.0
    hh = hh - xp.floor(hh / 6.0) * 6.0
    hh = xp.where(hh >= 6.0, hh - 6.0, xp.where(hh < 0.0, 0.0, hh))
    sector = xp.floor(hh)
    f = hh - sector
    t0, t1 = p2, p1
    t2 = p1 + (p2 - p1) * (1.0 - f)
    t3 = p1 + (p2 - p1) * f

    def pick(*values: Any) -> Any:  # the value of sectors 0..5
        out = values[5]
        for k in range(4, -1, -1):
            out = xp.where(sector == float(k), values[k], out)
        return out

    r = pick(t0, t2, t1, t1, t3, t0)
    g = pick(t3, t0, t0, t2, t1, t1)
    b = pick(t1, t1, t3, t0, t0, t2)
    return r, g, b


def poisson_bound(lam_max: float) -> int:
    """How many terms of the Poisson CDF :func:`poisson_quantile` walks for rates up to ``lam_max``.

    >>> poisson_bound(0.0), poisson_bound(64.0)
    (24, 184)
    """
    lam_max = max(float(lam_max), 0.0)
    return int(np.ceil(lam_max + 12.0 * np.sqrt(lam_max) + 24.0))


def poisson_cdf(lam: float, terms: int) -> np.ndarray:
    """Host float64 ``P(X <= i)`` for ``i < terms`` of Poisson(``lam``), by the kernels' recurrence."""
    out = np.empty(terms, np.float64)
    p = float(np.exp(-np.array([lam], np.float64))[0])
    cdf = p
    for i in range(terms):
        out[i] = cdf
        p = p * lam / (i + 1)
        cdf = cdf + p
    return out


def poisson_quantile(xp: Any, u: Any, lam: Any, terms: int) -> Any:
    """Poisson(``lam``) counts at the uniform values ``u`` (float32, from the unit table): the number
    of ``i < terms`` with ``P(X <= i) < u`` (float64 recurrence ``p_i = p_(i-1) * lam / i``), as float32.
    ``lam``: float64, broadcasting to ``u``."""
    u64 = xp.astype(u, xp.float64)
    p = xp.exp(-lam)
    cdf = p
    k = xp.zeros(u.shape, dtype=xp.float32, device=device(u))
    for i in range(terms):
        k = k + xp.astype(cdf < u64, xp.float32)
        p = p * lam / float(i + 1)
        cdf = cdf + p
    return k


def _plane(xp: Any, value: np.ndarray, like: Any, dtype: Any) -> Any:
    """A host scalar or ``(N,)`` parameter for ``(H, W)`` / ``(N, H, W)`` planes: a Python float (exact in
    ``dtype``) or an ``(N, 1, 1)`` array of ``dtype`` on ``like``'s device."""
    arr = np.asarray(value).astype(dtype)
    if arr.ndim == 0:
        return float(arr)
    return xp.reshape(xp.asarray(arr, device=device(like)), (-1, 1, 1))


def iso_std(xp: Any, lum: Any) -> Any:
    """The population standard deviation of each image's L (float64, over H and W, keeping the axes)."""
    x = xp.astype(lum, xp.float64)
    m = xp.mean(x, axis=(-2, -1), keepdims=True)
    return xp.sqrt(xp.mean((x - m) * (x - m), axis=(-2, -1), keepdims=True))


@kernel
def iso_noise(img: Any, /, seed: Any, color_shift: Param, intensity: Param) -> Any:
    """Camera sensor noise on an RGB image (3 channels), in OpenCV's float HLS space.

    Per pixel: the hue moves by ``z * color_shift * 360 * intensity`` degrees (``z`` standard normal),
    and the lightness ``L`` becomes ``L + k / 255 * (1 - L)`` with ``k`` Poisson of rate
    ``std(L) * intensity * 255`` (``std(L)``: the image's own); then back to RGB, clipped to [0, 1],
    integers rounded. The field has two values per pixel (normal, then uniform for the Poisson count).
    A sample with ``intensity == 0`` is returned unchanged. Example: any image with ``intensity=0``
    comes back as it is.
    """
    xp = namespace(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    mx = max_value(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    x = clip(xp, x, 0.0, 1.0) if is_float(xp, img.dtype) else x / mx
    hue, lum, sat = rgb_to_hls(xp, x[..., 0], x[..., 1], x[..., 2])
    inten = np.asarray(intensity, np.float64)
    shift = np.asarray(color_shift, np.float64) * 360.0 * inten
    lam = iso_std(xp, lum) * _plane(xp, inten * ISO_LEVELS, lum, np.float64)
    bits = R.philox_u16(img, seed, 2 * h * w)
    bits = xp.reshape(bits, (*bits.shape[:-1], h, w, 2))
    z = R.lookup(xp, R.normal_table(), bits[..., 0])
    u = R.lookup(xp, R.unit_table(), bits[..., 1])
    hue = hue + z * _plane(xp, shift, lum, np.float32)
    k = poisson_quantile(xp, u, lam, poisson_bound(float(np.max(inten)) * ISO_LEVELS * 0.5))
    lum = clip(xp, lum + (k / ISO_LEVELS) * (1.0 - lum), 0.0, 1.0)
    r, g, b = hls_to_rgb(xp, hue, lum, sat)
    rgb = clip(xp, xp.stack([r, g, b], axis=-1), 0.0, 1.0)
    out = xp.astype(rgb, img.dtype) if is_float(xp, img.dtype) else round_cast(xp, rgb * mx, img.dtype)
    off = inten == 0
    if not np.any(off):
        return out
    if off.ndim == 0:
        return xp.asarray(img, copy=True)
    keep = xp.asarray(np.reshape(off, (-1, 1, 1, 1)), device=device(img))
    return xp.where(keep, img, out)


# -------------------------------------------------------------------------------------- salt and pepper
def _int_param(xp: Any, value: Param, like: Any) -> Any:
    """A host int or ``(N,)`` ints for ``(H, W)`` / ``(N, H, W)`` planes of uint16 bits (int32)."""
    arr = np.asarray(value, np.int64)
    if arr.ndim == 0:
        return int(arr)
    return xp.reshape(xp.asarray(arr.astype(np.int32), device=device(like)), (-1, 1, 1))


@kernel
def salt_and_pepper(img: Any, /, seed: Any, salt: Param, noisy: Param) -> Any:
    """Set pixels (all their channels) to the dtype's max (salt) or 0 (pepper) from 16-bit values.

    Each pixel gets one 16-bit value ``b`` of the field of ``seed``: ``b < salt`` is salt,
    ``salt <= b < noisy`` pepper, the rest keep their values. ``salt`` / ``noisy``: ints in
    [0, 65536], scalars or ``(N,)`` (so a pixel is noisy with probability ``noisy / 65536``). Example:
    ``salt=0, noisy=65536`` makes every pixel 0; ``salt=noisy=0`` changes nothing.
    """
    xp = namespace(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    bits = R.philox_u16(img, seed, h * w)
    b = xp.astype(xp.reshape(bits, (*bits.shape[:-1], h, w)), xp.int32)
    is_salt = b < _int_param(xp, salt, b)
    is_pepper = (b < _int_param(xp, noisy, b)) & ~is_salt
    mx = max_value(xp, img.dtype)
    top = xp.asarray(mx if is_float(xp, img.dtype) else int(mx), dtype=img.dtype, device=device(img))
    zero = xp.zeros((), dtype=img.dtype, device=device(img))
    return xp.where(is_salt[..., None], top, xp.where(is_pepper[..., None], zero, img))


# ----------------------------------------------------------------------------------------- shot noise
SHOT_GAMMA = 2.2  # albumentations' display gamma: Poisson counts in linear light
SHOT_NORMAL_ABOVE = 64.0  # rates above this: the normal approximation round(lam + sqrt(lam) * z)


def shot_terms(scale: Param) -> int:
    """How many CDF terms shot noise walks: enough for rates up to 64, and no more than the count
    ``ceil(1 / scale) + 1`` at which ``k * scale`` reaches 1 and the output saturates anyway.

    >>> shot_terms(0.2), shot_terms(0.001), shot_terms(np.array([0.5, 0.1]))
    (6, 184, 11)
    """
    s = np.asarray(scale, np.float64)
    s = s[s > 0] if s.ndim else (s[None] if s > 0 else s[None][:0])
    if s.size == 0:
        return 0
    lam_max = float(np.max((1.0 + s * 1e-6) / s))
    saturate = int(np.ceil(1.0 / float(np.min(s)))) + 1
    return min(poisson_bound(min(lam_max, SHOT_NORMAL_ABOVE)), saturate)


def shot_rate(lin: Any, s: Any) -> Any:
    """The Poisson rate ``(lin + s * 1e-6) / s`` (float64) of linear intensities ``lin``."""
    return (lin + s * 1e-6) / s


def shot_counts(xp: Any, u: Any, z: Any, lam: Any, terms: int) -> Any:
    """Poisson counts (float32) at ``u``: :func:`poisson_quantile` for rates up to 64 (at most
    ``terms``), ``max(0, floor(lam + sqrt(lam) * z + 0.5))`` above (``z`` the normal value of the same
    bits); NaN rates give NaN."""
    small = lam <= SHOT_NORMAL_ABOVE
    k = poisson_quantile(xp, u, xp.where(small, lam, 0.0), terms)
    big = xp.maximum(xp.floor(lam + xp.sqrt(lam) * xp.astype(z, xp.float64) + 0.5), 0.0)
    return xp.where(small, k, xp.astype(big, xp.float32))


@kernel
def shot_noise(img: Any, /, seed: Any, scale: Param) -> Any:
    """Photon (Poisson) noise in linear light: ``y = clip(k * scale, 0, 1) ** (1 / 2.2)`` with ``k``
    Poisson of rate ``(x ** 2.2 + scale * 1e-6) / scale`` per pixel and channel (``x`` the image in
    [0, 1]); rates above 64 use the normal approximation. ``scale``: scalar or ``(N,)``; a sample with
    ``scale == 0`` is returned unchanged. Example: ``scale=0`` gives the input back.
    """
    xp = namespace(img)
    h, w, c = (int(v) for v in img.shape[-3:])
    mx = max_value(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    x = clip(xp, x, 0.0, 1.0) if is_float(xp, img.dtype) else x / mx
    lin = xp.astype(x**SHOT_GAMMA, xp.float64)
    s = np.asarray(scale, np.float64)
    off = s == 0
    safe = np.where(off, 1.0, s)
    lam = shot_rate(lin, _plane(xp, safe, img, np.float64) if safe.ndim == 0 else _plane4(xp, safe, img))
    bits = R.philox_u16(img, seed, h * w * c)
    bits = xp.reshape(bits, (*bits.shape[:-1], h, w, c))
    u, z = R.lookup(xp, R.unit_table(), bits), R.lookup(xp, R.normal_table(), bits)
    k = shot_counts(xp, u, z, lam, shot_terms(s))
    sf = np.asarray(safe, np.float32)
    y = clip(xp, k * (float(sf) if sf.ndim == 0 else _plane4(xp, sf, img)), 0.0, 1.0) ** (1.0 / SHOT_GAMMA)
    out = xp.astype(y, img.dtype) if is_float(xp, img.dtype) else round_cast(xp, y * mx, img.dtype)
    if not np.any(off):
        return out
    if off.ndim == 0:
        return xp.asarray(img, copy=True)
    return xp.where(xp.asarray(np.reshape(off, (-1, 1, 1, 1)), device=device(img)), img, out)


# -------------------------------------------------------------------------------------- film grain
_LUMA = (0.299, 0.587, 0.114)


def grain_shape(h: int, w: int, grain_size: Any) -> tuple[np.ndarray, np.ndarray]:
    """The grain field's size per sample: ``(max(1, H // g), max(1, W // g))`` as two int64 arrays."""
    g = np.maximum(np.asarray(grain_size, np.int64).reshape(-1), 1)
    return np.maximum(h // g, 1), np.maximum(w // g, 1)


def batched_taps(n_in: np.ndarray, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`linear_taps` for ``(S,)`` input sizes at once: ``(S, n_out)`` ``i0``, ``i1``, ``t``
    (the same float64 arithmetic, vectorised over the samples)."""
    n_in = np.asarray(n_in, np.int64).reshape(-1, 1)
    src = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = (src - i0).astype(np.float32)
    t[i0 < 0] = 0.0
    i0 = np.clip(i0, 0, n_in - 1)
    t[i0 >= n_in - 1] = 0.0
    return i0, np.minimum(i0 + 1, n_in - 1), t


def grain_field(like: Any, seed: Any, grain_size: Any, h: int, w: int) -> Any:
    """Film grain: standard normal values (the ``"normal"`` table) drawn on a ``(H // g, W // g)`` grid
    in row-major order and resized linearly to ``(H, W)`` (OpenCV's taps and order, as
    :func:`upsample`): ``(H, W)`` for an int seed, ``(N, H, W)`` for ``(N,)`` seeds, ``g`` the grain size
    (an int, or ``(N,)``: one per sample). A sample's field depends on its seed, ``g`` and the size only."""
    xp = namespace(like)
    dev = device(like)
    seeds = R.seeds_array(seed)
    n = seeds.shape[0]
    fh, fw = grain_shape(h, w, grain_size)
    fh, fw = np.broadcast_to(fh, (n,)), np.broadcast_to(fw, (n,))
    count = int(np.max(fh * fw))
    z = R.lookup(xp, R.normal_table(), R.philox_u16(like, seeds, count))  # (S, count)
    if np.all(fh == h) and np.all(fw == w):
        out = xp.reshape(z, (n, h, w))
    else:
        y0, y1, ty = batched_taps(fh, h)
        x0, x1, tx = batched_taps(fw, w)
        base = (np.arange(n, dtype=np.int64) * count).reshape(n, 1)
        flat = xp.reshape(z, (-1,))

        def at(rows: np.ndarray, cols: np.ndarray) -> Any:  # z[n, rows * fw + cols] as (N, H, W)
            r = xp.reshape(xp.asarray(base + rows * fw.reshape(n, 1), device=dev), (n, h, 1))
            idx = r + xp.reshape(xp.asarray(cols, device=dev), (n, 1, w))
            return xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), (n, h, w))

        def lerp(a: Any, b: Any, t: Any) -> Any:
            return a * (1.0 - t) + b * t

        txd = xp.reshape(xp.asarray(tx, device=dev), (n, 1, w))
        tyd = xp.reshape(xp.asarray(ty, device=dev), (n, h, 1))
        top = lerp(at(y0, x0), at(y0, x1), txd)
        bottom = lerp(at(y1, x0), at(y1, x1), txd)
        out = lerp(top, bottom, tyd)
    return out[0, ...] if np.ndim(seed) == 0 else out


def luminance(xp: Any, x: Any, mx: float) -> Any:
    """float32 luminance in [0, 1] of a float32 HWC / NHWC image in levels of ``mx``: Rec. 601 weights
    for 3 channels, the channels' mean otherwise; clipped to [0, 1] (NaN stays NaN). Shape without C."""
    c = x.shape[-1]
    if c == 3:
        lum = x[..., 0] * _LUMA[0] + x[..., 1] * _LUMA[1] + x[..., 2] * _LUMA[2]
    elif c == 1:
        lum = x[..., 0]
    else:
        lum = xp.sum(x, axis=-1) * float(np.float32(1.0 / c))
    return clip(xp, lum * float(np.float32(1.0 / mx)), 0.0, 1.0)


@kernel
def film_grain(img: Any, /, seed: Any, intensity: Param, grain_size: Any) -> Any:
    """Film grain: ``img + z * i * max * (1 - L)``, one grain value ``z`` per pixel shared by the
    channels (:func:`grain_field`, coarser for a larger grain size ``g``), weighted by the darkness
    ``1 - L`` of the pixel (:func:`luminance`): dark areas get the most grain, white none.

    ``seed``: an int, or ``(N,)`` for a batch; ``intensity`` (``i``, a fraction of the dtype's max
    255, 65535 or 1.0) and ``grain_size`` (int >= 1): scalars or ``(N,)``; ``i = 0`` is the identity.
    float32 arithmetic ``x + (z * s) * (1 - L)`` with ``s = i * max`` rounded to float32. Example: a
    uint8 pixel of 0 (``L = 0``) with ``i = 0.1`` whose grain value is ``z = 1`` gives ``26`` (25.5
    rounded to even).
    """
    xp = namespace(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    mx = max_value(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    z = grain_field(img, seed, grain_size, h, w)
    s = levels(intensity, mx)
    g = z * (float(s) if np.ndim(s) == 0 else xp.reshape(xp.asarray(s, device=device(img)), (-1, 1, 1)))
    g = g * (1.0 - luminance(xp, x, mx))
    return _saturate(xp, x + g[..., None], img.dtype)


def _plane4(xp: Any, value: np.ndarray, like: Any) -> Any:
    """A host ``(N,)`` array as ``(N, 1, 1, 1)`` on ``like``'s device, keeping its dtype."""
    return xp.reshape(xp.asarray(np.asarray(value), device=device(like)), (-1, 1, 1, 1))


__all__: Sequence[str] = (
    "add_channels",
    "add_noise",
    "film_grain",
    "iso_noise",
    "multiply_channels",
    "multiply_noise",
    "salt_and_pepper",
    "shot_noise",
)
