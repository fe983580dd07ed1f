"""Every row of docs/differences.md, checked against albumentations 2.0.8: both libraries' behaviour
as the page states it, so that the page cannot drift from either library."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A

alb = pytest.importorskip("albumentations")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # albumentations' update check

IMG = np.random.default_rng(0).integers(0, 256, (10, 20, 3), dtype=np.uint8)


def _keypoint(M, transform) -> tuple[float, float]:
    out = M.Compose([transform], keypoint_params=M.KeypointParams(format="xy"))(
        image=IMG, keypoints=[(3.0, 4.0)]
    )
    return tuple(float(v) for v in out["keypoints"][0][:2])


def test_keypoints_flip_in_continuous_coordinates():
    assert _keypoint(alb, alb.HorizontalFlip(p=1)) == (16.0, 4.0)  # W - 1 - x
    assert _keypoint(A, A.HorizontalFlip(p=1)) == (17.0, 4.0)  # W - x
    # both scale as continuous coordinates, which is what makes albumentations' flip inconsistent
    assert _keypoint(alb, alb.Resize(20, 40)) == _keypoint(A, A.Resize(20, 40)) == (6.0, 8.0)


def test_nearest_resize_samples_pixel_centres():
    theirs = alb.Resize(7, 13, interpolation=0)(image=IMG)["image"]
    ours = A.Resize(7, 13, interpolation=0)(image=IMG)["image"]
    rows = np.floor((np.arange(7) + 0.5) * 10 / 7).astype(int)
    cols = np.floor((np.arange(13) + 0.5) * 20 / 13).astype(int)
    np.testing.assert_array_equal(ours, IMG[rows][:, cols])
    opencv_rows, opencv_cols = (
        np.floor(np.arange(7) * 10 / 7).astype(int),
        np.floor(np.arange(13) * 20 / 13).astype(int),
    )
    np.testing.assert_array_equal(theirs, IMG[opencv_rows][:, opencv_cols])


def test_to_gray_keeps_the_channel_axis():
    assert alb.ToGray(num_output_channels=1, p=1)(image=IMG)["image"].shape == (10, 20)
    assert A.ToGray(num_output_channels=1, p=1)(image=IMG)["image"].shape == (10, 20, 1)


def test_boxes_are_exact_not_float32():
    def flipped(M):
        pipe = M.Compose(
            [M.HorizontalFlip(p=1)], bbox_params=M.BboxParams(format="pascal_voc", label_fields=["l"])
        )
        return [float(v) for v in pipe(image=IMG, bboxes=[(1, 2, 5, 6)], l=[1])["bboxes"][0]]

    assert flipped(A) == [15.0, 2.0, 19.0, 6.0]
    theirs = flipped(alb)
    assert theirs != [15.0, 2.0, 19.0, 6.0] and np.allclose(theirs, [15.0, 2.0, 19.0, 6.0], atol=1e-5)


def test_keypoint_scale_column_defaults():
    """What a custom transform's ``apply_to_keypoints`` sees for format ``xy``."""

    def seen(M):
        got = []

        class Spy(M.DualTransform):
            def apply(self, img, **params):
                return img

            def apply_to_keypoints(self, keypoints, **params):
                got.append(np.array(keypoints, np.float64))
                return keypoints

        M.Compose([Spy(p=1)], keypoint_params=M.KeypointParams(format="xy"))(image=IMG, keypoints=[(3, 4)])
        return got[0][0]

    assert seen(alb)[4] == 0.0 and seen(A)[4] == 1.0  # x, y, z, angle, scale


def test_replay_compose_params_are_xalbus_own():
    img = IMG
    ours = A.ReplayCompose([A.RandomGamma(p=1)])(image=img)["replay"]["transforms"][0]["params"]
    theirs = alb.ReplayCompose([alb.RandomGamma(p=1)])(image=img)["replay"]["transforms"][0]["params"]
    assert "gamma" in ours and "gamma" in theirs and ours["shape"] == [10, 20]


def test_functional_modules_are_not_offered():
    import importlib

    importlib.import_module("albumentations.augmentations.geometric.functional")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("xalbu.augmentations.geometric.functional")


def test_to_float_divides_float_images_too():
    x = np.full((2, 2, 3), 0.8, np.float32)
    assert float(alb.ToFloat(max_value=4.0)(image=x)["image"][0, 0, 0]) == pytest.approx(0.8)
    assert float(A.ToFloat(max_value=4.0)(image=x)["image"][0, 0, 0]) == pytest.approx(0.2)


def test_constructor_defaults_are_albumentations():
    """Every argument albumentations 2.0.8 gives a transform xalbu has exists in xalbu with the same
    default (LongestMaxSize/SmallestMaxSize keep 1.x's max_size=1024 where 2.0.8 has no default)."""
    import inspect

    lenient = {("LongestMaxSize", "max_size"), ("SmallestMaxSize", "max_size")}
    for name, cls in A.TRANSFORMS.items():
        theirs = getattr(alb, name, None)
        if theirs is None:  # ToTensorV2 lives in albumentations.pytorch (needs torch)
            continue
        ours = inspect.signature(cls.__init__).parameters
        for arg, param in inspect.signature(theirs.__init__).parameters.items():
            if arg in ("self", "args", "kwargs") or (name, arg) in lenient:
                continue
            assert arg in ours, f"{name}({arg}=...) is missing"
            if callable(param.default) and callable(ours[arg].default):  # FDA(read_fn=read_rgb_image)
                assert ours[arg].default.__name__ == param.default.__name__, (name, arg)
                continue
            assert ours[arg].default == param.default, (
                f"{name}({arg}): default {ours[arg].default!r}, albumentations {param.default!r}"
            )
