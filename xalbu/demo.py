"""The demo: augment the bundled sample photos on the best available backend.

``python -m xalbu demo`` runs a realistic detection/segmentation pipeline (random resized crop, flip,
affine, brightness/contrast, gamma) over the sample photos with their masks and boxes, measures the
throughput, and writes a contact sheet (rows: photos; columns: the original and augmentations, each
with its mask overlaid and its boxes drawn).

The photos and their annotations (``xalbu/data``, licenses in ``xalbu/data/LICENSES.md``) are also
what the tests and benchmarks use, through :func:`load_samples`:

>>> samples = load_samples()
>>> [s["image"].shape for s in samples]
[(320, 320, 3), (213, 320, 3), (213, 320, 3)]
>>> samples[1]["labels"]
['eye', 'eye']
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np

SAMPLE_NAMES = ("astronaut", "chelsea", "coffee")

# RGB colours of the mask classes (index = class id) and of the boxes
_CLASS_COLORS = np.array(
    [[0, 0, 0], [40, 200, 60], [220, 60, 220], [30, 170, 250], [60, 110, 255], [120, 255, 80]], np.uint8
)
_BOX_COLOR = (255, 255, 0)


# ----------------------------------------------------------------------------- sample data
@lru_cache(maxsize=1)
def load_annotations() -> dict[str, Any]:
    """The parsed ``xalbu/data/annotations.json`` (classes; per photo: file, size, objects)."""
    return json.loads(resources.files("xalbu.data").joinpath("annotations.json").read_text("utf-8"))


def classes() -> list[str]:
    """Mask class names; a mask pixel holds the index of its class here (0 = background)."""
    return list(load_annotations()["classes"])


def _read_rgb(name: str) -> np.ndarray:
    raw = resources.files("xalbu.data").joinpath(name).read_bytes()
    bgr = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise OSError(f"could not decode the bundled sample photo {name!r}")
    return np.ascontiguousarray(bgr[..., ::-1])


def load_samples(names: list[str] | tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The bundled sample photos with their annotations, ready for ``pipeline(**sample)``.

    Args:
        names: which photos (default: all of :data:`SAMPLE_NAMES`, in that order).

    Returns:
        one dict per photo with ``image`` (H, W, 3) RGB uint8, ``mask`` (H, W) uint8 class ids
        (see :func:`classes`; filled from the annotated polygons), ``bboxes`` a list of pascal_voc
        ``(x_min, y_min, x_max, y_max)`` pixel boxes and ``labels`` one class name per box.
        Fresh arrays on every call (safe to modify).
    """
    ann = load_annotations()
    by_name = {Path(s["file"]).stem: s for s in ann["samples"]}
    wanted = SAMPLE_NAMES if names is None else tuple(names)
    out = []
    for name in wanted:
        if name not in by_name:
            raise ValueError(f"names: unknown sample {name!r}; available: {sorted(by_name)}")
        entry = by_name[name]
        image = _read_rgb(entry["file"])
        mask = np.zeros(image.shape[:2], np.uint8)
        bboxes, labels = [], []
        for obj in entry["objects"]:
            poly = np.asarray(obj["polygon"], np.int32).reshape(-1, 1, 2)
            cv2.fillPoly(mask, [poly], int(ann["classes"].index(obj["label"])))
            bboxes.append(tuple(float(v) for v in obj["bbox"]))
            labels.append(obj["label"])
        out.append({"image": image, "mask": mask, "bboxes": bboxes, "labels": labels})
    return out


# ----------------------------------------------------------------------------- backend
def cuda_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - ImportError, CUDARuntimeError (no driver), ...
        return False


def resolve_backend(backend: str = "auto") -> str:
    """``"cupy"`` or ``"numpy"`` for ``auto``/``numpy``/``cupy`` (``cupy`` must be usable)."""
    if backend not in ("auto", "numpy", "cupy"):
        raise ValueError(f"backend: expected 'auto', 'numpy' or 'cupy', got {backend!r}")
    if backend == "auto":
        return "cupy" if cuda_available() else "numpy"
    if backend == "cupy" and not cuda_available():
        raise RuntimeError(
            "backend: 'cupy' needs CuPy and a CUDA device (pip install -e \".[cuda12]\"); none was found"
        )
    return backend


