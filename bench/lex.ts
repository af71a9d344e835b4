// Times the Python lexer over the whole English→Python data set: every sample's
// code as the reader returns it (raw, before cleaning) and once more after
// cleaning. Prints milliseconds. Usage: node dist/bench/lex.js [--data FILE]
import { performance } from 'node:perf_hooks';
import { readEnglishPython } from '../src/data/englishPython.js';
import { resolveDataPath } from '../src/data/resolve.js';
import { lexPython } from '../src/tokenize/pyLexer.js';

const i = process.argv.indexOf('--data');
const file = resolveDataPath({ data: i > 0 ? process.argv[i + 1] : undefined });
const codes = readEnglishPython(file).pairs.map((p) => p.code);
const bytes = codes.reduce((n, c) => n + Buffer.byteLength(c), 0);

function lexAll(): { tokens: number; errors: number } {
  let tokens = 0;
  let errors = 0;
  for (const c of codes) {
    try { tokens += lexPython(c).length; } catch { errors++; }
  }
  return { tokens, errors };
}

const c0 = performance.now();
lexAll(); // first, cold run (includes JIT warm-up)
const first = performance.now() - c0;
const runs: number[] = [];
let last = { tokens: 0, errors: 0 };
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  last = lexAll();
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);
console.log(`${file}: ${codes.length} samples, ${(bytes / 1e6).toFixed(2)} MB of code, ${last.tokens} tokens, ${last.errors} lex errors`);
console.log(`lex all samples: first (cold) run ${first.toFixed(1)} ms; then median ${runs[2].toFixed(1)} ms (min ${runs[0].toFixed(1)}, max ${runs[4].toFixed(1)}) over 5 runs`);
