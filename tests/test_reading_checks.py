"""Reading and writing a call's targets (issue 11): what is accepted, what is refused, and the shapes and
dtypes that come back, checked against albumentations 2.0.8 where xalbu matches it.

- float64 images and masks are accepted (``np.zeros((h, w))`` is float64): computed as float32 and
  returned as float64 (images: unless a transform gives them a dtype of its own, as Normalize does);
  every transform that takes float32 takes float64;
- albumentations' 3-D targets (``volume``, ``volumes``, ``mask3d``, ``masks3d``) are transformed slice by
  slice with one draw, as albumentations does (tests/families/test_volume.py has the rest); ``batch`` refuses them;
- label fields: not named like a target, not shared by boxes and keypoints, not listed twice;
- batches: every target's N, no lists for ``images``, label lists checked per sample, N = 0 works;
- images given as lists and empty images are refused up front, naming the argument;
- NaN keypoints, angles and scales are refused naming the row; box messages say what is wrong;
- label fields given as (N, 1) arrays come back (N,), NumPy box arrays come back float64.
"""

from __future__ import annotations

import copy
from typing import Any

import array_api_strict as xps
import cuda_harness
import numpy as np
import pytest
from test_contract import DTYPE_OUT, NAMES, Pipe, build, make_image, make_mask, rejection

import xalbu as A

H, W = 24, 32
IMG = np.zeros((H, W, 3), np.uint8)
BP = A.BboxParams(format="pascal_voc", label_fields=["labels"])
KP = A.KeypointParams(format="xya", label_fields=["kp_labels"])


def alb():
    return pytest.importorskip("albumentations")


def flip(**kw: Any) -> A.Compose:
    return A.Compose([A.HorizontalFlip(p=1)], **kw)


def image64(channels: int = 3, seed: int = 0, hw: tuple[int, int] = (H, W)) -> np.ndarray:
    img = make_image("float32", channels, seed, hw).astype(np.float64)
    img += 1e-9  # values float32 cannot hold: the float32 computation rounds them
    return img


def mask64(seed: int = 0, hw: tuple[int, int] = (H, W)) -> np.ndarray:
    return make_mask(seed, hw).astype(np.float64)


# ============================================================================ 1. float64 images and masks
# Transforms that give the images a dtype of their own (Normalize, ToFloat, FromFloat) say so
# (State.retype, called by core/kinds.py), so a float64 image comes back in that dtype.


def expected_dtype64(name: str) -> str:
    """What a float64 image comes back as: float64, or the dtype a retyping transform gives."""
    t = build(name)
    return DTYPE_OUT[name](t, "float32") if name in DTYPE_OUT else "float64"


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("name", NAMES)
def test_every_transform_that_takes_float32_takes_float64(name: str, channels: int) -> None:
    """float64 in: the float32 computation (same draws), back as float64 (or the transform's own dtype);
    masks float64 in and out; inputs unchanged."""
    if rejection(name, "float32", channels) is not None:
        pytest.skip(f"{name} rejects float32 with {channels} channel(s)")
    img, mask = image64(channels), mask64()
    before = img.copy(), mask.copy()
    out = Pipe([build(name)], seed=0)(image=img, mask=mask)
    ref = Pipe([build(name)], seed=0)(image=img.astype(np.float32), mask=mask.astype(np.float32))
    assert out["image"].dtype.name == expected_dtype64(name)
    if out["image"] is not img:  # identities (NoOp, ToGray of one channel) give the input itself
        np.testing.assert_array_equal(out["image"], ref["image"].astype(out["image"].dtype))
    assert out["mask"].dtype == np.float64
    np.testing.assert_array_equal(out["mask"], ref["mask"])
    np.testing.assert_array_equal(img, before[0])
    np.testing.assert_array_equal(mask, before[1])
    for key, given in (("image", img), ("mask", mask)):
        assert out[key] is given or not np.shares_memory(out[key], given), f"{key} is a view of the input"


