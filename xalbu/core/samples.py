"""Parameters of a batch, cut to some of its samples (CPU batches run kernels on runs of samples).

A batch's parameters hold per-sample arrays (or lists) of length N and shared values; which field is
which is told by a probe draw for a batch one larger (values never used, only lengths).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

_PROBE = np.random.default_rng(0)  # draws whose values are never used: only their shapes


def take_samples(params: Any, idx: np.ndarray, n: int, draw: Any) -> Any:
    """The parameters of samples ``idx`` of a batch of ``n``, or ``NotImplemented`` if unsure.

    A field is per sample when its length is the batch size: ``n`` here and ``n + 1`` in
    ``draw(n + 1)`` (parameters drawn for a batch one larger), which tells a shared array that
    happens to have ``n`` rows from a per-sample one. Scalars and shared arrays are kept.

    >>> import dataclasses, numpy as np
    >>> P = dataclasses.make_dataclass("P", ["a", "k"])
    >>> take_samples(P(np.arange(3.0), 2.0), np.array([0, 2]), 3, lambda m: P(np.arange(m), 2.0))
    P(a=array([0., 2.]), k=2.0)
    """
    if params is None:
        return None
    fields = per_sample_fields(params, n, draw)
    return NotImplemented if fields is None else cut(params, fields, idx)


def cut(params: Any, fields: tuple[str, ...], idx: np.ndarray) -> Any:
    """``params`` with its per-sample ``fields`` cut to samples ``idx``."""
    if params is None:
        return None
    changes = {}
    for name in fields:
        value = getattr(params, name)
        changes[name] = value[idx] if isinstance(value, np.ndarray) else [value[i] for i in idx]
    return dataclasses.replace(params, **changes)


def per_sample_fields(params: Any, n: int, draw: Any) -> tuple[str, ...] | None:
    """The names of ``params``' per-sample fields for a batch of ``n`` (see :func:`take_samples`),
    or ``None`` when some field's length follows the batch in a way not understood."""
    if not dataclasses.is_dataclass(params):
        return None
    try:
        probe = draw(n + 1)
    except Exception:  # noqa: BLE001 - parameters drawn from the data only (sample_data): not probed
        return None
    if type(probe) is not type(params):
        return None
    fields = []
    for f in dataclasses.fields(params):
        rows, more = _rows(getattr(params, f.name)), _rows(getattr(probe, f.name))
        if rows == n and more == n + 1:
            fields.append(f.name)
        elif rows != more or rows == -2 or more == -2:
            return None  # a length that follows the batch some other way: not understood
    return tuple(fields)


def _rows(value: Any) -> int:
    """Leading length of an array or list, -1 for scalars and ``None``, -2 for anything else."""
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return -1
    if isinstance(value, np.ndarray):
        return value.shape[0] if value.ndim else -1
    if isinstance(value, (list, tuple)):
        return len(value)
    return -2
