/**
 * Generation off the server's main thread. The native kernels are synchronous,
 * so a generation run on the main thread would hold the event loop for as long
 * as it takes (a few hundred ms to seconds with the default model) and every
 * other request, /api/health included, would wait. Here one worker thread
 * (./generationWorker.ts) loads the model once and answers generate requests by
 * message; the server's queue sends it one at a time.
 *
 * When the worker dies (an uncaught error, out of memory), the request it was
 * answering fails with GenerationWorkerDied and a new worker starts at once.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GenerateOptions, Generation } from '../decode/generator.js';
import { kernelBackend } from '../tensor/kernels/index.js';
import { resolvePrecision, type Precision } from '../tensor/precision.js';
import type { ModelInfo } from './modelInfo.js';
import { fromWire, type GenerateRequest, type WorkerMessage, type WorkerSetup } from './workerProtocol.js';

export interface WorkerGeneratorOptions {
  /** Matrix products: 'auto' (the default) = bf16 where the CPU has bf16 units. */
  precision?: 'auto' | Precision;
  /** The worker's entry script (a test gives one that wraps generation; default ./generationWorker.js). */
  script?: string | URL;
}

/** The worker stopped while a request waited for it; `reason` says why (for the server log). */
export class GenerationWorkerDied extends Error {
  constructor(message: string, readonly reason: string) {
    super(message);
    this.name = 'GenerationWorkerDied';
  }
}

interface Pending {
  resolve: (g: Generation) => void;
  reject: (err: Error) => void;
}

export class WorkerGenerator {
  /** The model, as the worker loaded it. */
  info!: ModelInfo;
  private current: { worker: Worker; ready: Promise<ModelInfo> } | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Calls waiting for the worker (loading or generating): only then does it keep the process alive. */
  private waiting = 0;
  private closed = false;

  private constructor(private readonly setup: WorkerSetup, private readonly script: string | URL, private readonly env: NodeJS.ProcessEnv) {}

  /** Start the worker and wait until it has loaded the model; rejects with the loading error (a UserError for a bad model directory). */
  static async start(dir: string, options: WorkerGeneratorOptions = {}): Promise<WorkerGenerator> {
    // The kernels load here first, on the main thread: that sets the engine's environment (OpenMP's wait
    // policy) in the real process environment, which a worker cannot (its process.env is its own copy),
    // resolves 'auto', and prints the warning about a missing addon once; the worker is then told to use
    // the reference kernels without warning again.
    const backend = kernelBackend();
    const precision = resolvePrecision(options.precision ?? 'auto');
    const env = backend.name === 'reference' ? { ...process.env, EN2PY_KERNELS: 'reference' } : process.env;
    const g = new WorkerGenerator({ dir: path.resolve(dir), precision }, options.script ?? new URL('./generationWorker.js', import.meta.url), env);
    g.hold(1);
    try {
      g.info = await g.spawn();
    } finally {
      g.hold(-1);
    }
    return g;
  }

  /** One generation in the worker; a UserError from it stays a UserError. */
  async generate(sentence: string, options: GenerateOptions = {}): Promise<Generation> {
    if (this.closed) throw new Error('the generator is closed');
    if (!this.current) this.spawn(); // the last worker died before it had loaded the model
    const { worker, ready } = this.current!;
    this.hold(1);
    try {
      try {
        await ready;
      } catch (err) {
        throw new GenerationWorkerDied('the generator could not load the model (see the server log)', (err as Error).stack ?? String(err));
      }
      if (this.current?.worker !== worker) throw new GenerationWorkerDied(this.diedMessage(), 'the worker stopped before this request reached it');
      return await new Promise<Generation>((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ id, sentence, options } satisfies GenerateRequest);
      });
    } finally {
      this.hold(-1);
    }
  }

  /** Stop the worker; requests still waiting fail. */
  close(): void {
    this.closed = true;
    const worker = this.current?.worker;
    this.current = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the server is closing'));
    this.pending.clear();
    void worker?.terminate();
  }

  private spawn(): Promise<ModelInfo> {
    const worker = new Worker(this.script, { workerData: this.setup, env: this.env });
    let loaded = false;
    let crash: Error | undefined;
    const ready = new Promise<ModelInfo>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          loaded = true;
          resolve(m.info);
        } else if (m.type === 'failed') reject(fromWire(m.error));
        else this.settle(m);
      });
      worker.on('error', (err) => { crash = err; }); // an uncaught error in the worker; 'exit' follows
      worker.on('exit', (code) => {
        const reason = crash ? (crash.stack ?? crash.message) : `exit code ${code}`;
        reject(new Error(`the generation worker stopped while loading the model (${reason})`)); // no-op once settled
        this.died(worker, reason, loaded);
      });
    });
    // Awaited by start() and generate(); a restarted worker's loading failure that nobody awaits
    // yet must not become an unhandled rejection (the next request reports it).
    ready.catch(() => {});
    this.current = { worker, ready };
    this.hold(0); // ref or unref the new worker as the count of waiting callers says
    return ready;
  }

  private settle(m: Extract<WorkerMessage, { type: 'result' | 'error' }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.generation);
    else p.reject(fromWire(m.error));
  }

  private diedMessage(): string {
    return 'the generator stopped while answering this request (see the server log); a new one is starting: try again';
  }

  private died(worker: Worker, reason: string, wasLoaded: boolean): void {
    if (this.current?.worker !== worker) return; // closed, or already replaced
    this.current = undefined;
    const err = new GenerationWorkerDied(this.diedMessage(), reason);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    // A worker that never loaded the model is not restarted in a loop: the next request starts one.
    if (wasLoaded && !this.closed) this.spawn();
  }

  /** Count a caller waiting (+1) or done (-1); the worker is ref'd only while someone waits. */
  private hold(delta: number): void {
    this.waiting += delta;
    const worker = this.current?.worker;
    if (!worker) return;
    if (this.waiting > 0) worker.ref();
    else worker.unref();
  }
}
