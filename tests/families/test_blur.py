"""Blur: the shared linear filters ``convolve`` / ``convolve_separable`` (xalbu/functional/_filter.py)
and the blur family's kernels and transforms (xalbu/transforms/blur.py).

Golden values are worked out by hand on tiny arrays (the arithmetic is in the comments) and run over
the ``xp`` fixture (NumPy through the numpy_cv2 override, array_api_strict through the generic
kernel, CuPy or the CPU harness through the CUDA override). Parity tests compare every override
with its generic kernel on random images (uint8 / uint16 / float32; 1, 3 and 6 channels; HWC and
NHWC with per-sample kernels).

Filter parity, stated: the CUDA override does the generic kernel's arithmetic (float32 taps in
row-major order, zero weights skipped, no FMA) and is equal bit for bit on the harness (within 1
level / 1e-6 on a GPU, whose compiler may order things differently). ``cv2.filter2D`` and
``cv2.sepFilter2D`` sum in another order (and through a DFT for kernels of 50+ taps): within 1
level for integers (a float tie broken the other way, under 1% of the pixels), 1e-5 for float32.
"""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _filter as FF
from xalbu.functional import blur as B

from ._blur_cases import (
    ALB_SAME,
    BATCH,
    BLUR_PARITY,
    IDENTITY,
    KERNEL_SHAPES,
    P_HALF,
    RANDOM,
    _albumentations_copies,
    _albumentations_shuffle,
    _assert_close,
    _filter_case,
    _seed,
)
from ._pointwise import (
    DTYPES,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_batch_samples_match_single_image_kernel,
    check_defaults_and_init_args_round_trip,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    make_image,
    random_image,
    run,
)


# ------------------------------------------------------------------------------- filter: golden
@pytest.mark.golden.with_args(FF.convolve)
def test_convolve_rounds_half_to_even_and_reflects_101(xp):
    # out[x] = in[x - 1] / 2; in[-1] reads in[1] (reflect-101): [0/2, 1/2, 0/2, 3/2] = [0, 0.5, 0, 1.5]
    out = run(xp, FF.convolve, [[[1], [0], [3], [0]]], "uint8", np.array([[0.5, 0.0, 0.0]], np.float32))
    assert out.ravel().tolist() == [0, 0, 0, 2]  # 0.5 -> 0, 1.5 -> 2 (half to even)


@pytest.mark.golden.with_args(FF.convolve)
def test_convolve_box_3x3_and_saturation(xp):
    img = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]], np.uint8)[..., None]
    k = np.full((3, 3), 0.25, np.float32)
    out = run(xp, FF.convolve, img, "uint8", k)[..., 0]
    # centre: 450 / 4 = 112.5 -> 112; corner (0, 0): rows [50 40 50 | 20 10 20 | 50 40 50] = 330 / 4 = 82.5 -> 82
    # (0, 1): [40 50 60 | 10 20 30 | 40 50 60] = 360 / 4 = 90; (2, 2): [50 60 50 | 80 90 80 | 50 60 50] = 570/4
    assert out[1, 1] == 112 and out[0, 0] == 82 and out[0, 1] == 90 and out[2, 2] == 142  # 142.5 -> 142
    sat = run(xp, FF.convolve, img, "uint8", np.full((3, 3), 1.0, np.float32))[..., 0]
    assert sat[1, 1] == 255 and sat.min() == 255  # every 3x3 sum is over 255
    neg = run(xp, FF.convolve, img, "uint8", np.array([[0, 0, 0], [0, 1, -2], [0, 0, 0]], np.float32))
    assert neg[..., 0].tolist() == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]  # x - 2 * right < 0 everywhere
    # x - 2 * right at the right edge reads the left neighbour: 30 - 2*20 < 0 -> 0; uint16 keeps 65535
    u16 = run(
        xp, FF.convolve, np.full((3, 4, 1), 40000, np.uint16), "uint16", np.full((1, 3), 1.0, np.float32)
    )
    assert u16.ravel().tolist() == [65535] * 12


@pytest.mark.golden.with_args(FF.convolve)
def test_convolve_float_clips_and_keeps_nan(xp):
    img = np.array([[0.5, 1.0, 0.75, np.nan, 0.0]], np.float32)[..., None]
    out = run(xp, FF.convolve, img, "float32", np.array([[0.0, 2.0, 0.0]], np.float32))
    # 2x: [1.0, 2.0 -> 1.0, 1.5 -> 1.0, nan, 0.0]; the zero taps never multiply the NaN
    np.testing.assert_array_equal(out.ravel(), [1.0, 1.0, 1.0, np.nan, 0.0])
    out = run(xp, FF.convolve, img[:, :3], "float32", np.array([[0.5, -1.0, 0.5]], np.float32))
    # [0.5*1 - 0.5 + 0.5*1, 0.25 - 1 + 0.375, 0.5 - 0.75 + 0.5]: [0.5, -0.375 -> 0, 0.25]
    np.testing.assert_allclose(out.ravel(), [0.5, 0.0, 0.25], atol=1e-7)


@pytest.mark.golden.with_args(FF.convolve)
def test_convolve_per_sample_kernels_and_channels(xp):
    img = np.zeros((2, 3, 3, 2), np.uint16)
    img[:, 1, 1] = [100, 200]
    k = np.zeros((2, 3, 3), np.float32)
    k[0, 1, 1] = 1.0  # identity
    k[1, 0, 0] = 0.5  # out[y, x] = in[y - 1, x - 1] / 2: the centre lands at (2, 2)
    out = run(xp, FF.convolve, img, "uint16", k)
    np.testing.assert_array_equal(out[0], img[0])
    assert out[1, 2, 2].tolist() == [50, 100]
    # reflect-101: (0, 0) reads in[-1, -1] = in[1, 1]
    assert out[1, 0, 0].tolist() == [50, 100] and int(out[1].sum()) == 4 * 150


