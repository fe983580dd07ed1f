"""Color: the kernels to_gray, sepia and channel_shuffle (hand-computed golden values over every
backend, contract, numpy_cv2 override parity) and the transforms ToGray, ToSepia and ChannelShuffle
(exact values, albumentations parity, invariants, batches, argument checks).

Golden values run over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override,
on array_api_strict the generic kernel runs. Integer rounding is half to even everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import color as P

from ._color_catalogue import *  # noqa: F403 - HueSaturationValue ... ChromaticAberration: kernels
from ._color_catalogue_transforms import *  # noqa: F403 - and transforms (files of their own for size)
from ._color_stain import *  # noqa: F403 - HEStain
from ._pointwise import (
    DTYPES,
    ParityCase,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_batch_per_sample_equals_single,
    check_batch_samples_match_single_image_kernel,
    check_defaults_and_init_args_round_trip,
    check_dtype_shape_and_input_untouched,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    check_non_contiguous_input,
    check_override_matches_generic,
    make_image,
    one,
    row,
    run,
)

# ------------------------------------------------------------------------------------------- golden
# pure red, green, blue, white, then (10, 201, 30) and (10, 203, 30) for half-way rounding
GRAY_IMG = [[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [10, 201, 30], [10, 203, 30]]]


@pytest.mark.golden.with_args(P.to_gray)
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # 0.299*255 = 76.245, 0.587*255 = 149.685, 0.114*255 = 29.07;
        # 2.99 + 0.587*201 + 3.42 = 124.397, 2.99 + 0.587*203 + 3.42 = 125.571
        ("weighted_average", [76, 150, 29, 255, 124, 126]),
        # 0.2126*255 = 54.213, 0.7152*255 = 182.376, 0.0722*255 = 18.411;
        # 2.126 + 0.7152*201 + 2.166 = 148.047, 2.126 + 0.7152*203 + 2.166 = 149.478
        ("luminance", [54, 182, 18, 255, 148, 149]),
        ("average", [85, 85, 85, 255, 80, 81]),  # 241/3 = 80.33, 243/3 = 81
        ("max", [255, 255, 255, 255, 201, 203]),
        ("desaturation", [128, 128, 128, 255, 106, 106]),  # 127.5 -> 128, 105.5 -> 106, 106.5 -> 106
    ],
)
def test_to_gray_uint8(xp, method, expected):
    out = run(xp, P.to_gray, GRAY_IMG, "uint8", method, 1)
    assert out.shape == (1, 6, 1)
    assert out.ravel().tolist() == expected
    out3 = run(xp, P.to_gray, GRAY_IMG, "uint8", method, 3)
    assert out3.shape == (1, 6, 3)
    assert (out3 == out).all()


# from_lab: L = 116 * Y^(1/3) - 16 (903.3 * Y below Y = 0.008856), Y = 0.212671 R + 0.715160 G +
# 0.072169 B of the linearised sRGB values, as L * 255 / 100 in uint8:
#   red Y = 0.212671 -> L 53.2406 -> 135.76;  green Y = 0.71516 -> 87.7351 -> 223.73
#   blue Y = 0.072169 -> 32.2957 -> 82.35;    white 100 -> 255, black 0
#   (128, 128, 128): lin 0.215861 -> L 53.5850 -> 136.64;  (5, 5, 5): lin 0.0015175 (linear part)
#   -> L 903.3 * 0.0015175 = 1.3708 -> 3.50 (3);  (10, 200, 30): Y 0.414436 -> L 70.5001 -> 179.78
LAB_IMG = [
    [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
        [0, 0, 0],
        [128, 128, 128],
        [5, 5, 5],
        [10, 200, 30],
    ]
]
LAB_L = [53.2406, 87.7351, 32.2957, 100.0, 0.0, 53.5850, 1.3708, 70.5001]


@pytest.mark.golden.with_args(P.to_gray)
def test_to_gray_from_lab_golden(xp):
    out = run(xp, P.to_gray, LAB_IMG, "uint8", "from_lab", 1)
    assert out.ravel().tolist() == [136, 224, 82, 255, 0, 137, 3, 180]
    out16 = run(xp, P.to_gray, np.asarray(LAB_IMG) * 257, "uint16", "from_lab", 2)
    assert out16.shape == (1, 8, 2)
    # L / 100 * 65535, the generic kernel's float32 formula (OpenCV has no uint16 Lab)
    np.testing.assert_allclose(out16[..., 0].ravel(), np.array(LAB_L) / 100 * 65535, atol=3)
    outf = run(xp, P.to_gray, np.asarray(LAB_IMG) / 255.0, "float32", "from_lab", 1)
    # OpenCV's float path (NumPy) is within 0.002 of the formula
    np.testing.assert_allclose(outf.ravel(), np.array(LAB_L) / 100, atol=2e-3)
    with pytest.raises(ValueError, match="3-channel"):
        run(xp, P.to_gray, np.zeros((2, 2, 4)), "uint8", "from_lab", 1)


# pca: each image's pixels projected on their first principal axis, min-max scaled. A ramp of red
# alone (axis (1, 0, 0)) gives the red values back; pixels along (1, 1, 0) or (-1, 1, 0) give the
# ramp 0, 1/3, 2/3, 1, and the second one fixes the sign OpenCV's solver gives the axis:
# (-0.7071, 0.7071, 0), so the gray grows with green (the opposite sign, equally valid, would invert
# the image). Four pixel values a row keep every mean and variance exact (equal variances equal).
G4 = np.array([0, 64, 128, 192])
PCA_IMAGES = {
    "red ramp": np.stack([[0, 85, 170, 255], [0] * 4, [0] * 4], -1),
    "diagonal": np.stack([G4, G4, [0] * 4], -1),
    "anti-diagonal": np.stack([255 - G4, G4, [0] * 4], -1),
    "constant": np.full((4, 3), 9),
}
PCA_RAMP = [0, 85, 170, 255]


@pytest.mark.golden.with_args(P.to_gray)
@pytest.mark.parametrize("name", sorted(PCA_IMAGES))
def test_to_gray_pca_golden(xp, name):
    img = np.repeat(PCA_IMAGES[name][None], 2, axis=0)  # 2 x 4 x 3
    expected = [0] * 4 if name == "constant" else PCA_RAMP
    out = run(xp, P.to_gray, img, "uint8", "pca", 1)
    assert out.shape == (2, 4, 1) and out[0, :, 0].tolist() == expected and out[1, :, 0].tolist() == expected
    outf = run(xp, P.to_gray, img / 256.0, "float32", "pca", 3)  # exact binary fractions
    np.testing.assert_allclose(outf[0, :, 1], np.array(expected) / 255.0, atol=1e-6)
    out16 = run(xp, P.to_gray, img * 257, "uint16", "pca", 1)
    assert out16[0, :, 0].tolist() == [v * 257 for v in expected]


@pytest.mark.golden.with_args(P.to_gray)
def test_to_gray_pca_batch_is_per_sample(xp):
    anti = np.repeat(PCA_IMAGES["anti-diagonal"][None], 2, 0)
    batch = np.stack([anti, np.full((2, 4, 3), 9), anti // 2])
    out = run(xp, P.to_gray, batch, "uint8", "pca", 1)
    assert out.shape == (3, 2, 4, 1)
    # the halved image: G - R = (-96, -32, 32, 96), rescaled to its own range
    assert out[0, 0, :, 0].tolist() == PCA_RAMP and out[1].max() == 0 and out[2, 1, :, 0].tolist() == PCA_RAMP


def test_first_principal_axis_takes_opencvs_sign():
    """Hand-worked: [[1, -1], [-1, 1]] needs one Jacobi rotation (pivot -1, y = 0: c = s = 1/sqrt 2 up
    to the sign), which leaves (-0.7071, 0.7071) in the row of the eigenvalue 2; [[2, 1, 0], [1, 2, 0],
    [0, 0, 1]] gives (0.7071, 0.7071, 0)."""
    r = 0.5**0.5
    np.testing.assert_allclose(P.first_principal_axis(np.array([[[1.0, -1.0], [-1.0, 1.0]]])), [[-r, r]])
    cov = np.array([[[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 1.0]]])
    np.testing.assert_allclose(P.first_principal_axis(cov), [[r, r, 0.0]], atol=1e-15)


@pytest.mark.parametrize("channels", [2, 3, 4, 5, 6, 8])
def test_first_principal_axis_matches_opencv_pca(channels):
    """The axis and its sign are OpenCV's (cv2.PCACompute2, albumentations' PCA) on data of every
    kind: correlated, rounded (ties between off-diagonal entries), a constant channel, small integers,
    and random 8-bit pixels (where OpenCV's remembered row/column maxima pick other pivots than the
    true largest entry about once in a hundred matrices of 5-8 channels)."""
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(channels)
    covs, want = [], []
    for i in range(300):
        if i < 60:
            x = rng.random((60, 1)) @ rng.normal(size=(1, channels)) + 0.3 * rng.normal(size=(60, channels))
            if i % 3 == 0:
                x = np.round(x * 50)
            if i % 5 == 0:
                x[:, 0] = 3.0
            if i % 7 == 0:
                x = np.round(rng.random((60, channels)) * 3)
        else:
            x = rng.integers(0, 256, (64, channels)).astype(np.float64)
        want.append(cv2.PCACompute2(x, mean=None, maxComponents=1)[1][0])
        flags = cv2.COVAR_ROWS | cv2.COVAR_NORMAL | cv2.COVAR_SCALE
        covs.append(cv2.calcCovarMatrix(x, None, flags)[0])  # OpenCV's own covariance: the solver alone
    np.testing.assert_allclose(P.first_principal_axis(np.stack(covs)), np.stack(want), atol=1e-9)


def test_first_principal_axis_remembers_column_maxima_as_opencv_does():
    """Among these 300 random 10-channel covariances, two (98 and 207) pick a pivot through a
    remembered column maximum that is no longer the column's largest entry: the true largest entry
    would give another axis than OpenCV's."""
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(211)
    covs, want = [], []
    for _ in range(300):
        x = rng.integers(0, 256, (64, 10)).astype(np.float64)
        want.append(cv2.PCACompute2(x, mean=None, maxComponents=1)[1][0])
        covs.append(cv2.calcCovarMatrix(x, None, cv2.COVAR_ROWS | cv2.COVAR_NORMAL | cv2.COVAR_SCALE)[0])
    np.testing.assert_allclose(P.first_principal_axis(np.stack(covs)), np.stack(want), atol=1e-9)


