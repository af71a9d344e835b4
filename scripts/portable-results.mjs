#!/usr/bin/env node
// One-off (issue 20): rewrite the committed result files and the default model's
// card files so that they record no path of the machine that made them: data
// files by name and sha256, other paths relative to the repository, as the code
// that writes them now does (src/util/portablePaths.ts). Only the path strings
// change: each file is edited as text, and checked to parse to exactly
// portablePaths(the old JSON), so no number or other value moves.
//   npm run build:ts && node scripts/portable-results.mjs [files or folders...]   (default: results models/default)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { portablePaths } = await import(path.join(root, 'dist', 'src', 'util', 'portablePaths.js'));
const { writeFileAtomic } = await import(path.join(root, 'dist', 'src', 'util', 'atomicWrite.js'));

function* jsonFiles(p) {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) yield* jsonFiles(path.join(p, f));
  else if (p.endsWith('.json') && !/^(vocab|bpe)\b/.test(path.basename(p))) yield p; // vocabularies hold tokens, not paths
}

let changed = 0;
for (const start of process.argv.slice(2).length ? process.argv.slice(2) : ['results', 'models/default']) {
  for (const file of jsonFiles(path.resolve(root, start))) {
    const text = readFileSync(file, 'utf8');
    const before = JSON.parse(text);
    const after = portablePaths(before);
    if (isDeepStrictEqual(before, after)) continue;
    const pretty = /^\{\n {2}"/.test(text);
    // Each JSON string token that portablePaths changes is replaced by its new value's JSON.
    const out = text.replace(/"(?:[^"\\]|\\.)*"/g, (token) => {
      const value = JSON.parse(token);
      const now = portablePaths(value);
      if (now === value) return token;
      return typeof now === 'string' ? JSON.stringify(now) : JSON.stringify(now, null, pretty ? 1 : 0).replace(/\n\s*/g, pretty ? ' ' : '');
    });
    if (!isDeepStrictEqual(JSON.parse(out), after)) throw new Error(`${file}: the text edit does not give portablePaths(old)`);
    writeFileAtomic(file, out);
    changed++;
  }
}
console.log(`rewrote ${changed} files`);
