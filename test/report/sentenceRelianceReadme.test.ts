// The README's table of how much each model reads its sentence is results/sentence-reliance/issue19.json
// (made by bench/sentenceReliance.ts): every row's numbers are that file's, for the model the row names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers.js';

interface Row { model: string; perplexity: number; otherSentencePerplexity: number; ratio: number }

test('README: the sentence-reliance table equals results/sentence-reliance/issue19.json', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const rows = (JSON.parse(readFileSync(path.join(repoRoot(), 'results', 'sentence-reliance', 'issue19.json'), 'utf8')) as { rows: Row[] }).rows;
  const header = "| model | valid ppl | ppl given another pair's sentence | ratio |";
  const start = readme.indexOf(header);
  assert.ok(start >= 0, 'the table is in the README');
  const after = readme.slice(start).split('\n').slice(2).map((l) => l.trim());
  const lines = after.slice(0, after.findIndex((l) => !l.startsWith('|')));
  assert.ok(lines.length >= 5, `${lines.length} rows`);
  for (const line of lines) {
    const [label, ppl, other, ratio] = line.split('|').slice(1, 5).map((c) => c.trim());
    const e = /^(E\d+b?)\b/.exec(label);
    const row = e
      ? rows.find((r) => path.basename(r.model).startsWith(e[1].toLowerCase() + '-'))
      : rows.find((r) => r.model === 'models/default' && label.startsWith('default'));
    assert.ok(row, `no result for the row "${label}"`);
    assert.deepEqual([ppl, other, ratio], [row.perplexity.toFixed(2), row.otherSentencePerplexity.toFixed(2), row.ratio.toFixed(2)], label);
  }
});
