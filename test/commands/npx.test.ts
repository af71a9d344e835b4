// The README's commands start with `npx en2py`: after `npm run build` in a fresh
// clone, npx runs the package's own bin, which must therefore be executable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { repoRoot } from '../../src/paths.js';
import { CLI } from '../helpers.js';

test('the en2py bin is executable and `npx en2py` runs it', () => {
  assert.ok((statSync(CLI).mode & 0o111) !== 0, `${CLI} is not executable; build:ts must chmod it`);
  const r = spawnSync('npx', ['en2py', '--help'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: en2py/);
});
