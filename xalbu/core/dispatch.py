"""Kernel dispatch: a generic array-API kernel plus per-backend overrides.

A generic kernel is decorated with :func:`kernel`. Backends register overrides with
``register(generic_kernel, "numpy_cv2")``. At call time the backend is looked up from the
type of the first argument (cached per type); the backend module is imported lazily, so
CuPy is never imported when only NumPy arrays are seen. An override may return
``NotImplemented`` to decline, and the generic kernel runs.

:func:`trace` records which kernels run and whether an override served them (for docs and
tests). It costs nothing when off: ``dispatch`` itself never checks for it; while a trace is
active the per-type lookups resolve to a recording wrapper instead, and the caches are cleared
on entry and exit so that the plain fast path is back afterwards.

Example:
    >>> @kernel
    ... def double(img, /):
    ...     return img * 2
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# array type -> backend name (or None when only the generic path exists)
_TYPE_BACKEND: dict[type, str | None] = {}
_LOADED: set[str] = set()
_BACKEND_MODULES = {"numpy_cv2": "xalbu.backends.numpy_cv2", "cupy": "xalbu.backends.cupy"}


def backend_name(array_type: type) -> str | None:
    """Return the backend that serves arrays of ``array_type`` (``None``: generic only)."""
    try:
        return _TYPE_BACKEND[array_type]
    except KeyError:
        pass
    module = array_type.__module__
    if array_type.__name__ == "ndarray" and module == "numpy":
        name: str | None = "numpy_cv2"
    elif module.startswith("cupy"):
        name = "cupy"
    else:
        name = None
    if name is not None and name not in _LOADED:
        _LOADED.add(name)
        try:
            importlib.import_module(_BACKEND_MODULES[name])
        except ImportError as exc:  # pragma: no cover - a backend with a missing piece: say so
            warnings.warn(
                f"xalbu: the {name} backend could not be loaded ({exc}); its arrays run the generic kernels",
                RuntimeWarning,
                stacklevel=2,
            )
    _TYPE_BACKEND[array_type] = name
    return name


_IMPL_CACHES: list[dict[type, Any]] = []


def _clear_caches() -> None:
    for cache in _IMPL_CACHES:
        cache.clear()


# ----------------------------------------------------------------------------- tracing
@dataclass(frozen=True)
class KernelCall:
    """One dispatched kernel call seen by :func:`trace`."""

    kernel: str  # the generic kernel's qualified name, e.g. "xalbu.functional.flips.hflip"
    backend: str | None  # the backend of the array type ("numpy_cv2", "cupy"; None: generic only)
    override: bool  # True: the backend's override served the call; False: the generic kernel ran
    dtype: str  # the first argument's dtype ("" when it has none)


_TRACES: list[list[KernelCall]] = []  # the records of the active traces (innermost last)


@contextmanager
def trace() -> Iterator[list[KernelCall]]:
    """Record every dispatched kernel call made inside the ``with`` block (all threads).

    Yields a list that fills with :class:`KernelCall` records, in call order (a kernel called by
    another comes after it). Traces nest; each records everything inside it.

    >>> import numpy as np
    >>> @kernel
    ... def twice(img, /):
    ...     return img * 2
    >>> with trace() as calls:
    ...     _ = twice(np.ones((2, 3, 1), np.uint8))
    >>> [(c.kernel.rsplit(".", 1)[-1], c.backend, c.override, c.dtype) for c in calls]
    [('twice', 'numpy_cv2', False, 'uint8')]
    """
    calls: list[KernelCall] = []
    _TRACES.append(calls)
    _clear_caches()  # lookups resolved before now bypass the recorder
    try:
        yield calls
    finally:
        for i in range(len(_TRACES) - 1, -1, -1):  # by identity: equal (e.g. empty) lists differ
            if _TRACES[i] is calls:
                del _TRACES[i]
                break
        _clear_caches()  # drop the recording wrappers: the fast path again


def _traced(
    fn: Callable[..., Any], impl: Callable[..., Any] | None, backend: str | None
) -> Callable[..., Any]:
    """A stand-in for ``impl`` (or for no override) that records each call, then serves it."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    def traced(img: Any, /, *args: Any, **kwargs: Any) -> Any:
        # recorded before running, so that kernels this one calls come after it
        call = KernelCall(name, backend, False, str(getattr(img, "dtype", "")))
        slots = [(calls, len(calls)) for calls in _TRACES]
        for calls, _ in slots:
            calls.append(call)
        if impl is not None:
            out = impl(img, *args, **kwargs)
            if out is not NotImplemented:
                served = replace(call, override=True)
                for calls, i in slots:
                    calls[i] = served
                return out
        return fn(img, *args, **kwargs)

    return traced


def kernel(fn: F) -> F:
    """Make ``fn`` a dispatching kernel; ``fn`` itself stays reachable as ``.generic``."""
    overrides: dict[str, Callable[..., Any]] = {}
    impls: dict[type, Callable[..., Any] | None] = {}  # array type -> override (None: generic only)
    _IMPL_CACHES.append(impls)

    def resolve(t: type) -> Callable[..., Any] | None:
        name = backend_name(t)  # imports (and so registers) the backend on first sight
        impl = overrides.get(name) if name else None
        if _TRACES:  # only on a cache miss, which trace() forces: dispatch() never checks
            impl = _traced(fn, impl, name)
        impls[t] = impl
        return impl

    @functools.wraps(fn)
    def dispatch(img: Any, /, *args: Any, **kwargs: Any) -> Any:
        # runs for every kernel call: one dict lookup on the array type
        try:
            impl = impls[type(img)]
        except KeyError:
            impl = resolve(type(img))
        if impl is not None:
            out = impl(img, *args, **kwargs)
            if out is not NotImplemented:
                return out
        return fn(img, *args, **kwargs)

    dispatch.generic = fn  # type: ignore[attr-defined]
    dispatch.overrides = overrides  # type: ignore[attr-defined]
    dispatch.impls = impls  # type: ignore[attr-defined]  # the per-type lookup cache (for tests)
    return dispatch  # type: ignore[return-value]


def register(generic: Callable[..., Any], backend: str) -> Callable[[F], F]:
    """Decorator registering an override of ``generic`` for ``backend``."""

    def deco(impl: F) -> F:
        generic.overrides[backend] = impl  # type: ignore[attr-defined]
        _clear_caches()  # resolved lookups may now be stale
        return impl

    return deco
