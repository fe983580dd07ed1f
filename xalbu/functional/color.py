"""Generic colour kernels over array-API arrays: gray conversion, sepia, channel shuffles, HSV
shifts (OpenCV's maths, :mod:`xalbu.functional._hsv`), per-channel shifts and gains, colour jitter,
channel dropout, gray to RGB, fancy PCA and radial (chromatic-aberration) resampling.

Gray conversion follows albumentations 2.0.8's methods, including ``from_lab`` (the L of CIE Lab)
and ``pca`` (the image's first principal component, min-max scaled, with the component's sign that
OpenCV's ``cv2.PCACompute2`` gives, which albumentations uses).

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype unless its docstring says otherwise, and never writes into its input. Integer
results are rounded (half to even) and saturated with :func:`round_cast`. Parameters are Python
scalars, or host NumPy arrays: ``(N,)`` per sample, ``(C,)`` per channel, ``(N, C)`` both, moved
to the image's device by :func:`param` (which reads a length-N vector on a batch of N images as
per sample; pass ``(N, C)`` for per-channel values on a batch whose N equals C).

Backend overrides (``backends/numpy_cv2/color.py``) keep the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device, is_cupy_array

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param, cubic_weights
from xalbu.functional._hsv import (  # noqa: F401 - re-exported: the backends read them here
    _F32_EPS,
    _HDIV,
    _SDIV,
    _gather,
    _hsv_to_rgb,
    _rgb_to_hsv_f32,
    _rgb_to_hsv_u8,
    hue_table_u8,
)
from xalbu.functional._utils import (
    clip,
    dtype_name,
    finite_mean,
    is_float,
    max_value,
    namespace,
    param,
    round_cast,
)

GRAY_WEIGHTS = {
    "weighted_average": (0.299, 0.587, 0.114),
    "luminance": (0.2126, 0.7152, 0.0722),
}
GRAY_METHODS = ("weighted_average", "from_lab", "desaturation", "average", "max", "pca", "luminance")
RGB_METHODS = ("weighted_average", "luminance", "from_lab")
"""The methods that need 3-channel RGB images."""
SRGB_TO_Y = (0.212671, 0.715160, 0.072169)
"""Y of CIE XYZ (D65) from linear sRGB: the row of OpenCV's RGB -> Lab matrix that L depends on."""
SEPIA = ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168), (0.272, 0.534, 0.131))
"""The sepia tone's RGB -> RGB matrix (rows: output R, G, B), the classic photo-editing one."""


def _gray(xp: Any, img: Any, method: str) -> Any:
    """The ``(..., 1)`` gray plane of ``img`` in ``img``'s dtype."""
    channels = img.shape[-1]
    if method in RGB_METHODS and channels != 3:
        raise ValueError(f"to_gray method {method!r} needs a 3-channel RGB image, got {channels} channels")
    if method == "from_lab":
        return _gray_from_lab(xp, img)
    if method == "pca":
        return _gray_pca(xp, img)
    if method in GRAY_WEIGHTS:
        w = GRAY_WEIGHTS[method]
        x = xp.astype(img, xp.float32)
        g = x[..., 0:1] * w[0] + x[..., 1:2] * w[1] + x[..., 2:3] * w[2]
        return round_cast(xp, g, img.dtype)
    if channels == 1:
        return img
    if method == "max":
        return xp.max(img, axis=-1, keepdims=True)
    x = xp.astype(img, xp.float32)
    if method == "average":
        return round_cast(xp, xp.mean(x, axis=-1, keepdims=True), img.dtype)
    hi = xp.max(x, axis=-1, keepdims=True)
    lo = xp.min(x, axis=-1, keepdims=True)
    return round_cast(xp, (hi + lo) * 0.5, img.dtype)


def _gray_from_lab(xp: Any, img: Any) -> Any:
    """L of CIE Lab (sRGB, D65) as a fraction of 100, in ``img``'s dtype: ``L = 116 Y^(1/3) - 16``
    (``903.3 Y`` for ``Y <= 0.008856``), ``Y`` from the linearised sRGB values."""
    top = max_value(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    x = clip(xp, x, 0.0, 1.0) if is_float(xp, img.dtype) else x / top
    lin = xp.where(x <= 0.04045, x / 12.92, xp.pow((x + 0.055) / 1.055, 2.4))
    y = lin[..., 0:1] * SRGB_TO_Y[0] + lin[..., 1:2] * SRGB_TO_Y[1] + lin[..., 2:3] * SRGB_TO_Y[2]
    y = clip(xp, y, 0.0, None)
    lightness = xp.where(y > 0.008856, 1.16 * xp.pow(y, 1.0 / 3.0) - 0.16, 9.033 * y)
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, lightness, 0.0, 1.0), img.dtype)
    return round_cast(xp, lightness * top, img.dtype)


def _gray_pca(xp: Any, img: Any) -> Any:
    """Each image's projection on its first principal component (float64 statistics), min-max
    scaled to the dtype's range (a constant image gives 0)."""
    h, w, c = img.shape[-3:]
    x = xp.astype(img, xp.float64)
    pixels = xp.reshape(x, (-1, h * w, c))  # (B, HW, C)
    centred = pixels - xp.mean(pixels, axis=1, keepdims=True)
    cov = xp.matmul(xp.matrix_transpose(centred), centred) / float(h * w)
    axis = first_principal_axis(cov)  # (B, C)
    proj = xp.astype(xp.sum(centred * axis[:, None, :], axis=-1), xp.float32)  # (B, HW)
    lo = xp.min(proj, axis=1, keepdims=True)
    span = xp.astype(xp.max(proj, axis=1, keepdims=True), xp.float64) - xp.astype(lo, xp.float64)
    scale = xp.where(span > float(np.finfo(np.float64).eps), 1.0 / xp.where(span > 0, span, 1.0), 0.0)
    gray = xp.astype((xp.astype(proj, xp.float64) - xp.astype(lo, xp.float64)) * scale, xp.float32)
    gray = xp.reshape(gray, (*img.shape[:-1], 1))
    if is_float(xp, img.dtype):
        return xp.astype(gray, img.dtype)
    return round_cast(xp, gray * max_value(xp, img.dtype), img.dtype)


