// The README's data facts are written from the files that hold them, and the
// committed README shows what those files say today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataFactsSection } from '../../src/experiments/dataFactsReport.js';
import { DATA_FACTS_END, DATA_FACTS_START } from '../../src/experiments/report.js';
import { repoRoot, tempDir } from '../helpers.js';

test('data facts: cleaning counts from data-stats.json, split and vocabulary sizes from the model\'s run.json', (t) => {
  const dir = tempDir(t);
  const results = path.join(dir, 'results');
  const model = path.join(dir, 'model');
  mkdirSync(results);
  mkdirSync(model);
  writeFileSync(path.join(results, 'data-stats.json'), JSON.stringify({ file: { name: 'pairs.txt', sha256: '0'.repeat(64) }, read: 1234, kept: 1000, dropped: { no_code: 7, no_description: 1, unparsable: 26, duplicate: 200 } }));
  writeFileSync(path.join(model, 'run.json'), JSON.stringify({ data: { minFreq: 3 }, model: { numberSlots: false }, summary: { split: { seed: 4, pairs: { train: 800, valid: 100, test: 100 } }, vocab: { en: 1500, py: 4321 } } }));
  const text = dataFactsSection(results, model, dir).join('\n');
  assert.match(text, /^Measured on pairs\.txt: read 1,234 blocks, kept 1,000 pairs; dropped 7 with no code, 1 with no description, 26 that do not parse, 200 exact duplicates \(`results\/data-stats\.json`/);
  assert.match(text, /split \(seed 4\): train 800, valid 100, test 100 pairs; its vocabularies, built from the training split \(min frequency 3\), hold 1,500 English and 4,321 Python tokens/);
  assert.match(dataFactsSection(path.join(dir, 'none'), model, dir).join('\n'), /data-stats\.json is missing/);
});

test('data facts: the README shows what results/ and models/default/run.json hold (regenerate: en2py experiment report)', () => {
  const root = repoRoot();
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const a = readme.indexOf(DATA_FACTS_START);
  const b = readme.indexOf(DATA_FACTS_END);
  assert.ok(a >= 0 && b > a, 'the README has the data-facts markers');
  const shown = readme.slice(a + DATA_FACTS_START.length, b).trim();
  assert.equal(shown, dataFactsSection(path.join(root, 'results'), path.join(root, 'models', 'default'), root).join('\n'));
});
