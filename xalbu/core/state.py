"""The data of one call on its way through a pipeline: reading user inputs, restoring outputs.

``read_inputs`` checks every target and turns it into the internal form held by :class:`State`;
``write_outputs`` turns the state back into the user's formats (same array type and device, same
container types). Errors name the argument and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .targets import (
    BboxParams,
    BoxSet,
    KeypointParams,
    PointSet,
    as_table,
    bboxes_from_pixels,
    bboxes_to_pixels,
    filter_boxes,
    keypoints_from_internal,
    keypoints_to_internal,
)
from .torch_interop import converter

TARGET_KINDS = ("image", "images", "mask", "masks", "bboxes", "keypoints")
IMAGE_DTYPES = ("uint8", "uint16", "float32")
MASK_DTYPES = ("uint8", "uint16", "int8", "int16", "int32", "int64", "uint32", "bool", "float32")
_NP_IMAGE_DTYPES = frozenset(np.dtype(t) for t in IMAGE_DTYPES)
_NP_MASK_DTYPES = frozenset(np.dtype(t) for t in MASK_DTYPES)


class State:
    """Internal data of one call. Images and masks are HWC (one image) or NHWC (frames/batch).

    A plain slotted class (built for every call, so cheaper than a dataclass with factories).
    """

    __slots__ = (
        "shape",
        "batch",
        "images",
        "masks",
        "boxes",
        "points",
        "gate",
        "remove_invisible",
        "record",
        "layout",
        "fuse",
        "pending",
    )

    def __init__(
        self,
        shape: tuple[int, int],
        batch: int | None = None,
        images: dict[str, Any] | None = None,
        masks: dict[str, Any] | None = None,
        boxes: dict[str, BoxSet] | None = None,
        points: dict[str, PointSet] | None = None,
    ) -> None:
        self.shape = shape
        self.batch = batch
        self.images: dict[str, Any] = {} if images is None else images
        self.masks: dict[str, Any] = {} if masks is None else masks
        self.boxes: dict[str, BoxSet] = {} if boxes is None else boxes
        self.points: dict[str, PointSet] = {} if points is None else points
        self.gate: np.ndarray | None = None  # batch: samples active in the current branch
        self.remove_invisible = True
        # Compose(save_applied_params=True): the steps that ran (see core/replay.py)
        self.record: list | None = None
        # ToTensorV2 ran: outputs become channels-first tensors (the value: its transpose_mask)
        self.layout: bool | None = None
        self.fuse = False  # Compose(fuse_affine=True): consecutive affine steps become one warp
        self.pending: Any = None  # the deferred affine steps (core.transform.PendingAffine)


class Restore:
    """How to turn internal targets back into the user's objects: ``(key, step(state, out))`` pairs.

    ``tensor``: the first CUDA/CPU torch tensor among the inputs (its device's current stream runs
    the call), ``None`` without tensors.
    """

    __slots__ = ("steps", "tensor")

    def __init__(self) -> None:
        self.steps: list[tuple[str, Callable[[State, dict[str, Any]], Any]]] = []
        self.tensor: Any = None


# ----------------------------------------------------------------- array checks
_NUMPY_CPU = ("numpy", "cpu")


def array_kind(value: Any) -> tuple[str, str]:
    """``(namespace name, device)`` of an array, for same-namespace/same-device checks."""
    if type(value) is np.ndarray:
        return _NUMPY_CPU
    mod = type(value).__module__.split(".")[0]
    dev = getattr(value, "device", "cpu")
    return (mod, str(dev))


_DTYPE_NAMES: dict[tuple[type, Any], str] = {}


def dtype_str(value: Any) -> str:
    """Short dtype name (``"uint8"``) of any array library's array; cached per dtype object."""
    dt = value.dtype
    # keyed with the dtype's type: array_api_strict dtypes hash like NumPy's, and comparing the two
    # (on a hash collision) warns
    key = (type(dt), dt)
    try:
        return _DTYPE_NAMES[key]
    except (KeyError, TypeError):
        name = str(dt).rsplit(".", 1)[-1]
        try:
            _DTYPE_NAMES[key] = name
        except TypeError:
            pass
        return name


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__")


