// Row softmax with additive and causal masks, and its backward.
#include "kernels.h"
#include "rows.h"
#include <omp.h>

namespace en2py {

void softmax(const float* x, float* out, int64_t rows, int64_t cols, const float* mask,
             int64_t maskDiv, int64_t maskRows, int64_t causalTq) {
#pragma omp parallel for if (rows * cols > kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* mr = mask ? mask + ((r / maskDiv) % maskRows) * cols : nullptr;
    // Columns at or beyond `limit` are masked by causality.
    const int64_t limit = causalTq > 0 ? (r % causalTq) + (cols - causalTq) + 1 : cols;
    softmaxRow(x + r * cols, out + r * cols, cols, mr, limit);
  }
}

void softmaxBackward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols, bool accumulate) {
#pragma omp parallel for if (rows * cols > kParallelMin)
  for (int64_t r = 0; r < rows; r++) softmaxBackwardRow(y + r * cols, dy + r * cols, dx + r * cols, cols, accumulate);
}

}  // namespace en2py
