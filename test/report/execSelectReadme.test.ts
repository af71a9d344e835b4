// The README's table and latency line for choosing by execution are those of the
// committed result files (results/exec-select/*.json, made by bench/execSelect.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execSelectHeader, execSelectLatency, execSelectRow, type ExecSelectSummary } from '../../src/eval/execSelectReport.js';
import { repoRoot } from '../helpers.js';

const read = (rel: string): ExecSelectSummary => JSON.parse(readFileSync(path.join(repoRoot(), rel), 'utf8'));

test('README: the execution-selection table and latencies equal results/exec-select', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const mbppFile = 'results/exec-select/mbpp-valid.json';
  const functionsFile = 'results/exec-select/functions-slice.json';
  const mbpp = read(mbppFile);
  const functions = read(functionsFile);
  assert.ok(readme.includes(execSelectHeader()), 'table header');
  assert.ok(readme.includes(execSelectRow('MBPP 511-600, text + first test', mbppFile, mbpp)), 'MBPP row');
  assert.ok(readme.includes(execSelectRow('functions/ slice: every 5th pair with tests by id, description alone', functionsFile, functions)), 'functions row');
  assert.ok(readme.includes(`MBPP ${execSelectLatency(mbpp)}; functions ${execSelectLatency(functions)}.`), 'latency line');
  // the files say how to make them again, on validation data only
  assert.match(mbpp.command, /^node dist\/bench\/execSelect\.js --mbpp .* --out results\/exec-select\/mbpp-valid\.json$/);
  assert.match(mbpp.what, /MBPP validation tasks 511-600/);
  assert.match(functions.command, /--functions .* --every 5 .*--prompt text/);
});

test('a row refuses a result file without the column it needs', () => {
  const s = read('results/exec-select/mbpp-valid.json');
  assert.throws(() => execSelectRow('x', 'f.json', { ...s, passedBound: { beam: 0 } }), /f\.json: no "exec-samples"/);
});
