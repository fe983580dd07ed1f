"""Compile CUDA sources for the CPU with the host C++ compiler and launch their kernels (ctypes).

A translation unit is ``shim.h`` + the CUDA source + one ``extern "C"`` launcher per kernel name
expression (``warp<unsigned char>``, or the name of a non-template ``__global__`` function). The
launcher sets the thread-local ``gridDim``/``blockDim`` and runs the kernel once per (block,
thread), in order; the kernel's parameters are unpacked from ``void** args`` with the kernel's own
C++ parameter types (deduced by the compiler from the function pointer). Python-side, the
arguments are marshalled as CuPy does (device arrays -> data pointers, NumPy scalars -> values of
their C type, Python int/float/bool -> int64/float64/bool) and checked against the signature parsed
from the source. Libraries are cached on disk by a hash of the whole translation unit.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SHIM = Path(__file__).with_name("shim.h")
FLAGS = ("-O1", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math", "-std=c++14", "-w")

# C type (normalised) -> NumPy dtype, for checking pointer targets and scalar arguments
C_TYPES = {
    "bool": np.bool_,
    "char": np.int8,
    "signed char": np.int8,
    "unsigned char": np.uint8,
    "short": np.int16,
    "unsigned short": np.uint16,
    "int": np.int32,
    "unsigned int": np.uint32,
    "unsigned": np.uint32,
    "long": np.int64,
    "long long": np.int64,
    "unsigned long": np.uint64,
    "unsigned long long": np.uint64,
    "ptrdiff_t": np.int64,
    "size_t": np.uint64,
    "int8_t": np.int8,
    "uint8_t": np.uint8,
    "int16_t": np.int16,
    "uint16_t": np.uint16,
    "int32_t": np.int32,
    "uint32_t": np.uint32,
    "int64_t": np.int64,
    "uint64_t": np.uint64,
    "float": np.float32,
    "double": np.float64,
}


class HarnessError(Exception):
    """A kernel source, launch or argument the harness refuses (what CUDA/CuPy would get wrong)."""


def compiler() -> str | None:
    """The host C++ compiler (``$CXX`` or ``g++``/``c++``), or ``None`` when none is installed."""
    for name in (os.environ.get("CXX"), "g++", "c++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def cache_dir() -> Path:
    root = os.environ.get("XALBU_HARNESS_CACHE") or Path.home() / ".cache" / "xalbu-harness"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


# ----------------------------------------------------------------------------- signatures
@dataclass(frozen=True)
class Param:
    ctype: str  # normalised C++ type, template parameters substituted ("const unsigned char*")
    name: str

    @property
    def is_pointer(self) -> bool:
        return self.ctype.endswith("*")

    @property
    def base(self) -> str:
        """The scalar type, or the pointee type of a pointer, without qualifiers."""
        t = self.ctype.rstrip("*").strip()
        return " ".join(w for w in t.split() if w not in ("const", "volatile"))


@dataclass(frozen=True)
class Kernel:
    name: str
    template: tuple[str, ...]  # template parameter names ("T",)
    params: tuple[Param, ...]  # with the template parameters as written


def _strip_comments(src: str) -> str:
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    return re.sub(r"//[^\n]*", " ", src)


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def _param(text: str) -> Param:
    text = re.sub(r"\b__restrict__\b|\b__restrict\b", " ", text)
    text = re.sub(r"\s*\*\s*", "* ", text).strip()
    m = re.match(r"(.*?)([A-Za-z_]\w*)$", text)
    if not m or not m.group(1).strip():
        raise HarnessError(f"cannot parse the kernel parameter {text!r}")
    ctype = " ".join(m.group(1).replace("*", " * ").split()).replace(" *", "*")
    return Param(ctype, m.group(2))


def parse_kernels(src: str) -> dict[str, Kernel]:
    """Every ``__global__`` function of ``src``: name -> template parameters and parameters."""
    text = _strip_comments(src)
    out = {}
    pattern = r"(template\s*<([^>]*)>\s*)?(?:extern\s+\"C\"\s*)?__global__\s+void\s+(\w+)\s*\("
    for m in re.finditer(pattern, text):
        start, depth, i = m.end(), 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        args = text[start : i - 1].strip()
        params = () if args in ("", "void") else tuple(_param(p) for p in _split_top(args))
        template = tuple(t.split()[-1] for t in _split_top(m.group(2) or ""))
        out[m.group(3)] = Kernel(m.group(3), template, params)
    return out


def resolve(kernels: dict[str, Kernel], expression: str) -> tuple[Param, ...]:
    """The parameters of the kernel named by ``expression`` (``warp<unsigned char>``), instantiated."""
    m = re.fullmatch(r"\s*(\w+)\s*(?:<(.*)>)?\s*", expression)
    if not m or m.group(1) not in kernels:
        raise HarnessError(f"no __global__ function for the name expression {expression!r}")
    k = kernels[m.group(1)]
    targs = _split_top(m.group(2) or "")
    if len(targs) != len(k.template):
        raise HarnessError(f"{expression!r}: {k.name} takes template parameters {k.template}")
    params = []
    for p in k.params:
        t = p.ctype
        for name, arg in zip(k.template, targs, strict=True):
            t = re.sub(rf"\b{name}\b", arg, t)
        params.append(Param(" ".join(t.split()).replace(" *", "*"), p.name))
    return tuple(params)


# ----------------------------------------------------------------------------- compile
_LIBS: dict[str, ctypes.CDLL] = {}

_LAUNCHER = """
extern "C" int xalbu_launch_{i}(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                 unsigned bz, void** args) {{
    xalbu_harness::set_dims(gx, gy, gz, bx, by, bz);
    xalbu_harness::each_thread([&] {{ xalbu_harness::invoke(&{expr}, args); }});
    return 0;
}}
extern "C" int xalbu_nargs_{i}() {{ return xalbu_harness::arity(&{expr}); }}
"""

_INVOKE = """
#include <utility>
namespace xalbu_harness {
template <typename... A, std::size_t... I>
inline void invoke_at(void (*f)(A...), void** args, std::index_sequence<I...>) {
    f(*static_cast<A*>(args[I])...);
}
template <typename... A>
inline void invoke(void (*f)(A...), void** args) { invoke_at(f, args, std::index_sequence_for<A...>{}); }
template <typename... A>
inline int arity(void (*)(A...)) { return (int)sizeof...(A); }
}  // namespace xalbu_harness
"""


def build(unit: str, tag: str = "kernel") -> ctypes.CDLL:
    """Compile the C++ translation unit ``unit`` (cached on disk by hash) and load it."""
    cxx = compiler()
    if cxx is None:
        raise HarnessError("no host C++ compiler (g++) found")
    key = hashlib.sha256("\0".join((unit, *FLAGS, cxx)).encode()).hexdigest()[:24]
    if key in _LIBS:
        return _LIBS[key]
    path = cache_dir() / f"{tag}-{key}.so"
    if not path.exists():
        with tempfile.TemporaryDirectory() as tmp:
            cpp = Path(tmp) / f"{tag}.cpp"
            cpp.write_text(unit, encoding="utf-8")
            so = Path(tmp) / "out.so"
            run = subprocess.run([cxx, *FLAGS, str(cpp), "-o", str(so)], capture_output=True, text=True)
            if run.returncode:
                raise HarnessError(f"host compilation of {tag} failed:\n{run.stderr[-4000:]}")
            os.replace(so, path.with_suffix(f".{os.getpid()}.tmp"))
            os.replace(path.with_suffix(f".{os.getpid()}.tmp"), path)
    _LIBS[key] = ctypes.CDLL(str(path))
    return _LIBS[key]


def module_unit(code: str, expressions: list[str], name: str = "kernel.cu") -> str:
    """The translation unit for ``code`` with a launcher per name expression."""
    head = f'#include "{SHIM}"\n{_INVOKE}\n#line 1 "{name}"\n'
    launchers = "".join(_LAUNCHER.format(i=i, expr=e) for i, e in enumerate(expressions))
    # the shim's contents are part of the hash (it is included by path)
    return f'// shim {hashlib.sha256(SHIM.read_bytes()).hexdigest()}\n{head}{code}\n#line 1 "launchers"\n{launchers}'


# ----------------------------------------------------------------------------- launch
def marshal(value: Any, param: Param, where: str) -> np.ndarray:
    """A host buffer holding the argument's value as the kernel reads it (``args[i]`` points to it)."""
    ptr = getattr(value, "__harness_pointer__", None)
    if param.is_pointer:
        if ptr is None:
            raise HarnessError(
                f"{where}: parameter {param.ctype} {param.name} takes a device array, got {type(value).__name__}"
            )
        want = C_TYPES.get(param.base)
        if want is not None and np.dtype(value.dtype) != np.dtype(want):
            raise HarnessError(
                f"{where}: parameter {param.ctype} {param.name} points to {np.dtype(want).name}, "
                f"got an array of {value.dtype}"
            )
        return np.array(ptr(), dtype=np.uintp)
    if ptr is not None:
        raise HarnessError(f"{where}: parameter {param.ctype} {param.name} is a scalar, got a device array")
    if isinstance(value, np.generic):
        dtype = value.dtype
    elif isinstance(value, (bool, np.bool_)):
        dtype = np.dtype(np.bool_)
    elif isinstance(value, int):
        dtype = np.dtype(np.int64)  # what CuPy passes for a Python int
    elif isinstance(value, float):
        dtype = np.dtype(np.float64)
    else:
        raise HarnessError(f"{where}: unsupported kernel argument type {type(value).__name__}")
    want = C_TYPES.get(param.base)
    if want is not None and np.dtype(want) != dtype:
        raise HarnessError(
            f"{where}: parameter {param.ctype} {param.name} needs a {np.dtype(want).name} "
            f"(e.g. np.{np.dtype(want).name}(x)), got {dtype.name} ({value!r})"
        )
    return np.array(value, dtype=dtype)