def _hypot(xp: Any, a: Any, b: Any) -> Any:
    """OpenCV's ``hypot`` of its Jacobi solver: ``|a| sqrt(1 + (b/a)^2)`` for the larger of the two."""
    a, b = xp.abs(a), xp.abs(b)
    big, small = xp.maximum(a, b), xp.minimum(a, b)
    ratio = small / xp.where(big > 0, big, 1.0)
    return xp.where(big > 0, big * xp.sqrt(1.0 + ratio * ratio), 0.0)


def first_principal_axis(cov: Any) -> Any:
    """The unit eigenvector of the largest eigenvalue of each symmetric ``(B, C, C)`` matrix, as
    ``(B, C)``, with the sign OpenCV's ``cv2.eigen`` (``cv2.PCACompute2``) gives it.

    The sign of an eigenvector is arbitrary and decides whether a PCA gray image comes out inverted,
    so this replays OpenCV's Jacobi solver (``JacobiImpl_`` of ``core/src/lapack.cpp``) step by step
    on every matrix at once: the same pivot search (where it remembers each row's and column's
    largest entry, refreshed for the two rotated rows and columns only), rotations and stopping rule
    (``|pivot| <= eps``; stopped matrices rotate by the identity), for at most OpenCV's ``C * C * 30``
    iterations; then the eigenvalues' first maximum picks the row. Array-API only; on CuPy it runs
    every iteration rather than read the stopping test back (no host sync), elsewhere it stops when
    every matrix has.
    Example: ``[[1, -1], [-1, 1]]`` gives ``(-0.7071, 0.7071)`` (OpenCV's sign; ``-v`` is as valid).
    """
    xp = namespace(cov)
    b, n = cov.shape[0], cov.shape[-1]
    dev = device(cov)
    f64 = xp.float64
    eps = float(np.finfo(np.float64).eps)
    idx = xp.arange(n, device=dev)
    upper = idx[None, :] > idx[:, None]  # (n, n): entries (row i, column j > i)
    eye = xp.eye(n, dtype=f64, device=dev)
    diag = xp.sum(cov * eye, axis=-1)  # W: (B, n)
    vec = xp.zeros((b, n, n), dtype=f64, device=dev) + eye  # rows are the eigenvectors
    a = cov

    def maxima(m: Any) -> tuple[Any, Any]:
        """Where each row's and each column's largest off-diagonal entry (upper triangle) is."""
        vals = xp.where(upper, xp.abs(m), -1.0)
        return xp.argmax(vals, axis=-1), xp.argmax(vals, axis=-2)

    def pick(values: Any, onehot: Any) -> Any:
        return xp.sum(xp.where(onehot, values, xp.zeros_like(values)), axis=-1)

    host = not is_cupy_array(cov)  # elsewhere the loop runs its full count, without a host sync
    ind_r, ind_c = maxima(a)
    for _ in range(n * n * 30 if n > 1 else 0):
        # the pivot (k, l): the largest entry at the remembered row maxima (rows 0..n-2), unless one
        # at the remembered column maxima (columns 1..n-1) is larger; first of equals
        absa = xp.abs(a)
        at_r = xp.sum(xp.where(idx[None, None, :] == ind_r[:, :, None], absa, 0.0), axis=-1)
        at_c = xp.sum(xp.where(idx[None, :, None] == ind_c[:, None, :], absa, 0.0), axis=-2)
        kr = xp.argmax(at_r[:, : n - 1], axis=-1)
        mv_r = xp.max(at_r[:, : n - 1], axis=-1)
        kc = xp.argmax(at_c[:, 1:], axis=-1) + 1
        mv_c = xp.max(at_c[:, 1:], axis=-1)
        use_c = mv_c > mv_r
        row_kr = idx[None, :] == kr[:, None]
        row_kc = idx[None, :] == kc[:, None]
        k = xp.where(use_c, pick(ind_c, row_kc), kr)
        l_ = xp.where(use_c, kc, pick(ind_r, row_kr))
        ok = idx[None, :] == k[:, None]  # (B, n) one-hot of k
        ol = idx[None, :] == l_[:, None]
        at_kl = ok[:, :, None] & ol[:, None, :]
        p = xp.sum(xp.where(at_kl, a, xp.zeros_like(a)), axis=(-2, -1))
        active = xp.abs(p) > eps
        if host and not bool(xp.any(active)):
            break  # every matrix has stopped (OpenCV's break): only where reading it costs nothing
        wk, wl = pick(diag, ok), pick(diag, ol)
        y = (wl - wk) * 0.5
        t = xp.abs(y) + _hypot(xp, p, y)
        s = _hypot(xp, p, t)
        safe_s = xp.where(s > 0, s, 1.0)
        safe_t = xp.where(t > 0, t, 1.0)
        c = xp.where(active, t / safe_s, 1.0)
        sn = xp.where(active, p / safe_s, 0.0)
        t = xp.where(active, (p / safe_t) * p, 0.0)
        neg = y < 0
        sn = xp.where(neg, -sn, sn)
        t = xp.where(neg, -t, t)
        diag = diag - xp.where(ok, t[:, None], 0.0) + xp.where(ol, t[:, None], 0.0)
        # rotate the entries (i, k), (i, l) of the other rows i (kept symmetric)
        col_k = xp.sum(xp.where(ok[:, None, :], a, xp.zeros_like(a)), axis=-1)  # a[:, i, k]
        col_l = xp.sum(xp.where(ol[:, None, :], a, xp.zeros_like(a)), axis=-1)
        c2, s2 = c[:, None], sn[:, None]
        new_k = col_k * c2 - col_l * s2
        new_l = col_k * s2 + col_l * c2
        other = ~(ok | ol)
        a = xp.where(other[:, :, None] & ok[:, None, :], new_k[:, :, None], a)
        a = xp.where(ok[:, :, None] & other[:, None, :], new_k[:, None, :], a)
        a = xp.where(other[:, :, None] & ol[:, None, :], new_l[:, :, None], a)
        a = xp.where(ol[:, :, None] & other[:, None, :], new_l[:, None, :], a)
        kept = xp.where(active, 0.0, p)[:, None, None]
        a = xp.where(at_kl | xp.matrix_transpose(at_kl), kept, a)
        # rotate the eigenvector rows k and l
        v_k = xp.sum(xp.where(ok[:, :, None], vec, xp.zeros_like(vec)), axis=1)
        v_l = xp.sum(xp.where(ol[:, :, None], vec, xp.zeros_like(vec)), axis=1)
        vec = xp.where(ok[:, :, None], (v_k * c2 - v_l * s2)[:, None, :], vec)
        vec = xp.where(ol[:, :, None], (v_k * s2 + v_l * c2)[:, None, :], vec)
        # find the maxima of rows and columns k and l again (the others are kept, as OpenCV does)
        new_ir, new_ic = maxima(a)
        touched = ok | ol
        ind_r, ind_c = xp.where(touched, new_ir, ind_r), xp.where(touched, new_ic, ind_c)
    best = idx[None, :] == xp.argmax(diag, axis=-1)[:, None]  # the first largest eigenvalue
    return xp.sum(xp.where(best[:, :, None], vec, xp.zeros_like(vec)), axis=1)


