"""Sizing: the pad and resize kernels (golden values over every backend, properties, OpenCV
override parity) and the transforms Resize, LongestMaxSize, SmallestMaxSize, RandomScale, Pad, PadIfNeeded and
LetterBox (CropAndPad, also of this family, is tested in ``test_crops.py``)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xalbu as A
from xalbu.core.state import MASK_DTYPES
from xalbu.functional import sizing as G
from xalbu.functional.crops import crop

from ._spatial import CASES, RAMP, TOL, assert_close, hwc, override_and_generic, random_image, run


# --------------------------------------------------------------------------------------------------
# golden: pad
# --------------------------------------------------------------------------------------------------
@pytest.mark.golden.with_args(G.pad)
@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0, [9, 9, 1, 2, 3, 9, 9]),  # constant
        (1, [1, 1, 1, 2, 3, 3, 3]),  # replicate
        (2, [2, 1, 1, 2, 3, 3, 2]),  # reflect        dcb|abcd|cba
        (3, [2, 3, 1, 2, 3, 1, 2]),  # wrap
        (4, [3, 2, 1, 2, 3, 2, 1]),  # reflect_101    dc|abcd|cb
    ],
)
def test_pad_row_golden(xp, mode, expected):
    row = hwc([[1, 2, 3]])
    np.testing.assert_array_equal(run(xp, G.pad, row, 0, 0, 2, 2, mode, 9), hwc([expected]))


@pytest.mark.parametrize("mode", [1, 2, 3, 4])
def test_pad_vertical_single_row(xp, mode):
    """Padding a one-row image vertically repeats that row whatever the (non-constant) rule."""
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 1, 2, 0, 0, mode, 0)
    np.testing.assert_array_equal(out, hwc([[1, 2, 3]] * 4))


def test_pad_per_channel_fill_and_batch(xp):
    img = np.zeros((2, 1, 1, 2), np.uint8)
    img[1] = 50
    out = run(xp, G.pad, img, 1, 0, 0, 1, 0, (7, 300))  # 300 saturates to 255
    assert out.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(out[:, 0, 0], [[7, 255], [7, 255]])
    np.testing.assert_array_equal(out[:, 1, 1], [[7, 255], [7, 255]])
    np.testing.assert_array_equal(out[:, 1, 0], [[0, 0], [50, 50]])


@pytest.mark.golden.with_args(G.pad)
@pytest.mark.parametrize(
    ("channels", "fill", "expected"),
    [
        # albumentations 2.0.8 (OpenCV's Scalar): a short sequence is padded with 0 to 4 values, and
        # more than 4 channels (OpenCV works in chunks of 4) repeat those 4 values
        (5, (1, 2, 3), [1, 2, 3, 0, 1]),
        (3, (7,), [7, 0, 0]),
        (9, (1, 2), [1, 2, 0, 0, 1, 2, 0, 0, 1]),
        (2, (1, 2, 3), [1, 2]),  # extra values ignored
        (5, 7, [7, 7, 7, 7, 7]),  # a number fills every channel
        (6, (1, 2, 3, 4, 5, 6, 7), [1, 2, 3, 4, 5, 6]),
    ],
)
def test_pad_fill_with_other_value_counts_than_channels(xp, channels, fill, expected):
    out = run(xp, G.pad, np.full((1, 1, channels), 50, np.uint8), 0, 0, 1, 0, 0, fill)
    assert out[0, 0].tolist() == expected and out[0, 1].tolist() == [50] * channels
    batch = np.full((2, 1, 1, channels), 50, np.uint8)
    assert run(xp, G.pad, batch, 0, 0, 1, 0, 0, fill)[:, 0, 0].tolist() == [expected] * 2


def test_pad_fill_of_five_values_on_eight_channels_is_refused(xp):
    with pytest.raises(ValueError, match="fill: 5 values for a 8-channel image"):
        run(xp, G.pad, np.zeros((1, 1, 8), np.uint8), 0, 0, 1, 0, 0, (1, 2, 3, 4, 5))


@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("fill", [(1, 2, 3), (7,), [1, 2], 7, (1, 2, 3, 4)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("name", ["Pad", "PadIfNeeded", "CenterCrop"])
def test_fills_match_albumentations(name, dtype, fill, channels):
    alb = pytest.importorskip("albumentations")
    scale = 1 if dtype == np.uint8 else 0.01
    f = [v * scale for v in fill] if isinstance(fill, (tuple, list)) else fill * scale
    args = {
        "Pad": {"padding": 2, "fill": f, "fill_mask": f},
        "PadIfNeeded": {"min_height": 9, "min_width": 11, "fill": f, "fill_mask": f},
        "CenterCrop": {"height": 9, "width": 11, "pad_if_needed": True, "fill": f, "fill_mask": f},
    }[name]
    img = (np.random.default_rng(channels).random((5, 6, channels)) * 200).astype(dtype)
    mask = np.random.default_rng(1).integers(0, 3, (5, 6, channels), dtype=np.uint8)
    ours = getattr(A, name)(**args)(image=img, mask=mask)
    theirs = getattr(alb, name)(**args)(image=img, mask=mask)
    for key in ("image", "mask"):
        np.testing.assert_allclose(ours[key], theirs[key], atol=1e-6)


def test_pad_wide_reflect(xp):
    """Pads wider than the image fold repeatedly."""
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 5, 5, 4, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 4, 4, 2, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1])
    out = run(xp, G.pad, hwc([[1, 2, 3]]), 0, 0, 4, 4, 3, 0)[0, :, 0]
    np.testing.assert_array_equal(out, [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1])


# --------------------------------------------------------------------------------------------------
# golden: resize
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_resize_linear_2x2_to_4x4(xp, dtype):
    """Weights per axis: rows [1, 0], [.75, .25], [.25, .75], [0, 1] (edges replicate)."""
    img = hwc([[0, 4], [8, 12]], dtype)
    expected = [[0, 1, 3, 4], [2, 3, 5, 6], [6, 7, 9, 10], [8, 9, 11, 12]]
    np.testing.assert_allclose(run(xp, G.resize, img, (4, 4), 1), hwc(expected, dtype), atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_resize_area_4x4_to_2x2(xp, dtype):
    img = hwc(4 * np.arange(16).reshape(4, 4), dtype)
    np.testing.assert_allclose(run(xp, G.resize, img, (2, 2), 3), hwc([[10, 18], [42, 50]], dtype), atol=1e-6)


def test_resize_area_fractional(xp):
    """Width 3 -> 2: out0 = (a + b / 2) / 1.5, out1 = (b / 2 + c) / 1.5."""
    out = run(xp, G.resize, hwc([[0, 3, 6]], np.float32), (1, 2), 3)
    np.testing.assert_allclose(out[0, :, 0], [1.0, 5.0], atol=1e-6)


@pytest.mark.golden.with_args(G.resize)
def test_resize_cubic_golden(xp):
    """Width 2 -> 4 with a = -0.75: src -0.25, 0.25, 0.75, 1.25; no clipping for float32."""
    out = run(xp, G.resize, hwc([[0, 1]], np.float32), (1, 4), 2)
    np.testing.assert_allclose(out[0, :, 0], [-0.10546875, 0.2265625, 0.7734375, 1.10546875], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.bool_])
def test_resize_nearest_kernel_golden(xp, dtype):
    img = hwc([[1, 2], [3, 0]], dtype)
    expected = hwc([[1, 2, 2], [3, 0, 0], [3, 0, 0]], dtype)  # src = floor((d + .5) * 2 / 3) = 0, 1, 1
    np.testing.assert_array_equal(run(xp, G.resize, img, (3, 3), 0), expected)
    up = run(xp, G.resize, hwc(RAMP, dtype), (4, 6), 0)
    np.testing.assert_array_equal(up, hwc(np.repeat(np.repeat(RAMP, 2, 0), 2, 1), dtype))
    down = run(xp, G.resize, hwc(np.arange(16).reshape(4, 4), dtype), (2, 2), 0)  # src 1, 3
    np.testing.assert_array_equal(down, hwc([[5, 7], [13, 15]], dtype))


def test_resize_batch_and_identity(xp):
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 256, (2, 5, 6, 3), dtype=np.uint8)
    for interp in range(5):
        np.testing.assert_array_equal(run(xp, G.resize, batch, (5, 6), interp), batch)
    out = run(xp, G.resize, batch, (10, 12), 1)
    assert out.shape == (2, 10, 12, 3)
    np.testing.assert_array_equal(out[1], run(xp, G.resize, batch[1], (10, 12), 1))


# --------------------------------------------------------------------------------------------------
# properties (generic on the strict namespace, overrides on NumPy)
# --------------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    pads=st.tuples(*[st.integers(0, 7)] * 4),
    mode=st.integers(0, 4),
)
def test_pad_then_crop_roundtrip(h, w, pads, mode):
    import array_api_strict as xps

    img = np.arange(h * w * 2, dtype=np.uint8).reshape(h, w, 2)
    top, bottom, left, right = pads
    for arr, to_np in ((img, np.asarray), (xps.asarray(img), np.asarray)):
        out = G.pad(arr, top, bottom, left, right, mode, 3)
        assert out.shape == (h + top + bottom, w + left + right, 2)
        back = to_np(crop(out, left, top, left + w, top + h))
        np.testing.assert_array_equal(back, img)
    np.testing.assert_array_equal(G.pad(img, *pads, mode, 3), np.asarray(G.pad.generic(img, *pads, mode, 3)))


# --------------------------------------------------------------------------------------------------
# parity: OpenCV overrides vs generic kernels (NumPy inputs)
# --------------------------------------------------------------------------------------------------
def test_overrides_registered():
    importlib.import_module("xalbu.backends.numpy_cv2")  # dispatch imports it lazily; be explicit here
    for k in [G.pad, G.resize]:
        assert "numpy_cv2" in k.overrides, k.__name__


@pytest.mark.parity.with_args("numpy_cv2", G.pad)
@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_pad(dtype, c, batched):
    img = random_image(dtype, c, batched, hw=(5, 6))
    fill = tuple(np.linspace(0.1, 0.9, c) * (1 if dtype == np.float32 else np.iinfo(dtype).max))
    for mode in range(5):
        for pads in [(1, 2, 3, 0), (7, 6, 9, 8)]:
            out, ref = override_and_generic(G.pad, img, *pads, mode, fill)
            np.testing.assert_array_equal(out, ref, err_msg=f"mode {mode} pads {pads}")


@pytest.mark.parity.with_args("numpy_cv2", G.resize)
@pytest.mark.parametrize(("dtype", "c", "batched"), CASES)
def test_parity_resize(dtype, c, batched):
    img = random_image(dtype, c, batched)
    for out_hw in [(7, 9), (26, 34), (20, 23), (9, 40), (13, 5)]:
        for interp in range(5):
            out, ref = override_and_generic(G.resize, img, out_hw, interp)
            tol = 0.0 if interp == 0 else TOL[dtype]
            assert_close(out, ref, tol, msg=f"resize {out_hw} interp {interp}")


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.int64, np.bool_, np.int8])
def test_parity_masks(dtype):
    """Masks through nearest warp/resize and pad: int32/int16 via OpenCV, the rest declined to generic."""
    rng = np.random.default_rng(5)
    mask = rng.integers(-3, 100, (2, 9, 11, 1)).astype(dtype)
    for out, ref in [
        override_and_generic(G.resize, mask, (20, 7), 0),
        override_and_generic(G.pad, mask, 2, 3, 4, 5, 0, 1),
    ]:
        np.testing.assert_array_equal(out, ref)


# size pairs where OpenCV's INTER_NEAREST_EXACT (16.16 fixed point) takes the pixel before the exact
# position's: 512 -> 384, 640 -> 480, 256 -> 224, 224 -> 1000; and pairs where it agrees
NEAREST_PAIRS = [(512, 384), (640, 480), (256, 224), (224, 1000), (51, 66), (1000, 224), (256, 128), (37, 66)]


@pytest.mark.parametrize("dtype", MASK_DTYPES)
def test_parity_resize_nearest_every_mask_dtype(dtype):
    """Nearest resizing is exact (``floor((dst + 0.5) * in / out)``) for every mask dtype, so that an
    int8/int64/uint32/bool mask (generic kernel) gets the labels of the same mask in uint8 (OpenCV),
    alone, in a batch and with more than 4 channels."""
    rng = np.random.default_rng(7)
    for (h, ho), (w, wo) in zip(NEAREST_PAIRS, NEAREST_PAIRS[2:] + NEAREST_PAIRS[:2], strict=True):
        labels = rng.integers(0, 2 if dtype == "bool" else 100, (h, w, 1))
        for mask in (labels, np.repeat(labels[None], 2, axis=0), np.concatenate([labels] * 6, axis=-1)):
            out, ref = override_and_generic(G.resize, mask.astype(dtype), (ho, wo), 0)
            np.testing.assert_array_equal(out, ref, err_msg=f"{(h, w)} -> {(ho, wo)}, shape {mask.shape}")
            expected = mask[..., G.nearest_index(h, ho)[:, None], G.nearest_index(w, wo), :]
            np.testing.assert_array_equal(out, expected.astype(dtype))
            assert out.flags.c_contiguous and not np.shares_memory(out, mask)


# --------------------------------------------------------------------------------------------------
# transforms
# --------------------------------------------------------------------------------------------------
def ramp(h: int, w: int, c: int | None = None, dtype=np.uint8) -> np.ndarray:
    """Pixel (i, j) holds ``i * w + j + 1`` (plus ``50 * k`` in channel k); 0 never occurs."""
    base = np.arange(h * w).reshape(h, w) + 1
    if c is not None:
        base = base[..., None] + 50 * np.arange(c)
    return base.astype(dtype)


# ------------------------------------------------------------------------------------------------
# Resize
# ------------------------------------------------------------------------------------------------
def test_resize_linear_golden(xp):
    img = np.array([[0, 40], [80, 120]], np.uint8)
    out = A.Resize(4, 4)(image=xp.asarray(img))["image"]
    # half-pixel centres: source rows/cols at -0.25, 0.25, 0.75, 1.25 (edges replicate)
    expected = [[0, 10, 30, 40], [20, 30, 50, 60], [60, 70, 90, 100], [80, 90, 110, 120]]
    np.testing.assert_array_equal(xp.to_numpy(out), expected)


def test_resize_nearest_golden(xp):
    img = np.array([[1, 2], [3, 4]], np.uint8)
    out = xp.to_numpy(A.Resize(4, 4, interpolation=0)(image=xp.asarray(img))["image"])
    np.testing.assert_array_equal(out, np.repeat(np.repeat(img, 2, 0), 2, 1))
    big = ramp(4, 6)
    down = xp.to_numpy(A.Resize(2, 3, interpolation=0)(image=xp.asarray(big))["image"])
    np.testing.assert_array_equal(down, big[1::2, 1::2])  # floor((d + 0.5) * 2)


def test_resize_mask_nearest_by_default_and_targets():
    img = np.array([[0, 40], [80, 120]], np.uint8)
    mask = np.array([[1, 2], [3, 4]], np.int32)
    pipe = A.Compose(
        [A.Resize(4, 6)], bbox_params=A.BboxParams("pascal_voc"), keypoint_params=A.KeypointParams("xy")
    )
    out = pipe(image=img, mask=mask, bboxes=[[0, 0, 1, 1]], keypoints=[[0.5, 1.5]])
    np.testing.assert_array_equal(out["mask"], np.repeat(np.repeat(mask, 2, 0), 3, 1))
    assert out["mask"].dtype == np.int32
    np.testing.assert_allclose(out["bboxes"][0], [0, 0, 3, 2])
    np.testing.assert_allclose(out["keypoints"][0], [1.5, 3.0])


def test_resize_area_for_downscale():
    img = np.zeros((4, 4), np.uint8)
    img[:, ::2] = 200
    mask = (img > 0).astype(np.uint8) * 4
    plain = A.Resize(2, 2)(image=img)["image"]
    np.testing.assert_array_equal(plain, np.full((2, 2), 100))  # linear at exact midpoints
    shifted = np.zeros((6, 6), np.uint8)
    shifted[:, ::3] = 90  # area: one bright column in three -> 30
    np.testing.assert_array_equal(A.Resize(2, 2, area_for_downscale="image")(image=shifted)["image"], 30)
    out = A.Resize(2, 2, area_for_downscale="image")(image=img, mask=mask)
    assert set(np.unique(out["mask"])) <= {0, 4}
    out = A.Resize(2, 2, mask_interpolation=1, area_for_downscale="image_mask")(image=img, mask=mask)
    np.testing.assert_array_equal(out["mask"], np.full((2, 2), 2))
    # upscaling keeps the given interpolation
    up = A.Resize(8, 8, interpolation=0, area_for_downscale="image")(image=img)["image"]
    np.testing.assert_array_equal(up, np.repeat(np.repeat(img, 2, 0), 2, 1))


# ------------------------------------------------------------------------------------------------
# LongestMaxSize / SmallestMaxSize
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cls", "kwargs", "shape", "expected"),
    [
        (A.LongestMaxSize, {"max_size": 16}, (8, 4), (16, 8)),
        (A.LongestMaxSize, {"max_size": 10}, (40, 30), (10, 8)),  # 7.5 -> 8
        (A.LongestMaxSize, {"max_size": 10}, (20, 50), (4, 10)),
        (A.LongestMaxSize, {"max_size_hw": (10, 30)}, (20, 40), (10, 20)),
        (A.LongestMaxSize, {"max_size_hw": (None, 30)}, (20, 40), (15, 30)),
        (A.LongestMaxSize, {"max_size": 1}, (3, 90), (1, 1)),
        (A.SmallestMaxSize, {"max_size": 10}, (40, 30), (13, 10)),
        (A.SmallestMaxSize, {"max_size": 8}, (20, 50), (8, 20)),
        (A.SmallestMaxSize, {"max_size_hw": (10, 30)}, (20, 40), (15, 30)),
        (A.SmallestMaxSize, {"max_size_hw": (30, None)}, (40, 50), (30, 38)),  # 37.5 -> 38
    ],
)
def test_max_size_shapes(cls, kwargs, shape, expected):
    img = np.zeros((*shape, 3), np.uint8)
    assert cls(**kwargs)(image=img)["image"].shape == (*expected, 3)


def test_max_size_choice_and_batch():
    img = np.zeros((20, 40), np.uint8)
    pipe = A.Compose([A.LongestMaxSize(max_size=[10, 20, 30])], seed=0)
    sides = {max(pipe(image=img)["image"].shape) for _ in range(40)}
    assert sides == {10, 20, 30}
    out = pipe.batch(images=np.zeros((3, 20, 40, 3), np.uint8))["images"]
    assert out.shape[0] == 3 and max(out.shape[1:3]) in (10, 20, 30)


def test_max_size_content_and_boxes():
    img = ramp(4, 8)
    pipe = A.Compose([A.LongestMaxSize(max_size=16, interpolation=0)], bbox_params=A.BboxParams("pascal_voc"))
    out = pipe(image=img, bboxes=[[1, 1, 3, 2]])
    np.testing.assert_array_equal(out["image"], np.repeat(np.repeat(img, 2, 0), 2, 1))
    np.testing.assert_allclose(out["bboxes"][0], [2, 2, 6, 4])


@pytest.mark.parametrize("cls", [A.LongestMaxSize, A.SmallestMaxSize])
def test_max_size_validation(cls):
    with pytest.raises(ValueError, match="max_size"):
        cls(max_size=0)
    with pytest.raises(ValueError, match="max_size"):
        cls(max_size=None)
    with pytest.raises(ValueError, match="max_size"):
        cls(max_size=[])
    with pytest.raises(ValueError, match="max_size_hw"):
        cls(max_size_hw=(None, None))
    with pytest.raises(TypeError, match="max_size_hw"):
        cls(max_size_hw=5)
    with pytest.raises(ValueError, match="interpolation"):
        cls(interpolation=8)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"height": 0, "width": 4}, "height"),
        ({"height": 4, "width": 2.5}, "width"),
        ({"height": 4, "width": 4, "mask_interpolation": 5}, "mask_interpolation"),
        ({"height": 4, "width": 4, "area_for_downscale": "all"}, "area_for_downscale"),
        ({"height": 4, "width": 4, "p": 2}, "p"),
    ],
)
def test_resize_validation(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        A.Resize(**kwargs)


# ------------------------------------------------------------------------------------------------
# Pad
# ------------------------------------------------------------------------------------------------
def place(img: np.ndarray, top: int, bottom: int, left: int, right: int, fill) -> np.ndarray:
    h, w = img.shape[:2]
    out = np.empty((h + top + bottom, w + left + right, *img.shape[2:]), img.dtype)
    out[...] = np.asarray(fill, img.dtype)
    out[top : top + h, left : left + w] = img
    return out


@pytest.mark.parametrize(
    ("padding", "sides"),
    [(2, (2, 2, 2, 2)), ((1, 3), (3, 3, 1, 1)), ((1, 2, 3, 4), (2, 4, 1, 3)), (0, (0, 0, 0, 0))],
)
def test_pad_exact(xp, padding, sides):
    img = ramp(3, 4, 3)
    out = A.Pad(padding, fill=(7, 8, 9))(image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), place(img, *sides, (7, 8, 9)))


@pytest.mark.parametrize(
    ("mode", "rows", "cols"),
    [
        (1, [0, 0, 0, 1, 2, 2], [0, 0, 1, 1]),  # replicate
        (2, [1, 0, 0, 1, 2, 2], [0, 0, 1, 1]),  # reflect: dcb|abcd|dcb
        (3, [1, 2, 0, 1, 2, 0], [1, 0, 1, 0]),  # wrap
        (4, [2, 1, 0, 1, 2, 1], [1, 0, 1, 0]),  # reflect_101
    ],
)
def test_pad_border_modes(mode, rows, cols):
    img = ramp(3, 2)
    mask = (ramp(3, 2) % 3).astype(np.uint8)
    out = A.Pad((1, 2, 1, 1), border_mode=mode)(image=img, mask=mask)
    np.testing.assert_array_equal(out["image"], img[np.ix_(rows, cols)])
    np.testing.assert_array_equal(out["mask"], mask[np.ix_(rows, cols)])  # masks mirror as well


def test_pad_targets_translate():
    img = ramp(4, 4)
    mask = np.ones((4, 4), np.uint8)
    pipe = A.Compose(
        [A.Pad((1, 2, 3, 4), fill_mask=5, border_mode=2)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
    )
    out = pipe(image=img, mask=mask, bboxes=[[0, 0, 2, 3]], keypoints=[[0.5, 3.5]])
    assert out["image"].shape == (10, 8)
    np.testing.assert_array_equal(out["mask"], 1)  # reflect: fill_mask is unused
    np.testing.assert_allclose(out["bboxes"][0], [1, 2, 3, 5])  # only translated, never mirrored
    np.testing.assert_allclose(out["keypoints"][0], [1.5, 5.5])
    out = A.Pad(1, fill_mask=5)(image=img, mask=mask)
    np.testing.assert_array_equal(out["mask"], place(mask, 1, 1, 1, 1, 5))


@pytest.mark.parametrize(
    ("padding", "exc"),
    [(-1, ValueError), ((1, 2, 3), ValueError), ((1, -2), ValueError), (1.5, TypeError), ("2", TypeError)],
)
def test_pad_validation(padding, exc):
    with pytest.raises(exc, match="padding"):
        A.Pad(padding)


def test_pad_validation_other_args():
    with pytest.raises(ValueError, match="border_mode"):
        A.Pad(1, border_mode=5)
    with pytest.raises(TypeError, match="fill_mask"):
        A.Pad(1, fill_mask=None)


# ------------------------------------------------------------------------------------------------
# PadIfNeeded
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("position", "sides"),
    [
        ("center", (1, 2, 1, 1)),  # 3 rows: 1 top, 2 bottom; 2 columns: 1 left, 1 right
        ("top_left", (0, 3, 0, 2)),
        ("top_right", (0, 3, 2, 0)),
        ("bottom_left", (3, 0, 0, 2)),
        ("bottom_right", (3, 0, 2, 0)),
    ],
)
def test_pad_if_needed_positions(xp, position, sides):
    img = ramp(3, 4)
    t = A.PadIfNeeded(6, 6, position=position, fill=0, fill_mask=9)
    out = t(image=xp.asarray(img), mask=xp.asarray(img))
    np.testing.assert_array_equal(xp.to_numpy(out["image"]), place(img, *sides, 0))
    np.testing.assert_array_equal(xp.to_numpy(out["mask"]), place(img, *sides, 9))


def test_pad_if_needed_random_position():
    img = ramp(3, 4)
    pipe = A.Compose([A.PadIfNeeded(6, 6, position="random")], seed=0)
    seen = set()
    for _ in range(60):
        out = pipe(image=img)["image"]
        ys, xs = np.nonzero(out)
        top, left = int(ys.min()), int(xs.min())
        seen.add((top, left))
        np.testing.assert_array_equal(out, place(img, top, 3 - top, left, 2 - left, 0))
    assert seen == {(t, x) for t in range(4) for x in range(3)}


def test_pad_if_needed_random_batch_exact_with_targets(xp):
    n = 8
    images = np.stack([ramp(3, 4, 2) + k for k in range(n)])
    pipe = A.Compose(
        [A.PadIfNeeded(7, 6, position="random", border_mode=0, fill=0)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=1,
    )
    out = pipe.batch(
        images=xp.asarray(images),
        masks=xp.asarray(images[..., 0]),
        bboxes=[[[0, 0, 4, 3]]] * n,
        keypoints=[[[1.5, 2.5]]] * n,
    )
    res = xp.to_numpy(out["images"])
    assert res.shape == (n, 7, 6, 2)
    offsets = set()
    for k in range(n):
        ys, xs = np.nonzero(res[k, ..., 0])
        top, left = int(ys.min()), int(xs.min())
        offsets.add((top, left))
        np.testing.assert_array_equal(res[k], place(images[k], top, 4 - top, left, 2 - left, 0))
        np.testing.assert_array_equal(
            xp.to_numpy(out["masks"])[k], place(images[k, ..., 0], top, 4 - top, left, 2 - left, 0)
        )
        np.testing.assert_allclose(out["bboxes"][k][0], [left, top, left + 4, top + 3])
        np.testing.assert_allclose(out["keypoints"][k][0], [left + 1.5, top + 2.5])
    assert len(offsets) > 1


def test_pad_if_needed_no_padding_and_divisor():
    img = ramp(5, 7)
    np.testing.assert_array_equal(A.PadIfNeeded(4, 4)(image=img)["image"], img)
    t = A.PadIfNeeded(
        min_height=None, min_width=None, pad_height_divisor=4, pad_width_divisor=8, position="top_left"
    )
    np.testing.assert_array_equal(t(image=img)["image"], place(img, 0, 3, 0, 1, 0))
    t = A.PadIfNeeded(min_height=None, min_width=10, pad_height_divisor=5)
    assert t(image=img)["image"].shape == (5, 10)


def test_pad_if_needed_batch_fixed_position():
    images = np.stack([ramp(3, 4, 3)] * 2)
    out = A.Compose([A.PadIfNeeded(5, 5, border_mode=4)]).batch(images=images)["images"]
    rows, cols = [1, 0, 1, 2, 1], [0, 1, 2, 3, 2]
    np.testing.assert_array_equal(out, images[:, rows][:, :, cols])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"position": "middle"}, "position"),
        ({"min_height": None}, "min_height"),
        ({"pad_width_divisor": 4}, "min_width"),
        ({"min_height": 0}, "min_height"),
        ({"min_height": None, "pad_height_divisor": 0}, "pad_height_divisor"),
        ({"border_mode": -1}, "border_mode"),
    ],
)
def test_pad_if_needed_validation(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        A.PadIfNeeded(**kwargs)


# ------------------------------------------------------------------------------------------------
# dtypes, channels, layouts
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 1, 3, 6])
@pytest.mark.parametrize(
    ("make", "out_hw"),
    [
        (lambda: A.Resize(7, 5), (7, 5)),
        (lambda: A.Resize(20, 30, interpolation=2), (20, 30)),
        (lambda: A.Resize(3, 4, area_for_downscale="image"), (3, 4)),
        (lambda: A.LongestMaxSize(max_size=6), (5, 6)),
        (lambda: A.SmallestMaxSize(max_size=20), (20, 24)),
        (lambda: A.Pad((1, 2, 3, 4), fill=1), (16, 16)),
        (lambda: A.PadIfNeeded(12, 16, position="random", border_mode=2), (12, 16)),
    ],
)
def test_dtypes_channels_layouts(dtype, channels, make, out_hw):
    rng = np.random.default_rng(0)
    shape = (10, 12) if channels is None else (10, 12, channels)
    if dtype == np.float32:
        img = rng.random(shape, dtype=np.float32)
    else:
        img = rng.integers(0, np.iinfo(dtype).max, shape).astype(dtype)
    pipe = A.Compose([make()], seed=0)
    out = pipe(image=img, mask=img[:, :, 0] if img.ndim == 3 else img)
    assert out["image"].dtype == dtype and out["image"].shape == (*out_hw, *img.shape[2:])
    assert out["mask"].shape[:2] == out_hw
    batch = pipe.batch(images=np.stack([img] * 3))["images"]
    assert batch.dtype == dtype and batch.shape == (3, *out_hw, *img.shape[2:])


def test_p_zero_is_identity_and_repr():
    img = ramp(4, 4, 3)
    for t in (A.Resize(2, 2, p=0), A.Pad(2, p=0), A.PadIfNeeded(8, 8, p=0)):
        np.testing.assert_array_equal(t(image=img)["image"], img)
    assert repr(A.Pad((1, 2))) == "Pad(padding=(1, 2), fill=0.0, fill_mask=0.0, border_mode=0, p=1.0)"
    assert A.LongestMaxSize(max_size=[3, 4]).init_args()["max_size"] == (3, 4)


# --------------------------------------------------------------------------------------------------
# RandomScale
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"scale_limit": (0.3, 0.3)},
        {"scale_limit": (-0.37, -0.37), "area_for_downscale": "image"},
        {"scale_limit": (0.5, 0.5), "interpolation": 2},
        {"scale_limit": (-0.2, -0.2), "interpolation": 3},
        {"scale_limit": (0.13, 0.13), "interpolation": 4},
    ],
)
def test_random_scale_matches_albumentations(kwargs, dtype):
    alb = pytest.importorskip("albumentations")
    img = random_image(dtype, 3, False, hw=(37, 53))
    ours = A.RandomScale(**kwargs, p=1)(image=img)["image"]
    theirs = alb.RandomScale(**kwargs, p=1)(image=img)["image"]
    assert (
        ours.shape
        == theirs.shape
        == (int(37 * (1 + kwargs["scale_limit"][0])), int(53 * (1 + kwargs["scale_limit"][0])), 3)
    )
    np.testing.assert_allclose(ours, theirs, atol=1 if dtype == np.uint8 else 1e-4)


def test_random_scale_targets_follow_the_pixels():
    h, w = 30, 40
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(8, 20, 3) for x in range(10, 30, 4)]
    pipe = A.Compose(
        [A.RandomScale(scale_limit=(-0.5, 1.0), p=1)],
        bbox_params=A.BboxParams("pascal_voc"),
        keypoint_params=A.KeypointParams("xy"),
        seed=0,
    )
    sizes = set()
    for _ in range(20):
        out = pipe(image=np.zeros((h, w, 3), np.uint8), mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        oh, ow = out["mask"].shape
        sizes.add((oh, ow))
        # boxes and keypoints scale by the actual size change (out / in), as the pixels do
        np.testing.assert_allclose(
            out["bboxes"][0], [10 * ow / w, 8 * oh / h, 30 * ow / w, 20 * oh / h], atol=1e-6
        )
        for x, y in out["keypoints"]:
            assert out["mask"][int(y), int(x)] == 1
    assert len(sizes) > 5


def test_random_scale_sampling_and_batch():
    t = A.RandomScale(scale_limit=0.2)
    assert t.scale_limit == (-0.2, 0.2) and t.p == 0.5
    rng = np.random.default_rng(0)
    scales = [t.sample(rng, (10, 10), None).scale for _ in range(500)]
    assert 0.8 <= min(scales) < 0.81 and 1.19 < max(scales) < 1.2
    # one factor for the whole batch (its samples share their size); p < 1 refused in a batch
    batch = np.stack([random_image(np.uint8, 3, False, hw=(20, 24), seed=s) for s in range(4)])
    out = A.Compose([A.RandomScale((0.5, 0.5), p=1)], seed=1).batch(images=batch)["images"]
    assert out.shape == (4, 30, 36, 3)
    for k in range(4):
        np.testing.assert_array_equal(out[k], A.RandomScale((0.5, 0.5), p=1)(image=batch[k])["image"])
    with pytest.raises(ValueError, match="RandomScale.*batch"):
        A.Compose([A.RandomScale((0.5, 0.5), p=0.5)], seed=0).batch(images=batch)
    # a tiny image shrunk past one pixel keeps one
    assert A.RandomScale((-0.9, -0.9), p=1)(image=np.zeros((5, 5), np.uint8))["image"].shape == (1, 1)


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"scale_limit": (-1.0, 0.1)}, "scale_limit", ValueError),
        ({"scale_limit": float("nan")}, "scale_limit", ValueError),
        ({"scale_limit": (0.2, 0.1)}, "scale_limit", ValueError),
        ({"scale_limit": True}, "scale_limit", TypeError),
        ({"interpolation": 7}, "interpolation", ValueError),
        ({"area_for_downscale": "mask"}, "area_for_downscale", ValueError),
    ],
)
def test_random_scale_validation(kwargs, name, error):
    with pytest.raises(error, match=name):
        A.RandomScale(**kwargs)


# --------------------------------------------------------------------------------------------------
# LetterBox (AlbumentationsX)
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "position", "content", "pads"),
    [
        ((64, 64), "center", (45, 64), (9, 10, 0, 0)),  # s = min(64/37, 64/53) = 64/53; 37 s = 44.7 -> 45
        ((30, 80), "bottom_right", (30, 43), (0, 0, 37, 0)),  # s = 30/37; 53 s = 42.97 -> 43
        ((100, 40), "top_left", (28, 40), (0, 72, 0, 0)),
    ],
)
def test_letterbox_is_resize_then_constant_pad(size, position, content, pads):
    img = random_image(np.uint8, 3, False, hw=(37, 53))
    mask = np.random.default_rng(1).integers(0, 5, (37, 53)).astype(np.uint8)
    out = A.LetterBox(size, fill=114, fill_mask=7, position=position)(image=img, mask=mask)
    top, bottom, left, right = pads
    resized = A.Resize(*content)(image=img, mask=mask)
    want = A.Pad((left, top, right, bottom), fill=114, fill_mask=7)(**resized)
    assert out["image"].shape == (*size, 3) and out["mask"].shape == size
    assert np.abs(out["image"].astype(int) - want["image"].astype(int)).max() <= 1  # bilinear: warp vs resize
    np.testing.assert_array_equal(out["mask"], want["mask"])


def test_letterbox_targets_and_random_position_batch():
    h, w = 30, 40
    mask = np.zeros((h, w), np.uint8)
    mask[8:20, 10:30] = 1
    kps = [[float(x) + 0.5, float(y) + 0.5] for y in range(9, 19, 3) for x in range(11, 29, 4)]
    for size in [(64, 64), (20, 50), (90, 30)]:
        pipe = A.Compose(
            [A.LetterBox(size, position="random")],
            bbox_params=A.BboxParams("pascal_voc"),
            keypoint_params=A.KeypointParams("xy"),
            seed=0,
        )
        out = pipe(image=np.zeros((h, w, 3), np.uint8), mask=mask, bboxes=[[10, 8, 30, 20]], keypoints=kps)
        for x, y in out["keypoints"]:
            assert out["mask"][int(y), int(x)] == 1
        ys, xs = np.nonzero(out["mask"])
        np.testing.assert_allclose(
            out["bboxes"][0], [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], atol=1.0
        )
    # a batch places each sample on its own (an exact integer translation of the shared resize)
    batch = random_image(np.uint8, 3, True, hw=(20, 30))
    t = A.LetterBox((40, 40), position="random")
    got = A.Compose([t], seed=3).batch(images=batch)["images"]
    resized = A.Resize(27, 40)(image=batch[0])["image"]  # 20 * 40/30 = 26.7 -> 27
    tops = set()
    for k in range(3):
        content = A.Resize(27, 40)(image=batch[k])["image"]
        rows = [y for y in range(14) if np.abs(got[k, y : y + 27].astype(int) - content).max() <= 1]
        assert len(rows) == 1 and resized.shape == content.shape
        tops.add(rows[0])
    assert len(tops) > 1


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"size": (0, 10)}, "size", ValueError),
        ({"size": 10}, "size", TypeError),
        ({"size": (10, 10), "position": "middle"}, "position", ValueError),
        ({"size": (10, 10), "fill": float("nan")}, "fill", ValueError),
        ({"size": (10, 10), "interpolation": 8}, "interpolation", ValueError),
        ({"size": (10, 10), "fill_mask": "x"}, "fill_mask", TypeError),
    ],
)
def test_letterbox_validation(kwargs, name, error):
    with pytest.raises(error, match=name):
        A.LetterBox(**kwargs)
