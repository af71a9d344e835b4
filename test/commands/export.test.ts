// `en2py export`: a compact float16 copy with a model card, and nothing left
// over from a model exported to the same folder before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors } from '../../src/model/safetensors.js';
import { CLI, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

const en2py = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('export writes float16 weights and a card, and drops a stale evaluation', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const run = path.join(dir, 'run');
  const trained = en2py(['train', '--config', writeTinySpec(dir, writeTinyData(dir)), '--out', run]);
  assert.equal(trained.status, 0, trained.stderr);
  const out = path.join(dir, 'model');
  en2py(['export', '--model', run, '--out', out]);
  writeFileSync(path.join(out, 'eval-test.json'), JSON.stringify({ examples: 1, bleu: 99 }));
  const exported = en2py(['export', '--model', run, '--out', out, '--retrain', 'npx en2py train --config spec.json']);
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(existsSync(path.join(out, 'eval-test.json')), false, 'the previous model\'s evaluation is gone');
  const card = readFileSync(path.join(out, 'README.md'), 'utf8');
  assert.match(card, /npx en2py train --config spec\.json/);
  assert.doesNotMatch(card, /99\.00/);
  const header = readFileSync(path.join(out, 'model.safetensors')).subarray(8, 400).toString('latin1');
  assert.match(header, /"dtype":"F16"/);
  const a = readSafetensors(path.join(run, 'model.safetensors')).tensors, b = readSafetensors(path.join(out, 'model.safetensors')).tensors;
  for (const [name, w] of a) assert.ok(w.data.every((v, i) => Math.abs(v - b.get(name)!.data[i]) <= 1e-3 * Math.max(1, Math.abs(v))), `${name} within float16 precision`);
});
