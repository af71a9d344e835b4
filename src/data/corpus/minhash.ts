/**
 * Near-duplicate detection with MinHash signatures and LSH banding.
 *
 * Written here rather than taken from npm: the packages there (`minhash`,
 * last released 2018; `@agtabesh/lsh` 0.1.0) hash strings one at a time
 * with per-call allocations, while the corpus needs millions of 32-bit
 * shingle hashes signed in typed arrays; the whole method is ~60 lines.
 *
 * NUM_HASHES = 64 min-hashes (one multiply-xorshift mix per seed), cut into
 * BANDS = 16 bands of 4 rows: two sets with Jaccard 0.8 share a band with
 * probability 1 - (1 - 0.8^4)^16 ≈ 0.9998, at 0.5 with ≈ 0.64. A candidate is a
 * near-duplicate when its signatures agree on >= NEAR_DUPLICATE_JACCARD (0.8)
 * of the 64 positions (the estimate of their Jaccard similarity; standard
 * error about 0.05 at 0.8).
 */
export const NUM_HASHES = 64;
export const BANDS = 16;
export const ROWS = NUM_HASHES / BANDS;
export const NEAR_DUPLICATE_JACCARD = 0.8;
const BUCKET_CAP = 8;

const SEEDS = (() => {
  const s = new Uint32Array(NUM_HASHES);
  let x = 0x2545f491;
  for (let i = 0; i < NUM_HASHES; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    s[i] = x >>> 0;
  }
  return s;
})();

/** The MinHash signature of a set of 32-bit hashes (all 0xffffffff for an empty set). */
export function signature(set: Iterable<number>): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  for (const v of set) {
    for (let i = 0; i < NUM_HASHES; i++) {
      let h = (v ^ SEEDS[i]) >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
      h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/** Share of positions where two signatures agree: the estimate of the sets' Jaccard similarity. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < NUM_HASHES; i++) if (a[i] === b[i]) same++;
  return same / NUM_HASHES;
}

/** An LSH index of the signatures kept so far; `findOrAdd` keeps the first of near-duplicates. */
export class LshIndex {
  private readonly bands: Map<string, number[]>[] = Array.from({ length: BANDS }, () => new Map());
  private readonly sigs: Uint32Array[] = [];

  get size(): number {
    return this.sigs.length;
  }

  /** The number of an earlier signature with estimated Jaccard >= threshold, or -1 after adding this one. */
  findOrAdd(sig: Uint32Array, threshold = NEAR_DUPLICATE_JACCARD): number {
    const keys: string[] = [];
    const tried = new Set<number>();
    for (let b = 0; b < BANDS; b++) {
      const key = Array.prototype.join.call(sig.subarray(b * ROWS, (b + 1) * ROWS), ',') as string;
      keys.push(key);
      for (const other of this.bands[b].get(key) ?? []) {
        if (tried.has(other)) continue;
        tried.add(other);
        if (estimatedJaccard(sig, this.sigs[other]) >= threshold) return other;
      }
    }
    const id = this.sigs.length;
    this.sigs.push(sig);
    // A bucket keeps at most BUCKET_CAP signatures: bounded work per lookup on very common bands
    // (e.g. empty __init__ files), at the cost of a missed near-duplicate in such a crowded bucket.
    keys.forEach((k, b) => {
      const list = this.bands[b].get(k);
      if (!list) this.bands[b].set(k, [id]);
      else if (list.length < BUCKET_CAP) list.push(id);
    });
    return -1;
  }
}
