"""Distortions (ElasticTransform, GridDistortion): the remap kernels (golden values over every
backend, OpenCV and CuPy parity), the map generators, albumentations parity on the same maps, and
the targets moving together (keypoints on their mask pixel, boxes as the box of the box's mask).

Parity tolerances (absolute, per pixel):
- ``remap`` OpenCV vs generic: nearest exact but for exact ``.5`` ties (at most 1% of pixels, none
  in these maps); linear/cubic: uint8 +-1, uint16 +-8, float32 1e-4 (OpenCV 5 samples float maps in
  float);
- ``remap_separable`` OpenCV vs generic: the same (its float maps are broadcast from the axes);
- ``grid_remap`` (GridDistortion's cells; uint8: one ``cv2.warpAffine`` per pair of cells) vs its
  generic kernel (``cv2.remap`` through the cells' positions): exact;
- CuPy (harness) vs generic: exact for integer dtypes, 1e-6 for float32 (same operations in the
  same order, no fused multiply-add).
"""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import distortion as F
from xalbu.transforms import distortion as D

from ._distortion_more import (  # noqa: F401 - part 2 of this family's tests, collected here
    test_grid_elastic_deform_vertices_read_their_moved_position,
    test_grid_shuffle_bad_arguments,
    test_grid_shuffle_matches_albumentations_on_the_same_tiles,
    test_grid_shuffle_targets_follow_their_tiles,
    test_mesh_maps_golden,
    test_morphological_bad_arguments,
    test_morphological_boxes_are_the_box_of_the_morphed_box_mask,
    test_morphological_matches_albumentations,
    test_morphology_golden,
    test_morphology_numpy_override_is_exact,
    test_piecewise_affine_draws,
    test_quad_maps_golden,
    test_quad_maps_numpy_override,
    test_shuffle_tiles_golden,
    test_shuffle_tiles_numpy_override_is_exact,
    test_tile_maps_golden,
    test_tps_maps_golden,
    test_tps_passes_through_its_points_where_albumentations_misses_them,
)
from ._spatial import TOL, assert_close, override_and_generic, random_image, smooth_image

DTYPES = (np.uint8, np.uint16, np.float32)
CLASSES = (
    D.ElasticTransform,
    D.GridDistortion,
    D.OpticalDistortion,
    D.PiecewiseAffine,
    D.ThinPlateSpline,
    D.GridElasticDeform,
)


def identity(h: int, w: int) -> np.ndarray:
    return np.stack(np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)), axis=-1)


def smooth_maps(h: int, w: int, n: int | None = None, amp: float = 2.5, seed: int = 0) -> np.ndarray:
    """A smooth random map (source positions up to ``amp`` px off, some past the edges)."""
    rng = np.random.default_rng(seed)
    k = 1 if n is None else n
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    out = []
    for _ in range(k):
        a, b, c, d = rng.uniform(0, 2 * np.pi, 4)
        dx = amp * np.sin(xx / 3.1 + a) * np.cos(yy / 4.3 + b)
        dy = amp * np.cos(xx / 5.3 + c) * np.sin(yy / 2.9 + d)
        out.append(np.stack([xx + dx, yy + dy], axis=-1).astype(np.float32))
    m = np.stack(out)
    return m if n is not None else m[0]


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(F.remap)
def test_remap_golden_values(xp):
    img = np.array([[0, 10, 20], [30, 40, 50]], np.uint8)[..., None]
    x = xp.asarray(img)
    m = identity(2, 3)
    for interp in (0, 1, 2):
        out = xp.to_numpy(F.remap(x, xp.asarray(m), interp, 0, 0))
        np.testing.assert_array_equal(out, img)
    # a quarter pixel right: linear 0.75 * a + 0.25 * b; the last column reads the constant fill 100
    shifted = m + np.array([0.25, 0.0], np.float32)
    out = xp.to_numpy(F.remap(x, xp.asarray(shifted), 1, 0, 100))[..., 0]
    np.testing.assert_array_equal(out, [[2, 12, 40], [32, 42, 62]])  # 2.5 -> 2, 42.5 -> 42 (half to even)
    # nearest: 0.5 ties go up; replicate border past the right edge
    half = m + np.array([0.5, 0.0], np.float32)
    out = xp.to_numpy(F.remap(x, xp.asarray(half), 0, 1, 0))[..., 0]
    np.testing.assert_array_equal(out, [[10, 20, 20], [40, 50, 50]])
    # reflect_101 and wrap one pixel left
    left = m - np.array([1.0, 0.0], np.float32)
    np.testing.assert_array_equal(
        xp.to_numpy(F.remap(x, xp.asarray(left), 0, 4, 0))[..., 0], [[10, 0, 10], [40, 30, 40]]
    )
    np.testing.assert_array_equal(
        xp.to_numpy(F.remap(x, xp.asarray(left), 0, 3, 0))[..., 0], [[20, 0, 10], [50, 30, 40]]
    )


