/**
 * Execution signatures for choosing by agreement (src/eval/execSelect.ts): each
 * candidate runs in the sandbox (one process each: time, memory and process
 * limits, no network, a throw-away directory) inside a small Python harness
 * that calls its function on a fixed set of inputs and prints one line with a
 * short hash of each outcome.
 *
 * The rule for inputs (the same for every candidate of a prompt):
 *  1. the literal argument lists written in the prompt (promptCallArguments:
 *     "assert f(3) == 6" gives (3,)), as far as ast.literal_eval reads them;
 *  2. then 11 generic argument tuples cut to the function's arity (its
 *     positional parameters without a default): ints (3, 5, 7, …), (0, 1, …),
 *     (10, 4, …), (-2, 3, …); strings ("abc", "b", …), ("hello world", "o",
 *     …), ""; a list of ints then ints ([1, 2, 3], 2, …), ([4, 1, 3, 1, 5], 3,
 *     …); lists ([1, 2, 3], [3, 4, 5], …); an empty list then zeros.
 * The function run is the one the prompt's assert calls when the candidate
 * defines it, else the candidate's first top-level function; a candidate with
 * none is a script, and its signature is what it prints (nothing printed: no
 * signature). An outcome is the canonical repr of the return value (sets and
 * dicts sorted, floats to 9 significant digits) plus what the call printed, or
 * the exception's class; each call has 0.5 s (after two calls time out, the
 * rest count as timed out unrun). A function that returns a value on no input
 * (it raises or times out on all of them) gets no signature: such candidates
 * would otherwise agree with each other on nothing but failure. Arguments are
 * deep-copied per call, so a function that changes its input cannot affect the
 * next call.
 */
import { runMany, type RunResult, type SandboxLimits } from './sandbox.js';
import { chooseByAgreement, promptCallArguments, promptEntryHint, type ExecChoice } from './execSelect.js';

const MARKER = 'EN2PY-EXEC ';

const HARNESS = String.raw`
import ast, base64, contextlib, copy, hashlib, inspect, io, json, math, signal, sys
sys.setrecursionlimit(3000)
SRC = base64.b64decode(__SRC__).decode("utf-8")
ARGS = json.loads(base64.b64decode(__ARGS__).decode("utf-8"))
HINT = __HINT__
OUT = sys.stdout
class _Timeout(BaseException):
    pass
def _alarm(*_):
    raise _Timeout()
signal.signal(signal.SIGALRM, _alarm)
def done(res):
    OUT.write("\n" + "EN2PY-EXEC " + json.dumps(res) + "\n")
    OUT.flush()
    sys.exit(0)
def canon(v, depth=0):
    if depth > 20:
        return "..."
    if isinstance(v, float):
        return "nan" if v != v else format(v, ".9g")
    if isinstance(v, (list, tuple)):
        inner = ",".join(canon(x, depth + 1) for x in v)
        return ("[%s]" if isinstance(v, list) else "(%s)") % inner
    if isinstance(v, (set, frozenset)):
        return "{%s}" % ",".join(sorted(canon(x, depth + 1) for x in v))
    if isinstance(v, dict):
        return "{%s}" % ",".join(sorted(canon(k, depth + 1) + ":" + canon(x, depth + 1) for k, x in v.items()))
    if inspect.isgenerator(v) or isinstance(v, (map, filter, zip, range, reversed)):
        try:
            return "iter" + canon(list(v), depth + 1)
        except BaseException as e:
            return "!" + type(e).__name__
    r = repr(v)
    return r if " object at 0x" not in r else "<" + type(v).__name__ + ">"
def h(s):
    return hashlib.sha1(s.encode("utf-8", "replace")).hexdigest()[:10]
def timed(fn, limit):
    buf = io.StringIO()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            value = fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return value, buf.getvalue()
G = {"__name__": "en2py_candidate", "__builtins__": __builtins__}
try:
    tree = ast.parse(SRC)
    _, printed = timed(lambda: exec(compile(tree, "<candidate>", "exec"), G), 2.0)
except BaseException as e:
    done({"ok": False, "error": "load: " + type(e).__name__})
defs = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
name = HINT if HINT in defs else (defs[0] if defs else None)
if name is None:
    if not printed.strip():
        done({"ok": False, "error": "no function and no output"})
    done({"ok": True, "fn": None, "arity": -1, "outs": [h(printed[:4000])]})
fn = G.get(name)
if not callable(fn):
    done({"ok": False, "error": "not callable: " + name})
try:
    params = inspect.signature(fn).parameters.values()
    arity = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty)
except (TypeError, ValueError):
    arity = 1
GENERIC = [
    [3, 5, 7, 2, 4], [0, 1, 0, 1, 0], [10, 4, 2, 3, 6], [-2, 3, 8, 1, 9],
    ["abc", "b", "cd", "x", "y"], ["hello world", "o", "world", "l", "h"], ["", "", "", "", ""],
    [[1, 2, 3], 2, 3, 1, 0], [[4, 1, 3, 1, 5], 3, 2, 4, 1], [[1, 2, 3], [3, 4, 5], [1], [2], [3]], [[], 0, 0, 0, 0],
]
inputs = []
for a in ARGS:
    try:
        v = ast.literal_eval("(" + a + ",)")
        inputs.append(v)
    except BaseException:
        pass
for row in GENERIC:
    inputs.append(tuple(row[:arity]) + tuple(row[-1:]) * max(0, arity - len(row)))
outs = []
timeouts = 0
for args in inputs:
    if timeouts >= 2:
        outs.append("!Timeout")
        continue
    try:
        value, printed = timed(lambda: fn(*copy.deepcopy(args)), 0.5)
        outs.append(h(canon(value) + "|" + printed[:4000]))
    except _Timeout:
        timeouts += 1
        outs.append("!Timeout")
    except BaseException as e:
        outs.append("!" + type(e).__name__)
if all(o.startswith("!") for o in outs):
    done({"ok": False, "error": "no input gave a value (" + outs[0][1:] + ")"})
done({"ok": True, "fn": name, "arity": arity, "outs": outs})
`;

