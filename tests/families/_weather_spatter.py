"""Spatter (weather family): the liquid layer against OpenCV's blur of the same field, the kernel
(golden values on every backend, numpy_cv2 parity, albumentations' functions on the drawn layer), the
mud fallback, and the transform (sampling, arguments, targets, batches)."""

from __future__ import annotations

import albumentations as AA
import albumentations.augmentations.pixel.functional as AF
import cv2
import numpy as np
import pytest
import xalbu.backends.numpy_cv2  # noqa: F401 - registers the overrides

import xalbu as A
from xalbu.functional import _random as R
from xalbu.functional import _spatter as S

RAIN = (238, 238, 175)
MUD = (20, 42, 63)
CASES = [  # seed, mean, std, sigma, cutout, intensity
    (3, 0.65, 0.3, 2.0, 0.68, 0.6),
    (5, 0.5, 0.4, 1.3, 0.6, 0.9),
    (9, 0.3, 0.2, 0.0, 0.7, 0.7),
]


def _img(seed: int, shape: tuple[int, ...] = (40, 52, 3), dtype: str = "uint8") -> np.ndarray:
    img = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    return img if dtype == "uint8" else (img / np.float32(255)).astype(np.float32)


def _np(xp, out) -> np.ndarray:  # noqa: ANN001
    return np.asarray(xp.to_numpy(out))


def _reference_layer(
    h: int, w: int, seed: int, mean: float, std: float, sigma: float, cut: float
) -> np.ndarray:
    """albumentations' liquid layer steps (cv2 blur, cutout) on the seed's normal field."""
    z = R.normal_table()[R.philox_u16(np.zeros(1), seed, h * w)].reshape(h, w).astype(np.float64)
    raw = z * std + mean
    k = int(2 * round(3 * sigma) + 1)
    out = cv2.GaussianBlur(raw, (k, k), sigma, sigmaY=sigma, borderType=cv2.BORDER_REPLICATE)
    out[out < cut] = 0
    return out


def _albumentations(img: np.ndarray, layer: np.ndarray, mode: str, color, cut, sigma, inten) -> np.ndarray:  # noqa: ANN001
    col = np.array(color) / 255.0
    if mode == "rain":
        return AF.spatter_rain(
            img, AF.get_rain_params(liquid_layer=layer, color=col, intensity=inten)["drops"]
        )
    p = AF.get_mud_params(layer, col, cut, sigma, inten, np.random.default_rng(0))
    return AF.spatter_mud(img, p["non_mud"], p["mud"])


def test_liquid_layer_is_opencvs_blur_of_the_seeds_field():
    for seed, mean, std, sigma, cut, _ in CASES:
        got = S.liquid_layer(np.zeros((30, 22, 3), np.uint8), seed, mean, std, sigma, cut)[0]
        np.testing.assert_allclose(got, _reference_layer(30, 22, seed, mean, std, sigma, cut), atol=1e-12)


@pytest.mark.golden.with_args(S.spatter)
def test_spatter_golden_values(xp):
    """Intensity 0 leaves the image as is in both modes; a constant layer (std 0) above the
    threshold covers every pixel with mud: ``v (1 - i) + 255 i c / 255`` (i = 0.5: 100 -> 60 for
    c = 20); rain on a constant layer has no edges: the distance saturates, the mask is 1
    everywhere and every pixel gets ``0.9 i color`` (100 + 0.45 * 238 = 207.1); and albumentations'
    rain on the drawn layer, exactly."""
    img = np.full((10, 12, 3), 100, np.uint8)
    for mode in ("rain", "mud"):
        out = _np(xp, S.spatter(xp.asarray(img), 0.65, 0.3, 2.0, 0.68, 0.0, 7, mode, MUD))
        np.testing.assert_array_equal(out, img)
    out = _np(xp, S.spatter(xp.asarray(img), 0.9, 0.0, 1.0, 0.5, 0.5, 7, "mud", (20, 40, 0)))
    np.testing.assert_array_equal(out[0, 0], [60, 70, 50])
    assert (out == out[0, 0]).all()
    out = _np(xp, S.spatter(xp.asarray(img), 0.9, 0.0, 1.0, 0.5, 0.5, 7, "rain", RAIN))
    np.testing.assert_array_equal(out, np.broadcast_to(np.array([207, 207, 179], np.uint8), img.shape))
    flat = np.full((10, 12), 0.9)
    np.testing.assert_array_equal(out, _albumentations(img, flat, "rain", RAIN, 0.5, 1.0, 0.5))
    src = _img(1, (24, 30, 3))
    layer = _reference_layer(24, 30, 3, 0.65, 0.3, 2.0, 0.68)
    out = _np(xp, S.spatter(xp.asarray(src), 0.65, 0.3, 2.0, 0.68, 0.6, 3, "rain", RAIN))
    np.testing.assert_array_equal(out, _albumentations(src, layer, "rain", RAIN, 0.68, 2.0, 0.6))
    batch = _np(
        xp,
        S.spatter(
            xp.asarray(np.stack([src, src])),
            np.array([0.65, 0.5]),
            np.array([0.3, 0.4]),
            np.array([2.0, 1.3]),
            np.array([0.68, 0.6]),
            np.array([0.6, 0.9]),
            np.array([3, 5], np.uint64),
            "rain",
            RAIN,
        ),
    )
    np.testing.assert_array_equal(batch[0], out)
    np.testing.assert_array_equal(
        batch[1], _np(xp, S.spatter(xp.asarray(src), 0.5, 0.4, 1.3, 0.6, 0.9, 5, "rain", RAIN))
    )


