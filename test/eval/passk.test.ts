import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passAtK, meanPassAtK } from '../../src/eval/passk.js';

/** C(n, k) exactly with BigInt. */
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** The direct formula 1 - C(n-c,k)/C(n,k), evaluated with exact integers then scaled. */
function direct(n: number, c: number, k: number): number {
  const num = binom(n - c, k);
  const den = binom(n, k);
  const scale = 10n ** 18n;
  return 1 - Number((num * scale) / den) / 1e18;
}

test('pass@k equals the direct binomial formula on many (n, c, k)', () => {
  let checked = 0;
  for (let n = 1; n <= 60; n += n < 12 ? 1 : 7) {
    for (let c = 0; c <= n; c++) {
      for (const k of [1, 2, 3, 5, 10, 20, 50]) {
        if (k > n) continue;
        const got = passAtK(n, c, k);
        assert.ok(Math.abs(got - direct(n, c, k)) < 1e-12, `n=${n} c=${c} k=${k}: ${got} vs ${direct(n, c, k)}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500);
  // large n where C(n,k) overflows doubles: still finite and in [0, 1]
  const big = passAtK(2000, 3, 100);
  assert.ok(Math.abs(big - direct(2000, 3, 100)) < 1e-12);
});

test('pass@k edge cases', () => {
  assert.equal(passAtK(10, 0, 1), 0);
  assert.equal(passAtK(10, 10, 1), 1);
  assert.equal(passAtK(5, 3, 3), 1); // n - c = 2 < k = 3
  assert.equal(passAtK(1, 1, 1), 1);
  assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-15); // pass@1 = c/n
  assert.throws(() => passAtK(3, 4, 1), RangeError);
  assert.throws(() => passAtK(3, 1, 4), RangeError);
  assert.throws(() => passAtK(3, 1, 0), RangeError);
  assert.equal(meanPassAtK([{ n: 2, c: 1 }, { n: 2, c: 0 }, { n: 1, c: 1 }], 2), 0.5);
});
