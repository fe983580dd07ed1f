"""Noise: the counter-based generator (``xalbu.functional._random``: NumPy's Philox bits, the tables), the
kernels of ``xalbu.functional.noise`` (golden values, numpy_cv2 and CuPy parity, bit for bit) and the
transforms GaussNoise, ISONoise, MultiplicativeNoise, SaltAndPepper, ShotNoise and AdditiveNoise
(statistics of the field on fixed seeds, per-seed determinism, batch == single per sample whatever
the position and the batch size, dtype rules, albumentations' arguments, argument checks).

Statistical bounds are checked on fixed seeds (deterministic: they cannot flake); each bound is
several standard errors wide, so a broken field (wrong scale, shift, correlation) fails them.
"""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _random as R
from xalbu.functional import noise as P

from ._noise_fields import *  # noqa: F403 - the generator and add_noise tests (collected here)
from ._pointwise import (
    DTYPES,
    MAXV,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    make_image,
    one,
    random_image,
)


# --------------------------------------------------------------------------- iso_noise
@pytest.mark.golden.with_args(P.iso_noise)
def test_iso_noise_golden_values(xp):
    # intensity 0: the input, bit for bit, whatever the colour shift
    img = make_image("uint8", (3, 4, 3))
    same = np.asarray(xp.to_numpy(P.iso_noise(xp.asarray(img), 3, 0.5, 0.0)))
    np.testing.assert_array_equal(same, img)
    # a flat image has std(L) = 0, so a Poisson rate 0: k = 0 everywhere; no colour shift: unchanged
    flat = np.full((2, 3, 3), [200, 40, 90], np.uint8)
    np.testing.assert_array_equal(np.asarray(xp.to_numpy(P.iso_noise(xp.asarray(flat), 3, 0.0, 1.0))), flat)
    # pure red (H = 0, L = 0.5, S = 1: p2 = 1, p1 = 0): a hue h in (-60, 60) degrees gives
    # R = 1, G = h / 60 for h >= 0, B = -h / 60 for h < 0 (OpenCV's sectors 0 and 5)
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 0] = 255
    sigma = 0.1 * 360 * 0.5  # color_shift 0.1, intensity 0.5: 18 degrees
    out = np.asarray(xp.to_numpy(P.iso_noise(xp.asarray(red), 11, 0.1, 0.5)))
    z = R.normal_table()[R.philox_u16(np.zeros(1), 11, 32)[0::2]].reshape(4, 4)
    hue = z * np.float32(sigma)
    assert np.all(np.abs(hue) < 60)
    np.testing.assert_array_equal(out[..., 0], 255)
    np.testing.assert_allclose(out[..., 1], np.round(255 * np.maximum(hue, 0) / 60), atol=1)
    np.testing.assert_allclose(out[..., 2], np.round(255 * np.maximum(-hue, 0) / 60), atol=1)
    assert (out[..., 1] > 0).any() and (out[..., 2] > 0).any()


def test_iso_noise_lightness_statistics():
    """Gray stays gray; L gains k / 255 * (1 - L) with k Poisson of rate std(L) * intensity * 255."""
    gray = np.repeat(np.linspace(0.1, 0.6, 128 * 128, dtype=np.float32).reshape(128, 128, 1), 3, axis=2)
    out = P.iso_noise(gray, 4, 0.3, 0.4)
    assert np.array_equal(out[..., 0], out[..., 1]) and np.array_equal(out[..., 0], out[..., 2])
    k = (out[..., 0].astype(np.float64) - gray[..., 0]) / (1 - gray[..., 0]) * 255
    lam = np.std(gray[..., 0].astype(np.float64)) * 0.4 * 255  # about 14.7
    # Poisson: mean = variance = lam; n = 16384 -> standard errors 0.03 and 0.16: bounds at > 6 of them
    assert abs(k.mean() - lam) < 0.2 and abs(k.var() / lam - 1) < 0.08
    np.testing.assert_allclose(k, np.round(k), atol=1e-3)  # whole counts


def test_iso_noise_hue_spread():
    img = np.zeros((96, 96, 3), np.float32)
    img[..., 0], img[..., 1], img[..., 2] = 0.8, 0.2, 0.2  # H = 0 except where noise moves it
    out = P.iso_noise(img, 9, 0.02, 1.0)  # 7.2 degrees
    import cv2

    hue = cv2.cvtColor(out, cv2.COLOR_RGB2HLS)[..., 0].astype(np.float64)
    hue = np.where(hue > 180, hue - 360, hue)
    assert abs(hue.std() / 7.2 - 1) < 0.05 and abs(hue.mean()) < 0.3


