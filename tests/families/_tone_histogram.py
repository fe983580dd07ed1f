"""Tone, histogram transforms (CLAHE, Equalize, AutoContrast): kernels' golden values over every
backend, override parity (numpy_cv2 and CuPy) with stated tolerances, albumentations parity, and the
transforms' behaviour. Imported by ``test_tone.py`` (the family's test module), which collects them.

CLAHE tolerances: exact everywhere but for 16-bit RGB on CuPy. The generic kernel follows OpenCV's
algorithm step by step (tiles, reflect-101 padding, clip limit, residual redistribution, float32
bilinear weights, half-to-even rounding) and its 8-bit Lab both ways (the forward conversion in
OpenCV's integer arithmetic, the way back through a table of every Lab triple built from OpenCV),
so it equals the numpy_cv2 override, which calls OpenCV as albumentations does. 16-bit RGB goes
through a float Lab (OpenCV has no 16-bit Lab): CuPy's ``powf`` may differ from NumPy's by an ulp,
so within 1 level there.
"""

from __future__ import annotations

import warnings
import zlib

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.functional import tone as P

from ._pointwise import DTYPES, MAXV, check_numpy_override_is_exact, make_image, one, row, run


def _photo(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """Smooth random images (histograms with peaks, as photos have), any leading batch axis."""
    hi = MAXV[dtype]
    flat = rng.integers(0, 256, (int(np.prod(shape[:-3], dtype=np.int64)), *shape[-3:])).astype(np.float32)
    out = np.stack([cv2.GaussianBlur(f, (5, 5), 2).reshape(shape[-3:]) for f in flat]).reshape(shape)
    if dtype == "float32":
        return (out / 255).astype(np.float32)
    return np.clip(np.rint(out * (hi / 255)), 0, hi).astype(dtype)


def _seeded(*key: object) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


# ------------------------------------------------------------------------------------- CLAHE golden
@pytest.mark.golden.with_args(P.clahe)
def test_clahe_one_tile_clips_and_redistributes(xp):
    # one 2x2 tile, clip 2: limit max(int(2 * 4 / 256), 1) = 1. Histogram {0: 3, 255: 1} clips to
    # {0: 1, 255: 1}, excess 2: no whole share per bin (2 // 256), residual 2 at bins 0 and 128
    # (step 256 // 2). CDF: 2 at 0, 3 at 128, 4 at 255; table = round(cdf * 255 / 4): 0 -> 127.5
    # -> 128 (half to even), 255 -> 255
    out = run(xp, P.clahe, [[[0], [0]], [[0], [255]]], "uint8", 2.0, (1, 1))
    assert out.ravel().tolist() == [128, 128, 128, 255]


def test_clahe_interpolates_between_tiles(xp):
    # 1 x 4 in 1 x 2 tiles of 1 x 2, clip 40 (limit 1: nothing clipped). Tile 0 {0, 10}: table 128 at
    # 0, 255 from 10; tile 1 {20, 30}: 0 below 20, 128 at 20, 255 at 30. Column weights from
    # t = x / 2 - 0.5: x=0 tile 0 only (128), x=1 tile 0 (255), x=2 half and half (127.5 + 64 =
    # 191.5 -> 192), x=3 tile 1 (255)
    out = run(xp, P.clahe, [[[0], [10], [20], [30]]], "uint8", 40.0, (1, 2))
    assert out.ravel().tolist() == [128, 255, 192, 255]
    img = np.array([[0, 10, 20, 30]], np.uint8)
    assert cv2.createCLAHE(40.0, (2, 1)).apply(img).ravel().tolist() == [128, 255, 192, 255]


def test_clahe_uint16_and_float32(xp):
    # the same 2x2 tile on 65536 levels: limit max(int(2 * 4 / 65536), 1) = 1, residual 2 at bins 0
    # and 32768; table = round(cdf * 65535 / 4): 2 * 16383.75 = 32767.5 -> 32768
    out = run(xp, P.clahe, [[[0], [0]], [[0], [65535]]], "uint16", 2.0, (1, 1))
    assert out.ravel().tolist() == [32768, 32768, 32768, 65535]
    # float32 through uint8 levels (rint(x * 255)): the uint8 case, then / 255; NaN stays NaN
    out = run(xp, P.clahe, [[[0.0], [0.001]], [[np.nan], [1.0]]], "float32", 2.0, (1, 1))
    np.testing.assert_array_equal(out.ravel(), np.array([128 / 255, 128 / 255, np.nan, 1.0], np.float32))


def test_clahe_rgb_equalises_the_lightness(xp):
    # gray RGB pixels have a = b = 0 (128 in OpenCV's 8 bits): only L changes, and they stay gray
    img = np.repeat(np.array([[[10], [10]], [[10], [200]]], np.uint8), 3, axis=-1)
    out = run(xp, P.clahe, img, "uint8", 2.0, (1, 1))
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(2.0, (1, 1)).apply(np.ascontiguousarray(lab[..., 0]))
    np.testing.assert_array_equal(out, cv2.cvtColor(lab, cv2.COLOR_LAB2RGB))


def test_clahe_lab8_is_opencvs_bit_for_bit():
    """The generic 8-bit RGB -> Lab (integer arithmetic) equals OpenCV's on every colour."""
    r = np.arange(0, 256, dtype=np.uint8)
    rgb = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(4096, 4096, 3)
    want = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    got = np.concatenate(P.rgb_to_lab8(np, rgb), axis=-1)
    np.testing.assert_array_equal(got, want)


def test_clahe_refuses_other_channel_counts(xp):
    with pytest.raises(ValueError, match="1-channel or a 3-channel"):
        run(xp, P.clahe, np.zeros((4, 4, 2)), "uint8", 2.0, (2, 2))


# ------------------------------------------------------------------------------------- CLAHE parity
CLAHE_SHAPES = [(1, 2), (5, 7), (9, 37), (24, 32), (40, 52)]
CLAHE_GRIDS = [(8, 8), (3, 5), (1, 1), (4, 2)]


def _clahe_case(dtype: str, channels: int, batch: bool, k: int) -> tuple[np.ndarray, object, tuple[int, int]]:
    rng = _seeded("clahe", dtype, channels, batch, k)
    h, w = CLAHE_SHAPES[k % len(CLAHE_SHAPES)]
    grid = CLAHE_GRIDS[k % len(CLAHE_GRIDS)]
    n = 3 if batch else None
    img = _photo(rng, dtype, (n, h, w, channels) if n else (h, w, channels))
    limit = rng.uniform(1.0, 6.0, n) if n else float(rng.uniform(1.0, 6.0))
    return img, limit, grid


def _assert_levels(got: np.ndarray, want: np.ndarray, dtype: str, tol: int, share: float) -> None:
    """At most ``tol`` levels apart (a float32 level is 1/255), on at most ``share`` of the values."""
    scale = 255.0 if dtype == "float32" else 1.0
    d = np.abs(np.nan_to_num(got.astype(np.float64)) - np.nan_to_num(want.astype(np.float64))) * scale
    assert np.array_equal(np.isnan(got.astype(np.float64)), np.isnan(want.astype(np.float64)))
    assert d.max() <= tol + 1e-3, f"max {d.max()}"
    assert np.count_nonzero(d > 1e-3) <= max(2, share * d.size), f"{np.count_nonzero(d)} of {d.size} differ"


@pytest.mark.parity.with_args("numpy_cv2", P.clahe)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_clahe_override_matches_generic(dtype, channels, batch):
    for k in range(len(CLAHE_SHAPES)):
        img, limit, grid = _clahe_case(dtype, channels, batch, k)
        before = img.copy()
        assert P.clahe.overrides["numpy_cv2"](img, limit, grid) is not NotImplemented
        got, want = P.clahe(img, limit, grid), np.asarray(P.clahe.generic(img, limit, grid))
        np.testing.assert_array_equal(img, before)
        assert got.dtype == want.dtype and got.shape == want.shape
        _assert_levels(got, want, dtype, 0, 0.0)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.clahe)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_clahe_cupy_override_matches_generic(cupy, dtype, channels, batch):
    for k in range(len(CLAHE_SHAPES)):
        img, limit, grid = _clahe_case(dtype, channels, batch, k)
        if dtype == "float32":
            img[(0,) * (img.ndim - 1)] = np.nan
        got = P.clahe(cupy.asarray(img), limit, grid)
        assert isinstance(got, cupy.ndarray)
        float_lab = channels == 3 and dtype == "uint16"  # powf on the device vs NumPy's
        _assert_levels(
            cupy.asnumpy(got), np.asarray(P.clahe.generic(img, limit, grid)), dtype, int(float_lab), 0.05
        )


