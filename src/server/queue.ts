/**
 * One job at a time, first in first out, with a bounded waiting line.
 * A job is one generation (run in the generation worker, ./workerGenerator.ts):
 * running two at once would only make both slower on the same cores, so
 * requests wait their turn here, and when the line is full a new one is
 * refused at once (the server answers 503) instead of waiting into a timeout.
 * A job may return a promise: the next one starts when it settles.
 */
export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`the server is busy: ${limit} requests are already waiting; try again in a moment`);
    this.name = 'QueueFullError';
  }
}

interface Job<T> {
  run: () => T | Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export class SerialQueue {
  private readonly waiting: Job<unknown>[] = [];
  private running = false;

  /** @param maxWaiting how many jobs may wait behind the running one. */
  constructor(readonly maxWaiting: number) {}

  /** Jobs waiting (not counting the one running). */
  get length(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running;
  }

  /** Run `fn` after every job queued before it (and they have settled); rejects with QueueFullError when the line is full. */
  push<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new QueueFullError(this.maxWaiting));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ run: fn, resolve, reject } as Job<unknown>);
      if (!this.running) this.schedule();
    });
  }

  private schedule(): void {
    this.running = true;
    setImmediate(() => this.next());
  }

  private next(): void {
    const job = this.waiting.shift();
    if (!job) {
      this.running = false;
      return;
    }
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(job.run());
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(job.resolve, job.reject).finally(() => this.schedule());
  }
}
