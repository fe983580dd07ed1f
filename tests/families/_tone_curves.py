"""Tone, curves and lighting (RandomToneCurve, Illumination): kernels' golden values over every
backend, override parity with stated tolerances, albumentations parity, and the transforms'
behaviour. Imported by ``test_tone.py`` (the family's test module), which collects them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _plasma as PL
from xalbu.functional import tone as P

from ._pointwise import DTYPES, check_numpy_override_is_exact, row, run
from ._tone_histogram import _photo, _seeded


# ------------------------------------------------------------------------------------- tone curve
# RandomToneCurve's tolerance: exact (uint8 tables are the generic kernel run on the 0..255 ramp, on
# NumPy and CuPy; other dtypes run the generic kernel), and exact against albumentations on uint8.
@pytest.mark.golden.with_args(P.tone_curve)
def test_tone_curve_golden(xp):
    # low = high = 0: y = t^3. 51 -> 0.2^3 * 255 = 2.04 -> 2; 128 -> (128/255)^3 * 255 = 32.25 -> 32
    out = run(xp, P.tone_curve, row([0, 51, 128, 255], "uint8"), "uint8", 0.0, 0.0)
    assert out.ravel().tolist() == [0, 2, 32, 255]
    # the default means 0.25, 0.75: 51 -> (0.096 + 0.072 + 0.008) * 255 = 44.88 -> 45
    assert run(xp, P.tone_curve, row([51], "uint8"), "uint8", 0.25, 0.75).ravel().tolist() == [45]
    # 1/3, 2/3: the straight line, every level kept
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    np.testing.assert_array_equal(run(xp, P.tone_curve, ramp, "uint8", 1 / 3, 2 / 3), ramp)
    # uint16: 13107 (t = 0.2) with t^3 -> 0.008 * 65535 = 524.28 -> 524; float32 on its values
    assert run(xp, P.tone_curve, row([13107], "uint16"), "uint16", 0.0, 0.0).ravel().tolist() == [524]
    f = run(xp, P.tone_curve, row([0.5, -0.2, 1.5, np.nan], "float32"), "float32", 0.0, 0.0).ravel()
    np.testing.assert_allclose(f[:3], [0.125, 0.0, 1.0])
    assert np.isnan(f[3])


def test_tone_curve_per_channel_and_per_sample(xp):
    img = np.full((2, 1, 1, 3), 51, np.uint8)
    lo = np.array([[0.0, 0.25, 0.0], [0.25, 0.0, 0.0]])
    out = run(xp, P.tone_curve, img, "uint8", lo, lo * 3)
    assert out.reshape(2, 3).tolist() == [[2, 45, 2], [45, 2, 2]]


def _tone_curve_args(r: np.random.Generator, n: int | None, c: int) -> tuple[Any, Any]:
    if n is None:
        return (r.uniform(0, 1, c), r.uniform(0, 1, c)) if c > 1 else (float(r.uniform()), float(r.uniform()))
    return r.uniform(0, 1, (n, c)), r.uniform(0, 1, (n, c))


@pytest.mark.parity.with_args("numpy_cv2", P.tone_curve)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_tone_curve_override_matches_generic(dtype, channels, batch):
    rng = _seeded("tc", dtype, channels, batch)
    img = _photo(rng, dtype, (3, 11, 13, channels) if batch else (11, 13, channels))
    args = _tone_curve_args(rng, 3 if batch else None, channels)
    ran = P.tone_curve.overrides["numpy_cv2"](img, *args) is not NotImplemented
    assert ran == (dtype == "uint8")  # other dtypes: the generic kernel, on the values themselves
    np.testing.assert_array_equal(P.tone_curve(img, *args), np.asarray(P.tone_curve.generic(img, *args)))


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.tone_curve)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3])
def test_tone_curve_cupy_override_matches_generic(cupy, channels, batch):
    rng = _seeded("tc-cupy", channels, batch)
    img = _photo(rng, "uint8", (3, 11, 13, channels) if batch else (11, 13, channels))
    args = _tone_curve_args(rng, 3 if batch else None, channels)
    got = P.tone_curve(cupy.asarray(img), *args)
    np.testing.assert_array_equal(cupy.asnumpy(got), np.asarray(P.tone_curve.generic(img, *args)))


@pytest.mark.parametrize("channels", [1, 3])
def test_random_tone_curve_matches_albumentations(channels):
    alb = pytest.importorskip("albumentations")
    img = _photo(_seeded("tc-alb", channels), "uint8", (30, 41, channels))
    img = img[..., 0] if channels == 1 else img
    for per_channel in (False, True):
        want = alb.RandomToneCurve(scale=0, per_channel=per_channel, p=1)(image=img)["image"]
        np.testing.assert_array_equal(
            A.RandomToneCurve(scale=0, per_channel=per_channel, p=1)(image=img)["image"], want
        )
    f = img.astype(np.float32) / 255
    want = alb.RandomToneCurve(scale=0, p=1)(image=f)["image"]
    got = A.RandomToneCurve(scale=0, p=1)(image=f)["image"]
    assert np.abs(got - want).max() <= 0.5 / 255 + 1e-6  # theirs: through uint8 levels


def test_random_tone_curve_sampling_and_arguments():
    t = A.RandomToneCurve(scale=0.05, per_channel=True, p=1)
    state = A.core.state.State(shape=(4, 4), batch=500, images={"image": np.zeros((500, 4, 4, 3), np.uint8)})
    params = t.sample_data(np.random.default_rng(0), state)
    assert params.low_y.shape == (500, 3) and params.high_y.shape == (500, 3)
    assert abs(params.low_y.mean() - 0.25) < 0.02 and abs(params.high_y.mean() - 0.75) < 0.02
    assert params.low_y.min() >= 0 and params.high_y.max() <= 1
    one_channel = A.core.state.State(
        shape=(4, 4), batch=None, images={"image": np.zeros((4, 4, 1), np.uint8)}
    )
    assert isinstance(t.sample_data(np.random.default_rng(0), one_channel).low_y, float)
    d = A.RandomToneCurve()
    assert (d.scale, d.per_channel, d.p) == (0.1, False, 0.5)
    assert repr(A.RandomToneCurve(**d.init_args())) == repr(d)
    for kwargs, match in [
        ({"scale": -0.1}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"per_channel": 1}, "per_channel"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            A.RandomToneCurve(**kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_tone_curve_identity_and_gating(xp, dtype):
    from ._pointwise import (
        check_batch_p_half_leaves_other_samples_unchanged,
        check_identity_parameters_return_the_input_exactly,
    )

    check_identity_parameters_return_the_input_exactly(xp, A.RandomToneCurve(scale=0.2, p=1), dtype)
    t = A.RandomToneCurve(scale=0, p=0.5)
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, lambda im: P.tone_curve(im, 0.25, 0.75), dtype)


def test_tone_curve_scalar_tables_are_exact():
    """The numpy_cv2 scalar table (precomputed terms) is the generic kernel's arithmetic, bit for bit."""
    img = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    rng = np.random.default_rng(4)
    for lo, hi in [*rng.uniform(0, 1, (300, 2)), (0.0, 0.0), (1.0, 1.0), (1 / 3, 2 / 3)]:
        np.testing.assert_array_equal(
            P.tone_curve(img, float(lo), float(hi)), P.tone_curve.generic(img, float(lo), float(hi))
        )


