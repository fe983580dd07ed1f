"""albumentations' module paths under ``xalbu``, so that imports written for albumentations run
after ``albumentations`` becomes ``xalbu`` in them.

Training code imports from deep paths (``from albumentations.pytorch import ToTensorV2``,
``from albumentations.core.transforms_interface import DualTransform``,
``from albumentations.augmentations.geometric.resize import Resize``). Each module path that
albumentations 2.0.8 (or 1.x, for ``augmentations.transforms`` and ``pytorch.transforms``) has for
its transforms, compositions and base classes exists under ``xalbu`` and offers xalbu's public
names. A path that holds only albumentations' internals (``...functional``, ``core.pydantic``...)
does not exist: its functions are not part of xalbu's API.

Installed once, by ``import xalbu``: a finder at the end of ``sys.meta_path``, consulted only for
these names after the real modules (``xalbu.core.composition`` is xalbu's own).

>>> from xalbu.core.transforms_interface import DualTransform
>>> from xalbu.augmentations.geometric.resize import Resize
>>> Resize is __import__("xalbu").Resize
True
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

# albumentations' modules that define or re-export transforms, compositions and base classes
PATHS = frozenset(
    [
        "augmentations",
        "augmentations.transforms",  # 1.x: the pixel transforms
        "augmentations.blur",
        "augmentations.blur.transforms",
        "augmentations.crops",
        "augmentations.crops.transforms",
        "augmentations.dropout",
        "augmentations.dropout.channel_dropout",
        "augmentations.dropout.coarse_dropout",
        "augmentations.dropout.grid_dropout",
        "augmentations.dropout.mask_dropout",
        "augmentations.dropout.transforms",
        "augmentations.dropout.xy_masking",
        "augmentations.geometric",
        "augmentations.geometric.distortion",
        "augmentations.geometric.flip",
        "augmentations.geometric.pad",
        "augmentations.geometric.resize",
        "augmentations.geometric.rotate",
        "augmentations.geometric.transforms",
        "augmentations.mixing",
        "augmentations.mixing.domain_adaptation",
        "augmentations.mixing.transforms",
        "augmentations.other",
        "augmentations.other.lambda_transform",
        "augmentations.other.type_transform",
        "augmentations.pixel",
        "augmentations.pixel.transforms",
        "augmentations.spectrogram",
        "augmentations.spectrogram.transform",
        "augmentations.text",
        "augmentations.text.transforms",
        "augmentations.transforms3d",
        "augmentations.transforms3d.transforms",
        "core.bbox_utils",  # BboxParams
        "core.keypoints_utils",  # KeypointParams
        "core.transforms_interface",
        "pytorch",
        "pytorch.transforms",
    ]
)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``xalbu.<path>`` for the paths above; each module offers ``xalbu.__all__``."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.startswith("xalbu.") and fullname[len("xalbu.") :] in PATHS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        import xalbu

        name = module.__name__[len("xalbu.") :]
        module.__doc__ = (
            f"albumentations.{name}'s place in xalbu: xalbu's public names (see xalbu.core.module_paths)."
        )
        module.__path__ = []  # a package, so that deeper paths import
        module.__all__ = list(xalbu.__all__)
        module.__dict__.update({n: getattr(xalbu, n) for n in xalbu.__all__})
        module.__getattr__ = _children(module.__name__, name)  # type: ignore[method-assign]


def _children(fullname: str, name: str) -> object:
    """A module ``__getattr__``: the deeper paths as attributes (``xalbu.pytorch.transforms``),
    imported on first use, as albumentations' packages import their modules."""

    def __getattr__(attr: str) -> object:
        if f"{name}.{attr}" in PATHS:
            import importlib

            return importlib.import_module(f"{fullname}.{attr}")
        raise AttributeError(f"module {fullname!r} has no attribute {attr!r}")

    return __getattr__


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
