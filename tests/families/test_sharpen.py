"""Sharpen family: the host kernel builders (sharpen, emboss, Gaussian sharpen, sinc, Gaussian taps,
Bessel J1), the ``sharpen``, ``emboss`` and ``unsharp_mask`` kernels (golden values over every backend,
numpy_cv2 and CuPy parity) and the transforms Sharpen, Emboss, UnsharpMask and RingingOvershoot (exact values through
the shared ``convolve`` on every backend, albumentations 2.0.8 parity, invariants, batches,
arguments).

Stated tolerances:

- ``sharpen`` (uint8: box sum + ``cv2.addWeighted``) and ``emboss`` (uint8 / uint16:
  ``cv2.filter2D``), numpy_cv2 overrides vs generic: within 1 level, under 1% of the values (a float
  tie rounded the other way). On CuPy both are ``convolve`` (its CUDA override: one launch per
  batch, ``(N, 3, 3)`` kernels).
- ``unsharp_mask``, numpy_cv2 override vs generic: within 1 level (integers; a float tie rounded the
  other way) / 1e-5 (float32); a pixel whose difference from its blur lies within float rounding of
  ``threshold`` may take the other side of the mask, which moves it and its neighbours by a few
  levels (none in these cases). CuPy override vs generic: bit for bit on the CPU harness (the same
  float32 steps without FMA), within 1 level / 1e-6 on a GPU.
- albumentations 2.0.8 with fixed parameters: Sharpen ("kernel"), Emboss, UnsharpMask,
  RingingOvershoot within 1 level (uint8) / 1e-5 (float32); Sharpen("gaussian") on float32 within
  1e-5. UnsharpMask: but near a difference exactly equal to the threshold (common on uint8 images
  with OpenCV's fixed Gaussian taps), which albumentations decides by float rounding and xalbu as
  exact arithmetic does, "not above" (``xalbu.functional.sharpen.mask_threshold``). Sharpen("gaussian") on uint8 differs on purpose: albumentations subtracts the blur from
  the image in uint8, which wraps around (docs/differences.md); xalbu computes it in float.
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _filter as FF
from xalbu.functional import sharpen as P

from ._pointwise import (
    DTYPES,
    MAXV,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_defaults_and_init_args_round_trip,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    make_image,
    random_image,
    row,
    run,
)


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _diff(a, b) -> np.ndarray:
    return np.abs(np.asarray(a).astype(np.float64) - np.asarray(b).astype(np.float64))


def _within(got, expected, dtype: str, int_tol: int = 1, float_tol: float = 1e-5) -> None:
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    d = _diff(got, expected)
    if dtype == "float32":
        assert d.max(initial=0) <= float_tol, f"max |diff| {d.max()}"
    else:
        assert d.max(initial=0) <= int_tol, f"max |diff| {d.max()}"
        assert np.count_nonzero(d) <= max(2, d.size // 100), "too many off-by-one values"


# ------------------------------------------------------------------------------- kernel builders
def test_sharpen_kernel_values():
    np.testing.assert_array_equal(P.sharpen_kernel(1.0, 1.0), [[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(P.sharpen_kernel(0.0, 5.0), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    # alpha 0.5, lightness 0: 0.5 * identity + 0.5 * (-1 around 8) -> -0.5 around 0.5 + 4
    np.testing.assert_allclose(P.sharpen_kernel(0.5, 0.0), [[-0.5] * 3, [-0.5, 4.5, -0.5], [-0.5] * 3])
    batch = P.sharpen_kernel(np.array([1.0, 0.5]), np.array([1.0, 0.0]))
    assert batch.shape == (2, 3, 3) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch[0], P.sharpen_kernel(1.0, 1.0))
    np.testing.assert_array_equal(batch[1], P.sharpen_kernel(0.5, 0.0))


def test_emboss_kernel_values():
    np.testing.assert_array_equal(P.emboss_kernel(1.0, 0.0), [[-1, 0, 0], [0, 1, 0], [0, 0, 1]])
    # alpha 1, strength 2: [[-3, -2, 0], [-2, 1, 2], [0, 2, 3]]
    np.testing.assert_array_equal(P.emboss_kernel(1.0, 2.0), [[-3, -2, 0], [-2, 1, 2], [0, 2, 3]])
    np.testing.assert_array_equal(P.emboss_kernel(0.0, 2.0), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    batch = P.emboss_kernel(np.array([0.0, 1.0, 0.5]), 2.0)
    np.testing.assert_array_equal(batch[1], P.emboss_kernel(1.0, 2.0))
    np.testing.assert_allclose(batch[2], [[-1.5, -1, 0], [-1, 1, 1], [0, 1, 1.5]])


def test_gaussian_taps_are_opencvs():
    cv2 = pytest.importorskip("cv2")
    np.testing.assert_array_equal(P.gaussian_taps(3, 0.0), [0.25, 0.5, 0.25])
    for k, s in [(1, 0), (3, 0), (5, 0), (7, 0), (9, 0), (11, 0), (15, 0), (5, 1.3), (3, 2.0), (21, 4.0)]:
        ref = cv2.getGaussianKernel(k, s, cv2.CV_64F).ravel()
        np.testing.assert_allclose(P.gaussian_taps(k, s), ref, rtol=0, atol=3e-8, err_msg=f"{k} {s}")
    # per sample: (N, K) with the smaller sizes centred in zeros, each as its own
    sizes, sigmas = np.array([3, 9, 5, 11]), np.array([0.0, 0.0, 1.5, 0.0])
    batch = P.gaussian_taps(sizes, sigmas)
    assert batch.shape == (4, 11) and batch.dtype == np.float32
    for i, (k, s) in enumerate(zip(sizes, sigmas, strict=True)):
        o = (11 - k) // 2
        np.testing.assert_array_equal(batch[i, o : o + k], P.gaussian_taps(int(k), float(s)))
        assert not batch[i, :o].any() and not batch[i, o + k :].any()


def test_gaussian_sharpen_kernel_values():
    k = P.gaussian_sharpen_kernel(1.0, 3, 0.0)  # 2 * identity - outer([1/4, 1/2, 1/4])
    np.testing.assert_array_equal(
        k, [[-1 / 16, -1 / 8, -1 / 16], [-1 / 8, 1.75, -1 / 8], [-1 / 16, -1 / 8, -1 / 16]]
    )
    assert abs(float(k.sum()) - 1.0) < 1e-6
    np.testing.assert_array_equal(P.gaussian_sharpen_kernel(0.0, 5, 1.0), np.pad([[1.0]], 2))
    assert P.gaussian_sharpen_kernel(np.array([0.0, 0.5]), 5, 1.0).shape == (2, 5, 5)


def test_bessel_j1():
    np.testing.assert_allclose(
        P.bessel_j1([0.0, 1.0, 3.8317059702075125]), [0.0, 0.44005058574, 0.0], atol=4e-8
    )
    special = pytest.importorskip("scipy.special")
    x = np.linspace(-90, 90, 20001)
    np.testing.assert_allclose(P.bessel_j1(x), special.j1(x), rtol=0, atol=5e-8)


def test_sinc_kernel_matches_albumentations():
    alb = pytest.importorskip("albumentations")
    for k, c in [(3, 0.5), (7, 0.8), (9, np.pi / 4), (15, 1.5), (15, np.pi), (21, 0.3)]:
        t = alb.RingingOvershoot(blur_limit=(k, k), cutoff=(c, c), p=1)
        np.testing.assert_allclose(P.sinc_kernel(k, c), t.get_params()["kernel"], rtol=0, atol=1e-7)
    assert abs(float(P.sinc_kernel(15, 1.0).sum()) - 1.0) < 1e-6


def test_sinc_kernel_batch_and_identity():
    sizes, cuts = np.array([3, 7, 1, 5]), np.array([1.0, 2.0, 3.0, 0.5])
    batch = P.sinc_kernel(sizes, cuts)
    assert batch.shape == (4, 7, 7) and batch.dtype == np.float32
    for i, (k, c) in enumerate(zip(sizes, cuts, strict=True)):
        o = (7 - k) // 2
        np.testing.assert_allclose(batch[i, o : o + k, o : o + k], P.sinc_kernel(int(k), float(c)), atol=1e-8)
        assert batch[i].sum() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_array_equal(batch[2], np.pad([[1.0]], 3))  # ksize 1: the identity


# ------------------------------------------------------------------------------------ sharpen kernel
@pytest.mark.golden.with_args(P.sharpen)
@pytest.mark.parametrize(
    ("alpha", "lightness", "expected"),
    [
        # centre 9 * 20 - 8 * 10 = 100; (1, 0): 9 * 10 - (6 * 10 + 2 * 20) = -10 -> 0 (reflect-101)
        (1.0, 1.0, [0, 100, 0]),
        # 4.5 x - 0.5 (8 neighbours): centre 90 - 40 = 50; (1, 0): 45 - 0.5 * 100 = -5 -> 0
        (0.5, 0.0, [0, 50, 0]),
        # alpha 0.2, lightness 2: 0.8 + 0.2 * 10 = 2.8 at the centre: 56 - 0.2 * 80 = 40; (1, 0): 28 - 20
        (0.2, 2.0, [8, 40, 8]),
        (0.0, 3.0, [10, 20, 10]),  # alpha 0: the identity
    ],
)
def test_sharpen_golden(xp, alpha, lightness, expected):
    img = np.array([[10, 10, 10], [10, 20, 10], [10, 10, 10]], np.uint8)[..., None]
    out = run(xp, P.sharpen, img, "uint8", alpha, lightness)
    assert out[1, :, 0].tolist() == expected


@pytest.mark.parity.with_args("numpy_cv2", P.sharpen)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_sharpen_numpy_override_matches_generic(channels, batch):
    """uint8 through a box sum and ``cv2.addWeighted``: within 1 level (ties), under 1% of the values."""
    rng = _rng("sharpen", channels, batch)
    n = 4 if batch else None
    img = random_image(rng, "uint8", (n, 31, 23, channels) if n else (31, 23, channels))
    alpha = rng.uniform(0, 1, n) if n else float(rng.uniform(0, 1))
    lightness = rng.uniform(0, 2, n) if n else float(rng.uniform(0, 2))
    got = P.sharpen.overrides["numpy_cv2"](img, alpha, lightness)
    assert got is not NotImplemented
    _within(got, P.sharpen.generic(img, alpha, lightness), "uint8")
    for dtype in ("uint16", "float32"):  # the generic kernel (convolve: cv2.filter2D) serves these
        other = random_image(rng, dtype, img.shape)
        assert P.sharpen.overrides["numpy_cv2"](other, alpha, lightness) is NotImplemented


@pytest.mark.golden.with_args(P.emboss)
@pytest.mark.parametrize(
    ("dtype", "alpha", "strength", "expected"),
    [
        ("uint8", 1.0, 0.0, [0, 140, 0]),  # x - top-left + bottom-right: centre 50 - 0 + 90
        # strength 1: [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]: centre 50 + 2 * 90 = 230; at (1, 2) the
        # right neighbour reflects to (1, 1): -50 + 50 cancel, and the pixel below (90) weighs 1 -> 90
        ("uint8", 1.0, 1.0, [0, 230, 90]),
        ("uint8", 0.0, 1.0, [0, 50, 0]),  # alpha 0: the identity
        ("uint16", 1.0, 0.0, [0, 140 * 257, 0]),
    ],
)
def test_emboss_golden(xp, dtype, alpha, strength, expected):
    scale = 257 if dtype == "uint16" else 1
    img = (np.array([[0, 0, 0], [0, 50, 0], [0, 0, 90]]) * scale).astype(dtype)[..., None]
    out = run(xp, P.emboss, img, dtype, alpha, strength)
    assert out[1, :, 0].tolist() == expected


@pytest.mark.parity.with_args("numpy_cv2", P.emboss)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_emboss_numpy_override_matches_generic(dtype, channels, batch):
    """uint8 / uint16 through ``cv2.filter2D``: within 1 level (ties), under 1% of the values;
    float32 declines (the generic kernel, i.e. ``convolve``, serves it)."""
    rng = _rng("emboss", dtype, channels, batch)
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 31, 23, channels) if n else (31, 23, channels))
    alpha = rng.uniform(0, 1, n) if n else float(rng.uniform(0, 1))
    strength = rng.uniform(0, 2, n) if n else float(rng.uniform(0, 2))
    got = P.emboss.overrides["numpy_cv2"](img, alpha, strength)
    if dtype == "float32":
        assert got is NotImplemented
        return
    _within(got, P.emboss.generic(img, alpha, strength), dtype)


# ----------------------------------------------------------------------------- unsharp_mask: golden
@pytest.mark.golden.with_args(P.unsharp_mask)
@pytest.mark.parametrize(
    ("dtype", "alpha", "threshold", "expected"),
    [
        # blur of [0 0 100 0 0] by [1/4 1/2 1/4] (the single row reflects onto itself along H):
        # [0 25 50 25 0]; residual [0 -25 50 -25 0]; sharpened (alpha 1) [0 -25 150 -25 0] clipped at 0;
        # mask |r| > 10: [0 1 1 1 0] blurs to [0.5 0.75 1 0.75 0.5]: out = x + m (s - x)
        ("uint8", 1.0, 10, [0, 0, 150, 0, 0]),
        # alpha 0.5: s = [0, -12.5, 125, -12.5, 0] -> [0 0 125 0 0]; nothing is gated (m = 1 where s != x)
        ("uint8", 0.5, 10, [0, 0, 125, 0, 0]),
        # threshold 30: only the centre (|r| = 50) passes; the mask [0 0 1 0 0] blurs to
        # [0 .25 .5 .25 0]: out = [0, 0 + .25 * 0, 100 + .5 * 50, 0, 0] = [0 0 125 0 0]
        ("uint8", 1.0, 30, [0, 0, 125, 0, 0]),
        ("uint8", 0.0, 0, [0, 0, 100, 0, 0]),  # alpha 0: the identity
        ("uint16", 1.0, 10, [0, 0, 150 * 257, 0, 0]),  # 100 * 257 on the 16-bit scale
    ],
)
def test_unsharp_mask_golden(xp, dtype, alpha, threshold, expected):
    scale = 257 if dtype == "uint16" else 1
    img = row([0, 0, 100 * scale, 0, 0], dtype)
    out = run(xp, P.unsharp_mask, img, dtype, np.array([0.25, 0.5, 0.25], np.float32), alpha, threshold)
    assert out.dtype == np.dtype(dtype)
    assert out.ravel().tolist() == expected


@pytest.mark.golden.with_args(P.unsharp_mask)
def test_unsharp_mask_difference_equal_to_threshold_is_not_above(xp):
    """docs/differences.md: a difference exactly at ``threshold`` is not sharpened, on every backend."""
    # blur of [50 50 90 50 50] by [1/4 1/2 1/4]: [50 60 70 60 50]; |r| = [0 10 20 10 0]
    taps = np.array([0.25, 0.5, 0.25], np.float32)
    img = row([50, 50, 90, 50, 50], "uint8")
    # threshold 10: only the centre; the mask [0 0 1 0 0] blurs to [0 .25 .5 .25 0]; sharpened (alpha 1)
    # [50 40 110 40 50]: out = [50, 50 - 2.5, 90 + 10, 47.5, 50] = [50 48 100 48 50] (47.5 -> 48)
    assert run(xp, P.unsharp_mask, img, "uint8", taps, 1.0, 10).ravel().tolist() == [50, 48, 100, 48, 50]
    # threshold 9: the neighbours too; the mask [0 1 1 1 0] blurs to [.25 .75 1 .75 .25]: 42.5 -> 42
    assert run(xp, P.unsharp_mask, img, "uint8", taps, 1.0, 9).ravel().tolist() == [50, 42, 110, 42, 50]


@pytest.mark.golden.with_args(P.unsharp_mask)
def test_unsharp_mask_golden_float32(xp):
    img = row([0.0, 0.0, 0.4, 0.0, 0.0], "float32")
    out = run(xp, P.unsharp_mask, img, "float32", np.array([0.25, 0.5, 0.25], np.float32), 1.0, 10)
    np.testing.assert_allclose(out.ravel(), [0.0, 0.0, 0.6, 0.0, 0.0], atol=1e-6)  # 0.4 + 0.2
    # the sharpened value saturates at 1: 0.8 + 0.4 -> 1
    out = run(
        xp,
        P.unsharp_mask,
        row([0.0, 0.0, 0.8, 0.0, 0.0], "float32"),
        "float32",
        np.array([0.25, 0.5, 0.25]),
        1.0,
        10,
    )
    np.testing.assert_allclose(out.ravel(), [0.0, 0.0, 1.0, 0.0, 0.0], atol=1e-6)


def test_unsharp_mask_batch_per_sample_equals_single(xp):
    rng = _rng("usm-batch")
    img = random_image(rng, "uint8", (3, 9, 11, 3))
    taps = P.gaussian_taps(np.array([3, 7, 5]), np.array([0.0, 1.3, 0.0]))
    alpha = np.array([0.0, 0.6, 1.0])
    batch = xp.to_numpy(P.unsharp_mask(xp.asarray(img), taps, alpha, 5))
    for i, k in enumerate((3, 7, 5)):
        single = xp.to_numpy(
            P.unsharp_mask(xp.asarray(img[i]), P.gaussian_taps(k, (0.0, 1.3, 0.0)[i]), float(alpha[i]), 5)
        )
        np.testing.assert_array_equal(batch[i], single, err_msg=f"sample {i}")
    np.testing.assert_array_equal(batch[0], img[0])  # alpha 0


# ----------------------------------------------------------------------------- unsharp_mask: parity
def _usm_args(rng: np.random.Generator, n: int | None):
    if n is None:
        return P.gaussian_taps(int(rng.choice([3, 5, 7, 9])), float(rng.choice([0.0, 1.4]))), float(
            rng.uniform(0, 1)
        )
    sizes = rng.choice([3, 5, 7, 9, 11], n)
    return P.gaussian_taps(sizes, rng.uniform(0, 2, n) * (rng.random(n) < 0.5)), rng.uniform(0, 1, n)


@pytest.mark.parity.with_args("numpy_cv2", P.unsharp_mask)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("threshold", [0, 10, 60])
def test_unsharp_mask_numpy_override_matches_generic(dtype, channels, batch, threshold):
    rng = _rng("usm", dtype, channels, batch, threshold)
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 19, 23, channels) if n else (19, 23, channels))
    before = img.copy()
    taps, alpha = _usm_args(rng, n)
    impl = P.unsharp_mask.overrides["numpy_cv2"]
    got = impl(img, taps, alpha, threshold)
    assert got is not NotImplemented
    np.testing.assert_array_equal(img, before)
    _within(got, P.unsharp_mask.generic(img, taps, alpha, threshold), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_unsharp_mask_reused_buffers_equal_the_general_path_bit_for_bit(dtype, channels):
    """Up to 4 channels the override keeps its intermediate images in reused per-thread buffers:
    the same bits as its general path (fresh arrays, the shared convolve_separable), call after call
    (a buffer left over from the call before must not leak into the next)."""
    from xalbu.backends.numpy_cv2 import sharpen as S

    rng = _rng("usm-buffers", dtype, channels)
    for size in ((19, 23), (19, 23), (8, 31)):
        img = random_image(rng, dtype, (*size, channels))
        taps = P.gaussian_taps(int(rng.choice([3, 5, 7])), 0)
        for threshold in (0, 10, 60):
            fast, general = S._one(img, taps, 1.3, threshold, True), S._one(img, taps, 1.3, threshold, False)
            assert fast.dtype == general.dtype and fast.shape == general.shape
            np.testing.assert_array_equal(fast, general)


def test_unsharp_mask_numpy_override_leaves_non_finite_to_generic():
    img = np.full((6, 7, 3), 0.5, np.float32)
    img[2, 3, 1] = np.inf
    impl = P.unsharp_mask.overrides["numpy_cv2"]
    assert impl(img, P.gaussian_taps(3, 0), 0.5, 10) is NotImplemented


@pytest.mark.golden.with_args(P.unsharp_mask)
def test_unsharp_mask_non_finite_pixels(xp):
    """+inf and -inf saturate to 1 and 0, NaN stays NaN; the other pixels stay in [0, 1]."""
    img = np.full((6, 7, 3), 0.5, np.float32)
    img[1, 1, 0], img[3, 4, 1], img[4, 2, 2] = np.inf, -np.inf, np.nan
    out = run(xp, P.unsharp_mask, img, "float32", P.gaussian_taps(3, 0), 0.5, 10)
    assert out[1, 1, 0] == 1.0 and out[3, 4, 1] == 0.0 and np.isnan(out[4, 2, 2])
    rest = np.ones(out.shape, bool)
    rest[1, 1, 0] = rest[3, 4, 1] = rest[4, 2, 2] = False
    finite = out[rest & np.isfinite(out)]
    assert finite.size and finite.min() >= 0 and finite.max() <= 1


@pytest.mark.parity.with_args("cupy", P.unsharp_mask)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_unsharp_mask_cupy_override_matches_generic(cupy, dtype, batch):
    rng = _rng("usm-cupy", dtype, batch)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 9, 13, 3) if n else (9, 13, 3))
    taps, alpha = _usm_args(rng, n)
    got = P.unsharp_mask(cupy.asarray(img), taps, alpha, 10)
    assert isinstance(got, cupy.ndarray)
    expected = cupy.asnumpy(P.unsharp_mask.generic(cupy.asarray(img), taps, alpha, 10))
    _within(cupy.asnumpy(got), expected, dtype, int_tol=1, float_tol=1e-6)
    if hasattr(cupy, "STATS"):  # on the harness: the same float32 steps, bit for bit
        np.testing.assert_array_equal(cupy.asnumpy(got), expected)


def test_unsharp_mask_cupy_launches_do_not_grow_with_the_batch(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counts are the harness's")
    counts = []
    for n in (2, 5):
        img = cupy.asarray(np.zeros((n, 6, 7, 3), np.uint8))
        taps, alpha = P.gaussian_taps(np.full(n, 5), np.zeros(n)), np.full(n, 0.5)
        cupy.reset_stats()
        P.unsharp_mask(img, taps, alpha, 10)
        counts.append(dict(cupy.STATS))
    assert counts[0]["launches"] == counts[1]["launches"] == 7
    assert counts[0].get("to_host", 0) == 0


# ------------------------------------------------------------------ transforms: exact values (xp)
def _one(t, img):
    return A.Compose([t], seed=0)(image=img)["image"]


def test_sharpen_exact_values(xp):
    img = np.array([[10, 10, 10], [10, 20, 10], [10, 10, 10]], np.uint8)
    out = xp.to_numpy(_one(A.Sharpen(alpha=(1, 1), lightness=(1, 1), p=1), xp.asarray(img)))
    # centre 9 * 20 - 8 * 10 = 100; (1, 0): 9 * 10 - (6 * 10 + 2 * 20) = -10 -> 0 (reflect-101 reads col 1)
    assert out[1].tolist() == [0, 100, 0]
    # alpha 0.5, lightness 0: 4.5 * x - 0.5 * (8 neighbours): centre 90 - 40 = 50
    out = xp.to_numpy(_one(A.Sharpen(alpha=(0.5, 0.5), lightness=(0, 0), p=1), xp.asarray(img)))
    assert out[1, 1] == 50


def test_emboss_exact_values(xp):
    img = np.array([[0, 0, 0], [0, 50, 0], [0, 0, 90]], np.uint8)
    out = xp.to_numpy(_one(A.Emboss(alpha=(1, 1), strength=(0, 0), p=1), xp.asarray(img)))
    assert out[1].tolist() == [0, 140, 0]  # x - top-left + bottom-right: 50 - 0 + 90
    # strength 1: [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]] at the centre: 50 + 2 * 90 = 230
    out = xp.to_numpy(_one(A.Emboss(alpha=(1, 1), strength=(1, 1), p=1), xp.asarray(img)))
    assert out[1, 1] == 230


def test_gaussian_sharpen_exact_values(xp):
    img = np.zeros((5, 5), np.uint8)
    img[2, 2] = 160
    t = A.Sharpen(alpha=(1, 1), method="gaussian", kernel_size=3, sigma=100.0, p=1)
    # sigma 100: taps ~ [1/3, 1/3, 1/3]; centre 2 * 160 - 160 / 9 = 302.2 -> 255; neighbours -160/9 -> 0
    out = xp.to_numpy(_one(t, xp.asarray(img)))
    assert out[2, 2] == 255 and out.sum() == 255
    f = np.zeros((5, 5), np.float32)
    f[2, 2] = 0.45
    out = xp.to_numpy(
        _one(A.Sharpen(alpha=(0.5, 0.5), method="gaussian", kernel_size=3, sigma=1e-3, p=1), xp.asarray(f))
    )
    np.testing.assert_allclose(out, f, atol=1e-6)  # a blur of sigma ~0 is the image: nothing changes


def test_ringing_overshoot_exact_values(xp):
    flat = np.full((9, 9, 2), 80, np.uint8)
    out = xp.to_numpy(_one(A.RingingOvershoot(blur_limit=(7, 7), cutoff=(1, 1), p=1), xp.asarray(flat)))
    np.testing.assert_array_equal(out, flat)  # the kernel sums to 1
    img = np.zeros((9, 9), np.float32)
    img[4, 4] = 1.0
    out = xp.to_numpy(_one(A.RingingOvershoot(blur_limit=(5, 5), cutoff=(1.2, 1.2), p=1), xp.asarray(img)))
    np.testing.assert_allclose(out[2:7, 2:7], np.clip(P.sinc_kernel(5, 1.2)[::-1, ::-1], 0, 1), atol=1e-6)


def test_transforms_batch_per_sample_kernels_match_single_images(xp):
    """A batch's per-sample kernels (one convolve launch on CuPy) give each sample its own result."""
    rng = _rng("batch-single")
    imgs = random_image(rng, "uint8", (5, 12, 14, 3))
    for t in (
        A.Sharpen(p=1),
        A.Sharpen(alpha=(0.2, 1.0), method="gaussian", kernel_size=7, sigma=1.5, p=1),
        A.Emboss(p=1),
        A.UnsharpMask(blur_limit=(3, 9), sigma_limit=(0, 2), alpha=(0, 1), threshold=5, p=1),
        A.RingingOvershoot(blur_limit=(3, 9), p=1),
    ):
        state = A.core.state.State(shape=(12, 14), batch=5, images={"image": xp.asarray(imgs)})
        params = t.sample_data(np.random.default_rng(3), state)
        batch = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
        for i in range(5):
            single = type(params)(**{k: _item(v, i) for k, v in vars(params).items()})
            expected = xp.to_numpy(t.apply_image(xp.asarray(imgs[i]), single))
            _within(batch[i], expected, "uint8")


