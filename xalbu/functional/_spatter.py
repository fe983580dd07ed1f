"""Generic kernel of Spatter (see :class:`xalbu.transforms.weather.Spatter`) over array-API arrays.

The liquid layer is ``mean + std * z`` with ``z`` standard normal per pixel from the sample's seed
(:mod:`xalbu.functional._random`), blurred with OpenCV's float64 Gaussian of size
``2 round(3 sigma) + 1`` (replicated borders) and zeroed below ``cutout_threshold``. Then, as
albumentations 2.0.8 does on float32 pixels (uint8 images go through ``v / 255`` and come back as
``rint(x * 255)``):

- ``"rain"``: the layer as uint8 (``clip(255 l)`` truncated), its Canny edges (50, 150), the L2
  distance to them (OpenCV's 5x5 mask) capped at 20, a 3x3 Gaussian (sigma 1), equalised as uint8
  (``rint(255 d)``), a 3x3 relief filter (clipped to [0, 1]), a 5x5 Gaussian (sigma 1.5); times the uint8 layer,
  normalised by its maximum, times ``color * 0.9 intensity`` and added to the image;
- ``"mud"``: the mask ``l > cutout_threshold`` (when empty: the 10% of pixels with the smallest
  uniform values of the seed's second field), blurred with OpenCV's float32 Gaussian of sigma
  (when > 0), normalised by its maximum, times ``intensity``: ``mud = mask * color`` and the image
  times ``(color - mud) / color`` (``1 - mask`` where a colour component is 0) plus ``mud``.

Canny and the distance transform have no batched sync-free form: :func:`rain_distance` computes
them with OpenCV on the host, one device-to-host copy of the uint8 layers per call (the transform
declares ``host_syncs = 1``); everything else stays on the image's device.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.core.targets import to_host
from xalbu.functional import _filter
from xalbu.functional import _random as R
from xalbu.functional._common import Param
from xalbu.functional._utils import is_float, namespace

RAIN_RELIEF = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32)
MODES = ("rain", "mud")
_LEVELS = (np.arange(256, dtype=np.float32) / np.float32(255.0)).astype(np.float32)


def _samples(value: Param, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, np.float64), (n,)).copy()


def liquid_ksize(sigma: Any) -> np.ndarray:
    """albumentations' blur size of the liquid layer: ``int(2 * round(3 sigma) + 1)`` (half to even)."""
    return (2 * np.round(3 * np.asarray(sigma, np.float64)) + 1).astype(np.int64)


