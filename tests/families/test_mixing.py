"""Mixing: MixUp and CutMix (torchvision's maths, batch-native, partners and soft labels), Mosaic and
OverlayElements (exact against albumentations 2.0.8's functional on the same draws), kernels' golden
values and CPU <-> CuPy parity of the generic kernels."""

from __future__ import annotations

import warnings

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.core.state import State
from xalbu.functional import mixing as P
from xalbu.functional import sizing as FS
from xalbu.transforms import _mixing_mosaic as M
from xalbu.transforms.mixing import soft_targets

H, W = 16, 20


def _batch(n: int = 6, seed: int = 0) -> dict:
    r = np.random.default_rng(seed)
    return {
        "images": r.integers(0, 256, (n, H, W, 3), dtype=np.uint8),
        "masks": r.integers(0, 4, (n, H, W), dtype=np.uint8),
        "bboxes": [[(1.0, 1.0, 9.0, 9.0), (4.0, 6.0, 19.0, 15.0)] for _ in range(n)],
        "labels": [[f"{i}a", f"{i}b"] for i in range(n)],
        "keypoints": [[(2.0, 3.0), (15.5, 12.5)] for _ in range(n)],
    }


def _pipe(t, seed: int = 0, **kw) -> A.Compose:
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], **kw),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=seed,
        save_applied_params=True,
    )


def _step(out: dict) -> tuple[np.ndarray, dict]:
    params = out["applied_transforms"][0]["params"]
    return np.asarray(params["partners"]), params["params"]


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(P.mixup)
def test_mixup_golden(xp):
    a = np.array([[[100], [0]], [[255], [10]]], np.uint8)
    b = np.array([[[200], [255]], [[0], [11]]], np.uint8)
    out = xp.to_numpy(P.mixup(xp.asarray(a), xp.asarray(b), 0.25))
    assert out[..., 0].tolist() == [[175, 191], [64, 11]]  # 0.25a + 0.75b, rounded half up
    batch = xp.to_numpy(
        P.mixup(xp.asarray(np.stack([a, a])), xp.asarray(np.stack([b, b])), np.array([1.0, 0.0]))
    )
    np.testing.assert_array_equal(batch[0], a)
    np.testing.assert_array_equal(batch[1], b)
    f = xp.to_numpy(
        P.mixup(xp.asarray(a.astype(np.float32) / 255), xp.asarray(b.astype(np.float32) / 255), 0.5)
    )
    np.testing.assert_allclose(f, (a / 255.0 + b / 255.0) / 2, atol=1e-6)


@pytest.mark.golden.with_args(P.cutmix)
def test_cutmix_golden(xp):
    a = np.zeros((2, 3, 1), np.uint8)
    b = np.ones((2, 3, 1), np.uint8)
    out = xp.to_numpy(P.cutmix(xp.asarray(a), xp.asarray(b), (1, 0, 3, 1)))
    assert out[..., 0].tolist() == [[0, 1, 1], [0, 0, 0]]
    boxes = np.array([[0, 0, 1, 2], [0, 0, 0, 0]])
    got = xp.to_numpy(P.cutmix(xp.asarray(np.stack([a, a])), xp.asarray(np.stack([b, b])), boxes))
    assert got[0, ..., 0].tolist() == [[1, 0, 0], [1, 0, 0]] and not got[1].any()


@pytest.mark.golden.with_args(P.paste_where)
def test_paste_where_golden(xp):
    canvas = np.zeros((2, 3, 1), np.uint8)
    patch = np.full((1, 2, 1), 5, np.uint8)
    where = np.array([[1, 0]], np.uint8)
    out = xp.to_numpy(P.paste_where(xp.asarray(canvas), xp.asarray(patch), xp.asarray(where), 1, 1))
    assert out[..., 0].tolist() == [[0, 0, 0], [0, 5, 0]]
    assert not canvas.any()  # the input is untouched


@pytest.mark.golden.with_args(P.paste_where)
def test_paste_where_batch_golden(xp):
    canvas = np.zeros((2, 2, 3, 1), np.uint8)
    patch = np.array([[[5], [6]]], np.uint8)
    where = np.array([[1, 1]], np.uint8)
    out = xp.to_numpy(P.paste_where(xp.asarray(canvas), xp.asarray(patch), xp.asarray(where), [0, 1], [1, 0]))
    assert out[0, ..., 0].tolist() == [[0, 0, 0], [5, 6, 0]]
    assert out[1, ..., 0].tolist() == [[0, 5, 6], [0, 0, 0]]


