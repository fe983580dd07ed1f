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
    "sepia": (P.sepia, lambda r, n, c, d: (), 1, 1e-5),
}
# OpenCV's fixed-point paths: uint16 RGB2GRAY (about a third of the values off by one) and the uint8
# 3 -> 3 cv2.transform with full rows of weights (3-5 % off by one); still never more than 1
MANY_OFF_BY_ONE = {
    ("to_gray_weighted", "uint16"),
    ("to_gray_average", "uint8"),
    ("to_gray_luminance", "uint8"),
    ("sepia", "uint8"),  # the same 3 -> 3 fixed-point cv2.transform (albumentations' own kernel)
}
# cases the override declines on purpose (the generic path is as fast or the input is trivial)
DECLINED = {
    ("to_gray_average", 1),
    ("to_gray_max", 1),
    ("to_gray_desaturation", 1),
}


def _applies(case: str, dtype: str, channels: int) -> bool:
    if case in ("to_gray_weighted", "to_gray_luminance", "sepia"):
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
