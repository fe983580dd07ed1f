// xalbu colour kernels (backends/cupy/color.py, CuPy RawModule). One thread per pixel (all its
// channels), any batch size, per-sample parameters (stride 1) or shared ones (stride 0); a sample
// whose identity flag is set is copied unchanged. The same rules as the generic kernels of
// xalbu.functional.color. Read at runtime by backends/cupy/color.py.

#include "common.cuh"

__device__ __forceinline__ int xc_clampi(int x, int lo, int hi) { return x < lo ? lo : (x > hi ? hi : x); }

// Python's float remainder (NumPy's): the result takes the divisor's sign.
__device__ __forceinline__ float xc_mod(float x, float m) {
    float r = fmodf(x, m);
    if (r != 0.f && (r < 0.f) != (m < 0.f)) r += m;
    return r;
}

// OpenCV's HSV -> RGB: h in units where `sixths` turns it into sectors, s and v in [0, 1].
__device__ __forceinline__ void xc_hsv2rgb(float h, float s, float v, float sixths, float* rgb) {
    float hs = h * sixths;
    float fl = floorf(hs);
    float f = hs - fl;
    int sector = ((int)fl) % 6;
    float t1 = v * (1.f - s);
    float t2 = v * (1.f - s * f);
    float t3 = v * (1.f - s * (1.f - f));
    xalbu_sector_rgb(sector, v, t1, t2, t3, rgb);
}

// One pixel of shift_hsv: `x` -> `o` (C = 1 or 3 channels). uint8 (is_u8): OpenCV's 8-bit RGB -> HSV
// with `tables` = sdiv[256], hdiv[256], then the hue table of this sample at `hue_table`; `sat` and
// `val` whole levels. Otherwise (float32, or uint16 with top = 65535) OpenCV's float HSV: `hue` in
// degrees, `sat` and `val` as fractions; float input clipped to [0, 1], a NaN channel gives NaN.
template <typename T>
__device__ __forceinline__ void xc_shift_hsv_px(const T* x, T* o, int C, float hue, float sat, float val,
                                                const int* tables, const int* hue_table, int is_u8, float top) {
    if (is_u8) {
        int vi = (int)val;
        if (C == 1) { o[0] = (T)xc_clampi((int)x[0] + vi, 0, 255); return; }
        int r = (int)x[0], g = (int)x[1], b = (int)x[2];
        int v = max(max(r, g), b);
        int diff = v - min(min(r, g), b);
        int s = (diff * tables[v] + (1 << 11)) >> 12;
        int h = v == r ? g - b : (v == g ? b - r + 2 * diff : r - g + 4 * diff);
        h = (h * tables[256 + diff] + (1 << 11)) >> 12;
        if (h < 0) h += 180;
        h = hue_table[h];
        if (s != 0) s = xc_clampi(s + (int)sat, 0, 255);
        v = xc_clampi(v + vi, 0, 255);
        const float inv = 1.f / 255.f;
        float rgb[3];
        xc_hsv2rgb((float)h, (float)s * inv, (float)v * inv, 6.f / 180.f, rgb);
        for (int c = 0; c < 3; ++c) o[c] = (T)fminf(fmaxf(rintf(rgb[c] * 255.f), 0.f), 255.f);
        return;
    }
    bool integer = top != 1.f;
    if (C == 1) {
        float y = integer ? (float)x[0] / top : (float)x[0];
        y = isnan(y) ? y : xalbu_clip01((integer ? y : xalbu_clip01(y)) + val);
        o[0] = integer ? (T)fminf(fmaxf(rintf(y * top), 0.f), top) : (T)y;
        return;
    }
    float r = (float)x[0], g = (float)x[1], b = (float)x[2];
    if (!integer && (isnan(r) || isnan(g) || isnan(b))) {
        for (int c = 0; c < 3; ++c) o[c] = (T)nanf("");
        return;
    }
    if (integer) { r = r / top; g = g / top; b = b / top; }
    else { r = xalbu_clip01(r); g = xalbu_clip01(g); b = xalbu_clip01(b); }
    float v = fmaxf(fmaxf(r, g), b);
    float diff = v - fminf(fminf(r, g), b);
    float s = diff / (v + 1.1920928955078125e-07f);
    float scale = 60.f / (diff + 1.1920928955078125e-07f);
    float h = v == r ? (g - b) * scale : (v == g ? (b - r) * scale + 120.f : (r - g) * scale + 240.f);
    if (h < 0.f) h += 360.f;
    h = xc_mod(h + hue, 360.f);
    if (s != 0.f) s = xalbu_clip01(s + sat);
    v = xalbu_clip01(v + val);
    float rgb[3];
    xc_hsv2rgb(h, s, v, 6.f / 360.f, rgb);
    for (int c = 0; c < 3; ++c)
        o[c] = integer ? (T)fminf(fmaxf(rintf(rgb[c] * top), 0.f), top) : (T)rgb[c];
}

