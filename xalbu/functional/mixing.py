"""Generic mixing kernels: blend, cut-and-paste and paste-into-canvas (array-API only).

Images are HWC or NHWC. Per-sample parameters of a batch are length-N arrays (``lam``) or
(N, 4) arrays (``box``); partners are arrays of the same shape as the image, already gathered
from the batch. No RNG: the transforms draw every parameter on the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import dtype_name, namespace


@kernel
def mixup(img: Any, partner: Any, lam: Any, /) -> Any:
    """``lam * img + (1 - lam) * partner``, rounded half up for integer images.

    ``lam`` is a scalar or a length-N array for a batch (one weight per sample). Example: ``mixup``
    of 100 and 200 (uint8) with ``lam = 0.25`` gives ``0.25 * 100 + 0.75 * 200 = 175``.
    """
    xp = namespace(img)
    f32 = xp.float32
    lam_h = np.asarray(lam, np.float32)
    if lam_h.ndim:
        lam_h = lam_h.reshape((-1,) + (1,) * (img.ndim - 1))
    w = xp.asarray(lam_h, device=_device(img))
    out = xp.astype(partner, f32) + (xp.astype(img, f32) - xp.astype(partner, f32)) * w
    if dtype_name(xp, img.dtype) == "float32":
        return out
    return xp.astype(xp.floor(out + 0.5), img.dtype)


@kernel
def cutmix(img: Any, partner: Any, box: Any, /) -> Any:
    """``img`` with the pixel box ``[x_min, x_max) x [y_min, y_max)`` taken from ``partner``.

    ``box`` is ``(x_min, y_min, x_max, y_max)`` integers, or an (N, 4) array for a batch (one box
    per sample; an empty box leaves the sample unchanged). Works for images and masks of any dtype.
    Example: a (2, 3, 1) zero image, a partner of ones and the box ``(1, 0, 3, 1)`` give
    ``[[0, 1, 1], [0, 0, 0]]``.
    """
    xp = namespace(img)
    h, w = img.shape[-3], img.shape[-2]
    b = np.asarray(box, np.int64).reshape(-1, 4)
    dev = _device(img)
    ys = xp.arange(h, dtype=xp.int64, device=dev)
    xs = xp.arange(w, dtype=xp.int64, device=dev)
    lo_x, lo_y, hi_x, hi_y = (xp.asarray(b[:, k].reshape(-1, 1), device=dev) for k in range(4))
    in_y = (ys >= lo_y) & (ys < hi_y)  # (N, H)
    in_x = (xs >= lo_x) & (xs < hi_x)  # (N, W)
    inside = in_y[:, :, None, None] & in_x[:, None, :, None]  # (N, H, W, 1)
    if img.ndim == 3:
        inside = inside[0, ...]
    return xp.where(inside, partner, img)


@kernel
def paste_where(canvas: Any, patch: Any, where: Any, /, x: Any, y: Any) -> Any:
    """A copy of ``canvas`` whose pixels under ``where > 0`` (an (h, w[, 1]) array) take ``patch``'s
    (hwC), the patch's top-left corner at column ``x``, row ``y`` (the patch lies inside).

    ``canvas`` is HWC (``x``, ``y`` integers) or NHWC (``x``, ``y`` length-N integer arrays: one
    place per sample, one gather for the whole batch). Example: a (1, 2, 1) patch of 5 with
    ``where = [[1, 0]]`` at ``x=0, y=0`` sets only pixel (0, 0).
    """
    xp = namespace(canvas)
    h, w = patch.shape[0], patch.shape[1]
    m = where if where.ndim == 3 else where[..., None]
    if canvas.ndim == 3:
        out = xp.asarray(canvas, copy=True)
        y0, x0 = int(y), int(x)
        region = out[y0 : y0 + h, x0 : x0 + w, ...]
        out[y0 : y0 + h, x0 : x0 + w, ...] = xp.where(m > 0, xp.astype(patch, canvas.dtype), region)
        return out
    dev = _device(canvas)
    n, ch, cw, c = canvas.shape
    ys = np.arange(ch)[None, :] - np.asarray(y, np.int64).reshape(-1, 1)  # (N, H): row in the patch
    xs = np.arange(cw)[None, :] - np.asarray(x, np.int64).reshape(-1, 1)  # (N, W)
    rows = xp.asarray(ys, device=dev)[:, :, None]
    cols = xp.asarray(xs, device=dev)[:, None, :]
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)  # (N, H, W)
    flat = xp.reshape(
        xp.minimum(xp.maximum(rows, 0), h - 1) * w + xp.minimum(xp.maximum(cols, 0), w - 1), (-1,)
    )
    opaque = xp.reshape(xp.take(xp.reshape(m[..., 0:1], (-1,)), flat) > 0, (n, ch, cw)) & inside
    pixels = xp.reshape(
        xp.take(xp.reshape(xp.astype(patch, canvas.dtype), (-1, c)), flat, axis=0), (n, ch, cw, c)
    )
    return xp.where(opaque[..., None], pixels, canvas)


@kernel
def mosaic(
    batch: Any, /, part_row: Any, part_col: Any, source: Any, src_row: Any, src_col: Any, fill: Any
) -> Any:
    """Assemble one mosaic per sample from the (already resized) ``batch`` (N, h, w, C).

    Output pixel ``(n, y, x)`` lies in grid part ``(i, j) = (part_row[n, y], part_col[n, x])`` and
    shows ``batch[source[n, i, j], src_row[n, y, j], src_col[n, x, i]]``, or ``fill`` (one value or
    one per channel) where that row or column falls outside ``batch``. Host tables: ``part_row``
    (N, H), ``part_col`` (N, W), ``source`` (N, R, C), ``src_row`` (N, H, C), ``src_col`` (N, W, R).
    Example: a batch of 2 (1, 1, 1) images [[5]], [[7]] with one part per output and
    ``source = [[[1]], [[0]]]`` gives [[7]] and [[5]].
    """
    xp = namespace(batch)
    dev = _device(batch)
    n, h, w, c = batch.shape
    pr, pc = np.asarray(part_row, np.int64), np.asarray(part_col, np.int64)
    src = np.asarray(source, np.int64)
    sr, sc = np.asarray(src_row, np.int64), np.asarray(src_col, np.int64)
    big_r, big_c = src.shape[1], src.shape[2]
    out_h, out_w = pr.shape[1], pc.shape[1]
    up = {
        k: xp.asarray(v, device=dev)
        for k, v in (("pr", pr), ("pc", pc), ("src", src), ("sr", sr), ("sc", sc))
    }
    ns = xp.reshape(xp.arange(pr.shape[0], dtype=xp.int64, device=dev), (-1, 1, 1))
    i = up["pr"][:, :, None]  # (N, H, 1)
    j = up["pc"][:, None, :]  # (N, 1, W)
    ys = xp.reshape(xp.arange(out_h, dtype=xp.int64, device=dev), (1, -1, 1))
    xs = xp.reshape(xp.arange(out_w, dtype=xp.int64, device=dev), (1, 1, -1))
    s = xp.take(xp.reshape(up["src"], (-1,)), xp.reshape((ns * big_r + i) * big_c + j, (-1,)))
    r = xp.take(xp.reshape(up["sr"], (-1,)), xp.reshape((ns * out_h + ys) * big_c + j, (-1,)))
    q = xp.take(xp.reshape(up["sc"], (-1,)), xp.reshape((ns * out_w + xs) * big_r + i, (-1,)))
    valid = (r >= 0) & (r < h) & (q >= 0) & (q < w)
    valid = xp.reshape(valid, (-1,))
    flat = (s * h + xp.minimum(xp.maximum(r, 0), h - 1)) * w + xp.minimum(xp.maximum(q, 0), w - 1)
    out = xp.take(xp.reshape(batch, (-1, c)), xp.reshape(flat, (-1,)), axis=0)
    values = np.broadcast_to(np.asarray(fill, np.float64), (c,))
    if dtype_name(xp, batch.dtype) != "float32":
        values = np.round(values)
    fills = xp.asarray(values.reshape(1, c), device=dev)
    out = xp.where(valid[:, None], out, xp.astype(fills, batch.dtype))
    return xp.reshape(out, (pr.shape[0], out_h, out_w, c))


def _device(img: Any) -> Any:
    from array_api_compat import device

    return device(img)


__all__: Sequence[str] = ("cutmix", "mixup", "mosaic", "paste_where")
