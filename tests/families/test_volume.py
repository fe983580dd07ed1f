"""3-D volumes (issue 14): the ``volume``/``volumes``/``mask3d``/``masks3d`` targets under 2-D transforms
(every slice, one draw, as albumentations 2.0.8 gives them), the kernels ``pad3d``, ``crop3d``,
``cutout3d`` and ``cube_symmetry`` (golden values on every backend), the 3-D transforms Pad3D,
PadIfNeeded3D, CenterCrop3D, RandomCrop3D, CoarseDropout3D and CubicSymmetry (albumentations' apply
functions on the same draws, masks and 3-D keypoints in sync, sampling, argument checks), a contract
over the 3-D classes (the registry's contract runs on 2-D images), ``Transform3D`` subclasses and
``ToTensor3D``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import volume as F

from ._volume_contract import *  # noqa: F403 - the contract over the 3-D classes, kept apart for size

alb = pytest.importorskip("albumentations")

VOL = np.random.default_rng(0).integers(0, 256, (6, 10, 12, 2)).astype(np.uint8)
MASK = (VOL[..., 0] > 128).astype(np.uint8)
KP = A.KeypointParams(format="xyz")
KPS = np.array([[1.5, 2.5, 3.5], [11.0, 9.0, 5.0], [6.2, 4.7, 0.3]])


def ours(t, seed: int = 1, **data):
    pipe = A.Compose([t], keypoint_params=KP, seed=seed, save_applied_params=True)
    return pipe(**data)


# ------------------------------------------------------------------------------------------ targets
@pytest.mark.parametrize("t", ["HorizontalFlip", "Transpose", "VerticalFlip"])
def test_2d_transforms_move_every_slice_as_albumentations(t):
    data = {"volume": VOL, "mask3d": MASK}
    theirs = alb.Compose([getattr(alb, t)(p=1)], seed=0)(**data)
    many = {"volumes": np.stack([VOL, VOL[::-1]]), "masks3d": MASK[None]}
    out = A.Compose([getattr(A, t)(p=1)], seed=0)(**data, **many)
    for key, value in theirs.items():
        np.testing.assert_array_equal(out[key], value, err_msg=key)
        assert out[key].dtype == value.dtype, key
    # N volumes: each as the volume alone (albumentations keeps their old shape under Transpose and
    # fails on masks3d: docs/differences.md)
    np.testing.assert_array_equal(out["volumes"][0], out["volume"])
    np.testing.assert_array_equal(out["masks3d"][0], out["mask3d"])
    if t in ("HorizontalFlip", "VerticalFlip"):
        np.testing.assert_array_equal(out["volumes"], alb.Compose([getattr(alb, t)(p=1)])(**many)["volumes"])


def test_one_draw_for_every_slice_and_every_volume():
    slice_ = np.random.default_rng(1).integers(0, 256, (16, 16, 3)).astype(np.uint8)
    vol = np.stack([slice_] * 5)
    pipe = A.Compose([A.Affine(rotate=(-40, 40), p=1), A.RandomBrightnessContrast(p=1)], seed=3)
    out = pipe(volume=vol, volumes=np.stack([vol, vol]), image=slice_)
    for d in range(5):
        np.testing.assert_array_equal(out["volume"][d], out["image"])
        np.testing.assert_array_equal(out["volumes"][1, d], out["image"])


def test_float64_and_2d_layouts_come_back_as_given():
    vol = np.random.default_rng(2).random((3, 4, 5))
    out = A.Compose([A.HorizontalFlip(p=1)])(volume=vol, volumes=vol[None], mask3d=vol > 0.5)
    assert out["volume"].dtype == np.float64 and out["volume"].shape == (3, 4, 5)
    assert out["volumes"].dtype == np.float64 and out["volumes"].shape == (1, 3, 4, 5)
    np.testing.assert_allclose(out["volume"], vol[:, :, ::-1], atol=1e-7)
    np.testing.assert_array_equal(out["mask3d"], (vol > 0.5)[:, :, ::-1])


def test_volume_alone_without_an_image():
    out = A.HorizontalFlip(p=1)(volume=VOL)
    np.testing.assert_array_equal(out["volume"], VOL[:, :, ::-1])
    np.testing.assert_array_equal(A.Compose([A.Pad3D(1)])(mask3d=MASK)["mask3d"][1:-1, 1:-1, 1:-1], MASK)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"volume": np.zeros((4, 5), np.uint8)}, r"^volume: expected a volume of shape \(D, H, W\)"),
        ({"volumes": np.zeros((4, 5, 6), np.uint8)}, r"^volumes: expected a volumes of shape \(N, D, H, W\)"),
        (
            {"volume": np.zeros((2, 4, 5), np.uint8), "mask3d": np.zeros((3, 4, 5), np.uint8)},
            r"^mask3d: depth 3",
        ),
        (
            {"volume": np.zeros((2, 4, 5), np.uint8), "mask3d": np.zeros((2, 4, 6), np.uint8)},
            r"^mask3d: height",
        ),
        ({"image": np.zeros((4, 5), np.uint8), "volume": np.zeros((2, 4, 6), np.uint8)}, r"^volume: height"),
        ({"volume": np.zeros((2, 0, 5), np.uint8)}, r"^volume: expected a non-empty"),
        ({"volumes": np.zeros((0, 2, 4, 5), np.uint8)}, r"^volumes: expected at least one volume"),
        ({"volume": np.zeros((2, 4, 5), np.int32)}, r"^volume: expected dtype uint8"),
    ],
)
def test_bad_3d_targets_are_refused_naming_the_argument(data, match):
    with pytest.raises((ValueError, TypeError), match=match):
        A.Compose([A.HorizontalFlip(p=1)])(**data)


def test_lists_and_batches_of_volumes_are_refused():
    with pytest.raises(TypeError, match=r"^volumes: expected a volumes"):
        A.Compose([A.HorizontalFlip()])(volumes=[VOL, VOL])
    with pytest.raises(ValueError, match=r"^volume: pipeline.batch\(...\) does not take 3-D targets"):
        A.Compose([A.HorizontalFlip()]).batch(images=VOL[:2], volume=VOL)
    with pytest.raises(ValueError, match=r"^Pad3D: a 3-D transform needs volumes, which pipeline.batch"):
        A.Compose([A.Pad3D(1)]).batch(images=VOL[:2])
    with pytest.raises(ValueError, match=r"^Pad3D: a 3-D transform needs a volume: pass volume="):
        A.Compose([A.Pad3D(1)])(image=VOL[0])


def test_xyz_keypoints_keep_z_under_2d_transforms_and_are_checked():
    out = A.Compose([A.HorizontalFlip(p=1)], keypoint_params=KP)(volume=VOL, keypoints=KPS)
    np.testing.assert_array_equal(out["keypoints"][:, 2], KPS[:, 2])
    np.testing.assert_array_equal(out["keypoints"][:, 0], 12 - KPS[:, 0])  # W - x (docs/differences.md)
    with pytest.raises(ValueError, match=r"^keypoints\[0\] = .*z lies outside the volume's depth \[0, 6\]"):
        A.Compose([A.NoOp()], keypoint_params=KP)(volume=VOL, keypoints=[(1, 1, 7)])
    with pytest.raises(ValueError, match=r"^keypoints\[0\] = .*z must be finite"):
        A.Compose([A.NoOp()], keypoint_params=KP)(volume=VOL, keypoints=[(1, 1, np.nan)])


def test_3d_transform_refuses_to_resize_2d_targets_beside_the_volume():
    with pytest.raises(
        ValueError, match=r"^CenterCrop3D: changes the volumes' height and width.*\['image'\]"
    ):
        A.Compose([A.CenterCrop3D((2, 4, 4))])(volume=VOL, image=VOL[0])
    out = A.Compose([A.CubicSymmetry(p=1)], seed=0)(volume=VOL[:6, :6, :6], image=VOL[0, :6, :6])
    np.testing.assert_array_equal(out["image"], VOL[0, :6, :6])  # untouched, as albumentations leaves it


# ------------------------------------------------------------------------------------------ golden
@pytest.mark.golden.with_args(F.pad3d)
def test_pad3d_golden(xp):
    vol = np.arange(4, dtype=np.uint8).reshape(1, 1, 2, 2, 1) + 1
    out = xp.to_numpy(F.pad3d(xp.asarray(vol), 1, 0, 0, 1, 2, 0, np.array([9], np.uint8)))
    assert out.shape == (1, 2, 3, 4, 1)
    np.testing.assert_array_equal(out[0, 0, ..., 0], np.full((3, 4), 9))
    np.testing.assert_array_equal(out[0, 1, ..., 0], [[9, 9, 1, 2], [9, 9, 3, 4], [9, 9, 9, 9]])
    two = xp.to_numpy(F.pad3d(xp.asarray(np.zeros((1, 1, 1, 1, 2), np.uint16)), 0, 0, 0, 0, 0, 1,
                              np.array([3, 700], np.uint16)))  # fmt: skip
    np.testing.assert_array_equal(two[0, 0, 0], [[0, 0], [3, 700]])


@pytest.mark.golden.with_args(F.crop3d)
def test_crop3d_golden(xp):
    vol = np.arange(2 * 3 * 4, dtype=np.float32).reshape(1, 2, 3, 4, 1)
    out = xp.to_numpy(F.crop3d(xp.asarray(vol), 1, 2, 0, 2, 1, 3))
    np.testing.assert_array_equal(out[..., 0], [[[[13, 14], [17, 18]]]])


@pytest.mark.golden.with_args(F.cutout3d)
def test_cutout3d_golden(xp):
    vol = np.full((2, 3, 2, 2, 1), 5, np.uint8)
    out = xp.to_numpy(F.cutout3d(xp.asarray(vol), np.array([[0, 0, 1, 2, 1, 2], [2, 1, 0, 3, 2, 1]]),
                                 np.array([0], np.uint8)))  # fmt: skip
    assert (out[:, 0:2, 0, 1] == 0).all() and (out[:, 2, 1, 0] == 0).all()
    assert int((out == 0).sum()) == 2 * (2 + 1) and (vol == 5).all()


@pytest.mark.golden.with_args(F.cube_symmetry)
def test_cube_symmetry_golden(xp):
    vol = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(1, 2, 3, 4, 1)
    got = {i: xp.to_numpy(F.cube_symmetry(xp.asarray(vol), i))[0, ..., 0] for i in (0, 2, 11, 24, 30, 42)}
    v = vol[0, ..., 0]
    np.testing.assert_array_equal(got[0], v)
    np.testing.assert_array_equal(got[2], v[:, ::-1, ::-1])
    np.testing.assert_array_equal(got[11], v.transpose(1, 2, 0))
    np.testing.assert_array_equal(got[24], v[:, :, ::-1])
    np.testing.assert_array_equal(got[30], v[::-1, ::-1, ::-1])
    np.testing.assert_array_equal(got[42], v.transpose(1, 0, 2))


def test_cube_table_is_albumentations_numbering():
    from albumentations.augmentations.transforms3d import functional as f3d

    v = np.random.default_rng(3).random((4, 3, 5, 2))
    assert len(set(F.CUBE_SYMMETRIES)) == 48
    for i in range(48):
        np.testing.assert_array_equal(
            F.cube_symmetry(v[None], i)[0], f3d.transform_cube(v, i), err_msg=str(i)
        )


# ------------------------------------------------------------------------------------------ albumentations
def _theirs(name: str, args: dict, params: dict, vol: np.ndarray, mask: np.ndarray) -> tuple:
    t = getattr(alb, name)(**args)
    return t.apply_to_volume(vol, **params), t.apply_to_mask3d(mask, **params)


def _alb_crop_params(rec: dict) -> dict:
    f, b, t, bo, le, r = rec["padding"]
    pad = None if not any(rec["padding"]) else dict(
        pad_front=f, pad_back=b, pad_top=t, pad_bottom=bo, pad_left=le, pad_right=r
    )  # fmt: skip
    return {"crop_coords": tuple(rec["crop"]), "pad_params": pad}


CASES = [
    ("Pad3D", {"padding": (1, 2, 3), "fill": 7, "fill_mask": 2}),
    ("Pad3D", {"padding": (0, 1, 2, 0, 1, 3)}),
    ("PadIfNeeded3D", {"min_zyx": (9, 11, 15), "fill": 4}),
    ("PadIfNeeded3D", {"pad_divisor_zyx": (4, 4, 5), "fill_mask": 1}),
    ("CenterCrop3D", {"size": (3, 5, 7)}),
    ("CenterCrop3D", {"size": (9, 5, 14), "pad_if_needed": True, "fill": 3, "fill_mask": 1}),
    ("RandomCrop3D", {"size": (4, 7, 5)}),
    ("RandomCrop3D", {"size": (8, 12, 5), "pad_if_needed": True, "fill": 1}),
    ("CoarseDropout3D", {"num_holes_range": (2, 4), "fill": 9, "fill_mask": 5}),
    ("CubicSymmetry", {}),
]


@pytest.mark.parametrize(("name", "args"), CASES)
@pytest.mark.parametrize("seed", [0, 5])
def test_matches_albumentations_apply_on_the_same_draw(name, args, seed):
    t = getattr(A, name)(p=1, **args)
    out = ours(t, seed, volume=VOL, mask3d=MASK)
    rec = out["applied_transforms"][0]["params"]
    if name == "Pad3D" or name == "PadIfNeeded3D":
        params = {"padding": tuple(rec["padding"])}
    elif "Crop" in name:
        params = _alb_crop_params(rec)
    elif name == "CoarseDropout3D":
        params = {"holes": np.array(rec["holes"])}
    else:
        params = {"index": rec["index"]}
    vol, mask = _theirs(name, {**args, "p": 1}, params, VOL, MASK)
    if name == "CoarseDropout3D":  # albumentations fills 3-D masks with `fill` (docs/differences.md)
        mask = F.cutout3d(MASK[None, ..., None], params["holes"], np.array([5], np.uint8))[0, ..., 0]
    np.testing.assert_array_equal(out["volume"], vol)
    np.testing.assert_array_equal(out["mask3d"], mask)
    assert out["volume"].flags.c_contiguous


@pytest.mark.parametrize(("name", "args"), [c for c in CASES if c[0] != "CoarseDropout3D"])
def test_keypoints_move_with_the_voxels(name, args):
    """A keypoint at a voxel's center follows that voxel (continuous coordinates, voxel j is [j, j+1))."""
    vol = np.zeros((6, 10, 12), np.uint8)
    vol[3, 5, 6] = 255
    for seed in range(6):
        out = ours(getattr(A, name)(p=1, **args), seed, volume=vol, keypoints=[(6.5, 5.5, 3.5)])
        found = np.argwhere(out["volume"] == 255)
        assert len(found) == len(out["keypoints"])
        if len(found):
            (x, y, z), = out["keypoints"]  # fmt: skip
            z_, y_, x_ = found[0]
            assert (x, y, z) == (x_ + 0.5, y_ + 0.5, z_ + 0.5)


