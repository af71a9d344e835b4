/**
 * Execution-based evaluation on MBPP and HumanEval: readers for their jsonl
 * files, the test programs built around a candidate, and a runner that sends
 * them through the sandbox.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { runMany, type RunResult, type SandboxLimits } from './sandbox.js';

export interface MbppTask {
  taskId: number;
  text: string;
  code: string;
  testSetupCode: string;
  testList: string[];
  challengeTestList: string[];
}

export interface HumanEvalTask {
  taskId: string;
  prompt: string;
  canonicalSolution: string;
  test: string;
  entryPoint: string;
}

const mbppRow = z.object({
  text: z.string(),
  code: z.string(),
  task_id: z.number().int(),
  test_setup_code: z.string(),
  test_list: z.array(z.string()).min(1),
  challenge_test_list: z.array(z.string()).optional(),
});

const humanEvalRow = z.object({
  task_id: z.string(),
  prompt: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
  entry_point: z.string().min(1),
});

function readJsonl<T>(file: string, schema: z.ZodType<T>, what: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read ${what} file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${i + 1}: expected one JSON object per line (${what} jsonl)`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`${file}:${i + 1}: expected ${what} field "${issue.path.join('.')}": ${issue.message}`);
    }
    rows.push(parsed.data);
  });
  return rows;
}

/** Reads MBPP's mbpp.jsonl (fields text, code, task_id, test_setup_code, test_list, challenge_test_list). */
export function readMbpp(file: string): MbppTask[] {
  return readJsonl(file, mbppRow, 'MBPP').map((r) => ({
    taskId: r.task_id,
    text: r.text,
    code: r.code,
    testSetupCode: r.test_setup_code,
    testList: r.test_list,
    challengeTestList: r.challenge_test_list ?? [],
  }));
}

/** Reads HumanEval.jsonl (fields task_id, prompt, canonical_solution, test, entry_point). */
export function readHumanEval(file: string): HumanEvalTask[] {
  return readJsonl(file, humanEvalRow, 'HumanEval').map((r) => ({
    taskId: r.task_id,
    prompt: r.prompt,
    canonicalSolution: r.canonical_solution,
    test: r.test,
    entryPoint: r.entry_point,
  }));
}

export type MbppSplit = 'prompt' | 'test' | 'valid' | 'train';

/**
 * The sentence a model is given for an MBPP task: its text alone, or (the standard
 * protocol of the MBPP paper) the text, then its first test on the next line, which
 * names the function and shows how it is called.
 */
export type MbppPromptStyle = 'text' | 'text+test';
export const MBPP_PROMPT_STYLES: readonly MbppPromptStyle[] = ['text', 'text+test'];

export function mbppPrompt(t: Pick<MbppTask, 'text' | 'testList'>, style: MbppPromptStyle): string {
  return style === 'text+test' && t.testList.length ? `${t.text}\n${t.testList[0]}` : t.text;
}

/** MBPP's official split by task id: 1–10 few-shot prompts, 11–510 test, 511–600 validation, 601–974 train. */
export function mbppSplit(taskId: number): MbppSplit {
  if (taskId >= 11 && taskId <= 510) return 'test';
  if (taskId >= 511 && taskId <= 600) return 'valid';
  if (taskId >= 601) return 'train';
  return 'prompt';
}

// Builtins that wrap the tested call in MBPP asserts, e.g. `assert set(f(x)) == ...`.
const WRAPPERS = new Set(
  'set sorted list tuple dict str int float abs round len sum min max all any bool frozenset repr type isinstance'.split(' '),
);

const KEYWORDS = new Set(['assert', 'not', 'and', 'or', 'in', 'is', 'lambda', 'if', 'else']);

/**
 * The function an MBPP test calls: the first called name in the assert that is
 * not a method or a builtin wrapper (`set(f(x))`); failing that, the first called
 * name (task 126 tests a function named `sum`).
 */
export function expectedFunctionName(assertLine: string): string | undefined {
  const called = [...assertLine.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]).filter((n) => !KEYWORDS.has(n));
  return called.find((n) => !WRAPPERS.has(n)) ?? called[0];
}