@pytest.mark.golden.with_args(FF.convolve_separable)
def test_convolve_separable_golden(xp):
    img = np.array([[0, 4, 0], [0, 8, 0], [0, 0, 0]], np.uint8)[..., None]
    out = run(xp, FF.convolve_separable, img, "uint8", np.array([0.25, 0.5, 0.25]), np.array([0.0, 0.5, 0.5]))
    # rows: [[2, 2, 2], [4, 4, 4], [0, 0, 0]]; columns out[y] = (row[y] + row[y + 1]) / 2, row[3] = row[1]
    assert out[..., 0].tolist() == [[3, 3, 3], [2, 2, 2], [2, 2, 2]]
    per = run(xp, FF.convolve_separable, np.stack([img, img]), "uint8", np.array([[0, 1, 0], [0, 0, 1.0]]),
              np.array([[0, 1, 0], [0, 1, 0.0]]))  # fmt: skip
    assert per[0, ..., 0].tolist() == img[..., 0].tolist()
    assert per[1, ..., 0].tolist() == [[4, 0, 4], [8, 0, 8], [0, 0, 0]]  # in[x + 1], in[3] = in[1]


def test_convolve_refuses_even_sizes_and_mismatched_batches():
    img = np.zeros((4, 5, 1), np.uint8)
    with pytest.raises(ValueError, match="kernel: expected .* odd sizes"):
        FF.convolve(img, np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="per-sample kernels"):
        FF.convolve(np.zeros((3, 4, 5, 1), np.uint8), np.ones((2, 3, 3), np.float32))
    with pytest.raises(ValueError, match="kx: expected"):
        FF.convolve_separable(img, np.ones(4), np.ones(3))


# ------------------------------------------------------------------------------- filter: parity
@pytest.mark.parity.with_args("numpy_cv2", FF.convolve, FF.convolve_separable)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_filter_numpy_override_matches_generic(dtype, channels, batch):
    for shape in KERNEL_SHAPES:
        img, k = _filter_case(("f", dtype, channels, batch, shape), dtype, channels, batch, shape)
        assert FF.convolve.overrides["numpy_cv2"](img, k) is not NotImplemented
        _assert_close(FF.convolve(img, k), FF.convolve.generic(img, k), dtype)
    kx, ky = k[..., 0, :], k[..., :, 0]  # any 1-D kernels (odd sizes)
    assert FF.convolve_separable.overrides["numpy_cv2"](img, kx, ky) is not NotImplemented
    _assert_close(FF.convolve_separable(img, kx, ky), FF.convolve_separable.generic(img, kx, ky), dtype)


def test_filter_numpy_override_spreads_no_nan_through_the_dft():
    img = np.random.default_rng(0).random((30, 30, 1), np.float32)
    img[5, 5] = np.nan
    k = np.zeros((13, 13), np.float32)
    k[6, 6] = 1.0
    out = FF.convolve(img, k)
    assert np.isnan(out).sum() == 1


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", FF.convolve, FF.convolve_separable)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_filter_cupy_override_matches_generic(cupy, dtype, channels, batch):
    for shape in KERNEL_SHAPES[:3]:
        img, k = _filter_case(("c", dtype, channels, batch, shape), dtype, channels, batch, shape)
        got = FF.convolve(cupy.asarray(img), k)
        assert isinstance(got, cupy.ndarray)
        _assert_close(cupy.asnumpy(got), FF.convolve.generic(img, k), dtype, float_tol=1e-6)
    kx, ky = k[..., 0, :], k[..., :, 0]
    got = FF.convolve_separable(cupy.asarray(img), kx, ky)
    _assert_close(cupy.asnumpy(got), FF.convolve_separable.generic(img, kx, ky), dtype, float_tol=1e-6)


@pytest.mark.gpu
def test_filter_cupy_one_launch_per_batch(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counts are read on the harness")
    for n in (1, 5):
        img = cupy.asarray(np.zeros((n, 6, 7, 3), np.uint8))
        cupy.reset_stats()
        FF.convolve(img, np.ones((n, 3, 3), np.float32) / 9)
        assert cupy.STATS["launches"] == 1 and cupy.STATS["to_host"] == 0


# =================================================================================== blur kernels
@pytest.mark.golden.with_args(B.box_blur)
def test_box_blur_golden(xp):
    img = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 91]], np.uint8)[..., None]
    out = run(xp, B.box_blur, img, "uint8", 3)[..., 0]
    # centre: 451 / 9 = 50.11 -> 50; (0, 0) reads [50 40 50 | 20 10 20 | 50 40 50] = 330 / 9 = 36.67 -> 37
    # (2, 2): [50 60 50 | 80 91 80 | 50 60 50] = 571 / 9 = 63.44 -> 63
    assert out[1, 1] == 50 and out[0, 0] == 37 and out[2, 2] == 63
    assert run(xp, B.box_blur, img, "uint8", 1)[..., 0].tolist() == img[..., 0].tolist()  # 1: identity
    per = run(xp, B.box_blur, np.stack([img, img]), "uint8", np.array([1, 3]))
    assert per[0, ..., 0].tolist() == img[..., 0].tolist() and per[1, 1, 1, 0] == 50
    f = run(xp, B.box_blur, np.array([[0.0, 0.9, 0.0]], np.float32)[..., None], "float32", 3)
    np.testing.assert_allclose(f.ravel(), [0.6, 0.3, 0.6], atol=1e-6)  # (0.9 + 0 + 0.9) / 3 at the ends


