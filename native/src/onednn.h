// Matrix products through oneDNN's matmul primitive (Debian: libdnnl-dev), which
// picks the CPU's best kernels by itself: AMX tiles or AVX512-BF16 dot products
// for bfloat16 inputs, AVX-512/AVX2 for float32. Inputs may be float32 or bf16;
// outputs and accumulation are always float32.
#pragma once
#include <cstdint>
#include <string>

namespace en2py {

enum class DType { f32, bf16 };

// One strided operand of a matmul grid: matrix (i, j) starts at data + i*s1 + j*s2
// (a stride of 0 shares the matrix across that grid dimension), rows are `ld` apart.
struct StridedMatrix {
  const void* data;
  DType type;
  bool trans;
  int ld;
  int64_t s1, s2;
};

// C(i, j) = alpha * op(A(i, j)) · op(B(i, j)) + beta * C(i, j) over an n1 x n2 grid.
// Returns false (having done nothing) if oneDNN has no implementation for it.
bool onednnMatmul(int M, int N, int K, float alpha, const StridedMatrix& A, const StridedMatrix& B, float beta,
                  float* C, int ldc, int64_t cS1, int64_t cS2, int n1, int n2);

struct OnednnInfo {
  std::string version;   // e.g. "2.6.3"
  std::string isa;       // the instruction set oneDNN dispatches to on this CPU
  std::string f32Impl;   // implementation chosen for a float32 matmul, e.g. "brg:avx512_core"
  std::string bf16Impl;  // the same for bf16 inputs, e.g. "brg:avx512_core_amx_bf16"
  bool bf16Fast;         // bf16 runs on the CPU's own bf16 units (AMX or AVX512-BF16), not emulated
};
OnednnInfo onednnInfo();

}  // namespace en2py
