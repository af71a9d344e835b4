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

/** `check` defaults to python3's ast.parse; the server passes its long-lived checker. */
export async function rerankByParse(
  items: readonly Candidates[],
  check: (sources: readonly string[]) => Promise<Array<{ ok: boolean }>> = checkPythonSyntax,
): Promise<Reranked[]> {
  const all = items.map((g) => [g.code, ...(g.alternatives ?? [])]);
  const results = await check(all.flat());
  let k = 0;
  return all.map((candidates) => {
    const ok = candidates.map(() => results[k++].ok);
    const first = ok.indexOf(true);
    if (first <= 0) return { code: candidates[0], alternatives: candidates.slice(1), parses: first === 0, reranked: false };
    return { code: candidates[first], alternatives: candidates.filter((_, i) => i !== first), parses: true, reranked: true };
  });
}
