"""3-D transforms of volumes (albumentations' ``transforms3d``): Pad3D, PadIfNeeded3D, CenterCrop3D,
RandomCrop3D, CoarseDropout3D and CubicSymmetry (``Transform3D``, for subclasses, is in ``core/volume.py``).

They are kind ``"volume"`` (:class:`~xalbu.core.volume.VolumeTransform`): one draw from the (D, H, W)
of the call's ``volume``/``mask3d``/``volumes``/``masks3d``, which all move together (masks filled
with ``fill_mask``), and 3-D keypoints (``KeypointParams(format="xyz")``) move with them in x, y
and z. Keypoints are continuous coordinates (voxel ``j`` covers ``[j, j + 1)``), as xalbu's 2-D
keypoints: a reversed axis sends ``x`` to ``W - x`` (albumentations: ``W - 1 - x``). 2-D transforms
take volumes too: every slice with one draw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..core.compat import Rule
from ..core.state import State
from ..core.targets import PointSet
from ..core.validation import check_bool, check_choice, check_fill, check_int, check_range, show
from ..core.volume import VolumeTransform, shift_points
from ..functional import volume as F
from ..functional._common import host_fill
from ..functional._utils import dtype_name

__all__ = [
    "CenterCrop3D",
    "CoarseDropout3D",
    "CubicSymmetry",
    "Pad3D",
    "PadIfNeeded3D",
    "RandomCrop3D",
]

_ZERO_PAD = (0, 0, 0, 0, 0, 0)


def _fill_of(vol: Any, fill: Any) -> np.ndarray:
    return host_fill(fill, dtype_name(_xp(vol), vol.dtype), int(vol.shape[-1]))


def _xp(arr: Any) -> Any:
    if isinstance(arr, np.ndarray):
        return np
    from array_api_compat import array_namespace

    return array_namespace(arr)


def _triple(name: str, value: Any, lo: int) -> tuple[int, int, int]:
    if not (isinstance(value, (tuple, list)) and len(value) == 3):
        raise TypeError(f"{name}: expected a (depth, height, width) triple of integers, got {show(value)}")
    return tuple(check_int(f"{name}[{i}]", v, lo) for i, v in enumerate(value))  # type: ignore[return-value]


@dataclass
class Pad3DParams:
    padding: tuple[int, int, int, int, int, int]  # front, back, top, bottom, left, right


class _Pad3D(VolumeTransform):
    """Pad3D and PadIfNeeded3D: constant padding of depth, height and width."""

    Params = Pad3DParams
    _abstract = True

    def apply_volume(self, vol: Any, params: Any) -> Any:
        if tuple(params.padding) == _ZERO_PAD:
            return vol
        return F.pad3d(vol, *params.padding, _fill_of(vol, self.fill))

    def apply_mask3d(self, vol: Any, params: Any) -> Any:
        if tuple(params.padding) == _ZERO_PAD:
            return vol
        return F.pad3d(vol, *params.padding, _fill_of(vol, self.fill_mask))

    def apply_points(self, pts: PointSet, params: Any, dhw: tuple[int, int, int], state: State) -> PointSet:
        front, _, top, _, left, _ = params.padding
        return shift_points(pts, left, top, front)

    def output_dhw(self, params: Any, dhw: tuple[int, int, int]) -> tuple[int, int, int]:
        f, b, t, bo, le, r = params.padding
        return (dhw[0] + f + b, dhw[1] + t + bo, dhw[2] + le + r)


class Pad3D(_Pad3D):
    """Pad a volume (and its 3-D masks) with constants on depth, height and width.

    Args:
        padding: an int (every side), ``(d, h, w)`` (both sides of each axis) or
            ``(front, back, top, bottom, left, right)``; non-negative.
        fill: value of the padded voxels of volumes (a number or one per channel).
        fill_mask: value of the padded voxels of 3-D masks.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.Pad3D(padding=(1, 2, 0), p=1)(volume=np.ones((2, 3, 3), np.uint8))["volume"].shape
    (4, 7, 3)
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"padding": (2, max(1, height // 8), max(1, width // 8))}, {"padding": 3, "fill": 7, "fill_mask": 1},
                {"padding": (1, 0, 2, 0, 0, 3)}]  # fmt: skip

    def __init__(
        self,
        padding: int | tuple[int, ...],
        fill: float | tuple[float, ...] = 0,
        fill_mask: float | tuple[float, ...] = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        if isinstance(padding, (tuple, list)):
            if len(padding) not in (3, 6):
                raise ValueError(f"padding: expected an int, 3 or 6 integers, got {show(padding)}")
            self._padding = tuple(check_int(f"padding[{i}]", v, 0) for i, v in enumerate(padding))
        else:
            self._padding = (check_int("padding", padding, 0),)
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else padding
        self.fill = check_fill("fill", fill)
        self.fill_mask = check_fill("fill_mask", fill_mask)

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> Pad3DParams:
        pad = self._padding
        if len(pad) == 1:
            return Pad3DParams((pad[0],) * 6)
        if len(pad) == 3:
            return Pad3DParams((pad[0], pad[0], pad[1], pad[1], pad[2], pad[2]))
        return Pad3DParams(pad)  # type: ignore[arg-type]


def _axis_padding(size: int, min_size: int | None, divisor: int | None) -> int:
    """The total padding of one axis (albumentations' rule: ``min_size`` wins over ``divisor``)."""
    if min_size is not None:
        return max(0, min_size - size)
    if divisor is not None and size % divisor:
        return divisor - size % divisor
    return 0


class PadIfNeeded3D(_Pad3D):
    """Pad a volume to at least ``min_zyx`` voxels, or to multiples of ``pad_divisor_zyx``.

    Args:
        min_zyx: minimum (depth, height, width), or None.
        pad_divisor_zyx: make (depth, height, width) divisible by these (used when ``min_zyx`` is None).
        position: ``"center"`` (half on each side, the extra voxel after) or ``"random"`` (a random
            split of each axis' padding).
        fill: value of the padded voxels of volumes (a number or one per channel).
        fill_mask: value of the padded voxels of 3-D masks.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.PadIfNeeded3D(min_zyx=(4, 4, 4), p=1)(volume=np.ones((2, 3, 5), np.uint8))["volume"].shape
    (4, 4, 5)
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"min_zyx": (8, height + 4, width + 4)}, {"pad_divisor_zyx": (4, 8, 8), "position": "random"},
                {"min_zyx": (10, height, width), "fill": 3, "fill_mask": 1}]  # fmt: skip

    def __init__(
        self,
        min_zyx: tuple[int, int, int] | None = None,
        pad_divisor_zyx: tuple[int, int, int] | None = None,
        position: str = "center",
        fill: float | tuple[float, ...] = 0,
        fill_mask: float | tuple[float, ...] = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        if min_zyx is None and pad_divisor_zyx is None:
            raise ValueError("min_zyx, pad_divisor_zyx: at least one of them must be set")
        self.min_zyx = None if min_zyx is None else _triple("min_zyx", min_zyx, 0)
        self.pad_divisor_zyx = (
            None if pad_divisor_zyx is None else _triple("pad_divisor_zyx", pad_divisor_zyx, 1)
        )
        self.position = check_choice("position", position, ("center", "random"))
        self.fill = check_fill("fill", fill)
        self.fill_mask = check_fill("fill_mask", fill_mask)

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> Pad3DParams:
        out: list[int] = []
        for i, size in enumerate(dhw):
            total = _axis_padding(
                size,
                None if self.min_zyx is None else self.min_zyx[i],
                None if self.pad_divisor_zyx is None else self.pad_divisor_zyx[i],
            )
            before = total // 2 if self.position == "center" else int(rng.integers(0, total + 1))
            out += [before, total - before]
        return Pad3DParams(tuple(out))  # type: ignore[arg-type]


@dataclass
class Crop3DParams:
    crop: tuple[int, int, int, int, int, int]  # z_min, z_max, y_min, y_max, x_min, x_max in the padded volume
    padding: tuple[int, int, int, int, int, int]  # front, back, top, bottom, left, right (pad_if_needed)


class _Crop3D(VolumeTransform):
    """CenterCrop3D and RandomCrop3D: pad (``pad_if_needed``) then crop a (d, h, w) box."""

    Params = Crop3DParams
    _abstract = True
    _random = False

    albumentations_args = {
        "pad_position": Rule(
            "drop",
            "albumentations 2.0.8 saves its base class's pad_position (center for CenterCrop3D, random for "
            "RandomCrop3D), which its constructor does not take",
        )
    }

    def __init__(
        self,
        size: tuple[int, int, int],
        pad_if_needed: bool = False,
        fill: float | tuple[float, ...] = 0,
        fill_mask: float | tuple[float, ...] = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.size = _triple("size", size, 1)
        self.pad_if_needed = check_bool("pad_if_needed", pad_if_needed)
        self.fill = check_fill("fill", fill)
        self.fill_mask = check_fill("fill_mask", fill_mask)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"size": (4, max(1, height // 2), max(1, width // 2))},
                {"size": (12, height + 2, width // 2), "pad_if_needed": True, "fill": 5, "fill_mask": 2}]  # fmt: skip

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> Crop3DParams:
        (d, h, w), (td, th, tw) = dhw, self.size
        pads = _ZERO_PAD
        if td > d or th > h or tw > w:
            if not self.pad_if_needed:
                raise ValueError(
                    f"size: {type(self).__name__} of {self.size} is larger than the volume {tuple(dhw)} (D, H, W); "
                    "pass pad_if_needed=True to pad it first"
                )
            out: list[int] = []
            for size, target in zip(dhw, self.size, strict=True):
                total = max(0, target - size)
                before = (int(rng.integers(0, total + 1)) if total else 0) if self._random else total // 2
                out += [before, total - before]
            pads = tuple(out)  # type: ignore[assignment]
            d, h, w = max(d, td), max(h, th), max(w, tw)
        if self._random:  # each start uniform over the places where the crop fits
            u = rng.random(3).tolist()
            z, y, x = int(u[0] * (d - td + 1)), int(u[1] * (h - th + 1)), int(u[2] * (w - tw + 1))
        else:
            z, y, x = (d - td) // 2, (h - th) // 2, (w - tw) // 2
        return Crop3DParams((z, z + td, y, y + th, x, x + tw), pads)

    def _run_on(self, vol: Any, params: Crop3DParams, fill: Any) -> Any:
        padding = params.padding
        if padding is _ZERO_PAD or padding == _ZERO_PAD:
            return F.crop3d(vol, *params.crop)
        # crop the unpadded volume, then pad: where an axis is padded its crop covers all of it
        d, h, w = (int(s) for s in vol.shape[-4:-1])
        z0, z1, y0, y1, x0, x1 = params.crop
        f, _, t, _, le, _ = padding
        box = (
            max(0, z0 - f),
            min(d, z1 - f),
            max(0, y0 - t),
            min(h, y1 - t),
            max(0, x0 - le),
            min(w, x1 - le),
        )
        return F.pad3d(F.crop3d(vol, *box), *padding, _fill_of(vol, fill))

    def apply_volume(self, vol: Any, params: Any) -> Any:
        if params.padding is _ZERO_PAD:  # the common case, a crop inside the volume
            return F.crop3d(vol, *params.crop)
        return self._run_on(vol, params, self.fill)

    def apply_mask3d(self, vol: Any, params: Any) -> Any:
        return self._run_on(vol, params, self.fill_mask)

    def apply_points(self, pts: PointSet, params: Any, dhw: tuple[int, int, int], state: State) -> PointSet:
        z0, _, y0, _, x0, _ = params.crop
        f, _, t, _, le, _ = params.padding
        return shift_points(pts, le - x0, t - y0, f - z0)

    def output_dhw(self, params: Any, dhw: tuple[int, int, int]) -> tuple[int, int, int]:
        return self.size


class CenterCrop3D(_Crop3D):
    """Crop the center (d, h, w) box of a volume (and its 3-D masks, keypoints).

    Args:
        size: (depth, height, width) of the crop.
        pad_if_needed: pad a smaller volume first (centered), else a smaller volume is refused.
        fill: value of padded voxels of volumes (a number or one per channel).
        fill_mask: value of padded voxels of 3-D masks.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> vol = np.arange(27, dtype=np.uint8).reshape(3, 3, 3)
    >>> A.CenterCrop3D(size=(1, 1, 1), p=1)(volume=vol)["volume"].ravel().tolist()
    [13]
    """


class RandomCrop3D(_Crop3D):
    """Crop a random (d, h, w) box out of a volume (and its 3-D masks, keypoints).

    Args:
        size: (depth, height, width) of the crop.
        pad_if_needed: pad a smaller volume first (a random split of each axis' padding), else a
            smaller volume is refused.
        fill: value of padded voxels of volumes (a number or one per channel).
        fill_mask: value of padded voxels of 3-D masks.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.RandomCrop3D(size=(2, 4, 4), p=1)(volume=np.zeros((5, 8, 8), np.uint8))["volume"].shape
    (2, 4, 4)
    """

    _random = True


@dataclass
class Dropout3DParams:
    holes: np.ndarray  # (K, 6) ints: z1, y1, x1, z2, y2, x2 (ends excluded)


class CoarseDropout3D(VolumeTransform):
    """Cut random cuboids out of a volume (and its 3-D masks with ``fill_mask``; keypoints in them go).

    The number of holes is drawn from ``num_holes_range``; each hole's depth, height and width as a
    fraction of the volume's from ``hole_depth_range`` etc. (at least 1 voxel), its place uniformly
    inside the volume.

    Args:
        num_holes_range: (min, max) number of holes.
        hole_depth_range: (min, max) hole depth as a fraction of the volume's depth, in [0, 1].
        hole_height_range: likewise for the height.
        hole_width_range: likewise for the width.
        fill: value of the dropped voxels of volumes (a number or one per channel).
        fill_mask: value of the dropped voxels of 3-D masks; None leaves masks as they are.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.CoarseDropout3D(num_holes_range=(1, 1), fill=9, p=1)
    >>> int(t(volume=np.zeros((10, 10, 10), np.uint8))["volume"].max())
    9
    """

    Params = Dropout3DParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"num_holes_range": (1, 4)},
                {"num_holes_range": (2, 3), "hole_depth_range": (0.2, 0.4), "fill": 3, "fill_mask": 1}]  # fmt: skip

    def __init__(
        self,
        num_holes_range: tuple[int, int] = (1, 1),
        hole_depth_range: tuple[float, float] = (0.1, 0.2),
        hole_height_range: tuple[float, float] = (0.1, 0.2),
        hole_width_range: tuple[float, float] = (0.1, 0.2),
        fill: float | tuple[float, ...] = 0,
        fill_mask: float | tuple[float, ...] | None = None,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        lo, hi = check_range("num_holes_range", num_holes_range, 0, integer=True)
        self.num_holes_range = (int(lo), int(hi))
        self.hole_depth_range = check_range("hole_depth_range", hole_depth_range, 0, 1)
        self.hole_height_range = check_range("hole_height_range", hole_height_range, 0, 1)
        self.hole_width_range = check_range("hole_width_range", hole_width_range, 0, 1)
        self.fill = check_fill("fill", fill)
        self.fill_mask = None if fill_mask is None else check_fill("fill_mask", fill_mask)

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> Dropout3DParams:
        n = int(rng.integers(self.num_holes_range[0], self.num_holes_range[1] + 1))
        ranges = np.array([self.hole_depth_range, self.hole_height_range, self.hole_width_range])
        u = rng.random((2, 3, n))
        size = np.array(dhw, np.float64)[:, None]
        # each size uniform in its range (at least 1 voxel), each start uniform over the places it fits
        sizes = np.maximum(1.0, np.ceil(size * (ranges[:, :1] + (ranges[:, 1:] - ranges[:, :1]) * u[0])))
        starts = np.floor(u[1] * (size - sizes + 1))
        return Dropout3DParams(np.concatenate([starts, starts + sizes]).T.astype(np.int64))

    def apply_volume(self, vol: Any, params: Any) -> Any:
        if not len(params.holes):
            return vol
        return F.cutout3d(vol, params.holes, _fill_of(vol, self.fill))

    def apply_mask3d(self, vol: Any, params: Any) -> Any:
        if self.fill_mask is None or not len(params.holes):
            return vol
        return F.cutout3d(vol, params.holes, _fill_of(vol, self.fill_mask))

    def apply_points(self, pts: PointSet, params: Any, dhw: tuple[int, int, int], state: State) -> PointSet:
        holes = np.asarray(params.holes).reshape(-1, 6)
        kp = getattr(state.reader, "keypoint_params", None)
        if not len(holes) or not len(pts.rows) or (kp is not None and not kp.remove_invisible):
            return pts
        x, y = pts.xy[:, :1], pts.xy[:, 1:]
        z = np.zeros_like(x) if pts.z is None else pts.z[:, None]
        inside = (z >= holes[:, 0]) & (z < holes[:, 3]) & (y >= holes[:, 1]) & (y < holes[:, 4])
        inside &= (x >= holes[:, 2]) & (x < holes[:, 5])
        hit = inside.any(axis=1)
        return pts.take(np.flatnonzero(~hit)) if hit.any() else pts


@dataclass
class CubeParams:
    index: int  # 0-47, albumentations' numbering of the cube's symmetries


class CubicSymmetry(VolumeTransform):
    """Apply one of the 48 symmetries of a cube (rotations and reflections) to a volume, drawn uniformly.

    Axes of a non-cubic volume that swap places swap sizes too (D, H and W permute).

    Args:
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> A.CubicSymmetry(p=1)(volume=np.zeros((2, 3, 4), np.uint8))["volume"].size
    24
    """

    Params = CubeParams
    albumentations_ignores_unknown = False  # its constructor (no validation schema) raises TypeError

    def __init__(self, p: float = 1.0) -> None:
        super().__init__(p)

    def draw(self, rng: np.random.Generator, dhw: tuple[int, int, int]) -> CubeParams:
        return CubeParams(int(rng.integers(0, 48)))

    def apply_volume(self, vol: Any, params: Any) -> Any:
        return F.cube_symmetry(vol, params.index)

    def output_dhw(self, params: Any, dhw: tuple[int, int, int]) -> tuple[int, int, int]:
        perm, _ = F.CUBE_SYMMETRIES[params.index]
        return tuple(dhw[a] for a in perm)  # type: ignore[return-value]

    def apply_points(self, pts: PointSet, params: Any, dhw: tuple[int, int, int], state: State) -> PointSet:
        perm, flips = F.CUBE_SYMMETRIES[params.index]
        src = (np.zeros(len(pts.rows)) if pts.z is None else pts.z, pts.xy[:, 1], pts.xy[:, 0])  # z, y, x
        out = [dhw[perm[a]] - src[perm[a]] if flips[a] else src[perm[a]] for a in range(3)]
        return replace(pts, xy=np.stack([out[2], out[1]], axis=1), z=out[0] if pts.z is not None else None)
