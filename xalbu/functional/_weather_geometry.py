"""Host geometry of the weather family: which pixels OpenCV's drawing calls cover, as sorted keys.

The weather transforms draw shapes (rain streaks, fog circles, gravel squares) whose positions are
drawn on the host. These helpers rasterise them on the host, vectorised over every shape of every
sample (no per-sample loop), into sorted int64 *keys* ``(n * H + y) * W + x``; the kernels then test
each pixel's key against them with one ``searchsorted`` on the image's device.

- :func:`line4_pixels`: the pixels of ``cv2.line(..., lineType=cv2.LINE_4)`` (thickness 1), as
  OpenCV draws them: the segment is first clipped to the image (``cv2.clipLine``, integer
  arithmetic), then drawn left to right with a 4-connected Bresenham walk (``err`` starts at 0; a
  step along the major axis while ``err >= 0``, else along the minor one);
- :func:`circle_halfwidths`: the half-width of each row of ``cv2.circle(..., thickness=-1)``
  (OpenCV's integer midpoint circle for radii drawn without sub-pixel shift);
- :func:`circle_spans`: the row spans of filled circles, clipped to the image.
"""

from __future__ import annotations

import functools

import numpy as np


def keys(n: np.ndarray, y: np.ndarray, x: np.ndarray, h: int, w: int) -> np.ndarray:
    """Flat pixel keys ``(n * h + y) * w + x`` (int64)."""
    return (n.astype(np.int64) * h + y) * w + x


def _trunc_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``(int64)((double)num / den)``: C's conversion truncates toward zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = num.astype(np.float64) / np.where(den == 0, 1, den)
    return np.trunc(q).astype(np.int64)


def clip_lines(x1, y1, x2, y2, h: int, w: int):  # noqa: ANN001, ANN201 - int64 arrays in and out
    """``cv2.clipLine`` on arrays: the clipped end points and whether anything is left."""
    x1, y1, x2, y2 = (np.asarray(a, np.int64).copy() for a in (x1, y1, x2, y2))
    right, bottom = w - 1, h - 1

    def code(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x < 0) * 1 + (x > right) * 2 + (y < 0) * 4 + (y > bottom) * 8

    c1, c2 = code(x1, y1), code(x2, y2)
    todo = ((c1 & c2) == 0) & ((c1 | c2) != 0)
    sel = todo & ((c1 & 12) != 0)
    a = np.where(c1 < 8, 0, bottom)
    x1 = np.where(sel, x1 + _trunc_div((a - y1) * (x2 - x1), y2 - y1), x1)
    y1 = np.where(sel, a, y1)
    c1 = np.where(sel, (x1 < 0) * 1 + (x1 > right) * 2, c1)
    sel = todo & ((c2 & 12) != 0)
    a = np.where(c2 < 8, 0, bottom)
    x2 = np.where(sel, x2 + _trunc_div((a - y2) * (x2 - x1), y2 - y1), x2)
    y2 = np.where(sel, a, y2)
    c2 = np.where(sel, (x2 < 0) * 1 + (x2 > right) * 2, c2)
    todo2 = todo & ((c1 & c2) == 0) & ((c1 | c2) != 0)
    sel = todo2 & (c1 != 0)
    a = np.where(c1 == 1, 0, right)
    y1 = np.where(sel, y1 + _trunc_div((a - x1) * (y2 - y1), x2 - x1), y1)
    x1 = np.where(sel, a, x1)
    c1 = np.where(sel, 0, c1)
    sel = todo2 & (c2 != 0)
    a = np.where(c2 == 1, 0, right)
    y2 = np.where(sel, y2 + _trunc_div((a - x2) * (y2 - y1), x2 - x1), y2)
    x2 = np.where(sel, a, x2)
    c2 = np.where(sel, 0, c2)
    return x1, y1, x2, y2, (c1 | c2) == 0


