// Incremental decoding: the cached decoder gives the same logits as the full
// teacher-forced decoder, beam 1 equals greedy, sampling repeats by seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad, tidy, Rng } from '../../src/tensor/index.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { seedConfig, type ModelConfig } from '../../src/model/config.js';
import { beamSearch, greedy, sample } from '../../src/decode/search.js';
import { SyntaxGuard } from '../../src/decode/syntaxGuard.js';
import { cycleBlockedTokens } from '../../src/decode/repetition.js';

const V_SRC = 30;
const V_TGT = 40;

function tinyModel(over: Partial<ModelConfig> = {}, seed = 3): Seq2SeqTransformer {
  const m = new Seq2SeqTransformer({ ...seedConfig(V_SRC, V_TGT), dModel: 32, heads: 4, ffDim: 64, encoderLayers: 2, decoderLayers: 2, maxLen: 40, ...over }, seed);
  m.training = false;
  return m;
}

for (const norm of ['post', 'pre'] as const) {
  test(`cached decoding gives the same logits as the uncached decoder (${norm}-norm)`, () => {
    const model = tinyModel({ norm });
    const rng = new Rng(5);
    const B = 2, S = 5, T = 7;
    const src = Int32Array.from({ length: B * S }, () => 4 + rng.int(V_SRC - 4));
    src[S * 2 - 1] = 0; // padding in the second sentence
    const tgt = Int32Array.from({ length: B * T }, () => 4 + rng.int(V_TGT - 4));
    noGrad(() => tidy(() => {
      const { memory, mask } = model.encode(src, B, S);
      const full = model.decode(tgt, B, T, memory, mask).data;
      const state = model.startDecoding(memory, mask, T);
      for (let t = 0; t < T; t++) {
        const step = model.decodeStep(state, Int32Array.from({ length: B }, (_, b) => tgt[b * T + t])).logits.data;
        for (let b = 0; b < B; b++) {
          for (let v = 0; v < V_TGT; v++) {
            const a = step[b * V_TGT + v];
            const e = full[(b * T + t) * V_TGT + v];
            assert.ok(Math.abs(a - e) < 1e-4, `b ${b} t ${t} v ${v}: cached ${a} vs full ${e}`);
          }
        }
      }
    }));
  });
}

test('beam search with beam 1 returns the greedy sequence; wider beams score at least as well', () => {
  const model = tinyModel();
  for (let s = 0; s < 5; s++) {
    const rng = new Rng(100 + s);
    const src = Int32Array.from({ length: 6 }, () => 4 + rng.int(V_SRC - 4));
    const g = greedy(model, src, { maxLen: 20 });
    const b1 = beamSearch(model, src, { beam: 1, maxLen: 20, lengthPenalty: 0 });
    assert.deepEqual(b1[0].ids, g.ids);
    assert.ok(Math.abs(b1[0].logProb - g.logProb) < 1e-6);
    const b4 = beamSearch(model, src, { beam: 4, maxLen: 20, lengthPenalty: 0 });
    assert.ok(b4[0].logProb >= g.logProb - 1e-6, `beam 4 ${b4[0].logProb} < greedy ${g.logProb}`);
    for (let i = 1; i < b4.length; i++) assert.ok(b4[i - 1].score >= b4[i].score);
    assert.ok(!g.ids.includes(1), 'never <unk>');
  }
});

test('sampling repeats for a seed, top-k 1 is greedy, and outputs stop at maxLen', () => {
  const model = tinyModel();
  const src = Int32Array.of(5, 6, 7, 8);
  const a = sample(model, src, { samples: 3, seed: 9, maxLen: 15 });
  const b = sample(model, src, { samples: 3, seed: 9, maxLen: 15 });
  assert.deepEqual(a.map((h) => h.ids), b.map((h) => h.ids));
  const k1 = sample(model, src, { samples: 2, topK: 1, seed: 4, maxLen: 15 });
  const g = greedy(model, src, { maxLen: 15 });
  for (const h of k1) assert.deepEqual(h.ids, g.ids);
  for (const h of a) assert.ok(h.ids.length <= 15);
});

