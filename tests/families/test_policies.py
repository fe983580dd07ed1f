"""Policies: the kernels of ``xalbu.functional.policies`` (golden values from torchvision 0.28's
``transforms.v2.functional`` on uint8, over every backend; torchvision's formulas written out in
NumPy on random images; numpy_cv2 override parity) and the transforms RandAugment,
TrivialAugmentWide and AutoAugment (tables, the distribution of the draws, every operation's
pixels and targets, batches, CuPy on the harness, argument checks).

torch and torchvision are not needed: the golden values were computed once with torchvision 0.28
(``adjust_brightness``, ``adjust_saturation``... ``torch.linspace``) and are written here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xalbu.backends.numpy_cv2  # noqa: F401 - registers the overrides

import xalbu as A
from xalbu.functional import policies as P
from xalbu.transforms.policies import (
    OP_ID,
    OPS,
    POLICIES,
    linspace32,
    magnitude_table,
    matrices,
    posterize_bits,
)

from ._pointwise import row, run

F32 = np.float32
POLICY_CLASSES = (A.RandAugment, A.TrivialAugmentWide, A.AutoAugment)


def _rgb(pixels: list[list[int]]) -> np.ndarray:
    return np.asarray(pixels, np.uint8).reshape(1, -1, 3)


# ------------------------------------------------------------------------- golden (torchvision's)
@pytest.mark.golden.with_args(P.brightness)
def test_brightness_golden(xp):
    assert run(xp, P.brightness, row([100, 200, 3, 77], "uint8"), "uint8", 1.3).ravel().tolist() == [
        130,
        255,
        3,
        100,
    ]
    assert run(xp, P.brightness, row([100, 200, 3, 77], "uint8"), "uint8", 0.5).ravel().tolist() == [
        50,
        100,
        1,
        38,
    ]
    out = run(xp, P.brightness, row([0.2, 0.9], "float32"), "float32", 1.5).ravel()
    np.testing.assert_allclose(out, [0.3, 1.0], atol=1e-7)


@pytest.mark.golden.with_args(P.saturation)
def test_saturation_golden(xp):
    img = _rgb([[200, 100, 0], [10, 250, 30]])  # gray floor(118.48) = 118 and 153
    assert run(xp, P.saturation, img, "uint8", 0.0).reshape(-1, 3).tolist() == [[118] * 3, [153] * 3]
    assert run(xp, P.saturation, img, "uint8", 2.0).reshape(-1, 3).tolist() == [[255, 82, 0], [0, 255, 0]]
    assert run(xp, P.saturation, img, "uint8", 1.45).reshape(-1, 3).tolist() == [[236, 91, 0], [0, 255, 0]]
    assert run(xp, P.saturation, row([7, 9], "uint8"), "uint8", 0.0).ravel().tolist() == [7, 9]  # gray: as is


@pytest.mark.golden.with_args(P.contrast)
def test_contrast_golden(xp):
    assert run(xp, P.contrast, row([0, 100], "uint8"), "uint8", 2.0).ravel().tolist() == [0, 150]
    img = _rgb([[200, 100, 0], [10, 250, 30]])
    assert run(xp, P.contrast, img, "uint8", 0.3).reshape(-1, 3).tolist() == [[154, 124, 94], [97, 169, 103]]


@pytest.mark.golden.with_args(P.sharpness)
def test_sharpness_golden(xp):
    img = np.zeros((3, 3, 1), np.uint8)
    img[1, 1] = 130  # smoothing there: 5 * 130 / 13 = 50
    assert run(xp, P.sharpness, img, "uint8", 0.0).ravel().tolist() == [0, 0, 0, 0, 50, 0, 0, 0, 0]
    assert run(xp, P.sharpness, img, "uint8", 2.0).ravel().tolist() == [0, 0, 0, 0, 210, 0, 0, 0, 0]
    ramp = np.arange(10, 170, 10, dtype=np.uint8).reshape(4, 4, 1)  # a plane: smoothing changes nothing
    assert run(xp, P.sharpness, ramp, "uint8", 1.7).ravel().tolist() == list(range(10, 170, 10))
    tiny = np.full((2, 5, 1), 9, np.uint8)
    assert run(xp, P.sharpness, tiny, "uint8", 0.0).ravel().tolist() == [9] * 10  # too small: as is


@pytest.mark.golden.with_args(P.posterize)
def test_posterize_golden(xp):
    assert run(xp, P.posterize, row([255, 129, 63, 64], "uint8"), "uint8", 2).ravel().tolist() == [
        192,
        128,
        0,
        64,
    ]
    assert run(xp, P.posterize, row([65535, 40000], "uint16"), "uint16", 4).ravel().tolist() == [61440, 36864]
    np.testing.assert_array_equal(
        run(xp, P.posterize, row([0.2, 0.9, 1.0], "float32"), "float32", 2).ravel(), [0.0, 0.75, 0.75]
    )


@pytest.mark.golden.with_args(P.solarize)
def test_solarize_golden(xp):
    assert run(xp, P.solarize, row([100, 149, 150, 200], "uint8"), "uint8", 150.0).ravel().tolist() == [
        100,
        149,
        105,
        55,
    ]


@pytest.mark.golden.with_args(P.invert)
def test_invert_golden(xp):
    assert run(xp, P.invert, row([0, 55], "uint8"), "uint8").ravel().tolist() == [255, 200]
    np.testing.assert_allclose(
        run(xp, P.invert, row([0.25, np.inf], "float32"), "float32").ravel(), [0.75, 0.0]
    )


@pytest.mark.golden.with_args(P.autocontrast)
def test_autocontrast_golden(xp):
    assert run(xp, P.autocontrast, row([50, 100, 200], "uint8"), "uint8").ravel().tolist() == [0, 85, 254]
    assert run(xp, P.autocontrast, row([50, 100, 200, 51, 77], "uint8"), "uint8").ravel().tolist() == [
        0,
        85,
        254,
        1,
        45,
    ]
    assert run(xp, P.autocontrast, row([7, 7], "uint8"), "uint8").ravel().tolist() == [7, 7]  # one level


@pytest.mark.golden.with_args(P.equalize)
def test_equalize_golden(xp):
    assert run(xp, P.equalize, row([0, 0, 100, 200], "uint8"), "uint8").ravel().tolist() == [0, 0, 100, 200]
    two = row([0] * 510 + [9] * 255, "uint8")  # step (765 - 255) // 255 = 2: 9 -> (510 + 1) // 2
    assert sorted(set(run(xp, P.equalize, two, "uint8").ravel().tolist())) == [0, 255]
    mix = row([(i * 37) % 256 for i in range(300)] + [5] * 300, "uint8")
    out = run(xp, P.equalize, mix, "uint8").ravel()
    assert out[:8].tolist() == [0, 172, 194, 216, 237, 255, 255, 2] and int(out[-1]) == 4
    f = run(xp, P.equalize, row([0.0, 0.5, 0.5, 1.0], "float32"), "float32").ravel()
    np.testing.assert_allclose(f, [0.0, 127 / 255, 127 / 255, 1.0], atol=1e-7)  # 0.5 -> level 127


# ---------------------------------------------------------------- torchvision's formulas in NumPy
def _fma32(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """float32 ``a + b * c`` rounded once, as torchvision's CPU kernels compute it."""
    return (np.float64(1) * a + np.float64(1) * np.asarray(b, np.float64) * c).astype(F32)


