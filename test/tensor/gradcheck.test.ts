// Every op's gradient against central finite differences on small sizes.
// The loss is L = Σ out ⊙ R for a fixed random R, evaluated in float64; the
// analytic gradient comes from the tape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor, backward, noGrad, tidy, zeroGrad, Rng,
  matmul, linear, add, mul, scale, relu, sum, mean, layerNorm, softmax, dropout, embedding,
  crossEntropy, reshape, transposeHeads, sliceRows, attention, booleanToAdditive,
} from '../../src/tensor/index.js';

const rng = new Rng(42);

function param(shape: number[], opts: { scale?: number; awayFromZero?: boolean } = {}): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => {
    let v = (rng.next() * 2 - 1) * (opts.scale ?? 1);
    if (opts.awayFromZero && Math.abs(v) < 0.1) v += v < 0 ? -0.1 : 0.1;
    return v;
  });
  return Tensor.parameter(data, shape);
}

function gradCheck(name: string, inputs: Tensor[], f: () => Tensor, h = 1e-2): void {
  const probe = noGrad(() => tidy(() => Array.from(f().data)));
  const r = Float64Array.from(probe, () => rng.next() * 2 - 1);
  const lossOf = () => noGrad(() => tidy(() => {
    const out = f().data;
    let total = 0;
    for (let i = 0; i < out.length; i++) total += out[i] * r[i];
    return total;
  }));

  zeroGrad(inputs);
  tidy(() => {
    const out = f();
    const weights = Tensor.from(r, out.shape);
    backward(sum(mul(out, weights)));
  });

  for (const [which, x] of inputs.entries()) {
    const analytic = Float64Array.from(x.gradOrZeros());
    const picks = x.size <= 24 ? [...Array(x.size).keys()] : Array.from({ length: 24 }, () => rng.int(x.size));
    for (const j of picks) {
      const saved = x.data[j];
      x.data[j] = saved + h;
      const up = lossOf();
      x.data[j] = saved - h;
      const down = lossOf();
      x.data[j] = saved;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(numeric - analytic[j]);
      const tol = 2e-2 * Math.max(Math.abs(numeric), Math.abs(analytic[j])) + 2e-3;
      assert.ok(err <= tol, `${name}: input ${which}[${j}]: analytic ${analytic[j]} vs numeric ${numeric}`);
    }
  }
}

test('matmul: 2-D, every transpose, batched, shared right operand', () => {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    const a = param(tA ? [4, 3] : [3, 4]);
    const b = param(tB ? [5, 4] : [4, 5]);
    gradCheck(`matmul tA=${tA} tB=${tB}`, [a, b], () => matmul(a, b, { transA: tA, transB: tB }));
    const ab = param(tA ? [2, 4, 3] : [2, 3, 4]);
    const bb = param(tB ? [2, 5, 4] : [2, 4, 5]);
    gradCheck(`batched matmul tA=${tA} tB=${tB}`, [ab, bb], () => matmul(ab, bb, { transA: tA, transB: tB }));
    gradCheck(`shared matmul tA=${tA} tB=${tB}`, [ab, b], () => matmul(ab, b, { transA: tA, transB: tB }));
  }
});

test('linear with and without bias', () => {
  const x = param([2, 3, 4]);
  const w = param([5, 4]);
  const b = param([5]);
  gradCheck('linear', [x, w, b], () => linear(x, w, b));
  gradCheck('linear no bias', [x, w], () => linear(x, w, null));
});

test('add and mul, same shape and broadcast; scale, relu, sum, mean', () => {
  const a = param([2, 3, 4]);
  const b = param([2, 3, 4]);
  const c = param([3, 4]);
  gradCheck('add', [a, b], () => add(a, b));
  gradCheck('add broadcast', [a, c], () => add(a, c));
  gradCheck('mul', [a, b], () => mul(a, b));
  gradCheck('mul broadcast', [a, c], () => mul(a, c));
  gradCheck('add same tensor twice', [a], () => add(a, a));
  gradCheck('scale', [a], () => scale(a, -2.5));
  const z = param([3, 5], { awayFromZero: true });
  gradCheck('relu', [z], () => relu(z));
  gradCheck('sum', [a], () => sum(a));
  gradCheck('mean', [a], () => mean(a));
});

test('layer norm', () => {
  const x = param([3, 6], { scale: 2 });
  const g = param([6]);
  const b = param([6]);
  gradCheck('layerNorm', [x, g, b], () => layerNorm(x, g, b));
});

