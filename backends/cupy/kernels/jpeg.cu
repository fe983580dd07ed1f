// xalbu jpeg: the batched JPEG round trip of backends/cupy/quality.py (CuPy RawModule), the same
// integer maths as the generic kernel xalbu.functional.quality.jpeg (libjpeg-turbo's: fixed-point
// YCbCr, h2v2 downsampling with alternating bias, jpeg_fdct_islow, rounding quantisation,
// jpeg_idct_islow, h2v2 fancy upsampling). Three launches per batch: luma-like planes (one thread
// per 8x8 block per plane), chroma planes (one thread per 8x8 chroma block per plane), then one
// thread per output pixel. Samples whose quality is <= 0 are copied unchanged. Read at runtime by
// backends/cupy/quality.py.
//
// Images are NHWC of T (unsigned char, unsigned short, float); channels are read as OpenCV's BGR.
// params: per sample 129 ints: quality, the luma table (64, natural order), the chroma table (64).
// luma: uint8 (N, PL, Hp, Wp) with PL = (colour ? 1 : 0) + grays; chroma: uint8 (N, 2, Hp/2, Wp/2).
#include "common.cuh"

#define XJ_CB 13
#define XJ_PB 2

__device__ __forceinline__ int xj_descale(long long x, int n) { return (int)((x + (1LL << (n - 1))) >> n); }

__device__ __forceinline__ int xj_to8(unsigned char v) { return (int)v; }
__device__ __forceinline__ int xj_to8(unsigned short v) { return (int)rintf((float)v / 257.0f); }
__device__ __forceinline__ int xj_to8(float v) {
    if (isnan(v)) return 0;
    float r = rintf(v * 255.0f);
    return r < 0.f ? 0 : (r > 255.f ? 255 : (int)r);
}
__device__ __forceinline__ void xj_from8(int v, unsigned char* o) { *o = (unsigned char)v; }
__device__ __forceinline__ void xj_from8(int v, unsigned short* o) { *o = (unsigned short)(v * 257); }
__device__ __forceinline__ void xj_from8(int v, float* o) { *o = (float)v / 255.0f; }

__device__ __forceinline__ int xj_clamp255(int v) { return v < 0 ? 0 : (v > 255 ? 255 : v); }

// one pass of jpeg_fdct_islow over d[0], d[s], ..., d[7s]
__device__ void xj_fdct1(int* d, int s, int last) {
    long long t0 = d[0] + d[7 * s], t7 = d[0] - d[7 * s];
    long long t1 = d[s] + d[6 * s], t6 = d[s] - d[6 * s];
    long long t2 = d[2 * s] + d[5 * s], t5 = d[2 * s] - d[5 * s];
    long long t3 = d[3 * s] + d[4 * s], t4 = d[3 * s] - d[4 * s];
    long long t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
    int shift = last ? XJ_CB + XJ_PB : XJ_CB - XJ_PB;
    if (last) {
        d[0] = xj_descale(t10 + t11, XJ_PB);
        d[4 * s] = xj_descale(t10 - t11, XJ_PB);
    } else {
        d[0] = (int)((t10 + t11) << XJ_PB);
        d[4 * s] = (int)((t10 - t11) << XJ_PB);
    }
    long long z1 = (t12 + t13) * 4433;
    d[2 * s] = xj_descale(z1 + t13 * 6270, shift);
    d[6 * s] = xj_descale(z1 - t12 * 15137, shift);
    z1 = t4 + t7;
    long long z2 = t5 + t6, z3 = t4 + t6, z4 = t5 + t7;
    long long z5 = (z3 + z4) * 9633;
    t4 *= 2446; t5 *= 16819; t6 *= 25172; t7 *= 12299;
    z1 *= -7373; z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    d[7 * s] = xj_descale(t4 + z1 + z3, shift);
    d[5 * s] = xj_descale(t5 + z2 + z4, shift);
    d[3 * s] = xj_descale(t6 + z2 + z3, shift);
    d[s] = xj_descale(t7 + z1 + z4, shift);
}

