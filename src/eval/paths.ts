import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository (or installed package) root: the nearest folder above this
 * module that holds package.json. tsc does not copy .py files into dist/, so
 * Python helpers are resolved from the source tree under this root.
 */
export function repoRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (cached = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Absolute path of a helper script in src/eval/python/. */
export function pythonScript(name: string): string {
  return path.join(repoRoot(), 'src', 'eval', 'python', name);
}

/** Absolute path of ../shared/data/<rel> next to the repository, or undefined when absent. */
export function sharedData(rel: string): string | undefined {
  const p = path.join(repoRoot(), '..', 'shared', 'data', rel);
  return fs.existsSync(p) ? p : undefined;
}
