/**
 * From cleaned pairs to padded batches: token ids, length bucketing (batches of
 * similar lengths waste little on padding), and a per-epoch order that depends
 * only on (seed, epoch), so an interrupted run resumes on the same batches.
 */
import type { Batch } from '../model/transformer.js';
import { Rng } from '../tensor/random.js';
import { pairTokens } from '../tokenize/numberSlots.js';
import { encodeCode } from '../tokenize/subword.js';
import { BOS, EOS, PAD, UNK, type Vocab } from '../tokenize/vocab.js';

export interface Example {
  id: string;
  src: Int32Array;
  /** Target ids ending with EOS (no BOS). */
  tgt: Int32Array;
}

export interface EncodeStats {
  examples: number;
  truncatedSrc: number;
  truncatedTgt: number;
  /** Target tokens that are <unk> (should be 0 with the subword vocabulary). */
  unkTgt: number;
  /** Pairs left out because their code is longer than maxTgt (option skipLong). */
  skippedLong: number;
}

/**
 * Encode pairs as a model reads them. With `reverse` (a py2en reviewer), the source is the
 * code (srcVocab the Python vocabulary) and the target the sentence's words.
 */
export function encodePairs(
  pairs: ReadonlyArray<{ id: string; description: string; code: string }>,
  srcVocab: Vocab, tgtVocab: Vocab, maxSrc: number, maxTgt: number, opts: { numberSlots?: boolean; skipLong?: boolean; reverse?: boolean } = {},
): { examples: Example[]; stats: EncodeStats } {
  const stats: EncodeStats = { examples: 0, truncatedSrc: 0, truncatedTgt: 0, unkTgt: 0, skippedLong: 0 };
  const examples: Example[] = [];
  for (const p of pairs) {
    const seen = pairTokens(p.description, p.code, opts.numberSlots ?? false);
    let src = opts.reverse ? srcVocab.encode(encodeCode(seen.code, srcVocab)) : srcVocab.encode(seen.words);
    let tgt = opts.reverse ? tgtVocab.encode(seen.words) : tgtVocab.encode(encodeCode(seen.code, tgtVocab));
    if (src.length > maxSrc) {
      src = src.slice(0, maxSrc);
      stats.truncatedSrc++;
    }
    if (tgt.length > maxTgt - 1) {
      if (opts.skipLong) {
        stats.skippedLong++;
        continue;
      }
      tgt = tgt.slice(0, maxTgt - 1); // room for EOS
      stats.truncatedTgt++;
    }
    for (const id of tgt) if (id === UNK) stats.unkTgt++;
    examples.push({ id: p.id, src: Int32Array.from(src.length ? src : [UNK]), tgt: Int32Array.from([...tgt, EOS]) });
  }
  stats.examples = examples.length;
  return { examples, stats };
}

/**
 * Group examples into batches of similar length: sort by target then source
 * length (ties in a seeded random order), cut into batches of `batchSize`
 * sentences or `maxTokens` target tokens, then shuffle the batch order.
 */
export function makeBatches(examples: readonly Example[], opts: { batchSize: number; maxTokens: number | null }, seed: number): Example[][] {
  const rng = new Rng(seed);
  const order = rng.shuffle(examples.map((_, i) => i));
  order.sort((a, b) => examples[a].tgt.length - examples[b].tgt.length || examples[a].src.length - examples[b].src.length);
  const batches: Example[][] = [];
  let current: Example[] = [];
  for (const i of order) {
    const ex = examples[i];
    const longest = Math.max(ex.tgt.length, ...current.map((e) => e.tgt.length));
    const full = opts.maxTokens ? (current.length + 1) * longest > opts.maxTokens : current.length >= opts.batchSize;
    if (current.length > 0 && full) {
      batches.push(current);
      current = [];
    }
    current.push(ex);
  }
  if (current.length) batches.push(current);
  return rng.shuffle(batches);
}

/** Pad a batch: src [B, S], tgtIn = BOS + target, tgtOut = target + EOS, PAD elsewhere. */
export function collate(batch: readonly Example[]): Batch {
  const B = batch.length;
  const S = Math.max(...batch.map((e) => e.src.length));
  const T = Math.max(...batch.map((e) => e.tgt.length));
  const src = new Int32Array(B * S).fill(PAD);
  const tgtIn = new Int32Array(B * T).fill(PAD);
  const tgtOut = new Int32Array(B * T).fill(PAD);
  batch.forEach((e, b) => {
    src.set(e.src, b * S);
    tgtIn[b * T] = BOS;
    tgtIn.set(e.tgt.subarray(0, e.tgt.length - 1), b * T + 1);
    tgtOut.set(e.tgt, b * T);
  });
  return { batch: B, srcLen: S, tgtLen: T, src, tgtIn, tgtOut };
}

/**
 * Word dropout on the decoder's input (train.decoderInputDropout): each token of tgtIn but BOS
 * and padding becomes <unk> with probability p. The targets (tgtOut) stay, so the model still
 * learns to write every token, from less of the code so far. A new batch; the given one is kept.
 */
export function dropDecoderInputs(batch: Batch, p: number, rng: Rng): Batch {
  if (p <= 0) return batch;
  const tgtIn = batch.tgtIn.slice();
  for (let i = 0; i < tgtIn.length; i++) {
    if (tgtIn[i] !== PAD && tgtIn[i] !== BOS && rng.next() < p) tgtIn[i] = UNK;
  }
  return { ...batch, tgtIn };
}

/** Non-padding tokens of a batch (source + target), for tokens/s. */
export function batchTokens(batch: readonly Example[]): number {
  return batch.reduce((n, e) => n + e.src.length + e.tgt.length, 0);
}