@pytest.mark.parametrize("name", NAMES)
def test_every_transform_batches_float64(name: str) -> None:
    if rejection(name, "float32", 3) is not None:
        pytest.skip(f"{name} rejects float32")
    imgs = np.stack([image64(3, s, (16, 16)) for s in range(4)])
    masks = np.stack([mask64(s, (16, 16)) for s in range(4)])
    try:
        ref = Pipe([build(name)], seed=0).batch(
            images=imgs.astype(np.float32), masks=masks.astype(np.float32)
        )
    except ValueError as e:
        pytest.skip(f"{name} cannot batch these samples: {e}")
    out = Pipe([build(name)], seed=0).batch(images=imgs, masks=masks)
    assert out["images"].dtype.name == expected_dtype64(name) and out["masks"].dtype == np.float64
    if out["images"] is not imgs:
        np.testing.assert_array_equal(out["images"], ref["images"].astype(out["images"].dtype))
    np.testing.assert_array_equal(out["masks"], ref["masks"])


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.HorizontalFlip(p=1),
        lambda a: a.Resize(12, 20),
        lambda a: a.Affine(rotate=30, p=1),
        lambda a: a.RandomBrightnessContrast(p=1),
        lambda a: a.RandomGamma(p=1),
        lambda a: a.InvertImg(p=1),
        lambda a: a.PadIfNeeded(40, 40),
    ],
)
def test_float64_dtypes_match_albumentations(make: Any) -> None:
    img, mask = image64(3), mask64()
    theirs = alb().Compose([make(alb())])(image=img, mask=mask)
    ours = A.Compose([make(A)])(image=img, mask=mask)
    for key in ("image", "mask"):
        assert ours[key].dtype == theirs[key].dtype == np.float64, key
        assert ours[key].shape == theirs[key].shape, key


def test_float64_flip_matches_albumentations_to_float32_precision() -> None:
    img = image64(3)
    theirs = alb().HorizontalFlip(p=1)(image=img)["image"]
    ours = A.HorizontalFlip(p=1)(image=img)["image"]
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=0)
    assert not np.array_equal(ours, theirs)  # computed as float32: rounded to its precision


def test_float64_mask_with_linear_interpolation() -> None:
    img, mask = image64(3), mask64()
    t = dict(rotate=30, p=1, mask_interpolation=1)
    theirs = alb().Compose([alb().Affine(**t)])(image=img, mask=mask)["mask"]
    ours = A.Compose([A.Affine(**t)])(image=img, mask=mask)["mask"]
    assert ours.dtype == theirs.dtype == np.float64
    assert len(np.unique(ours)) > 4  # interpolated, not nearest


def test_untouched_float64_comes_back_as_given() -> None:
    img, mask = image64(3), mask64()
    for pipe in (A.Compose([A.HorizontalFlip(p=0)]), A.Compose([A.NoOp()]), A.Compose([], p=0)):
        out = pipe(image=img, mask=mask)
        assert out["image"] is img and out["mask"] is mask
    flat = image64(1)
    assert A.Compose([A.HorizontalFlip(p=0)])(image=flat)["image"] is flat


def test_float64_in_lists_frames_and_other_libraries() -> None:
    img, m64, m8 = image64(3), mask64(), make_mask()
    out = flip()(image=img, masks=[m64, m8], images=np.stack([img, img]))
    assert [m.dtype for m in out["masks"]] == [np.float64, np.uint8]
    np.testing.assert_array_equal(out["masks"][0], m64[:, ::-1])
    np.testing.assert_array_equal(out["masks"][1], m8[:, ::-1])
    assert out["images"].dtype == np.float64 and out["images"].shape == (2, H, W, 3)
    np.testing.assert_array_equal(out["images"][1], out["image"])
    strict = flip()(image=xps.asarray(img), mask=xps.asarray(m64))
    assert strict["image"].dtype == xps.float64 and strict["mask"].dtype == xps.float64
    np.testing.assert_array_equal(np.asarray(strict["image"]), out["image"])