@pytest.mark.golden.with_args(F.remap)
def test_remap_batch_golden(xp):
    """Per-sample maps and per-sample fills; the output takes the map's size."""
    img = np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], np.float32)[..., None] / 10
    maps = np.stack([identity(2, 2), identity(2, 2)[::-1, ::-1].copy()])
    out = xp.to_numpy(F.remap(xp.asarray(img), xp.asarray(maps), 1, 0, np.array([0.0, 0.5])))
    np.testing.assert_allclose(out[0, ..., 0], [[0.1, 0.2], [0.3, 0.4]], rtol=1e-6)
    np.testing.assert_allclose(out[1, ..., 0], [[0.8, 0.7], [0.6, 0.5]], rtol=1e-6)
    small = identity(1, 2) + np.array([0.0, 5.0], np.float32)  # every tap outside: the fill
    out = xp.to_numpy(
        F.remap(xp.asarray(img), xp.asarray(np.stack([small, small])), 0, 0, np.array([0.0, 0.5]))
    )
    np.testing.assert_allclose(out[..., 0], [[[0.0, 0.0]], [[0.5, 0.5]]])


@pytest.mark.golden.with_args(F.grid_maps)
def test_grid_maps_golden(xp):
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    m = xp.to_numpy(F.grid_maps(like, np.array([0.5, 1.5, 4.0]), np.array([2.0, 3.0])))
    np.testing.assert_array_equal(m[..., 0], [[0.5, 1.5, 4.0]] * 2)
    np.testing.assert_array_equal(m[..., 1], [[2.0] * 3, [3.0] * 3])
    mb = xp.to_numpy(F.grid_maps(like, np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0], [7.0]])))
    assert mb.shape == (2, 1, 2, 2)
    np.testing.assert_array_equal(mb[1, 0], [[1.0, 7.0], [0.0, 7.0]])


@pytest.mark.golden.with_args(F.remap_separable)
def test_remap_separable_golden(xp):
    img = np.array([[0, 10, 20], [30, 40, 50]], np.uint8)[..., None]
    out = xp.to_numpy(
        F.remap_separable(xp.asarray(img), np.array([2.0, 1.0, 0.0]), np.array([1.0, 0.0]), 0, 0, 0)
    )
    np.testing.assert_array_equal(out[..., 0], [[50, 40, 30], [20, 10, 0]])
    out = xp.to_numpy(
        F.remap_separable(xp.asarray(img), np.array([0.5, 1.5, 2.0]), np.array([0.0, 0.5]), 1, 1, 0)
    )
    np.testing.assert_array_equal(out[..., 0], [[5, 15, 20], [20, 30, 35]])


@pytest.mark.golden.with_args(F.elastic_maps)
def test_elastic_maps_alpha_zero_is_the_identity_and_fields_agree(xp):
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    m = xp.to_numpy(F.elastic_maps(like, 7, 0.0, (5, 6), 3.0, False, False, False))
    np.testing.assert_array_equal(m, identity(5, 6))
    mb = xp.to_numpy(
        F.elastic_maps(
            like, np.array([7, 8], np.uint64), np.array([3.0, 0.0]), (5, 6), 2.0, False, True, True
        )
    )
    np.testing.assert_array_equal(mb[1], identity(5, 6))
    d = mb[0] - identity(5, 6)
    np.testing.assert_allclose(d[..., 0], d[..., 1], atol=1e-5)  # same_dxdy
    assert np.abs(d).max() > 0
    one = xp.to_numpy(F.elastic_maps(like, 7, 3.0, (5, 6), 2.0, False, True, True))
    np.testing.assert_allclose(one, mb[0], atol=1e-5)  # a sample's field does not depend on its batch
    ref = F.elastic_maps(np.zeros(0, np.float32), 7, 3.0, (5, 6), 2.0, False, True, True)
    np.testing.assert_allclose(one, ref, atol=1e-5)  # nor on the backend


@pytest.mark.parity.with_args("numpy_cv2", F.elastic_maps)
@pytest.mark.parametrize(
    ("same", "uniform", "approximate"), [(False, False, False), (True, True, False), (False, False, True)]
)
def test_elastic_maps_numpy_override(same, uniform, approximate):
    """Tolerance: 1e-4 px per unit of alpha (float32 products summed in another order)."""
    like = np.zeros(0, np.float32)
    for seeds, alpha in ((7, 30.0), (np.array([1, 2, 3], np.uint64), np.array([10.0, 0.0, 50.0]))):
        got = F.elastic_maps(like, seeds, alpha, (37, 29), 4.0, approximate, same, uniform)
        ref = F.elastic_maps.generic(like, seeds, alpha, (37, 29), 4.0, approximate, same, uniform)
        assert got.shape == ref.shape and got.dtype == np.float32
        np.testing.assert_allclose(got, ref, atol=1e-4 * 50)
        assert np.abs(got - ref).max() < 1e-3


