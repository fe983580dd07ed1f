"""Color, catalogue I, the kernels: shift_hsv, shift_channels, color_jitter, drop_channels,
gray_to_rgb, fancy_pca, scale_channels and radial_distort (hand-computed golden values over every
backend, numpy_cv2 and CuPy override parity with stated tolerances) and albumentations 2.0.8's
outputs with fixed parameters. The transforms' invariants, batches and arguments:
_color_catalogue_transforms.py. Collected through test_color.py (``from ._color_catalogue import *``:
``__all__`` lists the tests), which holds ToGray, ToSepia and ChannelShuffle; kept apart for size.

Golden values run over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override,
on array_api_strict the generic kernel runs, on CuPy the CUDA override (a GPU or the CPU harness).
Integer rounding is half to even everywhere.
"""

from __future__ import annotations

import warnings
import zlib
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import color as P

from ._pointwise import (
    DTYPES,
    MAXV,
    ParityCase,
    check_override_matches_generic,
    make_image,
    random_image,
    run,
)

try:
    import albumentations as alb
except ImportError:  # the comparisons with albumentations skip themselves
    alb = None
needs_alb = pytest.mark.skipif(alb is None, reason="albumentations 2.0.8 is not installed")
F_IDENTITY = P.JITTER_IDENTITY


def _ps(r: np.random.Generator, n: int | None, lo: float, hi: float) -> Any:
    return r.uniform(lo, hi, n) if n else float(r.uniform(lo, hi))


# ============================================================================================ HSV
@pytest.mark.golden.with_args(P.shift_hsv)
@pytest.mark.parametrize(
    ("rgb", "shifts", "expected"),
    [
        ([255, 0, 0], (60, 0, 0), [0, 255, 0]),  # H 0 -> 60 (120 degrees): green
        ([255, 0, 0], (-60, 0, 0), [0, 0, 255]),  # H 0 - 60 wraps to 120 (240 degrees): blue
        ([255, 0, 0], (0, -255, 0), [255, 255, 255]),  # S 255 -> 0: white at V 255
        ([128, 128, 128], (90, 200, 10.9), [138, 138, 138]),  # gray stays gray (S 0); V + trunc(10.9)
        ([0, 0, 0], (0, 0, -5), [0, 0, 0]),  # V saturates at 0
        ([10, 201, 30], (0, 0, 0), [10, 201, 30]),  # all shifts 0: returned unchanged
    ],
)
def test_shift_hsv_uint8_golden(xp, rgb, shifts, expected):
    out = run(xp, P.shift_hsv, [[rgb]], "uint8", *shifts)
    assert out.dtype == np.uint8 and out.ravel().tolist() == expected


@pytest.mark.golden.with_args(P.shift_hsv)
def test_shift_hsv_gray_uint16_float_golden(xp):
    # one channel: the value shift only (8-bit: truncated; others: shift / 255)
    assert run(xp, P.shift_hsv, [[[0], [100], [250]]], "uint8", 50, 50, 10.9).ravel().tolist() == [
        10,
        110,
        255,
    ]
    out = run(xp, P.shift_hsv, [[[0.5], [0.99]]], "float32", 0, 0, 25.5)  # + 0.1
    np.testing.assert_allclose(out.ravel(), [0.6, 1.0], atol=1e-6)
    # float RGB: red (H 0 degrees) + 2 * 60 degrees is green; gray + 0.1 in V
    out = run(xp, P.shift_hsv, [[[1.0, 0.0, 0.0], [0.5, 0.5, 0.5]]], "float32", 60, 0, 25.5)
    np.testing.assert_allclose(out, [[[0.0, 1.0, 0.0], [0.6, 0.6, 0.6]]], atol=1e-6)
    # uint16 as x / 65535: red to blue, white (S 0) stays white; S - 1 turns red white
    out = run(xp, P.shift_hsv, [[[65535, 0, 0], [65535, 65535, 65535]]], "uint16", -60, 0, 0)
    assert out.tolist() == [[[0, 0, 65535], [65535, 65535, 65535]]]
    out = run(xp, P.shift_hsv, [[[65535, 0, 0]]], "uint16", 0, -255, 0)
    assert out.tolist() == [[[65535, 65535, 65535]]]


@pytest.mark.golden.with_args(P.shift_hsv)
def test_shift_hsv_per_sample_batch_identity_samples_unchanged(xp):
    img = np.array([[[[200, 100, 50]]], [[[200, 100, 50]]]], np.uint8)
    out = run(
        xp, P.shift_hsv, img, "uint8", np.array([0.0, 60.0]), np.array([0.0, 0.0]), np.array([0.0, 0.0])
    )
    assert out[0].ravel().tolist() == [200, 100, 50]
    # (200, 100, 50): H 10, S 191, V 200; H 70 -> sector 2.33 (x 60 degrees): (t1, v, t3)
    # t1 = 200 (1 - 191/255) = 50.196 -> 50, t3 = 200 (1 - 0.749 * 0.667) = 100.13 -> 100
    assert out[1].ravel().tolist() == [50, 200, 100]


def test_shift_hsv_refuses_other_channel_counts(xp):
    with pytest.raises(ValueError, match="3-channel RGB"):
        run(xp, P.shift_hsv, np.zeros((2, 2, 4)), "uint8", 1, 1, 1)