@pytest.mark.parity.with_args("numpy_cv2", P.iso_noise)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_iso_noise_numpy_override_matches_generic(dtype, batch):
    """Tolerance: integers within 1 level in at most 1% of the values, float32 within 2e-6 (OpenCV's
    HLS conversions and ``cv2.meanStdDev`` round differently from the generic's formulas)."""
    rng = np.random.default_rng(3 + batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 21, 19, 3) if n else (21, 19, 3))
    seeds = rng.integers(0, 2**64, n, dtype=np.uint64) if n else 99
    shift = rng.uniform(0, 0.5, n) if n else 0.3
    inten = np.array([0.5, 0.0, 2.0]) if n else 0.8
    assert P.iso_noise.overrides["numpy_cv2"](img, seeds, shift, inten) is not NotImplemented
    got, expected = P.iso_noise(img, seeds, shift, inten), P.iso_noise.generic(img, seeds, shift, inten)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if dtype == "float32":
        np.testing.assert_allclose(got, expected, atol=2e-6, rtol=0)
    else:
        diff = np.abs(got.astype(np.int64) - expected.astype(np.int64))
        assert diff.max() <= 1 and np.count_nonzero(diff) <= max(2, diff.size // 100)
    if batch:
        np.testing.assert_array_equal(got[1], img[1])


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.iso_noise)
@pytest.mark.parametrize("dtype", DTYPES)
def test_iso_noise_cupy_matches_generic(cupy, dtype):
    """Tolerance: equal on the harness (the generic's formulas in float32 without FMA, the same
    float64 Poisson recurrence); on a GPU, ``exp`` and the reductions may round differently: 1 level."""
    rng = np.random.default_rng(12)
    img = random_image(rng, dtype, (3, 13, 17, 3))
    seeds = rng.integers(0, 2**64, 3, dtype=np.uint64)
    shift, inten = np.array([0.05, 0.4, 0.2]), np.array([0.5, 1.5, 0.0])
    got = P.iso_noise(cupy.asarray(img), seeds, shift, inten)
    assert isinstance(got, cupy.ndarray)
    expected = P.iso_noise.generic(img, seeds, shift, inten)
    tol = 2e-6 if dtype == "float32" else 1
    assert np.abs(cupy.asnumpy(got).astype(np.float64) - expected).max() <= tol
    single = cupy.asnumpy(P.iso_noise(cupy.asarray(img[0]), int(seeds[0]), 0.05, 0.5))
    np.testing.assert_array_equal(single, cupy.asnumpy(got)[0])


def test_iso_noise_refuses_other_than_rgb():
    for channels in (1, 4):
        with pytest.raises(ValueError, match="ISONoise: needs a 3-channel RGB image, got"):
            A.ISONoise(p=1)(image=np.zeros((4, 4, channels), np.uint8))
    with pytest.raises(ValueError, match="ISONoise"):
        A.ISONoise(p=1)(image=np.zeros((4, 4), np.uint8))


# --------------------------------------------------------------------------- multiplicative
@pytest.mark.golden.with_args(P.multiply_noise)
def test_multiply_noise_golden(xp):
    img = xp.asarray(np.array([[[10], [100], [200]]], np.uint8))
    out = np.asarray(xp.to_numpy(P.multiply_noise(img, 3, 1.5, 1.5, True)))  # m = u * 0 + 1.5
    assert out.ravel().tolist() == [15, 150, 255]
    # m = u * (1.2 - 0.8) + 0.8 with u the unit table at the bits, in float32; 100 * m rounded
    u = R.unit_table()[R.philox_u16(np.zeros(1), 8, 3)]
    m = u * np.float32(0.4) + np.float32(0.8)
    expected = np.round(np.float32(100) * m).astype(np.uint8)
    flat = xp.asarray(np.full((1, 3, 1), 100, np.uint8))
    got = np.asarray(xp.to_numpy(P.multiply_noise(flat, 8, 0.8, 1.2, True))).ravel()
    np.testing.assert_array_equal(got, expected)


@pytest.mark.golden.with_args(P.multiply_channels)
@pytest.mark.parametrize(
    ("dtype", "values", "factors", "expected"),
    [
        ("uint8", [[10, 100, 200]], 1.5, [[15, 150, 255]]),
        ("uint8", [[10, 100, 200]], [0.25, 0.5, 1.25], [[2, 50, 250]]),  # 2.5 -> 2 (half to even)
        ("uint16", [[1000, 40000, 3]], [2.0, 2.0, 0.5], [[2000, 65535, 2]]),  # 1.5 -> 2
        ("float32", [[0.2, 0.5, 0.8]], 1.5, [[0.3, 0.75, 1.0]]),
    ],
)
def test_multiply_channels_golden(xp, dtype, values, factors, expected):
    img = xp.asarray(np.asarray(values, dtype=dtype).reshape(1, 1, 3))
    f = np.asarray(factors) if isinstance(factors, list) else factors
    out = np.asarray(xp.to_numpy(P.multiply_channels(img, f)))
    np.testing.assert_allclose(out.reshape(1, 3), expected, atol=1e-6)


@pytest.mark.parity.with_args("numpy_cv2", P.multiply_noise, P.multiply_channels)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_multiply_numpy_overrides(dtype, channels, batch):
    """Tolerance: multiply_noise bit for bit (cv2.multiply rounds the float32 product half to even);
    multiply_channels within 1 level (the shared affine paths of tone's multiply_add)."""
    rng = np.random.default_rng(channels + 5 * batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 15, 17, channels) if n else (15, 17, channels))
    seeds = rng.integers(0, 2**64, n, dtype=np.uint64) if n else 5
    lo, hi = (rng.uniform(0.5, 1.0, n), rng.uniform(1.0, 1.5, n)) if n else (0.7, 1.3)
    for pc in (True, False):
        assert P.multiply_noise.overrides["numpy_cv2"](img, seeds, lo, hi, pc) is not NotImplemented
        np.testing.assert_array_equal(
            P.multiply_noise(img, seeds, lo, hi, pc), P.multiply_noise.generic(img, seeds, lo, hi, pc)
        )
    cases = [1.3, rng.uniform(0.5, 1.5, channels if n is None else (n, channels))]
    if n:
        cases.append(rng.uniform(0.5, 1.5, n))
    for f in cases:
        assert P.multiply_channels.overrides["numpy_cv2"](img, f) is not NotImplemented
        got, ref = P.multiply_channels(img, f), P.multiply_channels.generic(img, f)
        assert np.abs(got.astype(np.float64) - ref).max() <= (1e-6 if dtype == "float32" else 1)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.multiply_noise, P.multiply_channels)
