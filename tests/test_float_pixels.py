"""Float pixels (issue 11): non-finite values and values far outside [0, 1], the rules of
``xalbu/functional/_utils.py``, for every pixel transform, on every backend.

1. Non-finite values: every pixel transform of ``A.TRANSFORMS`` on float32 images holding +inf, -inf
   or NaN (in whole pixels and in single channels, in a larger image and in a tiny one that takes
   OpenCV's scalar code paths), over the ``xp`` fixture (NumPy through the numpy_cv2 overrides,
   array_api_strict through the generic kernels, CuPy on a GPU or the CPU harness), alone and in a
   batch, against a float64 reference written from the rules: results saturate into [0, 1] (or the
   integer range), NaN stays NaN (0 in integers), image statistics skip non-finite values, unbounded
   outputs follow IEEE arithmetic. Then every numpy_cv2 override of the tone and dtype kernels
   against its generic kernel on such images (scalar, per-channel and per-sample parameters).
2. Values far outside [0, 1]: the transforms whose maths assumes [0, 1] refuse 0-255 and negative
   float images with an error naming the transform; overshoot within ``UNIT_SLACK`` passes; the
   check's one-reduction fast path agrees with the plain definition; CuPy images are not checked.
3. The rows of docs/differences.md these rules add, checked against albumentations 2.0.8.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from _float_cases_catalogue import LOCAL_CASES, check_local

import xalbu as A
from xalbu.functional import color as FC
from xalbu.functional import dtype as FD
from xalbu.functional import tone as FT
from xalbu.functional._utils import UNIT_SLACK, check_unit_range

SPECIALS = {"+inf": np.inf, "-inf": -np.inf, "nan": np.nan}
TOL = {"rtol": 1e-5, "atol": 2e-6}


# ----------------------------------------------------------------------------------- references
def _fmean(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The mean over ``axes`` of the finite values (0 when none), float64."""
    fin = np.isfinite(x)
    return np.where(fin, x, 0.0).sum(axis=axes, keepdims=True) / np.maximum(
        fin.sum(axis=axes, keepdims=True), 1
    )


