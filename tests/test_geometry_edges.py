"""Edges of the geometric transforms (flips, affine, sizing, crops) and their OpenCV overrides.

- results do not depend on the channel count (OpenCV 5 has exact bilinear warps for 1, 3 and 4
  channels only) nor on the mask dtype (nearest warps and resizes give every dtype uint8's labels);
- where OpenCV samples wrongly (positions far outside the image), the override hands over to the
  generic kernel;
- arguments that can never work are refused when the transform is built, naming the argument;
  sizes that depend on the image are refused at call time before anything is allocated; empty images
  get the reader's error from every transform;
- lattice maps (flips, transpose, quarter turns, D4) move keypoints, boxes and masks together: a
  keypoint at the centre of a pixel lands on the centre of the moved pixel, its angle points to the
  moved neighbour, the pixel's box becomes the moved pixel's box.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from families._spatial import TOL, assert_close, override_and_generic, random_image, rotation
from hypothesis import given, settings
from hypothesis import strategies as st

import xalbu as A
from xalbu.core.state import MASK_DTYPES
from xalbu.functional import affine as G
from xalbu.functional import sizing as S
from xalbu.functional._common import MAX_PIXELS
from xalbu.transforms import affine, crops, flips, sizing

PERSPECTIVE = np.array([[1.0, 0.1, -2.0], [0.05, 0.9, 1.0], [0.002, -0.003, 1.0]])
GEOMETRIC = sorted(set(affine.__all__) | set(sizing.__all__) | set(crops.__all__) | set(flips.__all__))


# --------------------------------------------------------------------------------------------------
# channel counts
# --------------------------------------------------------------------------------------------------
# OpenCV 4.11 added float-coordinate bilinear warps for 1, 3 and 4 channels; before it (and for any
# other channel count after it) a bilinear warp quantises source positions to 1/32 px
EXACT_BILINEAR = tuple(int(v) for v in cv2.__version__.split(".")[:2]) >= (4, 11)
CHANNEL_COUNTS = [1, 2, 3, 4, 5, 6, 13]
SHARP_MAPS = {"rotation": rotation(30, (13, 17), (14, 15), 1.1), "perspective": PERSPECTIVE}


def _fill(dtype, c: int) -> tuple[float, ...]:
    return tuple(np.linspace(0.2, 0.8, c) * (1 if dtype == np.float32 else np.iinfo(dtype).max))


def _per_channel(img, matrix, out_hw, interp, mode, fill):
    """The override run on each channel alone (with its own fill value), stacked back."""
    parts = [
        G.warp(np.ascontiguousarray(img[..., k : k + 1]), matrix, out_hw, interp, mode, fill[k])
        for k in range(img.shape[-1])
    ]
    return np.concatenate(parts, axis=-1)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("c", CHANNEL_COUNTS)
def test_warp_does_not_depend_on_the_channel_count(dtype, c):
    """A c-channel warp equals its channels warped one at a time (any OpenCV): OpenCV 5's 2-channel
    bilinear warp took its 1/32-px fixed-point path, 4-5 levels off on uint8 (0.1 on float32)."""
    img = random_image(dtype, c, c == 5)  # one batched case: the per-sample loop chunks too
    fill = _fill(dtype, c)
    for name, matrix in SHARP_MAPS.items():
        for interp in range(5):
            for mode in range(5):
                args = (matrix, (14, 15), interp, mode, fill)
                tol = 0 if interp == 0 else TOL[dtype]
                assert_close(G.warp(img, *args), _per_channel(img, *args), tol, msg=f"{name} {interp} {mode}")


@pytest.mark.parity.with_args("numpy_cv2", G.warp)
@pytest.mark.skipif(
    not EXACT_BILINEAR, reason="OpenCV < 4.11 quantises bilinear warps (test_parity_warp_smooth)"
)
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("c", CHANNEL_COUNTS)
def test_parity_warp_every_channel_count(dtype, c):
    """Every channel count, interpolation and border against the generic kernel on a sharp image and
    non-dyadic maps: interpolated within rounding (uint8/uint16 +-1, float32 1e-4), nearest exact but
    for source positions within 1/1024 px below a tie (the override's nudge)."""
    img = random_image(dtype, c, c == 5)
    tol = 1e-4 if dtype == np.float32 else 1.0
    for name, matrix in SHARP_MAPS.items():
        for interp in range(5):
            for mode in range(5):
                out, ref = override_and_generic(G.warp, img, matrix, (14, 15), interp, mode, _fill(dtype, c))
                msg = f"{name} interp {interp} mode {mode}"
                if interp == 0:
                    mismatched = np.mean(np.any(out != ref, axis=-1))
                    assert mismatched <= 0.01, f"{msg}: {mismatched:.2%} of pixels differ"
                else:
                    assert_close(out, ref, tol, msg=msg)


@pytest.mark.parametrize("name", ["Affine", "Rotate", "Perspective"])
def test_two_channel_transforms_equal_their_channels_alone(name):
    args = {"Affine": {"rotate": (20, 20), "shear": 7, "scale": 1.1}, "Rotate": {"limit": (33, 33)}}
    img = random_image(np.uint8, 2, False, hw=(40, 50), seed=4)
    out = A.Compose([getattr(A, name)(**args.get(name, {}), p=1)], seed=1)(image=img)["image"]
    for k in range(2):
        alone = np.ascontiguousarray(img[..., k : k + 1])
        ref = A.Compose([getattr(A, name)(**args.get(name, {}), p=1)], seed=1)(image=alone)["image"]
        np.testing.assert_array_equal(out[..., k : k + 1], ref)


# --------------------------------------------------------------------------------------------------
# mask dtypes
# --------------------------------------------------------------------------------------------------
def _labels(dtype: str, shape, seed: int = 0) -> np.ndarray:
    top = 2 if dtype == "bool" else 100
    return np.random.default_rng(seed).integers(0, top, shape).astype(dtype)


@pytest.mark.parity.with_args("numpy_cv2", G.warp)
@pytest.mark.parametrize("dtype", MASK_DTYPES)
def test_nearest_warp_gives_every_mask_dtype_the_labels_of_uint8(dtype):
    """OpenCV positions nearest warps differently per dtype (its newer 8U/16U/32F kernels, its older
    16S/32S/64F ones, the generic kernel for int8/int64/uint32/bool): ~0.1% of a rotated mask's
    pixels got other labels than the same mask in uint8. Random affine and perspective maps, one
    and several channels, alone and in a batch, every border, constant fill included."""
    rng = np.random.default_rng(3)
    for trial in range(12):
        c = (1, 2, 3, 5)[trial % 4]
        labels = _labels(dtype, (2, 23, 29, c) if trial % 3 == 0 else (23, 29, c), trial)
        a, s = math.radians(rng.uniform(-180, 180)), math.exp(rng.uniform(-0.7, 0.7))
        m = np.array(
            [[s * math.cos(a), s * math.sin(a), rng.uniform(-5, 5)], [0, s, rng.uniform(-5, 5)], [0, 0, 1]]
        )
        m[1, 0] = -s * math.sin(a)
        if trial % 2:
            m[2, :2] = rng.uniform(-4e-3, 4e-3, 2)
        mode, fill = trial % 5, 1
        ref = G.warp(labels.astype(np.uint8), m, (21, 31), 0, mode, fill)
        out = G.warp(labels, m, (21, 31), 0, mode, fill)
        assert out.dtype == labels.dtype and out.flags.c_contiguous and not np.shares_memory(out, labels)
        np.testing.assert_array_equal(out.astype(np.uint8), ref, err_msg=f"trial {trial}")
        _, generic = override_and_generic(G.warp, labels, m, (21, 31), 0, mode, fill)
        assert np.mean(out != generic) <= 0.01  # the generic kernel: within the nudge's ties


def _nearest_mask_examples() -> list:
    """(class name, example args) of every geometric transform whose masks are sampled with nearest."""
    cases = []
    for name in GEOMETRIC:
        for k, args in enumerate(getattr(A, name).examples(32, 40)):
            if args.get("mask_interpolation", 0) == 0 and args.get("area_for_downscale") != "image_mask":
                cases.append(pytest.param(name, args, id=f"{name}-{k}"))
    return cases


@pytest.mark.parametrize(("name", "args"), _nearest_mask_examples())
def test_every_mask_dtype_gets_the_labels_of_uint8(name, args):
    """Every geometric transform, alone and in a batch: an int8/int16/int32/int64/uint16/uint32/bool/
    float32 mask comes out with the labels the same mask gets in uint8 (resizes used OpenCV's
    INTER_NEAREST_EXACT for some dtypes and exact indices for the others; warps, see above)."""
    cls = getattr(A, name)
    image = random_image(np.uint8, 3, False, hw=(32, 40))
    labels = _labels("uint8", (32, 40), 5)
    # odd quarter turns of non-square images
    batch_ok = name not in ("RandomRotate90", "D4", "SquareSymmetry")
    for seed in range(3):
        ref = A.Compose([cls(**args, p=1)], seed=seed)(image=image, mask=labels)["mask"]
        refs = None
        if batch_ok:
            refs = A.Compose([cls(**args, p=1)], seed=seed).batch(
                images=np.stack([image] * 3), masks=np.stack([labels] * 3)
            )
        for dtype in MASK_DTYPES:
            mask = labels.astype(dtype) if dtype != "bool" else labels % 2 == 1
            want = ref if dtype != "bool" else ref % 2 == 1
            got = A.Compose([cls(**args, p=1)], seed=seed)(image=image, mask=mask)["mask"]
            assert got.dtype == mask.dtype
            np.testing.assert_array_equal(
                got.astype(np.int64), want.astype(np.int64), err_msg=f"{dtype} seed {seed}"
            )
            if refs is not None:
                masks = np.stack([mask] * 3)
                out = A.Compose([cls(**args, p=1)], seed=seed).batch(
                    images=np.stack([image] * 3), masks=masks
                )
                want_b = refs["masks"] if dtype != "bool" else refs["masks"] % 2 == 1
                np.testing.assert_array_equal(out["masks"].astype(np.int64), want_b.astype(np.int64))


@pytest.mark.parametrize("dtype", MASK_DTYPES)
def test_resize_nearest_where_opencv_takes_the_pixel_before(dtype):
    """512 -> 384 (and 18% of the size pairs up to 200): OpenCV's INTER_NEAREST_EXACT takes the pixel
    before the exact position on every third row and column; every dtype gets the exact indices."""
    mask = _labels(dtype, (512, 640, 1), 2)
    out = S.resize(mask, (384, 480), 0)
    np.testing.assert_array_equal(out, mask[S.nearest_index(512, 384)][:, S.nearest_index(640, 480)])
    tiny = A.Resize(3, 3, interpolation=0)(image=np.arange(16, dtype=np.uint8).reshape(4, 4))["image"]
    assert tiny.tolist() == [[0, 2, 3], [8, 10, 11], [12, 14, 15]]  # floor((d + .5) * 4 / 3) = 0, 2, 3


# --------------------------------------------------------------------------------------------------
# where OpenCV samples wrongly, the override hands over to the generic kernel
# --------------------------------------------------------------------------------------------------
def _shift(tx: float, ty: float, s: float = 1.0) -> np.ndarray:
    return np.array([[s, 0.0, tx], [0.0, s, ty], [0.0, 0.0, 1.0]])


@pytest.mark.parity.with_args("numpy_cv2", G.warp)
@pytest.mark.parametrize(
    "matrix",
    [
        pytest.param(_shift(20, 16, 0.2), id="zoom-out-0.2"),
        pytest.param(_shift(-45.3, 0.4), id="shift-past-a-width"),
        pytest.param(_shift(3.3, 90.6), id="shift-past-a-height"),
        pytest.param(_shift(20, 16, 2.0**-24), id="smallest-scale"),
        pytest.param(_shift(1e9, 16), id="huge-shift"),
        # a perspective whose horizon (denominator 0) crosses the output
        pytest.param(
            np.linalg.inv(
                G._translation(0.5) @ np.array([[1, 0, 0], [0, 1, 0], [-0.05, 0, 1.0]]) @ G._translation(-0.5)
            ),
            id="horizon",
        ),
    ],
)
def test_parity_warp_far_outside_the_image(matrix):
    """OpenCV 5.1's bicubic warp with reflect/wrap/reflect_101 returns a constant for positions more
    than one image size outside (a zoom-out, a far shift), and positions past +-2**21 px overflow its
    fixed-point arithmetic (other borders than constant read the wrong side): the override declines."""
    img = random_image(np.uint8, 3, False, hw=(32, 40))
    with np.errstate(divide="ignore", invalid="ignore"):  # the generic kernel at the horizon
        for interp in range(5):
            for mode in range(5):
                out, ref = override_and_generic(G.warp, img, matrix, (32, 40), interp, mode, 7)
                assert_close(out, ref, 1.0, msg=f"interp {interp} mode {mode}")


# --------------------------------------------------------------------------------------------------
# arguments refused when the transform is built, naming the argument
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda: A.Affine(scale=1e-30),
            r"scale: expected scale factors within \[2\*\*-24, 2\*\*24\].*1e-30 for 'x'",
        ),
        (lambda: A.Affine(scale={"x": 1.0, "y": (1e-12, 1.0)}), r"scale: .*1e-12 for 'y'"),
        (lambda: A.Affine(scale=(0.5, 1e30)), r"scale: .*1e\+30"),
        (lambda: A.ShiftScaleRotate(scale_limit=(-1 + 1e-12, 0)), r"scale_limit: expected values within"),
        (
            lambda: A.Affine(shear={"x": 45, "y": 45}),
            r"shear: x = 45 and y = 45 degrees make the affine matrix singular",
        ),
        (lambda: A.Affine(shear={"x": 30, "y": 60}), r"shear: .*singular"),
        (lambda: A.Affine(scale=float("nan")), r"scale: expected a finite number, got nan"),
        (lambda: A.Perspective(scale=(0, float("nan"))), r"scale\[1\]: expected a finite number"),
        (
            lambda: A.RandomResizedCrop((4, 4), scale=(float("nan"), 1)),
            r"scale\[0\]: expected a finite number",
        ),
        (
            lambda: A.RandomResizedCrop((4, 4), ratio=(0.5, float("nan"))),
            r"ratio\[1\]: expected a finite number",
        ),
        (lambda: A.RandomResizedCrop((4, 4), scale=(0.5, 2.0)), r"scale\[1\]: expected a value in \[0, 1\]"),
        (lambda: A.RandomSizedCrop((2, 4), (4, 4), w2h_ratio=float("nan")), r"w2h_ratio: expected a finite"),
        (
            lambda: A.Resize(100_000, 100_000),
            r"height, width: an output of 100000 x 100000 = 10000000000 pixels",
        ),
        (lambda: A.RandomResizedCrop((2**40, 1)), r"size: an output of .* over the limit of 2\*\*31 - 1"),
        (lambda: A.RandomSizedCrop((2, 4), (50_000, 50_000)), r"size: an output of 50000 x 50000"),
        (lambda: A.PadIfNeeded(100_000, 100_000), r"min_height, min_width: an output of 100000 x 100000"),
        (lambda: A.Pad(40_000), r"padding: an output of 80001 x 80001"),
        (lambda: A.Pad((2**40, 0)), r"padding: an output of 1 x 2199023255553"),
        (
            lambda: A.CenterCrop(50_000, 50_000, pad_if_needed=True),
            r"height, width: an output of 50000 x 50000",
        ),
        (lambda: A.RandomCrop(50_000, 50_000), r"height, width: an output of 50000 x 50000"),
        (
            lambda: A.Crop(0, 0, 50_000, 50_000, pad_if_needed=True),
            r"x_max, y_max: an output of 50000 x 50000",
        ),
        (lambda: A.SmallestMaxSize(max_size=50_000), r"max_size: an output of 50000 x 50000"),
        (lambda: A.SmallestMaxSize(max_size=[100, 60_000]), r"max_size: an output of 60000 x 60000"),
        (lambda: A.SmallestMaxSize(max_size_hw=(50_000, 50_000)), r"max_size_hw: an output of 50000 x 50000"),
        (lambda: A.LongestMaxSize(max_size=2**31), r"max_size: an output of 2147483648 x 1"),
    ],
)
def test_refused_when_built(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_accepted_at_the_bounds():
    """The bounds themselves are accepted, and sizes past OpenCV's 32767-pixel warp limit work."""
    A.Affine(scale=(2.0**-24, 2.0**24))
    A.ShiftScaleRotate(scale_limit=(2.0**-24 - 1, 0))
    A.Affine(shear={"x": (30, 40), "y": 45})  # a range may come near a singular pair
    A.Resize(46_340, 46_340)
    A.SmallestMaxSize(max_size=46_340)
    A.Pad((0, 23_169))
    A.RandomResizedCrop((40_000, 10), scale=(0, 1))
    assert MAX_PIXELS == 2**31 - 1


def test_sizes_past_opencvs_warp_limit_fall_back_to_the_generic_kernel():
    """OpenCV's warps refuse sides of 32767 and more; xalbu's run the generic kernel there."""
    img = random_image(np.uint8, 3, False, hw=(3, 40_000))
    t = A.Affine(rotate=(10, 10), scale=(0.9, 0.9), p=1)
    out = t(image=img)["image"]
    np.testing.assert_array_equal(
        out,
        G.warp.generic(
            img, t.sample(np.random.default_rng(), (3, 40_000), None).matrix, (3, 40_000), 1, 0, 0
        ),
    )
    assert A.Resize(2, 40_000)(image=img[:, :10])["image"].shape == (2, 40_000, 3)


# --------------------------------------------------------------------------------------------------
# sizes that depend on the image: refused at call time, before anything is allocated
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "shape", "match"),
    [
        (
            lambda: A.Affine(shear=(89.99, 89.99), fit_output=True, p=1),
            (32, 40),
            r"Affine: an output of \d+ x \d+ = \d+ pixels is over",
        ),
        (lambda: A.Affine(scale=2.0**24, fit_output=True, p=1), (32, 40), r"Affine: an output of"),
        (lambda: A.SmallestMaxSize(max_size=40_000), (1, 2), r"SmallestMaxSize: an output of 40000 x 80000"),
        (
            lambda: A.LongestMaxSize(max_size_hw=(40_000, None)),
            (1, 100_000),
            r"LongestMaxSize: an output of 40000 x",
        ),
        (
            lambda: A.PadIfNeeded(None, 50_000, pad_height_divisor=50_000),
            (1, 1),
            r"PadIfNeeded: an output of 50000 x 50000",
        ),
        (lambda: A.Pad((0, 23_169)), (2, 50_000), r"Pad: an output of 46340 x 50000"),
        (
            lambda: A.CenterCrop(1, 50_000, pad_if_needed=True),
            (50_000, 1),
            r"CenterCrop \(padded\): an output of 50000 x 50000",
        ),
    ],
)
def test_refused_at_call_time(make, shape, match):
    t = make()
    img = np.zeros(shape, np.uint8)
    with pytest.raises(ValueError, match=match):
        t(image=img)
    with pytest.raises(ValueError, match=match.split(":")[0]):
        A.Compose([t]).batch(images=img[None])