// one pass of jpeg_idct_islow over d[0], d[s], ..., d[7s]
__device__ void xj_idct1(int* d, int s, int last) {
    long long z1 = (long long)(d[2 * s] + d[6 * s]) * 4433;
    long long t2 = z1 - (long long)d[6 * s] * 15137, t3 = z1 + (long long)d[2 * s] * 6270;
    long long t0 = (long long)(d[0] + d[4 * s]) << XJ_CB, t1 = (long long)(d[0] - d[4 * s]) << XJ_CB;
    long long t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
    long long o0 = d[7 * s], o1 = d[5 * s], o2 = d[3 * s], o3 = d[s];
    z1 = o0 + o3;
    long long z2 = o1 + o2, z3 = o0 + o2, z4 = o1 + o3;
    long long z5 = (z3 + z4) * 9633;
    o0 *= 2446; o1 *= 16819; o2 *= 25172; o3 *= 12299;
    z1 *= -7373; z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    o0 += z1 + z3; o1 += z2 + z4; o2 += z2 + z3; o3 += z1 + z4;
    int shift = last ? XJ_CB + XJ_PB + 3 : XJ_CB - XJ_PB;
    d[0] = xj_descale(t10 + o3, shift); d[7 * s] = xj_descale(t10 - o3, shift);
    d[s] = xj_descale(t11 + o2, shift); d[6 * s] = xj_descale(t11 - o2, shift);
    d[2 * s] = xj_descale(t12 + o1, shift); d[5 * s] = xj_descale(t12 - o1, shift);
    d[3 * s] = xj_descale(t13 + o0, shift); d[4 * s] = xj_descale(t13 - o0, shift);
}

// level shift, FDCT, quantise with tbl, dequantise, IDCT, clamp: b holds 64 samples in [0, 255]
__device__ void xj_code_block(int* b, const int* tbl) {
    for (int i = 0; i < 64; i++) b[i] -= 128;
    for (int r = 0; r < 8; r++) xj_fdct1(b + 8 * r, 1, 0);
    for (int c = 0; c < 8; c++) xj_fdct1(b + c, 8, 1);
    for (int i = 0; i < 64; i++) {
        int div = tbl[i] * 8, v = b[i];
        int m = ((v < 0 ? -v : v) + (div >> 1)) / div;
        b[i] = (v < 0 ? -m : m) * tbl[i];
    }
    for (int c = 0; c < 8; c++) xj_idct1(b + c, 8, 0);
    for (int r = 0; r < 8; r++) xj_idct1(b + 8 * r, 1, 1);
    for (int i = 0; i < 64; i++) b[i] = xj_clamp255(b[i] + 128);
}

__device__ __forceinline__ int xj_y(int b, int g, int r) { return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16; }
__device__ __forceinline__ int xj_cb(int b, int g, int r) {
    return (-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16;
}
__device__ __forceinline__ int xj_cr(int b, int g, int r) {
    return (32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16;
}

// the 8-bit B, G, R of pixel (y, x) of sample n (a missing third channel reads 0)
template <typename T>
__device__ __forceinline__ void xj_bgr(const T* s, int H, int W, int C, int n, int y, int x, int* bgr) {
    const T* p = s + (((long long)n * H + y) * W + x) * C;
    bgr[0] = xj_to8(p[0]);
    bgr[1] = xj_to8(p[1]);
    bgr[2] = C >= 3 ? xj_to8(p[2]) : 0;
}

// luma-like planes: plane 0 is Y when colour, the others are the gray channels g0, g0 + 1, ...
template <typename T>
__global__ void jpeg_luma(const T* __restrict__ src, unsigned char* __restrict__ luma,
                          const int* __restrict__ params, int N, int H, int W, int C,
                          int Hp, int Wp, int PL, int colour, int g0) {
    long long hb = Hp / 8, wb = Wp / 8;
    long long total = (long long)N * PL * hb * wb;
    XALBU_GRID_LOOP(t, total) {
        int bx = (int)(t % wb);
        long long u = t / wb;
        int by = (int)(u % hb);
        u /= hb;
        int p = (int)(u % PL);
        int n = (int)(u / PL);
        const int* prm = params + (long long)n * 129;
        if (prm[0] <= 0) continue;
        int b[64];
        for (int i = 0; i < 8; i++) {
            int y = by * 8 + i;
            y = y < H ? y : H - 1;
            for (int j = 0; j < 8; j++) {
                int x = bx * 8 + j;
                x = x < W ? x : W - 1;
                if (colour && p == 0) {
                    int bgr[3];
                    xj_bgr(src, H, W, C, n, y, x, bgr);
                    b[i * 8 + j] = xj_y(bgr[0], bgr[1], bgr[2]);
                } else {
                    int ch = g0 + p - (colour ? 1 : 0);
                    b[i * 8 + j] = xj_to8(src[(((long long)n * H + y) * W + x) * C + ch]);
                }
            }
        }
        xj_code_block(b, prm + 1);
        unsigned char* o = luma + ((long long)(n * PL + p) * Hp + by * 8) * Wp + bx * 8;
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++) o[(long long)i * Wp + j] = (unsigned char)b[i * 8 + j];
    }
}

// chroma planes (Cb, Cr) of (Hp/2, Wp/2): image rows padded to whole pairs, then the last chroma row
// repeated; image columns repeated past W
template <typename T>
__global__ void jpeg_chroma(const T* __restrict__ src, unsigned char* __restrict__ chroma,
                            const int* __restrict__ params, int N, int H, int W, int C, int Hp, int Wp) {
    int Hc = Hp / 2, Wc = Wp / 2, ch = (H + 1) / 2;
    long long hb = Hc / 8, wb = Wc / 8;
    long long total = (long long)N * 2 * hb * wb;
    XALBU_GRID_LOOP(t, total) {
        int bx = (int)(t % wb);
        long long u = t / wb;
        int by = (int)(u % hb);
        u /= hb;
        int p = (int)(u % 2);
        int n = (int)(u / 2);
        const int* prm = params + (long long)n * 129;
        if (prm[0] <= 0) continue;
        int b[64];
        for (int i = 0; i < 8; i++) {
            int r = by * 8 + i;
            r = r < ch ? r : ch - 1;
            for (int j = 0; j < 8; j++) {
                int c = bx * 8 + j, sum = 0;
                for (int dy = 0; dy < 2; dy++) {
                    int y = 2 * r + dy;
                    y = y < H ? y : H - 1;
                    for (int dx = 0; dx < 2; dx++) {
                        int x = 2 * c + dx;
                        x = x < W ? x : W - 1;
                        int bgr[3];
                        xj_bgr(src, H, W, C, n, y, x, bgr);
                        sum += p == 0 ? xj_cb(bgr[0], bgr[1], bgr[2]) : xj_cr(bgr[0], bgr[1], bgr[2]);
                    }
                }
                b[i * 8 + j] = (sum + 1 + (c & 1)) >> 2;
            }
        }
        xj_code_block(b, prm + 65);
        unsigned char* o = chroma + ((long long)(n * 2 + p) * Hc + by * 8) * Wc + bx * 8;
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++) o[(long long)i * Wc + j] = (unsigned char)b[i * 8 + j];
    }
}

