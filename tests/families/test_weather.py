"""Weather: the host geometry (OpenCV's 4-connected lines and filled circles, bit for bit), the kernels
of ``xalbu.functional.weather`` (golden values on every backend, numpy_cv2 and CuPy parity, equality
with albumentations' functions on the same parameters) and the transforms RandomRain, RandomFog,
RandomSnow and RandomGravel (sampling as albumentations draws, RGB and dtype rules, argument checks,
targets other than the image untouched).
"""

from __future__ import annotations

import albumentations as AA
import albumentations.augmentations.pixel.functional as AF
import cv2
import numpy as np
import pytest
import xalbu.backends.numpy_cv2  # noqa: F401 - registers the overrides

import xalbu as A
from xalbu.functional import _random as R
from xalbu.functional import _weather_geometry as G
from xalbu.functional import weather as W
from xalbu.transforms.weather import _fog_bound, _fog_counts

COLOR = (200, 190, 180)


def _img(seed: int, shape: tuple[int, ...] = (40, 52, 3), dtype: str = "uint8") -> np.ndarray:
    r = np.random.default_rng(seed)
    img = r.integers(0, 256, shape, dtype=np.uint8)
    return img if dtype == "uint8" else (img / np.float32(255)).astype(np.float32)


def _np(xp, out) -> np.ndarray:  # noqa: ANN001
    return np.asarray(xp.to_numpy(out))


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))


# ----------------------------------------------------------------------------- geometry (host)
def test_line4_pixels_are_opencvs():
    """Random segments, many leaving the image (clipped first, as OpenCV does): the same pixels."""
    r = np.random.default_rng(0)
    for _ in range(400):
        h, w = (int(v) for v in r.integers(4, 30, 2))
        x1, y1 = int(r.integers(-4, w + 4)), int(r.integers(-4, h + 4))
        x2, y2 = int(r.integers(-12, w + 12)), int(r.integers(-4, h + 4))
        ref = np.zeros((h, w), np.uint8)
        cv2.line(ref, (x1, y1), (x2, y2), 1, 1, lineType=cv2.LINE_4)
        _, x, y = G.line4_pixels(np.array([x1]), np.array([y1]), np.array([x2]), np.array([y2]), h, w)
        got = np.zeros((h, w), np.uint8)
        got[y, x] = 1
        np.testing.assert_array_equal(got, ref, err_msg=str((h, w, x1, y1, x2, y2)))


def test_circle_spans_are_opencvs():
    r = np.random.default_rng(1)
    for _ in range(300):
        h, w, rad = int(r.integers(3, 30)), int(r.integers(3, 30)), int(r.integers(0, 14))
        cx, cy = int(r.integers(-4, w + 4)), int(r.integers(-4, h + 4))
        ref = np.zeros((h, w), np.uint8)
        cv2.circle(ref, (cx, cy), rad, 1, -1)
        s, e = G.circle_spans(np.array([0]), np.array([cx]), np.array([cy]), np.array([rad]), h, w)
        k = np.arange(h * w)
        got = np.searchsorted(s, k, "right") - np.searchsorted(e, k, "left")
        np.testing.assert_array_equal(got.reshape(h, w), ref, err_msg=str((h, w, cx, cy, rad)))