def _check_array(key: str, value: Any, what: str) -> None:
    if not _is_array(value):
        raise TypeError(
            f"{key}: expected {what} as a NumPy/CuPy array (or another array-API array), got {type(value).__name__}"
        )


def _expand(arr: Any) -> Any:
    """Add the channel axis (HW -> HW1, NHW -> NHW1)."""
    return arr[..., None]


class Reader:
    """Reads one call's keyword targets into a :class:`State` (see module docstring)."""

    def __init__(
        self,
        kinds: Mapping[str, str],
        bbox_params: BboxParams | None,
        keypoint_params: KeypointParams | None,
        strict: bool,
    ) -> None:
        self.kinds = kinds
        self._image_is_image = kinds.get("image") == "image"  # (additional_targets could remap the name)
        self.bbox_params = bbox_params
        self.keypoint_params = keypoint_params
        self.strict = strict
        self.label_fields = set()
        if bbox_params is not None:
            self.label_fields |= set(bbox_params.label_fields)
        if keypoint_params is not None:
            self.label_fields |= set(keypoint_params.label_fields)

    # ----------------------------------------------------------------- entry
    def read(self, data: dict[str, Any], batch: bool) -> tuple[State, Restore]:
        # runs on every call: one pass to sort the keys, then plain NumPy arrays take a short path
        if not batch and len(data) == 1 and self._image_is_image:  # the most common call: image=<NumPy image>
            value = data.get("image")
            if (
                type(value) is np.ndarray
                and (value.ndim == 3 or value.ndim == 2)
                and value.dtype in _NP_IMAGE_DTYPES
            ):
                state = State(value.shape[:2])
                restore = Restore()
                restore.steps.append(("image", _store_plain(state.images, "image", value)))
                return state, restore
        restore = Restore()
        steps = restore.steps
        kinds = self.kinds
        arrays: list[tuple[str, Any]] = []
        rows: list[tuple[str, str, Any]] = []
        tensors: dict[str, Callable[[Any], Any]] = {}
        for key, value in data.items():
            kind = kinds.get(key)
            if kind is None:
                if key not in self.label_fields:
                    if self.strict:
                        known = sorted(set(kinds) | self.label_fields)
                        raise ValueError(f"{key}: unknown target (strict=True); known targets are {known}")
                    steps.append((key, _passthrough(value)))
            elif value is None:  # an absent target comes back as None (the output has every input key)
                steps.append((key, _passthrough(None)))
            elif kind == "bboxes" or kind == "keypoints":
                rows.append((key, kind, value))
            else:
                if type(value) is not np.ndarray and (found := converter(key, value)) is not None:
                    if restore.tensor is None:
                        restore.tensor = value[0] if isinstance(value, (list, tuple)) else value
                    value, back = found  # a torch tensor: read the array it is, give a tensor back
                    tensors[key] = back
                arrays.append((key, value))
        first = arrays[0][1] if arrays else None
        if type(first) is np.ndarray and first.ndim >= 2 and kinds[arrays[0][0]] == "image":
            shape, n, ref = first.shape[:2], None, arrays[0][0]  # the common case: a NumPy image first
        else:
            shape, n, ref = self._reference_shape(arrays, batch)
        state = State(shape, n)
        if self.keypoint_params is not None:
            state.remove_invisible = self.keypoint_params.remove_invisible
        ref_kind: tuple[str, str] | None = None
        for key, value in arrays:
            kind = kinds[key]
            if type(value) is np.ndarray and (ref_kind is None or ref_kind is _NUMPY_CPU):
                ref_kind = _NUMPY_CPU
                store = state.images if kind == "image" else state.masks if kind == "mask" else None
                if (
                    store is not None
                    and not batch
                    and (value.ndim == 3 or value.ndim == 2)
                    and value.shape[:2] == state.shape
                    and value.dtype in (_NP_IMAGE_DTYPES if kind == "image" else _NP_MASK_DTYPES)
                ):  # the common case, already valid: skip the general checks
                    steps.append((key, _store_plain(store, key, value)))
                    continue
            else:
                ref_kind = self._same_place(key, value, ref, ref_kind)
            steps.append((key, _READERS[kind](self, state, key, value, batch)))
        for key, kind, value in rows:
            if kind == "bboxes":
                steps.append((key, self._read_bboxes(state, key, value, data)))
            else:
                steps.append((key, self._read_keypoints(state, key, value, data)))
        if tensors:
            restore.steps = [
                (key, step if key not in tensors else _then(step, tensors[key])) for key, step in steps
            ]
        return state, restore

    # ----------------------------------------------------------------- shapes
    def _reference_shape(
        self, arrays: list[tuple[str, Any]], batch: bool
    ) -> tuple[tuple[int, int], int | None, str]:
        for prefer in ("image", "images", "mask", "masks"):
            for key, value in arrays:
                if self.kinds[key] != prefer:
                    continue
                if isinstance(value, (list, tuple)):
                    if not value:
                        continue
                    value = value[0]
                    lead = 0
                else:
                    lead = 1 if prefer in ("images", "masks") else 0
                _check_array(key, value, "an image" if "image" in prefer else "a mask")
                if value.ndim < 2 + lead:
                    raise ValueError(
                        f"{key}: expected at least {2 + lead} dimensions, got shape {tuple(value.shape)}"
                    )
                h, w = int(value.shape[lead]), int(value.shape[lead + 1])
                n = int(value.shape[0]) if batch and lead else None
                return (h, w), n, key
        raise ValueError("no image or mask given: pass image=..., mask=... (or images=... for a batch)")

    def _same_place(
        self, key: str, value: Any, ref: str, ref_kind: tuple[str, str] | None
    ) -> tuple[str, str]:
        items = value if isinstance(value, (list, tuple)) else [value]
        for i, item in enumerate(items):
            name = key if item is value else f"{key}[{i}]"
            _check_array(name, item, "an array")
            kind = array_kind(item)
            if ref_kind is None:
                ref_kind = kind
            elif kind != ref_kind:
                raise ValueError(
                    f"{name}: is a {kind[0]} array on device {kind[1]}, but {ref} is a {ref_kind[0]} array on "
                    f"device {ref_kind[1]}; pass all targets of one call from one array library and device"
                )
        return ref_kind  # type: ignore[return-value]

    def _check_hw(self, state: State, key: str, arr: Any, lead: int) -> None:
        hw = (int(arr.shape[lead]), int(arr.shape[lead + 1]))
        if hw != state.shape:
            raise ValueError(
                f"{key}: height and width {hw} differ from the image's {state.shape}; all images and masks of "
                "one call must have the same size"
            )

    # ----------------------------------------------------------------- images & masks
    def _image_array(self, state: State, key: str, arr: Any, lead: int) -> tuple[Any, bool]:
        dt = dtype_str(arr)
        if dt not in IMAGE_DTYPES:
            hint = " (convert with .astype(float32))" if dt == "float64" else ""
            raise TypeError(f"{key}: expected dtype uint8, uint16 or float32, got {dt}{hint}")
        if arr.ndim not in (2 + lead, 3 + lead):
            layout = "(N, H, W) or (N, H, W, C)" if lead else "(H, W) or (H, W, C)"
            raise ValueError(f"{key}: expected shape {layout}, got {tuple(arr.shape)}")
        self._check_hw(state, key, arr, lead)
        if lead and state.batch is not None and int(arr.shape[0]) != state.batch:
            raise ValueError(
                f"{key}: expected {state.batch} samples (the batch size), got {int(arr.shape[0])}"
            )
        if arr.ndim == 2 + lead:
            return _expand(arr), True
        return arr, False

    def _mask_array(self, state: State, key: str, arr: Any, lead: int) -> tuple[Any, bool]:
        dt = dtype_str(arr)
        if dt not in MASK_DTYPES:
            raise TypeError(f"{key}: expected an integer, bool or float32 mask, got dtype {dt}")
        if arr.ndim not in (2 + lead, 3 + lead):
            layout = "(N, H, W) or (N, H, W, C)" if lead else "(H, W) or (H, W, C)"
            raise ValueError(f"{key}: expected shape {layout}, got {tuple(arr.shape)}")
        self._check_hw(state, key, arr, lead)
        if arr.ndim == 2 + lead:
            return _expand(arr), True
        return arr, False

    def _read_image(self, state: State, key: str, value: Any, batch: bool) -> Callable:
        if batch:
            raise ValueError(
                f"{key}: a batch takes images=(N, H, W[, C]); use pipeline(image=...) for one image"
            )
        arr, squeeze = self._image_array(state, key, value, 0)
        state.images[key] = arr
        return _array_out(state.images, key, squeeze)

    def _read_mask(self, state: State, key: str, value: Any, batch: bool) -> Callable:
        if batch:
            raise ValueError(f"{key}: a batch takes masks=(N, H, W[, C])")
        arr, squeeze = self._mask_array(state, key, value, 0)
        state.masks[key] = arr
        return _array_out(state.masks, key, squeeze)

    def _read_images(self, state: State, key: str, value: Any, batch: bool) -> Callable:
        return self._read_stack(state, key, value, state.images, self._image_array)

    def _read_masks(self, state: State, key: str, value: Any, batch: bool) -> Callable:
        return self._read_stack(state, key, value, state.masks, self._mask_array)

    def _read_stack(
        self, state: State, key: str, value: Any, store: dict[str, Any], check: Callable
    ) -> Callable:
        if isinstance(value, (list, tuple)):
            if state.batch is not None:
                raise TypeError(
                    f"{key}: a batch takes one (N, H, W[, C]) array, got a {type(value).__name__}"
                )
            names = []
            squeeze = []
            for i, item in enumerate(value):
                arr, sq = check(state, f"{key}[{i}]", item, 0)
                store[f"{key}[{i}]"] = arr
                names.append(f"{key}[{i}]")
                squeeze.append(sq)
            container = type(value)

            def restore(st: State, out: dict[str, Any]) -> Any:
                items = [_squeezed(store.get(nm), sq) for nm, sq in zip(names, squeeze, strict=True)]
                return container(items)

            return restore
        arr, squeeze = check(state, key, value, 1)
        store[key] = arr
        return _array_out(store, key, squeeze)

    # ----------------------------------------------------------------- boxes & points
    def _per_sample(self, state: State, key: str, value: Any) -> list[Any]:
        if state.batch is None:
            return [value]
        if not isinstance(value, (list, tuple)) or len(value) != state.batch:
            got = len(value) if isinstance(value, (list, tuple)) else type(value).__name__
            raise ValueError(
                f"{key}: a batch takes a list of {state.batch} per-sample lists/arrays, got {got}"
            )
        return list(value)

    def _labels(
        self, key: str, fields: tuple[str, ...], data: dict[str, Any], counts: list[int], batch: bool
    ) -> None:
        for name in fields:
            if name not in data:
                raise ValueError(
                    f"{name}: label field declared in params but not passed (one label per row of {key})"
                )
            per = data[name] if batch else [data[name]]
            if batch and (not isinstance(per, (list, tuple)) or len(per) != len(counts)):
                raise ValueError(f"{name}: a batch takes a list of {len(counts)} per-sample label lists")
            for s, (labels, count) in enumerate(zip(per, counts, strict=True)):
                got = len(labels)
                if got != count:
                    where = f" (sample {s})" if batch else ""
                    raise ValueError(
                        f"{name}: expected {count} labels (one per row of {key}){where}, got {got}"
                    )

    def _read_bboxes(self, state: State, key: str, value: Any, data: dict[str, Any]) -> Callable:
        params = self.bbox_params
        if params is None:
            raise ValueError(
                f"{key}: boxes were passed but Compose has no bbox_params=BboxParams(format=...)"
            )
        if state.batch is None:  # one image: the short path
            samples = [value]
            table = as_table(key, value, 4)
            xyxy, kept = bboxes_to_pixels(key, table, params.format, state.shape, params)
            if key == "bboxes":
                self._labels(key, params.label_fields, data, [len(table)], False)
            kept = kept if kept.dtype == np.intp else kept.astype(np.intp)
            state.boxes[key] = BoxSet(xyxy, kept, np.ones(len(kept)), np.zeros(len(kept), np.intp))
            return self._boxes_out(samples, key, data, state)
        samples = self._per_sample(state, key, value)
        parts, rows, sample_idx, counts = [], [], [], []
        for s, item in enumerate(samples):
            name = f"{key}[{s}]" if state.batch is not None else key
            table = as_table(name, item, 4)
            xyxy, kept = bboxes_to_pixels(name, table, params.format, state.shape, params)
            counts.append(len(table))
            parts.append(xyxy)
            rows.append(kept)
            sample_idx.append(np.full(len(kept), s, np.intp))
        if key == "bboxes":
            self._labels(key, params.label_fields, data, counts, state.batch is not None)
        state.boxes[key] = BoxSet(
            np.concatenate(parts) if parts else np.zeros((0, 4)),
            np.concatenate(rows).astype(np.intp),
            np.ones(sum(len(r) for r in rows)),
            np.concatenate(sample_idx),
        )
        return self._boxes_out(samples, key, data, state)

    def _boxes_out(self, samples: list[Any], key: str, data: dict[str, Any], state: State) -> Callable:
        params = self.bbox_params
        fields = params.label_fields if key == "bboxes" else ()
        return _rows_out(
            samples,
            fields,
            data,
            state.batch,
            4,
            lambda st: (lambda b: (b, bboxes_from_pixels(b.xyxy, params.format, st.shape)))(
                filter_boxes(st.boxes[key], params)
            ),
        )

    def _read_keypoints(self, state: State, key: str, value: Any, data: dict[str, Any]) -> Callable:
        params = self.keypoint_params
        if params is None:
            raise ValueError(
                f"{key}: keypoints were passed but Compose has no keypoint_params=KeypointParams(...)"
            )
        samples = self._per_sample(state, key, value)
        xys, angles, scales, rows, sample_idx, counts = [], [], [], [], [], []
        for s, item in enumerate(samples):
            name = f"{key}[{s}]" if state.batch is not None else key
            table = as_table(name, item, len(params.format))
            xy, ang, sc = keypoints_to_internal(name, table, params, state.shape)
            xys.append(xy)
            angles.append(ang)
            scales.append(sc)
            rows.append(np.arange(len(table)))
            sample_idx.append(np.full(len(table), s, np.intp))
            counts.append(len(table))
        if key == "keypoints":
            self._labels(key, params.label_fields, data, counts, state.batch is not None)
        state.points[key] = PointSet(
            np.concatenate(xys) if xys else np.zeros((0, 2)),
            np.concatenate(angles),
            np.concatenate(scales),
            np.concatenate(rows).astype(np.intp),
            np.concatenate(sample_idx),
        )
        fields = params.label_fields if key == "keypoints" else ()
        return _rows_out(
            samples,
            fields,
            data,
            state.batch,
            len(params.format),
            lambda st: (st.points[key], keypoints_from_internal(st.points[key], params)),
        )


