// The N-API binding: checks every argument (types and that each array is long
// enough for the shapes given, so a wrong call throws instead of corrupting
// memory), then calls the plain C++ kernel. Argument order mirrors the
// TypeScript `Kernels` interface in src/tensor/kernels/types.ts.
#include <napi.h>
#include <cblas.h>
#include <sys/mman.h>
#include <string>
#include "kernels.h"
#include "onednn.h"

namespace {

using Napi::CallbackInfo;

struct Args {
  const CallbackInfo& info;
  const char* fn;

  [[noreturn]] void fail(int i, const std::string& what) const {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " " + what);
  }
  double num(int i) const {
    if (!info[i].IsNumber()) fail(i, "must be a number");
    return info[i].As<Napi::Number>().DoubleValue();
  }
  int64_t i64(int i) const { return (int64_t)num(i); }
  int i32(int i) const { return (int)num(i); }
  bool flag(int i) const {
    if (!info[i].IsBoolean()) fail(i, "must be a boolean");
    return info[i].As<Napi::Boolean>().Value();
  }
  template <typename T>
  T* array(int i, napi_typedarray_type type, int64_t need, bool nullable = false) const {
    if (nullable && (info[i].IsNull() || info[i].IsUndefined())) return nullptr;
    if (!info[i].IsTypedArray()) fail(i, "must be a typed array");
    auto arr = info[i].As<Napi::TypedArray>();
    if (arr.TypedArrayType() != type) fail(i, "has the wrong element type");
    if ((int64_t)arr.ElementLength() < need)
      fail(i, "is too short: " + std::to_string(arr.ElementLength()) + " < " + std::to_string(need));
    return reinterpret_cast<T*>(static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset());
  }
  float* f32(int i, int64_t need, bool nullable = false) const {
    return array<float>(i, napi_float32_array, need, nullable);
  }
  int32_t* i32s(int i, int64_t need) const { return array<int32_t>(i, napi_int32_array, need); }
  uint8_t* u8(int i, int64_t need) const { return array<uint8_t>(i, napi_uint8_array, need); }
  double* f64(int i, int64_t need) const { return array<double>(i, napi_float64_array, need); }
};

// Elements a row-major matrix with `rows` rows of `cols` at stride `ld` spans.
int64_t span(int64_t rows, int64_t cols, int64_t ld) { return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols; }

// BLAS requires each leading dimension to cover a row (and to be at least 1).
void checkLd(const Args& a, int i, int ld, int cols) {
  if (ld < (cols > 1 ? cols : 1)) a.fail(i, "(leading dimension " + std::to_string(ld) + ") is smaller than a row of " + std::to_string(cols));
}

Napi::Value Gemm(const CallbackInfo& info) {
  Args a{info, "gemm"};
  const bool tA = a.flag(0), tB = a.flag(1);
  const int M = a.i32(2), N = a.i32(3), K = a.i32(4);
  const int lda = a.i32(7), ldb = a.i32(9), ldc = a.i32(12);
  checkLd(a, 7, lda, tA ? M : K);
  checkLd(a, 9, ldb, tB ? K : N);
  checkLd(a, 12, ldc, N);
  const int64_t spanA = tA ? span(K, M, lda) : span(M, K, lda);
  const int64_t spanB = tB ? span(N, K, ldb) : span(K, N, ldb);
  const float* A = a.f32(6, spanA);
  const float* B = a.f32(8, spanB);
  // Optional: bf16 copies of A and B (made once by the caller for operands that
  // feed several products), used in bf16 mode instead of converting in the call.
  const uint16_t* Ah = info.Length() > 13 ? a.array<uint16_t>(13, napi_uint16_array, spanA, true) : nullptr;
  const uint16_t* Bh = info.Length() > 14 ? a.array<uint16_t>(14, napi_uint16_array, spanB, true) : nullptr;
  float* C = a.f32(11, span(M, N, ldc));
  en2py::gemm(tA, tB, M, N, K, (float)a.num(5), {A, Ah}, lda, {B, Bh}, ldb, (float)a.num(10), C, ldc);
  return info.Env().Undefined();
}

