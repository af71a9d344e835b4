// Latency of `POST /api/generate` as a user sees it: starts the server in this
// process on a free port, sends one warm-up request and then N sequential ones
// (beam 5, a typical prompt), and prints the median and p90 in milliseconds,
// end to end (HTTP, generation, parse check) and generation alone.
//   node dist/bench/serve.js [--model DIR] [--requests 20] [--beam 5] [--prompt "..."] [--out FILE]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR } from '../src/commands/generate.js';
import { loadModel } from '../src/model/bundle.js';
import { createApp, listen } from '../src/server/app.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    requests: { type: 'string', default: '20' },
    beam: { type: 'string', default: '5' },
    prompt: { type: 'string', default: 'write a python function to add two numbers' },
    out: { type: 'string' },
  },
});
const n = Number(values.requests);
const beam = Number(values.beam);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

const loaded = loadModel(values.model);
const app = createApp(loaded);
const { url } = await listen(app.server, 0, '127.0.0.1');
const body = JSON.stringify({ prompt: values.prompt, beam });

async function once(): Promise<{ total: number; gen: number; tokens: number; valid: boolean; code: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}api/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  const r = await res.json() as { code: string; ms: number; tokens: string[]; valid: boolean; error?: string };
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${r.error}`);
  return { total: performance.now() - t0, gen: r.ms, tokens: r.tokens.length, valid: r.valid, code: r.code };
}

const warm = await once();
const runs = [];
for (let i = 0; i < n; i++) runs.push(await once());
app.server.close();

const total = runs.map((r) => r.total);
const gen = runs.map((r) => r.gen);
console.log(`model ${values.model} (${loaded.config.parameters.toLocaleString('en-US')} parameters), prompt "${values.prompt}", beam ${beam}`);
console.log(`output: ${warm.tokens} tokens, ${warm.valid ? 'parses' : 'does not parse'}:\n${warm.code.replace(/^/gm, '    ')}`);
console.log(`warm-up request: ${warm.total.toFixed(0)} ms`);
console.log(`${n} sequential requests: end to end median ${quantile(total, 0.5).toFixed(0)} ms, p90 ${quantile(total, 0.9).toFixed(0)} ms ` +
  `(min ${Math.min(...total).toFixed(0)}, max ${Math.max(...total).toFixed(0)}); generation alone median ${quantile(gen, 0.5).toFixed(0)} ms, p90 ${quantile(gen, 0.9).toFixed(0)} ms`);
if (values.out) {
  writeFileAtomic(values.out, JSON.stringify({
    model: values.model, prompt: values.prompt, beam, requests: n, output_tokens: warm.tokens, parses: warm.valid,
    warmup_ms: warm.total, median_ms: quantile(total, 0.5), p90_ms: quantile(total, 0.9),
    generation_median_ms: quantile(gen, 0.5), date: new Date().toISOString(),
  }, null, 2) + '\n');
}