function definesTopLevel(code: string, name: string): boolean {
  return new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(|^${name}\\s*=|^class\\s+${name}\\b`, 'm').test(code);
}

/** The first function defined at the top level of a program (column 0). */
export function firstTopLevelFunction(code: string): string | undefined {
  return code.match(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/m)?.[1];
}

export interface MbppPrograms {
  /** candidate, then setup, then the asserts: the name must be right. */
  strict: string;
  /**
   * The same with `expected = first_defined_function` added before the asserts,
   * when the candidate does not define the expected name itself; null otherwise
   * (then the bound result is the strict one).
   */
  bound: string | null;
  expectedName?: string;
  definedName?: string;
}

/**
 * Test programs for an MBPP candidate. The setup code runs after the candidate
 * because it may use the candidate's classes (tasks 367 and 927 build a tree
 * of `Node`s that the solution defines).
 */
export function mbppPrograms(task: MbppTask, candidate: string, withChallenge = false): MbppPrograms {
  const tests = [...task.testList, ...(withChallenge ? task.challengeTestList : [])].join('\n');
  const head = `${candidate}\n\n${task.testSetupCode}\n`;
  const strict = `${head}\n${tests}\n`;
  const expectedName = expectedFunctionName(task.testList[0]);
  const definedName = firstTopLevelFunction(candidate);
  const bound =
    expectedName && definedName && !definesTopLevel(candidate, expectedName) ? `${head}\n${expectedName} = ${definedName}\n${tests}\n` : null;
  return { strict, bound, expectedName, definedName };
}

/** HumanEval test program: prompt + completion, the test code, then check(entry_point). */
export function humanEvalProgram(task: HumanEvalTask, completion: string): string {
  return `${task.prompt}${completion}\n\n${task.test}\n\ncheck(${task.entryPoint})\n`;
}

export interface EvalOptions {
  limits?: Partial<SandboxLimits>;
  concurrency?: number;
  /** Called after each program run, with how many are done and how many there are. */
  onProgress?: (done: number, total: number) => void;
}

export interface MbppSampleResult {
  /** Result with the candidate as written: this is the official MBPP score. */
  strict: RunResult;
  /** Result with the candidate's first function bound to the tested name (lenient; label it as such). */
  bound: RunResult;
  expectedName?: string;
  definedName?: string;
}

/** Runs every sample of every task; samples[i] are the candidates for tasks[i]. */
export async function evaluateMbpp(tasks: readonly MbppTask[], samples: readonly (readonly string[])[], opts: EvalOptions = {}): Promise<MbppSampleResult[][]> {
  if (tasks.length !== samples.length) throw new Error(`evaluateMbpp: ${tasks.length} tasks but ${samples.length} sample lists`);
  const programs: string[] = [];
  const plan = tasks.map((t, i) =>
    samples[i].map((c) => {
      const p = mbppPrograms(t, c);
      const strictAt = programs.push(p.strict) - 1;
      const boundAt = p.bound === null ? strictAt : programs.push(p.bound) - 1;
      return { strictAt, boundAt, p };
    }),
  );
  let done = 0;
  const results = await runMany(programs, opts.limits, opts.concurrency ?? 2, () => opts.onProgress?.(++done, programs.length));
  return plan.map((row) =>
    row.map(({ strictAt, boundAt, p }) => ({ strict: results[strictAt], bound: results[boundAt], expectedName: p.expectedName, definedName: p.definedName })),
  );
}

/** Runs every completion of every HumanEval task; completions[i] are for tasks[i]. */
export async function evaluateHumanEval(
  tasks: readonly HumanEvalTask[],
  completions: readonly (readonly string[])[],
  opts: EvalOptions = {},
): Promise<RunResult[][]> {
  if (tasks.length !== completions.length) throw new Error(`evaluateHumanEval: ${tasks.length} tasks but ${completions.length} completion lists`);
  const programs = tasks.flatMap((t, i) => completions[i].map((c) => humanEvalProgram(t, c)));
  let done = 0;
  const flat = await runMany(programs, opts.limits, opts.concurrency ?? 2, () => opts.onProgress?.(++done, programs.length));
  let k = 0;
  return completions.map((cs) => cs.map(() => flat[k++]));
}
