// Fused log-softmax + cross-entropy over the vocabulary: one read of the logits
// to find the max, one to sum exponentials, one to write the gradient. The
// gradient is written during the forward pass, so the logits' probabilities are
// never stored separately.
#include "kernels.h"
#include "fastmath.h"
#include <cmath>
#include <omp.h>

namespace en2py {

void crossEntropy(const float* logits, const int32_t* targets, int64_t rows, int64_t vocab,
                  int32_t ignoreIndex, float smoothing, float gamma, const float* classWeights,
                  float* grad, float gradScale, double* result) {
  double lossSum = 0.0, weightSum = 0.0;
#pragma omp parallel for reduction(+ : lossSum, weightSum) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float* z = logits + r * vocab;
    float* g = grad ? grad + r * vocab : nullptr;
    const int32_t t = targets[r];
    if (t == ignoreIndex || t < 0 || t >= vocab) {
      if (g)
        for (int64_t j = 0; j < vocab; j++) g[j] = 0.0f;
      continue;
    }
    float mx = z[0];
    for (int64_t j = 1; j < vocab; j++) mx = z[j] > mx ? z[j] : mx;
    float s = 0.0f, sumZ = 0.0f;
#pragma omp simd reduction(+ : s, sumZ)
    for (int64_t j = 0; j < vocab; j++) {
      s += fast_exp(z[j] - mx);
      sumZ += z[j];
    }
    const float lse = mx + std::log(s);
    const float w = classWeights ? classWeights[t] : 1.0f;
    const float gw = w * gradScale;
    const float logpT = z[t] - lse;
    const float invS = 1.0f / s;
    if (gamma == 0.0f) {
      // Label smoothing: target distribution (1 - eps) * onehot + eps / V.
      const float meanLogp = sumZ / vocab - lse;
      lossSum += (double)w * -((1.0f - smoothing) * logpT + smoothing * meanLogp);
      const float uniform = smoothing / vocab;
      if (g) {
#pragma omp simd
        for (int64_t j = 0; j < vocab; j++) g[j] = gw * (fast_exp(z[j] - mx) * invS - uniform);
        g[t] -= gw * (1.0f - smoothing);
      }
    } else {
      // Focal loss -(1 - p_t)^gamma log p_t; d/dz_j = c * (onehot_j - p_j) with c below.
      const float pT = std::exp(logpT);
      const float oneMinus = 1.0f - pT;
      const float focal = std::pow(oneMinus, gamma);
      const float dpow = oneMinus > 0.0f ? gamma * pT * std::pow(oneMinus, gamma - 1.0f) * logpT : 0.0f;
      const float c = gw * (dpow - focal);
      lossSum += (double)w * -focal * logpT;
      if (g) {
#pragma omp simd
        for (int64_t j = 0; j < vocab; j++) g[j] = -c * fast_exp(z[j] - mx) * invS;
        g[t] += c;
      }
    }
    weightSum += w;
  }
  result[0] = lossSum;
  result[1] = weightSum;
}

}  // namespace en2py
