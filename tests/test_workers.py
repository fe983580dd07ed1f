"""Pipelines pickle, deep-copy and run in real ``torch.utils.data.DataLoader`` workers (fork and spawn).

Worker streams (``xalbu/core/rng.py``): in a DataLoader worker a seeded pipeline draws from
``(pipeline seed, worker id, the loader's base seed for the epoch)``. So within an epoch workers
differ; the same pipeline seed and the same torch seed give the same epoch again; consecutive epochs
of one loader differ; with ``persistent_workers=True`` each worker's stream simply continues.
The DataLoader tests need torch (the ``torch`` extra) and skip without it.
"""

from __future__ import annotations

import copy
import multiprocessing as mp
import pickle
from typing import Any

import numpy as np
import pytest
from _worker_helpers import IMAGE, AugmentedDataset, LazyDataset, augment, keep, make_pipeline

import xalbu as A


def draws(pipe: A.Compose, n: int = 4) -> list[dict[str, Any]]:
    return [augment(pipe) for _ in range(n)]


def same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    for x, y in zip(a, b, strict=True):
        if x.keys() != y.keys():
            return False
        for k in x:
            if not np.array_equal(np.asarray(x[k]), np.asarray(y[k])):
                return False
    return True


# ----------------------------------------------------------------------------- pickling and copies
def test_pickle_round_trip_keeps_everything():
    pipe = make_pipeline(5)
    back = pickle.loads(pickle.dumps(pipe))
    assert repr(back) == repr(pipe)
    assert back.bbox_params == pipe.bbox_params and back.keypoint_params == pipe.keypoint_params
    assert back.transforms[-1].image is keep  # module-level functions pickle by reference
    # the unpickled pipeline starts the stream from its seed, like a fresh pipeline
    assert same(draws(back), draws(make_pipeline(5)))
    assert not same(draws(pickle.loads(pickle.dumps(make_pipeline(6)))), draws(make_pipeline(5)))


def test_pickle_a_used_pipeline_and_its_parts():
    pipe = make_pipeline(2)
    first = draws(pipe)
    back = pickle.loads(pickle.dumps(pipe))  # a copy restarts from the seed; the original goes on
    assert same(draws(back), first)
    assert not same(draws(pipe), first)
    for node in (pipe.transforms[0], pipe.transforms[2], A.Compose([A.HorizontalFlip(p=1)])):
        assert repr(pickle.loads(pickle.dumps(node))) == repr(node)
    flip = A.HorizontalFlip(p=1)
    flip(image=np.zeros((2, 3), np.uint8))  # caches a private pipeline that is not pickled
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(flip))(image=np.arange(3, dtype=np.uint8)[None])["image"], [[2, 1, 0]]
    )


def test_pickle_recording_and_replay_pipelines():
    rec = A.Compose([A.Affine(rotate=(-10, 10), p=1)], seed=1, save_applied_params=True)
    back = pickle.loads(pickle.dumps(rec))
    out, again = rec(image=IMAGE), back(image=IMAGE)
    assert back.save_applied_params and again["applied_transforms"] == out["applied_transforms"]
    rep = pickle.loads(pickle.dumps(A.ReplayCompose([A.HorizontalFlip()], seed=0, save_key="r")))
    assert "r" in rep(image=IMAGE)


def test_deepcopy():
    pipe = make_pipeline(4)
    dup = copy.deepcopy(pipe)
    assert repr(dup) == repr(pipe) and dup.transforms[0] is not pipe.transforms[0]
    assert same(draws(dup), draws(make_pipeline(4)))
    # copies are independent: the original's stream is not moved by the copy
    assert same(draws(pipe), draws(make_pipeline(4)))


def test_local_functions_cannot_be_pickled():
    """Lambda functions must live at module level to be sent to spawned workers (documented)."""
    pipe = A.Compose([A.Lambda(image=lambda img, **kw: img)])
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(pipe)


# ----------------------------------------------------------------------------- real DataLoader
METHODS = [m for m in ("fork", "spawn") if m in mp.get_all_start_methods()]
N_ITEMS = 8


def epoch(loader: Any) -> tuple[np.ndarray, np.ndarray]:
    """All images of one pass over ``loader`` (in order) and the worker that made each."""
    images, workers = [], []
    for imgs, wids in loader:
        images.append(imgs.numpy())
        workers.append(wids.numpy())
    return np.concatenate(images), np.concatenate(workers)


def loader(method: str, seed: int | None = 0, torch_seed: int | None = 0, persistent: bool = False) -> Any:
    torch = pytest.importorskip("torch")
    gen = None if torch_seed is None else torch.Generator().manual_seed(torch_seed)
    return torch.utils.data.DataLoader(
        AugmentedDataset(make_pipeline(seed), N_ITEMS),
        batch_size=2,
        num_workers=2,
        multiprocessing_context=method,
        persistent_workers=persistent,
        generator=gen,
    )