def backend_description(backend: str) -> str:
    if backend == "numpy":
        return "numpy+opencv (CPU)"
    import cupy

    dev = cupy.cuda.Device()
    name = cupy.cuda.runtime.getDeviceProperties(dev.id)["name"]
    name = name.decode() if isinstance(name, bytes) else str(name)
    return f"cupy (CUDA, {name})"


# ----------------------------------------------------------------------------- pipeline
def build_pipeline(size: int = 256, seed: int | None = None):
    """The demo's detection/segmentation pipeline: a ``size`` x ``size`` crop and photometric jitter."""
    import xalbu as A

    return A.Compose(
        [
            A.RandomResizedCrop(size=(size, size), scale=(0.5, 1.0)),
            A.HorizontalFlip(p=0.5),
            A.Affine(rotate=(-15, 15), scale=(0.9, 1.1), p=0.7),
            A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.8),
            A.RandomGamma(gamma_limit=(80, 120), p=0.5),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], min_visibility=0.2),
        seed=seed,
    )


def _square_sample(sample: dict[str, Any], size: int) -> dict[str, Any]:
    """A square crop of the sample (centred on its boxes) resized to ``size`` x ``size``, boxes moved.

    The photos have different sizes; a batch needs one size, and a square crop keeps the aspect ratio.
    """
    h, w = sample["mask"].shape
    side = min(h, w)
    boxes = np.asarray(sample["bboxes"], np.float64).reshape(-1, 4)
    cx = (boxes[:, 0].min() + boxes[:, 2].max()) / 2 if len(boxes) else w / 2
    cy = (boxes[:, 1].min() + boxes[:, 3].max()) / 2 if len(boxes) else h / 2
    x0 = int(np.clip(round(cx - side / 2), 0, w - side))
    y0 = int(np.clip(round(cy - side / 2), 0, h - side))
    s = size / side
    crop = (slice(y0, y0 + side), slice(x0, x0 + side))
    moved = (np.clip(boxes - [x0, y0, x0, y0], 0, side) * s).tolist()
    return {
        "image": cv2.resize(sample["image"][crop], (size, size), interpolation=cv2.INTER_AREA),
        "mask": cv2.resize(sample["mask"][crop], (size, size), interpolation=cv2.INTER_NEAREST),
        "bboxes": [tuple(b) for b in moved],
        "labels": list(sample["labels"]),
    }


class _CpuRunner:
    """Per-image calls, as in a DataLoader worker."""

    def __init__(self, pipeline, samples: list[dict[str, Any]], per_sample: int) -> None:
        self.pipeline = pipeline
        self.samples = samples
        self.per_sample = per_sample

    def __call__(self) -> list[list[dict[str, Any]]]:
        return [[self.pipeline(**s) for _ in range(self.per_sample)] for s in self.samples]

    def sync(self) -> None:
        pass