# ----------------------------------------------------------------------------------- illumination
# Illumination's tolerance: the numpy_cv2 overrides take the generic kernels' own factor patterns
# and multiply with OpenCV (float32 product, rounded half to even): exact. CuPy runs the generic
# kernels (elementwise, no per-sample loop). albumentations: within 1 level on uint8 (it truncates
# in its corner and Gaussian modes), 2e-7 on float32 (once clipped to [0, 1]).
@pytest.mark.golden.with_args(P.linear_illumination, P.corner_illumination, P.gaussian_illumination)
def test_illumination_golden(xp):
    img = row([100, 100, 100], "uint8")
    # linear, angle 0: g = x = [0, 0.5, 1], factors g * 0.4 + 0.8 = [0.8, 1.0, 1.2]
    assert run(xp, P.linear_illumination, img, "uint8", 0.2, 0.0).ravel().tolist() == [80, 100, 120]
    # negative intensity: 1 - g, so [1.2, 1.0, 0.8]; angle 90 on one row: y = 0 everywhere (g = 0)
    assert run(xp, P.linear_illumination, img, "uint8", -0.2, 0.0).ravel().tolist() == [120, 100, 80]
    assert run(xp, P.linear_illumination, img, "uint8", 0.2, 90.0).ravel().tolist() == [80, 80, 80]
    # corner 0 on 1 x 2: diagonal sqrt(5) = 2.236; d = [0, 1]; factors [1, 1 - 0.5 / 2.236 = 0.776]
    out = run(xp, P.corner_illumination, row([100, 100], "uint8"), "uint8", 0.5, 0)
    assert out.ravel().tolist() == [100, 78]
    # from corner 1 (top-right) the other way round
    assert run(xp, P.corner_illumination, row([100, 100], "uint8"), "uint8", 0.5, 1).ravel().tolist() == [
        78,
        100,
    ]
    # gaussian: pixel (0, 0) at the spot's centre (0, 0): 100 * 1.1; centred at (0.5, 0.5) on a 1 x 1
    # image the pixel lies 0.5 px off in x and y: r^2 = 0.5, 2 (1 * 0.5)^2 = 0.5, 1 + 0.1 / e -> 103.68
    one_px = row([100], "uint8")
    assert run(xp, P.gaussian_illumination, one_px, "uint8", 0.1, 0.0, 0.0, 0.5).ravel().tolist() == [110]
    assert run(xp, P.gaussian_illumination, one_px, "uint8", 0.1, 0.5, 0.5, 0.5).ravel().tolist() == [104]
    # float32: clipped to [0, 1]
    f = run(xp, P.linear_illumination, row([0.9, 0.9, 0.9], "float32"), "float32", 0.2, 0.0).ravel()
    np.testing.assert_allclose(f, [0.72, 0.9, 1.0], rtol=1e-6)


