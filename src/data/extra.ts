/**
 * Extra training pairs from other data sets (issue 8: "more data"): CoNaLa's
 * curated train set, MBPP's training tasks (601-974) and the documented
 * functions of the Python standard library (src/data/stdlibPairs.ts). They join the TRAIN
 * split only; the validation and test splits stay those of the English→Python
 * set, so scores remain comparable with runs without extra data.
 *
 * Nothing evaluated may leak in: MBPP tasks outside 601-974 (its test split
 * 11-510 is a benchmark here) are never read, and an extra pair is dropped when
 * it shares a description key or code key with a valid/test pair (the split's
 * own grouping rule) or when its description is a near-duplicate of a team
 * benchmark prompt.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { nearDuplicates } from '../eval/benchmark.js';
import { repoRoot } from '../paths.js';
import { cleanPairs, type CleanPair } from './clean.js';
import { loadCleanPairs } from './load.js';
import { codeKey, descriptionKey } from './split.js';
import { readStdlibPairs } from './stdlibPairs.js';

export type ExtraSource = 'conala' | 'mbpp' | 'stdlib';

/** MBPP's official training tasks; the only MBPP tasks en2py may train on. */
export const MBPP_TRAIN_TASKS = { first: 601, last: 974 };

/** The shared copies beside the repository (DESIGN.md: ../shared/data). */
export function defaultExtraPath(source: 'conala' | 'mbpp'): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'data');
  return source === 'conala' ? path.join(shared, 'conala', 'conala-train.json') : path.join(shared, 'mbpp', 'mbpp.jsonl');
}

export interface ExtraReport {
  source: ExtraSource;
  /** The data file, or the standard library folder. */
  file: string;
  read: number;
  /** Dropped because they group with a valid or test pair of the main split. */
  leakingIntoEvaluation: number;
  /** Dropped because the description is a near-duplicate (Jaccard ≥ 0.8) of a benchmark prompt. */
  nearBenchmark: number;
  /** MBPP only: tasks outside 601-974, never used. */
  notTrainingTasks: number;
  added: number;
  /** stdlib only: why the library's other functions were left out (src/data/stdlibPairs.ts). */
  functions?: Record<string, number>;
}

/** Reads one extra source and cleans it as a data file is cleaned (unparsable code and exact duplicates dropped). */
async function readExtra(source: ExtraSource, given: string | null): Promise<{ file: string; pairs: CleanPair[]; functions?: Record<string, number> }> {
  if (source === 'stdlib') {
    if (given !== null && !existsSync(given)) throw new UserError(`${given}: no such folder (data.extra stdlib); give the standard library's folder, or null for python3's`);
    const read = readStdlibPairs(given ?? undefined);
    const { pairs } = await cleanPairs(read, 'stdlib');
    return { file: read.dir, pairs, functions: read.counts };
  }
  const file = given ?? defaultExtraPath(source);
  if (!existsSync(file)) throw new UserError(`${file}: no such file (data.extra ${source}); give its path in the config`);
  const { pairs } = await loadCleanPairs(file, { format: source });
  return { file, pairs };
}

export async function loadExtraPairs(
  sources: ReadonlyArray<{ source: ExtraSource; path: string | null }>,
  evaluated: readonly CleanPair[],
  benchmarkPrompts: readonly string[],
): Promise<{ pairs: CleanPair[]; reports: ExtraReport[] }> {
  const heldOutDescriptions = new Set(evaluated.map((p) => descriptionKey(p.description)));
  const heldOutCode = new Set(evaluated.map((p) => codeKey(p.code)));
  const pairs: CleanPair[] = [];
  const reports: ExtraReport[] = [];
  for (const { source, path: given } of sources) {
    const { file, pairs: read, functions } = await readExtra(source, given);
    const report: ExtraReport = { source, file, read: read.length, leakingIntoEvaluation: 0, nearBenchmark: 0, notTrainingTasks: 0, added: 0, ...(functions && { functions }) };
    const candidates = read.filter((p) => {
      if (source === 'mbpp' && !(p.taskId !== undefined && p.taskId >= MBPP_TRAIN_TASKS.first && p.taskId <= MBPP_TRAIN_TASKS.last)) {
        report.notTrainingTasks++;
        return false;
      }
      if (heldOutDescriptions.has(descriptionKey(p.description)) || heldOutCode.has(codeKey(p.code))) {
        report.leakingIntoEvaluation++;
        return false;
      }
      return true;
    });
    const near = new Set(nearDuplicates(candidates.map((p) => p.description), benchmarkPrompts).map((d) => d.prompt));
    for (const p of candidates) {
      if (near.has(p.description)) report.nearBenchmark++;
      else {
        pairs.push(p);
        report.added++;
      }
    }
    reports.push(report);
  }
  return { pairs, reports };
}
