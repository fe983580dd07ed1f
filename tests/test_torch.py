"""PyTorch interop: tensors in give tensors out (zero-copy), and ``ToTensorV2`` ends a pipeline with
channels-first tensors. CPU tests need torch (skipped without it); CUDA tests are ``gpu``-marked."""

from __future__ import annotations

import numpy as np
import pytest
from test_contract import assert_same, full_inputs, make_image, make_mask

import xalbu as A

torch = pytest.importorskip("torch")

BBOX = A.BboxParams(format="pascal_voc", label_fields=["labels"])


def _pipe(seed: int = 0, last: list | None = None) -> A.Compose:
    return A.Compose(
        [
            A.RandomResizedCrop((16, 20), p=1.0),
            A.HorizontalFlip(p=0.5),
            A.RandomBrightnessContrast(p=1.0),
            *(last or []),
        ],
        bbox_params=BBOX,
        seed=seed,
    )


def _tensors(data: dict) -> dict:
    return {k: torch.from_numpy(v.copy()) if k in ("image", "mask") else v for k, v in data.items()}


# ----------------------------------------------------------------------------- tensors in, tensors out
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_cpu_tensors_give_the_numpy_results_as_tensors(dtype: str, channels: int) -> None:
    data = {
        k: v for k, v in full_inputs(dtype, channels).items() if k in ("image", "mask", "bboxes", "labels")
    }
    want = _pipe()(**data)
    tdata = _tensors(data)
    before = {k: v.clone() for k, v in tdata.items() if k in ("image", "mask")}
    got = _pipe()(**tdata)
    for key in ("image", "mask"):
        assert isinstance(got[key], torch.Tensor) and got[key].device.type == "cpu", key
        np.testing.assert_array_equal(got[key].numpy(), want[key], err_msg=key)
        assert torch.equal(tdata[key], before[key]), f"{key}: the input tensor was modified"
    np.testing.assert_array_equal(got["bboxes"], want["bboxes"])
    assert got["labels"] == want["labels"]


def test_batch_of_cpu_tensors() -> None:
    imgs = np.stack([make_image("uint8", 3, seed=s) for s in range(4)])
    masks = np.stack([make_mask(s) for s in range(4)])
    want = _pipe(3).batch(images=imgs, masks=masks)
    got = _pipe(3).batch(images=torch.from_numpy(imgs), masks=torch.from_numpy(masks))
    for key in ("images", "masks"):
        assert isinstance(got[key], torch.Tensor)
        np.testing.assert_array_equal(got[key].numpy(), want[key])


def test_input_is_read_without_a_copy() -> None:
    """The tensor's memory is what the pipeline reads: an unchanged output is the same memory."""
    t = torch.from_numpy(make_image("uint8", 3))
    out = A.Compose([A.NoOp(p=1.0)])(image=t)["image"]
    assert isinstance(out, torch.Tensor) and out.data_ptr() == t.data_ptr()
    flipped = A.Compose([A.HorizontalFlip(p=1.0)])(image=t)["image"]
    assert torch.equal(flipped, t.flip(1)) and flipped.data_ptr() != t.data_ptr()


def test_strided_and_list_tensors() -> None:
    base = torch.from_numpy(make_image("uint8", 3, hw=(30, 40)))
    view = base[3:27, 4:36].flip(-1)  # a window with the channels reversed (negative stride in torch)
    want = A.Compose([A.VerticalFlip(p=1.0)])(image=np.ascontiguousarray(view.numpy()))["image"]
    got = A.Compose([A.VerticalFlip(p=1.0)])(image=view)["image"]
    np.testing.assert_array_equal(got.numpy(), want)
    frames = [torch.from_numpy(make_image("uint8", 3, seed=s)) for s in range(3)]
    out = A.Compose([A.HorizontalFlip(p=1.0)])(images=frames)["images"]
    assert isinstance(out, list) and all(isinstance(f, torch.Tensor) for f in out)
    for f, o in zip(frames, out, strict=True):
        assert torch.equal(o, f.flip(1))


