"""Lighting family (RandomShadow, PlasmaShadow, RandomSunFlare, LensFlare): OpenCV's rasterisation emulated
by the generic kernels (polygons, discs), golden values on every backend, override parity with
stated tolerances, albumentations parity on the same parameters, and the transforms' behaviour.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.functional import lighting as L
from xalbu.functional._plasma import plasma_fields

from ._pointwise import run

fp = pytest.importorskip("albumentations.augmentations.pixel.functional")

DTYPES = ("uint8", "uint16", "float32")


def _image(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    img = rng.integers(0, 256, shape).astype(np.uint8)
    if dtype == "uint16":
        return img.astype(np.uint16) * 257
    return img.astype(np.float32) / 255 if dtype == "float32" else img


def _generic(kernel: Any, *args: Any) -> np.ndarray:
    return np.asarray(kernel.generic(*args))


def _circles(rng: np.random.Generator, h: int, w: int, k: int) -> list[tuple[Any, ...]]:
    """albumentations-style flare circles: (alpha, (x, y), rad ** 3, colour)."""
    out = []
    for _ in range(k):
        xy = (int(rng.integers(0, w)), int(rng.integers(-h, 2 * h)))
        color = tuple(int(c) for c in rng.integers(150, 256, 3))
        out.append((float(rng.uniform(0.05, 0.2)), xy, int(rng.integers(1, 5)) ** 3, color))
    return out


def _sun(circles: list[tuple[Any, ...]], src_radius: int) -> tuple[np.ndarray, np.ndarray]:
    """The overlay sun's radii and alphas, as albumentations derives them from the circles."""
    steps = src_radius // 10
    top = sum(a * r for a, _, r, _ in circles) / sum(r for _, _, r, _ in circles) * 5
    s = np.linspace(0.0, min(top, 1.0), num=steps)
    alpha = np.array([s[steps - i - 1] ** 3 for i in range(steps)])
    return np.linspace(1, src_radius, num=steps).astype(np.int64), alpha


def _flat(circles: list[tuple[Any, ...]]) -> tuple[np.ndarray, ...]:
    xy = np.array([c[1] for c in circles]).reshape(-1, 2)
    return xy, np.array([c[2] for c in circles]), np.array([c[3] for c in circles]).reshape(-1, 3)


# ------------------------------------------------------------------------------- rasterisation
def test_polygons_are_opencv_fill_poly():
    rng = np.random.default_rng(0)
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(3, 40, 2))
        nv = int(rng.integers(3, 9))
        v = np.stack([rng.integers(0, w, nv), rng.integers(0, h, nv)], 1)
        want = np.zeros((h, w), np.uint8)
        cv2.fillPoly(want, [v.astype(np.int32)], 1)
        np.testing.assert_array_equal(np.asarray(L.polygons(np, want, v[None], h, w))[0], want.astype(bool))


def test_disks_are_opencv_circles():
    rng = np.random.default_rng(1)
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(3, 40, 2))
        r, cx, cy = int(rng.integers(0, 50)), int(rng.integers(-50, w + 50)), int(rng.integers(-50, h + 50))
        want = np.zeros((h, w), np.uint8)
        cv2.circle(want, (cx, cy), r, 1, -1)
        np.testing.assert_array_equal(
            np.asarray(L.disks(np, want, [cx], [cy], [r], h, w))[0], want.astype(bool)
        )
    assert not np.asarray(L.disks(np, want, [1], [1], [-1], 3, 3)).any()  # negative radius: nothing


