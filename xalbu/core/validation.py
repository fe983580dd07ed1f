"""Argument checks shared by transforms: every message names the argument and what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos4"}
BORDER_MODES = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}


def check_p(p: Any) -> float:
    """Validate a probability: a real number in [0, 1].

    >>> check_p(0.5)
    0.5
    """
    return check_number("p", p, 0.0, 1.0)


def check_number(name: str, value: Any, lo: float | None = None, hi: float | None = None) -> float:
    """Check that ``value`` is a real number within ``[lo, hi]`` (bounds optional)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    _check_bounds(name, float(value), lo, hi)
    return float(value)


def check_int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[lo, hi]`` (bounds optional)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name}: expected an integer, got {value!r} ({type(value).__name__})")
    _check_bounds(name, int(value), lo, hi)
    return int(value)


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
) -> tuple[float, float]:
    """Turn ``value`` into an ordered ``(low, high)`` pair within ``[lo, hi]``.

    A single number ``v`` becomes ``(center - v, center + v)`` when ``symmetric_around`` is given
    (albumentations' ``limit=30`` → ``(-30, 30)``), else ``(v, v)``.

    >>> check_range("rotate", 30, symmetric_around=0.0)
    (-30.0, 30.0)
    >>> check_range("gamma_limit", (80, 120), 0)
    (80.0, 120.0)
    """
    if isinstance(value, Real) and not isinstance(value, bool):
        v = float(value)
        pair: tuple[Any, Any] = (
            (symmetric_around - v, symmetric_around + v) if symmetric_around is not None else (v, v)
        )
        if symmetric_around is not None and v < 0:
            pair = (pair[1], pair[0])
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        pair = (value[0], value[1])
    else:
        raise TypeError(f"{name}: expected a number or a (low, high) pair, got {value!r}")
    check = check_int if integer else check_number
    a, b = (check(f"{name}[{i}]", v, lo, hi) for i, v in enumerate(pair))
    if a > b:
        raise ValueError(f"{name}: expected low <= high, got ({a:g}, {b:g})")
    return (a, b)


def check_choice(name: str, value: Any, choices: Sequence[Any] | dict[Any, Any]) -> Any:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}: expected one of {list(choices)}, got {value!r}")
    return value


def check_interpolation(name: str, value: Any, allowed: Sequence[int] = (0, 1, 2, 3, 4)) -> int:
    """Validate an OpenCV interpolation code (0 nearest, 1 linear, 2 cubic, 3 area, 4 lanczos4)."""
    v = check_int(name, value)
    if v not in allowed:
        names = ", ".join(f"{k} ({INTERPOLATIONS[k]})" for k in allowed)
        raise ValueError(f"{name}: expected one of {names}, got {value!r}")
    return v


def check_border_mode(name: str, value: Any) -> int:
    """Validate an OpenCV border mode (0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect_101)."""
    v = check_int(name, value)
    if v not in BORDER_MODES:
        names = ", ".join(f"{k} ({n})" for k, n in BORDER_MODES.items())
        raise ValueError(f"{name}: expected one of {names}, got {value!r}")
    return v


def check_fill(name: str, value: Any) -> float | tuple[float, ...]:
    """A fill value: a number or a per-channel sequence of numbers."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) > 0:
        return tuple(check_number(f"{name}[{i}]", v) for i, v in enumerate(value))
    raise TypeError(f"{name}: expected a number or a per-channel sequence of numbers, got {value!r}")


def check_size(name: str, value: Any) -> tuple[int, int]:
    """A ``(height, width)`` pair of positive integers."""
    if not (isinstance(value, Sequence) and len(value) == 2):
        raise TypeError(f"{name}: expected a (height, width) pair, got {value!r}")
    return (check_int(f"{name}[0]", value[0], 1), check_int(f"{name}[1]", value[1], 1))