def test_mixed_tensor_and_array_keep_their_types() -> None:
    img, mask = make_image("uint8", 3), make_mask()
    out = A.Compose([A.Transpose(p=1.0)])(image=torch.from_numpy(img), mask=mask)
    assert isinstance(out["image"], torch.Tensor) and isinstance(out["mask"], np.ndarray)
    np.testing.assert_array_equal(out["image"].numpy(), img.transpose(1, 0, 2))
    np.testing.assert_array_equal(out["mask"], mask.T)


def test_tensor_errors_name_the_argument() -> None:
    img = torch.zeros((8, 8, 3), requires_grad=True)
    with pytest.raises(ValueError, match=r"image: the tensor requires grad.*detach"):
        A.Compose([A.NoOp()])(image=img)
    with pytest.raises(TypeError, match=r"mask: expected a CPU or CUDA tensor, got a tensor on meta"):
        A.Compose([A.NoOp()])(image=torch.zeros((8, 8, 3)), mask=torch.zeros((8, 8), device="meta"))
    with pytest.raises(TypeError, match=r"image: expected dtype uint8, uint16 or float32 .*got float16"):
        A.Compose([A.NoOp()])(image=torch.zeros((8, 8, 3), dtype=torch.float16))


# ----------------------------------------------------------------------------- ToTensorV2
def test_to_tensor_layouts_from_numpy() -> None:
    img, mask = make_image("uint8", 3), make_mask()
    out = A.Compose([A.Normalize(), A.ToTensorV2()])(image=img, mask=mask)
    ref = A.Compose([A.Normalize()])(image=img)["image"]
    assert out["image"].shape == (3, 24, 32) and out["image"].dtype == torch.float32
    np.testing.assert_array_equal(out["image"].permute(1, 2, 0).numpy(), ref)
    assert out["image"].permute(1, 2, 0).is_contiguous()  # a channels-first view, no copy
    assert out["mask"].shape == (24, 32) and torch.equal(out["mask"], torch.from_numpy(mask))
    gray = A.Compose([A.ToTensorV2()])(image=make_image("uint8", 1))["image"]
    assert gray.shape == (1, 24, 32)
    m3 = np.stack([mask, mask + 1], axis=-1)
    kept = A.Compose([A.ToTensorV2()])(image=img, mask=m3)["mask"]
    moved = A.Compose([A.ToTensorV2(transpose_mask=True)])(image=img, mask=m3)["mask"]
    assert kept.shape == (24, 32, 2) and moved.shape == (2, 24, 32)
    assert torch.equal(moved[1], torch.from_numpy(mask + 1))


def test_to_tensor_batch_is_nchw_channels_last() -> None:
    imgs = np.stack([make_image("uint8", 3, seed=s) for s in range(4)])
    out = A.Compose([A.HorizontalFlip(p=1.0), A.ToFloat(), A.ToTensorV2()]).batch(
        images=imgs, masks=np.stack([make_mask(s) for s in range(4)])
    )
    x = out["images"]
    assert x.shape == (4, 3, 24, 32) and x.dtype == torch.float32
    assert x.is_contiguous(memory_format=torch.channels_last)
    np.testing.assert_allclose(x.permute(0, 2, 3, 1).numpy(), imgs[:, :, ::-1] / np.float32(255), atol=1e-7)
    assert out["masks"].shape == (4, 24, 32)


def test_to_tensor_of_read_only_or_reversed_outputs() -> None:
    img = make_image("uint8", 3)
    img.flags.writeable = False  # an unchanged read-only input comes back: the tensor gets a copy
    out = A.Compose([A.NoOp(p=1.0), A.ToTensorV2()])(image=img)["image"]
    assert out.shape == (3, 24, 32) and torch.equal(out.permute(1, 2, 0), torch.from_numpy(img.copy()))


def _same_tensor(a, b) -> None:
    assert (a.shape, a.stride(), a.dtype, a.data_ptr()) == (b.shape, b.stride(), b.dtype, b.data_ptr())


