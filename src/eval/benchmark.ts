/**
 * en2py-bench: the project's own execution benchmark (benchmarks/en2py-bench.jsonl),
 * English prompts in the style of the training data ("write a python function to
 * ...") with asserts and a reference solution each. The problems run through the
 * MBPP harness of tasks.ts: the first top-level function of a candidate is bound
 * to the entry point for the 'bound' score, the strict score needs the exact name.
 * The reference solutions only validate the tests; never train on this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { evaluateMbpp, expectedFunctionName, firstTopLevelFunction, type EvalOptions, type MbppSampleResult, type MbppTask } from './tasks.js';

export const BENCHMARK_TAGS = ['strings', 'lists', 'dicts', 'math', 'numbers', 'sorting', 'searching', 'dates'] as const;
export const BENCHMARK_DIFFICULTIES = ['easy', 'medium'] as const;
export type BenchmarkTag = (typeof BENCHMARK_TAGS)[number];
export type BenchmarkDifficulty = (typeof BENCHMARK_DIFFICULTIES)[number];

export interface BenchmarkProblem {
  /** "bench/001" */
  id: string;
  /** The English sentence given to the model; it never names the function. */
  prompt: string;
  /** The function name the asserts call. */
  entryPoint: string;
  /** `assert` statements calling entryPoint. */
  tests: string[];
  /** A solution that passes the tests (validation only, never training). */
  reference: string;
  tags: BenchmarkTag[];
  difficulty: BenchmarkDifficulty;
  /** 1-based line in the file. */
  line: number;
}

const IDENT = /^[A-Za-z_]\w*$/;

const row = z.strictObject({
  id: z.string().regex(/^bench\/\d{3,}$/, 'expected an id like "bench/001"'),
  prompt: z.string().trim().min(1),
  entry_point: z.string().regex(IDENT, 'expected a Python identifier'),
  tests: z.array(z.string().regex(/^assert\b/, 'expected an assert statement')).min(3).max(6),
  reference: z.string().min(1),
  tags: z.array(z.enum(BENCHMARK_TAGS)).min(1),
  difficulty: z.enum(BENCHMARK_DIFFICULTIES),
});

/** The committed benchmark file, benchmarks/en2py-bench.jsonl under the repository root. */
export function benchmarkPath(): string {
  return path.join(repoRoot, 'benchmarks', 'en2py-bench.jsonl');
}

/** Checks a parsed row beyond its shape; returns what is wrong, or undefined. */
function problemWith(r: z.infer<typeof row>): string | undefined {
  const name = r.entry_point;
  if (r.prompt.toLowerCase().includes(name.toLowerCase())) return `prompt names the function "${name}"`;
  const calls = new RegExp(`(?<![.\\w])${name}\\s*\\(`);
  const bad = r.tests.findIndex((t) => !calls.test(t));
  if (bad >= 0) return `tests[${bad}] does not call ${name}(...)`;
  // mbppPrograms takes the tested name from the first assert: it must be the entry point
  const seen = expectedFunctionName(r.tests[0]);
  if (seen !== name) return `tests[0] looks like a test of "${seen}", expected "${name}" to be the first function it calls`;
  const first = firstTopLevelFunction(r.reference);
  if (first !== name) return `reference must define ${name} as its first top-level function (found ${first ?? 'none'})`;
  return undefined;
}

/**
 * Reads a benchmark jsonl file (one problem per line, blank lines allowed).
 * Throws a UserError naming the file and line for bad JSON, a missing or
 * wrong field, a prompt that names its function, tests that do not call it,
 * or an id seen before.
 */
export function readBenchmark(file: string = benchmarkPath()): BenchmarkProblem[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read benchmark file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const problems: BenchmarkProblem[] = [];
  const idLines = new Map<string, number>();
  text.split('\n').forEach((lineText, i) => {
    const line = i + 1;
    if (lineText.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      throw new UserError(`${file}:${line}: expected one JSON object per line (benchmark jsonl)`);
    }
    const parsed = row.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? `field "${issue.path.join('.')}"` : 'object';
      throw new UserError(`${file}:${line}: expected benchmark ${field}: ${issue.message}`);
    }
    const r = parsed.data;
    const earlier = idLines.get(r.id);
    if (earlier !== undefined) throw new UserError(`${file}:${line}: duplicate id "${r.id}" (first on line ${earlier})`);
    idLines.set(r.id, line);
    const wrong = problemWith(r);
    if (wrong) throw new UserError(`${file}:${line}: ${r.id}: ${wrong}`);
    problems.push({ id: r.id, prompt: r.prompt, entryPoint: r.entry_point, tests: r.tests, reference: r.reference, tags: r.tags, difficulty: r.difficulty, line });
  });
  if (problems.length === 0) throw new UserError(`${file}:1: no benchmark problem found, expected one JSON object per line`);
  return problems;
}

/**
 * The problems as MBPP tasks for evaluateMbpp / mbppPrograms: text is the
 * prompt, testList the asserts, taskId the number of the id (bench/007 → 7).
 * The reference goes in `code` (what MBPP calls the canonical solution).
 */
export function benchmarkTasks(problems: readonly BenchmarkProblem[]): MbppTask[] {
  return problems.map((p) => ({
    taskId: Number(p.id.slice(p.id.indexOf('/') + 1)),
    text: p.prompt,
    code: p.reference,
    testSetupCode: '',
    testList: p.tests,
    challengeTestList: [],
  }));
}

/** Runs every sample of every problem through the MBPP harness (strict and bound results). */
export function evaluateBenchmark(
  problems: readonly BenchmarkProblem[],
  samples: readonly (readonly string[])[],
  opts: EvalOptions = {},
): Promise<MbppSampleResult[][]> {
  return evaluateMbpp(benchmarkTasks(problems), samples, opts);
}

export interface BenchmarkCounts {
  total: number;
  byDifficulty: Record<string, number>;
  /** A problem with two tags counts under both. */
  byTag: Record<string, number>;
}

export function benchmarkCounts(problems: readonly BenchmarkProblem[]): BenchmarkCounts {
  const byDifficulty: Record<string, number> = {};
  const byTag: Record<string, number> = {};
  for (const p of problems) {
    byDifficulty[p.difficulty] = (byDifficulty[p.difficulty] ?? 0) + 1;
    for (const t of p.tags) byTag[t] = (byTag[t] ?? 0) + 1;
  }
  return { total: problems.length, byDifficulty, byTag };
}

/** Lower-cased words of a sentence, punctuation removed (for near-duplicate checks). */
export function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().replace(/[^\p{L}\p{N}\s_]+/gu, ' ').split(/\s+/).filter((w) => w !== ''));
}

/** |a ∩ b| / |a ∪ b|; 0 for two empty sets. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}

export interface NearDuplicate {
  prompt: string;
  text: string;
  similarity: number;
}

/**
 * Prompts whose word set is at least `threshold` Jaccard-similar to one of
 * `texts` (e.g. the training descriptions): the most similar text for each.
 */
export function nearDuplicates(prompts: readonly string[], texts: readonly string[], threshold = 0.8): NearDuplicate[] {
  const sets = texts.map((t) => ({ t, w: wordSet(t) }));
  const found: NearDuplicate[] = [];
  for (const prompt of prompts) {
    const w = wordSet(prompt);
    let best: NearDuplicate | undefined;
    for (const s of sets) {
      const sim = jaccard(w, s.w);
      if (sim >= threshold && (!best || sim > best.similarity)) best = { prompt, text: s.t, similarity: sim };
    }
    if (best) found.push(best);
  }
  return found;
}
