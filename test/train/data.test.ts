import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVocabularies } from '../../src/data/prepare.js';
import { collate, dropDecoderInputs, encodePairs } from '../../src/train/data.js';
import { Rng } from '../../src/tensor/random.js';
import { codeVocabBase, decodeCode } from '../../src/tokenize/subword.js';
import { BOS, EOS, PAD, SPECIAL_TOKENS, UNK } from '../../src/tokenize/vocab.js';
import type { CleanPair } from '../../src/data/clean.js';

const pair = (id: string, description: string, code: string): CleanPair => ({ id, description, code }) as CleanPair;

// Many distinct identifiers, each seen twice, so minFreq 2 alone would keep them all.
const word = (i: number) => 'w' + [...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
const train: CleanPair[] = [];
for (let i = 0; i < 700; i++) {
  for (const copy of [0, 1]) train.push(pair(`p${i}-${copy}`, `add ${word(i)} to the total`, `total_${i} = total_${i} + value_${i}\n`));
}

test('data.maxVocab caps both vocabularies, keeps specials and the ASCII fallbacks, and rare code still encodes without <unk>', () => {
  const free = buildVocabularies(train, { minFreq: 2 });
  assert.ok(free.en.size > 512 && free.py.size > 512, `${free.en.size} ${free.py.size}`);
  const capped = buildVocabularies(train, { minFreq: 2, maxVocab: 512 });
  assert.equal(capped.en.size, 512);
  assert.equal(capped.py.size, 512);
  assert.deepEqual(capped.py.tokens.slice(0, 4), [...SPECIAL_TOKENS]);
  for (const t of codeVocabBase()) assert.ok(capped.py.has(t), t);
  // The most frequent words stay: "total" is in every pair.
  assert.ok(capped.en.has('total') && capped.py.has('='));
  // An identifier the capped vocabulary lacks is spelled in pieces and comes back exactly.
  const { examples, stats } = encodePairs([pair('x', `add ${word(299)} to the total`, 'total_299 = total_299 + value_299\n')], capped.en, capped.py, 64, 256);
  assert.equal(stats.unkTgt, 0);
  const pieces = capped.py.decode([...examples[0].tgt.subarray(0, examples[0].tgt.length - 1)]);
  assert.ok(pieces.length > 6, 'rare names are cut into pieces');
  assert.deepEqual(decodeCode(pieces).map((t) => t.value).filter(Boolean), ['total_299', '=', 'total_299', '+', 'value_299']);
});

test('longTargets "skip" leaves long training code out instead of cutting it; the default cuts and ends with EOS', () => {
  const { en, py } = buildVocabularies(train, { minFreq: 1 });
  const long = pair('long', 'sum many values', Array.from({ length: 40 }, (_, i) => `total_${i} = ${i}`).join('\n') + '\n');
  const pairs = [train[0], long, train[1]];
  const cut = encodePairs(pairs, en, py, 64, 32);
  assert.equal(cut.examples.length, 3);
  assert.equal(cut.stats.truncatedTgt, 1);
  assert.equal(cut.examples[1].tgt.length, 32);
  assert.equal(cut.examples[1].tgt[31], EOS);
  const skipped = encodePairs(pairs, en, py, 64, 32, { skipLong: true });
  assert.deepEqual(skipped.examples.map((e) => e.id), [train[0].id, train[1].id]);
  assert.equal(skipped.stats.skippedLong, 1);
  assert.equal(skipped.stats.truncatedTgt, 0);
  assert.equal(skipped.stats.examples, 2);
});

test('dropDecoderInputs hides about p of the decoder inputs behind <unk>, never BOS or padding, keeps the targets, and repeats with the seed', () => {
  const examples = Array.from({ length: 40 }, (_, i) => ({ id: `e${i}`, src: Int32Array.from([5, 6]), tgt: Int32Array.from([...Array.from({ length: 10 + (i % 30) }, (_, k) => 10 + k), EOS]) }));
  const batch = collate(examples);
  assert.equal(dropDecoderInputs(batch, 0, new Rng(1)), batch, 'p 0 is the batch itself');
  const dropped = dropDecoderInputs(batch, 0.25, new Rng(7));
  assert.deepEqual(dropped.tgtOut, batch.tgtOut);
  assert.deepEqual(dropped.src, batch.src);
  let open = 0;
  let hidden = 0;
  for (let i = 0; i < batch.tgtIn.length; i++) {
    const before = batch.tgtIn[i];
    const after = dropped.tgtIn[i];
    if (before === PAD || before === BOS) {
      assert.equal(after, before, `position ${i}`);
      continue;
    }
    open++;
    if (after === UNK) hidden++;
    else assert.equal(after, before);
  }
  assert.ok(Math.abs(hidden / open - 0.25) < 0.04, `${hidden} of ${open} hidden`);
  assert.deepEqual(dropDecoderInputs(batch, 0.25, new Rng(7)).tgtIn, dropped.tgtIn, 'same seed, same draw');
  assert.notDeepEqual(dropDecoderInputs(batch, 0.25, new Rng(8)).tgtIn, dropped.tgtIn, 'another seed, another draw');
  assert.equal(batch.tgtIn.filter((x) => x === UNK).length, 0, 'the given batch is not changed');
});