@pytest.mark.parametrize("index", range(48))
def test_cubic_symmetry_keypoints_match_albumentations_up_to_the_pixel_center(index):
    from albumentations.augmentations.transforms3d import functional as f3d

    pts = np.array([[1.0, 2.0, 3.0, 0, 0], [0, 9, 5, 0, 0]])  # x, y, z, angle, scale (voxel indices)
    theirs = f3d.transform_cube_keypoints(pts.copy(), index, (6, 10, 12))
    t = A.CubicSymmetry(p=1)
    got = t.apply_points(_points(pts[:, :3] + 0.5), F_params(index), (6, 10, 12), None)
    np.testing.assert_allclose(np.column_stack([got.xy, got.z]) - 0.5, theirs[:, :3])


def F_params(index: int):
    from xalbu.transforms.volume import CubeParams

    return CubeParams(index)


def _points(xyz: np.ndarray):
    from xalbu.core.targets import PointSet

    n = len(xyz)
    return PointSet(
        xyz[:, :2].copy(), np.zeros(n), np.ones(n), np.arange(n), np.zeros(n, np.intp), None, xyz[:, 2].copy()
    )


def test_coarse_dropout3d_removes_keypoints_in_holes_as_albumentations():
    from albumentations.augmentations.transforms3d import functional as f3d

    t = A.CoarseDropout3D(num_holes_range=(3, 3), hole_depth_range=(0.5, 0.6), hole_height_range=(0.5, 0.6),
                          hole_width_range=(0.5, 0.6), p=1)  # fmt: skip
    pts = np.random.default_rng(4).random((40, 3)) * [12, 10, 6]
    out = ours(t, 3, volume=VOL, keypoints=pts)
    holes = np.array(out["applied_transforms"][0]["params"]["holes"])
    keep = f3d.filter_keypoints_in_holes3d(np.column_stack([pts, np.zeros((40, 2))]), holes)
    np.testing.assert_array_equal(out["keypoints"], keep[:, :3])
    assert 0 < len(keep) < 40
    kp = A.KeypointParams(format="xyz", remove_invisible=False)
    assert len(A.Compose([t], keypoint_params=kp, seed=3)(volume=VOL, keypoints=pts)["keypoints"]) == 40


