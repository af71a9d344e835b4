/** Turning one row of logits into log-probabilities, with the masks decoders need. */

/** log softmax of row `row` of a [rows, vocab] buffer, with banned ids at −∞. */
export function logSoftmaxRow(logits: Float32Array, row: number, vocab: number, banned: readonly number[] = []): Float64Array {
  const out = new Float64Array(vocab);
  const base = row * vocab;
  let mx = -Infinity;
  for (let j = 0; j < vocab; j++) {
    out[j] = logits[base + j];
    if (out[j] > mx) mx = out[j];
  }
  for (const id of banned) out[id] = -Infinity;
  let s = 0;
  for (let j = 0; j < vocab; j++) s += Math.exp(out[j] - mx);
  const lse = mx + Math.log(s);
  for (let j = 0; j < vocab; j++) out[j] -= lse;
  return out;
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < xs.length; j++) if (xs[j] > xs[best]) best = j;
  return best;
}