def test_from_float_of_float64_gives_uint8() -> None:
    """FromFloat's job is an integer image: xalbu gives uint8 (albumentations 2.0.8 keeps float64 with
    values up to 255, a documented difference)."""
    img = image64(3)
    assert A.FromFloat(dtype="uint8")(image=img)["image"].dtype == np.uint8
    assert alb().FromFloat(dtype="uint8")(image=img)["image"].dtype == np.float64


def test_normalize_of_float64_gives_float32_as_albumentations() -> None:
    img = image64(3)
    for name in ("Normalize", "ToFloat"):
        theirs = getattr(alb(), name)()(image=img)["image"]
        ours = getattr(A, name)()(image=img)["image"]
        assert ours.dtype == theirs.dtype == np.float32, name


def test_other_dtypes_are_still_refused() -> None:
    with pytest.raises(TypeError, match=r"^image: .*uint8, uint16 or float32 \(or float64.*got float16"):
        flip()(image=IMG.astype(np.float16))
    with pytest.raises(TypeError, match=r"^mask: .*float64 mask, got dtype float16"):
        flip()(image=IMG, mask=np.zeros((H, W), np.float16))


@pytest.mark.skipif(not cuda_harness.available(), reason="no host C++ compiler")
def test_float64_batch_on_cupy_stays_sync_free() -> None:
    from test_gpu_budget import _costs

    with cuda_harness.installed() as cp:

        def data(n: int) -> dict[str, Any]:
            imgs = np.stack([image64(3, s, (16, 16)) for s in range(n)])
            return {"images": cp.asarray(imgs), "masks": cp.asarray(np.zeros((n, 16, 16)))}

        def make() -> A.Compose:
            return A.Compose([A.HorizontalFlip(), A.Affine(rotate=(-10, 10), p=0.7), A.RandomGamma()], seed=1)

        small, large = _costs(cp, make, data(4)), _costs(cp, make, data(12))
        assert small["to_host"] == large["to_host"] == 0, large["sites"]
        assert small["launches"] == large["launches"] and small["calls"] == large["calls"]
        out = make().batch(**data(3))
        assert isinstance(out["images"], cp.ndarray) and out["images"].dtype == np.float64
        assert out["masks"].dtype == np.float64


# ============================================================================ 2. 3-D targets
UNSUPPORTED = {
    "volume": np.zeros((4, H, W, 3), np.uint8),
    "volumes": np.zeros((2, 4, H, W, 3), np.uint8),
    "mask3d": np.zeros((4, H, W), np.uint8),
    "masks3d": np.zeros((2, 4, H, W), np.uint8),
}


@pytest.mark.parametrize("key", sorted(UNSUPPORTED))
def test_3d_targets_are_transformed_as_albumentations_does(key: str) -> None:
    """Every slice of a 3-D target moves with the image (one draw); a batch refuses them, naming the key."""
    value = np.random.default_rng(0).integers(0, 256, UNSUPPORTED[key].shape).astype(np.uint8)
    theirs = alb().Compose([alb().HorizontalFlip(p=1)])(image=IMG, **{key: value})
    ours = flip()(image=IMG, **{key: value})
    assert ours[key].shape == value.shape
    np.testing.assert_array_equal(ours[key], theirs[key])
    np.testing.assert_array_equal(A.HorizontalFlip(p=1)(image=IMG, **{key: value})[key], theirs[key])
    with pytest.raises(ValueError, match=rf"^{key}: pipeline.batch\(...\) does not take 3-D targets"):
        flip().batch(images=IMG[None], **{key: [value]})


def test_a_3d_name_declared_as_a_target_of_xalbus_kinds_is_fine() -> None:
    out = flip(additional_targets={"volume": "images"})(image=IMG, volume=np.zeros((2, H, W, 3), np.uint8))
    assert out["volume"].shape == (2, H, W, 3)


