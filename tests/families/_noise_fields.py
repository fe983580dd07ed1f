"""The noise family's field tests (imported by test_noise.py, which pytest collects): the counter-based
generator (NumPy's Philox bits, the tables) and the ``add_noise`` kernel (golden values, numpy_cv2 and
CuPy parity, bit for bit), and the promise that a sample's field does not depend on its batch."""

from __future__ import annotations

import numpy as np
import pytest

from xalbu.functional import _random as R
from xalbu.functional import noise as P

from ._pointwise import DTYPES, check_numpy_override_is_exact, make_image, random_image

SEEDS = np.array([0, 1, 123456789, 2**63 + 5, 2**64 - 1], np.uint64)


# --------------------------------------------------------------------------- the generator
# The first 16-bit values of NumPy's Philox(key=seed).random_raw(), low bits of each word first: the
# first words for key 0 are 0x02F4BA6408E4D89B and 0x3DD62B0B9CA8C5B2 (numpy.random.Philox, the reference
# the generator reproduces; read off once and written here).
PHILOX_SEED0 = [0xD89B, 0x08E4, 0xBA64, 0x02F4, 0xC5B2, 0x9CA8, 0x2B0B, 0x3DD6]


@pytest.mark.golden.with_args(R.philox_u16)
def test_philox_bits_are_numpys_philox(xp):
    out = np.asarray(xp.to_numpy(R.philox_u16(xp.asarray(np.zeros(1, np.float32)), 0, 8)))
    assert out.dtype == np.uint16 and out.tolist() == PHILOX_SEED0
    many = np.asarray(xp.to_numpy(R.philox_u16(xp.asarray(np.zeros(1, np.float32)), SEEDS, 37)))
    assert many.shape == (5, 37)
    for i, s in enumerate(SEEDS.tolist()):
        ref = np.random.Philox(key=s).random_raw(12).astype("<u8").view(np.uint16)[:37]
        np.testing.assert_array_equal(many[i], ref)


def test_philox_first_words_written_above():
    words = np.random.Philox(key=0).random_raw(2)
    assert [int(w) for w in words] == [0x02F4BA6408E4D89B, 0x3DD62B0B9CA8C5B2]


@pytest.mark.parity.with_args("numpy_cv2", R.philox_u16)
@pytest.mark.parametrize("count", [1, 15, 16, 17, 1000])
def test_philox_numpy_override_matches_generic(count):
    like = np.zeros(1, np.float32)
    assert R.philox_u16.overrides["numpy_cv2"](like, SEEDS, count) is not NotImplemented
    np.testing.assert_array_equal(R.philox_u16(like, SEEDS, count), R.philox_u16.generic(like, SEEDS, count))
    np.testing.assert_array_equal(R.philox_u16(like, 77, count), R.philox_u16.generic(like, 77, count))


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", R.philox_u16)
@pytest.mark.parametrize("count", [1, 16, 17, 333])
def test_philox_cupy_matches_numpy_bit_for_bit(cupy, count):
    like = cupy.zeros(1, dtype=cupy.float32)
    got = R.philox_u16(like, SEEDS, count)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), R.philox_u16(np.zeros(1), SEEDS, count))
    np.testing.assert_array_equal(
        cupy.asnumpy(R.philox_u16(like, 9, count)), R.philox_u16(np.zeros(1), 9, count)
    )


def test_philox_bits_are_uniform_and_independent_of_the_count():
    bits = R.philox_u16(np.zeros(1), 2024, 1 << 18).astype(np.float64)
    # mean and variance of uniform 16-bit values: 32767.5 and (65536**2 - 1) / 12; standard errors
    # 37 and 0.3% (n = 262144): bounds at about 5 of them
    assert abs(bits.mean() - 32767.5) < 200
    assert abs(bits.var() / ((65536.0**2 - 1) / 12) - 1) < 0.015
    lag = np.corrcoef(bits[:-1], bits[1:])[0, 1]
    assert abs(lag) < 0.01
    np.testing.assert_array_equal(R.philox_u16(np.zeros(1), 2024, 100), bits[:100])


