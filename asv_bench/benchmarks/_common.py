"""Shared parameters, data and base classes of the asv suite (public xalbu API only).

The grid: backend (numpy, cupy) x dtype (uint8, float32, uint16) x image size (256x256, 1024x1024
and the non-square 480x640); the direct calls (a transform called alone, no Compose) run on NumPy,
uint8, over the sizes. ``XALBU_BENCH_QUICK=1`` shrinks it to numpy, uint8, 256x256 and small
batches (what CI runs, with ``asv run --quick``, so the suite cannot rot without CI failing; the
GPU batch benchmark keeps its cupy rows there, so the "n/a without a GPU" path runs too).

CuPy rows raise ``NotImplementedError`` in ``setup`` without a usable CUDA device, which asv
records as skipped ("n/a"), never as a failure. Every timed call on CuPy synchronises the device
before it returns, so asv's timer covers the GPU work.

Clock: CPU rows are timed in process CPU time (``time.process_time``), CuPy rows in wall time. The
CPU rows are single-threaded, so on an idle machine both clocks agree; on a shared machine CPU time
leaves out the time the process waits for a core, which made wall-clock comparisons of one
revision against itself differ by up to 10x here (see asv_bench/README.md). The device's work is
not process time, so CuPy rows need the wall clock.

This file must run against older revisions of xalbu too (``compare.py`` benchmarks two commits with
the same suite): a transform the installed xalbu lacks is skipped, not failed.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

import xalbu
from xalbu.benchmark import (
    parse_size,
    transform_args,  # one argument table for both tools
)
from xalbu.benchmark import photos as bench_photos

# compare.py installs each revision in its own folder: make sure that is the xalbu measured here
_EXPECTED = os.environ.get("XALBU_BENCH_EXPECT")
if _EXPECTED and not os.path.realpath(xalbu.__file__).startswith(os.path.realpath(_EXPECTED) + os.sep):
    raise ImportError(f"xalbu was imported from {xalbu.__file__}, not from {_EXPECTED} (XALBU_BENCH_EXPECT)")

QUICK = os.environ.get("XALBU_BENCH_QUICK", "") not in ("", "0")

ALL_BACKENDS = ["numpy", "cupy"]
BACKENDS = ["numpy"] if QUICK else ALL_BACKENDS
DTYPES = ["uint8"] if QUICK else ["uint8", "float32", "uint16"]
SIZES = ["256x256"] if QUICK else ["256x256", "1024x1024", "480x640"]
BATCH_N = 4 if QUICK else 16  # images per pipeline.batch call in the per-transform batch benchmarks
BATCH_SIZE = "256x256"
DECK = 2  # a timed per-image call goes over the photos this many times (3 photos: 6 images)

cv2.setNumThreads(0)  # single-threaded OpenCV: stable timings, comparable across machines


def _batch_timed_calls() -> None:
    """Let asv batch many calls per sample, as asv did before asv_runner 0.3.

    asv_runner >= 0.3 re-runs ``setup`` before every single timed call of a benchmark that has one
    (asv#966: for benchmarks whose calls change their state). Our calls leave their inputs alone,
    and a 20 us call timed alone is mostly timer noise (same-revision comparisons differed by 1.5x
    with it), so the suite opts out; ``setup`` still runs before every sample. A no-op on asv
    versions without the switch.
    """
    try:
        from asv_runner.benchmarks.time import TimeBenchmark
    except ImportError:  # imported outside asv (tests)
        return
    if hasattr(TimeBenchmark, "_setup_isolates_timed_calls"):
        TimeBenchmark._setup_isolates_timed_calls = False


_batch_timed_calls()
_wall_clock = False


def _clock() -> float:
    return time.perf_counter() if _wall_clock else time.process_time()


def use_clock_for(backend: str) -> None:
    """Wall clock for the GPU, process CPU time otherwise (asv runs each case in its own process)."""
    global _wall_clock
    _wall_clock = backend != "numpy"


class _Timing:
    """asv timing attributes shared by the suite: short samples, a few repeats, one process."""

    timer = staticmethod(_clock)
    sample_time = 0.02
    warmup_time = 0.05
    repeat = (3, 10, 4.0)  # (min repeats, max repeats, max seconds per benchmark case)
    processes = 1
    timeout = 120


# ----------------------------------------------------------------------------- backends and data
@lru_cache(maxsize=1)
def cuda_available() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device
        return False


def require_backend(backend: str) -> None:
    """Skip (``NotImplementedError``: asv shows n/a) when the backend cannot run here; pick the clock."""
    if backend == "cupy" and not cuda_available():
        raise NotImplementedError("cupy: no CUDA device")
    use_clock_for(backend)


def to_device(array: np.ndarray, backend: str) -> Any:
    if backend == "cupy":
        import cupy

        return cupy.asarray(array)
    return array


def sync(backend: str) -> None:
    """Wait for the device, so that the timer stops after the GPU work (no-op on the CPU)."""
    if backend == "cupy":
        import cupy

        cupy.cuda.Device().synchronize()


@lru_cache(maxsize=16)
def _photos(size: str, dtype: str) -> tuple[dict[str, Any], ...]:
    """The bundled photos resized to ``size`` as ``dtype``, with masks and 10 pascal_voc boxes each
    (the side-by-side tool's set: :func:`xalbu.benchmark.photos`)."""
    return tuple(bench_photos(parse_size(size), dtype))


def photos(size: str, dtype: str, backend: str = "numpy") -> list[dict[str, Any]]:
    """Fresh per-call dicts (image and mask on the backend's device) of the cached photos."""
    return [
        {**p, "image": to_device(p["image"], backend), "mask": to_device(p["mask"], backend)}
        for p in _photos(size, dtype)
    ]


def batch_of(size: str, dtype: str, n: int, backend: str) -> dict[str, Any]:
    """``n`` photos stacked into (n, H, W, 3) images and (n, H, W) masks on the backend."""
    src = _photos(size, dtype)
    pick = [src[i % len(src)] for i in range(n)]
    return {
        "images": to_device(np.stack([p["image"] for p in pick]), backend),
        "masks": to_device(np.stack([p["mask"] for p in pick]), backend),
    }


# ----------------------------------------------------------------------------- transforms
NO_TRANSFORMS = "(none)"  # the parameter of a family the installed xalbu does not have (yet)


def family(module_name: str) -> list[str]:
    """The public transforms of ``xalbu.transforms.<module_name>``.

    A family the installed xalbu does not have (a module added or split later, or removed) gives
    ``[NO_TRANSFORMS]``: asv refuses an empty parameter list ("Invalid benchmark parameter
    permutation index"), and the placeholder's ``setup`` skips (n/a), like any transform the
    installed revision lacks.
    """
    import importlib

    try:
        module = importlib.import_module(f"xalbu.transforms.{module_name}")
    except ImportError:
        return [NO_TRANSFORMS]
    return sorted(getattr(module, "__all__", [])) or [NO_TRANSFORMS]


def transform_class(name: str) -> type:
    """The transform class ``name``; ``NotImplementedError`` (asv: n/a) when this xalbu cannot run it."""
    if name == NO_TRANSFORMS:
        raise NotImplementedError("no transforms in this family in the installed xalbu")
    cls = getattr(xalbu, name, None)
    if cls is None:
        raise NotImplementedError(f"{name}: not in this revision of xalbu")
    if getattr(cls, "kind", None) == "format":  # ToTensorV2 makes torch tensors
        try:
            import torch  # noqa: F401
        except ImportError:
            raise NotImplementedError(f"{name}: needs torch") from None
    return cls


def build(name: str, size: str, dtype: str) -> Any:
    """``Compose([name(...)])``; skipped when the installed xalbu has no such transform."""
    cls = transform_class(name)
    return xalbu.Compose([cls(**transform_args(name, *parse_size(size), dtype))], seed=0)


def build_direct(name: str, size: str, dtype: str) -> Any:
    """``name(...)`` alone, called as ``t(image=img)`` (no Compose); skipped like :func:`build`."""
    cls = transform_class(name)
    return cls(**transform_args(name, *parse_size(size), dtype))


def call_inputs(name: str, photo: dict[str, Any]) -> dict[str, Any]:
    """A timed call's keyword values: ``image`` plus the metadata ``name`` needs (reference images,
    mix partners: ``xalbu.benchmark.metadata_for``; nothing on revisions without it)."""
    try:
        from xalbu.benchmark import metadata_for
    except ImportError:
        return {"image": photo["image"]}
    return {"image": photo["image"], **metadata_for(name, photo)}


def reseed(pipe: Any) -> None:
    """Restart the pipeline's random stream, so every timed call draws the same parameters.

    The cost of a random transform depends on its draws (D4's element, a crop's size); asv picks
    the number of calls per sample per run, so without this two runs of the same code average over
    different draws (2.2x apart for D4 on 1024x1024 uint16).
    """
    pipe.set_random_seed(0)


def reseed_direct(transform: Any) -> None:
    """:func:`reseed` for a transform called alone (its own stream of direct calls).

    Revisions without ``BasicTransform.set_random_seed`` ran direct calls through a cached
    one-transform ``Compose`` (``_solo``, made by the first call), whose stream is restarted instead.
    """
    if hasattr(transform, "set_random_seed"):
        transform.set_random_seed(0)
    else:
        solo = transform.__dict__.get("_solo")
        if solo is not None:
            solo.set_random_seed(0)


class _TransformFamily(_Timing):
    """One transform, ``Compose([t])(image=img)``: a timed call augments the deck of photos (6 images).

    Subclasses set ``params = [family("<module>"), BACKENDS, DTYPES, SIZES]``.
    """

    param_names = ["transform", "backend", "dtype", "size"]

    def setup(self, transform: str, backend: str, dtype: str, size: str) -> None:
        require_backend(backend)
        self.backend = backend
        self.pipe = build(transform, size, dtype)
        self.deck = [call_inputs(transform, p) for p in photos(size, dtype, backend)] * DECK
        self.pipe(**self.deck[0])  # first call: caches, kernel compilation on the GPU
        sync(backend)

    def time_call(self, transform: str, backend: str, dtype: str, size: str) -> None:
        reseed(self.pipe)
        for inputs in self.deck:
            self.pipe(**inputs)
        sync(self.backend)


class _TransformFamilyBatch(_Timing):
    """One transform on a batch, ``Compose([t]).batch(images=(N, 256, 256, 3))``, per-sample draws."""

    param_names = ["transform", "backend", "dtype"]

    def setup(self, transform: str, backend: str, dtype: str) -> None:
        require_backend(backend)
        self.backend = backend
        self.pipe = build(transform, BATCH_SIZE, dtype)
        self.images = batch_of(BATCH_SIZE, dtype, BATCH_N, backend)["images"]
        extra = call_inputs(transform, photos(BATCH_SIZE, dtype, backend)[0])
        self.inputs = {**extra, "images": self.images}
        del self.inputs["image"]
        self.pipe.batch(**self.inputs)
        sync(backend)

    def time_batch(self, transform: str, backend: str, dtype: str) -> None:
        reseed(self.pipe)
        self.pipe.batch(**self.inputs)
        sync(self.backend)


class _TransformFamilyDirect(_Timing):
    """One transform called alone, ``t(image=img)`` (how albumentations' own benchmark times
    transforms), on the deck of photos (6 images per timed call); NumPy, uint8.

    Subclasses set ``params = [family("<module>"), SIZES]``.
    """

    param_names = ["transform", "size"]

    def setup(self, transform: str, size: str) -> None:
        require_backend("numpy")
        self.transform = build_direct(transform, size, "uint8")
        self.deck = [call_inputs(transform, p) for p in photos(size, "uint8")] * DECK
        self.transform(**self.deck[0])  # first call: caches

    def time_direct(self, transform: str, size: str) -> None:
        reseed_direct(self.transform)
        for inputs in self.deck:
            self.transform(**inputs)
