"""Fast host draws shared by every transform's ``sample``: Python scalars for one image, arrays
for a batch, from the same stream values either way.

``numpy.random.Generator.uniform`` and ``.integers`` cost about 1 us per scalar call (argument
parsing and broadcasting), four times ``Generator.random``; a transform draws a few values per call,
so on a 256x256 image that is a noticeable part of the whole call. Both helpers here take one
``random`` draw per value:

- :func:`uniform` gives exactly ``Generator.uniform``'s values (``lo + (hi - lo) * U``);
- :func:`integers` is ``lo + floor(U * (hi - lo))``, uniform on ``[lo, hi)`` up to a bias below
  ``(hi - lo) / 2**53``, and gives the same values for one image and for a batch element by element.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def uniform(rng: np.random.Generator, lo: float, hi: float, n: int | tuple[int, ...] | None) -> Any:
    """A float in ``[lo, hi)`` (``n is None``) or an array of them (``n``: a length or a shape), the
    values of ``rng.uniform``.

    >>> uniform(np.random.default_rng(3), 2.0, 5.0, None) == np.random.default_rng(3).uniform(2.0, 5.0)
    True
    """
    if n is None:
        return lo + (hi - lo) * rng.random()
    return lo + (hi - lo) * rng.random(n)


def integers(rng: np.random.Generator, lo: Any, hi: Any, n: int | None) -> Any:
    """Integers uniform on ``[lo, hi)``: a Python int (``n is None``) or an ``(n,)`` int64 array.

    ``lo``/``hi`` are ints, or (for a batch) arrays broadcasting to ``(n,)``; ``hi > lo`` everywhere.

    >>> integers(np.random.default_rng(0), 3, 4, None)
    3
    >>> integers(np.random.default_rng(0), 0, 10, 4).shape
    (4,)
    """
    # U <= 1 - 2**-53, so U * k < k for every integer k < 2**53 (the product rounds down, or is
    # exact when k is a power of two): floor(U * k) never reaches k
    if n is None:
        return lo + int(rng.random() * (hi - lo))
    return lo + (rng.random(n) * np.asarray(hi - lo, np.int64)).astype(np.int64)
