/**
 * `npm run bench [-- --json] [--steps N] [--no-torch] [--no-startup] [--profile] [--out FILE] [--readme README.md]`
 *
 * (a) GEMM GFLOP/s at the seed model's shapes; (b) one full training step
 * (forward, backward, clip, Adam) of the seed-sized model on a synthetic batch
 * (32 × 20 source, 32 × 120 target tokens), median after warm-up; the share of
 * that step spent in GEMM; peak RSS; (c) greedy generation of 100 tokens with the
 * key/value cache; (a)-(c) in float32 and, where the CPU has bf16 units, in bf16
 * (mixed precision, the default there); and, when python3 with torch is
 * available, the same step in PyTorch run from here, written two ways and each
 * in fp32 and under bf16 autocast, so the ratio compares like with like (same
 * machine, same moment, same BLAS environment) against PyTorch's fastest;
 * (d) cold starts of the CLI and the warm server with the default model
 * (bench/startup.ts). --readme rewrites the README's table (bench/benchTable.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { K, kernelBackend } from '../src/tensor/kernels/index.js';
import { engineEnvironment } from '../src/tensor/kernels/native.js';
import { Rng, tidy, backward, clipGradScale, Adam, noGrad, setPrecision, resolvePrecision, matmulInfo, type Precision } from '../src/tensor/index.js';
import { argmax } from '../src/decode/logits.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Seq2SeqTransformer, type Batch } from '../src/model/transformer.js';
import { seedConfig } from '../src/model/config.js';
import { repoRoot } from '../src/paths.js';
import { benchTable, latencyTable, replaceBenchSection, replaceLatencySection, type BenchResult, type StartupFile } from './benchTable.js';
import { describeStartup, measureStartup, type StartupResult } from './startup.js';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    steps: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
    'no-startup': { type: 'boolean', default: false },
    readme: { type: 'string' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const steps = Number(opts.steps);
const warmup = Number(opts.warmup);
const log = (msg: string) => {
  if (!opts.json) console.log(msg);
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// (a) GEMM
const rng = new Rng(0);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
const loadAtStart = os.loadavg()[0];
const info = matmulInfo();
const precision = resolvePrecision('auto');
const precisions: Precision[] = info.bf16 ? ['fp32', 'bf16'] : ['fp32'];
log(`matrix products: ${info.library}, ISA ${info.isa}, fp32 ${info.fp32Impl}, bf16 ${info.bf16Impl}; default precision here: ${precision}`);
const gemmShapes: Array<[number, number, number]> = [[4096, 256, 256], [4096, 256, 512], [4096, 256, 8449]];
const gemm_gflops: Record<string, number> = {};
const gemm_gflops_bf16: Record<string, number> = {};
for (const p of precisions) {
  setPrecision(p);
  for (const [M, Kd, N] of gemmShapes) {
    const A = rand(M * Kd), B = rand(Kd * N), C = new Float32Array(M * N);
    K().gemm(false, false, M, N, Kd, 1, A, Kd, B, N, 0, C, N); // warm-up
    const rates: number[] = [];
    const until = performance.now() + 400;
    while (rates.length < 5 || performance.now() < until) {
      const t0 = performance.now();
      K().gemm(false, false, M, N, Kd, 1, A, Kd, B, N, 0, C, N);
      rates.push((2 * M * N * Kd) / ((performance.now() - t0) / 1000) / 1e9);
    }
    (p === 'bf16' ? gemm_gflops_bf16 : gemm_gflops)[`${M}x${Kd}x${N}`] = median(rates);
    log(`gemm ${p} ${M}x${Kd} · ${Kd}x${N}: ${median(rates).toFixed(1)} GFLOP/s (fp32 inputs${p === 'bf16' ? ' converted to bf16 in the call' : ''})`);
  }
}

// (b) training step of the seed-sized model
const [B, S, T] = [32, 20, 120];
const model = new Seq2SeqTransformer(seedConfig(1700, 8449), 1);
model.training = true;
const params = model.params.list();
const adam = new Adam(params, { lr: 5e-4 });
const ids = (n: number, vocab: number) => Int32Array.from({ length: n }, () => 4 + rng.int(vocab - 4));
const batch: Batch = { batch: B, srcLen: S, tgtLen: T, src: ids(B * S, 1700), tgtIn: ids(B * T, 8449), tgtOut: ids(B * T, 8449) };
const step = () =>
  tidy(() => {
    const { loss } = model.loss(batch);
    backward(loss);
    adam.update(clipGradScale(params, 1.0)); // clipping as the trainer does it
    return loss.item();
  });

log(`seed-sized model: ${model.parameterCount().toLocaleString()} parameters, backend ${kernelBackend().name} (${kernelBackend().detail})`);
const tokens = B * (S + T);
const stepTimesBy: Partial<Record<Precision, number[]>> = {};
for (const p of precisions) {
  setPrecision(p);
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  stepTimesBy[p] = times;
  log(`training step ${p}: ${median(times).toFixed(0)} ms median of ${steps} (${times.map((t) => t.toFixed(0)).join(', ')}), ${(tokens / (median(times) / 1000)).toFixed(0)} tokens/s`);
}
const step_ms_fp32 = median(stepTimesBy.fp32!);
const step_ms_bf16 = stepTimesBy.bf16 ? median(stepTimesBy.bf16) : null;
const stepTimes = stepTimesBy[precision]!;
const step_ms = median(stepTimes);
const tokens_per_s = tokens / (step_ms / 1000);
setPrecision(precision); // the profile and generation below run in the default precision

// Where the time goes: time every kernel call during two more steps.
const kernels = K() as unknown as Record<string, (...a: unknown[]) => unknown>;
const kernelMs = new Map<string, number>();
const unwrapped = { ...kernels };
for (const [name, inner] of Object.entries(kernels)) {
  if (typeof inner !== 'function') continue;
  kernels[name] = (...a: unknown[]) => {
    const t0 = performance.now();
    const r = inner(...a);
    kernelMs.set(name, (kernelMs.get(name) ?? 0) + performance.now() - t0);
    return r;
  };
}
const t0 = performance.now();
step();
step();
const profiledMs = performance.now() - t0;
Object.assign(kernels, unwrapped); // the timings below run without the profiling wrappers
const gemmMs = (kernelMs.get('gemm') ?? 0) + (kernelMs.get('gemmBatched') ?? 0);
const gemm_share = gemmMs / profiledMs;
// Attention's per-head products run inside its fused kernels, counted apart.
const attention_share = ((kernelMs.get('attentionForward') ?? 0) + (kernelMs.get('attentionBackward') ?? 0)) / profiledMs;
const kernel_ms_per_step = Object.fromEntries([...kernelMs.entries()].sort((a, b) => b[1] - a[1]).map(([name, ms]) => [name, Math.round((ms / 2) * 10) / 10]));
log(`time in GEMM (${precision}): ${(100 * gemm_share).toFixed(0)}%, in fused attention: ${(100 * attention_share).toFixed(0)}%, elsewhere: ${(100 * (1 - gemm_share - attention_share)).toFixed(0)}%`);
if (opts.profile) {
  const rows = [...kernelMs.entries()].sort((a, b) => b[1] - a[1]);
  const kernelTotal = rows.reduce((s, [, ms]) => s + ms, 0);
  for (const [name, ms] of rows) log(`  ${name.padEnd(18)} ${(ms / 2).toFixed(1).padStart(8)} ms/step`);
  log(`  ${'(outside kernels)'.padEnd(18)} ${((profiledMs - kernelTotal) / 2).toFixed(1).padStart(8)} ms/step`);
}

const peak_rss_mb = process.resourceUsage().maxRSS / 1024;
log(`peak RSS: ${peak_rss_mb.toFixed(0)} MB`);

// (c) Greedy generation of a 100-token program with the key/value cache: encode
// a 20-word sentence, then 100 decoder steps, each followed by an argmax over the
// vocabulary (EOS ignored so that every run makes exactly 100 tokens).
model.training = false;
const greedyRun = () => {
  const t0 = performance.now();
  noGrad(() => tidy(() => {
    const src = ids(20, 1700);
    const { memory, mask } = model.encode(src, 1, 20);
    const state = model.startDecoding(memory, mask, 101);
    let token = 2;
    for (let i = 0; i < 100; i++) {
      tidy(() => {
        token = argmax(model.decodeStep(state, Int32Array.of(token)).logits.data);
      });
    }
  }));
  return performance.now() - t0;
};
const greedyBy: Partial<Record<Precision, number>> = {};
for (const p of precisions) {
  setPrecision(p);
  greedyRun();
  greedyBy[p] = median(Array.from({ length: 5 }, greedyRun));
  log(`greedy generation of 100 tokens, ${p}: ${greedyBy[p]!.toFixed(0)} ms (median of 5)`);
}
const greedy_100_ms = greedyBy[precision]!;

// PyTorch reference, same shapes, same environment: every variant, and the
// ratio against the fastest (what a PyTorch user on this CPU would pick).
interface TorchRun { variant: string; precision: string; step_ms: number; tokens_per_s: number; torch_version: string; peak_rss_mb: number }
const torch_variants: TorchRun[] = [];
let torch_note = '';
if (!opts['no-torch']) {
  const script = path.join(repoRoot, 'bench', 'torch_step.py');
  for (const py of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    for (const [variant, bf16] of [['nn', false], ['modules', false], ['modules', true], ['nn', true]] as const) {
      const label = `${variant}${bf16 ? ' bf16 autocast' : ' fp32'}`;
      log(`running the PyTorch reference (${label}) with ${py} ...`);
      const args = [script, '--steps', String(steps), '--warmup', String(warmup), '--variant', variant, ...(bf16 ? ['--bf16'] : [])];
      // PyTorch runs with the user's environment, not the OpenMP settings en2py chose for itself.
      const env = { ...process.env };
      for (const key of engineEnvironment) delete env[key];
      const r = spawnSync(py, args, { encoding: 'utf8', env });
      if (r.status !== 0) {
        torch_note += `PyTorch ${label} failed: ${r.stderr.slice(-300)} `;
        continue;
      }
      const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRun;
      torch_variants.push(run);
      log(`  PyTorch ${run.torch_version} ${label}: ${run.step_ms.toFixed(0)} ms/step, ${run.tokens_per_s.toFixed(0)} tokens/s`);
    }
    break;
  }
  if (!torch_variants.length && !torch_note) torch_note = 'no python3 with torch found (Debian: apt-get install python3-torch); ratio not measured';
}
const torch = torch_variants.length ? torch_variants.reduce((a, b) => (b.step_ms < a.step_ms ? b : a)) : null;
const speedup_vs_torch = torch ? tokens_per_s / torch.tokens_per_s : null;
if (torch) log(`PyTorch's fastest (${torch.variant}, ${torch.precision}): ${torch.step_ms.toFixed(0)} ms/step → en2py (${precision}) is ${speedup_vs_torch!.toFixed(2)}x`);
else if (torch_note) log(torch_note);

// (d) How long a user waits for one answer: cold CLI starts and the warm server (bench/startup.ts).
let startup: StartupResult | null = null;
if (!opts['no-startup']) {
  log('measuring cold starts and the warm server with the default model ...');
  startup = await measureStartup();
  log(describeStartup(startup));
}

const result = {
  // Other work on the machine skews every figure here: the 1-minute load average before and after.
  load_average: { start: loadAtStart, end: os.loadavg()[0] },
  backend: kernelBackend().name,
  backend_detail: kernelBackend().detail,
  cpu: os.cpus()[0]?.model ?? 'unknown', // as bench/startup.ts records it
  isa: info.isa,
  matmul: info,
  precision,
  openblas_coretype: process.env.OPENBLAS_CORETYPE ?? null,
  gemm_gflops,
  gemm_gflops_bf16: info.bf16 ? gemm_gflops_bf16 : null,
  step_ms,
  step_ms_all: stepTimes,
  step_ms_fp32,
  step_ms_bf16,
  tokens_per_s,
  gemm_share,
  attention_share,
  kernel_ms_per_step,
  peak_rss_mb,
  parameters: model.parameterCount(),
  greedy_100_ms,
  greedy_100_ms_fp32: greedyBy.fp32,
  greedy_100_ms_bf16: greedyBy.bf16 ?? null,
  torch,
  torch_variants,
  speedup_vs_torch,
  ...(torch_note ? { torch_note } : {}),
  startup,
  date: new Date().toISOString(),
};
if (opts.json) console.log(JSON.stringify(result));
if (opts.out) writeFileAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
// The latency measurements also go to results/startup.json (beside --out), the file the README's Web app section cites.
const startupFile = opts.out && startup ? path.join(path.dirname(opts.out), 'startup.json') : null;
if (startupFile) writeFileAtomic(startupFile, JSON.stringify(startup, null, 2) + '\n');
if (opts.readme) {
  let readme = readFileSync(opts.readme, 'utf8');
  readme = replaceBenchSection(readme, benchTable(result as unknown as BenchResult), opts.readme);
  if (startup) readme = replaceLatencySection(readme, latencyTable(startup as unknown as StartupFile), opts.readme);
  writeFileAtomic(opts.readme, readme);
  log(`rewrote the benchmark${startup ? ' and latency' : ''} tables in ${opts.readme}`);
}
