"""Records of what a pipeline applied, as plain data, and their exact decoding.

``Compose(save_applied_params=True)`` puts under ``"applied_transforms"`` one step per transform
that ran, in order::

    {"path": "transforms[1].transforms[0]",   # where the transform sits in the pipeline
     "transform": "Affine",                    # its class name
     "shape": [24, 32],                        # input (height, width) it saw
     "params": {"scale_x": 1.07, ..., "matrix": [[...], [...], [...]], "out_hw": [24, 32]},
     "types": {"__class__": "AffineParams",
               "matrix": "float64[3,3]", "out_hw": "tuple"},
     "applied": None}                          # batch: one bool per sample

``params`` holds the sampled parameters as plain JSON values (numbers, lists, strings, None);
``types`` says how to rebuild what JSON cannot say, so that decoding gives back the very values
(same dtypes, shapes and Python types) and a replay is bit for bit. A ``types`` description is:

- ``None`` or absent: the plain value as it is;
- ``"tuple"``: a tuple of plain values;
- ``"<dtype>"``: a NumPy scalar (``"float32"``); ``"<dtype>[d0,d1]"``: an array of that shape;
- ``{"tuple": [...]}``, ``{"list": [...]}``, ``{"dict": {...}}``: a container whose items need types;
- ``{"__class__": "QualName", field: description, ...}``: a dataclass (the transform's
  ``<Name>Params``), fields whose value is plain are left out. The class is found from the
  transform that replays the step (its module and its bases' modules), not from a module path, so
  records survive code moving between modules; records of xalbu 0.1.0 name it
  ``"module:QualName"``, which reads the same way (the module part is tried last).

Decoding checks what it reads: typed values must be numbers of their dtype (no ``null``, strings or
NaN), containers nest at most :data:`MAX_DEPTH` levels, and :func:`check_like` compares decoded
parameters with parameters freshly drawn by the transform (same fields, null only where the
transform draws null, numbers where it draws numbers, arrays of the same shape...), so an edited or
foreign record fails with a message naming the step and the field instead of replaying wrongly.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import numpy as np

from .state import State
from .targets import to_host
from .validation import show

_PLAIN = (bool, int, float, str, type(None))
_KINDS = "biuf"  # bool, signed/unsigned integers, floats: exact through JSON
MAX_DEPTH = 32
"""Deepest nesting of containers in a record's parameters that :func:`decode` reads."""


def _dtype_ok(dt: np.dtype, what: str) -> np.dtype:
    if dt.kind not in _KINDS:
        raise TypeError(f"{what}: dtype {dt} cannot be recorded (only bool, integer and float arrays)")
    return dt


def _host(value: Any) -> np.ndarray | None:
    """A non-NumPy array (CuPy, array-API) copied to the host; ``None`` for anything else."""
    if hasattr(value, "__array_namespace__") or type(value).__module__.startswith("cupy"):
        return to_host(value)
    return None


