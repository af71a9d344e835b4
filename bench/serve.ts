// Latency of `POST /api/generate` as a user sees it: starts the server in this
// process on a free port, sends one warm-up request and then N sequential ones
// (beam 5, a typical prompt), and prints the median and p90 in milliseconds,
// end to end (HTTP, generation, parse check) and generation alone.
//   node dist/bench/serve.js [--model DIR] [--requests 20] [--beam 5] [--prompt "..."] [--out FILE]
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR } from '../src/commands/generate.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { measureServeLatency } from './serveLatency.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    requests: { type: 'string', default: '20' },
    beam: { type: 'string', default: '5' },
    prompt: { type: 'string', default: 'write a python function to add two numbers' },
    out: { type: 'string' },
  },
});

const r = await measureServeLatency({ model: values.model, prompt: values.prompt, beam: Number(values.beam), requests: Number(values.requests) });
console.log(`model ${r.model} (${r.parameters.toLocaleString('en-US')} parameters), prompt "${r.prompt}", beam ${r.beam}`);
console.log(`output: ${r.output_tokens} tokens, ${r.parses ? 'parses' : 'does not parse'}:\n${r.code.replace(/^/gm, '    ')}`);
console.log(`warm-up request: ${r.warmup_ms.toFixed(0)} ms`);
console.log(`${r.requests} sequential requests: end to end median ${r.median_ms.toFixed(0)} ms, p90 ${r.p90_ms.toFixed(0)} ms ` +
  `(min ${r.min_ms.toFixed(0)}, max ${r.max_ms.toFixed(0)}); generation alone median ${r.generation_median_ms.toFixed(0)} ms, p90 ${r.generation_p90_ms.toFixed(0)} ms`);
if (values.out) {
  const { code: _code, ...summary } = r;
  writeFileAtomic(values.out, JSON.stringify({ ...summary, date: new Date().toISOString() }, null, 2) + '\n');
}
