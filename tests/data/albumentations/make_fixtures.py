"""Regenerate the pipelines in this folder with albumentations (written with albumentations 2.0.8).

    python tests/data/albumentations/make_fixtures.py   # in an environment with albumentations==2.0.8

tests/test_serialization.py loads these files in xalbu (without albumentations installed) and checks
their structure and results; it also generates more files on the fly when albumentations is importable.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import albumentations as A

HERE = Path(__file__).resolve().parent


def _double(img, **params):
    return img


class _Plugin(A.ImageOnlyTransform):
    """A transform from outside albumentations (a plugin): saved under its bare class name, and absent
    from xalbu, whatever xalbu implements."""

    @classmethod
    def get_class_fullname(cls) -> str:
        return cls.__name__

    def apply(self, img, **params):
        return img


class PluginRain(_Plugin):
    pass


class PluginFog(_Plugin):
    pass


class PluginSnow(_Plugin):
    pass


def pipelines() -> dict[str, tuple[A.Compose, str]]:
    """File stem -> (pipeline, data format)."""
    return {
        # classification: crop-and-resize, flips, one of two pixel transforms, normalisation
        "classification": (
            A.Compose(
                [
                    A.RandomResizedCrop(size=(64, 64), scale=(0.3, 1.0), ratio=(0.75, 1.33)),
                    A.HorizontalFlip(p=0.5),
                    A.OneOf(
                        [
                            A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.3, p=1.0),
                            A.RandomGamma(gamma_limit=(70, 130), p=1.0),
                        ],
                        p=0.8,
                    ),
                    A.ToGray(p=0.1),
                    A.Normalize(),
                ]
            ),
            "json",
        ),
        # detection: boxes with labels, pad-then-crop, Affine with per-axis (dict) arguments, SomeOf
        "detection": (
            A.Compose(
                [
                    A.PadIfNeeded(min_height=96, min_width=96, border_mode=0, fill=114),
                    A.RandomCrop(height=80, width=80),
                    A.Affine(
                        scale={"x": (0.8, 1.2), "y": (0.9, 1.1)},
                        translate_percent={"x": (-0.1, 0.1), "y": (-0.05, 0.05)},
                        rotate=(-15, 15),
                        shear={"x": (-5, 5), "y": (0, 0)},
                        border_mode=0,
                        fill=114,
                        p=0.7,
                    ),
                    A.SomeOf([A.VerticalFlip(), A.Transpose(), A.RandomRotate90()], n=2, p=0.9),
                    A.Sequential(
                        [A.Solarize(threshold_range=(0.6, 0.9)), A.Posterize(num_bits=(4, 6))], p=0.5
                    ),
                ],
                bbox_params=A.BboxParams(
                    format="coco", label_fields=["labels"], min_visibility=0.2, min_area=4
                ),
            ),
            "yaml",
        ),
        # keypoints: rotations, perspective, OneOrOther, RandomOrder, an extra image target
        "keypoints": (
            A.Compose(
                [
                    A.OneOrOther(
                        A.Rotate(limit=20, border_mode=1, p=1.0),
                        A.ShiftScaleRotate(shift_limit=0.05, scale_limit=0.1, rotate_limit=10, p=1.0),
                        p=0.5,
                    ),
                    A.RandomOrder(
                        [A.Perspective(scale=(0.02, 0.05)), A.ChannelShuffle(), A.InvertImg()], n=2
                    ),
                    A.CenterCrop(height=48, width=56),
                    A.LongestMaxSize(max_size=40),
                ],
                keypoint_params=A.KeypointParams(format="xy", label_fields=["names"], remove_invisible=False),
                additional_targets={"image2": "image", "mask2": "mask"},
            ),
            "json",
        ),
        # deterministic: every transform fixed, so the output pixels are known exactly
        "deterministic": (
            A.Compose(
                [
                    A.HorizontalFlip(p=1.0),
                    A.Crop(x_min=2, y_min=1, x_max=18, y_max=13),
                    A.Resize(height=24, width=32, interpolation=0),
                    A.Pad(padding=(1, 2, 3, 4), fill=7),
                    A.InvertImg(p=1.0),
                ]
            ),
            "yaml",
        ),
        # sizes and pixel conversions
        "sizes": (
            A.Compose(
                [
                    A.SmallestMaxSize(max_size=[32, 40]),
                    A.RandomSizedCrop(min_max_height=(20, 30), size=(24, 24), w2h_ratio=1.0),
                    A.D4(p=1.0),
                    A.ToFloat(max_value=255),
                    A.FromFloat(dtype="uint8", max_value=255),
                ]
            ),
            "json",
        ),
        # a Lambda saved by name (its functions are passed when loading)
        "lambda": (
            A.Compose([A.Lambda(name="identity", image=_double, p=1.0), A.VerticalFlip(p=1.0)]),
            "json",
        ),
        # transforms xalbu lacks (plugin classes defined above), at several depths
        "unknown": (
            A.Compose(
                [
                    PluginRain(),
                    A.OneOf([A.HorizontalFlip(), PluginFog(), A.OneOf([PluginSnow(), A.NoOp()])]),
                    A.HorizontalFlip(),
                ]
            ),
            "json",
        ),
    }


def main() -> None:
    warnings.filterwarnings("ignore")
    for stem, (pipe, fmt) in pipelines().items():
        A.save(pipe, HERE / f"{stem}.{fmt}", data_format=fmt)
        print(f"wrote {stem}.{fmt} (albumentations {A.__version__})")


if __name__ == "__main__":
    main()
