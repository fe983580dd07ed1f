"""Dropout tests kept apart from ``test_dropout.py`` (imported there, so they run as its tests): the
``inpaint`` kernel (generic harmonic fill: golden values on every backend; the NumPy/OpenCV override
is ``cv2.inpaint``, exact against albumentations 2.0.8 on the same holes) and the inpainting fills of
the transforms."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.functional import dropout as P
from xalbu.transforms import _holes as H

FLAGS = {"inpaint_telea": cv2.INPAINT_TELEA, "inpaint_ns": cv2.INPAINT_NS}


def _noise(dtype: str, hwc=(16, 20, 3), seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "float32":
        return rng.random(hwc, dtype=np.float32)
    return rng.integers(0, 256 if dtype == "uint8" else 65536, hwc).astype(dtype)


def _drop(hw=(16, 20)) -> np.ndarray:
    return H.hole_map(np.array([[2, 3, 7, 9], [5, 6, 12, 10], [15, 0, 20, 4]]), hw)


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(P.inpaint)
def test_inpaint_generic_golden(xp):
    """Ramps are continued exactly (holes inside the image), constants stay; values stay between those around the region;
    pixels outside are unchanged; a batch fills each sample from its own map."""
    ramp = np.broadcast_to((np.arange(20, dtype=np.uint8) * 12)[None, :, None], (16, 20, 2)).copy()
    inner = H.hole_map(np.array([[2, 3, 7, 9], [5, 6, 12, 10]]), (16, 20))  # away from the edges
    out = xp.to_numpy(P.inpaint.generic(xp.asarray(ramp), inner, "inpaint_telea"))
    np.testing.assert_array_equal(out, ramp)
    drop = _drop()
    flat = np.full((16, 20, 1), 0.25, np.float32)
    np.testing.assert_array_equal(xp.to_numpy(P.inpaint.generic(xp.asarray(flat), drop, "inpaint_ns")), flat)
    img = _noise("uint8")
    out = xp.to_numpy(P.inpaint.generic(xp.asarray(img), drop))
    np.testing.assert_array_equal(out[~drop], img[~drop])
    ring = cv2.dilate(drop.view(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~drop
    for c in range(3):
        assert (
            img[..., c][ring].min()
            <= out[..., c][drop].min()
            <= out[..., c][drop].max()
            <= img[..., c][ring].max()
        )
    # a small hole in a smooth image: close to its neighbours (no ringing)
    y, x = np.mgrid[0:16, 0:20]
    smooth = (100 + 3 * x + 2 * y + 0.2 * x * y).astype(np.uint8)[..., None]
    hole = H.hole_map(np.array([[8, 5, 12, 9]]), (16, 20))
    got = xp.to_numpy(P.inpaint.generic(xp.asarray(smooth), hole))
    assert np.abs(got.astype(int) - smooth).max() <= 2
    batch = np.stack([img, img[::-1].copy()])
    maps = np.stack([drop, np.zeros_like(drop)])
    got = xp.to_numpy(P.inpaint.generic(xp.asarray(batch), maps))
    np.testing.assert_array_equal(got[0], out)
    np.testing.assert_array_equal(got[1], batch[1])


# ------------------------------------------------------------------------------------------ parity
@pytest.mark.parity.with_args("numpy_cv2", P.inpaint)
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("method", P.INPAINT_METHODS)
def test_inpaint_numpy_override_against_the_generic_fill(dtype, method):
    """Two algorithms (OpenCV's marching methods, the generic harmonic fill): equal outside the
    region; inside, on a smooth image, within 5 % of the range (uint8: 12 levels: Telea with radius 3
    strays that far from a linear ramp, the generic fill continues it within 2 %)."""
    y, x = np.mgrid[0:16, 0:20].astype(np.float64)
    unit = (0.2 + 0.02 * x + 0.015 * y)[..., None] * np.array([1.0, 0.8, 0.6])
    scale = {"uint8": 255, "uint16": 65535, "float32": 1}[dtype]
    img = (unit * scale).round().astype(dtype) if dtype != "float32" else unit.astype(np.float32)
    drop = _drop()
    got, ref = P.inpaint(img, drop, method), P.inpaint.generic(img, drop, method)
    np.testing.assert_array_equal(got[~drop], img[~drop])
    assert np.abs(got.astype(np.float64) - ref).max() <= 0.05 * scale
    batch = np.stack([img, img[::-1].copy()])
    maps = np.stack([drop, drop[::-1].copy()])
    for s, one in enumerate(P.inpaint(batch, maps, method)):  # batch == single per sample
        np.testing.assert_array_equal(one, P.inpaint(batch[s], maps[s], method))


# ------------------------------------------------------------------------------- albumentations parity
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("method", P.INPAINT_METHODS)
def test_inpaint_matches_albumentations_on_the_same_holes(dtype, channels, method):
    from albumentations.augmentations.dropout import functional as AF

    img = _noise(dtype, (16, 20, channels))
    holes = np.array([[2, 3, 7, 9], [5, 6, 12, 10], [15, 0, 20, 4]])
    theirs = AF.cutout(img, holes, method, np.random.default_rng(0)).reshape(img.shape)
    ours = A.CoarseDropout(fill=method, p=1).apply_image(img, H.HolesParams(holes, 0), None)
    drop = H.hole_map(holes, (16, 20))
    np.testing.assert_array_equal(ours[drop], theirs[drop])
    if dtype == "uint8":
        np.testing.assert_array_equal(ours, theirs)
    else:  # albumentations returns the whole image through uint8; xalbu changes only the holes
        np.testing.assert_array_equal(ours[~drop], img[~drop])


def test_inpaint_windows_give_what_the_whole_image_gives():
    """The override inpaints a window around each group of regions: the same values as one
    ``cv2.inpaint`` over the whole image, whatever the radius."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        h, w = rng.integers(20, 90, 2)
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        m = np.zeros((h, w), np.uint8)
        for _ in range(rng.integers(1, 6)):
            y, x = rng.integers(0, h - 2), rng.integers(0, w - 2)
            m[y : y + rng.integers(1, 12), x : x + rng.integers(1, 12)] = 1
        r = int(rng.integers(0, 4))
        for method, flag in FLAGS.items():
            np.testing.assert_array_equal(
                P.inpaint(img, m.astype(bool), method, r), cv2.inpaint(img, m, r, flag)
            )


def test_inpaint_more_channels_goes_three_at_a_time():
    img = _noise("uint8", (16, 20, 5))
    drop = _drop()
    got = P.inpaint(img, drop, "inpaint_telea")
    first = cv2.inpaint(np.ascontiguousarray(img[..., :3]), drop.view(np.uint8), 3, cv2.INPAINT_TELEA)
    np.testing.assert_array_equal(got[..., :3], first)
    for c in (3, 4):
        one = cv2.inpaint(np.ascontiguousarray(img[..., c]), drop.view(np.uint8), 3, cv2.INPAINT_TELEA)
        np.testing.assert_array_equal(got[..., c], one)


# ------------------------------------------------------------------------------------------ transforms
@pytest.mark.parametrize("method", P.INPAINT_METHODS)
def test_hole_transforms_inpaint_holes_and_fill_masks(method):
    img = _noise("uint8", (24, 30, 3), 4)
    mask = np.ones((24, 30), np.uint8)
    pipe = A.Compose([A.CoarseDropout((2, 3), (4, 8), (4, 8), fill=method, fill_mask=0, p=1)], seed=5)
    for _ in range(3):
        out = pipe(image=img, mask=mask)
        drop = out["mask"] == 0
        assert drop.any()
        np.testing.assert_array_equal(out["image"][~drop], img[~drop])
        expected = cv2.inpaint(img, drop.view(np.uint8), 3, FLAGS[method])
        np.testing.assert_array_equal(out["image"], expected)
    batch = A.Compose([A.GridDropout(fill=method, fill_mask=0, p=1)], seed=1).batch(
        images=np.stack([img, img]), masks=np.stack([mask, mask])
    )
    for s in range(2):
        drop = batch["masks"][s] == 0
        np.testing.assert_array_equal(
            batch["images"][s], cv2.inpaint(img, drop.view(np.uint8), 3, FLAGS[method])
        )


def test_difference_mask_dropout_inpaints():
    """albumentations 2.0.8's MaskDropout passes the method's name to ``cv2.inpaint`` as its flag and
    fails; xalbu runs the inpainting that code means (radius ``min(3, max(w, h) // 2)`` of the
    dropped pixels' bounding box)."""
    import albumentations as albu

    img = _noise("uint8", (20, 20, 3), 2)
    mask = np.zeros((20, 20), np.uint8)
    mask[4:9, 6:16] = 1
    with pytest.raises(Exception, match="flags"):
        albu.MaskDropout(fill="inpaint_telea", p=1)(image=img, mask=mask)
    out = A.MaskDropout(fill="inpaint_telea", p=1)(image=img, mask=mask)
    expected = cv2.inpaint(img, mask, 3, cv2.INPAINT_TELEA)
    np.testing.assert_array_equal(out["image"], expected)
    np.testing.assert_array_equal(out["mask"], 0)
    small = np.zeros((20, 20), np.uint8)
    small[3:5, 3:6] = 1  # 3 x 2 pixels: radius 1
    assert H.inpaint_radius(small.astype(bool)) == 1
    out = A.MaskDropout(fill="inpaint_ns", p=1)(image=img, mask=small)["image"]
    np.testing.assert_array_equal(out, cv2.inpaint(img, small, 1, cv2.INPAINT_NS))
    np.testing.assert_array_equal(H.inpaint_radius(np.stack([small, mask]).astype(bool)), [1, 3])


def test_inpaint_fill_names_are_checked():
    with pytest.raises(ValueError, match="fill"):
        A.CoarseDropout(fill="inpaint")
    with pytest.raises(ValueError, match="method"):
        P.inpaint(np.zeros((2, 2, 1), np.uint8), np.ones((2, 2), bool), "telea")


# ------------------------------------------------------------------------------------------ GridMask
def test_grid_lines_golden():
    from xalbu.transforms._dropout_more import grid_lines

    got = grid_lines((10, 12), 4, 2, (1, 3))
    expected = [[1, 0, 3, 10], [5, 0, 7, 10], [9, 0, 11, 10], [0, 3, 12, 5], [0, 7, 12, 9]]
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(grid_lines((5, 6), 4, 3, (3, 0))[0], [3, 0, 6, 5])  # cut at the edge


def test_grid_mask_draws_follow_the_rules():
    t = A.GridMask(num_grid_range=(3, 5), line_width_range=(0.2, 0.5))
    rng = np.random.default_rng(0)
    h, w = 40, 60
    for holes in [t.holes(rng, (h, w)) for _ in range(20)] + list(t.batch_holes(rng, (h, w), 20)):
        real = holes[(holes[:, 2] > holes[:, 0]) & (holes[:, 3] > holes[:, 1])]
        cols = real[(real[:, 1] == 0) & (real[:, 3] == h)]
        rows = real[(real[:, 0] == 0) & (real[:, 2] == w)]
        assert len(cols) + len(rows) == len(real) and len(holes) <= t.max_holes((h, w))
        step = np.diff(cols[:, 0])
        assert len(set(step.tolist())) == 1 and step[0] in (8, 10, 13)  # cell = 40 // g
        assert np.diff(rows[:, 1]).tolist() == [step[0]] * (len(rows) - 1)
        width = cols[0, 2] - cols[0, 0]
        assert max(1, int(step[0] * 0.2)) <= width <= int(step[0] * 0.5) and cols[0, 0] < step[0]


def test_rotated_grid_mask_covers_the_lattice_share():
    from xalbu.transforms._dropout_more import _runs_to_rects, rotated_grid_lines

    for angle in (0.3, -1.0, 2.0):
        holes = rotated_grid_lines((90, 120), 10, 3, 4, angle)
        drop = H.hole_map(holes, (90, 120))
        assert abs(drop.mean() - (1 - 0.7**2)) < 0.05  # lines of 3 in cells of 10, both ways
        np.testing.assert_array_equal(H.hole_map(_runs_to_rects(drop), (90, 120)), drop)
    t = A.GridMask(num_grid_range=(3, 3), rotation_range=(0.2, 0.6), fill_mask=0, p=1)
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy"), seed=0)
    img = np.full((30, 40, 3), 9, np.uint8)
    kps = [(x + 0.5, y + 0.5) for y in range(0, 30, 3) for x in range(0, 40, 3)]
    out = pipe(image=img, mask=np.ones((30, 40), np.uint8), keypoints=kps)
    drop = out["mask"] == 0
    np.testing.assert_array_equal((out["image"] == 0).all(axis=-1), drop)
    kept = {tuple(k) for k in np.asarray(out["keypoints"]).tolist()}
    assert kept == {k for k in kps if not drop[int(k[1]), int(k[0])]}
    batch = A.Compose([t], seed=0).batch(images=np.stack([img, img]))["images"]
    assert ((batch == 0).mean(axis=(1, 2, 3)) > 0.2).all()


def test_grid_mask_bad_arguments():
    for kw, match in [
        ({"num_grid_range": (1, 3)}, "num_grid_range"),
        ({"line_width_range": (0.0, 0.5)}, "line_width_range"),
        ({"line_width_range": (0.5, 1.5)}, "line_width_range"),
        ({"rotation_range": (0.0, float("nan"))}, "rotation_range"),
        ({"fill": "inpaint"}, "fill"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            A.GridMask(**kw)


# ------------------------------------------------------------------------------- GuidedCoarseDropout
def _guided_pipe(t, seed=0):
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=seed,
    )


def test_guided_dropout_stays_in_the_region_and_spares_protected_boxes():
    h, w = 40, 50
    img = np.full((h, w, 3), 9, np.uint8)
    region = np.zeros((h, w), np.uint8)
    region[10:30] = 1
    boxes, labels = [[5, 12, 20, 28], [30, 14, 45, 26]], ["person", "car"]
    kps = [(x + 0.5, y + 0.5) for y in range(0, h, 2) for x in range(0, w, 2)]
    t = A.GuidedCoarseDropout(
        protected_bbox_labels=["person"],
        protection_margin=0.1,
        num_holes_range=(3, 6),
        hole_height_range=(0.2, 0.4),
        hole_width_range=(0.2, 0.4),
        fill=0,
        fill_mask=0,
        p=1,
    )
    pipe = _guided_pipe(t)
    seen = 0
    for _ in range(10):
        out = pipe(
            image=img,
            mask=np.ones((h, w), np.uint8),
            dropout_region=region,
            bboxes=boxes,
            labels=labels,
            keypoints=kps,
        )
        drop = out["mask"] == 0
        np.testing.assert_array_equal((out["image"] == 0).all(axis=-1), drop)
        assert not drop[:10].any() and not drop[30:].any()
        assert not drop[12 - 2 : 28 + 2, 5 - 2 : 20 + 2].any()  # the person and its margin (1.5, 1.6 px)
        kept = {tuple(k) for k in np.asarray(out["keypoints"]).tolist()}
        assert kept == {k for k in kps if not drop[int(k[1]), int(k[0])]}
        assert "person" in out["labels"]
        seen += drop.sum()
    assert seen > 0


def test_guided_dropout_batch_equals_single_per_sample():
    h, w = 24, 30
    imgs = np.stack([np.arange(h * w * 3).reshape(h, w, 3) % 200 + s for s in range(3)]).astype(np.uint8)
    region = np.zeros((3, h, w), np.uint8)
    region[0, :12] = 1
    region[1, :, 15:] = 1
    t = A.GuidedCoarseDropout(num_holes_range=(1, 3), fill="random", p=1)
    out = A.Compose([t], seed=4).batch(images=imgs, dropout_region=region)["images"]
    assert (out[2] == imgs[2]).all() and not (out[0, 12:] != imgs[0, 12:]).any()
    assert not (out[1, :, :15] != imgs[1, :, :15]).any()
    from xalbu.core.state import State

    state = State((h, w), 3)
    state.extra = {"dropout_region": region}
    params = t.sample_data(np.random.default_rng(1), state)
    batch = t.apply_image(imgs, params, None)
    for s in range(3):
        one = type(params)(params.drop[s], params.holes[s], int(params.seed[s]))
        np.testing.assert_array_equal(batch[s], t.apply_image(imgs[s], one, None))


def test_guided_dropout_without_or_with_a_bad_region():
    img = np.full((8, 8), 3, np.uint8)
    t = A.GuidedCoarseDropout(p=1)
    with pytest.warns(UserWarning, match="dropout_region"):
        np.testing.assert_array_equal(t(image=img)["image"], img)
    with pytest.raises(ValueError, match="dropout_region"):
        t(image=img, dropout_region=np.full((8, 8), 2))
    with pytest.warns(UserWarning, match="stretched"):
        out = A.GuidedCoarseDropout(hole_height_range=(1, 1), hole_width_range=(1, 1), p=1)(
            image=img, dropout_region=np.ones((4, 4), np.uint8)
        )["image"]
    assert (out == 0).any()
    for kw, match in [
        ({"region_key": 3}, "region_key"),
        ({"protection_margin": -1}, "protection_margin"),
        ({"protected_bbox_labels": "person"}, "protected_bbox_labels"),
        ({"num_holes_range": (0, 2)}, "num_holes_range"),
        ({"hole_width_range": (0.1, 1.5)}, "hole_width_range"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            A.GuidedCoarseDropout(**kw)


# ------------------------------------------------------------------- RandomCropFromBorders (session 7)
class _BordersByGeometry(A.RandomCropFromBorders):
    """A subclass: RandomCropFromBorders' own fast ``_apply`` is for the class itself only, so this
    one takes the affine base class's path (Geometry, exact kernels) that the fast path replaces."""


def test_random_crop_from_borders_fast_path_matches_the_affine_path():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (23, 31, 3)).astype(np.uint8)
    mask = rng.integers(0, 4, (23, 31)).astype(np.uint8)
    batch = rng.integers(0, 256, (3, 23, 31, 2)).astype(np.uint8)
    args = (0.3, 0.2, 0.1, 0.45)
    for seed in range(6):
        fast = A.Compose([A.RandomCropFromBorders(*args)], seed=seed)
        slow = A.Compose([_BordersByGeometry(*args)], seed=seed)
        a, b = fast(image=img, mask=mask), slow(image=img, mask=mask)
        for key in ("image", "mask"):
            np.testing.assert_array_equal(a[key], b[key])
            assert a[key].flags.c_contiguous and not np.shares_memory(a[key], img if key == "image" else mask)
        np.testing.assert_array_equal(fast.batch(images=batch)["images"], slow.batch(images=batch)["images"])
        t = A.RandomCropFromBorders(*args)
        t.set_random_seed(seed)
        u = _BordersByGeometry(*args)
        u.set_random_seed(seed)
        np.testing.assert_array_equal(t(image=img)["image"], u(image=img)["image"])


# ------------------------------------------------------------------ fill="grayscale" (AlbumentationsX)
@pytest.mark.golden.with_args(P.gray_where)
def test_gray_where_golden(xp):
    img = np.array([[[10, 20, 31], [1, 2, 3], [255, 255, 254]]], np.uint8)
    drop = np.array([[True, False, True]])
    out = xp.to_numpy(P.gray_where(xp.asarray(img), drop))
    np.testing.assert_array_equal(out, [[[20, 20, 20], [1, 2, 3], [254, 254, 254]]])  # 61/3, 764/3 truncated
    f = np.array([[[0.1, 0.2, 0.4], [0.5, 0.5, 1.0]]], np.float32)
    out = xp.to_numpy(P.gray_where(xp.asarray(f), np.array([[False, True]])))
    np.testing.assert_array_equal(out[0, 0], f[0, 0])
    np.testing.assert_allclose(out[0, 1], [2 / 3] * 3, rtol=1e-7)
    batch = np.stack([img, img[:, ::-1]])[..., :2].astype(np.uint16) * 257  # (2, 1, 3, 2)
    out = xp.to_numpy(
        P.gray_where(xp.asarray(batch), np.array([[[True, False, False]], [[False, False, True]]]))
    )
    np.testing.assert_array_equal(out[0, 0, 0], [3855, 3855])  # (10 + 20) * 257 / 2
    np.testing.assert_array_equal(out[1, 0, 2], [3855, 3855])
    np.testing.assert_array_equal(out[0, 0, 1:], batch[0, 0, 1:])
    one = np.arange(3, dtype=np.uint8).reshape(1, 3, 1)
    np.testing.assert_array_equal(xp.to_numpy(P.gray_where(xp.asarray(one), drop)), one)  # 1 channel: kept


def _axwx_gray(img: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """AlbumentationsX 2.5.1's grayscale fill (read, not run: it needs a newer albucore): the float64
    mean of the channels cast to the dtype (``astype``: truncation), written where dropped."""
    out = img.copy()
    gray = img.astype(np.float64).mean(axis=-1).astype(img.dtype)
    out[drop] = np.repeat(gray[..., None], img.shape[-1], axis=-1)[drop]
    return out


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_grid_mask_and_guided_grayscale_fill(dtype):
    rng = np.random.default_rng(3)
    img = rng.integers(1, 256, (30, 40, 3)).astype(np.uint8)
    img = img if dtype == "uint8" else (img / np.float32(255)).astype(np.float32)
    mask = rng.integers(0, 3, (30, 40)).astype(np.uint8)
    region = np.zeros((30, 40), np.uint8)
    region[5:25, 3:30] = 1
    for make in (
        lambda fill: A.GridMask(num_grid_range=(2, 5), rotation_range=(-0.3, 0.3), fill=fill, p=1),
        lambda fill: A.GuidedCoarseDropout(num_holes_range=(2, 4), fill=fill, p=1),
    ):
        for seed in range(4):
            gray = A.Compose([make("grayscale")], seed=seed)(image=img, mask=mask, dropout_region=region)
            # the same holes with a "random" fill (the same draws): the dropped pixels are those changed
            marked = A.Compose([make("random")], seed=seed)(image=img, mask=mask, dropout_region=region)
            drop = (marked["image"] != img).any(axis=-1)
            assert drop.any()
            np.testing.assert_array_equal(gray["image"], _axwx_gray(img, drop))
            np.testing.assert_array_equal(gray["mask"], mask)  # fill_mask is None
        one = A.Compose([make("grayscale")], seed=0)(image=img[..., :1], dropout_region=region)["image"]
        np.testing.assert_array_equal(one, img[..., :1])  # one channel: nothing to average
    for cls in (A.GridMask, A.GuidedCoarseDropout):
        with pytest.raises(ValueError, match="fill_mask"):
            cls(fill="grayscale", fill_mask=0)
        with pytest.raises(ValueError, match="fill"):
            cls(fill="greyscale")


def _borders_reference(t, rng, shape):
    """RandomCropFromBorders' draws as its docstring states them, from four uniforms."""
    h, w = shape
    u = rng.random(4).tolist()
    x_min = int(u[0] * (min(int(t.crop_left * w), w - 1) + 1))
    lo = max(x_min + 1, int((1 - t.crop_right) * w))
    y_min = int(u[2] * (min(int(t.crop_top * h), h - 1) + 1))
    lo_y = max(y_min + 1, int((1 - t.crop_bottom) * h))
    return (x_min, y_min, lo + int(u[1] * (w + 1 - lo)), lo_y + int(u[3] * (h + 1 - lo_y)))


def test_random_crop_from_borders_kept_bounds_give_the_stated_draws():
    for s in range(300):
        r = np.random.default_rng(s)
        left, right = r.dirichlet([1, 1, 1])[:2].tolist()
        top, bottom = r.dirichlet([1, 1, 1])[:2].tolist()
        t = A.RandomCropFromBorders(left, right, top, bottom)
        r1, r2 = np.random.default_rng(s), np.random.default_rng(s)
        for k in range(6):
            shape = (int(r.integers(1, 9)), int(r.integers(1, 9)))
            if k == 3:  # fractions changed after calls: the kept bounds follow
                t.crop_left, t.crop_bottom = right, top
            p = t.sample(r1, shape, None)
            assert (p.x_min, p.y_min, p.x_max, p.y_max) == _borders_reference(t, r2, shape)


def _axwx_rotated_grid(h, w, cell, width, offset, angle):
    """AlbumentationsX 2.5.1's rotated GridMask pattern, step by step as its source has it (read, not
    run): lines on a diag x diag square, turned with a float32 matrix (albucore's warp_affine), the
    centre window's zeros are the dropped pixels."""
    diag = int(np.sqrt(h**2 + w**2)) + cell * 2
    grid = np.ones((diag, diag), np.uint8)
    for pos in range(offset, diag, cell):
        grid[pos : pos + width, :] = 0
        grid[:, pos : pos + width] = 0
    m = cv2.getRotationMatrix2D((diag // 2, diag // 2), np.degrees(angle), 1.0).astype(np.float32)
    turned = cv2.warpAffine(grid, m, (diag, diag), flags=cv2.INTER_LINEAR, borderValue=1)
    top, left = (diag - h) // 2, (diag - w) // 2
    return turned[top : top + h, left : left + w] == 0


def test_rotated_grid_mask_matches_albumentationsx_pattern():
    from xalbu.transforms._dropout_more import rotated_grid_lines

    for s in range(120):  # the float64 matrix differs from it in about 1 case in 200
        r = np.random.default_rng(s)
        h, w, cell = int(r.integers(20, 90)), int(r.integers(20, 90)), int(r.integers(2, 20))
        width, offset, angle = int(r.integers(1, cell + 1)), int(r.integers(0, cell)), float(r.uniform(-3, 3))
        got = H.hole_map(rotated_grid_lines((h, w), cell, width, offset, angle), (h, w))
        np.testing.assert_array_equal(got, _axwx_rotated_grid(h, w, cell, width, offset, angle))
