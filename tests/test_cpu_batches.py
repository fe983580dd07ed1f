"""CPU batches as fast as a loop of single calls, with the same values.

- affine steps with exact kernels (flips, quarter turns, D4, crops, pads) run a host batch sample by
  sample (``core/affine.py``: ``PER_SAMPLE``) instead of computing every sample then selecting
  (``p < 1``) or warping per sample (per-sample parameters): pinned equal to the whole-batch path
  for every affine transform's examples, with masks, boxes and keypoints;
- uint8 affine maps with one scalar per sample (brightness/contrast, multiply-add, multiplicative
  noise, channel gains and offsets) take the exact per-sample table of the single-image overrides
  (``_pointwise._affine_u8_tables``): pinned equal to single calls and to the generic kernel;
- per-channel uint8 normalize of a batch runs sample by sample into one output: pinned equal to the
  single-image arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from xalbu.backends.numpy_cv2._pointwise import _scale_add

import xalbu as A
from xalbu.core import affine
from xalbu.core.transform import TRANSFORMS
from xalbu.functional import color as FC
from xalbu.functional import dtype as FD
from xalbu.functional import noise as FN
from xalbu.functional import tone as F

N = 6
AFFINE = sorted(name for name, cls in TRANSFORMS.items() if cls.kind == "affine")
BBOX = A.BboxParams(format="pascal_voc", label_fields=["labels"], min_visibility=0.0)
KP = A.KeypointParams(format="xy", label_fields=["kp_labels"], remove_invisible=True)


def _batch(hw: tuple[int, int], dtype: str, channels: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    h, w = hw
    if dtype == "float32":
        images = rng.random((N, h, w, channels), dtype=np.float32)
    else:
        top = np.iinfo(dtype).max
        images = rng.integers(0, top, (N, h, w, channels), endpoint=True).astype(dtype)
    boxes = [[[1.0 + s, 2.0, w / 2 + s, h - 3.0], [w / 3, h / 4, w - 1.5, h / 2 + s]] for s in range(N)]
    points = [[[1.5 + s, 2.0], [w - 2.0, h / 2 + s], [w / 2, h - 1.0]] for s in range(N)]
    return {
        "images": images,
        "masks": rng.integers(0, 5, (N, h, w), endpoint=True).astype(np.uint8),
        "bboxes": boxes,
        "labels": [[1, 2] for _ in range(N)],
        "keypoints": points,
        "kp_labels": [[0, 1, 2] for _ in range(N)],
    }


def _run(t: Any, data: dict[str, Any], seed: int) -> Any:
    pipe = A.Compose([t], bbox_params=BBOX, keypoint_params=KP, seed=seed)
    try:
        return pipe.batch(**data)
    except ValueError as e:  # a batch the transform refuses (sizes would differ): both paths alike
        return ("refused", str(e))


def _assert_same(a: Any, b: Any) -> None:
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert a == b
        return
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype and a[key].shape == b[key].shape, key
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert len(a[key]) == len(b[key]), key
            for x, y in zip(a[key], b[key], strict=True):
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=key)


@pytest.mark.parametrize("name", AFFINE)
def test_per_sample_affine_equals_whole_batch_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example of every affine transform, p=1 and p=0.5, square and not, three dtypes."""
    cls = TRANSFORMS[name]
    for hw, dtype, channels in (((24, 24), "uint8", 3), ((20, 28), "float32", 1), ((24, 24), "uint16", 5)):
        data = _batch(hw, dtype, channels)
        for args in cls.examples(*hw, dtype):
            for p in (1.0, 0.5):
                for seed in (0, 1, 2):
                    monkeypatch.setattr(affine, "PER_SAMPLE", True)
                    fast = _run(cls(**{**args, "p": p}), data, seed)
                    monkeypatch.setattr(affine, "PER_SAMPLE", False)
                    slow = _run(cls(**{**args, "p": p}), data, seed)
                    _assert_same(fast, slow)


def test_time_reverse_may_declare_exact_per_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """TimeReverse (a gated hflip without ``_kernel``) gives the same batches through the fast path."""
    monkeypatch.setattr(TRANSFORMS["TimeReverse"], "exact_per_sample", True)
    test_per_sample_affine_equals_whole_batch_path("TimeReverse", monkeypatch)


