"""Mosaic and OverlayElements, as albumentations 2.0.8 defines them (re-exported by ``mixing``).

Mosaic: a ``grid_yx`` grid of ``cell_shape`` cells, a ``target_size`` window centred at a point
drawn in ``center_range`` (relative to the zone where the window fits); each visible part of a cell
shows one item, resized to cover (``fit_mode="cover"``) or fit in (``"contain"``, padded with
``fill``) the cell and cut on the side facing the window's centre. The primary sample goes to the
largest visible part; the others get the metadata items (drawn without replacement), or copies of
the primary when there are too few. Boxes are clipped to their cell (their visible fraction tracked
through the cut), keypoints outside their cell are dropped; partners' rows keep their labels.

In a batch (all samples one size) the items are other samples of the same batch, drawn without
replacement over every part of the grid; the batch is resized once and every sample's mosaic is
one gather (the ``mosaic`` kernel): no per-sample loop on the device.

OverlayElements: pastes the images of its metadata (at their ``bbox``, resized, or at a random
offset) where their ``mask`` is set; with ``mask_id`` it writes that id into the mask. In a batch
every sample gets the same elements at offsets of its own, one ``paste_where`` call per element.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from array_api_compat import array_namespace

from ..core.mix import MixTransform
from ..core.reading import read_any_size
from ..core.state import State
from ..core.targets import clip_boxes, to_host
from ..core.transform import check_one_size
from ..core.validation import check_choice, check_fill, check_int, check_range, check_size
from ..functional import mixing as F
from ..functional import sizing as FS
from ..functional._common import select

_FAMILY = "xalbu.transforms.mixing"  # the classes' public home (re-exported there)
# OpenCV codes albumentations 2.0.8 takes, and the resize each one is (5 INTER_LINEAR_EXACT: linear;
# 6 INTER_NEAREST_EXACT: xalbu's nearest, which samples pixel centres)
_INTERPOLATIONS = {
    0: "nearest",
    1: "linear",
    2: "cubic",
    3: "area",
    4: "lanczos4",
    5: "linear_exact",
    6: "nearest_exact",
}
_KERNEL_CODE = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 0}


def _check_interpolation(name: str, value: Any) -> int:
    v = check_int(name, value)
    if v not in _INTERPOLATIONS:
        codes = ", ".join(f"{k} ({n})" for k, n in _INTERPOLATIONS.items())
        raise ValueError(f"{name}: expected one of {codes}, got {value!r}")
    return v


def mosaic_center(
    grid_yx: tuple[int, int], cell: tuple[int, int], target: tuple[int, int], rel: Any
) -> tuple[int, int]:
    """The (x, y) centre of the window on the large grid for relative positions ``rel = (rx, ry)``."""
    out = []
    for k, axis in ((1, 0), (0, 1)):
        size, t = grid_yx[k] * cell[k], target[k]
        lo, hi = t // 2, size - (t + 1) // 2
        out.append(max(lo, min(lo + int((hi - lo + 1) * float(rel[axis])), hi)))
    return out[0], out[1]


def mosaic_placements(
    grid_yx: tuple[int, int], cell: tuple[int, int], target: tuple[int, int], center: Any
) -> list[tuple[int, int, int, int]]:
    """The visible parts of the cells, ``(x1, y1, x2, y2)`` on the output, row by row."""
    edges = []
    for k, c in ((0, int(center[1])), (1, int(center[0]))):
        lo = c - target[k] // 2
        edges.append(sorted({min(max(j * cell[k], lo), lo + target[k]) - lo for j in range(grid_yx[k] + 1)}))
    ys, xs = edges
    return [(xs[j], ys[i], xs[j + 1], ys[i + 1]) for i in range(len(ys) - 1) for j in range(len(xs) - 1)]


def _position(place: tuple[int, int, int, int], target: tuple[int, int]) -> tuple[int, int]:
    """Where the part lies from the window's centre: -1 before, 0 on it, 1 after, (x, y)."""
    cx, cy = (place[0] + place[2]) / 2.0, (place[1] + place[3]) / 2.0
    sx, sy = int(np.sign(cx - target[1] / 2.0)), int(np.sign(cy - target[0] / 2.0))
    return (0, 0) if sx == 0 or sy == 0 else (sx, sy)


