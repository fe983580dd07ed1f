"""Generic domain-adaptation kernels over array-API arrays: Fourier domain adaptation, histogram
matching and pixel-distribution adaptation (standard / min-max scaling, PCA), each against a
reference image given per sample.

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present) and a
reference of the same shape (already resized by the transform, on the image's device), keeps the
input's dtype (uint8 or float32) and never writes into its input. Parameters are Python scalars or
``(N,)`` host arrays (per sample).

- :func:`fourier_domain_adaptation`: the low frequencies of the image's amplitude spectrum (a
  window of ``floor(min(H, W) * beta)`` around the centre of the shifted spectrum) take the
  reference's amplitude, the phase is kept; the real part of the inverse transform is clipped and
  truncated to the dtype (as albumentations). Computed on the half spectrum (``rfftn``): the real
  part of the inverse of the mutated spectrum is the inverse of its Hermitian part, which is the
  source spectrum moved towards the mutated one by half on frequencies whose mirror is outside
  the window.
- :func:`histogram_matching`: per channel, the levels of the image are mapped so that its
  cumulative histogram follows the reference's (linear interpolation between the reference's
  levels present, truncated to a level), then blended with the image; float images work on the
  levels ``rint(x * 255)``.
- :func:`pixel_distribution`: per sample, an affine map fitted on the [0, 1] levels of the image
  and of the reference (``x @ A + b``), clipped to [0, 1] and truncated to a level, then blended.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, namespace

__all__ = [
    "fda_window",
    "fourier_domain_adaptation",
    "histogram_matching",
    "matching_tables",
    "pixel_distribution",
    "pixel_distribution_maps",
]

TRANSFORM_TYPES = ("pca", "standard", "minmax")


def _batched(img: Any) -> tuple[Any, bool]:
    return (img[None, ...], True) if img.ndim == 3 else (img, False)


def _levels(xp: Any, img: Any) -> Any:
    """uint8 levels of ``img``: itself (uint8), else ``rint(x * 255)`` clipped (NaN as 0)."""
    if not is_float(xp, img.dtype):
        return img
    x = clip(xp, img * 255.0, 0.0, 255.0)
    return xp.astype(xp.round(xp.where(xp.isnan(x), 0.0, x)), xp.uint8)


def _ratio(xp: Any, value: Param, x: Any) -> Any:
    """A blend ratio: a Python float, or ``(N,)`` float64 on ``x``'s device."""
    if np.ndim(value) == 0:
        return float(value)
    return xp.asarray(np.asarray(value, np.float64), device=device(x))


def _finish(xp: Any, out: Any, img: Any) -> Any:
    """Float results back to ``img``'s dtype: clipped and truncated (uint8) or clipped (float32)."""
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, out, 0.0, 1.0), img.dtype)
    # truncated as albumentations, but 1e-6 above: the inverse transform's rounding (1e-12) must
    # not take a level down (albumentations turns ~40% of the levels of beta = 0 one lower)
    return xp.astype(clip(xp, out + 1e-6, 0.0, 255.0), img.dtype)


# ------------------------------------------------------------------------------------------- FDA
def fda_window(h: int, w: int, beta: Param) -> np.ndarray:
    """``(N, 4)`` int64 rows ``h1, h2, w1, w2``: the window of the shifted spectrum (rows
    ``h1 <= k < h2``, columns ``w1 <= k < w2``) that takes the reference's amplitude, albumentations'
    ``border = floor(min(H, W) * beta)`` around the centre ``(H / 2 - 0.5, W / 2 - 0.5)``."""
    b = np.floor(min(h, w) * np.atleast_1d(np.asarray(beta, np.float64)))
    cy, cx = h / 2 - 0.5, w / 2 - 0.5
    h1 = np.maximum(0, np.trunc(cy - b))
    h2 = np.minimum(np.trunc(cy + b), h)
    w1 = np.maximum(0, np.trunc(cx - b))
    w2 = np.minimum(np.trunc(cx + b), w)
    return np.stack([h1, h2, w1, w2], axis=1).astype(np.int64)


