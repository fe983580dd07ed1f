"""Malformed documents: errors that name the node path, unknown transforms listed together, constructor
errors with their cause, and any mutation of a document failing cleanly."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import xalbu as A


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
        _doc(bbox_params={"format": "coco", "check_each_frame": True}),
        ValueError,
        r"^transform\.bbox_params \(BboxParams\): unknown argument\(s\) 'check_each_frame'",
    ),
    (
        "keypoint format",
        _doc(keypoint_params={"format": "xyzq"}),
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
        {"__class_fullname__": "PluginBlur", "p": 0.5},
        {"__class_fullname__": "OneOf", "transforms": [_flip(), {"__class_fullname__": "PluginCLAHE"}]},
        {
            "__class_fullname__": "Sequential",
            "transforms": [
                {"__class_fullname__": "OneOf", "transforms": [{"__class_fullname__": "PluginNoise"}]}
            ],
        },
        {"__class_fullname__": "HorizontalFlip", "p": "bad"},  # never reached: the missing classes come first
    )
    with pytest.raises(A.SerializationError) as info:
        A.from_dict(doc)
    msg = str(info.value)
    assert msg.startswith("3 transform(s) in this pipeline do not exist in xalbu")
    for where in (
        "transform.transforms[0] (PluginBlur)",
        "transform.transforms[1].transforms[1] (PluginCLAHE)",
        "transform.transforms[2].transforms[0].transforms[0] (PluginNoise)",
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
