// The sentence contrast of the Stepper (context-aware decoding): over its first `tokens` steps the scores are
// (1 + λ) log p(· | sentence) − λ log p(· | no sentence), computed from two plain Steppers, also after
// beam reordering; afterwards they are the plain scores; and it changes what greedy decoding writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSoftmaxRow } from '../../src/decode/logits.js';
import { greedy } from '../../src/decode/search.js';
import { Stepper } from '../../src/decode/stepper.js';
import { seedConfig } from '../../src/model/config.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { noGrad, tidy } from '../../src/tensor/index.js';
import { BOS, UNK } from '../../src/tokenize/vocab.js';

const V = 14;
const tiny = (seed: number) => {
  const m = new Seq2SeqTransformer({ ...seedConfig(10, V), dModel: 16, heads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, maxLen: 16 }, seed);
  m.training = false;
  return m;
};
const src = Int32Array.from([4, 5, 6, 7]);

test('the sentence contrast scores the first tokens as (1 + λ) log p(· | sentence) − λ log p(· | no sentence), then plainly', () => {
  const model = tiny(3);
  const λ = 0.7;
  const rows = 2;
  noGrad(() => tidy(() => {
    const contrasted = new Stepper(model, src, rows, 8, { weight: λ, tokens: 3 });
    const withSentence = new Stepper(model, src, rows, 8);
    const without = new Stepper(model, Int32Array.of(UNK), rows, 8);
    const feeds = [Int32Array.of(BOS, BOS), Int32Array.of(8, 9), Int32Array.of(10, 8), Int32Array.of(9, 9), Int32Array.of(11, 12)];
    feeds.forEach((tokens, step) => {
      if (step === 2) for (const s of [contrasted, withSentence, without]) s.reorder([1, 1]); // a beam step keeps row 1 twice
      const c = contrasted.step(tokens).scores.slice();
      const a = withSentence.step(tokens).scores.slice();
      const b = without.step(tokens).scores.slice();
      for (let r = 0; r < rows; r++) {
        const la = logSoftmaxRow(a, r, V);
        const lb = logSoftmaxRow(b, r, V);
        for (let j = 0; j < V; j++) {
          const want = step < 3 ? (1 + λ) * la[j] - λ * lb[j] : a[r * V + j];
          assert.ok(Math.abs(c[r * V + j] - want) < 1e-4, `step ${step}, row ${r}, token ${j}: ${c[r * V + j]} vs ${want}`);
        }
      }
    });
  }));
});

test('a sentence contrast changes what greedy decoding writes for some model, and none without weight', () => {
  let changed = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const model = tiny(seed);
    const plain = greedy(model, src, { maxLen: 10 }).ids;
    assert.deepEqual(greedy(model, src, { maxLen: 10, contrast: undefined }).ids, plain);
    if (greedy(model, src, { maxLen: 10, contrast: { weight: 2, tokens: 10 } }).ids.join() !== plain.join()) changed++;
  }
  assert.ok(changed > 0, 'the contrast never changed an output: it is not applied');
});
