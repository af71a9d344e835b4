import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Vocab, PAD, UNK, BOS, EOS, SPECIAL_TOKENS } from '../../src/tokenize/vocab.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

test('special tokens come first with fixed ids', () => {
  const v = Vocab.build([['a', 'b', 'a']]);
  assert.deepEqual([PAD, UNK, BOS, EOS], [0, 1, 2, 3]);
  assert.deepEqual(v.tokens.slice(0, 4), [...SPECIAL_TOKENS]);
  assert.equal(v.id('a'), 4);
  assert.equal(v.id('zzz'), UNK);
});

test('min frequency, frequency order and ties by text', () => {
  const v = Vocab.build([['c', 'b', 'a', 'b', 'c'], ['c', 'd']], { minFreq: 2 });
  assert.deepEqual(v.tokens.slice(4), ['c', 'b']);
  assert.deepEqual(v.decode(v.encode(['b', 'a'])), ['b', '<unk>']);
});

test('save and load round-trip; a bad file is a UserError naming it', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'v.json');
  const v = Vocab.build([['x', 'y']], { always: ['<nl>'] });
  v.save(file);
  assert.deepEqual(Vocab.load(file).tokens, v.tokens);
  writeFileSync(path.join(dir, 'bad.json'), '{"tokens": 3}');
  assert.throws(() => Vocab.load(path.join(dir, 'bad.json')), (e: unknown) => e instanceof UserError && /bad\.json:1/.test(e.message));
});