def test_shift_hsv_8bit_conversion_is_opencvs():
    """The generic 8-bit RGB -> HSV is OpenCV's fixed point bit for bit, over every colour."""
    cv2 = pytest.importorskip("cv2")
    v = np.arange(1 << 24, dtype=np.uint32)
    img = np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], -1).astype(np.uint8).reshape(4096, 4096, 3)
    h, s, val = P._rgb_to_hsv_u8(np, img)
    np.testing.assert_array_equal(np.concatenate([h, s, val], -1), cv2.cvtColor(img, cv2.COLOR_RGB2HSV))


@pytest.mark.golden.with_args(P.shift_channels)
def test_shift_channels_golden(xp):
    # 120.5 -> 120 (half to even), -50 -> 0, 100.5 -> 100
    out = run(xp, P.shift_channels, [[[100, 100, 100]]], "uint8", np.array([20.5, -150.0, 0.5]))
    assert out.ravel().tolist() == [120, 0, 100]
    out = run(
        xp, P.shift_channels, [[[65530, 7]]], "uint16", np.array([10.0, -7.5])
    )  # 65540 saturates; -0.5 -> 0
    assert out.ravel().tolist() == [65535, 0]
    out = run(xp, P.shift_channels, [[[0.5, 0.9], [0.1, np.nan]]], "float32", np.array([0.25, 0.25]))
    np.testing.assert_allclose(out, [[[0.75, 1.0], [0.35, np.nan]]], atol=1e-7)
    # per sample (N, C): each sample its own shifts; a scalar shifts every channel
    img = np.full((2, 1, 1, 2), 100, np.uint8)
    out = run(xp, P.shift_channels, img, "uint8", np.array([[1.0, 2.0], [-3.0, 300.0]]))
    assert out.reshape(2, 2).tolist() == [[101, 102], [97, 255]]
    assert run(xp, P.shift_channels, img[0], "uint8", 7.0).ravel().tolist() == [107, 107]


@pytest.mark.golden.with_args(P.color_jitter)
@pytest.mark.parametrize(
    ("img", "factors", "order", "expected"),
    [
        ([[[200, 100, 0]]], (1.5, 1, 1, 0), (0, 1, 2, 3), [[[255, 150, 0]]]),  # 300 saturates
        # gray levels 0 and 255: mean 127.5; 0.5 x + 63.75: 63.75 -> 64, 191.25 -> 191
        ([[[0, 0, 0], [255, 255, 255]]], (1, 0.5, 1, 0), (1, 0, 2, 3), [[[64, 64, 64], [191, 191, 191]]]),
        # OpenCV's gray of (200, 100, 0): (200 * 9798 + 100 * 19235 + 2**14) >> 15 = 119
        ([[[200, 100, 0]]], (1, 1, 0, 0), (2, 3, 0, 1), [[[119, 119, 119]]]),
        ([[[255, 0, 0]]], (1, 1, 1, 0.5), (3, 2, 1, 0), [[[0, 255, 255]]]),  # half a turn: cyan
        # the order matters and each step saturates: brightness 3 (150, 255) then contrast 0 (mean
        # 202.5 -> 202, half to even), against contrast 0 (75) then brightness 3 (225)
        ([[[50, 50, 50], [100, 100, 100]]], (3, 0, 1, 0), (0, 1, 2, 3), [[[202] * 3, [202] * 3]]),
        ([[[50, 50, 50], [100, 100, 100]]], (3, 0, 1, 0), (1, 0, 2, 3), [[[225] * 3, [225] * 3]]),
    ],
)
def test_color_jitter_uint8_golden(xp, img, factors, order, expected):
    out = run(xp, P.color_jitter, img, "uint8", np.array(factors, float), np.array(order))
    assert out.tolist() == expected


@pytest.mark.golden.with_args(P.color_jitter)
def test_color_jitter_float_gray_and_batches_golden(xp):
    # float: 0.5 * 1.5 = 0.75; 1-channel: saturation and hue do nothing, contrast uses the mean (0.5)
    out = run(xp, P.color_jitter, [[[0.5, 0.2, 1.0]]], "float32", np.array([1.5, 1, 1, 0.0]), np.arange(4))
    np.testing.assert_allclose(out, [[[0.75, 0.3, 1.0]]], atol=1e-6)
    out = run(xp, P.color_jitter, [[[0.25], [0.75]]], "float32", np.array([1, 0.5, 0, 0.3]), np.arange(4))
    np.testing.assert_allclose(out.ravel(), [0.375, 0.625], atol=1e-6)
    # per sample: sample 0 the identity, sample 1 brightness 2
    img = np.full((2, 1, 1, 3), 100, np.uint8)
    factors = np.array([[1.0, 1.0, 1.0, 0.0], [2.0, 1.0, 1.0, 0.0]])
    out = run(xp, P.color_jitter, img, "uint8", factors, np.array([[3, 2, 1, 0], [0, 1, 2, 3]]))
    assert out.reshape(2, 3).tolist() == [[100, 100, 100], [200, 200, 200]]


def _jitter_args(r: np.random.Generator, n: int | None, c: int, d: str) -> tuple[Any, ...]:
    shape = (n, 4) if n else (4,)
    factors = r.uniform(0.3, 1.7, shape)
    factors[..., 3] -= 1.0
    order = np.stack([r.permutation(4) for _ in range(n)]) if n else r.permutation(4)
    return factors, order


