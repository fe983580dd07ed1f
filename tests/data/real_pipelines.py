"""Augmentation pipelines from public projects: the drop-in yardstick (tests/test_real_pipelines.py).

Each entry's ``build(A)`` returns the pipeline, built with the module passed in (``albumentations`` or
``xalbu``), transcribed from the project cited above it with the arguments as the project wrote them, old
argument names and removed classes included: whatever albumentations 2.0.8 does with it (run, warn,
raise), xalbu must do too. ``targets`` name the call's keywords; ``size`` is the (height, width) of the
test image; ``channels`` 0 means a 2-D (grayscale) image.

Pipelines whose source file the code index returned without its repository are cited by the index's
file id (``search`` corpus ``code`` / ``find_string``), with what the file itself says about its project.
"""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Entry:
    """One pipeline of the corpus and how it is called."""

    name: str
    source: str
    build: Callable[[Any], Any]
    targets: tuple[str, ...] = ("image",)
    size: tuple[int, int] = (128, 160)
    channels: int = 3
    dtype: str = "uint8"
    bbox_format: str = "pascal_voc"
    label_fields: tuple[str, ...] = ()
    keypoint_labels: tuple[str, ...] = ()
    additional: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # keywords passed with labels although no label_fields names them
    deterministic: bool = False  # no randomness: values must match albumentations'
    torch: bool = False  # ends with ToTensorV2 (albumentations imports torch for it)
    raises: str | None = None  # what albumentations 2.0.8 does instead of running: "build|call:Type"
    xfail: str | None = None  # a known xalbu difference, with its reason (strict xfail)


def _tensor(A):
    """``from albumentations.pytorch import ToTensorV2``, with the module under test."""
    return importlib.import_module(A.__name__ + ".pytorch").ToTensorV2


# segmentation_models.pytorch's ImageNet preprocessing, as smp.encoders.get_preprocessing_fn returns it.
def _smp_preprocess(x, **kwargs):
    x = x / 255.0
    x = x - np.array([0.485, 0.456, 0.406])
    return x / np.array([0.229, 0.224, 0.225])


def _to_chw_float(x, **kwargs):
    return x.transpose(2, 0, 1).astype("float32")


ENTRIES: list[Entry] = []


def entry(**kwargs):
    def register(build):
        ENTRIES.append(Entry(build=build, **kwargs))
        return build

    return register


# --- detection -----------------------------------------------------------------------------------------


# jesstytam/cnn_bakeoff2 scripts/6_generate_augmentated_images.py; image+bboxes (yolo)+class_labels
# (no label_fields: class_labels passed anyway); camera-trap photos, uint8 RGB >= 512 px.
@entry(
    name="cnn_bakeoff2_yolo_crop",
    source="jesstytam/cnn_bakeoff2 scripts/6_generate_augmentated_images.py",
    targets=("image", "bboxes"),
    size=(520, 600),
    bbox_format="yolo",
    extra=("class_labels",),
)
def _det01(A):
    return A.Compose(
        [A.RandomCrop(512, 512), A.RandomBrightnessContrast(p=0.3), A.HorizontalFlip(p=0.5)],
        bbox_params=A.BboxParams(format="yolo"),
    )


# jokober/BirdMOT src/BirdMOT/data/augmentation.py; image+bboxes (coco)+class_labels; uint8 RGB frames.
@entry(
    name="birdmot_coco_min_area",
    source="jokober/BirdMOT src/BirdMOT/data/augmentation.py",
    targets=("image", "bboxes"),
    size=(480, 500),
    bbox_format="coco",
    label_fields=("class_labels",),
)
def _det02(A):
    return A.Compose(
        [A.RandomCrop(width=450, height=450), A.HorizontalFlip(p=0.5), A.RandomBrightnessContrast(p=0.2)],
        bbox_params=A.BboxParams(
            format="coco", min_area=1024, min_visibility=0.1, label_fields=["class_labels"]
        ),
    )


# PSRahul/CLIPtheCenter data/augmentations.py (mask_transform); image+bboxes (coco)+class_labels.
@entry(
    name="clipthecenter_resize_coco",
    source="PSRahul/CLIPtheCenter data/augmentations.py",
    targets=("image", "bboxes"),
    bbox_format="coco",
    label_fields=("class_labels",),
    deterministic=True,
)
def _det03(A):
    return A.Compose(
        [A.Resize(96, 96)],
        bbox_params=A.BboxParams(
            format="coco", min_area=1600, min_visibility=0.1, label_fields=["class_labels"]
        ),
    )