# ----------------------------------------------------------------------------- rain
@pytest.mark.golden.with_args(W.rain)
def test_rain_golden_values(xp):
    img = np.full((6, 4, 3), 10, np.uint8)
    # one vertical streak from (1, 0) to (1, 4), no blur, brightness 0.5 (10 -> 5, 210 -> 105)
    out = _np(xp, W.rain(xp.asarray(img), np.array([[1, 0]]), 0.0, 4, 1, (200, 200, 200), 1, 0.5))
    expected = np.full((6, 4), 5)
    expected[0:5, 1] = 105
    np.testing.assert_array_equal(out[..., 0], expected)
    # a 3x3 box blur of the same streak: 600 / 9 = 66.7 -> 67 on it and beside it; column 0 reads
    # column 1 twice (reflect-101): 1200 / 9 = 133.3 -> 133
    out = _np(
        xp, W.rain(xp.asarray(np.zeros((6, 4, 3), np.uint8)), np.array([[1, 0]]), 0.0, 4, 1, COLOR, 3, 1.0)
    )
    assert out[2, :, 0].tolist() == [133, 67, 67, 0]
    # slant 2.7 -> the end's x is int(1 + 2.7) = 3; a 4-connected line from (1, 0) to (3, 4)
    out = _np(
        xp, W.rain(xp.asarray(np.zeros((6, 4, 3), np.uint8)), np.array([[1, 0]]), 2.7, 4, 1, COLOR, 1, 1.0)
    )
    assert np.argwhere(out[..., 0]).tolist() == [[0, 1], [1, 1], [1, 2], [2, 2], [3, 2], [3, 3], [4, 3]]
    # no drop (padding rows only): the image unchanged, even with brightness 0.5
    pad = np.full((1, 2), -1)
    np.testing.assert_array_equal(_np(xp, W.rain(xp.asarray(img), pad, 0.0, 4, 1, COLOR, 7, 0.5)), img)
    # a batch with per-sample slants and brightness: each sample as alone
    imgs = np.stack([_img(1, (10, 9, 3)), _img(2, (10, 9, 3))])
    drops = np.array([[[2, 1], [6, 3]], [[0, 0], [8, 2]]])
    got = _np(
        xp, W.rain(xp.asarray(imgs), drops, np.array([-3.5, 2.0]), 5, 1, COLOR, 3, np.array([0.7, 1.0]))
    )
    for i, (s, b) in enumerate(((-3.5, 0.7), (2.0, 1.0))):
        one = _np(xp, W.rain(xp.asarray(imgs[i]), drops[i], s, 5, 1, COLOR, 3, b))
        np.testing.assert_array_equal(got[i], one)


@pytest.mark.parity.with_args("numpy_cv2", W.rain)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_rain_numpy_override_matches_generic(dtype):
    """Equal for 1-pixel streaks and vertical wide ones; slanted wide ones differ along their edges
    (OpenCV fills a polygon, the generic kernel repeats the 1-pixel streak across the width): fewer
    than 1 streak pixel in 4."""
    r = np.random.default_rng(3)
    imgs = np.stack([_img(s, dtype=dtype) for s in range(3)])
    drops = r.integers((0, 0), (52, 34), (3, 15, 2))
    args = (drops, np.array([-9.5, 0.0, 7.2]), 6, 1, COLOR, 7, np.array([0.7, 0.9, 1.0]))
    got = W.rain(imgs, *args)
    np.testing.assert_array_equal(got, W.rain.generic(imgs, *args))
    black = np.zeros_like(imgs)
    for width in (2, 3, 5):
        wide = (drops, np.array([-9.5, 0.0, 7.2]), 6, width, COLOR, 1, 1.0)
        a, b = W.rain(black, *wide).any(-1), W.rain.generic(black, *wide).any(-1)
        assert np.array_equal(a[1], b[1])  # slant 0
        assert np.count_nonzero(a != b) < 0.25 * np.count_nonzero(a)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("width", [1, 2, 3])
def test_rain_equals_albumentations(dtype, width):
    img = _img(4, dtype=dtype)
    drops = np.random.default_rng(5).integers((0, 0), (52, 34), (17, 2))
    for slant, blur, bright in ((-7.3, 7, 0.7), (4.6, 4, 1.0), (9.9, 1, 0.5)):
        ref = AF.add_rain(img, slant, 6, width, COLOR, blur, bright, drops)
        np.testing.assert_array_equal(W.rain(img, drops, slant, 6, width, COLOR, blur, bright), ref)
        if width == 1:  # the generic kernel too
            np.testing.assert_array_equal(
                W.rain.generic(img, drops, slant, 6, width, COLOR, blur, bright), ref
            )


def test_random_rain_sampling_and_albumentations_output():
    """Drop counts per rain type, drop length, positions in range; the output is albumentations' on
    the parameters drawn."""
    img = _img(6, (48, 60, 3))
    for rain_type, count in (("drizzle", 12), ("heavy", 48), ("torrential", 96), ("default", 16)):
        t = A.RandomRain(rain_type=rain_type, slant_range=(-20, 20), p=1)
        params = t.sample(np.random.default_rng(0), (48, 60), None)
        assert params.drops.shape == (count, 2) and params.drop_length == 6
        assert (
            (params.drops[:, 0] < 60).all()
            and (params.drops[:, 1] < 48 - 6).all()
            and params.drops.min() >= 0
        )
        ref = AA.RandomRain(rain_type=rain_type).apply(
            img, slant=params.slant, drop_length=6, rain_drops=params.drops.astype(np.int32)
        )
        np.testing.assert_array_equal(t.apply_image(img, params), ref)
    batch = A.RandomRain(drop_length=10, p=1).sample(np.random.default_rng(1), (48, 60), 4)
    assert batch.drops.shape == (4, 16, 2) and batch.drop_length == 10 and np.ptp(batch.slant) > 0


