import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aggregate, formatTable, writeJsonlAtomic, type ExampleRecord } from '../../src/eval/report.js';

const records: ExampleRecord[] = [
  {
    id: 1,
    prediction: 'x = 1 + 2',
    reference: 'x = 1 + 2',
    predTokens: ['x', '=', '1', '+', '2'],
    refTokens: ['x', '=', '1', '+', '2'],
    syntaxOk: true,
    runs: ['passed', 'failed'],
    boundRuns: ['passed', 'passed'],
  },
  {
    id: 2,
    prediction: 'y = (',
    reference: 'y = 2',
    predTokens: ['y', '=', '('],
    refTokens: ['y', '=', '2'],
    syntaxOk: false,
    runs: ['failed', 'timeout'],
    boundRuns: ['failed', 'timeout'],
  },
];

test('aggregate combines every metric', () => {
  const s = aggregate(records, { ks: [1, 2, 10] });
  assert.equal(s.examples, 2);
  assert.equal(s.exactMatch, 0.5);
  assert.equal(s.tokenAccuracy, 7 / 8);
  assert.equal(s.syntaxValidity, 0.5);
  assert.ok(s.bleu! > 0 && s.bleu! < 100);
  // pass@1: mean(1/2, 0) ; pass@2: mean(1, 0); pass@10 skipped (n = 2)
  assert.deepEqual(s.passAtK, { 'pass@1': 0.25, 'pass@2': 0.5 });
  assert.deepEqual(s.boundPassAtK, { 'pass@1': 0.5, 'pass@2': 0.5 });
  assert.deepEqual(s.statusCounts, { passed: 1, failed: 2, timeout: 1, error: 0, killed: 0 });
  const table = formatTable(s);
  assert.match(table, /pass@1 \(strict: as written\)\s+\| 25\.00 %/);
  assert.match(table, /pass@1 \(bound: first def renamed\)\s+\| 50\.00 %/);
  assert.match(table, /syntax validity/);
});

test('aggregate tolerates records without metrics', () => {
  const s = aggregate([{ id: 'a', prediction: '' }]);
  assert.deepEqual(s, { examples: 1, passAtK: undefined, boundPassAtK: undefined });
  assert.match(formatTable(s), /examples/);
});

test('eval.jsonl is written atomically (temp file + rename)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'en2py-report-'));
  const file = path.join(dir, 'sub', 'eval.jsonl');
  writeJsonlAtomic(file, records);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(JSON.parse(lines[1]).id, 2);
  writeJsonlAtomic(file, [records[0]]); // replaces, never appends
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 1);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['eval.jsonl']); // no temp file left
  fs.rmSync(dir, { recursive: true, force: true });
});
