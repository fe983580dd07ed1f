"""The yardstick corpus, part 2: segmentation, classification, OCR, compositions, Lambda, serialised
pipelines and pipelines written for older albumentations (see real_pipelines.py for the entry format)."""

from __future__ import annotations

import cv2
from real_pipelines import _smp_preprocess, _tensor, _to_chw_float, entry

# --- segmentation (image + mask) -------------------------------------------------------------------------


# Babitdor/FineTune-Script-SAM2.1 scripts/transforms.py; image+mask; uint8 RGB.
@entry(
    name="sam2_finetune_train",
    source="Babitdor/FineTune-Script-SAM2.1 scripts/transforms.py",
    targets=("image", "mask"),
)
def _seg01(A):
    return A.Compose(
        [
            A.RandomBrightnessContrast(p=0.5),
            A.RandomShadow(p=0.3),
            A.RandomFog(p=0.2),
            A.HorizontalFlip(p=0.5),
            A.Affine(translate_percent=0.1, scale=(0.9, 1.1), rotate=(-15, 15), p=0.5),
        ]
    )


# nathanBurg/Time-Lapse-Microscopy-Toolkit aug_fxns.py (smp-example style, albumentations 0.x names:
# IAAAdditiveGaussianNoise, RandomBrightness, RandomContrast no longer exist).
@entry(
    name="microscopy_smp_iaa",
    raises="build:AttributeError",
    source="nathanBurg/Time-Lapse-Microscopy-Toolkit aug_fxns.py",
    targets=("image", "mask"),
    size=(320, 320),
)
def _seg02(albu):
    train_transform = [
        albu.HorizontalFlip(p=0.5),
        albu.Rotate(
            limit=90, interpolation=1, border_mode=4, value=None, mask_value=None, always_apply=True, p=0.5
        ),
        albu.ShiftScaleRotate(scale_limit=0.5, rotate_limit=0, shift_limit=0.1, p=1, border_mode=0),
        albu.PadIfNeeded(min_height=320, min_width=320, always_apply=True, border_mode=0),
        albu.RandomCrop(height=320, width=320, always_apply=True),
        albu.IAAAdditiveGaussianNoise(p=0.2),
        albu.IAAPerspective(p=0.5),
        albu.OneOf([albu.CLAHE(p=1), albu.RandomBrightness(p=1), albu.RandomGamma(p=1)], p=0.9),
        albu.OneOf(
            [albu.IAASharpen(p=1), albu.Blur(blur_limit=3, p=1), albu.MotionBlur(blur_limit=3, p=1)], p=0.9
        ),
        albu.OneOf([albu.RandomContrast(p=1), albu.HueSaturationValue(p=1)], p=0.9),
    ]
    return albu.Compose(train_transform)


# samir-dadah/Lane-detection-in-self-driving-cars-using-MobileNetV3 Segmentation.py; image+mask.
@entry(
    name="lane_detection_iaa",
    raises="build:AttributeError",
    source="samir-dadah/Lane-detection-in-self-driving-cars-using-MobileNetV3 Segmentation.py",
    targets=("image", "mask"),
)
def _seg03(albu):
    albu_transform_list = [
        albu.IAAAdditiveGaussianNoise(p=0.2),
        albu.OneOf([albu.CLAHE(p=1), albu.RandomBrightness(p=1), albu.RandomGamma(p=1)], p=0.6),
        albu.OneOf(
            [albu.IAASharpen(p=1), albu.Blur(blur_limit=3, p=1), albu.MotionBlur(blur_limit=3, p=1)], p=0.6
        ),
        albu.OneOf([albu.RandomContrast(p=1), albu.HueSaturationValue(p=1)], p=0.6),
    ]
    return albu.Compose(albu_transform_list)


