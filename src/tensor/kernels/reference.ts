/**
 * Reference kernels in plain TypeScript: the ground truth that tests compare the
 * native kernels against, and the fallback when the addon is missing. Written
 * for clarity over speed; each mirrors its twin in native/src/.
 */
import { BF16_MIN_MACS, type F32, type Kernels } from './types.js';

/** murmur3's 32-bit finaliser over (seed, i); identical to hash32 in native/src/elementwise.cc. */
export function hash32(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

// Rounding to bfloat16 through a shared float/bits view, as native/src/bf16.h does.
const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** The bfloat16 bits of x (round to nearest, ties to even; NaN stays NaN). */
export function floatToBf16(x: number): number {
  f32View[0] = x;
  const u = u32View[0];
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16ToFloat(h: number): number {
  u32View[0] = h << 16;
  return f32View[0];
}

const roundBf16 = (x: number) => bf16ToFloat(floatToBf16(x));
const exact = (x: number) => x;

let bf16Mode = false;
let bf16MinMacs = BF16_MIN_MACS;
let bf16Products = 0;

/**
 * In bf16 mode, a product rounds its inputs to bfloat16 (or reads B's bf16 copy)
 * when native/src/gemm.cc would send it to the matrix units; see BF16_MIN_MACS.
 */
function roundsToBf16(macs: number): boolean {
  const yes = bf16Mode && macs >= bf16MinMacs;
  if (yes) bf16Products++;
  return yes;
}

function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: F32, lda: number, B: F32, ldb: number, beta: number, C: F32, ldc: number,
  aOff = 0, bOff = 0, cOff = 0, bf16 = false, Abf16: Uint16Array | null = null, Bbf16: Uint16Array | null = null,
): void {
  const r = bf16 ? roundBf16 : exact;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const ai = transA ? aOff + k * lda + i : aOff + i * lda + k;
        const a = Abf16 ? bf16ToFloat(Abf16[ai]) : r(A[ai]);
        const bi = transB ? bOff + j * ldb + k : bOff + k * ldb + j;
        const b = Bbf16 ? bf16ToFloat(Bbf16[bi]) : r(B[bi]);
        acc += a * b;
      }
      const c = cOff + i * ldc + j;
      C[c] = alpha * acc + (beta === 0 ? 0 : beta * C[c]);
    }
  }
}

