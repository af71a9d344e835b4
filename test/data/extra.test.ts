// Extra training pairs (CoNaLa, MBPP 601-974) join the training split only, and
// nothing that is evaluated can leak in through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBenchmark } from '../../src/eval/benchmark.js';
import { loadRunSplits } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

test('extra pairs join the training split only, without MBPP test tasks, evaluated pairs or benchmark near-duplicates', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const plain = await loadRunSplits(readSpecFile(writeTinySpec(dir, data)));
  const testPair = plain.splits.test[0];
  const benchmarkPrompt = readBenchmark()[0].prompt;

  const conala = path.join(dir, 'conala.json');
  writeFileSync(conala, JSON.stringify([
    { intent: 'sort a list', rewritten_intent: 'sort list `xs` in place', snippet: 'xs.sort()', question_id: 1 },
    { intent: 'copy of a test pair', rewritten_intent: testPair.description, snippet: 'y = 0', question_id: 2 },
    { intent: 'same code as a test pair', rewritten_intent: 'something else entirely', snippet: testPair.code, question_id: 3 },
    { intent: 'the benchmark', rewritten_intent: benchmarkPrompt, snippet: 'z = 1', question_id: 4 },
  ]));
  const mbpp = path.join(dir, 'mbpp.jsonl');
  const task = (id: number, text: string) => JSON.stringify({ task_id: id, text, code: `def f_${id}(x):\n    return x + ${id}\n`, test_list: [`assert f_${id}(1) == ${id + 1}`] });
  writeFileSync(mbpp, [task(12, 'a test task'), task(550, 'a validation task'), task(700, 'a training task'), task(5, 'a prompt task')].join('\n') + '\n');

  const specFile = path.join(dir, 'extra.json');
  writeFileSync(specFile, JSON.stringify({
    preset: 'seed',
    data: { path: data, minFreq: 1, extra: [{ source: 'conala', path: conala }, { source: 'mbpp', path: mbpp }] },
  }));
  const run = await loadRunSplits(readSpecFile(specFile));
  assert.deepEqual(run.splits.valid, plain.splits.valid, 'validation unchanged');
  assert.deepEqual(run.splits.test, plain.splits.test, 'test unchanged');
  const added = run.splits.train.slice(plain.splits.train.length).map((p) => p.id);
  assert.deepEqual(added, ['conala:1:0', 'mbpp:700']);
  const reports = (run.report as { extra: Array<Record<string, unknown>> }).extra;
  assert.deepEqual(reports.map((r) => [r.source, r.read, r.leakingIntoEvaluation, r.nearBenchmark, r.notTrainingTasks, r.added]), [
    ['conala', 4, 2, 1, 0, 1],
    ['mbpp', 4, 0, 0, 3, 1],
  ]);
  assert.equal((run.report as { pairs: Record<string, number> }).pairs.train, run.splits.train.length);

  writeFileSync(specFile, JSON.stringify({ preset: 'seed', data: { path: data, extra: [{ source: 'conala', path: path.join(dir, 'nope.json') }] } }));
  await assert.rejects(loadRunSplits(readSpecFile(specFile)), /nope\.json: no such file \(data\.extra conala\)/);
});
