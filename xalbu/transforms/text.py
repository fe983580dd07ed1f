"""Text on images: TextImage draws text into boxes given with the call (albumentations 2.0.8's
``textimage_metadata``), optionally changing the words first (deletion, swap, stop-word insertion).

Rendering is host work with Pillow (an optional dependency: ``pip install xalbu[text]``), one
sample at a time; device images are copied to the host and back when there is text to draw (CPU
only in effect). The draws (which boxes, font sizes, word changes) happen on the host with the
pipeline's generator; the drawn overlays are the parameters (plain data, replayable).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace

from ..core import draw
from ..core.mix import set_outputs
from ..core.state import State
from ..core.targets import from_host, to_host
from ..core.validation import check_bool, check_number, check_range, show
from ..functional import text as F
from ..functional._utils import clip, dtype_name, is_float
from ._common import _PixelTransform

__all__ = ["TextImage"]

AUGMENTATIONS = (None, "insertion", "swap", "deletion")


@dataclass
class TextImageParams:
    overlays: Any  # one image: a list of overlay dicts; a batch: one such list per sample; None: no text


class TextImage(_PixelTransform):
    """Render text into boxes of the image, the boxes and texts given with the call.

    The call passes ``textimage_metadata`` (``metadata_key``): a dict or a list of dicts with
    ``bbox`` (normalised ``x_min, y_min, x_max, y_max``) and ``text``. A fraction (drawn from
    ``fraction_range``) of the boxes, drawn without replacement, get their text at the box's
    top-left corner in a font of ``font_size_fraction * box height`` pixels.

    Args:
        font_path: a TrueType/OpenType font file; ``None`` (xalbu only): Pillow's bundled font.
        stopwords: the words ``"insertion"`` inserts.
        augmentations: drawn from for each box: ``None`` (text as given), ``"insertion"``,
            ``"swap"`` or ``"deletion"`` (of half the words, at least one).
        fraction_range: range of the fraction of boxes that get text.
        font_size_fraction_range: range of the font size as a fraction of the box height.
        font_color: the text's colour (per channel; one grey value on 1-channel images).
        clear_bg: inpaint the boxes before drawing.
        metadata_key: the call's keyword holding the boxes and texts.
        p: probability of applying the transform.

    Without ``metadata_key`` in the call nothing is drawn (albumentations raises ``KeyError``).
    When applied, the result also holds ``overlay_data``: what was drawn, one dict per box
    (``bbox_coords`` in pixels, ``text``, ``original_text``, ``bbox_index``, ``font_color``), as
    albumentations adds it; in a batch, one such list per sample (empty where not applied).

    >>> import numpy as np, xalbu as A
    >>> t = A.TextImage(font_path=None, font_color=(255, 255, 255), p=1)
    >>> img = np.zeros((40, 120, 3), np.uint8)
    >>> out = t(image=img, textimage_metadata=[{"bbox": (0.05, 0.1, 0.95, 0.9), "text": "hello"}])
    >>> bool(out["image"].max() > 0)
    True
    """

    Params = TextImageParams
    requires: ClassVar[tuple[str, ...]] = ("PIL",)
    input_dtypes: ClassVar[tuple[str, ...]] = ("uint8", "float32")
    benchmark_inputs: ClassVar[tuple[str, ...]] = ("metadata",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        try:
            font = F.bundled_font_path()
        except ImportError:  # no Pillow: the transform is skipped where it needs to draw
            font = "font.ttf"
        return [
            {"font_path": font},
            {"font_path": font, "augmentations": ("insertion", "swap", "deletion"), "clear_bg": True},
            {"font_path": None, "fraction_range": (0.5, 1.0), "font_color": (255, 0, 0)},
        ]

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        return {
            "textimage_metadata": [
                {"bbox": (0.05, 0.05, 0.95, 0.3), "text": "domain shift in the wild"},
                {"bbox": (0.1, 0.45, 0.8, 0.7), "text": "fast augmentations on text"},
            ]
        }

    def __init__(
        self,
        font_path: Any,
        stopwords: Sequence[str] = ("the", "is", "in", "at", "of"),
        augmentations: Sequence[str | None] = (None,),
        fraction_range: Any = (1.0, 1.0),
        font_size_fraction_range: Any = (0.8, 0.9),
        font_color: Sequence[float] = (0, 0, 0),
        clear_bg: bool = False,
        metadata_key: str = "textimage_metadata",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        if font_path is not None and not isinstance(font_path, (str, os.PathLike)):
            raise TypeError(f"font_path: expected a path or None, got {show(font_path)}")
        if isinstance(stopwords, str) or not all(isinstance(w, str) for w in stopwords):
            raise TypeError(f"stopwords: expected a sequence of strings, got {show(stopwords)}")
        if isinstance(augmentations, str) or not isinstance(augmentations, Sequence):
            raise TypeError(f"augmentations: expected a sequence, got {show(augmentations)}")
        for a in augmentations:
            if a not in AUGMENTATIONS or isinstance(a, bool):
                raise ValueError(f"augmentations: expected entries among {AUGMENTATIONS}, got {a!r}")
        if isinstance(font_color, (int, float)) and not isinstance(font_color, bool):
            font_color = (font_color,)
        if isinstance(font_color, str) or not isinstance(font_color, Sequence) or not font_color:
            raise TypeError(f"font_color: expected a tuple of numbers, got {show(font_color)}")
        font_color = tuple(check_number(f"font_color[{i}]", v) for i, v in enumerate(font_color))
        if not isinstance(metadata_key, str):
            raise TypeError(f"metadata_key: expected a string, got {show(metadata_key)}")
        self.font_path = font_path
        self.stopwords = tuple(stopwords)
        self.augmentations = list(augmentations)
        self.fraction_range = check_range("fraction_range", fraction_range, 0.0, 1.0)
        self.font_size_fraction_range = check_range(
            "font_size_fraction_range", font_size_fraction_range, 0.0, 1.0
        )
        self.font_color = tuple(font_color)
        self.clear_bg = check_bool("clear_bg", clear_bg)
        self.metadata_key = metadata_key

    # ------------------------------------------------------------------ sampling
    def sample_data(self, rng: np.random.Generator, state: State) -> TextImageParams:
        for img in state.images.values():
            dtype = dtype_name(array_namespace(img), img.dtype)
            if dtype not in self.input_dtypes:
                raise TypeError(f"TextImage: expected uint8 or float32 images, got {dtype}")
        meta = (state.extra or {}).get(self.metadata_key)
        h, w = state.shape
        if state.batch is None:
            return TextImageParams(self._overlays(rng, meta, h, w) or None)
        n = state.batch
        if meta is None or (isinstance(meta, (list, tuple)) and not meta):
            return TextImageParams(None)  # nothing to draw: no per-sample work
        per_sample = (
            isinstance(meta, (list, tuple))
            and len(meta) == n
            and all(isinstance(m, (list, tuple)) for m in meta)
        )
        overlays = [self._overlays(rng, meta[i] if per_sample else meta, h, w) for i in range(n)]
        return TextImageParams(overlays if any(overlays) else None)

    def _overlays(self, rng: np.random.Generator, meta: Any, h: int, w: int) -> list[dict[str, Any]]:
        if meta is None:
            return []
        if isinstance(meta, dict):
            meta = [meta]
        if not isinstance(meta, (list, tuple)):
            raise ValueError(f"{self.metadata_key}: expected a dict or a list of dicts, got {show(meta)}")
        if not meta:
            return []
        fraction = draw.uniform(rng, *self.fraction_range, None)
        count = int(len(meta) * fraction)
        chosen = rng.choice(len(meta), count, replace=False).tolist()
        return [self._overlay(rng, meta[i], i, h, w) for i in chosen]

    def _overlay(self, rng: np.random.Generator, entry: Any, index: int, h: int, w: int) -> dict[str, Any]:
        where = f"{self.metadata_key}[{index}]"
        if not isinstance(entry, dict) or "bbox" not in entry or "text" not in entry:
            raise ValueError(f"{where}: expected a dict with 'bbox' and 'text', got {show(entry)}")
        box = np.asarray(entry["bbox"], np.float64).ravel()
        if box.size < 4 or not np.isfinite(box[:4]).all():
            raise ValueError(
                f"{where}: bbox: expected normalised (x_min, y_min, x_max, y_max), got {show(entry['bbox'])}"
            )
        x0, y0, x1, y1 = box[:4].tolist()
        if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
            raise ValueError(
                f"{where}: bbox: expected 0 <= x_min < x_max <= 1 and 0 <= y_min < y_max <= 1, got {box[:4]}"
            )
        coords = (int(x0 * w), int(y0 * h), int(x1 * w), int(y1 * h))
        size_fraction = draw.uniform(rng, *self.font_size_fraction_range, None)
        text = str(entry["text"])
        shown = text
        if self.augmentations:
            choice = self.augmentations[int(rng.integers(0, len(self.augmentations)))]
            if choice is not None:
                shown = self._change_words(rng, text, choice)
        return {
            "bbox_coords": coords,
            "bbox_index": index,
            "original_text": text,
            "text": shown,
            "font_path": None if self.font_path is None else str(self.font_path),
            "font_size": int(size_fraction * (coords[3] - coords[1])),
            "font_color": self.font_color,
        }

    def _change_words(self, rng: np.random.Generator, text: str, choice: str) -> str:
        """albumentations' word change of half the words (at least one); ``""`` when the text comes
        out unchanged (as albumentations)."""
        words = [word for word in text.strip().split() if word]
        k = max(1, int(0.5 * len(words)))
        if choice == "insertion":
            out = F.insert_random_stopwords(words, k, self.stopwords, rng)
        elif choice == "swap":
            out = F.swap_random_words(words, k, rng)
        else:
            out = F.delete_random_words(words, k, rng)
        out = re.sub(" +", " ", out).strip()
        return out if out != text else ""

    # ------------------------------------------------------------------ applying
    _REPORTED = ("bbox_coords", "text", "original_text", "bbox_index", "font_color")

    def _apply(self, state: State, params: TextImageParams, applied: np.ndarray | None) -> None:
        super()._apply(state, params, applied)

        def report(overlays: Any) -> list[dict[str, Any]]:
            return [{k: o[k] for k in self._REPORTED} for o in overlays or ()]

        if state.batch is None:
            drawn: Any = report(params.overlays)
        elif params.overlays is None:  # no text in the batch: no per-sample work
            drawn = [[] for _ in range(state.batch)]
        else:
            per = params.overlays
            drawn = [report(o) if applied is None or applied[i] else [] for i, o in enumerate(per)]
        set_outputs(state, {"overlay_data": drawn})

    def apply_image(self, img: Any, params: TextImageParams) -> Any:
        batch = img.ndim == 4
        overlays = params.overlays if batch else [params.overlays]
        if params.overlays is None:  # nothing to draw: float images still come back as their levels
            xp = array_namespace(img)
            if not is_float(xp, img.dtype):
                return img
            levels = xp.round(clip(xp, img * 255.0, 0.0, 255.0))
            return xp.astype(xp.where(xp.isnan(levels), 0.0, levels) / 255.0, img.dtype)
        host = to_host(img)
        frames = host if batch else host[None]
        out = np.stack([F.render_text(frames[i], overlays[i], self.clear_bg) for i in range(len(frames))])
        out = out if batch else out[0]
        return out if isinstance(img, np.ndarray) else from_host(out, img)
