"""Compositions: OneOf, SomeOf, RandomOrder, OneOrOther, Sequential, nesting, Compose p, batches.

Children are tiny test transforms ``_Affine(a, b)`` (image -> a * image + b on a float32 image), so
the output value tells which children ran and in which order. Their names start with ``_`` so they
are not registered in ``xalbu.TRANSFORMS``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import xalbu as A
from xalbu.core.kinds import PixelTransform


class _Affine(PixelTransform):
    """image -> a * image + b (no random parameters; batches blend per sample)."""

    def __init__(self, a: float = 1.0, b: float = 0.0, p: float = 1.0) -> None:
        super().__init__(p)
        self.a = a
        self.b = b

    def apply_image(self, img: Any, params: Any) -> Any:
        return img * np.float32(self.a) + np.float32(self.b)


def test_helper_is_not_registered():
    assert "_Affine" not in A.TRANSFORMS


ONE = np.ones((2, 3, 1), np.float32)


def value(pipe: A.Compose, n: int) -> np.ndarray:
    """Output values (one per call) for ``n`` calls on an image of ones."""
    return np.array([float(pipe(image=ONE)["image"][0, 0, 0]) for _ in range(n)])


def batch_values(pipe: A.Compose, n: int) -> np.ndarray:
    out = pipe.batch(images=np.ones((n, 2, 3, 1), np.float32))["images"]
    assert out.shape == (n, 2, 3, 1)
    assert np.all(out == out[:, :1, :1]), "a sample must be transformed as a whole"
    return out[:, 0, 0, 0].astype(np.float64)


def test_sequential_children_run_in_order():
    pipe = A.Compose([A.Sequential([_Affine(2, 1), _Affine(3, 0)], p=1)])
    assert value(pipe, 1)[0] == 9  # (1 * 2 + 1) * 3


def test_oneof_uses_child_p_as_weights():
    # child p 0.2 / 0.6 -> weights 0.25 / 0.75; the chosen child is forced (always runs)
    pipe = A.Compose([A.OneOf([_Affine(1, 10, p=0.2), _Affine(1, 20, p=0.6)], p=1)], seed=0)
    v = value(pipe, 2000)
    assert set(np.unique(v)) <= {11.0, 21.0}, "exactly one child runs, and it runs even with p < 1"
    assert 0.70 < np.mean(v == 21) < 0.80


def test_oneof_p_gates_the_node():
    pipe = A.Compose([A.OneOf([_Affine(1, 10), _Affine(1, 20)], p=0.3)], seed=1)
    v = value(pipe, 2000)
    assert set(np.unique(v)) == {1.0, 11.0, 21.0}
    assert 0.25 < np.mean(v != 1) < 0.35
    assert A.Compose([A.OneOf([_Affine(1, 10)], p=0.0)], seed=1)(image=ONE)["image"][0, 0, 0] == 1


def test_someof_runs_n_children():
    children = [_Affine(1, 1), _Affine(1, 10), _Affine(1, 100), _Affine(1, 1000)]
    pipe = A.Compose([A.SomeOf(children, n=2, p=1)], seed=0)
    v = value(pipe, 400) - 1
    sums = {a + b for a, b in itertools.combinations([1, 10, 100, 1000], 2)}
    assert set(np.unique(v)) == sums, "n distinct children each time, every pair eventually"
    # replace=True may pick a child twice
    pipe = A.Compose([A.SomeOf(children, n=3, replace=True, p=1)], seed=0)
    v = value(pipe, 400) - 1
    assert any(x in v for x in (3, 30, 300, 3000, 12, 21))
    with pytest.raises(ValueError, match="n"):
        A.SomeOf(children, n=5)


def test_someof_children_keep_their_own_p():
    pipe = A.Compose([A.SomeOf([_Affine(1, 1, p=0.5), _Affine(1, 10, p=0.5)], n=2, p=1)], seed=2)
    v = value(pipe, 1000) - 1
    assert set(np.unique(v)) == {0, 1, 10, 11}


def test_random_order_varies():
    fs = [(2.0, 1.0), (3.0, 0.0), (1.0, 10.0)]
    pipe = A.Compose([A.RandomOrder([_Affine(a, b) for a, b in fs], p=1)], seed=0)
    expected = {}
    for order in itertools.permutations(range(3)):
        x = 1.0
        for i in order:
            x = fs[i][0] * x + fs[i][1]
        expected[x] = order
    assert len(expected) == 6, "the test functions must tell every order apart"
    v = value(pipe, 600)
    assert set(np.unique(v)) == set(expected), "every order appears, and only complete orders"
    counts = np.array([np.sum(v == x) for x in expected])
    assert counts.min() > 50


def test_one_or_other():
    pipe = A.Compose([A.OneOrOther(_Affine(1, 10), _Affine(1, 20), p=0.5)], seed=0)
    v = value(pipe, 1000)
    assert set(np.unique(v)) == {11.0, 21.0}
    assert 0.4 < np.mean(v == 11) < 0.6
    pipe = A.Compose([A.OneOrOther(transforms=[_Affine(1, 10, p=0.0), _Affine(1, 20, p=0.0)], p=0.9)], seed=0)
    v = value(pipe, 1000)
    assert set(np.unique(v)) == {11.0, 21.0}, "the chosen branch is forced"
    assert 0.85 < np.mean(v == 11) < 0.95
    with pytest.raises(ValueError):
        A.OneOrOther(_Affine())


def test_nested_compositions():
    inner = A.OneOf([_Affine(2, 0), A.Sequential([_Affine(1, 1), _Affine(1, 2)], p=1)], p=1)
    pipe = A.Compose(
        [A.Sequential([inner, _Affine(10, 0)], p=1), A.OneOf([A.Compose([_Affine(1, 5)])], p=1)], seed=0
    )
    v = value(pipe, 300)
    # inner gives 2 or 4; then * 10; then + 5
    assert set(np.unique(v)) == {25.0, 45.0}


def test_compose_p():
    assert value(A.Compose([_Affine(1, 1)], p=0.0, seed=0), 20).tolist() == [1.0] * 20
    v = value(A.Compose([_Affine(1, 1)], p=0.5, seed=0), 1000)
    assert 0.4 < np.mean(v == 2) < 0.6
    v = value(A.Compose([_Affine(1, 1)], p=0.5, seed=0), 5)
    assert value(A.Compose([_Affine(1, 1)], p=0.5, seed=0), 5).tolist() == v.tolist()
    assert A.Compose([_Affine(1, 1)], p=0.0)(image=ONE, force_apply=True)["image"][0, 0, 0] == 2


def test_compose_indexing_and_repr():
    pipe = A.Compose([A.HorizontalFlip(), A.OneOf([A.VerticalFlip(), A.Transpose()])])
    assert len(pipe) == 2 and isinstance(pipe[1], A.OneOf)
    text = repr(pipe)
    assert "HorizontalFlip(p=0.5)" in text and "OneOf(" in text and "Transpose" in text
    with pytest.raises(TypeError, match=r"transforms\[1\]"):
        A.Compose([A.HorizontalFlip(), "VerticalFlip"])


# ----------------------------------------------------------------------------- batches
def test_batch_samples_get_independent_draws():
    img = np.arange(4 * 6, dtype=np.uint8).reshape(1, 4, 6, 1)
    out = A.Compose([A.HorizontalFlip(p=0.5)], seed=0).batch(images=np.repeat(img, 64, axis=0))["images"]
    flipped = np.array([np.array_equal(o, img[0, :, ::-1]) for o in out])
    kept = np.array([np.array_equal(o, img[0]) for o in out])
    assert np.all(flipped ^ kept)
    assert 16 < flipped.sum() < 48
    # random parameters differ per sample too (not only the p gate)
    out = A.Compose([A.D4(p=1)], seed=0).batch(images=np.repeat(img[:, :4, :4], 64, axis=0))["images"]
    assert len({o.tobytes() for o in out}) == 8


def test_batch_p_gate_for_pixel_transforms():
    v = batch_values(A.Compose([_Affine(1, 1, p=0.5)], seed=3), 400)
    assert set(np.unique(v)) == {1.0, 2.0}
    assert 0.4 < np.mean(v == 2) < 0.6


def test_batch_oneof_picks_per_sample():
    pipe = A.Compose([A.OneOf([_Affine(1, 10, p=0.2), _Affine(1, 20, p=0.6)], p=1)], seed=0)
    v = batch_values(pipe, 400)
    assert set(np.unique(v)) == {11.0, 21.0}
    assert 0.65 < np.mean(v == 21) < 0.85


@pytest.mark.parametrize(
    "node",
    [
        lambda: A.SomeOf([_Affine(1, 1), _Affine(1, 10), _Affine(1, 100)], n=2, p=1),
        lambda: A.RandomOrder([_Affine(2, 1), _Affine(3, 0), _Affine(1, 10)], p=1),
        lambda: A.OneOrOther(_Affine(1, 10), _Affine(1, 20), p=0.3),
        lambda: A.Sequential([_Affine(2, 0, p=0.5), _Affine(1, 1, p=0.5)], p=0.7),
        lambda: A.OneOf([A.Sequential([_Affine(2, 1), _Affine(3, 0)], p=1), _Affine(1, 10)], p=0.8),
    ],
    ids=["SomeOf", "RandomOrder", "OneOrOther", "Sequential", "nested"],
)
def test_batch_matches_single_image_outcomes(node):
    """A batch gives per-sample outcomes from the same set, with similar frequencies, as single calls."""
    single = value(A.Compose([node()], seed=0), 1500)
    batch = batch_values(A.Compose([node()], seed=1), 1500)
    values = sorted(set(np.unique(single)) | set(np.unique(batch)))
    assert set(np.unique(batch)) == set(np.unique(single)), (np.unique(single), np.unique(batch))
    for x in values:
        assert abs(np.mean(single == x) - np.mean(batch == x)) < 0.06, x


def test_batch_geometry_per_sample_with_gates():
    """Boxes follow each sample's own flip when samples are gated differently."""
    n = 32
    img = np.zeros((n, 8, 8, 1), np.uint8)
    img[:, 1, 1] = 255
    pipe = A.Compose(
        [A.OneOf([A.HorizontalFlip(p=1), A.VerticalFlip(p=1)], p=0.7)],
        bbox_params=A.BboxParams(format="pascal_voc"),
        seed=0,
    )
    out = pipe.batch(images=img, bboxes=[[(1, 1, 2, 2)]] * n)
    seen = set()
    for s in range(n):
        (r, c) = np.argwhere(out["images"][s, ..., 0] == 255)[0]
        assert out["bboxes"][s] == [(float(c), float(r), float(c + 1), float(r + 1))]
        seen.add((int(r), int(c)))
    assert seen == {(1, 1), (1, 6), (6, 1)}