# ============================================================================ 3. label fields
@pytest.mark.parametrize("field", ["mask", "image", "masks", "bboxes", "keypoints", "volume", "image2"])
def test_a_label_field_named_like_a_target_is_refused(field: str) -> None:
    extra = {"additional_targets": {"image2": "image"}}
    with pytest.raises(ValueError, match=rf"^BboxParams.label_fields: '{field}' is the name of a target"):
        flip(bbox_params=A.BboxParams(label_fields=[field]), **extra)
    with pytest.raises(ValueError, match=rf"^KeypointParams.label_fields: '{field}' is the name of a target"):
        flip(keypoint_params=A.KeypointParams(label_fields=[field]), **extra)


def test_a_target_added_later_cannot_take_a_label_fields_name() -> None:
    pipe = flip(bbox_params=A.BboxParams(label_fields=["extra"]))
    with pytest.raises(
        ValueError, match=r"^BboxParams.label_fields: 'extra' is the name of a target \(mask\)"
    ):
        pipe.add_targets({"extra": "mask"})


def test_label_field_named_mask_was_read_as_a_mask_by_albumentations() -> None:
    a = alb()
    pipe = a.Compose(
        [a.HorizontalFlip(p=1)], bbox_params=a.BboxParams(format="pascal_voc", label_fields=["mask"])
    )
    with pytest.raises(TypeError):
        pipe(image=IMG, bboxes=[(1, 2, 3, 4)], mask=[1])


def test_a_label_field_shared_by_boxes_and_keypoints_is_refused_as_albumentations() -> None:
    with pytest.raises(
        ValueError, match=r"^KeypointParams.label_fields: 'labels' is also a label field of BboxParams"
    ):
        flip(
            bbox_params=A.BboxParams(label_fields=["labels"]),
            keypoint_params=A.KeypointParams(label_fields=["labels"]),
        )
    a = alb()
    pipe = a.Compose(
        [a.HorizontalFlip(p=1)],
        bbox_params=a.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=a.KeypointParams(format="xy", label_fields=["labels"]),
    )
    with pytest.raises(KeyError):
        pipe(image=IMG, bboxes=[(1, 2, 3, 4)], keypoints=[(1, 2)], labels=[1])


def test_a_label_field_listed_twice_is_refused_as_albumentations() -> None:
    with pytest.raises(ValueError, match=r"^BboxParams.label_fields: 'a' is listed twice"):
        flip(bbox_params=A.BboxParams(label_fields=["a", "a"]))
    a = alb()
    pipe = a.Compose(
        [a.HorizontalFlip(p=1)], bbox_params=a.BboxParams(format="pascal_voc", label_fields=["a", "a"])
    )
    with pytest.raises(KeyError):
        pipe(image=IMG, bboxes=[(1, 2, 3, 4)], a=[1])


# ============================================================================ 4. batches
def test_masks_with_another_n_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^masks: expected 2 samples \(the batch size\), got 3"):
        flip().batch(images=np.zeros((2, 8, 8, 3), np.uint8), masks=np.zeros((3, 8, 8), np.uint8))


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_of_images_is_not_a_batch(container: type) -> None:
    """Refused (it drew one set of parameters for every sample before): stack it, or call per sample."""
    images = container(np.arange(4, dtype=np.uint8).reshape(2, 2) for _ in range(4))
    with pytest.raises(
        TypeError, match=r"^images: a batch takes one \(N, H, W\[, C\]\) array, got a .* of 4"
    ):
        A.Compose([A.HorizontalFlip(p=0.5)], seed=0).batch(images=images)
    with pytest.raises(TypeError, match=r"^masks: a batch takes one"):
        flip().batch(masks=container([np.zeros((2, 2), np.uint8)]))
    # one call's frames may still be a list
    out = flip()(images=container(np.arange(4, dtype=np.uint8).reshape(2, 2) for _ in range(2)))
    assert type(out["images"]) is container and out["images"][1].tolist() == [[1, 0], [3, 2]]


def boxes_batch(n: int = 2) -> dict[str, Any]:
    return {
        "images": np.zeros((n, 8, 8, 3), np.uint8),
        "bboxes": [[(1, 1, 3, 3)] for _ in range(n)],
        "labels": [["a"] for _ in range(n)],
        "keypoints": [[(1, 2, 0)] for _ in range(n)],
        "kp_labels": [[7] for _ in range(n)],
    }