test('softmax: plain, additive mask, boolean mask, causal', () => {
  const x = param([2, 2, 3, 3], { scale: 2 });
  gradCheck('softmax', [x], () => softmax(x));
  const additive = Float32Array.from([0, -1, -Infinity, 0.5, 0, 0]);
  gradCheck('softmax additive', [x], () => softmax(x, { additive: { values: additive, rows: 2, div: 6 } }));
  const boolean = booleanToAdditive([true, false, true]);
  gradCheck('softmax boolean', [x], () => softmax(x, { additive: { values: boolean, rows: 1, div: 1 } }));
  gradCheck('softmax causal', [x], () => softmax(x, { causal: true }));
});

test('dropout (seeded, so the mask is fixed)', () => {
  const x = param([4, 8]);
  gradCheck('dropout', [x], () => dropout(x, 0.3, 7));
});

test('embedding gathers rows and scatters gradients back (repeated ids add up)', () => {
  const table = param([6, 4]);
  const ids = Int32Array.from([1, 3, 1, 5, 0, 1]);
  gradCheck('embedding', [table], () => embedding(table, ids, [2, 3]));
  assert.throws(() => embedding(table, Int32Array.from([6]), [1]), /outside/);
});

test('cross-entropy: plain, ignore index, label smoothing, focal, class weights', () => {
  const logits = param([5, 7], { scale: 2 });
  const targets = Int32Array.from([1, 0, 6, 3, 0]);
  const weights = Float32Array.from([1, 2, 0.5, 1, 3, 1, 1]);
  const cases = [
    { ignoreIndex: 0 },
    { ignoreIndex: 0, labelSmoothing: 0.1 },
    { ignoreIndex: 0, focalGamma: 2 },
    { ignoreIndex: 0, classWeights: weights },
    { ignoreIndex: -100, labelSmoothing: 0.2, classWeights: weights },
  ];
  for (const opts of cases) gradCheck(`crossEntropy ${JSON.stringify(opts)}`, [logits], () => crossEntropy(logits, targets, opts).loss);
  // The value matches the textbook definition.
  const { loss, weightSum } = noGrad(() => crossEntropy(logits, targets, { ignoreIndex: 0 }));
  let expected = 0;
  for (const [r, t] of targets.entries()) {
    if (t === 0) continue;
    const row = Array.from(logits.data.subarray(r * 7, r * 7 + 7));
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    expected += lse - row[t];
  }
  assert.equal(weightSum, 3);
  assert.ok(Math.abs(loss.item() - expected / 3) < 1e-5);
});

test('reshape, transposeHeads, sliceRows', () => {
  const x = param([2, 3, 4, 2]);
  gradCheck('reshape', [x], () => reshape(x, [6, 8]));
  gradCheck('transposeHeads', [x], () => transposeHeads(x));
  const t = param([5, 3]);
  gradCheck('sliceRows', [t], () => sliceRows(t, 1, 3));
});

test('attention: heads in place, key mask, causal, dropout; matches the op-by-op composition', () => {
  const [B, T, S, H, dh] = [2, 3, 4, 2, 3];
  const q = param([B, T, H * dh]);
  const k = param([B, S, H * dh]);
  const v = param([B, S, H * dh]);
  const keyMask = Float32Array.from([0, 0, 0, -Infinity, 0, 0, -Infinity, -Infinity]);
  gradCheck('attention', [q, k, v], () => attention(q, k, v, { heads: H }).out);
  gradCheck('attention masked', [q, k, v], () => attention(q, k, v, { heads: H, keyMask }).out);
  gradCheck('attention dropout', [q, k, v], () => attention(q, k, v, { heads: H, dropout: 0.2, seed: 3 }).out);
  const kq = param([B, T, H * dh]);
  const vq = param([B, T, H * dh]);
  gradCheck('attention causal', [q, kq, vq], () => attention(q, kq, vq, { heads: H, causal: true }).out);

  // The fused op equals transpose → matmul → softmax → matmul → transpose.
  noGrad(() => tidy(() => {
    const fused = attention(q, k, v, { heads: H, keyMask }).out;
    const split = (x: Tensor, len: number) => transposeHeads(reshape(x, [B, len, H, dh]));
    const scores = scale(matmul(split(q, T), split(k, S), { transB: true }), 1 / Math.sqrt(dh));
    const p = softmax(scores, { additive: { values: keyMask, rows: B, div: H * T } });
    const composed = reshape(transposeHeads(matmul(p, split(v, S))), [B, T, H * dh]);
    for (let i = 0; i < fused.size; i++) assert.ok(Math.abs(fused.data[i] - composed.data[i]) < 1e-5);
  }));
});
