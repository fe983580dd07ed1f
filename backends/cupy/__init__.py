"""CuPy overrides of the generic kernels (CUDA). Imported lazily on the first CuPy array."""

from . import geometric, pixel  # noqa: F401
