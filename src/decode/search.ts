/**
 * Decoding strategies over the model's incremental decoder (src/model): greedy,
 * beam search with a length penalty, and sampling with temperature, top-k and
 * top-p. Each new token costs one decoder step thanks to the key/value cache.
 * Each takes one model or an ensemble's members (stepper.ts).
 */
import { noGrad, tidy, Rng } from '../tensor/index.js';
import type { ModelConfig } from '../model/config.js';
import { BOS, EOS, PAD, UNK } from '../tokenize/vocab.js';
import { logSoftmaxRow } from './logits.js';
import { cycleBlockedTokens } from './repetition.js';
import { membersOf, type Models } from '../model/ensemble.js';
import { Stepper, type SentenceContrast } from './stepper.js';
import type { GuardState, SyntaxGuard } from './syntaxGuard.js';

export interface Hypothesis {
  /** Output ids, without BOS and EOS. */
  ids: number[];
  /** Sum of log-probabilities (EOS included when finished). */
  logProb: number;
  /** Ranking score (logProb / length penalty for beams). */
  score: number;
  finished: boolean;
  /** Last-layer cross-attention per output token: weights over source positions (mean over heads). */
  attention?: number[][];
  /** Where the syntax guard is after these ids (when decoding with one). */
  guard?: GuardState;
}

export interface DecodeOptions {
  maxLen?: number;
  /** Never emit <unk> (default true: the subword vocabulary spells any ASCII name). */
  banUnk?: boolean;
  /** Further token ids never to emit (e.g. number slots the sentence does not fill). */
  forbidden?: readonly number[];
  /** Record cross-attention weights for each output token. */
  attention?: boolean;
  /** Only emit tokens that keep the output completable as Python (see syntaxGuard.ts). */
  guard?: SyntaxGuard;
  /** Forbid the token that would repeat a short cycle more than this many times in a row (0 = off; repetition.ts). */
  maxRepeats?: number;
  /** Sentence contrast (stepper.ts): score the first tokens by (1 + λ) log p(· | sentence) − λ log p(· | no sentence); unset = off. */
  contrast?: SentenceContrast;
}

/** Whether the constraints (syntax guard, and unless `guardOnly` the repetition limit) let hypothesis h emit token id. */
function allowedFor(h: Hypothesis, opts: DecodeOptions, remaining: number, guardOnly = false): ((id: number) => boolean) | null {
  const repeats = opts.maxRepeats && !guardOnly ? cycleBlockedTokens(h.ids, opts.maxRepeats) : [];
  const guard = opts.guard && h.guard ? { g: opts.guard, s: h.guard } : null;
  if (!guard && repeats.length === 0) return null;
  return (id) => !repeats.includes(id) && (!guard || guard.g.allows(guard.s, id, remaining));
}

/**
 * Log-probabilities with every token the constraints forbid at −∞. The others
 * keep their values, unnormalised, so a hypothesis steered away from the
 * model's choice still scores as unlikely as it is. When the two constraints
 * leave nothing (the guard demands the ")" the repetition limit forbids), the
 * guard wins; when even it leaves nothing, nothing is forbidden.
 */
function constrain(lp: Float64Array, h: Hypothesis, opts: DecodeOptions, remaining: number): Float64Array {
  for (const guardOnly of [false, true]) {
    const ok = allowedFor(h, opts, remaining, guardOnly);
    if (!ok) return lp;
    const kept = lp.slice();
    let any = false;
    for (let j = 0; j < kept.length; j++) {
      if (kept[j] === -Infinity) continue;
      if (ok(j)) any = true;
      else kept[j] = -Infinity;
    }
    if (any) return kept;
  }
  return lp;
}

/**
 * The k best tokens the constraints allow. Checking the whole vocabulary at
 * every step of every beam costs seconds per sentence, and the best allowed
 * tokens are almost always among the model's top few, so those are tried first.
 */
function topAllowed(lp: Float64Array, h: Hypothesis, opts: DecodeOptions, remaining: number, k: number): number[] {
  const ok = allowedFor(h, opts, remaining);
  if (!ok) return topIds(lp, k);
  const kept = topIds(lp, 4 * k).filter(ok);
  if (kept.length >= k) return kept.slice(0, k);
  return topIds(constrain(lp, h, opts, remaining), k);
}

function banned(opts: DecodeOptions): number[] {
  return [PAD, BOS, ...(opts.banUnk === false ? [] : [UNK]), ...(opts.forbidden ?? [])];
}

/** Mean over heads of weights [rows, H, 1, S] for row r. */
function headMean(weights: Float32Array, r: number, heads: number, S: number): number[] {
  const out = new Array<number>(S).fill(0);
  for (let h = 0; h < heads; h++) for (let s = 0; s < S; s++) out[s] += weights[(r * heads + h) * S + s] / heads;
  return out;
}

/** The config that sizes decoding (an ensemble's members share vocabularies; the smallest maxLen bounds them all). */
function configOf(models: Models): ModelConfig {
  const members = membersOf(models);
  return { ...members[0].config, maxLen: Math.min(...members.map((m) => m.config.maxLen)) };
}