def test_to_gray_float_and_single_channel(xp):
    rgb = np.eye(3, dtype=np.float32).reshape(1, 3, 3)
    out = run(xp, P.to_gray, rgb, "float32", "weighted_average", 1)
    np.testing.assert_allclose(out.ravel(), [0.299, 0.587, 0.114], atol=1e-6)
    one = row([3, 7], "uint8")
    assert run(xp, P.to_gray, one, "uint8", "max", 3).tolist() == [[[3, 3, 3], [7, 7, 7]]]


@pytest.mark.parametrize(
    ("method", "channels", "n_out", "match"),
    [
        ("weighted_average", 2, 1, "3-channel"),
        ("luminance", 1, 1, "3-channel"),
        ("nope", 3, 1, "method"),
        ("average", 3, 0, "num_output_channels"),
    ],
)
def test_to_gray_errors(xp, method, channels, n_out, match):
    with pytest.raises(ValueError, match=match):
        run(xp, P.to_gray, np.zeros((2, 2, channels)), "uint8", method, n_out)


@pytest.mark.golden.with_args(P.channel_shuffle)
def test_channel_shuffle_per_sample_batch(xp):
    img = [[[[1, 2, 3], [7, 8, 9]]], [[[4, 5, 6], [10, 11, 12]]]]  # (2, 1, 2, 3)
    order = np.array([[2, 0, 1], [1, 2, 0]])
    out = run(xp, P.channel_shuffle, img, "uint8", order)
    assert out.tolist() == [[[[3, 1, 2], [9, 7, 8]]], [[[5, 6, 4], [11, 12, 10]]]]
    out = run(xp, P.channel_shuffle, img, "float32", [2, 1, 0])
    assert out.tolist() == [[[[3, 2, 1], [9, 8, 7]]], [[[6, 5, 4], [12, 11, 10]]]]