def _check_gray_args(method: str, num_output_channels: int) -> None:
    if method not in GRAY_METHODS:
        raise ValueError(f"to_gray method must be one of {GRAY_METHODS}, got {method!r}")
    if isinstance(num_output_channels, bool) or not isinstance(num_output_channels, (int, np.integer)):
        raise ValueError(f"num_output_channels must be a positive int, got {num_output_channels!r}")
    if num_output_channels < 1:
        raise ValueError(f"num_output_channels must be a positive int, got {num_output_channels!r}")


@kernel
def to_gray(img: Any, method: str, num_output_channels: int) -> Any:
    """Gray image with the gray plane replicated into ``num_output_channels`` channels.

    Methods: ``weighted_average`` (0.299 R + 0.587 G + 0.114 B), ``luminance``
    (0.2126 R + 0.7152 G + 0.0722 B) and ``from_lab`` (CIE L / 100 of sRGB) need RGB; ``average``,
    ``max``, ``desaturation`` (``(max + min) / 2``) and ``pca`` (each image's first principal
    component, min-max scaled to the dtype's range) take any channel count. Example: uint8 pure red
    ``(255, 0, 0)`` with ``weighted_average`` gives ``76`` (``76.245``); with ``from_lab`` ``136``
    (L = 53.24).
    """
    xp = namespace(img)
    _check_gray_args(method, num_output_channels)
    g = _gray(xp, img, method)
    if num_output_channels == 1:
        return xp.asarray(g, copy=True) if g is img else g
    return xp.concat([g] * int(num_output_channels), axis=-1)


@kernel
def sepia(img: Any) -> Any:
    """Sepia tone of an RGB image: ``out[..., i] = sum_j SEPIA[i][j] * img[..., j]``.

    Integers are rounded (half to even) and saturated, float32 is clipped to [0, 1]. Example: uint8
    ``(100, 150, 200)`` gives ``(192, 171, 134)`` (192.45, 171.4, 133.5).
    """
    xp = namespace(img)
    if img.shape[-1] != 3:
        raise ValueError(f"sepia needs a 3-channel RGB image, got {img.shape[-1]} channels")
    x = xp.astype(img, xp.float32)
    planes = [x[..., j : j + 1] for j in range(3)]
    rows = [planes[0] * w[0] + planes[1] * w[1] + planes[2] * w[2] for w in SEPIA]
    out = xp.concat(rows, axis=-1)
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, out, 0.0, 1.0), img.dtype)
    return round_cast(xp, out, img.dtype)


@kernel
def channel_shuffle(img: Any, order: Param) -> Any:
    """Reorder channels: ``out[..., c] = img[..., order[c]]``; ``order`` is ``(C,)`` or per sample ``(N, C)``.

    Example: ``order=[2, 1, 0]`` turns RGB into BGR.
    """
    xp = namespace(img)
    o = np.asarray(order, dtype=np.int64)
    if o.ndim == 1:
        return xp.take(img, xp.asarray(o, device=device(img)), axis=-1)
    if img.ndim != 4 or o.shape != (img.shape[0], img.shape[-1]):
        raise ValueError(f"a per-sample channel order must be (N, C) for an NHWC batch, got {o.shape}")
    n, h, w, c = img.shape
    flat = (o + np.arange(n, dtype=np.int64)[:, None] * c).reshape(-1)
    planes = xp.reshape(xp.permute_dims(img, (0, 3, 1, 2)), (n * c, h, w))
    out = xp.take(planes, xp.asarray(flat, device=device(img)), axis=0)
    return xp.permute_dims(xp.reshape(out, (n, c, h, w)), (0, 2, 3, 1))


# ------------------------------------------------------------------------------------------ HSV shifts
def hsv_shifts(hue_shift: Param, sat_shift: Param, val_shift: Param) -> tuple[np.ndarray, ...]:
    """The three shifts as float64 host arrays of one common shape (``()`` or ``(N,)``) and whether
    each sample is the identity (all three shifts exactly 0)."""
    hue, sat, val = np.broadcast_arrays(
        *(np.asarray(v, np.float64) for v in (hue_shift, sat_shift, val_shift))
    )
    return hue, sat, val, (hue == 0) & (sat == 0) & (val == 0)


def _per_sample(xp: Any, value: np.ndarray, img: Any, dtype: Any = None) -> Any:
    """A host scalar or ``(N,)`` array as something that broadcasts over ``img`` (``(N, 1, 1, 1)``)."""
    if value.ndim == 0:
        return value.item()
    return param(xp, value, img, dtype=dtype)


