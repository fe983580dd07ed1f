"""``Compose(fuse_affine=True)``: consecutive affine-kind steps applied as one warp.

What is checked: lattice chains (flips, transposes, quarter turns, integer crops) fuse exactly; a
chain with interpolation matches the step-by-step result within a stated tolerance wherever the
step-by-step result is image content (not fill); a lone affine step runs its exact kernel, bit for
bit; keypoints agree; fused boxes are never looser than step-by-step ones; batches, replay and
serialization keep working.
"""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A

BOXES = A.BboxParams(format="pascal_voc", label_fields=["labels"])
POINTS = A.KeypointParams(format="xy", remove_invisible=False)

# one bilinear resampling against two or three on a smooth image: outputs agree to within this many
# uint8 levels away from fill (measured max 2 on these chains)
TOL = 4


def smooth(h: int = 48, w: int = 64, seed: int = 0) -> np.ndarray:
    """A smooth RGB image (so interpolation errors stay small)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = np.random.default_rng(seed)
    chans = [
        127 + 100 * np.sin(x / r.uniform(6, 12) + r.uniform(0, 3)) * np.cos(y / r.uniform(6, 12))
        for _ in range(3)
    ]
    return np.clip(np.stack(chans, -1), 0, 255).astype(np.uint8)


def run(transforms: list, fuse: bool, seed: int = 3, **data):
    return A.Compose(transforms, bbox_params=BOXES, keypoint_params=POINTS, seed=seed, fuse_affine=fuse)(
        **data
    )


def inputs(h: int = 48, w: int = 64) -> dict:
    mask = np.zeros((h, w), np.uint8)
    mask[10:30, 20:44] = 1
    return {
        "image": smooth(h, w),
        "mask": mask,
        "bboxes": np.array([[20.0, 10.0, 44.0, 30.0]]),
        "labels": ["obj"],
        "keypoints": np.array([[20.5, 10.5], [43.5, 29.5], [32.0, 20.0]]),
    }


LATTICE = [
    A.HorizontalFlip(p=1.0),
    A.Transpose(p=1.0),
    A.RandomRotate90(p=1.0),
    A.VerticalFlip(p=0.5),
    A.CenterCrop(30, 40),
]


def test_off_by_default():
    assert A.Compose([A.HorizontalFlip()]).fuse_affine is False
    with pytest.raises(TypeError, match="fuse_affine: expected True or False"):
        A.Compose([A.HorizontalFlip()], fuse_affine=1)


@pytest.mark.parametrize("seed", range(6))
def test_lattice_chain_fuses_exactly(seed: int):
    data = inputs()
    a, b = run(LATTICE, False, seed, **data), run(LATTICE, True, seed, **data)
    np.testing.assert_array_equal(a["image"], b["image"])
    np.testing.assert_array_equal(a["mask"], b["mask"])
    np.testing.assert_allclose(a["bboxes"], b["bboxes"], atol=1e-9)
    np.testing.assert_allclose(a["keypoints"], b["keypoints"], atol=1e-9)


def _valid(transforms: list, seed: int, shape: tuple[int, int], erode: int = 2) -> np.ndarray:
    """Pixels of the step-by-step output that are image content: white stays white there."""
    white = np.full((*shape, 3), 255, np.uint8)
    out = A.Compose(transforms, seed=seed)(image=white)["image"][..., 0] == 255
    for _ in range(erode):  # interpolation near fill borders mixes in fill: stay clear of them
        out[1:] &= out[:-1]
        out[:-1] &= out[1:]
        out[:, 1:] &= out[:, :-1]
        out[:, :-1] &= out[:, 1:]
    return out


CHAINS = {
    "affine+affine": [
        A.Affine(rotate=(-20, 20), scale=(0.9, 1.1), p=1.0),
        A.Affine(translate_px=(-4, 4), shear=(-8, 8), p=1.0),
    ],
    "flip+rotate+crop": [A.HorizontalFlip(p=1.0), A.Rotate(limit=(-30, 30), p=1.0), A.RandomCrop(32, 40)],
    "resize+perspective": [
        A.Resize(40, 50),
        A.Perspective(scale=(0.02, 0.05), p=1.0),
        A.ShiftScaleRotate(rotate_limit=(-10, 10), p=1.0),
    ],
}


@pytest.mark.parametrize("name", sorted(CHAINS))
@pytest.mark.parametrize("seed", range(4))
def test_interpolating_chain_matches_step_by_step(name: str, seed: int):
    chain = CHAINS[name]
    data = inputs()
    a, b = run(chain, False, seed, **data), run(chain, True, seed, **data)
    assert a["image"].shape == b["image"].shape and a["image"].dtype == b["image"].dtype
    valid = _valid(chain, seed, data["image"].shape[:2])
    assert valid.mean() > 0.3, "the comparison must cover most of the image"
    diff = np.abs(a["image"].astype(int) - b["image"].astype(int)).max(axis=-1)
    assert diff[valid].max() <= TOL, f"{name}: max difference {diff[valid].max()} on content pixels"
    # keypoints: the same maps, multiplied once instead of applied in turn
    np.testing.assert_allclose(a["keypoints"], b["keypoints"], atol=1e-6)
    # boxes: mapped once, so never looser than boxes re-boxed after every step
    if len(a["bboxes"]) and len(b["bboxes"]):
        fa, fb = np.asarray(a["bboxes"]), np.asarray(b["bboxes"])
        assert np.all(fb[:, :2] >= fa[:, :2] - 1e-6) and np.all(fb[:, 2:] <= fa[:, 2:] + 1e-6)


def test_single_affine_steps_run_their_exact_kernels():
    """Affine steps separated by pixel steps (or by other border settings) are not fused: bit-exact."""
    chain = [
        A.HorizontalFlip(p=1.0),
        A.RandomBrightnessContrast(p=1.0),
        A.Affine(rotate=(-10, 10), p=1.0),
        A.RandomResizedCrop((32, 32), p=1.0),  # replicate border: does not join the Affine's warp
        A.RandomGamma(p=1.0),
    ]
    data = inputs()
    a, b = run(chain, False, 5, **data), run(chain, True, 5, **data)
    for key in ("image", "mask", "bboxes", "keypoints"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_fused_batch_keeps_unapplied_samples_and_matches_singles():
    imgs = np.stack([smooth(48, 48, seed=s) for s in range(8)])  # square: Transpose keeps the size
    chain = [A.HorizontalFlip(p=0.5), A.VerticalFlip(p=0.5), A.Transpose(p=0.5)]
    fused = A.Compose(chain, seed=1, fuse_affine=True).batch(images=imgs)["images"]
    plain = A.Compose(chain, seed=1).batch(images=imgs)["images"]
    np.testing.assert_array_equal(fused, plain)  # lattice maps: exact, per sample


def test_replay_and_serialization_keep_fusion():
    chain = [A.Affine(rotate=(-20, 20), p=1.0), A.HorizontalFlip(p=0.5), A.RandomCrop(32, 40)]
    pipe = A.Compose(chain, seed=2, fuse_affine=True, save_applied_params=True)
    data = {"image": smooth()}
    out = pipe(**data)
    again = pipe.replay(out["applied_transforms"], **data)
    np.testing.assert_array_equal(again["image"], out["image"])
    d = A.to_dict(pipe)
    assert d["transform"]["fuse_affine"] is True
    loaded = A.from_dict(d)
    assert loaded.fuse_affine is True
    np.testing.assert_array_equal(
        loaded(**data)["image"], A.Compose(chain, seed=2, fuse_affine=True)(**data)["image"]
    )


def test_fusion_uses_one_interpolation():
    """Zooming in 2x then out 2x: step by step resamples twice and loses detail; fused, the product
    of the two maps is the identity, which sampling reproduces exactly."""
    img = smooth()
    chain = [A.Affine(scale=(2.0, 2.0), p=1.0), A.Affine(scale=(0.5, 0.5), p=1.0)]
    fused = A.Compose(chain, seed=0, fuse_affine=True)(image=img)["image"]
    steps = A.Compose(chain, seed=0)(image=img)["image"]
    np.testing.assert_array_equal(fused, img)  # the product is the identity: no resampling error
    assert np.abs(steps.astype(int) - img.astype(int)).max() > 0  # step by step loses detail


def test_replay_compose_takes_fuse_affine_too():
    chain = [A.Affine(rotate=(-20, 20), p=1.0), A.Rotate(limit=(-10, 10), p=1.0)]
    rc = A.ReplayCompose(chain, seed=4, fuse_affine=True)
    assert A.from_dict(A.to_dict(rc)).fuse_affine is True
    data = {"image": smooth()}
    out = rc(**data)
    np.testing.assert_array_equal(out["image"], A.Compose(chain, seed=4, fuse_affine=True)(**data)["image"])
    np.testing.assert_array_equal(A.ReplayCompose.replay(out["replay"], **data)["image"], out["image"])


def test_replay_flushes_the_fused_warps_inside_the_stream_context(monkeypatch):
    """Issue 10, 1d: with fuse_affine=True the last (deferred) warp of a replay runs where every other
    step runs: inside the call's stream context (torch's current stream for CUDA tensors)."""
    import contextlib

    from xalbu.core import composition, fusion

    inside = []
    flushed_inside = []

    @contextlib.contextmanager
    def stream(tensor):
        inside.append(True)
        try:
            yield
        finally:
            inside.pop()

    real_flush = fusion.flush_affine

    def flush(state):
        flushed_inside.append(bool(inside))
        real_flush(state)

    monkeypatch.setattr(composition, "cuda_stream", stream)
    monkeypatch.setattr(composition, "flush_affine", flush)
    pipe = A.Compose(
        [A.HorizontalFlip(p=1), A.Affine(rotate=(10, 10), p=1)], fuse_affine=True, save_applied_params=True
    )
    img = np.random.default_rng(0).integers(0, 256, (16, 20, 3), dtype=np.uint8)
    out = pipe(image=img)
    flushed_inside.clear()
    again = pipe.replay(out["applied_transforms"], image=img)
    assert flushed_inside == [True]
    np.testing.assert_array_equal(again["image"], out["image"])