# --------------------------------------------------------------------------- contract: every kernel
# name -> (call(img) for a batch or a single image, output dtype or None for "same as input")
def _kernel_calls() -> dict[str, tuple[Callable[[Any], Any], str | None]]:
    return {
        "to_gray": (lambda im: P.to_gray(im, "average", 3), None),
        "channel_shuffle": (lambda im: P.channel_shuffle(im, list(range(im.shape[-1]))[::-1]), None),
    }


KERNEL_NAMES = sorted(_kernel_calls())


@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 3), (5, 7, 1)], ids=["hwc3", "nhwc3", "hwc1"])
def test_dtype_shape_and_input_untouched(xp, rng, name, dtype, shape):
    call, out_dtype = _kernel_calls()[name]
    expected_shape = (*shape[:-1], 3) if name == "to_gray" else shape
    check_dtype_shape_and_input_untouched(xp, rng, call, out_dtype, dtype, shape, expected_shape)


# name -> (per-sample parameter values for a batch of 3, call(img, value))
PER_SAMPLE: dict[str, tuple[list[Any], Callable[[Any, Any], Any]]] = {
    "channel_shuffle": ([[2, 0, 1], [0, 1, 2], [1, 2, 0]], lambda im, v: P.channel_shuffle(im, v)),
}


