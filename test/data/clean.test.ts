import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { reindentPython } from '../../src/data/reindent.js';
import { cleanPairs, DROP_REASONS } from '../../src/data/clean.js';
import { readEnglishPython } from '../../src/data/englishPython.js';
import { percentiles } from '../../src/data/stats.js';
import { PyTokenizeError } from '../../src/tokenize/pyLexer.js';
import { NO_PYTHON, tempDir } from '../helpers.js';

test('re-indents 3-space, tab and mixed indents to 4 spaces per level', () => {
  assert.equal(reindentPython('if a:\n   b = 1\nelse:\n   b = 2\n'), 'if a:\n    b = 1\nelse:\n    b = 2\n');
  assert.equal(reindentPython('for x in xs:\n\tif x:\n\t\tn += 1   \n'), 'for x in xs:\n    if x:\n        n += 1\n');
  assert.equal(
    reindentPython('for x in xs:\n        if not x:\n    \t     n += 1\n        else:\n    \t     m += 1\n'),
    'for x in xs:\n    if not x:\n        n += 1\n    else:\n        m += 1\n',
  );
});

test('keeps strings, continuation lines and comments in place', () => {
  const src = 'def f():\n  s = """a  \n   b"""\n  x = [1,\n       2]\n# note\n  return s\n';
  assert.equal(reindentPython(src), 'def f():\n    s = """a  \n   b"""\n    x = [1,\n         2]\n    # note\n    return s\n');
  assert.throws(() => reindentPython('x = "abc\n'), PyTokenizeError);
});

test('percentiles are nearest-rank', () => {
  const p = percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
  assert.deepEqual([p.min, p.p50, p.p90, p.max, p.mean], [1, 5, 9, 10, 5.5]);
});

const FILE = [
  '# add two numbers', // 1
  'a = 1 + 2', // 2
  '', //
  '# add two numbers', // 4: exact duplicate after cleaning
  'a = 1 + 2   ', //
  '', //
  '# broken string', // 7
  's = "abc', //
  '', //
  '# python 2 print', // 10
  'print "hi"', //
  '', //
  '# commented out', // 13
  '# x = 1', //
  '', //
  '#12 three space indent', // 16
  'if True:', //
  '   x = 1', //
  '', //
  '#', // 20: no description
  'y = 2', //
].join('\n');

test('cleaning accounts for every pair: read = kept + each drop reason', { skip: NO_PYTHON }, async (t) => {
  const f = path.join(tempDir(t), 'd.txt');
  writeFileSync(f, FILE);
  const { pairs, report } = await cleanPairs(readEnglishPython(f), 'english-python');
  assert.equal(report.read, 7);
  assert.deepEqual(report.dropped, { no_code: 1, no_description: 1, unparsable: 2, duplicate: 1 });
  assert.equal(report.read, report.kept + DROP_REASONS.reduce((s, r) => s + report.dropped[r], 0));
  assert.deepEqual(pairs.map((p) => [p.line, p.description, p.code]), [
    [1, 'add two numbers', 'a = 1 + 2\n'],
    [16, 'three space indent', 'if True:\n    x = 1\n'],
  ]);
  const unterminated = report.drops.find((d) => d.line === 7)!;
  assert.equal(unterminated.reason, 'unparsable');
  assert.match(unterminated.message, /line 8, column 5: unterminated string literal/);
  assert.match(report.drops.find((d) => d.line === 10)!.message, /parentheses/);
  assert.equal(report.rules.numberingStripped, 1);
  assert.equal(report.rules.reindentedPairs, 1);

  const kept = await cleanPairs(readEnglishPython(f), 'english-python', { keepUnparsable: true, dedupe: false });
  assert.equal(kept.report.kept, 5);
  assert.equal(kept.report.unparsable, 2);
  assert.match(kept.pairs.find((p) => p.line === 7)!.parseError!, /unterminated/);
});
