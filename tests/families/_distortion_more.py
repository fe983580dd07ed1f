"""Distortion tests, part 2 (collected through ``test_distortion.py``): RandomGridShuffle,
Morphological, PiecewiseAffine, ThinPlateSpline and GridElasticDeform: their kernels (golden values
over every backend, OpenCV parity, exact unless stated), albumentations parity where the operation is
the same, and the targets following the pixels."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import distortion as F
from xalbu.transforms import distortion as D

from ._spatial import override_and_generic, random_image

DTYPES = (np.uint8, np.uint16, np.float32)


def identity(h: int, w: int) -> np.ndarray:
    return np.stack(np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)), axis=-1)


def _pipeline(t, **kw):
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["bl"]),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]),
        **kw,
    )


# ------------------------------------------------------------------------------------ grid shuffle
@pytest.mark.golden.with_args(F.shuffle_tiles)
def test_shuffle_tiles_golden(xp):
    img = np.arange(24).reshape(4, 6, 1).astype(np.uint16)
    out = xp.to_numpy(F.shuffle_tiles(xp.asarray(img), [0, 2, 4], [0, 3, 6], [3, 2, 1, 0]))[..., 0]
    np.testing.assert_array_equal(
        out, [[15, 16, 17, 12, 13, 14], [21, 22, 23, 18, 19, 20], [3, 4, 5, 0, 1, 2], [9, 10, 11, 6, 7, 8]]
    )
    batch = np.stack([img, img + 100])
    got = xp.to_numpy(
        F.shuffle_tiles(
            xp.asarray(batch),
            np.array([[0, 4], [0, 4]]),
            np.array([[0, 3, 6], [0, 3, 6]]),
            np.array([[1, 0], [0, 1]]),
        )
    )
    np.testing.assert_array_equal(got[0, :, :3], img[:, 3:])
    np.testing.assert_array_equal(got[1], batch[1])


@pytest.mark.golden.with_args(F.tile_maps)
def test_tile_maps_golden(xp):
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    ident = xp.to_numpy(F.tile_maps(like, [0, 2], [0, 2, 4], [0, 1]))
    np.testing.assert_array_equal(ident, identity(2, 4))
    sw = xp.to_numpy(F.tile_maps(like, [0, 2], [0, 2, 4], [1, 0]))
    np.testing.assert_array_equal(sw[..., 0], [[2, 3, 0, 1]] * 2)
    np.testing.assert_array_equal(sw[..., 1], [[0] * 4, [1] * 4])


@pytest.mark.parity.with_args("numpy_cv2", F.shuffle_tiles)
@pytest.mark.parametrize("dtype", (np.uint8, np.uint16, np.float32, np.int32, bool))
def test_shuffle_tiles_numpy_override_is_exact(dtype):
    """Tolerance: none (slice copies vs a nearest remap at whole-pixel positions)."""
    rng = np.random.default_rng(0)
    img = (rng.random((2, 13, 17, 3)) * 200).astype(dtype)
    t = D.RandomGridShuffle(grid=(3, 4), p=1)
    one = t.sample(rng, (13, 17), None)
    out, ref = override_and_generic(F.shuffle_tiles, img[0], one.ys, one.xs, one.mapping)
    np.testing.assert_array_equal(out, ref)
    many = t.sample(rng, (13, 17), 2)
    out, ref = override_and_generic(F.shuffle_tiles, img, many.ys, many.xs, many.mapping)
    np.testing.assert_array_equal(out, ref)


def test_grid_shuffle_matches_albumentations_on_the_same_tiles():
    """Images, masks and keypoints: albumentations' own functions on the same tiles and mapping."""
    import albumentations.augmentations.geometric.functional as fg

    rng = np.random.default_rng(3)
    t = D.RandomGridShuffle(grid=(3, 3), p=1)
    img = random_image(np.uint8, 3, False, (31, 40))
    for _ in range(5):
        p = t.sample(rng, (31, 40), None)
        tiles = np.array(
            [(p.ys[i], p.xs[j], p.ys[i + 1], p.xs[j + 1]) for i in range(3) for j in range(3)], np.int16
        )
        want = fg.swap_tiles_on_image(img, tiles, list(p.mapping))
        np.testing.assert_array_equal(F.shuffle_tiles(img, p.ys, p.xs, p.mapping), want)
        kps = rng.uniform(0, [40, 31], (20, 2))
        got = kps + D._tile_translation(p, kps, np.zeros(20, np.int64))
        np.testing.assert_allclose(got, fg.swap_tiles_on_keypoints(kps, tiles, np.array(p.mapping))[:, :2])


