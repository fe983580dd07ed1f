// xalbu warp<T>: the batched resampling kernel of backends/cupy/affine.py (CuPy RawModule).
// One thread per output pixel (all channels), any batch size, per-sample 3x3 inverse matrices
// (stride 9) or one shared matrix (stride 0), nearest / linear / cubic (a = -0.75), border modes
// constant (per-sample or shared fill), replicate, reflect, wrap, reflect_101: the same rules as the
// generic kernel xalbu.functional.affine.warp. Read at runtime by kernels/__init__.py.
__device__ __forceinline__ int xalbu_fold(int i, int n, int mode, bool* outside) {
    if (i >= 0 && i < n) return i;
    switch (mode) {
        case 0: *outside = true; return 0;                       // constant
        case 1: return i < 0 ? 0 : n - 1;                        // replicate
        case 2: { int p = 2 * n; int k = ((i % p) + p) % p;      // reflect  dcb|abcd|dcb
                  return k < n ? k : p - 1 - k; }
        case 3: return ((i % n) + n) % n;                        // wrap
        default: { if (n == 1) return 0;                         // reflect_101  dc|abcd|cb
                   int p = 2 * n - 2; int k = ((i % p) + p) % p;
                   return k < n ? k : p - k; }
    }
}

__device__ __forceinline__ void xalbu_weights(float f, int interp, float* w) {
    if (interp == 1) { w[0] = 1.f - f; w[1] = f; return; }
    const float a = -0.75f;
    float f1 = f + 1.f, g = 1.f - f;
    w[0] = ((a * f1 - 5.f * a) * f1 + 8.f * a) * f1 - 4.f * a;
    w[1] = ((a + 2.f) * f - (a + 3.f)) * f * f + 1.f;
    w[2] = ((a + 2.f) * g - (a + 3.f)) * g * g + 1.f;
    w[3] = 1.f - w[0] - w[1] - w[2];
}

template <typename T>
__device__ __forceinline__ T xalbu_cast(float v, int is_int, float lo, float hi) {
    if (is_int) { v = rintf(v); v = v < lo ? lo : (v > hi ? hi : v); }
    return (T)v;
}

// One output pixel (all channels) read at source (u, v): the sampling shared by warp<T> and remap<T>
// (remap.cu is compiled after this file). Nearest reads floor(x + 0.5); linear / cubic sum their taps
// in float32; out-of-image taps follow the border (constant: fill, nearest in T exactly).
template <typename T>
__device__ __forceinline__ void xalbu_sample(const T* s, T* o, float u, float v, int H, int W, int C,
                                             int interp, int border, const float* f, const T* ft,
                                             int is_int, float lo, float hi) {
    u = isnan(u) ? -16777216.f : fminf(fmaxf(u, -16777216.f), 16777216.f);
    v = isnan(v) ? -16777216.f : fminf(fmaxf(v, -16777216.f), 16777216.f);
    if (interp == 0) {
        bool out = false;
        int ix = xalbu_fold((int)floorf(u + 0.5f), W, border, &out);
        int iy = xalbu_fold((int)floorf(v + 0.5f), H, border, &out);
        const T* q = s + ((long long)iy * W + ix) * C;
        for (int c = 0; c < C; ++c) o[c] = out ? ft[c] : q[c];
        return;
    }
    int taps = interp == 1 ? 2 : 4;
    float fu = floorf(u), fv = floorf(v);
    int x0 = (int)fu - (taps == 4 ? 1 : 0), y0 = (int)fv - (taps == 4 ? 1 : 0);
    float wx[4], wy[4];
    xalbu_weights(u - fu, interp, wx);
    xalbu_weights(v - fv, interp, wy);
    int ixs[4], iys[4];
    bool ox[4], oy[4];
    for (int k = 0; k < taps; ++k) {
        ox[k] = false; oy[k] = false;
        ixs[k] = xalbu_fold(x0 + k, W, border, &ox[k]);
        iys[k] = xalbu_fold(y0 + k, H, border, &oy[k]);
    }
    for (int c = 0; c < C; ++c) {
        float acc = 0.f;
        for (int j = 0; j < taps; ++j) {
            for (int k = 0; k < taps; ++k) {
                float val = (ox[k] || oy[j]) ? f[c]
                          : (float)s[((long long)iys[j] * W + ixs[k]) * C + c];
                acc += wy[j] * wx[k] * val;
            }
        }
        o[c] = xalbu_cast<T>(acc, is_int, lo, hi);
    }
}

template <typename T>
__global__ void warp(const T* __restrict__ src, T* __restrict__ dst,
                     const float* __restrict__ inv, int inv_stride,
                     int N, int H, int W, int C, int Ho, int Wo,
                     int interp, int border,
                     const float* __restrict__ fill, const T* __restrict__ fill_t, int fill_stride,
                     int is_int, float lo, float hi) {
    long long total = (long long)N * Ho * Wo;
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < total;
         p += (long long)blockDim.x * gridDim.x) {
        int x = (int)(p % Wo);
        long long t = p / Wo;
        int y = (int)(t % Ho);
        int n = (int)(t / Ho);
        const float* m = inv + (long long)n * inv_stride;
        float X = (float)x, Y = (float)y;
        float d = m[6] * X + m[7] * Y + m[8];
        float u = (m[0] * X + m[1] * Y + m[2]) / d;
        float v = (m[3] * X + m[4] * Y + m[5]) / d;
        xalbu_sample<T>(src + (long long)n * H * W * C, dst + p * C, u, v, H, W, C, interp, border,
                        fill + (long long)n * fill_stride, fill_t + (long long)n * fill_stride, is_int, lo, hi);
    }
}
