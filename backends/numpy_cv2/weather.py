"""OpenCV / NumPy overrides of the weather kernels (CPU), one image at a time.

- ``rain``: ``cv2.polylines`` (``LINE_4``, any width: OpenCV's own thick lines), ``cv2.blur``,
  ``cv2.add`` and a per-sample brightness table (``cv2.LUT``): albumentations' steps, equal to it;
- ``fog``: the circles' coverage counted from the host spans (a difference array and a cumulative
  sum per row), one gather in the per-sample table of the iterated blend, then ``cv2.GaussianBlur``
  (OpenCV's fixed-point blur, as albumentations: equal to it, where the generic differs by a level);
  albumentations blends the whole image once per circle, this reads each pixel once;
- ``snow_bleach`` and ``gravel``: ``cv2.cvtColor`` to HLS and back around a lightness table
  (``cv2.LUT``) or the gravel squares written in order (one indexed write, as albumentations' slices);
- ``snow_texture``: albumentations' OpenCV steps (HSV, float64 blurs, ``cv2.addWeighted``).

float32 images go through uint8 (``rint(x * 255)``, NaN as 0) and back (``v / 255``) as the generic
kernels do. Every override declines (``NotImplemented``) what is not a NumPy RGB image.
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _random as R
from xalbu.functional import _weather_geometry as G
from xalbu.functional import weather as F

from ._cv import _scratch

_TO_FLOAT = (np.arange(256, dtype=np.float32) / np.float32(255.0)).astype(np.float32)


def _usable(img: Any) -> bool:
    return (
        isinstance(img, np.ndarray)
        and img.ndim in (3, 4)
        and img.shape[-1] == 3
        and img.dtype in (np.uint8, np.float32)
        and img.size > 0
    )


def _u8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    x = np.multiply(img, np.float32(255.0))
    np.nan_to_num(x, copy=False, nan=0.0, posinf=255.0, neginf=0.0)
    np.rint(x, out=x)
    np.clip(x, 0.0, 255.0, out=x)
    return x.astype(np.uint8)


def _back(out: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype == np.uint8:
        return out
    return _TO_FLOAT[out]


def _frames(img8: np.ndarray) -> list[np.ndarray]:
    return [img8] if img8.ndim == 3 else list(img8)


def _stack(frames: list[np.ndarray], batch: bool) -> np.ndarray:
    return np.stack(frames) if batch else frames[0]


# ----------------------------------------------------------------------------- rain
@register(F.rain, "numpy_cv2")
def rain(
    img: Any,
    drops: Any,
    slant: Any,
    drop_length: int,
    drop_width: int,
    drop_color: tuple[int, int, int],
    blur_value: int,
    brightness: Any,
    /,
) -> Any:
    if not _usable(img):
        return NotImplemented
    img8 = _u8(img)
    sample, x1, y1, x2, y2 = F.rain_lines(drops, slant, drop_length, img)
    if sample.size == 0:
        return _back(img8.copy(), img.dtype)
    batch = img.ndim == 4
    n = img.shape[0] if batch else 1
    lines = np.stack([np.stack([x1, y1], 1), np.stack([x2, y2], 1)], 1).astype(np.int32)
    groups = np.split(lines, np.cumsum(np.bincount(sample, minlength=n))[:-1])
    tables = F.brightness_table(brightness, n)
    color = tuple(int(c) for c in np.clip(drop_color, 0, 255))
    k = int(blur_value)
    out = []
    for i, frame in enumerate(_frames(img8)):
        layer = np.zeros_like(frame)
        cv2.polylines(layer, groups[i], False, color, int(drop_width), lineType=cv2.LINE_4)
        if k > 1:
            cv2.blur(layer, (k, k), dst=layer)
        res = cv2.add(frame, layer)
        out.append(cv2.LUT(res, tables[i]))
    return _back(_stack(out, batch), img.dtype)


# ----------------------------------------------------------------------------- fog
@register(F.fog, "numpy_cv2")
def fog(img: Any, particles: Any, intensity: Any, alpha_coef: float, /) -> Any:
    if not _usable(img):
        return NotImplemented
    img8 = _u8(img)
    batch = img.ndim == 4
    n = img.shape[0] if batch else 1
    h, w = img.shape[-3], img.shape[-2]
    p = np.asarray(particles, np.int64).reshape(n, -1, 3)
    sample = np.broadcast_to(np.arange(n)[:, None], p.shape[:2]).reshape(-1)
    starts, ends = G.circle_spans(
        sample, p[..., 0].reshape(-1), p[..., 1].reshape(-1), p[..., 2].reshape(-1), h, w
    )
    k = F.fog_blur_size(h, w)
    if starts.size:
        tables = F.fog_tables(intensity, alpha_coef, n)
        # coverage: +1 at each span's start, -1 after its end, summed along each row
        # the work arrays in reused buffers (fresh ones cost more in page faults than the work)
        diff = _scratch("fog_diff", (n * h * (w + 1),), np.int32)
        diff.fill(0)
        rows_s, rows_e = starts // w, ends // w
        np.add.at(diff, rows_s * (w + 1) + starts % w, 1)
        np.add.at(diff, rows_e * (w + 1) + ends % w + 1, -1)
        count = _scratch("fog_count", (n, h, w), np.int32)
        np.cumsum(diff.reshape(n, h, w + 1)[..., :w], axis=-1, dtype=np.int32, out=count)
        np.minimum(count, tables.shape[1] - 1, out=count)
        src = img8 if batch else img8[None]
        # sample s, coverage k, level v: entry (s * K + k) * 256 + v of the tables
        idx = _scratch("fog_index", src.shape, np.int32)
        np.add(
            count[..., None], (np.arange(n, dtype=np.int32) * tables.shape[1]).reshape(n, 1, 1, 1), out=idx
        )
        idx *= 256
        idx += src
        blended = np.take(
            tables.reshape(-1), idx, out=_scratch("fog_blended", src.shape, np.uint8), mode="clip"
        )
        img8 = blended if batch else blended[0]
    out = [cv2.GaussianBlur(frame, (k, k), 0) for frame in _frames(img8)]
    return _back(_stack(out, batch), img.dtype)


# ----------------------------------------------------------------------------- snow and gravel
def _hls_frames(img8: np.ndarray) -> list[np.ndarray]:
    return [cv2.cvtColor(f, cv2.COLOR_RGB2HLS) for f in _frames(img8)]


@register(F.snow_bleach, "numpy_cv2")
def snow_bleach(img: Any, snow_point: Any, brightness_coeff: float, /) -> Any:
    if not _usable(img):
        return NotImplemented
    img8 = _u8(img)
    batch = img.ndim == 4
    n = img.shape[0] if batch else 1
    thr = (np.broadcast_to(np.asarray(snow_point, np.float64), (n,)) * 255.0 / 2.0 + 255.0 / 3.0).astype(
        np.float32
    )
    levels = np.arange(256, dtype=np.float32)
    bright = np.floor(np.minimum(levels * np.float32(brightness_coeff), np.float32(255.0))).astype(np.uint8)
    out = []
    for i, hls in enumerate(_hls_frames(img8)):
        table = np.where(levels < thr[i], bright, levels.astype(np.uint8))
        hls[..., 1] = cv2.LUT(hls[..., 1], table)
        out.append(cv2.cvtColor(hls, cv2.COLOR_HLS2RGB))
    return _back(_stack(out, batch), img.dtype)


@register(F.gravel, "numpy_cv2")
def gravel(img: Any, rects: Any, /) -> Any:
    if not _usable(img):
        return NotImplemented
    img8 = _u8(img)
    batch = img.ndim == 4
    h, w = img.shape[-3], img.shape[-2]
    r = np.asarray(rects, np.int64).reshape(-1, 5)
    if not batch and len(r) <= 512:  # one image, a few squares: slice writes in order (later ones win)
        hls = cv2.cvtColor(img8, cv2.COLOR_RGB2HLS)
        light = hls[..., 1]
        for y0, y1, x0, x1, value in np.clip(r, 0, (h, h, w, w, 255)).tolist():
            if y1 > y0 and x1 > x0:
                light[y0:y1, x0:x1] = value
        cv2.cvtColor(hls, cv2.COLOR_HLS2RGB, dst=hls)
        return _back(hls, img.dtype)
    # one buffer: HLS written into it, changed, and converted back in place (OpenCV's conversions
    # are per pixel), saving an image-sized allocation per call
    hls = cv2.cvtColor(img8.reshape(-1, w, 3) if batch else img8, cv2.COLOR_RGB2HLS)
    y0, x0 = np.maximum(r[:, 0], 0), np.maximum(r[:, 2], 0)
    hh, ww = np.maximum(np.minimum(r[:, 1], h) - y0, 0), np.maximum(np.minimum(r[:, 3], w) - x0, 0)
    size = hh * ww
    total = int(size.sum())
    if total:
        per = r.shape[0] // (img.shape[0] if batch else 1)
        which = np.repeat(np.arange(r.shape[0]), size)
        local = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
        wr = ww[which]
        flat = ((which // per * h + y0[which] + local // wr) * w + x0[which] + local % wr) * 3 + 1
        # one assignment in the squares' order: NumPy writes repeated indices in order, so the
        # later square wins, as albumentations' loop of slices
        hls.reshape(-1)[flat] = np.clip(r[which, 4], 0, 255)
    cv2.cvtColor(hls, cv2.COLOR_HLS2RGB, dst=hls)
    return _back(hls.reshape(img.shape), img.dtype)


@register(F.snow_texture, "numpy_cv2")
def snow_texture(img: Any, snow_point: Any, brightness_coeff: float, seed: Any, /) -> Any:
    """albumentations' steps with OpenCV (HSV both ways, float64 Gaussian blurs), saturating where
    albumentations' ``astype(uint8)`` wraps around; the fields from the shared generator."""
    if not _usable(img):
        return NotImplemented
    img8 = _u8(img)
    batch = img.ndim == 4
    n = img.shape[0] if batch else 1
    h, w = img.shape[-3], img.shape[-2]
    sp = np.broadcast_to(np.asarray(snow_point, np.float64), (n,))
    seeds = np.broadcast_to(np.asarray(seed, np.uint64), (n,))
    depth = np.linspace(1.0, 0.2, h)[:, None]
    normal, unit = R.normal_table(), R.unit_table()
    out = []
    for i, frame in enumerate(_frames(img8)):
        bits = R.philox_u16(frame, int(seeds[i]), 2 * h * w)
        tex = normal[bits[: h * w]].reshape(h, w).astype(np.float64) * 0.3 + 0.5
        tex = cv2.GaussianBlur(cv2.GaussianBlur(tex, (0, 0), sigmaX=1, sigmaY=1), (0, 0), sigmaX=1, sigmaY=1)
        sparkle = unit[bits[h * w :]].reshape(h, w) > 0.99
        hsv = cv2.cvtColor(frame, cv2.COLOR_RGB2HSV).astype(np.float32)
        hsv[..., 2] = np.clip(hsv[..., 2] * np.float32(1 + brightness_coeff * sp[i]), 0, 255)
        layer = (tex * depth * (255 * sp[i])).astype(np.float32)
        hsv += layer[..., None]
        tint = np.full_like(hsv, F.SNOW_TINT)
        hsv = cv2.addWeighted(hsv, 0.85, tint, 0.15 * sp[i], 0)
        np.clip(hsv, 0, 255, out=hsv)
        rgb = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
        rgb[sparkle] = 255
        out.append(rgb)
    return _back(_stack(out, batch), img.dtype)


