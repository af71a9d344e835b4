/**
 * Reranking by parse: of a sentence's candidates (beams or samples, most likely
 * first), the most likely one that python3 parses becomes the answer. Done
 * after generation, over many sentences at once, because starting python3
 * costs 0.1-1 s here: one process checks every candidate of a whole eval run.
 */
import { checkPythonSyntax } from '../python/astCheck.js';

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

/** Reranks many sentences' candidates with one call of `check` (default: python3's ast.parse). */
export async function rerankByParse(
  items: readonly Candidates[],
  check: (sources: readonly string[]) => Promise<Array<{ ok: boolean }>> = checkPythonSyntax,
): Promise<Reranked[]> {
  const all = items.map((g) => [g.code, ...(g.alternatives ?? [])]);
  const results = await check(all.flat());
  let k = 0;
  return all.map((candidates) => {
    const ok = candidates.map(() => results[k++].ok);
    const { ordered: [code, ...alternatives], reranked } = parsingFirst(candidates, ok);
    return { code, alternatives, parses: ok.includes(true), reranked };
  });
}

/** Whether reranking can change anything: it needs several candidates per sentence (beams or samples). */
export function reranks(o: { rerank: boolean; beam: number; samples?: number }): boolean {
  return o.rerank && (o.beam > 1 || !!o.samples);
}

/**
 * Each generation with its code and alternatives reordered by parse (one python3
 * for all of them); `reranked` says whether the code is no longer the most likely.
 */
export async function rerankGenerations<G extends Candidates>(generations: readonly G[]): Promise<Array<G & { reranked: boolean }>> {
  const r = await rerankByParse(generations);
  return generations.map((g, i) => ({ ...g, code: r[i].code, alternatives: r[i].alternatives, reranked: r[i].reranked }));
}
