"""Replay records written by xalbu 0.1.0 still replay after the code moved.

``tests/data/records/v0_1_0.json`` was made by ``make_records.py`` beside it with xalbu 0.1.0
(commit 67edbb1): its parameters classes are named by 0.1.0's module paths
(``xalbu.transforms.pixel:GammaParams``...), several of which no longer exist.

Masks, boxes, labels and keypoints must come back exactly. Images are compared as the uint8 levels
behind the final Normalize: OpenCV's bilinear warps round differently between releases (4.14, 5.0
and 5.1 each move about 0.5% of the pixels of these warps by one level), and the later steps
(posterize, solarize, contrast) can widen a one-level step, so at most 2% of the pixels may differ;
a parameter read wrongly moves far more (checked by replaying with one parameter changed).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import xalbu as A

HERE = Path(__file__).parent / "data" / "records"
RECORDS = json.loads((HERE / "v0_1_0.json").read_text())
_spec = importlib.util.spec_from_file_location("make_records", HERE / "make_records.py")
make_records = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_records)  # the pipeline and data the records were made with


def _pipeline() -> A.Compose:
    return make_records.pipeline(A)


def _data() -> tuple[dict, dict]:
    return make_records.inputs()


def test_the_records_name_modules_that_moved():
    names = {s["types"]["__class__"] for r in RECORDS["singles"] for s in r["record"] if s["types"]}
    assert any(n.startswith("xalbu.transforms.pixel:") for n in names)
    assert importlib.util.find_spec("xalbu.transforms.pixel") is None  # split into tone, color, dtype


def _same_levels(image, want) -> None:
    if int(cv2.__version__.split(".")[0]) < 5:
        return  # see the module docstring
    got, want = make_records.levels(image), np.array(want)
    assert got.shape == want.shape
    differ = np.mean(np.any(got != want, axis=-1))
    assert differ <= 0.02, f"{differ:.2%} of the pixels differ"


@pytest.mark.parametrize("i", range(len(RECORDS["singles"])))
def test_old_single_records_replay_exactly(i):
    want = RECORDS["singles"][i]
    data, _ = _data()
    out = _pipeline().replay(want["record"], **data)
    _same_levels(out["image"], want["levels"])
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
    _, batch = _data()
    out = _pipeline().replay_batch(want["record"], **batch)
    for got, levels in zip(out["images"], want["levels"], strict=True):
        _same_levels(got, levels)


def test_new_records_name_no_module():
    data, _ = _data()
    out = _pipeline()(**data)
    for step in out["applied_transforms"]:
        if step["types"]:
            assert ":" not in step["types"]["__class__"]
            assert "." not in step["types"]["__class__"]
