"""Domain adaptation: FDA, HistogramMatching, PixelDistributionAdaptation (their kernels in
``xalbu.functional.domain`` and the numpy_cv2 overrides).

Golden values are worked out by hand on tiny arrays and run over the ``xp`` fixture (NumPy with
its overrides, array_api_strict and CuPy on the harness run the generic kernels). FDA and histogram
matching are compared with albumentations 2.0.8's functions (within one level: its inverse FFT's
rounding and its float32 weighted sum); pixel distribution adaptation with a straightforward
reference implementation of the published algorithm (qudida / albumentations 1.x), because
albumentations 2.0.8 blends [0, 1] values into 0-255 images (see ``test_albumentations_pda_is_broken``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import domain as D

from ._pointwise import run


def _rand(rng: np.random.Generator, shape: tuple[int, ...], lo: int = 0, hi: int = 256) -> np.ndarray:
    return rng.integers(lo, hi, shape, dtype=np.uint8)


# ------------------------------------------------------------------------------------------- golden
@pytest.mark.golden.with_args(D.fourier_domain_adaptation)
def test_fda_swaps_the_zero_frequency(xp):
    # 8x8, beta 0.3: border floor(8 * 0.3) = 2 around 3.5 -> shifted rows/cols 1..4, holding the DC
    # (shifted index 4): a constant image takes the constant reference's level
    img, ref = np.full((8, 8, 1), 10, np.uint8), np.full((8, 8, 1), 200, np.float32)
    out = np.asarray(xp.to_numpy(D.fourier_domain_adaptation(xp.asarray(img), xp.asarray(ref), 0.3)))
    assert out.tolist() == np.full((8, 8, 1), 200).tolist()
    # beta 0.2: border 1 -> rows 2..3, the DC (index 4) stays: the image is kept
    out = np.asarray(xp.to_numpy(D.fourier_domain_adaptation(xp.asarray(img), xp.asarray(ref), 0.2)))
    assert out.tolist() == img.tolist()


def test_fda_beta_zero_keeps_the_image(xp, rng):
    img = _rand(rng, (9, 14, 3))
    out = run(xp, lambda x, r: D.fourier_domain_adaptation(x, r, 0.0), img, "uint8", xp.asarray(img * 1.0))
    np.testing.assert_array_equal(out, img)


def test_fda_window():
    # 10x7, beta 0.25: border floor(7 * 0.25) = 1, centre (4.5, 3.0): rows int(3.5)..int(5.5), cols 2..4;
    # beta 0.5: border 3: rows int(1.5)..int(7.5), cols 0..6
    assert D.fda_window(10, 7, 0.25).tolist() == [[3, 5, 2, 4]]
    assert D.fda_window(10, 7, np.array([0.0, 0.5])).tolist() == [[4, 4, 3, 3], [1, 7, 0, 6]]


@pytest.mark.golden.with_args(D.histogram_matching)
def test_histogram_matching_levels(xp):
    img = np.arange(4, dtype=np.uint8).reshape(2, 2, 1)
    ref = np.array([10, 20, 30, 40], np.uint8).reshape(2, 2, 1)
    # quantiles 1/4..4/4 on both sides: each level takes the reference's level of the same rank
    assert run(xp, D.histogram_matching, img, "uint8", xp.asarray(ref), 1.0).ravel().tolist() == [
        10,
        20,
        30,
        40,
    ]
    # half way, float32 and half to even: 5, 10.5 -> 10, 16, 21.5 -> 22
    assert run(xp, D.histogram_matching, img, "uint8", xp.asarray(ref), 0.5).ravel().tolist() == [
        5,
        10,
        16,
        22,
    ]
    # between present levels: source quantiles 0.5 and 1 against reference levels 0 (1/4) and 100 (1)
    img2 = np.array([5, 5, 9, 9], np.uint8).reshape(2, 2, 1)
    ref2 = np.array([0, 100, 100, 100], np.uint8).reshape(2, 2, 1)
    # 0.5 lies 1/3 of the way from 0.25 to 1: 33.33 -> 33
    assert run(xp, D.histogram_matching, img2, "uint8", xp.asarray(ref2), 1.0).ravel().tolist() == [
        33,
        33,
        100,
        100,
    ]
    f = run(xp, D.histogram_matching, img.astype(np.float32) / 255, "float32", xp.asarray(ref), 1.0)
    np.testing.assert_allclose(f.ravel() * 255, [10, 20, 30, 40], atol=1e-4)


@pytest.mark.golden.with_args(D.pixel_distribution)
@pytest.mark.parametrize("kind", D.TRANSFORM_TYPES)
def test_pixel_distribution_levels(xp, kind):
    img = np.array([0, 0, 100, 100], np.uint8).reshape(2, 2, 1)
    ref = np.array([50, 50, 150, 150], np.uint8).reshape(2, 2, 1)
    # same spread, mean 50 -> 100 (levels): every map is a shift by 50
    assert run(xp, D.pixel_distribution, img, "uint8", xp.asarray(ref), 1.0, kind).ravel().tolist() == [
        50,
        50,
        150,
        150,
    ]
    # half way: floor(0 * 0.5 + 50 * 0.5) = 25, floor(100 * 0.5 + 150 * 0.5) = 125
    assert run(xp, D.pixel_distribution, img, "uint8", xp.asarray(ref), 0.5, kind).ravel().tolist() == [
        25,
        25,
        125,
        125,
    ]


def test_pixel_distribution_scales(xp):
    img = np.array([0, 0, 100, 100], np.uint8).reshape(2, 2, 1)
    ref = np.array([0, 0, 200, 200], np.uint8).reshape(2, 2, 1)
    # standard / minmax double the spread: 0 -> 0, 100 -> 200
    for kind in ("standard", "minmax"):
        out = run(xp, D.pixel_distribution, img, "uint8", xp.asarray(ref), 1.0, kind)
        assert out.ravel().tolist() == [0, 0, 200, 200], kind
    # PCA keeps the spread (a rotation, no whitening): 0 -> 50, 100 -> 150
    out = run(xp, D.pixel_distribution, img, "uint8", xp.asarray(ref), 1.0, "pca")
    assert out.ravel().tolist() == [50, 50, 150, 150]


def test_batches_take_per_sample_references_and_ratios(xp, rng):
    imgs, refs = _rand(rng, (3, 9, 11, 3)), _rand(rng, (3, 9, 11, 3), 40)
    ratios, betas = np.array([1.0, 0.3, 0.0]), np.array([0.1, 0.5, 0.0])
    cases = [
        (D.histogram_matching, refs, (ratios,)),
        (D.pixel_distribution, refs, (ratios, "pca")),
        (D.fourier_domain_adaptation, refs.astype(np.float32), (betas,)),
    ]
    for kern, ref, rest in cases:
        out = run(xp, kern, imgs, "uint8", xp.asarray(ref), *rest)
        for i in range(3):
            one = [r[i] if isinstance(r, np.ndarray) else r for r in rest]
            alone = run(xp, kern, imgs[i], "uint8", xp.asarray(ref[i]), *one)
            np.testing.assert_array_equal(out[i], alone, err_msg=kern.__name__)


# --------------------------------------------------------------------------------- albumentations
alb_fn = pytest.importorskip("albumentations.augmentations.mixing.domain_adaptation_functional")


@pytest.mark.parametrize("shape", [(17, 23, 3), (16, 16, 1), (20, 31, 6)])
@pytest.mark.parametrize("beta", [0.05, 0.2, 0.5])
def test_fda_matches_albumentations(rng, shape, beta):
    img, ref = _rand(rng, shape, 0, 200), _rand(rng, shape, 50)
    want = alb_fn.fourier_domain_adaptation(img, ref, beta).reshape(shape)
    got = D.fourier_domain_adaptation(img, ref.astype(np.float32), beta)
    assert np.abs(got.astype(int) - want).max() <= 1
    f = img.astype(np.float32) / 255
    want = alb_fn.fourier_domain_adaptation(f, ref.astype(np.float32) / 255, beta).reshape(shape)
    np.testing.assert_allclose(
        D.fourier_domain_adaptation(f, ref.astype(np.float32) / 255, beta), want, atol=1e-5
    )


def test_fda_beta_zero_differs_from_albumentations_by_its_rounding(rng):
    """albumentations truncates an inverse FFT of the unchanged spectrum: levels one lower here and
    there (docs/differences.md); xalbu keeps the image."""
    img = _rand(rng, (17, 23, 3))
    want = alb_fn.fourier_domain_adaptation(img, img, 0.0)
    assert (want != img).any() and np.abs(want.astype(int) - img).max() == 1
    np.testing.assert_array_equal(D.fourier_domain_adaptation(img, img.astype(np.float32), 0.0), img)


@pytest.mark.parametrize("shape", [(17, 23, 3), (16, 16, 1), (20, 31, 6)])
@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.73])
def test_histogram_matching_matches_albumentations(rng, shape, ratio):
    img, ref = _rand(rng, shape, 0, 200), _rand(rng, shape, 50)
    want = alb_fn.apply_histogram(img, ref, ratio).reshape(shape)
    for got in (D.histogram_matching(img, ref, ratio), D.histogram_matching.generic(img, ref, ratio)):
        assert np.abs(got.astype(int) - want).max() <= 1
        assert np.mean(got != want) < 0.03  # its SIMD weighted sum rounds a few halves otherwise
    f = img.astype(np.float32) / 255
    want = alb_fn.apply_histogram(f, ref, ratio).reshape(shape)
    np.testing.assert_allclose(D.histogram_matching(f, ref, ratio), want, atol=1e-6)


def _pda_reference(img: np.ndarray, ref: np.ndarray, kind: str, weight: float) -> np.ndarray:
    """qudida's algorithm (albumentations 1.x) on uint8 HWC images, per channel maps only."""
    x = img.reshape(-1, img.shape[-1]).astype(np.float64) / 255
    t = ref.reshape(-1, ref.shape[-1]).astype(np.float64) / 255
    if kind == "standard":
        cs, ss, ct, st = x.mean(0), x.std(0), t.mean(0), t.std(0)
    else:
        cs, ss, ct, st = x.min(0), np.ptp(x, 0), t.min(0), np.ptp(t, 0)
    ss, st = np.where(ss == 0, 1, ss), np.where(st == 0, 1, st)
    adapted = np.floor(np.clip((x - cs) / ss * st + ct, 0, 1) * 255)
    return np.floor(x * 255 * (1 - weight) + adapted * weight).astype(np.uint8).reshape(img.shape)


