"""Generic blur kernels over array-API arrays (see :mod:`xalbu.transforms.blur`).

Every kernel takes an HWC image or an NHWC batch (the channel axis is always present), keeps the
input's dtype (integers rounded half to even and saturated, float32 clipped to [0, 1] with NaN
kept), and never writes into its input. Kernel sizes, sigmas and the like are Python scalars, or
host NumPy arrays of length N (one value per sample of a batch); per-sample filters of different
sizes are padded with zero weights to the largest (zero weights are skipped, so padding changes
nothing). The linear blurs build their weights on the host and call the shared filters of
:mod:`xalbu.functional._filter`, which dispatch to each backend's override (one CUDA launch or two
per batch on CuPy). Borders are reflect-101 (``dc|abcd|cb``) but for the median, whose border
repeats the edge pixel (``aa|abcd|dd``), as OpenCV's ``medianBlur``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _filter
from xalbu.functional._common import Param
from xalbu.functional._utils import clip, max_value, namespace, round_cast


def per_sample(value: Param, img: Any) -> tuple[np.ndarray, bool]:
    """``(values, batched)``: host values as a 1-D array (length 1 when shared) and whether a
    batch gets one per sample."""
    arr = np.asarray(value)
    batched = arr.ndim == 1 and img.ndim == 4
    return (arr if batched else arr.reshape(1)), batched


def _taps(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets ``-r..r`` of the largest odd size, and for each size which of them it covers."""
    k = int(sizes.max())
    x = np.arange(k, dtype=np.int64) - k // 2
    return x, np.abs(x)[None, :] <= (sizes // 2)[:, None]


def box_weights(ksize: Param, img: Any) -> np.ndarray:
    """The 1-D box filters ``1/k`` of each sample (``(k,)`` shared, ``(N, kmax)`` per sample, centred and
    padded with zeros); vectorised over the samples."""
    sizes, batched = per_sample(ksize, img)
    sizes = sizes.astype(np.int64)
    _, inside = _taps(sizes)
    w = np.where(inside, (1.0 / sizes)[:, None], 0.0).astype(np.float32)
    return w if batched else w[0]


@kernel
def box_blur(img: Any, ksize: Param, /) -> Any:
    """Mean over a ``ksize x ksize`` window (odd sizes; 1 is the identity), reflect-101 borders.

    As ``cv2.blur``: uint8 ``[0, 0, 3, 0, 0]`` (one row, ``ksize=3``, so the column pass sees the
    same row three times) gives ``[0, 1, 1, 1, 0]`` (``3 / 3``).

    >>> import numpy as np
    >>> box_blur(np.array([[0, 0, 3, 0, 0]], np.uint8)[..., None], 3)[..., 0]
    array([[0, 1, 1, 1, 0]], dtype=uint8)
    """
    w = box_weights(ksize, img)
    return _filter.convolve_separable(img, w, w)


def gaussian_1d(sigma: float, ksize: int) -> np.ndarray:
    """One float32 Gaussian of :func:`gaussian_weights` (``ksize`` 0: from ``sigma``)."""
    size = int(sigma * 3.5) * 2 + 1 if ksize == 0 else ksize
    size += size % 2 == 0
    if sigma <= 0 or size == 1:
        return np.ones(1, np.float32)
    x = np.arange(-(size // 2), size // 2 + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return (g / g.sum()).astype(np.float32)


def gaussian_weights(sigma: Param, ksize: Param, img: Any) -> np.ndarray:
    """albumentations' 1-D Gaussian ``exp(-x**2 / (2 sigma**2))`` normalised, per sample (vectorised).

    Size ``ksize`` (an even size grows by one), or ``int(sigma * 3.5) * 2 + 1`` where ``ksize`` is
    0; ``sigma`` 0 (or a size of 1) gives the identity ``[1]``. Computed in float64, then float32;
    ``(k,)`` shared, ``(N, kmax)`` per sample (centred, padded with zeros).
    """
    sigmas, batched = per_sample(sigma, img)
    sizes, batched_k = per_sample(ksize, img)
    if not (batched or batched_k):
        return gaussian_1d(float(sigmas[0]), int(sizes[0]))
    sigmas, sizes = np.broadcast_arrays(sigmas.astype(np.float64), sizes.astype(np.int64))
    size = np.where(sizes == 0, (sigmas * 3.5).astype(np.int64) * 2 + 1, sizes)
    size = size + (size % 2 == 0)
    size = np.where(sigmas <= 0, 1, size)
    x, inside = _taps(size)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(inside, np.exp(-0.5 * (x[None, :] / sigmas[:, None]) ** 2), 0.0)
    g = np.where((size == 1)[:, None], (x == 0)[None, :].astype(np.float64), g)
    return (g / g.sum(axis=1, keepdims=True)).astype(np.float32)


@kernel
def gaussian_blur(img: Any, sigma: Param, ksize: Param, /) -> Any:
    """Separable Gaussian blur with albumentations' kernel (:func:`gaussian_weights`), reflect-101.

    Example: ``sigma=1, ksize=3`` has the weights ``[0.2741, 0.4519, 0.2741]``; a uint8 impulse 100
    in a 3x3 image becomes ``100 * 0.4519**2 = 20.42 -> 20`` at the centre.

    >>> import numpy as np
    >>> img = np.zeros((3, 3, 1), np.uint8); img[1, 1] = 100
    >>> int(gaussian_blur(img, 1.0, 3)[1, 1, 0])
    20
    """
    w = gaussian_weights(sigma, ksize, img)
    return _filter.convolve_separable(img, w, w)


def _replicate(n: int, r: int) -> np.ndarray:
    return np.clip(np.arange(-r, n + r), 0, n - 1)


def _median(xp: Any, img: Any, k: int) -> Any:
    """Median over ``k x k`` windows (k odd), border ``aa|abcd|dd``: the middle of the sorted taps."""
    if k == 1:
        return img
    h, w = int(img.shape[-3]), int(img.shape[-2])
    r = k // 2
    dev = device(img)
    x = xp.take(img, xp.asarray(_replicate(h, r), device=dev), axis=img.ndim - 3)
    x = xp.take(x, xp.asarray(_replicate(w, r), device=dev), axis=img.ndim - 2)
    taps = [x[..., i : i + h, j : j + w, :] for i in range(k) for j in range(k)]
    stacked = xp.stack(taps, axis=0)
    return xp.sort(stacked, axis=0)[(k * k) // 2, ...]


@kernel
def median_blur(img: Any, ksize: Param, /) -> Any:
    """Median over a ``ksize x ksize`` window (odd; 1 is the identity), border ``aa|abcd|dd``.

    Every dtype keeps its values (no conversion: a float32 image's median is one of its values).
    NaN sorts last. Example: uint8 row ``[9, 1, 5, 7]`` with ``ksize=3`` (the rows above and below
    repeat it) gives ``[9, 5, 5, 7]``: windows ``{9,9,1}``, ``{9,1,5}``, ``{1,5,7}``, ``{5,7,7}``,
    three times each.

    >>> import numpy as np
    >>> median_blur(np.array([[9, 1, 5, 7]], np.uint8)[..., None], 3)[..., 0]
    array([[9, 5, 5, 7]], dtype=uint8)
    """
    xp = namespace(img)
    sizes, batched = per_sample(ksize, img)
    if not batched or np.all(sizes == sizes[0]):
        return _median(xp, img, int(sizes[0]))
    out = None
    for k in np.unique(sizes):  # a few distinct sizes, not a loop over samples
        part = _median(xp, img, int(k))
        pick = xp.reshape(xp.asarray(sizes == k, device=device(img)), (-1, 1, 1, 1))
        out = part if out is None else xp.where(pick, part, out)
    return out


def _linspace(start: np.ndarray, stop: np.ndarray, num: np.ndarray, width: int) -> np.ndarray:
    """``np.linspace(start[n], stop[n], num[n])`` for every row ``n`` (same float arithmetic), padded to
    ``width`` columns (the padding is garbage: mask it with ``j < num``)."""
    j = np.arange(width, dtype=np.float64)[None, :]
    div = (num - 1).astype(np.float64)[:, None]
    delta = (stop - start)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = delta / div
        y = np.where(div > 0, np.where(step == 0, j / div * delta, j * step), j * delta)
    y = y + start[:, None]
    last = (np.arange(width)[None, :] == (num - 1)[:, None]) & (num > 1)[:, None]
    return np.where(last, stop[:, None], y)


def _motion_one(k: int, angle: float, direction: float, shift_x: float, shift_y: float) -> np.ndarray:
    """:func:`motion_kernels` for one image, in Python floats (the same IEEE arithmetic, ~10x faster)."""
    d = min(max(direction, -1.0), 1.0)
    r = k // 2
    start = -r * (1 - d) if d > 0 else float(-r)
    stop = r * (1 - abs(d)) if d < 0 else float(r)
    rad = np.deg2rad(np.float64(angle))
    dx, dy = float(np.cos(rad)), float(np.sin(rad))
    if k > 1:
        step = (stop - start) / (k - 1)
        t = [j * step + start for j in range(k - 1)] + [stop]
    else:
        t = [start]
    ox, oy = shift_x * r / 2, shift_y * r / 2
    hi = k - 1
    xs = [min(max(round(r + dx * v + ox), 0), hi) for v in t]
    ys = [min(max(round(r + dy * v + oy), 0), hi) for v in t]
    out = np.zeros((k, k), np.float32)
    out[ys, xs] = np.float32(1.0) / np.float32(len(set(zip(ys, xs, strict=True))))
    return out


def motion_kernels(
    ksize: Param, angle: Param, direction: Param, shift_x: Param, shift_y: Param
) -> np.ndarray:
    """albumentations' motion-blur line kernels, normalised, built on the host for every sample at once.

    A line of ``ksize`` points through the centre at ``angle`` degrees (counter-clockwise from +x in
    image coordinates, y down), spread over ``t`` in ``[-r, r]`` (``r = ksize // 2``), shortened on one
    side by ``direction`` (-1: only backward, 1: only forward), moved by ``(shift_x, shift_y) * r / 2``
    (the shifts in [-1, 1]); the points are rounded half to even, clipped into the kernel, set to 1,
    and the kernel is divided by its sum. Scalars give one ``(k, k)`` float32 kernel; arrays give
    ``(N, kmax, kmax)``, each centred and padded with zeros.

    >>> motion_kernels(3, 0.0, 0.0, 0.0, 0.0) * 3
    array([[0., 0., 0.],
           [1., 1., 1.],
           [0., 0., 0.]], dtype=float32)
    """
    values = (ksize, angle, direction, shift_x, shift_y)
    if all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return _motion_one(int(ksize), float(angle), float(direction), float(shift_x), float(shift_y))
    batched = any(np.ndim(v) == 1 for v in values)
    k, a, d, sx, sy = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(v, dtype=t))
            for v, t in zip(
                (ksize, angle, direction, shift_x, shift_y), (np.int64,) + (np.float64,) * 4, strict=True
            )
        )
    )
    kmax = int(k.max())
    d = np.clip(d, -1.0, 1.0)
    r = k // 2
    rf = r.astype(np.float64)
    start = np.where(d > 0, -rf * (1 - d), -rf)
    stop = np.where(d < 0, rf * (1 - np.abs(d)), rf)
    t = _linspace(start, stop, k, kmax)
    rad = np.deg2rad(a)[:, None]
    x = r[:, None] + np.cos(rad) * t + (sx * r / 2)[:, None]
    y = r[:, None] + np.sin(rad) * t + (sy * r / 2)[:, None]
    hi = (k - 1)[:, None]
    xi = np.clip(np.round(x), 0, hi).astype(np.int64)
    yi = np.clip(np.round(y), 0, hi).astype(np.int64)
    valid = np.arange(kmax)[None, :] < k[:, None]
    off = ((kmax - k) // 2)[:, None]
    n = np.broadcast_to(np.arange(len(k))[:, None], valid.shape)
    out = np.zeros((len(k), kmax, kmax), np.float32)
    out[n[valid], (yi + off)[valid], (xi + off)[valid]] = 1.0
    out /= out.sum(axis=(1, 2), keepdims=True)
    return out if batched else out[0]


def _opencv_gaussian(ksize: np.ndarray, sigma: np.ndarray, width: int) -> np.ndarray:
    """OpenCV's ``getGaussianKernel(ksize, sigma)`` (:func:`~xalbu.functional._filter.gaussian_taps`)
    as float32 rows ``(N, width)``, each centred (``width`` odd, at least the largest size)."""
    g = _filter.gaussian_taps(np.asarray(ksize), np.asarray(sigma, np.float64))
    pad = (width - g.shape[1]) // 2
    return np.pad(g, ((0, 0), (pad, pad))) if pad > 0 else g


def _smooth_axis(x: np.ndarray, w: np.ndarray, half: np.ndarray, axis: int) -> np.ndarray:
    """Filter ``(N, S, S)`` float32 ``x`` along ``axis`` (1 or 2) with the symmetric float32 ``w``
    ``(N, 5)`` as OpenCV's symmetric float filters sum (``w0 x0 + w1 (x-1 + x1) + w2 (x-2 + x2)``),
    each sample within its own centred ``2 half + 1`` window, reflect-101 at its edges."""
    s = x.shape[1]
    c = s // 2
    j = np.arange(s)[None, :] - c  # offsets from the centre
    n = 2 * half[:, None] + 1

    def take(t: int) -> np.ndarray:
        i = j + t + half[:, None]  # index within the sample's own window
        p = np.maximum(2 * n - 2, 1)
        m = np.remainder(i, p)
        i = np.where(n == 1, 0, np.where(m >= n, 2 * n - 2 - m, m)) - half[:, None] + c
        i = np.clip(i, 0, s - 1)
        idx = i[:, :, None] if axis == 1 else i[:, None, :]
        return np.take_along_axis(x, idx, axis=axis)

    def weight(t: int) -> np.ndarray:
        return w[:, 2 + t][:, None, None]

    out = weight(0) * x
    for t in (1, 2):
        out = out + weight(t) * (take(-t) + take(t))
    inside = np.abs(j) <= half[:, None]
    mask = inside[:, :, None] if axis == 1 else inside[:, None, :]
    return np.where(mask, out, np.float32(0)).astype(np.float32)


def defocus_kernels(radius: Param, alias_blur: Param) -> np.ndarray:
    """albumentations' defocus kernels, built on the host for every sample at once.

    A disc of ``radius`` (the pixels with ``x**2 + y**2 <= radius**2``) in a ``2 max(8, radius) + 1``
    square, divided by its pixel count, then smoothed by OpenCV's Gaussian of size 3 (radius <= 8) or
    5 with ``sigma = alias_blur`` (0: OpenCV's default tables), reflect-101 at the square's edges.
    ``radius`` 0 gives the identity ``[[1]]``. Scalars give ``(S, S)``; arrays ``(N, Smax, Smax)``,
    each centred and zero-padded.

    >>> defocus_kernels(1, 0.0)[7:10, 7:10].astype(float).round(4).tolist()  # 5 disc pixels of 0.2, smoothed
    [[0.0625, 0.1, 0.0625], [0.1, 0.15, 0.1], [0.0625, 0.1, 0.0625]]
    """
    batched = np.ndim(radius) == 1 or np.ndim(alias_blur) == 1
    r, a = np.broadcast_arrays(
        np.atleast_1d(np.asarray(radius, np.int64)), np.atleast_1d(np.asarray(alias_blur, np.float64))
    )
    half = np.maximum(8, r)
    half = np.where(r == 0, 0, half)
    size = int(2 * half.max() + 1)
    c = size // 2
    x = np.arange(size) - c
    d2 = x[None, :, None] ** 2 + x[None, None, :] ** 2
    disc = (d2 <= (r * r)[:, None, None]).astype(np.float32)
    disc /= disc.sum(axis=(1, 2), keepdims=True, dtype=np.float32)
    g = _opencv_gaussian(np.where(r <= 8, 3, 5), a, 5)
    out = _smooth_axis(_smooth_axis(disc, g, half, 2), g, half, 1)
    out = np.where((r == 0)[:, None, None], disc, out)
    return out if batched else out[0]


def _advanced_one(k: int, sx: float, sy: float, angle: float, beta: float, noise: np.ndarray) -> np.ndarray:
    """:func:`advanced_kernels` for one image: the 2x2 inverse in closed form, a few small array ops."""
    if k == 1:
        return np.ones((1, 1), np.float32)
    rad = math.radians(angle)
    c, s = math.cos(rad), math.sin(rad)
    vx, vy = sx * sx, sy * sy
    m00, m01, m11 = c * c * vx + s * s * vy, c * s * (vx - vy), s * s * vx + c * c * vy
    det = m00 * m11 - m01 * m01
    i00, i01, i11 = m11 / det, -m01 / det, m00 / det
    r = k // 2
    ax = np.arange(-r, r + 1, dtype=np.float64)
    x, y = ax[None, :], ax[:, None]
    q = (x * i00 + y * i01) * x + (x * i01 + y * i11) * y
    off = (noise.shape[-1] - k) // 2
    kern = np.exp(-0.5 * q**beta) * noise[off : off + k, off : off + k]
    return (kern.astype(np.float32) / kern.sum()).astype(np.float32)


def advanced_kernels(
    ksize: Param, sigma_x: Param, sigma_y: Param, angle: Param, beta: Param, noise: np.ndarray
) -> np.ndarray:
    """albumentations' generalised-Gaussian kernels (AdvancedBlur), built on the host for every sample.

    ``exp(-0.5 * q**beta) * noise`` over the ``ksize x ksize`` grid of offsets ``-r..r``, with ``q`` the
    quadratic form of the inverse of ``R diag(sigma_x**2, sigma_y**2) R^T`` (``R`` the rotation by
    ``angle`` degrees), divided by its sum. ``noise`` is ``(k, k)`` for one image, ``(N, kmax, kmax)``
    for a batch (only each sample's centred ``k x k`` part is read). ``ksize`` 1 gives ``[[1]]``.
    Scalars give ``(k, k)``; arrays ``(N, kmax, kmax)``, each centred and zero-padded.

    >>> k = advanced_kernels(3, 1.0, 1.0, 0.0, 1.0, np.ones((3, 3)))  # beta 1: an isotropic Gaussian
    >>> bool(np.isclose(k[1, 1] / k[1, 0], np.exp(0.5)))
    True
    """
    values = (ksize, sigma_x, sigma_y, angle, beta)
    if all(isinstance(v, (int, float, np.integer, np.floating)) for v in values) and np.ndim(noise) == 2:
        return _advanced_one(int(ksize), float(sigma_x), float(sigma_y), float(angle), float(beta), noise)
    batched = any(np.ndim(v) == 1 for v in values)
    k, sx, sy, a, b = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(v, t))
            for v, t in zip(values, (np.int64,) + (np.float64,) * 4, strict=True)
        )
    )
    kmax = int(k.max())
    ax = np.arange(kmax, dtype=np.float64) - kmax // 2
    rad = np.deg2rad(a)
    c, s = np.cos(rad), np.sin(rad)
    u = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)  # (N, 2, 2)
    d = np.zeros((len(k), 2, 2))
    d[:, 0, 0], d[:, 1, 1] = sx**2, sy**2
    inv = np.linalg.inv(u @ (d @ np.swapaxes(u, 1, 2)))
    x, y = ax[None, None, :], ax[None, :, None]  # grid[..., 0] = x (columns), grid[..., 1] = y (rows)
    i = inv[:, None, None]
    q = (x * i[..., 0, 0] + y * i[..., 1, 0]) * x + (x * i[..., 0, 1] + y * i[..., 1, 1]) * y
    kern = np.exp(-0.5 * np.power(q, b[:, None, None]))
    nz = np.asarray(noise, np.float64)
    nz = nz[None] if nz.ndim == 2 else nz
    off = (nz.shape[-1] - kmax) // 2
    kern = kern * nz[:, off : off + kmax, off : off + kmax]
    r = (k // 2)[:, None, None]
    inside = (np.abs(x) <= r) & (np.abs(y) <= r)
    kern = np.where(inside, kern, 0.0)
    out = (kern.astype(np.float32) / kern.sum(axis=(1, 2), keepdims=True)).astype(np.float32)
    out = np.where((k == 1)[:, None, None] & (x == 0) & (y == 0), np.float32(1), out)
    return out if batched else out[0]


def zoom_factors(max_factor: Param, step: Param, width: int = 0) -> np.ndarray:
    """``np.arange(1, max_factor, step)`` for every sample at once (NumPy's values: ``1 + i * d`` with
    ``d = (1 + step) - 1``), padded with 0 (no term) to the longest, or to ``width`` columns where that
    is more (a width fixed by the transform's ranges keeps a batch's passes independent of its size):
    ``(F,)`` for scalars, ``(N, F)``.

    >>> zoom_factors(1.05, 0.02).round(6).tolist()
    [1.0, 1.02, 1.04]
    """
    batched = np.ndim(max_factor) == 1 or np.ndim(step) == 1
    m, s = np.broadcast_arrays(
        np.atleast_1d(np.asarray(max_factor, np.float64)), np.atleast_1d(np.asarray(step, np.float64))
    )
    count = np.maximum(np.ceil((m - 1.0) / s), 0).astype(np.int64)
    i = np.arange(max(int(count.max()), width), dtype=np.float64)[None, :]
    values = 1.0 + i * ((1.0 + s) - 1.0)[:, None]
    out = np.where(i < count[:, None], values, 0.0)
    return out if batched else out[0]


def _zoom_taps(n: int, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each factor ``z`` (``(N,)``, 0: none): the source rows ``(y0, y1)`` and float32 weight of ``y1``
    of every output row, as albumentations' central zoom samples them (crop ``ceil(n / z)`` centred,
    ``cv2.resize`` linear to ``int(crop * z)``, centred trim back to ``n``)."""
    valid = z > 0
    zz = np.where(valid, z, 1.0)
    crop = np.ceil(n / zz).astype(np.int64)
    top = (n - crop) // 2
    new = (crop * zz).astype(np.int64)
    trim = (new - n) // 2
    scale = 1.0 / (new / crop)  # OpenCV: 1 / inv_scale, inv_scale = dst / src
    d = np.arange(n)[None, :] + trim[:, None]
    f = ((d + 0.5) * scale[:, None] - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    frac = f - s.astype(np.float32)
    low = s < 0
    high = s + 1 >= crop[:, None]
    s = np.where(low, 0, np.where(high, crop[:, None] - 1, s))
    frac = np.where(low | high, np.float32(0), frac).astype(np.float32)
    same = (new == crop)[:, None]  # a factor of 1: the crop is the image, no resampling
    y0 = np.where(same, np.arange(n)[None, :], top[:, None] + s)
    y1 = np.where(same, y0, top[:, None] + np.minimum(s + 1, crop[:, None] - 1))
    return y0, y1, np.where(same, np.float32(0), frac)


def _gather(xp: Any, x: Any, idx: np.ndarray, axis: int) -> Any:
    """``x[n, idx[n]]`` along ``axis`` (1: rows, 2: columns) of an NHWC ``x``, per sample."""
    n = x.shape[0]
    if axis == 2:
        x = xp.permute_dims(x, (0, 2, 1, 3))
    length = x.shape[1]
    flat = xp.reshape(x, (n * length, x.shape[2], x.shape[3]))
    rows = (np.arange(n)[:, None] * length + idx).reshape(-1)
    out = xp.reshape(
        xp.take(flat, xp.asarray(rows, device=device(x)), axis=0), (n, idx.shape[1], x.shape[2], x.shape[3])
    )
    return xp.permute_dims(out, (0, 2, 1, 3)) if axis == 2 else out


@kernel
def zoom_blur(img: Any, factors: Param, /) -> Any:
    """The mean of the image and its central zooms by ``factors`` (albumentations' ZoomBlur).

    ``factors``: ``(F,)`` shared or ``(N, F)`` per sample, each >= 1, 0 for none. A zoom crops the
    centred ``ceil(H / z) x ceil(W / z)`` part, resizes it linearly (OpenCV's rules: pixel centres,
    edge taps repeated) to ``int(crop * z)``, and trims it back to ``H x W`` around the centre. The
    sum runs in float32 on the image scaled to [0, 1] (``img / max``), is divided by ``F + 1``,
    clipped to [0, 1] and scaled back (integers rounded half to even).

    >>> import numpy as np
    >>> zoom_blur(np.array([[0, 10, 20, 30]], np.uint8)[..., None], np.array([1.0]))[..., 0]
    array([[ 0, 10, 20, 30]], dtype=uint8)
    """
    xp = namespace(img)
    f = np.asarray(factors, np.float64)
    single = img.ndim == 3
    x = img[None, ...] if single else img
    n, h, w = int(x.shape[0]), int(x.shape[1]), int(x.shape[2])
    f = np.broadcast_to(f.reshape(1, -1) if f.ndim == 1 else f, (n, f.shape[-1]))
    mx = max_value(xp, img.dtype)
    src = xp.astype(x, xp.float32)
    if mx != 1.0:
        src = src / xp.asarray(mx, dtype=xp.float32, device=device(img))
    acc = xp.zeros_like(src)
    dev = device(img)
    for j in range(f.shape[1]):  # one pass per factor column, all samples at once
        z = f[:, j]  # all columns run, even empty ones: the passes depend on F only
        y0, y1, fy = _zoom_taps(h, z)
        x0, x1, fx = _zoom_taps(w, z)
        wx = xp.asarray(fx[:, None, :, None], device=dev)
        wy = xp.asarray(fy[:, :, None, None], device=dev)
        r0, r1 = _gather(xp, src, y0, 1), _gather(xp, src, y1, 1)
        row0 = _gather(xp, r0, x0, 2) * (1.0 - wx) + _gather(xp, r0, x1, 2) * wx
        row1 = _gather(xp, r1, x0, 2) * (1.0 - wx) + _gather(xp, r1, x1, 2) * wx
        zoomed = row0 * (1.0 - wy) + row1 * wy
        keep = xp.asarray((z > 0).reshape(-1, 1, 1, 1), device=dev)
        acc = acc + xp.where(keep, zoomed, 0.0)
    count = xp.asarray(((f > 0).sum(axis=1) + 1.0).astype(np.float32).reshape(-1, 1, 1, 1), device=dev)
    out = clip(xp, (src + acc) / count, 0.0, 1.0)
    if mx != 1.0:
        out = round_cast(xp, out * mx, img.dtype)
    else:
        out = xp.astype(out, img.dtype)
    return out[0, ...] if single else out


def opencv_sigma_weights(sigma: Param, dtype_name: str, img: Any) -> np.ndarray:
    """The 1-D Gaussian of OpenCV's ``GaussianBlur(ksize=(0, 0), sigmaX=sigma)``: size
    ``round(sigma * 3 * 2 + 1) | 1`` for uint8 (``4`` instead of ``3`` for other dtypes), weights
    ``exp(-x**2 / (2 sigma**2))`` normalised; ``sigma`` 0 is the identity. ``(k,)`` or ``(N, kmax)``."""
    sigmas, batched = per_sample(sigma, img)
    s = sigmas.astype(np.float64)
    mult = 3.0 if dtype_name == "uint8" else 4.0
    size = np.where(s > 0, np.rint(s * mult * 2 + 1).astype(np.int64) | 1, 1)
    w = _opencv_gaussian(size, np.where(s > 0, s, 1.0), int(size.max()))
    w = np.where((size == 1)[:, None], np.float32(1), w).astype(np.float32)
    return w if batched else w[0]


def glass_index_map(
    dxy: np.ndarray, shape: tuple[int, int], max_delta: int, exact: bool = False
) -> np.ndarray:
    """Where each pixel of albumentations' glass-blur shuffle comes from, as flat indices ``y * W + x``.

    ``dxy``: ``(P, iterations, 2)`` displacements ``(dy, dx)`` (or ``(N, P, iterations, 2)``) for the
    ``P = (H - 2 max_delta) * (W - 2 max_delta)`` pixels ``h`` in ``H - max_delta .. max_delta + 1`` and
    ``w`` likewise, descending. ``exact=False`` (albumentations' "fast" mode): each iteration swaps all
    pairs at once as NumPy's ``x[p], x[q] = x[q], x[p]`` does (the later of two writes to one pixel
    wins; pixels ordered with ``h`` fastest); ``exact=True``: the swaps one after another (``w``
    fastest). Returns ``(H * W,)`` (or ``(N, H * W)``): the image after the shuffle is
    ``x.reshape(-1)[map]`` per channel.

    >>> glass_index_map(np.array([[[-1, 0]]]), (3, 3), 1).reshape(3, 3).tolist()  # (2, 2) <-> (1, 2)
    [[0, 1, 2], [3, 4, 8], [6, 7, 5]]
    """
    h, w = shape
    batched = dxy.ndim == 4
    d = dxy if batched else dxy[None]
    n = d.shape[0]
    hw = h * w
    it = np.int32 if n * hw < 2**31 else np.int64
    base = np.arange(n * hw, dtype=it)
    hs = np.arange(h - max_delta, max_delta, -1, dtype=it)
    ws = np.arange(w - max_delta, max_delta, -1, dtype=it)
    offsets = (np.arange(n, dtype=it) * hw)[:, None]
    if hs.size == 0 or ws.size == 0 or d.shape[1] == 0:
        out = base.reshape(n, hw) - offsets
        return out if batched else out[0]
    if exact:
        ys, xs = np.repeat(hs, ws.size), np.tile(ws, hs.size)
    else:
        ys, xs = np.tile(hs, ws.size), np.repeat(ws, hs.size)
    p = ys * w + xs
    pp = (p[None, :] + offsets).reshape(-1)
    out = base
    for i in range(d.shape[2]):
        qq = (pp.reshape(n, -1) + d[:, :, i, 0].astype(it) * w + d[:, :, i, 1].astype(it)).reshape(-1)
        src = base.copy()
        if exact:
            for k in range(n):  # sequential swaps: a permutation built one transposition at a time
                perm = src[k * hw : (k + 1) * hw].tolist()
                for a, b in zip(p.tolist(), (qq.reshape(n, -1)[k] - k * hw).tolist(), strict=True):
                    perm[a], perm[b] = perm[b], perm[a]
                src[k * hw : (k + 1) * hw] = perm
        else:
            src[pp] = qq  # x[p] = old x[q]
            src[qq] = pp  # x[q] = old x[p], the later write winning
        out = out[src]
    out = out.reshape(n, hw) - offsets
    return out if batched else out[0]


@kernel
def glass_blur(img: Any, sigma: Param, index_map: np.ndarray, /) -> Any:
    """Gaussian blur, pixel shuffle by ``index_map`` (:func:`glass_index_map`), Gaussian blur again.

    ``sigma``: scalar or ``(N,)`` (OpenCV's automatic kernel size, :func:`opencv_sigma_weights`; 0: no
    blur); ``index_map``: ``(H * W,)`` or ``(N, H * W)`` host source indices. Reflect-101 borders;
    the shuffle moves whole pixels (all channels).

    >>> import numpy as np
    >>> img = np.arange(4, dtype=np.uint8).reshape(1, 4, 1)
    >>> glass_blur(img, 0.0, np.array([1, 0, 2, 3]))[..., 0]
    array([[1, 0, 2, 3]], dtype=uint8)
    """
    xp = namespace(img)
    name = str(np.dtype(str(img.dtype).split(".")[-1])) if "float64" not in str(img.dtype) else "float64"
    w = opencv_sigma_weights(sigma, name, img)
    x = _filter.convolve_separable(img, w, w) if w.shape[-1] > 1 else img
    single = x.ndim == 3
    x4 = x[None, ...] if single else x
    n, hgt, wid, c = (int(v) for v in x4.shape)
    m = np.asarray(index_map, np.int64).reshape(-1 if single else n, hgt * wid)
    if m.ndim == 1:
        m = m[None]
    rows = (m + np.arange(m.shape[0])[:, None] * hgt * wid).reshape(-1)
    flat = xp.reshape(x4, (n * hgt * wid, c))
    moved = xp.reshape(xp.take(flat, xp.asarray(rows, device=device(img)), axis=0), (n, hgt, wid, c))
    moved = moved[0, ...] if single else moved
    return _filter.convolve_separable(moved, w, w) if w.shape[-1] > 1 else moved