@pytest.mark.parametrize("mode", ["rain", "mud"])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("backend", ["generic", "numpy_cv2"])
def test_spatter_equals_albumentations_on_the_drawn_layer(mode, dtype, backend):
    """albumentations' ``get_rain_params``/``get_mud_params`` and ``spatter_rain``/``spatter_mud``
    on the layer the kernel draws: within a level (uint8), 1e-4 (float32)."""
    img = _img(2, (37, 29, 3), dtype)
    fn = S.spatter.generic if backend == "generic" else S.spatter
    for color in (RAIN, MUD, (0, 100, 255)):
        for seed, mean, std, sigma, cut, inten in CASES:
            layer = _reference_layer(37, 29, seed, mean, std, sigma, cut)
            if mode == "mud":
                assert (layer > cut).any()  # not the fallback (its pixels are xalbu's own draw)
            ref = _albumentations(img, layer, mode, color, cut, sigma, inten)
            got = fn(img, mean, std, sigma, cut, inten, seed, mode, color)
            assert got.dtype == img.dtype
            d = np.abs(got.astype(np.float64) - ref)
            assert d.max() <= (1 if dtype == "uint8" else 1e-4), (color, seed)
            if dtype == "uint8":
                assert np.count_nonzero(d) <= d.size // 50


@pytest.mark.parity.with_args("numpy_cv2", S.spatter)
@pytest.mark.parametrize("mode", ["rain", "mud"])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_spatter_numpy_override_matches_generic(mode, dtype):
    """Within a level (float32 rounding of the same steps), on few pixels; batches included."""
    imgs = np.stack([_img(s, (32, 40, 3), dtype) for s in range(3)])
    args = (
        np.array([0.65, 0.5, 0.2]),
        np.array([0.3, 0.4, 0.1]),
        np.array([2.0, 1.3, 0.0]),
        np.array([0.68, 0.6, 0.9]),
        np.array([0.6, 0.9, 0.5]),
        np.array([3, 5, 11], np.uint64),
        mode,
        MUD if mode == "mud" else RAIN,
    )
    d = np.abs(S.spatter(imgs, *args).astype(np.float64) - S.spatter.generic(imgs, *args))
    scale = 255 if dtype == "float32" else 1
    assert d.max() * scale <= 1.001 and np.count_nonzero(d * scale > 0.5) <= d.size // 100


def test_mud_fallback_covers_ten_percent_of_the_pixels_before_the_blur():
    """No pixel above the threshold: albumentations forces 10% of the pixels (its own draw);
    xalbu takes the 10% with the smallest values of the seed's second field, the same on both paths."""
    img = np.full((20, 30, 3), 200, np.uint8)
    args = (0.1, 0.05, 0.0, 0.9, 1.0, 4, "mud", (0, 0, 0))
    for fn in (S.spatter, S.spatter.generic):
        out = fn(img, *args)
        assert np.count_nonzero(out[..., 0] == 0) == 60  # sigma 0: the chosen pixels turn black
    np.testing.assert_array_equal(S.spatter(img, *args), S.spatter.generic(img, *args))


