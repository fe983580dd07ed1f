"""NumPy override of the counter-based bits of :mod:`xalbu.functional._random`: NumPy's own Philox.

``numpy.random.Philox(key=seed).random_raw`` is the generic kernel's stream by definition (the generic
kernel recomputes it with array-API arithmetic), at C speed: about 3.5 ns per 64-bit word (four values).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R


def philox_words(seed: int, count: int) -> np.ndarray:
    """The uint16 view of the first ``ceil(count / 16) * 4`` words of seed ``seed``'s stream."""
    words = np.random.Philox(key=seed).random_raw(R.blocks(count) * 4)
    return words.astype("<u8", copy=False).view(np.uint16)  # low 16 bits first, on any host


@register(R.philox_u16, "numpy_cv2")
def philox_u16(like: Any, /, seeds: Any, count: int) -> Any:
    if not isinstance(like, np.ndarray):
        return NotImplemented
    s = R.seeds_array(seeds)
    count = int(count)
    if np.ndim(seeds) == 0:
        return philox_words(int(s[0]), count)[:count]
    out = np.empty((s.shape[0], count), np.uint16)
    for i, seed in enumerate(s.tolist()):
        out[i] = philox_words(seed, count)[:count]
    return out
