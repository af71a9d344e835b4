import fs from 'node:fs';
import path from 'node:path';
import { repoRoot as root } from '../paths.js';

/** Absolute path of a helper script in src/eval/python/. */
export function pythonScript(name: string): string {
  return path.join(root, 'src', 'eval', 'python', name);
}

/** Absolute path of ../shared/data/<rel> next to the repository, or undefined when absent. */
export function sharedData(rel: string): string | undefined {
  const p = path.join(root, '..', 'shared', 'data', rel);
  return fs.existsSync(p) ? p : undefined;
}
