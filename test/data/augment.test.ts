// Augmentation by consistent renaming: through the lexer, never by text; the
// program keeps its shape and parses; attributes, keyword names, f-string
// names, builtins and names the description mentions stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCleanPairs } from '../../src/data/load.js';
import { localNames, renamedCopies, renameLocals } from '../../src/data/augment.js';
import { checkPythonSyntax } from '../../src/python/astCheck.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareData } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { EN_PY_FILE, NO_PYTHON, skipUnlessExists, tempDir } from '../helpers.js';
import { writeTinyData } from '../train/fixtures.js';

const shape = (code: string) => lexPython(code).map((t) => t.type).join(' ');
const names = (code: string) => lexPython(code).filter((t) => t.type === 'NAME').map((t) => t.value);

test('locals are found by the rules, and everything else is protected', () => {
  const code = [
    'import math',
    'from os import path',
    'def area(radius, scale=2, *args, **kwargs):',
    '    total, count = 0, 0',
    '    for i, item in enumerate(args):',
    '        total += item',
    '    with open(path) as handle:',
    '        text = handle.read()',
    '    obj.total = total',
    '    squares = [k * k for k in range(3)]',
    '    return math.pi * radius ** scale',
    '',
  ].join('\n');
  assert.deepEqual([...localNames(lexPython(code))].sort(), ['args', 'count', 'handle', 'i', 'item', 'k', 'kwargs', 'radius', 'scale', 'squares', 'text', 'total']);
});

test('renaming is consistent, keeps the shape, and spares what must stay', () => {
  const code = 'def add(first, second):\n    total = first + second\n    print(f"{total}", sep=sep_value)\n    obj.second = second\n    return f(first=first)\n';
  const out = renameLocals(code, 'write a function to add the first two numbers', 7)!;
  assert.ok(out !== null);
  assert.equal(shape(out), shape(code), 'same token types in the same order');
  const before = names(code), after = names(out);
  const mapping = new Map<string, string>();
  before.forEach((n, i) => { if (n !== after[i]) { assert.ok(!mapping.has(n) || mapping.get(n) === after[i], `${n} renamed consistently`); mapping.set(n, after[i]); } });
  assert.deepEqual([...mapping.keys()].sort(), ['second'], `only "second" may change: ${JSON.stringify([...mapping])}`);
  assert.match(out, /obj\.second = /, 'the attribute keeps its name');
  assert.match(out, /f\(first=first\)/, '"first" is in the description: kept');
  assert.match(out, /f"\{total\}"/, 'a name used inside an f-string is kept');
  assert.equal(renameLocals(code, 'write a function to add the first two numbers', 7), out, 'same seed, same result');
  assert.equal(renameLocals('print(len([1, 2]))\n', 'print a length', 1), null, 'nothing to rename');
  assert.equal(renameLocals('def f(:\n', 'broken', 1), null, 'code that does not lex');
  const kw = renameLocals('def g(n, step=1):\n    return h(step=step, n=n)\n', 'g', 3)!;
  assert.match(kw, /^def g\((\w+), (\w+)=1\):\n    return h\(step=\2, n=\1\)\n$/, `parameter defaults renamed, keyword names kept: ${kw}`);
});

test('renamed copies of the real training programs all parse and keep their shape', { skip: skipUnlessExists(EN_PY_FILE) ?? NO_PYTHON }, async () => {
  const { pairs } = await loadCleanPairs(EN_PY_FILE);
  const copies = renamedCopies(pairs, 1, 1);
  assert.ok(copies.length > pairs.length / 2, `${copies.length} of ${pairs.length} programs have locals to rename`);
  const byId = new Map(pairs.map((p) => [p.id, p]));
  for (const c of copies) assert.equal(shape(c.code), shape(byId.get(c.id.replace(/~r\d+$/, ''))!.code), c.id);
  const checks = await checkPythonSyntax(copies.map((c) => c.code));
  const bad = copies.filter((_, i) => !checks[i].ok);
  assert.equal(bad.length, 0, `do not parse: ${bad.slice(0, 3).map((c) => `${c.id}: ${c.code}`).join('\n')}`);
});

test('renamed copies join training but not the vocabularies', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const specFile = (renamed: number) => {
    const file = path.join(dir, `spec-${renamed}.json`);
    writeFileSync(file, JSON.stringify({ preset: 'seed', data: { path: data, minFreq: 2, renamedCopies: renamed } }));
    return readSpecFile(file);
  };
  const runDir = (name: string) => {
    mkdirSync(path.join(dir, name));
    return path.join(dir, name);
  };
  const plain = await prepareData(specFile(0), runDir('plain'), { resume: false });
  const augmented = await prepareData(specFile(1), runDir('augmented'), { resume: false });
  assert.ok(augmented.train.length > plain.train.length, `${augmented.train.length} training examples with copies, ${plain.train.length} without`);
  assert.deepEqual(augmented.tgtVocab.tokens, plain.tgtVocab.tokens, 'Python vocabulary unchanged by the copies');
  assert.deepEqual(augmented.srcVocab.tokens, plain.srcVocab.tokens, 'English vocabulary unchanged by the copies');
});
