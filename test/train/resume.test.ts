// Checkpoints and resume: a run killed mid-epoch (SIGKILL, no cleanup) and
// resumed ends with exactly the weights of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors } from '../../src/model/safetensors.js';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { readWeights, writeTinyData, writeTinySpec } from './fixtures.js';

test('a run killed mid-epoch and resumed ends with the same weights as an uninterrupted run', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  // With word dropout on the decoder's input, whose draw a resumed run must repeat.
  const spec = writeTinySpec(dir, writeTinyData(dir), { decoderInputDropout: 0.2 });
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');

  const full = en2py(['train', '--config', spec, '--out', a]);
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stdout, /finished 2 epochs/);

  const killed = en2py(['train', '--config', spec, '--out', b], { EN2PY_TEST_KILL_AFTER_STEP: '5' });
  assert.equal(killed.signal, 'SIGKILL', `expected the run to be killed: ${killed.stderr}`);
  const partial = JSON.parse(readSafetensors(path.join(b, 'checkpoint.safetensors')).metadata.en2py_trainer_state);
  assert.equal(partial.epoch, 0, 'killed in the first epoch');
  assert.ok(partial.batchInEpoch > 0 && partial.step === 4, `checkpoint at step ${partial.step}`);

  const again = en2py(['train', '--config', spec, '--out', b]);
  assert.notEqual(again.status, 0, 'refuses to overwrite a run without --resume');
  assert.match(again.stderr, /--resume/);

  const resumed = en2py(['train', '--config', spec, '--out', b, '--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming .* step 4/);

  for (const file of ['checkpoint.safetensors', 'model.safetensors']) {
    const wa = readWeights(path.join(a, file));
    const wb = readWeights(path.join(b, file));
    assert.equal(wa.size, wb.size);
    for (const [name, data] of wa) assert.deepEqual(wb.get(name), data, `${file}: ${name} differs`);
  }
  assert.equal(readFileSync(path.join(a, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).length, 2);
  const ma = readFileSync(path.join(a, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).valid_loss);
  const mb = readFileSync(path.join(b, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).valid_loss);
  assert.deepEqual(mb, ma);
});

test('a finished run resumed with more epochs trains on to the weights of a run given those epochs from the start', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const spec = writeTinySpec(dir, writeTinyData(dir));
  const longer = path.join(dir, 'longer');
  const extended = path.join(dir, 'extended');
  assert.equal(en2py(['train', '--config', spec, '--out', longer, '--epochs', '3']).status, 0);
  assert.equal(en2py(['train', '--config', spec, '--out', extended]).status, 0);

  const same = en2py(['train', '--config', spec, '--out', extended, '--resume']);
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stderr, /already finished \(finished 2 epochs\); nothing to train \(a higher --epochs trains on\)/);

  const more = en2py(['train', '--config', spec, '--out', extended, '--resume', '--epochs', '3']);
  assert.equal(more.status, 0, more.stderr);
  assert.match(more.stderr, /extending .* from 2 to 3 epochs/);
  const wa = readWeights(path.join(longer, 'checkpoint.safetensors'));
  const wb = readWeights(path.join(extended, 'checkpoint.safetensors'));
  for (const [name, data] of wa) assert.deepEqual(wb.get(name), data, `${name} differs`);
  assert.equal(readFileSync(path.join(extended, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).length, 3);
});

test('bad configs fail before training, naming the key', (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ train: { epochs: 1, learningRate: 1 } }, /train: .*learningRate/],
    [{ train: { epochs: 'two' } }, /train\.epochs/],
    [{ model: { dModel: 30, heads: 4 } }, /heads|divisible/],
    [{ data: { path: path.join(dir, 'missing.txt') } }, /missing\.txt/],
  ];
  for (const [over, re] of cases) {
    const file = path.join(dir, 'bad.json');
    const spec = { data: { path: data, minFreq: 1 }, ...over };
    writeJson(file, spec);
    const r = en2py(['train', '--config', file, '--out', path.join(dir, 'never')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.ok(!existsSync(path.join(dir, 'never', 'checkpoint.safetensors')));
  }
});

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value));
}