def gauss64(ksize: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``cv2.getGaussianKernel(k, sigma, CV_64F)`` per sample (``sigma > 0``; ``[1]`` for size 1),
    centred in rows of the largest size: ``(N, K)`` float64."""
    ksize = np.asarray(ksize, np.int64)
    big = int(ksize.max())
    t = np.arange(big, dtype=np.float64) - (big - 1) / 2
    inside = np.abs(t)[None, :] <= ((ksize - 1) / 2)[:, None]
    safe = np.where(sigma > 0, sigma, 1.0)[:, None]
    g = np.where(inside, np.exp(-(t * t)[None, :] / (2 * safe * safe)), 0.0)
    return g / np.sum(g, axis=1, keepdims=True)


def mud_ksize(sigma: Any) -> Any:
    """OpenCV's size for ``GaussianBlur(ksize=(0, 0))`` on float32: ``cvRound(8 sigma + 1) | 1``."""
    return np.rint(np.asarray(sigma, np.float64) * 8 + 1).astype(np.int64) | 1


def _replicate(n: int, r: int) -> np.ndarray:
    return np.clip(np.arange(-r, n + r), 0, n - 1)


def _sep(xp: Any, x: Any, taps: np.ndarray, border: str, dtype: Any) -> Any:
    """Correlate ``(N, H, W)`` planes with per-sample 1-D ``taps`` ``(N, K)`` along W then H."""
    k = taps.shape[-1]
    r = k // 2
    dev = device(x)
    t = xp.astype(xp.asarray(taps, device=dev), dtype)
    for axis in (2, 1):
        n = int(x.shape[axis])
        idx = _replicate(n, r) if border == "replicate" else _filter._reflect_101(n, r)
        padded = xp.take(x, xp.asarray(idx, device=dev), axis=axis)
        acc = None
        for j in range(k):
            sl = [slice(None)] * 3
            sl[axis] = slice(j, j + n)
            part = padded[tuple(sl)] * xp.reshape(t[:, j], (-1, 1, 1))
            acc = part if acc is None else acc + part
        x = acc
    return x


def liquid_layer(like: Any, seed: Any, mean: Param, std: Param, sigma: Param, cutout: Param) -> Any:
    """The ``(N, H, W)`` float64 liquid layers (blurred, zero below ``cutout``) of ``like``'s samples."""
    xp = namespace(like)
    h, w = int(like.shape[-3]), int(like.shape[-2])
    n = int(like.shape[0]) if like.ndim == 4 else 1
    bits = xp.reshape(R.philox_u16(like, R.seeds_array(seed), h * w), (n, h, w))
    z = xp.astype(R.lookup(xp, R.normal_table(), bits), xp.float64)
    dev = device(like)
    col = (n, 1, 1)
    m = xp.reshape(xp.asarray(_samples(mean, n), device=dev), col)
    s = xp.reshape(xp.asarray(_samples(std, n), device=dev), col)
    layer = z * s + m
    sig = _samples(sigma, n)
    taps = gauss64(liquid_ksize(sig), sig)
    if taps.shape[-1] > 1:
        layer = _sep(xp, layer, taps, "replicate", xp.float64)
    thr = xp.reshape(xp.asarray(_samples(cutout, n), device=dev), col)
    return xp.where(layer < thr, 0.0, layer)


def liquid_u8(xp: Any, layer: Any) -> Any:
    """albumentations' ``clip(layer * 255, uint8)``: clipped to [0, 255], truncated."""
    return xp.astype(xp.minimum(xp.maximum(layer * 255.0, 0.0), 255.0), xp.uint8)


def rain_distance(layer8: np.ndarray) -> np.ndarray:
    """Host ``(N, H, W)`` float32: the L2 distance (OpenCV's 5x5 mask) to the Canny (50, 150) edges
    of each uint8 layer, capped at 20."""
    import cv2  # a dependency of xalbu; only this host step needs it here

    out = np.empty(layer8.shape, np.float32)
    for i, plane in enumerate(layer8):
        edges = 255 - cv2.Canny(np.ascontiguousarray(plane), 50, 150)
        out[i] = np.minimum(cv2.distanceTransform(edges, cv2.DIST_L2, 5), np.float32(20.0))
    return out


def _equalize(xp: Any, v: Any) -> Any:
    """``cv2.equalizeHist`` of each ``(N, H, W)`` int64 plane of levels in [0, 255], batched with
    one sort (per-sample cumulative histograms by ``searchsorted``)."""
    n, h, w = (int(s) for s in v.shape)
    dev = device(v)
    total = h * w
    keys = xp.reshape(v + xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * 256, (n, 1, 1)), (-1,))
    cum = xp.searchsorted(xp.sort(keys), xp.arange(n * 256, dtype=xp.int64, device=dev), side="right")
    cum = xp.reshape(xp.astype(cum, xp.int64), (n, 256)) - xp.reshape(
        xp.arange(n, dtype=xp.int64, device=dev) * total, (n, 1)
    )
    low = xp.min(xp.reshape(v, (n, -1)), axis=1)  # the first level present
    first = xp.take(xp.reshape(cum, (-1,)), low + xp.arange(n, dtype=xp.int64, device=dev) * 256, axis=0)
    rest = xp.astype(total - first, xp.float32)
    scale = xp.reshape(255.0 / xp.where(rest > 0, rest, 1.0), (n, 1))
    lut = xp.round(xp.astype(cum - xp.reshape(first, (n, 1)), xp.float32) * scale)
    lut = xp.minimum(xp.maximum(lut, 0.0), 255.0)
    flat = xp.reshape(lut, (-1,))
    out = xp.take(flat, xp.reshape(keys, (-1,)), axis=0)
    out = xp.reshape(out, (n, h, w))
    same = xp.reshape(rest == 0, (n, 1, 1))  # one level only: every pixel keeps it
    return xp.where(same, xp.astype(v, xp.float32), out)


def rain_mask(xp: Any, layer: Any, dist: Any) -> Any:
    """albumentations' rain mask ``(N, H, W)`` float32 in [0, 1] from the layers and their capped
    distances (``dist``: float32 on the layers' device)."""
    n = int(layer.shape[0])
    dev = device(layer)
    d = _sep(xp, dist, np.tile(_filter.gaussian_taps(3, 1.0), (n, 1)), "replicate", xp.float32)
    d8 = xp.astype(xp.minimum(xp.maximum(xp.round(d * 255.0), 0.0), 255.0), xp.int64)
    eq = _equalize(xp, d8)
    df = xp.take(xp.asarray(_LEVELS, device=dev), xp.reshape(xp.astype(eq, xp.int64), (-1,)), axis=0)
    df = _relief(xp, xp.reshape(df, d8.shape))
    df = _sep(xp, df, np.tile(_filter.gaussian_taps(5, 1.5), (n, 1)), "replicate", xp.float32)
    m = xp.astype(liquid_u8(xp, layer), xp.float32) * df
    top = xp.max(xp.reshape(m, (n, -1)), axis=1)
    inv = xp.reshape(1.0 / xp.where(top > 0, top, 1.0), (n, 1, 1))
    return xp.where(xp.reshape(top > 0, (n, 1, 1)), m * inv, 0.0)


def _relief(xp: Any, x: Any) -> Any:
    """``cv2.filter2D(x, -1, RAIN_RELIEF)`` on float32 ``(N, H, W)`` planes (reflect-101), clipped
    to [0, 1] (albumentations' ``clipped`` float32 result)."""
    h, w = int(x.shape[1]), int(x.shape[2])
    dev = device(x)
    p = xp.take(x, xp.asarray(_filter._reflect_101(h, 1), device=dev), axis=1)
    p = xp.take(p, xp.asarray(_filter._reflect_101(w, 1), device=dev), axis=2)
    acc = None
    for i in range(3):
        for j in range(3):
            c = float(RAIN_RELIEF[i, j])
            if c == 0.0:
                continue
            part = p[:, i : i + h, j : j + w] * c
            acc = part if acc is None else acc + part
    return xp.minimum(xp.maximum(acc, 0.0), 1.0)


