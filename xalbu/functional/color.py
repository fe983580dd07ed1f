"""Generic colour kernels over array-API arrays: gray conversion, sepia and channel shuffles.

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
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, max_value, namespace, round_cast

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


__all__: Sequence[str] = ("channel_shuffle", "first_principal_axis", "sepia", "to_gray")
