"""Save and load pipelines: ``to_dict``/``from_dict`` and ``save``/``load`` (JSON or YAML).

Layout (albumentations' layout plus a format version)::

    {"__version__": "0.1.0", "__format__": 1,
     "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": [...],
                   "bbox_params": {...} | None, "keypoint_params": ..., "additional_targets": {...},
                   "seed": ..., "strict": ...}}

Every node holds its bare class name, ``p`` and every constructor argument (``init_args()`` for
transforms, the constructor's arguments for compositions) as plain JSON values. ``Lambda`` is saved by
its ``name``; ``from_dict(..., nonserializable={name: Lambda(...) or {"image": fn, ...}})`` gives the
functions back.

A dict without ``__format__`` is read as a pipeline saved by albumentations (1.x or 2.x): dotted class
names keep their last component, and the arguments albumentations writes that xalbu's constructors do
not take are renamed or dropped by the per-class table ``ALBUMENTATIONS_ARGS`` (each entry with its
reason); any other unknown argument is an error. Every error names the node path
(``transform.transforms[2].transforms[0]``), the class and the argument.

Limits: compositions nest at most :data:`MAX_NESTING` (100) levels deep, and an argument's value
(lists and dicts inside lists and dicts) at most :data:`MAX_VALUE_DEPTH` (20) levels; deeper
documents are refused with an error naming the path, by ``to_dict`` as by ``from_dict``/``load``
(never a ``RecursionError``). Files are read as UTF-8 (a byte-order mark is allowed).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._version import __version__
from .compat import ALBUMENTATIONS_COMMON, Rule
from .composition import BaseCompose
from .targets import BboxParams, KeypointParams
from .transform import REGISTRY, BasicTransform

__all__ = [
    "ALBUMENTATIONS_ARGS",
    "FORMAT_VERSION",
    "MAX_NESTING",
    "MAX_VALUE_DEPTH",
    "SerializationError",
    "from_dict",
    "load",
    "save",
    "to_dict",
]

FORMAT_VERSION = 1
"""Version of the dict layout written by :func:`to_dict` (``"__format__"``)."""

MAX_NESTING = 100
"""Deepest nesting of compositions that ``to_dict``/``from_dict``/``load`` handle (the pipeline is level 1)."""

MAX_VALUE_DEPTH = 20
"""Deepest nesting of lists and dicts inside one argument's value (``bbox_params`` counts as one level)."""

DATA_FORMATS = ("json", "yaml")
LAMBDA_TARGETS = ("image", "mask", "keypoints", "bboxes")


