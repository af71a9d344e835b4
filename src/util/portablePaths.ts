// Paths as committed result files and model cards record them, so that they mean
// the same on every machine: a file inside the repository by its path relative to
// it ("benchmarks/en2py-bench.jsonl"), any other existing file (a data set beside
// the clone, in a cache, anywhere) by its name and sha256, since where it lies is
// a fact about the machine that made the record, not about the data.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.js';

export interface FileRecord {
  name: string;
  sha256: string;
}

export function isFileRecord(x: unknown): x is FileRecord {
  return !!x && typeof x === 'object' && typeof (x as FileRecord).name === 'string' && typeof (x as FileRecord).sha256 === 'string';
}

const hashes = new Map<string, string>();

/** The sha256 of a file's bytes, in hex (read once per path and process). */
export function sha256OfFile(file: string): string {
  const abs = path.resolve(file);
  let h = hashes.get(abs);
  if (!h) hashes.set(abs, (h = createHash('sha256').update(readFileSync(abs)).digest('hex')));
  return h;
}

/** A path relative to the repository, with forward slashes ("../x" when outside it). */
export function repoRelative(p: string): string {
  return path.relative(repoRoot, path.resolve(p)).split(path.sep).join('/') || '.';
}

/** How a result file records `p` (relative paths are taken from the current directory). */
export function portablePath(p: string): string | FileRecord {
  const rel = repoRelative(p);
  if (!rel.startsWith('../')) return rel;
  const isFile = statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  return isFile ? { name: path.basename(p), sha256: sha256OfFile(p) } : rel;
}

/**
 * An absolute path of two or more parts ("/data/x.txt"), not a token such as "/"
 * or "//" (vocabularies hold those) nor a sentence that starts with a path.
 */
function looksLikePath(s: string): boolean {
  return /^(\/[^/\s]+){2,}\/?$/.test(s) || (/^\/[^/\n]+\/[^\n]+$/.test(s) && statSync(s, { throwIfNoEntry: false }) !== undefined);
}

/** `value` with every string that is an absolute path recorded by portablePath (objects and arrays walked). */
export function portablePaths<T>(value: T): T {
  if (typeof value === 'string') return (looksLikePath(value) ? portablePath(value) : value) as T;
  if (Array.isArray(value)) return value.map((v) => portablePaths(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portablePaths(v)])) as T;
  }
  return value;
}

/** A recorded file for a message or a card: "name" or "name (sha256 0123456789ab…)". */
export function describeRecordedFile(x: unknown, withHash = false): string {
  if (isFileRecord(x)) return withHash ? `${x.name} (sha256 ${x.sha256.slice(0, 12)}…)` : x.name;
  return typeof x === 'string' ? (withHash ? x : path.basename(x)) : String(x);
}

/** A recorded path string as a path here: repository-relative ones are resolved against the repository. */
export function resolveRecordedPath(p: string): string {
  return path.isAbsolute(p) ? p : path.join(repoRoot, p);
}