@pytest.mark.parametrize("name", GEOMETRIC)
@pytest.mark.parametrize("shape", [(0, 40, 3), (32, 0, 3), (32, 40, 0), (0, 0)])
def test_empty_images_get_the_readers_error(name, shape):
    """A direct call, a mask and a batch: the reader's clear error, never an IndexError or a
    ZeroDivisionError from inside a transform."""
    t = getattr(A, name)(**getattr(A, name).examples(32, 40)[0], p=1)
    empty = np.zeros(shape, np.uint8)
    for call in (
        lambda: t(image=empty),
        lambda: t(image=np.zeros((32, 40, 3), np.uint8), mask=empty),
        lambda: A.Compose([t]).batch(images=empty[None]),
    ):
        with pytest.raises(ValueError, match="non-empty"):
            call()


# --------------------------------------------------------------------------------------------------
# lattice maps move keypoints, boxes and masks together
# --------------------------------------------------------------------------------------------------
LATTICE = ["HorizontalFlip", "VerticalFlip", "Transpose", "RandomRotate90", "D4"]


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    name=st.sampled_from(LATTICE),
    seed=st.integers(0, 2**16),
    batch=st.booleans(),
    fuse=st.booleans(),
)
def test_lattice_maps_move_keypoints_boxes_and_masks_together(h, w, name, seed, batch, fuse):
    """Every pixel's centre ``(j + 0.5, i + 0.5)`` (keypoint ``xy`` with an angle pointing to the next
    pixel on the right) and its box ``[j, i, j + 1, i + 1]`` land on the centre and the box of the
    pixel its label moved to; the angle points to where the right-hand neighbour's label moved.
    Alone, in a batch (per-sample draws) and fused into one warp with two vertical flips."""
    if batch and name in ("RandomRotate90", "D4"):
        h = w  # per-sample quarter turns of a batch need square images
    ids = np.arange(h * w, dtype=np.int32).reshape(h, w)
    jj, ii = np.meshgrid(np.arange(w), np.arange(h))
    pts = [(j + 0.5, i + 0.5, 0.0) for i, j in zip(ii.ravel(), jj.ravel(), strict=True)]
    boxes = [(j, i, j + 1, i + 1) for i, j in zip(ii.ravel(), jj.ravel(), strict=True)]
    pipe = A.Compose(
        [getattr(A, name)(p=1)] + [A.VerticalFlip(p=1), A.VerticalFlip(p=1)] * fuse,  # fused: one warp
        fuse_affine=fuse,
        bbox_params=A.BboxParams("pascal_voc", label_fields=["box_ids"]),
        keypoint_params=A.KeypointParams("xya", label_fields=["kp_ids"], angle_in_degrees=False),
        seed=seed,
    )
    data = {"image": ids.astype(np.uint16), "mask": ids, "bboxes": boxes, "box_ids": ids.ravel().tolist()}
    data |= {"keypoints": pts, "kp_ids": ids.ravel().tolist()}
    if batch:
        out = pipe.batch(
            images=np.stack([data["image"]] * 2),
            masks=np.stack([ids] * 2),
            bboxes=[np.array(boxes, np.float64)] * 2,
            box_ids=[ids.ravel()] * 2,
            keypoints=[np.array(pts)] * 2,
            kp_ids=[ids.ravel()] * 2,
        )
        samples = [
            {k: out[k][n] for k in ("images", "masks", "bboxes", "box_ids", "keypoints", "kp_ids")}
            for n in range(2)
        ]
        samples = [{"image": s["images"], "mask": s["masks"], **s} for s in samples]
    else:
        samples = [pipe(**data)]
    for s in samples:
        mask = np.asarray(s["mask"])
        np.testing.assert_array_equal(np.asarray(s["image"]), mask)  # image and mask moved alike
        where = {int(v): (int(r), int(c)) for (r, c), v in np.ndenumerate(mask)}
        kps = np.asarray(s["keypoints"], np.float64).reshape(-1, 3)
        assert len(kps) == h * w
        for (x, y, angle), label in zip(kps, np.asarray(s["kp_ids"]).ravel(), strict=True):
            r, c = where[int(label)]
            assert (x, y) == (c + 0.5, r + 0.5), (label, x, y, r, c)
            i, j = divmod(int(label), w)
            if j + 1 < w:  # the angle points to where the right-hand neighbour went
                rn, cn = where[int(ids[i, j + 1])]
                assert (round(math.cos(angle)), round(math.sin(angle))) == (cn - c, rn - r)
        got = np.asarray(s["bboxes"], np.float64).reshape(-1, 4)
        for box, label in zip(got, np.asarray(s["box_ids"]).ravel(), strict=True):
            r, c = where[int(label)]
            assert tuple(box) == (c, r, c + 1, r + 1)
