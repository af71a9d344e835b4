/**
 * Decontamination (issue 18): nothing that nearly matches an evaluated item may
 * enter a training set. The evaluated items are
 * - english-python: the validation and test pairs of the English→Python set's
 *   default split (seed 1, 10% / 10%, grouped: src/data/split.ts);
 * - mbpp: MBPP's test tasks 11-510;
 * - humaneval: HumanEval's 164 problems (prompt + canonical solution);
 * - en2py-bench: the team's benchmarks/en2py-bench.jsonl (prompt + reference).
 *
 * A training pair is contaminated by an item when ANY of:
 * - its description has the same grouping key as the item's (split.ts's descriptionKey:
 *   lower-case, no punctuation, no "write a python function to" opening), or the
 *   word sets of the two keys have Jaccard similarity >= DESCRIPTION_JACCARD (0.7;
 *   the opening is removed first, so that it alone never makes two descriptions
 *   alike). 0.7 rather than the benchmark check's 0.8: on the first full build the
 *   pairs between 0.7 and 0.8 were the same task reworded ("determine whether a
 *   given year is a leap year" / "Check Whether a Given Year is a Leap Year",
 *   "calculate the Surface Area of a Cube" / "find the surface area of a cube"),
 *   while below 0.7 unrelated tasks appear ("convert a string to camelcase" /
 *   "convert tuple to a string", 0.67);
 * - its code has the same tokens (split.ts's codeKey), or the sets of 5-token
 *   shingles of the two codes have Jaccard similarity >= CODE_JACCARD (0.7).
 * A corpus FILE is contaminated when it contains an item's code: at least
 * FILE_CONTAINMENT (0.8) of the item's shingles occur in the file, for items of
 * at least FILE_MIN_SHINGLES (20) distinct shingles. Smaller items (one-line
 * snippets such as `print(a + b)`) would match thousands of files on common
 * idioms alone; they are checked against every pair (the functions the corpus
 * yields), not against whole files.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { repoRoot } from '../../paths.js';
import { benchmarkPath, readBenchmark } from '../../eval/benchmark.js';
import { readHumanEval, readMbpp } from '../../eval/tasks.js';
import { lexPython } from '../../tokenize/pyLexer.js';
import { loadCleanPairs } from '../load.js';
import { resolveDataPath } from '../resolve.js';
import { descriptionKey, splitPairs } from '../split.js';
import { functionsValidation, readFunctions } from '../functions.js';
import { SetIndex } from './setIndex.js';
import { shingleSet, tokenHashes, wordHashes } from './shingles.js';

export const DESCRIPTION_JACCARD = 0.7;
export const CODE_JACCARD = 0.7;
export const FILE_CONTAINMENT = 0.8;
export const FILE_MIN_SHINGLES = 20;

// mbpp-valid and functions-valid choose models (issue 19), so they are held out as well.
export const EVAL_SETS = ['english-python', 'mbpp', 'mbpp-valid', 'humaneval', 'en2py-bench', 'functions-valid'] as const;
export type EvalSet = (typeof EVAL_SETS)[number];

export interface EvalItem {
  set: EvalSet;
  id: string;
  description: string;
  code: string;
}

export interface Contamination {
  set: EvalSet;
  id: string;
  /** What matched: the description, the code, or (files) the item's code inside the file. */
  by: 'description' | 'code' | 'file';
  similarity: number;
}

/** Code shingles, or an empty set when the lexer rejects the code (it then matches nothing by code). */
export function codeShingles(code: string): Set<number> {
  try {
    return shingleSet(tokenHashes(lexPython(code)));
  } catch {
    return new Set();
  }
}

/** The words of a description's grouping key (no "write a python function to" opening). */
export function descriptionWords(description: string): Set<number> {
  return wordHashes(descriptionKey(description));
}

export class Decontaminator {
  private readonly items: EvalItem[] = [];
  private readonly descKeys = new Map<string, number>();
  private readonly codeExact = new Map<string, number>();
  private readonly words = new SetIndex();
  private readonly code = new SetIndex();
  /** Items per evaluation set. */
  readonly sizes: Record<string, number> = {};

  constructor(items: readonly EvalItem[]) {
    for (const it of items) {
      const n = this.items.length;
      this.items.push(it);
      this.sizes[it.set] = (this.sizes[it.set] ?? 0) + 1;
      const key = descriptionKey(it.description);
      if (key !== '' && !this.descKeys.has(key)) this.descKeys.set(key, n);
      const tokens = codeTokenKey(it.code);
      if (tokens !== null && !this.codeExact.has(tokens)) this.codeExact.set(tokens, n);
      // SetIndex numbers sets in order, so set number n is item n in both indexes.
      this.words.add(descriptionWords(it.description));
      this.code.add(codeShingles(it.code));
    }
  }

  private hit(n: number, by: Contamination['by'], similarity: number): Contamination {
    return { set: this.items[n].set, id: this.items[n].id, by, similarity };
  }