def test_elastic_weights_match_the_smoothing_kernel():
    """Small sigma: the rows are OpenCV's Gaussian taps; larger: same per-pixel variance."""
    import cv2

    a = F.elastic_weights(40, 1.5, False)
    taps = cv2.getGaussianKernel(13, 1.5, ktype=cv2.CV_64F)[:, 0]
    row = a[20][np.abs(a[20]) > 0]
    np.testing.assert_allclose(np.sort(row), np.sort(taps), rtol=1e-5)
    for sigma, approx in ((6.0, False), (30.0, False), (50.0, True)):
        a = F.elastic_weights(64, sigma, approx)
        k = 17 if approx else int(round(sigma * 8 + 1)) | 1
        t = cv2.getGaussianKernel(k, sigma, ktype=cv2.CV_64F)[:, 0]
        np.testing.assert_allclose((a.astype(np.float64) ** 2).sum(axis=1), (t * t).sum(), rtol=1e-5)


def test_elastic_field_statistics_match_albumentations():
    """The displacement's standard deviation is albumentations' (several draws, away from its
    replicated borders) and its correlation at a lag of sigma is smoothed white noise's,
    ``exp(-1/4)``."""
    import albumentations.augmentations.geometric.functional as fg

    h = w = 160
    for sigma in (3.0, 8.0):
        ref = [
            fg.generate_displacement_fields(
                (h, w), 10.0, sigma, False, (0, 0), np.random.default_rng(k), "gaussian"
            )[0]
            for k in range(4)
        ]
        want = float(np.mean([r[40:-40, 40:-40].std() for r in ref]))
        m = F.elastic_maps(
            np.zeros(0, np.float32), np.arange(6, dtype=np.uint64), 10.0, (h, w), sigma, False, False, False
        )
        d = (m - identity(h, w))[..., 0].astype(np.float64)
        lag = int(sigma)
        corr = float((d[..., :-lag] * d[..., lag:]).mean() / (d * d).mean())
        assert d.std() == pytest.approx(want, rel=0.15)
        assert corr == pytest.approx(np.exp(-0.25), abs=0.06)


def test_grid_axis_is_albumentations_grid_without_its_repeated_edges():
    """albumentations' cell ``k`` spans ``linspace(prev, cur, count)`` (both ends); xalbu's spans
    ``[prev, cur)`` in ``count`` equal steps: within one of albumentations' pixel steps of it, equal
    at each cell's first pixel (but for xalbu's steps rounded to ``2**-q`` px: at most
    ``size * 2**-q`` apart), and the identity for steps of 1."""
    import albumentations.augmentations.geometric.functional as fg

    rng = np.random.default_rng(0)
    for h, w, steps in ((64, 80, 5), (37, 50, 7), (9, 12, 3)):
        sx, sy = list(1 + rng.uniform(-0.4, 0.4, steps + 1)), list(1 + rng.uniform(-0.4, 0.4, steps + 1))
        for normalized in (True, False):
            ax, ay = sx, sy
            if normalized:
                p = fg.normalize_grid_distortion_steps((h, w), steps, list(sx), list(sy))
                ax, ay = p["steps_x"], p["steps_y"]
            mx, my = fg.generate_grid((h, w), ax, ay, steps)
            if not normalized:
                continue  # albumentations' unnormalized short last cell reads a whole cell's stretch
            for size, ref, st in ((w, mx[0], sx), (h, my[:, 0], sy)):
                got = D.grid_axis(size, steps, np.array(st), normalized)
                cell = size // steps
                covered = min(size, (steps + 1) * cell)
                firsts = np.arange(0, covered, cell)
                quantum = 2.0 ** -(21 - size.bit_length())
                np.testing.assert_allclose(got[firsts], ref[firsts], atol=size * quantum / 2 + 1e-4)
                # at most one of albumentations' steps between neighbouring pixels
                assert (
                    np.abs(got[:covered] - ref[:covered]).max() <= np.abs(np.diff(ref[:covered])).max() + 1e-4
                )
        for size in (12, 50, 80):
            np.testing.assert_allclose(D.grid_axis(size, steps, np.ones(steps + 1), False), np.arange(size))


# ------------------------------------------------------------------------------------------ parity
@pytest.mark.parity.with_args("numpy_cv2", F.remap)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c", (1, 3, 6))
@pytest.mark.parametrize("batched", (False, True))
def test_remap_numpy_override(dtype, c, batched):
    """Tolerance: see the module doc (float maps: OpenCV 5 interpolates them in float)."""
    img = random_image(dtype, c, batched, (19, 23))
    n = 3 if batched else None
    for per_sample in (False, True) if batched else (False,):
        maps = smooth_maps(19, 23, n if per_sample else None)
        fill = np.array([1.0, 2.0, 3.0]) if per_sample else 0.25 if dtype == np.float32 else 7
        for interp in (0, 1, 2, 4):
            for border in (0, 1, 2, 3, 4):
                out, ref = override_and_generic(F.remap, img, maps, interp, border, fill)
                tol = 0 if interp == 0 else TOL[dtype]
                assert_close(out, ref, tol, 0.0, f"interp {interp} border {border}")


