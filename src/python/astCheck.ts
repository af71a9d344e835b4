// Checks many Python sources with python3's own parser (`ast.parse`), or its
// compiler (`compile()`: the parser plus the checks Python makes before running
// anything, e.g. a duplicate argument name or `return` outside a function; the
// code object is thrown away, nothing runs), in ONE python3 process: the sources go to its stdin as a JSON array and one result
// per source comes back as a JSON array. Starting python3 once per sample would
// cost ~20 ms each; one batch of ~5,000 samples takes well under a second.
import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

export interface SyntaxCheck {
  ok: boolean;
  /** 1-based line of the error (0 when unknown or ok). */
  line: number;
  /** Python's message, e.g. "invalid syntax. Perhaps you forgot a comma?"; '' when ok. */
  message: string;
  /** The exception class, e.g. "SyntaxError", "IndentationError"; '' when ok. */
  kind: string;
}

/**
 * Python source defining `check(src, compiling)` -> [ok, line, message, kind]:
 * the one definition of "valid" that evaluation, the parse rerank and the
 * server's long-lived checker (src/server/syntaxService.ts) all run.
 */
export const PYTHON_CHECK_FUNCTION = String.raw`
import ast, json, sys, warnings
warnings.simplefilter("ignore")
def check(src, compiling):
    try:
        if compiling:
            compile(src, "<candidate>", "exec", dont_inherit=True)
        else:
            ast.parse(src)
        return [1, 0, "", ""]
    except SyntaxError as e:
        return [0, e.lineno or 0, e.msg or "syntax error", type(e).__name__]
    except Exception as e:
        return [0, 0, type(e).__name__ + ": " + str(e), type(e).__name__]
`;

const SCRIPT = PYTHON_CHECK_FUNCTION + String.raw`
compiling = sys.argv[1:] == ["compile"]
sys.stdout.write(json.dumps([check(src, compiling) for src in json.load(sys.stdin)]))
`;

/** The python executable: $EN2PY_PYTHON, else `python3`. */
export function pythonExecutable(): string {
  return process.env.EN2PY_PYTHON || 'python3';
}

/** One python3 checker process, started at once; `run` sends it the sources (once) and reads its answer. */
function spawnChecker(opts: { compile?: boolean }): { run(sources: readonly string[]): Promise<SyntaxCheck[]>; kill(): void } {
  const exe = pythonExecutable();
  const child = spawn(exe, ['-c', SCRIPT, ...(opts.compile ? ['compile'] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.stdin.on('error', () => { /* reported through 'close' below */ });
  // Settles on 'close', or on 'error' when python3 could not start (then 'close' may never come).
  const finished = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      resolve({
        code: null,
        error: err.code === 'ENOENT' ? new UserError(`${exe}: not found; en2py needs python3 to check code syntax (set EN2PY_PYTHON to its path)`) : err,
      });
    });
    child.on('close', (code) => resolve({ code }));
  });
  return {
    async run(sources) {
      child.stdin.end(JSON.stringify(sources));
      const { code, error } = await finished;
      if (error) throw error;
      if (code !== 0) throw new Error(`${exe} exited with ${code}: ${Buffer.concat(stderr).toString('utf8').trim()}`);
      const rows = JSON.parse(Buffer.concat(stdout).toString('utf8')) as [number, number, string, string][];
      if (rows.length !== sources.length) throw new Error(`${exe} returned ${rows.length} results for ${sources.length} sources`);
      return rows.map(([ok, line, message, kind]) => ({ ok: ok === 1, line, message, kind }));
    },
    kill() {
      child.kill();
    },
  };
}

/**
 * Parse every source with python3's `ast.parse` (with `compile`: compile it, see
 * above); results are in input order. Data cleaning parses (the data set's rule);
 * evaluation, the parse rerank and the server compile, because a program that
 * parses but does not compile (`def f(n, n):`) is not valid Python.
 */
export function checkPythonSyntax(sources: readonly string[], opts: { compile?: boolean } = {}): Promise<SyntaxCheck[]> {
  if (sources.length === 0) return Promise.resolve([]);
  return spawnChecker(opts).run(sources);
}

/**
 * A compile check (as checkPythonCompiles) whose first call is answered by a
 * python3 started now, so that its start-up (~0.1 s) overlaps the work before
 * the check, such as loading a model and decoding; later calls start their own.
 * `dispose()` stops the waiting process if no call came.
 */
export function prestartedCompileCheck(): { check(sources: readonly string[]): Promise<SyntaxCheck[]>; dispose(): void } {
  let waiting: ReturnType<typeof spawnChecker> | null = spawnChecker({ compile: true });
  return {
    check(sources) {
      const first = waiting;
      waiting = null;
      return first ? first.run(sources) : checkPythonCompiles(sources);
    },
    dispose() {
      waiting?.kill();
      waiting = null;
    },
  };
}

/** Whether each source compiles (python3's `compile()`, nothing runs): what "syntax-valid" means in evaluation. */
export function checkPythonCompiles(sources: readonly string[]): Promise<SyntaxCheck[]> {
  return checkPythonSyntax(sources, { compile: true });
}