@pytest.mark.golden.with_args(B.gaussian_blur)
def test_gaussian_blur_golden(xp):
    # sigma 1, size 3: exp(-0.5) = 0.60653 -> weights [0.60653, 1, 0.60653] / 2.21306 = [0.27407, 0.45186, ...]
    w = B.gaussian_1d(1.0, 3)
    np.testing.assert_allclose(w, [0.274069, 0.451863, 0.274069], atol=1e-6)
    img = np.zeros((5, 5, 1), np.uint8)
    img[2, 2] = 200
    out = run(xp, B.gaussian_blur, img, "uint8", 1.0, 3)[..., 0]
    # centre 200 * 0.451863**2 = 40.84 -> 41; edge 200 * 0.451863 * 0.274069 = 24.77 -> 25;
    # corner 200 * 0.274069**2 = 15.02 -> 15; the outer ring's windows miss the impulse
    assert out[1:4, 1:4].tolist() == [[15, 25, 15], [25, 41, 25], [15, 25, 15]]
    assert out.sum() == 41 + 4 * 25 + 4 * 15
    # ksize 0: int(0.5 * 3.5) * 2 + 1 = 3 taps; an even ksize 4 grows to 5; sigma 0 is the identity
    assert len(B.gaussian_1d(0.5, 0)) == 3 and len(B.gaussian_1d(1.0, 4)) == 5
    assert run(xp, B.gaussian_blur, img, "uint8", 0.0, 5)[..., 0].tolist() == img[..., 0].tolist()
    per = run(xp, B.gaussian_blur, np.stack([img, img]), "uint8", np.array([1.0, 1.0]), np.array([1, 3]))
    assert per[0, ..., 0].tolist() == img[..., 0].tolist() and per[1, ..., 0].tolist() == out.tolist()


@pytest.mark.golden.with_args(B.median_blur)
@pytest.mark.parametrize("dtype", DTYPES)
def test_median_blur_golden(xp, dtype):
    scale = {"uint8": 1, "uint16": 1000, "float32": 0.01}[dtype]
    img = (np.array([[9, 1, 5, 7]], np.float64)[..., None] * scale).astype(dtype)
    out = run(xp, B.median_blur, img, dtype, 3)
    # windows {9,9,1} {9,1,5} {1,5,7} {5,7,7}, each three times (edge rows repeated): 9, 5, 5, 7
    np.testing.assert_array_equal(out.ravel(), (np.array([9, 5, 5, 7]) * scale).astype(dtype))
    big = np.arange(49, dtype=np.float64).reshape(7, 7, 1)
    out7 = run(xp, B.median_blur, (big * scale).astype(dtype), dtype, 7)
    # centre: the median of 0..48 is 24; (0, 0): rows 0,0,0,0,1,2,3 x cols 0,0,0,0,1,2,3 holds 0 sixteen
    # times, then 1, 2 and 3 four times each: the 25th smallest is 3
    expected = (np.array([24.0, 3.0]) * scale).astype(dtype)
    assert out7[3, 3, 0] == expected[0] and out7[0, 0, 0] == expected[1]
    per = run(xp, B.median_blur, np.stack([img, img]), dtype, np.array([1, 3]))
    np.testing.assert_array_equal(per[0], img)
    np.testing.assert_array_equal(per[1], out)


