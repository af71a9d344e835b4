// One Adam step over a parameter, fused: moments, bias correction and update in a
// single pass. Matches torch.optim.Adam (L2 weight decay) and torch.optim.AdamW
// (decoupled weight decay).
#include "kernels.h"
#include <cmath>
#include <omp.h>

namespace en2py {

void adam(float* param, const float* grad, float* m, float* v, int64_t n, float lr,
          float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step, float gradScale) {
  const float bc1 = 1.0f - (float)std::pow((double)beta1, step);
  const float bc2Sqrt = (float)std::sqrt(1.0 - std::pow((double)beta2, step));
  const float stepSize = lr / bc1;
#pragma omp parallel for simd if (n > kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    float g = grad[i] * gradScale;  // gradient clipping's factor, applied here instead of in a pass of its own
    if (weightDecay != 0.0f) {
      if (decoupled) param[i] -= lr * weightDecay * param[i];
      else g += weightDecay * param[i];
    }
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    param[i] -= stepSize * m[i] / (std::sqrt(v[i]) / bc2Sqrt + eps);
  }
}

}  // namespace en2py
