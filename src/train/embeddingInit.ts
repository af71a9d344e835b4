/**
 * Starting a model from pretrained token embeddings (experiments E2 and E3):
 * GloVe rows for the English vocabulary, skip-gram rows trained on Python for
 * the code vocabulary. The vectors are loaded (or trained) once per run, before
 * the first step; a resumed run takes its weights from the checkpoint instead.
 */
import type { CleanPair } from '../data/clean.js';
import { loadPretrainedRows, type Coverage } from '../embeddings/pretrained.js';
import { trainPythonEmbeddings } from '../embeddings/pythonEmbeddings.js';
import { nearestNeighbours, type Neighbour } from '../embeddings/word2vec.js';
import type { Seq2SeqTransformer } from '../model/transformer.js';
import type { Tensor } from '../tensor/index.js';
import type { Vocab } from '../tokenize/vocab.js';
import type { RunSpec } from './spec.js';
import { weightsChanged } from '../tensor/precision.js';

/** Rows aligned with a vocabulary, and which of them the vectors covered. */
export interface EmbeddingRows {
  matrix: Float32Array;
  dim: number;
  found: boolean[];
}

/** What was loaded, for the run's record (embeddings.json) and the experiment report. */
export interface EmbeddingInitSummary {
  source?: { vectors: 'glove'; freeze: boolean; file: string; coverage: Coverage; missingExamples: string[]; seconds: number };
  target?: {
    vectors: 'word2vec'; freeze: boolean; coverage: Coverage; corpus: object; training: object; seconds: number;
    neighbours: Record<string, Neighbour[]>;
  };
}

export interface EmbeddingInit {
  source?: EmbeddingRows;
  target?: EmbeddingRows;
  summary: EmbeddingInitSummary;
}

/** Tokens whose nearest neighbours show whether the Python vectors learned anything (issue 6). */
export const NEIGHBOUR_PROBES = ['def', 'append', 'range', ':'];

export function loadEmbeddingInit(
  spec: RunSpec,
  vocabs: { src: Vocab; tgt: Vocab },
  trainPairs: readonly CleanPair[],
  log: (line: string) => void,
): EmbeddingInit {
  const init: EmbeddingInit = { summary: {} };
  const { source, target } = spec.embeddings;
  if (source) {
    log(`embeddings: GloVe rows for ${vocabs.src.size} English tokens (streamed once from the package, then cached)`);
    const r = loadPretrainedRows(vocabs.src.tokens);
    init.source = { matrix: r.matrix, dim: r.dim, found: r.found };
    init.summary.source = { vectors: 'glove', freeze: source.freeze, file: r.file, coverage: r.coverage, missingExamples: r.missing.slice(0, 40), seconds: r.seconds };
    log(`embeddings: GloVe covers ${r.coverage.found} of ${r.coverage.tokens} English tokens (${(100 * r.coverage.share).toFixed(1)}%)${r.cached ? ', from the cache' : ''}`);
  }
  if (target) {
    const dModel = spec.model.dModel ?? 256;
    log(`embeddings: training ${dModel}-d skip-gram vectors for ${vocabs.tgt.size} Python tokens (training code + standard library, cached)`);
    let lastLog = 0;
    const r = trainPythonEmbeddings({
      vocab: vocabs.tgt.tokens, trainCodes: trainPairs.map((p) => p.code), dim: dModel, epochs: target.epochs, window: target.window,
      negative: target.negative, seed: spec.train.seed, stdlib: target.stdlibTokens === 0 ? false : undefined, maxStdlibTokens: target.stdlibTokens || undefined,
      onProgress: (p) => {
        if (p.seconds - lastLog < 10) return;
        lastLog = p.seconds;
        log(`word2vec epoch ${p.epoch}/${p.epochs}: ${(100 * p.processed / p.total).toFixed(0)}%, ${p.seconds.toFixed(0)} s`);
      },
    });
    init.target = { matrix: r.matrix, dim: r.dim, found: r.found };
    const neighbours: Record<string, Neighbour[]> = {};
    for (const tok of NEIGHBOUR_PROBES) if (vocabs.tgt.has(tok)) neighbours[tok] = nearestNeighbours(r.matrix, vocabs.tgt.tokens, tok, 8);
    init.summary.target = { vectors: 'word2vec', freeze: target.freeze, coverage: r.coverage, corpus: r.corpus, training: r.training, seconds: r.seconds, neighbours };
    log(`embeddings: skip-gram rows for ${r.coverage.found} of ${r.coverage.tokens} Python tokens (${(100 * r.coverage.share).toFixed(1)}%) in ${r.seconds.toFixed(0)} s`);
  }
  return init;
}

/**
 * Copy the covered rows into an embedding matrix, rescaled so their spread
 * matches the matrix's own random initialisation: the model multiplies token
 * embeddings by sqrt(dModel), and vectors several times larger (GloVe
 * components have std ≈ 0.4) would drown the position embeddings. Rows the
 * vectors do not cover keep their random initialisation.
 */
export function copyRows(weight: Tensor, rows: EmbeddingRows, name: string): void {
  const [vocab, dim] = weight.shape;
  if (rows.dim !== dim || rows.found.length !== vocab) {
    throw new Error(`${name}: pretrained rows are ${rows.found.length} × ${rows.dim}, the embedding is ${vocab} × ${dim}`);
  }
  const std = (values: Iterable<number>) => {
    let n = 0, sum = 0, sq = 0;
    for (const v of values) { n++; sum += v; sq += v * v; }
    return n ? Math.sqrt(Math.max(sq / n - (sum / n) ** 2, 0)) : 0;
  };
  function* covered(data: Float32Array) {
    for (let i = 0; i < vocab; i++) if (rows.found[i]) for (let d = 0; d < dim; d++) yield data[i * dim + d];
  }
  const target = std(weight.data);
  const have = std(covered(rows.matrix));
  const factor = have > 0 ? target / have : 1;
  for (let i = 0; i < vocab; i++) {
    if (!rows.found[i]) continue;
    for (let d = 0; d < dim; d++) weight.data[i * dim + d] = rows.matrix[i * dim + d] * factor;
  }
  weightsChanged(); // a bf16 copy of the old rows (output projection tied to them) is stale
}

export function applyEmbeddingInit(model: Seq2SeqTransformer, init: EmbeddingInit): void {
  if (init.source) copyRows(model.srcEmbed.weight, init.source, 'encoder.embed_tokens.weight');
  if (init.target) copyRows(model.tgtEmbed.weight, init.target, 'decoder.embed_tokens.weight');
}

/**
 * Freeze the embeddings the spec asks to (no gradient is computed for them) and
 * return the parameters the optimiser updates: all the others.
 */
export function freezeAndListTrainable(model: Seq2SeqTransformer, spec: RunSpec): Tensor[] {
  const frozen = new Set<Tensor>();
  if (spec.embeddings.source?.freeze) frozen.add(model.srcEmbed.weight);
  if (spec.embeddings.target?.freeze) frozen.add(model.tgtEmbed.weight);
  for (const p of frozen) p.requiresGrad = false;
  return model.params.list().filter((p) => !frozen.has(p));
}
