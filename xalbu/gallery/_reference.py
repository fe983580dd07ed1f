"""The reference table: per transform, its family, the targets it changes, the dtypes it accepts,
the kernels it runs on the CPU (traced) and its GPU path. Also :func:`example_args`, the one source
of the constructor arguments the gallery uses."""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.dispatch import KernelCall, trace
from ..core.transform import TRANSFORMS
from ._static import static_overrides

DTYPES = ("uint8", "uint16", "float32")
CPU_BACKEND = "numpy_cv2"

# what each kind of transform changes (DESIGN.md, "Kinds")
_TARGETS = {
    "pixel": "image",
    "affine": "image, mask, bboxes, keypoints",
    "spatial": "image, mask, bboxes, keypoints",
    "format": "layout (channels-first tensors)",
    "mix": "image, mask, bboxes, keypoints (mixed with partner samples)",
    "volume": "volume, mask3d, 3-D keypoints",
}
VOLUME_DEPTH = 8  # slices of the volume a 3-D transform is shown on (the photo, shifted a pixel each)


# ----------------------------------------------------------------------------- what is shown
def example_args(name: str, height: int, width: int) -> dict[str, Any]:
    """The constructor arguments the gallery (and its reference table) uses for ``name``: the
    canonical example its class declares (``examples(height, width)[0]``), with ``p=1``.

    >>> example_args("RandomCrop", 100, 60)
    {'height': 50, 'width': 30, 'p': 1.0}
    """
    return {**TRANSFORMS[name].examples(height, width)[0], "p": 1.0}


def input_dtype(name: str) -> str:
    """The dtype the gallery feeds ``name``: uint8 photos, unless the class takes other dtypes only.

    >>> input_dtype("FromFloat"), input_dtype("HorizontalFlip")
    ('float32', 'uint8')
    """
    dtypes = TRANSFORMS[name].input_dtypes
    return "uint8" if "uint8" in dtypes else dtypes[0]


def library_transforms() -> list[str]:
    """The registered transforms of xalbu's catalogue (classes defined under ``xalbu.transforms``),
    sorted; subclasses defined elsewhere (user code, examples) register too but are not shown.

    >>> "HorizontalFlip" in library_transforms()
    True
    """
    return sorted(n for n, c in TRANSFORMS.items() if c.__module__.startswith("xalbu.transforms."))


def family(cls: type) -> str:
    """The family of a transform class: its module's name under ``xalbu.transforms``.

    >>> import xalbu as A
    >>> family(A.HorizontalFlip)
    'flips'
    """
    parts = cls.__module__.split(".")
    if "transforms" in parts[:-1]:  # a family grown into a subpackage keeps its stem
        return parts[parts.index("transforms") + 1]
    return parts[-1]


def targets_changed(cls: type) -> str:
    """The targets a transform of this class may change, from its ``kind``."""
    kind = getattr(cls, "kind", "?")
    if cls.__name__ == "Lambda":
        return "image, mask, bboxes, keypoints (those given a function)"
    return _TARGETS.get(kind, f"kind {kind!r}: not classified here (see the class docs)")


def format_args(name: str, args: dict[str, Any]) -> str:
    """``A.Name(arg=value, ...)``: functions by name, floats to 4 significant digits.

    >>> format_args("RandomResizedCrop", {"size": (8, 8), "ratio": (0.75, 4 / 3), "p": 1.0})
    'A.RandomResizedCrop(size=(8, 8), ratio=(0.75, 1.333), p=1.0)'
    """

    def text(v: Any) -> str:
        if callable(v):
            return getattr(v, "__name__", type(v).__name__)
        if isinstance(v, float):
            return repr(v) if v == int(v) or len(repr(v)) <= 6 else f"{v:.4g}"
        if isinstance(v, tuple):
            inner = ", ".join(text(x) for x in v)
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        if isinstance(v, list):
            return "[" + ", ".join(text(x) for x in v) + "]"
        return repr(v)

    return f"A.{name}(" + ", ".join(f"{k}={text(v)}" for k, v in args.items()) + ")"


