"""Tone: the kernels multiply_add, brightness_contrast, gamma, invert, solarize and posterize
(hand-computed golden values over every backend, contract, numpy_cv2 override parity) and the
transforms RandomBrightnessContrast, RandomGamma, Solarize, Posterize and InvertImg (exact values,
invariants, batches, argument checks).

Golden values are worked out by hand on tiny arrays (the arithmetic is in the comments) and run
over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override, on
array_api_strict the generic kernel runs. Parity tests compare every numpy_cv2 override with the
generic kernel on random images (uint8 / uint16 / float32; 1, 3 and 6 channels; HWC and NHWC with
per-sample parameters) and check that the override really ran (did not decline).

Integer rounding is half to even everywhere (``round_cast``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import tone as P

from ._pointwise import (
    DTYPES,
    MAXV,
    ParityCase,
    _dt,
    _ps,
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
@pytest.mark.golden.with_args(P.brightness_contrast)
@pytest.mark.parametrize(
    ("alpha", "beta", "by_max", "expected"),
    [
        (2.0, 0.0, True, [0, 200, 255, 255]),  # 400 and 510 saturate at 255
        (1.0, -0.5, True, [0, 0, 72, 128]),  # -127.5 -> 0; 72.5 -> 72 and 127.5 -> 128 (half to even)
        (0.5, 0.0, True, [0, 50, 100, 128]),  # 127.5 -> 128
        (1.0, 0.2, False, [28, 128, 228, 255]),  # mean 138.75, shift 27.75; 282.75 saturates
    ],
)
def test_brightness_contrast_uint8_saturates(xp, alpha, beta, by_max, expected):
    out = run(xp, P.brightness_contrast, row([0, 100, 200, 255], "uint8"), "uint8", alpha, beta, by_max)
    assert out.dtype == np.uint8
    assert out.ravel().tolist() == expected


def test_brightness_contrast_uint16_and_float32(xp):
    u16 = row([0, 40000, 65535], "uint16")
    assert run(xp, P.brightness_contrast, u16, "uint16", 2.0, 0.0, True).ravel().tolist() == [0, 65535, 65535]
    assert run(xp, P.brightness_contrast, u16, "uint16", 1.0, -1.0, True).ravel().tolist() == [0, 0, 0]
    f = row([0.0, 0.5, 1.0], "float32")
    out = run(xp, P.brightness_contrast, f, "float32", 1.5, -0.2, True)  # [-0.2, 0.55, 1.3] clipped
    np.testing.assert_allclose(out.ravel(), [0.0, 0.55, 1.0], atol=1e-6)


@pytest.mark.golden.with_args(P.multiply_add)
def test_multiply_add_per_channel(xp):
    img = [[[100, 100, 100]]]
    out = run(xp, P.multiply_add, img, "uint8", np.array([2.0, 0.5, 3.0]), np.array([10.0, -60.0, 0.0]))
    assert out.ravel().tolist() == [210, 0, 255]  # 210; -10 -> 0; 300 -> 255


@pytest.mark.golden.with_args(P.gamma)
@pytest.mark.parametrize(
    ("dtype", "values", "g", "expected"),
    [
        ("uint8", [0, 128, 255], 2.0, [0, 64, 255]),  # 255 * (128/255)^2 = 64.25 -> 64
        ("uint8", [0, 128, 255], 0.5, [0, 181, 255]),  # 255 * sqrt(128/255) = 180.67 -> 181
        ("uint16", [0, 32768, 65535], 2.0, [0, 16384, 65535]),  # 32768^2 / 65535 = 16384.25
    ],
)
def test_gamma_integer(xp, dtype, values, g, expected):
    assert run(xp, P.gamma, row(values, dtype), dtype, g).ravel().tolist() == expected


def test_gamma_float_clips(xp):
    out = run(xp, P.gamma, row([-0.5, 0.5, 1.5], "float32"), "float32", 2.0)  # 0, 0.25, 2.25 -> 1
    np.testing.assert_allclose(out.ravel(), [0.0, 0.25, 1.0], atol=1e-6)


@pytest.mark.golden.with_args(P.invert)
@pytest.mark.parametrize(
    ("dtype", "values", "expected"),
    [
        ("uint16", [0, 1, 65535], [65535, 65534, 0]),
        ("uint8", [0, 100, 255], [255, 155, 0]),
        ("float32", [0.0, 0.25, 1.0], [1.0, 0.75, 0.0]),
    ],
)
def test_invert(xp, dtype, values, expected):
    out = run(xp, P.invert, row(values, dtype), dtype)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.ravel(), expected)


@pytest.mark.golden.with_args(P.solarize)
@pytest.mark.parametrize(
    ("dtype", "values", "threshold", "expected"),
    [
        ("uint8", [0, 127, 128, 255], 128 / 255, [0, 127, 127, 0]),  # 128 is exactly at the threshold
        ("uint8", [0, 127, 128, 255], 0.5, [0, 127, 127, 0]),  # 127.5: 128 flips, 127 does not
        ("uint8", [0, 127, 128, 255], 1.0, [0, 127, 128, 0]),  # only 255 reaches 255
        ("uint8", [0, 127, 128, 255], 0.0, [255, 128, 127, 0]),  # everything flips
        ("uint16", [32767, 32768, 65535], 0.5, [32767, 32767, 0]),  # 32767.5
        ("float32", [0.7, 0.75, 1.0], 0.75, [0.7, 0.25, 0.0]),
    ],
)
def test_solarize_threshold_boundary(xp, dtype, values, threshold, expected):
    out = run(xp, P.solarize, row(values, dtype), dtype, threshold)
    np.testing.assert_allclose(out.ravel(), expected, atol=1e-6)


@pytest.mark.golden.with_args(P.posterize)
@pytest.mark.parametrize("bits", range(9))
def test_posterize_uint8_bits(xp, bits):
    keep_255 = [0, 128, 192, 224, 240, 248, 252, 254, 255]  # top `bits` bits of 0b11111111
    keep_129 = [0, 128, 128, 128, 128, 128, 128, 128, 129]  # 129 = 0b10000001
    out = run(xp, P.posterize, row([255, 129], "uint8"), "uint8", bits)
    assert out.ravel().tolist() == [keep_255[bits], keep_129[bits]]


def test_posterize_per_channel_uint16_float(xp):
    out = run(xp, P.posterize, [[[255, 255, 255]]], "uint8", np.array([1, 4, 8]))
    assert out.ravel().tolist() == [128, 240, 255]
    out = run(xp, P.posterize, row([65535, 32769], "uint16"), "uint16", 8)  # keep top 8 of 16 bits
    assert out.ravel().tolist() == [65280, 32768]
    out = run(xp, P.posterize, row([0.3, 0.99, 1.0], "float32"), "float32", 2)  # floor(4x) / 4
    np.testing.assert_allclose(out.ravel(), [0.25, 0.75, 1.0])


def test_posterize_rejects_bad_bits(xp):
    with pytest.raises(ValueError, match="bits"):
        run(xp, P.posterize, row([1], "uint8"), "uint8", 9)


# --------------------------------------------------------------------------- contract: every kernel
# name -> (call(img) for a batch or a single image, output dtype or None for "same as input")
def _kernel_calls() -> dict[str, tuple[Callable[[Any], Any], str | None]]:
    return {
        "multiply_add": (lambda im: P.multiply_add(im, 1.3, 0.1 * MAXV[_dt(im)]), None),
        "brightness_contrast": (lambda im: P.brightness_contrast(im, 1.2, 0.1, False), None),
        "gamma": (lambda im: P.gamma(im, 0.7), None),
        "invert": (lambda im: P.invert(im), None),
        "solarize": (lambda im: P.solarize(im, 0.4), None),
        "posterize": (lambda im: P.posterize(im, 3), None),
    }


KERNEL_NAMES = sorted(_kernel_calls())


@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 3), (5, 7, 1)], ids=["hwc3", "nhwc3", "hwc1"])
def test_dtype_shape_and_input_untouched(xp, rng, name, dtype, shape):
    call, out_dtype = _kernel_calls()[name]
    expected_shape = shape
    check_dtype_shape_and_input_untouched(xp, rng, call, out_dtype, dtype, shape, expected_shape)


# name -> (per-sample parameter values for a batch of 3, call(img, value))
PER_SAMPLE: dict[str, tuple[list[Any], Callable[[Any, Any], Any]]] = {
    "multiply_add_alpha": ([0.5, 1.0, 1.7], lambda im, v: P.multiply_add(im, v, 0.0)),
    "multiply_add_beta": ([-0.2, 0.0, 0.3], lambda im, v: P.multiply_add(im, 1.0, v * MAXV[_dt(im)])),
    "brightness_contrast_mean": ([-0.3, 0.1, 0.4], lambda im, v: P.brightness_contrast(im, 1.1, v, False)),
    "brightness_contrast_max": ([0.6, 1.0, 1.4], lambda im, v: P.brightness_contrast(im, v, 0.05, True)),
    "gamma": ([0.4, 1.0, 2.5], lambda im, v: P.gamma(im, v)),
    "solarize": ([0.0, 0.5, 0.9], lambda im, v: P.solarize(im, v)),
    "posterize": ([1, 4, 8], lambda im, v: P.posterize(im, v)),
}


@pytest.mark.parametrize("name", sorted(PER_SAMPLE))
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_per_sample_equals_single(xp, rng, name, dtype):
    values, call = PER_SAMPLE[name]
    check_batch_per_sample_equals_single(xp, rng, values, call, dtype)


# ------------------------------------------------------------------------------------------- parity
# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
PARITY: dict[str, ParityCase] = {
    "multiply_add": (
        P.multiply_add,
        lambda r, n, c, d: (_ps(r, n, 0.5, 1.6), _ps(r, n, -0.3, 0.3) * MAXV[d]),
        1,
        1e-5,
    ),
    "multiply_add_per_channel": (
        P.multiply_add,
        lambda r, n, c, d: (r.uniform(0.5, 1.6, c), r.uniform(-0.3, 0.3, c) * MAXV[d]),
        1,
        1e-5,
    ),
    "multiply_add_sample_channel": (
        P.multiply_add,
        lambda r, n, c, d: (
            r.uniform(0.5, 1.6, (n, c)) if n else 1.2,
            r.uniform(-0.3, 0.3, (n, c)) * MAXV[d] if n else 0.0,
        ),
        1,
        1e-5,
    ),
    "brightness_contrast_max": (
        P.brightness_contrast,
        lambda r, n, c, d: (_ps(r, n, 0.5, 1.6), _ps(r, n, -0.3, 0.3), True),
        1,
        1e-5,
    ),
    "brightness_contrast_mean": (
        P.brightness_contrast,
        lambda r, n, c, d: (_ps(r, n, 0.5, 1.6), _ps(r, n, -0.3, 0.3), False),
        1,
        1e-5,
    ),
    "gamma": (P.gamma, lambda r, n, c, d: (_ps(r, n, 0.3, 3.0),), 1, 1e-5),
    "solarize": (P.solarize, lambda r, n, c, d: (_ps(r, n, 0.0, 1.0),), 0, 0.0),
    "posterize": (P.posterize, lambda r, n, c, d: (r.integers(0, 9, n) if n else 3,), 0, 0.0),
    "posterize_per_channel": (P.posterize, lambda r, n, c, d: (r.integers(0, 9, c),), 0, 0.0),
    "posterize_sample_channel": (
        P.posterize,
        lambda r, n, c, d: (r.integers(0, 9, (n, c)) if n else 5,),
        0,
        0.0,
    ),
    "invert": (P.invert, lambda r, n, c, d: (), 0, 0.0),
}
MANY_OFF_BY_ONE: set[tuple[str, str]] = set()
# cases the override declines on purpose (the generic path is as fast or the input is trivial)
DECLINED = {
    ("gamma", "uint16"),  # small uint16 images: a 65536-entry table costs more than the generic kernel
}


@pytest.mark.parity.with_args("numpy_cv2", *{case[0] for case in PARITY.values()})
@pytest.mark.parametrize("case", sorted(PARITY))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_override_matches_generic(case, dtype, channels, batch):
    check_override_matches_generic(PARITY[case], case, dtype, channels, batch, DECLINED, MANY_OFF_BY_ONE)


@pytest.mark.parametrize(
    "case",
    [
        "gamma",
        "solarize",
        "posterize_per_channel",
        "multiply_add",
        "multiply_add_per_channel",
        "brightness_contrast_max",
    ],
)
def test_uint8_lut_paths_are_exact(case):
    """uint8 tables come from the generic kernel itself, so these agree bit for bit."""
    kern, make_args, _, _ = PARITY[case]
    rng = np.random.default_rng(7)
    img = np.tile(np.arange(256, dtype=np.uint8).reshape(16, 16, 1), (1, 1, 6))
    for _ in range(20):
        args = make_args(rng, None, 6, "uint8")
        np.testing.assert_array_equal(kern(img, *args), kern.generic(img, *args))


def test_override_handles_non_contiguous_input(rng):
    check_non_contiguous_input(
        rng,
        [
            (P.gamma, (0.6,)),
            (P.multiply_add, (np.array([1.1, 0.9, 1.3]), 5.0)),
        ],
    )


def test_uint8_scalar_tables_are_exact_over_many_parameters():
    """The scalar uint8 tables replicate the generic float32 arithmetic: bit for bit, for any value."""
    rng = np.random.default_rng(11)
    img = np.tile(np.arange(256, dtype=np.uint8).reshape(16, 16, 1), (1, 1, 3))
    for g in [*rng.uniform(0.05, 5.0, 300), 0.5, 1.0, 2.0, 3.0]:
        np.testing.assert_array_equal(P.gamma(img, float(g)), P.gamma.generic(img, float(g)))
    for a, b, t in zip(
        rng.uniform(0, 3, 300), rng.uniform(-1.2, 1.2, 300), rng.uniform(0, 1, 300), strict=True
    ):
        np.testing.assert_array_equal(
            P.multiply_add(img, float(a), float(b) * 255),
            P.multiply_add.generic(img, float(a), float(b) * 255),
        )
        np.testing.assert_array_equal(
            P.brightness_contrast(img, float(a), float(b), True),
            P.brightness_contrast.generic(img, float(a), float(b), True),
        )
        np.testing.assert_array_equal(P.solarize(img, float(t)), P.solarize.generic(img, float(t)))


# float32 gamma: the numpy_cv2 override computes exp(g * log(x)) with OpenCV for 0.2 <= g <= 100
# (other g: NumPy's power, as the generic). Stated accuracy against the generic kernel (np.power):
GAMMA_F32_ATOL = 1e-6  # absolute, everywhere (outputs are in [0, 1]; measured max 1.2e-7)
GAMMA_F32_RTOL = 1e-5  # relative, where the generic result is >= 1e-6 (measured max 2.3e-6)
GAMMAS = [0.1, 0.2, 0.3, 0.5, 0.8, 0.95, 1.0, 1.13, 1.2, 2.0, 3.7, 5.0, 10.0, 100.0, 150.0]
SPECIAL_F32 = [
    0.0, -0.0, -1e-45, -1e-30, -0.5, -2.0, -np.inf,  # <= 0: exactly 0
    1e-45, 3e-45, 1e-40, 1e-39, 1.1754944e-38, 1e-37, 1e-30, 1e-20, 1e-10, 1e-5,  # denormals, tiny
    1 / 255, 0.5, 0.999, 1 - 2**-23, 1 - 2**-24,  # ordinary and just below 1
    1.0, 1 + 2**-23, 1.001, 1.5, 3.0, 1e30, np.inf,  # >= 1: exactly 1
]  # fmt: skip


def _assert_gamma_f32(got: np.ndarray, expected: np.ndarray, img: np.ndarray) -> None:
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert np.all((got >= 0) & (got <= 1)), "output outside [0, 1]"
    np.testing.assert_array_equal(got[img <= 0], 0)  # zeros and negatives give exactly 0
    np.testing.assert_array_equal(got[img >= 1], 1)  # 1 ** g is exactly 1; above 1 clips to 1
    np.testing.assert_array_equal(got[expected == 0], 0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=GAMMA_F32_ATOL)
    big = expected >= 1e-6
    np.testing.assert_allclose(got[big], expected[big], rtol=GAMMA_F32_RTOL, atol=0)


@pytest.mark.parametrize("g", GAMMAS)
def test_gamma_float32_special_values_and_photo_like_data(g):
    """Zeros (photos have many), denormals, values around 1 and out of range, and /255 levels."""
    rng = np.random.default_rng(3)
    x = rng.random((21, 37, 3), dtype=np.float32) * 1.4 - 0.2
    x[::4] = rng.integers(0, 256, x[::4].shape) / np.float32(255)  # uint8 levels, zeros included
    x[1, : len(SPECIAL_F32), 0] = SPECIAL_F32
    x[2, 0, 0] = x[2, 1, 0] = 0.0
    img = x.astype(np.float32)
    assert P.gamma.overrides["numpy_cv2"](img, g) is not NotImplemented
    with np.errstate(over="ignore"):  # the generic's 1e30 ** g before its clip
        expected = np.asarray(P.gamma.generic(img, g))
    got = P.gamma(img, g)
    _assert_gamma_f32(got, expected, img)
    if g in (0.5, 1.0, 2.0) or not 0.2 <= g <= 100:
        np.testing.assert_array_equal(got, expected)  # sqrt / copy / square / np.power: bit-exact


@pytest.mark.parametrize("g", [0.2, 0.37, 0.8, 1.2, 5.0, 100.0])
def test_gamma_float32_sweep_of_float32_values(g):
    """Every 1021st float32 in [0, 1] (about a million values, all exponents), against the generic."""
    bits = np.arange(0, np.float32(1.0).view(np.int32) + 1, 1021, dtype=np.int32)
    img = np.concatenate([bits.view(np.float32), [1.0]]).astype(np.float32).reshape(1, -1, 1)
    got, expected = P.gamma(img, g), np.asarray(P.gamma.generic(img, g))
    _assert_gamma_f32(got, expected, img)
    exact = img.astype(np.float64) ** g  # and against float64 arithmetic
    assert np.abs(got - exact).max() <= GAMMA_F32_ATOL


def test_gamma_float32_batch_per_sample_gammas():
    """(N,) gammas: each sample as one image would be (fast path, exact powers, fallback, identity)."""
    rng = np.random.default_rng(5)
    gs = np.array([0.8, 1.0, 0.5, 2.0, 0.1, 1.2, 7.5])
    img = rng.uniform(-0.1, 1.1, (len(gs), 9, 11, 3)).astype(np.float32)
    img[:, ::3] = 0.0
    got = P.gamma(img, gs)
    _assert_gamma_f32(got, np.asarray(P.gamma.generic(img, gs)), img)
    for i, g in enumerate(gs):
        np.testing.assert_array_equal(got[i], P.gamma(img[i], float(g)))
    np.testing.assert_array_equal(got[1], np.clip(img[1], 0, 1))  # identity gamma: a clip


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_gamma_nonpositive_gamma_left_to_generic(bad):
    img = np.random.default_rng(2).random((64, 64, 3), dtype=np.float32)
    assert P.gamma.overrides["numpy_cv2"](img, bad) is NotImplemented
    assert P.gamma.overrides["numpy_cv2"](np.stack([img, img]), np.array([1.2, bad])) is NotImplemented


def test_gamma_uint16_tables_are_exact():
    """uint16 images of >= 49152 values use a 65536-entry table built with the generic arithmetic."""
    rng = np.random.default_rng(9)
    ramp = np.arange(65536, dtype=np.uint16).reshape(128, 512, 1)  # every uint16 value once
    photo = rng.integers(0, 65536, (160, 120, 3), dtype=np.uint16)
    photo[::5] = 0
    impl = P.gamma.overrides["numpy_cv2"]
    for g in [*rng.uniform(0.05, 6.0, 40), 0.5, 0.8, 1.0, 1.2, 2.0, 5.0, 150.0]:
        for img in (ramp, photo):
            got = impl(img, float(g))
            assert got is not NotImplemented
            np.testing.assert_array_equal(got, P.gamma.generic(img, float(g)), err_msg=f"g={g}")
    batch = np.stack([photo, photo[::-1], photo[:, ::-1]])
    gs = np.array([0.8, 1.0, 3.3])
    got = impl(batch, gs)
    assert got is not NotImplemented and got.dtype == np.uint16
    np.testing.assert_array_equal(got, P.gamma.generic(batch, gs))


def test_gamma_uint16_small_images_use_the_generic_kernel():
    img = np.random.default_rng(1).integers(0, 65536, (64, 64, 3), dtype=np.uint16)
    assert P.gamma.overrides["numpy_cv2"](img, 0.8) is NotImplemented
    np.testing.assert_array_equal(P.gamma(img, 0.8), P.gamma.generic(img, 0.8))


# ------------------------------------------------------------------------- transforms: exact values
def test_invert_exact(xp):
    for dtype, values, expected in (
        ("uint8", [0, 10, 255], [255, 245, 0]),
        ("uint16", [0, 1000, 65535], [65535, 64535, 0]),
        ("float32", [0.0, 0.25, 1.0], [1.0, 0.75, 0.0]),
    ):
        out = xp.to_numpy(one(A.InvertImg(p=1), xp.asarray(np.array([values], dtype))))
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, [expected])


def test_solarize_fixed_threshold_exact(xp):
    t = A.Solarize(threshold_range=(0.5, 0.5), p=1)
    for dtype, values, expected in (
        ("uint8", [0, 127, 128, 255], [0, 127, 127, 0]),  # 0.5 * 255 = 127.5: 128 and up flip
        ("uint16", [100, 32767, 32768, 65535], [100, 32767, 32767, 0]),
        ("float32", [0.25, 0.5, 0.75], [0.25, 0.5, 0.25]),
    ):
        out = xp.to_numpy(one(t, xp.asarray(np.array([values], dtype))))
        np.testing.assert_array_equal(out, np.array([expected], dtype))


def test_posterize_fixed_bits_exact(xp):
    img = np.array([[255, 31, 100, 128]], np.uint8)
    out = xp.to_numpy(one(A.Posterize(num_bits=3, p=1), xp.asarray(img)))
    np.testing.assert_array_equal(out, [[224, 0, 96, 128]])


def test_posterize_per_channel_bits():
    img = np.full((2, 2, 3), 255, np.uint8)
    out = one(A.Posterize(num_bits=[1, 2, 8], p=1), img)
    np.testing.assert_array_equal(out[0, 0], [128, 192, 255])
    out = one(A.Posterize(num_bits=[(1, 1), (2, 2), (8, 8)], p=1), img)
    np.testing.assert_array_equal(out[1, 1], [128, 192, 255])
    with pytest.raises(ValueError, match="3 per-channel values but the image has 1"):
        one(A.Posterize(num_bits=[1, 2, 8], p=1), np.zeros((2, 2), np.uint8))


def test_posterize_range_draws_within_range():
    t = A.Posterize(num_bits=(2, 5), p=1)
    bits = t.sample(np.random.default_rng(0), (4, 4), 200).bits
    assert bits.min() == 2 and bits.max() == 5


def test_brightness_contrast_fixed_values():
    img = np.array([[0, 100]], np.uint8)
    t = A.RandomBrightnessContrast(brightness_limit=(0.1, 0.1), contrast_limit=(0, 0), p=1)
    np.testing.assert_array_equal(one(t, img), [[26, 126]])  # 25.5 rounds to even 26
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.1, 0.1), contrast_limit=0, brightness_by_max=False, p=1
    )
    np.testing.assert_array_equal(one(t, np.array([[100, 200]], np.uint8)), [[115, 215]])  # mean 150
    t = A.RandomBrightnessContrast(brightness_limit=0, contrast_limit=(0.5, 0.5), p=1)
    np.testing.assert_array_equal(one(t, np.array([[10, 100, 200]], np.uint8)), [[15, 150, 255]])


def test_brightness_contrast_ensure_safe_range():
    img = np.array([[0, 255]], np.uint8)
    # alpha 1.2, beta 0.1 -> beta 0.1, alpha min(1.2, 0.9): x * 0.9 + 25.5
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.1, 0.1), contrast_limit=(0.2, 0.2), ensure_safe_range=True, p=1
    )
    np.testing.assert_array_equal(one(t, img), [[26, 255]])
    # by mean: beta 0.2 * mean (127.5) = 25.5 = 0.1 of max -> the same safe parameters
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.2, 0.2),
        contrast_limit=(0.2, 0.2),
        brightness_by_max=False,
        ensure_safe_range=True,
        p=1,
    )
    np.testing.assert_array_equal(one(t, img), [[26, 255]])
    imgs = np.stack([img, np.array([[0, 0]], np.uint8)])
    out = A.Compose([t]).batch(images=imgs)["images"]
    np.testing.assert_array_equal(out[0], [[26, 255]])
    np.testing.assert_array_equal(out[1], [[0, 0]])  # mean 0: beta 0


def test_random_gamma_fixed():
    t = A.RandomGamma(gamma_limit=(200, 200), p=1)
    np.testing.assert_array_equal(one(t, np.array([[0, 128, 255]], np.uint8)), [[0, 64, 255]])
    np.testing.assert_allclose(one(t, np.array([[0.0, 0.5, 1.0]], np.float32)), [[0.0, 0.25, 1.0]])


# --------------------------------------------------------------------------- transforms: invariants
RANDOM = [
    ("rbc", lambda c: A.RandomBrightnessContrast(p=1)),
    (
        "rbc_mean_safe",
        lambda c: A.RandomBrightnessContrast(brightness_by_max=False, ensure_safe_range=True, p=1),
    ),
    ("gamma", lambda c: A.RandomGamma(gamma_limit=(50, 150), p=1)),
    ("invert", lambda c: A.InvertImg(p=1)),
    ("solarize", lambda c: A.Solarize(threshold_range=(0.2, 0.8), p=1)),
    ("posterize", lambda c: A.Posterize(num_bits=(1, 6), p=1)),
    ("posterize_per_channel", lambda c: A.Posterize(num_bits=[(1, 6)] * c, p=1)),
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
    A.RandomBrightnessContrast(p=1),
    A.RandomBrightnessContrast(brightness_by_max=False, p=1),
    A.RandomGamma(p=1),
    A.Solarize(threshold_range=(0.0, 0.3), p=1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_identity_parameters_return_the_input_exactly(xp, t, dtype):
    check_identity_parameters_return_the_input_exactly(xp, t, dtype)


def test_transforms_without_identity_blend():
    assert A.InvertImg.identity is None and A.Posterize.identity is None


# ------------------------------------------------------------------------------ transforms: batches
@pytest.mark.parametrize(
    "t,kernel",
    [
        (A.RandomGamma(p=1), lambda img, p: P.gamma(img, float(p.gamma))),
        (
            A.RandomBrightnessContrast(p=1),
            lambda img, p: P.brightness_contrast(img, float(p.alpha), float(p.beta), True),
        ),
        (
            A.RandomBrightnessContrast(brightness_by_max=False, p=1),
            lambda img, p: P.brightness_contrast(img, float(p.alpha), float(p.beta), False),
        ),
        (A.Solarize(threshold_range=(0.1, 0.9), p=1), lambda img, p: P.solarize(img, float(p.threshold))),
        (A.Posterize(num_bits=(1, 7), p=1), lambda img, p: P.posterize(img, int(p.bits))),
        (A.Posterize(num_bits=[(1, 7)] * 3, p=1), lambda img, p: P.posterize(img, p.bits)),
    ],
    ids=["gamma", "rbc", "rbc_mean", "solarize", "posterize", "posterize_per_channel"],
)
def test_batch_samples_match_single_image_kernel(xp, t, kernel):
    check_batch_samples_match_single_image_kernel(xp, t, kernel)


@pytest.mark.parametrize(
    "t,apply",
    [
        (A.RandomGamma(gamma_limit=(200, 200), p=0.5), lambda img: P.gamma(img, 2.0)),
        (A.Solarize(threshold_range=(0.4, 0.4), p=0.5), lambda img: P.solarize(img, 0.4)),
        (
            A.RandomBrightnessContrast(brightness_limit=(0.2, 0.2), contrast_limit=(0, 0), p=0.5),
            lambda img: P.brightness_contrast(img, 1.0, 0.2, True),
        ),
        (A.InvertImg(p=0.5), P.invert),
        (A.Posterize(num_bits=2, p=0.5), lambda img: P.posterize(img, 2)),
    ],
    ids=["gamma", "solarize", "rbc", "invert", "posterize"],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype)


def test_batch_same_seed_same_output_and_samples_differ():
    imgs = np.repeat(make_image("uint8", (1, 6, 6, 3)), 8, axis=0)
    pipe = [A.RandomBrightnessContrast(p=1), A.RandomGamma(p=1)]
    a = A.Compose(pipe, seed=4).batch(images=imgs)["images"]
    b = A.Compose(pipe, seed=4).batch(images=imgs)["images"]
    np.testing.assert_array_equal(a, b)
    assert len({a[i].tobytes() for i in range(8)}) == 8


# ---------------------------------------------------------------------------- transforms: arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.RandomBrightnessContrast(brightness_limit=(0.2, -0.2)), "brightness_limit"),
        (lambda: A.RandomBrightnessContrast(contrast_limit="a"), "contrast_limit"),
        (lambda: A.RandomGamma(gamma_limit=(120, 80)), "gamma_limit"),
        (lambda: A.RandomGamma(gamma_limit=(0, 80)), "gamma_limit"),
        (lambda: A.InvertImg(p=1.5), "p"),
        (lambda: A.Solarize(threshold_range=(0.5, 1.5)), "threshold_range"),
        (lambda: A.Posterize(num_bits=9), "num_bits"),
        (lambda: A.Posterize(num_bits=(5, 2)), "num_bits"),
        (lambda: A.Posterize(num_bits=2.5), "num_bits"),
        (lambda: A.Posterize(num_bits=[1, 2, -1]), r"num_bits\[2\]"),
        (lambda: A.Posterize(num_bits=[]), "num_bits"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_defaults_and_init_args_round_trip():
    defaults = {
        A.RandomBrightnessContrast: {
            "brightness_limit": (-0.2, 0.2),
            "contrast_limit": (-0.2, 0.2),
            "brightness_by_max": True,
            "ensure_safe_range": False,
            "p": 0.5,
        },
        A.RandomGamma: {"gamma_limit": (80.0, 120.0), "p": 0.5},
        A.InvertImg: {"p": 0.5},
        A.Solarize: {"threshold_range": (0.5, 0.5), "p": 0.5},
        A.Posterize: {"num_bits": 4, "p": 0.5},
    }
    check_defaults_and_init_args_round_trip(defaults)
    t = A.Posterize(num_bits=[3, (2, 4), 8])
    assert t.num_bits == [3, (2, 4), 8]
    assert repr(A.Posterize(**t.init_args())) == repr(t)
    assert A.RandomBrightnessContrast(brightness_limit=0.3).brightness_limit == (-0.3, 0.3)


# the histogram transforms (CLAHE, Equalize, AutoContrast) and the curves and lighting (RandomToneCurve,
# Illumination) live in modules of their own (file size)
from ._tone_curves import *  # noqa: E402, F403
from ._tone_extras import *  # noqa: E402, F403
from ._tone_histogram import *  # noqa: E402, F403
