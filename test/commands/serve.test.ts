// `en2py serve` refuses bad input with one clear line: a missing model, a bad port; binds to 127.0.0.1 by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CLI, tempDir } from '../helpers.js';

const en2py = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });

test('serve: missing model, bad port, defaults', async (t) => {
  const dir = tempDir(t);
  const missing = en2py(['serve', '--model', path.join(dir, 'nope'), '--port', '0']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such model directory/);

  const badPort = en2py(['serve', '--port', '70000']);
  assert.notEqual(badPort.status, 0);
  assert.match(badPort.stderr, /expected a port number/);

  const help = en2py(['serve', '--help']);
  assert.match(help.stdout, /--host <host>.*\(default: "127\.0\.0\.1"\)/s);
  assert.match(help.stdout, /--port <n>.*\(default: 8080\)/s);
});