export const referenceKernels: Kernels = {
  name: 'reference',

  allocate(bytes) {
    return new ArrayBuffer(bytes);
  },

  gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, Abf16, Bbf16) {
    const bf16 = roundsToBf16(M * N * K);
    gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 0, 0, 0, bf16,
      bf16 ? Abf16 ?? null : null, bf16 ? Bbf16 ?? null : null);
  },

  gemmBatched(transA, transB, M, N, K, alpha, A, lda, aS1, aS2, B, ldb, bS1, bS2, beta, C, ldc, cS1, cS2, n1, n2) {
    const bf16 = roundsToBf16(n1 * n2 * M * N * K);
    for (let i = 0; i < n1; i++) {
      for (let j = 0; j < n2; j++) {
        gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,
          i * aS1 + j * aS2, i * bS1 + j * bS2, i * cS1 + j * cS2, bf16);
      }
    }
  },

  setMatmulPrecision(bf16, minMacs) {
    bf16Mode = bf16;
    bf16MinMacs = minMacs;
  },

  matmulInfo() {
    // bf16 here is emulated by rounding: correct, never faster, so never the default.
    return { library: 'TypeScript loops', isa: 'none', fp32Impl: 'reference', bf16Impl: 'reference (emulated)',
      bf16: false, precision: bf16Mode ? 'bf16' : 'fp32', bf16Products };
  },

  toBf16(x, out, n) {
    for (let i = 0; i < n; i++) out[i] = floatToBf16(x[i]);
  },

  add(a, b, out, n, m, accumulate) {
    for (let i = 0; i < n; i++) out[i] = (accumulate ? out[i] : 0) + a[i] + b[i % m];
  },

  mul(a, b, out, n, m, accumulate) {
    for (let i = 0; i < n; i++) out[i] = (accumulate ? out[i] : 0) + a[i] * b[i % m];
  },

  scale(x, out, n, s, accumulate) {
    for (let i = 0; i < n; i++) out[i] = (accumulate ? out[i] : 0) + s * x[i];
  },

  sumRows(x, rows, cols, out, accumulate) {
    if (!accumulate) out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += x[r * cols + c];
  },

  mulSumRows(x, y, rows, cols, out, accumulate) {
    if (!accumulate) out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += x[r * cols + c] * y[r * cols + c];
  },

  sumSquares(x, n) {
    let total = 0;
    for (let i = 0; i < n; i++) total += x[i] * x[i];
    return total;
  },

  sum(x, n) {
    let total = 0;
    for (let i = 0; i < n; i++) total += x[i];
    return total;
  },

  relu(x, out, n) {
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
  },

  reluBackward(y, dy, dx, n, accumulate) {
    for (let i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0) + (y[i] > 0 ? dy[i] : 0);
  },

  dropout(x, out, mask, n, p, seed) {
    const keepScale = Math.fround(1 / Math.fround(1 - p));
    const threshold = Math.floor(Math.fround(p) * 16777216);
    for (let i = 0; i < n; i++) {
      const keep = hash32(seed >>> 0, i) >>> 8 >= threshold ? 1 : 0;
      mask[i] = keep;
      out[i] = keep ? x[i] * keepScale : 0;
    }
  },

  dropoutBackward(dy, mask, dx, n, p, accumulate) {
    const keepScale = Math.fround(1 / Math.fround(1 - p));
    for (let i = 0; i < n; i++) dx[i] = (accumulate ? dx[i] : 0) + (mask[i] ? dy[i] * keepScale : 0);
  },

  layerNorm(x, gamma, beta, out, mean, rstd, rows, cols, eps) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[o + c];
      const mu = s / cols;
      let v = 0;
      for (let c = 0; c < cols; c++) v += (x[o + c] - mu) ** 2;
      const rs = 1 / Math.sqrt(v / cols + eps);
      mean[r] = mu;
      rstd[r] = rs;
      for (let c = 0; c < cols; c++) out[o + c] = (x[o + c] - mu) * rs * gamma[c] + beta[c];
    }
  },

  layerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols, accumulateDx, accumulateParams) {
    if (!accumulateParams) {
      dgamma.fill(0, 0, cols);
      dbeta.fill(0, 0, cols);
    }
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const mu = mean[r];
      const rs = rstd[r];
      let sumD = 0;
      let sumDX = 0;
      for (let c = 0; c < cols; c++) {
        const xhat = (x[o + c] - mu) * rs;
        const d = dy[o + c] * gamma[c];
        sumD += d;
        sumDX += d * xhat;
        dgamma[c] += dy[o + c] * xhat;
        dbeta[c] += dy[o + c];
      }
      const meanD = sumD / cols;
      const meanDX = sumDX / cols;
      for (let c = 0; c < cols; c++) {
        const xhat = (x[o + c] - mu) * rs;
        const g = rs * (dy[o + c] * gamma[c] - meanD - xhat * meanDX);
        dx[o + c] = (accumulateDx ? dx[o + c] : 0) + g;
      }
    }
  },

  softmax(x, out, rows, cols, mask, maskDiv, maskRows, causalTq) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const m = mask ? (Math.floor(r / maskDiv) % maskRows) * cols : -1;
      const limit = causalTq > 0 ? (r % causalTq) + (cols - causalTq) + 1 : cols;
      let mx = -Infinity;
      for (let c = 0; c < limit; c++) {
        const v = mask ? x[o + c] + mask[m + c] : x[o + c];
        out[o + c] = v;
        if (v > mx) mx = v;
      }
      if (mx === -Infinity) {
        out.fill(0, o, o + cols);
        continue;
      }
      let s = 0;
      for (let c = 0; c < limit; c++) {
        const e = out[o + c] === -Infinity ? 0 : Math.exp(out[o + c] - mx);
        out[o + c] = e;
        s += e;
      }
      for (let c = 0; c < limit; c++) out[o + c] /= s;
      out.fill(0, o + limit, o + cols);
    }
  },

  softmaxBackward(y, dy, dx, rows, cols, accumulate) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += y[o + c] * dy[o + c];
      for (let c = 0; c < cols; c++) dx[o + c] = (accumulate ? dx[o + c] : 0) + y[o + c] * (dy[o + c] - dot);
    }
  },

  // The unfused composition the native kernel replaces: float32 products (as there),
  // softmax and dropout over the whole [B, H, Tq, Tk] array.
  attentionForward(q, k, v, out, probs, B, Tq, Tk, H, dh, kvStride, keyMask, causal, p, seed, scale) {
    const D = H * dh;
    const P = probs ?? new Float32Array(B * H * Tq * Tk);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        gemm(false, true, Tq, Tk, dh, scale, q, D, k, D, 0, P, Tk, b * Tq * D + h * dh, b * kvStride + h * dh, (b * H + h) * Tq * Tk);
      }
    }
    referenceKernels.softmax(P, P, B * H * Tq, Tk, keyMask, H * Tq, B, causal ? Tq : 0);
    let used = P;
    if (p > 0) {
      used = new Float32Array(P.length);
      referenceKernels.dropout(P, used, new Uint8Array(P.length), P.length, p, seed);
    }
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        gemm(false, false, Tq, dh, Tk, 1, used, Tk, v, D, 0, out, D, (b * H + h) * Tq * Tk, b * kvStride + h * dh, b * Tq * D + h * dh);
      }
    }
  },

  attentionBackward(q, k, v, probs, dOut, dq, dk, dv, accumulateQ, accumulateK, accumulateV, B, Tq, Tk, H, dh, kvStride, p, seed, scale) {
    const D = H * dh;
    const n = B * H * Tq * Tk;
    const mask = new Uint8Array(n);
    const used = p > 0 ? new Float32Array(n) : probs;
    if (p > 0) referenceKernels.dropout(probs, used, mask, n, p, seed);
    const heads = (f: (b: number, h: number, sq: number, qo: number, kvo: number) => void) => {
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) f(b, h, (b * H + h) * Tq * Tk, b * Tq * D + h * dh, b * kvStride + h * dh);
    };
    if (dv) heads((_b, _h, sq, qo, kvo) => gemm(true, false, Tk, dh, Tq, 1, used, Tk, dOut, D, accumulateV ? 1 : 0, dv, D, sq, qo, kvo));
    if (!dq && !dk) return;
    const dS = new Float32Array(n);
    heads((_b, _h, sq, qo, kvo) => gemm(false, true, Tq, Tk, dh, 1, dOut, D, v, D, 0, dS, Tk, qo, kvo, sq));
    if (p > 0) referenceKernels.dropoutBackward(dS, mask, dS, n, p, false);
    referenceKernels.softmaxBackward(probs, dS, dS, B * H * Tq, Tk, false);
    if (dq) heads((_b, _h, sq, qo, kvo) => gemm(false, false, Tq, dh, Tk, scale, dS, Tk, k, D, accumulateQ ? 1 : 0, dq, D, sq, kvo, qo));
    if (dk) heads((_b, _h, sq, qo, kvo) => gemm(true, false, Tk, dh, Tq, scale, dS, Tk, q, D, accumulateK ? 1 : 0, dk, D, sq, qo, kvo));
  },

  crossEntropy(logits, targets, rows, vocab, ignoreIndex, smoothing, gamma, classWeights, gradOut, gradScale, result,
    bias, biasGrad, gradBf16) {
    let lossSum = 0;
    let weightSum = 0;
    const wantGrad = !!(gradOut || biasGrad || gradBf16);
    const grad = wantGrad ? gradOut ?? new Float32Array(rows * vocab) : null;
    if (bias) for (let i = 0; i < rows * vocab; i++) logits[i] += bias[i % vocab];
    for (let r = 0; r < rows; r++) {
      const o = r * vocab;
      const t = targets[r];
      if (t === ignoreIndex || t < 0 || t >= vocab) {
        grad?.fill(0, o, o + vocab);
        continue;
      }
      let mx = -Infinity;
      for (let j = 0; j < vocab; j++) if (logits[o + j] > mx) mx = logits[o + j];
      let s = 0;
      let sumZ = 0;
      for (let j = 0; j < vocab; j++) {
        s += Math.exp(logits[o + j] - mx);
        sumZ += logits[o + j];
      }
      const lse = mx + Math.log(s);
      const w = classWeights ? classWeights[t] : 1;
      const gw = w * gradScale;
      const logpT = logits[o + t] - lse;
      if (gamma === 0) {
        const meanLogp = sumZ / vocab - lse;
        lossSum += w * -((1 - smoothing) * logpT + smoothing * meanLogp);
        if (grad) {
          for (let j = 0; j < vocab; j++) grad[o + j] = gw * (Math.exp(logits[o + j] - lse) - smoothing / vocab);
          grad[o + t] -= gw * (1 - smoothing);
        }
      } else {
        const pT = Math.exp(logpT);
        const oneMinus = 1 - pT;
        const focal = oneMinus ** gamma;
        const dpow = oneMinus > 0 ? gamma * pT * oneMinus ** (gamma - 1) * logpT : 0;
        const c = gw * (dpow - focal);
        lossSum += w * -focal * logpT;
        if (grad) {
          for (let j = 0; j < vocab; j++) grad[o + j] = -c * Math.exp(logits[o + j] - lse);
          grad[o + t] += c;
        }
      }
      weightSum += w;
    }
    if (grad && biasGrad) referenceKernels.sumRows(grad, rows, vocab, biasGrad, true);
    if (grad && gradBf16) referenceKernels.toBf16(grad, gradBf16, rows * vocab);
    result[0] = lossSum;
    result[1] = weightSum;
  },

  embedding(table, ids, out, n, dim, vocab) {
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id < 0 || id >= vocab) out.fill(0, i * dim, (i + 1) * dim);
      else out.set(table.subarray(id * dim, (id + 1) * dim), i * dim);
    }
  },

  embeddingBackward(dy, ids, dtable, n, dim, vocab) {
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id < 0 || id >= vocab) continue;
      for (let d = 0; d < dim; d++) dtable[id * dim + d] += dy[i * dim + d];
    }
  },

  permute0213(x, out, d0, d1, d2, d3, accumulate) {
    for (let a = 0; a < d0; a++) {
      for (let b = 0; b < d1; b++) {
        for (let c = 0; c < d2; c++) {
          const src = ((a * d1 + b) * d2 + c) * d3;
          const dst = ((a * d2 + c) * d1 + b) * d3;
          for (let d = 0; d < d3; d++) out[dst + d] = (accumulate ? out[dst + d] : 0) + x[src + d];
        }
      }
    }
  },

  adam(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, step, gradScale = 1) {
    const bc1 = 1 - beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / bc1;
    for (let i = 0; i < n; i++) {
      let g = Math.fround(grad[i] * gradScale);
      if (weightDecay !== 0) {
        if (decoupled) param[i] -= lr * weightDecay * param[i];
        else g += weightDecay * param[i];
      }
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      param[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  },
};