function maxLenOf(config: ModelConfig, opts: DecodeOptions): number {
  // Positions 0..maxLen are fed (BOS first), so at most config.maxLen - 1 output tokens.
  return Math.min(opts.maxLen ?? 256, config.maxLen - 1);
}

/** Greedy decoding: the most likely token at every step. */
export function greedy(models: Models, src: Int32Array, opts: DecodeOptions = {}): Hypothesis {
  const config = configOf(models);
  const maxLen = maxLenOf(config, opts);
  const V = config.tgtVocab;
  const ban = banned(opts);
  return noGrad(() => tidy(() => {
    const decoder = new Stepper(models, src, 1, maxLen + 1, opts.contrast);
    const h: Hypothesis = { ids: [], logProb: 0, score: 0, finished: false, attention: opts.attention ? [] : undefined, guard: opts.guard?.start() };
    let token = BOS;
    for (let step = 0; step <= maxLen && !h.finished; step++) {
      tidy(() => {
        const { scores, weights } = decoder.step(Int32Array.of(token), opts.attention);
        const raw = logSoftmaxRow(scores, 0, V, ban);
        // Out of room, the sequence ends whatever the guard would say.
        token = step === maxLen ? EOS : topAllowed(raw, h, opts, maxLen - step, 1)[0];
        h.logProb += raw[token];
        if (opts.guard && h.guard && token !== EOS) h.guard = opts.guard.advance(h.guard, token);
        if (weights) h.attention!.push(headMean(weights, 0, config.heads, src.length));
        if (token === EOS) h.finished = true;
        else h.ids.push(token);
      });
    }
    h.score = h.logProb;
    return h;
  }));
}

/**
 * The default GNMT length penalty alpha, chosen for the default model on the validation split
 * (results/model-selection, beam 5, syntax guard, parse rerank with the greedy fallback). For the
 * E8+E9 ensemble BLEU was 17.96 at 1.6, 18.16 at 1.8 and 18.07 at 2 (brevity penalty 0.85, 0.94,
 * 1.00); for E8 alone it rose to 2 and fell past it (2.3: 16.38 against 17.39).
 */
export const DEFAULT_LENGTH_PENALTY = 1.8;

/** The beam size `generate` and `serve` use unless told otherwise: the one the default model was chosen with. */
export const DEFAULT_BEAM = 5;

export interface BeamOptions extends DecodeOptions {
  beam?: number;
  /** GNMT length penalty alpha: score = logProb / ((5 + len) / 6)^alpha. 0 = raw log-probability. Default DEFAULT_LENGTH_PENALTY. */
  lengthPenalty?: number;
  /** Keep this many finished hypotheses (default: beam). */
  nBest?: number;
}

/** Beam search; returns finished hypotheses, best first. With beam 1 it is greedy decoding. */
export function beamSearch(models: Models, src: Int32Array, opts: BeamOptions = {}): Hypothesis[] {
  const beam = Math.max(1, opts.beam ?? DEFAULT_BEAM);
  const alpha = opts.lengthPenalty ?? DEFAULT_LENGTH_PENALTY;
  const config = configOf(models);
  const maxLen = maxLenOf(config, opts);
  const V = config.tgtVocab;
  const S = src.length;
  const ban = banned(opts);
  const penalty = (len: number) => (alpha === 0 ? 1 : ((5 + len) / 6) ** alpha);
  return noGrad(() => tidy(() => {
    const decoder = new Stepper(models, src, beam, maxLen + 1, opts.contrast);
    let live: Hypothesis[] = [{ ids: [], logProb: 0, score: 0, finished: false, attention: opts.attention ? [] : undefined, guard: opts.guard?.start() }];
    const finished: Hypothesis[] = [];
    const nBest = opts.nBest ?? beam;
    for (let step = 0; step <= maxLen && live.length > 0; step++) {
      // Rows beyond the live beams repeat row 0; their results are ignored.
      const tokens = new Int32Array(beam).fill(BOS);
      live.forEach((h, r) => (tokens[r] = h.ids.length ? h.ids[h.ids.length - 1] : BOS));
      const { candidates, weights } = tidy(() => {
        const { scores, weights: w } = decoder.step(tokens, opts.attention);
        const cands: Array<{ parent: number; id: number; logProb: number }> = [];
        live.forEach((h, r) => {
          const raw = logSoftmaxRow(scores, r, V, ban);
          if (step === maxLen) {
            // Out of room: the sequence must end here.
            cands.push({ parent: r, id: EOS, logProb: h.logProb + raw[EOS] });
            return;
          }
          for (const id of topAllowed(raw, h, opts, maxLen - step, beam + 1)) cands.push({ parent: r, id, logProb: h.logProb + raw[id] });
        });
        return { candidates: cands, weights: w ? w.slice() : null };
      });
      candidates.sort((a, b) => b.logProb - a.logProb);
      const next: Hypothesis[] = [];
      const parents: number[] = [];
      for (const c of candidates) {
        const parent = live[c.parent];
        const attention = parent.attention && weights
          ? [...parent.attention, headMean(weights, c.parent, config.heads, S)]
          : parent.attention;
        if (c.id === EOS) {
          const len = parent.ids.length + 1;
          finished.push({ ids: parent.ids, logProb: c.logProb, score: c.logProb / penalty(len), finished: true, attention, guard: parent.guard });
        } else if (next.length < beam) {
          const guard = opts.guard && parent.guard ? opts.guard.advance(parent.guard, c.id) : undefined;
          next.push({ ids: [...parent.ids, c.id], logProb: c.logProb, score: c.logProb / penalty(parent.ids.length + 1), finished: false, attention, guard });
          parents.push(c.parent);
        }
        if (next.length >= beam && finished.length >= nBest) break;
      }
      // Stop once enough hypotheses finished and every live beam already scores below
      // the worst of them (exact with alpha 0, where scores only fall; with a length
      // penalty it is the usual heuristic, as in Hugging Face's early stopping).
      finished.sort((a, b) => b.score - a.score);
      if (finished.length >= nBest && next.every((h) => h.score < finished[nBest - 1].score)) {
        live = [];
        break;
      }
      while (parents.length < beam) parents.push(parents[0] ?? 0);
      decoder.reorder(parents);
      live = next;
    }
    for (const h of live) finished.push(h);
    finished.sort((a, b) => b.score - a.score);
    return finished.slice(0, Math.max(nBest, 1));
  }));
}