def _fstd(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    fin = np.isfinite(x)
    d = np.where(fin, x - _fmean(x, axes), 0.0)
    return np.sqrt((d * d).sum(axis=axes, keepdims=True) / np.maximum(fin.sum(axis=axes, keepdims=True), 1))


def _fmin_max(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    fin = np.isfinite(x)
    lo = np.where(fin, x, np.inf).min(axis=axes, keepdims=True)
    hi = np.where(fin, x, -np.inf).max(axis=axes, keepdims=True)
    return lo, hi


def _unit(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


def _to_uint8(x: np.ndarray) -> np.ndarray:
    y = x * 255.0
    return np.clip(np.rint(np.where(y > 0, y, 0.0)), 0, 255).astype(np.uint8)


def _min_max_pc(x: np.ndarray) -> np.ndarray:
    lo, hi = _fmin_max(x, (-3, -2))
    return _unit((x - lo) / (hi - lo + 1e-4))


def _image_norm(x: np.ndarray) -> np.ndarray:
    axes = (-3, -2, -1)
    return np.clip((x - _fmean(x, axes)) / (_fstd(x, axes) + 1e-4), -20.0, 20.0)


GRAY_W = np.array([0.299, 0.587, 0.114])


def _hsv_value_shift(x: np.ndarray, shift: float) -> np.ndarray:
    """HSV with V + ``shift``: the clipped RGB scaled by ``V' / V`` (gray ``V'`` where V is 0); a
    pixel with a NaN channel is NaN."""
    c = _unit(x)
    v = c.max(-1, keepdims=True)
    v2 = np.minimum(v + shift, 1.0)
    out = np.where(v > 0, c * (v2 / np.where(v > 0, v, 1.0)), v2)
    return np.where(np.isnan(x).any(-1, keepdims=True), np.nan, out)


# name -> (transform factory, float64 reference of the whole output (HWC or NHWC))
CASES: dict[str, tuple[Callable[[], Any], Callable[[np.ndarray], np.ndarray]]] = {
    "RandomGamma": (lambda: A.RandomGamma((150, 150), p=1), lambda x: _unit(np.maximum(x, 0.0) ** 1.5)),
    "RandomGamma_sqrt": (lambda: A.RandomGamma((50, 50), p=1), lambda x: _unit(np.sqrt(np.maximum(x, 0.0)))),
    "RandomBrightnessContrast": (
        lambda: A.RandomBrightnessContrast((0.1, 0.1), (0.2, 0.2), p=1),
        lambda x: _unit(x * 1.2 + 0.1),
    ),
    "RandomBrightnessContrast_mean": (
        lambda: A.RandomBrightnessContrast((0.1, 0.1), (-0.2, -0.2), brightness_by_max=False, p=1),
        lambda x: _unit(x * 0.8 + 0.1 * _fmean(x, (-3, -2, -1))),
    ),
    "RandomBrightnessContrast_contrast_-1": (  # alpha = 0: every pixel gets the shift, NaN included
        lambda: A.RandomBrightnessContrast((0.1, 0.1), (-1, -1), p=1),
        lambda x: np.full_like(x, 0.1),
    ),
    "Posterize": (lambda: A.Posterize(4, p=1), lambda x: _unit(np.floor(x * 16.0) / 16.0)),
    "Solarize": (
        lambda: A.Solarize((0.5, 0.5), p=1),
        lambda x: _unit(np.where(x >= 0.5, 1.0 - x, x)),
    ),
    "InvertImg": (lambda: A.InvertImg(p=1), lambda x: _unit(1.0 - x)),
    "FromFloat": (lambda: A.FromFloat("uint8", p=1), _to_uint8),
    "FromFloat_float32": (lambda: A.FromFloat("float32", max_value=2.0, p=1), lambda x: x * 2.0),
    "ToFloat": (lambda: A.ToFloat(max_value=4.0, p=1), lambda x: x / 4.0),
    "Normalize": (
        lambda: A.Normalize(mean=(0.4, 0.5, 0.6), std=(0.2, 0.25, 0.5), max_pixel_value=1.0, p=1),
        lambda x: (x - np.array([0.4, 0.5, 0.6])) / np.array([0.2, 0.25, 0.5]),
    ),
    "Normalize_scalar": (
        lambda: A.Normalize(mean=0.5, std=0.25, max_pixel_value=1.0, p=1),
        lambda x: (x - 0.5) / 0.25,
    ),
    "Normalize_image": (lambda: A.Normalize(normalization="image", p=1), _image_norm),
    "Normalize_min_max_per_channel": (
        lambda: A.Normalize(normalization="min_max_per_channel", mean=None, std=None, p=1),
        _min_max_pc,
    ),
    "ChannelShuffle": (lambda: A.ChannelShuffle(p=1), lambda x: x),  # compared as a permutation
    "ToSepia": (lambda: A.ToSepia(p=1), lambda x: _unit(x @ np.array(FC.SEPIA).T)),
    "ToGray_from_lab": (lambda: A.ToGray(method="from_lab", p=1), None),  # saturates: checked by value
    "ToGray_max": (  # only selects values: keeps them
        lambda: A.ToGray(method="max", p=1),
        lambda x: np.repeat(
            np.where(np.isnan(x).any(-1, keepdims=True), np.nan, x.max(-1, keepdims=True)), 3, -1
        ),
    ),
    "ToGray_weighted_average": (
        lambda: A.ToGray(method="weighted_average", p=1),
        lambda x: np.repeat(_unit(x @ GRAY_W[:, None]), 3, -1),
    ),
    "ToGray_pca": (lambda: A.ToGray(method="pca", p=1), None),  # statistics: checked for locality
    "HueSaturationValue": (  # a value shift of 0.1 scales each pixel's clipped RGB by V' / V
        lambda: A.HueSaturationValue(0, 0, (25.5, 25.5), p=1),
        lambda x: _hsv_value_shift(x, 0.1),
    ),
    "RGBShift": (
        lambda: A.RGBShift((0.2, 0.2), (-0.1, -0.1), (0.05, 0.05), p=1),
        lambda x: _unit(x + np.array([0.2, -0.1, 0.05])),
    ),
    "ColorJitter": (  # brightness alone (the other factors are the identity)
        lambda: A.ColorJitter((1.2, 1.2), (1, 1), (1, 1), (0, 0), p=1),
        lambda x: _unit(_unit(x) * 1.2),
    ),
    "ChannelDropout": (lambda: A.ChannelDropout((1, 2), fill=0.25, p=1), None),  # selects: checked by value
    "ToRGB": (lambda: A.ToRGB(p=1), lambda x: x),  # an RGB image comes back as it is (with a warning)
    "FancyPCA": (lambda: A.FancyPCA(alpha=0.0, p=1), _unit),  # no noise; statistics skip bad pixels
    "PlanckianJitter": (
        lambda: A.PlanckianJitter(temperature_limit=(6000, 6000), p=1),
        lambda x: _unit(x * np.array([0.4979 / 0.4584, 1.0, 0.4468 / 0.4584])),
    ),
    "ChromaticAberration": (lambda: A.ChromaticAberration(0, 0, p=1), lambda x: x),  # resamples: values kept
    # histograms of uint8 levels as albumentations (rint(x * 255); +inf 255, -inf and NaN 0): by value
    "CLAHE": (lambda: A.CLAHE(clip_limit=(2, 2), p=1), None),
    "Equalize": (lambda: A.Equalize(p=1), None),  # the same uint8 levels
    "AutoContrast": (lambda: A.AutoContrast(p=1), None),
    "Illumination": (  # a fixed Gaussian spot: the clipped product
        lambda: A.Illumination(
            "gaussian", (0.1, 0.1), "brighten", center_range=(0.5, 0.5), sigma_range=(0.5, 0.5), p=1
        ),
        lambda x: _unit(x * FT.gaussian_pattern(np, x, 0.1, 0.5, 0.5, 0.5)[..., None]),
    ),
    "PlasmaBrightnessContrast": (
        lambda: A.PlasmaBrightnessContrast((0.1, 0.1), (0, 0), p=1),
        None,
    ),  # by value
    "RandomToneCurve": (  # the mean curve (scale 0) on the clipped values
        lambda: A.RandomToneCurve(scale=0, p=1),
        lambda x: (
            _unit(3 * (1 - _unit(x)) ** 2 * _unit(x) * 0.25 + 3 * (1 - _unit(x)) * _unit(x) ** 2 * 0.75)
            + _unit(x) ** 3
        ),
    ),
}
CASES.update({name: (factory, None) for name, (factory, _) in LOCAL_CASES.items()})  # checked by value
# where a transform breaks the rules today (ToGray's pca), the case is strictly expected to fail,
# until it follows them
ALL = frozenset(SPECIALS)
COLOR_GAPS: dict[str, tuple[frozenset[str], str]] = {}  # name -> (specials, reason): none today

GAP_BACKENDS: dict[str, tuple[str, ...]] = {}  # where a gap shows (default: all)


def test_every_pixel_transform_has_a_case():
    pixel = {name for name, cls in A.TRANSFORMS.items() if getattr(cls, "kind", None) == "pixel"}
    covered = {type(factory()).__name__ for factory, _ in CASES.values()}
    assert pixel <= covered, f"pixel transforms without a non-finite case: {sorted(pixel - covered)}"


def _image(special: float, shape: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    """Random [0, 1] float32 with ``special`` in a whole pixel and, for larger images, single channels."""
    x = np.random.default_rng(seed).random(shape, dtype=np.float32)
    x[0, 0, :] = special
    if shape[0] > 4 and shape[1] > 17:
        x[4, 17, 1] = special
        x[-1, -1, 2] = special  # the last value: OpenCV's loop tails
    return x


def _assert_case(name: str, got: np.ndarray, x: np.ndarray) -> None:
    _, ref = CASES[name]
    if name in LOCAL_CASES:
        check_local(name, got, x)
        return
    special_px = ~np.isfinite(x).all(-1)
    if name == "ChannelShuffle":
        np.testing.assert_array_equal(np.sort(got, -1), np.sort(x, -1))
        return
    if name == "ToGray_from_lab":  # clips its input: +inf is white, -inf black, NaN stays NaN
        v = x[0, 0, 0]
        if not np.isfinite(v):
            np.testing.assert_allclose(got[0, 0], np.nan if np.isnan(v) else float(v > 0), atol=1e-6)
        return
    if name == "PlasmaBrightnessContrast":  # x + 0.1 P, P in [0, 1] unknown here: between the two, clipped
        np.testing.assert_array_equal(np.isnan(got), np.isnan(x))
        with np.errstate(invalid="ignore"):
            lo, hi = _unit(x.astype(np.float64)), _unit(x.astype(np.float64) + 0.1)
        fin = ~np.isnan(x)
        assert np.all(got[fin] >= lo[fin] - 1e-6) and np.all(got[fin] <= hi[fin] + 1e-6)
        return
    if name in ("CLAHE", "Equalize", "AutoContrast"):  # NaN stays NaN; every other value a uint8 level / 255
        np.testing.assert_array_equal(np.isnan(got), np.isnan(x))
        levels = got[~np.isnan(got)] * 255
        np.testing.assert_allclose(levels, np.rint(levels), atol=1e-4)
        assert levels.min() >= 0 and levels.max() <= 255
        return
    if name == "ChannelDropout":  # each channel kept as it is (non-finite values too) or the fill
        kept = ((got == x) | (np.isnan(got) & np.isnan(x))).all(axis=(0, 1))
        assert np.all(kept | (got == np.float32(0.25)).all(axis=(0, 1))) and kept.any()
        return
    if name == "ToGray_pca":  # statistics over the finite pixels (test_pca_skips_non_finite_pixels)
        assert np.isnan(got[special_px]).all() and np.isfinite(got[~special_px]).all()
        return
    with np.errstate(all="ignore"):
        want = ref(x.astype(np.float64))
    assert got.dtype == (np.uint8 if name == "FromFloat" else np.float32)
    if got.dtype == np.uint8:
        np.testing.assert_array_equal(got[special_px], want[special_px])
        np.testing.assert_allclose(got, want, atol=1)  # float32 vs float64 rounding of x * 255
        return
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want.astype(np.float32), equal_nan=True, **TOL)


def _known_gap(request: pytest.FixtureRequest, name: str, special: str, backends: tuple[str, ...]) -> None:
    specials, reason = COLOR_GAPS.get(name, (frozenset(), ""))
    if special in specials and request.node.callspec.params.get("xp", "numpy") in backends:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("shape", [(9, 37, 3), (1, 2, 3)], ids=["9x37", "1x2"])
@pytest.mark.parametrize("special", sorted(SPECIALS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_non_finite_pixels(request, xp, name, special, shape):
    _known_gap(request, name, special, GAP_BACKENDS.get(name, ("numpy", "array_api_strict", "cupy")))
    factory, _ = CASES[name]
    x = _image(SPECIALS[special], shape)
    got = xp.to_numpy(factory()(image=xp.asarray(x))["image"])
    _assert_case(name, np.asarray(got), x)


@pytest.mark.parametrize("special", sorted(SPECIALS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_non_finite_pixels_in_a_batch(request, xp, name, special):
    """Each sample of a batch as the rules say (statistics per sample), a clean sample untouched by
    the others' non-finite values."""
    _known_gap(request, name, special, GAP_BACKENDS.get(name, ("numpy", "array_api_strict", "cupy")))
    factory, _ = CASES[name]
    x = np.stack([_image(SPECIALS[special], (9, 37, 3), s) for s in range(3)])
    x[1] = np.random.default_rng(9).random((9, 37, 3), dtype=np.float32)  # a clean sample
    got = np.asarray(xp.to_numpy(A.Compose([factory()], seed=0).batch(images=xp.asarray(x))["images"]))
    for i in range(3):
        _assert_case(name, got[i], x[i])


def test_pca_skips_non_finite_pixels(xp):
    """ToGray(pca): the finite pixels get what they get when the bad pixel holds the finite mean (a
    value that moves neither the statistics nor the range), whatever the bad value is."""
    x = np.random.default_rng(3).random((9, 37, 3), dtype=np.float32)
    x[:, :, 0] += np.linspace(0, 1, 37, dtype=np.float32)  # a clear principal axis (noise has none)
    x /= x.max()
    t = A.ToGray(method="pca", p=1)
    mean = x.reshape(-1, 3)[1:].mean(0)
    outs = []
    for bad in (np.inf, -np.inf, np.nan, mean):
        y = x.copy()
        y[0, 0] = bad
        outs.append(np.asarray(xp.to_numpy(t(image=xp.asarray(y))["image"])))
    for out in outs[:3]:
        assert np.isnan(out[0, 0]).all()
        np.testing.assert_allclose(out.reshape(-1, 3)[1:], outs[3].reshape(-1, 3)[1:], atol=1e-5)


def test_skipped_samples_of_a_batch():
    """On the CPU, samples a step skips are left as they are, as a single call that is not applied
    returns its image (the kernels run on the applied samples only: core.kinds.apply_some); on a
    device they run with identity parameters, which saturate non-finite values like the applied
    ones (one launch for the whole batch)."""
    x = np.stack([_image(np.inf, (9, 37, 3), s) for s in range(16)])
    x[:, 1, 1] = -np.inf
    for t in (
        A.RandomGamma((150, 150), p=0.5),
        A.RandomBrightnessContrast((0.1, 0.1), (0, 0), p=0.5),
        A.Solarize((0.5, 0.5), p=0.5),
        A.InvertImg(p=0.5),
        A.Posterize(4, p=0.5),
    ):
        out = A.Compose([t], seed=3).batch(images=x)["images"]
        applied = [not np.array_equal(out[i, 5:8], x[i, 5:8]) for i in range(16)]  # finite rows
        assert any(applied) and not all(applied)
        for i in np.flatnonzero(~np.array(applied)):
            np.testing.assert_array_equal(out[i], x[i], err_msg=type(t).__name__)


# --------------------------------------------------------------- overrides against generic kernels
def _ps(values: list[float]) -> np.ndarray:
    return np.array(values)


# name -> (kernel, args, batch?)
KERNEL_CASES: dict[str, tuple[Any, tuple[Any, ...], bool]] = {
    "multiply_add": (FT.multiply_add, (1.3, 0.1), False),
    "multiply_add_per_channel": (FT.multiply_add, (_ps([1.3, 0.7, 2.0]), _ps([0.1, 0.0, -0.2])), False),
    "multiply_add_per_sample": (FT.multiply_add, (_ps([1.3, 0.7, 2.0]), 0.05), True),
    "multiply_add_zero": (FT.multiply_add, (0.0, 0.3), False),
    "multiply_add_zero_per_sample": (FT.multiply_add, (_ps([1.3, 0.0, 2.0]), 0.1), True),
    "brightness_contrast_max": (FT.brightness_contrast, (1.2, 0.1, True), False),
    "brightness_contrast_mean": (FT.brightness_contrast, (0.9, 0.2, False), False),
    "brightness_contrast_mean_per_sample": (FT.brightness_contrast, (_ps([0.9, 1.1, 1.0]), 0.2, False), True),
    "brightness_contrast_max_per_sample": (FT.brightness_contrast, (_ps([0.9, 1.1, 1.0]), -0.1, True), True),
    "brightness_contrast_zero": (FT.brightness_contrast, (0.0, 0.1, True), False),
    "gamma_fast": (FT.gamma, (0.7,), False),
    "gamma_exact_power": (FT.gamma, (2.0,), False),
    "gamma_outside_fast_range": (FT.gamma, (150.0,), False),
    "gamma_per_sample": (FT.gamma, (_ps([0.7, 1.0, 3.3]),), True),
    "solarize": (FT.solarize, (0.5,), False),
    "solarize_zero": (FT.solarize, (0.0,), False),
    "solarize_per_sample_identity": (FT.solarize, (_ps([0.3, np.nan, 1.0]),), True),
    "invert": (FT.invert, (), False),
    "posterize": (FT.posterize, (3,), False),
    "posterize_per_channel": (FT.posterize, (np.array([1, 4, 8]),), False),
    "normalize": (FD.normalize, (0.5, 0.25, 1.0), False),
    "normalize_per_channel": (FD.normalize, ((0.4, 0.5, 0.6), (0.2, 0.25, 0.5), 1.0), False),
    "to_float": (FD.to_float, (2.0,), False),
    "from_float_uint8": (FD.from_float, ("uint8",), False),
    "from_float_uint16": (FD.from_float, ("uint16", 1000.0), False),
    "from_float_batch": (FD.from_float, ("uint8",), True),
    "from_float_float32": (FD.from_float, ("float32", 3.0), False),
}
DECLINES = {"multiply_add_zero", "multiply_add_zero_per_sample", "brightness_contrast_zero", "to_float"}
DECLINES |= {"from_float_float32"}  # (to_float / float32 targets: the generic kernel is the CPU path)


@pytest.mark.parametrize("shape", [(9, 37, 3), (1, 2, 3), (5, 6, 3)], ids=["9x37", "1x2", "5x6"])
@pytest.mark.parametrize("special", sorted(SPECIALS))
@pytest.mark.parametrize("case", sorted(KERNEL_CASES))
def test_numpy_cv2_overrides_match_generic_on_non_finite_pixels(case, special, shape):
    kern, args, batch = KERNEL_CASES[case]
    x = _image(SPECIALS[special], shape)
    if batch:
        x = np.stack(
            [
                x,
                np.random.default_rng(1).random(shape, dtype=np.float32),
                _image(-SPECIALS[special], shape, 2),
            ]
        )
    override = kern.overrides["numpy_cv2"](x, *args)
    assert (override is NotImplemented) == (case in DECLINES)
    with np.errstate(all="ignore"):
        want = np.asarray(kern.generic(x, *args))
    got = kern(x, *args)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    if got.dtype.kind == "u":
        bad = ~np.isfinite(x)
        np.testing.assert_array_equal(got[bad], want[bad])
        np.testing.assert_allclose(got, want, atol=1)
    else:
        np.testing.assert_allclose(got, want, equal_nan=True, **TOL)


def test_from_float_gives_no_cast_warning_for_nan():
    x = np.array([[[np.nan, np.inf, -np.inf, 0.5]]], np.float32)
    with np.errstate(invalid="raise"):
        assert FD.from_float.generic(x, "uint8").tolist() == [[[0, 255, 0, 128]]]
        assert FD.from_float(x, "uint8").tolist() == [[[0, 255, 0, 128]]]


# ---------------------------------------------------------------------- values far outside [0, 1]
UNIT_TRANSFORMS = {
    "RandomGamma": lambda: A.RandomGamma(p=1),
    "RandomBrightnessContrast": lambda: A.RandomBrightnessContrast(p=1),
    "Posterize": lambda: A.Posterize(p=1),
    "Solarize": lambda: A.Solarize(p=1),
    "InvertImg": lambda: A.InvertImg(p=1),
    "FromFloat": lambda: A.FromFloat(p=1),
    "ToGray": lambda: A.ToGray(p=1),
    "ToSepia": lambda: A.ToSepia(p=1),
}


def _photo(seed: int = 0, shape: tuple[int, ...] = (8, 9, 3)) -> np.ndarray:
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


@pytest.mark.parametrize(
    "bad,shown",
    [
        (_photo() * 255, r"got values from \S+ to 25\d"),  # a 0-255 float image
        (_photo() - 0.485, r"got values from -0\.4\S* to 0\.5"),  # within the slack: accepted below
        ((_photo() - 0.485) / 0.229, r"got values from -2\.\d+ to 2\.\d+"),  # normalised
        (np.full((4, 5, 3), 1.6, np.float32), "from 1.6 to 1.6"),
    ],
    ids=["0-255", "mean_subtracted", "normalised", "just_over"],
)
@pytest.mark.parametrize("name", sorted(UNIT_TRANSFORMS))
def test_far_out_of_range_float_images_are_refused(xp, name, bad, shown):
    t = UNIT_TRANSFORMS[name]()
    img = xp.asarray(bad)
    if bad.min() >= -UNIT_SLACK and bad.max() <= 1 + UNIT_SLACK:  # within the slack: saturated
        out = xp.to_numpy(t(image=img)["image"])
        assert np.all(out >= 0) and np.all(out <= (255 if name == "FromFloat" else 1))
        return
    if xp.name == "cupy":  # not checked on the device: no sync per call (the batch path must not)
        t(image=img)
        return
    with pytest.raises(ValueError, match=rf"^{name}: expected a float image with values in \[0, 1\]") as info:
        t(image=img)
    assert "ToFloat" in str(info.value) and "255" in str(info.value)
    assert re.search(shown, str(info.value)), str(info.value)


@pytest.mark.parametrize("name", sorted(UNIT_TRANSFORMS))
def test_the_check_in_batches_and_pipelines(name):
    t = UNIT_TRANSFORMS[name]()
    imgs = np.stack([_photo(s) for s in range(4)])
    A.Compose([t]).batch(images=imgs)  # fine
    imgs[2] *= 255
    with pytest.raises(ValueError, match=rf"^{name}: expected a float image"):
        A.Compose([t]).batch(images=imgs)
    # skipped (p=0): the transform does not run, so nothing is checked
    type(t)(p=0)(image=imgs[2])
    # integer images are never checked; non-finite values are not counted
    A.Compose([t])(image=(imgs[0] * 255).astype(np.uint8))
    with_inf = _photo(1)
    with_inf[0, 0] = [np.inf, -np.inf, np.nan]
    A.Compose([t])(image=with_inf)
    with_inf[1:] *= 255  # still a 0-255 image: its finite values say so
    with pytest.raises(ValueError, match=r"got values from \S+ to 2\d\d"):
        A.Compose([t])(image=with_inf)


def test_cubic_interpolation_overshoot_is_accepted():
    """A cubic warp overshoots [0, 1] on edges; the next tone transform accepts and saturates it."""
    img = np.zeros((20, 20, 3), np.float32)
    img[:, 10:] = 1.0
    rotated = A.Rotate(limit=(33, 33), interpolation=2, p=1)(image=img)["image"]
    assert rotated.min() < -0.05 and rotated.max() > 1.05  # the overshoot is real
    pipe = A.Compose([A.Rotate(limit=(33, 33), interpolation=2, p=1), A.RandomGamma(p=1), A.FromFloat(p=1)])
    assert pipe(image=img)["image"].dtype == np.uint8


def test_transforms_without_unit_maths_take_any_scale():
    big = _photo() * 255
    for t in (A.Normalize(p=1), A.ToFloat(max_value=255.0, p=1), A.ChannelShuffle(p=1)):
        t(image=big)


def _plain_problem(x: np.ndarray) -> bool:
    f = x[np.isfinite(x)].astype(np.float64)
    return f.size > 0 and (f.min() < -UNIT_SLACK or f.max() > 1 + UNIT_SLACK)


def test_check_fast_path_agrees_with_the_definition():
    """The uint32-view reduction (fast path) never lets through what the plain definition refuses."""
    edges = np.array(
        [0.0, -0.0, 1.0, 1.5, np.nextafter(np.float32(1.5), np.float32(2)), -0.5,
         np.nextafter(np.float32(-0.5), np.float32(-1)), 1e-45, -1e-45, np.inf, -np.inf, np.nan,
         255.0, -3.0, 3e38, -3e38],
        np.float32,
    )  # fmt: skip
    rng = np.random.default_rng(0)
    cases = [edges[[i]] for i in range(len(edges))]
    for _ in range(400):
        x = rng.random(rng.integers(1, 12), dtype=np.float32) * rng.choice([1.0, 1.5, 2.0, 255.0])
        x[rng.random(x.size) < 0.2] = rng.choice(edges, 1)
        cases.append(x)
    cases += [np.full(3, np.nan, np.float32), np.full(2, np.inf, np.float32), np.zeros(0, np.float32)]
    for x in cases:
        for arr in (x.reshape(1, -1, 1), x.astype(np.float64).reshape(1, -1, 1)):
            try:
                check_unit_range("T", arr)
                refused = False
            except ValueError:
                refused = True
            assert refused == _plain_problem(x), x
    strided = (np.arange(24, dtype=np.float32).reshape(2, 4, 3) / 10)[:, ::2]  # a view, up to 2.3
    with pytest.raises(ValueError, match="from 0 to 2;"):
        check_unit_range("T", strided)


def test_cupy_images_are_not_checked_and_not_synced(cupy):
    if not hasattr(cupy, "STATS"):
        pytest.skip("sync counting needs the CPU harness")
    imgs = cupy.asarray(np.stack([_photo(s) * 255 for s in range(4)]))
    cupy.reset_stats()
    out = A.Compose([t() for t in UNIT_TRANSFORMS.values()], seed=0).batch(images=imgs)["images"]
    assert cupy.STATS["to_host"] == 0, cupy.SYNC_SITES
    assert out.dtype == cupy.uint8
    # the statistics over finite values need no sync either (on the device both are computed)
    x = np.stack([_image(np.inf, (9, 37, 3), s) for s in range(4)])
    for t in (
        A.RandomBrightnessContrast(brightness_by_max=False, p=1),
        A.Normalize(normalization="image_per_channel", p=1),
        A.Normalize(normalization="min_max", p=1),
    ):
        cupy.reset_stats()
        A.Compose([t], seed=0).batch(images=cupy.asarray(x))
        assert cupy.STATS["to_host"] == 0, cupy.SYNC_SITES


# ----------------------------------------------------------- docs/differences.md, both libraries
alb = pytest.importorskip("albumentations")


def _alb(t: Any, x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # albumentations' update check, NumPy's invalid-value warnings
        return t(image=x.copy())["image"]  # a copy: albumentations' min_max_per_channel writes into its input


def test_differences_far_out_of_range_images():
    x255 = _photo() * 255
    assert (_alb(alb.FromFloat(p=1), x255) == 255).mean() > 0.9  # saturates silently
    assert _alb(alb.RandomGamma((120, 120), p=1), x255).max() > 255  # far out of range, silently
    with pytest.raises(ValueError, match="FromFloat: expected a float image"):
        A.FromFloat(p=1)(image=x255)


def test_differences_gamma_and_invert_saturate():
    x = np.array([[[np.inf, -np.inf, 1.2]]], np.float32)
    theirs_gamma = _alb(alb.RandomGamma((200, 200), p=1), x)[0, 0]
    assert theirs_gamma[0] == np.inf and theirs_gamma[1] == np.inf and theirs_gamma[2] > 1
    assert np.isnan(_alb(alb.RandomGamma((50, 50), p=1), x)[0, 0, 1])  # sqrt(-inf)
    np.testing.assert_array_equal(A.RandomGamma((200, 200), p=1)(image=x)["image"][0, 0], [1, 0, 1])
    np.testing.assert_array_equal(A.RandomGamma((50, 50), p=1)(image=x)["image"][0, 0], [1, 0, 1])
    theirs_invert = _alb(alb.InvertImg(p=1), x)[0, 0]
    assert theirs_invert[0] == -np.inf and theirs_invert[1] == np.inf and theirs_invert[2] < 0
    np.testing.assert_array_equal(A.InvertImg(p=1)(image=x)["image"][0, 0], [0, 1, 0])


def test_differences_statistics_skip_non_finite_pixels():
    x = _photo(shape=(10, 12, 3))
    x[0, 0] = np.inf
    t = {"brightness_limit": (0.1, 0.1), "contrast_limit": (0, 0), "brightness_by_max": False, "p": 1}
    theirs = _alb(alb.RandomBrightnessContrast(**t), x)
    assert (theirs == 1).all()  # one +inf pixel: a white image
    ours = A.RandomBrightnessContrast(**t)(image=x)["image"]
    np.testing.assert_allclose(ours[1:], np.clip(x[1:] + 0.1 * x[np.isfinite(x)].mean(), 0, 1), **TOL)
    assert (ours[0, 0] == 1).all()
    theirs = _alb(alb.Normalize(normalization="image", p=1), x)
    assert np.isnan(theirs).all()
    ours = A.Normalize(normalization="image", p=1)(image=x)["image"]
    assert np.isfinite(ours).all() and (ours[0, 0] == 20).all()
    x[0, 0] = np.nan  # a NaN pixel: NaN everywhere in albumentations, in that pixel only in xalbu
    for norm in ("image", "image_per_channel", "min_max", "min_max_per_channel"):
        assert np.isnan(_alb(alb.Normalize(normalization=norm, p=1), x)).all()
        ours = A.Normalize(normalization=norm, p=1)(image=x)["image"]
        assert np.isnan(ours[0, 0]).all() and np.isfinite(ours[1:]).all() and np.isfinite(ours[0, 1:]).all()
    assert np.isnan(_alb(alb.RandomBrightnessContrast(**t), x)).all()
    ours = A.RandomBrightnessContrast(**t)(image=x)["image"]
    assert np.isnan(ours[0, 0]).all() and np.isfinite(ours[1:]).all()


def test_differences_posterize_float():
    x = np.array([[[1.0, 0.3, np.nan]]], np.float32)
    np.testing.assert_allclose(_alb(alb.Posterize(4, p=1), x)[0, 0], [240 / 255, 64 / 255, 0], atol=1e-6)
    np.testing.assert_allclose(A.Posterize(4, p=1)(image=x)["image"][0, 0], [1.0, 0.25, np.nan])


def test_same_as_albumentations_where_it_saturates():
    """RandomBrightnessContrast (by max, and contrast -1), Solarize and FromFloat: the same results."""
    x = _photo(shape=(6, 7, 3))
    x[0, 0] = [np.inf, -np.inf, np.nan]
    for ours, theirs in (
        (
            A.RandomBrightnessContrast((0.1, 0.1), (0.2, 0.2), p=1),
            alb.RandomBrightnessContrast((0.1, 0.1), (0.2, 0.2), p=1),
        ),
        (
            A.RandomBrightnessContrast((0.1, 0.1), (-1, -1), p=1),
            alb.RandomBrightnessContrast((0.1, 0.1), (-1, -1), p=1),
        ),
        (A.Solarize((0.5, 0.5), p=1), alb.Solarize((0.5, 0.5), p=1)),
        (A.FromFloat("uint8", p=1), alb.FromFloat("uint8", p=1)),
        (A.FromFloat("uint16", p=1), alb.FromFloat("uint16", p=1)),
        (A.Normalize(p=1), alb.Normalize(p=1)),
    ):
        a, b = ours(image=x)["image"], _alb(theirs, x)
        assert a.dtype == b.dtype
        np.testing.assert_allclose(
            a.astype(np.float64), b.astype(np.float64), rtol=1e-5, atol=1e-5, equal_nan=True
        )
