"""Color, catalogue I, the transforms together: HueSaturationValue, RGBShift, ColorJitter,
ChannelDropout, ToRGB, FancyPCA, PlanckianJitter and ChromaticAberration (invariants, identity
parameters, batches against the single-image kernel, p=0.5 in batches, argument checks, channel
counts, defaults). The kernels, their parity and albumentations' outputs: _color_catalogue.py. Collected
through test_color.py (``__all__`` lists the tests).
"""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import color as P

from ._pointwise import (
    DTYPES,
    MAXV,
    _dt,
    check_batch_p_half_leaves_other_samples_unchanged,
    check_batch_samples_match_single_image_kernel,
    check_defaults_and_init_args_round_trip,
    check_hw_stays_hw_and_other_targets_pass_through,
    check_identity_parameters_return_the_input_exactly,
    check_invariants,
    make_image,
    one,
)

# ========================================================================== transforms, together
RANDOM = [
    ("hsv", lambda c: A.HueSaturationValue(p=1)),
    ("rgb_shift", lambda c: A.RGBShift(p=1)),
    ("color_jitter", lambda c: A.ColorJitter(p=1)),
    ("channel_dropout", lambda c: A.ChannelDropout((1, c - 1), fill=0.5 if c else 0, p=1)),
    ("fancy_pca", lambda c: A.FancyPCA(alpha=1.0, p=1)),
    ("planckian", lambda c: A.PlanckianJitter(p=1)),
    ("chromatic", lambda c: A.ChromaticAberration(0.3, 0.2, p=1)),
]
CHANNELS_OF = {
    "hsv": (1, 3),
    "rgb_shift": (1, 3),
    "color_jitter": (1, 3),
    "channel_dropout": (3, 6),
    "fancy_pca": (1, 3, 6),
    "planckian": (3,),
    "chromatic": (3,),
}


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_catalogue_invariants(xp, name, factory, dtype, channels):
    if channels not in CHANNELS_OF[name]:
        pytest.skip("transform does not take this input")
    check_invariants(xp, name, factory, dtype, channels)


@pytest.mark.parametrize("name,factory", RANDOM, ids=[r[0] for r in RANDOM])
def test_catalogue_hw_stays_hw_and_other_targets_pass_through(name, factory):
    if 1 not in CHANNELS_OF[name]:
        pytest.skip("an HW image has one channel, which the transform refuses")
    check_hw_stays_hw_and_other_targets_pass_through(factory)


