/**
 * The sequence-to-sequence Transformer ("Attention is all you need"): an
 * encoder over English token ids, a decoder over Python token ids, and an
 * output projection to the target vocabulary. Padding id is 0 on both sides.
 */
import { Tensor, Rng, add, scale, sliceRows, linearCrossEntropy, keep, type CrossEntropyOptions } from '../tensor/index.js';
import { modelConfigSchema, type ModelConfig } from './config.js';
import { Context, Embedding, FeedForward, LayerNorm, Linear, MultiHeadAttention, ParamStore } from './layers.js';

export const PAD = 0;

/** A padded batch: ids row-major [batch, length]. tgtIn starts with BOS; tgtOut is tgtIn shifted left, ending with EOS. */
export interface Batch {
  batch: number;
  srcLen: number;
  tgtLen: number;
  src: Int32Array;
  tgtIn: Int32Array;
  tgtOut: Int32Array;
}

class EncoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly ff: FeedForward;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;

  constructor(ps: ParamStore, name: string, private readonly c: ModelConfig, private readonly ctx: Context) {
    this.selfAttn = new MultiHeadAttention(ps, `${name}.self_attn`, c.dModel, c.heads, c.attentionDropout, ctx);
    this.ff = new FeedForward(ps, `${name}.ff`, c.dModel, c.ffDim, c.dropout, ctx);
    this.norm1 = new LayerNorm(ps, `${name}.norm1`, c.dModel);
    this.norm2 = new LayerNorm(ps, `${name}.norm2`, c.dModel);
  }

  forward(x: Tensor, keyMask: Float32Array | null): Tensor {
    const p = this.c.dropout;
    if (this.c.norm === 'post') {
      x = this.norm1.forward(add(x, this.ctx.dropout(this.selfAttn.forward(x, x, { keyMask }).out, p)));
      return this.norm2.forward(add(x, this.ctx.dropout(this.ff.forward(x), p)));
    }
    const h = this.norm1.forward(x);
    x = add(x, this.ctx.dropout(this.selfAttn.forward(h, h, { keyMask }).out, p));
    return add(x, this.ctx.dropout(this.ff.forward(this.norm2.forward(x)), p));
  }
}

class DecoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly crossAttn: MultiHeadAttention;
  readonly ff: FeedForward;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;

  constructor(ps: ParamStore, name: string, private readonly c: ModelConfig, private readonly ctx: Context) {
    this.selfAttn = new MultiHeadAttention(ps, `${name}.self_attn`, c.dModel, c.heads, c.attentionDropout, ctx);
    this.crossAttn = new MultiHeadAttention(ps, `${name}.cross_attn`, c.dModel, c.heads, c.attentionDropout, ctx);
    this.ff = new FeedForward(ps, `${name}.ff`, c.dModel, c.ffDim, c.dropout, ctx);
    this.norm1 = new LayerNorm(ps, `${name}.norm1`, c.dModel);
    this.norm2 = new LayerNorm(ps, `${name}.norm2`, c.dModel);
    this.norm3 = new LayerNorm(ps, `${name}.norm3`, c.dModel);
  }

  forward(y: Tensor, memory: Tensor, srcMask: Float32Array | null): Tensor {
    const p = this.c.dropout;
    if (this.c.norm === 'post') {
      y = this.norm1.forward(add(y, this.ctx.dropout(this.selfAttn.forward(y, y, { causal: true }).out, p)));
      y = this.norm2.forward(add(y, this.ctx.dropout(this.crossAttn.forward(y, memory, { keyMask: srcMask }).out, p)));
      return this.norm3.forward(add(y, this.ctx.dropout(this.ff.forward(y), p)));
    }
    const h = this.norm1.forward(y);
    y = add(y, this.ctx.dropout(this.selfAttn.forward(h, h, { causal: true }).out, p));
    y = add(y, this.ctx.dropout(this.crossAttn.forward(this.norm2.forward(y), memory, { keyMask: srcMask }).out, p));
    return add(y, this.ctx.dropout(this.ff.forward(this.norm3.forward(y)), p));
  }

  /** One incremental step (inference): y is [B, 1, D] at `position`. Returns the cross-attention weights too. */
  step(y: Tensor, cache: LayerCache, srcMask: Float32Array, position: number, wantWeights: boolean): { y: Tensor; weights: Tensor | null } {
    const self = (x: Tensor) => this.selfAttn.attendCached(x, cache.selfK, cache.selfV, position).out;
    const cross = (x: Tensor) => this.crossAttn.attendTo(x, cache.crossK, cache.crossV, { keyMask: srcMask, returnWeights: wantWeights });
    if (this.c.norm === 'post') {
      y = this.norm1.forward(add(y, self(y)));
      const c = cross(y);
      y = this.norm2.forward(add(y, c.out));
      return { y: this.norm3.forward(add(y, this.ff.forward(y))), weights: c.weights };
    }
    y = add(y, self(this.norm1.forward(y)));
    const c = cross(this.norm2.forward(y));
    y = add(y, c.out);
    return { y: add(y, this.ff.forward(this.norm3.forward(y))), weights: c.weights };
  }
}

