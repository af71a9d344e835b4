/**
 * Memory for tensors created inside tidy(): a stack over a list of large chunks.
 * Taking memory moves a pointer (to the next chunk when the current one is
 * full); leaving a tidy() scope moves it back. Chunks are kept and reused.
 *
 * Why: touching freshly allocated memory costs about 2.6 ms per MB in these VMs
 * (DESIGN.md), and a training step on real data has a different shape every
 * batch, so a pool of exact sizes kept allocating (gigabytes in 20 batches).
 * With the stack, a step allocates nothing once the chunks cover the largest
 * step seen, and the memory held is that step's peak plus chunk tails.
 */
import { K } from './kernels/index.js';

const ALIGN = 16; // floats: 64-byte alignment for SIMD loads
const CHUNK = 16 << 20; // floats (64 MB); larger requests get a chunk of their own size
const SLOT = 2 ** 32; // a mark packs (chunk, offset) into one number

export class Arena {
  private chunks: Float32Array[] = [];
  private index = -1; // current chunk (-1: none yet)
  private offset = 0; // floats used in the current chunk

  /** A view of n floats (contents undefined). */
  take(n: number): Float32Array {
    const need = Math.ceil(n / ALIGN) * ALIGN;
    const current = this.chunks[this.index];
    if (!current || this.offset + need > current.length) {
      const next = this.index + 1;
      if (!(this.chunks[next]?.length >= need)) {
        // Huge pages for big chunks: first touches then cost far fewer page faults.
        const size = Math.max(need, CHUNK);
        this.chunks.splice(next, 0, new Float32Array(K().allocate(size * 4)));
      }
      this.index = next;
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += need;
    return this.chunks[this.index].subarray(start, start + n);
  }

  mark(): number {
    return (this.index + 1) * SLOT + this.offset;
  }

  release(mark: number): void {
    this.index = Math.floor(mark / SLOT) - 1;
    this.offset = mark % SLOT;
  }

  /** Give the memory back (e.g. after training, before serving). Only outside tidy(). */
  clear(): void {
    this.chunks = [];
    this.index = -1;
    this.offset = 0;
  }

  stats(): { chunks: number; capacityBytes: number } {
    return { chunks: this.chunks.length, capacityBytes: this.chunks.reduce((s, c) => s + c.byteLength, 0) };
  }
}

export const arena = new Arena();
