// xalbu CLAHE: the batched kernels of backends/cupy/tone.py (CuPy RawModule), three launches per
// batch whatever its size, no atomics, no shared memory:
//   clahe_plane<T>  one thread per pixel: the plane CLAHE equalises (the image's levels, or the L
//                   of Lab for RGB: OpenCV's 8-bit integer Lab, or a float Lab for 16 bits), with a
//                   and b kept for the way back;
//   clahe_tiles     one thread per (sample, tile): the tile's levels sorted (heap sort, in place),
//                   the running count of the levels kept under the clip limit (a level's first
//                   `limit` copies), and the tile's excess (what the clip removed);
//   clahe_apply<T>  one thread per pixel: each of its four tiles' equalised value at its level
//                   (binary search in the sorted tile: clipped count, plus the excess redistributed
//                   as OpenCV does), bilinearly weighted, rounded, then back to the image's colours
//                   (8-bit RGB: OpenCV's Lab -> RGB as a table of every triple, built on the host).
// The arithmetic is the generic kernel's (xalbu.functional.tone.clahe), float32, no FMA contraction.
#include "common.cuh"

// k: float32 constants in the order of backends/cupy/tone.py's _LAB_CONSTANTS
__device__ __forceinline__ float xalbu_srgb_linear(float v, const float* k) {
    return v <= k[1] ? v / k[0] : powf((v + k[2]) / k[3], k[4]);
}

__device__ __forceinline__ float xalbu_lab_f(float t, const float* k) {
    float c = t < 0.f ? -powf(-t, k[5]) : (t > 0.f ? powf(t, k[5]) : 0.f);
    return t > k[6] ? c : k[7] * t + k[8];
}

// mode 0: one channel, integer levels; 1: one channel, float -> uint8 levels; 2: RGB through
// OpenCV's 8-bit Lab (uint8, or float -> uint8 levels); 3: RGB uint16 through the float Lab
template <typename T>
__global__ void clahe_plane(const T* __restrict__ src, unsigned short* __restrict__ plane,
                            float* __restrict__ ab, long long total, int mode,
                            const int* __restrict__ gamma, const int* __restrict__ cbrt,
                            const int* __restrict__ mi, const float* __restrict__ k) {
    XALBU_GRID_LOOP(p, total) {
        if (mode < 2) { plane[p] = (unsigned short)xalbu_level8<T>(src[p]); continue; }
        const T* s = src + p * 3;
        if (mode == 2) {
            int v0 = gamma[xalbu_level8<T>(s[0])], v1 = gamma[xalbu_level8<T>(s[1])],
                v2 = gamma[xalbu_level8<T>(s[2])];
            int f[3];
            for (int r = 0; r < 3; ++r) f[r] = cbrt[(v0 * mi[3 * r] + v1 * mi[3 * r + 1] + v2 * mi[3 * r + 2] + 2048) >> 12];
            int L = (296 * f[1] - (16 * 255 * 32768 + 50) / 100 + (1 << 14)) >> 15;
            int a = (500 * (f[0] - f[1]) + 128 * 32768 + (1 << 14)) >> 15;
            int b = (200 * (f[1] - f[2]) + 128 * 32768 + (1 << 14)) >> 15;
            L = L < 0 ? 0 : (L > 255 ? 255 : L);
            a = a < 0 ? 0 : (a > 255 ? 255 : a);
            b = b < 0 ? 0 : (b > 255 ? 255 : b);
            plane[p] = (unsigned short)L;
            ab[2 * p] = (float)a;  // a + 128 and b + 128, OpenCV's 8-bit Lab
            ab[2 * p + 1] = (float)b;
            continue;
        }
        float lin[3];
        for (int c = 0; c < 3; ++c) lin[c] = xalbu_srgb_linear((float)s[c] / 65535.f, k);
        const float* m = k + 18;
        float fx = xalbu_lab_f(lin[0] * m[0] + lin[1] * m[1] + lin[2] * m[2], k);
        float y = lin[0] * m[3] + lin[1] * m[4] + lin[2] * m[5];
        float fy = xalbu_lab_f(y, k);
        float fz = xalbu_lab_f(lin[0] * m[6] + lin[1] * m[7] + lin[2] * m[8], k);
        float L = y > k[6] ? k[9] * fy - k[10] : k[11] * y;
        plane[p] = (unsigned short)fminf(fmaxf(rintf(L * k[36]), 0.f), 65535.f);
        ab[2 * p] = k[12] * (fx - fy);
        ab[2 * p + 1] = k[13] * (fy - fz);
    }
}

__device__ void xalbu_sift(unsigned short* a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1]) ++child;
        if (a[root] >= a[child]) return;
        unsigned short t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

extern "C" __global__ void clahe_tiles(const unsigned short* __restrict__ plane,
                                       unsigned short* __restrict__ sorted, int* __restrict__ kept,
                                       int* __restrict__ excess, const int* __restrict__ limits,
                                       int N, int H, int W, int TY, int TX, int th, int tw) {
    long long total = (long long)N * TY * TX;
    int m = th * tw;
    XALBU_GRID_LOOP(t, total) {
        int tx = (int)(t % TX);
        int ty = (int)((t / TX) % TY);
        int n = (int)(t / ((long long)TX * TY));
        unsigned short* s = sorted + t * m;
        const unsigned short* src = plane + (long long)n * H * W;
        int q = 0;
        for (int yy = 0; yy < th; ++yy) {
            int y = xalbu_reflect101(ty * th + yy, H);
            for (int xx = 0; xx < tw; ++xx) s[q++] = src[(long long)y * W + xalbu_reflect101(tx * tw + xx, W)];
        }
        for (int i = m / 2 - 1; i >= 0; --i) xalbu_sift(s, i, m - 1);
        for (int end = m - 1; end > 0; --end) {
            unsigned short v = s[0]; s[0] = s[end]; s[end] = v;
            xalbu_sift(s, 0, end - 1);
        }
        int limit = limits[n], acc = 0;
        int* kp = kept + t * m;
        for (int j = 0; j < m; ++j) {
            if (j < limit || s[j - limit] != s[j]) ++acc;
            kp[j] = acc;
        }
        excess[t] = m - acc;
    }
}