def mud_mask(xp: Any, like: Any, layer: Any, seed: Any, cutout: Param, sigma: Param, intensity: Param) -> Any:
    """albumentations' mud mask ``(N, H, W)`` float32 (times ``intensity``)."""
    n, h, w = (int(s) for s in layer.shape)
    dev = device(layer)
    col = (n, 1, 1)
    thr = xp.reshape(xp.asarray(_samples(cutout, n), device=dev), col)
    mask = xp.astype(layer > thr, xp.float32)
    # the fallback: the 10% of pixels (at least one) with the smallest keys (second field, index)
    need = max(1, int(0.1 * h * w))
    bits = xp.reshape(R.philox_u16(like, R.seeds_array(seed), 2 * h * w), (n, 2 * h * w))[:, h * w :]
    keys = xp.astype(bits, xp.int64) * (h * w) + xp.reshape(
        xp.arange(h * w, dtype=xp.int64, device=dev), (1, -1)
    )
    kth = xp.sort(keys, axis=1)[:, need - 1 : need]
    forced = xp.astype(xp.reshape(keys <= kth, (n, h, w)), xp.float32)
    empty = xp.reshape(xp.sum(xp.reshape(mask, (n, -1)), axis=1) == 0, col)
    mask = xp.where(empty, forced, mask)
    sig = _samples(sigma, n)
    if (sig > 0).any():
        on = sig > 0
        sizes = np.where(on, mud_ksize(np.where(on, sig, 0.0)), 1)
        mask = _sep(xp, mask, _filter.gaussian_taps(sizes, np.where(on, sig, 0.0)), "replicate", xp.float32)
    top = xp.reshape(xp.max(xp.reshape(mask, (n, -1)), axis=1), col)
    corner = xp.reshape(xp.arange(h * w, device=dev) == 0, (1, h, w))
    mask = xp.where(top > 0, mask / xp.where(top > 0, top, 1.0), xp.where(corner, 1.0, mask))
    inten = xp.reshape(xp.asarray(_samples(intensity, n).astype(np.float32), device=dev), col)
    return mask * inten


@kernel
def spatter(
    img: Any,
    mean: Param,
    std: Param,
    sigma: Param,
    cutout_threshold: Param,
    intensity: Param,
    seed: Any,
    mode: str,
    color: Any,
    /,
) -> Any:
    """albumentations' Spatter (``mode`` ``"rain"`` or ``"mud"``, ``color`` RGB in 0-255) with the
    liquid layer of ``seed`` (an int, or ``(N,)`` seeds with ``(N,)`` parameters for an NHWC batch);
    see the module. uint8 images: ``rint(255 x)`` of the float32 result; float32: clipped to [0, 1].

    >>> import numpy as np
    >>> img = np.full((8, 8, 3), 100, np.uint8)
    >>> out = spatter(img, 0.65, 0.3, 2.0, 0.68, 0.0, 7, "mud", (20, 42, 63))
    >>> bool((out == img).all())
    True
    """
    xp = namespace(img)
    if mode not in MODES:
        raise ValueError(f"spatter: mode: expected one of {list(MODES)}, got {mode!r}")
    dev = device(img)
    n = int(img.shape[0]) if img.ndim == 4 else 1
    floating = is_float(xp, img.dtype)
    x = xp.astype(img, xp.float32) if floating else xp.astype(img, xp.float32) / 255.0
    x = x if img.ndim == 4 else x[None, ...]
    layer = liquid_layer(img, seed, mean, std, sigma, cutout_threshold)
    c64 = np.asarray(color, np.float64) / 255.0
    if mode == "rain":
        dist = xp.asarray(rain_distance(to_host(liquid_u8(xp, layer))), device=dev)
        m = xp.astype(rain_mask(xp, layer, dist), xp.float64)
        gain = xp.reshape(xp.asarray(_samples(intensity, n) * 0.9, device=dev), (n, 1, 1, 1))
        drops = xp.astype(m[..., None] * xp.asarray(c64, device=dev) * gain, xp.float32)
        out = x + drops
    else:
        mask = mud_mask(xp, img, layer, seed, cutout_threshold, sigma, intensity)[..., None]
        c = xp.asarray(c64.astype(np.float32), device=dev)
        mud = mask * c
        safe = xp.where(c > 0, c, 1.0)
        non_mud = xp.where(c > 0, xp.minimum(xp.maximum((c - mud) / safe, 0.0), 1.0), 1.0 - mask)
        out = x * non_mud + mud
    out = xp.minimum(xp.maximum(out, 0.0), 1.0)
    out = out if img.ndim == 4 else out[0, ...]
    if floating:
        return xp.astype(out, img.dtype)
    return xp.astype(xp.minimum(xp.maximum(xp.round(out * 255.0), 0.0), 255.0), img.dtype)
