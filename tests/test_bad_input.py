"""Bad input is refused clearly (issue 11): property tests, so that each class of defect stays fixed.

- every registered transform (``xalbu.TRANSFORMS``, arguments from ``cls.examples``): each numeric
  argument (every number inside it: ranges, per-axis dicts, per-channel fills) replaced in turn by
  NaN, an infinity or a string, and each boolean argument by strings such as ``"no"``/``"False"``
  or by numbers, must raise ``TypeError``/``ValueError`` naming the argument; NumPy bools are
  accepted as booleans;
- the same over ``BboxParams``, ``KeypointParams``, ``Compose`` and the other compositions (no
  known failures there);
- malformed compositions (``Compose(None)``, ``n`` out of range...), ``Compose(is_check_shapes=...,
  mask_interpolation=...)``;
- files and records: non-UTF-8 files, documents nested past the stated limits, replay records whose
  parameters are null or of the wrong type.

Known failures would be listed in ``KNOWN_NUMBERS``, ``KNOWN_BOOL`` and ``KNOWN_NUMPY_BOOL`` as
strict xfails (fixing one turns the test red until its entry is removed); there are none.
"""

from __future__ import annotations

import inspect
import json
import math
from numbers import Real
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_contract import Pipe

import xalbu as A
from xalbu.core import serialization as S

H, W = 24, 32
NAMES = sorted(A.TRANSFORMS)

PROPERTY = settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=12,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure is shown as drawn
    suppress_health_check=[HealthCheck.too_slow],
)

NAN_INF = [
    float("nan"),
    float("inf"),
    -float("inf"),
    np.nan,
    np.float32("nan"),
    np.float64("inf"),
    np.float32("-inf"),
]
BAD_NUMBERS = st.one_of(
    st.sampled_from(NAN_INF),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not math.isfinite(x)),
    st.sampled_from(["1", "0.5", "abc", "", "nan", "inf"]),
    st.text(max_size=4),
)
BAD_BOOLS = st.one_of(
    st.sampled_from(["no", "No", "False", "false", "0", "", "yes", "True", "true", "off"]),
    st.sampled_from([0, 1, 0.0, 1.0, np.int64(1), np.int8(0), None, [True], (False,)]),
    st.text(max_size=5),
)


# ----------------------------------------------------------------------------------------------
# where the numbers and booleans are
# ----------------------------------------------------------------------------------------------
def _signature(cls: type) -> dict[str, inspect.Parameter]:
    params = inspect.signature(cls.__init__).parameters
    return {
        k: p for k, p in params.items() if k != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to the numbers inside ``value`` (itself, list/tuple items, dict values)."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return []
    if isinstance(value, Real):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return []


def _put(value: Any, path: tuple, new: Any) -> Any:
    """``value`` with the item at ``path`` replaced by ``new`` (containers keep their types)."""
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, key: _put(value[key], rest, new)}
    items = list(value)
    items[key] = _put(items[key], rest, new)
    return tuple(items) if isinstance(value, tuple) else items


def _numeric_cases(cls: type) -> list[tuple[str, dict[str, Any]]]:
    """(argument, constructor arguments where it holds numbers) for every numeric argument: from the
    first example that gives it numbers, else from its default."""
    examples = cls.examples(H, W)
    out = []
    for arg, prm in _signature(cls).items():
        base = next((ex for ex in examples if arg in ex and _leaves(ex[arg])), None)
        if base is None and prm.default is not prm.empty and _leaves(prm.default):
            base = {**examples[0], arg: prm.default}
        if base is not None:
            out.append((arg, base))
    return out


def _bool_args(cls: type) -> list[str]:
    return [arg for arg, prm in _signature(cls).items() if isinstance(prm.default, bool)]


NUMERIC = [(name, arg, base) for name in NAMES for arg, base in _numeric_cases(A.TRANSFORMS[name])]
BOOLEAN = [(name, arg) for name in NAMES for arg in _bool_args(A.TRANSFORMS[name])]

