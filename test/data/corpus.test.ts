// `en2py corpus build` on a fixture tree the test writes itself: every bad
// input is counted under its reason and skipped (never a crash), duplicates and
// near duplicates go, evaluated code is decontaminated, and the shards and
// stats say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CorpusStats, FileRecord, PairRecord } from '../../src/data/corpus/format.js';
import { readCorpusPairs } from '../../src/data/corpus/pairsReader.js';
import { parseCopyright } from '../../src/data/corpus/licenses.js';
import { LshIndex, signature } from '../../src/data/corpus/minhash.js';
import { Decontaminator, humanEvalDescription, loadEvalItems } from '../../src/data/corpus/decontaminate.js';
import { codeShingles } from '../../src/data/corpus/decontaminate.js';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData } from '../train/fixtures.js';

/** A module of documented functions, different for each `n`. */
function goodModule(n: number): string {
  return [
    `"""Module ${n}."""`,
    'import math',
    '',
    `def scale_${n}(values, factor):`,
    `    """Returns the values multiplied by a factor of ${n}."""`,
    `    return [v * factor * ${n} for v in values]`,
    '',
    `def hypotenuse_${n}(a, b):`,
    '    """Computes the length of the hypotenuse of a right triangle."""',
    '    # add the offset to the length',
    `    return math.sqrt(a * a + b * b) + ${n}`,
    '',
    `class Shape${n}:`,
    `    def area(self):`,
    `        """Returns the area of the shape."""`,
    `        return self.w * self.h * ${n}`,
    '',
    `    def unit_name(self, plural):`,
    `        """Gives the unit name in singular or plural form for shape ${n}."""`,
    `        return "metres" if plural else "metre"`,
    '',
  ].join('\n');
}

