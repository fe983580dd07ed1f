"""OpenCV / NumPy overrides of the lighting kernels (:mod:`xalbu.functional.lighting`).

- ``polygon_shadows``: ``cv2.fillPoly`` per polygon in its bounding box, the darkening of uint8 as
  a lookup table (``floor(v (1 - a))`` in float64), copied in under the polygon: exact.
- ``sun_flare_overlay`` (uint8): ``cv2.circle`` and ``cv2.addWeighted`` over the circles' box
  (OpenCV's float32 rounding: within 1 level of the generic kernel's and albumentations'); the sun
  as one lookup: the discs are nested, so a pixel's result depends only on its value and the
  smallest disc holding it (a level map drawn with ``cv2.circle``), the blends precomputed for
  every level and value with albumentations' rounding: exact. Other dtypes: the generic kernel.
- ``sun_flare_physics``: albumentations' OpenCV steps (the flare layer, its blurs and fade) on
  every dtype; uint8 screened as albumentations does (exact), others in their own levels.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import lighting as F


def _batch(img: np.ndarray) -> tuple[np.ndarray, bool]:
    return (img[None], True) if img.ndim == 3 else (img, False)


# ------------------------------------------------------------------------------------- shadows
@register(F.polygon_shadows, "numpy_cv2")
def polygon_shadows(img: np.ndarray, vertices: Any, intensities: Any) -> Any:
    x, single = _batch(img)
    verts = np.asarray(vertices, np.int64)
    inten = np.asarray(intensities, np.float64)
    if single:
        verts, inten = verts[None], inten[None]
    fl = x.dtype.kind == "f"
    out = np.clip(x, 0.0, 1.0).astype(x.dtype) if fl else x.copy()
    ramp = np.arange(256, dtype=np.float64)
    for i in range(out.shape[0]):
        for j in range(verts.shape[1]):
            a = float(inten[i, j])
            if a == 0.0:
                continue
            v = verts[i, j]
            lo, hi = v.min(axis=0), v.max(axis=0)
            reg = out[i, lo[1] : hi[1] + 1, lo[0] : hi[0] + 1]
            mask = np.zeros(reg.shape[:2], np.uint8)
            cv2.fillPoly(mask, [(v - lo).astype(np.int32)], 1)
            dark = 1.0 - a
            if out.dtype == np.uint8:
                shaded = np.floor(ramp * dark).astype(np.uint8)[reg]
            elif fl:
                shaded = reg * np.float32(dark)
            else:
                shaded = np.floor(reg * dark).astype(out.dtype)
            np.copyto(reg, shaded, where=mask.view(bool)[..., None])
    return out[0] if single else out


# ----------------------------------------------------------------------------------- sun flares
def _sun_tables(sun_alpha: np.ndarray, color: Any) -> np.ndarray:
    """``(T + 1, 256, 3)`` uint8: the value after the sun's blends from disc ``l`` on (row ``T``:
    outside every disc), with albumentations' ``add_weighted`` rounding. Level ``l``'s blends run
    ``l, ..., T - 1``, so ``R_l = R_{l+1}[g_l]`` with ``g_l`` the one blend of disc ``l``."""
    t = sun_alpha.shape[0]
    ramp = np.repeat(np.arange(256, dtype=np.float64)[:, None], 3, axis=1)
    c = np.asarray(color, np.float64)[None, :]
    cols = np.arange(3)[None, :]
    out = np.empty((t + 1, 256, 3), np.uint8)
    out[t] = ramp
    for i in range(t - 1, -1, -1):
        a32, b32 = np.float32(sun_alpha[i]), np.float32(1.0 - float(sun_alpha[i]))
        by = (b32 * ramp.astype(np.float32)).astype(np.float64)
        g = np.clip(np.round((np.float64(a32) * c + by).astype(np.float32)), 0, 255).astype(np.intp)
        out[i] = out[i + 1][g, cols]
    return out


@register(F.sun_flare_overlay, "numpy_cv2")
def sun_flare_overlay(
    img: np.ndarray,
    center: Any,
    src_color: Any,
    sun_radii: Any,
    sun_alpha: Any,
    circle_xy: Any,
    circle_radius: Any,
    circle_color: Any,
    circle_alpha: Any,
) -> Any:
    if img.dtype != np.uint8:
        return NotImplemented
    F.check_rgb("sun_flare_overlay", img)
    x, single = _batch(img)
    lift = (lambda v: np.asarray(v)[None]) if single else np.asarray
    ctr, salpha = lift(center), np.asarray(lift(sun_alpha), np.float64)
    cxy, crad, ccol, calpha = lift(circle_xy), lift(circle_radius), lift(circle_color), lift(circle_alpha)
    radii = np.asarray(sun_radii, np.int64).reshape(-1)
    h, w = x.shape[1], x.shape[2]
    out = x.copy()
    for i in range(x.shape[0]):
        o = out[i]
        real = [k for k in range(cxy.shape[1]) if crad[i, k] >= 0 and calpha[i, k] > 0]
        if real:
            boxes = [(int(cxy[i, k, 0]), int(cxy[i, k, 1]), int(crad[i, k])) for k in real]
            x0 = max(0, min(cx - r for cx, _, r in boxes))
            y0 = max(0, min(cy - r for _, cy, r in boxes))
            x1 = min(w, max(cx + r for cx, _, r in boxes) + 1)
            y1 = min(h, max(cy + r for _, cy, r in boxes) + 1)
            if x0 < x1 and y0 < y1:
                reg = o[y0:y1, x0:x1]
                ov = reg.copy()
                for k, (cx, cy, r) in zip(real, boxes, strict=True):
                    cv2.circle(ov, (cx - x0, cy - y0), r, tuple(float(c) for c in ccol[i, k]), -1)
                    a = float(calpha[i, k])
                    reg[...] = cv2.addWeighted(ov, a, reg, 1.0 - a, 0.0)
        if radii.shape[0] == 0 or not np.any(salpha[i] > 0):
            continue
        cx, cy, r = int(ctr[i, 0]), int(ctr[i, 1]), int(radii[-1])
        x0, y0, x1, y1 = max(0, cx - r), max(0, cy - r), min(w, cx + r + 1), min(h, cy + r + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        t = radii.shape[0]
        level = np.full((y1 - y0, x1 - x0), t, np.int32)
        for j in range(t - 1, -1, -1):  # largest first: each pixel keeps its smallest disc
            cv2.circle(level, (cx - x0, cy - y0), int(radii[j]), j, -1)
        table = _sun_tables(salpha[i], src_color).reshape(-1)
        reg = o[y0:y1, x0:x1]
        idx = (level[..., None] * 256 + reg.astype(np.int32)) * 3 + np.arange(3, dtype=np.int32)
        reg[...] = table[idx]
    return out[0] if single else out


def _flare_layer(
    h: int, w: int, ctr: Any, src_radius: int, src_color: Any, cxy: Any, crad: Any, ccol: Any
) -> Any:
    """albumentations' physics-based flare layer (float32, 0..255) for one image."""
    layer = np.zeros((h, w, 3), np.float32)
    c = (int(ctr[0]), int(ctr[1]))
    color = tuple(float(v) for v in src_color)
    cv2.circle(layer, c, int(src_radius), color, -1)
    size = max(w, h)
    for angle in (0, 45, 90, 135):
        end = (int(c[0] + np.cos(np.radians(angle)) * size), int(c[1] + np.sin(np.radians(angle)) * size))
        cv2.line(layer, c, end, color, 2)
    for k in range(cxy.shape[0]):
        if crad[k] >= 0:
            cv2.circle(
                layer, (int(cxy[k, 0]), int(cxy[k, 1])), int(crad[k]), tuple(float(v) for v in ccol[k]), -1
            )
    layer = cv2.GaussianBlur(layer, (0, 0), sigmaX=15, sigmaY=15)
    yy, xx = np.ogrid[:h, :w]
    fade = 1 - np.clip(np.sqrt((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / (size * 0.7), 0, 1)
    layer = (layer * fade[..., None]).astype(np.float32)
    b = cv2.GaussianBlur(np.ascontiguousarray(layer[..., 0]), (0, 0), sigmaX=3, sigmaY=3)
    r = cv2.GaussianBlur(np.ascontiguousarray(layer[..., 2]), (0, 0), sigmaX=5, sigmaY=5)
    return cv2.merge([b, np.ascontiguousarray(layer[..., 1]), r])


@register(F.sun_flare_physics, "numpy_cv2")
def sun_flare_physics(
    img: np.ndarray,
    center: Any,
    src_radius: int,
    src_color: Any,
    circle_xy: Any,
    circle_radius: Any,
    circle_color: Any,
    weight: Any,
) -> Any:
    F.check_rgb("sun_flare_physics", img)
    x, single = _batch(img)
    lift = (lambda v: np.asarray(v)[None]) if single else np.asarray
    ctr, cxy, crad, ccol = lift(center), lift(circle_xy), lift(circle_radius), lift(circle_color)
    wt = np.broadcast_to(np.asarray(weight, np.float64).reshape(-1), (x.shape[0],))
    h, w = x.shape[1], x.shape[2]
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        if wt[i] == 0.0:
            out[i] = np.clip(x[i], 0.0, 1.0) if x.dtype.kind == "f" else x[i]
            continue
        layer = _flare_layer(h, w, ctr[i], src_radius, src_color, cxy[i], crad[i], ccol[i])
        if wt[i] != 1.0:
            layer = layer * np.float32(wt[i])
        if x.dtype == np.uint8:  # albumentations' screen blend, to the bit
            y = 255 - ((255 - x[i]) * (255 - layer) / 255)
            out[i] = np.clip(y, 0, 255).astype(np.uint8)
        elif x.dtype.kind == "f":
            xc = np.clip(x[i], 0.0, 1.0)
            out[i] = np.clip(xc + (1.0 - xc) * (layer * np.float32(1 / 255)), 0.0, 1.0)
        else:
            top = np.float32(np.iinfo(x.dtype).max)
            xf = x[i].astype(np.float32)
            out[i] = np.clip(np.floor(xf + (top - xf) * (layer * np.float32(1 / 255))), 0, top).astype(
                x.dtype
            )
    return out[0] if single else out


# ------------------------------------------------------------------------------- plasma shadow
@register(F.plasma_shadow, "numpy_cv2")
def plasma_shadow(img: np.ndarray, intensity: Any, seed: Any, roughness: float) -> Any:
    """The generic kernel's float32 arithmetic in fewer passes: the factor ``1 - i P`` once per
    sample, one multiply into float32 and a truncating cast (the values are >= 0: the floor)."""
    if img.dtype.kind == "f":
        return NotImplemented  # float32: the generic's clipping rules
    x, single = _batch(img)
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    fields = F.plasma_fields(img, np.asarray(seed, np.uint64).reshape(-1), h, w, float(roughness))
    inten = np.broadcast_to(np.asarray(intensity, np.float32).reshape(-1), (n,))
    out = np.empty_like(x)
    for i in range(n):
        factor = np.float32(1.0) - fields[i if fields.shape[0] > 1 else 0] * inten[i]
        np.multiply(x[i], factor[..., None], out=out[i], casting="unsafe", dtype=np.float32)
    return out[0] if single else out
