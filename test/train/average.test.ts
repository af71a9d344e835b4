// Checkpoint averaging: a run keeps its last KEEP_EPOCH_WEIGHTS epochs' weights,
// and `en2py average` writes their exact mean as a model directory that
// generate takes; wrong requests get one clear line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors } from '../../src/model/safetensors.js';
import { KEEP_EPOCH_WEIGHTS, savedEpochs } from '../../src/train/average.js';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from './fixtures.js';

test('a run keeps its last epochs, and average writes their mean as a usable model', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const epochs = KEEP_EPOCH_WEIGHTS + 2;
  const spec = writeTinySpec(dir, writeTinyData(dir), { epochs });
  const run = path.join(dir, 'run');
  const trained = en2py(['train', '--config', spec, '--out', run]);
  assert.equal(trained.status, 0, trained.stderr);
  assert.deepEqual(savedEpochs(run), Array.from({ length: KEEP_EPOCH_WEIGHTS }, (_, i) => epochs - KEEP_EPOCH_WEIGHTS + 1 + i), 'only the last epochs are kept');

  const out = path.join(dir, 'avg');
  // The run's evaluation scores its best epoch, and one left in the target scores another model: neither may describe the mean.
  mkdirSync(out);
  writeFileSync(path.join(run, 'eval-test.json'), '{}');
  writeFileSync(path.join(out, 'eval-test.json'), '{}');
  const averaged = en2py(['average', '--model', run, '--last', '2', '--out', out]);
  assert.equal(averaged.status, 0, averaged.stderr);
  assert.match(averaged.stdout, new RegExp(`mean of epochs ${epochs - 1}, ${epochs}`));
  const w = (file: string) => readSafetensors(file).tensors;
  const a = w(path.join(run, 'epochs', `epoch-${epochs - 1}.safetensors`)), b = w(path.join(run, 'epochs', `epoch-${epochs}.safetensors`));
  const mean = w(path.join(out, 'model.safetensors'));
  assert.equal(mean.size, a.size);
  let differs = false;
  for (const [name, t] of mean) {
    const x = a.get(name)!.data, y = b.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) {
      assert.ok(Math.abs(t.data[i] - (x[i] + y[i]) / 2) <= 1e-6 * (1 + Math.abs(t.data[i])), `${name}[${i}] is the mean`);
      if (x[i] !== y[i]) differs = true;
    }
  }
  assert.ok(differs, 'the two epochs differ, so the mean is a new model');
  for (const f of ['config.json', 'vocab.en.json', 'vocab.py.json', 'run.json', 'metrics.jsonl']) assert.ok(existsSync(path.join(out, f)), f);
  assert.equal(existsSync(path.join(out, 'eval-test.json')), false, 'no evaluation of another model');
  const generated = en2py(['generate', '--model', out, '--beam', '1', 'add 3 to a number']);
  assert.equal(generated.status, 0, generated.stderr);

  const missing = en2py(['average', '--model', run, '--epochs', '1,2', '--out', path.join(dir, 'x')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, new RegExp(`no weights for epoch 1, 2 \\(it holds ${savedEpochs(run).join(', ')}; a run keeps its last ${KEEP_EPOCH_WEIGHTS}\\)`));
  const tooMany = en2py(['average', '--model', run, '--last', '9', '--out', path.join(dir, 'x')]);
  assert.match(tooMany.stderr, /--last 9, but the run holds the weights of 5 epoch\(s\)/);
  const neither = en2py(['average', '--model', run, '--out', path.join(dir, 'x')]);
  assert.match(neither.stderr, /give either --last N or --epochs LIST/);
});