@pytest.mark.parity.with_args("numpy_cv2", F.remap_separable)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c", (1, 3, 6))
@pytest.mark.parametrize("batched", (False, True))
def test_remap_separable_numpy_override(dtype, c, batched):
    img = smooth_image(dtype, c, batched, (19, 23))
    rng = np.random.default_rng(3)
    shape_x, shape_y = ((3, 23), (3, 19)) if batched else ((23,), (19,))
    xx = np.sort(rng.uniform(-2, 25, shape_x), axis=-1)
    yy = np.sort(rng.uniform(-2, 21, shape_y), axis=-1)
    img = random_image(dtype, c, batched, (19, 23)) if dtype != np.float32 else img
    tol = TOL[dtype]
    for interp in (0, 1, 2):
        for border in (0, 1, 4):
            out, ref = override_and_generic(
                F.remap_separable, img, xx, yy, interp, border, 5 if dtype != np.float32 else 0.5
            )
            assert_close(out, ref, 0 if interp == 0 else tol, 0.0, f"interp {interp} border {border}")


def _grid_cells(h: int, w: int, steps: int, n: int | None, seed: int, limit: float = 0.5):
    rng = np.random.default_rng(seed)
    shape = (steps + 1,) if n is None else (n, steps + 1)
    normalized = bool(seed % 2)
    xc = D.grid_cells(w, steps, 1 + rng.uniform(-limit, limit, shape), normalized)
    yc = D.grid_cells(h, steps, 1 + rng.uniform(-limit, limit, shape), normalized)
    return xc, yc


@pytest.mark.golden.with_args(F.grid_remap)
def test_grid_remap_golden(xp):
    """Two cells per axis (the second of 1 px): the positions of the cells, by hand."""
    img = np.array([[0, 10, 20], [30, 40, 50]], np.uint8)[..., None]
    xc = np.array([[2.0, -1.0], [0.0, 1.0]])  # x: 2, 1, then 0
    yc = np.array([[1.0, 0.0], [0.0, 1.0]])  # 2 rows, one cell: y 1, 1
    out = xp.to_numpy(F.grid_remap(xp.asarray(img), xc, yc, 0, 0, 0))
    np.testing.assert_array_equal(out[..., 0], [[50, 40, 30], [50, 40, 30]])
    xc = np.array([[0.5, 1.0], [2.0, 0.0]])  # x: 0.5, 1.5, then 2
    yc = np.array([[0.0, 0.5], [1.0, 0.0]])  # y: 0, 0.5
    out = xp.to_numpy(F.grid_remap(xp.asarray(img), xc, yc, 1, 1, 0))
    np.testing.assert_array_equal(out[..., 0], [[5, 15, 20], [20, 30, 35]])


def test_grid_positions_are_the_grid_axis():
    """``grid_cells`` then ``grid_positions`` is ``grid_axis``; each cell starts where the stretch
    before it ends; batched cells give each row's positions."""
    rng = np.random.default_rng(1)
    for size, steps in ((256, 5), (100, 7), (9, 3), (64, 1)):
        st = 1 + rng.uniform(-0.3, 0.3, (4, steps + 1))
        cells = D.grid_cells(size, steps, st, True)
        assert cells.shape == (4, steps + 1, 2)
        cell = size // steps
        np.testing.assert_array_equal(cells[:, 1:, 0], cells[:, :-1, 0] + cells[:, :-1, 1] * cell)
        for k in range(4):
            one = D.grid_cells(size, steps, st[k], True)
            np.testing.assert_array_equal(one, cells[k])
            np.testing.assert_array_equal(F.grid_positions(one, size), D.grid_axis(size, steps, st[k], True))
        np.testing.assert_array_equal(F.grid_positions(cells, size)[2], F.grid_positions(cells[2], size))
    with pytest.raises(ValueError, match="cells"):
        F.grid_positions(np.zeros((5, 2)), 3)


@pytest.mark.parity.with_args("numpy_cv2", F.grid_remap)
@pytest.mark.parametrize("c", (1, 3, 4))
@pytest.mark.parametrize("batched", (False, True))
def test_grid_remap_tiles_are_the_remap_exactly(c, batched, monkeypatch):
    """GridDistortion's cells on uint8 images run as one ``cv2.warpAffine`` per pair of cells:
    OpenCV 5's float bilinear kernels give exactly the pixels of ``cv2.remap`` through the same
    positions (every border but replicate: the generic kernel, ``remap_separable``, remaps), and
    the generic remap's within the module's tolerance."""
    from xalbu.backends.numpy_cv2 import distortion as B

    dtype = np.uint8
    img = random_image(dtype, c, batched, (120, 130))
    n = 3 if batched else None
    fills = np.array([1.0, 2.0, 3.0]) if batched else 7
    for seed, steps in ((0, 3), (1, 2), (2, 3), (3, 1)):
        xc, yc = _grid_cells(120, 130, steps, n if seed != 2 else None, seed)
        xx, yy = F.grid_positions(xc, 130), F.grid_positions(yc, 120)
        for border in (0, 2, 3, 4):
            tiles = B._affine_tiles(img, xc, yc, border, fills)
            assert tiles is not None, "the tiles path runs"
            out, ref = override_and_generic(F.grid_remap, img, xc, yc, 1, border, fills)
            np.testing.assert_array_equal(out, tiles)
            np.testing.assert_array_equal(ref, F.remap_separable(img, xx, yy, 1, border, fills))
            generic = F.remap_separable.generic(img, xx, yy, 1, border, fills)
            assert_close(out, generic, TOL[dtype], 0.0, f"border {border}")


