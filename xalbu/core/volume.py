"""3-D transforms: kind ``"volume"`` (xalbu's own) and albumentations' ``Transform3D`` (for subclassing).

albumentations' 3-D targets are read as stacks of frames (``core/reading.py``): ``volume`` /
``mask3d`` (D, H, W[, C]) as D frames, ``volumes`` / ``masks3d`` (N, D, H, W[, C]) as N * D frames,
named in ``State.volumes`` with their common depth in ``State.depth``. 2-D transforms move every
slice with one draw; a 3-D transform (this module) sees each of them as a (D, H, W, C) array (N
volumes: (N, D, H, W, C)),
draws once from the volumes' (D, H, W) and moves 3-D keypoints (format ``"xyz"``) in x, y and z.

Other targets of the call (2-D images, masks, boxes) are left as they are, as albumentations leaves
them; a 3-D transform that changes the height or width while such targets are present is refused,
since they would no longer share one size with the volumes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from .state import State
from .targets import PointSet
from .transform import DualTransform, plain_array


def volume_shape(t: Any, state: State) -> tuple[int, int, int]:
    """(D, H, W) of the call's 3-D targets; a clear error naming the transform when there are none."""
    if state.depth is None:
        raise ValueError(
            f"{type(t).__name__}: a 3-D transform needs a volume: pass volume=(D, H, W[, C]) (or mask3d=, "
            "volumes=, masks3d=)"
        )
    return (state.depth, *state.shape)


def _reshape(arr: Any, shape: tuple[int, ...]) -> Any:
    if isinstance(arr, np.ndarray):
        return arr.reshape(shape)
    from array_api_compat import array_namespace

    return array_namespace(arr).reshape(arr, shape)


def filter_points3d(pts: PointSet, dhw: tuple[int, int, int]) -> PointSet:
    """Drop keypoints outside the closed box ``[0, W] x [0, H] x [0, D]`` (z only where they have it)."""
    d, h, w = dhw
    x, y = pts.xy[:, 0], pts.xy[:, 1]
    keep = (x >= 0) & (x <= w) & (y >= 0) & (y <= h)
    if pts.z is not None:
        keep &= (pts.z >= 0) & (pts.z <= d)
    return pts if keep.all() else pts.take(keep)


