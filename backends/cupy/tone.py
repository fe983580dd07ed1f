"""CuPy overrides of the tone kernels: uint8 maps become one per-sample lookup-table pass (see
:mod:`._lut`); brightness_contrast only when scaled by the dtype's max (a mean-scaled shift depends
on the image)."""

from __future__ import annotations

from xalbu.functional import tone as F

from ._lut import _lut_override

for _kernel in (F.gamma, F.invert, F.solarize, F.posterize, F.multiply_add):
    _lut_override(_kernel)
_lut_override(F.brightness_contrast, accepts=lambda alpha, beta, beta_by_max: bool(beta_by_max))
