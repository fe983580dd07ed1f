"""Spectrogram: TimeMasking / FrequencyMasking (0 or 1 stripe of ``0 .. param`` pixels, as albumentations
2.0.8 draws them; albumentations' ``apply`` on the same holes; masks, boxes and keypoints; argument
checks; albumentations files load) and TimeReverse (albumentations' HorizontalFlip on every target).
The kernels are the dropout and flips families' (their golden and parity tests cover them)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import xalbu as A
from xalbu.transforms._holes import HolesParams


def _albu():
    import albumentations as albu

    return albu


def _quiet(factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # albumentations warns that these are aliases
        return factory()


@pytest.mark.parametrize(("cls", "axis"), [(A.TimeMasking, 0), (A.FrequencyMasking, 1)])
def test_stripe_draws(cls, axis):
    t = cls(5)
    rng = np.random.default_rng(0)
    lengths, counts = [], []
    for _ in range(400):
        holes = t.holes(rng, (20, 30))
        assert holes.shape[0] <= 1
        if not len(holes):
            lengths.append(0)
            counts.append(False)
            continue
        x0, y0, x1, y1 = holes[0]
        if axis == 0:
            assert y0 == 0 and y1 == 20 and 0 <= x0 <= x1 <= 30
            lengths.append(x1 - x0)
        else:
            assert x0 == 0 and x1 == 30 and 0 <= y0 <= y1 <= 20
            lengths.append(y1 - y0)
        counts.append(True)
    assert set(lengths) == set(range(6))  # 0 .. param, and no stripe at all about half the time
    assert 0.3 < np.mean(counts) < 0.7
    batch = t.batch_holes(rng, (20, 30), 300)
    assert batch.shape == (300, 1, 4)
    size = batch[:, 0, 2 + axis] - batch[:, 0, axis]
    assert size.min() == 0 and size.max() == 5


@pytest.mark.parametrize(
    ("name", "param"), [("TimeMasking", "time_mask_param"), ("FrequencyMasking", "freq_mask_param")]
)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_masking_applies_like_albumentations_on_the_same_holes(name, param, dtype):
    albu = _albu()
    img = np.arange(20 * 30 * 3).reshape(20, 30, 3) % 251
    img = (img / 250).astype(np.float32) if dtype == "float32" else img.astype(np.uint8)
    mask = np.ones((20, 30), np.uint8)
    kps = np.array([[4.5, 3.5], [12.5, 15.5]])
    ours = getattr(A, name)(**{param: 6}, p=1)
    theirs = _quiet(lambda: getattr(albu, name)(**{param: 6}, p=1))
    rng = np.random.default_rng(3)
    for _ in range(5):
        holes = ours.holes(rng, (20, 30))
        hp = HolesParams(holes, 0)
        got = ours.apply_image(img, hp, None)
        np.testing.assert_array_equal(got, theirs.apply(img, holes=holes, seed=0))
        np.testing.assert_array_equal(
            ours.apply_mask(mask[..., None], hp, None)[..., 0],
            theirs.apply_to_mask(mask, holes=holes, seed=0),
        )
    # keypoints in the stripe go (remove_invisible), the others stay
    pipe = A.Compose(
        [getattr(A, name)(**{param: 6}, p=1)], keypoint_params=A.KeypointParams(format="xy"), seed=1
    )
    for _ in range(5):
        out = pipe(image=img, mask=mask, keypoints=kps)
        hole = out["mask"] == 0
        kept = {tuple(k) for k in np.asarray(out["keypoints"]).reshape(-1, 2).tolist()}
        for x, y in kps.tolist():
            assert ((x, y) in kept) == (not hole[int(y), int(x)])


def test_masking_fills_masks_and_drops_covered_boxes():
    pipe = A.Compose(
        [A.TimeMasking(time_mask_param=10, p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=0,
    )
    img, mask = np.full((8, 10, 3), 9, np.uint8), np.ones((8, 10), np.uint8)
    seen_full = False
    for _ in range(30):
        out = pipe(image=img, mask=mask, bboxes=[[0, 0, 10, 8], [2, 2, 4, 4]], labels=[1, 2])
        cols = (out["image"] == 0).all(axis=(0, 2))
        np.testing.assert_array_equal(out["mask"] == 0, np.broadcast_to(cols, (8, 10)))
        if cols.all():
            seen_full = True
            assert out["labels"] == []  # every box covered
        if not cols.any():
            assert out["labels"] == [1, 2]
    assert seen_full


def test_too_long_a_stripe_is_refused_when_it_runs():
    with pytest.raises(ValueError, match="time_mask_param"):
        A.TimeMasking(time_mask_param=40, p=1)(image=np.zeros((20, 30), np.uint8))
    with pytest.raises(ValueError, match="freq_mask_param"):
        A.FrequencyMasking(freq_mask_param=30, p=1)(image=np.zeros((20, 30), np.uint8))


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: A.TimeMasking(time_mask_param=0), "time_mask_param"),
        (lambda: A.TimeMasking(time_mask_param=True), "time_mask_param"),
        (lambda: A.TimeMasking(time_mask_param=2.5), "time_mask_param"),
        (lambda: A.FrequencyMasking(freq_mask_param=-3), "freq_mask_param"),
        (lambda: A.TimeReverse(p=2), "p"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((TypeError, ValueError), match=match):
        factory()


@pytest.mark.parametrize("name", ["TimeMasking", "FrequencyMasking", "TimeReverse"])
def test_albumentations_dicts_load(name):
    albu = _albu()
    d = _quiet(lambda: albu.to_dict(getattr(albu, name)(p=0.3)))
    t = A.from_dict(d)
    assert type(t) is getattr(A, name) and t.p == 0.3
    if name == "TimeMasking":
        assert t.time_mask_param == 40
    d["transform"]["fill"] = 5  # a fill these classes cannot have
    if name != "TimeReverse":
        with pytest.raises(ValueError, match="fill"):
            A.from_dict(d)


def test_time_reverse_is_albumentations_horizontal_flip():
    albu = _albu()
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (7, 9, 3), dtype=np.uint8)
    mask = rng.integers(0, 3, (7, 9), dtype=np.uint8)
    kw = {
        "bbox_params": {"format": "pascal_voc", "label_fields": ["labels"]},
        "keypoint_params": {"format": "xy", "label_fields": ["kl"]},
    }
    data = {
        "image": img,
        "mask": mask,
        "bboxes": [[1, 2, 4.5, 6]],
        "labels": [3],
        "keypoints": [[2.5, 3]],
        "kl": [0],
    }
    ours = A.Compose(
        [A.TimeReverse(p=1)],
        bbox_params=A.BboxParams(**kw["bbox_params"]),
        keypoint_params=A.KeypointParams(**kw["keypoint_params"]),
    )(**data)
    theirs = _quiet(
        lambda: albu.Compose(
            [albu.TimeReverse(p=1)],
            bbox_params=albu.BboxParams(**kw["bbox_params"]),
            keypoint_params=albu.KeypointParams(**kw["keypoint_params"]),
        )
    )(**data)
    np.testing.assert_array_equal(ours["image"], theirs["image"])
    np.testing.assert_array_equal(ours["mask"], theirs["mask"])
    np.testing.assert_allclose(np.asarray(ours["bboxes"], float), np.asarray(theirs["bboxes"], float))
    np.testing.assert_allclose(
        np.asarray(ours["keypoints"], float)[:, :2] - [1, 0], np.asarray(theirs["keypoints"], float)[:, :2]
    )  # keypoints: x -> W - x, albumentations W - 1 - x (docs/differences.md, as HorizontalFlip)
    batch = np.stack([img, img[::-1].copy()])
    out = A.Compose([A.TimeReverse(p=1)]).batch(images=batch)["images"]
    np.testing.assert_array_equal(out, batch[:, :, ::-1])


def test_time_reverse_direct_calls_match_the_general_path():
    """``TimeReverse(...)(image=img)`` (a short path) gates and flips as a call with more targets."""
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    mask = np.zeros((6, 8), np.uint8)
    fast, general = A.TimeReverse(p=0.5), A.TimeReverse(p=0.5)
    fast.set_random_seed(4)
    general.set_random_seed(4)
    flipped = []
    for _ in range(16):
        a, b = fast(image=img)["image"], general(image=img, mask=mask)["image"]
        np.testing.assert_array_equal(a, b)
        flipped.append(not np.array_equal(a, img))
    assert 0 < sum(flipped) < 16
    np.testing.assert_array_equal(A.TimeReverse(p=0)(image=img, force_apply=True)["image"], img[:, ::-1])
    for other in (img[..., 0], img.astype(np.float32) / 255):  # (H, W) and float32 images
        np.testing.assert_array_equal(A.TimeReverse(p=1)(image=other)["image"], other[:, ::-1])

    class _Twice(A.TimeReverse):
        def apply_image(self, img, params, geo):
            return img * 2

    np.testing.assert_array_equal(_Twice(p=1)(image=img)["image"], img * 2)


def test_time_reverse_in_a_pipeline_matches_the_general_path():
    """Images, masks and volumes alone take a short path; with boxes the geometry's: the same pixels."""
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    mask = rng.integers(0, 3, (6, 8), dtype=np.uint8)
    vol = rng.integers(0, 256, (3, 6, 8), dtype=np.uint8)
    bbox = A.BboxParams(format="pascal_voc", label_fields=["labels"])
    for p in (1.0, 0.5):
        short = A.Compose([A.TimeReverse(p=p)], seed=7)
        general = A.Compose([A.TimeReverse(p=p)], bbox_params=bbox, seed=7)
        for _ in range(6):
            a = short(image=img, mask=mask)
            b = general(image=img, mask=mask, bboxes=[[1, 1, 3, 3]], labels=[0])
            np.testing.assert_array_equal(a["image"], b["image"])
            np.testing.assert_array_equal(a["mask"], b["mask"])
    out = A.Compose([A.TimeReverse(p=1)])(volume=vol, mask3d=vol)
    np.testing.assert_array_equal(out["volume"], vol[:, :, ::-1])
    np.testing.assert_array_equal(out["mask3d"], vol[:, :, ::-1])
    batch = np.stack([img, img + 1])
    got = A.Compose([A.TimeReverse(p=0.5)], seed=3).batch(images=batch)["images"]
    assert all(np.array_equal(g, b) or np.array_equal(g, b[:, ::-1]) for g, b in zip(got, batch, strict=True))
