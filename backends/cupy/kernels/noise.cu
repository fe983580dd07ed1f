// xalbu add_noise<T>: the CuPy override of xalbu.functional.noise.add_noise and multiply_noise (op 1:
// the pixel is multiplied by the field value instead of added to it) (after random_philox.cu).
// One thread per Philox block of one sample's field (16 field values); per-sample seeds, scales and
// offsets (stride 1, or 0 when shared). Field value e of sample n is table[bits] * scale[n] + offset[n]
// (float32, no FMA: --fmad=false; table_stride 65536 for one table per sample, else 0); per_channel: e is element e of the sample's H*W*C values, else
// pixel e, added to its C channels. Integer outputs: rintf (half to even) and saturate to [0, hi];
// float32: clipped to [0, 1], NaN kept.
#include "common.cuh"

template <typename T>
__global__ void add_noise(const T* __restrict__ src, T* __restrict__ dst,
                          const unsigned long long* __restrict__ seeds, const float* __restrict__ table,
                          long long table_stride, const float* __restrict__ scale, const float* __restrict__ offset, int param_stride,
                          int N, long long plane, int C, int per_channel, long long nblocks,
                          int is_int, float hi, int op) {
    long long count = per_channel ? plane : plane / C;  // field values per sample
    long long total = (long long)N * nblocks;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / nblocks);
        long long b = t % nblocks;
        unsigned long long w[4];
        xalbu_philox_block((unsigned long long)b, seeds[n], w);
        float s = scale[n * param_stride], o = offset[n * param_stride];
        const T* x = src + (long long)n * plane;
        T* y = dst + (long long)n * plane;
        for (int j = 0; j < 16; ++j) {
            long long e = b * 16 + j;
            if (e >= count) break;
            float v = table[n * table_stride + xalbu_lane16(w, j)] * s;
            v = v + o;
            int reps = per_channel ? 1 : C;
            long long at = per_channel ? e : e * C;
            for (int c = 0; c < reps; ++c) {
                float r = op ? (float)x[at + c] * v : (float)x[at + c] + v;
                if (is_int) { r = rintf(r); r = r < 0.f ? 0.f : (r > hi ? hi : r); }
                else { r = xalbu_clip01(r); }
                y[at + c] = (T)r;
            }
        }
    }
}

// xalbu iso_noise<T>: the CuPy override of xalbu.functional.noise.iso_noise (3-channel RGB, NHWC).
// One thread per Philox block of a sample's field (16 values = 8 pixels: value 2p is the hue's normal
// value, 2p + 1 the lightness' uniform one). The formulas and their float32 operation order are the
// generic kernel's (rgb_to_hls, hls_to_rgb, poisson_quantile with the float64 CDF recurrence).
template <typename T>
__global__ void iso_noise(const T* __restrict__ src, T* __restrict__ dst,
                          const unsigned long long* __restrict__ seeds, const float* __restrict__ normal,
                          const float* __restrict__ unit, const float* __restrict__ shift,
                          const double* __restrict__ lam, const int* __restrict__ on, int terms,
                          int N, long long HW, long long nblocks, int is_int, float mx) {
    long long total = (long long)N * nblocks;
    const float eps = 1.1920928955078125e-07f;  // FLT_EPSILON
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / nblocks);
        long long b = t % nblocks;
        unsigned long long w[4];
        xalbu_philox_block((unsigned long long)b, seeds[n], w);
        for (int j = 0; j < 16; j += 2) {
            long long p = (b * 16 + j) / 2;
            if (p >= HW) break;
            const T* x = src + ((long long)n * HW + p) * 3;
            T* y = dst + ((long long)n * HW + p) * 3;
            if (!on[n]) { y[0] = x[0]; y[1] = x[1]; y[2] = x[2]; continue; }
            float r, g, bl;
            if (is_int) { r = (float)x[0] / mx; g = (float)x[1] / mx; bl = (float)x[2] / mx; }
            else { r = xalbu_clip01((float)x[0]); g = xalbu_clip01((float)x[1]); bl = xalbu_clip01((float)x[2]); }
            // rgb -> hls
            float vmax = fmaxf(fmaxf(r, g), bl), vmin = fminf(fminf(r, g), bl);
            float diff = vmax - vmin, tot = vmax + vmin, lum = tot * 0.5f;
            bool chroma = diff > eps;
            float safe = chroma ? diff : 1.f;
            float den = lum < 0.5f ? tot : 2.f - tot;
            float sat = chroma ? diff / (chroma ? den : 1.f) : 0.f;
            float d = 60.f / safe;
            float hue = vmax == r ? (g - bl) * d : (vmax == g ? (bl - r) * d + 120.f : (r - g) * d + 240.f);
            hue = hue < 0.f ? hue + 360.f : hue;
            hue = chroma ? hue : 0.f;
            // noise
            float z = normal[xalbu_lane16(w, j)];
            float u = unit[xalbu_lane16(w, j + 1)];
            hue = hue + z * shift[n];
            double L = lam[n], q = exp(-L), cdf = q, uu = (double)u;
            float k = 0.f;
            for (int i = 0; i < terms; ++i) {
                if (cdf < uu) k = k + 1.f; else break;
                q = q * L / (double)(i + 1);
                cdf = cdf + q;
            }
            lum = xalbu_clip01(lum + (k / 255.f) * (1.f - lum));
            // hls -> rgb
            float p2 = lum <= 0.5f ? lum * (1.f + sat) : lum + sat - lum * sat;
            float p1 = 2.f * lum - p2;
            float hh = hue / 60.f;
            hh = hh - floorf(hh / 6.f) * 6.f;
            hh = hh >= 6.f ? hh - 6.f : (hh < 0.f ? 0.f : hh);
            float sector = floorf(hh), f = hh - sector;
            float t0 = p2, t1 = p1, t2 = p1 + (p2 - p1) * (1.f - f), t3 = p1 + (p2 - p1) * f;
            int s = (int)sector;
            float rgb[3];
            xalbu_sector_rgb(s, t0, t1, t2, t3, rgb);
            float out[3] = {xalbu_clip01(rgb[0]), xalbu_clip01(rgb[1]), xalbu_clip01(rgb[2])};
            for (int c = 0; c < 3; ++c) {
                float v = out[c];
                if (is_int) { v = rintf(v * mx); v = v < 0.f ? 0.f : (v > mx ? mx : v); }
                y[c] = (T)v;
            }
        }
    }
}

