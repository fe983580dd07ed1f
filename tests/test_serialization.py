"""Serialization: ``to_dict``/``from_dict`` and ``save``/``load`` (JSON and YAML) for every transform and
composition, ``Lambda`` by name, errors that name the node path, and pipelines saved by albumentations.

- Every class in ``xalbu.TRANSFORMS`` round-trips (with ``EXAMPLES`` from test_contract, so a new transform
  is covered as soon as it is registered) plus the non-default arguments in ``VARIANTS``.
- ``tests/data/albumentations/`` holds real files written by albumentations 2.0.8 (``make_fixtures.py``
  regenerates them); they are checked without albumentations installed.
- With albumentations importable, files are also generated on the fly for every transform both libraries
  have, and a few deterministic transforms are compared pixel for pixel with albumentations' own output.
"""

from __future__ import annotations

import builtins
import copy
import io
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from test_contract import EXAMPLES, assert_same, full_inputs

import xalbu as A
from xalbu.core import serialization as S

DATA = Path(__file__).resolve().parent / "data" / "albumentations"
NAMES = sorted(A.TRANSFORMS)


def _identity(x: Any, *args: Any, **kwargs: Any) -> Any:
    return x


# Non-default constructor arguments, on top of the EXAMPLES of test_contract (which cover every class).
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "Affine": [
        {
            "scale": {"x": (0.8, 1.2), "y": (0.9, 1.1)},
            "translate_px": {"x": (-3, 4), "y": 2},
            "rotate": 15,
            "shear": {"x": (-5, 5), "y": (0, 3)},
            "interpolation": 0,
            "mask_interpolation": 1,
            "border_mode": 1,
            "fill": (1, 2, 3),
            "fill_mask": 2,
            "fit_output": True,
            "balanced_scale": True,
        },
        {"scale": 1.1, "keep_ratio": True, "translate_percent": {"x": 0.1, "y": (-0.05, 0.05)}},
    ],
    "CenterCrop": [{"height": 40, "width": 50, "pad_if_needed": True, "pad_position": "top_left", "fill": 5}],
    "Crop": [
        {"x_min": 0, "y_min": 0, "x_max": 40, "y_max": 30, "pad_if_needed": True, "pad_position": "random"}
    ],
    "FromFloat": [{"dtype": "uint16", "max_value": 1000.0}],
    "LongestMaxSize": [{"max_size": [30, 40]}, {"max_size_hw": (30, None), "area_for_downscale": "image"}],
    "Normalize": [
        {"mean": 0.5, "std": 0.25, "max_pixel_value": None},
        {"normalization": "min_max_per_channel", "mean": None, "std": None},
    ],
    "Pad": [{"padding": (1, 2)}, {"padding": (1, 2, 3, 4), "fill": 9, "fill_mask": 2, "border_mode": 4}],
    "PadIfNeeded": [
        {
            "min_height": None,
            "min_width": None,
            "pad_height_divisor": 8,
            "pad_width_divisor": 16,
            "position": "random",
        }
    ],
    "Perspective": [{"scale": (0.02, 0.08), "keep_size": False, "fit_output": True, "fill": (1, 2, 3)}],
    "Posterize": [{"num_bits": (3, 6)}, {"num_bits": [2, (3, 5), 4]}],
    "RandomBrightnessContrast": [
        {"brightness_limit": 0.3, "brightness_by_max": False, "ensure_safe_range": True}
    ],
    "RandomCrop": [{"height": 40, "width": 50, "pad_if_needed": True, "border_mode": 2}],
    "RandomGamma": [{"gamma_limit": 130}],
    "RandomResizedCrop": [{"size": (20, 16), "scale": (0.5, 0.9), "ratio": (0.5, 2.0), "interpolation": 3}],
    "RandomSizedCrop": [
        {"min_max_height": (8, 12), "size": (10, 10), "w2h_ratio": 1.5, "area_for_downscale": "image"}
    ],
    "Resize": [{"height": 8, "width": 9, "interpolation": 4, "mask_interpolation": 1}],
    "Rotate": [{"limit": 30, "crop_border": True, "border_mode": 3, "fill_mask": 1}],
    "ShiftScaleRotate": [
        {"shift_limit_x": (-0.1, 0.2), "shift_limit_y": 0.05, "scale_limit": 0.2, "rotate_limit": 5}
    ],
    "SmallestMaxSize": [{"max_size_hw": (None, 30)}],
    "Solarize": [{"threshold_range": (0.2, 0.8)}],
    "ToFloat": [{"max_value": 1000.0}],
    "ToGray": [{"num_output_channels": 1, "method": "average"}],
}

