"""Side-by-side speed comparison: ``python -m xalbu.benchmark --vs albumentations``.

Times every transform that xalbu and the other library both have, single-threaded, on the bundled
sample photos (:func:`xalbu.demo.load_samples`) resized to each requested size, and writes a table
of images/second per library and their ratio, in Markdown and JSON.

Method (the same for every row):

* Threads: OpenCV ``setNumThreads(0)``; ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS`` (and friends) ``= 1``. These must be set before NumPy is imported, so the
  command re-executes itself with them set when they are not (``--no-reexec`` turns that off).
* Each library runs what users run: ``Compose([transform])(image=img)`` (the ``direct`` section:
  the transform called alone, ``transform(image=img)``), with ``p=1`` and the same arguments in
  both (one table, :func:`transform_args`; where the defaults differ both are set).
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

Sections: ``transforms`` (every common transform, ``--dtype``, default uint8 RGB), ``direct`` (the
same transforms called alone, ``A.X(**args)(image=img)`` against ``albumentations.X(**args)(image=img)``:
how albumentations' own benchmark times them), ``float32``
(RandomBrightnessContrast, RandomGamma, Normalize on float32 images), ``pipeline`` (the detection
pipeline RandomResizedCrop 224 -> HorizontalFlip -> RandomBrightnessContrast -> Normalize with image,
mask and 10 boxes with labels), ``uint16`` (xalbu only: uint16 against uint8 images) and, with
``--gpu``, ``gpu`` (``pipeline.batch`` on CuPy against kornia.augmentation and
torchvision.transforms.v2 on the same CUDA batch; skipped with a message when any of them or a CUDA
device is missing).

``--vs xalbu`` compares xalbu with itself: a check of the method (every ratio should be near 1; the
spread is the measurement noise of the machine).

Modules: ``options`` (constants, :class:`Options`), ``data`` (the argument table, the photos, the
libraries), ``_timing`` (the interleaved rounds), ``sections`` (the CPU sections), ``gpu``,
``report`` (metadata, summary, Markdown) and ``cli`` (:func:`run`, :func:`main`).
"""

from __future__ import annotations

from ._timing import CLOCKS, Timing, geometric_mean, interleaved, paired_ratio, set_clock
from .cli import build_parser, main, run
from .data import (
    common_transforms,
    convert,
    import_library,
    input_dtype,
    inputs_for,
    max_value,
    metadata_for,
    parse_size,
    photos,
    size_label,
    transform_args,
    transform_inputs,
    version_of,
)
from .gpu import cuda_device_name, gpu_section
from .options import (
    ALBUMENTATIONS_PIN,
    CROP,
    DEFAULT_SECTIONS,
    DTYPES,
    MEAN,
    N_BOXES,
    POINTWISE_FLOAT,
    SECTIONS,
    STD,
    THREAD_ENV,
    BenchmarkError,
    Options,
)
from .report import machine_info, summarise, to_markdown, versions
from .sections import build_compose, build_direct, compare_transforms, detection_pipeline

__all__ = [
    "ALBUMENTATIONS_PIN",
    "CLOCKS",
    "CROP",
    "DEFAULT_SECTIONS",
    "DTYPES",
    "MEAN",
    "N_BOXES",
    "POINTWISE_FLOAT",
    "SECTIONS",
    "STD",
    "THREAD_ENV",
    "BenchmarkError",
    "Options",
    "Timing",
    "build_compose",
    "build_direct",
    "build_parser",
    "common_transforms",
    "compare_transforms",
    "convert",
    "cuda_device_name",
    "detection_pipeline",
    "geometric_mean",
    "gpu_section",
    "import_library",
    "input_dtype",
    "inputs_for",
    "metadata_for",
    "interleaved",
    "machine_info",
    "main",
    "max_value",
    "paired_ratio",
    "parse_size",
    "photos",
    "run",
    "set_clock",
    "size_label",
    "summarise",
    "to_markdown",
    "transform_args",
    "transform_inputs",
    "version_of",
    "versions",
]
