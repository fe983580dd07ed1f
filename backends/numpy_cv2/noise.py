"""OpenCV / NumPy overrides of the noise kernels (CPU).

``add_noise``: the 16-bit values of NumPy's Philox (:mod:`._random`), the distribution's table scaled
once (``table * s + o``, 65536 float32 values: cheaper than scaling each pixel's value when the field is
larger than the table) and gathered with ``numpy.take``, then one ``cv2.add`` into the image's dtype
(OpenCV adds in float32 and rounds half to even with saturation, as the generic kernel does: equal bit
for bit). A field shared by the channels is gathered once per pixel and repeated along the channels.
Per-sample parameters: one pass per sample into a preallocated output. A reduced-size field
(``field_hw``) is resized by the generic's own ``upsample`` on NumPy (equal bit for bit).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import noise as F

from ._cv import _scratch
from ._lut import _affine_u8, _translate
from ._pointwise import _MAX, _affine, _affine_scalar, _host, _usable
from ._random import philox_words

_INT_DEPTH = {np.dtype(np.uint8): cv2.CV_8U, np.dtype(np.uint16): cv2.CV_16U}


def _noise(seed: int, tab: np.ndarray, s: float, o: float, count: int) -> np.ndarray:
    """float32 ``tab[bits] * s + o`` for the first ``count`` values of ``seed``."""
    bits = philox_words(seed, count)[:count]
    v = _scratch("noise", (count,), np.float32)
    if count > tab.shape[0]:
        scaled = np.multiply(tab, np.float32(s), out=_scratch("table", tab.shape, np.float32))
        scaled += np.float32(o)
        return np.take(scaled, bits, mode="wrap", out=v)
    np.take(tab, bits, mode="wrap", out=v)
    v *= np.float32(s)
    v += np.float32(o)
    return v


def _add_one(img: np.ndarray, out: np.ndarray, noise: np.ndarray, per_channel: bool, multiply: bool) -> None:
    """``out = saturate(img + noise)`` (or ``img * noise``) for one HWC image (``noise``: ``H*W*C`` or
    ``H*W`` values)."""
    h, w, c = img.shape
    if not per_channel and c > 1:
        spread = _scratch("spread", (h * w, c), np.float32)
        spread[...] = noise.reshape(-1, 1)
        noise = spread
    rows, nz, dst = img.reshape(h, w * c), noise.reshape(h, w * c), out.reshape(h, w * c)
    op = cv2.multiply if multiply else cv2.add
    depth = _INT_DEPTH.get(img.dtype)
    if depth is None:  # float32: add, then clip into [0, 1] (NaN stays NaN)
        op(rows, nz, dst=dst)
        np.clip(dst, 0.0, 1.0, out=dst)
    else:
        op(rows, nz, dst=dst, dtype=depth)


def _reduced_noise(
    seed: int, tab: np.ndarray, s: float, o: float, shape: tuple[int, ...], hw: Any
) -> np.ndarray:
    """The field drawn at ``hw`` and resized by the generic's :func:`upsample` (NumPy takes), then
    scaled: ``up(v) * s + o`` as the generic computes it."""
    fh, fw = int(hw[0]), int(hw[1])
    k = shape[-1]
    bits = philox_words(seed, fh * fw * k)[: fh * fw * k]
    v = np.take(tab, bits, mode="wrap").reshape(fh, fw, k)
    if k == 1:
        up = F.upsample(np, v, shape[:2])
    else:  # channel planes as a batch of one-channel fields: NumPy broadcasts over a short last axis slowly
        planes = np.ascontiguousarray(v.transpose(2, 0, 1))[..., None]
        up = np.ascontiguousarray(F.upsample(np, planes, shape[:2])[..., 0].transpose(1, 2, 0))
    up *= np.float32(s)
    up += np.float32(o)
    return up.reshape(-1)


def _noisy(
    img: np.ndarray,
    seed: Any,
    dist: Any,
    s: Any,
    o: Any,
    per_channel: bool,
    multiply: bool,
    field_hw: Any = None,
) -> np.ndarray:
    """The overrides' common body: ``s``/``o`` float32 levels (scalars or ``(N,)``); ``dist`` a name or
    tables (one per sample when 2-D); ``field_hw``: a reduced field size."""
    tab = F.table(dist)
    h, w, c = img.shape[-3:]
    count = h * w * (c if per_channel else 1)
    make = _noise
    if field_hw is not None and tuple(int(v) for v in field_hw) != (h, w):
        shape = (h, w, c if per_channel else 1)

        def make(seed: int, tab: np.ndarray, s: float, o: float, count: int) -> np.ndarray:  # noqa: ARG001
            return _reduced_noise(seed, tab, s, o, shape, field_hw)

    img = np.ascontiguousarray(img)
    out = np.empty_like(img)
    if img.ndim == 3:
        t = tab if tab.ndim == 1 else tab[0]
        _add_one(img, out, make(int(seed), t, float(s), float(o), count), per_channel, multiply)
        return out
    n = img.shape[0]
    seeds = R.seeds_array(seed)
    ss = np.broadcast_to(np.asarray(s, np.float32), (n,))
    oo = np.broadcast_to(np.asarray(o, np.float32), (n,))
    same = float(multiply)  # the offset that leaves a sample unchanged when its scale is 0
    for i in range(n):
        if ss[i] == 0 and oo[i] == same:  # a sample the batch does not apply: no field to draw
            if img.dtype == np.float32:
                np.clip(img[i], 0.0, 1.0, out=out[i])  # what adding a zero field gives
            else:
                out[i] = img[i]
            continue
        noise = make(int(seeds[i]), tab if tab.ndim == 1 else tab[i], float(ss[i]), float(oo[i]), count)
        _add_one(img[i], out[i], noise, per_channel, multiply)
    return out


def _seeds_fit(img: np.ndarray, seed: Any) -> bool:
    return img.ndim == 3 or R.seeds_array(seed).shape[0] == img.shape[0]


def _each_sample(
    one: Any, img: np.ndarray, out: np.ndarray, seed: Any, *params: tuple[Any, Any, type]
) -> np.ndarray:
    """``one(img, out, seed, *values)`` for one sample, or for each sample of a batch with its seed and
    its value of each ``(value, dtype, cast)`` parameter (broadcast to the batch as ``dtype``, then
    ``cast``: ``int`` or ``float``); returns ``out``."""
    if img.ndim == 3:
        one(img, out, int(seed), *(cast(v) for v, _, cast in params))
        return out
    n = img.shape[0]
    seeds = R.seeds_array(seed)
    cols = [(np.broadcast_to(np.asarray(v, dtype), (n,)), cast) for v, dtype, cast in params]
    for i in range(n):
        one(img[i], out[i], int(seeds[i]), *(cast(col[i]) for col, cast in cols))
    return out


@register(F.add_noise, "numpy_cv2")
def add_noise(
    img: np.ndarray,
    /,
    seed: Any,
    dist: str,
    scale: Any,
    offset: Any,
    per_channel: bool,
    field_hw: Any = None,
) -> Any:
    if not _usable(img) or not _seeds_fit(img, seed):
        return NotImplemented
    mx = _MAX[img.dtype]
    return _noisy(img, seed, dist, F.levels(scale, mx), F.levels(offset, mx), per_channel, False, field_hw)


@register(F.multiply_noise, "numpy_cv2")
def multiply_noise(img: np.ndarray, /, seed: Any, low: Any, high: Any, per_channel: bool) -> Any:
    if not _usable(img) or not _seeds_fit(img, seed):
        return NotImplemented
    span = F.levels(np.asarray(high, np.float64) - np.asarray(low, np.float64), 1.0)
    return _noisy(img, seed, "uniform", span, F.levels(low, 1.0), per_channel, True)


@register(F.add_channels, "numpy_cv2")
def add_channels(img: np.ndarray, /, offsets: Any) -> Any:
    """uint8 scalar offsets: one exact table; else the affine paths of :mod:`._pointwise`."""
    if not _usable(img):
        return NotImplemented
    img = np.ascontiguousarray(img)
    b = F.levels(offsets, _MAX[img.dtype])
    if np.ndim(b) == 0:
        if img.dtype == np.uint8:
            return _translate(img, _affine_u8(1.0, float(b)))
        return _affine_scalar(img, 1.0, float(b), img.dtype, clip=True)
    bb = _host(b, img)
    if bb is None:
        return NotImplemented
    return _affine(img, np.ones((1, 1)), bb, img.dtype, clip=True)


@register(F.multiply_channels, "numpy_cv2")
def multiply_channels(img: np.ndarray, /, factors: Any) -> Any:
    """uint8 scalar factors: one exact table; else the affine paths of :mod:`._pointwise` (as tone's
    multiply_add); float32 with a zero factor is left to the generic kernel (``0 * inf``)."""
    if not _usable(img) or (img.dtype == np.float32 and bool(np.any(np.asarray(factors) == 0))):
        return NotImplemented
    img = np.ascontiguousarray(img)
    if np.ndim(factors) == 0:
        if img.dtype == np.uint8:
            return _translate(img, _affine_u8(float(factors), 0.0))
        return _affine_scalar(img, float(factors), 0.0, img.dtype, clip=True)
    a = _host(np.asarray(factors, np.float32), img)
    if a is None:
        return NotImplemented
    return _affine(img, a, np.zeros((1, 1)), img.dtype, clip=True)


# ------------------------------------------------------------------------------------------- ISO noise
def _poisson_table(lam: float, lam_max: float) -> np.ndarray:
    """float32 ``k / 255`` for each 16-bit value: ``k`` the number of terms ``i`` with ``P(X <= i) < u``
    at the unit table's ``u = (j + 0.5) / 65536`` (exactly the generic kernel's comparisons). The
    generic walks the terms the largest possible rate ``lam_max`` needs; the image's own rate needs
    fewer, and the terms past those are >= every uniform value: the counts are the same."""
    if not np.isfinite(lam):  # a NaN rate (an image with NaN pixels): every comparison fails, k = 0
        return np.zeros(65536, np.float32)
    terms = F.poisson_bound(min(lam, lam_max))
    cdf = F.poisson_cdf(lam, terms)
    # u_j <= cdf_i  <=>  j <= cdf_i * 65536 - 0.5 (exact in float64): the first j counted by term i
    first = np.clip(np.floor(cdf * 65536.0 - 0.5) + 1.0, 0, 65536).astype(np.int64)
    runs = np.diff(first, prepend=0, append=65536)  # values j in [first_(k-1), first_k) count k
    levels = np.arange(terms + 1, dtype=np.float32) / np.float32(F.ISO_LEVELS)
    return np.repeat(levels, runs)


_UNIT_U8 = np.arange(256, dtype=np.float32) / np.float32(255.0)  # the generic's img / 255 in float32


def _iso_one(img: np.ndarray, out: np.ndarray, seed: int, color_shift: float, intensity: float) -> None:
    """One RGB image: OpenCV's float HLS both ways (within float rounding of the generic's formulas),
    ``cv2.meanStdDev`` for the lightness spread, the Poisson counts through a per-image table."""
    if intensity == 0:
        out[...] = img
        return
    h, w = img.shape[:2]
    mx = _MAX[img.dtype]
    shape3 = img.shape
    if img.dtype == np.uint8:
        x = cv2.LUT(img, _UNIT_U8, dst=_scratch("x", shape3, np.float32))
    elif img.dtype == np.float32:
        x = np.maximum(img, np.float32(0.0), out=_scratch("x", shape3, np.float32))
        np.minimum(x, np.float32(1.0), out=x)
    else:
        x = np.divide(img, np.float32(mx), dtype=np.float32, out=_scratch("x", shape3, np.float32))
    hls = cv2.cvtColor(x, cv2.COLOR_RGB2HLS, dst=_scratch("hls", shape3, np.float32))
    _, std = cv2.meanStdDev(hls)
    lam = float(std[1, 0]) * (intensity * F.ISO_LEVELS)
    table = _poisson_table(lam, intensity * F.ISO_LEVELS * 0.5)
    bits = philox_words(seed, 2 * h * w)[: 2 * h * w].reshape(h, w, 2)
    # in place on the interleaved HLS image (no split / merge: fewer OpenCV calls, each with its
    # thread-pool overhead); the generic's float32 operations in the generic's order
    shift = color_shift * 360.0 * intensity
    dz = np.take(R.normal_table(), bits[..., 0], mode="wrap", out=_scratch("plane", (h, w), np.float32))
    dz *= np.float32(shift)
    dz += hls[..., 0]
    # OpenCV's vectorised HLS2RGB misreads H < 0 (H >= 360 is fine): the table's |z| <= 4.33, so with
    # shifts below 83 degrees one turn up is enough
    if shift * 4.33 < 360.0:
        np.add(dz, np.float32(360.0), out=dz, where=dz < 0)
    else:
        dz -= np.floor(dz * np.float32(1.0 / 360.0)) * np.float32(360.0)
    hls[..., 0] = dz
    lum = hls[..., 1]
    gain = np.subtract(np.float32(1.0), lum, out=dz)
    gain *= np.take(table, bits[..., 1], mode="wrap")
    gain += lum
    np.minimum(gain, np.float32(1.0), out=lum)
    rgb = cv2.cvtColor(hls, cv2.COLOR_HLS2RGB, dst=x)  # x is a work buffer, no longer needed
    if img.dtype == np.uint8:  # saturate_cast(|v * 255|) rounds half to even: the generic's rounding
        cv2.convertScaleAbs(rgb, dst=out, alpha=255.0)
        return
    np.minimum(np.maximum(rgb, np.float32(0.0), out=rgb), np.float32(1.0), out=rgb)
    if img.dtype == np.float32:
        out[...] = rgb
    else:
        rgb *= np.float32(mx)
        out[...] = np.rint(rgb)


@register(F.iso_noise, "numpy_cv2")
def iso_noise(img: np.ndarray, /, seed: Any, color_shift: Any, intensity: Any) -> Any:
    if not _usable(img) or img.shape[-1] != 3 or not _seeds_fit(img, seed):
        return NotImplemented
    out = np.empty_like(img)
    return _each_sample(
        _iso_one, img, out, seed, (color_shift, np.float64, float), (intensity, np.float64, float)
    )


# ------------------------------------------------------------------------------------- salt and pepper
def _salt_one(img: np.ndarray, out: np.ndarray, seed: int, salt: int, noisy: int) -> None:
    h, w, c = img.shape
    if noisy <= 0:
        out[...] = img
        return
    bits = philox_words(seed, h * w)[: h * w].reshape(h, w)
    if c > 4:  # OpenCV's masked operations take up to 4 channels
        out[...] = img
        out[bits < noisy] = 0
        out[bits < salt] = _MAX[img.dtype]
        return
    keep = cv2.compare(bits, noisy, cv2.CMP_GE)  # 255 where the pixel keeps its value
    out.fill(0)  # a masked operation leaves the pixels outside its mask as they are in dst
    cv2.bitwise_and(img, img, dst=out, mask=keep)  # bit patterns: floats (NaN included) copied as they are
    if salt > 0:
        mx = _MAX[img.dtype]
        cv2.add(out, (mx, mx, mx, mx), dst=out, mask=cv2.compare(bits, salt, cv2.CMP_LT))  # 0 + max


@register(F.salt_and_pepper, "numpy_cv2")
def salt_and_pepper(img: np.ndarray, /, seed: Any, salt: Any, noisy: Any) -> Any:
    """NumPy's Philox bits; the noisy pixels zeroed by a masked ``cv2.bitwise_and``, then the salt ones
    raised to the max by a masked ``cv2.add`` (bit for bit the generic's selection)."""
    if not _usable(img) or not _seeds_fit(img, seed):
        return NotImplemented
    out = np.empty_like(img)
    return _each_sample(_salt_one, img, out, seed, (salt, np.int64, int), (noisy, np.int64, int))


# ------------------------------------------------------------------------------------------ shot noise
_LIN_U8 = _UNIT_U8**F.SHOT_GAMMA  # the generic's float32 x ** 2.2 at the 256 uint8 levels


def _shot_u8(img: np.ndarray, out: np.ndarray, seed: int, s: float, terms: int) -> None:
    """uint8 with every rate <= 64: per level ``v`` and term ``i`` the first 16-bit value ``J[v, i]``
    whose uniform value exceeds ``P(X <= i)`` (the generic's float64 recurrence over the 256 levels), so
    ``k = #{i : bits >= J[v, i]}``: per term one ``cv2.LUT`` of the thresholds and one ``cv2.compare``,
    counted in uint8 (255 is -1 modulo 256); then one ``cv2.LUT`` from counts to output levels."""
    lam_v = F.shot_rate(_LIN_U8.astype(np.float64), s)
    p = np.exp(-lam_v)
    cdf = p
    rows = img.reshape(img.shape[0], -1)
    n = rows.size
    bits = _scratch("bits_f32", rows.shape, np.float32)
    bits[...] = philox_words(seed, n)[:n].reshape(rows.shape)
    k = _scratch("counts", rows.shape, np.uint8)
    k.fill(0)
    thresholds, hits = _scratch("thresholds", rows.shape, np.float32), _scratch("hits", rows.shape, np.uint8)
    for i in range(terms):
        first = np.clip(np.floor(cdf * 65536.0 - 0.5) + 1.0, 0.0, 65536.0).astype(np.float32)
        cv2.LUT(rows, first, dst=thresholds)
        k -= cv2.compare(bits, thresholds, cv2.CMP_GE, dst=hits)  # counts b >= J[v, i]
        p = p * lam_v / float(i + 1)
        cdf = cdf + p
    counts = np.arange(256, dtype=np.float32)
    y = np.minimum(counts * np.float32(s), np.float32(1.0)) ** np.float32(1.0 / F.SHOT_GAMMA)
    table = np.clip(np.round(y * np.float32(255.0)), 0, 255).astype(np.uint8)
    cv2.LUT(k, table, dst=out.reshape(rows.shape))


def _shot_one(img: np.ndarray, out: np.ndarray, seed: int, s: float) -> None:
    """One image. The Poisson counts by the generic's CDF recurrence, walked only as far as each
    pixel needs (the pixels still below their uniform value, compressed at every step: about
    ``1 + rate`` steps a pixel instead of ``terms``); uint8 rates from a 256-level table; the output
    from a table over the counts (the generic's float32 operations on each count)."""
    if s == 0:
        out[...] = img
        return
    terms = F.shot_terms(s)
    if img.dtype == np.uint8 and F.shot_rate(1.0, s) <= F.SHOT_NORMAL_ABOVE and terms < 256:
        _shot_u8(img, out, seed, s, terms)
        return
    flat = img.reshape(-1)
    n = flat.shape[0]
    mx = _MAX[img.dtype]
    if img.dtype == np.uint8:
        lam_v = F.shot_rate(_LIN_U8.astype(np.float64), s)
        lam = np.take(lam_v, flat)
        p0 = np.take(np.exp(-np.where(lam_v <= F.SHOT_NORMAL_ABOVE, lam_v, 0.0)), flat)
    else:
        x = (
            np.minimum(np.maximum(flat, np.float32(0.0)), np.float32(1.0))
            if mx == 1.0
            else flat / np.float32(mx)
        )
        lam = F.shot_rate((x**F.SHOT_GAMMA).astype(np.float64), s)
        p0 = np.exp(-np.where(lam <= F.SHOT_NORMAL_ABOVE, lam, 0.0))
    bits = philox_words(seed, n)[:n]
    u = np.take(R.unit_table(), bits, mode="wrap").astype(np.float64)
    k = np.zeros(n, np.float64)
    idx = np.flatnonzero(p0 < u) if terms else np.zeros(0, np.int64)
    p, rate, cdf, uu = p0[idx], lam[idx], p0[idx], u[idx]
    i = 0
    while idx.size:
        k[idx] += 1.0
        i += 1
        if i >= terms:
            break
        p = p * rate / float(i)
        cdf = cdf + p
        keep = cdf < uu
        idx, p, rate, cdf, uu = idx[keep], p[keep], rate[keep], cdf[keep], uu[keep]
    big = np.flatnonzero(~(lam <= F.SHOT_NORMAL_ABOVE))  # NaN rates too: they give NaN
    if big.size:
        z = np.take(R.normal_table(), bits[big], mode="wrap").astype(np.float64)
        rb = lam[big]
        k[big] = np.maximum(np.floor(rb + np.sqrt(rb) * z + 0.5), 0.0)
    nan = np.isnan(k)
    top = int(np.max(np.where(nan, 0.0, k))) if n else 0
    counts = np.arange(top + 1, dtype=np.float32)
    y = np.minimum(np.maximum(counts * np.float32(s), np.float32(0.0)), np.float32(1.0)) ** np.float32(
        1.0 / F.SHOT_GAMMA
    )
    table = (
        y.astype(img.dtype) if mx == 1.0 else np.clip(np.round(y * np.float32(mx)), 0, mx).astype(img.dtype)
    )
    res = np.take(table, np.where(nan, 0, k).astype(np.intp))
    if nan.any():
        res[nan] = np.nan
    out.reshape(-1)[...] = res


@register(F.shot_noise, "numpy_cv2")
def shot_noise(img: np.ndarray, /, seed: Any, scale: Any) -> Any:
    if not _usable(img) or not _seeds_fit(img, seed):
        return NotImplemented
    out = np.empty_like(img)
    if img.ndim == 3:
        _shot_one(np.ascontiguousarray(img), out, int(seed), float(scale))
        return out
    seeds = R.seeds_array(seed)
    ss = np.broadcast_to(np.asarray(scale, np.float64), (img.shape[0],))
    for i in range(img.shape[0]):
        _shot_one(np.ascontiguousarray(img[i]), out[i], int(seeds[i]), float(ss[i]))
    return out


# --------------------------------------------------------------------------------------------- film grain
def _grain_one(img: np.ndarray, out: np.ndarray, seed: int, s: float, g: int) -> None:
    """One HWC image: the generic kernel's field (NumPy's Philox, the normal table, the generic's
    :func:`~xalbu.functional.noise.upsample`), weighted and added with OpenCV's saturating add."""
    h, w, c = img.shape
    fh, fw = (int(v[0]) for v in F.grain_shape(h, w, g))
    bits = philox_words(seed, fh * fw)[: fh * fw]
    z = np.take(R.normal_table(), bits).reshape(fh, fw, 1)
    if (fh, fw) != (h, w):
        z = F.upsample(np, z, (h, w))
    grain = z.reshape(h, w) * np.float32(s)
    x = _scratch("grain_x", img.shape, np.float32)  # fresh pages cost more than the conversion
    np.copyto(x, img)
    grain *= 1.0 - F.luminance(np, x, _MAX[img.dtype])
    _add_one(img, out, grain.reshape(-1), False, False)


@register(F.film_grain, "numpy_cv2")
def film_grain(img: np.ndarray, /, seed: Any, intensity: Any, grain_size: Any) -> Any:
    if not _usable(img) or not _seeds_fit(img, seed):
        return NotImplemented
    s = F.levels(intensity, _MAX[img.dtype])
    img = np.ascontiguousarray(img)
    out = np.empty_like(img)
    return _each_sample(_grain_one, img, out, seed, (s, np.float32, float), (grain_size, np.int64, int))