def test_grid_shuffle_targets_follow_their_tiles():
    h, w = 31, 40
    pipe = _pipeline(D.RandomGridShuffle(grid=(3, 4), p=1), seed=6)
    boxes = [(2, 3, 25, 20), (30.2, 1.7, 39.5, 29.0), (5, 25, 6, 26)]
    for _ in range(4):
        kps = [(x + 0.5, y + 0.5) for y in range(0, h, 3) for x in range(0, w, 3)]
        mask = np.zeros((h, w), np.int32)
        for i, (x, y) in enumerate(kps):
            mask[int(y), int(x)] = i + 1
        masks = []
        for x0, y0, x1, y1 in boxes:
            m = np.zeros((h, w), np.uint8)
            cx = (np.arange(w) + 0.5 >= x0) & (np.arange(w) + 0.5 < x1)
            cy = (np.arange(h) + 0.5 >= y0) & (np.arange(h) + 0.5 < y1)
            m[np.ix_(cy, cx)] = 1
            masks.append(m)
        out = pipe(
            image=np.zeros((h, w, 3), np.uint8),
            mask=mask,
            masks=masks,
            keypoints=kps,
            kl=list(range(len(kps))),
            bboxes=boxes,
            bl=list(range(len(boxes))),
        )
        assert len(out["keypoints"]) == len(kps)
        for (x, y), label in zip(out["keypoints"], out["kl"], strict=True):
            assert out["mask"][int(y), int(x)] == label + 1
        for i, m in enumerate(out["masks"]):
            got = sorted(tuple(b) for b, label in zip(out["bboxes"], out["bl"], strict=True) if label == i)
            import cv2

            count, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
            want = sorted(
                (float(x), float(y), float(x + ww), float(y + hh))
                for x, y, ww, hh, _ in stats[1:count].tolist()
            )
            assert got == want, (i, got, want)


def test_grid_shuffle_bad_arguments():
    for bad, err in (((0, 3), ValueError), ((2.5, 3), TypeError), (3, TypeError), ((True, 2), TypeError)):
        with pytest.raises(err, match="grid"):
            D.RandomGridShuffle(grid=bad)


# ----------------------------------------------------------------------------------- morphological
@pytest.mark.golden.with_args(F.morphology)
def test_morphology_golden(xp):
    img = np.zeros((5, 6, 1), np.uint8)
    img[2, 2] = 9
    img[0, 5] = 4
    k = np.array([[0, 1], [1, 1], [0, 1]], np.uint8)  # OpenCV's 2 x 3 ellipse, anchor (1, 1)
    out = xp.to_numpy(F.morphology(xp.asarray(img), k, True))[..., 0]
    want = np.zeros((5, 6), np.uint8)
    want[1:4, 2] = 9
    want[2, 3] = 9
    want[0:2, 5] = 4
    np.testing.assert_array_equal(out, want)
    full = np.full((4, 4, 1), 7, np.float32) / 10
    full[0, 0] = 0.1
    ero = xp.to_numpy(F.morphology(xp.asarray(full), np.ones((3, 3)), False))[..., 0]
    np.testing.assert_allclose(ero[:2, :2], 0.1)  # the border is ignored: no erosion from outside
    np.testing.assert_allclose(ero[2:, 2:], 0.7)


@pytest.mark.parity.with_args("numpy_cv2", F.morphology)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c", (1, 3, 6))
def test_morphology_numpy_override_is_exact(dtype, c):
    """Tolerance: none."""
    import cv2

    img = random_image(dtype, c, True, (11, 13))
    for size in ((2, 3), (5, 5), (1, 4)):
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, size)
        for dilate in (True, False):
            out, ref = override_and_generic(F.morphology, img, k, dilate)
            np.testing.assert_array_equal(out, ref)
            out, ref = override_and_generic(F.morphology, img[0], k, dilate)
            np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("operation", ("dilation", "erosion"))