class SerializationError(ValueError):
    """A pipeline that cannot be written, or a description that cannot be read back.

    ``path`` is the node path (``transform.transforms[2]``) where the problem is, when there is one.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class SerializationTypeError(SerializationError, TypeError):
    """A :class:`SerializationError` caused by a value of the wrong type (also a ``TypeError``)."""


def _fail(path: str, what: str, message: str, cause: BaseException | None = None) -> SerializationError:
    cls = SerializationTypeError if isinstance(cause, TypeError) else SerializationError
    where = f"{path} ({what})" if what else path
    return cls(f"{where}: {message}", path)


# ================================================================================================
# writing
# ================================================================================================
def to_dict(pipeline: BasicTransform | BaseCompose) -> dict[str, Any]:
    """Describe a pipeline (or a single transform) as a dict of plain JSON values.

    >>> import xalbu as A
    >>> d = A.to_dict(A.Compose([A.HorizontalFlip(p=0.3)], seed=1))
    >>> d["__format__"], d["transform"]["transforms"]
    (1, [{'__class_fullname__': 'HorizontalFlip', 'p': 0.3}])
    """
    if not isinstance(pipeline, (BasicTransform, BaseCompose)):
        raise TypeError(f"to_dict: expected a transform or a composition, got {type(pipeline).__name__}")
    _check_pipeline_depth(pipeline)
    return {
        "__version__": __version__,
        "__format__": FORMAT_VERSION,
        "transform": _node_dict(pipeline, "transform"),
    }


def _check_pipeline_depth(pipeline: Any) -> None:
    """Refuse pipelines nested deeper than :data:`MAX_NESTING` (they could not be loaded back)."""
    stack = [(pipeline, "transform", 1)]
    while stack:
        node, path, depth = stack.pop()
        if not isinstance(node, BaseCompose):
            continue
        if depth > MAX_NESTING:
            raise _fail(path, type(node).__name__, _too_deep_compositions())
        stack.extend((t, f"{path}.transforms[{i}]", depth + 1) for i, t in enumerate(node.transforms))


def _too_deep_compositions() -> str:
    return (
        f"compositions nested more than {MAX_NESTING} levels deep; xalbu saves and loads at most "
        f"{MAX_NESTING} levels (xalbu.core.serialization.MAX_NESTING)"
    )


def _node_dict(node: Any, path: str) -> dict[str, Any]:
    name = type(node).__name__
    if isinstance(node, BaseCompose):
        return _compose_dict(node, path)
    if not isinstance(node, BasicTransform):
        raise _fail(path, "", f"expected a transform or a composition, got {name}")
    if REGISTRY.get(name) is not type(node):
        raise _fail(
            path,
            name,
            "the class is not in xalbu.REGISTRY (abstract, private or shadowed by another class of the "
            "same name), so it could not be found again when loading; register it with "
            "xalbu.register_transform",
        )
    if _is_lambda(node):
        if node.name is None:
            raise _fail(
                path,
                name,
                "a Lambda without a name cannot be saved (functions are not serializable): give it one, "
                "Lambda(name='my_fn', image=...), and pass the functions when loading "
                "(from_dict(..., nonserializable={'my_fn': ...}))",
            )
        return {"__class_fullname__": name, "name": node.name, "p": _plain(node.p, path, name, "p")}
    args = node.init_args()
    out: dict[str, Any] = {"__class_fullname__": name}
    if "p" in args:
        out["p"] = _plain(args.pop("p"), path, name, "p")
    for key, value in args.items():
        if value is inspect.Parameter.empty:
            raise _fail(path, name, f"{key}: the argument is not stored as an attribute of the same name")
        out[key] = _plain(value, path, name, key)
    return out


def _compose_dict(node: BaseCompose, path: str) -> dict[str, Any]:
    name = type(node).__name__
    out: dict[str, Any] = {"__class_fullname__": name, "p": _plain(node.p, path, name, "p")}
    out["transforms"] = [_node_dict(t, f"{path}.transforms[{i}]") for i, t in enumerate(node.transforms)]
    params = _init_params(type(node))
    for key in params:
        if key in ("transforms", "p") or (key in ("first", "second") and "transforms" in params):
            continue  # OneOrOther's first/second are the two entries of transforms
        if not hasattr(node, key):
            raise _fail(path, name, f"{key}: the argument is not stored as an attribute of the same name")
        value = getattr(node, key)
        if isinstance(value, (BboxParams, KeypointParams)):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        out[key] = _plain(value, path, name, key)
    return out


def _plain(value: Any, path: str, cls: str, arg: str) -> Any:
    """``value`` as JSON data: tuples become lists, NumPy scalars Python numbers."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, Enum):
        return _plain(value.value, path, cls, arg)
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), path, cls, arg)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise _fail(path, cls, f"{arg}: dict keys must be strings to be saved, got {k!r}")
            out[k] = _plain(v, path, cls, f"{arg}[{k!r}]")
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, path, cls, f"{arg}[{i}]") for i, v in enumerate(value)]
    raise _fail(
        path,
        cls,
        f"{arg}: a {type(value).__name__} value cannot be saved (only numbers, strings, lists, dicts)",
    )


