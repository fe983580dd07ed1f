"""Crops: the crop kernel (golden values, OpenCV override parity) and the transforms Crop,
CenterCrop, RandomCrop, RandomResizedCrop, RandomSizedCrop, RandomCropFromBorders and CropAndPad (of
the sizing family)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import xalbu as A
from xalbu.core.affine import Geometry
from xalbu.functional import crops as G

from ._spatial import CASES, hwc, override_and_generic, random_image, run


# --------------------------------------------------------------------------------------------------
# kernel: crop
# --------------------------------------------------------------------------------------------------
@pytest.mark.golden.with_args(G.crop)
def test_crop_golden(xp):
    img = hwc(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(run(xp, G.crop, img, 1, 0, 3, 2), hwc([[1, 2], [5, 6]]))
    batch = np.stack([img, img + 20])
    out = run(xp, G.crop, batch, 2, 1, 4, 3)
    np.testing.assert_array_equal(out[..., 0], [[[6, 7], [10, 11]], [[26, 27], [30, 31]]])


def test_overrides_registered():
    importlib.import_module("xalbu.backends.numpy_cv2")  # dispatch imports it lazily; be explicit here
    for k in [G.crop]:
        assert "numpy_cv2" in k.overrides, k.__name__


@pytest.mark.parity.with_args("numpy_cv2", G.crop)
@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_crop(dtype, c, batched):
    img = random_image(dtype, c, batched)
    before = img.copy()
    for kernel, args in [(G.crop, (2, 1, 9, 12))]:
        out, ref = override_and_generic(kernel, img, *args)
        np.testing.assert_array_equal(out, ref, err_msg=kernel.__name__)
    np.testing.assert_array_equal(img, before)


# --------------------------------------------------------------------------------------------------
# transforms
# --------------------------------------------------------------------------------------------------
def ramp(h: int, w: int, c: int | None = None, dtype=np.uint8) -> np.ndarray:
    """Pixel (i, j) holds ``i * w + j`` (plus ``100 * k`` in channel k)."""
    base = np.arange(h * w).reshape(h, w)
    if c is not None:
        base = base[..., None] + 100 * np.arange(c)
    return base.astype(dtype)


def coords(n: int, h: int, w: int) -> np.ndarray:
    """uint16 (N, H, W, 3): channel 0 the row, 1 the column, 2 the sample index."""
    i, j = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.stack([np.broadcast_to(i, (n, h, w)), np.broadcast_to(j, (n, h, w))], axis=-1)
    sample = np.broadcast_to(np.arange(n)[:, None, None, None], (n, h, w, 1))
    return np.concatenate([out, sample], axis=-1).astype(np.uint16)


def smooth(n: int, h: int, w: int, c: int = 3) -> np.ndarray:
    """A batch of uint8 ramps (slope <= 1 per pixel), shifted per sample so samples differ."""
    i, j = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    base = (i + j) * 0.9
    out = base[None, :, :, None] + 5 * np.arange(n)[:, None, None, None] + 10 * np.arange(c)
    return np.clip(out, 0, 255).astype(np.uint8)


def recording(t):
    """Make ``t`` remember the parameters it draws (``t.drawn``)."""
    t.drawn = []
    original = t.sample

    def sample(rng, shape, n):
        params = original(rng, shape, n)
        t.drawn.append(params)
        return params

    t.sample = sample
    return t


def mask_bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# ------------------------------------------------------------------------------------------------
# Crop
# ------------------------------------------------------------------------------------------------
def test_crop_exact(xp):
    img = ramp(4, 5)
    out = A.Crop(1, 2, 4, 4)(image=xp.asarray(img))["image"]
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(xp.to_numpy(out), [[11, 12, 13], [16, 17, 18]])


def test_crop_mask_boxes_keypoints():
    img = ramp(6, 8, 3)
    mask = np.zeros((6, 8), np.uint8)
    mask[2:5, 3:7] = 1
    pipe = A.Compose(
        [A.Crop(2, 1, 7, 6)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
    )
    out = pipe(image=img, mask=mask, bboxes=[[3, 2, 7, 5]], keypoints=[[3.5, 2.5]])
    np.testing.assert_array_equal(out["image"], img[1:6, 2:7])
    np.testing.assert_array_equal(out["mask"], mask[1:6, 2:7])
    np.testing.assert_allclose(out["bboxes"][0], [1, 1, 5, 4])
    np.testing.assert_allclose(out["keypoints"][0], [1.5, 1.5])


def test_crop_pad_if_needed_top_left_keeps_coordinates():
    img = ramp(3, 4)
    out = A.Crop(2, 1, 6, 5, pad_if_needed=True, pad_position="top_left", fill=99)(image=img)["image"]
    expected = np.full((4, 4), 99, np.uint8)
    expected[:2, :2] = img[1:3, 2:4]
    np.testing.assert_array_equal(out, expected)


def test_crop_pad_if_needed_center():
    img = ramp(3, 4)
    # padded to (5, 6): one row on top, one below; one column left, one right
    out = A.Crop(0, 0, 6, 5, pad_if_needed=True, fill=99, fill_mask=7)(image=img, mask=img)
    expected = np.full((5, 6), 99, np.uint8)
    expected[1:4, 1:5] = img
    np.testing.assert_array_equal(out["image"], expected)
    expected[expected == 99] = 7
    np.testing.assert_array_equal(out["mask"], expected)


def test_crop_outside_image_raises():
    with pytest.raises(ValueError, match="x_max"):
        A.Crop(0, 0, 6, 2)(image=ramp(3, 4))
    with pytest.raises(ValueError, match="y_max"):
        A.Crop(0, 0, 2, 9)(image=ramp(3, 4))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"x_min": 3, "x_max": 3}, "x_max"),
        ({"y_min": 5, "y_max": 2}, "y_max"),
        ({"x_min": -1}, "x_min"),
        ({"pad_position": "middle"}, "pad_position"),
        ({"border_mode": 9}, "border_mode"),
        ({"fill": "red"}, "fill"),
    ],
)
def test_crop_validation(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        A.Crop(**kwargs)


# ------------------------------------------------------------------------------------------------
# CenterCrop
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("h", "w", "y", "x"), [(2, 2, 0, 1), (3, 3, 0, 1), (1, 4, 1, 0), (3, 5, 0, 0), (2, 3, 0, 1)]
)
def test_center_crop_exact(xp, h, w, y, x):
    img = ramp(3, 5, 3)
    out = A.CenterCrop(h, w)(image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img[y : y + h, x : x + w])


def test_center_crop_pad_if_needed_reflect_101():
    img = ramp(2, 3)
    out = A.CenterCrop(4, 5, pad_if_needed=True, border_mode=4)(image=img)["image"]
    rows = [1, 0, 1, 0]  # reflect_101 of rows -1..2 for 2 rows
    cols = [1, 0, 1, 2, 1]
    np.testing.assert_array_equal(out, img[np.ix_(rows, cols)])


@pytest.mark.parametrize("cls", [A.CenterCrop, A.RandomCrop])
def test_crop_larger_than_image_raises(cls):
    with pytest.raises(ValueError, match="height"):
        cls(5, 2)(image=ramp(4, 4))
    with pytest.raises(ValueError, match="width"):
        cls(2, 5)(image=ramp(4, 4))


@pytest.mark.parametrize("cls", [A.CenterCrop, A.RandomCrop])
def test_crop_size_validation(cls):
    with pytest.raises(ValueError, match="height"):
        cls(0, 2)
    with pytest.raises(TypeError, match="width"):
        cls(2, 2.5)
    with pytest.raises(TypeError, match="pad_if_needed"):
        cls(2, 2, pad_if_needed="yes")


# ------------------------------------------------------------------------------------------------
# RandomCrop
# ------------------------------------------------------------------------------------------------
def test_random_crop_is_a_slice(xp):
    img = coords(1, 12, 15)[0]
    for seed in range(5):
        out = xp.to_numpy(A.Compose([A.RandomCrop(5, 7)], seed=seed)(image=xp.asarray(img))["image"])
        y, x = int(out[0, 0, 0]), int(out[0, 0, 1])
        assert out.shape == (5, 7, 3)
        np.testing.assert_array_equal(out, img[y : y + 5, x : x + 7])


def test_random_crop_covers_positions():
    img = coords(1, 6, 6)[0]
    pipe = A.Compose([A.RandomCrop(4, 4)], seed=0)
    corners = {tuple(pipe(image=img)["image"][0, 0, :2]) for _ in range(200)}
    assert corners == {(y, x) for y in range(3) for x in range(3)}


def test_random_crop_batch_exact(xp):
    n, h, w = 8, 20, 24
    batch = coords(n, h, w)
    masks = batch[..., 1].astype(np.int32)
    out = A.Compose([A.RandomCrop(6, 9)], seed=3).batch(images=xp.asarray(batch), masks=xp.asarray(masks))
    images, outm = xp.to_numpy(out["images"]), xp.to_numpy(out["masks"])
    assert images.shape == (n, 6, 9, 3) and outm.shape == (n, 6, 9)
    corners = set()
    for k in range(n):
        y, x = int(images[k, 0, 0, 0]), int(images[k, 0, 0, 1])
        corners.add((y, x))
        np.testing.assert_array_equal(images[k], batch[k, y : y + 6, x : x + 9])
        np.testing.assert_array_equal(outm[k], masks[k, y : y + 6, x : x + 9])
    assert len(corners) > 1  # per-sample draws


def test_random_crop_batch_pad_random_position_matches_single():
    t = A.RandomCrop(9, 10, pad_if_needed=True, pad_position="random", border_mode=0, fill=7)
    n, shape = 6, (6, 8)
    batch = smooth(n, *shape)
    params = t.sample(np.random.default_rng(5), shape, n)
    assert np.ndim(params.pad_top) == 1  # per-sample splits: the warp fallback runs
    geo = Geometry(t, params, shape, t.output_shape(params, shape), None, n)
    out = t.apply_image(batch, params, geo)
    assert out.shape == (n, 9, 10, 3)
    for k in range(n):
        pk = type(params)(
            *(int(np.broadcast_to(getattr(params, f), (n,))[k]) for f in params.__dataclass_fields__)
        )
        gk = Geometry(t, pk, shape, (9, 10), None, None)
        np.testing.assert_array_equal(out[k], t.apply_image(batch[k], pk, gk))


def test_random_crop_pad_if_needed_single():
    img = ramp(3, 4)
    out = A.Compose([A.RandomCrop(5, 6, pad_if_needed=True, fill=99)], seed=0)(image=img)["image"]
    expected = np.full((5, 6), 99, np.uint8)
    expected[1:4, 1:5] = img
    np.testing.assert_array_equal(out, expected)


def test_random_crop_targets_follow():
    h, w = 30, 40
    img = ramp(h, w, 3)
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(8, 20, 3) for x in range(10, 30, 4)]
    pipe = A.Compose(
        [A.RandomCrop(16, 20)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=0,
    )
    for _ in range(20):
        out = pipe(image=img, mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        for x, y in out["keypoints"]:
            assert 0 <= x < 20 and 0 <= y < 16
            assert out["mask"][int(y), int(x)] == 1
        expected = mask_bbox(out["mask"])
        if expected is None:
            assert out["bboxes"] == []
        else:
            np.testing.assert_allclose(out["bboxes"][0], expected, atol=1e-6)


# ------------------------------------------------------------------------------------------------
# RandomResizedCrop / RandomSizedCrop
# ------------------------------------------------------------------------------------------------
def test_random_resized_crop_single_is_crop_then_resize():
    img = smooth(1, 50, 60)[0]
    t = recording(A.RandomResizedCrop((20, 24)))
    pipe = A.Compose([t], seed=1)
    for _ in range(10):
        out = pipe(image=img)["image"]
        p = t.drawn[-1]
        assert out.shape == (20, 24, 3)
        assert 0 <= p.x_min < p.x_max <= 60 and 0 <= p.y_min < p.y_max <= 50
        expected = A.Compose([A.Crop(p.x_min, p.y_min, p.x_max, p.y_max), A.Resize(20, 24)])(image=img)[
            "image"
        ]
        np.testing.assert_array_equal(out, expected)


def test_random_resized_crop_sampling_ranges():
    t = A.RandomResizedCrop((8, 8), scale=(0.25, 0.5), ratio=(0.5, 2.0))
    p = t.sample(np.random.default_rng(0), (100, 100), 2000)
    w = p.x_max - p.x_min
    h = p.y_max - p.y_min
    area = w * h / 1e4
    assert area.min() >= 0.23 and area.max() <= 0.52
    assert (w / h).min() >= 0.47 and (w / h).max() <= 2.1
    assert p.x_min.min() >= 0 and p.x_max.max() <= 100 and p.y_max.max() <= 100
    assert len(np.unique(p.x_min)) > 10


def test_random_resized_crop_fallback_is_central_clamped():
    # no candidate can fit a 10x100 image with ratio around 1: the central crop with ratio 4/3 is used
    t = A.RandomResizedCrop((8, 8), scale=(0.9, 1.0), ratio=(0.75, 4 / 3))
    p = t.sample(np.random.default_rng(0), (10, 100), None)
    assert (p.y_min, p.y_max) == (0, 10)
    assert p.x_max - p.x_min == 13
    assert p.x_min == (100 - 13) // 2
    p = t.sample(np.random.default_rng(0), (100, 10), 4)
    np.testing.assert_array_equal(p.y_max - p.y_min, 13)


def test_random_resized_crop_batch_matches_single(xp):
    n = 6
    batch = smooth(n, 64, 64)
    t = recording(A.RandomResizedCrop((32, 32)))
    out = xp.to_numpy(A.Compose([t], seed=0).batch(images=xp.asarray(batch))["images"])
    assert out.shape == (n, 32, 32, 3)
    p = t.drawn[-1]
    assert len({(int(a), int(b), int(c)) for a, b, c in zip(p.x_min, p.y_min, p.x_max, strict=True)}) == n
    for k in range(n):
        box = [int(v[k]) for v in (p.x_min, p.y_min, p.x_max, p.y_max)]
        single = A.Compose([A.Crop(*box), A.Resize(32, 32)])(image=batch[k])["image"]
        assert np.abs(out[k].astype(int) - single.astype(int)).max() <= 1


def test_random_resized_crop_batch_targets():
    n, h, w = 5, 64, 64
    images = smooth(n, h, w)
    masks = np.zeros((n, h, w), np.uint8)
    masks[:, 16:48, 12:44] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(18, 46, 5) for x in range(14, 42, 5)]
    pipe = A.Compose(
        [A.RandomResizedCrop((32, 32), scale=(0.3, 1.0))],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=2,
    )
    out = pipe.batch(images=images, masks=masks, bboxes=[[[12, 16, 44, 48]]] * n, keypoints=[kps] * n)
    for k in range(n):
        m = out["masks"][k]
        for x, y in out["keypoints"][k]:
            assert 0 <= x < 32 and 0 <= y < 32
            assert m[int(y), int(x)] == 1
        expected = mask_bbox(m)
        if expected is not None and out["bboxes"][k]:
            np.testing.assert_allclose(out["bboxes"][k][0], expected, atol=1.0)
            box = np.asarray(out["bboxes"][k][0])
            assert box.min() >= 0 and box.max() <= 32


def test_random_sized_crop():
    img = smooth(1, 40, 50)[0]
    t = recording(A.RandomSizedCrop((10, 20), (16, 16), w2h_ratio=1.5))
    pipe = A.Compose([t], seed=0)
    heights = set()
    for _ in range(30):
        out = pipe(image=img)["image"]
        p = t.drawn[-1]
        ch, cw = p.y_max - p.y_min, p.x_max - p.x_min
        heights.add(ch)
        assert 10 <= ch <= 20 and cw == int(ch * 1.5)
        expected = A.Compose([A.Crop(p.x_min, p.y_min, p.x_max, p.y_max), A.Resize(16, 16)])(image=img)[
            "image"
        ]
        np.testing.assert_array_equal(out, expected)
    assert len(heights) > 3
    batch = A.Compose([A.RandomSizedCrop((10, 20), (16, 16))], seed=0).batch(images=smooth(4, 40, 50))
    assert batch["images"].shape == (4, 16, 16, 3)


def test_crop_resize_mask_interpolation_and_area():
    img = np.zeros((8, 8), np.uint8)
    img[:, ::2] = 200  # stripes: area averages them, linear at exact centres does not
    mask = (img > 0).astype(np.uint8) * 3
    t = A.RandomResizedCrop((4, 4), scale=(1.0, 1.0), ratio=(1.0, 1.0), area_for_downscale="image")
    out = t(image=img, mask=mask)
    np.testing.assert_array_equal(out["image"], np.full((4, 4), 100))
    assert set(np.unique(out["mask"])) <= {0, 3}  # masks stay nearest with "image"
    t = A.RandomSizedCrop((8, 8), (4, 4), mask_interpolation=1, area_for_downscale="image_mask")
    out = t(image=img, mask=mask)
    np.testing.assert_array_equal(out["mask"], np.full((4, 4), 2))  # 1.5 rounds half to even


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: A.RandomResizedCrop((0, 4)), "size"),
        (lambda: A.RandomResizedCrop((4, 4), scale=(0.9, 0.1)), "scale"),
        (lambda: A.RandomResizedCrop((4, 4), ratio=(2.0, 1.0)), "ratio"),
        (lambda: A.RandomResizedCrop((4, 4), ratio=(0.0, 1.0)), "ratio"),
        (lambda: A.RandomResizedCrop((4, 4), interpolation=9), "interpolation"),
        (lambda: A.RandomResizedCrop((4, 4), area_for_downscale="mask"), "area_for_downscale"),
        (lambda: A.RandomSizedCrop((20, 10), (4, 4)), "min_max_height"),
        (lambda: A.RandomSizedCrop((0, 10), (4, 4)), "min_max_height"),
        (lambda: A.RandomSizedCrop((2, 10), (4, 4), w2h_ratio=0.1), "w2h_ratio"),
        (lambda: A.RandomSizedCrop((2, 10), (4, 4), mask_interpolation=-1), "mask_interpolation"),
    ],
)
def test_crop_resize_validation(make, name):
    with pytest.raises((ValueError, TypeError), match=name):
        make()


def test_random_sized_crop_larger_than_the_image_is_clamped_per_side():
    """albumentations 2.0.8 draws the height, takes ``int(height * w2h_ratio)`` as the width, then
    clamps each side to the image's (crops.functional.get_crop_coords): no error."""
    img = smooth(1, 10, 40)[0]
    t = recording(A.RandomSizedCrop((5, 12), (4, 4)))
    pipe = A.Compose([t], seed=0)
    sides = set()
    for _ in range(40):
        assert pipe(image=img)["image"].shape == (4, 4, 3)
        p = t.drawn[-1]
        ch, cw = p.y_max - p.y_min, p.x_max - p.x_min
        sides.add((ch, cw))
        assert 0 <= p.y_min and p.y_max <= 10 and 0 <= p.x_min and p.x_max <= 40
        assert ch == min(cw, 10)  # heights 11 and 12 are clamped to 10, their widths are not
    assert {(10, 11), (10, 12), (5, 5)} <= sides
    batch = A.Compose([A.RandomSizedCrop((5, 12), (4, 4))], seed=0).batch(images=smooth(6, 10, 40))
    assert batch["images"].shape == (6, 4, 4, 3)
    # w2h_ratio past the width: the width is clamped too
    t = recording(A.RandomSizedCrop((8, 8), (4, 4), w2h_ratio=3.0))
    A.Compose([t], seed=0)(image=ramp(10, 20))
    p = t.drawn[-1]
    assert (p.y_max - p.y_min, p.x_min, p.x_max) == (8, 0, 20)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_random_sized_crop_clamped_to_the_whole_image_matches_albumentations(dtype):
    alb = pytest.importorskip("albumentations")
    img = smooth(1, 10, 20)[0]
    img = img if dtype == np.uint8 else (img / 255).astype(np.float32)
    # both sides clamped: the crop is the whole image wherever it is drawn, so the output is fixed
    ours = A.RandomSizedCrop((12, 15), (7, 9), w2h_ratio=2.0)(image=img)["image"]
    theirs = alb.RandomSizedCrop((12, 15), (7, 9), w2h_ratio=2.0)(image=img)["image"]
    np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64), atol=1e-5)


