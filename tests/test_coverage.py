"""Coverage guards: what a new kernel, override or transform must bring along.

- every kernel (a ``@kernel`` function of ``xalbu.functional``) has a golden test: a test marked
  ``@pytest.mark.golden(kernel, ...)`` that checks exact expected values;
- every backend override has a parity case: a test marked ``@pytest.mark.parity(backend, kernel, ...)``
  that compares it with the generic kernel (CuPy's overrides are found by reading
  ``backends/cupy``, so the guard works without CuPy);
- every transform builds and runs with the arguments it declares for the benchmarks
  (``examples(h, w, dtype)[0]``), on each dtype it takes.

The marks are read from the test modules themselves, so the guard holds whichever tests run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import xalbu as A
import xalbu.functional
from xalbu.benchmark import inputs_for, metadata_for
from xalbu.core.dispatch import backend_name
from xalbu.gallery._static import static_overrides

TESTS = Path(__file__).resolve().parent


def _kernels() -> dict[str, Any]:
    """``"module.name" -> kernel`` for every dispatching kernel of ``xalbu.functional``."""
    out = {}
    for info in pkgutil.iter_modules(xalbu.functional.__path__):
        module = importlib.import_module(f"xalbu.functional.{info.name}")
        for name, value in vars(module).items():
            if hasattr(value, "generic") and getattr(value, "__module__", None) == module.__name__:
                out[f"{module.__name__}.{name}"] = value
    return out


def _test_modules() -> list[Any]:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    names = [f"families.{p.stem}" for p in sorted((TESTS / "families").glob("test_*.py"))]
    names += [p.stem for p in sorted(TESTS.glob("test_*.py")) if p.stem != "test_coverage"]
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except pytest.skip.Exception:  # a module that skips itself (e.g. needs torch) marks nothing here
            continue
    return modules


def _marks(kind: str) -> list[tuple[Any, ...]]:
    found = []
    for module in _test_modules():
        for name, fn in vars(module).items():
            if name.startswith("test_") and callable(fn):
                found += [m.args for m in getattr(fn, "pytestmark", []) if m.name == kind]
    return found


KERNELS = _kernels()


def test_the_guard_sees_the_kernels():
    assert {
        "xalbu.functional.flips.hflip",
        "xalbu.functional.affine.warp",
        "xalbu.functional.tone.gamma",
    } <= set(KERNELS)


def test_every_kernel_has_a_golden_test():
    golden = {kernel for args in _marks("golden") for kernel in args}
    missing = sorted(name for name, k in KERNELS.items() if k not in golden)
    assert not missing, f"kernels without a golden test (@pytest.mark.golden(kernel)): {missing}"


def test_every_numpy_override_has_a_parity_case():
    backend_name(np.ndarray)  # imports (registers) the OpenCV/NumPy overrides
    covered = {k for args in _marks("parity") if args[0] == "numpy_cv2" for k in args[1:]}
    overridden = {name for name, k in KERNELS.items() if "numpy_cv2" in k.overrides}
    assert len(overridden) >= 15
    missing = sorted(name for name in overridden if KERNELS[name] not in covered)
    assert not missing, (
        f"numpy_cv2 overrides without a parity case (@pytest.mark.parity('numpy_cv2', k)): {missing}"
    )


def test_every_cupy_override_has_a_parity_case():
    covered = {
        f"{k.__module__}.{k.__name__}" for args in _marks("parity") if args[0] == "cupy" for k in args[1:]
    }
    overridden = static_overrides("cupy")
    assert "xalbu.functional.affine.warp" in overridden
    missing = sorted(overridden - covered)
    assert not missing, f"cupy overrides without a parity case (@pytest.mark.parity('cupy', k)): {missing}"


@pytest.mark.parametrize("name", sorted(A.TRANSFORMS))
def test_every_transform_runs_with_its_benchmark_arguments(name):
    cls = A.TRANSFORMS[name]
    for package in cls.requires:
        pytest.importorskip(package)
    for dtype in cls.input_dtypes:
        kwargs = cls.examples(48, 64, dtype)[0]
        img = np.random.default_rng(0).integers(0, 256, (48, 64, 3)).astype(dtype)
        if dtype == "float32":
            img /= 255
        sample = {
            "image": img,
            "mask": np.zeros((48, 64), np.uint8),
            "bboxes": np.zeros((0, 4)),
            "labels": [],
        }
        if cls.kind == "volume":  # 3-D transforms: a volume of the image's slices
            out = cls(p=1.0, **kwargs)(**inputs_for(name, sample))["volume"]
        else:
            out = cls(p=1.0, **kwargs)(image=img, **metadata_for(name, sample))["image"]
        assert out is not None, (name, dtype)