@pytest.mark.golden.with_args(P.mosaic)
def test_mosaic_kernel_golden(xp):
    batch = (
        np.arange(2 * 2 * 2).reshape(2, 2, 2, 1).astype(np.uint8)
    )  # sample 0: [[0, 1], [2, 3]]; 1: [[4, 5], [6, 7]]
    part_row = np.array([[0, 0, 1]])  # a 3x3 output: rows 0-1 in part row 0, row 2 in part row 1
    part_col = np.array([[0, 1, 1]])
    source = np.array([[[0, 1], [1, 0]]])
    src_row = np.array([[[0, 0], [1, 1], [5, 0]]])  # row 2, part column 0: outside -> fill
    src_col = np.array([[[1, 0], [0, 0], [1, 1]]])
    out = xp.to_numpy(
        P.mosaic(xp.asarray(batch[:1] * 0 + batch[:1]), part_row, part_col, source % 1, src_row, src_col, 9)
    )
    assert out[0, ..., 0].tolist() == [[1, 0, 1], [3, 2, 3], [9, 0, 1]]
    both = xp.to_numpy(P.mosaic(xp.asarray(batch), part_row, part_col, source, src_row, src_col, (9,)))
    assert both[0, ..., 0].tolist() == [[1, 4, 5], [3, 6, 7], [9, 0, 1]]


# ------------------------------------------------------------------------------------------ MixUp
def test_mixup_batch_matches_the_formula_and_keeps_both_samples_rows():
    data = _batch()
    out = _pipe(A.MixUp(p=1.0), seed=3).batch(**data)
    partners, params = _step(out)
    lam = np.asarray(params["lam"])
    assert partners.shape == (6, 1) and not np.any(partners[:, 0] == np.arange(6))
    for i in range(6):
        j = int(partners[i, 0])
        want = lam[i] * data["images"][i].astype(np.float64) + (1 - lam[i]) * data["images"][j]
        np.testing.assert_allclose(out["images"][i], np.floor(want + 0.5), atol=1)
        np.testing.assert_array_equal(out["masks"][i], data["masks"][i])  # the sample's own mask
        assert out["labels"][i] == [f"{i}a", f"{i}b", f"{j}a", f"{j}b"]
        assert len(out["keypoints"][i]) == 4


def test_mixup_lambdas_follow_beta_alpha_alpha():
    t = A.MixUp(alpha=0.4)
    lam = t.sample(np.random.default_rng(0), (H, W), 20000).lam
    want = np.random.default_rng(0).beta(0.4, 0.4, 20000)
    np.testing.assert_array_equal(lam, want)  # torchvision's Beta(alpha, alpha)


def test_soft_targets_are_torchvisions_formula():
    labels, partners, lam = np.array([0, 3, 1]), np.array([2, 0, 1]), np.array([0.7, 0.2, 1.0])
    eye = np.eye(4, dtype=np.float32)
    want = lam[:, None] * eye[labels] + (1 - lam[:, None]) * eye[labels[partners]]
    np.testing.assert_allclose(soft_targets(labels, partners, lam, 4), want, atol=1e-7)
    with pytest.raises(ValueError, match="integer classes"):
        soft_targets([0, 5], [1, 0], [0.5, 0.5], 4)


@pytest.mark.parametrize("cls", [A.MixUp, A.CutMix])
def test_mix_outputs_partners_lambdas_and_soft_labels(cls):
    data = _batch(5)
    t = cls(num_classes=7, p=0.6)
    state, _ = _pipe(t)._reader.read({**data, "class_labels": np.array([1, 2, 3, 4, 6])}, True)
    rng = np.random.default_rng(4)
    t._run(state, rng)
    got = state.__dict__["outputs"]
    part, lam = got["mix_partners"], got["mix_lambdas"]
    assert part.shape == (5,) and lam.shape == (5,)
    own = part == np.arange(5)
    assert own.any() and (~own).any() and np.all(lam[own] == 1.0)
    labels = np.array([1, 2, 3, 4, 6])
    np.testing.assert_allclose(got["mix_targets"], soft_targets(labels, part, lam, 7))
    np.testing.assert_allclose(got["mix_targets"].sum(axis=1), 1.0, atol=1e-6)


def test_one_image_takes_its_partner_from_the_metadata_with_its_class():
    data = _batch(2)
    t = A.MixUp(num_classes=4, p=1.0)
    partner = {"image": data["images"][1], "bboxes": [(0, 0, 5, 5)], "labels": ["p"], "class_labels": 3}
    call = {"image": data["images"][0], "bboxes": data["bboxes"][0], "labels": data["labels"][0]}
    out = _pipe(t)(**call, mix_data=[partner], class_labels=1)
    assert out["labels"] == ["0a", "0b", "p"]
    state, _ = _pipe(t)._reader.read({**call, "mix_data": [partner], "class_labels": 1}, False)
    t._run(state, np.random.default_rng(0))
    got = state.__dict__["outputs"]
    assert got["mix_partners"] == 0
    np.testing.assert_allclose(
        got["mix_targets"], [0, got["mix_lambdas"], 0, 1 - got["mix_lambdas"]], atol=1e-6
    )
    with pytest.raises(ValueError, match="mix_data"):
        _pipe(A.MixUp(p=1.0))(image=data["images"][0])