# ----------------------------------------------------------------------------- fog
@pytest.mark.golden.with_args(W.fog)
def test_fog_golden_values(xp):
    """One circle of radius 1 (a plus sign) blended with a = 0.5: 0 -> round(127.5) = 128 (half to
    even in float32: 127.5 -> 128); two circles: 128 -> round(191.5) = 192; then a 3x3 Gaussian
    (taps 1/4, 1/2, 1/4)."""
    tables = W.fog_tables(1.0, 0.5, 1)
    assert tables[0, 1, 0] == 128 and tables[0, 2, 0] == 192 and tables[0, -1, 0] == 254  # 254.5 -> 254
    img = np.zeros((5, 5, 3), np.uint8)
    out = _np(xp, W.fog(xp.asarray(img), np.array([[2, 2, 1]]), 1.0, 0.5))
    plus = np.zeros((5, 5))
    plus[2, 1:4] = plus[1:4, 2] = 128
    taps = np.array([0.25, 0.5, 0.25])
    pad = np.pad(plus, 1, mode="reflect")
    rows = sum(t * pad[:, i : i + 5] for i, t in enumerate(taps))
    ref = sum(t * rows[i : i + 5, :] for i, t in enumerate(taps))
    assert _diff(out[..., 0], np.round(ref)).max() <= 1
    assert out[2, 2, 0] == 96 and out[0, 0, 0] == 0  # rows: 128 at the centre row, 64 above and below
    # a padding particle (radius -1) draws nothing: only the blur
    same = _np(xp, W.fog(xp.asarray(np.full((5, 5, 3), 40, np.uint8)), np.array([[2, 2, -1]]), 1.0, 0.5))
    assert (same == 40).all()


@pytest.mark.parity.with_args("numpy_cv2", W.fog)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_fog_numpy_override_matches_generic(dtype):
    """The blend is exact on both; the blur differs by at most a level (OpenCV's fixed point on uint8)."""
    r = np.random.default_rng(7)
    imgs = np.stack([_img(s, dtype=dtype) for s in range(3)])
    parts = np.concatenate([r.integers(-3, 55, (3, 60, 2)), r.integers(1, 7, (3, 60, 1))], axis=2)
    parts[2, 30:, 2] = -1
    got = W.fog(imgs, parts, np.array([0.3, 0.9, 0.6]), 0.08)
    tol = 1 if dtype == "uint8" else 1 / 255 + 1e-7
    assert _diff(got, W.fog.generic(imgs, parts, np.array([0.3, 0.9, 0.6]), 0.08)).max() <= tol


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_fog_equals_albumentations(dtype):
    img = _img(8, dtype=dtype)
    r = np.random.default_rng(9)
    pos = [(int(a), int(b)) for a, b in r.integers(-3, 55, (200, 2))]
    rad = [int(v) for v in r.integers(1, 6, 200)]
    parts = np.array([[x, y, q] for (x, y), q in zip(pos, rad, strict=True)])
    for intensity, alpha in ((0.6, 0.08), (1.0, 0.3)):
        ref = AF.add_fog(img, intensity, alpha, pos, rad)
        np.testing.assert_array_equal(W.fog(img, parts, intensity, alpha), ref)
        tol = 1 if dtype == "uint8" else 1 / 255 + 1e-7
        assert _diff(W.fog.generic(img, parts, intensity, alpha), ref).max() <= tol


