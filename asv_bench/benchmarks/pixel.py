"""``xalbu.transforms.pixel``: pixel-level transforms (Normalize, RandomBrightnessContrast, RandomGamma, ToGray, ...).

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; give it arguments in ``xalbu.benchmark.transform_args`` if it needs some).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch


class Pixel(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("pixel"), BACKENDS, DTYPES, SIZES]


class PixelBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [family("pixel"), BACKENDS, DTYPES]
