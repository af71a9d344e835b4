// Shared test helpers: temporary directories and the location of the real data.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

/** The repository root: the nearest folder above this compiled file with a package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the tests');
    dir = up;
  }
  return dir;
}

/** ../shared/data beside the repository. */
export const SHARED_DATA = path.resolve(repoRoot(), '..', 'shared', 'data');
export const EN_PY_FILE = path.join(SHARED_DATA, 'english_python', 'english_python_data.txt');

/** A reason to skip a test when a real data file is absent (undefined when present). */
export function skipUnlessExists(file: string): string | undefined {
  return existsSync(file) ? undefined : `real data not found at ${file} (put ../shared/data beside the repo to run this test)`;
}

export const HAS_PYTHON = spawnSync(process.env.EN2PY_PYTHON || 'python3', ['-c', 'pass']).status === 0;
export const NO_PYTHON = HAS_PYTHON ? undefined : 'python3 not available';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'en2py-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const CLI = path.join(repoRoot(), 'dist', 'src', 'cli.js');

/** Runs the built CLI in a child process (as a user would), with extra environment variables. */
export function en2py(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** An http URL on 127.0.0.1 whose port was just freed, so connecting is refused. */
export async function refusedUrl(): Promise<string> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/english_python_data.txt`;
}