@pytest.mark.parity.with_args("numpy_cv2", B.box_blur, B.gaussian_blur, B.median_blur)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("channels", [1, 2, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", sorted(BLUR_PARITY))
def test_blur_numpy_overrides_match_generic(case, dtype, channels, batch):
    """cv2.blur and the median are exact; sepFilter2D sums in its own order (within 1 level / 1e-5)."""
    kern, make = BLUR_PARITY[case]
    rng = _seed(case, dtype, channels, batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 11, 14, channels) if n else (11, 14, channels))
    if dtype == "float32":
        img = np.clip(img, 0, 1)
    args = make(rng, n)
    args = args if isinstance(args, tuple) else (args,)
    assert kern.overrides["numpy_cv2"](img, *args) is not NotImplemented
    exact = case != "gaussian"
    _assert_close(kern(img, *args), kern.generic(img, *args), dtype, int_tol=0 if exact else 1)


def test_motion_kernels_golden():
    third = np.float32(1) / np.float32(3)
    k = B.motion_kernels(3, 0.0, 0.0, 0.0, 0.0)
    np.testing.assert_array_equal(k, [[0, 0, 0], [third, third, third], [0, 0, 0]])  # horizontal line
    np.testing.assert_array_equal(B.motion_kernels(3, 90.0, 0.0, 0.0, 0.0), k.T)  # vertical
    # k = 5, direction 1: t = linspace(0, 2, 5) = [0, .5, 1, 1.5, 2]; x = 2 + t rounds (half to even) to
    # [2, 2, 3, 4, 4]: the three points x = 2, 3, 4 of row 2; direction -1 gives x = 0, 1, 2
    fwd = B.motion_kernels(5, 0.0, 1.0, 0.0, 0.0)
    assert np.flatnonzero(fwd[2]).tolist() == [2, 3, 4] and fwd.sum() == pytest.approx(1.0)
    assert np.flatnonzero(B.motion_kernels(5, 0.0, -1.0, 0.0, 0.0)[2]).tolist() == [0, 1, 2]
    # shift_x 1 moves the line by 1 * 2 / 2 = 1 pixel: x = [1 .. 5] clipped to 4: four points of 1/4
    shifted = B.motion_kernels(5, 0.0, 0.0, 1.0, 0.0)
    assert np.flatnonzero(shifted[2]).tolist() == [1, 2, 3, 4] and shifted[2, 1] == 0.25
    # 45 degrees: t = [-1, 0, 1]: (1 - .707, 1 - .707) -> (0, 0), (1, 1), (2, 2): the diagonal
    np.testing.assert_array_equal(
        B.motion_kernels(3, 45.0, 0.0, 0.0, 0.0), np.eye(3, dtype=np.float32) * third
    )
    assert B.motion_kernels(1, 30.0, 0.5, 1.0, 1.0).tolist() == [[1.0]]  # size 1: the identity
    # a batch: each kernel centred in the largest size, zero-padded
    batch = B.motion_kernels(np.array([3, 5]), np.array([0.0, 0.0]), np.zeros(2), np.zeros(2), np.zeros(2))
    assert batch.shape == (2, 5, 5)
    np.testing.assert_array_equal(batch[0, 1:4, 1:4], k)
    np.testing.assert_array_equal(batch[1], B.motion_kernels(5, 0.0, 0.0, 0.0, 0.0))


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_motion_kernels_equal_albumentations():
    import random

    from albumentations.augmentations.blur import functional as fb

    rng = np.random.default_rng(1)
    for i in range(300):
        k = int(rng.choice([1, 3, 5, 7, 9, 15]))
        a = float(rng.choice([rng.uniform(0, 360), 45.0, 90.0, 135.0]))
        d = float(rng.choice([rng.uniform(-1, 1), -1.0, 0.0, 0.5, 1.0]))
        shifted = bool(rng.random() < 0.5)
        ref = fb.create_motion_kernel(k, a, d, shifted, random.Random(i))
        draws = random.Random(i)
        sx, sy = (draws.uniform(-1, 1), draws.uniform(-1, 1)) if shifted else (0.0, 0.0)
        np.testing.assert_array_equal(B.motion_kernels(k, a, d, sx, sy), ref.astype(np.float32) / np.sum(ref))
        np.testing.assert_array_equal(
            B.motion_kernels(np.array([k]), a, d, sx, sy)[0], ref / np.sum(ref, dtype=np.float32)
        )


def test_defocus_kernels_golden():
    # radius 1: the 5 pixels (0, 0), (+-1, 0), (0, +-1) of 1/5 in a 17x17 square; alias_blur 0 uses OpenCV's
    # table [.25, .5, .25]: rows then columns give .15 at the centre (.5 * .2 + .25 * (.1 + .1)), .1 beside
    # it, .0625 on the diagonals (.5 * .05 + .25 * .15) and .05 two pixels out
    k = B.defocus_kernels(1, 0.0)
    assert k.shape == (17, 17) and k.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        k[7:10, 7:10], [[0.0625, 0.1, 0.0625], [0.1, 0.15, 0.1], [0.0625, 0.1, 0.0625]], atol=1e-7
    )
    assert k[8, 6] == pytest.approx(0.05 * 0.5) and np.count_nonzero(k) == 21
    assert B.defocus_kernels(0, 0.3).tolist() == [[1.0]]  # radius 0: the identity
    assert B.defocus_kernels(10, 0.3).shape == (21, 21)  # 2 * max(8, radius) + 1
    # sigma 0.5, size 3: OpenCV's exp(-x**2 / 0.5) = [e**-2, 1, e**-2] / (1 + 2 e**-2)
    g = B._opencv_gaussian(np.array([3]), np.array([0.5]), 5)[0]
    e = np.exp(-2.0)
    np.testing.assert_allclose(g, [0, e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e), 0], rtol=1e-6)
    batch = B.defocus_kernels(np.array([2, 10, 0]), np.array([0.3, 0.5, 0.1]))
    assert batch.shape == (3, 21, 21)
    np.testing.assert_array_equal(batch[0, 2:19, 2:19], B.defocus_kernels(2, 0.3))
    np.testing.assert_array_equal(batch[1], B.defocus_kernels(10, 0.5))
    assert batch[2, 10, 10] == 1.0 and batch[2].sum() == 1.0


def test_defocus_kernels_near_albumentations():
    """OpenCV smooths the disc in float32 with its own summation: within 2e-8 of ours."""
    cv2 = pytest.importorskip("cv2")
    for radius, alias in [(1, 0.0), (3, 0.3), (8, 0.7), (9, 0.0), (12, 0.45)]:
        half = max(8, radius)
        x, y = np.meshgrid(np.arange(-half, half + 1), np.arange(-half, half + 1))
        disc = ((x**2 + y**2) <= radius**2).astype(np.float32)
        disc /= disc.sum()
        ksize = 3 if radius <= 8 else 5
        ref = cv2.GaussianBlur(disc, (ksize, ksize), sigmaX=alias)
        np.testing.assert_allclose(B.defocus_kernels(radius, alias), ref, rtol=0, atol=2e-8)


