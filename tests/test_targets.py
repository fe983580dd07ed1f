"""Bounding boxes, keypoints and extra targets: formats, extra columns, labels, filtering, angles."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A

H, W = 24, 32
IMG = np.random.default_rng(0).integers(0, 256, (H, W, 3), dtype=np.uint8)

# the same three boxes in every format (dyadic numbers: conversions are exact)
BOXES = {
    "pascal_voc": [(1.5, 2.25, 10.0, 12.5), (0.0, 0.0, 32.0, 24.0), (16.0, 6.0, 24.0, 18.0)],
    "coco": [(1.5, 2.25, 8.5, 10.25), (0.0, 0.0, 32.0, 24.0), (16.0, 6.0, 8.0, 12.0)],
    "yolo": [
        (0.1796875, 0.3072916666666667, 0.265625, 0.4270833333333333),
        (0.5, 0.5, 1.0, 1.0),
        (0.625, 0.5, 0.25, 0.5),
    ],
    "albumentations": [
        (0.046875, 0.09375, 0.3125, 0.5208333333333334),
        (0.0, 0.0, 1.0, 1.0),
        (0.5, 0.25, 0.75, 0.75),
    ],
}


def compose(transforms, fmt="pascal_voc", **bbox_kw):
    return A.Compose(transforms, bbox_params=A.BboxParams(format=fmt, **bbox_kw), seed=0)


def angle_diff(a, b, period=360.0):
    """Signed smallest difference between angles (elementwise)."""
    return (np.asarray(a) - np.asarray(b) + period / 2) % period - period / 2


# ----------------------------------------------------------------------------- bbox formats
@pytest.mark.parametrize("fmt", list(BOXES))
@pytest.mark.parametrize(
    "transforms",
    [[], [A.HorizontalFlip(p=0.0)], [A.HorizontalFlip(p=1), A.HorizontalFlip(p=1)]],
    ids=["empty", "p0", "hflip-twice"],
)
def test_bbox_formats_round_trip(fmt, transforms):
    out = compose(transforms, fmt)(image=IMG, bboxes=BOXES[fmt])
    expected = [tuple(float(v) for v in b) for b in BOXES[fmt]]
    if fmt in ("pascal_voc", "coco"):
        assert out["bboxes"] == expected
    else:  # normalised formats: exact up to float64 rounding of non-dyadic values
        np.testing.assert_allclose(np.array(out["bboxes"]), np.array(expected), rtol=0, atol=1e-12)


@pytest.mark.parametrize("fmt", list(BOXES))
def test_bbox_formats_agree_after_flip(fmt):
    """The same boxes in any format give the same flipped pascal_voc boxes."""
    out = compose([A.HorizontalFlip(p=1)], fmt)(image=IMG, bboxes=BOXES[fmt])["bboxes"]
    b = np.array(out)
    if fmt == "coco":
        b[:, 2:] += b[:, :2]
    elif fmt == "yolo":
        b = np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], axis=1)
    if fmt in ("yolo", "albumentations"):
        b = b * [W, H, W, H]
    ref = np.array(BOXES["pascal_voc"])
    expected = np.stack([W - ref[:, 2], ref[:, 1], W - ref[:, 0], ref[:, 3]], axis=1)
    np.testing.assert_allclose(b, expected, atol=1e-9)


def test_random_boxes_round_trip_through_two_flips():
    r = np.random.default_rng(3)
    xy = np.sort(r.uniform(0, 1, (50, 2, 2)), axis=1)
    boxes = np.concatenate([xy[:, 0], xy[:, 1]], axis=1) * [W, H, W, H]
    boxes = boxes[(boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])]
    pipe = compose([A.HorizontalFlip(p=1), A.VerticalFlip(p=1), A.HorizontalFlip(p=1), A.VerticalFlip(p=1)])
    out = pipe(image=IMG, bboxes=boxes)["bboxes"]
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, boxes, atol=1e-9)


# ----------------------------------------------------------------------------- extra columns
def test_extra_columns_list_of_tuples():
    boxes = [(1, 2, 10, 12, "cat", 7), [4, 4, 8, 8, "dog", None]]
    out = compose([A.HorizontalFlip(p=1)])(image=IMG, bboxes=boxes)["bboxes"]
    assert isinstance(out, list) and all(isinstance(b, tuple) for b in out)
    assert out == [(22.0, 2.0, 31.0, 12.0, "cat", 7), (24.0, 4.0, 28.0, 8.0, "dog", None)]
    assert all(isinstance(v, float) for b in out for v in b[:4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_extra_columns_numpy(dtype):
    boxes = np.array([[1, 2, 10, 12, 5, 9], [4, 4, 8, 8, 6, 3]], dtype)
    out = compose([A.HorizontalFlip(p=1)])(image=IMG, bboxes=boxes)["bboxes"]
    assert isinstance(out, np.ndarray) and out.dtype.kind == "f" and out.shape == (2, 6)
    assert out.dtype == np.float64  # NumPy boxes come back float64, as albumentations gives them
    np.testing.assert_array_equal(out[:, 4:], boxes[:, 4:])
    np.testing.assert_array_equal(out[:, :4], [[22, 2, 31, 12], [24, 4, 28, 8]])


def test_empty_boxes_and_keypoints():
    pipe = A.Compose(
        [A.HorizontalFlip(p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]),
    )
    out = pipe(image=IMG, bboxes=[], labels=[], keypoints=np.zeros((0, 2)), kl=[])
    assert out["bboxes"] == [] and out["labels"] == [] and out["kl"] == []
    assert isinstance(out["keypoints"], np.ndarray) and out["keypoints"].shape == (0, 2)


def test_keypoint_extra_columns():
    kps = [(1, 2, "nose"), (30.5, 20, "eye")]
    out = A.Compose([A.VerticalFlip(p=1)], keypoint_params=A.KeypointParams(format="xy"))(
        image=IMG, keypoints=kps
    )
    assert out["keypoints"] == [(1.0, 22.0, "nose"), (30.5, 4.0, "eye")]
    arr = np.array([[1, 2, 9.5], [3, 4, -1]], np.float32)
    out = A.Compose([A.VerticalFlip(p=1)], keypoint_params=A.KeypointParams(format="xy"))(
        image=IMG, keypoints=arr
    )
    assert isinstance(out["keypoints"], np.ndarray) and out["keypoints"].dtype == np.float32
    np.testing.assert_array_equal(out["keypoints"], [[1, 22, 9.5], [3, 20, -1]])


# ----------------------------------------------------------------------------- labels and filtering
def test_string_labels_filtered_in_sync():
    boxes = [(0, 0, 4, 4), (10, 8, 20, 16), (28, 20, 32, 24), (5, 5, 12, 9)]
    labels, names = ["a", "b", "c", "d"], ("A", "B", "C", "D")
    pipe = compose([A.Crop(x_min=6, y_min=6, x_max=26, y_max=18)], label_fields=["labels", "names"])
    out = pipe(image=IMG, bboxes=boxes, labels=labels, names=names)
    assert out["bboxes"] == [(4.0, 2.0, 14.0, 10.0), (0.0, 0.0, 6.0, 3.0)]
    assert out["labels"] == ["b", "d"]
    assert out["names"] == ("B", "D")  # container type kept
    # min_area alone (no spatial transform) filters too
    out = compose([], label_fields=["labels"], min_area=20)(image=IMG, bboxes=boxes, labels=labels)
    assert out["labels"] == ["b", "d"]


def _hand_filter(boxes, crop, min_area=0.0, min_visibility=0.0, min_width=0.0, min_height=0.0):
    cx0, cy0, cx1, cy1 = crop
    kept = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        nx0, ny0 = max(x0, cx0) - cx0, max(y0, cy0) - cy0
        nx1, ny1 = min(x1, cx1) - cx0, min(y1, cy1) - cy0
        w, h = nx1 - nx0, ny1 - ny0
        if w <= 0 or h <= 0:
            continue
        vis = w * h / ((x1 - x0) * (y1 - y0))
        if w * h < min_area or vis < min_visibility or w < min_width or h < min_height:
            continue
        kept.append((i, (float(nx0), float(ny0), float(nx1), float(ny1))))
    return kept


FILTER_BOXES = [
    (2, 2, 10, 10),  # area 64, visible 4x4 = 16 (vis 0.25)
    (8, 6, 14, 12),  # fully inside: 6x6 = 36
    (20, 10, 30, 14),  # visible 4x4 (24 is the crop edge): 16 of 40 (vis 0.4)
    (9, 5, 11, 17),  # visible 2 wide x 11 high
    (0, 13, 31, 15),  # visible 18 wide x 2 high; area 22*... vis 36/62
    (25, 0, 31, 5),  # fully outside
    (10, 6, 12, 8),  # 2x2 inside: area 4
]
CROP = (6, 6, 24, 17)
FILTERS = [
    {},
    {"min_area": 16},
    {"min_area": 16.5},
    {"min_visibility": 0.25},
    {"min_visibility": 0.3},
    {"min_visibility": 0.6},
    {"min_width": 4},
    {"min_height": 4},
    {"min_width": 3, "min_height": 3, "min_area": 20},
    {"min_area": 10, "min_visibility": 0.5},
]


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none"
)
def test_filtering_by_hand_on_a_crop(filters):
    assert "Crop" in A.TRANSFORMS
    labels = [f"box{i}" for i in range(len(FILTER_BOXES))]
    pipe = compose(
        [A.Crop(x_min=CROP[0], y_min=CROP[1], x_max=CROP[2], y_max=CROP[3])],
        label_fields=["labels"],
        **filters,
    )
    out = pipe(image=IMG, bboxes=FILTER_BOXES, labels=labels)
    expected = _hand_filter(FILTER_BOXES, CROP, **filters)
    assert out["bboxes"] == [b for _, b in expected]
    assert out["labels"] == [labels[i] for i, _ in expected]


def test_visibility_accumulates_over_two_crops():
    """min_visibility compares with the original box, not the previous step's."""
    box = [(0, 0, 20, 20)]  # 400
    pipe = compose(
        [A.Crop(x_min=5, y_min=0, x_max=32, y_max=24), A.Crop(x_min=5, y_min=0, x_max=27, y_max=24)],
        min_visibility=0.6,
    )
    # after both crops: x in [10, 20) visible -> 10 * 20 = 200 of 400 (0.5 < 0.6): dropped
    assert pipe(image=IMG, bboxes=box)["bboxes"] == []
    pipe = compose(
        [A.Crop(x_min=5, y_min=0, x_max=32, y_max=24), A.Crop(x_min=5, y_min=0, x_max=27, y_max=24)],
        min_visibility=0.5,
    )
    assert pipe(image=IMG, bboxes=box)["bboxes"] == [(0.0, 0.0, 10.0, 20.0)]