def test_per_sample_path_is_taken() -> None:
    """The exact-kernel steps the fast path is for do take it (and warp-only steps do not)."""
    state_of = {}

    class _Spy(A.D4):  # leading underscore: not registered
        def _sample_runs(self, state: Any, params: Any, applied: Any, geo: Any) -> Any:
            runs = super()._sample_runs(state, params, applied, geo)
            state_of["runs"] = runs
            return runs

    data = _batch((16, 16), "uint8", 3)
    A.Compose([_Spy(p=1.0)], seed=0).batch(images=data["images"])
    assert state_of["runs"] is not None and len(state_of["runs"]) == N
    assert len({id(g) for g in state_of["runs"]}) <= 8  # samples with one element share one geometry
    flip = A.VerticalFlip(p=0.5)
    out = A.Compose([flip], seed=3).batch(images=data["images"])["images"]
    flipped = [np.array_equal(o, i[::-1]) for o, i in zip(out, data["images"], strict=True)]
    kept = [np.array_equal(o, i) for o, i in zip(out, data["images"], strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True)) and any(flipped) and any(kept)
    assert not np.shares_memory(out, data["images"])


# ---------------------------------------------------------------------------------- uint8 affine maps
def _ramp_images(n: int) -> np.ndarray:
    """``n`` uint8 16x16x3 images holding every value 0..255 in each channel."""
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    return np.ascontiguousarray(np.broadcast_to(ramp, (n, 16, 16, 3)))


def _draws(n: int) -> tuple[np.ndarray, np.ndarray]:
    """RandomBrightnessContrast-like draws, with ones where ``cv2.addWeighted``'s rounding differs
    from the generic float32 arithmetic (the batch path used it before)."""
    rng = np.random.default_rng(7)
    alpha, beta = 1.0 + rng.uniform(-0.2, 0.2, 40000), rng.uniform(-0.2, 0.2, 40000)
    ramp = np.arange(256, dtype=np.uint8).reshape(1, 256)
    differ = []
    for i, (a, b) in enumerate(zip(alpha.tolist(), beta.tolist(), strict=True)):
        got = np.empty_like(ramp)
        _scale_add(ramp, a, b * 255.0, got)
        if not np.array_equal(got, F.brightness_contrast.generic(ramp[..., None], a, b, True)[..., 0]):
            differ.append(i)
        if len(differ) == n // 2:
            break
    assert differ, "no draw where cv2.addWeighted differs: the test lost its point"
    pick = np.r_[np.array(differ), np.arange(n - len(differ))]
    return alpha[pick], beta[pick]


def test_brightness_contrast_batch_equals_single_calls() -> None:
    alpha, beta = _draws(64)
    imgs = _ramp_images(len(alpha))
    out = F.brightness_contrast(imgs, alpha, beta, True)
    for i, (a, b) in enumerate(zip(alpha.tolist(), beta.tolist(), strict=True)):
        single = F.brightness_contrast(imgs[i], a, b, True)
        np.testing.assert_array_equal(out[i], single)
        np.testing.assert_array_equal(out[i], F.brightness_contrast.generic(imgs[i], a, b, True))


def test_multiply_add_and_noise_batches_equal_single_calls() -> None:
    alpha, beta = _draws(32)
    imgs = _ramp_images(len(alpha))
    shift = beta * 255.0
    out = F.multiply_add(imgs, alpha, shift)
    factors = (1.0 + (alpha - 1.0) * 2).astype(np.float32)
    noisy = FN.multiply_channels(imgs, factors)
    offsets = FN.add_channels(imgs, beta)
    for i in range(len(alpha)):
        np.testing.assert_array_equal(out[i], F.multiply_add(imgs[i], float(alpha[i]), float(shift[i])))
        np.testing.assert_array_equal(noisy[i], FN.multiply_channels(imgs[i], float(factors[i])))
        np.testing.assert_array_equal(noisy[i], FN.multiply_channels.generic(imgs[i], float(factors[i])))
        np.testing.assert_array_equal(offsets[i], FN.add_channels.generic(imgs[i], float(beta[i])))


