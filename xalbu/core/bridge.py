"""albumentations-style transforms (``get_params``, ``apply``, ``apply_to_mask``...) inside xalbu.

A user's subclass of ``BasicTransform``, ``ImageOnlyTransform`` or ``DualTransform`` that follows
albumentations 2.x runs here, unchanged: for each sample, its targets are handed over as
albumentations hands them, its parameters drawn as albumentations draws them, and its results read
back into the state.

What the subclass sees (albumentations 2.x's contract):

- ``get_params()`` (random draws through ``self.random_generator`` / ``self.py_random``: in a
  pipeline, its stream; in a direct call, the transform's own streams, which ``set_random_seed``
  restarts as albumentations does), then
  ``params["shape"]`` (the image's shape, (H, W) or (H, W, C)) and ``interpolation``, ``fill``,
  ``fill_mask`` where the transform has them, then ``get_params_dependent_on_data(params, data)``;
- targets through ``self.targets`` (``{"image": self.apply, "mask": self.apply_to_mask, ...}``),
  each called as ``fn(value, **params)``: images and masks as the user gave them (2-D stays 2-D),
  ``masks`` as one stacked (N, H, W[, C]) array, ``bboxes`` as a float array of normalised
  ``x_min, y_min, x_max, y_max`` plus extra columns, ``keypoints`` as a float array of
  ``x, y, z, angle, scale`` (pixels, radians; z = 0 but for keypoints of format ``xyz``) plus extra
  columns. 3-D targets go to a transform whose ``targets`` name them (``Transform3D``:
  ``apply_to_volume``...) as albumentations hands them, (D, H, W[, C]) or (N, D, H, W[, C]); other
  transforms see a volume as a stack of images (``apply_to_images``), as albumentations does. The last extra column is
  the row's index, which is how labels and the user's own extra columns follow rows that the
  transform reorders or drops: a transform must carry extra columns through, as in albumentations.

In a batch the subclass runs once per applied sample (a Python loop: user code is per image), with
its own draw for each sample; samples must keep one common size.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from .state import State
from .targets import (
    BoxSet,
    PointSet,
    albumentations_keypoints,
    clip_boxes,
    filter_keypoints,
    from_albumentations_keypoints,
    from_host,
    to_host,
)

_PER_SAMPLE = {"images": "image", "masks": "mask"}  # a batch's keys as one sample of it is called


def _sample_view(state: State, s: int | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The targets of sample ``s`` (``None``: the one image) as albumentations hands them, and the
    state's key of each (a batch's ``images``/``masks`` are one sample's ``image``/``mask``)."""
    flat = state.flat or ()
    h, w = state.shape
    data: dict[str, Any] = {}
    groups: dict[str, list[str]] = {}
    for store in (state.images, state.masks):
        for key, arr in store.items():
            a = to_host(arr if s is None else arr[s])
            base, _, idx = key.partition("[")
            if idx:  # an item of a list the user passed (masks=[m0, m1]): stacked per list
                groups.setdefault(base, []).append(key)
            data[key] = a[..., 0] if key in flat and a.shape[-1] == 1 else a
            if s is None and state.volumes and key in state.volumes:  # N volumes: (N, D, H, W[, C])
                kind, n = state.volumes[key]
                if kind in ("volumes", "masks3d"):
                    data[key] = data[key].reshape(n, -1, *data[key].shape[1:])
    for base, keys in groups.items():
        data[base] = np.stack([data.pop(k) for k in keys])
    for key, boxes in state.boxes.items():
        sel = slice(None) if s is None else boxes.sample == s
        xyxy = boxes.xyxy[sel] / np.array([w, h, w, h], np.float64)
        idx = np.arange(len(boxes.rows))[sel]
        data[key] = np.concatenate([xyxy, idx[:, None].astype(np.float64)], axis=1)
    for key, pts in state.points.items():
        sel = slice(None) if s is None else pts.sample == s
        idx = np.arange(len(pts.rows))[sel]
        data[key] = np.column_stack([albumentations_keypoints(pts, sel), idx.astype(np.float64)])
    if s is None:
        return data, {k: k for k in data}
    names = {_PER_SAMPLE.get(k, k): k for k in data}
    return {_PER_SAMPLE.get(k, k): v for k, v in data.items()}, names


