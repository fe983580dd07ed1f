"""``xalbu.transforms.spectrogram``: spectrogram transforms: time and frequency masks (one stripe) and time reversal.

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; give it arguments in ``xalbu.benchmark.transform_args`` if it needs some).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct


class Spectrogram(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("spectrogram"), BACKENDS, DTYPES, SIZES]


class SpectrogramBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [family("spectrogram"), BACKENDS, DTYPES]


class SpectrogramDirect(_Direct):
    """``t(image=img)``, the transform called alone (no Compose), one image per call; NumPy, uint8."""

    params = [family("spectrogram"), SIZES]
