"""Moving a batch's per-sample boxes, keypoints and labels between the device and the host in a
constant number of transfers, whatever the batch size.

A batch's boxes come as one container per sample. When those are device arrays (CuPy, torch on
CUDA), reading them one by one would synchronise the device once per sample, and writing them
back would upload once per sample. Instead:

- :func:`host_copies` reads every device array of one library, dtype and row shape with one
  concatenation on the device and one copy to the host;
- :class:`Upload` (host rows bound for the device) and :class:`Take` (rows picked from a device
  array) are collected while the outputs are built, and :func:`resolve` carries out each kind in
  one go: one upload for all uploads, one concatenation, one index upload and one gather for all
  takes, then device slices (views) per sample.

NumPy arrays and Python containers pass through untouched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from .targets import from_host, to_host


def _on_device(value: Any) -> bool:
    return not isinstance(value, (np.ndarray, list, tuple)) and hasattr(value, "shape")


def _group_key(value: Any) -> tuple:
    return (type(value), str(value.dtype), tuple(value.shape[1:]), str(getattr(value, "device", "")))


def _concat(values: list[Any]) -> Any:
    from array_api_compat import array_namespace

    return array_namespace(*values).concat(values, axis=0)


def _take(values: Any, index: Any) -> Any:
    from array_api_compat import array_namespace

    return array_namespace(values).take(values, index, axis=0)


def _splits(sizes: list[int]) -> list[tuple[int, int]]:
    ends = np.cumsum(sizes).tolist()
    return list(zip([0, *ends[:-1]], ends, strict=True))


def host_copies(samples: list[Any]) -> list[np.ndarray | None]:
    """Host copies of the device arrays among ``samples`` (``None`` for anything else), read with
    one transfer per (library, dtype, row shape, device).

    >>> host_copies([np.zeros((2, 4)), [(1, 2, 3, 4)]])
    [None, None]
    """
    out: list[np.ndarray | None] = [None] * len(samples)
    if not any(_on_device(value) for value in samples):
        return out
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, value in enumerate(samples):
        if _on_device(value) and getattr(value, "ndim", 0) >= 1:
            groups[_group_key(value)].append(i)
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = np.asarray(to_host(samples[members[0]]))
            continue
        host = np.asarray(to_host(_concat([samples[i] for i in members])))
        for i, (a, b) in zip(members, _splits([int(samples[i].shape[0]) for i in members]), strict=True):
            out[i] = host[a:b]
    return out


@dataclass(frozen=True)
class Upload:
    """``host`` bound for ``like``'s library and device."""

    host: np.ndarray
    like: Any


@dataclass(frozen=True)
class Take:
    """``values[rows]`` of a device array ``values``."""

    values: Any
    rows: np.ndarray


_DEFERRED = (Upload, Take)


def resolve(items: list[Any]) -> list[Any]:
    """``items`` with every :class:`Upload` and :class:`Take` carried out, each kind in one go per
    (library, dtype, row shape, device); the results are slices of one device array.

    >>> resolve([1, Upload(np.zeros(2), np.zeros(3))])[1].shape
    (2,)
    """
    if not any(type(item) in _DEFERRED for item in items):
        return items
    out = list(items)
    uploads: dict[tuple, list[int]] = defaultdict(list)
    takes: dict[tuple, list[int]] = defaultdict(list)
    for i, item in enumerate(out):
        if isinstance(item, Upload):
            key = (type(item.like), str(getattr(item.like, "device", "")), str(item.host.dtype))
            uploads[(*key, item.host.shape[1:])].append(i)
        elif isinstance(item, Take):
            takes[_group_key(item.values)].append(i)
    for members in uploads.values():
        device = from_host(np.concatenate([out[i].host for i in members]), out[members[0]].like)
        for i, (a, b) in zip(members, _splits([len(out[i].host) for i in members]), strict=True):
            out[i] = device[a:b, ...]
    for members in takes.values():
        sources = list({id(out[i].values): out[i].values for i in members}.values())
        first = {
            id(v): a for v, (a, _) in zip(sources, _splits([int(v.shape[0]) for v in sources]), strict=True)
        }
        index = np.concatenate([out[i].rows + first[id(out[i].values)] for i in members]).astype(np.int64)
        values = sources[0] if len(sources) == 1 else _concat(sources)
        picked = _take(values, from_host(index, values))
        for i, (a, b) in zip(members, _splits([len(out[i].rows) for i in members]), strict=True):
            out[i] = picked[a:b, ...]
    return out