@kernel
def fourier_domain_adaptation(img: Any, reference: Any, beta: Param, /) -> Any:
    """Fourier domain adaptation with window parameter ``beta`` (a scalar or ``(N,)``) against
    ``reference`` (the image's shape; any real dtype, used as its raw values as albumentations does).

    ``beta = 0`` keeps the spectrum (the output is the image up to the truncation of the inverse
    transform's rounding). Example: a constant image takes the reference's mean level once the
    window holds the zero frequency.
    """
    xp = namespace(img)
    x, single = _batched(img)
    r, _ = _batched(reference)
    n, h, w, _c = x.shape
    win = fda_window(h, w, beta)
    if win.shape[0] == 1 and n > 1:
        win = np.broadcast_to(win, (n, 4))
    dev = device(x)
    src = xp.fft.rfftn(xp.astype(x, xp.float64), axes=(1, 2))
    trg = xp.fft.rfftn(xp.astype(r, xp.float64), axes=(1, 2))
    wr = src.shape[2]
    # shifted position of each (unshifted) row / column, and of its mirror (-i mod H)
    rows = (np.arange(h) + h // 2) % h
    rows_m = ((-np.arange(h)) % h + h // 2) % h
    cols = (np.arange(wr) + w // 2) % w
    cols_m = ((-np.arange(wr)) % w + w // 2) % w
    bounds = xp.asarray(win, device=dev)
    h1, h2, w1, w2 = (xp.reshape(bounds[:, i], (n, 1, 1)) for i in range(4))
    rk = xp.reshape(xp.asarray(np.stack([rows, rows_m]), device=dev), (2, 1, h, 1))
    ck = xp.reshape(xp.asarray(np.stack([cols, cols_m]), device=dev), (2, 1, 1, wr))
    inside = (rk >= h1) & (rk < h2) & (ck >= w1) & (ck < w2)  # (2, N, H, WR): own, mirror
    weight = (xp.astype(inside[0, ...], xp.float64) + xp.astype(inside[1, ...], xp.float64)) * 0.5
    weight = weight[..., None]
    amp = xp.abs(src)
    unit = xp.where(amp > 0, src / xp.where(amp > 0, amp, 1.0), xp.asarray(1.0 + 0.0j, device=dev))
    mutated = src + weight * (xp.abs(trg) * unit - src)
    out = xp.fft.irfftn(mutated, s=(h, w), axes=(1, 2))
    out = _finish(xp, out, x)
    return out[0, ...] if single else out


# ------------------------------------------------------------------------------ histogram matching
def _cumulative_counts(xp: Any, planes: Any) -> Any:
    """Inclusive cumulative histograms ``(K, 256)`` (int64) of ``(K, M)`` uint8 levels, without a
    loop: rows offset by ``256 * k`` and sorted as one vector, then one ``searchsorted``."""
    k, m = planes.shape
    dev = device(planes)
    offset = xp.reshape(xp.arange(k, dtype=xp.int64, device=dev) * 256, (k, 1))
    flat = xp.sort(xp.reshape(xp.astype(planes, xp.int64) + offset, (-1,)))
    edges = xp.arange(k * 256, dtype=xp.int64, device=dev)
    cum = xp.reshape(xp.searchsorted(flat, edges, side="right"), (k, 256))
    return cum - offset // 256 * m


def _planes(xp: Any, levels: Any) -> Any:
    n, h, w, c = levels.shape
    return xp.reshape(xp.permute_dims(levels, (0, 3, 1, 2)), (n * c, h * w))


def matching_tables(xp: Any, src_cdf: Any, ref_cdf: Any) -> Any:
    """``(K, 256)`` float64 matching tables: ``np.interp(q_src, q_ref[present], levels[present])``
    row by row, with NumPy's formula (``slope * (q - q_lo) + v_lo``) so that the truncation to a
    level agrees with it; ``src_cdf``/``ref_cdf`` inclusive cumulative counts ``(K, 256)``."""
    dev = device(src_cdf)
    q = xp.astype(src_cdf, xp.float64) / xp.astype(src_cdf[:, -1:], xp.float64)
    qr = xp.astype(ref_cdf, xp.float64) / xp.astype(ref_cdf[:, -1:], xp.float64)
    prev = xp.concat([xp.zeros_like(ref_cdf[:, :1]), ref_cdf[:, :-1]], axis=1)
    present = ref_cdf > prev  # (K, 256) reference levels that occur
    levels = xp.arange(256, dtype=xp.int64, device=dev)
    # lo: the last present level whose quantile is <= q; hi: the first present level above lo
    le = present[:, None, :] & (qr[:, None, :] <= q[:, :, None])  # (K, 256 queries, 256 levels)
    idx = xp.where(le, levels, -1)
    lo = xp.max(idx, axis=2)
    above = present[:, None, :] & (levels > lo[:, :, None])
    hi = xp.min(xp.where(above, levels, 256), axis=2)
    first = xp.argmax(xp.astype(present, xp.int8), axis=1)[:, None]  # below every quantile
    last = 255 - xp.argmax(xp.astype(xp.flip(present, axis=1), xp.int8), axis=1)[:, None]
    lo_c = xp.where(lo < 0, first, lo)
    hi_c = xp.where(hi > 255, lo_c, hi)
    q_lo = xp.take_along_axis(qr, lo_c, axis=1)
    q_hi = xp.take_along_axis(qr, hi_c, axis=1)
    v_lo = xp.astype(lo_c, xp.float64)
    span = xp.where(hi_c > lo_c, q_hi - q_lo, 1.0)
    slope = (xp.astype(hi_c, xp.float64) - v_lo) / span
    table = xp.where(hi_c > lo_c, slope * (q - q_lo) + v_lo, v_lo)
    table = xp.where(lo < 0, xp.astype(first, xp.float64), table)
    return xp.where(hi > 255, xp.astype(xp.broadcast_to(last, lo.shape), xp.float64), table)


@kernel
def histogram_matching(img: Any, reference: Any, blend_ratio: Param, /) -> Any:
    """Match each channel's histogram to ``reference``'s (uint8, the image's shape), then blend:
    ``matched * blend_ratio + img * (1 - blend_ratio)`` (``blend_ratio`` a scalar or ``(N,)``).

    uint8 results are rounded; float images are matched on their levels ``rint(x * 255)`` and
    blended in float32. Example: with ``blend_ratio=1`` an image whose levels are all distinct takes
    the reference's sorted levels.
    """
    xp = namespace(img)
    x, single = _batched(img)
    r, _ = _batched(reference)
    n, h, w, c = x.shape
    levels = _levels(xp, x)
    planes = _planes(xp, levels)
    tables = matching_tables(xp, _cumulative_counts(xp, planes), _cumulative_counts(xp, _planes(xp, r)))
    tables = xp.floor(tables)  # albumentations truncates the interpolated level
    k = n * c
    offset = xp.reshape(xp.arange(k, dtype=xp.int64, device=device(x)) * 256, (k, 1))
    flat = xp.reshape(xp.astype(planes, xp.int64) + offset, (-1,))
    ratio = _ratio(xp, blend_ratio, x)
    if is_float(xp, x.dtype):
        if not isinstance(ratio, float):
            ratio = xp.reshape(xp.astype(ratio, xp.float32), (n, 1, 1, 1))
        matched = xp.take(xp.reshape(xp.astype(tables, xp.float32) / 255.0, (-1,)), flat)
        matched = xp.permute_dims(xp.reshape(matched, (n, c, h, w)), (0, 2, 3, 1))
        out = matched * ratio + x * (1.0 - ratio)
        out = xp.astype(clip(xp, out, 0.0, 1.0), x.dtype)
    else:
        # albumentations' weighted sum of uint8 images: float32, rounded half to even
        if isinstance(ratio, float):
            w1, w2 = float(np.float32(ratio)), float(np.float32(1.0 - ratio))
        else:
            w1 = xp.reshape(xp.broadcast_to(xp.reshape(xp.astype(ratio, xp.float32), (n, 1)), (n, c)), (k, 1))
            w2 = xp.reshape(
                xp.broadcast_to(xp.reshape(xp.astype(1.0 - ratio, xp.float32), (n, 1)), (n, c)), (k, 1)
            )
        lv = xp.reshape(xp.arange(256, dtype=xp.float32, device=device(x)), (1, 256))
        blend = xp.round(xp.astype(tables, xp.float32) * w1 + lv * w2)
        blend = xp.astype(clip(xp, blend, 0.0, 255.0), xp.uint8)
        out = xp.take(xp.reshape(blend, (-1,)), flat)
        out = xp.permute_dims(xp.reshape(out, (n, c, h, w)), (0, 2, 3, 1))
    return out[0, ...] if single else out


# ------------------------------------------------------------------- pixel distribution adaptation
def _stats(xp: Any, p: Any, transform_type: str) -> tuple[Any, Any]:
    """Per sample ``(center, scale)`` ``(N, 1, C)`` of pixels ``p`` ``(N, M, C)`` (float64):
    mean and standard deviation, or minimum and range (0 read as 1)."""
    if transform_type == "standard":
        center = xp.mean(p, axis=1, keepdims=True)
        scale = xp.sqrt(xp.mean((p - center) ** 2, axis=1, keepdims=True))
    else:
        center = xp.min(p, axis=1, keepdims=True)
        scale = xp.max(p, axis=1, keepdims=True) - center
    return center, xp.where(scale == 0, 1.0, scale)


def _components(xp: Any, p: Any) -> tuple[Any, Any]:
    """Per sample mean ``(N, 1, C)`` and principal axes ``(N, C, C)`` (rows, by decreasing variance),
    each axis signed so that its largest entry (in absolute value, the first on ties) is positive."""
    mean = xp.mean(p, axis=1, keepdims=True)
    d = p - mean
    cov = xp.matmul(xp.permute_dims(d, (0, 2, 1)), d) / p.shape[1]
    _, vecs = xp.linalg.eigh(cov)  # ascending, vectors in columns
    comps = xp.flip(xp.permute_dims(vecs, (0, 2, 1)), axis=1)
    big = xp.argmax(xp.abs(comps), axis=2, keepdims=True)
    sign = 1.0 - 2.0 * xp.astype(xp.take_along_axis(comps, big, axis=2) < 0, xp.float64)
    return mean, comps * sign


def pixel_distribution_maps(xp: Any, src: Any, ref: Any, transform_type: str) -> tuple[Any, Any]:
    """Per sample affine maps ``(A, b)`` (``(N, C, C)``, ``(N, 1, C)``, float64) taking the [0, 1]
    pixels ``src`` ``(N, M, C)`` to the statistics of ``ref``: ``y = x @ A + b``.

    ``"standard"`` / ``"minmax"``: ``(x - center_s) / scale_s * scale_t + center_t`` per channel;
    ``"pca"``: ``(x - mean_s) @ V_s.T @ V_t + mean_t`` with the axes of :func:`_components`, the
    reference's flipped as a whole when the traces' signs differ (albumentations' rule).
    """
    c = src.shape[-1]
    if transform_type == "pca":
        ms, vs = _components(xp, src)
        mt, vt = _components(xp, ref)
        ts = xp.sum(xp.linalg.diagonal(vs), axis=-1)
        tt = xp.sum(xp.linalg.diagonal(vt), axis=-1)
        flip = 1.0 - 2.0 * xp.astype(xp.sign(ts) != xp.sign(tt), xp.float64)
        vt = vt * xp.reshape(flip, (-1, 1, 1))
        a = xp.matmul(xp.permute_dims(vs, (0, 2, 1)), vt)
        return a, mt - xp.matmul(ms, a)
    cs, ss = _stats(xp, src, transform_type)
    ct, st = _stats(xp, ref, transform_type)
    gain = st / ss  # (N, 1, C)
    eye = xp.eye(c, dtype=xp.float64, device=device(src))
    return eye[None, ...] * xp.permute_dims(gain, (0, 2, 1)), ct - cs * gain


@kernel
def pixel_distribution(img: Any, reference: Any, blend_ratio: Param, transform_type: str, /) -> Any:
    """Pixel-distribution adaptation of ``img`` to ``reference`` (uint8, the image's shape) with
    ``transform_type`` ``"pca"``, ``"standard"`` or ``"minmax"`` (:func:`pixel_distribution_maps`),
    blended: ``levels * (1 - blend_ratio) + adapted * blend_ratio`` (truncated for uint8, ``/ 255``
    for float32 images, which work on their levels ``rint(x * 255)``).

    Example: ``"standard"`` on a two-level image against a reference with the same two levels
    swapped gives the reference's levels back.
    """
    if transform_type not in TRANSFORM_TYPES:
        raise ValueError(
            f"pixel_distribution: transform_type must be one of {TRANSFORM_TYPES}, got {transform_type!r}"
        )
    xp = namespace(img)
    x, single = _batched(img)
    r, _ = _batched(reference)
    n, h, w, c = x.shape
    levels = _levels(xp, x)
    src = xp.reshape(xp.astype(levels, xp.float64), (n, h * w, c)) / 255.0
    ref = xp.reshape(xp.astype(r, xp.float64), (n, -1, c)) / 255.0
    a, b = pixel_distribution_maps(xp, src, ref, transform_type)
    y = xp.matmul(src, a) + b
    adapted = xp.floor(clip(xp, y, 0.0, 1.0) * 255.0)
    ratio = _ratio(xp, blend_ratio, x)
    if not isinstance(ratio, float):
        ratio = xp.reshape(ratio, (n, 1, 1))
    out = xp.reshape(src * 255.0 * (1.0 - ratio) + adapted * ratio, (n, h, w, c))
    if is_float(xp, x.dtype):
        out = xp.astype(clip(xp, out / 255.0, 0.0, 1.0), x.dtype)
    else:
        out = xp.astype(clip(xp, xp.floor(out), 0.0, 255.0), x.dtype)
    return out[0, ...] if single else out
