"""CuPy overrides of the generic kernels (CUDA), one module per family; CUDA sources in ``kernels/``.
Imported lazily on the first CuPy array."""

from . import affine, dtype, tone  # noqa: F401