@pytest.mark.golden.with_args(P.drop_channels)
def test_drop_channels_golden(xp):
    # the fill rounded and saturated for integers (300 -> 255, 7.5 -> 8); kept channels untouched
    out = run(xp, P.drop_channels, [[[10, 20, 30]]], "uint8", np.array([False, True, False]), 300.0)
    assert out.tolist() == [[[10, 255, 30]]]
    out = run(xp, P.drop_channels, [[[10, 20, 30]]], "uint16", np.array([True, False, True]), 7.5)
    assert out.tolist() == [[[8, 20, 8]]]
    out = run(
        xp, P.drop_channels, [[[np.nan, 2.0, -np.inf]]], "float32", np.array([False, True, False]), 0.25
    )
    np.testing.assert_array_equal(out, [[[np.nan, 0.25, -np.inf]]])  # selection: nothing saturates
    img = np.full((2, 1, 1, 2), 9, np.uint8)  # per sample
    out = run(xp, P.drop_channels, img, "uint8", np.array([[True, False], [False, False]]), 1.0)
    assert out.reshape(2, 2).tolist() == [[1, 9], [9, 9]]


@pytest.mark.golden.with_args(P.gray_to_rgb)
def test_gray_to_rgb_golden(xp):
    assert run(xp, P.gray_to_rgb, [[[7], [250]]], "uint8", 3).tolist() == [[[7, 7, 7], [250, 250, 250]]]
    assert run(xp, P.gray_to_rgb, [[[7]]], "uint16", 1).tolist() == [[[7]]]
    out = run(xp, P.gray_to_rgb, np.array([[[[0.5]]], [[[np.nan]]]]), "float32", 2)
    np.testing.assert_array_equal(out, [[[[0.5, 0.5]]], [[[np.nan, np.nan]]]])
    with pytest.raises(ValueError, match="1-channel"):
        run(xp, P.gray_to_rgb, np.zeros((1, 1, 3)), "uint8", 3)


@pytest.mark.golden.with_args(P.fancy_pca)
def test_fancy_pca_golden(xp):
    # one channel: mean 0.5, std 0.25 (N divisor), noise alpha * std * c = 0.25 * (-+0.25)
    out = run(xp, P.fancy_pca, [[[0.25], [0.75]]], "float32", np.array([1.0]))
    np.testing.assert_allclose(out.ravel(), [0.1875, 0.8125], atol=1e-6)
    # [0, 255]: mean 127.5, std 127.5; alpha 0.5: 0 - 0.25 * 127.5 saturates at 0, 255 + 31.875 at 255
    assert run(xp, P.fancy_pca, [[[0], [255]]], "uint8", np.array([0.5])).ravel().tolist() == [0, 255]
    # two equal channels (x, x), x = 0, 0.25, 0.5, 0.75: covariance v [[1, 1], [1, 1]] (v = 5/48 with
    # the N - 1 divisor), eigenvalues 2v and 0, first axis (1, 1)/sqrt(2). albumentations' noise
    # V diag(alpha * lambda) c (c not projected) adds alpha_1 * 2v * c_1 / sqrt(2) to both channels:
    # alpha_1 = 3 gives 0.4419 c, so 0 -> -0.166 -> 0, 0.75 -> 0.9157
    img = np.array([[[0.0, 0.0], [0.25, 0.25], [0.5, 0.5], [0.75, 0.75]]])
    out = run(xp, P.fancy_pca, img, "float32", np.array([3.0, 5.0]))
    gain = 3.0 * 2 * (5 / 48) / np.sqrt(2)
    want = np.clip(img + gain * (img[..., :1] - 0.375), 0, 1)
    np.testing.assert_allclose(out, want, atol=1e-6)
    np.testing.assert_allclose(out[0, 3], [0.915728, 0.915728], atol=1e-6)
    # per sample: alpha 0 is the identity
    b = np.stack([img, img[:, ::-1]])
    out = run(xp, P.fancy_pca, b, "float32", np.array([[0.0, 0.0], [3.0, 5.0]]))
    np.testing.assert_allclose(out[0], img, atol=1e-7)
    np.testing.assert_allclose(out[1], want[:, ::-1], atol=1e-6)


@pytest.mark.golden.with_args(P.scale_channels)
def test_scale_channels_golden(xp):
    # 108.5 -> 108 (half to even), 300 -> 255; float clipped; per sample
    out = run(xp, P.scale_channels, [[[100, 100, 200]]], "uint8", np.array([1.085, 1.0, 1.5]))
    assert out.tolist() == [[[108, 100, 255]]]
    out = run(xp, P.scale_channels, [[[0.5, 0.8]]], "float32", np.array([0.5, 2.0]))
    np.testing.assert_allclose(out, [[[0.25, 1.0]]])
    img = np.full((2, 1, 1, 2), 1000, np.uint16)
    out = run(xp, P.scale_channels, img, "uint16", np.array([[1.0, 2.0], [0.5, 100.0]]))
    assert out.reshape(2, 2).tolist() == [[1000, 2000], [500, 65535]]


def test_planckian_gains_interpolate_the_table():
    np.testing.assert_allclose(P.planckian_gains(6000, "blackbody"), [0.4979 / 0.4584, 1, 0.4468 / 0.4584])
    # 6250 K: halfway between 6000 and 6500
    mid = [(0.4979 + 0.4816) / 2, (0.4584 + 0.4604) / 2, (0.4468 + 0.4782) / 2]
    np.testing.assert_allclose(P.planckian_gains(6250, "blackbody"), [mid[0] / mid[1], 1, mid[2] / mid[1]])
    # clamped to the table's range, per sample
    got = P.planckian_gains(np.array([1000, 20000]), "cied")
    np.testing.assert_allclose(
        got, [[0.5829 / 0.4421, 1, 0.2288 / 0.4421], [0.3217 / 0.4719, 1, 0.6882 / 0.4719]]
    )