# prc123/ink_code tuils/prepadata.py (Vesuvius ink detection: in_chans stacked layers); image+mask;
# size and in_chans come from the project's config: 128 and 6 here.
@entry(
    name="ink_detection_multichannel",
    source="prc123/ink_code tuils/prepadata.py",
    targets=("image", "mask"),
    size=(160, 160),
    channels=6,
    torch=True,
)
def _seg04(A, size=128, in_chans=6):
    return A.Compose(
        [
            A.Resize(size, size),
            A.HorizontalFlip(p=0.5),
            A.VerticalFlip(p=0.5),
            A.RandomBrightnessContrast(p=0.75),
            A.ShiftScaleRotate(p=0.75),
            A.OneOf([A.GaussNoise(var_limit=[10, 50]), A.GaussianBlur(), A.MotionBlur()], p=0.4),
            A.GridDistortion(num_steps=5, distort_limit=0.3, p=0.5),
            A.CoarseDropout(
                max_holes=1, max_width=int(size * 0.3), max_height=int(size * 0.3), mask_fill_value=0, p=0.5
            ),
            A.Normalize(mean=[0] * in_chans, std=[1] * in_chans),
            _tensor(A)(transpose_mask=True),
        ]
    )


# Nilanshrajput/Deep_learning_Essentials Augmentaions.py (albumentations' own segmentation example);
# image+mask, 224x224 originals so both OneOf branches keep 224x224.
@entry(
    name="essentials_seg_oneof",
    raises="build:ValueError",
    source="Nilanshrajput/Deep_learning_Essentials Augmentaions.py",
    targets=("image", "mask"),
    size=(224, 224),
)
def _seg05(A):
    original_height = original_width = 224
    return A.Compose(
        [
            A.OneOf(
                [
                    A.RandomSizedCrop(
                        min_max_height=(50, 101), height=original_height, width=original_width, p=0.5
                    ),
                    A.PadIfNeeded(min_height=original_height, min_width=original_width, p=0.5),
                ],
                p=1,
            ),
            A.VerticalFlip(p=0.5),
            A.RandomRotate90(p=0.5),
            A.OneOf(
                [
                    A.ElasticTransform(p=0.4, alpha=120, sigma=120 * 0.05, alpha_affine=120 * 0.03),
                    A.GridDistortion(p=0.3),
                    A.OpticalDistortion(p=0.4, distort_limit=2, shift_limit=0.5),
                ],
                p=0.8,
            ),
            A.CLAHE(p=0.8),
            A.RandomBrightnessContrast(p=0.8),
            A.RGBShift(r_shift_limit=20, g_shift_limit=20, b_shift_limit=20, always_apply=False, p=0.9),
            A.RandomGamma(p=0.8),
        ]
    )


# ispgroupucl/deep-blueprint bioblue/dataset/transform/pipelines.py (crop_and_transform);
# image+mask plus additional_targets "mip-image" (image) and "segmentation" (mask).
@entry(
    name="deep_blueprint_additional_targets",
    raises="build:ValueError",
    source="ispgroupucl/deep-blueprint bioblue/dataset/transform/pipelines.py",
    targets=("image", "mask"),
    additional={"mip-image": "image", "segmentation": "mask"},
)
def _seg06(A):
    return A.Compose(
        transforms=[A.RandomResizedCrop(512, 512, p=1), A.ElasticTransform()],
        additional_targets={"mip-image": "image", "segmentation": "mask"},
    )


# ispgroupucl/deep-blueprint bioblue/dataset/transform/pipelines.py (crop_and_rotate: A.Flip).
@entry(
    name="deep_blueprint_flip",
    raises="build:ValueError",
    source="ispgroupucl/deep-blueprint bioblue/dataset/transform/pipelines.py",
    targets=("image", "mask"),
    additional={"mip-image": "image", "segmentation": "mask"},
)
def _seg07(A):
    return A.Compose(
        transforms=[A.RandomResizedCrop(512, 512, p=1), A.Flip(p=0.5)],
        additional_targets={"mip-image": "image", "segmentation": "mask"},
    )


# aalto-intelligent-robotics/sivl code/datasourcing/transformations.py; image plus additional_targets
# "positive"/"negative" (triplets); uses A.Flip.
@entry(
    name="sivl_triplet_additional",
    raises="build:AttributeError",
    source="aalto-intelligent-robotics/sivl code/datasourcing/transformations.py",
    additional={"positive": "image", "negative": "image"},
)
def _seg08(A):
    return A.Compose(
        [
            A.Flip(),
            A.Transpose(),
            A.GaussNoise(),
            A.OneOf(
                [A.MotionBlur(p=0.2), A.MedianBlur(blur_limit=3, p=0.1), A.Blur(blur_limit=3, p=0.1)], p=0.2
            ),
            A.ShiftScaleRotate(shift_limit=0.0625, scale_limit=0.2, rotate_limit=45, p=0.2),
            A.OneOf([A.OpticalDistortion(p=0.3), A.GridDistortion(p=0.1), A.PiecewiseAffine(p=0.3)], p=0.2),
            A.OneOf([A.CLAHE(clip_limit=2), A.Sharpen(), A.Emboss(), A.RandomBrightnessContrast()], p=0.3),
            A.HueSaturationValue(p=0.3),
        ],
        additional_targets={"positive": "image", "negative": "image"},
    )


