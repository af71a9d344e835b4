/**
 * Aggregates per-example evaluation results into one summary, formats it as a
 * table, and writes the per-example records to eval.jsonl atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import { corpusBleu } from './bleu.js';
import type { CodeBleuResult } from './codebleu.js';
import { corpusTokenAccuracy, exactMatch } from './exact.js';
import { meanPassAtK } from './passk.js';
import type { RunStatus } from './sandbox.js';

/** One evaluated example; every metric field is optional so partial evaluations still aggregate. */
export interface ExampleRecord {
  id: string | number;
  source?: string;
  prediction: string;
  reference?: string;
  predTokens?: string[];
  refTokens?: string[];
  /** Does the prediction parse (syntax.ts)? */
  syntaxOk?: boolean;
  /** Execution status of each sample as written (strict). */
  runs?: RunStatus[];
  /** Execution status of each sample with the MBPP name binding (lenient). */
  boundRuns?: RunStatus[];
}

export interface EvalSummary {
  examples: number;
  /** Corpus BLEU 0–100 (sacreBLEU-compatible) over token arrays. */
  bleu?: number;
  /** Shares 0–1. */
  exactMatch?: number;
  tokenAccuracy?: number;
  syntaxValidity?: number;
  codebleu?: CodeBleuResult;
  /** pass@k (0–1) with programs as written: the official score. */
  passAtK?: Record<string, number>;
  /** pass@k with the first defined function bound to the tested name (lenient, MBPP only). */
  boundPassAtK?: Record<string, number>;
  /** How all strict runs ended. */
  statusCounts?: Record<RunStatus, number>;
}

function passTable(rows: (RunStatus[] | undefined)[], ks: readonly number[]): Record<string, number> | undefined {
  const problems = rows.filter((r): r is RunStatus[] => r !== undefined && r.length > 0).map((r) => ({ n: r.length, c: r.filter((s) => s === 'passed').length }));
  if (problems.length === 0) return undefined;
  const minN = Math.min(...problems.map((p) => p.n));
  const out: Record<string, number> = {};
  for (const k of ks) if (k <= minN) out[`pass@${k}`] = meanPassAtK(problems, k);
  return out;
}

/** Aggregates the records; `codebleu` is computed separately (it needs python3) and passed in. */
export function aggregate(records: readonly ExampleRecord[], opts: { ks?: readonly number[]; codebleu?: CodeBleuResult } = {}): EvalSummary {
  const summary: EvalSummary = { examples: records.length };
  const tok = records.filter((r) => r.predTokens && r.refTokens);
  if (tok.length > 0) {
    summary.bleu = corpusBleu(tok.map((r) => r.predTokens!), [tok.map((r) => r.refTokens!)]).score;
    summary.exactMatch = tok.filter((r) => exactMatch(r.predTokens!, r.refTokens!)).length / tok.length;
    summary.tokenAccuracy = corpusTokenAccuracy(tok.map((r) => r.predTokens!), tok.map((r) => r.refTokens!)).accuracy;
  }
  const syn = records.filter((r) => r.syntaxOk !== undefined);
  if (syn.length > 0) summary.syntaxValidity = syn.filter((r) => r.syntaxOk).length / syn.length;
  if (opts.codebleu) summary.codebleu = opts.codebleu;
  const ks = opts.ks ?? [1, 10, 100];
  summary.passAtK = passTable(records.map((r) => r.runs), ks);
  summary.boundPassAtK = passTable(records.map((r) => r.boundRuns), ks);
  if (records.some((r) => r.runs)) {
    const counts: Record<RunStatus, number> = { passed: 0, failed: 0, timeout: 0, error: 0, killed: 0 };
    for (const r of records) for (const s of r.runs ?? []) counts[s]++;
    summary.statusCounts = counts;
  }
  return summary;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

export interface TableOptions {
  /** Row labels to use instead of the defaults (e.g. to name the tokenization). */
  labels?: { bleu?: string; exactMatch?: string; tokenAccuracy?: string };
  /** Rows added after the token accuracy row (before syntax validity). */
  extra?: [string, string][];
}

/** A two-column text table of every metric present in the summary. */
export function formatTable(s: EvalSummary, opts: TableOptions = {}): string {
  const rows: [string, string][] = [['examples', String(s.examples)]];
  if (s.bleu !== undefined) rows.push([opts.labels?.bleu ?? 'BLEU (corpus, 0-100)', s.bleu.toFixed(2)]);
  if (s.exactMatch !== undefined) rows.push([opts.labels?.exactMatch ?? 'exact match', pct(s.exactMatch)]);
  if (s.tokenAccuracy !== undefined) rows.push([opts.labels?.tokenAccuracy ?? 'token accuracy', pct(s.tokenAccuracy)]);
  rows.push(...(opts.extra ?? []));
  if (s.syntaxValidity !== undefined) rows.push(['syntax validity (compile)', pct(s.syntaxValidity)]);
  if (s.codebleu) {
    const c = s.codebleu;
    rows.push(['CodeBLEU (0-1)', c.codebleu.toFixed(4)]);
    rows.push(['  n-gram match', c.ngram.toFixed(4)]);
    rows.push(['  weighted n-gram match', c.weightedNgram.toFixed(4)]);
    rows.push(['  syntax (AST) match', c.syntax.toFixed(4)]);
    rows.push(['  data-flow match', c.dataflow === null ? 'n/a (counted as 1)' : c.dataflow.toFixed(4)]);
  }
  for (const [k, v] of Object.entries(s.passAtK ?? {})) rows.push([`${k} (strict: as written)`, pct(v)]);
  for (const [k, v] of Object.entries(s.boundPassAtK ?? {})) rows.push([`${k} (bound: first def renamed)`, pct(v)]);
  if (s.statusCounts) rows.push(['runs', Object.entries(s.statusCounts).map(([k, v]) => `${k} ${v}`).join(', ')]);
  const w = Math.max(...rows.map((r) => r[0].length));
  const line = `${'-'.repeat(w + 2)}+${'-'.repeat(Math.max(...rows.map((r) => r[1].length)) + 2)}`;
  return [line, ...rows.map(([a, b]) => ` ${a.padEnd(w)} | ${b}`), line].join('\n');
}

/**
 * Writes one JSON object per line to `file` atomically: a temporary file in the
 * same directory, then rename, so readers never see a half-written file.
 */
export function writeJsonlAtomic(file: string, records: readonly unknown[]): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
