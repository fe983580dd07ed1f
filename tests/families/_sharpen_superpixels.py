"""Sharpen family, Superpixels: the ``superpixels`` kernel (golden values over every backend, the
numpy_cv2 override's parity) and the transform (albumentations 2.0.8 parity replaying its draws,
invariants, batches, arguments). Collected through test_sharpen.py
(``from ._sharpen_superpixels import *``: ``__all__`` lists the tests); kept apart for size.

Stated tolerances:

- numpy_cv2 override vs generic kernel: bit for bit (the same float64 distances and integer sums;
  both resize through the same ``resize`` kernel).
- albumentations 2.0.8 with the same draws (``n_segments``, ``replace_samples``): bit for bit for
  uint8 and float32 (processed as uint8 by both) with the interpolations xalbu's resize runs as
  OpenCV does (linear, cubic, area, lanczos4). Not compared: nearest (0, 6: xalbu's pixel-centre
  rule, which OpenCV's fixed point misses by a pixel on some sizes) and 5 (INTER_LINEAR_EXACT, run
  as linear, as Downscale does): a resized pixel that differs can move segment borders.
- CuPy override (``kernels/slic.cu``) vs generic kernel: bit for bit on the CPU harness (the same
  float64 steps, no FMA); on a GPU under 2% of the values (a near-tie of distances summed in another
  order by CuPy's reductions in the generic kernel may move a pixel to the other segment).
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _superpixels as P

from ._pointwise import (
    check_batch_samples_match_single_image_kernel,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    make_image,
)

__all__ = [
    "test_slic_grid_and_work_size",
    "test_superpixels_golden",
    "test_superpixels_golden_float32_and_batch",
    "test_superpixels_numpy_override_matches_generic",
    "test_superpixels_cupy_override_matches_generic",
    "test_superpixels_cupy_launches_do_not_grow_with_the_batch",
    "test_slic_cuda_source_compiles_with_nvrtc",
    "test_superpixels_matches_albumentations_replaying_its_draws",
    "test_superpixels_transform_matches_albumentations_kernel_with_its_own_draws",
    "test_superpixels_uint16_is_processed_in_its_own_dtype",
    "test_superpixels_differences_row_holds",
    "test_superpixels_invariants",
    "test_superpixels_batch_per_sample_and_identity",
    "test_superpixels_refuses_bad_arguments",
    "test_superpixels_arguments_match_albumentations",
]


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _blocky(rng: np.random.Generator, shape: tuple[int, int, int], block: int = 5) -> np.ndarray:
    """A uint8 image of flat blocks plus a little noise (segments with clear borders)."""
    h, w, c = shape
    small = rng.integers(0, 256, (h // block + 1, w // block + 1, c))
    img = np.repeat(np.repeat(small, block, 0), block, 1)[:h, :w] + rng.integers(-3, 4, (h, w, c))
    return np.clip(img, 0, 255).astype(np.uint8)


def test_slic_grid_and_work_size():
    cy, cx, s = P.slic_grid(10, 7, 4)  # step int(sqrt(70 / 4)) = 4, centres at 2, 6
    assert (cy.tolist(), cx.tolist(), s) == ([2, 2, 6, 6], [2, 6, 2, 6], 4)
    assert P.slic_grid(3, 3, 100)[2] == 1  # albumentations' step would be 0 (it fails): at least 1
    n = np.arange(1, 300)  # per sample: albumentations' int(sqrt(h * w / n)), without a float's slips
    for h, w in [(128, 128), (128, 85), (97, 13), (1, 1), (256, 256)]:
        want = [max(1, int((h * w / k) ** 0.5)) for k in n]
        np.testing.assert_array_equal(P.grid_steps(h, w, n), want)
    for h, w, n in [(128, 128, 100), (128, 96, 15), (25, 36, 9), (100, 100, 100), (7, 9, 120)]:
        assert int(P.grid_steps(h, w, n)) == max(1, int((h * w / n) ** 0.5))
        cy, cx, s = P.slic_grid(h, w, n)
        rows, cols = P.grid_counts(h, w, np.asarray(s))
        assert len(cy) == rows * cols == len(np.arange(s // 2, h, s)) * len(np.arange(s // 2, w, s))
    assert P.work_size(256, 200, 128) == (128, 100)  # int(200 * 0.5)
    assert P.work_size(300, 100, 128) == (128, 42)  # int(100 * 128 / 300) = int(42.67)
    assert P.work_size(100, 50, 128) == (100, 50) and P.work_size(500, 400, None) == (500, 400)


# ----------------------------------------------------------------------------------- kernel
# 2 x 4, n_segments=1: step int(sqrt(8)) = 2, centres (1, 1) and (1, 3). Colours / (max + 1e-6);
# the middle column (x=2) is one column from both centres (spatial 10 * 1 / 4 = 2.5 each): on row
# 0, 100/200 is 0.25 from the left centre's 20/200... (squared 0.16) and 0.25 from 200 (0.5^2) -> left;
# on row 1, 200 is 0.85^2 from 30 and 0 from 200 -> right. Label 1 = {(0,3), (1,2), (1,3)}:
# mean (200 + 200 + 200) / 3 = 200. Centres move (to (0, 1) / (1, 2)) and the next iterations keep
# the labels (a pixel changes only for a strictly smaller distance than it holds).
_GOLDEN = [
    # image rows, n_segments, replace, expected (uint8), expected of the image times 257 (uint16;
    # None: expected times 257)
    ([[10, 20, 100, 200], [10, 30, 200, 200]], 1, [True], [[10, 20, 175, 175], [10, 30, 175, 175]], None),
    ([[10, 20, 100, 200], [10, 30, 200, 200]], 1, [False], [[10, 20, 100, 200], [10, 30, 200, 200]], None),
    # a tie: the column-2 pixels have the centres' colour (10) and the same distance to both (columns
    # 1 and 3): the earlier centre (label 0) takes them; label 1 = column 3, mean (200 + 10) / 2 = 105
    ([[50, 10, 10, 200], [50, 10, 10, 10]], 1, [True], [[50, 10, 10, 105], [50, 10, 10, 105]], None),
    # one centre a pixel (step 1): every pixel its own segment, replacing changes nothing
    ([[0, 9, 17, 255]], 4, [True], [[0, 9, 17, 255]], None),
    # 1 x 4, n_segments=1: step 2 and no row at 1 -> no centre, every pixel unlabelled (-1): one
    # segment of rank 0 (albumentations replaces it too), mean 70.25 -> 70 (uint16: 18054.25)
    ([[0, 1, 30, 250]], 1, [True], [[70, 70, 70, 70]], [[18054] * 4]),
    # 2 x 2, n_segments=4: step 1, a centre on every pixel; rank r -> replace[r % 4]
    ([[0, 1], [2, 3]], 4, [True, False, True, True], [[0, 1], [2, 3]], None),
]


@pytest.mark.golden.with_args(P.superpixels)
@pytest.mark.parametrize(("rows", "n_segments", "replace", "expected", "expected16"), _GOLDEN)
def test_superpixels_golden(xp, rows, n_segments, replace, expected, expected16):
    img = xp.asarray(np.asarray(rows, np.uint8)[..., None])
    out = xp.to_numpy(P.superpixels(img, n_segments, np.asarray(replace), None, 1))
    np.testing.assert_array_equal(out[..., 0], np.asarray(expected, np.uint8))
    rgb = xp.asarray(np.repeat(np.asarray(rows, np.uint16)[..., None], 3, axis=2) * 257)
    out16 = xp.to_numpy(P.superpixels(rgb, n_segments, np.asarray(replace), None, 1))
    # uint16, 3 equal channels: the same segments (colours / max), means in uint16
    want16 = (
        np.asarray(expected, np.uint16) * 257 if expected16 is None else np.asarray(expected16, np.uint16)
    )
    np.testing.assert_array_equal(out16, np.repeat(want16[..., None], 3, 2))


@pytest.mark.golden.with_args(P.superpixels)
def test_superpixels_golden_float32_and_batch(xp):
    rows = np.asarray([[10, 20, 100, 200], [10, 30, 200, 200]], np.float32)[..., None] / 255
    out = xp.to_numpy(P.superpixels(xp.asarray(rows), 1, np.asarray([True]), None, 1))
    want = np.asarray([[10, 20, 175, 175], [10, 30, 175, 175]], np.float32)[..., None] / np.float32(255)
    np.testing.assert_array_equal(out, want)
    # float32 with nothing replaced: unchanged (not quantised to 1/255)
    odd = np.full((2, 4, 1), 0.1234, np.float32)
    np.testing.assert_array_equal(
        xp.to_numpy(P.superpixels(xp.asarray(odd), 1, np.asarray([False]), None, 1)), odd
    )
    # a batch: per-sample n_segments and replace rows (padded), the second sample untouched
    batch = np.stack([np.asarray([[10, 20, 100, 200], [10, 30, 200, 200]], np.uint8)[..., None]] * 3)
    rep = np.asarray([[True, False], [False, False], [True, True]])
    out = xp.to_numpy(P.superpixels(xp.asarray(batch), np.asarray([1, 1, 8]), rep, None, 1))
    np.testing.assert_array_equal(out[0, ..., 0], [[10, 20, 175, 175], [10, 30, 175, 175]])
    np.testing.assert_array_equal(out[1], batch[1])
    np.testing.assert_array_equal(out[2], batch[2])  # n_segments=8: a centre a pixel


@pytest.mark.parity.with_args("numpy_cv2", P.superpixels)
@pytest.mark.parametrize("channels", [1, 3, 5])
@pytest.mark.parametrize(("max_size", "interpolation"), [(None, 1), (24, 1), (24, 3), (20, 0)])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_superpixels_numpy_override_matches_generic(channels, max_size, interpolation, dtype):
    rng = _rng("sp-parity", channels, max_size, interpolation, dtype)
    img = _blocky(rng, (33, 41, channels)) if channels != 5 else make_image("uint8", (33, 41, 5), seed=1)
    if dtype == "uint16":
        img = img.astype(np.uint16) * 257 + rng.integers(0, 200, img.shape).astype(np.uint16)
    elif dtype == "float32":
        img = img.astype(np.float32) / 255
    n = int(rng.integers(5, 40))
    rep = rng.random(n) < 0.6
    got = P.superpixels(img, n, rep, max_size, interpolation)
    expected = np.asarray(P.superpixels.generic(img, n, rep, max_size, interpolation))
    assert got.dtype == img.dtype and got.shape == img.shape
    np.testing.assert_array_equal(got, expected)
    batch = np.stack([img, img[::-1].copy(), img[:, ::-1].copy()])
    seg = np.asarray([n, 7, 30])
    reps = rng.random((3, 40)) < 0.5
    got = P.superpixels(batch, seg, reps, max_size, interpolation)
    np.testing.assert_array_equal(
        got, np.asarray(P.superpixels.generic(batch, seg, reps, max_size, interpolation))
    )


@pytest.mark.parity.with_args("cupy", P.superpixels)
@pytest.mark.parametrize(
    ("dtype", "channels", "max_size"), [("uint8", 3, None), ("uint16", 1, 20), ("float32", 4, 24)]
)
def test_superpixels_cupy_override_matches_generic(cupy, dtype, channels, max_size):
    rng = _rng("sp-cupy", dtype, channels, max_size)
    noise = rng.integers(0, 256, (26, 31, channels)).astype(np.uint8)  # near-ties: the spatial term decides
    img = np.stack([_blocky(rng, (26, 31, channels)), _blocky(rng, (26, 31, channels)), noise])
    if dtype == "uint16":
        img = img.astype(np.uint16) * 257 + rng.integers(0, 200, img.shape).astype(np.uint16)
    elif dtype == "float32":
        img = img.astype(np.float32) / 255
    seg = np.asarray([5, 23, 40])
    rep = rng.random((3, 40)) < 0.6
    rep[1] = False  # a sample left alone
    got = P.superpixels(cupy.asarray(img), seg, rep, max_size, 1)
    assert isinstance(got, cupy.ndarray)
    expected = cupy.asnumpy(P.superpixels.generic(cupy.asarray(img), seg, rep, max_size, 1))
    got = cupy.asnumpy(got)
    np.testing.assert_array_equal(got[1], img[1])
    if hasattr(cupy, "STATS"):  # the CPU harness: the same float64 steps, bit for bit
        np.testing.assert_array_equal(got, expected)
    else:  # a GPU: a near-tie of distances may fall the other way (a few pixels change segment)
        assert (got != expected).mean() < 0.02
    single = cupy.asnumpy(P.superpixels(cupy.asarray(img[0]), 5, rep[0, :5], max_size, 1))
    np.testing.assert_array_equal(single, got[0])


def test_superpixels_cupy_launches_do_not_grow_with_the_batch(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counts are read on the CPU harness")
    counts = []
    for n in (2, 5):
        img = cupy.asarray(make_image("uint8", (n, 12, 14, 3), seed=n))
        seg = np.full(n, 6)
        rep = np.ones((n, 6), bool)
        cupy.reset_stats()
        P.superpixels(img, seg, rep, None, 1)
        counts.append(dict(cupy.STATS))
    assert counts[0] == counts[1]
    assert counts[0]["to_host"] == 0


@pytest.mark.parametrize("arch", ["compute_70", "compute_90"])
def test_slic_cuda_source_compiles_with_nvrtc(arch):
    """``kernels/slic.cu`` compiles with NVIDIA's NVRTC for every name the backend asks for, with its
    options, without a warning (skips without NVRTC)."""
    nvrtc = pytest.importorskip("test_nvrtc")
    import cuda_harness

    with cuda_harness.installed():
        from xalbu.backends.cupy import _superpixels as backend
        from xalbu.backends.cupy import kernels

        names = list(backend._NAMES)
        status, log, lowered = nvrtc.compile_cuda(
            kernels.source("slic.cu"), names, (*backend._OPTIONS, f"--gpu-architecture={arch}")
        )
    assert status == 0, log
    assert not nvrtc._clean(log), log
    assert set(lowered) == set(names)


# ------------------------------------------------------------------------- albumentations
@pytest.fixture(scope="module")
def alb():  # test_sharpen.py's own fixture of this name serves the tests collected there
    return pytest.importorskip("albumentations")


@pytest.mark.parametrize(
    ("shape", "dtype", "max_size", "interpolation"),
    [
        ((60, 70, 3), "uint8", 128, 1),
        ((60, 70), "uint8", None, 1),
        ((90, 60, 4), "uint8", 48, 1),
        ((90, 60, 3), "uint8", 48, 3),
        ((90, 60, 3), "uint8", 48, 2),
        ((90, 60, 1), "uint8", 40, 4),
        ((70, 50, 3), "float32", 32, 1),
        ((70, 50, 3), "float32", None, 1),
    ],
)
def test_superpixels_matches_albumentations_replaying_its_draws(alb, shape, dtype, max_size, interpolation):
    rng = _rng("sp-alb", shape, dtype, max_size, interpolation)
    img = _blocky(rng, shape if len(shape) == 3 else (*shape, 1))
    img = img if len(shape) == 3 else img[..., 0]
    if dtype == "float32":
        img = img.astype(np.float32) / 255 + rng.uniform(-0.001, 0.001, img.shape).astype(np.float32)
        img = np.clip(img, 0, 1)
    t = alb.Superpixels(
        p_replace=(0.3, 0.9), n_segments=(10, 60), max_size=max_size, interpolation=interpolation, p=1
    )
    t.set_random_seed(int(rng.integers(1000)))
    for _ in range(3):
        params = t.get_params()
        want = t.apply(img, **params)
        got = A.Superpixels(max_size=max_size, interpolation=interpolation).apply_image(
            img if img.ndim == 3 else img[..., None],  # the kernel's HWC (the pipeline keeps HW as HW)
            A.Superpixels.Params(params["n_segments"], params["replace_samples"]),
        )
        assert got.dtype == want.dtype
        got = got.reshape(want.shape)
        np.testing.assert_array_equal(got, want)


def test_superpixels_transform_matches_albumentations_kernel_with_its_own_draws(alb):
    """The transform's draws (n_segments in [lo, hi], one flag per segment) through albumentations' function."""
    from albumentations.augmentations.pixel import functional as AF

    img = _blocky(_rng("sp-own"), (50, 64, 3))
    t = A.Superpixels(p_replace=(0.2, 0.8), n_segments=(5, 40), max_size=32, p=1)
    seen = set()
    for seed in range(6):
        out = A.Compose([t], seed=seed, save_applied_params=True)(image=img)
        params = out["applied_transforms"][0]["params"]
        n, rep = int(params["n_segments"]), np.asarray(params["replace"], bool)
        assert 5 <= n <= 40 and rep.shape == (40,)  # flags for the largest count; the first n used
        seen.add(n)
        np.testing.assert_array_equal(out["image"], AF.superpixels(img, n, rep[:n], 32, 1))
    assert len(seen) > 1


def test_superpixels_uint16_is_processed_in_its_own_dtype():
    """albumentations 2.0.8 turns uint16 into a float32 of (almost) ones (docs/differences.md):
    xalbu segments and averages uint16 as it is, like uint8 scaled by 257."""
    img8 = _blocky(_rng("sp-16"), (40, 48, 3), block=8)
    rep = _rng("sp-16-rep").random(30) < 0.7
    out8 = P.superpixels(img8, 30, rep, None, 1)
    out16 = P.superpixels(img8.astype(np.uint16) * 257, 30, rep, None, 1)
    assert out16.dtype == np.uint16
    assert np.abs(out16.astype(np.int64) - out8.astype(np.int64) * 257).max() <= 257
    assert not np.array_equal(out16, img8.astype(np.uint16) * 257)


def test_superpixels_differences_row_holds(alb):
    """docs/differences.md's Superpixels row: albumentations 2.0.8's side and xalbu's."""
    from albumentations.augmentations.pixel import functional as AF

    img16 = (_blocky(_rng("sp-row"), (20, 24, 3)).astype(np.uint16) * 257)[..., :3]
    theirs = AF.superpixels(img16, 10, np.ones(10, bool), None, 1)
    assert theirs.dtype == np.float32 and (theirs > 0.99).mean() > 0.9  # saturated through from_float
    ours = P.superpixels(img16, 10, np.ones(10, bool), None, 1)
    assert ours.dtype == np.uint16 and ours.max() > 255 and len(np.unique(ours)) > 10
    tiny = _blocky(_rng("sp-row-tiny"), (4, 5, 1))
    with pytest.raises(ZeroDivisionError):  # step int(sqrt(20 / 30)) = 0
        AF.superpixels(tiny, 30, np.ones(30, bool), None, 1)
    assert P.superpixels(tiny, 30, np.ones(30, bool), None, 1).shape == tiny.shape  # step 1
    odd = np.full((6, 6, 3), 0.1234, np.float32)
    assert not np.array_equal(AF.superpixels(odd, 4, np.zeros(4, bool), None, 1), odd)  # quantised
    np.testing.assert_array_equal(P.superpixels(odd, 4, np.zeros(4, bool), None, 1), odd)


