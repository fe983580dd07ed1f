"""Transform classes, one module per family; each module lists its public classes in ``__all__``."""

from . import affine, crops, flips, other, pixel, sizing
from .affine import *  # noqa: F403
from .crops import *  # noqa: F403
from .flips import *  # noqa: F403
from .other import *  # noqa: F403
from .pixel import *  # noqa: F403
from .sizing import *  # noqa: F403

__all__ = [name for m in (affine, crops, flips, other, pixel, sizing) for name in m.__all__]
