"""OpenCV / NumPy overrides of the colour kernels (CPU): to_gray, sepia, channel_shuffle, and (each
documented at its override) shift_hsv, shift_channels, color_jitter, drop_channels, gray_to_rgb,
fancy_pca, scale_channels, radial_distort.

Same signatures and contract as :mod:`xalbu.functional.color`; an override returns
``NotImplemented`` for anything unusual (empty arrays, other dtypes, parameter shapes it does
not recognise) and the generic kernel runs (and raises the proper error where there is one).

- to_gray: ``cv2.cvtColor`` RGB2GRAY for weighted_average (OpenCV fixed point: +-1), a 3 -> 3
  ``cv2.transform`` for luminance / average, channel-plane ufunc chains for max / desaturation,
  ``cv2.cvtColor`` RGB2LAB for from_lab (uint8: OpenCV's 8-bit path, albumentations' own kernel,
  within 1 level of the exact formula but for one colour in 16.7 million at 2; float32: OpenCV's
  float path, within 0.002), ``cv2.PCACompute2`` / ``cv2.PCAProject`` / ``cv2.normalize`` per image
  for pca (albumentations' own calls);
- sepia: one ``cv2.transform`` with the 3x3 matrix (OpenCV rounds integers half to even and
  saturates, as the generic kernel does), float32 clipped to [0, 1] in place;
- channel_shuffle: ``cv2.cvtColor`` RGB2BGR for the reversal of 3 channels, a 0/1
  ``cv2.transform`` for other integer 3-channel permutations, else ``cv2.mixChannels``; per-sample
  orders: one call per sample into a preallocated output.

No override writes into its input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import color as F
from xalbu.functional._utils import _ONE_F32_BITS  # float32 in [+0, 1]: uint32 patterns up to this

from ._cv import _scratch
from ._lut import _RAMP_F32, _SZ_TRANSLATE, _round_u8, _translate
from ._pointwise import _CV_MAX_CN, _MAX, _affine, _finish, _host, _hwc, _is_scalar, _rows, _usable


def _reduce_planes(img: np.ndarray, fn: Callable[..., Any]) -> np.ndarray:
    """Reduce the channel planes of ``img`` with a binary ufunc (``np.maximum`` / ``np.minimum``)."""
    acc = np.array(img[..., 0])
    for c in range(1, img.shape[-1]):
        fn(acc, img[..., c], out=acc)
    return acc


def _gray_planes(img: np.ndarray, method: str) -> np.ndarray:
    """max / desaturation / average on channel planes (NumPy reductions over a short last axis are slow)."""
    if method == "max":
        return _reduce_planes(img, np.maximum)
    if method == "desaturation":
        hi, lo = _reduce_planes(img, np.maximum), _reduce_planes(img, np.minimum)
        if img.dtype == np.float32:
            return (hi + lo) * np.float32(0.5)
        s = hi.astype(np.uint32) + lo
        return ((s + ((s >> 1) & 1)) >> 1).astype(img.dtype)  # (hi + lo) / 2, half to even
    acc = img[..., 0].astype(np.float32)
    for c in range(1, img.shape[-1]):
        np.add(acc, img[..., c], out=acc)
    np.divide(acc, np.float32(img.shape[-1]), out=acc)
    return _finish(acc, img.dtype, False, np.empty(acc.shape, img.dtype))


def _gray_rgb(img: np.ndarray, method: str, n: int) -> np.ndarray:
    """A weighted gray of an RGB ``img``: the gray plane, or the finished output when ``n == 3``.

    cv2.transform is only fast for 3 -> 3 channels on integers (3 -> 1 is ~10x slower), so
    integers get the weights in all three output rows.
    """
    if method == "weighted_average":
        return cv2.cvtColor(_hwc(img), cv2.COLOR_RGB2GRAY).reshape(img.shape[:-1])
    w = np.asarray([F.GRAY_WEIGHTS.get(method, (1.0 / 3,) * 3)], dtype=np.float64)
    if img.dtype == np.float32:
        return cv2.transform(_hwc(img), w).reshape(img.shape[:-1])
    rgb = cv2.transform(_hwc(img), np.repeat(w, 3, axis=0)).reshape(img.shape)
    return rgb if n == 3 else rgb[..., 0]


def _gray_from_lab(img: np.ndarray) -> np.ndarray | None:
    """L of Lab (RGB2LAB) as the gray plane in ``img``'s dtype; ``None`` for uint16 (no OpenCV path)."""
    if img.dtype == np.uint8:
        return cv2.cvtColor(_hwc(img), cv2.COLOR_RGB2LAB)[..., 0].reshape(img.shape[:-1])
    if img.dtype != np.float32:
        return None
    lab = cv2.cvtColor(_hwc(np.clip(img, 0.0, 1.0)), cv2.COLOR_RGB2LAB)
    out = lab[..., 0].reshape(img.shape[:-1]) * np.float32(0.01)
    return np.clip(out, 0.0, 1.0, out=out)


