// Fused log-softmax + cross-entropy over the vocabulary: one pass over a row of
// logits for the max, one for the exponentials, one to scale them into the
// gradient (the row stays in cache between passes). The
// gradient is written during the forward pass, so the logits' probabilities are
// never stored separately.
#include "kernels.h"
#include "fastmath.h"
#include "bf16.h"
#include <cmath>
#include <omp.h>
#include <vector>

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

// Small loops in functions of their own, so that they vectorise (see above).
void addBias(float* __restrict z, const float* __restrict bias, int64_t n) {
#pragma omp simd
  for (int64_t j = 0; j < n; j++) z[j] += bias[j];
}

void accumulateRow(float* __restrict acc, const float* __restrict g, int64_t n) {
#pragma omp simd
  for (int64_t j = 0; j < n; j++) acc[j] += g[j];
}

void roundRow(const float* __restrict g, uint16_t* __restrict out, int64_t n) {
  for (int64_t j = 0; j < n; j++) out[j] = floatToBf16(g[j]);
}

}  // namespace

void crossEntropy(float* logits, const int32_t* targets, int64_t rows, int64_t vocab, int32_t ignoreIndex,
                  float smoothing, float gamma, const float* classWeights, float* grad, float gradScale,
                  double* result, const float* bias, float* biasGrad, uint16_t* gradBf16) {
  // With gradBf16 the fp32 gradient of a row lives only in a per-thread row of
  // scratch (in cache), and leaves as bf16 (half the bytes, and no later pass to
  // round it); bias gradients are summed from the same row per thread, then the
  // threads' sums are added in thread order (deterministic for a thread count).
  const int threads = omp_get_max_threads();
  const bool rowScratch = gradBf16 != nullptr || (biasGrad != nullptr && grad == nullptr);
  std::vector<float> scratch(rowScratch ? (size_t)threads * vocab : 0);
  std::vector<float> partial(biasGrad ? (size_t)threads * vocab : 0, 0.0f);
  const bool wantGrad = grad != nullptr || gradBf16 != nullptr || biasGrad != nullptr;
  double lossSum = 0.0, weightSum = 0.0;
#pragma omp parallel reduction(+ : lossSum, weightSum)
  {
    const int tid = omp_get_thread_num();
    float* acc = biasGrad ? partial.data() + (size_t)tid * vocab : nullptr;
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      float* z = logits + r * vocab;
      if (bias) addBias(z, bias, vocab);
      float* g = !wantGrad ? nullptr : rowScratch ? scratch.data() + (size_t)tid * vocab : grad + r * vocab;
      const int32_t t = targets[r];
      if (t == ignoreIndex || t < 0 || t >= vocab) {
        if (g)
          for (int64_t j = 0; j < vocab; j++) g[j] = 0.0f;
      } else {
        const float w = classWeights ? classWeights[t] : 1.0f;
        const RowLoss row = crossEntropyRow(z, g, t, vocab, smoothing, gamma, w, gradScale);
        lossSum += row.loss;
        weightSum += row.weight;
      }
      if (!g) continue;
      if (acc) accumulateRow(acc, g, vocab);
      if (gradBf16) roundRow(g, gradBf16 + r * vocab, vocab);
      if (grad && g != grad + r * vocab)
        for (int64_t j = 0; j < vocab; j++) grad[r * vocab + j] = g[j];
    }
  }
  if (biasGrad)
    for (int tid = 0; tid < threads; tid++) accumulateRow(biasGrad, partial.data() + (size_t)tid * vocab, vocab);
  result[0] = lossSum;
  result[1] = weightSum;
}

}  // namespace en2py
