// The split and the vocabularies, as `data split` writes them and `train` uses them.
import type { CleanPair, CleanResult } from './clean.js';
import { mbppSplitName, splitPairs, SPLIT_NAMES, type SplitName } from './split.js';
import type { DataFormat } from './types.js';
import { Vocab } from '../tokenize/vocab.js';
import { allSlotTokens, pairTokens } from '../tokenize/numberSlots.js';
import { codeVocabBase, subwordWords, vocabCandidates } from '../tokenize/subword.js';
import { Bpe } from '../tokenize/bpe.js';

export interface SplitOutcome {
  splits: Record<SplitName, CleanPair[]>;
  report: object;
}

/** Grouped random split; MBPP keeps its official split by task id so its test problems stay unseen. */
export function splitCleaned(cleaned: CleanResult & { format: DataFormat }, opts: { seed: number; valid: number; test: number; grouped?: boolean }): SplitOutcome {
  if (cleaned.format === 'mbpp') {
    const splits: Record<SplitName, CleanPair[]> = { train: [], valid: [], test: [] };
    for (const p of cleaned.pairs) splits[mbppSplitName(p.taskId ?? 0)].push(p);
    return {
      splits,
      report: { official: 'MBPP task ids: 11-510 test, 511-600 valid, 1-10 and 601-974 train',
        pairs: Object.fromEntries(SPLIT_NAMES.map((s) => [s, splits[s].length])) },
    };
  }
  const r = splitPairs(cleaned.pairs, opts);
  return { splits: { train: r.train, valid: r.valid, test: r.test }, report: r.report };
}

/** Vocabularies from the training split only: English words, and Python model tokens with subword fallbacks. */
export function buildVocabularies(train: readonly CleanPair[], opts: { minFreq: number; maxVocab?: number | null; bpeMerges?: number; numberSlots?: boolean }): { en: Vocab; py: Vocab; bpe?: Bpe } {
  const slots = opts.numberSlots ?? false;
  const seen = train.map((p) => pairTokens(p.description, p.code, slots));
  // Every slot token is kept, even one too rare to pass minFreq, so any sentence's numbers can be copied.
  const always = slots ? allSlotTokens() : [];
  const maxSize = opts.maxVocab ?? undefined;
  const en = Vocab.build(seen.map((s) => s.words), { minFreq: opts.minFreq, always, maxSize });
  const trainTokens = seen.map((s) => s.code);
  const bpe = opts.bpeMerges ? Bpe.learn(subwordWords(trainTokens), { merges: opts.bpeMerges, minFreq: opts.minFreq }) : undefined;
  const py = Vocab.build(trainTokens.map((t) => vocabCandidates(t, bpe)), { minFreq: opts.minFreq, always: [...codeVocabBase(), ...always], maxSize });
  return { en, py, bpe };
}
