"""OpenCV / NumPy override of :func:`xalbu.functional._superpixels.superpixels` (sharpen family).

Per sample: the resize kernel (``cv2.resize``) to the working size, the SLIC iterations on padded
arrays (one small window update per centre, as albumentations, but the centres' moves and the
segment means in single ``np.bincount`` passes instead of a full-image mask per label), then a
lookup of each pixel's label. Bit-identical to the generic kernel (the same resize kernel runs).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _superpixels as F
from xalbu.functional._resize import resize

_DTYPES = (np.uint8, np.uint16, np.float32)


def _labels(img: np.ndarray, n_segments: int) -> tuple[np.ndarray, int]:
    """SLIC labels (H, W) int64 of one integer HWC image, and the number of centres."""
    h, w, c = img.shape
    cy, cx, s = F.slic_grid(h, w, n_segments)
    k = len(cy)
    norm = img.astype(np.float64)
    norm /= norm.max() + 1e-6
    # padded by s on every side: a centre's window is always a full (2s+1)^2 slice; the padding's
    # distance is -inf, so no centre ever claims it
    pad = np.zeros((h + 2 * s, w + 2 * s, c), np.float64)
    pad[s : s + h, s : s + w] = norm
    dist = np.full((h + 2 * s, w + 2 * s), -np.inf)
    dist[s : s + h, s : s + w] = np.inf
    labels = np.full((h + 2 * s, w + 2 * s), -1, np.int64)
    off = np.arange(-s, s + 1)
    spatial = COMP * ((off[:, None] ** 2 + off[None, :] ** 2) / (s * s))
    win = 2 * s + 1
    rows = np.arange(h)
    cols = np.arange(w)
    inner = labels[s : s + h, s : s + w]
    planes = [np.ascontiguousarray(pad[..., j]) for j in range(c)]  # per channel: contiguous windows
    buf = np.empty((win, win), np.float64)  # buffers reused by every centre
    d = np.empty((win, win), np.float64)
    m = np.empty((win, win), bool)
    for _ in range(F.ITERATIONS):
        for i, (y, x) in enumerate(zip(cy.tolist(), cx.tolist(), strict=True)):
            # pixel (y, x) is (y + s, x + s) padded: its window starts at (y, x). The colour distance
            # adds the channels' squares left to right, as the generic kernel's sum over channels
            for j, plane in enumerate(planes):
                np.subtract(plane[y : y + win, x : x + win], plane[y + s, x + s], out=buf)
                if j == 0:
                    np.multiply(buf, buf, out=d)
                else:
                    np.multiply(buf, buf, out=buf)
                    d += buf
            d += spatial
            dv = dist[y : y + win, x : x + win]
            np.less(d, dv, out=m)
            np.copyto(dv, d, where=m)
            np.copyto(labels[y : y + win, x : x + win], i, where=m)
        flat = inner.ravel() + 1
        cnt = np.bincount(flat, minlength=k + 1)[1:]
        sy = np.bincount(flat, weights=np.repeat(rows, w), minlength=k + 1)[1:]
        sx = np.bincount(flat, weights=np.tile(cols, h), minlength=k + 1)[1:]
        has = cnt > 0
        cy = np.where(has, (sy / np.maximum(cnt, 1)).astype(np.int64), cy)
        cx = np.where(has, (sx / np.maximum(cnt, 1)).astype(np.int64), cx)
    return inner.copy(), k


COMP = float(F.COMPACTNESS)


def _one(
    img: np.ndarray, n_segments: int, replace: np.ndarray, mod: int, max_size: int | None, code: int
) -> np.ndarray:
    h, w, c = img.shape
    work = img
    if img.dtype == np.float32:
        work = np.rint(img * np.float32(255)).clip(0, 255).astype(np.uint8)
    hs, ws = F.work_size(h, w, max_size)
    small = work if (hs, ws) == (h, w) else resize(work, (hs, ws), code)
    labels, k = _labels(small, n_segments)
    flat = labels.ravel() + 1  # 0: unreached (-1), 1: label 0, ...
    cnt = np.bincount(flat, minlength=k + 1)
    present = cnt > 0
    present[1:2] = False  # label 0 is never replaced
    rank = np.cumsum(present) - 1
    flags = present & replace[np.maximum(rank, 0) % mod]
    if not flags.any():
        out = small
    else:
        pix = small.reshape(-1, c)
        top = np.iinfo(small.dtype).max
        means = (
            np.stack([np.bincount(flat, weights=pix[:, j], minlength=k + 1) for j in range(c)], axis=1)
            / np.maximum(cnt, 1)[:, None]
        )
        values = np.rint(means).clip(0, top).astype(small.dtype)
        out = np.where(flags[flat][:, None], values[flat], pix).reshape(small.shape)
    if (hs, ws) != (h, w):
        out = resize(out, (h, w), code)
    if img.dtype == np.float32:
        out = out.astype(np.float32) / np.float32(255)
    return out


@register(F.superpixels, "numpy_cv2")
def superpixels(
    img: np.ndarray, /, n_segments: Any, replace: Any, max_size: int | None, interpolation: int
) -> Any:
    if img.dtype not in _DTYPES or img.ndim not in (3, 4) or img.shape[-1] < 1:
        return NotImplemented
    code = F.KERNEL_CODE.get(int(interpolation))
    if code is None:
        return NotImplemented
    single = img.ndim == 3
    x = img[None] if single else img
    seg, rep, mod = F.batch_params(x.shape[0], n_segments, replace)
    if not rep.any():
        return img
    out = np.array(x, copy=True)
    for i in range(x.shape[0]):
        if rep[i].any():
            out[i] = _one(x[i], int(seg[i]), rep[i], int(mod[i]), max_size, code)
    return out[0] if single else out