@pytest.mark.parametrize("intensity", [0.05, 0.3, 0.77, 1.0])
def test_random_fog_draws_albumentations_particle_counts(intensity):
    """Particle counts and radius ranges are albumentations' for the same intensity; positions lie in
    the regions; the padding is fixed per image size (the largest count over the range)."""
    h, w = 60, 90
    ref = AA.RandomFog(fog_coef_range=(intensity, intensity))
    ref.set_random_seed(0)
    drawn = ref.get_params_dependent_on_data({"shape": (h, w)}, {})
    t = A.RandomFog(fog_coef_range=(intensity, intensity), p=1)
    params = t.sample(np.random.default_rng(0), (h, w), None)
    real = params.particles[params.particles[:, 2] >= 0]
    assert len(real) == len(drawn["particle_positions"]) == _fog_counts(h, w, np.array([intensity]))[0].sum()
    assert params.particles.shape == (max(_fog_bound(h, w, intensity, intensity), 1), 3)
    if len(real):
        big = max(2, int(min(h, w) * 0.1 * intensity))
        assert real[:, 2].min() >= max(1, big // 2) and real[:, 2].max() < big
        assert real[:, 0].min() >= w // 2 - w // 2 and real[:, 0].max() <= w // 2 + w // 2
    out = t.apply_image(_img(3, (h, w, 3)), params)
    ref_out = AF.add_fog(_img(3, (h, w, 3)), intensity, 0.08, real[:, :2].tolist(), real[:, 2].tolist())
    np.testing.assert_array_equal(out, ref_out)


def test_random_fog_batch_padding_is_fixed():
    t = A.RandomFog(fog_coef_range=(0.1, 0.9), p=1)
    a = t.sample(np.random.default_rng(0), (30, 40), 5)
    b = t.sample(np.random.default_rng(1), (30, 40), 2)
    assert a.particles.shape[1:] == b.particles.shape[1:] == (_fog_bound(30, 40, 0.1, 0.9), 3)


# ----------------------------------------------------------------------------- snow
@pytest.mark.golden.with_args(W.snow_bleach)
def test_snow_bleach_golden_values(xp):
    """Gray 100 has L = 100 < 255 * 0.2 / 2 + 85 = 110.5: L * 2 = 200; gray 120 stays; red (255, 0, 0)
    has L = 127.5 -> 128, above the threshold, but the round trip gives (255, 1, 1) (OpenCV's)."""
    img = np.array([[[100, 100, 100], [120, 120, 120], [255, 0, 0]]], np.uint8)
    out = _np(xp, W.snow_bleach(xp.asarray(img), 0.2, 2.0))
    assert out.tolist() == [[[200, 200, 200], [120, 120, 120], [255, 1, 1]]]
    batch = _np(xp, W.snow_bleach(xp.asarray(np.stack([img, img])), np.array([0.2, 0.0]), 2.0))
    assert batch[0].tolist() == out.tolist() and batch[1, 0, 0].tolist() == [100, 100, 100]  # 100 >= 85
    assert batch[1, 0, 1].tolist() == [120, 120, 120]


@pytest.mark.parity.with_args("numpy_cv2", W.snow_bleach)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_snow_bleach_numpy_override_matches_generic(dtype):
    """The generic HLS conversion rounds like OpenCV's but for about 1 colour in 30000 (a level of
    H, L or S, which the conversion back can turn into a few levels): few pixels, within 6 levels."""
    imgs = np.stack([_img(s, (64, 64, 3), dtype) for s in range(3)])
    got = W.snow_bleach(imgs, np.array([0.1, 0.5, 0.9]), 2.5)
    d = _diff(got, W.snow_bleach.generic(imgs, np.array([0.1, 0.5, 0.9]), 2.5))
    scale = 255 if dtype == "float32" else 1
    assert d.max() * scale <= 6.001 and np.count_nonzero(d) <= d.size // 1000


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_snow_bleach_equals_albumentations(dtype):
    img = _img(10, dtype=dtype)
    for point, coeff in ((0.1, 2.5), (0.6, 1.3), (1.0, 4.0)):
        np.testing.assert_array_equal(W.snow_bleach(img, point, coeff), AF.add_snow_bleach(img, point, coeff))


def _texture_reference(img: np.ndarray, point: float, coeff: float, seed: int, wrap: bool) -> np.ndarray:
    """albumentations' ``add_snow_texture`` steps on our fields (``wrap``: its ``astype(uint8)``)."""
    h, w = img.shape[:2]
    bits = R.philox_u16(img, seed, 2 * h * w)
    tex = R.normal_table()[bits[: h * w]].reshape(h, w).astype(np.float64) * 0.3 + 0.5
    tex = cv2.GaussianBlur(tex, (0, 0), sigmaX=1, sigmaY=1)  # generate_snow_textures' blur
    sparkle = R.unit_table()[bits[h * w :]].reshape(h, w) > 0.99
    if wrap:
        return AF.add_snow_texture(img, point, coeff, tex, sparkle)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 2] = np.clip(hsv[..., 2] * (1 + coeff * point), 0, 255)
    tex = cv2.GaussianBlur(tex, (0, 0), sigmaX=1, sigmaY=1) * np.linspace(1, 0.2, h)[:, None]
    hsv = cv2.add(hsv, (np.dstack([tex] * 3) * 255 * point).astype(np.float32))
    hsv = cv2.addWeighted(hsv, 0.85, np.full_like(hsv, (0.6, 0.75, 1)), 0.15 * point, 0)
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)
    out[sparkle] = 255
    return out