# known failures in xalbu/transforms (owned by another engineer), each with its cause: strict xfails,
# so that fixing one turns its test red until the entry is removed here
KNOWN_NUMBERS: dict[tuple[str, str], str] = {}
KNOWN_BOOL: dict[tuple[str, str], str] = {}
KNOWN_NUMPY_BOOL: dict[tuple[str, str], str] = {}


def _cases(cases: list[tuple], known: dict[tuple[str, str], str]) -> list[Any]:
    out = []
    for case in cases:
        key = (case[0], case[1])
        marks = [pytest.mark.xfail(strict=True, reason=known[key])] if key in known else []
        out.append(pytest.param(*case, marks=marks, id=f"{key[0]}.{key[1]}"))
    return out


def _refused(make: Any, arg: str) -> None:
    """``make()`` raises TypeError or ValueError whose message names ``arg``."""
    with pytest.raises((TypeError, ValueError)) as info:
        make()
    assert arg in str(info.value), f"the message does not name {arg!r}: {info.value}"


def test_the_registry_cases_exist():
    assert len(NUMERIC) >= 60, len(NUMERIC)
    assert len(BOOLEAN) >= 12, BOOLEAN
    for cases, known in ((NUMERIC, KNOWN_NUMBERS), (BOOLEAN, KNOWN_BOOL), (BOOLEAN, KNOWN_NUMPY_BOOL)):
        listed = {(c[0], c[1]) for c in cases}
        assert set(known) <= listed, set(known) - listed  # no stale entries


# ----------------------------------------------------------------------------------------------
# transforms
# ----------------------------------------------------------------------------------------------
def _run_property(request: Any, prop: Any) -> None:
    """Run a property defined inside a parametrized test (its arguments vary per case); a known
    failure (strict xfail) leaves no failing-example patch under .hypothesis/ (those patches would
    add @example to the wrong function here anyway)."""
    try:
        prop()
    finally:
        request.node.__dict__.pop("_hypothesis_failing_examples", None)


@pytest.mark.parametrize(("name", "arg", "base"), _cases(NUMERIC, KNOWN_NUMBERS))
def test_a_non_finite_or_text_number_is_refused(request, name, arg, base):
    cls = A.TRANSFORMS[name]

    @PROPERTY
    @given(path=st.sampled_from(_leaves(base[arg])), bad=BAD_NUMBERS)
    def refused(path: tuple, bad: Any) -> None:
        _refused(lambda: cls(**{**base, arg: _put(base[arg], path, bad)}), arg)

    _run_property(request, refused)


@pytest.mark.parametrize(("name", "arg"), _cases(BOOLEAN, KNOWN_BOOL))
def test_a_boolean_takes_only_true_or_false(request, name, arg):
    cls = A.TRANSFORMS[name]

    @PROPERTY
    @given(bad=BAD_BOOLS)
    def refused(bad: Any) -> None:
        _refused(lambda: cls(**{**cls.examples(H, W)[0], arg: bad}), arg)

    _run_property(request, refused)


@pytest.mark.parametrize(("name", "arg"), _cases(BOOLEAN, KNOWN_NUMPY_BOOL))
def test_a_numpy_bool_is_a_boolean(name, arg):
    cls = A.TRANSFORMS[name]
    for value in (np.True_, np.False_):
        t = cls(**{**cls.examples(H, W)[0], arg: value})
        assert getattr(t, arg) is bool(value), (arg, getattr(t, arg))


@pytest.mark.parametrize("name", NAMES)
def test_nan_p_is_refused(name):
    cls = A.TRANSFORMS[name]
    for bad in (float("nan"), np.float32("nan"), float("inf"), "0.5", True):
        _refused(lambda bad=bad: cls(**{**cls.examples(H, W)[0], "p": bad}), "p")


