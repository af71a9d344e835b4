// Checks on the real data in ../shared/data; skipped with a message when absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadCleanPairs } from '../../src/data/load.js';
import { DROP_REASONS } from '../../src/data/clean.js';
import { splitPairs, descriptionKey, codeKey } from '../../src/data/split.js';
import { lexPython } from '../../src/tokenize/pyLexer.js';
import { detokenizePython } from '../../src/tokenize/pyDetokenize.js';
import { decodeCode, encodeCode } from '../../src/tokenize/subword.js';
import { checkPythonSyntax } from '../../src/python/astCheck.js';
import { CLI, EN_PY_FILE, NO_PYTHON, SHARED_DATA, skipUnlessExists } from '../helpers.js';

const skip = NO_PYTHON ?? skipUnlessExists(EN_PY_FILE);
const key = (ts: { type: string; value: string }[]) => ts.map((t) => `${t.type}:${t.value}`).join('\u0001');

test('data stats --json on the real file reads ≥ 4,550 pairs and accounts for each', { skip }, () => {
  const r = spawnSync(process.execPath, [CLI, 'data', 'stats', '--data', EN_PY_FILE, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.read >= 4550, `read ${s.read}`);
  assert.equal(s.read, s.kept + DROP_REASONS.reduce((n, k) => n + s.dropped[k], 0));
  assert.ok(s.kept > 2500, `kept ${s.kept}`);
});

for (const [name, file] of [
  ['english-python', EN_PY_FILE],
  ['conala', path.join(SHARED_DATA, 'conala', 'conala-train.json')],
  ['mbpp', path.join(SHARED_DATA, 'mbpp', 'mbpp.jsonl')],
]) {
  test(`round trip on every kept ${name} pair: detokenize(tokenize(code)) parses and re-lexes the same`, { skip: NO_PYTHON ?? skipUnlessExists(file) }, async () => {
    const { pairs } = await loadCleanPairs(file);
    const tokens = pairs.map((p) => lexPython(p.code));
    const outs = tokens.map((t) => detokenizePython(t));
    const checks = await checkPythonSyntax(outs);
    const bad: string[] = [];
    pairs.forEach((p, i) => {
      if (!checks[i].ok) bad.push(`${p.id}: ${checks[i].message}`);
      else if (key(lexPython(outs[i])) !== key(tokens[i])) bad.push(`${p.id}: tokens differ`);
      else if (key(decodeCode(encodeCode(tokens[i]))) !== key(tokens[i])) bad.push(`${p.id}: subwords do not round-trip`);
    });
    assert.deepEqual(bad.slice(0, 10), []);
  });
}

test('real split: no description group, normalized description or code in two splits', { skip }, async () => {
  const { pairs } = await loadCleanPairs(EN_PY_FILE);
  const r = splitPairs(pairs, { seed: 1 });
  for (const k of [(p: { group: number }) => String(p.group), (p: { description: string }) => descriptionKey(p.description), (p: { code: string }) => codeKey(p.code)]) {
    const splitOf = new Map<string, string>();
    for (const name of ['train', 'valid', 'test'] as const) {
      for (const p of r[name]) {
        const g = k(p);
        assert.ok(!splitOf.has(g) || splitOf.get(g) === name, `${g} in ${splitOf.get(g)} and ${name}`);
        splitOf.set(g, name);
      }
    }
  }
  assert.equal(r.train.length + r.valid.length + r.test.length, pairs.length);
});