def _tv_gray(x: np.ndarray) -> np.ndarray:
    r, g, b = (x[..., i : i + 1].astype(np.float64) for i in range(3))
    t = (r * F32(0.2989)).astype(F32)
    t = _fma32(t, g, np.float64(F32(0.587)))
    return np.floor(_fma32(t, b, np.float64(F32(0.114))))


def _tv_blend(x: np.ndarray, other: np.ndarray, f: float) -> np.ndarray:
    t = (x.astype(F32) * F32(f)).astype(F32)
    out = _fma32(t, other, np.float64(F32(1.0 - f)))
    return np.clip(out, 0, 255).astype(np.uint8)  # float -> uint8 truncates


def _tv_sharp(x: np.ndarray, f: float) -> np.ndarray:
    h, w = x.shape[:2]
    v = x.astype(np.float64)
    s = sum(v[dy : h - 2 + dy, dx : w - 2 + dx] for dy in range(3) for dx in range(3)) + 4 * v[1:-1, 1:-1]
    blur = np.round((s / 13).astype(F32))
    out = v.astype(F32)
    out[1:-1, 1:-1] = _fma32(v[1:-1, 1:-1], blur - v[1:-1, 1:-1], np.float64(F32(1.0 - f)))
    return np.clip(out, 0, 255).astype(np.uint8)


