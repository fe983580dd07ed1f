"""The stand-in CuPy array and the NumPy-backed part of CuPy's namespace, for the CPU harness.

Host memory plays device memory: ``ndarray`` wraps a NumPy array. CuPy's namespace is NumPy's,
with each function taking and returning device arrays, so that array-api-compat's CuPy namespace
(``array_api_compat.cupy``, built by ``from cupy import *``) runs on it and xalbu's generic
kernels run on harness arrays unmodified.

What CuPy refuses, this refuses too: implicit conversion to NumPy (``np.asarray(x)``,
``__array__``), host arrays mixed into device operations (``x + np_array``,
``cp.where(c, x, np_array)``), DLPack (not modelled). What synchronises the host with the device
on CuPy is counted in ``STATS["to_host"]`` with the caller's place in ``SYNC_SITES``:
``get``/``asnumpy``, ``bool``/``int``/``float``/``item``/``tolist``, boolean-mask indexing and
assignment (CuPy needs the mask's count on the host), and the functions whose output size depends
on the data (``nonzero``, ``unique``...). Host-to-device copies are counted in ``STATS["to_device"]``.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

import numpy as np

from .compiler import HarnessError

STATS = {"launches": 0, "to_host": 0, "to_device": 0}
SYNC_SITES: list[str] = []  # "reason at file:line" of every counted sync, oldest first
POISON = 0xA5

_SKIP = (os.path.dirname(__file__), os.path.dirname(np.__file__))


def reset_stats() -> None:
    """Zero the counters and forget the sync sites."""
    for k in STATS:
        STATS[k] = 0
    SYNC_SITES.clear()


def _caller() -> str:
    """The first frame outside the harness, NumPy and array-api-compat: who asked for the sync."""
    f = sys._getframe(2)
    while f is not None and (
        f.f_code.co_filename.startswith(_SKIP) or f"{os.sep}array_api_compat{os.sep}" in f.f_code.co_filename
    ):
        f = f.f_back
    return "?" if f is None else f"{os.path.relpath(f.f_code.co_filename)}:{f.f_lineno}"


def sync(reason: str) -> None:
    """Count one device-to-host synchronisation."""
    STATS["to_host"] += 1
    SYNC_SITES.append(f"{reason} at {_caller()}")


def _current_device() -> int:
    from .fake_cupy import _Device

    return _Device.current


def _refuse_host(values: Any, where: str) -> None:
    for v in values:
        if isinstance(v, np.ndarray):
            raise TypeError(
                f"{where}: unsupported type {type(v)} (a host array mixed into a device operation)"
            )
        if isinstance(v, (list, tuple)):
            _refuse_host(v, where)


def _host(x: Any) -> Any:
    """Unwrap device arrays, also inside lists, tuples and dicts."""
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, tuple):
        return tuple(_host(v) for v in x)
    if isinstance(x, list):
        return [_host(v) for v in x]
    if isinstance(x, dict):
        return {k: _host(v) for k, v in x.items()}
    return x


def _device(x: Any) -> Any:
    """Wrap results as device arrays (NumPy scalars become 0-d arrays, as CuPy returns them)."""
    if isinstance(x, np.ndarray):
        return ndarray(x)
    if isinstance(x, np.generic):
        return ndarray(np.asarray(x))
    if isinstance(x, tuple):
        wrapped = [_device(v) for v in x]
        return type(x)(*wrapped) if hasattr(x, "_fields") else tuple(wrapped)
    if isinstance(x, list):
        return [_device(v) for v in x]
    return x


def _boolean_key(key: Any) -> bool:
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, ndarray) and k.dtype == np.bool_ and k.ndim > 0 for k in keys)


_NOT_FORWARDED = {"ctypes", "data", "base", "tobytes", "tofile", "dump", "dumps", "tolist", "item"}


class ndarray:  # noqa: N801 - CuPy's name
    """A device array: wraps a host NumPy array (views share memory, like device views)."""

    __module__ = "cupy"  # xalbu and array-api-compat recognise CuPy arrays by their type's module
    __array_ufunc__ = None  # NumPy operators defer to ours, which refuse host arrays as CuPy does

    def __init__(self, a: np.ndarray):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"ndarray wraps a NumPy array, got {type(a).__name__}")
        self._a = a
        self._device_id = _current_device()  # the device current at creation, as CuPy allocates

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
    T = property(lambda self: ndarray(self._a.T))
    mT = property(lambda self: ndarray(np.swapaxes(self._a, -1, -2)))  # noqa: N815 - the API's name

    @property
    def device(self) -> Any:
        from .fake_cupy import cuda

        return cuda.Device(self._device_id)

    def __getattr__(self, name: str) -> Any:  # methods: sum, max, transpose, view, fill...
        if name.startswith("_") or name in _NOT_FORWARDED:
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _device(attr)

        def method(*args: Any, **kwargs: Any) -> Any:
            _refuse_host((*args, *kwargs.values()), f"ndarray.{name}")
            if name == "nonzero":
                sync("ndarray.nonzero")
            return _device(attr(*_host(args), **_host(kwargs)))

        return method

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Any:
        return (ndarray(self._a[i : i + 1].reshape(self._a.shape[1:])) for i in range(len(self._a)))

    def __repr__(self) -> str:
        return f"harness.ndarray({self._a!r})"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
            "NumPy array explicitly."
        )

    def __array_namespace__(self, api_version: str | None = None) -> Any:
        return sys.modules["cupy"]  # CuPy 14 answers its own module

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        raise HarnessError("DLPack is not modelled by the CPU harness (see tests/cuda_harness/README.md)")

    def _scalar(self, kind: Any, reason: str) -> Any:
        sync(reason)
        return kind(self._a)

    def __bool__(self) -> bool:
        return self._scalar(bool, "bool()")

    def __int__(self) -> int:
        return self._scalar(int, "int()")

    def __float__(self) -> float:
        return self._scalar(float, "float()")

    def __index__(self) -> int:
        if self._a.ndim or self._a.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return self._scalar(int, "index")

    def item(self, *args: Any) -> Any:
        sync("item()")
        return self._a.item(*args)

    def tolist(self) -> Any:
        sync("tolist()")
        return self._a.tolist()

    def get(self, *args: Any, **kwargs: Any) -> np.ndarray:
        sync("get()")
        return np.array(self._a)

    def __getitem__(self, key: Any) -> ndarray:
        _refuse_host(key if isinstance(key, tuple) else (key,), "indexing")
        if _boolean_key(key):
            sync("boolean-mask indexing")
        return _device(self._a[_host(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        _refuse_host((*(key if isinstance(key, tuple) else (key,)), value), "assignment")
        if _boolean_key(key):
            sync("boolean-mask assignment")
        self._a[_host(key)] = _host(value)

    def copy(self, order: str = "C") -> ndarray:
        return ndarray(self._a.copy(order=order))

    def astype(self, dtype: Any, order: str = "K", casting: Any = None, subok: Any = None, copy: bool = True):
        return ndarray(self._a.astype(dtype, order=order, copy=copy))

    def reshape(self, *shape: Any, **kwargs: Any) -> ndarray:
        return ndarray(self._a.reshape(*shape, **kwargs))

    def ravel(self, order: str = "C") -> ndarray:
        return ndarray(self._a.ravel(order))


def _operator(name: str) -> Any:
    def op(self: ndarray, *other: Any) -> Any:
        _refuse_host(other, f"operator {name}")
        out = getattr(self._a, name)(*_host(other))
        if out is NotImplemented:
            return out
        if name.startswith("__i"):  # in place: the same device array
            return self
        return _device(out if isinstance(out, np.ndarray) else np.asarray(out))

    op.__name__ = name
    return op


_BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor")
for _op in (*_BINARY, "lshift", "rshift"):
    for _side in ("", "r", "i"):
        setattr(ndarray, f"__{_side}{_op}__", _operator(f"__{_side}{_op}__"))
for _op in ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(ndarray, f"__{_op}__", _operator(f"__{_op}__"))
ndarray.__hash__ = None  # type: ignore[assignment]


# ----------------------------------------------------------------------------- the namespace
_FROM_HOST = {"asarray", "array", "asanyarray", "ascontiguousarray", "asfortranarray"}
# output size depends on the data: CuPy reads a count back to the host
_SYNCING = {"nonzero", "argwhere", "flatnonzero", "unique", "unique_values", "unique_counts", "extract"}
_SYNCING |= {"unique_inverse", "unique_all", "compress", "trim_zeros"}


def asarray(a: Any, dtype: Any = None, order: str | None = None, *, blocking: bool = False) -> ndarray:
    if isinstance(a, ndarray):
        return a if dtype is None or np.dtype(dtype) == a.dtype else a.astype(dtype)
    STATS["to_device"] += 1
    return ndarray(np.array(_host(a), dtype=dtype, order=order or "K", copy=True))


def array(a: Any, dtype: Any = None, copy: bool = True, order: str = "K", **kw: Any) -> ndarray:
    if isinstance(a, ndarray):
        return ndarray(np.array(a._a, dtype=dtype, copy=True, order=order)) if copy else asarray(a, dtype)
    return asarray(a, dtype, order)


def ascontiguousarray(a: Any, dtype: Any = None) -> ndarray:
    a = asarray(a, dtype)
    return a if a.flags.c_contiguous else ndarray(np.ascontiguousarray(a._a))


def asnumpy(a: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    if isinstance(a, ndarray):
        return a.get()
    return np.asarray(a)


def _poisoned(out: np.ndarray) -> ndarray:
    if out.size:
        out.view(np.uint8).reshape(-1)[...] = POISON
    return ndarray(out)


def empty(shape: Any, dtype: Any = float, order: str = "C") -> ndarray:
    """Uninitialised memory shows: every byte is ``POISON``."""
    return _poisoned(np.empty(shape, dtype=dtype, order=order))


def empty_like(a: Any, dtype: Any = None, order: str = "K", subok: Any = None, shape: Any = None) -> ndarray:
    return _poisoned(np.empty_like(_host(a), dtype=dtype, order=order, shape=shape))


def from_dlpack(value: Any, *args: Any, **kwargs: Any) -> ndarray:
    raise HarnessError("DLPack is not modelled by the CPU harness (see tests/cuda_harness/README.md)")


def device_function(name: str, fn: Any, module: str = "cupy") -> Any:
    """NumPy's ``fn`` on device arrays: host arrays refused, results wrapped, syncs counted."""

    def f(*args: Any, **kwargs: Any) -> Any:
        _refuse_host((*args, *kwargs.values()), f"{module}.{name}")
        if name in _SYNCING or (name == "where" and len(args) + len(kwargs) == 1):
            sync(f"{module}.{name}")
        return _device(fn(*_host(args), **_host(kwargs)))

    f.__name__ = f.__qualname__ = name
    return f


