import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { detokenizePython } from '../../src/tokenize/pyDetokenize.js';
import { checkPythonSyntax } from '../../src/python/astCheck.js';
import { NO_PYTHON } from '../helpers.js';
import { FIXTURES } from './fixtures.js';

const pep8 = (src: string) => detokenizePython(lexPython(src));
const key = (src: string) => lexPython(src).map((t) => `${t.type}:${t.value}`);

test('writes PEP 8-looking code', () => {
  const cases: [string, string][] = [
    ['x=a+b*c', 'x = a + b * c\n'],
    ['print ( a,b )', 'print(a, b)\n'],
    ['f(a = 1, *args, **kw)', 'f(a=1, *args, **kw)\n'],
    ['x = y [1 : 2]', 'x = y[1:2]\n'],
    ['x=a[::-1]', 'x = a[::-1]\n'],
    ['y = -x ** -2', 'y = -x ** -2\n'],
    ['a = b - -c', 'a = b - -c\n'],
    ['return -1', 'return -1\n'],
    ['if(a):\n   pass', 'if (a):\n    pass\n'],
    ['def f(x, y = 2)->int :\n\treturn x', 'def f(x, y=2) -> int:\n    return x\n'],
    ['@ deco\ndef f(): pass', '@deco\ndef f(): pass\n'],
    ['f = lambda x,y=1:x+y', 'f = lambda x, y=1: x + y\n'],
    ['d = { "a" :1 }', 'd = {"a": 1}\n'],
    ["print(f'{a +b}')", "print(f'{a +b}')\n"],
    ['if (n:=len(a))>1: pass', 'if (n := len(a)) > 1: pass\n'],
    ['x = (1,)', 'x = (1,)\n'],
    ['from . import a', 'from . import a\n'],
    ['from .. b import c', 'from ..b import c\n'],
    ['x = 1 .real', 'x = 1 .real\n'],
    ['x = not(a) in [1]', 'x = not (a) in [1]\n'],
    ['def f(a, *, b): pass', 'def f(a, *, b): pass\n'],
    ['c = a@b', 'c = a @ b\n'],
    ['x: int=5', 'x: int = 5\n'],
    ["s = 'a' 'b'", "s = 'a' 'b'\n"],
    ['x = a[...,0]', 'x = a[..., 0]\n'],
  ];
  for (const [src, want] of cases) assert.equal(pep8(src), want, src);
});

test('comments are written when the tokens have them', () => {
  const out = detokenizePython(lexPython('# hi\nx = 1 # one\nif x:\n    # inner\n    y = 2\n', { comments: true }));
  assert.equal(out, '# hi\nx = 1  # one\nif x:\n    # inner\n    y = 2\n');
});

test('round trip on every fixture: the output parses and re-lexes to the same tokens', { skip: NO_PYTHON }, async () => {
  const names = Object.keys(FIXTURES);
  const outs = names.map((n) => pep8(FIXTURES[n]));
  names.forEach((n, i) => assert.deepEqual(key(outs[i]), key(FIXTURES[n]), `${n}:\n${outs[i]}`));
  // `return_ = not -a` etc. are valid statements; the walrus/decorator ones are valid too.
  const checks = await checkPythonSyntax(outs);
  names.forEach((n, i) => assert.ok(checks[i].ok, `${n} does not parse: ${checks[i].message}\n${outs[i]}`));
});
