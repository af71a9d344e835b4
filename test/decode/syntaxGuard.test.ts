// The syntax guard lets every valid program through (it is only a filter on
// impossible prefixes) and blocks the mistakes it is meant to block; the
// repetition filter blocks only long cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCleanPairs } from '../../src/data/load.js';
import { cycleBlockedTokens } from '../../src/decode/repetition.js';
import { SyntaxGuard, type GuardState } from '../../src/decode/syntaxGuard.js';
import { codeToModelTokens } from '../../src/tokenize/codeText.js';
import { EOS, SPECIAL_TOKENS } from '../../src/tokenize/vocab.js';
import { EN_PY_FILE, skipUnlessExists } from '../helpers.js';

const PROGRAMS = [
  'def add(a, b):\n    return a + b\n',
  'for i in range(10):\n    if i % 2 == 0:\n        print(i)\n    else:\n        continue\nprint("done")\n',
  "d = {'a': [1, 2, (3, 4)], 'b': {}}\nprint(d['a'][2][0])\n",
  "s = 'hello world (not a bracket'\nprint(s[::-1], f\"{s!r}\")\n",
  'class A:\n    def f(self):\n        x = [i for i in range(3)]\n        return x\n\n\nprint(A().f())\n',
  'x = lambda y: y * 2\nprint(x(3))\n',
  "text = '''multi\nline ( string'''\nprint(len(text))\n",
  'if True: print(1)\n',
  'def g(a, b=(1, 2), *args, c: int = 3, **kw):\n    return a\n',
  'def h(x, xs, x_1):\n    return x\n',
];

/** Vocabulary = specials + every model token of the programs (names, numbers, strings cut into pieces). */
function vocabOf(programs: string[]): { tokens: string[]; encode: (code: string) => number[] } {
  const tokens: string[] = [...SPECIAL_TOKENS];
  const index = new Map(tokens.map((t, i) => [t, i]));
  const encode = (code: string) => codeToModelTokens(code).map((t) => {
    if (!index.has(t)) { index.set(t, tokens.length); tokens.push(t); }
    return index.get(t)!;
  });
  for (const p of programs) encode(p);
  // Tokens the checks below use, whether or not the programs had them.
  for (const t of ['(', ')', '[', ']', '{', '}', ':', '<nl>', '<indent>', '<dedent>', "'", '##a', "##'", 'x', '=', '1']) if (!index.has(t)) { index.set(t, tokens.length); tokens.push(t); }
  return { tokens, encode };
}

function walk(guard: SyntaxGuard, ids: number[]): { state: GuardState; blockedAt: number } {
  let state = guard.start();
  for (let i = 0; i < ids.length; i++) {
    if (!guard.allows(state, ids[i])) return { state, blockedAt: i };
    state = guard.advance(state, ids[i]);
  }
  return { state, blockedAt: -1 };
}

test('every valid program passes the guard token by token, and may end', () => {
  const { tokens, encode } = vocabOf(PROGRAMS);
  const guard = new SyntaxGuard(tokens);
  for (const p of PROGRAMS) {
    const ids = encode(p);
    const { state, blockedAt } = walk(guard, ids);
    assert.equal(blockedAt, -1, `${JSON.stringify(p)} blocked at token ${blockedAt} (${tokens[ids[blockedAt]]})`);
    assert.ok(guard.allows(state, EOS), `${JSON.stringify(p)} may end`);
  }
});

test('every program of the English→Python set passes the guard', { skip: skipUnlessExists(EN_PY_FILE) }, async () => {
  const { pairs } = await loadCleanPairs(EN_PY_FILE);
  const { tokens, encode } = vocabOf(pairs.map((p) => p.code));
  const guard = new SyntaxGuard(tokens);
  let checked = 0;
  for (const p of pairs) {
    const ids = encode(p.code);
    const { state, blockedAt } = walk(guard, ids);
    assert.equal(blockedAt, -1, `${p.id}: blocked at ${blockedAt} (${tokens[ids[blockedAt]]}) in ${JSON.stringify(p.code)}`);
    assert.ok(guard.allows(state, EOS), `${p.id} may end`);
    checked++;
  }
  assert.ok(checked > 3000, `${checked} programs`);
});

