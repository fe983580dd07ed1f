"""Shared fixtures: the ``xp`` fixture runs a test over every array backend.

CuPy runs on a CUDA device where there is one, and otherwise on the CPU execution harness
(``tests/cuda_harness``: the CUDA sources compiled with the host C++ compiler, CuPy's namespace
over host memory), so gpu-marked tests run everywhere a C++ compiler exists.
"""

from __future__ import annotations

import cuda_harness
import numpy as np
import pytest


def _cuda_available() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - ImportError, CUDARuntimeError, missing driver...
        return False


HAS_CUDA = _cuda_available()
ON_HARNESS = not HAS_CUDA and cuda_harness.available()
HAS_CUPY = HAS_CUDA or ON_HARNESS  # CuPy tests run (on a device, or on the harness)
NO_CUPY = "no CUDA device, and no host C++ compiler for the CPU harness"


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


@pytest.fixture
def cupy():
    """The ``cupy`` module: CuPy on a CUDA device, else the CPU harness installed as ``cupy`` for the
    test (its ``STATS`` count launches, host-to-device copies and syncs)."""
    if HAS_CUDA:
        import cupy

        yield cupy
    elif ON_HARNESS:
        with cuda_harness.installed() as cp:
            cp.reset_stats()
            yield cp
    else:
        pytest.skip(NO_CUPY)


BACKEND_PARAMS = [
    pytest.param("numpy", id="numpy"),
    pytest.param("array_api_strict", id="strict"),
    pytest.param(
        "cupy", id="cupy", marks=[pytest.mark.gpu, pytest.mark.skipif(not HAS_CUPY, reason=NO_CUPY)]
    ),
]


@pytest.fixture(params=BACKEND_PARAMS)
def xp(request) -> Backend:
    """The array backend under test: ``xp.xp`` is the namespace, ``xp.asarray``/``xp.to_numpy`` convert."""
    if request.param == "cupy":
        cp = request.getfixturevalue("cupy")
        return Backend("cupy", cp, cp.asnumpy, cp.asarray)
    return {"numpy": _numpy_backend, "array_api_strict": _strict_backend}[request.param]()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
