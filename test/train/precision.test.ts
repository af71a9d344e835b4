// Mixed-precision training (train.precision "bf16"): the engine line and run.json
// say which precision ran; a bf16 run learns as well as the fp32 run with the same
// seed; a bf16 run killed mid-epoch and resumed ends with the uninterrupted run's
// weights; bf16 copies of weights follow every change to the weights.
// EN2PY_BF16_MIN_MACS=0 puts every product of these tiny models on the bf16 path
// (by default, products this small stay fp32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadNativeKernels } from '../../src/tensor/kernels/native.js';
import { linear } from '../../src/tensor/ops/matmul.js';
import { Adam } from '../../src/tensor/optim.js';
import { getPrecision, setPrecision, weightsChanged } from '../../src/tensor/precision.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/tape.js';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { readWeights, writeTinyData, writeTinySpec } from './fixtures.js';

const loaded = loadNativeKernels();
const bf16Units = 'kernels' in loaded && loaded.kernels.matmulInfo().bf16;
const skip = NO_PYTHON ?? (bf16Units ? false : 'this CPU has no bf16 units (AMX or AVX512-BF16), or the addon is not built');
const ALL_BF16 = { EN2PY_BF16_MIN_MACS: '0' };

function specIn(dir: string, name: string, data: string, train: Record<string, unknown>): string {
  const sub = path.join(dir, name);
  mkdirSync(sub, { recursive: true });
  return writeTinySpec(sub, data, { epochs: 4, ...train });
}

const validLosses = (run: string) =>
  readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).valid_loss as number);

test('a bf16 run says so, records it in run.json, and reaches the fp32 run\'s validation loss within 2%', { skip }, (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const fp32 = path.join(dir, 'fp32-run');
  const bf16 = path.join(dir, 'bf16-run');
  const a = en2py(['train', '--config', specIn(dir, 'a', data, { precision: 'fp32' }), '--out', fp32], ALL_BF16);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stderr, /engine: fp32 matrix products/);
  const b = en2py(['train', '--config', specIn(dir, 'b', data, { precision: 'bf16' }), '--out', bf16], ALL_BF16);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, /engine: bf16 matrix products \(oneDNN/);
  assert.equal(b.stderr.match(/engine: /g)?.length, 1, 'the choice is printed once');

  const run = JSON.parse(readFileSync(path.join(bf16, 'run.json'), 'utf8'));
  assert.equal(run.engine.precision, 'bf16');
  assert.equal(run.train.precision, 'bf16');
  assert.equal(JSON.parse(readFileSync(path.join(fp32, 'run.json'), 'utf8')).engine.precision, 'fp32');

  const lossFp32 = validLosses(fp32).at(-1)!;
  const lossBf16 = validLosses(bf16).at(-1)!;
  assert.ok(lossBf16 < validLosses(bf16)[0], 'the bf16 run learns');
  assert.ok(Math.abs(lossBf16 - lossFp32) / lossFp32 < 0.02, `valid loss bf16 ${lossBf16} vs fp32 ${lossFp32}`);
  // Not the same numbers: the bf16 path really ran.
  assert.notDeepEqual(readWeights(path.join(bf16, 'model.safetensors')), readWeights(path.join(fp32, 'model.safetensors')));
});

test('a bf16 run killed mid-epoch and resumed ends with the weights of an uninterrupted bf16 run', { skip }, (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const spec = specIn(dir, 's', data, { precision: 'bf16', epochs: 2 });
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  assert.equal(en2py(['train', '--config', spec, '--out', a], ALL_BF16).status, 0);
  const killed = en2py(['train', '--config', spec, '--out', b], { ...ALL_BF16, EN2PY_TEST_KILL_AFTER_STEP: '5' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const resumed = en2py(['train', '--config', spec, '--out', b, '--resume'], ALL_BF16);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming .* step 4/);
  for (const file of ['checkpoint.safetensors', 'model.safetensors']) {
    const wa = readWeights(path.join(a, file));
    const wb = readWeights(path.join(b, file));
    for (const [name, w] of wa) assert.deepEqual(wb.get(name), w, `${file}: ${name} differs`);
  }
  assert.deepEqual(validLosses(b), validLosses(a));
});

test('a bf16 run resumes in fp32 (checkpoints are fp32), for a CPU without bf16 units', { skip }, (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const run = path.join(dir, 'run');
  const bf16Spec = specIn(dir, 'bf16', data, { precision: 'bf16', epochs: 2 });
  const killed = en2py(['train', '--config', bf16Spec, '--out', run], { ...ALL_BF16, EN2PY_TEST_KILL_AFTER_STEP: '5' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  // The same run, resumed where oneDNN may use nothing newer than AVX2: "auto" picks fp32.
  const autoSpec = specIn(dir, 'auto', data, { precision: 'auto', epochs: 2 });
  const resumed = en2py(['train', '--config', autoSpec, '--out', run, '--resume'], { ONEDNN_MAX_CPU_ISA: 'AVX2' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /engine: fp32 matrix products .*no bf16 units/);
  assert.ok(validLosses(run).every(Number.isFinite));
});

test('bf16 copies of weights follow the weights: after an optimizer step and after weightsChanged()', { skip: bf16Units ? false : 'no bf16 units' }, () => {
  const before = getPrecision();
  const savedEnv = process.env.EN2PY_BF16_MIN_MACS;
  process.env.EN2PY_BF16_MIN_MACS = '0';
  try {
    const w = Tensor.parameter(Float32Array.from({ length: 32 * 16 }, (_, i) => Math.sin(i)), [32, 16]);
    const x = Tensor.from(Float32Array.from({ length: 8 * 16 }, (_, i) => Math.cos(i)), [8, 16]);
    const expected = () => {
      setPrecision('fp32');
      const y = noGrad(() => linear(x, w, null)).data.slice();
      setPrecision('bf16');
      return y;
    };
    const close = (a: Float32Array, b: Float32Array, what: string) => {
      const err = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      assert.ok(err < 0.05, `${what}: max error ${err}`);
    };
    setPrecision('bf16');
    const y0 = noGrad(() => linear(x, w, null)).data.slice();
    close(y0, expected(), 'first product');

    // An Adam step with a large rate moves every weight by about 0.5.
    w.grad!.fill(1);
    w.gradReady = true;
    new Adam([w], { lr: 0.5 }).update();
    const y1 = noGrad(() => linear(x, w, null)).data.slice();
    close(y1, expected(), 'after an optimizer step');
    assert.ok(Math.max(...y1.map((v, i) => Math.abs(v - y0[i]))) > 0.5, 'the product saw the new weights');

    // Weights written directly (as loading a checkpoint does), then announced.
    w.data.fill(0.25);
    weightsChanged();
    close(noGrad(() => linear(x, w, null)).data, expected(), 'after weightsChanged()');
  } finally {
    if (savedEnv === undefined) delete process.env.EN2PY_BF16_MIN_MACS;
    else process.env.EN2PY_BF16_MIN_MACS = savedEnv;
    setPrecision(before);
  }
});
