"""Step 3 of a call: the state back in the user's formats (see ``core/state.py``).

Every key the user passed comes back: arrays with the input's array type, device and layout (a 2-D
input gives a 2-D output), lists of masks as lists, boxes and keypoints in the user's format and
container with their extra columns, and every label field filtered in sync with its rows.

Dtypes and shapes as albumentations 2.0.8 gives them: float64 images and masks (computed as float32)
come back float64 (images: unless a transform gave them its own dtype, ``State.retyped``), NumPy box
arrays come back float64 whatever their dtype, keypoint arrays keep a floating dtype, and label
fields given as (N, 1) arrays come back (M,).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .reading import dtype_str
from .state import Restore, State
from .targets import (
    BboxParams,
    KeypointParams,
    bboxes_from_pixels,
    filter_boxes,
    filter_keypoints,
    from_host,
    keypoint_columns,
    keypoints_from_internal,
    to_host,
)
from .torch_interop import tensor_layout, to_tensor
from .transfer import Take, Upload, resolve


def write_outputs(state: State, restore: Restore) -> dict[str, Any]:
    """The user's dict: every key passed in, same containers, array types and devices."""
    out: dict[str, Any] = {}
    for key, spec, back in restore.steps:
        kind = spec[0]
        if kind == "array":  # the common case first
            arr = getattr(state, spec[1])[spec[2]]
            value = arr[..., 0] if spec[3] and arr.shape[-1] == 1 else arr  # HW in, HW out (1 channel)
        elif kind == "value":
            value = spec[1]
        elif kind == "wide":
            value = _wide(state, spec[1], getattr(state, spec[1])[spec[2]], spec[3], spec[4], spec[5])
        elif kind == "volumes":
            value = _volumes(state, spec)
        elif kind == "stack":
            store = getattr(state, spec[1])
            wide = spec[5] or {}
            items = [
                _wide(state, spec[1], store.get(name), sq, *wide[name])
                if name in wide
                else _squeezed(store.get(name), sq)
                for name, sq in zip(spec[2], spec[3], strict=True)
            ]
            value = spec[4](items)
        else:
            value = _rows(state, spec, restore.data or {}, out)
        out[key] = value if back is None else back(value)
    extra = state.outputs
    if extra:  # what a step reports besides the targets (MixUp's partners and lambdas...)
        out.update(extra)
    return out


