"""Domain adaptation: FDA (Fourier domain adaptation), HistogramMatching and
PixelDistributionAdaptation move an image towards the style of a reference image.

Reference images come as albumentations 2.0.8 takes them: a list of arrays passed with the call
under the transform's ``metadata_key`` (``A.FDA(p=1)(image=img, fda_metadata=[ref])``), or, its
deprecated way, ``reference_images`` (anything) turned into arrays by ``read_fn`` (by default
:func:`read_rgb_image`, which reads a file path). One reference is drawn per call (per sample in a
batch) on the host, read and resized to the image there, and handed to the kernel of
:mod:`xalbu.functional.domain` with the other drawn parameter; a batch stacks its samples'
references into one array (references drawn twice are read once). Each class is a
:class:`~xalbu.core.kinds.PixelTransform` (masks, boxes and keypoints pass through) for uint8 and
float32 images; the reference needs the image's number of channels.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import cv2
import numpy as np
from array_api_compat import array_namespace, device

from ..core import draw
from ..core.state import State
from ..core.targets import to_host
from ..core.validation import check_choice, check_range, show
from ..functional import domain as F
from ..functional._utils import check_unit_range, dtype_name
from ._common import _PixelTransform

__all__ = ["FDA", "HistogramMatching", "PixelDistributionAdaptation"]

MAX_BETA_LIMIT = 0.5


def read_rgb_image(path: Any) -> np.ndarray:
    """Read an image file as an RGB uint8 array (albumentations' default ``read_fn``)."""
    img = cv2.imread(os.fspath(path), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(f"read_rgb_image: could not read an image from {show(path)}")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def sample_reference_path() -> str:
    """A photo shipped with xalbu (``xalbu/data/chelsea.jpg``), used by the examples."""
    from .. import data

    return os.path.join(os.path.dirname(data.__file__), "chelsea.jpg")


class _DomainAdaptation(_PixelTransform):
    """Shared base: the reference images (``metadata_key`` or ``reference_images`` + ``read_fn``)."""

    _abstract = True
    input_dtypes: ClassVar[tuple[str, ...]] = ("uint8", "float32")
    benchmark_inputs: ClassVar[tuple[str, ...]] = ("metadata",)

    def _set_references(self, reference_images: Any, read_fn: Any, metadata_key: Any) -> None:
        if not isinstance(metadata_key, str):
            raise TypeError(f"metadata_key: expected a string, got {show(metadata_key)}")
        if read_fn is not None and not callable(read_fn):
            raise TypeError(f"read_fn: expected a function or None, got {show(read_fn)}")
        if reference_images is not None:
            if isinstance(reference_images, (str, bytes)) or not isinstance(reference_images, Sequence):
                raise TypeError(
                    f"reference_images: expected a sequence or None, got {show(reference_images)}"
                )
            if read_fn is None:
                raise ValueError("read_fn: cannot be None when reference_images is given (it reads them)")
        self.reference_images = reference_images
        self.read_fn = read_fn
        self.metadata_key = metadata_key

    def init_args(self) -> dict[str, Any]:
        args = super().init_args()
        if args.get("read_fn") is read_rgb_image:  # the default: saved files need no function
            del args["read_fn"]
        return args

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        """One reference for ``sample``'s image: a fixed 64x64 pattern of its channels and dtype
        (independent of the image's content and size, so that it is resized like a real one)."""
        img = sample["image"]
        channels = 1 if img.ndim == 2 else img.shape[-1]
        if img.ndim == 4:
            channels = img.shape[-1]
        ref = np.random.default_rng(7).integers(0, 256, (64, 64, channels), dtype=np.uint8)
        ref = cv2.GaussianBlur(ref, (5, 5), 0).reshape(64, 64, channels)
        ref = ref.astype(np.float32) / 255.0 if "float" in str(img.dtype) else ref
        key = inspect.signature(cls.__init__).parameters["metadata_key"].default
        return {key: [ref[..., 0] if img.ndim == 2 else ref]}

    # ------------------------------------------------------------------ references
    def _draw_references(self, rng: np.random.Generator, state: State, prepare: Callable) -> Any:
        """Draw one reference per call (per sample), read and prepared; ``None`` without images."""
        meta = (state.extra or {}).get(self.metadata_key)
        name = type(self).__name__
        if meta is not None and not (isinstance(meta, Sequence) and not isinstance(meta, (str, bytes))):
            raise ValueError(f"{name}: {self.metadata_key}: expected a list of images, got {show(meta)}")
        if meta:
            pool, where, read = meta, self.metadata_key, None
        elif self.reference_images is not None and len(self.reference_images):
            pool, where, read = self.reference_images, "reference_images", self.read_fn
        else:
            raise ValueError(
                f"{name}: needs reference images: pass them with the call as {self.metadata_key}=[image, ...] "
                "(or give reference_images=... and read_fn=...)"
            )
        idx = draw.integers(rng, 0, len(pool), state.batch)
        if not state.images:
            return None
        img = next(iter(state.images.values()))
        dtype = dtype_name(array_namespace(img), img.dtype)
        if dtype not in self.input_dtypes:
            raise TypeError(f"{name}: expected uint8 or float32 images, got {dtype}")
        chosen = np.atleast_1d(np.asarray(idx))
        done: dict[int, np.ndarray] = {}
        for i in np.unique(chosen).tolist():
            ref = read(pool[i]) if read is not None else pool[i]
            done[i] = prepare(_as_hwc(ref, f"{where}[{i}]", img.shape[-1]), img)
        if state.batch is None:
            return done[int(idx)]
        if len(done) == 1:
            only = next(iter(done.values()))
            return np.broadcast_to(only, (len(chosen), *only.shape))
        return np.stack([done[i] for i in chosen.tolist()])

    def _reference_for(self, img: Any, reference: Any) -> Any:
        if isinstance(img, np.ndarray):
            return reference
        xp = array_namespace(img)
        return xp.asarray(np.ascontiguousarray(reference), device=device(img))


def _as_hwc(ref: Any, where: str, channels: int) -> np.ndarray:
    if not isinstance(ref, np.ndarray) and (
        hasattr(ref, "__array_namespace__") or type(ref).__module__.startswith(("cupy", "torch"))
    ):
        ref = to_host(ref)  # a device array: read on the host, where references are prepared
    if not isinstance(ref, np.ndarray):
        raise ValueError(f"{where}: expected a NumPy image array, got {show(ref)}")
    if ref.ndim == 2:
        ref = ref[..., None]
    if ref.ndim != 3 or ref.shape[0] == 0 or ref.shape[1] == 0:
        raise ValueError(f"{where}: expected an (H, W) or (H, W, C) image, got shape {ref.shape}")
    if ref.shape[-1] != channels:
        raise ValueError(
            f"{where}: the reference image has {ref.shape[-1]} channel(s), the image {channels}; they must match"
        )
    return ref


def _resize(ref: np.ndarray, w: int, h: int, interpolation: int) -> np.ndarray:
    """The reference resized to ``w`` x ``h`` (host, OpenCV; more than 4 channels in chunks of 4)."""
    parts = []
    for k in range(0, ref.shape[-1], 4):
        out = cv2.resize(np.ascontiguousarray(ref[..., k : k + 4]), (w, h), interpolation=interpolation)
        parts.append(out[..., None] if out.ndim == 2 else out)
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)


def _to_uint8(ref: np.ndarray) -> np.ndarray:
    if ref.dtype == np.uint8:
        return ref
    if ref.dtype.kind == "f":
        return np.clip(np.rint(np.nan_to_num(ref.astype(np.float32) * 255.0)), 0, 255).astype(np.uint8)
    return np.clip(ref, 0, 255).astype(np.uint8)


# ------------------------------------------------------------------------------------------- FDA
@dataclass
class FDAParams:
    reference: Any  # float32, the image's shape (HWC, or NHWC for a batch)
    beta: Any


class FDA(_DomainAdaptation):
    """Fourier domain adaptation: the low frequencies of the image's amplitude spectrum are taken
    from a reference image, the phase kept.

    Args:
        reference_images: deprecated way of giving references (read by ``read_fn``); prefer the
            call's ``metadata_key`` list.
        beta_limit: range of ``beta`` (in [0, 0.5]): the swapped window spans ``floor(min(H, W) *
            beta)`` around the spectrum's centre; a number ``v`` means ``(0, v)``.
        read_fn: turns an entry of ``reference_images`` into an array (default: read an RGB file).
        metadata_key: the call's keyword holding a list of reference arrays.
        p: probability of applying the transform.

    The reference is resized to the image (bilinear) and used with its raw values.

    >>> import numpy as np, xalbu as A
    >>> img, ref = np.full((8, 8, 1), 10, np.uint8), np.full((8, 8, 1), 200, np.uint8)
    >>> A.FDA(beta_limit=(0.3, 0.3), p=1)(image=img, fda_metadata=[ref])["image"][0, 0].tolist()
    [200]
    """

    Params = FDAParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{"reference_images": [sample_reference_path()]}, {"beta_limit": 0.3, "metadata_key": "refs"}]

    def __init__(
        self,
        reference_images: Sequence[Any] | None = None,
        beta_limit: Any = (0, 0.1),
        read_fn: Callable[[Any], np.ndarray] | None = read_rgb_image,
        metadata_key: str = "fda_metadata",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        if isinstance(beta_limit, (int, float)) and not isinstance(beta_limit, bool):
            beta_limit = (0.0, beta_limit)
        self.beta_limit = check_range("beta_limit", beta_limit, 0.0, MAX_BETA_LIMIT)
        self._set_references(reference_images, read_fn, metadata_key)

    def sample_data(self, rng: np.random.Generator, state: State) -> FDAParams:
        ref = self._draw_references(rng, state, _fda_reference)
        return FDAParams(ref, draw.uniform(rng, *self.beta_limit, state.batch))

    def apply_image(self, img: Any, params: FDAParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.fourier_domain_adaptation(img, self._reference_for(img, params.reference), params.beta)


def _fda_reference(ref: np.ndarray, img: Any) -> np.ndarray:
    h, w = img.shape[-3], img.shape[-2]
    if ref.shape[:2] != (h, w):
        ref = _resize(ref, w, h, cv2.INTER_LINEAR)
    return ref.astype(np.float32)


# ------------------------------------------------------------------------------ HistogramMatching
@dataclass
class HistogramMatchingParams:
    reference: Any  # uint8, the image's shape
    blend_ratio: Any


class HistogramMatching(_DomainAdaptation):
    """Histogram matching: each channel's levels are remapped so that its cumulative histogram
    follows the reference's, then blended with the image.

    Args:
        reference_images: deprecated way of giving references (read by ``read_fn``); prefer the
            call's ``metadata_key`` list.
        blend_ratio: range of the weight of the matched image (in [0, 1]; 1: fully matched).
        read_fn: turns an entry of ``reference_images`` into an array (default: read an RGB file).
        metadata_key: the call's keyword holding a list of reference arrays.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.arange(4, dtype=np.uint8).reshape(2, 2, 1)
    >>> ref = np.array([10, 20, 30, 40], np.uint8).reshape(2, 2, 1)
    >>> t = A.HistogramMatching(blend_ratio=(1, 1), p=1)
    >>> t(image=img, hm_metadata=[ref])["image"][..., 0].tolist()
    [[10, 20], [30, 40]]
    """

    Params = HistogramMatchingParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"reference_images": [sample_reference_path()]},
            {"blend_ratio": (0.2, 0.4), "metadata_key": "refs"},
        ]

    def __init__(
        self,
        reference_images: Sequence[Any] | None = None,
        blend_ratio: Any = (0.5, 1.0),
        read_fn: Callable[[Any], np.ndarray] | None = read_rgb_image,
        metadata_key: str = "hm_metadata",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.blend_ratio = check_range("blend_ratio", blend_ratio, 0.0, 1.0)
        self._set_references(reference_images, read_fn, metadata_key)

    def sample_data(self, rng: np.random.Generator, state: State) -> HistogramMatchingParams:
        ref = self._draw_references(rng, state, _hm_reference)
        return HistogramMatchingParams(ref, draw.uniform(rng, *self.blend_ratio, state.batch))

    def apply_image(self, img: Any, params: HistogramMatchingParams) -> Any:
        check_unit_range(type(self).__name__, img)
        return F.histogram_matching(img, self._reference_for(img, params.reference), params.blend_ratio)


def _hm_reference(ref: np.ndarray, img: Any) -> np.ndarray:
    h, w = img.shape[-3], img.shape[-2]
    if ref.shape[:2] != (h, w):
        ref = _resize(ref, w, h, cv2.INTER_LINEAR)
    return np.ascontiguousarray(_to_uint8(ref))


# -------------------------------------------------------------------- PixelDistributionAdaptation
@dataclass
class PixelDistributionParams:
    reference: Any  # uint8
    blend_ratio: Any


class PixelDistributionAdaptation(_DomainAdaptation):
    """Pixel distribution adaptation: an affine map fitted on the image's and the reference's pixel
    statistics (PCA axes, mean and standard deviation, or minimum and range) moves the image's
    pixels to the reference's distribution, then the result is blended with the image.

    Args:
        reference_images: deprecated way of giving references (read by ``read_fn``); prefer the
            call's ``metadata_key`` list.
        blend_ratio: range of the weight of the adapted image (in [0, 1]).
        read_fn: turns an entry of ``reference_images`` into an array (default: read an RGB file).
        transform_type: ``"pca"``, ``"standard"`` or ``"minmax"``.
        metadata_key: the call's keyword holding a list of reference arrays.
        p: probability of applying the transform.

    Statistics are taken on the [0, 1] levels and the adapted image is brought back to the image's
    scale before blending (albumentations 2.0.8 blends [0, 1] values into 0-255 images: see
    docs/differences.md).

    >>> import numpy as np, xalbu as A
    >>> img = np.array([[0, 0], [100, 100]], np.uint8)[..., None]
    >>> ref = np.array([[50, 50], [150, 150]], np.uint8)[..., None]
    >>> t = A.PixelDistributionAdaptation(blend_ratio=(1, 1), transform_type="standard", p=1)
    >>> t(image=img, pda_metadata=[ref])["image"][..., 0].tolist()
    [[50, 50], [150, 150]]
    """

    Params = PixelDistributionParams

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [
            {"reference_images": [sample_reference_path()]},
            {"transform_type": "standard", "metadata_key": "refs"},
            {"transform_type": "minmax", "blend_ratio": (0.5, 0.5)},
        ]

    def __init__(
        self,
        reference_images: Sequence[Any] | None = None,
        blend_ratio: Any = (0.25, 1.0),
        read_fn: Callable[[Any], np.ndarray] | None = read_rgb_image,
        transform_type: str = "pca",
        metadata_key: str = "pda_metadata",
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.blend_ratio = check_range("blend_ratio", blend_ratio, 0.0, 1.0)
        self.transform_type = check_choice("transform_type", transform_type, F.TRANSFORM_TYPES)
        self._set_references(reference_images, read_fn, metadata_key)

    def sample_data(self, rng: np.random.Generator, state: State) -> PixelDistributionParams:
        ref = self._draw_references(rng, state, _pda_reference)
        return PixelDistributionParams(ref, draw.uniform(rng, *self.blend_ratio, state.batch))

    def apply_image(self, img: Any, params: PixelDistributionParams) -> Any:
        check_unit_range(type(self).__name__, img)
        ref = self._reference_for(img, params.reference)
        return F.pixel_distribution(img, ref, params.blend_ratio, self.transform_type)


def _pda_reference(ref: np.ndarray, img: Any) -> np.ndarray:
    h, w = img.shape[-3], img.shape[-2]
    if ref.shape != (h, w, img.shape[-1]):
        # albumentations passes (H, W) as OpenCV's (width, height): a W x H reference (only its
        # statistics matter)
        ref = _resize(ref, h, w, cv2.INTER_AREA)
    return np.ascontiguousarray(_to_uint8(ref))
