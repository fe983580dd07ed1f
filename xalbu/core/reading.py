"""Step 1 of a call: check the user's keyword targets and build the internal :class:`State`.

``Reader.read`` sorts the keys by kind (images, masks, boxes, keypoints, label fields, others),
checks every array (one array library and device, dtype, layout, non-empty height, width and
channels, batch size) and every box/keypoint table, converts targets to their internal form
(float64 images and masks are computed as float32) and records in a :class:`Restore` how each
output is written back (``core/writing.py`` follows it). Errors name the argument and what was
expected. albumentations' 3-D targets (``volume``, ``mask3d``: (D, H, W[, C]); ``volumes``,
``masks3d``: (N, D, H, W[, C])) are read as stacks of frames of the call (N volumes as N * D frames),
so 2-D transforms move every slice with one draw; ``State.volumes`` and ``State.depth`` say which
keys they are (3-D transforms, ``core/volume.py``, use them); ``pipeline.batch`` refuses them. Label
fields are checked when the reader is built (``Compose(...)``): not named like a target, not shared
by boxes and keypoints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from .state import IMAGE_DTYPES, MASK_DTYPES, VOLUME_KINDS, WIDE_DTYPE, Out, Restore, State
from .targets import (
    BboxParams,
    BoxSet,
    KeypointParams,
    PointSet,
    as_table,
    bboxes_to_pixels,
    keypoints_to_internal,
)
from .torch_interop import converter
from .transfer import host_copies

_NP_IMAGE_DTYPES = frozenset(np.dtype(t) for t in IMAGE_DTYPES)
_NP_MASK_DTYPES = frozenset(np.dtype(t) for t in MASK_DTYPES)


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


def _narrow(arr: Any) -> Any:
    """A float64 array as float32 (a new array: the input is left as it is), same library and device."""
    if isinstance(arr, np.ndarray):
        return arr.astype(np.float32)
    from array_api_compat import array_namespace

    xp = array_namespace(arr)
    return xp.astype(arr, xp.float32)


_STACKS = ("images", "masks")


def check_label_fields(
    kinds: Mapping[str, str], bbox_params: BboxParams | None, keypoint_params: KeypointParams | None
) -> None:
    """Each label field is a keyword of its own: not a target's name, not listed twice, not shared by
    boxes and keypoints (each field is filtered with the rows of one target)."""
    seen: dict[str, str] = {}
    for owner, params in (("BboxParams", bbox_params), ("KeypointParams", keypoint_params)):
        if params is None:
            continue
        where = f"{owner}.label_fields"
        for name in params.label_fields:
            if name in kinds or name in VOLUME_KINDS:
                kind = kinds.get(name, name)
                raise ValueError(
                    f"{where}: {name!r} is the name of a target ({kind}), not a free keyword; give the "
                    f"labels a name of their own (e.g. 'labels')"
                )
            if seen.get(name) == owner:
                raise ValueError(f"{where}: {name!r} is listed twice")
            if name in seen:
                raise ValueError(
                    f"{where}: {name!r} is also a label field of BboxParams; boxes and keypoints are filtered "
                    "separately, so each needs label fields of its own (e.g. 'bbox_labels' and "
                    "'keypoint_labels'); albumentations fails on a shared one too"
                )
            seen[name] = owner


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
        check_label_fields(kinds, bbox_params, keypoint_params)
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
                and value.size
            ):
                state = State(value.shape[:2])
                restore = Restore(data)
                restore.steps.append(("image", _store_plain(state, "images", "image", value), None))
                return state, restore
        if not batch and len(data) <= 4 and (fast := self._read_volumes_only(data)) is not None:
            return fast  # volume=, mask3d= (NumPy, valid) and nothing else: likewise
        restore = Restore(data)
        steps: list[tuple[str, Out]] = []
        kinds = self.kinds
        arrays: list[tuple[str, Any]] = []
        rows: list[tuple[str, str, Any]] = []
        tensors: dict[str, Callable[[Any], Any]] = {}
        others: dict[str, Any] = {}
        for key, value in data.items():
            kind = kinds.get(key)
            if kind is None:
                others[key] = value
                if key not in self.label_fields:
                    if self.strict:
                        known = sorted(set(kinds) | self.label_fields)
                        raise ValueError(f"{key}: unknown target (strict=True); known targets are {known}")
                    steps.append((key, ("value", value)))
            elif value is None:  # an absent target comes back as None (the output has every input key)
                steps.append((key, ("value", None)))
            elif kind == "bboxes" or kind == "keypoints":
                rows.append((key, kind, value))
            else:
                if batch and kind in VOLUME_KINDS:
                    _refuse_volume_batch(key)
                if type(value) is not np.ndarray and (found := converter(key, value)) is not None:
                    if restore.tensor is None:
                        restore.tensor = value[0] if isinstance(value, (list, tuple)) else value
                    value, back = found  # a torch tensor: read the array it is, give a tensor back
                    tensors[key] = back
                arrays.append((key, value))
        first = arrays[0][1] if arrays else None
        if type(first) is np.ndarray and first.ndim >= 2 and kinds[arrays[0][0]] == "image":
            shape, n, ref = first.shape[:2], None, arrays[0][0]  # the common case: a NumPy image first
        elif (
            not batch and type(first) is np.ndarray and first.ndim in (3, 4) and first.size
            and kinds[arrays[0][0]] in ("volume", "mask3d")
        ):  # fmt: skip
            shape, n, ref = first.shape[1:3], None, arrays[0][0]  # a NumPy volume first
        else:
            shape, n, ref = self._reference_shape(arrays, batch)
        state = State(shape, n)
        state.reader = self
        if others:
            state.extra = others
        if self.keypoint_params is not None:
            kp = self.keypoint_params
            state.remove_invisible = kp.remove_invisible and kp.check_each_transform  # per step
        ref_kind: tuple[str, str] | None = None
        for key, value in arrays:
            kind = kinds[key]
            if type(value) is np.ndarray and (ref_kind is None or ref_kind is _NUMPY_CPU):
                ref_kind = _NUMPY_CPU
                store = "images" if kind == "image" else "masks" if kind == "mask" else None
                if (
                    store is not None
                    and not batch
                    and (value.ndim == 3 or value.ndim == 2)
                    and value.shape[:2] == state.shape
                    and value.dtype in (_NP_IMAGE_DTYPES if kind == "image" else _NP_MASK_DTYPES)
                    and value.size
                ):  # the common case, already valid: skip the general checks
                    steps.append((key, _store_plain(state, store, key, value)))
                    continue
                if (
                    (kind == "volume" or kind == "mask3d")
                    and not batch
                    and (value.ndim == 4 or value.ndim == 3)
                    and value.shape[1:3] == state.shape
                    and value.dtype in (_NP_IMAGE_DTYPES if kind == "volume" else _NP_MASK_DTYPES)
                    and value.size
                    and (state.depth is None or state.depth == value.shape[0])
                ):  # a valid NumPy volume: likewise
                    steps.append((key, _store_volume(state, kind, key, value)))
                    continue
            else:
                ref_kind = self._same_place(key, value, ref, ref_kind, kind)
            steps.append((key, _READERS[kind](self, state, key, value, batch)))
        for key, kind, value in rows:
            if kind == "bboxes":
                steps.append((key, self._read_bboxes(state, key, value, data)))
            else:
                steps.append((key, self._read_keypoints(state, key, value, data)))
        restore.steps = [(key, spec, tensors.get(key)) for key, spec in steps]
        return state, restore

    def _read_volumes_only(self, data: dict[str, Any]) -> tuple[State, Restore] | None:
        """The state of a call of valid NumPy ``volume``/``mask3d`` targets only (``None``: another call)."""
        kinds = self.kinds
        shape = None
        for key, value in data.items():
            kind = kinds.get(key)
            if not (
                (kind == "volume" or kind == "mask3d")
                and type(value) is np.ndarray
                and (value.ndim == 4 or value.ndim == 3)
                and value.dtype in (_NP_IMAGE_DTYPES if kind == "volume" else _NP_MASK_DTYPES)
                and value.size
                and (shape is None or value.shape[:3] == shape)
            ):
                return None
            shape = value.shape[:3]
        if shape is None:
            return None
        state = State(shape[1:3])
        restore = Restore(data)
        for key, value in data.items():
            restore.steps.append((key, _store_volume(state, kinds[key], key, value), None))
        return state, restore

    # ----------------------------------------------------------------- shapes
    def _reference_shape(
        self, arrays: list[tuple[str, Any]], batch: bool
    ) -> tuple[tuple[int, int], int | None, str]:
        for prefer in ("image", "images", "mask", "masks", "volume", "mask3d", "volumes", "masks3d"):
            for key, value in arrays:
                if self.kinds[key] != prefer:
                    continue
                if prefer in VOLUME_KINDS:
                    if batch:
                        _refuse_volume_batch(key)
                    lead = 2 if prefer in ("volumes", "masks3d") else 1
                    _check_array(key, value, f"a {prefer}")
                    _check_volume_ndim(key, value, prefer)
                    _check_not_empty(key, value, lead, prefer)
                    return (int(value.shape[lead]), int(value.shape[lead + 1])), None, key
                stack = prefer in _STACKS
                if stack and isinstance(value, (list, tuple)):
                    if batch:
                        raise TypeError(
                            f"{key}: a batch takes one (N, H, W[, C]) array, got a {type(value).__name__} of "
                            f"{len(value)} arrays; stack them first (np.stack), or call the pipeline on each "
                            "sample (a batch's samples share one height and width)"
                        )
                    if not value:
                        continue
                    key, value, lead = f"{key}[0]", value[0], 0
                else:
                    lead = 1 if stack else 0
                _check_array(key, value, "an image" if "image" in prefer else "a mask")
                if value.ndim < 2 + lead:
                    raise ValueError(
                        f"{key}: expected at least {2 + lead} dimensions, got shape {tuple(value.shape)}"
                    )
                _check_not_empty(key, value, lead, "image" if "image" in prefer else "mask")
                h, w = int(value.shape[lead]), int(value.shape[lead + 1])
                n = int(value.shape[0]) if batch and lead else None
                return (h, w), n, key
        raise ValueError(
            "no image or mask given: pass image=..., mask=... (or images=... for a batch, volume=... for a 3-D volume)"
        )

    def _same_place(
        self, key: str, value: Any, ref: str, ref_kind: tuple[str, str] | None, target: str
    ) -> tuple[str, str]:
        items = value if target in _STACKS and isinstance(value, (list, tuple)) else [value]
        what = (
            "an image"
            if target in ("image", "images")
            else f"a {target}"
            if target in VOLUME_KINDS
            else "a mask"
        )
        for i, item in enumerate(items):
            name = key if item is value else f"{key}[{i}]"
            _check_array(name, item, what)
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
                "one call must have the same size (xalbu moves them with one geometry, also with "
                "is_check_shapes=False)"
            )

    # ----------------------------------------------------------------- images & masks
    def _image_array(self, state: State, key: str, arr: Any, lead: int) -> tuple[Any, bool, bool]:
        """``(internal array, given as 2-D, given as float64)`` of an image (stack); errors name ``key``."""
        _check_array(key, arr, "an image (stack)" if lead else "an image")
        dt = dtype_str(arr)
        if dt not in IMAGE_DTYPES and dt != WIDE_DTYPE:
            raise TypeError(
                f"{key}: expected dtype uint8, uint16 or float32 (or float64, computed as float32), got {dt}"
            )
        return self._layout(state, key, arr, lead, dt == WIDE_DTYPE, "image")

    def _mask_array(self, state: State, key: str, arr: Any, lead: int) -> tuple[Any, bool, bool]:
        """``(internal array, given as 2-D, given as float64)`` of a mask (stack); errors name ``key``."""
        _check_array(key, arr, "a mask (stack)" if lead else "a mask")
        dt = dtype_str(arr)
        if dt not in MASK_DTYPES and dt != WIDE_DTYPE:
            raise TypeError(f"{key}: expected an integer, bool, float32 or float64 mask, got dtype {dt}")
        return self._layout(state, key, arr, lead, dt == WIDE_DTYPE, "mask")

    def _layout(
        self, state: State, key: str, arr: Any, lead: int, wide: bool, what: str
    ) -> tuple[Any, bool, bool]:
        if arr.ndim not in (2 + lead, 3 + lead):
            layout = "(N, H, W) or (N, H, W, C)" if lead else "(H, W) or (H, W, C)"
            raise ValueError(f"{key}: expected shape {layout}, got {tuple(arr.shape)}")
        _check_not_empty(key, arr, lead, what)
        self._check_hw(state, key, arr, lead)
        if lead and state.batch is not None and int(arr.shape[0]) != state.batch:
            raise ValueError(
                f"{key}: expected {state.batch} samples (the batch size), got {int(arr.shape[0])}"
            )
        if wide:
            arr = _narrow(arr)
        if arr.ndim == 2 + lead:
            return _expand(arr), True, wide
        return arr, False, wide

    def _read_image(self, state: State, key: str, value: Any, batch: bool) -> Out:
        if batch:
            raise ValueError(
                f"{key}: a batch takes images=(N, H, W[, C]); use pipeline(image=...) for one image"
            )
        arr, squeeze, wide = self._image_array(state, key, value, 0)
        state.images[key] = arr
        return _array_out(state, "images", key, squeeze, value if wide else None, arr)

    def _read_mask(self, state: State, key: str, value: Any, batch: bool) -> Out:
        if batch:
            raise ValueError(f"{key}: a batch takes masks=(N, H, W[, C])")
        arr, squeeze, wide = self._mask_array(state, key, value, 0)
        state.masks[key] = arr
        return _array_out(state, "masks", key, squeeze, value if wide else None, arr)

    def _read_images(self, state: State, key: str, value: Any, batch: bool) -> Out:
        return self._read_stack(state, key, value, "images", self._image_array)

    def _read_masks(self, state: State, key: str, value: Any, batch: bool) -> Out:
        return self._read_stack(state, key, value, "masks", self._mask_array)

    def _read_stack(self, state: State, key: str, value: Any, where: str, check: Callable) -> Out:
        store = getattr(state, where)
        if isinstance(value, (list, tuple)):
            if state.batch is not None:
                raise TypeError(
                    f"{key}: a batch takes one (N, H, W[, C]) array, got a {type(value).__name__}"
                )
            names = []
            squeeze = []
            wide: dict[str, tuple[Any, Any]] = {}
            for i, item in enumerate(value):
                name = f"{key}[{i}]"
                arr, sq, w = check(state, name, item, 0)
                store[name] = arr
                names.append(name)
                squeeze.append(sq)
                if sq:
                    _flat(state, name)
                if w:
                    wide[name] = (item, arr)
            return ("stack", where, names, squeeze, type(value), wide or None)
        arr, squeeze, w = check(state, key, value, 1)
        store[key] = arr
        return _array_out(state, where, key, squeeze, value if w else None, arr)

    # ----------------------------------------------------------------- 3-D targets
    def _read_volume(self, state: State, key: str, value: Any, batch: bool) -> Out:
        """``volume``/``mask3d`` (D, H, W[, C]) as D frames; ``volumes``/``masks3d`` (N, D, H, W[, C]) as
        N * D frames (one draw for all of them, as albumentations gives them)."""
        kind = self.kinds[key]
        if batch:
            _refuse_volume_batch(key)
        if isinstance(value, (list, tuple)):
            raise TypeError(
                f"{key}: expected a {kind} as one array (np.stack the items), got a {type(value).__name__}"
            )
        image = kind in ("volume", "volumes")
        _check_array(key, value, f"a {kind}")
        _check_volume_ndim(key, value, kind)
        many = kind in ("volumes", "masks3d")
        lead = 2 if many else 1
        _check_not_empty(key, value, lead, kind)
        if many and int(value.shape[0]) == 0:
            raise ValueError(
                f"{key}: expected at least one volume, got shape {tuple(int(d) for d in value.shape)}"
            )
        depth = int(value.shape[lead - 1])
        if state.depth is None:
            state.depth = depth
        elif depth != state.depth:
            raise ValueError(
                f"{key}: depth {depth} differs from the other 3-D targets' {state.depth}; volume, mask3d, "
                "volumes and masks3d of one call must have the same depth, height and width"
            )
        n = int(value.shape[0]) if many else 1
        arr = _merge_lead(value) if many else value
        check = self._image_array if image else self._mask_array
        where = "images" if image else "masks"
        flat, squeeze, wide = check(state, key, arr, 1)
        getattr(state, where)[key] = flat
        if state.volumes is None:
            state.volumes = {}
        state.volumes[key] = (kind, n)
        spec = _array_out(state, where, key, squeeze, value if wide else None, flat)
        return ("volumes", spec, n, value.ndim) if many else spec

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
                got = f"{len(per)} items" if isinstance(per, (list, tuple)) else f"a {type(per).__name__}"
                raise ValueError(
                    f"{name}: a batch takes a list of {len(counts)} per-sample label lists, got {got}"
                )
            for s, (labels, count) in enumerate(zip(per, counts, strict=True)):
                try:
                    got = len(labels)
                except TypeError:  # None, a number...
                    where = f"{name}[{s}]" if batch else name
                    rows = f"{key}[{s}]" if batch else key
                    raise TypeError(
                        f"{where}: expected a list or array of labels, one per row of {rows}, got "
                        f"{type(labels).__name__}"
                    ) from None
                if got != count:
                    where = f" (sample {s})" if batch else ""
                    raise ValueError(
                        f"{name}: expected {count} labels (one per row of {key}){where}, got {got}"
                    )

    def _read_bboxes(self, state: State, key: str, value: Any, data: dict[str, Any]) -> Out:
        params = self.bbox_params
        if params is None:
            raise ValueError(
                f"{key}: boxes were passed but Compose has no bbox_params=BboxParams(format=...)"
            )
        if state.batch is None:  # one image: the short path
            samples = [value]
            hosts = host_copies(samples)
            table = as_table(key, value if hosts[0] is None else hosts[0], 4)
            xyxy, kept = bboxes_to_pixels(key, table, params.format, state.shape, params)
            if key == "bboxes":
                self._labels(key, params.label_fields, data, [len(table)], False)
            kept = kept if kept.dtype == np.intp else kept.astype(np.intp)
            state.boxes[key] = BoxSet(xyxy, kept, np.ones(len(kept)), np.zeros(len(kept), np.intp))
            return ("boxes", key, samples, params.label_fields if key == "bboxes" else (), params, hosts)
        samples, hosts, tables = self._tables(state, key, value, 4)
        table, owner, starts = _stacked(tables, 4)

        def convert(name: str, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return bboxes_to_pixels(name, t, params.format, state.shape, params)

        xyxy, kept = _per_row(key, convert, table, tables)
        if key == "bboxes":
            self._labels(key, params.label_fields, data, [len(t) for t in tables], True)
        sample = owner[kept]
        state.boxes[key] = BoxSet(xyxy, kept - starts[sample], np.ones(len(kept)), sample)
        return ("boxes", key, samples, params.label_fields if key == "bboxes" else (), params, hosts)

    def _tables(self, state: State, key: str, value: Any, cols: int) -> tuple[list, list, list[np.ndarray]]:
        """A batch's per-sample containers, the host copies of the device ones (one transfer) and
        each one's numeric table."""
        samples = self._per_sample(state, key, value)
        hosts = host_copies(samples)
        tables = [
            as_table(f"{key}[{s}]", item if host is None else host, cols)
            for s, (item, host) in enumerate(zip(samples, hosts, strict=True))
        ]
        return samples, hosts, tables

    def _read_keypoints(self, state: State, key: str, value: Any, data: dict[str, Any]) -> Out:
        params = self.keypoint_params
        if params is None:
            raise ValueError(
                f"{key}: keypoints were passed but Compose has no keypoint_params=KeypointParams(...)"
            )
        if state.batch is None:  # one image: the short path
            samples = [value]
            hosts = host_copies(samples)
            table = as_table(key, value if hosts[0] is None else hosts[0], len(params.format))
            xy, angle, scale = keypoints_to_internal(key, table, params, state.shape)
            rows, owner = np.arange(len(table)), np.zeros(len(table), np.intp)
            counts = [len(table)]
        else:
            samples, hosts, tables = self._tables(state, key, value, len(params.format))
            table, owner, starts = _stacked(tables, len(params.format))

            def convert(name: str, t: np.ndarray) -> tuple:
                return keypoints_to_internal(name, t, params, state.shape)

            xy, angle, scale = _per_row(key, convert, table, tables)
            rows, counts = np.arange(len(table)) - starts[owner], [len(t) for t in tables]
        if key == "keypoints":
            self._labels(key, params.label_fields, data, counts, state.batch is not None)
        z = None
        if "z" in params.format:
            full = table if state.batch is None else _stacked(tables, len(params.format))[0]
            z = full[:, params.format.index("z")].astype(np.float64)
            if state.depth is not None and len(z) and not bool(((z >= 0) & (z <= state.depth)).all()):
                i = int(np.flatnonzero(~((z >= 0) & (z <= state.depth)))[0])
                raise ValueError(
                    f"{key}[{i}] = {tuple(float(v) for v in full[i])} (xyz): z lies outside the volume's depth "
                    f"[0, {state.depth}]"
                )
        state.points[key] = PointSet(xy, angle, scale, rows, owner, None, z)
        return ("points", key, samples, params.label_fields if key == "keypoints" else (), params, hosts)


