/**
 * Unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language
 * Models Trained on Code"): with n samples of which c pass,
 *   pass@k = 1 - C(n-c, k) / C(n, k),
 * computed as 1 - prod_{i=n-c+1..n} (1 - k/i), which never forms the huge
 * binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`passAtK: need integers 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`);
  }
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems, each given as {n, c}. Problems with n < k are skipped, as in Codex's evaluation. */
export function meanPassAtK(problems: readonly { n: number; c: number }[], k: number): number {
  const usable = problems.filter((p) => p.n >= k);
  if (usable.length === 0) return 0;
  return usable.reduce((s, p) => s + passAtK(p.n, p.c, k), 0) / usable.length;
}
