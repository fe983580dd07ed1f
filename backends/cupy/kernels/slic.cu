// xalbu slic kernels: Superpixels (backends/cupy/_superpixels.py) on an integer NHWC batch, any batch
// size, per-sample centres (N, K) and grid steps. The same float64 arithmetic and order as the generic
// kernel xalbu.functional._superpixels.superpixels (compiled without FMA contraction): colours over
// (the sample's maximum + 1e-6), channel squares added left to right, + 10 * spatial / step^2; integer
// sums for the centres' moves and the segments' means. No shared memory, atomics or barriers.
#include "common.cuh"

// one thread per pixel: the best centre (strictly smaller distance, ties to the earlier centre) among
// those within `step` rows and columns, kept where it beats the distance the pixel already holds
template <typename T>
__global__ void slic_assign(const T* __restrict__ img, const double* __restrict__ top,
                            const long long* __restrict__ cy, const long long* __restrict__ cx,
                            const long long* __restrict__ ncentres, const long long* __restrict__ step,
                            double* __restrict__ dist, long long* __restrict__ labels, int N, int H, int W,
                            int C, int K) {
    long long total = (long long)N * H * W;
    XALBU_GRID_LOOP(p, total) {
        int n = (int)(p / ((long long)H * W));
        int y = (int)((p / W) % H);
        int x = (int)(p % W);
        long long s = step[n];
        double s2 = (double)(s * s);
        double t = top[n];
        const T* pix = img + p * C;
        double best = 0.0;
        long long arg = -1;
        long long kn = ncentres[n];
        for (long long k = 0; k < kn; ++k) {
            long long yc = cy[(long long)n * K + k], xc = cx[(long long)n * K + k];
            long long dy = y - yc, dx = x - xc;
            if (dy > s || -dy > s || dx > s || -dx > s) continue;
            const T* cen = img + (((long long)n * H + yc) * W + xc) * C;
            double colour = 0.0;
            for (int c = 0; c < C; ++c) {
                double a = (double)pix[c] / t - (double)cen[c] / t;
                double sq = a * a;
                colour = c == 0 ? sq : colour + sq;
            }
            double spatial = (double)(dy * dy + dx * dx) / s2;
            double d = colour + 10.0 * spatial;
            if (arg < 0 || d < best) {
                best = d;
                arg = k;
            }
        }
        if (arg >= 0 && best < dist[p]) {
            dist[p] = best;
            labels[p] = arg;
        }
    }
}

// one thread per (sample, centre): the centre moves to the truncated mean position of its pixels
extern "C" __global__ void slic_move(const long long* __restrict__ labels, long long* __restrict__ cy,
                                     long long* __restrict__ cx, int N, int H, int W, int K) {
    long long total = (long long)N * K;
    XALBU_GRID_LOOP(q, total) {
        long long n = q / K, k = q % K;
        const long long* lab = labels + n * H * W;
        long long cnt = 0, sy = 0, sx = 0;
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x)
                if (lab[(long long)y * W + x] == k) {
                    ++cnt;
                    sy += y;
                    sx += x;
                }
        if (cnt > 0) {
            cy[q] = (long long)((double)sy / (double)cnt);
            cx[q] = (long long)((double)sx / (double)cnt);
        }
    }
}

// one thread per (sample, label + 1): pixel count and the rounded, saturated mean of each channel
template <typename T>
__global__ void slic_means(const T* __restrict__ img, const long long* __restrict__ labels,
                           long long* __restrict__ counts, T* __restrict__ values, int N, int H, int W, int C,
                           int K1, double top) {
    long long total = (long long)N * K1;
    XALBU_GRID_LOOP(q, total) {
        long long n = q / K1, l = q % K1 - 1;
        const long long* lab = labels + n * H * W;
        const T* im = img + n * H * W * C;
        long long cnt = 0;
        for (long long p = 0; p < (long long)H * W; ++p) cnt += lab[p] == l;
        counts[q] = cnt;
        for (int c = 0; c < C; ++c) {
            double sum = 0.0;  // integers: exact in any order
            for (long long p = 0; p < (long long)H * W; ++p)
                if (lab[p] == l) sum += (double)im[p * C + c];
            double v = rint(sum / (double)(cnt > 0 ? cnt : 1));
            values[q * C + c] = (T)(v < 0.0 ? 0.0 : (v > top ? top : v));
        }
    }
}

// one thread per sample: which labels are replaced (present, not label 0, replace[rank % mod])
extern "C" __global__ void slic_flags(const long long* __restrict__ counts, const bool* __restrict__ replace,
                                      const long long* __restrict__ mod, unsigned char* __restrict__ flags,
                                      int N, int K1, int KR) {
    XALBU_GRID_LOOP(n, (long long)N) {
        long long rank = -1;
        for (int l = 0; l < K1; ++l) {
            bool present = counts[n * K1 + l] > 0 && l != 1;
            if (present) ++rank;
            flags[n * K1 + l] = present && replace[n * KR + (rank < 0 ? 0 : rank) % mod[n]];
        }
    }
}

// one thread per pixel and channel: the segment's mean where its label is flagged, else the pixel
template <typename T>
__global__ void slic_write(const T* __restrict__ img, const long long* __restrict__ labels,
                           const unsigned char* __restrict__ flags, const T* __restrict__ values,
                           T* __restrict__ out, int N, int H, int W, int C, int K1) {
    long long total = (long long)N * H * W * C;
    XALBU_GRID_LOOP(p, total) {
        long long px = p / C;
        int c = (int)(p % C);
        long long n = px / ((long long)H * W);
        long long q = n * K1 + labels[px] + 1;
        out[p] = flags[q] ? values[q * C + c] : img[p];
    }
}
