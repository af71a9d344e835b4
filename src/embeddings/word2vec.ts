// Skip-gram with negative sampling (Mikolov et al. 2013, "Distributed
// Representations of Words and Phrases and their Compositionality"), as in
// the reference word2vec.c: a unigram^0.75 noise table, subsampling of
// frequent tokens, a reduced random window per centre token, and a learning
// rate that decays linearly to lr·1e-4 over all epochs.
//
// Why plain Float32Array loops and not the autograd engine: each (centre,
// context) pair touches 1 + negative rows of two large matrices and nothing
// else. A tape would record, and a dense gradient would zero and apply, whole
// [vocab × dim] matrices per step — millions of wasted flops and allocations
// per pair — while SGNS needs only these sparse row updates, applied at once
// (Hogwild-style, as word2vec.c does).
import { Rng } from '../tensor/random.js';

export interface Word2VecOptions {
  /** Vector width (default 100). */
  dim?: number;
  /** Largest distance between centre and context token (default 5); each centre uses a random window 1..window. */
  window?: number;
  /** Negative samples per positive pair (default 5). */
  negative?: number;
  /** Passes over the corpus (default 5). */
  epochs?: number;
  /** Starting learning rate (default 0.025), decayed linearly to lr·1e-4. */
  lr?: number;
  /** Subsampling threshold t (default 1e-3; 0 disables): a token of frequency f is kept with probability (√(f/t)+1)·t/f. */
  subsample?: number;
  /** Tokens seen fewer times are dropped from the corpus (default 1). */
  minCount?: number;
  /** Seed of initialisation, subsampling, windows and negatives (default 1). */
  seed?: number;
  /** Size of the noise table (default 1e6). */
  tableSize?: number;
  /** Called about every `progressEvery` centre tokens (default 100,000) and at the end. */
  onProgress?: (p: Word2VecProgress) => void;
  progressEvery?: number;
}

export interface Word2VecProgress {
  epoch: number;
  epochs: number;
  /** Corpus tokens visited so far, over all epochs (subsampled ones included). */
  processed: number;
  total: number;
  lr: number;
  seconds: number;
}

export interface Word2VecStats {
  /** Tokens in the corpus (after minCount) and distinct tokens. */
  tokens: number;
  types: number;
  /** Centre tokens trained on (after subsampling), over all epochs. */
  trainedTokens: number;
  pairs: number;
  epochs: number;
  seconds: number;
  /** Corpus tokens per second (tokens × epochs / seconds), the figure word2vec.c prints. */
  tokensPerSecond: number;
}

export interface Word2VecModel {
  /** Distinct tokens, most frequent first. */
  words: string[];
  counts: number[];
  dim: number;
  /** Input ("word") vectors, row-major [words.length × dim]: the embeddings. */
  vectors: Float32Array;
  /** Output ("context") vectors, same shape. */
  contexts: Float32Array;
  stats: Word2VecStats;
}

/** Noise distribution table: word w fills a share count^power / Σ count^power of the slots. */
export function noiseTable(counts: readonly number[], size: number, power = 0.75): Int32Array {
  const table = new Int32Array(size);
  let total = 0;
  for (const c of counts) total += Math.pow(c, power);
  let w = 0;
  let cum = counts.length ? Math.pow(counts[0], power) / total : 0;
  for (let i = 0; i < size; i++) {
    table[i] = w;
    if ((i + 1) / size > cum && w < counts.length - 1) { w++; cum += Math.pow(counts[w], power) / total; }
  }
  return table;
}

/** word2vec.c's keep probability for a token seen `count` times among `total` (≥ 1 is always kept). */
export function keepProbability(count: number, total: number, t: number): number {
  if (t <= 0) return 1;
  const f = count / total;
  return (Math.sqrt(f / t) + 1) * (t / f);
}

/**
 * One (centre, target) update: g = (label − σ(h·o))·lr; grad += g·o; o += g·h,
 * where h is the centre row at `c0` of `vectors` and o the row at `o0` of `contexts`.
 */
function sgnsStep(vectors: Float32Array, c0: number, contexts: Float32Array, o0: number, grad: Float32Array, dim: number, label: number, lr: number): void {
  let dot = 0;
  for (let d = 0; d < dim; d++) dot += vectors[c0 + d] * contexts[o0 + d];
  const sig = dot > 20 ? 1 : dot < -20 ? 0 : 1 / (1 + Math.exp(-dot));
  const g = (label - sig) * lr;
  for (let d = 0; d < dim; d++) { grad[d] += g * contexts[o0 + d]; contexts[o0 + d] += g * vectors[c0 + d]; }
}

