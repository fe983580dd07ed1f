"""CuPy-style ``ElementwiseKernel`` on the harness: the operation body in a C++ loop over ``i``.

Supported (what ``backends/cupy`` uses): typed and ``raw`` parameters, CuPy dtype names
(``uint8`` ... ``float64``) and type placeholders (any other identifier, ``T``/``U``...) resolved
from the arguments' dtypes, scalars, the loop index ``i``, broadcasting of the non-raw arrays,
outputs passed or allocated. Stricter than CuPy: an array whose dtype differs from its typed
parameter, or two arguments giving one placeholder different dtypes, is an error (CuPy would cast),
and ``raw`` arrays must be C-contiguous (they are indexed by their flat position). Not supported:
``_ind``, ``reduce_dims``, ``preamble``/``loop_prep``/``after_loop``.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .compiler import C_TYPES, SHIM, HarnessError, build

DTYPES = {
    "bool": np.bool_,
    "int8": np.int8,
    "uint8": np.uint8,
    "int16": np.int16,
    "uint16": np.uint16,
    "int32": np.int32,
    "uint32": np.uint32,
    "int64": np.int64,
    "uint64": np.uint64,
    "float32": np.float32,
    "float64": np.float64,
}
_C_NAME = {
    np.dtype(np.bool_): "bool",
    np.dtype(np.int8): "signed char",
    np.dtype(np.uint8): "unsigned char",
    np.dtype(np.int16): "short",
    np.dtype(np.uint16): "unsigned short",
    np.dtype(np.int32): "int",
    np.dtype(np.uint32): "unsigned int",
    np.dtype(np.int64): "long long",
    np.dtype(np.uint64): "unsigned long long",
    np.dtype(np.float32): "float",
    np.dtype(np.float64): "double",
}
assert all(np.dtype(C_TYPES[c]) == d for d, c in _C_NAME.items())


@dataclass(frozen=True)
class EParam:
    type: str  # a dtype name or a placeholder
    name: str
    raw: bool

    @property
    def placeholder(self) -> bool:
        return self.type not in DTYPES


def parse_params(spec: str) -> tuple[EParam, ...]:
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        words = part.split()
        raw = words[0] == "raw"
        words = words[1:] if raw else words
        if len(words) != 2 or not all(re.fullmatch(r"[A-Za-z_]\w*", w) for w in words):
            raise HarnessError(f"cannot parse the ElementwiseKernel parameter {part!r}")
        out.append(EParam(words[0], words[1], raw))
    return tuple(out)


def _dtype_of(value: Any) -> np.dtype:
    if hasattr(value, "__harness_pointer__") or isinstance(value, np.generic):
        return np.dtype(value.dtype)
    if isinstance(value, bool):
        return np.dtype(np.bool_)
    if isinstance(value, int):
        return np.dtype(np.int64)
    if isinstance(value, float):
        return np.dtype(np.float64)
    raise HarnessError(f"unsupported ElementwiseKernel argument type {type(value).__name__}")


class ElementwiseKernel:
    """``ElementwiseKernel(in_params, out_params, operation, name)`` run on the CPU harness."""

    def __init__(self, in_params: str, out_params: str, operation: str, name: str = "kernel", **options: Any):
        unknown = set(options) - {"reduce_dims", "no_return", "return_tuple"}
        if unknown or options.get("reduce_dims") is False:
            raise HarnessError(f"ElementwiseKernel options not modelled by the harness: {sorted(unknown)}")
        self.in_params = parse_params(in_params)
        self.out_params = parse_params(out_params)
        self.operation = operation
        self.name = name
        if not self.out_params:
            raise HarnessError(f"{name}: an ElementwiseKernel needs an output parameter")

    # -------------------------------------------------------------------------------------- call
    def __call__(self, *args: Any, size: int | None = None, **kwargs: Any) -> Any:
        from . import fake_cupy as cp  # the array type of the harness

        if kwargs:
            raise HarnessError(f"{self.name}: unsupported keyword arguments {sorted(kwargs)}")
        nin, nout = len(self.in_params), len(self.out_params)
        if len(args) not in (nin, nin + nout):
            raise HarnessError(
                f"{self.name}: takes {nin} inputs (+ {nout} outputs), got {len(args)} arguments"
            )
        params = self.in_params + self.out_params
        types: dict[str, np.dtype] = {}
        pairs = list(zip(params, args, strict=False))
        for p, a in pairs:
            if isinstance(a, np.ndarray):
                raise HarnessError(f"{self.name}: {p.name} is a host NumPy array, not a device array")
            if p.raw and not hasattr(a, "__harness_pointer__"):
                raise HarnessError(f"{self.name}: raw parameter {p.name} takes a device array")
        # placeholders: from the arrays first (strict), then from scalars (as CuPy's weak scalars)
        for arrays_pass in (True, False):
            for p, a in pairs:
                if hasattr(a, "__harness_pointer__") != arrays_pass:
                    continue
                dt = _dtype_of(a)
                if p.placeholder:
                    if arrays_pass and types.get(p.type, dt) != dt:
                        raise HarnessError(
                            f"{self.name}: {p.type} is both {types[p.type]} and {dt} ({p.name})"
                        )
                    types.setdefault(p.type, dt)
                elif arrays_pass and dt != np.dtype(DTYPES[p.type]):
                    raise HarnessError(f"{self.name}: {p.name} is {p.type}, got an array of {dt}")
        arrays = [a._a for p, a in zip(params, args, strict=False) if not p.raw and hasattr(a, "_a")]
        if arrays:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        elif size is not None:
            shape = (int(size),)
        else:
            raise HarnessError(f"{self.name}: no non-raw array argument: pass size=")
        outs = list(args[nin:])
        for p in self.out_params[len(outs) :]:
            if p.placeholder and p.type not in types:
                raise HarnessError(f"{self.name}: cannot infer the type {p.type} of output {p.name}")
            outs.append(cp.empty(shape, dtype=types[p.type] if p.placeholder else DTYPES[p.type]))
        full = (*args[:nin], *outs)
        dtypes = [types[p.type] if p.placeholder else np.dtype(DTYPES[p.type]) for p in params]
        kinds = []
        for k, (p, a) in enumerate(zip(params, full, strict=True)):
            array = hasattr(a, "__harness_pointer__")
            kinds.append("raw" if p.raw else ("out" if k >= nin else "in") if array else "scalar")
            if k >= nin and not array:
                raise HarnessError(f"{self.name}: output {p.name} must be a device array")
        lib = build(self._unit(params, dtypes, kinds), tag=self.name)
        keep, slots, copy_back = [], [], []
        for p, a, dt, kind in zip(params, full, dtypes, kinds, strict=True):
            if kind == "scalar":
                buf = np.array(a, dtype=dt)
                if np.array(a).dtype.kind in "biu" and buf != np.array(a):  # does not fit the type
                    raise HarnessError(f"{self.name}: {p.name} = {a!r} does not fit {dt}")
                keep.append(buf)
                slots.append(buf.ctypes.data)
                continue
            host = a._a
            if kind == "raw" and not host.flags.c_contiguous:
                raise HarnessError(f"{self.name}: raw parameter {p.name} must be C-contiguous on the harness")
            if kind == "in":
                host = np.ascontiguousarray(np.broadcast_to(host, shape))
            elif kind == "out":
                if host.shape != tuple(shape):
                    raise HarnessError(f"{self.name}: output {p.name} has shape {host.shape}, not {shape}")
                if not host.flags.c_contiguous:
                    copy_back.append((np.ascontiguousarray(host), host))
                    host = copy_back[-1][0]
            ptr = np.array(host.ctypes.data, dtype=np.uintp)
            keep += [host, ptr]
            slots.append(ptr.ctypes.data)
        table = (ctypes.c_void_p * len(slots))(*slots)
        fn = lib.xalbu_elementwise
        fn.argtypes = [ctypes.c_longlong, ctypes.c_void_p]
        fn(int(np.prod(shape)), table)
        for host, target in copy_back:
            target[...] = host
        return outs[0] if len(outs) == 1 else tuple(outs)

    # -------------------------------------------------------------------------------------- code
    def _unit(self, params, dtypes, kinds) -> str:
        lines = [f'#include "{SHIM}"', f"// {self.name}"]
        for ph in sorted({p.type for p in params if p.placeholder}):
            dt = next(d for p, d in zip(params, dtypes, strict=True) if p.type == ph)
            lines.append(f"typedef {_C_NAME[dt]} {ph};")
        lines.append('extern "C" void xalbu_elementwise(long long xalbu_n, void** xalbu_args) {')
        body = []
        for k, (p, dt, kind) in enumerate(zip(params, dtypes, kinds, strict=True)):
            c = _C_NAME[dt]
            if kind == "scalar":
                lines.append(f"    const {c} {p.name} = *static_cast<const {c}*>(xalbu_args[{k}]);")
            elif kind == "raw":
                lines.append(f"    {c}* const {p.name} = *static_cast<{c}**>(xalbu_args[{k}]);")
            else:
                lines.append(f"    {c}* const xalbu_p{k} = *static_cast<{c}**>(xalbu_args[{k}]);")
                ref = "&" if kind == "out" else ""
                body.append(f"        {c}{ref} {p.name} = xalbu_p{k}[i];")
        lines.append("    for (ptrdiff_t i = 0; i < xalbu_n; ++i) {")
        lines += body
        lines += [f'#line 1 "{self.name}"', f"        {{ {self.operation} }}", "    }", "}"]
        return "\n".join(lines) + "\n"
