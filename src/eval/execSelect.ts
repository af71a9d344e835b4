/**
 * Choosing among candidates by execution (execution-based minimum Bayes risk,
 * as in MBR-exec, Shi et al. 2022, and CodeT's agreement without the generated
 * tests): every candidate is run on the same inputs (src/eval/execHarness.ts
 * makes its "signature": what it returned or printed, or which exception it
 * raised, on each input), candidates with equal signatures form a group, and
 * the answer is the most likely member of the largest group. Ties between
 * groups go to the group holding the most likely candidate.
 *
 * A candidate that could not be run (it fails to compile or to load, times out
 * as a whole, or is a script that prints nothing) has no signature and joins
 * no group; when no candidate has one, the most likely candidate is the answer.
 *
 * This file is the pure choice (a test gives it signatures); the inputs are
 * derived here too, from the prompt (see promptCallArguments and the harness's
 * generic inputs).
 */

export interface ExecChoice {
  /** Index of the chosen candidate (candidates are given most likely first). */
  index: number;
  /** Size of the group it came from (0 when no candidate had a signature). */
  groupSize: number;
  /** Number of distinct signatures (groups). */
  groups: number;
  /** Candidates that had a signature. */
  executed: number;
  /** Group size of each candidate (0 for one without a signature), in input order. */
  sizes: number[];
}

/**
 * The choice for one prompt: signatures[i] is candidate i's (most likely
 * first), or null when it could not be run.
 */
export function chooseByAgreement(signatures: readonly (string | null)[]): ExecChoice {
  if (signatures.length === 0) throw new Error('chooseByAgreement: no candidates');
  const count = new Map<string, number>();
  for (const s of signatures) if (s !== null) count.set(s, (count.get(s) ?? 0) + 1);
  const sizes = signatures.map((s) => (s === null ? 0 : count.get(s)!));
  let index = 0;
  // Strictly larger only: scanning most likely first, ties keep the earlier (more likely) candidate.
  for (let i = 1; i < sizes.length; i++) if (sizes[i] > sizes[index]) index = i;
  return { index, groupSize: sizes[index], groups: count.size, executed: sizes.filter((n) => n > 0).length, sizes };
}

/** Most argument lists taken from one prompt. */
const MAX_PROMPT_CALLS = 6;

/**
 * The argument texts of the calls written in a prompt, e.g. "3, [1, 2]" for
 * "... assert f(3, [1, 2]) == 6" (the MBPP protocol puts its first test in the
 * prompt). Only calls of a bare name; nested calls are found too, and the
 * harness keeps only those that are Python literals (ast.literal_eval), so
 * `set(f(x))` contributes nothing and `f((1, 2))` contributes `(1, 2)`.
 */
export function promptCallArguments(prompt: string): string[] {
  const out: string[] = [];
  for (const m of prompt.matchAll(/(?<![.\w])[A-Za-z_]\w*\s*\(/g)) {
    const start = m.index! + m[0].length;
    let depth = 1;
    let quote: string | null = null;
    let i = start;
    for (; i < prompt.length && depth > 0; i++) {
      const c = prompt[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
    }
    if (depth !== 0) continue;
    const args = prompt.slice(start, i - 1).trim();
    if (args && !out.includes(args)) out.push(args);
    if (out.length >= MAX_PROMPT_CALLS) break;
  }
  return out;
}

/** The name the prompt calls first (a hint for which function of a candidate to run), if any. */
export function promptEntryHint(prompt: string): string | undefined {
  const m = prompt.match(/\bassert\b[^\n]*?(?<![.\w])([A-Za-z_]\w*)\s*\(/);
  return m?.[1];
}
