"""Constants, the options of a run and the user-facing error of ``python -m xalbu.benchmark``."""

from __future__ import annotations

from dataclasses import dataclass

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
ALBUMENTATIONS_PIN = "albumentations==2.0.8"
SECTIONS = ("transforms", "direct", "float32", "pipeline", "uint16", "gpu")
DEFAULT_SECTIONS = ("transforms", "direct", "float32", "pipeline", "uint16")
# the sections that time the other library too (the others are xalbu only)
SECTIONS_VS = ("transforms", "direct", "float32", "pipeline")
POINTWISE_FLOAT = ("RandomBrightnessContrast", "RandomGamma", "Normalize")
DTYPES = ("uint8", "float32", "uint16")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
N_BOXES = 10
CROP = 224


class BenchmarkError(RuntimeError):
    """A problem the user can fix (missing library, bad option); printed without a traceback."""


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


def log(opts: Options, text: str) -> None:
    """Print a progress line unless ``opts.verbose`` is off."""
    if opts.verbose:
        print(text, flush=True)
