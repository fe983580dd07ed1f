"""The data of a run: the argument table shared with the asv suite, the photos, the libraries."""

from __future__ import annotations

import os
import warnings
from typing import Any

from .options import ALBUMENTATIONS_PIN, DTYPES, N_BOXES, BenchmarkError


# ----------------------------------------------------------------------------- the argument table
def max_value(dtype: str) -> float:
    """The value of white for ``dtype`` (uint8 255, uint16 65535, float32 1)."""
    return {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0}[dtype]


def transform_args(name: str, height: int, width: int, dtype: str = "uint8") -> dict[str, Any]:
    """Arguments for ``name`` on a ``height`` x ``width`` ``dtype`` image, the same for both libraries.

    The canonical example the class declares (``examples(height, width, dtype)[0]``: arguments
    albumentations' class of the same name takes too, sizes relative to the image, explicit where
    the two libraries' defaults differ), with ``p=1``; ``{"p": 1.0}`` for a name xalbu lacks.

    >>> transform_args("RandomCrop", 256, 128)
    {'height': 128, 'width': 64, 'p': 1.0}
    """
    from ..core.transform import TRANSFORMS

    cls = TRANSFORMS.get(name)
    example = cls.examples(height, width, dtype)[0] if cls is not None else {}
    return {**example, **FIXED_DRAWS.get(name, {}), "p": 1.0}


FIXED_DRAWS: dict[str, dict[str, Any]] = {
    # Transforms whose cost is decided by a drawn kernel size (5x between the ends of the range) are
    # timed at one size, the middle of albumentations' default range: with the sizes drawn, each
    # library's seeded stream (NumPy's in xalbu, Python's in albumentations) decides the ratio
    # (0.83x and 0.87x for RingingOvershoot and MedianBlur, run after run, at equal speed per size).
    "MedianBlur": {"blur_limit": (5, 5)},
    "RingingOvershoot": {"blur_limit": (11, 11)},
    # likewise a drawn sigma (GaussianBlur: kernels 3 to 19 wide, 25x) and a drawn number of
    # zoomed copies (ZoomBlur: 0 to 30); at 512 a timed loop holds a few dozen calls, too few draws
    # to average out
    "GaussianBlur": {"sigma_limit": (1.75, 1.75)},
    "ZoomBlur": {"max_factor": (1.15, 1.15), "step_factor": (0.02, 0.02)},
}


def input_dtype(name: str, dtype: str) -> str:
    """The dtype of the images a transform is timed on: ``dtype`` where the class takes it, else the
    first dtype it declares (``FromFloat`` takes float32 only)."""
    from ..core.transform import TRANSFORMS

    cls = TRANSFORMS.get(name)
    if cls is None or dtype in cls.input_dtypes:
        return dtype
    return cls.input_dtypes[0]


def transform_inputs(name: str) -> tuple[str, ...]:
    """The targets besides the image that the benchmarks pass to ``name`` (its ``benchmark_inputs``:
    ``"mask"``, ``"bboxes"`` (with ``labels``), ``"cropping_bbox"``, ``"volume"`` (a volume of
    16 slices instead of the image, for the 3-D transforms), ``"metadata"`` (the keyword
    values the class's ``benchmark_metadata(sample)`` returns: reference images, mix partners));
    ``()`` for most transforms.

    >>> transform_inputs("HorizontalFlip"), transform_inputs("CropNonEmptyMaskIfExists")
    ((), ('mask',))
    """
    from ..core.transform import TRANSFORMS

    cls = TRANSFORMS.get(name)
    return tuple(getattr(cls, "benchmark_inputs", ())) if cls is not None else ()


def inputs_for(name: str, sample: dict[str, Any]) -> dict[str, Any]:
    """The call's keyword arguments for ``name`` from a :func:`photos` sample: the image and the
    targets :func:`transform_inputs` names (``cropping_bbox``: the sample's first box, in whole pixels)."""
    out = {"image": sample["image"]}
    for key in transform_inputs(name):
        if key == "metadata":
            out.update(metadata_for(name, sample))
        elif key == "volume":  # 3-D transforms: 16 slices of the photo (shifted a pixel each), no image
            import numpy as np

            img = out.pop("image")
            out["volume"] = np.stack([np.roll(img, d, axis=1) for d in range(16)])
        elif key == "bboxes":
            out["bboxes"], out["labels"] = sample["bboxes"], sample["labels"]
        elif key == "cropping_bbox":
            out["cropping_bbox"] = [
                int(round(v)) for v in sample["bboxes"][0]
            ]  # albumentations slices with it
        else:
            out[key] = sample[key]
    return out