def _tv_equalize(x: np.ndarray) -> np.ndarray:
    out = x.copy()
    for c in range(x.shape[-1]):
        plane = x[..., c].ravel()
        hist = np.bincount(plane, minlength=256)
        step = (plane.size - hist[np.flatnonzero(hist)[-1]]) // 255
        if step:
            lut = np.concatenate([[0], np.minimum((np.cumsum(hist)[:-1] + step // 2) // step, 255)])
            out[..., c] = lut[x[..., c]]
    return out


def _tv_autocontrast(x: np.ndarray) -> np.ndarray:
    lo = x.min(axis=(0, 1)).astype(F32)
    hi = x.max(axis=(0, 1)).astype(F32)
    same = hi == lo
    inv = np.where(same, F32(1), ((hi - lo) * F32(1 / 255)).astype(F32))
    lo = np.where(same, F32(0), lo)
    return np.clip((x.astype(F32) - lo) / inv, 0, 255).astype(np.uint8)


TV_FORMULAS = {
    "Brightness": lambda x, f: np.clip((x.astype(F32) * F32(f)), 0, 255).astype(np.uint8),
    "Color": lambda x, f: _tv_blend(x, _tv_gray(x), f),
    "Contrast": lambda x, f: _tv_blend(x, np.float64(F32(_tv_gray(x).mean())), f),
    "Sharpness": _tv_sharp,
}


@pytest.mark.parametrize("name", sorted(TV_FORMULAS))
def test_enhancements_follow_torchvision_formulas(xp, name):
    rng = np.random.default_rng(len(name))
    kern = {
        "Brightness": P.brightness,
        "Color": P.saturation,
        "Contrast": P.contrast,
        "Sharpness": P.sharpness,
    }
    for f in [*rng.uniform(0.01, 1.99, 6).tolist(), 0.1, 1.9]:
        img = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
        np.testing.assert_array_equal(
            run(xp, kern[name], img, "uint8", f), TV_FORMULAS[name](img, f), err_msg=f"{f}"
        )


def test_histogram_operations_follow_torchvision_formulas(xp):
    rng = np.random.default_rng(5)
    for i in range(6):
        lo, hi = sorted(rng.integers(0, 256, 2).tolist())
        img = rng.integers(lo, hi + 1, (40 + i, 37, 3), dtype=np.uint8)
        np.testing.assert_array_equal(run(xp, P.equalize, img, "uint8"), _tv_equalize(img))
        np.testing.assert_array_equal(run(xp, P.autocontrast, img, "uint8"), _tv_autocontrast(img))
        thr = 255.0 * float(linspace32(1.0, 0.0, 31)[2 * i])  # whole levels: 255, 238, 221...
        want = np.where(img.astype(F32) >= F32(thr), 255 - img, img)
        np.testing.assert_array_equal(run(xp, P.solarize, img, "uint8", thr), want)


KERNELS = [
    (P.brightness, lambda n: np.linspace(0.1, 1.9, n)),
    (P.saturation, lambda n: np.linspace(0.1, 1.9, n)),
    (P.contrast, lambda n: np.linspace(0.1, 1.9, n)),
    (P.sharpness, lambda n: np.linspace(0.1, 1.9, n)),
    (P.posterize, lambda n: np.arange(n) % 9),
    (P.solarize, lambda n: np.linspace(0.0, 255.0, n)),
    (P.autocontrast, None),
    (P.equalize, None),
    (P.invert, None),
]


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize(("kern", "values"), KERNELS, ids=[k.__name__ for k, _ in KERNELS])
def test_batch_with_per_sample_values_equals_single_images(xp, kern, values, dtype):
    rng = np.random.default_rng(3)
    top = {"uint8": 255, "uint16": 65535}.get(dtype)
    batch = rng.integers(0, top + 1, (5, 13, 11, 3)).astype(dtype) if top else rng.random((5, 13, 11, 3), F32)
    if dtype == "float32" and kern is P.solarize:
        values = lambda n: np.linspace(0.0, 1.0, n)  # noqa: E731 - levels of a float image
    args = [] if values is None else [values(5)]
    got = run(xp, kern, batch, dtype, *args)
    for i in range(5):
        one = run(xp, kern, batch[i], dtype, *([] if values is None else [args[0][i].item()]))
        np.testing.assert_array_equal(got[i], one, err_msg=f"sample {i}")
    assert got.dtype == np.dtype(dtype)


# ----------------------------------------------------------------------------------- parity
@pytest.mark.parity.with_args(
    "numpy_cv2", P.brightness, P.solarize, P.autocontrast, P.equalize, P.saturation, P.contrast, P.sharpness
)
@pytest.mark.parametrize("channels", [1, 3])
def test_numpy_overrides_match_the_generic_kernels(channels):
    rng = np.random.default_rng(channels)
    batch = rng.integers(0, 256, (4, 19, 23, channels), dtype=np.uint8)
    batch[1] = batch[1] // 3 + 60  # a narrow histogram
    cases = [
        (P.brightness, np.array([0.2, 1.0, 1.3, 1.99])),
        (P.solarize, np.array([0.0, 128.0, 238.0, 255.0])),
        (P.autocontrast, None),
        (P.equalize, None),
    ]
    if channels == 3:
        cases += [
            (P.saturation, np.array([0.1, 1.0, 1.5, 1.9])),
            (P.contrast, np.array([0.1, 1.0, 1.5, 1.9])),
        ]
    cases += [(P.sharpness, np.array([0.1, 1.0, 1.5, 1.9]))]
    for kern, values in cases:
        args = [] if values is None else [values]
        override = kern.overrides["numpy_cv2"]
        got = override(batch, *args)
        assert got is not NotImplemented, kern.__name__
        np.testing.assert_array_equal(got, kern.generic(batch, *args), err_msg=kern.__name__)
        if kern is not P.saturation:  # it runs one image as the generic kernel does
            one = override(batch[2], *([] if values is None else [values[2].item()]))
            np.testing.assert_array_equal(
                one, kern.generic(batch[2], *([] if values is None else [values[2].item()]))
            )
    assert P.brightness.overrides["numpy_cv2"](batch.astype(np.uint16), 1.2) is NotImplemented


# ------------------------------------------------------------------------------------ tables
def test_tables_are_torchvisions():
    assert float(linspace32(0.0, 32.0, 10)[6]) == float(F32(21.33333396911621))  # torch.linspace values
    assert float(linspace32(1.0, 0.0, 10)[3]) == float(F32(0.6666666865348816))
    assert linspace32(0.0, 0.3, 5).tolist() == F32([0.0, 0.075, 0.15, 0.225000009, 0.3]).tolist()
    ra = [8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4]
    ta = [8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2]
    assert posterize_bits(31, 4).tolist() == ra and posterize_bits(31, 6).tolist() == ta
    assert posterize_bits(10, 4).tolist() == [8, 8, 7, 7, 6, 6, 5, 5, 4, 4]
    std, wide = magnitude_table("standard", 31, 100, 331), magnitude_table("wide", 31, 100, 331)
    assert std[OP_ID["TranslateX"], -1] == pytest.approx(150.0) and wide[OP_ID["TranslateX"], -1] == 32.0
    assert std[OP_ID["TranslateY"], -1] == pytest.approx(150.0 / 331.0 * 100, rel=1e-6)
    assert std[OP_ID["Rotate"], -1] == 30.0 and wide[OP_ID["Rotate"], -1] == 135.0
    assert std[OP_ID["Brightness"], -1] == F32(0.9) and wide[OP_ID["Sharpness"], -1] == F32(0.99)
    assert std[OP_ID["Solarize"], 0] == 1.0 and std[OP_ID["Solarize"], -1] == 0.0
    assert not std[OP_ID["Equalize"]].any() and not std[OP_ID["Identity"]].any()
    assert len(POLICIES["imagenet"][0]) == len(POLICIES["cifar10"][0]) == len(POLICIES["svhn"][0]) == 25
    ops, probs, bins = POLICIES["imagenet"]
    assert [OPS[o] for o in ops[0]] == ["Posterize", "Rotate"] and probs[0].tolist() == [0.4, 0.6]
    assert bins[0].tolist() == [8, 9] and [OPS[o] for o in ops[-1]] == ["Equalize", "Equalize"]


# ----------------------------------------------------------------------------- distribution
def _draw(t: Any, n: int, shape: tuple[int, int] = (64, 96)) -> Any:
    return t.sample(np.random.default_rng(0), shape, n)


def test_randaugment_draws_uniform_ops_at_its_magnitude_with_random_signs():
    t = A.RandAugment(num_ops=3, magnitude=20)
    d = _draw(t, 14000)
    assert d.ops.shape == d.magnitudes.shape == (14000, 3)
    counts = np.bincount(d.ops.ravel(), minlength=15)
    assert counts[14] == 0 and np.all(np.abs(counts[:14] - 3000) < 200)  # 42000 draws over 14 ops
    table = magnitude_table("standard", 31, 64, 96)
    np.testing.assert_array_equal(np.abs(d.magnitudes), np.abs(table[d.ops, 20]))
    signed = (d.ops >= 1) & (d.ops <= 9)
    assert 0.47 < (d.magnitudes[signed] < 0).mean() < 0.53
    assert (d.magnitudes[~signed] >= 0).all()
    one = _draw(t, None)
    assert one.ops.shape == (3,) and one.magnitudes.shape == (3,)


def test_trivialaugment_draws_one_op_and_a_uniform_bin():
    t = A.TrivialAugmentWide(num_magnitude_bins=11)
    d = _draw(t, 22000)
    assert d.ops.shape == (22000, 1)
    assert np.all(np.abs(np.bincount(d.ops.ravel(), minlength=14)[:14] - 22000 / 14) < 150)
    table = magnitude_table("wide", 11, 64, 96)
    rot = d.ops[:, 0] == OP_ID["Rotate"]
    levels = np.abs(d.magnitudes[rot, 0])
    bins = np.searchsorted(table[OP_ID["Rotate"]], levels)
    np.testing.assert_array_equal(table[OP_ID["Rotate"], bins], levels)
    assert np.all(np.abs(np.bincount(bins, minlength=11) - rot.sum() / 11) < 0.2 * rot.sum() / 11)


def test_autoaugment_draws_sub_policies_and_step_probabilities():
    t = A.AutoAugment(policy="imagenet")
    d = _draw(t, 50000)
    ops_t, probs_t, bins_t = POLICIES["imagenet"]
    # sub-policy 0 is the only one with Posterize first and Rotate second
    first_post_then_rot = (d.ops[:, 0] == OP_ID["Posterize"]) & (d.ops[:, 1] == OP_ID["Rotate"])
    assert abs(first_post_then_rot.mean() - 0.4 * 0.6 / 25) < 0.002
    rot = d.ops == OP_ID["Rotate"]
    table = magnitude_table("standard", 10, 64, 96)
    assert set(np.abs(d.magnitudes[rot]).tolist()) <= set(table[OP_ID["Rotate"], [3, 8, 9]].tolist())
    inv = d.ops[:, 0] == OP_ID["Invert"]  # sub-policies 13 and 22, step probability 0.6
    assert abs(inv.mean() - 2 * 0.6 / 25) < 0.003
    assert (d.magnitudes[d.ops == 0] == 0).all()


# ------------------------------------------------------------------------ transforms: pixels
def _replay(op: str, mag: float, batch_of: int | None = None, **kw: Any) -> Any:
    """A RandAugment pipeline and a record running ``op`` at ``mag`` (one step)."""
    pipe = A.Compose(
        [A.RandAugment(num_ops=1, **kw)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )
    shape = [1] if batch_of is None else [batch_of, 1]
    types = {"__class__": "PolicyParams", "ops": f"int64[{','.join(map(str, shape))}]"}
    types["magnitudes"] = types["ops"].replace("int64", "float64")
    ops = np.full(shape, OP_ID[op]).tolist()
    mags = np.full(shape, mag).tolist()
    applied = None if batch_of is None else [True] * batch_of
    step = {"transform": "RandAugment", "params": {"ops": ops, "magnitudes": mags}, "types": types}
    return pipe, lambda hw: [{"path": "transforms[0]", "shape": list(hw), "applied": applied, **step}]


# where torchvision 0.28 (nearest, fill 0) puts the single lit pixel (row 6, column 2) of a 9x11 image
GEOMETRIC_CASES = [
    ("ShearX", 0.3, (6, 0)),
    ("ShearY", 0.3, (5, 2)),
    ("TranslateX", 2.7, (6, 4)),  # int(2.7) = 2 pixels
    ("TranslateY", -1.5, (5, 2)),
    ("Rotate", 90.0, (7, 7)),  # counter-clockwise about the centre
]


@pytest.mark.parametrize(("op", "mag", "where"), GEOMETRIC_CASES)
def test_geometric_operations_move_image_mask_and_keypoints_together(op, mag, where):
    img = np.zeros((9, 11, 3), np.uint8)
    img[6, 2] = 255
    mask = (img[..., 0] > 0).astype(np.uint8)
    pipe, record = _replay(op, mag)
    pipe = A.Compose(
        pipe.transforms,
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        bbox_params=A.BboxParams(format="pascal_voc", min_visibility=0.0),
    )
    out = pipe.replay(record((9, 11)), image=img, mask=mask, keypoints=[(2.5, 6.5)], bboxes=[(2, 6, 3, 7)])
    assert np.argwhere(out["image"][..., 0] == 255).tolist() == [list(where)]
    np.testing.assert_array_equal(out["mask"], (out["image"][..., 0] > 0).astype(np.uint8))
    x, y = out["keypoints"][0][:2]
    assert (int(np.floor(y)), int(np.floor(x))) == where
    x0, y0, x1, y1 = out["bboxes"][0][:4]
    assert x0 <= where[1] + 0.5 <= x1 and y0 <= where[0] + 0.5 <= y1


def _inverse_nearest(img: np.ndarray, m: np.ndarray) -> np.ndarray:
    """NumPy reference: output pixel centres mapped back through ``m``, nearest pixel, fill 0."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    inv = np.linalg.inv(m)
    u = inv[0, 0] * xx + inv[0, 1] * yy + inv[0, 2]
    v = inv[1, 0] * xx + inv[1, 1] * yy + inv[1, 2]
    iu, iv = np.floor(u).astype(int), np.floor(v).astype(int)
    ok = (iu >= 0) & (iu < w) & (iv >= 0) & (iv < h)
    out = np.zeros_like(img)
    out[ok] = img[iv[ok], iu[ok]]
    return out


@pytest.mark.parametrize("op", ["ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"])
def test_geometric_operations_follow_torchvisions_maps(op):
    rng = np.random.default_rng(OP_ID[op])
    img = rng.integers(0, 256, (31, 40, 3), dtype=np.uint8)
    mags = {"Rotate": (17.3, -28.3, 63.0), "TranslateX": (12.6, -7.3), "TranslateY": (12.6, -7.3)}
    for mag in mags.get(op, (0.173, -0.283)):
        pipe, record = _replay(op, mag)
        got = pipe.replay(record((31, 40)), image=img)["image"]
        m = matrices(np.int64(OP_ID[op]), mag, (31, 40))
        want = _inverse_nearest(img, m)
        # exact up to near-ties (OpenCV positions in 1/32 pixel steps)
        assert (got != want).any(-1).mean() < 0.01, (op, mag)


@pytest.mark.parametrize(
    ("op", "mag", "expected"),
    [
        ("Brightness", 0.3, [130, 255, 3, 100]),
        ("Posterize", 2.0, [64, 192, 0, 64]),
        ("Solarize", float(F32(0.6)), [100, 55, 3, 77]),  # threshold 255 * 0.6 = 153
        ("AutoContrast", 0.0, [125, 254, 0, 95]),
        ("Invert", 0.0, [155, 55, 252, 178]),
    ],
)
def test_pixel_operations_through_the_transform(op, mag, expected):
    pipe = A.Compose([A.AutoAugment(p=1)])
    ops = np.array([[OP_ID[op], 0]])
    params = type(pipe.transforms[0]).Params(ops[0], np.array([mag, 0.0]))
    img = row([100, 200, 3, 77], "uint8")
    rec = [{"path": "transforms[0]", "transform": "AutoAugment", "shape": [1, 4], "applied": None}]
    rec[0]["params"] = {"ops": params.ops.tolist(), "magnitudes": params.magnitudes.tolist()}
    rec[0]["types"] = {"__class__": "PolicyParams", "ops": "int64[2]", "magnitudes": "float64[2]"}
    assert pipe.replay(rec, image=img)["image"].ravel().tolist() == expected


# ------------------------------------------------------------------------ transforms: batches
def _batch_inputs(n: int = 12) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    return {
        "images": rng.integers(0, 256, (n, 24, 28, 3), dtype=np.uint8),
        "masks": rng.integers(0, 3, (n, 24, 28), dtype=np.uint8),
        "keypoints": [np.array([[3.5, 4.5], [20.0, 10.0]]) for _ in range(n)],
    }


@pytest.mark.parametrize("cls", POLICY_CLASSES)
def test_batch_equals_each_sample_replayed_alone(cls):
    kw = {"num_ops": 3} if cls is A.RandAugment else {}
    pipe = A.Compose(
        [cls(p=0.8, **kw)],
        seed=3,
        save_applied_params=True,
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )
    data = _batch_inputs()
    before = {k: data[k].copy() for k in ("images", "masks")}
    out = pipe.batch(**data)
    for k, v in before.items():  # sub-batches are written into arrays of the call's own only
        np.testing.assert_array_equal(data[k], v)
    (step,) = out["applied_transforms"]
    for i in range(len(data["images"])):
        if not step["applied"][i]:
            np.testing.assert_array_equal(out["images"][i], data["images"][i])
            continue
        k = len(step["params"]["ops"][i])
        one = {**step, "applied": None, "params": {f: step["params"][f][i] for f in ("ops", "magnitudes")}}
        one["types"] = {**step["types"], "ops": f"int64[{k}]", "magnitudes": f"float64[{k}]"}
        alone = pipe.replay(
            [one], image=data["images"][i], mask=data["masks"][i], keypoints=data["keypoints"][i]
        )
        np.testing.assert_array_equal(out["images"][i], alone["image"], err_msg=f"sample {i}")
        np.testing.assert_array_equal(out["masks"][i], alone["mask"], err_msg=f"sample {i}")
        np.testing.assert_allclose(np.asarray(out["keypoints"][i]), np.asarray(alone["keypoints"]), atol=1e-9)


def test_operations_no_sample_chose_run_nothing(monkeypatch):
    import xalbu.transforms.policies as T

    calls: list[str] = []
    for name in (
        "brightness",
        "saturation",
        "contrast",
        "sharpness",
        "posterize",
        "solarize",
        "autocontrast",
        "equalize",
        "invert",
    ):
        real = getattr(T.F, name)
        monkeypatch.setattr(T.F, name, lambda *a, _r=real, _n=name: calls.append(_n) or _r(*a))
    monkeypatch.setattr(T, "warp", lambda *a, _r=T.warp: calls.append("warp") or _r(*a))
    pipe, record = _replay("Equalize", 0.0, batch_of=6)
    pipe.replay_batch(record((24, 28)), images=_batch_inputs(6)["images"])
    assert calls == ["equalize"]  # once, over the batch; no other operation, no warp
    calls.clear()
    rec = record((24, 28))
    rec[0]["params"]["ops"] = [[OP_ID["Equalize"]], [0], [OP_ID["Rotate"]], [OP_ID["Equalize"]], [0], [0]]
    pipe.replay_batch(rec, images=_batch_inputs(6)["images"])
    assert sorted(calls) == ["equalize", "warp"]


@pytest.mark.parity.with_args("cupy", P.equalize)  # generic kernels on CuPy arrays (no CuPy override)
@pytest.mark.parametrize("cls", POLICY_CLASSES)
def test_cupy_batches_match_numpy(cupy, cls):
    data = _batch_inputs(8)
    kw = {"num_ops": 4, "magnitude": 25} if cls is A.RandAugment else {}
    want = A.Compose([cls(**kw)], seed=11).batch(images=data["images"], masks=data["masks"])
    got = A.Compose([cls(**kw)], seed=11).batch(
        images=cupy.asarray(data["images"]), masks=cupy.asarray(data["masks"])
    )
    assert isinstance(got["images"], cupy.ndarray)
    # the same draws; pixel operations exact, warps up to near-ties (OpenCV positions in 1/32 pixels)
    assert (cupy.asnumpy(got["images"]) != want["images"]).any(-1).mean() < 0.005
    assert (cupy.asnumpy(got["masks"]) != want["masks"]).mean() < 0.005


# ------------------------------------------------------------------------------ arguments, misc
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: A.RandAugment(num_ops=-1), "num_ops"),
        (lambda: A.RandAugment(num_ops=True), "num_ops"),
        (lambda: A.RandAugment(magnitude=31), "magnitude"),
        (lambda: A.RandAugment(magnitude=1.5), "magnitude"),
        (lambda: A.RandAugment(num_magnitude_bins=1), "num_magnitude_bins"),
        (lambda: A.TrivialAugmentWide(num_magnitude_bins=0), "num_magnitude_bins"),
        (lambda: A.TrivialAugmentWide(interpolation="lanczos"), "interpolation"),
        (lambda: A.AutoAugment(interpolation=4), "interpolation"),
        (lambda: A.AutoAugment(policy="coco"), "policy"),
        (lambda: A.AutoAugment(fill="white"), "fill"),
        (lambda: A.AutoAugment(fill=float("nan")), "fill"),
        (lambda: A.RandAugment(p=2), "p"),
    ],
)
def test_bad_arguments_name_the_argument(make, name):
    with pytest.raises((TypeError, ValueError), match=name):
        make()


def test_torchvision_enum_like_values_and_round_trips():
    class Mode:  # torchvision's InterpolationMode / AutoAugmentPolicy are enums of strings
        value = "bilinear"

    class Policy:
        value = "svhn"

    t = A.AutoAugment(policy=Policy(), interpolation=Mode(), fill=(1, 2, 3))
    assert t.policy == "svhn" and t.interpolation == "bilinear" and t._interp == 1
    for cls in POLICY_CLASSES:
        for kw in cls.examples(32, 32):
            t = cls(p=0.7, **kw)
            back = A.from_dict(A.to_dict(t))
            assert type(back) is cls and back.init_args() == t.init_args()


def test_other_channel_counts_are_refused_by_name():
    with pytest.raises(ValueError, match="RandAugment: expected a 1-channel or a 3-channel"):
        A.RandAugment(p=1)(image=np.zeros((8, 8, 4), np.uint8))


def test_one_channel_and_float_images():
    rng = np.random.default_rng(2)
    gray = rng.integers(0, 256, (20, 20), dtype=np.uint8)
    for cls in POLICY_CLASSES:
        pipe = A.Compose([cls()], seed=5)
        assert pipe(image=gray)["image"].shape == (20, 20)
        f = pipe(image=(rng.random((20, 20, 3)).astype(F32)))["image"]
        assert f.dtype == F32 and f.min() >= 0 and f.max() <= 1