@pytest.mark.golden.with_args(W.snow_texture)
def test_snow_texture_golden_values(xp):
    """The fields: the texture is the normal table's values at the seed's bits, blurred twice
    (float64, sigma 1, size 9); the sparkles where the unit table's values pass 0.99. The image:
    albumentations' steps (saturated) on those fields, within a level (HSV -> RGB in float32)."""
    tex, sparkle = W.snow_fields(np.zeros((1, 1, 3), np.uint8), 5, 12, 10)
    bits = R.philox_u16(np.zeros(1), 5, 240)
    raw = R.normal_table()[bits[:120]].reshape(12, 10).astype(np.float64) * 0.3 + 0.5
    ref = cv2.GaussianBlur(cv2.GaussianBlur(raw, (0, 0), 1), (0, 0), 1)
    np.testing.assert_allclose(tex, ref, atol=1e-12)
    np.testing.assert_array_equal(sparkle, R.unit_table()[bits[120:]].reshape(12, 10) > 0.99)
    img = _img(20, (24, 30, 3))
    for point in (0.0, 0.3, 0.9):
        out = _np(xp, W.snow_texture(xp.asarray(img), point, 2.5, 77))
        assert _diff(out, _texture_reference(img, point, 2.5, 77, wrap=False)).max() <= 1
    batch = _np(
        xp,
        W.snow_texture(
            xp.asarray(np.stack([img, img])), np.array([0.3, 0.9]), 2.5, np.array([77, 78], np.uint64)
        ),
    )
    np.testing.assert_array_equal(batch[0], _np(xp, W.snow_texture(xp.asarray(img), 0.3, 2.5, 77)))


@pytest.mark.parity.with_args("numpy_cv2", W.snow_texture)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_snow_texture_numpy_override_matches_generic(dtype):
    """Within a level (OpenCV's 8-bit HSV -> RGB against the generic's float32 one), on few pixels."""
    imgs = np.stack([_img(s, (32, 40, 3), dtype) for s in range(3)])
    args = (np.array([0.1, 0.5, 0.9]), 2.5, np.array([1, 2, 3], np.uint64))
    d = _diff(W.snow_texture(imgs, *args), W.snow_texture.generic(imgs, *args))
    scale = 255 if dtype == "float32" else 1
    assert d.max() * scale <= 1.001 and np.count_nonzero(d) <= d.size // 100


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_snow_texture_equals_albumentations_without_overflow(dtype):
    """Where no H, S or V value leaves [0, 255] (a small snow point), equal to albumentations."""
    img = _img(21, dtype=dtype)
    ref_in = _img(21)
    ref = _texture_reference(ref_in, 0.1, 2.5, 9, wrap=True)
    got = W.snow_texture(img, 0.1, 2.5, 9)
    np.testing.assert_array_equal(got if dtype == "uint8" else np.rint(got * 255).astype(np.uint8), ref)


def test_differences_snow_texture_saturates_where_albumentations_wraps():
    """albumentations casts the tinted HSV values to uint8 with ``astype``: a V above 255 wraps
    around to a dark value (black pixels in bright snow). xalbu saturates at 255."""
    img = np.full((16, 16, 3), 250, np.uint8)
    wrapped = _texture_reference(img, 0.9, 2.5, 3, wrap=True)
    got = W.snow_texture(img, 0.9, 2.5, 3)
    np.testing.assert_array_equal(got, _texture_reference(img, 0.9, 2.5, 3, wrap=False))
    assert wrapped.min() < 70 and got.min() > 120  # bright gray stays bright (S and H saturate too)


def test_random_snow_texture_draws_a_seed_per_sample():
    t = A.RandomSnow(method="texture", p=1)
    one = t.sample(np.random.default_rng(0), (8, 8), None)
    many = t.sample(np.random.default_rng(0), (8, 8), 3)
    assert isinstance(one.seed, int) and many.seed.dtype == np.uint64 and len(set(many.seed.tolist())) == 3
    img = _img(22, (20, 24, 3))
    assert not np.array_equal(t.apply_image(img, one), img)


