"""HEStain, ChannelSwap and PhotoMetricDistort tests (the colour family's H&E stain augmentation,
fixed channel order, SSD-style jitter): star-imported by ``test_color.py``
(``__all__`` lists the tests); kept apart for size.

Golden values run over the ``xp`` fixture: on NumPy the call dispatches to the numpy_cv2 override,
on array_api_strict the generic kernel runs, on CuPy the CUDA override (a GPU or the CPU harness).
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _stain as S
from xalbu.functional import color as FC

from ._pointwise import (
    check_batch_p_half_leaves_other_samples_unchanged,
    check_batch_samples_match_single_image_kernel,
    check_identity_parameters_return_the_input_exactly,
    check_override_matches_generic,
    make_image,
    one,
    random_image,
)

STANDARD = np.asarray(S.STAIN_MATRICES["standard"], np.float32)


def _tissue(seed: int = 0, shape=(32, 40, 3), dtype: str = "uint8") -> np.ndarray:
    """A pink-and-purple, H&E-like image with a white background corner."""
    rng = np.random.default_rng(seed)
    h, w = shape[-3], shape[-2]
    purple, pink = np.array([120, 80, 170.0]), np.array([220, 130, 190.0])
    mix = rng.random((h, w, 1))
    img = mix * purple + (1 - mix) * pink + rng.normal(0, 12, (h, w, 3))
    img[: h // 4, : w // 4] = 245
    img = np.clip(img, 0, 255)
    if dtype == "float32":
        return (img / 255).astype(np.float32)
    if dtype == "uint16":
        return (img * 257).astype(np.uint16)
    return img.astype(np.uint8)


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(S.he_stain)
def test_he_stain_golden_white_background_shift(xp):
    white = np.full((1, 2, 3), 255, np.uint8)
    # background (luminosity 1 >= 0.85) is left alone: od = 0 maps to 0 -> white
    out = xp.to_numpy(S.he_stain(xp.asarray(white), STANDARD, (1.3, 0.7), (0.1, 0.0), True, False))
    assert out.tolist() == [[[255, 255, 255]] * 2]
    # augment_background: od' = M^T (c * s + t) = 0.1 * (0.65, 0.70, 0.29) -> exp(-od') * 255 =
    # 238.95, 237.76, 247.71 -> 239, 238, 248
    out = xp.to_numpy(S.he_stain(xp.asarray(white), STANDARD, (1.3, 0.7), (0.1, 0.0), True, True))
    assert out.tolist() == [[[239, 238, 248]] * 2]
    # float32: exp(-0.065), exp(-0.07), exp(-0.029)
    wf = np.ones((1, 1, 3), np.float32)
    got = xp.to_numpy(S.he_stain(xp.asarray(wf), STANDARD, (1.0, 1.0), (0.1, 0.0), True, True))
    np.testing.assert_allclose(got[0, 0], np.exp([-0.065, -0.07, -0.029]), rtol=0, atol=2e-6)


@pytest.mark.golden.with_args(S.he_stain)
def test_he_stain_golden_black_and_unapplied_samples(xp):
    # black: od = -log(1e-6) = 13.8 everywhere, reconstructed >= 13.8 * 0.9 -> exp < 1e-5 -> 0
    batch = np.zeros((2, 1, 2, 3), np.uint8)
    batch[1] = 255
    stains = np.stack([STANDARD, STANDARD])
    out = xp.to_numpy(
        S.he_stain(xp.asarray(batch), stains, [(1, 1)] * 2, [(0.1, 0)] * 2, [True, False], True)
    )
    assert out[0].tolist() == [[[0, 0, 0]] * 2]
    assert out[1].tolist() == [[[255, 255, 255]] * 2]  # not applied: unchanged (else 239, 238, 248)


# ------------------------------------------------------------------------------------------ parity
def _stain_args(rng, n, channels, dtype, background=False):
    k = 1 if n is None else n
    stain = S.preset_matrices(rng.integers(0, len(S.PRESETS), k))
    scale, shift = rng.uniform(0.5, 1.5, (k, 2)), rng.uniform(-0.3, 0.3, (k, 2))
    on = rng.random(k) < 0.8
    if n is None:
        return (stain[0], scale[0], shift[0], True, background)
    on[0] = True
    return (stain, scale, shift, on, background)


PARITY = {
    "he_stain": (S.he_stain, _stain_args, 1, 2e-5),
    "he_stain_background": (S.he_stain, lambda *a: _stain_args(*a, background=True), 1, 2e-5),
}


# the OpenCV override: cv2.transform accumulates in double (the generic in float32): 1 level, 2e-5
@pytest.mark.parity.with_args("numpy_cv2", S.he_stain)
@pytest.mark.parametrize("case", sorted(PARITY))
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_he_stain_override_matches_generic(case, dtype, batch):
    declined = {(case, "uint16")}  # the generic kernel serves uint16
    check_override_matches_generic(PARITY[case], case, dtype, 3, batch, declined)


# the CUDA kernel: the same float32 steps in the same order (on a GPU, logf / expf may differ by 1 ulp)
@pytest.mark.parity.with_args("cupy", S.he_stain)
@pytest.mark.parametrize("background", [False, True])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_he_stain_cupy_matches_generic(cupy, background, dtype, batch):
    rng = np.random.default_rng(zlib.crc32(f"{background}-{dtype}-{batch}".encode()))
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 9, 13, 3) if n else (9, 13, 3))
    args = _stain_args(rng, n, 3, dtype, background)
    want = np.asarray(S.he_stain.generic(img, *args))
    got = cupy.asnumpy(S.he_stain(cupy.asarray(img), *args))
    assert got.dtype == want.dtype and got.shape == want.shape
    if dtype == "float32":
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)
    else:
        assert np.abs(got.astype(np.int64) - want.astype(np.int64)).max() <= 1


# ----------------------------------------------------------------------------- albumentations
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("background", [False, True])
@pytest.mark.parametrize("preset", ["standard", "ruifrok", "dark", "high_contrast"])
def test_he_stain_matches_albumentations_presets(dtype, background, preset):
    alb = pytest.importorskip("albumentations")
    img = _tissue(1, dtype=dtype)
    kw = {
        "method": "preset",
        "preset": preset,
        "intensity_scale_range": (1.25, 1.25),
        "intensity_shift_range": (-0.1, -0.1),
        "augment_background": background,
        "p": 1,
    }
    want = alb.HEStain(**kw)(image=img)["image"]
    got = A.HEStain(**kw)(image=img)["image"]
    assert got.dtype == want.dtype and got.shape == want.shape
    if dtype == "uint8":
        assert np.abs(got.astype(int) - want.astype(int)).max() <= 1
    else:
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_he_stain_estimators_match_albumentations():
    pytest.importorskip("albumentations")
    from albumentations.augmentations.pixel import functional as AF

    for seed in range(3):
        img = _tissue(seed)
        fit = AF.get_normalizer("vahadane")
        fit.fit(img)
        np.testing.assert_allclose(S.vahadane_matrix(img), fit.stain_matrix_target, atol=1e-4)
    # Macenko: albumentations reads OpenCV's eigenvector rows as columns (docs/differences.md), so its
    # matrix is not compared; test_he_stain_estimators_recover_known_stains checks ours


def test_he_stain_estimators_recover_known_stains():
    # an image made of two known stains' concentrations gives those stains back (Macenko)
    rng = np.random.default_rng(0)
    stains = np.asarray(S.STAIN_MATRICES["standard"], np.float64)
    stains /= np.linalg.norm(stains, axis=1, keepdims=True)
    conc = rng.uniform(0, 1.5, (4000, 2))
    conc[:200, 1] = 0
    conc[200:400, 0] = 0
    img = np.exp(-(conc @ stains)).reshape(40, 100, 3).astype(np.float32)
    np.testing.assert_allclose(S.macenko_matrix(img), stains, atol=0.02)
    got = S.vahadane_matrix(img)
    # the plain multiplicative NMF (albumentations' algorithm) gives unit, non-negative stain rows
    assert got.shape == (2, 3) and np.all(got >= 0)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    # no tissue at all: the Ruifrok reference
    np.testing.assert_allclose(
        S.macenko_matrix(np.full((4, 4, 3), 255, np.uint8)), S.STAIN_MATRICES["ruifrok"]
    )


# --------------------------------------------------------------------------------- behaviour
@pytest.mark.parametrize("method", ["preset", "random_preset", "macenko", "vahadane"])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_he_stain_invariants(method, dtype):
    img = _tissue(2, dtype=dtype)
    t = A.HEStain(method=method, p=1)
    out = one(t, img, seed=3)
    assert out.dtype == img.dtype and out.shape == img.shape
    np.testing.assert_array_equal(one(t, img, seed=3), out)
    assert not np.array_equal(out, img)
    # the background corner (luminosity >= 0.85) only moves by the projection on the stains' plane
    corner = out[:8, :10].astype(np.float64) / {"uint8": 255, "uint16": 65535}.get(dtype, 1)
    assert (
        np.abs(corner - img[:8, :10].astype(np.float64) / {"uint8": 255, "uint16": 65535}.get(dtype, 1)).max()
        < 0.1
    )
    t.p = 0.0
    np.testing.assert_array_equal(one(t, img, seed=3), img)


@pytest.mark.parametrize("method", ["random_preset", "macenko"])
def test_he_stain_batch_per_sample(method):
    t = A.HEStain(method=method, p=1)
    check_batch_samples_match_single_image_kernel(_np(), t, lambda img, params: t.apply_image(img, params))
    check_identity_parameters_return_the_input_exactly(_np(), t, "uint8")
    imgs = np.stack([_tissue(s, (12, 14, 3)) for s in range(4)])
    params = t.sample_data(
        np.random.default_rng(1), A.core.state.State(shape=(12, 14), batch=4, images={"image": imgs})
    )
    assert np.asarray(params.stain).shape == (4, 2, 3)
    if method == "macenko":  # estimated per sample
        for i in range(4):
            np.testing.assert_allclose(params.stain[i], S.macenko_matrix(imgs[i]))


@pytest.mark.parametrize("method", ["random_preset", "macenko"])
def test_he_stain_cupy_pipeline_matches_numpy(cupy, method):
    imgs = np.stack([_tissue(s, (10, 12, 3)) for s in range(3)])
    want = A.Compose([A.HEStain(method=method, p=0.7)], seed=4).batch(images=imgs)["images"]
    got = A.Compose([A.HEStain(method=method, p=0.7)], seed=4).batch(images=cupy.asarray(imgs))["images"]
    assert isinstance(got, cupy.ndarray)
    assert np.abs(cupy.asnumpy(got).astype(int) - want.astype(int)).max() <= 1


def _np():
    class _B:
        xp = np

        @staticmethod
        def asarray(x):
            return np.asarray(x)

        @staticmethod
        def to_numpy(x):
            return np.asarray(x)

    return _B


def test_he_stain_refuses_non_rgb_and_bad_arguments():
    with pytest.raises(ValueError, match="HEStain: needs an RGB image"):
        one(A.HEStain(p=1), make_image("uint8", (6, 7, 4)))
    with pytest.raises(ValueError, match="HEStain: needs an RGB image"):
        one(A.HEStain(method="macenko", p=1), make_image("uint8", (6, 7)))
    with pytest.raises(ValueError, match="method"):
        A.HEStain(method="nmf")
    with pytest.raises(ValueError, match="preset"):
        A.HEStain(method="preset", preset="pale")
    with pytest.raises(ValueError, match="preset"):
        A.HEStain(method="random_preset", preset="dark")
    with pytest.raises(ValueError, match="intensity_scale_range"):
        A.HEStain(intensity_scale_range=(-0.1, 1))
    with pytest.raises(ValueError, match="intensity_scale_range"):
        A.HEStain(intensity_scale_range=(float("nan"), 1))
    with pytest.raises(ValueError, match="intensity_shift_range"):
        A.HEStain(intensity_shift_range=(-1.5, 0))
    with pytest.raises(ValueError, match="intensity_shift_range"):
        A.HEStain(intensity_shift_range=(0.2, 0.1))
    with pytest.raises(TypeError, match="augment_background"):
        A.HEStain(augment_background=1)
    assert A.HEStain(method="preset").preset == "standard"
    assert A.HEStain().method == "random_preset" and A.HEStain().preset is None
    assert A.HEStain.host_syncs == 0 and A.HEStain(method="vahadane").host_syncs == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A.HEStain(method="macenko", preset="dark")  # ignored, as albumentations


# -------------------------------------------------------------------------------------- ChannelSwap
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_channel_swap_reorders_and_batches_per_sample(xp, dtype):
    img = make_image(dtype, (5, 6, 3), seed=1)
    out = xp.to_numpy(one(A.ChannelSwap(p=1), xp.asarray(img)))
    np.testing.assert_array_equal(out, img[..., ::-1])
    four = make_image(dtype, (5, 6, 4), seed=2)
    out = xp.to_numpy(one(A.ChannelSwap((3, 0, 2, 1), p=1), xp.asarray(four)))
    np.testing.assert_array_equal(out, four[..., [3, 0, 2, 1]])
    t = A.ChannelSwap((1, 2, 0), p=0.5)
    check_batch_p_half_leaves_other_samples_unchanged(
        xp, t, lambda x: xp.asarray(xp.to_numpy(x)[..., [1, 2, 0]]), dtype
    )


def test_channel_swap_refuses_bad_orders_and_other_channel_counts():
    with pytest.raises(ValueError, match="ChannelSwap: channel_order"):
        one(A.ChannelSwap(p=1), make_image("uint8", (4, 5, 4)))
    with pytest.raises(ValueError, match="ChannelSwap: channel_order"):
        one(A.ChannelSwap(p=1), make_image("uint8", (4, 5)))
    np.testing.assert_array_equal(
        one(A.ChannelSwap((0,), p=1), make_image("uint8", (4, 5))), make_image("uint8", (4, 5))
    )
    for bad in ((0, 0, 1), (1, 2, 3), ()):
        with pytest.raises(ValueError, match="channel_order"):
            A.ChannelSwap(bad)
    for bad in ((0, 1.5, 2), (True, 0), "210", 2):
        with pytest.raises((TypeError, ValueError), match="channel_order"):
            A.ChannelSwap(bad)
    assert A.ChannelSwap([2, 0, 1]).channel_order == (2, 0, 1)
    assert A.ChannelSwap().channel_order == (2, 1, 0) and A.ChannelSwap().p == 0.5


# ------------------------------------------------------------------------------- PhotoMetricDistort
FIXED = {"brightness_range": (1.2, 1.2), "contrast_range": (0.8, 0.8), "saturation_range": (1.3, 1.3)}


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_photometric_distort_is_color_jitter_then_a_permutation(xp, dtype):
    img = make_image(dtype, (6, 7, 3), seed=4)
    f = (1.2, 0.8, 1.3, 0.1)
    orders = [(0, 1, 2, 3), (0, 2, 3, 1)]  # contrast before / after saturation and hue
    jittered = [xp.to_numpy(FC.color_jitter(xp.asarray(img), f, o)) for o in orders]  # on the same backend
    seen = set()
    for seed in range(12):
        t = A.PhotoMetricDistort(**FIXED, hue_range=(0.1, 0.1), distort_p=1, p=1)
        out = xp.to_numpy(one(t, xp.asarray(img), seed=seed))
        hits = [
            (k, perm)
            for k, j in enumerate(jittered)
            for perm in _perms(3)
            if np.array_equal(out, j[..., list(perm)])
        ]
        assert hits, f"seed {seed}: not ColorJitter's steps then a channel permutation"
        seen.update(hits)
    assert {k for k, _ in seen} == {0, 1} and len({p for _, p in seen}) > 1
    t = A.PhotoMetricDistort(**FIXED, distort_p=0, p=1)  # no step drawn: the image itself
    np.testing.assert_array_equal(xp.to_numpy(one(t, xp.asarray(img))), img)


def _perms(c):
    import itertools

    return list(itertools.permutations(range(c)))


def test_photometric_distort_steps_are_drawn_with_distort_p_per_sample():
    t = A.PhotoMetricDistort(distort_p=0.3, p=1)
    state = A.core.state.State(
        shape=(4, 5), batch=4000, images={"image": np.zeros((4000, 4, 5, 3), np.uint8)}
    )
    params = t.sample_data(np.random.default_rng(0), state)
    drawn = params.factors != np.asarray(FC.JITTER_IDENTITY)
    np.testing.assert_allclose(drawn.mean(axis=0), 0.3, atol=0.03)
    np.testing.assert_allclose(np.mean(params.shuffle), 0.3, atol=0.03)
    np.testing.assert_allclose(np.mean(params.order[:, 1] == 1), 0.5, atol=0.03)
    assert np.all(params.order[:, 0] == 0)  # brightness first
    f = params.factors
    assert np.all((f[:, 0] >= 0.875) & (f[:, 0] <= 1.125) & (np.abs(f[:, 3]) <= 0.05))
    check_batch_samples_match_single_image_kernel(
        _np(),
        A.PhotoMetricDistort(distort_p=1, p=1),
        lambda img, prm: A.PhotoMetricDistort(p=1).apply_image(img, prm),
    )


def test_photometric_distort_gray_and_bad_arguments():
    gray = make_image("uint8", (5, 6), seed=1)
    out = one(A.PhotoMetricDistort(**FIXED, distort_p=1, p=1), gray)
    assert out.shape == gray.shape
    with pytest.raises(ValueError, match="PhotoMetricDistort: needs a 3-channel RGB image"):
        one(A.PhotoMetricDistort(p=1), make_image("uint8", (5, 6, 4)))
    for kw, exc in (
        ({"brightness_range": (-0.1, 1)}, ValueError),
        ({"contrast_range": (float("nan"), 1)}, ValueError),
        ({"saturation_range": (1.5, 0.5)}, ValueError),
        ({"hue_range": (-0.6, 0)}, ValueError),
        ({"distort_p": 1.5}, ValueError),
        ({"distort_p": True}, TypeError),
    ):
        with pytest.raises(exc, match=next(iter(kw))):
            A.PhotoMetricDistort(**kw)
    t = A.PhotoMetricDistort()
    assert (t.brightness_range, t.contrast_range, t.saturation_range, t.hue_range) == (
        (0.875, 1.125),
        (0.5, 1.5),
        (0.5, 1.5),
        (-0.05, 0.05),
    )
    assert t.distort_p == 0.5 and t.p == 0.5


__all__ = [
    "test_he_stain_golden_white_background_shift",
    "test_he_stain_golden_black_and_unapplied_samples",
    "test_he_stain_override_matches_generic",
    "test_he_stain_cupy_matches_generic",
    "test_he_stain_matches_albumentations_presets",
    "test_he_stain_estimators_match_albumentations",
    "test_he_stain_estimators_recover_known_stains",
    "test_he_stain_invariants",
    "test_he_stain_batch_per_sample",
    "test_he_stain_cupy_pipeline_matches_numpy",
    "test_he_stain_refuses_non_rgb_and_bad_arguments",
    "test_channel_swap_reorders_and_batches_per_sample",
    "test_channel_swap_refuses_bad_orders_and_other_channel_counts",
    "test_photometric_distort_is_color_jitter_then_a_permutation",
    "test_photometric_distort_steps_are_drawn_with_distort_p_per_sample",
    "test_photometric_distort_gray_and_bad_arguments",
]