# --- Lambda (segmentation_models.pytorch preprocessing) ------------------------------------------------


# AsakoKabe/AdeleCV src/models/semantic/utils.py (get_preprocessing with smp's ImageNet function);
# image+mask: to_tensor transposes a 2-D mask with three axes.
@entry(
    name="adelecv_smp_preprocessing",
    raises="call:ValueError",
    source="AsakoKabe/AdeleCV src/models/semantic/utils.py",
    targets=("image", "mask"),
)
def _seg09(A):
    return A.Compose(
        [
            A.Resize(256, 256),
            A.Lambda(image=_smp_preprocess),
            A.Lambda(image=_to_chw_float, mask=_to_chw_float),
        ]
    )


# umitkacar/Ear-segmentation-ai preprocessing.py (get_validation_augmentation); image only.
@entry(
    name="ear_seg_validation",
    source="umitkacar/Ear-segmentation-ai preprocessing.py",
    deterministic=True,
)
def _seg10(A):
    return A.Compose([A.Resize(height=320, width=480, always_apply=True)])


# umitkacar/Ear-segmentation-ai preprocessing.py (get_preprocessing); image only.
@entry(
    name="ear_seg_preprocessing",
    source="umitkacar/Ear-segmentation-ai preprocessing.py",
    deterministic=True,
)
def _seg11(A):
    return A.Compose([A.Lambda(image=_smp_preprocess), A.Lambda(image=_to_chw_float)])


# Mr-Espada/damage_segmentation dataset/preprocessing.py (get_preprocessing(None)); image+mask.
@entry(
    name="damage_seg_lambda_mask_none",
    source="Mr-Espada/damage_segmentation dataset/preprocessing.py",
    targets=("image", "mask"),
    deterministic=True,
)
def _seg12(album):
    return album.Compose([album.Lambda(image=_to_chw_float, mask=None)])


# --- classification ------------------------------------------------------------------------------------


# Adversarial-Attacks-on-Deeplearning/flask-deployment transforms.py (inference_transform); image only.
@entry(
    name="flask_inference",
    source="Adversarial-Attacks-on-Deeplearning/flask-deployment transforms.py",
    deterministic=True,
    torch=True,
)
def _seg13(A):
    return A.Compose(
        [
            A.Resize(height=160, width=240),
            A.Normalize(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], max_pixel_value=255.0),
            _tensor(A)(),
        ]
    )


# cozyroom12/ms_ai_project albu_test.py (train_transform, 1.x CoarseDropout names); image only.
@entry(
    name="ms_ai_train",
    source="cozyroom12/ms_ai_project albu_test.py",
    torch=True,
)
def _seg14(A):
    return A.Compose(
        [
            A.Resize(width=512, height=512),
            A.HorizontalFlip(p=0.5),
            A.VerticalFlip(p=0.5),
            A.RandomRotate90(p=0.5),
            A.Blur(p=0.3),
            A.CLAHE(p=0.3),
            A.ColorJitter(p=0.3),
            A.CoarseDropout(max_holes=12, max_height=20, max_width=20, p=0.3),
            A.Normalize(mean=[0.3199, 0.2240, 0.1609], std=[0.3020, 0.2183, 0.1741], max_pixel_value=255.0),
            _tensor(A)(),
        ]
    )


# cozyroom12/ms_ai_project albu_test.py (val_transform); image only.
@entry(
    name="ms_ai_val",
    source="cozyroom12/ms_ai_project albu_test.py",
    deterministic=True,
    torch=True,
)
def _seg15(A):
    return A.Compose(
        [
            A.Resize(height=150, width=150),
            A.Normalize(mean=[0.3199, 0.2240, 0.1609], std=[0.3020, 0.2183, 0.1741], max_pixel_value=255.0),
            _tensor(A)(),
        ]
    )


