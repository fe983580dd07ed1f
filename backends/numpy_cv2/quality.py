"""OpenCV / NumPy overrides of the quality kernels (CPU).

``jpeg`` and ``webp`` encode and decode through ``cv2.imencode``/``cv2.imdecode`` as albumentations
2.0.8 does (the same channel layout: 1 channel as a grayscale file, 2 channels padded with a zero
third, 3 as BGR, more as BGR plus one grayscale file per extra channel), so the output equals
albumentations' with the same OpenCV; ``jpeg`` equals the generic kernel bit for bit (the same
libjpeg-turbo arithmetic). uint16 and float32 images go through 8 bits as the generic kernel says.
``downscale`` is two resizes per sample: ``cv2.resize``, but nearest at pixel centres through
:func:`_nearest` and uint8 bilinear upscaling through ``cv2.warpAffine`` (:func:`_linear_up`).
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import _resize as R
from xalbu.functional import quality as F
from xalbu.functional._common import LINEAR, NEAREST

_JPEG = (".jpg", int(cv2.IMWRITE_JPEG_QUALITY))
_WEBP = (".webp", int(cv2.IMWRITE_WEBP_QUALITY))
_DTYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.float32))


def _round_trip(img: np.ndarray, quality: int, codec: tuple[str, int], gray: bool) -> np.ndarray:
    ok, buf = cv2.imencode(codec[0], img, (codec[1], quality))
    if not ok:  # pragma: no cover - OpenCV encodes every 8-bit 1/3-channel image
        raise RuntimeError(f"cv2.imencode({codec[0]!r}) failed on a {img.shape} image")
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_UNCHANGED)


def _compress(img: np.ndarray, quality: int, codec: tuple[str, int]) -> np.ndarray:
    """One uint8 HWC image through the codec, channels laid out as albumentations does."""
    c = img.shape[2]
    if quality <= 0:
        return img.copy()
    if c == 1:
        return _round_trip(img, quality, codec, True)[..., None]
    if c == 3:
        return _round_trip(img, quality, codec, False)
    if c == 2:
        padded = np.zeros((*img.shape[:2], 3), np.uint8)
        padded[..., :2] = img
        return np.ascontiguousarray(_round_trip(padded, quality, codec, False)[..., :2])
    out = np.empty_like(img)
    out[..., :3] = _round_trip(np.ascontiguousarray(img[..., :3]), quality, codec, False)
    for k in range(3, c):
        out[..., k] = _round_trip(np.ascontiguousarray(img[..., k]), quality, codec, True)
    return out


def _to_uint8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return np.rint(img.astype(np.float32) / np.float32(257)).astype(np.uint8)
    x = np.nan_to_num(img * np.float32(255), nan=0.0, posinf=255.0, neginf=0.0)
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def _from_uint8(out: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype == np.uint8:
        return out
    if dtype == np.uint16:
        return out.astype(np.uint16) * np.uint16(257)
    return out.astype(np.float32) / np.float32(255)


def _codec_override(img: np.ndarray, quality: Any, codec: tuple[str, int]) -> Any:
    if img.ndim not in (3, 4) or img.size == 0 or img.dtype not in _DTYPES:
        return NotImplemented
    x = _to_uint8(img)
    if img.ndim == 3:
        out = _compress(x, int(quality), codec)
    else:
        qs = np.broadcast_to(np.asarray(quality, dtype=np.int64), (img.shape[0],))
        out = np.empty_like(x)
        for n in range(x.shape[0]):
            out[n] = _compress(x[n], int(qs[n]), codec)
    return _from_uint8(out, img.dtype)


@register(F.jpeg, "numpy_cv2")
def jpeg(img: np.ndarray, /, quality: Any) -> Any:
    """``cv2.imencode('.jpg')`` + ``cv2.imdecode`` per sample (and per extra channel)."""
    return _codec_override(img, quality, _JPEG)


@register(F.webp, "numpy_cv2")
def webp(img: np.ndarray, /, quality: Any) -> Any:
    """``cv2.imencode('.webp')`` + ``cv2.imdecode`` per sample (and per extra channel)."""
    return _codec_override(img, quality, _WEBP)


@functools.lru_cache(maxsize=1024)
def _nearest_fixes(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One axis of the pixel-centre nearest resize against OpenCV's ``INTER_NEAREST_EXACT``: (the
    output positions where OpenCV takes another pixel, for each an output position where OpenCV
    takes the pixel it should (``None`` if one lacks such a donor), the contract's source indices).
    OpenCV misses the rule only where ``(j + 0.5) * n_in / n_out`` is a whole number (about one
    position in a hundred); when upscaling, a neighbour has the right pixel."""
    ramp = np.arange(n_in, dtype=np.int32)[None, :]
    got = cv2.resize(ramp, (n_out, 1), interpolation=cv2.INTER_NEAREST_EXACT).reshape(-1)
    want = np.asarray(R.nearest_index(n_in, n_out))
    wrong = np.flatnonzero(got != want)
    first = {}
    for j, g in enumerate(got.tolist()):
        first.setdefault(g, j)
    donors = [first.get(int(want[j])) for j in wrong]
    donor = None if any(d is None for d in donors) else np.array(donors, dtype=np.intp)
    for a in (wrong, want, donor):
        if a is not None:
            a.flags.writeable = False
    return wrong, donor, want


