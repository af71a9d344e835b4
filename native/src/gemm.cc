// Matrix products. Two engines, chosen per call:
// - oneDNN (onednn.cc) for products large enough to pay for its JIT kernels: in
//   bf16 mode with bfloat16 inputs on the CPU's matrix units, otherwise float32;
// - OpenBLAS for small ones (one decoding step's attention: 1 x Tk x 32, with Tk
//   changing every token, would make oneDNN compile a kernel per token) and for
//   one-row products, where its GEMV is the fastest we measured.
// A grid of small GEMMs (attention heads) below oneDNN's threshold runs split
// across our own threads, each calling single-threaded OpenBLAS.
#include "kernels.h"
#include "bf16.h"
#include "blas_threads.h"
#include "onednn.h"
#include <cblas.h>
#include <omp.h>
#include <vector>

namespace en2py {

// Below this many multiply-adds a product runs on one thread: waking a second
// one costs more than it saves (decoding one token multiplies 1 x 256 by 256 x V),
// and on a busy machine each parallel region can wait a whole time slice.
static constexpr double kSerialMacs = 1 << 21;

static Precision gPrecision = Precision::fp32;
static double gBf16MinMacs = kSerialMacs;
static int64_t gBf16Products = 0;
void setPrecision(Precision p, double minMacs) {
  gPrecision = p;
  gBf16MinMacs = minMacs;
}
Precision precision() { return gPrecision; }
int64_t bf16Products() { return gBf16Products; }

void toBf16(const float* x, uint16_t* out, int64_t n) {
#pragma omp parallel for schedule(static) if (n > (1 << 16))
  for (int64_t i = 0; i < n; i++) out[i] = floatToBf16(x[i]);
}

// Run f with OpenBLAS (and OpenMP) limited to one thread, then restore.
template <typename F>
static void singleThreaded(F f) {
  const bool openmp = openblas_get_parallel() == 2;
  const int savedBlas = openblas_get_num_threads();
  const int savedOmp = omp_get_max_threads();
  // The OpenMP build follows omp_set_num_threads; the pthread build its own setting.
  if (openmp) omp_set_num_threads(1);
  else openblas_set_num_threads(1);
  f();
  if (openmp) omp_set_num_threads(savedOmp);
  else openblas_set_num_threads(savedBlas);
}

// Elements spanned by an n1 x n2 grid of rows x cols matrices with row stride ld.
static int64_t gridSpan(int64_t rows, int64_t cols, int64_t ld, int64_t s1, int64_t s2, int n1, int n2) {
  return (n1 - 1) * s1 + (n2 - 1) * s2 + (rows - 1) * ld + cols;
}

// bf16 copies of float32 operands, reused from call to call: in these VMs the
// first touch of fresh memory costs more than the conversion itself.
static const uint16_t* bf16Copy(const float* x, int64_t n, std::vector<uint16_t>& scratch) {
  if ((int64_t)scratch.size() < n) scratch.resize(n);
  toBf16(x, scratch.data(), n);
  return scratch.data();
}

// In bf16 mode the matrix units pay off unless the product is tiny: one decoding
// step's products (1 x 256 x 256) cost more in oneDNN's call overhead than they
// gain, and stay float32 through OpenBLAS. The threshold comes from
// setPrecision (src/tensor/precision.ts); reference.ts mirrors this rule.
static bool useBf16(double macs) { return gPrecision == Precision::bf16 && macs >= gBf16MinMacs; }

static bool viaOnednn(bool transA, bool transB, int M, int N, int K, float alpha, Operand A, int lda, int64_t aS1,
                      int64_t aS2, Operand B, int ldb, int64_t bS1, int64_t bS2, float beta, float* C, int ldc,
                      int64_t cS1, int64_t cS2, int n1, int n2) {
  static std::vector<uint16_t> scratchA, scratchB;
  const double macs = (double)M * N * K * n1 * n2;
  StridedMatrix a{A.f32, DType::f32, transA, lda, aS1, aS2};
  StridedMatrix b{B.f32, DType::f32, transB, ldb, bS1, bS2};
  if (useBf16(macs)) {
    const int64_t spanA = gridSpan(transA ? K : M, transA ? M : K, lda, aS1, aS2, n1, n2);
    const int64_t spanB = gridSpan(transB ? N : K, transB ? K : N, ldb, bS1, bS2, n1, n2);
    a.data = A.bf16 ? (const void*)A.bf16 : bf16Copy(A.f32, spanA, scratchA);
    b.data = B.bf16 ? (const void*)B.bf16 : bf16Copy(B.f32, spanB, scratchB);
    a.type = b.type = DType::bf16;
    if (!onednnMatmul(M, N, K, alpha, a, b, beta, C, ldc, cS1, cS2, n1, n2)) return false;
    gBf16Products++;
    return true;
  }
  if (macs < kSerialMacs || M == 1) return false;  // OpenBLAS does these better
  return onednnMatmul(M, N, K, alpha, a, b, beta, C, ldc, cS1, cS2, n1, n2);
}

static void openblasGemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A, int lda,
                         const float* B, int ldb, float beta, float* C, int ldc) {
  auto run = [&] {
    if (M == 1) {
      // One row (decoding one token): a matrix-vector product, which OpenBLAS's
      // GEMV does several times faster than its GEMM at this shape.
      const int incA = transA ? lda : 1;
      if (transB) cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb, A, incA, beta, C, 1);
      else cblas_sgemv(CblasRowMajor, CblasTrans, K, N, alpha, B, ldb, A, incA, beta, C, 1);
      return;
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  };
  if ((double)M * N * K < kSerialMacs) singleThreaded(run);
  else run();
}

