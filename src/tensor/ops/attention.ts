/**
 * Scaled dot-product attention over heads, as one op with its own backward.
 *
 * q [B, Tq, D], k and v [B, Tk, D] hold H heads side by side (D = H·dh). Rather
 * than transposing them to [B, H, T, dh], the kernels read each head in place
 * (leading dimension D, head offset h·dh) and write the output back in the same
 * [B, Tq, D] layout, ready for the output projection. Each pass is one fused
 * kernel (attentionForward / attentionBackward) that keeps a head's scores in
 * cache; the dropout mask is a hash of (seed, index), so backward recomputes it.
 */
import { K } from '../kernels/index.js';
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
  const p = opts.dropout ?? 0;
  const seed = (opts.seed ?? 0) >>> 0;
  const training = isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad);
  if (training && Tk !== capacity) {
    throw new Error('attention: a partly filled key/value cache is for inference (use noGrad)');
  }

  // One fused kernel per pass (native/src/attention.cc): each head's scores stay
  // in cache. The probabilities are kept for backward and for returnWeights.
  const probs = training || opts.returnWeights ? Tensor.empty([B, H, Tq, Tk]) : null;
  const out = Tensor.empty([B, Tq, D]);
  kr.attentionForward(q.data, k.data, v.data, out.data, probs?.data ?? null, B, Tq, Tk, H, dh, kvStride,
    opts.keyMask ?? null, opts.causal ?? false, p, seed, scale);

  record(out, [q, k, v], () => {
    const slot = (t: Tensor) => (t.requiresGrad ? t.gradSlot() : null);
    const dq = slot(q), dk = slot(k), dv = slot(v);
    kr.attentionBackward(q.data, k.data, v.data, probs!.data, out.grad!, dq?.g ?? null, dk?.g ?? null, dv?.g ?? null,
      dq?.accumulate ?? false, dk?.accumulate ?? false, dv?.accumulate ?? false, B, Tq, Tk, H, dh, kvStride, p, seed, scale);
  });
  return { out, weights: opts.returnWeights ? probs : null };
}
