/** Ops that change shape or layout. */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor, sizeOf, type Shape } from '../tensor.js';

/** The same values with another shape (a copy, so the result owns its buffer). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  if (sizeOf(shape) !== x.size) throw new Error(`reshape: [${x.shape}] has ${x.size} values, [${shape}] needs ${sizeOf(shape)}`);
  const out = Tensor.empty(shape);
  out.data.set(x.data);
  record(out, [x], () => {
    const { g, accumulate } = x.gradSlot();
    K().scale(out.grad!, g, x.size, 1, accumulate);
  });
  return out;
}

/** [B, T, H, dh] → [B, H, T, dh] (and back: the op is its own inverse on swapped sizes). */
export function transposeHeads(x: Tensor): Tensor {
  if (x.rank !== 4) throw new Error(`transposeHeads needs rank 4, got [${x.shape}]`);
  const [a, b, c, d] = x.shape;
  const out = Tensor.empty([a, c, b, d]);
  const k = K();
  k.permute0213(x.data, out.data, a, b, c, d, false);
  record(out, [x], () => {
    const { g, accumulate } = x.gradSlot();
    k.permute0213(out.grad!, g, a, c, b, d, accumulate);
  });
  return out;
}

/** Rows [start, start + count) of a 2-D tensor (e.g. the first T learned positions). */
export function sliceRows(x: Tensor, start: number, count: number): Tensor {
  const cols = x.shape[1];
  if (x.rank !== 2 || start < 0 || start + count > x.shape[0]) {
    throw new Error(`sliceRows: rows [${start}, ${start + count}) outside [${x.shape}]`);
  }
  const out = Tensor.empty([count, cols]);
  out.data.set(x.data.subarray(start * cols, (start + count) * cols));
  record(out, [x], () => {
    const { g, accumulate } = x.gradSlot();
    if (!accumulate) g.fill(0);
    K().scale(out.grad!, g.subarray(start * cols, (start + count) * cols), count * cols, 1, true);
  });
  return out;
}