def test_clip_true_clips_input_boxes():
    boxes = [(-3, -2, 40, 30), (5, 5, 10, 10)]
    out = compose([], clip=True)(image=IMG, bboxes=boxes)
    assert out["bboxes"] == [(0.0, 0.0, 32.0, 24.0), (5.0, 5.0, 10.0, 10.0)]
    with pytest.raises(ValueError, match=r"bboxes\[0\]"):
        compose([])(image=IMG, bboxes=boxes)


def test_filter_invalid_bboxes_drops_with_labels():
    boxes = [(1, 1, 5, 5), (10, 10, 5, 5), (2, 2, 40, 30), (3, 3, 6, 6), (7, 7, 7, 9)]
    labels = ["ok1", "inverted", "outside", "ok2", "empty"]
    # as in albumentations 2.0.8, filtering clips first: the box reaching out of the image stays
    for clip in (False, True):
        pipe = compose([], label_fields=["labels"], filter_invalid_bboxes=True, clip=clip)
        out = pipe(image=IMG, bboxes=boxes + [(40, 2, 45, 6)], labels=labels + ["entirely outside"])
        assert out["labels"] == ["ok1", "outside", "ok2"]
        assert out["bboxes"][1] == (2.0, 2.0, 32.0, 24.0)


@pytest.mark.parametrize(
    "fmt,bad",
    [
        ("pascal_voc", (2, 2, 40, 10)),
        ("coco", (30, 2, 5, 5)),
        ("yolo", (0.95, 0.5, 0.2, 0.2)),
        ("albumentations", (0.1, 0.1, 1.2, 0.5)),
    ],
)
def test_out_of_range_box_raises_naming_index(fmt, bad):
    good = BOXES[fmt][:2]
    with pytest.raises(ValueError, match=r"bboxes\[2\]") as e:
        compose([], fmt)(image=IMG, bboxes=[*good, bad])
    assert "clip" in str(e.value)
    with pytest.raises(ValueError, match=r"bboxes\[1\]"):
        compose([], "pascal_voc")(image=IMG, bboxes=[(1, 1, 3, 3), (5, 5, 4, 8)])


