// xalbu H&E stain kernel (backends/cupy/_stain.py, CuPy RawModule): one thread per RGB pixel, any
// batch size. maps: per sample (stride 24 floats, 0 when shared) two 3 x 4 row-major affine maps of
// optical density, tissue first then background; on: per-sample flags (stride 1, 0 when shared), a
// sample whose flag is 0 is copied unchanged. The same float32 steps as the generic kernel
// xalbu.functional._stain.he_stain: od = -log(max(x, 1e-6)), tissue where the luminosity < 0.85,
// out = exp(-(A od + b)) clipped to [0, 1]; integers rounded half to even and clamped to [0, top].

#include "common.cuh"

template <typename T>
__global__ void he_stain(const T* __restrict__ src, T* __restrict__ dst, int N, long long HW,
                         const float* __restrict__ maps, int map_stride, const unsigned char* __restrict__ on,
                         int on_stride, int is_int, float top) {
    long long total = (long long)N * HW;
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < total;
         p += (long long)blockDim.x * gridDim.x) {
        int n = (int)(p / HW);
        const T* px = src + p * 3;
        T* o = dst + p * 3;
        if (!on[(long long)n * on_stride]) {
            o[0] = px[0]; o[1] = px[1]; o[2] = px[2];
            continue;
        }
        float x[3], od[3];
        for (int c = 0; c < 3; ++c) {
            x[c] = (float)px[c];
            if (is_int) x[c] = x[c] / top;
            od[c] = -logf(fmaxf(x[c], 1e-6f));
            if (x[c] != x[c]) od[c] = x[c];  // NaN stays NaN (as maximum in the generic kernel)
        }
        float lum = x[0] * 0.299f;
        lum = lum + x[1] * 0.587f;
        lum = lum + x[2] * 0.114f;
        const float* a = maps + (long long)n * map_stride + (lum < 0.85f ? 0 : 12);
        for (int r = 0; r < 3; ++r) {
            float v = a[r * 4 + 3];
            for (int c = 0; c < 3; ++c) v = v + a[r * 4 + c] * od[c];
            float y = expf(-v);
            o[r] = is_int ? (T)fminf(fmaxf(rintf(y * top), 0.f), top) : (T)xalbu_clip01(y);
        }
    }
}
