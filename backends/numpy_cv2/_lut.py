"""uint8 lookup tables for the point-wise overrides (CPU).

A 256-entry table is made by running the *generic* kernel on a 0..255 ramp (per sample and per
channel where the parameters are), so a table pass is bit-exact with the generic kernel by
construction; tables of scalar parameters are cached. Single tables are applied with stringzilla's
``translate`` when it is installed and behaves (5-8x faster than this OpenCV build's ``cv2.LUT``),
else with ``cv2.LUT``; per-channel tables with ``cv2.LUT``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from ._pointwise import (  # the table primitives live there (the affine maps use them too)
    _RAMP8,
    _RAMP_F32,
    _SZ_TRANSLATE,
    _affine_u8,
    _blocks,
    _host,
    _hwc,
    _round_u8,
    _rows,
    _translate,
    _translate_into,
)

# re-exported for the overrides that take them from here
__all__ = ["_RAMP_F32", "_SZ_TRANSLATE", "_affine_u8", "_round_u8", "_translate", "_translate_into"]


def _lut_apply(img: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """Apply uint8 ``tables`` ``(S, 256, K)`` (any table dtype) to uint8 ``img`` with ``cv2.LUT``."""
    samples, _, k = tables.shape
    out = np.empty(img.shape, tables.dtype)
    for i, src, dst in _blocks(img, out, samples):
        if k == 1 and _SZ_TRANSLATE is not None and tables.dtype == np.uint8:
            _SZ_TRANSLATE(src, np.ascontiguousarray(tables[i, :, 0]), dst)
        elif k == 1:
            cv2.LUT(_rows(src), np.ascontiguousarray(tables[i, :, 0]), dst=_rows(dst))
        else:
            cv2.LUT(_hwc(src), np.ascontiguousarray(tables[i]).reshape(1, 256, k), dst=_hwc(dst))
    return out


def _scalar_key(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """A hashable cache key when every value is a scalar, else ``None``."""
    if all(np.ndim(v) == 0 for v in values):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in values)
    return None


@functools.lru_cache(maxsize=512)
def _cached_table(fn: Callable[..., Any], args: tuple[Any, ...]) -> np.ndarray:
    table = fn.generic(_RAMP8.reshape(256, 1, 1), *args).reshape(1, 256, 1)  # type: ignore[attr-defined]
    table.flags.writeable = False
    return table


def _u8_tables(fn: Callable[..., Any], img: np.ndarray, *args: Any) -> np.ndarray | None:
    """``(S, 256, K)`` tables: ``fn``'s generic kernel run on a 0..255 ramp shaped like ``img``.

    The ramp has a leading N when a parameter is per sample and C channels when one is per
    channel, so the generic kernel reads each parameter exactly as it would on ``img``.
    """
    key = _scalar_key(args)
    if key is not None:
        return _cached_table(fn, key)
    shapes = [_host(v, img) for v in args if not isinstance(v, (str, bool))]
    if any(s is None for s in shapes):
        return None
    samples = max(s.shape[0] for s in shapes)  # type: ignore[union-attr]
    k = max(s.shape[1] for s in shapes)  # type: ignore[union-attr]
    ramp = np.broadcast_to(_RAMP8[:, None, None], (256, 1, k))
    if samples > 1:
        ramp = np.broadcast_to(ramp, (samples, 256, 1, k))
    return fn.generic(ramp, *args).reshape(samples, 256, k)  # type: ignore[attr-defined]