# PSRahul/CLIPtheCenter data/augmentations.py (train_transform); called here on a 400x420 image.
@entry(
    name="clipthecenter_train_crop",
    source="PSRahul/CLIPtheCenter data/augmentations.py",
    targets=("image", "bboxes"),
    size=(400, 420),
    bbox_format="coco",
    label_fields=("class_labels",),
)
def _det04(A):
    return A.Compose(
        [A.RandomCrop(width=384, height=384)],
        bbox_params=A.BboxParams(
            format="coco", min_area=1600, min_visibility=0.1, label_fields=["class_labels"]
        ),
    )


# implausibleDeniability/sartorius_instance_segmentation src/augmentations.py (eval_transform);
# image+bboxes (pascal_voc)+category_ids; grayscale cell images as (H, W, 1) uint8.
@entry(
    name="sartorius_eval",
    source="implausibleDeniability/sartorius_instance_segmentation src/augmentations.py",
    targets=("image", "bboxes"),
    channels=1,
    label_fields=("category_ids",),
    deterministic=True,
    torch=True,
)
def _det05(A):
    return A.Compose(
        [A.Normalize(mean=(0.485,), std=(0.229,)), _tensor(A)()],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["category_ids"]),
    )


# implausibleDeniability/sartorius_instance_segmentation src/augmentations.py (wider_train_transform).
@entry(
    name="sartorius_wider_train",
    source="implausibleDeniability/sartorius_instance_segmentation src/augmentations.py",
    targets=("image", "bboxes"),
    channels=1,
    label_fields=("category_ids",),
    torch=True,
)
def _det06(A):
    return A.Compose(
        [
            A.HorizontalFlip(p=0.5),
            A.VerticalFlip(p=0.5),
            A.Normalize(mean=(0.485,), std=(0.229,)),
            _tensor(A)(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["category_ids"]),
    )


# AvishagS422/PhantomSponges datasets/augmentations1.py (train_transform); image+bboxes (yolo)+class_labels.
@entry(
    name="phantomsponges_yolo_640",
    source="AvishagS422/PhantomSponges datasets/augmentations1.py",
    targets=("image", "bboxes"),
    bbox_format="yolo",
    label_fields=("class_labels",),
    deterministic=True,
    torch=True,
)
def _det07(A):
    return A.Compose(
        [
            A.Resize(height=640, width=640),
            A.Normalize(mean=(0, 0, 0), std=(1, 1, 1), max_pixel_value=255),
            _tensor(A)(),
        ],
        bbox_params=A.BboxParams(format="yolo", min_visibility=0.2, label_fields=["class_labels"]),
    )


# Goolissimo/marine_mammals_detection_VKR train_with_augs.py (ultralytics Albumentations hook, replaced);
# image+bboxes (yolo)+class_labels.
@entry(
    name="ultralytics_hook_custom",
    source="Goolissimo/marine_mammals_detection_VKR train_with_augs.py",
    targets=("image", "bboxes"),
    bbox_format="yolo",
    label_fields=("class_labels",),
)
def _det08(A):
    transforms = [
        A.Blur(p=0.1),
        A.MedianBlur(p=0.1),
        A.ToGray(p=0.1),
        A.CLAHE(p=0.1),
        A.RandomBrightnessContrast(p=0.1),
    ]
    return A.Compose(transforms, bbox_params=A.BboxParams(format="yolo", label_fields=["class_labels"]))


# ultralytics/yolov5 utils/augmentations.py (class Albumentations, written for albumentations 1.x:
# quality_lower); image+bboxes (yolo)+class_labels.
@entry(
    name="yolov5_albumentations",
    source="ultralytics/yolov5 utils/augmentations.py",
    targets=("image", "bboxes"),
    bbox_format="yolo",
    label_fields=("class_labels",),
)
def _det09(A):
    transforms = [
        A.Blur(p=0.01),
        A.MedianBlur(p=0.01),
        A.ToGray(p=0.01),
        A.CLAHE(p=0.01),
        A.RandomBrightnessContrast(p=0.0),
        A.RandomGamma(p=0.0),
        A.ImageCompression(quality_lower=75, p=0.0),
    ]
    return A.Compose(transforms, bbox_params=A.BboxParams(format="yolo", label_fields=["class_labels"]))


# fadamsyah/pytorch_deseg_module augmentations.py (EfficientDet); image+bboxes (coco)+category_ids;
# params.mean/std are ImageNet's there.
@entry(
    name="deseg_efficientdet_coco",
    source="fadamsyah/pytorch_deseg_module augmentations.py",
    targets=("image", "bboxes"),
    size=(128, 128),
    bbox_format="coco",
    label_fields=("category_ids",),
)
def _det10(A):
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    return A.Compose(
        [
            A.Transpose(p=0.5),
            A.VerticalFlip(p=0.5),
            A.HorizontalFlip(p=0.5),
            A.OneOf(
                [
                    A.CLAHE(p=1.0),
                    A.RandomBrightnessContrast(0.15, 0.15, p=1.0),
                    A.RandomGamma(p=1.0),
                    A.HueSaturationValue(p=1.0),
                ],
                p=0.8,
            ),
            A.OneOf([A.Blur(4, p=1.0), A.MotionBlur(5, p=1.0), A.Sharpen(p=1.0)], p=0.75),
            A.Normalize(mean=mean, std=std, max_pixel_value=255.0, always_apply=True),
        ],
        bbox_params=A.BboxParams(format="coco", label_fields=["category_ids"], min_visibility=0.2),
    )


# ops-jaeha/wheat-head-detection Faster_RCNN/transform.py (train_transform); image+bboxes (pascal_voc).
@entry(
    name="wheat_longest_pad_1024",
    source="ops-jaeha/wheat-head-detection Faster_RCNN/transform.py",
    targets=("image", "bboxes"),
    label_fields=("class_labels",),
    deterministic=True,
    torch=True,
)
def _det11(A):
    return A.Compose(
        [
            A.LongestMaxSize(1024, p=1),
            A.PadIfNeeded(min_height=1024, min_width=1024, p=1, border_mode=1, value=0),
            A.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
            _tensor(A)(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["class_labels"], min_area=20),
    )


# --- keypoints -----------------------------------------------------------------------------------------


# ZhijuCen/chinese-plate-recognition-ccpd-remaster plate_detection/data/augmentation.py
# (identity_keypoint_transform); image+bboxes (pascal_voc)+keypoints (xy), plate corners.
@entry(
    name="ccpd_identity_keypoints",
    source="ZhijuCen/chinese-plate-recognition-ccpd-remaster plate_detection/data/augmentation.py",
    targets=("image", "bboxes", "keypoints"),
    deterministic=True,
)
def _det12(A):
    bbox_params = A.BboxParams("pascal_voc")
    kp_params = A.KeypointParams("xy", remove_invisible=False)
    return A.Compose([A.Resize(320, 320)], bbox_params=bbox_params, keypoint_params=kp_params)


# ZhijuCen/chinese-plate-recognition-ccpd-remaster plate_detection/data/augmentation.py
# (default_keypoint_transform, p=0.5): A.Flip was removed from albumentations 2.x.
@entry(
    name="ccpd_default_keypoints",
    raises="build:AttributeError",
    source="ZhijuCen/chinese-plate-recognition-ccpd-remaster plate_detection/data/augmentation.py",
    targets=("image", "bboxes", "keypoints"),
)
def _det13(A, p=0.5):
    bbox_params = A.BboxParams("pascal_voc")
    kp_params = A.KeypointParams("xy", remove_invisible=False)
    return A.Compose(
        [
            A.Resize(320, 320),
            A.InvertImg(p=p),
            A.ToGray(p=p),
            A.Perspective(p=p),
            A.ShiftScaleRotate(p=p),
            A.Flip(p=p),
        ],
        bbox_params=bbox_params,
        keypoint_params=kp_params,
    )


# marcoBelt99/ProgettoDeepLearning altro/esempio_albumentations/readme.md; image+keypoints (xy)+class_labels.
@entry(
    name="progetto_keypoints_crop",
    source="marcoBelt99/ProgettoDeepLearning altro/esempio_albumentations/readme.md",
    targets=("image", "keypoints"),
    size=(360, 400),
    keypoint_labels=("class_labels",),
)
def _det14(A):
    return A.Compose(
        [A.RandomCrop(width=330, height=330), A.RandomBrightnessContrast(p=0.2)],
        keypoint_params=A.KeypointParams(
            format="xy", label_fields=["class_labels"], remove_invisible=True, angle_in_degrees=True
        ),
    )


# --- mmdetection's Albu wrapper ------------------------------------------------------------------------


def _mmdet_albu(A, transforms, bbox_params):
    """What mmdet's ``Albu`` pipeline step does with its config: each ``dict(type=...)`` becomes
    ``getattr(albumentations, type)(**rest)`` (nested ``transforms`` first); ``filter_lost_elements`` is
    taken out of bbox_params and the label field becomes ``idx_mapper``; called with image, bboxes
    and idx_mapper (keymap img -> image, gt_bboxes -> bboxes)."""

    def build(cfg):
        args = dict(cfg)
        cls = getattr(A, args.pop("type"))
        if "transforms" in args:
            args["transforms"] = [build(t) for t in args["transforms"]]
        return cls(**args)

    bbox_params = dict(bbox_params)
    bbox_params.pop("filter_lost_elements", None)
    bbox_params["label_fields"] = ["idx_mapper"]
    return A.Compose([build(t) for t in transforms], bbox_params=build(bbox_params))


# jhj9109/Segmentation_ObjectDetection trash/faster_rcnn/faster_rcnn_r50_fpn_dcn_ciou_adam2_trash_aug1.py
# (mmdet 2.x config, albumentations 1.x RandomResizedCrop arguments); image+bboxes (pascal_voc).
@entry(
    name="mmdet_trash_random_resized_crop",
    raises="build:ValueError",
    source="jhj9109/Segmentation_ObjectDetection trash/faster_rcnn/faster_rcnn_r50_fpn_dcn_ciou_adam2_trash_aug1.py",
    targets=("image", "bboxes"),
    label_fields=("idx_mapper",),
)
def _det_mm1(A):
    albu_train_transforms = [
        dict(type="RandomResizedCrop", height=512, width=512, scale=[0.75, 1], p=1),
        dict(type="HorizontalFlip", p=0.5),
    ]
    bbox_params = dict(
        type="BboxParams",
        format="pascal_voc",
        label_fields=["gt_labels"],
        min_visibility=0.0,
        filter_lost_elements=True,
    )
    return _mmdet_albu(A, albu_train_transforms, bbox_params)


# boostcampaitech7/level2-objectdetection-cv-10 mmdetection2/configs/trash/faster_rcnn_r50_fpn_1x_trash_br.py;
# image+bboxes (coco).
@entry(
    name="mmdet_trash_brightness_coco",
    source="boostcampaitech7/level2-objectdetection-cv-10 mmdetection2/configs/trash/faster_rcnn_r50_fpn_1x_trash_br.py",
    targets=("image", "bboxes"),
    bbox_format="coco",
    label_fields=("idx_mapper",),
)
def _det_mm2(A):
    bbox_params = dict(
        type="BboxParams",
        format="coco",
        label_fields=["gt_labels"],
        min_visibility=0.0,
        filter_lost_elements=True,
    )
    return _mmdet_albu(A, [dict(type="RandomBrightnessContrast")], bbox_params)


# codewmwm/config README.md (mmdet albu_train_transforms, from mmdet's albu_example); image+bboxes.
@entry(
    name="mmdet_albu_example_oneof",
    source="codewmwm/config README.md",
    targets=("image", "bboxes"),
    label_fields=("idx_mapper",),
)
def _det_mm3(A):
    albu_train_transforms = [
        dict(type="RandomBrightnessContrast", brightness_limit=[0.1, 0.3], contrast_limit=[0.1, 0.3], p=0.2),
        dict(
            type="OneOf",
            transforms=[
                dict(type="RGBShift", r_shift_limit=10, g_shift_limit=10, b_shift_limit=10, p=1.0),
                dict(
                    type="HueSaturationValue",
                    hue_shift_limit=20,
                    sat_shift_limit=30,
                    val_shift_limit=20,
                    p=1.0,
                ),
            ],
            p=0.1,
        ),
        dict(
            type="OneOf",
            transforms=[dict(type="Blur", blur_limit=3, p=1.0), dict(type="MedianBlur", blur_limit=3, p=1.0)],
            p=0.1,
        ),
    ]
    bbox_params = dict(
        type="BboxParams", format="pascal_voc", label_fields=["gt_labels"], filter_lost_elements=True
    )
    return _mmdet_albu(A, albu_train_transforms, bbox_params)


# wiktormucha/effhandegonet cfgs/albumentations/fphab_8.py (ReplayCompose, hand keypoints, 1.x
# RandomSizedCrop arguments); image+keypoints (xy).
@entry(
    name="effhandegonet_replay_keypoints",
    raises="build:ValueError",
    source="wiktormucha/effhandegonet cfgs/albumentations/fphab_8.py",
    targets=("image", "keypoints"),
)
def _det_kp2(A):
    return A.ReplayCompose(
        [
            A.OneOf(
                [
                    A.HorizontalFlip(always_apply=True, p=0.4),
                    A.SafeRotate(
                        always_apply=True,
                        p=0.4,
                        limit=(-45, 45),
                        interpolation=0,
                        border_mode=0,
                        value=(0, 0, 0),
                        mask_value=None,
                    ),
                    A.RandomCropFromBorders(
                        always_apply=True, p=0.4, crop_left=0.2, crop_right=0.2, crop_top=0.2, crop_bottom=0.2
                    ),
                    A.RandomSizedCrop(
                        always_apply=True,
                        p=0.5,
                        min_max_height=(500, 720),
                        height=1080,
                        width=1920,
                        w2h_ratio=1.0,
                        interpolation=0,
                    ),
                ],
                p=0.8,
            ),
        ],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )


# nicostap/manpro-ti nestjs-app/uploads/config.py (paired image-to-image); image plus additional image0.
@entry(
    name="manpro_pix2pix_image0",
    source="nicostap/manpro-ti nestjs-app/uploads/config.py",
    additional={"image0": "image"},
    deterministic=True,
    torch=True,
)
def _det_cls1(A):
    return A.Compose(
        [
            A.Resize(height=256, width=256),
            A.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5], max_pixel_value=255),
            _tensor(A)(),
        ],
        additional_targets={"image0": "image"},
        is_check_shapes=False,
    )


