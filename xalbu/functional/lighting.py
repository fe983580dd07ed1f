"""Lighting kernels: polygon shadows, plasma shadows, sun flares and lens flares (the lighting family).

The geometry is drawn on the host (polygon vertices, circle centres and radii); the kernels raster
it the way OpenCV does, so they give ``cv2.fillPoly`` / ``cv2.circle``'s pixels exactly:

- a filled polygon (``cv2.fillPoly``, 8-connected, no sub-pixel shift) is the union of its outline
  and its interior. The outline: each edge drawn from its left end with Bresenham steps, the
  minor coordinate after ``k`` major steps being ``floor((2 d_minor k + d_major - 1) / (2 d_major))``.
  The interior, row by row: each non-horizontal edge, active on ``[y_top, y_bottom)``, crosses row
  ``y`` at ``X = x_top 2^16 + (y - y_top) trunc((x_b - x_a) 2^16 / (y_b - y_a))`` (16-bit fixed
  point); the sorted crossings pair up into spans ``[X_0, X_1], [X_2, X_3], ...``: a pixel ``x`` is
  inside when an odd count lies between ``#{X < x 2^16}`` and ``#{X <= x 2^16}``.
- a filled circle of radius ``r`` (``cv2.circle``, thickness -1) covers ``|x - c_x| <= w_r(|y - c_y|)``
  with ``w_r`` the half-widths of the midpoint-circle walk (:func:`circle_half_widths`).

Parameters: scalars / ``(K, ...)`` host arrays for one image (HWC), ``(N, ...)`` leading for a
batch (NHWC), padded per sample with identity entries (zero intensity, zero alpha).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._filter import convolve_separable, gaussian_taps
from xalbu.functional._plasma import plasma_fields
from xalbu.functional._utils import clip, is_float, max_value, namespace

SHIFT = 16  # OpenCV's fixed-point bits for polygon edges
_DIAG, _HALF_DIAG = math.sqrt(2.0) + 1e-4, math.sqrt(0.5) + 1e-4


# ------------------------------------------------------------------------------- raster helpers
@functools.lru_cache(maxsize=512)
def circle_half_widths(radius: int) -> np.ndarray:
    """Half-widths ``w[k]`` (``k = 0..r``) of OpenCV's filled circle of radius ``r``: row ``c_y +- k``
    covers ``[c_x - w[k], c_x + w[k]]`` (the midpoint walk of ``cv2.circle``).

    >>> circle_half_widths(3).tolist()
    [3, 2, 2, 0]
    """
    hw = np.full(radius + 1, -1, np.int64)
    err, dx, dy, plus, minus = 0, radius, 0, 1, 2 * radius - 1
    while dx >= dy:
        hw[dy] = max(hw[dy], dx)
        hw[dx] = max(hw[dx], dy)
        dy += 1
        err += plus
        plus += 2
        mask = -1 if err > 0 else 0
        err -= minus & mask
        dx += mask
        minus -= mask & 2
    hw.flags.writeable = False
    return hw


def _axes(xp: Any, like: Any, h: int, w: int) -> tuple[Any, Any]:
    dev = device(like)
    yy = xp.reshape(xp.arange(h, dtype=xp.int64, device=dev), (1, h, 1))
    xx = xp.reshape(xp.arange(w, dtype=xp.int64, device=dev), (1, 1, w))
    return yy, xx


def _col(xp: Any, like: Any, v: Any, dtype: Any = None) -> Any:
    """A host ``(N,)`` array as ``(N, 1, 1)`` on ``like``'s device."""
    arr = np.asarray(v)
    out = xp.asarray(arr, dtype=dtype if dtype is not None else xp.int64, device=device(like))
    return xp.reshape(out, (arr.shape[0], 1, 1))


