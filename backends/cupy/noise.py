"""CuPy overrides of the noise kernels (CUDA sources in ``kernels/``: ``noise.cu`` after the Philox
rounds of ``random_philox.cu``).

``add_noise`` and ``multiply_noise`` (``op`` 1): one launch for the whole batch, one thread per Philox block of a sample's field (16
values), each generating its bits, looking them up in the distribution's table (uploaded once per
process) and adding ``table * scale + offset`` to the pixels (all channels of a pixel when the field
is shared). Per-sample seeds, scales and offsets go up as three small arrays; the samples a batch does
not apply carry scale and offset 0. Same float32 arithmetic as the generic kernel (no FMA), so equal
bit for bit. A reduced-size field (``field_hw``) is left to the generic kernel (which runs on CuPy
with the Philox override above). ``multiply_channels`` and ``add_channels``: uint8 through the shared per-sample lookup
tables of :mod:`._lut` (others: the generic kernel's elementwise CuPy calls). ``iso_noise``: one
launch after CuPy's own reductions for each image's lightness spread. ``salt_and_pepper``, ``shot_noise``:
one launch each. ``film_grain``: the Philox bits, then one fused launch (``film_grain.cu``). No host
sync, no per-sample loop.
"""

from __future__ import annotations

import functools
from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import noise as F

from ._launch import grid
from ._lut import _lut_override
from ._random import OPTIONS, with_philox
from .kernels import source

_TYPES = {"uint8": "unsigned char", "uint16": "unsigned short", "float32": "float"}
_RANGE = {"uint8": (1, 255.0), "uint16": (1, 65535.0), "float32": (0, 1.0)}
_NAMES = tuple(
    f"{k}<{t}>" for k in ("add_noise", "iso_noise", "salt_and_pepper", "shot_noise") for t in _TYPES.values()
)


@functools.cache
def _module() -> cupy.RawModule:
    return cupy.RawModule(code=with_philox("noise.cu"), options=OPTIONS, name_expressions=list(_NAMES))


def _seeded(img: Any, seed: Any, channels: int | None = None) -> tuple[Any, np.ndarray] | None:
    """``img`` as a contiguous NHWC batch and its per-sample seeds, or ``None`` where the kernels do
    not take it (dtype, rank, channel count, or not one seed per sample)."""
    if str(img.dtype) not in _TYPES or img.ndim not in (3, 4):
        return None
    if channels is not None and int(img.shape[-1]) != channels:
        return None
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    seeds = R.seeds_array(seed)
    return (x4, seeds) if seeds.shape[0] == x4.shape[0] else None


@functools.cache
def _table(dist: str) -> Any:
    return cupy.asarray(F.table(dist))


def _noisy(img: Any, seed: Any, dist: Any, s: Any, o: Any, per_channel: bool, op: int) -> Any:
    """One ``add_noise<T>`` launch: ``s``/``o`` float32 levels (scalars or ``(N,)``)."""
    name = str(img.dtype)
    if (batch := _seeded(img, seed)) is None:
        return NotImplemented
    x4, seeds = batch
    n, h, w, c = (int(v) for v in x4.shape)
    is_int, hi = _RANGE[name]
    ss = np.ascontiguousarray(np.broadcast_to(np.asarray(s, np.float32).reshape(-1), (n,)))
    oo = np.ascontiguousarray(np.broadcast_to(np.asarray(o, np.float32).reshape(-1), (n,)))
    if isinstance(dist, np.ndarray):  # tables given by the caller: one per sample when 2-D
        if dist.ndim == 2 and dist.shape[0] != n:
            return NotImplemented
        tab, stride = cupy.asarray(np.ascontiguousarray(dist, np.float32)), 65536 if dist.ndim == 2 else 0
    else:
        tab, stride = _table(dist), 0
    out = cupy.empty_like(x4)
    plane = h * w * c
    nblocks = R.blocks(plane if per_channel else h * w)
    if n * nblocks:
        _module().get_function(f"add_noise<{_TYPES[name]}>")(
            *grid(n * nblocks),
            (
                x4,
                out,
                cupy.asarray(seeds),
                tab,
                np.int64(stride),
                cupy.asarray(ss),
                cupy.asarray(oo),
                np.int32(1),
                np.int32(n),
                np.int64(plane),
                np.int32(c),
                np.int32(bool(per_channel)),
                np.int64(nblocks),
                np.int32(is_int),
                np.float32(hi),
                np.int32(op),
            ),
        )
    return out if img.ndim == 4 else out[0]


