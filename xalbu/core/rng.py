"""Random streams: one ``numpy.random.Generator`` per pipeline, distinct in every worker process.

A pipeline copied into DataLoader workers (fork or spawn) would otherwise repeat the same draws in
each worker. The stream is therefore (re)derived lazily whenever the pipeline finds itself in a
process other than the one that last derived it. With a seed, in a PyTorch DataLoader worker, it
comes from ``(seed, worker id, the DataLoader's base seed)``: the base seed is what torch draws (from
``torch.manual_seed`` or the loader's ``generator``) each time an epoch's workers start, so workers
differ from each other, epochs differ from each other, and a run with the same pipeline seed and the
same torch seed repeats exactly. In other processes (multiprocessing) a seeded stream comes from
``(seed, pid)``. Without a seed the stream comes from fresh OS entropy everywhere.
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


def derive_rng(
    seed: int | None, worker: int | None, pid: int | None = None, base: int | None = None
) -> np.random.Generator:
    """The generator for ``seed`` in a given worker (``None``: the main process).

    ``base`` is the DataLoader's base seed of the worker's epoch (see :func:`worker_identity`).

    >>> int(derive_rng(7, None).integers(100)) == int(derive_rng(7, None).integers(100))
    True
    >>> int(derive_rng(7, 0, base=5).integers(1 << 30)) != int(derive_rng(7, 0, base=6).integers(1 << 30))
    True
    """
    if seed is None:
        return np.random.default_rng()
    if worker is None and pid is None:
        return np.random.default_rng(seed)
    # a worker stream: independent of the main stream, of every other worker and of other epochs
    key = [int(seed), 1 + (worker if worker is not None else 0), 0 if worker is not None else int(pid or 0)]
    if base is not None:
        key.append(1 + int(base))
    return np.random.default_rng(np.random.SeedSequence(key))


def _stream_here(seed: int | None) -> np.random.Generator:
    """A new stream for ``seed`` in this process: a worker's own inside a DataLoader worker."""
    found = worker_identity()
    return derive_rng(seed, None) if found is None else derive_rng(seed, found[0], None, found[1])


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
    ``register_at_fork``), and an unpickled copy (a spawned worker) derives on first use.

    >>> h = RngHolder(0); g = h.get(); g is h.get()
    True
    """

    __slots__ = ("seed", "_rng", "_pid", "_home_pid", "_token")

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self._home_pid = os.getpid()
        self._pid = self._home_pid
        self._token = _fork_token(0)
        self._rng = _stream_here(seed)  # built inside a worker: the worker's stream from the start

    def get(self) -> np.random.Generator:
        if self._token != _fork_token(0):
            self._token = _fork_token(0)
            self._rederive()
        return self._rng

    def _rederive(self) -> None:
        pid = os.getpid()
        if pid == self._pid:
            return
        self._pid = pid
        found = worker_identity()
        if found is None and pid == self._home_pid:
            self._rng = derive_rng(self.seed, None)
        elif found is None:
            self._rng = derive_rng(self.seed, None, pid)
        else:
            self._rng = derive_rng(self.seed, found[0], None, found[1])

    def reset(self, seed: int | None) -> None:
        """Restart the stream from ``seed`` in this process."""
        self.seed = seed
        self._pid = os.getpid()
        self._home_pid = self._pid
        self._token = _fork_token(0)
        self._rng = _stream_here(seed)

    def __getstate__(self) -> dict:
        # an unpickled copy lives in another process (spawned worker): derive there, not here
        return {"seed": self.seed, "home": self._home_pid}

    def __setstate__(self, state: dict) -> None:
        self.seed = state["seed"]
        self._home_pid = state["home"]
        self._pid = -1  # force derivation on first use
        self._token = -1
        self._rng = derive_rng(self.seed, None)