class VolumeTransform(DualTransform):
    """xalbu's kind ``"volume"``: one draw from the volumes' (D, H, W), every 3-D target moved with it.

    Subclasses implement ``draw(rng, dhw)`` (the Params), ``apply_volume(vol, params)`` and
    optionally ``apply_mask3d``, ``apply_points(pts, params, dhw, state)`` and ``output_dhw(params, dhw)``.
    Volumes arrive as (D, H, W, C) arrays, or (N, D, H, W, C) for N volumes (``volumes``, ``masks3d``).
    """

    kind = "volume"
    _abstract = True
    _plain_volume = True
    benchmark_inputs: ClassVar[tuple[str, ...]] = ("volume",)

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> Any:
        return None

    def apply_volume(self, vol: Any, params: Any) -> Any:
        return vol

    def apply_mask3d(self, vol: Any, params: Any) -> Any:
        return self.apply_volume(vol, params)

    def apply_points(self, pts: PointSet, params: Any, dhw: tuple[int, int, int], state: State) -> PointSet:
        return pts

    def output_dhw(self, params: Any, dhw: tuple[int, int, int]) -> tuple[int, int, int]:
        return dhw

    def __call__(self, *args: Any, force_apply: bool = False, **data: Any) -> dict[str, Any]:
        vol = data.get("volume") if len(data) == 1 else None
        if (  # the common direct call, volume=<NumPy volume>: gate, draw and apply, no bookkeeping
            not args
            and plain_array(vol, (3, 4))
            and type(self)._apply is VolumeTransform._apply
            and type(self).sample_data is VolumeTransform.sample_data
        ):
            rng = self._direct_rng()
            p = self.p
            if not force_apply and p < 1.0 and not (p > 0.0 and rng.random() < p):
                return {"volume": vol}
            params = self.draw(rng, vol.shape[:3])
            if vol.ndim == 4:
                return {"volume": self.apply_volume(vol, params)}
            out = self.apply_volume(vol[..., None], params)
            return {"volume": out[..., 0] if out.shape[-1] == 1 else out}  # DHW in, DHW out (1 channel)
        return super().__call__(*args, force_apply=force_apply, **data)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # whether _run may take the one-volume shortcut: the class draws and applies through the
        # hooks alone (decided once per class; a check per call costs a fair part of a crop's call)
        cls._plain_volume = (
            cls._apply is VolumeTransform._apply
            and cls.sample_data is VolumeTransform.sample_data
            and cls._run is VolumeTransform._run
        )

    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        volumes = state.volumes
        if (  # one volume (or 3-D mask) and nothing else, in a plain pipeline: gate, draw, apply
            volumes is not None
            and len(volumes) == 1
            and self._plain_volume
            and len(state.images) + len(state.masks) == 1
            and state.batch is None
            and state.record is None
            and state.pending is None
            and state.released is None
            and not state.points
            and not state.boxes
        ):
            key, (kind, n) = next(iter(volumes.items()))
            if n == 1:
                p = 1.0 if force else self.p
                if p < 1.0 and not (p > 0.0 and rng.random() < p):
                    return
                dhw = (state.depth, *state.shape)
                params = self.draw(rng, dhw)
                new = self.output_dhw(params, dhw)
                if kind == "volume" or kind == "volumes":
                    state.images[key] = self.apply_volume(state.images[key], params)
                else:
                    state.masks[key] = self.apply_mask3d(state.masks[key], params)
                state.depth = int(new[0])
                state.shape = (int(new[1]), int(new[2]))
                return
        super()._run(state, rng, force)

    def sample_data(self, rng: np.random.Generator, state: State) -> Any:
        if state.batch is not None:
            raise ValueError(
                f"{type(self).__name__}: a 3-D transform needs volumes, which pipeline.batch(...) does not take; "
                "call the pipeline on each volume"
            )
        if state.depth is None:
            volume_shape(self, state)  # raises, naming the transform
        return self.draw(rng, (state.depth, *state.shape))

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        depth = state.depth
        if depth is None:
            volume_shape(self, state)  # raises, naming the transform
        h, w = state.shape
        dhw = (depth, h, w)
        new = self.output_dhw(params, dhw)
        volumes = state.volumes or {}
        if (new[1] != h or new[2] != w) and (
            len(state.images) + len(state.masks) > len(volumes) or state.boxes
        ):
            others = [k for k in (*state.images, *state.masks) if k not in volumes] + [*state.boxes]
            if others:
                raise ValueError(
                    f"{type(self).__name__}: changes the volumes' height and width, but the call also has the "
                    f"2-D targets {others}, which a 3-D transform leaves as they are; transform them in a call "
                    "of their own"
                )
        for key, (kind, n) in volumes.items():
            image = kind == "volume" or kind == "volumes"
            store = state.images if image else state.masks
            fn = self.apply_volume if image else self.apply_mask3d
            arr = store[key]
            if n == 1:  # one volume: its frames are the (D, H, W, C) volume
                store[key] = fn(arr, params)
            else:
                out = fn(_reshape(arr, (n, depth, *arr.shape[1:])), params)
                store[key] = _reshape(out, (n * int(out.shape[1]), *out.shape[2:]))
        if state.points:
            for key, pts in state.points.items():
                moved = self.apply_points(pts, params, dhw, state)
                state.points[key] = filter_points3d(moved, new) if state.remove_invisible else moved
        state.depth = int(new[0])
        state.shape = (int(new[1]), int(new[2]))


def shift_points(pts: PointSet, dx: float, dy: float, dz: float) -> PointSet:
    """Keypoints moved by ``(dx, dy, dz)`` (z only where they have it)."""
    xy = pts.xy + np.array([dx, dy], np.float64)
    z = None if pts.z is None else pts.z + dz
    return replace(pts, xy=xy, z=z)


class Transform3D(DualTransform):
    """albumentations' base class of 3-D transforms, for subclasses written against albumentations.

    A subclass implements ``apply_to_volume(volume, **params)`` (a (D, H, W[, C]) array; ``volumes``
    go through it one by one), optionally ``apply_to_mask3d`` (default: ``apply_to_volume``) and
    ``apply_to_keypoints`` (rows ``x, y, z, angle, scale`` plus extra columns), and draws in
    ``get_params`` / ``get_params_dependent_on_data`` (``data["volume"]`` is there), as in
    albumentations.

    >>> import numpy as np, xalbu as A
    >>> class FlipDepth(A.Transform3D):
    ...     def apply_to_volume(self, volume, **params):
    ...         return volume[::-1]
    >>> vol = np.arange(3, dtype=np.uint8).reshape(3, 1, 1)
    >>> A.Compose([FlipDepth(p=1)])(volume=vol)["volume"].ravel().tolist()
    [2, 1, 0]
    """

    _abstract = True

    def apply_to_volume(self, volume: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}: apply_to_volume is not implemented")

    def apply_to_volumes(self, volumes: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        return np.stack([self.apply_to_volume(v, *args, **params) for v in volumes])

    def apply_to_mask3d(self, mask3d: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        return self.apply_to_volume(mask3d, *args, **params)

    def apply_to_masks3d(self, masks3d: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        return np.stack([self.apply_to_mask3d(m, *args, **params) for m in masks3d])

    @property
    def targets(self) -> dict[str, Any]:
        return {
            "volume": self.apply_to_volume,
            "volumes": self.apply_to_volumes,
            "mask3d": self.apply_to_mask3d,
            "masks3d": self.apply_to_masks3d,
            "keypoints": self.apply_to_keypoints,
        }