def _illumination_cases(dtype: str, channels: int, batch: bool):
    rng = _seeded("il", dtype, channels, batch)
    n = 3 if batch else None
    img = _photo(rng, dtype, (n, 13, 17, channels) if n else (13, 17, channels))

    def ps(lo: float, hi: float) -> Any:
        return rng.uniform(lo, hi, n) if n else float(rng.uniform(lo, hi))

    angles = np.array([45.0, 200.0, 90.0]) if n else 33.3
    corners = np.array([0, 2, 3]) if n else 1
    yield P.linear_illumination, (ps(-0.2, 0.2), angles)
    yield P.linear_illumination, (ps(-0.2, 0.2), 315.0 if not n else np.array([315.0, 0.0, 270.0]))
    yield P.corner_illumination, (ps(-0.2, 0.2), corners)
    yield P.gaussian_illumination, (ps(-0.2, 0.2), ps(0, 1), ps(0, 1), ps(0.2, 1))
    if dtype == "float32":
        img[(0,) * (img.ndim - 1)] = np.inf
    yield img  # the image the cases run on (last)


@pytest.mark.parity.with_args(
    "numpy_cv2", P.linear_illumination, P.corner_illumination, P.gaussian_illumination
)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_illumination_overrides_match_generic(dtype, channels, batch):
    *cases, img = list(_illumination_cases(dtype, channels, batch))
    for kern, args in cases:
        check_numpy_override_is_exact(kern, img, *args)


