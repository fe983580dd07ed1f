// xalbu filter kernels: the batched linear filters of backends/cupy/_filter.py (CuPy RawModule).
// One thread per output element (pixel and channel), any batch size. Weights are float32, one
// (kh, kw) kernel per sample (stride kh * kw) or one shared (stride 0); taps accumulate in float32
// in row-major order, zero weights skipped, borders reflect-101 (dc|abcd|cb); the result is
// rounded half to even and saturated to [lo, hi] (integers) or clipped to [0, 1] with NaN kept
// (floats): the rules of the generic kernels in xalbu.functional._filter.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ T xalbu_store(float v, int is_int, float lo, float hi) {
    if (is_int) { v = rintf(v); v = v < lo ? lo : (v > hi ? hi : v); return (T)v; }
    v = v < 0.f ? 0.f : (v > 1.f ? 1.f : v);  // NaN fails both tests and stays NaN
    return (T)v;
}

// dst = src correlated with a (kh, kw) kernel per sample; S the source type, T the output type
// (S = T for a 2-D filter; S = float for the column pass of a separable filter).
template <typename S, typename T>
__global__ void filter2d(const S* __restrict__ src, T* __restrict__ dst,
                         const float* __restrict__ weights, int w_stride,
                         int N, int H, int W, int C, int kh, int kw,
                         int is_int, float lo, float hi) {
    long long total = (long long)N * H * W * C;
    int ry = kh / 2, rx = kw / 2;
    XALBU_GRID_LOOP(p, total) {
        int n, y, x, c;
        xalbu_unravel_nhwc(p, H, W, C, &n, &y, &x, &c);
        const S* s = src + (long long)n * H * W * C + c;
        const float* k = weights + (long long)n * w_stride;
        float acc = 0.f;
        for (int i = 0; i < kh; ++i) {
            int yy = xalbu_reflect101(y + i - ry, H);
            const S* srow = s + (long long)yy * W * C;
            for (int j = 0; j < kw; ++j) {
                float wv = k[i * kw + j];
                if (wv == 0.f) continue;
                int xx = xalbu_reflect101(x + j - rx, W);
                acc += wv * (float)srow[(long long)xx * C];
            }
        }
        dst[p] = xalbu_store<T>(acc, is_int, lo, hi);
    }
}

// The row pass of a separable filter: float32 buffer = src correlated along W with a (k,) kernel
// per sample (stride k) or shared (stride 0); no rounding (the column pass rounds).
template <typename S>
__global__ void filter_rows(const S* __restrict__ src, float* __restrict__ dst,
                            const float* __restrict__ weights, int w_stride,
                            int N, int H, int W, int C, int kw) {
    long long total = (long long)N * H * W * C;
    int rx = kw / 2;
    XALBU_GRID_LOOP(p, total) {
        int c = (int)(p % C);
        long long t = p / C;
        int x = (int)(t % W);
        long long row = t / W;  // n * H + y
        int n = (int)(row / H);
        const S* s = src + row * W * C + c;
        const float* k = weights + (long long)n * w_stride;
        float acc = 0.f;
        for (int j = 0; j < kw; ++j) {
            float wv = k[j];
            if (wv == 0.f) continue;
            acc += wv * (float)s[(long long)xalbu_reflect101(x + j - rx, W) * C];
        }
        dst[p] = acc;
    }
}
