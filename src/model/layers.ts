/**
 * The building blocks: Linear, LayerNorm, Embedding, FeedForward and
 * MultiHeadAttention. Each registers its parameters under PyTorch-style names
 * (e.g. `encoder.layers.0.self_attn.q_proj.weight`) in a ParamStore.
 */
import {
  Tensor, Rng, linear, layerNorm, relu, dropout, attention, embedding,
  type AttentionResult,
} from '../tensor/index.js';

/** Named parameters of a model, in creation order. */
export class ParamStore {
  readonly byName = new Map<string, Tensor>();

  /**
   * `initialise: false` leaves every parameter zero, for a model whose weights are
   * loaded next (drawing 13 M random numbers only to overwrite them took half a
   * second of every command that loads a model).
   */
  constructor(readonly rng: Rng, readonly initialise = true) {}

  add(name: string, shape: number[], init: (n: number) => Float32Array): Tensor {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const n = shape.reduce((a, b) => a * b, 1);
    const t = Tensor.parameter(this.initialise ? init(n) : new Float32Array(n), shape);
    this.byName.set(name, t);
    return t;
  }

  list(): Tensor[] {
    return [...this.byName.values()];
  }

  count(): number {
    return this.list().reduce((n, t) => n + t.size, 0);
  }

  xavier(fanIn: number, fanOut: number): (n: number) => Float32Array {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return (n) => Float32Array.from({ length: n }, () => (this.rng.next() * 2 - 1) * a);
  }

  normal(std: number): (n: number) => Float32Array {
    return (n) => Float32Array.from({ length: n }, () => this.rng.normal() * std);
  }

  constant(value: number): (n: number) => Float32Array {
    return (n) => new Float32Array(n).fill(value);
  }
}

/** Dropout seeds and the training flag, shared by every layer of a model. */
export class Context {
  training = false;
  constructor(readonly rng: Rng) {}

  dropout(x: Tensor, p: number): Tensor {
    return this.training && p > 0 ? dropout(x, p, this.rng.nextU32()) : x;
  }
}

export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(ps: ParamStore, name: string, inF: number, outF: number, bias = true) {
    this.weight = ps.add(`${name}.weight`, [outF, inF], ps.xavier(inF, outF));
    this.bias = bias ? ps.add(`${name}.bias`, [outF], ps.constant(0)) : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class LayerNorm {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(ps: ParamStore, name: string, dim: number) {
    this.weight = ps.add(`${name}.weight`, [dim], ps.constant(1));
    this.bias = ps.add(`${name}.bias`, [dim], ps.constant(0));
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias);
  }
}

export class Embedding {
  readonly weight: Tensor;

  constructor(ps: ParamStore, name: string, vocab: number, dim: number, std: number) {
    this.weight = ps.add(`${name}.weight`, [vocab, dim], ps.normal(std));
  }

  forward(ids: Int32Array, shape: number[]): Tensor {
    return embedding(this.weight, ids, shape);
  }
}

export class FeedForward {
  readonly linear1: Linear;
  readonly linear2: Linear;

  constructor(ps: ParamStore, name: string, dim: number, hidden: number, private readonly p: number, private readonly ctx: Context) {
    this.linear1 = new Linear(ps, `${name}.linear1`, dim, hidden);
    this.linear2 = new Linear(ps, `${name}.linear2`, hidden, dim);
  }

  forward(x: Tensor): Tensor {
    return this.linear2.forward(this.ctx.dropout(relu(this.linear1.forward(x)), this.p));
  }
}

export interface AttendOptions {
  keyMask?: Float32Array | null;
  causal?: boolean;
  returnWeights?: boolean;
}

export class MultiHeadAttention {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;

  constructor(ps: ParamStore, name: string, dim: number, readonly heads: number, private readonly p: number, private readonly ctx: Context) {
    this.q = new Linear(ps, `${name}.q_proj`, dim, dim);
    this.k = new Linear(ps, `${name}.k_proj`, dim, dim);
    this.v = new Linear(ps, `${name}.v_proj`, dim, dim);
    this.out = new Linear(ps, `${name}.out_proj`, dim, dim);
  }

  /** Project keys and values once (the decoder caches them for cross-attention). */
  keysValues(memory: Tensor): { k: Tensor; v: Tensor } {
    return { k: this.k.forward(memory), v: this.v.forward(memory) };
  }

  /** Attend from `x` [B, Tq, D] to projected keys/values [B, Tk, D]. */
  attendTo(x: Tensor, k: Tensor, v: Tensor, opts: AttendOptions = {}): AttentionResult {
    const q = this.q.forward(x);
    const training = this.ctx.training && this.p > 0;
    const res = attention(q, k, v, {
      heads: this.heads,
      keyMask: opts.keyMask ?? null,
      causal: opts.causal ?? false,
      dropout: training ? this.p : 0,
      seed: training ? this.ctx.rng.nextU32() : 0,
      returnWeights: opts.returnWeights,
    });
    return { out: this.out.forward(res.out), weights: res.weights };
  }

  /**
   * One decoding step of self-attention with a key/value cache: project x
   * [B, 1, D], write its key and value at row `position` of the caches
   * [B, capacity, D], and attend over rows 0..position.
   */
  attendCached(x: Tensor, cacheK: Tensor, cacheV: Tensor, position: number): AttentionResult {
    const [B, , D] = x.shape;
    const capacity = cacheK.shape[1];
    const k = this.k.forward(x);
    const v = this.v.forward(x);
    for (let b = 0; b < B; b++) {
      cacheK.data.set(k.data.subarray(b * D, (b + 1) * D), (b * capacity + position) * D);
      cacheV.data.set(v.data.subarray(b * D, (b + 1) * D), (b * capacity + position) * D);
    }
    const q = this.q.forward(x);
    const res = attention(q, cacheK, cacheV, { heads: this.heads, keyLength: position + 1 });
    return { out: this.out.forward(res.out), weights: null };
  }

  forward(x: Tensor, memory: Tensor, opts: AttendOptions = {}): AttentionResult {
    const { k, v } = this.keysValues(memory);
    return this.attendTo(x, k, v, opts);
  }
}
