"""Crops drawn from the targets: BBoxSafeRandomCrop, RandomSizedBBoxSafeCrop, CropNonEmptyMaskIfExists,
AtLeastOneBBoxRandomCrop and RandomCropNearBBox.

No kernels of their own: they reuse ``crop``/``resize`` (one image) and the batched warp (per-sample
boxes), whose golden and parity tests live with the crops and affine families. Here: what each
promises of the targets (boxes kept, the mask's pixel kept, labels in sync), their fallbacks, batches
per sample, and albumentations 2.0.8's output for the same crop box.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xalbu as A

BBOX = A.BboxParams("pascal_voc", label_fields=["labels"])
KPS = A.KeypointParams("xy", label_fields=["kp_labels"])


def ramp(h: int, w: int, c: int = 3) -> np.ndarray:
    i, j = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return ((i * 7 + j * 3)[..., None] + 40 * np.arange(c)).astype(np.uint8) % 251


def recording(t):
    """Make ``t`` remember the parameters it draws (``t.drawn``)."""
    t.drawn = []
    original = t.sample_data

    def sample_data(rng, state):
        params = original(rng, state)
        t.drawn.append(params)
        return params

    t.sample_data = sample_data
    return t


def random_boxes(r: np.random.Generator, h: int, w: int, k: int) -> np.ndarray:
    x0 = r.uniform(0, w - 2, k)
    y0 = r.uniform(0, h - 2, k)
    return np.stack([x0, y0, r.uniform(x0 + 0.5, w), r.uniform(y0 + 0.5, h)], axis=1)


def crop_of(p, k: int | None = None) -> tuple[int, int, int, int]:
    """The crop box of params ``p`` (of sample ``k`` in a batch)."""
    vals = (p.x_min, p.y_min, p.x_max, p.y_max)
    if k is None:
        return tuple(int(v) for v in vals)
    return tuple(int(np.ravel(v)[k]) if np.ndim(v) else int(v) for v in vals)


# --------------------------------------------------------------------------------------------------
# BBoxSafeRandomCrop / RandomSizedBBoxSafeCrop
# --------------------------------------------------------------------------------------------------
def test_bbox_safe_random_crop_keeps_every_box_whole():
    h, w = 40, 50
    img = ramp(h, w)
    r = np.random.default_rng(0)
    t = recording(A.BBoxSafeRandomCrop())
    pipe = A.Compose([t], bbox_params=BBOX, keypoint_params=KPS, seed=0)
    sizes = set()
    for _ in range(40):
        boxes = random_boxes(r, h, w, int(r.integers(1, 4)))
        labels = list(range(len(boxes)))
        kps = (boxes[:, :2] + boxes[:, 2:]) / 2  # box centres
        out = pipe(image=img, bboxes=boxes, labels=labels, keypoints=kps, kp_labels=labels)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        sizes.add((y1 - y0, x1 - x0))
        assert 0 <= x0 and x1 <= w and 0 <= y0 and y1 <= h
        np.testing.assert_array_equal(out["image"], img[y0:y1, x0:x1])
        assert out["labels"] == labels and out["kp_labels"] == labels
        np.testing.assert_allclose(out["bboxes"], boxes - [x0, y0, x0, y0], atol=1e-9)  # exact, not clipped
        np.testing.assert_allclose(out["keypoints"], kps - [x0, y0], atol=1e-9)
    assert len(sizes) > 10


def test_bbox_safe_crop_erosion_shrinks_the_union_of_several_boxes_only():
    h, w = 60, 60
    img = ramp(h, w)
    t = recording(A.BBoxSafeRandomCrop(erosion_rate=0.5))
    pipe = A.Compose([t], bbox_params=BBOX, seed=1)
    for _ in range(30):  # one box: kept whole whatever the erosion
        pipe(image=img, bboxes=[[20, 20, 40, 40]], labels=[0])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x0 <= 20 and y0 <= 20 and x1 >= 40 and y1 >= 40
    inside = 0
    for _ in range(50):  # two boxes spanning [10, 50): the eroded union is [20, 40)
        pipe(image=img, bboxes=[[10, 10, 30, 30], [30, 30, 50, 50]], labels=[0, 1])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x0 <= 20 and y0 <= 20 and x1 >= 40 and y1 >= 40
        inside += x0 > 10 or x1 < 50
    assert inside > 10  # the crop may cut the boxes


def test_bbox_safe_crop_without_boxes_is_albumentations_fallback():
    img = ramp(40, 60)
    t = recording(A.BBoxSafeRandomCrop())
    out = A.Compose([t], bbox_params=BBOX, seed=0)(image=img, bboxes=[], labels=[])
    np.testing.assert_array_equal(out["image"], img)  # erosion 0: the whole image
    t = recording(A.BBoxSafeRandomCrop(erosion_rate=0.5))
    pipe = A.Compose([t], seed=0)
    heights = set()
    for _ in range(40):
        pipe(image=img)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        ch, cw = y1 - y0, x1 - x0
        heights.add(ch)
        assert 20 <= ch <= 40 and cw == int(ch * 60 / 40)  # the image's aspect ratio
        assert 0 <= x0 and x1 <= 60 and 0 <= y0 and y1 <= 40
    assert len(heights) > 5
    t = recording(A.BBoxSafeRandomCrop(erosion_rate=1.0))  # erosion 1 ignores the boxes (at least 1 px)
    for _ in range(20):
        A.Compose([t], bbox_params=BBOX, seed=0)(image=img, bboxes=[[1, 1, 5, 5]], labels=[0])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x1 > x0 and y1 > y0


def test_bbox_safe_random_crop_refuses_mixed_sizes_in_a_batch():
    images = np.stack([ramp(30, 30)] * 4)
    boxes = [[[5, 5, 10, 10]]] * 4
    with pytest.raises(ValueError, match="BBoxSafeRandomCrop: .*batch"):
        A.Compose([A.BBoxSafeRandomCrop()], bbox_params=A.BboxParams("pascal_voc"), seed=0).batch(
            images=images, bboxes=boxes
        )
    # boxes covering every sample's image leave one size: the batch runs
    out = A.Compose([A.BBoxSafeRandomCrop()], bbox_params=A.BboxParams("pascal_voc"), seed=0).batch(
        images=images, bboxes=[[[0, 0, 30, 30]]] * 4
    )
    np.testing.assert_array_equal(out["images"], images)


def test_random_sized_bbox_safe_crop_is_the_safe_crop_then_resize():
    h, w = 48, 64
    img = ramp(h, w)
    mask = (ramp(h, w, 1)[..., 0] % 3).astype(np.uint8)
    r = np.random.default_rng(2)
    t = recording(A.RandomSizedBBoxSafeCrop(20, 24))
    pipe = A.Compose([t], bbox_params=BBOX, seed=2)
    for _ in range(15):
        boxes = random_boxes(r, h, w, 3)
        out = pipe(image=img, mask=mask, bboxes=boxes, labels=[0, 1, 2])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        ref = A.Compose([A.Crop(x0, y0, x1, y1), A.Resize(20, 24)])(image=img, mask=mask)
        np.testing.assert_array_equal(out["image"], ref["image"])
        np.testing.assert_array_equal(out["mask"], ref["mask"])
        assert out["labels"] == [0, 1, 2]  # every box kept, in order
        sx, sy = 24 / (x1 - x0), 20 / (y1 - y0)
        np.testing.assert_allclose(out["bboxes"], (boxes - [x0, y0, x0, y0]) * [sx, sy, sx, sy], atol=1e-9)


def test_random_sized_bbox_safe_crop_batch_per_sample(xp):
    n, h, w = 5, 40, 40
    images = np.stack([ramp(h, w)] * n)
    boxes = [[[4 + 3 * k, 6, 20 + 2 * k, 30]] for k in range(n)]
    t = recording(A.RandomSizedBBoxSafeCrop(16, 16))
    pipe = A.Compose([t], bbox_params=A.BboxParams("pascal_voc"), seed=3)
    out = pipe.batch(images=xp.asarray(images), bboxes=boxes)
    got = xp.to_numpy(out["images"])
    p = t.drawn[-1]
    assert got.shape == (n, 16, 16, 3)
    for k in range(n):
        x0, y0, x1, y1 = crop_of(p, k)
        assert x0 <= boxes[k][0][0] and y0 <= 6 and x1 >= boxes[k][0][2] and y1 >= 30
        single = A.Compose([A.Crop(x0, y0, x1, y1), A.Resize(16, 16)])(image=images[k])["image"]
        assert np.abs(got[k].astype(int) - single.astype(int)).max() <= 1  # warp vs resize: 1 level
        assert len(out["bboxes"][k]) == 1
        b = np.asarray(out["bboxes"][k][0])
        assert b.min() >= 0 and b.max() <= 16


# --------------------------------------------------------------------------------------------------
# CropNonEmptyMaskIfExists
# --------------------------------------------------------------------------------------------------
def test_crop_non_empty_mask_holds_a_mask_pixel():
    h, w = 40, 50
    img = ramp(h, w)
    r = np.random.default_rng(4)
    t = recording(A.CropNonEmptyMaskIfExists(10, 12))
    pipe = A.Compose([t], seed=4)
    for _ in range(40):
        mask = np.zeros((h, w), np.uint8)
        y, x = int(r.integers(0, h)), int(r.integers(0, w))
        mask[y, x] = 3
        out = pipe(image=img, mask=mask)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert (y1 - y0, x1 - x0) == (10, 12) and x0 <= x < x1 and y0 <= y < y1
        assert out["mask"].sum() == 3
        np.testing.assert_array_equal(out["image"], img[y0:y1, x0:x1])


def test_crop_non_empty_mask_fallbacks_and_ignores():
    img = ramp(30, 30)
    t = recording(A.CropNonEmptyMaskIfExists(8, 8))
    pipe = A.Compose([t], seed=0)
    corners = set()
    for _ in range(30):  # an empty mask, and no mask at all: a uniformly random crop
        pipe(image=img, mask=np.zeros((30, 30), np.uint8))
        corners.add(crop_of(t.drawn[-1])[:2])
        pipe(image=img)
        corners.add(crop_of(t.drawn[-1])[:2])
    assert len(corners) > 20
    mask = np.full((30, 30), 5, np.uint8)  # 5 is background here
    mask[2, 27] = 1
    t = recording(A.CropNonEmptyMaskIfExists(4, 4, ignore_values=[5]))
    for _ in range(10):
        A.Compose([t], seed=0)(image=img, mask=mask)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x0 <= 27 < x1 and y0 <= 2 < y1
    two = np.zeros((30, 30, 2), np.uint8)
    two[..., 0] = 1  # channel 0 is everywhere, channel 1 marks one pixel
    two[20, 3, 1] = 1
    t = recording(A.CropNonEmptyMaskIfExists(4, 4, ignore_channels=[0]))
    for _ in range(10):
        A.Compose([t], seed=0)(image=img, mask=two)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x0 <= 3 < x1 and y0 <= 20 < y1


def test_crop_non_empty_mask_reads_every_mask_without_mask():
    img = ramp(30, 30)
    masks = [np.zeros((30, 30), np.uint8), np.zeros((30, 30), np.uint8)]
    masks[1][25, 1] = 1
    t = recording(A.CropNonEmptyMaskIfExists(5, 5))
    for _ in range(10):
        A.Compose([t], seed=0)(image=img, masks=masks)
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert x0 <= 1 < x1 and y0 <= 25 < y1


def test_crop_non_empty_mask_batch_per_sample(xp):
    n, h, w = 6, 24, 28
    images = np.stack([ramp(h, w)] * n)
    masks = np.zeros((n, h, w), np.uint8)
    where = [(k * 3 + 1, (k * 5) % w) for k in range(n)]
    for k, (y, x) in enumerate(where):
        masks[k, y, x] = 7
    masks[2] = 0  # an empty mask: a random crop for that sample
    t = recording(A.CropNonEmptyMaskIfExists(6, 5))
    out = A.Compose([t], seed=5).batch(images=xp.asarray(images), masks=xp.asarray(masks))
    got, gotm = xp.to_numpy(out["images"]), xp.to_numpy(out["masks"])
    assert got.shape == (n, 6, 5, 3)
    p = t.drawn[-1]
    for k, (y, x) in enumerate(where):
        x0, y0, x1, y1 = crop_of(p, k)
        np.testing.assert_array_equal(got[k], images[k, y0:y1, x0:x1])
        np.testing.assert_array_equal(gotm[k], masks[k, y0:y1, x0:x1])
        if k != 2:
            assert x0 <= x < x1 and y0 <= y < y1 and gotm[k].sum() == 7


def test_crop_non_empty_mask_too_large_raises():
    with pytest.raises(ValueError, match="CropNonEmptyMaskIfExists: height"):
        A.CropNonEmptyMaskIfExists(40, 5)(image=ramp(30, 30), mask=np.ones((30, 30), np.uint8))


# --------------------------------------------------------------------------------------------------
# AtLeastOneBBoxRandomCrop
# --------------------------------------------------------------------------------------------------
def test_at_least_one_bbox_random_crop_keeps_a_box_whole():
    h, w = 60, 80
    img = ramp(h, w)
    r = np.random.default_rng(6)
    t = recording(A.AtLeastOneBBoxRandomCrop(25, 30))
    pipe = A.Compose([t], bbox_params=BBOX, seed=6)
    for _ in range(40):
        x0, y0 = r.uniform(0, w - 20), r.uniform(0, h - 20)
        boxes = np.array(
            [[x0, y0, x0 + r.uniform(1, 20), y0 + r.uniform(1, 20)], [1, 1, 3, 3], [70, 50, 79, 59]]
        )
        out = pipe(image=img, bboxes=boxes, labels=[0, 1, 2])
        c = crop_of(t.drawn[-1])
        assert (c[3] - c[1], c[2] - c[0]) == (25, 30)
        whole = [b for b in boxes if c[0] <= b[0] and c[1] <= b[1] and b[2] <= c[2] and b[3] <= c[3]]
        assert whole, (boxes, c)
        assert len(out["bboxes"]) >= 1 and len(out["labels"]) == len(out["bboxes"])


def test_at_least_one_bbox_random_crop_erosion_one_overlaps_and_big_boxes():
    img = ramp(50, 50)
    t = recording(A.AtLeastOneBBoxRandomCrop(10, 10, erosion_factor=1.0))
    pipe = A.Compose([t], bbox_params=BBOX, seed=7)
    for _ in range(40):
        out = pipe(image=img, bboxes=[[20, 20, 22, 22]], labels=[0])
        assert out["labels"] == [0]  # always overlaps: the box survives (clipped)
    t = recording(A.AtLeastOneBBoxRandomCrop(10, 10))
    for _ in range(20):  # a box larger than the crop: the crop stays inside it
        A.Compose([t], bbox_params=BBOX, seed=7)(image=img, bboxes=[[5.5, 5.5, 40.5, 40.5]], labels=[0])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert 5.5 <= x0 + 1 and x1 <= 41 and 5.5 <= y0 + 1 and y1 <= 41


def test_at_least_one_bbox_random_crop_without_boxes_and_too_large():
    img = ramp(30, 30)
    t = recording(A.AtLeastOneBBoxRandomCrop(10, 10))
    corners = set()
    for s in range(20):
        A.Compose([t], seed=s)(image=img)
        corners.add(crop_of(t.drawn[-1])[:2])
    assert len(corners) > 10
    with pytest.raises(ValueError, match="AtLeastOneBBoxRandomCrop: width"):
        A.AtLeastOneBBoxRandomCrop(10, 40)(image=img)


# --------------------------------------------------------------------------------------------------
# RandomCropNearBBox
# --------------------------------------------------------------------------------------------------
def test_random_crop_near_bbox_without_shift_is_the_box():
    img = ramp(30, 40)
    pipe = A.Compose([A.RandomCropNearBBox(max_part_shift=(0.0, 0.0))], bbox_params=BBOX, seed=0)
    out = pipe(image=img, bboxes=[[6, 7, 20, 15]], labels=["a"], cropping_bbox=[5, 6, 25, 16])
    np.testing.assert_array_equal(out["image"], img[6:16, 5:25])
    np.testing.assert_allclose(out["bboxes"], [[1, 1, 15, 9]])
    assert out["cropping_bbox"] == [5, 6, 25, 16]  # passed through


def test_random_crop_near_bbox_shift_ranges():
    img = ramp(100, 100)
    t = recording(A.RandomCropNearBBox(max_part_shift=(0.1, 0.5)))  # height 0.1, width 0.5
    pipe = A.Compose([t], seed=0)
    dx, dy = set(), set()
    for _ in range(60):
        pipe(image=img, cropping_bbox=[30, 30, 70, 70])
        x0, y0, x1, y1 = crop_of(t.drawn[-1])
        assert 26 <= y0 <= 34 and 66 <= y1 <= 74  # 40 * 0.1 = 4
        assert 10 <= x0 <= 50 and 50 <= x1 <= 90  # 40 * 0.5 = 20
        dx.add(x0)
        dy.add(y0)
    assert len(dx) > 15 and len(dy) > 5
    assert A.RandomCropNearBBox(max_part_shift=0.3).max_part_shift == (0.0, 0.3)  # albumentations' reading


def test_random_crop_near_bbox_fallbacks_and_bad_box():
    img = ramp(20, 20)
    out = A.Compose([A.RandomCropNearBBox()], seed=0)(image=img)  # no box: unchanged
    np.testing.assert_array_equal(out["image"], img)
    # a box outside the image: the crop would be empty, so the central crop of the box's size
    out = A.Compose([A.RandomCropNearBBox(max_part_shift=0.0)], seed=0)(
        image=img, cropping_bbox=[30, 2, 36, 8]
    )
    assert out["image"].shape == (6, 1, 3) or out["image"].shape[:2] == (6, 1)
    with pytest.raises(ValueError, match="test_bbox"):
        A.Compose([A.RandomCropNearBBox(cropping_bbox_key="test_bbox")])(image=img, test_bbox=[1, 2])
    n = 3
    out = A.Compose([A.RandomCropNearBBox(max_part_shift=0.0)], seed=0).batch(
        images=np.stack([img] * n), cropping_bbox=[[k, k, k + 8, k + 5] for k in range(n)]
    )
    for k in range(n):
        np.testing.assert_array_equal(out["images"][k], img[k : k + 5, k : k + 8])


# --------------------------------------------------------------------------------------------------
# albumentations 2.0.8: the same crop box gives the same pixels
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_same_crop_box_matches_albumentations(dtype):
    alb = pytest.importorskip("albumentations")
    img = ramp(48, 64)
    img = img if dtype == "uint8" else (img / np.float32(255)).astype(np.float32)
    mask = (ramp(48, 64, 1)[..., 0] % 4).astype(np.uint8)
    box = (7, 5, 41, 33)
    pairs = [
        (A.BBoxSafeRandomCrop(), alb.BBoxSafeRandomCrop(), None),
        (A.RandomSizedBBoxSafeCrop(20, 30), alb.RandomSizedBBoxSafeCrop(20, 30), (20, 30)),
        (
            A.RandomSizedBBoxSafeCrop(64, 40, interpolation=2),
            alb.RandomSizedBBoxSafeCrop(64, 40, interpolation=2),
            0,
        ),
        (A.CropNonEmptyMaskIfExists(28, 34), alb.CropNonEmptyMaskIfExists(28, 34), None),
        (A.AtLeastOneBBoxRandomCrop(28, 34), alb.AtLeastOneBBoxRandomCrop(28, 34), None),
        (A.RandomCropNearBBox(), alb.RandomCropNearBBox(), None),
    ]
    for ours, theirs, resized in pairs:
        p = ours.Params(*box)
        from xalbu.core.affine import Geometry

        out_hw = ours.output_shape(p, img.shape[:2])
        geo = Geometry(ours, p, img.shape[:2], out_hw, None, None)
        got = ours.apply_image(img, p, geo)
        ref = theirs.apply(img, crop_coords=box)
        tol = 1 if dtype == "uint8" else 1e-5
        assert got.shape == ref.shape, type(ours).__name__
        assert np.abs(got.astype(np.float64) - ref).max() <= tol, type(ours).__name__
        if resized is None:  # nearest resizes of masks differ on purpose (docs/differences.md)
            got_m = ours.apply_mask(mask[..., None], p, geo)[..., 0]
            np.testing.assert_array_equal(got_m, theirs.apply_to_mask(mask, crop_coords=box))


def test_random_crop_near_bbox_matches_albumentations_without_shift():
    alb = pytest.importorskip("albumentations")
    img = ramp(30, 40)
    ours = A.Compose([A.RandomCropNearBBox(max_part_shift=0.0)], bbox_params=A.BboxParams("pascal_voc"))
    theirs = alb.Compose(
        [alb.RandomCropNearBBox(max_part_shift=0.0)], bbox_params=alb.BboxParams("pascal_voc")
    )
    data = {"image": img, "bboxes": [[6, 7, 20, 15]], "cropping_bbox": [5, 6, 25, 16]}
    a, b = ours(**data), theirs(**data)
    np.testing.assert_array_equal(a["image"], b["image"])
    np.testing.assert_allclose(np.asarray(a["bboxes"]), np.asarray(b["bboxes"]), atol=1e-4)


# --------------------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: A.BBoxSafeRandomCrop(erosion_rate=1.5), "erosion_rate"),
        (lambda: A.BBoxSafeRandomCrop(erosion_rate=float("nan")), "erosion_rate"),
        (lambda: A.RandomSizedBBoxSafeCrop(0, 10), "height"),
        (lambda: A.RandomSizedBBoxSafeCrop(10, 10.5), "width"),
        (lambda: A.RandomSizedBBoxSafeCrop(10, 10, interpolation=9), "interpolation"),
        (lambda: A.RandomSizedBBoxSafeCrop(10, 10, mask_interpolation=True), "mask_interpolation"),
        (lambda: A.CropNonEmptyMaskIfExists(True, 10), "height"),
        (lambda: A.CropNonEmptyMaskIfExists(10, 10, ignore_values=[1.5]), "ignore_values"),
        (lambda: A.CropNonEmptyMaskIfExists(10, 10, ignore_channels=5), "ignore_channels"),
        (lambda: A.CropNonEmptyMaskIfExists(10, 10, ignore_channels=[-1]), "ignore_channels"),
        (lambda: A.AtLeastOneBBoxRandomCrop(10, 10, erosion_factor=-0.1), "erosion_factor"),
        (lambda: A.RandomCropNearBBox(max_part_shift=(0.1, 1.2)), "max_part_shift"),
        (lambda: A.RandomCropNearBBox(max_part_shift=float("nan")), "max_part_shift"),
        (lambda: A.RandomCropNearBBox(cropping_bbox_key=3), "cropping_bbox_key"),
    ],
)
def test_bad_arguments_are_refused_naming_them(make, name):
    with pytest.raises((TypeError, ValueError), match=rf"^{name}\b"):
        make()


def test_targets_read_after_fused_affine_steps():
    """With ``fuse_affine``, the crop draws from the boxes as the earlier (deferred) steps moved them."""
    img = ramp(40, 60)
    boxes = [[2, 3, 12, 15], [5, 20, 9, 30]]
    for fuse in (False, True):
        pipe = A.Compose(
            [A.HorizontalFlip(p=1), A.BBoxSafeRandomCrop(), A.VerticalFlip(p=1)],
            bbox_params=BBOX,
            fuse_affine=fuse,
            seed=0,
        )
        for _ in range(10):
            out = pipe(image=img, bboxes=boxes, labels=[0, 1])
            assert out["labels"] == [0, 1]
            got = np.asarray(out["bboxes"])
            np.testing.assert_allclose(got[:, 2] - got[:, 0], [10, 4])  # whole boxes
            np.testing.assert_allclose(got[:, 3] - got[:, 1], [12, 10])


# --------------------------------------------------------------------------------------------------
# docs/differences.md rows, both libraries
# --------------------------------------------------------------------------------------------------
def test_difference_bbox_safe_crops_keep_fractional_box_edges():
    alb = pytest.importorskip("albumentations")
    img = ramp(100, 100)
    box = [[10.0, 10.0, 99.5, 30.0]]
    for lib, width in ((alb, 89.0), (A, 89.5)):  # albumentations: int(0.995.. * 100) = 99 cuts the box
        pipe = lib.Compose([lib.BBoxSafeRandomCrop()], bbox_params=lib.BboxParams("pascal_voc"), seed=0)
        for _ in range(5):
            b = pipe(image=img, bboxes=box)["bboxes"][0]
            assert b[2] - b[0] == pytest.approx(width, abs=1e-4), lib.__name__


def test_difference_at_least_one_bbox_crop_keeps_fractional_box_edges():
    alb = pytest.importorskip("albumentations")
    img = ramp(50, 50)
    box = [[20.0, 20.0, 29.5, 25.0]]  # 9.5 wide, crop 10: corner in [19.5, 20]
    for lib, width in ((alb, 9.0), (A, 9.5)):  # albumentations: int(uniform(19.5, 20)) = 19 cuts the box
        pipe = lib.Compose(
            [lib.AtLeastOneBBoxRandomCrop(10, 10)], bbox_params=lib.BboxParams("pascal_voc"), seed=0
        )
        for _ in range(5):
            b = pipe(image=img, bboxes=box)["bboxes"][0]
            assert b[2] - b[0] == pytest.approx(width, abs=1e-4), lib.__name__


def test_difference_missing_mask_or_cropping_box():
    alb = pytest.importorskip("albumentations")
    img = ramp(30, 30)
    with pytest.raises(RuntimeError):
        alb.CropNonEmptyMaskIfExists(10, 10)(image=img)
    assert A.CropNonEmptyMaskIfExists(10, 10)(image=img)["image"].shape == (10, 10, 3)  # a random crop
    with pytest.raises(ValueError, match="cropping_bbox"):
        alb.Compose([alb.RandomCropNearBBox()])(image=img)
    np.testing.assert_array_equal(A.Compose([A.RandomCropNearBBox()])(image=img)["image"], img)


def test_difference_random_crop_near_bbox_inverted_shift():
    alb = pytest.importorskip("albumentations")
    assert alb.RandomCropNearBBox(max_part_shift=(0.5, 0.2)).max_part_shift == (0.2, 0.5)  # silently swapped
    with pytest.raises(ValueError, match="^max_part_shift"):
        A.RandomCropNearBBox(max_part_shift=(0.5, 0.2))
    assert alb.RandomCropNearBBox(max_part_shift=0.3).max_part_shift == (0.0, 0.3)
    assert A.RandomCropNearBBox(max_part_shift=0.3).max_part_shift == (0.0, 0.3)


def test_at_least_one_bbox_random_crop_batch_per_sample(xp):
    n, h, w = 6, 40, 48
    images = np.stack([ramp(h, w)] * n)
    boxes = [[[2 + 4 * k, 3 + 3 * k, 8 + 4 * k, 9 + 3 * k, k]] for k in range(n)]  # one box per sample
    t = recording(A.AtLeastOneBBoxRandomCrop(12, 14))
    pipe = A.Compose([t], bbox_params=A.BboxParams("pascal_voc"), seed=8)
    out = pipe.batch(images=xp.asarray(images), bboxes=boxes)
    got = xp.to_numpy(out["images"])
    p = t.drawn[-1]
    for k in range(n):
        x0, y0, x1, y1 = crop_of(p, k)
        b = boxes[k][0]
        assert x0 <= b[0] and y0 <= b[1] and b[2] <= x1 and b[3] <= y1  # this sample's own box, whole
        np.testing.assert_array_equal(got[k], images[k, y0:y1, x0:x1])
        np.testing.assert_allclose(out["bboxes"][k][0], [b[0] - x0, b[1] - y0, b[2] - x0, b[3] - y0, k])


def test_near_box_on_python_floats_equals_the_batch_arithmetic():
    """One image's crop (Python floats) is the batch's (NumPy arrays) for the same box and draws,
    fractional and degenerate boxes included (empty crops become the central crop)."""
    from xalbu.transforms import target_crops as T

    rng = np.random.default_rng(0)
    for _ in range(500):
        h, w = (int(v) for v in rng.integers(1, 60, 2))
        x = np.sort(rng.uniform(0, w, 2)) if rng.random() < 0.7 else np.array([w / 2, w / 2])
        y = np.sort(rng.uniform(0, h, 2))
        if rng.random() < 0.5:
            x, y = np.floor(x), np.floor(y)
        box = [x[0], y[0], x[1], y[1]]
        u = rng.random(4)
        shift = tuple(rng.uniform(0, 1, 2))
        one = T._near_box(math, *box, *u.tolist(), shift, h, w)
        many = T._near_box(T._NP, *np.array([box]).T, *u[:, None], shift, h, w)
        assert [int(v) for v in one] == [int(np.asarray(v)[0]) for v in many], (box, u, shift, h, w)
