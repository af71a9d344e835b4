import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSyntax, syntaxValidity } from '../../src/eval/syntax.js';

test('syntax validity: python3 compile() on a batch, in one process', async () => {
  const r = await syntaxValidity([
    'def f(x):\n    return x + 1\n',
    'def f(x:\n    return x\n',
    'print("hi")',
    'if True:\nreturn 1\n',
    'x = "\0"', // NUL inside the source: ValueError in some Python versions, SyntaxError in others
    '',
  ]);
  assert.deepEqual(r.checks.map((c) => c.ok), [true, false, true, false, false, true]);
  assert.equal(r.valid, 3);
  assert.equal(r.rate, 0.5);
  assert.equal(r.checks[1].line, 1);
  assert.match(r.checks[3].error ?? '', /IndentationError|SyntaxError/);
});

test('syntax check handles a large batch quickly', async () => {
  const codes = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `x${i} = ${i}\n` : `def f${i}(:\n`));
  const t0 = Date.now();
  const checks = await checkSyntax(codes);
  assert.equal(checks.filter((c) => c.ok).length, 1000);
  assert.ok(Date.now() - t0 < 10000);
});

test('syntax validity means compiling: a duplicate argument or a return outside a function parses but is not valid', async () => {
  const codes = ['def f(n, n):\n    return n\n', 'return 1\n', 'def g(n):\n    return n\n'];
  const r = await syntaxValidity(codes);
  assert.deepEqual(r.checks.map((c) => c.ok), [false, false, true]);
  assert.match(r.checks[0].error ?? '', /duplicate argument 'n'/);
});