@pytest.mark.parametrize("scale", ((2, 3), (5, 5), 3))
def test_morphological_matches_albumentations(operation, scale):
    import albumentations as AL

    img = random_image(np.uint8, 3, False, (30, 40), seed=4)
    mask = (random_image(np.uint8, 1, False, (30, 40), seed=5)[..., 0] > 200).astype(np.uint8)
    want = AL.Morphological(scale=scale, operation=operation, p=1)(image=img, mask=mask)
    got = D.Morphological(scale=scale, operation=operation, p=1)(image=img, mask=mask)
    np.testing.assert_array_equal(got["image"], want["image"])
    np.testing.assert_array_equal(got["mask"], want["mask"])


@pytest.mark.parametrize("operation", ("dilation", "erosion"))
def test_morphological_boxes_are_the_box_of_the_morphed_box_mask(operation):
    h, w = 30, 40
    pipe = _pipeline(D.Morphological(scale=(3, 5), operation=operation, p=1), seed=0)
    boxes = [(5, 6, 20, 25), (30.4, 0, 40, 3.2), (10, 10, 11, 12)]
    masks = []
    for x0, y0, x1, y1 in boxes:
        m = np.zeros((h, w), np.uint8)
        cx = (np.arange(w) + 0.5 >= x0) & (np.arange(w) + 0.5 < x1)
        cy = (np.arange(h) + 0.5 >= y0) & (np.arange(h) + 0.5 < y1)
        m[np.ix_(cy, cx)] = 1
        masks.append(m)
    kps = [(3.5, 4.5), (20.0, 20.0)]
    out = pipe(
        image=np.zeros((h, w, 3), np.uint8), masks=masks, bboxes=boxes, bl=[0, 1, 2], keypoints=kps, kl=[0, 1]
    )
    assert out["keypoints"] == kps
    got = dict(zip(out["bl"], out["bboxes"], strict=True))
    for i, m in enumerate(out["masks"]):
        ys, xs = np.nonzero(m)
        if not len(ys):
            assert i not in got
            continue
        np.testing.assert_allclose(got[i], (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))


def test_morphological_bad_arguments():
    for kwargs, match in (
        ({"scale": 0}, "scale"),
        ({"scale": (3, 2)}, "scale"),
        ({"scale": (2.5, 3)}, "scale"),
        ({"scale": True}, "scale"),
        ({"operation": "opening"}, "operation"),
    ):
        with pytest.raises((TypeError, ValueError), match=match):
            D.Morphological(**kwargs)


# ---------------------------------------------------------------------------------- piecewise affine
@pytest.mark.golden.with_args(F.mesh_maps)
def test_mesh_maps_golden(xp):
    """Nodes at their own positions: the identity; one node moved: the pixels of its triangles move
    linearly (by hand on a 3 x 3 image with a 2 x 2 grid: the corners are the nodes)."""
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    ident = np.stack(np.meshgrid([0.0, 2.0], [0.0, 2.0]), axis=-1)  # (2, 2, 2): (x, y)
    np.testing.assert_array_equal(xp.to_numpy(F.mesh_maps(like, ident, (2, 2), (3, 3))), identity(3, 3))
    moved = ident.copy()
    moved[1, 1] = (2.0, 4.0)  # the bottom-right node reads 2 px lower
    m = xp.to_numpy(F.mesh_maps(like, moved, (2, 2), (3, 3)))
    # upper triangle (u >= v), pixel (row 0, col 2): u = 1, v = 0 -> node (0, 1): unmoved
    np.testing.assert_allclose(m[0, 2], [2.0, 0.0])
    # pixel (1, 1): u = v = 0.5 -> p00 + 0.5 (p01 - p00) + 0.5 (p11 - p01) = (1, 2)
    np.testing.assert_allclose(m[1, 1], [1.0, 2.0])
    # lower triangle, pixel (2, 1): u = 0.5, v = 1 -> p00 + (p10 - p00) + 0.5 (p11 - p10) = (1, 3)
    np.testing.assert_allclose(m[2, 1], [1.0, 3.0])
    # a batch of two grids of different sizes, padded
    pts = np.zeros((2, 3, 3, 2))
    pts[0, :2, :2] = ident
    pts[1] = np.stack(np.meshgrid([0.0, 1.0, 2.0], [0.0, 1.0, 2.0]), axis=-1)
    mb = xp.to_numpy(F.mesh_maps(like, pts, np.array([[2, 2], [3, 3]]), (3, 3)))
    np.testing.assert_allclose(mb, np.stack([identity(3, 3)] * 2), atol=1e-6)