def line4_pixels(
    x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, h: int, w: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(line, x, y)``: every pixel of the 4-connected lines ``(x1, y1) -> (x2, y2)`` inside an
    ``h x w`` image (``line`` indexes the input arrays), as ``cv2.line(img, p1, p2, c, 1, cv2.LINE_4)``.

    >>> line, x, y = line4_pixels(np.array([0]), np.array([0]), np.array([2]), np.array([1]), 4, 4)
    >>> list(zip(x.tolist(), y.tolist()))
    [(0, 0), (1, 0), (1, 1), (2, 1)]
    """
    x1, y1, x2, y2, keep = clip_lines(x1, y1, x2, y2, h, w)
    idx = np.flatnonzero(keep)
    x1, y1, x2, y2 = x1[idx], y1[idx], x2[idx], y2[idx]
    swap = x2 < x1  # drawn left to right
    x1, x2 = np.where(swap, x2, x1), np.where(swap, x1, x2)
    y1, y2 = np.where(swap, y2, y1), np.where(swap, y1, y2)
    dx, dy = x2 - x1, y2 - y1
    sy = np.where(dy < 0, -1, 1)
    dy = np.abs(dy)
    vert = dy > dx
    major, minor = np.where(vert, dy, dx), np.where(vert, dx, dy)
    count = dx + dy + 1
    steps = int(count.max()) if count.size else 0
    # step k: along the major axis while err >= 0 (err -= 2 minor), else the minor one (err += 2 major)
    xs, ys = np.empty((idx.size, steps), np.int64), np.empty((idx.size, steps), np.int64)
    cx, cy, err = x1.copy(), y1.copy(), np.zeros_like(x1)
    for k in range(steps):
        xs[:, k], ys[:, k] = cx, cy
        along = err >= 0
        err = np.where(along, err - 2 * minor, err + 2 * major)
        step_x = np.where(vert, ~along, along)
        cx = cx + step_x
        cy = cy + np.where(step_x, 0, sy)
    valid = np.arange(steps)[None, :] < count[:, None]
    line = np.broadcast_to(idx[:, None], xs.shape)
    return line[valid], xs[valid], ys[valid]


@functools.lru_cache(maxsize=512)
def circle_halfwidths(radius: int) -> np.ndarray:
    """Half-widths of rows ``0..radius`` (offsets from the centre) of OpenCV's filled circle.

    >>> circle_halfwidths(2).tolist()
    [2, 1, 0]
    """
    hw = np.zeros(radius + 1, np.int64)
    err, dx, dy, plus, minus = 0, radius, 0, 1, 2 * radius - 1
    while dx >= dy:
        hw[dy] = max(hw[dy], dx)
        if dx <= radius:
            hw[dx] = max(hw[dx], dy)
        dy += 1
        err += plus
        plus += 2
        mask = 0 if err <= 0 else -1
        err -= minus & mask
        dx += mask
        minus -= mask & 2
    hw.flags.writeable = False
    return hw


def circle_spans(
    n: np.ndarray, cx: np.ndarray, cy: np.ndarray, r: np.ndarray, h: int, w: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted start and end keys (inclusive) of the row spans of filled circles, clipped to the image.

    ``n``: each circle's sample; a negative radius draws nothing. A pixel with key ``k`` is covered
    ``searchsorted(starts, k, "right") - searchsorted(ends, k, "left")`` times.
    """
    ok = r >= 0
    n, cx, cy, r = n[ok], cx[ok], cy[ok], r[ok]
    radii = np.unique(r)
    table = np.zeros((radii.size, int(radii.max()) + 1 if radii.size else 1), np.int64) - 1
    for i, rad in enumerate(radii.tolist()):
        table[i, : rad + 1] = circle_halfwidths(int(rad))
    which = np.searchsorted(radii, r)
    offs = np.arange(-table.shape[1] + 1, table.shape[1])
    half = table[which[:, None], np.abs(offs)[None, :]]  # (circles, rows)
    y = cy[:, None] + offs[None, :]
    x0 = np.maximum(cx[:, None] - half, 0)
    x1 = np.minimum(cx[:, None] + half, w - 1)
    valid = (half >= 0) & (y >= 0) & (y < h) & (x0 <= x1)
    nn = np.broadcast_to(n[:, None], y.shape)[valid]
    yy = y[valid]
    return np.sort(keys(nn, yy, x0[valid], h, w)), np.sort(keys(nn, yy, x1[valid], h, w))