@pytest.mark.golden.with_args(P.radial_distort)
def test_radial_distort_golden(xp):
    # a 1 x 4 row, k1 = 1: x = (u - 2) / 4, y = (0 - 0.5) / 1 = -0.5, r2 = x^2 + 0.25, f = 1 + r2;
    # source u' = 2 + (u - 2) f: u = 0 -> 2 - 2 * 1.5 = -1 (replicated: 0), u = 1 -> 2 - 1.3125 = 0.6875,
    # u = 2 -> 2, u = 3 -> 3.3125 (replicated: 3)
    img = np.array([[[0], [100], [200], [40]]], np.uint8)
    out = run(xp, P.radial_distort, img, "uint8", np.array([[1.0, 0.0]]), 1)
    assert out.ravel().tolist() == [0, 69, 200, 40]  # 0.6875 between 0 and 100: 68.75 -> 69
    out = run(xp, P.radial_distort, img, "uint8", np.array([[1.0, 0.0]]), 0)
    assert out.ravel().tolist() == [0, 100, 200, 40]  # nearest: 0.6875 -> 1
    # zero coefficients copy the channel; per sample
    b = np.stack([img, img])
    out = run(xp, P.radial_distort, b, "uint8", np.array([[[0.0, 0.0]], [[1.0, 0.0]]]), 1)
    assert out.reshape(2, 4).tolist() == [[0, 100, 200, 40], [0, 69, 200, 40]]
    out = run(
        xp, P.radial_distort, np.array([[[0.5, 0.25]]]), "float32", np.array([[3.0, 1.0], [0.0, 0.0]]), 2
    )
    np.testing.assert_allclose(out, [[[0.5, 0.25]]])  # a single pixel samples itself (replicated)


def _hsv_args(r: np.random.Generator, n: int | None, c: int, d: str) -> tuple[Any, ...]:
    return (_ps(r, n, -180, 180), _ps(r, n, -100, 100), _ps(r, n, -60, 60))


# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
PARITY: dict[str, ParityCase] = {
    # uint8: the override is albumentations' OpenCV 8-bit HSV -> RGB, which truncates in its SIMD loop
    # where the generic rounds: within 1 level (about a third of the values); float32 within 1e-5
    "shift_hsv": (P.shift_hsv, _hsv_args, 1, 1e-5),
    "shift_hsv_identity": (P.shift_hsv, lambda r, n, c, d: (0.0, 0.0, 0.0), 0, 0.0),
    # cv2.transform (3 channels), per-channel tables (uint8) or NumPy: the generic's float32 sums
    "shift_channels": (P.shift_channels, lambda r, n, c, d: (r.uniform(-0.3, 0.3, c) * MAXV[d],), 0, 1e-6),
    "shift_channels_per_sample": (
        P.shift_channels,
        lambda r, n, c, d: (r.uniform(-0.3, 0.3, (n, c) if n else c) * MAXV[d],),
        0,
        1e-6,
    ),
    "shift_channels_scalar": (
        P.shift_channels,
        lambda r, n, c, d: (float(r.uniform(-0.3, 0.3)) * MAXV[d],),
        0,
        1e-6,
    ),
    # exact steps but hue (see shift_hsv), whose 1-level differences later steps may grow
    "color_jitter": (P.color_jitter, _jitter_args, 2, 1e-5),
    "drop_channels": (
        P.drop_channels,
        lambda r, n, c, d: (r.random((n, c) if n else c) < 0.5, 0.3 * MAXV[d]),
        0,
        0.0,
    ),
    "gray_to_rgb": (P.gray_to_rgb, lambda r, n, c, d: (3,), 0, 0.0),
    "gray_to_rgb_5": (P.gray_to_rgb, lambda r, n, c, d: (5,), 0, 0.0),
    # host float64 statistics, then cv2.transform (OpenCV's fixed point on uint8: ~5% off by one)
    "fancy_pca": (P.fancy_pca, lambda r, n, c, d: (r.normal(0, 0.5, (n, c) if n else c),), 1, 1e-5),
    # cv2.transform with a diagonal (3 channels), tables or NumPy
    "scale_channels": (
        P.scale_channels,
        lambda r, n, c, d: (r.uniform(0.5, 1.5, (n, c) if n else c),),
        1,
        1e-6,
    ),
    # albumentations' own OpenCV calls (exact float bilinear in OpenCV 5; uint16: 1 level)
    "radial_distort": (
        P.radial_distort,
        lambda r, n, c, d: (r.uniform(-0.3, 0.3, (n, c, 2) if n else (c, 2)), 1),
        1,
        1e-5,
    ),
    "radial_distort_cubic": (P.radial_distort, lambda r, n, c, d: (r.uniform(-0.3, 0.3, (c, 2)), 2), 1, 1e-5),
    "radial_distort_nearest": (
        P.radial_distort,
        lambda r, n, c, d: (r.uniform(-0.3, 0.3, (c, 2)), 0),
        0,
        0.0,
    ),
}
# the generic kernel is exact there (uint16 HSV: no 16-bit HSV in OpenCV); cv2.transform: <= 4 channels
DECLINED = {
    ("fancy_pca", 6),
    ("radial_distort", 6),
    ("radial_distort_cubic", 6),
    ("radial_distort_nearest", 6),
    ("shift_hsv", "uint16"),
    ("shift_hsv_identity", "uint16"),
    ("color_jitter", "uint16"),
}
MANY_OFF_BY_ONE = {
    ("fancy_pca", "uint8"),  # cv2.transform's fixed point
    ("fancy_pca", "uint16"),
    ("shift_hsv", "uint8"),  # OpenCV's 8-bit HSV -> RGB truncates (albumentations' own results)
    ("color_jitter", "uint8"),  # its hue step
}
CHANNELS = {
    "shift_hsv": (1, 3),
    "shift_hsv_identity": (1, 3),
    "color_jitter": (1, 3),
    "gray_to_rgb": (1,),
    "gray_to_rgb_5": (1,),
}  # default: 1, 3 and 6


