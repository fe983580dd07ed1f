"""Transform base classes. A transform declares a ``kind`` and the base routes every target.

- ``pixel`` (:class:`ImageOnlyTransform`): only images change.
- ``affine`` (:class:`DualTransform`): the transform gives a 3x3 forward matrix per sample (and an
  output size); images are warped with ``interpolation``, masks with ``mask_interpolation``, boxes and
  keypoints are mapped through the same matrix. Subclasses override ``apply_image``/``apply_mask`` with
  exact fast kernels (flip, crop, resize...) where one exists.
- ``spatial`` (:class:`SpatialTransform`): the transform implements each target function itself.

Sampling happens on the host with ``numpy.random.Generator``: ``sample(rng, shape, n)`` returns
scalars for one image (``n is None``) or length-``n`` arrays for a batch.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, ClassVar

import numpy as np

from ..functional import geometric as G
from .replay import record_step
from .state import State
from .targets import clip_boxes, filter_keypoints, map_boxes, map_keypoints
from .validation import check_p

TRANSFORMS: dict[str, type[BasicTransform]] = {}
"""Every public transform class by name (filled by ``__init_subclass__``)."""


class Geometry:
    """What an affine step does: sizes, gated samples, and the forward ``matrix`` ((3,3) or (N,3,3)).

    The matrix is built on first use: exact kernels (flip, crop, resize...) on an image without
    boxes or keypoints never need it. ``shared`` is True when every parameter is one value for all
    samples (always for one image), so the exact kernels apply.
    """

    __slots__ = ("in_hw", "out_hw", "applied", "_owner", "_params", "_batch", "_matrix", "_shared")

    def __init__(
        self,
        owner: DualTransform,
        params: Any,
        in_hw: tuple[int, int],
        out_hw: tuple[int, int],
        applied: np.ndarray | None,
        batch: int | None,
    ) -> None:
        self.in_hw = in_hw
        self.out_hw = out_hw
        self.applied = applied  # batch: the samples transformed (others keep identity); None: all
        self._owner = owner
        self._params = params
        self._batch = batch
        self._matrix: np.ndarray | None = None
        self._shared: bool | None = None

    @property
    def matrix(self) -> np.ndarray:
        m = self._matrix
        if m is None:
            m = np.asarray(self._owner.matrix(self._params, self.in_hw), np.float64)
            if self.applied is not None:
                full = np.broadcast_to(m, (len(self.applied), 3, 3))
                m = np.where(self.applied[:, None, None], full, np.eye(3))
            self._matrix = m
        return m

    @property
    def shared(self) -> bool:
        s = self._shared
        if s is None:
            s = self._shared = self._batch is None or all_scalar(self._params)
        return s


def all_scalar(params: Any) -> bool:
    """True when every field of a params dataclass is a scalar (one image, or shared by a batch)."""
    if params is None:
        return True
    # isinstance first (np.ndim costs ~1 us per field)
    values = (
        params.__dict__.values()
        if hasattr(params, "__dict__")
        else [getattr(params, f.name) for f in dataclasses.fields(params)]
    )
    for v in values:
        if isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) != 0:
            return False
    return True


class BasicTransform:
    """Base of every transform: holds ``p``; ``sample`` draws parameters; the kind routes targets.

    Every ``__init__`` argument is stored under its own name, which ``init_args`` (repr,
    serialization) reads back.
    """

    kind: ClassVar[str] = "pixel"
    _abstract: ClassVar[bool] = True

    def __init__(self, p: float = 0.5) -> None:
        self.p = check_p(p)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("_abstract", False) and not cls.__name__.startswith("_"):
            TRANSFORMS[cls.__name__] = cls

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> Any:
        """Draw this call's parameters (scalars, or length-``n`` arrays for a batch)."""
        return None

    def sample_data(self, rng: np.random.Generator, state: State) -> Any:
        """Data-dependent sampling hook; by default only the image size is used."""
        return self.sample(rng, state.shape, state.batch)

    # ------------------------------------------------------------------ running
    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        if state.pending is not None and self.kind != "affine":
            flush_affine(state)  # Compose(fuse_affine=True): deferred affine steps come first
        p = 1.0 if force else self.p
        n = state.batch
        if n is None:
            if p < 1.0 and not (p > 0.0 and rng.random() < p):
                return
            params = self.sample_data(rng, state)
            if state.record is not None:  # Compose(save_applied_params=True)
                state.record.append(record_step(self, state, params, None))
            self._apply(state, params, None)
            return
        applied = np.ones(n, bool) if state.gate is None else state.gate.copy()
        if p < 1.0:
            applied &= rng.random(n) < p
        params = self.sample_data(rng, state)
        if applied.any():
            if state.record is not None:
                state.record.append(record_step(self, state, params, applied))
            self._apply(state, params, None if applied.all() else applied)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ conveniences
    def __call__(self, *args: Any, **data: Any) -> dict[str, Any]:
        """Apply this transform alone: ``HorizontalFlip(p=1)(image=img)["image"]``."""
        if args:
            raise TypeError("pass targets by keyword, e.g. transform(image=img)")
        solo = self.__dict__.get("_solo")
        if solo is None:
            from .composition import Compose

            solo = Compose([self], p=1.0)
            self.__dict__["_solo"] = solo
        return solo(**data)

    def init_args(self) -> dict[str, Any]:
        """The constructor arguments, read back from attributes of the same names."""
        out = {}
        for name, prm in inspect.signature(type(self).__init__).parameters.items():
            if name == "self" or prm.kind in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD):
                continue
            out[name] = getattr(self, name, prm.default)
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.init_args().items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_solo", None)
        return state


