import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { pythonScript } from './paths.js';

/** The Python interpreter used for parsing and sandboxed runs (override with EN2PY_PYTHON). */
export function pythonExecutable(): string {
  return process.env.EN2PY_PYTHON || 'python3';
}

/**
 * Sends many JSON requests to ONE python3 process running `script`
 * (src/eval/python/<script>) and returns its answers in order: one JSON line
 * in, one JSON line out. Starting Python costs ~20-50 ms, so batching matters
 * when thousands of outputs are checked.
 */
export async function pythonBatch<Req, Res>(script: string, requests: readonly Req[]): Promise<Res[]> {
  if (requests.length === 0) return [];
  const child = spawn(pythonExecutable(), ['-I', '-u', pythonScript(script)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const answers: Res[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d;
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start ${pythonExecutable()} for ${script}: ${e.message}`)));
    child.once('spawn', () => resolve());
  });
  const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  const done = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      answers.push(JSON.parse(line) as Res);
    });
    child.once('close', (code) => {
      if (answers.length === requests.length) resolve();
      else reject(new Error(`${script} exited (code ${code}) after ${answers.length} of ${requests.length} answers: ${stderr.trim()}`));
    });
  });
  await spawned;
  child.stdin.on('error', () => {}); // EPIPE if python died; reported through 'close'
  // write with backpressure so huge batches do not pile up in memory twice
  for (const r of requests) {
    if (!child.stdin.write(JSON.stringify(r) + '\n')) await new Promise((res) => child.stdin.once('drain', res));
  }
  child.stdin.end();
  await done;
  return answers;
}