def _item(value, i):
    arr = np.asarray(value)
    return arr[i].item() if arr.ndim else value


# ------------------------------------------------------------------ albumentations 2.0.8 parity
@pytest.fixture(scope="module")
def alb():
    albumentations = pytest.importorskip("albumentations")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield albumentations


FIXED = [
    ("Sharpen", {"alpha": (0.3, 0.3), "lightness": (0.7, 0.7)}),
    ("Sharpen", {"alpha": (1.0, 1.0), "lightness": (1.0, 1.0)}),
    ("Sharpen", {"alpha": (0.5, 0.5), "lightness": (0.0, 0.0)}),
    ("Emboss", {"alpha": (0.3, 0.3), "strength": (0.7, 0.7)}),
    ("Emboss", {"alpha": (1.0, 1.0), "strength": (2.0, 2.0)}),
    ("UnsharpMask", {"blur_limit": (3, 3), "alpha": (0.5, 0.5), "threshold": 10}),
    ("UnsharpMask", {"blur_limit": (7, 7), "alpha": (0.3, 0.3), "threshold": 0}),
    ("UnsharpMask", {"blur_limit": (5, 5), "sigma_limit": (1.5, 1.5), "alpha": (1.0, 1.0), "threshold": 20}),
    ("UnsharpMask", {"blur_limit": (9, 9), "alpha": (0.4, 0.4), "threshold": 10}),
    ("UnsharpMask", {"blur_limit": (11, 11), "alpha": (0.4, 0.4), "threshold": 5}),
    ("RingingOvershoot", {"blur_limit": (7, 7), "cutoff": (0.8, 0.8)}),
    ("RingingOvershoot", {"blur_limit": (15, 15), "cutoff": (1.5, 1.5)}),
    ("RingingOvershoot", {"blur_limit": (9, 9), "cutoff": (np.pi / 4, np.pi / 4)}),
]


