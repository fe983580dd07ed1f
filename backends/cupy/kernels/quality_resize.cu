// xalbu quality_resize: one axis of a resize with per-sample lengths, for Downscale's CuPy override
// (backends/cupy/quality.py). Four launches per batch: down rows, down columns, up rows, up columns.
// The weights are those of xalbu.functional.sizing.resize_weights, computed per output index in
// double and used as float (the generic kernel's float32 weights), with replicated edges:
// 0 nearest (pixel centres, exact integer rule), 1 linear, 2 cubic (a = -0.75), 3 area (box overlaps
// when shrinking, OpenCV's linear-like variant when growing), 4 lanczos4 (normalised).
//
// src: (N, H, W, C) of S, dst: (N, Ho, Wo, C) of D. axis 0 resizes rows (H -> Ho), 1 columns (W -> Wo).
// in_len[n] / out_len[n]: the sample's length along the axis before / after (<= H or W / Ho or Wo);
// other_len[n]: its valid length along the other axis (elements past it are not written). cast: 1
// rounds half to even and saturates into [lo, hi] (integer D), 0 stores the float sum.
#include "common.cuh"

__device__ __forceinline__ int xq_clamp(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

__device__ __forceinline__ double xq_sinc(double x) {
    if (x == 0.0) return 1.0;
    double p = 3.14159265358979323846 * x;
    return sin(p) / p;
}

// the box-overlap average of output index d of a shrinking n_in -> n_out axis (any number of taps),
// values at base + k * step
template <typename S>
__device__ float xq_area_sum(const S* base, long long step, int d, int n_in, int n_out) {
    double s = (double)n_in / (double)n_out, lo = d * s, hi = lo + s;
    int k1 = (int)ceil(hi);
    float acc = 0.f;
    for (int k = (int)floor(lo); k < k1; k++) {
        double ov = fmin((double)(k + 1), hi) - fmax((double)k, lo);
        if (ov > 0) acc += (float)(ov / s) * (float)base[(long long)xq_clamp(k, n_in) * step];
    }
    return acc;
}

// taps (at most 8) for output index d of an n_in -> n_out axis: returns the count, fills idx (clamped) and w
__device__ int xq_taps(int d, int n_in, int n_out, int interp, int* idx, float* w) {
    double s = (double)n_in / (double)n_out;
    if (n_in == n_out) {  // the identity, exactly (lanczos' sinc is not exactly 0 at whole numbers)
        idx[0] = d;
        w[0] = 1.f;
        return 1;
    }
    if (interp == 0) {
        long long k = ((2LL * d + 1) * n_in) / (2LL * n_out);
        idx[0] = (int)(k < n_in - 1 ? k : n_in - 1);
        w[0] = 1.f;
        return 1;
    }
    if (interp == 3) {  // growing (shrinking axes are summed by xq_area_sum): OpenCV's INTER_AREA variant  // growing: OpenCV's INTER_AREA variant
        double x0 = floor(d * s);
        double f = (d + 1) - (x0 + 1) / s;
        f = f <= 0 ? 0.0 : f - floor(f);
        idx[0] = xq_clamp((int)x0, n_in); idx[1] = xq_clamp((int)x0 + 1, n_in);
        w[0] = (float)(1.0 - f); w[1] = (float)f;
        return 2;
    }
    double src = (d + 0.5) * s - 0.5;
    double x0 = floor(src), f = src - x0;
    int base = (int)x0;
    if (interp == 2) {
        const double a = -0.75;
        double w0 = ((a * (f + 1) - 5 * a) * (f + 1) + 8 * a) * (f + 1) - 4 * a;
        double w1 = ((a + 2) * f - (a + 3)) * f * f + 1;
        double g = 1 - f;
        double w2 = ((a + 2) * g - (a + 3)) * g * g + 1;
        double ws[4] = {w0, w1, w2, 1 - w0 - w1 - w2};
        for (int k = 0; k < 4; k++) { idx[k] = xq_clamp(base - 1 + k, n_in); w[k] = (float)ws[k]; }
        return 4;
    }
    if (interp == 4) {
        double ws[8], sum = 0;
        for (int k = 0; k < 8; k++) {
            double t = f - (k - 3);
            ws[k] = xq_sinc(t) * xq_sinc(t / 4);
            sum += ws[k];
        }
        for (int k = 0; k < 8; k++) { idx[k] = xq_clamp(base - 3 + k, n_in); w[k] = (float)(ws[k] / sum); }
        return 8;
    }
    idx[0] = xq_clamp(base, n_in); idx[1] = xq_clamp(base + 1, n_in);
    w[0] = (float)(1.0 - f); w[1] = (float)f;
    return 2;
}

template <typename S, typename D>
__global__ void resize_axis(const S* __restrict__ src, D* __restrict__ dst,
                            const int* __restrict__ in_len, const int* __restrict__ out_len,
                            const int* __restrict__ other_len,
                            int N, int H, int W, int C, int Ho, int Wo, int axis, int interp,
                            int cast, float lo, float hi) {
    long long total = (long long)N * Ho * Wo;
    XALBU_GRID_LOOP(p, total) {
        int x = (int)(p % Wo);
        long long t = p / Wo;
        int y = (int)(t % Ho);
        int n = (int)(t / Ho);
        int d = axis == 0 ? y : x, other = axis == 0 ? x : y;
        if (d >= out_len[n] || other >= other_len[n]) continue;
        int idx[8];
        float w[8];
        int n_in = in_len[n], n_out = out_len[n];
        bool box = interp == 3 && n_in > n_out;
        int taps = box ? 0 : xq_taps(d, n_in, n_out, interp, idx, w);
        // the sample's first element along the axis, and the stride between neighbours on it
        long long first = axis == 0 ? ((long long)n * H * W + x) : (((long long)n * H + y) * W);
        long long step = axis == 0 ? W : 1;
        D* o = dst + p * C;
        for (int c = 0; c < C; c++) {
            const S* line = src + first * C + c;
            float acc = 0.f;
            if (box) acc = xq_area_sum(line, step * C, d, n_in, n_out);
            for (int k = 0; k < taps; k++) acc += w[k] * (float)line[idx[k] * step * C];
            if (cast) {
                acc = rintf(acc);
                acc = acc < lo ? lo : (acc > hi ? hi : acc);
            }
            o[c] = (D)acc;
        }
    }
}