# ------------------------------------------------------------------------------------------------
# dtypes, channels, layouts
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 1, 3, 6])
@pytest.mark.parametrize(
    "make",
    [
        lambda: A.Crop(1, 2, 9, 7),
        lambda: A.CenterCrop(5, 6),
        lambda: A.RandomCrop(5, 6),
        lambda: A.RandomCrop(12, 14, pad_if_needed=True, pad_position="random"),
        lambda: A.RandomResizedCrop((7, 9)),
        lambda: A.RandomSizedCrop((4, 8), (7, 9)),
    ],
)
def test_dtypes_channels_layouts(dtype, channels, make):
    rng = np.random.default_rng(0)
    shape = (10, 12) if channels is None else (10, 12, channels)
    if dtype == np.float32:
        img = rng.random(shape, dtype=np.float32)
    else:
        img = rng.integers(0, np.iinfo(dtype).max, shape).astype(dtype)
    pipe = A.Compose([make()], seed=0)
    out = pipe(image=img)["image"]
    assert out.dtype == dtype and out.ndim == img.ndim
    assert out.shape[2:] == img.shape[2:]
    batch = np.stack([img] * 3)
    outb = pipe.batch(images=batch)["images"]
    assert outb.dtype == dtype and outb.shape[0] == 3 and outb.shape[3:] == batch.shape[3:]
    assert outb.shape[1:3] == out.shape[:2]