# ------------------------------------------------------------------------------------------ CutMix
def _torchvision_box(
    lam0: float, cx: int, cy: int, h: int, w: int
) -> tuple[tuple[int, int, int, int], float]:
    """torchvision v2 CutMix's box and corrected lambda, restated in NumPy."""
    r = 0.5 * np.sqrt(1.0 - lam0)
    rw, rh = int(r * w), int(r * h)
    x1, y1 = max(cx - rw, 0), max(cy - rh, 0)
    x2, y2 = min(cx + rw, w), min(cy + rh, h)
    return (x1, y1, x2, y2), 1.0 - (x2 - x1) * (y2 - y1) / (w * h)


def test_cutmix_box_and_lambda_are_torchvisions():
    p = A.CutMix(alpha=1.0).sample(np.random.default_rng(7), (H, W), 50)
    r = np.random.default_rng(7)
    lam0, cx, cy = r.beta(1.0, 1.0, 50), r.integers(0, W, 50), r.integers(0, H, 50)
    for i in range(50):
        box, lam = _torchvision_box(lam0[i], int(cx[i]), int(cy[i]), H, W)
        assert tuple(p.box[i].tolist()) == box and p.lam[i] == pytest.approx(lam)


def test_cutmix_pastes_image_mask_boxes_and_keypoints_of_the_partner():
    data = _batch(6, seed=2)
    out = _pipe(A.CutMix(p=1.0), seed=5).batch(**data)
    partners, params = _step(out)
    for i in range(6):
        j = int(partners[i, 0])
        x1, y1, x2, y2 = params["box"][i]
        want = data["images"][i].copy()
        want[y1:y2, x1:x2] = data["images"][j][y1:y2, x1:x2]
        np.testing.assert_array_equal(out["images"][i], want)
        want_m = data["masks"][i].copy()
        want_m[y1:y2, x1:x2] = data["masks"][j][y1:y2, x1:x2]
        np.testing.assert_array_equal(out["masks"][i], want_m)
        for (bx1, by1, bx2, by2), lab in zip(out["bboxes"][i], out["labels"][i], strict=True):
            if lab.startswith(f"{j}") and j != i and lab[0] != str(i):  # the partner's: inside the box
                assert x1 <= bx1 and bx2 <= x2 and y1 <= by1 and by2 <= y2
        for x, y in out["keypoints"][i]:
            assert x >= 0 and y >= 0


def test_cutmix_boxes_visibility_and_removal():
    data = _batch(2)
    data["bboxes"] = [
        [(0.0, 0.0, 10.0, 10.0), (12.0, 12.0, 14.0, 14.0)],
        [(0.0, 0.0, 20.0, 16.0), (18.0, 0.0, 20.0, 2.0)],
    ]
    t = A.CutMix(p=1.0)
    fixed = A.CutMix.Params(np.array([[5, 0, 15, 16], [5, 0, 15, 16]]), np.array([0.5, 0.5]))
    t.sample = lambda rng, shape, n: fixed  # the same box in both samples
    out = _pipe(t, min_visibility=0.6).batch(**data)
    # sample 0: its first box loses half its area (vis 0.5 < 0.6: dropped), its second is covered;
    # the partner's full-image box is clipped to the pasted region (vis 0.5: dropped), its corner box is outside it
    assert out["bboxes"][0] == [] and out["labels"][0] == []
    out = _pipe(t, min_visibility=0.4).batch(**data)
    assert out["bboxes"][0] == [(0.0, 0.0, 10.0, 10.0), (5.0, 0.0, 15.0, 16.0)]
    assert out["labels"][0] == ["0a", "1a"]


