"""Files written by albumentations, read without it: the real files of ``tests/data/albumentations/``
(written by albumentations 2.0.8; ``make_fixtures.py`` regenerates them), albumentations 1.x documents and
the argument mapping table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.core import serialization as S

from ._helpers import (
    DATA,
    _assert_loaded_matches,
    _double,
    _fixture,
    _identity,
    _photo,
)

FIXTURES = ["classification", "detection", "keypoints", "deterministic", "sizes", "lambda"]


@pytest.mark.parametrize("stem", FIXTURES)
def test_albumentations_fixture_loads_with_the_same_arguments(stem):
    path, data = _fixture(stem)
    assert data["__version__"] == "2.0.8" and "__format__" not in data
    loaded = A.load(path, nonserializable={"identity": {"image": _identity}})
    assert isinstance(loaded, A.Compose)
    _assert_loaded_matches(data["transform"], loaded)
    # saving it again gives xalbu's layout, which loads back to the same thing
    d = A.to_dict(loaded)
    assert d["__format__"] == 1
    assert A.to_dict(A.from_dict(d, nonserializable={"identity": {"image": _identity}})) == d


def test_albumentations_fixtures_run():
    img = _photo()
    out = A.load(DATA / "classification.json")(image=img)["image"]
    assert out.shape == (64, 64, 3) and out.dtype == np.float32 and np.isfinite(out).all()

    det = A.load(DATA / "detection.yaml")
    assert det.bbox_params.format == "coco" and det.bbox_params.label_fields == ("labels",)
    assert det.bbox_params.min_visibility == 0.2 and det.bbox_params.min_area == 4
    for seed in range(5):
        det.set_random_seed(seed)
        res = det(image=img, bboxes=[(20, 30, 60, 40), (80, 10, 30, 30)], labels=["a", "b"])
        assert res["image"].shape == (80, 80, 3) and res["image"].dtype == np.uint8
        assert len(res["bboxes"]) == len(res["labels"]) <= 2
        for x, y, bw, bh in res["bboxes"]:
            assert 0 <= x and 0 <= y and x + bw <= 80 + 1e-6 and y + bh <= 80 + 1e-6

    kp = A.load(DATA / "keypoints.json")
    assert kp.additional_targets == {"image2": "image", "mask2": "mask"}
    assert kp.keypoint_params.remove_invisible is False
    mask = (img[..., 0] > 128).astype(np.uint8)
    res = kp(
        image=img, image2=img.copy(), mask=mask, mask2=mask, keypoints=[(10, 20), (80, 60)], names=["a", "b"]
    )
    assert res["image"].shape == res["image2"].shape == (34, 40, 3)  # CenterCrop 48x56, longest side 40
    assert res["mask"].shape == res["mask2"].shape == (34, 40) and len(res["keypoints"]) == 2

    out = A.load(DATA / "sizes.json")(image=img)["image"]
    assert out.shape == (24, 24, 3) and out.dtype == np.uint8


def test_albumentations_deterministic_fixture_gives_the_expected_pixels():
    img = np.random.default_rng(1).integers(0, 256, (20, 24, 3), dtype=np.uint8)
    expected = img[:, ::-1][1:13, 2:18]  # HorizontalFlip, Crop(x 2..18, y 1..13)
    expected = np.repeat(np.repeat(expected, 2, axis=0), 2, axis=1)  # Resize 24x32 nearest = 2x
    expected = np.pad(expected, ((2, 4), (1, 3), (0, 0)), constant_values=7)  # Pad (left, top, right, bottom)
    expected = 255 - expected  # InvertImg
    out = A.load(DATA / "deterministic.yaml")(image=img)["image"]
    np.testing.assert_array_equal(out, expected)


def test_albumentations_lambda_fixture():
    _, data = _fixture("lambda")
    assert data["transform"]["transforms"][0] == {"__class_fullname__": "Lambda", "__name__": "identity"}
    with pytest.raises(A.SerializationError, match=r"transform\.transforms\[0\] \(Lambda\).*'identity'"):
        A.load(DATA / "lambda.json")
    pipe = A.load(DATA / "lambda.json", nonserializable={"identity": A.Lambda(image=_double)})
    img = np.array([[1, 2]], np.uint8)
    assert pipe(image=img)["image"].tolist() == [[2, 4]]  # doubled (VerticalFlip of one row keeps it)


def test_albumentations_file_with_missing_transforms_fails_once():
    with pytest.raises(A.SerializationError) as info:
        A.load(DATA / "unknown.json")
    msg = str(info.value)
    assert msg.startswith("3 transform(s) in this pipeline do not exist in xalbu:")
    assert "transform.transforms[0] (PluginRain)" in msg
    assert "transform.transforms[1].transforms[1] (PluginFog)" in msg
    assert "transform.transforms[1].transforms[2].transforms[0] (PluginSnow)" in msg


# albumentations 1.x-style documents (hand-written in the layout albumentations 1.4 saved): dotted class
# names, always_apply, and the 1.x argument names.
def _v1(*transforms: dict, **top: Any) -> dict:
    return {
        "__version__": "1.4.18",
        "transform": {
            "__class_fullname__": "Compose",
            "p": 1.0,
            "transforms": list(transforms),
            "bbox_params": None,
            "keypoint_params": None,
            "additional_targets": {},
            "is_check_shapes": True,
            **top,
        },
    }


def test_albumentations_1x_names_are_mapped():
    doc = _v1(
        {
            "__class_fullname__": "albumentations.augmentations.transforms.HorizontalFlip",
            "always_apply": False,
            "p": 0.5,
        },
        {"__class_fullname__": "VerticalFlip", "always_apply": True, "p": 0.2},
        {
            "__class_fullname__": "albumentations.augmentations.geometric.transforms.PadIfNeeded",
            "always_apply": False,
            "p": 1.0,
            "min_height": 32,
            "min_width": 32,
            "pad_height_divisor": None,
            "pad_width_divisor": None,
            "position": "center",
            "border_mode": 0,
            "value": 5,
            "mask_value": None,
        },
        {"__class_fullname__": "ShiftScaleRotate", "p": 0.5, "value": [1, 2, 3], "mask_value": 4},
        {"__class_fullname__": "Affine", "p": 0.5, "cval": 3, "cval_mask": 1, "mode": 1, "rotate": [-5, 5]},
        {"__class_fullname__": "Perspective", "p": 0.5, "pad_mode": 4, "pad_val": 2, "mask_pad_val": 1},
        {"__class_fullname__": "RandomResizedCrop", "p": 1.0, "height": 20, "width": 24, "scale": [0.5, 1.0]},
        {
            "__class_fullname__": "RandomSizedCrop",
            "p": 1.0,
            "min_max_height": [8, 16],
            "height": 10,
            "width": 12,
        },
        {"__class_fullname__": "RandomGamma", "p": 0.5, "gamma_limit": [80, 120], "eps": None},
        {"__class_fullname__": "Rotate", "p": 0.5, "limit": [-10, 10], "value": None, "strict": False},
    )
    pipe = A.from_dict(doc)
    t = pipe.transforms
    assert t[0].p == 0.5 and t[1].p == 1.0  # always_apply=True means p=1
    assert (t[2].fill, t[2].fill_mask) == (5.0, 0.0)  # mask_value None: the default
    assert (t[3].fill, t[3].fill_mask) == ((1.0, 2.0, 3.0), 4.0)
    assert (t[4].fill, t[4].fill_mask, t[4].border_mode) == (3.0, 1.0, 1)
    assert (t[5].border_mode, t[5].fill, t[5].fill_mask) == (4, 2.0, 1.0)
    assert t[6].size == (20, 24) and t[7].size == (10, 12)
    assert t[9].fill == 0.0
    out = pipe(image=_photo(40, 48))["image"]
    assert out.shape == (10, 12, 3)


@pytest.mark.parametrize(
    ("node", "pattern"),
    [
        (
            {"__class_fullname__": "PadIfNeeded", "padding": 3},
            r"transforms\[0\] \(PadIfNeeded\): padding=3 \(written by albumentations\) is not supported",
        ),
        (
            {"__class_fullname__": "HorizontalFlip", "p": 0.5, "shift": 1},
            r"transforms\[0\] \(HorizontalFlip\): unknown argument\(s\) 'shift' \(written by albumentations\)",
        ),
        (
            {"__class_fullname__": "Affine", "cval": 1, "fill": 2},
            r"\(Affine\): cval and fill: both given",
        ),
        (
            {"__class_fullname__": "RandomResizedCrop", "height": 4},
            r"\(RandomResizedCrop\): height, width: albumentations 1\.x gives both",
        ),
        ({"__class_fullname__": "RandomGamma", "eps": 0.5}, r"\(RandomGamma\): eps=0\.5"),
    ],
)
def test_albumentations_arguments_that_would_change_behaviour_fail(node, pattern):
    with pytest.raises(A.SerializationError, match=pattern):
        A.from_dict(_v1(node))


@pytest.mark.parametrize(
    ("top", "pattern"),
    [
        ({"mask_interpolation": 7}, r"^transform \(Compose\): mask_interpolation"),
        (
            {"bbox_params": {"format": "coco", "max_accept_ratio": 0.5}},
            r"^transform\.bbox_params \(BboxParams\): BboxParams\.max_accept_ratio",
        ),
        (
            {"bbox_params": {"format": "coco", "min_aspect": 3.0}},
            r"^transform\.bbox_params \(BboxParams\): unknown argument\(s\) 'min_aspect'",
        ),
        (
            {"keypoint_params": {"format": "xy", "check_each_transform": "no"}},
            r"^transform\.keypoint_params \(KeypointParams\): check_each_transform: expected true or false",
        ),
    ],
)
def test_albumentations_compose_arguments(top, pattern):
    with pytest.raises(A.SerializationError, match=pattern):
        A.from_dict(_v1(**top))


def test_albumentations_compose_arguments_that_are_read():
    doc = _v1(
        is_check_shapes=False,
        mask_interpolation=None,
        seed=4,
        strict=True,
        bbox_params={
            "format": "yolo",
            "label_fields": None,
            "check_each_transform": False,
            "max_accept_ratio": 3.0,
        },
        keypoint_params={"format": "xy", "label_fields": ["k"], "check_each_transform": False},
    )
    pipe = A.from_dict(doc)
    assert (pipe.seed, pipe.strict, pipe.bbox_params.format, pipe.bbox_params.label_fields) == (
        4,
        True,
        "yolo",
        (),
    )
    assert pipe.keypoint_params.label_fields == ("k",)
    assert pipe.is_check_shapes is False  # kept as written


def test_mapping_table_has_reasons_and_names_real_classes():
    declared = {
        name: cls.albumentations_args for name, cls in A.TRANSFORMS.items() if cls.albumentations_args
    }
    assert {"Affine", "PadIfNeeded", "RandomResizedCrop", "RandomGamma"} <= set(declared)
    for name, rules in {**S.ALBUMENTATIONS_ARGS, **declared, "*": S.ALBUMENTATIONS_COMMON}.items():
        compositions = S._compositions()
        assert name == "*" or name in A.TRANSFORMS or name in compositions, name
        for key, rule in rules.items():
            assert rule.reason and rule.action in ("drop", "rename", "always_apply", "size"), (name, key)
            if rule.action == "rename":
                cls = compositions[name] if name in compositions else A.TRANSFORMS[name]
                assert rule.to in S._init_params(cls), (name, key)
