// Byte-pair encoding (Sennrich et al. 2016) over the characters of identifiers,
// numbers and string literals, learned on the training split. Segments use the
// same "##" join marker as the rule-based pieces in subword.ts, so decodeCode
// reads both.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

export interface LearnBpeOptions {
  /** Number of merges to learn at most (default 2000). */
  merges?: number;
  /** Stop when the best pair is seen fewer times than this (default 2). */
  minFreq?: number;
}

const BpeFile = z.object({ version: z.literal(1), merges: z.array(z.tuple([z.string(), z.string()])) });

export class Bpe {
  private readonly rank = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  constructor(readonly merges: readonly (readonly [string, string])[]) {
    merges.forEach(([a, b], i) => this.rank.set(pairKey(a, b), i));
  }

  /** Learn merges from word frequencies (word = a token's text). Deterministic: ties go to the smaller pair text. */
  static learn(words: ReadonlyMap<string, number>, opts: LearnBpeOptions = {}): Bpe {
    const maxMerges = opts.merges ?? 2000;
    const minFreq = opts.minFreq ?? 2;
    const syms: string[][] = [];
    const freq: number[] = [];
    for (const [w, n] of words) { syms.push([...w]); freq.push(n); }
    const pairCount = new Map<string, number>();
    const where = new Map<string, Set<number>>(); // pair → words that hold it
    const add = (w: number, sign: 1 | -1) => {
      const s = syms[w];
      for (let i = 0; i + 1 < s.length; i++) {
        const k = pairKey(s[i], s[i + 1]);
        pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[w]);
        if (sign > 0) { let set = where.get(k); if (!set) where.set(k, (set = new Set())); set.add(w); }
      }
    };
    syms.forEach((_, w) => add(w, 1));
    const merges: [string, string][] = [];
    while (merges.length < maxMerges) {
      let best: string | undefined;
      let bestN = 0;
      for (const [k, n] of pairCount) if (n > bestN || (n === bestN && n > 0 && best !== undefined && k < best)) { best = k; bestN = n; }
      if (best === undefined || bestN < minFreq) break;
      const [a, b] = splitKey(best);
      merges.push([a, b]);
      for (const w of where.get(best) ?? []) {
        add(w, -1);
        syms[w] = mergeOnce(syms[w], a, b);
        add(w, 1);
      }
      pairCount.delete(best);
      where.delete(best);
    }
    return new Bpe(merges);
  }

  /** Symbols of one word after applying merges by rank (lowest first). */
  segment(word: string): string[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let s = [...word];
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = this.rank.get(pairKey(s[i], s[i + 1]));
        if (r !== undefined && r < bestRank) { bestRank = r; bestAt = i; }
      }
      if (bestAt < 0) break;
      s = mergeOnce(s, s[bestAt], s[bestAt + 1]);
    }
    if (this.cache.size < 100_000) this.cache.set(word, s);
    return s;
  }

  /** Every symbol the merges can produce (without "##"), for building a vocabulary. */
  symbols(): string[] {
    return this.merges.map(([a, b]) => a + b);
  }

  save(file: string): void {
    writeFileAtomic(file, JSON.stringify({ version: 1, merges: this.merges }) + '\n');
  }

  static load(file: string): Bpe {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`${file}:1: cannot read BPE merges (${(err as Error).message})`);
    }
    const parsed = BpeFile.safeParse(raw);
    if (!parsed.success) throw new UserError(`${file}:1: expected {"version": 1, "merges": [[a, b], ...]} BPE JSON`);
    return new Bpe(parsed.data.merges);
  }
}

// U+0000 cannot occur inside Python tokens, so it separates the two symbols safely.
const pairKey = (a: string, b: string) => `${a}\u0000${b}`;
const splitKey = (k: string) => k.split('\u0000') as [string, string];

function mergeOnce(s: readonly string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i] === a && s[i + 1] === b) { out.push(a + b); i++; } else out.push(s[i]);
  }
  return out;
}