@pytest.mark.parametrize("bad", [None, 5, 1.5])
def test_a_sample_without_a_label_list_is_refused_naming_it(bad: Any) -> None:
    pipe = flip(bbox_params=BP, keypoint_params=KP)
    with pytest.raises(
        TypeError,
        match=rf"^labels\[1\]: expected a list or array of labels, one per row of bboxes\[1\], got {type(bad).__name__}",
    ):
        pipe.batch(**{**boxes_batch(), "labels": [["a"], bad]})
    with pytest.raises(TypeError, match=r"^kp_labels\[0\]: .*one per row of keypoints\[0\]"):
        pipe.batch(**{**boxes_batch(), "kp_labels": [bad, [7]]})
    with pytest.raises(
        TypeError,
        match=rf"^labels: expected a list or array of labels, one per row of bboxes, got {type(bad).__name__}",
    ):
        pipe(image=IMG, bboxes=[(1, 1, 3, 3)], labels=bad, keypoints=[], kp_labels=[])


def test_ragged_label_lists_are_refused_naming_the_sample() -> None:
    pipe = flip(bbox_params=BP, keypoint_params=KP)
    with pytest.raises(
        ValueError, match=r"^labels: expected 1 labels \(one per row of bboxes\) \(sample 1\), got 2"
    ):
        pipe.batch(**{**boxes_batch(), "labels": [["a"], ["b", "c"]]})
    with pytest.raises(
        ValueError, match=r"^labels: a batch takes a list of 2 per-sample label lists, got 3 items"
    ):
        pipe.batch(**{**boxes_batch(), "labels": [["a"], ["b"], ["c"]]})
    with pytest.raises(
        ValueError, match=r"^labels: a batch takes a list of 2 per-sample label lists, got a ndarray"
    ):
        pipe.batch(**{**boxes_batch(), "labels": np.array([["a"], ["b"]])})


@pytest.mark.parametrize(
    "transforms",
    [
        [A.HorizontalFlip(p=0.5)],
        [A.Affine(rotate=10, p=1)],
        [A.RandomCrop(4, 4)],
        [A.OneOf([A.Transpose(), A.D4()])],
    ],
)
def test_an_empty_batch_with_boxes_and_keypoints(transforms: list) -> None:
    pipe = A.Compose(transforms, bbox_params=BP, keypoint_params=KP, seed=0)
    data = {k: v[:0] for k, v in boxes_batch().items()}
    data["masks"] = np.zeros((0, 8, 8), np.uint8)
    out = pipe.batch(**data)
    assert out["images"].shape[0] == 0 and out["masks"].shape[0] == 0
    assert out["bboxes"] == out["labels"] == out["keypoints"] == out["kp_labels"] == []


# ============================================================================ 5. lists and empty images
def test_an_image_given_as_a_list_is_refused_naming_it() -> None:
    for value in ([[1, 2], [3, 4]], [IMG], (IMG,)):
        with pytest.raises(
            TypeError, match=r"^image: expected an image as a NumPy/CuPy array .*got (list|tuple)"
        ):
            flip()(image=value)
        with pytest.raises(TypeError, match=r"^image: expected an image as a NumPy/CuPy array"):
            flip()(mask=np.zeros((H, W), np.uint8), image=value)
        with pytest.raises(TypeError, match=r"^image: expected an image"):
            A.HorizontalFlip(p=1)(image=value)
    with pytest.raises(TypeError, match=r"^mask: expected a mask as a NumPy/CuPy array .*got list"):
        flip()(image=IMG, mask=[np.zeros((H, W), np.uint8)])


EMPTY_TRANSFORMS = [
    A.Resize(8, 8),
    A.LongestMaxSize(8),
    A.SmallestMaxSize(8),
    A.Perspective(p=1),
    A.RandomResizedCrop((8, 8)),
    A.HorizontalFlip(p=1),
]


