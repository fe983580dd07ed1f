"""Non-affine distortions: ElasticTransform, GridDistortion, GridElasticDeform, OpticalDistortion,
PiecewiseAffine, ThinPlateSpline (and RandomGridShuffle,
which moves whole tiles, and Morphological, which dilates or erodes: see their classes).

Each class is a :class:`~xalbu.core.kinds.SpatialTransform` that draws small parameters on the host
(seeds, step sizes) and builds, per call, a *map*: for every output pixel the source position it
reads (an inverse displacement field, :mod:`xalbu.functional.distortion`). Every target follows the
same map, built once per call:

- images are resampled through it with ``interpolation`` and the border rule (``border_mode``,
  ``fill``); masks with ``mask_interpolation`` (nearest by default) and ``fill_mask``: one
  ``remap`` kernel call for the whole batch (one CUDA launch on the GPU, per-sample maps);
- keypoints move by the *forward* map: the output position whose source is the keypoint, solved by
  Newton's method on the bilinearly interpolated map (to 0.01 px; past the image the displacement of
  the nearest edge pixel continues), so that a keypoint on a mask pixel lands on a pixel the mask
  moved that label to; keypoints that land outside the image are removed by the pipeline as usual.
  ``keypoint_remapping_method`` is accepted for albumentations' sake and both values do this;
- a box becomes the bounding box of the output pixels that read a pixel of the box (its mask, moved
  with nearest sampling): exactly the box of the box's moved mask. A box whose mask leaves the image
  is removed, its labels with it. (albumentations 2.0.8 does the same with masks one pixel too large:
  docs/differences.md.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from numbers import Real
from typing import Any

import numpy as np

from ..core import draw
from ..core.compat import Rule
from ..core.kinds import SpatialTransform
from ..core.state import State
from ..core.targets import BoxSet, PointSet
from ..core.validation import check_bool, check_choice, check_int, check_number, check_range
from ..functional import distortion as F
from ._common import set_interpolations
from ._distortion_parts import (  # noqa: F401 - re-exported: the helpers tests and users reach here
    KEYPOINT_METHODS,
    GridShuffleParams,
    _Distortion,
    _grid_range,
    _newton,
    _sample_map,
    _splits,
    _tile_translation,
    box_mask,
    box_pixels,
    control_points,
    forward_points,
    grid_axis,
    grid_cells,
    int_pair,
    moved_boxes,
)

__all__ = [
    "ElasticTransform",
    "GridDistortion",
    "GridElasticDeform",
    "Morphological",
    "OpticalDistortion",
    "PiecewiseAffine",
    "RandomGridShuffle",
    "ThinPlateSpline",
]


# ----------------------------------------------------------------------------------------------
# ElasticTransform
# ----------------------------------------------------------------------------------------------
@dataclass
class ElasticParams:
    seed: Any  # int, or (N,) uint64: the counter-based random field's seed per sample


class ElasticTransform(_Distortion):
    """Elastic deformation: every pixel moves by a smooth random displacement field.

    The field per direction is random noise (standard normal, or uniform on ``[-1, 1]``) smoothed by
    a Gaussian of ``sigma`` pixels, times ``alpha`` (albumentations 2.0.8's recipe); the normal noise is
    first divided by the typical largest value of the image's noise (albumentations divides by the
    largest value each draw has). xalbu makes the smoothed noise directly as Gaussian bumps on a
    lattice of nodes ``max(1, sigma / 2)`` px apart, with the same spread and variance per pixel, from
    a per-sample seed (:func:`~xalbu.functional.distortion.elastic_maps`): the same field on every
    backend and whatever the batch. ``approximate`` smooths with OpenCV's 17-tap kernel instead (its
    spread and strength). Targets follow the module's rules. uint8, uint16, float32; any number of
    channels.

    Args:
        alpha: scale of the displacements (``>= 0``).
        sigma: standard deviation of the smoothing, in pixels (``>= 1``).
        interpolation: OpenCV interpolation code for images.
        approximate: smooth with a 17-tap kernel (albumentations' fast variant).
        same_dxdy: one field for both directions.
        mask_interpolation: OpenCV interpolation code for masks.
        noise_distribution: ``"gaussian"`` or ``"uniform"``.
        keypoint_remapping_method: ``"mask"`` or ``"direct"`` (both: the forward map, solved).
        border_mode, fill, fill_mask: how pixels read from outside the image are filled.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> out = A.ElasticTransform(alpha=0, p=1)(image=img)["image"]
    >>> bool((out == img).all()), out.shape
    (True, (8, 8))
    """

    Params = ElasticParams
    albumentations_args = {
        **_Distortion.albumentations_args,
        "alpha_affine": Rule("drop", "albumentations 1.x: a random affine part, ignored by 2.x (use Affine)"),
    }

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"alpha": 50.0, "sigma": 5.0},
            {"alpha": 120.0, "sigma": 6.0, "approximate": True, "border_mode": 4},
            {
                "alpha": 20.0,
                "sigma": 10.0,
                "same_dxdy": True,
                "noise_distribution": "uniform",
                "interpolation": 2,
            },
            {"alpha": 30.0, "sigma": 3.0, "fill": (10, 20, 30), "fill_mask": 1, "mask_interpolation": 0},
        ]

    def __init__(
        self,
        alpha: float = 1,
        sigma: float = 50,
        interpolation: int = 1,
        approximate: bool = False,
        same_dxdy: bool = False,
        mask_interpolation: int = 0,
        noise_distribution: str = "gaussian",
        keypoint_remapping_method: str = "mask",
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.alpha = check_number("alpha", alpha, 0.0)
        self.sigma = check_number("sigma", sigma, 1.0)
        self.approximate = check_bool("approximate", approximate)
        self.same_dxdy = check_bool("same_dxdy", same_dxdy)
        self.noise_distribution = check_choice(
            "noise_distribution", noise_distribution, ("gaussian", "uniform")
        )
        self._set_common(
            interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ElasticParams:
        seeds = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
        return ElasticParams(int(seeds) if n is None else seeds)

    def maps(self, params: ElasticParams, shape: tuple[int, int], like: Any) -> Any:
        return F.elastic_maps(
            like,
            params.seed,
            self.alpha,
            shape,
            self.sigma,
            self.approximate,
            self.same_dxdy,
            self.noise_distribution == "uniform",
        )


# ----------------------------------------------------------------------------------------------
# GridDistortion
# ----------------------------------------------------------------------------------------------
@dataclass
class GridParams:
    steps_x: Any  # (num_steps + 1,) or (N, num_steps + 1): 1 + the drawn distortion of each column cell
    steps_y: Any  # the same for the rows


class GridDistortion(_Distortion):
    """Grid distortion: the image is cut into ``num_steps`` x ``num_steps`` cells, each stretched or
    squeezed along x and y by a random factor.

    Each column cell ``k`` reads a source stretch ``1 + u_k`` times its width, ``u_k`` uniform in
    ``distort_limit`` (one per column cell, one per row cell, drawn per sample), linearly, each
    stretch starting where the previous one ends (:func:`grid_axis`; no distortion is the identity;
    the stretches per pixel are rounded to 1/4096 px at 256, 1/2048 at 512, so that OpenCV warps
    each cell affinely); with ``normalized`` the stretches are rescaled to end at the image's edge
    (no border appears).
    Targets follow the module's rules. uint8, uint16, float32; any number of channels.

    Args:
        num_steps: cells per side (``>= 1``).
        distort_limit: ``(min, max)`` of ``u`` within ``[-1, 1]``; ``v`` means ``(-v, v)``.
        interpolation: OpenCV interpolation code for images.
        normalized: keep the distorted grid inside the image.
        mask_interpolation: OpenCV interpolation code for masks.
        keypoint_remapping_method: ``"mask"`` or ``"direct"`` (both: the forward map, solved).
        border_mode, fill, fill_mask: how pixels read from outside the image are filled.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> out = A.GridDistortion(distort_limit=0, p=1)(image=img)["image"]
    >>> bool((out == img).all())
    True
    """

    Params = GridParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_steps": 5, "distort_limit": 0.3},
            {"num_steps": 3, "distort_limit": (-0.5, 0.2), "normalized": False, "border_mode": 1},
            {"num_steps": 8, "distort_limit": 0.4, "interpolation": 2, "fill": 7, "fill_mask": 1},
        ]

    def __init__(
        self,
        num_steps: int = 5,
        distort_limit: Any = (-0.3, 0.3),
        interpolation: int = 1,
        normalized: bool = True,
        mask_interpolation: int = 0,
        keypoint_remapping_method: str = "mask",
        p: float = 0.5,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
    ) -> None:
        super().__init__(p)
        self.num_steps = check_int("num_steps", num_steps, 1)
        self.distort_limit = check_range("distort_limit", distort_limit, -1.0, 1.0, symmetric_around=0.0)
        self.normalized = check_bool("normalized", normalized)
        self._set_common(
            interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GridParams:
        size = self.num_steps + 1 if n is None else (n, self.num_steps + 1)
        lo, hi = self.distort_limit
        sx = 1.0 + draw.uniform(rng, lo, hi, size)
        sy = 1.0 + draw.uniform(rng, lo, hi, size)
        return GridParams(sx, sy)

    def cells(self, params: GridParams, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Host cells ``(begin, step)`` along x and y: ``(K, 2)`` or ``(N, K, 2)`` (:func:`grid_cells`)."""
        h, w = shape
        if min(h, w) < self.num_steps:
            raise ValueError(
                f"GridDistortion: num_steps={self.num_steps} needs an image of at least {self.num_steps} "
                f"pixels per side, got {h}x{w}"
            )
        xc = grid_cells(w, self.num_steps, np.asarray(params.steps_x), self.normalized)
        yc = grid_cells(h, self.num_steps, np.asarray(params.steps_y), self.normalized)
        if xc.ndim != yc.ndim:
            n = max(np.shape(xc)[0] if xc.ndim == 3 else 1, np.shape(yc)[0] if yc.ndim == 3 else 1)
            xc, yc = np.broadcast_to(xc, (n, *xc.shape[-2:])), np.broadcast_to(yc, (n, *yc.shape[-2:]))
        return xc, yc

    def axes(self, params: GridParams, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Host source positions along x ``(W,)``/``(N, W)`` and y ``(H,)``/``(N, H)``."""
        xc, yc = self.cells(params, shape)
        return F.grid_positions(xc, shape[1]), F.grid_positions(yc, shape[0])

    def maps(self, params: GridParams, shape: tuple[int, int], like: Any) -> Any:
        return F.grid_maps(like, *self.axes(params, shape))

    def resample(
        self, arr: Any, params: Any, shape: tuple[int, int], maps_for: Any, interpolation: int, fill: Any
    ) -> Any:
        xc, yc = self.cells(params, shape)
        return F.grid_remap(arr, xc, yc, interpolation, self.border_mode, fill)


# ----------------------------------------------------------------------------------------------
# OpticalDistortion
# ----------------------------------------------------------------------------------------------
@dataclass
class OpticalParams:
    k: Any  # the distortion coefficient: a float, or (N,)


class OpticalDistortion(_Distortion):
    """Lens distortion: pixels move radially about the centre by a random coefficient ``k``.

    ``k`` is uniform in ``distort_limit`` (per sample); ``"camera"`` is OpenCV's camera model with
    ``k1 = k2 = k`` and focal lengths the image's width and height, ``"fisheye"`` a quadratic radial
    model (:func:`~xalbu.functional.distortion.optical_maps`). Negative ``k`` bulges (barrel),
    positive pinches (pincushion). ``k = 0`` is the identity (albumentations 2.0.8's camera model
    also moves the image by half a pixel: docs/differences.md). Targets follow the module's rules.
    uint8, uint16, float32; any number of channels.

    Args:
        distort_limit: ``(min, max)`` of ``k``; ``v`` means ``(-v, v)``.
        interpolation: OpenCV interpolation code for images.
        mask_interpolation: OpenCV interpolation code for masks.
        mode: ``"camera"`` or ``"fisheye"``.
        keypoint_remapping_method: ``"mask"`` or ``"direct"`` (both: the forward map, solved).
        border_mode, fill, fill_mask: how pixels read from outside the image are filled.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> bool((A.OpticalDistortion(distort_limit=0, p=1)(image=img)["image"] == img).all())
    True
    """

    Params = OpticalParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"distort_limit": 0.3},
            {"distort_limit": (-0.5, -0.1), "mode": "fisheye", "border_mode": 4},
            {"distort_limit": 0.2, "interpolation": 2, "fill": 5, "fill_mask": 1},
        ]

    def __init__(
        self,
        distort_limit: Any = (-0.05, 0.05),
        interpolation: int = 1,
        mask_interpolation: int = 0,
        mode: str = "camera",
        keypoint_remapping_method: str = "mask",
        p: float = 0.5,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
    ) -> None:
        super().__init__(p)
        self.distort_limit = check_range("distort_limit", distort_limit, symmetric_around=0.0)
        self.mode = check_choice("mode", mode, ("camera", "fisheye"))
        self._set_common(
            interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> OpticalParams:
        return OpticalParams(draw.uniform(rng, *self.distort_limit, n))

    def maps(self, params: OpticalParams, shape: tuple[int, int], like: Any) -> Any:
        return F.optical_maps(like, params.k, shape, self.mode == "fisheye")


# ----------------------------------------------------------------------------------------------
# PiecewiseAffine
# ----------------------------------------------------------------------------------------------
@dataclass
class MeshParams:
    points: Any  # (R, C, 2) or (N, R, C, 2): the nodes' source (x, y), padded to the largest grid
    shape: Any  # (2,) or (N, 2): each draw's (rows, cols)


class PiecewiseAffine(_Distortion):
    """Jitter a regular grid of nodes and warp each triangle of the mesh affinely.

    A grid of ``rows x cols`` nodes (each drawn in ``nb_rows``/``nb_cols``, both ends included) spans
    the image; each node reads from its own position plus a normal jitter of standard deviation
    ``s / 3`` (``s`` uniform in ``scale``, a fraction of the image's smaller side unless
    ``absolute_scale``), clipped to the image; each cell's two triangles map affinely
    (:func:`~xalbu.functional.distortion.mesh_maps`). A scale of 0 is the identity. (albumentations
    2.0.8 blends all the nodes by inverse squared distance instead, which is not piecewise affine nor
    the identity at scale 0, at several seconds per image: docs/differences.md.) Targets follow the
    module's rules. uint8, uint16, float32; any number of channels.

    Args:
        scale: ``(min, max)`` jitter scale (``>= 0``); ``v`` means ``(0, v)``.
        nb_rows: rows of nodes, a number or a ``(min, max)`` range (``>= 2``).
        nb_cols: columns of nodes, likewise.
        interpolation: OpenCV interpolation code for images.
        mask_interpolation: OpenCV interpolation code for masks.
        absolute_scale: ``scale`` in pixels instead of a fraction of the smaller side.
        keypoint_remapping_method: ``"mask"`` or ``"direct"`` (both: the forward map, solved).
        border_mode, fill, fill_mask: how pixels read from outside the image are filled.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> bool((A.PiecewiseAffine(scale=0, p=1)(image=img)["image"] == img).all())
    True
    """

    Params = MeshParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale": (0.03, 0.05), "nb_rows": 4, "nb_cols": 4},
            {
                "scale": (2.0, 4.0),
                "nb_rows": (3, 5),
                "nb_cols": (2, 6),
                "absolute_scale": True,
                "border_mode": 1,
            },
            {"scale": 0.04, "interpolation": 2, "fill": 3, "fill_mask": 1},
        ]

    def __init__(
        self,
        scale: Any = (0.03, 0.05),
        nb_rows: Any = (4, 4),
        nb_cols: Any = (4, 4),
        interpolation: int = 1,
        mask_interpolation: int = 0,
        absolute_scale: bool = False,
        keypoint_remapping_method: str = "mask",
        p: float = 0.5,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
    ) -> None:
        super().__init__(p)
        if isinstance(scale, Real) and not isinstance(scale, bool):  # v means (0, v), as albumentations
            scale = (0.0, check_number("scale", scale, 0.0))
        self.scale = check_range("scale", scale, 0.0)
        self.nb_rows = _grid_range("nb_rows", nb_rows)
        self.nb_cols = _grid_range("nb_cols", nb_cols)
        self.absolute_scale = check_bool("absolute_scale", absolute_scale)
        self._set_common(
            interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask
        )

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> MeshParams:
        h, w = shape
        k = 1 if n is None else n
        rmax, cmax = self.nb_rows[1], self.nb_cols[1]
        rows = draw.integers(rng, self.nb_rows[0], rmax + 1, k)
        cols = draw.integers(rng, self.nb_cols[0], cmax + 1, k)
        s = draw.uniform(rng, self.scale[0], self.scale[1], k)
        sd = s / 3 if self.absolute_scale else s * min(h, w) / 3
        jitter = rng.standard_normal((k, rmax, cmax, 2)) * sd[:, None, None, None]
        r = np.arange(rmax)[None, :, None]
        c = np.arange(cmax)[None, None, :]
        node_y = r * ((h - 1) / np.maximum(rows - 1, 1))[:, None, None]
        node_x = c * ((w - 1) / np.maximum(cols - 1, 1))[:, None, None]
        px = np.clip(node_x + jitter[..., 0], 0, w - 1)
        py = np.clip(node_y + jitter[..., 1], 0, h - 1)
        points = np.stack(np.broadcast_arrays(px, py), axis=-1)
        size = np.stack([rows, cols], axis=1)
        return MeshParams(points[0], size[0]) if n is None else MeshParams(points, size)

    def maps(self, params: MeshParams, shape: tuple[int, int], like: Any) -> Any:
        return F.mesh_maps(like, params.points, params.shape, shape)


# ----------------------------------------------------------------------------------------------
# ThinPlateSpline
# ----------------------------------------------------------------------------------------------
@dataclass
class TpsParams:
    dst: Any  # (K, 2) or (N, K, 2): where each control point reads from, in units of the image size


class ThinPlateSpline(_Distortion):
    """Thin-plate-spline warp: control points on a grid move randomly and the image follows smoothly.

    ``num_control_points x num_control_points`` points in the unit square (or the corners and the
    centre for 2) each read from a normal jitter of standard deviation ``s / 10`` (``s`` uniform in
    ``scale_range``, in units of the image's width and height); the thin-plate spline through those
    pairs (kernel ``r^2 log r^2``) gives every pixel's source. (albumentations 2.0.8 fits the spline
    with the kernel ``r^4 log r^2`` but evaluates it with ``r^2 log r^2``, so its warp misses the
    points it was fitted to: docs/differences.md.) Targets follow the module's rules. uint8, uint16,
    float32; any number of channels.

    Args:
        scale_range: ``(min, max)`` of ``s`` within ``[0, 1]``.
        num_control_points: control points per side (``>= 2``).
        interpolation: OpenCV interpolation code for images.
        mask_interpolation: OpenCV interpolation code for masks.
        keypoint_remapping_method: ``"mask"`` or ``"direct"`` (both: the forward map, solved).
        border_mode, fill, fill_mask: how pixels read from outside the image are filled.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> bool((A.ThinPlateSpline(scale_range=(0, 0), p=1)(image=img)["image"] == img).all())
    True
    """

    Params = TpsParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale_range": (0.2, 0.4), "num_control_points": 4},
            {"scale_range": (0.1, 0.3), "num_control_points": 2, "border_mode": 4},
            {
                "scale_range": (0.3, 0.5),
                "num_control_points": 3,
                "interpolation": 2,
                "fill": 9,
                "fill_mask": 1,
            },
        ]

    def __init__(
        self,
        scale_range: Any = (0.2, 0.4),
        num_control_points: int = 4,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        keypoint_remapping_method: str = "mask",
        p: float = 0.5,
        border_mode: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
    ) -> None:
        super().__init__(p)
        self.scale_range = check_range("scale_range", scale_range, 0.0, 1.0)
        self.num_control_points = check_int("num_control_points", num_control_points, 2)
        self._set_common(
            interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask
        )
        self._src = control_points(self.num_control_points)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> TpsParams:
        k = 1 if n is None else n
        s = draw.uniform(rng, self.scale_range[0], self.scale_range[1], k) / 10
        dst = self._src[None] + rng.standard_normal((k,) + self._src.shape) * s[:, None, None]
        return TpsParams(dst[0] if n is None else dst)

    def maps(self, params: TpsParams, shape: tuple[int, int], like: Any) -> Any:
        weights, affine = F.tps_fit(self._src, np.asarray(params.dst))
        return F.tps_maps(like, self._src, weights, affine, shape)


# ----------------------------------------------------------------------------------------------
# GridElasticDeform
# ----------------------------------------------------------------------------------------------
@dataclass
class CellParams:
    ys: Any  # (rows + 1,) or (N, rows + 1): the row edges, 0 to H
    xs: Any  # (cols + 1,) or (N, cols + 1): the column edges, 0 to W
    moves: Any  # (rows - 1, cols - 1, 2) or (N, ...): the inner vertices' integer (dx, dy)


class GridElasticDeform(_Distortion):
    """Elastic grid deformation: a grid's inner vertices move by random whole pixels and each cell
    reads the quadrilateral of its moved corners.

    ``num_grid_xy = (cols, rows)`` cells of almost equal sizes in a random order (albumentations
    2.0.8's cut); every inner vertex moves by integers uniform in ``[-magnitude, magnitude]``, at
    most a third of its neighbouring cells' size (so that no cell folds; albumentations lets cells
    fold), the image's border staying. Each output cell (a rectangle) reads its moved quadrilateral
    bilinearly (:func:`~xalbu.functional.distortion.quad_maps`): a continuous map, no gaps or
    overlaps, and no displacement is the identity. (albumentations warps each rectangle onto its
    quadrilateral by a homography instead, pasting the quadrilaterals rasterised with whole-pixel
    corners, so pixels on their seams keep the zero fill; its ``num_grid_xy`` is read as (rows,
    cols) when cutting and as (cols, rows) when moving vertices, which scrambles non-square grids:
    docs/differences.md. The vertex moves are symmetric, so both directions draw the same
    deformations.) Constant border 0, as albumentations. Targets follow the module's rules. uint8,
    uint16, float32; any number of channels.

    Args:
        num_grid_xy: ``(cols, rows)`` of cells, each at least 1.
        magnitude: largest vertex move in pixels (``>= 1``).
        interpolation: OpenCV interpolation code for images.
        mask_interpolation: OpenCV interpolation code for masks.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> A.GridElasticDeform(num_grid_xy=(2, 2), magnitude=1, p=1)(image=img)["image"].shape
    (8, 8)
    """

    Params = CellParams
    albumentations_args = {}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"num_grid_xy": (4, 4), "magnitude": 10},
            {"num_grid_xy": (3, 5), "magnitude": 3, "interpolation": 2},
            {"num_grid_xy": (1, 2), "magnitude": 1, "mask_interpolation": 0},
        ]

    def __init__(
        self,
        num_grid_xy: tuple[int, int],
        magnitude: int,
        interpolation: int = 1,
        mask_interpolation: int = 0,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.num_grid_xy = int_pair("num_grid_xy", num_grid_xy, "(cols, rows)")
        self.magnitude = check_int("magnitude", magnitude, 1)
        set_interpolations(self, interpolation, mask_interpolation)
        self.border_mode, self.fill, self.fill_mask = 0, 0.0, 0.0

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CellParams:
        cols, rows = self.num_grid_xy
        k = 1 if n is None else n
        ys, xs = _splits(rng, shape[0], rows, k), _splits(rng, shape[1], cols, k)
        m = self.magnitude
        moves = draw.integers(rng, -m, m + 1, k * max(rows - 1, 0) * max(cols - 1, 0) * 2)
        moves = np.asarray(moves, np.int64).reshape(k, max(rows - 1, 0), max(cols - 1, 0), 2)
        return CellParams(ys[0], xs[0], moves[0]) if n is None else CellParams(ys, xs, moves)

    def maps(self, params: CellParams, shape: tuple[int, int], like: Any) -> Any:
        ys, xs, mv = (np.asarray(a) for a in (params.ys, params.xs, params.moves))
        batched = mv.ndim == 4
        ys, xs, mv = (ys, xs, mv) if batched else (ys[None], xs[None], mv[None])
        n, rows, cols = ys.shape[0], ys.shape[1] - 1, xs.shape[1] - 1
        vx = np.broadcast_to(xs[:, None, :], (n, rows + 1, cols + 1)).astype(np.float64)
        vy = np.broadcast_to(ys[:, :, None], (n, rows + 1, cols + 1)).astype(np.float64)
        vx, vy = vx.copy(), vy.copy()
        # a vertex stays within a third of its neighbouring cells: every quadrilateral stays convex
        hs, ws = np.diff(ys, axis=1), np.diff(xs, axis=1)
        lim_y = (np.minimum(hs[:, :-1], hs[:, 1:]) // 3)[:, :, None]
        lim_x = (np.minimum(ws[:, :-1], ws[:, 1:]) // 3)[:, None, :]
        vx[:, 1:-1, 1:-1] += np.clip(mv[..., 0], -lim_x, lim_x)
        vy[:, 1:-1, 1:-1] += np.clip(mv[..., 1], -lim_y, lim_y)
        v = np.stack([vx, vy], axis=-1)
        return F.quad_maps(like, *((ys, xs, v) if batched else (ys[0], xs[0], v[0])))


# ----------------------------------------------------------------------------------------------
# RandomGridShuffle
# ----------------------------------------------------------------------------------------------
class RandomGridShuffle(SpatialTransform):
    """Cut the image into a ``grid`` of tiles and shuffle the tiles of the same size.

    The rows (columns) are cut into intervals that differ by at most a pixel, in a random order;
    tiles of the same shape are permuted at random (albumentations 2.0.8's draws, per sample).
    Images and masks move tile by tile (exact, any dtype); keypoints move with their tile; a box
    becomes one box per connected piece of its moved mask (labels repeated), each keeping its share
    of the box's visible fraction (``min_visibility``/``min_area`` apply to the pieces).

    Args:
        grid: ``(rows, cols)``, each at least 1.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> out = A.RandomGridShuffle(grid=(2, 2), p=1)(image=img)["image"]
    >>> sorted(out[:2, :2].ravel().tolist()) in ([0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15])
    True
    """

    Params = GridShuffleParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"grid": (3, 3)}, {"grid": (2, 5)}, {"grid": (1, 1)}]

    def __init__(self, grid: tuple[int, int] = (3, 3), p: float = 0.5) -> None:
        super().__init__(p)
        self.grid = int_pair("grid", grid, "(rows, cols)")

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> GridShuffleParams:
        rows, cols = self.grid
        k = 1 if n is None else n
        ys, xs = _splits(rng, shape[0], rows, k), _splits(rng, shape[1], cols, k)
        hs, ws = np.diff(ys, axis=1), np.diff(xs, axis=1)
        t = np.arange(rows * cols)
        code = hs[:, t // cols] * (shape[1] + 1) + ws[:, t % cols]  # the tiles' shapes
        key = rng.random((k, rows * cols))
        by_index = np.lexsort((np.broadcast_to(t, code.shape), code), axis=1)  # each shape's tiles in order
        by_key = np.lexsort((key, code), axis=1)  # ... and in a random order
        mapping = np.empty_like(by_index)
        np.put_along_axis(mapping, by_index, by_key, axis=1)
        if n is None:
            return GridShuffleParams(ys[0], xs[0], mapping[0])
        return GridShuffleParams(ys, xs, mapping)

    def apply_image(self, img: Any, params: GridShuffleParams, state: State) -> Any:
        return F.shuffle_tiles(img, params.ys, params.xs, params.mapping)

    def apply_mask(self, mask: Any, params: GridShuffleParams, state: State) -> Any:
        return F.shuffle_tiles(mask, params.ys, params.xs, params.mapping)

    def apply_points(self, pts: PointSet, params: GridShuffleParams, state: State) -> PointSet:
        if not len(pts.rows):
            return pts
        return replace(pts, xy=pts.xy + _tile_translation(params, pts.xy, pts.sample))

    def apply_boxes(self, boxes: BoxSet, params: GridShuffleParams, state: State) -> BoxSet:
        if not len(boxes.rows):
            return boxes
        import cv2

        h, w = state.shape
        ys, xs, mp = (np.asarray(a, np.int64) for a in (params.ys, params.xs, params.mapping))
        batched = mp.ndim == 2
        pieces: list[tuple[int, tuple[float, float, float, float], float]] = []
        for i, b in enumerate(boxes.xyxy):
            s = int(boxes.sample[i]) if batched else 0
            tiles = (ys[s], xs[s], mp[s]) if batched else (ys, xs, mp)
            x0, y0, x1, y1 = box_pixels(b, h, w)
            if x1 <= x0 or y1 <= y0:  # no pixel centre inside: moves with the tile of its centre
                centre = np.array([[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]])
                dx, dy = _tile_translation(GridShuffleParams(*tiles), centre, np.zeros(1, np.int64))[0]
                pieces.append((i, (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy), 1.0))
                continue
            moved = np.ascontiguousarray(F.shuffle_tiles(box_mask(h, w, x0, y0, x1, y1), *tiles)[..., 0])
            count, _, stats, _ = cv2.connectedComponentsWithStats(moved, connectivity=8)
            area = float((x1 - x0) * (y1 - y0))
            for left, top, width, height, px in stats[1:count].tolist():
                pieces.append((i, (left, top, left + width, top + height), px / area))
        idx = np.array([p[0] for p in pieces], np.int64)
        out = boxes.take(idx)
        xyxy = np.array([p[1] for p in pieces], np.float64).reshape(-1, 4)
        vis = out.vis * np.array([p[2] for p in pieces], np.float64)
        return replace(out, xyxy=xyxy, vis=vis)


# ----------------------------------------------------------------------------------------------
# Morphological
# ----------------------------------------------------------------------------------------------
class Morphological(SpatialTransform):
    """Dilate or erode the image and masks with an elliptical kernel (grey morphology).

    The kernel is OpenCV's ``MORPH_ELLIPSE`` structuring element of ``scale = (width, height)``
    pixels (albumentations 2.0.8 uses ``scale`` itself as the size, not a random one; a number ``v``
    means ``(1, v)``), anchored at its centre; pixels outside the image are ignored. Masks change the
    same way; a box becomes the box of its dilated (eroded) mask, and is removed when erosion leaves
    nothing of it; keypoints stay. Any number of channels; uint8, uint16, float32.

    Args:
        scale: ``(width, height)`` of the kernel, each at least 1; ``v`` means ``(1, v)``.
        operation: ``"dilation"`` or ``"erosion"``.
        p: probability (in a batch, per sample).

    >>> import numpy as np, xalbu as A
    >>> img = np.zeros((5, 5), np.uint8); img[2, 2] = 9
    >>> A.Morphological(scale=(3, 3), p=1)(image=img)["image"][1:4, 1:4].tolist()
    [[0, 9, 0], [9, 9, 9], [0, 9, 0]]
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"scale": (2, 3), "operation": "dilation"},
            {"scale": (5, 5), "operation": "erosion"},
            {"scale": 4},
        ]

    def __init__(self, scale: Any = (2, 3), operation: str = "dilation", p: float = 0.5) -> None:
        super().__init__(p)
        lo, hi = check_range(
            "scale",
            (1, scale) if isinstance(scale, int) and not isinstance(scale, bool) else scale,
            1,
            integer=True,
        )
        self.scale = (int(lo), int(hi))
        self.operation = check_choice("operation", operation, ("erosion", "dilation"))
        import cv2

        self._kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, self.scale)

    def apply_image(self, img: Any, params: Any, state: State) -> Any:
        return F.morphology(img, self._kernel, self.operation == "dilation")

    def apply_mask(self, mask: Any, params: Any, state: State) -> Any:
        return F.morphology(mask, self._kernel, self.operation == "dilation")

    def apply_boxes(self, boxes: BoxSet, params: Any, state: State) -> BoxSet:
        if not len(boxes.rows):
            return boxes
        h, w = state.shape
        xyxy = boxes.xyxy.copy()
        keep = np.ones(len(xyxy), bool)
        for i, b in enumerate(boxes.xyxy):
            mask = box_mask(h, w, *box_pixels(b, h, w))
            ys, xs = np.nonzero(F.morphology(mask, self._kernel, self.operation == "dilation")[..., 0])
            if not len(ys):
                keep[i] = False
                continue
            xyxy[i] = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        out = replace(boxes, xyxy=xyxy)
        return out if keep.all() else out.take(np.flatnonzero(keep))
