"""Every CUDA source of ``backends/cupy`` compiles with NVRTC for the supported architectures.

NVIDIA's NVRTC wheel (``nvidia-cuda-nvrtc-cu12``, the compiler CuPy itself runs) needs no GPU: the
sources are compiled to PTX for sm_70 to sm_90 with the options the backend passes, every dtype
instantiation of ``warp`` included, and the lookup-table ``ElementwiseKernel``'s body inside a
kernel of the shape CuPy generates for it. CI installs the wheel (``.ci/run``); without it these
tests skip.
"""

from __future__ import annotations

import ctypes
import os
import re

import pytest

nvrtc_wheel = pytest.importorskip("nvidia.cuda_nvrtc", reason="NVRTC wheel not installed (CI installs it)")

import cuda_harness  # noqa: E402  (the stand-in cupy: backends/cupy imports cupy at module level)

ARCHITECTURES = ("compute_70", "compute_75", "compute_80", "compute_86", "compute_89", "compute_90")
DEPRECATED = re.compile(r"^nvrtc: warning ?: Architectures prior to .* are deprecated.*$", re.M)


def _library() -> ctypes.CDLL:
    folder = os.path.join(list(nvrtc_wheel.__path__)[0], "lib")
    names = sorted(n for n in os.listdir(folder) if n.startswith("libnvrtc.so"))
    return ctypes.CDLL(os.path.join(folder, names[0]))


NVRTC = _library()


def compile_cuda(source: str, names: list[str], options: tuple[str, ...]) -> tuple[int, str, dict[str, str]]:
    """``(status, log, {name expression: lowered name})`` of compiling ``source`` with NVRTC."""
    prog = ctypes.c_void_p()
    assert NVRTC.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), b"source.cu", 0, None, None) == 0
    try:
        for name in names:
            assert NVRTC.nvrtcAddNameExpression(prog, name.encode()) == 0
        opts = (ctypes.c_char_p * len(options))(*[o.encode() for o in options])
        status = NVRTC.nvrtcCompileProgram(prog, len(options), opts)
        size = ctypes.c_size_t()
        NVRTC.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        NVRTC.nvrtcGetProgramLog(prog, log)
        lowered = {}
        if status == 0:
            for name in names:
                out = ctypes.c_char_p()
                assert NVRTC.nvrtcGetLoweredName(prog, name.encode(), ctypes.byref(out)) == 0
                lowered[name] = out.value.decode()
        return status, log.value.decode(errors="replace"), lowered
    finally:
        NVRTC.nvrtcDestroyProgram(ctypes.byref(prog))


@pytest.fixture(scope="module")
def kernels():
    with cuda_harness.installed():
        from xalbu.backends.cupy import kernels as module

        yield module


def _clean(log: str) -> str:
    """The log without the notice that sm_70 is deprecated (it still compiles)."""
    return DEPRECATED.sub("", log).strip()


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_warp_compiles_for_every_dtype(kernels, arch):
    names = list(kernels.WARP_NAMES)
    status, log, lowered = compile_cuda(
        kernels.source("warp.cu"), names, (*kernels.WARP_OPTIONS, f"--gpu-architecture={arch}")
    )
    assert status == 0, log
    assert not _clean(log), log  # no warnings
    assert set(lowered) == set(names) and all(v.startswith("_Z4warp") for v in lowered.values())


def _elementwise_source(in_params: str, out_params: str, body: str, types: dict[str, str]) -> str:
    """A CUDA kernel with the shape CuPy generates for an ``ElementwiseKernel``: non-raw parameters
    are the elements at ``i`` (outputs by reference), raw ones whole arrays, scalars by value."""
    args, prelude = [], []
    for spec, is_out in [(p, False) for p in in_params.split(",")] + [
        (p, True) for p in out_params.split(",")
    ]:
        words = spec.split()
        raw = words[0] == "raw"
        ctype, name = (words[1:] if raw else words)[0], (words[1:] if raw else words)[1]
        ctype = types.get(ctype, {"int64": "long long", "int32": "int"}.get(ctype, ctype))
        if raw:
            args.append(f"const {ctype}* {name}")
        elif name in ("plane", "C", "stride"):
            args.append(f"{ctype} {name}")
        else:
            args.append(f"{ctype}* _{name}")
            prelude.append(
                f"{ctype}& {name} = _{name}[i];" if is_out else f"const {ctype} {name} = _{name}[i];"
            )
    return (
        f'extern "C" __global__ void xalbu_lut({", ".join(args)}, long long _n) {{\n'
        "  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < _n;"
        " i += (long long)blockDim.x * gridDim.x) {\n"
        f"    {' '.join(prelude)}\n    {body}\n  }}\n}}\n"
    )


@pytest.mark.parametrize("arch", ARCHITECTURES)
@pytest.mark.parametrize("out_type", ["unsigned char", "float"])  # uint8 maps, and normalize into float32
def test_lut_body_compiles(kernels, arch, out_type):
    source = _elementwise_source(
        kernels.LUT_IN, kernels.LUT_OUT, kernels.LUT_BODY, {"T": "unsigned char", "U": out_type}
    )
    status, log, _ = compile_cuda(source, [], ("--std=c++14", f"--gpu-architecture={arch}"))
    assert status == 0, f"{log}\n{source}"
    assert not _clean(log), log


def test_a_broken_source_is_reported(kernels):
    broken = kernels.source("warp.cu").replace("rintf(v)", "rintf(v, v)")
    status, log, _ = compile_cuda(broken, list(kernels.WARP_NAMES[:1]), kernels.WARP_OPTIONS)
    assert status != 0 and "rintf" in log
