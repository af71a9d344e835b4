import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { sharedData } from '../../src/eval/paths.js';
import {
  evaluateHumanEval,
  evaluateMbpp,
  expectedFunctionName,
  mbppPrograms,
  mbppSplit,
  readHumanEval,
  readMbpp,
  type MbppTask,
} from '../../src/eval/tasks.js';

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'en2py-tasks-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const mbppLine = (id: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    text: 'Write a function to add two numbers.',
    code: 'def add(a, b):\n    return a + b',
    task_id: id,
    test_setup_code: '',
    test_list: ['assert add(1, 2) == 3', 'assert add(2, 2) == 4'],
    challenge_test_list: [],
    ...extra,
  });

test('MBPP reader and split by task id', () => {
  const file = tmpFile('mbpp.jsonl', `${mbppLine(11)}\n${mbppLine(600)}\n\n`);
  const tasks = readMbpp(file);
  assert.equal(tasks.length, 2);
  assert.equal(tasks[0].testList.length, 2);
  assert.deepEqual([1, 10, 11, 510, 511, 600, 601, 974].map(mbppSplit), ['prompt', 'prompt', 'test', 'test', 'valid', 'valid', 'train', 'train']);
});

test('readers report the file, the line and what was expected', () => {
  const bad = tmpFile('mbpp.jsonl', `${mbppLine(11)}\n${JSON.stringify({ text: 'x', code: 'y', task_id: 12, test_setup_code: '' })}\n`);
  assert.throws(() => readMbpp(bad), (e: Error) => e instanceof UserError && e.message.startsWith(`${bad}:2: expected MBPP field "test_list"`));
  const notJson = tmpFile('he.jsonl', '{"task_id": "HumanEval/0"\n');
  assert.throws(() => readHumanEval(notJson), (e: Error) => e instanceof UserError && e.message.startsWith(`${notJson}:1: expected one JSON object`));
  const wrongType = tmpFile('he.jsonl', JSON.stringify({ task_id: 'HumanEval/0', prompt: 'p', canonical_solution: 's', test: 't', entry_point: 3 }) + '\n');
  assert.throws(() => readHumanEval(wrongType), (e: Error) => e instanceof UserError && /:1: expected HumanEval field "entry_point"/.test(e.message));
  assert.throws(() => readMbpp('/nonexistent/mbpp.jsonl'), UserError);
});

test('expected function name comes from the first assert', () => {
  assert.equal(expectedFunctionName('assert remove_Occ("hello","l") == "heo"'), 'remove_Occ');
  assert.equal(expectedFunctionName('assert set(similar_elements((3, 4), (5, 4))) == set((4, 5))'), 'similar_elements');
  assert.equal(expectedFunctionName('assert math.isclose(area(2), 12.56, rel_tol=0.001)'), 'area');
  assert.equal(expectedFunctionName('assert (Diff([10, 15], [25])) == [10]'), 'Diff');
  assert.equal(expectedFunctionName('assert sum(10,15) == 6'), 'sum');
});

test('strict and bound MBPP scores: a wrongly named function passes only when bound', async () => {
  const task: MbppTask = {
    taskId: 11,
    text: 'add',
    code: 'def add(a, b):\n    return a + b',
    testSetupCode: '',
    testList: ['assert add(1, 2) == 3'],
    challengeTestList: [],
  };
  const wrongName = 'def helper_sum(x, y):\n    return x + y\n';
  const p = mbppPrograms(task, wrongName);
  assert.match(p.bound ?? '', /^add = helper_sum$/m);
  assert.equal(mbppPrograms(task, task.code).bound, null); // defines the name: nothing to bind
  const [[right], [wrong], [broken]] = await evaluateMbpp([task, task, task], [[task.code], [wrongName], ['def add(a, b):\n    return a - b\n']]);
  assert.deepEqual([right.strict.status, right.bound.status], ['passed', 'passed']);
  assert.deepEqual([wrong.strict.status, wrong.bound.status], ['failed', 'passed']);
  assert.deepEqual([broken.strict.status, broken.bound.status], ['failed', 'failed']);
});

// Canonical solutions through the whole harness (real files, when present).
// MBPP: a deterministic sample of 100 test tasks (every 5th of 11..510) keeps
// `npm test` short; EN2PY_FULL_EVAL=1 runs all 500 (about 55 s here).
const mbppFile = sharedData('mbpp/mbpp.jsonl');
test('canonical MBPP test solutions pass at >= 95% (strict)', { skip: mbppFile ? false : '../shared/data/mbpp/mbpp.jsonl not found' }, async () => {
  let tasks = readMbpp(mbppFile!).filter((t) => mbppSplit(t.taskId) === 'test');
  assert.equal(tasks.length, 500);
  if (process.env.EN2PY_FULL_EVAL !== '1') tasks = tasks.filter((_, i) => i % 5 === 0);
  const results = await evaluateMbpp(tasks, tasks.map((t) => [t.code]));
  const passed = results.filter((r) => r[0].strict.status === 'passed').length;
  const failed = tasks.flatMap((t, i) => (results[i][0].strict.status === 'passed' ? [] : [`${t.taskId}:${results[i][0].strict.status}`]));
  assert.ok(passed / tasks.length >= 0.95, `${passed}/${tasks.length} passed; failing: ${failed.join(' ')}`);
});

const heFile = sharedData('humaneval/HumanEval.jsonl');
test('canonical HumanEval solutions pass at >= 95%', { skip: heFile ? false : '../shared/data/humaneval/HumanEval.jsonl not found' }, async () => {
  const tasks = readHumanEval(heFile!);
  assert.equal(tasks.length, 164);
  const results = await evaluateHumanEval(tasks, tasks.map((t) => [t.canonicalSolution]));
  const passed = results.filter((r) => r[0].status === 'passed').length;
  assert.ok(passed / tasks.length >= 0.95, `${passed}/${tasks.length} passed`);
});