@pytest.mark.parametrize("shape", [(0, 5, 3), (5, 0, 3), (5, 5, 0), (0, 5), (0, 0)])
@pytest.mark.parametrize("t", EMPTY_TRANSFORMS, ids=lambda t: type(t).__name__)
def test_empty_images_are_refused_up_front(t: Any, shape: tuple[int, ...]) -> None:
    img = np.zeros(shape, np.uint8)
    with pytest.raises(
        ValueError, match=r"^image: expected a non-empty image \(height, width and channels > 0\)"
    ):
        A.Compose([t], seed=0)(image=img)
    with pytest.raises(ValueError, match=r"^images: expected a non-empty image"):
        A.Compose([t], seed=0).batch(images=img[None])


def test_empty_masks_and_frames_are_refused_naming_them() -> None:
    with pytest.raises(ValueError, match=r"^mask: expected a non-empty mask"):
        flip()(image=IMG, mask=np.zeros((H, W, 0), np.uint8))
    with pytest.raises(ValueError, match=r"^masks\[1\]: expected a non-empty mask"):
        flip()(image=IMG, masks=[np.zeros((H, W), np.uint8), np.zeros((H, W, 0), np.uint8)])
    with pytest.raises(ValueError, match=r"^mask: expected a non-empty mask"):
        flip()(mask=np.zeros((0, 4), np.uint8))


# ============================================================================ 6. NaN rows, box messages
def kp_pipe(fmt: str = "xya", **kw: Any) -> A.Compose:
    return flip(keypoint_params=A.KeypointParams(format=fmt, label_fields=["kp_labels"], **kw))


@pytest.mark.parametrize("row", [(np.nan, 3, 0), (3, np.nan, 0), (np.nan, np.nan, 10)])
def test_nan_keypoints_are_refused_naming_the_row(row: tuple) -> None:
    """albumentations drops them silently (and their labels): xalbu refuses them."""
    pts = [(4, 5, 0), row]
    with pytest.raises(
        ValueError, match=r"^keypoints\[1\] = \(.*nan.*\) \(xya\): x and y must be numbers, not NaN"
    ):
        kp_pipe()(image=IMG, keypoints=pts, kp_labels=[1, 2])
    with pytest.raises(ValueError, match=r"^keypoints\[1\] = .*not NaN"):
        kp_pipe(remove_invisible=False)(image=IMG, keypoints=np.array(pts), kp_labels=[1, 2])
    with pytest.raises(ValueError, match=r"^keypoints\[0\]\[1\] = .*not NaN"):
        kp_pipe().batch(images=IMG[None], keypoints=[pts], kp_labels=[[1, 2]])
    theirs = alb().Compose(
        [alb().HorizontalFlip(p=1)],
        keypoint_params=alb().KeypointParams(format="xya", label_fields=["kp_labels"]),
    )(image=IMG, keypoints=pts, kp_labels=[1, 2])
    assert len(theirs["keypoints"]) == 1  # dropped without a word


@pytest.mark.parametrize(
    "fmt,row,what",
    [
        ("xya", (3, 4, np.nan), "angle"),
        ("xya", (3, 4, np.inf), "angle"),
        ("xys", (3, 4, np.nan), "scale"),
        ("xyas", (3, 4, np.nan, -np.inf), "angle and scale"),
        ("xysa", (3, 4, 1, np.nan), "angle"),
    ],
)
def test_non_finite_angles_and_scales_are_refused(fmt: str, row: tuple, what: str) -> None:
    pts = np.array([(1, 1, 0, 1)[: len(fmt)], row])
    with pytest.raises(ValueError, match=rf"^keypoints\[1\] = .* \({fmt}\): {what} must be finite"):
        kp_pipe(fmt)(image=IMG, keypoints=pts, kp_labels=[1, 2])


