import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactMatch, exactMatchRate, tokenAccuracy, corpusTokenAccuracy } from '../../src/eval/exact.js';

test('exact match compares normalized token sequences', () => {
  assert.equal(exactMatch(['x', '=', '1'], ['x', '=', '1']), true);
  assert.equal(exactMatch(['x', ' ', '=', '1 '], ['x', '=', '1']), true);
  assert.equal(exactMatch(['x', '=', '2'], ['x', '=', '1']), false);
  assert.equal(exactMatch(['x', '='], ['x', '=', '1']), false);
  assert.equal(exactMatchRate([['a'], ['b'], ['c'], ['d']], [['a'], ['x'], ['c'], ['y']]), 0.5);
  assert.equal(exactMatchRate([], []), 0);
});

test('token accuracy is position-wise over gold tokens', () => {
  assert.deepEqual(tokenAccuracy(['a', 'b', 'x', 'd', 'e'], ['a', 'b', 'c', 'd']), { correct: 3, total: 4, accuracy: 0.75 });
  assert.deepEqual(tokenAccuracy(['a'], ['a', 'b']), { correct: 1, total: 2, accuracy: 0.5 });
  assert.equal(tokenAccuracy([], []).accuracy, 1);
  const c = corpusTokenAccuracy([['a', 'b'], ['c']], [['a', 'x'], ['c', 'd', 'e']]);
  assert.deepEqual(c, { correct: 2, total: 5, accuracy: 0.4 });
});
