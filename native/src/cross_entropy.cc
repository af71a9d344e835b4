// Fused log-softmax + cross-entropy over the vocabulary: one pass over a row of
// logits for the max, one for the exponentials, one to scale them into the
// gradient (the row stays in cache between passes). The
// gradient is written during the forward pass, so the logits' probabilities are
// never stored separately.
#include "kernels.h"
#include "fastmath.h"
#include <cmath>
#include <omp.h>

namespace en2py {

namespace {

struct RowLoss {
  double loss;
  double weight;
};

// One row, in its own function so that the loops vectorise (inside the OpenMP
// outlined body, GCC reloads captured variables and gives up).
RowLoss crossEntropyRow(const float* __restrict z, float* __restrict g, int32_t t, int64_t vocab,
                        float smoothing, float gamma, float w, float gradScale) {
  float mx = z[0];
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < vocab; j++) mx = z[j] > mx ? z[j] : mx;
  // Exponentials go straight into the gradient row (when there is one), so
  // they are computed once and the last pass only scales them.
  float s = 0.0f, sumZ = 0.0f;
  if (g) {
#pragma omp simd reduction(+ : s, sumZ)
    for (int64_t j = 0; j < vocab; j++) {
      const float e = fast_exp(z[j] - mx);
      g[j] = e;
      s += e;
      sumZ += z[j];
    }
  } else {
#pragma omp simd reduction(+ : s, sumZ)
    for (int64_t j = 0; j < vocab; j++) {
      s += fast_exp(z[j] - mx);
      sumZ += z[j];
    }
  }
  const float lse = mx + std::log(s);
  const float logpT = z[t] - lse;
  const float invS = 1.0f / s;
  const float gw = w * gradScale;
  if (gamma == 0.0f) {
    // Label smoothing: target distribution (1 - eps) * onehot + eps / V.
    // d/dz_j = p_j - (1 - eps) onehot_j - eps / V.
    const float meanLogp = sumZ / vocab - lse;
    const double loss = (double)w * -((1.0f - smoothing) * logpT + smoothing * meanLogp);
    if (g) {
      const float a = gw * invS, b = gw * smoothing / vocab;
#pragma omp simd
      for (int64_t j = 0; j < vocab; j++) g[j] = g[j] * a - b;
      g[t] -= gw * (1.0f - smoothing);
    }
    return {loss, w};
  }
  // Focal loss -(1 - p_t)^gamma log p_t; d/dz_j = c * (onehot_j - p_j) with c below.
  const float pT = std::exp(logpT);
  const float oneMinus = 1.0f - pT;
  const float focal = std::pow(oneMinus, gamma);
  const float dpow = oneMinus > 0.0f ? gamma * pT * std::pow(oneMinus, gamma - 1.0f) * logpT : 0.0f;
  const float c = gw * (dpow - focal);
  if (g) {
    const float a = -c * invS;
#pragma omp simd
    for (int64_t j = 0; j < vocab; j++) g[j] *= a;
    g[t] += c;
  }
  return {(double)w * -focal * logpT, w};
}

}  // namespace

void crossEntropy(const float* logits, const int32_t* targets, int64_t rows, int64_t vocab,
                  int32_t ignoreIndex, float smoothing, float gamma, const float* classWeights,
                  float* grad, float gradScale, double* result) {
  double lossSum = 0.0, weightSum = 0.0;
#pragma omp parallel for reduction(+ : lossSum, weightSum) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    float* g = grad ? grad + r * vocab : nullptr;
    const int32_t t = targets[r];
    if (t == ignoreIndex || t < 0 || t >= vocab) {
      if (g)
        for (int64_t j = 0; j < vocab; j++) g[j] = 0.0f;
      continue;
    }
    const float w = classWeights ? classWeights[t] : 1.0f;
    const RowLoss row = crossEntropyRow(logits + r * vocab, g, t, vocab, smoothing, gamma, w, gradScale);
    lossSum += row.loss;
    weightSum += row.weight;
  }
  result[0] = lossSum;
  result[1] = weightSum;
}

}  // namespace en2py
