"""Affine: the warp kernel (golden values over every backend, properties, OpenCV override parity)
and the transforms Affine, ShiftScaleRotate, Rotate, SafeRotate and Perspective (exact pixels, geometry
consistency, batches, sampling, validation).

The warp is the resampling every affine-kind transform falls back to (per-sample batches, fused
steps), so its generic machinery is tested here. Tolerances: see ``_spatial``.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xalbu as A
from xalbu.functional import affine as G
from xalbu.functional._common import LINEAR
from xalbu.functional.flips import vflip

from ._affine_identity import (  # noqa: F401 - collected here
    test_dyadic_matrix_is_what_opencv_sees,
    test_warp_leaves_identity_samples_exact,
)
from ._affine_safe_rotate import (  # noqa: F401 - SafeRotate's tests, collected here
    test_safe_rotate_batch_matches_single,
    test_safe_rotate_keeps_the_whole_image_and_targets_follow,
    test_safe_rotate_matches_albumentations_box_geometry,
    test_safe_rotate_validation,
)
from ._spatial import (
    CASES,
    TOL,
    assert_close,
    hwc,
    max_gradient,
    override_and_generic,
    random_image,
    rotation,
    run,
    shift,
    smooth_image,
)

# --------------------------------------------------------------------------------------------------
# golden: warp
# --------------------------------------------------------------------------------------------------
GRID = np.array([[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24]])  # 3 x 4


@pytest.mark.golden.with_args(G.warp)
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


@pytest.mark.golden.with_args(G.warp)
@pytest.mark.parametrize("interp", [0, 1])
def test_warp_fill_with_fewer_values_than_channels(xp, interp):
    """albumentations 2.0.8's rule (OpenCV's Scalar, chunks of 4 channels): (1, 2, 3) on 5 channels
    fills 1, 2, 3, 0, 1; (7,) on 3 channels 7, 0, 0; per-sample rows of a batch alike."""
    img = np.full((1, 2, 5), 50, np.uint8)
    out = run(xp, G.warp, img, shift(1, 0), (1, 2), interp, 0, (1, 2, 3))
    assert out[0, 0].tolist() == [1, 2, 3, 0, 1] and out[0, 1].tolist() == [50] * 5
    out = run(xp, G.warp, img[..., :3], shift(1, 0), (1, 2), interp, 0, (7,))
    assert out[0, 0].tolist() == [7, 0, 0]
    batch = np.full((2, 1, 2, 5), 50, np.uint8)
    out = run(xp, G.warp, batch, shift(1, 0), (1, 2), interp, 0, np.array([[1, 2, 3], [4, 5, 6]]))
    assert out[:, 0, 0].tolist() == [[1, 2, 3, 0, 1], [4, 5, 6, 0, 4]]


@pytest.mark.parametrize("channels", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("fill", [(1, 2, 3), (7,), [1, 2], 7])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_affine_and_rotate_fills_match_albumentations(dtype, fill, channels):
    alb = pytest.importorskip("albumentations")
    scale = 1 if dtype == np.uint8 else 0.01
    f = [v * scale for v in fill] if isinstance(fill, (tuple, list)) else fill * scale
    img = (np.random.default_rng(channels).random((6, 8, channels)) * 200).astype(dtype)
    for name, args in (
        ("Affine", {"translate_px": {"x": 3, "y": -2}, "interpolation": 0}),
        ("Rotate", {"limit": (90, 90), "interpolation": 0}),
    ):
        ours = getattr(A, name)(**args, fill=f, fill_mask=f, p=1)(image=img, mask=img)
        theirs = getattr(alb, name)(**args, fill=f, fill_mask=f, p=1)(image=img, mask=img)
        for key in ("image", "mask"):
            np.testing.assert_allclose(ours[key], theirs[key], atol=1e-6, err_msg=f"{name} {key}")


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
    np.testing.assert_array_equal(run(xp, vflip, step), step[::-1])


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
@given(h=st.integers(1, 7), w=st.integers(1, 7), interp=st.integers(0, 4), mode=st.integers(0, 4))
def test_warp_identity(h, w, interp, mode):
    img = np.random.default_rng(h * 10 + w).integers(0, 256, (h, w, 3), dtype=np.uint8)
    np.testing.assert_array_equal(G.warp(img, np.eye(3), (h, w), interp, mode, 0), img)
    np.testing.assert_array_equal(G.warp.generic(img, np.eye(3), (h, w), interp, mode, 0), img)


# --------------------------------------------------------------------------------------------------
# parity: OpenCV overrides vs generic kernels (NumPy inputs)
# --------------------------------------------------------------------------------------------------
def test_overrides_registered():
    importlib.import_module("xalbu.backends.numpy_cv2")  # dispatch imports it lazily; be explicit here
    for k in [G.warp]:
        assert "numpy_cv2" in k.overrides, k.__name__


# an affine map whose inverse (index space) has dyadic entries: positions are exact in every OpenCV
DYADIC = np.array([[0.75, 0.25, 1.5], [-0.125, 1.25, -2.0], [0.0, 0.0, 1.0]])
DYADIC_FORWARD = np.linalg.inv(G._translation(0.5) @ DYADIC @ G._translation(-0.5))
PERSPECTIVE = np.array([[1.0, 0.1, -2.0], [0.05, 0.9, 1.0], [0.002, -0.003, 1.0]])


@pytest.mark.parity.with_args("numpy_cv2", G.warp)
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
    ]:
        np.testing.assert_array_equal(out, ref)


def test_warp_reflect_101_on_a_single_row_terminates():
    """OpenCV 5.0's cubic warp never returns on a 1-pixel side with reflect_101; the override must decline.

    Run in a subprocess so that a regression fails after a timeout instead of hanging the suite.
    """
    code = (
        "import numpy as np, xalbu.backends.numpy_cv2\n"
        "from xalbu.functional import affine as G\n"
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
            got = G.warp(img, m, out_hw, LINEAR, mode, fill)
            ref = G.warp(four, m, out_hw, LINEAR, mode, (*fill, 0) if isinstance(fill, tuple) else fill)
            np.testing.assert_array_equal(got, ref[..., :3])
            assert got.flags.c_contiguous and not np.shares_memory(got, img)


# --------------------------------------------------------------------------------------------------
# transforms
# --------------------------------------------------------------------------------------------------
RNG = np.random.default_rng(20240601)


def _img(shape, dtype=np.uint8, seed=0):
    r = np.random.default_rng(seed)
    if np.dtype(dtype) == np.float32:
        return r.random(shape, dtype=np.float32)
    hi = 255 if np.dtype(dtype) == np.uint8 else 65535
    return r.integers(0, hi + 1, shape).astype(dtype)


def _one(t, seed=0, **data):
    return A.Compose([t], seed=seed)(**data)


def _bbox_of_mask(mask):
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)


# ------------------------------------------------------------------------------------------
# exact pixels
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("angle,k", [(90, 1), (-90, 3), (180, 2), (270, 3), (0, 0)])
def test_affine_quarter_turns_equal_rot90(xp, angle, k):
    img = _img((6, 6, 3))
    out = _one(A.Affine(rotate=angle, interpolation=0, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), np.rot90(img, k))


def test_affine_rotate_180_non_square_and_linear(xp):
    img = _img((4, 7, 3))
    out = _one(A.Affine(rotate=180, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img[::-1, ::-1])


def test_affine_translate_px_shifts_with_fill(xp):
    img = _img((5, 8, 3))
    t = A.Affine(translate_px={"x": 2, "y": 0}, fill=7, p=1)
    out = xp.to_numpy(_one(t, image=xp.asarray(img))["image"])
    np.testing.assert_array_equal(out[:, 2:], img[:, :-2])
    assert (out[:, :2] == 7).all()


def test_affine_translate_percent_vertical():
    img = _img((10, 4))
    out = _one(A.Affine(translate_percent={"y": -0.3}, interpolation=0, p=1), image=img)["image"]
    np.testing.assert_array_equal(out[:7], img[3:])
    assert (out[7:] == 0).all()


def test_affine_scale_2_nearest_checkerboard(xp):
    board = ((np.arange(8)[:, None] + np.arange(8)[None, :]) % 2 * 255).astype(np.uint8)
    board = board * np.arange(1, 9, dtype=np.uint8)[None, :] // 8 + np.arange(8, dtype=np.uint8)[:, None]
    out = xp.to_numpy(_one(A.Affine(scale=2, interpolation=0, p=1), image=xp.asarray(board))["image"])
    # zoom x2 about the centre: the central 4x4 block, every pixel doubled
    expected = np.repeat(np.repeat(board[2:6, 2:6], 2, axis=0), 2, axis=1)
    np.testing.assert_array_equal(out, expected)


def test_affine_shear_x_moves_rows_horizontally():
    img = np.zeros((9, 21), np.uint8)
    img[:, 10] = 255
    out = _one(A.Affine(shear={"x": 45}, interpolation=0, p=1), image=img)["image"]
    cols = [int(np.argmax(row)) for row in out]
    # tan(45) = 1: the column shifts by one pixel per row (albumentations' sign: lower rows move left)
    assert cols == list(range(14, 5, -1))


def test_shift_scale_rotate_zero_limits_is_identity(xp):
    img = _img((7, 9, 3))
    mask = _img((7, 9), seed=3)
    t = A.ShiftScaleRotate(shift_limit=0, scale_limit=0, rotate_limit=0, p=1)
    out = _one(t, image=xp.asarray(img), mask=xp.asarray(mask))
    np.testing.assert_array_equal(xp.to_numpy(out["image"]), img)
    np.testing.assert_array_equal(xp.to_numpy(out["mask"]), mask)


@pytest.mark.parametrize("keep_size", [True, False])
def test_perspective_zero_scale_is_identity(xp, keep_size):
    img = _img((6, 10, 3))
    out = _one(A.Perspective(scale=(0, 0), keep_size=keep_size, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img)
    batch = np.stack([img, img[::-1]])
    outb = A.Compose([A.Perspective(scale=0, keep_size=keep_size, p=1)], seed=1).batch(
        images=xp.asarray(batch)
    )
    np.testing.assert_array_equal(xp.to_numpy(outb["images"]), batch)


def test_rotate_identity_and_half_turn():
    img = _img((5, 8, 3))
    np.testing.assert_array_equal(_one(A.Rotate(limit=0, p=1), image=img)["image"], img)
    out = _one(A.Rotate(limit=(180, 180), interpolation=0, p=1), image=img)["image"]
    np.testing.assert_array_equal(out, img[::-1, ::-1])


def test_fit_output_quarter_turn_on_non_square(xp):
    img = _img((4, 9, 3))
    out = _one(A.Affine(rotate=90, fit_output=True, interpolation=0, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), np.rot90(img, 1))


def test_rotate_crop_border_has_no_fill():
    img = np.full((30, 50, 3), 200, np.uint8)
    for seed in range(10):
        out = _one(A.Rotate(limit=(-60, 60), crop_border=True, interpolation=0, p=1), seed=seed, image=img)
        assert out["image"].shape[0] <= 30 and out["image"].shape[1] <= 50
        assert (out["image"] == 200).all()
    h, w = _one(A.Rotate(limit=(90, 90), crop_border=True, p=1), image=img)["image"].shape[:2]
    assert (h, w) == (30, 30)
    batch = np.stack([img] * 6)
    outb = A.Compose([A.Rotate(limit=(-60, 60), crop_border=True, interpolation=0, p=1)], seed=3).batch(
        images=batch
    )
    assert (outb["images"] == 200).all()


def test_perspective_quad_fills_the_output():
    # as in albumentations: the jittered quadrilateral inside the image is mapped onto the output
    img = np.full((40, 60, 3), 90, np.uint8)
    t = A.Perspective(scale=(0.05, 0.2), interpolation=0, p=1)
    for seed in range(8):
        assert (_one(t, seed=seed, image=img)["image"] == 90).all()
    params = t.sample(np.random.default_rng(0), (40, 60), None)
    mapped = _map(params.matrix, params.points)
    np.testing.assert_allclose(mapped, [[0, 0], [60, 0], [60, 40], [0, 40]], atol=1e-6)
    jitter = np.abs(params.points - [[0, 0], [60, 0], [60, 40], [0, 40]]) / [60, 40]
    assert (jitter < 0.32).all()


def _map(m, pts):
    pts = np.asarray(pts, np.float64)
    hom = np.concatenate([pts, np.ones((len(pts), 1))], axis=1) @ np.asarray(m).T
    return hom[:, :2] / hom[:, 2:]


# ------------------------------------------------------------------------------------------
# geometry consistency: keypoints and boxes follow the pixels
# ------------------------------------------------------------------------------------------
GEOMETRY_CASES = [
    A.Affine(scale=(0.8, 1.4), rotate=(-180, 180), shear=(-10, 10), translate_percent=(-0.2, 0.2), p=1),
    A.Affine(scale={"x": (0.8, 1.2), "y": (1.0, 1.5)}, rotate=(-45, 45), fit_output=True, p=1),
    A.ShiftScaleRotate(p=1),
    A.Rotate(limit=(-180, 180), p=1),
    A.Rotate(limit=(-40, 40), crop_border=True, p=1),
    A.Perspective(scale=(0.02, 0.06), p=1),
    A.Perspective(scale=(0.02, 0.06), keep_size=False, p=1),
    A.Perspective(scale=(0.02, 0.06), fit_output=True, p=1),
]


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_keypoints_land_on_their_mask_blob(t):
    h, w = 40, 48
    centres = [(i, j) for i in range(3, h - 3, 7) for j in range(3, w - 3, 7)]
    mask = np.zeros((h, w), np.int32)
    for label, (i, j) in enumerate(centres, start=1):
        mask[i - 1 : i + 2, j - 1 : j + 2] = label
    kps = [(j + 0.5, i + 0.5) for i, j in centres]
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=11)
    checked = 0
    for _ in range(25):
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, keypoints=kps)
        m = out["mask"]
        for label, (x, y) in enumerate(out["keypoints"], start=1):
            if 0 <= x < m.shape[1] and 0 <= y < m.shape[0]:
                assert m[int(y), int(x)] == label
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_keypoints_land_on_their_mask_blob_in_a_batch(t):
    n, h, w = 12, 40, 48
    centres = [(i, j) for i in range(3, h - 3, 7) for j in range(3, w - 3, 7)]
    mask = np.zeros((h, w), np.int32)
    for label, (i, j) in enumerate(centres, start=1):
        mask[i - 1 : i + 2, j - 1 : j + 2] = label
    kps = [(j + 0.5, i + 0.5) for i, j in centres]
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=12)
    out = pipe.batch(images=np.zeros((n, h, w), np.uint8), masks=np.stack([mask] * n), keypoints=[kps] * n)
    checked = 0
    for s in range(n):
        m = out["masks"][s]
        for label, (x, y) in enumerate(out["keypoints"][s], start=1):
            if 0 <= x < m.shape[1] and 0 <= y < m.shape[0]:
                assert m[int(y), int(x)] == label
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "t",
    [
        A.Affine(rotate=90, scale=(0.7, 1.6), translate_px=(-5, 5), p=1),
        A.Affine(rotate=-90, scale={"x": (0.6, 1.3), "y": (1.0, 1.8)}, translate_percent=(-0.1, 0.1), p=1),
        A.Affine(rotate=180, scale=(0.5, 2.0), balanced_scale=True, p=1),
        A.Affine(rotate=0, scale=(0.5, 1.5), fit_output=True, p=1),
        A.ShiftScaleRotate(rotate_limit=0, scale_limit=0.3, p=1),
    ],
)
def test_box_of_rectangle_matches_mask_axis_aligned(t):
    h, w = 36, 44
    pipe = A.Compose([t], bbox_params=A.BboxParams(format="pascal_voc"), seed=5)
    for trial in range(20):
        r = np.random.default_rng(trial)
        x0, y0 = int(r.integers(2, w // 2)), int(r.integers(2, h // 2))
        x1, y1 = x0 + int(r.integers(4, w // 2 - 1)), y0 + int(r.integers(4, h // 2 - 1))
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y1, x0:x1] = 1
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, bboxes=[[x0, y0, x1, y1]])
        if not out["mask"].any():
            assert out["bboxes"] == []
            continue
        np.testing.assert_allclose(out["bboxes"][0], _bbox_of_mask(out["mask"]), atol=1.0)


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_box_contains_the_mask_for_general_maps(t):
    h, w = 36, 44
    pipe = A.Compose([t], bbox_params=A.BboxParams(format="pascal_voc"), seed=9)
    for trial in range(20):
        r = np.random.default_rng(100 + trial)
        x0, y0 = int(r.integers(1, w // 2)), int(r.integers(1, h // 2))
        x1, y1 = x0 + int(r.integers(3, w // 2)), y0 + int(r.integers(3, h // 2))
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y1, x0:x1] = 1
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, bboxes=[[x0, y0, x1, y1]])
        if not out["mask"].any():
            continue
        mb = _bbox_of_mask(out["mask"])
        (bx0, by0, bx1, by1) = out["bboxes"][0]
        assert bx0 - 1 <= mb[0] and by0 - 1 <= mb[1] and mb[2] <= bx1 + 1 and mb[3] <= by1 + 1


# ------------------------------------------------------------------------------------------
# batches
# ------------------------------------------------------------------------------------------
BATCH_CASES = [
    A.Affine(scale=(0.7, 1.3), rotate=(-40, 40), shear=(-10, 10), translate_percent=(-0.1, 0.1), p=1),
    A.ShiftScaleRotate(p=1),
    A.Rotate(limit=(-90, 90), border_mode=4, p=1),
    A.Perspective(scale=(0.05, 0.1), p=1),
]


@pytest.mark.parametrize("t", BATCH_CASES, ids=lambda t: type(t).__name__)
def test_batch_samples_replay_their_own_matrix(xp, t):
    n, h, w = 4, 12, 14
    img = _img((h, w, 3))
    seed = 21
    out = A.Compose([t], seed=seed).batch(images=xp.asarray(np.stack([img] * n)))["images"]
    out = xp.to_numpy(out)
    assert out.shape == (n, h, w, 3) and out.dtype == np.uint8
    assert not any(np.array_equal(out[0], out[i]) for i in range(1, n))
    # with p=1 the pipeline's first draws are this transform's batch parameters
    params = t.sample(np.random.default_rng(seed), (h, w), n)
    for i in range(n):
        ref = xp.to_numpy(
            G.warp(xp.asarray(img), params.matrix[i], (h, w), t.interpolation, t.border_mode, t.fill)
        )
        assert np.abs(out[i].astype(int) - ref.astype(int)).max() <= 1
    # and the single-image path with the same draws gives the same pixels
    single = A.Compose([t], seed=seed)(image=img)["image"]
    p1 = t.sample(np.random.default_rng(seed), (h, w), None)
    ref1 = G.warp(img, p1.matrix, (h, w), t.interpolation, t.border_mode, t.fill)
    assert np.abs(single.astype(int) - ref1.astype(int)).max() <= 1


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 1, 3, 6])
def test_batch_dtypes_and_channels(xp, dtype, channels):
    n, h, w = 3, 10, 11
    shape = (n, h, w) if channels is None else (n, h, w, channels)
    batch = _img(shape, dtype)
    t = A.Affine(rotate=(-30, 30), scale=(0.9, 1.1), p=1)
    out = xp.to_numpy(A.Compose([t], seed=4).batch(images=xp.asarray(batch))["images"])
    assert out.shape == shape and out.dtype == np.dtype(dtype)
    params = t.sample(np.random.default_rng(4), (h, w), n)
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1
    for i in range(n):
        src = batch[i] if channels is not None else batch[i][..., None]
        ref = xp.to_numpy(G.warp(xp.asarray(src), params.matrix[i], (h, w), 1, 0, 0.0))
        got = out[i] if channels is not None else out[i][..., None]
        assert np.abs(got.astype(np.float64) - ref.astype(np.float64)).max() <= tol


def test_single_grayscale_stays_hw(xp):
    img = _img((9, 13))
    for t in [A.Affine(rotate=20, p=1), A.Rotate(p=1), A.ShiftScaleRotate(p=1), A.Perspective(p=1)]:
        out = _one(t, image=xp.asarray(img))["image"]
        assert tuple(out.shape) == (9, 13)


def test_batch_masks_boxes_keypoints_follow_each_sample():
    n, h, w = 5, 20, 24
    t = A.Affine(rotate=(-180, 180), scale=(0.8, 1.2), translate_px=(-3, 3), p=1)
    pipe = A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc"),
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        seed=8,
    )
    mask = np.zeros((h, w), np.uint8)
    mask[6:14, 8:16] = 3
    out = pipe.batch(
        images=np.zeros((n, h, w), np.uint8),
        masks=np.stack([mask] * n),
        bboxes=[[[8, 6, 16, 14]]] * n,
        keypoints=[[[12.0, 10.0]]] * n,
    )
    params = t.sample(np.random.default_rng(8), (h, w), n)
    for i in range(n):
        ref = G.warp(mask[..., None], params.matrix[i], (h, w), 0, 0, 0)[..., 0]
        np.testing.assert_array_equal(out["masks"][i], ref)
        np.testing.assert_allclose(
            out["keypoints"][i][0], _map(params.matrix[i], [[12.0, 10.0]])[0], atol=1e-4
        )
        corners = _map(params.matrix[i], [[8, 6], [16, 6], [16, 14], [8, 14]])
        hull = np.clip([*corners.min(0), *corners.max(0)], 0, [w, h, w, h])
        np.testing.assert_allclose(out["bboxes"][i][0], hull, atol=1e-4)


def test_batch_fit_output_uses_the_largest_canvas_centred():
    n, h, w = 6, 16, 24
    t = A.Affine(rotate=(-60, 60), scale=(0.8, 1.2), fit_output=True, interpolation=0, p=1)
    out = A.Compose([t], seed=2).batch(images=np.full((n, h, w), 255, np.uint8))["images"]
    params = t.sample(np.random.default_rng(2), (h, w), n)
    H, W = out.shape[1:3]
    assert (H, W) == params.out_hw
    sizes = []
    for i in range(n):
        corners = _map(params.matrix[i], [[0, 0], [w, 0], [w, h], [0, h]])
        lo, hi = corners.min(0), corners.max(0)
        assert (lo >= -1e-6).all() and (hi <= [W + 1e-6, H + 1e-6]).all()  # nothing cut off
        # centred (whole-pixel offset of the rounded-up extent): the two margins differ by under 2 px
        assert abs(lo[0] - (W - hi[0])) < 2 and abs(lo[1] - (H - hi[1])) < 2
        sizes.append(np.ceil(hi - lo - 1e-6))
    assert W == max(s[0] for s in sizes) and H == max(s[1] for s in sizes)
    # the single-image size of a draw is its own extent
    single = A.Compose([t], seed=2)(image=np.zeros((h, w), np.uint8))["image"]
    p1 = t.sample(np.random.default_rng(2), (h, w), None)
    assert single.shape == p1.out_hw


def test_batch_perspective_keep_size_false_canvas():
    n, h, w = 4, 30, 40
    t = A.Perspective(scale=(0.05, 0.1), keep_size=False, interpolation=0, p=1)
    out = A.Compose([t], seed=6).batch(images=np.full((n, h, w), 50, np.uint8))["images"]
    params = t.sample(np.random.default_rng(6), (h, w), n)
    assert out.shape[1:] == params.out_hw
    assert out.shape[1] <= h and out.shape[2] <= w


def test_batch_size_changing_with_p_below_one_raises():
    t = A.Affine(rotate=(-40, 40), fit_output=True, p=0.5)
    with pytest.raises(ValueError, match="size"):
        A.Compose([t], seed=0).batch(images=np.zeros((8, 10, 14), np.uint8))


def test_batch_gated_samples_stay_unchanged():
    batch = _img((16, 9, 9, 3))
    out = A.Compose([A.Affine(rotate=(10, 80), p=0.5)], seed=3).batch(images=batch)["images"]
    same = [np.array_equal(out[i], batch[i]) for i in range(16)]
    assert 0 < sum(same) < 16


# ------------------------------------------------------------------------------------------
# sampling
# ------------------------------------------------------------------------------------------
def test_balanced_scale_and_keep_ratio():
    rng = np.random.default_rng(0)
    plain = A.Affine(scale=(0.5, 2.0), p=1).sample(rng, (10, 10), 20000)
    balanced = A.Affine(scale=(0.5, 2.0), balanced_scale=True, keep_ratio=True, p=1).sample(
        rng, (10, 10), 20000
    )
    assert abs((plain.scale_x < 1).mean() - 1 / 3) < 0.02
    assert abs((balanced.scale_x < 1).mean() - 0.5) < 0.02
    assert balanced.scale_x.min() >= 0.5 and balanced.scale_x.max() <= 2.0
    np.testing.assert_array_equal(balanced.scale_x, balanced.scale_y)


def test_translate_sampling_ranges():
    rng = np.random.default_rng(1)
    px = A.Affine(translate_px={"x": (-3, 4)}, p=1).sample(rng, (10, 20), 4000)
    assert set(np.unique(px.translate_x)) == set(range(-3, 5))
    assert (px.translate_y == 0).all()
    pc = A.Affine(translate_percent=(0.1, 0.2), p=1).sample(rng, (10, 20), 4000)
    assert pc.translate_x.min() >= 2 and pc.translate_x.max() <= 4
    assert pc.translate_y.min() >= 1 and pc.translate_y.max() <= 2


def test_shift_scale_rotate_ranges_and_init_args():
    t = A.ShiftScaleRotate(shift_limit=0.1, scale_limit=0.2, rotate_limit=30, shift_limit_y=(0.0, 0.05), p=1)
    assert t.scale_limit == (-0.2, 0.2) and t.shift_limit_x == (-0.1, 0.1) and t.shift_limit_y == (0.0, 0.05)
    s = t.sample(np.random.default_rng(2), (100, 200), 5000)
    assert s.scale_x.min() >= 0.8 and s.scale_x.max() <= 1.2
    np.testing.assert_array_equal(s.scale_x, s.scale_y)
    assert np.abs(s.rotate).max() <= 30 and np.abs(s.translate_x).max() <= 20
    assert s.translate_y.min() >= 0 and s.translate_y.max() <= 5
    clone = A.ShiftScaleRotate(**t.init_args())
    assert clone.init_args() == t.init_args()
    assert repr(clone) == repr(t)


@pytest.mark.parametrize(
    "t",
    [
        A.Affine(scale={"x": (0.5, 1)}, translate_px=3, shear={"y": 5}, fit_output=True),
        A.Rotate(limit=20, crop_border=True),
        A.Perspective(scale=0.2, keep_size=False, fit_output=True),
    ],
)
def test_init_args_round_trip(t):
    clone = type(t)(**t.init_args())
    assert clone.init_args() == t.init_args()


def test_same_seed_same_output():
    img = _img((12, 12, 3))
    for t in BATCH_CASES:
        a = A.Compose([t], seed=3)(image=img)["image"]
        b = A.Compose([t], seed=3)(image=img)["image"]
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: A.Rotate(limit=(10, -10)), "limit"),
        (lambda: A.Rotate(p=1.5), "p"),
        (lambda: A.Rotate(interpolation=9), "interpolation"),
        (lambda: A.Rotate(border_mode=7), "border_mode"),
        (lambda: A.Affine(mask_interpolation=-1), "mask_interpolation"),
        (lambda: A.Affine(rotate=(30, 10)), "rotate"),
        (lambda: A.Affine(scale=0), "scale"),
        (lambda: A.Affine(scale={"z": 1.0}), "scale"),
        (lambda: A.Affine(shear=90), "shear"),
        (lambda: A.Affine(translate_percent=0.1, translate_px=2), "translate_percent"),
        (lambda: A.Affine(keep_ratio=True, scale={"x": (1, 2), "y": (0.5, 1)}), "keep_ratio"),
        (lambda: A.Affine(rotate_method="ellipse"), "rotate_method"),
        (lambda: A.Rotate(rotate_method="box"), "rotate_method"),
        (lambda: A.ShiftScaleRotate(shift_limit=2), "shift_limit"),
        (lambda: A.ShiftScaleRotate(shift_limit_x=(0.5, -0.5)), "shift_limit_x"),
        (lambda: A.ShiftScaleRotate(scale_limit=(-1.0, 0.5)), "scale_limit"),
        (lambda: A.ShiftScaleRotate(rotate_limit=(5, -5)), "rotate_limit"),
        (lambda: A.Perspective(scale=(0.2, 0.1)), "scale"),
        (lambda: A.Perspective(scale=-0.1), "scale"),
    ],
)
def test_invalid_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: A.Affine(fit_output="yes"), "fit_output"),
        (lambda: A.Rotate(crop_border=1), "crop_border"),
        (lambda: A.Perspective(keep_size=None), "keep_size"),
        (lambda: A.Affine(fill="white"), "fill"),
        (lambda: A.Affine(rotate="30"), "rotate"),
    ],
)
def test_invalid_types_raise_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_perspective_one_image_closed_form_matches_the_solve():
    """One image with keep_size (the common call) builds its homography in closed form; it equals
    the batched 8x8 solve the other paths use, for the same draws."""
    from xalbu.transforms.affine import Perspective

    t = Perspective(scale=(0.05, 0.3), p=1)
    for seed in range(50):
        for shape in ((256, 200), (31, 480)):
            one = t.sample(np.random.default_rng(seed), shape, None)
            ref = t.sample(np.random.default_rng(seed), shape, 1)
            np.testing.assert_allclose(one.matrix, ref.matrix[0], rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(one.points, ref.points[0])
            assert one.out_hw == ref.out_hw == shape