@pytest.mark.parametrize("channels", [1, 3])
def test_illumination_matches_albumentations(channels):
    alb = pytest.importorskip("albumentations")
    img = _photo(_seeded("il-alb", channels), "uint8", (30, 41, channels))
    img = img[..., 0] if channels == 1 else img
    f = img.astype(np.float32) / 255
    fixed = {"intensity_range": (0.15, 0.15), "effect_type": "darken"}
    for kwargs in (
        {"mode": "linear", "angle_range": (33.3, 33.3)},
        {"mode": "linear", "angle_range": (135, 135)},
        {"mode": "gaussian", "center_range": (0.3, 0.3), "sigma_range": (0.4, 0.4)},
    ):
        theirs = alb.Illumination(**fixed, **kwargs, p=1)
        ours = A.Illumination(**fixed, **kwargs, p=1)
        want, got = theirs(image=img)["image"], ours(image=img)["image"]
        assert np.abs(got.astype(int) - want).max() <= 1
        want, got = theirs(image=f)["image"], ours(image=f)["image"]
        np.testing.assert_allclose(got, np.clip(want, 0, 1), atol=2e-7)
    for corner in range(4):  # the corner is drawn: compare the kernel
        want = alb.augmentations.pixel.functional.apply_corner_illumination(img, 0.15, corner)
        got = P.corner_illumination(img if channels == 3 else img[..., None], 0.15, corner)
        assert np.abs(got.reshape(want.shape).astype(int) - want).max() <= 1