def cell_geometry(
    in_hw: tuple[int, int],
    cell: tuple[int, int],
    place: tuple[int, int, int, int],
    target: tuple[int, int],
    cover: bool,
) -> tuple[tuple[int, int], float, tuple[int, int]]:
    """How an item of size ``in_hw`` fills the part ``place``: its resized size, the scale, and the
    (x, y) of the part's top-left corner in the resized item's coordinates."""
    h, w = in_hw
    scale = (max if cover else min)(cell[0] / h, cell[1] / w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    ph, pw = place[3] - place[1], place[2] - place[0]
    sx, sy = _position(place, target)
    x0 = {-1: cell[1] - pw, 1: 0, 0: (cell[1] - pw) // 2}[sx]
    y0 = {-1: cell[0] - ph, 1: 0, 0: (cell[0] - ph) // 2}[sy]
    oy = max(0, y0 + ph - nh) // 2  # albumentations' Crop(pad_if_needed): pad to the crop, half above
    ox = max(0, x0 + pw - nw) // 2
    return (nh, nw), scale, (x0 - ox, y0 - oy)


@dataclass
class MosaicParams:
    __module__ = _FAMILY
    rel: Any  # (2,) or (N, 2): relative (x, y) of the window's centre
    sources: Any  # (C,) or (N, C): the item of each visible part (-1: the primary; else metadata/batch index)


class Mosaic(MixTransform):
    """Combine the sample with others on a grid and cut a ``target_size`` window out of it (YOLOv4).

    Args:
        grid_yx: rows and columns of the grid.
        target_size: (height, width) of the output.
        cell_shape: (height, width) of each cell.
        center_range: range of the window centre's relative position in the zone where it fits.
        fit_mode: ``"cover"`` (resize each item to cover its cell) or ``"contain"`` (fit, pad).
        interpolation: OpenCV interpolation of images; mask_interpolation: of masks.
        fill: padding value of images; fill_mask: of masks.
        metadata_key: keyword of the other items for one image (list of dicts: image, mask, bboxes,
            keypoints, label fields).
        p: probability of applying the transform.

    Example:
        >>> import numpy as np, xalbu as A
        >>> img = np.zeros((60, 60, 3), np.uint8)
        >>> t = A.Mosaic(target_size=(40, 40), cell_shape=(30, 30), p=1.0)
        >>> t(image=img, mosaic_metadata=[{"image": img + 50}])["image"].shape
        (40, 40, 3)
    """

    __module__ = _FAMILY
    Params = MosaicParams
    benchmark_inputs = ("metadata",)

    def __init__(
        self,
        grid_yx: tuple[int, int] = (2, 2),
        target_size: tuple[int, int] = (512, 512),
        cell_shape: tuple[int, int] = (512, 512),
        center_range: tuple[float, float] = (0.3, 0.7),
        fit_mode: str = "cover",
        interpolation: int = 1,
        mask_interpolation: int = 0,
        fill: Any = 0,
        fill_mask: Any = 0,
        metadata_key: str = "mosaic_metadata",
        p: float = 0.5,
    ) -> None:
        super().__init__(metadata_key, p)
        self.grid_yx = check_size("grid_yx", grid_yx)
        self.target_size = check_size("target_size", target_size)
        self.cell_shape = check_size("cell_shape", cell_shape)
        self.center_range = check_range("center_range", center_range, 0.0, 1.0)
        self.fit_mode = check_choice("fit_mode", fit_mode, ("cover", "contain"))
        self.interpolation = _check_interpolation("interpolation", interpolation)
        self.mask_interpolation = _check_interpolation("mask_interpolation", mask_interpolation)
        self.fill = check_fill("fill", fill)
        self.fill_mask = check_fill("fill_mask", fill_mask)
        for k in (0, 1):
            if self.cell_shape[k] * self.grid_yx[k] < self.target_size[k]:
                raise ValueError(
                    f"target_size: {self.target_size} must fit in cell_shape {self.cell_shape} x grid_yx {self.grid_yx}"
                )

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"target_size": (height, width), "cell_shape": (height, width)},
            {
                "grid_yx": (3, 2),
                "target_size": (height, width),
                "cell_shape": (height, width),
                "fit_mode": "contain",
                "fill": 7,
            },
        ]

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        img = sample["image"]
        xp = array_namespace(img)
        items = []
        for k in range(3):
            item = {"image": xp.roll(xp.flip(img, axis=1) if k % 2 else img, 7 * (k + 1), axis=0)}
            if sample.get("mask") is not None:
                item["mask"] = sample["mask"]
            items.append(item)  # no boxes: the call may have no bbox_params
        return {"mosaic_metadata": items}

    # ------------------------------------------------------------------ sampling
    def _draw(self, rng: np.random.Generator, n_avail: int) -> tuple[np.ndarray, np.ndarray]:
        rel = rng.uniform(self.center_range[0], self.center_range[1], 2)
        places = mosaic_placements(self.grid_yx, self.cell_shape, self.target_size, self._center(rel))
        need = len(places) - 1
        chosen = rng.choice(n_avail, need, replace=False) if n_avail > need else np.arange(n_avail)
        items = np.concatenate([[-1], chosen, np.full(need - len(chosen), -1)]).astype(np.int64)
        areas = [(p[2] - p[0]) * (p[3] - p[1]) for p in places]
        first = int(np.argmax(areas))
        sources = np.full(self.grid_yx[0] * self.grid_yx[1], -1, np.int64)
        rest = [k for k in range(len(places)) if k != first]
        sources[rest] = items[1 + rng.permutation(need)] if need else sources[rest]
        return rel, sources

    def _center(self, rel: Any) -> tuple[int, int]:
        return mosaic_center(self.grid_yx, self.cell_shape, self.target_size, rel)

    def sample_data(self, rng: np.random.Generator, state: State) -> Any:
        n = state.batch
        if n is None:
            if self.metadata_key not in (state.extra or {}):
                raise ValueError(
                    f"Mosaic: one image needs {self.metadata_key}=[...] (a list of dicts with image=...)"
                )
            meta = _valid_items((state.extra or {}).get(self.metadata_key), self.metadata_key, state)
            rel, sources = self._draw(rng, len(meta))
            return MosaicParams(
                rel, np.asarray([meta[s] if s >= 0 else -1 for s in sources.tolist()], np.int64)
            )
        # a batch: partners are other samples of the batch, drawn without replacement (copies of
        # the sample itself when the batch is too small), over every part of the grid (empty ones too)
        rel = rng.uniform(self.center_range[0], self.center_range[1], (n, 2))
        grid = self._grid(rel)
        k = grid["ph"].shape[1] * grid["ph"].shape[2]
        first = np.argmax((grid["ph"] * grid["pw"]).reshape(n, k), axis=1)
        keys = rng.random((n, n))
        keys[np.arange(n), np.arange(n)] = np.inf
        others = np.argsort(keys, axis=1)[:, : n - 1]
        picks = np.concatenate([others, np.repeat(np.arange(n)[:, None], max(0, k - n), axis=1)], axis=1)[
            :, : k - 1
        ]
        picks = np.take_along_axis(picks, np.argsort(rng.random(picks.shape), axis=1), axis=1)
        sources = np.empty((n, k), np.int64)
        rest = np.ones((n, k), bool)
        rest[np.arange(n), first] = False
        sources[~rest] = np.arange(n)
        sources[rest] = picks.reshape(-1)
        return MosaicParams(rel, sources)

    def _grid(self, rel: np.ndarray) -> dict[str, np.ndarray]:
        """Every sample's parts of the grid (empty ones included): ``y1`` (N, R) / ``x1`` (N, C) on
        the output, sizes ``ph``, ``pw`` and the (x, y) of their corner in a cell ``x0``, ``y0``
        (N, R, C), as :func:`mosaic_placements` and :func:`cell_geometry` lay them out."""
        (rows, cols), (ch, cw), (th, tw) = self.grid_yx, self.cell_shape, self.target_size
        out: dict[str, np.ndarray] = {}
        signs = []
        for axis, g, c, t, name in ((1, rows, ch, th, "y"), (0, cols, cw, tw, "x")):
            lo_c, hi_c = t // 2, g * c - (t + 1) // 2
            centre = np.clip(lo_c + ((hi_c - lo_c + 1) * rel[:, axis]).astype(np.int64), lo_c, hi_c)
            lo = (centre - t // 2)[:, None]
            edges = np.clip(np.arange(g + 1) * c, lo, lo + t) - lo
            out[name + "1"], size = edges[:, :-1], np.diff(edges, axis=1)
            out["p" + ("h" if name == "y" else "w")] = size
            signs.append(np.sign((edges[:, :-1] + edges[:, 1:]) / 2.0 - t / 2.0).astype(np.int64))
        sy, sx = signs[0][:, :, None], signs[1][:, None, :]
        centred = (sy == 0) | (sx == 0)
        sy, sx = np.where(centred, 0, sy), np.where(centred, 0, sx)
        ph = np.broadcast_to(out["ph"][:, :, None], centred.shape)
        pw = np.broadcast_to(out["pw"][:, None, :], centred.shape)
        out["ph"], out["pw"] = ph, pw
        out["y0"] = np.where(sy < 0, ch - ph, np.where(sy > 0, 0, (ch - ph) // 2))
        out["x0"] = np.where(sx < 0, cw - pw, np.where(sx > 0, 0, (cw - pw) // 2))
        return out

    # ------------------------------------------------------------------ applying
    def _apply(self, state: State, params: MosaicParams, applied: np.ndarray | None) -> None:
        check_one_size(self, applied, self.target_size, state.shape)
        if state.batch is None:
            meta = (state.extra or {}).get(self.metadata_key) or []
            first = len(state.partners or [])
            used = sorted({int(s) for s in np.asarray(params.sources).tolist() if s >= 0})
            parts = {
                s: read_any_size(state.reader, f"{self.metadata_key}[{s}]", meta[s], first + j + 1)
                for j, s in enumerate(used)
            }
            state.partners = [*(state.partners or []), *(meta[s] for s in used)]
            own = State(state.shape, None, state.images, state.masks, state.boxes, state.points)
            self._compose(state, params.rel, params.sources, lambda s: own if s < 0 else parts[s])
            return
        self._compose_batch(state, np.asarray(params.rel), np.asarray(params.sources), applied)

    def _compose_batch(
        self, state: State, rel: np.ndarray, sources: np.ndarray, applied: np.ndarray | None
    ) -> None:
        """A batch: every sample's mosaic in one ``mosaic`` kernel call per image/mask key."""
        n = state.batch
        grid = self._grid(rel)
        rows_n, cols_n = grid["ph"].shape[1:]
        src = sources.reshape(n, rows_n, cols_n)
        (nh, nw), scale, _ = cell_geometry(
            state.shape, self.cell_shape, (0, 0, 1, 1), self.target_size, self.fit_mode == "cover"
        )
        oy = np.maximum(0, grid["y0"] + grid["ph"] - nh) // 2
        ox = np.maximum(0, grid["x0"] + grid["pw"] - nw) // 2
        ys, xs = grid["y0"] - oy, grid["x0"] - ox  # (N, R, C): the part's corner in the resized sample
        th, tw = self.target_size
        y_out, x_out = np.arange(th), np.arange(tw)
        part_row = (y_out[None, :, None] >= (grid["y1"] + grid["ph"][:, :, 0])[:, None, :]).sum(-1)
        part_col = (x_out[None, :, None] >= (grid["x1"] + grid["pw"][:, 0, :])[:, None, :]).sum(-1)
        part_row, part_col = np.minimum(part_row, rows_n - 1), np.minimum(part_col, cols_n - 1)
        nn = np.arange(n)[:, None]
        y1_of = grid["y1"][nn, part_row]  # (N, H)
        x1_of = grid["x1"][nn, part_col]  # (N, W)
        src_row = ys[nn, part_row, :] + (y_out[None, :] - y1_of)[:, :, None]  # (N, H, C)
        src_col = xs.transpose(0, 2, 1)[nn, part_col, :] + (x_out[None, :] - x1_of)[:, :, None]  # (N, W, R)
        partly = applied is not None and not applied.all()  # then the size is kept (check_one_size)
        for store, fill, interp in (
            (state.images, self.fill, self.interpolation),
            (state.masks, self.fill_mask, self.mask_interpolation),
        ):
            for key, arr in store.items():
                resized = arr if (nh, nw) == state.shape else FS.resize(arr, (nh, nw), _KERNEL_CODE[interp])
                out = F.mosaic(resized, part_row, part_col, src, src_row, src_col, fill)
                store[key] = select(out, arr, applied) if partly else out
        on = np.ones(n, bool) if applied is None else applied
        for store, fn in ((state.boxes, _cell_boxes), (state.points, _cell_points)):
            for key, rows in store.items():
                got = [rows.take(np.flatnonzero(~on[rows.sample]))]
                for i in np.flatnonzero(on).tolist():
                    for r in range(rows_n):
                        for c in range(cols_n):
                            ph, pw = int(grid["ph"][i, r, c]), int(grid["pw"][i, r, c])
                            if ph <= 0 or pw <= 0:
                                continue
                            y1, x1 = int(grid["y1"][i, r]), int(grid["x1"][i, c])
                            geom = ((nh, nw), scale, (int(xs[i, r, c]), int(ys[i, r, c])))
                            part = _rows_of(rows, int(src[i, r, c]), i, key, fn is _cell_boxes, state)
                            got.append(fn(part, (x1, y1, x1 + pw, y1 + ph), geom, state.shape))
                merged = rows.concat(got)
                store[key] = merged.take(np.argsort(merged.sample, kind="stable"))
        state.shape = self.target_size

    def _compose(self, state: State, rel: Any, sources: Any, item: Any) -> None:
        """One image: each visible part gets its item (``item(source)``: the sample or a partner)."""
        target = self.target_size
        cover = self.fit_mode == "cover"
        src = np.asarray(sources).tolist()
        places = mosaic_placements(self.grid_yx, self.cell_shape, target, self._center(rel))
        cells = []
        for k, place in enumerate(places):
            part = item(src[k])
            cells.append(
                (place, part, cell_geometry(part.shape, self.cell_shape, place, target, cover), part.shape)
            )
        for key, img in state.images.items():
            pieces = [(pl, pt.images[key], g) for pl, pt, g, _ in cells]
            state.images[key] = _assemble(pieces, target, self.fill, self.interpolation, img)
        for key, mask in state.masks.items():
            pieces = [(pl, pt.masks.get(key), g) for pl, pt, g, _ in cells]
            state.masks[key] = _assemble(pieces, target, self.fill_mask, self.mask_interpolation, mask)
        for store, fn in ((state.boxes, _cell_boxes), (state.points, _cell_points)):
            for key, rows in store.items():
                got = [
                    fn(_rows_of(rows, pt, None, key, fn is _cell_boxes, state), pl, g, hw)
                    for pl, pt, g, hw in cells
                ]
                store[key] = rows.concat(got)
        state.shape = target


def _rows_of(rows: Any, part: Any, i: int | None, key: str, boxes: bool, state: State) -> Any:
    """The rows an item brings: one image's own or a partner's (``part`` a State); in a batch
    sample ``part``'s rows, moved to sample ``i`` (their origin kept)."""
    if i is None:
        got = (part.boxes if boxes else part.points).get(key)
        return got if got is not None else rows.take(np.zeros(0, np.intp))
    sel = rows.take(np.flatnonzero(rows.sample == part))
    if part != i:
        origin = sel.sample.copy() if sel.origin is None else sel.origin
        sel = replace(sel, origin=origin, sample=np.full(len(sel.sample), i, np.intp))
    return sel


def _assemble(pieces: list, target: tuple[int, int], fill: Any, interpolation: int, like: Any) -> Any:
    """The output canvas: each part gets its item's resized pixels, ``fill`` where the item does not
    reach (``contain``) or has no such target (a metadata item without a mask)."""
    from array_api_compat import array_namespace, device

    xp = array_namespace(like)
    c = like.shape[-1]
    host = np.broadcast_to(np.asarray(fill, np.float64), (c,)) if np.ndim(fill) else np.full(c, float(fill))
    if isinstance(like, np.ndarray):
        canvas = np.empty((*target, c), like.dtype)
        value: Any = host.astype(like.dtype) if like.dtype.kind != "f" else host.astype(like.dtype)
        value = value[0] if (value == value[0]).all() else value  # one value: numpy's fast scalar fill
    else:
        canvas = xp.astype(
            xp.asarray(np.broadcast_to(host, (*target, c)).copy(), device=device(like)), like.dtype
        )
        value = None  # already filled
    for place, src, ((nh, nw), _, (x0, y0)) in pieces:
        ph, pw = place[3] - place[1], place[2] - place[0]
        ys, ye = max(0, y0), min(nh, y0 + ph)
        xs, xe = max(0, x0), min(nw, x0 + pw)
        empty = src is None or ye <= ys or xe <= xs
        if value is not None and (empty or (ye - ys, xe - xs) != (ph, pw)):
            canvas[place[1] : place[3], place[0] : place[2]] = value
        if empty:
            continue
        resized = (
            src if tuple(src.shape[:2]) == (nh, nw) else FS.resize(src, (nh, nw), _KERNEL_CODE[interpolation])
        )
        dy, dx = place[1] + ys - y0, place[0] + xs - x0
        canvas[dy : dy + ye - ys, dx : dx + xe - xs, ...] = resized[ys:ye, xs:xe, ...]
    return canvas


def _cell_boxes(rows: Any, place: tuple, geom: tuple, in_hw: tuple[int, int]) -> Any:
    (nh, nw), _, (x0, y0) = geom
    ph, pw = place[3] - place[1], place[2] - place[0]
    sx, sy = nw / in_hw[1], nh / in_hw[0]  # the resized pixels' own ratios (boxes stay on their pixels)
    xyxy = rows.xyxy * np.array([sx, sy, sx, sy]) - np.array([x0, y0, x0, y0], np.float64)
    out = clip_boxes(rows, xyxy, (ph, pw))
    return replace(out, xyxy=out.xyxy + np.array([place[0], place[1], place[0], place[1]], np.float64))


def _cell_points(rows: Any, place: tuple, geom: tuple, in_hw: tuple[int, int]) -> Any:
    (nh, nw), _, (x0, y0) = geom
    ph, pw = place[3] - place[1], place[2] - place[0]
    sx, sy = nw / in_hw[1], nh / in_hw[0]
    xy = rows.xy * np.array([sx, sy]) - np.array([x0, y0], np.float64)
    keep = (xy[:, 0] >= 0) & (xy[:, 0] < pw) & (xy[:, 1] >= 0) & (xy[:, 1] < ph)
    moved = replace(rows, xy=xy + np.array([place[0], place[1]], np.float64), scale=rows.scale * max(sx, sy))
    return moved.take(np.flatnonzero(keep))


def _valid_items(meta: Any, key: str, state: State) -> list[int]:
    """Indices of the usable metadata items (dicts with an image of the primary's channels), as
    albumentations filters them: others are skipped with a warning."""
    if meta is None or not isinstance(meta, (list, tuple)):
        warnings.warn(
            f"{key}: expected a list of dicts; Mosaic repeats the primary sample", UserWarning, stacklevel=4
        )
        return []
    img = next(iter(state.images.values()), None)
    ok = []
    for j, item in enumerate(meta):
        other = item.get("image") if isinstance(item, dict) else None
        if other is None or (img is not None and np.ndim(other) == 3 and other.shape[-1] != img.shape[-1]):
            warnings.warn(
                f"{key}[{j}]: skipped (not a dict with an image of the sample's channels)",
                UserWarning,
                stacklevel=4,
            )
            continue
        ok.append(j)
    return ok


@dataclass
class OverlayParams:
    __module__ = _FAMILY
    offsets: Any  # (E, 2) integer (y, x) of each element's top-left corner; (N, E, 2) in a batch


class OverlayElements(MixTransform):
    """Paste elements (stickers, logos...) from the metadata onto the image, and their ids into the mask.

    Each metadata entry has ``image``; optionally ``bbox`` (normalised ``x_min, y_min, x_max, y_max``:
    the element is resized to it, else placed at a random offset, resized to the image first if
    larger), ``mask`` (where the element is opaque; default everywhere) and ``mask_id`` (written
    into the mask where the element is opaque). In a batch every sample gets the same elements,
    each at its own random offset. Boxes and keypoints are not changed (as albumentations).

    Args:
        metadata_key: keyword of the elements (a dict or a list of dicts).
        p: probability of applying the transform.

    Example:
        >>> import numpy as np, xalbu as A
        >>> img = np.zeros((10, 10, 3), np.uint8)
        >>> el = {"image": np.full((4, 4, 3), 255, np.uint8), "bbox": [0.0, 0.0, 0.5, 0.5], "mask_id": 1}
        >>> out = A.OverlayElements(p=1.0)(image=img, mask=np.zeros((10, 10), np.uint8), overlay_metadata=[el])
        >>> int(out["image"][:5, :5].min()), int(out["mask"].sum())
        (255, 25)
    """

    __module__ = _FAMILY
    Params = OverlayParams
    benchmark_inputs = ("metadata",)

    def __init__(self, metadata_key: str = "overlay_metadata", p: float = 0.5) -> None:
        super().__init__(metadata_key, p)

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        img = sample["image"]
        h, w = img.shape[:2]
        el = array_namespace(img).flip(img[: h // 3, : w // 3, ...], axis=0)
        sticker = np.zeros(el.shape[:2], np.uint8)
        sticker[el.shape[0] // 4 : -el.shape[0] // 4, el.shape[1] // 4 : -el.shape[1] // 4] = 1
        return {
            "overlay_metadata": [
                {"image": el},
                {"image": el, "bbox": [0.5, 0.5, 0.9, 0.8], "mask": sticker, "mask_id": 1},
            ]
        }

    def _elements(self, state: State) -> list[dict[str, Any]]:
        meta = (state.extra or {}).get(self.metadata_key)
        if isinstance(meta, dict):
            return [meta]
        if not isinstance(meta, (list, tuple)) or not all(isinstance(m, dict) and "image" in m for m in meta):
            raise ValueError(
                f"OverlayElements: needs {self.metadata_key}=... (a dict or a list of dicts with image=...), for one "
                "image and for a batch (every sample gets the same elements)"
            )
        return list(meta)

    def sample_data(self, rng: np.random.Generator, state: State) -> OverlayParams:
        h, w = state.shape
        n = state.batch
        offs = []
        for el in self._elements(state):  # per element: a fixed place (bbox) or a random offset
            if "bbox" in el:
                x1, y1 = (int(v) for v in _denorm(el["bbox"], h, w)[:2])
                offs.append(np.broadcast_to(np.array([y1, x1], np.int64), (1 if n is None else n, 2)))
                continue
            eh, ew = np.shape(el["image"])[:2]
            if h < eh or w < ew:
                eh, ew = h, w
            ox = rng.integers(0, w - ew + 1, 1 if n is None else n)
            oy = rng.integers(0, h - eh + 1, 1 if n is None else n)
            offs.append(np.stack([oy, ox], axis=1).astype(np.int64))
        both = np.stack(offs, axis=1) if offs else np.zeros((1 if n is None else n, 0, 2), np.int64)
        return OverlayParams(both[0] if n is None else both)  # (E, 2), or (N, E, 2) in a batch

    def _prepared(self, el: dict[str, Any], hw: tuple[int, int], like: Any) -> tuple[Any, Any]:
        """The element's pixels and opacity (h, w, 1) at their size on the image, as ``like``'s arrays:
        resized to its ``bbox`` (pixels: area, opacity: nearest), or to the image when larger."""
        h, w = hw
        img = _to_like(el["image"], like)
        img = img if img.ndim == 3 else img[..., None]
        if "bbox" in el:
            x1, y1, x2, y2 = (int(v) for v in _denorm(el["bbox"], h, w)[:4])
            size = (y2 - y1, x2 - x1)
        elif h < img.shape[0] or w < img.shape[1]:
            size = (h, w)
        else:
            size = tuple(img.shape[:2])
        if tuple(img.shape[:2]) != size:
            img = FS.resize(img, size, 3)
        xp = array_namespace(img)
        mask = el.get("mask")
        if mask is None:
            return img, xp.ones((*size, 1), dtype=xp.uint8, device=_dev(img))
        mask = _to_like(mask, like)
        mask = mask if mask.ndim == 3 else mask[..., None]
        if mask.shape[-1] > 1:
            mask = xp.max(mask, axis=-1, keepdims=True)
        if tuple(mask.shape[:2]) != size:
            mask = FS.resize(mask, size, 0)
        return img, mask

    def _apply(self, state: State, params: OverlayParams, applied: np.ndarray | None) -> None:
        elements = self._elements(state)
        offs = np.asarray(params.offsets)
        for key, img in state.images.items():
            prepared = [self._prepared(el, state.shape, img) for el in elements]
            state.images[key] = _overlay(img, state.batch, applied, offs, prepared, None)
        for key, mask in state.masks.items():
            prepared = [self._prepared(el, state.shape, mask) for el in elements]
            ids = [el.get("mask_id") for el in elements]
            state.masks[key] = _overlay(mask, state.batch, applied, offs, prepared, ids)


def _overlay(
    arr: Any, n: int | None, applied: Any, offs: np.ndarray, prepared: list, ids: list | None
) -> Any:
    """Paste every element (``ids``: a mask, where each element writes its id); in a batch one
    kernel call per element, every sample at its own offset (unapplied samples unchanged)."""
    out = arr
    for k, (patch, where) in enumerate(prepared):
        if ids is not None:
            if ids[k] is None:
                continue
            xp = array_namespace(arr)
            patch = xp.full((where.shape[0], where.shape[1], arr.shape[-1]), ids[k], dtype=arr.dtype)
        if n is None:
            out = F.paste_where(out, patch, where, int(offs[k][1]), int(offs[k][0]))
        else:
            out = F.paste_where(out, patch, where, offs[:, k, 1], offs[:, k, 0])
    if n is not None and applied is not None and not applied.all():
        out = select(out, arr, applied)
    return out


def _denorm(bbox: Any, h: int, w: int) -> list[float]:
    b = [float(v) for v in list(bbox)[:4]]
    return [b[0] * w, b[1] * h, b[2] * w, b[3] * h]


def _dev(arr: Any) -> Any:
    from array_api_compat import device

    return device(arr)


def _to_like(arr: Any, like: Any) -> Any:
    """``arr`` (an element's image or mask) as an array of ``like``'s library and device."""
    if type(arr) is type(like):
        return arr
    if isinstance(like, np.ndarray):
        return to_host(arr)
    host = arr if isinstance(arr, np.ndarray) else to_host(arr)
    return array_namespace(like).asarray(host, device=_dev(like))