def test_tables():
    n, u, lap = R.normal_table(), R.unit_table(), P.laplace_table()
    for t in (n, u, lap):
        assert t.dtype == np.float32 and t.shape == (65536,) and np.all(np.diff(t) > 0)
    assert np.all(n == -n[::-1]) and np.all(lap == -lap[::-1])
    assert abs(float(np.mean(n.astype(np.float64) ** 2)) - 1) < 1e-6
    assert abs(float(np.mean(lap.astype(np.float64) ** 2)) - 2) < 0.01  # Laplace(0, 1): variance 2
    assert float(u[0]) == 0.5 / 65536 and float(u[-1]) == 1 - 0.5 / 65536


# --------------------------------------------------------------------------- add_noise: golden
@pytest.mark.golden.with_args(P.add_noise)
@pytest.mark.parametrize(
    ("dtype", "values", "offset", "expected"),
    [
        ("uint8", [0, 100, 250], 0.1, [26, 126, 255]),  # +25.5: 25.5 -> 26, 125.5 -> 126 (even), 275.5 -> 255
        ("uint8", [0, 100, 255], -0.2, [0, 49, 204]),  # -51: -51 -> 0
        ("uint16", [0, 1000, 65535], 0.5, [32768, 33768, 65535]),  # +32767.5: half to even
        ("float32", [0.0, 0.5, 0.95], 0.1, [0.1, 0.6, 1.0]),
    ],
)
def test_add_noise_zero_scale_is_an_exact_shift(xp, dtype, values, offset, expected):
    img = xp.asarray(np.asarray(values, dtype=dtype).reshape(1, -1, 1))
    out = np.asarray(xp.to_numpy(P.add_noise(img, 5, "normal", 0.0, offset, True)))
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.ravel(), expected, atol=1e-6)


def test_add_noise_values_are_the_table_at_the_bits(xp):
    """Each pixel gets table[bits] * scale * max + offset * max, in float32, rounded half to even."""
    img = np.full((2, 3, 2), 100, np.uint8)
    bits = R.philox_u16(np.zeros(1), 42, 12)
    for dist in P.DISTRIBUTIONS:
        noise = P.table(dist)[bits] * np.float32(0.1 * 255) + np.float32(0.02 * 255)
        expected = np.clip(np.round(np.float32(100) + noise), 0, 255).astype(np.uint8).reshape(2, 3, 2)
        got = np.asarray(xp.to_numpy(P.add_noise(xp.asarray(img), 42, dist, 0.1, 0.02, True)))
        np.testing.assert_array_equal(got, expected)
    # shared by the channels: one value per pixel (the first 6 bits)
    noise = P.table("normal")[bits[:6]] * np.float32(0.1 * 255)
    shared = np.clip(np.round(np.float32(100) + noise), 0, 255).astype(np.uint8).reshape(2, 3, 1)
    got = np.asarray(xp.to_numpy(P.add_noise(xp.asarray(img), 42, "normal", 0.1, 0.0, False)))
    np.testing.assert_array_equal(got, np.repeat(shared, 2, axis=-1))


def test_add_noise_float_keeps_nan_and_saturates_infinities(xp):
    img = np.array([[[np.nan], [np.inf], [-np.inf], [0.5]]], np.float32)
    out = np.asarray(xp.to_numpy(P.add_noise(xp.asarray(img), 3, "normal", 0.1, 0.0, True)))
    assert np.isnan(out[0, 0, 0]) and out[0, 1, 0] == 1.0 and out[0, 2, 0] == 0.0
    assert 0.0 <= out[0, 3, 0] <= 1.0


def _noise_cases(rng: np.random.Generator, n: int | None):
    def ps(lo, hi):
        return rng.uniform(lo, hi, n) if n else float(rng.uniform(lo, hi))

    seeds = rng.integers(0, 2**64, n, dtype=np.uint64) if n else int(rng.integers(0, 2**63))
    gated = []
    if n:  # a partly applied batch: samples 0 and 2 left as they are (scale and offset 0)
        scale, offset = ps(0.1, 0.4), ps(-0.1, 0.1)
        scale[::2] = offset[::2] = 0.0
        gated = [(seeds, "normal", scale, offset, True)]
    return gated + [
        (seeds, "normal", ps(0.0, 0.4), ps(-0.1, 0.1), True),
        (seeds, "normal", ps(0.0, 0.4), 0.0, False),
        (seeds, "uniform", ps(0.0, 0.4), ps(-0.2, 0.0), True),
        (seeds, "laplace", ps(0.0, 0.1), 0.0, False),
    ]