def gate_params(params: Any, applied: np.ndarray, identity: dict[str, Any]) -> Any:
    """Replace the parameters of samples that are not applied by identity values."""
    changes = {}
    for name, ident in identity.items():
        value = np.asarray(getattr(params, name))
        if value.ndim == 0:
            value = np.broadcast_to(value, applied.shape)
        mask = applied.reshape(applied.shape + (1,) * (value.ndim - 1))
        changes[name] = np.where(mask, value, ident)
    return dataclasses.replace(params, **changes)


class ImageOnlyTransform(BasicTransform):
    """A pixel-level transform: only image targets change.

    Subclasses implement ``apply_image(img, params)``. ``identity`` (field -> value) lets a batch run
    the samples that are not applied through the same kernel with identity parameters; without it
    the base blends the result with the input per sample.
    """

    kind = "pixel"
    identity: ClassVar[dict[str, Any] | None] = None
    _abstract = True

    def apply_image(self, img: Any, params: Any) -> Any:
        raise NotImplementedError

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        blend = False
        if applied is not None:
            if self.identity is not None and params is not None:
                params = gate_params(params, applied, self.identity)
            else:
                blend = True
        for key, img in state.images.items():
            out = self.apply_image(img, params)
            state.images[key] = G.select(out, img, applied) if blend else out


class DualTransform(BasicTransform):
    """An affine-kind transform: ``matrix(params, shape)`` moves every target (see module doc)."""

    kind = "affine"
    _abstract = True
    interpolation: int = 1
    mask_interpolation: int = 0
    border_mode: int = 0
    fill: Any = 0.0
    fill_mask: Any = 0.0

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        """Forward 3x3 map (or (N,3,3) for a batch) from input to output pixel coordinates."""
        raise NotImplementedError

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return shape

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return G.warp(img, geo.matrix, geo.out_hw, self.interpolation, self.border_mode, self.fill)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        return G.warp(mask, geo.matrix, geo.out_hw, self.mask_interpolation, self.border_mode, self.fill_mask)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        # runs for every call: the matrix is built only when a warp, boxes or keypoints need it
        shape = state.shape
        out_hw = self.output_shape(params, shape)
        if applied is not None and out_hw != shape:
            raise ValueError(
                f"{type(self).__name__}: changes the image size, so in a batch it must apply to every "
                "sample (p=1 and not inside OneOf/SomeOf branches); samples of a batch share one size"
            )
        geo = Geometry(self, params, shape, out_hw, applied, state.batch)
        if state.fuse and _defer(state, self, params, geo):
            return
        images = state.images
        for key, img in images.items():
            images[key] = self.apply_image(img, params, geo)
        masks = state.masks
        for key, mask in masks.items():
            masks[key] = self.apply_mask(mask, params, geo)
        if state.boxes or state.points:
            _move_points(state, geo.matrix, out_hw)
        state.shape = out_hw

    def _fusable(self) -> bool:
        """Whether this step can join a fused warp: warp interpolations only (no area/lanczos)."""
        return (
            self.interpolation in _WARP_ORDERS
            and self.mask_interpolation in _WARP_ORDERS
            and getattr(self, "area_for_downscale", None) is None
        )

    @staticmethod
    def _gated(out: Any, img: Any, geo: Geometry) -> Any:
        """For exact fast kernels: keep the input for samples that are not applied."""
        return out if geo.applied is None else G.select(out, img, geo.applied)


