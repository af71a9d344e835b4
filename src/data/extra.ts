/**
 * Extra training pairs from other data sets (issue 8: "more data"): CoNaLa's
 * curated train set, MBPP's training tasks (601-974), the documented
 * functions of the Python standard library (src/data/stdlibPairs.ts), the
 * shared functions/ set (src/data/functions.ts, issue 18) and the pairs of a
 * built pretraining corpus (src/data/corpus/, `en2py corpus build`). They join the TRAIN
 * split only; the validation and test splits stay those of the English→Python
 * set, so scores remain comparable with runs without extra data.
 *
 * Nothing evaluated may leak in: MBPP tasks outside 601-974 (its test split
 * 11-510 is a benchmark here) are never read, and an extra pair is dropped when
 * it shares a description key or code key with a valid/test pair (the split's
 * own grouping rule) or when its description is a near-duplicate of a team
 * benchmark prompt. Since issue 18 every extra pair also passes the
 * decontamination of src/data/corpus/decontaminate.ts (description or code
 * near an English→Python valid/test pair, an MBPP test task, a HumanEval
 * problem or a team benchmark problem), counted per evaluation set.
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
import { readFunctions } from './functions.js';
import { readCorpusPairs } from './corpus/pairsReader.js';
import { Decontaminator, loadEvalItems } from './corpus/decontaminate.js';

export type ExtraSource = 'conala' | 'mbpp' | 'stdlib' | 'functions' | 'corpus';
export const EXTRA_SOURCES: readonly ExtraSource[] = ['conala', 'mbpp', 'stdlib', 'functions', 'corpus'];

/** MBPP's official training tasks; the only MBPP tasks en2py may train on. */
export const MBPP_TRAIN_TASKS = { first: 601, last: 974 };

/** The shared copies beside the repository (DESIGN.md: ../shared/data); the corpus's default build folder. */
export function defaultExtraPath(source: 'conala' | 'mbpp' | 'functions' | 'corpus'): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'data');
  if (source === 'corpus') return path.join(repoRoot, '.cache', 'corpus');
  if (source === 'functions') return path.join(shared, 'functions');
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
  /** Dropped by decontamination (src/data/corpus/decontaminate.ts), per evaluation set. */
  decontaminated: Record<string, number>;
  added: number;
  /** Evaluation files that were missing, so not decontaminated against. */
  decontaminationMissing?: string[];
  /** functions and corpus: pairs that carry tests (asserts that passed against the code). */
  withTests?: number;
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
  if (!existsSync(file)) {
    const hint = source === 'corpus' ? 'run `en2py corpus build` first, or give its --out folder' : 'give its path in the config';
    throw new UserError(`${file}: no such file (data.extra ${source}); ${hint}`);
  }
  if (source === 'functions') {
    const { pairs } = await cleanPairs(readFunctions(file), 'functions');
    return { file, pairs };
  }
  // The corpus build has cleaned, deduplicated and decontaminated its pairs already.
  if (source === 'corpus') return { file, pairs: readCorpusPairs(file) };
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
  // The run's own held-out pairs stand for the English→Python set here (its split may differ from the default).
  // MBPP or HumanEval missing (a clone without ../shared/data): the others still apply, and the report names it.
  const missing: string[] = [];
  const decontaminator = sources.length === 0 ? null : new Decontaminator([
    ...evaluated.map((p) => ({ set: 'english-python' as const, id: p.id, description: p.description, code: p.code })),
    ...(await loadEvalItems({ skipEnglishPython: true, missing })),
  ]);
  for (const { source, path: given } of sources) {
    const { file, pairs: read, functions } = await readExtra(source, given);
    const report: ExtraReport = {
      source, file, read: read.length, leakingIntoEvaluation: 0, nearBenchmark: 0, notTrainingTasks: 0, decontaminated: {}, added: 0,
      ...(functions && { functions }), ...(missing.length > 0 && { decontaminationMissing: missing }),
    };
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
      if (near.has(p.description)) { report.nearBenchmark++; continue; }
      const hit = decontaminator!.checkPair(p.description, p.code);
      if (hit) { report.decontaminated[hit.set] = (report.decontaminated[hit.set] ?? 0) + 1; continue; }
      pairs.push(p);
      report.added++;
      if (p.testList?.length && source !== 'mbpp') report.withTests = (report.withTests ?? 0) + 1;
    }
    reports.push(report);
  }
  return { pairs, reports };
}
