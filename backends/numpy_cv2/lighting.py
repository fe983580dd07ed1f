"""OpenCV / NumPy overrides of the lighting kernels (:mod:`xalbu.functional.lighting`).

- ``polygon_shadows``: ``cv2.fillPoly`` per polygon in its bounding box, the darkening of uint8 as
  a lookup table (``floor(v (1 - a))`` in float64), copied in under the polygon: exact.
- ``sun_flare_overlay`` (uint8): ``cv2.circle`` and ``cv2.addWeighted`` over the circles' box
  (OpenCV's float32 rounding: within 1 level of the generic kernel's and albumentations'); the sun
  as one lookup: the discs are nested, so a pixel's result depends only on its value and the
  smallest disc holding it (a level map drawn with ``cv2.circle``), the blends precomputed for
  every level and value with albumentations' rounding: exact. Other dtypes: the generic kernel.
- ``sun_flare_physics``: albumentations' OpenCV steps (the flare layer, its blurs and fade) on
  every dtype, in per-thread scratch buffers; uint8 screened as albumentations does (exact),
  others in their own levels.
- ``lens_flare``: AlbumentationsX's OpenCV steps (``cv2.line``, ``cv2.GaussianBlur``), each ghost
  drawn and blurred in its own box, the sum in float32: exact.
- ``plasma_shadow`` (integers): the factor ``1 - i P`` spread over the channels and one
  ``cv2.multiply`` into a scratch buffer: exact.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import lighting as F

from ._cv import _scratch, spread_channels


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
    """albumentations' physics-based flare layer (float32, 0..255) for one image, its arithmetic
    step for step (the fade in float64, the faded layer rounded to float32) in per-thread scratch
    buffers: a per-thread buffer, valid until the next call."""
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    layer = _scratch("sunflare_layer", (h, w, 3), f32)
    layer.fill(0.0)
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
    blurred = cv2.GaussianBlur(
        layer, (0, 0), sigmaX=15, sigmaY=15, dst=_scratch("sunflare_blur", (h, w, 3), f32)
    )
    # fade = 1 - clip(sqrt(dx^2 + dy^2) / (0.7 size), 0, 1): squares exact in float64, then as albumentations
    fade = _scratch("sunflare_fade", (h, w), f64)
    dy2 = (np.arange(h, dtype=np.float64) - c[1]) ** 2
    dx2 = (np.arange(w, dtype=np.float64) - c[0]) ** 2
    np.add(dx2[None, :], dy2[:, None], out=fade)
    np.sqrt(fade, out=fade)
    np.divide(fade, size * 0.7, out=fade)
    np.clip(fade, 0, 1, out=fade)
    np.subtract(1, fade, out=fade)
    prod = np.multiply(blurred, fade[..., None], out=_scratch("sunflare_prod", (h, w, 3), f64))
    np.copyto(layer, prod, casting="same_kind")  # the float64 product rounded to float32
    chans = [cv2.extractChannel(layer, j, dst=_scratch(f"sunflare_c{j}", (h, w), f32)) for j in range(3)]
    b = cv2.GaussianBlur(chans[0], (0, 0), sigmaX=3, sigmaY=3, dst=_scratch("sunflare_b", (h, w), f32))
    r = cv2.GaussianBlur(chans[2], (0, 0), sigmaX=5, sigmaY=5, dst=_scratch("sunflare_r", (h, w), f32))
    return cv2.merge([b, chans[1], r], dst=layer)


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
        if x.dtype == np.uint8:  # albumentations' screen blend 255 - (255 - x)(255 - F) / 255, to the bit
            inv = np.subtract(np.float32(255), layer, out=_scratch("sunflare_inv", layer.shape, layer.dtype))
            y = cv2.multiply(cv2.bitwise_not(np.ascontiguousarray(x[i])), inv, dtype=cv2.CV_32F, dst=inv)
            np.divide(y, np.float32(255), out=y)
            np.subtract(np.float32(255), y, out=y)
            np.clip(y, 0, 255, out=y)
            np.copyto(out[i], y, casting="unsafe")
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


# ----------------------------------------------------------------------------------- lens flare
def _flare_layer_lens(h: int, w: int, seg: Any, a: float, k: int, gxy: Any, grad: Any, galpha: Any) -> Any:
    """AlbumentationsX's lens-flare layer (float32, clipped to [0, 1]) for one image: the rays with
    ``cv2.line`` (OpenCV draws float32 anti-aliased lines 8-connected), the bloom blur, and each
    ghost drawn and blurred in its own box (the box reaches half a kernel past the disc, so its
    reflected borders read zeros, as the whole image's do: the same values)."""
    layer = np.zeros((h, w), np.float32)
    for x0, y0, x1, y1 in np.asarray(seg).tolist():
        cv2.line(layer, (x0, y0), (x1, y1), float(a), 1)
    layer = cv2.GaussianBlur(layer, (k, k), 0)
    ks = F.ghost_ksize(grad)
    for (cx, cy), r, al, gk in zip(
        np.asarray(gxy).tolist(), grad.tolist(), galpha.tolist(), ks.tolist(), strict=True
    ):
        if r < 0 or al == 0.0:
            continue
        m = r + gk // 2 + 1
        x0, y0, x1, y1 = max(0, cx - m), max(0, cy - m), min(w, cx + m + 1), min(h, cy + m + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        ghost = np.zeros((y1 - y0, x1 - x0), np.float32)
        cv2.circle(ghost, (cx - x0, cy - y0), r, 1.0, -1)
        if gk > 1:
            ghost = cv2.GaussianBlur(ghost, (gk, gk), 0)
        ghost *= np.float32(al)
        layer[y0:y1, x0:x1] += ghost
    return np.clip(layer, 0.0, 1.0, out=layer)


@register(F.lens_flare, "numpy_cv2")
def lens_flare(
    img: np.ndarray, rays: Any, intensity: Any, bloom: Any, ghost_xy: Any, ghost_radius: Any, ghost_alpha: Any
) -> Any:
    x, single = _batch(img)
    n, h, w, c = x.shape
    lift = (lambda v: np.asarray(v)[None]) if single else np.asarray
    seg, gxy = lift(rays), lift(ghost_xy)
    grad, galpha = np.asarray(lift(ghost_radius), np.int64), np.asarray(lift(ghost_alpha), np.float32)
    inten = np.broadcast_to(np.asarray(intensity, np.float32).reshape(-1), (n,))
    ksize = np.broadcast_to(np.asarray(bloom, np.int64).reshape(-1), (n,))
    fl = x.dtype.kind == "f"
    top = np.float32(1.0 if fl else np.iinfo(x.dtype).max)
    out = np.empty_like(x)
    f32 = np.dtype(np.float32)
    for i in range(n):
        if inten[i] == 0.0 and not np.any(galpha[i]):
            out[i] = np.clip(x[i], 0.0, 1.0) if fl else x[i]
            continue
        layer = _flare_layer_lens(h, w, seg[i], float(inten[i]), int(ksize[i]), gxy[i], grad[i], galpha[i])
        if not fl:
            layer *= top
        spread = spread_channels(layer, c, "flare_spread")
        if fl:
            total = np.add(
                np.clip(x[i], 0.0, 1.0), spread.reshape(h, w, c), out=_scratch("flare_sum", (h, w, c), f32)
            )
            np.clip(total, 0.0, 1.0, out=out[i])
        else:
            src = np.ascontiguousarray(x[i])
            total = cv2.add(src, spread, dtype=cv2.CV_32F, dst=_scratch("flare_sum", (h, w, c), f32))
            np.minimum(total, top, out=total)  # >= 0: the cast truncates, as AlbumentationsX's
            np.copyto(out[i], total.reshape(h, w, c), casting="unsafe")
    return out[0] if single else out


# ------------------------------------------------------------------------------- plasma shadow
@register(F.plasma_shadow, "numpy_cv2")
def plasma_shadow(img: np.ndarray, intensity: Any, seed: Any, roughness: float) -> Any:
    """The generic kernel's float32 arithmetic in fewer passes: the factor ``1 - i P`` once per
    sample (repeated per channel with ``cv2.merge``), one ``cv2.multiply`` into float32 (the same
    float32 products) and a truncating cast (the values are >= 0: the floor)."""
    if img.dtype.kind == "f":
        return NotImplemented  # float32: the generic's clipping rules
    x, single = _batch(img)
    n, h, w, c = x.shape
    fields = F.plasma_fields(img, np.asarray(seed, np.uint64).reshape(-1), h, w, float(roughness))
    inten = np.broadcast_to(np.asarray(intensity, np.float32).reshape(-1), (n,))
    out = np.empty_like(x)
    f32 = np.dtype(np.float32)
    for i in range(n):
        field = fields[i if fields.shape[0] > 1 else 0]
        factor = np.multiply(field, -inten[i], out=_scratch("plasma_factor", (h, w), f32))
        factor += np.float32(1.0)  # 1 - i P: the generic's float32 value (x - y is x + (-y))
        if c <= 4:
            spread = spread_channels(factor, c, "plasma_spread")
            src = np.ascontiguousarray(x[i])
            prod = cv2.multiply(src, spread, dtype=cv2.CV_32F, dst=_scratch("plasma_prod", (h, w, c), f32))
            np.copyto(out[i], prod.reshape(h, w, c), casting="unsafe")
        else:
            np.multiply(x[i], factor[..., None], out=out[i], casting="unsafe", dtype=np.float32)
    return out[0] if single else out