def test_cell_pieces_and_the_cells_tiles_refuse():
    """The OpenCV backend's pieces are the cells (a one-pixel last cell at the end of the stretch
    before joins that cell; an empty one goes), their positions exactly; cells whose positions are
    not exact for the warp (finer than the grid's quantum, NaN, infinite, too many) and the dtypes, borders and
    interpolations the warp differs in go to the generic kernel: the remap, exactly as before."""
    from xalbu.backends.numpy_cv2 import distortion as B

    for size, steps in ((256, 5), (512, 5), (100, 7), (64, 1), (250, 5)):
        cells = D.grid_cells(size, steps, 1 + np.random.default_rng(size).uniform(-0.3, 0.3, steps + 1), True)
        xx = F.grid_positions(cells, size)
        assert np.array_equal(np.float32(xx), xx)  # float32 numbers
        firsts, ends, step, begin, lo, hi = B._cell_pieces(cells, size)
        cell = size // steps
        want = [k * cell for k in range(steps + 1) if k * cell < size and (k < steps or size - k * cell > 1)]
        assert list(firsts) == want and ends[-1] == size and (lo, hi) == (xx.min(), xx.max())
        for f, e, s, a in zip(firsts, ends, step, begin, strict=True):
            np.testing.assert_array_equal(a + s * np.arange(e - f), xx[f:e])
    loose = np.array([[0.0, 1.0], [2.0, 1.0], [3.0, 1.0]])  # a last pixel not where the stretch ends
    assert B._cell_pieces(loose, 5)[0] == (0, 2, 4)
    assert B._cell_pieces(loose + [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]], 5)[0] == (0, 2)
    for bad in (
        [[0.0, 2.0**-40], [1.0, 1.0]],
        [[0.0, np.nan], [1.0, 1.0]],
        [[0.0, 1.0], [np.inf, 1.0], [0.0, 0.0]],
    ):
        assert B._cell_pieces(np.array(bad), 10) is None
    assert B._cell_pieces(np.zeros((B._MAX_CELLS + 1, 2)), 1000) is None
    img = random_image(np.uint8, 3, False, (120, 130))
    xc, yc = _grid_cells(120, 130, 3, None, 0)
    xx, yy = F.grid_positions(xc, 130), F.grid_positions(yc, 120)
    fine = xc + np.array([0.0, 2.0**-40])
    assert B._affine_tiles(img, xc, yc, 0, 0) is not None and B._affine_tiles(img, fine, yc, 0, 0) is None
    cases = ((np.uint8, 1, 1, 3), (np.uint8, 2, 0, 3), (np.uint8, 1, 0, 2), (np.uint8, 0, 0, 3))
    cases += ((np.uint16, 1, 0, 3), (np.float32, 1, 0, 1))
    for dtype, interp, border, c in cases:  # remapped: exactly as before
        one = random_image(dtype, c, False, (120, 130))
        out = F.grid_remap(one, xc, yc, interp, border, 0)
        mx, my = np.meshgrid(np.float32(xx), np.float32(yy))
        ref = F.remap(one, np.stack([mx, my], axis=-1), interp, border, 0)
        np.testing.assert_array_equal(out, ref, err_msg=f"{dtype} {interp} {border} {c}")


@pytest.mark.parity.with_args("cupy", F.remap)
@pytest.mark.parametrize("dtype", DTYPES)
def test_remap_cupy_matches_generic(cupy, dtype):
    """Tolerance: exact (integers), 1e-6 (float32). One launch for the whole batch, whatever N."""
    img = random_image(dtype, 3, True, (9, 11))
    maps = smooth_maps(9, 11, 3)
    fills = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) / (10.0 if dtype == np.float32 else 1.0)
    for interp in (0, 1, 2):
        for border in (0, 1, 2, 3, 4):
            got = F.remap(cupy.asarray(img), cupy.asarray(maps), interp, border, fills)
            assert isinstance(got, cupy.ndarray)
            ref = F.remap.generic(img, maps, interp, border, fills)
            np.testing.assert_allclose(
                cupy.asnumpy(got).astype(np.float64), ref.astype(np.float64), atol=1e-6
            )
    one = F.remap(cupy.asarray(img[1]), cupy.asarray(maps[1]), 1, 0, tuple(fills[1]))
    np.testing.assert_array_equal(
        cupy.asnumpy(one), cupy.asnumpy(F.remap(cupy.asarray(img), cupy.asarray(maps), 1, 0, fills))[1]
    )
    mask = np.arange(9 * 11).reshape(1, 9, 11, 1).astype(np.int32)
    got = F.remap(cupy.asarray(mask), cupy.asarray(maps[0]), 0, 0, 3)
    np.testing.assert_array_equal(cupy.asnumpy(got), F.remap.generic(mask, maps[0], 0, 0, 3))


