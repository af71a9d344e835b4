/**
 * Matrix products: matmul (batched, with transposes) and linear (x·Wᵀ + b, the
 * PyTorch nn.Linear convention, weight [out, in]).
 */
import { K } from '../kernels/index.js';
import { bf16Copy, bf16Of, bf16Weight } from '../precision.js';
import { isGradEnabled, record } from '../tape.js';
import { Tensor } from '../tensor.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/**
 * C = op(A) · op(B). A is [..., M, K] ([..., K, M] with transA); B is either
 * [K, N] (shared by every batch) or has the same leading dims as A.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.rank < 2 || b.rank < 2) throw new Error('matmul needs tensors of rank 2 or more');
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const M = transA ? ac : ar;
  const Ka = transA ? ar : ac;
  const Kb = transB ? bc : br;
  const N = transB ? br : bc;
  if (Ka !== Kb) throw new Error(`matmul: inner sizes differ (${Ka} vs ${Kb})`);
  const lead = a.shape.slice(0, -2);
  const batch = lead.reduce((x, y) => x * y, 1);
  const shared = b.rank === 2;
  if (!shared && (b.rank !== a.rank || b.shape.slice(0, -2).some((d, i) => d !== lead[i]))) {
    throw new Error(`matmul: batch dims differ ([${a.shape}] vs [${b.shape}])`);
  }
  const out = Tensor.empty([...lead, M, N]);
  const k = K();
  const bStride = shared ? 0 : Ka * N;
  const run = (
    tA: boolean, tB: boolean, m: number, n: number, kk: number,
    A: Float32Array, lda: number, sA: number, B: Float32Array, ldb: number, sB: number,
    beta: number, C: Float32Array, sC: number,
  ) => k.gemmBatched(tA, tB, m, n, kk, 1, A, lda, sA, 0, B, ldb, sB, 0, beta, C, n, sC, 0, batch, 1);

  if (shared && !transA) {
    // One big GEMM: fold the batch into M.
    k.gemm(false, transB, batch * M, N, Ka, 1, a.data, ac, b.data, bc, 0, out.data, N);
  } else {
    run(transA, transB, M, N, Ka, a.data, ac, M * Ka, b.data, bc, bStride, 0, out.data, M * N);
  }

  record(out, [a, b], () => {
    const dC = out.grad!;
    if (a.requiresGrad) {
      const { g, accumulate } = a.gradSlot();
      const beta = accumulate ? 1 : 0;
      // d op(A) = dC · op(B)ᵀ; with transA, dA = op(B) · dCᵀ.
      if (!transA) run(false, !transB, M, Ka, N, dC, N, M * N, b.data, bc, bStride, beta, g, M * Ka);
      else run(transB, true, Ka, M, N, b.data, bc, bStride, dC, N, M * N, beta, g, M * Ka);
    }
    if (b.requiresGrad) {
      const { g, accumulate } = b.gradSlot();
      if (shared) {
        // dB sums over the batch: fold it into the GEMM's inner dimension when A is not transposed.
        if (!transA && !transB) k.gemm(true, false, Ka, N, batch * M, 1, a.data, ac, dC, N, accumulate ? 1 : 0, g, N);
        else if (!transA && transB) k.gemm(true, false, N, Ka, batch * M, 1, dC, N, a.data, ac, accumulate ? 1 : 0, g, Ka);
        else {
          for (let i = 0; i < batch; i++) {
            const beta = accumulate || i > 0 ? 1 : 0;
            const Ai = a.data.subarray(i * M * Ka);
            const dCi = dC.subarray(i * M * N);
            if (!transB) k.gemm(!transA, false, Ka, N, M, 1, Ai, ac, dCi, N, beta, g, N);
            else k.gemm(true, transA, N, Ka, M, 1, dCi, N, Ai, ac, beta, g, Ka);
          }
        }
      } else {
        const beta = accumulate ? 1 : 0;
        // d op(B) = op(A)ᵀ · dC; with transB, dB = dCᵀ · op(A).
        if (!transB) run(!transA, false, Ka, N, M, a.data, ac, M * Ka, dC, N, M * N, beta, g, Ka * N);
        else run(true, transA, N, Ka, M, dC, N, M * N, a.data, ac, M * Ka, beta, g, Ka * N);
      }
    }
  });
  return out;
}

/** y = x · Wᵀ + b for x [..., in], W [out, in], b [out] (optional). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [outF, inF] = weight.shape;
  if (x.shape[x.rank - 1] !== inF) {
    throw new Error(`linear: input has ${x.shape[x.rank - 1]} features, weight expects ${inF}`);
  }
  const rows = x.size / inF;
  const out = Tensor.empty([...x.shape.slice(0, -1), outF]);
  const k = K();
  const macs = rows * outF * inF; // of each of the three products
  const weightBf16 = bf16Weight(weight);
  // x feeds this product and, in backward, the weight's gradient: round it once.
  // (The copy is shared with any other linear reading x, such as q, k and v.)
  const xBf16 = isGradEnabled() && weight.requiresGrad ? bf16Of(x, macs) : null;
  k.gemm(false, true, rows, outF, inF, 1, x.data, inF, weight.data, inF, 0, out.data, outF, xBf16, weightBf16);
  if (bias) k.add(out.data, bias.data, out.data, out.size, outF, false);

  record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    const dyBf16 = x.requiresGrad && weight.requiresGrad ? bf16Copy(dy, dy.length, macs) : null;
    if (x.requiresGrad) {
      const { g, accumulate } = x.gradSlot();
      k.gemm(false, false, rows, inF, outF, 1, dy, outF, weight.data, inF, accumulate ? 1 : 0, g, inF, dyBf16, weightBf16);
    }
    if (weight.requiresGrad) {
      const { g, accumulate } = weight.gradSlot();
      k.gemm(true, false, outF, inF, rows, 1, dy, outF, x.data, inF, accumulate ? 1 : 0, g, inF, dyBf16, xBf16);
    }
    if (bias?.requiresGrad) {
      const { g, accumulate } = bias.gradSlot();
      k.sumRows(dy, rows, outF, g, accumulate);
    }
  });
  return out;
}