@pytest.mark.parity.with_args("numpy_cv2", P.add_noise)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_add_noise_numpy_override_is_bit_exact(dtype, channels, batch):
    """Tolerance: none (same table values, same float32 arithmetic, OpenCV rounds half to even)."""
    rng = np.random.default_rng(channels + 10 * batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 19, 23, channels) if n else (19, 23, channels))
    for args in _noise_cases(rng, n):
        check_numpy_override_is_exact(P.add_noise, img, *args)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.add_noise)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_add_noise_cupy_is_bit_exact_with_the_cpu(cupy, dtype, batch):
    """Tolerance: none (CPU <-> GPU): the same bits, table values and float32 arithmetic without FMA."""
    rng = np.random.default_rng(7 + batch)
    n = 3 if batch else None
    for channels in (1, 3, 5):
        img = random_image(rng, dtype, (n, 9, 21, channels) if n else (9, 21, channels))
        for args in _noise_cases(rng, n):
            got = P.add_noise(cupy.asarray(img), *args)
            assert isinstance(got, cupy.ndarray)
            np.testing.assert_array_equal(cupy.asnumpy(got), P.add_noise(img, *args))
    reduced = (3, 7)  # the generic kernel on CuPy (Philox override inside): within float rounding
    got = cupy.asnumpy(P.add_noise(cupy.asarray(img), args[0], "normal", 0.2, 0.0, True, reduced))
    ref = P.add_noise.generic(img, args[0], "normal", 0.2, 0.0, True, reduced)
    assert np.abs(got.astype(np.float64) - ref).max() <= (1 if dtype != "float32" else 1e-6)


def test_add_noise_cupy_batch_is_one_launch_without_sync(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counting needs the CPU harness")
    for n in (1, 5):
        img = cupy.asarray(np.zeros((n, 6, 7, 3), np.uint8))
        seeds = np.arange(n, dtype=np.uint64)
        P.add_noise(img, seeds, "normal", np.full(n, 0.1), np.zeros(n), True)  # compile, tables up
        cupy.reset_stats()
        P.add_noise(img, seeds, "normal", np.full(n, 0.1), np.zeros(n), True)
        assert cupy.STATS["launches"] == 1 and cupy.STATS["to_host"] == 0


def test_reduced_field_is_a_linear_resize_of_the_small_field():
    import cv2

    img = np.full((12, 16, 2), 0.5, np.float32)
    small = P.field(img, 11, "normal", (3, 4, 2))
    expected = cv2.resize(small, (16, 12), interpolation=cv2.INTER_LINEAR) * np.float32(0.1) + 0.5
    got = P.add_noise(img, 11, "normal", 0.1, 0.0, True, (3, 4))
    np.testing.assert_allclose(got, np.clip(expected, 0, 1), atol=2e-6)


# --------------------------------------------------------------------------- the fields' promises
def test_a_samples_field_does_not_depend_on_its_batch(xp):
    """Same seed, same field: alone, at any position, in batches of any size."""
    rng = np.random.default_rng(3)
    imgs = make_image("uint8", (5, 8, 9, 3), seed=1)
    seeds = rng.integers(0, 2**64, 5, dtype=np.uint64)
    scale = np.full(5, 0.2)
    full = np.asarray(xp.to_numpy(P.add_noise(xp.asarray(imgs), seeds, "normal", scale, np.zeros(5), True)))
    for i in range(5):
        alone = P.add_noise(xp.asarray(imgs[i]), int(seeds[i]), "normal", 0.2, 0.0, True)
        np.testing.assert_array_equal(full[i], np.asarray(xp.to_numpy(alone)))
    order = [3, 1]
    part = P.add_noise(xp.asarray(imgs[order]), seeds[order], "normal", scale[:2], np.zeros(2), True)
    np.testing.assert_array_equal(np.asarray(xp.to_numpy(part)), full[order])
