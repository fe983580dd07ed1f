"""Registry-driven contract: every class in ``xalbu.TRANSFORMS`` goes through the same invariants.

Each class runs with the arguments it declares (``cls.examples(H, W)[0]``), so no registered class
escapes the contract and no table here needs an entry for a new transform.
Each transform runs for dtype x channels combinations (uint8 / uint16 / float32; 1 as HW, 3, 6);
combinations a transform rejects are skipped, but the rejection itself must be a TypeError /
ValueError whose message names what was wrong (``test_rejections_are_clear``).
"""

from __future__ import annotations

import copy
import functools
import inspect
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.benchmark import metadata_for

H, W = 24, 32

# What each class declares (CONTRIBUTING.md): its canonical constructor arguments for an H x W image,
# and which classes change the dtype (``output_dtype``); nothing here is a hand-kept table.
EXAMPLES: dict[str, dict[str, Any]] = {name: cls.examples(H, W)[0] for name, cls in A.TRANSFORMS.items()}
DTYPE_OUT = {
    name: (lambda t, d: t.output_dtype(d))
    for name, cls in A.TRANSFORMS.items()
    if cls.output_dtype is not A.BasicTransform.output_dtype
}

DTYPES = ("uint8", "uint16", "float32")
# keys a step may add to the result besides the targets given (MixUp/CutMix: partners, lambdas; TextImage)
REPORTED = {"mix_partners", "mix_lambdas", "mix_targets", "overlay_data"}
CHANNELS = (1, 3, 6)
# Kind "format" (ToTensorV2) changes what the outputs are (tensors), not the data: it has its own
# tests (tests/test_torch.py) instead of these array invariants.
# Kind "volume" (the 3-D transforms) takes volumes, not images: its own contract is
# tests/families/_volume_contract.py.
NAMES = sorted(name for name, cls in A.TRANSFORMS.items() if cls.kind not in ("format", "volume"))
BBOX_PARAMS = A.BboxParams(format="pascal_voc", label_fields=["labels"])
KP_PARAMS = A.KeypointParams(format="xyas", label_fields=["kp_labels"])


# ----------------------------------------------------------------------------- data
def make_image(dtype: str, channels: int, seed: int = 0, hw: tuple[int, int] = (H, W)) -> np.ndarray:
    """A random image; channels == 1 gives an HW array."""
    r = np.random.default_rng(seed)
    shape = hw if channels == 1 else (*hw, channels)
    if dtype == "uint8":
        return r.integers(0, 256, shape, dtype=np.uint8)
    if dtype == "uint16":
        return r.integers(0, 65536, shape, dtype=np.uint16)
    return r.random(shape, dtype=np.float32)