def _volumes(state: State, spec: tuple) -> Any:
    """N volumes, computed as N * D frames: back to (N, D, H, W[, C]) (the given array itself where
    it came back untouched)."""
    _, inner, n, ndim = spec
    if inner[0] == "wide":
        value = _wide(state, inner[1], getattr(state, inner[1])[inner[2]], inner[3], inner[4], inner[5])
    else:
        arr = getattr(state, inner[1])[inner[2]]
        value = _squeezed(arr, inner[3])
    if value.ndim == ndim:
        return value
    shape = (n, int(value.shape[0]) // n, *(int(d) for d in value.shape[1:]))
    if isinstance(value, np.ndarray):
        return value.reshape(shape)
    from array_api_compat import array_namespace

    return array_namespace(value).reshape(value, shape)


def _squeezed(arr: Any, squeeze: bool) -> Any:
    return arr[..., 0] if squeeze and arr is not None and arr.shape[-1] == 1 else arr


def _wide(state: State, store: str, arr: Any, squeeze: bool, given: Any, read: Any) -> Any:
    """The output of a float64 image/mask ``given`` by the user, computed as the float32 ``read``:
    ``given`` itself when no transform changed it, else float64 again, but for images that a
    transform gave a dtype of its own (``State.retyped``: Normalize, ToFloat... as albumentations)."""
    if arr is read:
        return given
    if arr is not None and (store == "masks" or not state.retyped) and dtype_str(arr) == "float32":
        arr = _widen(arr)
    return _squeezed(arr, squeeze)


def _widen(arr: Any) -> Any:
    if isinstance(arr, np.ndarray):
        return arr.astype(np.float64)
    from array_api_compat import array_namespace

    xp = array_namespace(arr)
    return xp.astype(arr, xp.float64)


def _rows(state: State, spec: tuple, data: dict[str, Any], out: dict[str, Any]) -> Any:
    """Boxes or keypoints of one key: coordinates back, extras and label fields by row."""
    kind, key, samples, fields, params, hosts = spec
    if kind == "boxes":
        assert isinstance(params, BboxParams)
        kept = filter_boxes(state.boxes[key], params)
        coords = bboxes_from_pixels(kept.xyxy, params.format, state.shape)
        n_coord = 4
    else:
        assert isinstance(params, KeypointParams)
        kept = state.points[key]
        if params.remove_invisible and not params.check_each_transform:  # checked once, at the end
            kept = filter_keypoints(kept, state.shape)
        coords = keypoints_from_internal(kept, params)
        n_coord = keypoint_columns(params.format)
    batch = state.batch
    results = []
    labels: dict[str, list[Any]] = {name: [] for name in fields}
    for s, sel in enumerate(_by_sample(kept.sample, len(samples)) if batch is not None else [slice(None)]):
        original = samples[s]
        rows = kept.rows[sel]
        origin = None if kept.origin is None else kept.origin[sel]
        own = s if batch is not None else 0
        if origin is None or bool((origin == own).all()):
            results.append(_rebuild(original, coords[sel], rows, n_coord, hosts[s], kind == "boxes"))
            for name in fields:
                labels[name].append(_select(data[name][s] if batch is not None else data[name], rows))
        else:  # a mix transform brought rows of other samples: each row's extras and labels from its origin
            source = _sources(state, key, samples, data, batch)
            groups = [(o, np.flatnonzero(origin == o)) for o in np.unique(origin).tolist()]
            parts = [
                _rebuild(source(o, None), coords[sel][idx], rows[idx], n_coord, None, kind == "boxes")
                for o, idx in groups
            ]
            results.append(_interleave(original, resolve(parts), [idx for _, idx in groups], len(rows)))
            for name in fields:
                picked = resolve([_select(source(o, name), rows[idx]) for o, idx in groups])
                labels[name].append(
                    _interleave(source(own, name), picked, [idx for _, idx in groups], len(rows))
                )
    results = resolve(results)  # device containers: one upload and one gather for the whole batch
    for name, values in labels.items():
        values = resolve(values)
        out[name] = values if batch is not None else values[0]
    return results if batch is not None else results[0]


def _by_sample(sample: np.ndarray, n: int) -> list[Any]:
    """Each sample's rows as a slice (rows grouped by sample, the usual order) or an index array."""
    if len(sample) < 2 or bool(np.all(sample[1:] >= sample[:-1])):
        bounds = np.searchsorted(sample, np.arange(n + 1)).tolist()
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    order = np.argsort(sample, kind="stable")
    bounds = np.searchsorted(sample[order], np.arange(n + 1)).tolist()
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _sources(state: State, key: str, samples: list[Any], data: dict[str, Any], batch: int | None) -> Any:
    """``source(origin, name)``: the user's container of ``key`` (name ``None``) or of a label field
    for the sample a row came from (one image: 0 is the image, ``j`` its ``j``-th mix partner)."""

    def source(o: int, name: str | None) -> Any:
        if batch is not None:
            return samples[o] if name is None else data[name][o]
        if o == 0:
            return samples[0] if name is None else data[name]
        partner = (state.partners or [])[o - 1]
        return partner[key] if name is None else partner[name]

    return source


def _interleave(like: Any, parts: list[Any], positions: list[np.ndarray], n: int) -> Any:
    """Rows of ``parts`` put back at their ``positions``, in a container of ``like``'s type."""
    if isinstance(like, np.ndarray) or not isinstance(like, (list, tuple)) and hasattr(like, "shape"):
        arrays = [np.asarray(to_host(p)) for p in parts]
        out = np.empty((n, *arrays[0].shape[1:]), np.result_type(*arrays))
        for arr, pos in zip(arrays, positions, strict=True):
            out[pos] = arr
        return from_host(out, like)
    items: list[Any] = [None] * n
    for part, pos in zip(parts, positions, strict=True):
        for item, i in zip(part, pos.tolist(), strict=True):
            items[i] = item
    return tuple(items) if isinstance(like, tuple) else items


def _select(values: Any, rows: np.ndarray) -> Any:
    """Pick ``rows`` of a user container, keeping its type (list, tuple or array); device arrays
    give a :class:`Take` for :func:`resolve`. An (N, 1) array of labels gives (M,), as in
    albumentations (a column of labels would broadcast against (M,) results)."""
    if isinstance(values, list):
        return [values[i] for i in rows.tolist()]
    if isinstance(values, tuple):
        return tuple(values[i] for i in rows.tolist())
    if isinstance(values, np.ndarray):
        return values[rows, 0] if values.ndim == 2 and values.shape[1] == 1 else values[rows]
    if hasattr(values, "shape"):
        if len(values.shape) == 2 and values.shape[1] == 1:
            values = values[:, 0]  # a view: no copy, no transfer
        return Take(values, rows)
    return [values[int(i)] for i in rows]


def _rebuild(
    original: Any,
    coords: np.ndarray,
    rows: np.ndarray,
    n_coord: int,
    host: np.ndarray | None = None,
    boxes: bool = False,
) -> Any:
    """User container with new coordinates and the original extra columns of ``rows`` (``host``: a
    host copy of a device ``original``); device arrays give an :class:`Upload` for :func:`resolve`.

    Arrays keep their floating dtype (integers give float64), but NumPy arrays of ``boxes`` come
    back float64, as albumentations gives them (CuPy/torch boxes, which it does not take, keep
    theirs: float32 tensors stay float32)."""
    if isinstance(original, (list, tuple)):
        rl = rows.tolist()
        if all(len(original[r]) == n_coord for r in rl):  # no extra columns: coordinates only
            out = list(map(tuple, coords.tolist()))
        else:
            out = [(*c, *original[r][n_coord:]) for c, r in zip(coords.tolist(), rl, strict=True)]
        return out if isinstance(original, list) else tuple(out)
    if host is None:
        host = original if isinstance(original, np.ndarray) else to_host(original)
    if boxes and isinstance(original, np.ndarray) or not np.issubdtype(host.dtype, np.floating):
        dtype = np.float64
    else:
        dtype = host.dtype
    res = np.empty((len(rows), host.shape[1] if host.ndim == 2 else n_coord), dtype)
    res[:, :n_coord] = coords
    if host.ndim == 2 and host.shape[1] > n_coord:
        res[:, n_coord:] = host[rows, n_coord:]
    return res if isinstance(original, np.ndarray) else Upload(res, original)


def volume_tensor(value: Any) -> Any:
    """A (D, H, W[, C]) volume as ToTensor3D gives it: a (C, D, H, W) tensor ((1, D, H, W) without
    channels), a permuted view of the data (no copy) where the layout allows."""
    if value.ndim == 3:
        return to_tensor(value[None])
    return (
        to_tensor(value.transpose(3, 0, 1, 2))
        if isinstance(value, np.ndarray)
        else to_tensor(value).permute(3, 0, 1, 2)
    )


def finish_outputs(state: State, restore: Restore, kinds: Mapping[str, str] | None) -> dict[str, Any]:
    """:func:`write_outputs`, then channels-first tensors where ``ToTensorV2`` ran (``kinds``: the
    pipeline's target kinds by key)."""
    out = write_outputs(state, restore)
    if state.layout == "3d":  # ToTensor3D ran: volume and mask3d as (C, D, H, W) tensors
        for key, value in out.items():
            if (kinds or {}).get(key) in ("volume", "mask3d") and value is not None:
                out[key] = volume_tensor(value)
    elif state.layout is not None:  # ToTensorV2 ran: channels-first tensors
        kinds = kinds or {}
        for key, value in out.items():
            kind = kinds.get(key)
            if kind in ("image", "images", "mask", "masks") and value is not None:
                out[key] = tensor_layout(value, kind, state.layout)
    return out