def test_spatter_samples_a_seed_and_parameters_per_sample():
    t = A.Spatter(mean=(0.5, 0.7), std=(0.1, 0.3), gauss_sigma=(1, 3), intensity=(0.2, 0.8), p=1)
    one = t.sample(np.random.default_rng(0), (8, 8), None)
    many = t.sample(np.random.default_rng(0), (8, 8), 4)
    assert isinstance(one.seed, int) and many.seed.dtype == np.uint64 and len(set(many.seed.tolist())) == 4
    assert 0.5 <= one.mean <= 0.7 and (many.sigma >= 1).all() and (many.sigma <= 3).all()


def test_spatter_arguments_follow_albumentations():
    t = A.Spatter(mean=0.5, std=0.2, gauss_sigma=1.5, cutout_threshold=0.3, intensity=0.4, mode="mud")
    ref = AA.Spatter(mean=0.5, std=0.2, gauss_sigma=1.5, cutout_threshold=0.3, intensity=0.4, mode="mud")
    for name in ("mean", "std", "gauss_sigma", "cutout_threshold", "intensity"):
        assert tuple(getattr(t, name)) == tuple(getattr(ref, name)), name
    assert t.color == tuple(ref.color) == MUD and A.Spatter().color == RAIN


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"mean": (0.2, 1.5)}, "mean"),
        ({"std": -0.1}, "std"),
        ({"intensity": (0.8, 0.2)}, "intensity"),
        ({"gauss_sigma": float("nan")}, "gauss_sigma"),
        ({"mode": "snow"}, "mode"),
        ({"color": (1, 2)}, "color"),
        ({"color": (1, 2, True)}, "color"),
    ],
)
def test_spatter_bad_arguments_name_the_argument(kwargs, pattern):
    with pytest.raises((TypeError, ValueError), match=pattern):
        A.Spatter(**kwargs)


def test_spatter_targets_pass_through_and_rgb_only():
    img = _img(3, (24, 24, 3))
    mask = np.arange(24 * 24, dtype=np.uint8).reshape(24, 24)
    out = A.Compose([A.Spatter(mode="mud", p=1)], seed=1)(image=img, mask=mask)
    np.testing.assert_array_equal(out["mask"], mask)
    with pytest.raises(ValueError, match="3 channels"):
        A.Spatter(p=1)(image=np.zeros((8, 8, 1), np.uint8))
    with pytest.raises(TypeError, match="dtype"):
        A.Spatter(p=1)(image=np.zeros((8, 8, 3), np.uint16))


def test_spatter_declares_its_host_copy():
    assert A.Spatter.host_syncs == 1 and A.Spatter(mode="rain").host_syncs == 1
    assert A.Spatter(mode="mud").host_syncs == 0


def test_spatter_mud_batches_without_syncs(cupy):
    """Mud mode stays on the device: no device-to-host copy for a batch (rain: one, the registry
    test checks it)."""
    imgs = cupy.asarray(np.stack([_img(s, (24, 20, 3)) for s in range(4)]))
    t = A.Compose([A.Spatter(mode="mud", p=1)], seed=3)
    t.batch(images=imgs)
    cupy.reset_stats()
    out = t.batch(images=imgs)["images"]
    assert cupy.STATS["to_host"] == 0 and out.shape == imgs.shape


def test_spatter_batches_match_the_numpy_generic_on_every_backend(xp):
    """A batch (the mud fallback, no blur and a blur; rain) on each namespace: the NumPy generic's
    values within a level."""
    imgs = np.stack([_img(s, (20, 26, 3)) for s in range(3)])
    args = (
        np.array([0.65, 0.1, 0.5]),
        np.array([0.3, 0.05, 0.4]),
        np.array([2.0, 0.0, 1.3]),
        np.array([0.68, 0.9, 0.6]),
        np.array([0.6, 1.0, 0.9]),
        np.array([3, 4, 5], np.uint64),
    )
    for mode, color in (("mud", (0, 42, 63)), ("rain", RAIN)):
        got = _np(xp, S.spatter(xp.asarray(imgs), *args, mode, color))
        ref = S.spatter.generic(imgs, *args, mode, color)
        assert np.abs(got.astype(int) - ref).max() <= 1, mode
