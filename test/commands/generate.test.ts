// `en2py generate` on a tiny model trained here: normal use, batch mode, and
// every kind of bad input gets a clear message or a sensible result, never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

function noStack(r: { stderr: string }): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, `stack trace in: ${r.stderr}`);
}

test('generate: sentences, batch mode, and bad input', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const trained = en2py(['train', '--config', writeTinySpec(dir, writeTinyData(dir), { epochs: 1 }), '--out', model]);
  assert.equal(trained.status, 0, trained.stderr);

  const ok = en2py(['generate', '--model', model, '--json', 'write a python function to add 3 to a number']);
  assert.equal(ok.status, 0, ok.stderr);
  const out = JSON.parse(ok.stdout);
  assert.equal(typeof out.code, 'string');
  assert.ok(Array.isArray(out.alternatives) && Array.isArray(out.tokens));
  assert.ok(!out.tokens.includes('<unk>'), 'never emits <unk>');

  const unknown = en2py(['generate', '--model', model, 'zorblax the quux frobnicator']);
  assert.equal(unknown.status, 0, unknown.stderr);

  const long = en2py(['generate', '--model', model, '--beam', '1', Array.from({ length: 10000 }, (_, i) => `word${i % 50}`).join(' ')]);
  assert.equal(long.status, 0, long.stderr);
  assert.match(long.stderr, /cut to the model's 64 words/);

  const empty = en2py(['generate', '--model', model, '   ']);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /sentence is empty/);
  noStack(empty);

  const prompts = path.join(dir, 'prompts.jsonl');
  writeFileSync(prompts, '{"id": 1, "prompt": "write a python function to add 2 to a number"}\n{"id": "b", "prompt": "write a python function to multiply 4 by a number"}\n');
  const batchOut = path.join(dir, 'out.jsonl');
  const batch = en2py(['generate', '--model', model, '--input', prompts, '--output', batchOut]);
  assert.equal(batch.status, 0, batch.stderr);
  const lines = readFileSync(batchOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [1, 'b']);
  assert.ok(lines.every((l) => typeof l.code === 'string'));

  writeFileSync(prompts, '{"id": 1, "prompt": "ok"}\n{"id": 2}\n');
  const badPrompts = en2py(['generate', '--model', model, '--input', prompts]);
  assert.equal(badPrompts.status, 2);
  assert.match(badPrompts.stderr, /prompts\.jsonl:2: expected/);

  const missing = en2py(['generate', '--model', path.join(dir, 'nope'), 'hello']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such model directory/);

  // A copy of the model with damaged weights, then with weights of the wrong shapes.
  const broken = path.join(dir, 'broken');
  mkdirSync(broken);
  // A copy of the model directory's files (not its epochs/ folder of snapshots), to damage.
  for (const f of readdirSync(model, { withFileTypes: true })) if (f.isFile()) copyFileSync(path.join(model, f.name), path.join(broken, f.name));
  const weights = readFileSync(path.join(model, 'model.safetensors'));
  writeFileSync(path.join(broken, 'model.safetensors'), weights.subarray(0, weights.length >> 1));
  const truncated = en2py(['generate', '--model', broken, 'hello']);
  assert.equal(truncated.status, 2);
  assert.match(truncated.stderr, /model\.safetensors: not a valid safetensors file: .*truncated/);
  noStack(truncated);

  const config = JSON.parse(readFileSync(path.join(model, 'config.json'), 'utf8'));
  config.model.ffDim = 48;
  writeFileSync(path.join(broken, 'config.json'), JSON.stringify(config));
  writeFileSync(path.join(broken, 'model.safetensors'), weights);
  const shapes = en2py(['generate', '--model', broken, 'hello']);
  assert.equal(shapes.status, 2);
  assert.match(shapes.stderr, /has shape \[32,16\], the config expects \[48,16\]/);
  noStack(shapes);
});
