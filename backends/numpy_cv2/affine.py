"""OpenCV / NumPy override of the warp kernel (CPU): ``cv2.warpAffine`` / ``cv2.warpPerspective``.

Each override has the generic kernel's signature and contract, always returns a fresh C-contiguous
array (never a view of the input, never a write into it) and declines with ``NotImplemented``
where OpenCV lacks the dtype (bool, int8, int64...) or the shape, so the generic kernel runs.
OpenCV calls see at most 4 channels at a time; a batch is a Python loop over samples (see
:mod:`._cv`). OpenCV uses pixel-index coordinates, so warps get
``T(-0.5) @ inv(matrix) @ T(+0.5)`` with ``WARP_INVERSE_MAP``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import affine as F
from xalbu.functional._common import LINEAR, NEAREST, REFLECT_101, host_fill, warp_codes

from ._cv import _SCRATCH_MAX_BYTES, _border_value, _chunked, _per_sample, _scratch, _simple_border, _usable

_MAX_SIDE = 32767  # OpenCV's remap works on 16-bit coordinates


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
def _warp_one(
    img: np.ndarray, inv: np.ndarray, affine: bool, dsize: tuple[int, int], interp: int, mode: int, value: Any
) -> np.ndarray:
    """One OpenCV warp of an HWC image of <= 4 channels (``inv``: index-space inverse, (3, 3))."""
    wo, ho = dsize
    flags = interp | cv2.WARP_INVERSE_MAP
    h, w, c = img.shape
    if (
        c == 3
        and interp == LINEAR
        and max(h * w, ho * wo) * 4 * img.itemsize <= _SCRATCH_MAX_BYTES
        and (img.dtype == np.uint8 or max(h * w, ho * wo) <= 512 * 512)
    ):
        src = cv2.cvtColor(img, cv2.COLOR_RGB2RGBA, dst=_scratch("warp_src", (h, w, 4), img.dtype))
        dst = _scratch("warp_dst", (ho, wo, 4), img.dtype)
        value = (*value, 0.0)
        if affine:
            cv2.warpAffine(src, inv[:2], dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)
        else:
            cv2.warpPerspective(src, inv, dsize, dst=dst, flags=flags, borderMode=mode, borderValue=value)
        return cv2.cvtColor(dst, cv2.COLOR_RGBA2RGB)
    if affine:
        out = cv2.warpAffine(img, inv[:2], dsize, flags=flags, borderMode=mode, borderValue=value)
    else:
        out = cv2.warpPerspective(img, inv, dsize, flags=flags, borderMode=mode, borderValue=value)
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
    """``cv2.warpAffine``/``cv2.warpPerspective`` with the inverse index-space matrix, per sample."""
    ho, wo = int(out_hw[0]), int(out_hw[1])
    interp, border_mode = warp_codes(interpolation, border_mode)
    sides = (*img.shape[-3:-1], ho, wo)
    if not _usable(img, blend=interp != NEAREST):
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
    if interp == NEAREST:  # break exact .5 ties upwards like the generic kernel (see _nudge)
        inv = _nudge(inv)
    value = _simple_border(fill, img)
    if value is not None and inv.shape[0] == 1:  # one image of <= 4 channels, one matrix
        return _warp_one(img, inv[0], affine, (wo, ho), interp, border_mode, value)
    n = img.shape[0] if img.ndim == 4 else None
    fills = host_fill(fill, img.dtype.name, img.shape[-1], n)

    def one(s: np.ndarray, i: int) -> np.ndarray:
        m = inv[i if inv.shape[0] > 1 else 0]

        def chunk(c: np.ndarray, k: int) -> np.ndarray:
            return _warp_one(c, m, affine, (wo, ho), interp, border_mode, _border_value(fills, i, k))

        return _chunked(chunk, s)

    return _per_sample(one, img)
