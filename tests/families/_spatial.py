"""Helpers shared by the spatial kernel families' tests (flips, crops, sizing, affine): tiny images,
forward matrices, and comparisons of an OpenCV override with its generic kernel.

Golden tests run through the ``xp`` fixture, so NumPy inputs reach the OpenCV overrides and
``array_api_strict`` inputs reach the generic kernels. Parity tests compare, on NumPy inputs, each
override (``kernel(...)``) with the generic kernel (``kernel.generic(...)``).

Parity tolerances (absolute, per pixel):
- exact: flips, transpose, rot90, crop, pad, nearest resize, nearest/any warp on an integer grid;
- interpolated resize and warp: uint8 +-1 (OpenCV fixed-point weights), uint16 +-8 (OpenCV's 15-bit
  remap weights), float32 1e-4;
- nearest warp with a non-integer map: at most 1% of the pixels may differ (the override nudges
  coordinates by 1/1024 px so that OpenCV breaks exact ties upwards too);
- rotations/perspective with linear/cubic on a smooth image: the base tolerance plus the image's
  largest gradient times 1/16 px (OpenCV < 5 quantises warp positions to 1/32 px), and at most 2%
  of the pixels (edge pixels next to a constant border) outside that.
"""

from __future__ import annotations

import numpy as np
import pytest

RAMP = np.array([[0, 1, 2], [3, 4, 5]])  # 2 x 3


def hwc(a, dtype=np.uint8) -> np.ndarray:
    """A 2-D list/array as an HWC image with one channel."""
    return np.asarray(a, dtype=dtype)[..., None]


def run(xp, fn, img: np.ndarray, *args, **kwargs) -> np.ndarray:
    """Call kernel ``fn`` on ``img`` converted to backend ``xp``; return NumPy, checking the dtype."""
    out = xp.to_numpy(fn(xp.asarray(img), *args, **kwargs))
    assert out.dtype == img.dtype
    return out


def shift(tx: float, ty: float) -> np.ndarray:
    return np.array([[1.0, 0.0, tx], [0.0, 1.0, ty], [0.0, 0.0, 1.0]])


def rotation(deg: float, in_hw, out_hw, scale: float = 1.0) -> np.ndarray:
    """Forward matrix rotating (counter-clockwise on screen) about the input centre onto the output centre."""
    t = np.deg2rad(deg)
    c, s = np.cos(t) * scale, np.sin(t) * scale
    r = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    return shift(out_hw[1] / 2, out_hw[0] / 2) @ r @ shift(-in_hw[1] / 2, -in_hw[0] / 2)


TOL = {np.uint8: 1.0, np.uint16: 8.0, np.float32: 1e-4}
CASES = [
    pytest.param(dtype, c, batched, id=f"{np.dtype(dtype).name}-c{c}-{'nhwc' if batched else 'hwc'}")
    for dtype in (np.uint8, np.uint16, np.float32)
    for c in (1, 3, 6)
    for batched in (False, True)
]


def random_image(dtype, c: int, batched: bool, hw=(13, 17), seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (3, *hw, c) if batched else (*hw, c)
    if dtype == np.float32:
        return rng.random(shape, dtype=np.float32)
    return rng.integers(0, np.iinfo(dtype).max + 1, shape).astype(dtype)


def smooth_image(dtype, c: int, batched: bool, hw=(13, 17)) -> np.ndarray:
    """Low-frequency sinusoids (different per channel and sample) scaled to the dtype's range."""
    yy, xx = np.mgrid[0 : hw[0], 0 : hw[1]].astype(np.float64)
    n = 3 if batched else 1
    planes = [
        0.5 + 0.4 * np.sin(2 * np.pi * (xx / (9 + k) + s / 5)) * np.cos(2 * np.pi * yy / (11 + k + s))
        for s in range(n)
        for k in range(c)
    ]
    x = np.stack(planes, axis=-1).reshape(*hw, n, c).transpose(2, 0, 1, 3)
    x = x if batched else x[0]
    top = 1.0 if dtype == np.float32 else np.iinfo(dtype).max
    return (x * top).astype(np.float32) if dtype == np.float32 else np.round(x * top).astype(dtype)


def max_gradient(img: np.ndarray) -> float:
    x = img.astype(np.float64)
    return float(max(np.abs(np.diff(x, axis=-2)).max(initial=0), np.abs(np.diff(x, axis=-3)).max(initial=0)))


def override_and_generic(kernel, img: np.ndarray, *args):
    out = kernel(img, *args)
    ref = np.asarray(kernel.generic(img, *args))
    assert out.dtype == img.dtype and out.shape == ref.shape, (out.shape, ref.shape)
    assert not np.shares_memory(out, img), "overrides return fresh arrays"
    return out, ref


def assert_close(out: np.ndarray, ref: np.ndarray, tol: float, max_outliers: float = 0.0, msg: str = ""):
    diff = np.abs(out.astype(np.float64) - ref.astype(np.float64))
    bad = np.mean(diff > tol)
    assert bad <= max_outliers, f"{msg}: {bad:.2%} of values off by > {tol} (max {diff.max()})"