def test_illumination_sampling_and_arguments():
    for mode, field in (("linear", "angle"), ("corner", "corner"), ("gaussian", "sigma")):
        t = A.Illumination(mode=mode, p=1)
        params = t.sample(np.random.default_rng(0), (8, 8), 400)
        assert np.asarray(getattr(params, field)).shape == (400,)
        i = np.asarray(params.intensity)
        assert (np.abs(i) >= 0.01).all() and (np.abs(i) <= 0.2).all() and (i < 0).any() and (i > 0).any()
    corners = A.Illumination(mode="corner").sample(np.random.default_rng(1), (8, 8), 400).corner
    assert set(np.unique(corners).tolist()) == {0, 1, 2, 3}
    assert A.Illumination(effect_type="darken").sample(np.random.default_rng(1), (8, 8), None).intensity < 0
    d = A.Illumination()
    assert (d.mode, d.intensity_range, d.effect_type, d.angle_range) == (
        "linear",
        (0.01, 0.2),
        "both",
        (0, 360),
    )
    assert (d.center_range, d.sigma_range, d.p) == ((0.1, 0.9), (0.2, 1.0), 0.5)
    assert repr(A.Illumination(**d.init_args())) == repr(d)
    for kwargs, match in [
        ({"mode": "radial"}, "mode"),
        ({"intensity_range": (0.0, 0.1)}, "intensity_range"),
        ({"intensity_range": (0.1, 0.3)}, "intensity_range"),
        ({"effect_type": "dim"}, "effect_type"),
        ({"angle_range": (0, 400)}, "angle_range"),
        ({"center_range": (-0.1, 0.5)}, "center_range"),
        ({"sigma_range": (0.1, 0.5)}, "sigma_range"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            A.Illumination(**kwargs)


@pytest.mark.parametrize("mode", ["linear", "corner", "gaussian"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_illumination_identity_and_batches(xp, dtype, mode):
    from ._pointwise import check_identity_parameters_return_the_input_exactly

    check_identity_parameters_return_the_input_exactly(xp, A.Illumination(mode=mode, p=1), dtype)
    t = A.Illumination(mode=mode, p=1)
    imgs = np.stack([_photo(_seeded("ilb", i), dtype, (9, 11, 3)) for i in range(4)])
    params = t.sample(np.random.default_rng(3), (9, 11), 4)
    out = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
    for i in range(4):
        single = {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in vars(params).items()}
        want = xp.to_numpy(t.apply_image(xp.asarray(imgs[i]), type(params)(**single)))
        np.testing.assert_array_equal(out[i], want)


# ---------------------------------------------------------------------------- plasma (random field)
# PlasmaBrightnessContrast: no override of its kernel (the generic one, on NumPy, runs the plasma
# steps in ~2.5 ms at 256x256: twice albumentations' speed; the Philox bits have their own NumPy
# and CuPy overrides). Its field is the same bit for bit on NumPy, array_api_strict and CuPy.
@pytest.mark.golden.with_args(P.plasma_brightness_contrast)
def test_plasma_brightness_contrast_golden(xp):
    # a 1 x 1 image: the 3 x 3 grid (no step) cropped to one value, min-max scaled: P = 0. Only the
    # mean term acts: y = x, w = 1, the identity. On 1 x 2 the field is [0, 1] or [1, 0]: with
    # b = 0.1, c = 0, the pixel at P = 1 gains 25.5 levels (127.5 + 25.5 = 153), the other stays
    img = row([127.5], "float32") / 255
    assert run(xp, P.plasma_brightness_contrast, img, "float32", 0.3, 0.3, 5, 3.0).ravel().tolist() == [0.5]
    out = run(xp, P.plasma_brightness_contrast, row([100, 100], "uint8"), "uint8", 0.1, 0.0, 5, 3.0).ravel()
    assert sorted(out.tolist()) == [100, 126]  # 100 + 25.5 = 125.5 -> 126 (half to even)
    # contrast only: y = x; where P = 1, w = 1 + c: x (1 + c) - m c, the mean m = 100 -> unchanged
    out = run(xp, P.plasma_brightness_contrast, row([100, 100], "uint8"), "uint8", 0.0, 0.5, 5, 3.0).ravel()
    assert out.tolist() == [100, 100]


def test_plasma_fields_are_the_same_everywhere(xp):
    from xalbu.functional import _plasma as PL

    seeds = np.array([3, 99], np.uint64)
    want = PL.plasma_fields(np.zeros(1, np.float32), seeds, 21, 34, 2.0)
    got = np.asarray(xp.to_numpy(PL.plasma_fields(xp.asarray(np.zeros(1, np.float32)), seeds, 21, 34, 2.0)))
    np.testing.assert_array_equal(got, want)
    assert want.shape == (2, 21, 34) and want.min() == 0 and want.max() == 1
    one = PL.plasma_fields(np.zeros(1, np.float32), np.array([99], np.uint64), 21, 34, 2.0)
    np.testing.assert_array_equal(one[0], want[1])  # a sample's field does not depend on the batch
    assert not np.array_equal(want[0], want[1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_plasma_transform_batches_identity_and_arguments(xp, dtype):
    from ._pointwise import check_identity_parameters_return_the_input_exactly

    check_identity_parameters_return_the_input_exactly(xp, A.PlasmaBrightnessContrast(p=1), dtype)
    t = A.PlasmaBrightnessContrast(p=1)
    imgs = np.stack([_photo(_seeded("pl", i), dtype, (12, 17, 3)) for i in range(3)])
    params = t.sample(np.random.default_rng(2), (12, 17), 3)
    out = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
    for i in range(3):
        single = type(params)(float(params.brightness[i]), float(params.contrast[i]), int(params.seed[i]))
        np.testing.assert_array_equal(out[i], xp.to_numpy(t.apply_image(xp.asarray(imgs[i]), single)))


def test_plasma_arguments():
    t = A.PlasmaBrightnessContrast()
    assert (t.brightness_range, t.contrast_range, t.plasma_size, t.roughness, t.p) == (
        (-0.3, 0.3),
        (-0.3, 0.3),
        256,
        3.0,
        0.5,
    )
    assert repr(A.PlasmaBrightnessContrast(**t.init_args())) == repr(t)
    for kwargs, match in [
        ({"brightness_range": (-1.5, 0)}, "brightness_range"),
        ({"contrast_range": (0.5, 0.2)}, "contrast_range"),
        ({"plasma_size": 0}, "plasma_size"),
        ({"roughness": 0}, "roughness"),
        ({"roughness": float("nan")}, "roughness"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            A.PlasmaBrightnessContrast(**kwargs)


def test_plasma_statistics_match_albumentations():
    """Not the same pattern (another random stream), the same kind: smooth fields in [0, 1]."""
    alb = pytest.importorskip("albumentations")
    from xalbu.functional import _plasma as PL

    theirs = alb.augmentations.pixel.functional.generate_plasma_pattern(
        (64, 64), 3.0, np.random.default_rng(0)
    )
    ours = PL.plasma_fields(np.zeros(1, np.float32), np.array([0], np.uint64), 64, 64, 3.0)[0]
    assert theirs.shape == ours.shape and ours.min() == 0 and ours.max() == 1
    rough = [float(np.abs(np.diff(f, axis=1)).mean()) for f in (theirs, ours)]
    assert 0.5 < rough[1] / rough[0] < 2.0  # neighbour differences of the same order


@pytest.mark.golden.with_args(PL.plasma_fields)
def test_plasma_fields_golden(xp):
    # seed 0, 1 x 2, no diamond-square step: the first two uniform values of the stream, 16-bit
    # quantiles 55451 and 2276 -> 2 * (k + 0.5) / 65536 - 1 = 0.692 and -0.931, min-max scaled
    like = xp.asarray(np.zeros(1, np.float32))
    got = np.asarray(xp.to_numpy(PL.plasma_fields(like, np.array([0], np.uint64), 1, 2, 3.0)))
    np.testing.assert_array_equal(got, [[[1.0, 0.0]]])
    # 5 x 5 (one step): every value in [0, 1], both ends reached
    f = np.asarray(xp.to_numpy(PL.plasma_fields(like, np.array([1], np.uint64), 5, 5, 3.0)))
    assert f.shape == (1, 5, 5) and f.min() == 0.0 and f.max() == 1.0


@pytest.mark.parity.with_args("numpy_cv2", PL.plasma_fields, P.plasma_brightness_contrast)
@pytest.mark.parametrize("shape", [(1, 2), (3, 3), (5, 7), (20, 30), (33, 100), (64, 64)])
def test_plasma_overrides_match_generic(shape):
    """Exact: OpenCV's 3x3 averages sum the same four quarters in the same order as the generic."""
    h, w = shape
    like = np.zeros(1, np.float32)
    for seeds in (np.array([0], np.uint64), np.array([5, 9, 2**62], np.uint64)):
        for roughness in (3.0, 0.7):
            assert PL.plasma_fields.overrides["numpy_cv2"](like, seeds, h, w, roughness) is not NotImplemented
            got = PL.plasma_fields(like, seeds, h, w, roughness)
            np.testing.assert_array_equal(
                got, np.asarray(PL.plasma_fields.generic(like, seeds, h, w, roughness))
            )
    rng = _seeded("pl-parity", shape)
    for dtype in ("uint8", "uint16"):
        for channels, n in ((3, None), (1, None), (6, None), (3, 3)):
            img = _photo(rng, dtype, (n, h, w, channels) if n else (h, w, channels))
            if n:
                args = (
                    rng.uniform(-0.3, 0.3, n),
                    rng.uniform(-0.3, 0.3, n),
                    np.array([1, 2, 3], np.uint64),
                    2.0,
                )
            else:
                args = (0.2, -0.3, 7, 3.0)
            check_numpy_override_is_exact(P.plasma_brightness_contrast, img, *args)
    img = _photo(rng, "float32", (h, w, 3))
    assert P.plasma_brightness_contrast.overrides["numpy_cv2"](img, 0.1, 0.1, 1, 3.0) is NotImplemented
