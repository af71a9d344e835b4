// A token ↔ id vocabulary with fixed special tokens <pad>=0 <unk>=1 <bos>=2 <eos>=3.
// Build it from the training split only, so valid/test never shape it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
export const SPECIAL_TOKENS = ['<pad>', '<unk>', '<bos>', '<eos>'] as const;

export interface BuildVocabOptions {
  /** Keep tokens seen at least this often (default 1). */
  minFreq?: number;
  /** At most this many tokens in all, specials included. */
  maxSize?: number;
  /** Tokens that are always in the vocabulary (after the specials), e.g. subword fallbacks. */
  always?: Iterable<string>;
}

const VocabFile = z.object({ version: z.literal(1), tokens: z.array(z.string()) });

export class Vocab {
  readonly tokens: readonly string[];
  private readonly index = new Map<string, number>();

  constructor(tokens: readonly string[]) {
    SPECIAL_TOKENS.forEach((s, i) => {
      if (tokens[i] !== s) throw new Error(`vocabulary must start with ${SPECIAL_TOKENS.join(' ')}`);
    });
    this.tokens = [...tokens];
    this.tokens.forEach((t, i) => {
      if (this.index.has(t)) throw new Error(`duplicate vocabulary token ${JSON.stringify(t)}`);
      this.index.set(t, i);
    });
  }

  /** Frequency order (ties broken by the token text), so the same data gives the same ids. */
  static build(sequences: Iterable<readonly string[]>, opts: BuildVocabOptions = {}): Vocab {
    const minFreq = opts.minFreq ?? 1;
    const counts = new Map<string, number>();
    for (const seq of sequences) for (const t of seq) counts.set(t, (counts.get(t) ?? 0) + 1);
    const tokens: string[] = [...SPECIAL_TOKENS];
    const taken = new Set<string>(tokens);
    for (const t of opts.always ?? []) if (!taken.has(t)) { taken.add(t); tokens.push(t); }
    const frequent = [...counts].filter(([t, n]) => n >= minFreq && !taken.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [t] of frequent) tokens.push(t);
    return new Vocab(opts.maxSize ? tokens.slice(0, Math.max(opts.maxSize, SPECIAL_TOKENS.length)) : tokens);
  }

  get size(): number { return this.tokens.length; }
  has(token: string): boolean { return this.index.has(token); }
  id(token: string): number { return this.index.get(token) ?? UNK; }
  token(id: number): string { return this.tokens[id] ?? SPECIAL_TOKENS[UNK]; }
  encode(tokens: readonly string[]): number[] { return tokens.map((t) => this.id(t)); }
  decode(ids: readonly number[]): string[] { return ids.map((i) => this.token(i)); }

  toJSON(): { version: 1; tokens: string[] } { return { version: 1, tokens: [...this.tokens] }; }

  save(file: string): void { writeFileAtomic(file, JSON.stringify(this.toJSON()) + '\n'); }

  static load(file: string): Vocab {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`${file}:1: cannot read vocabulary (${(err as Error).message})`);
    }
    const parsed = VocabFile.safeParse(raw);
    if (!parsed.success) throw new UserError(`${file}:1: expected {"version": 1, "tokens": [...]} vocabulary JSON`);
    try {
      return new Vocab(parsed.data.tokens);
    } catch (err) {
      throw new UserError(`${file}:1: ${(err as Error).message}`);
    }
  }
}
