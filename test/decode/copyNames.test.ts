// Names from the sentence: the one function a candidate defines takes the name the sentence gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyNameFromSentence, renameIdentifier, sentenceNames } from '../../src/decode/copyNames.js';

test('a sentence gives a name through a test, a code-like call, or "named"/"called"; English with brackets gives none', () => {
  assert.deepEqual(sentenceNames('Write a function to find the minimum cost path.\nassert min_cost([[1, 2]], 2, 2) == 8'), ['min_cost']);
  assert.deepEqual(sentenceNames('Write a function to square a number.\nassert square(3) == 9'), ['square'], 'any name a test calls');
  assert.deepEqual(sentenceNames('assert len(f(3)) == 2'), ['f'], 'builtins are not names to copy');
  assert.deepEqual(sentenceNames('write a python function second_smallest(nums) for a list'), ['second_smallest']);
  assert.deepEqual(sentenceNames('write a function named `is_even` that checks a number'), ['is_even']);
  assert.deepEqual(sentenceNames('write a function called count_vowels'), ['count_vowels']);
  for (const english of [
    'Write a function that takes in height(m) and weight(kg) and prints the BMI',
    'write a python function to order a list of (x, y) points by distance',
    'write a program to merge dict using update() method',
    'write a function called with two numbers that adds them',
  ]) assert.deepEqual(sentenceNames(english), [], english);
});

test('renaming touches the definition and its calls, not strings, comments or attributes', () => {
  const code = "def f(a):\n    # f calls itself\n    s = 'f' + \"f\"\n    return f(a - 1) + obj.f(2) + ff\n";
  assert.equal(renameIdentifier(code, 'f', 'g'), "def g(a):\n    # f calls itself\n    s = 'f' + \"f\"\n    return g(a - 1) + obj.f(2) + ff\n");
});

test('the copy renames one function to the one name the sentence gives, and leaves every other case alone', () => {
  const sentence = 'Write a function to add.\nassert add_two(1, 2) == 3';
  const r = copyNameFromSentence(sentence, 'def add(a, b):\n    return a + b\n');
  assert.equal(r.code, 'def add_two(a, b):\n    return a + b\n');
  assert.deepEqual(r.renamed, { from: 'add', to: 'add_two' });
  const same = (code: string, s = sentence) => assert.deepEqual(copyNameFromSentence(s, code), { code }, code);
  same('def add_two(a, b):\n    return a + b\n'); // already the name
  same('def a(x):\n    return x\n\ndef b(x):\n    return a(x)\n'); // two functions: which one?
  same('print(1 + 2)\n'); // no function
  same('def add(a, add_two):\n    return a + add_two\n'); // the name is taken inside
  same('def add(a, b):\n    return a + b\n', 'write a python function to add two numbers'); // no name given
  same('def add(a, b):\n    return a + b\n', 'assert add_two(1, 2) == 3 and add_three(1, 2, 0) == 3'); // two names
});

test('the generator copies the name into every candidate unless told not to', async (t) => {
  const { tempDir } = await import('../helpers.js');
  const { writeTinyData, writeTinySpec } = await import('../train/fixtures.js');
  const { readSpecFile } = await import('../../src/train/spec.js');
  const { prepareData } = await import('../../src/train/prepare.js');
  const { train } = await import('../../src/train/trainer.js');
  const { loadModel } = await import('../../src/model/bundle.js');
  const { Generator } = await import('../../src/decode/generator.js');
  const dir = tempDir(t);
  const spec = readSpecFile(writeTinySpec(dir, writeTinyData(dir), { epochs: 12, seed: 3 }));
  const out = `${dir}/coder`;
  train(spec, out, await prepareData(spec, out, { resume: false }), { resume: false, log: () => {} });
  const generator = new Generator(loadModel(out));
  const sentence = 'write a python function to multiply 7 by a number\nassert times_seven(2) == 14';
  const copied = generator.generate(sentence, { beam: 3, maxLen: 30 });
  const plain = generator.generate(sentence, { beam: 3, maxLen: 30, copyNames: false });
  assert.equal(copied.candidates.length, plain.candidates.length);
  let renamed = 0;
  copied.candidates.forEach((c, i) => {
    const p = plain.candidates[i];
    assert.deepEqual(c.tokens, p.tokens, 'the same model tokens');
    if (!c.renamed) return assert.equal(c.code, p.code);
    renamed++;
    assert.match(c.code, /^def times_seven\(/);
    assert.equal(c.code, renameIdentifier(p.code, c.renamed.from, 'times_seven'));
  });
  assert.ok(renamed > 0, `some candidate defines one function to rename: ${plain.candidates.map((c) => c.code).join(' | ')}`);
});
