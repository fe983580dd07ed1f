// xalbu counter-based random bits: Philox4x64-10 (Salmon et al. 2011), the stream of NumPy's
// numpy.random.Philox(key=seed): key (seed, 0), block b (0-based) uses the counter (b + 1, 0, 0, 0),
// and each of its four 64-bit words gives four 16-bit values from its low end. Device functions only:
// a kernel source is this text followed by its own (see backends/cupy/_random.py and noise.py).
// Mirrors xalbu.functional._random.philox_u16 bit for bit.
#define XALBU_PHILOX_M0 0xD2E7470EE14C6C93ULL
#define XALBU_PHILOX_M1 0xCA5A826395121157ULL
#define XALBU_PHILOX_W0 0x9E3779B97F4A7C15ULL
#define XALBU_PHILOX_W1 0xBB67AE8584CAA73BULL

__device__ __forceinline__ unsigned long long xalbu_mulhi64(unsigned long long a, unsigned long long b) {
#ifdef __CUDA_ARCH__
    return __umul64hi(a, b);
#else
    unsigned long long a_lo = a & 0xFFFFFFFFULL, a_hi = a >> 32, b_lo = b & 0xFFFFFFFFULL, b_hi = b >> 32;
    unsigned long long ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    unsigned long long mid = (ll >> 32) + (lh & 0xFFFFFFFFULL) + (hl & 0xFFFFFFFFULL);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

// The four words of block `block` (0-based) of seed `seed`.
__device__ __forceinline__ void xalbu_philox_block(unsigned long long block, unsigned long long seed,
                                                   unsigned long long w[4]) {
    unsigned long long c0 = block + 1ULL, c1 = 0ULL, c2 = 0ULL, c3 = 0ULL;
    unsigned long long k0 = seed, k1 = 0ULL;
    for (int r = 0; r < 10; ++r) {
        if (r) { k0 += XALBU_PHILOX_W0; k1 += XALBU_PHILOX_W1; }
        unsigned long long hi0 = xalbu_mulhi64(XALBU_PHILOX_M0, c0), lo0 = XALBU_PHILOX_M0 * c0;
        unsigned long long hi1 = xalbu_mulhi64(XALBU_PHILOX_M1, c2), lo1 = XALBU_PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0; c1 = lo1; c2 = hi0 ^ c3 ^ k1; c3 = lo0;
    }
    w[0] = c0; w[1] = c1; w[2] = c2; w[3] = c3;
}

// 16-bit value j (0..15) of a block's words.
__device__ __forceinline__ unsigned int xalbu_lane16(const unsigned long long w[4], int j) {
    return (unsigned int)((w[j >> 2] >> (16 * (j & 3))) & 0xFFFFULL);
}
