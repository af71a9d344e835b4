/**
 * Token hashes and token shingles for deduplication and decontamination
 * (issue 18). Code is compared through the project's own Python lexer
 * (src/tokenize/pyLexer.ts): comments and layout are gone, names, strings and
 * numbers stay. A shingle is SHINGLE consecutive tokens, hashed to 32 bits.
 */
import { createHash } from 'node:crypto';
import type { PyToken } from '../../tokenize/pyLexer.js';

/** Tokens per shingle: long enough that `return x` alone is no match, short enough for five-line functions. */
export const SHINGLE = 5;

/** FNV-1a of a string, 32 bits. */
export function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 32-bit hash of each token (its type's initial and its text, as split.ts's codeKey). */
export function tokenHashes(tokens: readonly PyToken[]): Uint32Array {
  const out = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) out[i] = fnv1a(tokens[i].value, fnv1a(tokens[i].type[0]));
  return out;
}

/** The distinct shingle hashes of a token-hash sequence (one shingle of all tokens when there are fewer than SHINGLE). */
export function shingleSet(hashes: Uint32Array, size = SHINGLE): Set<number> {
  const out = new Set<number>();
  if (hashes.length === 0) return out;
  const n = Math.max(1, hashes.length - size + 1);
  for (let i = 0; i < n; i++) {
    let h = 0x9e3779b9;
    const end = Math.min(i + size, hashes.length);
    for (let k = i; k < end; k++) {
      h = Math.imul(h ^ hashes[k], 0x85ebca6b);
      h ^= h >>> 13;
    }
    out.add(h >>> 0);
  }
  return out;
}

/** Hash of the whole token sequence: two files with the same tokens (whatever their comments and layout) share it. */
export function exactKey(hashes: Uint32Array): string {
  return createHash('sha1').update(Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength)).digest('base64');
}

/** Lower-cased words of an English sentence, punctuation removed (as src/eval/benchmark.ts's wordSet). */
export function wordHashes(text: string): Set<number> {
  const words = text.toLowerCase().replace(/[^\p{L}\p{N}\s_]+/gu, ' ').split(/\s+/).filter((w) => w !== '');
  return new Set(words.map((w) => fnv1a(w)));
}