def test_cupy_batch_is_one_remap_launch_and_no_sync(cupy):
    """A batch of any size: the maps and the remap in a number of launches independent of N."""
    counts = []
    for n in (2, 5):
        imgs = cupy.asarray(random_image(np.uint8, 3, True, (16, 20))[:1].repeat(n, axis=0))
        t = D.ElasticTransform(alpha=20, sigma=4, p=1)
        cupy.reset_stats()
        out = A.Compose([t], seed=1).batch(images=imgs)["images"]
        assert isinstance(out, cupy.ndarray)
        counts.append(cupy.STATS["launches"])
        assert cupy.STATS["to_host"] == 0
    assert counts[0] == counts[1]


# ------------------------------------------------------------------------------- albumentations
@pytest.mark.parametrize("dtype", (np.uint8, np.float32))
@pytest.mark.parametrize("interp", (0, 1, 2))
@pytest.mark.parametrize("border", (0, 1, 4))
def test_remap_matches_albumentations_on_the_same_maps(dtype, interp, border):
    """albumentations' distortions resample through ``cv2.remap`` of their maps: the same maps give
    the same pixels (uint8 within 1)."""
    import albumentations.augmentations.geometric.functional as fg

    img = random_image(dtype, 3, False, (30, 40), seed=2)
    maps = smooth_maps(30, 40, amp=4.0, seed=5)
    fill = (
        (9, 9, 9) if dtype == np.uint8 else (0.5, 0.5, 0.5)
    )  # albumentations: a number fills channel 0 only
    want = fg.remap(img, maps[..., 0], maps[..., 1], interp, border, fill)
    got = F.remap(img, maps, interp, border, 9 if dtype == np.uint8 else 0.5)
    assert_close(got, want, 1 if dtype == np.uint8 else 1e-5, 0.0, "remap")


def test_grid_distortion_matches_albumentations_on_its_maps():
    """Given albumentations' own grid maps, the remap gives albumentations' pixels (uint8 within 1;
    the mask exactly but for a few exact ``.5`` ties)."""
    import albumentations as AL
    import albumentations.augmentations.geometric.functional as fg

    img = smooth_image(np.uint8, 3, False, (60, 70))
    mask = (smooth_image(np.uint8, 1, False, (60, 70))[..., 0] > 128).astype(np.uint8)
    t = D.GridDistortion(num_steps=4, distort_limit=0.4, p=1)
    params = t.sample(np.random.default_rng(0), (60, 70), None)
    a = AL.GridDistortion(num_steps=4, distort_limit=0.4, p=1)
    p = fg.normalize_grid_distortion_steps((60, 70), 4, list(params.steps_x), list(params.steps_y))
    mx, my = fg.generate_grid((60, 70), p["steps_x"], p["steps_y"], 4)
    got = F.remap_separable(img, mx[0], my[:, 0], 1, 0, 0)
    assert_close(got, a.apply(img, mx, my), 1, 0.0, "image")
    got_mask = F.remap_separable(mask[..., None], mx[0], my[:, 0], 0, 0, 0)[..., 0]
    assert np.mean(got_mask != a.apply_to_mask(mask, mx, my)) < 0.002


@pytest.mark.golden.with_args(F.optical_maps)
def test_optical_maps_golden(xp):
    """``k = 0`` is the identity; the camera model at a corner pixel by hand; per-sample ``k``."""
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    for fisheye in (False, True):
        np.testing.assert_array_equal(xp.to_numpy(F.optical_maps(like, 0.0, (3, 4), fisheye)), identity(3, 4))
    m = xp.to_numpy(F.optical_maps(like, np.array([0.0, 0.5]), (4, 4), False))
    # pixel (0, 0): x = y = -1.5 / 4, r2 = 0.28125, f = 1 + 0.5 * 0.28125 + 0.5 * 0.28125^2
    np.testing.assert_allclose(m[1, 0, 0], [-0.270263671875] * 2, atol=1e-6)
    np.testing.assert_array_equal(m[0], identity(4, 4))
    # fisheye, pixel (0, 0) of a 2 x 2 image: about (1, 1), r^2 / R^2 = 1
    np.testing.assert_allclose(
        xp.to_numpy(F.optical_maps(like, 0.5, (2, 2), True))[0, 0], [-0.5, -0.5], atol=1e-6
    )


@pytest.mark.parity.with_args("numpy_cv2", F.optical_maps)
@pytest.mark.parametrize("fisheye", (False, True))
def test_optical_maps_numpy_override(fisheye):
    """Tolerance: 1e-4 px (float32 passes in another order)."""
    like = np.zeros(0, np.float32)
    for hw in ((31, 40), (8, 5)):
        for k in (0.3, np.array([-0.5, 0.0, 0.7])):
            got = F.optical_maps(like, k, hw, fisheye)
            ref = F.optical_maps.generic(like, k, hw, fisheye)
            assert got.shape == ref.shape and got.dtype == np.float32
            np.testing.assert_allclose(got, ref, atol=1e-4)


