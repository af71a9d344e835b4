// The example prompts (src/server/public/examples.json: the page's buttons and the
// README's generate commands) must be answered correctly by the default model:
// each is generated as `en2py generate` does (beam 5, syntax-aware) and its code
// runs against the example's tests in the sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSandboxed } from '../../src/eval/sandbox.js';
import { mbppPrograms } from '../../src/eval/tasks.js';
import { en2py, NO_PYTHON, repoRoot, tempDir } from '../helpers.js';

const root = repoRoot();
const MODEL = path.join(root, 'models', 'default');
const skip = (existsSync(path.join(MODEL, 'config.json')) ? undefined : `${MODEL} is missing`) ?? NO_PYTHON;
const { examples } = JSON.parse(readFileSync(path.join(root, 'src', 'server', 'public', 'examples.json'), 'utf8')) as {
  examples: Array<{ prompt: string; tests: string[] }>;
};

test('examples.json: every README generate command uses one of its prompts', () => {
  assert.ok(examples.length >= 3);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  // Command lines (in code blocks: a line that starts with the command); the sentence is the last quoted
  // argument (earlier ones are option values, e.g. --test "assert ...").
  const used = [...readme.matchAll(/^(?:npx )?en2py generate\b([^\n]*)/gm)]
    .map((m) => [...m[1].replace(/#.*$/, '').matchAll(/"([^"]+)"/g)].map((q) => q[1]).at(-1))
    .filter((p): p is string => p !== undefined);
  assert.ok(used.length >= 2, 'the README shows generate with a sentence');
  for (const prompt of used) assert.ok(examples.some((e) => e.prompt === prompt), `the README's "${prompt}" is not in examples.json`);
});

test('examples.json: the default model answers every example with code that passes its tests (sandbox)', { skip }, async (t) => {
  const input = path.join(tempDir(t), 'examples.jsonl');
  writeFileSync(input, examples.map((e, i) => JSON.stringify({ id: i, prompt: e.prompt })).join('\n') + '\n');
  const r = en2py(['generate', '--model', MODEL, '--input', input]);
  assert.equal(r.status, 0, r.stderr);
  const codes = r.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { code: string }).code);
  assert.equal(codes.length, examples.length);
  for (const [i, e] of examples.entries()) {
    // The tests call a name of their choosing; the code's first function is bound to it, as MBPP's "bound" score does.
    const programs = mbppPrograms({ taskId: i, text: e.prompt, code: '', testList: e.tests, testSetupCode: '', challengeTestList: [] }, codes[i]);
    const run = await runSandboxed(programs.bound ?? programs.strict);
    assert.equal(run.status, 'passed', `"${e.prompt}" gave code that fails its tests:\n${codes[i]}\n${run.stderr}`);
  }
});
