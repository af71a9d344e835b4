/**
 * The built corpus on disk (issue 18), made to be streamed by training:
 *
 *   OUT/files-00000.jsonl, files-00001.jsonl, …  one kept source file a line:
 *     {"source": "python3-sympy", "path": "sympy/core/add.py", "license": "BSD-3-clause",
 *      "tokens": 5123, "text": "<the file, UTF-8, LF line ends>"}
 *   OUT/pairs-00000.jsonl, …                      one English→Python pair a line:
 *     {"id", "set": "functions" | "corpus", "source", "description", "nl"?, "code",
 *      "license", "origin", "kind", "tests"?}
 *     kind: function | method (self unused, dropped) | staticmethod | boundmethod (uses self)
 *     from docstrings, comment (a comment and the statement under it), or
 *     function (functions/ pairs). "set" says which file set a pair came from.
 *   OUT/stats.json                                the counts (`en2py corpus stats`).
 *
 * Shards close at about SHARD_BYTES, so a reader holds one line at a time
 * (node:readline over a read stream). Files are in source order (standard library,
 * then the manifest's packages); shuffle when training.
 */
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { UserError } from '../../errors.js';

export const FILES_PREFIX = 'files';
export const PAIRS_PREFIX = 'pairs';
export const STATS_FILE = 'stats.json';
export const SHARD_BYTES = 64 * 1024 * 1024;

export interface FileRecord {
  source: string;
  path: string;
  license: string;
  /** Project lexer tokens (no comments). */
  tokens: number;
  text: string;
}

export interface PairRecord {
  id: string;
  /** functions: the shared functions/ set; corpus: extracted from a corpus file. */
  set: 'functions' | 'corpus';
  source: string;
  /** The training description ("write a python function to …" for corpus pairs). */
  description: string;
  /** Corpus pairs: the docstring's first sentence (or the comment) as written. */
  nl?: string;
  code: string;
  license: string;
  origin: string;
  kind: string;
  /** Asserts that passed against the code (functions/ only). */
  tests?: string[];
}

export interface SourceStats {
  kind: 'files' | 'pairs';
  license: string;
  /** Files kept (pairs sources: the data files read). */
  files: number;
  /** Files listed (kept or dropped). */
  files_read: number;
  bytes: number;
  /** Lexer tokens of the kept files (0 for a pairs source). */
  tokens: number;
  pairs: number;
  /** Lexer tokens of the kept pairs' code. */
  pair_tokens: number;
  pairs_read?: number;
  pairs_with_tests_read?: number;
}

export interface CorpusStats {
  format: 1;
  code_tokens: number;
  /** Every kept pair: function pairs and comment pairs. */
  pairs: number;
  /** English → function pairs: every kind but "comment" (a comment and the statement under it). */
  function_pairs: number;
  pairs_by_kind: Record<string, number>;
  pairs_with_tests: number;
  sources: Record<string, SourceStats>;
  dropped: { files: Record<string, number>; pairs: Record<string, number> };
  decontaminated: Record<string, { files: number; pairs: number }>;
  evaluation_items: Record<string, number>;
  pair_rules: Record<string, number>;
  drop_examples: Record<string, string>;
  rules: Record<string, unknown>;
  shards: { files: Array<{ file: string; lines: number; bytes: number }>; pairs: Array<{ file: string; lines: number; bytes: number }> };
  build: { seconds: number; cpu: string; cores: number; node: string };
}

/** The stats of a finished build in `dir`; a UserError when there is none. */
export function readCorpusStats(dir: string): CorpusStats {
  const file = path.join(dir, STATS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`${file}: no corpus stats; run \`en2py corpus build --out ${dir}\` first (a build writes stats.json last)`);
  }
  return JSON.parse(text) as CorpusStats;
}

/** The shard files of one kind in `dir`, sorted. */
export function shardFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f));
}

/** Streams the records of every shard of one kind, one line at a time. */
export async function* readShards<T>(dir: string, prefix: string): AsyncGenerator<T> {
  for (const file of shardFiles(dir, prefix)) {
    let n = 0;
    for await (const line of readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      n++;
      if (line === '') continue;
      try {
        yield JSON.parse(line) as T;
      } catch {
        throw new UserError(`${file}:${n}: expected one JSON object a line (corpus shard)`);
      }
    }
  }
}
