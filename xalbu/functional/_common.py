"""Helpers shared by the kernels of several families (array-API only): interpolation and border
codes, the axes of HWC / NHWC arrays, casts back to integer dtypes, fill values, border index
folding, cubic weights, and the per-sample ``select`` kernel every batch uses to keep unapplied
samples.

Interpolation and border codes are OpenCV's integers:

- interpolation: 0 nearest, 1 linear, 2 cubic (a = -0.75), 3 area, 4 lanczos4;
- border mode: 0 constant, 1 replicate, 2 reflect (``dcb|abcd|cba``), 3 wrap,
  4 reflect_101 (``dc|abcd|cb``).

Backend overrides import these helpers too (fill values, codes); nothing here is a family's kernel.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import clip, dtype_name, is_float, namespace, round_cast

Param = Any  # a Python scalar or a host NumPy array (per sample / per channel)

NEAREST, LINEAR, CUBIC, AREA, LANCZOS4 = 0, 1, 2, 3, 4
CONSTANT, REPLICATE, REFLECT, WRAP, REFLECT_101 = 0, 1, 2, 3, 4
CUBIC_A = -0.75
_INTERPOLATIONS = {NEAREST: "nearest", LINEAR: "linear", CUBIC: "cubic", AREA: "area", LANCZOS4: "lanczos4"}
_BORDERS = {
    CONSTANT: "constant",
    REPLICATE: "replicate",
    REFLECT: "reflect",
    WRAP: "wrap",
    REFLECT_101: "reflect_101",
}


def warp_codes(interpolation: Any, border_mode: Any) -> tuple[int, int]:
    """A warp's ``(interpolation, border_mode)``: area warps as linear and lanczos4 as cubic (as
    OpenCV's warps do); any other code than those above is a ``ValueError`` naming the argument.

    Every warp implementation (generic, OpenCV, CUDA) reads its codes through this, so none can
    compute something else for a code the others do not know.

    >>> warp_codes(3, 4)
    (1, 4)
    """
    for name, value, known in (
        ("interpolation", interpolation, _INTERPOLATIONS),
        ("border_mode", border_mode, _BORDERS),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) not in known:
            listed = ", ".join(f"{k} ({v})" for k, v in known.items())
            raise ValueError(f"warp: {name}: expected one of {listed}, got {value!r}")
    i = int(interpolation)
    return {AREA: LINEAR, LANCZOS4: CUBIC}.get(i, i), int(border_mode)


# The largest output image (height x width) the geometric transforms make: OpenCV 4 computes an
# image's area in a C int (``Size::area``; its resize refused larger outputs up to 3.4, opencv#5191,
# #11712), and such an image already takes 2 GiB a channel. Past 32767 pixels a side OpenCV's warps
# (remap) refuse; xalbu's warps then run the generic kernel instead.
MAX_PIXELS = 2**31 - 1


def check_output_size(name: str, hw: Sequence[int]) -> tuple[int, int]:
    """Refuse an output of more than ``MAX_PIXELS`` pixels, naming ``name`` (the arguments or the
    transform that set it), before anything is allocated.

    >>> check_output_size("Resize: height, width", (50000, 50000))
    Traceback (most recent call last):
    ...
    ValueError: Resize: height, width: an output of 50000 x 50000 = 2500000000 pixels is over the limit of 2**31 - 1 = 2147483647 pixels an image (OpenCV computes an image's area in a C int)
    """
    h, w = int(hw[0]), int(hw[1])
    if h * w > MAX_PIXELS:
        raise ValueError(
            f"{name}: an output of {h} x {w} = {h * w} pixels is over the limit of 2**31 - 1 = {MAX_PIXELS} "
            "pixels an image (OpenCV computes an image's area in a C int)"
        )
    return h, w


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
    return xp.astype(clip(xp, xp.round(x), lo, hi), dtype)


def _cast_host(values: np.ndarray, name: str) -> np.ndarray:
    """Cast host ``values`` to the NumPy dtype ``name`` as images are (round + saturate for ints)."""
    if name == "bool":
        return values != 0
    dt = np.dtype(name)
    if np.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return np.clip(np.round(values), info.min, info.max).astype(dt)
    return values.astype(dt)


def fill_channels(values: Sequence[float], channels: int) -> list[float]:
    """Per-channel fill values from a sequence, as albumentations 2.0.8 fills (OpenCV's rule).

    A scalar fills every channel (not this function). A sequence with at least one value per channel
    gives its first ``channels`` values. A shorter one is OpenCV's ``Scalar``: up to 4 values, the
    missing ones 0, and an image of more than 4 channels (warped in chunks of 4) repeats those 4
    values every 4 channels; a sequence of 5 or more values that is still too short is refused
    (OpenCV refuses more than 4 values). Example: ``(1, 2, 3)`` on 5 channels gives
    ``[1, 2, 3, 0, 1]``; ``(7,)`` on 3 channels ``[7, 0, 0]``.
    """
    vals = [float(v) for v in values]
    if len(vals) >= channels:
        return vals[:channels]
    if len(vals) > 4:
        raise ValueError(
            f"fill: {len(vals)} values for a {channels}-channel image; give one value, one per channel, "
            "or up to 4 (OpenCV's rule, which albumentations follows: missing values are 0, and every "
            "4 channels repeat them)"
        )
    scalar = vals + [0.0] * (4 - len(vals))
    return [scalar[c % 4] for c in range(channels)]


def channel_values(value: Any, channels: int) -> Any:
    """A per-channel parameter (``Normalize``'s mean and std) for a ``channels``-channel image, as
    albumentations 2.0.8 reads it: a number stays a number; a sequence with one value, or with fewer
    values than the image has channels, or on a 1-channel image, becomes its first value (a number);
    a longer one gives its first ``channels`` values (a tuple).

    >>> channel_values((0.1, 0.2, 0.3), 5), channel_values((0.1, 0.2, 0.3), 2)
    (0.1, (0.1, 0.2))
    """
    if isinstance(value, tuple):  # what transforms store: one cached lookup per call
        return _channel_values(value, channels)
    if not isinstance(value, (list, np.ndarray)):
        return value
    return _channel_values(tuple(float(v) for v in np.asarray(value, np.float64).reshape(-1)), channels)


@functools.lru_cache(maxsize=256)
def _channel_values(value: tuple[float, ...], channels: int) -> float | tuple[float, ...]:
    if len(value) == 1 or channels == 1 or len(value) < channels:
        return value[0]
    return value[:channels]


def host_fill(fill: Any, name: str, channels: int, n: int | None = None) -> np.ndarray:
    """Fill value(s) as a host array of dtype ``name`` shaped ``(C,)`` or ``(N, 1, 1, C)``.

    ``fill`` is a scalar, a per-channel sequence, or (in a batch of ``n``) a per-sample NumPy array
    ``(N,)`` or ``(N, C)``: a NumPy array whose first axis is N is per sample, a list/tuple never is.
    A scalar fills every channel; a sequence follows :func:`fill_channels` (albumentations' rule:
    extra values are ignored, missing ones are 0 up to 4 values, repeated every 4 channels); integer
    dtypes are rounded and saturated. The result may be shared between calls (read-only). Example:
    ``host_fill((1, 300), "uint8", 2)`` is ``array([1, 255], dtype=uint8)``.
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
        if per.shape[1] == 1:  # one value per sample: every channel
            out = np.broadcast_to(per, (n, channels))
        else:
            out = np.array([fill_channels(row, channels) for row in per])
        arr = out.reshape(n, 1, 1, channels)
    elif arr.ndim == 0:
        arr = np.full((channels,), float(arr))
    else:
        arr = np.array(fill_channels(arr.reshape(-1), channels))
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
    return clip(xp, i, 0, n - 1)


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


__all__: Sequence[str] = (
    "AREA",
    "CONSTANT",
    "CUBIC",
    "CUBIC_A",
    "LANCZOS4",
    "LINEAR",
    "NEAREST",
    "REFLECT",
    "REFLECT_101",
    "REPLICATE",
    "WRAP",
    "MAX_PIXELS",
    "channel_values",
    "check_output_size",
    "cubic_weights",
    "fill_channels",
    "fold_index",
    "host_fill",
    "select",
)


def _axis_taps(xp: Any, u: Any, interpolation: int) -> list[tuple[Any, Any]]:
    """Integer tap indices and float weights (``None`` for nearest) along one axis."""
    if interpolation == NEAREST:
        return [(xp.astype(xp.floor(u + 0.5), xp.int64), None)]
    f0 = xp.floor(u)
    x0 = xp.astype(f0, xp.int64)
    f = u - f0
    if interpolation == CUBIC:
        return [(x0 + (k - 1), wk) for k, wk in enumerate(cubic_weights(f))]
    return [(x0, 1 - f), (x0 + 1, f)]


def sample_at(img: Any, u: Any, v: Any, interp: int, border_mode: int, fill: Any) -> Any:
    """``img`` (HWC or NHWC) read at source coordinates ``u``, ``v`` (float32 ``(N or 1, Ho, Wo)``,
    finite), the one resampler of the warp and remap kernels: nearest reads ``floor(x + 0.5)``,
    linear and cubic (a = -0.75) sum their taps in float32; taps outside the image take the border
    rule (constant: ``fill``, scalar, per channel, ``(N,)`` or ``(N, C)``); ``interp`` and
    ``border_mode`` are already :func:`warp_codes`. Output in ``img``'s dtype and layout."""
    from array_api_compat import device

    from xalbu.functional._utils import dtype_name, namespace

    xp = namespace(img)
    dev = device(img)
    x4 = img if img.ndim == 4 else xp.expand_dims(img, axis=0)
    n, h, w, c = x4.shape
    ho, wo = u.shape[-2], u.shape[-1]
    flat = xp.reshape(x4, (n * h * w, c))
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (h * w), (n, 1, 1))
    fill_host = host_fill(fill, dtype_name(xp, img.dtype), c, n if img.ndim == 4 else None)
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
            inside = xp.broadcast_to((ix >= 0) & (ix < w) & (iy >= 0) & (iy < h), (n, ho, wo))
            vals = xp.where(xp.expand_dims(inside, axis=-1), vals, value)
        return vals

    out = None
    for iy, wy in _axis_taps(xp, v, interp):
        for ix, wx in _axis_taps(xp, u, interp):
            vals = gather(ix, iy)
            if wy is None:
                out = vals
                continue
            term = xp.expand_dims(wy * wx, axis=-1) * vals
            out = term if out is None else out + term
    if interp != NEAREST:
        out = _cast(xp, out, img.dtype)
    return out if img.ndim == 4 else out[0, ...]
