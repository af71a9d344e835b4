/** Inverted dropout with a seeded, counter-based mask (the same in native and reference). */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';

export function dropout(x: Tensor, p: number, seed: number): Tensor {
  if (p <= 0) return x;
  if (p >= 1) throw new Error(`dropout: p must be below 1, got ${p}`);
  const out = Tensor.empty(x.shape);
  // The byte mask lives in a float tensor's memory (a quarter of its length), freed with the scope.
  const holder = Tensor.empty([Math.ceil(x.size / 4)]);
  const mask = new Uint8Array(holder.data.buffer, holder.data.byteOffset, x.size);
  const k = K();
  k.dropout(x.data, out.data, mask, x.size, p, seed >>> 0);
  record(out, [x], () => {
    const dy = out.grad!;
    const { g, accumulate } = x.gradSlotFrom(out);
    k.dropoutBackward(dy, mask, g, x.size, p, accumulate);
  });
  return out;
}
