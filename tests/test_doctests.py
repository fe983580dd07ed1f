"""Every docstring example in the package runs and prints what it shows (``doctest``).

Modules of the CuPy backend import CuPy at the top, so they are checked only where CuPy imports.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

HAS_CUPY = importlib.util.find_spec("cupy") is not None


def _modules() -> list[str]:
    import xalbu.backends  # installed from backends/ (package-dir), so walked on its own path

    found = {"xalbu.backends"}
    for pkg in (xalbu, xalbu.backends):
        # walk_packages imports packages to look inside; the CuPy backend fails without CuPy
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".", onerror=lambda name: None):
            found.add(m.name)
    if not HAS_CUPY:  # its subpackage is not walked then: name its modules from the folder
        folder = xalbu.backends.__path__[0] + "/cupy"
        found |= {"xalbu.backends.cupy." + m.name for m in pkgutil.iter_modules([folder])}
        found.add("xalbu.backends.cupy")
    return sorted(found - {"xalbu.__main__"})


MODULES = _modules()


def test_modules_found():
    for name in ("xalbu.transforms.pixel", "xalbu.backends.numpy_cv2.pixel", "xalbu.backends.cupy.kernels"):
        assert name in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    if name.startswith("xalbu.backends.cupy") and not HAS_CUPY:
        pytest.skip("CuPy is not installed")
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, (
        f"{name}: {result.failed} of {result.attempted} docstring examples failed (output above)"
    )
