"""CuPy overrides of the generic kernels (CUDA), one module per family; CUDA sources in ``kernels/``.
Imported lazily on the first CuPy array."""

# _filter: the shared linear filters (blur, sharpen); _random: the counter-based random bits (noise...)
from . import (  # noqa: F401
    _filter,
    _random,
    _stain,
    _superpixels,
    affine,
    blur,
    color,
    distortion,
    dropout,
    dtype,
    noise,
    quality,
    sharpen,
    tone,
)
