import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, NO_PYTHON, refusedUrl, tempDir } from '../helpers.js';

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const FILE = '# add two numbers\nprint(1 + 2)\n\n# add two numbers\nprint(1 + 2)\n\n# broken\nprint(1\n\n# Q3) greet someone\ndef greet(name):\n\treturn "hi " + name\n';

test('data stats --json counts every rule', { skip: NO_PYTHON }, (t) => {
  const f = path.join(tempDir(t), 'd.txt');
  writeFileSync(f, FILE);
  const r = run('data', 'stats', '--data', f, '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.format, 'english-python');
  assert.equal(s.read, 4);
  assert.equal(s.kept, 2);
  assert.deepEqual(s.dropped, { no_code: 0, no_description: 0, unparsable: 1, duplicate: 1 });
  assert.equal(s.unparsable, 1);
  assert.equal(s.rules.numberingStripped, 1);
  assert.equal(s.lengths.codeTokens.max, 14);
  const text = run('data', 'stats', '--data', f);
  assert.match(text.stdout, /read 4, kept 2/);
});

test('data split writes train/valid/test JSONL, a report and vocabularies', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const f = path.join(dir, 'd.txt');
  writeFileSync(f, Array.from({ length: 40 }, (_, i) => `# task number ${i} of many\nx = ${i}\n`).join('\n'));
  const out = path.join(dir, 'out');
  const r = run('data', 'split', '--data', f, '--out', out, '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const lines = (n: string) => readFileSync(path.join(out, `${n}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual([lines('train').length, lines('valid').length, lines('test').length], [32, 4, 4]);
  const report = JSON.parse(readFileSync(path.join(out, 'split-report.json'), 'utf8'));
  assert.equal(report.split.seed, 3);
  const vocab = JSON.parse(readFileSync(path.join(out, 'vocab.py.json'), 'utf8'));
  assert.deepEqual(vocab.tokens.slice(0, 7), ['<pad>', '<unk>', '<bos>', '<eos>', '<nl>', '<indent>', '<dedent>']);
  const again = run('data', 'split', '--data', f, '--out', path.join(dir, 'out2'), '--seed', '3');
  assert.equal(again.status, 0);
  assert.equal(readFileSync(path.join(dir, 'out2', 'test.jsonl'), 'utf8'), readFileSync(path.join(out, 'test.jsonl'), 'utf8'));
  const withBpe = run('data', 'split', '--data', f, '--out', path.join(dir, 'out3'), '--bpe', '20', '--min-freq', '1');
  assert.equal(withBpe.status, 0, withBpe.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'out3', 'bpe.py.json'), 'utf8')).merges.length, 20);
});

test('user errors print one line, no stack trace, exit 2', async (t) => {
  const dir = tempDir(t);
  const empty = path.join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const r = run('data', 'stats', '--data', empty);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `en2py: ${empty}:1: file is empty, expected data\n`);
  const url = await refusedUrl();
  const off = run('data', 'download', '--cache', dir, '--url', url);
  assert.equal(off.status, 2);
  assert.ok(off.stderr.startsWith(`en2py: ${url}: cannot download (ECONNREFUSED); are you offline?`), off.stderr);
  assert.doesNotMatch(off.stderr, /\n\s+at /);
});