# ------------------------------------------------------------------------------------------ Mosaic
def _alb_mosaic(t: A.Mosaic, params, primary: dict, meta: list[dict], monkeypatch):
    """albumentations 2.0.8's Mosaic functional on our draw: geometry, cells, assembled image/mask, boxes.

    Nearest resizes sample at pixel centres in xalbu (docs/differences.md, every resize): the
    reference uses that rule for ``interpolation=0`` too; every other interpolation is OpenCV's own."""
    import albumentations.augmentations.geometric.functional as fg
    from albumentations.augmentations.mixing import functional as fm

    original = fg.resize

    def resize(img, target_shape, interpolation):
        if interpolation != cv2.INTER_NEAREST or tuple(target_shape) == img.shape[:2]:
            return original(img, target_shape, interpolation)
        return FS.resize(img[..., None] if img.ndim == 2 else img, target_shape, 0).reshape(
            *target_shape, *img.shape[2:]
        )

    monkeypatch.setattr(fg, "resize", resize)

    center = M.mosaic_center(t.grid_yx, t.cell_shape, t.target_size, params.rel)
    assert center == fm.calculate_mosaic_center_point(
        t.grid_yx, t.cell_shape, t.target_size, t.center_range, _FixedUniform(params.rel)
    )
    places = M.mosaic_placements(t.grid_yx, t.cell_shape, t.target_size, center)
    assert places == fm.calculate_cell_placements(t.grid_yx, t.cell_shape, t.target_size, center)
    used = sorted({int(s) for s in params.sources[: len(places)] if s >= 0})
    items = [primary, *(meta[s] for s in used)]
    mapping = {
        pl: (0 if s < 0 else 1 + used.index(int(s)))
        for pl, s in zip(places, params.sources.tolist(), strict=False)
    }
    cells = fm.process_all_mosaic_geometries(
        t.target_size,
        t.cell_shape,
        mapping,
        items,
        t.fill,
        t.fill_mask,
        t.fit_mode,
        t.interpolation,
        t.mask_interpolation,
    )
    cells = fm.shift_all_coordinates(cells, t.target_size)
    img = fm.assemble_mosaic_from_processed_cells(cells, (*t.target_size, 3), np.uint8, "image", t.fill)
    mask = fm.assemble_mosaic_from_processed_cells(cells, t.target_size, np.uint8, "mask", t.fill_mask)
    boxes = np.concatenate([c["bboxes"] for c in cells.values() if c["bboxes"].size] or [np.zeros((0, 4))])
    return img, mask, boxes[:, :4] * np.array([t.target_size[1], t.target_size[0]] * 2)


class _FixedUniform:
    def __init__(self, rel) -> None:
        self.values = list(rel)

    def uniform(self, lo, hi):
        return self.values.pop(0)


def _norm(boxes, hw):
    h, w = hw
    return np.asarray(boxes, np.float64).reshape(-1, 4) / np.array([w, h, w, h])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target_size": (40, 48), "cell_shape": (30, 36)},
        {"target_size": (40, 48), "cell_shape": (30, 36), "mask_interpolation": cv2.INTER_LINEAR},
        {"target_size": (40, 48), "cell_shape": (30, 36), "fit_mode": "contain", "fill": 9, "fill_mask": 3},
        {"grid_yx": (3, 2), "target_size": (50, 40), "cell_shape": (20, 30), "center_range": (0.0, 1.0)},
        {
            "target_size": (30, 30),
            "cell_shape": (30, 30),
            "interpolation": cv2.INTER_AREA,
            "fit_mode": "contain",
        },
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_mosaic_matches_albumentations_on_the_same_draw(kwargs, seed, monkeypatch):
    r = np.random.default_rng(seed)
    sizes = [(37, 45), (20, 60), (64, 30), (25, 25), (50, 50)]
    imgs = [r.integers(0, 256, (*s, 3), dtype=np.uint8) for s in sizes]
    masks = [r.integers(0, 5, s, dtype=np.uint8) for s in sizes]
    raw = [np.array([[0.1 * s[1], 0.2 * s[0], 0.7 * s[1], 0.9 * s[0]]]) for s in sizes]
    meta = [
        {"image": imgs[k], "mask": masks[k], "bboxes": raw[k], "labels": [f"m{k}"]}
        for k in range(1, 2 + seed % 4)
    ]
    t = A.Mosaic(p=1.0, **kwargs)
    pipe = _pipe(t, seed=seed)
    out = pipe(image=imgs[0], mask=masks[0], bboxes=raw[0], labels=["own"], mosaic_metadata=meta)
    step = out["applied_transforms"][0]
    params = M.MosaicParams(np.asarray(step["params"]["rel"]), np.asarray(step["params"]["sources"]))
    primary = {"image": imgs[0], "mask": masks[0], "bboxes": _norm(raw[0], sizes[0]), "keypoints": None}
    alb_meta = [
        {
            "image": m["image"],
            "mask": m["mask"],
            "bboxes": _norm(m["bboxes"], m["image"].shape[:2]),
            "keypoints": None,
        }
        for m in meta
    ]
    img, mask, boxes = _alb_mosaic(t, params, primary, alb_meta, monkeypatch)
    np.testing.assert_array_equal(out["image"], img)
    np.testing.assert_array_equal(out["mask"], mask)
    got = np.asarray(out["bboxes"], np.float64).reshape(-1, 4)
    np.testing.assert_allclose(np.sort(got, axis=0), np.sort(boxes, axis=0), atol=1e-6)


