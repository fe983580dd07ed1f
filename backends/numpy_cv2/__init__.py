"""OpenCV / NumPy overrides of the generic kernels (CPU), one module per family. Importing registers them."""

# _filter: the shared linear filters (blur, sharpen); _random: the counter-based random bits (noise...)
from . import (  # noqa: F401
    _filter,
    _plasma,
    _random,
    _stain,
    _superpixels,
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
    noise,
    policies,
    quality,
    sharpen,
    sizing,
    tone,
    volume,
    weather,
)
