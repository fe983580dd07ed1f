"""Clear errors: every message names the argument that is wrong."""

from __future__ import annotations

import inspect
import re
from numbers import Real

import array_api_strict as xps
import numpy as np
import pytest
from test_contract import EXAMPLES

import xalbu as A

H, W = 8, 10
IMG = np.zeros((H, W, 3), np.uint8)
MASK = np.zeros((H, W), np.uint8)


def flip(**kw):
    return A.Compose([A.HorizontalFlip(p=1)], **kw)


# ----------------------------------------------------------------------------- images and masks
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8, np.float16, np.complex64, np.bool_])
def test_unsupported_image_dtype(dtype):
    with pytest.raises(TypeError, match=r"^image: .*uint8, uint16 or float32"):
        flip()(image=IMG.astype(dtype))


def test_unsupported_mask_dtype():  # float64 images and masks are accepted: tests/test_reading_checks.py
    with pytest.raises(TypeError, match=r"^mask: .*float16"):
        flip()(image=IMG, mask=MASK.astype(np.float16))


@pytest.mark.parametrize("shape", [(H,), (H, W, 3, 1), (1, H, W, 3, 1)])
def test_bad_image_ndim(shape):
    with pytest.raises(ValueError, match=r"^image: .*" + re.escape(str(shape))):
        flip()(image=np.zeros(shape, np.uint8))


def test_bad_ndim_in_a_batch():
    with pytest.raises(ValueError, match=r"^images: "):
        flip().batch(images=np.zeros((W,), np.uint8))
    with pytest.raises(ValueError, match=r"^images: .*\(N, H, W\)"):
        flip().batch(images=np.zeros((2, H, W, 3, 1), np.uint8))
    with pytest.raises(ValueError, match=r"^masks: "):
        flip().batch(images=np.zeros((2, H, W, 3), np.uint8), masks=np.zeros((2, H, W, 1, 1), np.uint8))


def test_image_mask_size_mismatch():
    with pytest.raises(ValueError, match=r"^mask: .*\(8, 9\).*\(8, 10\)"):
        flip()(image=IMG, mask=np.zeros((H, W - 1), np.uint8))
    with pytest.raises(ValueError, match=r"^image2: "):
        flip(additional_targets={"image2": "image"})(image=IMG, image2=np.zeros((H + 1, W, 3), np.uint8))
    with pytest.raises(ValueError, match=r"masks\[1\]"):
        flip()(image=IMG, masks=[MASK, np.zeros((H, W + 2), np.uint8)])


def test_batch_size_mismatch():
    with pytest.raises(ValueError, match=r"^masks: "):
        flip().batch(images=np.zeros((3, H, W, 3), np.uint8), masks=np.zeros((3, H + 1, W), np.uint8))
    with pytest.raises(ValueError, match=r"^bboxes: .*3"):
        flip(bbox_params=A.BboxParams()).batch(images=np.zeros((3, H, W, 3), np.uint8), bboxes=[[], []])


def test_mixed_array_libraries():
    with pytest.raises(ValueError, match=r"^mask: .*array_api_strict.*numpy"):
        flip()(image=IMG, mask=xps.asarray(MASK))
    with pytest.raises(ValueError, match=r"^mask: .*numpy.*array_api_strict"):
        flip()(image=xps.asarray(IMG), mask=MASK)


def test_not_an_array():
    with pytest.raises(TypeError, match=r"^image: .*list"):
        flip()(image=[[1, 2], [3, 4]])


def test_no_image():
    with pytest.raises(ValueError, match="image"):
        flip()(bboxes=[])
    with pytest.raises(ValueError, match="images"):
        flip().batch()
    with pytest.raises(ValueError, match="^image: .*batch"):
        flip().batch(image=IMG, images=np.zeros((2, H, W, 3), np.uint8))


# ----------------------------------------------------------------------------- boxes and keypoints
def test_unknown_formats():
    with pytest.raises(ValueError, match=r"BboxParams.format: .*pascal_voc.*'xyxy'"):
        A.BboxParams(format="xyxy")
    with pytest.raises(ValueError, match=r"KeypointParams.format: .*'xyzq'"):
        A.KeypointParams(format="xyzq")
    with pytest.raises(ValueError, match=r"BboxParams.format"):
        flip(bbox_params={"format": "voc"})


def test_label_field_of_the_wrong_length():
    pipe = flip(bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]))
    with pytest.raises(ValueError, match=r"^labels: expected 2 labels .*got 1"):
        pipe(image=IMG, bboxes=[(0, 0, 2, 2), (1, 1, 3, 3)], labels=["a"])
    kpipe = flip(keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]))
    with pytest.raises(ValueError, match=r"^kl: expected 1 labels"):
        kpipe(image=IMG, keypoints=[(1, 1)], kl=[1, 2])
    with pytest.raises(ValueError, match=r"^labels: .*sample 1"):
        pipe.batch(
            images=np.zeros((2, H, W, 3), np.uint8),
            bboxes=[[(0, 0, 2, 2)], [(0, 0, 2, 2)]],
            labels=[["a"], []],
        )


def test_missing_label_field():
    pipe = flip(bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]))
    with pytest.raises(ValueError, match=r"^labels: .*not passed"):
        pipe(image=IMG, bboxes=[(0, 0, 2, 2)])
    kpipe = flip(keypoint_params=A.KeypointParams(label_fields=("ids",)))
    with pytest.raises(ValueError, match=r"^ids: "):
        kpipe(image=IMG, keypoints=[(1, 1)])


def test_targets_without_params():
    with pytest.raises(ValueError, match=r"^bboxes: .*bbox_params"):
        flip()(image=IMG, bboxes=[(0, 0, 2, 2)])
    with pytest.raises(ValueError, match=r"^keypoints: .*keypoint_params"):
        flip()(image=IMG, keypoints=[(1, 1)])


