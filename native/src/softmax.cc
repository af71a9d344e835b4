// Row softmax with additive and causal masks, and its backward.
#include "kernels.h"
#include "fastmath.h"
#include <cmath>
#include <limits>
#include <omp.h>

namespace en2py {

void softmax(const float* x, float* out, int64_t rows, int64_t cols, const float* mask,
             int64_t maskDiv, int64_t maskRows, int64_t causalTq) {
  const float negInf = -std::numeric_limits<float>::infinity();
#pragma omp parallel for if (rows * cols > kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    const float* mr = mask ? mask + ((r / maskDiv) % maskRows) * cols : nullptr;
    // Columns at or beyond `limit` are masked by causality.
    const int64_t limit = causalTq > 0 ? (r % causalTq) + (cols - causalTq) + 1 : cols;
    float mx = negInf;
    for (int64_t c = 0; c < limit; c++) {
      const float v = mr ? xr[c] + mr[c] : xr[c];
      o[c] = v;
      mx = v > mx ? v : mx;
    }
    if (mx == negInf) {  // every column masked
      for (int64_t c = 0; c < cols; c++) o[c] = 0.0f;
      continue;
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
}

void softmaxBackward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols, bool accumulate) {
#pragma omp parallel for if (rows * cols > kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (int64_t c = 0; c < cols; c++) dot += yr[c] * dyr[c];
#pragma omp simd
    for (int64_t c = 0; c < cols; c++) {
      const float g = yr[c] * (dyr[c] - dot);
      dxr[c] = accumulate ? dxr[c] + g : g;
    }
  }
}

}  // namespace en2py