@pytest.mark.parametrize("dtype", DTYPES)
def test_multiply_cupy_overrides(cupy, dtype):
    """Tolerance: none (the field's arithmetic is the generic's; uint8 factors through exact tables)."""
    rng = np.random.default_rng(21)
    img = random_image(rng, dtype, (3, 7, 9, 3))
    seeds = rng.integers(0, 2**64, 3, dtype=np.uint64)
    lo, hi = np.array([0.5, 1.0, 0.9]), np.array([1.5, 1.0, 1.1])
    got = P.multiply_noise(cupy.asarray(img), seeds, lo, hi, True)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.multiply_noise(img, seeds, lo, hi, True))
    identity = np.clip(img[1], 0, 1) if dtype == "float32" else img[1]  # floats saturate into [0, 1]
    np.testing.assert_array_equal(cupy.asnumpy(got)[1], identity)  # low = high = 1: the identity
    f = rng.uniform(0.5, 1.5, (3, 3))
    got = cupy.asnumpy(P.multiply_channels(cupy.asarray(img), f))
    np.testing.assert_array_equal(got, P.multiply_channels.generic(img, f))


def test_multiplicative_noise_modes():
    img = np.full((64, 64, 3), 0.5, np.float32)
    for per_channel, elementwise in [(False, False), (True, False), (False, True), (True, True)]:
        t = A.MultiplicativeNoise(
            multiplier=(0.8, 1.2), per_channel=per_channel, elementwise=elementwise, p=1
        )
        out = t(image=img)["image"].astype(np.float64) / 0.5
        assert out.min() >= 0.8 - 1e-6 and out.max() <= 1.2 + 1e-6
        across_pixels = len(np.unique(out[..., 0])) > 1
        across_channels = not np.array_equal(out[..., 0], out[..., 1])
        assert across_pixels == elementwise and across_channels == per_channel
        if elementwise:  # uniform on [0.8, 1.2): mean 1, std 0.4 / sqrt(12) = 0.1155
            assert abs(out.mean() - 1) < 0.005 and abs(out.std() / 0.11547 - 1) < 0.03


# --------------------------------------------------------------------------- salt and pepper
@pytest.mark.golden.with_args(P.salt_and_pepper)
@pytest.mark.parametrize("dtype", DTYPES)
def test_salt_and_pepper_golden(xp, dtype):
    img = make_image(dtype, (4, 5, 3), seed=6)
    b = R.philox_u16(np.zeros(1), 31, 20).reshape(4, 5)  # one 16-bit value per pixel
    got = np.asarray(xp.to_numpy(P.salt_and_pepper(xp.asarray(img), 31, 20000, 40000)))
    salt, pepper = b < 20000, (b >= 20000) & (b < 40000)
    assert salt.any() and pepper.any() and (b >= 40000).any()
    assert np.all(got[salt] == MAXV[dtype]) and np.all(got[pepper] == 0)
    np.testing.assert_array_equal(got[b >= 40000], img[b >= 40000])
    same = np.asarray(xp.to_numpy(P.salt_and_pepper(xp.asarray(img), 31, 0, 0)))
    np.testing.assert_array_equal(same, img)
    black = np.asarray(xp.to_numpy(P.salt_and_pepper(xp.asarray(img), 31, 0, 65536)))
    assert not black.any()


@pytest.mark.parity.with_args("numpy_cv2", P.salt_and_pepper)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_salt_and_pepper_numpy_override_is_exact(dtype, channels, batch):
    """Tolerance: none (the same bits and comparisons; NaN pixels kept where not noisy)."""
    rng = np.random.default_rng(channels + 7 * batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 13, 11, channels) if n else (13, 11, channels))
    if dtype == "float32":
        img.reshape(-1)[::7] = np.nan
    seeds = rng.integers(0, 2**64, n, dtype=np.uint64) if n else 12
    salt, noisy = (np.array([3000, 0, 0]), np.array([9000, 6000, 0])) if n else (2000, 9000)
    assert P.salt_and_pepper.overrides["numpy_cv2"](img, seeds, salt, noisy) is not NotImplemented
    got = P.salt_and_pepper(img, seeds, salt, noisy)
    np.testing.assert_array_equal(got, P.salt_and_pepper.generic(img, seeds, salt, noisy))


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.salt_and_pepper)
@pytest.mark.parametrize("dtype", DTYPES)
def test_salt_and_pepper_cupy_is_exact(cupy, dtype):
    """Tolerance: none."""
    rng = np.random.default_rng(4)
    img = random_image(rng, dtype, (3, 9, 7, 3))
    seeds = rng.integers(0, 2**64, 3, dtype=np.uint64)
    salt, noisy = np.array([3000, 0, 0]), np.array([9000, 6000, 0])
    got = P.salt_and_pepper(cupy.asarray(img), seeds, salt, noisy)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.salt_and_pepper(img, seeds, salt, noisy))


def test_salt_and_pepper_statistics():
    img = np.full((200, 200, 3), 100, np.uint8)
    out = A.SaltAndPepper(amount=(0.1, 0.1), salt_vs_pepper=(0.3, 0.3), p=1)(image=img)["image"]
    salt, pepper = (out == 255).all(-1), (out == 0).all(-1)
    assert ((out == 100).all(-1) | salt | pepper).all()  # all channels alike
    # binomial counts: 4000 noisy expected (sd 60), 1200 salt (sd 33): bounds at > 5 sd
    assert abs(int(salt.sum()) + int(pepper.sum()) - 4000) < 300 and abs(int(salt.sum()) - 1200) < 170