@pytest.mark.parametrize("kind", ["standard", "minmax"])
@pytest.mark.parametrize("shape", [(17, 23, 3), (16, 16, 1), (9, 10, 6)])
def test_pixel_distribution_matches_the_published_algorithm(rng, kind, shape):
    img, ref = _rand(rng, shape, 0, 200), _rand(rng, shape, 50)
    want = _pda_reference(img, ref, kind, 0.6)
    for got in (D.pixel_distribution(img, ref, 0.6, kind), D.pixel_distribution.generic(img, ref, 0.6, kind)):
        assert np.abs(got.astype(int) - want).max() <= 1 and np.mean(got != want) < 0.01


def test_pixel_distribution_pca_moves_the_colour_statistics(rng):
    img = (rng.normal(80, 20, (40, 50, 3)) * [1, 0.5, 0.8]).clip(0, 255).astype(np.uint8)
    ref = (rng.normal(170, 20, (40, 50, 3)) * [0.6, 1, 0.9]).clip(0, 255).astype(np.uint8)
    out = D.pixel_distribution(img, ref, 1.0, "pca")
    np.testing.assert_allclose(out.reshape(-1, 3).mean(0), ref.reshape(-1, 3).mean(0), atol=1.5)


def test_albumentations_pda_is_broken(rng):
    """albumentations 2.0.8 blends its [0, 1] adapted pixels into the 0-255 image: with weight 1 a
    uint8 image comes out black; xalbu gives the adapted image (docs/differences.md)."""
    img, ref = _rand(rng, (8, 10, 3), 0, 128), _rand(rng, (8, 10, 3), 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert alb_fn.adapt_pixel_distribution(img, ref, "standard", 1.0).max() <= 1
    assert D.pixel_distribution(img, ref, 1.0, "standard").mean() > 100


# ------------------------------------------------------------------------------------------- parity
@pytest.mark.parity.with_args("numpy_cv2", D.histogram_matching, D.pixel_distribution)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_overrides_match_generic(rng, dtype, channels, batch):
    shape = (3, 13, 17, channels) if batch else (13, 17, channels)
    img, ref = _rand(rng, shape, 0, 220), _rand(rng, shape, 30)
    x = img.astype(np.float32) / 255 if dtype == "float32" else img
    ratio = rng.random(3) if batch else 0.37
    scale = 255.0 if dtype == "float32" else 1.0
    got, want = D.histogram_matching(x, ref, ratio), D.histogram_matching.generic(x, ref, ratio)
    np.testing.assert_array_equal(got, want)  # exact: the same tables
    for kind in D.TRANSFORM_TYPES:  # within one level: statistics summed in another order, PCA in float32
        got, want = (
            D.pixel_distribution(x, ref, ratio, kind),
            D.pixel_distribution.generic(x, ref, ratio, kind),
        )
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64)) * scale
        assert diff.max() <= 1.0 + 1e-3 and np.mean(diff > 0.01) < 0.05, kind


