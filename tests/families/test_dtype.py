"""Dtype: the kernels normalize, to_float and from_float (hand-computed golden values over every
backend, contract, numpy_cv2 override parity) and the transforms Normalize, ToFloat and FromFloat
(exact values, dtype changes, batches, argument checks).

Golden values run over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override,
on array_api_strict the generic kernel runs. Integer rounding is half to even everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import dtype as P

from ._pointwise import (
    DTYPES,
    MAXV,
    ParityCase,
    check_defaults_and_init_args_round_trip,
    check_dtype_shape_and_input_untouched,
    check_non_contiguous_input,
    check_override_matches_generic,
    make_image,
    one,
    row,
    run,
)


# ------------------------------------------------------------------------------------------- golden
@pytest.mark.golden.with_args(P.normalize)
def test_normalize_imagenet_uint8(xp):
    img = [[[0, 0, 0], [255, 255, 255]], [[124, 116, 104], [10, 20, 30]]]
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    # (v - mean * 255) / (std * 255)
    # mean * 255 = (123.675, 116.28, 103.53), std * 255 = (58.395, 57.12, 57.375)
    expected = [
        [[-2.1179039, -2.0357143, -1.8044444], [2.2489083, 2.4285714, 2.6400000]],  # -0.485/0.229...
        [[0.0055655, -0.0049020, 0.0081917], [-1.9466564, -1.6855742, -1.2815686]],  # 0.325/58.395...
    ]
    out = run(xp, P.normalize, img, "uint8", mean, std, 255.0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, atol=2e-6)


def test_normalize_rejects_wrong_channel_count(xp):
    with pytest.raises(ValueError, match="per channel"):
        run(xp, P.normalize, np.zeros((2, 2, 3)), "uint8", (0.5, 0.5), 0.25, 255.0)


def test_normalize_scalar_float32(xp):
    out = run(xp, P.normalize, row([0.0, 0.5, 1.0], "float32"), "float32", 0.5, 0.25, 1.0)
    np.testing.assert_allclose(out.ravel(), [-2.0, 0.0, 2.0], atol=1e-6)


@pytest.mark.golden.with_args(P.to_float, P.from_float)
def test_to_float_from_float_roundtrip_uint8(xp):
    values = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    f = xp.to_numpy(P.to_float(xp.asarray(values)))
    assert f.dtype == np.float32
    assert f[0, 0, 0] == 0.0 and f[-1, -1, 0] == 1.0
    back = run(xp, P.from_float, f, "float32", "uint8")
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, values)


def test_to_float_from_float_roundtrip_uint16(xp):
    values = np.arange(65536, dtype=np.uint16).reshape(256, 256, 1)
    f = np.asarray(xp.to_numpy(P.to_float(xp.asarray(values))))
    assert f[0, 0, 0] == 0.0 and f[-1, -1, 0] == 1.0  # 0 and 65535
    np.testing.assert_array_equal(run(xp, P.from_float, f, "float32", "uint16"), values)


def test_from_float_rounds_and_saturates(xp):
    f = row([-0.1, 0.5, 1.2], "float32")
    assert run(xp, P.from_float, f, "float32", "uint8").ravel().tolist() == [0, 128, 255]  # 127.5 -> 128
    assert run(xp, P.from_float, f, "float32", "uint16").ravel().tolist() == [0, 32768, 65535]  # 32767.5
    assert run(xp, P.from_float, f, "float32", "uint8", 100.0).ravel().tolist() == [0, 50, 120]
    np.testing.assert_allclose(run(xp, P.to_float, row([50], "uint8"), "uint8", 100.0).ravel(), [0.5])
    with pytest.raises(ValueError, match="dtype"):
        run(xp, P.from_float, f, "float32", "int8")


# --------------------------------------------------------------------------- contract: every kernel
# name -> (call(img) for a batch or a single image, output dtype or None for "same as input")
def _kernel_calls() -> dict[str, tuple[Callable[[Any], Any], str | None]]:
    return {
        "normalize": (lambda im: P.normalize(im, (0.4, 0.5, 0.6)[: im.shape[-1]], 0.25, 255.0), "float32"),
        "to_float": (lambda im: P.to_float(im), "float32"),
        "from_float": (lambda im: P.from_float(P.to_float(im), "uint16"), "uint16"),
    }


KERNEL_NAMES = sorted(_kernel_calls())


@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 3), (5, 7, 1)], ids=["hwc3", "nhwc3", "hwc1"])
def test_dtype_shape_and_input_untouched(xp, rng, name, dtype, shape):
    call, out_dtype = _kernel_calls()[name]
    expected_shape = shape
    check_dtype_shape_and_input_untouched(xp, rng, call, out_dtype, dtype, shape, expected_shape)


# ------------------------------------------------------------------------------------------- parity
# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
PARITY: dict[str, ParityCase] = {
    "normalize_per_channel": (
        P.normalize,
        lambda r, n, c, d: (r.uniform(0.3, 0.6, c), r.uniform(0.1, 0.3, c), MAXV[d]),
        0,
        1e-5,
    ),
    "normalize_scalar": (P.normalize, lambda r, n, c, d: (0.45, 0.22, MAXV[d]), 0, 1e-5),
    "to_float": (P.to_float, lambda r, n, c, d: (), 0, 1e-6),
    "from_float_uint8": (P.from_float, lambda r, n, c, d: ("uint8",), 1, 0.0),
    "from_float_uint16": (P.from_float, lambda r, n, c, d: ("uint16",), 1, 0.0),
}
MANY_OFF_BY_ONE: set[tuple[str, str]] = set()
# cases the override declines on purpose (the generic path is as fast or the input is trivial)
DECLINED = {
    ("to_float", "float32"),
}


def _applies(case: str, dtype: str, channels: int) -> bool:
    if case.startswith("from_float"):
        return dtype == "float32"
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
            (P.normalize, ((0.4, 0.5, 0.6), (0.2, 0.2, 0.2), 255.0)),
        ],
    )


# ------------------------------------------------------------------------- transforms: exact values
def test_normalize_standard_by_hand():
    img = np.array([[[255, 0, 128], [0, 255, 51]]], np.uint8)
    out = one(A.Normalize(), img)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    expected = [
        [[(v / 255 - m) / s for v, m, s in zip(px, mean, std, strict=True)] for px in row]
        for row in img.tolist()
    ]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.array(expected), rtol=1e-5, atol=1e-6)


def test_normalize_scalar_mean_std_and_max_pixel_value():
    img = np.array([[0, 51, 255]], np.uint8)
    out = one(A.Normalize(mean=0.2, std=0.4), img)
    np.testing.assert_allclose(out, [[-0.5, 0.0, 2.0]], atol=1e-6)
    out = one(A.Normalize(mean=0.0, std=1.0, max_pixel_value=100.0), img)
    np.testing.assert_allclose(out, [[0.0, 0.51, 2.55]], rtol=1e-6)


def test_normalize_max_pixel_value_none_uses_dtype_max():
    img16 = np.array([[0, 32768, 65535]], np.uint16)
    out = one(A.Normalize(mean=0.5, std=0.5, max_pixel_value=None), img16)
    np.testing.assert_allclose(out, [[-1.0, 1 / 65535, 1.0]], atol=1e-6)
    img8 = np.array([[0, 255]], np.uint8)
    np.testing.assert_allclose(one(A.Normalize(mean=0.5, std=0.5, max_pixel_value=None), img8), [[-1.0, 1.0]])


def test_normalize_per_image_modes(xp):
    # channel 0: 0, 2 (mean 1, std 1); channel 1: 10, 30 (mean 20, std 10)
    img = np.array([[[0, 10], [2, 30]]], np.uint8)
    eps = 1e-4
    cases = {
        "image_per_channel": [[[-1 / (1 + eps), -10 / (10 + eps)], [1 / (1 + eps), 10 / (10 + eps)]]],
        "min_max": [[[0.0, 10 / (30 + eps)], [2 / (30 + eps), 30 / (30 + eps)]]],
        "min_max_per_channel": [[[0.0, 0.0], [2 / (2 + eps), 20 / (20 + eps)]]],
    }
    allv = np.array([0, 10, 2, 30], np.float64)
    m, s = allv.mean(), allv.std()
    cases["image"] = [[[(v - m) / (s + eps) for v in px] for px in row] for row in img.tolist()]
    for mode, expected in cases.items():
        out = xp.to_numpy(one(A.Normalize(normalization=mode), xp.asarray(img)))
        assert out.dtype == np.float32, mode
        np.testing.assert_allclose(out, np.array(expected), rtol=1e-5, atol=1e-6, err_msg=mode)


def test_normalize_per_image_statistics_are_per_sample_in_a_batch():
    imgs = np.stack([make_image("uint8", (4, 4, 3), s) for s in range(3)])
    out = A.Compose([A.Normalize(normalization="image")]).batch(images=imgs)["images"]
    for i in range(3):
        np.testing.assert_allclose(
            out[i], one(A.Normalize(normalization="image"), imgs[i]), rtol=1e-5, atol=1e-5
        )


def test_normalize_image_clips_to_20():
    img = np.zeros((20, 20), np.uint8)
    img[0, 0] = 255  # one outlier: (255 - mean) / std is about 20
    out = one(A.Normalize(normalization="image"), np.concatenate([img, np.zeros((200, 20), np.uint8)]))
    assert float(out.max()) == pytest.approx(20.0)


@pytest.mark.parametrize("channels", [None, 1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize(
    ("mean", "std"),
    [
        ((0.1, 0.2, 0.3), (0.5, 0.25, 0.125)),  # ImageNet-like defaults on other channel counts
        ((0.1,), (0.5,)),
        ((0.1, 0.2), (0.5, 0.25)),
        ((0.1, 0.2, 0.3, 0.4, 0.5), (1.0, 2.0, 1.0, 2.0, 1.0)),
        (0.3, (0.5, 0.25, 0.125)),
    ],
)
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_normalize_mean_std_lengths_read_as_albumentations(channels, mean, std, dtype):
    """albumentations 2.0.8 (albucore's convert_value): a sequence shorter than the channel count,
    or any sequence on one channel, gives its first value to every channel; a longer one its first
    values. A 3-value mean on a gray or 5-channel image is not an error there."""
    alb = pytest.importorskip("albumentations")
    shape = (3, 4) if channels is None else (3, 4, channels)
    img = make_image(dtype, shape, seed=2)
    want = alb.Normalize(mean=mean, std=std, p=1)(image=img)["image"]
    got = one(A.Normalize(mean=mean, std=std), img)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_normalize_mean_of_three_on_five_channels_uses_the_first_value():
    img = np.full((2, 2, 5), 51, np.uint8)  # 0.2 of 255
    out = one(A.Normalize(mean=(0.1, 0.2, 0.3), std=(0.5, 0.5, 0.5)), img)
    np.testing.assert_allclose(out, np.full((2, 2, 5), 0.2), atol=1e-6)  # (0.2 - 0.1) / 0.5 everywhere
    gray = one(A.Normalize(), np.full((2, 2), 255, np.uint8))  # mean 0.485, std 0.229 for the gray
    np.testing.assert_allclose(gray, np.full((2, 2), (1 - 0.485) / 0.229), rtol=1e-6)


def test_to_float_from_float_round_trip(xp):
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    f = xp.to_numpy(one(A.ToFloat(), xp.asarray(img)))
    assert f.dtype == np.float32
    np.testing.assert_allclose(f, img / 255.0, rtol=1e-6)
    back = xp.to_numpy(one(A.FromFloat(dtype="uint8"), xp.asarray(f)))
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, img)
    img16 = np.array([[0, 1, 12345, 65535]], np.uint16)
    back16 = one(A.FromFloat(dtype="uint16"), one(A.ToFloat(), img16))
    np.testing.assert_array_equal(back16, img16)


def test_to_float_from_float_max_value():
    np.testing.assert_allclose(
        one(A.ToFloat(max_value=100), np.array([[0, 50, 200]], np.uint8)), [[0, 0.5, 2.0]]
    )
    out = one(A.FromFloat(dtype="uint16", max_value=1000), np.array([[0.0, 0.5, 1.0]], np.float32))
    assert out.dtype == np.uint16
    np.testing.assert_array_equal(out, [[0, 500, 1000]])
    # 0.5 * 255 = 127.5 rounds half to even; a little out of range saturates (far out is refused)
    np.testing.assert_array_equal(
        one(A.FromFloat(), np.array([[0.5, 1.25, -0.25]], np.float32)), [[128, 255, 0]]
    )


# ------------------------------------------------------------ transforms: dtype changes and batches
def test_dtype_changing_transforms_keep_shape(xp):
    for dtype in DTYPES:
        img = make_image(dtype, (4, 5, 3))
        for t, out_dtype in (
            (A.Normalize(), "float32"),
            (A.ToFloat(), "float32"),
            (A.FromFloat("uint16"), "uint16"),
        ):
            out = one(t, xp.asarray(img))
            assert out.shape == img.shape
            assert xp.to_numpy(out).dtype == np.dtype(out_dtype)
    hw = one(A.Normalize(mean=0.5, std=0.25), make_image("uint8", (4, 5)))
    assert hw.shape == (4, 5)


def test_batch_partial_application_of_dtype_changes_raises():
    imgs = make_image("uint8", (4, 3, 3, 3))
    for t in (
        A.ToFloat(p=0.5),
        A.Normalize(p=0.5),
        A.FromFloat("uint16", p=0.5),
    ):
        with pytest.raises(ValueError, match="must apply to every sample"):
            A.Compose([t], seed=0).batch(images=imgs)
    # float32 input is not changed in dtype by ToFloat: partial application is fine
    f = make_image("float32", (4, 3, 3, 3))
    np.testing.assert_array_equal(A.Compose([A.ToFloat(p=0.5)], seed=0).batch(images=f)["images"], f)


# ---------------------------------------------------------------------------- transforms: arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.Normalize(normalization="zscore"), "normalization"),
        (lambda: A.Normalize(mean=None), "mean"),
        (lambda: A.Normalize(std=(0.2, 0.0, 0.2)), "std"),
        (lambda: A.Normalize(max_pixel_value=0), "max_pixel_value"),
        (lambda: A.ToFloat(max_value=0), "max_value"),
        (lambda: A.FromFloat(dtype="int8"), "dtype"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_defaults_and_init_args_round_trip():
    defaults = {
        A.Normalize: {
            "mean": (0.485, 0.456, 0.406),
            "std": (0.229, 0.224, 0.225),
            "max_pixel_value": 255.0,
            "normalization": "standard",
            "p": 1.0,
        },
        A.ToFloat: {"max_value": None, "p": 1.0},
        A.FromFloat: {"dtype": "uint8", "max_value": None, "p": 1.0},
    }
    check_defaults_and_init_args_round_trip(defaults)
    assert A.FromFloat(dtype=np.uint16).dtype == "uint16"