# --------------------------------------------------------------------------- shot noise
@pytest.mark.golden.with_args(P.shot_noise)
def test_shot_noise_golden(xp):
    img = make_image("uint8", (3, 4, 3))
    np.testing.assert_array_equal(np.asarray(xp.to_numpy(P.shot_noise(xp.asarray(img), 2, 0.0))), img)
    # scale 0.25, value 128: x = 128/255, lin = x ** 2.2, rate = (lin + 2.5e-7) / 0.25 = 0.87808; k Poisson:
    # P(0) = exp(-rate) = 0.41558, P(<=1) = 0.78049, P(<=2) = 0.94070...; y = (k / 4) ** (1 / 2.2):
    # k = 0, 1, 2, 3, 4 -> 0, 136, 186, 224, 255
    flat = np.full((1, 64, 1), 128, np.uint8)
    got = np.asarray(xp.to_numpy(P.shot_noise(xp.asarray(flat), 17, 0.25))).ravel()
    u = R.unit_table()[R.philox_u16(np.zeros(1), 17, 64)].astype(np.float64)
    cdf = np.array([0.41558, 0.78049, 0.94070, 0.98760, 0.99789])
    k = np.minimum((u[:, None] > cdf[None, :]).sum(1), 4)
    mid = np.abs(u[:, None] - cdf[None, :]).min(1) > 1e-4  # clear of the rounded CDF values
    np.testing.assert_array_equal(got[mid], np.array([0, 136, 186, 224, 255])[k[mid]])
    assert len(set(got.tolist())) >= 3


def test_shot_noise_statistics_in_linear_light():
    """Mean preserved in linear light (up to the clip at 1), variance = scale * mean there."""
    img = np.full((128, 128, 3), 0.4, np.float32)
    out = P.shot_noise(img, 3, 0.02).astype(np.float64)
    lin = out**2.2
    mean = 0.4**2.2 + 0.02 * 1e-6
    # k ~ Poisson(rate ~ 6.68): lin = k * 0.02; n = 49152: se(mean) 0.00037, bounds > 5 of them
    assert abs(lin.mean() - mean) < 0.002 and abs(lin.var() / (0.02 * mean) - 1) < 0.05


@pytest.mark.parity.with_args("numpy_cv2", P.shot_noise)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_shot_noise_numpy_override_is_exact(dtype, batch):
    """Tolerance: none (the generic's float64 CDF recurrence, walked only as far as needed; uint8
    through per-level thresholds of the same CDF values)."""
    rng = np.random.default_rng(5 + batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 17, 13, 3) if n else (17, 13, 3))
    seeds = rng.integers(0, 2**64, n, dtype=np.uint64) if n else 44
    for scale in [0.2, 0.0, 0.05] if n else [0.2, 0.004, 3.0]:
        s = np.asarray(scale) if n else scale
        assert P.shot_noise.overrides["numpy_cv2"](img, seeds, s) is not NotImplemented
        got, ref = P.shot_noise(img, seeds, s), P.shot_noise.generic(img, seeds, s)
        np.testing.assert_array_equal(got, ref)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.shot_noise)
@pytest.mark.parametrize("dtype", DTYPES)
def test_shot_noise_cupy_matches_generic(cupy, dtype):
    """Tolerance: integers exact on the harness, float32 within 1e-6 (``powf`` and NumPy's float32
    power differ in the last bit); on a GPU, where ``exp`` may round differently, a count can move by
    one at a CDF boundary: integers within 2% of the values."""
    rng = np.random.default_rng(8)
    img = random_image(rng, dtype, (3, 9, 11, 3))
    seeds = rng.integers(0, 2**64, 3, dtype=np.uint64)
    scale = np.array([0.2, 0.004, 0.0])
    got = P.shot_noise(cupy.asarray(img), seeds, scale)
    assert isinstance(got, cupy.ndarray)
    got, ref = cupy.asnumpy(got).astype(np.float64), P.shot_noise(img, seeds, scale).astype(np.float64)
    if dtype == "float32":
        np.testing.assert_allclose(got, ref, atol=1e-6, rtol=0)
    else:
        assert np.count_nonzero(got != ref) <= got.size // 50


# --------------------------------------------------------------------------- additive
@pytest.mark.golden.with_args(P.add_channels)
@pytest.mark.parametrize(
    ("dtype", "values", "offsets", "expected"),
    [
        ("uint8", [10, 100, 250], [0.1, -0.1, 0.1], [36, 74, 255]),  # +-25.5: 35.5 -> 36, 74.5 -> 74, 275.5
        ("uint8", [10, 100, 250], 0.5, [138, 228, 255]),  # +127.5: 137.5 -> 138, 227.5 -> 228 (even)
        ("uint16", [0, 1000, 65535], [0.5, -0.1, 0.0], [32768, 0, 65535]),  # 32767.5 -> 32768
        ("float32", [0.2, 0.5, 0.95], [0.1, -0.6, 0.1], [0.3, 0.0, 1.0]),
    ],
)
def test_add_channels_golden(xp, dtype, values, offsets, expected):
    img = xp.asarray(np.asarray(values, dtype=dtype).reshape(1, 1, 3))
    o = np.asarray(offsets) if isinstance(offsets, list) else offsets
    out = np.asarray(xp.to_numpy(P.add_channels(img, o)))
    np.testing.assert_allclose(out.reshape(3), expected, atol=1e-6)