def test_advanced_kernels_golden():
    # beta 1, sigma 1, no rotation, flat noise: exp(-(x**2 + y**2) / 2), normalised
    k = B.advanced_kernels(3, 1.0, 1.0, 0.0, 1.0, np.ones((3, 3)))
    g = np.exp(-0.5 * np.array([[2.0, 1, 2], [1, 0, 1], [2, 1, 2]]))
    np.testing.assert_allclose(k, g / g.sum(), rtol=1e-6)
    # sigma_x 2, sigma_y 0.5 rotated by 90 degrees: the long axis runs along y
    r = B.advanced_kernels(5, 2.0, 0.5, 90.0, 1.0, np.ones((5, 5)))
    assert r[0, 2] > r[2, 0] and r[0, 2] == pytest.approx(r[4, 2]) and r[2, 0] == pytest.approx(r[2, 4])
    # beta 2: exp(-0.5 q**2): the taps at q = 1 weigh exp(-0.5), the corners (q = 2) exp(-2)
    b2 = B.advanced_kernels(3, 1.0, 1.0, 0.0, 2.0, np.ones((3, 3)))
    assert b2[0, 1] / b2[1, 1] == pytest.approx(np.exp(-0.5)) and b2[0, 0] / b2[1, 1] == pytest.approx(
        np.exp(-2)
    )
    noise = np.ones((3, 3))
    noise[0, 0] = 2.0  # the noise multiplies its tap before the normalisation
    n = B.advanced_kernels(3, 1.0, 1.0, 0.0, 1.0, noise)
    assert n[0, 0] / n[2, 2] == pytest.approx(2.0) and n.sum() == pytest.approx(1.0)
    assert B.advanced_kernels(1, 0.5, 0.5, 0.0, 1.0, np.full((1, 1), 0.9)).tolist() == [[1.0]]
    batch = B.advanced_kernels(np.array([3, 5]), 1.0, 1.0, 0.0, np.array([1.0, 2.0]), np.ones((2, 5, 5)))
    np.testing.assert_array_equal(batch[0, 1:4, 1:4], k)
    assert batch[0, 0].sum() == 0 and batch.shape == (2, 5, 5)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_advanced_blur_matches_albumentations_with_its_draws():
    """albumentations' draws replayed (its py_random and numpy Generator, seeded): the same kernel."""
    import random

    from albumentations.augmentations.blur import functional as fb

    img = make_image("uint8", (21, 25, 3), seed=4)
    for seed in range(6):
        theirs = alb.AdvancedBlur(blur_limit=(3, 9), p=1)
        theirs.set_random_seed(seed)
        out = theirs.apply(img, **theirs.get_params())
        r, g = random.Random(seed), np.random.default_rng(seed)
        k = fb.sample_odd_from_range(r, 3, 9)
        sx, sy, angle = r.uniform(0.2, 1.0), r.uniform(0.2, 1.0), r.uniform(-90, 90)
        beta = r.uniform(0.5, 1) if r.random() < 0.5 else r.uniform(1, 8.0)
        noise = g.uniform(0.9, 1.1, size=(k, k))
        ours = FF.convolve(img, B.advanced_kernels(k, sx, sy, angle, beta, noise))
        assert np.abs(ours.astype(int) - out).max() <= 1


@pytest.mark.golden.with_args(B.zoom_blur)
def test_zoom_blur_golden(xp):
    # one factor 1: the mean of the image and itself, exact
    img = np.array([[0, 10, 20, 30]], np.uint8)[..., None]
    assert run(xp, B.zoom_blur, img, "uint8", np.array([1.0]))[..., 0].tolist() == [[0, 10, 20, 30]]
    # 1x4 row, z = 2: crop ceil(4 / 2) = 2 columns from (4 - 2) // 2 = 1 -> [10, 20]; resized to 4 with
    # scale 0.5: centres (d + .5) * .5 - .5 = [-.25, .25, .75, 1.25] -> 10, 12.5, 17.5, 20 (edges repeated);
    # trim (4 - 4) // 2 = 0. Mean with the image: [5, 11.25, 18.75, 25] -> 5, 11, 19, 25
    assert run(xp, B.zoom_blur, img, "uint8", np.array([2.0]))[..., 0].tolist() == [[5, 11, 19, 25]]
    # per sample: no factor (0) is the identity; float32 images are not rescaled
    f = np.stack([img, img]).astype(np.float32) / 40
    out = run(xp, B.zoom_blur, f, "float32", np.array([[0.0], [2.0]]))
    np.testing.assert_allclose(out[0, 0, :, 0], [0, 0.25, 0.5, 0.75], atol=1e-7)
    np.testing.assert_allclose(out[1, 0, :, 0], np.array([5, 11.25, 18.75, 25]) / 40, atol=1e-6)
    np.testing.assert_allclose(B.zoom_factors(1.07, 0.03), [1.0, 1.03, 1.06])
    np.testing.assert_allclose(
        B.zoom_factors(np.array([1.07, 1.02]), 0.03), [[1.0, 1.03, 1.06], [1.0, 0.0, 0.0]]
    )


@pytest.mark.parity.with_args("numpy_cv2", B.zoom_blur)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_zoom_blur_numpy_override_matches_generic(dtype, channels, batch):
    """cv2.resize with albumentations' order of operations: exact for uint8, 1 level for uint16 (its
    scaling to [0, 1] differs by an ulp), 1e-6 for float32."""
    rng = _seed("zoom", dtype, channels, batch)
    img = random_image(rng, dtype, (3, 13, 17, channels) if batch else (13, 17, channels))
    if dtype == "float32":
        img = np.clip(img, 0, 1)
    f = B.zoom_factors(rng.uniform(1.05, 1.6, 3) if batch else 1.4, 0.05)
    assert B.zoom_blur.overrides["numpy_cv2"](img, f) is not NotImplemented
    _assert_close(
        B.zoom_blur(img, f),
        B.zoom_blur.generic(img, f),
        dtype,
        int_tol=0 if dtype == "uint8" else 1,
        float_tol=1e-6,
    )
    # a zoom 2+ px larger than the image (outside the reused buffer); from 2.5x OpenCV's upscaling
    # differs from the generic's by up to a level after rounding (the override is albumentations')
    big = np.array([1.5, 3.5])
    _assert_close(B.zoom_blur(img, big), B.zoom_blur.generic(img, big), dtype, int_tol=1, float_tol=1e-6)