def make_mask(seed: int = 0, hw: tuple[int, int] = (H, W)) -> np.ndarray:
    """An integer label mask (blocks of labels 0..3)."""
    h, w = hw
    r = np.random.default_rng(seed)
    blocks = r.integers(0, 4, (h // 4 + 1, w // 4 + 1)).astype(np.uint8)
    return np.repeat(np.repeat(blocks, 4, axis=0), 4, axis=1)[:h, :w].copy()


def make_boxes(hw: tuple[int, int] = (H, W)) -> np.ndarray:
    """pascal_voc boxes with an id column (the 5th) used to check that labels stay in sync."""
    h, w = hw
    return np.array(
        [[2, 3, 12, 15, 0], [10, 4, w - 2, h - 4, 1], [0, 0, w, h, 2], [w - 12, h - 12, w - 1, h - 1, 3]],
        np.float64,
    )


def make_points(hw: tuple[int, int] = (H, W)) -> np.ndarray:
    """xyas keypoints with an id column (the 5th)."""
    h, w = hw
    return np.array(
        [[1.5, 2.5, 10, 1, 0], [w / 2, h / 2, 90, 2, 1], [w - 1.5, h - 0.5, 200, 0.5, 2], [0, 0, 0, 1, 3]],
        np.float64,
    )


def labels_for(table: np.ndarray, prefix: str) -> list[str]:
    return [f"{prefix}{int(i)}" for i in table[:, 4]]


def build(name: str, p: float = 1.0, **extra: Any) -> A.BasicTransform:
    """The transform ``name`` with its ``EXAMPLES`` arguments (or defaults)."""
    kwargs = {**EXAMPLES.get(name, {}), **extra}
    return A.TRANSFORMS[name](p=p, **kwargs)


class Pipe(A.Compose):
    """``Compose`` that hands its transforms the metadata they need (reference images, mix partners:
    their ``benchmark_metadata``, through :func:`xalbu.benchmark.metadata_for`) when a call lacks
    it, and returns only the keys the call gave."""

    def _metadata(self, data: dict[str, Any], batch: bool) -> dict[str, Any]:
        first = (lambda v: v[0]) if batch else (lambda v: v)
        sample = {
            "image": first(data["images" if batch else "image"]),
            "mask": first(data["masks" if batch else "mask"])
            if ("masks" if batch else "mask") in data
            else None,
            "bboxes": first(data["bboxes"]) if "bboxes" in data else np.zeros((0, 4)),
            "labels": first(data["labels"]) if "labels" in data else [],
        }
        if getattr(sample["image"], "dtype", None) == np.float64:  # computed as float32: so are partners
            sample["image"] = sample["image"].astype(np.float32)
        extra: dict[str, Any] = {}
        for t in self.transforms:
            extra.update(metadata_for(type(t).__name__, sample))
        return {k: v for k, v in extra.items() if k not in data}

    def __call__(self, *args: Any, **data: Any) -> dict[str, Any]:
        extra = self._metadata(data, False) if "image" in data else {}
        out = super().__call__(*args, **data, **extra)
        return {k: v for k, v in out.items() if k not in extra}

    def batch(self, *args: Any, **data: Any) -> dict[str, Any]:
        extra = self._metadata(data, True) if "images" in data else {}
        out = super().batch(*args, **data, **extra)
        return {k: v for k, v in out.items() if k not in extra}

    def replay(self, record: Any, **data: Any) -> dict[str, Any]:
        extra = self._metadata(data, False) if "image" in data else {}
        out = super().replay(record, **data, **extra)
        return {k: v for k, v in out.items() if k not in extra}

    def replay_batch(self, record: Any, **data: Any) -> dict[str, Any]:
        extra = self._metadata(data, True) if "images" in data else {}
        out = super().replay_batch(record, **data, **extra)
        return {k: v for k, v in out.items() if k not in extra}


def pipeline(t: A.BasicTransform | list, seed: int = 0) -> A.Compose:
    return Pipe(
        t if isinstance(t, list) else [t], bbox_params=BBOX_PARAMS, keypoint_params=KP_PARAMS, seed=seed
    )


def full_inputs(dtype: str, channels: int, hw: tuple[int, int] = (H, W), seed: int = 0) -> dict[str, Any]:
    boxes, pts = make_boxes(hw), make_points(hw)
    return {
        "image": make_image(dtype, channels, seed, hw),
        "mask": make_mask(seed, hw),
        "bboxes": boxes,
        "labels": labels_for(boxes, "b"),
        "keypoints": pts,
        "kp_labels": labels_for(pts, "k"),
    }


def assert_same(a: Any, b: Any, where: str = "out") -> None:
    """Exact, type-aware equality of two outputs (arrays, containers, scalars)."""
    if type(a).__name__ == "Tensor" and type(a).__module__ == "torch":
        assert type(b) is type(a) and a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a!r} vs {b!r}"
        assert a.device == b.device and a.stride() == b.stride(), where
        np.testing.assert_array_equal(a.cpu().numpy(), b.cpu().numpy(), err_msg=where)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), f"{where}: {a!r} vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ----------------------------------------------------------------------------- support probe