def numpy_names(source: types.ModuleType) -> list[str]:
    """The public names of a NumPy namespace that the stand-in offers (no submodules)."""
    names = getattr(source, "__all__", None) or [n for n in dir(source) if not n.startswith("_")]
    return [n for n in names if not isinstance(getattr(source, n, None), types.ModuleType)]


def lookup(source: types.ModuleType, name: str, module: str) -> Any:
    """``source.name`` as the stand-in offers it: types and constants as they are, functions on
    device arrays."""
    try:
        obj = getattr(source, name)
    except AttributeError:
        raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
    if isinstance(obj, types.ModuleType):
        raise AttributeError(f"module {module!r} has no attribute {name!r} (not modelled by the harness)")
    if isinstance(obj, type) or not callable(obj):
        return obj
    return device_function(name, obj, module)


def submodule(name: str, source: types.ModuleType) -> types.ModuleType:
    """``cupy.linalg``/``cupy.fft``: NumPy's functions of that name on device arrays."""
    mod = types.ModuleType(f"cupy.{name}")
    mod.__all__ = numpy_names(source)  # type: ignore[attr-defined]

    def __getattr__(attr: str) -> Any:  # noqa: N807 - module __getattr__
        value = lookup(source, attr, mod.__name__)
        setattr(mod, attr, value)
        return value

    mod.__getattr__ = __getattr__  # type: ignore[method-assign]
    return mod
