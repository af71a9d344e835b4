/**
 * Scaled dot-product attention over heads, as one op with its own backward.
 *
 * q [B, Tq, D], k and v [B, Tk, D] hold H heads side by side (D = H·dh). Rather
 * than transposing them to [B, H, T, dh], the batched GEMM reads each head in
 * place (leading dimension D, head offset h·dh), and writes the output back in
 * the same [B, Tq, D] layout, ready for the output projection. This saves two
 * copies per tensor per layer in both passes.
 */
import { K } from '../kernels/index.js';
import { bf16Copy } from '../precision.js';
import { isGradEnabled, record } from '../tape.js';
import { Tensor } from '../tensor.js';

export interface AttentionOptions {
  heads: number;
  /** [B, Tk] additive mask (0 keep, −∞ drop), e.g. source padding. */
  keyMask?: Float32Array | null;
  causal?: boolean;
  /** Dropout on the attention weights (training). */
  dropout?: number;
  seed?: number;
  /** Keep the attention weights [B, H, Tq, Tk] (for visualisation). */
  returnWeights?: boolean;
  /**
   * Decoding with a key/value cache: k and v are [B, capacity, D] buffers of which
   * the first `keyLength` rows per batch are filled. Inference only.
   */
  keyLength?: number;
}

export interface AttentionResult {
  out: Tensor;
  weights: Tensor | null;
}

export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): AttentionResult {
  const [B, Tq, D] = q.shape;
  const capacity = k.shape[1];
  const Tk = opts.keyLength ?? capacity;
  if (Tk > capacity || Tk < 1) throw new Error(`attention: key length ${Tk} outside [1, ${capacity}]`);
  const kvStride = capacity * D; // elements between batches in k and v
  const H = opts.heads;
  const dh = D / H;
  if (!Number.isInteger(dh)) throw new Error(`attention: width ${D} is not divisible by ${H} heads`);
  if (k.shape[0] !== B || v.shape[0] !== B || k.shape[2] !== D || v.shape[1] !== capacity || v.shape[2] !== D) {
    throw new Error(`attention: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not fit`);
  }
  if (opts.keyMask && opts.keyMask.length !== B * Tk) throw new Error(`attention: key mask needs ${B}×${Tk} values`);
  const scale = 1 / Math.sqrt(dh);
  const kr = K();

  // P = softmax(scale · Q Kᵀ + mask), one [Tq, Tk] matrix per (batch, head).
  // In bf16 mode, every operand that a backward product reads again is rounded
  // to bf16 once, here or at the top of backward (bf16Copy); all four products
  // of a pass have the same multiply-adds.
  const macs = B * H * Tq * Tk * dh;
  const training = Tk === capacity && isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad);
  const once = (x: Float32Array) => (training ? bf16Copy(x, x.length, macs) : null);
  const qBf16 = once(q.data);
  const kBf16 = once(k.data);
  const vBf16 = once(v.data);
  const probs = Tensor.empty([B, H, Tq, Tk]);
  const P = probs.data;
  kr.gemmBatched(false, true, Tq, Tk, dh, scale, q.data, D, Tq * D, dh, k.data, D, kvStride, dh, 0,
    P, Tk, H * Tq * Tk, Tq * Tk, B, H, qBf16, kBf16);
  kr.softmax(P, P, B * H * Tq, Tk, opts.keyMask ?? null, H * Tq, B, opts.causal ? Tq : 0);

  const p = opts.dropout ?? 0;
  let used = P;
  let mask: Uint8Array | null = null;
  if (p > 0) {
    const dropped = Tensor.empty([B, H, Tq, Tk]);
    const holder = Tensor.empty([Math.ceil(P.length / 4)]);
    mask = new Uint8Array(holder.data.buffer, holder.data.byteOffset, P.length);
    kr.dropout(P, dropped.data, mask, P.length, p, (opts.seed ?? 0) >>> 0);
    used = dropped.data;
  }

  // O[b, :, h, :] = P_bh · V_bh, written straight into the [B, Tq, D] layout.
  const out = Tensor.empty([B, Tq, D]);
  const usedBf16 = once(used);
  kr.gemmBatched(false, false, Tq, dh, Tk, 1, used, Tk, H * Tq * Tk, Tq * Tk, v.data, D, kvStride, dh, 0,
    out.data, D, Tq * D, dh, B, H, usedBf16, vBf16);

  if (Tk !== capacity) {
    if (isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad)) {
      throw new Error('attention: a partly filled key/value cache is for inference (use noGrad)');
    }
    return { out, weights: opts.returnWeights ? probs : null };
  }

  record(out, [q, k, v], () => {
    const dO = out.grad!;
    const needDS = q.requiresGrad || k.requiresGrad;
    const dOBf16 = v.requiresGrad && needDS ? once(dO) : null;
    if (v.requiresGrad) {
      const { g, accumulate } = v.gradSlot();
      kr.gemmBatched(true, false, Tk, dh, Tq, 1, used, Tk, H * Tq * Tk, Tq * Tk, dO, D, Tq * D, dh,
        accumulate ? 1 : 0, g, D, Tk * D, dh, B, H, usedBf16, dOBf16);
    }
    if (!needDS) return;
    // dP = dO · Vᵀ, then through dropout and softmax, in one scratch buffer.
    const dS = Tensor.empty([B, H, Tq, Tk]).data;
    kr.gemmBatched(false, true, Tq, Tk, dh, 1, dO, D, Tq * D, dh, v.data, D, Tk * D, dh, 0,
      dS, Tk, H * Tq * Tk, Tq * Tk, B, H, dOBf16, vBf16);
    if (mask) kr.dropoutBackward(dS, mask, dS, dS.length, p, false);
    kr.softmaxBackward(P, dS, dS, B * H * Tq, Tk, false);
    const dSBf16 = q.requiresGrad && k.requiresGrad ? once(dS) : null;
    if (q.requiresGrad) {
      const { g, accumulate } = q.gradSlot();
      kr.gemmBatched(false, false, Tq, dh, Tk, scale, dS, Tk, H * Tq * Tk, Tq * Tk, k.data, D, Tk * D, dh,
        accumulate ? 1 : 0, g, D, Tq * D, dh, B, H, dSBf16, kBf16);
    }
    if (k.requiresGrad) {
      const { g, accumulate } = k.gradSlot();
      kr.gemmBatched(true, false, Tk, dh, Tq, scale, dS, Tk, H * Tq * Tk, Tq * Tk, q.data, D, Tq * D, dh,
        accumulate ? 1 : 0, g, D, Tk * D, dh, B, H, dSBf16, qBf16);
    }
  });
  return { out, weights: opts.returnWeights ? probs : null };
}
