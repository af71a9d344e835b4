// How long a user waits for one answer: the CLI started afresh (a new node
// process that loads the default model, decodes and compiles the candidates), and
// the server answering when warm.
//   node dist/bench/startup.js [--runs 10] [--requests 20] [--out results/startup.json] [--readme README.md]
// `measureStartup()` is what `npm run bench` calls. Each command is run once
// first, unrecorded, so that the files are in the page cache: "cold" is a cold
// process, not a cold disk.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/paths.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { measureServeLatency, quantile, type ServeLatency } from './serveLatency.js';
import { latencyTable, replaceLatencySection, type StartupFile } from './benchTable.js';

export const STARTUP_PROMPT = 'write a python function to add two numbers';
const CLI = path.join(repoRoot, 'dist', 'src', 'cli.js');
const MODEL = path.join(repoRoot, 'models', 'default');

export interface ColdStart {
  /** The command line: `en2py …` (node running dist/src/cli.js, as the installed command does) or `npx en2py …`. */
  command: string;
  runs: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
}

export interface StartupResult {
  cpu: string;
  cores: number;
  node: string;
  /** The 1-minute load average before and after measuring: on a shared machine other work slows every figure. */
  loadAverage: { before: number; after: number };
  cold: ColdStart[];
  warm: Omit<ServeLatency, 'code'>;
  /** The same requests to the default ensemble's first member alone (an ensemble decodes with each member in turn). */
  warmOneMember: Omit<ServeLatency, 'code'> | null;
  date: string;
}

/** A model directory holding only the first member of an ensemble (its weights linked, not copied); null for a single model. */
function firstMemberDir(dir: string): { dir: string; remove: () => void } | null {
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  if (!config.ensemble) return null;
  const out = mkdtempSync(path.join(os.tmpdir(), 'en2py-member-'));
  delete config.ensemble;
  writeFileSync(path.join(out, 'config.json'), JSON.stringify(config));
  for (const f of ['vocab.en.json', 'vocab.py.json']) copyFileSync(path.join(dir, f), path.join(out, f));
  symlinkSync(path.join(dir, 'model.safetensors'), path.join(out, 'model.safetensors'));
  return { dir: out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** Fresh processes of `en2py ARGS` (the installed command: node and dist/src/cli.js), or through npx, which first starts npm. */
function coldStart(args: string[], runs: number, viaNpx = false): ColdStart {
  const once = () => {
    const t0 = performance.now();
    const r = viaNpx
      ? spawnSync('npx', ['--no-install', 'en2py', ...args], { encoding: 'utf8', cwd: repoRoot })
      : spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`en2py ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return ms;
  };
  once(); // page cache
  const times = Array.from({ length: runs }, once);
  const shown = args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ').replace(repoRoot + path.sep, '');
  return { command: (viaNpx ? 'npx en2py ' : 'en2py ') + shown, runs, median_ms: quantile(times, 0.5), p90_ms: quantile(times, 0.9), min_ms: Math.min(...times), max_ms: Math.max(...times) };
}

export async function measureStartup(opts: { runs?: number; requests?: number } = {}): Promise<StartupResult> {
  const runs = opts.runs ?? 10;
  const before = os.loadavg()[0];
  const cold = [
    coldStart(['generate', STARTUP_PROMPT], runs),
    coldStart(['generate', STARTUP_PROMPT], runs, true),
    coldStart(['info', '--model', MODEL], runs),
  ];
  const requests = opts.requests ?? 20;
  const { code: _code, ...warm } = await measureServeLatency({ model: MODEL, prompt: STARTUP_PROMPT, beam: 5, requests });
  let warmOneMember: StartupResult['warmOneMember'] = null;
  const member = firstMemberDir(MODEL);
  if (member) {
    try {
      const { code: _c, ...r } = await measureServeLatency({ model: member.dir, prompt: STARTUP_PROMPT, beam: 5, requests });
      warmOneMember = { ...r, model: 'models/default, first member alone' };
    } finally {
      member.remove();
    }
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), node: process.version,
    loadAverage: { before, after: os.loadavg()[0] }, cold, warm, warmOneMember, date: new Date().toISOString(),
  };
}

/** Lines for a terminal. */
export function describeStartup(r: StartupResult): string {
  return [
    `${r.cpu}, ${r.cores} cores, node ${r.node}; load average ${r.loadAverage.before.toFixed(2)} before, ${r.loadAverage.after.toFixed(2)} after`,
    ...r.cold.map((c) => `cold  ${c.command}: median ${c.median_ms.toFixed(0)} ms, p90 ${c.p90_ms.toFixed(0)} ms (min ${c.min_ms.toFixed(0)}, ${c.runs} runs)`),
    `warm  POST /api/generate beam ${r.warm.beam}: median ${r.warm.median_ms.toFixed(0)} ms, p90 ${r.warm.p90_ms.toFixed(0)} ms end to end ` +
      `(generation alone ${r.warm.generation_median_ms.toFixed(0)} ms; ${r.warm.requests} requests)`,
    `warm  GET /api/health during those generations: median ${r.warm.health_during_generation.median_ms.toFixed(1)} ms, p90 ${r.warm.health_during_generation.p90_ms.toFixed(1)} ms, max ${r.warm.health_during_generation.max_ms.toFixed(1)} ms (${r.warm.health_during_generation.requests} checks)`,
    ...(r.warmOneMember ? [`warm  the same, the ensemble's first member alone: median ${r.warmOneMember.median_ms.toFixed(0)} ms, p90 ${r.warmOneMember.p90_ms.toFixed(0)} ms`] : []),
  ].join('\n');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, requests: { type: 'string', default: '20' }, out: { type: 'string' }, readme: { type: 'string' } } });
  const r = await measureStartup({ runs: Number(values.runs), requests: Number(values.requests) });
  console.log(describeStartup(r));
  if (values.out) writeFileAtomic(values.out, JSON.stringify(r, null, 2) + '\n');
  if (values.readme) {
    const readme = readFileSync(values.readme, 'utf8');
    writeFileAtomic(values.readme, replaceLatencySection(readme, latencyTable(r as unknown as StartupFile), values.readme));
  }
}
