"""CuPy override of the warp kernel: one batched CUDA launch for every affine-kind transform."""

from __future__ import annotations

from typing import Any

import cupy
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import affine as F
from xalbu.functional._common import NEAREST, warp_codes

from ._sampler import launch_sampler
from .kernels import WARP_TYPES, warp_kernel


@register(F.warp, "cupy")
def warp(img: Any, /, matrix: Any, out_hw: Any, interpolation: int, border_mode: int, fill: Any) -> Any:
    """Batched warp in one CUDA launch; same contract and rules as the generic ``warp``."""
    name = str(img.dtype)
    if name not in WARP_TYPES:
        return NotImplemented
    interp, border_mode = warp_codes(interpolation, border_mode)
    if name == "bool" and interp != NEAREST:
        return NotImplemented
    inv = F.index_inverse(matrix).astype(np.float32)
    inv_dev = cupy.asarray(np.ascontiguousarray(inv.reshape(-1, 9)))
    stride = np.int32(9 if inv.shape[0] > 1 else 0)
    return launch_sampler(warp_kernel(name), img, inv_dev, stride, out_hw, interp, border_mode, fill)
