// Rescoring syntax: evaluations written when syntax-valid meant ast.parse are
// brought to today's check (compile) from the outputs they recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rescoreSyntax } from '../../src/eval/rescoreSyntax.js';
import { rescoreExperimentSyntax } from '../../src/experiments/rescoreSyntax.js';
import { UserError } from '../../src/errors.js';
import { NO_PYTHON, tempDir } from '../helpers.js';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('a split evaluation is rescored by compiling, once, in place', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const evalFile = path.join(dir, 'eval.jsonl');
  writeFileSync(evalFile, [
    { id: 'a', prediction: 'def f(n, n):\n    return n\n', syntaxOk: true },
    { id: 'b', prediction: 'x = 1\n', syntaxOk: true },
    { id: 'c', prediction: 'def g(:\n', syntaxOk: false, syntaxError: 'SyntaxError: old' },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const summary = path.join(dir, 'test.json');
  writeFileSync(summary, JSON.stringify({ examples: 3, bleu: 12.5, syntaxValidity: 2 / 3, evalFile }) + '\n');
  const { summary: returned, ...r } = await rescoreSyntax(summary);
  assert.deepEqual(r, { before: 2 / 3, after: 1 / 3, changed: true });
  const s = JSON.parse(readFileSync(summary, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(returned, s, 'the summary returned is the one written');
  assert.equal(s.syntaxValidity, 1 / 3);
  assert.equal(s.syntaxCheck, 'compile');
  assert.equal(s.bleu, 12.5, 'other metrics untouched');
  const recs = lines(evalFile);
  assert.deepEqual(recs.map((x) => x.syntaxOk), [false, true, false]);
  assert.match(String(recs[0].syntaxError), /duplicate argument 'n'/);
  assert.equal(recs[1].syntaxError, undefined);
  assert.equal((await rescoreSyntax(summary)).changed, false, 'a second run changes nothing');
});

test('a benchmark evaluation counts every sample', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const evalFile = path.join(dir, 'eval.jsonl');
  writeFileSync(evalFile, JSON.stringify({ id: 'p', prediction: 'def f(a, a):\n    pass\n', samples: ['def f(a, a):\n    pass\n', 'def f(a):\n    pass\n'], syntaxOk: true }) + '\n');
  const summary = path.join(dir, 'benchmark.json');
  writeFileSync(summary, JSON.stringify({ problems: 1, syntaxValidity: 1, evalFile }));
  assert.equal((await rescoreSyntax(summary)).after, 0.5);
  assert.equal(lines(evalFile)[0].syntaxOk, false);
});

test('a summary whose outputs are gone, or a broken record, is a clear error', async (t) => {
  const dir = tempDir(t);
  const summary = path.join(dir, 's.json');
  writeFileSync(summary, JSON.stringify({ syntaxValidity: 1, evalFile: path.join(dir, 'missing.jsonl') }));
  await assert.rejects(rescoreSyntax(summary), (e) => e instanceof UserError && /cannot be rescored/.test(e.message));
  const evalFile = path.join(dir, 'eval.jsonl');
  writeFileSync(evalFile, '{"prediction": "x = 1\\n"}\nnot json\n');
  writeFileSync(summary, JSON.stringify({ syntaxValidity: 1, evalFile }));
  await assert.rejects(rescoreSyntax(summary), (e) => e instanceof UserError && /eval\.jsonl:2: not a JSON object/.test(e.message));
});

test('an experiment folder: its summaries and the copies result.json keeps of them', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const evalFile = path.join(dir, 'test', 'eval.jsonl');
  mkdirSync(path.dirname(evalFile));
  writeFileSync(evalFile, JSON.stringify({ id: 'a', prediction: 'def f(n, n):\n    return n\n', syntaxOk: true }) + '\n');
  const summary = { examples: 1, syntaxValidity: 1, evalFile };
  writeFileSync(path.join(dir, 'test.json'), JSON.stringify(summary));
  writeFileSync(path.join(dir, 'result.json'), JSON.stringify({ name: 'x', eval: { test: summary } }, null, 2));
  const r = await rescoreExperimentSyntax(dir);
  assert.deepEqual(r.map((x) => [x.set, x.after]), [['test', 0]]);
  const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as { eval: { test: { syntaxValidity: number; syntaxCheck: string } } };
  assert.equal(result.eval.test.syntaxValidity, 0);
  assert.equal(result.eval.test.syntaxCheck, 'compile');
});