@pytest.mark.golden.with_args(B.glass_blur)
def test_glass_blur_golden(xp):
    img = np.arange(12, dtype=np.uint8).reshape(3, 4, 1) * 10
    swap = np.arange(12)
    swap[[5, 6]] = [6, 5]  # pixels (1, 1) and (1, 2) trade places
    out = run(xp, B.glass_blur, img, "uint8", 0.0, swap)  # sigma 0: the shuffle alone
    assert out[1, :, 0].tolist() == [40, 60, 50, 70]
    # sigma 0.3: OpenCV's size round(0.3 * 6 + 1) | 1 = 3, weights exp(-x**2 / 0.18) = [e**-5.56, 1, e**-5.56]
    # normalised: [0.00383, 0.99233, 0.00383]; a flat image stays flat, whatever the shuffle
    w = B.opencv_sigma_weights(0.3, "uint8", img)
    np.testing.assert_allclose(
        w, np.array([np.exp(-1 / 0.18), 1, np.exp(-1 / 0.18)]) / (1 + 2 * np.exp(-1 / 0.18)), rtol=1e-6
    )
    assert len(B.opencv_sigma_weights(0.3, "float32", img)) == 3  # round(0.3 * 8 + 1) | 1 = 3
    assert (
        len(B.opencv_sigma_weights(0.7, "float32", img)) == 7
        and len(B.opencv_sigma_weights(0.7, "uint8", img)) == 5
    )
    flat = np.full((5, 6, 2), 0.25, np.float32)
    np.testing.assert_allclose(
        run(xp, B.glass_blur, flat, "float32", 0.3, np.arange(30)[::-1].copy()), flat, atol=1e-7
    )
    # a batch: each sample its own map and sigma
    per = run(
        xp, B.glass_blur, np.stack([img, img]), "uint8", np.array([0.0, 0.0]), np.stack([np.arange(12), swap])
    )
    assert per[0, ..., 0].tolist() == img[..., 0].tolist() and per[1, 1, :, 0].tolist() == [40, 60, 50, 70]


@pytest.mark.parametrize("exact", [False, True])
def test_glass_index_map_is_albumentations_shuffle(exact):
    """Both modes: the composed index map equals albumentations' swaps replayed on an index image."""
    rng = np.random.default_rng(7)
    for h, w, md, it in [(12, 15, 2, 2), (9, 9, 4, 1), (20, 11, 3, 3), (6, 6, 3, 2)]:
        pixels = max(h - 2 * md, 0) * max(w - 2 * md, 0)
        dxy = rng.integers(-md, md, size=(3, pixels, it, 2)).astype(np.int16)
        batch = B.glass_index_map(dxy, (h, w), md, exact=exact)
        for s in range(3):
            expected = _albumentations_shuffle(dxy[s], h, w, md, exact)
            np.testing.assert_array_equal(B.glass_index_map(dxy[s], (h, w), md, exact=exact), expected)
            np.testing.assert_array_equal(batch[s], expected)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_glass_blur_matches_albumentations_with_its_draws():
    """Fast mode: equal. Exact mode: equal on one-channel images; on colour images albumentations' swap
    of two pixels copies one onto the other (its right-hand side holds views), which xalbu does not."""
    for mode, channels in (("fast", 3), ("exact", 1), ("exact", 3)):
        img = make_image("uint8", (40, 37, channels), seed=5)
        theirs = alb.GlassBlur(sigma=0.8, max_delta=3, iterations=2, mode=mode, p=1)
        theirs.set_random_seed(11)
        dxy = theirs.get_params_dependent_on_data({"shape": img.shape}, {})["dxy"]
        ref = theirs.apply(img if channels > 1 else img[..., 0], dxy=dxy).reshape(img.shape)
        ours = B.glass_blur(img, 0.8, B.glass_index_map(dxy, (40, 37), 3, exact=mode == "exact"))
        if (mode, channels) == ("exact", 3):
            assert not np.array_equal(ours, ref)
            copies = _albumentations_copies(img, dxy, 3, 0.8)
            np.testing.assert_array_equal(copies, ref)  # what albumentations does: x[p] = x[q] only
        else:
            np.testing.assert_array_equal(ours, ref)  # OpenCV's GaussianBlur on both sides: exact


@pytest.mark.parity.with_args("numpy_cv2", B.glass_blur)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", DTYPES)
def test_glass_blur_numpy_override_matches_generic(dtype, channels, batch):
    """OpenCV's GaussianBlur rounds through fixed point for integers: within 1 level per blur (2 in all),
    1e-6 for float32 (the same weights)."""
    rng = _seed("glass", dtype, channels, batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 14, 16, channels) if n else (14, 16, channels))
    if dtype == "float32":
        img = np.clip(img, 0, 1)
    dxy = rng.integers(-2, 2, size=((n,) if n else ()) + (10 * 12, 2, 2))
    index_map = B.glass_index_map(dxy, (14, 16), 2)
    sigma = rng.uniform(0.3, 1.5, n) if n else 0.9
    assert B.glass_blur.overrides["numpy_cv2"](img, sigma, index_map) is not NotImplemented
    tol = {"uint8": 2, "uint16": 2 * 257}.get(dtype, 0)
    _assert_close(
        B.glass_blur(img, sigma, index_map),
        B.glass_blur.generic(img, sigma, index_map),
        dtype,
        int_tol=tol,
        float_tol=1e-6,
        share=1.0,
    )


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", B.median_blur)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_median_blur_cupy_override_matches_generic(cupy, dtype, batch):
    """The CUDA median is exact (a selection of the same values, NaN last)."""
    rng = _seed("median-cupy", dtype, batch)
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 9, 12, 3) if n else (9, 12, 3))
    if dtype == "float32":
        img.reshape(-1)[rng.choice(img.size, 5, replace=False)] = np.nan
    ksize = np.array([1, 3, 5, 7]) if batch else 5
    got = B.median_blur(cupy.asarray(img), ksize)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), B.median_blur.generic(img, ksize))
    if hasattr(cupy, "STATS") and batch:
        cupy.reset_stats()
        B.median_blur(cupy.asarray(img), ksize)
        assert cupy.STATS["launches"] == 1 and cupy.STATS["to_host"] == 0
    assert B.median_blur.overrides["cupy"](cupy.asarray(img[..., :1]), 17) is NotImplemented  # past 15


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", B.zoom_blur)
@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_zoom_blur_cupy_override_matches_generic(cupy, dtype, batch):
    """The CUDA zoom blur does the generic kernel's float32 arithmetic in its order: equal on the harness
    (within 1 level / 1e-6 on a GPU)."""
    rng = _seed("zoom-cupy", dtype, batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 11, 14, 2) if n else (11, 14, 2))
    if dtype == "float32":
        img = np.clip(img, 0, 1)
        img[0, 0] = np.nan
    f = B.zoom_factors(np.array([1.0, 1.3, 1.7]) if batch else 1.5, 0.1, 8 if batch else 0)
    got = cupy.asnumpy(B.zoom_blur(cupy.asarray(img), f))
    expected = B.zoom_blur.generic(img, f)
    tol = 0 if getattr(cupy, "STATS", None) is not None else 1
    _assert_close(got, expected, dtype, int_tol=tol, float_tol=1e-6)
    if dtype == "float32":
        assert np.isnan(got.reshape(-1, 2)[0]).all() == np.isnan(expected.reshape(-1, 2)[0]).all()
    if hasattr(cupy, "STATS") and batch:
        cupy.reset_stats()
        B.zoom_blur(cupy.asarray(img), f)
        assert cupy.STATS["launches"] == 1 and cupy.STATS["to_host"] == 0