# ------------------------------------------------------------------------------------- shadows
# polygon_shadows: exact everywhere (integer rasterisation; float64 floors for integers)
@pytest.mark.golden.with_args(L.polygon_shadows)
def test_polygon_shadows_golden(xp):
    img = np.full((3, 3, 1), 101, np.uint8)
    out = run(xp, L.polygon_shadows, img, "uint8", np.array([[[0, 0], [2, 0], [0, 2]]]), np.array([0.5]))
    assert out[..., 0].tolist() == [[50, 50, 50], [50, 50, 101], [50, 101, 101]]
    # two shadows floor one after the other: 101 -> 50 -> 25; float32 without flooring, clipped
    tri = np.array([[[0, 0], [2, 0], [0, 2]], [[0, 0], [1, 0], [0, 1]]])
    out = run(xp, L.polygon_shadows, img, "uint8", tri, np.array([0.5, 0.5]))
    assert out[0, :2, 0].tolist() == [25, 25] and out[2, 2, 0] == 101
    f = run(
        xp, L.polygon_shadows, np.full((1, 2, 1), 0.5, np.float32), "float32", tri[:1] * 0, np.array([0.3])
    )
    np.testing.assert_allclose(f.ravel(), [0.35, 0.5], rtol=1e-6)


@pytest.mark.parity.with_args("numpy_cv2", L.polygon_shadows)
@pytest.mark.parametrize("dtype", DTYPES)
def test_polygon_shadows_override_matches_generic_and_albumentations(dtype):
    rng = np.random.default_rng(2)
    for batch in (False, True):
        n = 3 if batch else None
        h, w = 37, 29
        img = _image(rng, dtype, ((n,) if n else ()) + (h, w, 4))
        lead = (n,) if n else ()
        verts = np.stack([rng.integers(0, w, lead + (3, 6)), rng.integers(0, h, lead + (3, 6))], -1)
        inten = rng.uniform(0, 1, lead + (3,))
        got = L.polygon_shadows(img, verts, inten)
        np.testing.assert_array_equal(got, _generic(L.polygon_shadows, img, verts, inten))
        if dtype == "uint8" and not batch:
            np.testing.assert_array_equal(got, fp.add_shadow(img, list(verts), inten))


def test_random_shadow_darkens_inside_its_roi():
    img = np.full((40, 40, 3), 200, np.uint8)
    t = A.RandomShadow(
        shadow_roi=(0, 0.5, 1, 1), num_shadows_limit=(3, 3), shadow_intensity_range=(0.5, 0.5), p=1
    )
    out = A.Compose([t], seed=3)(image=img)["image"]
    assert (out[:20] == 200).all() and (out[20:] < 200).any()
    assert set(np.unique(out).tolist()) <= {200, 100, 50, 25}


# ------------------------------------------------------------------------------- plasma shadow
@pytest.mark.golden.with_args(L.plasma_shadow)
def test_plasma_shadow_golden(xp):
    # 1 x 2: the field is [0, 1] or [1, 0]; i = 0.5: 100 -> 50 where P = 1. i = 0: the identity
    out = run(xp, L.plasma_shadow, np.full((1, 2, 1), 100, np.uint8), "uint8", 0.5, 5, 3.0).ravel()
    assert sorted(out.tolist()) == [50, 100]
    out = run(xp, L.plasma_shadow, np.full((1, 2, 1), 0.4, np.float32), "float32", 0.0, 5, 3.0).ravel()
    np.testing.assert_allclose(out, [0.4, 0.4])
    # 101 * (1 - 0.25) = 75.75 -> 75 (floored, as albumentations)
    assert sorted(
        run(xp, L.plasma_shadow, np.full((1, 2, 1), 101, np.uint8), "uint8", 0.25, 5, 3.0).ravel()
    ) == [
        75,
        101,
    ]


@pytest.mark.parity.with_args("numpy_cv2", L.plasma_shadow)
@pytest.mark.parametrize("dtype", DTYPES)
def test_plasma_shadow_override_matches_generic_and_albumentations(dtype):
    rng = np.random.default_rng(4)
    img = _image(rng, dtype, (3, 23, 31, 3))
    seeds, inten = np.array([1, 2, 3], np.uint64), np.array([0.2, 0.5, 0.9])
    got = L.plasma_shadow(img, inten, seeds, 2.0)
    np.testing.assert_array_equal(got, _generic(L.plasma_shadow, img, inten, seeds, 2.0))
    field = plasma_fields(img, seeds, 23, 31, 2.0)
    for i in range(3):  # albumentations' arithmetic on our pattern
        want = fp.apply_plasma_shadow(img[i], float(inten[i]), field[i])
        if dtype == "float32":
            np.testing.assert_allclose(got[i], want, atol=1e-6)
        else:
            np.testing.assert_array_equal(got[i], np.floor(want).astype(img.dtype))