@pytest.mark.parity.with_args("numpy_cv2", *{case[0] for case in PARITY.values()})
@pytest.mark.parametrize("case", sorted(PARITY))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_catalogue_override_matches_generic(case, dtype, channels, batch):
    if channels not in CHANNELS.get(case, (1, 3, 6)):
        pytest.skip("kernel does not take this input")
    check_override_matches_generic(PARITY[case], case, dtype, channels, batch, DECLINED, MANY_OFF_BY_ONE)


# case -> (kernel, args(rng, n, c, dtype), channel counts, tolerance (levels / float))
CUPY_PARITY: dict[str, tuple[Any, Any, tuple[int, ...], float]] = {
    "shift_hsv": (P.shift_hsv, _hsv_args, (1, 3), 0.0),  # the same arithmetic, in the same order
    "shift_channels": (P.shift_channels, PARITY["shift_channels_per_sample"][1], (1, 3, 6), 0.0),
    "shift_channels_shared": (P.shift_channels, PARITY["shift_channels"][1], (1, 3, 6), 0.0),
    # the same arithmetic; on a GPU the mean gray level's sum may round differently (1 level, 1e-5)
    "color_jitter": (P.color_jitter, _jitter_args, (1, 3), 1.0),
    "drop_channels": (P.drop_channels, PARITY["drop_channels"][1], (1, 3, 6), 0.0),
    "gray_to_rgb": (P.gray_to_rgb, PARITY["gray_to_rgb_5"][1], (1,), 0.0),
    # float32 matrix on the device against the generic's float64 arithmetic
    "fancy_pca": (P.fancy_pca, PARITY["fancy_pca"][1], (1, 3, 6), 1.0),
    "scale_channels": (P.scale_channels, PARITY["scale_channels"][1], (1, 3, 6), 0.0),
    "radial_distort": (P.radial_distort, PARITY["radial_distort"][1], (1, 3, 6), 0.0),
    "radial_distort_cubic": (
        P.radial_distort,
        lambda r, n, c, d: (r.uniform(-0.3, 0.3, (c, 2)), 2),
        (1, 3),
        0.0,
    ),
}


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", *{case[0] for case in CUPY_PARITY.values()})
@pytest.mark.parametrize("case", sorted(CUPY_PARITY))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_cupy_override_matches_generic(cupy, case, dtype, batch):
    kern, make_args, channel_counts, tol = CUPY_PARITY[case]
    for c in channel_counts:
        rng = np.random.default_rng(zlib.crc32(f"{case}-{dtype}-{c}-{batch}".encode()))
        n = 4 if batch else None
        img = random_image(rng, dtype, (n, 9, 13, c) if n else (9, 13, c))
        if dtype == "float32":
            img.reshape(-1)[[3, 40, 77]] = [np.nan, np.inf, -np.inf]
        args = make_args(rng, n, c, dtype)
        if batch and case == "radial_distort":  # one sample with the identity (no distortion)
            args = (np.where(np.arange(n)[:, None, None] == 1, 0.0, args[0]), args[1])
        elif batch and case == "scale_channels":  # one sample with the identity (gains 1)
            args = (np.where(np.arange(n)[:, None] == 1, 1.0, args[0]),)
        elif batch and case == "fancy_pca":  # one sample with the identity (alpha 0)
            args = (np.where(np.arange(n)[:, None] == 1, 0.0, args[0]),)
        elif batch and case == "drop_channels":  # one sample with nothing dropped
            args = (np.where(np.arange(n)[:, None] == 1, False, args[0]), args[1])
        elif batch and case.startswith("color_jitter"):  # one sample with the identity factors
            args = (np.where(np.arange(n)[:, None] == 1, np.array(P.JITTER_IDENTITY), args[0]), args[1])
        elif batch:  # one sample with the identity parameters
            args = tuple(
                np.where((np.arange(n) == 1).reshape(-1, *[1] * (np.ndim(a) - 1)), 0.0, a)
                if np.ndim(a) >= 1 and len(a) == n
                else a
                for a in args
            )
        got = cupy.asnumpy(kern(cupy.asarray(img), *args))  # imports (registers) the CuPy overrides
        assert kern.overrides["cupy"](cupy.asarray(img), *args) is not NotImplemented
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = np.asarray(kern.generic(img, *args))
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=0, atol=tol)