class _CupyRunner:
    """One ``pipeline.batch`` call on the device, ``per_sample`` copies of every photo."""

    def __init__(self, pipeline, samples: list[dict[str, Any]], per_sample: int, size: int = 320) -> None:
        import cupy

        self.cupy = cupy
        self.pipeline = pipeline
        self.n_samples = len(samples)
        self.per_sample = per_sample
        resized = [_square_sample(s, size) for s in samples]
        order = [i for i in range(len(resized)) for _ in range(per_sample)]  # sample-major
        self.images = cupy.asarray(np.stack([resized[i]["image"] for i in order]))
        self.masks = cupy.asarray(np.stack([resized[i]["mask"] for i in order]))
        self.bboxes = [np.asarray(resized[i]["bboxes"], np.float32).reshape(-1, 4) for i in order]
        self.labels = [list(resized[i]["labels"]) for i in order]

    def __call__(self) -> dict[str, Any]:
        return self.pipeline.batch(
            images=self.images, masks=self.masks, bboxes=self.bboxes, labels=self.labels
        )

    def sync(self) -> None:
        self.cupy.cuda.get_current_stream().synchronize()

    def split(self, out: dict[str, Any]) -> list[list[dict[str, Any]]]:
        """Batch output -> per photo, per copy: host dicts like the CPU path's."""
        images, masks = self.cupy.asnumpy(out["images"]), self.cupy.asnumpy(out["masks"])
        rows = []
        for s in range(self.n_samples):
            row = []
            for k in range(self.per_sample):
                i = s * self.per_sample + k
                row.append(
                    {
                        "image": images[i],
                        "mask": masks[i],
                        "bboxes": out["bboxes"][i],
                        "labels": out["labels"][i],
                    }
                )
            rows.append(row)
        return rows


