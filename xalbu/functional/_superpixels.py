"""Superpixels (sharpen family): a SLIC-like segmentation, then segments replaced by their mean colour.

albumentations 2.0.8's segmentation, reproduced exactly: centres start on a grid of step
``S = int(sqrt(H * W / n_segments))`` (at ``S // 2 + i * S``); each of 10 iterations assigns every
pixel within ``S`` rows and columns of a centre to the centre that minimises
``|c - c_centre|^2 + 10 * ((y - cy)^2 + (x - cx)^2) / S^2`` (colours divided by the image's maximum
plus ``1e-6``; ``c_centre`` is the colour of the centre's pixel), but only where that beats the
distance the pixel already holds from earlier iterations (ties: the earlier centre); then every
centre moves to the mean position of its pixels, truncated to integers. Labels present (but 0, which
albumentations never replaces) are ranked in increasing order; the label of rank ``r`` is replaced
by its rounded mean where ``replace[r % n_segments]``. Images larger than ``max_size`` are processed
at ``int(H * s) x int(W * s)``, ``s = max_size / max(H, W)``, and resized back. Float images are
processed as uint8 (``rint(x * 255)``), as albumentations does, then divided by 255; integer images in
their own dtype. A sample with nothing to replace is returned unchanged.

:func:`superpixels` is the generic kernel (array-API only, a whole batch at once with
``(N, K, H, W)`` distance tables: no loop over samples or centres); :func:`slic_grid` gives the
initial centres on the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._resize import resize
from xalbu.functional._utils import clip, is_float, max_value, namespace, round_cast

COMPACTNESS = 10
ITERATIONS = 10
# OpenCV codes albumentations 2.0.8 takes -> the resize run (5 linear_exact: linear; 6 nearest_exact: nearest)
KERNEL_CODE = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 0}


def grid_steps(height: int, width: int, n_segments: Any) -> np.ndarray:
    """albumentations' grid step ``int(sqrt(H * W / n))`` per sample (``(N,)`` int64), at least 1
    (albumentations fails at 0): the largest ``s`` with ``s^2 * n <= H * W``, in integers (what the
    float square root truncates to at any realistic size)."""
    n = np.asarray(n_segments, np.int64)
    hw = height * width
    s = np.floor(np.sqrt(hw / n)).astype(np.int64)
    s -= s * s * n > hw
    s += (s + 1) * (s + 1) * n <= hw
    return np.maximum(s, 1)


def grid_counts(height: int, width: int, step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many grid rows and columns of centres (at ``step // 2 + i * step``) fit."""
    first = step // 2
    return -(-(height - first) // step), -(-(width - first) // step)


def slic_grid(height: int, width: int, n_segments: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The initial centres (``cy``, ``cx``, row-major order) and the grid step.

    >>> cy, cx, s = slic_grid(4, 4, 4)
    >>> cy.tolist(), cx.tolist(), s
    ([1, 1, 3, 3], [1, 3, 1, 3], 2)
    """
    s = int(grid_steps(height, width, n_segments))
    ys, xs = np.arange(s // 2, height, s), np.arange(s // 2, width, s)
    cy, cx = np.meshgrid(ys, xs, indexing="ij")
    return cy.ravel().astype(np.int64), cx.ravel().astype(np.int64), s


def work_size(height: int, width: int, max_size: int | None) -> tuple[int, int]:
    """The size the segmentation runs at (albumentations' ``int(side * max_size / longest)``)."""
    size = max(height, width)
    if max_size is None or size <= max_size:
        return height, width
    scale = max_size / size
    return max(1, int(height * scale)), max(1, int(width * scale))


def batch_params(n: int, n_segments: Any, replace: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(N,)`` segment counts, ``(N, K)`` replace flags and ``(N,)`` flag counts (the rank's modulus:
    ``n_segments``, or fewer where fewer flags are given, as albumentations' ``len(replace_samples)``)
    from one image's or a batch's params."""
    seg = np.broadcast_to(np.asarray(n_segments, np.int64), (n,))
    rep = np.asarray(replace, bool)
    rep = np.broadcast_to(rep[None] if rep.ndim == 1 else rep, (n, rep.shape[-1]))
    return seg, rep, np.maximum(np.minimum(seg, rep.shape[1]), 1)


def grid_batch(h: int, w: int, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every sample's initial centres, ``(N, K)`` padded (``valid``), and steps; no loop over samples."""
    step = grid_steps(h, w, seg)
    rows, cols = grid_counts(h, w, step)
    k = max(1, int((rows * cols).max()))
    j = np.arange(k)[None, :]
    cy = step[:, None] // 2 + (j // cols[:, None]) * step[:, None]
    cx = step[:, None] // 2 + (j % cols[:, None]) * step[:, None]
    valid = j < (rows * cols)[:, None]
    return np.where(valid, cy, 0), np.where(valid, cx, 0), valid, step


def _segment(xp: Any, img: Any, seg: np.ndarray) -> Any:
    """SLIC labels ``(N, H, W)`` int64 (-1 where no centre reached) of an integer NHWC batch."""
    n, h, w, c = img.shape
    dev = device(img)
    cy_h, cx_h, valid_h, step_h = grid_batch(h, w, seg)
    k = cy_h.shape[1]
    cy = xp.asarray(cy_h[:, :, None, None], device=dev)
    cx = xp.asarray(cx_h[:, :, None, None], device=dev)
    valid = xp.asarray(valid_h[:, :, None, None], device=dev)
    step = xp.asarray(step_h[:, None, None, None], device=dev)
    step2 = xp.astype(step * step, xp.float64)
    f = xp.astype(img, xp.float64)
    top = xp.max(f + 1e-6, axis=(1, 2, 3), keepdims=True)
    norm = f / top  # (N, H, W, C)
    flat = xp.reshape(norm, (n * h * w, c))
    yy = xp.reshape(xp.arange(h, dtype=xp.int64, device=dev), (1, 1, h, 1))
    xx = xp.reshape(xp.arange(w, dtype=xp.int64, device=dev), (1, 1, 1, w))
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (h * w), (n, 1))
    ks = xp.reshape(xp.arange(k, dtype=xp.int64, device=dev), (1, k, 1, 1))
    dist = xp.full((n, h, w), xp.inf, dtype=xp.float64, device=dev)
    labels = xp.full((n, h, w), -1, dtype=xp.int64, device=dev)
    for _ in range(ITERATIONS):
        dy, dx = yy - cy, xx - cx  # (N, K, H, 1), (N, K, 1, W)
        cover = (xp.abs(dy) <= step) & (xp.abs(dx) <= step) & valid
        centre = xp.take(flat, xp.reshape(base + cy[..., 0, 0] * w + cx[..., 0, 0], (-1,)), axis=0)
        diff = norm[:, None, ...] - xp.reshape(centre, (n, k, 1, 1, c))
        colour = xp.sum(diff * diff, axis=-1)
        spatial = xp.astype(dy * dy + dx * dx, xp.float64) / step2
        d = xp.where(cover, colour + COMPACTNESS * spatial, xp.inf)
        best = xp.min(d, axis=1)
        upd = best < dist
        dist = xp.where(upd, best, dist)
        labels = xp.where(upd, xp.argmin(d, axis=1), labels)
        onehot = xp.astype(labels[:, None, ...] == ks, xp.float64)
        cnt = xp.sum(onehot, axis=(2, 3))[..., None, None]
        sy = xp.sum(onehot * xp.astype(yy, xp.float64), axis=(2, 3))[..., None, None]
        sx = xp.sum(onehot * xp.astype(xx, xp.float64), axis=(2, 3))[..., None, None]
        safe = xp.where(cnt > 0, cnt, 1.0)
        cy = xp.where(cnt > 0, xp.astype(sy / safe, xp.int64), cy)
        cx = xp.where(cnt > 0, xp.astype(sx / safe, xp.int64), cx)
    return labels


def _replace(xp: Any, img: Any, labels: Any, seg: np.ndarray, rep: np.ndarray, mod: np.ndarray) -> Any:
    """Replace the chosen segments of an integer NHWC batch by their rounded means."""
    n, h, w, c = img.shape
    dev = device(img)
    rows, cols = grid_counts(h, w, grid_steps(h, w, seg))
    k1 = int((rows * cols).max()) + 1
    lab = xp.reshape(labels + 1, (n, 1, h * w))  # 0: unlabelled (-1), 1: label 0, ...
    ids = xp.reshape(xp.arange(k1, dtype=xp.int64, device=dev), (1, k1, 1))
    onehot = xp.astype(lab == ids, xp.float64)  # (N, K+1, HW)
    cnt = xp.sum(onehot, axis=2)
    sums = xp.matmul(onehot, xp.astype(xp.reshape(img, (n, h * w, c)), xp.float64))
    means = sums / xp.where(cnt > 0, cnt, 1.0)[..., None]
    values = xp.astype(clip(xp, xp.round(means), 0.0, max_value(xp, img.dtype)), img.dtype)
    present = (cnt > 0) & (xp.reshape(ids, (1, k1)) != 1)
    rank = xp.cumulative_sum(xp.astype(present, xp.int64), axis=1) - 1
    mod_d = xp.asarray(mod[:, None], device=dev)
    kr = rep.shape[1]
    pick = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev), (n, 1)) * kr + (xp.maximum(rank, 0) % mod_d)
    flags = present & xp.reshape(
        xp.take(xp.asarray(np.ascontiguousarray(rep).ravel(), device=dev), xp.reshape(pick, (-1,))), (n, k1)
    )
    row = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * k1, (n, 1))
    where = xp.reshape(row + lab[:, 0, :], (-1,))
    pix_flag = xp.reshape(xp.take(xp.reshape(flags, (-1,)), where), (n, h, w, 1))
    pix_val = xp.reshape(xp.take(xp.reshape(values, (n * k1, c)), where, axis=0), (n, h, w, c))
    return xp.where(pix_flag, pix_val, img)


@kernel
def superpixels(img: Any, /, n_segments: Any, replace: Any, max_size: int | None, interpolation: int) -> Any:
    """Replace the segments flagged in ``replace`` (``(K,)`` bools, ``(N, K)`` for a batch) of a SLIC
    segmentation into about ``n_segments`` superpixels by their mean colour (module docstring).

    Example: ``[[10, 20, 100, 200], [10, 30, 200, 200]]`` with ``n_segments=1`` (step 2, centres at
    (1, 1) and (1, 3)) and ``replace=[True]`` gives ``[[10, 20, 175, 175], [10, 30, 175, 175]]``: the
    right segment (label 1) becomes its mean, label 0 is never replaced.
    """
    xp = namespace(img)

    def core(small: Any, seg: np.ndarray, rep: np.ndarray, mod: np.ndarray) -> Any:
        return _replace(xp, small, _segment(xp, small, seg), seg, rep, mod)

    return run(xp, img, n_segments, replace, max_size, interpolation, core)


def run(
    xp: Any, img: Any, n_segments: Any, replace: Any, max_size: int | None, interpolation: int, core: Any
) -> Any:
    """Everything around the segmentation, shared by the generic kernel and the CuPy override: float
    to uint8 and back, the resizes, the samples left alone. ``core(small, seg, rep, mod)`` replaces the
    segments of an integer NHWC batch at the working size."""
    single = img.ndim == 3
    x = img[None, ...] if single else img
    n, h, w, _ = x.shape
    seg, rep, mod = batch_params(n, n_segments, replace)
    active = rep.any(axis=1)
    if not active.any():
        return img
    work = round_cast(xp, x * 255.0, xp.uint8) if is_float(xp, x.dtype) else x
    hs, ws = work_size(h, w, max_size)
    code = KERNEL_CODE[int(interpolation)]
    small = work if (hs, ws) == (h, w) else resize(work, (hs, ws), code)
    out = core(small, seg, rep, mod)
    if (hs, ws) != (h, w):
        out = resize(out, (h, w), code)
    if is_float(xp, x.dtype):
        out = xp.astype(xp.astype(out, xp.float32) / xp.asarray(255.0, dtype=xp.float32), x.dtype)
    if not active.all():
        out = xp.where(xp.asarray(active[:, None, None, None], device=device(img)), out, x)
    return out[0, ...] if single else out


__all__: Sequence[str] = ("grid_counts", "grid_steps", "slic_grid", "superpixels", "work_size")