void gemm(bool transA, bool transB, int M, int N, int K, float alpha, Operand A, int lda, Operand B, int ldb,
          float beta, float* C, int ldc) {
  if (M == 0 || N == 0) return;
  if (viaOnednn(transA, transB, M, N, K, alpha, A, lda, 0, 0, B, ldb, 0, 0, beta, C, ldc, 0, 0, 1, 1)) return;
  openblasGemm(transA, transB, M, N, K, alpha, A.f32, lda, B.f32, ldb, beta, C, ldc);
}

void gemmBatched(bool transA, bool transB, int M, int N, int K, float alpha,
                 Operand A, int lda, int64_t aS1, int64_t aS2,
                 Operand B, int ldb, int64_t bS1, int64_t bS2, float beta,
                 float* C, int ldc, int64_t cS1, int64_t cS2, int n1, int n2) {
  const int64_t count = (int64_t)n1 * n2;
  if (count == 0 || M == 0 || N == 0) return;
  if (viaOnednn(transA, transB, M, N, K, alpha, A, lda, aS1, aS2, B, ldb, bS1, bS2, beta, C, ldc, cS1, cS2, n1, n2))
    return;
  const float* Af = A.f32;
  const float* Bf = B.f32;
  const CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
  const double flopsEach = 2.0 * M * N * K;
  if (flopsEach * count < 2 * kSerialMacs) {
    singleThreaded([&] {
      for (int64_t idx = 0; idx < count; idx++) {
        const int64_t i = idx / n2, j = idx % n2;
        cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, Af + i * aS1 + j * aS2, lda,
                    Bf + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
      }
    });
    return;
  }
  // Large matrices: let OpenBLAS thread each one. Small ones: our threads, one matrix each.
  if (count == 1 || flopsEach > 4e7) {
    for (int64_t idx = 0; idx < count; idx++) {
      const int64_t i = idx / n2, j = idx % n2;
      cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, Af + i * aS1 + j * aS2, lda,
                  Bf + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
    }
    return;
  }
  OneBlasThreadPerCaller blas;
#pragma omp parallel for schedule(static)
  for (int64_t idx = 0; idx < count; idx++) {
    const int64_t i = idx / n2, j = idx % n2;
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, Af + i * aS1 + j * aS2, lda,
                Bf + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
  }
}

}  // namespace en2py