def _gray_pca(img: np.ndarray) -> np.ndarray:
    """Each image's first principal component, min-max scaled, as the gray plane in ``img``'s dtype."""
    out = np.empty(img.shape[:-1], img.dtype)
    top = {np.dtype(np.uint8): 255, np.dtype(np.uint16): 65535}.get(img.dtype)
    for i, one in enumerate(img.reshape(-1, *img.shape[-3:])):
        pixels = one.reshape(-1, one.shape[-1]).astype(np.float64)
        mean, axes, _ = cv2.PCACompute2(pixels, mean=None, maxComponents=1)
        proj = cv2.PCAProject(pixels, mean, axes).astype(np.float32).reshape(one.shape[:-1])
        gray = cv2.normalize(proj, None, 0.0, 1.0, cv2.NORM_MINMAX, dtype=cv2.CV_32F)
        if top is not None:
            gray = np.clip(np.rint(gray * np.float32(top)), 0, top)
        out.reshape(-1, *img.shape[-3:-1])[i] = gray
    return out


@register(F.to_gray, "numpy_cv2")
def to_gray(img: np.ndarray, method: str, num_output_channels: int) -> Any:
    F._check_gray_args(method, num_output_channels)
    if not _usable(img) or img.shape[-1] == 1:
        return NotImplemented
    if img.ndim == 3 and img.shape[2] == 3 and method == "weighted_average" and num_output_channels == 3:
        # the common case in two OpenCV calls (they copy a view OpenCV cannot read as it is)
        return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    n, c = int(num_output_channels), img.shape[-1]
    img = np.ascontiguousarray(img)
    if method == "from_lab" or method == "pca":
        if method == "from_lab" and c != 3:
            return NotImplemented  # needs RGB: the generic kernel raises
        found = _gray_from_lab(img) if method == "from_lab" else _gray_pca(img)
        if found is None:
            return NotImplemented
        gray = found
    elif c == 3 and method in ("weighted_average", "luminance", "average"):
        gray = _gray_rgb(img, method, n)
        if gray.ndim == img.ndim:
            return gray  # already n == 3 channels
    elif method in F.GRAY_WEIGHTS:
        return NotImplemented  # needs RGB: the generic kernel raises
    else:
        gray = _gray_planes(img, method)
    gray = np.ascontiguousarray(gray)
    if n == 1:
        return gray[..., None]
    if n == 3:
        return cv2.cvtColor(_rows(gray[..., None]), cv2.COLOR_GRAY2RGB).reshape((*gray.shape, 3))
    return np.repeat(gray[..., None], n, axis=-1)


def _shuffle_into(src: np.ndarray, dst: np.ndarray, order: np.ndarray) -> None:
    """``dst[..., c] = src[..., order[c]]`` for one image (or a batch sharing one order)."""
    c = src.shape[-1]
    if c == 1 or len(order) == 1:
        np.copyto(dst, src[..., order])
    elif c == 3 and order.tolist() == [2, 1, 0]:
        cv2.cvtColor(_hwc(src), cv2.COLOR_RGB2BGR, dst=_hwc(dst))
    elif src.dtype != np.float32 and c == 3 and sorted(order.tolist()) == list(range(c)):
        # integer values pass through a 0/1 matrix exactly (floats could meet inf * 0)
        cv2.transform(_hwc(src), np.eye(c, dtype=np.float64)[order], dst=_hwc(dst))
    else:
        pairs = np.stack([order, np.arange(len(order))], axis=1).reshape(-1).tolist()
        cv2.mixChannels([_hwc(src)], [_hwc(dst)], pairs)


