"""Generic geometric kernels: flips, rotations, crops, pads, resizes and warps (array-API only).

Images are HWC or NHWC; the kernels work on the (H, W) axes ``(-3, -2)``. Coordinates are
continuous: pixel (row i, col j) covers ``[j, j + 1) x [i, i + 1)`` and its centre is
``(j + 0.5, i + 0.5)``. Interpolation and border codes are OpenCV's integers:

- interpolation: 0 nearest, 1 linear, 2 cubic (a = -0.75), 3 area, 4 lanczos4;
- border mode: 0 constant, 1 replicate, 2 reflect (``dcb|abcd|cba``), 3 wrap,
  4 reflect_101 (``dc|abcd|cb``).

Parameters are Python scalars (or host NumPy arrays with a leading N axis for per-sample values
in a batch). Host-side NumPy is used only for small parameter arrays (matrices, weight tables).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import dtype_name, is_float, namespace, round_cast

NEAREST, LINEAR, CUBIC, AREA, LANCZOS4 = 0, 1, 2, 3, 4
CONSTANT, REPLICATE, REFLECT, WRAP, REFLECT_101 = 0, 1, 2, 3, 4
CUBIC_A = -0.75
_BIG = float(2**24)  # source coordinates are clamped to +-_BIG before turning them into indices


# ----------------------------------------------------------------------------------------------
# helpers (shared with the backends)
# ----------------------------------------------------------------------------------------------
def _hw_axes(img: Any) -> tuple[int, int]:
    """Non-negative indices of the H and W axes of an HWC / NHWC array."""
    return img.ndim - 3, img.ndim - 2


def _cast(xp: Any, x: Any, dtype: Any) -> Any:
    """Cast a float result to ``dtype``: rounded and saturated to the dtype's range for integers.

    uint8/uint16/floats go through ``round_cast``; other integer dtypes (masks) are clipped to their
    own range, and bool is thresholded at 0.5. Example: ``_cast(np, np.array([1.6]), np.int32)``
    gives ``[2]``.
    """
    name = dtype_name(xp, dtype)
    if name in ("uint8", "uint16") or is_float(xp, dtype):
        return round_cast(xp, x, dtype)
    if name == "bool":
        return x >= 0.5
    info = np.iinfo(name)
    lo, hi = float(info.min), float(info.max)
    if float(np.float32(hi)) > hi:  # int32/int64 max is not a float32: stay below it
        hi = float(np.nextafter(np.float32(hi), np.float32(0)))
    return xp.astype(xp.clip(xp.round(x), lo, hi), dtype)


def _cast_host(values: np.ndarray, name: str) -> np.ndarray:
    """Cast host ``values`` to the NumPy dtype ``name`` as images are (round + saturate for ints)."""
    if name == "bool":
        return values != 0
    dt = np.dtype(name)
    if np.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return np.clip(np.round(values), info.min, info.max).astype(dt)
    return values.astype(dt)


def host_fill(fill: Any, name: str, channels: int, n: int | None = None) -> np.ndarray:
    """Fill value(s) as a host array of dtype ``name`` shaped ``(C,)`` or ``(N, 1, 1, C)``.

    ``fill`` is a scalar, a per-channel sequence, or (in a batch of ``n``) a per-sample NumPy array
    ``(N,)`` or ``(N, C)``: a NumPy array whose first axis is N is per sample, a list/tuple never is.
    Extra channel values are ignored (as OpenCV does); integer dtypes are rounded and saturated.
    The result may be shared between calls (read-only). Example: ``host_fill((1, 300), "uint8", 2)``
    is ``array([1, 255], dtype=uint8)``.
    """
    if not isinstance(fill, np.ndarray):  # a scalar or a sequence: the same for every call, cached
        try:
            return _shared_fill(tuple(fill) if isinstance(fill, list) else fill, name, channels)
        except TypeError:  # unhashable
            pass
    return _make_fill(fill, name, channels, n)


@functools.lru_cache(maxsize=256)
def _shared_fill(fill: Any, name: str, channels: int) -> np.ndarray:
    out = _make_fill(fill, name, channels, None)
    out.flags.writeable = False
    return out


def _make_fill(fill: Any, name: str, channels: int, n: int | None) -> np.ndarray:
    arr = np.asarray(0 if fill is None else fill, dtype=np.float64)
    if arr.ndim >= 1 and n is not None and isinstance(fill, np.ndarray) and arr.shape[0] == n:
        per = arr.reshape(n, -1)
        per = per[:, :channels] if per.shape[1] >= channels else per
        arr = np.broadcast_to(per, (n, channels)).reshape(n, 1, 1, channels)
    else:
        flat = arr.reshape(-1)
        arr = np.broadcast_to(flat[:channels] if flat.size >= channels else flat, (channels,))
    return _cast_host(np.ascontiguousarray(arr), name)


def fold_index(xp: Any, i: Any, n: int, border_mode: int) -> Any:
    """Map integer indices ``i`` into ``[0, n)`` with a border rule (constant clips; mask it).

    Works on any array namespace (NumPy on the host, or a device array). Example:
    ``fold_index(np, np.arange(-2, 5), 3, 4)`` (reflect_101) gives ``[2, 1, 0, 1, 2, 1, 0]``.
    """
    if border_mode == WRAP:
        return xp.remainder(i, n)
    if border_mode == REFLECT:
        r = xp.remainder(i, 2 * n)
        return xp.where(r >= n, 2 * n - 1 - r, r)
    if border_mode == REFLECT_101:
        if n == 1:
            return xp.zeros_like(i)
        r = xp.remainder(i, 2 * n - 2)
        return xp.where(r >= n, 2 * n - 2 - r, r)
    return xp.clip(i, 0, n - 1)


def cubic_weights(f: Any) -> list[Any]:
    """OpenCV's cubic convolution weights (a = -0.75) for taps at -1, 0, 1, 2 given fraction ``f``.

    Pure arithmetic, so it runs on NumPy or device arrays. Example: ``cubic_weights(0.0)`` is
    ``[0.0, 1.0, 0.0, 0.0]``.
    """
    a = CUBIC_A
    w0 = ((a * (f + 1) - 5 * a) * (f + 1) + 8 * a) * (f + 1) - 4 * a
    w1 = ((a + 2) * f - (a + 3)) * f * f + 1
    g = 1 - f
    w2 = ((a + 2) * g - (a + 3)) * g * g + 1
    return [w0, w1, w2, 1 - w0 - w1 - w2]


def _translation(t: float) -> np.ndarray:
    """The 3x3 matrix adding ``t`` to both x and y (``T(0.5)`` turns pixel indices into centres)."""
    return np.array([[1.0, 0.0, t], [0.0, 1.0, t], [0.0, 0.0, 1.0]])


def index_inverse(matrix: Any) -> np.ndarray:
    """Inverse of a forward continuous-coordinate matrix, in pixel-index coordinates (as OpenCV).

    Returns ``(M, 3, 3)`` float64 mapping an output index ``(j, i, 1)`` to a source index
    ``(u, v, w)``: ``T(-0.5) @ inv(matrix) @ T(+0.5)``. Example: the identity maps to the identity.
    """
    m = np.asarray(matrix, dtype=np.float64)
    m = m[None] if m.ndim == 2 else m
    inv = _translation(-0.5) @ np.linalg.inv(m) @ _translation(0.5)
    if is_affine(m):
        inv[:, 2] = (0.0, 0.0, 1.0)  # exact, whatever the rounding of the inversion
    return inv


def is_affine(matrix: Any) -> bool:
    """True when the last row of every 3x3 matrix is exactly ``(0, 0, 1)``."""
    m = np.asarray(matrix, dtype=np.float64).reshape(-1, 3, 3)
    return bool(np.all(m[:, 2] == np.array([0.0, 0.0, 1.0])))


# ----------------------------------------------------------------------------------------------
# flips, transposes, rotations, selection
# ----------------------------------------------------------------------------------------------
def _swap_hw(xp: Any, img: Any) -> Any:
    """Swap the H and W axes of an HWC/NHWC array (a view where the backend allows)."""
    h, w = _hw_axes(img)
    return xp.permute_dims(img, (*range(h), w, h, img.ndim - 1))


@kernel
def hflip(img: Any, /) -> Any:
    """Mirror left-right (flip the W axis). Example: row ``[1, 2, 3]`` becomes ``[3, 2, 1]``."""
    xp = namespace(img)
    return xp.flip(img, axis=_hw_axes(img)[1])


@kernel
def vflip(img: Any, /) -> Any:
    """Mirror top-bottom (flip the H axis). Example: column ``[1, 2]`` becomes ``[2, 1]``."""
    xp = namespace(img)
    return xp.flip(img, axis=_hw_axes(img)[0])


@kernel
def transpose(img: Any, /) -> Any:
    """Swap the H and W axes. Example: ``(2, 3, C)`` becomes ``(3, 2, C)``; ``out[j, i] = img[i, j]``."""
    xp = namespace(img)
    return _swap_hw(xp, img)


@kernel
def rot90(img: Any, /, k: int) -> Any:
    """Rotate by ``k`` quarter turns counter-clockwise on (H, W), like ``np.rot90(img, k)``.

    ``k`` is taken mod 4. Example: ``[[1, 2], [3, 4]]`` with ``k=1`` becomes ``[[2, 4], [1, 3]]``.
    """
    xp = namespace(img)
    h, w = _hw_axes(img)
    k = int(k) % 4
    if k == 0:
        return img
    if k == 2:
        return xp.flip(img, axis=(h, w))
    if k == 1:
        return _swap_hw(xp, xp.flip(img, axis=w))
    return xp.flip(_swap_hw(xp, img), axis=w)


@kernel
def select(a: Any, /, b: Any, flags: Any) -> Any:
    """Per-sample choice in a batch: ``out[n] = a[n] if flags[n] else b[n]``.

    ``flags`` is a host bool array of length N (a scalar picks for the whole input). ``a`` and ``b``
    have the same shape. Example: ``select(flipped, batch, np.array([True, False]))`` flips sample 0.
    """
    xp = namespace(a, b)
    f = np.asarray(flags, dtype=bool)
    if f.ndim == 0:
        return a if bool(f) else b
    cond = xp.reshape(xp.asarray(f, device=device(a)), (f.shape[0],) + (1,) * (a.ndim - 1))
    return xp.where(cond, a, b)


# ----------------------------------------------------------------------------------------------
# crop and pad
# ----------------------------------------------------------------------------------------------
@kernel
def crop(img: Any, /, x_min: int, y_min: int, x_max: int, y_max: int) -> Any:
    """Crop the pixel box ``[x_min, x_max) x [y_min, y_max)`` (same box for a whole batch).

    The box is already validated to lie inside the image. Example: ``crop(img, 1, 0, 3, 2)`` of a
    ``(3, 4, C)`` image has shape ``(2, 2, C)`` and ``out[0, 0] = img[0, 1]``.
    """
    return img[..., int(y_min) : int(y_max), int(x_min) : int(x_max), :]


@kernel
def pad(img: Any, /, top: int, bottom: int, left: int, right: int, border_mode: int, fill: Any) -> Any:
    """Pad the (H, W) axes by ``top``/``bottom``/``left``/``right`` pixels with a border rule.

    ``fill`` (scalar, per-channel sequence) is used only for ``border_mode`` 0. Example: the row
    ``[a, b, c]`` padded by 2 left with reflect_101 (4) becomes ``[c, b, a, b, c]``.
    """
    xp = namespace(img)
    ha, wa = _hw_axes(img)
    h, w = img.shape[ha], img.shape[wa]
    dev = device(img)
    if border_mode != CONSTANT:
        rows = fold_index(np, np.arange(-top, h + bottom), h, border_mode)
        cols = fold_index(np, np.arange(-left, w + right), w, border_mode)
        out = xp.take(img, xp.asarray(rows, device=dev), axis=ha)
        return xp.take(out, xp.asarray(cols, device=dev), axis=wa)
    lead, c = tuple(img.shape[:ha]), img.shape[-1]
    n = lead[0] if lead else None
    value = xp.asarray(host_fill(fill, dtype_name(xp, img.dtype), c, n), device=dev)

    def block(bh: int, bw: int) -> Any:
        return xp.broadcast_to(value, (*lead, bh, bw, c))

    middle = xp.concat([block(h, left), img, block(h, right)], axis=wa)
    return xp.concat([block(top, w + left + right), middle, block(bottom, w + left + right)], axis=ha)


# ----------------------------------------------------------------------------------------------
# resize
# ----------------------------------------------------------------------------------------------
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


def _nearest_index(n_in: int, n_out: int) -> np.ndarray:
    """Source index ``floor((dst + 0.5) * n_in / n_out)`` in exact integer arithmetic."""
    return np.minimum(((2 * np.arange(n_out) + 1) * n_in) // (2 * n_out), n_in - 1)


def _contract(xp: Any, x: Any, weights: np.ndarray, axis: int) -> Any:
    """Apply ``weights`` ``(out, in)`` along ``axis`` of ``x``; the new axis stays at ``axis``."""
    y = xp.tensordot(x, xp.asarray(weights.T, device=device(x)), axes=([axis], [0]))
    order = list(range(y.ndim - 1))
    order.insert(axis, y.ndim - 1)
    return xp.permute_dims(y, tuple(order))


@kernel
def resize(img: Any, /, out_hw: Sequence[int], interpolation: int) -> Any:
    """Resize the (H, W) axes to ``out_hw`` with half-pixel centres and replicated edges.

    Nearest takes ``floor((dst + 0.5) * in / out)`` (OpenCV INTER_NEAREST_EXACT) and keeps any
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
        out = xp.take(img, xp.asarray(_nearest_index(in_hw[0], ho), device=dev), axis=ha)
        return xp.take(out, xp.asarray(_nearest_index(in_hw[1], wo), device=dev), axis=wa)
    x = xp.astype(img, xp.float32)
    weights = resize_weights(in_hw, (ho, wo), interpolation)
    for axis, wts in zip((ha, wa), weights, strict=True):
        if not (wts.shape[0] == wts.shape[1] and np.array_equal(wts, np.eye(wts.shape[0]))):
            x = _contract(xp, x, wts, axis)
    return _cast(xp, x, img.dtype)