# ireko8/Bengali src/augment.py (Bengali.AI grapheme classification); 2-D grayscale uint8 137x236.
@entry(
    name="bengali_ssr_distortions",
    source="ireko8/Bengali src/augment.py",
    size=(137, 236),
    channels=0,
)
def _seg16(A):
    return A.Compose(
        [
            A.ShiftScaleRotate(rotate_limit=15, p=0.5),
            A.OneOf([A.OpticalDistortion(p=1), A.GridDistortion(p=1)], p=0.2),
        ]
    )


# NNiKIT/BigBrat classification_model/augmentations.py (RandomContrast was removed in albumentations 2.x).
@entry(
    name="bigbrat_random_contrast",
    raises="build:AttributeError",
    source="NNiKIT/BigBrat classification_model/augmentations.py",
)
def _seg17(A):
    return A.Compose(
        [
            A.OneOf([A.Rotate(limit=45, p=0.5), A.HorizontalFlip(p=0.5)], p=1),
            A.OneOf(
                [
                    A.RandomContrast(p=0.5),
                    A.RandomGamma(p=0.5),
                    A.RandomBrightnessContrast(p=0.5),
                    A.RGBShift(r_shift_limit=25, g_shift_limit=25, b_shift_limit=25, p=0.5),
                ],
                p=0.7,
            ),
        ]
    )


# einstalek/centertrack_torch dataset/augmentations.py (IAA* classes, old RandomFog arguments).
@entry(
    name="centertrack_iaa_weather",
    raises="build:AttributeError",
    source="einstalek/centertrack_torch dataset/augmentations.py",
)
def _seg18(A):
    return A.Compose(
        [
            A.OneOf([A.IAAAdditiveGaussianNoise(), A.GaussNoise()], p=0.2),
            A.OneOf(
                [A.MotionBlur(p=0.2), A.MedianBlur(blur_limit=3, p=0.2), A.Blur(blur_limit=3, p=0.2)], p=0.2
            ),
            A.OneOf(
                [A.CLAHE(clip_limit=2), A.IAASharpen(), A.IAAEmboss(), A.RandomBrightnessContrast()], p=0.2
            ),
        ]
    )


# --- OCR -----------------------------------------------------------------------------------------------


# datvodinh/table-extraction text-recognition/text_recognition/datamodule/transform.py (stage "train",
# positional arguments of albumentations 1.x); text-line crops, 64 px high.
@entry(
    name="table_ocr_train",
    raises="build:ValueError",
    source="datvodinh/table-extraction text-recognition/text_recognition/datamodule/transform.py",
    size=(64, 256),
    torch=True,
)
def _seg19(A):
    return A.Compose(
        [
            A.ShiftScaleRotate(
                shift_limit=0,
                scale_limit=(0.0, 0.15),
                rotate_limit=1,
                border_mode=0,
                interpolation=3,
                value=[255, 255, 255],
                p=0.7,
            ),
            A.GridDistortion(distort_limit=0.1, border_mode=0, interpolation=3, value=[255, 255, 255], p=0.5),
            A.GaussNoise(10, p=0.2),
            A.RandomBrightnessContrast(0.05, (-0.2, 0), True, p=0.2),
            A.ImageCompression(95, p=0.3),
            A.ToGray(always_apply=True),
            A.Normalize(),
            _tensor(A)(),
        ]
    )


# datvodinh/table-extraction text-recognition/text_recognition/datamodule/transform.py (stage "val");
# not deterministic: albumentations 2.0.8 ignores always_apply (with a warning), so ToGray keeps p=0.5.
@entry(
    name="table_ocr_val",
    source="datvodinh/table-extraction text-recognition/text_recognition/datamodule/transform.py",
    size=(64, 256),
    torch=True,
)
def _seg20(A):
    return A.Compose([A.ToGray(always_apply=True), A.Normalize(), _tensor(A)()])


# --- SomeOf / OneOrOther / Sequential ------------------------------------------------------------------


# RSNA lumbar-spine config (project "gradientecho/rsna-lspine" per the file; index file id 6774474966;
# repository path not returned); 2-D grayscale (cv2.IMREAD_GRAYSCALE).
@entry(name="rsna_lspine_someof", source="code index file id 6774474966", size=(200, 220), channels=0)
def _seg21(A):
    return A.Compose(
        [
            A.Resize(256, 256, p=1),
            A.SomeOf(
                [
                    A.GaussNoise(p=1),
                    A.RandomGamma(p=1),
                    A.RandomBrightnessContrast(contrast_limit=0.2, brightness_limit=0.0, p=1),
                    A.RandomBrightnessContrast(contrast_limit=0.0, brightness_limit=0.2, p=1),
                ],
                n=3,
                p=0.5,
                replace=False,
            ),
        ]
    )