@functools.cache
def rejection(name: str, dtype: str, channels: int) -> str | None:
    """``None`` when the transform accepts this image kind, else its TypeError/ValueError message."""
    pipe = Pipe([build(name)], seed=0)  # construction errors are not rejections
    try:
        pipe(image=make_image(dtype, channels), mask=make_mask())
    except (TypeError, ValueError) as e:
        return f"{type(e).__name__}: {e}"
    return None


def require_support(name: str, dtype: str, channels: int) -> None:
    msg = rejection(name, dtype, channels)
    if msg is not None:
        pytest.skip(f"{name} rejects {dtype} with {channels} channel(s): {msg}")


def expected_dtype(t: A.BasicTransform, dtype: str) -> str:
    f = DTYPE_OUT.get(type(t).__name__)
    return f(t, dtype) if f else dtype


combos = pytest.mark.parametrize(
    "dtype,channels",
    [(d, c) for d in DTYPES for c in CHANNELS],
    ids=[f"{d}-{c}ch" for d in DTYPES for c in CHANNELS],
)
each = pytest.mark.parametrize("name", NAMES)


def check_boxes(boxes: Any, labels: Any, hw: tuple[int, int], where: str) -> None:
    h, w = hw
    b = np.asarray(boxes, np.float64).reshape(-1, 5)
    assert len(labels) == len(b), f"{where}: {len(b)} boxes but {len(labels)} labels"
    eps = 1e-4
    assert np.all(b[:, 0] >= -eps) and np.all(b[:, 1] >= -eps), f"{where}: {b}"
    assert np.all(b[:, 2] <= w + eps) and np.all(b[:, 3] <= h + eps), f"{where}: {b} (image {h}x{w})"
    assert np.all(b[:, 2] > b[:, 0]) and np.all(b[:, 3] > b[:, 1]), f"{where}: empty/inverted {b}"
    assert list(labels) == labels_for(b, "b"), f"{where}: labels out of sync {labels} vs ids {b[:, 4]}"


def check_points(points: Any, labels: Any, hw: tuple[int, int], where: str) -> None:
    h, w = hw
    k = np.asarray(points, np.float64).reshape(-1, 5)
    assert len(labels) == len(k), f"{where}: {len(k)} keypoints but {len(labels)} labels"
    assert np.all((k[:, 0] >= 0) & (k[:, 0] <= w) & (k[:, 1] >= 0) & (k[:, 1] <= h)), (
        f"{where}: {k} ({h}x{w})"
    )
    assert list(labels) == labels_for(k, "k"), f"{where}: labels out of sync {labels} vs ids {k[:, 4]}"


# ----------------------------------------------------------------------------- tests
@each
def test_every_transform_is_buildable(name: str) -> None:
    """A registered class builds with p=1 and every argument set it declares (``examples``)."""
    cls = A.TRANSFORMS[name]
    for kwargs in cls.examples(H, W):
        try:
            cls(p=1.0, **kwargs)
        except (TypeError, ValueError) as e:
            pytest.fail(f"{name}: its declared examples() do not build ({kwargs}): {e}")
    t = build(name)
    assert t.p == 1.0
    assert t.kind in ("pixel", "affine", "spatial", "mix")
    # every init argument is stored under its own name (repr / serialization read them back)
    params = inspect.signature(cls.__init__).parameters
    for arg in params:
        if arg != "self" and params[arg].kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            assert hasattr(t, arg), f"{name}: __init__ argument {arg!r} is not stored as an attribute"
    assert repr(t).startswith(f"{name}(")


@each
@combos
def test_rejections_are_clear(name: str, dtype: str, channels: int) -> None:
    """Either the combination runs, or it is refused with a message naming the image/dtype/channels."""
    msg = rejection(name, dtype, channels)
    if msg is not None:
        low = msg.lower()
        assert "image" in low or "dtype" in low or "channel" in low, f"{name}: unclear rejection {msg!r}"
    # uint8 images with 3 channels are the common case: every transform must take them
    if dtype == "uint8" and channels == 3:
        assert msg is None, f"{name} rejects uint8 RGB images: {msg}"


