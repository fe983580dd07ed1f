"""Every docstring example in the package runs and prints what it shows (``doctest``).

Modules of the CuPy backend import CuPy at the top, so they are checked only where CuPy imports.
Examples that make torch tensors (a format transform such as ``ToTensorV2``, or ``torch`` itself) run in
their own cases, which skip without torch; the other examples of the same module run either way.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

import xalbu

HAS_CUPY = importlib.util.find_spec("cupy") is not None
HAS_TORCH = importlib.util.find_spec("torch") is not None
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    import xalbu.backends  # installed from backends/ (package-dir), so walked on its own path

    found = {"xalbu", "xalbu.backends"}
    for pkg in (xalbu, xalbu.backends):
        # walk_packages imports packages to look inside; the CuPy backend fails without CuPy
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".", onerror=lambda name: None):
            found.add(m.name)
    if not HAS_CUPY:  # its subpackage is not walked then: name its modules from the folder
        folder = Path(xalbu.backends.__path__[0]) / "cupy"
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.add(".".join(("xalbu.backends.cupy", *parts)))
    return sorted(found - {"xalbu.__main__"})


MODULES = _modules()
_TORCH_WORDS = re.compile(
    r"\btorch\b|\b(?:"
    + "|".join(sorted(n for n, c in xalbu.TRANSFORMS.items() if c.kind == "format") or ["ToTensorV2"])
    + r")\b"
)


def needs_torch(test: doctest.DocTest) -> bool:
    """An example makes torch tensors: it uses a format transform (``ToTensorV2``...) or torch."""
    return any(_TORCH_WORDS.search(example.source) for example in test.examples)


def _doctests(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module, name) if t.examples]


def _torch_doctests() -> list[str]:
    """Names of the docstrings whose examples need torch (found without running anything)."""
    out = []
    for name in MODULES:
        if name.startswith("xalbu.backends.cupy") and not HAS_CUPY:
            continue
        try:
            tests = _doctests(name)
        except Exception:  # noqa: BLE001 - test_docstring_examples reports the module that fails to import
            continue
        out += [t.name for t in tests if needs_torch(t)]
    return sorted(out)


TORCH_DOCTESTS = _torch_doctests()


def _run(tests: list[doctest.DocTest]) -> doctest.TestResults:
    runner = doctest.DocTestRunner(optionflags=FLAGS, verbose=False)
    for test in tests:
        runner.run(test)
    return runner.summarize(verbose=False)


def test_modules_found():
    """Every module on disk is walked: xalbu's, the remapped backends', CuPy's without CuPy."""
    on_disk = set()
    for top, package in ((ROOT / "xalbu", "xalbu"), (ROOT / "backends", "xalbu.backends")):
        for path in top.rglob("*.py"):
            parts = path.relative_to(top).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            on_disk.add(".".join((package, *parts)))
    assert on_disk - {"xalbu.__main__"} <= set(MODULES)
    assert {"xalbu.transforms.flips", "xalbu.backends.numpy_cv2", "xalbu.backends.cupy.kernels"} <= set(
        MODULES
    )


def test_torch_examples_are_found():
    """Each format transform's docstring example (ToTensorV2's) is among the cases that need torch."""
    for name, cls in xalbu.TRANSFORMS.items():
        if cls.kind == "format" and ">>>" in (cls.__doc__ or ""):
            assert f"{cls.__module__}.{cls.__qualname__}" in TORCH_DOCTESTS, name


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    if name.startswith("xalbu.backends.cupy") and not HAS_CUPY:
        pytest.skip("CuPy is not installed")
    tests = [t for t in _doctests(name) if t.name not in TORCH_DOCTESTS]
    result = _run(tests)
    assert result.failed == 0, (
        f"{name}: {result.failed} of {result.attempted} docstring examples failed (output above)"
    )


@pytest.mark.parametrize("qualname", TORCH_DOCTESTS)
def test_docstring_examples_with_torch(qualname: str) -> None:
    pytest.importorskip("torch")
    module = next(
        m for m in sorted(MODULES, key=len, reverse=True) if qualname == m or qualname.startswith(m + ".")
    )
    tests = [t for t in _doctests(module) if t.name == qualname]
    assert len(tests) == 1
    result = _run(tests)
    assert result.failed == 0 and result.attempted > 0, f"{qualname}: {result.failed} failed (output above)"
