// Ensembles: decoding and scoring average the members' probabilities, a model
// directory holds several members, and members that cannot be averaged are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Rng, noGrad, tidy } from '../../src/tensor/index.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { seedConfig, type ModelConfig } from '../../src/model/config.js';
import { logMeanProbabilities, writeEnsemble } from '../../src/model/ensemble.js';
import { loadModel, saveModel } from '../../src/model/bundle.js';
import { beamSearch, greedy } from '../../src/decode/search.js';
import { teacherForced } from '../../src/train/teacherForced.js';
import { SPECIAL_TOKENS, Vocab } from '../../src/tokenize/vocab.js';
import { UserError } from '../../src/errors.js';
import { CLI, tempDir } from '../helpers.js';

const en = new Vocab([...SPECIAL_TOKENS, 'add', 'two', 'numbers', 'print', 'sum']);
const py = new Vocab([...SPECIAL_TOKENS, 'x', 'y', '=', '+', 'print', '(', ')', '<nl>']);

function tinyModel(seed: number, over: Partial<ModelConfig> = {}): Seq2SeqTransformer {
  const m = new Seq2SeqTransformer({ ...seedConfig(en.size, py.size), dModel: 16, heads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, maxLen: 16, ...over }, seed);
  m.training = false;
  return m;
}

const src = Int32Array.from([4, 5, 6, 7]);

test('an ensemble of one model twice decodes exactly like the model', () => {
  for (const seed of [1, 2, 3]) {
    const m = tinyModel(seed);
    const single = greedy(m, src, { maxLen: 10 });
    const twice = greedy([m, m], src, { maxLen: 10 });
    assert.deepEqual(twice.ids, single.ids);
    assert.ok(Math.abs(twice.logProb - single.logProb) < 1e-4);
    assert.deepEqual(beamSearch([m, m], src, { beam: 3, maxLen: 10 }).map((h) => h.ids), beamSearch(m, src, { beam: 3, maxLen: 10 }).map((h) => h.ids));
  }
});

test('an ensemble scores the mean of its members\' probabilities, not of their logits', () => {
  const rng = new Rng(7);
  const a = Float32Array.from({ length: 12 }, () => rng.normal() * 3);
  const b = Float32Array.from({ length: 12 }, () => rng.normal() * 3);
  const softmax = (x: Float32Array, off: number) => {
    const e = Array.from(x.subarray(off, off + 6), Math.exp);
    const z = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / z);
  };
  const out = logMeanProbabilities([a, b], 6, 6, new Float64Array(6));
  const pa = softmax(a, 6), pb = softmax(b, 6);
  out.forEach((v, j) => assert.ok(Math.abs(v - Math.log((pa[j] + pb[j]) / 2)) < 1e-9, `token ${j}`));
  const one = logMeanProbabilities([a], 0, 6, new Float64Array(6));
  softmax(a, 0).forEach((p, j) => assert.ok(Math.abs(one[j] - Math.log(p)) < 1e-9));

  // The first greedy step of a real two-member ensemble picks the argmax of that mean.
  const m1 = tinyModel(1), m2 = tinyModel(2);
  const first = (models: Seq2SeqTransformer[]) => noGrad(() => tidy(() => models.map((m) => {
    const { memory, mask } = m.encode(src, 1, src.length);
    return m.decodeStep(m.startDecoding(memory, mask, 2), Int32Array.of(2)).logits.data.slice();
  })));
  const mean = logMeanProbabilities(first([m1, m2]), 0, py.size, new Float64Array(py.size));
  mean[0] = mean[1] = mean[2] = -Infinity; // <pad>, <unk>, <bos> are never emitted
  const best = mean.indexOf(Math.max(...mean));
  const g = greedy([m1, m2], src, { maxLen: 1 });
  assert.equal(g.ids.length ? g.ids[0] : 3, best);
});

test('teacher-forced scores of an ensemble of one model twice equal the model\'s', () => {
  const m = tinyModel(4);
  const examples = [{ id: 'a', src: Int32Array.of(4, 5), tgt: Int32Array.of(4, 6, 3) }, { id: 'b', src: Int32Array.of(6, 7, 8), tgt: Int32Array.of(5, 5, 9, 10, 3) }];
  const single = teacherForced(m, examples), twice = teacherForced([m, m], examples);
  assert.ok(Math.abs(single.loss - twice.loss) < 1e-5);
  assert.equal(single.correct, twice.correct);
});

function writeMember(dir: string, seed: number, opts: { splitSeed?: number; vocab?: Vocab; over?: Partial<ModelConfig> } = {}): string {
  mkdirSync(dir, { recursive: true });
  const tgt = opts.vocab ?? py;
  const m = new Seq2SeqTransformer({ ...seedConfig(en.size, tgt.size), dModel: 16, heads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, maxLen: 16, ...opts.over }, seed);
  saveModel(dir, m, en, tgt, { training: { bestEpoch: 3, spec: { data: { path: null, splitSeed: opts.splitSeed ?? 1, grouped: true, valid: 0.1, test: 0.1 }, train: { seed } } } });
  return dir;
}

