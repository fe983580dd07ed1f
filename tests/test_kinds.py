"""The kinds the catalogue builds on: spatial (per-sample gating of every target) and mix.

Tiny test transforms of each kind check what the base classes guarantee; the catalogue's own
transforms of these kinds have behaviour tests in their families.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.core import samples
from xalbu.core.targets import BoxSet, PointSet


# ----------------------------------------------------------------------------- spatial
class _ShiftRight(A.SpatialTransform):
    """Roll the image one pixel right and move boxes and keypoints with it (not affine: it wraps)."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply_image(self, img: Any, params: Any, state: Any) -> Any:
        return np.roll(img, 1, axis=-2)

    apply_mask = apply_image

    def apply_boxes(self, boxes: BoxSet, params: Any, state: Any) -> BoxSet:
        xyxy = boxes.xyxy + np.array([1.0, 0.0, 1.0, 0.0])
        return BoxSet(xyxy, boxes.rows, boxes.vis, boxes.sample, boxes.origin)

    def apply_points(self, pts: PointSet, params: Any, state: Any) -> PointSet:
        return PointSet(pts.xy + np.array([1.0, 0.0]), pts.angle, pts.scale, pts.rows, pts.sample, pts.origin)


def _batch(n: int = 8) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 12, 16, 3), dtype=np.uint8)
    return {
        "images": images,
        "masks": (images[..., 0] > 128).astype(np.uint8),
        "bboxes": [[(2.0, 3.0, 6.0, 7.0), (1.0, 1.0, 4.0, 4.0)] for _ in range(n)],
        "labels": [[f"{i}a", f"{i}b"] for i in range(n)],
        "keypoints": [[(5.0, 5.0)] for _ in range(n)],
    }


def _pipe(t: Any, **kw: Any) -> A.Compose:
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        save_applied_params=True,
        **kw,
    )


def test_spatial_kind_gates_every_target_per_sample():
    data = _batch()
    out = _pipe(_ShiftRight(p=0.5), seed=4).batch(**data)
    applied = np.array(out["applied_transforms"][0]["applied"])
    assert 0 < applied.sum() < len(applied)
    for i, on in enumerate(applied):
        shift = 1.0 if on else 0.0
        want_img = np.roll(data["images"][i], 1, axis=1) if on else data["images"][i]
        np.testing.assert_array_equal(out["images"][i], want_img)
        np.testing.assert_array_equal(
            out["masks"][i], np.roll(data["masks"][i], 1, axis=1) if on else data["masks"][i]
        )
        assert out["bboxes"][i] == [(2 + shift, 3.0, 6 + shift, 7.0), (1 + shift, 1.0, 4 + shift, 4.0)]
        assert out["labels"][i] == [f"{i}a", f"{i}b"]
        assert out["keypoints"][i] == [(5 + shift, 5.0)]


# ----------------------------------------------------------------------------- mix
@dataclass
class _BlendParams:
    weight: Any