@needs_alb
@pytest.mark.parametrize(
    "shifts", [(10.5, 20.7, -15.2), (-90, -255, 255), (179.9, 0.4, 0), (0, 0, 5), (3, -30, 0)]
)
def test_hue_saturation_value_matches_albumentations_uint8(shifts):
    """uint8 with fixed shifts: albumentations' own maths, within 1 level (OpenCV 5's 8-bit HSV -> RGB
    truncates in its SIMD loop, rounds in its tail; xalbu rounds everywhere: docs/differences.md)."""
    img = make_image("uint8", (40, 50, 3), seed=4)
    want = alb.augmentations.pixel.functional.shift_hsv(img, *shifts)
    got = A.HueSaturationValue(*[(s, s) for s in shifts], p=1)(image=img)["image"]
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1
    gray = img[..., :1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want = alb.augmentations.pixel.functional.shift_hsv(gray, *shifts)
    got = A.HueSaturationValue(*[(s, s) for s in shifts], p=1)(image=gray)["image"]
    np.testing.assert_array_equal(got, want.reshape(gray.shape))


@needs_alb
def test_hue_saturation_value_float32_against_albumentations():
    """float32: albumentations quantises to uint8 around its 8-bit maths; xalbu keeps float32 (float
    HSV), so they agree within the 8-bit hue step (2 degrees: up to ~9 levels on saturated colours)."""
    img = make_image("float32", (40, 50, 3), seed=4)
    for shifts in [(10, 20, -15), (-45, 0, 30)]:
        want = alb.augmentations.pixel.functional.shift_hsv(img, *shifts)
        got = A.HueSaturationValue(*[(s, s) for s in shifts], p=1)(image=img)["image"]
        assert got.dtype == np.float32
        assert np.abs(got - want).max() <= 10 / 255
        assert np.abs(got - want).mean() <= 1.5 / 255


@needs_alb
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("limits", [(20, -20, 7.6), (0.1, -0.2, 0.05), (-255, 255, 0)])
def test_rgb_shift_matches_albumentations(dtype, limits):
    """Fixed shifts: albumentations adds the shift truncated to whole levels on uint8, xalbu rounds
    (within 1 level); float32 equal within float32 rounding."""
    img = make_image(dtype, (30, 40, 3), seed=2)
    ranges = [(v, v) for v in limits]
    want = alb.RGBShift(*ranges, p=1)(image=img)["image"]
    got = A.RGBShift(*ranges, p=1)(image=img)["image"]
    assert got.dtype == want.dtype and got.shape == want.shape
    tol = 1 if dtype == "uint8" else 1e-6
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=0, atol=tol)
    gray = img[..., :1]  # one channel: the red range
    want = alb.RGBShift(*ranges, p=1)(image=gray)["image"]
    got = A.RGBShift(*ranges, p=1)(image=gray)["image"]
    np.testing.assert_allclose(
        got.astype(np.float64), want.reshape(gray.shape).astype(np.float64), rtol=0, atol=tol
    )


def test_rgb_shift_reads_ranges_as_albumentations():
    t = A.RGBShift(r_shift_limit=0.5, g_shift_limit=(-2, 1), b_shift_limit=(0.2, 0.2), p=1)
    shift = t.sample(np.random.default_rng(0), (4, 4), 500).shift
    assert shift.shape == (500, 3)
    assert -0.5 <= shift[:, 0].min() < -0.45 and 0.45 < shift[:, 0].max() <= 0.5  # fractions
    assert -2 / 255 <= shift[:, 1].min() and shift[:, 1].max() <= 1 / 255  # 8-bit levels
    np.testing.assert_allclose(shift[:, 2], 0.2)


@needs_alb
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_color_jitter_steps_match_albumentations(dtype):
    """Each step alone with a fixed factor: within 1 level on uint8 (albumentations truncates its
    brightness and contrast tables, xalbu rounds), float32 within 1e-5; four steps in a row on float32
    within 1e-5 (on uint8 the 1-level differences of one step can grow in the next ones: docs)."""
    img = make_image(dtype, (30, 40, 3), seed=6)
    t = alb.ColorJitter(p=1)
    tol = 1 if dtype == "uint8" else 1e-5
    for op, values in enumerate([(0.6, 1.45), (0.5, 1.3), (0.3, 1.6), (-0.3, 0.45)]):
        for v in values:
            factors = list(F_IDENTITY)
            factors[op] = v
            order = [op] + [k for k in range(4) if k != op]
            want = t.apply(img.copy(), *factors, order=order)
            got = P.color_jitter(img, np.array(factors), np.array(order))
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=0, atol=tol)
    if dtype == "float32":
        rng = np.random.default_rng(3)
        for _ in range(5):
            factors, order = _jitter_args(rng, None, 3, dtype)
            want = t.apply(img.copy(), *factors, order=list(order))
            np.testing.assert_allclose(P.color_jitter(img, factors, order), want, rtol=0, atol=1e-5)


@needs_alb
def test_color_jitter_ranges_read_as_albumentations():
    t = A.ColorJitter(brightness=0.3, contrast=1.5, saturation=(0.5, 0.5), hue=0.2)
    assert (t.brightness, t.contrast, t.saturation, t.hue) == (
        (0.7, 1.3),
        (0.0, 2.5),
        (0.5, 0.5),
        (-0.2, 0.2),
    )
    a = alb.ColorJitter(brightness=0.3, contrast=1.5, saturation=(0.5, 0.5), hue=0.2)
    assert (a.brightness, a.contrast, a.saturation, a.hue) == (t.brightness, t.contrast, t.saturation, t.hue)
    params = A.ColorJitter(p=1).sample(np.random.default_rng(0), (4, 4), 300)
    assert params.factors.shape == (300, 4) and params.order.shape == (300, 4)
    assert (np.sort(params.order, axis=1) == np.arange(4)).all()
    assert len({tuple(o) for o in params.order.tolist()}) > 12  # many of the 24 orders


