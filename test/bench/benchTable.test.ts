// The README's benchmark and latency tables are written from results/bench.json and
// results/startup.json by `npm run bench -- --out results/bench.json --readme README.md`:
// they must match those files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_END, BENCH_START, benchTable, latencyTable, replaceBenchSection, replaceLatencySection, type BenchResult, type StartupFile } from '../../bench/benchTable.js';
import { repoRoot } from '../helpers.js';

const sample: BenchResult = {
  cpu: 'Test CPU', isa: 'avx512_core_amx', precision: 'bf16',
  matmul: { library: 'oneDNN 2.6.3', fp32Impl: 'brg:avx512_core', bf16Impl: 'brg:avx512_core_amx_bf16', bf16: true },
  openblas_coretype: null,
  gemm_gflops: { a: 300, b: 310, c: 320 }, gemm_gflops_bf16: { a: 900, b: 1000, c: 700 },
  step_ms: 400, step_ms_fp32: 600, step_ms_bf16: 400, tokens_per_s: 4480 / 0.4, gemm_share: 0.5, peak_rss_mb: 1300,
  greedy_100_ms_fp32: 80, greedy_100_ms_bf16: 70,
  torch: { variant: 'modules', precision: 'bf16', step_ms: 800, tokens_per_s: 5600, torch_version: '1.13', peak_rss_mb: 1500 },
  torch_variants: [
    { variant: 'nn', precision: 'fp32', step_ms: 1600, tokens_per_s: 2800, torch_version: '1.13', peak_rss_mb: 1500 },
    { variant: 'modules', precision: 'bf16', step_ms: 800, tokens_per_s: 5600, torch_version: '1.13', peak_rss_mb: 1500 },
  ],
  speedup_vs_torch: 2, startup: null, date: '2026-11-29T00:00:00.000Z',
};

test('the table compares each precision with PyTorch\'s fastest variant, fastest first', () => {
  const t = benchTable(sample);
  assert.match(t, /\| en2py, bf16 \(mixed precision\) \| 400 ms \| 11,200 \| \*\*2\.00x\*\* \|/);
  assert.match(t, /\| en2py, fp32 \| 600 ms \| 7,467 \| \*\*1\.33x\*\* \|/);
  assert.match(t, /module by module, bf16 autocast \(fastest\) \| 800 ms/);
  assert.ok(t.indexOf('bf16 autocast (fastest)') < t.indexOf('`nn.Transformer`, fp32'), 'PyTorch variants sorted by speed');
  assert.match(t, /Test CPU/);
});

test('replacing the section keeps the markers and everything around them', () => {
  const readme = `before\n${BENCH_START}\nold\n${BENCH_END}\nafter\n`;
  const out = replaceBenchSection(readme, 'new table');
  assert.equal(out, `before\n${BENCH_START}\n\nnew table\n\n${BENCH_END}\nafter\n`);
  assert.throws(() => replaceBenchSection('no markers', 'x', 'X.md'), /X\.md: the markers/);
});

test('README.md holds exactly the table results/bench.json gives', () => {
  const root = repoRoot();
  const result = JSON.parse(readFileSync(path.join(root, 'results', 'bench.json'), 'utf8')) as BenchResult;
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, replaceBenchSection(readme, benchTable(result)),
    'the README benchmark table differs from results/bench.json: run npm run bench -- --out results/bench.json --readme README.md');
});

test('README.md holds exactly the latency table results/startup.json gives', () => {
  const root = repoRoot();
  const startup = JSON.parse(readFileSync(path.join(root, 'results', 'startup.json'), 'utf8')) as StartupFile;
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, replaceLatencySection(readme, latencyTable(startup)),
    'the README latency table differs from results/startup.json: run npm run bench -- --out results/bench.json --readme README.md');
  assert.match(latencyTable(startup), /\| `en2py generate .*`, cold \| [\d,]+ ms \|/);
});
