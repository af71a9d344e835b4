// E3: Python token embeddings trained from scratch with skip-gram (word2vec.ts)
// on the corpus of pythonCorpus.ts, returned as rows aligned to the decoder's
// target vocabulary and cached on disk per (vocabulary, corpus, options).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Rng } from '../tensor/random.js';
import type { Bpe } from '../tokenize/bpe.js';
import { PAD, SPECIAL_TOKENS } from '../tokenize/vocab.js';
import { cacheFile, cacheKey, readMatrixCache, writeMatrixCache } from './cache.js';
import { coverageOf, type Coverage } from './pretrained.js';
import { findStdlibDir, listStdlibFiles } from '../python/stdlib.js';
import { buildPythonCorpus, type PythonCorpusStats } from './pythonCorpus.js';
import { trainWord2Vec, type Word2VecOptions, type Word2VecStats } from './word2vec.js';

export interface PythonEmbeddingOptions extends Omit<Word2VecOptions, 'minCount'> {
  /** The target (decoder) vocabulary, in id order. */
  vocab: readonly string[];
  /** Code of the training split. */
  trainCodes: readonly string[];
  /** The BPE merges the vocabulary was built with (`data split --bpe`), if any. */
  bpe?: Bpe;
  /** Standard library folder (default: asked from python3); false: training code only. */
  stdlib?: string | false;
  maxStdlibFiles?: number;
  maxStdlibTokens?: number;
  /** Default $XDG_CACHE_HOME/en2py or ~/.cache/en2py. */
  cacheDir?: string;
  /** Read and write the cache (default true). */
  cache?: boolean;
  /** Std of the random rows for tokens the corpus never saw, relative to the trained rows' std (default 0.25). */
  unseenScale?: number;
}

export interface PythonEmbeddings {
  dim: number;
  /** Row-major [vocab.length × dim]; <pad> is zeros. */
  matrix: Float32Array;
  /** Whether the row was trained (false for <pad> and tokens the corpus never saw). */
  found: boolean[];
  coverage: Coverage;
  corpus: PythonCorpusStats;
  training: Word2VecStats;
  cached: boolean;
  seconds: number;
}

export function trainPythonEmbeddings(opts: PythonEmbeddingOptions): PythonEmbeddings {
  const t0 = performance.now();
  const { vocab, trainCodes, bpe, cacheDir, cache, stdlib: given, maxStdlibFiles, maxStdlibTokens, unseenScale, onProgress, progressEvery, ...rest } = opts;
  const stdlib = given === false ? false : given ?? findStdlibDir() ?? false;
  const w2v: Word2VecOptions = { dim: 100, window: 5, negative: 5, epochs: 5, lr: 0.025, subsample: 1e-3, seed: 1, ...rest };
  const useCache = cache ?? true;
  // The key names the corpus by its inputs: the training code and the standard library files (size, mtime).
  const files = stdlib ? listStdlibFiles(stdlib).map((f) => { const s = statSync(f); return [f, s.size, s.mtimeMs]; }) : [];
  const codeHash = createHash('sha256').update(trainCodes.join('\u0000')).digest('hex');
  const key = cacheKey({ v: 1, vocab, bpe: bpe?.merges ?? null, codeHash, stdlib, files, maxStdlibFiles, maxStdlibTokens, w2v, unseenScale });
  const cfile = cacheFile('py-w2v', key, cacheDir);
  const hit = useCache ? readMatrixCache(cfile) : undefined;
  if (hit && hit.rows === vocab.length) {
    const meta = hit.meta as { corpus: PythonCorpusStats; training: Word2VecStats };
    return { dim: hit.dim, matrix: hit.matrix, found: hit.found, coverage: coverageOf(vocab, hit.found, SPECIAL_TOKENS), corpus: meta.corpus,
      training: meta.training, cached: true, seconds: (performance.now() - t0) / 1000 };
  }

  const vocabSet = new Set(vocab);
  const corpus = buildPythonCorpus({ trainCodes, vocab: vocabSet, bpe, stdlib, maxStdlibFiles, maxStdlibTokens });
  const model = trainWord2Vec(corpus.sequences, { ...w2v, onProgress, progressEvery });
  const dim = model.dim;
  const matrix = new Float32Array(vocab.length * dim);
  const row = new Map(model.words.map((w, i) => [w, i]));
  const found = vocab.map((t, i) => {
    const r = row.get(t);
    if (i === PAD || r === undefined) return false;
    matrix.set(model.vectors.subarray(r * dim, (r + 1) * dim), i * dim);
    return true;
  });
  let sq = 0, n = 0;
  found.forEach((f, i) => { if (f) for (let d = 0; d < dim; d++) { sq += matrix[i * dim + d] ** 2; n++; } });
  const std = (n ? Math.sqrt(sq / n) : 0.1) * (unseenScale ?? 0.25);
  const rng = new Rng((w2v.seed ?? 1) + 0x5eed);
  vocab.forEach((_, i) => { if (!found[i] && i !== PAD) for (let d = 0; d < dim; d++) matrix[i * dim + d] = rng.normal() * std; });
  if (useCache) writeMatrixCache(cfile, { dim, rows: vocab.length, matrix, found, meta: { corpus: corpus.stats, training: model.stats } });
  return { dim, matrix, found, coverage: coverageOf(vocab, found, SPECIAL_TOKENS), corpus: corpus.stats, training: model.stats, cached: false,
    seconds: (performance.now() - t0) / 1000 };
}