def test_mosaic_keypoints_follow_their_cell_and_labels_come_along():
    img = np.zeros((40, 40, 3), np.uint8)
    t = A.Mosaic(target_size=(40, 40), cell_shape=(40, 40), center_range=(0.5, 0.5), p=1.0)
    meta = [{"image": img + 50 * (k + 1), "keypoints": [(20.0, 20.0)], "kl": [f"m{k}"]} for k in range(3)]
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy", label_fields=["kl"]), seed=0)
    out = pipe(image=img, keypoints=[(20.0, 20.0)], kl=["own"], mosaic_metadata=meta)
    # window centred on the grid's centre: each item shows its quarter facing the centre; (20, 20) of
    # the top-left item lands at (20 - 20, ...) = its cell's corner; only points inside their part stay
    for (x, y), lab in zip(out["keypoints"], out["kl"], strict=True):
        value = 0 if lab == "own" else 50 * (int(lab[1]) + 1)
        assert out["image"][int(y), int(x), 0] == value


def test_mosaic_in_a_batch_uses_other_samples():
    data = _batch(5)
    t = A.Mosaic(target_size=(H, W), cell_shape=(H, W), p=1.0)
    out = _pipe(t, seed=1).batch(**data)
    params = out["applied_transforms"][0]["params"]
    srcs = np.asarray(params["sources"])
    assert out["images"].shape == (5, H, W, 3)
    for i in range(5):
        assert set(srcs[i].tolist()) <= set(range(5))
        used = {lab[0] for lab in out["labels"][i]}
        assert used <= {str(s) for s in srcs[i].tolist()}
        one = M.mosaic_placements(t.grid_yx, t.cell_shape, t.target_size, t._center(params["rel"][i]))
        big = int(np.argmax([(p[2] - p[0]) * (p[3] - p[1]) for p in one]))
        assert srcs[i][big] == i  # the sample itself fills the largest part
        x1, y1, x2, y2 = one[big]
        assert (out["images"][i][y1:y2, x1:x2] != 0).any()


def test_mosaic_arguments_and_metadata_errors():
    with pytest.raises(ValueError, match="target_size"):
        A.Mosaic(target_size=(100, 10), cell_shape=(10, 10))
    with pytest.raises(ValueError, match="fit_mode"):
        A.Mosaic(fit_mode="fill")
    with pytest.raises(ValueError, match="center_range"):
        A.Mosaic(center_range=(0.5, 1.5))
    with pytest.raises(ValueError, match="mosaic_metadata"):
        A.Mosaic(p=1.0, target_size=(8, 8), cell_shape=(8, 8))(image=np.zeros((8, 8, 3), np.uint8))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = A.Mosaic(p=1.0, target_size=(8, 8), cell_shape=(8, 8))(
            image=np.zeros((8, 8, 3), np.uint8), mosaic_metadata=[{"image": np.zeros((8, 8, 4), np.uint8)}]
        )
    assert out["image"].shape == (8, 8, 3) and any("skipped" in str(w.message) for w in caught)


# ------------------------------------------------------------------------------------------ OverlayElements
def test_overlay_elements_matches_albumentations():
    from albumentations.augmentations.mixing import functional as fm

    r = np.random.default_rng(0)
    img = r.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    mask = np.zeros((30, 40), np.uint8)
    el1 = {"image": r.integers(0, 256, (8, 6, 3), dtype=np.uint8), "mask_id": 2}
    sticker = (r.random((9, 8)) > 0.5).astype(np.uint8)
    el2 = {
        "image": r.integers(0, 256, (9, 8, 3), dtype=np.uint8),
        "bbox": [0.25, 0.5, 0.8, 0.95],
        "mask": sticker,
        "mask_id": 5,
    }
    t = A.OverlayElements(p=1.0)
    out = _pipe(t)(image=img, mask=mask, overlay_metadata=[el1, el2])
    offs = np.asarray(out["applied_transforms"][0]["params"]["offsets"])
    want = fm.copy_and_paste_blend(img, el1["image"], np.ones_like(el1["image"]), tuple(offs[0]))
    x1, y1, x2, y2 = int(0.25 * 40), int(0.5 * 30), int(0.8 * 40), int(0.95 * 30)
    assert tuple(offs[1]) == (y1, x1)
    el2_img = cv2.resize(el2["image"], (x2 - x1, y2 - y1), interpolation=cv2.INTER_AREA)
    # the opacity mask: nearest at pixel centres, as every xalbu resize (docs/differences.md)
    el2_mask = FS.resize(sticker[..., None], (y2 - y1, x2 - x1), 0)[..., 0]
    want = fm.copy_and_paste_blend(want, el2_img, el2_mask, (y1, x1))
    np.testing.assert_array_equal(out["image"], want)
    want_mask = mask.copy()
    want_mask[offs[0][0] : offs[0][0] + 8, offs[0][1] : offs[0][1] + 6] = 2
    want_mask[y1:y2, x1:x2][el2_mask > 0] = 5
    np.testing.assert_array_equal(out["mask"], want_mask)


