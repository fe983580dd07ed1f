"""FilmGrain (AlbumentationsX's transform; albumentations 2.0.8 has none): the ``film_grain`` kernel's
golden values over every backend, numpy_cv2 and CuPy parity, the grain field's promises (a resize of a
coarse normal field, the same alone or in any batch), and the transform's behaviour. Imported by
``test_noise.py``, which collects them.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _random as R
from xalbu.functional import noise as P

from ._pointwise import (
    DTYPES,
    check_defaults_and_init_args_round_trip,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    check_numpy_override_is_exact,
    random_image,
)

# The grain value of seed 0 at pixel 0: the normal table at NumPy's Philox(key=0)'s first 16 bits, 0xD89B.
Z0 = float(R.normal_table()[0xD89B])


# ----------------------------------------------------------------------------------------- kernel
# film_grain's tolerance: numpy_cv2 exact (the generic's field, float32 order and rounding, OpenCV's
# saturating add); CuPy (one fused launch after the Philox bits) within 1 level on integers, 1e-6 on
# float32 (a channel mean of other than 1 or 3 channels may sum in another order).
@pytest.mark.golden.with_args(P.film_grain)
def test_film_grain_golden(xp):
    def run(values, dtype, *args):
        return np.asarray(xp.to_numpy(P.film_grain(xp.asarray(np.asarray(values, dtype)), *args)))

    assert 1.0 < Z0 < 1.03  # 0xD89B = 55451: the quantile at (55451.5 / 65536) = 0.8461
    # black (L = 0): x + z * i * max; i = 0.1 on uint8: z * 25.5 = 26.0x -> 26
    assert run([[[0]]], "uint8", 0, 0.1, 1).ravel().tolist() == [round(Z0 * 25.5)] == [26]
    # white (L = 1): no grain; the identity at i = 0
    assert run([[[255]]], "uint8", 0, 0.9, 1).ravel().tolist() == [255]
    assert run([[[7, 9, 200]]], "uint8", 0, 0.0, 2).ravel().tolist() == [7, 9, 200]
    # RGB: L = (0.299 * 51 + 0.587 * 102 + 0.114 * 153) / 255 = 0.4674; 1 - L = 0.5326; grain
    # z * 0.2 * 255 * 0.5326 = 27.4 (z = 1.0097) added to every channel
    g = Z0 * 51.0 * (1 - (0.299 * 51 + 0.587 * 102 + 0.114 * 153) / 255)
    assert run([[[51, 102, 153]]], "uint8", 0, 0.2, 1).ravel().tolist() == [
        round(51 + g),
        round(102 + g),
        round(153 + g),
    ]
    # other channel counts: the mean; 2 channels [0, 255]: L = 0.5
    assert run([[[0, 255]]], "uint8", 0, 0.2, 1).ravel().tolist() == [round(Z0 * 51 * 0.5), 255]
    # uint16 and float32 (clipped to [0, 1]; NaN kept)
    assert run([[[0]]], "uint16", 0, 0.1, 1).ravel().tolist() == [round(Z0 * 6553.5)]
    f = run([[[0.0], [0.99], [np.nan]]], "float32", 0, 0.5, 1).ravel()
    np.testing.assert_allclose(f[0], Z0 * 0.5, rtol=1e-6)
    assert f[1] == pytest.approx(min(1.0, 0.99 + R.normal_table()[0x08E4] * 0.5 * 0.01), abs=1e-6)
    assert np.isnan(f[2])


def test_grain_field_is_a_linear_resize_of_a_coarse_normal_field(xp):
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    small = np.asarray(xp.to_numpy(P.field(like, 9, "normal", (4, 5, 1))))[..., 0]  # 13 // 3, 17 // 3
    got = np.asarray(xp.to_numpy(P.grain_field(like, 9, 3, 13, 17)))
    np.testing.assert_allclose(got, cv2.resize(small, (17, 13), interpolation=cv2.INTER_LINEAR), atol=2e-6)
    full = np.asarray(xp.to_numpy(P.grain_field(like, 9, 1, 6, 7)))
    np.testing.assert_array_equal(
        full, np.asarray(xp.to_numpy(P.field(like, 9, "normal", (6, 7, 1))))[..., 0]
    )
    # a sample's grain depends on its seed and size only: alone or anywhere in a batch
    seeds = np.array([4, 9, 2**64 - 1], np.uint64)
    batch = np.asarray(xp.to_numpy(P.grain_field(like, seeds, np.array([1, 3, 8]), 13, 17)))
    np.testing.assert_array_equal(batch[1], got)
    for i, g in enumerate((1, 3, 8)):
        np.testing.assert_array_equal(
            batch[i], np.asarray(xp.to_numpy(P.grain_field(like, int(seeds[i]), g, 13, 17)))
        )


def test_film_grain_batch_equals_single(xp):
    rng = np.random.default_rng(2)
    img = random_image(rng, "uint8", (4, 9, 10, 3))
    seeds, inten, grain = (
        rng.integers(0, 2**64, 4, dtype=np.uint64),
        np.array([0.1, 0.3, 0.0, 0.5]),
        np.array([1, 2, 4, 3]),
    )
    out = np.asarray(xp.to_numpy(P.film_grain(xp.asarray(img), seeds, inten, grain)))
    for i in range(4):
        single = P.film_grain(xp.asarray(img[i]), int(seeds[i]), float(inten[i]), int(grain[i]))
        np.testing.assert_array_equal(out[i], np.asarray(xp.to_numpy(single)))
    np.testing.assert_array_equal(out[2], img[2])


def _grain_args(rng: np.random.Generator, batch: bool):
    if batch:
        return rng.integers(0, 2**64, 3, dtype=np.uint64), rng.uniform(0, 0.5, 3), np.array([1, 3, 5])
    return int(rng.integers(0, 2**63)), 0.3, 2


@pytest.mark.parity.with_args("numpy_cv2", P.film_grain)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", DTYPES)
def test_film_grain_numpy_override_is_exact(dtype, channels, batch):
    rng = np.random.default_rng(channels + 10 * batch)
    img = random_image(rng, dtype, (3, 17, 19, channels) if batch else (17, 19, channels))
    if dtype == "float32":
        img[(0,) * (img.ndim - 1)] = np.inf
    check_numpy_override_is_exact(P.film_grain, img, *_grain_args(rng, batch))


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.film_grain)
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", DTYPES)
def test_film_grain_cupy_matches_generic(cupy, dtype, channels):
    rng = np.random.default_rng(channels)
    img = random_image(rng, dtype, (3, 17, 19, channels))
    for batch in (True, False):
        args = _grain_args(rng, batch)
        x = img if batch else img[0]
        got = P.film_grain(cupy.asarray(x), *args)
        assert isinstance(got, cupy.ndarray)
        got, ref = cupy.asnumpy(got).astype(np.float64), P.film_grain.generic(x, *args).astype(np.float64)
        tol = 1e-6 if dtype == "float32" else 1
        np.testing.assert_allclose(got, ref, atol=tol, rtol=0)
        assert np.count_nonzero(got != ref) <= got.size // 100


def test_film_grain_cupy_batch_launches_without_sync(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counting needs the CPU harness")
    for n in (1, 5):
        img = cupy.asarray(np.zeros((n, 6, 7, 3), np.uint8))
        args = (np.arange(n, dtype=np.uint64), np.full(n, 0.1), np.arange(n) % 3 + 1)
        P.film_grain(img, *args)  # compile, table up
        cupy.reset_stats()
        P.film_grain(img, *args)
        assert cupy.STATS["launches"] == 2 and cupy.STATS["to_host"] == 0


# -------------------------------------------------------------------------------------- transform
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_film_grain_invariants(xp, dtype, channels):
    check_invariants(
        xp, "film_grain", lambda c: A.FilmGrain(intensity_range=(0.2, 0.4), p=1), dtype, channels
    )


def test_film_grain_batch_and_gating(xp):
    check_identity_parameters_return_the_input_exactly(xp, A.FilmGrain(p=1), "uint8")
    check_hw_stays_hw_and_other_targets_pass_through(lambda c: A.FilmGrain(p=1))
    t = A.FilmGrain(intensity_range=(0.3, 0.3), grain_size_range=(2, 2), p=0.5)
    imgs = np.stack([np.full((4, 5, 3), 60, np.uint8)] * 16)
    out = A.Compose([t], seed=1).batch(images=xp.asarray(imgs))["images"]
    changed = [not np.array_equal(np.asarray(xp.to_numpy(out))[i], imgs[i]) for i in range(16)]
    assert any(changed) and not all(changed)


def test_film_grain_statistics_and_sampling():
    """Grain strength follows darkness; coarser grain is smoother (neighbour correlation)."""
    img = np.concatenate([np.full((64, 64, 1), 40, np.uint8), np.full((64, 64, 1), 215, np.uint8)], axis=1)
    out = A.Compose([A.FilmGrain(intensity_range=(0.1, 0.1), grain_size_range=(1, 1), p=1)], seed=0)(
        image=img
    )["image"]
    d = out.astype(np.float64) - img
    dark, light = d[:, :64].std(), d[:, 64:].std()
    assert 25.5 * (1 - 40 / 255) * 0.9 < dark < 25.5 * (1 - 40 / 255) * 1.1
    assert light < dark * 0.3
    flat = np.full((96, 96, 1), 0, np.uint8)
    fine = A.Compose([A.FilmGrain(intensity_range=(0.1, 0.1), grain_size_range=(1, 1), p=1)], seed=1)(
        image=flat
    )["image"]
    coarse = A.Compose([A.FilmGrain(intensity_range=(0.1, 0.1), grain_size_range=(6, 6), p=1)], seed=1)(
        image=flat
    )["image"]

    def corr(a):
        a = a[..., 0].astype(np.float64)
        return np.corrcoef(a[:, :-1].ravel(), a[:, 1:].ravel())[0, 1]

    assert abs(corr(fine)) < 0.1 and corr(coarse) > 0.6
    p = A.FilmGrain(intensity_range=(0.1, 0.3), grain_size_range=(1, 3)).sample(
        np.random.default_rng(0), (8, 8), 600
    )
    g, i = np.asarray(p.grain_size), np.asarray(p.intensity)
    assert set(np.unique(g).tolist()) == {1, 2, 3} and i.min() >= 0.1 and i.max() <= 0.3
    assert np.asarray(p.seed).dtype == np.uint64 and len(set(np.asarray(p.seed).tolist())) == 600
    one = A.FilmGrain().sample(np.random.default_rng(0), (8, 8), None)
    assert isinstance(one.grain_size, int) and isinstance(one.seed, int)


def test_film_grain_arguments():
    check_defaults_and_init_args_round_trip(
        {A.FilmGrain: {"intensity_range": (0.1, 0.3), "grain_size_range": (1, 3), "p": 0.5}}
    )
    for bad in ((-0.1, 0.2), (0.1, 1.5), (float("nan"), 0.2), "x"):
        with pytest.raises((ValueError, TypeError), match="intensity_range"):
            A.FilmGrain(intensity_range=bad)
    for bad in ((0, 2), (1.5, 2), (True, 2), (3, 1)):
        with pytest.raises((ValueError, TypeError), match="grain_size_range"):
            A.FilmGrain(grain_size_range=bad)
    with pytest.raises(ValueError, match="FilmGrain"):
        A.FilmGrain(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))
