// xalbu histogram transforms (Equalize, AutoContrast): the batched kernels of backends/cupy/tone.py
// (CuPy RawModule), three launches per batch whatever its size, no atomics:
//   eq_planes<T>  one thread per pixel: the planes to equalise (each channel, or the Y of OpenCV's
//                 integer YCrCb with Cr and Cb kept), float32 read as uint8 levels rint(x * 255);
//   eq_tables     one thread per (sample, plane): its histogram over the masked pixels (scratch in
//                 global memory) and its table, "cv" (OpenCV's equalizeHist) or "pil";
//   ac_tables     likewise for AutoContrast: bounds from the cutoff, then a "cdf" or "pil" stretch;
//   eq_apply<T>   one thread per pixel: the planes through their tables, back to RGB for YCrCb.
// The arithmetic is the generic kernels' (xalbu.functional.tone.equalize, auto_contrast), no FMA
// contraction.
#include "common.cuh"

// planes: (N, P, H * W) levels; ycc: (N, H * W, 2) Cr, Cb (luma only)
template <typename T>
__global__ void eq_planes(const T* __restrict__ src, unsigned short* __restrict__ planes,
                          int* __restrict__ ycc, long long pixels, int HW, int C, int luma, int bins) {
    XALBU_GRID_LOOP(q, pixels) {
        long long n = q / HW, pix = q % HW;
        const T* s = src + q * C;
        if (!luma) {  // a non-finite float pixel is flagged (level + 256): left out of the histograms
            for (int c = 0; c < C; ++c)
                planes[(n * C + c) * HW + pix] = (unsigned short)(xalbu_level8<T>(s[c]) + (isfinite((float)s[c]) ? 0 : 256));
            continue;
        }
        long long r = xalbu_level8<T>(s[0]), g = xalbu_level8<T>(s[1]), b = xalbu_level8<T>(s[2]);
        long long y = (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
        long long half = (long long)(bins / 2) << 14;
        long long cr = ((r - y) * 11682 + half + 8192) >> 14;
        long long cb = ((b - y) * 9241 + half + 8192) >> 14;
        long long top = bins - 1;
        y = y < 0 ? 0 : (y > top ? top : y);
        cr = cr < 0 ? 0 : (cr > top ? top : cr);
        cb = cb < 0 ? 0 : (cb > top ? top : cb);
        bool flag = !(isfinite((float)s[0]) && isfinite((float)s[1]) && isfinite((float)s[2]));
        planes[n * HW + pix] = (unsigned short)(y + (flag ? 256 : 0));
        ycc[2 * q] = (int)cr;
        ycc[2 * q + 1] = (int)cb;
    }
}

// mask: uint8 (Nm, H * W, Q), Nm = N or 1 (m_stride 0), Q = 1 or P (q_step 0 or 1); null: none
extern "C" __global__ void eq_tables(const unsigned short* __restrict__ planes, int* __restrict__ hist,
                                     unsigned short* __restrict__ tables, const unsigned char* __restrict__ mask,
                                     int has_mask, long long m_stride, int Q, int N, int P, int HW, int bins,
                                     int pil) {
    long long total_planes = (long long)N * P;
    XALBU_GRID_LOOP(t, total_planes) {
        int n = (int)(t / P), p = (int)(t % P);
        int* h = hist + t * bins;
        unsigned short* lut = tables + t * bins;
        for (int i = 0; i < bins; ++i) h[i] = 0;
        const unsigned short* v = planes + t * HW;
        const unsigned char* m = mask + n * m_stride + (Q > 1 ? p : 0);
        for (int i = 0; i < HW; ++i)
            if ((int)v[i] < bins && (!has_mask || m[(long long)i * Q])) ++h[v[i]];
        int present = 0, first = -1, last = -1;
        long long total = 0;
        for (int i = 0; i < bins; ++i) {
            if (h[i]) { ++present; if (first < 0) first = i; last = i; }
            total += h[i];
        }
        bool identity = present <= 1;
        long long step = 0;
        float scale = 0.f;
        if (!identity && pil) { step = (total - h[last]) / (bins - 1); identity = step == 0; }
        if (!identity && !pil) scale = (float)(bins - 1) / (float)(total - h[first]);
        long long cdf = 0, base = 0;
        for (int i = 0; i < bins; ++i) {
            cdf += h[i];
            if (i == first) base = cdf;
            if (identity) { lut[i] = (unsigned short)i; continue; }
            if (pil) {
                long long q = (cdf + step / 2) / step;
                lut[i] = (unsigned short)(q > bins - 1 ? bins - 1 : q);
            } else {
                float r = rintf((float)(i < first ? cdf - h[first] : cdf - base) * scale);
                r = r < 0.f ? 0.f : (r > (float)(bins - 1) ? (float)(bins - 1) : r);
                lut[i] = (unsigned short)r;
            }
        }
    }
}

template <typename T>
__global__ void eq_apply(const T* __restrict__ src, const unsigned short* __restrict__ planes,
                         const int* __restrict__ ycc, const unsigned short* __restrict__ tables, T* __restrict__ dst,
                         long long pixels, int HW, int C, int luma, int bins) {
    XALBU_GRID_LOOP(q, pixels) {
        long long n = q / HW, pix = q % HW;
        if (!luma) {
            for (int c = 0; c < C; ++c) {
                long long t = n * C + c;
                xalbu_put_level(dst + q * C + c, src + q * C + c, tables[t * bins + (planes[t * HW + pix] & (bins - 1))]);
            }
            continue;
        }
        long long y = tables[n * bins + (planes[n * HW + pix] & (bins - 1))];
        long long dr = ycc[2 * q] - bins / 2, db = ycc[2 * q + 1] - bins / 2;
        long long rgb[3] = {y + ((dr * 22987 + 8192) >> 14), y + ((db * -5636 + dr * -11698 + 8192) >> 14),
                            y + ((db * 29049 + 8192) >> 14)};
        for (int c = 0; c < 3; ++c) {
            long long v = rgb[c] < 0 ? 0 : (rgb[c] > bins - 1 ? bins - 1 : rgb[c]);
            xalbu_put_level(dst + q * 3 + c, src + q * 3 + c, (int)v);
        }
    }
}

// AutoContrast's tables (xalbu.functional.tone.contrast_bounds / contrast_tables); ignore < 0: none
extern "C" __global__ void ac_tables(const unsigned short* __restrict__ planes, int* __restrict__ hist,
                                     unsigned short* __restrict__ tables, int N, int P, int HW, int bins,
                                     int ignore, double cutoff, int pil) {
    long long total_planes = (long long)N * P;
    int top = bins - 1;
    XALBU_GRID_LOOP(t, total_planes) {
        int* h = hist + t * bins;
        unsigned short* lut = tables + t * bins;
        for (int i = 0; i < bins; ++i) h[i] = 0;
        const unsigned short* v = planes + t * HW;
        for (int i = 0; i < HW; ++i)
            if ((int)v[i] != ignore && (int)v[i] < bins) ++h[v[i]];
        long long total = 0;
        int first = -1, last = -1;
        bool flat = true;
        for (int i = 0; i < bins; ++i) {
            total += h[i];
            if (h[i]) { if (first < 0) first = i; last = i; }
            if (h[i] != h[0]) flat = false;
        }
        int lo = 0, hi = 0;
        if (total > 0 && cutoff == 0.0) {
            lo = first; hi = last;
        } else if (total > 0) {
            double cut = (double)total * (cutoff / 100.0);
            if (flat) {
                lo = (int)((double)bins * cutoff / 100.0);
                hi = top - lo;
            } else {
                long long c = 0;
                lo = 1;
                for (int i = 0; i < bins; ++i) { c += h[i]; if ((double)c >= cut) { lo = i + 1; break; } }
                lo = lo < top ? lo : top;
                c = 0;
                hi = top;
                for (int i = top; i >= 0; --i) { c += h[i]; if ((double)c >= cut) { hi = i; break; } }
            }
            if (lo > hi) { lo = top / 2; hi = top / 2; }
        }
        long long cdf = 0, c_lo = 0, c_hi = 0;
        for (int i = 0; i < bins; ++i) { cdf += h[i]; if (i == lo) c_lo = cdf; if (i == hi) c_hi = cdf; }
        float span = (float)(c_hi > c_lo ? c_hi - c_lo : 1);
        double scale = (double)top / (double)(hi > lo ? hi - lo : 1);
        cdf = 0;
        for (int i = 0; i < bins; ++i) {
            cdf += h[i];
            int value = i;
            if (hi > lo) {
                if (i < lo) value = 0;
                else if (i > hi) value = top;
                else {
                    double r = pil ? rint((double)(i - lo) * scale)
                                   : (double)rintf((float)(cdf - c_lo) * (float)top / span);
                    r = r < 0.0 ? 0.0 : (r > (double)top ? (double)top : r);
                    value = (int)r;
                }
            }
            if (i == ignore) value = ignore;
            lut[i] = (unsigned short)value;
        }
    }
}