@pytest.mark.gpu
def test_clahe_cupy_three_launches_whatever_the_batch(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counts are read on the harness")
    counts = []
    for n in (2, 7):
        img = cupy.asarray(np.zeros((n, 12, 10, 3), np.uint8))
        P.clahe(img, np.full(n, 2.0), (2, 2))  # compile and upload the tables first
        cupy.reset_stats()
        P.clahe(img, np.full(n, 2.0), (2, 2))
        counts.append((cupy.STATS["launches"], cupy.STATS["to_host"]))
    assert counts[0] == counts[1] and counts[0][1] == 0 and counts[0][0] <= 5


# ------------------------------------------------------------------------- CLAHE albumentations, class
@pytest.mark.parametrize("grid", [(8, 8), (4, 6), (3, 1)])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_clahe_matches_albumentations(dtype, channels, grid):
    alb = pytest.importorskip("albumentations")
    rng = _seeded("clahe-alb", dtype, channels, grid)
    img = _photo(rng, dtype, (45, 61, channels))
    img = img[..., 0] if channels == 1 else img
    for limit in (1.0, 2.5, 4.0):
        want = alb.CLAHE(clip_limit=(limit, limit), tile_grid_size=grid, p=1)(image=img)["image"]
        got = A.CLAHE(clip_limit=(limit, limit), tile_grid_size=grid, p=1)(image=img)["image"]
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_clahe_arguments_and_defaults():
    t = A.CLAHE()
    assert t.clip_limit == (1.0, 4.0) and t.tile_grid_size == (8, 8) and t.p == 0.5
    assert A.CLAHE(clip_limit=2).clip_limit == (1.0, 2.0)
    assert A.CLAHE(clip_limit=(2, 3)).clip_limit == (2.0, 3.0)
    assert repr(A.CLAHE(**t.init_args())) == repr(t)
    params = A.CLAHE(clip_limit=(2, 3)).sample(np.random.default_rng(0), (8, 8), 100)
    assert params.clip_limit.shape == (100,) and 2 <= params.clip_limit.min() <= params.clip_limit.max() < 3


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"clip_limit": 0.5}, "clip_limit"),
        ({"clip_limit": (0.5, 2)}, "clip_limit"),
        ({"clip_limit": float("nan")}, "clip_limit"),
        ({"clip_limit": (3, 2)}, "clip_limit"),
        ({"clip_limit": True}, "clip_limit"),
        ({"tile_grid_size": (0, 8)}, r"tile_grid_size\[0\]"),
        ({"tile_grid_size": (8, 2.5)}, r"tile_grid_size\[1\]"),
        ({"tile_grid_size": 8}, "tile_grid_size"),
        ({"tile_grid_size": (8, True)}, r"tile_grid_size\[1\]"),
    ],
)
def test_clahe_bad_arguments(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        A.CLAHE(**kwargs)


def test_clahe_channels_batches_and_targets(xp):
    with pytest.raises(ValueError, match="CLAHE: expected a grayscale or an RGB"):
        one(A.CLAHE(p=1), xp.asarray(make_image("uint8", (8, 8, 4))))
    imgs = np.stack([_photo(_seeded("b", i), "uint8", (16, 20, 3)) for i in range(5)])
    t = A.CLAHE(clip_limit=(1, 6), tile_grid_size=(3, 2), p=1)
    state = A.core.state.State(shape=(16, 20), batch=5, images={"image": xp.asarray(imgs)})
    params = t.sample_data(np.random.default_rng(1), state)
    assert len(set(np.asarray(params.clip_limit).tolist())) == 5
    out = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
    for i in range(5):
        single = xp.to_numpy(P.clahe(xp.asarray(imgs[i]), float(params.clip_limit[i]), (2, 3)))
        np.testing.assert_array_equal(out[i], single)
    gray = make_image("uint8", (8, 10))
    assert one(A.CLAHE(p=1), gray).shape == (8, 10)
    f = np.full((6, 6), 0.5, np.float32)
    with pytest.raises(ValueError, match="CLAHE: expected a float image with values in"):
        one(A.CLAHE(p=1), f * 255)


# ---------------------------------------------------------------------------------- equalize golden
# Equalize's tolerance: exact everywhere (numpy_cv2 and CuPy against the generic kernel, the generic
# and xalbu's transform against albumentations): integer YCrCb as OpenCV computes it, float32 tables
# with OpenCV's and albumentations' arithmetic, integer "pil" tables.
@pytest.mark.golden.with_args(P.equalize)
def test_equalize_cv_golden(xp):
    # histogram {0: 2, 100: 1, 200: 1}: first level 0 (count 2), scale 255 / (4 - 2) = 127.5;
    # table (cdf - 2) * 127.5: 0 -> 0, 100 -> 127.5 -> 128 (half to even), 200 -> 255
    img = row([0, 0, 100, 200], "uint8")
    assert run(xp, P.equalize, img, "uint8", "cv", True).ravel().tolist() == [0, 0, 128, 255]
    # uint16: scale 65535 / 2 = 32767.5 -> 32768 (half to even)
    assert run(xp, P.equalize, img.astype(np.uint16), "uint16", "cv", True).ravel().tolist() == [
        0,
        0,
        32768,
        65535,
    ]
    # mask [0, 1, 1, 0]: histogram {0: 1, 100: 1}, scale 255: 100 -> 255, and 200 (cdf 2) -> 255
    mask = np.array([0, 1, 1, 0], bool).reshape(1, 4, 1)
    out = run(xp, P.equalize, img, "uint8", "cv", True, xp.asarray(mask))
    assert out.ravel().tolist() == [0, 0, 255, 255]
    # one level only (a constant image, or a mask on one level): unchanged
    assert run(xp, P.equalize, row([7, 7], "uint8"), "uint8", "cv", True).ravel().tolist() == [7, 7]


def test_equalize_pil_golden(xp):
    # 255 zeros, 255 x 100, one 200: step = (511 - 1) // 255 = 2; table min((cdf + 1) // 2, 255) with
    # the inclusive cdf (albumentations'): 0 -> 128, 100 -> 255, 200 -> 255
    img = row([0] * 255 + [100] * 255 + [200], "uint8")
    out = run(xp, P.equalize, img, "uint8", "pil", True).ravel()
    assert out[0] == 128 and out[255] == 255 and out[-1] == 255
    # fewer than 255 pixels below the top level: step 0, unchanged
    assert run(xp, P.equalize, row([0, 0, 100, 200], "uint8"), "uint8", "pil", True).ravel().tolist() == [
        0,
        0,
        100,
        200,
    ]


def test_equalize_luma_and_float32(xp):
    # gray RGB: Y = v, Cr = Cb = 128, so each channel is equalised as the gray image is
    img = np.repeat(row([0, 0, 100, 200], "uint8"), 3, axis=-1)
    out = run(xp, P.equalize, img, "uint8", "cv", False)
    assert out.reshape(-1, 3).tolist() == [[0] * 3, [0] * 3, [128] * 3, [255] * 3]
    # float32 through uint8 levels: the uint8 case / 255, NaN kept
    f = np.array([0.0, 0.001, 100 / 255, 200 / 255, np.nan], np.float32).reshape(1, 5, 1)
    got = run(xp, P.equalize, f, "float32", "cv", True).ravel()
    np.testing.assert_array_equal(got, np.array([0, 0, 128 / 255, 1.0, np.nan], np.float32))


def test_equalize_ycrcb_is_opencvs_bit_for_bit():
    r = np.arange(0, 256, dtype=np.uint8)
    cube = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(4096, 4096, 3)
    got = np.stack(P.rgb_to_ycc(np, cube, 256), axis=-1)
    np.testing.assert_array_equal(got, cv2.cvtColor(cube, cv2.COLOR_RGB2YCrCb))
    y, cr, cb = (cube[..., i].astype(np.int64) for i in range(3))
    np.testing.assert_array_equal(
        P.ycc_to_rgb(np, y, cr, cb, 256, np.uint8), cv2.cvtColor(cube, cv2.COLOR_YCrCb2RGB)
    )


# ---------------------------------------------------------------------------------- equalize parity
def _equalize_cases(dtype: str, channels: int, batch: bool):
    rng = _seeded("eq", dtype, channels, batch)
    shape = (3, 19, 23, channels) if batch else (19, 23, channels)
    for mode in ("cv", "pil"):
        for by_channels in (True, False):
            if not by_channels and channels not in (1, 3):
                continue
            planes = channels if by_channels else 1
            for kind in ("none", "shared", "planes", "per_sample"):
                if kind == "per_sample" and not batch:
                    continue
                img = _photo(rng, dtype, shape)
                if dtype == "float32":
                    img[(0,) * (img.ndim - 1)] = np.nan
                lead = (3,) if kind == "per_sample" else ()
                q = planes if kind == "planes" else 1
                mask = None if kind == "none" else rng.random((*lead, *shape[-3:-1], q)) > 0.3
                yield img, (mode, by_channels, mask)


@pytest.mark.parity.with_args("numpy_cv2", P.equalize)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_equalize_override_matches_generic(dtype, channels, batch):
    for img, args in _equalize_cases(dtype, channels, batch):
        check_numpy_override_is_exact(P.equalize, img, *args)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.equalize)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_equalize_cupy_override_matches_generic(cupy, dtype, channels, batch):
    for img, (mode, by_channels, mask) in _equalize_cases(dtype, channels, batch):
        dev_mask = None if mask is None else cupy.asarray(mask)
        got = P.equalize(cupy.asarray(img), mode, by_channels, dev_mask)
        assert isinstance(got, cupy.ndarray)
        want = np.asarray(P.equalize.generic(img, mode, by_channels, mask))
        np.testing.assert_array_equal(cupy.asnumpy(got), want)