Napi::Value GemmBatched(const CallbackInfo& info) {
  Args a{info, "gemmBatched"};
  const bool tA = a.flag(0), tB = a.flag(1);
  const int M = a.i32(2), N = a.i32(3), K = a.i32(4);
  const int lda = a.i32(7), ldb = a.i32(11), ldc = a.i32(16);
  checkLd(a, 7, lda, tA ? M : K);
  checkLd(a, 11, ldb, tB ? K : N);
  checkLd(a, 16, ldc, N);
  const int64_t aS1 = a.i64(8), aS2 = a.i64(9), bS1 = a.i64(12), bS2 = a.i64(13), cS1 = a.i64(17), cS2 = a.i64(18);
  const int n1 = a.i32(19), n2 = a.i32(20);
  auto grid = [&](int64_t s1, int64_t s2, int64_t one) { return n1 == 0 || n2 == 0 ? 0 : (n1 - 1) * s1 + (n2 - 1) * s2 + one; };
  const float* A = a.f32(6, grid(aS1, aS2, tA ? span(K, M, lda) : span(M, K, lda)));
  const float* B = a.f32(10, grid(bS1, bS2, tB ? span(N, K, ldb) : span(K, N, ldb)));
  float* C = a.f32(15, grid(cS1, cS2, span(M, N, ldc)));
  en2py::gemmBatched(tA, tB, M, N, K, (float)a.num(5), {A}, lda, aS1, aS2, {B}, ldb, bS1, bS2, (float)a.num(14), C, ldc,
                     cS1, cS2, n1, n2);
  return info.Env().Undefined();
}

// add / mul share a signature: (a, b, out, n, m, accumulate)
template <void (*Kernel)(const float*, const float*, float*, int64_t, int64_t, bool)>
Napi::Value Binary(const CallbackInfo& info) {
  Args a{info, "add/mul"};
  const int64_t n = a.i64(3), m = a.i64(4);
  if (m <= 0 || n % m != 0) a.fail(4, "must divide the length n");
  Kernel(a.f32(0, n), a.f32(1, m), a.f32(2, n), n, m, a.flag(5));
  return info.Env().Undefined();
}

Napi::Value Scale(const CallbackInfo& info) {
  Args a{info, "scale"};
  const int64_t n = a.i64(2);
  en2py::scale(a.f32(0, n), a.f32(1, n), n, (float)a.num(3), a.flag(4));
  return info.Env().Undefined();
}

Napi::Value SumRows(const CallbackInfo& info) {
  Args a{info, "sumRows"};
  const int64_t rows = a.i64(1), cols = a.i64(2);
  en2py::sumRows(a.f32(0, rows * cols), rows, cols, a.f32(3, cols), a.flag(4));
  return info.Env().Undefined();
}

Napi::Value MulSumRows(const CallbackInfo& info) {
  Args a{info, "mulSumRows"};
  const int64_t rows = a.i64(2), cols = a.i64(3);
  en2py::mulSumRows(a.f32(0, rows * cols), a.f32(1, rows * cols), rows, cols, a.f32(4, cols), a.flag(5));
  return info.Env().Undefined();
}

Napi::Value SumSquares(const CallbackInfo& info) {
  Args a{info, "sumSquares"};
  const int64_t n = a.i64(1);
  return Napi::Number::New(info.Env(), en2py::sumSquares(a.f32(0, n), n));
}

Napi::Value Sum(const CallbackInfo& info) {
  Args a{info, "sum"};
  const int64_t n = a.i64(1);
  return Napi::Number::New(info.Env(), en2py::sum(a.f32(0, n), n));
}

Napi::Value Relu(const CallbackInfo& info) {
  Args a{info, "relu"};
  const int64_t n = a.i64(2);
  en2py::relu(a.f32(0, n), a.f32(1, n), n);
  return info.Env().Undefined();
}

Napi::Value ReluBackward(const CallbackInfo& info) {
  Args a{info, "reluBackward"};
  const int64_t n = a.i64(3);
  en2py::reluBackward(a.f32(0, n), a.f32(1, n), a.f32(2, n), n, a.flag(4));
  return info.Env().Undefined();
}

