"""H&E stain kernels (the colour family's HEStain): colour deconvolution onto two stain vectors in
optical density, per-stain scale and shift, and reconstruction; and the host-side estimators of a
stain matrix from an image (Macenko's and Vahadane's methods).

The same contract as :mod:`xalbu.functional.color` (HWC or NHWC, dtype kept, integers rounded half to
even and saturated, float32 clipped to [0, 1], no host sync in the kernel). The estimators are NumPy
functions on the host: they need the image's statistics (sorting, an iterative factorisation).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, is_float, max_value, namespace, round_cast

# reference stain matrices: rows hematoxylin, eosin (optical density per unit concentration, RGB)
STAIN_MATRICES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "ruifrok": ((0.644211, 0.716556, 0.266844), (0.092789, 0.954111, 0.283111)),
    "macenko": ((0.5626, 0.7201, 0.4062), (0.2159, 0.8012, 0.5581)),
    "standard": ((0.65, 0.70, 0.29), (0.07, 0.99, 0.11)),
    "high_contrast": ((0.55, 0.88, 0.11), (0.12, 0.86, 0.49)),
    "h_heavy": ((0.75, 0.61, 0.32), (0.04, 0.93, 0.36)),
    "e_heavy": ((0.60, 0.75, 0.28), (0.17, 0.95, 0.25)),
    "dark": ((0.78, 0.55, 0.28), (0.09, 0.97, 0.21)),
    "light": ((0.57, 0.71, 0.38), (0.15, 0.89, 0.42)),
}
PRESETS = tuple(STAIN_MATRICES)
OD_EPS = 1e-6  # the smallest intensity read (optical density at most -log(1e-6))
TISSUE_LUMA = (0.299, 0.587, 0.114)  # tissue: luminosity (in [0, 1]) below TISSUE_THRESHOLD
TISSUE_THRESHOLD = 0.85


def preset_matrices(index: Any) -> np.ndarray:
    """The float32 ``(..., 2, 3)`` matrices of the presets ``index`` (positions in :data:`PRESETS`)."""
    table = np.asarray([STAIN_MATRICES[k] for k in PRESETS], np.float32)
    return table[np.asarray(index, np.int64)]


def stain_maps(stain: Any, scale: Any, shift: Any, augment_background: bool) -> np.ndarray:
    """Per sample, the two affine maps of optical density ``od_out = A od + b`` the transform applies:
    ``(S, 2, 3, 4)`` float32, ``[:, 0]`` for tissue pixels, ``[:, 1]`` for background ones.

    Concentrations are the regularised least squares ``c = (M M^T + 1e-6 I)^-1 M od`` (``M`` the
    ``2 x 3`` stain matrix); tissue gets ``c * scale + shift``, the background ``c`` unchanged (or the
    tissue's map with ``augment_background``); the result is ``M^T c``. Computed in float64.
    """
    m = np.asarray(stain, np.float32).astype(np.float64).reshape(-1, 2, 3)
    s = np.broadcast_to(np.asarray(scale, np.float64).reshape(-1, 2), (m.shape[0], 2))
    t = np.broadcast_to(np.asarray(shift, np.float64).reshape(-1, 2), (m.shape[0], 2))
    mt = np.swapaxes(m, 1, 2)  # (S, 3, 2)
    gram = m @ mt + OD_EPS * np.eye(2)
    proj = np.linalg.solve(gram, m)  # (S, 2, 3): concentrations from optical density
    tissue = np.concatenate([mt @ (s[:, :, None] * proj), (mt @ t[:, :, None])], axis=2)
    back = tissue if augment_background else np.concatenate([mt @ proj, np.zeros((m.shape[0], 3, 1))], axis=2)
    return np.stack([tissue, back], axis=1).astype(np.float32)


@kernel
def he_stain(
    img: Any, stain: Param, scale: Param, shift: Param, on: Param, augment_background: bool, /
) -> Any:
    """H&E stain augmentation of an RGB image (colour deconvolution, as albumentations 2.0.8).

    On ``x`` in [0, 1]: ``od = -log(max(x, 1e-6))`` per channel; the two stain concentrations are
    ``c = (M M^T + 1e-6 I)^-1 M od`` (``stain``: the ``2 x 3`` matrix ``M``, rows hematoxylin and
    eosin); tissue pixels (luminosity ``0.299 R + 0.587 G + 0.114 B < 0.85``, or every pixel with
    ``augment_background``) get ``c * scale + shift``; the output is ``exp(-M^T c)`` clipped to
    [0, 1] (integers: rounded half to even). Not the identity even with ``scale = 1, shift = 0``
    (the colour is projected on the stains' plane). ``stain``: ``(2, 3)`` or per sample
    ``(N, 2, 3)``; ``scale``, ``shift``: ``(2,)`` or ``(N, 2)``; ``on``: per-sample flags (a sample
    with ``on`` false is returned unchanged). Example: uint8 white ``(255, 255, 255)`` (``od = 0``,
    background) stays white; black ``(0, 0, 0)`` with the "standard" matrix and scale 1, shift 0
    gives ``(0, 0, 0)``.
    """
    xp = namespace(img)
    if img.shape[-1] != 3:
        raise ValueError(f"he_stain: needs an RGB image (3 channels), got {img.shape[-1]}")
    maps = stain_maps(stain, scale, shift, augment_background)  # (S, 2, 3, 4) host
    x4 = img if img.ndim == 4 else img[None, ...]
    n = x4.shape[0]
    dev = device(img)
    x = xp.astype(x4, xp.float32)
    if not is_float(xp, img.dtype):
        x = x / max_value(xp, img.dtype)
    od = -xp.log(xp.maximum(x, xp.asarray(OD_EPS, dtype=xp.float32, device=dev)))
    lum = x[..., 0:1] * TISSUE_LUMA[0] + x[..., 1:2] * TISSUE_LUMA[1] + x[..., 2:3] * TISSUE_LUMA[2]
    tissue = lum < TISSUE_THRESHOLD  # (B, H, W, 1)
    mv = xp.asarray(np.broadcast_to(maps, (n,) + maps.shape[1:]).copy(), device=dev)  # (B, 2, 3, 4)
    rows = []
    for r in range(3):
        per = []
        for k in range(2):
            a = mv[:, k, r, :]  # (B, 4)
            v = a[:, None, None, 3:4]
            for c in range(3):
                v = v + a[:, None, None, c : c + 1] * od[..., c : c + 1]
            per.append(v)
        rows.append(xp.where(tissue, per[0], per[1]))
    y = clip(xp, xp.exp(-xp.concat(rows, axis=-1)), 0.0, 1.0)
    out = (
        xp.astype(y, img.dtype)
        if is_float(xp, img.dtype)
        else round_cast(xp, y * max_value(xp, img.dtype), img.dtype)
    )
    flags = np.broadcast_to(np.asarray(on, bool).reshape(-1), (n,)).copy()
    keep = xp.asarray(flags, device=dev)[:, None, None, None]
    out = xp.where(keep, out, x4)
    return out if img.ndim == 4 else out[0, ...]


# ------------------------------------------------------------------------------- host estimators
_OD_U8 = -np.log(np.maximum(np.arange(256, dtype=np.float32) / np.float32(255.0), np.float32(OD_EPS)))


def optical_density(img: np.ndarray) -> np.ndarray:
    """``(P, 3)`` float32 optical density of an RGB host image (any dtype of the contract)."""
    if img.dtype == np.uint8:
        return _OD_U8[img.reshape(-1, 3)]  # the same values, from a table
    top = {"uint16": 65535.0}.get(str(img.dtype), 1.0)
    x = np.asarray(img, np.float32).reshape(-1, 3) / np.float32(top)
    return -np.log(np.maximum(x, np.float32(OD_EPS)))


def _unit_rows(v: np.ndarray) -> np.ndarray:
    return v / np.sqrt(np.sum(v * v, axis=1, keepdims=True))


def macenko_matrix(img: np.ndarray, percentile: float = 99.0) -> np.ndarray:
    """Macenko et al.'s stain matrix of one RGB host image, ``(2, 3)`` float32 (hematoxylin first).

    The optical density of the tissue pixels (any channel above 0.05) is projected on the plane of
    its covariance's two principal eigenvectors; the angles at the ``100 - percentile`` and
    ``percentile`` percentiles give the two stains (absolute values, unit rows, the row with the
    larger red component first). Pixels with a non-finite channel are left out; an image without
    tissue pixels gets the "ruifrok" reference.
    """
    if img.dtype == np.uint8:  # od > 0.05 in some channel: the darkest channel's od, from a table
        flat = img.reshape(-1, 3)
        tissue = _OD_U8[flat[_OD_U8[flat.min(axis=1)] > 0.05]]
    else:
        od = optical_density(img)
        tissue = od[(od > 0.05).any(axis=1) & np.isfinite(od).all(axis=1)]
    if len(tissue) < 1:
        return np.asarray(STAIN_MATRICES["ruifrok"], np.float32)
    import cv2  # a dependency of xalbu; only this estimate needs it here

    cov = cv2.calcCovarMatrix(tissue, None, cv2.COVAR_NORMAL | cv2.COVAR_ROWS | cv2.COVAR_SCALE)[0]
    _, vecs = np.linalg.eigh(cov)
    axes = vecs[:, [1, 2]].astype(np.float32)  # columns: the second and the first principal axes
    eps = np.float32(1e-8)
    axes = np.where(np.abs(axes) < eps, np.where(axes < 0, -eps, eps), axes)
    plane = (tissue + eps) @ axes
    angles = np.arctan2(plane[:, 1], plane[:, 0])
    lo, hi = np.percentile(angles, [100.0 - percentile, percentile])
    turn = np.asarray([[np.cos(lo), np.sin(lo)], [np.cos(hi), np.sin(hi)]], np.float32)
    v = np.abs(turn @ axes.T)
    v = v / np.sqrt(np.sum(v * v, axis=1, keepdims=True) + eps)
    return (v if v[0, 0] > v[1, 0] else v[::-1]).astype(np.float32)


def vahadane_matrix(img: np.ndarray, iterations: int = 100) -> np.ndarray:
    """The stain matrix of one RGB host image by non-negative matrix factorisation of its optical
    density (as albumentations 2.0.8's Vahadane normaliser), ``(2, 3)`` float32, hematoxylin first.

    ``od ~ c W``, started from the "ruifrok" stains ``W`` and ``c = max(od W_unit^T, 0)``, then
    ``iterations`` multiplicative updates (``c *= od W^T / (c W W^T + 1e-6)``,
    ``W *= c^T od / (c^T c W + 1e-6)``, W's rows renormalised), in float32. Hematoxylin is the row
    with the larger ``angle * blue ratio - red ratio`` score (angle: ``atan2(G, R)`` mod pi). Pixels
    with a non-finite channel are left out.
    """
    od = optical_density(img)
    odt = np.ascontiguousarray(od[np.isfinite(od).all(axis=1)].T)  # (3, P): rows contiguous
    w = np.asarray(STAIN_MATRICES["ruifrok"], np.float32)
    ct = np.maximum(_unit_rows(w) @ odt, np.float32(0))  # (2, P): the concentrations, transposed
    eps = np.float32(1e-6)
    den = np.empty_like(ct)
    for _ in range(iterations):
        num = w @ odt
        np.matmul(w @ w.T, ct, out=den)
        den += eps
        np.divide(num, den, out=num)
        ct *= num
        np.maximum(ct, np.float32(0), out=ct)
        w = _unit_rows(np.maximum(w * ((ct @ odt.T) / ((ct @ ct.T) @ w + eps)), np.float32(0)))
    u = _unit_rows(w)
    total = np.sum(u, axis=1) + eps
    score = np.mod(np.arctan2(u[:, 1], u[:, 0]), np.pi) * (u[:, 2] / total) - u[:, 0] / total
    h = int(np.argmax(score))
    return np.stack([w[h], w[1 - h]]).astype(np.float32)


ESTIMATORS = {"macenko": macenko_matrix, "vahadane": vahadane_matrix}


def estimate_stains(images: Any, method: str) -> np.ndarray:
    """Per image, the stain matrix by ``method`` ("macenko" or "vahadane"): ``(2, 3)`` for an HWC
    host array, ``(N, 2, 3)`` for NHWC."""
    x = np.asarray(images)
    fit = ESTIMATORS[method]
    if x.ndim == 3:
        return fit(x)
    return np.stack([fit(im) for im in x]) if len(x) else np.zeros((0, 2, 3), np.float32)
