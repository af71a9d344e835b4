/**
 * Sentence in, Python out: tokenises the English, runs a decoding strategy and
 * turns model tokens back into indented code. Used by `generate`, `eval` and `serve`.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import type { LoadedModel } from '../model/bundle.js';
import { tokenizeEnglish } from '../tokenize/english.js';
import { modelTokensToCode } from '../tokenize/codeText.js';
import { allSlotTokens, fillSlots, slotSentence } from '../tokenize/numberSlots.js';
import { copyNameFromSentence } from './copyNames.js';
import { beamSearch, greedy, sample, type Hypothesis } from './search.js';
import { SyntaxGuard } from './syntaxGuard.js';

/**
 * The repetition limit the command line and the server use unless told
 * otherwise: on the default model's test split, greedy decoding with the syntax
 * guard and this limit went from 63 % to 87 % syntax-valid (results/default-eval).
 */
export const DEFAULT_MAX_REPEATS = 4;

/** The sentence contrast's reach unless told otherwise: about a function's signature line (`def name(args):` is 6-12 tokens). */
export const DEFAULT_CONTRAST_TOKENS = 16;

export interface GenerateOptions {
  /** Beam size; 1 = greedy. */
  beam?: number;
  /** Draw this many samples instead of searching (uses temperature, topK, topP). */
  samples?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Sampling seed: the same seed draws the same samples; unset, each call draws a fresh one (Generation.seed says which). */
  seed?: number;
  maxLen?: number;
  lengthPenalty?: number;
  attention?: boolean;
  /** Syntax-aware decoding: never emit a token that makes the output impossible to complete as Python. */
  guard?: boolean;
  /** Forbid repeating a short cycle of tokens more than this many times in a row (0 / unset = off). */
  maxRepeats?: number;
  /** Sentence contrast weight λ (src/decode/stepper.ts); 0 / unset = off. */
  contrast?: number;
  /** Over how many first output tokens the contrast applies (default DEFAULT_CONTRAST_TOKENS). */
  contrastTokens?: number;
  /** Rename a candidate's function to the one name the sentence gives it (src/decode/copyNames.ts); on unless false. */
  copyNames?: boolean;
}

/** One decoded candidate: its code, model tokens and (when recorded) cross-attention rows. */
export interface Candidate {
  code: string;
  tokens: string[];
  /** The model's log-probability of the candidate's tokens and its end (what the coder-reviewer rerank weighs). */
  logProb: number;
  /** The function renamed to the name the sentence gives (the tokens are the model's, before the rename). */
  renamed?: { from: string; to: string };
  attention?: number[][];
}

export interface Generation {
  code: string;
  /** The other beams (best first, then the greedy output when no beam equals it), or the other samples. */
  alternatives: string[];
  /** Model tokens of the best output. */
  tokens: string[];
  /** Source words as the model saw them (<unk> where unknown). */
  words: string[];
  /** words truncated to fit the model. */
  truncated: boolean;
  logProb: number;
  /** Cross-attention of the last layer: one row per output token over `words`. */
  attention?: number[][];
  /**
   * Every candidate, most likely first (`code` and then `alternatives`), with its
   * own tokens and attention: when the parse rerank puts another first, the page
   * and `--json` show that one's.
   */
  candidates: Candidate[];
  /** With sampling: the seed the samples were drawn with (give it back as `seed` to draw them again). */
  seed?: number;
  ms: number;
}

/** A fresh sampling seed: a non-negative 31-bit integer from the system's random source. */
export function randomSeed(): number {
  return randomInt(2 ** 31);
}

export class Generator {
  private syntaxGuard?: SyntaxGuard;

  constructor(readonly loaded: LoadedModel) {}

  private guard(): SyntaxGuard {
    return (this.syntaxGuard ??= new SyntaxGuard(this.loaded.tgtVocab.tokens));
  }

