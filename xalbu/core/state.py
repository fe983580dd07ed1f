"""The data of one call on its way through a pipeline, as plain data.

A call flows one way through the core, each step in a module of its own:

1. ``core/reading.py`` checks the user's keyword targets and builds a :class:`State` (the internal
   form: images and masks HWC / NHWC, boxes and keypoints as :class:`~.targets.BoxSet` /
   :class:`~.targets.PointSet`) plus a :class:`Restore`, the description of how each output is
   written back;
2. the transforms (``core/transform.py`` and its kinds) change the state;
3. ``core/writing.py`` turns the state back into the user's formats by following the ``Restore``.

Nothing here computes: these are the records the three steps hand each other.
"""

from __future__ import annotations

from typing import Any

from .targets import BoxSet, PointSet

TARGET_KINDS = (
    "image",
    "images",
    "mask",
    "masks",
    "bboxes",
    "keypoints",
    "volume",
    "volumes",
    "mask3d",
    "masks3d",
)
VOLUME_KINDS = ("volume", "volumes", "mask3d", "masks3d")
"""albumentations' 3-D targets: ``volume``/``mask3d`` (D, H, W[, C]) and ``volumes``/``masks3d``
(N, D, H, W[, C]). They are read as stacks of D (N * D) frames of one call (``images``/``masks``
stores), so every 2-D transform moves their slices with one draw; ``State.volumes`` names them."""
IMAGE_DTYPES = ("uint8", "uint16", "float32")
"""The image dtypes the transforms compute in; float64 images are read as float32 (``WIDE_DTYPE``)."""
MASK_DTYPES = ("uint8", "uint16", "int8", "int16", "int32", "int64", "uint32", "bool", "float32")
WIDE_DTYPE = "float64"
"""Images and masks of this dtype are computed as float32 and written back as float64 (see ``Restore``)."""


class State:
    """Internal data of one call. Images and masks are HWC (one image) or NHWC (frames/batch).

    Built for every call: ``__init__`` sets the six targets' fields; the others keep their class
    defaults until a step sets them (cheaper than slots or a dataclass, measured: 0.25 against
    0.46 us a call). ``flat`` names the image/mask keys the user gave as 2-D arrays (their outputs
    are 2-D again; albumentations-style custom transforms see them 2-D too).
    """

    gate: Any = None  # batch: samples active in the current branch (bool array)
    remove_invisible: bool = True
    record: list | None = None  # Compose(save_applied_params=True): the steps that ran (core/replay.py)
    layout: bool | str | None = None  # ToTensorV2 ran (its transpose_mask), or "3d": ToTensor3D ran
    fuse: bool = False  # Compose(fuse_affine=True): consecutive affine steps become one warp
    pending: Any = None  # the deferred affine steps (core.fusion.PendingAffine)
    flat: set[str] | None = None  # keys given as 2-D arrays (None: none)
    extra: dict[str, Any] | None = None  # the call's other keyword values (label fields, metadata)
    partners: list[dict[str, Any]] | None = None  # one image: mix partners (row origin j is partners[j - 1])
    reader: Any = None  # the core.reading.Reader that read the call (mix partners are read by it)
    retyped: bool = False  # a transform gave the images a dtype of its own (see retype)
    outputs: dict[str, Any] | None = None  # extra result keys a step reports (core.mix.set_outputs)
    released: dict[str, tuple] | None = None  # targets a Lambda returned in another layout: key -> shape
    volumes: dict[str, tuple[str, int]] | None = (
        None  # 3-D targets: key -> (kind, N volumes: N * depth frames)
    )
    depth: int | None = None  # the volumes' common depth D (None: no 3-D target)

    def __init__(
        self,
        shape: tuple[int, int],
        batch: int | None = None,
        images: dict[str, Any] | None = None,
        masks: dict[str, Any] | None = None,
        boxes: dict[str, BoxSet] | None = None,
        points: dict[str, PointSet] | None = None,
    ) -> None:
        self.shape = shape
        self.batch = batch
        self.images: dict[str, Any] = {} if images is None else images
        self.masks: dict[str, Any] = {} if masks is None else masks
        self.boxes: dict[str, BoxSet] = {} if boxes is None else boxes
        self.points: dict[str, PointSet] = {} if points is None else points

    def retype(self) -> None:
        """Say that a transform gave the images a dtype of its own (one that declares ``output_dtype``:
        Normalize, ToFloat, FromFloat). Images given as float64 are computed as float32 and come
        back as float64, unless such a transform ran: then they keep the dtype it gave, as in
        albumentations (Normalize of a float64 image is float32 there too)."""
        self.retyped = True


# ------------------------------------------------------------------------------------------ outputs
# How each output key is written back, one record per key (read by core/writing.py):
#   ("array", store, key, squeeze)                 an image/mask array of the state
#   ("wide", store, key, squeeze, given, read)     a float64 image/mask (``given``), computed as float32
#                                                  (``read``, the array the state started with): back
#                                                  to float64 (images: unless State.retyped); ``given``
#                                                  itself when no transform changed it
#   ("stack", store, names, squeezes, container, wide)  a list/tuple of arrays given item by item
#                                                  (wide: ``{name: (given, read)}`` of float64 items, or None)
#   ("boxes", key, samples, fields, params, hosts) boxes: coordinates back, extras and labels by row
#                                                  (hosts: host copies of device containers, or None)
#   ("points", key, samples, fields, params, hosts) keypoints, likewise
#   ("volumes", inner, n, ndim)                    N volumes (N, D, H, W[, C]) read as N * D frames:
#                                                  ``inner`` (an "array"/"wide" record) reshaped back
#   ("value", value)                               passed through unchanged
# ``store`` is "images" or "masks".
Out = tuple


class Restore:
    """How to turn internal targets back into the user's objects: ``(key, Out, back)`` triples.

    ``back`` converts an output back to a torch tensor (``None``: no conversion). ``tensor``: the
    first CUDA/CPU torch tensor among the inputs (its device's current stream runs the call),
    ``None`` without tensors.
    """

    __slots__ = ("steps", "tensor", "data")

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.steps: list[tuple[str, Out, Any]] = []
        self.tensor: Any = None
        self.data = data  # the call's keyword arguments (label fields are read from it)