@kernel
def shift_hsv(img: Any, hue_shift: Param, sat_shift: Param, val_shift: Param, /) -> Any:
    """Shift hue, saturation and value of an RGB image (a 1-channel image: the value only).

    The shifts are in OpenCV's 8-bit HSV units: ``hue_shift`` in steps of 2 degrees (180 is a full
    turn), ``sat_shift`` and ``val_shift`` in 8-bit levels (255 is the full range); scalars or ``(N,)``.
    uint8 follows OpenCV's 8-bit conversions (albumentations' maths): RGB -> HSV in fixed point,
    ``H = floor((H + hue_shift) mod 180)``, ``S`` and ``V`` plus the shift truncated towards 0 and
    saturated (``S = 0`` stays 0: gray stays gray), HSV -> RGB in float32, rounded. float32 and
    uint16 (as ``x / 65535``) use OpenCV's float HSV (H in degrees): ``H = (H + 2 hue_shift) mod 360``,
    ``S`` and ``V`` plus ``shift / 255`` clipped to [0, 1] (``S = 0`` stays 0). A sample whose three
    shifts are 0 is returned unchanged. Float input is clipped to [0, 1]; a pixel with a NaN channel
    gives NaN. Example: uint8 ``(255, 0, 0)`` (H 0) with ``hue_shift=60`` gives ``(0, 255, 0)``.
    """
    xp = namespace(img)
    channels = img.shape[-1]
    if channels not in (1, 3):
        raise ValueError(f"shift_hsv needs a 1-channel or 3-channel RGB image, got {channels} channels")
    hue, sat, val, ident = hsv_shifts(hue_shift, sat_shift, val_shift)
    if bool(np.all(ident)):
        return xp.asarray(img, copy=True)
    name = dtype_name(xp, img.dtype)
    if name == "uint8":
        out = _shift_hsv_u8(xp, img, hue, np.trunc(sat), np.trunc(val))
    elif is_float(xp, img.dtype) or name == "uint16":
        out = _shift_hsv_float(xp, img, hue, sat, val)
    else:
        raise ValueError(f"shift_hsv takes uint8, uint16 or float32 images, got {name}")
    if bool(np.any(ident)):
        out = xp.where(_per_sample(xp, ident.astype(np.float32), img) > 0, img, out)
    return out