def test_direct_to_tensor_calls_are_the_pipelines_outputs() -> None:
    """A direct call with one plain NumPy array (the shortcut, no State) gives the tensor the
    general path gives: shape, strides, dtype and memory (a read-only array gets a copy); other
    calls take the general path, its errors included."""
    img = make_image("uint8", 3)
    ro = img.copy()
    ro.flags.writeable = False
    images = [img, img[..., 0], img[:, ::2], make_image("float32", 1), make_image("uint16", 5), img / 255.0]
    for t in (A.ToTensorV2(), A.ToTensorV2(transpose_mask=True)):
        for x in images:
            _same_tensor(t(image=x)["image"], A.Compose([t])(image=x)["image"])
        got = t(image=ro)["image"]
        assert got.data_ptr() != ro.ctypes.data and torch.equal(got, A.Compose([t])(image=ro)["image"])
    vol = np.stack([make_image("uint8", 2, seed=s) for s in range(3)])
    for x in (vol, vol[..., 0], vol[:, ::2]):
        _same_tensor(A.ToTensor3D()(volume=x)["volume"], A.Compose([A.ToTensor3D()])(volume=x)["volume"])
    for t, key, bad in ((A.ToTensorV2(), "image", img[:0]), (A.ToTensor3D(), "volume", vol.astype(np.int64))):
        with pytest.raises((TypeError, ValueError), match=key):
            t(**{key: bad})

    class Flagged(A.ToTensorV2):  # a subclass's own _apply: the general path
        def _apply(self, state, params, applied) -> None:
            super()._apply(state, params, applied)
            state.images["image"] = state.images["image"] + 1

    assert int(Flagged()(image=np.zeros((2, 3, 3), np.uint8))["image"].max()) == 1


def test_to_tensor_must_be_last_and_always_applies() -> None:
    with pytest.raises(ValueError, match=r"transforms\[0\]: ToTensorV2 .* must be the last transform"):
        A.Compose([A.ToTensorV2(), A.HorizontalFlip()])
    with pytest.raises(ValueError, match=r"transforms\[0\]\.transforms\[1\]: ToTensorV2"):
        A.Compose([A.OneOf([A.NoOp(), A.ToTensorV2()])])
    with pytest.raises(ValueError, match=r"ToTensorV2: p: expected 1"):
        A.ToTensorV2(p=0.5)
    with pytest.raises(TypeError, match="transpose_mask"):
        A.ToTensorV2(transpose_mask="yes")


def test_to_tensor_serializes_and_replays() -> None:
    pipe = A.Compose(
        [A.RandomCrop(16, 16), A.ToTensorV2(transpose_mask=True)], seed=1, save_applied_params=True
    )
    d = A.to_dict(pipe)
    assert d["transform"]["transforms"][-1] == {
        "__class_fullname__": "ToTensorV2",
        "p": 1.0,
        "transpose_mask": True,
    }
    again = A.from_dict(d)
    data = {"image": make_image("uint8", 3), "mask": np.stack([make_mask()] * 2, axis=-1)}
    out, out2 = pipe(**data), again(**data)
    assert_same(out["image"], out2["image"])
    replayed = pipe.replay(out["applied_transforms"], **data)
    assert_same(replayed["image"], out["image"])
    assert_same(replayed["mask"], out["mask"])
    assert out["mask"].shape == (2, 16, 16)


def test_to_tensor_with_tensor_inputs_only_permutes() -> None:
    t = torch.from_numpy(make_image("float32", 3))
    out = A.Compose([A.NoOp(p=1.0), A.ToTensorV2()])(image=t)["image"]
    assert out.shape == (3, 24, 32) and out.data_ptr() == t.data_ptr()


# ----------------------------------------------------------------------------- CUDA
@pytest.mark.gpu
def test_cuda_tensors_stay_on_the_device_and_match_the_cpu() -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    pytest.importorskip("cupy")
    imgs = np.stack([make_image("uint8", 3, seed=s) for s in range(8)])
    cpu = _pipe(5, [A.Normalize(), A.ToTensorV2()]).batch(images=imgs)["images"]
    stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):  # runs on the caller's current stream
        x = torch.from_numpy(imgs).cuda()
        gpu = _pipe(5, [A.Normalize(), A.ToTensorV2()]).batch(images=x)["images"]
    stream.synchronize()
    assert gpu.device.type == "cuda" and gpu.shape == cpu.shape
    # interpolated uint8 geometry may differ by one level (1/255 before normalising by std ~0.22)
    np.testing.assert_allclose(gpu.cpu().numpy(), cpu.numpy(), atol=1.0 / 255 / 0.224 + 1e-5)
    same = A.Compose([A.NoOp(p=1.0)]).batch(images=x)["images"]
    assert same.data_ptr() == x.data_ptr()
