/**
 * One decoder step for one model or an ensemble (src/model/ensemble.ts). The
 * decoding strategies in search.ts feed tokens through a Stepper and read
 * next-token scores from it, so greedy, beam search and sampling work the same
 * over a single model and over an ensemble's members.
 */
import { logMeanProbabilities, membersOf, type Models } from '../model/ensemble.js';
import { Seq2SeqTransformer, type DecoderState } from '../model/transformer.js';
export class Stepper {
  private readonly members: readonly Seq2SeqTransformer[];
  private readonly states: DecoderState[];
  /** The first member: its config sizes the output, its attention is the one recorded. */
  readonly lead: Seq2SeqTransformer;

  /** Encodes `src` once per member, replicated `rows` times (beams or samples), with room for `capacity` tokens. */
  constructor(models: Models, src: Int32Array, rows: number, capacity: number) {
    this.members = membersOf(models);
    this.lead = this.members[0];
    const S = src.length;
    const batchSrc = new Int32Array(rows * S);
    for (let r = 0; r < rows; r++) batchSrc.set(src, r * S);
    this.states = this.members.map((m) => {
      const { memory, mask } = m.encode(batchSrc, rows, S);
      return m.startDecoding(memory, mask, capacity);
    });
  }

  /**
   * Feed one token per row. Returns next-token scores [rows, V]: a single
   * model's logits, or an ensemble's log mean probability (either way, a log
   * softmax of a row gives the log-probabilities). Call inside a tidy() and use
   * the result there: a single model's buffer belongs to its tensor.
   */
  step(tokens: Int32Array, wantWeights = false): { scores: Float32Array; weights: Float32Array | null } {
    if (this.members.length === 1) {
      const { logits, weights } = this.lead.decodeStep(this.states[0], tokens, wantWeights);
      return { scores: logits.data, weights: weights ? weights.data : null };
    }
    const rows = tokens.length;
    const V = this.lead.config.tgtVocab;
    let weights: Float32Array | null = null;
    const logits = this.members.map((m, k) => {
      const r = m.decodeStep(this.states[k], tokens, wantWeights && k === 0);
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
    for (const s of this.states) Seq2SeqTransformer.reorder(s, parents);
  }
}
