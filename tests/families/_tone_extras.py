"""The tone family's extras (AlbumentationsX's additions, absent from albumentations 2.0.8): Vignetting,
Dithering, Halftone.
Kernels' golden values over every backend, override parity with stated tolerances, and the transforms'
behaviour. Imported by ``test_tone.py`` (the family's test module), which collects them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _tone_extras as X

from ._pointwise import (
    DTYPES,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_batch_samples_match_single_image_kernel,
    check_defaults_and_init_args_round_trip,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    check_numpy_override_is_exact,
    one,
    row,
    run,
)
from ._tone_histogram import _photo, _seeded


# ------------------------------------------------------------------------------------- vignetting
# Vignetting's tolerance: the numpy_cv2 override takes the generic kernel's own factor pattern and
# multiplies with OpenCV (float32 product, rounded half to even): exact. CuPy runs the generic kernel
# (elementwise, no per-sample loop). No albumentations 2.0.8 counterpart.
@pytest.mark.golden.with_args(X.vignette)
def test_vignette_golden(xp):
    # 1 x 2 centred: pixel centres 0.5 px either side of the centre, one half-width = 1 px: dx = 0.5,
    # r^2 = 0.25 / 2 = 0.125; 1 - 0.5 * 0.125 = 0.9375; 100 * 0.9375 = 93.75 -> 94
    assert run(xp, X.vignette, row([100, 100], "uint8"), "uint8", 0.5, 0.5, 0.5).ravel().tolist() == [94, 94]
    # 3 x 4 centred, i = 1: corners dx = 1.5 / 2 = 0.75, dy = 1 / 1.5 = 0.667: r^2 = (0.5625 + 0.4444) / 2
    # = 0.5035 -> 49.65 -> 50; middle of the top row dx = 0.25, r^2 = (0.0625 + 0.4444) / 2 -> 74.65 -> 75;
    # middle row dy = 0: (0.5625) / 2 -> 71.875 -> 72 and (0.0625) / 2 -> 96.875 -> 97
    img = np.full((3, 4, 1), 100, np.uint8)
    assert run(xp, X.vignette, img, "uint8", 1.0, 0.5, 0.5)[..., 0].tolist() == [
        [50, 75, 75, 50],
        [72, 97, 97, 72],
        [50, 75, 75, 50],
    ]
    # centre at the corner (0, 0) of a 1 x 1 image: dx = dy = 0.5 / 0.5 = 1, r^2 = 1: factor 1 - i
    assert run(xp, X.vignette, row([200], "uint8"), "uint8", 0.25, 0.0, 0.0).ravel().tolist() == [150]
    # far from the centre the factor stops at 0 (never negative); i = 0 is the identity
    assert run(xp, X.vignette, row([200, 7], "uint8"), "uint8", 1.0, 4.0, 0.5).ravel().tolist() == [0, 0]
    assert run(xp, X.vignette, row([200, 7], "uint8"), "uint8", 0.0, 4.0, 0.5).ravel().tolist() == [200, 7]
    # uint16 and float32 (clipped to [0, 1], NaN stays NaN)
    assert run(xp, X.vignette, row([40000], "uint16"), "uint16", 0.25, 0.0, 0.0).ravel().tolist() == [30000]
    f = run(xp, X.vignette, row([0.8, 1.5, np.nan], "float32"), "float32", 0.0, 0.5, 0.5).ravel()
    np.testing.assert_allclose(f[:2], [0.8, 1.0])
    assert np.isnan(f[2])


def test_vignette_per_sample(xp):
    img = np.full((2, 1, 1, 2), 200, np.uint8)
    out = run(xp, X.vignette, img, "uint8", np.array([0.25, 0.5]), np.array([0.0, 0.0]), np.array([0.0, 0.0]))
    assert out.reshape(2, 2).tolist() == [[150, 150], [100, 100]]


@pytest.mark.parity.with_args("numpy_cv2", X.vignette)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_vignette_override_matches_generic(dtype, channels, batch):
    rng = _seeded("vg", dtype, channels, batch)
    n = 3 if batch else None
    img = _photo(rng, dtype, (n, 13, 17, channels) if n else (13, 17, channels))
    if dtype == "float32":
        img[(0,) * (img.ndim - 1)] = np.inf

    def ps(lo: float, hi: float) -> Any:
        return rng.uniform(lo, hi, n) if n else float(rng.uniform(lo, hi))

    check_numpy_override_is_exact(X.vignette, img, ps(0, 1), ps(0, 1), ps(0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_vignetting_invariants(xp, dtype, channels):
    check_invariants(
        xp, "vignetting", lambda c: A.Vignetting(intensity_range=(0.5, 1.0), p=1), dtype, channels
    )


def test_vignetting_batch(xp):
    t = A.Vignetting(p=1)
    check_batch_samples_match_single_image_kernel(
        xp, t, lambda img, p: X.vignette(img, p.intensity, p.center_x, p.center_y)
    )
    check_identity_parameters_return_the_input_exactly(xp, A.Vignetting(p=1), "uint8")
    check_batch_p_half_leaves_other_samples_unchanged(
        xp,
        A.Vignetting(intensity_range=(0.6, 0.6), center_range=(0.5, 0.5), p=0.5),
        lambda x: X.vignette(x, 0.6, 0.5, 0.5),
        "uint8",
    )
    check_hw_stays_hw_and_other_targets_pass_through(lambda c: A.Vignetting(p=1))


def test_vignetting_sampling_and_arguments():
    t = A.Vignetting(intensity_range=(0.1, 0.3), center_range=(0.4, 0.6))
    p = t.sample(np.random.default_rng(0), (8, 8), 500)
    i, cx, cy = (np.asarray(v) for v in (p.intensity, p.center_x, p.center_y))
    assert i.shape == cx.shape == cy.shape == (500,)
    assert i.min() >= 0.1 and i.max() <= 0.3 and cx.min() >= 0.4 and cy.max() <= 0.6
    assert not np.array_equal(cx, cy)  # x and y drawn independently
    one = t.sample(np.random.default_rng(0), (8, 8), None)
    assert isinstance(one.intensity, float) and isinstance(one.center_x, float)
    # darkening grows towards the edges: a centred vignette keeps the centre and darkens the corners
    img = np.full((21, 21), 200, np.uint8)
    out = A.Vignetting(intensity_range=(0.5, 0.5), center_range=(0.5, 0.5), p=1)(image=img)["image"]
    assert out[10, 10] == 200 and out[0, 0] < out[0, 10] < 200 and out[0, 0] == out[20, 20]
    check_defaults_and_init_args_round_trip(
        {A.Vignetting: {"intensity_range": (0.2, 0.5), "center_range": (0.3, 0.7), "p": 0.5}}
    )
    for bad in ((-0.1, 0.5), (0.2, 1.5), (float("nan"), 0.5), "x"):
        with pytest.raises((ValueError, TypeError), match="intensity_range"):
            A.Vignetting(intensity_range=bad)
    with pytest.raises(ValueError, match="center_range"):
        A.Vignetting(center_range=(0.2, 1.2))
    with pytest.raises(ValueError, match="Vignetting"):
        A.Vignetting(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))


# -------------------------------------------------------------------------------------- dithering
# Dithering's tolerance: exact everywhere. error_diffusion_dither: the numpy_cv2 override (a wavefront
# over anti-diagonals, declining serpentine) and the CuPy override (one thread per sample and plane,
# dither.cu) add the same float32 errors in the same order as the generic raster scan: equal levels.
# ordered / random dithering run the generic kernels on every backend (elementwise; the random one
# through the counter-based generator's overrides).
@pytest.mark.golden.with_args(X.ordered_dither, X.random_dither, X.error_diffusion_dither)
def test_dither_golden(xp):
    assert X.bayer_matrix(2).tolist() == [[0, 2], [3, 1]]
    assert sorted(X.bayer_matrix(16).ravel().tolist()) == list(range(256))
    img = np.full((2, 2, 1), 100, np.uint8)
    # ordered, s = 2: thresholds (B + 0.5) / 4 = [[0.125, 0.625], [0.875, 0.375]]; v = 100 / 255 = 0.392:
    # levels floor(v + m) = [[0, 1], [1, 0]]
    assert run(xp, X.ordered_dither, img, "uint8", 2, 2, False)[..., 0].tolist() == [[0, 255], [255, 0]]
    # 3 levels at 200: v * 2 = 1.569, + m = [[1.69, 2.19], [2.44, 1.94]]; level 1 is 127.5 -> 128 (even)
    out = run(xp, X.ordered_dither, np.full((2, 2, 1), 200, np.uint8), "uint8", 3, 2, False)
    assert out[..., 0].tolist() == [[128, 255], [255, 128]]
    # random with no noise rounds (v + 0.5); noise 0.4: 100 -> 0.392 + 0.9 -> 1; 20 -> 0.078 + 0.9 -> 0
    assert run(
        xp, X.random_dither, row([100, 200], "uint8"), "uint8", 0, 2, 0.0, 0.0, False
    ).ravel().tolist() == [
        0,
        255,
    ]
    assert run(
        xp, X.random_dither, row([100, 20], "uint8"), "uint8", 0, 2, 0.4, 0.4, False
    ).ravel().tolist() == [
        255,
        0,
    ]
    # Floyd-Steinberg on 2 x 2 of 100 (v = 0.39216): (0,0) -> 0, error 0.39216: 7/16 right, 5/16 down,
    # 1/16 down-right. (0,1): 0.56373 -> 1, error -0.43627: 3/16 down-left, 5/16 down. (1,0): 0.39216 +
    # 0.12255 - 0.08180 = 0.43291 -> 0, 7/16 right. (1,1): 0.39216 + 0.02451 - 0.13634 + 0.18940 = 0.46973 -> 0
    out = run(xp, X.error_diffusion_dither, img, "uint8", 2, "floyd_steinberg", False, False)
    assert out[..., 0].tolist() == [[0, 255], [0, 0]]
    # serpentine: row 1 runs right to left with the taps mirrored. (1,1) first: 0.39216 + 0.02451 - 0.13634
    # = 0.28033 -> 0, its 7/16 go left: (1,0): 0.39216 + 0.12255 - 0.08180 + 0.12264 = 0.55555 -> 1
    out = run(xp, X.error_diffusion_dither, img, "uint8", 2, "floyd_steinberg", True, False)
    assert out[..., 0].tolist() == [[0, 255], [255, 0]]
    # uint16, float32 (NaN stays NaN, out-of-range values clipped first), grayscale to every channel
    assert run(xp, X.ordered_dither, row([30000], "uint16"), "uint16", 2, 2, False).ravel().tolist() == [0]
    f = run(
        xp,
        X.error_diffusion_dither,
        row([0.7, np.nan, 1.5, -0.2], "float32"),
        "float32",
        3,
        "atkinson",
        False,
        False,
    )
    assert f.ravel()[[0, 2, 3]].tolist() == [0.5, 1.0, 0.0] and np.isnan(f.ravel()[1])
    rgb = np.array([[[255, 0, 0], [0, 255, 0]]], np.uint8)  # luminance 0.299 and 0.587
    out = run(xp, X.ordered_dither, rgb, "uint8", 2, 2, True)  # + thresholds 0.125, 0.625: 0.424, 1.212
    assert out.tolist() == [[[0, 0, 0], [255, 255, 255]]]


def test_dither_levels_and_tone(xp):
    """Only ``n_colors`` levels come out, and dithering keeps the mean tone."""
    ramp = np.tile(np.linspace(0, 255, 24).astype(np.uint8)[None, :, None], (10, 1, 1))
    for call in (
        lambda x: X.ordered_dither(x, 4, 4, False),
        lambda x: X.random_dither(x, 7, 4, -0.5, 0.5, False),
        lambda x: X.error_diffusion_dither(x, 4, "sierra", False, False),
    ):
        out = np.asarray(xp.to_numpy(call(xp.asarray(ramp))))
        assert set(np.unique(out).tolist()) <= {0, 85, 170, 255}
        assert abs(out.mean() - ramp.mean()) < 6


def _dither_image(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    img = _photo(rng, dtype, shape)
    if dtype == "float32":
        img[(0,) * (img.ndim - 1)] = np.nan
        img.reshape(-1)[5] = 1.5
    return img


@pytest.mark.parity.with_args("numpy_cv2", X.error_diffusion_dither)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", DTYPES)
def test_error_diffusion_override_matches_generic(dtype, channels, batch):
    rng = _seeded("ed", dtype, channels, batch)
    img = _dither_image(rng, dtype, (2, 9, 11, channels) if batch else (9, 11, channels))
    for algorithm in X.DIFFUSION:
        for n_colors, gray in ((2, False), (5, channels != 4)):
            args = (n_colors, algorithm, False, gray)
            check_numpy_override_is_exact(X.error_diffusion_dither, img, *args, err_msg=algorithm)
    assert X.error_diffusion_dither.overrides["numpy_cv2"](img, 2, "jarvis", True, False) is NotImplemented


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", X.error_diffusion_dither)
@pytest.mark.parametrize("dtype", DTYPES)
def test_error_diffusion_cupy_matches_generic(cupy, dtype):
    rng = _seeded("ed-cupy", dtype)
    img = _dither_image(rng, dtype, (2, 7, 9, 3))
    for algorithm, serpentine, gray, n_colors in (
        ("floyd_steinberg", False, False, 2),
        ("jarvis", True, False, 3),
        ("atkinson", True, True, 4),
        ("sierra_lite", False, True, 2),
    ):
        args = (n_colors, algorithm, serpentine, gray)
        for x in (img, img[1]):
            got = X.error_diffusion_dither(cupy.asarray(x), *args)
            assert isinstance(got, cupy.ndarray)
            np.testing.assert_array_equal(cupy.asnumpy(got), X.error_diffusion_dither.generic(x, *args))


def test_error_diffusion_cupy_batch_is_one_launch_without_sync(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counting needs the CPU harness")
    counts = []
    for n in (1, 4):
        img = cupy.asarray(np.full((n, 5, 6, 3), 100, np.uint8))
        X.error_diffusion_dither(img, 2, "floyd_steinberg", False, False)  # compile
        cupy.reset_stats()
        X.error_diffusion_dither(img, 2, "floyd_steinberg", False, False)
        assert cupy.STATS["to_host"] == 0
        counts.append(cupy.STATS["launches"])
    assert counts[0] == counts[1]


@pytest.mark.parametrize("method", ["error_diffusion", "ordered", "random"])
@pytest.mark.parametrize("channels", [1, 3, 5])
@pytest.mark.parametrize("dtype", DTYPES)
def test_dithering_invariants(xp, dtype, channels, method):
    check_invariants(xp, "dithering", lambda c: A.Dithering(method=method, n_colors=3, p=1), dtype, channels)


def test_dithering_batch_and_modes(xp):
    check_hw_stays_hw_and_other_targets_pass_through(lambda c: A.Dithering(p=1))
    check_batch_p_half_leaves_other_samples_unchanged(
        xp, A.Dithering(method="ordered", p=0.5), lambda x: X.ordered_dither(x, 2, 4, False), "uint8"
    )
    imgs = np.stack([_photo(_seeded("db", i), "uint8", (6, 7, 3)) for i in range(3)])
    t = A.Dithering(method="random", n_colors=4, p=1)
    out = np.asarray(xp.to_numpy(A.Compose([t], seed=2).batch(images=xp.asarray(imgs))["images"]))
    params = t.sample(np.random.default_rng(0), (6, 7), 3)  # the seeds are per sample: batch == single
    assert np.asarray(params.seed).shape == (3,)
    batch = np.asarray(xp.to_numpy(X.random_dither(xp.asarray(imgs), params.seed, 4, -0.5, 0.5, False)))
    for i in range(3):
        single = X.random_dither(xp.asarray(imgs[i]), int(params.seed[i]), 4, -0.5, 0.5, False)
        np.testing.assert_array_equal(batch[i], np.asarray(xp.to_numpy(single)))
    assert set(np.unique(out).tolist()) <= {0, 85, 170, 255}
    gray = one(A.Dithering(color_mode="grayscale", p=1), xp.asarray(imgs[0]))
    gray = np.asarray(xp.to_numpy(gray))
    assert (gray == gray[..., :1]).all()  # one dithered plane in every channel
    with pytest.raises(ValueError, match="Dithering: color_mode='rgb' needs a 3-channel"):
        one(A.Dithering(color_mode="rgb", p=1), xp.asarray(imgs[0, ..., :2]))


def test_dithering_arguments():
    check_defaults_and_init_args_round_trip(
        {
            A.Dithering: {
                "method": "error_diffusion",
                "n_colors": 2,
                "color_mode": "per_channel",
                "error_diffusion_algorithm": "floyd_steinberg",
                "bayer_matrix_size": 4,
                "serpentine": False,
                "noise_range": (-0.5, 0.5),
                "p": 0.5,
            }
        }
    )
    bad = {
        "method": "floyd",
        "n_colors": 1,
        "color_mode": "lab",
        "error_diffusion_algorithm": "nope",
        "bayer_matrix_size": 3,
        "serpentine": "yes",
        "noise_range": (-1.5, 0.5),
    }
    for name, value in bad.items():
        with pytest.raises((ValueError, TypeError), match=name):
            A.Dithering(**{name: value})
    for name, value in (
        ("n_colors", 257),
        ("n_colors", 2.5),
        ("n_colors", True),
        ("noise_range", (float("nan"), 0)),
    ):
        with pytest.raises((ValueError, TypeError), match=name):
            A.Dithering(**{name: value})
    with pytest.raises(ValueError, match="Dithering"):
        A.Dithering(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))


# --------------------------------------------------------------------------------------- halftone
# Halftone's tolerance: exact. The numpy_cv2 override (integers; float32 declines) sums each sample's
# cells with np.add.reduceat in float64 (exact, as the generic's integral image) and reuses the
# generic's dot test and blend. CuPy runs the generic kernel (an integral image, four gathers and
# elementwise arithmetic for the whole batch: no per-sample loop, no sync).
@pytest.mark.golden.with_args(X.halftone)
def test_halftone_golden(xp):
    # one 2 x 2 cell [[0, 0], [0, 200]]: mean 50, L = 0.196, radius 0.196 * 2 / sqrt(2) = 0.277 px; the
    # pixel centres lie 0.707 px from the cell's: no dot. blend 0.5: x * 0.5
    cell = np.array([[0, 0], [0, 200]], np.uint8)[..., None]
    assert run(xp, X.halftone, cell, "uint8", 2, 0.5)[..., 0].tolist() == [[0, 0], [0, 100]]
    # white cells are filled (radius d / sqrt(2) reaches the corners); blend 0: the dots alone
    assert run(xp, X.halftone, np.full((4, 4, 1), 255, np.uint8), "uint8", 2, 0.0).min() == 255
    # a 5 x 5 cell of 128: L = 0.502, radius 1.775: the 3 x 3 centre (distances <= 1.414) is in, the
    # middle of each edge (distance 2) is out
    out = run(xp, X.halftone, np.full((5, 5, 1), 128, np.uint8), "uint8", 5, 0.0)[..., 0]
    assert out.tolist() == [[0] * 5] + [[0, 128, 128, 128, 0]] * 3 + [[0] * 5]
    # cells of 2 on a 3-wide row: [10, 30 | 200]; cell means 20 and 200, the last cell cut at the border
    # (its centre at x = 3, beyond it); 200: L = 0.784, radius 1.109 reaches pixel 2 (0.5 px away)
    out = run(xp, X.halftone, np.array([[[10], [30], [200]], [[10], [30], [200]]], np.uint8), "uint8", 2, 0.0)
    assert out[..., 0].tolist() == [[0, 0, 200], [0, 0, 200]]
    # RGB: the dot takes the cell's mean colour; uint16; float32
    rgb = np.full((2, 2, 3), (250, 240, 230), np.uint8)
    assert run(xp, X.halftone, rgb, "uint8", 2, 0.0).reshape(-1, 3).tolist() == [[250, 240, 230]] * 4
    assert run(xp, X.halftone, np.full((2, 2, 1), 65535, np.uint16), "uint16", 2, 0.25).min() == 65535
    # float32 is clipped first; NaN counts as 0 in its cell's mean and stays NaN. [0.9, NaN]: mean 0.45,
    # radius 0.45 * 2 / sqrt(2) = 0.64 < 0.707: no dot. [inf -> 1, 0.9]: mean 0.95, radius 1.34: both in
    img = np.array([[[0.9], [np.nan], [np.inf], [0.9]]], np.float32)
    f = run(xp, X.halftone, img, "float32", 2, 0.0).ravel()
    assert f[0] == 0 and np.isnan(f[1]) and f[2:].tolist() == [pytest.approx(0.95)] * 2
    f = run(xp, X.halftone, img, "float32", 2, 0.5).ravel()
    assert np.isnan(f[1]) and f[[0, 2, 3]].tolist() == pytest.approx([0.45, 0.975, 0.925])


def test_halftone_per_sample(xp):
    rng = _seeded("ht-batch")
    img = _photo(rng, "uint8", (3, 11, 13, 3))
    d, a = np.array([2, 3, 5]), np.array([0.1, 0.5, 1.0])
    out = np.asarray(xp.to_numpy(X.halftone(xp.asarray(img), d, a)))
    for i in range(3):
        single = X.halftone(xp.asarray(img[i]), int(d[i]), float(a[i]))
        np.testing.assert_array_equal(out[i], np.asarray(xp.to_numpy(single)))
    np.testing.assert_array_equal(out[2], img[2])  # blend 1: the original


@pytest.mark.parity.with_args("numpy_cv2", X.halftone)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", DTYPES)
def test_halftone_override_matches_generic(dtype, channels, batch):
    rng = _seeded("ht", dtype, channels, batch)
    img = _photo(rng, dtype, (3, 17, 19, channels) if batch else (17, 19, channels))
    args = (np.array([1, 4, 7]), rng.uniform(0, 1, 3)) if batch else (6, 0.3)
    before = img.copy()
    direct = X.halftone.overrides["numpy_cv2"](img, *args)
    if dtype == "float32":
        assert direct is NotImplemented
        return
    np.testing.assert_array_equal(direct, X.halftone.generic(img, *args))
    np.testing.assert_array_equal(img, before)


def test_halftone_transform():
    t = A.Halftone(dot_size_range=(3, 6), blend_range=(0.2, 0.4))
    p = t.sample(np.random.default_rng(0), (8, 8), 500)
    d, b = np.asarray(p.dot_size), np.asarray(p.blend)
    assert set(np.unique(d).tolist()) == {3, 4, 5, 6} and b.min() >= 0.2 and b.max() <= 0.4
    one_p = t.sample(np.random.default_rng(0), (8, 8), None)
    assert isinstance(one_p.dot_size, int) and isinstance(one_p.blend, float)
    check_hw_stays_hw_and_other_targets_pass_through(lambda c: A.Halftone(p=1))
    check_defaults_and_init_args_round_trip(
        {A.Halftone: {"dot_size_range": (4, 10), "blend_range": (0.0, 0.5), "p": 0.5}}
    )
    for name, value in (
        ("dot_size_range", (0, 3)),
        ("dot_size_range", (2.5, 3)),
        ("dot_size_range", (True, 3)),
        ("blend_range", (-0.1, 0.5)),
        ("blend_range", (0.2, float("nan"))),
    ):
        with pytest.raises((ValueError, TypeError), match=name):
            A.Halftone(**{name: value})
    with pytest.raises(ValueError, match="Halftone"):
        A.Halftone(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_halftone_invariants(xp, dtype, channels):
    check_invariants(xp, "halftone", lambda c: A.Halftone(dot_size_range=(2, 3), p=1), dtype, channels)
