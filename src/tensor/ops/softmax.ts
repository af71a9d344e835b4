/** Softmax over the last dimension, with additive, boolean and causal masks. */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';

export interface SoftmaxMask {
  /**
   * An additive mask of shape [maskRows, cols]: row r of x adds mask row
   * floor(r / div) % maskRows. For attention scores [B, H, Tq, Tk] and a key
   * padding mask [B, Tk], div is H·Tq.
   */
  additive?: { values: Float32Array; rows: number; div: number };
  /** Causal: row r is query r % Tq and may not look at later keys. */
  causal?: boolean;
}

/** Turn a boolean mask (true = may attend) into the additive form (0 or −∞). */
export function booleanToAdditive(allowed: ArrayLike<boolean | number>): Float32Array {
  const out = new Float32Array(allowed.length);
  for (let i = 0; i < allowed.length; i++) out[i] = allowed[i] ? 0 : -Infinity;
  return out;
}

export function softmax(x: Tensor, mask: SoftmaxMask = {}): Tensor {
  const cols = x.shape[x.rank - 1];
  const rows = x.size / cols;
  const tq = mask.causal ? x.shape[x.rank - 2] : 0;
  const add = mask.additive;
  if (add && add.values.length !== add.rows * cols) {
    throw new Error(`softmax: mask has ${add.values.length} values, expected ${add.rows} × ${cols}`);
  }
  const out = Tensor.empty(x.shape);
  const k = K();
  k.softmax(x.data, out.data, rows, cols, add?.values ?? null, add?.div ?? 1, add?.rows ?? 1, tq);
  record(out, [x], () => {
    const dy = out.grad!;
    const { g, accumulate } = x.gradSlotFrom(out);
    k.softmaxBackward(out.data, dy, g, rows, cols, accumulate);
  });
  return out;
}
