// Where the Python standard library of this machine lives, and its source files.
// Two features read it: E3's word2vec corpus (src/embeddings/pythonCorpus.ts) and
// the documented-function pairs (src/data/stdlibPairs.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The standard library folder python3 reports, or null when python3 is missing. */
export function findStdlibDir(python = process.env.EN2PY_PYTHON || 'python3'): string | null {
  const r = spawnSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir !== '' ? dir : null;
}

const SKIP_DIRS = new Set(['test', 'tests', 'idle_test', 'site-packages', 'dist-packages', '__pycache__']);

/** .py files under `dir`, sorted, skipping test folders and installed packages. */
export function listStdlibFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('test_')) walk(path.join(d, e.name)); }
      else if (e.isFile() && e.name.endsWith('.py') && !/^test_/.test(e.name)) out.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