@register(F.channel_shuffle, "numpy_cv2")
def channel_shuffle(img: np.ndarray, order: Any) -> Any:
    if not _usable(img):
        return NotImplemented
    o = np.asarray(order, dtype=np.int64)
    c = img.shape[-1]
    if o.ndim not in (1, 2) or o.size == 0 or o.min() < 0 or o.max() >= c or o.shape[-1] > _CV_MAX_CN:
        return NotImplemented
    img = np.ascontiguousarray(img)
    if o.ndim == 1:
        out = np.empty((*img.shape[:-1], o.shape[0]), img.dtype)
        _shuffle_into(img, out, o)
        return out
    if img.ndim != 4 or o.shape != (img.shape[0], c):
        return NotImplemented
    out = np.empty(img.shape, img.dtype)
    for i in range(img.shape[0]):
        _shuffle_into(img[i], out[i], o[i])
    return out


_SEPIA = np.asarray(F.SEPIA, dtype=np.float64)


@register(F.sepia, "numpy_cv2")
def sepia(img: np.ndarray) -> Any:
    if not _usable(img) or img.shape[-1] != 3:
        return NotImplemented
    out = cv2.transform(_hwc(np.ascontiguousarray(img)), _SEPIA)
    if img.ndim == 4:
        out = out.reshape(img.shape)
    if img.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


# ------------------------------------------------------------------------------------------ HSV shifts


_RAMP_I32 = np.arange(256, dtype=np.int32)
_RAMP_F64 = np.arange(256, dtype=np.float64)


@functools.lru_cache(maxsize=1024)
def _level_table(shift: int, keep_zero: bool) -> np.ndarray:
    """uint8 table of ``x + shift`` saturated (``shift`` whole levels); ``keep_zero``: 0 stays 0."""
    table = np.clip(_RAMP_I32 + shift, 0, 255).astype(np.uint8)
    if keep_zero:
        table[0] = 0
    table.flags.writeable = False
    return table


def _hue_table(hue: float) -> np.ndarray:
    """:func:`F.hue_table_u8` for one shift (the same float64 arithmetic)."""
    x = _RAMP_F64 + hue
    np.mod(x, 180.0, out=x)
    return x.astype(np.uint8)


def _shift_hsv_u8_into(src: np.ndarray, dst: np.ndarray, hue: float, sat: int, val: int) -> None:
    """One uint8 image as albumentations computes it: OpenCV's 8-bit RGB -> HSV, the three shifts
    as byte tables, OpenCV's 8-bit HSV -> RGB. That last conversion truncates in OpenCV 5's SIMD
    loop (and rounds in its scalar tail, the last pixels of a row), where the generic and CUDA kernels
    round: within 1 level of them (a float conversion rounded everywhere costs ~60 us more at
    256 x 256, which made this path slower than albumentations' own)."""
    if src.shape[-1] == 1:
        np.copyto(dst, _translate(src, _level_table(val, False)))
        return
    hw = src.shape[:-1]
    hsv = cv2.cvtColor(_hwc(src), cv2.COLOR_RGB2HSV, dst=_scratch("color_hsv8", (*hw, 3), np.uint8))
    h, s, v = cv2.split(hsv)
    h = _translate(h, _hue_table(hue)) if hue else h
    s = _translate(s, _level_table(sat, True)) if sat else s
    v = _translate(v, _level_table(val, False)) if val else v
    merged = cv2.merge((h, s, v), dst=_scratch("color_hsv8", (*hw, 3), np.uint8))
    cv2.cvtColor(merged, cv2.COLOR_HSV2RGB, dst=_hwc(dst))


def _shift_hsv_f32_into(src: np.ndarray, dst: np.ndarray, hue: float, sat: float, val: float) -> None:
    """One float32 image through OpenCV's float HSV (``src`` clipped to [0, 1] first)."""
    x = np.clip(src, np.float32(0.0), np.float32(1.0))
    if src.shape[-1] == 1:
        x += np.float32(val / 255.0)
        np.clip(x, 0.0, 1.0, out=dst)
        return
    hsv = cv2.cvtColor(_hwc(x), cv2.COLOR_RGB2HSV)
    h, s, v = cv2.split(hsv)
    h += np.float32(2.0 * hue)
    np.remainder(h, np.float32(360.0), out=h)
    gray = s == 0
    s += np.float32(sat / 255.0)
    np.clip(s, 0.0, 1.0, out=s)
    s[gray] = 0.0
    v += np.float32(val / 255.0)
    np.clip(v, 0.0, 1.0, out=v)
    cv2.cvtColor(cv2.merge((h, s, v)), cv2.COLOR_HSV2RGB, dst=_hwc(dst))


