/**
 * Data for a run: clean, split (grouped, seeded), vocabularies from the training
 * split, encoded examples. On resume the vocabularies are read back from the run
 * directory, so ids cannot drift; a fine-tuning run (spec init.model) takes the
 * vocabularies of the model it starts from.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { renamedCopies } from '../data/augment.js';
import { loadExtraPairs } from '../data/extra.js';
import { loadCleanPairs } from '../data/load.js';
import { benchmarkPath, readBenchmark } from '../eval/benchmark.js';
import { buildVocabularies, splitCleaned } from '../data/prepare.js';
import { resolveDataPath } from '../data/resolve.js';
import type { CleanPair } from '../data/clean.js';
import type { SplitName } from '../data/split.js';
import type { DataFormat } from '../data/types.js';
import { Vocab } from '../tokenize/vocab.js';
import { encodePairs } from './data.js';
import type { RunSpec } from './spec.js';
import { loadStartModel } from './startFrom.js';
import type { PreparedData } from './trainer.js';

export interface PreparedRun extends PreparedData {
  splits: Record<SplitName, CleanPair[]>;
}

export interface RunSplits {
  file: string;
  format: DataFormat;
  splits: Record<SplitName, CleanPair[]>;
  /**
   * The training pairs the vocabularies come from: the training split and any extra
   * data, but not the renamed copies. A copy repeats its description and most of its
   * code, so counting it would let every word seen once pass minFreq 2.
   */
  vocabularyPairs: CleanPair[];
  report: object;
}

/**
 * The run's data file, cleaned and split exactly as training does it (the spec's
 * seed and fractions). `eval` calls this too, so a model is scored on its own test split.
 */
export async function loadRunSplits(spec: RunSpec, dataOverride?: string): Promise<RunSplits> {
  const file = resolveDataPath({ data: dataOverride ?? spec.data.path ?? undefined });
  const cleaned = await loadCleanPairs(file, { format: spec.data.format ?? undefined });
  const { splits, report } = splitCleaned(cleaned, { seed: spec.data.splitSeed, valid: spec.data.valid, test: spec.data.test, grouped: spec.data.grouped });
  if (spec.data.extra.length === 0 && spec.data.renamedCopies === 0) return { file, format: cleaned.format, splits, vocabularyPairs: splits.train, report };
  let train = splits.train;
  const more: Record<string, unknown> = {};
  if (spec.data.extra.length) {
    const benchmarkPrompts = readBenchmark(benchmarkPath()).map((p) => p.prompt);
    const extra = await loadExtraPairs(spec.data.extra, [...splits.valid, ...splits.test], benchmarkPrompts);
    train = [...train, ...extra.pairs];
    more.extra = extra.reports;
  }
  const vocabularyPairs = train;
  if (spec.data.renamedCopies) {
    const copies = renamedCopies(train, spec.data.renamedCopies, spec.data.splitSeed);
    train = [...train, ...copies];
    more.renamedCopies = copies.length;
  }
  const pairs = { ...(report as { pairs?: Record<string, number> }).pairs, train: train.length };
  return { file, format: cleaned.format, splits: { ...splits, train }, vocabularyPairs, report: { ...report, pairs, ...more } };
}

export async function prepareData(spec: RunSpec, out: string, opts: { resume: boolean; dataOverride?: string }): Promise<PreparedRun> {
  const { file, format, splits, vocabularyPairs, report } = await loadRunSplits(spec, opts.dataOverride);
  const numberSlots = spec.model.numberSlots ?? false;
  // A reviewer (model.direction py2en) reads the code and writes the sentence: the same
  // pairs and vocabularies, with the roles of the two swapped.
  const reverse = spec.model.direction === 'py2en';
  let en: Vocab;
  let py: Vocab;
  const enFile = path.join(out, 'vocab.en.json');
  const pyFile = path.join(out, 'vocab.py.json');
  const start = spec.init && !existsSync(path.join(out, 'checkpoint.safetensors')) ? loadStartModel(spec) : undefined;
  if (start) {
    [en, py] = reverse ? [start.tgtVocab, start.srcVocab] : [start.srcVocab, start.tgtVocab];
    mkdirSync(out, { recursive: true });
    en.save(enFile);
    py.save(pyFile);
  } else if (opts.resume && existsSync(enFile) && existsSync(pyFile)) {
    en = Vocab.load(enFile);
    py = Vocab.load(pyFile);
  } else {
    ({ en, py } = buildVocabularies(vocabularyPairs, { minFreq: spec.data.minFreq, maxVocab: spec.data.maxVocab, numberSlots }));
    en.save(enFile);
    py.save(pyFile);
  }
  const [srcVocab, tgtVocab] = reverse ? [py, en] : [en, py];
  const t = spec.train;
  const encode = { numberSlots, reverse };
  const train = encodePairs(splits.train, srcVocab, tgtVocab, t.maxSrcLen, t.maxTgtLen, { ...encode, skipLong: t.longTargets === 'skip' });
  const valid = encodePairs(splits.valid, srcVocab, tgtVocab, t.maxSrcLen, t.maxTgtLen, encode);
  return {
    file,
    srcVocab,
    tgtVocab,
    train: train.examples,
    valid: valid.examples,
    splits,
    summary: { file, format, split: report, encodeTrain: train.stats, encodeValid: valid.stats, vocab: { en: en.size, py: py.size }, ...(reverse && { direction: 'py2en' }) },
    ...(start && { start }),
  };
}