test('ensemble directories: written, loaded with every member, exported to float16, and cleaned when a single model replaces them', (t) => {
  const dir = tempDir(t);
  const a = writeMember(path.join(dir, 'a'), 1), b = writeMember(path.join(dir, 'b'), 2);
  const out = path.join(dir, 'ens');
  const r = spawnSync(process.execPath, [CLI, 'ensemble', '--model', a, '--model', b, '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ensemble of 2 models/);
  const loaded = loadModel(out);
  assert.equal(loaded.members.length, 2);
  assert.deepEqual(loaded.members[1].params.byName.get('decoder.output_projection.bias')!.data, loadModel(b).model.params.byName.get('decoder.output_projection.bias')!.data);
  assert.deepEqual((loaded.config.training as { ensembleMembers: Array<{ from: string; seed: number }> }).ensembleMembers.map((m) => m.seed), [1, 2]);

  const exported = path.join(dir, 'exported');
  const e = spawnSync(process.execPath, [CLI, 'export', '--model', out, '--out', exported], { encoding: 'utf8' });
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /ensemble of 2/);
  assert.equal(loadModel(exported).members.length, 2);
  assert.match(readFileSync(path.join(exported, 'model.2.safetensors')).subarray(8, 400).toString('latin1'), /"dtype":"F16"/);
  const g = spawnSync(process.execPath, [CLI, 'generate', '--model', exported, '--json', 'add two numbers'], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);

  const again = spawnSync(process.execPath, [CLI, 'export', '--model', a, '--out', exported], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(existsSync(path.join(exported, 'model.2.safetensors')), false, 'a member of the old ensemble is not left behind');
  assert.equal(loadModel(exported).members.length, 1);
});

test('members that cannot be averaged are refused with the reason', (t) => {
  const dir = tempDir(t);
  const a = writeMember(path.join(dir, 'a'), 1);
  const otherVocab = writeMember(path.join(dir, 'v'), 2, { vocab: new Vocab([...SPECIAL_TOKENS, 'x', 'y', '=', '+', 'print', '(', ')', 'z']) });
  const otherSplit = writeMember(path.join(dir, 's'), 2, { splitSeed: 9 });
  const otherSlots = writeMember(path.join(dir, 'n'), 2, { over: { numberSlots: true } });
  const out = path.join(dir, 'out');
  assert.throws(() => writeEnsemble([a], out), (e) => e instanceof UserError && /two or more/.test(e.message));
  assert.throws(() => writeEnsemble([a, otherVocab], out), (e) => e instanceof UserError && /vocab\.py\.json differs/.test(e.message));
  assert.throws(() => writeEnsemble([a, otherSplit], out), (e) => e instanceof UserError && /another data split/.test(e.message));
  assert.throws(() => writeEnsemble([a, otherSlots], out), (e) => e instanceof UserError && /number slots/.test(e.message));
  assert.equal(existsSync(out), false, 'nothing written');
});

test('members of different sizes: each keeps its own config, and the directory decodes like the members in memory', (t) => {
  const dir = tempDir(t);
  const small = writeMember(path.join(dir, 'small'), 1);
  const wide = writeMember(path.join(dir, 'wide'), 2, { over: { dModel: 24, ffDim: 48, heads: 4 } });
  const out = path.join(dir, 'ens');
  writeEnsemble([small, wide], out);
  const loaded = loadModel(out);
  assert.deepEqual(loaded.members.map((m) => m.config.dModel), [16, 24]);
  assert.deepEqual(loaded.config.ensemble?.models?.map((c) => c.ffDim), [48]);
  const inMemory = [loadModel(small).model, loadModel(wide).model];
  assert.deepEqual(greedy(loaded.members, src, { maxLen: 10 }).ids, greedy(inMemory, src, { maxLen: 10 }).ids);
  assert.deepEqual(beamSearch(loaded.members, src, { beam: 3, maxLen: 10 }).map((h) => h.ids), beamSearch(inMemory, src, { beam: 3, maxLen: 10 }).map((h) => h.ids));

  const sizes = inMemory.map((m) => m.parameterCount().toLocaleString('en-US'));
  const info = spawnSync(process.execPath, [CLI, 'info', '--model', out], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, new RegExp(`an ensemble of 2 models \\(${sizes[0]} \\+ ${sizes[1]} parameters\\)`));
  assert.match(info.stdout, /model\.2\.safetensors:\n[^]*\[24, 24\]/, 'the second member\'s shapes are listed');

  const exported = path.join(dir, 'exported');
  const e = spawnSync(process.execPath, [CLI, 'export', '--model', out, '--out', exported, '--retrain', 'en2py ensemble …'], { encoding: 'utf8' });
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, new RegExp(`an ensemble of 2 models \\(${sizes[0]} \\+ ${sizes[1]} parameters\\)`));
  assert.deepEqual(loadModel(exported).members.map((m) => m.config.dModel), [16, 24]);
  const card = readFileSync(path.join(exported, 'README.md'), 'utf8');
  assert.match(card, new RegExp(`An ensemble of 2 models \\(${sizes[0]} \\+ ${sizes[1]} parameters\\)`));
  assert.match(card, /member 2: d_model 24, 1\+1 layers, 4 heads, feed-forward 48/);
});

test('a model directory whose ensemble configs disagree with its vocabularies is refused', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'ens');
  writeEnsemble([writeMember(path.join(dir, 'a'), 1), writeMember(path.join(dir, 'b'), 2)], out);
  const file = path.join(out, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.ensemble.models[0].tgtVocab += 1;
  writeFileSync(file, JSON.stringify(config));
  assert.throws(() => loadModel(out), (e) => e instanceof UserError && /ensemble\.models\[0\] differs from model in its vocabularies/.test(e.message));
  config.ensemble.models = [];
  writeFileSync(file, JSON.stringify(config));
  assert.throws(() => loadModel(out), (e) => e instanceof UserError && /one config in models for each file/.test(e.message));
});