def test_fill_mask_none_leaves_3d_masks():
    out = ours(A.CoarseDropout3D(num_holes_range=(3, 3), fill=9, p=1), 0, volume=VOL, mask3d=MASK)
    np.testing.assert_array_equal(out["mask3d"], MASK)
    assert (out["volume"] == 9).any()


# ------------------------------------------------------------------------------------------ sampling
def test_random_crop3d_and_pad_positions_cover_their_ranges():
    starts, pads = set(), set()
    for seed in range(60):
        rec = ours(A.RandomCrop3D((4, 9, 14), pad_if_needed=True), seed, volume=VOL)["applied_transforms"][0]
        starts.add(tuple(rec["params"]["crop"][:3:2]))
        pads.add(tuple(rec["params"]["padding"][4:]))
    assert {s[0] for s in starts} == {0, 1, 2} and {s[1] for s in starts} == {0, 1}
    assert pads == {(0, 2), (1, 1), (2, 0)}  # the total padding is kept (albumentations: docs/differences.md)
    for seed in range(20):
        out = ours(A.PadIfNeeded3D(min_zyx=(9, 13, 15), position="random"), seed, volume=VOL)
        assert out["volume"].shape == (9, 13, 15, 2)


def test_coarse_dropout3d_hole_counts_and_sizes():
    t = A.CoarseDropout3D(num_holes_range=(2, 5), hole_depth_range=(0.3, 0.5), p=1)
    counts = set()
    for seed in range(40):
        holes = np.array(ours(t, seed, volume=VOL)["applied_transforms"][0]["params"]["holes"])
        counts.add(len(holes))
        d = holes[:, 3] - holes[:, 0]
        assert (
            ((d >= 2) & (d <= 3)).all() and (holes[:, 3:] <= [6, 10, 12]).all() and (holes[:, :3] >= 0).all()
        )
    assert counts == {2, 3, 4, 5}