def test_piecewise_affine_draws():
    t = D.PiecewiseAffine(scale=(0.0, 0.0), nb_rows=(3, 5), nb_cols=4, p=1)
    p = t.sample(np.random.default_rng(0), (40, 50), 6)
    assert p.points.shape == (6, 5, 4, 2) and p.shape.shape == (6, 2)
    assert set(p.shape[:, 0].tolist()) <= {3, 4, 5} and (p.shape[:, 1] == 4).all()
    np.testing.assert_allclose(
        t.maps(p, (40, 50), np.zeros(0, np.float32)), np.stack([identity(40, 50)] * 6), atol=1e-4
    )
    one = t.sample(np.random.default_rng(0), (40, 50), None)
    assert one.points.shape == (5, 4, 2) and one.shape.shape == (2,)


# -------------------------------------------------------------------------------- thin-plate spline
@pytest.mark.golden.with_args(F.tps_maps)
def test_tps_maps_golden(xp):
    """The identity spline is the identity map; a pure affine part by hand; the spline passes
    through its control points."""
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    src = D.control_points(3)
    w, a = F.tps_fit(src, src)
    np.testing.assert_allclose(w, 0, atol=1e-12)
    np.testing.assert_allclose(xp.to_numpy(F.tps_maps(like, src, w, a, (4, 6))), identity(4, 6), atol=1e-5)
    shift = np.array([[0.5, 0.0], [1.0, 0.0], [0.0, 1.0]])  # f(p) = p + (0.5, 0): half the width right
    m = xp.to_numpy(F.tps_maps(like, src, np.zeros((9, 2)), shift, (4, 6)))
    np.testing.assert_allclose(m, identity(4, 6) + np.array([3.0, 0.0], np.float32), atol=1e-5)
    dst = src + np.random.default_rng(0).normal(0, 0.05, src.shape)
    w, a = F.tps_fit(src, dst)
    m = xp.to_numpy(F.tps_maps(like, src, w, a, (11, 11)))  # nodes at 0, 0.5, 1 -> pixels 0, 5.5, 11
    np.testing.assert_allclose(m[0, 0], dst[0] * 11, atol=1e-4)
    wb, ab = F.tps_fit(src, np.stack([src, dst]))
    mb = xp.to_numpy(F.tps_maps(like, src, wb, ab, (11, 11)))
    np.testing.assert_allclose(mb[1], m, atol=1e-4)
    np.testing.assert_allclose(mb[0], identity(11, 11), atol=1e-4)


def test_tps_passes_through_its_points_where_albumentations_misses_them():
    src = D.control_points(4)
    dst = src + np.random.default_rng(1).normal(0, 0.03, src.shape)
    w, a = F.tps_fit(src, dst)
    sq = ((src[:, None] - src[None]) ** 2).sum(-1)
    u = np.where(sq > 0, sq * np.log(np.where(sq > 0, sq, 1)), 0)
    got = u @ w + np.concatenate([np.ones((16, 1)), src], axis=1) @ a
    np.testing.assert_allclose(got, dst, atol=1e-9)


