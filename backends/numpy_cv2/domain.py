"""OpenCV / NumPy overrides of the domain-adaptation kernels (CPU): histogram_matching (per-channel
``calcHist`` histograms, ``np.interp`` tables as albumentations, the blend folded into one uint8
table applied with ``cv2.LUT``) and pixel_distribution (statistics with ``cv2.meanStdDev`` /
``minMaxIdx`` / one float64 product for the covariance; per-channel maps as uint8 tables, PCA maps
with ``cv2.transform``) and fourier_domain_adaptation (the generic kernel's half spectrum, per
sample, with only the window's frequencies mutated: the generic computes the same formula on the
whole spectrum with weight 0 outside the window; the transforms write into reused buffers where
NumPy's FFT takes ``out=``, NumPy 2).

histogram_matching and fourier_domain_adaptation are exact against the generic kernel; pixel_distribution within one level
(statistics summed in another order; PCA maps through ``cv2.transform`` in float32). Same signatures and contract as
:mod:`xalbu.functional.domain`; anything unusual (other dtypes, empty images) declines.
"""

from __future__ import annotations

import inspect
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import domain as F

from ._cv import _scratch

_LEVELS = np.arange(256, dtype=np.float64)
_LEVELS32 = np.arange(256, dtype=np.float32)


def _usable(img: Any, reference: Any) -> bool:
    return (
        isinstance(reference, np.ndarray)
        and img.dtype in (np.uint8, np.float32)
        and reference.dtype == np.uint8
        and img.ndim in (3, 4)
        and img.size > 0
        and reference.size > 0
    )


