// Gradient clipping folded into Adam: Adam.update(clipGradScale(...)) must give
// the weights that clipGradNorm (scaling the gradients in place) followed by
// Adam.update() gives, whether the norm is above the limit or below it: exactly
// without weight decay; with L2 decay the native kernel may fuse the scaling and
// the decay into one multiply-add (one rounding instead of two), so there to a
// float32 rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, clipGradNorm, clipGradScale, Rng, Tensor } from '../../src/tensor/index.js';

function parametersWithGradients(seed: number, gradScale: number): Tensor[] {
  const rng = new Rng(seed);
  return [[300], [40, 70], [5]].map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const p = Tensor.parameter(Float32Array.from({ length: size }, () => rng.next() - 0.5), shape);
    const { g } = p.gradSlot();
    for (let i = 0; i < size; i++) g[i] = (rng.next() - 0.5) * gradScale;
    return p;
  });
}

for (const [what, gradScale, weightDecay] of [['above the limit', 10, 0], ['below the limit', 0.001, 0], ['above the limit, L2 decay', 10, 0.1]] as const) {
  test(`Adam with the clipping factor equals clipping the gradients first (norm ${what})`, () => {
    const maxNorm = 1;
    const inPlace = parametersWithGradients(4, gradScale);
    const folded = parametersWithGradients(4, gradScale);
    const factor = clipGradScale(folded, maxNorm);
    assert.ok(gradScale > 1 ? factor < 1 : factor === 1, `factor ${factor}`);
    clipGradNorm(inPlace, maxNorm);
    new Adam(inPlace, { lr: 0.01, weightDecay }).update();
    new Adam(folded, { lr: 0.01, weightDecay }).update(factor);
    inPlace.forEach((p, i) => {
      if (weightDecay === 0) assert.deepEqual(folded[i].data, p.data, `parameter ${i}`);
      else p.data.forEach((w, j) => assert.ok(Math.abs(folded[i].data[j] - w) <= 1e-6 * Math.abs(w) + 1e-9, `parameter ${i}[${j}]`));
    });
  });
}