def _shift_hsv_one(img: np.ndarray, out: np.ndarray, hue: float, sat: float, val: float) -> None:
    """One image, or a batch sharing the shifts, into ``out``."""
    if hue == 0 and sat == 0 and val == 0:
        np.copyto(out, img)
        return
    if img.dtype == np.uint8:
        args: tuple[Any, ...] = (hue, int(sat), int(val))  # int(): truncated towards 0
        into: Callable[..., None] = _shift_hsv_u8_into
    else:
        args, into = (hue, sat, val), _shift_hsv_f32_into
    if img.ndim == 4:
        for src, dst in zip(img, out, strict=True):
            into(src, dst, *args)
    else:
        into(img, out, *args)


@register(F.shift_hsv, "numpy_cv2")
def shift_hsv(img: np.ndarray, hue_shift: Any, sat_shift: Any, val_shift: Any, /) -> Any:
    if not _usable(img) or img.shape[-1] not in (1, 3) or img.dtype == np.uint16:
        return NotImplemented
    img = np.ascontiguousarray(img)
    out = np.empty(img.shape, img.dtype)
    if _is_scalar(hue_shift, sat_shift, val_shift):
        _shift_hsv_one(img, out, float(hue_shift), float(sat_shift), float(val_shift))
    else:
        hue, sat, val, _ = F.hsv_shifts(hue_shift, sat_shift, val_shift)
        if hue.ndim != 1 or img.ndim != 4 or hue.shape[0] != img.shape[0]:
            return NotImplemented
        for i in range(hue.shape[0]):
            _shift_hsv_one(img[i], out[i], float(hue[i]), float(sat[i]), float(val[i]))
    if img.dtype == np.float32 and img.shape[-1] == 3 and int(img.view(np.uint32).max()) > _ONE_F32_BITS:
        out[np.isnan(img).any(axis=-1)] = np.nan  # a value outside [+0, 1], an inf or a NaN: look closer
    return out


# ------------------------------------------------------------------------------------ channel shifts
@register(F.shift_channels, "numpy_cv2")
def shift_channels(img: np.ndarray, shift: Any, /) -> Any:
    """``img + shift``: one ``cv2.transform`` with an identity matrix and the shifts as its last
    column for 3 channels (uint8 rounds and saturates as the generic does), a per-channel uint8 table
    or NumPy otherwise (``_pointwise._affine``); per-sample shifts one call per sample."""
    if not _usable(img):
        return NotImplemented
    b = _host(shift, img)
    if b is None:
        return NotImplemented
    return _affine(np.ascontiguousarray(img), np.ones((1, 1)), b, img.dtype, clip=True)


# -------------------------------------------------------------------------------------- colour jitter
def _translate_into(src: np.ndarray, table: np.ndarray, dst: np.ndarray) -> None:
    if _SZ_TRANSLATE is not None:
        _SZ_TRANSLATE(src, table, dst)
    else:
        cv2.LUT(_rows(src), table, dst=_rows(dst))


def _jitter_u8_into(src: np.ndarray, dst: np.ndarray, op: int, f: float) -> None:
    """One ColorJitter step on one uint8 image (1 or 3 channels) into ``dst``: byte tables built with
    the generic kernel's float32 arithmetic (brightness, contrast: exact), ``cv2.addWeighted`` with
    OpenCV's gray (saturation: the generic's maths, ties may round the other way), the HSV shift of
    :func:`shift_hsv` (hue). Only steps that change something come here (see :func:`_jitter_steps`)."""
    if op == 3:
        _shift_hsv_u8_into(src, dst, 180.0 * f, 0, 0)
    elif op == 2:
        gray = cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
        gray3 = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB, dst=_scratch("color_cj_gray3", src.shape, np.uint8))
        cv2.addWeighted(src, f, gray3, 1.0 - f, 0.0, dst=dst)
    else:
        x = _RAMP_F32 * f  # Python floats act as float32 here, as in the generic kernel
        if op == 1:
            gray = src if src.shape[-1] == 1 else cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
            x += np.float32(np.float32(cv2.mean(gray)[0]) * np.float32(1.0 - f))
        _translate_into(src, _round_u8(x), dst)


def _jitter_steps(channels: int, factors: np.ndarray, order: np.ndarray) -> list[tuple[int, float]]:
    """The steps of one image that change something, in order (as the generic kernel skips them)."""
    steps = []
    for op in order.tolist():
        f = float(factors[op])
        if f == F.JITTER_IDENTITY[op] or (channels == 1 and op >= 2):
            continue
        steps.append((op, f))
    return steps


