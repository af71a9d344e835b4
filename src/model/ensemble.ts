/**
 * Ensembles: several models with the same vocabularies, trained on the same
 * split, whose next-token distributions are averaged. Their sizes may differ
 * (a wider model with the seed-sized ones): each member encodes the sentence
 * itself, and only the distributions over the shared vocabulary meet.
 * The mean is of probabilities, not of logits: each member is a complete
 * model, and the mean of distributions is one too, which beams and samples
 * need. Decoding (src/decode/stepper.ts) and teacher-forced scoring
 * (src/train/teacherForced.ts) both take a model or an ensemble's members.
 */
import { mkdirSync } from 'node:fs';
import { UserError } from '../errors.js';
import { copyCompanionFiles, loadModel, saveModel, type LoadedModel } from './bundle.js';
import { Seq2SeqTransformer } from './transformer.js';

/** A model, or the members of an ensemble. */
export type Models = Seq2SeqTransformer | readonly Seq2SeqTransformer[];

/** The members (one for a single model), checked to share their vocabularies. */
export function membersOf(models: Models): readonly Seq2SeqTransformer[] {
  const members = models instanceof Seq2SeqTransformer ? [models] : models;
  if (members.length === 0) throw new Error('an ensemble needs at least one model');
  const { srcVocab, tgtVocab } = members[0].config;
  if (members.some((m) => m.config.tgtVocab !== tgtVocab || m.config.srcVocab !== srcVocab)) {
    throw new Error('ensemble members must share their vocabularies');
  }
  return members;
}

/**
 * Log of the members' mean probability for one row: `logits[k]` holds member
 * k's logits, the row starts at `offset` and is `vocab` long. Written into `out`
 * (length vocab). With one member it is that member's log softmax.
 */
export function logMeanProbabilities(logits: readonly Float32Array[], offset: number, vocab: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (const x of logits) {
    let mx = -Infinity;
    for (let j = 0; j < vocab; j++) if (x[offset + j] > mx) mx = x[offset + j];
    let z = 0;
    for (let j = 0; j < vocab; j++) z += Math.exp(x[offset + j] - mx);
    if (logits.length === 1) {
      const lse = mx + Math.log(z);
      for (let j = 0; j < vocab; j++) out[j] = x[offset + j] - lse;
      return out;
    }
    for (let j = 0; j < vocab; j++) out[j] += Math.exp(x[offset + j] - mx) / z;
  }
  for (let j = 0; j < vocab; j++) out[j] = Math.log(out[j] / logits.length);
  return out;
}

/** What decides a run's validation and test pairs: members must agree on it, or one would have trained on another's test pairs. */
function splitOf(loaded: LoadedModel): string {
  const data = ((loaded.config.training?.spec ?? {}) as { data?: Record<string, unknown> }).data ?? {};
  const { path: file, format, splitSeed, grouped, valid, test } = data;
  return JSON.stringify({ file, format, splitSeed, grouped, valid, test });
}

export interface EnsembleMember {
  from: string;
  /** The member's run spec description, when it has one (what the member was trained on and how). */
  description?: unknown;
  bestEpoch?: unknown;
  averagedEpochs?: unknown;
  seed?: unknown;
  /** The member's parameter count (members may differ in size). */
  parameters?: number;
}

/**
 * Write the models in `dirs` as one ensemble model directory `out`: the first
 * member's vocabularies and run files (eval finds the split through them),
 * every member's weights and config. Refuses members that differ in
 * vocabularies, number slots or data split, naming the first difference.
 */
export function writeEnsemble(dirs: readonly string[], out: string): { members: number; parameters: number } {
  if (dirs.length < 2) throw new UserError(`an ensemble needs two or more models, got ${dirs.length}`);
  const loaded = dirs.map((d) => loadModel(d));
  const [first] = loaded;
  loaded.forEach((l, i) => {
    if (l.members.length > 1) throw new UserError(`${dirs[i]}: is an ensemble already; list its members' directories instead`);
    if (l.config.model.numberSlots !== first.config.model.numberSlots) {
      throw new UserError(`${dirs[i]}: ${l.config.model.numberSlots ? 'uses' : 'does not use'} number slots and ${dirs[0]} ${first.config.model.numberSlots ? 'does' : 'does not'} (members must read and write the same tokens)`);
    }
    for (const side of ['srcVocab', 'tgtVocab'] as const) {
      if (JSON.stringify(l[side].tokens) !== JSON.stringify(first[side].tokens)) {
        throw new UserError(`${dirs[i]}: its ${side === 'srcVocab' ? 'vocab.en.json' : 'vocab.py.json'} differs from ${dirs[0]}'s (members must share their vocabularies)`);
      }
    }
    if (splitOf(l) !== splitOf(first)) {
      throw new UserError(`${dirs[i]}: trained on another data split than ${dirs[0]} (${splitOf(l)} against ${splitOf(first)}); one member would have seen another's test pairs`);
    }
  });
  const members: EnsembleMember[] = loaded.map((l, i) => {
    const t = (l.config.training ?? {}) as Record<string, unknown> & { spec?: { description?: unknown; train?: { seed?: unknown } } };
    return {
      from: dirs[i], description: t.spec?.description, bestEpoch: t.bestEpoch, averagedEpochs: t.averagedEpochs, seed: t.spec?.train?.seed,
      parameters: l.model.parameterCount(),
    };
  });
  mkdirSync(out, { recursive: true });
  saveModel(out, first.model, first.srcVocab, first.tgtVocab, {
    training: { ...first.config.training, ensembleMembers: members },
    metrics: first.config.metrics,
    ensemble: { others: loaded.slice(1).map((l) => l.model), from: [...dirs] },
  });
  copyCompanionFiles(dirs[0], out, { evaluation: false }); // an evaluation in dirs[0] is of that member alone
  return { members: loaded.length, parameters: loaded.reduce((s, l) => s + l.model.parameterCount(), 0) };
}

/**
 * An ensemble's size for people: "2 models of 6,823,000 parameters each", or
 * "2 models (6,823,000 + 14,332,310 parameters)" when the members differ.
 */
export function describeMemberSizes(parameters: readonly number[], format: (n: number) => string = (n) => n.toLocaleString('en-US')): string {
  const same = parameters.every((p) => p === parameters[0]);
  return same
    ? `${parameters.length} models of ${format(parameters[0])} parameters each`
    : `${parameters.length} models (${parameters.map(format).join(' + ')} parameters)`;
}
