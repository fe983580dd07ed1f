"""Transform classes, one module per family; each module lists its public classes in ``__all__``."""

from . import affine, color, crops, dtype, flips, other, sizing, tone
from .affine import *  # noqa: F403
from .color import *  # noqa: F403
from .crops import *  # noqa: F403
from .dtype import *  # noqa: F403
from .flips import *  # noqa: F403
from .other import *  # noqa: F403
from .sizing import *  # noqa: F403
from .tone import *  # noqa: F403

__all__ = [name for m in (affine, color, crops, dtype, flips, other, sizing, tone) for name in m.__all__]