/** The k ids with the highest values, best first (ties: the lower id first). One pass; an insertion only when a value beats the k-th. */
function topIds(xs: Float64Array, k: number): number[] {
  const ids: number[] = [];
  for (let j = 0; j < xs.length; j++) {
    const v = xs[j];
    if (v === -Infinity || (ids.length === k && v <= xs[ids[k - 1]])) continue;
    let i = ids.length === k ? k - 1 : ids.length;
    while (i > 0 && xs[ids[i - 1]] < v) {
      ids[i] = ids[i - 1];
      i--;
    }
    ids[i] = j;
  }
  return ids;
}

export interface SampleOptions extends DecodeOptions {
  samples?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

/** Sampling: `samples` independent sequences drawn with temperature, top-k and top-p (nucleus). */
export function sample(models: Models, src: Int32Array, opts: SampleOptions = {}): Hypothesis[] {
  const n = Math.max(1, opts.samples ?? 1);
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new Error(`temperature must be positive, got ${temperature}`);
  const config = configOf(models);
  const maxLen = maxLenOf(config, opts);
  const V = config.tgtVocab;
  const rng = new Rng(opts.seed ?? 1);
  const ban = banned(opts);
  return noGrad(() => tidy(() => {
    const decoder = new Stepper(models, src, n, maxLen + 1, opts.contrast);
    const hyps: Hypothesis[] = Array.from({ length: n }, () => ({ ids: [], logProb: 0, score: 0, finished: false, attention: opts.attention ? [] : undefined, guard: opts.guard?.start() }));
    for (let step = 0; step <= maxLen && hyps.some((h) => !h.finished); step++) {
      const tokens = Int32Array.from(hyps, (h) => (h.ids.length ? h.ids[h.ids.length - 1] : BOS));
      tidy(() => {
        const { scores, weights } = decoder.step(tokens, opts.attention);
        hyps.forEach((h, r) => {
          if (h.finished) return;
          if (weights) h.attention!.push(headMean(weights, r, config.heads, src.length));
          const raw = logSoftmaxRow(scores, r, V, ban);
          const lp = step === maxLen ? raw : constrain(raw, h, opts, maxLen - step);
          const id = step === maxLen ? EOS : draw(lp, temperature, opts.topK ?? 0, opts.topP ?? 1, rng);
          h.logProb += lp[id];
          if (opts.guard && h.guard && id !== EOS) h.guard = opts.guard.advance(h.guard, id);
          if (id === EOS) h.finished = true;
          else h.ids.push(id);
          h.score = h.logProb;
        });
      });
    }
    return hyps;
  }));
}

function draw(lp: Float64Array, temperature: number, topK: number, topP: number, rng: Rng): number {
  let ids = [...lp.keys()].filter((j) => lp[j] > -Infinity).sort((a, b) => lp[b] - lp[a]);
  if (topK > 0) ids = ids.slice(0, topK);
  const weights = ids.map((j) => Math.exp((lp[j] - lp[ids[0]]) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  if (topP < 1) {
    let acc = 0;
    let keep = 0;
    while (keep < ids.length && acc < topP * total) acc += weights[keep++];
    ids = ids.slice(0, Math.max(1, keep));
    weights.length = ids.length;
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * sum;
  for (let i = 0; i < ids.length; i++) {
    u -= weights[i];
    if (u <= 0) return ids[i];
  }
  return ids[ids.length - 1];
}
