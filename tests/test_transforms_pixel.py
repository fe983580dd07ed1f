"""Pixel transforms: exact values, invariants, batches and argument checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import xalbu as A
from xalbu.core.transform import gate_params
from xalbu.functional import pixel as F

DTYPES = ("uint8", "uint16", "float32")
MAXES = {"uint8": 255, "uint16": 65535, "float32": 1.0}


def make_image(dtype: str, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "float32":
        return rng.random(shape, dtype=np.float32)
    return rng.integers(0, MAXES[dtype] + 1, shape, dtype=dtype)


def run(t: A.BasicTransform, seed: int = 0, **data):
    return A.Compose([t], seed=seed)(**data)


def one(t: A.BasicTransform, img, seed: int = 0):
    return run(t, seed, image=img)["image"]


# ------------------------------------------------------------------------ exact values
def test_normalize_standard_by_hand():
    img = np.array([[[255, 0, 128], [0, 255, 51]]], np.uint8)
    out = one(A.Normalize(), img)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    expected = [
        [[(v / 255 - m) / s for v, m, s in zip(px, mean, std, strict=True)] for px in row]
        for row in img.tolist()
    ]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.array(expected), rtol=1e-5, atol=1e-6)


def test_normalize_scalar_mean_std_and_max_pixel_value():
    img = np.array([[0, 51, 255]], np.uint8)
    out = one(A.Normalize(mean=0.2, std=0.4), img)
    np.testing.assert_allclose(out, [[-0.5, 0.0, 2.0]], atol=1e-6)
    out = one(A.Normalize(mean=0.0, std=1.0, max_pixel_value=100.0), img)
    np.testing.assert_allclose(out, [[0.0, 0.51, 2.55]], rtol=1e-6)


def test_normalize_max_pixel_value_none_uses_dtype_max():
    img16 = np.array([[0, 32768, 65535]], np.uint16)
    out = one(A.Normalize(mean=0.5, std=0.5, max_pixel_value=None), img16)
    np.testing.assert_allclose(out, [[-1.0, 1 / 65535, 1.0]], atol=1e-6)
    img8 = np.array([[0, 255]], np.uint8)
    np.testing.assert_allclose(one(A.Normalize(mean=0.5, std=0.5, max_pixel_value=None), img8), [[-1.0, 1.0]])


def test_normalize_per_image_modes(xp):
    # channel 0: 0, 2 (mean 1, std 1); channel 1: 10, 30 (mean 20, std 10)
    img = np.array([[[0, 10], [2, 30]]], np.uint8)
    eps = 1e-4
    cases = {
        "image_per_channel": [[[-1 / (1 + eps), -10 / (10 + eps)], [1 / (1 + eps), 10 / (10 + eps)]]],
        "min_max": [[[0.0, 10 / (30 + eps)], [2 / (30 + eps), 30 / (30 + eps)]]],
        "min_max_per_channel": [[[0.0, 0.0], [2 / (2 + eps), 20 / (20 + eps)]]],
    }
    allv = np.array([0, 10, 2, 30], np.float64)
    m, s = allv.mean(), allv.std()
    cases["image"] = [[[(v - m) / (s + eps) for v in px] for px in row] for row in img.tolist()]
    for mode, expected in cases.items():
        out = xp.to_numpy(one(A.Normalize(normalization=mode), xp.asarray(img)))
        assert out.dtype == np.float32, mode
        np.testing.assert_allclose(out, np.array(expected), rtol=1e-5, atol=1e-6, err_msg=mode)


def test_normalize_per_image_statistics_are_per_sample_in_a_batch():
    imgs = np.stack([make_image("uint8", (4, 4, 3), s) for s in range(3)])
    out = A.Compose([A.Normalize(normalization="image")]).batch(images=imgs)["images"]
    for i in range(3):
        np.testing.assert_allclose(
            out[i], one(A.Normalize(normalization="image"), imgs[i]), rtol=1e-5, atol=1e-5
        )


def test_normalize_image_clips_to_20():
    img = np.zeros((20, 20), np.uint8)
    img[0, 0] = 255  # one outlier: (255 - mean) / std is about 20
    out = one(A.Normalize(normalization="image"), np.concatenate([img, np.zeros((200, 20), np.uint8)]))
    assert float(out.max()) == pytest.approx(20.0)


def test_normalize_mean_length_must_match_channels():
    with pytest.raises(ValueError, match="mean has 3 values but the image has 1 channel"):
        one(A.Normalize(), np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="std has 2 values"):
        one(A.Normalize(mean=0.5, std=(0.1, 0.2)), np.zeros((2, 2, 3), np.uint8))


def test_invert_exact(xp):
    for dtype, values, expected in (
        ("uint8", [0, 10, 255], [255, 245, 0]),
        ("uint16", [0, 1000, 65535], [65535, 64535, 0]),
        ("float32", [0.0, 0.25, 1.0], [1.0, 0.75, 0.0]),
    ):
        out = xp.to_numpy(one(A.InvertImg(p=1), xp.asarray(np.array([values], dtype))))
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, [expected])


def test_solarize_fixed_threshold_exact(xp):
    t = A.Solarize(threshold_range=(0.5, 0.5), p=1)
    for dtype, values, expected in (
        ("uint8", [0, 127, 128, 255], [0, 127, 127, 0]),  # 0.5 * 255 = 127.5: 128 and up flip
        ("uint16", [100, 32767, 32768, 65535], [100, 32767, 32767, 0]),
        ("float32", [0.25, 0.5, 0.75], [0.25, 0.5, 0.25]),
    ):
        out = xp.to_numpy(one(t, xp.asarray(np.array([values], dtype))))
        np.testing.assert_array_equal(out, np.array([expected], dtype))


def test_posterize_fixed_bits_exact(xp):
    img = np.array([[255, 31, 100, 128]], np.uint8)
    out = xp.to_numpy(one(A.Posterize(num_bits=3, p=1), xp.asarray(img)))
    np.testing.assert_array_equal(out, [[224, 0, 96, 128]])


def test_posterize_per_channel_bits():
    img = np.full((2, 2, 3), 255, np.uint8)
    out = one(A.Posterize(num_bits=[1, 2, 8], p=1), img)
    np.testing.assert_array_equal(out[0, 0], [128, 192, 255])
    out = one(A.Posterize(num_bits=[(1, 1), (2, 2), (8, 8)], p=1), img)
    np.testing.assert_array_equal(out[1, 1], [128, 192, 255])
    with pytest.raises(ValueError, match="3 per-channel values but the image has 1"):
        one(A.Posterize(num_bits=[1, 2, 8], p=1), np.zeros((2, 2), np.uint8))


def test_posterize_range_draws_within_range():
    t = A.Posterize(num_bits=(2, 5), p=1)
    bits = t.sample(np.random.default_rng(0), (4, 4), 200).bits
    assert bits.min() == 2 and bits.max() == 5


def test_to_gray_weighted_pure_colours(xp):
    img = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    out = xp.to_numpy(one(A.ToGray(p=1), xp.asarray(img)))
    # 0.299 * 255 = 76.245, 0.587 * 255 = 149.685, 0.114 * 255 = 29.07
    np.testing.assert_array_equal(out, [[[76] * 3, [150] * 3, [29] * 3]])
    out1 = one(A.ToGray(num_output_channels=1, p=1), img)
    np.testing.assert_array_equal(out1, [[[76], [150], [29]]])


def test_to_gray_other_methods_and_channel_counts():
    img = np.array([[[10, 20, 30, 40, 50, 60]]], np.uint8)
    np.testing.assert_array_equal(one(A.ToGray(method="average", p=1), img), [[[35, 35, 35]]])
    np.testing.assert_array_equal(one(A.ToGray(method="max", num_output_channels=2, p=1), img), [[[60, 60]]])
    np.testing.assert_array_equal(one(A.ToGray(method="desaturation", p=1), img), [[[35, 35, 35]]])
    with pytest.raises(ValueError, match="needs a 3-channel RGB image, got 6 channels"):
        one(A.ToGray(p=1), img)


def test_to_gray_single_channel_is_returned_unchanged():
    img = make_image("uint8", (3, 4))
    out = one(A.ToGray(p=1), img)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, img)


def test_to_float_from_float_round_trip(xp):
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    f = xp.to_numpy(one(A.ToFloat(), xp.asarray(img)))
    assert f.dtype == np.float32
    np.testing.assert_allclose(f, img / 255.0, rtol=1e-6)
    back = xp.to_numpy(one(A.FromFloat(dtype="uint8"), xp.asarray(f)))
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, img)
    img16 = np.array([[0, 1, 12345, 65535]], np.uint16)
    back16 = one(A.FromFloat(dtype="uint16"), one(A.ToFloat(), img16))
    np.testing.assert_array_equal(back16, img16)


def test_to_float_from_float_max_value():
    np.testing.assert_allclose(
        one(A.ToFloat(max_value=100), np.array([[0, 50, 200]], np.uint8)), [[0, 0.5, 2.0]]
    )
    out = one(A.FromFloat(dtype="uint16", max_value=1000), np.array([[0.0, 0.5, 1.0]], np.float32))
    assert out.dtype == np.uint16
    np.testing.assert_array_equal(out, [[0, 500, 1000]])
    # 0.5 * 255 = 127.5 rounds half to even
    np.testing.assert_array_equal(
        one(A.FromFloat(), np.array([[0.5, 2.0, -1.0]], np.float32)), [[128, 255, 0]]
    )


def test_brightness_contrast_fixed_values():
    img = np.array([[0, 100]], np.uint8)
    t = A.RandomBrightnessContrast(brightness_limit=(0.1, 0.1), contrast_limit=(0, 0), p=1)
    np.testing.assert_array_equal(one(t, img), [[26, 126]])  # 25.5 rounds to even 26
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.1, 0.1), contrast_limit=0, brightness_by_max=False, p=1
    )
    np.testing.assert_array_equal(one(t, np.array([[100, 200]], np.uint8)), [[115, 215]])  # mean 150
    t = A.RandomBrightnessContrast(brightness_limit=0, contrast_limit=(0.5, 0.5), p=1)
    np.testing.assert_array_equal(one(t, np.array([[10, 100, 200]], np.uint8)), [[15, 150, 255]])


def test_brightness_contrast_ensure_safe_range():
    img = np.array([[0, 255]], np.uint8)
    # alpha 1.2, beta 0.1 -> beta 0.1, alpha min(1.2, 0.9): x * 0.9 + 25.5
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.1, 0.1), contrast_limit=(0.2, 0.2), ensure_safe_range=True, p=1
    )
    np.testing.assert_array_equal(one(t, img), [[26, 255]])
    # by mean: beta 0.2 * mean (127.5) = 25.5 = 0.1 of max -> the same safe parameters
    t = A.RandomBrightnessContrast(
        brightness_limit=(0.2, 0.2),
        contrast_limit=(0.2, 0.2),
        brightness_by_max=False,
        ensure_safe_range=True,
        p=1,
    )
    np.testing.assert_array_equal(one(t, img), [[26, 255]])
    imgs = np.stack([img, np.array([[0, 0]], np.uint8)])
    out = A.Compose([t]).batch(images=imgs)["images"]
    np.testing.assert_array_equal(out[0], [[26, 255]])
    np.testing.assert_array_equal(out[1], [[0, 0]])  # mean 0: beta 0


def test_random_gamma_fixed():
    t = A.RandomGamma(gamma_limit=(200, 200), p=1)
    np.testing.assert_array_equal(one(t, np.array([[0, 128, 255]], np.uint8)), [[0, 64, 255]])
    np.testing.assert_allclose(one(t, np.array([[0.0, 0.5, 1.0]], np.float32)), [[0.0, 0.25, 1.0]])


def test_channel_shuffle_permutes_channels():
    img = np.broadcast_to(np.arange(6, dtype=np.uint8) * 10, (3, 4, 6)).copy()
    seen = set()
    for seed in range(10):
        out = one(A.ChannelShuffle(p=1), img, seed)
        order = tuple(int(v) // 10 for v in out[0, 0])
        assert sorted(order) == list(range(6))
        np.testing.assert_array_equal(out, img[..., list(order)])
        seen.add(order)
    assert len(seen) > 1


# ------------------------------------------------------------------------ invariants
def _random_transforms():
    """(id, factory(channels)) of transforms that keep dtype and shape."""
    return [
        ("rbc", lambda c: A.RandomBrightnessContrast(p=1)),
        (
            "rbc_mean_safe",
            lambda c: A.RandomBrightnessContrast(brightness_by_max=False, ensure_safe_range=True, p=1),
        ),
        ("gamma", lambda c: A.RandomGamma(gamma_limit=(50, 150), p=1)),
        ("gray_weighted", lambda c: A.ToGray(p=1)),
        ("gray_average", lambda c: A.ToGray(method="average", num_output_channels=c, p=1)),
        ("gray_max", lambda c: A.ToGray(method="max", num_output_channels=c, p=1)),
        ("invert", lambda c: A.InvertImg(p=1)),
        ("solarize", lambda c: A.Solarize(threshold_range=(0.2, 0.8), p=1)),
        ("posterize", lambda c: A.Posterize(num_bits=(1, 6), p=1)),
        ("posterize_per_channel", lambda c: A.Posterize(num_bits=[(1, 6)] * c, p=1)),
        ("shuffle", lambda c: A.ChannelShuffle(p=1)),
    ]


RANDOM = _random_transforms()


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_invariants(xp, name, factory, dtype, channels):
    img = make_image(dtype, (5, 7, channels), seed=channels)
    t = factory(channels)
    x = xp.asarray(img)
    if name == "gray_weighted" and channels == 6:
        with pytest.raises(ValueError, match="needs a 3-channel RGB image"):
            one(t, x)
        return
    out = xp.to_numpy(one(t, x, seed=3))
    assert out.dtype == img.dtype and out.shape == img.shape
    np.testing.assert_array_equal(xp.to_numpy(x), img)  # input not modified
    np.testing.assert_array_equal(xp.to_numpy(one(t, xp.asarray(img), seed=3)), out)  # same seed
    if name not in ("shuffle", "gray_weighted", "gray_average", "gray_max") or channels > 1:
        assert not np.array_equal(out, img)  # it did something
    t.p = 0.0
    np.testing.assert_array_equal(xp.to_numpy(one(t, x, seed=3)), img)  # p=0 is identity


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_hw_stays_hw_and_other_targets_pass_through(name, factory):
    img = make_image("uint8", (8, 10))
    mask = (make_image("uint8", (8, 10), 1) % 3).astype(np.uint8)
    boxes = [(1.0, 2.0, 5.0, 6.0), (0.0, 0.0, 10.0, 8.0)]
    points = [(1.5, 2.5), (9.0, 7.0)]
    pipe = A.Compose(
        [factory(1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=0,
    )
    out = pipe(image=img, mask=mask, bboxes=boxes, labels=["a", "b"], keypoints=points)
    assert out["image"].shape == (8, 10)
    np.testing.assert_array_equal(out["mask"], mask)
    assert out["bboxes"] == boxes and out["labels"] == ["a", "b"]
    np.testing.assert_allclose(np.array(out["keypoints"]), np.array(points))


def test_dtype_changing_transforms_keep_shape(xp):
    for dtype in DTYPES:
        img = make_image(dtype, (4, 5, 3))
        for t, out_dtype in (
            (A.Normalize(), "float32"),
            (A.ToFloat(), "float32"),
            (A.FromFloat("uint16"), "uint16"),
        ):
            out = one(t, xp.asarray(img))
            assert out.shape == img.shape
            assert xp.to_numpy(out).dtype == np.dtype(out_dtype)
    hw = one(A.Normalize(mean=0.5, std=0.25), make_image("uint8", (4, 5)))
    assert hw.shape == (4, 5)


# ------------------------------------------------------------------------ identity parameters
IDENTITY = [
    A.RandomBrightnessContrast(p=1),
    A.RandomBrightnessContrast(brightness_by_max=False, p=1),
    A.RandomGamma(p=1),
    A.Solarize(threshold_range=(0.0, 0.3), p=1),
    A.ChannelShuffle(p=1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_identity_parameters_return_the_input_exactly(xp, t, dtype):
    assert t.identity is not None
    img = make_image(dtype, (4, 6, 7, 3))
    img[0, 0, 0] = 0
    img[1, 0, 0] = MAXES[dtype]
    state = A.core.state.State(shape=(6, 7), batch=4, images={"image": xp.asarray(img)})
    params = t.sample_data(np.random.default_rng(0), state)
    gated = gate_params(params, np.array([False, True, False, False]), t.identity)
    out = xp.to_numpy(t.apply_image(xp.asarray(img), gated))
    for i in (0, 2, 3):
        np.testing.assert_array_equal(out[i], img[i])
    assert not np.array_equal(out[1], img[1])


def test_transforms_without_identity_blend():
    assert A.InvertImg.identity is None and A.Posterize.identity is None and A.ToGray.identity is None


# ------------------------------------------------------------------------ batches
@pytest.mark.parametrize(
    "t,kernel",
    [
        (A.RandomGamma(p=1), lambda img, p: F.gamma(img, float(p.gamma))),
        (
            A.RandomBrightnessContrast(p=1),
            lambda img, p: F.brightness_contrast(img, float(p.alpha), float(p.beta), True),
        ),
        (
            A.RandomBrightnessContrast(brightness_by_max=False, p=1),
            lambda img, p: F.brightness_contrast(img, float(p.alpha), float(p.beta), False),
        ),
        (A.Solarize(threshold_range=(0.1, 0.9), p=1), lambda img, p: F.solarize(img, float(p.threshold))),
        (A.Posterize(num_bits=(1, 7), p=1), lambda img, p: F.posterize(img, int(p.bits))),
        (A.Posterize(num_bits=[(1, 7)] * 3, p=1), lambda img, p: F.posterize(img, p.bits)),
        (A.ChannelShuffle(p=1), lambda img, p: F.channel_shuffle(img, p.order)),
    ],
    ids=["gamma", "rbc", "rbc_mean", "solarize", "posterize", "posterize_per_channel", "shuffle"],
)
def test_batch_samples_match_single_image_kernel(xp, t, kernel):
    n = 6
    imgs = np.stack([make_image("uint8", (5, 4, 3), seed=s) for s in range(n)])
    state = A.core.state.State(shape=(5, 4), batch=n, images={"image": xp.asarray(imgs)})
    params = t.sample_data(np.random.default_rng(5), state)
    fields = [np.asarray(getattr(params, f.name)) for f in dataclasses.fields(params)]
    varying = [f for f in fields if f.ndim >= 1 and f.shape[0] == n]
    assert any(len({f[i].tobytes() for i in range(n)}) > 1 for f in varying)  # per-sample params differ
    batch_out = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
    for i in range(n):
        single = {f.name: _item(getattr(params, f.name), i, n) for f in dataclasses.fields(params)}
        expected = xp.to_numpy(kernel(xp.asarray(imgs[i]), type(params)(**single)))
        np.testing.assert_array_equal(batch_out[i], expected)


def _item(value, i, n):
    arr = np.asarray(value)
    return arr[i] if arr.ndim >= 1 and arr.shape[0] == n else value


@pytest.mark.parametrize(
    "t,apply",
    [
        (A.RandomGamma(gamma_limit=(200, 200), p=0.5), lambda img: F.gamma(img, 2.0)),
        (A.Solarize(threshold_range=(0.4, 0.4), p=0.5), lambda img: F.solarize(img, 0.4)),
        (
            A.RandomBrightnessContrast(brightness_limit=(0.2, 0.2), contrast_limit=(0, 0), p=0.5),
            lambda img: F.brightness_contrast(img, 1.0, 0.2, True),
        ),
        (A.InvertImg(p=0.5), F.invert),
        (A.Posterize(num_bits=2, p=0.5), lambda img: F.posterize(img, 2)),
        (A.ToGray(p=0.5), lambda img: F.to_gray(img, "weighted_average", 3)),
    ],
    ids=["gamma", "solarize", "rbc", "invert", "posterize", "gray"],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    n = 16
    imgs = make_image(dtype, (n, 4, 5, 3), seed=2)
    x = xp.asarray(imgs)
    out = xp.to_numpy(A.Compose([t], seed=1).batch(images=x)["images"])
    np.testing.assert_array_equal(xp.to_numpy(x), imgs)  # input not modified
    changed = xp.to_numpy(apply(x))
    atol = (
        1e-6 if dtype == "float32" else 0
    )  # float pow: a scalar and a per-sample exponent may differ by 1 ulp
    same = [np.array_equal(out[i], imgs[i]) for i in range(n)]
    done = [np.allclose(out[i], changed[i], rtol=0, atol=atol) for i in range(n)]
    assert all(s or d for s, d in zip(same, done, strict=True))
    assert any(s and not d for s, d in zip(same, done, strict=True))
    assert any(d and not s for s, d in zip(same, done, strict=True))


def test_batch_same_seed_same_output_and_samples_differ():
    imgs = np.repeat(make_image("uint8", (1, 6, 6, 3)), 8, axis=0)
    pipe = [A.RandomBrightnessContrast(p=1), A.RandomGamma(p=1)]
    a = A.Compose(pipe, seed=4).batch(images=imgs)["images"]
    b = A.Compose(pipe, seed=4).batch(images=imgs)["images"]
    np.testing.assert_array_equal(a, b)
    assert len({a[i].tobytes() for i in range(8)}) == 8


def test_batch_channel_shuffle_p_half():
    n = 32
    img = np.broadcast_to(np.arange(4, dtype=np.uint8), (n, 3, 3, 4)).copy()
    out = A.Compose([A.ChannelShuffle(p=0.5)], seed=0).batch(images=img)["images"]
    orders = {tuple(out[i, 0, 0].tolist()) for i in range(n)}
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert (0, 1, 2, 3) in orders and len(orders) > 2


def test_batch_partial_application_of_dtype_or_channel_changes_raises():
    imgs = make_image("uint8", (4, 3, 3, 3))
    for t in (
        A.ToFloat(p=0.5),
        A.Normalize(p=0.5),
        A.FromFloat("uint16", p=0.5),
        A.ToGray(num_output_channels=1),
    ):
        with pytest.raises(ValueError, match="must apply to every sample"):
            A.Compose([t], seed=0).batch(images=imgs)
    # float32 input is not changed in dtype by ToFloat: partial application is fine
    f = make_image("float32", (4, 3, 3, 3))
    np.testing.assert_array_equal(A.Compose([A.ToFloat(p=0.5)], seed=0).batch(images=f)["images"], f)


# ------------------------------------------------------------------------ arguments
@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.RandomBrightnessContrast(brightness_limit=(0.2, -0.2)), "brightness_limit"),
        (lambda: A.RandomBrightnessContrast(contrast_limit="a"), "contrast_limit"),
        (lambda: A.RandomGamma(gamma_limit=(120, 80)), "gamma_limit"),
        (lambda: A.RandomGamma(gamma_limit=(0, 80)), "gamma_limit"),
        (lambda: A.InvertImg(p=1.5), "p"),
        (lambda: A.ToGray(method="lab"), "method"),
        (lambda: A.ToGray(num_output_channels=0), "num_output_channels"),
        (lambda: A.Normalize(normalization="zscore"), "normalization"),
        (lambda: A.Normalize(mean=None), "mean"),
        (lambda: A.Normalize(std=(0.2, 0.0, 0.2)), "std"),
        (lambda: A.Normalize(max_pixel_value=0), "max_pixel_value"),
        (lambda: A.Solarize(threshold_range=(0.5, 1.5)), "threshold_range"),
        (lambda: A.Posterize(num_bits=9), "num_bits"),
        (lambda: A.Posterize(num_bits=(5, 2)), "num_bits"),
        (lambda: A.Posterize(num_bits=2.5), "num_bits"),
        (lambda: A.Posterize(num_bits=[1, 2, -1]), r"num_bits\[2\]"),
        (lambda: A.Posterize(num_bits=[]), "num_bits"),
        (lambda: A.ToFloat(max_value=0), "max_value"),
        (lambda: A.FromFloat(dtype="int8"), "dtype"),
        (lambda: A.ChannelShuffle(p=-0.1), "p"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_defaults_and_init_args_round_trip():
    defaults = {
        A.Normalize: {
            "mean": (0.485, 0.456, 0.406),
            "std": (0.229, 0.224, 0.225),
            "max_pixel_value": 255.0,
            "normalization": "standard",
            "p": 1.0,
        },
        A.RandomBrightnessContrast: {
            "brightness_limit": (-0.2, 0.2),
            "contrast_limit": (-0.2, 0.2),
            "brightness_by_max": True,
            "ensure_safe_range": False,
            "p": 0.5,
        },
        A.RandomGamma: {"gamma_limit": (80.0, 120.0), "p": 0.5},
        A.ToGray: {"num_output_channels": 3, "method": "weighted_average", "p": 0.5},
        A.InvertImg: {"p": 0.5},
        A.Solarize: {"threshold_range": (0.5, 0.5), "p": 0.5},
        A.Posterize: {"num_bits": 4, "p": 0.5},
        A.ChannelShuffle: {"p": 0.5},
        A.ToFloat: {"max_value": None, "p": 1.0},
        A.FromFloat: {"dtype": "uint8", "max_value": None, "p": 1.0},
    }
    for cls, expected in defaults.items():
        t = cls()
        assert t.init_args() == expected, cls.__name__
        assert repr(type(t)(**t.init_args())) == repr(t)
        assert cls.__name__ in A.TRANSFORMS
    t = A.Posterize(num_bits=[3, (2, 4), 8])
    assert t.num_bits == [3, (2, 4), 8]
    assert repr(A.Posterize(**t.init_args())) == repr(t)
    assert A.RandomBrightnessContrast(brightness_limit=0.3).brightness_limit == (-0.3, 0.3)
    assert A.FromFloat(dtype=np.uint16).dtype == "uint16"
