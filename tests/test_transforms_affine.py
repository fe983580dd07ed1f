"""Affine, ShiftScaleRotate, Rotate and Perspective: exact pixels, geometry consistency, batches."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import geometric as G

RNG = np.random.default_rng(20240601)


def _img(shape, dtype=np.uint8, seed=0):
    r = np.random.default_rng(seed)
    if np.dtype(dtype) == np.float32:
        return r.random(shape, dtype=np.float32)
    hi = 255 if np.dtype(dtype) == np.uint8 else 65535
    return r.integers(0, hi + 1, shape).astype(dtype)


def _one(t, seed=0, **data):
    return A.Compose([t], seed=seed)(**data)


def _bbox_of_mask(mask):
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)


# ------------------------------------------------------------------------------------------
# exact pixels
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("angle,k", [(90, 1), (-90, 3), (180, 2), (270, 3), (0, 0)])
def test_affine_quarter_turns_equal_rot90(xp, angle, k):
    img = _img((6, 6, 3))
    out = _one(A.Affine(rotate=angle, interpolation=0, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), np.rot90(img, k))


def test_affine_rotate_180_non_square_and_linear(xp):
    img = _img((4, 7, 3))
    out = _one(A.Affine(rotate=180, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img[::-1, ::-1])


def test_affine_translate_px_shifts_with_fill(xp):
    img = _img((5, 8, 3))
    t = A.Affine(translate_px={"x": 2, "y": 0}, fill=7, p=1)
    out = xp.to_numpy(_one(t, image=xp.asarray(img))["image"])
    np.testing.assert_array_equal(out[:, 2:], img[:, :-2])
    assert (out[:, :2] == 7).all()


def test_affine_translate_percent_vertical():
    img = _img((10, 4))
    out = _one(A.Affine(translate_percent={"y": -0.3}, interpolation=0, p=1), image=img)["image"]
    np.testing.assert_array_equal(out[:7], img[3:])
    assert (out[7:] == 0).all()


def test_affine_scale_2_nearest_checkerboard(xp):
    board = ((np.arange(8)[:, None] + np.arange(8)[None, :]) % 2 * 255).astype(np.uint8)
    board = board * np.arange(1, 9, dtype=np.uint8)[None, :] // 8 + np.arange(8, dtype=np.uint8)[:, None]
    out = xp.to_numpy(_one(A.Affine(scale=2, interpolation=0, p=1), image=xp.asarray(board))["image"])
    # zoom x2 about the centre: the central 4x4 block, every pixel doubled
    expected = np.repeat(np.repeat(board[2:6, 2:6], 2, axis=0), 2, axis=1)
    np.testing.assert_array_equal(out, expected)


def test_affine_shear_x_moves_rows_horizontally():
    img = np.zeros((9, 21), np.uint8)
    img[:, 10] = 255
    out = _one(A.Affine(shear={"x": 45}, interpolation=0, p=1), image=img)["image"]
    cols = [int(np.argmax(row)) for row in out]
    # tan(45) = 1: the column shifts by one pixel per row (albumentations' sign: lower rows move left)
    assert cols == list(range(14, 5, -1))


def test_shift_scale_rotate_zero_limits_is_identity(xp):
    img = _img((7, 9, 3))
    mask = _img((7, 9), seed=3)
    t = A.ShiftScaleRotate(shift_limit=0, scale_limit=0, rotate_limit=0, p=1)
    out = _one(t, image=xp.asarray(img), mask=xp.asarray(mask))
    np.testing.assert_array_equal(xp.to_numpy(out["image"]), img)
    np.testing.assert_array_equal(xp.to_numpy(out["mask"]), mask)


@pytest.mark.parametrize("keep_size", [True, False])
def test_perspective_zero_scale_is_identity(xp, keep_size):
    img = _img((6, 10, 3))
    out = _one(A.Perspective(scale=(0, 0), keep_size=keep_size, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img)
    batch = np.stack([img, img[::-1]])
    outb = A.Compose([A.Perspective(scale=0, keep_size=keep_size, p=1)], seed=1).batch(
        images=xp.asarray(batch)
    )
    np.testing.assert_array_equal(xp.to_numpy(outb["images"]), batch)


def test_rotate_identity_and_half_turn():
    img = _img((5, 8, 3))
    np.testing.assert_array_equal(_one(A.Rotate(limit=0, p=1), image=img)["image"], img)
    out = _one(A.Rotate(limit=(180, 180), interpolation=0, p=1), image=img)["image"]
    np.testing.assert_array_equal(out, img[::-1, ::-1])


def test_fit_output_quarter_turn_on_non_square(xp):
    img = _img((4, 9, 3))
    out = _one(A.Affine(rotate=90, fit_output=True, interpolation=0, p=1), image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), np.rot90(img, 1))


def test_rotate_crop_border_has_no_fill():
    img = np.full((30, 50, 3), 200, np.uint8)
    for seed in range(10):
        out = _one(A.Rotate(limit=(-60, 60), crop_border=True, interpolation=0, p=1), seed=seed, image=img)
        assert out["image"].shape[0] <= 30 and out["image"].shape[1] <= 50
        assert (out["image"] == 200).all()
    h, w = _one(A.Rotate(limit=(90, 90), crop_border=True, p=1), image=img)["image"].shape[:2]
    assert (h, w) == (30, 30)
    batch = np.stack([img] * 6)
    outb = A.Compose([A.Rotate(limit=(-60, 60), crop_border=True, interpolation=0, p=1)], seed=3).batch(
        images=batch
    )
    assert (outb["images"] == 200).all()


def test_perspective_quad_fills_the_output():
    # as in albumentations: the jittered quadrilateral inside the image is mapped onto the output
    img = np.full((40, 60, 3), 90, np.uint8)
    t = A.Perspective(scale=(0.05, 0.2), interpolation=0, p=1)
    for seed in range(8):
        assert (_one(t, seed=seed, image=img)["image"] == 90).all()
    params = t.sample(np.random.default_rng(0), (40, 60), None)
    mapped = _map(params.matrix, params.points)
    np.testing.assert_allclose(mapped, [[0, 0], [60, 0], [60, 40], [0, 40]], atol=1e-6)
    jitter = np.abs(params.points - [[0, 0], [60, 0], [60, 40], [0, 40]]) / [60, 40]
    assert (jitter < 0.32).all()


def _map(m, pts):
    pts = np.asarray(pts, np.float64)
    hom = np.concatenate([pts, np.ones((len(pts), 1))], axis=1) @ np.asarray(m).T
    return hom[:, :2] / hom[:, 2:]


# ------------------------------------------------------------------------------------------
# geometry consistency: keypoints and boxes follow the pixels
# ------------------------------------------------------------------------------------------
GEOMETRY_CASES = [
    A.Affine(scale=(0.8, 1.4), rotate=(-180, 180), shear=(-10, 10), translate_percent=(-0.2, 0.2), p=1),
    A.Affine(scale={"x": (0.8, 1.2), "y": (1.0, 1.5)}, rotate=(-45, 45), fit_output=True, p=1),
    A.ShiftScaleRotate(p=1),
    A.Rotate(limit=(-180, 180), p=1),
    A.Rotate(limit=(-40, 40), crop_border=True, p=1),
    A.Perspective(scale=(0.02, 0.06), p=1),
    A.Perspective(scale=(0.02, 0.06), keep_size=False, p=1),
    A.Perspective(scale=(0.02, 0.06), fit_output=True, p=1),
]


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_keypoints_land_on_their_mask_blob(t):
    h, w = 40, 48
    centres = [(i, j) for i in range(3, h - 3, 7) for j in range(3, w - 3, 7)]
    mask = np.zeros((h, w), np.int32)
    for label, (i, j) in enumerate(centres, start=1):
        mask[i - 1 : i + 2, j - 1 : j + 2] = label
    kps = [(j + 0.5, i + 0.5) for i, j in centres]
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=11)
    checked = 0
    for _ in range(25):
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, keypoints=kps)
        m = out["mask"]
        for label, (x, y) in enumerate(out["keypoints"], start=1):
            if 0 <= x < m.shape[1] and 0 <= y < m.shape[0]:
                assert m[int(y), int(x)] == label
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_keypoints_land_on_their_mask_blob_in_a_batch(t):
    n, h, w = 12, 40, 48
    centres = [(i, j) for i in range(3, h - 3, 7) for j in range(3, w - 3, 7)]
    mask = np.zeros((h, w), np.int32)
    for label, (i, j) in enumerate(centres, start=1):
        mask[i - 1 : i + 2, j - 1 : j + 2] = label
    kps = [(j + 0.5, i + 0.5) for i, j in centres]
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=12)
    out = pipe.batch(images=np.zeros((n, h, w), np.uint8), masks=np.stack([mask] * n), keypoints=[kps] * n)
    checked = 0
    for s in range(n):
        m = out["masks"][s]
        for label, (x, y) in enumerate(out["keypoints"][s], start=1):
            if 0 <= x < m.shape[1] and 0 <= y < m.shape[0]:
                assert m[int(y), int(x)] == label
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "t",
    [
        A.Affine(rotate=90, scale=(0.7, 1.6), translate_px=(-5, 5), p=1),
        A.Affine(rotate=-90, scale={"x": (0.6, 1.3), "y": (1.0, 1.8)}, translate_percent=(-0.1, 0.1), p=1),
        A.Affine(rotate=180, scale=(0.5, 2.0), balanced_scale=True, p=1),
        A.Affine(rotate=0, scale=(0.5, 1.5), fit_output=True, p=1),
        A.ShiftScaleRotate(rotate_limit=0, scale_limit=0.3, p=1),
    ],
)
def test_box_of_rectangle_matches_mask_axis_aligned(t):
    h, w = 36, 44
    pipe = A.Compose([t], bbox_params=A.BboxParams(format="pascal_voc"), seed=5)
    for trial in range(20):
        r = np.random.default_rng(trial)
        x0, y0 = int(r.integers(2, w // 2)), int(r.integers(2, h // 2))
        x1, y1 = x0 + int(r.integers(4, w // 2 - 1)), y0 + int(r.integers(4, h // 2 - 1))
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y1, x0:x1] = 1
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, bboxes=[[x0, y0, x1, y1]])
        if not out["mask"].any():
            assert out["bboxes"] == []
            continue
        np.testing.assert_allclose(out["bboxes"][0], _bbox_of_mask(out["mask"]), atol=1.0)


@pytest.mark.parametrize("t", GEOMETRY_CASES, ids=lambda t: type(t).__name__)
def test_box_contains_the_mask_for_general_maps(t):
    h, w = 36, 44
    pipe = A.Compose([t], bbox_params=A.BboxParams(format="pascal_voc"), seed=9)
    for trial in range(20):
        r = np.random.default_rng(100 + trial)
        x0, y0 = int(r.integers(1, w // 2)), int(r.integers(1, h // 2))
        x1, y1 = x0 + int(r.integers(3, w // 2)), y0 + int(r.integers(3, h // 2))
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y1, x0:x1] = 1
        out = pipe(image=np.zeros((h, w), np.uint8), mask=mask, bboxes=[[x0, y0, x1, y1]])
        if not out["mask"].any():
            continue
        mb = _bbox_of_mask(out["mask"])
        (bx0, by0, bx1, by1) = out["bboxes"][0]
        assert bx0 - 1 <= mb[0] and by0 - 1 <= mb[1] and mb[2] <= bx1 + 1 and mb[3] <= by1 + 1


# ------------------------------------------------------------------------------------------
# batches
# ------------------------------------------------------------------------------------------
BATCH_CASES = [
    A.Affine(scale=(0.7, 1.3), rotate=(-40, 40), shear=(-10, 10), translate_percent=(-0.1, 0.1), p=1),
    A.ShiftScaleRotate(p=1),
    A.Rotate(limit=(-90, 90), border_mode=4, p=1),
    A.Perspective(scale=(0.05, 0.1), p=1),
]


@pytest.mark.parametrize("t", BATCH_CASES, ids=lambda t: type(t).__name__)
def test_batch_samples_replay_their_own_matrix(xp, t):
    n, h, w = 4, 12, 14
    img = _img((h, w, 3))
    seed = 21
    out = A.Compose([t], seed=seed).batch(images=xp.asarray(np.stack([img] * n)))["images"]
    out = xp.to_numpy(out)
    assert out.shape == (n, h, w, 3) and out.dtype == np.uint8
    assert not any(np.array_equal(out[0], out[i]) for i in range(1, n))
    # with p=1 the pipeline's first draws are this transform's batch parameters
    params = t.sample(np.random.default_rng(seed), (h, w), n)
    for i in range(n):
        ref = xp.to_numpy(
            G.warp(xp.asarray(img), params.matrix[i], (h, w), t.interpolation, t.border_mode, t.fill)
        )
        assert np.abs(out[i].astype(int) - ref.astype(int)).max() <= 1
    # and the single-image path with the same draws gives the same pixels
    single = A.Compose([t], seed=seed)(image=img)["image"]
    p1 = t.sample(np.random.default_rng(seed), (h, w), None)
    ref1 = G.warp(img, p1.matrix, (h, w), t.interpolation, t.border_mode, t.fill)
    assert np.abs(single.astype(int) - ref1.astype(int)).max() <= 1


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 1, 3, 6])
def test_batch_dtypes_and_channels(xp, dtype, channels):
    n, h, w = 3, 10, 11
    shape = (n, h, w) if channels is None else (n, h, w, channels)
    batch = _img(shape, dtype)
    t = A.Affine(rotate=(-30, 30), scale=(0.9, 1.1), p=1)
    out = xp.to_numpy(A.Compose([t], seed=4).batch(images=xp.asarray(batch))["images"])
    assert out.shape == shape and out.dtype == np.dtype(dtype)
    params = t.sample(np.random.default_rng(4), (h, w), n)
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1
    for i in range(n):
        src = batch[i] if channels is not None else batch[i][..., None]
        ref = xp.to_numpy(G.warp(xp.asarray(src), params.matrix[i], (h, w), 1, 0, 0.0))
        got = out[i] if channels is not None else out[i][..., None]
        assert np.abs(got.astype(np.float64) - ref.astype(np.float64)).max() <= tol


def test_single_grayscale_stays_hw(xp):
    img = _img((9, 13))
    for t in [A.Affine(rotate=20, p=1), A.Rotate(p=1), A.ShiftScaleRotate(p=1), A.Perspective(p=1)]:
        out = _one(t, image=xp.asarray(img))["image"]
        assert tuple(out.shape) == (9, 13)


def test_batch_masks_boxes_keypoints_follow_each_sample():
    n, h, w = 5, 20, 24
    t = A.Affine(rotate=(-180, 180), scale=(0.8, 1.2), translate_px=(-3, 3), p=1)
    pipe = A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc"),
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        seed=8,
    )
    mask = np.zeros((h, w), np.uint8)
    mask[6:14, 8:16] = 3
    out = pipe.batch(
        images=np.zeros((n, h, w), np.uint8),
        masks=np.stack([mask] * n),
        bboxes=[[[8, 6, 16, 14]]] * n,
        keypoints=[[[12.0, 10.0]]] * n,
    )
    params = t.sample(np.random.default_rng(8), (h, w), n)
    for i in range(n):
        ref = G.warp(mask[..., None], params.matrix[i], (h, w), 0, 0, 0)[..., 0]
        np.testing.assert_array_equal(out["masks"][i], ref)
        np.testing.assert_allclose(
            out["keypoints"][i][0], _map(params.matrix[i], [[12.0, 10.0]])[0], atol=1e-4
        )
        corners = _map(params.matrix[i], [[8, 6], [16, 6], [16, 14], [8, 14]])
        hull = np.clip([*corners.min(0), *corners.max(0)], 0, [w, h, w, h])
        np.testing.assert_allclose(out["bboxes"][i][0], hull, atol=1e-4)


def test_batch_fit_output_uses_the_largest_canvas_centred():
    n, h, w = 6, 16, 24
    t = A.Affine(rotate=(-60, 60), scale=(0.8, 1.2), fit_output=True, interpolation=0, p=1)
    out = A.Compose([t], seed=2).batch(images=np.full((n, h, w), 255, np.uint8))["images"]
    params = t.sample(np.random.default_rng(2), (h, w), n)
    H, W = out.shape[1:3]
    assert (H, W) == params.out_hw
    sizes = []
    for i in range(n):
        corners = _map(params.matrix[i], [[0, 0], [w, 0], [w, h], [0, h]])
        lo, hi = corners.min(0), corners.max(0)
        assert (lo >= -1e-6).all() and (hi <= [W + 1e-6, H + 1e-6]).all()  # nothing cut off
        # centred (whole-pixel offset of the rounded-up extent): the two margins differ by under 2 px
        assert abs(lo[0] - (W - hi[0])) < 2 and abs(lo[1] - (H - hi[1])) < 2
        sizes.append(np.ceil(hi - lo - 1e-6))
    assert W == max(s[0] for s in sizes) and H == max(s[1] for s in sizes)
    # the single-image size of a draw is its own extent
    single = A.Compose([t], seed=2)(image=np.zeros((h, w), np.uint8))["image"]
    p1 = t.sample(np.random.default_rng(2), (h, w), None)
    assert single.shape == p1.out_hw


def test_batch_perspective_keep_size_false_canvas():
    n, h, w = 4, 30, 40
    t = A.Perspective(scale=(0.05, 0.1), keep_size=False, interpolation=0, p=1)
    out = A.Compose([t], seed=6).batch(images=np.full((n, h, w), 50, np.uint8))["images"]
    params = t.sample(np.random.default_rng(6), (h, w), n)
    assert out.shape[1:] == params.out_hw
    assert out.shape[1] <= h and out.shape[2] <= w


def test_batch_size_changing_with_p_below_one_raises():
    t = A.Affine(rotate=(-40, 40), fit_output=True, p=0.5)
    with pytest.raises(ValueError, match="size"):
        A.Compose([t], seed=0).batch(images=np.zeros((8, 10, 14), np.uint8))


def test_batch_gated_samples_stay_unchanged():
    batch = _img((16, 9, 9, 3))
    out = A.Compose([A.Affine(rotate=(10, 80), p=0.5)], seed=3).batch(images=batch)["images"]
    same = [np.array_equal(out[i], batch[i]) for i in range(16)]
    assert 0 < sum(same) < 16


# ------------------------------------------------------------------------------------------
# sampling
# ------------------------------------------------------------------------------------------
def test_balanced_scale_and_keep_ratio():
    rng = np.random.default_rng(0)
    plain = A.Affine(scale=(0.5, 2.0), p=1).sample(rng, (10, 10), 20000)
    balanced = A.Affine(scale=(0.5, 2.0), balanced_scale=True, keep_ratio=True, p=1).sample(
        rng, (10, 10), 20000
    )
    assert abs((plain.scale_x < 1).mean() - 1 / 3) < 0.02
    assert abs((balanced.scale_x < 1).mean() - 0.5) < 0.02
    assert balanced.scale_x.min() >= 0.5 and balanced.scale_x.max() <= 2.0
    np.testing.assert_array_equal(balanced.scale_x, balanced.scale_y)


def test_translate_sampling_ranges():
    rng = np.random.default_rng(1)
    px = A.Affine(translate_px={"x": (-3, 4)}, p=1).sample(rng, (10, 20), 4000)
    assert set(np.unique(px.translate_x)) == set(range(-3, 5))
    assert (px.translate_y == 0).all()
    pc = A.Affine(translate_percent=(0.1, 0.2), p=1).sample(rng, (10, 20), 4000)
    assert pc.translate_x.min() >= 2 and pc.translate_x.max() <= 4
    assert pc.translate_y.min() >= 1 and pc.translate_y.max() <= 2


def test_shift_scale_rotate_ranges_and_init_args():
    t = A.ShiftScaleRotate(shift_limit=0.1, scale_limit=0.2, rotate_limit=30, shift_limit_y=(0.0, 0.05), p=1)
    assert t.scale_limit == (-0.2, 0.2) and t.shift_limit_x == (-0.1, 0.1) and t.shift_limit_y == (0.0, 0.05)
    s = t.sample(np.random.default_rng(2), (100, 200), 5000)
    assert s.scale_x.min() >= 0.8 and s.scale_x.max() <= 1.2
    np.testing.assert_array_equal(s.scale_x, s.scale_y)
    assert np.abs(s.rotate).max() <= 30 and np.abs(s.translate_x).max() <= 20
    assert s.translate_y.min() >= 0 and s.translate_y.max() <= 5
    clone = A.ShiftScaleRotate(**t.init_args())
    assert clone.init_args() == t.init_args()
    assert repr(clone) == repr(t)


@pytest.mark.parametrize(
    "t",
    [
        A.Affine(scale={"x": (0.5, 1)}, translate_px=3, shear={"y": 5}, fit_output=True),
        A.Rotate(limit=20, crop_border=True),
        A.Perspective(scale=0.2, keep_size=False, fit_output=True),
    ],
)
def test_init_args_round_trip(t):
    clone = type(t)(**t.init_args())
    assert clone.init_args() == t.init_args()


def test_same_seed_same_output():
    img = _img((12, 12, 3))
    for t in BATCH_CASES:
        a = A.Compose([t], seed=3)(image=img)["image"]
        b = A.Compose([t], seed=3)(image=img)["image"]
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: A.Rotate(limit=(10, -10)), "limit"),
        (lambda: A.Rotate(p=1.5), "p"),
        (lambda: A.Rotate(interpolation=9), "interpolation"),
        (lambda: A.Rotate(border_mode=7), "border_mode"),
        (lambda: A.Affine(mask_interpolation=-1), "mask_interpolation"),
        (lambda: A.Affine(rotate=(30, 10)), "rotate"),
        (lambda: A.Affine(scale=0), "scale"),
        (lambda: A.Affine(scale={"z": 1.0}), "scale"),
        (lambda: A.Affine(shear=90), "shear"),
        (lambda: A.Affine(translate_percent=0.1, translate_px=2), "translate_percent"),
        (lambda: A.Affine(keep_ratio=True, scale={"x": (1, 2), "y": (0.5, 1)}), "keep_ratio"),
        (lambda: A.Affine(rotate_method="ellipse"), "rotate_method"),
        (lambda: A.Rotate(rotate_method="box"), "rotate_method"),
        (lambda: A.ShiftScaleRotate(shift_limit=2), "shift_limit"),
        (lambda: A.ShiftScaleRotate(shift_limit_x=(0.5, -0.5)), "shift_limit_x"),
        (lambda: A.ShiftScaleRotate(scale_limit=(-1.0, 0.5)), "scale_limit"),
        (lambda: A.ShiftScaleRotate(rotate_limit=(5, -5)), "rotate_limit"),
        (lambda: A.Perspective(scale=(0.2, 0.1)), "scale"),
        (lambda: A.Perspective(scale=-0.1), "scale"),
    ],
)
def test_invalid_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: A.Affine(fit_output="yes"), "fit_output"),
        (lambda: A.Rotate(crop_border=1), "crop_border"),
        (lambda: A.Perspective(keep_size=None), "keep_size"),
        (lambda: A.Affine(fill="white"), "fill"),
        (lambda: A.Affine(rotate="30"), "rotate"),
    ],
)
def test_invalid_types_raise_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()
