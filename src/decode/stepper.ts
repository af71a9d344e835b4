/**
 * One decoder step for one model or an ensemble (src/model/ensemble.ts). The
 * decoding strategies in search.ts feed tokens through a Stepper and read
 * next-token scores from it, so greedy, beam search and sampling work the same
 * over a single model and over an ensemble's members.
 */
import { logMeanProbabilities, membersOf, type Models } from '../model/ensemble.js';
import { Seq2SeqTransformer, type DecoderState } from '../model/transformer.js';
import { UNK } from '../tokenize/vocab.js';
import { logSoftmaxRow } from './logits.js';

/** Context-aware decoding's settings (Stepper): weight λ > 0, over the first `tokens` output tokens. */
export interface SentenceContrast {
  weight: number;
  tokens: number;
}

export class Stepper {
  private readonly members: readonly Seq2SeqTransformer[];
  private readonly states: DecoderState[];
  /** With a sentence contrast: the same members decoding from an empty sentence (a lone <unk>, as training encodes one). */
  private readonly freeStates: DecoderState[];
  /** The first member: its config sizes the output, its attention is the one recorded. */
  readonly lead: Seq2SeqTransformer;
  private steps = 0;

  /**
   * Encodes `src` once per member, replicated `rows` times (beams or samples), with room for `capacity` tokens.
   * A sentence contrast of weight λ scores each of the first `tokens` output tokens by
   * (1 + λ) log p(token | sentence) − λ log p(token | no sentence) (context-aware decoding, Shi et al.
   * 2023): what the sentence makes likely gains over what the code so far alone makes likely. Only the
   * first tokens, as in Li et al.'s (2016) anti-language-model decoding: over a whole program the
   * penalty on what Python makes likely also breaks the code's grammar (repeated `if` branches, names
   * spelled on and on). It doubles the decoder's work over those tokens.
   */
  constructor(models: Models, src: Int32Array, rows: number, capacity: number, readonly contrast?: SentenceContrast) {
    this.members = membersOf(models);
    this.lead = this.members[0];
    const start = (sentence: Int32Array) => {
      const S = sentence.length;
      const batchSrc = new Int32Array(rows * S);
      for (let r = 0; r < rows; r++) batchSrc.set(sentence, r * S);
      return this.members.map((m) => {
        const { memory, mask } = m.encode(batchSrc, rows, S);
        return m.startDecoding(memory, mask, capacity);
      });
    };
    this.states = start(src);
    this.freeStates = contrast ? start(Int32Array.of(UNK)) : [];
  }

  /**
   * Feed one token per row. Returns next-token scores [rows, V]: a single
   * model's logits, or an ensemble's log mean probability (either way, a log
   * softmax of a row gives the log-probabilities). Call inside a tidy() and use
   * the result there: a single model's buffer belongs to its tensor.
   */
  step(tokens: Int32Array, wantWeights = false): { scores: Float32Array; weights: Float32Array | null } {
    const real = this.stepStates(this.states, tokens, wantWeights);
    this.steps++;
    if (!this.contrast || this.steps > this.contrast.tokens) return real;
    const λ = this.contrast.weight;
    const free = this.stepStates(this.freeStates, tokens, false).scores;
    const V = this.lead.config.tgtVocab;
    const scores = new Float32Array(real.scores.length);
    for (let r = 0; r < tokens.length; r++) {
      const lr = logSoftmaxRow(real.scores, r, V);
      const lf = logSoftmaxRow(free, r, V);
      for (let j = 0; j < V; j++) scores[r * V + j] = (1 + λ) * lr[j] - λ * lf[j];
    }
    return { scores, weights: real.weights };
  }

  private stepStates(states: DecoderState[], tokens: Int32Array, wantWeights: boolean): { scores: Float32Array; weights: Float32Array | null } {
    if (this.members.length === 1) {
      const { logits, weights } = this.lead.decodeStep(states[0], tokens, wantWeights);
      return { scores: logits.data, weights: weights ? weights.data : null };
    }
    const rows = tokens.length;
    const V = this.lead.config.tgtVocab;
    let weights: Float32Array | null = null;
    const logits = this.members.map((m, k) => {
      const r = m.decodeStep(states[k], tokens, wantWeights && k === 0);
      if (r.weights) weights = r.weights.data;
      return r.logits.data;
    });
    const scores = new Float32Array(rows * V);
    const row = new Float64Array(V);
    for (let r = 0; r < rows; r++) scores.set(logMeanProbabilities(logits, r * V, V, row), r * V);
    return { scores, weights };
  }

  /** Beam search: row b of every member's state becomes a copy of row parents[b]. */
  reorder(parents: readonly number[]): void {
    for (const s of [...this.states, ...this.freeStates]) Seq2SeqTransformer.reorder(s, parents);
  }
}
