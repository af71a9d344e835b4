// The fused output projection + loss (linearCrossEntropy) against the two ops it
// replaces (linear, then crossEntropy): same loss and gradients, over several
// blocks of rows, with every loss option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backward, crossEntropy, linear, linearCrossEntropy, Rng, Tensor, type CrossEntropyOptions } from '../../src/tensor/index.js';
import { blockRows } from '../../src/tensor/ops/linearLoss.js';

const rng = new Rng(5);
const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * s);

function close(a: Float32Array, b: Float32Array, what: string): void {
  let maxAbs = 0;
  let maxErr = 0;
  for (let i = 0; i < b.length; i++) maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
  assert.ok(maxErr / maxAbs < 1e-5, `${what}: relative error ${maxErr / maxAbs}`);
}

function run(fused: boolean, xv: Float32Array, wv: Float32Array, bv: Float32Array, targets: Int32Array, rows: number, D: number, V: number, opts: CrossEntropyOptions) {
  const x = Tensor.parameter(xv.slice(), [rows, D]);
  const w = Tensor.parameter(wv.slice(), [V, D]);
  const b = Tensor.parameter(bv.slice(), [V]);
  const r = fused ? linearCrossEntropy(x, w, b, targets, opts) : crossEntropy(linear(x, w, b), targets, opts);
  backward(r.loss);
  return { loss: r.loss.item(), lossSum: r.lossSum, weightSum: r.weightSum, dx: x.gradOrZeros(), dw: w.gradOrZeros(), db: b.gradOrZeros() };
}

test('linearCrossEntropy equals linear + crossEntropy (loss and every gradient) across blocks of rows', () => {
  const D = 24, V = 2000;
  const rows = 2 * blockRows(V) + 37; // two full blocks and a partial one
  const xv = rand(rows * D), wv = rand(V * D, 0.3), bv = rand(V, 0.1);
  const targets = Int32Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? 0 : 1 + rng.int(V - 1)));
  const classWeights = Float32Array.from({ length: V }, (_, i) => (i % 5 === 0 ? 2 : 1));
  const variants: Array<[string, CrossEntropyOptions]> = [
    ['plain, padding ignored', { ignoreIndex: 0 }],
    ['label smoothing', { ignoreIndex: 0, labelSmoothing: 0.1 }],
    ['focal', { ignoreIndex: 0, focalGamma: 2 }],
    ['class weights', { ignoreIndex: 0, classWeights }],
  ];
  for (const [what, opts] of variants) {
    const a = run(true, xv, wv, bv, targets, rows, D, V, opts);
    const b = run(false, xv, wv, bv, targets, rows, D, V, opts);
    assert.ok(Math.abs(a.loss - b.loss) / b.loss < 1e-6, `${what}: loss ${a.loss} vs ${b.loss}`);
    assert.equal(a.weightSum, b.weightSum);
    close(a.dx, b.dx, `${what}: dx`);
    close(a.dw, b.dw, `${what}: dW`);
    close(a.db, b.db, `${what}: db`);
  }
});

test('linearCrossEntropy without gradients (evaluation) gives the same loss and allocates no gradient', () => {
  const D = 8, V = 50, rows = 40;
  const x = Tensor.from(rand(rows * D), [rows, D]);
  const w = Tensor.from(rand(V * D), [V, D]);
  const targets = Int32Array.from({ length: rows }, () => rng.int(V));
  const fused = linearCrossEntropy(x, w, null, targets);
  const plain = crossEntropy(linear(x, w, null), targets);
  assert.ok(Math.abs(fused.loss.item() - plain.loss.item()) < 1e-6);
  assert.equal(x.grad, null);
});
