// xalbu common.cuh: device helpers shared by several CUDA sources of this package. A source pulls it
// in with `#include "common.cuh"`, which kernels/__init__.py:source() replaces by this text (NVRTC
// and the CPU harness both get one self-contained source); the guard keeps it to one copy when
// sources are concatenated.
#ifndef XALBU_COMMON_CUH
#define XALBU_COMMON_CUH

// a grid-stride loop: `i` (long long) over [0, total), whatever the launch's grid size
#define XALBU_GRID_LOOP(i, total)                                                        \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (total); \
         i += (long long)blockDim.x * gridDim.x)

// reflect-101 index folding (dc|abcd|cb), any i: OpenCV's BORDER_REFLECT_101
__device__ __forceinline__ int xalbu_reflect101(int i, int n) {
    if (i >= 0 && i < n) return i;
    if (n == 1) return 0;
    int p = 2 * n - 2;
    int k = ((i % p) + p) % p;
    return k < n ? k : p - k;
}

// clip to [0, 1]; NaN fails both tests and stays NaN
__device__ __forceinline__ float xalbu_clip01(float v) { return v < 0.f ? 0.f : (v > 1.f ? 1.f : v); }

// element p of an (N, H, W, C) array -> sample n, row y, column x, channel c
__device__ __forceinline__ void xalbu_unravel_nhwc(long long p, int H, int W, int C, int* n, int* y, int* x,
                                                   int* c) {
    *c = (int)(p % C);
    long long t = p / C;
    *x = (int)(t % W);
    t /= W;
    *y = (int)(t % H);
    *n = (int)(t / H);
}

// OpenCV's hue-sector table (HSV and HLS -> RGB alike): the RGB of sector s (0..5, else 5) from the
// sector's top value v, bottom t1, falling t2 and rising t3
__device__ __forceinline__ void xalbu_sector_rgb(int s, float v, float t1, float t2, float t3, float* rgb) {
    float r, g, b;
    switch (s) {
        case 0: r = v; g = t3; b = t1; break;
        case 1: r = t2; g = v; b = t1; break;
        case 2: r = t1; g = v; b = t3; break;
        case 3: r = t1; g = t2; b = v; break;
        case 4: r = t3; g = t1; b = v; break;
        default: r = v; g = t1; b = t2; break;
    }
    rgb[0] = r; rgb[1] = g; rgb[2] = b;
}

// a pixel value as an 8-bit level: integers as they are, floats * 255 clipped and rounded half to
// even (NaN -> 0)
template <typename T>
__device__ __forceinline__ int xalbu_level8(T v);
template <> __device__ __forceinline__ int xalbu_level8<unsigned char>(unsigned char v) { return v; }
template <> __device__ __forceinline__ int xalbu_level8<unsigned short>(unsigned short v) { return v; }
template <> __device__ __forceinline__ int xalbu_level8<float>(float v) {
    float x = v * 255.f;
    x = x < 0.f ? 0.f : (x > 255.f ? 255.f : x);
    if (isnan(x)) x = 0.f;
    return (int)rintf(x);
}

// an 8-bit level (int or float L) back to the pixel type of o; floats / 255, a NaN source pixel kept
template <typename L>
__device__ __forceinline__ void xalbu_put_level(unsigned char* o, const unsigned char*, L level) { *o = (unsigned char)level; }
template <typename L>
__device__ __forceinline__ void xalbu_put_level(unsigned short* o, const unsigned short*, L level) { *o = (unsigned short)level; }
template <typename L>
__device__ __forceinline__ void xalbu_put_level(float* o, const float* s, L level) {
    *o = isnan(*s) ? *s : (float)level / 255.f;
}

#endif  // XALBU_COMMON_CUH