def _target_kind(state: State, key: str, functions: dict[str, Any] | None = None) -> str:
    if state.volumes and key in state.volumes and (functions is None or state.volumes[key][0] in functions):
        return state.volumes[key][0]  # a 3-D target, for a transform that takes it (Transform3D...)
    if key in state.boxes:
        return "bboxes"
    if key in state.points:
        return "keypoints"
    if key in state.images:
        return "images" if np.ndim(state.images[key]) == 4 and state.batch is None else "image"
    if key in state.masks:
        return "masks" if np.ndim(state.masks[key]) == 4 and state.batch is None else "mask"
    return "masks" if any(k.startswith(key + "[") for k in state.masks) else "image"


def draw(t: Any, rng: np.random.Generator, state: State) -> Any:
    """The parameters of one call: a dict for one image, a list of per-sample dicts for a batch."""
    if state.batch is None:
        return _draw_one(t, rng, state, _sample_view(state, None)[0])
    return [_draw_one(t, rng, state, _sample_view(state, s)[0]) for s in range(state.batch)]


def _draw_one(t: Any, rng: np.random.Generator, state: State, data: dict[str, Any]) -> dict[str, Any]:
    holder = t.__dict__.get("_rng")
    if holder is not None and rng is holder.get():
        # a direct call: the transform's own streams, as albumentations draws (set_random_seed)
        t.__dict__.pop("random_generator", None)
        t.__dict__.pop("py_random", None)
    else:  # in a pipeline: its one stream
        t.random_generator = rng
        t.py_random = random.Random(int(rng.integers(2**63)))
    if state.extra:
        data = {**state.extra, **data}
    params = dict(t.get_params() or {})
    shape = _first_shape(data, state)
    params["shape"] = shape
    for name in ("interpolation", "fill", "fill_mask"):
        if hasattr(t, name):
            params[name] = getattr(t, name)
    missing = set(t.targets_as_params) - set(data)
    if missing:
        raise ValueError(f"{type(t).__name__}: requires the targets {sorted(missing)} (targets_as_params)")
    params.update(t.get_params_dependent_on_data(params=params, data=data) or {})
    return params


def _first_shape(data: dict[str, Any], state: State) -> tuple[int, ...]:
    for key in ("image", "images", "volume", "volumes"):
        if key in data:
            arr = data[key]
            return tuple(arr.shape[{"image": 0, "images": 1, "volume": 1, "volumes": 2}[key] :])
    return tuple(state.shape)


def apply(t: Any, state: State, params: Any, applied: np.ndarray | None) -> None:
    """Run an albumentations-style transform on ``state`` with the drawn ``params``."""
    functions = t.targets
    if state.batch is None:
        out = _call(t, functions, state, *_sample_view(state, None), params)
        _write_back(state, out, functions)
        return
    outs = {}
    for s in range(state.batch):
        if applied is None or applied[s]:
            outs[s] = _call(t, functions, state, *_sample_view(state, s), params[s])
    shapes = {_shape_of(o, state) for o in outs.values()}
    if len(shapes) > 1 or (applied is not None and not applied.all() and shapes != {state.shape}):
        raise ValueError(
            f"{type(t).__name__}: gives samples of a batch different sizes {sorted(shapes)}; samples of a "
            "batch share one size"
        )
    _write_batch(state, outs, shapes.pop() if shapes else state.shape)


def _call(
    t: Any, functions: dict[str, Any], state: State, data: dict[str, Any], names: dict[str, str], params: dict
) -> dict:
    """Each target through its function; the results by the state's keys."""
    out = {}
    for name, value in data.items():
        key = names[name]
        kind = _target_kind(state, key, functions)
        fn = functions.get(kind)
        if fn is None:
            continue
        if (
            kind in ("images", "masks")
            and state.volumes
            and state.volumes.get(key, ("",))[0] in ("volumes", "masks3d")
        ):
            value = value.reshape(-1, *value.shape[2:])  # N volumes, for a 2-D transform: N * D frames
        if kind == "masks" and len(value) == 0:
            out[key] = value
            continue
        res = fn(np.ascontiguousarray(value), **params)
        out[key] = res
    return out


def _shape_of(out: dict[str, Any], state: State, functions: dict[str, Any] | None = None) -> tuple[int, int]:
    for key, value in out.items():
        kind = _target_kind(state, key, functions)
        if kind in ("volume", "mask3d", "volumes", "masks3d"):
            lead = 2 if kind in ("volumes", "masks3d") else 1
            return (int(value.shape[lead]), int(value.shape[lead + 1]))
        if kind in ("image", "mask"):
            return (int(value.shape[0]), int(value.shape[1]))
        if kind in ("images", "masks") and len(value):
            return (int(value.shape[1]), int(value.shape[2]))
    return state.shape


def _hwc(value: Any) -> np.ndarray:
    a = np.asarray(value)
    return a[..., None] if a.ndim == 2 else a


