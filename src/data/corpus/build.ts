/**
 * `en2py corpus build` (issue 18): streams every file of the sources through
 *   read → UTF-8 → line length → project lexer (tokens counted) → python3 `ast`
 *   (Python 3 grammar; documented functions extracted) → exact duplicate
 *   (same token sequence) → near duplicate (MinHash/LSH, minhash.ts) →
 *   decontamination (decontaminate.ts) → shard,
 * and every extracted pair through the same duplicate and decontamination
 * steps. Every file and pair is either written or counted under a drop
 * reason. Memory stays bounded: one file's text at a time plus a window of
 * WINDOW files waiting for python3, and per kept item only a hash and a
 * 64-number signature.
 *
 * Output (format.ts): OUT/files-NNNNN.jsonl, OUT/pairs-NNNNN.jsonl, OUT/stats.json.
 * It is written into OUT.partial and renamed to OUT at the end, so OUT is
 * either the previous complete build or the new one.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { lexPython, PyTokenizeError } from '../../tokenize/pyLexer.js';
import { cleanPairs } from '../clean.js';
import { readFunctions } from '../functions.js';
import { CODE_JACCARD, DESCRIPTION_JACCARD, Decontaminator, EVAL_SETS, FILE_CONTAINMENT, FILE_MIN_SHINGLES, type Contamination } from './decontaminate.js';
import { FILES_PREFIX, PAIRS_PREFIX, SHARD_BYTES, STATS_FILE, type CorpusStats, type FileRecord, type PairRecord } from './format.js';
import { LshIndex, NEAR_DUPLICATE_JACCARD, NUM_HASHES, BANDS, signature } from './minhash.js';
import { MAX_CHARS, MAX_LINES, PythonParser, type WorkerPair } from './pyWorker.js';
import { exactKey, SHINGLE, shingleSet, tokenHashes } from './shingles.js';
import { listEntries, MAX_FILE_BYTES, type CorpusSource, type FileEntry } from './sources.js';

/** Lines longer than this mark generated or minified code (data tables, encoded blobs). */
export const MAX_LINE_CHARS = 1000;
/** Files sent to python3 ahead of the one being finished. */
const WINDOW = 32;

export const FILE_DROP_REASONS = [
  'symlink_loop', 'unreadable', 'not_regular_file', 'too_long', 'license', 'binary', 'not_utf8', 'long_lines',
  'empty', 'does_not_lex', 'does_not_parse', 'duplicate', 'near_duplicate', 'contaminated',
] as const;
export const PAIR_DROP_REASONS = ['unparsable', 'no_code', 'no_description', 'duplicate', 'near_duplicate', 'contaminated'] as const;

export interface BuildOptions {
  sources: CorpusSource[];
  out: string;
  decontaminator: Decontaminator;
  /** The shared functions/ folder (or file); null leaves it out. */
  functions: string | null;
  /** Progress callback: bytes done of total. */
  progress?: (done: number, total: number, info: string) => void;
  /** One-line messages (what was listed). */
  log?: (line: string) => void;
}

class ShardWriter {
  private n = 0;
  private bytes = 0;
  private lines = 0;
  private stream: WriteStream | null = null;
  readonly shards: Array<{ file: string; lines: number; bytes: number }> = [];

  constructor(private readonly dir: string, private readonly prefix: string) {}

  async write(record: object): Promise<void> {
    const line = JSON.stringify(record) + '\n';
    if (this.stream === null || this.bytes >= SHARD_BYTES) await this.rotate();
    this.bytes += Buffer.byteLength(line);
    this.lines++;
    if (!this.stream!.write(line)) await new Promise<void>((r) => this.stream!.once('drain', () => r()));
  }

  private async rotate(): Promise<void> {
    await this.close();
    const file = `${this.prefix}-${String(this.n++).padStart(5, '0')}.jsonl`;
    this.stream = createWriteStream(path.join(this.dir, file));
    this.shards.push({ file, lines: 0, bytes: 0 });
    this.bytes = 0;
    this.lines = 0;
  }

  async close(): Promise<void> {
    if (this.stream === null) return;
    const s = this.stream;
    const last = this.shards[this.shards.length - 1];
    last.lines = this.lines;
    last.bytes = this.bytes;
    this.stream = null;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Index of the first NUL byte or -1: a binary file. */
function isBinary(buf: Buffer): boolean {
  return buf.indexOf(0) >= 0;
}

function longestLine(text: string): number {
  let max = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > max) max = end - start;
    if (nl < 0) return max;
    start = nl + 1;
  }
}

