// Reranking by parse: the most likely candidate that parses wins; the order is otherwise kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rerankByParse } from '../../src/decode/rerank.js';
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
  assert.equal(calls, 1);
  assert.deepEqual(r[0], { code: 'good 3', alternatives: ['BAD 1', 'BAD 2', 'good 4'], parses: true, reranked: true });
  assert.deepEqual(r[1], { code: 'good 1', alternatives: ['BAD 2'], parses: true, reranked: false });
  assert.deepEqual(r[2], { code: 'BAD only', alternatives: [], parses: false, reranked: false });
  assert.deepEqual(r[3], { code: 'BAD x', alternatives: [], parses: false, reranked: false });
});

test('by default python3 decides what parses', { skip: NO_PYTHON }, async () => {
  const [r] = await rerankByParse([{ code: 'def f(:\n', alternatives: ['def f(x):\n    return x\n'] }]);
  assert.equal(r.code, 'def f(x):\n    return x\n');
  assert.ok(r.reranked && r.parses);
});
