// Starting from pretrained embeddings (E2, E3): covered rows are copied at the
// model's own scale, frozen embeddings keep those values through training, and
// fine-tuned ones move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readSafetensors } from '../../src/model/safetensors.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { seedConfig } from '../../src/model/config.js';
import { copyRows, freezeAndListTrainable, type EmbeddingInit } from '../../src/train/embeddingInit.js';
import { prepareData } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { train } from '../../src/train/trainer.js';
import { tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from './fixtures.js';

function std(values: ArrayLike<number>): number {
  let s = 0, q = 0;
  for (let i = 0; i < values.length; i++) { s += values[i]; q += values[i] ** 2; }
  return Math.sqrt(q / values.length - (s / values.length) ** 2);
}

test('covered rows are copied rescaled to the initialisation spread; the others keep their random values', () => {
  const model = new Seq2SeqTransformer(seedConfig(50, 40), 3);
  const weight = model.tgtEmbed.weight;
  const before = weight.data.slice();
  const dim = weight.shape[1];
  const matrix = new Float32Array(40 * dim).map((_, i) => Math.sin(i) * 5); // vectors 5x larger than the init
  const found = Array.from({ length: 40 }, (_, i) => i % 2 === 0);
  copyRows(weight, { matrix, dim, found }, 'decoder.embed_tokens.weight');
  const factor = weight.data[1] / matrix[1]; // matrix[0] is sin(0) = 0
  for (let i = 0; i < 40; i++) {
    for (let d = 0; d < dim; d += 37) {
      const k = i * dim + d;
      if (found[i]) assert.ok(Math.abs(weight.data[k] - matrix[k] * factor) < 1e-6, `row ${i} is the vector, rescaled`);
      else assert.equal(weight.data[k], before[k], `row ${i} untouched`);
    }
  }
  const copied = Float32Array.from({ length: 20 * dim }, (_, j) => weight.data[Math.floor(j / dim) * 2 * dim + (j % dim)]);
  assert.ok(Math.abs(std(copied) / std(before) - 1) < 0.05, `spread ${std(copied)} vs init ${std(before)}`);
  assert.throws(() => copyRows(weight, { matrix, dim: dim - 1, found }, 'x'), /pretrained rows are 40 × 255/);
});

test('frozen embeddings keep their pretrained values through training; fine-tuned ones change', async (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  for (const freeze of [true, false]) {
    const specFile = writeTinySpec(dir, data, { epochs: 1 });
    const spec = readSpecFile(specFile);
    spec.embeddings = { target: { vectors: 'word2vec', freeze, epochs: 1, window: 2, negative: 2, stdlibTokens: 0 } };
    const out = path.join(dir, `run-${freeze}`);
    const prepared = await prepareData(spec, out, { resume: false });
    const dim = spec.model.dModel!;
    const rows = prepared.tgtVocab.size;
    const init: EmbeddingInit = {
      target: { matrix: Float32Array.from({ length: rows * dim }, (_, i) => Math.cos(i)), dim, found: new Array(rows).fill(true) },
      summary: {},
    };
    const probe = new Seq2SeqTransformer({ ...seedConfig(prepared.srcVocab.size, rows), ...spec.model }, spec.train.seed);
    const trainable = freezeAndListTrainable(probe, spec);
    assert.equal(trainable.includes(probe.tgtEmbed.weight), !freeze);
    assert.equal(probe.tgtEmbed.weight.requiresGrad, !freeze);
    copyRows(probe.tgtEmbed.weight, init.target!, 'decoder.embed_tokens.weight');
    const initial = probe.tgtEmbed.weight.data.slice();

    train(spec, out, prepared, { resume: false, init, log: () => {} });
    const saved = readSafetensors(path.join(out, 'checkpoint.safetensors')).tensors;
    const after = saved.get('decoder.embed_tokens.weight')!.data;
    if (freeze) {
      assert.deepEqual(after, initial, 'frozen: exactly the pretrained rows');
      assert.ok(!saved.has('optimizer.m.decoder.embed_tokens.weight'), 'no optimizer state for a frozen matrix');
    } else {
      assert.notDeepEqual(after, initial, 'fine-tuned: moved');
      assert.ok(saved.has('optimizer.m.decoder.embed_tokens.weight'));
    }
    assert.ok(saved.has('optimizer.m.decoder.output_projection.weight'), 'the rest is trained');
  }
});
