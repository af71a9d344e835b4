// Latency of `POST /api/generate` as a user sees it, warm: the server runs in this
// process on a free port of 127.0.0.1, with its generation worker and precision
// as `en2py serve` starts them (auto); one warm-up request, then N sequential ones.
// Used by bench/serve.ts (its command line) and bench/startup.ts.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../src/paths.js';
import { createApp, listen } from '../src/server/app.js';
import { WorkerGenerator } from '../src/server/workerGenerator.js';

export interface ServeLatency {
  /** The model directory, relative to the repository when inside it. */
  model: string;
  parameters: number;
  prompt: string;
  beam: number;
  requests: number;
  output_tokens: number;
  parses: boolean | null;
  code: string;
  warmup_ms: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  generation_median_ms: number;
  generation_p90_ms: number;
  /**
   * `GET /api/health` sent every 10 ms while each generate request was pending: how long
   * the server took to answer it (generation runs in a worker, so this stays short).
   */
  health_during_generation: { requests: number; median_ms: number; p90_ms: number; max_ms: number };
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

/** A path as the result files record it: relative to the repository when inside it (they are committed). */
export function repoRelative(p: string): string {
  const rel = path.relative(repoRoot, path.resolve(p));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(p) : rel.split(path.sep).join('/');
}

export async function measureServeLatency(opts: { model: string; prompt: string; beam: number; requests: number }): Promise<ServeLatency> {
  const generator = await WorkerGenerator.start(opts.model, { precision: 'auto' });
  const app = createApp(generator);
  const { url } = await listen(app.server, 0, '127.0.0.1');
  const body = JSON.stringify({ prompt: opts.prompt, beam: opts.beam });
  const health: number[] = [];
  const once = async () => {
    const t0 = performance.now();
    let pending = true;
    // Health checks while the generation runs, one at a time, each timed from send to answer.
    const probe = (async () => {
      while (pending) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (!pending) break;
        const h0 = performance.now();
        const hr = await fetch(`${url}api/health`);
        await hr.json();
        if (pending) health.push(performance.now() - h0);
      }
    })();
    const res = await fetch(`${url}api/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const r = await res.json() as { code: string; ms: number; tokens: string[]; valid: boolean | null; error?: string };
    pending = false;
    await probe;
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${r.error}`);
    return { total: performance.now() - t0, gen: r.ms, tokens: r.tokens.length, valid: r.valid, code: r.code };
  };
  try {
    const warm = await once();
    health.length = 0;
    const runs = [];
    for (let i = 0; i < opts.requests; i++) runs.push(await once());
    const total = runs.map((r) => r.total);
    const gen = runs.map((r) => r.gen);
    return {
      model: repoRelative(opts.model), parameters: generator.info.parameters, prompt: opts.prompt, beam: opts.beam, requests: opts.requests,
      output_tokens: warm.tokens, parses: warm.valid, code: warm.code, warmup_ms: warm.total,
      median_ms: quantile(total, 0.5), p90_ms: quantile(total, 0.9), min_ms: Math.min(...total), max_ms: Math.max(...total),
      generation_median_ms: quantile(gen, 0.5), generation_p90_ms: quantile(gen, 0.9),
      health_during_generation: { requests: health.length, median_ms: quantile(health, 0.5), p90_ms: quantile(health, 0.9), max_ms: Math.max(...health) },
    };
  } finally {
    app.server.closeAllConnections();
    app.server.close();
  }
}
