// Fused multi-head attention: for one (batch, head) at a time, the scores, their
// softmax, dropout and the product with V, all while the head's Tq x Tk score
// matrix sits in the thread's cache.
//
// Why: done as separate kernels, the scores of a decoder layer (32 x 8 x 120 x 120
// floats at the seed shapes, 15 MB) crossed main memory about twelve times a
// step (written by Q·Kᵀ, read and written by softmax, by dropout, by the bf16
// rounding, read by P·V, and as many times again in backward), and batched bf16
// products of 120 x 120 x 32 ran at a tenth of the matrix units' rate. Here the
// probabilities are written once (backward needs them) and the dropout mask is
// not stored at all: it is a hash of (seed, index), recomputed in backward.
//
// The per-head products are float32 OpenBLAS calls on one thread each: at these
// sizes the matrix units would gain nothing over their call overhead.
#include "kernels.h"
#include "blas_threads.h"
#include "rows.h"
#include <cblas.h>
#include <omp.h>
#include <vector>

namespace en2py {

namespace {

// out = dropout of p applied to P's n values (element i has index base + i in
// dropout's hash), scaled by 1 / (1 - p). out may be P itself.
void dropRows(const float* P, float* out, int64_t n, int64_t base, float p, uint32_t seed) {
  const uint32_t threshold = dropoutThreshold(p);
  const float keepScale = 1.0f / (1.0f - p);
  for (int64_t i = 0; i < n; i++) out[i] = dropoutKeeps(seed, (uint32_t)(base + i), threshold) ? P[i] * keepScale : 0.0f;
}

}  // namespace

void attentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int B, int Tq,
                      int Tk, int H, int dh, int64_t kvStride, const float* keyMask, bool causal, float p,
                      uint32_t seed, float scale) {
  const int D = H * dh;
  const int64_t qStride = (int64_t)Tq * D, heads = (int64_t)B * H, square = (int64_t)Tq * Tk;
  OneBlasThreadPerCaller blas;
#pragma omp parallel if (heads * square * dh > kParallelMin)
  {
    std::vector<float> scores(probs ? 0 : square), dropped(p > 0 ? square : 0);
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < heads; bh++) {
      const int64_t b = bh / H, h = bh % H;
      const float* qh = q + b * qStride + h * dh;
      const float* kh = k + b * kvStride + h * dh;
      const float* vh = v + b * kvStride + h * dh;
      float* P = probs ? probs + bh * square : scores.data();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Tq, Tk, dh, scale, qh, D, kh, D, 0.0f, P, Tk);
      const float* mask = keyMask ? keyMask + b * Tk : nullptr;
      for (int64_t i = 0; i < Tq; i++) {
        const int64_t limit = causal ? i + (Tk - Tq) + 1 : Tk;
        softmaxRow(P + i * Tk, P + i * Tk, Tk, mask, limit);
      }
      const float* used = P;
      if (p > 0) {
        dropRows(P, dropped.data(), square, bh * square, p, seed);
        used = dropped.data();
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Tq, dh, Tk, 1.0f, used, Tk, vh, D, 0.0f,
                  out + b * qStride + h * dh, D);
    }
  }
}

void attentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut,
                       float* dq, float* dk, float* dv, bool accumulateQ, bool accumulateK, bool accumulateV, int B,
                       int Tq, int Tk, int H, int dh, int64_t kvStride, float p, uint32_t seed, float scale) {
  const int D = H * dh;
  const int64_t qStride = (int64_t)Tq * D, heads = (int64_t)B * H, square = (int64_t)Tq * Tk;
  OneBlasThreadPerCaller blas;
#pragma omp parallel if (heads * square * dh > kParallelMin)
  {
    std::vector<float> dropped(p > 0 && dv ? square : 0), dS(dq || dk ? square : 0);
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < heads; bh++) {
      const int64_t b = bh / H, h = bh % H;
      const float* P = probs + bh * square;
      const float* dOh = dOut + b * qStride + h * dh;
      const int64_t qOff = b * qStride + h * dh, kvOff = b * kvStride + h * dh;
      if (dv) {
        // dV = dropout(P)ᵀ · dO
        const float* used = P;
        if (p > 0) {
          dropRows(P, dropped.data(), square, bh * square, p, seed);
          used = dropped.data();
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Tk, dh, Tq, 1.0f, used, Tk, dOh, D,
                    accumulateV ? 1.0f : 0.0f, dv + kvOff, D);
      }
      if (!dq && !dk) continue;
      // dP = dO · Vᵀ, back through dropout, then dS = softmax's backward.
      float* g = dS.data();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Tq, Tk, dh, 1.0f, dOh, D, v + kvOff, D, 0.0f, g, Tk);
      if (p > 0) dropRows(g, g, square, bh * square, p, seed);
      for (int64_t i = 0; i < Tq; i++) softmaxBackwardRow(P + i * Tk, g + i * Tk, g + i * Tk, Tk, false);
      if (dq)  // dQ = scale · dS · K
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Tq, dh, Tk, scale, g, Tk, k + kvOff, D,
                    accumulateQ ? 1.0f : 0.0f, dq + qOff, D);
      if (dk)  // dK = scale · dSᵀ · Q
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Tk, dh, Tq, scale, g, Tk, q + qOff, D,
                    accumulateK ? 1.0f : 0.0f, dk + kvOff, D);
    }
  }
}

}  // namespace en2py