# ----------------------------------------------------------------------------- keypoints
KP = np.array(  # canonical x, y, angle (deg), scale
    [[1.5, 2.5, 10.0, 1.0], [16.0, 12.0, 90.0, 2.0], [30.5, 23.5, 200.0, 0.5], [7.25, 20.0, 315.0, 3.0]]
)


def to_format(fmt, kp=KP):
    col = {"x": 0, "y": 1, "a": 2, "s": 3}
    return np.stack([kp[:, col[c]] for c in fmt], axis=1)


def from_format(fmt, table):
    table = np.asarray(table, np.float64)
    out = np.tile([[np.nan, np.nan, 0.0, 1.0]], (len(table), 1))
    col = {"x": 0, "y": 1, "a": 2, "s": 3}
    for i, c in enumerate(fmt):
        out[:, col[c]] = table[:, i]
    return out


def run_kp(transforms, fmt, kp=KP, degrees=True, image=IMG, seed=0):
    pipe = A.Compose(
        transforms,
        keypoint_params=A.KeypointParams(format=fmt, angle_in_degrees=degrees, remove_invisible=False),
        seed=seed,
    )
    table = to_format(fmt, kp)
    out = pipe(image=image, keypoints=table)
    return out, from_format(fmt, out["keypoints"])


def check_kp(fmt, got, expected, period=360.0):
    np.testing.assert_allclose(got[:, :2], expected[:, :2], atol=1e-9)
    if "a" in fmt:
        np.testing.assert_allclose(angle_diff(got[:, 2], expected[:, 2], period), 0, atol=1e-9)
        assert np.all((got[:, 2] >= 0) & (got[:, 2] < period)), got[:, 2]
    if "s" in fmt:
        np.testing.assert_allclose(got[:, 3], expected[:, 3], rtol=1e-12)