Napi::Value Dropout(const CallbackInfo& info) {
  Args a{info, "dropout"};
  const int64_t n = a.i64(3);
  en2py::dropout(a.f32(0, n), a.f32(1, n), a.u8(2, n), n, (float)a.num(4), (uint32_t)a.num(5));
  return info.Env().Undefined();
}

Napi::Value DropoutBackward(const CallbackInfo& info) {
  Args a{info, "dropoutBackward"};
  const int64_t n = a.i64(3);
  en2py::dropoutBackward(a.f32(0, n), a.u8(1, n), a.f32(2, n), n, (float)a.num(4), a.flag(5));
  return info.Env().Undefined();
}

Napi::Value LayerNorm(const CallbackInfo& info) {
  Args a{info, "layerNorm"};
  const int64_t rows = a.i64(6), cols = a.i64(7);
  en2py::layerNorm(a.f32(0, rows * cols), a.f32(1, cols), a.f32(2, cols), a.f32(3, rows * cols), a.f32(4, rows),
                   a.f32(5, rows), rows, cols, (float)a.num(8));
  return info.Env().Undefined();
}

Napi::Value LayerNormBackward(const CallbackInfo& info) {
  Args a{info, "layerNormBackward"};
  const int64_t rows = a.i64(8), cols = a.i64(9);
  en2py::layerNormBackward(a.f32(0, rows * cols), a.f32(1, rows * cols), a.f32(2, cols), a.f32(3, rows),
                           a.f32(4, rows), a.f32(5, rows * cols), a.f32(6, cols), a.f32(7, cols), rows, cols,
                           a.flag(10), a.flag(11));
  return info.Env().Undefined();
}

Napi::Value Softmax(const CallbackInfo& info) {
  Args a{info, "softmax"};
  const int64_t rows = a.i64(2), cols = a.i64(3);
  const int64_t maskDiv = a.i64(5), maskRows = a.i64(6), causalTq = a.i64(7);
  if (maskDiv <= 0 || maskRows <= 0) a.fail(5, "mask divisor and rows must be positive");
  if (causalTq < 0 || causalTq > cols) a.fail(7, "causal length must be in [0, cols]");
  en2py::softmax(a.f32(0, rows * cols), a.f32(1, rows * cols), rows, cols, a.f32(4, maskRows * cols, true), maskDiv,
                 maskRows, causalTq);
  return info.Env().Undefined();
}

Napi::Value SoftmaxBackward(const CallbackInfo& info) {
  Args a{info, "softmaxBackward"};
  const int64_t rows = a.i64(3), cols = a.i64(4);
  en2py::softmaxBackward(a.f32(0, rows * cols), a.f32(1, rows * cols), a.f32(2, rows * cols), rows, cols, a.flag(5));
  return info.Env().Undefined();
}

Napi::Value CrossEntropy(const CallbackInfo& info) {
  Args a{info, "crossEntropy"};
  const int64_t rows = a.i64(2), vocab = a.i64(3);
  // Arguments 11-13 (bias, biasGrad, gradBf16) are optional: the output layer's blocks pass them.
  en2py::crossEntropy(a.f32(0, rows * vocab), a.i32s(1, rows), rows, vocab, a.i32(4), (float)a.num(5),
                      (float)a.num(6), a.f32(7, vocab, true), a.f32(8, rows * vocab, true), (float)a.num(9),
                      a.f64(10, 2), info.Length() > 11 ? a.f32(11, vocab, true) : nullptr,
                      info.Length() > 12 ? a.f32(12, vocab, true) : nullptr,
                      info.Length() > 13 ? a.array<uint16_t>(13, napi_uint16_array, rows * vocab, true) : nullptr);
  return info.Env().Undefined();
}