_READERS: dict[str, Callable] = {
    "image": Reader._read_image,
    "images": Reader._read_images,
    "mask": Reader._read_mask,
    "masks": Reader._read_masks,
}


# ----------------------------------------------------------------- restoring
def _squeezed(arr: Any, squeeze: bool) -> Any:
    return arr[..., 0] if squeeze else arr


def _store_plain(store: dict[str, Any], key: str, value: np.ndarray) -> Callable:
    """Store a valid (H, W[, C]) NumPy image or mask; its restore step."""
    squeeze = value.ndim == 2
    store[key] = value[..., None] if squeeze else value
    return _array_out(store, key, squeeze)


def _array_out(store: dict[str, Any], key: str, squeeze: bool) -> Callable:
    return lambda st, out: _squeezed(store[key], squeeze)


def _then(step: Callable, back: Callable[[Any], Any]) -> Callable:
    return lambda st, out: back(step(st, out))


def _passthrough(value: Any) -> Callable:
    return lambda st, out: value


def _select(values: Any, rows: np.ndarray) -> Any:
    """Pick ``rows`` of a user container, keeping its type (list, tuple or array)."""
    if isinstance(values, list):
        return [values[i] for i in rows.tolist()]
    if isinstance(values, tuple):
        return tuple(values[i] for i in rows.tolist())
    if isinstance(values, np.ndarray):
        return values[rows]
    mod = type(values).__module__
    if mod.startswith("cupy"):
        import cupy

        return values[cupy.asarray(rows)]
    return [values[int(i)] for i in rows]


