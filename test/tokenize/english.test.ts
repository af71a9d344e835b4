import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeEnglish } from '../../src/tokenize/english.js';

test('lower-cases words and splits punctuation', () => {
  assert.deepEqual(tokenizeEnglish('Write a Python program, to add TWO numbers.'),
    ['write', 'a', 'python', 'program', ',', 'to', 'add', 'two', 'numbers', '.']);
});

test('keeps numbers whole', () => {
  assert.deepEqual(tokenizeEnglish('round 3.14 to 2 places, or 1e5 and 2.5E-3'),
    ['round', '3.14', 'to', '2', 'places', ',', 'or', '1e5', 'and', '2.5E-3'.toLowerCase()]);
});

test('keeps quoted names whole with their case', () => {
  assert.deepEqual(tokenizeEnglish("rename 'foo_Bar' to \"abc\" in `myDict`."),
    ['rename', "'foo_Bar'", 'to', '"abc"', 'in', '`myDict`', '.']);
  assert.deepEqual(tokenizeEnglish("convert '%Y-%m-%d %H:%M' strings"), ['convert', "'%Y-%m-%d %H:%M'", 'strings']);
});

test('apostrophes in words are not quotes', () => {
  assert.deepEqual(tokenizeEnglish("don't sort the users' list"), ['don', "'", 't', 'sort', 'the', 'users', "'", 'list']);
});

test('empty text gives no tokens', () => {
  assert.deepEqual(tokenizeEnglish('   '), []);
});
