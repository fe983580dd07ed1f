"""Side-by-side speed comparison: ``python -m xalbu.benchmark --vs albumentations``.

Times every transform that xalbu and the other library both have, single-threaded, on the bundled
sample photos (:func:`xalbu.demo.load_samples`) resized to each requested size, and writes a table
of images/second per library and their ratio, in Markdown and JSON.

Method (the same for every row):

* Threads: OpenCV ``setNumThreads(0)``; ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS`` (and friends) ``= 1``. These must be set before NumPy is imported, so the
  command re-executes itself with them set when they are not (``--no-reexec`` turns that off).
* Each library runs what users run: ``Compose([transform])(image=img)``, with ``p=1`` and the same
  arguments in both (one table, :func:`transform_args`; where the defaults differ both are set).
* Warm-up (``--warmup`` seconds per library), then the number of calls ``K`` per timed loop is
  chosen so that a loop lasts at least ``--min-time`` seconds (a multiple of the number of photos,
  so every photo counts the same). Then ``--repeats`` rounds; a round times ``K`` calls of each
  library cut into ``--slices`` slices that alternate between the libraries (A B, B A, A B, ...), so
  that load changing on the machine hits both alike.
* Clock: wall time by default; ``--clock cpu`` counts the process's CPU time instead, which leaves
  out the time spent waiting for a core on a shared machine (the runs are single-threaded, so both
  agree on an idle machine).
* Reported: the median images/s of each library and the median of the per-round ratios
  (xalbu / other; > 1 means xalbu is faster). The JSON holds every round's numbers.

Sections: ``transforms`` (every common transform, ``--dtype``, default uint8 RGB), ``float32``
(RandomBrightnessContrast, RandomGamma, Normalize on float32 images), ``pipeline`` (the detection
pipeline RandomResizedCrop 224 -> HorizontalFlip -> RandomBrightnessContrast -> Normalize with image,
mask and 10 boxes with labels), ``uint16`` (xalbu only: uint16 against uint8 images) and, with
``--gpu``, ``gpu`` (``pipeline.batch`` on CuPy against kornia.augmentation and
torchvision.transforms.v2 on the same CUDA batch; skipped with a message when any of them or a CUDA
device is missing).

``--vs xalbu`` compares xalbu with itself: a check of the method (every ratio should be near 1; the
spread is the measurement noise of the machine).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
ALBUMENTATIONS_PIN = "albumentations==2.0.8"
SECTIONS = ("transforms", "float32", "pipeline", "uint16", "gpu")
DEFAULT_SECTIONS = ("transforms", "float32", "pipeline", "uint16")
POINTWISE_FLOAT = ("RandomBrightnessContrast", "RandomGamma", "Normalize")
DTYPES = ("uint8", "float32", "uint16")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
N_BOXES = 10
CROP = 224


class BenchmarkError(RuntimeError):
    """A problem the user can fix (missing library, bad option); printed without a traceback."""


# ----------------------------------------------------------------------------- the argument table
def _identity(x: Any, **params: Any) -> Any:
    return x


def max_value(dtype: str) -> float:
    """The value of white for ``dtype`` (uint8 255, uint16 65535, float32 1)."""
    return {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0}[dtype]


def transform_args(name: str, height: int, width: int, dtype: str = "uint8") -> dict[str, Any]:
    """Arguments for ``name`` on a ``height`` x ``width`` ``dtype`` image, the same for both libraries.

    ``p=1`` always; sizes of shape-changing transforms are relative to the image; where the two
    libraries' defaults differ (``RandomRotate90``'s ``p``, ``LongestMaxSize``'s ``max_size``...) the
    value is set explicitly. Transforms not listed here get ``{"p": 1.0}`` only.
    """
    h, w = height, width
    table: dict[str, dict[str, Any]] = {
        "Affine": {
            "scale": (0.9, 1.1),
            "translate_percent": (-0.1, 0.1),
            "rotate": (-15.0, 15.0),
            "shear": (-10.0, 10.0),
            "interpolation": 1,
            "border_mode": 0,
        },
        "CenterCrop": {"height": h // 2, "width": w // 2},
        "Crop": {"x_min": w // 4, "y_min": h // 4, "x_max": w // 4 + w // 2, "y_max": h // 4 + h // 2},
        "FromFloat": {"dtype": "uint8", "max_value": None},
        "Lambda": {"image": _identity, "name": "identity"},
        "LongestMaxSize": {"max_size": max(h, w) // 2, "interpolation": 1},
        "Normalize": {"mean": MEAN, "std": STD, "max_pixel_value": max_value(dtype)},
        "Pad": {"padding": max(h, w) // 8, "border_mode": 0, "fill": 0},
        "PadIfNeeded": {"min_height": h + h // 4, "min_width": w + w // 4, "border_mode": 0, "fill": 0},
        "Perspective": {"scale": (0.05, 0.1), "keep_size": True, "interpolation": 1, "border_mode": 0},
        "Posterize": {"num_bits": 4},
        "RandomBrightnessContrast": {"brightness_limit": (-0.2, 0.2), "contrast_limit": (-0.2, 0.2)},
        "RandomCrop": {"height": h // 2, "width": w // 2},
        "RandomGamma": {"gamma_limit": (80, 120)},
        "RandomResizedCrop": {"size": (h // 2, w // 2), "scale": (0.08, 1.0), "ratio": (0.75, 4 / 3)},
        "RandomSizedCrop": {"min_max_height": (h // 4, h // 2), "size": (h // 2, w // 2)},
        "Resize": {"height": h // 2, "width": w // 2, "interpolation": 1},
        "Rotate": {"limit": (-45.0, 45.0), "interpolation": 1, "border_mode": 0},
        "ShiftScaleRotate": {
            "shift_limit": (-0.0625, 0.0625),
            "scale_limit": (-0.1, 0.1),
            "rotate_limit": (-45.0, 45.0),
            "interpolation": 1,
            "border_mode": 0,
        },
        "SmallestMaxSize": {"max_size": min(h, w) // 2, "interpolation": 1},
        "Solarize": {"threshold_range": (0.5, 0.5)},
        "ToFloat": {"max_value": None},
        "ToGray": {"num_output_channels": 3, "method": "weighted_average"},
    }
    return {**table.get(name, {}), "p": 1.0}


def input_dtype(name: str, dtype: str) -> str:
    """The dtype of the images a transform is timed on (``FromFloat`` needs float input)."""
    return "float32" if name == "FromFloat" else dtype


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

    from .demo import load_samples

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


def _version(module: Any) -> str:
    return str(getattr(module, "__version__", "unknown"))


# ----------------------------------------------------------------------------- timing
@dataclass
class Timing:
    """One library's rounds: images/s per round and calls per timed loop."""

    rates: list[float]
    calls: int
    images_per_call: int = 1

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def to_json(self) -> dict[str, Any]:
        return {
            "median_ips": self.median,
            "min_ips": min(self.rates),
            "max_ips": max(self.rates),
            "rounds_ips": self.rates,
            "calls_per_round": self.calls,
            "images_per_call": self.images_per_call,
        }


