// The shared functions/ set: reader (license, origin and tests kept), clear
// errors for malformed lines, and the data.extra "functions" entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFunctions, readFunctions } from '../../src/data/functions.js';
import { loadRunSplits } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { NO_PYTHON, SHARED_DATA, skipUnlessExists, tempDir } from '../helpers.js';
import { writeTinyData } from '../train/fixtures.js';

const row = (over: Record<string, unknown> = {}) => JSON.stringify({
  source: 'demo', id: 'demo/clamp', nl: 'Clamps a number into a range.', nl_instruction: 'Write a Python function to clamp a number into a range.',
  code: 'def clamp(x, lo, hi):\n  return max(lo, min(x, hi))\n', tests: ['assert clamp(5, 0, 3) == 3', 'assert clamp(-1, 0, 3) == 0'],
  license: 'MIT', origin: 'someone/demo@abc123:clamp.py', kind: 'function', ...over,
});

test('functions/ reader keeps license, origin and tests, and prefers the instruction rewrite', () => {
  const text = [row(), '', row({ id: 'demo/noinstr', nl_instruction: null, tests: undefined, license: 'CC-BY-4.0' })].join('\n') + '\n';
  const r = parseFunctions(text, 'demo.jsonl');
  assert.equal(r.pairs.length, 2);
  const [a, b] = r.pairs;
  assert.equal(a.id, 'functions:demo/clamp');
  assert.equal(a.source, 'functions');
  assert.equal(a.description, 'Write a Python function to clamp a number into a range.');
  assert.deepEqual(a.testList, ['assert clamp(5, 0, 3) == 3', 'assert clamp(-1, 0, 3) == 0']);
  assert.equal(a.license, 'MIT');
  assert.equal(a.origin, 'someone/demo@abc123:clamp.py');
  assert.equal(a.line, 1);
  assert.equal(b.description, 'Clamps a number into a range.', 'nl when there is no rewrite');
  assert.equal(b.testList, undefined);
  assert.equal(b.license, 'CC-BY-4.0');
  assert.equal(b.line, 3);
  assert.deepEqual(r.counts, { withTests: 1, instructionRewrite: 1 });
});

test('functions/ reader names file:line and what was expected for malformed lines', () => {
  assert.throws(() => parseFunctions(`${row()}\n{"source": "demo",\n`, 'bad.jsonl'), /^UserError: bad\.jsonl:2: invalid JSON/);
  assert.throws(() => parseFunctions(`${row()}\n${row({ id: 'x', license: undefined })}\n`, 'bad.jsonl'), /bad\.jsonl:2: expected a functions\/ object .*field 'license'/);
  assert.throws(() => parseFunctions(`${row()}\n${row({ tests: 'assert 1' })}\n`, 'bad.jsonl'), /bad\.jsonl:2: .*field 'tests'/);
  assert.throws(() => parseFunctions(`${row()}\n${row()}\n`, 'bad.jsonl'), /bad\.jsonl:2: duplicate id "demo\/clamp" \(first on line 1\)/);
  assert.throws(() => parseFunctions('\n\n', 'empty.jsonl'), /empty\.jsonl:1: no pairs found/);
});

test('functions/ folder: every .jsonl in name order, counts summed', (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'f'));
  writeFileSync(path.join(dir, 'f', 'b.jsonl'), row({ id: 'b/1' }) + '\n');
  writeFileSync(path.join(dir, 'f', 'a.jsonl'), row({ id: 'a/1' }) + '\n' + row({ id: 'a/2', tests: [] }) + '\n');
  writeFileSync(path.join(dir, 'f', 'notes.md'), 'not data');
  const r = readFunctions(path.join(dir, 'f'));
  assert.deepEqual(r.pairs.map((p) => p.id), ['functions:a/1', 'functions:a/2', 'functions:b/1']);
  assert.equal(r.counts.withTests, 2);
  assert.equal(r.counts.files, 2);
  assert.throws(() => readFunctions(path.join(dir, 'nope')), /nope: cannot read \(ENOENT\); expected the functions\/ folder/);
});

test('data.extra functions: pairs with tests join training; a copy of an evaluated pair is decontaminated', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const base = JSON.stringify({ preset: 'seed', data: { path: data, minFreq: 1 } });
  writeFileSync(path.join(dir, 'plain.json'), base);
  const plain = await loadRunSplits(readSpecFile(path.join(dir, 'plain.json')));
  const held = plain.splits.test[0];
  writeFileSync(path.join(dir, 'f.jsonl'), [
    row(),
    row({ id: 'demo/leak', nl: held.description, nl_instruction: null, code: 'def other(y):\n    return [y] * 3\n' }),
    row({ id: 'demo/leakcode', nl: 'Builds a totally unrelated thing.', nl_instruction: null, code: held.code }),
  ].join('\n') + '\n');
  writeFileSync(path.join(dir, 'extra.json'), JSON.stringify({ preset: 'seed', data: { path: data, minFreq: 1, extra: [{ source: 'functions', path: path.join(dir, 'f.jsonl') }] } }));
  const run = await loadRunSplits(readSpecFile(path.join(dir, 'extra.json')));
  const added = run.splits.train.slice(plain.splits.train.length);
  assert.deepEqual(added.map((p) => p.id), ['functions:demo/clamp']);
  assert.equal(added[0].license, 'MIT');
  assert.equal(added[0].testList?.length, 2);
  const report = (run.report as { extra: Array<Record<string, unknown>> }).extra[0];
  assert.equal(report.read, 3);
  assert.equal(report.added, 1);
  assert.equal(report.withTests, 1);
  const dropped = (report.leakingIntoEvaluation as number) + Object.values(report.decontaminated as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.equal(dropped, 2, 'both copies of the held-out pair are kept out');
});

test('the shared functions/ set reads whole: 1,728 pairs, 1,485 with tests, each with license and origin', { skip: skipUnlessExists(path.join(SHARED_DATA, 'functions')) }, () => {
  const r = readFunctions(path.join(SHARED_DATA, 'functions'));
  assert.equal(r.pairs.length, 1728);
  assert.equal(r.pairs.filter((p) => p.testList?.length).length, 1485);
  assert.ok(r.pairs.every((p) => p.license && p.origin));
});
