// xalbu remap<T>: the batched resampling kernel of backends/cupy/distortion.py (CuPy RawModule).
// Compiled after warp.cu, whose helpers it uses (xalbu_fold, xalbu_weights, xalbu_cast). One thread
// per output pixel (all channels), any batch size, per-sample source maps (N, Ho, Wo, 2) of float32
// (x, y) in pixel-index coordinates (map_stride = Ho * Wo * 2) or one shared map (map_stride 0);
// nearest / linear / cubic (a = -0.75); border modes as warp<T>: the rules of the generic kernel
// xalbu.functional.distortion.remap.
template <typename T>
__global__ void remap(const T* __restrict__ src, T* __restrict__ dst,
                      const float* __restrict__ maps, long long map_stride,
                      int N, int H, int W, int C, int Ho, int Wo,
                      int interp, int border,
                      const float* __restrict__ fill, const T* __restrict__ fill_t, int fill_stride,
                      int is_int, float lo, float hi) {
    long long total = (long long)N * Ho * Wo;
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < total;
         p += (long long)blockDim.x * gridDim.x) {
        long long plane = (long long)Ho * Wo;
        int n = (int)(p / plane);
        long long at = p - (long long)n * plane;
        const float* m = maps + (long long)n * map_stride + at * 2;
        float u = m[0], v = m[1];
        u = isnan(u) ? -16777216.f : fminf(fmaxf(u, -16777216.f), 16777216.f);
        v = isnan(v) ? -16777216.f : fminf(fmaxf(v, -16777216.f), 16777216.f);
        const T* s = src + (long long)n * H * W * C;
        T* o = dst + p * C;
        const float* f = fill + (long long)n * fill_stride;
        const T* ft = fill_t + (long long)n * fill_stride;
        if (interp == 0) {
            bool out = false;
            int ix = xalbu_fold((int)floorf(u + 0.5f), W, border, &out);
            int iy = xalbu_fold((int)floorf(v + 0.5f), H, border, &out);
            const T* q = s + ((long long)iy * W + ix) * C;
            for (int c = 0; c < C; ++c) o[c] = out ? ft[c] : q[c];
            continue;
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
}