# ---------------------------------------------------------------------------------- fusion
_WARP_ORDERS = (0, 1, 2)  # nearest < linear < cubic: a fused warp uses the highest of its steps


class PendingAffine:
    """Consecutive affine steps deferred by ``Compose(fuse_affine=True)``, applied by :func:`flush_affine`.

    Steps join while they share the border settings (``key``); the images still have the size of
    the first step's input, ``state.shape`` already that of the last step's output.
    """

    __slots__ = ("key", "steps")

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.steps: list[tuple[DualTransform, Any, Geometry]] = []


def _defer(state: State, t: DualTransform, params: Any, geo: Geometry) -> bool:
    """Queue an affine step for fusion; False when it must run now (it cannot join a fused warp)."""
    if not t._fusable():
        flush_affine(state)
        return False
    key = (t.border_mode, repr(t.fill), repr(t.fill_mask))
    pending = state.pending
    if pending is not None and pending.key != key:
        flush_affine(state)
        pending = None
    if pending is None:
        pending = state.pending = PendingAffine(key)
    pending.steps.append((t, params, geo))
    state.shape = geo.out_hw
    return True


def flush_affine(state: State) -> None:
    """Apply the deferred affine steps: one step as itself (exact kernels), several as one warp.

    The fused warp samples the input once through the product of the steps' matrices, with the
    highest interpolation order among them (masks: among their mask interpolations) and their
    shared border settings; boxes and keypoints are mapped once through the same product.
    """
    pending = state.pending
    if pending is None:
        return
    state.pending = None
    steps = pending.steps
    if len(steps) == 1:  # nothing to fuse: the step runs as itself (its exact kernels)
        t, params, geo = steps[0]
        state.shape, state.fuse = geo.in_hw, False
        try:
            t._apply(state, params, geo.applied)
        finally:
            state.fuse = True
        return
    m = steps[0][2].matrix
    for _, _, geo in steps[1:]:
        m = np.matmul(geo.matrix, m)
    first = steps[0][0]
    out_hw = steps[-1][2].out_hw
    order = max(t.interpolation for t, _, _ in steps)
    mask_order = max(t.mask_interpolation for t, _, _ in steps)
    for key, img in state.images.items():
        state.images[key] = G.warp(img, m, out_hw, order, first.border_mode, first.fill)
    for key, mask in state.masks.items():
        state.masks[key] = G.warp(mask, m, out_hw, mask_order, first.border_mode, first.fill_mask)
    if state.boxes or state.points:
        _move_points(state, m, out_hw)
    state.shape = out_hw


def _move_points(state: State, m: np.ndarray, out_hw: tuple[int, int]) -> None:
    for key, boxes in state.boxes.items():
        if len(boxes.rows):
            state.boxes[key] = clip_boxes(boxes, map_boxes(boxes, m), out_hw)
    for key, pts in state.points.items():
        if len(pts.rows):
            moved = map_keypoints(pts, m)
            state.points[key] = filter_keypoints(moved, out_hw) if state.remove_invisible else moved


class SpatialTransform(BasicTransform):
    """A transform that implements each target itself (elastic, dropout, user functions...)."""

    kind = "spatial"
    _abstract = True

    def apply_image(self, img: Any, params: Any, state: State) -> Any:
        return img

    def apply_mask(self, mask: Any, params: Any, state: State) -> Any:
        return mask

    def apply_boxes(self, boxes: Any, params: Any, state: State) -> Any:
        return boxes

    def apply_points(self, pts: Any, params: Any, state: State) -> Any:
        return pts

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return shape

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        images, masks, boxes, points = state.images, state.masks, state.boxes, state.points
        for key, img in images.items():
            out = self.apply_image(img, params, state)
            images[key] = out if applied is None else G.select(out, img, applied)
        for key, mask in masks.items():
            out = self.apply_mask(mask, params, state)
            masks[key] = out if applied is None else G.select(out, mask, applied)
        for key, b in boxes.items():
            boxes[key] = self.apply_boxes(b, params, state)
        for key, pts in points.items():
            points[key] = self.apply_points(pts, params, state)
        state.shape = self.output_shape(params, state.shape)
