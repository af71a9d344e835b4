import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeBleu,
  codeBleuNgram,
  codeBleuWeightedNgram,
  dataflowMatchCount,
  syntaxMatchCount,
  codeTrees,
} from '../../src/eval/codebleu.js';

const ws = (s: string): string[] => s.split(/\s+/).filter(Boolean);
/** A simple regex tokenizer fixture (not the project's Python lexer). */
const regexTok = (s: string): string[] => s.match(/\w+|[^\s\w]/g) ?? [];
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

// The example of the CodeBLEU package README (k4black/codebleu, built on the
// CodeXGLUE reference implementation), whose published output is
// codebleu 0.5537, ngram 0.1041, weighted 0.1109, syntax 1.0, dataflow 1.0.
const hyp = 'def add ( a , b ) :\n return a + b';
const ref = 'def sum ( first , second ) :\n return second + first';

test('CodeBLEU n-gram part, checked by hand', () => {
  // unigram 7/12, bigram 2/11 (") :", ": return"), trigram 1/10 (") : return"),
  // 4-gram 0 -> smoothed 0.1/9; equal lengths so BP = 1
  const expected = Math.pow((7 / 12) * (2 / 11) * (1 / 10) * (0.1 / 9), 0.25);
  close(codeBleuNgram([ws(hyp)], [[ws(ref)]]), expected);
  close(expected, 0.10419, 1e-5);
});

test('CodeBLEU weighted n-gram part, checked by hand', () => {
  // reference unigram weights: def, return = 1 (keywords); the other 10 tokens 0.2 -> total 4.0;
  // matched: def, return (2) + ( , ) : + (5 x 0.2) = 3.0 -> 0.75; higher orders are recalls 2/11, 1/10, 0.1/9
  const expected = Math.pow(0.75 * (2 / 11) * (1 / 10) * (0.1 / 9), 0.25);
  close(codeBleuWeightedNgram([ws(hyp)], [[ws(ref)]]), expected);
  close(expected, 0.11095, 1e-5);
});

test('CodeBLEU reproduces the published README example', async () => {
  const r = await codeBleu([hyp], [ref], ws);
  close(r.ngram, 0.1041, 1e-4);
  close(r.weightedNgram, 0.1109, 1e-4);
  assert.equal(r.syntax, 1);
  assert.equal(r.dataflow, 1);
  close(r.codebleu, 0.5537, 1e-4);
});

test('CodeBLEU syntax and data-flow parts, checked by hand', async () => {
  const refCode = 'x = 1\ny = x + 2\nx += y\nprint(x)\n';
  const candCode = 'x = 1\ny = x * 2\nprint(y)\n';
  const [c, r] = await codeTrees([candCode, refCode]);
  // reference subtrees: (Assign (Name) (Constant)), (BinOp (Name) (Add) (Constant)), the Assign above it,
  // (AugAssign ...), (Call (Name) (Name)), (Expr (Call ...)), (Module ...): 7; the candidate has
  // the first Assign, the Call and the Expr -> 3/7
  assert.equal(r.subtrees!.length, 7);
  assert.deepEqual(syntaxMatchCount(c.subtrees!, r.subtrees!), { match: 3, total: 7 });
  // reference edges: x<-[], y<-[x], x<-x (use), x<-[x,y] (+=), y<-y (use), x<-x (print);
  // candidate: x<-[], y<-[x], x<-x, y<-y -> 4 of 6
  assert.deepEqual(r.dfg, [
    ['var_0', 'computedFrom', []],
    ['var_1', 'computedFrom', ['var_0']],
    ['var_0', 'comesFrom', ['var_0']],
    ['var_0', 'computedFrom', ['var_0', 'var_1']],
    ['var_1', 'comesFrom', ['var_1']],
    ['var_0', 'comesFrom', ['var_0']],
  ]);
  assert.deepEqual(dataflowMatchCount(c.dfg!, r.dfg!), { match: 4, total: 6 });
  const all = await codeBleu([candCode], [refCode], regexTok);
  close(all.syntax, 3 / 7);
  close(all.dataflow!, 4 / 6);
  close(all.codebleu, 0.25 * (all.ngram + all.weightedNgram + 3 / 7 + 4 / 6));
});

test('renaming variables does not change the data-flow part', async () => {
  const r = await codeBleu(['def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n'],
    ['def g(k):\n    s = 0\n    for j in range(k):\n        s += j\n    return s\n'], regexTok);
  assert.equal(r.dataflow, 1);
  assert.equal(r.syntax, 1);
});

test('CodeBLEU corner cases: unparsable candidate, reference without data flow', async () => {
  const bad = await codeBleu(['def f(:\n  return'], ['def f(x):\n    return x\n'], regexTok);
  assert.equal(bad.syntax, 0);
  assert.equal(bad.dataflow, 0);
  assert.deepEqual(bad.unparsable, { candidates: 1, references: 0 });
  const noFlow = await codeBleu(['print("hi")'], ['print("hi")'], regexTok);
  assert.equal(noFlow.dataflow, null);
  close(noFlow.codebleu, 0.25 * (noFlow.ngram + noFlow.weightedNgram + noFlow.syntax + 1));
  close(noFlow.ngram, 1);
});