def test_input_not_modified_and_repr():
    img = ramp(8, 8, 3)
    before = img.copy()
    A.Compose([A.RandomCrop(4, 4), A.RandomResizedCrop((6, 6))], seed=0)(image=img)
    np.testing.assert_array_equal(img, before)
    t = A.RandomResizedCrop((6, 6), scale=(0.5, 1.0))
    assert "scale=(0.5, 1.0)" in repr(t) and t.init_args()["size"] == (6, 6)
    assert A.Crop(1, 2, 3, 4).init_args()["x_max"] == 3


# ------------------------------------------------------------------------------------------------
# RandomCropFromBorders
# ------------------------------------------------------------------------------------------------
def test_random_crop_from_borders_is_a_slice_within_bounds():
    h, w = 20, 30
    img, mask = coords(1, h, w)[0], ramp(h, w).astype(np.int32)
    t = recording(A.RandomCropFromBorders(0.2, 0.3, 0.4, 0.1))
    pipe = A.Compose([t], seed=0)
    seen = set()
    for _ in range(50):
        out = pipe(image=img, mask=mask)
        p = t.drawn[-1]
        # x_min in 0..int(0.2 * 30) = 6, x_max in int(0.7 * 30) = 21..30 (both ends included)
        assert 0 <= p.x_min <= 6 and 21 <= p.x_max <= 30 and 0 <= p.y_min <= 8 and 18 <= p.y_max <= 20
        np.testing.assert_array_equal(out["image"], img[p.y_min : p.y_max, p.x_min : p.x_max])
        np.testing.assert_array_equal(out["mask"], mask[p.y_min : p.y_max, p.x_min : p.x_max])
        seen.update([("x0", p.x_min), ("x1", p.x_max)])
    assert ("x0", 0) in seen and ("x0", 6) in seen and ("x1", 21) in seen and ("x1", 30) in seen