@pytest.mark.parity.with_args("numpy_cv2", D.fourier_domain_adaptation)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_fda_override_matches_generic_exactly(rng, dtype, channels, batch):
    """Only the window's frequencies mutated, per sample, the FFTs into reused buffers: the same
    bits as the generic's whole-spectrum formula (weight 0 outside the window), odd and even sizes,
    a window over the whole spectrum (beta 0.6), no window (beta 0), references of other dtypes."""
    assert D.fourier_domain_adaptation.overrides["numpy_cv2"] is not None
    for size in ((13, 17), (16, 16), (12, 31)):
        shape = (3, *size, channels) if batch else (*size, channels)
        img, ref = _rand(rng, shape, 0, 220), _rand(rng, shape, 30)
        x = img.astype(np.float32) / 255 if dtype == "float32" else img
        for beta in (np.array([0.05, 0.6, 0.0]) if batch else 0.2, 0.6, 0.0):
            for r in (ref, ref.astype(np.float32)):
                got = D.fourier_domain_adaptation(x, r, beta)
                want = D.fourier_domain_adaptation.generic(x, r, beta)
                assert got.dtype == want.dtype and got.shape == want.shape
                np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------------------- transforms
def test_references_from_the_call_and_from_reference_images(rng):
    img, ref = _rand(rng, (20, 24, 3)), _rand(rng, (30, 20, 3), 100)
    a = A.HistogramMatching(blend_ratio=(1, 1), p=1)(image=img, hm_metadata=[ref])["image"]
    b = A.HistogramMatching(reference_images=["x"], read_fn=lambda _: ref, blend_ratio=(1, 1), p=1)(
        image=img
    )["image"]
    np.testing.assert_array_equal(a, b)
    c = A.HistogramMatching(metadata_key="refs", blend_ratio=(1, 1), p=1)(image=img, refs=[ref])["image"]
    np.testing.assert_array_equal(a, c)
    assert a.mean() > 100  # the reference's brightness


