"""albumentations' module paths under xalbu (issue 11, item 1): imports written for albumentations
run with ``albumentations`` replaced by ``xalbu``, and give xalbu's classes."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import subprocess
import sys

import pytest

import xalbu
from xalbu.core.module_paths import PATHS

TRAINING_IMPORTS = """
import albumentations as A
from albumentations.pytorch import ToTensorV2
from albumentations.pytorch.transforms import ToTensorV2 as ToTensorV2Old
from albumentations.core.composition import Compose, OneOf
from albumentations.core.transforms_interface import DualTransform, ImageOnlyTransform
from albumentations.augmentations.geometric.resize import Resize
from albumentations.augmentations.geometric.transforms import Affine
from albumentations.augmentations.crops.transforms import RandomResizedCrop
from albumentations.augmentations.transforms import Normalize
assert ToTensorV2 is ToTensorV2Old is A.ToTensorV2 and Resize is A.Resize and Normalize is A.Normalize
pipe = Compose([RandomResizedCrop(size=(8, 8)), Affine(p=1), Normalize(), ToTensorV2()])
print(type(pipe).__module__)
"""


def test_training_imports_run_with_the_name_changed():
    """In a fresh interpreter (nothing imported before): only ``albumentations`` -> ``xalbu``."""
    code = TRAINING_IMPORTS.replace("albumentations", "xalbu")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "xalbu.core.composition"


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_path_offers_the_names_albumentations_has_there(path):
    module = importlib.import_module(f"xalbu.{path}")
    try:
        theirs = importlib.import_module(f"albumentations.{path}")
    except ImportError:  # 1.x paths (augmentations.transforms, pytorch.transforms)
        theirs = None
    shared = set(vars(theirs)) & set(xalbu.__all__) if theirs is not None else set(xalbu.__all__)
    for name in shared:
        assert getattr(module, name) is getattr(xalbu, name), f"xalbu.{path}.{name}"


def test_the_paths_cover_every_albumentations_module_with_a_transform_xalbu_has():
    import albumentations

    ours = set(xalbu.__all__)
    for info in pkgutil.walk_packages(albumentations.__path__, "albumentations."):
        path = info.name[len("albumentations.") :]
        if path.split(".")[0] not in ("augmentations", "core", "pytorch"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # albumentations.pytorch without torch: its paths are in PATHS regardless
            assert path.startswith("pytorch"), path
            continue
        defined = {n for n, v in vars(module).items() if isinstance(v, type) and v.__module__ == info.name}
        if defined & ours and not path.endswith("functional"):
            assert path in PATHS or importlib.util.find_spec(f"xalbu.{path}") is not None, path


def test_internal_paths_are_not_offered():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("xalbu.augmentations.geometric.functional")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("xalbu.augmentations.no_such_module")


def test_subpackages_are_attributes_after_a_plain_import():
    """``albu.pytorch.transforms.ToTensorV2()`` after only ``import albumentations as albu`` (its
    ``__init__`` imports the subpackages); xalbu imports them on first use, torch not before."""
    code = (
        "import sys, xalbu as albu\n"
        "assert 'torch' not in sys.modules\n"
        "assert albu.pytorch.transforms.ToTensorV2 is albu.ToTensorV2\n"
        "assert albu.augmentations.geometric.transforms.Affine is albu.Affine\n"
        "try:\n"
        "    albu.pytorch.nothing\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "module 'xalbu.pytorch' has no attribute 'nothing'"
