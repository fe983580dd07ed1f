"""Golden, contract and parity tests for the pixel kernels.

Golden values are worked out by hand on tiny arrays (the arithmetic is in the comments) and run
over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override, on
array_api_strict the generic kernel runs. Parity tests compare every numpy_cv2 override with the
generic kernel on random images (uint8 / uint16 / float32; 1, 3 and 6 channels; HWC and NHWC with
per-sample parameters) and check that the override really ran (did not decline).

Integer rounding is half to even everywhere (``round_cast``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import xalbu.backends.numpy_cv2  # noqa: F401 - registers the overrides

from xalbu.functional import pixel as P

DTYPES = ("uint8", "uint16", "float32")
MAXV = {"uint8": 255, "uint16": 65535, "float32": 1.0}


def run(xp: Any, fn: Callable[..., Any], values: Any, dtype: str, *args: Any) -> np.ndarray:
    """Call ``fn`` on ``values`` as an array of ``xp`` and return the result as NumPy."""
    return np.asarray(xp.to_numpy(fn(xp.asarray(np.asarray(values, dtype=dtype)), *args)))


def row(values: list[Any], dtype: str) -> np.ndarray:
    """A ``1 x len x 1`` image (one channel) from a list of pixel values."""
    return np.asarray(values, dtype=dtype).reshape(1, -1, 1)


def random_image(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype == "float32":
        return rng.uniform(-0.05, 1.05, shape).astype(np.float32)  # a little out of range on purpose
    return rng.integers(0, MAXV[dtype] + 1, shape, dtype=dtype)


# ------------------------------------------------------------------------------------ golden
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


def test_multiply_add_per_channel(xp):
    img = [[[100, 100, 100]]]
    out = run(xp, P.multiply_add, img, "uint8", np.array([2.0, 0.5, 3.0]), np.array([10.0, -60.0, 0.0]))
    assert out.ravel().tolist() == [210, 0, 255]  # 210; -10 -> 0; 300 -> 255


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


# pure red, green, blue, white, then (10, 201, 30) and (10, 203, 30) for half-way rounding
GRAY_IMG = [[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [10, 201, 30], [10, 203, 30]]]


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


def test_channel_shuffle_per_sample_batch(xp):
    img = [[[[1, 2, 3], [7, 8, 9]]], [[[4, 5, 6], [10, 11, 12]]]]  # (2, 1, 2, 3)
    order = np.array([[2, 0, 1], [1, 2, 0]])
    out = run(xp, P.channel_shuffle, img, "uint8", order)
    assert out.tolist() == [[[[3, 1, 2], [9, 7, 8]]], [[[5, 6, 4], [11, 12, 10]]]]
    out = run(xp, P.channel_shuffle, img, "float32", [2, 1, 0])
    assert out.tolist() == [[[[3, 2, 1], [9, 8, 7]]], [[[6, 5, 4], [12, 11, 10]]]]


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


# ---------------------------------------------------------------------- contract: every kernel
# name -> (call(img) for a batch or a single image, output dtype or None for "same as input")
def _kernel_calls() -> dict[str, tuple[Callable[[Any], Any], str | None]]:
    return {
        "normalize": (lambda im: P.normalize(im, (0.4, 0.5, 0.6)[: im.shape[-1]], 0.25, 255.0), "float32"),
        "multiply_add": (lambda im: P.multiply_add(im, 1.3, 0.1 * MAXV[_dt(im)]), None),
        "brightness_contrast": (lambda im: P.brightness_contrast(im, 1.2, 0.1, False), None),
        "gamma": (lambda im: P.gamma(im, 0.7), None),
        "to_gray": (lambda im: P.to_gray(im, "average", 3), None),
        "invert": (lambda im: P.invert(im), None),
        "solarize": (lambda im: P.solarize(im, 0.4), None),
        "posterize": (lambda im: P.posterize(im, 3), None),
        "channel_shuffle": (lambda im: P.channel_shuffle(im, list(range(im.shape[-1]))[::-1]), None),
        "to_float": (lambda im: P.to_float(im), "float32"),
        "from_float": (lambda im: P.from_float(P.to_float(im), "uint16"), "uint16"),
    }


def _dt(img: Any) -> str:
    return str(np.dtype(str(img.dtype).split(".")[-1]))


KERNEL_NAMES = sorted(_kernel_calls())


@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 3), (5, 7, 1)], ids=["hwc3", "nhwc3", "hwc1"])
def test_dtype_shape_and_input_untouched(xp, rng, name, dtype, shape):
    call, out_dtype = _kernel_calls()[name]
    host = random_image(rng, dtype, shape)
    img = xp.asarray(host.copy())
    out = np.asarray(xp.to_numpy(call(img)))
    expected_shape = (*shape[:-1], 3) if name == "to_gray" else shape
    assert out.shape == expected_shape
    assert out.dtype == np.dtype(out_dtype or dtype)
    np.testing.assert_array_equal(np.asarray(xp.to_numpy(img)), host)


# name -> (per-sample parameter values for a batch of 3, call(img, value))
PER_SAMPLE: dict[str, tuple[list[Any], Callable[[Any, Any], Any]]] = {
    "multiply_add_alpha": ([0.5, 1.0, 1.7], lambda im, v: P.multiply_add(im, v, 0.0)),
    "multiply_add_beta": ([-0.2, 0.0, 0.3], lambda im, v: P.multiply_add(im, 1.0, v * MAXV[_dt(im)])),
    "brightness_contrast_mean": ([-0.3, 0.1, 0.4], lambda im, v: P.brightness_contrast(im, 1.1, v, False)),
    "brightness_contrast_max": ([0.6, 1.0, 1.4], lambda im, v: P.brightness_contrast(im, v, 0.05, True)),
    "gamma": ([0.4, 1.0, 2.5], lambda im, v: P.gamma(im, v)),
    "solarize": ([0.0, 0.5, 0.9], lambda im, v: P.solarize(im, v)),
    "posterize": ([1, 4, 8], lambda im, v: P.posterize(im, v)),
    "channel_shuffle": ([[2, 0, 1], [0, 1, 2], [1, 2, 0]], lambda im, v: P.channel_shuffle(im, v)),
}


@pytest.mark.parametrize("name", sorted(PER_SAMPLE))
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_per_sample_equals_single(xp, rng, name, dtype):
    values, call = PER_SAMPLE[name]
    host = random_image(rng, dtype, (3, 6, 5, 3))
    batch = np.asarray(xp.to_numpy(call(xp.asarray(host), np.asarray(values))))
    for i, v in enumerate(values):
        single = np.asarray(xp.to_numpy(call(xp.asarray(host[i]), v if np.ndim(v) == 0 else np.asarray(v))))
        np.testing.assert_allclose(batch[i], single, rtol=1e-6, atol=1e-6, err_msg=f"sample {i}")


# ------------------------------------------------------------------------------------ parity
def _ps(rng: np.random.Generator, n: int | None, lo: float, hi: float) -> Any:
    """A per-sample ``(n,)`` parameter for a batch, a Python float for one image."""
    return rng.uniform(lo, hi, n) if n else float(rng.uniform(lo, hi))


# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
ParityCase = tuple[Any, Callable[[np.random.Generator, Any, int, str], tuple[Any, ...]], int, float]
PARITY: dict[str, ParityCase] = {
    "normalize_per_channel": (
        P.normalize,
        lambda r, n, c, d: (r.uniform(0.3, 0.6, c), r.uniform(0.1, 0.3, c), MAXV[d]),
        0,
        1e-5,
    ),
    "normalize_scalar": (P.normalize, lambda r, n, c, d: (0.45, 0.22, MAXV[d]), 0, 1e-5),
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
    "invert": (P.invert, lambda r, n, c, d: (), 0, 0.0),
    "to_float": (P.to_float, lambda r, n, c, d: (), 0, 1e-6),
    "from_float_uint8": (P.from_float, lambda r, n, c, d: ("uint8",), 1, 0.0),
    "from_float_uint16": (P.from_float, lambda r, n, c, d: ("uint16",), 1, 0.0),
}
# OpenCV's fixed-point paths: uint16 RGB2GRAY (about a third of the values off by one) and the uint8
# 3 -> 3 cv2.transform with full rows of weights (3-5 % off by one); still never more than 1
MANY_OFF_BY_ONE = {
    ("to_gray_weighted", "uint16"),
    ("to_gray_average", "uint8"),
    ("to_gray_luminance", "uint8"),
}
# cases the override declines on purpose (the generic path is as fast or the input is trivial)
DECLINED = {
    ("to_gray_average", 1),
    ("to_gray_max", 1),
    ("to_gray_desaturation", 1),
    ("to_float", "float32"),
    ("gamma", "uint16"),  # small uint16 images: a 65536-entry table costs more than the generic kernel
}


def _applies(case: str, dtype: str, channels: int) -> bool:
    if case.startswith("from_float"):
        return dtype == "float32"
    if case in ("to_gray_weighted", "to_gray_luminance"):
        return channels == 3
    return True


@pytest.mark.parametrize("case", sorted(PARITY))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_override_matches_generic(case, dtype, channels, batch):
    if not _applies(case, dtype, channels):
        pytest.skip("kernel does not take this input")
    kern, make_args, int_tol, float_tol = PARITY[case]
    rng = np.random.default_rng(zlib.crc32(f"{case}-{dtype}-{channels}-{batch}".encode()))
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 19, 23, channels) if n else (19, 23, channels))
    before = img.copy()
    args = make_args(rng, n, channels, dtype)

    impl = kern.overrides["numpy_cv2"]
    direct = impl(img, *args)
    if (case, channels) in DECLINED or (case, dtype) in DECLINED:
        assert direct is NotImplemented
        return
    assert direct is not NotImplemented, "the override declined"
    expected = np.asarray(kern.generic(img, *args))
    got = kern(img, *args)
    np.testing.assert_array_equal(img, before)
    assert isinstance(got, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if np.issubdtype(expected.dtype, np.integer):
        diff = np.abs(got.astype(np.int64) - expected.astype(np.int64))
        assert diff.max() <= int_tol, f"max |diff| {diff.max()}"
        if (case, dtype) not in MANY_OFF_BY_ONE:
            assert np.count_nonzero(diff) <= max(2, diff.size // 100), "too many off-by-one values"
    else:
        np.testing.assert_allclose(got, expected, rtol=float_tol, atol=float_tol)


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
    base = random_image(rng, "uint8", (12, 20, 4))
    view = base[:, ::2, :3]
    assert not view.flags.c_contiguous
    for kern, args in [
        (P.gamma, (0.6,)),
        (P.multiply_add, (np.array([1.1, 0.9, 1.3]), 5.0)),
        (P.to_gray, ("weighted_average", 3)),
        (P.channel_shuffle, ([1, 2, 0],)),
        (P.normalize, ((0.4, 0.5, 0.6), (0.2, 0.2, 0.2), 255.0)),
    ]:
        got, expected = kern(view, *args), np.asarray(kern.generic(view, *args))
        assert np.abs(got.astype(np.float64) - expected).max() <= 1, kern.__name__


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
