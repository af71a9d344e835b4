import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lexPython, PyTokenizeError, type PyToken } from '../../src/tokenize/pyLexer.js';
import { NO_PYTHON } from '../helpers.js';
import { FIXTURES } from './fixtures.js';

const show = (ts: PyToken[]) => ts.map((t) => (t.value === '' ? t.type : `${t.type}:${t.value}`));


test('lexes types and values like the examples', () => {
  assert.deepEqual(show(lexPython('def f(x):\n    return x+1\n')), [
    'NAME:def', 'NAME:f', 'OP:(', 'NAME:x', 'OP:)', 'OP::', 'NEWLINE', 'INDENT', 'NAME:return', 'NAME:x', 'OP:+', 'NUMBER:1', 'NEWLINE', 'DEDENT',
  ]);
});

test('strings: f-strings, prefixes and triple quotes are single STRING tokens', () => {
  const s = lexPython(FIXTURES.fstrings).filter((t) => t.type === 'STRING').map((t) => t.value);
  assert.deepEqual(s, ["'x'", "f'Sum: {sum}'", 'F"{a!r:>{w}}"', "rf'\\d{x}'", 'fr"{y}"']);
  const tri = lexPython(FIXTURES.triple).filter((t) => t.type === 'STRING');
  assert.equal(tri[0].value, '"""Doc\n    string\n"""');
  assert.equal(tri[0].line, 2);
  assert.equal(tri[0].endLine, 4);
});

test('numbers stay whole', () => {
  const n = lexPython(FIXTURES.numbers).filter((t) => t.type === 'NUMBER').map((t) => t.value);
  assert.deepEqual(n, ['0', '1_000', '0x1F', '0o17', '0b101', '3.14', '.5', '1e5', '1E-3', '2j', '1.5J', '10.']);
});

test('brackets and backslashes continue lines; comments and blank lines do not indent', () => {
  const b = show(lexPython(FIXTURES.brackets));
  assert.equal(b.filter((t) => t === 'NEWLINE').length, 2);
  assert.ok(!b.includes('INDENT'));
  const c = show(lexPython(FIXTURES.backslash));
  assert.equal(c.filter((t) => t === 'INDENT').length, 1);
  assert.deepEqual(show(lexPython(FIXTURES.comments)).filter((t) => t === 'INDENT' || t === 'DEDENT'), ['INDENT', 'DEDENT']);
});

test('comments are dropped by default and kept on request', () => {
  assert.ok(!lexPython(FIXTURES.comments).some((t) => t.type === 'COMMENT'));
  const kept = lexPython(FIXTURES.comments, { comments: true }).filter((t) => t.type === 'COMMENT').map((t) => t.value);
  assert.deepEqual(kept, ['# top', '# trailing', '# odd indent comment', '# col 0 comment']);
});

test('tabs advance to the next multiple of 8 (mixed tabs and spaces as CPython)', () => {
  const t = show(lexPython(FIXTURES.mixedTabs));
  // "    \t     " is column 13, deeper than 8: one INDENT, then back to 8.
  assert.deepEqual(t.filter((x) => x === 'INDENT' || x === 'DEDENT'), ['INDENT', 'INDENT', 'DEDENT', 'INDENT', 'DEDENT', 'DEDENT']);
});

test('a missing final newline still ends the statement', () => {
  assert.deepEqual(show(lexPython(FIXTURES.noFinalNewline)), ['NAME:x', 'OP:=', 'NUMBER:1', 'NEWLINE']);
});

test('errors carry line and column', () => {
  const cases: [string, RegExp, number, number][] = [
    ['x = 1\ns = "abc\n', /unterminated string literal/, 2, 4],
    ['x = """abc\n\n', /unterminated triple-quoted/, 1, 4],
    ['if x:\n        a = 1\n    b = 2\n', /unindent does not match/, 3, 4],
    ['f(1, 2\n', /'\(' was never closed/, 1, 1],
    ['x = 1)\n', /unmatched '\)'/, 1, 5],
    ['x = (1]\n', /does not match/, 1, 6],
    ['x = 1 \\ 2\n', /continuation character/, 1, 6],
    ['x = a ? b\n', /invalid character/, 1, 6],
    ['x = 1 + \\\n', /end of input after line continuation/, 1, 10],
  ];
  for (const [src, re, line, col] of cases) {
    assert.throws(() => lexPython(src), (e: unknown) => {
      assert.ok(e instanceof PyTokenizeError, String(e));
      assert.match(e.message, re);
      assert.equal(e.line, line, src);
      assert.equal(e.col, col, src);
      return true;
    });
  }
});

test('agrees with CPython tokenize on every fixture', { skip: NO_PYTHON }, () => {
  const script = `
import tokenize, io, json, sys
out = []
for src in json.load(sys.stdin):
    toks = []
    for t in tokenize.generate_tokens(io.StringIO(src).readline):
        n = tokenize.tok_name[t.type]
        if n in ('NL', 'COMMENT', 'ENDMARKER'): continue
        toks.append(n + ('' if n in ('NEWLINE', 'INDENT', 'DEDENT') else ':' + t.string))
    out.append(toks)
print(json.dumps(out))`;
  const srcs = Object.values(FIXTURES);
  const r = spawnSync(process.env.EN2PY_PYTHON || 'python3', ['-c', script], { input: JSON.stringify(srcs), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout) as string[][];
  Object.keys(FIXTURES).forEach((name, i) => assert.deepEqual(show(lexPython(srcs[i])), theirs[i], name));
});
