"""Cases and helpers of tests/families/test_blur.py (kept apart so that the test module stays small):
comparison with a stated tolerance, seeded images, the parity, albumentations and transform tables,
and albumentations' glass-blur shuffles replayed on an index image."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import _filter as FF
from xalbu.functional import blur as B

from ._pointwise import random_image


def _seed(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _assert_close(got, expected, dtype, int_tol=1, float_tol=1e-5, share=0.01):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if dtype == "float32":
        np.testing.assert_allclose(got, expected, rtol=0, atol=float_tol)
        return
    diff = np.abs(got.astype(np.int64) - expected.astype(np.int64))
    assert diff.max(initial=0) <= int_tol, f"max |diff| {diff.max()}"
    if int_tol:
        assert np.count_nonzero(diff) <= max(2, int(diff.size * share)), "too many off-by-one values"


def _filter_case(key, dtype, channels, batch, shape):
    rng = _seed(*key)
    n = 3 if batch else None
    img = random_image(rng, dtype, (n, 13, 17, channels) if n else (13, 17, channels))
    if dtype == "float32":
        img = np.clip(img, 0, 1)
    k = rng.uniform(-0.2, 1.0, (n, *shape) if n else shape).astype(np.float32)
    k[..., 0, 0] = 0.0  # a zero tap
    k /= k.sum(axis=(-2, -1), keepdims=True)
    return img, k


KERNEL_SHAPES = [(3, 3), (1, 5), (5, 3), (11, 13)]  # 11x13 = 143 taps: OpenCV's DFT path


BLUR_PARITY = {
    "box": (B.box_blur, lambda rng, n: rng.choice([1, 3, 5, 7], n) if n else 5),
    "gaussian": (
        B.gaussian_blur,
        lambda rng, n: (rng.uniform(0.3, 3, n), rng.choice([0, 3, 4, 7], n)) if n else (1.7, 0),
    ),
    "median3": (B.median_blur, lambda rng, n: rng.choice([1, 3, 5], n) if n else 3),
    "median7": (B.median_blur, lambda rng, n: rng.choice([3, 7], n) if n else 7),
}


def _albumentations_shuffle(dxy, h, w, max_delta, exact):
    from itertools import product

    x = np.arange(h * w).reshape(h, w)
    hs, ws = np.arange(h - max_delta, max_delta, -1), np.arange(w - max_delta, max_delta, -1)
    if not exact:
        rows, cols = np.tile(hs, ws.shape[0]), np.repeat(ws, hs.shape[0])
        for i in range(dxy.shape[1]):
            dy, dx = dxy[:, i, 0].astype(int), dxy[:, i, 1].astype(int)
            x[rows, cols], x[rows + dy, cols + dx] = x[rows + dy, cols + dx], x[rows, cols]
        return x.reshape(-1)
    for ind, (i, r, c) in enumerate(product(range(dxy.shape[1]), hs, ws)):
        dy, dx = (int(v) for v in dxy[ind % len(dxy), i])
        x[r, c], x[r + dy, c + dx] = x[r + dy, c + dx], x[r, c]
    return x.reshape(-1)


def _albumentations_copies(img, dxy, md, sigma):
    cv2 = pytest.importorskip("cv2")
    from itertools import product

    x = cv2.GaussianBlur(img, (0, 0), sigmaX=sigma)
    h, w = img.shape[:2]
    for ind, (i, r, c) in enumerate(
        product(range(dxy.shape[1]), range(h - md, md, -1), range(w - md, md, -1))
    ):
        dy, dx = (int(v) for v in dxy[ind % len(dxy), i])
        x[r, c] = x[r + dy, c + dx]
    return cv2.GaussianBlur(x, (0, 0), sigmaX=sigma)


ALB_SAME = [  # (name, xalbu transform, albumentations transform): same operation with fixed parameters
    ("blur3", lambda M: M.Blur(blur_limit=(3, 3), p=1)),
    ("blur9", lambda M: M.Blur(blur_limit=(9, 9), p=1)),
    ("median5", lambda M: M.MedianBlur(blur_limit=(5, 5), p=1)),
    ("median9", lambda M: M.MedianBlur(blur_limit=(9, 9), p=1)),
    ("gaussian_k7", lambda M: M.GaussianBlur(blur_limit=(7, 7), sigma_limit=(1.3, 1.3), p=1)),
    ("gaussian_auto", lambda M: M.GaussianBlur(blur_limit=0, sigma_limit=(2.1, 2.1), p=1)),
    (
        "motion",
        lambda M: M.MotionBlur(
            blur_limit=(7, 7), angle_range=(33, 33), direction_range=(0.4, 0.4), allow_shifted=False, p=1
        ),
    ),
    ("defocus3", lambda M: M.Defocus(radius=(3, 3), alias_blur=(0.3, 0.3), p=1)),
    ("defocus10", lambda M: M.Defocus(radius=(10, 10), alias_blur=(0.0, 0.0), p=1)),
    ("zoom", lambda M: M.ZoomBlur(max_factor=(1.25, 1.25), step_factor=(0.04, 0.04), p=1)),
]


RANDOM = [
    ("blur", lambda c: A.Blur(p=1)),
    ("gaussian", lambda c: A.GaussianBlur(p=1)),
    ("gaussian_k", lambda c: A.GaussianBlur(blur_limit=(3, 8), p=1)),
    ("median", lambda c: A.MedianBlur(p=1)),
    ("motion", lambda c: A.MotionBlur(p=1)),
    ("defocus", lambda c: A.Defocus(p=1)),
    ("advanced", lambda c: A.AdvancedBlur(p=1)),
    ("zoom", lambda c: A.ZoomBlur(max_factor=(1.5, 2.0), step_factor=(0.1, 0.3), p=1)),
    ("glass", lambda c: A.GlassBlur(max_delta=1, p=1)),
    ("glass_exact", lambda c: A.GlassBlur(max_delta=2, mode="exact", p=1)),
]


IDENTITY = [
    A.Blur(p=1),
    A.GaussianBlur(p=1),
    A.MedianBlur(p=1),
    A.MotionBlur(p=1),
    A.Defocus(p=1),
    A.AdvancedBlur(p=1),
]


BATCH = [
    (A.Blur(blur_limit=(3, 9), p=1), lambda img, p: B.box_blur(img, int(p.ksize))),
    (
        A.GaussianBlur(blur_limit=(0, 9), p=1),
        lambda img, p: B.gaussian_blur(img, float(p.sigma), int(p.ksize)),
    ),
    (A.MedianBlur(blur_limit=(3, 9), p=1), lambda img, p: B.median_blur(img, int(p.ksize))),
    (
        A.MotionBlur(blur_limit=(3, 9), p=1),
        lambda img, p: FF.convolve(
            img,
            B.motion_kernels(
                int(p.ksize), float(p.angle), float(p.direction), float(p.shift_x), float(p.shift_y)
            ),
        ),
    ),
]


P_HALF = [
    (A.Blur(blur_limit=(5, 5), p=0.5), lambda img: B.box_blur(img, 5)),
    (A.GaussianBlur(blur_limit=(5, 5), sigma_limit=(1, 1), p=0.5), lambda img: B.gaussian_blur(img, 1.0, 5)),
    (A.MedianBlur(blur_limit=(3, 3), p=0.5), lambda img: B.median_blur(img, 3)),
    (
        A.MotionBlur(
            blur_limit=(5, 5), angle_range=(20, 20), direction_range=(0, 0), allow_shifted=False, p=0.5
        ),
        lambda img: FF.convolve(img, B.motion_kernels(5, 20.0, 0.0, 0.0, 0.0)),
    ),
    (
        A.Defocus(radius=(4, 4), alias_blur=(0.2, 0.2), p=0.5),
        lambda img: FF.convolve(img, B.defocus_kernels(4, 0.2)),
    ),
]
