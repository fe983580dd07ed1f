"""Shared by the serialization tests: data folder, example pipelines and inputs, Lambda functions, and the
check that a pipeline loaded from an albumentations file kept the file's arguments."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from test_contract import full_inputs

import xalbu as A
from xalbu.core import serialization as S

DATA = Path(__file__).resolve().parents[1] / "data" / "albumentations"
NAMES = sorted(A.TRANSFORMS)


def _identity(x: Any, *args: Any, **kwargs: Any) -> Any:
    return x


def _outputs(pipe: A.Compose, calls: int = 3, **inputs: Any) -> list[Any]:
    """Outputs of ``calls`` calls, or the exception type and message when the pipeline rejects the data."""
    data = inputs or full_inputs("uint8", 3)
    out = []
    for _ in range(calls):
        try:
            out.append(pipe(**copy.deepcopy(data)))
        except (TypeError, ValueError) as e:
            out.append((type(e), str(e)))
    return out


def _nested() -> A.Compose:
    return A.Compose(
        [
            A.OneOf([A.HorizontalFlip(p=1), A.Affine(rotate=(-20, 20), p=2 / 3)], p=0.9),
            A.SomeOf([A.RandomGamma(), A.InvertImg(), A.Solarize(), A.Posterize()], n=2, replace=True, p=0.8),
            A.RandomOrder([A.VerticalFlip(), A.RandomBrightnessContrast(), A.ChannelShuffle()], n=2),
            A.OneOrOther(A.Transpose(p=1), A.Sequential([A.RandomRotate90(), A.NoOp()], p=1), p=0.4),
            A.Sequential([A.OneOf([A.ToGray(), A.Sequential([A.D4()])]), A.Perspective(p=0.3)], p=0.7),
            A.RandomOrder([A.HorizontalFlip(), A.VerticalFlip()]),
            A.RandomCrop(16, 16),
        ],
        bbox_params=A.BboxParams(
            format="coco",
            label_fields=["labels"],
            min_area=2,
            min_visibility=0.1,
            clip=True,
            filter_invalid_bboxes=True,
        ),
        keypoint_params={"format": "xyas", "label_fields": ["kp_labels"], "remove_invisible": False},
        additional_targets={"image2": "image", "mask2": "mask"},
        p=0.95,
        seed=7,
        strict=True,
    )


def _nested_inputs() -> dict[str, Any]:
    data = full_inputs("uint8", 3)
    boxes = data["bboxes"][:, :4].copy()
    boxes[:, 2:] -= boxes[:, :2]  # pascal_voc -> coco
    data["bboxes"] = np.concatenate([boxes, data["bboxes"][:, 4:]], axis=1)
    data["image2"] = data["image"][::-1].copy()
    data["mask2"] = data["mask"][:, ::-1].copy()
    return data


# ----------------------------------------------------------------------------- Lambda
def _double(img, **params):
    return img * 2


def _flip_boxes(boxes, **params):
    return boxes


def _photo(h: int = 120, w: int = 160) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.random.default_rng(0).integers(0, 40, (h, w))
    return np.stack([(xx * 255 // w + r) % 256, (yy * 255 // h) % 256, (xx + yy + r) % 256], -1).astype(
        np.uint8
    )


# ----------------------------------------------------------------------------- albumentations' files
# Arguments that xalbu's to_dict writes and albumentations does not, where that is expected:
# albumentations' ShiftScaleRotate writes only shift_limit_x/shift_limit_y, which replace shift_limit.
# arguments xalbu writes and albumentations 2.0.8 leaves out of its files (Equalize: its mask_params,
# which a saved albumentations pipeline loses)
XALBU_ONLY_ARGS = {"ShiftScaleRotate": {"shift_limit"}, "Equalize": {"mask_params"}}


def _norm(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v


def _assert_loaded_matches(file_node: dict, loaded: Any, path: str = "transform") -> None:
    """The loaded object's saved arguments equal the file's (after the albumentations mapping)."""
    name = file_node["__class_fullname__"].rsplit(".", 1)[-1]
    assert type(loaded).__name__ == name, path
    if name == "Lambda":
        assert loaded.name == file_node["__name__"]
        return
    cls = type(loaded)
    mapped = S._map_albumentations(
        name, cls, {k: v for k, v in file_node.items() if k != "__class_fullname__"}, path
    )
    mine = A.to_dict(loaded)["transform"]
    if "transforms" in mapped:
        assert len(mapped["transforms"]) == len(loaded.transforms), path
        for i, (child, obj) in enumerate(zip(mapped.pop("transforms"), loaded.transforms, strict=True)):
            _assert_loaded_matches(child, obj, f"{path}.transforms[{i}]")
        mine.pop("transforms")
    for key in ("bbox_params", "keypoint_params"):
        if mapped.get(key) is not None:
            table = S.ALBUMENTATIONS_BBOX_PARAMS if key == "bbox_params" else S.ALBUMENTATIONS_KEYPOINT_PARAMS
            params_cls = A.BboxParams if key == "bbox_params" else A.KeypointParams
            expected = S._apply_table(params_cls, table, mapped.pop(key), path, key)
            got = mine.pop(key)
            for k, v in expected.items():
                if k == "label_fields" and v is None:
                    v = []
                assert _norm(got[k]) == _norm(v), f"{path}.{key}.{k}"
    for key, value in mapped.items():
        assert key in mine, f"{path}: {key}"
        assert _norm(mine[key]) == _norm(value), f"{path} ({name}).{key}: {mine[key]!r} != {value!r}"
    extra = set(mine) - set(mapped) - {"__class_fullname__", "transforms", "bbox_params", "keypoint_params"}
    if isinstance(loaded, A.Compose):
        # albumentations 2.0.8 does not write these; fuse_affine is xalbu's own
        extra -= {"seed", "strict", "save_applied_params", "fuse_affine"}
    assert extra <= XALBU_ONLY_ARGS.get(name, set()), f"{path} ({name}): xalbu writes {extra} too"


def _fixture(stem: str) -> tuple[Path, dict]:
    path = next(DATA.glob(f"{stem}.*"))
    text = path.read_text()
    return path, (yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text))
