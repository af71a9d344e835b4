/**
 * The kernel interface of the engine. Two implementations satisfy it:
 * `reference.ts` (plain TypeScript loops, the ground truth the tests compare
 * against, and the fallback) and `native.ts` (the C++ addon over OpenBLAS).
 *
 * Conventions: row-major; arrays may be subarray views; `accumulate` means
 * out += result, otherwise out = result. Argument order matches native/src/kernels.h.
 */
export type F32 = Float32Array;

/**
 * Products with fewer multiply-adds than this stay float32 in bf16 mode: one
 * decoding step's small products cost more in oneDNN's call overhead than the
 * matrix units save. (Tests lower it to put small models on the bf16 path.)
 */
export const BF16_MIN_MACS = 1 << 21;

export interface MatmulInfo {
  /** The library behind large products: "oneDNN 2.6.3", or "TypeScript loops". */
  library: string;
  /** The instruction set it dispatches to on this CPU (oneDNN's name), e.g. "avx512_core_amx". */
  isa: string;
  /** The implementation oneDNN picks for float32 and for bf16 inputs, e.g. "brg:avx512_core_amx_bf16". */
  fp32Impl: string;
  bf16Impl: string;
  /** bf16 runs on the CPU's own bf16 units (AMX or AVX512-BF16), so it is worth choosing by default. */
  bf16: boolean;
  precision: 'fp32' | 'bf16';
  /** Products run in bf16 since the process started. */
  bf16Products: number;
}

export interface Kernels {
  readonly name: 'native' | 'reference';

  /** Zeroed memory for large long-lived buffers (the arena); native uses huge pages. */
  allocate(bytes: number): ArrayBuffer;