def test_overlay_elements_in_a_batch_and_errors():
    data = _batch(3)
    el = {"image": np.full((4, 4, 3), 255, np.uint8)}
    out = A.Compose([A.OverlayElements(p=1.0)], seed=0).batch(images=data["images"], overlay_metadata=el)
    assert all((out["images"][i] == 255).all(axis=-1).sum() >= 16 for i in range(3))
    with pytest.raises(ValueError, match="overlay_metadata"):
        A.OverlayElements(p=1.0)(image=data["images"][0], overlay_metadata=[{"mask": 1}])


# ------------------------------------------------------------------------------------------ CuPy (harness)
@pytest.mark.parametrize("cls", [A.MixUp, A.CutMix])
def test_mix_on_cupy_equals_numpy(cupy, cls):
    data = _batch(4)
    out = A.Compose([cls(p=0.7)], seed=2).batch(images=data["images"], masks=data["masks"])
    got = A.Compose([cls(p=0.7)], seed=2).batch(
        images=cupy.asarray(data["images"]), masks=cupy.asarray(data["masks"])
    )
    assert isinstance(got["images"], cupy.ndarray)
    np.testing.assert_array_equal(cupy.asnumpy(got["images"]), out["images"])
    np.testing.assert_array_equal(cupy.asnumpy(got["masks"]), out["masks"])


def test_state_outputs_helper_merges():
    s = State((2, 2))
    from xalbu.core.mix import set_outputs

    set_outputs(s, {"a": 1})
    set_outputs(s, {"b": 2})
    set_outputs(s, {})
    assert s.__dict__["outputs"] == {"a": 1, "b": 2}


class _WithElements(A.Compose):
    def batch(self, *args, **data):
        return super().batch(
            *args, **data, overlay_metadata=[{"image": np.full((5, 7, 3), 9, np.uint8), "mask_id": 4}]
        )


@pytest.mark.parametrize(
    "make",
    [
        lambda: A.MixUp(p=0.7),
        lambda: A.CutMix(p=0.7),
        lambda: A.Mosaic(target_size=(32, 32), cell_shape=(20, 40), p=1.0),
        lambda: A.Mosaic(target_size=(32, 32), cell_shape=(32, 32), fit_mode="contain", p=0.6),
        "overlay",
    ],
    ids=["MixUp", "CutMix", "Mosaic", "Mosaic-contain", "OverlayElements"],
)
def test_mix_batches_within_the_gpu_budget(make):
    """No sync, launches and Python calls independent of the batch size (tests/test_gpu_budget.py's check)."""
    import cuda_harness
    import test_gpu_budget as budget

    if not cuda_harness.available():
        pytest.skip("no host C++ compiler")
    with cuda_harness.installed() as cp:
        if make == "overlay":
            params = {"bbox_params": A.BboxParams(format="pascal_voc", label_fields=["labels"])}
            kp = A.KeypointParams(format="xy")

            def pipe() -> A.Compose:
                return _WithElements([A.OverlayElements(p=0.7)], keypoint_params=kp, **params)
        else:

            def pipe() -> A.Compose:
                return budget._with_targets([make()])

        budget._check_budget(cp, pipe, dtype="uint8")


def test_mosaic_batch_gating_and_size():
    data = _batch(6)
    same = A.Mosaic(target_size=(H, W), cell_shape=(H, W), p=0.5)
    out = _pipe(same, seed=2).batch(**data)
    applied = np.asarray(out["applied_transforms"][0]["applied"])
    assert 0 < applied.sum() < 6
    for i in np.flatnonzero(~applied):
        np.testing.assert_array_equal(out["images"][i], data["images"][i])
        assert out["labels"][i] == data["labels"][i]
    with pytest.raises(ValueError, match="batch"):
        _pipe(A.Mosaic(target_size=(8, 8), cell_shape=(8, 8), p=0.5), seed=2).batch(**data)


