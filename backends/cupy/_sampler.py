"""The launch that ``warp<T>`` (affine family) and ``remap<T>`` (distortion family) share: both read an
NHWC batch at per-pixel source coordinates through ``warp.cu``'s ``xalbu_sample`` and take the same
arguments around their coordinate source (matrices or maps); this prepares the fills, the output and
the saturating range once for both."""

from __future__ import annotations

from typing import Any

import cupy
import numpy as np

from xalbu.functional._common import host_fill

from ._launch import grid

_THREADS = 256


def cast_range(name: str) -> tuple[int, float, float]:
    """(is_int, lo, hi) of the saturating cast of interpolated values (hi kept below 2**31 in float32)."""
    if name in ("float32", "bool"):
        return 0, 0.0, 0.0
    info = np.iinfo(name)
    hi = float(info.max)
    if float(np.float32(hi)) > hi:
        hi = float(np.nextafter(np.float32(hi), np.float32(0)))
    return 1, float(info.min), hi


def launch_sampler(
    kernel: Any,
    img: Any,
    coords: Any,
    coord_stride: Any,
    out_hw: tuple[int, int],
    interp: int,
    border: int,
    fill: Any,
) -> Any:
    """One launch of ``kernel`` (``warp<T>`` / ``remap<T>``) for ``img`` (HWC or NHWC) into an
    ``out_hw`` output: ``coords`` and its typed per-sample stride are the kernel's coordinate source;
    ``fill`` follows the generic kernels' rules (rounded and saturated to the dtype first; nearest taps
    read it in the image dtype, interpolated ones as float32)."""
    name = str(img.dtype)
    x4 = cupy.ascontiguousarray(img if img.ndim == 4 else img[None])
    n, h, w, c = (int(s) for s in x4.shape)
    ho, wo = int(out_hw[0]), int(out_hw[1])
    fills = host_fill(fill, name, c, n if img.ndim == 4 else None).reshape(-1, c)
    fill_dev = cupy.asarray(np.ascontiguousarray(fills, np.float32))
    fill_t_dev = cupy.asarray(np.ascontiguousarray(fills, x4.dtype))
    out = cupy.empty((n, ho, wo, c), dtype=x4.dtype)
    total = n * ho * wo
    if total:
        is_int, lo, hi = cast_range(name)
        dims = (np.int32(v) for v in (n, h, w, c, ho, wo, interp, border))
        kernel(
            *grid(total, _THREADS),
            (
                x4,
                out,
                coords,
                coord_stride,
                *dims,
                fill_dev,
                fill_t_dev,
                np.int32(c if fills.shape[0] > 1 else 0),
                np.int32(is_int),
                np.float32(lo),
                np.float32(hi),
            ),
        )
    return out if img.ndim == 4 else out[0]
