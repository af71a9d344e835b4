/**
 * Corpus and sentence BLEU computed the way sacreBLEU 2.x does it with
 * `tokenize='none'` (the caller has already tokenized): tokens are joined by
 * spaces and re-split on whitespace, n-grams up to 4, clipped counts summed over
 * the whole corpus, closest reference length (ties: the shorter one), brevity
 * penalty exp(1 - r/c) when c < r, and the default `exp` smoothing (the k-th
 * order with zero matches gets precision 1 / (2^k * total)). Scores are 0–100.
 */

export type Smoothing = 'exp' | 'none' | 'floor';

export interface BleuOptions {
  /** sacreBLEU `smooth_method`; default 'exp'. */
  smooth?: Smoothing;
  /** sacreBLEU `smooth_value` for 'floor' (default 0.1). */
  floor?: number;
  /** Only average over the orders the hypothesis can have (sacreBLEU sentence_bleu default). */
  effectiveOrder?: boolean;
  maxOrder?: number;
}

export interface BleuStats {
  matches: number[];
  totals: number[];
  sysLen: number;
  refLen: number;
}

export interface BleuResult extends BleuStats {
  score: number;
  /** Per-order precisions (0–100) after smoothing. */
  precisions: number[];
  bp: number;
}

/** sacreBLEU's tokenize='none' sees the line split on whitespace. */
function words(tokens: readonly string[]): string[] {
  return tokens.join(' ').split(/\s+/).filter((w) => w.length > 0);
}

function ngramCounts(ws: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= ws.length; i++) {
      // \u0001 joins words: it never occurs in source-code tokens, so keys cannot collide
      const key = `${n}\u0001${ws.slice(i, i + n).join('\u0001')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function closestRefLen(hypLen: number, refLens: number[]): number {
  let best = Infinity;
  let bestLen = 0;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (diff < best || (diff === best && len < bestLen)) {
      best = diff;
      bestLen = len;
    }
  }
  return bestLen;
}

/** Sufficient statistics of one hypothesis against its references. */
export function bleuStats(hyp: readonly string[], refs: readonly (readonly string[])[], maxOrder = 4): BleuStats {
  if (refs.length === 0) throw new Error('bleuStats: at least one reference is needed');
  const h = words(hyp);
  const hypCounts = ngramCounts(h, maxOrder);
  const maxRef = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of refs) {
    const r = words(ref);
    refLens.push(r.length);
    for (const [k, c] of ngramCounts(r, maxOrder)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, c));
  }
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  for (let n = 1; n <= maxOrder; n++) totals[n - 1] = Math.max(0, h.length - n + 1);
  for (const [k, c] of hypCounts) {
    const n = Number(k.slice(0, k.indexOf('\u0001')));
    matches[n - 1] += Math.min(c, maxRef.get(k) ?? 0);
  }
  return { matches, totals, sysLen: h.length, refLen: closestRefLen(h.length, refLens) };
}

/** Adds statistics element-wise (corpus BLEU sums them over sentences). */
export function addStats(a: BleuStats, b: BleuStats): BleuStats {
  return {
    matches: a.matches.map((m, i) => m + b.matches[i]),
    totals: a.totals.map((t, i) => t + b.totals[i]),
    sysLen: a.sysLen + b.sysLen,
    refLen: a.refLen + b.refLen,
  };
}

/** BLEU from summed statistics, following sacreBLEU's compute_bleu. */
export function bleuFromStats(stats: BleuStats, opts: BleuOptions = {}): BleuResult {
  const smooth = opts.smooth ?? 'exp';
  const maxOrder = stats.matches.length;
  const precisions = new Array<number>(maxOrder).fill(0);
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    const total = stats.totals[n - 1];
    const correct = stats.matches[n - 1];
    if (total === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct === 0) {
      if (smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * (opts.floor ?? 0.1)) / total;
      }
    } else {
      precisions[n - 1] = (100 * correct) / total;
    }
  }
  let bp = 1;
  if (stats.sysLen < stats.refLen) bp = stats.sysLen > 0 ? Math.exp(1 - stats.refLen / stats.sysLen) : 0;
  // sacreBLEU's my_log(0) is -9999999999, which makes the score 0.
  const logSum = precisions.slice(0, effOrder).reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  const score = bp * Math.exp(logSum / effOrder);
  return { ...stats, score, precisions, bp };
}

/**
 * Corpus BLEU. `refs[j][i]` is the j-th reference of hypothesis i (sacreBLEU's
 * layout: one stream per reference set).
 */
export function corpusBleu(
  hyps: readonly (readonly string[])[],
  refs: readonly (readonly (readonly string[])[])[],
  opts: BleuOptions = {},
): BleuResult {
  const maxOrder = opts.maxOrder ?? 4;
  for (const stream of refs) {
    if (stream.length !== hyps.length) throw new Error(`corpusBleu: ${hyps.length} hypotheses but a reference stream has ${stream.length}`);
  }
  let acc: BleuStats = {
    matches: new Array<number>(maxOrder).fill(0),
    totals: new Array<number>(maxOrder).fill(0),
    sysLen: 0,
    refLen: 0,
  };
  hyps.forEach((h, i) => {
    acc = addStats(acc, bleuStats(h, refs.map((s) => s[i]), maxOrder));
  });
  return bleuFromStats(acc, opts);
}

/** Sentence BLEU as sacreBLEU's sentence_bleu(): exp smoothing, effective order on. */
export function sentenceBleu(hyp: readonly string[], refs: readonly (readonly string[])[], opts: BleuOptions = {}): BleuResult {
  return bleuFromStats(bleuStats(hyp, refs, opts.maxOrder ?? 4), { effectiveOrder: true, ...opts });
}
