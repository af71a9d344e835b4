/**
 * Where the corpus's files come from (issue 18): the Python standard library
 * and the Debian python3-* packages of the committed manifest
 * (src/data/corpus/manifest.json), or any folder (`--tree`, for tests and
 * custom trees). Listing only stats files; every entry that cannot be read
 * as a regular file is counted here with its reason, never followed forever:
 * - symlink_loop: a symlink that resolves to itself (ELOOP), or a folder reached again through a symlink;
 * - unreadable: stat/open fails (a dangling symlink, a permission error, an I/O error);
 * - not_regular_file: a FIFO, socket or device named *.py (reading it could block forever);
 * - too_long: larger than MAX_FILE_BYTES (read no further: generated tables, vendored bundles).
 */
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { repoRoot } from '../../paths.js';
import { readPackageLicense } from './licenses.js';

/** Files above 1 MB are generated data or bundles, not code to learn from. */
export const MAX_FILE_BYTES = 1_000_000;

export interface CorpusSource {
  /** "python-stdlib", "python3-sympy", or a --tree folder's name. */
  name: string;
  license: string;
  /** Only permissive sources are read; the files of others are counted as dropped (license). */
  permissive: boolean;
  /** A folder to walk, or the listed files of a Debian package. */
  dir?: string;
  files?: string[];
  /** Leave test folders out (the standard library's own pair rules did; the corpus keeps them: they are code too). */
  skipDirs?: ReadonlySet<string>;
}

export interface FileEntry {
  source: number;
  file: string;
  /** Path inside its source, with '/' separators. */
  rel: string;
  size: number;
  /** Set when the file is dropped before reading. */
  drop?: 'symlink_loop' | 'unreadable' | 'not_regular_file' | 'too_long';
  detail?: string;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stats one path (following symlinks) into an entry. */
function entryFor(source: number, file: string, rel: string): FileEntry {
  try {
    const st = statSync(file);
    if (!st.isFile()) return { source, file, rel, size: 0, drop: 'not_regular_file', detail: 'not a regular file' };
    if (st.size > MAX_FILE_BYTES) return { source, file, rel, size: st.size, drop: 'too_long', detail: `${st.size} bytes > ${MAX_FILE_BYTES}` };
    return { source, file, rel, size: st.size };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { source, file, rel, size: 0, drop: code === 'ELOOP' ? 'symlink_loop' : 'unreadable', detail: code };
  }
}

/** Every *.py under `dir` (sorted, depth first); symlinked folders are followed once (their real path). */
export function walkPython(source: number, dir: string, skipDirs: ReadonlySet<string> = new Set()): FileEntry[] {
  const out: FileEntry[] = [];
  const seen = new Set<string>();
  const walk = (d: string, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      out.push({ source, file: d, rel: rel || '.', size: 0, drop: code === 'ELOOP' ? 'symlink_loop' : 'unreadable', detail: code });
      return;
    }
    if (seen.has(real)) {
      out.push({ source, file: d, rel: rel || '.', size: 0, drop: 'symlink_loop', detail: `folder ${real} reached again` });
      return;
    }
    seen.add(real);
    let names: string[];
    try {
      names = readdirSync(d).sort(byName);
    } catch (err) {
      out.push({ source, file: d, rel: rel || '.', size: 0, drop: 'unreadable', detail: (err as NodeJS.ErrnoException).code ?? String(err) });
      return;
    }
    for (const name of names) {
      const full = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      let isDir = false;
      try {
        const l = lstatSync(full);
        isDir = l.isDirectory() || (l.isSymbolicLink() && statSync(full).isDirectory());
      } catch {
        // a dangling or looping symlink: a *.py one is reported by entryFor below, others are not ours
      }
      if (isDir) {
        if (!skipDirs.has(name) && name !== '__pycache__') walk(full, r);
      } else if (name.endsWith('.py')) out.push(entryFor(source, full, r));
    }
  };
  walk(dir, '');
  return out;
}

/** The files of an installed Debian package (dpkg's file list), or null when it is not installed. */
export function debianPackageFiles(pkg: string, infoDir = '/var/lib/dpkg/info'): string[] | null {
  for (const name of [`${pkg}.list`, `${pkg}:amd64.list`, `${pkg}:arm64.list`, `${pkg}:all.list`]) {
    try {
      return readFileSync(path.join(infoDir, name), 'utf8').split('\n').filter((l) => l !== '');
    } catch {
      // try the next name
    }
  }
  return null;
}

/** Entries of a package's listed *.py files, paths relative to the folder that holds its top-level modules. */
export function listedEntries(source: number, files: readonly string[]): FileEntry[] {
  return files
    .filter((f) => f.endsWith('.py'))
    .sort(byName)
    .map((f) => entryFor(source, f, f.replace(/^\/usr\/lib\/python3(\.\d+)?\/(dist|site)-packages\//, '')));
}

export interface Manifest {
  stdlib: { license: string };
  packages: Array<{ name: string; license: string; permissive: boolean; note?: string }>;
}

export function manifestPath(): string {
  return path.join(repoRoot, 'src', 'data', 'corpus', 'manifest.json');
}

export function readManifest(file = manifestPath()): Manifest {
  let value: Manifest;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new UserError(`${file}: cannot read the corpus manifest (${(err as Error).message})`);
  }
  if (!value.stdlib || !Array.isArray(value.packages)) throw new UserError(`${file}: expected {stdlib: {license}, packages: [{name, license, permissive}]}`);
  return value;
}

/**
 * The manifest's sources, standard library first. A package's license is
 * read again from its copyright file: a package whose file now names a
 * non-permissive license is not read (its files count as dropped: license).
 */
export function manifestSources(manifest: Manifest, stdlibDir: string): { sources: CorpusSource[]; missing: string[] } {
  const sources: CorpusSource[] = [{ name: 'python-stdlib', license: manifest.stdlib.license, permissive: true, dir: stdlibDir, skipDirs: new Set(['site-packages', 'dist-packages']) }];
  const missing: string[] = [];
  for (const p of manifest.packages) {
    const files = debianPackageFiles(p.name);
    if (files === null) {
      if (p.permissive) missing.push(p.name);
      continue;
    }
    const read = readPackageLicense(p.name);
    const permissive = p.permissive && (read?.permissive ?? false);
    sources.push({ name: p.name, license: read?.license ?? p.license, permissive, files });
  }
  return { sources, missing };
}

/** Every file entry of the sources, in source order. */
export function listEntries(sources: readonly CorpusSource[]): FileEntry[] {
  const out: FileEntry[] = [];
  sources.forEach((s, i) => {
    if (s.dir !== undefined) out.push(...walkPython(i, s.dir, s.skipDirs));
    if (s.files !== undefined) out.push(...listedEntries(i, s.files));
  });
  return out;
}
