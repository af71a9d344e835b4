// Fine-tuning (spec init.model): a run starts from another model's weights and
// vocabularies, resumes like any run, and refuses a model it cannot start from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveSpec } from '../../src/train/spec.js';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { readWeights, writeTinyData, writeTinySpec } from './fixtures.js';

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, x] of a) {
    const y = b.get(name);
    assert.ok(y, `${name} missing`);
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

/** A spec file like writeTinySpec's, starting from `init` and with the given overrides. */
function fineTuneSpec(dir: string, name: string, data: string, init: string, over: { model?: object; train?: object } = {}): string {
  const spec = JSON.parse(readFileSync(writeTinySpec(dir, data), 'utf8'));
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...spec, model: { ...spec.model, ...over.model }, train: { ...spec.train, ...over.train }, init: { model: init } }));
  return file;
}

test('a fine-tuning run starts from the model\'s weights and vocabularies, and resumes to the same weights', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const base = path.join(dir, 'base');
  assert.equal(en2py(['train', '--config', writeTinySpec(dir, data), '--out', base]).status, 0);

  // With a vanishing learning rate the fine-tuned weights are the start model's: it did not start at random
  // (dropout, which shapes no weight, may differ).
  const still = path.join(dir, 'still');
  const r = en2py(['train', '--config', fineTuneSpec(dir, 'still', data, base, { model: { dropout: 0.3 }, train: { lr: 1e-9, epochs: 1 } }), '--out', still]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /starting from the weights of .*base/);
  assert.ok(maxDifference(readWeights(path.join(base, 'model.safetensors')), readWeights(path.join(still, 'model.safetensors'))) < 1e-5);
  for (const f of ['vocab.en.json', 'vocab.py.json']) assert.equal(readFileSync(path.join(still, f), 'utf8'), readFileSync(path.join(base, f), 'utf8'), f);

  // Interrupted and resumed, it ends where an uninterrupted fine-tuning run ends (its own checkpoint, not the start model, is resumed).
  const spec = fineTuneSpec(dir, 'tune', data, base);
  const whole = path.join(dir, 'whole');
  const cut = path.join(dir, 'cut');
  assert.equal(en2py(['train', '--config', spec, '--out', whole]).status, 0);
  assert.equal(en2py(['train', '--config', spec, '--out', cut], { EN2PY_TEST_KILL_AFTER_STEP: '5' }).signal, 'SIGKILL');
  const resumed = en2py(['train', '--config', spec, '--out', cut, '--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /starting from the weights/);
  const tuned = readWeights(path.join(whole, 'model.safetensors'));
  for (const [name, x] of readWeights(path.join(cut, 'model.safetensors'))) assert.deepEqual(x, tuned.get(name), `${name} differs`);
  assert.ok(maxDifference(tuned, readWeights(path.join(base, 'model.safetensors'))) > 1e-3, 'fine-tuning moved the weights');

  // A model of another architecture, or a directory that is not a model, is refused before training.
  const wider = en2py(['train', '--config', fineTuneSpec(dir, 'wider', data, base, { model: { ffDim: 64 } }), '--out', path.join(dir, 'wider')]);
  assert.equal(wider.status, 2, wider.stderr);
  assert.match(wider.stderr, /base: init\.model has model\.ffDim 32, this spec 64/);
  assert.doesNotMatch(wider.stderr, /\n\s+at /, 'no stack trace');
  const nowhere = en2py(['train', '--config', fineTuneSpec(dir, 'nowhere', data, path.join(dir, 'nope')), '--out', path.join(dir, 'nowhere')]);
  assert.equal(nowhere.status, 2, nowhere.stderr);
  assert.match(nowhere.stderr, /nope: no such model directory/);
});

test('a spec cannot start from both a model and pretrained embeddings', () => {
  assert.throws(
    () => resolveSpec({ preset: 'seed', init: { model: 'runs/x' }, model: { srcEmbeddingDim: 100 }, embeddings: { source: { vectors: 'glove', freeze: false } } }, 'spec.json'),
    /spec\.json: init: .*cannot also start from pretrained embeddings/,
  );
  assert.throws(() => resolveSpec({ preset: 'seed', init: { model: '' } }, 'spec.json'), /spec\.json: init\.model/);
});