@each
@combos
def test_outputs(name: str, dtype: str, channels: int) -> None:
    """dtype kept (or documented), image/mask sizes agree, masks stay integer, boxes/points valid."""
    require_support(name, dtype, channels)
    t = build(name)
    data = full_inputs(dtype, channels)
    out = pipeline(t)(**data)
    assert set(out) - REPORTED == set(data)
    img, mask = out["image"], out["mask"]
    assert isinstance(img, np.ndarray) and isinstance(mask, np.ndarray)
    assert img.dtype.name == expected_dtype(t, dtype)
    assert img.ndim == data["image"].ndim or widened(data["image"], img), (
        f"{name}: image ndim {data['image'].ndim} -> {img.ndim}"
    )
    assert mask.ndim == 2 and img.shape[:2] == mask.shape, f"{name}: image {img.shape} vs mask {mask.shape}"
    assert mask.dtype == np.uint8, f"{name}: mask dtype became {mask.dtype}"
    if img.dtype.kind == "f" and name not in DTYPE_OUT:
        assert np.all(np.isfinite(img)), f"{name}: non-finite values"
    hw = img.shape[:2]
    check_boxes(out["bboxes"], out["labels"], hw, f"{name} bboxes")
    check_points(out["keypoints"], out["kp_labels"], hw, f"{name} keypoints")
    assert isinstance(out["bboxes"], np.ndarray) and isinstance(out["keypoints"], np.ndarray)


@each
@combos
def test_inputs_not_modified(name: str, dtype: str, channels: int) -> None:
    require_support(name, dtype, channels)
    data = full_inputs(dtype, channels)
    before = copy.deepcopy(data)
    pipeline(build(name))(**data)
    assert_same(data, before, "input")


@each
@combos
def test_p0_is_identity(name: str, dtype: str, channels: int) -> None:
    require_support(name, dtype, channels)
    data = full_inputs(dtype, channels)
    out = pipeline(build(name, p=0.0))(**data)
    assert_same(
        {k: out[k] for k in ("image", "mask", "labels", "kp_labels")},
        {k: data[k] for k in ("image", "mask", "labels", "kp_labels")},
    )
    np.testing.assert_array_equal(out["bboxes"], data["bboxes"])
    np.testing.assert_allclose(out["keypoints"], data["keypoints"], atol=1e-9)


@each
@combos
def test_same_seed_same_output(name: str, dtype: str, channels: int) -> None:
    require_support(name, dtype, channels)
    outs = []
    for _ in range(2):
        pipe = pipeline(build(name), seed=123)
        outs.append([pipe(**full_inputs(dtype, channels, seed=s)) for s in range(3)])
    assert_same(outs[0], outs[1])


N = 3
SQ = (24, 24)


def batch_inputs(dtype: str, channels: int) -> dict[str, Any]:
    per = [full_inputs(dtype, channels, SQ, seed=s) for s in range(N)]
    return {
        "images": np.stack([d["image"] for d in per]),
        "masks": np.stack([d["mask"] for d in per]),
        "bboxes": [d["bboxes"] for d in per],
        "labels": [d["labels"] for d in per],
        "keypoints": [d["keypoints"] for d in per],
        "kp_labels": [d["kp_labels"] for d in per],
    }


def run_batch(name: str, p: float, data: dict[str, Any], seed: int = 0) -> dict[str, Any] | None:
    """The batch output, or None when the transform documents that it cannot batch these samples."""
    try:
        return pipeline(build(name, p=p), seed=seed).batch(**data)
    except ValueError as e:
        # per-sample output sizes cannot share one batch array: a clear error is the contract
        msg = str(e)
        if "batch" in msg and name in msg:
            return None
        raise


def widened(before: np.ndarray, after: np.ndarray) -> bool:
    """HW stays HW, unless the transform gives several channels (ToRGB): then HWC."""
    return after.ndim == before.ndim + 1 and after.shape[-1] > 1