# ----------------------------------------------------------------------------- gravel
@pytest.mark.golden.with_args(W.gravel)
def test_gravel_golden_values(xp):
    """Gray keeps its level through HLS (S = 0); a rectangle sets L: later rectangles win."""
    img = np.full((4, 5, 3), 100, np.uint8)
    rects = np.array([[0, 2, 0, 3, 30], [1, 3, 2, 4, 200], [0, 0, 0, 0, 0]])
    out = _np(xp, W.gravel(xp.asarray(img), rects))[..., 0]
    assert out.tolist() == [
        [30, 30, 30, 100, 100],
        [30, 30, 200, 200, 100],
        [100, 100, 200, 200, 100],
        [100, 100, 100, 100, 100],
    ]
    batch = _np(xp, W.gravel(xp.asarray(np.stack([img, img])), np.stack([rects, np.zeros_like(rects)])))
    assert batch[0, ..., 0].tolist() == out.tolist() and (batch[1] == 100).all()


@pytest.mark.parity.with_args("numpy_cv2", W.gravel)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_gravel_numpy_override_matches_generic(dtype):
    """As snow: the generic HLS conversion is off by a level for rare colours."""
    imgs = np.stack([_img(s, (64, 64, 3), dtype) for s in range(3)])
    r = np.random.default_rng(11)
    y, x = r.integers(0, 60, (3, 20)), r.integers(0, 60, (3, 20))
    rects = np.stack([y, y + 3, x, x + 4, r.integers(0, 256, (3, 20))], axis=-1)
    d = _diff(W.gravel(imgs, rects), W.gravel.generic(imgs, rects))
    scale = 255 if dtype == "float32" else 1
    assert d.max() * scale <= 6.001 and np.count_nonzero(d) <= d.size // 1000


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_random_gravel_equals_albumentations_on_its_draws(dtype):
    img = _img(12, (200, 240, 3), dtype)
    t = A.RandomGravel(gravel_roi=(0.1, 0.2, 0.9, 0.9), number_of_patches=4, p=1)
    params = t.sample(np.random.default_rng(0), (200, 240), None)
    real = params.rects[params.rects[:, 1] > params.rects[:, 0]]
    assert len(real) > 0 and params.rects.shape == (4 * ((192 // 5) * (140 // 5) // 100), 5)
    assert (real[:, 4] <= 255).all() and (real[:, 1] - real[:, 0] <= 6).all()
    np.testing.assert_array_equal(t.apply_image(img, params), AF.add_gravel(img, real))


@pytest.mark.parity.with_args("numpy_cv2", W.gravel)
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_gravel_override_one_image_equals_its_batch_path(dtype):
    """One image takes slice writes in order; a batch one indexed write: the same pixels, with
    squares past the borders, overlapping ones (the later wins) and values outside [0, 255]."""
    img = _img(14, (30, 34, 3), dtype)
    r = np.random.default_rng(3)
    y, x = r.integers(-4, 32, 40), r.integers(-4, 36, 40)
    rects = np.stack([y, y + r.integers(0, 7, 40), x, x + r.integers(0, 7, 40), r.integers(-20, 280, 40)], -1)
    rects[-5:] = 0  # padding rows
    one, batch = W.gravel(img, rects), W.gravel(img[None], rects[None])
    assert one.dtype == img.dtype and one.shape == img.shape
    np.testing.assert_array_equal(one, batch[0])
    assert not np.array_equal(one, W.gravel(img, rects[:0].reshape(0, 5)))


@pytest.mark.parametrize("roi", [(0.1, 0.4, 0.9, 0.9), (0.0, 0.0, 1.0, 1.0), (0.3, 0.2, 0.5, 0.35)])
@pytest.mark.parametrize("size", [(64, 80), (256, 256), (700, 900)])
def test_random_gravel_one_image_draws_equal_the_batch_path(roi, size):
    """One image's rows come from Python numbers (few particles) or NumPy (many): both give the
    batch path's rows for a batch of one, and leave the stream at the same place."""
    for k in (1, 3, 6):
        t = A.RandomGravel(gravel_roi=roi, number_of_patches=k, p=1)
        for seed in range(4):
            a, b = np.random.default_rng(seed), np.random.default_rng(seed)
            one, batch = t.sample(a, size, None).rects, t.sample(b, size, 1).rects
            assert one.dtype == np.int64 and one.shape == batch.shape[1:]
            np.testing.assert_array_equal(one, batch[0])
            assert a.random() == b.random()


# ----------------------------------------------------------------------------- CuPy (harness or GPU)
@pytest.mark.gpu
def test_weather_kernels_run_on_cupy_as_generic(cupy):
    """No CuPy overrides: the generic kernels run on CuPy arrays, batches in one pass. Equal but for
    fog's final blur (CuPy's override of the shared separable filter: within a level)."""
    imgs = np.stack([_img(s, (20, 24, 3)) for s in range(2)])
    d = cupy.asarray(imgs)
    drops = np.array([[[3, 1], [10, 4]], [[20, 0], [5, 9]]])
    cases = [
        (W.rain, (drops, np.array([2.5, -4.0]), 5, 1, COLOR, 3, np.array([0.7, 1.0]))),
        (W.fog, (np.array([[[10, 10, 3], [4, 4, 2]], [[12, 6, 4], [0, 0, -1]]]), np.array([0.5, 1.0]), 0.2)),
        (W.snow_bleach, (np.array([0.2, 0.7]), 2.0)),
        (W.gravel, (np.array([[[2, 5, 3, 6, 20]], [[0, 4, 0, 4, 250]]]),)),
        (W.snow_texture, (np.array([0.3, 0.8]), 2.5, np.array([5, 6], np.uint64))),
        (W.atmospheric_fog, (np.array([1.0, 2.5]), (200, 190, 180), "radial")),
    ]
    for k, args in cases:
        got = k(d, *args)
        assert isinstance(got, cupy.ndarray)
        assert _diff(cupy.asnumpy(got), k.generic(imgs, *args)).max() <= (1 if k is W.fog else 0), k


# ----------------------------------------------------------------------------- transforms
@pytest.mark.parametrize("name", ["RandomRain", "RandomFog", "RandomSnow", "RandomGravel"])
def test_only_rgb_uint8_and_float32_images(name):
    t = getattr(A, name)(p=1)
    with pytest.raises(ValueError, match=rf"{name}: needs an RGB image \(3 channels\), got 1 channel"):
        t(image=np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match="got 4 channel"):
        t(image=np.zeros((8, 8, 4), np.uint8))
    with pytest.raises(TypeError, match="image dtype uint16"):
        t(image=np.zeros((8, 8, 3), np.uint16))
    with pytest.raises(ValueError, match="values in \\[0, 1\\]"):
        t(image=np.full((8, 8, 3), 200.0, np.float32))


@pytest.mark.parametrize("name", ["RandomRain", "RandomFog", "RandomSnow", "RandomGravel"])
def test_masks_boxes_and_keypoints_pass_through(name):
    img, mask = _img(13, (48, 64, 3)), np.random.default_rng(0).integers(0, 3, (48, 64), dtype=np.uint8)
    pipe = A.Compose(
        [getattr(A, name)(p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=3,
    )
    out = pipe(image=img, mask=mask, bboxes=[[1, 2, 30, 40]], labels=["a"], keypoints=[[5, 6]])
    np.testing.assert_array_equal(out["mask"], mask)
    np.testing.assert_allclose(out["bboxes"], [[1, 2, 30, 40]])
    np.testing.assert_allclose(out["keypoints"], [[5, 6]])
    assert not np.array_equal(out["image"], img)


@pytest.mark.parametrize(
    ("cls", "kwargs", "pattern"),
    [
        (A.RandomRain, {"slant_range": (-50, 0)}, r"slant_range\[0\]"),
        (A.RandomRain, {"slant_range": (5, -5)}, "slant_range: expected low <= high"),
        (A.RandomRain, {"drop_width": 0}, "drop_width"),
        (A.RandomRain, {"blur_value": 0}, "blur_value"),
        (A.RandomRain, {"brightness_coefficient": 0}, "brightness_coefficient"),
        (A.RandomRain, {"brightness_coefficient": 1.5}, "brightness_coefficient"),
        (A.RandomRain, {"rain_type": "storm"}, "rain_type"),
        (A.RandomRain, {"drop_color": (1, 2)}, "drop_color"),
        (A.RandomRain, {"drop_length": 2.5}, "drop_length"),
        (A.RandomFog, {"alpha_coef": 1.5}, "alpha_coef"),
        (A.RandomFog, {"fog_coef_range": (0.5, 1.2)}, r"fog_coef_range\[1\]"),
        (A.RandomFog, {"fog_coef_range": (float("nan"), 1)}, "fog_coef_range"),
        (A.RandomSnow, {"brightness_coeff": 0}, "brightness_coeff"),
        (A.RandomSnow, {"snow_point_range": (-0.1, 0.3)}, "snow_point_range"),
        (A.RandomSnow, {"method": "powder"}, "method"),
        (A.RandomGravel, {"gravel_roi": (0.5, 0.1, 0.4, 0.9)}, "gravel_roi"),
        (A.RandomGravel, {"gravel_roi": (0.1, 0.1, 0.9)}, "gravel_roi"),
        (A.RandomGravel, {"number_of_patches": 0}, "number_of_patches"),
        (A.RandomGravel, {"number_of_patches": True}, "number_of_patches"),
    ],
)
def test_bad_arguments_name_the_argument(cls, kwargs, pattern):
    with pytest.raises((TypeError, ValueError), match=pattern):
        cls(**kwargs)


def test_rain_drop_length_longer_than_the_image_is_refused():
    with pytest.raises(ValueError, match="drop_length 20 leaves no room"):
        A.RandomRain(drop_length=20, p=1)(image=np.zeros((16, 16, 3), np.uint8))
    # too small for any drop: the image comes back unchanged (albumentations' rule)
    img = _img(1, (2, 8, 3))
    np.testing.assert_array_equal(A.RandomRain(p=1)(image=img)["image"], img)


# ----------------------------------------------------------------------------- atmospheric fog
@pytest.mark.golden.with_args(W.atmospheric_fog)
def test_atmospheric_fog_golden_values(xp):
    """t = exp(-density * depth): uint8 black with fog 200 gives 200 (1 - t), rounded; float32 the
    same over 255; a batch takes one density per sample (0: the input)."""
    img = np.zeros((3, 3, 1), np.uint8)
    t = np.exp(-np.array([1.0, 0.5, 0.0]))  # linear depth 1, 0.5, 0 down the rows
    out = _np(xp, W.atmospheric_fog(xp.asarray(img), 1.0, (200,), "linear"))
    assert out[:, 0, 0].tolist() == np.round(200 * (1 - t)).astype(int).tolist() == [126, 79, 0]
    diag = _np(xp, W.atmospheric_fog(xp.asarray(img), 2.0, (100,), "diagonal"))[..., 0]
    assert diag[0, 0] == round(100 * (1 - np.exp(-2))) and diag[2, 2] == 0 and diag[0, 2] == diag[2, 0]
    radial = _np(xp, W.atmospheric_fog(xp.asarray(img), 2.0, (100,), "radial"))[..., 0]
    assert radial[1, 1] == 0 and radial[0, 0] == radial[2, 2] == round(100 * (1 - np.exp(-2)))
    f = _np(xp, W.atmospheric_fog(xp.asarray(np.zeros((3, 1, 3), np.float32)), 1.0, (255, 0, 51), "linear"))
    np.testing.assert_allclose(f[:, 0, 0], 1 - t, atol=1e-6)
    np.testing.assert_allclose(f[:, 0, 2], (1 - t) * 0.2, atol=1e-6)
    both = np.stack([_img(1, (4, 5, 3)), _img(2, (4, 5, 3))])
    got = _np(xp, W.atmospheric_fog(xp.asarray(both), np.array([0.0, 1.5]), (200, 200, 200), "radial"))
    np.testing.assert_array_equal(got[0], both[0])
    one = _np(xp, W.atmospheric_fog(xp.asarray(both[1]), 1.5, (200, 200, 200), "radial"))
    np.testing.assert_array_equal(got[1], one)


def test_atmospheric_fog_channels_and_arguments():
    t = A.AtmosphericFog(density_range=(1, 2), fog_color=(10, 20, 30, 40, 50, 60), p=1)
    assert t(image=_img(3, (8, 8, 6)))["image"].shape == (8, 8, 6)
    with pytest.raises(ValueError, match=r"fog_color has 3 value\(s\) but the image has 1 channel"):
        A.AtmosphericFog(p=1)(image=np.zeros((8, 8), np.uint8))
    with pytest.raises(TypeError, match="image dtype uint16"):
        A.AtmosphericFog(p=1)(image=np.zeros((8, 8, 3), np.uint16))
    for kwargs, pattern in (
        ({"density_range": (-1, 2)}, r"density_range\[0\]"),
        ({"fog_color": (300, 0, 0)}, r"fog_color\[0\]"),
        ({"fog_color": 5}, "fog_color"),
        ({"depth_mode": "spiral"}, "depth_mode"),
    ):
        with pytest.raises((TypeError, ValueError), match=pattern):
            A.AtmosphericFog(**kwargs)
    # farther is foggier: linear depth brightens the top of a black image most
    out = A.AtmosphericFog(p=1)(image=np.zeros((20, 4, 3), np.uint8))["image"][:, 0, 0].astype(int)
    assert (np.diff(out) <= 0).all() and out[0] > 100 and out[-1] == 0


from ._weather_spatter import *  # noqa: E402, F403 - Spatter (collected here)