# Phased-training classifier (index file id 248534557; repository path not returned); the listing
# after Rotate was cut off in the index and is left out. size=128, augment_rate p=0.5.
@entry(name="phased_one_or_other", source="code index file id 248534557", size=(150, 170))
def _seg22(A, size=128, p=0.5):
    pre_crop_size = int(size * 1.1)
    return A.Compose(
        [
            A.OneOrOther(
                first=A.Compose([A.Resize(pre_crop_size, pre_crop_size), A.RandomCrop(size, size)]),
                second=A.Resize(size, size),
                p=p,
            ),
            A.MultiplicativeNoise(p=p),
        ]
    )


# Retinal-lesion segmentation (index file id 41598867300; commented-out block there); image+mask.
@entry(
    name="retinal_one_or_other_sequential",
    source="code index file id 41598867300",
    targets=("image", "mask"),
    size=(200, 240),
)
def _seg23(A, height=128, width=160):
    return A.Compose(
        [
            A.OneOrOther(
                A.Resize(height, width, interpolation=cv2.INTER_CUBIC),
                A.Sequential(
                    [
                        A.RandomScale([0.8, 1.2], interpolation=cv2.INTER_CUBIC, p=1.0),
                        A.RandomCrop(height, width),
                    ],
                    p=1,
                ),
                p=0.5,
            )
        ]
    )


# --- serialised pipelines ------------------------------------------------------------------------------


# BirdMOT's pipeline (above) as albumentations 2.0.8's A.to_dict writes it, loaded with A.from_dict
# (projects such as pipelime's AugmentationsFactory keep this layout in their YAML configs).
@entry(
    name="from_dict_birdmot",
    source="jokober/BirdMOT src/BirdMOT/data/augmentation.py, serialised",
    targets=("image", "bboxes"),
    size=(480, 500),
    bbox_format="coco",
    label_fields=("class_labels",),
)
def _seg24(A):
    return A.from_dict(
        {
            "__version__": "2.0.8",
            "transform": {
                "__class_fullname__": "Compose",
                "p": 1.0,
                "transforms": [
                    {"__class_fullname__": "RandomCrop", "height": 450, "width": 450, "p": 1.0},
                    {"__class_fullname__": "HorizontalFlip", "p": 0.5},
                    {
                        "__class_fullname__": "RandomBrightnessContrast",
                        "brightness_limit": [-0.2, 0.2],
                        "contrast_limit": [-0.2, 0.2],
                        "brightness_by_max": True,
                        "ensure_safe_range": False,
                        "p": 0.2,
                    },
                ],
                "bbox_params": {
                    "format": "coco",
                    "label_fields": ["class_labels"],
                    "min_area": 1024,
                    "min_visibility": 0.1,
                    "min_width": 0,
                    "min_height": 0,
                    "check_each_transform": True,
                    "clip": False,
                },
                "keypoint_params": None,
                "additional_targets": {},
                "is_check_shapes": True,
            },
        }
    )


# An albumentations 0.5-era file (full module paths, always_apply), as older projects keep them; image+mask.
@entry(name="from_dict_v05_layout", source="albumentations 0.5 to_dict layout", targets=("image", "mask"))
def _seg25(A):
    return A.from_dict(
        {
            "__version__": "0.5.2",
            "transform": {
                "__class_fullname__": "albumentations.core.composition.Compose",
                "p": 1.0,
                "transforms": [
                    {
                        "__class_fullname__": "albumentations.augmentations.transforms.HorizontalFlip",
                        "always_apply": False,
                        "p": 0.5,
                    },
                    {
                        "__class_fullname__": "albumentations.augmentations.transforms.Resize",
                        "always_apply": True,
                        "p": 1,
                        "height": 96,
                        "width": 120,
                        "interpolation": 1,
                    },
                    {
                        "__class_fullname__": "albumentations.augmentations.transforms.Normalize",
                        "always_apply": False,
                        "p": 1.0,
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "max_pixel_value": 255.0,
                    },
                ],
                "bbox_params": None,
                "keypoint_params": None,
                "additional_targets": {},
            },
        }
    )
