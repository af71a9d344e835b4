// Downloads the public English→Python data set into a cache directory, checks
// its sha256, and only then moves it into place (so a bad download never
// leaves a file that looks valid).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { DATA_FILE_NAME, defaultCacheDir } from './resolve.js';

export const DATA_URL = 'https://raw.githubusercontent.com/senthilva/END/main/englishtopython/english_python_data.txt';
export const DATA_SHA256 = '9ca3204fd373e940bde93c5c987c773be961168963fd13c2e0ab3c7f572b4407';

export interface DownloadOptions {
  url?: string;
  sha256?: string;
  cacheDir?: string;
  timeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  /** False when a file with the right checksum was already in the cache. */
  downloaded: boolean;
  bytes: number;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export async function downloadDataset(opts: DownloadOptions = {}): Promise<DownloadResult> {
  const url = opts.url ?? DATA_URL;
  const expected = opts.sha256 ?? DATA_SHA256;
  const target = path.join(opts.cacheDir ?? defaultCacheDir(), DATA_FILE_NAME);
  if (existsSync(target)) {
    const have = readFileSync(target);
    if (sha256(have) === expected) return { path: target, downloaded: false, bytes: have.length };
  }
  let body: Uint8Array;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    if (!res.ok) throw new UserError(`${url}: download failed with HTTP ${res.status} ${res.statusText}`);
    body = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof UserError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new UserError(
      `${url}: cannot download (${why}); are you offline? Copy ${DATA_FILE_NAME} to ${target}, or pass --data FILE / set EN2PY_DATA`,
    );
  }
  const got = sha256(body);
  if (got !== expected) {
    throw new UserError(`${url}: checksum mismatch: expected sha256 ${expected}, got ${got} (${body.length} bytes); nothing was saved`);
  }
  writeFileAtomic(target, body);
  return { path: target, downloaded: true, bytes: body.length };
}
