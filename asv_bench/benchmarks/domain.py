"""``xalbu.transforms.domain``: domain adaptation (FDA, histogram matching, pixel distribution adaptation) against reference images passed with each call.

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; give it arguments in ``xalbu.benchmark.transform_args`` if it needs some).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct


class Domain(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("domain"), BACKENDS, DTYPES, SIZES]


class DomainBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [family("domain"), BACKENDS, DTYPES]


class DomainDirect(_Direct):
    """``t(image=img)``, the transform called alone (no Compose), one image per call; NumPy, uint8."""

    params = [family("domain"), SIZES]