# ----------------------------------------------------------------------------- spatter
from xalbu.functional import _spatter as SP  # noqa: E402 - the Spatter kernels, appended with their override

_RELIEF = SP.RAIN_RELIEF


@functools.cache
def _normal64() -> np.ndarray:
    return R.normal_table().astype(np.float64)


def _spatter_layer(
    h: int, w: int, seed: int, mean: float, std: float, sigma: float, cut: float
) -> np.ndarray:
    """The liquid layer (float64, in a reused buffer: used within the sample's call only)."""
    bits = R.philox_u16(_NO_PIXELS, seed, h * w)
    layer = np.take(_normal64(), bits, out=_scratch("spatter_layer", (h * w,), np.float64), mode="clip")
    layer = layer.reshape(h, w)
    layer *= std
    layer += mean
    k = int(SP.liquid_ksize(sigma))
    if k > 1:
        cv2.GaussianBlur(layer, (k, k), sigma, dst=layer, sigmaY=sigma, borderType=cv2.BORDER_REPLICATE)
    np.copyto(layer, 0.0, where=np.less(layer, cut, out=_scratch("spatter_below", (h, w), np.bool_)))
    return layer


def _spatter_rain_mask(layer: np.ndarray) -> np.ndarray:
    """The drops' mask (float32, in a reused buffer), albumentations' steps."""
    shape, f32, u8 = layer.shape, np.float32, np.uint8
    scaled = np.multiply(layer, 255.0, out=_scratch("spatter_scaled", shape, np.float64))
    np.minimum(scaled, 255.0, out=scaled)  # the layer is >= 0 (zeroed below a threshold >= 0)
    l8 = _scratch("spatter_l8", shape, u8)
    np.copyto(l8, scaled, casting="unsafe")  # truncated, as astype
    edges = cv2.Canny(l8, 50, 150, edges=_scratch("spatter_edges", shape, u8))
    cv2.bitwise_not(edges, dst=edges)  # 255 - edges
    dist = cv2.distanceTransform(edges, cv2.DIST_L2, 5, dst=_scratch("spatter_dist", shape, f32))
    np.minimum(dist, np.float32(20.0), out=dist)
    blur = _scratch("spatter_blur", shape, f32)
    cv2.GaussianBlur(dist, (3, 3), 1, dst=blur, sigmaY=1, borderType=cv2.BORDER_REPLICATE)
    d8 = cv2.convertScaleAbs(blur, dst=edges, alpha=255.0)  # rint(255 d) saturated (d >= 0)
    cv2.equalizeHist(d8, dst=d8)
    df = cv2.LUT(d8, _TO_FLOAT, dst=dist)
    cv2.filter2D(df, -1, _RELIEF, dst=blur)
    np.clip(blur, 0.0, 1.0, out=blur)
    cv2.GaussianBlur(blur, (5, 5), 1.5, dst=df, sigmaY=1.5, borderType=cv2.BORDER_REPLICATE)
    m = cv2.multiply(l8, df, dtype=cv2.CV_32F, dst=_scratch("spatter_mask", shape, f32))
    top = np.float32(cv2.minMaxLoc(m)[1])
    if top > 0:
        m *= np.float32(1) / top
    else:
        m.fill(0.0)
    return m


