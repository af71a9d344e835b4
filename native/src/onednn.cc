// oneDNN matmul with a cache of ready primitives. oneDNN has a primitive cache of
// its own, but reaching it still means building a primitive descriptor on every
// call (tens of microseconds, and a training step makes about 150 products), so
// we keep the primitives themselves, keyed by everything that shapes them.
#include "onednn.h"
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>

namespace en2py {

namespace {

using dnnl::memory;
using Dims = memory::dims;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

memory::data_type dnnlType(DType t) { return t == DType::bf16 ? memory::data_type::bf16 : memory::data_type::f32; }

// The 4-D memory descriptor [n1, n2, rows, cols] of one operand. A grid stride of
// 0 means "the same matrix for every index": oneDNN calls that broadcasting and
// wants the dimension to be 1.
memory::desc describe(const StridedMatrix& m, int rows, int cols, int n1, int n2) {
  const int64_t d1 = m.s1 == 0 ? 1 : n1, d2 = m.s2 == 0 ? 1 : n2;
  const int64_t rowStride = m.trans ? 1 : m.ld, colStride = m.trans ? m.ld : 1;
  // Strides of size-1 dimensions never address anything, but oneDNN reads the
  // layout's shape from all strides: 1 would make a plain matrix look like
  // "cdab", which its AMX kernel (brgemm) rejects, so the product silently fell
  // to the much slower gemm:jit (measured: a third of AMX's rate). Give them the
  // strides of a dense outer dimension instead, so a single matrix is "abcd".
  const int64_t span = std::max<int64_t>((int64_t)(rows - 1) * rowStride + (int64_t)(cols - 1) * colStride + 1,
                                         (int64_t)rows * cols);
  const int64_t s2 = d2 == 1 ? span : m.s2;
  const int64_t s1 = d1 == 1 ? std::max<int64_t>(s2 * d2, span) : m.s1;
  return memory::desc(Dims{d1, d2, rows, cols}, dnnlType(m.type), Dims{s1, s2, rowStride, colStride});
}

struct Key {
  std::array<int64_t, 21> v;
  bool operator<(const Key& o) const { return v < o.v; }
};

struct Entry {
  dnnl::matmul primitive;
  memory::desc a, b, c;
};

std::map<Key, std::unique_ptr<Entry>>& cache() {
  static std::map<Key, std::unique_ptr<Entry>> entries;
  return entries;
}

// A bounded cache: sequence lengths vary from batch to batch, so a long run sees
// many shapes; when full, start over rather than track recency.
constexpr size_t kCacheCapacity = 2048;

Entry* primitiveFor(int M, int N, int K, float alpha, const StridedMatrix& A, const StridedMatrix& B, float beta,
                    int ldc, int64_t cS1, int64_t cS2, int n1, int n2) {
  float alphaBits = alpha, betaBits = beta;
  int32_t ab, bb;
  std::memcpy(&ab, &alphaBits, 4);
  std::memcpy(&bb, &betaBits, 4);
  const Key key{{M, N, K, ab, bb, (int64_t)A.type, A.trans, A.ld, A.s1, A.s2, (int64_t)B.type, B.trans, B.ld, B.s1,
                 B.s2, ldc, cS1, cS2, n1, n2, omp_get_max_threads()}};
  auto& entries = cache();
  auto found = entries.find(key);
  if (found != entries.end()) return found->second.get();
  if (entries.size() >= kCacheCapacity) entries.clear();

  const memory::desc a = describe(A, M, K, n1, n2);
  const memory::desc b = describe(B, K, N, n1, n2);
  // The output's unused outer strides are dense too, for the same reason as describe's.
  const int64_t cStride2 = n2 == 1 ? (int64_t)M * ldc : cS2;
  const int64_t cStride1 = n1 == 1 ? cStride2 * n2 : cS1;
  const memory::desc c(Dims{n1, n2, M, N}, memory::data_type::f32, Dims{cStride1, cStride2, ldc, 1});
  dnnl::primitive_attr attr;
  if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
  if (beta != 0.0f) {
    dnnl::post_ops ops;
    ops.append_sum(beta);
    attr.set_post_ops(ops);
  }
  auto pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), attr, cpuEngine());
  auto entry = std::make_unique<Entry>(Entry{dnnl::matmul(pd), a, b, c});
  Entry* raw = entry.get();
  entries.emplace(key, std::move(entry));
  return raw;
}

std::string implFor(memory::data_type t) {
  try {
    const memory::desc a(Dims{256, 256}, t, memory::format_tag::ab);
    const memory::desc c(Dims{256, 256}, memory::data_type::f32, memory::format_tag::ab);
    auto pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, a, c), cpuEngine());
    return pd.impl_info_str();
  } catch (const dnnl::error&) {
    return "none";
  }
}

const char* isaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_sse41: return "sse41";
    default: return "other";
  }
}

}  // namespace

bool onednnMatmul(int M, int N, int K, float alpha, const StridedMatrix& A, const StridedMatrix& B, float beta,
                  float* C, int ldc, int64_t cS1, int64_t cS2, int n1, int n2) {
  Entry* e;
  try {
    e = primitiveFor(M, N, K, alpha, A, B, beta, ldc, cS1, cS2, n1, n2);
  } catch (const dnnl::error&) {
    return false;  // no implementation for this layout: the caller uses its fallback
  }
  memory a(e->a, cpuEngine(), const_cast<void*>(A.data));
  memory b(e->b, cpuEngine(), const_cast<void*>(B.data));
  memory c(e->c, cpuEngine(), C);
  e->primitive.execute(cpuStream(), {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
  cpuStream().wait();
  return true;
}

OnednnInfo onednnInfo() {
  static const OnednnInfo info = [] {
    dnnl_set_primitive_cache_capacity(4096);
    const dnnl_version_t* v = dnnl_version();
    OnednnInfo r;
    r.version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    r.isa = isaName(dnnl_get_effective_cpu_isa());
    r.f32Impl = implFor(memory::data_type::f32);
    r.bf16Impl = implFor(memory::data_type::bf16);
    // Native bf16 units: AMX tiles, or AVX512-BF16 dot products. Anything else
    // (reference code, emulation on plain AVX-512) would be slower than float32.
    const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    r.bf16Fast = (isa == dnnl_cpu_isa_avx512_core_amx || isa == dnnl_cpu_isa_avx512_core_bf16) &&
                 r.bf16Impl.find("ref") == std::string::npos && r.bf16Impl != "none";
    return r;
  }();
  return info;
}

}  // namespace en2py
