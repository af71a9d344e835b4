/**
 * Tests from the user (`en2py generate --test "assert f(3) == 6"`, the API's
 * `tests` field): candidates are tried in order (beam candidates first, then
 * samples), each run in the sandbox followed by the tests, and the first that
 * passes is the answer. When none passes, the most likely candidate is the
 * answer and the result says so.
 *
 * The function name the user's tests call may differ from the one the model
 * wrote. When a candidate defines exactly one top-level function and the tests
 * call exactly one name that nothing defines (not the candidate, not the tests,
 * not a builtin), that name is bound to the candidate's function
 * (`f = is_even`) before the tests run, and the result names the binding.
 *
 * Whatever rate this gives is pass@N with test filtering (N = the tries), never
 * pass@1: the tests chose among N programs.
 */
import { checkPythonCompiles } from '../python/astCheck.js';
import { UserError } from '../errors.js';
import { runSandboxed, type RunResult, type RunStatus, type SandboxLimits } from './sandbox.js';

/** How many candidates `--test` tries unless told otherwise. */
export const DEFAULT_TRIES = 10;

/** Python 3.11's builtins (dir(builtins) without the _-names): a test calling one of them calls no user function. */
export const PY_BUILTINS: ReadonlySet<string> = new Set((
  'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex copyright credits ' +
  'delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id input ' +
  'int isinstance issubclass iter len license list locals map max memoryview min next object oct open ord pow print property quit ' +
  'range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip ' +
  // exceptions are called too (`raise ValueError(...)`, `isinstance(x, KeyError)`)
  'ArithmeticError AssertionError AttributeError BaseException Exception IndexError KeyError LookupError NameError ' +
  'NotImplementedError OverflowError RecursionError RuntimeError StopIteration TypeError ValueError ZeroDivisionError'
).split(' '));

const KEYWORDS = new Set('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '));

/** Names defined at the top level (column 0) of a program: def, class, assignment targets, imports. */
export function topLevelNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const line of code.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^(?:async\s+)?def\s+([A-Za-z_]\w*)/) ?? line.match(/^class\s+([A-Za-z_]\w*)/))) names.add(m[1]);
    else if ((m = line.match(/^from\s+\S+\s+import\s+(.+)$/))) {
      for (const part of m[1].replace(/[()]/g, '').split(',')) {
        const name = part.trim().split(/\s+as\s+/).pop()?.trim();
        if (name && /^[A-Za-z_]\w*$/.test(name)) names.add(name);
      }
    } else if ((m = line.match(/^import\s+(.+)$/))) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/).pop()?.trim().split('.')[0];
        if (name && /^[A-Za-z_]\w*$/.test(name)) names.add(name);
      }
    } else if ((m = line.match(/^([A-Za-z_][\w, ]*?)\s*(?::[^=]+)?=(?!=)/))) {
      for (const name of m[1].split(',')) if (/^[A-Za-z_]\w*$/.test(name.trim())) names.add(name.trim());
    }
  }
  return names;
}

/** Functions defined at the top level (column 0), in order. */
export function topLevelFunctions(code: string): string[] {
  return [...code.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm)].map((m) => m[1]);
}

