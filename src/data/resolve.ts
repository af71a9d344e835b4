// Where the English→Python data file is: --data, then $EN2PY_DATA, then the
// shared copy beside the repository, then the download cache.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../paths.js';
import { UserError } from '../errors.js';

export const DATA_FILE_NAME = 'english_python_data.txt';


/** $XDG_CACHE_HOME/en2py, else ~/.cache/en2py. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'en2py');
}

export interface ResolveOptions {
  data?: string;
  env?: NodeJS.ProcessEnv;
  /** Defaults to the repository root; ../shared/data is looked up beside it. */
  root?: string;
  cacheDir?: string;
}

export function resolveDataPath(opts: ResolveOptions = {}): string {
  const env = opts.env ?? process.env;
  if (opts.data) {
    if (!existsSync(opts.data)) throw new UserError(`${opts.data}: no such file (given with --data)`);
    return opts.data;
  }
  if (env.EN2PY_DATA) {
    if (!existsSync(env.EN2PY_DATA)) throw new UserError(`${env.EN2PY_DATA}: no such file (given by $EN2PY_DATA)`);
    return env.EN2PY_DATA;
  }
  const shared = path.resolve(opts.root ?? repoRoot, '..', 'shared', 'data', 'english_python', DATA_FILE_NAME);
  if (existsSync(shared)) return shared;
  const cached = path.join(opts.cacheDir ?? defaultCacheDir(env), DATA_FILE_NAME);
  if (existsSync(cached)) return cached;
  throw new UserError(
    `no English→Python data found: pass --data FILE, set EN2PY_DATA, or run \`en2py data download\` (it saves to ${cached})`,
  );
}
