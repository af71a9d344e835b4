// `en2py experiment report`: the table, the seed-spread verdicts and the plots
// come from the result files, and the README section between the markers is
// replaced while everything else is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_EVAL_END, DEFAULT_EVAL_START, README_END, README_START, spearman, writeReport } from '../../src/experiments/report.js';
import { tempDir } from '../helpers.js';

function fakeResult(name: string, v: { ppl: number; bleu: number; syntax: number; exact: number; mbppBound: number }) {
  return {
    name, description: `${name} | test`, configFile: `experiments/${name}.json`, config: {}, commit: { hash: 'a'.repeat(40), dirty: false },
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 4, platform: 'linux', node: 'v20', ompThreads: null }, recordedAt: '2026-01-01T00:00:00Z',
    training: { parameters: 1, epochs: 3, bestEpoch: 2, bestValidLoss: Math.log(v.ppl), bestValidPpl: v.ppl, stopReason: 'finished 3 epochs', stepSeconds: 60, validSeconds: 6, tokensPerSecond: 1000 },
    embeddings: null,
    eval: {
      test: { examples: 306, bleu: v.bleu, codebleu: { codebleu: v.bleu / 100 }, exactMatch: v.exact, syntaxValidity: v.syntax },
      mbpp: { problems: 500, passAtK: { 'pass@1': 0 }, boundPassAtK: { 'pass@1': v.mbppBound } },
      benchmark: { problems: 120, passAtK: { 'pass@1': 0 }, boundPassAtK: { 'pass@1': 0 } },
    },
    evalSeconds: 120, wallSeconds: 186, evalLimit: null,
  };
}

function writeResults(dir: string, rows: Array<[string, Parameters<typeof fakeResult>[1]]>) {
  rows.forEach(([name, v], i) => {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, 'result.json'), JSON.stringify(fakeResult(name, v)));
    const epochs = [1, 2, 3].map((e) => JSON.stringify({ epoch: e, train_loss: 4 - e + i * 0.1, valid_loss: 4.5 - e / 2 + i * 0.1, train_ppl: 1, valid_ppl: 1, tokens_per_s: 1, epoch_s: 20, lr: 1, best: true }));
    writeFileSync(path.join(dir, name, 'metrics.jsonl'), epochs.join('\n') + '\n');
  });
}

