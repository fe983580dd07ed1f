"""PyTorch tensors in and out, without copies and without importing torch.

A tensor passed as ``image``/``images``/``mask``/``masks`` (or a list of them) is read as the array
it already is: a CPU tensor as a NumPy view (``Tensor.numpy``), a CUDA tensor as a CuPy array through
DLPack (same device memory). The pipeline runs on that array, and each output goes back to a tensor
the same way (``torch.from_numpy`` / ``torch.from_dlpack``), so a tensor in gives a tensor out, on the
same device. CUDA work runs on torch's current stream of the tensor's device (see
:func:`cuda_stream`). torch is never imported here: it is looked up in ``sys.modules``, so only a
caller who already imported torch can pass tensors.

:func:`tensor_layout` turns outputs into the channels-first tensors a model takes (``ToTensorV2``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np


def is_tensor(value: Any) -> bool:
    """True for a ``torch.Tensor`` (only possible when torch is already imported)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _torch() -> Any:
    torch = sys.modules.get("torch")
    if torch is not None:
        return torch
    try:
        import torch
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("torch is needed for tensor outputs: pip install torch (or xalbu[torch])") from e
    return torch


def from_tensor(key: str, value: Any) -> Any:
    """The array behind a tensor: a NumPy view (CPU) or a CuPy array (CUDA), sharing its memory."""
    if value.requires_grad:
        raise ValueError(
            f"{key}: the tensor requires grad; augmentation is not differentiable, pass tensor.detach()"
        )
    kind = value.device.type
    if kind == "cpu":
        return value.resolve_conj().resolve_neg().numpy()
    if kind == "cuda":
        try:
            import cupy
        except ImportError as e:
            raise ImportError(
                f"{key}: a CUDA tensor needs CuPy for the GPU kernels: pip install -e '.[cuda12]' (or cuda13)"
            ) from e
        return cupy.from_dlpack(value)
    raise TypeError(f"{key}: expected a CPU or CUDA tensor, got a tensor on {value.device}")


def to_tensor(arr: Any) -> Any:
    """A tensor sharing the memory of a NumPy or CuPy array (a tensor is returned as it is)."""
    torch = _torch()
    if isinstance(arr, np.ndarray):
        if not arr.flags.writeable or (arr.ndim and min(arr.strides) < 0):
            arr = np.array(arr)  # torch.from_numpy takes neither read-only memory nor negative strides
        return torch.from_numpy(arr)
    if isinstance(arr, torch.Tensor):
        return arr
    if arr.ndim and min(arr.strides) < 0:
        arr = arr.copy()  # DLPack has no negative strides: torch refuses such arrays (older torch aborts)
    return torch.from_dlpack(arr)


def converter(key: str, value: Any) -> tuple[Any, Callable[[Any], Any]] | None:
    """``(array(s), back)`` for a tensor or a list/tuple of tensors, else ``None``.

    ``back`` turns the pipeline's output for ``key`` into tensors again (same container).
    """
    if is_tensor(value):
        return from_tensor(key, value), to_tensor
    if isinstance(value, (list, tuple)) and value and all(is_tensor(v) for v in value):
        container = type(value)
        arrays = container(from_tensor(f"{key}[{i}]", v) for i, v in enumerate(value))
        return arrays, lambda out: container(to_tensor(a) for a in out)
    return None


def cuda_stream(value: Any) -> Any:
    """Context in which CuPy kernels run on torch's current stream of ``value``'s device (CUDA
    tensors), so they are ordered with the caller's torch work; a no-op context otherwise."""
    if not is_tensor(value) or value.device.type != "cuda":
        return contextlib.nullcontext()
    import cupy
    import torch

    index = value.device.index or 0
    return _device_stream(cupy, index, torch.cuda.current_stream(value.device).cuda_stream)


@contextlib.contextmanager
def _device_stream(cupy: Any, index: int, pointer: int) -> Iterator[None]:
    """CuPy makes a stream current only on its own device: the tensor's device first, then its stream."""
    with cupy.cuda.Device(index), cupy.cuda.ExternalStream(pointer, index):
        yield


def tensor_layout(value: Any, kind: str, transpose_mask: bool) -> Any:
    """One output as ``ToTensorV2`` gives it: tensors, images channels first.

    ``image`` (H, W, C) -> (C, H, W), (H, W) -> (1, H, W); ``images`` (N, H, W, C) -> (N, C, H, W),
    (N, H, W) -> (N, 1, H, W); masks keep their layout unless ``transpose_mask`` (then channels
    first like images; (H, W) masks stay (H, W)). Lists are converted item by item. The channels-
    first tensors are permuted views of the channels-last data (torch's ``channels_last`` memory
    format), not copies.
    """
    if isinstance(value, (list, tuple)):
        single = "image" if kind == "images" else "mask" if kind == "masks" else kind
        return type(value)(tensor_layout(v, single, transpose_mask) for v in value)
    lead = 1 if kind in ("images", "masks") else 0
    is_image = kind in ("image", "images")
    if value.ndim == 2 + lead:  # no channel axis
        return to_tensor(value[(slice(None),) * lead + (None,)] if is_image else value)
    if is_image or transpose_mask:
        order = (0, 3, 1, 2) if lead else (2, 0, 1)
        # NumPy arrays are transposed before the tensor is made: cheaper than a tensor permute
        return (
            to_tensor(value.transpose(order))
            if isinstance(value, np.ndarray)
            else to_tensor(value).permute(*order)
        )
    return to_tensor(value)
