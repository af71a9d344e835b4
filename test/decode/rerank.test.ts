// Reranking by parse: the most likely candidate that parses wins; the order is otherwise kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePrefixes, rerankByParse } from '../../src/decode/rerank.js';
import { NO_PYTHON } from '../helpers.js';

test('the most likely candidate that parses becomes the answer, with one check for all sentences', async () => {
  let calls = 0;
  const check = async (sources: readonly string[]) => { calls++; return sources.map((s) => ({ ok: !s.includes('BAD') })); };
  const r = await rerankByParse([
    { code: 'BAD 1', alternatives: ['BAD 2', 'good 3', 'good 4'] },
    { code: 'good 1', alternatives: ['BAD 2'] },
    { code: 'BAD only', alternatives: [] },
    { code: 'BAD x' },
  ], check);
  assert.equal(calls, 1, 'without cut, one check');
  assert.deepEqual(r[0], { code: 'good 3', alternatives: ['BAD 1', 'BAD 2', 'good 4'], parses: true, reranked: true, cut: false });
  assert.deepEqual(r[1], { code: 'good 1', alternatives: ['BAD 2'], parses: true, reranked: false, cut: false });
  assert.deepEqual(r[2], { code: 'BAD only', alternatives: [], parses: false, reranked: false, cut: false });
  assert.deepEqual(r[3], { code: 'BAD x', alternatives: [], parses: false, reranked: false, cut: false });
});

test('line prefixes: whole lines, longest first, never the code itself or a blank one', () => {
  assert.deepEqual(linePrefixes('a = 1\nb = 2\nc = (\n'), ['a = 1\nb = 2\n', 'a = 1\n']);
  assert.deepEqual(linePrefixes('\nx = (\n'), []);
  assert.deepEqual(linePrefixes('one line'), []);
});

test('with cut, when no candidate parses, the most likely one is cut to its longest parsing prefix, in one more check', async () => {
  let calls = 0;
  const check = async (sources: readonly string[]) => { calls++; return sources.map((s) => ({ ok: !s.includes('BAD') })); };
  const r = await rerankByParse([
    { code: 'x = 1\ny = 2\nBAD\nz = 3\n', alternatives: ['BAD other'] },
    { code: 'BAD first line\nx = 1\n', alternatives: ['BAD'] },
    { code: 'good', alternatives: [] },
  ], check, { cut: true });
  assert.equal(calls, 2, 'one check for the candidates, one for every stuck sentence\'s prefixes');
  assert.deepEqual(r[0], { code: 'x = 1\ny = 2\n', alternatives: ['BAD other'], parses: true, reranked: true, cut: true });
  assert.equal(r[1].cut, false, 'no prefix parses: left as it was');
  assert.equal(r[1].code, 'BAD first line\nx = 1\n');
  assert.equal(r[2].cut, false);
});

test('cutting with python3: a broken last statement is dropped, the lines before it kept', { skip: NO_PYTHON }, async () => {
  const code = 'my_list = [1, 2, 3]\nmy_list.sort()\nprint(my_list[x for x in my_list if x % 2 == 0])\n';
  const [r] = await rerankByParse([{ code, alternatives: ['print(my_list[x for x in my_list])\n'] }], undefined, { cut: true });
  assert.equal(r.code, 'my_list = [1, 2, 3]\nmy_list.sort()\n');
  assert.ok(r.cut && r.parses);
  const [kept] = await rerankByParse([{ code, alternatives: [] }]);
  assert.equal(kept.code, code);
  assert.equal(kept.parses, false);
});

test('by default python3 decides what parses, and a duplicate argument does not (it compiles the code)', { skip: NO_PYTHON }, async () => {
  const [r] = await rerankByParse([{ code: 'def f(:\n', alternatives: ['def f(x, x):\n    return x\n', 'def f(x):\n    return x\n'] }]);
  assert.equal(r.code, 'def f(x):\n    return x\n');
  assert.ok(r.reranked && r.parses);
});
