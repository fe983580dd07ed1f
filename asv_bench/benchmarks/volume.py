"""``xalbu.transforms.volume``: 3-D transforms of volumes (pad, crop, cuboid dropout, cube symmetries).

Every public transform of the module, found through its ``__all__``. The timed calls take a volume
and its 3-D mask, ``volume=(64, H/8, W/8, 3)``, ``mask3d=(64, H/8, W/8)``, made from the photos of the
given size (3-D transforms need volumes; ``pipeline.batch`` does not take them, so the "batch" case
times ``volumes=`` of 4 volumes in one call, which share one draw).
"""

from typing import Any

import numpy as np

from ._common import (
    BACKENDS,
    DECK,
    DTYPES,
    SIZES,
    build,
    build_direct,
    family,
    parse_size,
    photos,
    require_backend,
    reseed,
    reseed_direct,
    sync,
)
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct

DEPTH = 64


def _volume(size: str, dtype: str, backend: str = "numpy", seed: int = 0) -> dict[str, Any]:
    """A (64, H/8, W/8, 3) volume: slices of a photo of ``size``, shifted one pixel per slice."""
    img = photos(size, dtype, "numpy")[seed % 3]["image"][::8, ::8]
    vol = np.stack([np.roll(img, d, axis=1) for d in range(DEPTH)])
    mask = (vol[..., 0] > vol[..., 0].mean()).astype(np.uint8)
    if backend != "numpy":
        import cupy

        vol, mask = cupy.asarray(vol), cupy.asarray(mask)
    return {"volume": vol, "mask3d": mask}


def _build(transform: str, size: str, dtype: str, direct: bool = False) -> Any:
    h, w = parse_size(size)
    small = f"{max(1, h // 8)}x{max(1, w // 8)}"  # the volume's slices: arguments relative to them
    return (build_direct if direct else build)(transform, small, dtype)


class Volume(_Single):
    """``Compose([t])(volume=..., mask3d=...)``, one volume per call."""

    params = [family("volume"), BACKENDS, DTYPES, SIZES]

    def setup(self, transform: str, backend: str, dtype: str, size: str) -> None:
        require_backend(backend)
        self.backend = backend
        self.pipe = _build(transform, size, dtype)
        self.deck = [_volume(size, dtype, backend, s) for s in range(DECK)]
        self.pipe(**self.deck[0])
        sync(backend)


class VolumeBatch(_Batch):
    """``Compose([t])(volumes=(4, 64, H/8, W/8, 3))``: four volumes of one call, one draw."""

    params = [family("volume"), BACKENDS, DTYPES]

    def setup(self, transform: str, backend: str, dtype: str) -> None:
        require_backend(backend)
        self.backend = backend
        self.pipe = _build(transform, "256x256", dtype)
        vol = _volume("256x256", dtype, backend)["volume"]
        xp = np if backend == "numpy" else __import__("cupy")
        self.inputs = {"volumes": xp.stack([vol] * 4)}
        self.pipe(**self.inputs)
        sync(backend)

    def time_batch(self, transform: str, backend: str, dtype: str) -> None:
        reseed(self.pipe)
        self.pipe(**self.inputs)
        sync(self.backend)


class VolumeDirect(_Direct):
    """``t(volume=..., mask3d=...)``, the transform called alone; NumPy, uint8."""

    params = [family("volume"), SIZES]

    def setup(self, transform: str, size: str) -> None:
        require_backend("numpy")
        self.transform = _build(transform, size, "uint8", direct=True)
        self.deck = [_volume(size, "uint8", "numpy", s) for s in range(DECK)]
        self.transform(**self.deck[0])

    def time_direct(self, transform: str, size: str) -> None:
        reseed_direct(self.transform)
        for inputs in self.deck:
            self.transform(**inputs)
