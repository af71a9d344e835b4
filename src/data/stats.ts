// Length statistics of cleaned pairs (description words, code tokens).
import type { CleanPair } from './clean.js';
import { tokenizeEnglish } from '../tokenize/english.js';
import { lexPython } from '../tokenize/pyLexer.js';

export interface Percentiles {
  min: number; p50: number; p90: number; p95: number; p99: number; max: number; mean: number;
}

/** Nearest-rank percentiles of a list of numbers (all zeros for an empty list). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { min: v[0], p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: v[v.length - 1], mean: Math.round(mean * 10) / 10 };
}

export interface LengthStats {
  descriptionWords: Percentiles;
  codeTokens: Percentiles;
}

/**
 * Description words are English tokens that hold a letter or digit (numbers and quoted
 * names count, punctuation does not). Code tokens are the lexer's tokens without
 * comments, NEWLINE/INDENT/DEDENT included.
 */
export function lengthStats(pairs: readonly CleanPair[]): LengthStats {
  const codeLengths: number[] = [];
  for (const p of pairs) {
    try { codeLengths.push(lexPython(p.code).length); } catch { /* unparsable code kept on request */ }
  }
  return {
    descriptionWords: percentiles(pairs.map((p) => tokenizeEnglish(p.description).filter((t) => /[\p{L}\p{N}]/u.test(t)).length)),
    codeTokens: percentiles(codeLengths),
  };
}
