// xalbu error_diffusion<T>: the CuPy override of xalbu.functional._tone_extras.error_diffusion_dither.
// One thread per (sample, plane): the generic kernel's raster scan (right to left on odd rows with
// serpentine, taps mirrored), float32 without FMA (--fmad=false) in the same order, so the levels
// are equal bit for bit. v: (N, H, W, P) float32 values in [0, 1]; k: (N, H, W, P) float32 level
// indices out; err: (N * P, 3, W + 4) float32 zeros, three rows of received error per thread (row y
// in slot y % 3, cleared once row y is done; two columns of margin either side drop what leaves
// the image). taps: T entries (dy, dx) and float32 weights (weight / divisor).
#include "common.cuh"

__global__ void error_diffusion(const float* __restrict__ v, float* __restrict__ k, float* __restrict__ err,
                                const int* __restrict__ tap_dy, const int* __restrict__ tap_dx,
                                const float* __restrict__ tap_w, int T, int N, int H, int W, int P,
                                int serpentine, float steps, float inv) {
    long long total = (long long)N * P;
    int stride = W + 4;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / P), p = (int)(t % P);
        float* e = err + t * 3 * stride;
        for (int y = 0; y < H; ++y) {
            int back = serpentine && (y % 2 == 1);
            for (int i = 0; i < W; ++i) {
                int x = back ? W - 1 - i : i;
                long long at = (((long long)n * H + y) * W + x) * P + p;
                float val = v[at] + e[(y % 3) * stride + x + 2];
                float lv = floorf(val * steps + 0.5f);
                lv = lv < 0.f ? 0.f : (lv > steps ? steps : lv);
                k[at] = lv;
                float d = val - lv * inv;
                for (int j = 0; j < T; ++j) {
                    int xx = x + 2 + (back ? -tap_dx[j] : tap_dx[j]);
                    float* cell = e + ((y + tap_dy[j]) % 3) * stride + xx;
                    *cell = *cell + d * tap_w[j];
                }
            }
            for (int c = 0; c < stride; ++c) e[(y % 3) * stride + c] = 0.f;
        }
    }
}