# ================================================================================================
# reading
# ================================================================================================
@dataclass
class _Ctx:
    albumentations: bool  # the layout written by albumentations (no "__format__")
    nonserializable: Mapping[str, Any] | None


def from_dict(data: Mapping[str, Any], nonserializable: Mapping[str, Any] | None = None) -> Any:
    """Rebuild a pipeline from :func:`to_dict`'s dict, or from a dict saved by albumentations.

    Args:
        data: ``{"__version__": ..., "__format__": 1, "transform": {...}}``; without ``"__format__"``
            the dict is read as albumentations' layout (see the module doc).
        nonserializable: the functions of saved ``Lambda`` transforms by name: a ``Lambda`` (its
            functions are used) or a dict ``{"image": fn, "mask": fn, "bboxes": fn, "keypoints": fn}``.

    Raises:
        SerializationError: a ``ValueError`` (``SerializationTypeError``, also a ``TypeError``, for
            values of the wrong type) whose message names the node path, the class and the argument.
            Transforms that xalbu lacks are all listed in one error.

    >>> import xalbu as A
    >>> A.from_dict({"transform": {"__class_fullname__": "HorizontalFlip", "p": 1.0}})
    HorizontalFlip(p=1.0)
    """
    if not isinstance(data, Mapping):
        raise SerializationTypeError(
            f"expected a dict {{'__version__': ..., 'transform': {{...}}}}, got {type(data).__name__}"
        )
    if "transform" not in data:
        raise SerializationError(
            "missing 'transform': expected a dict {'__version__': ..., '__format__': 1, 'transform': {...}} "
            f"as written by xalbu.to_dict, got the keys {sorted(map(str, data))}"
        )
    unknown = sorted(str(k) for k in data if k not in ("__version__", "__format__", "transform"))
    if unknown:
        raise SerializationError(
            f"unknown top-level key(s) {unknown}: expected '__version__', '__format__' and 'transform'"
        )
    albumentations = "__format__" not in data
    if not albumentations:
        fmt = data["__format__"]
        if isinstance(fmt, bool) or fmt != FORMAT_VERSION:
            raise SerializationError(
                f"__format__: unknown format version {fmt!r}; this xalbu reads format {FORMAT_VERSION} "
                "(a newer xalbu may have written the file)"
            )
    if nonserializable is not None and not isinstance(nonserializable, Mapping):
        raise TypeError(
            f"nonserializable: expected a dict of name -> Lambda, got {type(nonserializable).__name__}"
        )
    _check_document_depth(data["transform"])
    missing: list[str] = []
    _find_missing(data["transform"], "transform", missing)
    if missing:
        raise SerializationError(
            f"{len(missing)} transform(s) in this pipeline do not exist in xalbu: {', '.join(missing)}",
            "transform",
        )
    return _build(data["transform"], "transform", _Ctx(albumentations, nonserializable))


def _check_document_depth(root: Any) -> None:
    """Refuse documents nested deeper than :data:`MAX_NESTING` compositions or with argument values
    deeper than :data:`MAX_VALUE_DEPTH` (checked without recursion, before anything is built)."""
    stack: list[tuple[Any, str, int]] = [(root, "transform", 1)]
    while stack:
        node, path, depth = stack.pop()
        if not isinstance(node, Mapping):
            continue
        if depth > MAX_NESTING and any(k in node for k in ("transforms", "first", "second")):
            name = node.get("__class_fullname__")
            raise _fail(path, name if isinstance(name, str) else "", _too_deep_compositions())
        for key, value in node.items():
            if key == "transforms" and isinstance(value, list):
                stack.extend((c, f"{path}.transforms[{i}]", depth + 1) for i, c in enumerate(value))
            elif key in ("first", "second") and isinstance(value, Mapping) and "__class_fullname__" in value:
                stack.append((value, f"{path}.{key}", depth + 1))
            else:
                _check_value_depth(value, path, str(key))


