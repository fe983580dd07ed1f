// xalbu zoom_blur<T>: the batched zoom blur of backends/cupy/blur.py (CuPy RawModule).
// One thread per output element (pixel and channel), any batch size. Per sample n and zoom column j
// the host gives, for every output row, the two source rows and the float32 weight of the second
// (ytab: N x F x H, 2 ints per row; fy) and the same for columns (xtab, fx), and whether the column
// holds a zoom (valid: N x F). The arithmetic is the generic kernel's (xalbu.functional.blur.zoom_blur)
// in the same order: values scaled to [0, 1] by 1 / scale, bilinear rows then columns, the zooms
// summed from 0, (img + sum) / count, clipped to [0, 1] (NaN kept), scaled back and rounded half to
// even for integers. Compile with --fmad=false.
#include "common.cuh"

template <typename T>
__global__ void zoom_blur(const T* __restrict__ src, T* __restrict__ dst,
                          const int* __restrict__ ytab, const float* __restrict__ fy,
                          const int* __restrict__ xtab, const float* __restrict__ fx,
                          const int* __restrict__ valid, const float* __restrict__ count,
                          int N, int H, int W, int C, int F, float scale, int is_int) {
    long long total = (long long)N * H * W * C;
    XALBU_GRID_LOOP(p, total) {
        int n, y, x, c;
        xalbu_unravel_nhwc(p, H, W, C, &n, &y, &x, &c);
        const T* s = src + (long long)n * H * W * C + c;
        float acc = 0.f;
        for (int j = 0; j < F; ++j) {
            long long nj = (long long)n * F + j;
            if (!valid[nj]) continue;
            const int* yr = ytab + (nj * H + y) * 2;
            const int* xc = xtab + (nj * W + x) * 2;
            float wy = fy[nj * H + y], wx = fx[nj * W + x];
            float p00 = (float)s[((long long)yr[0] * W + xc[0]) * C];
            float p01 = (float)s[((long long)yr[0] * W + xc[1]) * C];
            float p10 = (float)s[((long long)yr[1] * W + xc[0]) * C];
            float p11 = (float)s[((long long)yr[1] * W + xc[1]) * C];
            if (scale != 1.f) { p00 = p00 / scale; p01 = p01 / scale; p10 = p10 / scale; p11 = p11 / scale; }
            float row0 = p00 * (1.f - wx) + p01 * wx;
            float row1 = p10 * (1.f - wx) + p11 * wx;
            acc = acc + (row0 * (1.f - wy) + row1 * wy);
        }
        float v = (float)s[((long long)y * W + x) * C];
        if (scale != 1.f) v = v / scale;
        v = (v + acc) / count[n];
        v = v < 0.f ? 0.f : (v > 1.f ? 1.f : v);  // NaN stays NaN
        if (is_int) { v = rintf(v * scale); v = v < 0.f ? 0.f : (v > scale ? scale : v); }
        dst[p] = (T)v;
    }
}
