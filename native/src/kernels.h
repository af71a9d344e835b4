// The native kernels of the en2py engine. Plain C++ on raw pointers, so that
// every function here has a line-for-line twin in src/tensor/kernels/reference.ts
// (the tests compare the two). addon.cc turns JavaScript arguments into these calls.
//
// Conventions: row-major, contiguous unless a leading dimension (ld*) is given.
// `accumulate` means out += result; otherwise out = result.
#pragma once
#include <cstdint>

namespace en2py {

// Element-wise kernels split arrays over the cores only from this many elements:
// below it, waking the sleeping OpenMP threads (OMP_WAIT_POLICY=PASSIVE) costs
// more than the second core saves.
constexpr int64_t kParallelMin = 1 << 15;

// The precision of matrix products. In bf16 mode, products that are not tiny take
// their inputs rounded to bfloat16 (accumulating and writing float32), on the
// CPU's matrix units through oneDNN; everything else stays float32.
// Products of fewer than minMacs multiply-adds (n1*n2*M*N*K) stay float32.
enum class Precision { fp32, bf16 };
void setPrecision(Precision p, double minMacs);
Precision precision();
// How many products have run in bf16 so far (tests check that bf16 was used).
int64_t bf16Products();

// A matrix operand: its float32 values, and optionally a bf16 copy of them (a
// weight converted once per training step) that bf16 mode uses instead.
struct Operand {
  const float* f32;
  const uint16_t* bf16 = nullptr;
};

// out[i] = x[i] rounded to bfloat16 (nearest, ties to even).
void toBf16(const float* x, uint16_t* out, int64_t n);

// C = alpha * op(A) * op(B) + beta * C, where op(A) is M x K and op(B) is K x N.
void gemm(bool transA, bool transB, int M, int N, int K, float alpha,
          Operand A, int lda, Operand B, int ldb, float beta, float* C, int ldc);

// The same GEMM over an n1 x n2 grid of matrices: matrix (i, j) of A starts at
// A + i*aS1 + j*aS2 (likewise B and C). Attention uses this to read heads in
// place from a [batch, time, heads, headDim] layout without transposing them.
void gemmBatched(bool transA, bool transB, int M, int N, int K, float alpha,
                 Operand A, int lda, int64_t aS1, int64_t aS2,
                 Operand B, int ldb, int64_t bS1, int64_t bS2, float beta,
                 float* C, int ldc, int64_t cS1, int64_t cS2, int n1, int n2);

// out[i] (+)= a[i] + b[i % m]   /   out[i] (+)= a[i] * b[i % m]
void add(const float* a, const float* b, float* out, int64_t n, int64_t m, bool accumulate);
void mul(const float* a, const float* b, float* out, int64_t n, int64_t m, bool accumulate);
// out[i] (+)= s * x[i]
void scale(const float* x, float* out, int64_t n, float s, bool accumulate);
// out[c] (+)= sum_r x[r, c]
void sumRows(const float* x, int64_t rows, int64_t cols, float* out, bool accumulate);
// out[c] (+)= sum_r x[r, c] * y[r, c]
void mulSumRows(const float* x, const float* y, int64_t rows, int64_t cols, float* out, bool accumulate);
double sumSquares(const float* x, int64_t n);
double sum(const float* x, int64_t n);

void relu(const float* x, float* out, int64_t n);
// dx (+)= dy where y > 0
void reluBackward(const float* y, const float* dy, float* dx, int64_t n, bool accumulate);

// Inverted dropout with a counter-based hash, so the mask depends only on (seed, i)
// and is the same in every thread and in the TypeScript reference.
void dropout(const float* x, float* out, uint8_t* mask, int64_t n, float p, uint32_t seed);
void dropoutBackward(const float* dy, const uint8_t* mask, float* dx, int64_t n, float p, bool accumulate);

void layerNorm(const float* x, const float* gamma, const float* beta, float* out,
               float* mean, float* rstd, int64_t rows, int64_t cols, float eps);
void layerNormBackward(const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* rstd, float* dx, float* dgamma, float* dbeta,
                       int64_t rows, int64_t cols, bool accumulateDx, bool accumulateParams);

// Row softmax with an optional additive mask and an optional causal mask.
// Row r uses mask row (r / maskDiv) % maskRows. With causalTq > 0, row r is query
// q = r % causalTq and columns c > q + (cols - causalTq) are masked out.
// A row with every column masked comes out as zeros (never NaN).
void softmax(const float* x, float* out, int64_t rows, int64_t cols, const float* mask,
             int64_t maskDiv, int64_t maskRows, int64_t causalTq);
// dx (+)= y * (dy - sum(y * dy))
void softmaxBackward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols, bool accumulate);