@pytest.mark.gpu
def test_equalize_cupy_launches_do_not_grow_with_the_batch(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("launch counts are read on the harness")
    counts = []
    for n in (2, 7):
        img = cupy.asarray(np.zeros((n, 12, 10, 3), np.uint8))
        P.equalize(img, "cv", False)
        cupy.reset_stats()
        P.equalize(img, "cv", False)
        counts.append((cupy.STATS["launches"], cupy.STATS["to_host"]))
    assert counts[0] == counts[1] and counts[0][1] == 0 and counts[0][0] <= 4


# ------------------------------------------------------------------ equalize albumentations, class
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("by_channels", [True, False])
@pytest.mark.parametrize("mode", ["cv", "pil"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_equalize_matches_albumentations(dtype, channels, mode, by_channels, masked):
    alb = pytest.importorskip("albumentations")
    rng = _seeded("eq-alb", dtype, channels, mode, by_channels, masked)
    img = _photo(rng, dtype, (45, 61, channels))
    img = img[..., 0] if channels == 1 else img
    mask = (rng.random((45, 61)) > 0.3).astype(np.uint8) if masked else None
    kwargs = {"mode": mode, "by_channels": by_channels, "mask": mask, "p": 1}
    want = alb.Equalize(**kwargs)(image=img.copy())["image"]
    got = A.Equalize(**kwargs)(image=img)["image"]
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_equalize_callable_mask_with_mask_params(xp):
    img = _photo(_seeded("eq-fn"), "uint8", (12, 14, 3))
    seg = np.zeros((12, 14), np.uint8)
    seg[3:9, 2:11] = 1

    def inside(image, mask):
        assert image.shape == (12, 14, 3) and mask.shape[:2] == (12, 14)
        return mask

    t = A.Equalize(mask=inside, mask_params=["mask"], p=1)
    out = A.Compose([t], seed=0)(image=xp.asarray(img), mask=xp.asarray(seg))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), P.equalize(img, "cv", True, (seg > 0)[..., None]))
    batch = np.stack([img, img[::-1]])
    segs = np.stack([seg, seg[:, ::-1]])
    res = A.Compose([t], seed=0).batch(images=xp.asarray(batch), masks=xp.asarray(segs))["images"]
    res = xp.to_numpy(res)
    for i in range(2):
        np.testing.assert_array_equal(res[i], P.equalize(batch[i], "cv", True, (segs[i] > 0)[..., None]))
    with pytest.raises(KeyError, match="depth"):
        A.Compose([A.Equalize(mask=inside, mask_params=["depth"], p=1)])(image=img, mask=seg)


def test_equalize_arguments_and_refusals():
    t = A.Equalize()
    assert (t.mode, t.by_channels, t.mask, t.mask_params, t.p) == ("cv", True, None, (), 0.5)
    assert repr(A.Equalize(**t.init_args())) == repr(t)
    for kwargs, match in [
        ({"mode": "pillow"}, "mode"),
        ({"by_channels": "yes"}, "by_channels"),
        ({"mask": 3}, "mask"),
        ({"mask_params": "mask"}, "mask_params"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            A.Equalize(**kwargs)
    img = make_image("uint8", (8, 8, 3))
    with pytest.raises(ValueError, match="Equalize: mask must be"):
        one(A.Equalize(mask=np.ones((4, 4), np.uint8), p=1), img)
    with pytest.raises(ValueError, match="by_channels=False the mask needs one channel"):
        one(A.Equalize(mask=np.ones((8, 8, 3), np.uint8), by_channels=False, p=1), img)
    with pytest.raises(ValueError, match="by_channels=False needs a grayscale or an RGB"):
        one(A.Equalize(by_channels=False, p=1), make_image("uint8", (8, 8, 4)))
    out = one(A.Equalize(p=1), make_image("uint8", (8, 8, 5)))  # any channel count by channels
    assert out.shape == (8, 8, 5)


# ---------------------------------------------------------------------------- auto_contrast golden
# AutoContrast's tolerance: exact everywhere, as Equalize's (integer histograms and bounds, float32
# "cdf" and float64 "pil" tables computed alike on every backend).
@pytest.mark.golden.with_args(P.auto_contrast)
def test_auto_contrast_golden(xp):
    img = row([50, 60, 60, 150], "uint8")
    # bounds 50..150. "pil": (v - 50) * 255 / 100: 60 -> 25.5 -> 26 (half to even), 150 -> 255
    assert run(xp, P.auto_contrast, img, "uint8", 0.0, None, "pil").ravel().tolist() == [0, 26, 26, 255]
    # "cdf": cumulative counts 1, 3, 4 at 50, 60, 150: (cdf - 1) * 255 / 3: 60 -> 170, 150 -> 255
    assert run(xp, P.auto_contrast, img, "uint8", 0.0, None, "cdf").ravel().tolist() == [0, 170, 170, 255]
    # ignore 60: histogram {50, 150}; 60 keeps its value, the others stretch
    assert run(xp, P.auto_contrast, img, "uint8", 0.0, 60, "pil").ravel().tolist() == [0, 60, 60, 255]
    # one level: unchanged
    assert run(xp, P.auto_contrast, row([9, 9], "uint8"), "uint8", 0.0, None, "cdf").ravel().tolist() == [
        9,
        9,
    ]


def test_auto_contrast_cutoff_and_dtypes(xp):
    # ten levels 0, 10, ..., 90, cutoff 20 %: 2 pixels off each end. Low bound: the first level
    # whose cumulative count reaches 2 is 10, so lo = 11; high bound: the count from the top reaches
    # 2 at 80. "pil": (v - 11) * 255 / 69: 20 -> 33.26 -> 33; 0 and 10 -> 0; 80 and 90 -> 255
    img = row(list(range(0, 100, 10)), "uint8")
    out = run(xp, P.auto_contrast, img, "uint8", 20.0, None, "pil").ravel().tolist()
    assert out[:3] == [0, 0, 33] and out[-2:] == [255, 255]
    # uint16 on 65536 levels: bounds 50 * 257 .. 150 * 257; 60 * 257 -> 2570 * (65535 / 25700) in
    # float64 = 6553.4999... -> 6553
    u16 = row([50 * 257, 60 * 257, 150 * 257], "uint16")
    got = run(xp, P.auto_contrast, u16, "uint16", 0.0, None, "pil").ravel().tolist()
    assert got == [0, 6553, 65535]
    # float32 through uint8 levels, NaN kept
    f = np.array([50, 60, 60, 150, np.nan], np.float32).reshape(1, 5, 1) / 255
    got = run(xp, P.auto_contrast, f, "float32", 0.0, None, "pil").ravel()
    np.testing.assert_array_equal(got, np.array([0, 26 / 255, 26 / 255, 1.0, np.nan], np.float32))


def _auto_contrast_cases(dtype: str, channels: int, batch: bool):
    rng = _seeded("ac", dtype, channels, batch)
    shape = (3, 19, 23, channels) if batch else (19, 23, channels)
    for method in ("cdf", "pil"):
        for cutoff, ignore in ((0.0, None), (2.5, None), (30.0, 0), (0.0, 100), (100.0, None)):
            img = _photo(rng, dtype, shape)
            if dtype == "float32":
                img[(0,) * (img.ndim - 1)] = np.nan
            yield img, (cutoff, ignore, method)


@pytest.mark.parity.with_args("numpy_cv2", P.auto_contrast)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_auto_contrast_override_matches_generic(dtype, channels, batch):
    for img, args in _auto_contrast_cases(dtype, channels, batch):
        check_numpy_override_is_exact(P.auto_contrast, img, *args)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.auto_contrast)
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
def test_auto_contrast_cupy_override_matches_generic(cupy, dtype, channels, batch):
    for img, args in _auto_contrast_cases(dtype, channels, batch):
        got = P.auto_contrast(cupy.asarray(img), *args)
        assert isinstance(got, cupy.ndarray)
        np.testing.assert_array_equal(cupy.asnumpy(got), np.asarray(P.auto_contrast.generic(img, *args)))


@pytest.mark.parametrize("method", ["cdf", "pil"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize(("cutoff", "ignore"), [(0, None), (5, None), (20, 200), (0, 3)])
def test_auto_contrast_matches_albumentations(cutoff, ignore, channels, method):
    """Where albumentations 2.0.8 is right: no pixel at 255 (its histograms leave the top level out)
    and an ``ignore`` that is no channel index (it also skips the channel of that index)."""
    alb = pytest.importorskip("albumentations")
    img = np.minimum(_photo(_seeded("ac-alb", cutoff, channels), "uint8", (45, 61, channels)), 254)
    img = img[..., 0] if channels == 1 else img
    kwargs = {"cutoff": cutoff, "ignore": ignore, "method": method, "p": 1}
    want = alb.AutoContrast(**kwargs)(image=img.copy())["image"]
    np.testing.assert_array_equal(A.AutoContrast(**kwargs)(image=img)["image"], want)


def test_auto_contrast_fixes_albumentations():
    # the top level counts: {100, 255} stretches 100 -> 0 (albumentations sees only 100: unchanged)
    img = np.array([[100, 255, 255]], np.uint8)
    assert A.AutoContrast(p=1)(image=img)["image"].tolist() == [[0, 255, 255]]
    # ignore=1 is a level, not also the channel of index 1: every channel stretches
    rgb = np.repeat(np.array([[[10], [20], [30]]], np.uint8), 3, axis=-1)
    out = A.AutoContrast(ignore=1, method="pil", p=1)(image=rgb)["image"]
    assert out[0, :, 1].tolist() == [0, 128, 255]


def test_auto_contrast_arguments():
    t = A.AutoContrast()
    assert (t.cutoff, t.ignore, t.method, t.p) == (0, None, "cdf", 0.5)
    assert repr(A.AutoContrast(**t.init_args())) == repr(t)
    for kwargs, match in [
        ({"cutoff": -1}, "cutoff"),
        ({"cutoff": 101}, "cutoff"),
        ({"cutoff": float("nan")}, "cutoff"),
        ({"ignore": 256}, "ignore"),
        ({"ignore": 2.5}, "ignore"),
        ({"ignore": True}, "ignore"),
        ({"method": "linear"}, "method"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            A.AutoContrast(**kwargs)


# ------------------------------------------------------------------------- docs/differences.md rows
def test_differences_histogram_transforms_on_uint16():
    alb = pytest.importorskip("albumentations")
    img = _photo(_seeded("d16"), "uint16", (32, 40, 3))
    for cls in ("CLAHE", "Equalize"):
        with pytest.raises(Exception, match="Assertion failed"):
            getattr(alb, cls)(p=1)(image=img)
    theirs = alb.AutoContrast(p=1)(image=img)["image"]
    assert theirs.dtype == np.float32 and theirs.max() <= 255
    for cls in ("CLAHE", "Equalize", "AutoContrast"):
        ours = getattr(A, cls)(p=1)(image=img)["image"]
        assert ours.dtype == np.uint16 and len(np.unique(ours)) > 1000


def test_differences_auto_contrast_histograms():
    alb = pytest.importorskip("albumentations")
    img = np.array([[100, 255, 255]], np.uint8)
    assert alb.AutoContrast(p=1)(image=img)["image"].tolist() == [[100, 255, 255]]
    assert A.AutoContrast(p=1)(image=img)["image"].tolist() == [[0, 255, 255]]
    rgb = np.repeat(np.array([[[10], [20], [30]]], np.uint8), 3, axis=-1)
    assert alb.AutoContrast(ignore=1, method="pil", p=1)(image=rgb)["image"][0, :, 1].tolist() == [10, 20, 30]
    assert A.AutoContrast(ignore=1, method="pil", p=1)(image=rgb)["image"][0, :, 1].tolist() == [0, 128, 255]


def test_differences_equalize_empty_or_one_level_mask():
    alb = pytest.importorskip("albumentations")
    img = np.array([[10, 20, 30, 40]], np.uint8)
    for mask in (np.zeros((1, 4), np.uint8), np.array([[1, 0, 0, 0]], np.uint8)):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = alb.Equalize(mask=mask, p=1)(image=img.copy())["image"]
        assert theirs.tolist() == [[0, 0, 0, 0]]
        assert A.Equalize(mask=mask, p=1)(image=img)["image"].tolist() == [[10, 20, 30, 40]]


def test_differences_non_finite_pixels_stay_out_of_histograms():
    alb = pytest.importorskip("albumentations")
    img = np.array([[50, 60, 60, 150, 0]], np.float32) / 255
    img[0, -1] = np.nan
    with np.errstate(all="ignore"):
        theirs = alb.AutoContrast(method="pil", p=1)(image=img.copy())["image"]
    ours = A.AutoContrast(method="pil", p=1)(image=img)["image"]
    assert not np.isnan(theirs).any()  # NaN counted (as 0) and lost
    np.testing.assert_array_equal(ours[0, :4] * 255, np.float32([0, 26, 26, 255]))
    assert np.isnan(ours[0, 4])
