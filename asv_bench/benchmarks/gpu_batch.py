"""``pipeline.batch`` on large batches: N=256 images of 256x256 and N=64 images of 1024x1024.

The realistic pipeline (RandomResizedCrop 224 -> HorizontalFlip -> RandomBrightnessContrast ->
Normalize) with per-sample random parameters, images and masks. Meant for CuPy (n/a without a CUDA
device); the numpy rows are the CPU reference for the same batch. ``XALBU_BENCH_QUICK=1`` replaces
the cases with one small batch.
"""

from ._common import ALL_BACKENDS, QUICK, _Timing, batch_of, cuda_available, require_backend, reseed, sync
from .pipeline import realistic_pipeline

# "N x H x W"
CASES = ["4x256x256"] if QUICK else ["256x256x256", "64x1024x1024"]


class GpuBatch(_Timing):
    params = [ALL_BACKENDS, CASES]
    param_names = ["backend", "batch"]
    repeat = (3, 10, 10.0)
    timeout = 300

    def setup(self, backend: str, batch: str) -> None:
        require_backend(backend)
        self.backend = backend
        n, h, w = (int(v) for v in batch.split("x"))
        self.data = batch_of(f"{h}x{w}", "uint8", n, backend)
        self.pipe = realistic_pipeline("uint8", boxes=False)
        self.pipe.batch(**self.data)
        sync(backend)

    def time_batch(self, backend: str, batch: str) -> None:
        reseed(self.pipe)
        self.pipe.batch(**self.data)
        sync(self.backend)

    def teardown(self, backend: str, batch: str) -> None:
        self.data = None  # free the batch before the next case allocates its own
        if backend == "cupy" and cuda_available():
            import cupy

            cupy.get_default_memory_pool().free_all_blocks()
