"""Geometry consistency of every affine- and spatial-kind transform in the registry.

Keypoints, boxes and masks must move together: a keypoint at the centre of a mask pixel lands on a
pixel of the same label; the box of a rectangular mask region matches the transformed region (within
1 px when the map keeps axes aligned, else the region lies inside the box grown by 1 px).
Images are warped with their transform's own settings; masks use nearest interpolation (the default)
and the constant border (so that no reflected copies of the region appear).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
from test_contract import EXAMPLES

import xalbu as A

GH, GW = 32, 40
SEEDS = range(6)
NAMES = sorted(n for n, c in A.TRANSFORMS.items() if c.kind in ("affine", "spatial"))
BBOX = A.BboxParams(format="pascal_voc", label_fields=["labels"])
KPS = A.KeypointParams(format="xy", label_fields=["kp_ids"])
SPLITS_BOXES = {"RandomGridShuffle"}  # one box per connected piece of the moved box (as albumentations)


def build(name: str, p: float = 1.0) -> tuple[A.BasicTransform, list[np.ndarray]]:
    """The transform with constant borders, and a list that records the matrices it uses."""
    cls = A.TRANSFORMS[name]
    kwargs = dict(EXAMPLES.get(name, {}))
    params = inspect.signature(cls.__init__).parameters
    if "border_mode" in params:
        kwargs["border_mode"] = 0
    if cls.kind == "spatial" and "fill_mask" in params:  # dropouts: holes cut the mask as the boxes
        kwargs["fill_mask"] = 0
    t = cls(p=p, **kwargs)
    seen: list[np.ndarray] = []
    if t.kind == "affine":
        original = t.matrix

        def matrix(params: Any, shape: tuple[int, int]) -> np.ndarray:
            m = original(params, shape)
            seen.append(np.asarray(m, np.float64))
            return m

        t.matrix = matrix  # instance attribute: records what this call used
    return t, seen


def scene(region: tuple[int, int, int, int], hw: tuple[int, int], seed: int) -> dict[str, Any]:
    """A random image, a mask with one rectangular region (label 1), its box and interior keypoints."""
    x0, y0, x1, y1 = region
    mask = np.zeros(hw, np.uint8)
    mask[y0:y1, x0:x1] = 1
    m = 2  # keypoints stay 2 px inside the region: nearest sampling may move edges by a pixel
    ys, xs = np.mgrid[y0 + m : y1 - m : 2, x0 + m : x1 - m : 2]
    pts = np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], axis=1)
    image = np.random.default_rng(seed).integers(0, 256, (*hw, 3), dtype=np.uint8)
    return {
        "image": image,
        "mask": mask,
        "bboxes": [region],
        "labels": ["region"],
        "keypoints": pts,
        "kp_ids": list(range(len(pts))),
    }


def axis_aligned(m: np.ndarray) -> bool:
    lin = m[:2, :2]
    persp = np.abs(m[2, :2]).max() > 1e-12
    diag = abs(lin[0, 1]) < 1e-12 and abs(lin[1, 0]) < 1e-12
    anti = abs(lin[0, 0]) < 1e-12 and abs(lin[1, 1]) < 1e-12
    return bool(not persp and (diag or anti))


def check_sample(
    name: str,
    where: str,
    mask: np.ndarray,
    boxes: Any,
    keypoints: np.ndarray,
    kp_ids: list[int],
    aligned: bool,
    spatial: bool = False,
) -> None:
    h, w = mask.shape
    # keypoints land on the region
    kp = np.asarray(keypoints, np.float64).reshape(-1, 2)
    assert len(kp) == len(kp_ids)
    for (x, y), i in zip(kp, kp_ids, strict=True):
        col, row = min(int(np.floor(x)), w - 1), min(int(np.floor(y)), h - 1)
        assert mask[row, col] == 1, (
            f"{name} {where}: keypoint {i} at ({x:.2f}, {y:.2f}) is off the mask region"
        )
    # the box follows the region
    rows, cols = np.nonzero(mask)
    if len(boxes) == 0:
        if len(rows) and not spatial:  # spatial kinds (dropouts) may drop covered boxes
            span = (cols.max() + 1 - cols.min(), rows.max() + 1 - rows.min())
            assert min(span) <= 1, f"{name} {where}: box dropped but the mask region spans {span} px"
        return
    if len(boxes) > 1 and name in SPLITS_BOXES:  # a box cut into pieces: their hull follows the region
        b = np.asarray([bb[:4] for bb in boxes], np.float64)
        boxes = [(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())]
    assert len(boxes) == 1
    bx = np.asarray(boxes[0][:4], np.float64)
    if not len(rows):
        bw, bh = bx[2] - bx[0], bx[3] - bx[1]
        assert min(bw, bh) <= 1, f"{name} {where}: box {bx} kept but the mask region vanished"
        return
    mbox = np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], np.float64)
    if aligned:
        assert np.all(np.abs(mbox - bx) <= 1 + 1e-6), f"{name} {where}: box {bx} vs mask region {mbox}"
    else:
        grown = bx + np.array([-1, -1, 1, 1])
        inside = (mbox[:2] >= grown[:2] - 1e-6).all() and (mbox[2:] <= grown[2:] + 1e-6).all()
        assert inside, f"{name} {where}: mask region {mbox} leaves box {bx} (grown by 1 px)"


@pytest.mark.parametrize("name", NAMES)
def test_single_image(name: str) -> None:
    regions = [(10, 8, 30, 24), (3, 2, 15, 12), (22, 14, 39, 31)]
    for seed in SEEDS:
        t, seen = build(name)
        pipe = A.Compose([t], bbox_params=BBOX, keypoint_params=KPS, seed=seed)
        region = regions[seed % len(regions)]
        out = pipe(**scene(region, (GH, GW), seed))
        aligned = bool(seen) and axis_aligned(seen[-1])
        check_sample(
            name, f"seed {seed}", out["mask"], out["bboxes"], out["keypoints"], out["kp_ids"], aligned
        )
        assert out["image"].shape[:2] == out["mask"].shape


@pytest.mark.parametrize("name", NAMES)
def test_batch_per_sample(name: str) -> None:
    n, hw = 4, (32, 32)
    regions = [(10, 8, 30, 24), (3, 2, 15, 12), (18, 14, 31, 31), (6, 16, 26, 28)]
    for seed in SEEDS[:3]:
        t, seen = build(name)
        pipe = A.Compose([t], bbox_params=BBOX, keypoint_params=KPS, seed=seed)
        scenes = [scene(r, hw, seed * n + s) for s, r in enumerate(regions)]
        data = {k: [sc[k] for sc in scenes] for k in scenes[0]}
        data["image"], data["mask"] = None, None
        del data["image"], data["mask"]
        data["images"] = np.stack([sc["image"] for sc in scenes])
        data["masks"] = np.stack([sc["mask"] for sc in scenes])
        try:
            out = pipe.batch(**data)
        except ValueError as e:  # per-sample sizes cannot share a batch: must be said clearly
            assert "batch" in str(e) and name in str(e), str(e)
            continue
        assert out["masks"].shape[0] == n and out["images"].shape[1:3] == out["masks"].shape[1:3]
        m = seen[-1] if seen else None
        for s in range(n):
            aligned = m is not None and axis_aligned(m if m.ndim == 2 else m[s])
            check_sample(
                name,
                f"seed {seed} sample {s}",
                out["masks"][s],
                out["bboxes"][s],
                out["keypoints"][s],
                out["kp_ids"][s],
                aligned,
                t.kind == "spatial",
            )


def test_axis_aligned_detection() -> None:
    """The matrix classification used above."""
    assert axis_aligned(np.array([[-1.0, 0, 5], [0, 1, 0], [0, 0, 1]]))
    assert axis_aligned(np.array([[0.0, 1, 0], [-1, 0, 5], [0, 0, 1]]))
    assert not axis_aligned(np.array([[0.9, 0.1, 0], [-0.1, 0.9, 0], [0, 0, 1]]))
    assert not axis_aligned(np.array([[1.0, 0, 0], [0, 1, 0], [1e-3, 0, 1]]))
