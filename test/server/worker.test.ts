// Generation runs in a worker thread (src/server/workerGenerator.ts): while a
// generation holds the worker, the server still answers /api/health; errors
// thrown in the worker become the same HTTP errors as before (400 for the
// request's fault, 500 otherwise), and a worker that dies fails its request
// with a message saying so and is replaced. The server is test/server/slowServer.ts,
// whose worker holds each generation at a gate the test opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../src/errors.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';
import { CLI, NO_PYTHON, tempDir } from '../helpers.js';
import { startServerProcess, trainTinyModel } from './fixtures.js';

const SLOW_SERVER = path.join(path.dirname(CLI), '..', 'test', 'server', 'slowServer.js');
/** The server's log reaches us by a pipe, which may lag behind its HTTP answer: wait for the line (10 s at most). */
async function assertLogs(log: () => string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 1000 && !pattern.test(log()); i++) await sleep(10);
  assert.match(log(), pattern);
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function slowServer(t: { after: (fn: () => void) => void }, dir: string): Promise<{ base: string; gate: string; log: () => string }> {
  const gate = path.join(dir, 'gate');
  mkdirSync(gate);
  const server = await startServerProcess([SLOW_SERVER, trainTinyModel(dir, 1), gate]);
  t.after(() => server.stop());
  return { base: server.url, gate, log: server.stderr };
}

test('serve: /api/health answers while a generation holds the worker', { skip: NO_PYTHON }, async (t) => {
  const { base, gate } = await slowServer(t, tempDir(t));
  const order: string[] = [];
  const generation = fetch(`${base}api/generate`, json({ prompt: 'write a python function to add 2 to a number', beam: 2 }))
    .then(async (r) => { order.push('generate'); return { status: r.status, body: await r.json() as { code: string } }; });
  for (let i = 0; i < 3000 && !existsSync(path.join(gate, 'started')); i++) await sleep(10);
  assert.ok(existsSync(path.join(gate, 'started')), 'the generation started');

  // The gate is closed, so the generation cannot finish before the test opens it: answers now come
  // from a main thread that the generation does not hold. (Were it held, these would wait for the
  // gate, which only opens after them, and fail at the 10 s abort.)
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await fetch(`${base}api/health`, { signal: AbortSignal.timeout(10_000) });
    latencies.push(performance.now() - t0);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { ok: true, model: 'model', queue: 0, busy: true });
  }
  order.push('health');
  t.diagnostic(`/api/health during a generation: ${latencies.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  assert.equal(existsSync(path.join(gate, 'go')), false);
  writeFileSync(path.join(gate, 'go'), '');
  const g = await generation;
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal(typeof g.body.code, 'string');
  assert.deepEqual(order, ['health', 'generate']);
});

test('serve: errors in the worker are the same HTTP errors; a dead worker fails its request, says so, and is replaced', { skip: NO_PYTHON }, async (t) => {
  const { base, gate, log } = await slowServer(t, tempDir(t));
  writeFileSync(path.join(gate, 'go'), ''); // no waiting here
  const ask = async (prompt: string) => {
    const r = await fetch(`${base}api/generate`, json({ prompt }));
    return { status: r.status, body: await r.json() as { error?: string; code?: string } };
  };
  // A UserError from the generator is the request's fault: 400 with its message.
  assert.deepEqual(await ask('refuse in the worker'), { status: 400, body: { error: 'the generator refuses this sentence (test)' } });
  // Any other error: 500 with the usual message, the stack in the server's log.
  assert.deepEqual(await ask('fail in the worker'), { status: 500, body: { error: 'internal error while handling the request (see the server log)' } });
  await assertLogs(log, /a generation error \(test\)/);
  // The worker thread ends: this request fails with a message that says so ...
  const crashed = await ask('crash the worker');
  assert.equal(crashed.status, 500);
  assert.match(crashed.body.error ?? '', /^the generator stopped while answering this request \(see the server log\); a new one is starting: try again$/);
  await assertLogs(log, /exit code 70/);
  // ... and the next one is answered by a new worker.
  const after = await ask('write a python function to add 2 to a number');
  assert.equal(after.status, 200, JSON.stringify(after.body));
  assert.equal(typeof after.body.code, 'string');
  assert.deepEqual(await (await fetch(`${base}api/health`)).json(), { ok: true, model: 'model', queue: 0, busy: false });
});

test('WorkerGenerator: a model directory that does not load is the same UserError as loading it in place', async (t) => {
  const missing = path.join(tempDir(t), 'no-model');
  await assert.rejects(WorkerGenerator.start(missing), (err: Error) => err instanceof UserError && err.message.includes(missing));
});
