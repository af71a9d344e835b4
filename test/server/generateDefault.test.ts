// /api/generate with the committed default model, in process: sampling draws
// anew on each request unless a seed is given, and the tokens and attention sent
// are those of the code shown, also when the parse rerank chose a less likely candidate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp, type App } from '../../src/server/app.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';
import { modelTokensToCode } from '../../src/tokenize/codeText.js';
import { NO_PYTHON, repoRoot } from '../helpers.js';

const MODEL = path.join(repoRoot(), 'models', 'default');
const skip = (existsSync(path.join(MODEL, 'config.json')) ? undefined : `${MODEL} is missing`) ?? NO_PYTHON;

let app: App | undefined;
async function theApp(): Promise<App> {
  return (app ??= createApp(await WorkerGenerator.start(MODEL)));
}
test.after(() => app?.server.emit('close'));

test('api: samples differ between requests without a seed and repeat with one', { skip }, async () => {
  const ask = async (extra: Record<string, unknown> = {}) => {
    const r = await (await theApp()).generate({ prompt: 'write a python function to reverse a string', samples: 4, temperature: 1.5, ...extra });
    assert.ok(Number.isInteger(r.seed), 'a sampled answer says its seed');
    return { seed: r.seed!, texts: JSON.stringify([r.code, ...r.alternatives].sort()) };
  };
  const runs = [await ask(), await ask(), await ask()];
  assert.equal(new Set(runs.map((r) => r.seed)).size, 3);
  assert.ok(new Set(runs.map((r) => r.texts)).size > 1, 'three unseeded requests drew the same samples');
  const a = await ask({ seed: 11 });
  const b = await ask({ seed: 11 });
  assert.equal(a.seed, 11);
  assert.equal(a.texts, b.texts);
  assert.equal((await ask({ seed: runs[1].seed })).texts, runs[1].texts);
  await assert.rejects((await theApp()).generate({ prompt: 'add two numbers', seed: 1 }), /seed applies to sampling: give samples too/);
  await assert.rejects((await theApp()).generate({ prompt: 'add two numbers', samples: 2, seed: -1 }), /seed must be at least 0/);
  const beam = await (await theApp()).generate({ prompt: 'write a python function to add two numbers' });
  assert.equal(beam.seed, undefined, 'beam search draws nothing');
});

test('api: the tokens and attention are those of the code shown, reranked or not, beams or samples', { skip }, async () => {
  // With models/default, the most likely beam for the leap year does not compile, so the rerank shows another.
  const prompts = ['write a python function to check if a year is a leap year', 'write a python function to add two numbers', 'check if a year is a leap year'];
  let reranked = 0;
  for (const body of [...prompts.map((prompt) => ({ prompt })), { prompt: prompts[0], samples: 3, seed: 5 }]) {
    const r = await (await theApp()).generate(body);
    if (r.reranked) reranked++;
    assert.ok(r.tokens.length > 0, `${JSON.stringify(body)}: no tokens`);
    assert.equal(modelTokensToCode(r.tokens), r.code, `${JSON.stringify(body)}: the tokens are not the code shown`);
    assert.equal(r.attention.length, r.tokens.length + 1, 'one attention row per token and one for the end');
    assert.ok(r.attention.every((row) => row.length === r.words.length));
  }
  assert.ok(reranked > 0, 'no prompt here is reranked by models/default any more: pick one whose first beam does not compile');
});