# ========================================================================== transforms: albumentations
alb = pytest.importorskip("albumentations")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("name,factory", ALB_SAME, ids=[a[0] for a in ALB_SAME])
def test_matches_albumentations(name, factory, channels):
    """uint8 outputs equal to albumentations 2.0.8's within 1 level (all of these are exact today)."""
    img = make_image("uint8", (23, 31, channels), seed=channels)
    ours = factory(A)(image=img)["image"]
    theirs = factory(alb)(image=img)["image"]
    theirs = theirs.reshape(ours.shape)
    assert np.abs(ours.astype(int) - theirs).max() <= 1


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_float_median_keeps_its_values_where_albumentations_quantizes():
    img = make_image("float32", (9, 11, 3), seed=1)
    ours = A.MedianBlur(blur_limit=(3, 3), p=1)(image=img)["image"]
    np.testing.assert_array_equal(ours, B.median_blur.generic(img, 3))
    assert np.isin(ours, img).all()  # every output is one of the input's values
    theirs = alb.MedianBlur(blur_limit=(3, 3), p=1)(image=img)["image"]
    assert np.abs(theirs - ours).max() <= 0.5 / 255 + 1e-6 and not np.array_equal(theirs, ours)


# ---------------------------------------------------------------- docs/differences.md, both libraries
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_differences_median_blur_keeps_uint16_and_float32():
    img16 = make_image("uint16", (8, 9, 3), seed=2)
    theirs = alb.MedianBlur(blur_limit=(3, 3), p=1)(image=img16)["image"]
    assert theirs.dtype == np.float32 and np.all(theirs == 255.0)
    ours = A.MedianBlur(blur_limit=(3, 3), p=1)(image=img16)["image"]
    assert ours.dtype == np.uint16
    np.testing.assert_array_equal(ours, B.median_blur.generic(img16, 3))
    f = make_image("float32", (8, 9, 3), seed=2)
    theirs = alb.MedianBlur(blur_limit=(3, 3), p=1)(image=f)["image"]
    np.testing.assert_allclose(theirs * 255, np.round(theirs * 255), atol=1e-3)  # 256 levels
    assert np.isin(A.MedianBlur(blur_limit=(3, 3), p=1)(image=f)["image"], f).all()
    img8 = make_image("uint8", (8, 9, 3), seed=2)
    np.testing.assert_array_equal(
        A.MedianBlur(blur_limit=(5, 5), p=1)(image=img8)["image"],
        alb.MedianBlur(blur_limit=(5, 5), p=1)(image=img8)["image"],
    )


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # albumentations' 0 / 0
def test_differences_gaussian_blur_sigma_zero():
    img = make_image("uint8", (8, 9, 3), seed=3)
    theirs = alb.GaussianBlur(blur_limit=(3, 3), sigma_limit=(0, 0), p=1)(image=img)["image"]
    assert np.all(theirs == 255)
    ours = A.GaussianBlur(blur_limit=(3, 3), sigma_limit=(0, 0), p=1)(image=img)["image"]
    np.testing.assert_array_equal(ours, img)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_differences_glass_blur_sigma_zero_and_small_images():
    img = make_image("uint8", (20, 20, 3), seed=3)
    with pytest.raises(Exception):  # noqa: B017 - OpenCV's own error type
        alb.GlassBlur(sigma=0, p=1)(image=img)
    out = A.GlassBlur(sigma=0, max_delta=2, p=1)(image=img)["image"]
    pixels = {tuple(v) for v in img.reshape(-1, 3).tolist()}
    assert {tuple(v) for v in out.reshape(-1, 3).tolist()} <= pixels and not np.array_equal(
        out, img
    )  # moved only
    small = make_image("uint8", (6, 20, 3), seed=3)
    with pytest.raises(ValueError):
        alb.GlassBlur(max_delta=4, p=1)(image=small)
    np.testing.assert_array_equal(
        A.GlassBlur(max_delta=4, p=1)(image=small)["image"], B.glass_blur(small, 0.7, np.arange(120))
    )


# ============================================================================ transforms: invariants
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_invariants(xp, name, factory, dtype, channels):
    check_invariants(xp, name, factory, dtype, channels)


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_hw_stays_hw_and_other_targets_pass_through(name, factory):
    check_hw_stays_hw_and_other_targets_pass_through(factory)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_identity_parameters_return_the_input_exactly(xp, t, dtype):
    check_identity_parameters_return_the_input_exactly(xp, t, dtype)


@pytest.mark.parametrize("t,kernel", BATCH, ids=lambda v: type(v).__name__)
def test_batch_samples_match_single_image_kernel(xp, t, kernel):
    check_batch_samples_match_single_image_kernel(xp, t, kernel)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t,apply", P_HALF, ids=lambda v: type(v).__name__)
def test_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype)