# ----------------------------------------------------------------------------------------------
# BboxParams, KeypointParams
# ----------------------------------------------------------------------------------------------
BBOX_NUMBERS = ["min_area", "min_visibility", "min_width", "min_height"]
BBOX_BOOLS = ["clip", "filter_invalid_bboxes"]
KEYPOINT_BOOLS = ["remove_invisible", "angle_in_degrees"]


@pytest.mark.parametrize("arg", BBOX_NUMBERS)
@PROPERTY
@given(bad=BAD_NUMBERS)
def test_bbox_params_numbers(arg, bad):
    _refused(lambda: A.BboxParams(format="coco", **{arg: bad}), f"BboxParams.{arg}")
    _refused(lambda: A.Compose([], bbox_params={"format": "coco", arg: bad}), arg)


@pytest.mark.parametrize(
    ("cls", "arg"), [(A.BboxParams, a) for a in BBOX_BOOLS] + [(A.KeypointParams, a) for a in KEYPOINT_BOOLS]
)
@PROPERTY
@given(bad=BAD_BOOLS)
def test_params_booleans(cls, arg, bad):
    _refused(lambda: cls(**{arg: bad}), f"{cls.__name__}.{arg}")
    key = "bbox_params" if cls is A.BboxParams else "keypoint_params"
    _refused(lambda: A.Compose([], **{key: {arg: bad}}), arg)


@pytest.mark.parametrize(
    ("cls", "arg"), [(A.BboxParams, a) for a in BBOX_BOOLS] + [(A.KeypointParams, a) for a in KEYPOINT_BOOLS]
)
def test_params_take_numpy_bools(cls, arg):
    for value in (np.True_, np.False_):
        assert getattr(cls(**{arg: value}), arg) is bool(value)


def test_nan_box_thresholds_no_longer_drop_every_box():
    for arg in BBOX_NUMBERS:
        with pytest.raises(ValueError, match=rf"^BboxParams\.{arg}: expected a finite number, got nan"):
            A.BboxParams(**{arg: float("nan")})
    pipe = A.Compose([A.NoOp(p=1)], bbox_params=A.BboxParams(min_area=np.float32(4.0), clip=np.True_))
    out = pipe(image=np.zeros((H, W, 3), np.uint8), bboxes=[(0, 0, 4, 4), (0, 0, 1, 1)])
    assert len(out["bboxes"]) == 1


def test_label_fields_must_be_names():
    for bad in (5, 1.5, b"ab", {"a": 1}, [1, 2], ["a", None]):
        _refused(lambda bad=bad: A.BboxParams(label_fields=bad), "BboxParams.label_fields")
        _refused(lambda bad=bad: A.KeypointParams(label_fields=bad), "KeypointParams.label_fields")
    assert A.BboxParams(label_fields="labels").label_fields == ("labels",)


def test_unknown_params_keys_name_the_argument():
    _refused(lambda: A.Compose([], bbox_params={"format": "coco", "min_aera": 3}), "bbox_params")
    _refused(lambda: A.Compose([], keypoint_params={"fromat": "xy"}), "keypoint_params")
    _refused(lambda: A.Compose([], bbox_params=["coco"]), "bbox_params")


# ----------------------------------------------------------------------------------------------
# compositions
# ----------------------------------------------------------------------------------------------
def _flips() -> list[A.BasicTransform]:
    return [A.HorizontalFlip(), A.VerticalFlip()]


COMPOSITIONS = {
    "Compose": lambda **kw: A.Compose(_flips(), **kw),
    "OneOf": lambda **kw: A.OneOf(_flips(), **kw),
    "SomeOf": lambda **kw: A.SomeOf(_flips(), **kw),
    "Sequential": lambda **kw: A.Sequential(_flips(), **kw),
    "RandomOrder": lambda **kw: A.RandomOrder(_flips(), **kw),
    "OneOrOther": lambda **kw: A.OneOrOther(*_flips(), **kw),
    "ReplayCompose": lambda **kw: A.ReplayCompose(_flips(), **kw),
}
COMPOSE_BOOLS = ["strict", "save_applied_params", "fuse_affine", "is_check_shapes"]
COMPOSITION_NUMBERS = [(c, "p") for c in COMPOSITIONS] + [
    ("Compose", "seed"),
    ("Compose", "mask_interpolation"),
    ("SomeOf", "n"),
    ("RandomOrder", "n"),
]
COMPOSITION_BOOLS = (
    [("Compose", a) for a in COMPOSE_BOOLS]
    + [("ReplayCompose", a) for a in ("strict", "fuse_affine")]
    + [("SomeOf", "replace"), ("RandomOrder", "replace")]
)


