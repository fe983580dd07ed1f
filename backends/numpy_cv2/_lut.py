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

from ._pointwise import _RAMP8, _blocks, _host, _hwc, _rows


def _probe_stringzilla() -> Callable[[np.ndarray, np.ndarray, np.ndarray], Any] | None:
    """``translate(src, table, dst)`` from stringzilla when it is installed and behaves, else ``None``.

    stringzilla's byte translation (what albumentations uses) runs a 256-entry uint8 table ~5-8x
    faster than this OpenCV build's ``cv2.LUT``; it is optional, ``cv2.LUT`` is the fallback.
    """
    try:
        import stringzilla as sz
    except ImportError:
        return None

    def translate_out(src: np.ndarray, table: np.ndarray, dst: np.ndarray) -> None:
        sz.translate(memoryview(src.reshape(-1)), memoryview(table), out=memoryview(dst.reshape(-1)))

    def translate_inplace(src: np.ndarray, table: np.ndarray, dst: np.ndarray) -> None:
        np.copyto(dst, src)
        sz.translate(memoryview(dst.reshape(-1)), memoryview(table), inplace=True)

    table = np.ascontiguousarray(_RAMP8[::-1])
    for fn in (translate_out, translate_inplace):  # `out=` needs stringzilla >= 4
        dst = np.zeros((2, 128), np.uint8)
        try:
            fn(_RAMP8.reshape(2, 128), table, dst)
        except Exception:  # noqa: BLE001 - any API mismatch means "do not use this variant"
            continue
        if np.array_equal(dst.reshape(-1), table):
            return fn
    return None


_SZ_TRANSLATE = _probe_stringzilla()


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


_RAMP_F32 = _RAMP8.astype(np.float32)


def _translate(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    """A new uint8 array: contiguous uint8 ``img`` through the ``(256,)`` uint8 ``table``.

    stringzilla's ``translate`` runs at memcpy speed (256x256x3: ~5 us; ``cv2.LUT`` in OpenCV 5.0
    ~60-100 us); ``cv2.LUT`` is the fallback where stringzilla is missing or misbehaves.
    """
    out = np.empty(img.shape, np.uint8)
    if _SZ_TRANSLATE is not None:
        _SZ_TRANSLATE(img, table, out)
    else:
        cv2.LUT(_rows(img), table, dst=_rows(out))
    return out


def _round_u8(x: np.ndarray) -> np.ndarray:
    """float32 table values to uint8 as the generic :func:`round_cast` does: half to even, saturated."""
    np.rint(x, out=x)
    np.clip(x, 0.0, 255.0, out=x)
    return x.astype(np.uint8)


def _affine_u8(a: float, b: float) -> np.ndarray:
    """The uint8 table of ``x * a + b``: the generic's float32 arithmetic on the 0..255 ramp (exact)."""
    x = _RAMP_F32 * a  # Python floats act as float32 here, as in the generic kernel
    x += b
    return _round_u8(x)


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