# ----------------------------------------------------------------------------- drawing
def draw_annotations(
    image: np.ndarray, mask: np.ndarray, bboxes: Any, labels: Any, alpha: float = 0.45
) -> np.ndarray:
    """A copy of an RGB uint8 ``image`` with the mask overlaid and the pascal_voc boxes and labels drawn."""
    out = np.ascontiguousarray(image, dtype=np.uint8).copy()
    mask = np.asarray(mask)
    if mask.ndim == 3:
        mask = mask[..., 0]
    ids = np.clip(mask.astype(np.intp), 0, len(_CLASS_COLORS) - 1)
    on = ids > 0
    if on.any():
        color = _CLASS_COLORS[ids[on]].astype(np.float32)
        out[on] = (out[on].astype(np.float32) * (1 - alpha) + color * alpha + 0.5).astype(np.uint8)
    h, w = out.shape[:2]
    for box, label in zip(np.asarray(bboxes, np.float64).reshape(-1, 4), labels, strict=True):
        x0, y0 = int(round(box[0])), int(round(box[1]))
        x1, y1 = int(round(box[2])) - 1, int(round(box[3])) - 1
        cv2.rectangle(out, (x0, y0), (x1, y1), _BOX_COLOR, 2)
        text = str(label)
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4, 1)
        tx = min(max(x0, 0), max(w - tw - 2, 0))
        ty = y0 - 3 if y0 - th - base - 3 >= 0 else min(y0 + th + 3, h - base)
        cv2.rectangle(out, (tx, ty - th - 2), (tx + tw + 2, ty + base - 1), _BOX_COLOR, -1)
        cv2.putText(out, text, (tx + 1, ty - 1), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    return out


def _fit_tile(image: np.ndarray, tile: int) -> np.ndarray:
    """``image`` scaled to fit a ``tile`` x ``tile`` square (aspect kept), centred on grey."""
    h, w = image.shape[:2]
    s = tile / max(h, w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    small = cv2.resize(image, (nw, nh), interpolation=interp) if (nh, nw) != (h, w) else image
    out = np.full((tile, tile, 3), 40, np.uint8)
    y, x = (tile - nh) // 2, (tile - nw) // 2
    out[y : y + nh, x : x + nw] = small
    return out


def sheet_shape(rows: int, cols: int, tile: int = 256, gap: int = 4) -> tuple[int, int]:
    """(height, width) of a contact sheet of ``rows`` x ``cols`` tiles."""
    return gap + rows * (tile + gap), gap + cols * (tile + gap)


def contact_sheet(rows: list[list[np.ndarray]], tile: int = 256, gap: int = 4) -> np.ndarray:
    """Tiles (RGB uint8) laid out in a grid on a dark background."""
    n_cols = max(len(r) for r in rows)
    h, w = sheet_shape(len(rows), n_cols, tile, gap)
    sheet = np.full((h, w, 3), 20, np.uint8)
    for r, row in enumerate(rows):
        for c, img in enumerate(row):
            y, x = gap + r * (tile + gap), gap + c * (tile + gap)
            sheet[y : y + tile, x : x + tile] = _fit_tile(img, tile)
    return sheet


# ----------------------------------------------------------------------------- the demo
@dataclass(frozen=True)
class DemoResult:
    backend: str  # "numpy" or "cupy"
    description: str  # e.g. "numpy+opencv (CPU)"
    images_per_second: float
    n_images: int  # images augmented in the timed rounds
    repeats: int
    out: Path
    sheet_shape: tuple[int, int]  # (height, width) of the PNG


def run_demo(
    out: str | Path = "xalbu_demo.png",
    backend: str = "auto",
    repeats: int = 10,
    seed: int = 0,
    per_sample: int | None = None,
    columns: int = 5,
    size: int = 256,
    verbose: bool = True,
) -> DemoResult:
    """Augment the sample photos, time it and write the contact sheet; see the module docstring.

    Args:
        out: path of the contact sheet PNG.
        backend: ``auto`` (CuPy when a CUDA device is usable, else NumPy/OpenCV), ``numpy`` or ``cupy``.
        repeats: timed rounds (after one warm-up round).
        seed: seed of the pipelines (the sheet is reproducible for a given seed and backend).
        per_sample: augmented copies of each photo per round (default 8 on CPU, 128 on CuPy).
        columns: augmentations shown per photo in the sheet (after the original).
        size: output size of the pipeline's crop.
        verbose: print the backend, throughput and output path.
    """
    if repeats < 1:
        raise ValueError(f"repeats: expected at least 1, got {repeats}")
    if columns < 1:
        raise ValueError(f"columns: expected at least 1, got {columns}")
    backend = resolve_backend(backend)
    samples = load_samples()
    if per_sample is None:
        per_sample = 8 if backend == "numpy" else 128
    per_sample = max(per_sample, 1)

    # the sheet: one seeded run, per-image on the CPU, one batch on the device
    sheet_pipe = build_pipeline(size, seed=seed)
    if backend == "numpy":
        shown = _CpuRunner(sheet_pipe, samples, columns)()
    else:
        sheet_runner = _CupyRunner(sheet_pipe, samples, columns)
        shown = sheet_runner.split(sheet_runner())

    # the timing: a warm-up round, then `repeats` rounds on the wall clock
    pipe = build_pipeline(size, seed=seed + 1)
    runner = (
        _CpuRunner(pipe, samples, per_sample)
        if backend == "numpy"
        else _CupyRunner(pipe, samples, per_sample)
    )
    runner()
    runner.sync()
    start = time.perf_counter()
    for _ in range(repeats):
        runner()
    runner.sync()
    elapsed = time.perf_counter() - start
    n_images = repeats * len(samples) * per_sample
    rate = n_images / max(elapsed, 1e-9)

    rows = []
    for sample, augmented in zip(samples, shown, strict=True):
        tiles = [draw_annotations(sample["image"], sample["mask"], sample["bboxes"], sample["labels"])]
        tiles += [draw_annotations(a["image"], a["mask"], a["bboxes"], a["labels"]) for a in augmented]
        rows.append(tiles)
    sheet = contact_sheet(rows, tile=size)
    out = Path(out)
    if out.parent != Path():
        out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out), np.ascontiguousarray(sheet[..., ::-1])):
        raise OSError(f"out: could not write the contact sheet to {str(out)!r}")

    result = DemoResult(
        backend=backend,
        description=backend_description(backend),
        images_per_second=rate,
        n_images=n_images,
        repeats=repeats,
        out=out,
        sheet_shape=sheet.shape[:2],
    )
    if verbose:
        print(f"backend: {result.description}")
        print(f"throughput: {rate:.1f} images/s ({n_images} images, {repeats} repeats)")
        grid = f"{len(rows)} photos x (original + {columns} augmentations)"
        print(f"contact sheet: {out} ({grid})")
    return result
