"""The contract of tests/test_contract.py for the 3-D classes (kind ``"volume"``), which need volumes and so
cannot run on its 2-D images: every such class of the registry, with its declared examples, keeps dtypes
and layouts, is the identity at p=0, repeats itself with a seed, leaves its inputs alone, moves volumes
and 3-D masks alike, round-trips through to_dict, takes albumentations' arguments, and gives the same
voxels from the generic kernels (array_api_strict input) as from NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A

VOLUME_NAMES = sorted(n for n, c in A.TRANSFORMS.items() if c.kind == "volume")
D, H, W = 8, 12, 16


def _volume(dtype: str, channels: int, seed: int = 0) -> np.ndarray:
    r = np.random.default_rng(seed)
    shape = (D, H, W) if channels == 1 else (D, H, W, channels)
    if dtype == "float32":
        return r.random(shape, dtype=np.float32)
    return r.integers(0, np.iinfo(dtype).max + 1, shape).astype(dtype)


def _build(name: str, p: float = 1.0, i: int = 0) -> A.BasicTransform:
    return A.TRANSFORMS[name](p=p, **A.TRANSFORMS[name].examples(H, W)[i])


def _run(t, seed: int = 0, **data):
    return A.Compose([t], seed=seed, keypoint_params=A.KeypointParams(format="xyz"))(**data)


def test_the_volume_classes_are_registered():
    assert set(VOLUME_NAMES) == {"CenterCrop3D", "CoarseDropout3D", "CubicSymmetry", "Pad3D", "PadIfNeeded3D",
                                 "RandomCrop3D"}  # fmt: skip


@pytest.mark.parametrize("name", VOLUME_NAMES)
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("channels", [1, 3])
def test_contract_dtype_layout_seed_inputs(name, dtype, channels):
    vol = _volume(dtype, channels)
    mask = (_volume("uint8", 1, 1) % 4).astype(np.uint8)
    before, mbefore = vol.copy(), mask.copy()
    kps = np.array([[1.5, 2.5, 3.5], [W / 2, H / 2, D / 2]])
    for i in range(len(A.TRANSFORMS[name].examples(H, W))):
        t = _build(name, i=i)
        out = _run(t, 3, volume=vol, mask3d=mask, volumes=np.stack([vol, vol]), keypoints=kps)
        again = _run(
            _build(name, i=i), 3, volume=vol, mask3d=mask, volumes=np.stack([vol, vol]), keypoints=kps
        )
        assert out["volume"].dtype == vol.dtype and out["volume"].ndim == vol.ndim
        assert out["mask3d"].dtype == mask.dtype and out["mask3d"].shape == out["volume"].shape[:3]
        np.testing.assert_array_equal(out["volumes"][1], out["volume"])
        for key in ("volume", "mask3d", "keypoints"):
            np.testing.assert_array_equal(out[key], again[key], err_msg=key)
        np.testing.assert_array_equal(vol, before)
        np.testing.assert_array_equal(mask, mbefore)
    off = _run(_build(name, p=0.0), 0, volume=vol, mask3d=mask)
    np.testing.assert_array_equal(off["volume"], vol)
    np.testing.assert_array_equal(off["mask3d"], mask)


@pytest.mark.parametrize("name", VOLUME_NAMES)
def test_volumes_and_masks_move_alike(name):
    """A volume and a 3-D mask with the same values come out the same (fills aside)."""
    vol = (_volume("uint8", 1) % 7 + 1).astype(np.uint8)
    t = _build(name)
    out = _run(t, 5, volume=vol, mask3d=vol.copy())
    if getattr(t, "fill", 0) == getattr(t, "fill_mask", 0):
        np.testing.assert_array_equal(out["volume"], out["mask3d"])
    else:
        moved = (out["volume"] != 0) & (out["mask3d"] != 0)
        np.testing.assert_array_equal(out["volume"][moved], out["mask3d"][moved])


@pytest.mark.parametrize("name", VOLUME_NAMES)
def test_serialization_round_trip_gives_the_same_output(name):
    vol = _volume("uint8", 3)
    for i in range(len(A.TRANSFORMS[name].examples(H, W))):
        t = _build(name, p=0.75, i=i)
        loaded = A.from_dict(A.to_dict(t))
        assert repr(loaded) == repr(t)
        for seed in range(3):
            np.testing.assert_array_equal(
                _run(t, seed, volume=vol)["volume"], _run(loaded, seed, volume=vol)["volume"]
            )


@pytest.mark.parametrize("name", VOLUME_NAMES)
def test_albumentations_takes_the_canonical_arguments(name):
    alb = pytest.importorskip("albumentations")
    kwargs = A.TRANSFORMS[name].examples(H, W)[0]
    theirs = getattr(alb, name)(p=1, **kwargs)
    out = alb.Compose([theirs], seed=0)(volume=_volume("uint8", 3))["volume"]
    mine = _run(_build(name), 0, volume=_volume("uint8", 3))["volume"]
    assert out.dtype == mine.dtype and out.ndim == mine.ndim
    if name not in ("CubicSymmetry",):  # its draw permutes the axes
        assert out.shape == mine.shape


@pytest.mark.parametrize("name", VOLUME_NAMES)
def test_generic_kernels_on_array_api_strict_match_numpy(name):
    xps = pytest.importorskip("array_api_strict")
    vol = _volume("uint16", 3)
    ours = _run(_build(name), 4, volume=vol)["volume"]
    strict = _run(_build(name), 4, volume=xps.asarray(vol))["volume"]
    assert type(strict).__module__.startswith("array_api_strict")
    np.testing.assert_array_equal(np.asarray(strict), ours)


@pytest.mark.gpu
@pytest.mark.parametrize("name", VOLUME_NAMES)
def test_cupy_volumes_match_numpy(cupy, name):
    vol = _volume("uint8", 3)
    ours = _run(_build(name), 4, volume=vol, mask3d=vol[..., 0])
    got = _run(_build(name), 4, volume=cupy.asarray(vol), mask3d=cupy.asarray(vol[..., 0]))
    assert isinstance(got["volume"], cupy.ndarray)
    for key in ("volume", "mask3d"):
        np.testing.assert_array_equal(cupy.asnumpy(got[key]), ours[key])
