// bfloat16: the top 16 bits of an IEEE float32 (8-bit exponent, 7-bit mantissa).
// Conversions written with integer arithmetic, so they compile (and vectorise)
// on any x86-64 or ARM CPU; the matrix units only need the results.
#pragma once
#include <cstdint>
#include <cstring>

namespace en2py {

// Round to nearest, ties to even (what torch.bfloat16 and the AVX512-BF16
// instruction VCVTNEPS2BF16 do). NaN stays NaN (quiet). Written without a branch
// (both results computed, one selected) so that GCC vectorises loops over it:
// with an early return for NaN it converted one element at a time, and the
// conversions took a tenth of a bf16 training step.
inline uint16_t floatToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  const uint32_t quietNan = (u >> 16) | 0x40u;
  return (uint16_t)((u & 0x7fffffffu) > 0x7f800000u ? quietNan : rounded);
}

inline float bf16ToFloat(uint16_t h) {
  const uint32_t u = (uint32_t)h << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace en2py