@register(F.add_noise, "cupy")
def add_noise(
    img: Any,
    /,
    seed: Any,
    dist: str,
    scale: Any,
    offset: Any,
    per_channel: bool,
    field_hw: Any = None,
) -> Any:
    if str(img.dtype) not in _RANGE:
        return NotImplemented
    if field_hw is not None and tuple(int(v) for v in field_hw) != tuple(int(v) for v in img.shape[-3:-1]):
        return NotImplemented
    mx = _RANGE[str(img.dtype)][1]
    return _noisy(img, seed, dist, F.levels(scale, mx), F.levels(offset, mx), per_channel, 0)


@register(F.multiply_noise, "cupy")
def multiply_noise(img: Any, /, seed: Any, low: Any, high: Any, per_channel: bool) -> Any:
    span = F.levels(np.asarray(high, np.float64) - np.asarray(low, np.float64), 1.0)
    return _noisy(img, seed, "uniform", span, F.levels(low, 1.0), per_channel, 1)


_lut_override(F.multiply_channels)
_lut_override(F.add_channels)


@register(F.iso_noise, "cupy")
def iso_noise(img: Any, /, seed: Any, color_shift: Any, intensity: Any) -> Any:
    """One launch for the pixels (after a few reductions for each image's lightness spread: CuPy's
    own kernels, a fixed number whatever the batch size)."""
    name = str(img.dtype)
    if (batch := _seeded(img, seed, channels=3)) is None:
        return NotImplemented
    x4, seeds = batch
    n, h, w, _ = (int(s) for s in x4.shape)
    inten = np.broadcast_to(np.asarray(intensity, np.float64), (n,))
    shift = np.broadcast_to(np.asarray(color_shift, np.float64), (n,)) * 360.0 * inten
    is_int, mx = _RANGE[name]
    x = x4.astype(cupy.float32)
    x = cupy.minimum(cupy.maximum(x, 0.0), 1.0) if not is_int else x / mx
    vmax = cupy.maximum(cupy.maximum(x[..., 0], x[..., 1]), x[..., 2])
    lum = (vmax + cupy.minimum(cupy.minimum(x[..., 0], x[..., 1]), x[..., 2])) * 0.5  # the generic's L
    lam = F.iso_std(cupy, lum).reshape(n) * cupy.asarray(inten * F.ISO_LEVELS)
    out = cupy.empty_like(x4)
    nblocks = R.blocks(2 * h * w)
    if n * nblocks:
        _module().get_function(f"iso_noise<{_TYPES[name]}>")(
            *grid(n * nblocks),
            (
                x4,
                out,
                cupy.asarray(seeds),
                _table("normal"),
                _table("uniform"),
                cupy.asarray(np.asarray(F.levels(shift, 1.0), np.float32).reshape(n)),
                lam,
                cupy.asarray((inten != 0).astype(np.int32)),
                np.int32(F.poisson_bound(float(np.max(inten)) * F.ISO_LEVELS * 0.5)),
                np.int32(n),
                np.int64(h * w),
                np.int64(nblocks),
                np.int32(is_int),
                np.float32(mx),
            ),
        )
    return out if img.ndim == 4 else out[0]


