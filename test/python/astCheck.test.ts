import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPythonCompiles, checkPythonSyntax } from '../../src/python/astCheck.js';
import { UserError } from '../../src/errors.js';
import { NO_PYTHON } from '../helpers.js';

test('checks many sources in one python3 process, in order', { skip: NO_PYTHON }, async () => {
  const srcs = ['x = 1\n', 'def f(a, b c):\n    pass\n', 'print "hi"\n', 'if x:\npass\n', "s = 'é'\n", ''];
  const r = await checkPythonSyntax(srcs);
  assert.deepEqual(r.map((c) => c.ok), [true, false, false, false, true, true]);
  assert.equal(r[1].line, 1);
  assert.match(r[2].message, /parentheses/);
  assert.equal(r[3].line, 2);
});

test('parsing lets through what compiling rejects; neither runs the code', { skip: NO_PYTHON }, async () => {
  const srcs = ['def f(n, n):\n    return n\n', 'break\n', 'import sys; sys.exit(3)\n'];
  assert.deepEqual((await checkPythonSyntax(srcs)).map((c) => c.ok), [true, true, true]);
  const compiled = await checkPythonCompiles(srcs);
  assert.deepEqual(compiled.map((c) => c.ok), [false, false, true], 'sys.exit compiled, not run: the batch still answers');
  assert.match(compiled[0].message, /duplicate argument/);
});

test('an empty batch needs no python', async () => {
  assert.deepEqual(await checkPythonSyntax([]), []);
});

test('a missing python3 is a UserError', async () => {
  const saved = process.env.EN2PY_PYTHON;
  process.env.EN2PY_PYTHON = '/nonexistent/python3';
  try {
    await assert.rejects(checkPythonSyntax(['x = 1\n']), (e: unknown) => e instanceof UserError && /not found/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.EN2PY_PYTHON; else process.env.EN2PY_PYTHON = saved;
  }
});