def test_plasma_shadow_only_darkens():
    img = np.full((32, 32, 3), 200, np.uint8)
    out = A.Compose([A.PlasmaShadow(shadow_intensity_range=(0.5, 0.5), p=1)], seed=1)(image=img)["image"]
    assert out.max() == 200 and out.min() == 100


# ----------------------------------------------------------------------------- sun flare overlay
# exact against albumentations on uint8 (generic: the same float32 rounding as its add_weighted;
# override: the sun exact, circles by cv2.addWeighted: within 1 level)
@pytest.mark.golden.with_args(L.sun_flare_overlay)
def test_sun_flare_overlay_golden(xp):
    img = np.zeros((1, 1, 3), np.uint8)
    empty = (np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros(0))
    out = run(xp, L.sun_flare_overlay, img, "uint8", np.array([0, 0]), (255, 255, 255), np.array([1]),
              np.array([0.5]), *empty)  # fmt: skip
    assert out.ravel().tolist() == [128, 128, 128]  # 127.5, half to even
    # one circle at alpha 0.1 in (100, 0, 0), then no sun: 0.1 * 100 = 10
    circ = (np.array([[0, 0]]), np.array([1]), np.array([[100, 0, 0]]), np.array([0.1]))
    out = run(xp, L.sun_flare_overlay, img, "uint8", np.array([0, 0]), (255, 255, 255), np.zeros(0, np.int64),
              np.zeros(0), *circ)  # fmt: skip
    assert out.ravel().tolist() == [10, 0, 0]
    f = run(xp, L.sun_flare_overlay, img, "float32", np.array([0, 0]), (255, 255, 255), np.zeros(0, np.int64),
            np.zeros(0), *circ)  # fmt: skip
    np.testing.assert_allclose(f.ravel(), [0.1 * 100 / 255, 0, 0], rtol=1e-6)


@pytest.mark.parity.with_args("numpy_cv2", L.sun_flare_overlay)
def test_sun_flare_overlay_matches_albumentations():
    rng = np.random.default_rng(5)
    for _ in range(12):
        h, w = (int(v) for v in rng.integers(8, 60, 2))
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        circles = _circles(rng, h, w, int(rng.integers(1, 8)))
        center, src_r = (int(rng.integers(0, w)), int(rng.integers(0, h))), int(rng.integers(10, 80))
        color = (255, int(rng.integers(100, 256)), 200)
        radii, sun_alpha = _sun(circles, src_r)
        args = (np.array(center), color, radii, sun_alpha, *_flat(circles), np.array([c[0] for c in circles]))
        want = fp.add_sun_flare_overlay(img.copy(), center, src_r, color, circles)
        np.testing.assert_array_equal(_generic(L.sun_flare_overlay, img, *args), want)
        assert np.abs(L.sun_flare_overlay(img, *args).astype(int) - want).max() <= 1


@pytest.mark.parametrize("dtype", ["uint16", "float32"])
def test_sun_flare_overlay_levels_follow_the_dtype(dtype):
    rng = np.random.default_rng(6)
    img8 = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    circles = _circles(rng, 20, 24, 4)
    radii, sun_alpha = _sun(circles, 40)
    args = (
        np.array([5, 6]),
        (255, 230, 200),
        radii,
        sun_alpha,
        *_flat(circles),
        np.array([c[0] for c in circles]),
    )
    ref = L.sun_flare_overlay(img8, *args).astype(np.float64)
    scale = 257 if dtype == "uint16" else 1 / 255
    got = L.sun_flare_overlay((img8.astype(np.float64) * scale).astype(dtype), *args)
    assert np.abs(got / scale - ref).max() <= 1.5  # uint8 rounds after each of ~10 blends