@pytest.mark.parametrize("name", sorted(PER_SAMPLE))
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_per_sample_equals_single(xp, rng, name, dtype):
    values, call = PER_SAMPLE[name]
    check_batch_per_sample_equals_single(xp, rng, values, call, dtype)


# ------------------------------------------------------------------------------------------- parity
# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
PARITY: dict[str, ParityCase] = {
    "channel_shuffle": (P.channel_shuffle, lambda r, n, c, d: (r.permutation(c),), 0, 0.0),
    "channel_shuffle_reverse": (P.channel_shuffle, lambda r, n, c, d: (np.arange(c)[::-1],), 0, 0.0),
    "channel_shuffle_per_sample": (
        P.channel_shuffle,
        lambda r, n, c, d: (np.stack([r.permutation(c) for _ in range(n)]) if n else r.permutation(c),),
        0,
        0.0,
    ),
    "to_gray_average": (P.to_gray, lambda r, n, c, d: ("average", 3), 1, 1e-5),
    "to_gray_max": (P.to_gray, lambda r, n, c, d: ("max", 1), 0, 0.0),
    "to_gray_desaturation": (P.to_gray, lambda r, n, c, d: ("desaturation", 2), 0, 0.0),
    "to_gray_weighted": (P.to_gray, lambda r, n, c, d: ("weighted_average", 3), 1, 1e-5),
    "to_gray_luminance": (P.to_gray, lambda r, n, c, d: ("luminance", 1), 1, 1e-5),
    # OpenCV's 8-bit Lab against the formula: within 1 level but for 1 colour in 16.7 million (2);
    # its float path within 0.002 (0.5 level)
    "to_gray_from_lab": (P.to_gray, lambda r, n, c, d: ("from_lab", 3), 2, 2e-3),
    "to_gray_pca": (P.to_gray, lambda r, n, c, d: ("pca", 1), 1, 1e-5),
    "sepia": (P.sepia, lambda r, n, c, d: (), 1, 1e-5),
}
# OpenCV's fixed-point paths: uint16 RGB2GRAY (about a third of the values off by one) and the uint8
# 3 -> 3 cv2.transform with full rows of weights (3-5 % off by one); still never more than 1
MANY_OFF_BY_ONE = {
    ("to_gray_weighted", "uint16"),
    ("to_gray_average", "uint8"),
    ("to_gray_luminance", "uint8"),
    ("sepia", "uint8"),  # the same 3 -> 3 fixed-point cv2.transform (albumentations' own kernel)
    ("to_gray_from_lab", "uint8"),  # OpenCV's 8-bit Lab: 13.6 % of all colours 1 off the formula
}
# cases the override declines on purpose (the generic path is as fast or the input is trivial)
DECLINED = {
    ("to_gray_average", 1),
    ("to_gray_max", 1),
    ("to_gray_desaturation", 1),
    ("to_gray_pca", 1),
    ("to_gray_from_lab", "uint16"),  # OpenCV has no 16-bit Lab
}


