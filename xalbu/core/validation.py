"""Argument checks shared by transforms: every message names the argument and what was expected.

NaN is refused everywhere a number is expected, and so is an infinity unless the caller says it has
a meaning there (``finite=False``: an open bound); booleans must be ``True``/``False`` (NumPy bools
too), never strings or numbers that Python would read as true.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos4"}
BORDER_MODES = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 4


def show(value: Any) -> str:
    """A short ``repr`` for messages (long or deeply nested values are abbreviated, never recursed into)."""
    try:
        return _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        return f"<{type(value).__name__}>"


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_pair_like(value: Any) -> bool:
    """A sequence of values, not text (``"ab"`` and ``b"ab"`` are sequences of length 2 too)."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def check_bool(name: str, value: Any) -> bool:
    """Check that ``value`` is ``True`` or ``False`` (a NumPy bool too); ``"no"``, ``"False"``, 0, 1 are refused.

    >>> check_bool("clip", True)
    True
    >>> check_bool("clip", "no")
    Traceback (most recent call last):
    ...
    TypeError: clip: expected True or False, got 'no' (str)
    """
    if not _is_bool(value):
        raise TypeError(f"{name}: expected True or False, got {show(value)} ({type(value).__name__})")
    return bool(value)


def check_p(p: Any) -> float:
    """Validate a probability: a real number in [0, 1] (NaN refused).

    >>> check_p(0.5)
    0.5
    """
    return check_number("p", p, 0.0, 1.0)


def check_number(
    name: str, value: Any, lo: float | None = None, hi: float | None = None, *, finite: bool = True
) -> float:
    """Check that ``value`` is a real number within ``[lo, hi]`` (bounds optional).

    NaN is always refused; ``inf``/``-inf`` too unless ``finite=False`` (where an infinity means
    something, e.g. an open bound).

    >>> check_number("gamma", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: gamma: expected a finite number, got nan
    """
    if _is_bool(value) or not isinstance(value, Real):
        raise TypeError(f"{name}: expected a number, got {show(value)} ({type(value).__name__})")
    try:
        v = float(value)
    except (OverflowError, ValueError):
        raise ValueError(f"{name}: expected a finite number, got {show(value)}") from None
    if math.isnan(v) or (finite and math.isinf(v)):
        what = "a finite number" if finite else "a number (not NaN)"
        raise ValueError(f"{name}: expected {what}, got {v}")
    _check_bounds(name, v, lo, hi)
    return v


def check_int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[lo, hi]`` (bounds optional)."""
    if _is_bool(value) or not hasattr(value, "__index__"):
        raise TypeError(f"{name}: expected an integer, got {show(value)} ({type(value).__name__})")
    v = int(value.__index__())
    _check_bounds(name, v, lo, hi)
    return v


def _check_bounds(name: str, value: float, lo: float | None, hi: float | None) -> None:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        raise ValueError(f"{name}: expected a value in [{lo_s}, {hi_s}], got {value:g}")


def check_range(
    name: str,
    value: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    symmetric_around: float | None = None,
    integer: bool = False,
    finite: bool = True,
) -> tuple[float, float]:
    """Turn ``value`` into an ordered ``(low, high)`` pair within ``[lo, hi]``.

    A single number ``v`` becomes ``(center - v, center + v)`` when ``symmetric_around`` is given
    (albumentations' ``limit=30`` → ``(-30, 30)``), else ``(v, v)``. NaN is refused, and infinities
    unless ``finite=False``.

    >>> check_range("rotate", 30, symmetric_around=0.0)
    (-30.0, 30.0)
    >>> check_range("gamma_limit", (80, 120), 0)
    (80.0, 120.0)
    """
    if isinstance(value, Real) and not _is_bool(value):
        v = check_number(name, value, finite=finite)
        pair: tuple[Any, Any] = (
            (symmetric_around - v, symmetric_around + v) if symmetric_around is not None else (v, v)
        )
        if symmetric_around is not None and v < 0:
            pair = (pair[1], pair[0])
    elif _is_pair_like(value) and len(value) == 2:
        pair = (value[0], value[1])
    else:
        raise TypeError(f"{name}: expected a number or a (low, high) pair, got {show(value)}")
    if integer:
        a, b = (check_int(f"{name}[{i}]", v, lo, hi) for i, v in enumerate(pair))  # type: ignore[arg-type]
    else:
        a, b = (check_number(f"{name}[{i}]", v, lo, hi, finite=finite) for i, v in enumerate(pair))
    if a > b:
        raise ValueError(f"{name}: expected low <= high, got ({a:g}, {b:g})")
    return (a, b)


def check_choice(name: str, value: Any, choices: Sequence[Any] | dict[Any, Any]) -> Any:
    """Check that ``value`` is one of ``choices`` (``True`` is not ``1``: booleans match only booleans)."""
    try:
        ok = any(value == c and _is_bool(value) == _is_bool(c) for c in choices)
    except Exception:  # noqa: BLE001 - values that cannot be compared (arrays...) are not a choice
        ok = False
    if not ok:
        raise ValueError(f"{name}: expected one of {list(choices)}, got {show(value)}")
    return value


def check_interpolation(name: str, value: Any, allowed: Sequence[int] = (0, 1, 2, 3, 4)) -> int:
    """Validate an OpenCV interpolation code (0 nearest, 1 linear, 2 cubic, 3 area, 4 lanczos4)."""
    v = check_int(name, value)
    if v not in allowed:
        names = ", ".join(f"{k} ({INTERPOLATIONS[k]})" for k in allowed)
        raise ValueError(f"{name}: expected one of {names}, got {show(value)}")
    return v


def check_border_mode(name: str, value: Any) -> int:
    """Validate an OpenCV border mode (0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect_101)."""
    v = check_int(name, value)
    if v not in BORDER_MODES:
        names = ", ".join(f"{k} ({n})" for k, n in BORDER_MODES.items())
        raise ValueError(f"{name}: expected one of {names}, got {show(value)}")
    return v


def check_fill(name: str, value: Any) -> float | tuple[float, ...]:
    """A fill value: a finite number or a per-channel sequence of finite numbers."""
    if isinstance(value, Real) and not _is_bool(value):
        return check_number(name, value)
    if _is_pair_like(value) and len(value) > 0:
        return tuple(check_number(f"{name}[{i}]", v) for i, v in enumerate(value))
    raise TypeError(f"{name}: expected a number or a per-channel sequence of numbers, got {show(value)}")


def check_size(name: str, value: Any) -> tuple[int, int]:
    """A ``(height, width)`` pair of positive integers."""
    if not (_is_pair_like(value) and len(value) == 2):
        raise TypeError(f"{name}: expected a (height, width) pair, got {show(value)}")
    return (check_int(f"{name}[0]", value[0], 1), check_int(f"{name}[1]", value[1], 1))
