// `en2py generate` with the committed default model (models/default): batch-mode
// input and output errors name the file (and line) in one line with exit status 2,
// and sampling differs from run to run unless --seed is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { en2py, NO_PYTHON, repoRoot, tempDir } from '../helpers.js';

const MODEL = path.join(repoRoot(), 'models', 'default');
const NO_MODEL = existsSync(path.join(MODEL, 'config.json')) ? undefined : `${MODEL} is missing`;

/** The single line a failed command wrote (no stack trace). */
function errorLine(r: { status: number | null; stderr: string }): string {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line:\n${r.stderr}`);
  return lines[0];
}

test('generate --input/--output: an empty file, an empty prompt and an unwritable output are one line naming the path', { skip: NO_MODEL ?? NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '\n\n');
  assert.equal(errorLine(en2py(['generate', '--input', empty])), `en2py: ${empty}: holds no prompts; expected one {"id": ..., "prompt": "..."} object per line`);

  const blank = path.join(dir, 'blank.jsonl');
  writeFileSync(blank, '{"id": 1, "prompt": "write a python function to add two numbers"}\n\n{"id": 2, "prompt": "  "}\n');
  assert.match(errorLine(en2py(['generate', '--beam', '1', '--input', blank])), new RegExp(`^en2py: ${blank.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: the sentence is empty`));

  const good = path.join(dir, 'good.jsonl');
  writeFileSync(good, '{"id": "a", "prompt": "write a python function to add two numbers"}\n');
  const folder = path.join(dir, 'folder');
  mkdirSync(folder);
  assert.equal(errorLine(en2py(['generate', '--beam', '1', '--input', good, '--output', folder])), `en2py: ${folder}: cannot write (EISDIR: it is a directory)`);
  const underFile = path.join(good, 'out.jsonl'); // a regular file where a directory should be
  assert.equal(errorLine(en2py(['generate', '--beam', '1', '--input', good, '--output', underFile])), `en2py: ${underFile}: cannot write (ENOTDIR: a part of the path is not a directory)`);

  const out = path.join(dir, 'sub', 'out.jsonl');
  const ok = en2py(['generate', '--beam', '1', '--input', good, '--output', out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).id, 'a');
});

test('generate --samples: new samples on every run without --seed, the same ones with it', { skip: NO_MODEL ?? NO_PYTHON }, () => {
  const sample = (...extra: string[]) => {
    const r = en2py(['generate', '--samples', '4', '--temperature', '1.5', '--no-rerank', '--json', ...extra, 'write a python function to reverse a string']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { code: string; alternatives: string[]; seed: number };
    assert.ok(Number.isInteger(out.seed), 'the seed used is printed');
    return out;
  };
  const runs = [sample(), sample(), sample()];
  assert.equal(new Set(runs.map((r) => r.seed)).size, 3, 'each run draws its own seed');
  const texts = runs.map((r) => JSON.stringify([r.code, ...r.alternatives]));
  assert.ok(new Set(texts).size > 1, `three unseeded runs drew the same 4 samples:\n${texts[0]}`);
  const a = sample('--seed', '7');
  const b = sample('--seed', '7');
  assert.equal(a.seed, 7);
  assert.deepEqual([b.code, ...b.alternatives], [a.code, ...a.alternatives]);
  // A seed printed by an unseeded run draws that run's samples again.
  const again = sample('--seed', String(runs[0].seed));
  assert.deepEqual(JSON.stringify([again.code, ...again.alternatives]), texts[0]);
  assert.match(errorLine(en2py(['generate', '--seed', '3', 'write a python function to add two numbers'])), /--seed applies to sampling: give --samples too/);
});
