// A train/valid/test split that cannot leak: pairs are grouped (union-find) when
// they share a normalized description OR the same code tokens, and whole groups
// are assigned to one split, in an order shuffled by a seeded generator.
import type { Pair } from './types.js';
import { lexPython } from '../tokenize/pyLexer.js';

export type SplitName = 'train' | 'valid' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'valid', 'test'];

// Boilerplate openings stripped from descriptions before grouping, so that
// "Write a Python program to reverse a string" and "write a function to reverse
// a string." fall in the same group (they ask for the same code). We strip them
// rather than keep them: keeping them would let such near-copies land in
// different splits.
const BOILERPLATE = [
  /^(?:please\s+)?(?:write|create|give|define|develop|implement|generate|make)\s+(?:me\s+)?(?:a|an|the)?\s*(?:python\s*3?|py)?\s*(?:program|function|code|script|snippet|lambda(?:\s+function)?|class|method|one\s*liner|generator)?\s*(?:to|that|which|for|in\s+python\s+to)?\s+/,
  /^(?:a\s+)?(?:python\s*3?\s+)?(?:program|function|code|script)\s+(?:to|that|which|for)\s+/,
];

/** Grouping key of a description: lower-case, no numbering, no punctuation, no boilerplate opening. */
export function descriptionKey(description: string): string {
  let s = description.toLowerCase();
  s = s.replace(/^[\s#]*(?:q(?:uestion)?\s*)?\d+\s*[.):-]?\s*/, ''); // "#24 ", "24.", "Q3)"
  s = s.replace(/[^\p{L}\p{N}\s]+/gu, ' ').replace(/\s+/g, ' ').trim();
  for (const re of BOILERPLATE) s = s.replace(re, '');
  return s.trim();
}

/** Grouping key of code: its tokens without comments or layout (raw text if it does not lex). */
export function codeKey(code: string): string {
  try {
    return lexPython(code).map((t) => `${t.type[0]}${t.value}`).join('\u0001');
  } catch {
    return code.replace(/\s+/g, ' ').trim();
  }
}

/** mulberry32: a small, fast, seedable PRNG (same seed → same split on every machine). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Group index of every pair: pairs sharing a description key or a code key share a group. */
export function groupPairs(pairs: readonly Pair[]): number[] {
  const parent = pairs.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
  const union = (a: number, b: number) => { const ra = find(a); const rb = find(b); if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); };
  const firstByKey = new Map<string, number>();
  pairs.forEach((p, i) => {
    for (const key of [`d:${descriptionKey(p.description)}`, `c:${codeKey(p.code)}`]) {
      const j = firstByKey.get(key);
      if (j === undefined) firstByKey.set(key, i); else union(i, j);
    }
  });
  // Renumber groups 0..n-1 in order of first appearance.
  const ids = new Map<number, number>();
  return pairs.map((_, i) => { const r = find(i); if (!ids.has(r)) ids.set(r, ids.size); return ids.get(r)!; });
}

export interface SplitOptions {
  seed?: number;
  valid?: number;
  test?: number;
  /**
   * false: every pair on its own, a plain random split. Only for reproducing
   * published protocols (it leaks near-duplicates across splits); the default groups.
   */
  grouped?: boolean;
}

export interface SplitReport {
  seed: number;
  fractions: Record<SplitName, number>;
  pairs: Record<SplitName, number>;
  groups: Record<SplitName, number>;
  totalGroups: number;
  largestGroup: number;
  grouping: string;
}

export interface SplitResult<T extends Pair> {
  train: (T & { group: number })[];
  valid: (T & { group: number })[];
  test: (T & { group: number })[];
  report: SplitReport;
}

export function splitPairs<T extends Pair>(pairs: readonly T[], opts: SplitOptions = {}): SplitResult<T> {
  const seed = opts.seed ?? 1;
  const valid = opts.valid ?? 0.1;
  const test = opts.test ?? 0.1;
  if (!(valid >= 0 && test >= 0 && valid + test < 1)) throw new RangeError('valid and test fractions must be >= 0 and sum to less than 1');
  const grouped = opts.grouped ?? true;
  const group = grouped ? groupPairs(pairs) : pairs.map((_, i) => i);
  const members: number[][] = [];
  group.forEach((g, i) => (members[g] ??= []).push(i));
  // Fisher–Yates over group ids with the seeded generator.
  const order = members.map((_, g) => g);
  const rand = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const target = { test: Math.round(test * pairs.length), valid: Math.round(valid * pairs.length) };
  const splitOfGroup: SplitName[] = [];
  const count: Record<SplitName, number> = { train: 0, valid: 0, test: 0 };
  const groups: Record<SplitName, number> = { train: 0, valid: 0, test: 0 };
  for (const g of order) {
    const name: SplitName = count.test < target.test ? 'test' : count.valid < target.valid ? 'valid' : 'train';
    splitOfGroup[g] = name;
    count[name] += members[g].length;
    groups[name]++;
  }
  const result: SplitResult<T> = {
    train: [], valid: [], test: [],
    report: {
      seed, fractions: { train: 1 - valid - test, valid, test }, pairs: count, groups, totalGroups: members.length,
      largestGroup: Math.max(0, ...members.map((m) => m.length)),
      grouping: grouped
        ? 'same normalized description (lower-case, no numbering/punctuation/boilerplate opening) or same code tokens'
        : 'none: a plain random split (near-duplicates may fall in different splits)',
    },
  };
  // Keep file order inside each split.
  pairs.forEach((p, i) => result[splitOfGroup[group[i]]].push({ ...p, group: group[i] }));
  return result;
}

/**
 * MBPP's own split by task id (its README): 11–510 test, 511–600 valid, 601–974
 * train, 1–10 (few-shot prompts) train. Used instead of a random split so the
 * MBPP test problems are never trained on.
 */
export function mbppSplitName(taskId: number): SplitName {
  if (taskId >= 11 && taskId <= 510) return 'test';
  if (taskId >= 511 && taskId <= 600) return 'valid';
  return 'train';
}
