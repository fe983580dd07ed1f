// xalbu film_grain<T>: the CuPy override of xalbu.functional.noise.film_grain (NHWC, one launch).
// One thread per pixel of the batch. bits: (N, count) 16-bit values of each sample's Philox stream
// (philox_u16), looked up in the normal table; the grain field of sample n is (fh[n], fw[n]) in
// row-major order, resized linearly to (H, W) with OpenCV's taps (computed in double, as the host's
// linear_taps) and order (along W, then along H; a * (1 - t) + b * t in float32). The grain z * scale[n]
// is weighted by 1 - L (L: Rec. 601 luminance for C == 3, the channel mean otherwise, times 1 / max,
// clipped to [0, 1], NaN kept) and added to every channel. Integers: rintf (half to even) and
// saturate to [0, hi]; float32: clipped to [0, 1], NaN kept. float32 arithmetic without FMA
// (--fmad=false), in the generic kernel's order.
#include "common.cuh"

__device__ __forceinline__ void xalbu_grain_taps(int i, int n_in, int n_out, int* i0, int* i1, float* t) {
    double src = ((double)i + 0.5) * ((double)n_in / (double)n_out) - 0.5;
    double f = floor(src);
    long long a = (long long)f;
    float w = (float)(src - (double)a);
    if (a < 0) w = 0.f;
    if (a < 0) a = 0;
    if (a > n_in - 1) a = n_in - 1;
    if (a >= n_in - 1) w = 0.f;
    *i0 = (int)a;
    *i1 = (int)(a + 1 < n_in - 1 ? a + 1 : n_in - 1);
    *t = w;
}

template <typename T>
__global__ void film_grain(const T* __restrict__ src, T* __restrict__ dst,
                           const unsigned short* __restrict__ bits, long long count,
                           const float* __restrict__ table, const float* __restrict__ scale,
                           const int* __restrict__ fh, const int* __restrict__ fw,
                           int N, int H, int W, int C, int is_int, float hi, float inv_mx, float inv_c) {
    long long hw = (long long)H * W;
    long long total = (long long)N * hw;
    XALBU_GRID_LOOP(p, total) {
        int n = (int)(p / hw);
        long long rem = p % hw;
        int y = (int)(rem / W), x = (int)(rem % W);
        int gh = fh[n], gw = fw[n];
        const unsigned short* b = bits + (long long)n * count;
        float z;
        if (gh == H && gw == W) {
            z = table[b[rem]];
        } else {
            int y0, y1, x0, x1;
            float ty, tx;
            xalbu_grain_taps(y, gh, H, &y0, &y1, &ty);
            xalbu_grain_taps(x, gw, W, &x0, &x1, &tx);
            float v00 = table[b[(long long)y0 * gw + x0]], v01 = table[b[(long long)y0 * gw + x1]];
            float v10 = table[b[(long long)y1 * gw + x0]], v11 = table[b[(long long)y1 * gw + x1]];
            float top = v00 * (1.f - tx) + v01 * tx;
            float bottom = v10 * (1.f - tx) + v11 * tx;
            z = top * (1.f - ty) + bottom * ty;
        }
        const T* px = src + p * C;
        T* out = dst + p * C;
        float lum;
        if (C == 3) {
            lum = (float)px[0] * 0.299f + (float)px[1] * 0.587f;
            lum = lum + (float)px[2] * 0.114f;
        } else if (C == 1) {
            lum = (float)px[0];
        } else {
            lum = (float)px[0];
            for (int c = 1; c < C; ++c) lum = lum + (float)px[c];
            lum = lum * inv_c;
        }
        lum = lum * inv_mx;
        if (lum == lum) lum = lum < 0.f ? 0.f : (lum > 1.f ? 1.f : lum);
        float g = z * scale[n];
        g = g * (1.f - lum);
        for (int c = 0; c < C; ++c) {
            float r = (float)px[c] + g;
            if (is_int) { r = rintf(r); r = r < 0.f ? 0.f : (r > hi ? hi : r); }
            else { r = r < 0.f ? 0.f : (r > 1.f ? 1.f : r); }
            out[c] = (T)r;
        }
    }
}
