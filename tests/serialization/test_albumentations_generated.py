"""With albumentations importable: files generated on the fly for every transform both libraries have, and
deterministic transforms compared pixel for pixel with albumentations' own output."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from test_contract import EXAMPLES

import xalbu as A
from xalbu.benchmark import metadata_for

from ._helpers import (
    DATA,
    NAMES,
    _assert_loaded_matches,
    _fixture,
    _identity,
    _photo,
)

# ----------------------------------------------------------------------------- with albumentations
# Constructor arguments for albumentations (default-ish and non-default); classes missing here use their
# declared canonical example, so a new transform that albumentations also has is checked at once.
ALB_CASES: dict[str, list[dict[str, Any]]] = {
    "Affine": [
        {},
        {
            "scale": (0.8, 1.2),
            "translate_percent": (-0.1, 0.1),
            "rotate": (-30, 30),
            "shear": {"x": (-5, 5), "y": (0, 3)},
            "interpolation": 0,
            "border_mode": 1,
            "fill": 7,
            "fill_mask": 3,
            "fit_output": True,
            "p": 0.7,
        },
        {"translate_px": {"x": (-3, 4), "y": 2}, "keep_ratio": True, "scale": 1.1, "balanced_scale": True},
        {"scale": {"x": (0.5, 1.5), "y": (0.9, 1.0)}, "rotate": 15, "shear": 5, "fill": (1, 2, 3)},
    ],
    "CenterCrop": [
        {"height": 16, "width": 20},
        {
            "height": 40,
            "width": 50,
            "pad_if_needed": True,
            "pad_position": "top_left",
            "border_mode": 2,
            "fill": 5,
        },
    ],
    "Crop": [
        {},
        {"x_min": 3, "y_min": 2, "x_max": 22, "y_max": 20, "p": 0.9},
        {"x_max": 40, "y_max": 30, "pad_if_needed": True, "pad_position": "random", "fill": 9},
    ],
    "FromFloat": [{}, {"dtype": "uint16"}, {"max_value": 100}],
    "LongestMaxSize": [
        {"max_size": 40},
        {"max_size": [30, 40, 50]},
        {
            "max_size_hw": (30, None),
            "interpolation": 2,
            "mask_interpolation": 1,
            "area_for_downscale": "image",
        },
    ],
    "Normalize": [
        {},
        {"mean": 0.5, "std": 0.25, "max_pixel_value": 1.0},
        {"normalization": "image_per_channel"},
    ],
    "Pad": [{}, {"padding": (1, 2)}, {"padding": (1, 2, 3, 4), "fill": 9, "fill_mask": 2, "border_mode": 4}],
    "PadIfNeeded": [
        {},
        {"min_height": 30, "min_width": 40, "position": "bottom_right", "border_mode": 1},
        {
            "min_height": None,
            "min_width": None,
            "pad_height_divisor": 8,
            "pad_width_divisor": 16,
            "fill": (1, 2, 3),
        },
    ],
    "Perspective": [
        {},
        {"scale": (0.02, 0.08), "keep_size": False, "fit_output": True, "interpolation": 0, "fill": 4},
        {"scale": 0.1},
    ],
    "Posterize": [{}, {"num_bits": (3, 6)}, {"num_bits": [(1, 3), (2, 4), (5, 7)]}, {"num_bits": 2}],
    "RandomBrightnessContrast": [
        {},
        {
            "brightness_limit": 0.3,
            "contrast_limit": (-0.1, 0.4),
            "brightness_by_max": False,
            "ensure_safe_range": True,
        },
    ],
    "RandomCrop": [
        {"height": 16, "width": 20},
        {"height": 40, "width": 50, "pad_if_needed": True, "fill": 2},
    ],
    "RandomGamma": [{}, {"gamma_limit": (50, 150)}, {"gamma_limit": 130}],
    "RandomResizedCrop": [
        {"size": (16, 20)},
        {
            "size": (32, 32),
            "scale": (0.5, 0.9),
            "ratio": (0.5, 2.0),
            "interpolation": 3,
            "area_for_downscale": "image_mask",
        },
    ],
    "RandomSizedCrop": [
        {"min_max_height": (10, 20), "size": (16, 20)},
        {"min_max_height": (8, 12), "size": (10, 10), "w2h_ratio": 1.5, "interpolation": 0},
    ],
    "Resize": [
        {"height": 16, "width": 20},
        {"height": 8, "width": 9, "interpolation": 4, "area_for_downscale": "image"},
    ],
    "Rotate": [
        {},
        {"limit": 30, "interpolation": 2, "border_mode": 3, "crop_border": True, "fill": 3},
        {"limit": (10, 20)},
    ],
    "ShiftScaleRotate": [
        {},
        {"shift_limit": 0.1, "scale_limit": (-0.2, 0.3), "rotate_limit": 20, "border_mode": 1, "fill": 4},
        {"shift_limit_x": (-0.1, 0.2), "shift_limit_y": 0.05, "interpolation": 0},
    ],
    "SmallestMaxSize": [{"max_size": 20}, {"max_size_hw": (None, 30)}],
    "Solarize": [{}, {"threshold_range": (0.2, 0.8)}],
    "ToFloat": [{}, {"max_value": 1000.0}],
    "ToGray": [
        {},
        {"num_output_channels": 1, "method": "average"},
        {"method": "max"},
        {"method": "desaturation"},
    ],
}


@pytest.fixture(scope="module")
def alb():
    albumentations = pytest.importorskip("albumentations")
    return albumentations


# albumentations 2.0.8 cannot serialize these: their to_dict raises NotImplementedError (they hold
# reference images and a read function)
ALB_UNSERIALIZABLE = {"Lambda", "FDA", "HistogramMatching", "PixelDistributionAdaptation"}


def _alb_shared(alb_module) -> list[str]:
    return [n for n in NAMES if n not in ALB_UNSERIALIZABLE and hasattr(alb_module, n)]


def _alb_save_load(alb_module, alb_pipe, tmp_path: Path, fmt: str, **kwargs: Any) -> tuple[dict, Any]:
    path = tmp_path / f"pipe.{fmt}"
    alb_module.save(alb_pipe, str(path), data_format=fmt)
    text = path.read_text()
    return (yaml.safe_load(text) if fmt == "yaml" else json.loads(text)), A.load(
        path, data_format=fmt, **kwargs
    )


def test_albumentations_generated_files_for_every_shared_transform(alb, tmp_path):
    """Every transform both libraries have, at default and non-default arguments, saved by albumentations
    (JSON and YAML), loads in xalbu with the same arguments and runs."""
    shared = _alb_shared(alb)
    assert len(shared) >= 25
    img = _photo(48, 64)
    checked = 0
    for name in shared:
        for i, kwargs in enumerate(ALB_CASES.get(name, [EXAMPLES.get(name, {})])):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                alb_t = getattr(alb, name)(**kwargs)
            fmt = ("json", "yaml")[i % 2]
            data, loaded = _alb_save_load(alb, alb.Compose([alb_t]), tmp_path, fmt)
            assert data["__version__"] == alb.__version__
            _assert_loaded_matches(data["transform"], loaded)
            x = img.astype(np.float32) / 255 if name == "FromFloat" else img
            # reference images, mix partners: the same metadata for both libraries
            sample = {
                "image": x,
                "mask": np.zeros(x.shape[:2], np.uint8),
                "bboxes": np.zeros((0, 4)),
                "labels": [],
            }
            meta = metadata_for(name, sample)
            key = "image"
            if A.TRANSFORMS[name].kind == "volume":  # 3-D transforms: a volume of 4 slices instead
                key, x = "volume", np.stack([x] * 4)
            try:
                want = alb.Compose([alb_t])(**{key: x}, **meta)[key]
            except Exception:  # noqa: BLE001 - e.g. Crop's default box (1024 px) on a small image
                if A.TRANSFORMS[name].benchmark_inputs:  # needs boxes / a mask there; xalbu falls back
                    loaded(**{key: x}, **meta)  # (docs/differences.md): it runs
                    checked += 1
                    continue
                with pytest.raises(ValueError):
                    loaded(**{key: x}, **meta)
            else:
                out = loaded(**{key: x}, **meta)[key]
                if name == "ToTensorV2":  # both give a (C, H, W) torch tensor of the same values
                    assert type(out) is type(want) and out.shape == want.shape and bool((out == want).all())
                    checked += 1
                    continue
                # random draws: only the kind of dtype is compared (albumentations gives float64 for some
                # normalisations, xalbu float32)
                assert out.ndim in (2, 3, 4) and out.size > 0 and out.dtype.kind == want.dtype.kind, (
                    name,
                    kwargs,
                )
            checked += 1
    assert checked == sum(len(ALB_CASES.get(name, [None])) for name in shared)  # every case ran


def test_albumentations_generated_compositions(alb, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipelines = module.pipelines()
    for stem, (pipe, fmt) in pipelines.items():
        if stem == "unknown":
            with pytest.raises(A.SerializationError, match="3 transform"):
                _alb_save_load(alb, pipe, tmp_path, fmt)
            continue
        data, loaded = _alb_save_load(
            alb, pipe, tmp_path, fmt, nonserializable={"identity": {"image": _identity}}
        )
        _assert_loaded_matches(data["transform"], loaded)
        # the saved fixture is what albumentations writes for this pipeline
        assert _fixture(stem)[1] == data, (
            f"{stem}: regenerate with tests/data/albumentations/make_fixtures.py"
        )


# Transforms whose output is fixed by their arguments: xalbu's result on albumentations' saved pipeline
# equals albumentations' own (uint8 within 1 level; float within 1e-5).
DETERMINISTIC = [
    ("HorizontalFlip", {"p": 1.0}),
    ("VerticalFlip", {"p": 1.0}),
    ("Transpose", {"p": 1.0}),
    ("Crop", {"x_min": 3, "y_min": 2, "x_max": 22, "y_max": 20}),
    ("Crop", {"x_max": 40, "y_max": 30, "pad_if_needed": True, "fill": 9, "pad_position": "top_left"}),
    ("CenterCrop", {"height": 15, "width": 21}),
    ("Pad", {"padding": (1, 2, 3, 4), "fill": 5}),
    ("Pad", {"padding": 3, "border_mode": 4}),
    ("PadIfNeeded", {"min_height": 30, "min_width": 40, "fill": 3}),
    (
        "PadIfNeeded",
        {"min_height": None, "min_width": None, "pad_height_divisor": 16, "pad_width_divisor": 20},
    ),
    ("Resize", {"height": 16, "width": 20}),
    ("Resize", {"height": 48, "width": 64, "interpolation": 0}),
    ("Resize", {"height": 12, "width": 16, "interpolation": 3}),
    ("LongestMaxSize", {"max_size": 40}),
    ("SmallestMaxSize", {"max_size": 20}),
    ("InvertImg", {"p": 1.0}),
    ("Normalize", {}),
    ("ToGray", {"p": 1.0}),
    ("ToGray", {"p": 1.0, "method": "average"}),
    ("Posterize", {"num_bits": 3, "p": 1.0}),
    ("Solarize", {"threshold_range": (0.5, 0.5), "p": 1.0}),
    ("RandomGamma", {"gamma_limit": (150, 150), "p": 1.0}),
    ("RandomBrightnessContrast", {"brightness_limit": (0.1, 0.1), "contrast_limit": (0.2, 0.2), "p": 1.0}),
    ("ToFloat", {}),
    ("Affine", {"rotate": (90, 90), "interpolation": 0, "p": 1.0}),
    ("Affine", {"translate_px": {"x": (3, 3), "y": (-2, -2)}, "p": 1.0}),
    ("Rotate", {"limit": (180, 180), "interpolation": 0, "p": 1.0}),
]


@pytest.mark.parametrize(
    ("name", "kwargs"), DETERMINISTIC, ids=[f"{n}-{i}" for i, (n, _) in enumerate(DETERMINISTIC)]
)
def test_albumentations_and_xalbu_agree_on_deterministic_transforms(alb, tmp_path, name, kwargs):
    img = np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    alb_pipe = alb.Compose([getattr(alb, name)(**kwargs)])
    _, loaded = _alb_save_load(alb, alb_pipe, tmp_path, "json")
    want, got = alb_pipe(image=img)["image"], loaded(image=img)["image"]
    assert want.shape == got.shape and want.dtype == got.dtype
    tol = 1e-5 if want.dtype == np.float32 else 1
    assert np.abs(want.astype(np.float64) - got.astype(np.float64)).max() <= tol


def test_albumentations_and_xalbu_agree_on_a_deterministic_pipeline_with_targets(alb, tmp_path):
    img = np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    mask = (img[..., 0] > 100).astype(np.uint8)
    alb_pipe = alb.Compose(
        [
            alb.HorizontalFlip(p=1),
            alb.Crop(2, 3, 30, 21),
            alb.Resize(36, 56, interpolation=0),
            alb.Pad(2, fill=1),
        ],
        bbox_params=alb.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=alb.KeypointParams(format="xy", label_fields=["names"]),
    )
    data = {
        "image": img,
        "mask": mask,
        "bboxes": [(4, 5, 20, 18)],
        "labels": [1],
        "keypoints": [(10, 8)],
        "names": ["a"],
    }
    _, loaded = _alb_save_load(alb, alb_pipe, tmp_path, "yaml")
    want, got = alb_pipe(**data), loaded(**data)
    np.testing.assert_array_equal(want["image"], got["image"])
    np.testing.assert_array_equal(want["mask"], got["mask"])
    np.testing.assert_allclose(np.asarray(want["bboxes"]), np.asarray(got["bboxes"], np.float64), atol=1e-4)
    # keypoints are not compared: albumentations 2.0.8 flips x to (W - 1) - x (pixel indices), xalbu to
    # W - x (continuous coordinates, like the boxes)
    assert len(want["keypoints"]) == len(got["keypoints"])
    assert list(want["labels"]) == list(got["labels"]) and list(want["names"]) == list(got["names"])