def _write_back(state: State, out: dict[str, Any], functions: dict[str, Any] | None = None) -> None:
    new_shape = _shape_of(out, state, functions)
    for key, value in out.items():
        kind = _target_kind(state, key, functions)
        if kind in ("volume", "mask3d", "volumes", "masks3d"):  # back to N * D frames
            store = state.images if key in state.images else state.masks
            a = np.asarray(value)
            many = kind in ("volumes", "masks3d")
            if a.ndim == (4 if many else 3):
                a = a[..., None]
            state.depth = int(a.shape[1 if many else 0])
            store[key] = a.reshape(-1, *a.shape[2:]) if many else a
        elif kind in ("image", "mask", "images") and (key in state.images or key in state.masks):
            store = state.images if key in state.images else state.masks
            a = np.asarray(value)
            store[key] = a[..., None] if a.ndim == (3 if kind == "images" else 2) else a
        elif kind == "masks" and key not in state.masks:  # a list the user passed: split back
            items = sorted((k for k in state.masks if k.startswith(key + "[")), key=_index)
            for k, a in zip(items, value, strict=True):
                state.masks[k] = a[..., None] if a.ndim == 2 else a
        elif kind == "masks":
            a = np.asarray(value)
            state.masks[key] = a[..., None] if a.ndim == 3 else a
        elif kind == "bboxes":
            state.boxes[key] = _boxes_back(state.boxes[key], value, new_shape)
        elif kind == "keypoints":
            state.points[key] = _points_back(state, state.points[key], value, new_shape)
    state.shape = new_shape


def _index(key: str) -> int:
    return int(key.rsplit("[", 1)[1][:-1])


def _rows_of(result: Any, n_before: int, what: str) -> np.ndarray:
    arr = np.asarray(result, np.float64).reshape(len(result), -1) if len(result) else np.zeros((0, 1))
    idx = arr[:, -1]
    ids = idx.astype(np.intp)
    if len(ids) and (np.any(ids != idx) or ids.min() < 0 or ids.max() >= n_before):
        raise ValueError(
            f"{what}: the transform's output lost the extra columns it was given (the last one tracks each "
            "row); carry extra columns through, as albumentations requires"
        )
    return ids


def _boxes_back(boxes: BoxSet, result: Any, hw: tuple[int, int]) -> BoxSet:
    ids = _rows_of(result, len(boxes.rows), "apply_to_bboxes")
    arr = np.asarray(result, np.float64).reshape(len(ids), -1)
    h, w = hw
    xyxy = arr[:, :4] * np.array([w, h, w, h], np.float64) if len(ids) else np.zeros((0, 4))
    return clip_boxes(boxes.take(ids), xyxy, hw)


def _points_back(state: State, pts: PointSet, result: Any, hw: tuple[int, int]) -> PointSet:
    ids = _rows_of(result, len(pts.rows), "apply_to_keypoints")
    arr = np.asarray(result, np.float64).reshape(len(ids), -1)
    moved = pts.take(ids)
    if len(ids):
        moved = from_albumentations_keypoints(moved, arr)
    return filter_keypoints(moved, hw) if state.remove_invisible else moved


def _write_batch(state: State, outs: dict[int, dict[str, Any]], hw: tuple[int, int]) -> None:
    """Per-sample results back into the batch state (samples not in ``outs`` keep their data)."""
    for where in ("images", "masks"):
        store = getattr(state, where)
        for key, arr in store.items():
            if not outs:
                continue
            parts = []
            for s in range(state.batch or 0):
                if s in outs and key in outs[s]:
                    parts.append(_hwc(outs[s][key]))
                else:
                    parts.append(to_host(arr[s]))
            store[key] = from_host(np.stack(parts), arr)
    n = state.batch or 0
    for key in list(state.boxes):
        state.boxes[key] = _merge_rows(state.boxes[key], outs, key, n, lambda b, r: _boxes_back(b, r, hw))
    for key in list(state.points):
        state.points[key] = _merge_rows(
            state.points[key], outs, key, n, lambda p, r: _points_back(state, p, r, hw)
        )
    state.shape = hw


def _merge_rows(rows: Any, outs: dict[int, dict[str, Any]], key: str, n: int, back: Any) -> Any:
    """In sample order: the results of the applied samples (their tracking column indexes the whole
    set), the other samples' rows as they were."""
    parts = []
    for s in range(n):
        if s in outs and key in outs[s]:
            parts.append(back(rows, outs[s][key]))
        else:
            parts.append(rows.take(np.flatnonzero(rows.sample == s)))
    return rows.concat(parts) if parts else rows