def test_beta_table_quantiles():
    u = (np.arange(65536) + 0.5) / 65536
    np.testing.assert_allclose(P.beta_table(1.0, 1.0), u, atol=1e-6)  # Beta(1, 1) is uniform
    np.testing.assert_allclose(P.beta_table(2.0, 1.0), np.sqrt(u), atol=1e-4)  # CDF x**2
    np.testing.assert_allclose(P.beta_table(1.0, 2.0), 1 - np.sqrt(1 - u), atol=1e-4)  # CDF 1 - (1 - x)**2
    np.testing.assert_allclose(P.beta_table(0.5, 0.5), np.sin(np.pi * u / 2) ** 2, atol=1e-4)  # arcsine law
    t = P.beta_table(0.7, 1.6)
    assert np.all(np.diff(t) >= 0) and t[0] >= 0 and t[-1] <= 1


@pytest.mark.parity.with_args("numpy_cv2", P.add_channels)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_add_channels_numpy_override(dtype, channels, batch):
    """Tolerance: 1 level (the shared affine paths of tone's multiply_add), float32 1e-6."""
    rng = np.random.default_rng(channels + 3 * batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 11, 13, channels) if n else (11, 13, channels))
    cases = [0.1, rng.uniform(-0.3, 0.3, channels if n is None else (n, channels))]
    for o in cases:
        assert P.add_channels.overrides["numpy_cv2"](img, o) is not NotImplemented
        got, ref = P.add_channels(img, o), P.add_channels.generic(img, o)
        assert np.abs(got.astype(np.float64) - ref).max() <= (1e-6 if dtype == "float32" else 1)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.add_channels)
@pytest.mark.parametrize("dtype", DTYPES)
def test_add_channels_cupy(cupy, dtype):
    """Tolerance: none (uint8 through exact tables, the others the generic's CuPy calls)."""
    rng = np.random.default_rng(2)
    img = random_image(rng, dtype, (3, 5, 7, 3))
    o = rng.uniform(-0.3, 0.3, (3, 3))
    got = P.add_channels(cupy.asarray(img), o)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.add_channels.generic(img, o))


def test_add_noise_per_sample_tables_and_reduced_fields():
    """One table per sample (beta noise), and reduced fields: the override equals the generic."""
    rng = np.random.default_rng(6)
    img = random_image(rng, "uint8", (2, 17, 15, 3))
    tables = np.stack([2 * P.beta_table(0.5, 0.7) - 1, 2 * P.beta_table(2.0, 2.0) - 1]).astype(np.float32)
    seeds = np.array([3, 4], np.uint64)
    for args in [(tables, np.array([0.2, 0.1]), 0.0, True, None), ("laplace", 0.1, 0.0, False, (5, 4))]:
        got = P.add_noise(img, seeds, *args)
        np.testing.assert_array_equal(got, P.add_noise.generic(img, seeds, *args))
    alone = P.add_noise(img[1], 4, tables[1], 0.1, 0.0, True)
    np.testing.assert_array_equal(alone, P.add_noise(img, seeds, tables, np.array([0.2, 0.1]), 0.0, True)[1])


@pytest.mark.parametrize("noise_type", ["uniform", "gaussian", "laplace", "beta"])
@pytest.mark.parametrize("spatial_mode", ["constant", "per_pixel", "shared"])
def test_additive_noise_modes_and_statistics(noise_type, spatial_mode):
    img = np.full((96, 96, 3), 0.5, np.float32)
    params = {
        "uniform": {"ranges": [(-0.2, 0.1)]},
        "gaussian": {"mean_range": (0.05, 0.05), "std_range": (0.1, 0.1)},
        "laplace": {"mean_range": (-0.05, -0.05), "scale_range": (0.05, 0.05)},
        "beta": {"alpha_range": (2.0, 2.0), "beta_range": (2.0, 2.0), "scale_range": (0.3, 0.3)},
    }[noise_type]
    t = A.AdditiveNoise(noise_type=noise_type, spatial_mode=spatial_mode, noise_params=params, p=1)
    d = A.Compose([t], seed=3)(image=img)["image"].astype(np.float64) - 0.5
    constant = np.ptp(d[..., 0]) == 0 and np.ptp(d[..., 1]) == 0
    shared = np.array_equal(d[..., 0], d[..., 1])
    assert constant == (spatial_mode == "constant") and shared == (spatial_mode == "shared")
    if spatial_mode == "constant":
        return
    # mean and std of the distribution (n = 9216 or 27648: bounds at > 5 standard errors)
    mean, std = {
        "uniform": (-0.05, 0.3 / np.sqrt(12)),
        "gaussian": (0.05, 0.1),
        "laplace": (-0.05, 0.05 * np.sqrt(2)),
        "beta": (0.0, 0.3 * 2 * np.sqrt(4 / (16 * 5))),  # (2B - 1) * 0.3, Var B(2, 2) = 1/20
    }[noise_type]
    assert abs(d.mean() - mean) < 6 * std / np.sqrt(d[..., 0].size) + 1e-3
    assert abs(d.std() / std - 1) < 0.05


