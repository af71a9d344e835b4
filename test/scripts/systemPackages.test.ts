// scripts/system-packages.js: npm start's check for the system packages the native
// addon needs. With --check it only reports; the exact apt-get command is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers.js';

const script = path.join(repoRoot(), 'scripts', 'system-packages.js');

test('a machine without the packages gets the exact apt-get command and exit 1', (t) => {
  const emptyRoot = tempDir(t);
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8', env: { ...process.env, EN2PY_SYSROOT: emptyRoot } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing system packages: build-essential libopenblas-dev libopenblas-openmp-dev libdnnl-dev python3/);
  assert.match(r.stderr, /apt-get update && apt-get install -y --no-install-recommends build-essential libopenblas-dev libopenblas-openmp-dev libdnnl-dev python3/);
});

test('a machine with every package passes the check silently', { skip: process.env.EN2PY_REQUIRE_NATIVE === '1' ? false : 'checked where CI installs the packages (EN2PY_REQUIRE_NATIVE=1)' }, () => {
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});