def _spatter_mud_mask(layer: np.ndarray, seed: int, cut: float, sigma: float) -> np.ndarray:
    """The mud's mask (float32, in a reused buffer), albumentations' steps."""
    h, w = layer.shape
    mask = _scratch("spatter_mask", (h, w), np.float32)
    np.greater(layer, cut, out=mask)  # 1.0 / 0.0
    if not mask.any():  # the 10% of pixels with the smallest keys of the second field
        need = max(1, int(0.1 * h * w))
        bits = R.philox_u16(_NO_PIXELS, seed, 2 * h * w)[h * w :].astype(np.int64)
        keys = bits * (h * w) + np.arange(h * w)
        kth = np.partition(keys, need - 1)[need - 1]
        np.less_equal(keys.reshape(h, w), kth, out=mask)
    if sigma > 0:
        blurred = _scratch("spatter_mask_blur", (h, w), np.float32)
        mask = cv2.GaussianBlur(
            mask, (0, 0), sigma, dst=blurred, sigmaY=sigma, borderType=cv2.BORDER_REPLICATE
        )
    top = mask.max()
    if top > 0:
        mask /= top
    else:
        mask[0, 0] = 1.0
    return mask


_NO_PIXELS = np.empty(0, np.uint8)  # philox_u16's namespace argument (its values are not read)