@pytest.mark.parametrize("cls", [A.Mosaic, A.OverlayElements])
def test_mosaic_and_overlay_on_other_arrays_equal_numpy(xp, cls):
    data = _batch(3)
    kw = {"target_size": (H, W), "cell_shape": (H, W), "fit_mode": "contain"} if cls is A.Mosaic else {}
    extra = {"overlay_metadata": [{"image": data["images"][0][:5, :7], "mask_id": 9}]} if kw == {} else {}
    want = _pipe(cls(p=0.7, **kw), seed=1).batch(**data, **extra)
    arr = {**data, "images": xp.asarray(data["images"]), "masks": xp.asarray(data["masks"])}
    got = _pipe(cls(p=0.7, **kw), seed=1).batch(**arr, **extra)
    np.testing.assert_array_equal(xp.to_numpy(got["images"]), want["images"])
    np.testing.assert_array_equal(xp.to_numpy(got["masks"]), want["masks"])
    assert got["labels"] == want["labels"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target_size": (H, W), "cell_shape": (H, W)},
        {"target_size": (20, 24), "cell_shape": (12, 30), "fit_mode": "contain", "fill": 5, "fill_mask": 2},
        {"grid_yx": (3, 3), "target_size": (30, 30), "cell_shape": (15, 15), "center_range": (0.0, 1.0)},
    ],
)
def test_mosaic_batch_sample_equals_the_one_image_path_on_its_layout(kwargs):
    data = _batch(3, seed=4)
    t = A.Mosaic(p=1.0, **kwargs)
    out = _pipe(t, seed=6).batch(**data)
    params = out["applied_transforms"][0]["params"]
    rel, grid_sources = np.asarray(params["rel"]), np.asarray(params["sources"])
    rows_n, cols_n = t.grid_yx
    for i in range(3):
        center = t._center(rel[i])
        places = M.mosaic_placements(t.grid_yx, t.cell_shape, t.target_size, center)
        edges = t._grid(rel[i : i + 1])
        by_corner = {}
        for r in range(rows_n):
            for c in range(cols_n):
                by_corner[(int(edges["x1"][0, c]), int(edges["y1"][0, r]))] = int(
                    grid_sources[i, r * cols_n + c]
                )
        single = np.full(rows_n * cols_n, -1, np.int64)
        single[: len(places)] = [-1 if by_corner[p[:2]] == i else by_corner[p[:2]] for p in places]
        meta = [
            {
                "image": data["images"][j],
                "mask": data["masks"][j],
                "bboxes": data["bboxes"][j],
                "labels": data["labels"][j],
            }
            for j in range(3)
        ]
        call = {"image": data["images"][i], "mask": data["masks"][i], "bboxes": data["bboxes"][i]}
        pipe = _pipe(A.Mosaic(p=1.0, **kwargs))
        record = pipe(**call, labels=data["labels"][i], keypoints=[], mosaic_metadata=meta)[
            "applied_transforms"
        ]
        record[0]["params"] = {"rel": rel[i].tolist(), "sources": single.tolist()}
        one = pipe.replay(record, **call, labels=data["labels"][i], keypoints=[], mosaic_metadata=meta)
        np.testing.assert_array_equal(out["images"][i], one["image"])
        np.testing.assert_array_equal(out["masks"][i], one["mask"])
        assert sorted(zip(out["bboxes"][i], out["labels"][i], strict=False)) == sorted(
            zip(one["bboxes"], one["labels"], strict=False)
        )


def test_overlay_batch_sample_equals_the_one_image_path_on_its_offsets():
    data = _batch(4, seed=1)
    els = [
        {"image": np.full((5, 7, 3), 200, np.uint8), "mask": np.eye(5, 7, dtype=np.uint8), "mask_id": 3},
        {"image": np.full((4, 4, 3), 90, np.uint8), "bbox": [0.5, 0.5, 0.9, 0.8]},
    ]
    out = _pipe(A.OverlayElements(p=0.8), seed=3).batch(
        images=data["images"], masks=data["masks"], overlay_metadata=els
    )
    step = out["applied_transforms"][0]
    offs, applied = np.asarray(step["params"]["offsets"]), step["applied"]
    for i in range(4):
        pipe = _pipe(A.OverlayElements(p=1.0))
        call = {"image": data["images"][i], "mask": data["masks"][i], "overlay_metadata": els}
        record = pipe(**call)["applied_transforms"]
        record[0]["params"] = {"offsets": offs[i].tolist()}
        one = (
            pipe.replay(record, **call)
            if applied is None or applied[i]
            else {"image": data["images"][i], "mask": data["masks"][i]}
        )
        np.testing.assert_array_equal(out["images"][i], one["image"])
        np.testing.assert_array_equal(out["masks"][i], one["mask"])


def test_mosaic_interpolation_codes():
    with pytest.raises(ValueError, match="interpolation: expected one of 0"):
        A.Mosaic(interpolation=9)
    with pytest.raises(TypeError, match="mask_interpolation"):
        A.Mosaic(mask_interpolation=1.5)
    img = np.random.default_rng(0).integers(0, 256, (37, 45, 3), dtype=np.uint8)
    outs = {}
    for code in (0, 1, 5, 6):  # 5: linear (exact), 6: nearest at pixel centres, as xalbu's nearest
        t = A.Mosaic(target_size=(40, 40), cell_shape=(30, 30), interpolation=code, p=1.0)
        outs[code] = _pipe(t, seed=0)(image=img, mosaic_metadata=[{"image": img[::-1]}])["image"]
    np.testing.assert_array_equal(outs[5], outs[1])
    np.testing.assert_array_equal(outs[6], outs[0])


