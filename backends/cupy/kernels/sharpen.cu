// xalbu sharpen kernels: the element-wise steps of UnsharpMask (backends/cupy/sharpen.py), one
// thread per element (pixel and channel) with a grid-stride loop, any batch size. Same float32
// arithmetic and order as the generic kernel xalbu.functional.sharpen.unsharp_mask (compiled
// without FMA contraction), so results match it bit for bit.
#include "common.cuh"

// x = src / mx, the image on the [0, 1] scale (mx = 1 for float images: a copy)
template <typename T>
__global__ void usm_unit(const T* __restrict__ src, float* __restrict__ x, long long total, float mx,
                         int divide) {
    XALBU_GRID_LOOP(p, total) {
        float v = (float)src[p];
        x[p] = divide ? v / mx : v;
    }
}

// the 0/1 mask of the pixels whose difference from their blur exceeds the threshold (8-bit levels)
extern "C" __global__ void usm_mask(const float* __restrict__ x, const float* __restrict__ b,
                                    float* __restrict__ m, long long total, float threshold) {
    XALBU_GRID_LOOP(p, total) {
        float r = x[p] - b[p];
        m[p] = (fabsf(r) * 255.f > threshold) ? 1.f : 0.f;
    }
}

// out = x + soft * (clip(x + alpha * (x - b), 0, 1) - x), back to T: integers rounded half to even
// and saturated to [0, mx], floats clipped to [0, 1] (NaN kept); alpha per sample (stride 1) or
// shared (stride 0); plane = H * W * C
template <typename T>
__global__ void usm_blend(const float* __restrict__ x, const float* __restrict__ b,
                          const float* __restrict__ soft, const float* __restrict__ alpha, int a_stride,
                          long long plane, long long total, T* __restrict__ dst, int is_int, float mx) {
    XALBU_GRID_LOOP(p, total) {
        float a = alpha[(p / plane) * a_stride];
        float xv = x[p];
        float r = xv - b[p];
        float s = xv + a * r;
        s = s < 0.f ? 0.f : (s > 1.f ? 1.f : s);  // NaN fails both tests and stays NaN
        float o = xv + soft[p] * (s - xv);
        if (isinf(xv)) o = xv;  // +inf / -inf saturate to 1 / 0 below (inf - inf would be NaN)
        if (is_int) {
            o = rintf(o * mx);
            o = o < 0.f ? 0.f : (o > mx ? mx : o);
        } else {
            o = o < 0.f ? 0.f : (o > 1.f ? 1.f : o);
        }
        dst[p] = (T)o;
    }
}
