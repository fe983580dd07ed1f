"""The shape of the code: families mirrored across the trees, no import cycles, small files.

DESIGN.md's layout: one family, one stem, in ``xalbu/transforms/``, ``xalbu/functional/``,
``backends/numpy_cv2/``, ``backends/cupy/`` (where it has overrides), ``tests/families/`` and
``asv_bench/benchmarks/``; cross-family helpers in underscore modules; no cycles, lazy imports
included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import xalbu as A

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 800


def _stems(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}


FAMILIES = _stems(ROOT / "xalbu" / "transforms")


def test_every_transform_lives_in_a_family_module():
    for name, cls in A.TRANSFORMS.items():
        module = cls.__module__
        assert module.startswith("xalbu.transforms."), f"{name} is defined in {module}"
        assert module.rsplit(".", 1)[-1] in FAMILIES


@pytest.mark.parametrize(
    "tree",
    ["xalbu/functional", "backends/numpy_cv2", "backends/cupy", "tests/families", "asv_bench/benchmarks"],
)
def test_family_stems_are_mirrored(tree):
    """A tree's modules are families of xalbu/transforms (plus underscore helpers)."""
    folder = ROOT / tree
    stems = {s.removeprefix("test_") for s in _stems(folder)}
    extra = {"gpu_batch", "imports", "pipeline", "direct"} if tree == "asv_bench/benchmarks" else set()
    assert stems - extra <= FAMILIES, (
        f"{tree}: modules that are no family: {sorted(stems - extra - FAMILIES)}"
    )
    if tree in ("tests/families", "asv_bench/benchmarks"):  # every family has its tests and benchmarks
        assert FAMILIES <= stems, f"{tree}: families without a module: {sorted(FAMILIES - stems)}"


def test_backend_modules_override_kernels_of_their_own_family():
    functional = _stems(ROOT / "xalbu" / "functional")
    for backend in ("numpy_cv2", "cupy"):
        assert _stems(ROOT / "backends" / backend) <= functional | {"kernels"}


def _python_files() -> list[Path]:
    return sorted([*(ROOT / "xalbu").rglob("*.py"), *(ROOT / "backends").rglob("*.py")])


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "backends":
        parts = ["xalbu", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (functions included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def test_no_import_cycles_lazy_imports_included():
    files = {_module_name(p): p for p in _python_files()}
    modules = set(files)
    # a package's __init__ re-exports: importing it is no dependency of its own modules
    graph = {m: {d for d in _imports(p, modules) if files[d].name != "__init__.py"} for m, p in files.items()}
    graph = {m: deps for m, deps in graph.items() if files[m].name != "__init__.py"}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycle = stack[stack.index(d) :] + [d]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_no_family_imports_a_sibling_family():
    files = {_module_name(p): p for p in _python_files()}
    for tree in ("xalbu.transforms", "xalbu.functional", "xalbu.backends.numpy_cv2", "xalbu.backends.cupy"):
        families = {
            m
            for m in files
            if m.rpartition(".")[0] == tree
            and not m.rpartition(".")[2].startswith("_")
            and not m.endswith(".kernels")
        }  # backends/cupy/kernels/ holds the CUDA sources every family may use
        for m in families:
            siblings = _imports(files[m], set(files)) & (families - {m})
            assert not siblings, (
                f"{m} imports the sibling family {sorted(siblings)}: share it in an underscore module"
            )


def test_no_source_file_over_the_limit():
    paths = [*_python_files(), *(ROOT / "tests").rglob("*.py"), *(ROOT / "asv_bench").rglob("*.py")]
    big = {str(p.relative_to(ROOT)): n for p in paths if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not big, f"files over {MAX_LINES} lines (split them by family/stem): {big}"


def test_every_family_module_is_imported_by_its_package():
    """A family module that its package forgets would register nothing (transforms or overrides)."""
    import xalbu.transforms as T

    assert set(T.__all__) == set(A.TRANSFORMS)
    for backend in ("numpy_cv2", "cupy"):
        tree = ast.parse((ROOT / "backends" / backend / "__init__.py").read_text())
        imported = {
            a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 for a in n.names
        }
        missing = _stems(ROOT / "backends" / backend) - {"kernels"} - imported
        assert not missing, f"backends/{backend}/__init__.py does not import {sorted(missing)}"
