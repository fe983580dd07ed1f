"""CPU execution harness for xalbu's CUDA code (see README.md in this folder).

``installed()`` makes the stand-in ``cupy`` (:mod:`.fake_cupy`) importable as ``cupy`` and loads
``xalbu.backends.cupy`` fresh under it, so that the backend's unmodified code path runs on the CPU;
on exit everything is put back (``sys.modules``, the overrides registered meanwhile, xalbu's
dispatch caches), so nothing leaks into other tests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .compiler import HarnessError, compiler

__all__ = ["HarnessError", "available", "installed"]


def available() -> bool:
    """True when a host C++ compiler exists (the harness needs nothing else)."""
    return compiler() is not None


def _ours(name: str) -> bool:
    return name in ("cupy", "array_api_compat.cupy") or name.startswith(
        ("cupy.", "xalbu.backends.cupy", "array_api_compat.cupy.")
    )


@contextmanager
def installed() -> Iterator[ModuleType]:
    """Within the block, ``import cupy`` gives the harness and CuPy arrays dispatch to its backend."""
    import numpy
    import xalbu.backends

    from xalbu.core import dispatch

    from . import fake_cupy

    # the CPU backend first: were it loaded inside the block (by a NumPy call), restoring the overrides
    # as they were before would drop its registrations for good (its module stays imported)
    dispatch.backend_name(numpy.ndarray)
    saved_modules = {k: sys.modules.pop(k) for k in list(sys.modules) if _ours(k)}
    missing = object()
    saved_attr = getattr(xalbu.backends, "cupy", missing)
    saved_loaded, saved_types = set(dispatch._LOADED), dict(dispatch._TYPE_BACKEND)
    touched: dict[Any, dict[str, Any]] = {}  # kernel -> its overrides before we registered any
    register = dispatch.register

    def recording_register(generic: Any, backend: str) -> Any:
        touched.setdefault(generic, dict(generic.overrides))
        return register(generic, backend)

    dispatch.register = recording_register
    dispatch._LOADED.discard("cupy")
    sys.modules["cupy"] = fake_cupy
    sys.modules.update(fake_cupy.SUBMODULES)
    dispatch._clear_caches()
    try:
        yield fake_cupy
    finally:
        dispatch.register = register
        for k in [k for k in sys.modules if _ours(k)]:
            del sys.modules[k]
        sys.modules.update(saved_modules)
        if saved_attr is missing:
            xalbu.backends.__dict__.pop("cupy", None)
        else:
            xalbu.backends.cupy = saved_attr
        for generic, overrides in touched.items():
            generic.overrides.clear()
            generic.overrides.update(overrides)
        dispatch._LOADED.clear()
        dispatch._LOADED.update(saved_loaded)
        dispatch._TYPE_BACKEND.clear()
        dispatch._TYPE_BACKEND.update(saved_types)
        dispatch._clear_caches()