FORMATS = ["xy", "yx", "xya", "xys", "xyas", "xysa"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_keypoint_hflip(fmt):
    _, got = run_kp([A.HorizontalFlip(p=1)], fmt)
    exp = KP.copy()
    exp[:, 0] = W - KP[:, 0]
    exp[:, 2] = (180 - KP[:, 2]) % 360
    check_kp(fmt, got, exp)


@pytest.mark.parametrize("fmt", FORMATS)
def test_keypoint_vflip(fmt):
    _, got = run_kp([A.VerticalFlip(p=1)], fmt)
    exp = KP.copy()
    exp[:, 1] = H - KP[:, 1]
    exp[:, 2] = (-KP[:, 2]) % 360
    check_kp(fmt, got, exp)


def _quarter_turns(out_img, img):
    ks = [
        k
        for k in range(4)
        if np.rot90(img, k).shape == out_img.shape and np.array_equal(np.rot90(img, k), out_img)
    ]
    assert len(ks) == 1, ks
    return ks[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_keypoint_rot90(fmt):
    seen = set()
    for seed in range(12):
        out, got = run_kp([A.RandomRotate90(p=1)], fmt, seed=seed)
        k = _quarter_turns(out["image"], IMG)
        seen.add(k)
        x, y = KP[:, 0], KP[:, 1]
        # counter-clockwise on screen (y down), like np.rot90
        x2, y2 = [(x, y), (y, W - x), (W - x, H - y), (H - y, x)][k]
        exp = np.stack([x2, y2, (KP[:, 2] - 90 * k) % 360, KP[:, 3]], axis=1)
        check_kp(fmt, got, exp)
    assert seen == {0, 1, 2, 3}


@pytest.mark.parametrize("fmt", ["xya", "xyas", "xysa"])
def test_keypoint_radians(fmt):
    kp = KP.copy()
    kp[:, 2] = np.deg2rad(KP[:, 2])
    _, got = run_kp([A.HorizontalFlip(p=1)], fmt, kp=kp, degrees=False)
    exp = kp.copy()
    exp[:, 0] = W - kp[:, 0]
    exp[:, 2] = (np.pi - kp[:, 2]) % (2 * np.pi)
    check_kp(fmt, got, exp, period=2 * np.pi)
    _, same = run_kp([], fmt, kp=kp, degrees=False)
    check_kp(fmt, same, kp, period=2 * np.pi)


def test_keypoint_angle_agrees_with_the_image():
    """A keypoint's angle points at a marker drawn in its direction, after any transform."""
    offsets = {0: (8, 0), 45: (6, 6), 90: (0, 8), 135: (-6, 6), 180: (-8, 0), 270: (0, -8), 315: (6, -6)}
    candidates = [
        A.HorizontalFlip(p=1),
        A.VerticalFlip(p=1),
        A.Transpose(p=1),
        A.RandomRotate90(p=1),
        A.D4(p=1),
    ]
    if "Affine" in A.TRANSFORMS:
        candidates.append(A.Affine(rotate=(-60, 60), interpolation=0, p=1))
    for a, (dx, dy) in offsets.items():
        img = np.zeros((64, 64, 1), np.uint8)
        img[32 + dy - 1 : 32 + dy + 2, 32 + dx - 1 : 32 + dx + 2] = 255  # 3x3 marker
        kps = [(32.5, 32.5, float(a))]
        for t in candidates:
            for seed in range(4):
                pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xya"), seed=seed)
                out = pipe(image=img, keypoints=kps)
                ((x, y, got),) = out["keypoints"]
                rows, cols = np.nonzero(out["image"][..., 0])
                direction = np.rad2deg(np.arctan2(rows.mean() + 0.5 - y, cols.mean() + 0.5 - x))
                assert abs(angle_diff(direction, got)) < 3, (type(t).__name__, seed, a, direction, got)


@pytest.mark.parametrize("flip", ["HorizontalFlip", "VerticalFlip"])
def test_keypoints_on_the_border_survive_flips(flip):
    """The visible area is the closed rectangle [0, W] x [0, H] (inputs may lie on its edges)."""
    kps = [(0.0, 5.0), (W, 5.0), (3.0, 0.0), (3.0, H), (0.0, 0.0)]
    pipe = A.Compose([A.TRANSFORMS[flip](p=1)], keypoint_params=A.KeypointParams(format="xy"))
    out = pipe(image=IMG, keypoints=kps)["keypoints"]
    assert len(out) == len(kps)


def test_remove_invisible():
    kps = [(3, 3), (10, 10), (23.5, 16.5), (30, 20)]
    labels = ["out1", "in1", "in2", "out2"]
    crop = A.Crop(x_min=6, y_min=6, x_max=24, y_max=18)
    for remove, exp_labels in ((True, ["in1", "in2"]), (False, labels)):
        params = A.KeypointParams(format="xy", label_fields=["labels"], remove_invisible=remove)
        out = A.Compose([crop], keypoint_params=params)(image=IMG, keypoints=kps, labels=labels)
        assert out["labels"] == exp_labels
        idx = [labels.index(lb) for lb in exp_labels]
        assert out["keypoints"] == [(kps[i][0] - 6.0, kps[i][1] - 6.0) for i in idx]


# ----------------------------------------------------------------------------- additional targets
def _random_pipeline(**kw):
    ts = [A.D4(p=1), A.HorizontalFlip(p=0.5)]
    if "Affine" in A.TRANSFORMS:
        ts.append(A.Affine(rotate=(-30, 30), scale=(0.8, 1.2), p=1))
    return A.Compose(ts, **kw)


def test_additional_targets_share_the_draw():
    mask = (np.arange(H * W).reshape(H, W) % 7).astype(np.uint8)
    boxes = [(2, 3, 12, 15), (10, 4, 30, 20)]
    kps = [(4.5, 5.5), (20.0, 12.0)]
    draws = set()
    for seed in range(5):
        pipe = _random_pipeline(
            bbox_params=A.BboxParams(format="pascal_voc"),
            keypoint_params=A.KeypointParams(format="xy"),
            additional_targets={"image2": "image", "mask2": "mask", "bboxes2": "bboxes", "kp2": "keypoints"},
            seed=seed,
        )
        out = pipe(
            image=IMG,
            image2=IMG.copy(),
            mask=mask,
            mask2=mask.copy(),
            bboxes=boxes,
            bboxes2=list(boxes),
            keypoints=kps,
            kp2=list(kps),
        )
        np.testing.assert_array_equal(out["image"], out["image2"])
        np.testing.assert_array_equal(out["mask"], out["mask2"])
        assert out["bboxes"] == out["bboxes2"]
        assert out["keypoints"] == out["kp2"]
        assert out["image"].shape[:2] == out["mask"].shape
        draws.add(out["image"].tobytes())
    assert len(draws) > 1, "the draw should vary with the seed"


def test_video_frames_share_one_draw():
    frames = np.random.default_rng(1).integers(0, 256, (5, H, W, 3), dtype=np.uint8)
    for seed in range(4):
        out = _random_pipeline(seed=seed)(images=frames)["images"]
        assert out.shape[0] == 5
        for i in range(5):
            ref = _random_pipeline(seed=seed)(image=frames[i])["image"]
            np.testing.assert_array_equal(out[i], ref)


def test_masks_as_list_and_stacked():
    m1 = (np.arange(H * W).reshape(H, W) % 5).astype(np.uint8)
    m2 = np.zeros((H, W), np.uint8)
    m2[4:12, 6:20] = 3
    for seed in range(4):
        ref = [_random_pipeline(seed=seed)(image=IMG, mask=m)["mask"] for m in (m1, m2)]
        out = _random_pipeline(seed=seed)(image=IMG, masks=[m1, m2])
        assert isinstance(out["masks"], list) and len(out["masks"]) == 2
        for a, b in zip(out["masks"], ref, strict=True):
            np.testing.assert_array_equal(a, b)
        stacked = _random_pipeline(seed=seed)(image=IMG, masks=np.stack([m1, m2]))["masks"]
        assert isinstance(stacked, np.ndarray) and stacked.shape == (2, *ref[0].shape)
        np.testing.assert_array_equal(stacked, np.stack(ref))


def test_none_targets_come_back_as_none():
    pipe = A.Compose([A.HorizontalFlip(p=1)], bbox_params=A.BboxParams(), keypoint_params=A.KeypointParams())
    out = pipe(image=IMG, mask=None, bboxes=None, keypoints=None)
    assert out["mask"] is None and out["bboxes"] is None and out["keypoints"] is None
    np.testing.assert_array_equal(out["image"], IMG[:, ::-1])


def test_max_accept_ratio_and_check_each_transform_as_albumentations():
    """albumentations 2.0.8's BboxParams(max_accept_ratio), KeypointParams(check_each_transform)."""
    alb = pytest.importorskip("albumentations")
    img = np.zeros((10, 20, 3), np.uint8)

    def run(M, **kw):
        boxes = M.Compose([M.NoOp()], bbox_params=M.BboxParams("pascal_voc", label_fields=["l"], **kw))
        out = boxes(image=img, bboxes=[(1, 1, 3, 9), (1, 1, 5, 5), (2, 2, 9, 4)], l=[1, 2, 3])
        return np.round(np.array(out["bboxes"], np.float64), 5).tolist(), list(out["l"])

    for kw in ({"max_accept_ratio": 2.0}, {"max_accept_ratio": 4.0}, {}):
        assert run(A, **kw) == run(alb, **kw), kw
    with pytest.raises(ValueError, match="max_accept_ratio"):
        A.BboxParams("coco", max_accept_ratio=0.5)

    def points(M, each):
        shift = [
            M.Affine(translate_px={"x": 15, "y": 0}, p=1),
            M.Affine(translate_px={"x": -15, "y": 0}, p=1),
        ]
        pipe = M.Compose(shift, keypoint_params=M.KeypointParams("xy", check_each_transform=each))
        return np.array(pipe(image=img, keypoints=[(3, 4), (15, 5)])["keypoints"], np.float64).tolist()

    for each in (True, False):  # False keeps the point that leaves the image and comes back
        assert points(A, each) == points(alb, each)
    assert len(points(A, False)) == 2 and len(points(A, True)) == 1