/** Train skip-gram with negative sampling on token sequences (windows never cross sequences). */
export function trainWord2Vec(sentences: Iterable<readonly string[]>, opts: Word2VecOptions = {}): Word2VecModel {
  const dim = opts.dim ?? 100;
  const window = opts.window ?? 5;
  const negative = opts.negative ?? 5;
  const epochs = opts.epochs ?? 5;
  const lr0 = opts.lr ?? 0.025;
  const sample = opts.subsample ?? 1e-3;
  const minCount = opts.minCount ?? 1;
  const progressEvery = opts.progressEvery ?? 100_000;
  const rng = new Rng(opts.seed ?? 1);
  const t0 = performance.now();

  // Vocabulary by frequency (ties by text), then the corpus as ids with sentence starts.
  const seqs = [...sentences];
  const countOf = new Map<string, number>();
  for (const s of seqs) for (const t of s) countOf.set(t, (countOf.get(t) ?? 0) + 1);
  const kept = [...countOf].filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words = kept.map(([w]) => w);
  const counts = kept.map(([, n]) => n);
  const idOf = new Map(words.map((w, i) => [w, i]));
  let total = 0;
  for (const s of seqs) for (const t of s) if (idOf.has(t)) total++;
  const corpus = new Int32Array(total);
  const starts: number[] = [];
  let n = 0;
  for (const s of seqs) {
    const begin = n;
    for (const t of s) { const id = idOf.get(t); if (id !== undefined) corpus[n++] = id; }
    if (n > begin) starts.push(begin);
  }
  starts.push(n);

  const V = words.length;
  const vectors = new Float32Array(V * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = (rng.next() - 0.5) / dim;
  const contexts = new Float32Array(V * dim);
  const table = noiseTable(counts, opts.tableSize ?? 1_000_000);
  const keep = Float64Array.from(counts, (c) => keepProbability(c, total, sample));
  const grad = new Float32Array(dim);
  const sentence = new Int32Array(total);

  const all = epochs * total;
  let processed = 0, trained = 0, pairs = 0, nextReport = progressEvery;
  let lr = lr0;
  const report = (epoch: number) => opts.onProgress?.({ epoch, epochs, processed, total: all, lr, seconds: (performance.now() - t0) / 1000 });

  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let s = 0; s + 1 < starts.length; s++) {
      const a = starts[s], b = starts[s + 1];
      // Subsample the sentence once per epoch; windows run over what is kept (as word2vec.c).
      let len = 0;
      for (let i = a; i < b; i++) { const w = corpus[i]; if (keep[w] >= 1 || rng.next() < keep[w]) sentence[len++] = w; }
      for (let pos = 0; pos < len; pos++) {
        const center = sentence[pos];
        const c0 = center * dim;
        const reduced = 1 + rng.int(window);
        const from = Math.max(0, pos - reduced), to = Math.min(len - 1, pos + reduced);
        for (let j = from; j <= to; j++) {
          if (j === pos) continue;
          const context = sentence[j];
          grad.fill(0);
          for (let k = 0; k <= negative; k++) {
            let target: number, label: number;
            if (k === 0) { target = context; label = 1; }
            else { target = table[rng.nextU32() % table.length]; if (target === context) continue; label = 0; }
            sgnsStep(vectors, c0, contexts, target * dim, grad, dim, label, lr);
          }
          for (let d = 0; d < dim; d++) vectors[c0 + d] += grad[d];
          pairs++;
        }
        trained++;
      }
      processed += b - a;
      lr = lr0 * Math.max(1e-4, 1 - processed / (all + 1));
      if (processed >= nextReport) { report(epoch); nextReport = processed + progressEvery; }
    }
  }
  report(epochs);
  const seconds = (performance.now() - t0) / 1000;
  return {
    words, counts, dim, vectors, contexts,
    stats: { tokens: total, types: V, trainedTokens: trained, pairs, epochs, seconds, tokensPerSecond: seconds > 0 ? all / seconds : 0 },
  };
}

/** Cosine similarity of rows a and b of a row-major matrix (0 when either row is zero). */
export function rowCosine(matrix: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0, na = 0, nb = 0;
  for (let d = 0; d < dim; d++) {
    const x = matrix[a * dim + d], y = matrix[b * dim + d];
    dot += x * y; na += x * x; nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export interface Neighbour { token: string; cosine: number }

/**
 * The k rows closest to `token`'s row by cosine (the token itself and zero rows
 * excluded), best first. [] when the token is not in the vocabulary.
 */
export function nearestNeighbours(matrix: Float32Array, vocab: readonly string[], token: string, k: number): Neighbour[] {
  const i = vocab.indexOf(token);
  if (i < 0 || vocab.length === 0) return [];
  const dim = matrix.length / vocab.length;
  const out: Neighbour[] = [];
  for (let j = 0; j < vocab.length; j++) {
    if (j === i) continue;
    let zero = true;
    for (let d = 0; d < dim && zero; d++) zero = matrix[j * dim + d] === 0;
    if (zero) continue;
    out.push({ token: vocab[j], cosine: Math.max(-1, Math.min(1, rowCosine(matrix, dim, i, j))) });
  }
  return out.sort((a, b) => b.cosine - a.cosine).slice(0, k);
}
