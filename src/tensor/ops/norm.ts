/** Layer normalisation over the last dimension. */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';

export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const cols = x.shape[x.rank - 1];
  if (gamma.size !== cols || beta.size !== cols) {
    throw new Error(`layerNorm: gamma/beta have ${gamma.size}/${beta.size} values, expected ${cols}`);
  }
  const rows = x.size / cols;
  const out = Tensor.empty(x.shape);
  // Per-row statistics saved for backward (freed with the scope).
  const stats = Tensor.empty([2, rows]);
  const mean = stats.data.subarray(0, rows);
  const rstd = stats.data.subarray(rows, 2 * rows);
  const k = K();
  k.layerNorm(x.data, gamma.data, beta.data, out.data, mean, rstd, rows, cols, eps);
  record(out, [x, gamma, beta], () => {
    const dy = out.grad!;
    const dx = x.requiresGrad ? x.gradSlotFrom(out) : { g: scratch(x.size), accumulate: false };
    const dg = gamma.requiresGrad ? gamma.gradSlot() : { g: scratch(cols), accumulate: false };
    const db = beta.requiresGrad ? beta.gradSlot() : { g: scratch(cols), accumulate: false };
    if (dg.accumulate !== db.accumulate) throw new Error('layerNorm: gamma and beta gradients out of step');
    k.layerNormBackward(dy, x.data, gamma.data, mean, rstd, dx.g, dg.g, db.g, rows, cols, dx.accumulate, dg.accumulate);
  });
  return out;
}

/** A throw-away buffer for a gradient nobody needs (freed by the enclosing tidy()). */
function scratch(n: number): Float32Array {
  return Tensor.empty([n]).data;
}
