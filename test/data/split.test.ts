import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeKey, descriptionKey, groupPairs, mbppSplitName, splitPairs } from '../../src/data/split.js';
import type { Pair } from '../../src/data/types.js';

test('description keys ignore case, numbering, punctuation and the boilerplate opening', () => {
  const same = ['#24 Write a Python program to reverse a string.', 'write a function to reverse a string', '3) Python program to reverse a string!'];
  assert.deepEqual(new Set(same.map(descriptionKey)), new Set(['reverse a string']));
  assert.notEqual(descriptionKey('reverse a list'), descriptionKey('reverse a string'));
  assert.equal(codeKey('x=1  # c\n'), codeKey('x = 1\n'));
});

function fakePairs(n: number): Pair[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t:${i}`, line: i + 1, source: 'english-python' as const,
    // Every 7th description repeats an earlier one (with other words around it); every 11th code repeats.
    description: i % 7 === 6 ? `Write a program to task ${i - 3}!` : `task ${i}`,
    code: i % 11 === 10 ? 'x = 0\n' : `x = ${i}\n`,
  }));
}

test('no group is in two splits; sizes near 80/10/10', () => {
  const pairs = fakePairs(500);
  const r = splitPairs(pairs, { seed: 7 });
  const where = new Map<number, string>();
  for (const name of ['train', 'valid', 'test'] as const) {
    for (const p of r[name]) {
      const seen = where.get(p.group);
      assert.ok(seen === undefined || seen === name, `group ${p.group} in ${seen} and ${name}`);
      where.set(p.group, name);
    }
  }
  // Also by key: no normalized description and no code appears in two splits.
  for (const key of [(p: Pair) => descriptionKey(p.description), (p: Pair) => codeKey(p.code)]) {
    const splitOf = new Map<string, string>();
    for (const name of ['train', 'valid', 'test'] as const) {
      for (const p of r[name]) {
        const k = key(p);
        assert.ok(!splitOf.has(k) || splitOf.get(k) === name, `${k} leaks`);
        splitOf.set(k, name);
      }
    }
  }
  assert.equal(r.train.length + r.valid.length + r.test.length, 500);
  assert.ok(Math.abs(r.test.length - 50) <= r.report.largestGroup);
  assert.ok(Math.abs(r.valid.length - 50) <= r.report.largestGroup);
});

test('same seed, same split; another seed, another split', () => {
  const pairs = fakePairs(300);
  const ids = (s: number) => splitPairs(pairs, { seed: s }).test.map((p) => p.id).join(',');
  assert.equal(ids(1), ids(1));
  assert.notEqual(ids(1), ids(2));
});

test('groups join pairs through shared descriptions or code', () => {
  const p = (description: string, code: string): Pair => ({ id: description + code, line: 1, source: 'conala', description, code });
  const g = groupPairs([p('a b', 'x = 1\n'), p('c', 'x = 1\n'), p('C.', 'y = 2\n'), p('d', 'z = 3\n')]);
  assert.deepEqual(g, [0, 0, 0, 1]);
});

test('fractions are checked; MBPP uses its own task-id split', () => {
  assert.throws(() => splitPairs([], { valid: 0.5, test: 0.5 }), RangeError);
  assert.deepEqual([1, 11, 510, 511, 600, 601, 974].map(mbppSplitName), ['train', 'test', 'test', 'valid', 'valid', 'train', 'train']);
});

test('grouped: false is a plain random split (for reproducing leaky published protocols)', () => {
  // 40 pairs that all share one description: grouped, they form one group in one split.
  const pairs: Pair[] = Array.from({ length: 40 }, (_, i) => ({
    id: `p${i}`, description: 'write a python function to add two numbers', code: `x = ${i}\n`, source: 'english-python', line: i + 1,
  }));
  const grouped = splitPairs(pairs, { seed: 3 });
  assert.equal([grouped.train, grouped.valid, grouped.test].filter((s) => s.length > 0).length, 1);
  const plain = splitPairs(pairs, { seed: 3, grouped: false });
  assert.deepEqual([plain.train.length, plain.valid.length, plain.test.length], [32, 4, 4]);
  assert.match(plain.report.grouping, /plain random split/);
});
