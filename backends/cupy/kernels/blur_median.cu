// xalbu median_blur<T>: the batched median filter of backends/cupy/blur.py (CuPy RawModule).
// One thread per output element (pixel and channel), any batch size, one odd window size per sample
// (1: a copy, the identity of unapplied samples). The border repeats the edge pixels (aa|abcd|dd) as
// OpenCV's medianBlur and the generic kernel xalbu.functional.blur.median_blur; the window's values
// go to a local array (MAXK * MAXK at most) and a selection sort stops at the middle one. Floats
// order NaN last, as the generic kernel's sort does.
#include "common.cuh"

#define XALBU_MEDIAN_MAXK 15

template <typename T>
__device__ __forceinline__ bool xalbu_less(T a, T b) { return a < b; }
template <>
__device__ __forceinline__ bool xalbu_less<float>(float a, float b) {
    return a < b || (isnan(b) && !isnan(a));
}

template <typename T>
__global__ void median_blur(const T* __restrict__ src, T* __restrict__ dst,
                            const int* __restrict__ ksize, int k_stride,
                            int N, int H, int W, int C) {
    long long total = (long long)N * H * W * C;
    XALBU_GRID_LOOP(p, total) {
        int n, y, x, c;
        xalbu_unravel_nhwc(p, H, W, C, &n, &y, &x, &c);
        int k = ksize[(long long)n * k_stride];
        const T* s = src + (long long)n * H * W * C + c;
        if (k <= 1) { dst[p] = s[((long long)y * W + x) * C]; continue; }
        T v[XALBU_MEDIAN_MAXK * XALBU_MEDIAN_MAXK];
        int r = k / 2, m = 0;
        for (int i = -r; i <= r; ++i) {
            int yy = y + i; yy = yy < 0 ? 0 : (yy >= H ? H - 1 : yy);
            for (int j = -r; j <= r; ++j) {
                int xx = x + j; xx = xx < 0 ? 0 : (xx >= W ? W - 1 : xx);
                v[m++] = s[((long long)yy * W + xx) * C];
            }
        }
        int mid = m / 2;
        for (int i = 0; i <= mid; ++i) {  // selection sort up to the middle
            int best = i;
            for (int j = i + 1; j < m; ++j) if (xalbu_less<T>(v[j], v[best])) best = j;
            T tmp = v[i]; v[i] = v[best]; v[best] = tmp;
        }
        dst[p] = v[mid];
    }
}