# ------------------------------------------------------------------------------ sun flare physics
@pytest.mark.golden.with_args(L.sun_flare_physics)
def test_sun_flare_physics_golden(xp):
    # a 1 x 1 image under a white sun: the layer is 255 (the blur of a constant, to float32
    # rounding), the fade 1; at weight 0.5: 0 + 255 * 0.5 = 127.5 -> 127, 100 + 155 * 0.5 -> 177
    img = np.zeros((1, 1, 3), np.uint8)
    none = (np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros((0, 3)))
    out = run(xp, L.sun_flare_physics, img, "uint8", np.array([0, 0]), 5, (255, 255, 255), *none, 0.5)
    assert out.ravel().tolist() == [127, 127, 127]
    out = run(xp, L.sun_flare_physics, img + 100, "uint8", np.array([0, 0]), 5, (255, 255, 255), *none, 0.5)
    assert out.ravel().tolist() == [177, 177, 177]
    out = run(xp, L.sun_flare_physics, img + 7, "uint8", np.array([0, 0]), 5, (255, 255, 255), *none, 0.0)
    assert out.ravel().tolist() == [7, 7, 7]  # weight 0: the identity


@pytest.mark.parity.with_args("numpy_cv2", L.sun_flare_physics)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sun_flare_physics_override_matches_generic_and_albumentations(dtype):
    # override: albumentations' OpenCV steps (exact on uint8); generic: within 1 level (its 2-pixel
    # spikes differ from OpenCV's by a few end pixels, below a level after the sigma-15 blur)
    rng = np.random.default_rng(7)
    for _ in range(4):
        h, w = (int(v) for v in rng.integers(10, 50, 2))
        img8 = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img = {
            "uint8": img8,
            "uint16": img8.astype(np.uint16) * 257,
            "float32": img8.astype(np.float32) / 255,
        }[dtype]
        circles = _circles(rng, h, w, 5)
        center, src_r, color = (
            (int(rng.integers(0, w)), int(rng.integers(0, h))),
            int(rng.integers(3, 30)),
            (255, 220, 180),
        )
        xy, rad3, col = _flat(circles)
        args = (
            np.array(center),
            src_r,
            color,
            xy,
            (rad3.astype(np.float64) ** 0.33).astype(np.int64),
            col,
            1.0,
        )
        got = L.sun_flare_physics(img, *args)
        gen = _generic(L.sun_flare_physics, img, *args)
        scale = {"uint8": 1, "uint16": 257, "float32": 1 / 255}[dtype]
        assert np.abs(got.astype(np.float64) - gen).max() / scale <= 1.0 + 1e-6
        if dtype == "uint8":
            want = fp.add_sun_flare_physics_based(img8.copy(), center, src_r, color, circles)
            np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------------------------ transforms
@pytest.mark.parametrize("method", ["overlay", "physics_based"])
def test_random_sun_flare_batch_is_per_sample(method):
    imgs = np.random.default_rng(8).integers(0, 256, (4, 24, 32, 3), dtype=np.uint8)
    t = A.RandomSunFlare(src_radius=20, method=method, p=1)
    params = t.sample(np.random.default_rng(9), (24, 32), 4)
    out = t.apply_image(imgs, params)
    for i in range(4):
        one = type(params)(*(np.asarray(getattr(params, f))[i] for f in ("center", "circle_xy", "circle_radius",
                                                                          "circle_color", "alpha", "sun_alpha")), 1.0)  # fmt: skip
        np.testing.assert_array_equal(out[i], t.apply_image(imgs[i], one))


def test_random_sun_flare_sampling_follows_albumentations():
    t = A.RandomSunFlare(flare_roi=(0.2, 0.1, 0.4, 0.3), num_flare_circles_range=(3, 5), src_radius=50, p=1)
    for seed in range(20):
        prm = t.sample(np.random.default_rng(seed), (100, 200), None)
        cx, cy = prm.center
        assert 40 <= cx < 80 and 10 <= cy < 30
        on = prm.alpha > 0
        assert (
            prm.alpha.shape == (5,)
            and 3 <= on.sum()
            and ((prm.alpha[on] >= 0.05) & (prm.alpha[on] < 0.2)).all()
        )
        assert set(prm.circle_radius[on].tolist()) <= {1, 8}  # max radius max(2, int(1% of 100)) = 2, cubed
        assert (prm.circle_radius[~on] == -1).all()
        assert ((prm.circle_color >= 204) & (prm.circle_color <= 255)).all()
        assert prm.sun_alpha.shape == (5,) and prm.sun_alpha[-1] == 0.0


