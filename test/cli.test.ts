import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.js');

test('en2py --help lists the program and exits 0', () => {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: en2py/);
});

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

/** Exactly one line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  return lines[0];
}

test('--help documents the exit status: 2 for usage and input errors', () => {
  const r = run(['--help']);
  assert.match(r.stdout, /Exit status:[\s\S]*2\s+a usage or input error/);
});

test('an unknown command is one line naming the closest command and how to list them, exit 2', () => {
  const r = run(['genrate', 'add two numbers']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(oneLine(r.stderr), "en2py: unknown command 'genrate'; did you mean generate? (`en2py --help` lists the commands)");
  const far = run(['zzzz']);
  assert.equal(far.status, 2);
  assert.match(oneLine(far.stderr), /^en2py: unknown command 'zzzz' \(`en2py --help` lists the commands\)$/);
});

test('usage errors of a sub-command (unknown option, bad value, missing argument) are one line and exit 2', () => {
  const unknown = run(['generate', '--bem', '3', 'add two numbers']);
  assert.equal(unknown.status, 2);
  assert.match(oneLine(unknown.stderr), /^en2py generate: unknown option '--bem'; did you mean --beam\? \(`en2py generate --help` lists/);
  const bad = run(['generate', '--beam', 'many', 'add two numbers']);
  assert.equal(bad.status, 2);
  assert.match(oneLine(bad.stderr), /^en2py generate: option '--beam <n>' argument 'many' is invalid\. expected a positive integer/);
  const missing = run(['rescore-syntax']);
  assert.equal(missing.status, 2);
  assert.match(oneLine(missing.stderr), /^en2py rescore-syntax: missing required argument 'path'/);
});