  /**
   * C = alpha * op(A) · op(B) + beta * C; op(A) is M×K, op(B) is K×N. `Abf16` and
   * `Bbf16`, bf16 copies of A and B made by the caller (a weight converted once per
   * step, an activation that feeds several products), are used when the product
   * runs in bf16; otherwise the product rounds its float32 inputs itself.
   */
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: F32, lda: number, B: F32, ldb: number, beta: number, C: F32, ldc: number,
    Abf16?: Uint16Array | null, Bbf16?: Uint16Array | null,
  ): void;

  /**
   * The same GEMM over an n1 × n2 grid: matrix (i, j) of A starts at i*aS1 + j*aS2
   * (likewise B, C). Lets attention read heads in place from [batch, time, heads, dh].
   */
  gemmBatched(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: F32, lda: number, aS1: number, aS2: number,
    B: F32, ldb: number, bS1: number, bS2: number, beta: number,
    C: F32, ldc: number, cS1: number, cS2: number, n1: number, n2: number,
  ): void;

  /**
   * bf16 mode on or off. In bf16 mode a product takes its inputs rounded to
   * bfloat16 (accumulating and writing float32) when it has at least minMacs
   * multiply-adds (n1·n2·M·N·K; normally BF16_MIN_MACS); smaller ones stay float32.
   */
  setMatmulPrecision(bf16: boolean, minMacs: number): void;
  /** What runs the matrix products here, and whether bf16 runs on native units. */
  matmulInfo(): MatmulInfo;
  /** out[i] = x[i] rounded to bfloat16 (nearest, ties to even), as raw bits. */
  toBf16(x: F32, out: Uint16Array, n: number): void;

  /** out[i] (+)= a[i] + b[i % m] */
  add(a: F32, b: F32, out: F32, n: number, m: number, accumulate: boolean): void;
  /** out[i] (+)= a[i] * b[i % m] */
  mul(a: F32, b: F32, out: F32, n: number, m: number, accumulate: boolean): void;
  /** out[i] (+)= s * x[i] */
  scale(x: F32, out: F32, n: number, s: number, accumulate: boolean): void;
  /** out[c] (+)= Σ_r x[r, c] */
  sumRows(x: F32, rows: number, cols: number, out: F32, accumulate: boolean): void;
  /** out[c] (+)= Σ_r x[r, c] · y[r, c] */
  mulSumRows(x: F32, y: F32, rows: number, cols: number, out: F32, accumulate: boolean): void;
  sumSquares(x: F32, n: number): number;
  sum(x: F32, n: number): number;

  relu(x: F32, out: F32, n: number): void;
  /** dx (+)= dy where y > 0 */
  reluBackward(y: F32, dy: F32, dx: F32, n: number, accumulate: boolean): void;

  /** Inverted dropout; the mask depends only on (seed, i). */
  dropout(x: F32, out: F32, mask: Uint8Array, n: number, p: number, seed: number): void;
  dropoutBackward(dy: F32, mask: Uint8Array, dx: F32, n: number, p: number, accumulate: boolean): void;

  layerNorm(
    x: F32, gamma: F32, beta: F32, out: F32, mean: F32, rstd: F32, rows: number, cols: number, eps: number,
  ): void;
  layerNormBackward(
    dy: F32, x: F32, gamma: F32, mean: F32, rstd: F32, dx: F32, dgamma: F32, dbeta: F32,
    rows: number, cols: number, accumulateDx: boolean, accumulateParams: boolean,
  ): void;

  /**
   * Row softmax. Row r adds mask row floor(r / maskDiv) % maskRows (when mask is
   * not null); with causalTq > 0, row r is query q = r % causalTq and columns
   * c > q + (cols − causalTq) are masked. Fully masked rows come out as zeros.
   */
  softmax(
    x: F32, out: F32, rows: number, cols: number, mask: F32 | null, maskDiv: number, maskRows: number,
    causalTq: number,
  ): void;
  /** dx (+)= y ⊙ (dy − Σ y ⊙ dy) */
  softmaxBackward(y: F32, dy: F32, dx: F32, rows: number, cols: number, accumulate: boolean): void;

  /**
   * Multi-head attention, fused (native/src/attention.cc): per head, out =
   * dropout(softmax(scale · Q Kᵀ + mask)) · V. q and out are [B, Tq, H·dh]; k and v
   * hold B blocks of kvStride floats whose first Tk rows of H·dh are used. keyMask
   * [B, Tk] is additive (nullable); causal masks key c > query i + (Tk − Tq). probs
   * [B, H, Tq, Tk] (nullable) receives the softmax before dropout. Dropout keeps
   * element i of [B, H, Tq, Tk] exactly as dropout() does for (seed, i), so
   * backward recomputes the mask instead of storing it.
   */
  attentionForward(
    q: F32, k: F32, v: F32, out: F32, probs: F32 | null, B: number, Tq: number, Tk: number, H: number, dh: number,
    kvStride: number, keyMask: F32 | null, causal: boolean, p: number, seed: number, scale: number,
  ): void;
  /** The gradients of attentionForward (same probs, p, seed) into dq, dk, dv (each nullable; accumulate flags). */
  attentionBackward(
    q: F32, k: F32, v: F32, probs: F32, dOut: F32, dq: F32 | null, dk: F32 | null, dv: F32 | null,
    accumulateQ: boolean, accumulateK: boolean, accumulateV: boolean, B: number, Tq: number, Tk: number, H: number,
    dh: number, kvStride: number, p: number, seed: number, scale: number,
  ): void;

  /**
   * Fused log-softmax + loss per row (label smoothing, focal gamma, class weights);
   * rows with target ignoreIndex count nothing. Writes gradScale · d(Σ weighted row
   * loss)/d(logits) into grad (unless grad is null) and [Σ weighted loss, Σ weight]
   * into result. For the output layer's blocks (linearLoss.ts), optionally: `bias`
   * is first added to the logits, in place; `biasGrad` += the sum of the gradient
   * rows; `gradBf16` receives the gradient rounded to bf16 (then grad may be null:
   * the float32 gradient stays in a row of scratch).
   */
  crossEntropy(
    logits: F32, targets: Int32Array, rows: number, vocab: number, ignoreIndex: number,
    smoothing: number, gamma: number, classWeights: F32 | null, grad: F32 | null, gradScale: number,
    result: Float64Array, bias?: F32 | null, biasGrad?: F32 | null, gradBf16?: Uint16Array | null,
  ): void;

  /** out[i, :] = table[ids[i], :] (zeros for ids outside [0, vocab)) */
  embedding(table: F32, ids: Int32Array, out: F32, n: number, dim: number, vocab: number): void;
  /** dtable[ids[i], :] += dy[i, :] */
  embeddingBackward(dy: F32, ids: Int32Array, dtable: F32, n: number, dim: number, vocab: number): void;

  /** [d0, d1, d2, d3] → [d0, d2, d1, d3] */
  permute0213(x: F32, out: F32, d0: number, d1: number, d2: number, d3: number, accumulate: boolean): void;

  /**
   * One Adam step (L2 weight decay like torch Adam, or decoupled like AdamW) on the
   * gradient times gradScale (gradient clipping's factor; 1 when absent).
   */
  adam(
    param: F32, grad: F32, m: F32, v: F32, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number, gradScale?: number,
  ): void;
}
