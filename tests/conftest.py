"""Shared fixtures: the ``xp`` fixture runs a test over every installed array backend."""

from __future__ import annotations

import numpy as np
import pytest


def _cuda_available() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - ImportError, CUDARuntimeError, missing driver...
        return False


HAS_CUDA = _cuda_available()


class Backend:
    """A thin description of one array backend used by tests."""

    def __init__(self, name: str, xp, to_numpy, from_numpy):
        self.name = name
        self.xp = xp
        self.to_numpy = to_numpy
        self.asarray = from_numpy

    def __repr__(self) -> str:
        return self.name


def _numpy_backend() -> Backend:
    return Backend("numpy", np, np.asarray, lambda a: np.array(a))


def _strict_backend() -> Backend:
    import array_api_strict as xps

    return Backend("array_api_strict", xps, lambda a: np.asarray(a), lambda a: xps.asarray(np.asarray(a)))


def _cupy_backend() -> Backend:
    import cupy

    return Backend("cupy", cupy, cupy.asnumpy, cupy.asarray)


BACKEND_PARAMS = [
    pytest.param("numpy", id="numpy"),
    pytest.param("array_api_strict", id="strict"),
    pytest.param(
        "cupy", id="cupy", marks=[pytest.mark.gpu, pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device")]
    ),
]


@pytest.fixture(params=BACKEND_PARAMS)
def xp(request) -> Backend:
    """The array backend under test: ``xp.xp`` is the namespace, ``xp.asarray``/``xp.to_numpy`` convert."""
    return {"numpy": _numpy_backend, "array_api_strict": _strict_backend, "cupy": _cupy_backend}[
        request.param
    ]()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
