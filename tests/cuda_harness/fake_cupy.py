"""A stand-in ``cupy`` for the CPU harness: host memory plays device memory.

It provides what ``backends/cupy`` and xalbu's CuPy branches call (``RawModule``/``RawKernel``,
``ElementwiseKernel``, ``cuda.runtime``, ``cuda.Device``, ``cuda.ExternalStream``,
``cuda.get_current_stream``) and CuPy's NumPy-like namespace over :mod:`.device_array`'s arrays,
enough for array-api-compat's CuPy namespace, so that xalbu's generic kernels and whole pipelines
run on these arrays. Install it as ``cupy`` with :func:`cuda_harness.installed`. ``ndarray``
refuses implicit conversion to NumPy and host operands (as CuPy does); ``empty`` fills with a
poison byte so that unwritten outputs show. ``STATS`` counts launches, host-to-device copies and
device-to-host synchronisations (``SYNC_SITES`` says where each sync was asked for).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from typing import Any

import numpy as np

from . import device_array as _da
from .compiler import HarnessError, build, launch, module_unit, parse_kernels, resolve
from .device_array import (  # noqa: F401 - CuPy's names, re-exported (see _OURS)
    POISON,
    STATS,
    SYNC_SITES,
    array,
    asarray,
    ascontiguousarray,
    asnumpy,
    empty,
    empty_like,
    from_dlpack,
    ndarray,
    reset_stats,
)
from .elementwise import ElementwiseKernel  # noqa: F401

linalg = _da.submodule("linalg", np.linalg)
fft = _da.submodule("fft", np.fft)
SUBMODULES = {"cupy.linalg": linalg, "cupy.fft": fft}

_OURS = [
    "ElementwiseKernel",
    "HarnessError",
    "POISON",
    "RawKernel",
    "RawModule",
    "STATS",
    "SYNC_SITES",
    "array",
    "asarray",
    "ascontiguousarray",
    "asnumpy",
    "cuda",
    "empty",
    "empty_like",
    "fft",
    "from_dlpack",
    "get_array_module",
    "is_available",
    "linalg",
    "ndarray",
    "reset_stats",
]
__all__ = sorted(set(_OURS) | set(_da.numpy_names(np)))  # ``from cupy import *`` (array-api-compat)


def __getattr__(name: str) -> Any:
    """NumPy's namespace on device arrays: types and constants as they are, functions wrapped."""
    value = _da.lookup(np, name, "cupy")
    globals()[name] = value
    return value


def get_array_module(*args: Any) -> Any:
    return sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else np


# ----------------------------------------------------------------------------- kernels
class RawKernel:
    """A compiled kernel: ``kernel(grid, block, args, shared_mem=0, stream=None)``."""

    def __init__(self, code: str | None = None, name: str | None = None, options: tuple = (), **kw: Any):
        if code is not None:  # a standalone RawKernel(code, name): an extern "C" __global__ function
            module = RawModule(code=code, options=options, name_expressions=[name])
            self._lib, self._index, self._params = module._lib, 0, module._params[0]
            self.name = name
        self.attributes: dict[str, Any] = {}

    @classmethod
    def _bound(cls, lib: Any, index: int, params: Any, name: str) -> RawKernel:
        k = cls()
        k._lib, k._index, k._params, k.name = lib, index, params, name
        return k

    def __call__(self, grid: Any, block: Any, args: Any, *, shared_mem: int = 0, stream: Any = None) -> None:
        if shared_mem:
            raise HarnessError(f"{self.name}: dynamic shared memory is not modelled by the harness")
        STATS["launches"] += 1
        launch(self._lib, self._index, self._params, grid, block, args, self.name)


class RawModule:
    """``RawModule(code=..., options=..., name_expressions=[...])`` compiled for the CPU."""

    def __init__(
        self,
        code: str | None = None,
        *,
        options: tuple = (),
        name_expressions: Any = None,
        path: str | None = None,
        **kw: Any,
    ):
        if code is None or path is not None or kw.get("backend", "nvrtc") != "nvrtc":
            raise HarnessError("the harness compiles CUDA source given as code= (nvrtc backend) only")
        for opt in options:
            # --fmad=false is what the harness does anyway (-ffp-contract=off); fast math is not modelled
            if opt not in ("--std=c++14", "--std=c++11", "-std=c++14", "--fmad=false", "-fmad=false"):
                raise HarnessError(f"compile option {opt!r} is not modelled by the harness")
        kernels = parse_kernels(code)
        self._names = [" ".join(e.split()) for e in (name_expressions or [])]
        self._names += [k for k, v in kernels.items() if not v.template and k not in self._names]
        self._params = [resolve(kernels, e) for e in self._names]
        self._lib = build(module_unit(code, self._names), tag="module")

    def get_function(self, name: str) -> RawKernel:
        key = " ".join(name.split())
        if key not in self._names:
            raise HarnessError(f"{name!r} is not a name expression of this module: {self._names}")
        i = self._names.index(key)
        return RawKernel._bound(self._lib, i, self._params[i], key)


# ----------------------------------------------------------------------------- cuda namespace
class _Runtime:
    @staticmethod
    def getDeviceCount() -> int:  # noqa: N802 - CuPy's name
        return 1

    @staticmethod
    def getDeviceProperties(device: int) -> dict[str, Any]:  # noqa: N802
        return {"name": b"xalbu CPU harness", "totalGlobalMem": 0, "major": 0, "minor": 0}


class _Device:
    """Device ids are modelled only as CuPy's "current device" bookkeeping (all memory is the host's):
    ``with Device(i)`` makes ``i`` current, and an external stream of another device refuses to be
    entered, as CuPy does."""

    current = 0

    def __init__(self, device: int | None = None):
        self.id = _Device.current if device is None else int(device)
        self._previous: list[int] = []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Device) and other.id == self.id

    def __int__(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"

    __hash__ = object.__hash__

    def synchronize(self) -> None:
        pass

    def use(self) -> None:
        _Device.current = self.id

    def __enter__(self) -> _Device:
        self._previous.append(_Device.current)
        _Device.current = self.id
        return self

    def __exit__(self, *exc: Any) -> None:
        _Device.current = self._previous.pop()


class _Stream(contextlib.AbstractContextManager):
    """Streams are not modelled: every launch runs to completion, in call order."""

    def __init__(self, ptr: int = 0, device_id: int | None = None, **kw: Any):
        self.ptr = ptr
        self.device_id = _Device.current if device_id is None else int(device_id)

    def __enter__(self) -> _Stream:
        if self.device_id != _Device.current:  # CuPy's rule for making a stream current
            raise RuntimeError(
                f"The device where the stream is created ({self.device_id}) is different from the current "
                f"device ({_Device.current})"
            )
        return self

    def synchronize(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        return None


def _get_current_stream() -> _Stream:
    return _Stream()


cuda = types.ModuleType("cupy.cuda")  # a module, as array-api-compat imports cupy.cuda.device
cuda.runtime = _Runtime()
cuda.Device = _Device
cuda.Stream = cuda.ExternalStream = _Stream
cuda.get_current_stream = _get_current_stream
_device_module = types.ModuleType("cupy.cuda.device")
_device_module.Device = _Device
cuda.device = _device_module
SUBMODULES["cupy.cuda"], SUBMODULES["cupy.cuda.device"] = cuda, _device_module


@functools.cache
def is_available() -> bool:
    return True