def check_batch(
    name: str, t: A.BasicTransform, data: dict[str, Any], out: dict[str, Any], dtype: str
) -> None:
    assert set(out) - REPORTED == set(data)
    imgs, masks = out["images"], out["masks"]
    assert isinstance(imgs, np.ndarray) and imgs.shape[0] == N and masks.shape[0] == N
    assert (imgs.ndim == data["images"].ndim or widened(data["images"], imgs)) and masks.ndim == 3
    assert imgs.shape[1:3] == masks.shape[1:3]
    assert imgs.dtype.name == expected_dtype(t, dtype) and masks.dtype == np.uint8
    hw = imgs.shape[1:3]
    for key in ("bboxes", "labels", "keypoints", "kp_labels"):
        assert isinstance(out[key], list) and len(out[key]) == N, key
    for s in range(N):
        check_boxes(out["bboxes"][s], out["labels"][s], hw, f"{name} sample {s} bboxes")
        check_points(out["keypoints"][s], out["kp_labels"][s], hw, f"{name} sample {s} keypoints")


@each
@combos
def test_batch(name: str, dtype: str, channels: int) -> None:
    """``Compose.batch`` returns the same structure with consistent N; p=0 is the identity."""
    require_support(name, dtype, channels)
    data = batch_inputs(dtype, channels)
    before = copy.deepcopy(data)
    out = run_batch(name, 1.0, data)
    if out is None:
        return
    check_batch(name, build(name), data, out, dtype)
    assert_same(data, before, "batch input")
    assert_same(out, run_batch(name, 1.0, data), "same seed, batch")
    if out["images"].shape[1:] == data["images"].shape[1:] and out["images"].dtype == data["images"].dtype:
        # size, channels and dtype kept: p < 1 is allowed in a batch
        half = run_batch(name, 0.5, data)
        assert half is not None, f"{name} keeps size and dtype but refuses p=0.5 in a batch"
        check_batch(name, build(name), data, half, dtype)
        zero = run_batch(name, 0.0, data)
        assert_same(zero["images"], data["images"])
        assert_same(zero["masks"], data["masks"])
        assert_same(zero["labels"], data["labels"])


@each
def test_backend_type_kept(name: str, xp) -> None:
    """Arrays of another library go through the generic kernels and come back as that library's."""
    data = full_inputs("uint8", 3)
    ref = pipeline(build(name), seed=5)(**data)
    arr = {k: xp.asarray(v) if k in ("image", "mask") else v for k, v in data.items()}
    out = pipeline(build(name), seed=5)(**arr)
    for key in ("image", "mask"):
        assert type(out[key]) is type(arr[key]), f"{name}: {key} came back as {type(out[key])}"
        got = xp.to_numpy(out[key])
        assert got.shape == ref[key].shape and got.dtype == ref[key].dtype, key
    # the geometry (same host draws) does not depend on the array library
    np.testing.assert_allclose(out["bboxes"], ref["bboxes"], atol=1e-6)
    np.testing.assert_allclose(out["keypoints"], ref["keypoints"], atol=1e-6)


@each
def test_batch_gate_keeps_unapplied_samples_exact(name: str) -> None:
    """With p=0.5 in a batch, the samples left out come back bit-exact (identity params or blend)."""
    n = 32
    imgs = np.stack([make_image("uint8", 3, seed=s, hw=SQ) for s in range(n)])
    masks = np.stack([make_mask(s, SQ) for s in range(n)])
    full = run_batch(name, 1.0, {"images": imgs, "masks": masks})
    if full is None or full["images"].shape != imgs.shape or full["images"].dtype != imgs.dtype:
        return  # changes size or dtype: p < 1 is refused in a batch (see test_batch)
    out = pipeline(build(name, p=0.5), seed=1).batch(images=imgs, masks=masks)
    same = [
        np.array_equal(out["images"][s], imgs[s]) and np.array_equal(out["masks"][s], masks[s])
        for s in range(n)
    ]
    # about half the samples are not applied (P(fewer than 4 of 32) < 1e-5)
    assert sum(same) >= 4, f"{name}: only {sum(same)} of {n} samples unchanged at p=0.5"


