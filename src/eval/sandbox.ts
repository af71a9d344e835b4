/**
 * Runs untrusted Python programs (model outputs) one python3 process each.
 *
 * What is contained (mode 'root-ns', when running as root; 'user-ns' for other
 * users when unprivileged user namespaces are allowed; see sandboxMode()):
 *  - time: wall-clock limit (default 3 s) measured from spawn, then SIGKILL to
 *    the whole process group; RLIMIT_CPU as a backstop; the program runs as
 *    pid 1 of a new pid namespace, so when it dies every process it started
 *    dies too, even ones that left the process group (setsid);
 *  - memory: RLIMIT_AS (default 1 GiB) — a huge allocation raises MemoryError;
 *  - processes: RLIMIT_NPROC (default 32). Root ignores this limit, which is why
 *    'root-ns' switches to uid 65534 (nobody); the count is per user, so
 *    concurrent sandboxes share it;
 *  - network: a new, empty network namespace (not even loopback is up), so
 *    127.0.0.1 and the outside are unreachable;
 *  - files: a private mount namespace where every mount is remounted read-only
 *    and only the fresh temporary working directory is writable (HOME and
 *    TMPDIR point into it; RLIMIT_FSIZE caps file size); the directory is
 *    removed afterwards. As root, a home directory that nobody cannot search
 *    (/root) is covered with an empty tmpfs except the interpreter's prefix;
 *  - stdin is /dev/null; stdout+stderr are capped (default 64 KiB together),
 *    and the process group is killed when the cap is exceeded.
 * What is NOT contained:
 *  - reading: the program can read any file that uid 65534 (or the calling
 *    user in 'user-ns') can read;
 *  - CPU and memory bandwidth of the host while it runs; /dev/shm-like
 *    resources are read-only but SysV IPC is not namespaced;
 *  - in mode 'plain' (no namespaces available), only the rlimits, the process
 *    group kill, the temp dir as cwd and the output cap apply: no network or
 *    filesystem isolation (beyond uid 65534's permissions when started as root),
 *    and processes that call setsid can survive. As root the interpreter must
 *    then be reachable by uid 65534 (e.g. /usr/bin/python3 via EN2PY_PYTHON),
 *    otherwise every run is an 'error' saying so. Each result says its mode.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonScript } from './paths.js';
import { pythonExecutable } from './pyservice.js';

export type SandboxMode = 'root-ns' | 'user-ns' | 'plain';
export type RunStatus = 'passed' | 'failed' | 'timeout' | 'error' | 'killed';

export interface SandboxLimits {
  /** Wall-clock limit in milliseconds (default 3000). */
  timeoutMs: number;
  /** Address-space limit in bytes (default 1 GiB). */
  memoryBytes: number;
  /** Maximum processes/threads of the sandbox user (default 32). */
  processes: number;
  /** Cap on stdout + stderr bytes; the run is killed beyond it (default 64 KiB). */
  outputBytes: number;
  /** Largest file the program may write (default 16 MiB). */
  fileBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 3000,
  memoryBytes: 1024 * 1024 * 1024,
  processes: 32,
  outputBytes: 64 * 1024,
  fileBytes: 16 * 1024 * 1024,
};

export interface RunResult {
  status: RunStatus;
  /** Wall time from spawn to exit, including interpreter start-up. */
  ms: number;
  exitCode: number | null;
  signal: string | null;
  /** First 2 KiB of stdout. */
  stdout: string;
  /** Last 4 KiB of stderr (where Python's traceback ends). */
  stderr: string;
  /** Why the run was stopped or could not run, for 'timeout' | 'killed' | 'error'. */
  reason?: string;
  mode: SandboxMode;
}

const SETUP_FAILED = 125;
const NS_FLAGS = ['--mount', '--net', '--pid', '--fork', '--kill-child', '--propagation', 'private'];
let cachedMode: SandboxMode | undefined;
let cachedPython: string | undefined;

/**
 * Absolute path of the interpreter (`python3` on the caller's PATH, or
 * EN2PY_PYTHON): the sandbox gets a minimal PATH, so it must not look it up again.
 */
export function sandboxPython(): string {
  if (cachedPython) return cachedPython;
  const r = spawnSync(pythonExecutable(), ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10000 });
  const exe = r.status === 0 ? r.stdout.trim() : '';
  return (cachedPython = exe || pythonExecutable());
}

function forcedMode(): SandboxMode | undefined {
  const forced = process.env.EN2PY_SANDBOX_MODE;
  return forced === 'root-ns' || forced === 'user-ns' || forced === 'plain' ? forced : undefined;
}

/** The namespaced modes to probe, best first, with the `unshare` flags each needs; 'plain' when none works. */
function modesToProbe(): Array<[SandboxMode, string[]]> {
  return [...(isRoot() ? [['root-ns', NS_FLAGS] as [SandboxMode, string[]]] : []), ['user-ns', ['--user', '--map-root-user', ...NS_FLAGS]]];
}

/** Which containment this machine allows; probed once (EN2PY_SANDBOX_MODE forces one). */
export function sandboxMode(): SandboxMode {
  if (cachedMode) return cachedMode;
  const probe = (args: string[]): boolean => spawnSync('unshare', [...args, 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  cachedMode = forcedMode() ?? modesToProbe().find(([, args]) => probe(args))?.[0] ?? 'plain';
  return cachedMode;
}

let preparing: Promise<void> | undefined;

/**
 * Makes the probes of sandboxPython() and sandboxMode() without blocking the event
 * loop (they take ~0.3 s, mostly python3 starting, which the server must not spend
 * on its main thread); runSandboxed awaits it once, then both answer from their cache.
 */
export function prepareSandbox(): Promise<void> {
  const run = (cmd: string, args: string[], timeout: number) => new Promise<{ ok: boolean; stdout: string }>((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout }, (err, stdout) => resolve({ ok: !err, stdout }));
  });
  return (preparing ??= (async () => {
    if (!cachedPython) {
      const r = await run(pythonExecutable(), ['-c', 'import sys; print(sys.executable)'], 10000);
      cachedPython ??= (r.ok && r.stdout.trim()) || pythonExecutable();
    }
    const probeMode = async (): Promise<SandboxMode> => {
      for (const [mode, args] of modesToProbe()) if ((await run('unshare', [...args, 'true'], 5000)).ok) return mode;
      return 'plain';
    };
    cachedMode ??= forcedMode() ?? await probeMode();
  })());
}