def test_additive_noise_constant_uniform_per_channel_ranges():
    img = np.full((4, 4, 3), 100, np.uint8)
    t = A.AdditiveNoise(noise_params={"ranges": [(0.1, 0.1), (-0.2, -0.2), (0.0, 0.0)]}, p=1)
    assert t(image=img)["image"][0, 0].tolist() == [126, 49, 100]  # 125.5 -> 126, 49
    with pytest.raises(ValueError, match="2 ranges for 3 channels"):
        A.AdditiveNoise(noise_params={"ranges": [(0.1, 0.1), (0, 0)]}, p=1)(image=img)


def test_additive_noise_params_as_albumentations_stores_them():
    import albumentations as albu

    for kind in ("uniform", "gaussian", "laplace", "beta"):
        ours, theirs = A.AdditiveNoise(noise_type=kind), albu.AdditiveNoise(noise_type=kind)
        assert ours.noise_params == {
            k: (list(v) if isinstance(v, list) else v) for k, v in theirs.noise_params.items()
        }
    saved = {"noise_type": "gaussian", "mean_range": (0.0, 0.1), "std_range": (0.1, 0.2)}
    assert A.AdditiveNoise(noise_type="gaussian", noise_params=saved).noise_params == saved


# --------------------------------------------------------------------------- GaussNoise
def test_gauss_noise_statistics_on_a_flat_image():
    img = np.full((256, 256, 3), 0.5, np.float32)
    out = A.GaussNoise(std_range=(0.1, 0.1), mean_range=(0.02, 0.02), p=1)(image=img)["image"]
    d = out.astype(np.float64) - 0.5
    # n = 196608: standard errors 2.3e-4 (mean) and 0.16% (std); bounds at > 5 of them
    assert abs(d.mean() - 0.02) < 0.0015 and abs(d.std() / 0.1 - 1) < 0.01
    assert abs(np.corrcoef(d[..., 0].ravel(), d[..., 1].ravel())[0, 1]) < 0.02  # channels independent
    shared = A.GaussNoise(std_range=(0.1, 0.1), per_channel=False, p=1)(image=img)["image"]
    assert np.array_equal(shared[..., 0], shared[..., 1]) and np.array_equal(shared[..., 0], shared[..., 2])


def test_gauss_noise_std_is_drawn_per_image_in_its_range():
    img = np.full((64, 64, 1), 128, np.uint8)
    t = A.GaussNoise(std_range=(0.05, 0.1), p=1)
    stds = [float(np.std(one(t, img, seed=s).astype(np.float64))) / 255 for s in range(8)]
    assert all(0.045 < s < 0.11 for s in stds) and max(stds) - min(stds) > 0.01


def test_gauss_noise_uint8_rounds_and_matches_albumentations_with_no_noise():
    import albumentations as albu

    img = make_image("uint8", (10, 12, 3))
    for mean in (0.1, -0.3):
        ours = A.GaussNoise(std_range=(0, 0), mean_range=(mean, mean), p=1)(image=img)["image"]
        theirs = albu.GaussNoise(std_range=(0, 0), mean_range=(mean, mean), p=1)(image=img)["image"]
        # albumentations truncates the float sum (astype after clip); xalbu rounds: within 1 level
        assert np.abs(ours.astype(int) - theirs).max() <= 1
        assert np.array_equal(ours, np.clip(np.round(img + np.float32(mean * 255)), 0, 255).astype(np.uint8))


def test_gauss_noise_scale_factor_makes_coarse_noise():
    img = np.full((64, 64, 1), 0.5, np.float32)
    fine = A.GaussNoise(std_range=(0.1, 0.1), p=1)(image=img)["image"][..., 0]
    coarse = A.GaussNoise(std_range=(0.1, 0.1), noise_scale_factor=0.25, p=1)(image=img)["image"][..., 0]
    lag = [np.corrcoef(a[:, :-1].ravel(), a[:, 1:].ravel())[0, 1] for a in (fine, coarse)]
    assert abs(lag[0]) < 0.05 and lag[1] > 0.5


# --------------------------------------------------------------------------- every transform
RANDOM = [
    ("gauss", lambda c: A.GaussNoise(std_range=(0.05, 0.2), mean_range=(-0.05, 0.05), p=1)),
    ("gauss_shared", lambda c: A.GaussNoise(per_channel=False, noise_scale_factor=0.5, p=1)),
]
RANDOM += [
    ("mult", lambda c: A.MultiplicativeNoise(multiplier=(0.5, 1.5), p=1)),
    ("mult_channel", lambda c: A.MultiplicativeNoise(multiplier=(0.5, 1.5), per_channel=True, p=1)),
    ("mult_pixel", lambda c: A.MultiplicativeNoise(multiplier=(0.5, 1.5), elementwise=True, p=1)),
    ("mult_both", lambda c: A.MultiplicativeNoise(per_channel=True, elementwise=True, p=1)),
]
RANDOM += [
    ("salt", lambda c: A.SaltAndPepper(amount=(0.2, 0.3), p=1)),
    ("shot", lambda c: A.ShotNoise(p=1)),
    ("additive", lambda c: A.AdditiveNoise(p=1)),
    ("additive_gauss", lambda c: A.AdditiveNoise(noise_type="gaussian", spatial_mode="per_pixel", p=1)),
    (
        "additive_laplace",
        lambda c: A.AdditiveNoise(noise_type="laplace", spatial_mode="shared", approximation=0.5, p=1),
    ),
    ("additive_beta", lambda c: A.AdditiveNoise(noise_type="beta", spatial_mode="per_pixel", p=1)),
    ("additive_beta_constant", lambda c: A.AdditiveNoise(noise_type="beta", p=1)),
]
RGB_ONLY = [("iso", lambda c: A.ISONoise(color_shift=(0.05, 0.1), intensity=(0.3, 0.8), p=1))]
IDENTITY = [
    A.GaussNoise(p=1),
    A.ISONoise(p=1),
    A.MultiplicativeNoise(per_channel=True, p=1),
    A.MultiplicativeNoise(elementwise=True, p=1),
    A.SaltAndPepper(amount=(0.2, 0.3), p=1),
    A.ShotNoise(p=1),
    A.AdditiveNoise(p=1),
    A.AdditiveNoise(noise_type="beta", spatial_mode="shared", p=1),
]


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_invariants(xp, name, factory, dtype, channels):
    check_invariants(xp, name, factory, dtype, channels)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RGB_ONLY, ids=[r[0] for r in RGB_ONLY])
