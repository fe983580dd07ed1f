"""OpenCV / NumPy override of the warp kernel (CPU): ``cv2.warpAffine`` / ``cv2.warpPerspective``.

Each override has the generic kernel's signature and contract, always returns a fresh C-contiguous
array (never a view of the input, never a write into it) and declines with ``NotImplemented``
where OpenCV lacks the dtype for interpolation (bool, int8, int64...), the shape (sides of 32767
and more), or samples wrongly (positions far outside the image: :func:`_opencv_exact`), so the
generic kernel runs. Nearest warps of any dtype run on the array's bytes, so that every mask dtype
gets the same labels (:func:`_warp_bytes`). OpenCV calls see at most 4 channels at a time (2 as
1 + 1); a batch is a Python loop over samples (see :mod:`._cv`). OpenCV uses pixel-index
coordinates, so warps get ``T(-0.5) @ inv(matrix) @ T(+0.5)`` with ``WARP_INVERSE_MAP``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import affine as F
from xalbu.functional._common import (
    CONSTANT,
    CUBIC,
    LINEAR,
    NEAREST,
    REFLECT_101,
    REPLICATE,
    host_fill,
    warp_codes,
)

from ._cv import _SCRATCH_MAX_BYTES, _border_value, _chunked, _per_sample, _scratch, _simple_border, _usable

_MAX_SIDE = 32767  # OpenCV's remap works on 16-bit coordinates
_MAX_COORD = float(2**20)  # OpenCV's fixed-point warps (x 1024) overflow int32 past 2**21


def _source_box(inv: np.ndarray, affine: bool, wo: int, ho: int) -> tuple[float, float, float, float] | None:
    """``(u_min, u_max, v_min, v_max)``: the range of the source index positions that the ``wo`` x
    ``ho`` output pixels read through the index-space inverses ``inv`` (M, 3, 3), from the corner
    pixels (a linear-fractional map over a rectangle takes its extremes at the corners);
    ``None`` when a perspective denominator reaches 0 or changes sign over the output."""
    x, y = wo - 1.0, ho - 1.0
    if inv.shape[0] == 1:  # one matrix, in Python floats (1.5 us affine, 3 us perspective)
        (a, b, c), (d, e, f), (g, h, i) = inv[0].tolist()
        if affine:
            u0 = c + min(0.0, a * x) + min(0.0, b * y)
            u1 = c + max(0.0, a * x) + max(0.0, b * y)
            v0 = f + min(0.0, d * x) + min(0.0, e * y)
            v1 = f + max(0.0, d * x) + max(0.0, e * y)
            return u0, u1, v0, v1
        us, vs, dens = [], [], []
        for cx, cy in ((0.0, 0.0), (x, 0.0), (0.0, y), (x, y)):
            den = g * cx + h * cy + i
            dens.append(den)
            if den != 0.0:
                us.append((a * cx + b * cy + c) / den)
                vs.append((d * cx + e * cy + f) / den)
        if not (min(dens) > 0.0 or max(dens) < 0.0):
            return None
        return min(us), max(us), min(vs), max(vs)
    corners = np.array([[0.0, 0.0, 1.0], [x, 0.0, 1.0], [0.0, y, 1.0], [x, y, 1.0]])
    p = inv @ corners.T  # (M, 3, 4)
    u, v = p[:, 0], p[:, 1]
    if not affine:
        den = p[:, 2]
        if not (np.all(den > 0) or np.all(den < 0)):
            return None
        u, v = u / den, v / den
    return float(u.min()), float(u.max()), float(v.min()), float(v.max())


def _opencv_exact(
    inv: np.ndarray, affine: bool, hw: tuple[int, int], out_hw: tuple[int, int], interp: int, mode: int
) -> bool:
    """Whether OpenCV samples every output pixel as the contract says (else the generic kernel runs).

    Two OpenCV 5.1 faults, both measured against the generic kernel: source positions past
    +-2**21 px (a scale near its 2**-24 bound, a huge translation, a perspective horizon inside
    the output) overflow its fixed-point or integer arithmetic (borders other than constant then
    read the wrong side); and its bicubic warps with a reflect, wrap or reflect_101 border return
    wrong values (a constant) for positions more than one image width or height outside the image
    (a zoom-out below 1/3, a far shift). Costs ~1.5 us a call (3 us for a perspective).
    """
    box = _source_box(inv, affine, out_hw[1], out_hw[0])
    if box is None:  # a horizon inside the output: positions without bound, right only when constant
        return mode == CONSTANT
    u0, u1, v0, v1 = box
    if max(-u0, u1, -v0, v1) > _MAX_COORD:
        return False
    if interp == CUBIC and mode not in (CONSTANT, REPLICATE):
        h, w = hw
        return u0 >= 2 - w and u1 <= 2 * w - 3 and v0 >= 2 - h and v1 <= 2 * h - 3
    return True


def _nudge(inv: np.ndarray) -> np.ndarray:
    """Shift source coordinates by +1/1024 px so that OpenCV's nearest rounding breaks ties upwards.

    The contract is ``index = floor(x)`` (``round(u)`` half up); OpenCV 5 rounds exact ``.5`` ties
    half-to-even for 1, 3 and 4 channels and half-up for 2, so a half-pixel shift or a 2x
    downscale would differ from the generic kernel on every other pixel. 1/1024 px survives
    OpenCV's float32 / 10-bit fixed-point coordinates and moves only coordinates that lie within
    1/1024 px below a tie. Works for perspective rows too: ``u + e = (r0 + e * r2) . p / (r2 . p)``.
    """
    out = inv.copy()
    out[:, :2] += (2.0**-10) * out[:, 2:3]
    return out


def _index_inverse_one(m: np.ndarray) -> tuple[np.ndarray, bool]:
    """``index_inverse`` (:mod:`xalbu.functional.affine`) of one (3, 3) matrix in Python floats
    (``np.linalg.inv`` costs ~15 us a call); also whether it is affine. Cofactor inverse, then
    ``T(-0.5) @ inv @ T(+0.5)``."""
    (a, b, c), (d, e, f), (g, h, i) = m.tolist()
    affine = g == 0.0 and h == 0.0 and i == 1.0
    if affine:
        det = a * e - b * d
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        ic, if_ = -(ia * c + ib * f), -(id_ * c + ie * f)
        ig = ih = 0.0
        ii = 1.0
    else:
        ca, cb, cc = e * i - f * h, f * g - d * i, d * h - e * g
        det = a * ca + b * cb + c * cc
        if det == 0.0:
            raise np.linalg.LinAlgError("Singular matrix")
        ia, ib, ic = ca / det, (c * h - b * i) / det, (b * f - c * e) / det
        id_, ie, if_ = cb / det, (a * i - c * g) / det, (c * d - a * f) / det
        ig, ih, ii = cc / det, (b * g - a * h) / det, (a * e - b * d) / det
    # T(-0.5) @ inv @ T(0.5): columns 0, 1 unchanged; column 2 gains 0.5 * (col0 + col1); rows 0, 1
    # then lose 0.5 * row 2
    r2 = (ig, ih, ii + 0.5 * (ig + ih))
    out = np.array(
        [
            [ia - 0.5 * r2[0], ib - 0.5 * r2[1], ic + 0.5 * (ia + ib) - 0.5 * r2[2]],
            [id_ - 0.5 * r2[0], ie - 0.5 * r2[1], if_ + 0.5 * (id_ + ie) - 0.5 * r2[2]],
            r2,
        ]
    )
    if affine:
        out[2] = (0.0, 0.0, 1.0)
    return out, affine


# 3-channel bilinear warps run through 4 channels, where OpenCV has a SIMD path: measured with
# OpenCV 5.0 on 256x256 ~1.8x faster (uint8, uint16, float32), 1024x1024 uint8 ~1.2x (larger float
# images gain nothing). The 4-channel copies live in per-thread scratch buffers reused across calls
# (``_cv._scratch``: fresh large buffers cost more in page faults than the warp saves), at most
# ``_SCRATCH_MAX_BYTES`` each.
#
# 2-channel images (and the 2-channel chunk of 6, 10... channels) are warped one channel at a time.
# OpenCV 5's exact float-coordinate warps (bilinear) exist for 1, 3 and 4 channels only; any other
# count falls back to the older fixed-point remap, which quantises source positions to 1/32 px and
# the weights to 15 bits: up to 4-5 levels off on uint8 (0.1 on float32) next to sharp edges, where 1
# or 3 channels of the same image are within rounding of the generic kernel. Measured with OpenCV 5.1
# (2 cores), two 1-channel warps plus a merge are also faster than the 2-channel call: bilinear
# 256x256 / 1024x1024 uint8 0.35x / 0.34x the time, float32 0.39x / 0.56x, perspective 0.27x /
# 0.24x; nearest ~0.5x; cubic 0.5-1.07x.
def _opencv(
    src: np.ndarray,
    inv: np.ndarray,
    affine: bool,
    dsize: tuple[int, int],
    flags: int,
    mode: int,
    value: Any,
    dst: np.ndarray | None = None,
) -> np.ndarray:
    """``cv2.warpAffine`` / ``cv2.warpPerspective`` with the index-space inverse ``inv`` (3, 3)."""
    if affine:
        return cv2.warpAffine(src, inv[:2], dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)
    return cv2.warpPerspective(src, inv, dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)


def _warp_one(
    img: np.ndarray, inv: np.ndarray, affine: bool, dsize: tuple[int, int], interp: int, mode: int, value: Any
) -> np.ndarray:
    """One OpenCV warp of an HWC image of <= 4 channels (``inv``: index-space inverse, (3, 3))."""
    wo, ho = dsize
    flags = interp | cv2.WARP_INVERSE_MAP
    h, w, c = img.shape
    if c == 2:  # one channel at a time (see above)
        planes = cv2.split(img)
        return cv2.merge(
            [_opencv(p, inv, affine, dsize, flags, mode, (value[k],)) for k, p in enumerate(planes)]
        )
    if (
        c == 3
        and interp == LINEAR
        and max(h * w, ho * wo) * 4 * img.itemsize <= _SCRATCH_MAX_BYTES
        and (img.dtype == np.uint8 or max(h * w, ho * wo) <= 512 * 512)
    ):
        src = cv2.cvtColor(img, cv2.COLOR_RGB2RGBA, dst=_scratch("warp_src", (h, w, 4), img.dtype))
        dst = _scratch("warp_dst", (ho, wo, 4), img.dtype)
        _opencv(src, inv, affine, dsize, flags, mode, (*value, 0.0), dst=dst)
        return cv2.cvtColor(dst, cv2.COLOR_RGBA2RGB)
    out = _opencv(img, inv, affine, dsize, flags, mode, value)
    return out if out.ndim == 3 else out[..., None]


@register(F.warp, "numpy_cv2")
def warp(
    img: np.ndarray,
    /,
    matrix: Any,
    out_hw: Sequence[int],
    interpolation: int,
    border_mode: int,
    fill: Any,
) -> np.ndarray:
    """``cv2.warpAffine``/``cv2.warpPerspective`` with the inverse index-space matrix, per sample;
    nearest warps of most dtypes run on the array's bytes (see :func:`_warp_bytes`)."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp, border_mode = warp_codes(interpolation, border_mode)
    sides = (*img.shape[-3:-1], ho, wo)
    nearest_bytes = interp == NEAREST and _by_bytes(img)
    if not nearest_bytes and not _usable(img, blend=interp != NEAREST):
        return NotImplemented
    if min(sides) < 1 or max(sides) >= _MAX_SIDE:
        return NotImplemented
    if border_mode == REFLECT_101 and min(sides[:2]) == 1:  # OpenCV 5.0 loops forever (cubic)
        return NotImplemented
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim == 2:
        inv, affine = _index_inverse_one(m)
        inv = inv[None]
    else:
        inv, affine = F.index_inverse(m), F.is_affine(m)
    if not _opencv_exact(inv, affine, img.shape[-3:-1], (ho, wo), interp, border_mode):
        return NotImplemented
    if interp == NEAREST:  # break exact .5 ties upwards like the generic kernel (see _nudge)
        inv = _nudge(inv)
        if nearest_bytes:
            return _warp_bytes(img, inv, affine, (wo, ho), border_mode, fill)
    value = _simple_border(fill, img)
    if value is not None and inv.shape[0] == 1:  # one image of <= 4 channels, one matrix
        return _warp_one(img, inv[0], affine, (wo, ho), interp, border_mode, value)
    n = img.shape[0] if img.ndim == 4 else None
    return _warp_all(
        img, inv, affine, (wo, ho), interp, border_mode, host_fill(fill, img.dtype.name, img.shape[-1], n)
    )