// Fused multi-head attention (attention.cc). q and out are [B, Tq, H*dh], k and v
// [B, *, H*dh] with kvStride floats between batches (their first Tk rows used).
// Forward: out = dropout(softmax(scale * Q Kᵀ + mask)) V per head, keyMask [B, Tk]
// additive (nullable), causal masks key c > query i + (Tk - Tq); probs [B, H, Tq, Tk]
// receives the softmax (before dropout; nullable when backward will not run).
// Dropout keeps element i of [B, H, Tq, Tk] as dropout() does for (seed, i).
void attentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int B, int Tq,
                      int Tk, int H, int dh, int64_t kvStride, const float* keyMask, bool causal, float p,
                      uint32_t seed, float scale);
// Backward from dOut [B, Tq, H*dh]: dq, dk, dv (each nullable, laid out as q, k, v)
// (+)= the gradients of the forward above with the same probs, p and seed.
void attentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut,
                       float* dq, float* dk, float* dv, bool accumulateQ, bool accumulateK, bool accumulateV, int B,
                       int Tq, int Tk, int H, int dh, int64_t kvStride, float p, uint32_t seed, float scale);

// Fused log-softmax + loss over the vocabulary. Rows whose target is ignoreIndex
// count nothing. Supports label smoothing (eps), focal loss (gamma) and class
// weights (nullable). Writes gradScale * d(loss_sum)/d(logits) into grad (zeros on
// ignored rows; skipped when grad is null, for evaluation), and returns
// {sum of weighted row losses, sum of weights} in result[0..1].
// For the output layer's blocks (src/tensor/ops/linearLoss.ts), all nullable:
// bias is first added to the logits in place; biasGrad += the sum of the
// gradient rows; gradBf16 receives the gradient rounded to bf16 (grad may then
// be null, and the fp32 gradient is never written out).
void crossEntropy(float* logits, const int32_t* targets, int64_t rows, int64_t vocab,
                  int32_t ignoreIndex, float smoothing, float gamma, const float* classWeights,
                  float* grad, float gradScale, double* result, const float* bias = nullptr,
                  float* biasGrad = nullptr, uint16_t* gradBf16 = nullptr);

// out[i, :] = table[ids[i], :]; dtable[ids[i], :] += dy[i, :]. Ids outside [0, vocab)
// give zero rows and no gradient (the TypeScript op rejects them before this point).
void embedding(const float* table, const int32_t* ids, float* out, int64_t n, int64_t dim, int64_t vocab);
void embeddingBackward(const float* dy, const int32_t* ids, float* dtable, int64_t n, int64_t dim, int64_t vocab);

// [d0, d1, d2, d3] -> [d0, d2, d1, d3]
void permute0213(const float* x, float* out, int64_t d0, int64_t d1, int64_t d2, int64_t d3, bool accumulate);

// One Adam step. weightDecay is added to the gradient (L2, like torch.optim.Adam),
// or applied to the weights directly when decoupled (like AdamW).
void adam(float* param, const float* grad, float* m, float* v, int64_t n, float lr,
          float beta1, float beta2, float eps, float weightDecay, bool decoupled, int step,
          float gradScale = 1.0f);

}  // namespace en2py
