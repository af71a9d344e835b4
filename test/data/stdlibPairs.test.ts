// Pairs from documented standard library functions: which functions become
// pairs, what their description and code look like, and how they join a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readStdlibPairs } from '../../src/data/stdlibPairs.js';
import { loadRunSplits } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

const LONG_BODY = Array.from({ length: 16 }, (_, i) => `    x = x + ${i}`).join('\n');

/** A tiny "standard library": one file of every kind of function, a test folder and a file that does not parse. */
function writeLibrary(dir: string): string {
  const lib = path.join(dir, 'lib');
  mkdirSync(path.join(lib, 'pkg'), { recursive: true });
  mkdirSync(path.join(lib, 'test'));
  writeFileSync(path.join(lib, 'pkg', 'maths.py'), `
import functools

@functools.lru_cache()
def add_numbers(a, b):
    """Returns the sum of a and b.

    Longer explanation that is not used.
    """
    # a comment the code loses
    return a + b

def _private(a):
    """Return a itself."""
    return a

def undocumented(a):
    return a

def only_docstring():
    """Return nothing at all."""

def stub(a):
    """Compute something later."""
    raise NotImplementedError("subclasses")

def noun_phrase(a):
    """The identity function."""
    return a

def with_doctest(a):
    """Return a, as in >>> with_doctest(1) which prints 1."""
    return a

def too_long(x):
    """Add many numbers to x."""
${LONG_BODY}
    return x

class Counter:
    def count_items(self, items):
        """Count the items of a list."""
        return len(items)
`);
  writeFileSync(path.join(lib, 'test', 'helpers.py'), 'def check_it(a):\n    """Check a."""\n    return a\n');
  writeFileSync(path.join(lib, 'broken.py'), 'def f(:\n');
  return lib;
}

test('documented public functions become "write a python function to …" pairs, the others are counted', { skip: NO_PYTHON }, (t) => {
  const lib = writeLibrary(tempDir(t));
  const r = readStdlibPairs(lib);
  assert.equal(r.dir, lib);
  assert.deepEqual(r.pairs.map((p) => [p.id, p.description, p.code, p.source]), [
    ['stdlib:pkg/maths.py:add_numbers', 'write a python function to return the sum of a and b', 'def add_numbers(a, b):\n    return a + b', 'stdlib'],
    ['stdlib:pkg/maths.py:count_items', 'write a python function to count the items of a list', 'def count_items(self, items):\n    return len(items)', 'stdlib'],
  ]);
  assert.equal(r.pairs[0].line, 5, 'the line of the def');
  assert.deepEqual(r.counts, {
    files: 2, filesUnreadable: 1, functions: 9, undocumented: 1, private: 1, docstringOnly: 1, stub: 1,
    descriptionNotAVerbSentence: 2, codeTooLong: 1,
  });
});

test('stdlib pairs join the training split of a run, with their report', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const lib = writeLibrary(dir);
  const plain = await loadRunSplits(readSpecFile(writeTinySpec(dir, data)));
  const specFile = path.join(dir, 'stdlib.json');
  writeFileSync(specFile, JSON.stringify({ preset: 'seed', data: { path: data, minFreq: 1, extra: [{ source: 'stdlib', path: lib }] } }));
  const run = await loadRunSplits(readSpecFile(specFile));
  assert.deepEqual(run.splits.test, plain.splits.test, 'test unchanged');
  assert.deepEqual(run.splits.train.slice(plain.splits.train.length).map((p) => p.id), ['stdlib:pkg/maths.py:add_numbers', 'stdlib:pkg/maths.py:count_items']);
  const [report] = (run.report as { extra: Array<Record<string, unknown>> }).extra;
  assert.equal(report.source, 'stdlib');
  assert.equal(report.file, lib);
  assert.equal(report.added, 2);
  assert.equal((report.functions as Record<string, number>).functions, 9);

  writeFileSync(specFile, JSON.stringify({ preset: 'seed', data: { path: data, extra: [{ source: 'stdlib', path: path.join(dir, 'nope') }] } }));
  await assert.rejects(loadRunSplits(readSpecFile(specFile)), /nope: no such folder \(data\.extra stdlib\)/);
  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  writeFileSync(specFile, JSON.stringify({ preset: 'seed', data: { path: data, extra: [{ source: 'stdlib', path: empty }] } }));
  await assert.rejects(loadRunSplits(readSpecFile(specFile)), /empty: no \.py files/);
});