  /** Why a pair may not be trained on, or null. `shingles` may be passed when already computed. */
  checkPair(description: string, code: string, shingles?: ReadonlySet<number>): Contamination | null {
    const key = descriptionKey(description);
    const exactDesc = this.descKeys.get(key);
    if (key !== '' && exactDesc !== undefined) return this.hit(exactDesc, 'description', 1);
    const tokens = codeTokenKey(code);
    const exactCode = tokens === null ? undefined : this.codeExact.get(tokens);
    if (exactCode !== undefined) return this.hit(exactCode, 'code', 1);
    const d = this.words.bestJaccard(wordHashes(key), DESCRIPTION_JACCARD);
    if (d) return this.hit(d.id, 'description', d.similarity);
    const c = this.code.bestJaccard(shingles ?? codeShingles(code), CODE_JACCARD);
    if (c) return this.hit(c.id, 'code', c.similarity);
    return null;
  }

  /** Whether a whole source file contains an evaluated item's code (see the header). */
  checkFile(shingles: ReadonlySet<number>): Contamination | null {
    const c = this.code.bestContained(shingles, FILE_CONTAINMENT, FILE_MIN_SHINGLES);
    return c ? this.hit(c.id, 'file', c.containment) : null;
  }
}

/** split.ts's codeKey, but null when the code does not lex (raw text would match nothing useful). */
function codeTokenKey(code: string): string | null {
  try {
    const toks = lexPython(code);
    return toks.length === 0 ? null : toks.map((t) => `${t.type[0]}${t.value}`).join('\u0001');
  } catch {
    return null;
  }
}

/** HumanEval's description: the prompt's docstring up to its examples. */
export function humanEvalDescription(prompt: string): string {
  const m = /("""|''')([\s\S]*?)\1/.exec(prompt);
  const doc = m ? m[2] : prompt;
  return doc.split(/>>>|\bfor example\b|\bexample\b/i)[0].replace(/\s+/g, ' ').trim();
}

export interface EvalSources {
  /** The English→Python data file (default: as every command finds it, src/data/resolve.ts). */
  data?: string;
  mbpp?: string;
  humaneval?: string;
  bench?: string;
  /** The shared functions/ folder, whose validation slice is held out. */
  functions?: string;
  /** Leave the English→Python set out (a training run passes its own held-out pairs instead). */
  skipEnglishPython?: boolean;
  /**
   * Skip MBPP or HumanEval when its file is missing, naming it in `missing`, instead of
   * failing (training from a clone without ../shared/data; the corpus build never skips).
   */
  missing?: string[];
}

function sharedFile(...parts: string[]): string {
  return path.resolve(repoRoot, '..', 'shared', 'data', ...parts);
}

/** Reads every evaluated item; a missing file is a UserError saying which flag gives it. */
export async function loadEvalItems(src: EvalSources = {}): Promise<EvalItem[]> {
  const need = (file: string, what: string, flag: string): string | null => {
    if (existsSync(file)) return file;
    if (src.missing) { src.missing.push(file); return null; }
    throw new UserError(`${file}: no such file (${what}, needed for decontamination); give it with ${flag}`);
  };
  const items: EvalItem[] = [];
  if (!src.skipEnglishPython) {
    const cleaned = await loadCleanPairs(resolveDataPath({ data: src.data }), { format: 'english-python' });
    const split = splitPairs(cleaned.pairs);
    for (const p of [...split.valid, ...split.test]) items.push({ set: 'english-python', id: p.id, description: p.description, code: p.code });
  }
  const mbpp = need(src.mbpp ?? sharedFile('mbpp', 'mbpp.jsonl'), 'MBPP', '--mbpp');
  for (const t of mbpp === null ? [] : readMbpp(mbpp)) {
    if (t.taskId >= 11 && t.taskId <= 510) items.push({ set: 'mbpp', id: `mbpp:${t.taskId}`, description: t.text, code: t.code });
    if (t.taskId >= 511 && t.taskId <= 600) items.push({ set: 'mbpp-valid', id: `mbpp:${t.taskId}`, description: t.text, code: t.code });
  }
  const functions = need(src.functions ?? sharedFile('functions'), 'the shared functions/ set', '--functions');
  for (const p of functions === null ? [] : functionsValidation(readFunctions(functions).pairs)) {
    items.push({ set: 'functions-valid', id: p.id, description: p.description, code: p.code });
  }
  const humaneval = need(src.humaneval ?? sharedFile('humaneval', 'HumanEval.jsonl'), 'HumanEval', '--humaneval');
  for (const t of humaneval === null ? [] : readHumanEval(humaneval)) {
    items.push({ set: 'humaneval', id: t.taskId, description: humanEvalDescription(t.prompt), code: t.prompt + t.canonicalSolution });
  }
  for (const p of readBenchmark(src.bench ?? benchmarkPath())) {
    items.push({ set: 'en2py-bench', id: p.id, description: p.prompt, code: p.reference });
  }
  return items;
}