@pytest.mark.parametrize("k", (-0.4, 0.05, 0.5))
def test_optical_maps_match_albumentations(k):
    """Fisheye: albumentations' maps; camera: albumentations' maps less its half-pixel shift (OpenCV's
    default new camera centres the output at ``(W - 1) / 2`` while the model is centred at ``W / 2``)."""
    import albumentations.augmentations.geometric.functional as fg

    for hw in ((60, 80), (33, 47)):
        cam = np.stack(fg.get_camera_matrix_distortion_maps(hw, k), axis=-1)
        fish = np.stack(fg.get_fisheye_distortion_maps(hw, k), axis=-1)
        np.testing.assert_allclose(
            F.optical_maps(np.zeros(0, np.float32), k, hw, False), cam - 0.5, atol=1e-4
        )
        np.testing.assert_allclose(F.optical_maps(np.zeros(0, np.float32), k, hw, True), fish, atol=1e-4)


# ------------------------------------------------------------------------------------- targets
def _pipeline(t, **kw):
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["bl"]),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]),
        **kw,
    )


STRONG = {
    D.ElasticTransform: {"alpha": 60.0, "sigma": 6.0},
    D.GridDistortion: {"num_steps": 5, "distort_limit": 0.4},
    D.OpticalDistortion: {"distort_limit": 0.6},
    D.PiecewiseAffine: {"scale": (0.05, 0.08), "nb_rows": (3, 5), "nb_cols": 4},
    D.ThinPlateSpline: {"scale_range": (0.3, 0.5), "num_control_points": 3},
    D.GridElasticDeform: {"num_grid_xy": (4, 3), "magnitude": 3},
}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_keypoint_on_a_mask_pixel_stays_on_that_pixel(cls):
    h, w = 48, 56
    pipe = _pipeline(cls(**STRONG[cls], p=1), seed=4)
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(4):
        kps = [(x + 0.5, y + 0.5) for y in range(1, h - 1, 4) for x in range(1, w - 1, 4)]
        mask = np.zeros((h, w), np.int32)
        for i, (x, y) in enumerate(kps):
            mask[int(y), int(x)] = i + 1
        out = pipe(
            image=rng.integers(0, 255, (h, w, 3), np.uint8),
            mask=mask,
            keypoints=kps,
            kl=list(range(len(kps))),
        )
        m = out["mask"]
        for (x, y), label in zip(out["keypoints"], out["kl"], strict=True):
            if (m == label + 1).any():  # a pixel nearest sampling keeps (a squeezed region may drop it)
                assert m[int(y), int(x)] == label + 1, (x, y, label)
                checked += 1
    assert checked > 300


def test_forward_points_solve_the_map_to_a_tenth_of_a_pixel():
    maps = smooth_maps(40, 50, 2, amp=3.0)
    rng = np.random.default_rng(1)
    pts = rng.uniform([6, 6], [44, 34], (200, 2))
    sample = rng.integers(0, 2, 200)
    out = D.forward_points(maps, pts, sample)
    # the map, bilinear at the solution, gives back the point (snapping aside: within a pixel)
    for i in range(len(pts)):
        q = out[i] - 0.5
        x0, y0 = int(np.floor(q[0])), int(np.floor(q[1]))
        fx, fy = q[0] - x0, q[1] - y0
        mm = maps[sample[i]].astype(np.float64)
        v = (1 - fy) * ((1 - fx) * mm[y0, x0] + fx * mm[y0, x0 + 1]) + fy * (
            (1 - fx) * mm[y0 + 1, x0] + fx * mm[y0 + 1, x0 + 1]
        )
        assert np.abs(v - (pts[i] - 0.5)).max() < 1.0
    plain = D.forward_points(maps, pts, sample)
    unsnapped = D._newton(*_newton_inputs(maps, pts, sample)) + 0.5
    assert np.median(np.abs(plain - unsnapped).max(axis=1)) < 0.1