def _strided_views(img: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Non-contiguous views with ``img``'s values, each with the buffer it looks into.

    ``rows``: a window of a larger array (row and pixel strides larger than the data); ``reversed``:
    negative strides on every axis; ``channels``: every other channel of a wider array, and the
    common ``img[..., ::-1]`` (BGR -> RGB) view.
    """
    hw = img.shape[:2]
    out = {}
    big = np.zeros((hw[0] + 5, hw[1] + 7) + img.shape[2:], img.dtype)
    big[2 : 2 + hw[0], 3 : 3 + hw[1]] = img
    out["rows"] = (big[2 : 2 + hw[0], 3 : 3 + hw[1]], big)
    flipped = img[tuple(slice(None, None, -1) for _ in img.shape)].copy()
    out["reversed"] = (flipped[tuple(slice(None, None, -1) for _ in img.shape)], flipped)
    if img.ndim == 3:
        wide = np.zeros(img.shape[:2] + (2 * img.shape[2],), img.dtype)
        wide[..., ::2] = img
        out["channels"] = (wide[..., ::2], wide)
        bgr = img[..., ::-1].copy()
        out["bgr"] = (bgr[..., ::-1], bgr)
    return out


@each
@combos
def test_strided_inputs(name: str, dtype: str, channels: int) -> None:
    """Views (windows, negative strides, channel steps such as ``img[..., ::-1]``) give exactly the
    output of the contiguous array, and the buffers they look into are left unchanged."""
    require_support(name, dtype, channels)
    data = full_inputs(dtype, channels)
    expected = pipeline(build(name), seed=7)(**data)
    for kind, (view, base) in _strided_views(data["image"]).items():
        for mkind, (mview, mbase) in list(_strided_views(data["mask"]).items())[:2]:
            before, mbefore = base.copy(), mbase.copy()
            out = pipeline(build(name), seed=7)(**{**data, "image": view, "mask": mview})
            assert_same(out, expected, f"{name} image {kind} / mask {mkind}")
            np.testing.assert_array_equal(base, before, err_msg=f"{name}: wrote into the {kind} input")
            np.testing.assert_array_equal(mbase, mbefore, err_msg=f"{name}: wrote into the {mkind} mask")


@each
@combos
def test_outputs_own_their_memory(name: str, dtype: str, channels: int) -> None:
    """An output array is either the input itself (nothing changed it; possibly a new view object of
    the same data) or shares no memory with it: a crop or flip is a new array, not a window of the
    caller's image, so writing into a result cannot change the caller's data behind their back."""
    require_support(name, dtype, channels)
    data = full_inputs(dtype, channels)
    for p in (1.0, 0.0):
        out = pipeline(build(name, p=p))(**data)
        for key in ("image", "mask"):
            o, i = out[key], data[key]
            same = (o.__array_interface__["data"], o.shape, o.strides) == (
                i.__array_interface__["data"],
                i.shape,
                i.strides,
            )
            assert same or not np.shares_memory(o, i), f"{name} p={p}: {key} output is a view of the input"


@each
def test_after_a_crop(name: str) -> None:
    """A transform fed by a crop (whose result later kernels may see as a window of the input) gives
    what it gives on the cropped data alone, and the caller's arrays stay unchanged."""
    if rejection(name, "uint8", 3) is not None:
        pytest.skip("rejects uint8 RGB")
    if A.TRANSFORMS[name].kind == "mix":
        pytest.skip("mix partners come from the call's metadata, built from the (uncropped) sample")
    data = full_inputs("uint8", 3, hw=(30, 36))
    before = copy.deepcopy(data)
    crop = A.Crop(3, 2, 3 + W, 2 + H, p=1.0)  # fixed box: draws nothing from the stream
    cropped = pipeline(crop)(**data)
    cropped = {k: np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v for k, v in cropped.items()}
    expected = pipeline(build(name), seed=3)(**cropped)
    out = pipeline([crop, build(name)], seed=3)(**data)
    assert_same(out, expected, name)
    assert_same(data, before, "input")