def test_reference_choice_and_batches(rng):
    imgs = _rand(rng, (6, 12, 16, 3))
    refs = [_rand(rng, (12, 16, 3), lo) for lo in (0, 200)]
    pipe = A.Compose([A.FDA(beta_limit=(0.2, 0.4), p=1)], seed=5)
    out = pipe.batch(images=imgs, fda_metadata=refs)["images"]
    assert out.shape == imgs.shape and out.dtype == np.uint8
    single = A.Compose([A.FDA(beta_limit=(0.2, 0.4), p=1)], seed=5)
    outs = [single(image=imgs[i], fda_metadata=refs)["image"] for i in range(6)]
    assert len({int(o.mean() > 175) for o in outs}) == 2  # both references drawn (means 127 and 227)


@pytest.mark.parametrize("cls", [A.FDA, A.HistogramMatching, A.PixelDistributionAdaptation])
def test_errors_name_the_argument(cls, rng):
    img = _rand(rng, (8, 8, 3))
    with pytest.raises(ValueError, match="needs reference images.*_metadata"):
        cls(p=1)(image=img)
    with pytest.raises(ValueError, match=r"_metadata\[0\].*3 channel.*the image 1"):
        cls(p=1)(image=img[..., 0], **{cls().metadata_key: [img]})
    with pytest.raises(ValueError, match="read_fn"):
        cls(reference_images=["a"], read_fn=None)
    with pytest.raises(TypeError, match="metadata_key"):
        cls(metadata_key=3)
    with pytest.raises(TypeError, match="uint8 or float32"):
        cls(p=1)(image=img.astype(np.uint16), **{cls().metadata_key: [img]})