def test_random_crop_from_borders_keeps_a_pixel_and_targets_follow():
    img = ramp(5, 6)
    for seed in range(20):  # crop everything allowed: at least one pixel remains
        out = A.Compose([A.RandomCropFromBorders(1.0, 0.0, 0.0, 1.0)], seed=seed)(image=img)["image"]
        assert out.shape[0] >= 1 and out.shape[1] >= 1
    h, w = 30, 40
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(8, 20, 3) for x in range(10, 30, 4)]
    pipe = A.Compose(
        [A.RandomCropFromBorders(0.4, 0.4, 0.4, 0.4)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=1,
    )
    for _ in range(20):
        out = pipe(image=ramp(h, w, 3), mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        for x, y in out["keypoints"]:
            assert out["mask"][int(y), int(x)] == 1
        expected = mask_bbox(out["mask"])
        if expected is not None:
            np.testing.assert_allclose(out["bboxes"][0], expected, atol=1e-6)


def test_random_crop_from_borders_batch_shares_one_box(xp):
    n, h, w = 4, 16, 20
    batch = coords(n, h, w)
    out = A.Compose([A.RandomCropFromBorders(0.3, 0.3, 0.3, 0.3)], seed=2).batch(images=xp.asarray(batch))
    images = xp.to_numpy(out["images"])
    y, x = int(images[0, 0, 0, 0]), int(images[0, 0, 0, 1])
    hh, ww = images.shape[1:3]
    for k in range(n):
        np.testing.assert_array_equal(images[k], batch[k, y : y + hh, x : x + ww])
    with pytest.raises(ValueError, match="RandomCropFromBorders.*batch"):
        A.Compose([A.RandomCropFromBorders(0.3, 0.3, 0.3, 0.3, p=0.5)], seed=0).batch(images=batch)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"crop_left": 1.5}, "crop_left"),
        ({"crop_top": -0.1}, "crop_top"),
        ({"crop_bottom": float("nan")}, "crop_bottom"),
        ({"crop_right": True}, "crop_right"),
        ({"crop_left": 0.6, "crop_right": 0.5}, "crop_left, crop_right"),
        ({"crop_top": 0.6, "crop_bottom": 0.6}, "crop_top, crop_bottom"),
    ],
)
def test_random_crop_from_borders_validation(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        A.RandomCropFromBorders(**kwargs)


# ------------------------------------------------------------------------------------------------
# CropAndPad
# ------------------------------------------------------------------------------------------------
CROP_AND_PAD_CASES = [
    {"px": (3, -4, 5, -6), "keep_size": False},
    {"px": (3, -4, 5, -6)},
    {"px": (3, -4, 5, -6), "interpolation": 2, "border_mode": 2},
    {"percent": (0.1, -0.2, 0.05, -0.15)},
    {"percent": (0.1, -0.2, 0.05, -0.15), "keep_size": False, "border_mode": 4},
    {"px": -5, "border_mode": 1},
    {"px": 7, "fill": 9, "fill_mask": 3, "keep_size": False},
    {"px": (0, -1, 0, 1), "keep_size": False, "border_mode": 3},
    {"px": (4, 6, 2, 3)},  # one warp of the input (padded on every side)
    {"px": (-2, 6, 3, 3), "fill": 200},  # one warp: the result is larger on both axes
    {"px": (-6, 2, 3, 3)},  # cropped rows, upscaled: crop, pad and resize
]


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("kwargs", CROP_AND_PAD_CASES)
def test_crop_and_pad_matches_albumentations(kwargs, dtype):
    alb = pytest.importorskip("albumentations")
    img = random_image(dtype, 3, False, hw=(37, 53))
    mask = np.random.default_rng(1).integers(0, 5, (37, 53)).astype(np.uint8)
    ours = A.CropAndPad(**kwargs)(image=img, mask=mask)
    theirs = alb.CropAndPad(**kwargs)(image=img, mask=mask)
    assert ours["image"].shape == theirs["image"].shape
    np.testing.assert_allclose(ours["image"], theirs["image"], atol=1 if dtype == np.uint8 else 1e-5)
    if not kwargs.get("keep_size", True):  # no resize: the masks are exact too
        np.testing.assert_array_equal(ours["mask"], theirs["mask"])


def test_crop_and_pad_golden_and_targets():
    img = ramp(4, 5)
    # top +1 (pad), right -2 (crop), bottom 0, left -1 (crop)
    out = A.CropAndPad(px=(1, -2, 0, -1), keep_size=False, fill=99)(image=img)["image"]
    np.testing.assert_array_equal(out, [[99, 99], [1, 2], [6, 7], [11, 12], [16, 17]])
    h, w = 30, 40
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(8, 20, 3) for x in range(10, 30, 4)]
    for kwargs in [{"px": (-4, 6, 2, -8), "keep_size": False}, {"px": (-4, 10, 2, -8)}]:
        pipe = A.Compose(
            [A.CropAndPad(**kwargs)],
            bbox_params=A.BboxParams("pascal_voc"),
            keypoint_params=A.KeypointParams("xy"),
        )
        out = pipe(image=ramp(h, w, 3), mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        for x, y in out["keypoints"]:
            assert out["mask"][int(y), int(x)] == 1
        np.testing.assert_allclose(out["bboxes"][0], mask_bbox(out["mask"]), atol=1.0)


def test_crop_and_pad_sampling():
    t = A.CropAndPad(px=(-2, 3))
    rng = np.random.default_rng(0)
    sides = np.array([t._sides(rng, (50, 50), None) for _ in range(400)])
    assert set(np.unique(sides)) == {-2, -1, 0, 1, 2, 3}  # both ends included
    assert len({tuple(r) for r in sides}) > 50  # sides drawn independently
    t = A.CropAndPad(px=(-2, 3), sample_independently=False)
    assert all(len(set(t._sides(rng, (50, 50), None))) == 1 for _ in range(50))
    t = A.CropAndPad(px=(1, [4, 6, 8], (0, 2), -3))
    for _ in range(50):
        top, right, bottom, left = t._sides(rng, (50, 50), None)
        assert top == 1 and right in (4, 6, 8) and 0 <= bottom <= 2 and left == -3
    assert A.CropAndPad(percent=(0.1, -0.25, 0.0, 0.5))._sides(rng, (20, 30), None) == [2, -7, 0, 15]
    fills = {A.CropAndPad(px=1, fill=(0, 3)).sample(rng, (5, 5), None).fill for _ in range(100)}
    assert fills == {0, 1, 2, 3}  # an integer (low, high) fill draws integers, both ends included
    assert {A.CropAndPad(px=1, fill=[5, 9, 11]).sample(rng, (5, 5), None).fill for _ in range(100)} == {
        5,
        9,
        11,
    }


def test_crop_and_pad_keeps_at_least_one_pixel():
    # crops past the image are reduced to leave one pixel, split between the two sides
    p = A.CropAndPad(px=(-6, 0, -6, -30), keep_size=False).sample(np.random.default_rng(0), (10, 20), None)
    assert (p.y_min, p.y_max, p.x_min, p.x_max) == (4, 5, 19, 20)
    out = A.CropAndPad(px=-12, keep_size=False)(image=ramp(10, 20))["image"]
    assert out.shape == (1, 1)


def test_crop_and_pad_batch_matches_single(xp):
    n, h, w = 6, 24, 28
    batch = smooth(n, h, w)
    masks = np.broadcast_to(ramp(h, w).astype(np.int32), (n, h, w))
    t = recording(A.CropAndPad(px=(-5, 5), border_mode=0, fill=(0, 255), fill_mask=[1, 3, 5]))
    out = A.Compose([t], seed=4).batch(images=xp.asarray(batch), masks=xp.asarray(masks))
    images, outm = xp.to_numpy(out["images"]), xp.to_numpy(out["masks"])
    assert images.shape == batch.shape
    p = t.drawn[-1]
    assert np.ndim(p.x_min) == 1  # per-sample amounts: the warp runs
    for k in range(n):
        pk = type(p)(*(np.broadcast_to(getattr(p, f), (n,))[k].item() for f in p.__dataclass_fields__))
        geo = Geometry(t, pk, (h, w), (h, w), None, None)
        single, single_mask = (
            t.apply_image(batch[k], pk, geo),
            t.apply_mask(masks[k][..., None], pk, geo)[..., 0],
        )
        # the warp reads the real pixels past the crop's edges where the resize replicates the edge
        inner = (slice(2, -2), slice(2, -2))
        assert np.abs(images[k][inner].astype(int) - single[inner].astype(int)).max() <= 1
        assert np.mean(outm[k] != single_mask) < 0.1


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({}, "px, percent", ValueError),
        ({"px": 1, "percent": 0.1}, "px, percent", ValueError),
        ({"px": 1.5}, "px", TypeError),
        ({"px": (1, 2, 3)}, "px", ValueError),
        ({"px": (1, 2, (3, 1), 4)}, r"px\[2\]", ValueError),
        ({"percent": float("nan")}, "percent", ValueError),
        ({"px": 1, "keep_size": "yes"}, "keep_size", TypeError),
        ({"px": 1, "sample_independently": 1}, "sample_independently", TypeError),
        ({"px": 1, "fill": float("nan")}, "fill", ValueError),
        ({"px": 1, "border_mode": 7}, "border_mode", ValueError),
        ({"px": 1, "interpolation": 9}, "interpolation", ValueError),
    ],
)
def test_crop_and_pad_validation(kwargs, name, error):
    with pytest.raises(error, match=name):
        A.CropAndPad(**kwargs)


def test_crop_and_pad_drawn_fill_is_not_fused_as_per_channel():
    # a (low, high) fill is one drawn value for every channel, also inside a fused pipeline
    img = np.full((10, 12, 3), 50, np.uint8)
    steps = [
        A.CropAndPad(px=3, fill=(0, 255), keep_size=False),
        A.CropAndPad(px=-1, fill=(0, 255), keep_size=False),
    ]
    for fuse in (True, False):
        out = A.Compose(steps, seed=1, fuse_affine=fuse)(image=img)["image"]
        assert out.shape == (14, 16, 3) and len(set(out[0, 0].tolist())) == 1
        np.testing.assert_array_equal(out[2:-2, 2:-2], img)