_EYE = np.eye(3)


def _warp_all(
    img: np.ndarray,
    inv: np.ndarray,
    affine: bool,
    dsize: tuple[int, int],
    interp: int,
    mode: int,
    fills: np.ndarray,
) -> np.ndarray:
    """Warp HWC / NHWC ``img`` per sample and 4-channel chunk; ``fills`` from ``host_fill``."""

    same = dsize == (img.shape[-2], img.shape[-3])

    def one(s: np.ndarray, i: int) -> np.ndarray:
        m = inv[i if inv.shape[0] > 1 else 0]
        if same and (m == _EYE).all():  # a sample a partly applied batch leaves alone: exact copy
            return s.copy()

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return _warp_one(c, m, affine, dsize, interp, mode, _border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)


# A nearest warp copies pixels, so it can run on any array's bytes. OpenCV's nearest warps do not
# round positions alike for every dtype (OpenCV 5.1: its newer kernels for 8U/16U/32F with 1, 3 or
# 4 channels and its older fixed-point ones for 16S/32S/64F differ on ~0.06% of the pixels of a
# rotation, 32F on the odd pixel of a perspective; the generic kernel, which ran for int8, int64,
# uint32 and bool, on ~0.13%), so an int64 or int32 label mask came out with other labels than the
# same mask in uint8. Those dtypes are warped as uint8 or uint16 units, which OpenCV positions
# exactly alike (checked on 400 random affine and perspective maps with 1 to 4 channels): B bytes a
# pixel run as B uint8 channels when B is 1, 3, 4 or odd, else as B / 2 uint16 channels (8 bytes, an
# int64 or float64 mask: one 4-channel call). The constant fill goes through the same bytes.
# uint8 and uint16 keep their own kernels, and so do float32 images of 3 or more channels (their
# bytes would take 2-3 chunked calls, 7-13x the time; float32 positions as uint8 on affine maps and
# differs on the odd pixel of a perspective).
def _by_bytes(img: np.ndarray) -> bool:
    """Whether a nearest warp of ``img`` runs on its bytes (see above)."""
    if img.dtype in (np.uint8, np.uint16) or (img.dtype == np.float32 and img.shape[-1] > 2):
        return False
    return img.dtype.kind in "biuf" and img.ndim in (3, 4) and img.size > 0


def _unit(nbytes: int) -> type:
    return np.uint16 if nbytes % 2 == 0 and nbytes != 4 else np.uint8


def _warp_bytes(
    img: np.ndarray, inv: np.ndarray, affine: bool, dsize: tuple[int, int], mode: int, fill: Any
) -> np.ndarray:
    """Nearest warp of ``img`` (any dtype) through its bytes (``inv`` already nudged)."""
    n = img.shape[0] if img.ndim == 4 else None
    unit = _unit(img.shape[-1] * img.itemsize)
    raw = np.ascontiguousarray(img).view(unit)
    fills = np.ascontiguousarray(host_fill(fill, img.dtype.name, img.shape[-1], n)).view(unit)
    if raw.ndim == 3 and raw.shape[2] <= 4 and inv.shape[0] == 1:
        out = _warp_one(raw, inv[0], affine, dsize, NEAREST, mode, _border_value(fills, 0, 0))
    else:
        out = _warp_all(raw, inv, affine, dsize, NEAREST, mode, fills)
    return out.view(img.dtype)