@needs_alb
def test_channel_dropout_matches_albumentations_and_draws_distinct_channels():
    img = make_image("uint8", (20, 30, 4), seed=8)
    want = alb.augmentations.dropout.functional.channel_dropout(img, [1, 3], 128)
    got = P.drop_channels(img, np.array([False, True, False, True]), 128)
    np.testing.assert_array_equal(got, want)
    t = A.ChannelDropout(channel_drop_range=(1, 3), p=1)
    imgs = np.zeros((400, 1, 1, 4), np.uint8)
    state = A.core.state.State(shape=(1, 1), batch=400, images={"image": imgs})
    dropped = t.sample_data(np.random.default_rng(0), state).dropped
    counts = dropped.sum(axis=1)
    assert counts.min() == 1 and counts.max() == 3 and set(np.bincount(counts)[1:].tolist()) != {0}
    assert dropped.any(axis=0).all()  # every channel gets dropped sometimes
    img3 = np.zeros((4, 4, 3), np.uint8)  # docs/differences.md: fills outside the range, fractions
    with pytest.raises(OverflowError):
        alb.ChannelDropout(fill=300, p=1)(image=img3)
    assert alb.ChannelDropout(fill=7.5, p=1)(image=img3)["image"].max() == 7
    assert A.ChannelDropout(fill=300, p=1)(image=img3)["image"].max() == 255
    assert A.ChannelDropout(fill=7.5, p=1)(image=img3)["image"].max() == 8
    with pytest.warns(UserWarning):  # albumentations 1.x's name: ignored by the constructor, read by files
        A.ChannelDropout(fill_value=5)
    assert A.ChannelDropout.albumentations_args["fill_value"].to == "fill"


@needs_alb
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_to_rgb_matches_albumentations(dtype):
    for shape in [(6, 7), (6, 7, 1)]:
        img = make_image(dtype, shape, seed=9)
        for n in (1, 3, 4):
            want = alb.ToRGB(num_output_channels=n)(image=img)["image"]
            got = A.ToRGB(num_output_channels=n)(image=img)["image"]
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got.reshape(want.shape), want)
            if n > 1:
                assert got.shape == want.shape == (6, 7, n)
    rgb = make_image(dtype, (6, 7, 3), seed=9)
    with pytest.warns(UserWarning, match="already"):
        want = alb.ToRGB()(image=rgb)["image"]
    with pytest.warns(UserWarning, match="already RGB"):
        got = A.ToRGB()(image=rgb)["image"]
    np.testing.assert_array_equal(got, want)


def test_to_rgb_in_batches_and_pipelines():
    imgs = make_image("uint8", (4, 5, 6))
    out = A.Compose([A.ToRGB()], seed=0).batch(images=imgs)["images"]
    assert out.shape == (4, 5, 6, 3) and (out == imgs[..., None]).all()
    with pytest.raises(ValueError, match="must apply to every sample"):
        A.Compose([A.ToRGB(p=0.5)], seed=0).batch(images=imgs)
    out = A.Compose([A.ToRGB(), A.HueSaturationValue(p=1)], seed=0)(image=imgs[0])["image"]
    assert out.shape == (5, 6, 3)


def _albumentations_signs(img: np.ndarray) -> np.ndarray:
    """The signs that turn albumentations' (LAPACK's) eigenvectors into xalbu's (largest entry
    positive), in xalbu's descending order: flipping alpha_k is flipping v_k."""
    x = img.astype(np.float32) / (255 if img.dtype == np.uint8 else 1)
    c = img.shape[-1]
    cen = x.reshape(-1, c) - x.reshape(-1, c).mean(axis=0)
    vals, vecs = np.linalg.eigh(np.cov(cen, rowvar=False))
    vecs = vecs[:, vals[::-1].argsort()]
    return np.sign(vecs[np.argmax(np.abs(vecs), axis=0), np.arange(c)])


@needs_alb
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_fancy_pca_matches_albumentations(dtype, channels):
    """A fixed alpha vector (signs matched to LAPACK's eigenvectors): equal within float rounding."""
    fancy = alb.augmentations.pixel.functional.fancy_pca
    rng = np.random.default_rng(channels)
    img = make_image(dtype, (30, 40, channels), seed=4)
    if channels > 1:  # correlated channels
        img[..., 1] = (
            img[..., 0] // 2 + img[..., 1] // 2 if dtype == "uint8" else (img[..., 0] + img[..., 1]) / 2
        )
    alpha = rng.normal(0, 0.5, channels).astype(np.float32)
    want = fancy(img.copy(), alpha)
    ours = alpha * (_albumentations_signs(img) if channels > 1 else 1.0)
    for got in (P.fancy_pca(img, ours), P.fancy_pca.generic(img, ours)):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(
            got.astype(np.float64), want.astype(np.float64), rtol=0, atol=1 if dtype == "uint8" else 1e-5
        )


@needs_alb
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("mode", ["blackbody", "cied"])
def test_planckian_jitter_matches_albumentations(dtype, mode):
    """A fixed temperature: albumentations truncates its uint8 tables, xalbu rounds (within 1 level)."""
    jitter = alb.augmentations.pixel.functional.planckian_jitter
    img = make_image(dtype, (30, 40, 3), seed=5)
    for temperature in (4000, 5234, 6000, 9999, 15000):
        want = jitter(img, temperature, mode)
        t = A.PlanckianJitter(mode=mode, temperature_limit=(4000, 15000), p=1)
        params = t.sample(np.random.default_rng(0), (30, 40), None)
        params = type(params)(temperature, P.planckian_gains(temperature, mode))
        got = t.apply_image(img, params)
        np.testing.assert_allclose(
            got.astype(float), want.astype(float), rtol=0, atol=1 if dtype == "uint8" else 1e-6
        )