test('the guard blocks the mistakes it is for', () => {
  const { tokens } = vocabOf(PROGRAMS);
  const id = (t: string) => { const i = tokens.indexOf(t); assert.ok(i >= 0, `token ${t}`); return i; };
  const guard = new SyntaxGuard(tokens);
  const after = (...ts: string[]) => ts.reduce((s, t) => { assert.ok(guard.allows(s, id(t)), `${ts.join(' ')}: ${t} allowed`); return guard.advance(s, id(t)); }, guard.start());
  const allows = (s: GuardState, t: string, remaining?: number) => guard.allows(s, t === '<eos>' ? EOS : id(t), remaining);

  assert.ok(!allows(guard.start(), '<eos>'), 'no empty output');
  assert.ok(!allows(guard.start(), ')'), 'no closing bracket with nothing open');
  const open = after('x', '=', '(', '[');
  assert.ok(allows(open, ']') && !allows(open, ')') && !allows(open, '}'), 'only the matching bracket closes');
  assert.ok(!allows(open, '<nl>') && !allows(open, '<eos>'), 'no line break or end inside brackets');
  const block = after('x', ':', '<nl>');
  for (const t of ['x', '<dedent>', '<nl>', '<eos>']) assert.ok(!allows(block, t), `after ":" <nl> only <indent>, not ${t}`);
  assert.ok(allows(block, '<indent>'));
  assert.ok(!allows(after('x', '<nl>'), '<indent>'), 'no <indent> without ":"');
  assert.ok(!allows(after('x', '<nl>'), '<dedent>'), 'no <dedent> below zero');
  assert.ok(allows(after('x', ':', '<nl>', '<indent>', 'x', '<nl>'), '<dedent>'));
  assert.ok(!allows(after('x', ':', '<nl>', '<indent>', 'x'), '<dedent>'), '<dedent> only at a line start');
  assert.ok(!allows(after('x', '<nl>'), '<nl>'), 'no empty lines');
  const str = after('x', '=', "'", '##a');
  assert.ok(!allows(str, 'x') && !allows(str, '<nl>') && !allows(str, '<eos>') && allows(str, "##'"), 'inside a string only its pieces');
  assert.ok(allows(after('x', '=', "'", '##a', "##'"), '<eos>'), 'a closed string may end the output');
  assert.ok(!allows(after('x', '=', '('), '##a'), 'no piece glued to a bracket');
  assert.ok(allows(after('x'), '##a'), 'pieces glue to names');
  // Budget: with 2 tokens left and one bracket open, only closing it (then EOS) fits.
  const paren = after('x', '=', '(', 'x');
  assert.ok(!allows(paren, 'x', 2) && allows(paren, ')', 2) && allows(paren, 'x', 3));
  assert.ok(!allows(str, '##a', 2) && allows(str, "##'", 2), 'out of room, a string closes');

  // def f(x, x): parses, but Python will not compile it; a piece may still make a new name (x, xa).
  const dup = after('def', 'x', '(', 'x', ',', 'x');
  assert.ok(!allows(dup, ',') && !allows(dup, ')') && !allows(dup, '=') && !allows(dup, ':'), 'a parameter name never repeats');
  assert.ok(allows(dup, '##a'), 'but it may grow into another name');
  assert.ok(allows(after('def', 'x', '(', 'x', ',', 'x', '##a'), ')'));
  assert.ok(allows(after('def', 'x', '(', 'x', '=', 'x'), ')'), 'a default may name anything');
  assert.ok(allows(after('x', '(', 'x', ',', 'x'), ')'), 'a call may repeat an argument');
  assert.ok(allows(after('def', 'x', '(', 'x', ')', ':', 'x', '=', '(', 'x', ',', 'x'), ')'), 'the body is not the signature');
});

test('the repetition filter blocks only the token that would repeat a short cycle too often', () => {
  assert.deepEqual(cycleBlockedTokens([7, 1, 1, 1, 1], 4), [1], 'a fifth 1 in a row');
  assert.deepEqual(cycleBlockedTokens([1, 1, 1], 4), []);
  assert.deepEqual(cycleBlockedTokens([5, 1, 2, 1, 2, 1, 2, 1, 2], 4), [1], 'period 2');
  assert.deepEqual(cycleBlockedTokens([5, 1, 2, 1, 2, 1, 2, 1, 2], 5), []);
  assert.deepEqual(cycleBlockedTokens([9, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], 4), [1], 'period 3');
  assert.deepEqual(cycleBlockedTokens([9, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2], 4), [], 'three and two thirds repetitions');
  assert.deepEqual(cycleBlockedTokens([1, 2, 3, 4, 5, 6], 2), [], 'no cycle');
  assert.deepEqual(cycleBlockedTokens([3, 4, 4], 2), [4]);
  assert.deepEqual(cycleBlockedTokens([1, 2, 3], 1), [3, 2, 1], 'with 1, nothing may repeat right away');
});