def assert_all_distinct(images: np.ndarray) -> None:
    flat = {img.tobytes() for img in images}
    assert len(flat) == len(images), "two samples got identical augmentations of the identical input"


def fork_or_first() -> str:
    return "fork" if "fork" in METHODS else METHODS[0]


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_dataloader_workers_differ_and_epochs_reproduce(method):
    """Within an epoch no two draws repeat; a fresh DataLoader with the same pipeline seed and torch
    seed gives the same epoch again (spawned workers start slowly: two epochs only under spawn)."""
    pytest.importorskip("torch")
    images, workers = epoch(loader(method))
    assert sorted(set(workers.tolist())) == [0, 1], "both workers should have produced samples"
    # every item is the same input: no two workers (nor two draws of one worker) may repeat
    assert_all_distinct(images)
    w0, w1 = images[workers == 0], images[workers == 1]
    assert all(not np.array_equal(a, b) for a, b in zip(w0, w1, strict=False))
    # none repeats the main process's stream for the same seed
    main = {augment(make_pipeline(0))["image"].tobytes()}
    assert not main & {img.tobytes() for img in images}
    # a fresh DataLoader with the same pipeline seed and the same torch seed: the same epoch
    again, workers_again = epoch(loader(method))
    np.testing.assert_array_equal(again, images)
    np.testing.assert_array_equal(workers_again, workers)
    if method != fork_or_first():
        # the streams do not depend on the start method
        np.testing.assert_array_equal(epoch(loader(fork_or_first()))[0], images)
    else:
        # another torch seed (the loader's base seed) or another pipeline seed: another epoch
        assert not np.array_equal(epoch(loader(method, torch_seed=1))[0], images)
        assert not np.array_equal(epoch(loader(method, seed=1))[0], images)


@pytest.mark.slow
def test_dataloader_consecutive_epochs_differ_and_torch_manual_seed_reproduces():
    """Re-iterating one loader gives a new epoch (torch draws a new base seed); ``torch.manual_seed``
    before an epoch makes it reproducible without a ``generator``."""
    torch = pytest.importorskip("torch")
    dl = loader(fork_or_first(), torch_seed=None)
    torch.manual_seed(123)
    first = epoch(dl)[0]
    second = epoch(dl)[0]
    assert not np.array_equal(first, second), "two epochs repeated the same augmentations"
    assert_all_distinct(np.concatenate([first, second]))
    torch.manual_seed(123)
    np.testing.assert_array_equal(epoch(dl)[0], first)


def persistent_epochs(method: str) -> list[np.ndarray]:
    dl = loader(method, persistent=True)
    out = [epoch(dl)[0] for _ in range(2)]
    del dl
    return out


@pytest.mark.slow
def test_dataloader_persistent_workers():
    """Persistent workers keep their stream across epochs: epochs differ, a re-run repeats them all.
    (Under fork only: spawned workers start slowly, and the streams do not depend on the start method,
    see test_dataloader_workers_differ_and_epochs_reproduce.)"""
    pytest.importorskip("torch")
    a1, a2 = persistent_epochs(fork_or_first())
    assert not np.array_equal(a1, a2)
    assert_all_distinct(np.concatenate([a1, a2]))
    b1, b2 = persistent_epochs(fork_or_first())
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    # the first epoch is the one a non-persistent loader gives
    np.testing.assert_array_equal(a1, epoch(loader(fork_or_first()))[0])


@pytest.mark.slow
def test_pipeline_built_inside_workers_gets_the_same_worker_streams():
    """A pipeline built in the worker (not copied from the main process) draws the same streams."""
    torch = pytest.importorskip("torch")
    lazy = torch.utils.data.DataLoader(
        LazyDataset(0, N_ITEMS),
        batch_size=2,
        num_workers=2,
        multiprocessing_context=fork_or_first(),
        generator=torch.Generator().manual_seed(0),
    )
    images = epoch(lazy)[0]
    assert_all_distinct(images)
    np.testing.assert_array_equal(images, epoch(loader(fork_or_first()))[0])


@pytest.mark.slow
def test_unseeded_pipeline_in_workers_is_not_reproducible():
    """``seed=None``: fresh OS entropy in every worker, whatever torch's seed."""
    pytest.importorskip("torch")
    first = epoch(loader(fork_or_first(), seed=None))[0]
    assert_all_distinct(first)
    assert not np.array_equal(epoch(loader(fork_or_first(), seed=None))[0], first)


def test_main_process_loader_uses_the_pipeline_stream():
    """``num_workers=0``: the pipeline's own stream, exactly as calling it in a loop."""
    torch = pytest.importorskip("torch")
    dl = torch.utils.data.DataLoader(AugmentedDataset(make_pipeline(3), 4), batch_size=2, num_workers=0)
    images, workers = epoch(dl)
    assert (workers == -1).all()
    expected = np.stack([d["image"] for d in draws(make_pipeline(3), 4)])
    np.testing.assert_array_equal(images, expected)