# ----------------------------------------------------------------------------- the reference table
@dataclass
class KernelUse:
    """A kernel a transform ran (traced), and which backends serve it."""

    name: str  # the generic kernel's qualified name
    cpu_dtypes: list[str] = field(default_factory=list)  # dtypes the CPU override served
    generic_dtypes: list[str] = field(default_factory=list)  # dtypes the generic kernel ran on
    cpu_registered: bool = False
    gpu_override: bool = False

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def cpu_text(self) -> str:
        if self.cpu_dtypes and not self.generic_dtypes:
            return f"{self.short} ({CPU_BACKEND})"
        if self.cpu_dtypes:
            served, other = ", ".join(self.cpu_dtypes), ", ".join(self.generic_dtypes)
            return f"{self.short} ({CPU_BACKEND}: {served}; generic: {other})"
        return f"{self.short} (generic{f'; {CPU_BACKEND} declined' if self.cpu_registered else ''})"


@dataclass
class Row:
    """One transform's line of the reference table."""

    name: str
    family: str
    kind: str
    targets: str
    args: dict[str, Any]
    accepted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # dtype -> the error
    kernels: list[KernelUse] = field(default_factory=list)
    batch_kernels: list[KernelUse] | None = None  # traced in a batch (what runs on a GPU); None: failed
    batch_error: str | None = None
    missing: str | None = None  # a package it needs that is not installed
    notes: list[str] = field(default_factory=list)

    def dtypes_text(self) -> str:
        if self.missing:
            return f"not tried ({self.missing} is not installed)"
        text = ", ".join(self.accepted) or "none"
        return text + (f"; rejects {', '.join(self.rejected)}" if self.rejected else "")

    def cpu_text(self) -> str:
        if self.missing:
            return f"not traced ({self.missing} is not installed)"
        return "; ".join(k.cpu_text() for k in self.kernels) or "no kernel"

    def gpu_text(self) -> str:
        if self.missing:
            return f"not traced ({self.missing} is not installed)"
        kernels = self.kernels if self.batch_kernels is None else self.batch_kernels
        batched = [k.short for k in kernels if k.gpu_override]
        generic = [k.short for k in kernels if not k.gpu_override]
        if not kernels:
            text = "no kernel"
        elif not generic:
            text = "batched kernel"
        elif not batched:
            text = "generic kernel on the device"
        else:
            text = (
                f"batched kernel ({', '.join(batched)}); generic kernel on the device ({', '.join(generic)})"
            )
        return text if self.batch_error is None else f"{text} (single-image kernels: the batch failed)"


def as_dtype(img: np.ndarray, dtype: str) -> np.ndarray:
    """A uint8 image as ``dtype``: float32 in [0, 1], uint16 over the full range."""
    if dtype == "float32":
        return img.astype(np.float32) / np.float32(255)
    if dtype == "uint16":
        return img.astype(np.uint16) * np.uint16(257)
    return img


def pipeline(transforms: list[Any], seed: int) -> Any:
    from ..core.composition import Compose
    from ..core.targets import BboxParams, KeypointParams

    with warnings.catch_warnings():  # pixel steps move no boxes: albumentations' warning, not news here
        warnings.filterwarnings("ignore", message="Got processor for")
        return Compose(
            transforms,
            bbox_params=BboxParams(format="pascal_voc", label_fields=["labels"]),
            keypoint_params=KeypointParams(format="xy", label_fields=["roles"]),
            seed=seed,
        )


def call_inputs(transform: Any, data: dict[str, Any], partners: list[dict[str, Any]]) -> dict[str, Any]:
    """``data`` plus what the transform's kind needs: for the mix kind, partner samples (dicts with
    the call's keys) under its ``metadata_key``, at least ``n_partners`` of them; for the volume kind
    (3-D transforms) a volume and 3-D mask of :data:`VOLUME_DEPTH` shifted copies of the image and
    mask instead of them (no boxes: :func:`as_picture` shows the middle slice); other transforms'
    metadata (reference images) from their ``benchmark_metadata``."""
    from ..benchmark.data import metadata_for

    kind = getattr(transform, "kind", None)
    if kind == "volume":
        roll = range(VOLUME_DEPTH)
        return {
            "volume": np.stack([np.roll(data["image"], d, axis=1) for d in roll]),
            "mask3d": np.stack([np.roll(data["mask"], d, axis=1) for d in roll]),
        }
    if kind != "mix":
        return {**data, **metadata_for(type(transform).__name__, data)}
    pool = partners or [data]
    k = max(int(getattr(transform, "n_partners", 1)), len(pool))
    return {**data, getattr(transform, "metadata_key", "mix_data"): [pool[i % len(pool)] for i in range(k)]}