@pytest.mark.parametrize("channels", [1, 4])
def test_random_sun_flare_needs_rgb(channels):
    t = A.RandomSunFlare(src_radius=10, p=1)
    with pytest.raises(ValueError, match=r"RandomSunFlare: image must have 3 channels \(RGB\), got"):
        t(image=np.zeros((16, 16, channels), np.uint8))


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [
        (A.RandomSunFlare, {"flare_roi": (0.5, 0, 0.5, 1)}, "flare_roi"),
        (A.RandomSunFlare, {"src_radius": 1}, "src_radius"),
        (A.RandomSunFlare, {"src_color": (255, 255)}, "src_color"),
        (A.RandomSunFlare, {"angle_range": (0, 2)}, "angle_range"),
        (A.RandomSunFlare, {"num_flare_circles_range": (0, 3)}, "num_flare_circles_range"),
        (A.RandomSunFlare, {"method": "fancy"}, "method"),
        (A.RandomShadow, {"shadow_roi": (0, 0.5, 1, float("nan"))}, "shadow_roi"),
        (A.RandomShadow, {"shadow_dimension": 2}, "shadow_dimension"),
        (A.RandomShadow, {"num_shadows_limit": (2, 1)}, "num_shadows_limit"),
        (A.RandomShadow, {"shadow_intensity_range": (0.5, 1.5)}, "shadow_intensity_range"),
        (A.PlasmaShadow, {"roughness": 0}, "roughness"),
        (A.PlasmaShadow, {"shadow_intensity_range": (-0.1, 0.5)}, "shadow_intensity_range"),
    ],
)
def test_bad_arguments_name_themselves(cls, kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        cls(**kwargs)


def test_random_shadow_empty_roi_range_stays_inside():
    # albumentations 2.0.8 accepts x_min == x_max but then fails in numpy's integers(low >= high):
    # xalbu puts the vertices on that column (inside the image)
    t = A.RandomShadow(shadow_roi=(1, 0, 1, 1), p=1)
    prm = t.sample(np.random.default_rng(0), (10, 12), None)
    assert (prm.vertices[..., 0] == 11).all()
    out = t(image=np.full((10, 12, 3), 100, np.uint8))["image"]
    assert (out[:, :11] == 100).all()


# ------------------------------------------------------------------------------------ lens flare
# AlbumentationsX's LensFlare (not in albumentations 2.0.8): its steps re-done here with OpenCV on
# the whole image (float32 anti-aliased lines and circles are 8-connected in OpenCV), the reference
def _lens_reference(img, fxy, ends, inten, bloom, ghosts):
    h, w = img.shape[:2]
    layer = np.zeros((h, w), np.float32)
    for end in ends:
        cv2.line(layer, fxy, end, inten, 1, lineType=cv2.LINE_AA)
    layer = cv2.GaussianBlur(layer, (bloom, bloom), 0)
    for gx, gy, r, a in ghosts:
        g = np.zeros((h, w), np.float32)
        cv2.circle(g, (gx, gy), r, 1.0, -1, lineType=cv2.LINE_AA)
        if r > 2:
            g = cv2.GaussianBlur(g, (max(3, r | 1),) * 2, 0)
        layer += g * a
    np.clip(layer, 0, 1, out=layer)
    top = 1.0 if img.dtype == np.float32 else np.iinfo(img.dtype).max
    return np.clip(img.astype(np.float32) + layer[..., None] * top, 0, top).astype(img.dtype)


def _lens_case(rng, h, w):
    fx, fy = int(rng.integers(0, w)), int(rng.integers(0, h))
    k = int(rng.integers(2, 7))
    angles = (rng.uniform(0, np.pi / k) + np.arange(2 * k) * np.pi / k).astype(np.float32)
    ends = [(int(fx + np.cos(a) * max(h, w)), int(fy + np.sin(a) * max(h, w))) for a in angles]
    ghosts = [(int(rng.integers(-3, w + 3)), int(rng.integers(-3, h + 3)), int(rng.integers(2, 9)),
               float(rng.uniform(0.1, 0.6))) for _ in range(int(rng.integers(0, 5)))]  # fmt: skip
    return (fx, fy), ends, float(rng.uniform(0.2, 0.9)), 2 * (int(rng.integers(1, 8)) | 1) + 1, ghosts


def _lens_args(h, w, fxy, ends, inten, bloom, ghosts):
    ex, ey = L.clip_ray_ends([fxy[0]] * len(ends), [fxy[1]] * len(ends), *np.array(ends).T, h, w)
    rays = np.stack([np.full(len(ends), fxy[0]), np.full(len(ends), fxy[1]), ex, ey], -1)
    g = np.array(ghosts, np.float64).reshape(-1, 4)
    return rays, inten, bloom, g[:, :2].astype(np.int64), g[:, 2].astype(np.int64), g[:, 3]


def test_clipped_rays_are_opencv_lines():
    # cv2.line clips an end outside the image (cv2.clipLine), then draws Bresenham's segment
    rng = np.random.default_rng(11)
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(2, 60, 2))
        fx, fy = int(rng.integers(0, w)), int(rng.integers(0, h))
        a = rng.uniform(0, 2 * np.pi)
        ex, ey = int(fx + np.cos(a) * 2 * max(h, w)), int(fy + np.sin(a) * 2 * max(h, w))
        want = np.zeros((h, w), np.float32)
        cv2.line(want, (fx, fy), (ex, ey), 1.0, 1, lineType=cv2.LINE_AA)
        cx, cy = L.clip_ray_ends([fx], [fy], [ex], [ey], h, w)
        yy, xx = L._axes(np, want, h, w)
        seg = L._segments(np, want, np.array([fx]), np.array([fy]), cx, cy, yy, xx)[0]
        np.testing.assert_array_equal(seg, want > 0)