def test_shape_changing_transform_with_p_below_one_in_a_batch_raises():
    imgs = np.zeros((4, 8, 10, 3), np.uint8)
    with pytest.raises(ValueError, match="Transpose.*batch"):
        A.Compose([A.Transpose(p=0.5)], seed=0).batch(images=imgs)
    with pytest.raises(ValueError, match="Transpose.*batch"):
        A.Compose([A.OneOf([A.Transpose(p=1), A.HorizontalFlip(p=1)], p=1)], seed=0).batch(images=imgs)
    with pytest.raises(ValueError, match="Crop.*batch"):
        A.Compose([A.Crop(x_min=0, y_min=0, x_max=5, y_max=5, p=0.5)], seed=0).batch(images=imgs)
    # p=1 is fine: every sample changes size the same way
    out = A.Compose([A.Transpose(p=1)], seed=0).batch(images=imgs)["images"]
    assert out.shape == (4, 10, 8, 3)
    # square images keep their size under a transpose: p < 1 is fine
    out = A.Compose([A.Transpose(p=0.5)], seed=0).batch(images=np.zeros((4, 8, 8, 3), np.uint8))["images"]
    assert out.shape == (4, 8, 8, 3)


class _CountingRng:
    """A Generator stand-in that counts the draws a method makes (one per call, any size)."""

    def __init__(self, seed: int) -> None:
        self._g = np.random.default_rng(seed)
        self.calls = 0

    def __getattr__(self, name):
        method = getattr(self._g, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return method(*args, **kwargs)

        return counted


@pytest.mark.parametrize("replace", [False, True])
def test_batch_picks_draw_every_sample_at_once(replace):
    """Issue 10, 1f: SomeOf/RandomOrder draw a batch's picks in one call, not one per sample."""
    node = A.RandomOrder(
        [_Affine(1, 1, p=0.2), _Affine(1, 2, p=0.3), _Affine(1, 3, p=0.5)], n=2, replace=replace
    )
    rng = _CountingRng(0)
    picks = node._picks(rng, 512)
    assert rng.calls == 1 and picks.shape == (512, 2)
    if not replace:
        assert np.all(picks[:, 0] != picks[:, 1])


def test_batch_picks_without_replacement_follow_successive_weighted_draws():
    """The keys method gives the distribution of Generator.choice(replace=False, p=w): the first pick
    with probability w_i, the second w_j / (1 - w_i) of what is left (checked within 4.5 sigma)."""
    w = np.array([0.2, 0.3, 0.5])
    node = A.RandomOrder([_Affine(1, k, p=float(p)) for k, p in enumerate(w)], n=2)
    n = 200_000
    picks = node._picks(np.random.default_rng(5), n)
    for i in range(3):
        for j in range(3):
            if i == j:
                continue
            expected = w[i] * w[j] / (1 - w[i])
            got = np.count_nonzero((picks[:, 0] == i) & (picks[:, 1] == j)) / n
            assert abs(got - expected) < 4.5 * np.sqrt(expected * (1 - expected) / n), (i, j, got, expected)
    zero = A.SomeOf([_Affine(1, 1, p=0.0), _Affine(1, 2, p=1.0)], n=2)
    with pytest.raises(ValueError, match="non-zero"):
        zero._picks(np.random.default_rng(0), 8)  # as Generator.choice refuses it for one image


@pytest.mark.parametrize(
    "build",
    [
        lambda M: M.Compose([M.Blur()], bbox_params=M.BboxParams(format="pascal_voc")),
        lambda M: M.Compose(
            [M.OneOf([M.Blur(), M.HorizontalFlip()])], bbox_params=M.BboxParams(format="coco")
        ),
        lambda M: M.Compose([M.Sequential([M.Blur()])], keypoint_params=M.KeypointParams(format="xy")),
        lambda M: M.Compose(
            [], bbox_params=M.BboxParams(format="yolo"), keypoint_params=M.KeypointParams("xy")
        ),
        lambda M: M.Compose([M.CoarseDropout()], keypoint_params=M.KeypointParams(format="xy")),
    ],
)
def test_processors_without_a_transform_warn_as_albumentations(build):
    import warnings

    import albumentations as alb

    said = []
    for M in (A, alb):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build(M)
        said.append(sorted(str(w.message) for w in caught if "processor" in str(w.message)))
    assert said[0] == said[1]
