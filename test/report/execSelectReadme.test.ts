// The README's table and latency line for choosing by execution are those of the
// committed result files (results/exec-select/*.json, made by bench/execSelect.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXEC_SELECT_ROWS, execSelectHeader, execSelectLatency, execSelectRow, REVIEWER_ROWS, reviewerHeader, reviewerRow, type ExecSelectSummary } from '../../src/eval/execSelectReport.js';
import { repoRoot } from '../helpers.js';

const read = (rel: string): ExecSelectSummary => JSON.parse(readFileSync(path.join(repoRoot(), rel), 'utf8'));

test('README: the execution-selection table and latencies equal results/exec-select', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  assert.ok(readme.includes(execSelectHeader()), 'table header');
  const latencies: string[] = [];
  for (const row of EXEC_SELECT_ROWS) {
    const s = read(row.file);
    assert.ok(readme.includes(execSelectRow(row.label, row.file, s)), `${row.file} row`);
    latencies.push(`${row.short}: ${execSelectLatency(s)}`);
    // the files say how to make them again, on validation data only
    assert.match(s.command, new RegExp(`^node dist/bench/execSelect\\.js --(mbpp|functions) .* --out ${row.file.replace(/\./g, '\\.')}$`));
    assert.match(s.what, /MBPP validation tasks 511-600|validation slice of the shared functions/);
  }
  assert.ok(readme.includes(`${latencies.join('; ')}.`), 'latency line');
});

test('a row refuses a result file without the column it needs', () => {
  const s = read('results/exec-select/mbpp-valid.json');
  assert.throws(() => execSelectRow('x', 'f.json', { ...s, passedBound: { beam: 0 } }), /f\.json: no "exec-samples"/);
});

test('README: the Coder-Reviewer table equals its results/exec-select files', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  assert.ok(REVIEWER_ROWS.length > 0, 'rows to check');
  assert.ok(readme.includes(reviewerHeader()), 'table header');
  for (const row of REVIEWER_ROWS) {
    const s = read(row.file);
    assert.ok(readme.includes(reviewerRow(row.label, row.file, s)), `${row.file} row`);
    assert.match(s.command, / --reviewer \S+ /, `${row.file} was made with a reviewer`);
  }
  const plain = read('results/exec-select/mbpp-valid.json');
  assert.throws(() => reviewerRow('x', 'f.json', plain), /f\.json: no "coder-all"/);
});