def _shift_hsv_u8(xp: Any, img: Any, hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> Any:
    sv = _per_sample(xp, sat.astype(np.int32), img, xp.int32)
    vv = _per_sample(xp, val.astype(np.int32), img, xp.int32)
    if img.shape[-1] == 1:
        return xp.astype(clip(xp, xp.astype(img, xp.int32) + vv, 0, 255), xp.uint8)
    dev = device(img)
    h, s, v = _rgb_to_hsv_u8(xp, img)
    table = xp.asarray(hue_table_u8(hue).astype(np.int32).reshape(-1), device=dev)
    if hue.ndim == 1:  # per sample: table row n for sample n
        h = h + xp.reshape(xp.arange(hue.shape[0], dtype=xp.int32, device=dev) * 256, (-1, 1, 1, 1))
    h = _gather(xp, table, h)
    s = xp.where(s == 0, s, clip(xp, s + sv, 0, 255))
    v = clip(xp, v + vv, 0, 255)
    inv = 1.0 / 255.0
    rgb = _hsv_to_rgb(
        xp,
        xp.astype(h, xp.float32),
        xp.astype(s, xp.float32) * inv,
        xp.astype(v, xp.float32) * inv,
        6.0 / 180.0,
    )
    return round_cast(xp, rgb * 255.0, xp.uint8)


def _shift_hsv_float(xp: Any, img: Any, hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> Any:
    integer = not is_float(xp, img.dtype)
    x = xp.astype(img, xp.float32)
    x = x / 65535.0 if integer else clip(xp, x, 0.0, 1.0)
    sv = _per_sample(xp, sat / 255.0, img)
    vv = _per_sample(xp, val / 255.0, img)
    if img.shape[-1] == 1:
        out = clip(xp, x + vv, 0.0, 1.0)
    else:
        h, s, v = _rgb_to_hsv_f32(xp, x)
        h = xp.remainder(h + _per_sample(xp, 2.0 * hue, img), 360.0)
        s = xp.where(s == 0, s, clip(xp, s + sv, 0.0, 1.0))
        v = clip(xp, v + vv, 0.0, 1.0)
        out = _hsv_to_rgb(xp, h, s, v, 6.0 / 360.0)
        if not integer:
            nan = xp.any(xp.isnan(x), axis=-1, keepdims=True)
            out = xp.where(nan, xp.asarray(float("nan"), dtype=xp.float32, device=device(img)), out)
    if integer:
        return round_cast(xp, out * 65535.0, img.dtype)
    return xp.astype(out, img.dtype)


# ------------------------------------------------------------------------------------ channel shifts
@kernel
def shift_channels(img: Any, shift: Param, /) -> Any:
    """``img + shift`` per channel, in the image's value scale (255 for uint8, 65535 for uint16, 1 for
    float32); integers rounded half to even and saturated, floats clipped to [0, 1].

    ``shift``: a scalar, ``(C,)`` per channel, or ``(N, C)`` per sample and channel (a length-N
    vector on a batch of N is per sample). Example: uint8 ``(100, 100, 100)`` shifted by
    ``(20.5, -150, 0.5)`` gives ``(120, 0, 100)`` (120.5 and 100.5 round to even).
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32) + param(xp, shift, img)
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), img.dtype)
    return round_cast(xp, x, img.dtype)


# -------------------------------------------------------------------------------------- colour jitter
JITTER_IDENTITY = (1.0, 1.0, 1.0, 0.0)
"""The factors of brightness, contrast, saturation and hue that change nothing."""


GRAY_FIXED_15 = (9798, 19235, 3735)
"""OpenCV's 8-bit RGB -> gray weights (0.299, 0.587, 0.114 in 15-bit fixed point, summing to 2**15)."""


def _weighted_gray(xp: Any, img: Any) -> Any:
    """The ``(..., 1)`` 0.299 R + 0.587 G + 0.114 B gray of RGB ``img`` in its dtype, a 1-channel
    image itself. uint8: OpenCV's 15-bit fixed point (``cv2.COLOR_RGB2GRAY`` bit for bit); others
    in float32, integers rounded."""
    if img.shape[-1] == 1:
        return img
    if dtype_name(xp, img.dtype) != "uint8":
        return _gray(xp, img, "weighted_average")
    x = xp.astype(img, xp.int32)
    w = GRAY_FIXED_15
    g = (x[..., 0:1] * w[0] + x[..., 1:2] * w[1] + x[..., 2:3] * w[2] + (1 << 14)) >> 15
    return xp.astype(g, xp.uint8)


def gray_means(img: Any) -> Any:
    """Each image's mean gray level (float32, ``(N, 1, 1, 1)`` for a batch, ``(1, 1, 1)`` for one
    image), over the finite values: the contrast pivot of :func:`color_jitter`."""
    xp = namespace(img)
    g = xp.astype(_weighted_gray(xp, img), xp.float32)
    if is_float(xp, img.dtype):
        return finite_mean(xp, g, (-3, -2, -1))
    return xp.mean(g, axis=(-3, -2, -1), keepdims=True)


def _jitter_op(xp: Any, x: Any, op: int, factor: Any) -> Any:
    """One ColorJitter step on ``x`` (its dtype kept, floats in [0, 1]): 0 brightness ``x f``,
    1 contrast ``x f + m (1 - f)`` (m: the image's mean gray level), 2 saturation
    ``x f + gray (1 - f)`` (``x`` where ``f = 1``), 3 hue (a hue shift of ``180 f`` in OpenCV's 8-bit
    units, 2 degrees each). ``factor``: a float or ``(N,)``; ``1 - f`` is taken on the host (float64)."""
    factor = np.asarray(factor, np.float64)
    if op == 3:
        return x if x.shape[-1] == 1 else shift_hsv.generic(x, factor * 180.0, 0.0, 0.0)  # type: ignore[attr-defined]
    if op == 2 and x.shape[-1] == 1:
        return x
    f = _per_sample(xp, factor, x)
    rest = _per_sample(xp, 1.0 - factor, x)
    y = xp.astype(x, xp.float32)
    if op == 0:
        out = y * f
    elif op == 1:
        out = y * f + gray_means(x) * rest
    else:
        out = y * f + xp.astype(_weighted_gray(xp, x), xp.float32) * rest
        keep = factor == 1.0
        if np.any(keep):  # f = 1: the pixel itself (no NaN from a NaN neighbour's gray)
            out = y if keep.ndim == 0 else xp.where(_per_sample(xp, keep.astype(np.float32), x) > 0, y, out)
    if is_float(xp, x.dtype):
        return xp.astype(clip(xp, out, 0.0, 1.0), x.dtype)
    return round_cast(xp, out, x.dtype)


@kernel
def color_jitter(img: Any, factors: Param, order: Param, /) -> Any:
    """torchvision's ColorJitter as albumentations 2.0.8 does it: brightness, contrast, saturation
    and hue applied in ``order``, each result saturated into the image's dtype before the next.

    ``factors``: ``(4,)`` (brightness, contrast, saturation, hue) or ``(N, 4)`` per sample;
    ``order``: a permutation of ``0..3``, ``(4,)`` or ``(N, 4)``. Brightness multiplies by ``f``;
    contrast blends with the image's mean gray level (``x f + m (1 - f)``, m over the whole image, of
    its 0.299/0.587/0.114 gray: OpenCV's fixed point on uint8); saturation blends with the pixel's
    gray; hue shifts the hue by ``f`` turns (OpenCV's HSV maths of :func:`shift_hsv`). 1-channel
    images take brightness and contrast only. Float input is clipped to [0, 1] first. A step whose
    factor is the identity ``(1, 1, 1, 0)`` for every sample is skipped. Example: uint8
    ``(200, 100, 0)`` with brightness 1.5 and the others identity gives ``(255, 150, 0)``.
    """
    xp = namespace(img)
    if img.shape[-1] not in (1, 3):
        raise ValueError(
            f"color_jitter needs a 1-channel or 3-channel RGB image, got {img.shape[-1]} channels"
        )
    f, o = jitter_plan(img, factors, order)
    out = clip(xp, img, 0.0, 1.0) if is_float(xp, img.dtype) else img
    for ops in o.T:  # one step: each sample's op
        for op in range(4):
            factor = np.where(ops == op, f[:, op], JITTER_IDENTITY[op])
            if np.all(factor == JITTER_IDENTITY[op]):
                continue
            out = _jitter_op(xp, out, op, factor if img.ndim == 4 and f.shape[0] > 1 else float(factor[0]))
    return xp.asarray(out, copy=True) if out is img else out


def jitter_plan(img: Any, factors: Param, order: Param) -> tuple[np.ndarray, np.ndarray]:
    """``factors`` and ``order`` as float64 ``(S, 4)`` and int64 ``(S, 4)`` host arrays (S = N when
    either is per sample, else 1), checked."""
    f = np.asarray(factors, np.float64)
    o = np.asarray(order, np.int64)
    if f.shape[-1:] != (4,) or o.shape[-1:] != (4,) or f.ndim > 2 or o.ndim > 2:
        raise ValueError(
            f"color_jitter: factors and order must be (4,) or (N, 4), got {f.shape} and {o.shape}"
        )
    if not np.all(np.sort(o, axis=-1) == np.arange(4)):
        raise ValueError(f"color_jitter: order must be permutations of 0..3, got {o.tolist()}")
    s = 1
    if f.ndim == 2 or o.ndim == 2:
        if img.ndim != 4:
            raise ValueError("color_jitter: per-sample factors or orders need an NHWC batch")
        s = img.shape[0]
    return np.broadcast_to(f, (s, 4)), np.broadcast_to(o, (s, 4))


# ---------------------------------------------------------------------------------- channel dropout
def fill_value(fill: float, dtype_name_: str) -> float:
    """``fill`` in an image dtype: integers rounded half to even and saturated, floats as given."""
    top = {"uint8": 255.0, "uint16": 65535.0}.get(dtype_name_)
    if top is None:
        return float(fill)
    return float(min(max(np.rint(fill), 0.0), top))


@kernel
def drop_channels(img: Any, dropped: Param, fill: float, /) -> Any:
    """Set the ``dropped`` channels to ``fill``; the others are kept as they are (no saturation).

    ``dropped``: booleans ``(C,)`` or per sample ``(N, C)``; ``fill``: a number, rounded and saturated
    for integer images (:func:`fill_value`). Example: uint8 ``(10, 20, 30)`` with
    ``dropped=(False, True, False)`` and ``fill=300`` gives ``(10, 255, 30)``.
    """
    xp = namespace(img)
    mask = np.asarray(dropped, bool)
    if mask.shape[-1] != img.shape[-1] or mask.ndim > 2 or (mask.ndim == 2 and img.ndim != 4):
        raise ValueError(f"drop_channels: dropped must be (C,) or (N, C) for {img.shape}, got {mask.shape}")
    value = xp.asarray(fill_value(fill, dtype_name(xp, img.dtype)), dtype=img.dtype, device=device(img))
    m = xp.asarray(mask, device=device(img))
    if mask.ndim == 2:
        m = xp.reshape(m, (mask.shape[0], 1, 1, mask.shape[1]))
    return xp.where(m, value, img)


# ------------------------------------------------------------------------------------- gray to RGB
@kernel
def gray_to_rgb(img: Any, num_output_channels: int, /) -> Any:
    """A 1-channel image replicated into ``num_output_channels`` channels (a copy for 1).

    Example: ``[[[7]]]`` with 3 channels gives ``[[[7, 7, 7]]]``.
    """
    xp = namespace(img)
    if img.shape[-1] != 1:
        raise ValueError(f"gray_to_rgb needs a 1-channel image, got {img.shape[-1]} channels")
    n = int(num_output_channels)
    if n < 1:
        raise ValueError(f"gray_to_rgb: num_output_channels must be >= 1, got {num_output_channels!r}")
    return xp.concat([img] * n, axis=-1) if n > 1 else xp.asarray(img, copy=True)


# ------------------------------------------------------------------------------------------ fancy PCA
def _signed_axes(xp: Any, vecs: Any) -> Any:
    """Eigenvectors (columns of ``(B, C, C)``) with a fixed sign: each column's first largest-magnitude
    entry positive (an eigenvector's sign is arbitrary and solvers differ on it)."""
    c = vecs.shape[-1]
    big = xp.argmax(xp.abs(vecs), axis=-2)  # (B, C): the row of each column's largest entry
    rows = xp.arange(c, device=device(vecs))
    onehot = rows[None, :, None] == big[:, None, :]
    lead = xp.sum(xp.where(onehot, vecs, xp.zeros_like(vecs)), axis=-2)  # (B, C)
    return vecs * xp.where(lead < 0, -xp.ones_like(lead), xp.ones_like(lead))[:, None, :]


def pca_noise_matrix(xp: Any, cov: Any, alpha: Any) -> Any:
    """``V diag(alpha * lambda)`` of each symmetric ``(B, C, C)`` ``cov`` (float64): eigenvalues in
    descending order, eigenvectors with :func:`_signed_axes`' signs; ``alpha`` ``(B, C)``."""
    vals, vecs = xp.linalg.eigh(cov)
    vals, vecs = xp.flip(vals, axis=-1), xp.flip(vecs, axis=-1)  # descending
    return _signed_axes(xp, vecs) * (alpha * vals)[:, None, :]


@kernel
def fancy_pca(img: Any, alpha: Param, /) -> Any:
    """AlexNet-style PCA colour noise as albumentations 2.0.8 computes it, on the image in [0, 1].

    Each pixel's centred colour ``c = x - mean`` gets ``V diag(alpha * lambda) c`` added, with
    ``lambda`` the eigenvalues (descending) and ``V`` the eigenvectors of the image's channel
    covariance (``N - 1`` divisor; each eigenvector's largest entry made positive); one channel:
    ``alpha * std * c``. The result is clipped to [0, 1] (integers: rounded back to their scale).
    ``alpha``: ``(C,)`` or per sample ``(N, C)``. Statistics are over the pixels whose channels are all
    finite; the others get no noise (they saturate). Example: uint8 ``[[0], [255]]`` (mean 0.5, std
    0.5) with ``alpha = 0.5`` gives ``[[0], [255]]`` (0.25 pushed to 0, 1.25 to 1).
    """
    xp = namespace(img)
    a = np.asarray(alpha, np.float64)
    c = img.shape[-1]
    if a.shape[-1] != c or a.ndim > 2 or (a.ndim == 2 and (img.ndim != 4 or a.shape[0] != img.shape[0])):
        raise ValueError(
            f"fancy_pca: alpha must be (C,) or (N, C) for an image of shape {img.shape}, got {a.shape}"
        )
    integer = not is_float(xp, img.dtype)
    x = xp.astype(img, xp.float64)
    if integer:
        x = x / max_value(xp, img.dtype)
    h, w = img.shape[-3], img.shape[-2]
    pix = xp.reshape(x, (-1, h * w, c))  # (B, P, C)
    b = pix.shape[0]
    ok = xp.all(xp.isfinite(pix), axis=-1, keepdims=True)
    count = xp.sum(xp.astype(ok, xp.float64), axis=1, keepdims=True)  # (B, 1, 1)
    zero = xp.zeros_like(pix)
    mean = xp.sum(xp.where(ok, pix, zero), axis=1, keepdims=True) / xp.maximum(count, 1.0)
    cen = xp.where(ok, pix - mean, zero)
    av = xp.asarray(np.broadcast_to(a.reshape(-1, c), (b, c)).copy(), device=device(img))
    if c == 1:
        std = xp.sqrt(xp.sum(cen * cen, axis=1, keepdims=True) / xp.maximum(count, 1.0))
        noise = av[:, None, :] * std * cen
    else:
        cov = xp.matmul(xp.matrix_transpose(cen), cen) / xp.maximum(count - 1.0, 1.0)
        noise = xp.matmul(cen, xp.matrix_transpose(pca_noise_matrix(xp, cov, av)))
    out = xp.reshape(clip(xp, pix + noise, 0.0, 1.0), img.shape)
    if integer:
        return round_cast(xp, out * max_value(xp, img.dtype), img.dtype)
    return xp.astype(out, img.dtype)


# ------------------------------------------------------------------------------------- channel gains
@kernel
def scale_channels(img: Any, gains: Param, /) -> Any:
    """``img * gains`` per channel; integers rounded half to even and saturated, floats clipped to [0, 1].

    ``gains``: a scalar, ``(C,)`` or ``(N, C)`` per sample (a length-N vector on a batch of N is per
    sample). Example: uint8 ``(100, 100, 100)`` with gains ``(1.085, 1, 0.5)`` gives ``(108, 100, 50)``
    (108.5 rounds to even).
    """
    xp = namespace(img)
    x = xp.astype(img, xp.float32) * param(xp, gains, img)
    if is_float(xp, img.dtype):
        return xp.astype(clip(xp, x, 0.0, 1.0), img.dtype)
    return round_cast(xp, x, img.dtype)


PLANCKIAN_COEFFS: dict[str, dict[int, tuple[float, float, float]]] = {
    "blackbody": {
        3000: (0.6743, 0.4029, 0.0013), 3500: (0.6281, 0.4241, 0.1665), 4000: (0.5919, 0.4372, 0.2513),
        4500: (0.5623, 0.4457, 0.3154), 5000: (0.5376, 0.4515, 0.3672), 5500: (0.5163, 0.4555, 0.4103),
        6000: (0.4979, 0.4584, 0.4468), 6500: (0.4816, 0.4604, 0.4782), 7000: (0.4672, 0.4619, 0.5053),
        7500: (0.4542, 0.4630, 0.5289), 8000: (0.4426, 0.4638, 0.5497), 8500: (0.4320, 0.4644, 0.5681),
        9000: (0.4223, 0.4648, 0.5844), 9500: (0.4135, 0.4651, 0.5990), 10000: (0.4054, 0.4653, 0.6121),
        10500: (0.3980, 0.4654, 0.6239), 11000: (0.3911, 0.4655, 0.6346), 11500: (0.3847, 0.4656, 0.6444),
        12000: (0.3787, 0.4656, 0.6532), 12500: (0.3732, 0.4656, 0.6613), 13000: (0.3680, 0.4655, 0.6688),
        13500: (0.3632, 0.4655, 0.6756), 14000: (0.3586, 0.4655, 0.6820), 14500: (0.3544, 0.4654, 0.6878),
        15000: (0.3503, 0.4653, 0.6933),
    },
    "cied": {
        4000: (0.5829, 0.4421, 0.2288), 4500: (0.5510, 0.4514, 0.2948), 5000: (0.5246, 0.4576, 0.3488),
        5500: (0.5021, 0.4618, 0.3941), 6000: (0.4826, 0.4646, 0.4325), 6500: (0.4654, 0.4667, 0.4654),
        7000: (0.4502, 0.4681, 0.4938), 7500: (0.4364, 0.4692, 0.5186), 8000: (0.4240, 0.4700, 0.5403),
        8500: (0.4127, 0.4705, 0.5594), 9000: (0.4023, 0.4709, 0.5763), 9500: (0.3928, 0.4713, 0.5914),
        10000: (0.3839, 0.4715, 0.6049), 10500: (0.3757, 0.4716, 0.6171), 11000: (0.3681, 0.4717, 0.6281),
        11500: (0.3609, 0.4718, 0.6380), 12000: (0.3543, 0.4719, 0.6472), 12500: (0.3480, 0.4719, 0.6555),
        13000: (0.3421, 0.4719, 0.6631), 13500: (0.3365, 0.4719, 0.6702), 14000: (0.3313, 0.4719, 0.6766),
        14500: (0.3263, 0.4719, 0.6826), 15000: (0.3217, 0.4719, 0.6882),
    },
}  # fmt: skip
"""The RGB chromaticity of a black body / CIE D illuminant every 500 K (Zini et al., "Planckian
jitter", the published table), as albumentations 2.0.8 uses it."""


def planckian_gains(temperature: Any, mode: str) -> np.ndarray:
    """The ``(..., 3)`` RGB gains of a colour temperature: the table interpolated linearly every 500 K
    (the temperature clamped to its range), red and blue divided by green (green's gain is 1).

    Example: 6000 K black body: ``(0.4979 / 0.4584, 1, 0.4468 / 0.4584) = (1.0862, 1, 0.9747)``.
    """
    table = PLANCKIAN_COEFFS[mode]
    temps = np.array(sorted(table), np.float64)
    coeffs = np.array([table[int(t)] for t in temps])
    t = np.clip(np.asarray(temperature, np.float64), temps[0], temps[-1])
    rgb = np.stack([np.interp(t, temps, coeffs[:, k]) for k in range(3)], axis=-1)
    return np.stack([rgb[..., 0] / rgb[..., 1], np.ones_like(t), rgb[..., 2] / rgb[..., 1]], axis=-1)


# ------------------------------------------------------------------------------- chromatic aberration
RADIAL_INTERPOLATIONS = (0, 1, 2)
"""nearest, linear and cubic (a = -0.75): OpenCV's remap codes."""


def radial_maps(xp: Any, h: int, w: int, k1: Any, k2: Any, dev: Any) -> tuple[Any, Any]:
    """``(B, H, W)`` float32 source coordinates of OpenCV's radial distortion (``initUndistortRectifyMap``
    with the camera matrix ``[[w, 0, w/2], [0, h, h/2]]`` and coefficients ``k1, k2``): for the
    output pixel ``(u, v)``, ``x = (u - w/2) / w``, ``y = (v - h/2) / h``, ``r2 = x^2 + y^2``, source
    ``(w/2 + x w f, h/2 + y h f)`` with ``f = 1 + k1 r2 + k2 r2^2`` (float64, then float32).
    ``k1``, ``k2``: ``(B,)`` device float64 arrays."""
    u = xp.astype(xp.arange(w, device=dev), xp.float64)
    v = xp.astype(xp.arange(h, device=dev), xp.float64)
    x = (u - w / 2.0) / w
    y = (v - h / 2.0) / h
    r2 = y[:, None] * y[:, None] + x[None, :] * x[None, :]  # (H, W)
    f = 1.0 + k1[:, None, None] * r2[None, ...] + k2[:, None, None] * (r2 * r2)[None, ...]
    mx = xp.astype(w / 2.0 + (x * w)[None, None, :] * f, xp.float32)
    my = xp.astype(h / 2.0 + (y * h)[None, :, None] * f, xp.float32)
    return mx, my


def _sample_replicate(xp: Any, plane: Any, mx: Any, my: Any, interpolation: int) -> Any:
    """``plane`` ``(B, H, W)`` float32 sampled at ``(mx, my)`` with replicated borders (OpenCV's remap
    rules: nearest rounds half to even; linear and cubic weights in float32)."""
    b, h, w = plane.shape
    flat = xp.reshape(plane, (-1,))
    base = xp.reshape(xp.arange(b, device=device(plane)) * (h * w), (b, 1, 1))

    def tap(yi: Any, xi: Any) -> Any:
        idx = base + clip(xp, yi, 0, h - 1) * w + clip(xp, xi, 0, w - 1)
        return xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), idx.shape)

    if interpolation == 0:
        return tap(xp.astype(xp.round(my), xp.int64), xp.astype(xp.round(mx), xp.int64))
    fx, fy = xp.floor(mx), xp.floor(my)
    x0, y0 = xp.astype(fx, xp.int64), xp.astype(fy, xp.int64)
    ax, ay = mx - fx, my - fy
    if interpolation == 1:
        wx, wy, first = [1.0 - ax, ax], [1.0 - ay, ay], 0
    else:
        wx, wy, first = cubic_weights(ax), cubic_weights(ay), -1
    out = None
    for j, wyj in enumerate(wy):
        row = None
        for i, wxi in enumerate(wx):
            term = tap(y0 + (first + j), x0 + (first + i)) * wxi
            row = term if row is None else row + term
        out = row * wyj if out is None else out + row * wyj
    return out