def _rebuild(original: Any, coords: np.ndarray, rows: np.ndarray, n_coord: int) -> Any:
    """User container with new coordinates and the original extra columns of ``rows``."""
    if isinstance(original, (list, tuple)):
        rl = rows.tolist()
        if all(len(original[r]) == n_coord for r in rl):  # no extra columns: coordinates only
            out = list(map(tuple, coords.tolist()))
        else:
            out = [(*c, *original[r][n_coord:]) for c, r in zip(coords.tolist(), rl, strict=True)]
        return out if isinstance(original, list) else tuple(out)
    host = original if isinstance(original, np.ndarray) else _host(original)
    dtype = host.dtype if np.issubdtype(host.dtype, np.floating) else np.float64
    res = np.empty((len(rows), host.shape[1] if host.ndim == 2 else n_coord), dtype)
    res[:, :n_coord] = coords
    if host.ndim == 2 and host.shape[1] > n_coord:
        res[:, n_coord:] = host[rows, n_coord:]
    return res if isinstance(original, np.ndarray) else _like(original, res)


def _host(value: Any) -> np.ndarray:
    from .targets import _to_host

    return _to_host(value)


def _like(original: Any, host: np.ndarray) -> Any:
    mod = type(original).__module__
    if mod.startswith("cupy"):
        import cupy

        return cupy.asarray(host)
    from array_api_compat import array_namespace, device

    xp = array_namespace(original)
    return xp.asarray(host, device=device(original))


def _rows_out(
    samples: list[Any],
    fields: tuple[str, ...],
    data: dict[str, Any],
    batch: int | None,
    n_coord: int,
    finish: Callable[[State], tuple[Any, np.ndarray]],
) -> Callable:
    """Restore step for boxes/keypoints: coordinates back, extras and label fields by row."""

    def restore(st: State, out: dict[str, Any]) -> Any:
        kept, coords = finish(st)
        results = []
        for s, original in enumerate(samples):
            sel = kept.sample == s if batch is not None else slice(None)
            rows = kept.rows[sel]
            results.append(_rebuild(original, coords[sel], rows, n_coord))
            for name in fields:
                labels = data[name][s] if batch is not None else data[name]
                value = _select(labels, rows)
                if batch is None:
                    out[name] = value
                else:
                    out.setdefault(name, []).append(value)
        return results if batch is not None else results[0]

    return restore


def write_outputs(state: State, restore: Restore) -> dict[str, Any]:
    """The user's dict: every key passed in, same containers, array types and devices."""
    out: dict[str, Any] = {}
    for key, step in restore.steps:
        out[key] = step(state, out)
    return out
