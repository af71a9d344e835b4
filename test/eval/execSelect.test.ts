// Choosing by execution: the pure choice among given signatures, the inputs taken
// from the prompt, and the sandbox harness on hand-written candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseByAgreement, promptCallArguments, promptEntryHint } from '../../src/eval/execSelect.js';
import { harnessProgram, parseExecution, selectByExecution } from '../../src/eval/execHarness.js';
import { NO_PYTHON } from '../helpers.js';

test('the largest agreeing group wins; ties and groupless candidates', () => {
  // candidate 0 is the most likely, alone; 1 and 2 agree
  assert.deepEqual(chooseByAgreement(['a', 'b', 'b', null, 'c']), { index: 1, groupSize: 2, groups: 3, executed: 4, sizes: [1, 2, 2, 0, 1] });
  // two groups of two: the one holding the more likely candidate
  assert.equal(chooseByAgreement(['x', 'y', 'y', 'x']).index, 0);
  assert.equal(chooseByAgreement(['y', 'x', 'y', 'x', 'x']).index, 1);
  // a candidate without a signature never wins while another has one
  assert.equal(chooseByAgreement([null, 'q']).index, 1);
  // nothing ran: the most likely
  assert.deepEqual(chooseByAgreement([null, null]), { index: 0, groupSize: 0, groups: 0, executed: 0, sizes: [0, 0] });
  assert.throws(() => chooseByAgreement([]), /no candidates/);
});

test('argument lists and the entry name come from the calls in the prompt', () => {
  const prompt = "Write a function to join.\nassert join_two([1, (2, 3)], 'a)b') == set(g(x))";
  assert.deepEqual(promptCallArguments(prompt), ["[1, (2, 3)], 'a)b'", 'g(x)', 'x']);
  assert.equal(promptEntryHint(prompt), 'join_two');
  assert.deepEqual(promptCallArguments('write a python function to add two numbers'), []);
  assert.equal(promptEntryHint('write a python function (please)'), undefined);
  assert.deepEqual(promptCallArguments('assert f(1, 2'), [], 'an unclosed call gives nothing');
});

test('a harness report without a marker, or from a failed run, is no signature', () => {
  const base = { ms: 10, exitCode: 0, signal: null, stderr: '', mode: 'plain' as const };
  assert.equal(parseExecution({ ...base, status: 'passed', stdout: 'hello' }).signature, null);
  assert.equal(parseExecution({ ...base, status: 'timeout', stdout: '', reason: 'wall time' }).note, 'timeout: wall time');
  const ok = parseExecution({ ...base, status: 'passed', stdout: 'x\nEN2PY-EXEC {"ok": true, "fn": "f", "arity": 1, "outs": ["a1", "!TypeError"]}\n' });
  assert.deepEqual([ok.signature, ok.note], ['1:a1,!TypeError', 'f']);
  // the candidate is embedded as data, never as code the harness text could break
  assert.ok(!harnessProgram('"""\nimport os', 'p').includes('import os'));
});

test('execution picks the agreeing pair over a more likely wrong candidate', { skip: NO_PYTHON }, async () => {
  const prompt = 'Write a function to add two numbers.\nassert add_nums(3, 4) == 7';
  const candidates = [
    'def add_nums(a, b):\n    return a - b\n', // most likely, wrong, alone
    'def add(x, y):\n    return x + y\n',
    'def plus(a, b):\n    total = a\n    total += b\n    return total\n', // agrees with the one above
    'def broken(a, b):\n    return a +\n', // does not compile
    'def always(a, b):\n    raise ValueError("no")\n', // no input gives a value
    'x = 1\n', // a script that prints nothing
  ];
  const [s] = await selectByExecution([prompt], [candidates]);
  assert.equal(s.index, 1);
  assert.equal(s.code, candidates[1]);
  assert.equal(s.groupSize, 2);
  assert.deepEqual(s.sizes, [1, 2, 2, 0, 0, 0]);
  assert.match(s.executions[3].note, /SyntaxError/);
  assert.match(s.executions[4].note, /no input gave a value/);
  // 1 prompt input + 11 generic ones
  assert.equal(s.executions[1].signature!.split(',').length, 12);
});

test('equal values agree however they were built (sets of strings, dict order, print vs return differ)', { skip: NO_PYTHON }, async () => {
  const candidates = [
    'def words(s):\n    return set(s.split())\n',
    'def words(s):\n    return {w for w in reversed(s.split())}\n',
    'def words(s):\n    print(set(s.split()))\n', // prints instead of returning: another group
    'def counts(s):\n    d = {}\n    for w in s.split():\n        d[w] = d.get(w, 0) + 1\n    return d\n',
    'def counts(s):\n    d = {}\n    for w in reversed(s.split()):\n        d[w] = d.get(w, 0) + 1\n    return d\n',
  ];
  const [s] = await selectByExecution(['return the set of words of "hello big world"'], [candidates]);
  const sig = s.executions.map((e) => e.signature);
  assert.ok(sig.every((x) => x !== null));
  assert.equal(sig[0], sig[1]);
  assert.notEqual(sig[0], sig[2]);
  assert.equal(sig[3], sig[4]);
  assert.equal(s.index, 0);
});