# ------------------------------------------------------------------------------- grid elastic deform
@pytest.mark.golden.with_args(F.quad_maps)
def test_quad_maps_golden(xp):
    """Vertices at their own positions: the identity; the inner vertex of a 2 x 2 grid moved by
    (1, 0): pixels between it and the fixed corners move by the bilinear fraction (by hand)."""
    like = xp.asarray(np.zeros((1, 1, 1), np.float32))
    ys, xs = [0, 2, 4], [0, 2, 4]
    vert = np.stack(np.meshgrid([0.0, 2.0, 4.0], [0.0, 2.0, 4.0]), axis=-1)
    np.testing.assert_array_equal(xp.to_numpy(F.quad_maps(like, ys, xs, vert)), identity(4, 4))
    moved = vert.copy()
    moved[1, 1] = (3.0, 2.0)
    m = xp.to_numpy(F.quad_maps(like, ys, xs, moved))
    np.testing.assert_allclose(m[2, 2], [3.0, 2.0])  # the vertex itself
    np.testing.assert_allclose(m[1, 1], [1.25, 1.0])  # u = v = 0.5 in the top-left cell: + 1/4
    np.testing.assert_allclose(m[2, 0], [0.0, 2.0])  # on the fixed left edge
    np.testing.assert_allclose(m[3, 3], [3.25, 3.0])  # u = v = 0.5 of the bottom-right cell
    mb = xp.to_numpy(F.quad_maps(like, np.array([ys, ys]), np.array([xs, xs]), np.stack([moved, vert])))
    np.testing.assert_allclose(mb[0], m)
    np.testing.assert_array_equal(mb[1], identity(4, 4))


@pytest.mark.parity.with_args("numpy_cv2", F.quad_maps)
def test_quad_maps_numpy_override():
    """Tolerance: 1e-4 px (products summed in another order)."""
    t = D.GridElasticDeform(num_grid_xy=(5, 3), magnitude=4, p=1)
    like = np.zeros(0, np.float32)
    for n in (None, 3):
        p = t.sample(np.random.default_rng(2), (29, 43), n)
        ys, xs, mv = np.asarray(p.ys), np.asarray(p.xs), np.asarray(p.moves)
        yb, xb, mb = (ys, xs, mv) if n else (ys[None], xs[None], mv[None])
        vx = (
            np.broadcast_to(xb[:, None, :], (yb.shape[0], yb.shape[1], xb.shape[1])).astype(np.float64).copy()
        )
        vy = np.broadcast_to(yb[:, :, None], vx.shape).astype(np.float64).copy()
        vx[:, 1:-1, 1:-1] += mb[..., 0]
        vy[:, 1:-1, 1:-1] += mb[..., 1]
        v = np.stack([vx, vy], axis=-1)
        v = v if n else v[0]
        got = F.quad_maps(like, ys, xs, v)
        ref = F.quad_maps.generic(like, ys, xs, v)
        assert got.shape == ref.shape and got.dtype == np.float32
        np.testing.assert_allclose(got, ref, atol=1e-4)


def test_grid_elastic_deform_vertices_read_their_moved_position():
    """Each inner vertex's pixel reads the vertex's moved position; the border rows and columns stay."""
    t = D.GridElasticDeform(num_grid_xy=(4, 3), magnitude=3, p=1)
    for n in (None, 3):
        p = t.sample(np.random.default_rng(1), (30, 41), n)
        m = t.maps(p, (30, 41), np.zeros(0, np.float32))
        ms, ps = (m, [p]) if n is not None else (m[None], [p])
        for i in range(1 if n is None else n):
            ys = np.asarray(p.ys if n is None else p.ys[i])
            xs = np.asarray(p.xs if n is None else p.xs[i])
            mv = np.asarray(p.moves if n is None else p.moves[i])
            for r in range(1, len(ys) - 1):
                for c in range(1, len(xs) - 1):
                    np.testing.assert_allclose(
                        ms[i][ys[r], xs[c]],
                        [xs[c] + mv[r - 1, c - 1, 0], ys[r] + mv[r - 1, c - 1, 1]],
                        atol=1e-3,
                    )
            np.testing.assert_allclose(ms[i][0, :, 1], 0, atol=1e-4)
            np.testing.assert_allclose(ms[i][:, 0, 0], 0, atol=1e-4)
        del ps
