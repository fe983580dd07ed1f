"""A stand-in ``cupy`` for the CPU harness: host memory plays device memory.

It provides what ``backends/cupy`` and ``xalbu``'s CuPy branches call (``ndarray``, ``asarray``,
``asnumpy``, ``ascontiguousarray``, ``empty``/``zeros``, ``RawModule``/``RawKernel``,
``ElementwiseKernel``, ``cuda.runtime.getDeviceCount``, ``cuda.Device``, ``cuda.ExternalStream``,
``cuda.get_current_stream``), and nothing of CuPy's array API: the generic kernels do not run on
these arrays (array-api-compat would need the whole CuPy namespace). Install it as ``cupy`` with
:func:`cuda_harness.installed`. ``ndarray`` refuses implicit conversion to NumPy (as CuPy does);
``empty`` fills with a poison byte so that unwritten outputs show. ``STATS`` counts launches and
device-to-host copies (``asnumpy``/``get``).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from typing import Any

import numpy as np

from .compiler import HarnessError, build, launch, module_unit, parse_kernels, resolve
from .elementwise import ElementwiseKernel

__all__ = [
    "ElementwiseKernel",
    "HarnessError",
    "RawKernel",
    "RawModule",
    "STATS",
    "asarray",
    "ascontiguousarray",
    "asnumpy",
    "cuda",
    "empty",
    "ndarray",
    "zeros",
]

POISON = 0xA5
STATS = {"launches": 0, "to_host": 0, "to_device": 0}

for _name in (
    "bool_",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "float16",
    "float32",
    "float64",
):
    setattr(sys.modules[__name__], _name, getattr(np, _name))
dtype = np.dtype


def _host(x: Any) -> Any:
    """Unwrap device arrays (also inside tuples, for indexing)."""
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, tuple):
        return tuple(_host(v) for v in x)
    return x


class ndarray:  # noqa: N801 - CuPy's name
    """A device array: wraps a host NumPy array (views share memory, like device views)."""

    __module__ = "cupy"  # xalbu's dispatch recognises CuPy arrays by their type's module

    def __init__(self, a: np.ndarray):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"ndarray wraps a NumPy array, got {type(a).__name__}")
        self._a = a

    def __harness_pointer__(self) -> int:
        return int(self._a.ctypes.data)

    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    strides = property(lambda self: self._a.strides)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: self._a.flags)
    device = property(lambda self: cuda.Device(0))
    T = property(lambda self: ndarray(self._a.T))

    def __len__(self) -> int:
        return len(self._a)

    def __repr__(self) -> str:
        return f"harness.ndarray({self._a!r})"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
            "NumPy array explicitly."
        )

    def __bool__(self) -> bool:  # a host sync on CuPy
        STATS["to_host"] += 1
        return bool(self._a)

    def __getitem__(self, key: Any) -> ndarray:
        out = self._a[_host(key)]
        return ndarray(out if isinstance(out, np.ndarray) else np.asarray(out))

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_host(key)] = _host(value)

    def get(self) -> np.ndarray:
        STATS["to_host"] += 1
        return np.array(self._a)

    def copy(self) -> ndarray:
        return ndarray(self._a.copy())

    def astype(self, dtype: Any, copy: bool = True) -> ndarray:
        return ndarray(self._a.astype(dtype, copy=copy))

    def reshape(self, *shape: Any) -> ndarray:
        return ndarray(self._a.reshape(*shape))

    def ravel(self) -> ndarray:
        return ndarray(self._a.ravel())


def _binary(name: str) -> Any:
    def op(self: ndarray, other: Any) -> ndarray:
        return ndarray(np.asarray(getattr(self._a, name)(_host(other))))

    op.__name__ = name
    return op


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "and", "or", "xor"):
    for _side in ("", "r"):
        setattr(ndarray, f"__{_side}{_op}__", _binary(f"__{_side}{_op}__"))
for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(ndarray, f"__{_op}__", _binary(f"__{_op}__"))
ndarray.__hash__ = None  # type: ignore[assignment]


# ----------------------------------------------------------------------------- creation / copies
def asarray(a: Any, dtype: Any = None, order: str = "C") -> ndarray:
    if isinstance(a, ndarray):
        return a if dtype is None or np.dtype(dtype) == a.dtype else a.astype(dtype)
    STATS["to_device"] += 1
    return ndarray(np.array(a, dtype=dtype, order=order, copy=True))


array = asarray


def ascontiguousarray(a: Any, dtype: Any = None) -> ndarray:
    a = asarray(a, dtype)
    return a if a.flags.c_contiguous else ndarray(np.ascontiguousarray(a._a))


def asnumpy(a: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    if isinstance(a, ndarray):
        return a.get()
    return np.asarray(a)


def empty(shape: Any, dtype: Any = float, order: str = "C") -> ndarray:
    out = np.empty(shape, dtype=dtype, order=order)
    out.view(np.uint8).reshape(-1)[...] = POISON if out.size else 0
    return ndarray(out)


def zeros(shape: Any, dtype: Any = float, order: str = "C") -> ndarray:
    return ndarray(np.zeros(shape, dtype=dtype, order=order))


def from_dlpack(value: Any) -> ndarray:
    raise HarnessError("DLPack is not modelled by the CPU harness (see tests/cuda_harness/README.md)")


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


class _Cuda:
    runtime = _Runtime()
    Device = _Device
    Stream = _Stream
    ExternalStream = _Stream

    @staticmethod
    def get_current_stream() -> _Stream:
        return _Stream()


cuda = _Cuda()


@functools.cache
def is_available() -> bool:
    return True