@pytest.mark.parametrize(("name", "kwargs"), FIXED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FIXED)])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 3])
def test_matches_albumentations_with_fixed_parameters(alb, name, kwargs, dtype, channels):
    img = make_image(dtype, (40, 50, channels) if channels > 1 else (40, 50), seed=channels)
    want = getattr(alb, name)(p=1, **kwargs)(image=img)["image"]
    got = getattr(A, name)(p=1, **kwargs)(image=img)["image"]
    assert got.shape == want.shape and got.dtype == want.dtype
    tol = 1e-5 if dtype == "float32" else 1
    d = _diff(got, want)
    if name == "UnsharpMask":
        d[_near_ties(img, kwargs)] = 0
    assert d.max() <= tol


def _near_ties(img: np.ndarray, kwargs: dict) -> np.ndarray:
    """The pixels within reach of a difference exactly equal to UnsharpMask's threshold (in float64:
    exact for OpenCV's fixed taps), which albumentations decides by float rounding and xalbu as
    "not above"."""
    cv2 = pytest.importorskip("cv2")
    k = kwargs["blur_limit"][0]
    g = P.gaussian_taps(k, kwargs.get("sigma_limit", (0.0, 0.0))[0]).astype(np.float64)
    levels = img.astype(np.float64) * (255.0 if img.dtype == np.float32 else 1.0)
    blur = cv2.sepFilter2D(levels, -1, g, g, borderType=cv2.BORDER_REFLECT_101)
    ties = np.abs(np.abs(levels - blur) - kwargs["threshold"]) < 1e-6
    if ties.ndim == 3:
        ties = ties.any(axis=-1)
    near = cv2.dilate(ties.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return near if img.ndim == 2 else np.repeat(near[..., None], img.shape[-1], axis=-1)


@pytest.mark.parametrize("kernel_size,sigma", [(5, 1.0), (3, 0.5), (7, 2.0), (4, 1.0)])
def test_gaussian_sharpen_matches_albumentations_on_float32(alb, kernel_size, sigma):
    img = make_image("float32", (40, 50, 3), seed=4)
    kwargs = {"alpha": (0.6, 0.6), "method": "gaussian", "kernel_size": kernel_size | 1, "sigma": sigma}
    want = alb.Sharpen(p=1, **kwargs)(image=img)["image"]
    got = A.Sharpen(p=1, **{**kwargs, "kernel_size": kernel_size})(image=img)["image"]
    assert _diff(got, want).max() <= 1e-5


def test_gaussian_sharpen_uint8_is_computed_in_float_not_wrapped(alb):
    """albumentations 2.0.8 computes ``img - blur`` in uint8 for method="gaussian" (it wraps around
    below 0); xalbu sharpens in float: within 1 level of the float computation, which albumentations
    misses by up to 128 levels."""
    cv2 = pytest.importorskip("cv2")
    img = make_image("uint8", (40, 50, 3), seed=1)
    right = img + 0.5 * (img - cv2.GaussianBlur(img, (5, 5), 1.0).astype(np.float64))
    right = np.clip(np.rint(right), 0, 255)
    kwargs = {"alpha": (0.5, 0.5), "method": "gaussian", "kernel_size": 5, "sigma": 1.0, "p": 1}
    assert _diff(A.Sharpen(**kwargs)(image=img)["image"], right).max() <= 1
    assert _diff(alb.Sharpen(**kwargs)(image=img)["image"], right).max() > 100


def test_stored_arguments_match_albumentations(alb):
    """albumentations' readings of single numbers and kernel-size ranges (what its files hold)."""
    cases = [
        ("UnsharpMask", {"blur_limit": 8, "sigma_limit": 2, "alpha": 0.3}),
        ("UnsharpMask", {"blur_limit": (0, 5)}),
        ("UnsharpMask", {"blur_limit": (7, 3)}),
        ("RingingOvershoot", {"blur_limit": 9}),
        ("RingingOvershoot", {"blur_limit": (4, 10)}),
        ("Sharpen", {"kernel_size": 4}),
    ]
    for name, kwargs in cases:
        with warnings.catch_warnings():  # both warn about the adjusted ranges
            warnings.simplefilter("ignore")
            theirs = alb.to_dict(getattr(alb, name)(**kwargs))["transform"]
            ours = getattr(A, name)(**kwargs)
        for key, value in theirs.items():
            if key != "__class_fullname__":
                assert getattr(ours, key) == pytest.approx(value), (name, kwargs, key)


def test_kernel_size_adjustments_warn():
    with pytest.warns(UserWarning, match="blur_limit"):
        assert A.UnsharpMask(blur_limit=(4, 6)).blur_limit == (5, 7)
    with pytest.warns(UserWarning, match="blur_limit"):
        assert A.RingingOvershoot(blur_limit=(1, 5)).blur_limit == (3, 5)
    assert A.UnsharpMask(blur_limit=9).blur_limit == (3, 9)


# ------------------------------------------------------------------------ transforms: invariants
RANDOM = [
    ("sharpen", lambda c: A.Sharpen(p=1)),
    ("sharpen_gaussian", lambda c: A.Sharpen(alpha=(0.5, 1.0), method="gaussian", p=1)),
    ("emboss", lambda c: A.Emboss(p=1)),
    ("unsharp", lambda c: A.UnsharpMask(alpha=(0.5, 1.0), threshold=0, p=1)),
    ("ringing", lambda c: A.RingingOvershoot(p=1)),
]


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_invariants(xp, name, factory, dtype, channels):
    check_invariants(xp, name, factory, dtype, channels)


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_hw_stays_hw_and_other_targets_pass_through(name, factory):
    check_hw_stays_hw_and_other_targets_pass_through(factory)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_identity_parameters_return_the_input_exactly(xp, name, factory, dtype):
    check_identity_parameters_return_the_input_exactly(xp, factory(3), dtype)


BATCH_HALF = [
    (
        A.Sharpen(alpha=(0.4, 0.4), lightness=(0.8, 0.8), p=0.5),
        lambda img: FF.convolve(img, P.sharpen_kernel(0.4, 0.8)),
    ),
    (
        A.Emboss(alpha=(0.5, 0.5), strength=(1, 1), p=0.5),
        lambda img: FF.convolve(img, P.emboss_kernel(0.5, 1.0)),
    ),
    (
        A.UnsharpMask(blur_limit=(5, 5), alpha=(0.6, 0.6), threshold=3, p=0.5),
        lambda img: P.unsharp_mask(img, P.gaussian_taps(5, 0.0), 0.6, 3),
    ),
    (
        A.RingingOvershoot(blur_limit=(7, 7), cutoff=(1, 1), p=0.5),
        lambda img: FF.convolve(img, P.sinc_kernel(7, 1.0)),
    ),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t,apply", BATCH_HALF, ids=["sharpen", "emboss", "unsharp", "ringing"])
def test_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype)


def test_float_images_far_outside_unit_range_are_refused():
    img = np.full((6, 6, 3), 200.0, np.float32)
    for t in (A.Sharpen(p=1), A.Emboss(p=1), A.UnsharpMask(p=1), A.RingingOvershoot(p=1)):
        with pytest.raises(ValueError, match=type(t).__name__):
            t(image=img)


# ---------------------------------------------------------------------------- transforms: arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.Sharpen(alpha=(0.5, 1.5)), r"alpha\[1\]"),
        (lambda: A.Sharpen(alpha=(0.6, 0.2)), "alpha"),
        (lambda: A.Sharpen(alpha=(float("nan"), 0.5)), r"alpha\[0\]"),
        (lambda: A.Sharpen(lightness=(-1, 1)), "lightness"),
        (lambda: A.Sharpen(method="laplace"), "method"),
        (lambda: A.Sharpen(kernel_size=1), "kernel_size"),
        (lambda: A.Sharpen(kernel_size=True), "kernel_size"),
        (lambda: A.Sharpen(sigma=0), "sigma"),
        (lambda: A.Sharpen(sigma=float("nan")), "sigma"),
        (lambda: A.Emboss(alpha="a"), "alpha"),
        (lambda: A.Emboss(strength=(-0.1, 0.5)), "strength"),
        (lambda: A.UnsharpMask(threshold=256), "threshold"),
        (lambda: A.UnsharpMask(threshold=2.5), "threshold"),
        (lambda: A.UnsharpMask(sigma_limit=-1), "sigma_limit"),
        (lambda: A.UnsharpMask(alpha=(0.2, 1.2)), "alpha"),
        (lambda: A.UnsharpMask(blur_limit=(3, 5, 7)), "blur_limit"),
        (lambda: A.UnsharpMask(blur_limit=3.5), "blur_limit"),
        (lambda: A.RingingOvershoot(cutoff=(0, 4)), "cutoff"),
        (lambda: A.RingingOvershoot(cutoff=(float("nan"), 1)), "cutoff"),
        (lambda: A.RingingOvershoot(blur_limit="7"), "blur_limit"),
    ],
)
def test_bad_arguments(factory, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError), match=match):
            factory()