// h2v2 fancy upsampling of plane pl at output (y, x): ch x cw real chroma samples, edges repeated;
// plain repetition where cw <= 2 (libjpeg filters only wider components)
__device__ __forceinline__ int xj_up(const unsigned char* pl, int Wc, int ch, int cw, int y, int x) {
    int r = y >> 1, c = x >> 1;
    if (cw <= 2) return pl[(long long)r * Wc + c];
    int r2 = (y & 1) ? (r + 1 < ch ? r + 1 : ch - 1) : (r > 0 ? r - 1 : 0);
    int c2 = (x & 1) ? (c + 1 < cw ? c + 1 : cw - 1) : (c > 0 ? c - 1 : 0);
    int here = 3 * pl[(long long)r * Wc + c] + pl[(long long)r2 * Wc + c];
    int side = 3 * pl[(long long)r * Wc + c2] + pl[(long long)r2 * Wc + c2];
    return (x & 1) ? (3 * here + side + 7) >> 4 : (3 * here + side + 8) >> 4;
}

template <typename T>
__global__ void jpeg_out(const T* __restrict__ src, T* __restrict__ dst,
                         const unsigned char* __restrict__ luma, const unsigned char* __restrict__ chroma,
                         const int* __restrict__ params, int N, int H, int W, int C,
                         int Hp, int Wp, int PL, int colour, int g0) {
    long long total = (long long)N * H * W;
    int Hc = Hp / 2, Wc = Wp / 2, ch = (H + 1) / 2, cw = (W + 1) / 2;
    XALBU_GRID_LOOP(t, total) {
        int x = (int)(t % W);
        long long u = t / W;
        int y = (int)(u % H);
        int n = (int)(u / H);
        const T* s = src + t * C;
        T* o = dst + t * C;
        if (params[(long long)n * 129] <= 0) {
            for (int k = 0; k < C; k++) o[k] = s[k];
            continue;
        }
        const unsigned char* lp = luma + (long long)n * PL * Hp * Wp;
        if (colour) {
            int Y = lp[(long long)y * Wp + x];
            const unsigned char* cp = chroma + (long long)n * 2 * Hc * Wc;
            int cb = xj_up(cp, Wc, ch, cw, y, x) - 128;
            int cr = xj_up(cp + (long long)Hc * Wc, Wc, ch, cw, y, x) - 128;
            int r = xj_clamp255(Y + ((91881 * cr + 32768) >> 16));
            int g = xj_clamp255(Y + ((-22554 * cb + 32768 - 46802 * cr) >> 16));
            int b = xj_clamp255(Y + ((116130 * cb + 32768) >> 16));
            xj_from8(b, o);
            xj_from8(g, o + 1);
            if (C >= 3) xj_from8(r, o + 2);
        }
        for (int k = colour ? 1 : 0; k < PL; k++)
            xj_from8(lp[((long long)k * Hp + y) * Wp + x], o + g0 + k - (colour ? 1 : 0));
    }
}
