import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeToModelTokens } from '../../src/tokenize/codeText.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { codeVocabBase, encodeCode, subwordWords, vocabCandidates } from '../../src/tokenize/subword.js';
import { Bpe } from '../../src/tokenize/bpe.js';
import { Vocab } from '../../src/tokenize/vocab.js';
import { buildPythonCorpus, modelSequence } from '../../src/embeddings/pythonCorpus.js';
import { listStdlibFiles } from '../../src/python/stdlib.js';
import { trainPythonEmbeddings } from '../../src/embeddings/pythonEmbeddings.js';
import { CLI, NO_PYTHON, tempDir } from '../helpers.js';

const CODES = [
  'def add(a, b):\n    return a + b\n',
  'for i in range(10):\n    print(i)\n',
  'x = []\nfor i in range(3):\n    x.append(i)\n',
  'def sub(a, b):\n    return a - b\n',
];

/** The decoder vocabulary as `en2py data split` builds it. */
const vocabOf = (codes: readonly string[]) => Vocab.build(codes.map((c) => vocabCandidates(lexPython(c))), { minFreq: 2, always: codeVocabBase() });

/** A fake standard library: one good file, files to skip, one the lexer rejects, one not UTF-8. */
function fakeStdlib(dir: string): string {
  const lib = path.join(dir, 'lib');
  for (const d of ['json', 'test', 'site-packages/pkg', 'email/tests']) mkdirSync(path.join(lib, d), { recursive: true });
  writeFileSync(path.join(lib, 'a.py'), 'def f(a, b):\n    """doc"""\n    return a + b  # sum\n');
  writeFileSync(path.join(lib, 'json', 'b.py'), 'import os\nx = [1, 2]\nx.append(3)\n');
  writeFileSync(path.join(lib, 'c.py'), 's = """never closed\n');
  writeFileSync(path.join(lib, 'd.py'), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]));
  writeFileSync(path.join(lib, 'test', 't.py'), 'assert True\n');
  writeFileSync(path.join(lib, 'site-packages', 'pkg', 'p.py'), 'y = 1\n');
  writeFileSync(path.join(lib, 'email', 'tests', 'e.py'), 'z = 2\n');
  writeFileSync(path.join(lib, 'notes.txt'), 'not python');
  return lib;
}

test('model sequences are codeToModelTokens against the target vocabulary, in <bos> … <eos>, unknown strings as <unk>', () => {
  const vocab = vocabOf(CODES);
  for (const code of [...CODES, 'result = my_list.append(value)\n']) {
    const { seq } = modelSequence(lexPython(code), vocab);
    assert.deepEqual(seq, ['<bos>', ...codeToModelTokens(code, vocab), '<eos>']);
  }
  const { seq, unk } = modelSequence(lexPython('s = "é"\n'), vocab);
  assert.equal(unk, 1);
  assert.ok(seq.includes('<unk>'));
  assert.ok(seq.every((s) => vocab.has(s)));
});

test('with BPE (data split --bpe), sequences use the learned pieces as training does', () => {
  const lexed = CODES.map((c) => lexPython(c));
  const bpe = Bpe.learn(subwordWords(lexed), { merges: 20, minFreq: 1 });
  const vocab = Vocab.build(lexed.map((t) => vocabCandidates(t, bpe)), { minFreq: 2, always: codeVocabBase() });
  const toks = lexPython('total = sum_all(values)\n');
  assert.deepEqual(modelSequence(toks, vocab, bpe).seq, ['<bos>', ...encodeCode(toks, vocab, bpe), '<eos>']);
  const c = buildPythonCorpus({ trainCodes: CODES, vocab, bpe, stdlib: false });
  assert.deepEqual(c.sequences[0], ['<bos>', ...encodeCode(lexed[0], vocab, bpe), '<eos>']);
});

