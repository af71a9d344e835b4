/**
 * Exact set similarity against a small, fixed collection (the ~1,500 evaluated
 * items): an inverted index from element to the sets holding it, so a query
 * touches only the sets it shares an element with. Scores are exact (no
 * sampling), so a stated threshold means what it says.
 */
export class SetIndex {
  private readonly postings = new Map<number, number[]>();
  private readonly sizes: number[] = [];
  private counts = new Int32Array(16);

  /** Adds a set; returns its number. */
  add(set: ReadonlySet<number>): number {
    const id = this.sizes.length;
    this.sizes.push(set.size);
    for (const e of set) {
      const list = this.postings.get(e);
      if (list) list.push(id); else this.postings.set(e, [id]);
    }
    if (this.counts.length < this.sizes.length) {
      const grown = new Int32Array(this.sizes.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    return id;
  }

  get size(): number {
    return this.sizes.length;
  }

  /** Size of set `id`. */
  setSize(id: number): number {
    return this.sizes[id];
  }

  /** For each indexed set sharing an element with `query`: how many elements they share. */
  overlaps(query: Iterable<number>): Map<number, number> {
    const touched: number[] = [];
    for (const e of query) {
      const list = this.postings.get(e);
      if (!list) continue;
      for (const id of list) {
        if (this.counts[id] === 0) touched.push(id);
        this.counts[id]++;
      }
    }
    const out = new Map<number, number>();
    for (const id of touched) {
      out.set(id, this.counts[id]);
      this.counts[id] = 0;
    }
    return out;
  }

  /** The indexed set most Jaccard-similar to `query` with similarity >= threshold, or null. */
  bestJaccard(query: ReadonlySet<number>, threshold: number): { id: number; similarity: number } | null {
    let best: { id: number; similarity: number } | null = null;
    for (const [id, common] of this.overlaps(query)) {
      const sim = common / (query.size + this.sizes[id] - common);
      if (sim >= threshold && (!best || sim > best.similarity)) best = { id, similarity: sim };
    }
    return best;
  }

  /**
   * The indexed set (of at least `minSize` elements) most contained in `query`:
   * |set ∩ query| / |set| >= threshold (a file that holds an evaluated function).
   */
  bestContained(query: Iterable<number>, threshold: number, minSize: number): { id: number; containment: number } | null {
    let best: { id: number; containment: number } | null = null;
    for (const [id, common] of this.overlaps(query)) {
      if (this.sizes[id] < minSize) continue;
      const c = common / this.sizes[id];
      if (c >= threshold && (!best || c > best.containment)) best = { id, containment: c };
    }
    return best;
  }
}
