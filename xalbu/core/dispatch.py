"""Kernel dispatch: a generic array-API kernel plus per-backend overrides.

A generic kernel is decorated with :func:`kernel`. Backends register overrides with
``register(generic_kernel, "numpy_cv2")``. At call time the backend is looked up from the
type of the first argument (cached per type); the backend module is imported lazily, so
CuPy is never imported when only NumPy arrays are seen. An override may return
``NotImplemented`` to decline, and the generic kernel runs.

Example:
    >>> @kernel
    ... def double(img, /):
    ...     return img * 2
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
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
        except ImportError:  # pragma: no cover - optional backend missing pieces
            pass
    _TYPE_BACKEND[array_type] = name
    return name


_IMPL_CACHES: list[dict[type, Any]] = []


def kernel(fn: F) -> F:
    """Make ``fn`` a dispatching kernel; ``fn`` itself stays reachable as ``.generic``."""
    overrides: dict[str, Callable[..., Any]] = {}
    impls: dict[type, Callable[..., Any] | None] = {}  # array type -> override (None: generic only)
    _IMPL_CACHES.append(impls)

    def resolve(t: type) -> Callable[..., Any] | None:
        name = backend_name(t)  # imports (and so registers) the backend on first sight
        impl = overrides.get(name) if name else None
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
    return dispatch  # type: ignore[return-value]


def register(generic: Callable[..., Any], backend: str) -> Callable[[F], F]:
    """Decorator registering an override of ``generic`` for ``backend``."""

    def deco(impl: F) -> F:
        generic.overrides[backend] = impl  # type: ignore[attr-defined]
        for cache in _IMPL_CACHES:  # resolved lookups may now be stale
            cache.clear()
        return impl

    return deco
