"""The gallery's pictures: the photos prepared with keypoints, transforms applied, drawn, written."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..core.transform import TRANSFORMS
from ..demo import SAMPLE_NAMES, draw_annotations, load_samples
from ._reference import Row, as_dtype, as_picture, call_inputs, input_dtype, pipeline

_KEYPOINT_COLORS = {"centre": (255, 40, 40), "corner": (255, 255, 255)}  # RGB


# ----------------------------------------------------------------------------- pictures
def _keypoints_from_boxes(bboxes: Sequence[Sequence[float]]) -> tuple[list[tuple[float, float]], list[str]]:
    """Two keypoints per box: its centre and its top-left corner (so flips and turns show)."""
    points, roles = [], []
    for x0, y0, x1, y1 in (tuple(b[:4]) for b in bboxes):
        points += [((x0 + x1) / 2, (y0 + y1) / 2), (x0, y0)]
        roles += ["centre", "corner"]
    return points, roles


def gallery_samples(size: tuple[int, int]) -> list[dict[str, Any]]:
    """The bundled photos scaled to cover ``size`` (height, width) and centre-cropped to it, with
    ``mask``, ``bboxes``/``labels`` and ``keypoints``/``roles`` (from the boxes where none are given)."""
    from ..transforms import CenterCrop, Resize

    h, w = size
    out = []
    for sample in load_samples():
        if "keypoints" not in sample:
            sample["keypoints"], sample["roles"] = _keypoints_from_boxes(sample["bboxes"])
        sh, sw = sample["image"].shape[:2]
        s = max(h / sh, w / sw)
        fit = (max(h, math.ceil(sh * s)), max(w, math.ceil(sw * s)))
        pipe = pipeline([Resize(*fit, interpolation=cv2.INTER_AREA), CenterCrop(h, w)], seed=0)
        out.append(pipe(**sample))
    return out


def draw_sample(out: dict[str, Any]) -> np.ndarray:
    """An RGB uint8 picture of a pipeline output: mask overlaid, boxes, labels and keypoints drawn."""
    img = draw_annotations(out["image"], out["mask"], out["bboxes"], out["labels"])
    for (x, y), role in zip(
        np.asarray(out["keypoints"], np.float64).reshape(-1, 2), out["roles"], strict=True
    ):
        centre = (int(round(x)), int(round(y)))
        cv2.circle(img, centre, 4, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(img, centre, 3, _KEYPOINT_COLORS.get(role, (255, 255, 255)), -1, cv2.LINE_AA)
    return img


def _to_numpy(x: Any, channels_first: bool) -> np.ndarray:
    if type(x).__module__.startswith("torch"):
        x = x.detach().cpu()
        if channels_first and x.ndim == 3:
            x = x.permute(1, 2, 0)
        x = x.numpy()
    return np.asarray(x)


def viewable(img: np.ndarray) -> tuple[np.ndarray, tuple[float, float] | None]:
    """An image as RGB uint8 for viewing, and the value range when float values were rescaled.

    float32 in [0, 1] is scaled by 255, other float ranges min-max to 0..255; uint16 is divided by 257.

    >>> viewable(np.array([[[-1.0], [3.0]]], np.float32))[0][..., 0].tolist()
    [[0, 255]]
    """
    arr = np.asarray(img)
    arr = arr[..., None] if arr.ndim == 2 else arr
    span = None
    if arr.dtype.kind == "f":
        values = np.nan_to_num(arr.astype(np.float64))
        lo, hi = float(values.min()), float(values.max())
        span = (lo, hi)
        if lo < 0 or hi > 1:
            values = (values - lo) / max(hi - lo, 1e-12)
        arr = np.clip(values * 255 + 0.5, 0, 255).astype(np.uint8)
    elif arr.dtype == np.uint16:
        arr = (arr // 257).astype(np.uint8)
    arr = arr.astype(np.uint8, copy=False)
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3]), span


@dataclass
class Picture:
    """One picture of the gallery: a transform's output for one photo and seed."""

    src: str  # relative to the page
    photo: str
    seed: int
    shape: tuple[int, ...]  # the output image's shape, as the transform returned it
    dtype: str
    size: tuple[int, int]  # (height, width) of the picture file


def write_jpeg(path: Path, rgb: np.ndarray, quality: int) -> None:
    if not cv2.imwrite(str(path), np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(f"out: could not write {str(path)!r}")


def _notes(row: Row, spans: list[tuple[float, float]], channels_first: bool) -> list[str]:
    notes = []
    if row.missing:
        return [f"{row.missing} is not installed: no pictures (they need {row.missing} to run)."]
    if row.kind == "pixel":
        notes.append(
            "Pixel transform: the mask, boxes and keypoints pass through unchanged (drawn for reference)."
        )
    if row.name == "Lambda":
        given = {
            k: v for k, v in row.args.items() if k in ("image", "mask", "bboxes", "keypoints") and callable(v)
        }
        listed = ", ".join(f"{k}={getattr(v, '__name__', '?')}" for k, v in given.items()) or "none"
        notes.append(f"Lambda applies the functions it is given; the example gives {listed}.")
    if input_dtype(row.name) != "uint8":
        notes.append(f"Input: the photos as {input_dtype(row.name)} (the dtype this transform takes).")
    if spans:
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        how = "scaled by 255" if lo >= 0 and hi <= 1 else "rescaled min–max to 0..255 per picture"
        notes.append(f"Float output, values in [{lo:.3g}, {hi:.3g}] here: shown {how} for viewing.")
    if channels_first:
        notes.append("Output: channels-first torch tensors, shown converted back to channels-last.")
    return notes


def render_pictures(
    row: Row, samples: list[dict[str, Any]], seeds: Sequence[int], img_dir: Path, quality: int = 80
) -> list[Picture]:
    """Apply ``row``'s transform (with ``row.args``) to every sample for every seed; write JPEGs."""
    if row.missing:
        row.notes = _notes(row, [], False)
        return []
    cls = TRANSFORMS[row.name]
    channels_first = row.kind == "format"
    pictures, spans = [], []
    inputs = [dict(s) for s in samples]
    if input_dtype(row.name) != "uint8":
        for data in inputs:
            data["image"] = as_dtype(data["image"], input_dtype(row.name))
    for i, (photo, data) in enumerate(zip(SAMPLE_NAMES, inputs, strict=False)):
        others = inputs[:i] + inputs[i + 1 :]  # mix partners
        for seed in seeds:
            try:
                transform = cls(**row.args)
                out = as_picture(pipeline([transform], seed)(**call_inputs(transform, data, others)))
            except Exception as exc:
                raise RuntimeError(f"{row.name} failed on the {photo} photo (seed {seed}): {exc}") from exc
            image = _to_numpy(out["image"], channels_first)
            view, span = viewable(image)
            if span is not None:
                spans.append(span)
            picture = draw_sample({**out, "image": view, "mask": _to_numpy(out["mask"], False)})
            name = f"{row.name}-{photo}-s{seed}.jpg"
            write_jpeg(img_dir / name, picture, quality)
            pictures.append(
                Picture(
                    f"{img_dir.name}/{name}",
                    photo,
                    seed,
                    tuple(image.shape),
                    str(image.dtype),
                    view.shape[:2],
                )
            )
    row.notes = _notes(row, spans, channels_first)
    return pictures
