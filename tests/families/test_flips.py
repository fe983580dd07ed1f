"""Flips: the hflip / vflip / transpose / rot90 kernels (hand-computed golden vectors over every
backend, OpenCV override parity) and the per-sample ``select`` kernel (shared by every batch).

The flip transforms (HorizontalFlip, VerticalFlip, Transpose, RandomRotate90, D4) are covered by the
registry-driven contract, geometry-consistency and target tests. Tolerances: see ``_spatial``.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from xalbu.functional import flips as G
from xalbu.functional._common import select

from ._spatial import CASES, RAMP, hwc, override_and_generic, random_image, run


# --------------------------------------------------------------------------------------------------
# golden: flips, transpose, rot90, select
# --------------------------------------------------------------------------------------------------
@pytest.mark.golden.with_args(G.hflip, G.vflip, G.transpose, G.rot90)
@pytest.mark.parametrize(
    ("kernel", "args", "expected"),
    [
        (G.hflip, (), [[2, 1, 0], [5, 4, 3]]),
        (G.vflip, (), [[3, 4, 5], [0, 1, 2]]),
        (G.transpose, (), [[0, 3], [1, 4], [2, 5]]),
        (G.rot90, (0,), [[0, 1, 2], [3, 4, 5]]),
        (G.rot90, (1,), [[2, 5], [1, 4], [0, 3]]),
        (G.rot90, (2,), [[5, 4, 3], [2, 1, 0]]),
        (G.rot90, (3,), [[3, 0], [4, 1], [5, 2]]),
        (G.rot90, (-1,), [[3, 0], [4, 1], [5, 2]]),
        (G.rot90, (6,), [[5, 4, 3], [2, 1, 0]]),
    ],
)
def test_flips_golden(xp, kernel, args, expected):
    img = hwc(RAMP)
    np.testing.assert_array_equal(run(xp, kernel, img, *args), hwc(expected))
    batch = np.stack([img, img + 10])  # NHWC: the same op on every sample
    np.testing.assert_array_equal(
        run(xp, kernel, batch, *args), np.stack([hwc(expected), hwc(expected) + 10])
    )


@pytest.mark.parametrize("dtype", [np.uint16, np.int32, np.int64, np.bool_, np.float32])
def test_flips_keep_values_any_dtype(xp, dtype):
    vals = np.array([[0, 65535, 1], [65534, 40000, 7]]) if dtype == np.uint16 else RAMP
    vals = vals % 2 if dtype == np.bool_ else vals
    vals = vals * 100000 - 3 if dtype in (np.int32, np.int64) else vals
    img = np.stack([vals, vals[::-1]], axis=-1).astype(dtype)  # two channels
    np.testing.assert_array_equal(run(xp, G.hflip, img), img[:, ::-1])
    np.testing.assert_array_equal(run(xp, G.vflip, img), img[::-1])
    np.testing.assert_array_equal(run(xp, G.transpose, img), img.transpose(1, 0, 2))
    for k in range(4):
        np.testing.assert_array_equal(run(xp, G.rot90, img, k), np.rot90(img, k))


@pytest.mark.golden.with_args(select)
def test_select_golden(xp):
    a = np.ones((3, 2, 2, 1), np.uint8)
    out = run(xp, select, a, xp.asarray(a * 2), np.array([True, False, True]))
    np.testing.assert_array_equal(out[:, 0, 0, 0], [1, 2, 1])


# --------------------------------------------------------------------------------------------------
# parity: OpenCV overrides vs generic kernels (NumPy inputs)
# --------------------------------------------------------------------------------------------------
def test_overrides_registered():
    importlib.import_module("xalbu.backends.numpy_cv2")  # dispatch imports it lazily; be explicit here
    for k in [G.hflip, G.vflip, G.transpose, G.rot90]:
        assert "numpy_cv2" in k.overrides, k.__name__


@pytest.mark.parity.with_args("numpy_cv2", G.hflip, G.vflip, G.transpose, G.rot90)
@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_flips(dtype, c, batched):
    img = random_image(dtype, c, batched)
    before = img.copy()
    for kernel, args in [(G.hflip, ()), (G.vflip, ()), (G.transpose, ())]:
        out, ref = override_and_generic(kernel, img, *args)
        np.testing.assert_array_equal(out, ref, err_msg=kernel.__name__)
    for k in range(-1, 5):
        out, ref = override_and_generic(G.rot90, img, k)
        np.testing.assert_array_equal(out, ref, err_msg=f"rot90 k={k}")
    np.testing.assert_array_equal(img, before)


@pytest.mark.parity.with_args("numpy_cv2", select)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.bool_, np.int64])
def test_parity_select(dtype):
    """Sample copies equal ``numpy.where``; a fresh array even when every flag picks one side."""
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2, (5, 4, 3, 2)).astype(dtype)
    b = rng.integers(0, 2, (5, 4, 3, 2)).astype(dtype)
    for flags in ([True, False, True, True, False], [True] * 5, [False] * 5):
        out = select(a, b, np.array(flags))
        np.testing.assert_array_equal(out, select.generic(a, b, np.array(flags)))
        assert not np.shares_memory(out, a) and not np.shares_memory(out, b)


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.int64, np.bool_, np.int8])
def test_parity_masks(dtype):
    """Masks through nearest warp/resize and pad: int32/int16 via OpenCV, the rest declined to generic."""
    rng = np.random.default_rng(5)
    mask = rng.integers(-3, 100, (2, 9, 11, 1)).astype(dtype)
    for out, ref in [
        override_and_generic(G.hflip, mask),
        override_and_generic(G.rot90, mask, 1),
    ]:
        np.testing.assert_array_equal(out, ref)


# --------------------------------------------------------------------------------------------------
# SquareSymmetry (albumentations' alias of D4)
# --------------------------------------------------------------------------------------------------
def test_square_symmetry_is_d4_with_its_draws():
    import xalbu as A

    img = np.arange(9, dtype=np.uint8).reshape(3, 3)
    assert issubclass(A.SquareSymmetry, A.D4) and A.SquareSymmetry().p == 1.0
    outs = set()
    for seed in range(60):
        ours = A.Compose([A.SquareSymmetry()], seed=seed)(image=img)["image"]
        np.testing.assert_array_equal(ours, A.Compose([A.D4()], seed=seed)(image=img)["image"])
        outs.add(ours.tobytes())
    assert len(outs) == 8  # every symmetry of the square is drawn


def test_square_symmetry_matches_albumentations_group():
    alb = pytest.importorskip("albumentations")
    import xalbu as A

    img = random_image(np.uint8, 3, False, hw=(5, 5))
    theirs = {
        alb.SquareSymmetry(p=1).apply(img, group_element=e).tobytes()
        for e in ("e", "r90", "r180", "r270", "v", "hvt", "h", "t")
    }
    ours = {A.Compose([A.SquareSymmetry()], seed=s)(image=img)["image"].tobytes() for s in range(60)}
    assert ours == theirs


def test_square_symmetry_targets_and_batch():
    import xalbu as A

    h = w = 12
    mask = np.zeros((h, w), np.uint8)
    mask[2:5, 3:9] = 1
    kps = [[3.5, 2.5], [8.5, 4.5]]
    pipe = A.Compose(
        [A.SquareSymmetry()],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=0,
    )
    for _ in range(16):
        out = pipe(image=np.zeros((h, w, 3), np.uint8), mask=mask, bboxes=[[3, 2, 9, 5]], keypoints=kps)
        ys, xs = np.nonzero(out["mask"])
        np.testing.assert_allclose(out["bboxes"][0], [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
        for x, y in out["keypoints"]:
            assert out["mask"][int(y), int(x)] == 1
    batch = random_image(np.uint8, 3, True, hw=(6, 6))
    got = A.Compose([A.SquareSymmetry()], seed=3).batch(images=batch)["images"]
    for k in range(3):  # each sample is one of the 8 symmetries of its input
        cands = {np.rot90(t, r).tobytes() for t in (batch[k], batch[k].transpose(1, 0, 2)) for r in range(4)}
        assert got[k].tobytes() in cands
    refused = 0
    for seed in range(10):  # non-square: draws that would give the samples different sizes are refused
        try:
            A.Compose([A.SquareSymmetry()], seed=seed).batch(
                images=random_image(np.uint8, 3, True, hw=(6, 8))
            )
        except ValueError as e:
            assert "SquareSymmetry" in str(e) and "batch" in str(e)
            refused += 1
    assert refused > 0
