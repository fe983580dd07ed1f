"""OpenCV / NumPy overrides of the colour kernels (CPU): to_gray, sepia, channel_shuffle.

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

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from xalbu.core.dispatch import register
from xalbu.functional import color as F

from ._pointwise import _CV_MAX_CN, _finish, _hwc, _rows, _usable


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
    out = cv2.transform(_hwc(np.ascontiguousarray(img)), _SEPIA).reshape(img.shape)
    if img.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out
