// OpenBLAS inside our own OpenMP parallel regions. Its OpenMP build runs
// single-threaded there by itself (and openblas_set_num_threads would change
// OpenMP's own thread count); the pthread build has to be told to use one
// thread, and told back afterwards. Shared by gemm.cc and attention.cc.
#pragma once
#include <cblas.h>

namespace en2py {

struct OneBlasThreadPerCaller {
  const bool ownPool = openblas_get_parallel() != 2;
  const int saved = openblas_get_num_threads();
  OneBlasThreadPerCaller() {
    if (ownPool) openblas_set_num_threads(1);
  }
  ~OneBlasThreadPerCaller() {
    if (ownPool) openblas_set_num_threads(saved);
  }
};

}  // namespace en2py