// xalbu salt_and_pepper<T>: the CuPy override of xalbu.functional.noise.salt_and_pepper. One thread per
// Philox block of a sample's field (16 pixels, one 16-bit value b each): b < salt[n] gives the max,
// salt[n] <= b < noisy[n] gives 0, other pixels are copied.
template <typename T>
__global__ void salt_and_pepper(const T* __restrict__ src, T* __restrict__ dst,
                                const unsigned long long* __restrict__ seeds, const int* __restrict__ salt,
                                const int* __restrict__ noisy, int N, long long HW, int C, long long nblocks,
                                T top) {
    long long total = (long long)N * nblocks;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / nblocks);
        long long b = t % nblocks;
        unsigned long long w[4];
        xalbu_philox_block((unsigned long long)b, seeds[n], w);
        for (int j = 0; j < 16; ++j) {
            long long p = b * 16 + j;
            if (p >= HW) break;
            int v = (int)xalbu_lane16(w, j);
            const T* x = src + ((long long)n * HW + p) * C;
            T* y = dst + ((long long)n * HW + p) * C;
            for (int c = 0; c < C; ++c) y[c] = v < salt[n] ? top : (v < noisy[n] ? (T)0 : x[c]);
        }
    }
}

// xalbu shot_noise<T>: the CuPy override of xalbu.functional.noise.shot_noise. One thread per Philox
// block of a sample's field (16 values, one per pixel and channel). The generic's operations: float32
// lin = x ** gamma, float64 rate (lin + s * 1e-6) / s, the Poisson CDF walked up to `terms` (stopping at
// the first term >= u) for rates <= 64, else floor(rate + sqrt(rate) * z + 0.5) (negative -> 0, NaN
// kept); y = clip(k * s, 0, 1) ** inv_gamma. A sample with scale 0 is copied.
template <typename T>
__global__ void shot_noise(const T* __restrict__ src, T* __restrict__ dst,
                           const unsigned long long* __restrict__ seeds, const float* __restrict__ normal,
                           const float* __restrict__ unit, const double* __restrict__ scale,
                           int terms, int N, long long plane, long long nblocks, int is_int, float mx,
                           float gamma, float inv_gamma, double normal_above) {
    long long total = (long long)N * nblocks;
    XALBU_GRID_LOOP(t, total) {
        int n = (int)(t / nblocks);
        long long b = t % nblocks;
        unsigned long long w[4];
        xalbu_philox_block((unsigned long long)b, seeds[n], w);
        double s = scale[n];
        float s32 = (float)s;
        const T* x = src + (long long)n * plane;
        T* y = dst + (long long)n * plane;
        for (int j = 0; j < 16; ++j) {
            long long e = b * 16 + j;
            if (e >= plane) break;
            if (s == 0.0) { y[e] = x[e]; continue; }
            float v = is_int ? (float)x[e] / mx : xalbu_clip01((float)x[e]);
            double rate = ((double)powf(v, gamma) + s * 1e-6) / s;
            unsigned int bits = xalbu_lane16(w, j);
            float k;
            if (rate <= normal_above) {
                double q = exp(-rate), cdf = q, u = (double)unit[bits];
                k = 0.f;
                for (int i = 0; i < terms; ++i) {
                    if (cdf < u) k = k + 1.f; else break;
                    q = q * rate / (double)(i + 1);
                    cdf = cdf + q;
                }
            } else {
                double kk = floor(rate + sqrt(rate) * (double)normal[bits] + 0.5);
                k = (float)(kk < 0.0 ? 0.0 : kk);
            }
            float r = powf(xalbu_clip01(k * s32), inv_gamma);
            if (is_int) { r = rintf(r * mx); r = r < 0.f ? 0.f : (r > mx ? mx : r); }
            y[e] = (T)r;
        }
    }
}
