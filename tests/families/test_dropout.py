"""Dropout: the ``cutout`` kernel (golden hole positions and fills, numpy_cv2 and CuPy parity bit for
bit), the transforms CoarseDropout, Erasing, GridDropout and XYMasking (hole sampling, masks, boxes and
keypoints in sync, batch == single per sample, albumentations 2.0.8's apply functions on the same holes,
argument checks)."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _random as R
from xalbu.functional import dropout as P
from xalbu.transforms import _holes as H
from xalbu.transforms import dropout as D

from ._dropout_more import *  # noqa: F403 - inpainting fills (and AlbumentationsX's extras), kept apart for size

DTYPES = ("uint8", "uint16", "float32")
HOLES = np.array([[1, 0, 3, 2], [2, 1, 5, 4]])  # x_min, y_min, x_max, y_max (the second overlaps the first)


def ramp(dtype: str, hwc=(5, 6, 3)) -> np.ndarray:
    a = np.arange(int(np.prod(hwc)), dtype=np.float64).reshape(hwc)
    return (a / a.max()).astype(np.float32) if dtype == "float32" else a.astype(dtype)


def covered(hw, holes) -> np.ndarray:
    m = np.zeros(hw, bool)
    for x0, y0, x1, y1 in np.asarray(holes).reshape(-1, 4):
        m[y0:y1, x0:x1] = True
    return m


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(P.cutout)
def test_cutout_golden_values(xp):
    img = np.full((4, 5, 1), 7, np.uint8)
    out = xp.to_numpy(P.cutout(xp.asarray(img), [[1, 0, 3, 2], [3, 2, 5, 4]], 0))
    np.testing.assert_array_equal(
        out[..., 0], [[7, 0, 0, 7, 7], [7, 0, 0, 7, 7], [7, 7, 7, 0, 0], [7, 7, 7, 0, 0]]
    )
    # per-channel fill, saturated to the dtype; empty holes cover nothing
    img3 = np.full((2, 3, 3), 5, np.uint8)
    out = xp.to_numpy(P.cutout(xp.asarray(img3), [[0, 1, 1, 2], [2, 0, 2, 2]], (1, 300, -4)))
    np.testing.assert_array_equal(out[1, 0], [1, 255, 0])
    np.testing.assert_array_equal(out[0], np.full((3, 3), 5))
    # "random": value e = offset_k + ((y - y0) * w_k + (x - x0)) * C + c of the seed's stream; the
    # later hole wins where they overlap. uint8 takes the high byte of the 16 bits
    img1 = np.zeros((5, 6, 1), np.uint8)
    bits = R.philox_u16(np.zeros(1), 9, 4 + 9)
    out = xp.to_numpy(P.cutout(xp.asarray(img1), HOLES, 0, "random", 9))[..., 0]
    assert out[0, 1] == bits[0] >> 8 and out[0, 2] == bits[1] >> 8 and out[1, 1] == bits[2] >> 8
    assert out[1, 2] == bits[4] >> 8  # (y 1, x 2) is in both holes: the second's first value (offset 4)
    assert out[3, 4] == bits[4 + 2 * 3 + 2] >> 8 and out[2, 1] == 0
    # "random_uniform": one colour per hole, value k * C + c
    img3 = np.zeros((5, 6, 3), np.uint16)
    bits = R.philox_u16(np.zeros(1), 4, 6)
    out = xp.to_numpy(P.cutout(xp.asarray(img3), HOLES, 0, "random_uniform", 4))
    np.testing.assert_array_equal(out[0, 1], bits[0:3])
    np.testing.assert_array_equal(out[3, 4], bits[3:6])
    # float32: the midpoint (bits + 0.5) / 65536
    out = xp.to_numpy(P.cutout(xp.asarray(img3.astype(np.float32)), HOLES, 0, "random_uniform", 4))
    np.testing.assert_array_equal(out[0, 1], (bits[0:3] + 0.5) / 65536)


@pytest.mark.golden.with_args(P.cutout)
def test_cutout_batch_golden(xp):
    imgs = np.full((2, 3, 4, 1), 9, np.uint8)
    holes = np.array([[[0, 0, 2, 1], [0, 0, 0, 0]], [[3, 1, 4, 3], [1, 2, 2, 3]]])
    fill = np.array([1, 2])
    out = xp.to_numpy(P.cutout(xp.asarray(imgs), holes, fill))[..., 0]
    np.testing.assert_array_equal(out[0], [[1, 1, 9, 9], [9, 9, 9, 9], [9, 9, 9, 9]])
    np.testing.assert_array_equal(out[1], [[9, 9, 9, 9], [9, 9, 9, 2], [9, 2, 9, 2]])


# ------------------------------------------------------------------------------------------ parity
@pytest.mark.parity.with_args("numpy_cv2", P.cutout)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", P.FILL_MODES)
def test_cutout_numpy_override_is_exact(dtype, mode):
    """Tolerance: none (the same Philox values, tables and slices)."""
    img = ramp(dtype, (9, 11, 3))
    holes = np.array([[0, 0, 4, 3], [2, 1, 9, 8], [10, 8, 11, 9], [3, 3, 3, 5]])
    fill = (0.5, 0.25, 1.0) if dtype == "float32" else (3, 200, 77)
    np.testing.assert_array_equal(
        P.cutout(img, holes, fill, mode, 77), P.cutout.generic(img, holes, fill, mode, 77)
    )
    batch = np.stack([img, img[::-1].copy(), img])
    hb = np.array([holes, np.roll(holes, 1, axis=0), np.zeros_like(holes)])
    seeds = np.array([1, 2, 3], np.uint64)
    fills = np.array([fill, fill[::-1], fill])
    got = P.cutout(batch, hb, fills, mode, seeds)
    np.testing.assert_array_equal(got, P.cutout.generic(batch, hb, fills, mode, seeds))
    np.testing.assert_array_equal(got[2], batch[2])
    for s in range(2):  # batch == single per sample
        np.testing.assert_array_equal(got[s], P.cutout(batch[s], hb[s], tuple(fills[s]), mode, int(seeds[s])))


@pytest.mark.parity.with_args("cupy", P.cutout)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", P.FILL_MODES)
def test_cutout_cupy_is_exact(cupy, dtype, mode):
    """Tolerance: none. One launch for the whole batch, whatever N."""
    img = ramp(dtype, (7, 8, 3))
    batch = np.stack([img, img[::-1].copy(), img])
    hb = np.array([[[0, 0, 4, 3], [2, 1, 7, 6]], [[1, 1, 2, 2], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 0, 0, 0]]])
    seeds = np.array([5, 6, 7], np.uint64)
    fills = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) if dtype != "float32" else np.full((3, 3), 0.5)
    got = P.cutout(cupy.asarray(batch), hb, fills, mode, seeds)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.cutout.generic(batch, hb, fills, mode, seeds))
    one = P.cutout(cupy.asarray(img), hb[0], tuple(fills[0]), mode, 5)
    np.testing.assert_array_equal(cupy.asnumpy(one), cupy.asnumpy(got)[0])
    mask = np.arange(7 * 8).reshape(1, 7, 8, 1).astype(np.int32)
    got = P.cutout(cupy.asarray(mask), hb[:1], 3)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.cutout.generic(mask, hb[:1], 3))


# ------------------------------------------------------------------------------- albumentations parity
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fill", [0, 17, (1, 2, 3)])
def test_cutout_matches_albumentations_on_the_same_holes(dtype, fill):
    from albumentations.augmentations.dropout import functional as AF

    img = ramp(dtype, (9, 11, 3))
    holes = np.array([[0, 0, 4, 3], [2, 1, 9, 8], [10, 8, 11, 9]])
    f = (
        fill
        if dtype != "float32" or fill == 0
        else (np.asarray(fill) / 255.0).tolist()
        if isinstance(fill, tuple)
        else fill / 255.0
    )
    expected = AF.cutout(img, holes, f, np.random.default_rng(0))
    np.testing.assert_array_equal(P.cutout(img, holes, f), expected)


def test_boxes_and_keypoints_match_albumentations_on_the_same_holes():
    from albumentations.augmentations.dropout import functional as AF

    holes = np.array([[0, 0, 10, 10], [20, 5, 30, 40]])
    boxes = np.array(
        [[0, 0, 10, 10], [5, 5, 15, 15], [22, 10, 28, 30], [18, 0, 40, 20], [40, 40, 50, 50]], float
    )
    expected = AF.filter_bboxes_by_holes(boxes, holes, (60, 60), min_area=0.0, min_visibility=0.0)
    bs = A.core.targets.BoxSet(boxes, np.arange(5), np.ones(5), np.zeros(5, np.intp))
    got = H.boxes_after_holes(bs, holes, (60, 60))
    np.testing.assert_array_equal(got.xyxy, expected)
    np.testing.assert_array_equal(got.rows, [1, 3, 4])
    np.testing.assert_allclose(got.vis, [0.75, 1 - 10 * 15 / (22 * 20), 1.0])
    kps = np.array([[0, 0], [9.9, 5], [10, 5], [25, 39.5], [25, 40]], float)
    exp_k = AF.filter_keypoints_in_holes(kps, holes)
    pts = A.core.targets.PointSet(kps, np.zeros(5), np.ones(5), np.arange(5), np.zeros(5, np.intp))
    np.testing.assert_array_equal(H.points_outside_holes(pts, holes).xy, exp_k)


def test_fractional_boxes_use_exact_areas():
    # a 0.5-pixel box: albumentations truncates it to an empty box and drops it whenever there are holes
    holes = np.array([[0, 0, 1, 1]])
    bs = A.core.targets.BoxSet(
        np.array([[5.2, 5.2, 5.7, 5.7], [0.5, 0.5, 2.5, 1.5]]), np.arange(2), np.ones(2), np.zeros(2, np.intp)
    )
    got = H.boxes_after_holes(bs, holes, (8, 8))
    assert got.rows.tolist() == [0, 1]
    np.testing.assert_allclose(got.vis, [1.0, 1 - 0.25 / 2.0])
    np.testing.assert_allclose(got.xyxy[1], [0.5, 0.5, 2.5, 1.5])


# ------------------------------------------------------------------------------------------ transforms
CLASSES = [D.CoarseDropout, D.Erasing, D.GridDropout, D.XYMasking]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_image_mask_boxes_keypoints_stay_consistent(cls):
    """The image's holes are the mask's holes; keypoints on a hole pixel go, others stay; boxes fully
    covered go, the others keep their visible fraction (min_visibility), labels in sync."""
    rng = np.random.default_rng(0)
    h, w = 40, 50
    ex = cls.examples(h, w)[0]
    pipe = A.Compose(
        [cls(**ex, fill=255, fill_mask=1, p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["bl"], min_visibility=0.4),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]),
        seed=3,
    )
    for _ in range(10):
        img = np.zeros((h, w, 3), np.uint8)
        mask = np.zeros((h, w), np.uint8)
        kps = [(x + 0.5, y + 0.5) for y in range(0, h, 3) for x in range(0, w, 3)]
        boxes = [(x, y, x + 6, y + 5) for y in range(0, h - 5, 7) for x in range(0, w - 6, 8)]
        out = pipe(
            image=img,
            mask=mask,
            bboxes=boxes,
            bl=list(range(len(boxes))),
            keypoints=kps,
            kl=list(range(len(kps))),
        )
        hole = (out["image"] == 255).all(axis=2)
        assert ((out["image"] == 255).any(axis=2) == hole).all()
        np.testing.assert_array_equal(out["mask"] == 1, hole)
        kept = set(out["kl"])
        for i, (x, y) in enumerate(kps):
            assert (i in kept) == (not hole[int(y), int(x)]), (i, x, y)
        assert [tuple(k) for k in out["keypoints"]] == [kps[i] for i in out["kl"]]
        kept_b = dict(zip(out["bl"], out["bboxes"], strict=True))
        for i, (x0, y0, x1, y1) in enumerate(boxes):
            visible = 1 - hole[y0:y1, x0:x1].mean()
            assert (i in kept_b) == (visible >= 0.4), (i, visible)
            if i in kept_b:
                bx = kept_b[i]
                rows = np.flatnonzero(~hole[y0:y1, x0:x1].all(axis=1))
                cols = np.flatnonzero(~hole[y0:y1, x0:x1].all(axis=0))
                assert tuple(bx) == (x0 + cols[0], y0 + rows[0], x0 + cols[-1] + 1, y0 + rows[-1] + 1)
        rng.integers(3)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_batch_equals_single_per_sample(cls):
    imgs = np.stack([ramp("uint8", (20, 24, 3)) + s for s in range(4)]).astype(np.uint8)
    for ex in cls.examples(20, 24):
        t = cls(**ex, p=1)
        params = t.sample(np.random.default_rng(5), (20, 24), 4)
        out = A.Compose([t], seed=1).batch(images=imgs)["images"]
        assert out.shape == imgs.shape
        batch = t.apply_image(imgs, params, None)
        for s in range(4):
            one = H.HolesParams(params.holes[s], int(params.seed[s]))
            np.testing.assert_array_equal(batch[s], t.apply_image(imgs[s], one, None))


def test_unapplied_samples_get_no_holes():
    t = D.CoarseDropout(fill="random", p=1)
    params = t.sample(np.random.default_rng(0), (16, 16), 3)
    calls = []

    class Spy(D.CoarseDropout):
        def apply_image(self, img, params, state):
            calls.append(params.holes.copy())
            return super().apply_image(img, params, state)

    spy = Spy(fill="random", p=1)
    state = A.core.state.State((16, 16), 3, images={"image": np.zeros((3, 16, 16, 1), np.uint8)})
    spy._apply(state, params, np.array([True, False, True]))
    assert len(calls) == 1 and not calls[0][1].any() and calls[0][0].any()


def test_coarse_dropout_hole_sizes_pixels_and_fractions():
    rng = np.random.default_rng(0)
    t = A.CoarseDropout(num_holes_range=(3, 5), hole_height_range=(2, 4), hole_width_range=(5, 6))
    for _ in range(50):
        holes = t.holes(rng, (30, 40))
        assert 3 <= len(holes) <= 5
        hh, ww = holes[:, 3] - holes[:, 1], holes[:, 2] - holes[:, 0]
        assert ((hh >= 2) & (hh <= 4) & (ww >= 5) & (ww <= 6)).all()
        assert (holes[:, :2] >= 0).all() and (holes[:, 2] <= 40).all() and (holes[:, 3] <= 30).all()
    t = A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5), hole_width_range=(0.25, 0.25))
    holes = t.holes(rng, (30, 40))
    assert holes[0, 3] - holes[0, 1] == 15 and holes[0, 2] - holes[0, 0] == 10


def test_erasing_area_and_ratio():
    rng = np.random.default_rng(0)
    t = A.Erasing(scale=(0.1, 0.2), ratio=(0.5, 2.0))
    for _ in range(50):
        ((x0, y0, x1, y1),) = t.holes(rng, (60, 80))
        area = (x1 - x0) * (y1 - y0) / (60 * 80)
        assert 0.08 <= area <= 0.22 and 0.4 <= (x1 - x0) / (y1 - y0) <= 2.5
    assert len(A.Erasing(scale=(0.9, 1.0), ratio=(3.0, 3.3)).holes(rng, (60, 80))) == 0  # nothing fits


def test_grid_dropout_holes_match_albumentations_without_offset():
    from albumentations.augmentations.dropout import functional as AF

    t = A.GridDropout(ratio=0.4, holes_number_xy=(5, 4), random_offset=False, shift_xy=(1, 2))
    ours = t.holes(np.random.default_rng(0), (40, 50))
    theirs = AF.generate_grid_holes((40, 50), (4, 5), 0.4, False, (1, 2), np.random.default_rng(0))
    np.testing.assert_array_equal(ours, theirs)


def test_xy_masking_stripes():
    rng = np.random.default_rng(0)
    t = A.XYMasking(num_masks_x=(1, 2), num_masks_y=(3, 3), mask_x_length=(2, 4), mask_y_length=(5, 5))
    holes = t.holes(rng, (20, 30))
    vert = holes[(holes[:, 1] == 0) & (holes[:, 3] == 20)]
    horiz = holes[(holes[:, 0] == 0) & (holes[:, 2] == 30)]
    assert 1 <= len(vert) <= 2 and len(horiz) == 3
    assert ((vert[:, 2] - vert[:, 0] >= 2) & (vert[:, 2] - vert[:, 0] <= 4)).all()
    assert (horiz[:, 3] - horiz[:, 1] == 5).all()
    with pytest.raises(ValueError, match="mask_x_length"):
        A.XYMasking(num_masks_x=1, mask_x_length=40)(image=np.zeros((20, 30), np.uint8), force_apply=True)
    # a number n is the range (0, n), as albumentations 2.0.8 reads it
    import albumentations as albu

    alb = albu.XYMasking(num_masks_x=2, mask_x_length=3)
    ours = A.XYMasking(num_masks_x=2, mask_x_length=3)
    assert (
        (ours.num_masks_x, ours.mask_x_length)
        == (tuple(alb.num_masks_x), tuple(alb.mask_x_length))
        == ((0, 2), (0, 3))
    )


def test_fill_mask_none_leaves_masks_and_2d_images_stay_2d():
    img, mask = np.full((10, 12), 5, np.uint8), np.full((10, 12), 3, np.uint8)
    out = A.CoarseDropout(num_holes_range=(2, 2), p=1)(image=img, mask=mask)
    assert out["image"].shape == (10, 12) and (out["image"] == 0).any()
    np.testing.assert_array_equal(out["mask"], mask)


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_fill_changes_only_hole_pixels(dtype):
    img = ramp(dtype, (30, 30, 2))
    out = A.CoarseDropout(
        num_holes_range=(4, 4), hole_height_range=(5, 8), hole_width_range=(5, 8), fill="random", p=1
    )(image=img)["image"]
    assert out.dtype == img.dtype and (out != img).any()


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: A.CoarseDropout(num_holes_range=(0, 2)), "num_holes_range"),
        (lambda: A.CoarseDropout(num_holes_range=(3, 2)), "num_holes_range"),
        (lambda: A.CoarseDropout(hole_height_range=(float("nan"), 0.2)), "hole_height_range"),
        (lambda: A.CoarseDropout(hole_width_range=(-1, 2)), "hole_width_range"),
        (lambda: A.CoarseDropout(fill="noise"), "fill"),
        (lambda: A.CoarseDropout(fill=True), "fill"),
        (lambda: A.CoarseDropout(fill_mask="random"), "fill_mask"),
        (lambda: A.Erasing(scale=(0.5, 0.1)), "scale"),
        (lambda: A.Erasing(ratio=(0, 1)), "ratio"),
        (lambda: A.GridDropout(ratio=0), "ratio"),
        (lambda: A.GridDropout(ratio=1.5), "ratio"),
        (lambda: A.GridDropout(random_offset="yes"), "random_offset"),
        (lambda: A.GridDropout(unit_size_range=(1, 4)), "unit_size_range"),
        (lambda: A.GridDropout(holes_number_xy=(0, 3)), "holes_number_xy"),
        (lambda: A.GridDropout(shift_xy=(-1, 0)), "shift_xy"),
        (lambda: A.XYMasking(mask_x_length=0, mask_y_length=0), "mask_x_length"),
        (lambda: A.XYMasking(num_masks_x=-1, mask_x_length=3), "num_masks_x"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_batch_draws_follow_the_single_image_rules(cls):
    """Each sample's holes of a batch draw are holes a single draw could give (inside the image, the
    class's sizes), with empty padding rows."""
    rng = np.random.default_rng(1)
    for ex in cls.examples(30, 40):
        t = cls(**ex)
        holes = t.batch_holes(rng, (30, 40), 6)
        assert holes.ndim == 3 and holes.shape[0] == 6 and holes.shape[2] == 4
        real = holes[(holes[..., 2] > holes[..., 0]) & (holes[..., 3] > holes[..., 1])]
        assert (real[:, :2] >= 0).all() and (real[:, 2] <= 40).all() and (real[:, 3] <= 30).all()
        pad = holes[~((holes[..., 2] > holes[..., 0]) & (holes[..., 3] > holes[..., 1]))]
        assert (pad == 0).all()
    t = A.GridDropout(ratio=0.4, holes_number_xy=(5, 4), random_offset=False, shift_xy=(1, 2))
    one = t.holes(np.random.default_rng(0), (40, 50))
    many = t.batch_holes(np.random.default_rng(0), (40, 50), 3)
    assert sorted(map(tuple, many[0].tolist())) == sorted(map(tuple, one.tolist()))