  /**
   * The source ids for a sentence, the words as the model sees them, and, for a
   * model with number slots, the numbers its slots stand for.
   */
  encode(sentence: string): { ids: Int32Array; words: string[]; truncated: boolean; numbers: string[] } {
    let words = tokenizeEnglish(sentence);
    if (words.length === 0) throw new UserError('the sentence is empty: describe the code you want, e.g. "write a python function to add two numbers"');
    let numbers: string[] = [];
    if (this.loaded.model.config.numberSlots) ({ words, numbers } = slotSentence(words));
    const max = this.loaded.model.config.maxLen;
    const kept = words.slice(0, max);
    const ids = Int32Array.from(this.loaded.srcVocab.encode(kept));
    return { ids, words: kept.map((w, i) => this.loaded.srcVocab.token(ids[i]) === '<unk>' ? '<unk>' : w), truncated: kept.length < words.length, numbers };
  }

  /** Slot tokens the sentence leaves empty: emitting one would invent a number. */
  private unfilledSlots(numbers: readonly string[]): number[] {
    if (!this.loaded.model.config.numberSlots) return [];
    const vocab = this.loaded.tgtVocab;
    return allSlotTokens().slice(numbers.length).filter((t) => vocab.has(t)).map((t) => vocab.id(t));
  }

  toCode(h: Hypothesis, numbers: readonly string[] = []): { code: string; tokens: string[] } {
    const tokens = fillSlots(this.loaded.tgtVocab.decode(h.ids), numbers);
    let code: string;
    try {
      code = modelTokensToCode(tokens);
    } catch {
      code = tokens.join(' '); // malformed output: show the raw tokens rather than fail
    }
    return { code, tokens };
  }

  generate(sentence: string, opts: GenerateOptions = {}): Generation {
    const t0 = performance.now();
    const { ids, words, truncated, numbers } = this.encode(sentence);
    const model = this.loaded.members; // one model, or an ensemble's members
    const common = {
      maxLen: opts.maxLen, attention: opts.attention, guard: opts.guard ? this.guard() : undefined, maxRepeats: opts.maxRepeats,
      forbidden: this.unfilledSlots(numbers),
      contrast: opts.contrast ? { weight: opts.contrast, tokens: opts.contrastTokens ?? DEFAULT_CONTRAST_TOKENS } : undefined,
    };
    let hyps: Hypothesis[];
    let seed: number | undefined;
    if (opts.samples && opts.samples > 0) {
      seed = opts.seed ?? randomSeed();
      hyps = sample(model, ids, { ...common, samples: opts.samples, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed });
      hyps.sort((a, b) => b.logProb - a.logProb);
    } else if ((opts.beam ?? 1) <= 1) {
      hyps = [greedy(model, ids, common)];
    } else {
      hyps = beamSearch(model, ids, { ...common, beam: opts.beam, lengthPenalty: opts.lengthPenalty });
      // The greedy output goes last, as the parse rerank's last resort: when no beam
      // parses (long beams favoured by the length penalty fail more often), the
      // shorter greedy program often does. It costs one more pass of ~1/10 the beam's.
      const g = greedy(model, ids, common);
      if (!hyps.some((h) => h.ids.length === g.ids.length && h.ids.every((id, i) => id === g.ids[i]))) hyps.push(g);
    }
    const candidates: Candidate[] = hyps.map((h) => {
      const c = this.toCode(h, numbers);
      const copy = opts.copyNames === false ? { code: c.code } : copyNameFromSentence(sentence, c.code);
      return { ...c, code: copy.code, logProb: h.logProb, ...(copy.renamed && { renamed: copy.renamed }), ...(h.attention ? { attention: h.attention } : {}) };
    });
    const [best, ...rest] = candidates;
    return {
      code: best.code,
      alternatives: rest.map((c) => c.code),
      tokens: best.tokens,
      words,
      truncated,
      logProb: hyps[0].logProb,
      attention: hyps[0].attention,
      candidates,
      ...(seed === undefined ? {} : { seed }),
      ms: performance.now() - t0,
    };
  }
}
