"""``to_dict``/``from_dict`` round trips: every transform (with every argument set its class declares in
``examples()``, so a new transform is covered as soon as it is registered) and every composition keep
their arguments and their results."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import numpy as np
import pytest
import yaml
from test_contract import EXAMPLES, assert_same

import xalbu as A
from xalbu.core import serialization as S

from ._helpers import (
    NAMES,
    _identity,
    _nested,
    _nested_inputs,
    _outputs,
)

# Non-default constructor arguments: the variants each class declares after its canonical example.
VARIANTS: dict[str, list[dict[str, Any]]] = {
    name: cls.examples(24, 32)[1:] for name, cls in A.TRANSFORMS.items()
}

CASES = [
    (name, i, kw) for name in NAMES for i, kw in enumerate([EXAMPLES.get(name, {}), *VARIANTS.get(name, [])])
]


def _transform(name: str, kwargs: dict[str, Any], p: float = 0.75) -> A.BasicTransform:
    kwargs = dict(kwargs)
    if name == "Lambda":
        kwargs["name"] = "ident"
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
HAS_TORCH = importlib.util.find_spec("torch") is not None
NEEDS_TORCH = pytest.mark.skipif(
    not HAS_TORCH, reason="torch not installed (format transforms make torch tensors)"
)
CASE_PARAMS = [
    pytest.param(
        name, i, kw, id=f"{name}-{i}", marks=[NEEDS_TORCH] if A.TRANSFORMS[name].kind == "format" else []
    )
    for name, i, kw in CASES
]


@pytest.mark.parametrize(("name", "i", "kwargs"), CASE_PARAMS)
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
    assert sum(len(v) for v in VARIANTS.values()) >= 25  # the declared variants are really used


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
        "check_each_transform": True,
        "max_accept_ratio": None,
    }
    assert top["keypoint_params"] == {
        "format": "xyas",
        "label_fields": ["kp_labels"],
        "remove_invisible": False,
        "angle_in_degrees": True,
        "check_each_transform": True,
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