@kernel
def radial_distort(img: Any, coeffs: Param, interpolation: int, /) -> Any:
    """Each channel resampled through its own radial lens distortion (OpenCV's model, replicated
    borders): ``coeffs`` ``(C, 2)`` or per sample ``(N, C, 2)`` holds ``(k1, k2)`` per channel (see
    :func:`radial_maps`); a channel whose coefficients are ``(0, 0)`` is copied. ``interpolation``:
    0 nearest, 1 linear, 2 cubic. Integers rounded half to even and saturated; floats kept as
    interpolated (as every resampling in xalbu: cubic may overshoot [0, 1] a little).
    Example: ``k1 = k2 = 0`` on every channel returns the image unchanged.
    """
    xp = namespace(img)
    if interpolation not in RADIAL_INTERPOLATIONS:
        raise ValueError(
            f"radial_distort: interpolation must be one of {RADIAL_INTERPOLATIONS}, got {interpolation!r}"
        )
    k = np.asarray(coeffs, np.float64)
    c = img.shape[-1]
    if (
        k.shape[-2:] != (c, 2)
        or k.ndim not in (2, 3)
        or (k.ndim == 3 and (img.ndim != 4 or k.shape[0] != img.shape[0]))
    ):
        raise ValueError(f"radial_distort: coeffs must be (C, 2) or (N, C, 2) for {img.shape}, got {k.shape}")
    x4 = img if img.ndim == 4 else img[None, ...]
    b, h, w = x4.shape[0], x4.shape[1], x4.shape[2]
    k = np.broadcast_to(k.reshape(-1, c, 2), (b, c, 2))
    dev = device(img)
    channels = []
    for ch in range(c):
        kc = k[:, ch, :]
        plane = x4[..., ch]
        if not np.any(kc):
            channels.append(plane)
            continue
        mx, my = radial_maps(
            xp, h, w, xp.asarray(kc[:, 0].copy(), device=dev), xp.asarray(kc[:, 1].copy(), device=dev), dev
        )
        out = round_cast(
            xp, _sample_replicate(xp, xp.astype(plane, xp.float32), mx, my, int(interpolation)), img.dtype
        )
        zero = ~np.any(kc, axis=1)
        if np.any(zero):  # samples without distortion on this channel: copied exactly
            out = xp.where(xp.reshape(xp.asarray(zero, device=dev), (b, 1, 1)), plane, out)
        channels.append(out)
    out = xp.stack(channels, axis=-1)
    return out if img.ndim == 4 else out[0, ...]


__all__: Sequence[str] = (
    "channel_shuffle",
    "color_jitter",
    "drop_channels",
    "fancy_pca",
    "fill_value",
    "first_principal_axis",
    "gray_means",
    "gray_to_rgb",
    "jitter_plan",
    "pca_noise_matrix",
    "planckian_gains",
    "radial_distort",
    "radial_maps",
    "scale_channels",
    "sepia",
    "shift_channels",
    "shift_hsv",
    "to_gray",
)
