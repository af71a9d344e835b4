// A small on-disk cache for embedding matrices: one file per key, holding a
// JSON header (dimensions, which rows were found, free-form stats) and the
// float32 rows. Files are written atomically, so a reader sees a whole file or
// none; a damaged or foreign file is treated as a miss and rewritten.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir } from '../data/resolve.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

const MAGIC = 'EN2PYEMB1\n';

export interface CachedMatrix {
  dim: number;
  rows: number;
  matrix: Float32Array;
  found: boolean[];
  /** Whatever the writer wants to remember (training stats, source file). */
  meta: Record<string, unknown>;
}

/** sha256 (hex, 24 chars) of the JSON of `parts`: the cache key. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** $XDG_CACHE_HOME/en2py/embeddings/<kind>-<key>.bin (or under `cacheDir`). */
export function cacheFile(kind: string, key: string, cacheDir?: string): string {
  return path.join(cacheDir ?? defaultCacheDir(), 'embeddings', `${kind}-${key}.bin`);
}

export function writeMatrixCache(file: string, m: CachedMatrix): void {
  const header = Buffer.from(JSON.stringify({ dim: m.dim, rows: m.rows, found: m.found.map((f) => (f ? 1 : 0)).join(''), meta: m.meta }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const body = Buffer.from(m.matrix.buffer, m.matrix.byteOffset, m.matrix.byteLength);
  writeFileAtomic(file, Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, header, body]));
}

/** The cached matrix, or undefined when the file is absent or not a whole cache file. */
export function readMatrixCache(file: string): CachedMatrix | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const buf = readFileSync(file);
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const hlen = buf.readUInt32LE(MAGIC.length);
    const start = MAGIC.length + 4;
    const h = JSON.parse(buf.toString('utf8', start, start + hlen)) as { dim: number; rows: number; found: string; meta: Record<string, unknown> };
    const bodyStart = start + hlen;
    if (buf.length - bodyStart !== h.dim * h.rows * 4 || h.found.length !== h.rows) return undefined;
    // Copy into a fresh, aligned Float32Array (the Buffer's offset may not be a multiple of 4).
    const matrix = new Float32Array(h.dim * h.rows);
    new Uint8Array(matrix.buffer).set(buf.subarray(bodyStart));
    return { dim: h.dim, rows: h.rows, matrix, found: [...h.found].map((c) => c === '1'), meta: h.meta };
  } catch {
    return undefined;
  }
}