@pytest.mark.parametrize(
    ("node", "arg"), COMPOSITION_NUMBERS, ids=[f"{n}.{a}" for n, a in COMPOSITION_NUMBERS]
)
@PROPERTY
@given(bad=BAD_NUMBERS)
def test_composition_numbers(node, arg, bad):
    _refused(lambda: COMPOSITIONS[node](**{arg: bad}), arg)


@pytest.mark.parametrize(("node", "arg"), COMPOSITION_BOOLS, ids=[f"{n}.{a}" for n, a in COMPOSITION_BOOLS])
@PROPERTY
@given(bad=BAD_BOOLS)
def test_composition_booleans(node, arg, bad):
    _refused(lambda: COMPOSITIONS[node](**{arg: bad}), arg)


@pytest.mark.parametrize(("node", "arg"), COMPOSITION_BOOLS, ids=[f"{n}.{a}" for n, a in COMPOSITION_BOOLS])
def test_compositions_take_numpy_bools(node, arg):
    pipe = COMPOSITIONS[node](**{arg: np.True_})
    assert getattr(pipe, arg) is True


NOT_TRANSFORM_LISTS = [
    None,
    5,
    1.5,
    "HorizontalFlip",
    b"xy",
    {"t": A.HorizontalFlip()},
    [None],
    [A.HorizontalFlip, 1],
]


@pytest.mark.parametrize("node", ["Compose", "OneOf", "SomeOf", "Sequential", "RandomOrder", "ReplayCompose"])
@pytest.mark.parametrize("bad", NOT_TRANSFORM_LISTS, ids=repr)
def test_transforms_must_be_a_list_of_transforms(node, bad):
    cls = getattr(A, node)
    with pytest.raises(TypeError, match=r"^transforms(\[\d\])?: expected a"):
        cls(bad)


def test_malformed_compositions():
    with pytest.raises(TypeError, match=r"^transforms: .*got None"):
        A.Compose(None)
    with pytest.raises(TypeError, match=r"^transforms\[0\]: .*HorizontalFlip\(\), not HorizontalFlip"):
        A.Compose([A.HorizontalFlip])
    with pytest.raises(TypeError, match=r"^first: "):
        A.OneOrOther(5, A.HorizontalFlip())
    with pytest.raises(TypeError, match=r"^second: "):
        A.OneOrOther(A.HorizontalFlip(), "x")
    with pytest.raises(ValueError, match=r"^first, second: "):
        A.OneOrOther(A.HorizontalFlip())
    with pytest.raises(ValueError, match=r"^transforms: expected exactly 2"):
        A.OneOrOther(transforms=_flips() * 2)
    with pytest.raises(ValueError, match=r"^n: expected at most 2"):
        A.SomeOf(_flips(), n=3)
    with pytest.raises(ValueError, match=r"^n: expected a value in \[0, inf\]"):
        A.SomeOf(_flips(), n=-1)
    with pytest.raises(TypeError, match=r"^n: expected an integer, got nan"):
        A.RandomOrder(_flips(), n=float("nan"))
    with pytest.raises(TypeError, match=r"^additional_targets: "):
        A.Compose([], additional_targets=["image2"])
    with pytest.raises(TypeError, match=r"^additional_targets: keys"):
        A.Compose([], additional_targets={1: "image"})
    with pytest.raises(TypeError, match=r"^seed: "):
        A.Compose([]).set_random_seed(1.5)
    assert A.SomeOf(_flips(), n=3, replace=True).n == 3
    assert len(A.Compose(A.HorizontalFlip())) == 1  # one transform alone is a list of one
    assert len(A.Compose(t for t in _flips())) == 2