# shchukinvov/captcha_solver src/transforms.py (TRAIN_TRANSFORMS); captcha images, image only.
@entry(
    name="captcha_to_float",
    source="shchukinvov/captcha_solver src/transforms.py",
    size=(50, 200),
    deterministic=True,
    torch=True,
)
def _det_cls2(A):
    return A.Compose([A.ToFloat(max_value=255), _tensor(A)()])


# HubertDomaros/ai-capstone-proj src/preprocessing/image_augumenter.py (commented out there; albumentations
# 2.x classes, BboxParams with no arguments); image+bboxes.
@entry(
    name="capstone_at_least_one_bbox",
    raises="build:ValueError",
    source="HubertDomaros/ai-capstone-proj src/preprocessing/image_augumenter.py",
    targets=("image", "bboxes"),
)
def _det_bb1(A):
    return A.Compose(
        [
            A.Rotate(limit=(-30, 30), p=0.55),
            A.PlasmaBrightnessContrast(p=0.3),
            A.GaussianBlur(p=0.3),
            A.GaussianBlur(p=0.2),
            A.AtLeastOneBBoxRandomCrop(p=0.35),
            A.ChannelDropout(p=0.2),
            A.Perspective(p=0.3),
        ],
        bbox_params=A.BboxParams(),
    )


# marcoBelt99/ProgettoDeepLearning's keypoint pipeline (above) saved as JSON and read back with A.load
# from an open text stream; image+keypoints (xy)+class_labels.
@entry(
    name="load_json_keypoints",
    source="marcoBelt99/ProgettoDeepLearning altro/esempio_albumentations/readme.md, saved with A.save",
    targets=("image", "keypoints"),
    size=(360, 400),
    keypoint_labels=("class_labels",),
)
def _det_kp3(A):
    text = json.dumps(
        {
            "__version__": "2.0.8",
            "transform": {
                "__class_fullname__": "Compose",
                "p": 1.0,
                "transforms": [
                    {"__class_fullname__": "RandomCrop", "height": 330, "width": 330, "p": 1.0},
                    {"__class_fullname__": "RandomBrightnessContrast", "p": 0.2},
                ],
                "bbox_params": None,
                "keypoint_params": {
                    "format": "xy",
                    "label_fields": ["class_labels"],
                    "remove_invisible": True,
                    "angle_in_degrees": True,
                    "check_each_transform": True,
                },
                "additional_targets": {},
                "is_check_shapes": True,
            },
        }
    )
    return A.load(io.StringIO(text))
