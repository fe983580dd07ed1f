"""albumentations' argument names that xalbu's constructors do not take, and what they become.

A transform class declares, in ``albumentations_args``, the arguments albumentations writes or
takes (2.x, and 1.x where cheap) that its constructor does not take, each with a :class:`Rule` and
the reason. The rules shared by many classes are here. Two readers use the same tables:

- ``core/serialization.py`` (loading files albumentations saved) applies each rule's ``action``;
- the constructors (:func:`constructor_kwargs`, called by ``core/transform.py`` for every
  transform) accept the same names as albumentations 2.0.8's constructors do: they ignore them with
  albumentations' ``UserWarning`` ("Argument(s) 'cval' are not valid for transform Affine"), or
  raise its ``ValueError`` with ``strict=True``. albumentations 2.0.8 maps none of its 1.x names in
  code (``A.Affine(cval=5).fill`` is 0 there), so neither does xalbu. Names outside the tables
  stay a ``TypeError``, as do all of them for the classes whose albumentations constructor refuses
  unknown arguments (``albumentations_ignores_unknown = False``).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """How to read one argument that albumentations writes but xalbu's constructor does not take.

    ``action``: ``"drop"`` (only the values in ``keep_if``, else an error: other values would change
    the behaviour), ``"rename"`` (to ``to``; ``null`` means the default and is dropped),
    ``"always_apply"`` (albumentations 1.x: ``true`` means ``p=1``) or ``"size"`` (``height``/``width``
    become ``size=(height, width)``).
    """

    action: str
    reason: str
    to: str | None = None
    keep_if: tuple[Any, ...] | None = None  # drop: the accepted values (None: any value)


ALWAYS_APPLY = Rule(
    "always_apply", "albumentations 1.x: true meant 'ignore p', which is p=1; false is the default"
)
STRICT = Rule(
    "drop",
    "albumentations' switch for rejecting unknown constructor arguments; xalbu always rejects them",
)
VALUE = Rule("rename", "albumentations 1.x name of fill", to="fill")
MASK_VALUE = Rule("rename", "albumentations 1.x name of fill_mask", to="fill_mask")
HEIGHT_WIDTH = Rule("size", "albumentations 1.x gave the output size as height and width")

ALBUMENTATIONS_COMMON: dict[str, Rule] = {"always_apply": ALWAYS_APPLY, "strict": STRICT}
"""Rules for every transform (used where the class's own table has no entry for the key)."""

BORDER_MODE_1X = Rule("rename", "albumentations 1.x name of border_mode", to="border_mode")
FILL_1X = Rule("rename", "albumentations 1.x name of fill", to="fill")
FILL_MASK_1X = Rule("rename", "albumentations 1.x name of fill_mask", to="fill_mask")
PAD_MODE_1X = Rule(
    "rename", "albumentations 1.4 name of border_mode (the padding of crops)", to="border_mode"
)
PAD_CVAL_1X = Rule("rename", "albumentations 1.4 name of fill (the padding of crops)", to="fill")
PAD_CVAL_MASK_1X = Rule(
    "rename", "albumentations 1.4 name of fill_mask (the padding of crops)", to="fill_mask"
)


def _hint(rule: Rule) -> str:
    """What to write instead, for the warning."""
    if rule.action == "rename":
        return f"use {rule.to}"
    if rule.action == "always_apply":
        return "use p=1"
    if rule.action == "size":
        return "use size=(height, width)"
    return rule.reason


def _hints(names: list[str], table: Mapping[str, Rule]) -> str:
    by_hint: dict[str, list[str]] = {}
    for name in names:
        by_hint.setdefault(_hint(table[name]), []).append(name)
    return "; ".join(f"{', '.join(keys)}: {hint}" for hint, keys in by_hint.items())


def constructor_kwargs(
    cls: type, takes: Collection[str], given: Collection[str], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """``kwargs`` without the albumentations names that ``cls``'s constructor ignores, as
    albumentations 2.0.8's constructor of the same class does (see the module doc).

    ``takes``: the argument names of the ``__init__`` being called; ``given``: those the call gave
    (by position or keyword). Only called when ``kwargs`` holds a name ``takes`` lacks. A name
    outside ``cls``'s table (or any name, for a class whose albumentations constructor refuses
    unknown arguments) is left in, so that Python raises its usual ``TypeError``.

    >>> import xalbu as A
    >>> constructor_kwargs(A.Affine, ("rotate", "p"), ("rotate",), {"rotate": 5, "strict": False})
    {'rotate': 5}
    """
    table: Mapping[str, Rule] = {**ALBUMENTATIONS_COMMON, **getattr(cls, "albumentations_args", {})}
    extra = [k for k in kwargs if k not in takes]
    if not getattr(cls, "albumentations_ignores_unknown", True):
        return kwargs  # Python's TypeError names the argument
    if any(k not in table for k in extra):  # Python's TypeError names the one that is unknown
        return {k: v for k, v in kwargs.items() if k in takes or k not in table}
    strict = kwargs.get("strict", False) if "strict" in extra else False
    if not isinstance(strict, bool):
        raise TypeError(f"strict: expected True or False, got {strict!r}")
    ignored = [k for k in extra if k != "strict"]
    out = {k: v for k, v in kwargs.items() if k not in extra}
    if not ignored:
        return out
    message = f"Argument(s) '{', '.join(ignored)}' are not valid for transform {cls.__name__}"
    if strict:
        raise ValueError(message)
    sizes = [k for k in ignored if table[k].action == "size"]
    if sizes and "size" in takes and "size" not in given:
        raise TypeError(
            f"{cls.__name__}: {', '.join(sizes)}: {table[sizes[0]].reason}; albumentations 2.x ignores "
            "them and, like xalbu, needs size=(height, width)"
        )
    warnings.warn(
        f"{message} (ignored, as albumentations 2.x ignores them; {_hints(ignored, table)})",
        UserWarning,
        stacklevel=3,
    )
    return out
