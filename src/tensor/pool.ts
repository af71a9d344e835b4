/**
 * A pool of Float32Array buffers, so the training loop does not allocate per op.
 * Why: in these VMs touching freshly allocated memory costs about 2.6 ms per MB
 * (see DESIGN.md); after the first step every buffer comes back from here.
 *
 * Sizes are rounded up to classes a quarter-octave apart (at most 19% slack), so
 * batches of different lengths still share buffers; callers get a view of the
 * exact length and give back the view they got.
 */
const MIN_CLASS = 64;

function sizeClass(n: number): number {
  if (n <= MIN_CLASS) return MIN_CLASS;
  const step = 2 ** (Math.floor(Math.log2(n)) - 2); // 4 classes per octave
  return Math.ceil(n / step) * step;
}

export class BufferPool {
  private free = new Map<number, Float32Array[]>();
  private bytesHeld = 0;
  private bytesCreated = 0;

  /** A buffer of length n; its contents are NOT zeroed (callers overwrite it). */
  take(n: number): Float32Array {
    const cls = sizeClass(n);
    const list = this.free.get(cls);
    const base = list?.pop();
    if (base) {
      this.bytesHeld -= base.byteLength;
      return base.subarray(0, n);
    }
    this.bytesCreated += cls * 4;
    return new Float32Array(cls).subarray(0, n);
  }

  /** Return a buffer obtained from take(). */
  give(view: Float32Array): void {
    const base = new Float32Array(view.buffer);
    const cls = base.length;
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(base);
    this.bytesHeld += base.byteLength;
  }

  /** Drop every idle buffer (e.g. after training, before serving). */
  clear(): void {
    this.free.clear();
    this.bytesHeld = 0;
  }

  stats(): { idleBytes: number; createdBytes: number } {
    return { idleBytes: this.bytesHeld, createdBytes: this.bytesCreated };
  }
}

export const pool = new BufferPool();
