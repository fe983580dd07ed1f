"""Counter-based random fields: per-pixel random values made on the array's device from per-sample seeds.

Parameters and one seed per sample are drawn on the host (DESIGN.md, "Randomness"); the per-pixel values
come from a counter-based generator keyed by that seed, so a sample's field depends on its seed and its
size only: not on its position in a batch, the batch size, or the device.

**The bits** (:func:`philox_u16`) are NumPy's own ``numpy.random.Philox(key=seed)`` stream (Philox4x64-10,
key ``(seed, 0)``, counter 1, 2, 3... for the blocks of four 64-bit words), each word read as four 16-bit
values from its low end, i.e. ``Philox(key=seed).random_raw(m).view(numpy.uint16)`` on a little-endian
host. The OpenCV/NumPy override calls NumPy's C generator; the CuPy override computes the same rounds in
CUDA (``backends/cupy/kernels/random_philox.cu``); the generic kernel does it with array-API ``uint64``
arithmetic (slow: the reference). All three give the same bits.

**Values from bits**: 16 bits index a table of 65536 quantiles (:func:`normal_table`: the standard
normal at the midpoints ``(k + 0.5) / 65536``, rescaled to variance 1 exactly; :func:`unit_table`: those
midpoints themselves, uniform on (0, 1)). A table lookup is the same float32 value on every backend, so
fields agree bit for bit between the CPU and the GPU. The price is resolution: 65536 levels, and normal
tails cut at ``|z| <= 4.32`` (a value beyond that has probability 1.5e-5; noise meant for 8-bit
images does not see the difference).
"""

from __future__ import annotations

import functools
from statistics import NormalDist
from typing import Any

import numpy as np
from array_api_compat import device

from xalbu.core.dispatch import kernel
from xalbu.functional._utils import namespace

# Philox4x64-10 constants (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; Random123)
PHILOX_M = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
PHILOX_W = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
PHILOX_ROUNDS = 10
LANES = 16  # 16-bit values per Philox block (4 words of 64 bits)
_M64 = (1 << 64) - 1


def seeds_array(seeds: Any) -> np.ndarray:
    """Seeds as a host ``(S,)`` uint64 array (a Python int or NumPy scalar gives ``S = 1``).

    >>> seeds_array(5).tolist(), seeds_array(np.array([1, 2], np.uint64)).tolist()
    ([5], [1, 2])
    """
    arr = np.asarray(seeds)
    if arr.dtype.kind not in "ui":
        raise TypeError(f"seeds must be integers, got {arr.dtype}")
    return np.ascontiguousarray(arr.reshape(-1).astype(np.uint64))