def _check_value_depth(value: Any, path: str, arg: str) -> None:
    todo = [(value, 1)]
    while todo:
        v, depth = todo.pop()
        if isinstance(v, Mapping):
            items: Any = v.values()
        elif isinstance(v, (list, tuple)):
            items = v
        else:
            continue
        if depth > MAX_VALUE_DEPTH:
            raise _fail(
                path,
                "",
                f"{arg}: the value is nested more than {MAX_VALUE_DEPTH} levels deep (lists and dicts); "
                f"xalbu reads at most {MAX_VALUE_DEPTH} (xalbu.core.serialization.MAX_VALUE_DEPTH)",
            )
        todo.extend((x, depth + 1) for x in items)


def _class_name(name: str) -> str:
    """The bare class name (albumentations writes ``albumentations.augmentations...HorizontalFlip``)."""
    return name.rsplit(".", 1)[-1]


def _compositions() -> dict[str, type[BaseCompose]]:
    out: dict[str, type[BaseCompose]] = {}
    todo = [BaseCompose]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if not sub.__name__.startswith("_"):
                out.setdefault(sub.__name__, sub)
    return out


def _lookup(name: str) -> type | None:
    bare = _class_name(name)
    return REGISTRY.get(bare) or _compositions().get(bare)


def _find_missing(node: Any, path: str, out: list[str]) -> None:
    """Collect every class name that xalbu lacks (malformed nodes are reported by ``_build``)."""
    if not isinstance(node, Mapping):
        return
    name = node.get("__class_fullname__")
    if isinstance(name, str) and _lookup(name) is None:
        out.append(f"{path} ({name})")
    children = node.get("transforms")
    if isinstance(children, list):
        for i, child in enumerate(children):
            _find_missing(child, f"{path}.transforms[{i}]", out)
    for key in ("first", "second"):
        if isinstance(node.get(key), Mapping):
            _find_missing(node[key], f"{path}.{key}", out)


def _init_params(cls: type) -> dict[str, inspect.Parameter]:
    params = inspect.signature(cls.__init__).parameters
    return {
        k: v for k, v in params.items() if k != "self" and v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)
    }


def _takes_any(cls: type) -> bool:
    return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(cls.__init__).parameters.values())


def _build(node: Any, path: str, ctx: _Ctx) -> Any:
    if not isinstance(node, Mapping):
        raise _fail(
            path, "", f"expected a dict describing a transform, got {type(node).__name__} {node!r:.60}"
        )
    if "__class_fullname__" not in node:
        raise _fail(
            path,
            "",
            f"missing '__class_fullname__' (the class name); the node has the keys {sorted(map(str, node))}",
        )
    name = node["__class_fullname__"]
    if not isinstance(name, str):
        raise _fail(path, "", f"__class_fullname__: expected a class name (a string), got {name!r}")
    cls = _lookup(name)
    if cls is None:  # _find_missing reports these first; kept for direct callers
        raise _fail(path, name, "this transform does not exist in xalbu")
    bare = cls.__name__
    args = {str(k): v for k, v in node.items() if k != "__class_fullname__"}
    if _is_lambda_class(cls):
        return _build_lambda(cls, args, path, ctx)
    if ctx.albumentations:
        args = _map_albumentations(bare, cls, args, path)
    if issubclass(cls, BaseCompose):
        args = _compose_args(cls, args, path, ctx)
    else:
        _check_args(cls, args, path, ctx.albumentations)
    return _construct(cls, args, path)