def _jitter_u8_image(src: np.ndarray, out: np.ndarray, factors: np.ndarray, order: np.ndarray) -> None:
    """All steps of one uint8 image into ``out``, the intermediate results in two per-thread buffers
    (fresh images would cost ~50 page faults a step)."""
    steps = _jitter_steps(src.shape[-1], factors, order)
    if not steps:
        np.copyto(out, src)
        return
    x = src
    for k, (op, f) in enumerate(steps):
        dst = out if k == len(steps) - 1 else _scratch(f"color_cj_{k % 2}", src.shape, np.uint8)
        _jitter_u8_into(x, dst, op, f)
        x = dst


def _jitter_f32(img: np.ndarray, op: int, f: float) -> np.ndarray:
    """One ColorJitter step on one float32 image with values in [0, 1] (OpenCV float maths)."""
    if op == 3:
        return img if img.shape[-1] == 1 else shift_hsv(img, 180.0 * f, 0.0, 0.0)
    if op == 2:
        if img.shape[-1] == 1 or f == 1.0:
            return img
        gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        out = cv2.addWeighted(img, f, gray, 1.0 - f, 0.0)
    elif op == 1:
        gray = img if img.shape[-1] == 1 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        out = _rows(img) * np.float32(f)
        out += np.float32(np.float32(cv2.mean(gray)[0]) * np.float32(1.0 - f))
    else:
        out = _rows(img) * np.float32(f)
    return np.clip(out, 0.0, 1.0, out=out).reshape(img.shape)


@register(F.color_jitter, "numpy_cv2")
def color_jitter(img: np.ndarray, factors: Any, order: Any, /) -> Any:
    if not _usable(img) or img.shape[-1] not in (1, 3) or img.dtype == np.uint16:
        return NotImplemented
    if img.dtype == np.float32 and int(img.view(np.uint32).max()) > _ONE_F32_BITS:
        # values outside [+0, 1]: clipped first, as the generic does; NaN (the mean gray level skips
        # it) is left to the generic kernel
        img = np.clip(img, np.float32(0.0), np.float32(1.0))
        if np.isnan(img).any():
            return NotImplemented
    f = np.asarray(factors, np.float64)
    o = np.asarray(order, np.int64)
    if f.shape[-1] != 4 or o.shape[-1] != 4 or (f.ndim == 2 or o.ndim == 2) and img.ndim != 4:
        return NotImplemented
    img = np.ascontiguousarray(img)
    if f.ndim == 1 and o.ndim == 1:
        samples = [img] if img.ndim == 3 else list(img)
        fs, os_ = [f] * len(samples), [o] * len(samples)
    else:
        samples = list(img)
        fs = np.broadcast_to(f, (len(samples), 4))
        os_ = np.broadcast_to(o, (len(samples), 4))
    if img.dtype == np.uint8:
        out = np.empty(img.shape, np.uint8)
        for x, dst, fi, oi in zip(samples, [out] if img.ndim == 3 else list(out), fs, os_, strict=True):
            _jitter_u8_image(x, dst, fi, oi)
        return out
    outs = []
    for x, fi, oi in zip(samples, fs, os_, strict=True):
        for op in oi.tolist():
            x = _jitter_f32(x, op, float(fi[op]))
        outs.append(x)
    if img.ndim == 3:
        return outs[0].copy() if outs[0] is img else outs[0]
    return np.stack(outs)