def _stacked(tables: list[np.ndarray], cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The per-sample tables as one, each row's sample, and each sample's first row."""
    counts = [len(t) for t in tables]
    table = np.concatenate(tables) if len(tables) > 1 else tables[0] if tables else np.zeros((0, cols))
    starts = np.zeros(len(tables), np.intp)
    np.cumsum(counts[:-1], out=starts[1:])
    return table, np.repeat(np.arange(len(tables), dtype=np.intp), counts), starts


def _per_row(key: str, convert: Callable, table: np.ndarray, tables: list[np.ndarray]) -> Any:
    """``convert`` once over a batch's stacked rows; when it refuses a row, again sample by sample,
    so that the error names the sample (``bboxes[3][1] = ...``)."""
    try:
        return convert(key, table)
    except ValueError:
        for s, t in enumerate(tables):
            convert(f"{key}[{s}]", t)
        raise


def read_any_size(reader: Reader, where: str, partner: Any, origin: int) -> State:
    """A mix partner (a dict with the call's keys) in internal form: read like the call itself, with
    the same checks, its boxes and keypoints marked with ``origin`` (``where`` names it in errors,
    e.g. ``mix_data[0]``); of any height and width (Mosaic)."""
    if not isinstance(partner, Mapping):
        raise TypeError(
            f"{where}: expected a dict of targets (image=..., mask=..., bboxes=...), got {type(partner).__name__}"
        )
    try:
        part, _ = reader.read(dict(partner), False)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{where}: {e}") from e
    for store in (part.boxes, part.points):
        for key, rows in store.items():
            store[key] = replace(rows, origin=np.full(len(rows.rows), origin, np.intp))
    return part


def read_partner(reader: Reader, state: State, where: str, partner: Any, origin: int) -> State:
    """A mix partner of one image, read by :func:`read_any_size`, of the sample's own size."""
    part = read_any_size(reader, where, partner, origin)
    if part.shape != state.shape:
        ref = next(iter(partner), "image")
        raise ValueError(
            f"{where}[{ref!r}]: height and width {part.shape} differ from the image's {state.shape}; all images "
            "and masks of one call must have the same size"
        )
    return part


_READERS: dict[str, Callable] = {
    "image": Reader._read_image,
    "images": Reader._read_images,
    "mask": Reader._read_mask,
    "masks": Reader._read_masks,
    "volume": Reader._read_volume,
    "volumes": Reader._read_volume,
    "mask3d": Reader._read_volume,
    "masks3d": Reader._read_volume,
}


def _refuse_volume_batch(key: str) -> None:
    raise ValueError(
        f"{key}: pipeline.batch(...) does not take 3-D targets; call the pipeline on each volume "
        "(pipeline(volume=...), or volumes=(N, D, H, W[, C]) for N volumes that share one draw, as in "
        "albumentations)"
    )


def _check_volume_ndim(key: str, value: Any, kind: str) -> None:
    many = kind in ("volumes", "masks3d")
    if value.ndim not in ((4, 5) if many else (3, 4)):
        layout = "(N, D, H, W) or (N, D, H, W, C)" if many else "(D, H, W) or (D, H, W, C)"
        raise ValueError(
            f"{key}: expected a {kind} of shape {layout}, got {tuple(int(d) for d in value.shape)}"
        )


def _merge_lead(arr: Any) -> Any:
    """(N, D, ...) as (N * D, ...), same library and device (a view where the layout allows)."""
    shape = (int(arr.shape[0]) * int(arr.shape[1]), *(int(d) for d in arr.shape[2:]))
    if isinstance(arr, np.ndarray):
        return arr.reshape(shape)
    from array_api_compat import array_namespace

    return array_namespace(arr).reshape(arr, shape)


# ----------------------------------------------------------------- output records
def _flat(state: State, key: str) -> None:
    if state.flat is None:
        state.flat = {key}
    else:
        state.flat.add(key)


def _store_plain(state: State, where: str, key: str, value: np.ndarray) -> Out:
    """Store a valid (H, W[, C]) NumPy image or mask; its output record."""
    squeeze = value.ndim == 2
    getattr(state, where)[key] = value[..., None] if squeeze else value
    if squeeze:
        _flat(state, key)
    return ("array", where, key, squeeze)


def _store_volume(state: State, kind: str, key: str, value: np.ndarray) -> Out:
    """Store a valid (D, H, W[, C]) NumPy volume or 3-D mask as D frames; its output record."""
    squeeze = value.ndim == 3
    where = "images" if kind == "volume" else "masks"
    getattr(state, where)[key] = value[..., None] if squeeze else value
    if squeeze:
        _flat(state, key)
    state.depth = value.shape[0]
    if state.volumes is None:
        state.volumes = {}
    state.volumes[key] = (kind, 1)
    return ("array", where, key, squeeze)


def _array_out(state: State, where: str, key: str, squeeze: bool, wide: Any = None, read: Any = None) -> Out:
    """The output record of an image/mask read into ``state``; ``wide``: the given float64 array
    (``read``: the float32 array it was read as)."""
    if squeeze:
        _flat(state, key)
    if wide is not None:
        return ("wide", where, key, squeeze, wide, read)
    return ("array", where, key, squeeze)


def _check_not_empty(key: str, arr: Any, lead: int, what: str) -> None:
    """Heights, widths and channels must be > 0 (a batch may have no samples)."""
    dims = tuple(int(d) for d in arr.shape)
    if 0 in dims[lead:]:
        raise ValueError(
            f"{key}: expected a non-empty {what} (height, width and channels > 0), got shape {dims}"
        )