@pytest.mark.golden.with_args(L.lens_flare)
def test_lens_flare_golden(xp):
    # a 1 x 3 row, the ray on all of it at 0.5 (bloom 3: a constant stays), a ghost of radius 0 on
    # the middle pixel at 0.25: layer [0.5, 0.75, 0.5]; uint8 10 + 127.5 -> 137, 10 + 191.25 -> 201
    none = (np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros(0))
    ghost = (np.array([[1, 0]]), np.array([0]), np.array([0.25]))
    ray = np.array([[0, 0, 2, 0]])
    out = run(xp, L.lens_flare, np.full((1, 3, 1), 10, np.uint8), "uint8", ray, 0.5, 3, *ghost)
    assert out.ravel().tolist() == [137, 201, 137]
    out = run(xp, L.lens_flare, np.full((1, 3, 2), 1000, np.uint16), "uint16", ray, 0.5, 3, *none)
    assert out.ravel().tolist() == [33767] * 6  # 1000 + 32767.5, truncated
    out = run(xp, L.lens_flare, np.full((1, 3, 1), 0.7, np.float32), "float32", ray, 0.5, 3, *ghost)
    np.testing.assert_allclose(out.ravel(), [1.0, 1.0, 1.0])
    out = run(xp, L.lens_flare, np.full((1, 3, 1), 0.2, np.float32), "float32", ray, 0.0, 3, *none)
    np.testing.assert_allclose(out.ravel(), [0.2, 0.2, 0.2])  # intensity 0, no ghost: the identity


@pytest.mark.parity.with_args("numpy_cv2", L.lens_flare)
@pytest.mark.parametrize("dtype", DTYPES)
def test_lens_flare_override_and_generic_match_the_reference(dtype):
    # both exact against AlbumentationsX's steps (OpenCV on the whole image, in this file)
    rng = np.random.default_rng(12)
    for _ in range(5):
        h, w = (int(v) for v in rng.integers(8, 70, 2))
        img = _image(rng, dtype, (h, w, 3))
        case = _lens_case(rng, h, w)
        args = _lens_args(h, w, *case)
        want = _lens_reference(img, *case)
        np.testing.assert_array_equal(L.lens_flare(img, *args), want)
        np.testing.assert_array_equal(_generic(L.lens_flare, img, *args), want)