test('the report tables, seed-spread verdicts, plots and README section come from the result files', (t) => {
  const dir = tempDir(t);
  const results = path.join(dir, 'results');
  writeResults(results, [
    ['e1-baseline', { ppl: 12, bleu: 6, syntax: 0.6, exact: 0, mbppBound: 0.004 }],
    ['e1-baseline-seed2', { ppl: 12.5, bleu: 7, syntax: 0.62, exact: 0, mbppBound: 0.006 }],
    ['e4-better', { ppl: 11, bleu: 9, syntax: 0.61, exact: 0.01, mbppBound: 0.01 }],
    ['e4-worse', { ppl: 14, bleu: 6.5, syntax: 0.4, exact: 0, mbppBound: 0 }],
  ]);
  const readme = path.join(dir, 'README.md');
  writeFileSync(readme, `# Title\n\nbefore\n\n${README_START}\nold table\n${README_END}\n\nmiddle\n\n${DEFAULT_EVAL_START}\nold default\n${DEFAULT_EVAL_END}\n\nafter\n`);
  const evalDir = path.join(results, 'default-eval');
  mkdirSync(path.join(evalDir, 'plain'), { recursive: true });
  const testSummary = (bleu: number, syntax: number) => JSON.stringify({ examples: 306, bleu, codebleu: { codebleu: 0.15 }, exactMatch: 0.0098, syntaxValidity: syntax,
    tokenAccuracy: 0.5, perplexity: 11.2, unkRate: 0, bleuDetail: { bp: 0.9 } });
  writeFileSync(path.join(evalDir, 'plain', 'greedy.json'), testSummary(6.05, 0.634));
  writeFileSync(path.join(evalDir, 'beam5.json'), testSummary(15.5, 0.99));
  writeFileSync(path.join(evalDir, 'benchmark.json'), JSON.stringify({ problems: 120, passAtK: { 'pass@1': 0.05 }, boundPassAtK: { 'pass@1': 0.1 }, syntaxValidity: 0.95 }));
  // e4-worse names e4-better as its base in its config (read from the experiments folder).
  const experiments = path.join(dir, 'experiments');
  mkdirSync(experiments);
  writeFileSync(path.join(experiments, 'e4-worse.json'), JSON.stringify({ base: 'e4-better', train: { labelSmoothing: 0.1 } }));
  const r = writeReport({ resultsDir: results, readme, baseline: 'e1-baseline', seedTwin: 'e1-baseline-seed2', experimentsDir: experiments });
  assert.equal(r.experiments, 4);

  const doc = readFileSync(path.join(results, 'README.md'), 'utf8');
  assert.match(doc, /\| e1-baseline \| 12\.00 \| 6\.00 \| 0\.0600 \| 0\.00 % \| 60\.0 % \| 0\.0 % \/ 0\.4 % \| 0\.0 % \/ 0\.0 % \| 3 \(2\) \| 3\.1 min \|/);
  // Spread: ppl 0.5, BLEU 1.0, syntax 2 points. e4-better: ppl -1 (beyond, better), BLEU +3 (beyond), syntax +1 (within).
  assert.match(doc, /\| seed spread \(\\\|e1-baseline − e1-baseline-seed2\\\|\) \| 0\.50 \| 1\.00 \|/);
  const better = doc.split('\n').find((l) => l.startsWith('| e4-better |') && l.includes('Δ') === false && l.includes('✱'))!;
  assert.ok(better, 'e4-better has a row in the spread table');
  assert.match(better, /-1\.00 ✱ \| \+3\.00 ✱/);
  assert.match(better, /\+1\.0(?! ✱)/);
  assert.match(better, /valid ppl ▲, BLEU ▲/);
  const worse = doc.split('\n').find((l) => l.startsWith('| e4-worse |') && l.includes('▼'))!;
  assert.match(worse, /valid ppl ▼/);
  assert.match(worse, /syntax-valid ▼/);
  assert.doesNotMatch(worse, /BLEU ▼/, 'BLEU -0.5 is within the spread of 1.0');
  assert.match(doc, /\| e4-better \| .*\\\| test/, 'pipes in descriptions are escaped');
  // Against its own base: ppl 14 − 11 = +3 and BLEU 6.5 − 9 = −2.5, both past the spread.
  const ownBase = doc.split('\n').filter((l) => l.includes(' − e4-better |'));
  assert.equal(ownBase.length, 1, 'only e4-worse names a base');
  assert.match(ownBase[0], /^\| e4-worse − e4-better \| \+3\.00 ✱ \| -2\.50 ✱ \|.*valid ppl ▼, BLEU ▼/);
  assert.match(doc, /!\[loss\]\(plots\/loss\.svg\)/);

  for (const f of ['loss.svg', 'metrics.svg']) {
    const svg = readFileSync(path.join(results, 'plots', f), 'utf8');
    assert.match(svg, /^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    for (const name of ['e1-baseline', 'e4-worse']) assert.ok(svg.includes(name), `${f} names ${name}`);
  }

  const readmeText = readFileSync(readme, 'utf8');
  assert.ok(readmeText.startsWith('# Title\n\nbefore\n\n'));
  assert.ok(readmeText.endsWith('\n\nafter\n'));
  assert.doesNotMatch(readmeText, /old table/);
  assert.match(readmeText, /\| e4-worse \|/);
  assert.doesNotMatch(readmeText, /old default/);
  assert.ok(readmeText.includes('\n\nmiddle\n\n'), 'text between the two sections stays');
  assert.match(readmeText, /\| greedy, plain \| 6\.05 \| 0\.150 \| 1\.0% \| 63\.4% \| 50\.0% \| 11\.20 \| 0\.0% \| 0\.90 \| - \| - \|/);
  assert.match(readmeText, /\| beam 5 \+ syntax guard \+ repetition limit \+ rerank by parse with greedy fallback \(default\) \| 15\.50 \|.* 99\.0% \|/);
  assert.doesNotMatch(readmeText, /\| beam 5, plain \|/, 'no row for a summary that is missing');
  assert.match(readmeText, /\| team benchmark \| the problem's sentence \| greedy \+ syntax guard \| 120 \| 5\.0% \/ 10\.0% \| - \| 95\.0% \| `benchmark\.json` \|/);
  assert.doesNotMatch(readmeText, /mbpp-beam5\.json/, 'no row for a summary that is missing');
  assert.match(readmeText, /!\[metrics\]\(results\/plots\/metrics\.svg\)/);

  writeFileSync(readme, '# no markers\n');
  assert.throws(() => writeReport({ resultsDir: results, readme, baseline: 'e1-baseline', seedTwin: 'e1-baseline-seed2' }), /no results markers/);
  assert.throws(() => writeReport({ resultsDir: path.join(dir, 'empty'), readme: null, baseline: 'a', seedTwin: 'b' }), /no results folder/);
});

test('Spearman rank correlation handles ties and constant inputs', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), null);
  // With ties: ranks x = [1.5, 1.5, 3], y = [1, 2, 3] → Pearson of ranks = 0.866.
  assert.ok(Math.abs(spearman([5, 5, 7], [1, 2, 3])! - Math.sqrt(3) / 2) < 1e-12);
});
