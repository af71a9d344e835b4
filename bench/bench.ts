/**
 * `npm run bench [-- --json] [--steps N] [--no-torch] [--profile] [--out FILE]`
 *
 * (a) GEMM GFLOP/s at the seed model's shapes; (b) one full training step
 * (forward, backward, clip, Adam) of the seed-sized model on a synthetic batch
 * (32 × 20 source, 32 × 120 target tokens), median after warm-up; the share of
 * that step spent in GEMM; peak RSS; (c) greedy generation of 100 tokens with the
 * key/value cache; and, when python3 with torch is available,
 * the same step in PyTorch run from here, so the ratio compares like with like
 * (same machine, same moment, same BLAS environment).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { K, kernelBackend } from '../src/tensor/kernels/index.js';
import { Rng, tidy, backward, clipGradNorm, Adam, noGrad } from '../src/tensor/index.js';
import { argmax } from '../src/decode/logits.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Seq2SeqTransformer, type Batch } from '../src/model/transformer.js';
import { seedConfig } from '../src/model/config.js';
import { repoRoot } from '../src/paths.js';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    steps: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
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
const gemmShapes: Array<[number, number, number]> = [[4096, 256, 256], [4096, 256, 512], [4096, 256, 8449]];
const gemm_gflops: Record<string, number> = {};
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
  gemm_gflops[`${M}x${Kd}x${N}`] = median(rates);
  log(`gemm ${M}x${Kd} · ${Kd}x${N}: ${median(rates).toFixed(1)} GFLOP/s`);
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
    clipGradNorm(params, 1.0);
    adam.update();
    return loss.item();
  });

log(`seed-sized model: ${model.parameterCount().toLocaleString()} parameters, backend ${kernelBackend().name} (${kernelBackend().detail})`);
for (let i = 0; i < warmup; i++) step();
const stepTimes: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  stepTimes.push(performance.now() - t0);
}
const step_ms = median(stepTimes);
const tokens = B * (S + T);
const tokens_per_s = tokens / (step_ms / 1000);
log(`training step: ${step_ms.toFixed(0)} ms median of ${steps} (${stepTimes.map((t) => t.toFixed(0)).join(', ')}), ${tokens_per_s.toFixed(0)} tokens/s`);

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
log(`time in GEMM: ${(100 * gemm_share).toFixed(0)}% (outside GEMM: ${(100 * (1 - gemm_share)).toFixed(0)}%)`);
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
greedyRun();
const greedy_100_ms = median(Array.from({ length: 5 }, greedyRun));
log(`greedy generation of 100 tokens: ${greedy_100_ms.toFixed(0)} ms (median of 5)`);

// PyTorch reference, same shapes, same environment.
let torch: { step_ms: number; tokens_per_s: number; torch_version: string; peak_rss_mb: number } | null = null;
let torch_note = '';
if (!opts['no-torch']) {
  const script = path.join(repoRoot, 'bench', 'torch_step.py');
  for (const py of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    log(`running the PyTorch reference with ${py} ...`);
    const r = spawnSync(py, [script, '--steps', String(steps), '--warmup', String(warmup)], { encoding: 'utf8' });
    if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').pop()!);
    else torch_note = `PyTorch reference failed: ${r.stderr.slice(-300)}`;
    break;
  }
  if (!torch && !torch_note) torch_note = 'no python3 with torch found (Debian: apt-get install python3-torch); ratio not measured';
}
const speedup_vs_torch = torch ? tokens_per_s / torch.tokens_per_s : null;
if (torch) log(`PyTorch ${torch.torch_version}: ${torch.step_ms.toFixed(0)} ms/step, ${torch.tokens_per_s.toFixed(0)} tokens/s → en2py is ${speedup_vs_torch!.toFixed(2)}x`);
else if (torch_note) log(torch_note);

const result = {
  backend: kernelBackend().name,
  backend_detail: kernelBackend().detail,
  openblas_coretype: process.env.OPENBLAS_CORETYPE ?? null,
  gemm_gflops,
  step_ms,
  step_ms_all: stepTimes,
  tokens_per_s,
  gemm_share,
  peak_rss_mb,
  parameters: model.parameterCount(),
  greedy_100_ms,
  torch,
  speedup_vs_torch,
  ...(torch_note ? { torch_note } : {}),
  date: new Date().toISOString(),
};
if (opts.json) console.log(JSON.stringify(result));
if (opts.out) writeFileAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