def test_lens_flare_batch_is_per_sample():
    imgs = np.random.default_rng(13).integers(0, 256, (4, 30, 41, 3), dtype=np.uint8)
    t = A.LensFlare(num_ghosts_range=(0, 4), num_rays_range=(2, 6), p=1)
    prm = t.sample(np.random.default_rng(14), (30, 41), 4)
    out = t.apply_image(imgs, prm)
    gen = _generic(L.lens_flare, imgs, prm.rays, prm.intensity, prm.bloom, prm.ghost_xy, prm.ghost_radius,
                   prm.ghost_alpha)  # fmt: skip
    np.testing.assert_array_equal(out, gen)
    for i in range(4):
        one = type(prm)(*(np.asarray(getattr(prm, f))[i] for f in prm.__dataclass_fields__))
        np.testing.assert_array_equal(out[i], t.apply_image(imgs[i], one))


def test_lens_flare_sampling_follows_albumentationsx():
    # AlbumentationsX's geometry from the drawn source, counts and strength (Python floats)
    t = A.LensFlare(flare_roi=(0.2, 0.1, 0.4, 0.3), num_ghosts_range=(1, 6), num_rays_range=(3, 5), p=1)
    h, w = 90, 160
    for seed in range(30):
        prm = t.sample(np.random.default_rng(seed), (h, w), None)
        fx, fy = (int(v) for v in prm.rays[0, :2])
        assert 32 <= fx <= 64 and 9 <= fy <= 27 and (prm.rays[:, :2] == (fx, fy)).all()
        assert prm.rays.shape == (10, 4) and 6 <= len({tuple(r) for r in prm.rays.tolist()}) <= 10
        ex, ey = prm.rays[:, 2], prm.rays[:, 3]
        assert ((ex == 0) | (ex == w - 1) | (ey == 0) | (ey == h - 1)).all()  # max(H, W) long: clipped
        g = int((prm.ghost_radius >= 0).sum())
        s = prm.intensity
        assert 0.3 <= s < 0.7 and prm.ghost_radius.shape == (6,) and 1 <= g <= 6
        for i in range(g):
            u = (i + 1) / (g + 1)
            assert prm.ghost_xy[i].tolist() == [
                int(fx + (w // 2 - fx) * 2 * u),
                int(fy + (h // 2 - fy) * 2 * u),
            ]
            assert prm.ghost_radius[i] == max(2, int(min(h, w) * 0.02 * (1.0 - u * 0.5)))
            assert prm.ghost_alpha[i] == s * (1.0 - u * 0.6)
        assert (prm.ghost_alpha[g:] == 0).all()
        radius = (prm.bloom - 1) // 2
        assert (
            radius % 2 == 1 and max(1, int(np.hypot(h, w) * 0.01)) <= radius <= int(np.hypot(h, w) * 0.05) | 1
        )


def test_lens_flare_only_brightens_any_channels():
    for c in (1, 3, 5):  # AlbumentationsX takes RGB only: the flare is the same on every channel
        img = np.repeat(np.random.default_rng(c).integers(0, 200, (40, 50, 1), dtype=np.uint8), c, axis=-1)
        out = A.Compose([A.LensFlare(p=1)], seed=c)(image=img)["image"]
        assert out.shape == img.shape and (out >= img).all() and (out > img).any()
        assert (out == out[..., :1]).all()  # equal channels stay equal


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"flare_roi": (0.5, 0, 0.5, 1)}, "flare_roi"),
        ({"num_ghosts_range": (-1, 3)}, "num_ghosts_range"),
        ({"num_rays_range": (1, 3)}, "num_rays_range"),
        ({"num_rays_range": (5, 3)}, "num_rays_range"),
        ({"intensity_range": (0.2, 1.5)}, "intensity_range"),
        ({"bloom_range": (float("nan"), 0.1)}, "bloom_range"),
    ],
)
def test_lens_flare_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        A.LensFlare(**kwargs)
