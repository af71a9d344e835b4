// A vectorisable exp for float: glibc's expf is not inlined or vectorised without
// -ffast-math, and exp over the vocabulary (32M calls per training step at the seed
// shapes) would otherwise cost more than the GEMMs around it. Cephes-style range
// reduction to 2^n * exp(r), |r| <= ln2/2, degree-6 polynomial: relative error ~2e-7.
#pragma once
#include <cstdint>

namespace en2py {

static inline float fast_exp(float x) {
  if (x < -87.0f) x = -87.0f;   // exp(-87) ~ 1.6e-38, the smallest normal float
  if (x > 88.0f) x = 88.0f;
  const float log2e = 1.44269504088896341f;
  float fx = x * log2e;
  // Round to nearest by adding and subtracting 1.5 * 2^23 (exact for |fx| < 2^22).
  // Not floorf: without -ffast-math GCC calls floorf for every element instead of
  // vectorising it, which made the loss over the vocabulary 6x slower (4.1 against 0.67 ns an element).
  float n = (fx + 12582912.0f) - 12582912.0f;
  // x - n*ln2 in two steps for accuracy
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  int32_t e = (int32_t)n + 127;
  return p * __builtin_bit_cast(float, e << 23);
}

}  // namespace en2py
