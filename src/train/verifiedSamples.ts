/**
 * Learning from verified samples (rejection sampling, as in Codex-S and STaR;
 * issue 19): for training prompts that carry tests, a model draws N programs,
 * the sandbox runs each against the prompt's tests, and the distinct programs
 * that pass become new training pairs. They are written in the shared
 * functions/ format, so a run spec reads them as
 * `data.extra: [{"source": "functions", "path": "<out>"}]` (and decontamination
 * applies to them like to any extra source).
 *
 * Only training prompts are used: the shared functions/ pairs with tests less
 * their validation slice (src/data/functions.ts), and MBPP's training tasks
 * 601-974. The work goes in chunks; each chunk's outcome is appended to
 * `progress.ndjson`, so an interrupted run resumes after its last whole chunk.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { functionsValidation, readFunctions } from '../data/functions.js';
import { MBPP_TRAIN_TASKS } from '../data/extra.js';
import { codeKey } from '../data/split.js';
import type { Generator } from '../decode/generator.js';
import { evaluateMbpp, readMbpp, type MbppSampleResult, type MbppTask } from '../eval/tasks.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { Progress } from './progress.js';

export interface TestedTask {
  /** "functions:<id>" or "mbpp:<task id>". */
  id: string;
  description: string;
  /** The reference solution (a sample equal to it adds nothing and is not kept). */
  code: string;
  tests: string[];
  setup: string;
  license: string;
  origin: string;
}

/** The training prompts with tests: functions/ less its validation slice, then MBPP 601-974. */
export function trainingTasksWithTests(functionsDir: string | null, mbppFile: string | null): TestedTask[] {
  const tasks: TestedTask[] = [];
  if (functionsDir) {
    const pairs = readFunctions(functionsDir).pairs;
    const held = new Set(functionsValidation(pairs).map((p) => p.id));
    for (const p of pairs) {
      if (!p.testList?.length || held.has(p.id)) continue;
      tasks.push({ id: p.id, description: p.description, code: p.code, tests: p.testList, setup: '', license: p.license ?? 'unknown', origin: p.origin ?? p.id });
    }
  }
  if (mbppFile) {
    for (const t of readMbpp(mbppFile)) {
      if (t.taskId < MBPP_TRAIN_TASKS.first || t.taskId > MBPP_TRAIN_TASKS.last) continue;
      tasks.push({ id: `mbpp:${t.taskId}`, description: t.text, code: t.code, tests: t.testList, setup: t.testSetupCode, license: 'CC-BY-4.0', origin: `MBPP task ${t.taskId}` });
    }
  }
  return tasks;
}

export interface TaskOutcome {
  id: string;
  tried: number;
  /** Samples that passed every test (as written, or with their function renamed to the tested name). */
  passed: number;
  /** The distinct passing programs kept (none equal to the reference or to each other). */
  kept: string[];
}

/**
 * The program to keep for a sample: as written when it passes, or with its first
 * function renamed to the name the tests call when only the bound run passes (the
 * model's name differed). The rename is textual on whole words, so it is done
 * only when the tested name does not occur in the sample already.
 */
export function passingProgram(sample: string, r: MbppSampleResult): string | null {
  if (r.strict.status === 'passed') return sample;
  if (r.bound.status !== 'passed' || !r.expectedName || !r.definedName) return null;
  const word = (name: string) => new RegExp(`\\b${name}\\b`, 'g');
  if (word(r.expectedName).test(sample)) return null;
  return sample.replace(word(r.definedName), r.expectedName);
}

/** Distinct passing programs of one task, in sample order, none equal to the reference. */
export function keepDistinct(task: Pick<TestedTask, 'code'>, samples: readonly string[], results: readonly MbppSampleResult[]): { passed: number; kept: string[] } {
  const seen = new Set([codeKey(task.code)]);
  const kept: string[] = [];
  let passed = 0;
  samples.forEach((s, j) => {
    const program = passingProgram(s, results[j]);
    if (program === null) return;
    passed++;
    const key = codeKey(program);
    if (seen.has(key)) return;
    seen.add(key);
    kept.push(program.replace(/\s+$/, '') + '\n');
  });
  return { passed, kept };
}

export interface VerifiedSamplesOptions {
  samples: number;
  temperature: number;
  seed: number;
  maxLen: number;
  /** Tasks sampled and run together (one sandbox batch). */
  chunk?: number;
  progress?: Progress;
}

// Not .jsonl: readFunctions reads every .jsonl of the folder as functions/ pairs.
const PARTIAL = 'progress.ndjson';
export const VERIFIED_FILE = 'verified.jsonl';

function readPartial(file: string): TaskOutcome[] {
  if (!existsSync(file)) return [];
  const out: TaskOutcome[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as TaskOutcome);
    } catch {
      break; // a line cut by an interruption: that chunk runs again
    }
  }
  return out;
}

/** Samples, runs and keeps; returns every task's outcome (those of an earlier, interrupted run included). */
export async function sampleVerified(generator: Generator, tasks: readonly TestedTask[], outDir: string, o: VerifiedSamplesOptions): Promise<TaskOutcome[]> {
  mkdirSync(outDir, { recursive: true });
  const partial = path.join(outDir, PARTIAL);
  const done = new Map(readPartial(partial).map((r) => [r.id, r]));
  // Each task keeps its index in `tasks`: its sampling seed, the same on a resumed run.
  const todo = tasks.map((task, index) => ({ task, index })).filter(({ task }) => !done.has(task.id));
  let finished = tasks.length - todo.length;
  o.progress?.update(finished);
  const chunk = o.chunk ?? 16;
  for (let at = 0; at < todo.length; at += chunk) {
    const slice = todo.slice(at, at + chunk);
    const part = slice.map(({ task }) => task);
    const samples = slice.map(({ task, index }) => generator.generate(task.description, {
      samples: o.samples, temperature: o.temperature, seed: o.seed * 1_000_003 + index, maxLen: o.maxLen, guard: true, maxRepeats: 4,
    }).candidates.map((c) => c.code));
    const asMbpp: MbppTask[] = part.map((t, i) => ({ taskId: i, text: t.description, code: t.code, testSetupCode: t.setup, testList: t.tests, challengeTestList: [] }));
    const results = await evaluateMbpp(asMbpp, samples, { concurrency: 2 });
    const lines = part.map((t, i) => {
      const outcome: TaskOutcome = { id: t.id, tried: samples[i].length, ...keepDistinct(t, samples[i], results[i]) };
      done.set(t.id, outcome);
      return JSON.stringify(outcome);
    });
    appendFileSync(partial, lines.join('\n') + '\n');
    finished += part.length;
    o.progress?.update(finished, `${[...done.values()].filter((r) => r.passed > 0).length} tasks with a passing sample`);
  }
  return tasks.map((t) => done.get(t.id)!);
}

/** verified.jsonl in the functions/ format (one line per kept program, the prompt's tests with it). */
export function writeVerified(outDir: string, tasks: readonly TestedTask[], outcomes: readonly TaskOutcome[], model: string): number {
  const lines: string[] = [];
  tasks.forEach((t, i) => outcomes[i].kept.forEach((code, k) => lines.push(JSON.stringify({
    source: 'verified-samples', id: `${t.id}#${k + 1}`, nl: t.description, code, tests: t.tests,
    license: t.license, origin: `sampled by en2py model ${model} for ${t.origin}; passed its tests`,
  }))));
  writeFileAtomic(path.join(outDir, VERIFIED_FILE), lines.length ? lines.join('\n') + '\n' : '');
  return lines.length;
}