def test_nan_p_no_longer_means_always():
    for node in COMPOSITIONS.values():
        with pytest.raises(ValueError, match=r"^p: expected a finite number, got nan"):
            node(p=float("nan"))


def test_is_check_shapes():
    assert A.Compose([], is_check_shapes=True).is_check_shapes is True
    relaxed = A.Compose([A.HorizontalFlip(p=1)], is_check_shapes=False)  # albumentations' code runs
    assert relaxed.is_check_shapes is False
    img, mask = np.zeros((4, 6, 3), np.uint8), np.zeros((4, 6), np.uint8)
    assert relaxed(image=img, mask=mask)["mask"].shape == (4, 6)
    with pytest.raises(ValueError, match=r"^mask: height and width \(4, 5\) differ .*is_check_shapes=False"):
        relaxed(image=img, mask=mask[:, :5])  # one geometry moves every target: sizes must agree
    with pytest.raises(TypeError, match=r"^is_check_shapes: expected True or False"):
        A.Compose([], is_check_shapes="false")
    with pytest.raises(ValueError, match=r"^mask: .*\(8, 9\)"):
        A.Compose([A.HorizontalFlip()])(image=np.zeros((8, 10), np.uint8), mask=np.zeros((8, 9), np.uint8))


def test_mask_interpolation_overrides_every_transform_that_takes_it():
    resize, affine, crop = A.Resize(H, W, mask_interpolation=0), A.Affine(p=1), A.CenterCrop(8, 8)
    pipe = A.Compose([resize, A.OneOf([affine, crop])], mask_interpolation=1)
    assert (pipe.mask_interpolation, resize.mask_interpolation, affine.mask_interpolation) == (1, 1, 1)
    assert "mask_interpolation" not in vars(crop)  # CenterCrop takes none (as in albumentations)
    assert A.Compose([A.Resize(4, 4, mask_interpolation=2)]).transforms[0].mask_interpolation == 2
    loaded = A.from_dict(json.loads(json.dumps(A.to_dict(pipe))))
    assert loaded.mask_interpolation == 1 and loaded.transforms[0].mask_interpolation == 1
    mask = np.kron(np.eye(2, dtype=np.uint8) * 200, np.ones((2, 2), np.uint8))
    out = A.Compose([A.Resize(8, 8)], mask_interpolation=1)(image=np.zeros((4, 4), np.uint8), mask=mask)
    assert set(np.unique(out["mask"]).tolist()) - {0, 200}  # linear: values in between
    for bad in (7, -1, 1.5, "linear", float("nan"), True):
        _refused(lambda bad=bad: A.Compose([], mask_interpolation=bad), "mask_interpolation")


# ----------------------------------------------------------------------------------------------
# files
# ----------------------------------------------------------------------------------------------
def _doc(node: dict) -> dict:
    return {"__version__": "0.1.0", "__format__": 1, "transform": node}


def _nested(depth: int) -> dict:
    node: dict = {"__class_fullname__": "HorizontalFlip", "p": 1.0}
    for _ in range(depth):
        node = {"__class_fullname__": "Sequential", "p": 1.0, "transforms": [node]}
    return node


@PROPERTY
@given(
    junk=st.binary(min_size=1, max_size=8).filter(lambda b: not _is_utf8(b)),
    suffix=st.sampled_from([".json", ".yaml"]),
)
def test_a_file_that_is_not_utf8_names_the_path(tmp_path_factory, junk, suffix):
    pytest.importorskip("yaml")
    path = tmp_path_factory.mktemp("files") / f"pipeline{suffix}"
    path.write_bytes(b'{"transform": "' + junk + b'"}')
    with pytest.raises(A.SerializationError, match=r"not UTF-8") as info:
        A.load(path)
    assert str(path) in str(info.value)
    with path.open("rb") as f, pytest.raises(A.SerializationError, match=r"not UTF-8") as info:
        A.load(f)
    assert str(path) in str(info.value)


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(A.to_dict(A.HorizontalFlip(p=0.25))).encode())
    assert A.load(path).p == 0.25


