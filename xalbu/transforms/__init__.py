"""Transform classes, one module per family; each module lists its public classes in ``__all__``."""

from . import (
    affine,
    blur,
    color,
    crops,
    distortion,
    domain,
    dropout,
    dtype,
    flips,
    lighting,
    mixing,
    noise,
    other,
    policies,
    quality,
    sharpen,
    sizing,
    spectrogram,
    target_crops,
    text,
    tone,
    volume,
    weather,
)
from .affine import *  # noqa: F403
from .blur import *  # noqa: F403
from .color import *  # noqa: F403
from .crops import *  # noqa: F403
from .distortion import *  # noqa: F403
from .domain import *  # noqa: F403
from .dropout import *  # noqa: F403
from .dtype import *  # noqa: F403
from .flips import *  # noqa: F403
from .lighting import *  # noqa: F403
from .mixing import *  # noqa: F403
from .noise import *  # noqa: F403
from .other import *  # noqa: F403
from .policies import *  # noqa: F403
from .quality import *  # noqa: F403
from .sharpen import *  # noqa: F403
from .sizing import *  # noqa: F403
from .spectrogram import *  # noqa: F403
from .target_crops import *  # noqa: F403
from .text import *  # noqa: F403
from .tone import *  # noqa: F403
from .volume import *  # noqa: F403
from .weather import *  # noqa: F403

__all__ = [
    name
    for m in (
        affine,
        blur,
        color,
        crops,
        distortion,
        domain,
        dropout,
        dtype,
        flips,
        lighting,
        mixing,
        noise,
        other,
        policies,
        quality,
        sharpen,
        sizing,
        spectrogram,
        target_crops,
        text,
        tone,
        volume,
        weather,
    )
    for name in m.__all__
]
