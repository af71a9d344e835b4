/**
 * One long-lived python3 process that answers "does this parse?" for the server.
 * Starting python3 per request costs 20-50 ms on an idle machine and much more on
 * a busy one, and 50 concurrent requests would start 50 interpreters; this keeps
 * one, sends it a JSON array of sources per line and reads one JSON line back,
 * in order. Code is only given to `compile()` (the parser plus the checks made
 * before running, such as duplicate argument names), and never executed.
 * If python3 is missing or dies, answers are null (unknown) and the next call
 * starts a new process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { PYTHON_CHECK_FUNCTION, pythonExecutable } from '../python/astCheck.js';

export interface ParseResult {
  ok: boolean;
  /** 1-based line of the error, 0 when unknown or ok. */
  line: number;
  message: string;
}

// The check itself is shared with evaluation (PYTHON_CHECK_FUNCTION), so "parses" means the same here.
const SCRIPT = PYTHON_CHECK_FUNCTION + String.raw`
for line in sys.stdin:
    out = [check(src, True)[:3] for src in json.loads(line)]
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`;

interface Pending {
  count: number;
  resolve: (r: Array<ParseResult | null>) => void;
}

export class SyntaxService {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private closed = false;

  constructor(private readonly onError: (message: string) => void = () => {}) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(pythonExecutable(), ['-I', '-u', '-c', SCRIPT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
    child.stdin.on('error', () => { /* reported through 'close' */ });
    readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const p = this.pending.shift();
      if (!p) return;
      try {
        const rows = JSON.parse(line) as [number, number, string][];
        p.resolve(rows.map(([ok, l, message]) => ({ ok: ok === 1, line: l, message })));
      } catch {
        p.resolve(Array(p.count).fill(null));
      }
    });
    const fail = (why: string) => {
      if (this.child === child) this.child = null;
      if (!this.closed) this.onError(`python3 syntax checker stopped: ${why}${stderr ? ` (${stderr.trim()})` : ''}`);
      for (const p of this.pending.splice(0)) p.resolve(Array(p.count).fill(null));
    };
    child.on('error', (err) => fail(err.message));
    child.on('close', (code) => fail(`exit code ${code}`));
    return child;
  }

  /** Parse each source; null for a source when python3 could not answer. */
  check(sources: readonly string[]): Promise<Array<ParseResult | null>> {
    if (sources.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.resolve(sources.map(() => null));
    if (!this.child) this.child = this.start();
    const child = this.child;
    return new Promise((resolve) => {
      this.pending.push({ count: sources.length, resolve });
      child.stdin.write(JSON.stringify(sources) + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.child?.kill();
    this.child = null;
  }
}
