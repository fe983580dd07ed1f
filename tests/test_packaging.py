"""Packaging: backends/ ships as xalbu.backends, every package folder is listed, nothing leaks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[set[str], dict[str, str]]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(cfg["packages"]), cfg.get("package-dir", {})


def _on_disk() -> set[str]:
    found = set()
    for init in ROOT.glob("xalbu/**/__init__.py"):
        found.add(".".join(init.parent.relative_to(ROOT).parts))
    for init in ROOT.glob("backends/**/__init__.py"):
        found.add(".".join(("xalbu",) + init.parent.relative_to(ROOT).parts))
    return found


def test_every_package_folder_is_listed():
    declared, _ = _declared()
    assert declared == _on_disk()


def test_backends_is_remapped_not_top_level():
    declared, package_dir = _declared()
    assert package_dir == {"xalbu.backends": "backends"}
    assert "backends" not in declared


def test_required_dependencies_and_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}
    assert names == {"numpy", "opencv-python-headless", "array-api-compat", "stringzilla"}
    extras = project["optional-dependencies"]
    assert {"cuda12", "cuda13", "test", "bench"} <= set(extras)
    # CuPy's [ctk] extra brings NVRTC and the CUDA headers: without it a machine with only the driver
    # installs a CuPy that cannot compile xalbu's kernels (issue 10, 1e)
    assert any(d.startswith("cupy-cuda12x[ctk]") for d in extras["cuda12"])
    assert any(d.startswith("cupy-cuda13x[ctk]") for d in extras["cuda13"])


@pytest.mark.slow
def test_wheel_contents(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("xalbu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"xalbu"}, top
    assert "xalbu/backends/numpy_cv2/__init__.py" in names
    assert "xalbu/backends/cupy/__init__.py" in names
    assert "xalbu/backends/cupy/kernels/common.cuh" in names  # #included by the .cu sources
    assert "xalbu/py.typed" in names
    assert any(n.startswith("xalbu/data/") and n.endswith((".png", ".jpg")) for n in names)
