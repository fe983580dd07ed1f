"""Geometric kernels: hand-computed golden vectors over every backend, and override parity.

Golden tests run through the ``xp`` fixture, so NumPy inputs reach the OpenCV overrides and
``array_api_strict`` inputs reach the generic kernels. Parity tests compare, on NumPy inputs, each
override (``G.kernel(...)``) with the generic kernel (``G.kernel.generic(...)``).

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

import importlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xalbu.functional import geometric as G

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
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


def flatten(x) -> int:
    return int(np.asarray(x).size)


# --------------------------------------------------------------------------------------------------
# golden: flips, transpose, rot90, select, crop
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kernel", "args", "expected"),
    [
        (G.hflip, (), [[2, 1, 0], [5, 4, 3]]),
        (G.vflip, (), [[3, 4, 5], [0, 1, 2]]),
        (G.transpose, (), [[0, 3], [1, 4], [2, 5]]),
        (G.rot90, (0,), [[0, 1, 2], [3, 4, 5]]),
        (G.rot90, (1,), [[2, 5], [1, 4], [0, 3]]),
        (G.rot90, (2,), [[5, 4, 3], [2, 1, 0]]),
        (G.rot90, (3,), [[3, 0], [4, 1], [5, 2]]),
        (G.rot90, (-1,), [[3, 0], [4, 1], [5, 2]]),
        (G.rot90, (6,), [[5, 4, 3], [2, 1, 0]]),
    ],
)
def test_flips_golden(xp, kernel, args, expected):
    img = hwc(RAMP)
    np.testing.assert_array_equal(run(xp, kernel, img, *args), hwc(expected))
    batch = np.stack([img, img + 10])  # NHWC: the same op on every sample
    np.testing.assert_array_equal(
        run(xp, kernel, batch, *args), np.stack([hwc(expected), hwc(expected) + 10])
    )


@pytest.mark.parametrize("dtype", [np.uint16, np.int32, np.int64, np.bool_, np.float32])
def test_flips_keep_values_any_dtype(xp, dtype):
    vals = np.array([[0, 65535, 1], [65534, 40000, 7]]) if dtype == np.uint16 else RAMP
    vals = vals % 2 if dtype == np.bool_ else vals
    vals = vals * 100000 - 3 if dtype in (np.int32, np.int64) else vals
    img = np.stack([vals, vals[::-1]], axis=-1).astype(dtype)  # two channels
    np.testing.assert_array_equal(run(xp, G.hflip, img), img[:, ::-1])
    np.testing.assert_array_equal(run(xp, G.vflip, img), img[::-1])
    np.testing.assert_array_equal(run(xp, G.transpose, img), img.transpose(1, 0, 2))
    for k in range(4):
        np.testing.assert_array_equal(run(xp, G.rot90, img, k), np.rot90(img, k))


def test_select_golden(xp):
    a = np.ones((3, 2, 2, 1), np.uint8)
    out = run(xp, G.select, a, xp.asarray(a * 2), np.array([True, False, True]))
    np.testing.assert_array_equal(out[:, 0, 0, 0], [1, 2, 1])


def test_crop_golden(xp):
    img = hwc(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(run(xp, G.crop, img, 1, 0, 3, 2), hwc([[1, 2], [5, 6]]))
    batch = np.stack([img, img + 20])
    out = run(xp, G.crop, batch, 2, 1, 4, 3)
    np.testing.assert_array_equal(out[..., 0], [[[6, 7], [10, 11]], [[26, 27], [30, 31]]])


# --------------------------------------------------------------------------------------------------
# golden: pad
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0, [9, 9, 1, 2, 3, 9, 9]),  # constant
        (1, [1, 1, 1, 2, 3, 3, 3]),  # replicate
        (2, [2, 1, 1, 2, 3, 3, 2]),  # reflect        dcb|abcd|cba
        (3, [2, 3, 1, 2, 3, 1, 2]),  # wrap
        (4, [3, 2, 1, 2, 3, 2, 1]),  # reflect_101    dc|abcd|cb
    ],
)
def test_pad_row_golden(xp, mode, expected):
    row = hwc([[1, 2, 3]])
    np.testing.assert_array_equal(run(xp, G.pad, row, 0, 0, 2, 2, mode, 9), hwc([expected]))


@pytest.mark.parametrize("mode", [1, 2, 3, 4])
def test_pad_vertical_single_row(xp, mode):
    """Padding a one-row image vertically repeats that row whatever the (non-constant) rule."""
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 1, 2, 0, 0, mode, 0)
    np.testing.assert_array_equal(out, hwc([[1, 2, 3]] * 4))


def test_pad_per_channel_fill_and_batch(xp):
    img = np.zeros((2, 1, 1, 2), np.uint8)
    img[1] = 50
    out = run(xp, G.pad, img, 1, 0, 0, 1, 0, (7, 300))  # 300 saturates to 255
    assert out.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(out[:, 0, 0], [[7, 255], [7, 255]])
    np.testing.assert_array_equal(out[:, 1, 1], [[7, 255], [7, 255]])
    np.testing.assert_array_equal(out[:, 1, 0], [[0, 0], [50, 50]])


def test_pad_wide_reflect(xp):
    """Pads wider than the image fold repeatedly."""
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 5, 5, 4, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 4, 4, 2, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1])
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 4, 4, 3, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1])


# --------------------------------------------------------------------------------------------------
# golden: resize
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_resize_linear_2x2_to_4x4(xp, dtype):
    """Weights per axis: rows [1, 0], [.75, .25], [.25, .75], [0, 1] (edges replicate)."""
    img = hwc([[0, 4], [8, 12]], dtype)
    expected = [[0, 1, 3, 4], [2, 3, 5, 6], [6, 7, 9, 10], [8, 9, 11, 12]]
    np.testing.assert_allclose(run(xp, G.resize, img, (4, 4), 1), hwc(expected, dtype), atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_resize_area_4x4_to_2x2(xp, dtype):
    img = hwc(4 * np.arange(16).reshape(4, 4), dtype)
    np.testing.assert_allclose(run(xp, G.resize, img, (2, 2), 3), hwc([[10, 18], [42, 50]], dtype), atol=1e-6)


def test_resize_area_fractional(xp):
    """Width 3 -> 2: out0 = (a + b / 2) / 1.5, out1 = (b / 2 + c) / 1.5."""
    out = run(xp, G.resize, hwc([[0, 3, 6]], np.float32), (1, 2), 3)
    np.testing.assert_allclose(out[0, :, 0], [1.0, 5.0], atol=1e-6)


def test_resize_cubic_golden(xp):
    """Width 2 -> 4 with a = -0.75: src -0.25, 0.25, 0.75, 1.25; no clipping for float32."""
    out = run(xp, G.resize, hwc([[0, 1]], np.float32), (1, 4), 2)
    np.testing.assert_allclose(out[0, :, 0], [-0.10546875, 0.2265625, 0.7734375, 1.10546875], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.bool_])
def test_resize_nearest_golden(xp, dtype):
    img = hwc([[1, 2], [3, 0]], dtype)
    expected = hwc([[1, 2, 2], [3, 0, 0], [3, 0, 0]], dtype)  # src = floor((d + .5) * 2 / 3) = 0, 1, 1
    np.testing.assert_array_equal(run(xp, G.resize, img, (3, 3), 0), expected)
    up = run(xp, G.resize, hwc(RAMP, dtype), (4, 6), 0)
    np.testing.assert_array_equal(up, hwc(np.repeat(np.repeat(RAMP, 2, 0), 2, 1), dtype))
    down = run(xp, G.resize, hwc(np.arange(16).reshape(4, 4), dtype), (2, 2), 0)  # src 1, 3
    np.testing.assert_array_equal(down, hwc([[5, 7], [13, 15]], dtype))


def test_resize_batch_and_identity(xp):
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 256, (2, 5, 6, 3), dtype=np.uint8)
    for interp in range(5):
        np.testing.assert_array_equal(run(xp, G.resize, batch, (5, 6), interp), batch)
    out = run(xp, G.resize, batch, (10, 12), 1)
    assert out.shape == (2, 10, 12, 3)
    np.testing.assert_array_equal(out[1], run(xp, G.resize, batch[1], (10, 12), 1))


# --------------------------------------------------------------------------------------------------
# golden: warp
# --------------------------------------------------------------------------------------------------
GRID = np.array([[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24]])  # 3 x 4


@pytest.mark.parametrize("interp", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_warp_integer_translation(xp, interp, dtype):
    img = hwc(GRID, dtype)
    out = run(xp, G.warp, img, shift(1, 1), (3, 4), interp, 0, 99)
    np.testing.assert_array_equal(out, hwc([[99, 99, 99, 99], [99, 1, 2, 3], [99, 11, 12, 13]], dtype))
    out = run(xp, G.warp, img, shift(-2, 0), (3, 4), interp, 0, 99)
    np.testing.assert_array_equal(out, hwc([[3, 4, 99, 99], [13, 14, 99, 99], [23, 24, 99, 99]], dtype))
    out = run(xp, G.warp, img, shift(-2, 0), (3, 4), interp, 1, 99)  # replicate
    np.testing.assert_array_equal(out, hwc([[3, 4, 4, 4], [13, 14, 14, 14], [23, 24, 24, 24]], dtype))


@pytest.mark.parametrize(("mode", "row"), [(2, [3, 4, 4, 3]), (3, [3, 4, 1, 2]), (4, [3, 4, 3, 2])])
def test_warp_border_modes(xp, mode, row):
    out = run(xp, G.warp, hwc(GRID), shift(-2, 0), (3, 4), 1, mode, 0)
    np.testing.assert_array_equal(out[0, :, 0], row)


@pytest.mark.parametrize("hw", [(4, 4), (3, 5)])
@pytest.mark.parametrize(("deg", "k"), [(90, 1), (-90, 3), (180, 2)])
def test_warp_rotation_equals_rot90(xp, hw, deg, k):
    img = np.random.default_rng(1).integers(0, 256, (*hw, 3), dtype=np.uint8)
    out_hw = hw if k == 2 else hw[::-1]
    m = rotation(deg, hw, out_hw)  # built with cos/sin: entries like 6e-17 instead of 0
    np.testing.assert_array_equal(run(xp, G.warp, img, m, out_hw, 0, 0, 0), np.rot90(img, k))


@pytest.mark.parametrize("interp", [0, 1, 2])
def test_warp_hflip_matrix_equals_hflip(xp, interp):
    img = np.random.default_rng(2).integers(0, 65536, (3, 5, 2)).astype(np.uint16)
    m = np.array([[-1.0, 0.0, 5.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(run(xp, G.warp, img, m, (3, 5), interp, 0, 0), img[:, ::-1])


@pytest.mark.parametrize("c", [1, 2, 3])
def test_warp_nearest_ties_round_up(xp, c):
    """A 2x downscale samples source x = 2j + 1 exactly between two pixel centres: floor(x) picks 2j + 1."""
    img = np.repeat(np.arange(8, dtype=np.uint8).reshape(1, 8, 1), c, axis=-1)
    out = run(xp, G.warp, img, np.diag([0.5, 1.0, 1.0]), (1, 4), 0, 1, 0)
    np.testing.assert_array_equal(out[0, :, 0], [1, 3, 5, 7])
    out = run(xp, G.warp, img, shift(-0.5, 0), (1, 8), 0, 1, 0)  # x = j + 1: ties again
    np.testing.assert_array_equal(out[0, :, 0], [1, 2, 3, 4, 5, 6, 7, 7])


@pytest.mark.parametrize("interp", [0, 1])
def test_warp_perspective_scaled_identity(xp, interp):
    img = np.random.default_rng(3).random((4, 5, 3), dtype=np.float32)
    m = np.diag([2.0, 2.0, 2.0])  # last row (0, 0, 2): the perspective path, identity map
    np.testing.assert_array_equal(run(xp, G.warp, img, m, (4, 5), interp, 0, 0.5), img)


def test_warp_batch_per_sample_matrices(xp):
    rng = np.random.default_rng(4)
    batch = rng.integers(0, 256, (2, 6, 7, 3), dtype=np.uint8)
    mats = np.stack([rotation(20, (6, 7), (5, 8), 1.1), shift(1.5, -0.25)])
    out = run(xp, G.warp, batch, mats, (5, 8), 1, 0, (1, 2, 3))
    for n in range(2):
        np.testing.assert_array_equal(out[n], run(xp, G.warp, batch[n], mats[n], (5, 8), 1, 0, (1, 2, 3)))
    shared = run(xp, G.warp, batch, mats[0], (5, 8), 2, 4, 0)  # one matrix for the whole batch
    np.testing.assert_array_equal(shared[1], run(xp, G.warp, batch[1], mats[0], (5, 8), 2, 4, 0))


@pytest.mark.parametrize("interp", [0, 1])
def test_warp_per_sample_fill(xp, interp):
    batch = np.full((2, 2, 3, 2), 100, np.uint8)
    out = run(xp, G.warp, batch, shift(1, 0), (2, 3), interp, 0, np.array([[5, 6], [7, 8]]))
    np.testing.assert_array_equal(out[:, :, 0], [[[5, 6], [5, 6]], [[7, 8], [7, 8]]])
    np.testing.assert_array_equal(out[:, :, 1:], 100)
    out = run(xp, G.warp, batch, shift(0, -1), (2, 3), interp, 0, np.array([5, 300]))  # (N,), saturated
    np.testing.assert_array_equal(out[:, 1], [[[5, 5]] * 3, [[255, 255]] * 3])
    np.testing.assert_array_equal(out[:, 0], 100)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_warp_full_range_no_overflow(xp, dtype):
    top = np.iinfo(dtype).max
    flat = np.full((6, 7, 3), top, dtype)
    m = rotation(30, (6, 7), (6, 7), 1.3)
    for interp in (0, 1, 2):
        np.testing.assert_array_equal(run(xp, G.warp, flat, m, (6, 7), interp, 1, 0), flat)
    step = np.zeros((6, 7, 1), dtype)
    step[:, 3:] = top
    out = run(xp, G.warp, step, shift(0.4, 0), (6, 7), 2, 1, 0)  # cubic overshoots: saturated, not wrapped
    assert out[:, 4:].min() == top and out[:, :2].max() == 0
    np.testing.assert_array_equal(run(xp, G.vflip, step), step[::-1])


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_])
def test_warp_masks_nearest(xp, dtype):
    vals = np.array([[-5, 100000, 7, 0], [3, 70000, -2, 9], [1, 2, 3, 4]])
    mask = hwc(vals % 2 if dtype == np.bool_ else vals, dtype)
    m = np.array([[-1.0, 0.0, 4.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(run(xp, G.warp, mask, m, (3, 4), 0, 0, 0), mask[:, ::-1])
    out = run(xp, G.warp, mask, shift(0, 2), (3, 4), 0, 0, 0)
    np.testing.assert_array_equal(out[2:], mask[:1])
    np.testing.assert_array_equal(out[:2], np.zeros_like(mask[:2]))


# --------------------------------------------------------------------------------------------------
# properties (generic on the strict namespace, overrides on NumPy)
# --------------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    pads=st.tuples(*[st.integers(0, 7)] * 4),
    mode=st.integers(0, 4),
)
def test_pad_then_crop_roundtrip(h, w, pads, mode):
    import array_api_strict as xps

    img = np.arange(h * w * 2, dtype=np.uint8).reshape(h, w, 2)
    top, bottom, left, right = pads
    for arr, to_np in ((img, np.asarray), (xps.asarray(img), np.asarray)):
        out = G.pad(arr, top, bottom, left, right, mode, 3)
        assert out.shape == (h + top + bottom, w + left + right, 2)
        back = to_np(G.crop(out, left, top, left + w, top + h))
        np.testing.assert_array_equal(back, img)
    np.testing.assert_array_equal(G.pad(img, *pads, mode, 3), np.asarray(G.pad.generic(img, *pads, mode, 3)))


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), interp=st.integers(0, 4), mode=st.integers(0, 4))
def test_warp_identity(h, w, interp, mode):
    img = np.random.default_rng(h * 10 + w).integers(0, 256, (h, w, 3), dtype=np.uint8)
    np.testing.assert_array_equal(G.warp(img, np.eye(3), (h, w), interp, mode, 0), img)
    np.testing.assert_array_equal(G.warp.generic(img, np.eye(3), (h, w), interp, mode, 0), img)


# --------------------------------------------------------------------------------------------------
# parity: OpenCV overrides vs generic kernels (NumPy inputs)
# --------------------------------------------------------------------------------------------------
OVERRIDDEN = [G.hflip, G.vflip, G.transpose, G.rot90, G.crop, G.pad, G.resize, G.warp]
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


def test_overrides_registered():
    importlib.import_module("xalbu.backends.numpy_cv2")  # dispatch imports it lazily; be explicit here
    for k in OVERRIDDEN:
        assert "numpy_cv2" in k.overrides, k.__name__


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_flips_crop(dtype, c, batched):
    img = random_image(dtype, c, batched)
    before = img.copy()
    for kernel, args in [(G.hflip, ()), (G.vflip, ()), (G.transpose, ()), (G.crop, (2, 1, 9, 12))]:
        out, ref = override_and_generic(kernel, img, *args)
        np.testing.assert_array_equal(out, ref, err_msg=kernel.__name__)
    for k in range(-1, 5):
        out, ref = override_and_generic(G.rot90, img, k)
        np.testing.assert_array_equal(out, ref, err_msg=f"rot90 k={k}")
    np.testing.assert_array_equal(img, before)


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_pad(dtype, c, batched):
    img = random_image(dtype, c, batched, hw=(5, 6))
    fill = tuple(np.linspace(0.1, 0.9, c) * (1 if dtype == np.float32 else np.iinfo(dtype).max))
    for mode in range(5):
        for pads in [(1, 2, 3, 0), (7, 6, 9, 8)]:
            out, ref = override_and_generic(G.pad, img, *pads, mode, fill)
            np.testing.assert_array_equal(out, ref, err_msg=f"mode {mode} pads {pads}")


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_resize(dtype, c, batched):
    img = random_image(dtype, c, batched)
    for out_hw in [(7, 9), (26, 34), (20, 23), (9, 40), (13, 5)]:
        for interp in range(5):
            out, ref = override_and_generic(G.resize, img, out_hw, interp)
            tol = 0.0 if interp == 0 else TOL[dtype]
            assert_close(out, ref, tol, msg=f"resize {out_hw} interp {interp}")


# an affine map whose inverse (index space) has dyadic entries: positions are exact in every OpenCV
DYADIC = np.array([[0.75, 0.25, 1.5], [-0.125, 1.25, -2.0], [0.0, 0.0, 1.0]])
DYADIC_FORWARD = np.linalg.inv(G._translation(0.5) @ DYADIC @ G._translation(-0.5))
PERSPECTIVE = np.array([[1.0, 0.1, -2.0], [0.05, 0.9, 1.0], [0.002, -0.003, 1.0]])


def test_dyadic_matrix_is_what_opencv_sees():
    np.testing.assert_allclose(G.index_inverse(DYADIC_FORWARD)[0], DYADIC, atol=1e-12)


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_warp_interpolated(dtype, c, batched):
    img = random_image(dtype, c, batched)
    fill = tuple(np.linspace(0.2, 0.8, c) * (1 if dtype == np.float32 else np.iinfo(dtype).max))
    for interp in (1, 2, 3, 4):
        for mode in range(5):
            out, ref = override_and_generic(G.warp, img, DYADIC_FORWARD, (14, 15), interp, mode, fill)
            assert_close(out, ref, TOL[dtype], msg=f"interp {interp} mode {mode}")


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_warp_smooth(dtype, c, batched):
    img = smooth_image(dtype, c, batched)
    tol = TOL[dtype] + max_gradient(img) / 16
    for matrix in (rotation(30, (13, 17), (14, 15), 1.1), PERSPECTIVE):
        for interp in (1, 2):
            for mode in range(5):
                out, ref = override_and_generic(G.warp, img, matrix, (14, 15), interp, mode, 0)
                assert_close(out, ref, tol, max_outliers=0.02, msg=f"interp {interp} mode {mode}")


@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_warp_nearest(dtype, c, batched):
    img = random_image(dtype, c, batched)
    for matrix in (
        rotation(30, (13, 17), (14, 15), 1.1),
        PERSPECTIVE,
        shift(3, -2),
        np.diag([2.0, 2.0, 2.0]),
        DYADIC_FORWARD,  # many exact ties
        shift(0.5, -1.5),  # all ties
    ):
        for mode in range(5):
            out, ref = override_and_generic(G.warp, img, matrix, (14, 15), 0, mode, 7)
            mismatched = np.mean(np.any(out != ref, axis=-1))
            assert mismatched <= 0.01, f"mode {mode}: {mismatched:.2%} of pixels differ"


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_parity_warp_per_sample(dtype):
    img = random_image(dtype, 5, True)
    interpolated = np.stack([DYADIC_FORWARD, shift(2.5, -1.25), np.eye(3)])
    nearest = np.stack([rotation(33, (13, 17), (12, 18), 1.07), shift(2.5, -1), np.eye(3)])
    top = 1 if dtype == np.float32 else np.iinfo(dtype).max
    fills = np.linspace(0, top, 15).reshape(3, 5)
    for interp in (0, 1, 2):
        mats = nearest if interp == 0 else interpolated
        out, ref = override_and_generic(G.warp, img, mats, (12, 18), interp, 0, fills)
        nearest_ties = 0.01 if interp == 0 else 0.0
        assert_close(out, ref, 0.0 if interp == 0 else TOL[dtype], nearest_ties, msg=f"interp {interp}")


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.int64, np.bool_, np.int8])
def test_parity_masks(dtype):
    """Masks through nearest warp/resize and pad: int32/int16 via OpenCV, the rest declined to generic."""
    rng = np.random.default_rng(5)
    mask = rng.integers(-3, 100, (2, 9, 11, 1)).astype(dtype)
    for out, ref in [
        override_and_generic(G.warp, mask, rotation(33, (9, 11), (9, 11), 1.07), (9, 11), 0, 0, 0),
        override_and_generic(G.warp, mask[0], shift(2, 1), (9, 11), 0, 3, 0),
        override_and_generic(G.resize, mask, (20, 7), 0),
        override_and_generic(G.pad, mask, 2, 3, 4, 5, 0, 1),
        override_and_generic(G.hflip, mask),
        override_and_generic(G.rot90, mask, 1),
    ]:
        np.testing.assert_array_equal(out, ref)


def test_warp_reflect_101_on_a_single_row_terminates():
    """OpenCV 5.0's cubic warp never returns on a 1-pixel side with reflect_101; the override must decline.

    Run in a subprocess so that a regression fails after a timeout instead of hanging the suite.
    """
    code = (
        "import numpy as np, xalbu.backends.numpy_cv2\n"
        "from xalbu.functional import geometric as G\n"
        "img = np.arange(9, dtype=np.uint8).reshape(1, 3, 3)\n"
        "m = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.25], [0.0, 0.0, 1.0]])\n"
        "for interp in (0, 1, 2):\n"
        "    out = G.warp(img, m, (2, 4), interp, 4, 0)\n"
        "    assert np.array_equal(out, G.warp.generic(img, m, (2, 4), interp, 4, 0))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("perspective", [False, True])
def test_warp_three_channels_through_four_is_exact(dtype, perspective):
    """3-channel bilinear warps run through 4 channels (OpenCV's SIMD path) in reused scratch buffers:
    bit for bit the same as warping the channels with a fourth one, whatever the sizes in between."""
    m = np.array([[0.9, 0.2, 3.5], [-0.15, 1.1, -2.0], [2e-4 if perspective else 0.0, 0.0, 1.0]])
    for hw, out_hw in [((37, 41), (40, 33)), ((64, 48), (64, 48)), ((37, 41), (40, 33))]:
        img = random_image(dtype, 3, False, hw=hw, seed=hw[0])
        four = np.concatenate([img, img[..., :1]], axis=-1)
        for mode, fill in [(0, (10, 20, 30)), (1, 0), (4, 0)]:
            got = G.warp(img, m, out_hw, G.LINEAR, mode, fill)
            ref = G.warp(four, m, out_hw, G.LINEAR, mode, (*fill, 0) if isinstance(fill, tuple) else fill)
            np.testing.assert_array_equal(got, ref[..., :3])
            assert got.flags.c_contiguous and not np.shares_memory(got, img)