// shift_hsv<T>: params holds, per sample (S = N) or once (S = 1), four rows of S values: hue, sat,
// val, identity. uint8 (is_u8): `tables` = sdiv[256], hdiv[256] and S hue tables of 256, hue unused,
// sat and val whole levels; otherwise hue is 2 * hue_shift (degrees), sat and val shift / 255 and
// `top` is 65535 for uint16 (x / top in [0, 1]), 1 for float32. An identity sample is copied.
template <typename T>
__global__ void shift_hsv(const T* __restrict__ src, T* __restrict__ dst, int N, long long HW, int C,
                          const float* __restrict__ params, int S, const int* __restrict__ tables,
                          int is_u8, float top) {
    long long total = (long long)N * HW;
    XALBU_GRID_LOOP(p, total) {
        int n = (int)(p / HW);
        int k = S > 1 ? n : 0;
        const T* x = src + p * C;
        T* o = dst + p * C;
        if (params[3 * S + k] != 0.f) {
            for (int c = 0; c < C; ++c) o[c] = x[c];
            continue;
        }
        xc_shift_hsv_px(x, o, C, params[k], params[S + k], params[2 * S + k], tables, tables + 512 + 256 * k,
                        is_u8, top);
    }
}

// jitter_step<T>: one ColorJitter step, each sample n its own op (ops[n]: 0 brightness, 1 contrast,
// 2 saturation, 3 hue) with factor f[n] and 1 - f as rest[n] (hue: 360 f degrees; both taken on the
// host in float64), the
// contrast pivot mean[n] (the sample's mean gray level, on the device). A sample whose factor is the
// op's identity (1, or 0 for hue) gets its (clipped) input. uint8 gray: OpenCV's 15-bit fixed
// point; others: 0.299 R + 0.587 G + 0.114 B in float32 (uint16 rounded). Hue as shift_hsv with
// `tables` (sdiv, hdiv, then N hue tables) on uint8, 360 f degrees otherwise. Floats are clipped to
// [0, 1] when read (NaN stays NaN).
template <typename T>
__global__ void jitter_step(const T* __restrict__ src, T* __restrict__ dst, int N, long long HW, int C,
                            const int* __restrict__ ops, const float* __restrict__ f,
                            const float* __restrict__ rest, const float* __restrict__ mean,
                            const int* __restrict__ tables, int is_int, float top) {
    long long total = (long long)N * HW;
    XALBU_GRID_LOOP(p, total) {
        int n = (int)(p / HW);
        const T* x = src + p * C;
        T* o = dst + p * C;
        int op = ops[n];
        float fn = f[n];
        if (op == 3) {
            if (C == 1 || fn == 0.f) {
                for (int c = 0; c < C; ++c) o[c] = is_int ? x[c] : (T)xalbu_clip01((float)x[c]);
            } else if (top == 255.f) {
                xc_shift_hsv_px(x, o, C, 0.f, 0.f, 0.f, tables, tables + 512 + 256 * n, 1, top);
            } else {
                xc_shift_hsv_px(x, o, C, rest[n], 0.f, 0.f, tables, tables, 0,
                                is_int ? top : 1.f);
            }
            continue;
        }
        float y[3];
        for (int c = 0; c < C; ++c) y[c] = is_int ? (float)x[c] : xalbu_clip01((float)x[c]);
        float gray = 0.f;
        if (op == 2 && C == 3) {
            if (top == 255.f) {
                gray = (float)(((int)x[0] * 9798 + (int)x[1] * 19235 + (int)x[2] * 3735 + (1 << 14)) >> 15);
            } else {
                gray = y[0] * 0.299f + y[1] * 0.587f + y[2] * 0.114f;
                if (is_int) gray = fminf(fmaxf(rintf(gray), 0.f), top);
            }
        }
        for (int c = 0; c < C; ++c) {
            float v;
            if (op == 0) v = y[c] * fn;
            else if (op == 1) v = y[c] * fn + mean[n] * rest[n];
            else if (C == 1 || fn == 1.f) v = y[c];
            else v = y[c] * fn + gray * rest[n];
            o[c] = is_int ? (T)fminf(fmaxf(rintf(v), 0.f), top) : (T)xalbu_clip01(v);
        }
    }
}

// channel_affine<T>: dst = saturate(src * a + b) element by element, a and b read per sample and
// per channel through strides (0 where shared): a[n * a_sn + c * a_sc]. Where a is 0 the result is b
// itself (no 0 * inf = NaN). Integers (is_int) are rounded half to even and clamped to [0, top]; floats
// clipped to [0, 1] (NaN stays NaN) when `clip_float`, else kept as computed.
template <typename T>
__global__ void channel_affine(const T* __restrict__ src, T* __restrict__ dst, int N, long long HW, int C,
                               const float* __restrict__ a, int a_sn, int a_sc,
                               const float* __restrict__ b, int b_sn, int b_sc, int is_int, float top,
                               int clip_float) {
    long long total = (long long)N * HW * C;
    XALBU_GRID_LOOP(p, total) {
        int c = (int)(p % C);
        int n = (int)(p / (HW * C));
        float an = a[n * a_sn + c * a_sc], bn = b[n * b_sn + c * b_sc];
        float v = an == 0.f ? bn : (float)src[p] * an + bn;
        dst[p] = is_int ? (T)fminf(fmaxf(rintf(v), 0.f), top) : (T)(clip_float ? xalbu_clip01(v) : v);
    }
}

