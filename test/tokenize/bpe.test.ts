import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Bpe } from '../../src/tokenize/bpe.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { codeVocabBase, decodeCode, encodeCode, subwordWords, vocabCandidates } from '../../src/tokenize/subword.js';
import { Vocab, UNK } from '../../src/tokenize/vocab.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';
import { FIXTURES } from './fixtures.js';

const simple = (ts: { type: string; value: string }[]) => ts.map((t) => `${t.type}:${t.value}`);

test('learns the most frequent pairs first, deterministically', () => {
  const bpe = Bpe.learn(new Map([['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]]), { merges: 4 });
  assert.deepEqual(bpe.merges, [['e', 's'], ['es', 't'], ['l', 'o'], ['lo', 'w']]);
  assert.deepEqual(bpe.segment('lowest'), ['low', 'est']);
  assert.deepEqual(bpe.segment('xyz'), ['x', 'y', 'z']);
});

test('BPE segments round-trip every fixture through encode/decode, with no ASCII <unk>', () => {
  const train = Object.values(FIXTURES).slice(0, 10).map((s) => lexPython(s));
  const bpe = Bpe.learn(subwordWords(train), { merges: 200, minFreq: 1 });
  const vocab = Vocab.build(train.map((t) => vocabCandidates(t, bpe)), { minFreq: 2, always: codeVocabBase() });
  for (const [name, src] of Object.entries(FIXTURES)) {
    const tokens = lexPython(src);
    const pieces = encodeCode(tokens, vocab, bpe);
    assert.deepEqual(simple(decodeCode(pieces)), simple(tokens), name);
    if (name !== 'unicode') assert.ok(!vocab.encode(pieces).includes(UNK), name);
  }
});

test('merges save and load; a bad file is a UserError', (t) => {
  const dir = tempDir(t);
  const bpe = Bpe.learn(new Map([['count_even', 3], ['count_odd', 2]]), { merges: 10 });
  bpe.save(path.join(dir, 'bpe.json'));
  assert.deepEqual(Bpe.load(path.join(dir, 'bpe.json')).merges, bpe.merges);
  writeFileSync(path.join(dir, 'bad.json'), '{"version": 1, "merges": [["a"]]}');
  assert.throws(() => Bpe.load(path.join(dir, 'bad.json')), (e: unknown) => e instanceof UserError && /bad\.json:1/.test(e.message));
});