def encode(value: Any, what: str = "params") -> tuple[Any, Any]:
    """``(plain JSON value, types description)`` of a parameter value (see the module docstring)."""
    if type(value) in _PLAIN:
        return value, None
    if isinstance(value, np.generic):
        return value.item(), _dtype_ok(value.dtype, what).name
    arr = value if isinstance(value, np.ndarray) else _host(value)
    if arr is not None:
        dims = ",".join(str(d) for d in arr.shape)
        return arr.tolist(), f"{_dtype_ok(arr.dtype, what).name}[{dims}]"
    if isinstance(value, (tuple, list)):
        pairs = [encode(v, f"{what}[{i}]") for i, v in enumerate(value)]
        plain = [p for p, _ in pairs]
        types = [t for _, t in pairs]
        kind = "tuple" if isinstance(value, tuple) else "list"
        if all(t is None for t in types):
            return plain, ("tuple" if kind == "tuple" else None)
        return plain, {kind: types}
    if isinstance(value, dict):
        plain, types = {}, {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{what}: dict keys must be strings to be recorded, got {k!r}")
            plain[k], t = encode(v, f"{what}[{k!r}]")
            if t is not None:
                types[k] = t
        return plain, ({"dict": types} if types else None)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        plain, types = {}, {"__class__": cls.__qualname__}
        for f in dataclasses.fields(value):
            plain[f.name], t = encode(getattr(value, f.name), f"{what}.{f.name}")
            if t is not None:
                types[f.name] = t
        return plain, types
    raise TypeError(
        f"{what}: a {type(value).__name__} cannot be recorded; parameters must be numbers, strings, None, "
        "NumPy arrays, tuples/lists/dicts of those, or dataclasses of those"
    )


def _params_class(name: Any, what: str, owner: Any = None) -> type:
    """The dataclass named ``"QualName"`` (or 0.1.0's ``"module:QualName"``).

    Looked up in the modules of ``owner``'s class and its bases, then in the named module if it is
    loaded: a record names no module path of today's code.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what}: expected a class name like 'AffineParams', got {name!r}")
    module, _, qualname = name.rpartition(":")
    declared = getattr(owner, "Params", None)
    if isinstance(declared, type) and declared.__qualname__ == qualname:
        return declared
    places = [sys.modules.get(c.__module__) for c in type(owner).__mro__] if owner is not None else []
    if module:
        places.append(sys.modules.get(module))
    for place in places:
        obj: Any = place
        for part in qualname.split("."):
            obj = getattr(obj, part, None)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            return obj
    where = f"the modules of {type(owner).__name__}" if owner is not None else "the loaded modules"
    raise ValueError(f"{what}: no parameters class {qualname} in {where}; the record comes from other code")


def decode(plain: Any, types: Any, what: str = "params", owner: Any = None, _depth: int = 0) -> Any:
    """The value :func:`encode` was given, from its plain form and types description.

    ``owner``: the transform the record is for (its module holds the parameters class). Raises
    ``ValueError`` naming ``what`` for values that do not match their description.
    """
    if _depth > MAX_DEPTH:
        raise ValueError(
            f"{what}: nested more than {MAX_DEPTH} levels deep; not a record of xalbu parameters"
        )
    if types is None:
        return plain
    if isinstance(types, str):
        if types == "tuple":
            if not isinstance(plain, (list, tuple)):
                raise ValueError(f"{what}: expected a list (recorded as a tuple), got {show(plain)}")
            return tuple(plain)
        if types.endswith("]"):
            name, _, dims = types[:-1].partition("[")
            try:
                shape = tuple(int(d) for d in dims.split(",") if d)
            except ValueError:
                raise ValueError(f"{what}: malformed types description {types!r}") from None
            dt = _dtype(name, what)
            _check_numbers(plain, dt, what, nested=True)
            arr = np.array(plain, dtype=dt)
            if arr.size != int(np.prod(shape)) or (arr.size and arr.shape != shape):
                raise ValueError(f"{what}: expected a {types} array, got shape {arr.shape}")
            return arr.reshape(shape)
        dt = _dtype(types, what)
        _check_numbers(plain, dt, what, nested=False)
        return dt.type(plain)
    if isinstance(types, dict):
        if "__class__" in types:
            cls = _params_class(types["__class__"], what, owner)
            names = [f.name for f in dataclasses.fields(cls)]
            if not isinstance(plain, dict) or sorted(plain) != sorted(names):
                got = sorted(plain) if isinstance(plain, dict) else "null" if plain is None else show(plain)
                raise ValueError(f"{what}: {cls.__name__} has fields {sorted(names)}, the record has {got}")
            obj = object.__new__(cls)  # the recorded values exactly, without re-running __post_init__
            for name in names:
                value = decode(plain[name], types.get(name), f"{what}.{name}", owner, _depth + 1)
                object.__setattr__(obj, name, value)
            return obj
        if "dict" in types:
            sub = types["dict"]
            if not isinstance(plain, dict) or not isinstance(sub, dict):
                raise ValueError(f"{what}: expected a dict, got {show(plain)}")
            return {k: decode(v, sub.get(k), f"{what}[{k!r}]", owner, _depth + 1) for k, v in plain.items()}
        for kind, container in (("tuple", tuple), ("list", list)):
            if kind in types:
                subs = types[kind]
                if not isinstance(subs, list) or not isinstance(plain, list) or len(plain) != len(subs):
                    n = len(subs) if isinstance(subs, list) else "?"
                    raise ValueError(f"{what}: expected a list of {n} items, got {show(plain)}")
                return container(
                    decode(v, t, f"{what}[{i}]", owner, _depth + 1)
                    for i, (v, t) in enumerate(zip(plain, subs, strict=True))
                )
    raise ValueError(f"{what}: unknown types description {show(types)}")


def _dtype(name: Any, what: str) -> np.dtype:
    try:
        dt = np.dtype(name)
    except TypeError:
        raise ValueError(f"{what}: unknown dtype {show(name)} in the types description") from None
    return _dtype_ok(dt, what)


def _check_numbers(plain: Any, dt: np.dtype, what: str, nested: bool) -> None:
    """Every leaf of ``plain`` (nested lists when ``nested``) is a JSON value of ``dt``'s kind: a
    bool for bool, an integer for integer dtypes, a number (not NaN) for floats."""
    todo = [(plain, 0)]
    while todo:
        v, depth = todo.pop()
        if nested and isinstance(v, list):
            if depth > MAX_DEPTH:
                raise ValueError(f"{what}: nested more than {MAX_DEPTH} levels deep")
            todo.extend((x, depth + 1) for x in v)
            continue
        if dt.kind == "b":
            ok = isinstance(v, bool)
        elif dt.kind in "iu":
            ok = isinstance(v, int) and not isinstance(v, bool)
        else:
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v == v  # v == v: not NaN
        if not ok:
            what_kind = {"b": "true/false", "i": "integers", "u": "integers"}.get(
                dt.kind, "numbers (not NaN)"
            )
            raise ValueError(
                f"{what}: expected {what_kind} ({dt.name}), got {'null' if v is None else show(v)}"
            )


# ------------------------------------------------------------------------------------------------
# checking decoded parameters against freshly drawn ones
# ------------------------------------------------------------------------------------------------
def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "integer"
    if isinstance(v, (float, np.floating)):
        return "number"
    if isinstance(v, np.ndarray):
        return {"b": "bool", "i": "integer", "u": "integer", "f": "number"}.get(v.dtype.kind, "array")
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, dict):
        return "dict"
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return "params"
    return type(v).__name__


_NAMES = {
    "null": "null",
    "bool": "true/false",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "list": "a list",
    "dict": "a dict",
}


def check_like(value: Any, template: Any, what: str = "params") -> None:
    """Refuse decoded parameters ``value`` that do not have the form of ``template`` (parameters the
    transform just drew for the same step): fields, null-ness, bool/integer/number kinds, container
    lengths and array shapes (a batch's per-sample arrays and shared scalars may stand for each
    other). A template of ``None`` accepts anything; other parameter classes are not compared."""
    todo = [(value, template, what)]
    while todo:
        v, t, where = todo.pop()
        if t is None:
            continue
        tk, vk = _kind(t), _kind(v)
        if tk == "params":
            if vk != "params":
                raise ValueError(f"{where}: expected the fields of {type(t).__name__}, got {show(v)}")
            if type(v) is type(t):
                todo.extend(
                    (getattr(v, f.name), getattr(t, f.name), f"{where}.{f.name}")
                    for f in dataclasses.fields(t)
                )
            continue
        if not (tk == vk or (tk == "number" and vk == "integer")):
            expected = _NAMES.get(tk, f"a {tk}")
            got = "null" if v is None else f"{show(v)} ({type(v).__name__})"
            raise ValueError(f"{where}: expected {expected}, got {got}")
        if tk in ("bool", "integer", "number"):
            va, ta = np.asarray(v), np.asarray(t)
            if vk == "number" and np.isnan(va).any():
                raise ValueError(f"{where}: expected numbers, got NaN")
            same = va.shape == ta.shape
            if not same and (ta.ndim >= 2 or va.ndim >= 2 or (ta.ndim == 1 and va.ndim == 1)):
                raise ValueError(f"{where}: expected an array of shape {ta.shape}, got shape {va.shape}")
        elif tk == "list":
            if len(v) != len(t):
                raise ValueError(f"{where}: expected {len(t)} items, got {len(v)}")
            todo.extend((x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(v, t, strict=True)))
        elif tk == "dict":
            if sorted(map(str, v)) != sorted(map(str, t)):
                raise ValueError(
                    f"{where}: expected the keys {sorted(map(str, t))}, got {sorted(map(str, v))}"
                )
            todo.extend((v[k], t[k], f"{where}[{k!r}]") for k in t)


def record_step(transform: Any, state: State, params: Any, applied: np.ndarray | None) -> tuple[Any, dict]:
    """One step of a record, taken before the transform runs (its node is resolved to a path later)."""
    name = type(transform).__name__
    plain, types = encode(params, f"{name} params")
    step = {
        "transform": name,
        "shape": [int(state.shape[0]), int(state.shape[1])],
        "params": plain,
        "types": types,
        "applied": None if state.batch is None else _mask(applied, state.batch),
    }
    return transform, step


def _mask(applied: np.ndarray | None, n: int) -> list[bool]:
    return [True] * n if applied is None else [bool(a) for a in applied]