@pytest.mark.parametrize("method", ["uniform", "gaussian"])
def test_planckian_jitter_sampling(method):
    t = A.PlanckianJitter(mode="cied", temperature_limit=(5000, 9000), sampling_method=method, p=1)
    temps = t.sample(np.random.default_rng(0), (4, 4), 4000).temperature
    assert temps.dtype.kind == "i" and temps.min() >= 5000 and temps.max() <= 9000
    assert 0.3 < np.mean(temps < 6000) < 0.45  # the warm side with probability 0.4
    if method == "gaussian":  # concentrated around 6000 K
        assert np.mean(np.abs(temps - 6000) < 1000) > 0.6


@needs_alb
@pytest.mark.parametrize("interpolation", [0, 1, 2])
def test_chromatic_aberration_matches_albumentations(interpolation):
    """uint8 with fixed coefficients: albumentations' own OpenCV maps and remap, equal; float32:
    albumentations goes through uint8 (docs/differences.md), xalbu stays float: within 1/255."""
    fn = alb.augmentations.pixel.functional.chromatic_aberration
    img = make_image("uint8", (30, 40, 3), seed=7)
    t = A.ChromaticAberration(interpolation=interpolation, p=1)
    for k in [(0.02, 0.05, 0.02, 0.05), (-0.3, -0.1, 0.2, 0.4)]:
        want = fn(img, *k, interpolation)
        coeffs = np.array([[k[0], k[1]], [0, 0], [k[2], k[3]]])
        np.testing.assert_array_equal(t.apply_image(img, A.ChromaticAberration.Params(coeffs)), want)
        np.testing.assert_array_equal(P.radial_distort.generic(img, coeffs, interpolation), want)
        imgf = (img / 255).astype(np.float32)
        got = np.clip(P.radial_distort(imgf, coeffs, interpolation), 0, 1)  # cubic overshoot is kept
        np.testing.assert_allclose(got, fn(imgf, *k, interpolation), atol=1 / 255)


@pytest.mark.parametrize("mode", ["green_purple", "red_blue", "random"])
def test_chromatic_aberration_signs(mode):
    coeffs = A.ChromaticAberration(0.3, 0.2, mode=mode).sample(np.random.default_rng(0), (4, 4), 500).coeffs
    assert coeffs.shape == (500, 3, 2) and (coeffs[:, 1] == 0).all()
    assert (np.sign(coeffs[:, 0, 0]) == np.sign(coeffs[:, 0, 1])).all()  # k2 follows k1 per channel
    assert (np.sign(coeffs[:, 2, 0]) == np.sign(coeffs[:, 2, 1])).all()
    same = np.sign(coeffs[:, 0, 0]) == np.sign(coeffs[:, 2, 0])
    if mode == "green_purple":
        assert same.all()
    elif mode == "red_blue":
        assert not same.any()
    else:
        assert 0.3 < same.mean() < 0.7


@needs_alb
def test_differences_hue_saturation_value_rows():
    """docs/differences.md: uint16 works (albumentations raises); OpenCV's 8-bit HSV -> RGB gives one
    colour two results depending on where it lies in a row, xalbu one (rounded)."""
    cv2 = pytest.importorskip("cv2")
    img16 = make_image("uint16", (6, 7, 3), seed=1)
    with pytest.raises(ValueError):
        alb.HueSaturationValue(p=1)(image=img16)
    assert A.HueSaturationValue(p=1)(image=img16)["image"].dtype == np.uint16
    hsv = np.full((1, 67, 3), (64, 232, 163), np.uint8)  # RGB 14.70, 163, 34.48
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    assert {tuple(p) for p in rgb[0]} == {(14, 163, 34), (15, 163, 34)}  # truncated, then rounded
    ours = P._hsv_to_rgb(
        np, np.float32([[64.0]]), np.float32([[232 / 255]]), np.float32([[163 / 255]]), 6 / 180
    )
    assert np.rint(ours * 255).ravel().tolist() == [15, 163, 34]


__all__ = [
    "test_shift_hsv_uint8_golden",
    "test_shift_hsv_gray_uint16_float_golden",
    "test_shift_hsv_per_sample_batch_identity_samples_unchanged",
    "test_shift_hsv_refuses_other_channel_counts",
    "test_shift_hsv_8bit_conversion_is_opencvs",
    "test_shift_channels_golden",
    "test_color_jitter_uint8_golden",
    "test_color_jitter_float_gray_and_batches_golden",
    "test_drop_channels_golden",
    "test_gray_to_rgb_golden",
    "test_fancy_pca_golden",
    "test_scale_channels_golden",
    "test_planckian_gains_interpolate_the_table",
    "test_radial_distort_golden",
    "test_catalogue_override_matches_generic",
    "test_cupy_override_matches_generic",
    "test_hue_saturation_value_matches_albumentations_uint8",
    "test_hue_saturation_value_float32_against_albumentations",
    "test_rgb_shift_matches_albumentations",
    "test_rgb_shift_reads_ranges_as_albumentations",
    "test_color_jitter_steps_match_albumentations",
    "test_color_jitter_ranges_read_as_albumentations",
    "test_channel_dropout_matches_albumentations_and_draws_distinct_channels",
    "test_to_rgb_matches_albumentations",
    "test_to_rgb_in_batches_and_pipelines",
    "test_fancy_pca_matches_albumentations",
    "test_planckian_jitter_matches_albumentations",
    "test_planckian_jitter_sampling",
    "test_chromatic_aberration_matches_albumentations",
    "test_chromatic_aberration_signs",
    "test_differences_hue_saturation_value_rows",
]  # test_color.py collects them
