import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runMany, runSandboxed, sandboxMode } from '../../src/eval/sandbox.js';

const fast = { timeoutMs: 1500 };
const isolated = sandboxMode() !== 'plain';
const noIsolation = isolated ? false : 'no namespaces on this machine: sandbox runs in plain mode (rlimits only)';

// A private parent for the sandbox's directories, so other processes using the
// sandbox at the same time (another checkout, an evaluation) cannot disturb the count.
const sandboxRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'en2py-sbx-root-'));
fs.chmodSync(sandboxRoot, 0o755);
process.env.EN2PY_SANDBOX_TMPDIR = sandboxRoot;
test.after(() => fs.rmSync(sandboxRoot, { recursive: true, force: true }));

function sandboxDirs(): string[] {
  return fs.readdirSync(sandboxRoot).filter((d) => d.startsWith('en2py-sbx-'));
}

test('a good program passes, output is captured, the temp dir is removed', async () => {
  const before = sandboxDirs();
  const r = await runSandboxed('import os\nprint("hello", os.getcwd() == os.environ["HOME"])\n');
  assert.equal(r.status, 'passed', r.stderr);
  assert.equal(r.stdout, 'hello True\n');
  assert.deepEqual(sandboxDirs(), before);
});

test('a failing assert is a failure with the traceback in stderr', async () => {
  const r = await runSandboxed('assert 1 + 1 == 3, "bad sum"\n');
  assert.equal(r.status, 'failed');
  assert.match(r.stderr, /AssertionError: bad sum/);
});

test('hostile: infinite loop is stopped at the wall-time limit', async () => {
  const r = await runSandboxed('while True:\n    pass\n', { timeoutMs: 1000 });
  assert.equal(r.status, 'timeout');
  assert.ok(r.ms >= 1000 && r.ms < 3000, `${r.ms} ms`);
});

test('hostile: fork bomb is bounded and every process is gone afterwards', async () => {
  const bomb = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n';
  const r = await runSandboxed(bomb, fast);
  assert.notEqual(r.status, 'passed');
  if (sandboxMode() === 'root-ns') {
    // killed processes may stay zombies for a moment until init reaps them
    let left = '';
    for (let i = 0; i < 30; i++) {
      left = spawnSync('ps', ['-u', '65534', '-o', 'pid=,stat='], { encoding: 'utf8' }).stdout.trim();
      if (left === '') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(left, '', 'processes of uid 65534 survived the sandbox');
  }
});

test('hostile: writing outside the working directory fails', { skip: noIsolation }, async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'en2py-outside-'));
  fs.chmodSync(outside, 0o777); // writable by anyone: only the sandbox's read-only mounts stop it
  try {
    const target = path.join(outside, 'pwned.txt');
    const r = await runSandboxed(`open(${JSON.stringify(target)}, "w").write("x")\nopen("inside.txt", "w").write("ok")\n`);
    assert.equal(r.status, 'failed');
    assert.match(r.stderr, /Read-only file system|Permission denied/);
    assert.equal(fs.existsSync(target), false);
    const home = await runSandboxed('import os\nopen(os.path.expanduser("~/x"), "w").write("1")\nopen("/tmp/x-en2py", "w")\n');
    assert.equal(home.status, 'failed');
    assert.equal(fs.existsSync('/tmp/x-en2py'), false);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('hostile: a connection to a server on 127.0.0.1 is impossible', { skip: noIsolation }, async () => {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.on('error', () => {});
    s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  try {
    // sanity: the server is reachable from outside the sandbox
    await new Promise<void>((res, rej) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        res();
      });
      c.on('error', rej);
    });
    const before = connections;
    const r = await runSandboxed(`import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=1)\nprint("CONNECTED", s.recv(10))\n`, fast);
    assert.equal(r.status, 'failed');
    assert.doesNotMatch(r.stdout, /CONNECTED/);
    assert.match(r.stderr, /Network is unreachable|Connection refused|timed out/);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(connections, before);
  } finally {
    server.close();
  }
});

test('hostile: reading stdin gets end-of-file at once', async () => {
  const r = await runSandboxed('import sys\ndata = sys.stdin.read()\nprint(repr(data))\nx = input()\n', fast);
  assert.equal(r.status, 'failed');
  assert.equal(r.stdout, "''\n");
  assert.match(r.stderr, /EOFError/);
  assert.ok(r.ms < 1500);
});

test('hostile: allocating 10 GB fails with MemoryError', async () => {
  const r = await runSandboxed('x = bytearray(10 * 1024 ** 3)\nprint(len(x))\n', fast);
  assert.equal(r.status, 'failed');
  assert.match(r.stderr, /MemoryError/);
});

test('hostile: printing 100 MB is killed at the output cap', async () => {
  const r = await runSandboxed('import sys\nfor _ in range(100):\n    sys.stdout.write("x" * 1_000_000)\n', fast);
  assert.equal(r.status, 'killed');
  assert.match(r.reason ?? '', /output/);
  assert.ok(r.stdout.length <= 2048);
});

test('a batch of hostile and good programs: the good ones pass', async () => {
  const good = 'def f(x):\n    return x * 2\nassert f(21) == 42\n';
  const codes = [
    'while True: pass',
    good,
    'x = bytearray(10 * 1024 ** 3)',
    good,
    'import sys\nwhile True: sys.stdout.write("y" * 65536)',
    good,
    'import os\nwhile True:\n    try: os.fork()\n    except OSError: pass',
    good,
  ];
  const results = await runMany(codes, { timeoutMs: 1000 }, 2);
  const statuses = results.map((r) => r.status);
  assert.deepEqual(
    statuses.filter((_, i) => i % 2 === 1),
    ['passed', 'passed', 'passed', 'passed'],
    JSON.stringify(results.map((r) => [r.status, r.stderr.slice(-200)])),
  );
  assert.ok(statuses.filter((_, i) => i % 2 === 0).every((s) => s !== 'passed'), statuses.join());
});
