// Layer norm over the last dimension, forward and backward, one pass per row.
#include "kernels.h"
#include <cmath>
#include <omp.h>
#include <vector>

namespace en2py {

void layerNorm(const float* x, const float* gamma, const float* beta, float* out,
               float* mean, float* rstd, int64_t rows, int64_t cols, float eps) {
#pragma omp parallel for if (rows * cols > kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < cols; c++) s += xr[c];
    const float mu = s / cols;
    float v = 0.0f;
#pragma omp simd reduction(+ : v)
    for (int64_t c = 0; c < cols; c++) v += (xr[c] - mu) * (xr[c] - mu);
    const float rs = 1.0f / std::sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
#pragma omp simd
    for (int64_t c = 0; c < cols; c++) o[c] = (xr[c] - mu) * rs * gamma[c] + beta[c];
  }
}

void layerNormBackward(const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* rstd, float* dx, float* dgamma, float* dbeta,
                       int64_t rows, int64_t cols, bool accumulateDx, bool accumulateParams) {
  const int threads = rows * cols > kParallelMin ? omp_get_max_threads() : 1;
  // Each thread sums its own dgamma/dbeta; they are added up at the end.
  std::vector<float> partial((size_t)threads * 2 * cols, 0.0f);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    float* pg = partial.data() + (size_t)t * 2 * cols;
    float* pb = pg + cols;
#pragma omp for
    for (int64_t r = 0; r < rows; r++) {
      const float* xr = x + r * cols;
      const float* dyr = dy + r * cols;
      float* dxr = dx + r * cols;
      const float mu = mean[r], rs = rstd[r];
      float sumD = 0.0f, sumDX = 0.0f;
#pragma omp simd reduction(+ : sumD, sumDX)
      for (int64_t c = 0; c < cols; c++) {
        const float xhat = (xr[c] - mu) * rs;
        const float d = dyr[c] * gamma[c];
        sumD += d;
        sumDX += d * xhat;
        pg[c] += dyr[c] * xhat;
        pb[c] += dyr[c];
      }
      const float meanD = sumD / cols, meanDX = sumDX / cols;
#pragma omp simd
      for (int64_t c = 0; c < cols; c++) {
        const float xhat = (xr[c] - mu) * rs;
        const float g = rs * (dyr[c] * gamma[c] - meanD - xhat * meanDX);
        dxr[c] = accumulateDx ? dxr[c] + g : g;
      }
    }
  }
  for (int64_t c = 0; c < cols; c++) {
    float g = 0.0f, b = 0.0f;
    for (int t = 0; t < threads; t++) {
      g += partial[(size_t)t * 2 * cols + c];
      b += partial[(size_t)t * 2 * cols + cols + c];
    }
    dgamma[c] = accumulateParams ? dgamma[c] + g : g;
    dbeta[c] = accumulateParams ? dbeta[c] + b : b;
  }
}

}  // namespace en2py