test('the corpus reads the training code and the standard library, skipping tests and site-packages and counting rejects', (t) => {
  const lib = fakeStdlib(tempDir(t));
  assert.deepEqual(listStdlibFiles(lib).map((f) => path.relative(lib, f)), ['a.py', 'c.py', 'd.py', path.join('json', 'b.py')]);
  const vocab = vocabOf(CODES);
  const c = buildPythonCorpus({ trainCodes: [...CODES, 'print(1'], vocab, stdlib: lib });
  assert.equal(c.stats.trainSnippets, 4);
  assert.equal(c.stats.trainRejected, 1, 'EOF inside brackets: the lexer rejects it');
  assert.equal(c.stats.stdlibFilesFound, 4);
  assert.equal(c.stats.stdlibFilesUsed, 2);
  assert.equal(c.stats.stdlibFilesRejected, 2);
  assert.equal(c.sequences.length, 6);
  assert.deepEqual(c.sequences[4], ['<bos>', ...codeToModelTokens('def f(a, b):\n    """doc"""\n    return a + b\n', vocab), '<eos>']);
  const capped = buildPythonCorpus({ trainCodes: [], vocab, stdlib: lib, maxStdlibFiles: 1 });
  assert.equal(capped.stats.stdlibFilesUsed, 1);
  assert.equal(buildPythonCorpus({ trainCodes: CODES, stdlib: false }).stats.stdlibDir, null);
});

test('trainPythonEmbeddings: rows aligned to the target vocabulary, <pad> zero, unseen rows random, cached', (t) => {
  const dir = tempDir(t);
  const lib = fakeStdlib(dir);
  const vocab = vocabOf(CODES).tokens;
  const opts = { vocab, trainCodes: CODES, stdlib: lib, dim: 16, epochs: 2, seed: 3, cacheDir: path.join(dir, 'cache') };
  const r = trainPythonEmbeddings(opts);
  assert.equal(r.cached, false);
  assert.equal(r.dim, 16);
  assert.equal(r.matrix.length, vocab.length * 16);
  assert.ok(r.matrix.subarray(0, 16).every((x) => x === 0), '<pad> is zeros');
  const id = (s: string) => vocab.indexOf(s);
  for (const s of ['def', 'return', '<nl>', '<bos>', '<eos>', 'range']) assert.ok(r.found[id(s)], `${s} trained`);
  assert.equal(r.found[id('~')], false, 'a base character never seen');
  assert.ok(r.matrix.subarray(id('~') * 16, id('~') * 16 + 16).some((x) => x !== 0), 'unseen rows are random, not zero');
  assert.equal(r.coverage.tokens, vocab.length - 4);
  assert.equal(r.corpus.stdlibFilesUsed, 2);
  const again = trainPythonEmbeddings(opts);
  assert.equal(again.cached, true);
  assert.deepEqual(Array.from(again.matrix), Array.from(r.matrix));
  assert.deepEqual(again.corpus, r.corpus);
  const other = trainPythonEmbeddings({ ...opts, seed: 4 });
  assert.equal(other.cached, false);
});

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('en2py embeddings word2vec and glove-coverage on small fixtures', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const data = path.join(dir, 'd.txt');
  writeFileSync(data, Array.from({ length: 40 }, (_, i) => `# add the number ${i} to a list\nitems = []\nfor i in range(${i}):\n    items.append(i)\n`).join('\n'));
  const w = run('embeddings', 'word2vec', '--data', data, '--dim', '8', '--stdlib-files', '0', '--cache-dir', path.join(dir, 'c'), '--neighbours', 'append range nope ,');
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stdout, /standard library not used/);
  assert.match(w.stdout, /tokens\/s, dim 8/);
  assert.match(w.stdout, /^append: \S+ -?\d\.\d\d/m);
  assert.match(w.stdout, /^nope: not in the vocabulary/m);
  assert.match(w.stdout, /^,: /m);
  const glove = path.join(dir, 'g.json');
  writeFileSync(glove, JSON.stringify({ dimensions: 2, words: ['add', 'list'], vectors: { add: [1, 2, 2.2, 0], list: [3, 4, 5, 1] } }));
  const g = run('embeddings', 'glove-coverage', '--data', data, '--glove-file', glove, '--no-cache');
  assert.equal(g.status, 0, g.stderr);
  // The training split's English vocabulary (min frequency 2): add the number to a list → 6 words, 2 with vectors.
  assert.match(g.stdout, /coverage: 2 \/ 6 \(33\.3%\)/);
  const missing = run('embeddings', 'glove-coverage', '--data', data, '--glove-file', path.join(dir, 'none.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /none\.json: no such file/);
});