class _Blend(A.MixTransform):
    """Average with one partner; keeps both samples' boxes (MixUp-style label mixing)."""

    Params = _BlendParams

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> _BlendParams:
        return _BlendParams(0.5)

    def mix_image(self, img: Any, partners: list[Any], params: Any) -> Any:
        return ((img.astype(np.uint16) + partners[0]) // 2).astype(img.dtype)


def test_mix_kind_in_a_batch_takes_partners_from_the_batch_with_their_labels():
    data = _batch(6)
    out = _pipe(_Blend(p=1.0), seed=2).batch(**data)
    partners = np.array(out["applied_transforms"][0]["params"]["partners"])
    assert partners.shape == (6, 1) and not np.any(partners[:, 0] == np.arange(6))  # never itself
    for i in range(6):
        j = int(partners[i, 0])
        want = ((data["images"][i].astype(np.uint16) + data["images"][j]) // 2).astype(np.uint8)
        np.testing.assert_array_equal(out["images"][i], want)
        np.testing.assert_array_equal(out["masks"][i], data["masks"][i])  # default: own mask
        assert out["labels"][i] == [f"{i}a", f"{i}b", f"{j}a", f"{j}b"]  # the partner's labels came along
        assert len(out["bboxes"][i]) == 4 and len(out["keypoints"][i]) == 2


def test_mix_kind_gated_samples_stay_untouched():
    data = _batch(8)
    out = _pipe(_Blend(p=0.5), seed=1).batch(**data)
    applied = np.array(out["applied_transforms"][0]["applied"])
    assert 0 < applied.sum() < 8
    for i in np.flatnonzero(~applied):
        np.testing.assert_array_equal(out["images"][i], data["images"][i])
        assert out["labels"][i] == [f"{i}a", f"{i}b"]


def test_mix_kind_for_one_image_takes_partners_from_the_metadata():
    data = _batch(3)
    partner = {
        "image": data["images"][1],
        "mask": data["masks"][1],
        "bboxes": [(8.0, 2.0, 12.0, 9.0)],
        "labels": ["p0"],
        "keypoints": [(3.0, 4.0)],
    }
    pipe = _pipe(_Blend(p=1.0), seed=0)
    out = pipe(
        image=data["images"][0],
        mask=data["masks"][0],
        bboxes=data["bboxes"][0],
        labels=data["labels"][0],
        keypoints=data["keypoints"][0],
        mix_data=[partner],
    )
    want = ((data["images"][0].astype(np.uint16) + data["images"][1]) // 2).astype(np.uint8)
    np.testing.assert_array_equal(out["image"], want)
    assert out["labels"] == ["0a", "0b", "p0"] and out["bboxes"][-1] == (8.0, 2.0, 12.0, 9.0)
    assert out["keypoints"] == [(5.0, 5.0), (3.0, 4.0)]
    # replay gives the same partners
    again = pipe.replay(out["applied_transforms"], image=data["images"][0], mix_data=[partner])
    np.testing.assert_array_equal(again["image"], out["image"])


def test_mix_kind_errors_name_the_metadata_key():
    img = np.zeros((12, 16, 3), np.uint8)
    with pytest.raises(ValueError, match="mix_data"):
        A.Compose([_Blend(p=1.0)])(image=img)
    with pytest.raises(ValueError, match=r"mix_data\[0\]\[.image.\]: height and width \(5, 5\)"):
        A.Compose([_Blend(p=1.0)])(image=img, mix_data=[{"image": np.zeros((5, 5, 3), np.uint8)}])
    with pytest.raises(ValueError, match=r"labels.*expected 1 labels"):
        _pipe(_Blend(p=1.0))(
            image=img, bboxes=[], labels=[], mix_data=[{"image": img, "bboxes": [(1, 1, 3, 3)], "labels": []}]
        )


# ----------------------------------------------------------------------------- CPU sub-batches
SUB_BATCH_NAMES = sorted(n for n, c in A.TRANSFORMS.items() if c.kind in ("pixel", "spatial"))


@pytest.mark.parametrize("name", SUB_BATCH_NAMES)
def test_partly_applied_host_batches_run_only_the_applied_samples(name, monkeypatch):
    """On the CPU a partly applied batch runs the kernel on its applied samples only: the same result
    as the whole-batch path (identity parameters or compute-then-select), the other samples copied."""
    from test_contract import build, make_image, require_support

    from xalbu.core import kinds

    require_support(name, "uint8", 3)
    imgs = np.stack([make_image("uint8", 3, seed=s) for s in range(6)])
    masks = (imgs[..., 0] // 64).astype(np.uint8)  # four labels, blobs where the image is smooth
    before = imgs.copy()
    extra = {}
    if "metadata" in getattr(A.TRANSFORMS[name], "benchmark_inputs", ()):
        from xalbu.benchmark import metadata_for

        extra = metadata_for(name, {"image": imgs[0]})
    t = build(name, p=0.5)
    taken = []
    some = kinds.apply_some

    def spy(*args):
        taken.append(some(*args))
        return taken[-1]

    targets = {"images": imgs} if A.TRANSFORMS[name].kind == "pixel" else {"images": imgs, "masks": masks}

    def run() -> Any:
        try:
            out = A.Compose([t], seed=5).batch(**targets, **extra)
        except ValueError as e:  # dtype or size changes must apply to every sample: refused alike
            return str(e)
        return np.concatenate([out["images"].reshape(6, -1), out.get("masks", masks).reshape(6, -1)], 1)

    monkeypatch.setattr(kinds, "apply_some", spy)
    out = run()
    monkeypatch.setattr(kinds, "apply_some", lambda *a: False)
    ref = run()
    if isinstance(ref, str):
        assert out == ref
        return
    np.testing.assert_array_equal(out, ref)
    assert np.array_equal(imgs, before)


def test_the_sub_batch_path_is_taken_and_declines_what_it_cannot_cut():

    imgs = np.zeros((5, 8, 9, 3), np.uint8)
    calls = []

    class Count(A.Blur):
        def apply_image(self, img, params):
            calls.append(img.shape[0])
            return super().apply_image(img, params)

    A.Compose([Count(p=0.5)], seed=1).batch(images=imgs)
    assert calls and calls[0] < 5  # only the applied samples reach the kernel
    P = dataclasses.make_dataclass("P", ["a", "shared", "odd", "rows"])
    params = P(np.arange(4), np.ones((4, 2)), 3, [[1], [2], [3], [4]])
    sub = samples.take_samples(
        params, np.array([1, 3]), 4, lambda m: P(np.arange(m), np.ones((4, 2)), 3, [[0]] * m)
    )
    assert (
        sub.a.tolist() == [1, 3] and sub.shared is params.shared and sub.odd == 3 and sub.rows == [[2], [4]]
    )
    # a field whose length follows the batch some other way (2 per sample): not cut, declined
    assert (
        samples.take_samples(params, np.array([1]), 4, lambda m: P(np.arange(2 * m), 0, 3, []))
        is NotImplemented
    )
    assert samples.take_samples(object(), np.array([1]), 4, lambda m: None) is NotImplemented


# ----------------------------------------------------------------------------- one-image direct calls
def _fast_and_general(monkeypatch, cls, attr, off, run):
    """``[run(), run() with cls.<attr> = off]`` (a shortcut, then the general path), or ``None``
    where both refused the example alike (too small an image: the same ValueError)."""
    runs = []
    for general in (False, True):
        if general:
            monkeypatch.setattr(cls, attr, off)
        try:
            runs.append(run())
        except ValueError as e:
            runs.append(str(e))
        monkeypatch.undo()
    if isinstance(runs[1], str):
        assert runs[0] == runs[1]
        return None
    return runs


ONE_IMAGE = sorted(n for n, c in A.TRANSFORMS.items() if c._one_image is not None)


@pytest.mark.parametrize("name", ONE_IMAGE)
def test_one_image_direct_calls_equal_the_general_path(name, monkeypatch):
    """``_one_image`` (no State, no Geometry) gives what the general path gives, draw for draw."""
    from test_contract import make_image

    cls = A.TRANSFORMS[name]
    for args in cls.examples(24, 31):
        for shape in ((24, 31, 3), (17, 17, 1)):
            img = make_image("uint8", shape[2], seed=1)[: shape[0], : shape[1]]

            def run(args=args, img=img):
                t = cls(**{**args, "p": 1})
                t.set_random_seed(7)
                return [t(image=img)["image"] for _ in range(3)]

            runs = _fast_and_general(monkeypatch, cls, "_one_image", None, run)
            if runs is None:
                continue
            for fast, slow in zip(*runs, strict=True):
                assert fast.dtype == slow.dtype  # and the input itself only where the general path gives it
                assert np.shares_memory(fast, img) == np.shares_memory(slow, img)
                np.testing.assert_array_equal(fast, slow)


SHARED_KERNEL = sorted(n for n, c in A.TRANSFORMS.items() if getattr(c, "_shared_kernel", None) is not None)


@pytest.mark.parametrize("name", SHARED_KERNEL)
def test_geometry_free_pipeline_steps_equal_the_general_path(name, monkeypatch):
    """In a pipeline, a ``_shared_kernel`` step on one image and its mask (or a volume's frames)
    skips the Geometry: the same outputs as the general path, draw for draw."""
    from test_contract import make_image, make_mask

    cls = A.TRANSFORMS[name]
    img, mask = make_image("uint8", 3, seed=2), make_mask(3)
    vol = np.stack([img, img[::-1]])
    assert cls._plain
    for args in cls.examples(24, 32):

        def run(args=args):
            pipe = A.Compose([cls(**{**args, "p": 1})], seed=5)
            return [pipe(image=img, mask=mask) for _ in range(3)] + [pipe(volume=vol)]

        runs = _fast_and_general(monkeypatch, cls, "_plain", False, run)
        if runs is None:
            continue
        for fast, slow in zip(*runs, strict=True):
            assert fast.keys() == slow.keys()
            for key in fast:
                np.testing.assert_array_equal(fast[key], slow[key])


PLAIN_VOLUME = sorted(n for n, c in A.TRANSFORMS.items() if getattr(c, "_plain_volume", False))


@pytest.mark.parametrize("name", PLAIN_VOLUME)
def test_one_volume_pipeline_steps_equal_the_general_path(name, monkeypatch):
    """A 3-D step on a call of one volume (or one 3-D mask, or ``volumes`` of one) skips the
    general bookkeeping: the same outputs, draw for draw (gated at p=0.5, several calls)."""
    from test_contract import make_image

    cls = A.TRANSFORMS[name]
    img = make_image("uint8", 3, seed=3)
    vol = np.stack([img, img[::-1], img[:, ::-1]])
    mask = (vol[..., 0] > 128).astype(np.uint8)
    for args in cls.examples(24, 32):

        def run(args=args):
            pipe = A.Compose([cls(**{**args, "p": 0.5})], seed=9)
            outs = [pipe(volume=vol) for _ in range(4)] + [pipe(mask3d=mask) for _ in range(2)]
            return outs + [pipe(volumes=vol[None]), pipe(volume=vol[..., 0])]

        runs = _fast_and_general(monkeypatch, cls, "_plain_volume", False, run)
        if runs is None:
            continue
        for fast, slow in zip(*runs, strict=True):
            assert fast.keys() == slow.keys()
            for key in fast:
                assert fast[key].shape == slow[key].shape and fast[key].dtype == slow[key].dtype
                np.testing.assert_array_equal(fast[key], slow[key])


def test_volume_subclasses_with_their_own_steps_skip_the_one_volume_path():
    class Marked(A.CenterCrop3D):
        def _apply(self, state, params, applied):
            super()._apply(state, params, applied)
            state.images["volume"] = state.images["volume"] + 1

    vol = np.zeros((4, 6, 6, 3), np.uint8)
    assert A.CenterCrop3D._plain_volume and not Marked._plain_volume
    out = A.Compose([Marked(size=(2, 4, 4), p=1)])(volume=vol)["volume"]
    assert out.shape == (2, 4, 4, 3) and (out == 1).all()


def test_subclasses_with_their_own_pixels_skip_the_one_image_path():
    class Dark(A.HorizontalFlip):
        def apply_image(self, img, params, geo):
            return super().apply_image(img, params, geo) // 2

    class Plus(A.RandomCrop):
        def _exact(self, arr, p, geo, mask):
            return super()._exact(arr, p, geo, mask) + 1

    class Marked(A.GridDistortion):
        def _apply(self, state, params, applied):
            super()._apply(state, params, applied)
            state.images["image"] = state.images["image"] + 1

    class Lifted(A.InvertImg):  # a pixel transform's own _apply
        def _apply(self, state, params, applied):
            super()._apply(state, params, applied)
            state.images["image"] = state.images["image"] + 1

    class Sized(A.InvertImg):  # a data-dependent draw
        def sample_data(self, rng, state):
            return state.shape

        def apply_image(self, img, params):
            return img + np.uint8(params[0])

    img = np.full((4, 6, 3), 100, np.uint8)
    assert not Lifted._one_plain and not Sized._one_plain and A.InvertImg._one_plain
    assert (Lifted(p=1)(image=img)["image"] == 156).all()
    assert (Sized(p=1)(image=img)["image"] == 104).all()
    assert (Marked(num_steps=2, distort_limit=0, p=1)(image=img)["image"] == 101).all()
    assert (Dark(p=1)(image=img)["image"] == 50).all()
    assert (Plus(2, 3, p=1)(image=img)["image"] == 101).all()
