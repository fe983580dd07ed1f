"""``xalbu.transforms.lighting``: sun and lens flares, shadows (RandomSunFlare, LensFlare, RandomShadow, PlasmaShadow).

Every public transform of the module, found through its ``__all__`` (a new transform is benchmarked
without editing this file; give it arguments in ``xalbu.benchmark.transform_args`` if it needs some).
"""

from ._common import BACKENDS, DTYPES, SIZES, family
from ._common import _TransformFamily as _Single
from ._common import _TransformFamilyBatch as _Batch
from ._common import _TransformFamilyDirect as _Direct


class Lighting(_Single):
    """``Compose([t])(image=img)``, one image per call."""

    params = [family("lighting"), BACKENDS, DTYPES, SIZES]


class LightingBatch(_Batch):
    """``Compose([t]).batch(images=...)``, a batch of 256x256 images per call."""

    params = [family("lighting"), BACKENDS, DTYPES]


class LightingDirect(_Direct):
    """``t(image=img)``, the transform called alone (no Compose), one image per call; NumPy, uint8."""

    params = [family("lighting"), SIZES]