def test_argument_ranges():
    with pytest.raises(ValueError, match="beta_limit"):
        A.FDA(beta_limit=(0, 0.6))
    assert A.FDA(beta_limit=0.3).beta_limit == (0.0, 0.3)
    with pytest.raises(ValueError, match="blend_ratio"):
        A.HistogramMatching(blend_ratio=(0.5, 1.5))
    with pytest.raises(ValueError, match="transform_type"):
        A.PixelDistributionAdaptation(transform_type="zca")


def test_saved_without_the_default_read_fn():
    t = A.PixelDistributionAdaptation(transform_type="minmax", p=0.4)
    node = A.to_dict(t)["transform"]
    assert "read_fn" not in node and node["transform_type"] == "minmax"
    assert A.from_dict(A.to_dict(t)).read_fn is t.read_fn
    with pytest.raises(A.SerializationError, match="read_fn"):
        A.to_dict(A.FDA(reference_images=["a"], read_fn=lambda p: p))


def test_masks_and_float_images_pass(rng):
    img, ref, mask = _rand(rng, (10, 12, 3)), _rand(rng, (10, 12, 3)), _rand(rng, (10, 12), 0, 3)
    for cls in (A.FDA, A.HistogramMatching, A.PixelDistributionAdaptation):
        out = cls(p=1)(image=img.astype(np.float32) / 255, mask=mask, **{cls().metadata_key: [ref]})
        assert out["image"].dtype == np.float32 and 0 <= out["image"].min() and out["image"].max() <= 1
        np.testing.assert_array_equal(out["mask"], mask)


def test_cupy_runs_the_generic_kernels(cupy, rng):
    """On CuPy (the CPU harness without a GPU) the generic kernels run as on the host, batches too."""
    imgs, refs = _rand(rng, (2, 10, 13, 3)), _rand(rng, (2, 10, 13, 3), 60)
    ratios = np.array([0.8, 0.4])
    cases = [
        (D.histogram_matching, refs, (ratios,)),
        (D.pixel_distribution, refs, (ratios, "pca")),
        (D.pixel_distribution, refs, (ratios, "minmax")),
        (D.fourier_domain_adaptation, refs.astype(np.float32), (np.array([0.1, 0.4]),)),
    ]
    for kern, ref, rest in cases:
        got = cupy.asnumpy(kern(cupy.asarray(imgs), cupy.asarray(ref), *rest))
        np.testing.assert_array_equal(got, kern.generic(imgs, ref, *rest), err_msg=kern.__name__)
