"""SafeRotate's tests (collected through ``test_affine.py``, which imports them: that file is at
its size limit). albumentations 2.0.8 warps the image about ``((W - 1) / 2, (H - 1) / 2)`` but then
recentres on ``(W / 2, H / 2)``, so its image (and keypoints) sit half a pixel off its boxes; xalbu
uses the boxes' matrix for every target, and the parity test compares with OpenCV warping by that
matrix (albumentations' own ``bbox_matrix``)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.core.affine import Geometry

from ._spatial import random_image, smooth_image


def _alb_box_warp(alb, img: np.ndarray, angle: float, interpolation: int) -> np.ndarray:
    """OpenCV warping ``img`` by albumentations' SafeRotate box matrix (in pixel-index coordinates)."""
    t = alb.SafeRotate(limit=(angle, angle), p=1)
    m = t.get_params_dependent_on_data({"shape": img.shape}, {"image": img})["bbox_matrix"]
    half = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    m_idx = np.linalg.inv(half) @ m @ half  # continuous -> index: x_idx = x - 0.5
    h, w = img.shape[:2]
    return cv2.warpAffine(img, m_idx[:2], (w, h), flags=interpolation, borderMode=cv2.BORDER_CONSTANT)


@pytest.mark.parametrize("angle", [0.0, 17.0, -33.0, 45.0, 90.0, -120.0])
@pytest.mark.parametrize("interpolation", [0, 1])
def test_safe_rotate_matches_albumentations_box_geometry(angle, interpolation):
    alb = pytest.importorskip("albumentations")
    img = smooth_image(np.uint8, 3, False, hw=(37, 53))
    ours = A.SafeRotate(limit=(angle, angle), interpolation=interpolation, p=1)(image=img)["image"]
    ref = _alb_box_warp(alb, img, angle, interpolation)
    diff = np.abs(ours.astype(int) - ref.astype(int))
    assert ours.shape == ref.shape == img.shape
    assert np.mean(diff > 1) < 0.01, (diff.max(), np.mean(diff > 1))
    if angle == 0.0:  # the identity (albumentations shifts its image by half a pixel here)
        np.testing.assert_array_equal(ours, img)
    # boxes: the same as albumentations'
    bb = np.array([[5, 6, 20, 30], [30, 10, 50, 35]], float)
    theirs = alb.Compose([alb.SafeRotate((angle, angle), p=1)], bbox_params=alb.BboxParams("pascal_voc"))
    mine = A.Compose([A.SafeRotate((angle, angle), p=1)], bbox_params=A.BboxParams("pascal_voc"))
    np.testing.assert_allclose(
        np.asarray(mine(image=img, bboxes=bb)["bboxes"]),
        np.asarray(theirs(image=img, bboxes=bb)["bboxes"]),
        atol=1e-4,
    )


def test_safe_rotate_keeps_the_whole_image_and_targets_follow():
    h, w = 30, 40
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(9, 19, 3) for x in range(11, 29, 4)]
    pipe = A.Compose(
        [A.SafeRotate(limit=180, p=1)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=0,
    )
    ones = np.ones((h, w), np.uint8)
    for _ in range(20):
        out = pipe(image=np.zeros((h, w, 3), np.uint8), mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        assert out["mask"].shape == (h, w)
        for x, y in out["keypoints"]:
            assert 0 <= x < w and 0 <= y < h  # nothing leaves the image
            assert out["mask"][int(y), int(x)] == 1
        ys, xs = np.nonzero(out["mask"])
        box = np.asarray(out["bboxes"][0])
        assert box[0] <= xs.min() + 1 and box[2] >= xs.max() and box[1] <= ys.min() + 1 and box[3] >= ys.max()
    # every corner of the input stays inside: the warped all-ones image touches all four edges
    full = A.SafeRotate(limit=(30, 30), p=1, interpolation=0)(image=ones, mask=ones)["mask"]
    assert full[0].any() and full[-1].any() and full[:, 0].any() and full[:, -1].any()


def test_safe_rotate_batch_matches_single():
    n, shape = 4, (20, 24)
    batch = random_image(np.uint8, 3, True, hw=shape)
    batch = np.concatenate([batch, batch[:1]])
    t = A.SafeRotate(limit=60, p=1, interpolation=1)
    params = t.sample(np.random.default_rng(1), shape, n)
    assert np.shape(params.angle) == (n,) and params.out_hw == shape
    out = t.apply_image(batch, params, Geometry(t, params, shape, shape, None, n))
    for k in range(n):
        pk = type(params)(float(params.angle[k]), params.matrix[k], shape)
        single = A.SafeRotate(limit=(pk.angle, pk.angle), p=1)(image=batch[k])["image"]
        np.testing.assert_array_equal(
            t.apply_image(batch[k], pk, Geometry(t, pk, shape, shape, None, None)), single
        )
        assert np.abs(out[k].astype(int) - single.astype(int)).max() <= 1


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"limit": float("nan")}, "limit", ValueError),
        ({"limit": (10, 5)}, "limit", ValueError),
        ({"interpolation": 9}, "interpolation", ValueError),
        ({"border_mode": 9}, "border_mode", ValueError),
        ({"rotate_method": "ellipse"}, "rotate_method", ValueError),
        ({"fill": "x"}, "fill", TypeError),
    ],
)
def test_safe_rotate_validation(kwargs, name, error):
    with pytest.raises(error, match=name):
        A.SafeRotate(**kwargs)
