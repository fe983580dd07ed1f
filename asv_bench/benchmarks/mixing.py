"""``xalbu.transforms.mixing``: mixing transforms: MixUp and CutMix (partners from the batch), Mosaic and OverlayElements (metadata partners).

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; the mix partners come from each class's ``benchmark_metadata``).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct


class Mixing(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("mixing"), BACKENDS, DTYPES, SIZES]


class MixingBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [family("mixing"), BACKENDS, DTYPES]


class MixingDirect(_Direct):
    """``t(image=img)``, the transform called alone (no Compose), one image per call; NumPy, uint8."""

    params = [family("mixing"), SIZES]