function command(mode: SandboxMode, dir: string, limits: SandboxLimits): [string, string[]] {
  const lim = [limits.memoryBytes, limits.processes, Math.ceil(limits.timeoutMs / 1000) + 1, limits.fileBytes, 256].map((x) => String(Math.floor(x)));
  // -S: no site-packages (stdlib only, and ~50 ms less start-up: some .pth files import heavy modules)
  // as root without namespaces the runner still switches to uid 65534 (root ignores RLIMIT_NPROC)
  const runnerMode = mode === 'plain' && isRoot() ? 'plain-root' : mode;
  const py = [sandboxPython(), '-I', '-B', '-S', pythonScript('sandbox_runner.py'), runnerMode, dir, ...lim];
  if (mode === 'root-ns') return ['unshare', [...NS_FLAGS, '--', ...py]];
  if (mode === 'user-ns') return ['unshare', ['--user', '--map-root-user', ...NS_FLAGS, '--', ...py]];
  return [py[0], py.slice(1)];
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs one program in the sandbox. Never throws for the program's behaviour. */
export async function runSandboxed(code: string, limitsIn: Partial<SandboxLimits> = {}): Promise<RunResult> {
  const limits = { ...DEFAULT_LIMITS, ...limitsIn };
  await prepareSandbox();
  const mode = sandboxMode();
  // EN2PY_SANDBOX_TMPDIR: where the throw-away directories go (default: the system temp dir).
  const dir = fs.mkdtempSync(path.join(process.env.EN2PY_SANDBOX_TMPDIR || os.tmpdir(), 'en2py-sbx-'));
  const t0 = performance.now();
  try {
    fs.writeFileSync(path.join(dir, 'main.py'), code);
    if (isRoot() && mode !== 'user-ns') fs.chownSync(dir, 65534, 65534);
    const [cmd, args] = command(mode, dir, limits);
    const child = spawn(cmd, args, {
      cwd: dir,
      detached: true, // own process group, killed as a whole
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8', PYTHONHASHSEED: '0' },
    });
    let outBytes = 0;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let reason: string | undefined;
    let stopped: RunStatus | undefined;
    const stop = (status: RunStatus, why: string): void => {
      if (stopped) return;
      stopped = status;
      reason = why;
      killGroup(child.pid);
    };
    const take = (sink: Buffer[]) => (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > limits.outputBytes) stop('killed', `output over ${limits.outputBytes} bytes`);
      else sink.push(d);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    const timer = setTimeout(() => stop('timeout', `wall time over ${limits.timeoutMs} ms`), limits.timeoutMs);
    const [exitCode, signal, spawnError] = await new Promise<[number | null, NodeJS.Signals | null, Error | undefined]>((resolve) => {
      child.once('error', (e) => resolve([null, null, e]));
      child.once('close', (c, s) => resolve([c, s, undefined]));
      // A descendant that escaped the process group (possible only in 'plain'
      // mode) could hold the pipes open forever: after the exit, wait briefly
      // for the output, then stop reading.
      child.once('exit', (c, s) => {
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolve([c, s, undefined]);
        }, 500).unref();
      });
    });
    clearTimeout(timer);
    killGroup(child.pid); // leftovers in 'plain' mode
    const ms = performance.now() - t0;
    const stdout = Buffer.concat(out).subarray(0, 2048).toString('utf8');
    const errAll = Buffer.concat(err);
    const stderr = errAll.subarray(Math.max(0, errAll.length - 4096)).toString('utf8');
    let status: RunStatus;
    if (spawnError) {
      status = 'error';
      reason = `cannot start ${cmd}: ${spawnError.message}`;
    } else if (stopped) status = stopped;
    else if (exitCode === 0) status = 'passed';
    else if (exitCode === SETUP_FAILED && /en2py-sandbox-setup:/.test(stderr)) {
      status = 'error';
      reason = stderr.match(/en2py-sandbox-setup: (.*)/)?.[1];
    } else if (signal || (exitCode !== null && exitCode > 128)) {
      // SIGXCPU from RLIMIT_CPU, SIGKILL from the kernel; unshare reports a child's signal as 128+n
      status = 'killed';
      reason = `signal ${signal ?? exitCode! - 128}`;
    } else status = 'failed';
    return { status, ms, exitCode, signal, stdout, stderr, reason, mode };
  } catch (e) {
    return { status: 'error', ms: performance.now() - t0, exitCode: null, signal: null, stdout: '', stderr: '', reason: (e as Error).message, mode };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs many programs, `concurrency` at a time (default 2), results in input order. */
export async function runMany(
  codes: readonly string[],
  limits: Partial<SandboxLimits> = {},
  concurrency = 2,
  onDone?: (index: number, result: RunResult) => void,
): Promise<RunResult[]> {
  const results = new Array<RunResult>(codes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < codes.length) {
      const i = next++;
      results[i] = await runSandboxed(codes[i], limits);
      onDone?.(i, results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, codes.length) }, worker));
  return results;
}
