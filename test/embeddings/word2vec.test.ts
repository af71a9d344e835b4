import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { keepProbability, nearestNeighbours, noiseTable, rowCosine, trainWord2Vec } from '../../src/embeddings/word2vec.js';

/** Two families of words, each only ever seen between its own family of context words. */
function syntheticCorpus(seed: number): { sentences: string[][]; A: string[]; B: string[] } {
  const r = new Rng(seed);
  const A = ['cat', 'dog', 'cow'], B = ['red', 'blue', 'green'];
  const CA = ['feeds', 'pets', 'walks'], CB = ['paints', 'colours', 'dyes'];
  const sentences: string[][] = [];
  for (let i = 0; i < 600; i++) {
    sentences.push(r.next() < 0.5 ? [CA[r.int(3)], 'the', A[r.int(3)], CA[r.int(3)]] : [CB[r.int(3)], 'it', B[r.int(3)], CB[r.int(3)]]);
  }
  return { sentences, A, B };
}

test('skip-gram puts tokens that share contexts closer than unrelated ones (clear margin, several seeds)', () => {
  for (const seed of [1, 2, 3]) {
    const { sentences, A, B } = syntheticCorpus(100 + seed);
    const m = trainWord2Vec(sentences, { dim: 20, epochs: 10, window: 2, seed, subsample: 0 });
    const cos = (a: string, b: string) => rowCosine(m.vectors, m.dim, m.words.indexOf(a), m.words.indexOf(b));
    const within: number[] = [], across: number[] = [];
    for (const g of [A, B]) for (const x of g) for (const y of g) if (x < y) within.push(cos(x, y));
    for (const x of A) for (const y of B) across.push(cos(x, y));
    assert.ok(Math.min(...within) > Math.max(...across) + 0.4, `seed ${seed}: within ${Math.min(...within)}, across ${Math.max(...across)}`);
    assert.equal(m.stats.tokens, 2400);
    assert.equal(m.stats.types, 14);
    assert.ok(m.stats.pairs > 0 && m.stats.tokensPerSecond > 0);
  }
});

test('word2vec is deterministic for a seed and reports progress with a decaying learning rate', () => {
  const { sentences } = syntheticCorpus(5);
  const seen: number[] = [];
  const a = trainWord2Vec(sentences, { dim: 8, epochs: 2, seed: 4, progressEvery: 500, onProgress: (p) => seen.push(p.lr) });
  const b = trainWord2Vec(sentences, { dim: 8, epochs: 2, seed: 4 });
  assert.deepEqual(Array.from(a.vectors), Array.from(b.vectors));
  const c = trainWord2Vec(sentences, { dim: 8, epochs: 2, seed: 5 });
  assert.notDeepEqual(Array.from(a.vectors), Array.from(c.vectors));
  assert.ok(seen.length >= 3, `${seen.length} progress calls`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] <= seen[i - 1]);
  assert.ok(seen[seen.length - 1] < 0.001 && seen[0] <= 0.025);
  // Subsampling drops some of the (very frequent) tokens of this corpus.
  assert.ok(a.stats.trainedTokens < 2 * a.stats.tokens, `${a.stats.trainedTokens} of ${2 * a.stats.tokens}`);
});

test('noise table follows count^0.75; subsampling keeps rare tokens and thins frequent ones', () => {
  const table = noiseTable([16, 1], 90_000);
  const share0 = table.filter((w) => w === 0).length / table.length;
  assert.ok(Math.abs(share0 - 8 / 9) < 1e-3, `share ${share0}`);
  assert.ok(keepProbability(1, 1_000_000, 1e-3) >= 1);
  assert.ok(Math.abs(keepProbability(100, 1000, 1e-3) - (Math.sqrt(100) + 1) * 0.01) < 1e-12);
  assert.equal(keepProbability(999, 1000, 0), 1);
});

test('nearestNeighbours: by cosine, best first, without the token itself or zero rows; [] for an unknown token', () => {
  const vocab = ['<pad>', 'a', 'b', 'c', 'd'];
  const m = Float32Array.from([0, 0, 1, 0, 0.9, 0.1, -1, 0, 0, 1]);
  const ns = nearestNeighbours(m, vocab, 'a', 10);
  assert.deepEqual(ns.map((n) => n.token), ['b', 'd', 'c']);
  assert.ok(ns.every((n) => n.cosine >= -1 && n.cosine <= 1));
  assert.ok(Math.abs(ns[2].cosine - -1) < 1e-6);
  assert.deepEqual(nearestNeighbours(m, vocab, 'a', 1).map((n) => n.token), ['b']);
  assert.deepEqual(nearestNeighbours(m, vocab, 'zzz', 3), []);
});