# ---------------------------------------------------------------------------------- channel dropout
@register(F.drop_channels, "numpy_cv2")
def drop_channels(img: np.ndarray, dropped: Any, fill: float, /) -> Any:
    """Integer 3-channel images: one ``cv2.transform`` with a 0/1 diagonal and the fill as offset (exact:
    integer weights and offset); others: a copy with the dropped channel planes assigned."""
    mask = np.asarray(dropped, bool)
    if (
        not _usable(img)
        or mask.shape[-1] != img.shape[-1]
        or mask.ndim > 2
        or (mask.ndim == 2 and img.ndim != 4)
    ):
        return NotImplemented
    top = _MAX[img.dtype]
    value = float(fill) if top == 1.0 else min(max(float(np.rint(fill)), 0.0), top)  # F.fill_value
    rows = mask.reshape(-1, mask.shape[-1]).tolist()
    if img.dtype != np.float32 and img.shape[-1] == 3:

        def matrix(row: list[bool]) -> np.ndarray:
            return np.array(
                [
                    [0.0 if row[r] else 1.0 if r == k else 0.0 for k in range(3)] + [value if row[r] else 0.0]
                    for r in range(3)
                ]
            )

        img = np.ascontiguousarray(img)
        if len(rows) == 1:
            return cv2.transform(_hwc(img), matrix(rows[0])).reshape(img.shape)
        out = np.empty(img.shape, img.dtype)
        for i in range(len(rows)):
            cv2.transform(_hwc(img[i]), matrix(rows[i]), dst=_hwc(out[i]))
        return out
    out = img.copy()
    typed = img.dtype.type(value)
    for i, row in enumerate(rows):
        target = out if len(rows) == 1 else out[i]
        for c, d in enumerate(row):
            if d:
                target[..., c] = typed  # a strided plane: faster than a boolean index
    return out


# ------------------------------------------------------------------------------------- gray to RGB
@register(F.gray_to_rgb, "numpy_cv2")
def gray_to_rgb(img: np.ndarray, num_output_channels: int, /) -> Any:
    """``cv2.cvtColor`` GRAY2RGB for 3 channels, else ``np.repeat``."""
    n = int(num_output_channels)
    if not _usable(img) or img.shape[-1] != 1 or n < 1:
        return NotImplemented
    if n == 3:
        return cv2.cvtColor(_rows(np.ascontiguousarray(img)), cv2.COLOR_GRAY2RGB).reshape(
            (*img.shape[:-1], 3)
        )
    return np.repeat(img, n, axis=-1)


