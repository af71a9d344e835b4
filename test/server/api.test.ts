// The JSON API of `en2py serve` on a tiny model trained here: 50 concurrent good
// requests all succeed, 20 malformed ones all get a 4xx with a message, a full
// queue answers 503, and the server keeps serving afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialQueue, QueueFullError } from '../../src/server/queue.js';
import { highlightPython } from '../../src/server/highlight.js';
import { CLI, NO_PYTHON, tempDir } from '../helpers.js';
import { startServerProcess, trainTinyModel } from './fixtures.js';

async function start(t: { after: (fn: () => void) => void }, args: string[]): Promise<string> {
  const server = await startServerProcess(args);
  t.after(() => server.stop());
  return server.url;
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const raw = (body: string, type = 'application/json') => ({ method: 'POST', headers: { 'Content-Type': type }, body });

test('serve API: 50 concurrent requests, 20 malformed ones, then still healthy', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  // The real command, in its own process, on any free port of 127.0.0.1.
  const base = await start(t, [CLI, 'serve', '--model', trainTinyModel(dir), '--port', '0', '--max-prompt', '200']);
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  const health = await (await fetch(`${base}api/health`)).json() as { ok: boolean };
  assert.equal(health.ok, true);
  const info = await (await fetch(`${base}api/model`)).json() as any;
  assert.equal(info.config.dModel, 16);
  assert.equal(typeof info.parameters, 'number');
  assert.deepEqual(info.members, [{ parameters: info.parameters, config: info.config }], 'a single model is its only member');
  assert.equal(typeof info.metrics.valid_loss, 'number');

  const verbs = ['add', 'subtract', 'multiply', 'divide'];
  const good = Array.from({ length: 50 }, (_, i) => {
    const body: Record<string, unknown> = { prompt: `write a python function to ${verbs[i % 4]} ${1 + (i % 12)} to a number` };
    if (i % 5 === 1) body.beam = 1;
    else if (i % 5 === 2) body.beam = 4;
    else if (i % 5 === 3) { body.samples = 3; body.temperature = 0.7; }
    return json(body);
  });
  const malformed: Array<[string, RequestInit & { path?: string }]> = [
    ['not JSON', raw('nope')],
    ['cut JSON', raw('{"prompt": "write a')],
    ['empty body', raw('')],
    ['array', raw('[1, 2]')],
    ['null', raw('null')],
    ['prompt a number', json({ prompt: 42 })],
    ['no prompt', json({ beam: 2 })],
    ['unknown field', json({ prompt: 'add two numbers', model: 'other' })],
    ['blank prompt', json({ prompt: '   ' })],
    ['prompt too long', json({ prompt: 'add '.repeat(60) })],
    ['beam 0', json({ prompt: 'add two numbers', beam: 0 })],
    ['beam 2.5', json({ prompt: 'add two numbers', beam: 2.5 })],
    ['beam as string', json({ prompt: 'add two numbers', beam: '4' })],
    ['too many samples', json({ prompt: 'add two numbers', samples: 1000 })],
    ['negative temperature', json({ prompt: 'add two numbers', samples: 2, temperature: -1 })],
    ['beam and samples', json({ prompt: 'add two numbers', beam: 2, samples: 2 })],
    ['body too large', raw(JSON.stringify({ prompt: 'x'.repeat(40_000) }))],
    ['not declared JSON', raw('{"prompt": "add two numbers"}', 'text/plain')],
    ['GET on generate', { method: 'GET', path: 'api/generate' }],
    ['unknown route', { ...json({ prompt: 'add two numbers' }), path: 'api/generat' }],
  ];
  assert.equal(malformed.length, 20);

  // Interleave the two kinds so that refusals happen while generations are queued.
  const calls: Array<Promise<{ kind: 'good' | string; status: number; body: any }>> = [];
  for (let i = 0; i < good.length; i++) {
    calls.push(fetch(`${base}api/generate`, good[i]).then(async (r) => ({ kind: 'good', status: r.status, body: await r.json() })));
    const bad = malformed[i];
    if (bad) {
      const [name, init] = bad;
      calls.push(fetch(`${base}${init.path ?? 'api/generate'}`, init).then(async (r) => ({ kind: name, status: r.status, body: await r.json() })));
    }
  }
  const results = await Promise.all(calls);

  const goodResults = results.filter((r) => r.kind === 'good');
  assert.equal(goodResults.length, 50);
  for (const r of goodResults) {
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(typeof r.body.code, 'string');
    assert.equal(typeof r.body.valid, 'boolean');
    assert.ok(Array.isArray(r.body.alternatives));
    assert.equal(r.body.alternativesValid.length, r.body.alternatives.length);
    assert.ok(Array.isArray(r.body.tokens) && typeof r.body.ms === 'number');
    // Beam search and greedy decoding record attention (one row per output token, maybe one more for <eos>); sampling does not.
    assert.ok(r.body.attention.length === 0 || r.body.attention.length >= r.body.tokens.length, 'one attention row per output token');
    assert.ok(r.body.attention.every((row: number[]) => row.length === r.body.words.length));
    assert.equal(r.body.highlight.code.map((s: [string, string]) => s[1]).join(''), r.body.code);
  }
  const badResults = results.filter((r) => r.kind !== 'good');
  assert.equal(badResults.length, 20);
  for (const r of badResults) {
    assert.ok(r.status >= 400 && r.status < 500, `${r.kind}: status ${r.status}`);
    assert.equal(typeof r.body.error, 'string', `${r.kind}: ${JSON.stringify(r.body)}`);
    assert.ok(r.body.error.length > 10, `${r.kind}: message "${r.body.error}"`);
  }
  const status = Object.fromEntries(badResults.map((r) => [r.kind, r.status]));
  assert.equal(status['body too large'], 413);
  assert.equal(status['not declared JSON'], 415);
  assert.equal(status['GET on generate'], 405);
  assert.equal(status['unknown route'], 404);
  const message = Object.fromEntries(badResults.map((r) => [r.kind, r.body.error as string]));
  assert.match(message['unknown field'], /unknown field "model"/);
  assert.match(message['prompt too long'], /at most 200 characters/);
  assert.match(message['not JSON'], /not valid JSON/);

  const after = await fetch(`${base}api/health`);
  assert.equal(after.status, 200);
  assert.deepEqual(await after.json(), { ok: true, model: 'model', queue: 0, busy: false });
  const again = await fetch(`${base}api/generate`, json({ prompt: 'write a python function to add 2 to a number' }));
  assert.equal(again.status, 200);
});