def test_mosaic_tracks_visibility_through_the_cell_crop():
    """A box cut by its cell keeps the fraction of its area that stays visible: ``min_visibility``
    compares with the box before the mosaic (albumentations 2.0.8 forgets the cut: docs/differences.md)."""
    img = np.zeros((40, 40, 3), np.uint8)
    t = A.Mosaic(target_size=(40, 40), cell_shape=(40, 40), center_range=(0.5, 0.5), p=1.0)
    # centred window: every item shows the quarter of itself that faces the centre; the sample's
    # box spans x 10..30 of a 40-pixel item, of which the visible quarter keeps x 20..30 (half)
    pipe = A.Compose(
        [t], bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], min_visibility=0.6)
    )
    meta = [{"image": img} for _ in range(3)]
    out = pipe(image=img, bboxes=[(10.0, 25.0, 30.0, 35.0)], labels=["a"], mosaic_metadata=meta)
    assert out["bboxes"] == []
    pipe = A.Compose(
        [t], bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], min_visibility=0.4)
    )
    out = pipe(image=img, bboxes=[(10.0, 25.0, 30.0, 35.0)], labels=["a"], mosaic_metadata=meta)
    assert len(out["bboxes"]) == 1 and out["labels"] == ["a"]


def test_mix_outputs_reach_the_result_when_the_writer_adds_state_outputs():
    """``mix_partners``/``mix_lambdas``/``mix_targets`` are kept in ``state.outputs``; the result
    carries them once ``core/writing.py`` adds that dict to the outputs (skipped until then)."""
    data = _batch(4)
    out = A.Compose([A.MixUp(num_classes=5, p=1.0)], seed=0).batch(
        images=data["images"], class_labels=np.arange(4)
    )
    if "mix_partners" not in out:
        pytest.skip("core/writing.py does not write State.outputs yet")
    assert out["mix_partners"].shape == (4,) and out["mix_targets"].shape == (4, 5)
    np.testing.assert_allclose(
        out["mix_targets"], soft_targets(np.arange(4), out["mix_partners"], out["mix_lambdas"], 5), atol=1e-6
    )


@pytest.mark.parametrize("cls", [A.MixUp, A.CutMix])
def test_unapplied_samples_keep_everything(cls):
    data = _batch(8, seed=3)
    out = _pipe(cls(p=0.5), seed=4).batch(**data)
    applied = np.asarray(out["applied_transforms"][0]["applied"])
    assert 0 < applied.sum() < 8
    for i in np.flatnonzero(~applied):
        np.testing.assert_array_equal(out["images"][i], data["images"][i])
        np.testing.assert_array_equal(out["masks"][i], data["masks"][i])
        assert out["bboxes"][i] == data["bboxes"][i] and out["labels"][i] == data["labels"][i]
        assert out["keypoints"][i] == data["keypoints"][i]


def test_mosaic_keypoints_follow_the_resized_pixels():
    """An item enlarged by a ratio that rounds (45 -> 61 columns for a factor 50 / 37): keypoints move
    by the pixels' own ratio, so each lands on the pixel it marked (albumentations scales by the
    factor: docs/differences.md)."""
    img = np.zeros((37, 45, 3), np.uint8)
    pts = [(x + 0.5, y + 0.5) for x, y in ((5, 7), (30, 20), (40, 33), (12, 30))]
    for x, y in pts:
        img[int(y), int(x)] = 255
    t = A.Mosaic(target_size=(60, 60), cell_shape=(50, 50), interpolation=cv2.INTER_NEAREST, p=1.0)
    pipe = A.Compose([t], keypoint_params=A.KeypointParams(format="xy"), seed=0)
    for seed in range(4):
        pipe.set_random_seed(seed)
        out = pipe(image=img, keypoints=pts, mosaic_metadata=[{"image": img, "keypoints": pts}])
        assert len(out["keypoints"]) >= 2
        for x, y in out["keypoints"]:
            assert out["image"][int(y), int(x), 0] == 255, (seed, x, y)


def test_overlay_element_larger_than_the_image_brings_its_mask_along():
    img = np.zeros((30, 40, 3), np.uint8)
    sticker = np.zeros((60, 80), np.uint8)
    sticker[:30] = 1  # the element's top half is opaque
    el = {"image": np.full((60, 80, 3), 9, np.uint8), "mask": sticker, "mask_id": 2}
    out = A.OverlayElements(p=1.0)(image=img, mask=np.zeros((30, 40), np.uint8), overlay_metadata=el)
    assert (out["image"][:15] == 9).all() and not out["image"][15:].any()
    assert (out["mask"][:15] == 2).all() and not out["mask"][15:].any()