# ------------------------------------------------------------------------------------------ fancy PCA
def _pca_matrix(img: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The ``(C, C + 1)`` affine colour matrix of fancy PCA for one image, in the image's scale:
    ``x + M (x - mean)`` as ``[I + M | -M mean]`` (float64). The covariance comes from the channel
    planes' float64 dot products (``S_ij - P m_i m_j``: exact sums for integer images), ~3x faster
    than ``cv2.calcCovarMatrix``."""
    c = img.shape[-1]
    top = _MAX[img.dtype]
    hw = img.shape[:-1]
    # the planes and their float64 copies in reused buffers (fresh ones cost more in page faults)
    split = cv2.split(img, [_scratch(f"pca_plane{k}", hw, img.dtype) for k in range(c)]) if c > 1 else [img]
    planes = []
    for k, p in enumerate(split):
        wide = _scratch(f"pca_wide{k}", (p.size,), np.float64)
        np.copyto(wide, p.reshape(-1))
        planes.append(wide)
    count = planes[0].size
    mean = np.array([p.sum() for p in planes]) / count
    gram = np.empty((c, c))
    for i in range(c):
        for j in range(i, c):
            gram[i, j] = gram[j, i] = planes[i] @ planes[j]
    scatter = gram - count * np.outer(mean, mean)  # the centred sums of products
    if c == 1:
        m = alpha.reshape(1, 1) * np.sqrt(max(scatter[0, 0], 0.0) / count) / top
    else:
        cov = scatter / max(count - 1, 1) / (top * top)
        m = F.pca_noise_matrix(np, cov[None], alpha.reshape(1, c))[0]
    return np.concatenate([np.eye(c) + m, -(m @ mean)[:, None]], axis=1)


@register(F.fancy_pca, "numpy_cv2")
def fancy_pca(img: np.ndarray, alpha: Any, /) -> Any:
    """Statistics in float64 on the host, then one ``cv2.transform`` with the affine colour matrix
    (1 to 4 channels; integers rounded and saturated by OpenCV, float32 clipped after)."""
    a = np.asarray(alpha, np.float64)
    c = img.shape[-1] if isinstance(img, np.ndarray) else 0
    if not _usable(img) or c > 4 or a.shape[-1] != c or a.ndim > 2 or (a.ndim == 2 and img.ndim != 4):
        return NotImplemented
    if (
        img.dtype == np.float32
        and int(img.view(np.uint32).max()) > _ONE_F32_BITS
        and not np.isfinite(img).all()
    ):
        return NotImplemented  # statistics over the finite pixels: the generic kernel
    img = np.ascontiguousarray(img)
    samples = img if img.ndim == 4 else img[None]
    rows = np.broadcast_to(a.reshape(-1, c), (len(samples), c))
    out = np.empty(samples.shape, img.dtype)
    for src, dst, row in zip(samples, out, rows, strict=True):
        cv2.transform(_hwc(src), _pca_matrix(src, row), dst=_hwc(dst))
    if img.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out.reshape(img.shape)


# ------------------------------------------------------------------------------------- channel gains
@register(F.scale_channels, "numpy_cv2")
def scale_channels(img: np.ndarray, gains: Any, /) -> Any:
    """``img * gains``: ``cv2.transform`` with a diagonal matrix for 3 channels, per-channel uint8
    tables or NumPy otherwise (``_pointwise._affine``); per-sample gains one call per sample."""
    if not _usable(img):
        return NotImplemented
    a = _host(gains, img)
    if a is None or (img.dtype == np.float32 and np.any(a == 0)):
        return NotImplemented  # a gain of 0 on float32: 0 * inf, the generic kernel's rules
    return _affine(np.ascontiguousarray(img), a, np.zeros((1, 1)), img.dtype, clip=True)


# ------------------------------------------------------------------------------- chromatic aberration
@functools.lru_cache(maxsize=8)
def _radial_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``r2``, ``x w`` and ``y h`` of :func:`F.radial_maps` for an H x W image (float64, read-only)."""
    x = (np.arange(w) - w / 2.0) / w
    y = (np.arange(h) - h / 2.0) / h
    grids = (
        (y * y)[:, None] + (x * x)[None, :],
        np.broadcast_to(x * w, (h, w)),
        np.broadcast_to((y * h)[:, None], (h, w)),
    )
    out = tuple(np.ascontiguousarray(g) for g in grids)
    for g in out:
        g.flags.writeable = False
    return out  # type: ignore[return-value]


def _radial_maps_into(h: int, w: int, k1: float, k2: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`F.radial_maps` for one channel in NumPy float64 (within 1 float32 ulp of OpenCV's
    ``initUndistortRectifyMap``, ~1.5x faster), into per-thread buffers (fresh 256 KiB maps cost
    ~100 page faults, more than computing them)."""
    r2, xw, yh = _radial_grid(h, w)
    f = _scratch("color_radial_f", (h, w), np.float64)
    t = _scratch("color_radial_t", (h, w), np.float64)
    mx = _scratch("color_map_x", (h, w), np.float32)
    my = _scratch("color_map_y", (h, w), np.float32)
    np.multiply(r2, k2, out=f)
    f += k1
    f *= r2
    f += 1.0
    np.multiply(xw, f, out=t)
    t += w / 2.0
    np.copyto(mx, t, casting="same_kind")
    np.multiply(yh, f, out=t)
    t += h / 2.0
    np.copyto(my, t, casting="same_kind")
    return mx, my


@register(F.radial_distort, "numpy_cv2")
def radial_distort(img: np.ndarray, coeffs: Any, interpolation: int, /) -> Any:
    """Maps in NumPy (:func:`_radial_maps_into`) and ``cv2.remap`` per distorted channel (OpenCV 5's
    remap is exact float bilinear), the other channels copied."""
    k = np.asarray(coeffs, np.float64)
    if not _usable(img) or interpolation not in F.RADIAL_INTERPOLATIONS or img.shape[-1] > 4:
        return NotImplemented
    c = img.shape[-1]
    if (
        k.shape[-2:] != (c, 2)
        or k.ndim not in (2, 3)
        or (k.ndim == 3 and (img.ndim != 4 or k.shape[0] != img.shape[0]))
    ):
        return NotImplemented
    samples = img if img.ndim == 4 else img[None]
    h, w = samples.shape[1:3]
    k = np.broadcast_to(k.reshape(-1, c, 2), (len(samples), c, 2))
    out = np.empty(samples.shape, img.dtype)
    for src, dst, ks in zip(samples, out, k, strict=True):
        planes = list(cv2.split(src)) if c > 1 else [src[..., 0]]
        for ch in range(c):
            if ks[ch].any():
                mx, my = _radial_maps_into(h, w, float(ks[ch, 0]), float(ks[ch, 1]))
                planes[ch] = cv2.remap(
                    planes[ch], mx, my, int(interpolation), borderMode=cv2.BORDER_REPLICATE
                )
        if c > 1:
            cv2.merge(planes, dst=dst)
        else:
            dst[..., 0] = planes[0]
    return out.reshape(img.shape)
