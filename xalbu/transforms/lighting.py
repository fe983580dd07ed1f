"""Lighting transforms: sun flares (RandomSunFlare), lens flares (LensFlare, AlbumentationsX's),
polygon shadows (RandomShadow) and plasma shadows (PlasmaShadow).

Each class is a :class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass
through) whose geometry (flare circles, shadow polygons) is drawn on the host and rasterised by a
kernel of :mod:`xalbu.functional.lighting` the way OpenCV paints it, so the pixels match
albumentations' on the same parameters. A batch pads each sample's circles or polygons to the
same count with identity entries (zero alpha, zero intensity): one kernel call, no per-sample loop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..core import draw
from ..core.validation import check_choice, check_int, check_number, check_range, show
from ..functional import lighting as F
from ..functional._utils import check_unit_range
from ._common import _PixelTransform

__all__ = ["LensFlare", "PlasmaShadow", "RandomShadow", "RandomSunFlare"]


def _roi(name: str, value: Any, strict: bool) -> tuple[float, float, float, float]:
    """``(x_min, y_min, x_max, y_max)`` fractions of the image, ordered (``strict``: non-empty)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 4:
        raise TypeError(f"{name}: expected (x_min, y_min, x_max, y_max), got {show(value)}")
    x0, y0, x1, y1 = (check_number(f"{name}[{i}]", v, 0.0, 1.0) for i, v in enumerate(value))
    if (x0 >= x1 or y0 >= y1) if strict else (x0 > x1 or y0 > y1):
        order = "<" if strict else "<="
        raise ValueError(f"{name}: expected x_min {order} x_max and y_min {order} y_max, got {show(value)}")
    return (x0, y0, x1, y1)