# ------------------------------------------------------------------------------------- pixel dropout
@pytest.mark.golden.with_args(P.pixel_dropout)
def test_pixel_dropout_golden_values(xp):
    img = np.arange(2 * 3 * 2, dtype=np.uint8).reshape(2, 3, 2) + 10
    bits = R.philox_u16(np.zeros(1), 3, 6 * 2 + 2)
    thr = round(0.5 * 65536)
    # whole pixels: pixel p drops where value p is below 32768
    out = xp.to_numpy(P.pixel_dropout(xp.asarray(img), 3, 0.5, 1, 7))
    drop = (bits[:6] < thr).reshape(2, 3)
    np.testing.assert_array_equal(out, np.where(drop[..., None], 7, img))
    # per channel: value p * 2 + c; a random colour: values 12, 13 (high bytes for uint8)
    out = xp.to_numpy(P.pixel_dropout(xp.asarray(img), 3, 0.5, 2, None))
    drop = (bits[:12] < thr).reshape(2, 3, 2)
    colour = (bits[12:14] >> 8).astype(np.uint8)
    np.testing.assert_array_equal(out, np.where(drop, colour, img))
    # a one-channel mask under a 2-channel field: dropped where any channel drops
    mask = np.zeros((2, 3, 1), np.int32)
    out = xp.to_numpy(P.pixel_dropout(xp.asarray(mask), 3, 0.5, 2, 4))
    np.testing.assert_array_equal(out[..., 0], np.where(drop.any(axis=2), 4, 0))
    # probability 0 and 1
    np.testing.assert_array_equal(xp.to_numpy(P.pixel_dropout(xp.asarray(img), 3, 0.0, 1, 0)), img)
    np.testing.assert_array_equal(
        xp.to_numpy(P.pixel_dropout(xp.asarray(img), 3, 1.0, 1, (1, 2))), np.broadcast_to([1, 2], img.shape)
    )


