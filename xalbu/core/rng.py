"""Random streams: one ``numpy.random.Generator`` per pipeline, distinct in every worker process.

A pipeline copied into DataLoader workers (fork or spawn) would otherwise repeat the same draws in
each worker. The stream is therefore (re)derived lazily whenever the pipeline finds itself in a
process other than the one that last derived it. With a seed, in a PyTorch DataLoader worker, it
comes from ``(seed, worker id, the DataLoader's base seed)``: the base seed is what torch draws (from
``torch.manual_seed`` or the loader's ``generator``) each time an epoch's workers start, so workers
differ from each other, epochs differ from each other, and a run with the same pipeline seed and the
same torch seed repeats exactly. In other processes (multiprocessing) a seeded stream comes from
``(seed, pid)``. Without a seed the stream comes from fresh OS entropy everywhere.

In a distributed job (more than one rank: ``torch.distributed``'s default process group, or the
``RANK``/``WORLD_SIZE`` variables torchrun and most launchers set) the rank joins the key, so no two
ranks repeat each other's draws, in their main processes or in their DataLoader workers, even when
every rank seeds torch alike. A holder derives its stream on first use, not when the pipeline is
built, so a pipeline built before ``init_process_group`` still gets its rank's stream.
"""

from __future__ import annotations

import os
import sys

import numpy as np


def worker_identity() -> tuple[int, int | None] | None:
    """``(worker id, base seed)`` of this PyTorch DataLoader worker, or ``None`` outside a worker.

    The base seed is the one torch drew for this epoch's workers (``WorkerInfo.seed - id``; ``None``
    where the worker info has no seed). torch is never imported here: it is consulted only when the
    process already loaded it.
    """
    data = sys.modules.get("torch.utils.data")
    if data is None:
        return None
    info = data.get_worker_info()
    if info is None:
        return None
    wid = int(info.id)
    seed = getattr(info, "seed", None)
    return wid, (None if seed is None else int(seed) - wid)


def rank_identity() -> int | None:
    """This process's rank in a distributed job of more than one rank, or ``None``.

    ``torch.distributed``'s rank when its default process group is initialised (torch is consulted
    only when the process already loaded it), else the ``RANK`` environment variable when
    ``WORLD_SIZE`` says there is more than one rank (torchrun, torch.distributed.launch, SLURM
    wrappers...). A job of one rank is no distributed job: its streams are a single process's.

    >>> rank_identity() is None  # no process group, no RANK here
    True
    """
    dist = sys.modules.get("torch.distributed")
    if dist is not None:
        try:
            if dist.is_available() and dist.is_initialized():
                return int(dist.get_rank()) if int(dist.get_world_size()) > 1 else None
        except (RuntimeError, ValueError):  # a group being torn down
            pass
    rank, world = os.environ.get("RANK", ""), os.environ.get("WORLD_SIZE", "")
    if rank.isdigit() and world.isdigit() and int(world) > 1:
        return int(rank)
    return None


def derive_rng(
    seed: int | None,
    worker: int | None,
    pid: int | None = None,
    base: int | None = None,
    rank: int | None = None,
) -> np.random.Generator:
    """The generator for ``seed`` in a given worker (``None``: the main process) of a given rank
    (``None``: not a distributed job).

    ``base`` is the DataLoader's base seed of the worker's epoch (see :func:`worker_identity`).

    >>> int(derive_rng(7, None).integers(100)) == int(derive_rng(7, None).integers(100))
    True
    >>> int(derive_rng(7, 0, base=5).integers(1 << 30)) != int(derive_rng(7, 0, base=6).integers(1 << 30))
    True
    >>> int(derive_rng(7, 0, base=5, rank=0).integers(1 << 30)) != int(derive_rng(7, 0, base=5, rank=1).integers(1 << 30))
    True
    """
    if seed is None:
        return np.random.default_rng()
    if worker is None and pid is None and rank is None:
        return np.random.default_rng(seed)
    # a worker stream: independent of the main stream, of every other worker and of other epochs
    key = [int(seed), 1 + (worker if worker is not None else 0), 0 if worker is not None else int(pid or 0)]
    if base is not None or rank is not None:
        key.append(0 if base is None else 1 + int(base))
    if rank is not None:  # and of every other rank's (the key is one longer, ending in 1 + rank)
        key.append(1 + int(rank))
    return np.random.default_rng(np.random.SeedSequence(key))


def _stream_here(seed: int | None, pid: int | None = None, rank: int | None = None) -> np.random.Generator:
    """A new stream for ``seed`` in this process: a worker's own inside a DataLoader worker, a
    rank's own in a distributed job (``pid``: this process is not the pipeline's home; ``rank``: the
    rank of the process the pipeline was pickled in, for a spawned worker that cannot see it)."""
    found = worker_identity()
    here = rank_identity()
    rank = rank if here is None else here
    if found is None:
        return derive_rng(seed, None, pid, None, rank)
    return derive_rng(seed, found[0], None, found[1], rank)


_FORKS = [0]  # bumped in every forked child: holders re-derive their stream on next use


def _forked() -> None:
    _FORKS[0] += 1


if hasattr(os, "register_at_fork"):  # POSIX: no getpid() syscall per call
    os.register_at_fork(after_in_child=_forked)
    _fork_token = _FORKS.__getitem__
else:  # pragma: no cover - Windows has no fork; a process is recognised by its pid
    _fork_token = lambda _i: os.getpid()  # noqa: E731


class RngHolder:
    """Holds a pipeline's generator and re-derives it when the process changes.

    A process change is noticed without a system call per use: a fork bumps a counter (POSIX
    ``register_at_fork``), and an unpickled copy (a spawned worker) derives on first use. The
    stream itself is derived on first use too (a rank joins a distributed job after its pipelines
    may have been built).

    >>> h = RngHolder(0); g = h.get(); g is h.get()
    True
    """

    __slots__ = ("seed", "_rng", "_pid", "_home_pid", "_token", "_rank")

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self._rank: int | None = None  # the rank an unpickled copy was sent from
        self._home_pid = os.getpid()
        self._pid = -1  # derive on first use
        self._token = -1
        self._rng: np.random.Generator | None = None

    def get(self) -> np.random.Generator:
        if self._token != _fork_token(0):
            self._token = _fork_token(0)
            self._rederive()
        return self._rng  # type: ignore[return-value]

    def _rederive(self) -> None:
        pid = os.getpid()
        if pid == self._pid:
            return
        self._pid = pid
        self._rng = _stream_here(self.seed, None if pid == self._home_pid else pid, self._rank)

    def reset(self, seed: int | None) -> None:
        """Restart the stream from ``seed`` in this process (derived on next use)."""
        self.seed = seed
        self._home_pid = os.getpid()
        self._pid = -1
        self._token = -1
        self._rng = None

    def __getstate__(self) -> dict:
        # an unpickled copy lives in another process (spawned worker): derive there, not here; a
        # spawned DataLoader worker of a rank sees no process group, so the rank travels along
        rank = rank_identity()
        return {"seed": self.seed, "home": self._home_pid, "rank": self._rank if rank is None else rank}

    def __setstate__(self, state: dict) -> None:
        self.seed = state["seed"]
        self._rank = state.get("rank")
        self._home_pid = state["home"]
        self._pid = -1  # derive on first use
        self._token = -1
        self._rng = None