test('greedy can return the cross-attention of each output token over the source', () => {
  const model = tinyModel();
  const src = Int32Array.of(5, 6, 7);
  const g = greedy(model, src, { maxLen: 10, attention: true });
  assert.equal(g.attention!.length, g.ids.length + (g.finished ? 1 : 0));
  for (const row of g.attention!) {
    assert.equal(row.length, 3);
    assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-4);
  }
});

test('with the syntax guard, every strategy emits only what the guard allows; the repetition limit holds', () => {
  // 40 target tokens: specials, structure, brackets, string pieces and names, so an untrained model wanders among them.
  const tokens = ['<pad>', '<unk>', '<bos>', '<eos>', '<nl>', '<indent>', '<dedent>', '(', ')', '[', ']', '{', '}', ':', "'", "##'", '##a', '##b', 'x', 'y', 'def', 'return', '=', '+', ',', 'if', 'for', 'in', '1', '2', 'print', 'len', '.', '*', '-', '##c', 'z', 'while', 'else', 'pass'];
  assert.equal(tokens.length, V_TGT);
  const guard = new SyntaxGuard(tokens);
  const rng = new Rng(11);
  for (let trial = 0; trial < 6; trial++) {
    const model = tinyModel({}, 20 + trial);
    const src = Int32Array.from({ length: 6 }, () => 4 + rng.int(V_SRC - 4));
    const outputs = [
      greedy(model, src, { guard, maxRepeats: 3, maxLen: 30 }).ids,
      ...beamSearch(model, src, { guard, maxRepeats: 3, maxLen: 30, beam: 3 }).map((h) => h.ids),
      ...sample(model, src, { guard, maxRepeats: 3, maxLen: 30, samples: 3, seed: trial }).map((h) => h.ids),
    ];
    for (const ids of outputs) {
      let s = guard.start();
      ids.forEach((id, i) => {
        assert.ok(guard.allows(s, id, 30 - i), `trial ${trial}: ${ids.map((j) => tokens[j]).join(' ')}: ${tokens[id]} at ${i}`);
        s = guard.advance(s, id);
      });
      assert.equal(s.brackets, '', `closed brackets: ${ids.map((j) => tokens[j]).join(' ')}`);
      assert.equal(s.quote, '', 'closed strings');
    }
    // The repetition limit alone (with the guard, the guard's demands win over it).
    const plain = [greedy(model, src, { maxRepeats: 2, maxLen: 30 }).ids, ...beamSearch(model, src, { maxRepeats: 2, maxLen: 30, beam: 3 }).map((h) => h.ids)];
    for (const ids of plain) {
      ids.forEach((id, i) => assert.ok(!cycleBlockedTokens(ids.slice(0, i), 2).includes(id), `a cycle repeated a third time: ${ids.slice(0, i + 1).map((j) => tokens[j]).join(' ')}`));
    }
  }
});

test('reorder: each row continues as its parent row, so decoding on gives the parent sequence\'s logits', () => {
  const model = tinyModel();
  const rng = new Rng(8);
  const B = 3, S = 4, T = 6;
  const src = Int32Array.from({ length: B * S }, () => 4 + rng.int(V_SRC - 4));
  const tgt = Int32Array.from({ length: B * T }, () => 4 + rng.int(V_TGT - 4));
  const parents = [2, 0, 0]; // row 0 takes row 2's past, rows 1 and 2 take row 0's
  noGrad(() => tidy(() => {
    const { memory, mask } = model.encode(src, B, S);
    const full = model.decode(tgt, B, T, memory, mask).data;
    const state = model.startDecoding(memory, mask, T + 1);
    for (let t = 0; t < 3; t++) model.decodeStep(state, Int32Array.from({ length: B }, (_, b) => tgt[b * T + t]));
    Seq2SeqTransformer.reorder(state, parents);
    // After the reorder, row b feeds row parents[b]'s next tokens and must see that row's source and past.
    for (let t = 3; t < T; t++) {
      const step = model.decodeStep(state, Int32Array.from({ length: B }, (_, b) => tgt[parents[b] * T + t])).logits.data;
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V_TGT; v++) {
          const a = step[b * V_TGT + v];
          const e = full[(parents[b] * T + t) * V_TGT + v];
          assert.ok(Math.abs(a - e) < 1e-4, `row ${b} (parent ${parents[b]}) t ${t} v ${v}: ${a} vs ${e}`);
        }
      }
    }
  }));
});
