/** Embedding lookup (gather) with scatter-add backward. */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';

/** Rows of table [vocab, dim] for each id; the result has shape [...idsShape, dim]. */
export function embedding(table: Tensor, ids: Int32Array, idsShape: Shape): Tensor {
  const [vocab, dim] = table.shape;
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    if (ids[i] < 0 || ids[i] >= vocab) throw new Error(`embedding: id ${ids[i]} at position ${i} is outside [0, ${vocab})`);
  }
  const out = Tensor.empty([...idsShape, dim]);
  if (out.size !== n * dim) throw new Error(`embedding: ${n} ids do not fill shape [${idsShape}]`);
  const k = K();
  k.embedding(table.data, ids, out.data, n, dim, vocab);
  record(out, [table], () => {
    const { g, accumulate } = table.gradSlot();
    if (!accumulate) g.fill(0);
    k.embeddingBackward(out.grad!, ids, g, n, dim, vocab);
  });
  return out;
}