IDENTITY = [
    A.HueSaturationValue(p=1),
    A.RGBShift(p=1),
    A.ColorJitter(p=1),
    A.ChannelDropout((1, 2), p=1),
    A.FancyPCA(alpha=1.0, p=1),
    A.PlanckianJitter(p=1),
    A.ChromaticAberration(p=1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", IDENTITY, ids=lambda t: type(t).__name__)
def test_catalogue_identity_parameters_return_the_input_exactly(xp, t, dtype):
    check_identity_parameters_return_the_input_exactly(xp, t, dtype)


@pytest.mark.parametrize(
    "t,kernel",
    [
        (
            A.HueSaturationValue(p=1),
            lambda img, p: P.shift_hsv(img, float(p.hue_shift), float(p.sat_shift), float(p.val_shift)),
        ),
        (
            A.RGBShift(p=1),
            lambda img, p: P.shift_channels(img, np.asarray(p.shift) * 255.0),
        ),
        (A.ColorJitter(p=1), lambda img, p: P.color_jitter(img, p.factors, p.order)),
        (A.ChannelDropout((1, 2), fill=3, p=1), lambda img, p: P.drop_channels(img, p.dropped, 3)),
        (A.FancyPCA(alpha=1.0, p=1), lambda img, p: P.fancy_pca(img, p.alpha)),
        (A.PlanckianJitter(p=1), lambda img, p: P.scale_channels(img, p.gains)),
        (A.ChromaticAberration(0.3, 0.2, p=1), lambda img, p: P.radial_distort(img, p.coeffs, 1)),
    ],
    ids=["hsv", "rgb_shift", "color_jitter", "channel_dropout", "fancy_pca", "planckian", "chromatic"],
)
def test_catalogue_batch_samples_match_single_image_kernel(xp, t, kernel):
    check_batch_samples_match_single_image_kernel(xp, t, kernel)


@pytest.mark.parametrize(
    "t,apply",
    [
        (
            A.HueSaturationValue((30, 30), (20, 20), (-10, -10), p=0.5),
            lambda img: P.shift_hsv(img, 30, 20, -10),
        ),
        (
            A.RGBShift((0.2, 0.2), (-0.1, -0.1), (0.05, 0.05), p=0.5),
            lambda img: P.shift_channels(img, np.array([0.2, -0.1, 0.05]) * MAXV[_dt(img)]),
        ),
        (
            A.ColorJitter((1.3, 1.3), (0.8, 0.8), (1.2, 1.2), (0.1, 0.1), p=0.5),
            None,  # the order is drawn per sample: checked against each sample's own order below
        ),
    ],
    ids=["hsv", "rgb_shift", "color_jitter"],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_catalogue_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype):
    if apply is None:
        n = 16
        imgs = make_image(dtype, (n, 4, 5, 3), seed=2)
        res = A.Compose([t], seed=1, save_applied_params=True).batch(images=xp.asarray(imgs))
        out = xp.to_numpy(res["images"])
        record = res["applied_transforms"][0]
        applied = record["applied"]
        assert 0 < sum(applied) < n
        for i, on in enumerate(applied):
            want = (
                P.color_jitter(
                    imgs[i],
                    np.asarray(record["params"]["factors"])[i],
                    np.asarray(record["params"]["order"])[i],
                )
                if on
                else imgs[i]
            )
            np.testing.assert_allclose(out[i].astype(float), want.astype(float), atol=1e-6)
        return
    check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype)


@pytest.mark.parametrize(
    "factory,match",
    [
        (lambda: A.HueSaturationValue(hue_shift_limit=(20, -20)), "hue_shift_limit"),
        (lambda: A.HueSaturationValue(sat_shift_limit=float("nan")), "sat_shift_limit"),
        (lambda: A.HueSaturationValue(val_shift_limit=True), "val_shift_limit"),
        (lambda: A.HueSaturationValue(val_shift_limit="a"), "val_shift_limit"),
        (lambda: A.RGBShift(r_shift_limit=(1, 0)), "r_shift_limit"),
        (lambda: A.RGBShift(g_shift_limit=float("inf")), "g_shift_limit"),
        (lambda: A.RGBShift(b_shift_limit=[1, 2, 3]), "b_shift_limit"),
        (lambda: A.ColorJitter(brightness=-0.1), "brightness"),
        (lambda: A.ColorJitter(contrast=(-1, 1)), "contrast"),
        (lambda: A.ColorJitter(saturation=float("nan")), "saturation"),
        (lambda: A.ColorJitter(hue=(-0.6, 0.2)), "hue"),
        (lambda: A.ColorJitter(hue=True), "hue"),
        (lambda: A.ChannelDropout(channel_drop_range=(0, 1)), "channel_drop_range"),
        (lambda: A.ChannelDropout(channel_drop_range=(2, 1)), "channel_drop_range"),
        (lambda: A.ChannelDropout(channel_drop_range=(1.5, 2)), "channel_drop_range"),
        (lambda: A.ChannelDropout(fill=float("nan")), "fill"),
        (lambda: A.ChannelDropout(fill="0"), "fill"),
        (lambda: A.ToRGB(num_output_channels=0), "num_output_channels"),
        (lambda: A.FancyPCA(alpha=-0.1), "alpha"),
        (lambda: A.FancyPCA(alpha=float("inf")), "alpha"),
        (lambda: A.FancyPCA(alpha=(0.1, 0.2)), "alpha"),
        (lambda: A.PlanckianJitter(mode="cie"), "mode"),
        (lambda: A.ChromaticAberration(primary_distortion_limit=(0.1, -0.1)), "primary_distortion_limit"),
        (lambda: A.ChromaticAberration(secondary_distortion_limit="x"), "secondary_distortion_limit"),
        (lambda: A.ChromaticAberration(mode="blue"), "mode"),
        (lambda: A.ChromaticAberration(interpolation=4), "interpolation"),
        (lambda: A.ChromaticAberration(interpolation=True), "interpolation"),
        (lambda: A.PlanckianJitter(sampling_method="normal"), "sampling_method"),
        (lambda: A.PlanckianJitter(temperature_limit=(2000, 8000)), "temperature_limit"),
        (lambda: A.PlanckianJitter(mode="cied", temperature_limit=(3500, 8000)), "temperature_limit"),
        (lambda: A.PlanckianJitter(temperature_limit=(7000, 8000)), "temperature_limit"),
        (lambda: A.PlanckianJitter(temperature_limit=(8000, 7000)), "temperature_limit"),
        (lambda: A.ToRGB(num_output_channels=2.0), "num_output_channels"),
    ],
)
def test_catalogue_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


@pytest.mark.parametrize(
    "t,channels,match",
    [
        (A.HueSaturationValue(p=1), 4, "HueSaturationValue: needs a 3-channel RGB image .*got 4 channels"),
        (A.RGBShift(p=1), 4, "RGBShift: takes images of 1 to 3 channels .*got 4 channels"),
        (A.ColorJitter(p=1), 2, "ColorJitter: needs a 3-channel RGB image .*got 2 channels"),
        (A.ChannelDropout(p=1), 1, r"ChannelDropout: channel_drop_range=\(1, 1\) would drop all 1 channel"),
        (
            A.ChannelDropout((1, 3), p=1),
            3,
            r"would drop all 3 channel\(s\) of the image; it needs more than 3",
        ),
        (A.ToRGB(), 4, r"ToRGB: needs a 1-channel \(gray\) image, got 4 channels"),
        (A.PlanckianJitter(p=1), 4, "PlanckianJitter: needs a 3-channel RGB image, got 4 channels"),
        (A.ChromaticAberration(p=1), 1, "ChromaticAberration: needs a 3-channel RGB image, got 1 channels"),
    ],
)
def test_channel_counts_refused(t, channels, match):
    with pytest.raises(ValueError, match=match):
        one(t, make_image("uint8", (4, 5, channels)))


def test_catalogue_defaults_and_init_args_round_trip():
    check_defaults_and_init_args_round_trip(
        {
            A.HueSaturationValue: {
                "hue_shift_limit": (-20.0, 20.0),
                "sat_shift_limit": (-30.0, 30.0),
                "val_shift_limit": (-20.0, 20.0),
                "p": 0.5,
            },
            A.RGBShift: {
                "r_shift_limit": (-20.0, 20.0),
                "g_shift_limit": (-20.0, 20.0),
                "b_shift_limit": (-20.0, 20.0),
                "p": 0.5,
            },
            A.ChannelDropout: {"channel_drop_range": (1, 1), "fill": 0.0, "p": 0.5},
            A.ToRGB: {"num_output_channels": 3, "p": 1.0},
            A.FancyPCA: {"alpha": 0.1, "p": 0.5},
            A.ChromaticAberration: {
                "primary_distortion_limit": (-0.02, 0.02),
                "secondary_distortion_limit": (-0.05, 0.05),
                "mode": "green_purple",
                "interpolation": 1,
                "p": 0.5,
            },
            A.PlanckianJitter: {
                "mode": "blackbody",
                "temperature_limit": (3000, 15000),
                "sampling_method": "uniform",
                "p": 0.5,
            },
            A.ColorJitter: {
                "brightness": (0.8, 1.2),
                "contrast": (0.8, 1.2),
                "saturation": (0.8, 1.2),
                "hue": (-0.5, 0.5),
                "p": 0.5,
            },
        }
    )


__all__ = [
    "test_catalogue_invariants",
    "test_catalogue_hw_stays_hw_and_other_targets_pass_through",
    "test_catalogue_identity_parameters_return_the_input_exactly",
    "test_catalogue_batch_samples_match_single_image_kernel",
    "test_catalogue_batch_p_half_leaves_other_samples_unchanged",
    "test_catalogue_bad_arguments",
    "test_channel_counts_refused",
    "test_catalogue_defaults_and_init_args_round_trip",
]  # test_color.py collects them