# ----------------------------------------------------------------------------- transform
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("channels", [1, 3, 6])
def test_superpixels_invariants(xp, dtype, channels):
    check_invariants(
        xp,
        "superpixels",
        lambda c: A.Superpixels(p_replace=1.0, n_segments=(3, 6), max_size=None, p=1),
        dtype,
        channels,
    )


def test_superpixels_batch_per_sample_and_identity(xp):
    t = A.Superpixels(p_replace=(0.5, 1.0), n_segments=(2, 8), max_size=None, p=1)
    check_batch_samples_match_single_image_kernel(xp, t, t.apply_image)
    for dtype in ("uint8", "uint16", "float32"):
        check_identity_parameters_return_the_input_exactly(xp, t, dtype)
    check_hw_stays_hw_and_other_targets_pass_through(
        lambda c: A.Superpixels(p_replace=1.0, n_segments=4, p=1)
    )
    imgs = make_image("uint8", (8, 20, 24, 3), seed=4)
    out = A.Compose([A.Superpixels(p_replace=1.0, n_segments=(5, 9), max_size=16, p=0.5)], seed=2).batch(
        images=xp.asarray(imgs)
    )["images"]
    same = [np.array_equal(xp.to_numpy(out)[i], imgs[i]) for i in range(8)]
    assert any(same) and not all(same)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p_replace": 1.5}, ValueError, "p_replace"),
        ({"p_replace": float("nan")}, ValueError, "p_replace"),
        ({"p_replace": (0.6, 0.2)}, ValueError, "p_replace"),
        ({"p_replace": True}, TypeError, "p_replace"),
        ({"n_segments": 0}, ValueError, "n_segments"),
        ({"n_segments": (5, 3)}, ValueError, "n_segments"),
        ({"n_segments": 2.5}, TypeError, "n_segments"),
        ({"n_segments": (1, 2, 3)}, TypeError, "n_segments"),
        ({"n_segments": (True, 4)}, TypeError, "n_segments"),
        ({"max_size": 0}, ValueError, "max_size"),
        ({"max_size": 12.0}, TypeError, "max_size"),
        ({"interpolation": 7}, ValueError, "interpolation"),
        ({"interpolation": True}, TypeError, "interpolation"),
    ],
)
def test_superpixels_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        A.Superpixels(**kwargs)


def test_superpixels_arguments_match_albumentations(alb):
    for kwargs in ({}, {"p_replace": 0.4, "n_segments": 50}, {"p_replace": (0.2, 0.3), "n_segments": (4, 9)}):
        want, got = alb.Superpixels(**kwargs), A.Superpixels(**kwargs)
        assert tuple(got.p_replace) == tuple(want.p_replace), kwargs
        assert tuple(got.n_segments) == tuple(want.n_segments), kwargs
        assert (got.max_size, got.interpolation) == (want.max_size, want.interpolation)
    with pytest.raises(ValueError, match=r"Superpixels: expected a float image with values in \[0, 1\]"):
        A.Superpixels(p=1)(image=np.full((4, 4, 3), 200.0, np.float32))
