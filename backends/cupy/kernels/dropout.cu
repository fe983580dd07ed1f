// xalbu cutout<T>: the CuPy override of xalbu.functional.dropout.cutout (after random_philox.cu).
// One thread per pixel of the NHWC batch; per-sample holes (N, K, 4) int64 x_min, y_min, x_max, y_max
// (empty padding rows cover nothing); the last hole covering a pixel fills it, as the generic kernel
// (and albumentations, hole after hole) does. mode 0: fill[n * fill_stride + c] (the image's dtype);
// mode 1 ("random"): value e = offsets[n, k] + ((y - y_min) * width + (x - x_min)) * C + c of the
// sample's Philox stream; mode 2 ("random_uniform"): e = offsets[n, k] + c. 16 bits give the value:
// high byte (uint8), itself (uint16), unit[bits] (float32: the midpoint table).
#include "common.cuh"

template <typename T>
__device__ __forceinline__ T xalbu_level(unsigned int bits, const float* unit) { return (T)unit[bits]; }
template <>
__device__ __forceinline__ unsigned char xalbu_level<unsigned char>(unsigned int bits, const float* unit) {
    return (unsigned char)(bits >> 8);
}
template <>
__device__ __forceinline__ unsigned short xalbu_level<unsigned short>(unsigned int bits, const float* unit) {
    return (unsigned short)bits;
}

template <typename T>
__global__ void cutout(const T* __restrict__ src, T* __restrict__ dst, const long long* __restrict__ holes,
                       int K, const long long* __restrict__ offsets, const T* __restrict__ fill, int fill_stride,
                       const unsigned long long* __restrict__ seeds, const float* __restrict__ unit,
                       int N, int H, int W, int C, int mode) {
    long long total = (long long)N * H * W;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / ((long long)H * W));
        long long p = t % ((long long)H * W);
        int y = (int)(p / W), x = (int)(p % W);
        const long long* hs = holes + (long long)n * K * 4;
        int hit = -1;
        for (int k = 0; k < K; ++k) {
            if (x >= hs[4 * k] && x < hs[4 * k + 2] && y >= hs[4 * k + 1] && y < hs[4 * k + 3]) hit = k;
        }
        const T* s = src + t * C;
        T* d = dst + t * C;
        if (hit < 0) {
            for (int c = 0; c < C; ++c) d[c] = s[c];
            continue;
        }
        if (mode == 0) {
            for (int c = 0; c < C; ++c) d[c] = fill[(long long)n * fill_stride + c];
            continue;
        }
        long long x0 = hs[4 * hit], y0 = hs[4 * hit + 1], x1 = hs[4 * hit + 2];
        long long e0 = offsets[(long long)n * K + hit];
        if (mode == 1) e0 += ((y - y0) * (x1 - x0) + (x - x0)) * C;
        unsigned long long w[4];
        long long have = -1;
        for (int c = 0; c < C; ++c) {
            long long e = e0 + c;
            if (e / 16 != have) {
                have = e / 16;
                xalbu_philox_block((unsigned long long)have, seeds[n], w);
            }
            d[c] = xalbu_level<T>(xalbu_lane16(w, (int)(e % 16)), unit);
        }
    }
}

// xalbu pixel_dropout<T>: the CuPy override of xalbu.functional.dropout.pixel_dropout (after
// random_philox.cu). One thread per pixel of the NHWC batch. Field value e = p * FC + f of sample n's
// stream (p the pixel's index in the image); it drops where its 16 bits are below thr[n]. FC == C: each
// channel on its own; FC == 1: the whole pixel; otherwise the pixel drops where any of its FC values
// does. The fill: fill[c] (the dtype), or with random_fill the values H * W * FC + c of the stream.
__device__ __forceinline__ unsigned int xalbu_bits_at(unsigned long long seed, long long e) {
    unsigned long long w[4];
    xalbu_philox_block((unsigned long long)(e / 16), seed, w);
    return xalbu_lane16(w, (int)(e % 16));
}

template <typename T>
__global__ void pixel_dropout(const T* __restrict__ src, T* __restrict__ dst,
                              const unsigned long long* __restrict__ seeds, const long long* __restrict__ thr,
                              const T* __restrict__ fill, int random_fill, const float* __restrict__ unit,
                              int N, long long HW, int C, int FC) {
    long long total = (long long)N * HW;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / HW);
        long long p = t % HW;
        const T* s = src + t * C;
        T* d = dst + t * C;
        long long th = thr[n];
        unsigned long long seed = seeds[n];
        int any = 0;
        if (th > 0 && FC != C) {
            for (int f = 0; f < FC && !any; ++f) any = (long long)xalbu_bits_at(seed, p * FC + f) < th;
        }
        for (int c = 0; c < C; ++c) {
            int drop = 0;
            if (th > 0) drop = (FC == C) ? ((long long)xalbu_bits_at(seed, p * FC + c) < th) : any;
            if (!drop) { d[c] = s[c]; continue; }
            d[c] = random_fill ? xalbu_level<T>(xalbu_bits_at(seed, HW * FC + c), unit) : fill[c];
        }
    }
}