def _check_args(cls: type, args: dict[str, Any], path: str, ctx_albumentations: bool = False) -> None:
    params = _init_params(cls)
    name = cls.__name__
    if not _takes_any(cls):
        unknown = [k for k in args if k not in params]
        if unknown:
            origin = " (written by albumentations)" if ctx_albumentations else ""
            raise _fail(
                path,
                name,
                f"unknown argument(s) {', '.join(map(repr, unknown))}{origin}; xalbu's {name} takes "
                f"{', '.join(params)}",
            )
    need = [k for k, p in params.items() if p.default is p.empty and k not in args]
    if need:
        raise _fail(path, name, f"missing argument(s) {', '.join(map(repr, need))}")
    for key, value in args.items():
        prm = params.get(key)
        if prm is not None and prm.annotation in ("bool", bool) and not isinstance(value, (bool, np.bool_)):
            raise _fail(path, name, f"{key}: expected true or false, got {value!r}", TypeError())


def _construct(cls: type, args: dict[str, Any], path: str) -> Any:
    try:
        return cls(**args)
    except (TypeError, ValueError) as e:
        if isinstance(e, SerializationError):
            raise
        raise _fail(path, cls.__name__, str(e), e) from e


def _compose_args(cls: type, args: dict[str, Any], path: str, ctx: _Ctx) -> dict[str, Any]:
    name = cls.__name__
    params = _init_params(cls)
    for key in ("first", "second"):
        if key in args and isinstance(args[key], Mapping):
            args[key] = _build(args[key], f"{path}.{key}", ctx)
    if "transforms" in args:
        children = args["transforms"]
        if not isinstance(children, list):
            raise _fail(
                path,
                name,
                f"transforms: expected a list of transforms, got {type(children).__name__}",
                TypeError(),
            )
        args["transforms"] = [_build(c, f"{path}.transforms[{i}]", ctx) for i, c in enumerate(children)]
    for key, params_cls, table in (
        ("bbox_params", BboxParams, ALBUMENTATIONS_BBOX_PARAMS),
        ("keypoint_params", KeypointParams, ALBUMENTATIONS_KEYPOINT_PARAMS),
    ):
        value = args.get(key)
        if value is None or key not in params:
            continue
        sub = f"{path}.{key}"
        if not isinstance(value, Mapping):
            raise _fail(
                sub,
                "",
                f"expected a dict of {params_cls.__name__} arguments or null, got {value!r}",
                TypeError(),
            )
        value = {str(k): v for k, v in value.items()}
        if ctx.albumentations:
            value = _apply_table(params_cls, table, value, sub, params_cls.__name__)
        _check_args(params_cls, value, sub, ctx.albumentations)
        args[key] = _construct(params_cls, value, sub)
    _check_args(cls, args, path, ctx.albumentations)
    return args


def _is_lambda_class(cls: type) -> bool:
    lam = REGISTRY.get("Lambda")
    return lam is not None and isinstance(cls, type) and issubclass(cls, lam)


def _is_lambda(node: Any) -> bool:
    return _is_lambda_class(type(node))


def _build_lambda(cls: type, args: dict[str, Any], path: str, ctx: _Ctx) -> Any:
    if ctx.albumentations:
        if "__name__" in args:  # albumentations writes {"__class_fullname__": "Lambda", "__name__": name}
            args["name"] = args.pop("__name__")
        args = _apply_table(cls, ALBUMENTATIONS_COMMON, args, path, "Lambda")
    unknown = [k for k in args if k not in ("name", "p")]
    if unknown:
        raise _fail(
            path,
            "Lambda",
            f"unknown key(s) {', '.join(map(repr, unknown))}: a saved Lambda holds only 'name' and 'p' "
            "(its functions are passed to from_dict/load as nonserializable={name: ...})",
        )
    name = args.get("name")
    if not isinstance(name, str):
        raise _fail(path, "Lambda", f"name: expected the Lambda's name (a string), got {name!r}")
    given = ctx.nonserializable or {}
    if name not in given:
        known = f" (it has {sorted(map(str, given))})" if given else ""
        raise _fail(
            path,
            "Lambda",
            f"no functions for the Lambda named {name!r}: pass them as "
            f"nonserializable={{{name!r}: Lambda(image=...) or {{'image': fn, ...}}}}{known}",
        )
    value = given[name]
    p_args = {"p": args["p"]} if "p" in args else {}
    if isinstance(value, cls):
        out = copy.copy(value)
        out.__dict__.pop("_solo", None)
        out.name = name
        if p_args:
            fresh = _construct(cls, {"name": name, **p_args}, path)  # validates p
            out.p = fresh.p
        return out
    if isinstance(value, Mapping):
        bad = [str(k) for k in value if k not in LAMBDA_TARGETS]
        if bad:
            raise _fail(
                path,
                "Lambda",
                f"nonserializable[{name!r}]: unknown target(s) {bad}; expected some of {list(LAMBDA_TARGETS)}",
            )
        return _construct(cls, {**value, "name": name, **p_args}, path)
    raise _fail(
        path,
        "Lambda",
        f"nonserializable[{name!r}]: expected a Lambda or a dict {{'image': fn, ...}}, got {type(value).__name__}",
        TypeError(),
    )