// The shape arguments both attention bindings take, (B, Tq, Tk, H, dh, kvStride)
// from argument `at` on, checked, with the array sizes they imply.
struct AttentionDims {
  int B, Tq, Tk, H, dh;
  int64_t kvStride, qSize, kvSize, probsSize;
  AttentionDims(const Args& a, int at)
      : B(a.i32(at)), Tq(a.i32(at + 1)), Tk(a.i32(at + 2)), H(a.i32(at + 3)), dh(a.i32(at + 4)), kvStride(a.i64(at + 5)) {
    const int64_t D = (int64_t)H * dh;
    if (kvStride < Tk * D) a.fail(at + 5, "(kvStride) is smaller than Tk rows");
    qSize = (int64_t)B * Tq * D;
    kvSize = B == 0 ? 0 : (B - 1) * kvStride + Tk * D;
    probsSize = (int64_t)B * H * Tq * Tk;
  }
};

// attentionForward(q, k, v, out, probs, B, Tq, Tk, H, dh, kvStride, keyMask, causal, p, seed, scale)
Napi::Value AttentionForward(const CallbackInfo& info) {
  Args a{info, "attentionForward"};
  const AttentionDims d(a, 5);
  en2py::attentionForward(a.f32(0, d.qSize), a.f32(1, d.kvSize), a.f32(2, d.kvSize), a.f32(3, d.qSize),
                          a.f32(4, d.probsSize, true), d.B, d.Tq, d.Tk, d.H, d.dh, d.kvStride,
                          a.f32(11, (int64_t)d.B * d.Tk, true), a.flag(12), (float)a.num(13), (uint32_t)a.num(14),
                          (float)a.num(15));
  return info.Env().Undefined();
}

// attentionBackward(q, k, v, probs, dOut, dq, dk, dv, accQ, accK, accV, B, Tq, Tk, H, dh, kvStride, p, seed, scale)
Napi::Value AttentionBackward(const CallbackInfo& info) {
  Args a{info, "attentionBackward"};
  const AttentionDims d(a, 11);
  en2py::attentionBackward(a.f32(0, d.qSize), a.f32(1, d.kvSize), a.f32(2, d.kvSize), a.f32(3, d.probsSize),
                           a.f32(4, d.qSize), a.f32(5, d.qSize, true), a.f32(6, d.kvSize, true), a.f32(7, d.kvSize, true),
                           a.flag(8), a.flag(9), a.flag(10), d.B, d.Tq, d.Tk, d.H, d.dh, d.kvStride, (float)a.num(17),
                           (uint32_t)a.num(18), (float)a.num(19));
  return info.Env().Undefined();
}

Napi::Value Embedding(const CallbackInfo& info) {
  Args a{info, "embedding"};
  const int64_t n = a.i64(3), dim = a.i64(4), vocab = a.i64(5);
  en2py::embedding(a.f32(0, vocab * dim), a.i32s(1, n), a.f32(2, n * dim), n, dim, vocab);
  return info.Env().Undefined();
}

Napi::Value EmbeddingBackward(const CallbackInfo& info) {
  Args a{info, "embeddingBackward"};
  const int64_t n = a.i64(3), dim = a.i64(4), vocab = a.i64(5);
  en2py::embeddingBackward(a.f32(0, n * dim), a.i32s(1, n), a.f32(2, vocab * dim), n, dim, vocab);
  return info.Env().Undefined();
}

Napi::Value Permute0213(const CallbackInfo& info) {
  Args a{info, "permute0213"};
  const int64_t d0 = a.i64(2), d1 = a.i64(3), d2 = a.i64(4), d3 = a.i64(5);
  const int64_t n = d0 * d1 * d2 * d3;
  en2py::permute0213(a.f32(0, n), a.f32(1, n), d0, d1, d2, d3, a.flag(6));
  return info.Env().Undefined();
}

Napi::Value Adam(const CallbackInfo& info) {
  Args a{info, "adam"};
  const int64_t n = a.i64(4);
  en2py::adam(a.f32(0, n), a.f32(1, n), a.f32(2, n), a.f32(3, n), n, (float)a.num(5), (float)a.num(6),
              (float)a.num(7), (float)a.num(8), (float)a.num(9), a.flag(10), a.i32(11),
              info.Length() > 12 ? (float)a.num(12) : 1.0f);
  return info.Env().Undefined();
}

