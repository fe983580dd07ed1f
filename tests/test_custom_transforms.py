"""Custom transforms written the albumentations way run unchanged, with albumentations' output.

Each transform body is written once and mixed into albumentations' base class and xalbu's, as a
user switching ``import albumentations as A`` to ``import xalbu as A`` would have it. The kinds
found in public projects: an aspect-keeping resize of every target, an image-only transform with
its own ``get_params``, and a crop whose parameters depend on the data.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

import xalbu as A

alb = pytest.importorskip("albumentations")


# ----------------------------------------------------------------------------- the bodies
class _KeepAspectResize:
    """Resize so the longer side is ``max_size``: image (linear), masks (nearest), boxes, keypoints."""

    def __init__(self, max_size: int = 24, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_size = max_size

    def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        h, w = params["shape"][:2]
        scale = self.max_size / max(h, w)
        return {"new_hw": (round(h * scale), round(w * scale)), "scale": scale}

    def apply(self, img: np.ndarray, new_hw: tuple[int, int], **params: Any) -> np.ndarray:
        return cv2.resize(img, (new_hw[1], new_hw[0]), interpolation=cv2.INTER_LINEAR)

    def apply_to_mask(self, mask: np.ndarray, new_hw: tuple[int, int], **params: Any) -> np.ndarray:
        return cv2.resize(mask, (new_hw[1], new_hw[0]), interpolation=cv2.INTER_NEAREST)

    def apply_to_bboxes(self, bboxes: np.ndarray, **params: Any) -> np.ndarray:
        return bboxes  # normalised coordinates do not change

    def apply_to_keypoints(self, keypoints: np.ndarray, scale: float, **params: Any) -> np.ndarray:
        out = keypoints.copy()
        out[:, :2] *= scale
        return out

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("max_size",)


class _Tint:
    """Blend towards white by a random amount: image only, its own ``get_params``."""

    def __init__(self, strength: tuple[float, float] = (0.1, 0.5), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.strength = strength

    def get_params(self) -> dict[str, Any]:
        return {
            "alpha": self.py_random.uniform(*self.strength),
            "noise_seed": int(self.random_generator.integers(9)),
        }

    def apply(self, img: np.ndarray, alpha: float, **params: Any) -> np.ndarray:
        return np.clip(np.rint(img * (1 - alpha) + 255 * alpha), 0, 255).astype(np.uint8)


class _CropAroundMask:
    """Crop ``height`` x ``width`` centred on the mask's foreground (data-dependent parameters)."""

    def __init__(self, height: int = 16, width: int = 20, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.height, self.width = height, width

    @property
    def targets_as_params(self) -> list[str]:
        return ["mask"]

    def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        h, w = params["shape"][:2]
        ys, xs = np.nonzero(data["mask"])
        cy, cx = (int(ys.mean()), int(xs.mean())) if len(ys) else (h // 2, w // 2)
        y0 = min(max(cy - self.height // 2, 0), h - self.height)
        x0 = min(max(cx - self.width // 2, 0), w - self.width)
        return {"crop": (x0, y0, x0 + self.width, y0 + self.height)}

    def apply(self, img: np.ndarray, crop: tuple[int, int, int, int], **params: Any) -> np.ndarray:
        x0, y0, x1, y1 = crop
        return img[y0:y1, x0:x1]

    def apply_to_bboxes(
        self, bboxes: np.ndarray, crop: tuple[int, ...], shape: tuple[int, ...], **params: Any
    ):
        h, w = shape[:2]
        x0, y0, x1, y1 = crop
        out = bboxes.copy()
        out[:, [0, 2]] = (bboxes[:, [0, 2]] * w - x0) / (x1 - x0)
        out[:, [1, 3]] = (bboxes[:, [1, 3]] * h - y0) / (y1 - y0)
        return out

    def apply_to_keypoints(self, keypoints: np.ndarray, crop: tuple[int, ...], **params: Any) -> np.ndarray:
        out = keypoints.copy()
        out[:, 0] -= crop[0]
        out[:, 1] -= crop[1]
        return out

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("height", "width")


class XKeepAspectResize(_KeepAspectResize, A.DualTransform):
    pass


class AKeepAspectResize(_KeepAspectResize, alb.DualTransform):
    pass


class XTint(_Tint, A.ImageOnlyTransform):
    pass


class ATint(_Tint, alb.ImageOnlyTransform):
    pass


class XCropAroundMask(_CropAroundMask, A.DualTransform):
    pass


class ACropAroundMask(_CropAroundMask, alb.DualTransform):
    pass


# ----------------------------------------------------------------------------- data
def _sample(seed: int = 0, hw: tuple[int, int] = (30, 40), gray: bool = False) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    shape = hw if gray else (*hw, 3)
    img = rng.integers(0, 256, shape, dtype=np.uint8)
    mask = np.zeros(hw, np.uint8)
    mask[8:20, 14:30] = 1 + seed % 3
    return {
        "image": img,
        "mask": mask,
        "bboxes": [(14, 8, 30, 20), (16, 10, 22, 18)],
        "labels": ["a", "b"],
        "keypoints": [(18.0, 12.0), (25.5, 15.25)],
        "names": ["k1", "k2"],
    }


def _pipelines(lib: Any, t: Any) -> Any:
    return lib.Compose(
        [t],
        bbox_params=lib.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=lib.KeypointParams(format="xy", label_fields=["names"]),
    )


def _assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    np.testing.assert_array_equal(got["image"], want["image"])
    np.testing.assert_array_equal(got["mask"], want["mask"])
    np.testing.assert_allclose(
        np.array(got["bboxes"], np.float64), np.array(want["bboxes"], np.float64), atol=1e-4
    )
    assert list(got["labels"]) == list(want["labels"])
    np.testing.assert_allclose(
        np.array(got["keypoints"], np.float64), np.array(want["keypoints"], np.float64), atol=1e-6
    )
    assert list(got["names"]) == list(want["names"])


# ----------------------------------------------------------------------------- one image
@pytest.mark.parametrize("gray", [False, True])
@pytest.mark.parametrize(
    ("xcls", "acls"), [(XKeepAspectResize, AKeepAspectResize), (XCropAroundMask, ACropAroundMask)]
)
def test_deterministic_custom_transforms_match_albumentations(xcls, acls, gray):
    data = _sample(1, gray=gray)
    got = _pipelines(A, xcls())(**data)
    want = _pipelines(alb, acls())(**data)
    assert got["image"].shape == want["image"].shape and got["image"].dtype == want["image"].dtype
    _assert_same(got, want)


def test_image_only_custom_transform_with_its_own_draws():
    data = _sample(2)
    pipe = A.Compose([XTint(p=1)], seed=5, save_applied_params=True)
    out = pipe(**{"image": data["image"], "mask": data["mask"]})
    params = out["applied_transforms"][0]["params"]
    assert set(params) == {"alpha", "noise_seed", "shape"} and 0.1 <= params["alpha"] <= 0.5
    assert tuple(params["shape"]) == data["image"].shape  # albumentations 2.x passes the image's shape
    # albumentations' own transform with the parameters xalbu drew gives the same image
    want = ATint(p=1).apply_with_params({**params, "shape": data["image"].shape}, image=data["image"])[
        "image"
    ]
    np.testing.assert_array_equal(out["image"], want)
    np.testing.assert_array_equal(out["mask"], data["mask"])  # image-only: the mask is untouched
    # seeded draws repeat, different calls differ, p gates
    again = A.Compose([XTint(p=1)], seed=5)(image=data["image"])["image"]
    np.testing.assert_array_equal(again, out["image"])
    draws = {float(pipe(image=data["image"])["applied_transforms"][0]["params"]["alpha"]) for _ in range(5)}
    assert len(draws) == 5
    assert A.Compose([XTint(p=0.0)])(image=data["image"])["image"] is data["image"]


def test_direct_call_and_replay_of_a_custom_transform():
    data = _sample(3)
    t = XKeepAspectResize(max_size=20)
    out = t(image=data["image"], mask=data["mask"])
    assert out["image"].shape == (15, 20, 3) and out["mask"].shape == (15, 20)
    pipe = A.Compose([XTint(p=1), XKeepAspectResize()], save_applied_params=True, seed=0)
    first = pipe(image=data["image"])
    again = pipe.replay(first["applied_transforms"], image=data["image"])
    np.testing.assert_array_equal(again["image"], first["image"])


def test_masks_list_goes_through_apply_to_masks_stacked():
    seen = []

    class Recorder(_KeepAspectResize, A.DualTransform):
        def apply_to_masks(self, masks, **params):
            seen.append(masks.shape)
            return super().apply_to_masks(masks, **params)

    data = _sample(4)
    out = A.Compose([Recorder()])(image=data["image"], masks=[data["mask"], 1 - data["mask"]])
    assert seen == [(2, 30, 40)]
    assert isinstance(out["masks"], list) and [m.shape for m in out["masks"]] == [(18, 24), (18, 24)]
    want = AKeepAspectResize()(image=data["image"], masks=[data["mask"], 1 - data["mask"]])["masks"]
    for g, w in zip(out["masks"], want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_rows_the_transform_drops_or_reorders_take_their_labels_along():
    class KeepSecondFirst(A.DualTransform):
        def apply(self, img, **params):
            return img

        def apply_to_bboxes(self, bboxes, **params):
            return bboxes[::-1][:1]  # only the last box survives

        def apply_to_keypoints(self, keypoints, **params):
            return keypoints[::-1]

    out = _pipelines(A, KeepSecondFirst(p=1))(**_sample(5))
    assert out["labels"] == ["b"] and out["bboxes"] == [(16.0, 10.0, 22.0, 18.0)]
    assert out["names"] == ["k2", "k1"]


def test_a_transform_that_drops_the_extra_columns_is_told_so():
    class Careless(A.DualTransform):
        def apply(self, img, **params):
            return img

        def apply_to_bboxes(self, bboxes, **params):
            return bboxes[:, :4]

    with pytest.raises(ValueError, match="extra columns"):
        _pipelines(A, Careless(p=1))(
            **{k: v for k, v in _sample(0).items() if k not in ("keypoints", "names")}
        )


def test_missing_targets_as_params_are_named():
    with pytest.raises(ValueError, match=r"\['mask'\]"):
        A.Compose([XCropAroundMask()])(image=_sample(0)["image"])


# ----------------------------------------------------------------------------- batches
@pytest.mark.parametrize(
    ("xcls", "acls"), [(XKeepAspectResize, AKeepAspectResize), (XCropAroundMask, ACropAroundMask)]
)
def test_custom_transforms_in_a_batch_match_albumentations_per_sample(xcls, acls):
    samples = [_sample(s) for s in range(3)]
    batch = _pipelines(A, xcls()).batch(
        images=np.stack([s["image"] for s in samples]),
        masks=np.stack([s["mask"] for s in samples]),
        bboxes=[s["bboxes"] for s in samples],
        labels=[s["labels"] for s in samples],
        keypoints=[s["keypoints"] for s in samples],
        names=[s["names"] for s in samples],
    )
    for i, s in enumerate(samples):
        want = _pipelines(alb, acls())(**s)
        got = {
            "image": batch["images"][i],
            "mask": batch["masks"][i],
            "bboxes": batch["bboxes"][i],
            "labels": batch["labels"][i],
            "keypoints": batch["keypoints"][i],
            "names": batch["names"][i],
        }
        _assert_same(got, want)


def test_a_batch_draws_per_sample_and_gates_per_sample():
    images = np.stack([_sample(s)["image"] for s in range(6)])
    out = A.Compose([XTint(p=0.5)], seed=3, save_applied_params=True).batch(images=images)
    step = out["applied_transforms"][0]
    applied = np.array(step["applied"])
    assert 0 < applied.sum() < 6
    alphas = [p["alpha"] for p in step["params"]]
    assert len(set(alphas)) == 6
    for i in range(6):
        if applied[i]:
            want = ATint(p=1).apply_with_params(step["params"][i], image=images[i])["image"]
            np.testing.assert_array_equal(out["images"][i], want)
        else:
            np.testing.assert_array_equal(out["images"][i], images[i])


def test_a_batch_refuses_custom_sizes_that_differ():
    class RandomSize(A.DualTransform):
        def get_params(self):
            return {"side": int(self.random_generator.integers(8, 16))}

        def apply(self, img, side, **params):
            return cv2.resize(img, (side, side))

    with pytest.raises(ValueError, match="different sizes"):
        A.Compose([RandomSize(p=1)], seed=0).batch(images=np.zeros((4, 20, 20, 3), np.uint8))


# ----------------------------------------------------------------------------- serialization
def test_custom_transforms_serialize_by_class_name():
    pipe = A.Compose([XKeepAspectResize(max_size=20), XCropAroundMask(height=8, width=10, p=0.5)], seed=1)
    d = A.to_dict(pipe)
    assert d["transform"]["transforms"][0] == {
        "__class_fullname__": "XKeepAspectResize",
        "p": 1.0,
        "max_size": 20,
    }
    back = A.from_dict(d)
    assert [type(t) for t in back.transforms] == [XKeepAspectResize, XCropAroundMask]
    assert back.transforms[1].height == 8 and back.transforms[1].p == 0.5
    data = _sample(0)
    np.testing.assert_array_equal(
        back(image=data["image"], mask=data["mask"])["image"],
        pipe(**{"image": data["image"], "mask": data["mask"]})["image"],
    )


def test_albumentations_saved_custom_transforms_load_through_the_registry(tmp_path):
    path = tmp_path / "custom.json"
    alb.save(alb.Compose([AKeepAspectResize(max_size=12)]), str(path))
    A.register_transform(XKeepAspectResize, name="AKeepAspectResize")  # the name the file uses
    try:
        loaded = A.load(str(path))
    finally:
        A.REGISTRY.pop("AKeepAspectResize")
    assert type(loaded.transforms[0]) is XKeepAspectResize and loaded.transforms[0].max_size == 12
    assert "XKeepAspectResize" not in A.TRANSFORMS  # users' classes are not part of the catalogue