def test_many_keypoints_take_the_array_check() -> None:
    pts = np.tile(np.array([[3.0, 4.0, 10.0]]), (40, 1))
    assert len(kp_pipe()(image=IMG, keypoints=pts, kp_labels=list(range(40)))["keypoints"]) == 40
    pts[37, 1] = np.nan
    with pytest.raises(ValueError, match=r"^keypoints\[37\] = .*not NaN"):
        kp_pipe()(image=IMG, keypoints=pts, kp_labels=list(range(40)))
    pts[37, 1] = H + 1
    with pytest.raises(ValueError, match=rf"^keypoints\[37\] = .*: it lies outside the image of {H}x{W}"):
        kp_pipe()(image=IMG, keypoints=pts, kp_labels=list(range(40)))


def box_pipe(**kw: Any) -> A.Compose:
    return flip(bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], **kw))


@pytest.mark.parametrize("clip", [True, False])
def test_a_nan_box_says_nan(clip: bool) -> None:
    with pytest.raises(
        ValueError, match=r"^bboxes\[1\] = .*: a coordinate is NaN; pass filter_invalid_bboxes"
    ) as e:
        box_pipe(clip=clip)(image=IMG, bboxes=[(1, 1, 5, 5), (np.nan, 1, 3, 4)], labels=[0, 1])
    assert "clip=True" not in str(e.value)


def test_a_box_outside_the_image_with_clip_says_so() -> None:
    with pytest.raises(
        ValueError,
        match=r"^bboxes\[0\] = \(40.0, 1.0, 50.0, 4.0\) .*: it lies outside the image, so clipping",
    ) as e:
        box_pipe(clip=True)(image=IMG, bboxes=[(40, 1, 50, 4)], labels=[0])
    assert "x_max <=" not in str(e.value)
    with pytest.raises(
        ValueError, match=r"^bboxes\[0\] = .*: coordinates outside the image \(pass clip=True"
    ):
        box_pipe()(image=IMG, bboxes=[(40, 1, 50, 4)], labels=[0])


@pytest.mark.parametrize(
    "fmt,box,what",
    [
        ("pascal_voc", (5, 1, 2, 4), r"x_max \(2\) <= x_min \(5\)"),
        ("pascal_voc", (1, 5, 2, 5), r"y_max \(5\) <= y_min \(5\)"),
        ("albumentations", (0.5, 0.1, 0.2, 0.3), r"x_max \(0.2\) <= x_min \(0.5\)"),
        ("coco", (3, 1, 0, 4), r"its width \(0\) is not > 0"),
        ("yolo", (0.5, 0.5, 0.1, 0), r"its height \(0\) is not > 0"),
    ],
)
def test_an_empty_box_says_which_side(fmt: str, box: tuple, what: str) -> None:
    pipe = flip(bbox_params=A.BboxParams(format=fmt))
    with pytest.raises(
        ValueError, match=rf"^bboxes\[0\] = .* \({fmt}\) is invalid .*: {what}; pass filter_invalid_bboxes"
    ):
        pipe(image=IMG, bboxes=[box])


def test_filter_invalid_bboxes_drops_nan_and_outside_boxes_as_albumentations() -> None:
    boxes = [(40, 1, 50, 4), (1, 1, 5, 5), (np.nan, 1, 3, 4), (-5, 1, 10, 4)]
    kw = dict(format="pascal_voc", label_fields=["labels"], clip=True, filter_invalid_bboxes=True)
    theirs = alb().Compose([alb().HorizontalFlip(p=1)], bbox_params=alb().BboxParams(**kw))(
        image=IMG, bboxes=boxes, labels=[0, 1, 2, 3]
    )
    ours = flip(bbox_params=A.BboxParams(**kw))(image=IMG, bboxes=boxes, labels=[0, 1, 2, 3])
    assert ours["labels"] == [1, 3] and [int(v) for v in theirs["labels"]] == [1, 3]
    np.testing.assert_allclose(ours["bboxes"], theirs["bboxes"])