def test_scalar_channel_gains_and_shifts_are_exact() -> None:
    """uint8 with one scalar (one image, or one per sample): the exact table, as the generic kernel."""
    alpha, beta = _draws(16)
    imgs = _ramp_images(len(alpha))
    gains, shifts = alpha.reshape(-1, 1), (beta * 255.0).reshape(-1, 1)
    np.testing.assert_array_equal(FC.scale_channels(imgs, gains), FC.scale_channels.generic(imgs, gains))
    np.testing.assert_array_equal(FC.shift_channels(imgs, shifts), FC.shift_channels.generic(imgs, shifts))
    for i in range(len(alpha)):
        g, s = float(alpha[i]), float(shifts[i, 0])
        np.testing.assert_array_equal(FC.scale_channels(imgs[i], g), FC.scale_channels.generic(imgs[i], g))
        np.testing.assert_array_equal(FC.shift_channels(imgs[i], s), FC.shift_channels.generic(imgs[i], s))


def test_normalize_batch_equals_single_calls() -> None:
    rng = np.random.default_rng(3)
    imgs = rng.integers(0, 255, (5, 9, 7, 3), endpoint=True).astype(np.uint8)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    out = FD.normalize(imgs, mean, std, 255.0)
    assert out.dtype == np.float32 and out.shape == imgs.shape
    for i in range(len(imgs)):
        np.testing.assert_array_equal(out[i], FD.normalize(imgs[i], mean, std, 255.0))
    # the whole-batch arithmetic it replaces: float32 x * (1 / (std * max)) + (-mean / std)
    a = (1.0 / (np.asarray(std) * 255.0)).astype(np.float32)
    b = (-np.asarray(mean) * 255.0 / (np.asarray(std) * 255.0)).astype(np.float32)
    x = imgs.astype(np.float32)
    np.multiply(x, a, out=x)
    np.add(x, b, out=x)
    np.testing.assert_array_equal(out, x)


# ------------------------------------------------------------------- batches written into their slots
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32", "int32", "float64"])
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
def test_batch_kernels_written_into_slots_equal_single_calls(dtype: str, channels: int) -> None:
    """pad, transpose and rot90 of a batch (each sample written into its slot of one output) equal
    the single-image overrides and the generic kernels, every border mode and fill kind."""
    from xalbu.functional import flips as FF
    from xalbu.functional import sizing as FS

    rng = np.random.default_rng(channels)
    imgs = (rng.random((3, 5, 7, channels)) * 200).astype(dtype)
    for out, single, generic in (
        (FF.transpose(imgs), FF.transpose, FF.transpose.generic),
        *(
            (FF.rot90(imgs, k), lambda s, k=k: FF.rot90(s, k), lambda s, k=k: FF.rot90.generic(s, k))
            for k in range(4)
        ),
    ):
        for i in range(len(imgs)):
            np.testing.assert_array_equal(out[i], single(imgs[i]))
            np.testing.assert_array_equal(out[i], generic(imgs[i]))
    for mode in range(5):
        for fill in (0, 7, [1, 2, 3, 4, 5][:channels]):
            out = FS.pad(imgs, 2, 1, 3, 9, mode, fill)
            assert out.shape == (3, 8, 19, channels) and out.dtype == imgs.dtype
            np.testing.assert_array_equal(out, FS.pad.generic(imgs, 2, 1, 3, 9, mode, fill))
            for i in range(len(imgs)):
                np.testing.assert_array_equal(out[i], FS.pad(imgs[i], 2, 1, 3, 9, mode, fill))


@pytest.mark.parametrize("target", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("max_value", [None, 1.0, 100, 300.5])
def test_from_float_of_uint8_table_equals_generic(target: str, max_value: Any) -> None:
    """uint8 input (FromFloat without a ToFloat before it): the table of the generic kernel."""
    ramp = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    imgs = np.concatenate([ramp, ramp[:, ::-1], ramp[:, :, ::-1]], axis=-1)
    imgs = np.concatenate([imgs, imgs[:, ::-1]], axis=0)  # (2, 16, 16, 3), every value
    for x in (imgs, imgs[0], imgs[1, :, 3:11]):
        got, want = FD.from_float(x, target, max_value), FD.from_float.generic(x, target, max_value)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
