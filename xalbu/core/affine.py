"""The affine kind: one 3x3 map per sample moves every target.

An :class:`AffineTransform` gives a forward matrix per sample (and an output size); images are
warped with ``interpolation``, masks with ``mask_interpolation``, boxes and keypoints are mapped
through the same matrix. Subclasses override ``apply_image``/``apply_mask`` with exact fast kernels
(flip, crop, resize...) where one exists. With ``Compose(fuse_affine=True)`` consecutive steps are
queued and warped once (``core/fusion.py``). Host batches of exact-kernel steps run one sample at a
time into one output where the whole-batch path would do more work (see
:meth:`AffineTransform._sample_runs`).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, ClassVar

import numpy as np

from ..functional._common import select
from ..functional.affine import warp
from .fusion import defer, fusable, move_points
from .samples import _PROBE, per_sample_fields
from .state import State
from .transform import BasicTransform, DualTransform, check_one_size

PER_SAMPLE = True
"""Host batches of exact-kernel steps run sample by sample (:meth:`AffineTransform._sample_runs`);
tests switch it off to compare with the whole-batch path (select / per-sample warp)."""


class Geometry:
    """What an affine step does: sizes, gated samples, and the forward ``matrix`` ((3,3) or (N,3,3)).

    The matrix is built on first use: exact kernels (flip, crop, resize...) on an image without
    boxes or keypoints never need it. ``shared`` is True when every parameter is one value for all
    samples (always for one image), so the exact kernels apply.
    """

    __slots__ = ("in_hw", "out_hw", "applied", "_owner", "_params", "_batch", "_matrix", "_shared")

    def __init__(
        self,
        owner: AffineTransform,
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


def _per_sample_fields(params: Any, n: int, draw: Any) -> dict[str, list] | None:
    """The per-sample fields of a batch's ``params`` as lists of Python scalars, or ``None`` if unsure
    (fields found by :func:`.samples.per_sample_fields`; only 1-D ones, one number a sample)."""
    fields = per_sample_fields(params, n, draw)
    if fields is None or not hasattr(params, "__dict__"):
        return None
    values = [getattr(params, name) for name in fields]
    if any(not isinstance(v, np.ndarray) or v.ndim != 1 for v in values):
        return None
    return {name: v.tolist() for name, v in zip(fields, values, strict=True)}


def _stack_runs(arr: np.ndarray, runs: list[Any], fn: Any) -> np.ndarray:
    """``fn(sample, run.params, run)`` for each sample with a run (the sample itself without), stacked
    into one fresh batch (the only large allocation: see :meth:`AffineTransform._sample_runs`)."""
    out = None
    for i, run in enumerate(runs):
        res = arr[i] if run is None else fn(arr[i], run._params, run)
        if out is None:
            out = np.empty((len(runs), *res.shape), res.dtype)
        out[i] = res
    return out


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


class AffineTransform(DualTransform):
    """An affine-kind transform: ``matrix(params, shape)`` moves every target (see module doc)."""

    kind = "affine"
    _abstract = True
    interpolation: int = 1
    mask_interpolation: int = 0
    border_mode: int = 0
    fill: Any = 0.0
    fill_mask: Any = 0.0
    exact_per_sample: ClassVar[bool] = False
    """True where ``apply_image``/``apply_mask`` are exact kernels gated with :meth:`_gated` but the
    class has no ``_kernel``/``_exact`` (by which the others are known): host batches then run
    sample by sample (:meth:`_sample_runs`)."""

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        """Forward 3x3 map (or (N,3,3) for a batch) from input to output pixel coordinates."""
        raise NotImplementedError

    def output_shape(self, params: Any, shape: tuple[int, int]) -> tuple[int, int]:
        return shape

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return warp(img, geo.matrix, geo.out_hw, self.interpolation, self.border_mode, self.fill)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        return warp(mask, geo.matrix, geo.out_hw, self.mask_interpolation, self.border_mode, self.fill_mask)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        # runs for every call: the matrix is built only when a warp, boxes or keypoints need it
        shape = state.shape
        out_hw = self.output_shape(params, shape)
        check_one_size(self, applied, out_hw, shape)
        geo = Geometry(self, params, shape, out_hw, applied, state.batch)
        if state.fuse and defer(state, self, params, geo):
            return
        images, masks = state.images, state.masks
        if state.batch is not None and (applied is not None or not geo.shared) and PER_SAMPLE:
            runs = self._sample_runs(state, params, applied, geo)
            if runs is not None:
                for store, fn in ((images, self.apply_image), (masks, self.apply_mask)):
                    for key, arr in store.items():
                        store[key] = _stack_runs(arr, runs, fn)
                images = masks = {}  # done; boxes and keypoints follow the batch's matrices below
        for key, img in images.items():
            images[key] = self.apply_image(img, params, geo)
        for key, mask in masks.items():
            masks[key] = self.apply_mask(mask, params, geo)
        if state.boxes or state.points:
            move_points(state, geo.matrix, out_hw)
        state.shape = out_hw

    def _sample_runs(
        self, state: State, params: Any, applied: np.ndarray | None, geo: Geometry
    ) -> list[Geometry | None] | None:
        """Per sample of a host batch: a one-image geometry (with its params), or ``None`` to keep it.

        For exact kernels (``_kernel``/``_exact``: flips, quarter turns, crops, pads) the whole-batch
        path pays for every sample then selects (``p < 1``: two fresh batches, and on the CPU fresh
        large buffers cost page faults), or warps per sample (per-sample parameters). Run one image
        at a time instead, each through the single-image exact kernel, into one output: the same
        values, since a per-sample warp is used only with nearest sampling (an exact lattice map).
        ``None`` (decline) for device arrays, volumes, warp-only steps, per-sample parameters of
        resampling steps or of data-driven draws (``sample_data``), and parameters it cannot cut.
        """
        n = state.batch
        stores = (*state.images.values(), *state.masks.values())
        exact = self.exact_per_sample or hasattr(self, "_exact") or hasattr(self, "_kernel")
        if not stores or not exact:
            return None
        if not all(type(a) is np.ndarray and a.ndim == 4 and a.shape[0] == n for a in stores):
            return None
        if geo.shared:  # p < 1: every applied sample takes the same one-image geometry
            one = Geometry(self, params, geo.in_hw, geo.out_hw, None, None)
            return [one if applied is None or applied[i] else None for i in range(n)]
        if (
            self.interpolation != 0
            or self.mask_interpolation != 0
            or type(self).sample_data is not BasicTransform.sample_data
        ):
            return None
        cut = _per_sample_fields(params, n, lambda m: self.sample(_PROBE, geo.in_hw, m))
        if cut is None:
            return None
        runs: list[Geometry | None] = []
        seen: dict[tuple, Geometry] = {}  # samples with the same values share one (D4: 8 at most)
        for i in range(n):
            if applied is not None and not applied[i]:
                runs.append(None)
                continue
            values = tuple(v[i] for v in cut.values())
            g = seen.get(values)
            if g is None:
                p = copy.copy(params)
                p.__dict__.update(zip(cut, values, strict=True))
                g = seen[values] = Geometry(self, p, geo.in_hw, geo.out_hw, None, None)
            runs.append(g)
        return runs

    def _fusable(self) -> bool:
        """Whether this step can join a fused warp: warp interpolations only (no area/lanczos)."""
        return fusable(self)

    @staticmethod
    def _gated(out: Any, img: Any, geo: Geometry) -> Any:
        """For exact fast kernels: keep the input for samples that are not applied."""
        return out if geo.applied is None else select(out, img, geo.applied)
