// Element-wise and reduction kernels. Memory-bound: OpenMP splits large arrays
// across the cores; small ones stay on one thread (starting threads costs more).
#include "kernels.h"
#include "rows.h"
#include <omp.h>

namespace en2py {



// out[i] (+)= op(a[i], b[i % m]); b is either as long as a or one row broadcast over its rows.
template <typename Op>
static void binary(const float* a, const float* b, float* out, int64_t n, int64_t m, bool accumulate, Op op) {
  if (m == n) {
#pragma omp parallel for simd if (n > kParallelMin)
    for (int64_t i = 0; i < n; i++) out[i] = (accumulate ? out[i] : 0.0f) + op(a[i], b[i]);
    return;
  }
  const int64_t rows = n / m;
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* ar = a + r * m;
    float* o = out + r * m;
#pragma omp simd
    for (int64_t c = 0; c < m; c++) o[c] = (accumulate ? o[c] : 0.0f) + op(ar[c], b[c]);
  }
}

void add(const float* a, const float* b, float* out, int64_t n, int64_t m, bool accumulate) {
  binary(a, b, out, n, m, accumulate, [](float x, float y) { return x + y; });
}

void mul(const float* a, const float* b, float* out, int64_t n, int64_t m, bool accumulate) {
  binary(a, b, out, n, m, accumulate, [](float x, float y) { return x * y; });
}

void scale(const float* x, float* out, int64_t n, float s, bool accumulate) {
#pragma omp parallel for simd if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) out[i] = (accumulate ? out[i] : 0.0f) + s * x[i];
}

void sumRows(const float* x, int64_t rows, int64_t cols, float* out, bool accumulate) {
  // Each thread sums a band of columns over all rows (bias gradients: 3,840 x 256),
  // so no two threads write the same output and the order of additions per
  // column is the same as on one thread.
  const int64_t band = 64;
  const int64_t bands = (cols + band - 1) / band;
#pragma omp parallel for schedule(static) if (rows * cols > kParallelMin && bands > 1)
  for (int64_t b = 0; b < bands; b++) {
    const int64_t c0 = b * band, c1 = c0 + band < cols ? c0 + band : cols;
    if (!accumulate)
      for (int64_t c = c0; c < c1; c++) out[c] = 0.0f;
    for (int64_t r = 0; r < rows; r++) {
      const float* xr = x + r * cols;
#pragma omp simd
      for (int64_t c = c0; c < c1; c++) out[c] += xr[c];
    }
  }
}

void mulSumRows(const float* x, const float* y, int64_t rows, int64_t cols, float* out, bool accumulate) {
  if (!accumulate)
    for (int64_t c = 0; c < cols; c++) out[c] = 0.0f;
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    const float* yr = y + r * cols;
#pragma omp simd
    for (int64_t c = 0; c < cols; c++) out[c] += xr[c] * yr[c];
  }
}

double sumSquares(const float* x, int64_t n) {
  double total = 0.0;
#pragma omp parallel for reduction(+ : total) if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) total += (double)x[i] * x[i];
  return total;
}

double sum(const float* x, int64_t n) {
  double total = 0.0;
#pragma omp parallel for reduction(+ : total) if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) total += x[i];
  return total;
}

void relu(const float* x, float* out, int64_t n) {
#pragma omp parallel for simd if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

// The `accumulate` branch sits outside the loops: written inside, GCC kept the
// overwriting loop scalar, which made it 4x slower than the accumulating one.
void reluBackward(const float* y, const float* dy, float* dx, int64_t n, bool accumulate) {
  if (accumulate) {
#pragma omp parallel for simd if (n > kParallelMin)
    for (int64_t i = 0; i < n; i++) dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
  } else {
#pragma omp parallel for simd if (n > kParallelMin)
    for (int64_t i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
  }
}

void dropout(const float* x, float* out, uint8_t* mask, int64_t n, float p, uint32_t seed) {
  const float keepScale = 1.0f / (1.0f - p);
  const uint32_t threshold = dropoutThreshold(p);
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    const uint8_t keep = dropoutKeeps(seed, (uint32_t)i, threshold);
    mask[i] = keep;
    out[i] = keep ? x[i] * keepScale : 0.0f;
  }
}

void dropoutBackward(const float* dy, const uint8_t* mask, float* dx, int64_t n, float p, bool accumulate) {
  const float keepScale = 1.0f / (1.0f - p);
  if (accumulate) {
#pragma omp parallel for simd if (n > kParallelMin)
    for (int64_t i = 0; i < n; i++) dx[i] += mask[i] ? dy[i] * keepScale : 0.0f;
  } else {
#pragma omp parallel for simd if (n > kParallelMin)
    for (int64_t i = 0; i < n; i++) dx[i] = mask[i] ? dy[i] * keepScale : 0.0f;
  }
}

void permute0213(const float* x, float* out, int64_t d0, int64_t d1, int64_t d2, int64_t d3, bool accumulate) {
#pragma omp parallel for collapse(2) if (d0 * d1 * d2 * d3 > kParallelMin)
  for (int64_t a = 0; a < d0; a++)
    for (int64_t b = 0; b < d1; b++)
      for (int64_t c = 0; c < d2; c++) {
        const float* src = x + ((a * d1 + b) * d2 + c) * d3;
        float* dst = out + ((a * d2 + c) * d1 + b) * d3;
        for (int64_t d = 0; d < d3; d++) dst[d] = (accumulate ? dst[d] : 0.0f) + src[d];
      }
}

}  // namespace en2py
