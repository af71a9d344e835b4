// Tests from the user: which name is bound, the program that runs, the order and
// limit of the tries (a stub runner), and the real sandbox on stub candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors.js';
import type { RunResult } from '../../src/eval/sandbox.js';
import { bindingFor, calledNames, checkTests, describeTestFilter, filterByTests, testProgram, topLevelNames } from '../../src/eval/userTests.js';
import { NO_PYTHON } from '../helpers.js';

test('the one undefined name the tests call is bound to the one function the candidate defines', () => {
  const isEven = 'def is_even(n):\n    return n % 2 == 0\n';
  assert.deepEqual(bindingFor(isEven, ['assert f(4)', 'assert not f(3)']), { name: 'f', to: 'is_even' });
  assert.equal(bindingFor(isEven, ['assert is_even(4)']), null, 'the name is defined');
  assert.equal(bindingFor(isEven + 'def g(x):\n    return x\n', ['assert f(4)']), null, 'two functions: which one is unknown');
  assert.equal(bindingFor(isEven, ['assert f(4) == g(4)']), null, 'two undefined names');
  assert.deepEqual(bindingFor(isEven, ['assert sorted(f([3, 1])) == [1, 3]', 'assert len(str(f(2))) == 4']), { name: 'f', to: 'is_even' }, 'builtins are not bound');
  assert.deepEqual(bindingFor(isEven, ['assert f("g(x)") == 1']), { name: 'f', to: 'is_even' }, 'calls inside strings do not count');
  assert.equal(bindingFor('from math import factorial as fact\ndef g(n):\n    return n\n', ['assert fact(3) == 6']), null, 'imported names are defined');
  assert.equal(bindingFor(isEven, ['def helper(x):\n    return x', 'assert helper(1) == 1']), null, 'names the tests define');
  assert.deepEqual([...topLevelNames('import os.path, re as regex\nx, y = 1, 2\nN: int = 3\nif x == 1:\n    z = 2\n')].sort(), ['N', 'os', 'regex', 'x', 'y']);
  assert.deepEqual(calledNames(['assert obj.method(1) and f(2) and not g (3)']), ['f', 'g']);
  const program = testProgram(isEven, ['assert f(4)'], { name: 'f', to: 'is_even' });
  assert.match(program, /^def is_even\(n\):[\s\S]*\n\nf = is_even {2}# en2py: [^\n]*\nassert f\(4\)\n$/);
});

const fakeRun = (pass: (program: string) => boolean) => {
  const seen: string[] = [];
  const run = async (program: string): Promise<RunResult> => {
    seen.push(program);
    const ok = pass(program);
    return { status: ok ? 'passed' : 'failed', ms: 1, exitCode: ok ? 0 : 1, signal: null, stdout: '', stderr: ok ? '' : 'Traceback\nAssertionError', mode: 'plain' };
  };
  return { run, seen };
};

test('beams first, then samples for the rest; duplicates run once; the first that passes is the answer', async () => {
  const asked: number[] = [];
  const source = { beams: () => ['def a(): pass\n', 'def a(): pass\n', 'def b(): pass\n'], samples: (n: number) => (asked.push(n), ['def c(): pass\n', 'def ok(): pass\n', 'def ok2(): pass\n']) };
  const { run, seen } = fakeRun((p) => p.includes('def ok'));
  const r = await filterByTests(source, ['assert x()'], { tries: 10, run });
  assert.deepEqual(asked, [7], 'samples fill the tries left after the 3 beams');
  assert.equal(r.passed, true);
  assert.equal(r.code, 'def ok(): pass\n');
  assert.deepEqual([r.index, r.origin, r.tried, r.considered], [4, 'sample', 4, 5]);
  assert.equal(seen.length, 4, 'the duplicate beam is not run again');
  assert.equal(r.runs[0].error, 'AssertionError');
  assert.match(describeTestFilter(r, 1), /^passed the 1 test: candidate 5 \(sample\), after running 4 distinct candidates \(at most 10\); the tests' x is bound to ok\. .*pass@10 with test filtering, not pass@1$/);
});

test('none passes: the most likely candidate, said clearly, and never more than the tries', async () => {
  const asked: number[] = [];
  const { run, seen } = fakeRun(() => false);
  const r = await filterByTests({ beams: () => ['def a(): pass\n', 'def b(): pass\n'], samples: (n) => (asked.push(n), Array.from({ length: 9 }, (_, i) => `def s${i}(): pass\n`)) }, ['assert False'], { tries: 4, run });
  assert.deepEqual(asked, [2]);
  assert.equal(seen.length, 4, 'the sampler gave 9, only 4 in all are tried');
  assert.deepEqual([r.passed, r.code, r.index, r.tried, r.considered, r.tries], [false, 'def a(): pass\n', 0, 4, 4, 4]);
  assert.match(describeTestFilter(r, 1), /^NO candidate passed the 1 test \(4 distinct of 4 candidates run\); this is the most likely candidate/);
  // fewer beams than tries and enough: no sampling at all
  const few: number[] = [];
  await filterByTests({ beams: () => ['def a(): pass\n', 'def b(): pass\n'], samples: (n) => (few.push(n), []) }, ['assert False'], { tries: 2, run });
  assert.deepEqual(few, []);
});

test('tests that do not compile are refused in one line naming the test', { skip: NO_PYTHON }, async () => {
  await assert.rejects(checkTests(['assert f(3) == 6', 'assert f(3) = 6']), (e: Error) => e instanceof UserError
    && /^--test "assert f\(3\) = 6": not valid Python: .+; expected a statement such as "assert f\(3\) == 6"$/.test(e.message) && !e.message.includes('\n'));
  await assert.rejects(checkTests(['  ']), (e: Error) => e instanceof UserError && /^--test is empty/.test(e.message));
  await checkTests(['assert f(3) == 6', 'for x in range(3):\n    assert f(x) == 2 * x']);
});

test('in the sandbox: a renamed correct function passes through the binding, a wrong one fails', { skip: NO_PYTHON }, async () => {
  const source = {
    beams: () => ['def double(n):\n    return n + 2\n'], // right for 2 only
    samples: () => ['def twice(x):\n    return 2 * x\n', 'def never(x):\n    return 0\n'],
  };
  const r = await filterByTests(source, ['assert f(2) == 4', 'assert f(5) == 10'], { tries: 3 });
  assert.equal(r.passed, true);
  assert.deepEqual([r.index, r.origin, r.tried], [1, 'sample', 2]);
  assert.deepEqual(r.binding, { name: 'f', to: 'twice' });
  assert.equal(r.runs[0].status, 'failed');
  assert.equal(r.runs[0].error, 'AssertionError');
  const none = await filterByTests({ beams: () => ['def loop(x):\n    while True:\n        pass\n'], samples: () => [] }, ['assert f(1) == 1'], { tries: 1, limits: { timeoutMs: 1000 } });
  assert.deepEqual([none.passed, none.runs[0].status], [false, 'timeout']);
});
