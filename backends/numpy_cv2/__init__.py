"""OpenCV / NumPy overrides of the generic kernels (CPU), one module per family. Importing registers them."""

from . import affine, color, crops, dtype, flips, sizing, tone  # noqa: F401
