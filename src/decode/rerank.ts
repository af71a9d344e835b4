/**
 * Reranking by parse: of a sentence's candidates (beams or samples, most likely
 * first), the most likely one that python3 parses (compiles: a duplicate
 * argument name does not count as parsing) becomes the answer. With
 * `cut`, when none parses, the longest run of whole lines from the start of
 * the most likely candidate that parses (the program the decoder would have
 * written had it stopped there) stands in its place; the other candidates
 * follow as before, so a sentence keeps as many candidates as it had (pass@k
 * counts them). The cut is off by default: on the validation split it made
 * every output parse but cost BLEU (results/model-selection), and the lines it
 * keeps are rarely worth having. Done after generation, over many sentences at once, because
 * starting python3 costs 0.1-1 s here: one process checks every candidate of
 * a whole eval run.
 */
import { checkPythonCompiles } from '../python/astCheck.js';

export interface Candidates {
  code: string;
  alternatives?: string[];
}

export interface Reranked {
  code: string;
  alternatives: string[];
  /** Whether python3 parses the chosen code. */
  parses: boolean;
  /** Whether a less likely candidate was chosen because the best did not parse. */
  reranked: boolean;
  /** Whether, nothing parsing, the code is the most likely candidate cut to its longest parsing prefix of whole lines. */
  cut: boolean;
}

/** How many prefixes of one candidate are tried at most (outputs are up to 256 tokens, rarely more than 40 lines). */
const MAX_PREFIXES = 64;

/** The prefixes of whole lines of `code`, longest first, without `code` itself and without blank ones. */
export function linePrefixes(code: string): string[] {
  const lines = code.replace(/\s+$/, '').split('\n');
  const out: string[] = [];
  for (let n = lines.length - 1; n >= 1 && out.length < MAX_PREFIXES; n--) {
    const prefix = lines.slice(0, n).join('\n');
    if (prefix.trim()) out.push(prefix + '\n');
  }
  return out;
}

type Check = (sources: readonly string[]) => Promise<Array<{ ok: boolean }>>;

/** For each code: its longest parsing prefix of whole lines, or null when none parses (one call of `check` for all). */
export async function parsingPrefixes(codes: readonly string[], check: Check = checkPythonCompiles): Promise<Array<string | null>> {
  const prefixes = codes.map(linePrefixes);
  const results = await check(prefixes.flat());
  let k = 0;
  return prefixes.map((ps) => {
    const ok = ps.map(() => results[k++].ok);
    const first = ok.indexOf(true);
    return first < 0 ? null : ps[first];
  });
}

/**
 * The candidates (most likely first) reordered so that the first one that
 * parses leads; the others keep their order. Unchanged when the first parses
 * or none does.
 */
export function parsingFirst<T>(candidates: readonly T[], parses: readonly boolean[]): { ordered: T[]; reranked: boolean } {
  const first = parses.indexOf(true);
  if (first <= 0) return { ordered: [...candidates], reranked: false };
  return { ordered: [candidates[first], ...candidates.filter((_, i) => i !== first)], reranked: true };
}

/**
 * Reranks many sentences' candidates with two calls of `check` at most
 * (default: python3's compile(), see src/python/astCheck.ts): one for the candidates, one for the prefixes
 * of those whose candidates all fail (with `cut`).
 */
export async function rerankByParse(items: readonly Candidates[], check: Check = checkPythonCompiles, opts: { cut?: boolean } = {}): Promise<Reranked[]> {
  const all = items.map((g) => [g.code, ...(g.alternatives ?? [])]);
  const results = await check(all.flat());
  let k = 0;
  const out: Reranked[] = all.map((candidates) => {
    const ok = candidates.map(() => results[k++].ok);
    const { ordered: [code, ...alternatives], reranked } = parsingFirst(candidates, ok);
    return { code, alternatives, parses: ok.includes(true), reranked, cut: false };
  });
  if (!opts.cut) return out;
  const stuck = out.map((r, i) => (r.parses ? -1 : i)).filter((i) => i >= 0);
  const prefixes = await parsingPrefixes(stuck.map((i) => all[i][0]), check);
  stuck.forEach((i, j) => {
    const prefix = prefixes[j];
    if (prefix !== null) out[i] = { code: prefix, alternatives: all[i].slice(1), parses: true, reranked: true, cut: true };
  });
  return out;
}

/** Whether reranking can change anything: it needs several candidates per sentence (beams or samples). */
export function reranks(o: { rerank: boolean; beam: number; samples?: number }): boolean {
  return o.rerank && (o.beam > 1 || !!o.samples);
}

/**
 * Each generation with its code and alternatives reordered by parse (one python3
 * for all of them, or `opts.check`); `reranked` says whether the code is no longer the most
 * likely candidate as it stands, `cut` whether it was cut (see above).
 */
export async function rerankGenerations<G extends Candidates>(generations: readonly G[], opts: { cut?: boolean; check?: Check } = {}): Promise<Array<G & { reranked: boolean; cut: boolean }>> {
  const r = await rerankByParse(generations, opts.check ?? checkPythonCompiles, opts);
  return generations.map((g, i) => ({ ...g, code: r[i].code, alternatives: r[i].alternatives, reranked: r[i].reranked, cut: r[i].cut }));
}