def as_picture(out: dict[str, Any]) -> dict[str, Any]:
    """A call's outputs as the gallery draws them: a volume's middle slice as the image (and its 3-D
    mask's as the mask, without boxes); other outputs as they are."""
    if "volume" not in out:
        return out
    mid = out["volume"].shape[0] // 2
    empty = {"bboxes": [], "labels": [], "keypoints": [], "roles": []}
    return {"image": out["volume"][mid], "mask": out["mask3d"][mid], **empty}


def reference_row(name: str, gpu_kernels: set[str] | None = None, size: int = 16) -> Row:
    """Try ``name`` on a small image of every dtype in :data:`DTYPES` and trace its kernels.

    The CPU column reports the kernels of single-image calls; the GPU column those of a batch
    call (``pipeline.batch``, what runs on a GPU), with ``gpu_kernels`` the kernels that have a CuPy
    override (default: :func:`static_overrides`).

    >>> row = reference_row("HorizontalFlip")
    >>> row.targets, row.accepted, row.cpu_text()
    ('image, mask, bboxes, keypoints', ['uint8', 'uint16', 'float32'], 'hflip (numpy_cv2)')
    """
    cls = TRANSFORMS[name]
    args = example_args(name, size, size)
    row = Row(name, family(cls), str(getattr(cls, "kind", "?")), targets_changed(cls), args)
    missing = [need for need in cls.requires if importlib.util.find_spec(need) is None]
    if missing:
        row.missing = ", ".join(missing)
        return row
    gpu = static_overrides() if gpu_kernels is None else gpu_kernels
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    mask = (rng.random((size, size)) < 0.3).astype(np.uint8)
    data = {"mask": mask, "bboxes": [(2.0, 3.0, size - 4.0, size - 2.0)], "labels": ["box"]}
    data |= {"keypoints": [(size / 2, size / 3)], "roles": ["centre"]}
    uses: dict[str, KernelUse] = {}
    for dtype in DTYPES:
        try:
            transform = cls(**args)
            pipe = pipeline([transform], seed=0)
            inputs = call_inputs(transform, {"image": as_dtype(base, dtype), **data}, [])
            with trace() as calls:
                pipe(**inputs)
        except (TypeError, ValueError) as exc:
            row.rejected[dtype] = f"{type(exc).__name__}: {exc}"
            continue
        row.accepted.append(dtype)
        _collect(uses, calls, gpu)
    row.kernels = list(uses.values())
    if not row.accepted:
        return row
    # the GPU path is pipeline.batch: trace a NumPy batch (the same code path, another array type)
    n = 3
    batch = {
        "images": np.stack([as_dtype(base, row.accepted[0])] * n),
        "masks": np.stack([mask] * n),
        "bboxes": [np.asarray(data["bboxes"], np.float64)] * n,
        "labels": [data["labels"]] * n,
        "keypoints": [np.asarray(data["keypoints"], np.float64)] * n,
        "roles": [data["roles"]] * n,
    }
    from ..benchmark.data import metadata_for

    batch |= metadata_for(name, {"image": as_dtype(base, row.accepted[0]), **data})  # reference images
    try:
        pipe = pipeline([cls(**args)], seed=0)
        with trace() as calls:
            pipe.batch(**batch)
    except (TypeError, ValueError, NotImplementedError) as exc:
        row.batch_error = f"{type(exc).__name__}: {exc}"
        return row
    batch_uses: dict[str, KernelUse] = {}
    _collect(batch_uses, calls, gpu)
    row.batch_kernels = list(batch_uses.values())
    return row


def _collect(uses: dict[str, KernelUse], calls: list[KernelCall], gpu: set[str]) -> None:
    for call in calls:
        use = uses.get(call.kernel)
        if use is None:
            use = uses[call.kernel] = KernelUse(call.kernel, gpu_override=call.kernel in gpu)
            module, _, attr = call.kernel.rpartition(".")
            obj = getattr(importlib.import_module(module), attr, None)
            use.cpu_registered = CPU_BACKEND in getattr(obj, "overrides", {})
        bucket = use.cpu_dtypes if call.override and call.backend == CPU_BACKEND else use.generic_dtypes
        if call.dtype not in bucket:
            bucket.append(call.dtype)