# ============================================================================ 7. output shapes and dtypes
def test_label_arrays_of_shape_n_1_come_back_n_as_albumentations() -> None:
    kw = dict(
        image=IMG,
        bboxes=np.array([(1, 2, 10, 12), (5, 6, 17, 18)], np.float32),
        labels=np.array([[1], [2]]),
        keypoints=np.array([(1, 2, 0), (5, 6, 0)], np.float32),
        kp_labels=np.array([[3], [4]]),
    )
    before = copy.deepcopy(kw)
    a = alb()
    theirs = a.Compose(
        [a.HorizontalFlip(p=1)],
        bbox_params=a.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=a.KeypointParams(format="xya", label_fields=["kp_labels"]),
    )(**kw)
    ours = flip(bbox_params=BP, keypoint_params=KP)(**kw)
    for key in ("labels", "kp_labels"):
        assert ours[key].shape == theirs[key].shape == (2,), key
        np.testing.assert_array_equal(ours[key], theirs[key])
    # boxes: float64 as albumentations gives them; keypoints keep float32 (albumentations too)
    assert ours["bboxes"].dtype == theirs["bboxes"].dtype == np.float64
    np.testing.assert_allclose(ours["bboxes"], theirs["bboxes"], atol=1e-5)  # theirs: float32 arithmetic
    assert ours["keypoints"].dtype == theirs["keypoints"].dtype == np.float32
    for key, value in before.items():
        np.testing.assert_array_equal(kw[key], value)
        assert kw[key].dtype == value.dtype and kw[key].shape == value.shape


def test_n_1_labels_and_float64_boxes_in_a_batch_and_after_filtering() -> None:
    pipe = A.Compose([A.Crop(0, 0, 8, 8)], bbox_params=BP, keypoint_params=KP)
    boxes = np.array([(1, 1, 4, 4, 9), (20, 20, 30, 22, 8)], np.float32)  # the second leaves the crop
    pts = np.array([(1, 1, 0), (20, 20, 0)], np.float32)
    labels, kp_labels = np.array([[1], [2]]), np.array([[3], [4]])
    out = pipe.batch(
        images=np.zeros((2, H, W, 3), np.uint8),
        bboxes=[boxes, boxes[:0]],
        labels=[labels, labels[:0]],
        keypoints=[pts, pts],
        kp_labels=[kp_labels, kp_labels],
    )
    assert [b.dtype for b in out["bboxes"]] == [np.float64, np.float64]
    assert [b.shape for b in out["bboxes"]] == [(1, 5), (0, 5)]
    assert out["bboxes"][0][0, 4] == 9  # extra columns ride along, in float64 too
    assert [lab.shape for lab in out["labels"]] == [(1,), (0,)] and out["labels"][0].tolist() == [1]
    assert [lab.tolist() for lab in out["kp_labels"]] == [[3], [3]]
    assert [k.dtype for k in out["keypoints"]] == [np.float32, np.float32]


def test_wider_label_arrays_keep_their_rows() -> None:
    """albumentations refuses (N, 2) label arrays; xalbu picks their rows."""
    out = flip(bbox_params=BP)(
        image=IMG, bboxes=[(1, 2, 3, 4), (5, 6, 7, 8)], labels=np.array([[1, 2], [3, 4]])
    )
    assert out["labels"].tolist() == [[1, 2], [3, 4]]


@pytest.mark.skipif(not cuda_harness.available(), reason="no host C++ compiler")
def test_device_boxes_keep_their_dtype_and_n_1_labels_come_back_n() -> None:
    with cuda_harness.installed() as cp:
        boxes = [cp.asarray(np.array([(1, 2, 5, 6)], np.float32)) for _ in range(2)]
        labels = [cp.asarray(np.array([[7]])) for _ in range(2)]
        out = flip(bbox_params=BP).batch(
            images=cp.asarray(np.zeros((2, 8, 8, 3), np.uint8)), bboxes=boxes, labels=labels
        )
        assert all(isinstance(b, cp.ndarray) and b.dtype == np.float32 for b in out["bboxes"])
        assert all(lab.shape == (1,) and cp.asnumpy(lab).tolist() == [7] for lab in out["labels"])


# ============================================================================ 8. additional_targets
@pytest.mark.parametrize("bad", [["image2"], [("image2", "image")], "image2"])
def test_additional_targets_must_be_a_dict(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"^additional_targets: expected a dict"):
        A.Compose([], additional_targets=bad)
