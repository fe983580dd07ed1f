"""albumentations code run unchanged with ``import xalbu as A``: constructor arguments, seeds and the
class hierarchy, each checked against albumentations 2.0.8 itself.

- every (transform, albumentations argument name) pair that xalbu declares
  (``core.compat.ALBUMENTATIONS_COMMON`` and each class's ``albumentations_args``): both libraries
  take it or both refuse it; where taken, the same ``UserWarning`` ("Argument(s) 'cval' are not
  valid for transform Affine"), the argument changes nothing in either (albumentations 2.0.8 maps
  none of its 1.x names in code: ``A.Affine(cval=5).fill`` is 0), and ``strict=True`` refuses it;
- ``set_random_seed``: albumentations' ``seed``, ``random_generator`` (``default_rng(seed)``) and
  ``py_random`` (``random.Random(seed)``), so an albumentations-style subclass draws the same values;
- ``isinstance(t, A.ImageOnlyTransform / A.DualTransform)``: the same answer for every transform.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.core.compat import ALBUMENTATIONS_COMMON

alb = pytest.importorskip("albumentations")

# a value of each albumentations name, as 1.x code would pass it (mapped, it would change something)
LEGACY_VALUES: dict[str, Any] = {
    "always_apply": True,
    "strict": False,
    "cval": 7,
    "cval_mask": 3,
    "mode": 1,
    "value": 7,
    "mask_value": 3,
    "pad_mode": 2,
    "pad_val": 7,
    "mask_pad_val": 3,
    "pad_cval": 7,
    "pad_cval_mask": 3,
    "height": 9,
    "width": 11,
    "threshold": 100,
    "eps": 1e-7,
    "padding": 0,
    "quality_lower": 50,
    "quality_upper": 90,
    "scale_min": 0.3,
    "scale_max": 0.6,
    "interpolation": 1,
    "fill_value": 7,
    "var_limit": (10.0, 50.0),
    "mean": 5,
    "sigmaX_limit": (0.3, 0.5),
    "sigmaY_limit": (0.3, 0.5),
    "alpha_affine": 50,
    # dropout (albumentations 1.x names)
    "max_holes": 8,
    "min_holes": 1,
    "max_height": 8,
    "min_height": 2,
    "max_width": 8,
    "min_width": 2,
    "mask_fill_value": 3,
    "image_fill_value": 7,
    "unit_size_min": 2,
    "unit_size_max": 4,
    "holes_number_x": 2,
    "holes_number_y": 2,
    "shift_x": 1,
    "shift_y": 1,
    # AdditiveNoise's arguments that albumentations 2.0.8's RGBShift writes (values it writes)
    "noise_type": "uniform",
    "spatial_mode": "constant",
    "approximation": 1.0,
    "noise_params": {"noise_type": "uniform", "ranges": [(-0.1, 0.1)] * 3},
    # Affine's arguments that albumentations 2.0.8's SafeRotate writes (values it writes)
    "rotate": [-45.0, 45.0],
    "fit_output": True,
    "keep_ratio": False,
    "balanced_scale": False,
    "scale": {"x": [1.0, 1.0], "y": [1.0, 1.0]},
    "shear": {"x": [0.0, 0.0], "y": [0.0, 0.0]},
    "translate_percent": None,
    "translate_px": {"x": [0, 0], "y": [0, 0]},
    "pad_position": "center",  # CenterCrop3D/RandomCrop3D: albumentations saves its base class's argument
    # XYMasking's arguments that albumentations 2.0.8's TimeMasking/FrequencyMasking write
    "num_masks_x": (0, 0),
    "num_masks_y": (0, 0),
    "mask_x_length": (0, 0),
    "mask_y_length": (0, 0),
    "fill": 0,
    "fill_mask": 0,
}
NOT_IN_ALBUMENTATIONS_TOP_LEVEL = {"ToTensorV2"}  # albumentations.pytorch, which needs torch


def _pairs() -> list[tuple[str, str]]:
    out = []
    for name, cls in sorted(A.TRANSFORMS.items()):
        if name not in NOT_IN_ALBUMENTATIONS_TOP_LEVEL and not hasattr(alb, name):
            continue  # xalbu's extras (AlbumentationsX's, kornia's): albumentations 2.0.8 has no such class
        for key in sorted({**ALBUMENTATIONS_COMMON, **cls.albumentations_args}):
            out.append((name, key))
    return out


PAIRS = _pairs()


def _args(name: str, key: str) -> dict[str, Any]:
    """The class's canonical example arguments (both libraries take them) plus ``key``."""
    args = dict(A.TRANSFORMS[name].examples(32, 40)[0])
    args[key] = LEGACY_VALUES[key]
    if key in ("height", "width"):  # albumentations 1.x gave both
        args.update(height=LEGACY_VALUES["height"], width=LEGACY_VALUES["width"])
    return args