# ----------------------------------------------------------------------------------------------
# warp
# ----------------------------------------------------------------------------------------------
def _source_coords(
    xp: Any, inv: np.ndarray, out_hw: tuple[int, int], affine: bool, dev: Any
) -> tuple[Any, Any]:
    """Source index coordinates ``(u, v)``, each ``(M, H_out, W_out)`` float32, for output indices."""
    ho, wo = out_hw
    a = xp.asarray(inv.astype(np.float32), device=dev)
    j = xp.reshape(xp.arange(wo, dtype=xp.float32, device=dev), (1, 1, wo))
    i = xp.reshape(xp.arange(ho, dtype=xp.float32, device=dev), (1, ho, 1))

    def row(r: int) -> Any:
        c = [xp.reshape(a[:, r, k], (-1, 1, 1)) for k in range(3)]
        return c[0] * j + c[1] * i + c[2]

    u, v = row(0), row(1)
    if not affine:
        d = row(2)
        u, v = u / d, v / d

    def clamp(t: Any) -> Any:
        return xp.clip(xp.where(xp.isnan(t), -_BIG, t), -_BIG, _BIG)

    return clamp(u), clamp(v)


def _taps(xp: Any, u: Any, interpolation: int) -> list[tuple[Any, Any]]:
    """Integer tap indices and float weights (``None`` for nearest) along one axis."""
    if interpolation == NEAREST:
        return [(xp.astype(xp.floor(u + 0.5), xp.int64), None)]
    f0 = xp.floor(u)
    x0 = xp.astype(f0, xp.int64)
    f = u - f0
    if interpolation == CUBIC:
        return [(x0 + (k - 1), wk) for k, wk in enumerate(cubic_weights(f))]
    return [(x0, 1 - f), (x0 + 1, f)]


