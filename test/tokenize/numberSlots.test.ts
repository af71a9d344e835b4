// Number slots: numbers of the sentence become <numK> on both sides and come back in the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeEnglish } from '../../src/tokenize/english.js';
import { allSlotTokens, fillSlots, MAX_NUMBER_SLOTS, pairTokens, slotCode, slotSentence } from '../../src/tokenize/numberSlots.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { encodeCode } from '../../src/tokenize/subword.js';
import { modelTokensToCode } from '../../src/tokenize/codeText.js';
import { buildVocabularies } from '../../src/data/prepare.js';
import { SPECIAL_TOKENS, Vocab } from '../../src/tokenize/vocab.js';
import { Seq2SeqTransformer } from '../../src/model/transformer.js';
import { seedConfig } from '../../src/model/config.js';
import { Generator } from '../../src/decode/generator.js';

test('each distinct number of a sentence gets one slot, in order of first appearance', () => {
  const s = slotSentence(tokenizeEnglish('remove even numbers in [5,6,77,5] and add 2.5 to set1'));
  assert.deepEqual(s.numbers, ['5', '6', '77', '2.5']);
  assert.deepEqual(s.words, ['remove', 'even', 'numbers', 'in', '[', '<num0>', ',', '<num1>', ',', '<num2>', ',', '<num0>', ']', 'and', 'add', '<num3>', 'to', 'set1']);
});

test(`numbers past the ${MAX_NUMBER_SLOTS}th stay plain words`, () => {
  const words = Array.from({ length: MAX_NUMBER_SLOTS + 2 }, (_, i) => String(10 + i));
  const s = slotSentence(words);
  assert.equal(s.numbers.length, MAX_NUMBER_SLOTS);
  assert.equal(s.words[MAX_NUMBER_SLOTS - 1], `<num${MAX_NUMBER_SLOTS - 1}>`);
  assert.equal(s.words[MAX_NUMBER_SLOTS], String(10 + MAX_NUMBER_SLOTS));
});

test('only NUMBER tokens with the same text become slots in the code', () => {
  const tokens = slotCode(lexPython("x5 = [5, 50, 5.0]\ns = '5'\n"), ['5']);
  const values = tokens.map((t) => t.value);
  assert.deepEqual(values.filter((v) => v.startsWith('<num')), ['<num0>']);
  for (const kept of ['x5', '50', '5.0', "'5'"]) assert.ok(values.includes(kept), kept);
});

test('slotting a pair and filling the slots back gives the original code', () => {
  const code = 'li = [5, 6, 77, 45]\nli = [x for x in li if x % 2 != 0]\nprint(li)\n';
  const { words, code: tokens } = pairTokens('remove the even numbers in [5,6,77,45]', code, true);
  assert.ok(words.includes('<num2>'));
  const modelTokens = encodeCode(tokens, new Set(allSlotTokens()));
  assert.ok(modelTokens.includes('<num3>') && !modelTokens.includes('77'), modelTokens.join(' '));
  assert.equal(modelTokensToCode(fillSlots(modelTokens, ['5', '6', '77', '45'])), code);
  // Without slots the pair is read as before.
  assert.ok(!pairTokens('remove the even numbers in [5,6,77,45]', code, false).words.includes('<num0>'));
});

test('vocabularies of a slot model hold every slot token; others hold none', () => {
  const pair = { source: 'english-python' as const, line: 1, description: 'add 3 and 4', code: 'print(3 + 4)\n' };
  const train = [{ ...pair, id: 'a' }, { ...pair, id: 'b', line: 2 }];
  const slots = buildVocabularies(train, { minFreq: 2, numberSlots: true });
  for (const t of allSlotTokens()) assert.ok(slots.en.has(t) && slots.py.has(t), t);
  const plain = buildVocabularies(train, { minFreq: 2 });
  assert.ok(!plain.en.has('<num0>') && !plain.py.has('<num0>') && plain.py.has('3'));
});

test('a slot model only writes the slots its sentence fills, and they come out as the numbers', () => {
  const en = new Vocab([...SPECIAL_TOKENS, 'print', ...allSlotTokens()]);
  const py = new Vocab([...SPECIAL_TOKENS, 'print', '(', ')', '<nl>', ...allSlotTokens()]);
  const model = new Seq2SeqTransformer({ ...seedConfig(en.size, py.size), dModel: 16, heads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, maxLen: 16, numberSlots: true }, 1);
  model.training = false;
  // Make the highest slot by far the likeliest output, then <num0>, so an unguarded
  // decoder would write the slot the sentence does not fill.
  const bias = model.params.byName.get('decoder.output_projection.bias')!;
  bias.data.fill(0);
  bias.data[py.id(`<num${MAX_NUMBER_SLOTS - 1}>`)] = 50;
  bias.data[py.id('<num0>')] = 40;
  const generator = new Generator({ dir: 'memory', model, members: [model], srcVocab: en, tgtVocab: py, config: { format: 'en2py-model/1', model: model.config, parameters: 0 } });
  const g = generator.generate('print 42', { maxLen: 3 });
  assert.deepEqual(g.words, ['print', '<num0>']);
  assert.deepEqual(g.tokens, ['42', '42', '42']);
});