def _build(M: Any, name: str, args: dict[str, Any]) -> tuple[Any, list[warnings.WarningMessage] | Exception]:
    cls = getattr(M, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            t = cls(**args)
        except Exception as e:  # noqa: BLE001 - the outcome is what is compared
            return None, e
    return t, [w for w in caught if "not valid for transform" in str(w.message)]


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def test_every_declared_pair_is_checked():
    assert len(PAIRS) >= 70
    assert ("Affine", "cval") in PAIRS and ("HorizontalFlip", "always_apply") in PAIRS
    assert ("RandomCrop", "pad_mode") in PAIRS and ("Solarize", "threshold") in PAIRS
    assert all(key in LEGACY_VALUES for _, key in PAIRS)


@pytest.mark.parametrize(("name", "key"), PAIRS, ids=[f"{n}-{k}" for n, k in PAIRS])
def test_albumentations_argument_is_taken_as_albumentations_takes_it(name, key):
    args = _args(name, key)
    ours, our_warnings = _build(A, name, args)
    if name in NOT_IN_ALBUMENTATIONS_TOP_LEVEL:
        # albumentations.pytorch.ToTensorV2.__init__(transpose_mask, p) has no validation wrapper
        assert isinstance(our_warnings, TypeError)
        return
    theirs, their_warnings = _build(alb, name, args)
    if isinstance(their_warnings, Exception):  # refused there: refused here
        assert isinstance(our_warnings, TypeError), (their_warnings, our_warnings)
        assert isinstance(their_warnings, TypeError)
        return
    assert not isinstance(our_warnings, Exception), our_warnings
    ignored = [k for k in args if k not in _init_names(A.TRANSFORMS[name]) and k != "strict"]
    if not ignored:  # strict=False alone: silent in both
        assert our_warnings == their_warnings == []
    else:
        assert len(our_warnings) == len(their_warnings) == 1
        ours_w, theirs_w = our_warnings[0], their_warnings[0]
        assert ours_w.category is theirs_w.category is UserWarning
        names = ", ".join(ignored)
        assert str(theirs_w.message).startswith(f"Argument(s) '{names}' are not valid for transform")
        assert str(ours_w.message).startswith(f"Argument(s) '{names}' are not valid for transform {name}")
        assert ours_w.filename == __file__  # points at the caller, as albumentations' warning does
    # the argument changes nothing, in either library
    base = {k: v for k, v in args.items() if k in _init_names(A.TRANSFORMS[name])}
    assert ours.init_args() == A.TRANSFORMS[name](**base).init_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = getattr(alb, name)(**base)
    assert _plain(theirs.get_transform_init_args()) == _plain(reference.get_transform_init_args())
    assert ours.p == theirs.p == reference.p
    rule = {**ALBUMENTATIONS_COMMON, **A.TRANSFORMS[name].albumentations_args}[key]
    if rule.action == "rename":  # the 2.x argument it names keeps its value (the default here)
        np.testing.assert_allclose(
            np.asarray(getattr(ours, rule.to), float), np.asarray(getattr(theirs, rule.to), float)
        )


def _init_names(cls: type) -> set[str]:
    import inspect

    return set(inspect.signature(cls.__init__).parameters) - {"self"}


@pytest.mark.parametrize(("name", "key"), [p for p in PAIRS if p[1] != "strict"], ids=lambda v: str(v))
def test_strict_refuses_albumentations_arguments_as_albumentations_does(name, key):
    args = {**_args(name, key), "strict": True}
    ours, our_err = _build(A, name, args)
    if name in NOT_IN_ALBUMENTATIONS_TOP_LEVEL:
        assert isinstance(our_err, TypeError)
        return
    theirs, their_err = _build(alb, name, args)
    # xalbu's constructor errors are TypeError and ValueError at once (core.transform.ArgumentError)
    assert isinstance(our_err, type(their_err)), (our_err, their_err)
    if type(their_err) is ValueError:
        assert str(their_err).startswith("Argument(s)")
        assert (
            str(our_err)
            == f"Argument(s) '{', '.join(k for k in args if k in LEGACY_VALUES and k != 'strict' and k not in _init_names(A.TRANSFORMS[name]))}' are not valid for transform {name}"
        )


def test_the_same_pipeline_output_with_1x_arguments():
    """Deterministic operations written with 1.x names give albumentations 2.0.8's output (which
    ignores those names: the fills stay 0, the border mode constant, p stays 0.5 -> forced here)."""
    img = np.random.default_rng(0).integers(0, 256, (24, 30, 3), dtype=np.uint8)
    mask = np.random.default_rng(1).integers(0, 4, (24, 30), dtype=np.uint8)
    cases = [
        ("Affine", {"rotate": (30, 30), "cval": 7, "cval_mask": 3, "mode": 1, "interpolation": 0, "p": 1}),
        ("Rotate", {"limit": (20, 20), "value": 7, "mask_value": 3, "interpolation": 0, "p": 1}),
        (
            "ShiftScaleRotate",
            {
                "shift_limit": 0,
                "scale_limit": 0,
                "rotate_limit": (30, 30),
                "value": 7,
                "interpolation": 0,
                "p": 1,
            },
        ),
        ("PadIfNeeded", {"min_height": 32, "min_width": 40, "value": 7, "mask_value": 3}),
        ("CenterCrop", {"height": 30, "width": 36, "pad_if_needed": True, "pad_mode": 2, "pad_cval": 7}),
        ("HorizontalFlip", {"always_apply": True, "p": 1.0}),
    ]
    for name, args in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = getattr(A, name)(**args)(image=img, mask=mask)
            theirs = getattr(alb, name)(**args)(image=img, mask=mask)
        for key in ("image", "mask"):
            diff = np.abs(ours[key].astype(int) - theirs[key].astype(int))
            assert np.count_nonzero(diff) <= diff.size // 100, (name, key)  # nearest-warp ties only
        assert not (ours["image"] == 7).all(axis=-1).any()  # the 1.x fill was not used


def test_unknown_arguments_stay_type_errors():
    """albumentations 2.0.8 warns and ignores any unknown keyword (typos too); xalbu takes only the
    albumentations names its tables declare and refuses the rest (docs: differences)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        alb.Affine(rotat=30)
    assert any("rotat" in str(w.message) for w in caught)
    with pytest.raises(TypeError, match="rotat"):
        A.Affine(rotat=30)
    with pytest.raises(TypeError, match="'rotat'"):  # the unknown one is named, not cval
        A.Affine(cval=1, rotat=30)
    with pytest.raises(TypeError, match="cval"):
        A.ShiftScaleRotate(cval=3)  # albumentations 1.x's ShiftScaleRotate named it value
    with pytest.raises(TypeError, match="strict"):
        A.Affine(strict="yes")


@pytest.mark.parametrize("name", ["RandomSizedCrop", "RandomResizedCrop"])
def test_height_width_without_size_refused_in_both(name):
    args = {"height": 8, "width": 8, **({"min_max_height": (4, 8)} if name == "RandomSizedCrop" else {})}
    with pytest.raises(ValueError, match="size"):
        getattr(alb, name)(**args)
    with pytest.raises(TypeError, match=r"height, width: .*size=\(height, width\)"):
        getattr(A, name)(**args)


def test_users_albumentations_1x_subclass_passing_always_apply():
    """A 1.x-style subclass that hands always_apply to the base class: warned and ignored there, here."""

    def make(M):
        class Darken(M.ImageOnlyTransform):
            def __init__(self, always_apply=False, p=0.5):
                super().__init__(always_apply=always_apply, p=p)

            def apply(self, img, **params):
                return img // 2

        return Darken

    for M in (alb, A):
        with pytest.warns(UserWarning, match=r"Argument\(s\) 'always_apply' are not valid for transform"):
            t = make(M)(always_apply=True, p=0.25)
        assert t.p == 0.25


def test_construction_without_albumentations_names_is_unchanged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = A.Affine(rotate=10, fill=3, p=0.3)
    assert t.fill == 3.0 and t.p == 0.3
    assert "cval" not in __import__("inspect").signature(A.Affine).parameters  # signature kept


def test_files_read_the_same_tables():
    """The names the constructors accept are the ones loading albumentations' files maps."""
    doc = {
        "__version__": "1.4.24",
        "transform": {
            "__class_fullname__": "Compose",
            "p": 1.0,
            "transforms": [
                {
                    "__class_fullname__": "RandomCrop",
                    "height": 8,
                    "width": 8,
                    "pad_if_needed": True,
                    "pad_mode": 2,
                    "pad_cval": 5,
                    "pad_cval_mask": 1,
                    "pad_position": "center",
                    "p": 1.0,
                },
                {"__class_fullname__": "Solarize", "threshold": [128, 128], "p": 0.5},
            ],
        },
    }
    pipe = A.from_dict(doc)
    crop, sol = pipe.transforms
    assert (crop.border_mode, crop.fill, crop.fill_mask) == (2, 5.0, 1.0)
    assert sol.threshold_range == (0.5, 0.5)
    doc["transform"]["transforms"][1]["threshold"] = 100
    with pytest.raises(A.SerializationError, match="threshold"):
        A.from_dict(doc)


# ------------------------------------------------------------------------------ set_random_seed
def _tint(M):
    class Tint(M.ImageOnlyTransform):
        def __init__(self, p=1.0):
            super().__init__(p=p)

        def get_params(self):
            return {"a": self.py_random.uniform(0, 50), "b": int(self.random_generator.integers(0, 50))}

        def apply(self, img, a=0.0, b=0, **params):
            return np.clip(img.astype(np.float32) + a + b, 0, 255).astype(np.uint8)

    return Tint


def test_set_random_seed_gives_albumentations_streams():
    img = np.full((4, 4, 3), 10, np.uint8)
    runs = {}
    for M in (alb, A):
        t = _tint(M)()
        t.set_random_seed(7)
        assert t.seed == 7
        direct = [int(t(image=img)["image"][0, 0, 0]) for _ in range(4)]
        t.set_random_seed(7)
        again = [int(t(image=img)["image"][0, 0, 0]) for _ in range(4)]
        t.set_random_seed(7)
        runs[M.__name__] = (direct, again, t.get_params())
    assert runs["albumentations"] == runs["xalbu"]
    assert runs["xalbu"][0] == runs["xalbu"][1]


def test_set_random_seed_streams_and_attributes():
    t = A.RandomGamma(p=1)
    assert t.seed is None
    t.set_random_seed(11)
    g, r = t.random_generator, t.py_random
    assert t.seed == 11
    assert g.integers(1 << 30) == np.random.default_rng(11).integers(1 << 30)
    assert r.random() == __import__("random").Random(11).random()
    img = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    t.set_random_seed(11)
    first = [t(image=img)["image"] for _ in range(3)]
    t.set_random_seed(11)
    np.testing.assert_array_equal(np.stack(first), np.stack([t(image=img)["image"] for _ in range(3)]))
    # copies restart from the seed (pickle, deepcopy)
    for clone in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert clone.seed == 11
        np.testing.assert_array_equal(clone(image=img)["image"], first[0])


def test_a_pipeline_call_does_not_leave_its_stream_on_a_reseeded_transform():
    t = _tint(A)()
    pipe = A.Compose([t], seed=0)
    pipe(image=np.zeros((2, 2, 3), np.uint8))
    assert t.random_generator is not None
    t.set_random_seed(3)
    assert t.random_generator.random() == np.random.default_rng(3).random()


# ----------------------------------------------------------------------------- class hierarchy
@pytest.mark.parametrize(
    "name", sorted(n for n in A.TRANSFORMS if n not in NOT_IN_ALBUMENTATIONS_TOP_LEVEL and hasattr(alb, n))
)
def test_isinstance_answers_match_albumentations(name):
    ours, theirs = A.TRANSFORMS[name], getattr(alb, name)
    for base in ("BasicTransform", "ImageOnlyTransform", "DualTransform"):
        assert issubclass(ours, getattr(A, base)) == issubclass(theirs, getattr(alb, base)), base


def test_to_tensor_is_neither_image_only_nor_dual():
    """albumentations.pytorch.ToTensorV2 subclasses BasicTransform only (read from its source: the
    module needs torch to import)."""
    assert not issubclass(A.ToTensorV2, (A.ImageOnlyTransform, A.DualTransform))
    assert issubclass(A.ToTensorV2, A.BasicTransform)
