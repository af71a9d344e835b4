import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readEnglishPython } from '../../src/data/englishPython.js';
import { readConala } from '../../src/data/conala.js';
import { readMbpp } from '../../src/data/mbpp.js';
import { detectFormat } from '../../src/data/readers.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const SAMPLE = [
  '# write a python program to add two numbers', // 1
  'a = 1', // 2
  'print(a)', // 3
  '# write a program to print hello', // 4: glued, no blank line before it
  "print('hello')", // 5
  '', // 6
  '#24 find the largest of', // 7: description over two lines
  '# three numbers', // 8
  '', // 9: blank line between description and code
  'print(max(1, 2, 3))', // 10
  '   ', // 11: whitespace-only line
  '# try:', // 12: commented-out sample
  '#     x = 1', // 13
  '', // 14
].join('\n');

function write(dir: string, name: string, data: string | Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, data);
  return f;
}

const userError = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
  assert.match(e.message, re);
  return true;
};

test('english-python: samples, glued samples, multi-line descriptions, line numbers', (t) => {
  const f = write(tempDir(t), 'd.txt', SAMPLE);
  const r = readEnglishPython(f);
  assert.deepEqual(r.pairs.map((p) => p.line), [1, 4, 7, 12]);
  assert.deepEqual(r.pairs.map((p) => p.description), [
    'write a python program to add two numbers', 'write a program to print hello', '24 find the largest of three numbers', 'try: x = 1',
  ]);
  assert.equal(r.pairs[0].code, 'a = 1\nprint(a)\n');
  assert.equal(r.pairs[2].code, 'print(max(1, 2, 3))\n');
  assert.deepEqual(r.pairs.map((p) => p.codeLine), [2, 5, 10, undefined]);
  assert.equal(r.pairs[3].code, '');
  assert.equal(r.counts.splitGlued, 1);
  assert.equal(r.counts.multiLineDescriptions, 2);
  assert.equal(r.pairs[1].id, 'english-python:4');
  assert.equal(readEnglishPython(f, { splitGlued: false }).pairs.length, 3);
});

test('english-python: code before the first description is counted, not lost', (t) => {
  const r = readEnglishPython(write(tempDir(t), 'd.txt', 'import os\n\n# list files\nprint(os.listdir())\n'));
  assert.deepEqual(r.drops, [{ line: 1, reason: 'code_before_first_description', message: 'code before the first # description line' }]);
  assert.equal(r.pairs.length, 1);
});

test('bad files are UserErrors naming file and line', (t) => {
  const dir = tempDir(t);
  assert.throws(() => readEnglishPython(write(dir, 'empty.txt', '')), userError(/empty\.txt:1: file is empty/));
  assert.throws(() => readEnglishPython(write(dir, 'blank.txt', '\n  \n')), userError(/blank\.txt:1: .*only whitespace/));
  assert.throws(() => readEnglishPython(write(dir, 'bin.txt', Buffer.from([0x23, 0x20, 0x61, 0x0a, 0x00, 0x01, 0x02]))), userError(/bin\.txt:2: binary data/));
  assert.throws(() => readEnglishPython(write(dir, 'nohash.txt', 'x = 1\nprint(x)\n')), userError(/nohash\.txt:1: no sample found/));
  assert.throws(() => readEnglishPython(write(dir, 'latin1.txt', Buffer.from('# ok\nx = 1\n# caf\xe9\n', 'latin1'))), userError(/latin1\.txt:3: invalid UTF-8/));
  assert.throws(() => readEnglishPython(path.join(dir, 'missing.txt')), userError(/missing\.txt: cannot read \(ENOENT\)/));
  assert.throws(() => readEnglishPython(dir), userError(/is a directory/));
});

test('conala: rewritten_intent, falling back to intent; item lines', (t) => {
  const items = [
    { intent: 'How to sum?', rewritten_intent: 'sum list `x`', snippet: 'sum(x)', question_id: 1 },
    { intent: 'reverse a list', rewritten_intent: null, snippet: 'x[::-1]', question_id: 1 },
  ];
  const r = readConala(write(tempDir(t), 'c.json', JSON.stringify(items, null, 2)));
  assert.deepEqual(r.pairs.map((p) => [p.id, p.description, p.code, p.line]), [
    ['conala:1:0', 'sum list `x`', 'sum(x)\n', 2],
    ['conala:1:1', 'reverse a list', 'x[::-1]\n', 8],
  ]);
  assert.equal(r.counts.usedIntentFallback, 1);
});

test('conala: wrong fields and broken JSON are UserErrors with the line', (t) => {
  const dir = tempDir(t);
  const wrong = JSON.stringify([{ intent: 'a', snippet: 'b', question_id: 1 }, { intent: 'a', code: 'b', question_id: 2 }], null, 2);
  assert.throws(() => readConala(write(dir, 'wrong.json', wrong)), userError(/wrong\.json:7: item 1: .*snippet/));
  assert.throws(() => readConala(write(dir, 'obj.json', '{"a": 1}')), userError(/obj\.json:1: expected a JSON array/));
  assert.throws(() => readConala(write(dir, 'broken.json', '[\n {"intent": "a",\n  "snippet": }\n]')), userError(/broken\.json:3: invalid JSON/));
});

test('mbpp: text, code, task_id and test_list kept; wrong fields are UserErrors with the line', (t) => {
  const dir = tempDir(t);
  const ok = [
    { text: 'Write a function to add.', code: 'def add(a, b):\r\n\treturn a + b', task_id: 7, test_list: ['assert add(1, 2) == 3'], test_setup_code: '' },
  ].map((o) => JSON.stringify(o)).join('\n') + '\n\n';
  const r = readMbpp(write(dir, 'm.jsonl', ok));
  assert.deepEqual(r.pairs[0], {
    id: 'mbpp:7', description: 'Write a function to add.', code: 'def add(a, b):\n\treturn a + b\n', source: 'mbpp', line: 1,
    taskId: 7, testList: ['assert add(1, 2) == 3'],
  });
  const bad = `${JSON.stringify({ text: 'a', code: 'b', task_id: 1, test_list: [] })}\n${JSON.stringify({ text: 'a', code: 'b', task_id: 'x' })}\n`;
  assert.throws(() => readMbpp(write(dir, 'bad.jsonl', bad)), userError(/bad\.jsonl:2: expected an MBPP object.*task_id/));
  assert.throws(() => readMbpp(write(dir, 'junk.jsonl', '{"text": 1\n')), userError(/junk\.jsonl:1: invalid JSON/));
});

test('format comes from the extension unless given', () => {
  assert.equal(detectFormat('a/b.txt'), 'english-python');
  assert.equal(detectFormat('a/b.json'), 'conala');
  assert.equal(detectFormat('a/b.jsonl'), 'mbpp');
  assert.equal(detectFormat('a/b.dat', 'mbpp'), 'mbpp');
  assert.throws(() => detectFormat('a/b.dat'), userError(/--format/));
  assert.throws(() => detectFormat('a/b.txt', 'csv'), userError(/--format csv/));
});