export async function buildCorpus(opts: BuildOptions): Promise<CorpusStats> {
  const started = Date.now();
  const partial = `${opts.out}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const filesOut = new ShardWriter(partial, FILES_PREFIX);
  const pairsOut = new ShardWriter(partial, PAIRS_PREFIX);

  const droppedFiles = zeroCounts(FILE_DROP_REASONS);
  const droppedPairs = zeroCounts(PAIR_DROP_REASONS);
  const decontaminated: Record<string, { files: number; pairs: number }> = Object.fromEntries(EVAL_SETS.map((s) => [s, { files: 0, pairs: 0 }]));
  const sourceStats: CorpusStats['sources'] = {};
  const pairRules: Record<string, number> = {};
  const examples: Record<string, string> = {};
  const note = (reason: string, what: string) => { if (!(reason in examples)) examples[reason] = what; };
  const contaminated = (c: Contamination, kind: 'files' | 'pairs') => { decontaminated[c.set][kind]++; };

  const fileExact = new Set<string>();
  const fileLsh = new LshIndex();
  const pairExact = new Set<string>();
  const pairLsh = new LshIndex();
  let codeTokens = 0;
  let pairs = 0;
  let pairsWithTests = 0;
  const pairsByKind: Record<string, number> = {};

  /** Duplicate, near-duplicate and contamination checks of one pair; writes it when it passes. */
  const admitPair = async (record: PairRecord, stats: { pairs: number; pair_tokens: number }): Promise<void> => {
    let toks;
    try {
      toks = lexPython(record.code);
    } catch {
      droppedPairs.unparsable++;
      return;
    }
    const hashes = tokenHashes(toks);
    const key = exactKey(hashes);
    if (pairExact.has(key)) { droppedPairs.duplicate++; return; }
    const shingles = shingleSet(hashes);
    const c = opts.decontaminator.checkPair(record.description, record.code, shingles);
    if (c) { droppedPairs.contaminated++; contaminated(c, 'pairs'); note(`pair:${c.set}`, `${record.id} ~ ${c.id} (${c.by} ${c.similarity.toFixed(2)})`); return; }
    if (pairLsh.findOrAdd(signature(shingles)) >= 0) { droppedPairs.near_duplicate++; return; }
    pairExact.add(key);
    await pairsOut.write(record);
    pairs++;
    pairsByKind[record.kind] = (pairsByKind[record.kind] ?? 0) + 1;
    if (record.tests?.length) pairsWithTests++;
    stats.pairs++;
    stats.pair_tokens += toks.length;
  };

  // 1. The shared functions/ pairs first: they carry tests, so they win over a corpus copy.
  if (opts.functions !== null) {
    const read = readFunctions(opts.functions);
    const cleaned = await cleanPairs(read, 'functions');
    for (const [reason, n] of Object.entries(cleaned.report.dropped)) droppedPairs[reason as keyof typeof droppedPairs] += n;
    const licenses = [...new Set(read.pairs.map((p) => p.license!))].sort();
    const st = { files: read.files.length, files_read: read.files.length, bytes: 0, tokens: 0, pairs: 0, pair_tokens: 0, pairs_read: read.pairs.length, pairs_with_tests_read: read.counts.withTests ?? 0, license: licenses.join(', '), kind: 'pairs' as const };
    sourceStats.functions = st;
    for (const p of cleaned.pairs) {
      await admitPair({ id: p.id, set: 'functions', source: p.id.split(':')[1].split('/')[0], description: p.description, code: p.code, license: p.license!, origin: p.origin!, kind: 'function', ...(p.testList && { tests: p.testList }) }, st);
    }
  }

  // 2. The corpus files.
  const entries = listEntries(opts.sources);
  const totalBytes = entries.reduce((s, e) => s + (e.drop ? 0 : e.size), 0);
  opts.log?.(`corpus: ${entries.length} .py files listed (${(totalBytes / 1e6).toFixed(0)} MB to read) in ${opts.sources.length} source(s)`);
  for (const s of opts.sources) sourceStats[s.name] = { files: 0, files_read: 0, bytes: 0, tokens: 0, pairs: 0, pair_tokens: 0, license: s.license, kind: 'files' };
  const parser = new PythonParser();
  let doneBytes = 0;
  type Pending = { entry: FileEntry; text: string; tokens: number; hashes: Uint32Array; answer: Promise<import('./pyWorker.js').WorkerAnswer> };
  const pending: Pending[] = [];

  const finish = async (p: Pending): Promise<void> => {
    const src = opts.sources[p.entry.source];
    const st = sourceStats[src.name];
    const answer = await p.answer;
    doneBytes += p.entry.size;
    if (!answer.ok) { droppedFiles.does_not_parse++; note('does_not_parse', `${p.entry.file}: ${answer.error}`); return; }
    const key = exactKey(p.hashes);
    if (fileExact.has(key)) { droppedFiles.duplicate++; return; }
    const shingles = shingleSet(p.hashes);
    const c = opts.decontaminator.checkFile(shingles);
    if (c) { droppedFiles.contaminated++; contaminated(c, 'files'); note(`file:${c.set}`, `${p.entry.file} ⊇ ${c.id} (${c.similarity.toFixed(2)})`); return; }
    if (fileLsh.findOrAdd(signature(shingles)) >= 0) { droppedFiles.near_duplicate++; return; }
    fileExact.add(key);
    const record: FileRecord = { source: src.name, path: p.entry.rel, license: src.license, tokens: p.tokens, text: p.text };
    await filesOut.write(record);
    st.files++;
    st.bytes += p.entry.size;
    st.tokens += p.tokens;
    codeTokens += p.tokens;
    for (const [k, v] of Object.entries(answer.counts)) pairRules[k] = (pairRules[k] ?? 0) + v;
    for (const wp of answer.pairs as WorkerPair[]) {
      await admitPair({
        id: `corpus:${src.name}:${p.entry.rel}:${wp.name}:${wp.line}`, set: 'corpus', source: src.name, description: wp.description, nl: wp.nl,
        code: wp.code, license: src.license, origin: `${src.name}:${p.entry.rel}:${wp.line}`, kind: wp.kind,
      }, st);
    }
  };

  try {
    for (const entry of entries) {
      const src = opts.sources[entry.source];
      sourceStats[src.name].files_read++;
      const drop = (reason: (typeof FILE_DROP_REASONS)[number], detail: string) => { droppedFiles[reason]++; note(reason, `${entry.file}: ${detail}`); doneBytes += entry.size; };
      if (entry.drop) { drop(entry.drop, entry.detail ?? ''); continue; }
      if (!src.permissive) { drop('license', src.license); continue; }
      let buf: Buffer;
      try {
        buf = await readFile(entry.file);
      } catch (err) {
        drop('unreadable', (err as NodeJS.ErrnoException).code ?? String(err));
        continue;
      }
      if (buf.length > MAX_FILE_BYTES) { drop('too_long', `${buf.length} bytes`); continue; }
      if (isBinary(buf)) { drop('binary', 'NUL byte'); continue; }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
      } catch {
        drop('not_utf8', 'invalid UTF-8');
        continue;
      }
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      text = text.replace(/\r\n?/g, '\n');
      if (longestLine(text) > MAX_LINE_CHARS) { drop('long_lines', `a line longer than ${MAX_LINE_CHARS} characters`); continue; }
      let tokens;
      try {
        tokens = lexPython(text);
      } catch (err) {
        if (!(err instanceof PyTokenizeError) && !(err instanceof RangeError)) throw err;
        drop('does_not_lex', (err as Error).message);
        continue;
      }
      if (tokens.length === 0) { drop('empty', 'no code tokens'); continue; }
      const hashes = tokenHashes(tokens);
      pending.push({ entry, text, tokens: tokens.length, hashes, answer: parser.parse(text, true) });
      await parser.drained();
      while (pending.length >= WINDOW) await finish(pending.shift()!);
      opts.progress?.(doneBytes, totalBytes, `${(codeTokens / 1e6).toFixed(1)}M tokens, ${pairs} pairs`);
    }
    while (pending.length > 0) await finish(pending.shift()!);
  } finally {
    await parser.close();
  }
  await filesOut.close();
  await pairsOut.close();
  opts.progress?.(totalBytes, totalBytes, `${(codeTokens / 1e6).toFixed(1)}M tokens, ${pairs} pairs`);

  const stats: CorpusStats = {
    format: 1,
    code_tokens: codeTokens,
    pairs,
    function_pairs: pairs - (pairsByKind.comment ?? 0),
    pairs_by_kind: pairsByKind,
    pairs_with_tests: pairsWithTests,
    sources: sourceStats,
    dropped: { files: droppedFiles, pairs: droppedPairs },
    decontaminated,
    evaluation_items: opts.decontaminator.sizes,
    pair_rules: pairRules,
    drop_examples: examples,
    rules: {
      tokens: 'src/tokenize/pyLexer.ts tokens without comments (NEWLINE, INDENT and DEDENT count)',
      max_file_bytes: MAX_FILE_BYTES,
      max_line_chars: MAX_LINE_CHARS,
      shingle_tokens: SHINGLE,
      minhash: { hashes: NUM_HASHES, bands: BANDS, near_duplicate_jaccard: NEAR_DUPLICATE_JACCARD },
      decontamination: { description_jaccard: DESCRIPTION_JACCARD, code_jaccard: CODE_JACCARD, file_containment: FILE_CONTAINMENT, file_min_shingles: FILE_MIN_SHINGLES },
      pair_code: { max_lines: MAX_LINES, max_chars: MAX_CHARS },
    },
    shards: { files: filesOut.shards, pairs: pairsOut.shards },
    build: { seconds: Math.round((Date.now() - started) / 1000), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version },
  };
  writeFileSync(path.join(partial, STATS_FILE), JSON.stringify(stats, null, 2) + '\n');
  rmSync(opts.out, { recursive: true, force: true });
  renameSync(partial, opts.out);
  return stats;
}