// color_matrix<T>: dst = saturate(A x + b) per pixel, A and b of sample n in `m` as a C x (C + 1)
// row-major matrix (stride C * (C + 1) per sample, 0 when shared), accumulated in float32 in column
// order. A pixel with a non-finite channel keeps its values, saturated (no 0 * inf = NaN across
// channels). Integers (is_int) are rounded half to even and clamped to [0, top], floats clipped to
// [0, 1]. C is at most 8.
template <typename T>
__global__ void color_matrix(const T* __restrict__ src, T* __restrict__ dst, int N, long long HW, int C,
                             const float* __restrict__ m, int m_stride, int is_int, float top) {
    long long total = (long long)N * HW;
    XALBU_GRID_LOOP(p, total) {
        int n = (int)(p / HW);
        const T* x = src + p * C;
        T* o = dst + p * C;
        const float* a = m + (long long)n * m_stride;
        float v[8];
        bool finite = true;
        for (int c = 0; c < C; ++c) { v[c] = (float)x[c]; finite = finite && isfinite(v[c]); }
        for (int r = 0; r < C; ++r) {
            float acc;
            if (finite) {
                acc = a[r * (C + 1) + C];
                for (int c = 0; c < C; ++c) acc = acc + a[r * (C + 1) + c] * v[c];
            } else {
                acc = v[r];
            }
            o[r] = is_int ? (T)fminf(fmaxf(rintf(acc), 0.f), top) : (T)xalbu_clip01(acc);
        }
    }
}

__device__ __forceinline__ void xc_cubic(float f, float* w) {
    const float a = -0.75f;
    w[0] = ((a * (f + 1.f) - 5.f * a) * (f + 1.f) + 8.f * a) * (f + 1.f) - 4.f * a;
    w[1] = ((a + 2.f) * f - (a + 3.f)) * f * f + 1.f;
    float g = 1.f - f;
    w[2] = ((a + 2.f) * g - (a + 3.f)) * g * g + 1.f;
    w[3] = 1.f - w[0] - w[1] - w[2];
}

// radial_distort<T>: each channel c of sample n resampled through OpenCV's radial distortion with
// k[(n * k_stride) + 2 c + {0, 1}] = (k1, k2) (k_stride 2 C per sample, 0 when shared); channels with
// (0, 0) copied. Maps in double then float (as the generic radial_maps), replicated borders, interp
// 0 nearest (half to even), 1 linear, 2 cubic, accumulated row by row in float32 as the generic.
template <typename T>
__global__ void radial_distort(const T* __restrict__ src, T* __restrict__ dst, int N, int H, int W, int C,
                               const double* __restrict__ k, int k_stride, int interp, int is_int, float top) {
    long long total = (long long)N * H * W;
    XALBU_GRID_LOOP(p, total) {
        int u = (int)(p % W);
        long long t = p / W;
        int v = (int)(t % H);
        int n = (int)(t / H);
        const T* s = src + (long long)n * H * W * C;
        T* o = dst + p * C;
        double x = ((double)u - W / 2.0) / W, y = ((double)v - H / 2.0) / H;
        double r2 = y * y + x * x;
        for (int c = 0; c < C; ++c) {
            double k1 = k[n * k_stride + 2 * c], k2 = k[n * k_stride + 2 * c + 1];
            if (k1 == 0.0 && k2 == 0.0) { o[c] = s[((long long)v * W + u) * C + c]; continue; }
            double f = 1.0 + k1 * r2 + k2 * (r2 * r2);
            float mx = (float)(W / 2.0 + (x * W) * f), my = (float)(H / 2.0 + (y * H) * f);
            float acc;
            if (interp == 0) {
                int xi = min(max((int)rintf(mx), 0), W - 1), yi = min(max((int)rintf(my), 0), H - 1);
                acc = (float)s[((long long)yi * W + xi) * C + c];
            } else {
                float fx = floorf(mx), fy = floorf(my);
                int x0 = (int)fx, y0 = (int)fy;
                float ax = mx - fx, ay = my - fy;
                float wx[4], wy[4];
                int taps = interp == 1 ? 2 : 4, first = interp == 1 ? 0 : -1;
                if (interp == 1) { wx[0] = 1.f - ax; wx[1] = ax; wy[0] = 1.f - ay; wy[1] = ay; }
                else { xc_cubic(ax, wx); xc_cubic(ay, wy); }
                acc = 0.f;
                for (int j = 0; j < taps; ++j) {
                    int yi = min(max(y0 + first + j, 0), H - 1);
                    float row = 0.f;
                    for (int i = 0; i < taps; ++i) {
                        int xi = min(max(x0 + first + i, 0), W - 1);
                        float term = (float)s[((long long)yi * W + xi) * C + c] * wx[i];
                        row = i == 0 ? term : row + term;
                    }
                    acc = j == 0 ? row * wy[j] : acc + row * wy[j];
                }
            }
            o[c] = is_int ? (T)fminf(fmaxf(rintf(acc), 0.f), top) : (T)acc;  // floats as interpolated
        }
    }
}