/** Names the tests call that are not methods, keywords or builtins, in order of first call. */
export function calledNames(tests: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tests) {
    // strings are blanked first: "assert f('g(x)') == 1" calls f, not g
    const bare = t.replace(/("""|''')[\s\S]*?\1|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, '""');
    for (const m of bare.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\(/g)) {
      const n = m[1];
      if (!KEYWORDS.has(n) && !PY_BUILTINS.has(n) && !out.includes(n)) out.push(n);
    }
  }
  return out;
}

export interface Binding {
  /** The name the tests call. */
  name: string;
  /** The candidate's function it is bound to. */
  to: string;
}

/**
 * The binding for one candidate (see the file comment), or null when none is
 * needed or none is safe: the candidate defines every called name, defines
 * zero or several functions, or the tests call several undefined names.
 */
export function bindingFor(candidate: string, tests: readonly string[]): Binding | null {
  const fns = topLevelFunctions(candidate);
  if (fns.length !== 1) return null;
  const defined = new Set([...topLevelNames(candidate), ...topLevelNames(tests.join('\n'))]);
  const missing = calledNames(tests).filter((n) => !defined.has(n));
  return missing.length === 1 ? { name: missing[0], to: fns[0] } : null;
}

/** The program run for a candidate: the candidate, the binding if any, then the tests in order. */
export function testProgram(candidate: string, tests: readonly string[], binding: Binding | null): string {
  const bind = binding ? `${binding.name} = ${binding.to}  # en2py: the tests call ${binding.name}, the candidate defines ${binding.to}\n` : '';
  return `${candidate.replace(/\s+$/, '')}\n\n${bind}${tests.join('\n')}\n`;
}

/**
 * Refuses tests that python3 cannot compile, with one line naming the test and
 * what was expected (compile() never runs anything). Empty tests are refused too.
 */
export async function checkTests(tests: readonly string[], what = '--test'): Promise<void> {
  tests.forEach((t) => {
    if (!t.trim()) throw new UserError(`${what} is empty: expected a Python statement such as ${what === '--test' ? '--test ' : ''}"assert f(3) == 6"`);
  });
  const checks = await checkPythonCompiles(tests);
  checks.forEach((c, i) => {
    if (!c.ok) {
      const where = c.line > 1 ? ` (line ${c.line})` : '';
      throw new UserError(`${what} ${JSON.stringify(tests[i])}: not valid Python${where}: ${c.message}; expected a statement such as "assert f(3) == 6"`);
    }
  });
}

export interface TriedCandidate {
  /** Position among the candidates generated (0 = the most likely beam). */
  index: number;
  /** Where it came from. */
  origin: 'beam' | 'sample';
  status: RunStatus;
  binding: Binding | null;
  /** Last line of the error when it did not pass (e.g. "AssertionError", "NameError: name 'f' is not defined"). */
  error?: string;
  ms: number;
}

export interface TestFilterResult {
  /** The answer: the first candidate that passed, else the most likely one. */
  code: string;
  /** Whether `code` passed every test. */
  passed: boolean;
  /** Which candidate is the answer (its index among those generated). */
  index: number;
  origin: 'beam' | 'sample';
  /** The binding used for the answer, when one was needed. */
  binding: Binding | null;
  /** Distinct candidates run in the sandbox. */
  tried: number;
  /** Candidates considered, in order (a duplicate of one already run is not run again). */
  considered: number;
  /** The limit asked for. */
  tries: number;
  runs: TriedCandidate[];
}

/** Something that yields candidates, most likely first: beams in one call, then samples (n at most). */
export interface CandidateSource {
  beams(): string[] | Promise<string[]>;
  samples(n: number): string[] | Promise<string[]>;
}

type Runner = (program: string, limits?: Partial<SandboxLimits>) => Promise<RunResult>;

function lastLine(s: string): string | undefined {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1] || undefined;
}

/**
 * Tries up to `tries` candidates against `tests` (beam candidates first, then
 * samples for the rest), one sandbox run each, in order, and stops at the
 * first that passes. Identical candidates are run once.
 */
export async function filterByTests(
  source: CandidateSource,
  tests: readonly string[],
  opts: { tries?: number; limits?: Partial<SandboxLimits>; run?: Runner } = {},
): Promise<TestFilterResult> {
  const tries = opts.tries ?? DEFAULT_TRIES;
  const run = opts.run ?? runSandboxed;
  const seen = new Set<string>();
  const runs: TriedCandidate[] = [];
  const all: Array<{ code: string; origin: 'beam' | 'sample' }> = [];
  const tryBatch = async (codes: readonly string[], origin: 'beam' | 'sample'): Promise<TestFilterResult | null> => {
    for (const code of codes) {
      if (all.length >= tries) break;
      const index = all.push({ code, origin }) - 1;
      const key = code.trimEnd();
      if (seen.has(key)) continue;
      seen.add(key);
      const binding = bindingFor(code, tests);
      const r = await run(testProgram(code, tests, binding), opts.limits);
      const t: TriedCandidate = { index, origin, status: r.status, binding, ms: Math.round(r.ms) };
      if (r.status !== 'passed') t.error = r.reason ?? lastLine(r.stderr) ?? `exit ${r.exitCode}`;
      runs.push(t);
      if (r.status === 'passed') return { code, passed: true, index, origin, binding, tried: runs.length, considered: all.length, tries, runs };
      if (r.status === 'error') throw new Error(`the sandbox could not run a candidate: ${t.error}`);
    }
    return null;
  };
  const fromBeams = await tryBatch(await source.beams(), 'beam');
  if (fromBeams) return fromBeams;
  if (all.length < tries) {
    const fromSamples = await tryBatch(await source.samples(tries - all.length), 'sample');
    if (fromSamples) return fromSamples;
  }
  if (all.length === 0) throw new Error('filterByTests: the generator gave no candidate');
  const best = all[0];
  return { code: best.code, passed: false, index: 0, origin: best.origin, binding: bindingFor(best.code, tests), tried: runs.length, considered: all.length, tries, runs };
}

/** One line saying what the tests chose, for the CLI's stderr and the page. */
export function describeTestFilter(r: TestFilterResult, tests: number): string {
  const what = `${tests} test${tests === 1 ? '' : 's'}`;
  const bound = r.binding ? `; the tests' ${r.binding.name} is bound to ${r.binding.to}` : '';
  if (r.passed) {
    return `passed the ${what}: candidate ${r.index + 1} (${r.origin}), after running ${r.tried} distinct candidate${r.tried === 1 ? '' : 's'} (at most ${r.tries})${bound}. A rate of such answers is pass@${r.tries} with test filtering, not pass@1`;
  }
  return `NO candidate passed the ${what} (${r.tried} distinct of ${r.considered} candidates run); this is the most likely candidate, which fails them${bound}`;
}
