import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { codeVocabBase, decodeCode, encodeCode, splitPieces, vocabCandidates } from '../../src/tokenize/subword.js';
import { Vocab, UNK } from '../../src/tokenize/vocab.js';
import { FIXTURES } from './fixtures.js';

const simple = (ts: { type: string; value: string }[]) => ts.map((t) => `${t.type}:${t.value}`);

test('structure tokens have their own strings', () => {
  assert.deepEqual(encodeCode(lexPython('if x:\n    y = 1\n')), ['if', 'x', ':', '<nl>', '<indent>', 'y', '=', '1', '<nl>', '<dedent>']);
});

test('identifiers split at underscores, camelCase and digits; strings into quote, words and characters', () => {
  assert.deepEqual(splitPieces({ type: 'NAME', value: 'count_evenNumbers2' }), ['count', '_', 'even', 'Numbers', '2']);
  assert.deepEqual(splitPieces({ type: 'NAME', value: 'parseHTTPResponse' }), ['parse', 'HTTP', 'Response']);
  assert.deepEqual(splitPieces({ type: 'STRING', value: "f'Sum: {x}'" }), ["f'", 'Sum', ':', ' ', '{', 'x', '}', "'"]);
  assert.deepEqual(encodeCode(lexPython('my_var\n')), ['my', '##_', '##var', '<nl>']);
});

test('encode/decode round-trips every fixture, with and without a vocabulary', () => {
  const small = Vocab.build([['print', '(', ')', 'count', '##_']], { always: codeVocabBase() });
  for (const [name, src] of Object.entries(FIXTURES)) {
    const tokens = lexPython(src);
    assert.deepEqual(simple(decodeCode(encodeCode(tokens))), simple(tokens), name);
    const pieces = encodeCode(tokens, small);
    assert.deepEqual(simple(decodeCode(pieces)), simple(tokens), `${name} with vocab`);
    if (!/unicode/.test(name)) assert.ok(!small.encode(pieces).includes(UNK), `${name}: an ASCII piece became <unk>`);
  }
});

test('a vocabulary keeps known tokens whole and spells unknown identifiers', () => {
  const v = Vocab.build([vocabCandidates(lexPython('count_even = 1\n'))], { always: codeVocabBase() });
  assert.deepEqual(encodeCode(lexPython('count_even\n'), v), ['count_even', '<nl>']);
  assert.deepEqual(encodeCode(lexPython('count_odd\n'), v), ['count', '##_', '##o', '##d', '##d', '<nl>']);
});

test('decoding tolerates a leading join marker', () => {
  assert.deepEqual(simple(decodeCode(['##x', '=', '1'])), ['NAME:x', 'OP:=', 'NUMBER:1']);
});

test('code text to model strings and back', async () => {
  const { codeToModelTokens, modelTokensToCode } = await import('../../src/tokenize/codeText.js');
  const pieces = codeToModelTokens('def add_two(a,b):\n   return a+b  # sum\n');
  assert.deepEqual(pieces, ['def', 'add', '##_', '##two', '(', 'a', ',', 'b', ')', ':', '<nl>', '<indent>', 'return', 'a', '+', 'b', '<nl>', '<dedent>']);
  assert.equal(modelTokensToCode(pieces), 'def add_two(a, b):\n    return a + b\n');
});
