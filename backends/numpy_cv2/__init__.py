"""OpenCV / NumPy overrides of the generic kernels (CPU). Importing registers them."""

from . import geometric, pixel  # noqa: F401
