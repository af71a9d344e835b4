import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { downloadDataset } from '../../src/data/download.js';
import { defaultCacheDir, resolveDataPath } from '../../src/data/resolve.js';
import { UserError } from '../../src/errors.js';
import { refusedUrl, tempDir } from '../helpers.js';

const FIXTURE = '# add two numbers\nprint(1 + 2)\n';
const SHA = createHash('sha256').update(FIXTURE).digest('hex');

async function serve(t: { after: (fn: () => void) => void }, body: string, status = 200): Promise<string> {
  const server = http.createServer((_req, res) => { res.statusCode = status; res.end(body); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/english_python_data.txt`;
}

test('downloads into the cache when the checksum matches, then reuses it', async (t) => {
  const cacheDir = path.join(tempDir(t), 'cache');
  const url = await serve(t, FIXTURE);
  const r = await downloadDataset({ url, sha256: SHA, cacheDir });
  assert.equal(r.downloaded, true);
  assert.equal(readFileSync(r.path, 'utf8'), FIXTURE);
  assert.deepEqual(readdirSync(cacheDir), ['english_python_data.txt']); // no temp file left
  const again = await downloadDataset({ url: 'http://127.0.0.1:1/never', sha256: SHA, cacheDir });
  assert.equal(again.downloaded, false);
});

test('a checksum mismatch saves nothing and says so', async (t) => {
  const cacheDir = path.join(tempDir(t), 'cache');
  const url = await serve(t, FIXTURE + 'tampered\n');
  await assert.rejects(downloadDataset({ url, sha256: SHA, cacheDir }), (e: unknown) =>
    e instanceof UserError && /checksum mismatch: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/.test(e.message));
  assert.equal(existsSync(path.join(cacheDir, 'english_python_data.txt')), false);
});

test('HTTP errors and unreachable hosts give a clear offline error', async (t) => {
  const cacheDir = path.join(tempDir(t), 'cache');
  const url404 = await serve(t, 'nope', 404);
  await assert.rejects(downloadDataset({ url: url404, sha256: SHA, cacheDir }), (e: unknown) => e instanceof UserError && /HTTP 404/.test(e.message));
  // A freed port on localhost refuses connections; a .invalid host never resolves.
  // (A resolver that cannot reach DNS at all answers EAI_AGAIN instead of ENOTFOUND.)
  for (const [url, why] of [[await refusedUrl(), 'ECONNREFUSED'], ['http://en2py-data.invalid/data.txt', 'ENOTFOUND|EAI_AGAIN']]) {
    await assert.rejects(downloadDataset({ url, sha256: SHA, cacheDir, timeoutMs: 10_000 }), (e: unknown) =>
      e instanceof UserError && e.message.startsWith(`${url}: cannot download (`) && new RegExp(`\\((${why})\\); are you offline\\? .*--data FILE`).test(e.message));
  }
  assert.equal(existsSync(path.join(cacheDir, 'english_python_data.txt')), false);
});

test('resolveDataPath: --data, then EN2PY_DATA, then ../shared/data, then the cache', (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, 'repo');
  const cacheDir = path.join(dir, 'cache');
  mkdirSync(root);
  const given = path.join(dir, 'given.txt');
  writeFileSync(given, FIXTURE);
  const env = { EN2PY_DATA: given };
  assert.equal(resolveDataPath({ data: given, env: {}, root, cacheDir }), given);
  assert.throws(() => resolveDataPath({ data: path.join(dir, 'nope.txt'), env: {}, root, cacheDir }), /nope\.txt: no such file \(given with --data\)/);
  assert.equal(resolveDataPath({ env, root, cacheDir }), given);
  assert.throws(() => resolveDataPath({ env: {}, root, cacheDir }), (e: unknown) => e instanceof UserError && /en2py data download/.test(e.message));
  const cached = path.join(cacheDir, 'english_python_data.txt');
  mkdirSync(cacheDir);
  writeFileSync(cached, FIXTURE);
  assert.equal(resolveDataPath({ env: {}, root, cacheDir }), cached);
  const shared = path.join(dir, 'shared', 'data', 'english_python');
  mkdirSync(shared, { recursive: true });
  writeFileSync(path.join(shared, 'english_python_data.txt'), FIXTURE);
  assert.equal(resolveDataPath({ env: {}, root, cacheDir }), path.join(shared, 'english_python_data.txt'));
});

test('the default cache is $XDG_CACHE_HOME/en2py or ~/.cache/en2py', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/c' }), path.join('/x/c', 'en2py'));
  assert.match(defaultCacheDir({}), /\.cache[\\/]en2py$/);
});
