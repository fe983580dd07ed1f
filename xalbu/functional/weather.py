"""Generic weather kernels over array-API arrays (see :mod:`xalbu.transforms.weather`).

Every kernel takes an image HWC or NHWC (a batch, with per-sample parameters) and keeps its dtype.
The albumentations effects (rain, fog, snow, gravel) take RGB and do albumentations' maths on uint8
values: a float32 image is first brought to uint8 (``rint(x * 255)`` saturated, NaN read as 0),
processed, and returned as ``v / 255`` in float32, as albumentations 2.0.8 does for these effects;
:func:`atmospheric_fog` computes in float32 on any number of channels. Per-pixel random fields
(the snow texture) come from per-sample seeds through :mod:`xalbu.functional._random`. Shapes drawn on the host (rain streaks, fog
circles, gravel squares) reach the kernels as host arrays, padded to the largest count of the
batch; :mod:`._weather_geometry` turns them into sorted pixel keys that each pixel looks up with one
``searchsorted`` (no per-sample loop, no host sync). Integer results round half to even but where
OpenCV does otherwise (``cv2.blur``: half up), as noted at each kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _filter
from xalbu.functional import _random as R
from xalbu.functional import _weather_geometry as G
from xalbu.functional._common import Param
from xalbu.functional._hsv import _hsv_to_rgb, _rgb_to_hsv_u8
from xalbu.functional._utils import dtype_name, is_float, namespace

_INV255 = float(np.float32(1.0 / 255.0))


# ----------------------------------------------------------------------------- uint8 round trip
def to_u8(xp: Any, img: Any) -> Any:
    """The image as uint8 values: uint8 as is; float32 as ``rint(x * 255)`` clipped to [0, 255]
    (albumentations' ``from_float``), NaN read as 0."""
    if not is_float(xp, img.dtype):
        return img
    x = xp.astype(img, xp.float32) * 255.0
    x = xp.where(xp.isnan(x), 0.0, x)
    return xp.astype(xp.minimum(xp.maximum(xp.round(x), 0.0), 255.0), xp.uint8)


def from_u8(xp: Any, out: Any, dtype: Any) -> Any:
    """uint8 results back to ``dtype`` (float32: ``v / 255``, albumentations' ``to_float``)."""
    if not is_float(xp, dtype):
        return out
    return xp.astype(xp.astype(out, xp.float32) / 255.0, dtype)


def _grid(xp: Any, img: Any) -> Any:
    """Each pixel's key ``(n * H + y) * W + x`` (int64, shape ``(N, H, W)`` or ``(H, W)``)."""
    h, w = int(img.shape[-3]), int(img.shape[-2])
    n = int(img.shape[0]) if img.ndim == 4 else 1
    k = xp.reshape(xp.arange(n * h * w, dtype=xp.int64, device=device(img)), (n, h, w))
    return k if img.ndim == 4 else k[0, ...]


def _covered(xp: Any, img: Any, starts: np.ndarray, ends: np.ndarray) -> Any:
    """How many host spans (sorted inclusive start/end keys) cover each pixel (int64 grid)."""
    grid = _grid(xp, img)
    if starts.size == 0:
        return xp.zeros(grid.shape, dtype=xp.int64, device=device(img))
    dev = device(img)
    flat = xp.reshape(grid, (-1,))
    s = xp.searchsorted(xp.asarray(starts, device=dev), flat, side="right")
    e = xp.searchsorted(xp.asarray(ends, device=dev), flat, side="left")
    return xp.reshape(xp.astype(s, xp.int64) - xp.astype(e, xp.int64), grid.shape)


def _per_sample_table(xp: Any, table: np.ndarray, index: Any, img: Any) -> Any:
    """``table[n, index]`` for each sample ``n`` (``table``: host ``(N, K)``; ``index``: the
    ``(N, H, W)`` or ``(H, W[, C])`` int grid)."""
    dev = device(img)
    k = table.shape[1]
    idx = xp.astype(index, xp.int64)
    if img.ndim == 4:
        rows = xp.arange(table.shape[0], dtype=xp.int64, device=dev) * k
        idx = idx + xp.reshape(rows, (-1,) + (1,) * (idx.ndim - 1))
    flat = xp.asarray(np.ascontiguousarray(table).reshape(-1), device=dev)
    return xp.reshape(xp.take(flat, xp.reshape(idx, (-1,)), axis=0), idx.shape)


def _samples(value: Param, n: int) -> np.ndarray:
    """A scalar or ``(N,)`` host parameter as an ``(n,)`` float64 array."""
    return np.broadcast_to(np.asarray(value, np.float64), (n,)).copy()


# ----------------------------------------------------------------------------- HLS (OpenCV, uint8)
def rgb_to_hls(xp: Any, img8: Any) -> tuple[Any, Any, Any]:
    """OpenCV's ``COLOR_RGB2HLS`` of uint8 RGB, as float32 values before rounding (H in [0, 180),
    L and S in [0, 255]); computed in float32 as OpenCV does (within a level after rounding)."""
    x = xp.astype(img8, xp.float32) * _INV255
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    vmax = xp.maximum(xp.maximum(r, g), b)
    vmin = xp.minimum(xp.minimum(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) * 0.5
    some = diff > float(np.finfo(np.float32).eps)
    safe = xp.where(some, diff, 1.0)
    den = xp.where(light < 0.5, vmax + vmin, 2.0 - vmax - vmin)
    sat = xp.where(some, safe / xp.where(some, den, 1.0), 0.0)
    scale = 60.0 / safe
    hue = xp.where(
        vmax == r, (g - b) * scale, xp.where(vmax == g, (b - r) * scale + 120.0, (r - g) * scale + 240.0)
    )
    hue = xp.where(hue < 0.0, hue + 360.0, hue)
    hue = xp.where(some, hue, 0.0) * 0.5
    return hue, light * 255.0, sat * 255.0


def _u8(xp: Any, v: Any) -> Any:
    return xp.astype(xp.minimum(xp.maximum(xp.round(v), 0.0), 255.0), xp.uint8)


def hls_to_rgb(xp: Any, hue8: Any, light8: Any, sat8: Any) -> Any:
    """OpenCV's ``COLOR_HLS2RGB`` of uint8 H (0-180), L, S planes: a uint8 ``(..., 3)`` RGB image."""
    h = xp.astype(hue8, xp.float32) * float(np.float32(6.0 / 180.0))
    lt = xp.astype(light8, xp.float32) * _INV255
    s = xp.astype(sat8, xp.float32) * _INV255
    p2 = xp.where(lt <= 0.5, lt * (1.0 + s), lt + s - lt * s)
    p1 = 2.0 * lt - p2
    h = xp.where(h >= 6.0, h - 6.0, h)
    sector = xp.floor(h)
    f = h - sector
    tab = (p2, p1, p1 + (p2 - p1) * (1.0 - f), p1 + (p2 - p1) * f)
    # OpenCV's sector table: (b, g, r) picks from tab for sectors 0..5
    order = ((1, 3, 0), (1, 0, 2), (3, 0, 1), (0, 2, 1), (0, 1, 3), (2, 1, 0))
    planes = []
    for ch in (2, 1, 0):  # r, g, b
        v = tab[order[5][ch]]
        for sec in range(4, -1, -1):
            v = xp.where(sector == float(sec), tab[order[sec][ch]], v)
        planes.append(xp.where(s == 0.0, lt, v) * 255.0)
    return xp.stack([_u8(xp, p) for p in planes], axis=-1)


# ----------------------------------------------------------------------------- snow (bleach)
@kernel
def snow_bleach(img: Any, snow_point: Param, brightness_coeff: float, /) -> Any:
    """albumentations' ``add_snow_bleach``: in HLS, ``L *= brightness_coeff`` where
    ``L < 255 * snow_point / 2 + 255 / 3`` (L saturated to 255), then back to RGB.

    >>> import numpy as np
    >>> snow_bleach(np.full((1, 1, 3), 100, np.uint8), 0.2, 2.0).tolist()
    [[[200, 200, 200]]]
    """
    xp = namespace(img)
    img8 = to_u8(xp, img)
    hue, light, sat = rgb_to_hls(xp, img8)
    h8, l8, s8 = _u8(xp, hue), _u8(xp, light), _u8(xp, sat)
    n = int(img.shape[0]) if img.ndim == 4 else 1
    thr = (_samples(snow_point, n) * 255.0 / 2.0 + 255.0 / 3.0).astype(np.float32)
    # the new lightness of each L level per sample: a (N, 256) table (float32 maths, saturated)
    levels = np.arange(256, dtype=np.float32)
    bright = np.minimum(levels * np.float32(brightness_coeff), np.float32(255.0))
    table = np.where(levels[None, :] < thr[:, None], bright[None, :], levels[None, :])
    table = np.floor(table).astype(np.uint8)  # OpenCV's clip then astype: truncation
    l_new = _per_sample_table(xp, table, l8, img)
    return from_u8(xp, hls_to_rgb(xp, h8, xp.astype(l_new, xp.uint8), s8), img.dtype)


# ----------------------------------------------------------------------------- gravel
@kernel
def gravel(img: Any, rects: Any, /) -> Any:
    """albumentations' ``add_gravel``: in HLS, the L plane set to ``value`` on each rectangle
    ``[y0, y1) x [x0, x1)`` in order (later ones win), then back to RGB.

    ``rects``: host int ``(R, 5)`` rows ``(y0, y1, x0, x1, value)``, or ``(N, R, 5)`` per sample
    (empty rectangles pad). Every pixel makes the HLS round trip, as in albumentations.

    >>> import numpy as np
    >>> gravel(np.full((2, 2, 3), 100, np.uint8), np.array([[0, 1, 0, 1, 30]])).tolist()
    [[[30, 30, 30], [100, 100, 100]], [[100, 100, 100], [100, 100, 100]]]
    """
    xp = namespace(img)
    img8 = to_u8(xp, img)
    hue, light, sat = rgb_to_hls(xp, img8)
    h8, l8, s8 = _u8(xp, hue), _u8(xp, light), _u8(xp, sat)
    cells = gravel_cells(rects, img)
    if cells is not None:
        keys, values = cells
        dev = device(img)
        grid = xp.reshape(_grid(xp, img), (-1,))
        k = xp.asarray(keys, device=dev)
        pos = xp.searchsorted(k, grid, side="left")
        pos = xp.minimum(pos, keys.size - 1)
        hit = xp.take(k, pos, axis=0) == grid
        val = xp.take(xp.asarray(values, device=dev), pos, axis=0)
        l8 = xp.where(xp.reshape(hit, l8.shape), xp.reshape(val, l8.shape), l8)
    return from_u8(xp, hls_to_rgb(xp, h8, l8, s8), img.dtype)


def gravel_cells(rects: Any, img: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Sorted pixel keys of the rectangles' cells and the value each ends with (the last rectangle
    covering it), or None when there are none."""
    r = np.asarray(rects, np.int64)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    r = r.reshape(-1, r.shape[-1]) if r.size else np.zeros((0, 5), np.int64)
    per = np.asarray(rects).shape[-2] if np.asarray(rects).ndim == 3 else max(len(r), 1)
    sample = np.arange(len(r)) // per if img.ndim == 4 else np.zeros(len(r), np.int64)
    y0, y1 = np.clip(r[:, 0], 0, h), np.clip(r[:, 1], 0, h)
    x0, x1 = np.clip(r[:, 2], 0, w), np.clip(r[:, 3], 0, w)
    hh, ww = np.maximum(y1 - y0, 0), np.maximum(x1 - x0, 0)
    size = hh * ww
    if not size.any():
        return None
    which = np.repeat(np.arange(len(r)), size)
    local = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    ys = y0[which] + local // ww[which]
    xs = x0[which] + local % ww[which]
    k = G.keys(sample[which], ys, xs, h, w)
    # the last rectangle wins: keep each key's last occurrence
    rev = k[::-1]
    uniq, first = np.unique(rev, return_index=True)
    return uniq, np.clip(r[which[::-1][first], 4], 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- rain
def _box_sum(xp: Any, x: Any, k: int) -> Any:
    """Sums over ``k x k`` windows (anchor ``k // 2``, reflect-101 borders), int32."""
    h, w = int(x.shape[-3]), int(x.shape[-2])
    dev = device(x)
    a = k // 2
    for axis, n in ((x.ndim - 3, h), (x.ndim - 2, w)):
        idx = _filter._reflect_101(n, a, k - 1 - a)
        padded = xp.take(x, xp.asarray(idx, device=dev), axis=axis)
        acc = None
        for t in range(k):
            sl = [slice(None)] * x.ndim
            sl[axis] = slice(t, t + n)
            part = padded[tuple(sl)]
            acc = part if acc is None else acc + part
        x = acc
    return x


def rain_lines(drops: Any, slant: Param, drop_length: int, img: Any) -> tuple[np.ndarray, ...]:
    """Host end points ``(sample, x1, y1, x2, y2)`` of the streaks: from each drop ``(x, y)`` to
    ``(int(x + slant), y + drop_length)`` (C truncation, as albumentations' ``astype(int32)``);
    drops with ``y < 0`` are padding and left out."""
    d = np.asarray(drops, np.int64)
    n = int(img.shape[0]) if img.ndim == 4 else 1
    d = d.reshape(n, -1, 2)
    s = _samples(slant, n)[:, None]
    sample = np.broadcast_to(np.arange(n)[:, None], d.shape[:2])
    x2 = np.trunc(d[..., 0] + s).astype(np.int64)
    y2 = d[..., 1] + int(drop_length)
    real = (d[..., 1] >= 0).reshape(-1)  # rows with y = -1 pad
    parts = (sample, d[..., 0], d[..., 1], x2, y2)
    return tuple(p.reshape(-1)[real] for p in parts)


@kernel
def rain(
    img: Any,
    drops: Any,
    slant: Param,
    drop_length: int,
    drop_width: int,
    drop_color: tuple[int, int, int],
    blur_value: int,
    brightness: Param,
    /,
) -> Any:
    """albumentations' ``add_rain``: streaks of ``drop_color`` from each drop ``(x, y)`` to
    ``(x + slant, y + drop_length)`` (4-connected lines) on a black layer, box-blurred by
    ``blur_value`` (``cv2.blur``: rounds half up), added with saturation, then the image times
    ``brightness`` (rounded half to even). No drops: the image unchanged.

    ``drops``: host int ``(D, 2)`` (``(N, D, 2)`` per sample); ``slant``, ``brightness``: scalars
    or ``(N,)``. ``drop_width = t > 1``: the streak repeated at horizontal offsets up to
    ``(t + t % 2) // 2`` with round caps of radius ``(t + 1) // 2``, close to OpenCV's thick line (a
    filled polygon, which the numpy_cv2 override draws: the same but for pixels along the edges).

    >>> import numpy as np
    >>> out = rain(np.zeros((6, 3, 3), np.uint8), np.array([[1, 0]]), 0.0, 4, 1, (200, 0, 0), 1, 1.0)
    >>> out[..., 0].tolist()
    [[0, 200, 0], [0, 200, 0], [0, 200, 0], [0, 200, 0], [0, 200, 0], [0, 0, 0]]
    """
    xp = namespace(img)
    img8 = to_u8(xp, img)
    sample, x1, y1, x2, y2 = rain_lines(drops, slant, drop_length, img)
    if sample.size == 0:
        return from_u8(xp, xp.asarray(img8, copy=True), img.dtype)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    t = int(drop_width)
    half = (t + (t & 1)) // 2 if t > 1 else 0  # OpenCV's half-width of a thick line
    parts = []
    # the polygon's half-width measured along x (streaks are steep: |dx| <= 45 px over the length)
    dxf, dyf = (x2 - x1).astype(np.float64), np.maximum(np.abs(y2 - y1), 1).astype(np.float64)
    reach = np.floor(half * np.sqrt(dxf * dxf + dyf * dyf) / dyf + 0.5).astype(np.int64)
    top = int(reach.max()) if reach.size else 0
    for off in range(-top, top + 1):
        sel = np.flatnonzero(np.abs(off) <= reach)
        line, px, py = G.line4_pixels(x1[sel] + off, y1[sel], x2[sel] + off, y2[sel], h, w)
        parts.append(G.keys(sample[sel][line], py, px, h, w))
    if t > 1:  # round caps: filled circles of radius round(t / 2) at both ends
        radius = np.full(2 * x1.size, (t + 1) // 2)
        starts, ends = G.circle_spans(
            np.concatenate([sample, sample]), np.concatenate([x1, x2]), np.concatenate([y1, y2]), radius, h, w
        )
        lengths = ends - starts + 1
        parts.append(
            np.repeat(starts, lengths)
            + np.arange(int(lengths.sum()))
            - np.repeat(np.cumsum(lengths) - lengths, lengths)
        )
    keys = np.unique(np.concatenate(parts))
    dev = device(img)
    grid = xp.reshape(_grid(xp, img), (-1,))
    pos = xp.minimum(xp.searchsorted(xp.asarray(keys, device=dev), grid, side="left"), max(keys.size - 1, 0))
    hit = xp.reshape(xp.take(xp.asarray(keys, device=dev), pos, axis=0) == grid, img8.shape[:-1] + (1,))
    color = xp.asarray(np.clip(np.asarray(drop_color, np.int64), 0, 255).astype(np.int32), device=dev)
    layer = xp.where(hit, color, xp.zeros((), dtype=xp.int32, device=dev))
    k = int(blur_value)
    if k > 1:
        layer = (_box_sum(xp, layer, k) * 2 + k * k) // (2 * k * k)  # half up, as cv2.blur
    added = xp.minimum(xp.astype(img8, xp.int32) + layer, 255)
    n = int(img.shape[0]) if img.ndim == 4 else 1
    table = brightness_table(brightness, n)
    out = _per_sample_table(xp, table, added, img)
    return from_u8(xp, xp.astype(out, xp.uint8), img.dtype)


def brightness_table(brightness: Param, n: int) -> np.ndarray:
    """``(N, 256)`` uint8: ``v * b`` rounded half to even in float64 and saturated (``cv2.multiply``)."""
    b = _samples(brightness, n)
    v = np.arange(256, dtype=np.float64)
    return np.clip(np.round(v[None, :] * b[:, None]), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- fog
def fog_blur_size(h: int, w: int) -> int:
    """albumentations' final blur size: ``max(3, min(h, w) // 30)``, made odd."""
    k = max(3, min(h, w) // 30)
    return k + (k % 2 == 0)


def fog_tables(intensity: Param, alpha_coef: float, n: int) -> np.ndarray:
    """``(N, K + 1, 256)`` uint8: row ``k`` of sample ``n`` is a level after ``k`` white circles
    blended with ``a = alpha_coef * intensity`` (``cv2.addWeighted(white, a, img, 1 - a, 0)``:
    ``float32(255 a + float32(v (1 - a)))`` rounded half to even), up to the step after which no
    level of any sample changes (later rows would repeat the last)."""
    alphas = _samples(intensity, n) * float(alpha_coef)
    a32 = alphas.astype(np.float32).astype(np.float64)[:, None]
    b32 = (1.0 - alphas).astype(np.float32).astype(np.float64)[:, None]
    rows = [np.broadcast_to(np.arange(256, dtype=np.float64), (n, 256))]
    for _ in range(4096):
        v = rows[-1]
        t = np.float32(255.0 * a32 + np.float32(v * b32).astype(np.float64))
        nxt = np.clip(np.round(t.astype(np.float64)), 0, 255)
        if np.array_equal(nxt, v):
            break
        rows.append(nxt)
    return np.stack(rows, axis=1).astype(np.uint8)


@kernel
def fog(img: Any, particles: Any, intensity: Param, alpha_coef: float, /) -> Any:
    """albumentations' ``add_fog``: white filled circles ``(x, y, radius)`` blended one after the
    other with ``a = alpha_coef * intensity`` (``v <- 255 a + v (1 - a)``, rounded at each circle),
    then a Gaussian blur of size :func:`fog_blur_size` (reflect-101).

    ``particles``: host int ``(P, 3)``, or ``(N, P, 3)`` per sample (a negative radius pads). A
    pixel's level depends only on how many circles cover it: that count indexes a per-sample table
    of the iterated blend. The blur uses OpenCV's Gaussian taps in float32 (``cv2.GaussianBlur``
    uses fixed point on uint8: within a level).

    >>> import numpy as np
    >>> out = fog(np.zeros((9, 9, 3), np.uint8), np.array([[4, 4, 1]]), 1.0, 0.5)
    >>> int(out[4, 4, 0]) > 0, int(out[0, 0, 0])
    (True, 0)
    """
    xp = namespace(img)
    img8 = to_u8(xp, img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    n = int(img.shape[0]) if img.ndim == 4 else 1
    p = np.asarray(particles, np.int64).reshape(n, -1, 3)
    sample = np.broadcast_to(np.arange(n)[:, None], p.shape[:2]).reshape(-1)
    starts, ends = G.circle_spans(
        sample, p[..., 0].reshape(-1), p[..., 1].reshape(-1), p[..., 2].reshape(-1), h, w
    )
    if starts.size:
        tables = fog_tables(intensity, alpha_coef, n)
        count = xp.minimum(_covered(xp, img, starts, ends), tables.shape[1] - 1)
        idx = xp.astype(img8, xp.int64) + xp.reshape(count * 256, count.shape + (1,))
        img8 = xp.astype(_per_sample_table(xp, tables.reshape(n, -1), idx, img), xp.uint8)
    k = fog_blur_size(h, w)
    taps = _filter.gaussian_taps(k, 0.0)
    return from_u8(xp, _filter.convolve_separable(img8, taps, taps), img.dtype)


# ----------------------------------------------------------------------------- atmospheric fog
DEPTH_MODES = ("linear", "diagonal", "radial")


def _depth(xp: Any, h: int, w: int, mode: str, dev: Any) -> Any:
    """The synthetic depth ``(H, W)`` in [0, 1], float32 (1: far): ``linear`` ``1 - y / (H - 1)``;
    ``diagonal`` ``1 - (x / (W - 1) + y / (H - 1)) / 2``; ``radial`` the distance to the centre
    over the distance from the centre to a corner."""
    ys = xp.reshape(xp.arange(h, dtype=xp.float32, device=dev), (h, 1)) / float(max(h - 1, 1))
    xs = xp.reshape(xp.arange(w, dtype=xp.float32, device=dev), (1, w)) / float(max(w - 1, 1))
    if mode == "linear":
        return xp.broadcast_to(1.0 - ys, (h, w))
    if mode == "diagonal":
        return 1.0 - (xs + ys) * 0.5
    dy, dx = (ys - 0.5) * float(max(h - 1, 1)), (xs - 0.5) * float(max(w - 1, 1))
    corner = float(np.hypot(max(h - 1, 1) / 2.0, max(w - 1, 1) / 2.0))
    return xp.sqrt(dy * dy + dx * dx) / corner


@kernel
def atmospheric_fog(img: Any, density: Param, fog_color: Any, depth_mode: str, /) -> Any:
    """Scattering fog: ``img * t + fog_color * (1 - t)`` with transmission ``t = exp(-density * depth)``
    and the synthetic depth of ``depth_mode`` (:func:`_depth`), in float32; integers rounded half to
    even and saturated, float32 clipped to [0, 1] (NaN stays NaN). ``fog_color``: one value per
    channel in 0-255 units (``/ 255`` for float32 images); ``density``: a scalar or ``(N,)``.

    >>> import numpy as np
    >>> out = atmospheric_fog(np.zeros((3, 1, 1), np.uint8), 1.0, (200,), "linear")
    >>> out[:, 0, 0].tolist()  # depth 1, 0.5, 0: 200 * (1 - exp(-1)), 200 * (1 - exp(-0.5)), 0
    [126, 79, 0]
    """
    xp = namespace(img)
    if depth_mode not in DEPTH_MODES:
        raise ValueError(
            f"atmospheric_fog: depth_mode: expected one of {list(DEPTH_MODES)}, got {depth_mode!r}"
        )
    dev = device(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    depth = _depth(xp, h, w, depth_mode, dev)
    dens = np.asarray(density, np.float32)
    if dens.ndim == 1 and img.ndim == 4:
        d = xp.reshape(xp.asarray(dens, device=dev), (-1, 1, 1))
        t = xp.exp(-(d * depth[None, ...]))
    else:
        t = xp.exp(depth * float(-dens))
    t = t[..., None]
    floating = is_float(xp, img.dtype)
    color = np.asarray(fog_color, np.float32) / (np.float32(255.0) if floating else np.float32(1.0))
    c = xp.asarray(color, device=dev)
    out = xp.astype(img, xp.float32) * t + c * (1.0 - t)
    if floating:
        return xp.astype(xp.minimum(xp.maximum(out, 0.0), 1.0), img.dtype)
    hi = 255.0 if dtype_name(xp, img.dtype) == "uint8" else 65535.0
    return xp.astype(xp.minimum(xp.maximum(xp.round(out), 0.0), hi), img.dtype)


# ----------------------------------------------------------------------------- snow (texture)
SNOW_TINT = (0.6, 0.75, 1.0)  # albumentations' "blue" tint, added to the H, S, V values


def gauss64_taps(sigma: float = 1.0) -> np.ndarray:
    """OpenCV's float64 Gaussian of ``cv2.GaussianBlur(x, (0, 0), sigma)`` on float64 images: size
    ``round(8 sigma + 1) | 1``, ``exp(-t**2 / (2 sigma**2))`` normalised."""
    k = int(round(sigma * 8 + 1)) | 1
    t = np.arange(k, dtype=np.float64) - (k - 1) / 2
    g = np.exp(-(t * t) / (2 * sigma * sigma))
    return g / g.sum()


def _blur64(xp: Any, x: Any, taps: np.ndarray) -> Any:
    """Separable float64 correlation of ``(..., H, W)`` planes with ``taps`` (reflect-101)."""
    r = taps.size // 2
    dev = device(x)
    for axis in (x.ndim - 1, x.ndim - 2):
        n = int(x.shape[axis])
        idx = _filter._reflect_101(n, r)
        padded = xp.take(x, xp.asarray(idx, device=dev), axis=axis)
        acc = None
        for t, wgt in enumerate(taps.tolist()):
            sl = [slice(None)] * x.ndim
            sl[axis] = slice(t, t + n)
            part = padded[tuple(sl)] * wgt
            acc = part if acc is None else acc + part
        x = acc
    return x


def snow_fields(like: Any, seed: Any, h: int, w: int) -> tuple[Any, Any]:
    """The texture ``T`` (float64 ``(..., H, W)``: ``0.5 + 0.3 z`` with ``z`` standard normal, blurred
    twice with sigma 1 as albumentations does) and the sparkle mask (``u > 0.99``, ``u`` uniform), from
    the first and second ``H * W`` 16-bit values of each seed."""
    xp = namespace(like)
    bits = R.philox_u16(like, seed, 2 * h * w)
    z = R.lookup(xp, R.normal_table(), bits[..., : h * w])
    u = R.lookup(xp, R.unit_table(), bits[..., h * w :])
    shape = (*bits.shape[:-1], h, w)
    tex = xp.astype(xp.reshape(z, shape), xp.float64) * 0.3 + 0.5
    taps = gauss64_taps(1.0)
    tex = _blur64(xp, _blur64(xp, tex, taps), taps)
    return tex, xp.reshape(u, shape) > 0.99


@kernel
def snow_texture(img: Any, snow_point: Param, brightness_coeff: float, seed: Any, /) -> Any:
    """albumentations' ``add_snow_texture``: in HSV (OpenCV's 8-bit conversion, as float32 values),
    ``V <- min(V (1 + brightness_coeff * snow_point), 255)``; every channel plus
    ``255 * snow_point * T * depth`` (``T`` the texture of :func:`snow_fields`, ``depth`` from 1 at the
    top row to 0.2 at the bottom); then ``0.85 x + 0.15 snow_point tint`` (:data:`SNOW_TINT`),
    truncated to uint8 (saturated: albumentations wraps values outside [0, 255] around); back to RGB
    (float32 maths, rounded: within a level of OpenCV's), and sparkles (``u > 0.99``) set to 255.

    ``seed``: an int, or ``(N,)`` uint64 seeds with ``(N,)`` snow points for a batch.
    """
    xp = namespace(img)
    img8 = to_u8(xp, img)
    dev = device(img)
    h, w = int(img.shape[-3]), int(img.shape[-2])
    n = int(img.shape[0]) if img.ndim == 4 else 1
    sp = _samples(snow_point, n)
    hue, sat, val = _rgb_to_hsv_u8(xp, img8)
    shape = (n, 1, 1, 1) if img.ndim == 4 else (1, 1, 1)
    gain = xp.reshape(xp.asarray((1.0 + float(brightness_coeff) * sp).astype(np.float32), device=dev), shape)
    val = xp.minimum(xp.maximum(xp.astype(val, xp.float32) * gain, 0.0), 255.0)
    hsv = xp.concat([xp.astype(hue, xp.float32), xp.astype(sat, xp.float32), val], axis=-1)
    tex, sparkle = snow_fields(img, seed, h, w)
    depth = xp.reshape(xp.asarray(np.linspace(1.0, 0.2, h), device=dev), (h, 1))
    amount = xp.reshape(xp.asarray(255.0 * sp, device=dev), shape[:-1])
    layer = xp.astype(tex * depth * amount, xp.float32)
    hsv = hsv + layer[..., None]
    tint = xp.asarray((np.asarray(SNOW_TINT)[None, :] * 0.15 * sp[:, None]).astype(np.float32), device=dev)
    tint = xp.reshape(tint, (n, 1, 1, 3)) if img.ndim == 4 else xp.reshape(tint, (1, 1, 3))
    hsv = hsv * 0.85 + tint
    hsv8 = xp.floor(xp.minimum(xp.maximum(hsv, 0.0), 255.0))
    rgb = _hsv_to_rgb(xp, hsv8[..., 0:1], hsv8[..., 1:2] / 255.0, hsv8[..., 2:3] / 255.0, 6.0 / 180.0)
    out = xp.where(sparkle[..., None], 255.0, xp.round(rgb * 255.0))
    return from_u8(xp, xp.astype(out, xp.uint8), img.dtype)