/** The harness program for one candidate (it never runs the candidate's `if __name__ == "__main__":` block). */
export function harnessProgram(candidate: string, prompt: string): string {
  const b64 = (s: string) => JSON.stringify(Buffer.from(s, 'utf8').toString('base64'));
  return HARNESS.replace('__SRC__', () => b64(candidate))
    .replace('__ARGS__', () => b64(JSON.stringify(promptCallArguments(prompt))))
    .replace('__HINT__', () => JSON.stringify(promptEntryHint(prompt) ?? ''));
}

export interface Execution {
  /** What the candidate did on every input, or null when it could not be run (see execSelect.ts). */
  signature: string | null;
  /** Why there is no signature, or the function run. */
  note: string;
  ms: number;
}

/** The harness's report in a sandbox result, as a signature. */
export function parseExecution(r: RunResult): Execution {
  const ms = Math.round(r.ms);
  const line = r.stdout.split('\n').reverse().find((l) => l.startsWith(MARKER));
  if (r.status !== 'passed' || !line) return { signature: null, note: r.status === 'passed' ? 'no report' : `${r.status}${r.reason ? `: ${r.reason}` : ''}`, ms };
  let res: { ok?: boolean; error?: string; fn?: string | null; arity?: number; outs?: string[] };
  try {
    res = JSON.parse(line.slice(MARKER.length));
  } catch {
    return { signature: null, note: 'unreadable report', ms };
  }
  if (!res.ok || !Array.isArray(res.outs)) return { signature: null, note: res.error ?? 'failed', ms };
  return { signature: `${res.arity}:${res.outs.join(',')}`, note: res.fn ?? 'script', ms };
}

/** Default limits of one harness run: up to 1 + 17 timed calls. */
export const HARNESS_LIMITS: Partial<SandboxLimits> = { timeoutMs: 12000, memoryBytes: 512 * 1024 * 1024 };

/** Runs every candidate of every prompt (all in one queue, `concurrency` at a time); out[i][j] is prompts[i]'s candidate j. */
export async function executeCandidates(
  prompts: readonly string[],
  candidates: readonly (readonly string[])[],
  opts: { limits?: Partial<SandboxLimits>; concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Execution[][]> {
  const programs = prompts.flatMap((p, i) => candidates[i].map((c) => harnessProgram(c, p)));
  let done = 0;
  const results = await runMany(programs, { ...HARNESS_LIMITS, ...opts.limits }, opts.concurrency ?? 2, () => opts.onProgress?.(++done, programs.length));
  let k = 0;
  return candidates.map((cs) => cs.map(() => parseExecution(results[k++])));
}

export interface ExecSelection extends ExecChoice {
  /** The chosen code. */
  code: string;
  executions: Execution[];
}

/**
 * For each prompt, the candidate chosen by agreement of outputs (candidates[i]
 * most likely first; see execSelect.ts), with every candidate's execution.
 */
export async function selectByExecution(
  prompts: readonly string[],
  candidates: readonly (readonly string[])[],
  opts: Parameters<typeof executeCandidates>[2] = {},
): Promise<ExecSelection[]> {
  const runs = await executeCandidates(prompts, candidates, opts);
  return runs.map((executions, i) => {
    const choice = chooseByAgreement(executions.map((e) => e.signature));
    return { ...choice, code: candidates[i][choice.index], executions };
  });
}
