// The Generator's beam output: the beams best first, then the greedy output as the
// parse rerank's last resort when no beam equals it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/decode/generator.js';
import { beamSearch, greedy } from '../../src/decode/search.js';
import { seedConfig } from '../../src/model/config.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { SPECIAL_TOKENS, Vocab } from '../../src/tokenize/vocab.js';

const words = ['add', 'two', 'numbers', 'print', 'list', 'sum'];
const code = ['x', 'y', '=', '+', 'print', '(', ')', '<nl>', '1', '2'];

test('beam generation lists the greedy output last unless a beam already is it', () => {
  const en = new Vocab([...SPECIAL_TOKENS, ...words]);
  const py = new Vocab([...SPECIAL_TOKENS, ...code]);
  let appended = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const model = new Seq2SeqTransformer({ ...seedConfig(en.size, py.size), dModel: 16, heads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, maxLen: 12 }, seed);
    model.training = false;
    const generator = new Generator({ dir: 'memory', model, members: [model], srcVocab: en, tgtVocab: py, config: { format: 'en2py-model/1', model: model.config, parameters: 0 } });
    const sentence = 'add two numbers and print the sum';
    const opts = { beam: 3, maxLen: 8, lengthPenalty: 2 };
    const g = generator.generate(sentence, opts);
    const { ids } = generator.encode(sentence);
    const beams = beamSearch(model, ids, { beam: 3, maxLen: 8, lengthPenalty: 2 }).map((h) => generator.toCode(h).code);
    const greedyCode = generator.toCode(greedy(model, ids, { maxLen: 8 })).code;
    const all = [g.code, ...g.alternatives];
    assert.deepEqual(all.slice(0, beams.length), beams, `seed ${seed}: the beams come first, best first`);
    if (beams.includes(greedyCode)) assert.equal(all.length, beams.length, `seed ${seed}: greedy equals a beam, not listed twice`);
    else {
      assert.equal(all[all.length - 1], greedyCode, `seed ${seed}: greedy last`);
      appended++;
    }
  }
  assert.ok(appended > 0, 'some seed gives a greedy output no beam has (else this test checks nothing)');
});