def test_defaults_and_init_args_round_trip():
    check_defaults_and_init_args_round_trip(
        {
            A.Sharpen: {
                "alpha": (0.2, 0.5),
                "lightness": (0.5, 1.0),
                "method": "kernel",
                "kernel_size": 5,
                "sigma": 1.0,
                "p": 0.5,
            },
            A.Emboss: {"alpha": (0.2, 0.5), "strength": (0.2, 0.7), "p": 0.5},
            A.UnsharpMask: {
                "blur_limit": (3, 7),
                "sigma_limit": (0.0, 0.0),
                "alpha": (0.2, 0.5),
                "threshold": 10,
                "p": 0.5,
            },
            A.RingingOvershoot: {"blur_limit": (7, 15), "cutoff": (np.pi / 4, np.pi / 2), "p": 0.5},
        }
    )


def test_draws_stay_in_their_ranges():
    rng = np.random.default_rng(0)
    p = A.UnsharpMask(blur_limit=(3, 9), sigma_limit=(0.5, 1.0), alpha=(0.2, 0.4)).sample(rng, (8, 8), 400)
    assert set(np.unique(p.ksize)) == {3, 5, 7, 9}
    assert p.sigma.min() >= 0.5 and p.sigma.max() < 1.0 and p.alpha.min() >= 0.2 and p.alpha.max() < 0.4
    p = A.RingingOvershoot(blur_limit=(7, 11)).sample(rng, (8, 8), 300)
    assert set(np.unique(p.ksize)) == {7, 9, 11} and p.cutoff.min() >= np.pi / 4
    p = A.Sharpen(method="gaussian").sample(rng, (8, 8), None)
    assert 0.2 <= p.alpha < 0.5 and isinstance(p.alpha, float)
    assert MAXV["uint8"] == 255


@pytest.mark.parametrize("arch", ["compute_70", "compute_90"])
def test_sharpen_cuda_source_compiles_with_nvrtc(arch):
    """``kernels/sharpen.cu`` compiles with NVIDIA's NVRTC (the compiler CuPy runs on a GPU) for
    every name the backend asks for, with its options, without a warning (skips without NVRTC)."""
    nvrtc = pytest.importorskip("test_nvrtc")
    import cuda_harness

    with cuda_harness.installed():
        from xalbu.backends.cupy import kernels
        from xalbu.backends.cupy import sharpen as backend

        names = list(backend._NAMES)
        status, log, lowered = nvrtc.compile_cuda(
            kernels.source("sharpen.cu"), names, (*backend._OPTIONS, f"--gpu-architecture={arch}")
        )
    assert status == 0, log
    assert not nvrtc._clean(log), log
    assert set(lowered) == set(names)


from ._sharpen_superpixels import *  # noqa: E402,F403 - Superpixels (a file of its own for size)
