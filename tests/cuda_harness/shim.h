// CPU stand-in for the CUDA built-ins the xalbu kernels use (tests/cuda_harness).
// A kernel compiled with this header is an ordinary C++ function; the generated launcher loops
// over the grid and the block, one thread after another, setting the thread-local indices below.
// Compiled with -ffp-contract=off so that float arithmetic is not fused (nvcc/NVRTC contract by
// default: a kernel that must be exact needs --fmad=false there too). See README.md for what is
// not modelled (shared memory with barriers, atomics, warp intrinsics, streams...).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
// __restrict__ is a g++ keyword already.

struct uint3 { unsigned int x, y, z; };
struct dim3 {
    unsigned int x, y, z;
    dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
};

// The launcher sets these before calling the kernel body for each (block, thread).
static thread_local uint3 threadIdx;
static thread_local uint3 blockIdx;
static thread_local dim3 blockDim;
static thread_local dim3 gridDim;

// Float math: the C library's *f functions (rintf, floorf, fminf, ...) are single precision like
// CUDA's; <cmath> declares them. isnan & co. come from std (float overloads, never promoted).
using std::isnan;
using std::isinf;
using std::isfinite;
using std::signbit;
template <typename T> static inline T min(T a, T b) { return b < a ? b : a; }
template <typename T> static inline T max(T a, T b) { return a < b ? b : a; }

// Launch bookkeeping used by the generated launchers.
namespace xalbu_harness {
inline void set_dims(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz) {
    gridDim = dim3(gx, gy, gz);
    blockDim = dim3(bx, by, bz);
}
template <typename F>
inline void each_thread(F body) {
    for (unsigned z = 0; z < gridDim.z; ++z)
        for (unsigned y = 0; y < gridDim.y; ++y)
            for (unsigned x = 0; x < gridDim.x; ++x) {
                blockIdx = uint3{x, y, z};
                for (unsigned tz = 0; tz < blockDim.z; ++tz)
                    for (unsigned ty = 0; ty < blockDim.y; ++ty)
                        for (unsigned tx = 0; tx < blockDim.x; ++tx) {
                            threadIdx = uint3{tx, ty, tz};
                            body();
                        }
            }
}
}  // namespace xalbu_harness