def test_cubic_symmetry_draws_all_48():
    seen = {
        ours(A.CubicSymmetry(), s, volume=VOL)["applied_transforms"][0]["params"]["index"] for s in range(400)
    }
    assert seen == set(range(48))


# ------------------------------------------------------------------------------------------ arguments
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: A.Pad3D(padding=-1), r"^padding: expected a value in \[0, inf\]"),
        (lambda: A.Pad3D(padding=(1, 2)), r"^padding: expected an int, 3 or 6 integers"),
        (lambda: A.Pad3D(padding=1, fill="x"), r"^fill: expected a number"),
        (lambda: A.PadIfNeeded3D(), r"^min_zyx, pad_divisor_zyx: at least one"),
        (
            lambda: A.PadIfNeeded3D(pad_divisor_zyx=(0, 1, 1)),
            r"^pad_divisor_zyx\[0\]: expected a value in \[1",
        ),
        (lambda: A.PadIfNeeded3D(min_zyx=(1, 1, 1), position="top"), r"^position: expected one of"),
        (lambda: A.CenterCrop3D(size=(1, 2)), r"^size: expected a \(depth, height, width\) triple"),
        (lambda: A.RandomCrop3D(size=(1, 2, 3), pad_if_needed=1), r"^pad_if_needed: expected"),
        (
            lambda: A.CoarseDropout3D(hole_depth_range=(0.5, 1.5)),
            r"^hole_depth_range\[1\]: expected a value in",
        ),
        (lambda: A.CoarseDropout3D(num_holes_range=(3, 1)), r"^num_holes_range: expected low <= high"),
        (lambda: A.CoarseDropout3D(fill=np.nan), r"^fill: expected a finite number"),
    ],
)
def test_bad_arguments_name_the_argument(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


def test_crop_larger_than_the_volume_is_refused_without_padding():
    with pytest.raises(ValueError, match=r"^size: CenterCrop3D of \(7, 5, 5\) is larger than the volume"):
        A.Compose([A.CenterCrop3D((7, 5, 5))])(volume=VOL)


# ------------------------------------------------------------------------------------------ subclasses, tensors
def test_transform3d_subclass_runs_as_in_albumentations():
    class CropDepth(A.Transform3D):
        def get_params_dependent_on_data(self, params, data):
            return {"z": data["volume"].shape[0] // 2}

        def apply_to_volume(self, volume, z, **params):
            return volume[z:]

        def apply_to_keypoints(self, keypoints, z, **params):
            out = keypoints.copy()
            out[:, 2] -= z
            return out

    for lib in (A, alb):
        CropDepth.__bases__ = (lib.Transform3D,)
        pipe = lib.Compose([CropDepth(p=1)], keypoint_params=lib.KeypointParams(format="xyz"))
        out = pipe(volume=VOL, mask3d=MASK, volumes=VOL[None], keypoints=[(1, 2, 4)])
        assert out["volume"].shape == (3, 10, 12, 2) and out["mask3d"].shape == (3, 10, 12)
        assert out["volumes"].shape == (1, 3, 10, 12, 2)
        np.testing.assert_array_equal(out["volume"], VOL[3:])
        assert tuple(out["keypoints"][0]) == (1, 2, 1)


def test_to_tensor3d_gives_channels_first_tensors():
    torch = pytest.importorskip("torch")
    out = A.Compose([A.Pad3D(1), A.ToTensor3D()])(volume=VOL, mask3d=MASK)
    theirs = alb.Compose([alb.Pad3D(1), alb.pytorch.ToTensor3D()])(volume=VOL, mask3d=MASK)
    for key in ("volume", "mask3d"):
        assert isinstance(out[key], torch.Tensor) and out[key].shape == theirs[key].shape, key
        np.testing.assert_array_equal(out[key].numpy(), theirs[key].numpy())
    with pytest.raises(ValueError, match=r"^ToTensor3D: p: expected 1"):
        A.ToTensor3D(p=0.5)


def test_records_are_plain_json_and_replay():
    pipe = A.Compose([A.RandomCrop3D((3, 5, 6)), A.CoarseDropout3D(p=1), A.CubicSymmetry()], seed=2,
                     save_applied_params=True, keypoint_params=KP)  # fmt: skip
    out = pipe(volume=VOL, mask3d=MASK, keypoints=KPS[:1])
    record = json.loads(json.dumps(out["applied_transforms"]))
    again = pipe.replay(record, volume=VOL, mask3d=MASK, keypoints=KPS[:1])
    for key in ("volume", "mask3d", "keypoints"):
        np.testing.assert_array_equal(again[key], out[key])


# ------------------------------------------------------------------------------------------ numpy_cv2 parity
def _override_and_generic(kernel, vol, *args):
    from ._spatial import override_and_generic

    return override_and_generic(kernel, vol, *args)


@pytest.mark.parity.with_args("numpy_cv2", F.pad3d)
@pytest.mark.parity.with_args("numpy_cv2", F.crop3d)
@pytest.mark.parity.with_args("numpy_cv2", F.cutout3d)
@pytest.mark.parity.with_args("numpy_cv2", F.cube_symmetry)
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("shape", [(5, 6, 7, 1), (5, 6, 7, 3), (2, 5, 6, 7, 2)])
def test_numpy_overrides_equal_the_generic_kernels_exactly(dtype, shape):
    vol = (np.random.default_rng(5).random(shape) * 200).astype(dtype)
    before = vol.copy()
    fill = np.array([7, 9, 11][: shape[-1]], dtype)
    cases = [
        (F.pad3d, (1, 2, 0, 3, 2, 0, fill)),
        (F.pad3d, (0, 0, 0, 0, 0, 0, fill)),
        (F.crop3d, (1, 4, 2, 6, 0, 5)),
        (F.cutout3d, (np.array([[0, 1, 2, 2, 4, 6], [3, 0, 0, 5, 6, 1]]), fill)),
        (F.cutout3d, (np.zeros((0, 6), np.int64), fill)),
        *[(F.cube_symmetry, (i,)) for i in range(48)],
    ]
    for kernel, args in cases:
        out, ref = _override_and_generic(kernel, vol, *args)
        assert out.dtype == ref.dtype and out.flags.c_contiguous, kernel.__name__
        np.testing.assert_array_equal(out, ref, err_msg=f"{kernel.__name__}{args[:1]}")
    np.testing.assert_array_equal(vol, before)


@pytest.mark.parity.with_args("numpy_cv2", F.pad3d)
@pytest.mark.parity.with_args("numpy_cv2", F.cutout3d)
@pytest.mark.parity.with_args("numpy_cv2", F.cube_symmetry)
@pytest.mark.parametrize("dtype", ["uint8", "int64", "float64"])
@pytest.mark.parametrize("case", ["five_channels", "strided", "one_fill", "volumes"])
def test_numpy_fill_copy_and_voxel_paths_equal_the_generic_kernels(dtype, case):
    """The overrides' paths: OpenCV's border per slice (<= 4 channels, its dtypes, C-ordered), a
    scalar fill (every channel alike) or a row of fills, voxels copied as opaque items."""
    shape = {"five_channels": (3, 4, 5, 5), "strided": (5, 8, 7, 3), "one_fill": (4, 5, 6, 3)}
    vol = (np.random.default_rng(6).random(shape.get(case, (2, 3, 4, 5, 4))) * 200).astype(dtype)
    if case == "strided":
        vol = vol[:, ::2, 1:]
    c = vol.shape[-1]
    fill = np.full(c, 7, dtype) if case == "one_fill" else (np.arange(c) * 13 + 5).astype(dtype)
    cases = [
        (F.pad3d, (2, 1, 0, 3, 4, 1, fill)),
        (F.pad3d, (0, 0, 1, 0, 0, 2, fill)),
        (F.cutout3d, (np.array([[0, 1, 2, 2, 3, 4], [1, 0, 0, 3, 2, 9], [0, 0, 2, 1, 2, 12]]), fill)),
        *[(F.cube_symmetry, (i,)) for i in range(48)],
    ]
    for kernel, args in cases:
        out, ref = _override_and_generic(kernel, vol, *args)
        assert out.flags.c_contiguous, kernel.__name__
        np.testing.assert_array_equal(out, ref, err_msg=f"{kernel.__name__}{args[:1]}")


@pytest.mark.parametrize(
    "name", ["CenterCrop3D", "CoarseDropout3D", "CubicSymmetry", "Pad3D", "RandomCrop3D"]
)
def test_direct_volume_calls_match_the_general_path(name):
    """``t(volume=v)`` (a short path) draws, gates and returns as a call with another target."""
    cls = getattr(A, name)
    args = cls.examples(10, 12)[0]
    fast, general = cls(**args, p=0.5), cls(**args, p=0.5)
    fast.set_random_seed(2)
    general.set_random_seed(2)
    for vol in [VOL, VOL[..., 0], VOL[..., :1], VOL.astype(np.float32)] * 4:
        a = fast(volume=vol)["volume"]
        b = general(volume=vol, mask3d=MASK)["volume"]
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    fast, general = cls(**args, p=0), cls(**args, p=0)
    fast.set_random_seed(5)
    general.set_random_seed(5)
    forced = fast(volume=VOL, force_apply=True)["volume"]
    np.testing.assert_array_equal(forced, general(volume=VOL, mask3d=MASK, force_apply=True)["volume"])


def test_numpy_volume_pipelines_never_import_cupy():
    """The registry's check (tests/test_seed_and_backends.py) runs 2-D inputs: here the 3-D classes."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, xalbu as A\n"
        "v = np.zeros((4, 6, 8, 3), np.uint8)\n"
        "for n, c in sorted(A.TRANSFORMS.items()):\n"
        "    if c.kind == 'volume':\n"
        "        A.Compose([c(p=1, **c.examples(6, 8)[0])], seed=0)(volume=v, mask3d=v[..., 0])\n"
        "A.Compose([A.HorizontalFlip(p=1)])(volumes=v[None])\n"
        "print('cupy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_albumentations_files_of_3d_transforms_load_and_run_alike():
    p = alb.Compose([alb.Pad3D(padding=(1, 2, 3), fill=3), alb.CenterCrop3D((4, 5, 6), pad_if_needed=True),
                     alb.RandomCrop3D((2, 3, 4)), alb.CoarseDropout3D(num_holes_range=(1, 3)),
                     alb.PadIfNeeded3D(pad_divisor_zyx=(4, 4, 4)), alb.CubicSymmetry(p=0.5)])  # fmt: skip
    ours_ = A.from_dict(alb.to_dict(p))
    assert [type(t).__name__ for t in ours_.transforms] == [type(t).__name__ for t in p.transforms]
    assert ours_(volume=VOL)["volume"].shape in {(4, 4, 4, 2)}


def test_albumentations_style_2d_subclasses_see_volumes_as_stacks_of_images():
    class FlipRows(A.DualTransform):
        def apply(self, img, **params):
            return img[:, ::-1]

        def apply_to_keypoints(self, keypoints, **params):
            return keypoints

    pipe = A.Compose([FlipRows(p=1)], keypoint_params=KP)
    out = pipe(volume=VOL, mask3d=MASK, volumes=np.stack([VOL, VOL]), masks3d=MASK[None], keypoints=KPS)
    np.testing.assert_array_equal(out["volume"], VOL[:, :, ::-1])
    np.testing.assert_array_equal(out["volumes"][1], VOL[:, :, ::-1])
    np.testing.assert_array_equal(out["masks3d"][0], MASK[:, :, ::-1])
    np.testing.assert_array_equal(out["keypoints"], KPS)  # z comes back as it went in
