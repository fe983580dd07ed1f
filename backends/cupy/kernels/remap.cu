// xalbu remap<T>: the batched resampling kernel of backends/cupy/distortion.py (CuPy RawModule).
// Compiled after warp.cu, whose helpers it uses (xalbu_sample). One thread
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
        xalbu_sample<T>(src + (long long)n * H * W * C, dst + p * C, u, v, H, W, C, interp, border,
                        fill + (long long)n * fill_stride, fill_t + (long long)n * fill_stride, is_int, lo, hi);
    }
}