def _applies(case: str, dtype: str, channels: int) -> bool:
    if case in ("to_gray_weighted", "to_gray_luminance", "to_gray_from_lab", "sepia"):
        return channels == 3
    return True


@pytest.mark.parity.with_args("numpy_cv2", *{case[0] for case in PARITY.values()})
@pytest.mark.parametrize("case", sorted(PARITY))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_override_matches_generic(case, dtype, channels, batch):
    if not _applies(case, dtype, channels):
        pytest.skip("kernel does not take this input")
    check_override_matches_generic(PARITY[case], case, dtype, channels, batch, DECLINED, MANY_OFF_BY_ONE)


def test_override_handles_non_contiguous_input(rng):
    check_non_contiguous_input(
        rng,
        [
            (P.to_gray, ("weighted_average", 3)),
            (P.channel_shuffle, ([1, 2, 0],)),
        ],
    )


# ------------------------------------------------------------------------- transforms: exact values
def test_to_gray_weighted_pure_colours(xp):
    img = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    out = xp.to_numpy(one(A.ToGray(p=1), xp.asarray(img)))
    # 0.299 * 255 = 76.245, 0.587 * 255 = 149.685, 0.114 * 255 = 29.07
    np.testing.assert_array_equal(out, [[[76] * 3, [150] * 3, [29] * 3]])
    out1 = one(A.ToGray(num_output_channels=1, p=1), img)
    np.testing.assert_array_equal(out1, [[[76], [150], [29]]])


def test_to_gray_other_methods_and_channel_counts():
    img = np.array([[[10, 20, 30, 40, 50, 60]]], np.uint8)
    np.testing.assert_array_equal(one(A.ToGray(method="average", p=1), img), [[[35, 35, 35]]])
    np.testing.assert_array_equal(one(A.ToGray(method="max", num_output_channels=2, p=1), img), [[[60, 60]]])
    np.testing.assert_array_equal(one(A.ToGray(method="desaturation", p=1), img), [[[35, 35, 35]]])
    with pytest.raises(ValueError, match="needs a 3-channel RGB image, got 6 channels"):
        one(A.ToGray(p=1), img)


def test_to_gray_single_channel_is_returned_unchanged():
    img = make_image("uint8", (3, 4))
    out = one(A.ToGray(p=1), img)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, img)


