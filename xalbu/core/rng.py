"""Random streams: one ``numpy.random.Generator`` per pipeline, distinct in every worker process.

A pipeline copied into DataLoader workers (fork or spawn) would otherwise repeat the same draws in
each worker. The stream is therefore (re)derived lazily whenever the pipeline finds itself in a
process other than the one that last derived it: from ``(seed, worker id)`` when a seed was given
(so a seeded run is reproducible, worker by worker, epoch after epoch) and from fresh OS entropy
when not.
"""

from __future__ import annotations

import os
import sys

import numpy as np


def worker_identity() -> int | None:
    """The PyTorch DataLoader worker id of this process, or ``None`` outside a worker.

    torch is never imported here: it is consulted only when the process already loaded it.
    """
    data = sys.modules.get("torch.utils.data")
    if data is None:
        return None
    info = data.get_worker_info()
    return None if info is None else int(info.id)


def derive_rng(seed: int | None, worker: int | None, pid: int | None = None) -> np.random.Generator:
    """The generator for ``seed`` in a given worker (``None``: the main process).

    >>> int(derive_rng(7, None).integers(100)) == int(derive_rng(7, None).integers(100))
    True
    """
    if seed is None:
        return np.random.default_rng()
    if worker is None and pid is None:
        return np.random.default_rng(seed)
    # a worker stream: independent of the main stream and of every other worker
    key = [int(seed), 1 + (worker if worker is not None else 0), 0 if worker is not None else int(pid or 0)]
    return np.random.default_rng(np.random.SeedSequence(key))


class RngHolder:
    """Holds a pipeline's generator and re-derives it when the process changes.

    >>> h = RngHolder(0); g = h.get(); g is h.get()
    True
    """

    __slots__ = ("seed", "_rng", "_pid", "_home_pid")

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self._home_pid = os.getpid()
        self._pid = self._home_pid
        self._rng = derive_rng(seed, None)

    def get(self) -> np.random.Generator:
        pid = os.getpid()
        if pid != self._pid:
            self._pid = pid
            worker = worker_identity()
            if worker is None and pid == self._home_pid:
                self._rng = derive_rng(self.seed, None)
            else:
                self._rng = derive_rng(self.seed, worker, None if worker is not None else pid)
        return self._rng

    def reset(self, seed: int | None) -> None:
        """Restart the stream from ``seed`` in this process."""
        self.seed = seed
        self._pid = os.getpid()
        self._home_pid = self._pid
        self._rng = derive_rng(seed, None)

    def __getstate__(self) -> dict:
        # an unpickled copy lives in another process (spawned worker): derive there, not here
        return {"seed": self.seed, "home": self._home_pid}

    def __setstate__(self, state: dict) -> None:
        self.seed = state["seed"]
        self._home_pid = state["home"]
        self._pid = -1  # force derivation on first use
        self._rng = derive_rng(self.seed, None)