CASES = [
    (name, i, kw) for name in NAMES for i, kw in enumerate([EXAMPLES.get(name, {}), *VARIANTS.get(name, [])])
]


def _transform(name: str, kwargs: dict[str, Any], p: float = 0.75) -> A.BasicTransform:
    kwargs = dict(kwargs)
    if name == "Lambda":
        kwargs.setdefault("name", "ident")
    if A.TRANSFORMS[name].kind == "format":  # ToTensorV2 always applies
        p = 1.0
    return A.TRANSFORMS[name](**kwargs, p=p)


NONSERIALIZABLE = {
    "ident": {"image": _identity, "mask": _identity, "bboxes": _identity, "keypoints": _identity},
}


def _pipeline(transforms: list, seed: int = 0, **kwargs: Any) -> A.Compose:
    return A.Compose(
        transforms,
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], min_visibility=0.1),
        keypoint_params=A.KeypointParams(format="xyas", label_fields=["kp_labels"], remove_invisible=False),
        seed=seed,
        **kwargs,
    )


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


def _assert_plain(value: Any, where: str = "") -> None:
    """Only JSON types: dict (str keys), list, str, int, float, bool, None."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), f"{where}: key {k!r}"
            _assert_plain(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _assert_plain(v, f"{where}[{i}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{where}: {type(value).__name__}"


def _yaml_round(d: dict) -> dict:
    return yaml.safe_load(yaml.safe_dump(d, sort_keys=False))


# ----------------------------------------------------------------------------- every transform
@pytest.mark.parametrize(("name", "i", "kwargs"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_every_transform_round_trips(name, i, kwargs):
    original = _transform(name, kwargs)
    d = A.to_dict(_pipeline([original]))
    _assert_plain(d)
    node = d["transform"]["transforms"][0]
    assert node["__class_fullname__"] == name
    assert node["p"] == original.p
    if name == "Lambda":
        assert node == {"__class_fullname__": "Lambda", "name": "ident", "p": 0.75}
    else:  # every init argument is there
        assert set(node) == {"__class_fullname__", *original.init_args()}
    for copy_of_d in (d, json.loads(json.dumps(d)), _yaml_round(d)):
        loaded = A.from_dict(copy_of_d, nonserializable=NONSERIALIZABLE)
        assert A.to_dict(loaded) == d
        t = loaded[0]
        assert type(t) is type(original)
        if name != "Lambda":
            assert repr(t) == repr(original)
    # the same seed gives the same results before and after
    expected = _outputs(_pipeline([_transform(name, kwargs)]))
    got = _outputs(A.from_dict(json.loads(json.dumps(d)), nonserializable=NONSERIALIZABLE))
    for a, b in zip(expected, got, strict=True):
        if isinstance(a, tuple):
            assert a == b
        else:
            assert_same(a, b)


def test_every_registered_transform_is_covered():
    covered = {name for name, _, _ in CASES}
    assert covered == set(A.TRANSFORMS)
    stale = set(VARIANTS) - set(A.TRANSFORMS)
    assert not stale, f"VARIANTS names classes that do not exist: {stale}"


def test_single_transform_to_dict():
    d = A.to_dict(A.Resize(8, 9, p=0.5))
    assert d["transform"] == {
        "__class_fullname__": "Resize",
        "p": 0.5,
        "height": 8,
        "width": 9,
        "interpolation": 1,
        "mask_interpolation": 0,
        "area_for_downscale": None,
    }
    assert repr(A.from_dict(d)) == repr(A.Resize(8, 9, p=0.5))


# ----------------------------------------------------------------------------- compositions
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


def test_compositions_round_trip():
    pipe = _nested()
    d = A.to_dict(pipe)
    _assert_plain(d)
    assert d["__version__"] == A.__version__ and d["__format__"] == S.FORMAT_VERSION == 1
    top = d["transform"]
    assert list(top)[:3] == ["__class_fullname__", "p", "transforms"]
    assert top["__class_fullname__"] == "Compose" and top["p"] == 0.95
    assert top["seed"] == 7 and top["strict"] is True
    assert top["additional_targets"] == {"image2": "image", "mask2": "mask"}
    assert top["bbox_params"] == {
        "format": "coco",
        "label_fields": ["labels"],
        "min_area": 2.0,
        "min_visibility": 0.1,
        "min_width": 0.0,
        "min_height": 0.0,
        "clip": True,
        "filter_invalid_bboxes": True,
    }
    assert top["keypoint_params"] == {
        "format": "xyas",
        "label_fields": ["kp_labels"],
        "remove_invisible": False,
        "angle_in_degrees": True,
    }
    kinds = [t["__class_fullname__"] for t in top["transforms"]]
    assert kinds == [
        "OneOf",
        "SomeOf",
        "RandomOrder",
        "OneOrOther",
        "Sequential",
        "RandomOrder",
        "RandomCrop",
    ]
    assert top["transforms"][1]["n"] == 2 and top["transforms"][1]["replace"] is True
    assert top["transforms"][5]["n"] == 2  # RandomOrder(n=None) means all of them
    assert "first" not in top["transforms"][3] and len(top["transforms"][3]["transforms"]) == 2
    for variant in (d, json.loads(json.dumps(d)), _yaml_round(d)):
        assert A.to_dict(A.from_dict(variant)) == d
    loaded = A.from_dict(d)
    assert repr(loaded) == repr(pipe)
    a = _outputs(_nested(), calls=6, **_nested_inputs())
    b = _outputs(loaded, calls=6, **_nested_inputs())
    for x, y in zip(a, b, strict=True):
        assert_same(x, y)


def test_compositions_round_trip_batches():
    images = np.random.default_rng(3).integers(0, 256, (6, 24, 24, 3), dtype=np.uint8)
    pipe = A.Compose(
        [A.OneOf([A.HorizontalFlip(), A.RandomGamma()]), A.SomeOf([A.VerticalFlip(), A.InvertImg()], n=1)],
        seed=5,
    )
    loaded = A.from_dict(json.loads(json.dumps(A.to_dict(pipe))))
    for _ in range(3):
        assert_same(pipe.batch(images=images), loaded.batch(images=images))


def test_pipeline_without_seed_and_empty_compositions():
    for pipe in (A.Compose([]), A.Compose([A.OneOf([])]), A.Compose([A.SomeOf([], n=0)])):
        d = A.to_dict(pipe)
        assert d["transform"]["seed"] is None
        assert A.to_dict(A.from_dict(d)) == d


def test_every_composition_class_round_trips():
    """Every composition class (found through BaseCompose's subclasses, so new ones are covered) keeps
    all its constructor arguments through a round trip."""
    children = [A.HorizontalFlip(p=0.3), A.VerticalFlip(p=0.6)]
    special: dict[str, dict[str, Any]] = {"SomeOf": {"n": 2}, "RandomOrder": {"n": 1, "replace": True}}
    comps = S._compositions()
    assert {"Compose", "OneOf", "SomeOf", "RandomOrder", "OneOrOther", "Sequential"} <= set(comps)
    for name, cls in comps.items():
        pipe = cls(transforms=children, **special.get(name, {}), p=0.9)
        d = A.to_dict(pipe)
        node = d["transform"]
        assert node["__class_fullname__"] == name and node["p"] == 0.9
        params = set(S._init_params(cls)) - ({"first", "second"} if name == "OneOrOther" else set())
        assert set(node) == {"__class_fullname__", *params}, name
        loaded = A.from_dict(json.loads(json.dumps(d)))
        assert type(loaded) is cls and A.to_dict(loaded) == d and repr(loaded) == repr(pipe)


def test_save_applied_params_and_replay_compose_are_saved():
    if "save_applied_params" in S._init_params(A.Compose):
        pipe = A.Compose([A.HorizontalFlip()], save_applied_params=True, seed=2)
        d = A.to_dict(pipe)
        assert d["transform"]["save_applied_params"] is True
        loaded = A.from_dict(d)
        assert loaded.save_applied_params is True
        img = np.arange(12, dtype=np.uint8).reshape(3, 4)
        assert_same(pipe(image=img), loaded(image=img))
    replay = S._compositions().get("ReplayCompose")
    if replay is not None:
        pipe = replay([A.RandomGamma(), A.HorizontalFlip()], save_key="rp", seed=3)
        d = A.to_dict(pipe)
        assert d["transform"]["save_key"] == "rp"
        loaded = A.from_dict(d)
        assert type(loaded) is replay and loaded.save_key == "rp"
        img = np.arange(12, dtype=np.uint8).reshape(3, 4)
        assert_same(pipe(image=img), loaded(image=img))


def test_added_targets_are_saved():
    pipe = A.Compose([A.HorizontalFlip()])
    pipe.add_targets({"depth": "mask"})
    assert A.from_dict(A.to_dict(pipe)).additional_targets == {"depth": "mask"}


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_save_and_load_paths_and_files(tmp_path, fmt):
    pipe = _nested()
    d = A.to_dict(pipe)
    path = tmp_path / f"pipe.{fmt}"
    A.save(pipe, path, data_format=fmt)
    assert A.to_dict(A.load(path, data_format=fmt)) == d
    assert A.to_dict(A.load(str(path), data_format=fmt)) == d
    text = path.read_text()
    if fmt == "json":
        assert json.loads(text) == d
    else:
        assert yaml.safe_load(text) == d and not text.lstrip().startswith("{")
    buf = io.StringIO()
    A.save(pipe, buf, data_format=fmt)
    buf.seek(0)
    assert A.to_dict(A.load(buf, data_format=fmt)) == d
    with path.open() as f:  # an open file object
        assert A.to_dict(A.load(f, data_format=fmt)) == d
    with path.open("rb") as f:  # binary files are read as UTF-8
        assert A.to_dict(A.load(f, data_format=fmt)) == d
    raw = io.BytesIO()  # and written as UTF-8
    A.save(pipe, raw, data_format=fmt)
    assert raw.getvalue().decode("utf-8") == text
    with (tmp_path / f"binary.{fmt}").open("wb") as f:
        A.save(pipe, f, data_format=fmt)
    assert (tmp_path / f"binary.{fmt}").read_text() == text
    # the loaded pipeline behaves like the original
    a = _outputs(_nested(), calls=4, **_nested_inputs())
    b = _outputs(A.load(path), calls=4, **_nested_inputs())
    for x, y in zip(a, b, strict=True):
        assert_same(x, y)


def test_data_format_from_the_suffix(tmp_path):
    pipe = A.Compose([A.HorizontalFlip()], seed=1)
    for name, is_yaml in (("a.yaml", True), ("b.YML", True), ("c.json", False), ("d.txt", False)):
        A.save(pipe, tmp_path / name)
        text = (tmp_path / name).read_text()
        assert text.lstrip().startswith("{") != is_yaml
        assert A.to_dict(A.load(tmp_path / name)) == A.to_dict(pipe)
    A.save(pipe, tmp_path / "e.yaml", data_format="json")  # explicit wins
    assert json.loads((tmp_path / "e.yaml").read_text()) == A.to_dict(pipe)
    with pytest.raises(ValueError, match="data_format"):
        A.save(pipe, tmp_path / "f", data_format="toml")
    with pytest.raises(ValueError, match="data_format"):
        A.load(tmp_path / "c.json", data_format="xml")


def test_yaml_needs_pyyaml_and_json_does_not(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ImportError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "yaml", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_yaml)
    pipe = A.Compose([A.HorizontalFlip()])
    with pytest.raises(ImportError, match="PyYAML"):
        A.save(pipe, tmp_path / "p.yaml")
    with pytest.raises(ImportError, match="PyYAML"):
        A.load(io.StringIO("transform: {}"), data_format="yaml")
    A.save(pipe, tmp_path / "p.json")
    assert A.to_dict(A.load(tmp_path / "p.json")) == A.to_dict(pipe)


def test_unparsable_files_name_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(A.SerializationError, match=r"bad\.json.*JSON"):
        A.load(bad)
    (tmp_path / "bad.yaml").write_text("transform: [unclosed")
    with pytest.raises(A.SerializationError, match=r"bad\.yaml.*YAML"):
        A.load(tmp_path / "bad.yaml")


# ----------------------------------------------------------------------------- Lambda
def _double(img, **params):
    return img * 2


def _flip_boxes(boxes, **params):
    return boxes


def test_lambda_saves_by_name_and_loads_by_name(tmp_path):
    lam = A.Lambda(name="double", image=_double, bboxes=_flip_boxes, p=0.6)
    pipe = A.Compose([lam, A.HorizontalFlip(p=1)])
    d = A.to_dict(pipe)
    assert d["transform"]["transforms"][0] == {"__class_fullname__": "Lambda", "name": "double", "p": 0.6}
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    # by a Lambda: its functions; name and p from the file
    other = A.Lambda(name="whatever", image=_double, bboxes=_flip_boxes, p=1.0)
    loaded = A.from_dict(d, nonserializable={"double": other})
    t = loaded[0]
    assert (t.image, t.bboxes, t.name, t.p) == (_double, _flip_boxes, "double", 0.6)
    assert t is not other and other.name == "whatever" and other.p == 1.0
    assert A.to_dict(loaded) == d
    # by a dict of functions
    loaded = A.from_dict(d, nonserializable={"double": {"image": _double, "bboxes": _flip_boxes}})
    assert (loaded[0].image, loaded[0].mask, loaded[0].p) == (_double, None, 0.6)
    one = A.Compose([A.Lambda(name="double", image=_double, p=1.0)])
    assert A.load(io.StringIO(json.dumps(A.to_dict(one))), nonserializable={"double": {"image": _double}})(
        image=img
    )["image"].tolist() == [[0, 2, 4], [6, 8, 10]]
    # save/load through a file
    A.save(pipe, tmp_path / "lam.yaml")
    assert A.to_dict(A.load(tmp_path / "lam.yaml", nonserializable={"double": lam})) == d


def test_lambda_errors():
    with pytest.raises(A.SerializationError, match=r"transform\.transforms\[0\] \(Lambda\).*without a name"):
        A.to_dict(A.Compose([A.Lambda(image=_double)]))
    d = A.to_dict(A.Compose([A.NoOp(), A.Lambda(name="double", image=_double)]))
    with pytest.raises(
        A.SerializationError, match=r"transform\.transforms\[1\] \(Lambda\).*'double'.*nonserializable"
    ):
        A.from_dict(d)
    with pytest.raises(A.SerializationError, match=r"'double'.*it has \['triple'\]"):
        A.from_dict(d, nonserializable={"triple": {"image": _double}})
    with pytest.raises(A.SerializationError, match=r"unknown target.*'img'"):
        A.from_dict(d, nonserializable={"double": {"img": _double}})
    with pytest.raises(TypeError, match=r"nonserializable\['double'\].*Lambda or a dict"):
        A.from_dict(d, nonserializable={"double": _double})
    with pytest.raises(A.SerializationError, match=r"Lambda.*image.*expected a callable"):
        A.from_dict(d, nonserializable={"double": {"image": 3}})
    bad = copy.deepcopy(d)
    bad["transform"]["transforms"][1]["image"] = "numpy.sqrt"
    with pytest.raises(A.SerializationError, match=r"transforms\[1\] \(Lambda\).*unknown key.*'image'"):
        A.from_dict(bad, nonserializable={"double": {"image": _double}})
    bad = copy.deepcopy(d)
    del bad["transform"]["transforms"][1]["name"]
    with pytest.raises(A.SerializationError, match=r"transforms\[1\] \(Lambda\): name"):
        A.from_dict(bad)
    bad["transform"]["transforms"][1].update(name="double", p=3)
    with pytest.raises(
        A.SerializationError, match=r"transforms\[1\] \(Lambda\): p: expected a value in \[0, 1\]"
    ):
        A.from_dict(bad, nonserializable={"double": A.Lambda(image=_double)})


# ----------------------------------------------------------------------------- malformed input
def _doc(*transforms: dict, **top: Any) -> dict:
    return {
        "__version__": "0.1.0",
        "__format__": 1,
        "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": list(transforms), **top},
    }


def _flip(**kw: Any) -> dict:
    return {"__class_fullname__": "HorizontalFlip", "p": 0.5, **kw}


MALFORMED = [
    # (description, document, exception type, regex)
    ("not a dict", [1, 2], TypeError, r"expected a dict"),
    ("no transform", {"__version__": "1"}, ValueError, r"missing 'transform'"),
    ("extra top key", {**_doc(), "extra": 1}, ValueError, r"unknown top-level key.*'extra'"),
    ("unknown version", {**_doc(), "__format__": 2}, ValueError, r"__format__: unknown format version 2"),
    ("version as text", {**_doc(), "__format__": "1"}, ValueError, r"unknown format version '1'"),
    (
        "node not a dict",
        _doc(_flip(), "HorizontalFlip"),
        ValueError,
        r"^transform\.transforms\[1\]: expected a dict",
    ),
    (
        "missing class name",
        _doc(_flip(), _flip(), {"__class_fullname__": "OneOf", "transforms": [{"p": 0.5}]}),
        ValueError,
        r"^transform\.transforms\[2\]\.transforms\[0\]: missing '__class_fullname__'",
    ),
    (
        "class name not text",
        _doc({"__class_fullname__": 3}),
        ValueError,
        r"transforms\[0\]: __class_fullname__",
    ),
    (
        "unknown argument",
        _doc(_flip(flip=True)),
        ValueError,
        r"^transform\.transforms\[0\] \(HorizontalFlip\): unknown argument\(s\) 'flip'; xalbu's HorizontalFlip takes p",
    ),
    (
        "p of the wrong type",
        _doc({"__class_fullname__": "OneOf", "transforms": [_flip(p="high")]}),
        TypeError,
        r"^transform\.transforms\[0\]\.transforms\[0\] \(HorizontalFlip\): p: expected a number, got 'high'",
    ),
    (
        "p out of range",
        _doc(_flip(p=1.5)),
        ValueError,
        r"\(HorizontalFlip\): p: expected a value in \[0, 1\], got 1\.5",
    ),
    (
        "range out of range",
        _doc({"__class_fullname__": "Solarize", "p": 1, "threshold_range": [0.2, 3]}),
        ValueError,
        r"\(Solarize\): threshold_range\[1\]: expected a value in \[0, 1\]",
    ),
    (
        "bool as text",
        _doc({"__class_fullname__": "Affine", "fit_output": "yes"}),
        TypeError,
        r"\(Affine\): fit_output: expected true or false, got 'yes'",
    ),
    (
        "bool as text for a composition",
        _doc(**{"strict": "no"}),
        TypeError,
        r"^transform \(Compose\): strict: expected true or false",
    ),
    (
        "missing required argument",
        _doc({"__class_fullname__": "Resize", "height": 4}),
        ValueError,
        r"\(Resize\): missing argument\(s\) 'width'",
    ),
    (
        "interpolation code",
        _doc({"__class_fullname__": "Resize", "height": 4, "width": 4, "interpolation": 9}),
        ValueError,
        r"\(Resize\): interpolation: expected one of",
    ),
    (
        "transforms not a list",
        _doc({"__class_fullname__": "OneOf", "transforms": {"a": 1}}),
        TypeError,
        r"transforms\[0\] \(OneOf\): transforms: expected a list",
    ),
    (
        "compose without transforms",
        {"transform": {"__class_fullname__": "Compose"}, "__format__": 1},
        ValueError,
        r"missing argument\(s\) 'transforms'",
    ),
    (
        "bbox params not a dict",
        _doc(bbox_params="coco"),
        TypeError,
        r"^transform\.bbox_params: expected a dict",
    ),
    (
        "bbox format",
        _doc(bbox_params={"format": "xywh"}),
        ValueError,
        r"^transform\.bbox_params \(BboxParams\): BboxParams\.format: expected one of",
    ),
    (
        "bbox unknown key",
        _doc(bbox_params={"format": "coco", "check_each_transform": True}),
        ValueError,
        r"^transform\.bbox_params \(BboxParams\): unknown argument\(s\) 'check_each_transform'",
    ),
    (
        "keypoint format",
        _doc(keypoint_params={"format": "xyz"}),
        ValueError,
        r"^transform\.keypoint_params \(KeypointParams\): KeypointParams\.format",
    ),
    (
        "additional target kind",
        _doc(additional_targets={"x": "depth"}),
        ValueError,
        r"\(Compose\): additional_targets\['x'\]",
    ),
    ("seed", _doc(seed=-1), ValueError, r"\(Compose\): seed: expected a value in \[0, inf\]"),
    (
        "SomeOf n",
        _doc({"__class_fullname__": "SomeOf", "transforms": [_flip()], "n": 3}),
        ValueError,
        r"transforms\[0\] \(SomeOf\): n: expected at most 1",
    ),
    (
        "OneOrOther with one child",
        _doc({"__class_fullname__": "OneOrOther", "transforms": [_flip()]}),
        ValueError,
        r"transforms\[0\] \(OneOrOther\): transforms: expected exactly 2",
    ),
]


@pytest.mark.parametrize(("what", "doc", "exc", "pattern"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_names_the_node(what, doc, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        A.from_dict(doc)
    assert isinstance(info.value, A.SerializationError) or what == "not a dict"
    assert not isinstance(info.value, KeyError)


def test_unknown_transforms_are_listed_together():
    doc = _doc(
        {"__class_fullname__": "Blur", "p": 0.5},
        {"__class_fullname__": "OneOf", "transforms": [_flip(), {"__class_fullname__": "CLAHE"}]},
        {
            "__class_fullname__": "Sequential",
            "transforms": [
                {"__class_fullname__": "OneOf", "transforms": [{"__class_fullname__": "GaussNoise"}]}
            ],
        },
        {"__class_fullname__": "HorizontalFlip", "p": "bad"},  # never reached: the missing classes come first
    )
    with pytest.raises(A.SerializationError) as info:
        A.from_dict(doc)
    msg = str(info.value)
    assert msg.startswith("3 transform(s) in this pipeline do not exist in xalbu")
    for where in (
        "transform.transforms[0] (Blur)",
        "transform.transforms[1].transforms[1] (CLAHE)",
        "transform.transforms[2].transforms[0].transforms[0] (GaussNoise)",
    ):
        assert where in msg


def test_constructor_errors_keep_their_message_and_cause():
    doc = _doc({"__class_fullname__": "Affine", "scale": {"z": 1}})
    with pytest.raises(A.SerializationError) as info:
        A.from_dict(doc)
    try:
        A.Affine(scale={"z": 1})
    except ValueError as e:
        original = str(e)
    assert str(info.value) == f"transform.transforms[0] (Affine): {original}"
    assert isinstance(info.value.__cause__, ValueError) and info.value.path == "transform.transforms[0]"


def _mutations(node: Any, path: tuple = ()):
    """Every document obtained by deleting one key or replacing one value with junk."""
    junk = ["x", -1, 2.5, None, [], {}, [1, "a"], {"x": 1}, True, 10**9]
    if isinstance(node, dict):
        for k in list(node):
            yield ("del", (*path, k), None)
            for j in junk:
                yield ("set", (*path, k), j)
            yield from _mutations(node[k], (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _mutations(v, (*path, i))


def _apply(doc: dict, op: str, path: tuple, value: Any) -> dict:
    out = copy.deepcopy(doc)
    target = out
    for k in path[:-1]:
        target = target[k]
    if op == "del":
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


def test_mutated_documents_fail_cleanly():
    """Deleting any key or putting junk in any place gives a pipeline or a SerializationError, never a
    KeyError/IndexError/AttributeError from inside the loader."""
    base = A.to_dict(
        A.Compose(
            [
                A.OneOf([A.Affine(scale={"x": (0.9, 1.1), "y": 1.0}), A.Resize(8, 8)]),
                A.SomeOf([A.Posterize(num_bits=[2, (3, 4), 5]), A.Normalize()], n=1),
                A.OneOrOther(A.HorizontalFlip(), A.PadIfNeeded(8, 8)),
                A.LongestMaxSize(max_size=[8, 9]),
            ],
            bbox_params=A.BboxParams(format="coco", label_fields=["l"]),
            keypoint_params=A.KeypointParams(),
            additional_targets={"i2": "image"},
            seed=1,
        )
    )
    count = 0
    for op, path, value in _mutations(base):
        doc = _apply(base, op, path, value)
        try:
            A.from_dict(doc)
        except A.SerializationError:
            pass
        count += 1
    assert count > 500


# ----------------------------------------------------------------------------- albumentations' files
# Arguments that xalbu's to_dict writes and albumentations does not, where that is expected:
# albumentations' ShiftScaleRotate writes only shift_limit_x/shift_limit_y, which replace shift_limit.
XALBU_ONLY_ARGS = {"ShiftScaleRotate": {"shift_limit"}}


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


def _photo(h: int = 120, w: int = 160) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.random.default_rng(0).integers(0, 40, (h, w))
    return np.stack([(xx * 255 // w + r) % 256, (yy * 255 // h) % 256, (xx + yy + r) % 256], -1).astype(
        np.uint8
    )


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
    assert "transform.transforms[0] (Blur)" in msg
    assert "transform.transforms[1].transforms[1] (CLAHE)" in msg
    assert "transform.transforms[1].transforms[2].transforms[0] (GaussNoise)" in msg


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
        ({"mask_interpolation": 1}, r"^transform \(Compose\): mask_interpolation=1"),
        (
            {"bbox_params": {"format": "coco", "max_accept_ratio": 3.0}},
            r"^transform\.bbox_params \(BboxParams\): max_accept_ratio=3\.0",
        ),
        (
            {"bbox_params": {"format": "coco", "min_aspect": 3.0}},
            r"^transform\.bbox_params \(BboxParams\): unknown argument\(s\) 'min_aspect'",
        ),
        (
            {"keypoint_params": {"format": "xy", "check_each_transform": False}},
            r"^transform\.keypoint_params \(KeypointParams\): check_each_transform=False.*only true",
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
            "max_accept_ratio": None,
        },
        keypoint_params={"format": "xy", "label_fields": ["k"], "check_each_transform": True},
    )
    pipe = A.from_dict(doc)
    assert (pipe.seed, pipe.strict, pipe.bbox_params.format, pipe.bbox_params.label_fields) == (
        4,
        True,
        "yolo",
        (),
    )
    assert pipe.keypoint_params.label_fields == ("k",)


def test_mapping_table_has_reasons_and_names_real_classes():
    for name, rules in {**S.ALBUMENTATIONS_ARGS, "*": S.ALBUMENTATIONS_COMMON}.items():
        compositions = S._compositions()
        assert name == "*" or name in A.TRANSFORMS or name in compositions, name
        for key, rule in rules.items():
            assert rule.reason and rule.action in ("drop", "rename", "always_apply", "size"), (name, key)
            if rule.action == "rename":
                cls = compositions[name] if name in compositions else A.TRANSFORMS[name]
                assert rule.to in S._init_params(cls), (name, key)


# ----------------------------------------------------------------------------- with albumentations
# Constructor arguments for albumentations (default-ish and non-default); classes missing here use the
# EXAMPLES of test_contract, so a new transform that albumentations also has is checked at once.
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


def _alb_shared(alb_module) -> list[str]:
    return [n for n in NAMES if n != "Lambda" and hasattr(alb_module, n)]


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
            try:
                want = alb.Compose([alb_t])(image=x)["image"]
            except Exception:  # noqa: BLE001 - e.g. Crop's default box (1024 px) on a small image
                with pytest.raises(ValueError):
                    loaded(image=x)
            else:
                out = loaded(image=x)["image"]
                if name == "ToTensorV2":  # both give a (C, H, W) torch tensor of the same values
                    assert type(out) is type(want) and out.shape == want.shape and bool((out == want).all())
                    checked += 1
                    continue
                # random draws: only the kind of dtype is compared (albumentations gives float64 for some
                # normalisations, xalbu float32)
                assert out.ndim in (2, 3) and out.size > 0 and out.dtype.kind == want.dtype.kind, (
                    name,
                    kwargs,
                )
            checked += 1
    assert checked >= 2 * len(shared)


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
