// Row kernels shared by the stand-alone kernels (softmax.cc, elementwise.cc) and
// the fused attention (attention.cc), so that both compute exactly the same numbers.
#pragma once
#include "fastmath.h"
#include <cstdint>
#include <limits>

namespace en2py {

// Softmax of one row of `cols` values, plus an additive mask row (nullable);
// columns from `limit` on are masked (causality). A fully masked row comes out
// as zeros. x and o may be the same row.
static inline void softmaxRow(const float* x, float* o, int64_t cols, const float* mask, int64_t limit) {
  const float negInf = -std::numeric_limits<float>::infinity();
  float mx = negInf;
  for (int64_t c = 0; c < limit; c++) {
    const float v = mask ? x[c] + mask[c] : x[c];
    o[c] = v;
    mx = v > mx ? v : mx;
  }
  if (mx == negInf) {  // every column masked
    for (int64_t c = 0; c < cols; c++) o[c] = 0.0f;
    return;
  }
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t c = 0; c < limit; c++) {
    const float e = o[c] == negInf ? 0.0f : fast_exp(o[c] - mx);
    o[c] = e;
    s += e;
  }
  const float inv = 1.0f / s;
#pragma omp simd
  for (int64_t c = 0; c < limit; c++) o[c] *= inv;
  for (int64_t c = limit; c < cols; c++) o[c] = 0.0f;
}

// dx (+)= y * (dy - sum(y * dy)) over one row; dy and dx may be the same row.
static inline void softmaxBackwardRow(const float* y, const float* dy, float* dx, int64_t cols, bool accumulate) {
  float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
  for (int64_t c = 0; c < cols; c++) dot += y[c] * dy[c];
#pragma omp simd
  for (int64_t c = 0; c < cols; c++) {
    const float g = y[c] * (dy[c] - dot);
    dx[c] = accumulate ? dx[c] + g : g;
  }
}

// Dropout's mask depends only on (seed, index): murmur3's 32-bit finaliser,
// the same arithmetic as hash32 in src/tensor/kernels/reference.ts.
static inline uint32_t hash32(uint32_t seed, uint32_t i) {
  uint32_t h = (i * 0x9E3779B1u) ^ seed;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

// Element i is kept with probability 1 - p: compare the hash's top 24 bits.
static inline uint32_t dropoutThreshold(float p) { return (uint32_t)(p * 16777216.0f); }
static inline bool dropoutKeeps(uint32_t seed, uint32_t i, uint32_t threshold) { return (hash32(seed, i) >> 8) >= threshold; }

}  // namespace en2py