/** The evaluation fixtures: a tiny English→Python file, MBPP, HumanEval and a benchmark of one item each. */
function writeEvalFixtures(dir: string): string[] {
  const data = writeTinyData(dir);
  const mbppCode = 'def count_vowels_in(text):\n    total = 0\n    for ch in text.lower():\n        if ch in "aeiou":\n            total += 1\n    return total\n';
  const mbpp = path.join(dir, 'mbpp.jsonl');
  writeFileSync(mbpp, [
    { task_id: 42, text: 'Write a function to count the vowels of a string.', code: mbppCode, test_setup_code: '', test_list: ['assert count_vowels_in("ab") == 1'] },
    { task_id: 700, text: 'A training task, never an evaluation item.', code: 'def f(x):\n    return x\n', test_setup_code: '', test_list: ['assert f(1) == 1'] },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const he = path.join(dir, 'he.jsonl');
  writeFileSync(he, JSON.stringify({ task_id: 'HumanEval/0', prompt: 'def twice(x):\n    """Return twice the given number x.\n    >>> twice(2)\n    4\n    """\n', canonical_solution: '    return 2 * x\n', test: 'def check(c):\n    assert c(2) == 4\n', entry_point: 'twice' }) + '\n');
  const bench = path.join(dir, 'bench.jsonl');
  writeFileSync(bench, JSON.stringify({ id: 'bench/001', prompt: 'write a python function to reverse the words of a sentence', entry_point: 'rev_words', tests: ['assert rev_words("a b") == "b a"', 'assert rev_words("a") == "a"', 'assert rev_words("") == ""'], reference: 'def rev_words(s):\n    return " ".join(s.split()[::-1])\n', tags: ['strings'], difficulty: 'easy' }) + '\n');
  return ['--data', data, '--mbpp', mbpp, '--humaneval', he, '--bench', bench];
}

function readLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

test('corpus build on a fixture tree: each bad input counted under its reason, never a crash', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const evalFlags = writeEvalFixtures(dir);
  const tree = path.join(dir, 'tree');
  mkdirSync(path.join(tree, 'pkg', 'sub'), { recursive: true });
  writeFileSync(path.join(tree, 'pkg', 'a.py'), goodModule(1));
  writeFileSync(path.join(tree, 'pkg', 'b.py'), goodModule(2));
  // Same tokens as a.py, other comments and blank lines: an exact duplicate after lexing.
  writeFileSync(path.join(tree, 'pkg', 'a_copy.py'), '# a vendored copy\n' + goodModule(1).replace('import math\n', 'import math  # maths\n\n'));
  // A near duplicate of b.py: one statement more in a long file.
  const longB = goodModule(2) + Array.from({ length: 40 }, (_, i) => `\ndef helper_${i}(x):\n    return x + ${i} * 2 - 1\n`).join('');
  writeFileSync(path.join(tree, 'pkg', 'sub', 'long_b.py'), longB);
  writeFileSync(path.join(tree, 'pkg', 'sub', 'long_b2.py'), longB + '\nEXTRA = 1\n');
  writeFileSync(path.join(tree, 'py2.py'), 'def main():\n    print "hello"\n');
  writeFileSync(path.join(tree, 'binary.py'), Buffer.from([0x64, 0x65, 0x66, 0x00, 0x01, 0x02]));
  writeFileSync(path.join(tree, 'latin1.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
  // A 10 MB generated file: counted from its size, never read.
  writeFileSync(path.join(tree, 'generated.py'), 'DATA = [\n' + '    0,\n'.repeat(1_500_000) + ']\n');
  writeFileSync(path.join(tree, 'minified.py'), `TABLE = ${JSON.stringify('x'.repeat(5000))}\n`);
  writeFileSync(path.join(tree, 'empty.py'), '# nothing but a comment\n');
  writeFileSync(path.join(tree, 'unlexable.py'), 'x = "open\n');
  symlinkSync('loop_b.py', path.join(tree, 'loop_a.py'));
  symlinkSync('loop_a.py', path.join(tree, 'loop_b.py'));
  symlinkSync('..', path.join(tree, 'pkg', 'up')); // a folder loop
  // Tests run as root, for whom chmod 000 hides nothing; a dangling link is a file that cannot be opened.
  symlinkSync('no-such-target.py', path.join(tree, 'dangling.py'));
  execFileSync('mkfifo', [path.join(tree, 'pipe.py')]);
  writeFileSync(path.join(tree, 'not_python.txt'), 'ignored: not *.py');
  // A file holding MBPP test task 42's solution, and one holding the benchmark's reference only (too small for a file check).
  writeFileSync(path.join(tree, 'vowels.py'), 'import os\n\n' + 'def count_vowels_in(text):\n    total = 0\n    for ch in text.lower():\n        if ch in "aeiou":\n            total += 1\n    return total\n' + '\nprint(os.sep)\n');

  const out = path.join(dir, 'out');
  const r = en2py(['corpus', 'build', '--tree', tree, '--out', out, '--no-functions-pairs', ...evalFlags]);
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(en2py(['corpus', 'stats', '--out', out, '--json']).stdout) as CorpusStats;
  const f = stats.dropped.files;
  assert.equal(f.duplicate, 1, 'a_copy.py');
  assert.equal(f.near_duplicate, 1, 'long_b2.py');
  assert.equal(f.does_not_parse, 1, 'py2.py');
  assert.equal(f.binary, 1);
  assert.equal(f.not_utf8, 1);
  assert.equal(f.too_long, 1, 'generated.py');
  assert.equal(f.long_lines, 1, 'minified.py');
  assert.equal(f.empty, 1);
  assert.equal(f.does_not_lex, 1);
  assert.equal(f.symlink_loop, 3, 'loop_a.py, loop_b.py and the folder reached again through pkg/up');
  assert.equal(f.unreadable, 1, 'dangling.py');
  assert.equal(f.not_regular_file, 1, 'pipe.py');
  assert.equal(f.contaminated, 1, 'vowels.py');
  assert.deepEqual(stats.decontaminated.mbpp, { files: 1, pairs: 0 });

  const files = readLines<FileRecord>(path.join(out, 'files-00000.jsonl'));
  assert.deepEqual(files.map((x) => x.path).sort(), ['pkg/a.py', 'pkg/b.py', 'pkg/sub/long_b.py']);
  const src = stats.sources.tree;
  assert.equal(src.files, 3);
  assert.equal(src.files_read, 3 + Object.values(f).reduce((a, b) => a + b, 0), 'every listed file kept or dropped');
  assert.equal(stats.code_tokens, files.reduce((s, x) => s + x.tokens, 0));
  assert.equal(files[0].text, goodModule(1));

  // Pairs: two functions and two methods per module (`area` uses self, `unit_name` does not). long_b.py's are b.py's again.
  const all = readLines<PairRecord>(path.join(out, 'pairs-00000.jsonl'));
  const comments = all.filter((p) => p.kind === 'comment');
  assert.deepEqual(comments[0], { id: 'corpus:tree:pkg/a.py:Return:11', set: 'corpus', source: 'tree', description: 'add the offset to the length', nl: 'add the offset to the length', code: 'return math.sqrt(a * a + b * b) + 1\n', license: 'MIT', origin: 'tree:pkg/a.py:11', kind: 'comment' });
  assert.equal(stats.pair_rules.commentExtracted, 3, 'one per kept module: a, b, long_b');
  const pairs = all.filter((p) => p.kind !== 'comment');
  assert.deepEqual(pairs.map((p) => [p.kind, p.description]).slice(0, 4), [
    ['function', 'write a python function to return the values multiplied by a factor of 1'],
    ['function', 'write a python function to compute the length of the hypotenuse of a right triangle'],
    ['boundmethod', 'write a python method to return the area of the shape'],
    ['method', 'write a python function to give the unit name in singular or plural form for shape 1'],
  ]);
  assert.equal(pairs[2].code, 'def area(self):\n    return self.w * self.h * 1\n');
  assert.equal(pairs[3].code, "def unit_name(plural):\n    return 'metres' if plural else 'metre'\n", 'printed as a function without self');
  assert.equal(stats.pairs, all.length);
  assert.equal(stats.function_pairs, pairs.length);
  assert.ok(stats.dropped.pairs.duplicate + stats.dropped.pairs.near_duplicate >= 1, 'hypotenuse_2 and the long_b copies');
  assert.ok(pairs.every((p) => p.license === 'MIT' && p.origin.startsWith('tree:')));
  assert.equal(readCorpusPairs(out).length, pairs.length, 'data.extra corpus reads the function pairs, not the comment pairs');
  const sample = en2py(['corpus', 'sample', '--out', out, '--kind', 'comment', '--n', '2']);
  assert.equal(sample.status, 0, sample.stderr);
  assert.deepEqual(sample.stdout.trim().split('\n').map((l) => (JSON.parse(l) as PairRecord).kind), ['comment', 'comment'], 'streamed from the shards, filtered by kind');
});

test('corpus build refuses a missing tree and stats without a build, in one line', (t) => {
  const dir = tempDir(t);
  const a = en2py(['corpus', 'build', '--tree', path.join(dir, 'nope'), '--out', path.join(dir, 'o')]);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /nope: no such folder \(--tree\)/);
  const b = en2py(['corpus', 'stats', '--out', path.join(dir, 'o')]);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /stats\.json: no corpus stats; run `en2py corpus build/);
});

test('a non-permissive --tree is listed but not read: its files count as dropped (license)', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const evalFlags = writeEvalFixtures(dir);
  mkdirSync(path.join(dir, 'gpl'));
  writeFileSync(path.join(dir, 'gpl', 'x.py'), goodModule(3));
  const out = path.join(dir, 'out');
  const r = en2py(['corpus', 'build', '--tree', path.join(dir, 'gpl'), '--license', 'GPL-2+', '--out', out, '--no-functions-pairs', ...evalFlags]);
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(readFileSync(path.join(out, 'stats.json'), 'utf8')) as CorpusStats;
  assert.equal(stats.dropped.files.license, 1);
  assert.equal(stats.code_tokens, 0);
});

test('licenses: DEP-5 short names, and free-form texts recognised by their wording', () => {
  assert.deepEqual(parseCopyright('Format: x\n\nFiles: *\nCopyright: me\nLicense: BSD-3-clause\n\nFiles: a/*\nLicense: GPL-2+\n'), { license: 'BSD-3-clause', family: 'BSD', permissive: true });
  assert.equal(parseCopyright('Files: *\nLicense: Expat\n').family, 'MIT');
  assert.equal(parseCopyright('Files: *\nLicense: LGPL-2.1\n').permissive, false);
  assert.deepEqual(parseCopyright('License:\n\n  Redistribution and use in source and binary forms, with or without\n\nLicense: GPL-2\n'), { license: 'BSD (text)', family: 'BSD', permissive: true });
  assert.equal(parseCopyright('Files: *\nLicense: other\n Permission to use...\n').permissive, false);
});

test('MinHash LSH finds a near copy and keeps apart different sets', () => {
  const base = Array.from({ length: 200 }, (_, i) => i * 7919);
  const lsh = new LshIndex();
  assert.equal(lsh.findOrAdd(signature(new Set(base))), -1);
  const near = new Set([...base.slice(0, 190), 1, 2, 3, 4, 5]); // Jaccard 190/205 ≈ 0.93
  assert.equal(lsh.findOrAdd(signature(near)), 0);
  const far = new Set([...base.slice(0, 100), ...Array.from({ length: 100 }, (_, i) => 10_000_000 + i)]); // ≈ 0.33
  assert.equal(lsh.findOrAdd(signature(far)), -1);
});

test('decontamination: description or code near an evaluated item, with the stated thresholds', () => {
  const d = new Decontaminator([
    { set: 'mbpp', id: 'mbpp:1', description: 'Write a function to find the longest common prefix of a list of strings.', code: 'def lcp(words):\n    prefix = words[0]\n    for w in words[1:]:\n        while not w.startswith(prefix):\n            prefix = prefix[:-1]\n    return prefix\n' },
    { set: 'humaneval', id: 'HumanEval/0', description: humanEvalDescription('def f(x):\n    """Return the sum of the digits of x.\n    >>> f(12)\n    3\n    """\n'), code: 'def f(x):\n    return sum(int(c) for c in str(x))\n' },
  ]);
  assert.equal(d.checkPair('write a python function to find the longest common prefix of a list of strings', 'x = 1\n')?.set, 'mbpp', 'same description key');
  assert.equal(d.checkPair('Find the longest common prefix in a list of strings.', 'x = 1\n')?.by, 'description', 'word Jaccard 0.89');
  assert.equal(d.checkPair('Something else.', 'def lcp(words):\n    prefix = words[0]\n    for w in words[1:]:\n        while not w.startswith(prefix):\n            prefix = prefix[:-1]\n    return prefix  # same\n')?.by, 'code');
  assert.equal(d.checkPair('Return the sum of all the digits of x.', 'y = 2\n')?.set, 'humaneval', 'Jaccard 6/7');
  assert.equal(d.checkPair('Return the product of two matrices.', 'def mm(a, b):\n    return a @ b\n'), null);
  const shingles = codeShingles('import os\n' + 'def lcp(words):\n    prefix = words[0]\n    for w in words[1:]:\n        while not w.startswith(prefix):\n            prefix = prefix[:-1]\n    return prefix\n' + 'print(os.sep)\n');
  assert.equal(d.checkFile(shingles)?.id, 'mbpp:1');
  const small = new Decontaminator([{ set: 'english-python', id: 'e:1', description: 'add two numbers', code: 'print(a + b)\n' }]);
  assert.equal(small.checkFile(codeShingles('import sys\nprint(a + b)\nsys.exit(0)\n')), null, 'an item under 20 shingles is not checked against whole files');
  assert.equal(small.checkPair('Something else.', 'print(a + b)\n')?.by, 'code', 'but it is against pairs');
});

test('evaluation files: missing ones fail the corpus build with the flag to give, or are named and skipped for training', async () => {
  await assert.rejects(loadEvalItems({ skipEnglishPython: true, mbpp: '/nope/mbpp.jsonl' }), /\/nope\/mbpp\.jsonl: no such file \(MBPP, needed for decontamination\); give it with --mbpp/);
  const missing: string[] = [];
  const items = await loadEvalItems({ skipEnglishPython: true, mbpp: '/nope/mbpp.jsonl', humaneval: '/nope/he.jsonl', functions: '/nope/functions', missing });
  assert.deepEqual(missing, ['/nope/mbpp.jsonl', '/nope/functions', '/nope/he.jsonl']);
  assert.ok(items.length > 0 && items.every((i) => i.set === 'en2py-bench'), 'the committed benchmark still applies');
});

test('the validation sets that choose models are held out: MBPP 511-600 and every 10th tested functions/ pair', async (t) => {
  const dir = tempDir(t);
  const mbpp = path.join(dir, 'mbpp.jsonl');
  const row = (id: number, text: string) => JSON.stringify({ task_id: id, text, code: 'def f(x):\n    return x\n', test_setup_code: '', test_list: ['assert f(1) == 1'], challenge_test_list: [] });
  writeFileSync(mbpp, [row(20, 'a test task'), row(550, 'a validation task'), row(700, 'a training task')].join('\n') + '\n');
  const functions = path.join(dir, 'functions');
  mkdirSync(functions);
  const fn = (i: number, tests: boolean) => JSON.stringify({ source: 's', id: `f${String(i).padStart(3, '0')}`, nl: `function number ${i}`, code: `def f${i}():\n    return ${i}\n`, license: 'MIT', origin: 'o', ...(tests && { tests: [`assert f${i}() == ${i}`] }) });
  writeFileSync(path.join(functions, 'a.jsonl'), Array.from({ length: 25 }, (_, i) => fn(i, i !== 10)).join('\n') + '\n');
  const items = await loadEvalItems({ skipEnglishPython: true, mbpp, functions, humaneval: '/nope/he.jsonl', missing: [] });
  assert.deepEqual(items.filter((i) => i.set === 'mbpp').map((i) => i.id), ['mbpp:20']);
  assert.deepEqual(items.filter((i) => i.set === 'mbpp-valid').map((i) => i.id), ['mbpp:550']);
  // 24 pairs with tests (f010 has none): the 1st, 11th and 21st by id.
  assert.deepEqual(items.filter((i) => i.set === 'functions-valid').map((i) => i.id), ['functions:f000', 'functions:f011', 'functions:f021']);
  const d = new Decontaminator(items);
  assert.equal(d.checkPair('function number 11', 'def f11():\n    return 11\n')?.set, 'functions-valid');
  assert.equal(d.checkPair('a validation task', 'x = 1\n')?.set, 'mbpp-valid');
});