@pytest.mark.parity.with_args("numpy_cv2", P.pixel_dropout)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("fc", "fill"), [(1, 0), (3, None), (3, (1, 0, 1)), (1, None)])
def test_pixel_dropout_numpy_override_is_exact(dtype, fc, fill):
    """Tolerance: none (NumPy's Philox, the same thresholds and levels)."""
    img = ramp(dtype, (9, 11, 3))
    np.testing.assert_array_equal(
        P.pixel_dropout(img, 4, 0.3, fc, fill), P.pixel_dropout.generic(img, 4, 0.3, fc, fill)
    )
    batch = np.stack([img, img[::-1].copy()])
    seeds, prob = np.array([4, 9], np.uint64), np.array([0.3, 0.0])
    got = P.pixel_dropout(batch, seeds, prob, fc, fill)
    np.testing.assert_array_equal(got, P.pixel_dropout.generic(batch, seeds, prob, fc, fill))
    np.testing.assert_array_equal(got[0], P.pixel_dropout(img, 4, 0.3, fc, fill))
    np.testing.assert_array_equal(got[1], batch[1])


def test_pixel_dropout_transform():
    img = np.full((40, 50, 3), 100, np.uint8)
    mask = np.zeros((40, 50), np.uint8)
    t = A.PixelDropout(dropout_prob=0.3, drop_value=0, mask_drop_value=1, p=1)
    out = t(image=img, mask=mask)
    dropped = (out["image"] == 0).all(axis=2)
    assert 0.25 < dropped.mean() < 0.35 and ((out["image"] == 0).any(axis=2) == dropped).all()
    np.testing.assert_array_equal(out["mask"] == 1, dropped)  # the mask drops the image's pixels
    out = A.PixelDropout(dropout_prob=0.3, per_channel=True, drop_value=None, p=1)(image=img)["image"]
    changed = out != 100
    assert 0.25 < changed.mean() < 0.35 and not (changed.all(axis=2) == changed.any(axis=2)).all()
    # boxes: visible fraction of the dropped field; keypoints kept
    pipe = A.Compose(
        [A.PixelDropout(dropout_prob=0.5, p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", min_visibility=0.6),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=0,
    )
    res = pipe(image=img, bboxes=[(0, 0, 10, 10), (5, 5, 45, 35)], keypoints=[(1, 1), (20, 20)])
    assert res["bboxes"] == [] and len(res["keypoints"]) == 2
    imgs = np.stack([img, img + 1, img + 2])
    t = A.PixelDropout(dropout_prob=0.2, p=1)
    params = t.sample(np.random.default_rng(0), (40, 50), 3)
    batch = t.apply_image(imgs, params, None)
    for s in range(3):
        one = D.PixelDropoutParams(int(params.seed[s]), 0.2)
        np.testing.assert_array_equal(batch[s], t.apply_image(imgs[s], one, None))


def test_pixel_dropout_bad_arguments():
    for kw, match in [
        ({"dropout_prob": 1.5}, "dropout_prob"),
        ({"dropout_prob": float("nan")}, "dropout_prob"),
        ({"per_channel": 1}, "per_channel"),
        ({"drop_value": "x"}, "drop_value"),
        ({"mask_drop_value": [float("nan")]}, "mask_drop_value"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            A.PixelDropout(**kw)


# ---------------------------------------------------------------------------- ConstrainedCoarseDropout
def test_constrained_holes_in_boxes_match_albumentations():
    from albumentations.augmentations.dropout import functional as AF

    boxes = np.array([[10, 5, 40, 30], [0, 0, 13, 7.5]])
    ours = H.holes_in_boxes(np.random.default_rng(3), boxes, 3, (0.2, 0.5), (0.1, 0.6))
    theirs = AF.get_holes_from_boxes(boxes, 3, (0.2, 0.5), (0.1, 0.6), np.random.default_rng(3))
    np.testing.assert_array_equal(ours, theirs)


def test_constrained_holes_in_mask_are_on_the_objects():
    mask = np.zeros((40, 50), np.uint8)
    mask[5:15, 5:25] = 1  # 200 pixels
    mask[25:35, 30:40] = 2  # 100 pixels
    mask[0:3, 45:50] = 3  # not a target
    rng = np.random.default_rng(0)
    holes, objects = H.holes_in_mask(rng, mask, 4, [1, 2], (0.5, 0.5), (0.3, 0.3))
    assert objects == 2
    assert len(holes) == 8
    centres = (holes[:, :2] + holes[:, 2:]) // 2
    assert np.isin(mask[centres[:, 1], centres[:, 0]], [1, 2]).all()
    hh = holes[:, 3] - holes[:, 1]
    assert set(hh.tolist()) <= {2 * int(0.5 * np.sqrt(200) // 2), 2 * int(0.5 * np.sqrt(100) // 2)}
    assert len(H.holes_in_mask(rng, mask, 2, [7], (0.5, 0.5), (0.5, 0.5))[0]) == 0


def test_constrained_coarse_dropout_in_a_pipeline():
    img = np.full((40, 50, 3), 100, np.uint8)
    mask = np.zeros((40, 50), np.uint8)
    mask[10:30, 10:30] = 1
    t = A.ConstrainedCoarseDropout(
        num_holes_range=(2, 2),
        hole_height_range=(0.3, 0.3),
        hole_width_range=(0.3, 0.3),
        mask_indices=[1],
        p=1,
    )
    for seed in range(5):
        out = A.Compose([t], seed=seed)(image=img, mask=mask)
        hole = (out["image"] == 0).all(axis=2)
        # 6 x 6 holes centred on object pixels: within 3 pixels of the object
        assert hole.any() and not hole[:7].any() and not hole[33:].any()
        assert not hole[:, :7].any() and not hole[:, 33:].any()
    pipe = A.Compose(
        [
            A.ConstrainedCoarseDropout(
                hole_height_range=(0.5, 0.5), hole_width_range=(0.5, 0.5), bbox_labels=["cat"], p=1
            )
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=1,
    )
    out = pipe(image=img, bboxes=[(0, 0, 20, 20), (25, 20, 45, 40)], labels=["dog", "cat"])
    hole = (out["image"] == 0).all(axis=2)
    assert hole[20:40, 25:45].sum() == 100 and hole.sum() == 100
    # a batch: per-sample boxes and labels
    res = pipe.batch(
        images=np.stack([img, img]), bboxes=[[(0, 0, 20, 20)], [(25, 20, 45, 40)]], labels=[["cat"], ["dog"]]
    )
    assert (res["images"][0][:20, :20] == 0).all(axis=2).sum() == 100 and (res["images"][1] == 100).all()
    with pytest.warns(UserWarning, match="nothing is dropped"):
        A.ConstrainedCoarseDropout(mask_indices=[1], p=1)(image=img)


def test_constrained_bad_arguments():
    for kw, match in [
        ({"hole_height_range": (0.1, 1.5)}, "hole_height_range"),
        ({"num_holes_range": (0, 1)}, "num_holes_range"),
        ({"mask_indices": [0]}, "mask_indices"),
        ({"mask_indices": 1}, "mask_indices"),
        ({"bbox_labels": "cat"}, "bbox_labels"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            A.ConstrainedCoarseDropout(**kw)


# ------------------------------------------------------------------------------------------ MaskDropout
@pytest.mark.golden.with_args(P.fill_where)
def test_fill_where_golden(xp):
    img = np.arange(6, dtype=np.uint8).reshape(1, 3, 2)
    out = xp.to_numpy(P.fill_where(xp.asarray(img), np.array([[True, False, True]]), (9, 300)))
    np.testing.assert_array_equal(out, [[[9, 255], [2, 3], [9, 255]]])
    batch = np.zeros((2, 1, 2, 1), np.int32)
    out = xp.to_numpy(P.fill_where(xp.asarray(batch), np.array([[[True, False]], [[False, True]]]), 4))
    np.testing.assert_array_equal(out[..., 0], [[[4, 0]], [[0, 4]]])


@pytest.mark.parity.with_args("numpy_cv2", P.fill_where)
@pytest.mark.parametrize("dtype", [*DTYPES, "int32", "bool"])
def test_fill_where_numpy_override_is_exact(dtype):
    """Tolerance: none."""
    img = ramp("uint8", (6, 7, 3)).astype(dtype)
    drop = np.random.default_rng(0).random((6, 7)) < 0.4
    for fill in (1, (0, 1, 1)):
        np.testing.assert_array_equal(P.fill_where(img, drop, fill), P.fill_where.generic(img, drop, fill))
    # OpenCV's masked copy: 1 and 5 channels, a batch, a strided view, and the NumPy fallback (int64)
    rng = np.random.default_rng(1)
    for shape in [(5, 4, 1), (5, 4, 5), (3, 5, 4, 2), (2, 3, 128), (2, 3, 129)]:
        im = ramp("uint8", shape).astype(dtype)
        d = rng.random(shape[:-1]) < 0.5
        for fill in (7, (1, 2, 3, 4, 5)[: shape[-1]] if shape[-1] <= 5 else (1, 2, 3)):
            np.testing.assert_array_equal(P.fill_where(im, d, fill), P.fill_where.generic(im, d, fill))
    view = ramp("uint8", (6, 14, 3)).astype(dtype)[:, ::2]
    np.testing.assert_array_equal(P.fill_where(view, drop, 2), P.fill_where.generic(view, drop, 2))
    wide = img.astype(np.int64)
    np.testing.assert_array_equal(P.fill_where(wide, drop, 3), P.fill_where.generic(wide, drop, 3))


def test_values_touch_fast_path_matches_the_pairwise_check():
    """uint8 masks take OpenCV's 3 x 3 max/min; the pairwise comparison (any other dtype) is the reference."""
    rng = np.random.default_rng(0)
    for _ in range(400):
        m = rng.choice(np.array([0, 0, 0, 1, 2, 254, 255], np.uint8), size=tuple(rng.integers(1, 7, 2)))
        assert H._values_touch(m) == H._values_touch(m.astype(np.int32)), m


def test_label_objects_separates_values_and_samples():
    masks = np.zeros((2, 5, 6), np.uint8)
    masks[0, 0:2, 0:2] = 1
    masks[0, 0:2, 2:4] = 2  # touches the first but another value: another object
    masks[0, 4, 0:6] = 1  # a third object (not connected to the first)
    masks[1, 0, 0] = 1  # the last row of sample 0 and the first of sample 1 stay apart
    labels, sample = D.label_objects(masks)
    assert len(sample) == 5 and sample[1:].tolist().count(0) == 3 and sample[1:].tolist().count(1) == 1
    assert len(np.unique(labels[0])) == 4 and labels[0, 0, 0] != labels[0, 0, 2] != labels[0, 4, 0]


def test_mask_dropout_drops_whole_objects_with_their_targets():
    mask = np.zeros((30, 40), np.uint8)
    mask[2:8, 2:10] = 1  # 48 px
    mask[15:25, 20:30] = 2  # 100 px
    mask[15:20, 2:6] = 1  # 20 px
    img = np.full((30, 40, 3), 50, np.uint8)
    pipe = A.Compose(
        [A.MaskDropout(max_objects=(1, 2), fill=0, fill_mask=0, p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["bl"]),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]),
        seed=0,
    )
    sizes = set()
    for _ in range(8):
        out = pipe(
            image=img,
            mask=mask,
            bboxes=[(2, 2, 10, 8), (20, 15, 30, 25)],
            bl=[0, 1],
            keypoints=[(5, 5), (25, 20)],
            kl=[0, 1],
        )
        gone = (out["image"] == 0).all(axis=2)
        np.testing.assert_array_equal(gone, (mask > 0) & (out["mask"] == 0))
        sizes.add(int(gone.sum()))
        assert out["bl"] == [
            i
            for i, (x0, y0, x1, y1) in enumerate([(2, 2, 10, 8), (20, 15, 30, 25)])
            if not gone[y0:y1, x0:x1].all()
        ]
        assert out["kl"] == [i for i, (x, y) in enumerate([(5, 5), (25, 20)]) if not gone[y, x]]
    assert sizes <= {48, 100, 20, 148, 68, 120} and len(sizes) > 2
    # no mask: nothing dropped; a batch: per-sample objects, unapplied samples untouched
    np.testing.assert_array_equal(A.MaskDropout(p=1)(image=img)["image"], img)
    res = A.Compose([A.MaskDropout(max_objects=3, fill=0, p=1)], seed=0).batch(
        images=np.stack([img, img]), masks=np.stack([mask, np.zeros_like(mask)])
    )
    assert (res["images"][0][mask > 0] == 0).all() and (res["images"][1] == 50).all()


def test_mask_dropout_bad_arguments():
    for kw, match in [
        ({"max_objects": 0}, "max_objects"),
        ({"max_objects": (2, 1)}, "max_objects"),
        ({"fill": "inpaint"}, "fill"),
        ({"fill": float("nan")}, "fill"),
        ({"fill_mask": "x"}, "fill_mask"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            A.MaskDropout(**kw)


# ----------------------------------------------------------- docs/differences.md rows, both libraries
def test_difference_fractional_boxes_under_holes():
    """albumentations truncates boxes to whole pixels: a box under 1 px is dropped whenever there are holes."""
    from albumentations.augmentations.dropout import functional as AF

    boxes = np.array([[5.2, 5.2, 5.7, 5.7]])
    with np.errstate(invalid="ignore"):  # albumentations divides 0 by 0 there
        assert len(AF.filter_bboxes_by_holes(boxes, np.array([[0, 0, 1, 1]]), (8, 8), 0.0, 0.0)) == 0
    bs = A.core.targets.BoxSet(boxes, np.arange(1), np.ones(1), np.zeros(1, np.intp))
    assert len(H.boxes_after_holes(bs, np.array([[0, 0, 1, 1]]), (8, 8)).rows) == 1


def test_difference_pixel_dropout_mask_follows_the_image():
    import albumentations as albu

    img, mask = np.full((64, 64, 3), 100, np.uint8), np.zeros((64, 64), np.uint8)
    theirs = albu.PixelDropout(dropout_prob=0.3, mask_drop_value=1, p=1)(image=img, mask=mask)
    assert not np.array_equal((theirs["image"] == 0).all(axis=2), theirs["mask"] == 1)  # independent fields
    ours = A.PixelDropout(dropout_prob=0.3, mask_drop_value=1, p=1)(image=img, mask=mask)
    np.testing.assert_array_equal((ours["image"] == 0).all(axis=2), ours["mask"] == 1)


def test_difference_mask_dropout_without_a_mask():
    import albumentations as albu

    img = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises((KeyError, ValueError)):
        albu.MaskDropout(p=1)(image=img)
    np.testing.assert_array_equal(A.MaskDropout(p=1)(image=img)["image"], img)


def test_pixel_dropout_and_mask_dropout_apply_like_albumentations_on_the_same_pixels():
    from albumentations.augmentations.pixel import functional as PF

    img = ramp("uint8", (9, 11, 3))
    drop = np.random.default_rng(2).random((9, 11)) < 0.3
    expected = PF.pixel_dropout(img, np.repeat(drop[..., None], 3, axis=2), np.full(img.shape, 7, np.uint8))
    np.testing.assert_array_equal(P.fill_where(img, drop, 7), expected)
    theirs = img.copy()
    theirs[drop] = (1, 2, 3)  # MaskDropout's apply with a per-channel fill
    np.testing.assert_array_equal(P.fill_where(img, drop, (1, 2, 3)), theirs)


@pytest.mark.parity.with_args("cupy", P.pixel_dropout)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("fc", "fill"), [(1, 0), (3, None), (3, (1, 0, 1)), (1, None)])
def test_pixel_dropout_cupy_is_exact(cupy, dtype, fc, fill):
    """Tolerance: none (the same Philox values, thresholds and levels). One launch per batch."""
    img = ramp(dtype, (7, 8, 3))
    batch = np.stack([img, img[::-1].copy(), img])
    seeds, prob = np.array([4, 9, 1], np.uint64), np.array([0.3, 0.0, 1.0])
    got = P.pixel_dropout(cupy.asarray(batch), seeds, prob, fc, fill)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.pixel_dropout.generic(batch, seeds, prob, fc, fill))
    mask = np.arange(7 * 8).reshape(7, 8, 1).astype(np.int32)
    got = P.pixel_dropout(cupy.asarray(mask), 4, 0.3, 3, 5)
    np.testing.assert_array_equal(cupy.asnumpy(got), P.pixel_dropout.generic(mask, 4, 0.3, 3, 5))


def test_keypoints_in_holes_go_whatever_check_each_transform():
    img = np.zeros((10, 10), np.uint8)
    for check in (True, False):
        pipe = A.Compose(
            [
                A.CoarseDropout(
                    num_holes_range=(1, 1), hole_height_range=(10, 10), hole_width_range=(10, 10), p=1
                )
            ],
            keypoint_params=A.KeypointParams(format="xy", check_each_transform=check),
        )
        assert pipe(image=img, keypoints=[(3, 3)])["keypoints"] == []
    pipe = A.Compose(
        [A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(10, 10), hole_width_range=(10, 10), p=1)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )
    assert len(pipe(image=img, keypoints=[(3, 3)])["keypoints"]) == 1
