// xalbu philox_u16: the bits of xalbu.functional._random.philox_u16 (after random_philox.cu).
// One thread per Philox block of one sample (16 values); out is (S, count) uint16, row-major.
#include "common.cuh"

__global__ void philox_u16(const unsigned long long* __restrict__ seeds, unsigned short* __restrict__ out,
                           int S, long long count, long long nblocks) {
    long long total = (long long)S * nblocks;
    XALBU_GRID_LOOP(t, total) {
        int s = (int)(t / nblocks);
        long long b = t % nblocks;
        unsigned long long w[4];
        xalbu_philox_block((unsigned long long)b, seeds[s], w);
        unsigned short* o = out + (long long)s * count;
        for (int j = 0; j < 16; ++j) {
            long long e = b * 16 + j;
            if (e < count) o[e] = (unsigned short)xalbu_lane16(w, j);
        }
    }
}