// the equalised value of level v in tile t (OpenCV's table entry, computed from the sorted tile)
__device__ __forceinline__ float xalbu_tile_value(const unsigned short* s, const int* kp, int ex, int m,
                                                  int v, int bins, float scale) {
    int lo = 0, hi = m;
    while (lo < hi) { int mid = (lo + hi) >> 1; if ((int)s[mid] <= v) lo = mid + 1; else hi = mid; }
    long long cdf = lo ? kp[lo - 1] : 0;
    int redist = ex / bins, residual = ex - redist * bins;
    cdf += (long long)redist * (v + 1);
    if (residual > 0) {
        int step = bins / residual; if (step < 1) step = 1;
        int count = v / step + 1;
        cdf += count < residual ? count : residual;
    }
    float r = rintf((float)cdf * scale);
    return r > (float)(bins - 1) ? (float)(bins - 1) : r;
}

template <typename T>
__global__ void clahe_apply(const T* __restrict__ src, const unsigned short* __restrict__ plane,
                            const float* __restrict__ ab, const unsigned short* __restrict__ sorted,
                            const int* __restrict__ kept, const int* __restrict__ excess, T* __restrict__ dst,
                            int N, int H, int W, int mode, int TY, int TX, int th, int tw, int bins,
                            float scale, float inv_th, float inv_tw, const float* __restrict__ k,
                            const unsigned char* __restrict__ lab_rgb) {
    long long total = (long long)N * H * W;
    int m = th * tw;
    XALBU_GRID_LOOP(p, total) {
        int x = (int)(p % W);
        int y = (int)((p / W) % H);
        int n = (int)(p / ((long long)W * H));
        int v = plane[p];
        float tyf = (float)y * inv_th - 0.5f, txf = (float)x * inv_tw - 0.5f;
        float fy1 = floorf(tyf), fx1 = floorf(txf);
        float wy = tyf - fy1, wx = txf - fx1;
        float wy1 = 1.f - wy, wx1 = 1.f - wx;
        int y1 = (int)fy1, x1 = (int)fx1;
        int y2 = y1 + 1 > TY - 1 ? TY - 1 : y1 + 1, x2 = x1 + 1 > TX - 1 ? TX - 1 : x1 + 1;
        y1 = y1 < 0 ? 0 : y1; x1 = x1 < 0 ? 0 : x1;
        long long base = (long long)n * TY * TX;
        long long t11 = base + y1 * TX + x1, t12 = base + y1 * TX + x2;
        long long t21 = base + y2 * TX + x1, t22 = base + y2 * TX + x2;
        float l11 = xalbu_tile_value(sorted + t11 * m, kept + t11 * m, excess[t11], m, v, bins, scale);
        float l12 = xalbu_tile_value(sorted + t12 * m, kept + t12 * m, excess[t12], m, v, bins, scale);
        float l21 = xalbu_tile_value(sorted + t21 * m, kept + t21 * m, excess[t21], m, v, bins, scale);
        float l22 = xalbu_tile_value(sorted + t22 * m, kept + t22 * m, excess[t22], m, v, bins, scale);
        float top = l11 * wx1 + l12 * wx;
        float bottom = l21 * wx1 + l22 * wx;
        float level = rintf(top * wy1 + bottom * wy);
        level = fminf(fmaxf(level, 0.f), (float)(bins - 1));
        if (mode < 2) { xalbu_put_level(dst + p, src + p, level); continue; }
        if (mode == 2) {  // OpenCV's 8-bit Lab -> RGB: the table of every (L, a, b) triple
            long long q = (((long long)level * 256 + (int)ab[2 * p]) * 256 + (int)ab[2 * p + 1]) * 3;
            for (int c = 0; c < 3; ++c) xalbu_put_level(dst + p * 3 + c, src + p * 3 + c, (float)lab_rgb[q + c]);
            continue;
        }
        // 16 bits: back from the float Lab, the generic kernel's lab_to_rgb
        float top_level = (float)(bins - 1);
        float L = level * k[38];
        float a = ab[2 * p], b = ab[2 * p + 1];
        float fy = (L + k[10]) / k[9];
        bool big = L > k[16];
        float Y = big ? fy * fy * fy : L / k[11];
        fy = big ? fy : k[7] * Y + k[8];
        float fx = fy + a / k[12], fz = fy - b / k[13];
        float X = fx > k[17] ? fx * fx * fx : (fx - k[8]) / k[7];
        float Z = fz > k[17] ? fz * fz * fz : (fz - k[8]) / k[7];
        const float* mm = k + 27;
        for (int c = 0; c < 3; ++c) {
            float lin = X * mm[3 * c] + Y * mm[3 * c + 1] + Z * mm[3 * c + 2];
            lin = fminf(fmaxf(lin, 0.f), 1.f);
            float g = lin <= k[14] ? k[0] * lin : k[3] * powf(lin, k[15]) - k[2];
            float out = fminf(fmaxf(rintf(g * top_level), 0.f), top_level);
            xalbu_put_level(dst + p * 3 + c, src + p * 3 + c, out);
        }
    }
}