@functools.lru_cache(maxsize=256)
def _column_map(h: int, w: int, wo: int) -> np.ndarray:
    """``cv2.remap``'s int16 ``(h, wo, 2)`` map taking the contract's columns (cached, read-only)."""
    cols = R.nearest_index(w, wo).astype(np.int16)
    rows = np.arange(h, dtype=np.int16)
    out = np.ascontiguousarray(np.stack(np.broadcast_arrays(cols[None, :], rows[:, None]), axis=-1))
    out.flags.writeable = False
    return out


def _nearest(x: np.ndarray, ho: int, wo: int) -> np.ndarray:
    """Pixel-centre nearest resize of HWC ``x`` (<= 4 channels), one axis at a time: rows are whole
    row copies (``take``, before the columns when they shrink, after when they grow); columns are
    OpenCV's exact-nearest, with the few columns where it takes the neighbouring pixel copied from a
    column that has the right one (upscaling), or one ``cv2.remap`` with the right indices where
    there is none (downscaling; NumPy's gather past int16 coordinates). Twice as fast as a 2-D
    ``cv2.resize`` when upscaling."""
    h, w = x.shape[:2]
    rows = R.nearest_index(h, ho)
    if ho < h:
        x = x.take(rows, axis=0)
    if wo != w:
        bad_c, donor_c, cols = _nearest_fixes(w, wo)
        if donor_c is not None:
            y = cv2.resize(x, (wo, x.shape[0]), interpolation=cv2.INTER_NEAREST_EXACT)
            y = y if y.ndim == 3 else y[..., None]
            if bad_c.size:
                y[:, bad_c] = y[:, donor_c]
        elif w < 32768 and x.shape[0] < 32768:
            y = cv2.remap(x, _column_map(x.shape[0], w, wo), None, cv2.INTER_NEAREST)
            y = y if y.ndim == 3 else y[..., None]
        else:
            y = x.take(cols, axis=1)
        x = y
    if ho > h:
        return x.take(rows, axis=0)
    return x if (ho < h or wo != w) else x.copy()


def _linear_up(x: np.ndarray, ho: int, wo: int) -> np.ndarray:
    """Bilinear upscaling of a uint8 HWC image of 1, 3 or 4 channels with ``cv2.warpAffine`` (pixel
    centres, replicated edges: ``cv2.resize``'s sampling): OpenCV's warps have exact bilinear kernels
    for these channel counts and run about twice as fast as its uint8 resize here (within 1 level
    of it, as of the generic kernel)."""
    h, w = x.shape[:2]
    sx, sy = w / wo, h / ho
    m = np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5]])
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    out = cv2.warpAffine(x, m, (wo, ho), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return out if out.ndim == 3 else out[..., None]


def _resize(x: np.ndarray, hw: tuple[int, int], interpolation: int) -> np.ndarray:
    c = x.shape[2]
    if interpolation == NEAREST and c <= 4 and x.dtype in _DTYPES:
        return _nearest(x, *hw)
    if (
        interpolation == LINEAR
        and c in (1, 3, 4)
        and x.dtype == np.uint8
        and hw[0] >= x.shape[0]
        and hw[1] >= x.shape[1]
    ):
        return _linear_up(x, *hw)
    return R.resize(x, hw, interpolation)


@register(F.downscale, "numpy_cv2")
def downscale(img: np.ndarray, /, scale: Any, down_interpolation: int, up_interpolation: int) -> Any:
    """Per sample: two resizes through the sizing override (``cv2.resize``)."""
    if img.ndim not in (3, 4) or img.size == 0:
        return NotImplemented
    h, w = img.shape[-3], img.shape[-2]

    def one(x: np.ndarray, s: float) -> np.ndarray:
        dh, dw = int(F.downscaled_size(h, s)), int(F.downscaled_size(w, s))
        if (dh, dw) == (h, w) and s >= 1:
            return x.copy()
        return _resize(_resize(x, (dh, dw), down_interpolation), (h, w), up_interpolation)

    if img.ndim == 3:
        return one(img, float(scale))
    scales = np.broadcast_to(np.asarray(scale, np.float64), (img.shape[0],))
    out = np.empty_like(img)
    for n in range(img.shape[0]):
        out[n] = one(img[n], float(scales[n]))
    return out
