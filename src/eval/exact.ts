/**
 * Exact match and token accuracy over token sequences. Tokens are compared
 * after `normalizeTokens`: empty tokens dropped, surrounding whitespace trimmed
 * (so a detokenizer's spacing choices do not count as errors).
 */

export function normalizeTokens(tokens: readonly string[]): string[] {
  return tokens.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** True when the two sequences are equal after normalization. */
export function exactMatch(pred: readonly string[], gold: readonly string[]): boolean {
  const a = normalizeTokens(pred);
  const b = normalizeTokens(gold);
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Share (0–1) of pairs that match exactly. An empty list gives 0. */
export function exactMatchRate(preds: readonly (readonly string[])[], golds: readonly (readonly string[])[]): number {
  if (preds.length !== golds.length) throw new Error(`exactMatchRate: ${preds.length} predictions, ${golds.length} references`);
  if (preds.length === 0) return 0;
  return preds.filter((p, i) => exactMatch(p, golds[i])).length / preds.length;
}

export interface TokenAccuracy {
  correct: number;
  /** Number of gold tokens (the denominator). */
  total: number;
  accuracy: number;
}

/**
 * Position-wise token accuracy (teacher-forcing style): gold token i counts as
 * correct when the prediction has the same token at position i. Missing
 * positions are wrong; extra predicted tokens do not add to the denominator.
 */
export function tokenAccuracy(pred: readonly string[], gold: readonly string[]): TokenAccuracy {
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (pred[i] === gold[i]) correct++;
  return { correct, total: gold.length, accuracy: gold.length === 0 ? (pred.length === 0 ? 1 : 0) : correct / gold.length };
}

/** Token accuracy pooled over a corpus (sum of correct / sum of gold tokens). */
export function corpusTokenAccuracy(preds: readonly (readonly string[])[], golds: readonly (readonly string[])[]): TokenAccuracy {
  if (preds.length !== golds.length) throw new Error(`corpusTokenAccuracy: ${preds.length} predictions, ${golds.length} references`);
  let correct = 0;
  let total = 0;
  preds.forEach((p, i) => {
    const a = tokenAccuracy(p, golds[i]);
    correct += a.correct;
    total += a.total;
  });
  return { correct, total, accuracy: total === 0 ? 0 : correct / total };
}