@register(F.salt_and_pepper, "cupy")
def salt_and_pepper(img: Any, /, seed: Any, salt: Any, noisy: Any) -> Any:
    """One launch, one thread per Philox block of a sample's pixels (16 pixels)."""
    name = str(img.dtype)
    if (batch := _seeded(img, seed)) is None:
        return NotImplemented
    x4, seeds = batch
    n, h, w, c = (int(v) for v in x4.shape)
    ss = np.ascontiguousarray(np.broadcast_to(np.asarray(salt, np.int32).reshape(-1), (n,)))
    nn = np.ascontiguousarray(np.broadcast_to(np.asarray(noisy, np.int32).reshape(-1), (n,)))
    top = np.dtype(name).type(_RANGE[name][1])
    out = cupy.empty_like(x4)
    nblocks = R.blocks(h * w)
    if n * nblocks:
        _module().get_function(f"salt_and_pepper<{_TYPES[name]}>")(
            *grid(n * nblocks),
            (
                x4,
                out,
                cupy.asarray(seeds),
                cupy.asarray(ss),
                cupy.asarray(nn),
                np.int32(n),
                np.int64(h * w),
                np.int32(c),
                np.int64(nblocks),
                top,
            ),
        )
    return out if img.ndim == 4 else out[0]


@register(F.shot_noise, "cupy")
def shot_noise(img: Any, /, seed: Any, scale: Any) -> Any:
    """One launch, one thread per Philox block of a sample's values (16 pixel-channels)."""
    name = str(img.dtype)
    if (batch := _seeded(img, seed)) is None:
        return NotImplemented
    x4, seeds = batch
    n, h, w, c = (int(v) for v in x4.shape)
    s = np.ascontiguousarray(np.broadcast_to(np.asarray(scale, np.float64).reshape(-1), (n,)))
    is_int, mx = _RANGE[name]
    out = cupy.empty_like(x4)
    plane = h * w * c
    nblocks = R.blocks(plane)
    if n * nblocks:
        _module().get_function(f"shot_noise<{_TYPES[name]}>")(
            *grid(n * nblocks),
            (
                x4,
                out,
                cupy.asarray(seeds),
                _table("normal"),
                _table("uniform"),
                cupy.asarray(s),
                np.int32(F.shot_terms(s)),
                np.int32(n),
                np.int64(plane),
                np.int64(nblocks),
                np.int32(is_int),
                np.float32(mx),
                np.float32(F.SHOT_GAMMA),
                np.float32(1.0 / F.SHOT_GAMMA),
                np.float64(F.SHOT_NORMAL_ABOVE),
            ),
        )
    return out if img.ndim == 4 else out[0]


# --------------------------------------------------------------------------------------------- film grain
@functools.cache
def _grain_module() -> cupy.RawModule:
    names = [f"film_grain<{t}>" for t in _TYPES.values()]
    return cupy.RawModule(code=source("film_grain.cu"), options=OPTIONS, name_expressions=names)


@register(F.film_grain, "cupy")
def film_grain(img: Any, /, seed: Any, intensity: Any, grain_size: Any) -> Any:
    """Two launches for the whole batch: the Philox bits (``philox_u16``), then ``film_grain<T>``
    (table lookup, linear resize, luminance weight and saturating add fused, one thread per pixel)."""
    name = str(img.dtype)
    if (batch := _seeded(img, seed)) is None:
        return NotImplemented
    x4, seeds = batch
    n, h, w, c = (int(v) for v in x4.shape)
    is_int, hi = _RANGE[name]
    fh, fw = (
        np.ascontiguousarray(np.broadcast_to(v, (n,)), np.int32) for v in F.grain_shape(h, w, grain_size)
    )
    count = int(np.max(fh.astype(np.int64) * fw))
    bits = R.philox_u16(x4, seeds, count)
    s = np.ascontiguousarray(
        np.broadcast_to(np.asarray(F.levels(intensity, hi), np.float32).reshape(-1), (n,))
    )
    out = cupy.empty_like(x4)
    if n * h * w:
        _grain_module().get_function(f"film_grain<{_TYPES[name]}>")(
            *grid(n * h * w),
            (
                x4,
                out,
                bits,
                np.int64(count),
                _table("normal"),
                cupy.asarray(s),
                cupy.asarray(fh),
                cupy.asarray(fw),
                np.int32(n),
                np.int32(h),
                np.int32(w),
                np.int32(c),
                np.int32(is_int),
                np.float32(hi),
                np.float32(1.0 / hi),
                np.float32(1.0 / c),
            ),
        )
    return out if img.ndim == 4 else out[0]
