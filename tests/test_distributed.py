"""Streams across ranks of a real ``torch.distributed`` job (gloo, 2 ranks on this machine, 2
DataLoader workers each): every (rank, worker) pair draws its own stream, epochs differ, and a
second run with the same seeds repeats the first exactly (``xalbu/core/rng.py``). Needs torch (the
``torch`` extra); skips without it."""

from __future__ import annotations

import os

import numpy as np
import pytest
from _worker_helpers import distributed_rank

from xalbu.core import rng as R

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available():  # pragma: no cover - torch builds without distributed support
    pytest.skip("torch.distributed is not available in this torch build", allow_module_level=True)


def run_job(
    tmp_path, tag: str, seed: int = 0, world: int = 2, workers: int = 2
) -> list[dict[str, np.ndarray]]:
    import torch.multiprocessing as mp

    out = tmp_path / tag
    out.mkdir()
    init = tmp_path / f"{tag}.init"
    mp.spawn(distributed_rank, args=(world, str(init), str(out), workers, seed), nprocs=world, join=True)
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(world)]


def streams(ranks: list[dict[str, np.ndarray]], epoch: int) -> dict[tuple[int, int], bytes]:
    """(rank, worker) -> the bytes of every image that pair drew in ``epoch``."""
    found: dict[tuple[int, int], list[bytes]] = {}
    for r, rows in enumerate(ranks):
        for e, w, img in zip(rows["epoch"], rows["worker"], rows["image"], strict=True):
            if e == epoch:
                found.setdefault((r, int(w)), []).append(img.tobytes())
    return {k: b"".join(v) for k, v in found.items()}


@pytest.mark.timeout(300)
def test_ranks_and_workers_draw_distinct_reproducible_streams(tmp_path):
    first = run_job(tmp_path, "first")
    again = run_job(tmp_path, "again")
    for epoch in (0, 1):
        s = streams(first, epoch)
        assert sorted(s) == [(0, 0), (0, 1), (1, 0), (1, 1)]  # 4 streams: 2 ranks x 2 workers
        images = [
            img for rows in first for img, e in zip(rows["image"], rows["epoch"], strict=True) if e == epoch
        ]
        assert len({img.tobytes() for img in images}) == len(images) == 16  # no draw repeats anywhere
        assert s == streams(again, epoch)  # the same seeds repeat the run exactly
    assert set(streams(first, 0).values()).isdisjoint(streams(first, 1).values())  # epochs differ


def test_rank_from_the_environment(monkeypatch):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert R.rank_identity() == 1
    a = R.RngHolder(3).get().integers(1 << 40, size=4)
    monkeypatch.setenv("RANK", "0")
    b = R.RngHolder(3).get().integers(1 << 40, size=4)
    assert not np.array_equal(a, b)
    monkeypatch.setenv("WORLD_SIZE", "1")  # one rank: no distributed job, the plain seeded stream
    assert R.rank_identity() is None
    np.testing.assert_array_equal(
        R.RngHolder(3).get().integers(1 << 40, size=4), np.random.default_rng(3).integers(1 << 40, size=4)
    )
    monkeypatch.setenv("RANK", "x")
    assert R.rank_identity() is None
    os.environ.pop("RANK")