@pytest.mark.parametrize("depth", [S.MAX_NESTING + 1, 400, 5000])
def test_documents_nested_past_the_limit_are_refused(depth):
    with pytest.raises(A.SerializationError, match=rf"more than {S.MAX_NESTING} levels deep"):
        A.from_dict(_doc(_nested(depth)))


def test_the_nesting_limit_is_reachable_and_symmetric(tmp_path):
    deepest = A.from_dict(_doc(_nested(S.MAX_NESTING)))  # compositions at levels 1 to MAX_NESTING
    assert A.to_dict(deepest)["transform"] == _nested(S.MAX_NESTING)
    assert A.Compose([deepest])(image=np.zeros((2, 3), np.uint8))["image"].shape == (2, 3)
    too_deep = A.Sequential([deepest], p=1)
    with pytest.raises(A.SerializationError, match=rf"at most {S.MAX_NESTING} levels"):
        A.to_dict(too_deep)


def test_deep_files_and_values_are_refused_without_recursion_errors(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"transform": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(A.SerializationError, match=r"deep.json: .*nested too deeply"):
        A.load(path)
    value: Any = [0.9, 1.1]
    for _ in range(S.MAX_VALUE_DEPTH + 5):
        value = [value]
    with pytest.raises(A.SerializationError, match=r"scale: the value is nested more than 20 levels"):
        A.from_dict(_doc({"__class_fullname__": "Affine", "scale": value}))
    value = [0.9, 1.1]
    for _ in range(5000):
        value = [value]
    with pytest.raises(A.SerializationError, match=r"scale: the value is nested"):
        A.from_dict(_doc({"__class_fullname__": "Affine", "scale": value}))


@pytest.mark.parametrize(
    ("arg", "bad"),
    [
        ("strict", "no"),
        ("fuse_affine", 1),
        ("is_check_shapes", "no"),
        ("mask_interpolation", "x"),
        ("p", "nan"),
    ],
)
def test_bad_compose_arguments_in_files_name_the_argument(arg, bad):
    node = {"__class_fullname__": "Compose", "p": 1.0, "transforms": [], arg: bad}
    with pytest.raises(A.SerializationError, match=rf"^transform \(Compose\): {arg}: "):
        A.from_dict(_doc(node))


def test_bad_bbox_params_in_files_name_the_argument():
    node = {"__class_fullname__": "Compose", "transforms": [], "bbox_params": {"clip": "no"}}
    with pytest.raises(A.SerializationError, match=r"^transform\.bbox_params \(BboxParams\): clip: "):
        A.from_dict(_doc(node))
    node["bbox_params"] = {"min_area": float("nan")}
    with pytest.raises(A.SerializationError, match=r"BboxParams\.min_area: expected a finite number"):
        A.from_dict(_doc(node))


# ----------------------------------------------------------------------------------------------
# replay records
# ----------------------------------------------------------------------------------------------
REPLAYED = [  # the 3-D transforms' records: tests/families/test_volume.py
    n
    for n in NAMES
    if A.TRANSFORMS[n].kind not in ("format", "volume") and A.TRANSFORMS[n].Params is not None
]


def _recorded(name: str, batch: bool = False) -> tuple[A.Compose, dict[str, Any], list[dict]]:
    cls = A.TRANSFORMS[name]
    side = H  # square: quarter turns keep the size of every sample of a batch
    pipe = Pipe([cls(**{**cls.examples(side, side)[0], "p": 1.0})], seed=3, save_applied_params=True)
    dtype = cls.input_dtypes[0]
    img = (np.arange(side * side * 3).reshape(side, side, 3) % 251).astype(dtype)
    if dtype == "float32":
        img = img / np.float32(251)
    data = {"images": np.stack([img, img[::-1]])} if batch else {"image": img}
    run = pipe.batch if batch else pipe
    record = json.loads(json.dumps(run(**data)["applied_transforms"]))
    return pipe, data, record


def _corruptions(value: Any) -> list[Any]:
    """Values that cannot stand for ``value`` (a recorded field) in a record."""
    out: list[Any] = [None, "abc", {"x": 1}]
    if isinstance(value, bool):
        out += ["no", 1, 0.5]
    elif isinstance(value, (int, float)):
        out += [True, [value, value, value], float("nan")]
    elif isinstance(value, list):
        out += [value[:-1] if len(value) > 1 else [*value, *value], [[value]], True]
    return out


@pytest.mark.parametrize("batch", [False, True], ids=["one", "batch"])
@pytest.mark.parametrize("name", REPLAYED)
@PROPERTY
@given(data=st.data())
def test_a_corrupted_record_is_refused_naming_the_field(name, batch, data):
    pipe, inputs, record = _recorded(name, batch)
    (step,) = record
    fields = [k for k, v in step["params"].items() if v is not None and (k, name) != ("applied", "Lambda")]
    if not fields:
        return
    field = data.draw(st.sampled_from(fields), label="field")
    bad = data.draw(st.sampled_from(_corruptions(step["params"][field])), label="bad")
    step["params"][field] = bad
    replay = pipe.replay_batch if batch else pipe.replay
    with pytest.raises((TypeError, ValueError), match=rf"^record\[0\] params\.{field}\b"):
        replay(record, **inputs)


def test_a_null_gamma_no_longer_replays_to_black():
    pipe, inputs, record = _recorded("RandomGamma")
    record[0]["params"]["gamma"] = None
    with pytest.raises(ValueError, match=r"^record\[0\] params\.gamma: expected a number, got null"):
        pipe.replay(record, **inputs)
    record[0]["params"] = None
    with pytest.raises(ValueError, match=r"^record\[0\] params: GammaParams has fields \['gamma'\], .* null"):
        pipe.replay(record, **inputs)


def test_malformed_record_steps():
    pipe, inputs, record = _recorded("Affine")
    for key, bad, pattern in (
        ("shape", None, r"shape: expected \[height, width\]"),
        ("shape", [H, "24"], r"shape: expected"),
        (
            "types",
            {"__class__": "AffineParams", "matrix": "complex128[3,3]"},
            r"params\.matrix: dtype complex128",
        ),
        ("types", {"__class__": "AffineParams", "matrix": "nonsense[3,3]"}, r"params\.matrix: unknown dtype"),
        ("types", {"__class__": "AffineParams", "matrix": "float64[3,x]"}, r"params\.matrix: malformed"),
        (
            "types",
            {"__class__": "AffineParams", "matrix": "float64[4,4]"},
            r"params\.matrix: expected a float64\[4,4\]",
        ),
    ):
        broken = json.loads(json.dumps(record))
        broken[0][key] = bad
        with pytest.raises((TypeError, ValueError), match=rf"^record\[0\]:? ?.*{pattern}"):
            pipe.replay(broken, **inputs)
    pipe, inputs, record = _recorded("RandomGamma", batch=True)
    record[0]["applied"] = ["no", True]
    with pytest.raises(ValueError, match=r"^record\[0\]: applied: expected one true/false per sample"):
        pipe.replay_batch(record, **inputs)


def test_deeply_nested_record_types_are_refused():
    from xalbu.core.replay import MAX_DEPTH, decode

    types: Any = None
    plain: Any = 1.0
    for _ in range(2000):
        types, plain = {"list": [types]}, [plain]
    with pytest.raises(ValueError, match=rf"nested more than {MAX_DEPTH} levels"):
        decode(plain, types)
