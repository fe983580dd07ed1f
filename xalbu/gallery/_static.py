"""Which kernels have a backend override, read from the backend's sources with ``ast``.

CuPy need not be installed: nothing of ``backends/cupy`` is imported.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GPU_BACKEND = "cupy"


@dataclass(frozen=True)
class _Param:
    """An expression that is a parameter of a function (a helper that registers what it is given)."""

    function: str  # dotted name of the function
    index: int
    name: str


class _Scan:
    """Finds ``register(<kernel>, "cupy")`` in the sources, directly or through helper functions."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.kernels: set[str] = set()  # dotted names as written, e.g. "xalbu.functional.tone.gamma"
        self.helpers: dict[str, tuple[int, str]] = {}  # dotted function -> (index, name) of its kernel arg

    # -- one module
    def module(self, tree: ast.Module, dotted: str, package: str) -> None:
        self.dotted = dotted
        self.aliases: dict[str, str] = {}
        self.constants: dict[str, ast.expr] = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                self.constants[node.targets[0].id] = node.value
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parent + ([base] if base else []))
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{base}.{a.name}"
        self.visit(tree.body, {}, dotted)

    def visit(self, nodes: Iterable[ast.AST], env: dict[str, Any], scope: str) -> None:
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.visit(node.decorator_list, env, scope)
                name = f"{scope}.{node.name}"
                params = [*node.args.posonlyargs, *node.args.args]
                inner = {**env, **{a.arg: _Param(name, i, a.arg) for i, a in enumerate(params)}}
                inner.update({a.arg: _Param(name, -1, a.arg) for a in node.args.kwonlyargs})
                self.visit(node.body, inner, name)
                continue
            if isinstance(node, (ast.For, ast.comprehension)):
                values = self.resolve(node.iter, env)
                if isinstance(node.target, ast.Name) and isinstance(values, list):
                    env = {**env, node.target.id: values}
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                for gen in node.generators:
                    values = self.resolve(gen.iter, env)
                    if isinstance(gen.target, ast.Name) and isinstance(values, list):
                        env = {**env, gen.target.id: values}
            if isinstance(node, ast.Call):
                self.call(node, env)
            self.visit(ast.iter_child_nodes(node), env, scope)

    def resolve(self, expr: ast.AST, env: dict[str, Any], depth: int = 0) -> list[str] | _Param | None:
        """Dotted names an expression stands for, a function parameter, or None (unknown)."""
        if depth > 8:
            return None
        if isinstance(expr, ast.Name):
            if expr.id in env:
                return env[expr.id]
            if expr.id in self.aliases:
                return [self.aliases[expr.id]]
            if expr.id in self.constants:
                return self.resolve(self.constants[expr.id], env, depth + 1)
            return [f"{self.dotted}.{expr.id}"]
        if isinstance(expr, ast.Attribute):
            base = self.resolve(expr.value, env, depth + 1)
            return [f"{b}.{expr.attr}" for b in base] if isinstance(base, list) else None
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            out: list[str] = []
            for elt in expr.elts:
                got = self.resolve(elt, env, depth + 1)
                if isinstance(got, list):
                    out += got
            return out
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return [expr.value]
        return None

    def _string(self, expr: ast.AST, env: dict[str, Any]) -> str | None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.Name) and expr.id in self.constants:
            return self._string(self.constants[expr.id], env)
        return None

    def _arg(self, node: ast.Call, index: int, name: str) -> ast.expr | None:
        if 0 <= index < len(node.args) and not any(
            isinstance(a, ast.Starred) for a in node.args[: index + 1]
        ):
            return node.args[index]
        return next((k.value for k in node.keywords if k.arg == name), None)

    def _found(self, got: list[str] | _Param | None) -> None:
        if isinstance(got, list):
            self.kernels.update(got)
        elif isinstance(got, _Param) and got.function not in self.helpers:
            self.helpers[got.function] = (got.index, got.name)

    def call(self, node: ast.Call, env: dict[str, Any]) -> None:
        func = node.func
        callee = self.resolve(func, env)
        short = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if short == "register":
            backend = self._arg(node, 1, "backend")
            if backend is not None and self._string(backend, env) == self.backend:
                generic = self._arg(node, 0, "generic")
                if generic is not None:
                    self._found(self.resolve(generic, env))
            return
        for dotted in callee if isinstance(callee, list) else ():
            if dotted in self.helpers:
                index, name = self.helpers[dotted]
                arg = self._arg(node, index, name)
                if arg is not None:
                    self._found(self.resolve(arg, env))


def _canonical(dotted: str) -> str:
    """The qualified name of the generic kernel behind a dotted reference (``module.kernel``)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        fn = getattr(obj, "generic", None)
        if fn is not None:
            return f"{fn.__module__}.{fn.__qualname__}"
        break
    return dotted


def static_overrides(backend: str = GPU_BACKEND, folder: str | Path | None = None) -> set[str]:
    """Kernels with an override for ``backend``, read from ``backends/<backend>/**.py`` with ``ast``.

    Finds ``@register(<module>.<kernel>, "<backend>")`` (or the same call undecorated), and
    registrations made through helper functions (a function that registers an override for a kernel
    it is given, called for a list of kernels, possibly from another module). Nothing is imported
    from the backend, so CuPy need not be installed. Returns the generic kernels' qualified names.

    >>> sorted(k.rsplit(".", 1)[-1] for k in static_overrides("cupy"))  # doctest: +ELLIPSIS
    [..., 'gamma', ..., 'warp', ...]
    """
    if folder is None:
        import xalbu.backends

        folder = Path(xalbu.backends.__path__[0]) / backend
    root = Path(folder)
    modules = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).with_suffix("").parts
        is_init = rel[-1] == "__init__"
        dotted = ".".join(("xalbu", "backends", backend, *(rel[:-1] if is_init else rel)))
        package = dotted if is_init else dotted.rsplit(".", 1)[0]
        modules.append((ast.parse(path.read_text("utf-8"), str(path)), dotted, package))
    scan = _Scan(backend)
    for _ in range(5):  # helpers found in one pass are used by calls seen in an earlier one
        before = (len(scan.kernels), len(scan.helpers))
        for tree, dotted, package in modules:
            scan.module(tree, dotted, package)
        if (len(scan.kernels), len(scan.helpers)) == before:
            break
    return {_canonical(k) for k in scan.kernels}
