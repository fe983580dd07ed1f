"""A pipeline run many times does not grow memory (issue 11): no cache, record or buffer that keeps
growing with the number of calls, for single images, batches and replayed records.

Measured after a warm-up (caches fill then) and again after 5,000 more calls: the number of live
Python objects the garbage collector tracks (a record or cache kept per call adds thousands) and
the process's resident memory (a leaked output of the 24x24 crop, 7 KB, would add 34 MB; the bound
leaves room for the allocator's own fluctuation). ``tracemalloc`` would see single bytes, but slows
these 15,000 calls twentyfold.
"""

from __future__ import annotations

import ctypes
import gc
import os
from collections.abc import Callable
from typing import Any

import numpy as np

import xalbu as A

CALLS, WARM = 5000, 500
MAX_OBJECTS, MAX_RSS = 200, 8 * 2**20


def _pipeline(**kw: Any) -> A.Compose:
    return A.Compose(
        [
            A.RandomResizedCrop(size=(24, 24), scale=(0.5, 1.0)),
            A.HorizontalFlip(),
            A.OneOf([A.Affine(rotate=(-15, 15), p=1), A.RandomRotate90(p=1)], p=0.7),
            A.SomeOf([A.RandomGamma(p=1), A.RandomBrightnessContrast(p=1), A.ToGray(p=1)], n=2),
            A.Normalize(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=0,
        **kw,
    )


def _rss() -> int:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``), so that memory
    freed by earlier tests in this process cannot absorb a leak without the resident size growing."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # another C library: the measure is only less sensitive
        pass


def _growth(step: Callable[[], Any]) -> tuple[int, int]:
    """(live objects, resident bytes) gained over ``CALLS`` calls after ``WARM`` calls."""
    for _ in range(WARM):
        step()
    gc.collect()
    _release_free_memory()
    objects, rss = len(gc.get_objects()), _rss()
    for _ in range(CALLS):
        step()
    gc.collect()
    return len(gc.get_objects()) - objects, _rss() - rss


def _check(step: Callable[[], Any]) -> None:
    objects, rss = _growth(step)
    assert objects <= MAX_OBJECTS, f"{objects} more live objects after {CALLS} calls"
    assert rss <= MAX_RSS, f"resident memory grew by {rss / 2**20:.1f} MB over {CALLS} calls"


def _data() -> dict[str, Any]:
    r = np.random.default_rng(0)
    return {
        "image": r.integers(0, 256, (32, 32, 3), dtype=np.uint8),
        "mask": r.integers(0, 3, (32, 32), dtype=np.uint8),
        "bboxes": [(2, 3, 20, 25), (5, 5, 30, 12)],
        "labels": ["a", "b"],
        "keypoints": [(4, 5), (20, 7)],
    }


def test_single_calls_do_not_grow_memory():
    pipe, data = _pipeline(), _data()
    _check(lambda: pipe(**data))


def test_recording_and_replaying_do_not_grow_memory():
    pipe, data = _pipeline(save_applied_params=True), _data()
    record = pipe(**data)["applied_transforms"]
    _check(lambda: (pipe(**data), pipe.replay(record, **data)))


def test_batches_do_not_grow_memory():
    pipe, one = _pipeline(), _data()
    batch = {
        "images": np.stack([one["image"]] * 4),
        "masks": np.stack([one["mask"]] * 4),
        "bboxes": [one["bboxes"]] * 4,
        "labels": [one["labels"]] * 4,
        "keypoints": [one["keypoints"]] * 4,
    }
    _check(lambda: pipe.batch(**batch))


def test_the_measures_see_leaks():
    kept: list[Any] = []
    objects, _ = _growth(lambda: kept.append([0]))  # a small object kept per call
    assert objects > MAX_OBJECTS
    kept.clear()
    _, rss = _growth(lambda: kept.append(np.ones(24 * 24 * 3, np.float32)))  # an output kept per call
    assert rss > MAX_RSS
