// E3's corpus: Python token sequences in exactly the strings the decoder sees.
// Sources: (a) the training split's code, (b) the .py files of the Python
// standard library on this machine (tests and site-packages skipped). Each
// snippet or file is lexed with our lexer (comments dropped) and turned into
// model strings with `encodeCode` against the target vocabulary, as training
// does (`encodePairs` in src/train/data.ts): a token the vocabulary lacks becomes
// its "##" pieces or characters, and a piece still outside the vocabulary is
// "<unk>". Number slots are not applied: E3 predates them and no slot model uses it.
// Each sequence is wrapped in <bos> … <eos>, as the decoder sees it.
import { readFileSync } from 'node:fs';
import { findStdlibDir, listStdlibFiles } from '../python/stdlib.js';
import { lexPython, PyTokenizeError, type PyToken } from '../tokenize/pyLexer.js';
import { encodeCode, tokenString, type Segmenter, type TokenSet } from '../tokenize/subword.js';
import { SPECIAL_TOKENS, BOS, EOS, UNK } from '../tokenize/vocab.js';

export interface PythonCorpusOptions {
  /** Code of the training split. */
  trainCodes?: readonly string[];
  /** The target vocabulary; without it every token stays whole (no pieces, no <unk>). */
  vocab?: TokenSet;
  /** The BPE merges the vocabulary was built with (`data split --bpe`), if any. */
  bpe?: Segmenter;
  /** Standard library folder; default: asked from python3; false: no standard library. */
  stdlib?: string | false;
  /** At most this many standard library files (default 200), in sorted path order. */
  maxStdlibFiles?: number;
  /** Stop adding standard library files past this many tokens (default 2,000,000). */
  maxStdlibTokens?: number;
  /** The Python to ask for the standard library (default $EN2PY_PYTHON or python3). */
  python?: string;
}

export interface PythonCorpusStats {
  trainSnippets: number;
  trainRejected: number;
  trainTokens: number;
  stdlibDir: string | null;
  /** .py files found (after skipping test and site-packages folders). */
  stdlibFilesFound: number;
  stdlibFilesUsed: number;
  /** Files the lexer rejected (or that are not UTF-8 text), skipped. */
  stdlibFilesRejected: number;
  stdlibTokens: number;
  /** Strings outside the vocabulary, written as <unk>. */
  unkTokens: number;
}

export interface PythonCorpus { sequences: string[][]; stats: PythonCorpusStats }

/** Model strings of lexed code: encodeCode against the vocabulary, unknown strings as <unk>, in <bos> … <eos>. */
export function modelSequence(tokens: readonly PyToken[], vocab?: TokenSet, bpe?: Segmenter): { seq: string[]; unk: number } {
  const body = vocab ? encodeCode(tokens, vocab, bpe) : tokens.map((t) => tokenString(t));
  let unk = 0;
  const seq = [SPECIAL_TOKENS[BOS] as string];
  for (const s of body) {
    if (vocab && !vocab.has(s)) { seq.push(SPECIAL_TOKENS[UNK]); unk++; } else seq.push(s);
  }
  seq.push(SPECIAL_TOKENS[EOS]);
  return { seq, unk };
}

function lexOrUndefined(code: string): PyToken[] | undefined {
  try {
    return lexPython(code);
  } catch (err) {
    if (err instanceof PyTokenizeError) return undefined;
    throw err;
  }
}

export function buildPythonCorpus(opts: PythonCorpusOptions = {}): PythonCorpus {
  const stats: PythonCorpusStats = {
    trainSnippets: 0, trainRejected: 0, trainTokens: 0, stdlibDir: null, stdlibFilesFound: 0,
    stdlibFilesUsed: 0, stdlibFilesRejected: 0, stdlibTokens: 0, unkTokens: 0,
  };
  const sequences: string[][] = [];
  /** Adds one lexed snippet or file; returns its length in model strings. */
  const add = (toks: readonly PyToken[]): number => {
    const { seq, unk } = modelSequence(toks, opts.vocab, opts.bpe);
    sequences.push(seq);
    stats.unkTokens += unk;
    return seq.length;
  };
  for (const code of opts.trainCodes ?? []) {
    const toks = lexOrUndefined(code);
    if (!toks) { stats.trainRejected++; continue; }
    stats.trainTokens += add(toks);
    stats.trainSnippets++;
  }
  const dir = opts.stdlib === false ? null : opts.stdlib ?? findStdlibDir(opts.python);
  stats.stdlibDir = dir;
  if (dir) {
    const files = listStdlibFiles(dir);
    stats.stdlibFilesFound = files.length;
    const maxFiles = opts.maxStdlibFiles ?? 200;
    const maxTokens = opts.maxStdlibTokens ?? 2_000_000;
    for (const file of files) {
      if (stats.stdlibFilesUsed >= maxFiles || stats.stdlibTokens >= maxTokens) break;
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
      } catch {
        stats.stdlibFilesRejected++;
        continue;
      }
      const toks = lexOrUndefined(text);
      if (!toks) { stats.stdlibFilesRejected++; continue; }
      stats.stdlibTokens += add(toks);
      stats.stdlibFilesUsed++;
    }
  }
  return { sequences, stats };
}