def blocks(count: int) -> int:
    """Philox blocks needed for ``count`` 16-bit values."""
    return -(-int(count) // LANES)


def _mulhilo(xp: Any, a: Any, b: int) -> tuple[Any, Any]:
    """High and low 64-bit halves of ``a * b`` (``a`` uint64 array, ``b`` a constant), by 32-bit pieces."""
    m32 = 0xFFFFFFFF
    u64 = a.dtype
    a_lo, a_hi = a & xp.asarray(m32, dtype=u64), a >> xp.asarray(32, dtype=u64)
    b_lo, b_hi = xp.asarray(b & m32, dtype=u64), xp.asarray(b >> 32, dtype=u64)
    ll, lh, hl, hh = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    s32, k32 = xp.asarray(32, dtype=u64), xp.asarray(m32, dtype=u64)
    mid = (ll >> s32) + (lh & k32) + (hl & k32)
    hi = hh + (lh >> s32) + (hl >> s32) + (mid >> s32)
    lo = (mid << s32) | (ll & k32)
    return hi, lo


def round_keys(seeds: np.ndarray) -> np.ndarray:
    """The ``(S, 10, 2)`` uint64 key of each round for keys ``(seed, 0)`` (host arithmetic modulo 2**64)."""
    out = np.empty((seeds.shape[0], PHILOX_ROUNDS, 2), np.uint64)
    for i, s in enumerate(seeds.tolist()):
        k0, k1 = int(s), 0
        for r in range(PHILOX_ROUNDS):
            out[i, r] = (k0, k1)
            k0, k1 = (k0 + PHILOX_W[0]) & _M64, (k1 + PHILOX_W[1]) & _M64
    return out


@kernel
def philox_u16(like: Any, /, seeds: Any, count: int) -> Any:
    """``count`` 16-bit random values per seed, on ``like``'s namespace and device.

    ``seeds``: an int (gives shape ``(count,)``) or a host ``(S,)`` integer array (gives ``(S, count)``);
    ``like``: any array of the wanted namespace/device (its values are not read). Value ``j`` of seed
    ``s`` is bits ``16 * (j % 4)`` to ``16 * (j % 4) + 15`` of word ``j // 4`` of
    ``numpy.random.Philox(key=s).random_raw``. Example: seed 0 gives ``[55451, 2276, 47716, 756]``
    first (NumPy's first word for key 0 is ``0x02F4BA6408E4D89B``).
    """
    xp = namespace(like)
    scalar = np.ndim(seeds) == 0
    s = seeds_array(seeds)
    n_blocks = blocks(count)
    u64 = xp.uint64
    dev = device(like)
    keys = round_keys(s)
    ctr0 = xp.reshape(xp.arange(1, n_blocks + 1, dtype=u64, device=dev), (1, n_blocks))
    zero = xp.zeros((s.shape[0], n_blocks), dtype=u64, device=dev)
    c = [ctr0 + zero, zero, zero, zero]
    for r in range(PHILOX_ROUNDS):
        k0 = xp.asarray(keys[:, r, 0:1], device=dev)
        k1 = xp.asarray(keys[:, r, 1:2], device=dev)
        hi0, lo0 = _mulhilo(xp, c[0], PHILOX_M[0])
        hi1, lo1 = _mulhilo(xp, c[2], PHILOX_M[1])
        c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
    words = xp.stack(c, axis=-1)  # (S, B, 4)
    lanes = [(words >> xp.asarray(16 * j, dtype=u64)) & xp.asarray(0xFFFF, dtype=u64) for j in range(4)]
    bits = xp.reshape(xp.stack(lanes, axis=-1), (s.shape[0], n_blocks * LANES))[:, :count]
    bits = xp.astype(bits, xp.uint16)
    return bits[0, :] if scalar else bits


@functools.cache
def normal_table() -> np.ndarray:
    """The 65536 float32 standard-normal quantiles at ``(k + 0.5) / 65536``, variance exactly 1.

    Antisymmetric (``t[65535 - k] == -t[k]``), so the mean is exactly 0; the largest is about 4.32.

    >>> t = normal_table(); bool(t[0] == -t[-1]), round(float(t[-1]), 2), round(float(np.mean(t * t)), 6)
    (True, 4.32, 1.0)
    """
    nd = NormalDist()
    half = np.array([nd.inv_cdf((k + 0.5) / 65536.0) for k in range(32768, 65536)], np.float64)
    half /= np.sqrt(np.mean(half * half))  # the full table's variance: both halves have the same squares
    out = np.concatenate([-half[::-1], half]).astype(np.float32)
    out.flags.writeable = False
    return out


@functools.cache
def unit_table() -> np.ndarray:
    """The 65536 float32 midpoints ``(k + 0.5) / 65536``: uniform on (0, 1), mean exactly 0.5.

    >>> float(unit_table()[0]) == 0.5 / 65536
    True
    """
    out = ((np.arange(65536, dtype=np.float64) + 0.5) / 65536.0).astype(np.float32)
    out.flags.writeable = False
    return out


def lookup(xp: Any, table: np.ndarray, bits: Any) -> Any:
    """``table[bits]`` on ``bits``' device (a float32 table of 65536 entries, 16-bit indices).

    The indices are widened to int64: NumPy's ``take`` converts any other index type to its own
    (int64) first, which made int32 indices 10x slower than the lookup itself."""
    t = xp.asarray(table, device=device(bits))
    flat = xp.reshape(bits, (-1,))
    return xp.reshape(xp.take(t, xp.astype(flat, xp.int64), axis=0), bits.shape)


__all__ = ["lookup", "normal_table", "philox_u16", "round_keys", "seeds_array", "unit_table"]