test('serve API: a full queue answers 503 at once, the queued requests still succeed', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  // A separate process whose generations (in its worker) wait until we open a gate, with a queue of one.
  const gate = path.join(dir, 'gate');
  mkdirSync(gate);
  const base = await start(t, [path.join(path.dirname(CLI), '..', 'test', 'server', 'slowServer.js'), trainTinyModel(dir, 1), gate]);
  await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}api/health`).then((r) => r.json())));
  const ask = () => fetch(`${base}api/generate`, json({ prompt: 'write a python function to add 2 to a number', beam: 1 }))
    .then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), body: await r.json() as { error: string } }));
  const first = ask();
  for (let i = 0; i < 3000 && !existsSync(path.join(gate, 'started')); i++) await sleep(10);
  assert.ok(existsSync(path.join(gate, 'started')), 'the first generation started');
  const rest = Array.from({ length: 5 }, ask); // the server is busy: one of these waits in the queue, the others are refused
  await sleep(300);
  writeFileSync(path.join(gate, 'go'), '');
  const results = await Promise.all([first, ...rest]);
  assert.equal(results[0].status, 200);
  const busy = results.filter((r) => r.status === 503);
  assert.ok(busy.length >= 1, `expected some 503s, got ${results.map((r) => r.status)}`);
  assert.ok(results.some((r) => r.status === 200));
  assert.ok(results.every((r) => r.status === 200 || r.status === 503));
  for (const r of busy) {
    assert.match(r.body.error, /busy: 1 requests are already waiting/);
    assert.equal(r.retry, '2');
  }
  assert.equal((await fetch(`${base}api/health`)).status, 200);
});

test('SerialQueue: one job at a time, first in first out, bounded', async () => {
  const q = new SerialQueue(2);
  const order: number[] = [];
  const a = q.push(() => { order.push(1); return 'a'; });
  const b = q.push(() => { order.push(2); throw new Error('b failed'); });
  await assert.rejects(q.push(() => 3), QueueFullError);
  assert.equal(await a, 'a');
  await assert.rejects(b, /b failed/);
  assert.equal(await q.push(() => { order.push(3); return 'c'; }), 'c');
  assert.deepEqual(order, [1, 2, 3]);
  // A job that returns a promise holds the queue until it settles (a generation in the worker).
  let release!: () => void;
  const slow = q.push(() => new Promise<string>((resolve) => { release = () => resolve('slow'); }));
  const after = q.push(() => { order.push(4); return 'after'; });
  await sleep(20);
  assert.equal(q.busy, true);
  assert.deepEqual(order, [1, 2, 3], 'the next job waits for the running one');
  release();
  assert.deepEqual([await slow, await after], ['slow', 'after']);
  assert.deepEqual(order, [1, 2, 3, 4]);
});

test('highlightPython: spans give the code back, classes from the lexer or the fallback', () => {
  const code = 'def add(a, b):\n    # sum\n    return a + b * 2 if True else len("x")\n';
  const spans = highlightPython(code);
  assert.equal(spans.map((s) => s[1]).join(''), code);
  const cls = (text: string) => spans.find((s) => s[1] === text)?.[0];
  assert.equal(cls('def'), 'kw');
  assert.equal(cls('add'), 'def');
  assert.equal(cls('# sum'), 'com');
  assert.equal(cls('2'), 'num');
  assert.equal(cls('True'), 'const');
  assert.equal(cls('len'), 'builtin');
  assert.equal(cls('"x"'), 'str');
  // Not valid Python (the lexer refuses an unclosed bracket): still highlighted, still exact.
  const broken = 'print("a", (1 + 2\n  x = \'y';
  const b = highlightPython(broken);
  assert.equal(b.map((s) => s[1]).join(''), broken);
  assert.ok(b.some((s) => s[0] === 'builtin' && s[1] === 'print'));
  assert.ok(b.some((s) => s[0] === 'str'));
});
