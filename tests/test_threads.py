"""Threads (issue 11): xalbu's shared state (OpenCV scratch buffers, dispatch caches, lookup-table
caches) is safe to use from several threads at once.

The rule, documented in docs/reproducibility.md: a pipeline's random stream is one sequence of
draws, so threads that share one pipeline interleave its draws in whatever order the scheduler
runs them (each output is still a correct augmentation); for reproducible results, give each
thread its own copy (``copy.deepcopy``) with its own seed, and each copy then gives exactly what it
gives alone.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import numpy as np

import xalbu as A

THREADS, CALLS = 4, 150


def _pipeline(seed: int) -> A.Compose:
    return A.Compose(
        [
            A.RandomResizedCrop(size=(48, 48), scale=(0.5, 1.0)),
            A.HorizontalFlip(),
            A.Affine(rotate=(-20, 20), p=0.7),
            A.OneOf([A.RandomGamma(p=1), A.RandomBrightnessContrast(p=1), A.Posterize(p=1)]),
            A.Normalize(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=seed,
    )


def _data(i: int) -> dict[str, Any]:
    r = np.random.default_rng(i)
    return {
        "image": r.integers(0, 256, (64, 80, 3), dtype=np.uint8),
        "mask": r.integers(0, 3, (64, 80), dtype=np.uint8),
        "bboxes": [(5, 6, 40, 50)],
        "labels": [i],
    }


def _run(pipe: A.Compose, i: int) -> list[dict[str, Any]]:
    data = _data(i)
    return [pipe(**data) for _ in range(CALLS)]


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x["image"], y["image"])
        np.testing.assert_array_equal(x["mask"], y["mask"])
        assert x["bboxes"] == y["bboxes"] and x["labels"] == y["labels"]


def _in_threads(job: Any) -> list[Any]:
    """``job(s)`` for s = 0..THREADS-1, each in a thread of its own, all at once; their results."""
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def work(s: int) -> None:
        try:
            results[s] = job(s)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def _seeded_copy(base: A.Compose, seed: int) -> A.Compose:
    pipe = copy.deepcopy(base)
    pipe.set_random_seed(seed)
    return pipe


def test_copies_in_threads_give_what_they_give_alone():
    base = _pipeline(0)
    alone = [_run(_seeded_copy(base, s), s) for s in range(THREADS)]
    results = _in_threads(lambda s: _run(_seeded_copy(base, s), s))
    for s in range(THREADS):
        _same(results[s], alone[s])


def test_a_pipeline_shared_by_threads_gives_correct_outputs():
    pipe = _pipeline(1)
    outs = _in_threads(lambda s: _run(pipe, s))
    for s, results in enumerate(outs):
        assert len(results) == CALLS
        for out in results:
            assert out["image"].shape == (48, 48, 3) and out["image"].dtype == np.float32
            assert np.isfinite(out["image"]).all() and out["mask"].shape == (48, 48)
            assert set(np.unique(out["mask"])) <= {0, 1, 2} and out["labels"] in ([s], [])


def test_scratch_buffers_are_kept_per_name_shape_and_thread_up_to_the_cap():
    """The OpenCV backend's work buffers: the same buffer for the same name, shape and dtype in one
    thread; a new one for another shape or dtype, in another thread, or over the size cap (not kept)."""
    from xalbu.backends.numpy_cv2 import _cv

    a = _cv._scratch("test_scratch", (4, 5, 3), np.float32)
    assert _cv._scratch("test_scratch", (4, 5, 3), np.float32) is a
    assert _cv._scratch("test_scratch", (4, 5, 3), np.dtype("float32")) is a
    b = _cv._scratch("test_scratch", (4, 5, 3), np.uint8)
    assert b is not a and b.dtype == np.uint8
    assert _cv._scratch("test_scratch", (4, 5, 3), np.uint8) is b
    other: list[np.ndarray] = []
    thread = threading.Thread(target=lambda: other.append(_cv._scratch("test_scratch", (4, 5, 3), np.uint8)))
    thread.start()
    thread.join()
    assert other[0] is not b and other[0].shape == (4, 5, 3)
    big = (_cv._SCRATCH_MAX_BYTES // 4 + 1,)
    first = _cv._scratch("test_scratch_big", big, np.float32)
    assert first.shape == big and _cv._scratch("test_scratch_big", big, np.float32) is not first