Runner = Callable[[dict[str, Any]], Any]


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
_clock: Callable[[], float] = time.perf_counter


def _loop(
    fn: Runner, samples: Sequence[dict[str, Any]], calls: int, sync: Callable[[], None] | None
) -> float:
    n = len(samples)
    clock = time.perf_counter if sync is not None else _clock  # device work is not process time
    start = clock()
    for i in range(calls):
        fn(samples[i % n])
    if sync is not None:
        sync()  # the device finishes its work before the clock stops
    return clock() - start


def _calibrate(fn: Runner, samples: Sequence[dict[str, Any]], min_time: float, sync: Any) -> int:
    """Calls per timed loop: a multiple of ``len(samples)`` lasting at least ``min_time``."""
    n = len(samples)
    calls = n
    while True:
        elapsed = _loop(fn, samples, calls, sync)
        if elapsed >= min_time or calls >= 1_000_000:
            return calls
        grow = min(10.0, max(1.5, 1.2 * min_time / max(elapsed, 1e-9)))
        calls = n * math.ceil(calls * grow / n)


def interleaved(
    runners: dict[str, Runner],
    samples: dict[str, Sequence[dict[str, Any]]],
    opts: Options,
    images_per_call: int = 1,
    sync: Callable[[], None] | None = None,
) -> dict[str, Timing]:
    """Time each runner on its samples: warm-up, calibration, then ``opts.repeats`` rounds.

    A round times ``calls`` calls of each runner, cut into ``opts.slices`` slices that alternate
    between the runners (A B, B A, ...); a runner's time in the round is the sum of its slices. Load
    that changes more slowly than a slice (tens of milliseconds) then hits every runner alike, where
    one loop per runner leaves it to whichever ran during a loud stretch.
    """
    labels = list(runners)
    for label in labels:  # warm-up: at least one pass over the photos and ``warmup`` seconds
        start = time.perf_counter()
        while True:
            _loop(runners[label], samples[label], len(samples[label]), sync)
            if time.perf_counter() - start >= opts.warmup:
                break
    calls = {label: _calibrate(runners[label], samples[label], opts.min_time, sync) for label in labels}
    per_slice = {}  # calls per slice: a multiple of the number of photos, so each photo counts the same
    for label in labels:
        n = len(samples[label])
        slices = max(1, min(opts.slices, calls[label] // n))
        per_slice[label] = n * math.ceil(calls[label] / (n * slices))
        calls[label] = per_slice[label] * slices
    rates: dict[str, list[float]] = {label: [] for label in labels}
    gc.collect()  # once per row: a full collection costs more than a short timed loop
    for r in range(opts.repeats):
        elapsed = dict.fromkeys(labels, 0.0)
        done = dict.fromkeys(labels, 0)
        k = r
        while any(done[label] < calls[label] for label in labels):
            for label in labels if k % 2 == 0 else labels[::-1]:
                if done[label] < calls[label]:
                    elapsed[label] += _loop(runners[label], samples[label], per_slice[label], sync)
                    done[label] += per_slice[label]
            k += 1
        for label in labels:
            rates[label].append(calls[label] * images_per_call / max(elapsed[label], 1e-12))
    return {label: Timing(rates[label], calls[label], images_per_call) for label in labels}


def paired_ratio(a: Timing, b: Timing) -> float:
    """Median over rounds of ``a``'s rate / ``b``'s rate (> 1: ``a`` is faster)."""
    return statistics.median(x / y for x, y in zip(a.rates, b.rates, strict=True))


def geometric_mean(values: Sequence[float]) -> float | None:
    vals = [v for v in values if v and v > 0 and math.isfinite(v)]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


# ----------------------------------------------------------------------------- metadata
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def _git() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def machine_info() -> dict[str, Any]:
    """CPU model, cores, OS, Python, the load average now."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg": _loadavg(),
    }


def versions(other: Any | None) -> dict[str, str]:
    import cv2
    import numpy as np

    import xalbu

    out = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        "xalbu": _version(xalbu),
    }
    if other is not None and other.__name__ != "xalbu":
        out[other.__name__] = _version(other)
    return out


# ----------------------------------------------------------------------------- options
@dataclass
class Options:
    vs: str = "albumentations"
    transforms: list[str] | None = None  # None: all common transforms
    sizes: list[tuple[int, int]] | None = None  # None: 256x256 and 1024x1024
    dtype: str = "uint8"
    repeats: int = 7
    min_time: float = 0.1
    slices: int = 10  # each round's loop, cut into this many alternating slices
    warmup: float = 0.05
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    out_dir: str = "."
    name: str | None = None  # file stem; default cpu_vs_<vs>
    clock: str = "wall"  # "wall" (perf_counter) or "cpu" (process_time; CPU sections only)
    gpu_batches: tuple[tuple[int, int], ...] = ((256, 256), (64, 1024))  # (N, side)
    command: str = ""
    verbose: bool = True

    def resolved_sizes(self) -> list[tuple[int, int]]:
        return list(self.sizes) if self.sizes else [(256, 256), (1024, 1024)]


def _log(opts: Options, text: str) -> None:
    if opts.verbose:
        print(text, flush=True)


# ----------------------------------------------------------------------------- sections
def _pair_row(
    transform: str, size: tuple[int, int], dtype: str, timings: dict[str, Timing], a: str, b: str
) -> dict[str, Any]:
    return {
        "transform": transform,
        "size": size_label(size),
        "dtype": dtype,
        "xalbu": timings[a].to_json(),
        "other": timings[b].to_json(),
        "xalbu_ips": timings[a].median,
        "other_ips": timings[b].median,
        "ratio": paired_ratio(timings[a], timings[b]),
    }


def _build(lib: Any, name: str, kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.Compose([getattr(lib, name)(**kwargs)], seed=0)


def _compare_transforms(
    opts: Options, xa: Any, other: Any, names: list[str], dtype: str, skipped: list[dict[str, str]]
) -> list[dict[str, Any]]:
    rows = []
    for size in opts.resolved_sizes():
        data: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            in_dtype = input_dtype(name, dtype)
            if in_dtype not in data:
                data[in_dtype] = [{"image": p["image"]} for p in photos(size, in_dtype)]
            samples = data[in_dtype]
            kwargs = transform_args(name, *size, dtype=in_dtype)
            try:
                px, po = _build(xa, name, kwargs), _build(other, name, kwargs)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    px(**samples[0])
                    po(**samples[0])
            except Exception as exc:  # noqa: BLE001 - a transform one library cannot run as configured
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                skipped.append(
                    {"transform": name, "size": size_label(size), "dtype": in_dtype, "reason": reason}
                )
                _log(opts, f"  skipped {name} {size_label(size)} {in_dtype}: {reason}")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                timings = interleaved(
                    {"xalbu": lambda s, f=px: f(**s), "other": lambda s, f=po: f(**s)},
                    {"xalbu": samples, "other": samples},
                    opts,
                )
            row = _pair_row(name, size, in_dtype, timings, "xalbu", "other")
            rows.append(row)
            _log(
                opts,
                f"  {name:<26} {size_label(size):>9} {in_dtype:<7} xalbu {row['xalbu_ips']:>9.1f}  "
                f"{opts.vs} {row['other_ips']:>9.1f}  ratio {row['ratio']:.2f}",
            )
    return rows


def detection_pipeline(lib: Any, crop: int = CROP) -> Any:
    """RandomResizedCrop ``crop`` -> HorizontalFlip -> RandomBrightnessContrast -> Normalize, with boxes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.Compose(
            [
                lib.RandomResizedCrop(size=(crop, crop), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
                lib.HorizontalFlip(p=0.5),
                lib.RandomBrightnessContrast(brightness_limit=(-0.2, 0.2), contrast_limit=(-0.2, 0.2), p=0.5),
                lib.Normalize(mean=MEAN, std=STD, max_pixel_value=255.0, p=1.0),
            ],
            bbox_params=lib.BboxParams(format="pascal_voc", label_fields=["labels"]),
            seed=0,
        )


def _compare_pipeline(opts: Options, xa: Any, other: Any) -> list[dict[str, Any]]:
    rows = []
    px, po = detection_pipeline(xa), detection_pipeline(other)
    for size in opts.resolved_sizes():
        samples = photos(size, "uint8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            timings = interleaved(
                {"xalbu": lambda s: px(**s), "other": lambda s: po(**s)},
                {"xalbu": samples, "other": samples},
                opts,
            )
        row = _pair_row("detection pipeline", size, "uint8", timings, "xalbu", "other")
        rows.append(row)
        _log(
            opts,
            f"  detection pipeline         {size_label(size):>9} uint8   xalbu {row['xalbu_ips']:>9.1f}  "
            f"{opts.vs} {row['other_ips']:>9.1f}  ratio {row['ratio']:.2f}",
        )
    return rows


def _compare_uint16(opts: Options, xa: Any, names: list[str]) -> list[dict[str, Any]]:
    """xalbu only: each transform on uint16 against uint8 images (ratio = uint16 / uint8 images/s)."""
    rows = []
    for size in opts.resolved_sizes():
        u8 = [{"image": p["image"]} for p in photos(size, "uint8")]
        u16 = [{"image": p["image"]} for p in photos(size, "uint16")]
        for name in names:
            if input_dtype(name, "uint8") != "uint8":
                continue  # FromFloat: float input whatever the dtype
            p8 = _build(xa, name, transform_args(name, *size, dtype="uint8"))
            p16 = _build(xa, name, transform_args(name, *size, dtype="uint16"))
            timings = interleaved(
                {"uint8": lambda s, f=p8: f(**s), "uint16": lambda s, f=p16: f(**s)},
                {"uint8": u8, "uint16": u16},
                opts,
            )
            row = {
                "transform": name,
                "size": size_label(size),
                "uint8": timings["uint8"].to_json(),
                "uint16": timings["uint16"].to_json(),
                "uint8_ips": timings["uint8"].median,
                "uint16_ips": timings["uint16"].median,
                "ratio": paired_ratio(timings["uint16"], timings["uint8"]),
            }
            rows.append(row)
            _log(
                opts,
                f"  {name:<26} {size_label(size):>9} uint8 {row['uint8_ips']:>9.1f}  "
                f"uint16 {row['uint16_ips']:>9.1f}  uint16/uint8 {row['ratio']:.2f}",
            )
    return rows


# ----------------------------------------------------------------------------- GPU section
def _cuda_device_name() -> str | None:
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        name = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device
        return None


def gpu_section(opts: Options) -> dict[str, Any]:
    """``pipeline.batch`` on CuPy against kornia and torchvision on the same CUDA batch.

    Every library starts from the same (N, H, W, 3) uint8 batch on the device (shared with torch
    through DLPack, no copy) and ends with a normalised float32 (N, 224, 224, 3) or (N, 3, 224, 224)
    batch: RandomResizedCrop 224 -> HorizontalFlip(0.5) -> brightness/contrast 0.2 (p=0.5) ->
    Normalize. kornia draws parameters per sample like xalbu; torchvision.transforms.v2 draws one
    set of parameters per call, i.e. per batch (noted in the table). The device is synchronised
    before the clock stops.
    """
    device = _cuda_device_name()
    if device is None:
        return {"skipped": "no CUDA device usable through CuPy (pip install -e '.[cuda12]')", "rows": []}
    import cupy
    import numpy as np

    import xalbu

    def sync() -> None:
        cupy.cuda.Device().synchronize()

    libs: dict[str, Callable[[Any], Callable[[], Any]]] = {}
    missing: list[str] = []
    pipe = xalbu.Compose(
        [
            xalbu.RandomResizedCrop(size=(CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
            xalbu.HorizontalFlip(p=0.5),
            xalbu.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.5),
            xalbu.Normalize(mean=MEAN, std=STD, max_pixel_value=255.0, p=1.0),
        ],
        seed=0,
    )
    libs["xalbu"] = lambda batch: lambda: pipe.batch(images=batch)
    versions_: dict[str, str] = {"xalbu": _version(xalbu), "cupy": _version(cupy)}
    try:
        import torch

        versions_["torch"] = _version(torch)
        if not torch.cuda.is_available():
            raise ImportError("torch has no CUDA")
    except ImportError as exc:
        missing.append(f"torch ({exc})")
        torch = None
    if torch is not None:
        mean_t = torch.tensor(MEAN, device="cuda")
        std_t = torch.tensor(STD, device="cuda")
        try:
            import kornia
            import kornia.augmentation as K

            versions_["kornia"] = _version(kornia)
            aug = K.AugmentationSequential(
                K.RandomResizedCrop((CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
                K.RandomHorizontalFlip(p=0.5),
                K.ColorJiggle(brightness=0.2, contrast=0.2, p=0.5),
                K.Normalize(mean=mean_t, std=std_t),
            )

            def kornia_runner(batch: Any) -> Callable[[], Any]:
                t = torch.from_dlpack(batch)  # (N, H, W, 3) uint8, shared with CuPy
                return lambda: aug(t.permute(0, 3, 1, 2).float().div_(255.0))

            libs["kornia"] = kornia_runner
        except ImportError as exc:
            missing.append(f"kornia ({exc})")
        try:
            import torchvision
            from torchvision.transforms import v2

            versions_["torchvision"] = _version(torchvision)
            tv = v2.Compose(
                [
                    v2.RandomResizedCrop(
                        (CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), antialias=True
                    ),
                    v2.RandomHorizontalFlip(p=0.5),
                    v2.RandomApply([v2.ColorJitter(brightness=0.2, contrast=0.2)], p=0.5),
                    v2.ToDtype(torch.float32, scale=True),
                    v2.Normalize(mean=list(MEAN), std=list(STD)),
                ]
            )

            def tv_runner(batch: Any) -> Callable[[], Any]:
                t = torch.from_dlpack(batch)
                return lambda: tv(t.permute(0, 3, 1, 2))

            libs["torchvision"] = tv_runner
        except ImportError as exc:
            missing.append(f"torchvision ({exc})")

    rows = []
    for n, side in opts.gpu_batches:
        src = photos((side, side), "uint8")
        host = np.stack([src[i % len(src)]["image"] for i in range(n)])
        batch = cupy.asarray(host)
        runners = {label: make(batch) for label, make in libs.items()}
        timings = interleaved(
            {label: (lambda s, f=f: f()) for label, f in runners.items()},
            {label: [{}] for label in runners},
            opts,
            images_per_call=n,
            sync=sync,
        )
        for label, timing in timings.items():
            row = {
                "library": label,
                "batch": f"{n}x{side}x{side}",
                "per_sample_params": label != "torchvision",
                **timing.to_json(),
                "xalbu_ratio": paired_ratio(timings["xalbu"], timing),
            }
            rows.append(row)
            _log(
                opts,
                f"  gpu {label:<12} {row['batch']:>14} {row['median_ips']:>11.0f} img/s  "
                f"xalbu/{label} {row['xalbu_ratio']:.2f}",
            )
        del batch, runners
    return {"device": device, "versions": versions_, "missing": missing, "rows": rows}


# ----------------------------------------------------------------------------- output
def _fmt_ips(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def _fmt_ratio(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}×"


def _ratio_table(
    rows: list[dict[str, Any]], col_a: str, col_b: str, col_ratio: str, a: str, b: str
) -> list[str]:
    """Markdown table lines: transform, size, images/s of two runs (row keys ``a``, ``b``), ratio."""
    lines = [f"| transform | size | {col_a} | {col_b} | {col_ratio} |", "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['transform']} | {r['size']} | {_fmt_ips(r[a])} | {_fmt_ips(r[b])} | {_fmt_ratio(r['ratio'])} |"
        )
    return lines


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometric mean of the ratios, overall and per size, and the slowest row."""
    by_size: dict[str, list[float]] = {}
    for r in rows:
        by_size.setdefault(r["size"], []).append(r["ratio"])
    worst = min(rows, key=lambda r: r["ratio"]) if rows else None
    return {
        "n": len(rows),
        "geomean_ratio": geometric_mean([r["ratio"] for r in rows]),
        "geomean_ratio_by_size": {k: geometric_mean(v) for k, v in by_size.items()},
        "min_ratio": None if worst is None else {k: worst[k] for k in ("transform", "size", "ratio")},
        "rows_below_1": [f"{r['transform']} {r['size']}" for r in rows if r["ratio"] < 1.0],
    }


def to_markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    other = meta["vs"]
    m = meta["machine"]
    threads = ", ".join(f"{k}={v}" for k, v in meta["threads"].items())
    clock = (
        "Clock: CPU time of the process (images per CPU second; single-threaded, so the same as wall time "
        "on an idle machine)."
        if meta["settings"].get("clock") == "cpu"
        else "Clock: wall time."
    )
    lines = [
        f"# xalbu vs {other} {meta['versions'].get(other, '')}".rstrip() + " — CPU, single-threaded",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable), "
        f"{m['platform']}; load average at start {meta['loadavg_start']}, at end {meta['loadavg_end']}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- Git: {meta['git']['commit']}" + (" (with uncommitted changes)" if meta["git"]["dirty"] else ""),
        f"- Command: `{meta['command']}`",
        f"- Method: the bundled photos ({meta['n_photos']}) resized to each size; "
        f"`Compose([transform])(image=img)` in each library, p=1, the same arguments; "
        f"{meta['settings']['warmup']} s warm-up, then {meta['settings']['repeats']} rounds, each timing ≥ "
        f"{meta['settings']['min_time']} s of calls per library in {meta['settings'].get('slices', 1)} slices "
        f"alternating between the libraries (ABBA...); median images/s; "
        f"ratio = median of the per-round ratios xalbu / {other} (> 1: xalbu is faster). {clock} "
        f"Threads: {threads}.",
        "",
    ]
    rows = result.get("transforms") or []
    if rows:
        s = result["summary"]
        lines += [f"## Transforms ({meta['settings']['dtype']} RGB)", ""]
        lines += _ratio_table(rows, "xalbu img/s", f"{other} img/s", "ratio", "xalbu_ips", "other_ips")
        lines.append(f"| **geometric mean** | all | | | **{_fmt_ratio(s['geomean_ratio'])}** |")
        for size, g in s["geomean_ratio_by_size"].items():
            lines.append(f"| geometric mean | {size} | | | {_fmt_ratio(g)} |")
        worst = s["min_ratio"]
        lines += [
            "",
            f"Slowest ratio: {worst['transform']} {worst['size']} ({_fmt_ratio(worst['ratio'])}); "
            f"rows below 1×: {', '.join(s['rows_below_1']) or 'none'}.",
            "",
        ]
    for key, title in (
        ("float32", "float32 point-wise (images in [0, 1])"),
        (
            "pipeline",
            f"Detection pipeline: RandomResizedCrop {CROP} → HorizontalFlip → RandomBrightnessContrast → "
            f"Normalize; image + mask + {N_BOXES} boxes with labels",
        ),
    ):
        part = result.get(key) or []
        if part:
            lines += [f"## {title}", ""]
            lines += _ratio_table(part, "xalbu img/s", f"{other} img/s", "ratio", "xalbu_ips", "other_ips")
            lines.append(
                f"| **geometric mean** | all | | | **{_fmt_ratio(summarise(part)['geomean_ratio'])}** |"
            )
            lines.append("")
    u16 = result.get("uint16") or []
    if u16:
        lines += ["## uint16 against uint8 (xalbu)", ""]
        lines += _ratio_table(u16, "uint8 img/s", "uint16 img/s", "uint16 / uint8", "uint8_ips", "uint16_ips")
        g = result["uint16_summary"]["geomean_ratio"]  # computed by run()
        worst = min(u16, key=lambda r: r["ratio"])
        lines += [
            f"| **geometric mean** | all | | | **{_fmt_ratio(g)}** |",
            "",
            f"Slowest uint16 / uint8: {worst['transform']} {worst['size']} ({_fmt_ratio(worst['ratio'])}).",
            "",
        ]
    gpu = result.get("gpu")
    if gpu is not None:
        lines += ["## GPU batches (`pipeline.batch`)", ""]
        if gpu.get("skipped"):
            lines += [f"Skipped: {gpu['skipped']}.", ""]
        else:
            lines += [
                f"Device: {gpu['device']}; versions: "
                + ", ".join(f"{k} {v}" for k, v in gpu["versions"].items()),
                "",
                "| library | batch (N×H×W) | img/s | xalbu / library | parameters drawn |",
                "|---|---|---:|---:|---|",
            ]
            for r in gpu["rows"]:
                per = "per sample" if r["per_sample_params"] else "once per batch"
                lines.append(
                    f"| {r['library']} | {r['batch']} | {_fmt_ips(r['median_ips'])} | "
                    f"{_fmt_ratio(r['xalbu_ratio'])} | {per} |"
                )
            if gpu["missing"]:
                lines.append("")
                lines.append("Not compared (not installed): " + "; ".join(gpu["missing"]) + ".")
            lines.append("")
    if result.get("skipped"):
        lines += ["## Skipped", ""]
        for s in result["skipped"]:
            lines.append(f"- {s['transform']} {s['size']} {s['dtype']}: {s['reason']}")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the run
def run(opts: Options) -> dict[str, Any]:
    """Run the sections in ``opts``, write ``<out_dir>/<name>.md`` and ``.json``; return the result."""
    import cv2

    unknown = [s for s in opts.sections if s not in SECTIONS]
    if unknown:
        raise BenchmarkError(f"--sections: unknown {unknown}; expected some of {list(SECTIONS)}")
    if opts.dtype not in DTYPES:
        raise BenchmarkError(f"--dtype: expected one of {list(DTYPES)}, got {opts.dtype!r}")
    if opts.repeats < 1:
        raise BenchmarkError(f"--repeats: expected at least 1, got {opts.repeats}")
    if opts.slices < 1:
        raise BenchmarkError(f"--slices: expected at least 1, got {opts.slices}")
    if opts.clock not in CLOCKS:
        raise BenchmarkError(f"--clock: expected one of {list(CLOCKS)}, got {opts.clock!r}")
    global _clock
    _clock = CLOCKS[opts.clock]
    cv2.setNumThreads(0)
    xa = import_library("xalbu")
    needs_other = any(s in opts.sections for s in ("transforms", "float32", "pipeline"))
    other = import_library(opts.vs) if needs_other else None
    if other is not None:
        names = common_transforms(other)
    else:
        names = sorted(xa.TRANSFORMS)
    if opts.transforms:
        wanted = set(opts.transforms)
        unknown = sorted(wanted - set(xa.TRANSFORMS))
        if unknown:
            raise BenchmarkError(f"--transforms: not xalbu transforms: {unknown}")
        names = [n for n in names if n in wanted]
    loadavg_start = _loadavg()
    threads = {k: os.environ.get(k, "unset") for k in THREAD_ENV}
    threads["cv2.getNumThreads()"] = str(cv2.getNumThreads())
    result: dict[str, Any] = {
        "meta": {
            "date": _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
            "vs": opts.vs,
            "machine": machine_info(),
            "versions": versions(other),
            "git": _git(),
            "command": opts.command or "python -m xalbu.benchmark",
            "threads": threads,
            "n_photos": len(photos((16, 16))),
            "loadavg_start": loadavg_start,
            "settings": {
                "repeats": opts.repeats,
                "slices": opts.slices,
                "min_time": opts.min_time,
                "warmup": opts.warmup,
                "dtype": opts.dtype,
                "clock": opts.clock,
                "sizes": [size_label(s) for s in opts.resolved_sizes()],
                "sections": list(opts.sections),
                "transforms": names,
            },
        }
    }
    skipped: list[dict[str, str]] = []
    if "transforms" in opts.sections:
        _log(opts, f"transforms ({opts.dtype}): xalbu vs {opts.vs}")
        rows = _compare_transforms(opts, xa, other, names, opts.dtype, skipped)
        result["transforms"] = rows
        result["summary"] = summarise(rows)
    if "float32" in opts.sections:
        pointwise = [n for n in POINTWISE_FLOAT if n in names]
        if pointwise:
            _log(opts, f"float32 point-wise: xalbu vs {opts.vs}")
            result["float32"] = _compare_transforms(opts, xa, other, pointwise, "float32", skipped)
    if "pipeline" in opts.sections:
        _log(opts, f"detection pipeline: xalbu vs {opts.vs}")
        result["pipeline"] = _compare_pipeline(opts, xa, other)
    if "uint16" in opts.sections:
        _log(opts, "uint16 against uint8: xalbu")
        result["uint16"] = _compare_uint16(opts, xa, names)
        result["uint16_summary"] = {"geomean_ratio": geometric_mean([r["ratio"] for r in result["uint16"]])}
    if "gpu" in opts.sections:
        _log(opts, "GPU batches: xalbu vs kornia, torchvision")
        result["gpu"] = gpu_section(opts)
        if result["gpu"].get("skipped"):
            _log(opts, f"  GPU section skipped: {result['gpu']['skipped']}")
    result["skipped"] = skipped
    result["meta"]["loadavg_end"] = _loadavg()

    out_dir = Path(opts.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = opts.name or f"cpu_vs_{opts.vs}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    (out_dir / f"{stem}.md").write_text(to_markdown(result) + "\n")
    if "summary" in result and result["summary"]["geomean_ratio"] is not None:
        _log(opts, f"geometric mean ratio xalbu / {opts.vs}: {result['summary']['geomean_ratio']:.2f}")
    _log(opts, f"wrote {out_dir / (stem + '.md')} and {out_dir / (stem + '.json')}")
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m xalbu.benchmark",
        description="Time every transform xalbu shares with another library, single-threaded, on the bundled "
        "photos; write a Markdown and a JSON table of images/s and ratios.",
    )
    parser.add_argument(
        "--vs",
        default="albumentations",
        choices=("albumentations", "xalbu"),
        help="library to compare with; 'xalbu' compares xalbu with itself (the method's noise) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--transforms", default=None, help="comma-separated transform names (default: all common ones)"
    )
    parser.add_argument(
        "--sizes", default="256,1024", help="comma-separated N or HxW image sizes (default: %(default)s)"
    )
    parser.add_argument("--dtype", default="uint8", choices=DTYPES, help="image dtype of the main table")
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed rounds per library (default: %(default)s)"
    )
    parser.add_argument(
        "--min-time", type=float, default=0.1, help="seconds per timed loop at least (default: %(default)s)"
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=10,
        help="each round's loop is cut into this many slices alternating between the libraries "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.05,
        help="warm-up seconds per library and row (default: %(default)s)",
    )
    parser.add_argument(
        "--sections",
        default=",".join(DEFAULT_SECTIONS),
        help=f"comma-separated, of {','.join(SECTIONS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--gpu", action="store_true", help="add the GPU batch section (CuPy vs kornia, torchvision)"
    )
    parser.add_argument(
        "--gpu-batches",
        default="256x256,64x1024",
        help="GPU batches as NxSIDE (N images of SIDE x SIDE), comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--clock",
        default="wall",
        choices=tuple(CLOCKS),
        help="wall: images per wall-clock second; cpu: per CPU second of this process, which leaves out "
        "waiting for a core on a busy machine (single-threaded, so equal on an idle one; the GPU "
        "section always uses the wall clock) (default: %(default)s)",
    )
    parser.add_argument(
        "--out-dir", default=".", help="folder of the .md and .json files (default: %(default)s)"
    )
    parser.add_argument("--name", default=None, help="file name stem (default: cpu_vs_<vs>)")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    parser.add_argument(
        "--no-reexec",
        action="store_true",
        help="do not restart with OMP/MKL/OpenBLAS threads = 1 when they are not set",
    )
    return parser


def _options(args: argparse.Namespace, argv: Sequence[str]) -> Options:
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    if args.gpu and "gpu" not in sections:
        sections += ("gpu",)
    batches = []
    for item in args.gpu_batches.split(","):
        try:
            n, side = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise BenchmarkError(f"--gpu-batches: expected NxSIDE, got {item!r}") from None
        batches.append((n, side))
    return Options(
        vs=args.vs,
        transforms=[t.strip() for t in args.transforms.split(",") if t.strip()] if args.transforms else None,
        sizes=[parse_size(s.strip()) for s in args.sizes.split(",") if s.strip()],
        dtype=args.dtype,
        repeats=args.repeats,
        slices=args.slices,
        min_time=args.min_time,
        warmup=args.warmup,
        sections=sections,
        out_dir=args.out_dir,
        name=args.name,
        clock=args.clock,
        gpu_batches=tuple(batches),
        command=" ".join(["python -m xalbu.benchmark", *argv]),
        verbose=not args.quiet,
    )


def _reexec(argv: Sequence[str]) -> None:
    """Restart ``python -m xalbu.benchmark argv`` with the thread variables set (before NumPy loads)."""
    env = dict(os.environ)
    env.update(THREAD_ENV)
    env["XALBU_BENCHMARK_CHILD"] = "1"
    os.execve(sys.executable, [sys.executable, "-m", "xalbu.benchmark", *argv], env)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m xalbu.benchmark`` and ``python -m xalbu benchmark``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    threads_ok = all(os.environ.get(k) == v for k, v in THREAD_ENV.items())
    if not threads_ok and not args.no_reexec and os.environ.get("XALBU_BENCHMARK_CHILD") != "1":
        sys.stdout.flush()
        _reexec(argv)
    try:
        run(_options(args, argv))
    except BenchmarkError as exc:
        print(f"xalbu benchmark: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