@register(SP.spatter, "numpy_cv2")
def spatter(
    img: Any,
    mean: Any,
    std: Any,
    sigma: Any,
    cutout_threshold: Any,
    intensity: Any,
    seed: Any,
    mode: str,
    color: Any,
    /,
) -> Any:
    """albumentations' OpenCV steps per sample (float64 layer blur, Canny, distance transform,
    equalizeHist, filter2D, float32 blurs), with the liquid layer of the shared generator."""
    if not _usable(img) or mode not in SP.MODES:
        return NotImplemented
    batch = img.ndim == 4
    n = img.shape[0] if batch else 1
    h, w = img.shape[-3], img.shape[-2]
    p = [
        np.broadcast_to(np.asarray(v, np.float64), (n,))
        for v in (mean, std, sigma, cutout_threshold, intensity)
    ]
    seeds = np.broadcast_to(np.asarray(seed, np.uint64), (n,))
    c64 = np.asarray(color, np.float64) / 255.0
    c32 = c64.astype(np.float32)
    frames = [img] if not batch else list(img)
    out = []
    rgb = (h, w, 3)
    for i, frame in enumerate(frames):
        # every image-sized step writes into reused buffers (fresh ones cost more in page faults
        # than the work); the output is the one new array
        if frame.dtype == np.uint8:
            x = cv2.LUT(frame, _TO_FLOAT, dst=_scratch("spatter_x", rgb, np.float32))
        else:
            x = np.ascontiguousarray(frame)  # read only
        layer = _spatter_layer(h, w, int(seeds[i]), p[0][i], p[1][i], p[2][i], p[3][i])
        three = _scratch("spatter_three", rgb, np.float32)
        if mode == "rain":
            m = _spatter_rain_mask(layer)
            gain = (*(c64 * (p[4][i] * 0.9)).tolist(), 0.0)  # drops: m * color * 0.9 intensity
            res = cv2.add(x, cv2.multiply(cv2.merge([m, m, m], dst=three), gain, dst=three), dst=three)
        else:
            mask = _spatter_mud_mask(layer, int(seeds[i]), p[3][i], p[2][i])
            mask *= np.float32(p[4][i])
            mud = cv2.multiply(cv2.merge([mask, mask, mask], dst=three), (*c32.tolist(), 0.0), dst=three)
            if (c32 > 0).all():  # (color - mud) / color, in [0, 1]: 1 - mask
                keep = np.subtract(np.float32(1), mask, out=_scratch("spatter_keep", (h, w), np.float32))
                kept = cv2.merge([keep, keep, keep], dst=_scratch("spatter_kept", rgb, np.float32))
                res = cv2.add(cv2.multiply(x, kept, dst=kept), mud, dst=kept)
            else:
                safe = np.where(c32 > 0, c32, np.float32(1))
                non_mud = np.where(c32 > 0, np.clip((c32 - mud) / safe, 0, 1), (1 - mask)[..., None])
                res = cv2.add(x * non_mud, mud)
        if frame.dtype == np.uint8:  # rint(255 x) saturated (x >= 0 here)
            out.append(cv2.convertScaleAbs(res, alpha=255.0))
        else:
            out.append(np.clip(res, 0.0, 1.0))
    return _stack(out, batch)
