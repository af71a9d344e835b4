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
  /** `chunkFloats`: the size of an ordinary chunk (tests use small ones). */
  constructor(private readonly chunkFloats = CHUNK) {}

  private chunks: Float32Array[] = [];
  private index = -1; // current chunk (-1: none yet)
  private offset = 0; // floats used in the current chunk
  private allocations = 0; // chunks allocated so far (a bounded arena stops allocating)

  /** A view of n floats (contents undefined). */
  take(n: number): Float32Array {
    const need = Math.ceil(n / ALIGN) * ALIGN;
    const current = this.chunks[this.index];
    if (!current || this.offset + need > current.length) {
      const next = this.index + 1;
      if (!(this.chunks[next]?.length >= need)) this.placeChunk(next, need);
      this.index = next;
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += need;
    return this.chunks[this.index].subarray(start, start + n);
  }

  /**
   * Make chunks[at] hold at least `need` floats. Chunks from `at` on are free (above
   * the stack pointer), so a big-enough one further up is swapped into place, and
   * otherwise the too-small one is replaced, never kept beside the new one:
   * inserting instead grew the arena by a chunk whenever a batch of a new shape
   * asked for more at some position (6 GB after 240 steps of real training).
   * The chunk count stays at the deepest stack seen; sizes only grow to the
   * largest requests, so allocation stops once every batch shape has been seen.
   */
  private placeChunk(at: number, need: number): void {
    let fit = -1;
    for (let i = at + 1; i < this.chunks.length; i++) {
      if (this.chunks[i].length >= need && (fit < 0 || this.chunks[i].length < this.chunks[fit].length)) fit = i;
    }
    if (fit >= 0) {
      [this.chunks[at], this.chunks[fit]] = [this.chunks[fit], this.chunks[at]];
      return;
    }
    // Huge pages for big chunks: first touches then cost far fewer page faults.
    // The chunk replaced here is freed when V8 collects it (the addon unmaps it).
    this.chunks[at] = new Float32Array(K().allocate(Math.max(need, this.chunkFloats) * 4));
    this.allocations++;
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
    this.allocations = 0;
    this.index = -1;
    this.offset = 0;
  }

  stats(): { chunks: number; capacityBytes: number; allocations: number } {
    return { chunks: this.chunks.length, capacityBytes: this.chunks.reduce((s, c) => s + c.byteLength, 0), allocations: this.allocations };
  }
}

export const arena = new Arena();
