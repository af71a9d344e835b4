/**
 * CodeBLEU (Ren et al. 2020, arXiv:2009.10297) for Python, with its four parts
 * reported separately and combined with weights 0.25 each:
 *
 *  - ngram:         BLEU-4 as in the reference implementation (CodeXGLUE's
 *                   bleu.py, an NLTK copy): modified precision, closest reference
 *                   length, smoothing "method1" (a zero count becomes 0.1). 0–1.
 *  - weightedNgram: the reference's weighted_ngram_match: per-reference
 *                   n-gram *recall* (clipped matches / reference n-grams), where
 *                   unigrams are weighted 1 for Python keywords and 0.2 otherwise;
 *                   same brevity penalty and smoothing.
 *  - syntax:        share of the reference's non-leaf AST subtrees (node types
 *                   only, no identifiers or values) that also occur in the candidate.
 *  - dataflow:      share of the reference's data-flow edges (variables renamed
 *                   var_0, var_1, ... by first appearance) found in the candidate
 *                   (multiset match).
 *
 * Deviations from the reference implementation (which parses with tree-sitter):
 *  - Trees come from python3's `ast` (src/eval/python/ast_service.py). Node
 *    types are ast's (FunctionDef, BinOp...), operators appear as leaf nodes
 *    (tree-sitter hides "+" as an anonymous node), comments are never in the
 *    tree and docstrings are kept (the reference strips both first).
 *  - A candidate that does not parse contributes no subtrees and no edges (score
 *    0 for it); tree-sitter would still produce a partial tree. A reference that
 *    does not parse is skipped for those two parts and counted in `unparsable`.
 *  - The data-flow graph is a simplified one-pass version of DFG_python
 *    (loops walked once, one scope per function); see ast_service.py.
 *  - The reference combines with `dataflow or 1`, crediting 1 whenever the score
 *    is 0; here 1 is used only when the references have no data-flow edges at
 *    all (dataflow reported as null), and a real 0 stays 0.
 *  - Keywords are Python 3.11's keyword.kwlist (the reference ships its own list).
 *  - Tokenization for the two n-gram parts is the caller's `tokenize`
 *    (the reference splits on whitespace).
 */
import { pythonBatch } from './pyservice.js';

export type Tokenizer = (code: string) => string[];

/** Python 3.11 keyword.kwlist. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

type Tokens = readonly string[];

function ngramCounts(ws: Tokens, n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= ws.length; i++) {
    const k = ws.slice(i, i + n).join('\u0001');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function closestRefLen(refs: readonly Tokens[], hypLen: number): number {
  let best = refs[0].length;
  for (const r of refs) {
    const d = Math.abs(r.length - hypLen);
    const bd = Math.abs(best - hypLen);
    if (d < bd || (d === bd && r.length < best)) best = r.length;
  }
  return best;
}

/** NLTK brevity_penalty(closest_ref_len, hyp_len). */
function brevity(refLen: number, hypLen: number): number {
  if (hypLen > refLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - refLen / hypLen);
}

/**
 * NLTK-style corpus BLEU-4 as the reference implementation computes it: per-order
 * (numerator, denominator) summed over the corpus by `perOrder`, closest
 * reference length, and smoothing "method1" (a zero numerator becomes 0.1).
 */
function nltkCorpusBleu(
  hyps: readonly Tokens[],
  refs: readonly (readonly Tokens[])[],
  perOrder: (hyp: Tokens, refs: readonly Tokens[], n: number) => [number, number],
): number {
  const num = [0, 0, 0, 0];
  const den = [0, 0, 0, 0];
  let hypLen = 0;
  let refLen = 0;
  hyps.forEach((hyp, i) => {
    for (let n = 1; n <= 4; n++) {
      const [a, b] = perOrder(hyp, refs[i], n);
      num[n - 1] += a;
      den[n - 1] += b;
    }
    hypLen += hyp.length;
    refLen += closestRefLen(refs[i], hyp.length);
  });
  if (num[0] === 0) return 0;
  let s = 0;
  for (let i = 0; i < 4; i++) s += 0.25 * Math.log((num[i] === 0 ? 0.1 : num[i]) / den[i]);
  return brevity(refLen, hypLen) * Math.exp(s);
}

/** The reference's n-gram part: modified precision (clipped by the max count over references), 0–1. refs[i] = references of hyps[i]. */
export function codeBleuNgram(hyps: readonly Tokens[], refs: readonly (readonly Tokens[])[]): number {
  return nltkCorpusBleu(hyps, refs, (hyp, rs, n) => {
    const refCounts = rs.map((r) => ngramCounts(r, n));
    let clipped = 0;
    let total = 0;
    for (const [g, c] of ngramCounts(hyp, n)) {
      clipped += Math.min(c, Math.max(0, ...refCounts.map((rc) => rc.get(g) ?? 0)));
      total += c;
    }
    return [clipped, Math.max(1, total)];
  });
}

/**
 * The reference's weighted n-gram match: for each reference, clipped matches
 * over the *reference's* n-gram count (a recall), unigrams weighted 1 for
 * keywords and 0.2 otherwise; summed over references. 0–1.
 */
