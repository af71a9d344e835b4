// Embedding lookup and its scatter-add backward.
#include "kernels.h"
#include <cstring>
#include <omp.h>

namespace en2py {

void embedding(const float* table, const int32_t* ids, float* out, int64_t n, int64_t dim, int64_t vocab) {
#pragma omp parallel for if (n * dim > kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    const int32_t id = ids[i];
    if (id < 0 || id >= vocab) std::memset(out + i * dim, 0, dim * sizeof(float));
    else std::memcpy(out + i * dim, table + (int64_t)id * dim, dim * sizeof(float));
  }
}

// Serial on purpose: rows repeat (padding, common tokens), so a parallel scatter
// would race; at n*dim ~ 1M adds this takes about a millisecond.
void embeddingBackward(const float* dy, const int32_t* ids, float* dtable, int64_t n, int64_t dim, int64_t vocab) {
  for (int64_t i = 0; i < n; i++) {
    const int32_t id = ids[i];
    if (id < 0 || id >= vocab) continue;
    float* dst = dtable + (int64_t)id * dim;
    const float* src = dy + i * dim;
#pragma omp simd
    for (int64_t d = 0; d < dim; d++) dst[d] += src[d];
  }
}

}  // namespace en2py
