"""CUDA sources and cached kernel factories for the CuPy backend (the one place they live).

``warp<T>`` (source: ``warp.cu`` in this package, read when first compiled): one thread per output
pixel (all channels), any batch size, per-sample 3x3 inverse matrices (stride 9) or one shared
matrix (stride 0), nearest / linear / cubic (a = -0.75), border modes constant (per-sample or shared
fill), replicate, reflect, wrap, reflect_101 — the same rules as the generic kernel in
``xalbu.functional.affine.warp``.

``lut``: a per-sample, per-channel lookup table applied in one pass (uint8 point-wise maps).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import cupy

WARP_TYPES = {
    "uint8": "unsigned char",
    "uint16": "unsigned short",
    "float32": "float",
    "int8": "signed char",
    "int16": "short",
    "int32": "int",
    "int64": "long long",
    "uint32": "unsigned int",
    "bool": "bool",
}


@functools.cache
def source(name: str) -> str:
    """The CUDA source file ``name`` of this package (``"warp.cu"``), as text, with each line
    ``#include "x.cuh"`` replaced by that header of this package (``common.cuh``: device helpers
    several sources share), so that NVRTC and the CPU harness both get one self-contained source."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: source(m.group(1)), text)


_INCLUDE = re.compile(r'^#include "([\w.]+\.cuh)"[ \t]*$', re.M)


# no fused multiply-add contraction: the generic kernel (and the tests' exact nearest sampling) rounds
# every product and sum on its own
WARP_OPTIONS = ("--std=c++14", "--fmad=false")
WARP_NAMES = tuple(f"warp<{t}>" for t in WARP_TYPES.values())

# lut: ElementwiseKernel(LUT_IN, LUT_OUT, LUT_BODY, "xalbu_lut")
LUT_IN = "T src, raw U lut, int64 plane, int32 C, int64 stride"
LUT_OUT = "U dst"
LUT_BODY = "long long n = i / plane; int c = (int)(i % C); dst = lut[n * stride + (long long)src * C + c];"


@functools.cache
def warp_module() -> cupy.RawModule:
    return cupy.RawModule(code=source("warp.cu"), options=WARP_OPTIONS, name_expressions=list(WARP_NAMES))


@functools.cache
def warp_kernel(dtype_name: str) -> cupy.RawKernel:
    """The compiled ``warp`` for one dtype (compiled once per process, cached on disk by CuPy)."""
    return warp_module().get_function(f"warp<{WARP_TYPES[dtype_name]}>")


@functools.cache
def lut_kernel() -> cupy.ElementwiseKernel:
    """``dst[i] = lut[n * stride + src[i] * C + c]`` with n the sample and c the channel of ``i``."""
    return cupy.ElementwiseKernel(LUT_IN, LUT_OUT, LUT_BODY, "xalbu_lut")
