// `en2py generate --test` / `--select exec` and the API's `tests` field, and their
// usage errors (one line, exit 2). A tiny model trained here writes no runnable
// code, so it shows the "none passed" path; the committed default model shows a
// pass through a bound name; the API's pass path runs on stubbed candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_REPEATS, type Generation } from '../../src/decode/generator.js';
import { DEFAULT_BEAM } from '../../src/decode/search.js';
import { createApp } from '../../src/server/app.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';
import { en2py, NO_PYTHON, repoRoot, tempDir } from '../helpers.js';
import { trainTinyModel } from '../server/fixtures.js';

const DEFAULT_MODEL = path.join(repoRoot(), 'models', 'default');
const NO_DEFAULT = existsSync(path.join(DEFAULT_MODEL, 'config.json')) ? undefined : `${DEFAULT_MODEL} is missing`;

function oneLineError(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line, got: ${r.stderr}`);
  assert.match(r.stderr.trimEnd(), pattern);
}

test('generate --test / --tries / --select: usage errors are one line, exit 2, before any model loads', { skip: NO_PYTHON }, () => {
  const nowhere = ['--model', '/nonexistent/model'];
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(3) = 6', 'double a number']), /^en2py: --test "assert f\(3\) = 6": not valid Python: .*expected a statement such as "assert f\(3\) == 6"$/);
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(1) == 1', '--test', 'def g(:', 'x']), /--test "def g\(:": not valid Python/);
  oneLineError(en2py(['generate', ...nowhere, '--tries', '3', 'x']), /--tries applies to --test/);
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(1)', '--tries', '0', 'x']), /--tries/);
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(1)', '--samples', '3', 'x']), /leave out --samples/);
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(1)', '--input', 'p.jsonl']), /--test checks one sentence/);
  oneLineError(en2py(['generate', ...nowhere, '--test', 'assert f(1)', '--select', 'exec', 'x']), /leave out --select/);
  oneLineError(en2py(['generate', ...nowhere, '--select', 'vote', 'x']), /--select/);
});

test('generate --test with the default model: a differently named function passes through the binding', { skip: NO_DEFAULT ?? NO_PYTHON }, () => {
  const r = en2py(['generate', '--json', '--test', 'assert my_function(2, 3) == 5', 'write a python function to add two numbers']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tests.passed, true);
  assert.equal(out.tests.binding.name, 'my_function');
  assert.match(out.code, new RegExp(`^def ${out.tests.binding.to}\\(`, 'm'));
  assert.match(out.tests.note, /my_function is bound to .*pass@10 with test filtering, not pass@1$/);
});

test('generate --test, --select exec and the API tests field on a tiny model', { skip: NO_PYTHON }, async (t) => {
  const model = trainTinyModel(tempDir(t), 1);
  const sentence = 'write a python function to add 3 to a number';

  // Nothing passes: every try is run, the most likely candidate is printed, exit status 1.
  const fail = en2py(['generate', '--model', model, '--test', 'assert 1 == 2', '--tries', '3', sentence]);
  assert.equal(fail.status, 1, fail.stderr);
  assert.match(fail.stderr, /^warning: NO candidate passed the 1 test \(\d distinct of 3 candidates run\); this is the most likely candidate/);
  const plain = en2py(['generate', '--model', model, '--no-rerank', sentence]);
  assert.equal(fail.stdout, plain.stdout, 'the most likely beam');
  const failJson = JSON.parse(en2py(['generate', '--model', model, '--json', '--test', 'assert 1 == 2', '--tries', '8', sentence]).stdout);
  assert.equal(failJson.tests.considered, 8, 'beams, then samples up to the tries');
  assert.ok(failJson.tests.runs.some((r: { origin: string }) => r.origin === 'sample'));
  assert.ok(failJson.tests.runs.every((r: { status: string; error?: string }) => r.status !== 'passed' && r.error));

  const exec = en2py(['generate', '--model', model, '--select', 'exec', '--json', sentence]);
  assert.equal(exec.status, 0, exec.stderr);
  assert.match(exec.stderr, /^note: chosen by execution: /);
  assert.equal(typeof JSON.parse(exec.stdout).code, 'string');

  // Batch mode chooses by execution for every prompt (one sandbox queue for all).
  const prompts = path.join(tempDir(t), 'prompts.jsonl');
  writeFileSync(prompts, '{"id": 1, "prompt": "write a python function to add 2 to a number"}\n{"id": 2, "prompt": "write a python function to multiply 4 by a number"}\n');
  const batch = en2py(['generate', '--model', model, '--select', 'exec', '--input', prompts]);
  assert.equal(batch.status, 0, batch.stderr);
  assert.deepEqual(batch.stdout.trim().split('\n').map((l) => JSON.parse(l).id), [1, 2]);

  // eval --select exec scores the one chosen program per problem (pass@1), not the samples it was chosen from.
  const evalOut = en2py(['eval', '--model', model, '--benchmark', path.join(repoRoot(), 'benchmarks', 'en2py-bench.jsonl'), '--limit', '2', '--samples', '3', '--select', 'exec', '--json', '--out', tempDir(t)]);
  assert.equal(evalOut.status, 0, evalOut.stderr);
  const summary = JSON.parse(evalOut.stdout);
  assert.equal(summary.decoding.select, 'exec');
  assert.equal(summary.decoding.rerank, false);
  assert.equal(summary.samplesPerProblem, 1);

  // The API, in-process: errors are 400s with a message.
  const app = createApp(await WorkerGenerator.start(model), { log: () => {} });
  t.after(() => app.server.close());
  const none = await app.generate({ prompt: sentence, tests: ['assert 1 == 2'], tries: 7 });
  assert.deepEqual([none.tests?.passed, none.tests?.considered, none.tests?.candidate], [false, 7, 1]);
  assert.match(none.tests!.note, /^NO candidate passed/);
  const mostLikely = (await app.generator.generate(sentence, { beam: DEFAULT_BEAM, maxLen: 256, guard: true, maxRepeats: DEFAULT_MAX_REPEATS })).candidates[0].code;
  assert.equal(none.code, mostLikely, 'none passed: the most likely beam, not a reranked one');
  const bad: Array<[unknown, RegExp]> = [
    [{ prompt: sentence, tests: [] }, /tests is empty/],
    [{ prompt: sentence, tests: 'assert True' }, /tests must be a list/],
    [{ prompt: sentence, tests: ['assert f(3) = 6'] }, /^test "assert f\(3\) = 6": not valid Python/],
    [{ prompt: sentence, tries: 3 }, /tries applies to tests/],
    [{ prompt: sentence, tests: ['assert True'], tries: 500 }, /tries must be at most 20/],
    [{ prompt: sentence, tests: ['assert True'], samples: 2 }, /leave out samples/],
  ];
  for (const [body, message] of bad) {
    await assert.rejects(app.generate(body), (err: Error & { status?: number }) => err.status === 400 && message.test(err.message), JSON.stringify(body));
  }

  // Stubbed candidates: beams that fail, then a sample that passes through the binding.
  const fake = (codes: string[]): Generation => ({
    code: codes[0], alternatives: codes.slice(1), tokens: ['x'], words: ['w'], truncated: false, logProb: 0, ms: 1,
    candidates: codes.map((code) => ({ code, tokens: [code.slice(4, 9)], logProb: 0, attention: [[1]] })),
  });
  app.generator.generate = async (_s, opts) => (opts?.samples ? fake(['def wrong(a):\n    return 0\n', 'def triple(a):\n    return 3 * a\n']) : fake(['def add(a):\n    return a + 3\n']));
  const ok = await app.generate({ prompt: sentence, tests: ['assert f(2) == 6', 'assert f(0) == 0'], tries: 5 });
  assert.equal(ok.code, 'def triple(a):\n    return 3 * a\n');
  assert.deepEqual([ok.tests?.passed, ok.tests?.candidate, ok.tests?.origin, ok.tests?.tried], [true, 3, 'sample', 3]);
  assert.deepEqual(ok.tests?.binding, { name: 'f', to: 'triple' });
  assert.deepEqual(ok.tokens, ['tripl'], "the answer's own tokens");
  assert.equal(ok.valid, true);
  assert.equal(ok.alternatives[0], 'def add(a):\n    return a + 3\n');
});
