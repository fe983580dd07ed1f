"""Transform classes, one module per family; each module lists its public classes in ``__all__``."""

from . import (
    affine,
    blur,
    color,
    crops,
    distortion,
    dropout,
    dtype,
    flips,
    noise,
    other,
    quality,
    sharpen,
    sizing,
    target_crops,
    tone,
)
from .affine import *  # noqa: F403
from .blur import *  # noqa: F403
from .color import *  # noqa: F403
from .crops import *  # noqa: F403
from .distortion import *  # noqa: F403
from .dropout import *  # noqa: F403
from .dtype import *  # noqa: F403
from .flips import *  # noqa: F403
from .noise import *  # noqa: F403
from .other import *  # noqa: F403
from .quality import *  # noqa: F403
from .sharpen import *  # noqa: F403
from .sizing import *  # noqa: F403
from .target_crops import *  # noqa: F403
from .tone import *  # noqa: F403

__all__ = [
    name
    for m in (
        affine,
        blur,
        color,
        crops,
        distortion,
        dropout,
        dtype,
        flips,
        noise,
        other,
        quality,
        sharpen,
        sizing,
        target_crops,
        tone,
    )
    for name in m.__all__
]
