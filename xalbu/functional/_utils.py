"""Helpers shared by the generic kernels (array-API only), and the rules for float pixels.

Float images (float32; float64 is computed as float32) hold intensities in [0, 1]. Two rules follow
from that, the same on every backend (generic kernel, OpenCV/NumPy and CuPy overrides), for a single
image and for every sample of a batch:

**Non-finite pixels.** A kernel computes in IEEE float32 and then saturates into its output's
range, as albumentations 2.0.8 does where it saturates:

- a float output that lives in [0, 1] (RandomGamma, RandomBrightnessContrast, Posterize, Solarize,
  InvertImg, ToSepia, and ToGray but for ``max``) is clipped to [0, 1], and an integer output
  (FromFloat) is rounded and clipped to
  [0, max]: +inf and -inf land on whichever end the maths sends them to (+inf becomes 1 under
  RandomGamma, RandomBrightnessContrast and Posterize, 0 under Solarize and InvertImg; -inf becomes
  0, and 1 under InvertImg). Where the result does not depend on the pixel (contrast -1 in
  RandomBrightnessContrast: ``alpha = 0``), every pixel gets that result, non-finite ones included
  (no ``0 * inf = NaN``);
- NaN stays NaN in a float output and becomes 0 in an integer one (FromFloat);
- a non-finite pixel changes no other pixel: an image statistic (RandomBrightnessContrast's mean
  with ``brightness_by_max=False``, Normalize's per-image mean, std, min and max) is taken over the
  image's finite values (:func:`finite_mean`; 0 for an image without any);
- outputs without a range (Normalize, ToFloat, FromFloat to float32) follow IEEE arithmetic:
  ``inf * 2 = inf``, NaN stays NaN; transforms that only move or select values (ChannelShuffle,
  ``ToGray(method="max")``, the geometric ones) keep them;
- in a batch, samples a transform skips run through its kernel with identity parameters, so their
  non-finite values saturate too (+inf becomes 1, -inf 0); a single image that is skipped is
  returned as it is.

``ToGray(method="pca")`` takes its statistics over the finite pixels and gives NaN at the others
(their projection is undefined).

**Values far outside [0, 1].** A 0-255 float image (a common mistake) or a negative one (mean
subtracted) is refused, with a ``ValueError`` naming the transform, by the transforms whose maths
assumes [0, 1] (RandomGamma, RandomBrightnessContrast, Posterize, Solarize, InvertImg, FromFloat,
ToGray, ToSepia: :func:`check_unit_range`). Finite values up to :data:`UNIT_SLACK` outside [0, 1]
are accepted and
saturate like the rest (cubic and Lanczos warps and resizes overshoot by ~0.1 at edges and up to
~0.3 on pixel noise; adversarial patterns can reach 0.45 with cubic, 0.97 with Lanczos); non-finite
values are not counted (they follow the first rule). The check runs when the transform is
applied (in a batch, on the whole batch), on host arrays only: a CuPy image is not checked, since
reading its range back would sync the device on every call (the batch path must not), and the
kernels of :mod:`xalbu.functional` never check (they saturate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from array_api_compat import array_namespace, device, is_cupy_array

MAX_VALUES = {"uint8": 255.0, "uint16": 65535.0, "float32": 1.0, "float64": 1.0}
UNIT_SLACK = 0.5  # finite float values accepted this far outside [0, 1] (interpolation overshoot)
# the largest float32 bit pattern, read as uint32, of a value in [+0, 1 + UNIT_SLACK]: positive floats
# order like their bit patterns, and negatives, -0.0, +inf and NaN all read larger
_CLEAN_F32_BITS = int(np.float32(1.0 + UNIT_SLACK).view(np.uint32))
_ONE_F32_BITS = int(np.float32(1.0).view(np.uint32))  # likewise for [+0, 1]


def dtype_name(xp: Any, dtype: Any) -> str:
    """Name of an array-API dtype (``"uint8"``, ``"float32"``...)."""
    for name in (
        "uint8",
        "uint16",
        "float32",
        "float64",
        "int32",
        "int64",
        "int8",
        "int16",
        "uint32",
        "bool",
    ):
        if dtype == getattr(xp, name, None):
            return name
    return str(dtype)


def max_value(xp: Any, dtype: Any) -> float:
    """The value of full intensity: 255 for uint8, 65535 for uint16, 1.0 for floats."""
    return MAX_VALUES.get(dtype_name(xp, dtype), 1.0)


def is_float(xp: Any, dtype: Any) -> bool:
    return xp.isdtype(dtype, "real floating")


def param(xp: Any, value: Any, img: Any, dtype: Any = None) -> Any:
    """Turn a scalar or length-N host parameter into something that broadcasts over ``img``.

    Python scalars are returned unchanged. A length-N array becomes an ``(N, 1, 1, 1)`` array on
    ``img``'s device (a batch is NHWC); an array with trailing shape ``(C,)`` (per channel) is kept
    as a per-channel vector. ``(N, C)`` becomes ``(N, 1, 1, C)``.
    """
    if isinstance(value, (int, float, bool, np.generic)) and np.ndim(value) == 0:
        return value.item() if isinstance(value, np.generic) else value
    arr = np.asarray(value)
    dt = dtype if dtype is not None else xp.float32
    out = xp.asarray(arr, dtype=dt, device=device(img))
    if arr.ndim == 1 and img.ndim == 4 and arr.shape[0] == img.shape[0]:
        return xp.reshape(out, (arr.shape[0], 1, 1, 1))
    if arr.ndim == 2 and img.ndim == 4:
        return xp.reshape(out, (arr.shape[0], 1, 1, arr.shape[1]))
    return out


def clip(xp: Any, x: Any, lo: float | None, hi: float | None) -> Any:
    """``xp.clip(x, lo, hi)`` for scalar bounds, without a host sync on any backend.

    array-api-compat's ``clip`` for CuPy masks with boolean indexing, which reads counts back to the
    host four times a call; ``maximum``/``minimum`` with Python scalars are one elementwise kernel
    each and keep ``x``'s dtype. NaN stays NaN, as in ``clip``. Example:
    ``clip(np, np.array([-1.0, 0.5, 2.0]), 0.0, 1.0)`` gives ``[0.0, 0.5, 1.0]``.
    """
    kind = float if is_float(xp, x.dtype) else int
    if lo is not None:
        x = xp.maximum(x, kind(lo))
    if hi is not None:
        x = xp.minimum(x, kind(hi))
    return x


def round_cast(xp: Any, x: Any, dtype: Any) -> Any:
    """Cast float ``x`` to ``dtype``: integers are rounded and saturated, floats are cast."""
    if is_float(xp, dtype):
        return xp.astype(x, dtype)
    hi = max_value(xp, dtype)
    return xp.astype(clip(xp, xp.round(x), 0.0, hi), dtype)


def namespace(*arrays: Any) -> Any:
    """``array_namespace`` re-exported so kernels import one name."""
    return array_namespace(*arrays)


def finite_mean(xp: Any, x: Any, axis: tuple[int, ...]) -> Any:
    """Mean of float ``x`` over ``axis`` (kept) taken over its finite values; 0 where there are none.

    The plain mean where it is finite (no inf or NaN in the image: the same arithmetic as
    ``xp.mean``), else the mean of the finite values. See :func:`where_finite` for when the
    fallback is computed (always, off NumPy: callers use ``xp.mean`` for images cast from
    integers). Example: ``[0.2, inf, 0.4, nan]`` has the mean ``0.3``.
    """
    with np.errstate(invalid="ignore"):  # +inf and -inf in one image: NumPy would warn (the fallback runs)
        m = xp.mean(x, axis=axis, keepdims=True)
    if not is_float(xp, x.dtype):
        return m

    def fallback() -> Any:
        fin = xp.isfinite(x)
        n = xp.sum(xp.astype(fin, x.dtype), axis=axis, keepdims=True)
        return xp.sum(xp.where(fin, x, 0.0), axis=axis, keepdims=True) / xp.maximum(n, 1.0)

    return where_finite(xp, m, fallback)


def where_finite(xp: Any, value: Any, fallback: Callable[[], Any]) -> Any:
    """``value`` where it is finite, else ``fallback()`` (same shape, or broadcastable).

    ``value`` is a small statistic (one number per image or per channel). On NumPy it is checked
    on the host and ``fallback`` runs only when needed; on other namespaces (CuPy) ``fallback``
    always runs and ``where`` picks, so nothing is read back from the device.
    """
    if isinstance(value, (np.ndarray, np.generic)) and bool(np.all(np.isfinite(value))):
        return value
    return xp.where(xp.isfinite(value), value, fallback())


def check_unit_range(name: str, img: Any) -> bool:
    """Refuse a float image whose finite values go further than :data:`UNIT_SLACK` outside [0, 1];
    return whether the image is known to need no saturation (integers, and float images whose
    values all lie in [0, 1], none of them infinite or NaN).

    For the transforms whose maths assumes [0, 1] (see the module's rules); ``name`` is the
    transform's. Integer and empty images pass; CuPy images are not checked (no device sync).
    NumPy float32 costs one reduction over the bit patterns (``max`` of a uint32 view: ~8 us for
    256x256x3); only images with a value outside [+0, 1.5] (or a negative, an infinity, a NaN) take
    a second look at their finite minimum and maximum.
    """
    if isinstance(img, np.ndarray):
        if img.dtype.kind != "f" or img.size == 0:
            return True
        if img.dtype == np.float32:
            bits = int(img.view(np.uint32).max())
            if bits <= _CLEAN_F32_BITS:
                return bits <= _ONE_F32_BITS
        lo, hi = float(np.min(img)), float(np.max(img))
        finite = bool(np.isfinite(lo) and np.isfinite(hi))
        if not finite:  # inf or NaN: look at the finite values only
            values = img[np.isfinite(img)]
            if values.size == 0:
                return False
            lo, hi = float(values.min()), float(values.max())
    elif is_cupy_array(img):
        return not is_float(array_namespace(img), img.dtype)
    else:
        xp = array_namespace(img)
        if not is_float(xp, img.dtype) or img.size == 0:
            return True
        fin = xp.isfinite(img)
        finite = bool(xp.all(fin))
        lo = float(xp.min(xp.where(fin, img, float("inf"))))
        hi = float(xp.max(xp.where(fin, img, -float("inf"))))
    if lo < -UNIT_SLACK or hi > 1.0 + UNIT_SLACK:
        raise ValueError(
            f"{name}: expected a float image with values in [0, 1], got values from {lo:.4g} to {hi:.4g}; "
            "divide a 0-255 image by 255 or convert it with ToFloat (values up to "
            f"{UNIT_SLACK:g} outside [0, 1], as interpolation overshoots, are accepted and saturated)"
        )
    return finite and lo >= 0.0 and hi <= 1.0
