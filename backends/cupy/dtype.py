"""CuPy overrides of the dtype kernels: uint8 normalize becomes one per-sample lookup-table pass
into float32 (see :mod:`._lut`)."""

from __future__ import annotations

from xalbu.functional import dtype as F

from ._lut import _lut_override

_lut_override(F.normalize)
