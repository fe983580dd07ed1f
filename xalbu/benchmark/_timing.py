"""Timing: interleaved rounds of several runners, on the wall clock or the process's CPU time."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .options import BenchmarkError, Options


# ----------------------------------------------------------------------------- timing
@dataclass
class Timing:
    """One library's rounds: images/s per round and calls per timed loop."""

    rates: list[float]
    calls: int
    images_per_call: int = 1

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def to_json(self) -> dict[str, Any]:
        return {
            "median_ips": self.median,
            "min_ips": min(self.rates),
            "max_ips": max(self.rates),
            "rounds_ips": self.rates,
            "calls_per_round": self.calls,
            "images_per_call": self.images_per_call,
        }


Runner = Callable[[dict[str, Any]], Any]


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
_clock: Callable[[], float] = time.perf_counter


def set_clock(name: str) -> None:
    """The clock of the CPU rows from now on: ``"wall"`` (``perf_counter``) or ``"cpu"`` (``process_time``)."""
    global _clock
    if name not in CLOCKS:
        raise BenchmarkError(f"--clock: expected one of {list(CLOCKS)}, got {name!r}")
    _clock = CLOCKS[name]


def _loop(
    fn: Runner, samples: Sequence[dict[str, Any]], calls: int, sync: Callable[[], None] | None
) -> float:
    n = len(samples)
    clock = time.perf_counter if sync is not None else _clock  # device work is not process time
    start = clock()
    for i in range(calls):
        fn(samples[i % n])
    if sync is not None:
        sync()  # the device finishes its work before the clock stops
    return clock() - start


def _calibrate(fn: Runner, samples: Sequence[dict[str, Any]], min_time: float, sync: Any) -> int:
    """Calls per timed loop: a multiple of ``len(samples)`` lasting at least ``min_time``."""
    n = len(samples)
    calls = n
    while True:
        elapsed = _loop(fn, samples, calls, sync)
        if elapsed >= min_time or calls >= 1_000_000:
            return calls
        grow = min(10.0, max(1.5, 1.2 * min_time / max(elapsed, 1e-9)))
        calls = n * math.ceil(calls * grow / n)


def interleaved(
    runners: dict[str, Runner],
    samples: dict[str, Sequence[dict[str, Any]]],
    opts: Options,
    images_per_call: int = 1,
    sync: Callable[[], None] | None = None,
) -> dict[str, Timing]:
    """Time each runner on its samples: warm-up, calibration, then ``opts.repeats`` rounds.

    A round times ``calls`` calls of each runner, cut into ``opts.slices`` slices that alternate
    between the runners (A B, B A, ...); a runner's time in the round is the sum of its slices. Load
    that changes more slowly than a slice (tens of milliseconds) then hits every runner alike, where
    one loop per runner leaves it to whichever ran during a loud stretch.
    """
    labels = list(runners)
    for label in labels:  # warm-up: at least one pass over the photos and ``warmup`` seconds
        start = time.perf_counter()
        while True:
            _loop(runners[label], samples[label], len(samples[label]), sync)
            if time.perf_counter() - start >= opts.warmup:
                break
    calls = {label: _calibrate(runners[label], samples[label], opts.min_time, sync) for label in labels}
    per_slice = {}  # calls per slice: a multiple of the number of photos, so each photo counts the same
    for label in labels:
        n = len(samples[label])
        slices = max(1, min(opts.slices, calls[label] // n))
        per_slice[label] = n * math.ceil(calls[label] / (n * slices))
        calls[label] = per_slice[label] * slices
    rates: dict[str, list[float]] = {label: [] for label in labels}
    gc.collect()  # once per row: a full collection costs more than a short timed loop
    for r in range(opts.repeats):
        elapsed = dict.fromkeys(labels, 0.0)
        done = dict.fromkeys(labels, 0)
        k = r
        while any(done[label] < calls[label] for label in labels):
            for label in labels if k % 2 == 0 else labels[::-1]:
                if done[label] < calls[label]:
                    elapsed[label] += _loop(runners[label], samples[label], per_slice[label], sync)
                    done[label] += per_slice[label]
            k += 1
        for label in labels:
            rates[label].append(calls[label] * images_per_call / max(elapsed[label], 1e-12))
    return {label: Timing(rates[label], calls[label], images_per_call) for label in labels}


def paired_ratio(a: Timing, b: Timing) -> float:
    """Median over rounds of ``a``'s rate / ``b``'s rate (> 1: ``a`` is faster)."""
    return statistics.median(x / y for x, y in zip(a.rates, b.rates, strict=True))


def geometric_mean(values: Sequence[float]) -> float | None:
    vals = [v for v in values if v and v > 0 and math.isfinite(v)]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))
