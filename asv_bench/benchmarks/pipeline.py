"""The realistic pipeline: RandomResizedCrop -> HorizontalFlip -> RandomBrightnessContrast -> Normalize.

``time_detection``: image + mask + 10 pascal_voc boxes with labels per call (what a detection or
segmentation DataLoader worker does); ``time_image``: the image alone (classification). A timed
call goes over the deck of photos (6 samples) with the same random draws every time.

``Geometry``: a chain of geometric steps (HorizontalFlip -> Affine -> Rotate -> RandomCrop to half
the size) with image, mask and boxes, step by step (``time_steps``) and with
``Compose(fuse_affine=True)`` (``time_fused``), so that both paths are guarded.
"""

import xalbu
from xalbu.benchmark import MEAN, STD, max_value

from ._common import (
    BACKENDS,
    DECK,
    DTYPES,
    SIZES,
    _Timing,
    photos,
    require_backend,
    reseed,
    sync,
)

CROP = 224


def realistic_pipeline(dtype: str, boxes: bool) -> xalbu.Compose:
    return xalbu.Compose(
        [
            xalbu.RandomResizedCrop(size=(CROP, CROP), scale=(0.08, 1.0), p=1.0),
            xalbu.HorizontalFlip(p=0.5),
            xalbu.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.5),
            xalbu.Normalize(mean=MEAN, std=STD, max_pixel_value=max_value(dtype), p=1.0),
        ],
        bbox_params=xalbu.BboxParams(format="pascal_voc", label_fields=["labels"]) if boxes else None,
        seed=0,
    )


class Pipeline(_Timing):
    params = [BACKENDS, DTYPES, SIZES]
    param_names = ["backend", "dtype", "size"]

    def setup(self, backend: str, dtype: str, size: str) -> None:
        require_backend(backend)
        self.backend = backend
        self.detection = realistic_pipeline(dtype, boxes=True)
        self.classification = realistic_pipeline(dtype, boxes=False)
        self.samples = photos(size, dtype, backend) * DECK
        self.detection(**self.samples[0])
        self.classification(image=self.samples[0]["image"])
        sync(backend)

    def time_detection(self, backend: str, dtype: str, size: str) -> None:
        reseed(self.detection)
        for sample in self.samples:
            self.detection(**sample)
        sync(self.backend)

    def time_image(self, backend: str, dtype: str, size: str) -> None:
        reseed(self.classification)
        for sample in self.samples:
            self.classification(image=sample["image"])
        sync(self.backend)


def geometry_chain(size: str, fuse: bool) -> xalbu.Compose:
    h, w = (int(v) for v in size.split("x"))
    return xalbu.Compose(
        [
            xalbu.HorizontalFlip(p=1.0),
            xalbu.Affine(rotate=(-15, 15), scale=(0.9, 1.1), p=1.0),
            xalbu.Rotate(limit=(-10, 10), p=1.0),
            xalbu.RandomCrop(h // 2, w // 2),
        ],
        bbox_params=xalbu.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=0,
        fuse_affine=fuse,
    )


class Geometry(_Timing):
    params = [BACKENDS, DTYPES, SIZES]
    param_names = ["backend", "dtype", "size"]

    def setup(self, backend: str, dtype: str, size: str) -> None:
        require_backend(backend)
        self.backend = backend
        try:
            self.steps, self.fused = geometry_chain(size, False), geometry_chain(size, True)
        except TypeError:  # a revision without fuse_affine
            raise NotImplementedError("Compose(fuse_affine=...) is not in this revision") from None
        self.samples = photos(size, dtype, backend) * DECK
        self.steps(**self.samples[0])
        self.fused(**self.samples[0])
        sync(backend)

    def time_steps(self, backend: str, dtype: str, size: str) -> None:
        reseed(self.steps)
        for sample in self.samples:
            self.steps(**sample)
        sync(self.backend)

    def time_fused(self, backend: str, dtype: str, size: str) -> None:
        reseed(self.fused)
        for sample in self.samples:
            self.fused(**sample)
        sync(self.backend)