def test_channel_shuffle_permutes_channels():
    img = np.broadcast_to(np.arange(6, dtype=np.uint8) * 10, (3, 4, 6)).copy()
    seen = set()
    for seed in range(10):
        out = one(A.ChannelShuffle(p=1), img, seed)
        order = tuple(int(v) // 10 for v in out[0, 0])
        assert sorted(order) == list(range(6))
        np.testing.assert_array_equal(out, img[..., list(order)])
        seen.add(order)
    assert len(seen) > 1


# --------------------------------------------------------------------------- transforms: invariants
RANDOM = [
    ("gray_weighted", lambda c: A.ToGray(p=1)),
    ("gray_average", lambda c: A.ToGray(method="average", num_output_channels=c, p=1)),
    ("gray_max", lambda c: A.ToGray(method="max", num_output_channels=c, p=1)),
    ("shuffle", lambda c: A.ChannelShuffle(p=1)),
]


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_invariants(xp, name, factory, dtype, channels):
    check_invariants(xp, name, factory, dtype, channels)


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_hw_stays_hw_and_other_targets_pass_through(name, factory):
    check_hw_stays_hw_and_other_targets_pass_through(factory)


# ------------------------------------------------------------------ transforms: identity parameters
IDENTITY = [
    A.ChannelShuffle(p=1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_identity_parameters_return_the_input_exactly(xp, t, dtype):
    check_identity_parameters_return_the_input_exactly(xp, t, dtype)


def test_transforms_without_identity_blend():
    assert A.ToGray.identity is None


# ------------------------------------------------------------------------------ transforms: batches
@pytest.mark.parametrize(
    "t,kernel",
    [
        (A.ChannelShuffle(p=1), lambda img, p: P.channel_shuffle(img, p.order)),
    ],
    ids=["shuffle"],
)
def test_batch_samples_match_single_image_kernel(xp, t, kernel):
    check_batch_samples_match_single_image_kernel(xp, t, kernel)


@pytest.mark.parametrize(
    "t,apply",
    [
        (A.ToGray(p=0.5), lambda img: P.to_gray(img, "weighted_average", 3)),
    ],
    ids=["gray"],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype)


def test_batch_channel_shuffle_p_half():
    n = 32
    img = np.broadcast_to(np.arange(4, dtype=np.uint8), (n, 3, 3, 4)).copy()
    out = A.Compose([A.ChannelShuffle(p=0.5)], seed=0).batch(images=img)["images"]
    orders = {tuple(out[i, 0, 0].tolist()) for i in range(n)}
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert (0, 1, 2, 3) in orders and len(orders) > 2


def test_batch_partial_application_of_channel_changes_raises():
    imgs = make_image("uint8", (4, 3, 3, 3))
    for t in (A.ToGray(num_output_channels=1),):
        with pytest.raises(ValueError, match="must apply to every sample"):
            A.Compose([t], seed=0).batch(images=imgs)


# ---------------------------------------------------------------------------- transforms: arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.ToGray(method="lab"), "method"),
        (lambda: A.ToGray(num_output_channels=0), "num_output_channels"),
        (lambda: A.ChannelShuffle(p=-0.1), "p"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_defaults_and_init_args_round_trip():
    defaults = {
        A.ToGray: {"num_output_channels": 3, "method": "weighted_average", "p": 0.5},
        A.ChannelShuffle: {"p": 0.5},
    }
    check_defaults_and_init_args_round_trip(defaults)


# -------------------------------------------------------------------------------------------- sepia
@pytest.mark.golden.with_args(P.sepia)
def test_sepia_golden(xp):
    # (100, 150, 200): R 39.3 + 115.35 + 37.8 = 192.45, G 34.9 + 102.9 + 33.6 = 171.4,
    # B 27.2 + 80.1 + 26.2 = 133.5 -> 134 (half to even); white saturates to (255, 255, 239)
    img = [[[100, 150, 200], [255, 255, 255], [0, 0, 0]]]
    assert run(xp, P.sepia, img, "uint8").tolist() == [[[192, 171, 134], [255, 255, 239], [0, 0, 0]]]
    # float32 is clipped to [0, 1]; 0.272 + 0.534 + 0.131 = 0.937 for white
    out = run(xp, P.sepia, [[[1.0, 1.0, 1.0], [0.2, 0.1, 0.0]]], "float32")
    np.testing.assert_allclose(out, [[[1.0, 1.0, 0.937], [0.1555, 0.1384, 0.1078]]], atol=1e-6)
    with pytest.raises(ValueError, match="3-channel"):
        run(xp, P.sepia, np.zeros((1, 2, 4)), "uint8")


@pytest.mark.parametrize("channels", [3, 5])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_to_gray_pca_matches_albumentations(dtype, channels):
    alb = pytest.importorskip("albumentations")
    for seed in range(4):
        img = make_image(dtype, (30, 40, channels), seed=seed)
        if seed % 2:  # correlated channels, a clear first axis
            img[..., 1] = (
                img[..., 0] // 2 + img[..., 1] // 2 if dtype == "uint8" else (img[..., 0] + img[..., 1]) / 2
            )
        want = alb.ToGray(method="pca", p=1)(image=img)["image"]
        for xp_img, kernel in ((img, A.ToGray(method="pca", p=1)), (img, None)):
            got = kernel(image=xp_img)["image"] if kernel is not None else P.to_gray.generic(img, "pca", 3)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), atol=1e-5)


def test_to_gray_from_lab_matches_albumentations():
    """uint8: the NumPy path is albumentations' own OpenCV call (equal); the generic formula is within
    1 level. float32: albumentations converts to uint8 and back around OpenCV's 8-bit Lab (256 output
    levels); xalbu computes in float32, within 1.5 levels of it (docs: differences)."""
    alb = pytest.importorskip("albumentations")
    img = make_image("uint8", (40, 50, 3), seed=5)
    want = alb.ToGray(method="from_lab", p=1)(image=img)["image"]
    np.testing.assert_array_equal(A.ToGray(method="from_lab", p=1)(image=img)["image"], want)
    generic = P.to_gray.generic(img, "from_lab", 3)
    assert np.abs(generic.astype(int) - want.astype(int)).max() <= 1
    imgf = (img / 255.0).astype(np.float32)
    wantf = alb.ToGray(method="from_lab", p=1)(image=imgf)["image"]
    gotf = A.ToGray(method="from_lab", p=1)(image=imgf)["image"]
    assert gotf.dtype == wantf.dtype == np.float32
    np.testing.assert_allclose(gotf, wantf, atol=1.5 / 255)


def test_to_gray_from_lab_needs_rgb_and_pca_takes_any_channels():
    with pytest.raises(ValueError, match="method='from_lab' needs a 3-channel RGB image"):
        one(A.ToGray(method="from_lab", p=1), make_image("uint8", (4, 5, 4)))
    out = one(A.ToGray(method="pca", num_output_channels=2, p=1), make_image("uint8", (4, 5, 6)))
    assert out.shape == (4, 5, 2) and out.min() == 0 and out.max() == 255


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_to_sepia_matches_albumentations(dtype):
    alb = pytest.importorskip("albumentations")
    img = make_image(dtype, (40, 50, 3), seed=3)
    want = alb.ToSepia(p=1)(image=img)["image"]
    got = A.ToSepia(p=1)(image=img)["image"]
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), atol=1e-6)


def test_to_sepia_gray_unchanged_other_channel_counts_refused_batches_per_sample():
    gray = make_image("uint8", (6, 7), seed=1)
    assert one(A.ToSepia(p=1), gray) is gray or np.array_equal(one(A.ToSepia(p=1), gray), gray)
    with pytest.raises(ValueError, match="1- or 3-channel"):
        one(A.ToSepia(p=1), make_image("uint8", (6, 7, 4)))
    images = make_image("uint16", (5, 6, 7, 3), seed=2)
    out = A.Compose([A.ToSepia(p=0.5)], seed=1, save_applied_params=True).batch(images=images)
    applied = out["applied_transforms"][0]["applied"]
    assert 0 < sum(applied) < 5
    for i, on in enumerate(applied):
        want = A.ToSepia(p=1)(image=images[i])["image"] if on else images[i]
        np.testing.assert_array_equal(out["images"][i], want)
