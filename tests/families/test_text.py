"""TextImage and its host helpers (``xalbu.functional.text``): rendering against albumentations
2.0.8's ``render_text`` with the same overlays, the word changes' sampling, the metadata forms,
batches, float images, errors. Rendering needs Pillow (``pip install xalbu[text]``)."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A
from xalbu.functional import text as T

pytest.importorskip("PIL")

META = [
    {"bbox": (0.05, 0.05, 0.95, 0.45), "text": "the quick brown fox jumps"},
    {"bbox": (0.1, 0.55, 0.9, 0.95), "text": "over the lazy dog"},
]


@pytest.fixture(scope="module")
def font() -> str:
    return T.bundled_font_path()


def _overlay(font: str, coords: tuple[int, int, int, int], text: str, size: int, color: tuple) -> dict:
    return {"bbox_coords": coords, "text": text, "font_path": font, "font_size": size, "font_color": color}


@pytest.mark.parametrize("channels", [1, 3, 4, 6])
@pytest.mark.parametrize("clear_bg", [False, True])
def test_render_matches_albumentations(font, rng, channels, clear_bg):
    ftext = pytest.importorskip("albumentations.augmentations.text.functional")
    from PIL import ImageFont

    img = rng.integers(0, 256, (40, 90, channels), dtype=np.uint8)
    ours = [
        _overlay(font, (4, 2, 80, 20), "Hello xalbu", 14, (250, 20, 30)),
        _overlay(font, (10, 22, 70, 38), "abc", 12, (9,)),
    ]
    theirs = [dict(o, font=ImageFont.truetype(font, o["font_size"])) for o in ours]
    if clear_bg and channels not in (1, 3):
        return  # albumentations' inpainting takes 1 or 3 channels; xalbu inpaints plane by plane
    want = ftext.render_text(img if channels > 1 else img[..., 0], theirs, clear_bg)
    got = T.render_text(img, ours, clear_bg)
    np.testing.assert_array_equal(got, want.reshape(img.shape))
    assert (got != img).any()


def test_render_float_images_on_their_levels(font, rng):
    img = rng.random((30, 60, 3), dtype=np.float32)
    out = T.render_text(img, [_overlay(font, (2, 2, 50, 25), "Hi", 18, (255, 255, 255))], False)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out * 255, np.rint(out * 255), atol=1e-4)
    assert (out == 1.0).any()


def test_word_changes_keep_their_laws():
    rng = np.random.default_rng(0)
    words = "a b c d e f".split()
    out = T.delete_random_words(words, 3, rng).split()
    assert len(out) == 3 and set(out) <= set(words) and out == [w for w in words if w in out]
    assert T.delete_random_words(words, 6, rng) == ""
    swapped = T.swap_random_words(words, 2, rng).split()
    assert sorted(swapped) == words and words == "a b c d e f".split()  # input list untouched
    assert T.swap_random_words(["a"], 3, rng) == "a"
    inserted = T.insert_random_stopwords(list(words), 4, ("x", "y"), rng).split()
    assert len(inserted) == 10 and [w for w in inserted if w not in "xy"] == words
    assert set(T.insert_random_stopwords(["a"], 20, None, rng).split()) <= {"a", *T.DEFAULT_STOPWORDS}
    # insertion positions cover both ends
    ends = {T.insert_random_stopwords(["a"], 1, ("x",), np.random.default_rng(s)) for s in range(40)}
    assert ends == {"x a", "a x"}


def test_transform_draws_the_boxes(font, rng):
    img = np.full((60, 160, 3), 255, np.uint8)
    t = A.TextImage(font_path=font, p=1)
    out = t(image=img, textimage_metadata=META)["image"]
    assert (out[:27] < 128).any() and (out[33:] < 128).any()  # both boxes got (black) text
    half = A.TextImage(font_path=font, fraction_range=(0.5, 0.5), p=1)
    out = half(image=img, textimage_metadata=META)["image"]
    assert (out[:27] < 128).any() != (out[33:] < 128).any()  # int(2 * 0.5) = 1 box
    one = A.TextImage(font_path=font, p=1)(image=img, textimage_metadata=META[0])["image"]  # a dict
    assert (one < 128).any()
    assert np.array_equal(A.TextImage(font_path=font, p=1)(image=img, textimage_metadata=[])["image"], img)


def test_recorded_overlays_and_augmentations(font):
    pipe = A.Compose(
        [A.TextImage(font_path=font, augmentations=("deletion",), p=1)], seed=3, save_applied_params=True
    )
    out = pipe(image=np.zeros((60, 160, 3), np.uint8), textimage_metadata=META)
    (step,) = out["applied_transforms"]
    overlays = step["params"]["overlays"]
    assert sorted(o["bbox_index"] for o in overlays) == [0, 1]
    for o in overlays:
        original = o["original_text"].split()
        assert len(o["text"].split()) == len(original) - max(1, len(original) // 2)
        assert 0.8 * 24 - 1 <= o["font_size"] <= 0.9 * 24  # box heights 24 px
    assert np.array_equal(
        pipe.replay(out["applied_transforms"], image=np.zeros((60, 160, 3), np.uint8))["image"], out["image"]
    )


def test_overlay_data_is_reported_as_albumentations_does(font):
    import albumentations as alb

    img = np.zeros((60, 160, 3), np.uint8)
    ours = A.Compose([A.TextImage(font_path=font, p=1)], seed=0)(image=img, textimage_metadata=META)
    theirs = alb.Compose([alb.TextImage(font_path=font, p=1)], seed=0)(image=img, textimage_metadata=META)
    for out in (ours, theirs):
        assert sorted(o["bbox_index"] for o in out["overlay_data"]) == [0, 1]
        assert all(set(o) == set(theirs["overlay_data"][0]) for o in out["overlay_data"])
        by_index = {o["bbox_index"]: o for o in out["overlay_data"]}
        assert (
            by_index[0]["bbox_coords"] == (8, 3, 152, 27) and by_index[1]["original_text"] == META[1]["text"]
        )
    assert A.TextImage(font_path=font, p=1)(image=img, textimage_metadata=[])["overlay_data"] == []
    assert "overlay_data" not in A.TextImage(font_path=font, p=0)(image=img, textimage_metadata=META)
    batch = A.Compose([A.TextImage(font_path=font, p=1)], seed=1).batch(
        images=np.zeros((2, 60, 160, 3), np.uint8), textimage_metadata=[META[:1], []]
    )
    assert [[o["bbox_index"] for o in s] for s in batch["overlay_data"]] == [[0], []]


def test_batches_and_default_font(rng):
    imgs = np.zeros((3, 50, 120, 3), np.uint8)
    t = A.TextImage(font_path=None, font_color=(255, 255, 255), p=1)
    out = A.Compose([t], seed=1).batch(images=imgs, textimage_metadata=META)["images"]
    assert out.shape == imgs.shape and all(o.max() > 0 for o in out)
    per = [META[:1], [], META[1:]]  # one list per sample
    out = A.Compose([t], seed=1).batch(images=imgs, textimage_metadata=per)["images"]
    assert out[0][:25].max() > 0 and out[1].max() == 0 and out[2][25:].max() > 0


def test_missing_metadata_draws_nothing_and_float_levels():
    img = np.random.default_rng(0).random((8, 9, 3), dtype=np.float32)
    out = A.TextImage(font_path=None, p=1)(image=img)["image"]
    np.testing.assert_allclose(out, np.rint(img * 255) / 255, atol=1e-7)
    u8 = np.zeros((8, 9, 3), np.uint8)
    assert A.TextImage(font_path=None, p=1)(image=u8)["image"] is not None


def test_errors_name_the_argument(font):
    img = np.zeros((20, 30, 3), np.uint8)
    t = A.TextImage(font_path=font, p=1)
    with pytest.raises(ValueError, match=r"textimage_metadata\[0\]: bbox"):
        t(image=img, textimage_metadata=[{"bbox": (0.5, 0.1, 0.2, 0.9), "text": "x"}])
    with pytest.raises(ValueError, match=r"textimage_metadata\[0\]: expected a dict with 'bbox' and 'text'"):
        t(image=img, textimage_metadata=[{"text": "x"}])
    with pytest.raises(ValueError, match="augmentations"):
        A.TextImage(font_path=font, augmentations=("shuffle",))
    with pytest.raises(ValueError, match="fraction_range"):
        A.TextImage(font_path=font, fraction_range=(0.2, 1.5))
    with pytest.raises(ValueError, match=r"font_color\[1\]"):
        A.TextImage(font_path=font, font_color=(0, float("nan"), 0))
    with pytest.raises(TypeError, match="font_path"):
        A.TextImage(font_path=3)
    with pytest.raises(TypeError, match="uint8 or float32"):
        t(image=img.astype(np.uint16), textimage_metadata=META)
    with pytest.raises(OSError):
        A.TextImage(font_path="/nowhere/font.ttf", p=1)(image=img, textimage_metadata=META)