def _newton_inputs(maps, pts, sample):
    h, w = maps.shape[1:3]
    disp = maps.astype(np.float64) - identity(h, w)
    d = disp[sample]
    t = pts - 0.5
    return d, t, t - D._sample_map(d, t)[0]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_boxes_are_the_box_of_the_moved_box_mask(cls):
    h, w = 50, 60
    pipe = _pipeline(cls(**STRONG[cls], p=1), seed=2)
    boxes = [(5, 6, 20, 30), (30.3, 10.7, 58, 47.2), (0, 0, 60, 50), (44, 2, 47, 4)]
    for _ in range(4):
        masks = []
        for x0, y0, x1, y1 in boxes:
            m = np.zeros((h, w), np.uint8)
            cx = (np.arange(w) + 0.5 >= x0) & (np.arange(w) + 0.5 < x1)
            cy = (np.arange(h) + 0.5 >= y0) & (np.arange(h) + 0.5 < y1)
            m[np.ix_(cy, cx)] = 1
            masks.append(m)
        out = pipe(image=np.zeros((h, w, 3), np.uint8), masks=masks, bboxes=boxes, bl=list(range(len(boxes))))
        got = dict(zip(out["bl"], out["bboxes"], strict=True))
        for i, m in enumerate(out["masks"]):
            ys, xs = np.nonzero(m)
            if not len(ys):
                assert i not in got
                continue
            np.testing.assert_allclose(got[i], (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_samples_map_is_the_same_alone_or_in_a_batch(cls):
    t = cls(**STRONG[cls], p=1)
    imgs = random_image(np.uint8, 3, True, (32, 40))
    p = t.sample(np.random.default_rng(5), (32, 40), 3)
    mb = t.maps(p, (32, 40), imgs)
    assert mb.shape == (3, 32, 40, 2)
    for i in range(3):
        one = type(p)(**{k: (int(v[i]) if k == "seed" else np.asarray(v)[i]) for k, v in vars(p).items()})
        np.testing.assert_allclose(t.maps(one, (32, 40), imgs[i]), mb[i], atol=1e-4)


def test_unapplied_samples_are_unchanged_and_targets_stay():
    imgs = random_image(np.uint8, 3, True, (20, 24))
    imgs = np.concatenate([imgs, imgs])
    kps = [np.array([[5.5, 6.5]])] * len(imgs)
    pipe = A.Compose(
        [D.ElasticTransform(alpha=30, sigma=3, p=0.5)], keypoint_params=A.KeypointParams(format="xy"), seed=1
    )
    out = pipe.batch(images=imgs, keypoints=kps)
    changed = np.array([not np.array_equal(out["images"][i], imgs[i]) for i in range(len(imgs))])
    assert changed.any() and not changed.all()
    for i in np.flatnonzero(~changed):
        np.testing.assert_array_equal(out["keypoints"][i], kps[i])


def test_two_d_images_stay_two_d_and_alpha_zero_is_identity():
    img = random_image(np.uint8, 1, False, (20, 24))[..., 0]
    assert D.ElasticTransform(alpha=50, sigma=4, p=1)(image=img)["image"].shape == (20, 24)
    np.testing.assert_array_equal(D.ElasticTransform(alpha=0, p=1)(image=img)["image"], img)
    np.testing.assert_array_equal(D.GridDistortion(distort_limit=0, p=1)(image=img)["image"], img)


# -------------------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: D.ElasticTransform(alpha=-1), "alpha"),
        (lambda: D.ElasticTransform(alpha=float("nan")), "alpha"),
        (lambda: D.ElasticTransform(sigma=0.5), "sigma"),
        (lambda: D.ElasticTransform(approximate=1), "approximate"),
        (lambda: D.ElasticTransform(same_dxdy="yes"), "same_dxdy"),
        (lambda: D.ElasticTransform(noise_distribution="poisson"), "noise_distribution"),
        (lambda: D.ElasticTransform(keypoint_remapping_method="nearest"), "keypoint_remapping_method"),
        (lambda: D.ElasticTransform(interpolation=7), "interpolation"),
        (lambda: D.ElasticTransform(border_mode=9), "border_mode"),
        (lambda: D.GridDistortion(num_steps=0), "num_steps"),
        (lambda: D.GridDistortion(num_steps=True), "num_steps"),
        (lambda: D.GridDistortion(distort_limit=1.5), "distort_limit"),
        (lambda: D.GridDistortion(distort_limit=(0.2, float("nan"))), "distort_limit"),
        (lambda: D.GridDistortion(normalized=0), "normalized"),
        (lambda: D.GridDistortion(mask_interpolation=-1), "mask_interpolation"),
        (lambda: D.OpticalDistortion(distort_limit="0.1"), "distort_limit"),
        (lambda: D.OpticalDistortion(distort_limit=(0.2, 0.1)), "distort_limit"),
        (lambda: D.OpticalDistortion(mode="barrel"), "mode"),
        (lambda: D.PiecewiseAffine(scale=-0.1), "scale"),
        (lambda: D.ThinPlateSpline(scale_range=(0.2, 1.5)), "scale_range"),
        (lambda: D.GridElasticDeform(num_grid_xy=(0, 3), magnitude=2), "num_grid_xy"),
        (lambda: D.GridElasticDeform(num_grid_xy=4, magnitude=2), "num_grid_xy"),
        (lambda: D.GridElasticDeform(num_grid_xy=(4, 4), magnitude=0), "magnitude"),
        (lambda: D.GridElasticDeform(num_grid_xy=(4, 4), magnitude=1.5), "magnitude"),
        (lambda: D.ThinPlateSpline(num_control_points=1), "num_control_points"),
        (lambda: D.ThinPlateSpline(num_control_points=3.0), "num_control_points"),
        (lambda: D.PiecewiseAffine(nb_rows=1), "nb_rows"),
        (lambda: D.PiecewiseAffine(nb_cols=(5, 3)), "nb_cols"),
        (lambda: D.PiecewiseAffine(absolute_scale="no"), "absolute_scale"),
        (lambda: D.OpticalDistortion(fill=(1, float("nan"))), "fill"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((TypeError, ValueError), match=match):
        factory()


def test_grid_distortion_refuses_images_smaller_than_the_grid():
    with pytest.raises(ValueError, match="num_steps"):
        D.GridDistortion(num_steps=8, p=1)(image=np.zeros((5, 20), np.uint8))