def _levels(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    x = np.clip(img * np.float32(255.0), 0.0, 255.0)
    return np.rint(np.nan_to_num(x, nan=0.0)).astype(np.uint8)


def _ratios(blend_ratio: Any, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(blend_ratio, np.float64), (n,))


def _apply_tables(levels: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """HWC uint8 levels through per-channel (C, 256) tables (any dtype)."""
    c = levels.shape[-1]
    if c <= 4:
        lut = np.ascontiguousarray(tables.T).reshape(256, 1, c) if c > 1 else tables.reshape(256, 1)
        out = cv2.LUT(levels, lut)
        return out.reshape(levels.shape)
    return np.stack([cv2.LUT(levels[..., k], tables[k]) for k in range(c)], axis=-1)


# ------------------------------------------------------------------------------ histogram matching
def _cdf(plane: np.ndarray) -> np.ndarray:
    hist = cv2.calcHist([plane], [0], None, [256], [0, 256]).ravel()
    return np.cumsum(hist.astype(np.int64))


def _matching_table(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    src_cdf, ref_cdf = _cdf(src), _cdf(ref)
    counts = np.diff(ref_cdf, prepend=0)
    present = np.flatnonzero(counts)
    q = src_cdf / src_cdf[-1]
    qr = ref_cdf[present] / ref_cdf[-1]
    return np.floor(np.interp(q, qr, present.astype(np.float64)))


@register(F.histogram_matching, "numpy_cv2")
def histogram_matching(img: np.ndarray, reference: Any, blend_ratio: Any) -> Any:
    if not _usable(img, reference):
        return NotImplemented
    single = img.ndim == 3
    x = img[None] if single else img
    r = reference[None] if reference.ndim == 3 else reference
    n, c = x.shape[0], x.shape[-1]
    ratios = _ratios(blend_ratio, n)
    out = np.empty_like(x)
    for i in range(n):
        levels = _levels(x[i])
        tables = np.stack([_matching_table(levels[..., k], r[i][..., k]) for k in range(c)])
        w1, w2 = np.float32(ratios[i]), np.float32(1.0 - ratios[i])
        if x.dtype == np.uint8:
            blend = np.rint(tables.astype(np.float32) * w1 + _LEVELS32 * w2)
            out[i] = _apply_tables(levels, np.clip(blend, 0, 255).astype(np.uint8))
        else:
            matched = _apply_tables(levels, tables.astype(np.float32) / np.float32(255.0))
            if np.ndim(blend_ratio) == 0:  # the generic kernel's arithmetic: a Python float
                w, wc = float(ratios[i]), 1.0 - float(ratios[i])
            else:  # or float32 per sample
                w, wc = w1, np.float32(1.0) - w1
            res = matched * w + x[i] * wc
            out[i] = np.clip(res, 0.0, 1.0)
    return out[0] if single else out


# ------------------------------------------------------------------- pixel distribution adaptation
def _channel_stats(levels: np.ndarray, transform_type: str) -> tuple[np.ndarray, np.ndarray]:
    c = levels.shape[-1]
    if transform_type == "standard" and c <= 4:
        mean, std = cv2.meanStdDev(levels)
        center, scale = mean.ravel() / 255.0, std.ravel() / 255.0
    else:
        flat = levels.reshape(-1, c)
        if transform_type == "standard":
            f = flat.astype(np.float64) / 255.0
            center, scale = f.mean(axis=0), f.std(axis=0)
        else:
            lo, hi = flat.min(axis=0).astype(np.float64), flat.max(axis=0).astype(np.float64)
            center, scale = lo / 255.0, (hi - lo) / 255.0
    return center, np.where(scale == 0, 1.0, scale)


def _axes(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and principal axes of [0, 1] pixels (as the generic kernel's ``_components``), the
    moments from OpenCV on the levels: ``meanStdDev`` and the means of channel products."""
    c = levels.shape[-1]
    mean, std = cv2.meanStdDev(levels)
    mean, var = mean.ravel()[:c], std.ravel()[:c] ** 2
    cov = np.diag(var)
    for shift in range(1, c // 2 + 1):
        other = np.ascontiguousarray(np.roll(levels, -shift, axis=-1))
        prods = cv2.mean(cv2.multiply(levels, other, dtype=cv2.CV_32F))[:c]
        for i in range(c):
            j = (i + shift) % c
            cov[i, j] = cov[j, i] = prods[i] - mean[i] * mean[j]
    _, vecs = np.linalg.eigh(cov / (255.0 * 255.0))
    comps = vecs.T[::-1]
    big = np.argmax(np.abs(comps), axis=1)
    sign = np.where(comps[np.arange(c), big] < 0, -1.0, 1.0)
    return mean / 255.0, comps * sign[:, None]


def _map(levels: np.ndarray, ref: np.ndarray, transform_type: str) -> tuple[np.ndarray, np.ndarray]:
    """``(A, b)``: ``y = x @ A + b`` on [0, 1] pixels."""
    if transform_type == "pca":
        ms, vs = _axes(levels)
        mt, vt = _axes(ref)
        if np.sign(np.trace(vs)) != np.sign(np.trace(vt)):
            vt = -vt
        a = vs.T @ vt
        return a, mt - ms @ a
    cs, ss = _channel_stats(levels, transform_type)
    ct, st = _channel_stats(ref, transform_type)
    gain = st / ss
    return np.diag(gain), ct - cs * gain


@register(F.pixel_distribution, "numpy_cv2")
def pixel_distribution(img: np.ndarray, reference: Any, blend_ratio: Any, transform_type: str) -> Any:
    if not _usable(img, reference) or transform_type not in F.TRANSFORM_TYPES:
        return NotImplemented
    single = img.ndim == 3
    x = img[None] if single else img
    r = reference[None] if reference.ndim == 3 else reference
    n, c = x.shape[0], x.shape[-1]
    if transform_type == "pca" and not 1 < c <= 4:  # cv2.transform takes up to 4 channels
        return NotImplemented
    ratios = _ratios(blend_ratio, n)
    out = np.empty_like(x)
    for i in range(n):
        levels = _levels(x[i])
        a, b = _map(levels, r[i], transform_type)
        w = float(ratios[i])
        if transform_type != "pca":
            # per channel: one table of 256 levels, the generic kernel's arithmetic level by level
            src = _LEVELS / 255.0
            y = src[None, :] * np.diag(a)[:, None] + b[:, None]
            adapted = np.floor(np.clip(y, 0.0, 1.0) * 255.0)
            blended = src[None, :] * 255.0 * (1.0 - w) + adapted * w
            if x.dtype == np.uint8:
                out[i] = _apply_tables(levels, np.clip(np.floor(blended), 0, 255).astype(np.uint8))
            else:
                out[i] = _apply_tables(levels, np.clip(blended / 255.0, 0.0, 1.0).astype(np.float32))
            continue
        # on levels: y255 = levels @ A + 255 b, in float32 (OpenCV's 8-bit transform is
        # fixed-point and rounds); floors and clips in place
        m = np.concatenate([a.T, (b * 255.0)[:, None]], axis=1)
        lv = levels.astype(np.float32)
        y = cv2.transform(lv, m).reshape(levels.shape)
        np.floor(np.clip(y, 0.0, 255.0, out=y), out=y)
        blended = cv2.addWeighted(lv, 1.0 - w, y, w, 0.0).reshape(levels.shape)
        if x.dtype == np.uint8:
            out[i] = np.floor(blended, out=blended)  # in [0, 255]: the cast is exact
        else:
            out[i] = np.clip(blended * np.float32(1 / 255.0), 0.0, 1.0)
    return out[0] if single else out


# ------------------------------------------------------------------------------------------- FDA
_FFT_OUT = "out" in inspect.signature(np.fft.rfftn).parameters  # NumPy >= 2


def _window_sets(size: int, half: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Of the ``half`` first frequencies of an axis of ``size``: whether each one's shifted position,
    and its mirror's (``-k mod size``), lies in ``[lo, hi)``."""
    k = np.arange(half)
    own = (k + size // 2) % size
    mirror = ((-k) % size + size // 2) % size
    return (own >= lo) & (own < hi), (mirror >= lo) & (mirror < hi)


def _fft_into(fn: Any, a: np.ndarray, name: str, shape: tuple[int, ...], dtype: Any, **kw: Any) -> np.ndarray:
    if _FFT_OUT:
        return fn(a, axes=(0, 1), out=_scratch(name, shape, dtype), **kw)
    return fn(a, axes=(0, 1), **kw)


@register(F.fourier_domain_adaptation, "numpy_cv2")
def fourier_domain_adaptation(img: Any, reference: Any, beta: Any, /) -> Any:
    if (
        type(img) is not np.ndarray
        or type(reference) is not np.ndarray
        or img.dtype not in (np.uint8, np.float32)
        or img.ndim not in (3, 4)
        or reference.ndim != img.ndim
        or img.size == 0
    ):
        return NotImplemented
    x = img if img.ndim == 4 else img[None]
    ref = reference if reference.ndim == 4 else reference[None]
    n, h, w, c = x.shape
    wr = w // 2 + 1
    win = F.fda_window(h, w, beta)
    out = np.empty(x.shape, img.dtype)
    real = _scratch("fda_real", (h, w, c), np.float64)
    for i in range(n):
        h1, h2, w1, w2 = (int(v) for v in win[i if len(win) > 1 else 0])
        rows_own, rows_mirror = _window_sets(h, h, h1, h2)
        cols_own, cols_mirror = _window_sets(w, wr, w1, w2)
        rows = np.flatnonzero(rows_own | rows_mirror)
        cols = np.flatnonzero(cols_own | cols_mirror)
        np.copyto(real, x[i])
        src = _fft_into(np.fft.rfftn, real, "fda_src", (h, wr, c), np.complex128)
        if rows.size and cols.size:
            np.copyto(real, ref[i if ref.shape[0] > 1 else 0])
            trg = _fft_into(np.fft.rfftn, real, "fda_trg", (h, wr, c), np.complex128)
            box = np.ix_(rows, cols)
            # the generic kernel's formula on the frequencies with a non-zero weight
            own = rows_own[rows][:, None] & cols_own[cols][None, :]
            mirror = rows_mirror[rows][:, None] & cols_mirror[cols][None, :]
            weight = ((own.astype(np.float64) + mirror.astype(np.float64)) * 0.5)[..., None]
            part = src[box]
            amp = np.abs(part)
            unit = np.where(amp > 0, part / np.where(amp > 0, amp, 1.0), 1.0 + 0.0j)
            src[box] = part + weight * (np.abs(trg[box]) * unit - part)
        back = _fft_into(np.fft.irfftn, src, "fda_back", (h, w, c), np.float64, s=(h, w))
        if img.dtype == np.uint8:  # truncated 1e-6 above (see the generic's _finish)
            back += 1e-6
            np.clip(back, 0.0, 255.0, out=back)
        else:
            np.clip(back, 0.0, 1.0, out=back)
        np.copyto(out[i], back, casting="unsafe")
    return out if img.ndim == 4 else out[0]
