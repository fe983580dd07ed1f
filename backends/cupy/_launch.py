"""Launch geometry shared by the CuPy overrides. Every kernel of ``kernels/`` walks its elements with
a grid-stride loop (``XALBU_GRID_LOOP`` of ``kernels/common.cuh``), so a launch needs only enough
blocks of ``threads`` threads for one thread per element; a cap (``most``) only makes threads take
several elements, never changes a result."""

from __future__ import annotations

THREADS = 256


def grid(total: int, threads: int = THREADS, most: int | None = None) -> tuple[tuple[int], tuple[int]]:
    """``(blocks, threads)`` of a launch over ``total`` elements: one thread each, in at least one
    block (a launch over nothing stays a valid one) and at most ``most`` blocks."""
    blocks = max(1, (total + threads - 1) // threads)
    return ((blocks if most is None else min(blocks, most),), (threads,))
