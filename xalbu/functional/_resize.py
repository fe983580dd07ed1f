"""Resizing (separable weights), shared by the sizing family (Resize, LongestMaxSize...) and the
quality family (Downscale): the ``resize`` kernel and its weight tables, array-API only.

Coordinates are continuous: pixel (row i, col j) covers ``[j, j + 1) x [i, i + 1)`` and its centre
is ``(j + 0.5, i + 0.5)``. Interpolation codes are OpenCV's integers (see
:mod:`xalbu.functional._common`). :mod:`xalbu.functional.sizing` re-exports ``resize``,
``resize_weights`` and ``nearest_index``; backend overrides register against ``resize`` there.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._common import AREA, CUBIC, LANCZOS4, NEAREST, _cast, _hw_axes, cubic_weights
from xalbu.functional._utils import namespace


def _dense(n_out: int, n_in: int, idx: np.ndarray, wts: np.ndarray) -> np.ndarray:
    """Scatter taps ``idx``/``wts`` (both ``(n_out, taps)``) into a dense ``(n_out, n_in)`` matrix."""
    mat = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.broadcast_to(np.arange(n_out)[:, None], idx.shape)
    np.add.at(mat, (rows, np.clip(idx, 0, n_in - 1)), wts)
    return mat


def _tap_weights(n_in: int, n_out: int, interpolation: int) -> np.ndarray:
    """Half-pixel-centre linear/cubic/lanczos4 weights ``(n_out, n_in)``, edges replicated."""
    src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    x0 = np.floor(src)
    f = (src - x0)[:, None]
    if interpolation == CUBIC:
        offsets, wts = np.arange(-1, 3), np.concatenate(cubic_weights(f), axis=1)
    elif interpolation == LANCZOS4:
        offsets = np.arange(-3, 5)
        d = f - offsets  # distance from the source point to each tap
        wts = np.sinc(d) * np.sinc(d / 4)
        wts = wts / wts.sum(axis=1, keepdims=True)
    else:
        offsets, wts = np.arange(2), np.concatenate([1 - f, f], axis=1)
    return _dense(n_out, n_in, x0[:, None].astype(np.int64) + offsets, wts)


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """Exact box-overlap averaging weights ``(n_out, n_in)`` for downscaling (OpenCV INTER_AREA)."""
    s = n_in / n_out
    lo = np.arange(n_out)[:, None] * s
    k = np.arange(n_in)[None, :]
    overlap = np.minimum(k + 1, lo + s) - np.maximum(k, lo)
    return np.clip(overlap, 0, None) / s


def _area_up_weights(n_in: int, n_out: int) -> np.ndarray:
    """OpenCV INTER_AREA weights when not downscaling on both axes (a linear-like variant)."""
    s = n_in / n_out
    d = np.arange(n_out)
    x0 = np.floor(d * s)
    f = (d + 1) - (x0 + 1) / s
    f = np.where(f <= 0, 0.0, f - np.floor(f))[:, None]
    idx = x0[:, None].astype(np.int64) + np.arange(2)
    return _dense(n_out, n_in, idx, np.concatenate([1 - f, f], axis=1))


def resize_weights(in_hw: Sequence[int], out_hw: Sequence[int], interpolation: int) -> list[np.ndarray]:
    """Host float32 separable weight matrices ``[(H_out, H_in), (W_out, W_in)]`` for ``resize``.

    Example: ``resize_weights((2, 2), (4, 4), 1)[0]`` has rows ``[1, 0], [.75, .25], [.25, .75], [0, 1]``.
    """
    pairs = list(zip(in_hw, out_hw, strict=True))
    if interpolation == AREA:
        if all(i >= o for i, o in pairs):
            return [_area_weights(i, o).astype(np.float32) for i, o in pairs]
        return [_area_up_weights(i, o).astype(np.float32) for i, o in pairs]
    return [_tap_weights(i, o, interpolation).astype(np.float32) for i, o in pairs]


@functools.lru_cache(maxsize=512)
def nearest_index(n_in: int, n_out: int) -> np.ndarray:
    """Host source indices ``floor((dst + 0.5) * n_in / n_out)`` of nearest resizing, in exact
    integer arithmetic (shared with the OpenCV override; cached, read-only). Example:
    ``nearest_index(4, 2)`` is ``[1, 3]``."""
    idx = np.minimum(((2 * np.arange(n_out) + 1) * n_in) // (2 * n_out), n_in - 1)
    idx.flags.writeable = False
    return idx


def _contract(xp: Any, x: Any, weights: np.ndarray, axis: int) -> Any:
    """Apply ``weights`` ``(out, in)`` along ``axis`` of ``x``; the new axis stays at ``axis``."""
    y = xp.tensordot(x, xp.asarray(weights.T, device=device(x)), axes=([axis], [0]))
    order = list(range(y.ndim - 1))
    order.insert(axis, y.ndim - 1)
    return xp.permute_dims(y, tuple(order))


@kernel
def resize(img: Any, /, out_hw: Sequence[int], interpolation: int) -> Any:
    """Resize the (H, W) axes to ``out_hw`` with half-pixel centres and replicated edges.

    Nearest takes ``floor((dst + 0.5) * in / out)`` exactly (the rule of OpenCV's
    INTER_NEAREST_EXACT, whose fixed point misses it by a pixel on some size pairs) and keeps any
    dtype; linear/cubic/lanczos4 match OpenCV (no antialiasing); area averages box overlaps when
    downscaling both axes and otherwise uses OpenCV's linear-like INTER_AREA variant. Example:
    ``[[0, 4]]`` resized to width 4 with linear (1) is ``[[0, 1, 3, 4]]``.
    """
    xp = namespace(img)
    ha, wa = _hw_axes(img)
    in_hw = (img.shape[ha], img.shape[wa])
    ho, wo = int(out_hw[0]), int(out_hw[1])
    dev = device(img)
    if interpolation == NEAREST:
        out = xp.take(img, xp.asarray(nearest_index(in_hw[0], ho), device=dev), axis=ha)
        return xp.take(out, xp.asarray(nearest_index(in_hw[1], wo), device=dev), axis=wa)
    x = xp.astype(img, xp.float32)
    weights = resize_weights(in_hw, (ho, wo), interpolation)
    for axis, wts in zip((ha, wa), weights, strict=True):
        if not (wts.shape[0] == wts.shape[1] and np.array_equal(wts, np.eye(wts.shape[0]))):
            x = _contract(xp, x, wts, axis)
    return _cast(xp, x, img.dtype)


__all__: Sequence[str] = ("nearest_index", "resize", "resize_weights")