def disks(xp: Any, like: Any, cx: Any, cy: Any, radius: Any, h: int, w: int) -> Any:
    """``(N, h, w)`` bool: OpenCV's filled circles, one per row of the host ``(N,)`` arrays (a
    negative radius draws nothing)."""
    cx, cy, radius = (np.asarray(v, np.int64).reshape(-1) for v in (cx, cy, radius))
    n, top = cx.shape[0], max(int(radius.max(initial=0)), 0)
    table = np.full((n, top + 2), -1, np.int64)  # the last column: rows beyond the radius
    for r in np.unique(radius[radius >= 0]).tolist():  # one table per distinct radius
        table[radius == r, : r + 1] = circle_half_widths(int(r))
    rows = np.abs(np.arange(h, dtype=np.int64)[None, :] - cy[:, None])  # (N, h): host, tiny
    rows = np.where(rows <= radius[:, None], rows, top + 1)
    lim = np.take_along_axis(table, rows, axis=1)  # (N, h)
    lim = xp.reshape(xp.asarray(lim, device=device(like)), (n, h, 1))
    _, xx = _axes(xp, like, h, w)
    return xp.abs(xx - _col(xp, like, cx)) <= lim


def polygons(xp: Any, like: Any, verts: Any, h: int, w: int) -> Any:
    """``(N, h, w)`` bool: ``cv2.fillPoly`` of each ``(V, 2)`` integer polygon of the host ``(N, V, 2)``
    array (vertices inside the image), outline and interior, by the rules in the module docstring.
    One pass per vertex index, every polygon at once."""
    v = np.asarray(verts, np.int64)
    n, nv = v.shape[0], v.shape[1]
    yy, xx = _axes(xp, like, h, w)
    p = xx * (1 << SHIFT)
    c_lt = xp.zeros((n, h, w), dtype=xp.int32, device=device(like))
    c_le = xp.zeros((n, h, w), dtype=xp.int32, device=device(like))
    outline = xp.zeros((n, h, w), dtype=xp.bool, device=device(like))
    for i in range(nv):
        x0, y0, x1, y1 = v[:, i - 1, 0], v[:, i - 1, 1], v[:, i, 0], v[:, i, 1]
        outline = outline | _segments(xp, like, x0, y0, x1, y1, yy, xx)
        down = y0 < y1
        xt, yt, yb = np.where(down, x0, x1), np.minimum(y0, y1), np.maximum(y0, y1)
        num, den = (x1 - x0) << SHIFT, np.where(y1 == y0, 1, y1 - y0)
        step = np.sign(num) * np.sign(den) * (np.abs(num) // np.abs(den))  # C's truncating division
        x_row = _col(xp, like, xt << SHIFT) + (yy - _col(xp, like, yt)) * _col(xp, like, step)
        active = (yy >= _col(xp, like, yt)) & (yy < _col(xp, like, np.where(y0 == y1, yt, yb)))
        c_lt = c_lt + xp.astype(active & (x_row < p), xp.int32)
        c_le = c_le + xp.astype(active & (x_row <= p), xp.int32)
    return outline | (c_lt % 2 == 1) | (c_le > c_lt)


def _segments(xp: Any, like: Any, x0: Any, y0: Any, x1: Any, y1: Any, yy: Any, xx: Any) -> Any:
    """``(N, h, w)`` bool: the 8-connected segments of ``cv2.line`` (thickness 1), ends inside."""
    swap = x1 < x0
    ax, ay = np.where(swap, x1, x0), np.where(swap, y1, y0)
    bx, by = np.where(swap, x0, x1), np.where(swap, y0, y1)
    dx, dy = bx - ax, np.abs(by - ay)
    sy = np.where(by < ay, -1, 1)
    steep = dy > dx
    major, minor = np.where(steep, dy, dx), np.where(steep, dx, dy)
    ax_, ay_, sy_ = _col(xp, like, ax), _col(xp, like, ay), _col(xp, like, sy)
    st, mj, mn = _col(xp, like, steep, xp.bool), _col(xp, like, major), _col(xp, like, minor)
    k = xp.where(st, (yy - ay_) * sy_, xx - ax_)
    ok = (k >= 0) & (k <= mj)
    m = (2 * mn * xp.maximum(k, 0) + xp.maximum(mj - 1, 0)) // xp.maximum(2 * mj, 1)
    return ok & xp.where(st, xx == ax_ + m, yy == ay_ + sy_ * m)


def _batched(img: Any) -> tuple[Any, bool]:
    return (img[None, ...], True) if img.ndim == 3 else (img, False)


def _host(v: Any, single: bool, tail: int) -> np.ndarray:
    """A host parameter with a leading sample axis (added for one image); ``tail``: its own axes."""
    a = np.asarray(v)
    return a[None, ...] if single or a.ndim == tail else a


def _start(xp: Any, x: Any, dt: Any) -> Any:
    """The working copy in ``dt``: float images clipped to [0, 1] first (``inf`` -> 1, ``-inf`` -> 0,
    NaN kept), so that no ``0 * inf`` makes a NaN of a saturating pixel."""
    out = xp.astype(x, dt)
    return clip(xp, out, 0.0, 1.0) if is_float(xp, x.dtype) else out


def _finish(xp: Any, out: Any, dtype: Any, single: bool, floor: bool = False) -> Any:
    if is_float(xp, dtype):
        out = xp.astype(clip(xp, out, 0.0, 1.0), dtype)
    else:
        out = xp.round(out) if not floor else xp.floor(out)
        out = xp.astype(clip(xp, out, 0.0, max_value(xp, dtype)), dtype)
    return out[0, ...] if single else out


def check_rgb(name: str, img: Any) -> None:
    """Sun flares need RGB images: a clear error naming ``image`` and its channels otherwise."""
    c = int(img.shape[-1])
    if c != 3:
        raise ValueError(f"{name}: image must have 3 channels (RGB), got {c} channel{'s' * (c != 1)}")


# ------------------------------------------------------------------------------------- shadows
@kernel
def polygon_shadows(img: Any, vertices: Any, intensities: Any, /) -> Any:
    """Darken the pixels of each polygon: ``x <- x (1 - a)`` per shadow, shadows in order, where
    ``cv2.fillPoly`` would paint (outline included). Integers are floored after each shadow (as
    albumentations' ``add_shadow``), floats clipped to [0, 1].

    ``vertices``: ``(S, V, 2)`` integer ``x, y`` inside the image (``(N, S, V, 2)`` for a batch);
    ``intensities``: ``(S,)`` (``(N, S)``), 0 for padding. Example: a triangle ``(0, 0), (2, 0),
    (0, 2)`` at 0.5 on a 3 x 3 uint8 image of 101: ``50`` on the six pixels ``x + y <= 2``.
    """
    xp = namespace(img)
    x, single = _batched(img)
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    verts = _host(vertices, single, 3).astype(np.int64)
    inten = _host(intensities, single, 1).astype(np.float64)
    s = verts.shape[1]
    if s == 0:
        return img
    masks = polygons(xp, img, verts.reshape(n * s, verts.shape[2], 2), h, w)
    masks = xp.reshape(masks, (n, s, h, w, 1))
    fl = is_float(xp, img.dtype)
    out = _start(xp, x, xp.float32 if fl else xp.float64)
    for j in range(s):
        dark = xp.reshape(xp.asarray(1.0 - inten[:, j], dtype=out.dtype, device=device(img)), (n, 1, 1, 1))
        shaded = out * dark if fl else xp.floor(out * dark)
        out = xp.where(masks[:, j, ...], shaded, out)
    return _finish(xp, out, img.dtype, single)


@kernel
def plasma_shadow(img: Any, intensity: Any, seed: Any, roughness: float, /) -> Any:
    """``x (1 - i P)`` with ``P`` a plasma field in [0, 1] (one per ``seed``, see
    :func:`~xalbu.functional._plasma.plasma_fields`), in float32; integers floored (as albumentations'
    ``apply_plasma_shadow`` and its cast), floats clipped to [0, 1]. ``i = 0`` is the identity.
    Example: a 1 x 2 uint8 image of 100 with ``i = 0.5``: the field is ``[0, 1]`` or ``[1, 0]``, so
    ``50`` and ``100``.
    """
    xp = namespace(img)
    x, single = _batched(img)
    h, w = x.shape[1], x.shape[2]
    field = plasma_fields(img, np.asarray(seed, np.uint64).reshape(-1), h, w, float(roughness))[..., None]
    i = xp.reshape(
        xp.asarray(np.asarray(intensity, np.float32).reshape(-1), device=device(img)), (-1, 1, 1, 1)
    )
    out = _start(xp, x, xp.float32) * (1.0 - field * i)
    return _finish(xp, out, img.dtype, single, floor=True)


# ----------------------------------------------------------------------------------- sun flares
def _wsum(xp: Any, a: Any, x: Any, b: Any, y: Any, integer: bool) -> Any:
    """``a x + b y`` as albumentations' ``add_weighted`` computes it (float32 weights, one rounding
    to float32, then half-to-even for integers), in float64 for integers."""
    if not integer:
        return a * x + b * y
    by = xp.astype(xp.astype(b * y, xp.float32), xp.float64)
    return xp.round(xp.astype(xp.astype(a * x + by, xp.float32), xp.float64))


def _weights(xp: Any, like: Any, alpha: np.ndarray, dt: Any) -> tuple[Any, Any]:
    """``(N,)`` host alphas as ``(N, 1, 1, 1)`` float32-rounded ``alpha`` and ``1 - alpha``."""
    a32 = np.asarray(alpha, np.float64).astype(np.float32)
    b32 = (1.0 - np.asarray(alpha, np.float64)).astype(np.float32)
    a = xp.reshape(xp.asarray(a32.astype(np.float64), dtype=dt, device=device(like)), (-1, 1, 1, 1))
    b = xp.reshape(xp.asarray(b32.astype(np.float64), dtype=dt, device=device(like)), (-1, 1, 1, 1))
    return a, b


def _colors(xp: Any, like: Any, color: np.ndarray, scale: float, dt: Any) -> Any:
    """``(N, 3)`` 0..255 host colours in the image's levels, ``(N, 1, 1, 3)``."""
    c = np.asarray(color, np.float64).reshape(-1, 3) * scale
    return xp.reshape(xp.asarray(c, dtype=dt, device=device(like)), (-1, 1, 1, 3))


@kernel
def sun_flare_overlay(
    img: Any,
    center: Any,
    src_color: Sequence[float],
    sun_radii: Any,
    sun_alpha: Any,
    circle_xy: Any,
    circle_radius: Any,
    circle_color: Any,
    circle_alpha: Any,
    /,
) -> Any:
    """albumentations' overlay sun flare: flare circles, then a sun of concentric discs.

    The circles, in order: each is painted (colour ``circle_color``, 0..255) on an overlay that
    keeps every earlier circle, and the whole image becomes ``a_k overlay + (1 - a_k) image``. The
    sun: discs of ``sun_radii`` (growing) in ``src_color`` painted on a copy of that result, the
    image blended with it after each disc at ``sun_alpha[i]``. Colours scale to the image's levels
    (``/ 255`` for float32, ``* 257`` for uint16); integers are rounded after each blend (as
    albumentations' ``add_weighted``), floats clipped to [0, 1].

    ``center``: ``(2,)`` integer ``x, y`` (``(N, 2)``); ``sun_radii``: ``(T,)`` integers shared by
    the batch; ``sun_alpha``: ``(T,)`` (``(N, T)``); circles ``(K, 2)``, ``(K,)``, ``(K, 3)``,
    ``(K,)`` (``(N, K, ...)``, padded at the end with alpha 0). Example: one 1 x 1 uint8 pixel of 0,
    no circles, one sun disc of radius 1 in white at alpha 0.5: ``128`` (127.5, half to even).
    """
    xp = namespace(img)
    check_rgb("sun_flare_overlay", img)
    x, single = _batched(img)
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    integer = not is_float(xp, img.dtype)
    dt = xp.float64 if integer else xp.float32
    scale = max_value(xp, img.dtype) / 255.0
    top = max_value(xp, img.dtype)
    cxy = _host(circle_xy, single, 2).astype(np.int64)
    crad = _host(circle_radius, single, 1).astype(np.int64)
    ccol = _host(circle_color, single, 2).astype(np.float64)
    calpha = _host(circle_alpha, single, 1).astype(np.float64)
    out = _start(xp, x, dt)
    overlay, painted = out, None
    for k in range(cxy.shape[1]):
        inside = disks(xp, img, cxy[:, k, 0], cxy[:, k, 1], crad[:, k], h, w)[..., None]
        painted = inside if painted is None else painted | inside
        overlay = xp.where(inside, _colors(xp, img, ccol[:, k], scale, dt), overlay)
        a, b = _weights(xp, img, calpha[:, k], dt)
        out = xp.where(painted, _clip_levels(xp, _wsum(xp, a, overlay, b, out, integer), top), out)
    ctr = _host(center, single, 1).astype(np.int64)
    salpha = _host(sun_alpha, single, 1).astype(np.float64)
    sun = _colors(xp, img, np.broadcast_to(np.asarray(src_color, np.float64), (n, 3)), scale, dt)
    radii = np.asarray(sun_radii, np.int64).reshape(-1)
    overlay = out
    for i in range(radii.shape[0]):
        inside = disks(xp, img, ctr[:, 0], ctr[:, 1], np.full(n, radii[i]), h, w)[..., None]
        overlay = xp.where(inside, sun, overlay)
        a, b = _weights(xp, img, salpha[:, i], dt)
        # the discs grow: the painted pixels are those of the last one
        out = xp.where(inside, _clip_levels(xp, _wsum(xp, a, overlay, b, out, integer), top), out)
    return _finish(xp, out, img.dtype, single)


def _clip_levels(xp: Any, x: Any, top: float) -> Any:
    return clip(xp, x, 0.0, float(top))


def _rays(xp: Any, like: Any, ctr: np.ndarray, h: int, w: int) -> Any:
    """``(N, h, w)`` bool: the four diffraction spikes of ``cv2.line(..., thickness=2)`` from the
    sun, ``max(h, w)`` long at 0, 45, 90 and 135 degrees. The straight ones: pixels within 1 of the
    segment; the diagonal ones: within ``sqrt(2)`` of it, from ``1 / sqrt(2)`` before the sun to as
    far past its end: OpenCV's pixels exactly for a 45-degree ray, up to a few pixels where the
    truncated end point bends it (below a level once blurred)."""
    yy, xx = _axes(xp, like, h, w)
    size = max(w, h)
    cx, cy = _col(xp, like, ctr[:, 0]), _col(xp, like, ctr[:, 1])
    u, v = xx - cx, yy - cy
    out = xp.zeros((ctr.shape[0], h, w), dtype=xp.bool, device=device(like))
    for deg, (su, sv) in ((0, (1, 0)), (90, (0, 1)), (45, (1, 1)), (135, (-1, 1))):
        ex = np.trunc(ctr[:, 0] + math.cos(math.radians(deg)) * size).astype(np.int64) - ctr[:, 0]
        ey = np.trunc(ctr[:, 1] + math.sin(math.radians(deg)) * size).astype(np.int64) - ctr[:, 1]
        length = _col(xp, like, np.maximum(np.abs(ex), np.abs(ey)))
        a, b = u * su, v * sv
        if su == 0 or sv == 0:
            along, across = (a, v) if sv == 0 else (b, u)
            body = (along >= 0) & (along <= length) & (xp.abs(across) <= 1)
            caps = (across == 0) & ((along == -1) | (along == length + 1))
            out = out | body | caps
        else:  # a band sqrt(2) wide each side, from 1/sqrt(2) before the sun to as far past the end
            norm = np.maximum(np.hypot(ex, ey), 1.0)
            fx, fy = _col(xp, like, ex / norm, xp.float32), _col(xp, like, ey / norm, xp.float32)
            fu, fv = xp.astype(u, xp.float32), xp.astype(v, xp.float32)
            along, across = fu * fx + fv * fy, xp.abs(fu * fy - fv * fx)
            reach = _col(xp, like, norm + _HALF_DIAG, xp.float32)
            out = out | ((across <= _DIAG) & (along >= -_HALF_DIAG) & (along <= reach))
    return out


@kernel
def sun_flare_physics(
    img: Any,
    center: Any,
    src_radius: int,
    src_color: Sequence[float],
    circle_xy: Any,
    circle_radius: Any,
    circle_color: Any,
    weight: Any,
    /,
) -> Any:
    """albumentations' physics-based sun flare: a flare layer ``F`` (0..255) holds the sun (a disc of
    ``src_radius`` in ``src_color``), four 2-pixel spikes from it (0, 45, 90, 135 degrees) and the
    flare circles; it is Gaussian-blurred (sigma 15, OpenCV's 121 taps, reflected borders), faded
    by ``1 - min(d / (0.7 max(H, W)), 1)`` with ``d`` the distance to the sun, its channel 0 blurred
    again with sigma 3 and channel 2 with sigma 5 (chromatic aberration), and screened onto the
    image: ``y = x + (M - x) w F / 255`` (``M - (M - x)(255 - F) / 255`` with ``M`` the dtype's max,
    ``w`` the per-sample ``weight``, 0: the identity). Integers truncated (as albumentations), floats clipped to [0, 1].

    ``center``: ``(2,)`` (``(N, 2)``); circles ``(K, 2)``, ``(K,)`` radii (negative: none) and
    ``(K, 3)`` colours (``(N, K, ...)``). The spikes are pixels within 1 of each segment, OpenCV's
    2-wide lines up to their edge pixels (below a level after the blur). Example: a black 1 x 1
    image under a white sun: ``F = 255`` everywhere before the fade, which is 1 at the sun: ``255``.
    """
    xp = namespace(img)
    check_rgb("sun_flare_physics", img)
    x, single = _batched(img)
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    ctr = _host(center, single, 1).astype(np.int64)
    cxy = _host(circle_xy, single, 2).astype(np.int64)
    crad = _host(circle_radius, single, 1).astype(np.int64)
    ccol = _host(circle_color, single, 2).astype(np.float64)
    unit = 1.0 / 255.0
    src = np.broadcast_to(np.asarray(src_color, np.float64), (n, 3))
    layer = xp.zeros((n, h, w, 3), dtype=xp.float32, device=device(img))
    sun = disks(xp, img, ctr[:, 0], ctr[:, 1], np.full(n, int(src_radius)), h, w) | _rays(xp, img, ctr, h, w)
    layer = xp.where(sun[..., None], _colors(xp, img, src, unit, xp.float32), layer)
    for k in range(cxy.shape[1]):
        inside = disks(xp, img, cxy[:, k, 0], cxy[:, k, 1], crad[:, k], h, w)[..., None]
        layer = xp.where(inside, _colors(xp, img, ccol[:, k], unit, xp.float32), layer)
    taps = gaussian_taps(121, 15.0)
    layer = convolve_separable(layer, taps, taps)
    yy, xx = _axes(xp, img, h, w)
    fx = xp.astype(xx - _col(xp, img, ctr[:, 0]), xp.float32)
    fy = xp.astype(yy - _col(xp, img, ctr[:, 1]), xp.float32)
    fade = 1.0 - clip(xp, xp.sqrt(fx * fx + fy * fy) / (max(w, h) * 0.7), 0.0, 1.0)
    layer = layer * fade[..., None]
    t3, t5 = gaussian_taps(25, 3.0), gaussian_taps(41, 5.0)
    c0 = convolve_separable(layer[..., 0:1], t3, t3)
    c2 = convolve_separable(layer[..., 2:3], t5, t5)
    layer = xp.concat([c0, layer[..., 1:2], c2], axis=-1)
    wt = xp.reshape(xp.asarray(np.asarray(weight, np.float32).reshape(-1), device=device(img)), (-1, 1, 1, 1))
    top = max_value(xp, img.dtype)
    xf = _start(xp, x, xp.float32)
    return _finish(xp, xf + (top - xf) * (layer * wt), img.dtype, single, floor=True)


# ----------------------------------------------------------------------------------- lens flare
def clip_ray_ends(x0: Any, y0: Any, x1: Any, y1: Any, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """The end ``(x1, y1)`` of segments starting inside an ``h x w`` image moved onto its border
    as ``cv2.clipLine`` does (integer steps: first onto the top or bottom row, then onto the
    first or last column, each along the segment with a truncated ``double`` quotient); ends
    inside are kept. ``cv2.line`` draws the Bresenham segment between the clipped ends.

    >>> [v.tolist() for v in clip_ray_ends([2], [2], [12], [7], 5, 5)]
    [[4], [3]]
    """
    x0, y0, x1, y1 = (np.asarray(v, np.int64) for v in (x0, y0, x1, y1))
    out_y = (y1 < 0) | (y1 > h - 1)
    edge = np.where(y1 < 0, 0, h - 1)
    dy = np.where(y1 == y0, 1, y1 - y0)
    moved = x1 + np.trunc((edge - y1).astype(np.float64) * (x1 - x0) / dy).astype(np.int64)
    x1, y1 = np.where(out_y, moved, x1), np.where(out_y, edge, y1)
    out_x = (x1 < 0) | (x1 > w - 1)
    edge = np.where(x1 < 0, 0, w - 1)
    dx = np.where(x1 == x0, 1, x1 - x0)
    moved = y1 + np.trunc((edge - x1).astype(np.float64) * (y1 - y0) / dx).astype(np.int64)
    return np.where(out_x, edge, x1), np.where(out_x, moved, y1)


def ghost_ksize(radius: Any) -> np.ndarray:
    """The Gaussian kernel size that softens a ghost disc: ``max(3, r | 1)`` past radius 2, else 1
    (no blur). ``ghost_ksize([2, 3, 4]).tolist() == [1, 3, 5]``."""
    r = np.asarray(radius, np.int64)
    return np.where(r > 2, np.maximum(3, r | 1), 1)


@kernel
def lens_flare(
    img: Any, rays: Any, intensity: Any, bloom: Any, ghost_xy: Any, ghost_radius: Any, ghost_alpha: Any, /
) -> Any:
    """A lens flare added to every channel: ``y = x + M F`` (``M`` the dtype's max, 1 for float32).

    The flare layer ``F`` (float32): the starburst (every pixel of the 1-pixel segments ``rays``,
    as ``cv2.line`` draws them, set to ``intensity``) blurred by OpenCV's Gaussian of size
    ``bloom`` (sigma from the size, reflected borders); then each ghost, a disc of ``ghost_radius``
    (``cv2.circle``) blurred by :func:`ghost_ksize`, added at ``ghost_alpha``; ``F`` clipped to
    [0, 1]. The sum is float32: integers truncated and saturated (as AlbumentationsX), floats
    clipped to [0, 1]. ``intensity = 0`` with zero ghost alphas is the identity.

    ``rays``: ``(R, 4)`` integer ``x0, y0, x1, y1`` inside the image (``clip_ray_ends``), repeated
    rays for padding; ``intensity``, ``bloom``: scalars; ghosts ``(G, 2)``, ``(G,)``, ``(G,)``
    (radius -1 and alpha 0 for padding); ``(N, ...)`` leading for a batch. Example: a 1 x 1 uint8
    image of 10, one ray on it at 0.5, ``bloom = 1``, no ghost: ``10 + 127.5 -> 137``.
    """
    xp = namespace(img)
    x, single = _batched(img)
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    seg = _host(rays, single, 2).astype(np.int64)
    inten = np.broadcast_to(np.asarray(intensity, np.float32).reshape(-1), (n,))
    ksize = np.broadcast_to(np.asarray(bloom, np.int64).reshape(-1), (n,))
    gxy = _host(ghost_xy, single, 2).astype(np.int64)
    grad = _host(ghost_radius, single, 1).astype(np.int64)
    galpha = _host(ghost_alpha, single, 1).astype(np.float32)
    yy, xx = _axes(xp, img, h, w)
    star = xp.zeros((n, h, w), dtype=xp.bool, device=device(img))
    for r in range(seg.shape[1]):
        star = star | _segments(xp, img, seg[:, r, 0], seg[:, r, 1], seg[:, r, 2], seg[:, r, 3], yy, xx)
    value = xp.reshape(xp.asarray(inten, device=device(img)), (n, 1, 1))
    layer = xp.where(star, value, xp.zeros_like(value))[..., None]  # (N, H, W, 1)
    taps = gaussian_taps(ksize, np.zeros(n)) if n > 1 else gaussian_taps(int(ksize[0]), 0.0)
    layer = convolve_separable(layer, taps, taps)
    for g in range(gxy.shape[1]):
        disc = disks(xp, img, gxy[:, g, 0], gxy[:, g, 1], grad[:, g], h, w)
        disc = xp.astype(disc, xp.float32)[..., None]
        k = ghost_ksize(grad[:, g])
        if np.any(k > 1):
            gt = gaussian_taps(k, np.zeros(n)) if n > 1 else gaussian_taps(int(k[0]), 0.0)
            disc = convolve_separable(disc, gt, gt)
        alpha = xp.reshape(xp.asarray(galpha[:, g], device=device(img)), (n, 1, 1, 1))
        layer = layer + disc * alpha
    layer = xp.minimum(xp.maximum(layer, 0.0), 1.0)
    top = max_value(xp, img.dtype)
    out = _start(xp, x, xp.float32) + (layer * float(top) if top != 1 else layer)
    return _finish(xp, out, img.dtype, single, floor=True)


__all__: Sequence[str] = (
    "lens_flare",
    "plasma_shadow",
    "polygon_shadows",
    "sun_flare_overlay",
    "sun_flare_physics",
)
