"""``xalbu.transforms.target_crops``: crops drawn from the targets (every box, at least one box, a given box,
the mask's non-empty region).

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; give it arguments in ``xalbu.benchmark.transform_args`` if it needs some).
The batch rows keep the crops of one size (BBoxSafeRandomCrop and RandomCropNearBBox draw a size per
sample, which a batch cannot hold).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct

_PER_SAMPLE_SIZE = {"BBoxSafeRandomCrop", "RandomCropNearBBox"}


class TargetCrops(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("target_crops"), BACKENDS, DTYPES, SIZES]


class TargetCropsBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [[n for n in family("target_crops") if n not in _PER_SAMPLE_SIZE], BACKENDS, DTYPES]


class TargetCropsDirect(_Direct):
    """``t(image=img)``, the transform called alone (no Compose), one image per call; NumPy, uint8."""

    params = [family("target_crops"), SIZES]