@kernel
def warp(
    img: Any,
    /,
    matrix: Any,
    out_hw: Sequence[int],
    interpolation: int,
    border_mode: int,
    fill: Any,
) -> Any:
    """Resample ``img`` through a forward 3x3 ``matrix`` (input -> output continuous coordinates).

    ``matrix`` is host ``(3, 3)`` (one image / whole batch) or ``(N, 3, 3)`` per sample; affine when
    every last row is ``(0, 0, 1)``, else perspective. Interpolation 0/1/2 (3 acts as 1, 4 as 2);
    every tap outside the image takes the border rule (constant: ``fill``, scalar, per channel,
    ``(N,)`` or ``(N, C)``). Nearest reads pixel ``floor(x)`` of the continuous source coordinate
    (exact ``.5`` ties go up). One vectorised gather pass for the whole batch. Example: the matrix
    ``[[-1, 0, W], [0, 1, 0], [0, 0, 1]]`` with nearest equals ``hflip``.
    """
    xp = namespace(img)
    dev = device(img)
    x4 = img if img.ndim == 4 else xp.expand_dims(img, axis=0)
    n, h, w, c = x4.shape
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp = {AREA: LINEAR, LANCZOS4: CUBIC}.get(int(interpolation), int(interpolation))
    u, v = _source_coords(xp, index_inverse(matrix), (ho, wo), is_affine(matrix), dev)
    flat = xp.reshape(x4, (n * h * w, c))
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (h * w), (n, 1, 1))
    name = dtype_name(xp, img.dtype)
    fill_host = host_fill(fill, name, c, n if img.ndim == 4 else None)
    if interp != NEAREST:
        fill_host = fill_host.astype(np.float32)
    value = xp.asarray(fill_host, device=dev)

    def gather(ix: Any, iy: Any) -> Any:
        idx = base + fold_index(xp, iy, h, border_mode) * w + fold_index(xp, ix, w, border_mode)
        idx = xp.broadcast_to(idx, (n, ho, wo))
        vals = xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), (n, ho, wo, c))
        if interp != NEAREST:
            vals = xp.astype(vals, xp.float32)
        if border_mode == CONSTANT:
            inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
            vals = xp.where(xp.expand_dims(inside, axis=-1), vals, value)
        return vals

    out = None
    for iy, wy in _taps(xp, v, interp):
        for ix, wx in _taps(xp, u, interp):
            vals = gather(ix, iy)
            if wy is None:
                out = vals
                continue
            term = xp.expand_dims(wy * wx, axis=-1) * vals
            out = term if out is None else out + term
    if interp != NEAREST:
        out = _cast(xp, out, img.dtype)
    return out if img.ndim == 4 else out[0, ...]
