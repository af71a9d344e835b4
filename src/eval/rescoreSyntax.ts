/**
 * Re-checks the syntax of an evaluation already written, from the outputs it
 * recorded, with today's check (src/eval/syntax.ts: python3's compile()).
 * Until 2026-11-27 "syntax-valid" meant that `ast.parse` accepted the code,
 * which lets through programs Python refuses to run (`def f(n, n):`); this
 * brings earlier summaries to the same definition without decoding again.
 *
 * Exact when nothing chose the outputs by parsing (the experiments' plain
 * greedy decoding); with the parse rerank, the choice among candidates was
 * made by the older check, so the rescored share is a lower bound of what a
 * rerank by compiling gives. The summary records `syntaxCheck` either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { writeJsonlAtomic } from './report.js';
import { checkSyntax } from './syntax.js';
import { resolveRecordedPath } from '../util/portablePaths.js';

export const SYNTAX_CHECK = 'compile';

interface Summary {
  syntaxValidity?: number;
  syntaxCheck?: string;
  evalFile?: string;
}

interface EvalRecord {
  prediction?: string;
  samples?: string[];
  syntaxOk?: boolean;
  syntaxError?: string;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Rescore one summary (`en2py eval --json` output) and its eval.jsonl in place,
 * each written atomically. Returns the share before and after, and the summary
 * as it now stands; a summary already checked by compiling is left alone.
 */
export async function rescoreSyntax(summaryFile: string): Promise<{ before: number; after: number; changed: boolean; summary: Record<string, unknown> }> {
  if (!existsSync(summaryFile)) throw new UserError(`${summaryFile}: no such evaluation summary`);
  const summary = readJson<Summary & Record<string, unknown>>(summaryFile);
  const before = summary.syntaxValidity ?? NaN;
  if (summary.syntaxCheck === SYNTAX_CHECK) return { before, after: before, changed: false, summary };
  // Recorded relative to the repository (or absolute, by evaluations written before).
  const evalFile = summary.evalFile === undefined ? undefined : resolveRecordedPath(summary.evalFile);
  if (!evalFile || !existsSync(evalFile)) throw new UserError(`${summaryFile}: its outputs (evalFile ${evalFile ?? 'not named'}) are not here, so its syntax cannot be rescored`);
  const lines = readFileSync(evalFile, 'utf8').split('\n').filter((l) => l.trim());
  const records = lines.map((l, i) => {
    try {
      return JSON.parse(l) as EvalRecord;
    } catch {
      throw new UserError(`${evalFile}:${i + 1}: not a JSON object`);
    }
  });
  // Benchmarks record every sample and score the share of all of them; splits score `prediction`.
  const candidates = records.map((r, i) => {
    if (r.samples?.length) return r.samples;
    if (typeof r.prediction === 'string') return [r.prediction];
    throw new UserError(`${evalFile}:${i + 1}: expected "prediction" or "samples"`);
  });
  const checks = await checkSyntax(candidates.flat());
  let k = 0;
  let ok = 0;
  const rescored = records.map((r, i) => {
    const mine = candidates[i].map(() => checks[k++]);
    ok += mine.filter((c) => c.ok).length;
    const { syntaxError: _old, ...rest } = r;
    const first = mine[0];
    return { ...rest, syntaxOk: first.ok, ...(!first.ok && r.samples === undefined ? { syntaxError: first.error } : {}) };
  });
  const total = candidates.flat().length;
  const after = total === 0 ? 0 : ok / total;
  writeJsonlAtomic(evalFile, rescored);
  const rewritten = { ...summary, syntaxValidity: after, syntaxCheck: SYNTAX_CHECK, syntaxRescored: { before, by: 'en2py rescore-syntax' } };
  writeFileAtomic(summaryFile, JSON.stringify(rewritten) + '\n');
  return { before, after, changed: true, summary: rewritten };
}