def _dims(value: Any, what: str) -> tuple[int, int, int]:
    t = (int(value),) if np.isscalar(value) else tuple(int(v) for v in value)
    if not 1 <= len(t) <= 3 or min(t) < 1:
        raise HarnessError(f"{what} must be 1 to 3 positive sizes, got {value!r}")
    return (*t, 1, 1)[:3]  # type: ignore[return-value]


def launch(lib: ctypes.CDLL, index: int, params: tuple[Param, ...], grid, block, args, where: str) -> None:
    """Run launcher ``index`` of ``lib`` on ``args`` (checked against ``params``), like a CUDA launch."""
    gx, gy, gz = _dims(grid, "grid")
    bx, by, bz = _dims(block, "block")
    if bx * by * bz > 1024 or bz > 64:
        raise HarnessError(f"{where}: block {(bx, by, bz)} exceeds CUDA's limits (1024 threads, z <= 64)")
    if gy > 65535 or gz > 65535 or gx > 2**31 - 1:
        raise HarnessError(f"{where}: grid {(gx, gy, gz)} exceeds CUDA's limits")
    if not isinstance(args, tuple):
        raise HarnessError(f"{where}: kernel arguments must be a tuple, got {type(args).__name__}")
    nargs = getattr(lib, f"xalbu_nargs_{index}")()
    if nargs != len(params):
        raise HarnessError(f"{where}: parsed {len(params)} parameters, the compiler sees {nargs}")
    if len(args) != len(params):
        raise HarnessError(f"{where}: the kernel takes {len(params)} arguments, got {len(args)}")
    buffers = [marshal(a, p, where) for a, p in zip(args, params, strict=True)]
    table = (ctypes.c_void_p * max(1, len(buffers)))(*[b.ctypes.data for b in buffers])
    fn = getattr(lib, f"xalbu_launch_{index}")
    fn.argtypes = [ctypes.c_uint] * 6 + [ctypes.c_void_p]
    fn(gx, gy, gz, bx, by, bz, table)
