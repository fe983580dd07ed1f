"""Text on images, on the host: the word augmentations of TextImage (deletion, swap, insertion of
stop words, each drawing from a ``numpy.random.Generator``) and the rendering of text boxes with
Pillow (imported lazily; ``pip install xalbu[text]``), optionally over an inpainted background.

Rendering is host work (Pillow draws on NumPy arrays): :func:`render_text` takes an HWC NumPy
image (uint8 or float32) and returns a new one; the transform moves device arrays to the host and
back. Overlays are plain dicts: ``bbox_coords`` (pixel ``x_min, y_min, x_max, y_max``), ``text``,
``font_path`` (``None``: Pillow's bundled font), ``font_size``, ``font_color``.
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import Any

import cv2
import numpy as np

__all__ = [
    "bundled_font_path",
    "delete_random_words",
    "insert_random_stopwords",
    "load_font",
    "render_text",
    "swap_random_words",
]

DEFAULT_STOPWORDS = ("and", "the", "is", "in", "at", "of")


def _pil() -> Any:
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "TextImage needs Pillow to render text: install it with `pip install xalbu[text]` "
            "(or `pip install pillow`)"
        ) from err
    return Image, ImageDraw, ImageFont


# ---------------------------------------------------------------------------------- word changes
def delete_random_words(words: list[str], num_words: int, rng: np.random.Generator) -> str:
    """``words`` without ``num_words`` of them drawn without replacement, joined by spaces ("" when
    every word would go)."""
    if num_words >= len(words):
        return ""
    gone = set(rng.choice(len(words), num_words, replace=False).tolist())
    return " ".join(w for i, w in enumerate(words) if i not in gone)


def swap_random_words(words: list[str], num_words: int, rng: np.random.Generator) -> str:
    """``words`` after ``num_words`` swaps of two distinct positions drawn each time."""
    if num_words == 0 or len(words) < 2:
        return " ".join(words)
    words = list(words)
    for _ in range(num_words):
        i, j = rng.choice(len(words), 2, replace=False).tolist()
        words[i], words[j] = words[j], words[i]
    return " ".join(words)


def insert_random_stopwords(
    words: list[str], num_insertions: int, stopwords: tuple[str, ...] | None, rng: np.random.Generator
) -> str:
    """``words`` with ``num_insertions`` stop words inserted, each at a position drawn in
    ``[0, len]`` (both ends included) and drawn from ``stopwords`` (``None``: a default list)."""
    pool = DEFAULT_STOPWORDS if stopwords is None else tuple(stopwords)
    words = list(words)
    for _ in range(num_insertions):
        at = int(rng.integers(0, len(words) + 1))
        words.insert(at, pool[int(rng.integers(0, len(pool)))])
    return " ".join(words)


# ------------------------------------------------------------------------------------- rendering
def bundled_font_path() -> str:
    """A file holding Pillow's bundled font (Aileron Regular, Pillow >= 10.1), written once to the
    temporary directory: a font path that works wherever Pillow does."""
    path = os.path.join(tempfile.gettempdir(), "xalbu-pillow-default-font.ttf")
    if not os.path.exists(path):
        _, _, image_font = _pil()
        data = getattr(image_font.load_default(10), "font_bytes", None)
        if not data:
            raise RuntimeError("Pillow's bundled font is not available (Pillow >= 10.1 with FreeType needed)")
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return path


@functools.lru_cache(maxsize=64)
def load_font(font_path: str | None, size: int) -> Any:
    """A Pillow font of ``size`` pixels from ``font_path`` (``None``: Pillow's bundled font)."""
    _, _, image_font = _pil()
    if font_path is None:
        return image_font.load_default(size)
    return image_font.truetype(font_path, size)


def _inpaint(image: np.ndarray, overlays: list[dict[str, Any]]) -> np.ndarray:
    out = image.copy()
    mask = np.zeros(image.shape[:2], np.uint8)
    for o in overlays:
        x0, y0, x1, y1 = o["bbox_coords"]
        out[y0:y1, x0:x1] = 0
        mask[y0:y1, x0:x1] = 255
    c = image.shape[-1]
    if c in (1, 3):
        return cv2.inpaint(out, mask, 3, cv2.INPAINT_TELEA).reshape(image.shape)
    planes = [cv2.inpaint(np.ascontiguousarray(out[..., k]), mask, 3, cv2.INPAINT_TELEA) for k in range(c)]
    return np.stack(planes, axis=-1)


def _draw_planes(levels: np.ndarray, overlays: list[dict[str, Any]]) -> np.ndarray:
    """uint8 HWC levels with the overlays drawn (1 and 3 channels in one Pillow image; others plane
    by plane, each with its entry of the colour)."""
    image_mod, image_draw, _ = _pil()
    c = levels.shape[-1]
    if c in (1, 3):
        pil = image_mod.fromarray(levels[..., 0] if c == 1 else levels, mode="L" if c == 1 else "RGB")
        draw = image_draw.Draw(pil)
        for o in overlays:
            color = o["font_color"]
            if c == 1 and isinstance(color, (tuple, list)):
                color = int(sum(color[:3]) / 3) if len(color) >= 3 else int(color[0])
            elif isinstance(color, (tuple, list)):
                color = tuple(int(v) for v in color)
            font = load_font(o["font_path"], o["font_size"])
            draw.text(tuple(o["bbox_coords"][:2]), o["text"], font=font, fill=color)
        return np.asarray(pil).reshape(levels.shape)
    planes = [image_mod.fromarray(np.ascontiguousarray(levels[..., k])) for k in range(c)]
    draws = [image_draw.Draw(p) for p in planes]
    for o in overlays:
        color = list(o["font_color"]) if isinstance(o["font_color"], (tuple, list)) else [o["font_color"]]
        color = [int(v) for v in (color + [0] * c)[:c]]
        font = load_font(o["font_path"], o["font_size"])
        for k, d in enumerate(draws):
            d.text(tuple(o["bbox_coords"][:2]), o["text"], font=font, fill=color[k])
    return np.stack([np.asarray(p) for p in planes], axis=-1)


def render_text(img: np.ndarray, overlays: list[dict[str, Any]], clear_bg: bool) -> np.ndarray:
    """``img`` (HWC NumPy, uint8 or float32) with each overlay's text drawn at its box's top-left
    corner; ``clear_bg`` first inpaints the boxes (OpenCV's Telea method, radius 3). Float images
    are drawn on their levels ``rint(x * 255)`` and come back as ``levels / 255``."""
    is_float = img.dtype.kind == "f"
    levels = img
    if is_float:
        levels = np.rint(np.nan_to_num(np.clip(img * np.float32(255.0), 0, 255))).astype(np.uint8)
    if clear_bg and overlays:
        levels = _inpaint(levels, overlays)
    out = _draw_planes(levels, overlays) if overlays else levels.copy()
    return out.astype(np.float32) / np.float32(255.0) if is_float else out
