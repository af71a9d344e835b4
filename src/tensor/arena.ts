/**
 * Memory for tensors created inside tidy(): one large Float32Array used as a
 * stack. Taking memory moves a pointer; leaving a tidy() scope moves it back.
 *
 * Why: touching freshly allocated memory costs about 2.6 ms per MB in these VMs
 * (DESIGN.md), and a training step on real data has a different shape every
 * batch, so a pool of exact sizes kept allocating (gigabytes in 20 batches).
 * The arena is sized to the largest step seen: when a step does not fit, the
 * overflow is allocated normally, and the arena grows once the outermost scope
 * has ended. After the largest batch, a step allocates nothing.
 */
import { K } from './kernels/index.js';

const ALIGN = 16; // floats: 64-byte alignment for SIMD loads

export class Arena {
  private buffer = new Float32Array(0);
  private offset = 0;
  /** The most memory any scope wanted at once (floats), including what overflowed. */
  private peak = 0;
  private overflowed = false;

  /** A view of n floats, or null when the arena is full (the caller allocates; the arena grows later). */
  take(n: number): Float32Array | null {
    const start = this.offset;
    const end = start + Math.ceil(n / ALIGN) * ALIGN;
    if (end > this.peak) this.peak = end;
    if (end > this.buffer.length) {
      this.overflowed = true;
      this.offset = end; // keep counting what the scope needs
      return null;
    }
    this.offset = end;
    return this.buffer.subarray(start, start + n);
  }

  mark(): number {
    return this.offset;
  }

  release(mark: number): void {
    this.offset = mark;
  }

  owns(view: Float32Array): boolean {
    return view.buffer === this.buffer.buffer;
  }

  /** Called when no scope is open: grow to the peak seen (plus a margin) if anything overflowed. */
  settle(): void {
    if (this.overflowed) {
      // Grow with room to spare: each growth touches fresh memory once.
      this.buffer = new Float32Array(K().allocate(Math.ceil(this.peak * 1.25) * 4));
      this.overflowed = false;
    }
    this.offset = 0;
  }

  /** Give the memory back (e.g. after training, before serving). */
  clear(): void {
    this.buffer = new Float32Array(0);
    this.offset = this.peak = 0;
    this.overflowed = false;
  }

  stats(): { capacityBytes: number; peakBytes: number } {
    return { capacityBytes: this.buffer.byteLength, peakBytes: this.peak * 4 };
  }
}

export const arena = new Arena();
