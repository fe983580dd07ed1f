"""Generic quality kernels over array-API arrays (see :mod:`xalbu.transforms.quality`): a JPEG round
trip computed as libjpeg computes it, and downscale-then-upscale.

:func:`jpeg` is baseline JPEG (IJG / libjpeg-turbo 6b arithmetic, the codec OpenCV bundles) without
the file in between: the channels are read as OpenCV's BGR (albumentations hands RGB images to
``cv2.imencode`` as they are), converted to YCbCr with libjpeg's fixed-point tables, chroma averaged
over 2x2 pixels (4:2:0, libjpeg's alternating rounding bias), 8x8 integer DCT (``jpeg_fdct_islow``),
quantised with the IJG tables scaled by ``quality`` (``jpeg_set_quality``, baseline), dequantised,
inverse integer DCT (``jpeg_idct_islow``), chroma upsampled with libjpeg's triangle ("fancy")
filter and converted back. Entropy coding is lossless, so it changes nothing; the integer steps are
libjpeg's, so the output equals OpenCV's decoded JPEG on almost every pixel (the tests hold the
PSNR between them).

Channel layout as albumentations 2.0.8 sends images to the codec: 1 channel: a grayscale JPEG; 2
channels: a colour JPEG of (c0, c1, 0), first two channels kept; 3 channels: a colour JPEG; more:
a colour JPEG of the first three and a grayscale JPEG of each other channel. uint16 images are
compressed at 8 bits (``round(x / 257)``, back ``* 257``) and float32 ones through uint8
(``round(x * 255)``, back ``/ 255``), as the codecs hold 8-bit samples.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional import _resize as R
from xalbu.functional._common import NEAREST, Param, _cast
from xalbu.functional._utils import clip, dtype_name, namespace

# IJG's example tables (JPEG standard, Annex K), natural order
LUMA_TABLE = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=np.int64,
)
CHROMA_TABLE = np.array(
    [
        [17, 18, 24, 47, 99, 99, 99, 99],
        [18, 21, 26, 66, 99, 99, 99, 99],
        [24, 26, 56, 99, 99, 99, 99, 99],
        [47, 66, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
    ],
    dtype=np.int64,
)

# libjpeg's fixed-point constants: islow DCT (CONST_BITS 13, PASS1_BITS 2), colour (SCALEBITS 16)
_CB, _PB = 13, 2
_F0298, _F0390, _F0541, _F0765 = 2446, 3196, 4433, 6270
_F0899, _F1175, _F1501, _F1847 = 7373, 9633, 12299, 15137
_F1961, _F2053, _F2562, _F3072 = 16069, 16819, 20995, 25172


def quant_tables(quality: Param) -> np.ndarray:
    """Host int32 ``(..., 2, 8, 8)`` quantisation tables (luma, chroma) for ``quality`` in [1, 100],
    as ``jpeg_set_quality(..., force_baseline=TRUE)`` scales them (other values are clamped to it).

    Example: quality 50 gives the tables themselves; quality 90 scales them by 20% (the luma DC step
    16 becomes ``(16 * 20 + 50) // 100 = 3``), quality 10 by 500% (80).
    """
    q = np.clip(np.asarray(quality, dtype=np.int64), 1, 100)
    scale = np.where(q < 50, 5000 // q, 200 - 2 * q)[..., None, None, None]
    base = np.stack([LUMA_TABLE, CHROMA_TABLE])
    return np.clip((base * scale + 50) // 100, 1, 255).astype(np.int32)


def _descale(x: Any, n: int) -> Any:
    return (x + (1 << (n - 1))) >> n


def _fdct_1d(d: list[Any], last: bool) -> list[Any]:
    """One pass of libjpeg's ``jpeg_fdct_islow`` over 8 arrays (the 8 samples of a row or column)."""
    t0, t7 = d[0] + d[7], d[0] - d[7]
    t1, t6 = d[1] + d[6], d[1] - d[6]
    t2, t5 = d[2] + d[5], d[2] - d[5]
    t3, t4 = d[3] + d[4], d[3] - d[4]
    t10, t13, t11, t12 = t0 + t3, t0 - t3, t1 + t2, t1 - t2
    shift = _CB + _PB if last else _CB - _PB
    out: list[Any] = [None] * 8
    if last:
        out[0], out[4] = _descale(t10 + t11, _PB), _descale(t10 - t11, _PB)
    else:
        out[0], out[4] = (t10 + t11) << _PB, (t10 - t11) << _PB
    z1 = (t12 + t13) * _F0541
    out[2] = _descale(z1 + t13 * _F0765, shift)
    out[6] = _descale(z1 - t12 * _F1847, shift)
    z1, z2, z3, z4 = t4 + t7, t5 + t6, t4 + t6, t5 + t7
    z5 = (z3 + z4) * _F1175
    t4, t5, t6, t7 = t4 * _F0298, t5 * _F2053, t6 * _F3072, t7 * _F1501
    z1, z2 = z1 * -_F0899, z2 * -_F2562
    z3, z4 = z3 * -_F1961 + z5, z4 * -_F0390 + z5
    out[7] = _descale(t4 + z1 + z3, shift)
    out[5] = _descale(t5 + z2 + z4, shift)
    out[3] = _descale(t6 + z2 + z3, shift)
    out[1] = _descale(t7 + z1 + z4, shift)
    return out


def _idct_1d(d: list[Any], last: bool) -> list[Any]:
    """One pass of libjpeg's ``jpeg_idct_islow`` over 8 arrays (columns first, then rows)."""
    z1 = (d[2] + d[6]) * _F0541
    t2, t3 = z1 - d[6] * _F1847, z1 + d[2] * _F0765
    t0, t1 = (d[0] + d[4]) << _CB, (d[0] - d[4]) << _CB
    t10, t13, t11, t12 = t0 + t3, t0 - t3, t1 + t2, t1 - t2
    o0, o1, o2, o3 = d[7], d[5], d[3], d[1]
    z1, z2, z3, z4 = o0 + o3, o1 + o2, o0 + o2, o1 + o3
    z5 = (z3 + z4) * _F1175
    o0, o1, o2, o3 = o0 * _F0298, o1 * _F2053, o2 * _F3072, o3 * _F1501
    z1, z2 = z1 * -_F0899, z2 * -_F2562
    z3, z4 = z3 * -_F1961 + z5, z4 * -_F0390 + z5
    o0, o1, o2, o3 = o0 + z1 + z3, o1 + z2 + z4, o2 + z2 + z3, o3 + z1 + z4
    shift = _CB + _PB + 3 if last else _CB - _PB
    pairs = [(t10, o3), (t11, o2), (t12, o1), (t13, o0)]
    out: list[Any] = [None] * 8
    for k, (a, b) in enumerate(pairs):
        out[k], out[7 - k] = _descale(a + b, shift), _descale(a - b, shift)
    return out


def _pass(xp: Any, blocks: Any, fn: Any, last: bool) -> Any:
    """Apply the 1-D pass ``fn`` along the last axis of ``(..., 8, 8)`` blocks, then transpose them."""
    rows = fn([blocks[..., k] for k in range(8)], last)
    return xp.stack(rows, axis=-2)  # the pass's outputs become rows: the block comes back transposed


def _code_planes(xp: Any, planes: Any, tables: Any) -> Any:
    """JPEG round trip of int32 sample planes ``(N, P, H, W)`` (H, W multiples of 8) with tables
    ``(N, 1, 1, 1, 8, 8)``: level shift, FDCT, quantise, dequantise, IDCT, clamp to [0, 255]."""
    n, p, h, w = planes.shape
    blocks = xp.reshape(planes - 128, (n, p, h // 8, 8, w // 8, 8))
    blocks = xp.permute_dims(blocks, (0, 1, 2, 4, 3, 5))  # (N, P, hb, wb, row, col)
    coef = _pass(xp, _pass(xp, blocks, _fdct_1d, False), _fdct_1d, True)  # rows, then columns
    # coef is back in (row, col) order after two transposes; libjpeg's FDCT output is scaled by 8
    div = tables * 8
    mag = (xp.abs(coef) + (div >> 1)) // div
    quant = xp.where(coef < 0, -mag, mag) * tables
    # inverse: columns first (pass over the transposed block), then rows
    spatial = _pass(
        xp, _pass(xp, xp.permute_dims(quant, (0, 1, 2, 3, 5, 4)), _idct_1d, False), _idct_1d, True
    )
    spatial = xp.permute_dims(spatial, (0, 1, 2, 3, 5, 4))
    spatial = clip(xp, spatial + 128, 0, 255)
    spatial = xp.permute_dims(spatial, (0, 1, 2, 4, 3, 5))
    return xp.reshape(spatial, (n, p, h, w))


def _edge_index(xp: Any, n: int, size: int, dev: Any) -> Any:
    return xp.asarray(np.minimum(np.arange(size), n - 1), device=dev)


def _to_ycc(xp: Any, b: Any, g: Any, r: Any) -> list[Any]:
    y = (19595 * r + 38470 * g + 7471 * b + 32768) >> 16
    cb = (-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16
    cr = (32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16
    return [y, cb, cr]


def _from_ycc(xp: Any, y: Any, cb: Any, cr: Any) -> list[Any]:
    cb, cr = cb - 128, cr - 128
    r = y + ((91881 * cr + 32768) >> 16)
    g = y + ((-22554 * cb + 32768 - 46802 * cr) >> 16)
    b = y + ((116130 * cb + 32768) >> 16)
    return [clip(xp, v, 0, 255) for v in (b, g, r)]


def _downsample(xp: Any, c: Any) -> Any:
    """libjpeg's ``h2v2_downsample`` of ``(N, P, H, W)`` (even H, W): 2x2 sums, bias 1, 2, 1, 2..."""
    n, p, h, w = c.shape
    s = xp.sum(xp.reshape(c, (n, p, h // 2, 2, w // 2, 2)), axis=(3, 5))
    bias = xp.asarray(np.tile(np.array([1, 2], np.int32), w // 4 + 1)[: w // 2], device=device(c))
    return (s + bias) >> 2


def _upsample(xp: Any, c: Any, h: int, w: int) -> Any:
    """libjpeg's ``h2v2_fancy_upsample`` of ``(N, P, ch, cw)`` (edges replicated) cropped to ``(h, w)``;
    its plain 2x2 repetition where ``cw <= 2``."""
    dev = device(c)
    ch, cw = c.shape[2], c.shape[3]
    if cw <= 2:  # libjpeg filters only components wider than 2 samples; narrower ones are repeated
        c = xp.take(c, xp.asarray(np.arange(2 * ch) // 2, device=dev), axis=2)
        return xp.take(c, xp.asarray(np.arange(2 * cw) // 2, device=dev), axis=3)[:, :, :h, :w]
    above = xp.take(c, xp.asarray(np.maximum(np.arange(ch) - 1, 0), device=dev), axis=2)
    below = xp.take(c, xp.asarray(np.minimum(np.arange(ch) + 1, ch - 1), device=dev), axis=2)
    rows = xp.stack([3 * c + above, 3 * c + below], axis=3)  # (N, P, ch, 2, cw): column sums
    rows = xp.reshape(rows, (c.shape[0], c.shape[1], 2 * ch, cw))
    left = xp.take(rows, xp.asarray(np.maximum(np.arange(cw) - 1, 0), device=dev), axis=3)
    right = xp.take(rows, xp.asarray(np.minimum(np.arange(cw) + 1, cw - 1), device=dev), axis=3)
    out = xp.stack([(3 * rows + left + 8) >> 4, (3 * rows + right + 7) >> 4], axis=4)
    out = xp.reshape(out, (c.shape[0], c.shape[1], 2 * ch, 2 * cw))
    return out[:, :, :h, :w]


def _to_8bit(xp: Any, img: Any) -> Any:
    """int32 samples in [0, 255] of a uint8 / uint16 / float image (uint16 / 257, float * 255)."""
    name = dtype_name(xp, img.dtype)
    if name == "uint8":
        return xp.astype(img, xp.int32)
    x = xp.astype(img, xp.float32)
    x = x / 257.0 if name == "uint16" else x * 255.0
    x = xp.where(xp.isnan(x), 0.0, x)
    return xp.astype(clip(xp, xp.round(x), 0.0, 255.0), xp.int32)


def _from_8bit(xp: Any, x: Any, dtype: Any) -> Any:
    name = dtype_name(xp, dtype)
    if name == "uint8":
        return xp.astype(x, dtype)
    if name == "uint16":
        return xp.astype(x * 257, dtype)
    return xp.astype(xp.astype(x, xp.float32) / 255.0, dtype)


def _jpeg_samples(xp: Any, x: Any, tables: Any) -> Any:
    """JPEG round trip of int32 ``(N, H, W, C)`` samples with per-sample tables ``(N, 2, 8, 8)``."""
    n, h, w, c = x.shape
    dev = device(x)
    hp, wp = -(-h // 16) * 16, -(-w // 16) * 16
    x = xp.take(xp.take(x, _edge_index(xp, h, hp, dev), axis=1), _edge_index(xp, w, wp, dev), axis=2)
    planes = xp.permute_dims(x, (0, 3, 1, 2))  # (N, C, Hp, Wp)
    luma_t = xp.reshape(tables[:, 0, ...], (n, 1, 1, 1, 8, 8))
    chroma_t = xp.reshape(tables[:, 1, ...], (n, 1, 1, 1, 8, 8))
    outs = []
    if c >= 2:
        third = planes[:, 2, ...] if c >= 3 else xp.zeros_like(planes[:, 0, ...])
        y, cb, cr = _to_ycc(xp, planes[:, 0, ...], planes[:, 1, ...], third)
        y = _code_planes(xp, y[:, None, ...], luma_t)[:, 0, ...]
        # libjpeg pads the image to whole 2x2 groups, downsamples, then repeats the last chroma row
        ch, cw = -(-h // 2), -(-w // 2)
        chroma = _downsample(xp, xp.stack([cb, cr], axis=1)[:, :, : 2 * ch, :])
        chroma = _code_planes(xp, xp.take(chroma, _edge_index(xp, ch, hp // 2, dev), axis=2), chroma_t)
        chroma = _upsample(xp, chroma[:, :, :ch, :cw], h, w)
        outs += _from_ycc(xp, y[:, :h, :w], chroma[:, 0, ...], chroma[:, 1, ...])[: min(c, 3)]
    gray = planes[:, 3:, ...] if c >= 3 else (planes if c == 1 else None)
    if gray is not None and gray.shape[1]:
        coded = _code_planes(xp, gray, luma_t)[:, :, :h, :w]
        outs += [coded[:, k, ...] for k in range(coded.shape[1])]
    return xp.stack(outs, axis=-1)


@kernel
def jpeg(img: Any, /, quality: Param) -> Any:
    """A baseline JPEG encode-decode round trip at ``quality`` (1..100; 0 leaves the image as it is).

    ``quality``: an int, or ``(N,)`` per sample of a batch. See the module's docstring for the
    maths and the channel layout. Example: a flat image stays flat (a flat block has only a DC
    coefficient) up to the colour conversion's rounding: BGR ``[200, 100, 50]`` comes back
    ``[199, 100, 50]`` at quality 90 or 100; a flat gray 37 at quality 1 comes back 32 (its DC
    quantised in steps of 255).
    """
    xp = namespace(img)
    x = img if img.ndim == 4 else img[None, ...]
    q = np.asarray(quality, dtype=np.int64)
    per_sample = np.broadcast_to(q, (x.shape[0],))
    tables = xp.asarray(quant_tables(per_sample), device=device(img))
    out = _from_8bit(xp, _jpeg_samples(xp, _to_8bit(xp, x), tables), img.dtype)
    if np.any(per_sample <= 0):
        keep = xp.asarray(np.reshape(per_sample <= 0, (-1, 1, 1, 1)), device=device(img))
        out = xp.where(keep, x, out)
    return out if img.ndim == 4 else out[0, ...]


@kernel
def webp(img: Any, /, quality: Param) -> Any:
    """A WebP encode-decode round trip at ``quality`` (1..100; 0 leaves the image as it is).

    The OpenCV override (NumPy) runs libwebp through ``cv2.imencode``; WebP's lossy maths (VP8
    prediction, 4x4 transforms, loop filter) is not reproduced here, so this generic kernel, and
    with it every other backend, gives :func:`jpeg`'s round trip at the same quality instead: the
    same kind of block artefacts at a comparable strength. Example: a flat image stays flat.
    """
    return jpeg.generic(img, quality)


# ----------------------------------------------------------------------------------------------
# downscale
# ----------------------------------------------------------------------------------------------
def downscaled_size(size: int, scale: Param) -> Any:
    """``round(size * scale)`` (half to even, as OpenCV sizes ``fx``/``fy`` resizes), at least 1."""
    if isinstance(scale, (int, float)):
        return max(1, round(size * scale))
    return np.maximum(np.rint(np.asarray(size, np.float64) * np.asarray(scale, np.float64)), 1).astype(
        np.int64
    )


@functools.lru_cache(maxsize=1024)
def _weights(n_in: int, n_out: int, interpolation: int) -> np.ndarray:
    """Dense ``(n_out, n_in)`` float32 resampling weights of one axis (sizing's, one-hot for nearest,
    the identity for equal sizes); cached (read-only): a batch's sizes repeat from call to call."""
    if n_in == n_out:  # the identity, exactly (lanczos' sinc is not exactly 0 at whole numbers)
        w = np.eye(n_in, dtype=np.float32)
    elif interpolation == NEAREST:
        w = np.zeros((n_out, n_in), np.float32)
        w[np.arange(n_out), R.nearest_index(n_in, n_out)] = 1.0
    else:
        w = R.resize_weights((n_in,), (n_out,), interpolation)[0]
    w.flags.writeable = False
    return w


def _stacked(n_in: int, sizes: np.ndarray, interpolation: int, down: bool) -> np.ndarray:
    """Per-sample weights of one axis: down ``(N, max(sizes), n_in)`` (rows past a sample's size 0),
    or up ``(N, n_in, max(sizes))`` from each sample's size back to ``n_in`` (columns past it 0)."""
    m = int(sizes.max())
    out = np.zeros((sizes.shape[0], n_in, m) if not down else (sizes.shape[0], m, n_in), np.float32)
    for s in np.unique(sizes):
        rows = sizes == s
        if down:
            out[rows, :s, :] = _weights(n_in, int(s), interpolation)
        else:
            out[rows, :, :s] = _weights(int(s), n_in, interpolation)
    return out


@kernel
def downscale(img: Any, /, scale: Param, down_interpolation: int, up_interpolation: int) -> Any:
    """Resize to ``downscaled_size(H, scale) x downscaled_size(W, scale)`` with ``down_interpolation``
    and back to ``H x W`` with ``up_interpolation`` (OpenCV codes; the intermediate image is in the
    input's dtype, rounded and saturated, as two resizes give).

    ``scale``: a float, or ``(N,)`` per sample (1 leaves a sample as it is). A single image (or a
    shared scale) takes :func:`xalbu.functional.R.resize` twice; per-sample scales apply each
    axis's weights as one batched product per resize. Example: ``[[0, 0, 8, 8]]`` (one row) with
    scale 0.5 and nearest both ways gives ``[[0, 0, 8, 8]]``; linear down (``[0, 8]``) and nearest
    up gives the same.
    """
    xp = namespace(img)
    h, w = img.shape[-3], img.shape[-2]
    scales = np.asarray(scale, np.float64)
    if scales.ndim == 0 or np.all(scales == scales.reshape(-1)[0]):
        s = float(scales.reshape(-1)[0])
        dh, dw = int(downscaled_size(h, s)), int(downscaled_size(w, s))
        if (dh, dw) == (h, w) and s >= 1:
            return xp.asarray(img, copy=True)
        small = R.resize(img, (dh, dw), down_interpolation)
        return R.resize(small, (h, w), up_interpolation)
    dh, dw = downscaled_size(h, scales), downscaled_size(w, scales)
    dev = device(img)
    wh_down = xp.asarray(_stacked(h, dh, down_interpolation, True), device=dev)[:, None, :, :]
    ww_down = xp.asarray(_stacked(w, dw, down_interpolation, True), device=dev)[:, None, :, :]
    wh_up = xp.asarray(_stacked(h, dh, up_interpolation, False), device=dev)[:, None, :, :]
    ww_up = xp.asarray(_stacked(w, dw, up_interpolation, False), device=dev)[:, None, :, :]
    x = xp.permute_dims(xp.astype(img, xp.float32), (0, 3, 1, 2))  # (N, C, H, W)
    small = xp.matmul(xp.matmul(wh_down, x), xp.permute_dims(ww_down, (0, 1, 3, 2)))
    small = xp.astype(_cast(xp, small, img.dtype), xp.float32)
    out = xp.matmul(xp.matmul(wh_up, small), xp.permute_dims(ww_up, (0, 1, 3, 2)))
    return _cast(xp, xp.permute_dims(out, (0, 2, 3, 1)), img.dtype)


__all__: Sequence[str] = ("downscale", "downscaled_size", "jpeg", "quant_tables", "webp")
