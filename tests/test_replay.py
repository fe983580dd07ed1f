"""Replay: ``Compose(save_applied_params=True)`` records what ran; ``replay``/``replay_batch`` re-apply it.

Registry-driven: every class in ``xalbu.TRANSFORMS`` (with its ``EXAMPLES`` arguments from
test_contract) must replay bit for bit on the data it was recorded on, single and batch, after a JSON
round trip, and on other data of the same size must equal a fresh run with the same parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from test_contract import (
    BBOX_PARAMS,
    KP_PARAMS,
    NAMES,
    Pipe,
    assert_same,
    build,
    full_inputs,
    labels_for,
    make_image,
    require_support,
)

import xalbu as A
from xalbu.core.replay import decode, encode

each = pytest.mark.parametrize("name", NAMES)


def recording(t: Any, seed: int = 0, **kw: Any) -> A.Compose:
    ts = t if isinstance(t, list) else [t]
    return Pipe(
        ts, bbox_params=BBOX_PARAMS, keypoint_params=KP_PARAMS, seed=seed, save_applied_params=True, **kw
    )


def through_json(record: Any) -> Any:
    return json.loads(json.dumps(record, allow_nan=False))


def other_inputs(dtype: str, channels: int, hw: tuple[int, int] = (24, 32), seed: int = 7) -> dict[str, Any]:
    """Different pixels, mask, boxes and keypoints, same size (and the same number of rows)."""
    data = full_inputs(dtype, channels, hw, seed=seed)
    h, w = hw
    data["bboxes"] = np.array(
        [[1, 1, 9, 7, 0], [5, 6, w - 3, h - 2, 1], [3, 2, w - 4, h - 5, 2], [w - 9, h - 11, w, h, 3]],
        np.float64,
    )
    data["keypoints"] = data["keypoints"].copy()
    data["keypoints"][:, :2] = [[3.25, 4.5], [w / 3, h / 4], [w - 2.5, h - 3.0], [7.0, 9.0]]
    data["labels"] = labels_for(data["bboxes"], "b")
    return data


def capture(t: A.BasicTransform) -> list[Any]:
    """Make ``t`` remember every parameters object it samples."""
    seen: list[Any] = []
    orig = t.sample_data

    def spy(rng: np.random.Generator, state: Any) -> Any:
        seen.append(orig(rng, state))
        return seen[-1]

    t.sample_data = spy  # type: ignore[method-assign]
    return seen


def fixed(t: A.BasicTransform, params: Any) -> None:
    """Make ``t`` "sample" exactly ``params`` (a fresh run with the same parameters)."""
    t.sample_data = lambda rng, state: params  # type: ignore[method-assign]


# ----------------------------------------------------------------------------- every transform, one image
@each
@pytest.mark.parametrize("dtype,channels", [("uint8", 3), ("float32", 1), ("uint16", 6)])
def test_replay_reproduces_every_transform(name: str, dtype: str, channels: int) -> None:
    require_support(name, dtype, channels)
    pipe = recording(build(name))
    data = full_inputs(dtype, channels)
    for _ in range(3):
        out = pipe(**data)
        record = out.pop("applied_transforms")
        assert [s["transform"] for s in record] == [name] and record[0]["path"] == "transforms[0]"
        assert record[0]["applied"] is None and record[0]["shape"] == [24, 32]
        assert_same(pipe.replay(through_json(record), **data), out, f"{name} replay")
        assert_same(pipe.replay(record, **data), out, f"{name} replay (record as returned)")


@each
def test_replay_on_other_data_equals_a_fresh_run_with_the_same_params(name: str) -> None:
    t = build(name)
    seen = capture(t)
    pipe = recording(t, seed=3)
    record = through_json(pipe(**full_inputs("uint8", 3))["applied_transforms"])
    other = other_inputs("uint8", 3)
    fixed(t, seen[0])
    fresh = Pipe([t], bbox_params=BBOX_PARAMS, keypoint_params=KP_PARAMS)(**other)
    assert_same(pipe.replay(record, **other), fresh, f"{name} on other data")


# ----------------------------------------------------------------------------- every transform, batches
N = 6
SQ = (24, 24)


def batch_data(seed: int = 0) -> dict[str, Any]:
    per = [(other_inputs if s % 2 else full_inputs)("uint8", 3, SQ, seed=seed + s) for s in range(N)]
    return {
        key: (np.stack([d[src] for d in per]) if key in ("images", "masks") else [d[src] for d in per])
        for key, src in (
            ("images", "image"),
            ("masks", "mask"),
            ("bboxes", "bboxes"),
            ("labels", "labels"),
            ("keypoints", "keypoints"),
            ("kp_labels", "kp_labels"),
        )
    }


def run_batch(pipe: A.Compose, name: str, data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return pipe.batch(**data)
    except ValueError as e:  # documented refusal (per-sample sizes, partial size change...)
        if "batch" in str(e) and name in str(e):
            return None
        raise


@each
@pytest.mark.parametrize("p", [1.0, 0.5])
def test_replay_batch_reproduces_every_transform(name: str, p: float) -> None:
    data = batch_data()
    ran = 0
    for seed in range(3):
        pipe = recording(build(name, p=p), seed=seed)
        out = run_batch(pipe, name, data)
        if out is None:
            continue
        ran += 1
        record = out.pop("applied_transforms")
        for step in record:
            assert len(step["applied"]) == N and any(step["applied"])
            if p == 1.0:
                assert all(step["applied"])
        assert_same(pipe.replay_batch(through_json(record), **data), out, f"{name} batch replay")
    if ran == 0:
        pytest.skip(f"{name} refuses these batches with p={p} (documented)")


@each
def test_replay_batch_on_other_data_equals_a_fresh_run(name: str) -> None:
    t = build(name)
    seen = capture(t)
    pipe = recording(t, seed=5)
    out = run_batch(pipe, name, batch_data(0))
    if out is None:
        pytest.skip(f"{name} refuses these batches (documented)")
    record = through_json(out["applied_transforms"])
    other = batch_data(10)
    fixed(t, seen[0])
    fresh = Pipe([t], bbox_params=BBOX_PARAMS, keypoint_params=KP_PARAMS).batch(**other)
    assert_same(pipe.replay_batch(record, **other), fresh, f"{name} batch on other data")


# ----------------------------------------------------------------------------- compositions
def nested() -> A.Compose:
    return recording(
        [
            A.OneOf([A.HorizontalFlip(p=1), A.VerticalFlip(p=1), A.RandomGamma(p=1)], p=1),
            A.SomeOf([A.Transpose(p=1), A.InvertImg(p=1), A.Solarize(p=1), A.Posterize(p=1)], n=2, p=1),
            A.RandomOrder(
                [
                    A.RandomBrightnessContrast(p=1),
                    A.ChannelShuffle(p=1),
                    A.Affine(rotate=(-20, 20), p=1),
                ],
                p=1,
            ),
            A.OneOrOther(A.D4(p=1), A.RandomRotate90(p=1), p=0.5),
            A.Sequential([A.HorizontalFlip(p=0.5), A.RandomGamma(p=0.5)], p=0.5),
            A.Compose([A.Rotate(limit=10, p=0.5)]),
            A.NoOp(p=0.0),
        ],
        seed=11,
    )


def node_at(pipe: A.Compose, path: str) -> Any:
    node: Any = pipe
    for part in path.split("."):
        node = node.transforms[int(part[len("transforms[") : -1])]
    return node


def test_nested_compositions_record_only_what_ran() -> None:
    pipe = nested()
    data = full_inputs("uint8", 3, (24, 24))
    orders = set()
    for _ in range(25):
        out = pipe(**data)
        record = out.pop("applied_transforms")
        paths = [s["path"] for s in record]
        for step in record:
            assert type(node_at(pipe, step["path"])).__name__ == step["transform"]

        def under(i: int, paths: list[str] = paths) -> list[str]:
            return [p for p in paths if p.startswith(f"transforms[{i}].")]

        assert len(under(0)) == 1  # OneOf: exactly one child
        some = under(1)
        assert len(some) == 2 and some == sorted(some)  # SomeOf: n=2, in list order
        order = under(2)
        assert sorted(order) == [f"transforms[2].transforms[{i}]" for i in range(3)]  # RandomOrder: all
        orders.add(tuple(order))
        assert len(under(3)) == 1  # OneOrOther: one of the two
        assert len(under(4)) <= 2 and len(under(5)) <= 1
        assert not under(6) and "transforms[6]" not in paths  # p=0 never runs
        assert len(set(paths)) == len(paths)
        assert_same(pipe.replay(through_json(record), **data), out)
    assert len(orders) > 1, "RandomOrder should have used more than one order"


def test_nested_compositions_batch() -> None:
    pipe = nested()
    data = batch_data()
    for _ in range(5):
        out = pipe.batch(**data)
        record = out.pop("applied_transforms")
        # OneOf: each sample went through exactly one branch
        picked = np.array([s["applied"] for s in record if s["path"].startswith("transforms[0].")])
        assert (picked.sum(axis=0) == 1).all()
        assert_same(pipe.replay_batch(through_json(record), **data), out)


def test_pipeline_that_did_not_run_records_nothing() -> None:
    pipe = recording([A.HorizontalFlip(p=1)], p=0.0)
    data = full_inputs("uint8", 3)
    out = pipe(**data)
    assert out["applied_transforms"] == []
    assert_same(pipe.replay([], **data), {k: v for k, v in out.items() if k != "applied_transforms"})
    assert recording([A.HorizontalFlip(p=0.0)]).batch(**batch_data())["applied_transforms"] == []


def test_shared_transform_object_replays() -> None:
    """A transform object used twice records under its first path; replay gives the same result."""
    flip = A.HorizontalFlip(p=1)
    pipe = recording([flip, A.RandomGamma(p=1), A.OneOf([flip], p=1)])
    data = full_inputs("uint8", 3)
    out = pipe(**data)
    record = out.pop("applied_transforms")
    assert [s["path"] for s in record] == ["transforms[0]", "transforms[1]", "transforms[0]"]
    assert_same(pipe.replay(record, **data), out)


# ----------------------------------------------------------------------------- behaviour
def test_recording_off_by_default_and_replay_leaves_the_stream_alone() -> None:
    make = lambda: A.Compose([A.Affine(rotate=(-30, 30), p=1), A.RandomGamma()], seed=4)  # noqa: E731
    data = {"image": make_image("uint8", 3)}
    plain, rec = make(), make()
    rec.save_applied_params = True
    first = rec(**data)
    assert "applied_transforms" not in plain(**data)
    rec.replay(first["applied_transforms"], **data)  # no draw
    np.testing.assert_array_equal(rec(**data)["image"], plain(**data)["image"])


def test_record_format_example() -> None:
    pipe = A.Compose([A.RandomGamma(p=1), A.HorizontalFlip(p=1)], seed=0, save_applied_params=True)
    record = pipe(image=np.zeros((4, 6, 3), np.uint8))["applied_transforms"]
    gamma, flip = record
    assert set(gamma) == {"path", "transform", "shape", "params", "types", "applied"}
    assert gamma["transform"] == "RandomGamma" and gamma["shape"] == [4, 6]
    assert set(gamma["params"]) == {"gamma"} and isinstance(gamma["params"]["gamma"], float)
    assert gamma["types"] == {"__class__": "GammaParams"}  # no module path: records survive code moves
    assert flip == {
        "path": "transforms[1]",
        "transform": "HorizontalFlip",
        "shape": [4, 6],
        "params": None,
        "types": None,
        "applied": None,
    }
    batch = pipe.batch(images=np.zeros((3, 4, 6, 3), np.uint8))["applied_transforms"]
    assert batch[0]["types"]["gamma"] == "float64[3]" and batch[0]["applied"] == [True] * 3


def test_record_is_readable_by_a_pipeline_built_from_its_description() -> None:
    """A record replays on the same pipeline rebuilt by from_dict (another process, say)."""
    pipe = nested()
    data = full_inputs("uint8", 3, (24, 24))
    out = pipe(**data)
    record = through_json(out.pop("applied_transforms"))
    rebuilt = A.from_dict(json.loads(json.dumps(A.to_dict(pipe))))
    assert rebuilt.save_applied_params
    assert_same(rebuilt.replay(record, **data), out)


# ----------------------------------------------------------------------------- ReplayCompose
def test_replay_compose_albumentations_style() -> None:
    pipe = A.ReplayCompose(
        [A.Affine(rotate=(-20, 20), p=1), A.OneOf([A.RandomGamma(p=1), A.InvertImg(p=1)])],
        bbox_params=BBOX_PARAMS,
        keypoint_params=KP_PARAMS,
        seed=2,
    )
    data = full_inputs("uint8", 3)
    out = pipe(**data)
    saved = through_json(out.pop("replay"))
    assert {"__class_fullname__", "transforms", "applied", "params", "applied_transforms"} <= set(saved)
    assert saved["batch"] is False
    assert_same(A.ReplayCompose.replay(saved, **data), out)  # the pipeline comes from the record
    assert_same(pipe.replay(saved, **data), out)
    other = other_inputs("uint8", 3)
    assert_same(A.ReplayCompose.replay(saved, **other), pipe.replay(saved, **other))
    bdata = batch_data()
    bout = pipe.batch(**bdata)
    bsaved = through_json(bout.pop("replay"))
    assert bsaved["batch"] is True
    assert_same(A.ReplayCompose.replay(bsaved, **bdata), bout)
    assert_same(pipe.replay_batch(bsaved, **bdata), bout)


def _skeleton(node: dict) -> tuple:
    return (
        node["__class_fullname__"].rsplit(".", 1)[-1],
        node["applied"],
        node["params"] is None,
        [_skeleton(t) for t in node.get("transforms", [])],
    )


def test_replay_compose_record_has_albumentations_layout() -> None:
    """Where albumentations users look (``["transforms"][i]["applied"]``, ``["params"]``,
    ``["__class_fullname__"]``), the record is laid out as albumentations 2.0.8 lays it out."""
    alb = pytest.importorskip("albumentations")

    def build(M):
        return M.ReplayCompose(
            [M.HorizontalFlip(p=1), M.OneOf([M.RandomGamma(p=1)], p=1), M.Affine(rotate=(-10, 10), p=0.0)]
        )

    img = make_image("uint8", 3)
    theirs, ours = build(alb)(image=img)["replay"], build(A)(image=img)["replay"]
    assert _skeleton(through_json(ours)) == _skeleton(theirs)
    gamma = ours["transforms"][1]["transforms"][0]["params"]["gamma"]
    assert 0.8 <= gamma <= 1.2  # the drawn value, where albumentations keeps it


def test_replay_compose_records_of_xalbu_0_1_still_replay() -> None:
    pipe = A.ReplayCompose([A.HorizontalFlip(p=1), A.RandomGamma(p=1)], seed=1)
    img = make_image("uint8", 3)
    out = pipe(image=img)
    old = {
        "applied_transforms": out["replay"]["applied_transforms"],
        "batch": False,
        "pipeline": A.to_dict(pipe),
    }
    np.testing.assert_array_equal(A.ReplayCompose.replay(old, image=img)["image"], out["image"])


def test_replay_compose_save_key_and_unsaveable_pipelines() -> None:
    pipe = A.ReplayCompose([A.Lambda(image=lambda img, **kw: img), A.RandomGamma(p=1)], save_key="r")
    img = make_image("uint8", 3)
    out = pipe(image=img)
    assert (
        "replay" not in out and "__class_fullname__" not in out["r"]
    )  # a Lambda without a name: no description
    np.testing.assert_array_equal(pipe.replay(out["r"], image=img)["image"], out["image"])
    with pytest.raises(ValueError, match="pipeline.replay"):
        A.ReplayCompose.replay(out["r"], image=img)


# ----------------------------------------------------------------------------- mismatches
def simple() -> A.Compose:
    return recording([A.HorizontalFlip(p=1), A.OneOf([A.RandomGamma(p=1)], p=1)])


def test_replay_rejects_records_of_other_pipelines() -> None:
    data = full_inputs("uint8", 3)
    record = simple()(**data)["applied_transforms"]
    other = recording([A.VerticalFlip(p=1), A.OneOf([A.RandomGamma(p=1)], p=1)])
    with pytest.raises(ValueError, match=r"record\[0\].*HorizontalFlip.*VerticalFlip.*different pipeline"):
        other.replay(record, **data)
    shorter = recording([A.HorizontalFlip(p=1)])
    with pytest.raises(ValueError, match=r"record\[1\].*no transform at 'transforms\[1\]"):
        shorter.replay(record, **data)
    flat = recording([A.HorizontalFlip(p=1), A.RandomGamma(p=1)])
    with pytest.raises(ValueError, match="not a composition"):
        flat.replay(record, **data)
    bad = [dict(record[0], path="transforms[1]")]
    with pytest.raises(ValueError, match="OneOf.*not a transform"):
        simple().replay(bad, **data)
    for path in ("", "transforms[x]", "transform[0]", "transforms[0].", 3):
        with pytest.raises(ValueError, match="path"):
            simple().replay([dict(record[0], path=path)], **data)


def test_replay_rejects_wrong_mode_size_and_malformed_records() -> None:
    data = full_inputs("uint8", 3, (24, 24))
    single = simple()(**data)["applied_transforms"]
    bdata = batch_data()
    batch = simple().batch(**bdata)["applied_transforms"]
    with pytest.raises(ValueError, match="replay_batch"):
        simple().replay(batch, **data)
    with pytest.raises(ValueError, match=r"pipeline\.replay\("):
        simple().replay_batch(single, **bdata)
    with pytest.raises(ValueError, match="recorded on a 24x24 image, here it gets 24x32"):
        simple().replay(single, **full_inputs("uint8", 3))
    with pytest.raises(ValueError, match=f"batch of {N} samples, got 2"):
        simple().replay_batch(batch, images=bdata["images"][:2])
    with pytest.raises(TypeError, match="record"):
        simple().replay("nope", **data)
    with pytest.raises(ValueError, match="keys"):
        simple().replay([{"path": "transforms[0]"}], **data)
    bad_class = [dict(single[1], types={"__class__": "NoSuchParams"})]
    with pytest.raises(ValueError, match="no parameters class NoSuchParams in the modules of RandomGamma"):
        simple().replay(bad_class, **data)
    # 0.1.0 records name "module:QualName"; the module part no longer has to exist
    legacy = [dict(single[1], types={"__class__": "no.such.module:GammaParams"})]
    assert simple().replay(legacy, **data)["image"].shape == data["image"].shape
    bad_fields = [dict(single[1], params={"gamma": 1.0, "extra": 2})]
    with pytest.raises(ValueError, match="fields"):
        simple().replay(bad_fields, **data)
    with pytest.raises(ValueError, match="images"):
        simple().replay_batch(batch, image=data["image"])


# ----------------------------------------------------------------------------- the codec
@dataclass(frozen=True)
class _Inner:
    a: Any
    b: Any


@dataclass(frozen=True)
class _Outer:
    x: Any
    inner: Any


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        -2.5,
        "text",
        True,
        np.float32(0.1),
        np.int64(7),
        np.bool_(True),
        np.arange(6, dtype=np.uint16).reshape(2, 3),
        np.zeros((0, 4), np.float32),
        np.array(2.5),
        np.array([True, False]),
        (1, 2),
        [1, (2, np.float32(3))],
        {"k": np.arange(3), "j": 1},
        _Outer(np.linspace(0, 1, 5), _Inner((3, 4), np.eye(3))),
        np.array([np.pi, np.e], np.float64),
        np.array([np.inf, -0.0]),
    ],
    ids=repr,
)
def test_codec_round_trip_is_exact(value: Any) -> None:
    plain, types = encode(value)
    json.dumps(plain)
    back = decode(*json.loads(json.dumps([plain, types])), owner=_Inner(0, 0))  # classes of this module
    assert type(back) is type(value)
    if isinstance(value, _Outer):
        assert type(back.inner) is _Inner and type(back.inner.a) is tuple
        np.testing.assert_array_equal(back.inner.b, value.inner.b)
        np.testing.assert_array_equal(back.x, value.x)
    elif isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == value.dtype and np.shape(back) == np.shape(value)
        assert np.asarray(back).tobytes() == np.asarray(value).tobytes()
    elif isinstance(value, dict):
        np.testing.assert_array_equal(back["k"], value["k"])
        assert back["k"].dtype == value["k"].dtype and back["j"] == 1
    elif isinstance(value, list):
        assert back == value and type(back[1][1]) is np.float32
    else:
        assert back == value


@pytest.mark.parametrize("value", [np.array([1 + 2j]), object(), {1: 2}, np.array(["a"])], ids=repr)
def test_codec_refuses_what_json_cannot_carry(value: Any) -> None:
    with pytest.raises(TypeError, match="recorded"):
        encode(value)


# ----------------------------------------------------------------------------- CuPy
@pytest.mark.gpu
@each
def test_cpu_record_replays_on_cupy_within_tolerance(name: str, cupy) -> None:
    """A record made on NumPy replays on CuPy arrays within the kernels' tolerance (tests/test_backend_cupy):
    exact for nearest/lookup kernels, +-1 for interpolated uint8 (a few pixels on rounding edges), 1e-4
    for float32; the geometry of boxes and keypoints is the same host computation."""
    pipe = recording(build(name), seed=0)
    data = full_inputs("uint8", 3)
    out = pipe(**data)
    record = through_json(out.pop("applied_transforms"))
    gpu = {k: cupy.asarray(v) if k in ("image", "mask") else v for k, v in data.items()}
    got = pipe.replay(record, **gpu)
    for key in ("image", "mask"):
        assert isinstance(got[key], cupy.ndarray), key
        g, c = cupy.asnumpy(got[key]), out[key]
        assert g.shape == c.shape and g.dtype == c.dtype, key
        diff = np.abs(g.astype(np.float64) - c.astype(np.float64))
        if g.dtype == np.float32:
            assert diff.max() <= 1e-4, key
        else:
            # interpolated pixels may differ by one level; a nearest lookup may land on the other side of
            # a pixel edge for a handful of pixels
            assert (diff > 1).mean() <= 0.01 and diff.max() <= (1 if key == "image" else 255), key
    np.testing.assert_allclose(got["bboxes"], out["bboxes"], atol=1e-6)
    np.testing.assert_allclose(got["keypoints"], out["keypoints"], atol=1e-6)