export function codeBleuWeightedNgram(
  hyps: readonly Tokens[],
  refs: readonly (readonly Tokens[])[],
  keywords: ReadonlySet<string> = PYTHON_KEYWORDS,
): number {
  return nltkCorpusBleu(hyps, refs, (hyp, rs, n) => {
    const counts = ngramCounts(hyp, n);
    let num = 0;
    let den = 0;
    for (const ref of rs) {
      let clipped = 0;
      let total = 0;
      for (const [g, c] of ngramCounts(ref, n)) {
        const w = n > 1 || keywords.has(g) ? 1 : 0.2;
        clipped += Math.min(c, counts.get(g) ?? 0) * w;
        total += c * w;
      }
      num += clipped;
      den += Math.max(1, total);
    }
    return [num, den];
  });
}

export interface MatchCount {
  match: number;
  total: number;
}

/** Syntax match of one candidate against one reference: reference subtrees present in the candidate (membership, as the reference does). */
export function syntaxMatchCount(candSubtrees: readonly string[], refSubtrees: readonly string[]): MatchCount {
  const cand = new Set(candSubtrees);
  return { match: refSubtrees.filter((s) => cand.has(s)).length, total: refSubtrees.length };
}

export type DataflowEdge = [string, string, string[]];

/** Data-flow match of one candidate against one reference: multiset intersection of normalized edges. */
export function dataflowMatchCount(candEdges: readonly DataflowEdge[], refEdges: readonly DataflowEdge[]): MatchCount {
  const pool = new Map<string, number>();
  for (const e of candEdges) pool.set(JSON.stringify(e), (pool.get(JSON.stringify(e)) ?? 0) + 1);
  let match = 0;
  for (const e of refEdges) {
    const k = JSON.stringify(e);
    const left = pool.get(k) ?? 0;
    if (left > 0) {
      match++;
      pool.set(k, left - 1);
    }
  }
  return { match, total: refEdges.length };
}

export interface CodeTrees {
  ok: boolean;
  subtrees?: string[];
  dfg?: DataflowEdge[];
  error?: string;
}

/** AST subtrees and normalized data-flow edges for each program (one python3 process). */
export async function codeTrees(codes: readonly string[]): Promise<CodeTrees[]> {
  return pythonBatch<{ op: 'trees'; code: string }, CodeTrees>('ast_service.py', codes.map((code) => ({ op: 'trees', code })));
}

export interface CodeBleuResult {
  codebleu: number;
  ngram: number;
  weightedNgram: number;
  syntax: number;
  /** null when the references have no data-flow edges (then 1 is used in `codebleu`, as the reference does). */
  dataflow: number | null;
  syntaxCount: MatchCount;
  dataflowCount: MatchCount;
  /** Candidates / references python3 could not parse. */
  unparsable: { candidates: number; references: number };
}

/**
 * Corpus CodeBLEU. `refs[i]` is one reference string or several for hyps[i].
 * `tokenize` turns code into tokens for the two n-gram parts.
 */
export async function codeBleu(
  hyps: readonly string[],
  refs: readonly (string | readonly string[])[],
  tokenize: Tokenizer,
  weights: readonly [number, number, number, number] = [0.25, 0.25, 0.25, 0.25],
): Promise<CodeBleuResult> {
  if (hyps.length !== refs.length) throw new Error(`codeBleu: ${hyps.length} candidates but ${refs.length} references`);
  const refLists = refs.map((r) => (typeof r === 'string' ? [r] : [...r]));
  const hypTok = hyps.map((h) => tokenize(h.trim()));
  const refTok = refLists.map((rs) => rs.map((r) => tokenize(r.trim())));
  const ngram = codeBleuNgram(hypTok, refTok);
  const weightedNgram = codeBleuWeightedNgram(hypTok, refTok);

  const flatRefs = refLists.flat();
  const trees = await codeTrees([...hyps, ...flatRefs]);
  const candTrees = trees.slice(0, hyps.length);
  const refTrees = trees.slice(hyps.length);
  const syn: MatchCount = { match: 0, total: 0 };
  const df: MatchCount = { match: 0, total: 0 };
  let k = 0;
  let badRefs = 0;
  refLists.forEach((rs, i) => {
    const c = candTrees[i];
    for (let j = 0; j < rs.length; j++, k++) {
      const r = refTrees[k];
      if (!r.ok) {
        badRefs++;
        continue;
      }
      const s = syntaxMatchCount(c.ok ? c.subtrees! : [], r.subtrees!);
      const d = dataflowMatchCount(c.ok ? c.dfg! : [], r.dfg!);
      syn.match += s.match;
      syn.total += s.total;
      df.match += d.match;
      df.total += d.total;
    }
  });
  const syntax = syn.total === 0 ? 0 : syn.match / syn.total;
  const dataflow = df.total === 0 ? null : df.match / df.total;
  const [a, b, g, t] = weights;
  return {
    codebleu: a * ngram + b * weightedNgram + g * syntax + t * (dataflow ?? 1),
    ngram,
    weightedNgram,
    syntax,
    dataflow,
    syntaxCount: syn,
    dataflowCount: df,
    unparsable: { candidates: candTrees.filter((c) => !c.ok).length, references: badRefs },
  };
}
