"""xalbu: fast image augmentation for deep learning (albumentations-style API, CPU and GPU batches).

>>> import numpy as np, xalbu as A
>>> pipe = A.Compose([A.HorizontalFlip(p=1.0)])
>>> pipe(image=np.zeros((4, 4, 3), np.uint8))["image"].shape
(4, 4, 3)
"""

from ._version import __version__ as __version__
from .core.affine import AffineTransform
from .core.composition import BaseCompose, Compose, OneOf, OneOrOther, RandomOrder, Sequential, SomeOf
from .core.kinds import FormatTransform, PixelTransform, SpatialTransform
from .core.mix import MixTransform
from .core.replay_compose import ReplayCompose
from .core.serialization import SerializationError, from_dict, load, save, to_dict
from .core.targets import BboxParams, KeypointParams
from .core.transform import (
    REGISTRY,
    TRANSFORMS,
    BasicTransform,
    DualTransform,
    ImageOnlyTransform,
    register_transform,
)
from .core.volume import Transform3D, VolumeTransform
from .transforms import *  # noqa: F403
from .transforms import __all__ as _transforms

__all__ = [
    "REGISTRY",
    "TRANSFORMS",
    "AffineTransform",
    "BaseCompose",
    "BasicTransform",
    "BboxParams",
    "Compose",
    "DualTransform",
    "FormatTransform",
    "ImageOnlyTransform",
    "KeypointParams",
    "MixTransform",
    "OneOf",
    "OneOrOther",
    "PixelTransform",
    "RandomOrder",
    "ReplayCompose",
    "Sequential",
    "SerializationError",
    "SomeOf",
    "SpatialTransform",
    "Transform3D",
    "VolumeTransform",
    "from_dict",
    "load",
    "register_transform",
    "save",
    "to_dict",
    *_transforms,
]

from .core import module_paths as _module_paths  # noqa: E402 - needs __all__ above

_module_paths.install()  # albumentations' module paths (xalbu.pytorch, xalbu.augmentations...)


def __getattr__(name: str) -> object:
    """albumentations' subpackages as attributes (``albumentations.pytorch.ToTensorV2`` after a plain
    ``import albumentations``): imported on first use, so torch loads only when asked for."""
    if name in _module_paths.PATHS:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
