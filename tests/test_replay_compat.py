"""Replay records written by xalbu 0.1.0 still replay, bit for bit, after the code moved.

``tests/data/records/v0_1_0.json`` was made by ``make_records.py`` beside it with xalbu 0.1.0
(commit 67edbb1): its parameters classes are named by 0.1.0's module paths
(``xalbu.transforms.pixel:GammaParams``...), several of which no longer exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xalbu as A

RECORDS = json.loads((Path(__file__).parent / "data" / "records" / "v0_1_0.json").read_text())


def _pipeline() -> A.Compose:  # the pipeline of make_records.py
    return A.Compose(
        [
            A.RandomResizedCrop(size=(40, 40), scale=(0.5, 1.0)),
            A.HorizontalFlip(),
            A.Affine(rotate=(-20, 20), scale=(0.9, 1.1), p=0.8),
            A.OneOf([A.RandomGamma(p=1), A.RandomBrightnessContrast(p=1), A.Posterize(p=1)], p=0.9),
            A.SomeOf([A.Solarize(p=1), A.ChannelShuffle(p=1), A.ToGray(p=1), A.InvertImg(p=1)], n=2),
            A.RandomRotate90(p=0.7),
            A.Normalize(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=7,
        save_applied_params=True,
    )


def _data() -> dict:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (60, 64, 3), dtype=np.uint8)
    mask = (img[..., 0] > 128).astype(np.uint8)
    return dict(
        image=img,
        mask=mask,
        bboxes=[(5, 6, 40, 50), (20, 10, 60, 30)],
        labels=[1, 2],
        keypoints=[(10, 12), (30, 40)],
    ), rng


def test_the_records_name_modules_that_moved():
    import importlib.util

    names = {s["types"]["__class__"] for r in RECORDS["singles"] for s in r["record"] if s["types"]}
    assert any(n.startswith("xalbu.transforms.pixel:") for n in names)
    assert importlib.util.find_spec("xalbu.transforms.pixel") is None  # split into tone, color, dtype


@pytest.mark.parametrize("i", range(len(RECORDS["singles"])))
def test_old_single_records_replay_exactly(i):
    want = RECORDS["singles"][i]
    data, _ = _data()
    out = _pipeline().replay(want["record"], **data)
    assert float(np.float64(out["image"]).sum()) == pytest.approx(want["image_sum"], rel=1e-12, abs=1e-9)
    if want["image"] is not None:
        np.testing.assert_allclose(out["image"], np.array(want["image"]), atol=1e-6)
    np.testing.assert_array_equal(out["mask"], np.array(want["mask"]))
    np.testing.assert_allclose(
        np.array(out["bboxes"], np.float64).reshape(-1, 4), np.array(want["bboxes"]).reshape(-1, 4)
    )
    assert list(out["labels"]) == want["labels"]
    np.testing.assert_allclose(
        np.array(out["keypoints"], np.float64).reshape(-1, 2), np.array(want["keypoints"]).reshape(-1, 2)
    )


def test_old_batch_record_replays_exactly():
    want = RECORDS["batch"]
    _, rng = _data()
    imgs = rng.integers(0, 256, (3, 60, 64, 3), dtype=np.uint8)
    out = _pipeline().replay_batch(
        want["record"],
        images=imgs,
        bboxes=[[(5, 6, 40, 50)]] * 3,
        labels=[[1]] * 3,
        keypoints=[[(10, 12)]] * 3,
    )
    sums = [float(np.float64(x).sum()) for x in out["images"]]
    assert sums == pytest.approx(want["per_sample_sums"], rel=1e-12)


def test_new_records_name_no_module():
    data, _ = _data()
    out = _pipeline()(**data)
    for step in out["applied_transforms"]:
        if step["types"]:
            assert ":" not in step["types"]["__class__"]
            assert "." not in step["types"]["__class__"]