def _ints(rng: np.random.Generator, lo: Any, hi: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Integers uniform on ``[lo, hi)`` (``hi > lo``, arrays broadcasting to ``shape``)."""
    return np.asarray(lo, np.int64) + (rng.random(shape) * np.asarray(hi - lo)).astype(np.int64)


# ------------------------------------------------------------------------------------ RandomShadow
@dataclass
class ShadowParams:
    vertices: Any  # (S, V, 2) integer x, y, S = num_shadows_limit[1]; (N, S, V, 2) for a batch
    intensities: Any  # (S,); (N, S): 0 past the drawn number of shadows


class RandomShadow(_PixelTransform):
    """Shadows: random polygons in which the image darkens by ``x (1 - a)``.

    ``shadow_roi``: ``(x_min, y_min, x_max, y_max)`` fractions of the image where the vertices
    fall; ``num_shadows_limit``: the range of the number of polygons (both ends included);
    ``shadow_dimension`` (>= 3): vertices per polygon (any order: polygons may cross themselves, the
    even-odd rule fills them); ``shadow_intensity_range`` (within [0, 1]): ``a``, one per polygon.
    Integers are floored after each polygon, as albumentations; float32 images are darkened as
    floats (albumentations rounds them to 8 bits first).

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomShadow(shadow_roi=(0, 0, 1, 1), num_shadows_limit=(1, 1), p=1)
    >>> out = A.Compose([t], seed=0)(image=np.full((8, 8, 3), 100, np.uint8))["image"]
    >>> sorted(set(out.ravel().tolist()))
    [50, 100]
    """

    Params = ShadowParams
    identity: ClassVar[dict[str, Any]] = {"intensities": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"shadow_roi": (0, 0.5, 1, 1), "num_shadows_limit": (1, 2), "shadow_dimension": 5},
            {"shadow_roi": (0.1, 0.1, 0.9, 0.9), "num_shadows_limit": (2, 4), "shadow_dimension": 8,
             "shadow_intensity_range": (0.3, 0.7)},
        ]  # fmt: skip

    def __init__(
        self,
        shadow_roi: Any = (0, 0.5, 1, 1),
        num_shadows_limit: Any = (1, 2),
        shadow_dimension: int = 5,
        shadow_intensity_range: Any = (0.5, 0.5),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.shadow_roi = _roi("shadow_roi", shadow_roi, strict=False)
        lo, hi = check_range("num_shadows_limit", num_shadows_limit, 1, integer=True)
        self.num_shadows_limit = (int(lo), int(hi))
        self.shadow_dimension = check_int("shadow_dimension", shadow_dimension, 3)
        self.shadow_intensity_range = check_range("shadow_intensity_range", shadow_intensity_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> ShadowParams:
        h, w = shape
        lo, hi = self.num_shadows_limit
        count = draw.integers(rng, lo, hi + 1, n)
        x0, y0, x1, y1 = self.shadow_roi
        xs = (int(x0 * w), int(x1 * w))
        ys = (int(y0 * h), int(y1 * h))
        size = (hi, self.shadow_dimension) if n is None else (n, hi, self.shadow_dimension)
        # an empty range (albumentations refuses it): its low end, kept inside the image
        vx = np.minimum(_ints(rng, xs[0], max(xs[1], xs[0] + 1), size), w - 1)
        vy = np.minimum(_ints(rng, ys[0], max(ys[1], ys[0] + 1), size), h - 1)
        verts = np.stack([vx, vy], axis=-1)
        inten = draw.uniform(rng, *self.shadow_intensity_range, size[:-1])
        # always num_shadows_limit[1] polygons (fixed shapes): those past the count at intensity 0
        return ShadowParams(verts, np.where(np.arange(hi) < np.asarray(count)[..., None], inten, 0.0))

    def apply_image(self, img: Any, params: ShadowParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.polygon_shadows(img, params.vertices, params.intensities)


# ------------------------------------------------------------------------------------ PlasmaShadow
@dataclass
class PlasmaShadowParams:
    intensity: Any
    seed: Any  # int, or (N,) uint64: one plasma field per sample


class PlasmaShadow(_PixelTransform):
    """Organic shadows along a plasma fractal ``P`` in [0, 1]: ``x (1 - i P)``.

    ``shadow_intensity_range`` (within [0, 1]): ``i``, drawn per image; ``roughness`` (> 0): how
    much each diamond-square step adds to the pattern's detail (the noise of step ``k`` is
    ``roughness ** k``); ``plasma_size`` is accepted for albumentations' sake (the pattern always
    covers the image, as in albumentations 2.0.8). The fractal comes from a counter-based generator
    seeded per sample (:mod:`xalbu.functional._plasma`, shared with PlasmaBrightnessContrast):
    albumentations' statistics, not its stream. Integers are floored, as albumentations.

    >>> import numpy as np, xalbu as A
    >>> t = A.PlasmaShadow(shadow_intensity_range=(0, 0), p=1)
    >>> t(image=np.full((4, 4), 100, np.uint8))["image"][0].tolist()
    [100, 100, 100, 100]
    """

    Params = PlasmaShadowParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"shadow_intensity_range": (0.3, 0.7), "roughness": 3.0},
            {"shadow_intensity_range": (0.5, 0.9), "roughness": 0.5},
        ]

    def __init__(
        self,
        shadow_intensity_range: Any = (0.3, 0.7),
        plasma_size: int = 256,
        roughness: float = 3.0,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.shadow_intensity_range = check_range("shadow_intensity_range", shadow_intensity_range, 0.0, 1.0)
        self.plasma_size = check_int("plasma_size", plasma_size, 1)
        check_number("roughness", roughness)
        if roughness <= 0:
            raise ValueError(f"roughness: expected a number > 0, got {roughness}")
        self.roughness = roughness

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PlasmaShadowParams:
        intensity = draw.uniform(rng, *self.shadow_intensity_range, n)
        seed = rng.integers(0, 2**63, n, dtype=np.uint64) if n is not None else int(rng.integers(0, 2**63))
        return PlasmaShadowParams(intensity, seed)

    def apply_image(self, img: Any, params: PlasmaShadowParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.plasma_shadow(img, params.intensity, params.seed, float(self.roughness))


# ---------------------------------------------------------------------------------- RandomSunFlare
@dataclass
class SunFlareParams:
    center: Any  # (2,) integer x, y; (N, 2)
    circle_xy: Any  # (K, 2), K = num_flare_circles_range[1]; (N, K, 2)
    circle_radius: Any  # (K,): rad ** 3 (overlay) or int((rad ** 3) ** 0.33) (physics), -1 when off; (N, K)
    circle_color: Any  # (K, 3) 0..255; (N, K, 3)
    alpha: Any  # (K,); (N, K): 0 past the drawn number of circles
    sun_alpha: Any  # (T,) the sun discs' alphas; (N, T)
    weight: Any  # 1.0 (0.0: the identity; physics-based method)


class RandomSunFlare(_PixelTransform):
    """A sun flare: a bright sun and flare circles along a line through it (RGB images).

    The sun lands at fractions drawn from ``flare_roi`` ``(x_min, y_min, x_max, y_max)``; the line
    runs at ``2 pi u`` radians, ``u`` drawn from ``angle_range`` (within [0, 1]); the circles, their
    number drawn from ``num_flare_circles_range``, sit at points 1% of the diagonal apart along it,
    each of ``alpha`` in [0.05, 0.2], size ``r ** 3`` (``r`` up to 1% of the height, at least 2) and
    a colour within 20% below ``src_color`` (0..255 levels, scaled to uint16 and float32). ``method``:

    - ``"overlay"``: each circle blends into the image at its alpha (the overlay keeps the earlier
      ones), then ``src_radius // 10`` discs of growing radius up to ``src_radius`` form the sun,
      blended at alphas ``s_i ** 3`` from ``s = linspace(0, min(5 sum(alpha r^3) / sum(r^3), 1))``;
    - ``"physics_based"``: a flare layer (sun disc, four 2-pixel spikes, circles of radius
      ``int(size ** 0.33)``) blurred with sigma 15, faded with the distance to the sun, its red and
      blue channels blurred again (sigma 5 and 3) and screened onto the image.

    >>> import numpy as np, xalbu as A
    >>> t = A.RandomSunFlare(src_radius=20, p=1)
    >>> out = t(image=np.zeros((32, 32, 3), np.uint8))["image"]
    >>> bool(out.max() > 0), out.shape
    (True, (32, 32, 3))
    """

    Params = SunFlareParams
    identity: ClassVar[dict[str, Any]] = {"alpha": 0.0, "sun_alpha": 0.0, "weight": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        r = max(2, min(height, width) // 2)
        return [
            {"flare_roi": (0, 0, 1, 0.5), "src_radius": r, "num_flare_circles_range": (6, 10)},
            {"src_radius": r, "method": "physics_based", "src_color": (255, 200, 100)},
            {"flare_roi": (0.1, 0, 0.9, 0.3), "angle_range": (0.25, 0.75), "src_radius": max(2, r // 2),
             "num_flare_circles_range": (5, 15), "method": "overlay"},
        ]  # fmt: skip

    def __init__(
        self,
        flare_roi: Any = (0, 0, 1, 0.5),
        src_radius: int = 400,
        src_color: Any = (255, 255, 255),
        angle_range: Any = (0, 1),
        num_flare_circles_range: Any = (6, 10),
        method: str = "overlay",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.flare_roi = _roi("flare_roi", flare_roi, strict=True)
        self.src_radius = check_int("src_radius", src_radius, 2)
        if isinstance(src_color, (str, bytes)) or not isinstance(src_color, Sequence) or len(src_color) != 3:
            raise TypeError(f"src_color: expected 3 integers (RGB, 0..255), got {show(src_color)}")
        self.src_color = tuple(check_int(f"src_color[{i}]", c, 0, 255) for i, c in enumerate(src_color))
        self.angle_range = check_range("angle_range", angle_range, 0.0, 1.0)
        lo, hi = check_range("num_flare_circles_range", num_flare_circles_range, 1, integer=True)
        self.num_flare_circles_range = (int(lo), int(hi))
        self.method = check_choice("method", method, ("overlay", "physics_based"))

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> SunFlareParams:
        h, w = shape
        m = 1 if n is None else n
        angle = 2 * math.pi * draw.uniform(rng, *self.angle_range, m)
        x0, y0, x1, y1 = self.flare_roi
        cx = (w * draw.uniform(rng, x0, x1, m)).astype(np.int64)
        cy = (h * draw.uniform(rng, y0, y1, m)).astype(np.int64)
        lo, hi = self.num_flare_circles_range
        count = _ints(rng, lo, hi + 1, (m,))
        step = max(1, int(math.sqrt(h * h + w * w) * 0.01))
        max_radius = max(2, int(h * 0.01))
        src = np.asarray(self.src_color, np.int64)
        spread = int(src.max() * 0.2)
        alpha = draw.uniform(rng, 0.05, 0.2, (m, hi))
        t = _ints(rng, 0, len(range(0, w, step)), (m, hi)) * step - cx[:, None]  # a point of the line
        px = (cx[:, None] + t * np.cos(angle)[:, None]).astype(np.int64)  # truncated, as int()
        py = (cy[:, None] + t * np.sin(angle)[:, None]).astype(np.int64)
        rad3 = _ints(rng, 1, max_radius + 1, (m, hi)) ** 3
        low = np.maximum(src - spread, 0)
        color = _ints(rng, low, src + 1, (m, hi, 3))
        real = np.arange(hi)[None, :] < count[:, None]
        alpha = np.where(real, alpha, 0.0)
        steps = self.src_radius // 10
        # albumentations' sums are running ones (one float at a time): cumsum keeps that order
        total = np.cumsum(np.where(real, rad3, 0), axis=1)[:, -1].astype(np.float64)
        top = np.minimum(np.cumsum(alpha * rad3, axis=1)[:, -1] / total * 5, 1.0)
        s = np.linspace(0.0, top, steps, axis=1)[:, ::-1]
        sun_alpha = s * s * s
        if self.method == "physics_based":
            radius = np.where(real, (rad3.astype(np.float64) ** 0.33).astype(np.int64), -1)
        else:
            radius = np.where(real, rad3, -1)
        xy = np.stack([px, py], axis=-1)
        if n is None:  # num_flare_circles_range[1] circles (fixed shapes), those past the count off
            return SunFlareParams(
                np.array([cx[0], cy[0]]), xy[0], radius[0], color[0], alpha[0], sun_alpha[0], 1.0
            )
        return SunFlareParams(np.stack([cx, cy], axis=-1), xy, radius, color, alpha, sun_alpha, np.ones(n))

    def apply_image(self, img: Any, params: SunFlareParams) -> Any:
        check_unit_range(type(self).__name__, img)
        F.check_rgb(type(self).__name__, img)
        if self.method == "overlay":
            steps = self.src_radius // 10
            radii = np.linspace(1, self.src_radius, steps).astype(np.int64)
            return F.sun_flare_overlay(
                img, params.center, self.src_color, radii, params.sun_alpha,
                params.circle_xy, params.circle_radius, params.circle_color, params.alpha,
            )  # fmt: skip
        return F.sun_flare_physics(
            img, params.center, self.src_radius, self.src_color,
            params.circle_xy, params.circle_radius, params.circle_color, params.weight,
        )  # fmt: skip


# --------------------------------------------------------------------------------------- LensFlare
@dataclass
class LensFlareParams:
    rays: Any  # (R, 4) x0, y0, x1, y1 clipped to the image, R = 2 * num_rays_range[1]; (N, R, 4)
    intensity: Any  # float; (N,)
    bloom: Any  # the bloom blur's kernel size 2 * radius + 1; (N,)
    ghost_xy: Any  # (G, 2), G = num_ghosts_range[1]; (N, G, 2)
    ghost_radius: Any  # (G,): -1 past the drawn number of ghosts; (N, G)
    ghost_alpha: Any  # (G,): 0 past the drawn number of ghosts; (N, G)


class LensFlare(_PixelTransform):
    """A lens flare (AlbumentationsX's LensFlare): a starburst from a bright point and ghost
    reflections of it, added to every channel.

    The source ``(f_x, f_y)`` is a pixel drawn in ``flare_roi`` ``(x_min, y_min, x_max, y_max)``
    (fractions of the image). ``k`` rays are drawn from ``num_rays_range``: ``2k`` one-pixel lines
    ``max(H, W)`` long leave the source ``pi / k`` apart (the first at a random angle below
    ``pi / k``) at the flare's strength ``s`` (drawn from ``intensity_range``) and are blurred by a
    Gaussian whose radius is a fraction (``bloom_range``) of the diagonal. ``g`` ghosts (from
    ``num_ghosts_range``) sit on the line from the source through the image centre, at ``2 t`` of
    the way to the centre for ``t = i / (g + 1)``: discs of radius ``max(2, 2% of min(H, W) (1 -
    t / 2))``, softened, weighted ``s (1 - 0.6 t)``. The flare ``F`` (clipped to [0, 1]) brightens
    the image: ``x + M F``, ``M`` the dtype's maximum (integers truncated, as AlbumentationsX).

    Args:
        flare_roi: where the source lands, fractions ``x_min < x_max``, ``y_min < y_max``.
        num_ghosts_range: ``(low, high)`` integers >= 0: the number of ghosts.
        intensity_range: ``(low, high)`` in [0, 1]: the flare's strength.
        num_rays_range: ``(low, high)`` integers >= 2: half the number of rays.
        bloom_range: ``(low, high)`` in [0, 1]: the bloom radius, a fraction of the diagonal.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> t = A.LensFlare(intensity_range=(0.5, 0.5), p=1)
    >>> out = A.Compose([t], seed=0)(image=np.zeros((64, 64, 3), np.uint8))["image"]
    >>> bool(out.max() > 0), out.shape
    (True, (64, 64, 3))
    """

    Params = LensFlareParams
    identity: ClassVar[dict[str, Any]] = {"intensity": 0.0, "ghost_alpha": 0.0}

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"intensity_range": (0.3, 0.7)},
            {"flare_roi": (0.2, 0.2, 0.8, 0.8), "num_ghosts_range": (0, 5), "intensity_range": (0.6, 1.0),
             "num_rays_range": (2, 12), "bloom_range": (0.0, 0.1)},
        ]  # fmt: skip

    def __init__(
        self,
        flare_roi: Any = (0, 0, 1, 0.5),
        num_ghosts_range: Any = (3, 7),
        intensity_range: Any = (0.3, 0.7),
        num_rays_range: Any = (4, 8),
        bloom_range: Any = (0.01, 0.05),
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.flare_roi = _roi("flare_roi", flare_roi, strict=True)
        lo, hi = check_range("num_ghosts_range", num_ghosts_range, 0, integer=True)
        self.num_ghosts_range = (int(lo), int(hi))
        lo, hi = check_range("num_rays_range", num_rays_range, 2, integer=True)
        self.num_rays_range = (int(lo), int(hi))
        self.intensity_range = check_range("intensity_range", intensity_range, 0.0, 1.0)
        self.bloom_range = check_range("bloom_range", bloom_range, 0.0, 1.0)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> LensFlareParams:
        h, w = shape
        m = 1 if n is None else n
        intensity = draw.uniform(rng, *self.intensity_range, m)
        x0, y0, x1, y1 = self.flare_roi
        fx_lo, fy_lo = min(int(x0 * w), w - 1), min(int(y0 * h), h - 1)
        fx = draw.integers(rng, fx_lo, max(fx_lo, min(int(x1 * w), w - 1)) + 1, m)
        fy = draw.integers(rng, fy_lo, max(fy_lo, min(int(y1 * h), h - 1)) + 1, m)
        rays = draw.integers(rng, self.num_rays_range[0], self.num_rays_range[1] + 1, m)
        ghosts = draw.integers(rng, self.num_ghosts_range[0], self.num_ghosts_range[1] + 1, m)
        base = draw.uniform(rng, 0.0, 1.0, m) * (math.pi / rays)
        # 2k angles pi / k apart (float32, as AlbumentationsX), padded with the first ray
        idx = np.arange(2 * self.num_rays_range[1])[None, :]
        angle = (base[:, None] + idx * math.pi / rays[:, None]).astype(np.float32)
        angle = np.where(idx < 2 * rays[:, None], angle, angle[:, :1])
        length = np.float32(max(h, w))
        ex = np.trunc(fx[:, None].astype(np.float32) + np.cos(angle) * length).astype(np.int64)
        ey = np.trunc(fy[:, None].astype(np.float32) + np.sin(angle) * length).astype(np.int64)
        sx, sy = np.broadcast_to(fx[:, None], ex.shape), np.broadcast_to(fy[:, None], ey.shape)
        ex, ey = F.clip_ray_ends(sx, sy, ex, ey, h, w)
        segs = np.stack([sx, sy, ex, ey], axis=-1)
        # ghosts along the line from the source through the centre, float64 as Python's floats
        gi = np.arange(self.num_ghosts_range[1])[None, :]
        t = (gi + 1) / (ghosts[:, None] + 1)
        cx, cy = w // 2, h // 2
        gx = np.trunc(fx[:, None] + ((cx - fx[:, None]) * 2) * t).astype(np.int64)
        gy = np.trunc(fy[:, None] + ((cy - fy[:, None]) * 2) * t).astype(np.int64)
        real = gi < ghosts[:, None]
        grad = np.where(
            real, np.maximum(2, np.trunc(min(h, w) * 0.02 * (1.0 - t * 0.5))).astype(np.int64), -1
        )
        galpha = np.where(real, intensity[:, None] * (1.0 - t * 0.6), 0.0)
        frac = draw.uniform(rng, *self.bloom_range, m)
        bloom = 2 * (np.maximum(1, np.trunc(math.sqrt(h * h + w * w) * frac).astype(np.int64)) | 1) + 1
        gxy = np.stack([gx, gy], axis=-1)
        if n is None:
            return LensFlareParams(segs[0], float(intensity[0]), int(bloom[0]), gxy[0], grad[0], galpha[0])
        return LensFlareParams(segs, intensity, bloom, gxy, grad, galpha)

    def apply_image(self, img: Any, params: LensFlareParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.lens_flare(
            img, params.rays, params.intensity, params.bloom,
            params.ghost_xy, params.ghost_radius, params.ghost_alpha,
        )  # fmt: skip
