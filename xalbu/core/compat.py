"""How albumentations' saved argument names map onto xalbu's (used by ``core/serialization.py``).

A transform class declares, in ``albumentations_args``, the arguments albumentations writes (2.x,
and 1.x where cheap) that its constructor does not take, each with a :class:`Rule` and the reason.
The rules shared by many classes are here.
"""

from __future__ import annotations

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