def test_kernel_sizes_are_odd_and_within_limits():
    rng = np.random.default_rng(0)
    sizes = A.Blur(blur_limit=(3, 9)).sample(rng, (10, 10), 400).ksize
    assert set(np.unique(sizes).tolist()) == {3, 5, 7, 9}
    g = A.GaussianBlur(blur_limit=(0, 4), sigma_limit=(0.5, 1.0)).sample(rng, (10, 10), 400)
    assert set(np.unique(g.ksize).tolist()) == {0, 1, 2, 3, 4} and 0.5 <= g.sigma.min() <= g.sigma.max() < 1.0


def test_float_images_far_outside_unit_range_are_refused():
    img = np.full((4, 5, 3), 200.0, np.float32)
    for t in (
        A.Blur(p=1),
        A.GaussianBlur(p=1),
        A.MedianBlur(p=1),
        A.MotionBlur(p=1),
        A.Defocus(p=1),
        A.AdvancedBlur(p=1),
    ):
        with pytest.raises(ValueError, match=type(t).__name__):
            t(image=img)


# ---------------------------------------------------------------------------- transforms: arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.Blur(blur_limit="a"), "blur_limit"),
        (lambda: A.Blur(blur_limit=(3, 5.5)), r"blur_limit\[1\]"),
        (lambda: A.Blur(blur_limit=True), "blur_limit"),
        (lambda: A.MedianBlur(blur_limit=(3, 5, 7)), "blur_limit"),
        (lambda: A.GaussianBlur(sigma_limit=(2.0, 1.0)), "sigma_limit"),
        (lambda: A.GaussianBlur(sigma_limit=-1), "sigma_limit"),
        (lambda: A.GaussianBlur(sigma_limit=float("nan")), "sigma_limit"),
        (lambda: A.GaussianBlur(blur_limit=(5, 3)), "blur_limit"),
        (lambda: A.GaussianBlur(blur_limit=-3), "blur_limit"),
        (lambda: A.GaussianBlur(p=1.5), "p"),
        (lambda: A.MotionBlur(allow_shifted=1), "allow_shifted"),
        (lambda: A.MotionBlur(angle_range=(0, 400)), "angle_range"),
        (lambda: A.MotionBlur(direction_range=(0.5, -0.5)), "direction_range"),
        (lambda: A.MotionBlur(direction_range=(-2, 0)), "direction_range"),
        (lambda: A.MotionBlur(angle_range=(float("nan"), 3)), "angle_range"),
        (lambda: A.Defocus(radius=0), "radius"),
        (lambda: A.GlassBlur(sigma=-1), "sigma"),
        (lambda: A.GlassBlur(max_delta=0), "max_delta"),
        (lambda: A.GlassBlur(iterations=1.5), "iterations"),
        (lambda: A.GlassBlur(mode="slow"), "mode"),
        (lambda: A.ZoomBlur(max_factor=0.5), "max_factor"),
        (lambda: A.ZoomBlur(step_factor=(0, 0)), "step_factor"),
        (lambda: A.ZoomBlur(step_factor=-0.1), "step_factor"),
        (lambda: A.AdvancedBlur(sigma_x_limit=(0, 1), sigma_y_limit=(0, 2)), "sigma_x_limit"),
        (lambda: A.AdvancedBlur(beta_limit=(1.5, 3)), "beta_limit"),
        (lambda: A.AdvancedBlur(noise_limit=(-1, 1)), "noise_limit"),
        (lambda: A.AdvancedBlur(rotate_limit=(10, -10)), "rotate_limit"),
        (lambda: A.Defocus(radius=(5, 2)), "radius"),
        (lambda: A.Defocus(alias_blur=-0.1), "alias_blur"),
        (lambda: A.Defocus(alias_blur=(0.1, "x")), "alias_blur"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_kernel_size_ranges_are_adjusted_as_albumentations_does():
    with pytest.warns(UserWarning, match="blur_limit"):
        assert A.Blur(blur_limit=(2, 6)).blur_limit == (3, 7)
    with pytest.warns(UserWarning, match="blur_limit"):
        assert A.MedianBlur(blur_limit=(9, 5)).blur_limit == (5, 5)
    assert A.Blur(blur_limit=9).blur_limit == (3, 9)
    assert A.GaussianBlur(blur_limit=7).blur_limit == (0, 7)
    assert A.GaussianBlur(sigma_limit=2).sigma_limit == (0.0, 2.0)
    assert A.Defocus(radius=5, alias_blur=0.3).radius == (1, 5)
    assert A.Defocus(radius=5, alias_blur=0.3).alias_blur == (0.0, 0.3)


def test_defaults_and_init_args_round_trip():
    check_defaults_and_init_args_round_trip(
        {
            A.Blur: {"blur_limit": (3, 7), "p": 0.5},
            A.MedianBlur: {"blur_limit": (3, 7), "p": 0.5},
            A.GaussianBlur: {"blur_limit": (0, 0), "sigma_limit": (0.5, 3.0), "p": 0.5},
            A.Defocus: {"radius": (3, 10), "alias_blur": (0.1, 0.5), "p": 0.5},
            A.ZoomBlur: {"max_factor": (1.0, 1.31), "step_factor": (0.01, 0.03), "p": 0.5},
            A.GlassBlur: {"sigma": 0.7, "max_delta": 4, "iterations": 2, "mode": "fast", "p": 0.5},
            A.AdvancedBlur: {
                "blur_limit": (3, 7),
                "sigma_x_limit": (0.2, 1.0),
                "sigma_y_limit": (0.2, 1.0),
                "rotate_limit": (-90.0, 90.0),
                "beta_limit": (0.5, 8.0),
                "noise_limit": (0.9, 1.1),
                "p": 0.5,
            },
            A.MotionBlur: {
                "blur_limit": (3, 7),
                "allow_shifted": True,
                "angle_range": (0.0, 360.0),
                "direction_range": (-1.0, 1.0),
                "p": 0.5,
            },
        }
    )
