"""Utility transforms: ``NoOp`` (does nothing), ``Lambda`` (user functions per target),
``ToTensorV2`` and ``ToTensor3D`` (channels-first torch tensors at the end of a pipeline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from array_api_compat import array_namespace

from ..core.kinds import FormatTransform, SpatialTransform
from ..core.state import State
from ..core.targets import (
    BoxSet,
    PointSet,
    albumentations_keypoints,
    clip_boxes,
    filter_keypoints,
    from_albumentations_keypoints,
)
from ..core.torch_interop import tensor_layout
from ..core.transform import plain_array
from ..core.validation import check_bool
from ..core.writing import volume_tensor

__all__ = ["Lambda", "NoOp", "ToTensor3D", "ToTensorV2"]


def identity(x: Any, **params: Any) -> Any:
    """The identity function (``Lambda``'s example argument)."""
    return x


class NoOp(SpatialTransform):
    """Do nothing (a placeholder, e.g. a "no change" branch of ``OneOf``).

    Like albumentations' ``NoOp`` it is a ``DualTransform`` (every target passes through), not an
    ``ImageOnlyTransform``.

    >>> import numpy as np, xalbu as A
    >>> A.NoOp(p=1)(image=np.array([[1, 2]], np.uint8))["image"].tolist()
    [[1, 2]]
    >>> isinstance(A.NoOp(), A.DualTransform), isinstance(A.NoOp(), A.ImageOnlyTransform)
    (True, False)
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        return None


@dataclass
class LambdaParams:
    applied: np.ndarray | None  # batch: the samples the functions apply to (None: all)


_ALL = LambdaParams(None)  # never modified, so shared by every call that applies to all samples


class _AsIs:
    """A Lambda result in another layout than its input's: the call's output as it is."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Widened(_AsIs):
    """A Lambda result with channels for a 2-D input: written back with its channels."""


class Lambda(SpatialTransform):
    """Apply user functions per target, called as albumentations calls them: ``fn(value, **params)``
    with ``params == {"shape": image.shape}`` (the image's shape as given: ``(H, W)`` or ``(H, W, C)``).

    Args:
        image: ``fn(img, **params)``. For one image (a direct call, ``Compose(...)(image=...)``) it
            receives the image as given: an ``(H, W)`` image stays 2-D, frames (``images=``) are
            passed one at a time. In ``Compose.batch`` it is called once, with the whole
            ``(N, H, W, C)`` batch (the channel axis always present; ``shape`` is still one image's).
            It returns an array of the same height and width (channels and dtype may change; a 2-D
            image must stay one channel, since it is given back 2-D).
        mask: the same for masks (each mask of ``masks=`` on its own, for one image).
        bboxes: ``fn(boxes, **params)`` with a float64 ``(M, 4)`` array in albumentations' normalised
            format (``x_min, y_min, x_max, y_max`` in [0, 1]); it returns ``(M, >= 4)`` in the same
            format and the same number of rows (extra columns are ignored; labels stay by row).
            Boxes are clipped to the image afterwards. In a batch it is called once per sample.
        keypoints: ``fn(points, **params)`` with a float64 ``(K, 5)`` array in albumentations' layout
            ``x, y, z, angle (radians), scale`` in pixels (z is 0); returns ``(K, >= 5)`` with the same
            number of rows (z is ignored). In a batch it is called once per sample.
        name: a name for serialization by name.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> def double(img, **params):
    ...     return img * 2
    >>> A.Lambda(image=double)(image=np.array([[1, 2]], np.uint8))["image"].tolist()
    [[2, 4]]
    """

    Params = LambdaParams
    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {
                "image": identity,
                "mask": identity,
                "bboxes": identity,
                "keypoints": identity,
                "name": "identity",
            }
        ]

    def __init__(
        self,
        image: Callable[..., Any] | None = None,
        mask: Callable[..., Any] | None = None,
        keypoints: Callable[..., Any] | None = None,
        bboxes: Callable[..., Any] | None = None,
        name: str | None = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        for arg, fn in (("image", image), ("mask", mask), ("keypoints", keypoints), ("bboxes", bboxes)):
            if fn is not None and not callable(fn):
                raise TypeError(
                    f"{arg}: expected a callable fn(value, **params) or None, got {type(fn).__name__}"
                )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name: expected a string or None, got {type(name).__name__}")
        self.image = image
        self.mask = mask
        self.keypoints = keypoints
        self.bboxes = bboxes
        self.name = name

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> LambdaParams:
        return _ALL

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        if state.batch is None:  # one image: albumentations' call (arrays as given)
            shape = _given_shape(state)
            if self.image is not None:
                images = state.images
                for key, arr in images.items():
                    images[key] = self._keep("image", self.image, arr, key, state, shape)
            if self.mask is not None and state.masks:
                masks = state.masks
                for key, arr in masks.items():
                    masks[key] = self._keep("mask", self.mask, arr, key, state, shape)
            if state.boxes:
                for key, b in state.boxes.items():
                    state.boxes[key] = self.apply_boxes(b, _ALL, state)
            if state.points:
                for key, pts in state.points.items():
                    state.points[key] = self.apply_points(pts, _ALL, state)
            return
        super()._apply(state, _ALL if applied is None else LambdaParams(applied), applied)

    def _one_image(self, img: Any, rng: Any) -> Any:
        """A direct call on one HWC image: the image function on it, no State (nothing is drawn)."""
        if type(self)._apply is not Lambda._apply or type(self)._call_given is not Lambda._call_given:
            return NotImplemented
        if self.image is None:
            return img
        out = self._call_given("image", self.image, img, False, tuple(img.shape))
        return out.value if isinstance(out, _AsIs) else out  # another layout: the result as returned

    # ------------------------------------------------------------------ arrays
    def _keep(
        self, target: str, fn: Callable[..., Any], arr: Any, key: str, state: State, shape: tuple
    ) -> Any:
        """:meth:`_call_given` for one target of a call; a result in another layout (``to_tensor``'s
        ``x.transpose(2, 0, 1)``, a list...) is the call's output for ``key`` as returned, as in
        albumentations, and no later step may run (they would need the HWC array)."""
        out = self._call_given(target, fn, arr, key in (state.flat or ()), shape)
        if isinstance(out, _Widened):
            state.flat = set(state.flat or ()) - {key}  # no longer given back 2-D
            return out.value
        if not isinstance(out, _AsIs):
            return out
        state.outputs = {**(state.outputs or {}), key: out.value}
        state.released = {**(state.released or {}), key: tuple(getattr(out.value, "shape", ()))}
        return arr

    def _call_given(
        self, target: str, fn: Callable[..., Any], arr: Any, flat: bool, shape: tuple, whole: bool = True
    ) -> Any:
        """``fn`` on one image or mask as the user gave it (stacks: item by item), back in HWC; a
        result of another height, width or layout comes back as ``_AsIs`` (``whole``: not an item
        of a stack, whose items must keep the layout)."""
        if arr.ndim == 4:  # frames (images=) or stacked masks (masks=) of one sample
            xp = array_namespace(arr)
            outs = [
                self._call_given(target, fn, arr[i, ...], flat, shape, False) for i in range(arr.shape[0])
            ]
            return xp.stack(outs) if outs else arr
        given = arr[..., 0] if flat else arr
        out = fn(given, shape=shape)
        if out is given:
            return arr
        got = getattr(out, "shape", None)
        if got is None or len(got) not in (2, 3) or tuple(got[:2]) != tuple(given.shape[:2]):
            if whole:
                return _AsIs(out)
            raise ValueError(
                f"Lambda: the {target} function must return an array of the height and width of its "
                f"input {tuple(given.shape)}, got {tuple(got) if got is not None else type(out).__name__}"
            )
        if len(got) == 2:
            return out[..., None]
        if flat and got[2] != 1:
            if whole:  # a 2-D input turned into channels: given back with them, as albumentations
                return _Widened(out)
            raise ValueError(
                f"Lambda: the {target} function turned a 2-D {target} into {got[2]} channels; a 2-D input "
                "is given back 2-D, so its function must keep one channel"
            )
        return out

    def _call_array(self, target: str, fn: Callable[..., Any] | None, arr: Any, state: State) -> Any:
        """``fn`` on a batch's whole ``(N, H, W, C)`` array."""
        if fn is None:
            return arr
        out = fn(arr, shape=_given_shape(state))
        if out is arr:  # returned as it came: nothing to check
            return out
        lead = arr.shape[:-1]
        shape = getattr(out, "shape", None)
        if shape is None or len(shape) != len(arr.shape) or tuple(shape[:-1]) != tuple(lead):
            got = tuple(out.shape) if hasattr(out, "shape") else type(out).__name__
            raise ValueError(
                f"Lambda: the {target} function must return an array shaped {tuple(lead) + ('C',)} "
                f"(same layout, height and width as its input {tuple(arr.shape)}), got {got}"
            )
        return out

    def apply_image(self, img: Any, params: LambdaParams, state: State) -> Any:
        return self._call_array("image", self.image, img, state)

    def apply_mask(self, mask: Any, params: LambdaParams, state: State) -> Any:
        return self._call_array("mask", self.mask, mask, state)

    # ------------------------------------------------------------------ rows
    @staticmethod
    def _groups(rows: BoxSet | PointSet, params: LambdaParams, state: State) -> list[np.ndarray]:
        """Row selections, one per sample the functions apply to."""
        if state.batch is None:
            return [np.arange(len(rows.rows))]
        sample = rows.sample
        which = range(state.batch) if params.applied is None else np.flatnonzero(params.applied)
        return [np.flatnonzero(sample == s) for s in which]

    def _call_rows(self, target: str, fn: Callable[..., Any], rows: np.ndarray, state: State) -> np.ndarray:
        out = np.asarray(fn(rows.copy(), shape=_given_shape(state)), dtype=np.float64)
        cols = rows.shape[1]
        if out.ndim != 2 or out.shape[0] != rows.shape[0] or out.shape[1] < cols:
            raise ValueError(
                f"Lambda: the {target} function must return an array of shape ({rows.shape[0]}, >= {cols}) "
                f"(one row per input row; rows may not be added or dropped), got {out.shape}"
            )
        return out[:, :cols]

    def apply_boxes(self, boxes: BoxSet, params: LambdaParams, state: State) -> BoxSet:
        if self.bboxes is None or not len(boxes.rows):
            return boxes
        h, w = state.shape
        scale = np.array([w, h, w, h], np.float64)
        xyxy = boxes.xyxy.copy()
        for sel in self._groups(boxes, params, state):
            if len(sel):
                xyxy[sel] = self._call_rows("bboxes", self.bboxes, xyxy[sel] / scale, state) * scale
        return clip_boxes(boxes, xyxy, state.shape)

    def apply_points(self, pts: PointSet, params: LambdaParams, state: State) -> PointSet:
        if self.keypoints is None or not len(pts.rows):
            return pts
        table = albumentations_keypoints(pts)  # x, y, z, angle, scale
        for sel in self._groups(pts, params, state):
            if len(sel):
                table[sel] = self._call_rows("keypoints", self.keypoints, table[sel], state)
        moved = from_albumentations_keypoints(pts, table)
        moved = replace(moved, angle=np.mod(moved.angle, 2 * np.pi))
        return filter_keypoints(moved, state.shape) if state.remove_invisible else moved


def _given_shape(state: State) -> tuple[int, ...]:
    """albumentations' ``params["shape"]``: one image's shape as the user gave it (``(H, W)`` for a
    2-D image, else ``(H, W, C)``), from the first image (or mask) of the call."""
    for store in (state.images, state.masks):
        for key, arr in store.items():
            shape = arr.shape[-3:]
            if type(shape[0]) is not int:  # torch sizes, CuPy/NumPy integers: plain ints
                shape = tuple(map(int, shape))
            return shape[:2] if state.flat is not None and key in state.flat else tuple(shape)
    return tuple(state.shape)


class ToTensorV2(FormatTransform):
    """End a pipeline with PyTorch tensors, images channels first (albumentations.pytorch's class).

    ``image`` (H, W, C) becomes a (C, H, W) tensor and an (H, W) image a (1, H, W) one; a batch's
    ``images`` (N, H, W, C) become (N, C, H, W). Masks become tensors in their own layout, or channels
    first too with ``transpose_mask=True``. No pixel is copied: NumPy outputs are shared with the
    tensor (``torch.from_numpy``), CuPy outputs go through DLPack and stay on the GPU, and the
    channels-first tensor is a permuted view of the channels-last data (torch's ``channels_last``
    memory format, which convolutions take as it is; ``.contiguous()`` makes a plain copy).

    It must be the last transform of the ``Compose`` and always applies (``p=1``). torch must be
    installed (``pip install torch``); it is imported only when the pipeline runs.

    Args:
        transpose_mask: also move the channels of 3-D masks ((H, W, C) -> (C, H, W)).

    >>> import numpy as np, xalbu as A
    >>> pipe = A.Compose([A.Normalize(), A.ToTensorV2()])
    >>> out = pipe(image=np.zeros((4, 6, 3), np.uint8), mask=np.zeros((4, 6), np.uint8))
    >>> tuple(out["image"].shape), str(out["image"].dtype), tuple(out["mask"].shape)
    ((3, 4, 6), 'torch.float32', (4, 6))
    """

    requires = ("torch",)
    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    def __init__(self, transpose_mask: bool = False, p: float = 1.0) -> None:
        super().__init__(p)
        if self.p != 1.0:
            raise ValueError(
                f"ToTensorV2: p: expected 1 (the output type cannot depend on a draw), got {p!r}"
            )
        self.transpose_mask = check_bool("transpose_mask", transpose_mask)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        state.layout = self.transpose_mask

    def _plain_call(self, key: str, value: Any) -> Any:
        if key != "image" or not plain_array(value, (2, 3)) or type(self)._apply is not ToTensorV2._apply:
            return NotImplemented
        return tensor_layout(value, "image", self.transpose_mask)


class ToTensor3D(FormatTransform):
    """End a pipeline with ``volume`` and ``mask3d`` as channels-first torch tensors (albumentations.pytorch).

    A (D, H, W, C) volume or 3-D mask becomes a (C, D, H, W) tensor, a (D, H, W) one a (1, D, H, W)
    tensor; other targets come back as they are. No voxel is copied (the tensor is a permuted view
    of the data). It must be the last transform of the ``Compose`` and always applies (``p=1``);
    torch must be installed.

    Args:
        p: probability of applying the transform; must be 1.

    >>> import numpy as np, xalbu as A
    >>> out = A.Compose([A.ToTensor3D()])(volume=np.zeros((2, 4, 6, 3), np.uint8))
    >>> tuple(out["volume"].shape)
    (3, 2, 4, 6)
    """

    benchmark_inputs = ("volume",)  # what it converts (an image comes back as it is)
    requires = ("torch",)
    albumentations_ignores_unknown = False  # its constructor raises TypeError for always_apply & co.

    def __init__(self, p: float = 1.0) -> None:
        super().__init__(p)
        if self.p != 1.0:
            raise ValueError(
                f"ToTensor3D: p: expected 1 (the output type cannot depend on a draw), got {p!r}"
            )

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        state.layout = "3d"

    def _plain_call(self, key: str, value: Any) -> Any:
        if key != "volume" or not plain_array(value, (3, 4)) or type(self)._apply is not ToTensor3D._apply:
            return NotImplemented
        return volume_tensor(value)