def test_invariants_rgb(xp, name, factory, dtype):
    check_invariants(xp, name, factory, dtype, 3)


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_hw_stays_hw_and_other_targets_pass_through(name, factory):
    check_hw_stays_hw_and_other_targets_pass_through(factory)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_identity_parameters_return_the_input_exactly(xp, t, dtype):
    check_identity_parameters_return_the_input_exactly(xp, t, dtype)


@pytest.mark.parametrize("name,factory", RANDOM + RGB_ONLY, ids=[r[0] for r in RANDOM + RGB_ONLY])
def test_batch_equals_single_per_sample_with_the_same_params(xp, name, factory):
    """A batch's sample i is the transform applied alone to image i with sample i's parameters."""
    t = factory(3)
    imgs = make_image("uint8", (4, 9, 10, 3), seed=4)
    state = A.core.state.State(shape=(9, 10), batch=4, images={"image": xp.asarray(imgs)})
    params = t.sample_data(np.random.default_rng(8), state)
    batch = np.asarray(xp.to_numpy(t.apply_image(xp.asarray(imgs), params)))
    for i in range(4):
        single = type(params)(**{k: _item(v, i) for k, v in vars(params).items()})
        alone = np.asarray(xp.to_numpy(t.apply_image(xp.asarray(imgs[i]), single)))
        np.testing.assert_array_equal(batch[i], alone)


def _item(value, i):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return value
    item = arr[i]
    if item.ndim:  # a per-channel row
        return item
    return int(item) if arr.dtype.kind in "ui" else float(item)


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_p_half_leaves_other_samples_unchanged(xp, dtype):
    """Zero std makes GaussNoise a plain shift, so the applied samples are known exactly."""
    t = A.GaussNoise(std_range=(0, 0), mean_range=(0.1, 0.1), p=0.5)
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, lambda x: _shift(xp, x, dtype), dtype)


def _shift(xp, x, dtype):
    host = np.asarray(xp.to_numpy(x))
    shifted = host.astype(np.float32) + np.float32(0.1 * MAXV[dtype])
    out = np.clip(shifted, 0, 1) if dtype == "float32" else np.clip(np.round(shifted), 0, MAXV[dtype])
    return xp.asarray(out.astype(host.dtype))


def test_same_seed_same_noise_and_samples_differ():
    imgs = make_image("uint8", (4, 8, 8, 3), seed=1)
    imgs[:] = imgs[0]
    t = A.GaussNoise(p=1)
    a = A.Compose([t], seed=5).batch(images=imgs)["images"]
    b = A.Compose([t], seed=5).batch(images=imgs)["images"]
    np.testing.assert_array_equal(a, b)
    assert len({a[i].tobytes() for i in range(4)}) == 4


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: A.GaussNoise(std_range=(0.2, 1.5)), "std_range"),
        (lambda: A.GaussNoise(std_range=(0.4, 0.2)), "std_range"),
        (lambda: A.GaussNoise(std_range=(np.nan, 0.2)), "std_range"),
        (lambda: A.GaussNoise(mean_range=(-2, 0)), "mean_range"),
        (lambda: A.GaussNoise(per_channel=1), "per_channel"),
        (lambda: A.GaussNoise(noise_scale_factor=0), "noise_scale_factor"),
        (lambda: A.GaussNoise(noise_scale_factor=1.5), "noise_scale_factor"),
        (lambda: A.GaussNoise(noise_scale_factor=True), "noise_scale_factor"),
        (lambda: A.ISONoise(color_shift=(0.1, 1.5)), "color_shift"),
        (lambda: A.ISONoise(color_shift=(0.2, 0.1)), "color_shift"),
        (lambda: A.ISONoise(intensity=(-0.1, 0.5)), "intensity"),
        (lambda: A.ISONoise(intensity=(0.1, 6.0)), "intensity"),
        (lambda: A.ISONoise(intensity=(0.1, np.nan)), "intensity"),
        (lambda: A.ISONoise(color_shift="a"), "color_shift"),
        (lambda: A.MultiplicativeNoise(multiplier=(-0.1, 1)), "multiplier"),
        (lambda: A.MultiplicativeNoise(multiplier=(1.2, 1.1)), "multiplier"),
        (lambda: A.MultiplicativeNoise(elementwise=0), "elementwise"),
        (lambda: A.MultiplicativeNoise(per_channel="yes"), "per_channel"),
        (lambda: A.SaltAndPepper(amount=(0.1, 1.1)), "amount"),
        (lambda: A.SaltAndPepper(amount=(np.nan, 0.1)), "amount"),
        (lambda: A.SaltAndPepper(salt_vs_pepper=(-0.1, 0.5)), "salt_vs_pepper"),
        (lambda: A.SaltAndPepper(salt_vs_pepper=(True, 0.5)), "salt_vs_pepper"),
        (lambda: A.ShotNoise(scale_range=(-0.1, 0.2)), "scale_range"),
        (lambda: A.ShotNoise(scale_range=(0.3, 0.2)), "scale_range"),
        (lambda: A.ShotNoise(scale_range=(0.1, np.inf)), "scale_range"),
        (lambda: A.AdditiveNoise(noise_type="pink"), "noise_type"),
        (lambda: A.AdditiveNoise(spatial_mode="rows"), "spatial_mode"),
        (lambda: A.AdditiveNoise(approximation=1.5), "approximation"),
        (lambda: A.AdditiveNoise(approximation=np.nan), "approximation"),
        (lambda: A.AdditiveNoise(noise_params={"ranges": [(0.2, 0.1)]}), "ranges"),
        (lambda: A.AdditiveNoise(noise_params={"ranges": [(-2, 0.1)]}), "ranges"),
        (lambda: A.AdditiveNoise(noise_params={"ranges": []}), "ranges"),
        (lambda: A.AdditiveNoise(noise_params={"mean_range": (0, 0)}), "ranges"),
        (lambda: A.AdditiveNoise(noise_type="gaussian", noise_params={"std_range": (0, 0.1)}), "mean_range"),
        (
            lambda: A.AdditiveNoise(
                noise_type="gaussian", noise_params={"mean_range": (0, 0), "std_range": (0, 2)}
            ),
            "std_range",
        ),
        (
            lambda: A.AdditiveNoise(
                noise_type="beta",
                noise_params={"alpha_range": (0, 1), "beta_range": (1, 1), "scale_range": (0, 1)},
            ),
            "alpha_range",
        ),
        (lambda: A.AdditiveNoise(noise_type="laplace", noise_params={"noise_type": "beta"}), "noise_type"),
        (lambda: A.AdditiveNoise(noise_params=[(0, 1)]), "noise_params"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


@pytest.mark.parametrize("cls", [A.GaussNoise, A.ISONoise])
def test_float_images_far_outside_unit_range_are_refused(cls):
    with pytest.raises(ValueError, match=cls.__name__):
        cls(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))