# ================================================================================================
# albumentations' argument names
# ================================================================================================
_COMPOSE_RULES: dict[str, Rule] = {}

ALBUMENTATIONS_ARGS: dict[str, dict[str, Rule]] = {
    "Compose": _COMPOSE_RULES,
    "ReplayCompose": _COMPOSE_RULES,
}
"""The compositions' rules; a transform class declares its own in ``albumentations_args`` (see
``core/compat.py``). A rule only applies when the xalbu class does not take the argument itself;
any other unknown argument is an error naming it."""


# BboxParams and KeypointParams take every argument albumentations 2.0.8 writes for them
ALBUMENTATIONS_BBOX_PARAMS: dict[str, Rule] = {}
ALBUMENTATIONS_KEYPOINT_PARAMS: dict[str, Rule] = {}


def _map_albumentations(name: str, cls: type, args: dict[str, Any], path: str) -> dict[str, Any]:
    own = getattr(cls, "albumentations_args", None) or ALBUMENTATIONS_ARGS.get(name, {})
    table = {**ALBUMENTATIONS_COMMON, **own}
    if isinstance(cls, type) and issubclass(cls, BaseCompose):
        args = _albumentations_compose_args(cls, args, path, name)
    return _apply_table(cls, table, args, path, name)


def _albumentations_compose_args(cls: type, args: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    """albumentations' ``mask_interpolation`` for a composition that takes it (xalbu's Compose)."""
    takes = _init_params(cls)
    out = dict(args)
    if "mask_interpolation" in takes:
        out.setdefault("mask_interpolation", None)  # albumentations' override, read as Compose takes it
    return out


def _apply_table(
    cls: type, table: Mapping[str, Rule], args: dict[str, Any], path: str, name: str
) -> dict[str, Any]:
    takes = _init_params(cls)
    out = dict(args)
    for key, value in args.items():
        rule = table.get(key)
        if rule is None or key in takes:
            continue
        del out[key]
        if rule.action == "drop":
            if rule.keep_if is not None and not any(_same(value, v) for v in rule.keep_if):
                allowed = " or ".join(json.dumps(v) for v in rule.keep_if)
                raise _fail(
                    path,
                    name,
                    f"{key}={value!r} (written by albumentations) is not supported: xalbu reads only {allowed} "
                    f"here ({rule.reason})",
                )
        elif rule.action == "rename":
            if value is None:
                continue
            if rule.to in out and not _same(out[rule.to], value):
                raise _fail(
                    path,
                    name,
                    f"{key} and {rule.to}: both given (albumentations 1.x and 2.x names of one argument)",
                )
            out[rule.to] = value
        elif rule.action == "always_apply":
            if value:
                out["p"] = 1.0
        elif rule.action == "size":
            if "height" not in args or "width" not in args:
                raise _fail(path, name, "height, width: albumentations 1.x gives both (they become size)")
            if "size" in args:
                raise _fail(path, name, "height, width and size: give size only")
            out["size"] = (args["height"], args["width"])
        else:  # pragma: no cover - table typo
            raise AssertionError(rule.action)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - unusual values simply do not match
        return False


# ================================================================================================
# files
# ================================================================================================
PathOrFile = str | os.PathLike | IO[str]


def _data_format(data_format: str | None, target: Any) -> str:
    if data_format is None:
        suffix = Path(target).suffix.lower() if isinstance(target, (str, os.PathLike)) else ""
        return "yaml" if suffix in (".yaml", ".yml") else "json"
    if data_format not in DATA_FORMATS:
        raise ValueError(f"data_format: expected one of {list(DATA_FORMATS)}, got {data_format!r}")
    return data_format


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise ImportError(
            "data_format='yaml' needs PyYAML: pip install PyYAML (or pip install 'xalbu[yaml]'); "
            "JSON works without it"
        ) from None
    return yaml


def save(
    pipeline: BasicTransform | BaseCompose, path_or_file: PathOrFile, data_format: str | None = None
) -> None:
    """Write ``to_dict(pipeline)`` to a path or an open text file as JSON or YAML.

    ``data_format``: ``"json"`` or ``"yaml"``; ``None`` picks YAML for paths ending in ``.yaml``/``.yml``
    and JSON otherwise.

    >>> import io, xalbu as A
    >>> buf = io.StringIO()
    >>> A.save(A.Compose([A.HorizontalFlip()]), buf, data_format="yaml")
    >>> A.load(io.StringIO(buf.getvalue()), data_format="yaml")[0]
    HorizontalFlip(p=0.5)
    """
    fmt = _data_format(data_format, path_or_file)
    data = to_dict(pipeline)
    if fmt == "yaml":
        text = _yaml().safe_dump(data, sort_keys=False, default_flow_style=False)
    else:
        text = json.dumps(data, indent=2) + "\n"
    if isinstance(path_or_file, (str, os.PathLike)):
        Path(path_or_file).write_text(text, encoding="utf-8")
    elif isinstance(path_or_file, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(
        path_or_file, "mode", ""
    ):
        path_or_file.write(text.encode("utf-8"))
    else:
        path_or_file.write(text)


def load(
    path_or_file: PathOrFile,
    data_format: str | None = None,
    nonserializable: Mapping[str, Any] | None = None,
) -> Any:
    """Read a pipeline written by :func:`save` (or by albumentations' ``save``) from a path or open file.

    ``data_format`` as for :func:`save`; ``nonserializable`` as for :func:`from_dict`.
    """
    fmt = _data_format(data_format, path_or_file)
    if isinstance(path_or_file, (str, os.PathLike)):
        where = str(path_or_file)
    else:
        where = str(getattr(path_or_file, "name", None) or type(path_or_file).__name__)
    try:
        if isinstance(path_or_file, (str, os.PathLike)):
            text: Any = Path(path_or_file).read_bytes()
        else:
            text = path_or_file.read()
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SerializationError(
            f"{where}: the file is not UTF-8 text (byte {e.start}: {e.reason}); save it as UTF-8"
        ) from None
    if not isinstance(text, str):
        raise SerializationTypeError(f"{where}: reading gave a {type(text).__name__}, expected text or bytes")
    text = text.removeprefix("\ufeff")
    try:
        data = _yaml().safe_load(io.StringIO(text)) if fmt == "yaml" else json.loads(text)
    except ImportError:
        raise
    except RecursionError:
        raise SerializationError(
            f"{where}: could not parse the file as {fmt.upper()}: nested too deeply; xalbu reads at most "
            f"{MAX_NESTING} levels of compositions and {MAX_VALUE_DEPTH} levels inside a value"
        ) from None
    except Exception as e:  # noqa: BLE001 - json/yaml parse errors of every kind
        raise SerializationError(f"{where}: could not parse the file as {fmt.upper()}: {e}") from e
    return from_dict(data, nonserializable=nonserializable)