def metadata_for(name: str, sample: dict[str, Any]) -> dict[str, Any]:
    """The extra keyword values ``name`` needs on a :func:`photos` sample (reference images, mix
    partners): its class's ``benchmark_metadata(sample)`` where its ``benchmark_inputs`` name
    ``"metadata"``, else ``{}``. The asv suite passes them too, to single calls and batches.

    >>> metadata_for("HorizontalFlip", {"image": None})
    {}
    """
    from ..core.transform import TRANSFORMS

    cls = TRANSFORMS.get(name)
    if cls is None or "metadata" not in getattr(cls, "benchmark_inputs", ()):
        return {}
    return dict(cls.benchmark_metadata(sample))


# ----------------------------------------------------------------------------- data
def parse_size(text: str) -> tuple[int, int]:
    """``"256"`` -> (256, 256); ``"480x640"`` -> (480, 640) (height x width)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        dims = tuple(int(p) for p in parts)
    except ValueError:
        raise BenchmarkError(f"--sizes: expected N or HxW, got {text!r}") from None
    if len(dims) == 1:
        dims = dims * 2
    if len(dims) != 2 or min(dims) < 8:
        raise BenchmarkError(f"--sizes: expected N or HxW with sides >= 8, got {text!r}")
    return dims  # type: ignore[return-value]


def size_label(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def convert(img: Any, dtype: str) -> Any:
    """A uint8 image as ``dtype`` (float32 in [0, 1]; uint16 scaled by 257 to the full range)."""
    import numpy as np

    if dtype == "uint8":
        return img
    if dtype == "float32":
        return (img.astype(np.float32) / 255.0).astype(np.float32)
    if dtype == "uint16":
        return img.astype(np.uint16) * np.uint16(257)
    raise BenchmarkError(f"--dtype: expected one of {list(DTYPES)}, got {dtype!r}")


def photos(size: tuple[int, int], dtype: str = "uint8") -> list[dict[str, Any]]:
    """The bundled photos resized to ``size`` (height, width) as ``dtype``, with masks and 10 boxes.

    Each dict has ``image``, ``mask`` and pascal_voc ``bboxes`` with ``labels``: the photo's own
    boxes (scaled) and random ones (seeded) up to :data:`N_BOXES`.
    """
    import cv2
    import numpy as np

    from ..demo import load_samples

    h, w = size
    rng = np.random.default_rng(0)
    out = []
    for sample in load_samples():
        sh, sw = sample["mask"].shape
        interp = cv2.INTER_AREA if h * w < sh * sw else cv2.INTER_CUBIC
        image = cv2.resize(sample["image"], (w, h), interpolation=interp)
        mask = cv2.resize(sample["mask"], (w, h), interpolation=cv2.INTER_NEAREST)
        sx, sy = w / sw, h / sh
        boxes = [(x0 * sx, y0 * sy, x1 * sx, y1 * sy) for x0, y0, x1, y1 in sample["bboxes"]][:N_BOXES]
        labels = list(sample["labels"])[:N_BOXES]
        while len(boxes) < N_BOXES:
            bw, bh = rng.uniform(0.05, 0.3) * w, rng.uniform(0.05, 0.3) * h
            x0, y0 = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            boxes.append((x0, y0, x0 + bw, y0 + bh))
            labels.append("object")
        out.append(
            {
                "image": np.ascontiguousarray(convert(image, dtype)),
                "mask": mask,
                "bboxes": [tuple(float(v) for v in b) for b in boxes],
                "labels": labels,
            }
        )
    return out


# ----------------------------------------------------------------------------- libraries
def import_library(name: str) -> Any:
    """The module of a library to compare (``xalbu`` or ``albumentations``), with a clear error."""
    if name == "xalbu":
        import xalbu

        return xalbu
    if name == "albumentations":
        os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # no network check on import
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import albumentations
        except ImportError as exc:
            raise BenchmarkError(
                f"--vs albumentations: albumentations is not installed ({exc}); "
                f'pip install {ALBUMENTATIONS_PIN}  (or: pip install -e ".[bench]")'
            ) from None
        return albumentations
    raise BenchmarkError(f"--vs: expected 'albumentations' or 'xalbu', got {name!r}")


def common_transforms(other: Any) -> list[str]:
    """Names in ``xalbu.TRANSFORMS`` that the other library also has, sorted."""
    import xalbu

    return sorted(n for n in xalbu.TRANSFORMS if isinstance(getattr(other, n, None), type))


def version_of(module: Any) -> str:
    """``module.__version__``, or ``"unknown"``."""
    return str(getattr(module, "__version__", "unknown"))