def test_defaults_and_albumentations_1x_arguments():
    t = A.GaussNoise()
    assert t.init_args() == {
        "std_range": (0.2, 0.44),
        "mean_range": (0.0, 0.0),
        "per_channel": True,
        "noise_scale_factor": 1.0,
        "p": 0.5,
    }
    with pytest.warns(UserWarning, match="var_limit"):
        A.GaussNoise(var_limit=(10, 50))


# --------------------------------------------------------------------------- docs/differences.md
def test_difference_iso_noise_color_shift_is_a_fraction_of_the_hue_circle():
    import albumentations as albu

    img = np.full((32, 32, 3), (200, 60, 30), np.uint8)  # flat: std(L) = 0, so only the hue moves
    kw = {"color_shift": (0.5, 0.5), "intensity": (1.0, 1.0), "p": 1}
    theirs = albu.ISONoise(**kw)(image=img)["image"].astype(int)
    ours = A.ISONoise(**kw)(image=img)["image"].astype(int)
    assert np.abs(theirs - img).mean() < 2  # a hue std of 0.5 degrees: about 1.5 levels of G
    assert np.abs(ours - img).mean() > 30  # a hue std of 180 degrees


def test_difference_salt_and_pepper_counts_are_binomial():
    import albumentations as albu

    img = np.full((40, 50, 3), 100, np.uint8)
    theirs = [
        (albu.SaltAndPepper(amount=(0.1, 0.1), p=1)(image=img)["image"] != 100).any(-1).sum()
        for _ in range(3)
    ]
    assert theirs == [200, 200, 200]  # int(0.1 * 2000)
    ours = [
        (one(A.SaltAndPepper(amount=(0.1, 0.1), p=1), img, seed=s) != 100).any(-1).sum() for s in range(8)
    ]
    assert len(set(ours)) > 1 and abs(np.mean(ours) - 200) < 25  # binomial: sd 13.4, mean of 8: sd 4.7


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # albumentations divides by zero
def test_difference_shot_noise_scale_zero_is_the_identity():
    import albumentations as albu

    img = make_image("uint8", (8, 8, 3))
    with pytest.raises(ValueError):
        albu.ShotNoise(scale_range=(0, 0), p=1)(image=img)
    np.testing.assert_array_equal(A.ShotNoise(scale_range=(0, 0), p=1)(image=img)["image"], img)


def test_cpu_work_buffers_are_never_returned_and_threads_do_not_share_them():
    from concurrent.futures import ThreadPoolExecutor

    img = make_image("uint8", (40, 30, 3), seed=9)
    calls = [
        lambda s: P.add_noise(img, s, "normal", 0.2, 0.0, False),
        lambda s: P.iso_noise(img, s, 0.1, 0.5),
        lambda s: P.multiply_noise(img, s, 0.5, 1.5, True),
    ]
    for call in calls:
        first = call(1)
        kept = first.copy()
        call(2)
        np.testing.assert_array_equal(first, kept)  # a later call does not write into an earlier result
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(call, list(range(16)) * 2))
        for s in range(16):
            np.testing.assert_array_equal(results[s], results[s + 16])
            np.testing.assert_array_equal(results[s], call(s))


from ._noise_grain import *  # noqa: E402, F403 - FilmGrain (collected here)