// A zero-filled ArrayBuffer backed by transparent huge pages where the kernel
// allows them (madvise mode): first touches of a large arena cost 512 times
// fewer page faults. Freed (munmap) when the buffer is garbage collected.
Napi::Value HugeBuffer(const CallbackInfo& info) {
  Args a{info, "hugeBuffer"};
  const size_t bytes = (size_t)a.i64(0);
  if (bytes == 0) return Napi::ArrayBuffer::New(info.Env(), 0);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw Napi::Error::New(info.Env(), "hugeBuffer: mmap of " + std::to_string(bytes) + " bytes failed");
  madvise(p, bytes, MADV_HUGEPAGE);
  // Tell V8 about the memory so that garbage collection frees old arenas promptly.
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), (int64_t)bytes);
  return Napi::ArrayBuffer::New(info.Env(), p, bytes, [](Napi::Env env, void* data, size_t* size) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -(int64_t)*size);
    munmap(data, *size);
    delete size;
  }, new size_t(bytes));
}

Napi::Value BlasInfo(const CallbackInfo& info) {
  auto obj = Napi::Object::New(info.Env());
  obj.Set("corename", std::string(openblas_get_corename()));
  obj.Set("threads", openblas_get_num_threads());
  const int parallel = openblas_get_parallel();
  obj.Set("parallel", parallel == 2 ? "openmp" : parallel == 1 ? "pthread" : "sequential");
  return obj;
}

Napi::Value ToBf16(const CallbackInfo& info) {
  Args a{info, "toBf16"};
  const int64_t n = a.i64(2);
  en2py::toBf16(a.f32(0, n), a.array<uint16_t>(1, napi_uint16_array, n), n);
  return info.Env().Undefined();
}

Napi::Value SetMatmulPrecision(const CallbackInfo& info) {
  Args a{info, "setMatmulPrecision"};
  en2py::setPrecision(a.flag(0) ? en2py::Precision::bf16 : en2py::Precision::fp32, a.num(1));
  return info.Env().Undefined();
}

Napi::Value MatmulInfo(const CallbackInfo& info) {
  const en2py::OnednnInfo d = en2py::onednnInfo();
  auto obj = Napi::Object::New(info.Env());
  obj.Set("onednnVersion", d.version);
  obj.Set("isa", d.isa);
  obj.Set("fp32Impl", d.f32Impl);
  obj.Set("bf16Impl", d.bf16Impl);
  obj.Set("bf16", d.bf16Fast);
  obj.Set("precision", en2py::precision() == en2py::Precision::bf16 ? "bf16" : "fp32");
  obj.Set("bf16Products", (double)en2py::bf16Products());
  return obj;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("gemmBatched", Napi::Function::New(env, GemmBatched));
  exports.Set("add", Napi::Function::New(env, Binary<en2py::add>));
  exports.Set("mul", Napi::Function::New(env, Binary<en2py::mul>));
  exports.Set("scale", Napi::Function::New(env, Scale));
  exports.Set("sumRows", Napi::Function::New(env, SumRows));
  exports.Set("mulSumRows", Napi::Function::New(env, MulSumRows));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares));
  exports.Set("sum", Napi::Function::New(env, Sum));
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("reluBackward", Napi::Function::New(env, ReluBackward));
  exports.Set("dropout", Napi::Function::New(env, Dropout));
  exports.Set("dropoutBackward", Napi::Function::New(env, DropoutBackward));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward));
  exports.Set("crossEntropy", Napi::Function::New(env, CrossEntropy));
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward));
  exports.Set("embedding", Napi::Function::New(env, Embedding));
  exports.Set("embeddingBackward", Napi::Function::New(env, EmbeddingBackward));
  exports.Set("permute0213", Napi::Function::New(env, Permute0213));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("toBf16", Napi::Function::New(env, ToBf16));
  exports.Set("setMatmulPrecision", Napi::Function::New(env, SetMatmulPrecision));
  exports.Set("matmulInfo", Napi::Function::New(env, MatmulInfo));
  exports.Set("hugeBuffer", Napi::Function::New(env, HugeBuffer));
  return exports;
}

}  // namespace

NODE_API_MODULE(en2py_native, Init)
