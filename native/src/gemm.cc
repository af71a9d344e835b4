// Matrix products through OpenBLAS. One big GEMM goes to cblas_sgemm with
// OpenBLAS's own threads. A grid of small GEMMs (attention heads: 256 products of
// 120x32 by 32x120 at the seed shapes) is faster split across our own threads,
// each calling single-threaded OpenBLAS, than handed to OpenBLAS one by one.
#include "kernels.h"
#include <cblas.h>
#include <omp.h>

namespace en2py {

// Below this many multiply-adds a product runs on one thread: waking a second
// one costs more than it saves (decoding one token multiplies 1 x 256 by 256 x V),
// and on a busy machine each parallel region can wait a whole time slice.
static constexpr double kSerialMacs = 1 << 21;

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

void gemm(bool transA, bool transB, int M, int N, int K, float alpha,
          const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  if (M == 0 || N == 0) return;
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

void gemmBatched(bool transA, bool transB, int M, int N, int K, float alpha,
                 const float* A, int lda, int64_t aS1, int64_t aS2,
                 const float* B, int ldb, int64_t bS1, int64_t bS2, float beta,
                 float* C, int ldc, int64_t cS1, int64_t cS2, int n1, int n2) {
  const int64_t count = (int64_t)n1 * n2;
  if (count == 0 || M == 0 || N == 0) return;
  const CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
  const double flopsEach = 2.0 * M * N * K;
  if (flopsEach * count < 2 * kSerialMacs) {
    singleThreaded([&] {
      for (int64_t idx = 0; idx < count; idx++) {
        const int64_t i = idx / n2, j = idx % n2;
        cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A + i * aS1 + j * aS2, lda,
                    B + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
      }
    });
    return;
  }
  // Large matrices: let OpenBLAS thread each one. Small ones: our threads, one matrix each.
  if (count == 1 || flopsEach > 4e7) {
    for (int64_t idx = 0; idx < count; idx++) {
      const int64_t i = idx / n2, j = idx % n2;
      cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A + i * aS1 + j * aS2, lda,
                  B + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
    }
    return;
  }
  // OpenMP-built OpenBLAS runs single-threaded inside our parallel region by itself
  // (and openblas_set_num_threads would change OpenMP's own thread count); the
  // pthread build has to be told.
  const bool ownPool = openblas_get_parallel() != 2;
  const int saved = openblas_get_num_threads();
  if (ownPool) openblas_set_num_threads(1);
#pragma omp parallel for schedule(static)
  for (int64_t idx = 0; idx < count; idx++) {
    const int64_t i = idx / n2, j = idx % n2;
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A + i * aS1 + j * aS2, lda,
                B + i * bS1 + j * bS2, ldb, beta, C + i * cS1 + j * cS2, ldc);
  }
  if (ownPool) openblas_set_num_threads(saved);
}

}  // namespace en2py