def test_malformed_rows():
    pipe = flip(bbox_params=A.BboxParams(format="pascal_voc"))
    with pytest.raises(ValueError, match=r"^bboxes\[1\]: .*4 numbers"):
        pipe(image=IMG, bboxes=[(0, 0, 2, 2), (1, 1, 3)])
    with pytest.raises(ValueError, match=r"^bboxes: .*\(N, >= 4\)"):
        pipe(image=IMG, bboxes=np.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"^bboxes: "):
        pipe(image=IMG, bboxes="0 0 2 2")
    kpipe = flip(keypoint_params=A.KeypointParams(format="xy"))
    with pytest.raises(ValueError, match=r"^keypoints\[1\] = .*outside"):
        kpipe(image=IMG, keypoints=[(1, 1), (W + 1, 2)])


def test_bbox_params_values():
    with pytest.raises(ValueError, match=r"BboxParams.min_visibility"):
        A.BboxParams(min_visibility=1.5)
    with pytest.raises(ValueError, match=r"BboxParams.min_area"):
        A.BboxParams(min_area=-1)
    with pytest.raises(TypeError, match=r"BboxParams.label_fields"):
        A.BboxParams(label_fields=[1, 2])
    with pytest.raises(TypeError, match=r"bbox_params"):
        A.Compose([], bbox_params="pascal_voc")
    with pytest.raises(ValueError, match=r"additional_targets\['x'\]"):
        A.Compose([], additional_targets={"x": "picture"})


# ----------------------------------------------------------------------------- arguments
NAMES = sorted(A.TRANSFORMS)


@pytest.mark.parametrize("name", NAMES)
def test_p_out_of_range(name):
    kwargs = EXAMPLES.get(name, {})
    for bad in (1.5, -0.1):
        with pytest.raises(ValueError, match=r"\bp\b"):
            A.TRANSFORMS[name](p=bad, **kwargs)
    with pytest.raises(TypeError, match=r"\bp\b"):
        A.TRANSFORMS[name](p="high", **kwargs)


@pytest.mark.parametrize("node", [A.Compose, A.OneOf, A.SomeOf, A.Sequential, A.RandomOrder])
def test_p_out_of_range_compositions(node):
    with pytest.raises(ValueError, match=r"^p: "):
        node([A.HorizontalFlip()], p=1.5)


def _range_args(cls):
    """(name, inverted value) for every argument whose default is a numeric (low, high) pair."""
    out = []
    for arg, prm in inspect.signature(cls.__init__).parameters.items():
        d = prm.default
        if (
            isinstance(d, tuple)
            and len(d) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in d)
        ):
            lo, hi = d
            if lo < hi:
                out.append((arg, (hi, lo)))
            else:  # a degenerate default range (v, v): go just above it (integers by 1)
                bump = 1 if isinstance(lo, int) else 0.01 * max(1.0, abs(lo))
                out.append((arg, (lo + bump, lo)))
    return out


# numeric pairs that are not (low, high) ranges: a grid's (columns, rows), a fixed (x, y) offset; and
# kernel-size ranges, which albumentations 2.0.8 accepts inverted (as (high, high), with a warning:
# tests/families/test_blur.py checks it)
NOT_RANGES = {  # pairs that are sizes or offsets, not (low, high) ranges
    ("CLAHE", "tile_grid_size"),
    ("GridDropout", "shift_xy"),
    ("RandomGridShuffle", "grid"),
    ("Mosaic", "grid_yx"),
    ("Mosaic", "cell_shape"),
    ("Mosaic", "target_size"),
}
KERNEL_SIZES = {"blur_limit"}
RANGE_CASES = [
    (n, a, v)
    for n in NAMES
    for a, v in _range_args(A.TRANSFORMS[n])
    if (n, a) not in NOT_RANGES and a not in KERNEL_SIZES
]


@pytest.mark.parametrize("name,arg,inverted", RANGE_CASES, ids=[f"{n}.{a}" for n, a, _ in RANGE_CASES])
def test_inverted_ranges(name, arg, inverted):
    kwargs = {**EXAMPLES.get(name, {}), arg: inverted}
    with pytest.raises(ValueError, match=re.escape(arg)):
        A.TRANSFORMS[name](p=1, **kwargs)


def test_range_cases_exist():
    assert len(RANGE_CASES) >= 5, RANGE_CASES


def test_unknown_keyword_target():
    note = {"anything": 1}
    out = flip()(image=IMG, meta=note)
    assert out["meta"] is note
    out = flip().batch(images=np.zeros((2, H, W, 3), np.uint8), meta=note)
    assert out["meta"] is note
    with pytest.raises(ValueError, match=r"^meta: unknown target.*strict"):
        flip(strict=True)(image=IMG, meta=note)
    # label fields and declared additional targets are known
    pipe = flip(
        strict=True, bbox_params=A.BboxParams(label_fields=["labels"]), additional_targets={"m2": "mask"}
    )
    pipe(image=IMG, m2=MASK, bboxes=[(0, 0, 2, 2)], labels=[1])


def test_positional_calls_raise():
    with pytest.raises(TypeError, match="keyword"):
        flip()(IMG)
    with pytest.raises(TypeError, match="keyword"):
        flip().batch(np.zeros((2, H, W, 3), np.uint8))
    with pytest.raises(TypeError, match="keyword"):
        A.HorizontalFlip(p=1)(IMG)


def test_seed_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match=r"^seed: "):
        A.Compose([], seed=-1)
    with pytest.raises(TypeError, match=r"^seed: "):
        A.Compose([], seed=1.5)