/** Key/value caches of one decoder layer during incremental decoding. */
interface LayerCache {
  selfK: Tensor;
  selfV: Tensor;
  crossK: Tensor;
  crossV: Tensor;
}

/**
 * The decoder's state while generating: per layer, the self-attention keys and
 * values of every token so far (so each new token costs one decoder step) and
 * the cross-attention keys and values of the encoder output (computed once).
 */
export interface DecoderState {
  batch: number;
  capacity: number;
  /** Tokens fed so far (the next one goes at this position). */
  length: number;
  srcMask: Float32Array;
  layers: LayerCache[];
}

/** Sinusoidal position table [maxLen, d] (Vaswani et al. 2017). */
function sinusoidTable(maxLen: number, d: number): Tensor {
  const data = new Float32Array(maxLen * d);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / 10000 ** (i / d);
      data[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) data[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return Tensor.from(data, [maxLen, d]);
}

export class Seq2SeqTransformer {
  readonly config: ModelConfig;
  readonly params: ParamStore;
  readonly ctx: Context;
  readonly srcEmbed: Embedding;
  readonly srcProject: Linear | null;
  readonly tgtEmbed: Embedding;
  readonly srcPos: Tensor;
  readonly tgtPos: Tensor;
  readonly encoderLayers: EncoderLayer[];
  readonly decoderLayers: DecoderLayer[];
  readonly encoderNorm: LayerNorm | null;
  readonly decoderNorm: LayerNorm | null;
  readonly outProj: Linear;

  /** `opts.initialise: false`: every weight starts at zero, to be loaded from a file next (see ParamStore). */
  constructor(config: ModelConfig, seed = 1, opts: { initialise?: boolean } = {}) {
    this.config = modelConfigSchema.parse(config);
    const c = this.config;
    const rng = new Rng(seed);
    this.params = new ParamStore(rng, opts.initialise ?? true);
    this.ctx = new Context(new Rng(seed ^ 0x5eed));
    const ps = this.params;
    const d = c.dModel;
    // Pretrained source vectors (e.g. GloVe, 100-d) are projected to d by a learned layer.
    const srcDim = c.srcEmbeddingDim || d;
    this.srcEmbed = new Embedding(ps, 'encoder.embed_tokens', c.srcVocab, srcDim, srcDim ** -0.5);
    this.srcProject = c.srcEmbeddingDim ? new Linear(ps, 'encoder.embed_project', srcDim, d, false) : null;
    this.tgtEmbed = new Embedding(ps, 'decoder.embed_tokens', c.tgtVocab, d, d ** -0.5);
    if (c.positions === 'learned') {
      this.srcPos = ps.add('encoder.embed_positions.weight', [c.maxLen, d], ps.normal(0.02));
      this.tgtPos = ps.add('decoder.embed_positions.weight', [c.maxLen, d], ps.normal(0.02));
    } else {
      this.srcPos = this.tgtPos = sinusoidTable(c.maxLen, d);
    }
    this.encoderLayers = Array.from({ length: c.encoderLayers }, (_, i) => new EncoderLayer(ps, `encoder.layers.${i}`, c, this.ctx));
    this.decoderLayers = Array.from({ length: c.decoderLayers }, (_, i) => new DecoderLayer(ps, `decoder.layers.${i}`, c, this.ctx));
    // Pre-norm stacks need a final norm; post-norm outputs are normalised already.
    this.encoderNorm = c.norm === 'pre' ? new LayerNorm(ps, 'encoder.norm', d) : null;
    this.decoderNorm = c.norm === 'pre' ? new LayerNorm(ps, 'decoder.norm', d) : null;
    this.outProj = new Linear(ps, 'decoder.output_projection', d, c.tgtVocab);
    if (c.tieTargetEmbeddings) {
      // One matrix for both: the projection uses the embedding's weight [vocab, d].
      ps.byName.delete('decoder.output_projection.weight');
      (this.outProj as { weight: Tensor }).weight = this.tgtEmbed.weight;
    }
  }

  parameterCount(): number {
    return this.params.count();
  }

  set training(on: boolean) {
    this.ctx.training = on;
  }

  get training(): boolean {
    return this.ctx.training;
  }

  /** tokens · sqrt(d) + positions, then dropout. */
  embedSource(ids: Int32Array, batch: number, len: number): Tensor {
    this.checkLength(len);
    let x = this.srcEmbed.forward(ids, [batch, len]);
    if (this.srcProject) x = this.srcProject.forward(x);
    x = add(scale(x, Math.sqrt(this.config.dModel)), sliceRows(this.srcPos, 0, len));
    return this.ctx.dropout(x, this.config.dropout);
  }

  embedTarget(ids: Int32Array, batch: number, len: number, offset = 0): Tensor {
    this.checkLength(offset + len);
    const x = add(scale(this.tgtEmbed.forward(ids, [batch, len]), Math.sqrt(this.config.dModel)), sliceRows(this.tgtPos, offset, len));
    return this.ctx.dropout(x, this.config.dropout);
  }

  private checkLength(len: number): void {
    if (len > this.config.maxLen) throw new Error(`sequence of ${len} tokens exceeds the model's maximum length ${this.config.maxLen}`);
  }

  /** The additive key mask [B, S] for source padding (0 keep, −∞ pad). */
  static sourceMask(src: Int32Array): Float32Array {
    return Float32Array.from(src, (id) => (id === PAD ? -Infinity : 0));
  }

  encode(src: Int32Array, batch: number, len: number): { memory: Tensor; mask: Float32Array } {
    const mask = Seq2SeqTransformer.sourceMask(src);
    let x = this.embedSource(src, batch, len);
    for (const layer of this.encoderLayers) x = layer.forward(x, mask);
    if (this.encoderNorm) x = this.encoderNorm.forward(x);
    return { memory: x, mask };
  }

  /** Teacher-forced decoder: logits [B, T, V]. */
  decode(tgtIn: Int32Array, batch: number, len: number, memory: Tensor, srcMask: Float32Array): Tensor {
    return this.outProj.forward(this.decodeHidden(tgtIn, batch, len, memory, srcMask));
  }

  /** Teacher-forced decoder up to the output projection: [B, T, d]. */
  decodeHidden(tgtIn: Int32Array, batch: number, len: number, memory: Tensor, srcMask: Float32Array): Tensor {
    let y = this.embedTarget(tgtIn, batch, len);
    for (const layer of this.decoderLayers) y = layer.forward(y, memory, srcMask);
    if (this.decoderNorm) y = this.decoderNorm.forward(y);
    return y;
  }

  /**
   * Start incremental decoding (inference, inside noGrad): cross-attention keys
   * and values are computed once from the encoder output; self-attention caches
   * hold up to `capacity` tokens.
   */
  startDecoding(memory: Tensor, srcMask: Float32Array, capacity: number): DecoderState {
    const [batch] = memory.shape;
    const d = this.config.dModel;
    this.checkLength(capacity);
    const layers = this.decoderLayers.map((layer) => {
      const { k, v } = layer.crossAttn.keysValues(memory);
      return {
        selfK: new Tensor(new Float32Array(batch * capacity * d), [batch, capacity, d]),
        selfV: new Tensor(new Float32Array(batch * capacity * d), [batch, capacity, d]),
        crossK: keep(k),
        crossV: keep(v),
      };
    });
    return { batch, capacity, length: 0, srcMask, layers };
  }

  /**
   * Feed one token per batch row; returns logits [B, V] for the next token and,
   * when asked, the last layer's cross-attention weights [B, H, 1, S].
   */
  decodeStep(state: DecoderState, tokens: Int32Array, wantWeights = false): { logits: Tensor; weights: Tensor | null } {
    if (tokens.length !== state.batch) throw new Error(`decodeStep: ${tokens.length} tokens for a batch of ${state.batch}`);
    if (state.length >= state.capacity) throw new Error(`decodeStep: the cache holds ${state.capacity} tokens`);
    const position = state.length;
    let y = this.embedTarget(tokens, state.batch, 1, position);
    let weights: Tensor | null = null;
    this.decoderLayers.forEach((layer, i) => {
      const last = i === this.decoderLayers.length - 1;
      const r = layer.step(y, state.layers[i], state.srcMask, position, wantWeights && last);
      y = r.y;
      if (last) weights = r.weights;
    });
    if (this.decoderNorm) y = this.decoderNorm.forward(y);
    state.length++;
    return { logits: this.outProj.forward(y), weights };
  }

  /** Beam search: row b of the state becomes a copy of row parents[b]. */
  static reorder(state: DecoderState, parents: readonly number[]): void {
    if (parents.length !== state.batch) throw new Error(`reorder: ${parents.length} parents for ${state.batch} rows`);
    if (parents.every((p, b) => p === b)) return;
    // Only the first `used` values of each row are copied: a self-attention cache row holds
    // `capacity` positions of which only `state.length` are written yet (copying whole rows
    // was a tenth of a beam search's time), and only the rows that change.
    const gather = (t: Tensor, used: number) => {
      const row = t.size / state.batch;
      const saved = new Map<number, Float32Array>();
      parents.forEach((p, b) => { if (p !== b && !saved.has(p)) saved.set(p, t.data.slice(p * row, p * row + used)); });
      parents.forEach((p, b) => { if (p !== b) t.data.set(saved.get(p)!, b * row); });
    };
    for (const layer of state.layers) {
      const d = layer.selfK.shape[2];
      gather(layer.selfK, state.length * d);
      gather(layer.selfV, state.length * d);
      gather(layer.crossK, layer.crossK.size / state.batch);
      gather(layer.crossV, layer.crossV.size / state.batch);
    }
    const mask = state.srcMask.slice();
    const S = mask.length / state.batch;
    parents.forEach((p, b) => state.srcMask.set(mask.subarray(p * S, (p + 1) * S), b * S));
  }

  /**
   * Mean token loss over non-padding targets (plus sums for perplexity). The
   * output projection and the loss run as one op, a block of rows at a time,
   * so the [B, T, V] logits are never made whole (src/tensor/ops/linearLoss.ts).
   */
  loss(b: Batch, lossOptions: CrossEntropyOptions = {}) {
    const { memory, mask } = this.encode(b.src, b.batch, b.srcLen);
    const hidden = this.decodeHidden(b.tgtIn, b.batch, b.tgtLen, memory, mask);
    return linearCrossEntropy(hidden, this.outProj.weight, this.outProj.bias, b.tgtOut, { ignoreIndex: PAD, ...lossOptions });
  }
}
