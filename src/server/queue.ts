/**
 * One job at a time, first in first out, with a bounded waiting line.
 * Generation is CPU-bound and synchronous: running two at once would only make
 * both slower, so requests wait their turn here, and when the line is full a new
 * one is refused at once (the server answers 503) instead of waiting into a timeout.
 * Between two jobs the event loop runs (setImmediate), so the server keeps
 * accepting, parsing and refusing requests while the queue drains.
 */
export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`the server is busy: ${limit} requests are already waiting; try again in a moment`);
    this.name = 'QueueFullError';
  }
}

interface Job<T> {
  run: () => T;
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

  /** Run `fn` after every job queued before it; rejects with QueueFullError when the line is full. */
  push<T>(fn: () => T): Promise<T> {
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
    try {
      job.resolve(job.run());
    } catch (err) {
      job.reject(err);
    }
    this.schedule();
  }
}
