/**
 * Reader for the shared functions/ set (../shared/data/functions/*.jsonl, issue 18):
 * English description → Python function pairs from TheAlgorithms/Python,
 * keon/algorithms, exercism/python and 30-seconds-of-python, most with unit
 * tests that passed against the code. One JSON object a line:
 *   {source, id, nl, nl_instruction?, code, tests?, license, origin, ...}
 * The description is `nl_instruction` ("Write a Python function to count …",
 * the English→Python set's style) where the set made that rewrite, else `nl`.
 * `license` and `origin` stay with every pair (MIT needs the repository's
 * notice, CC BY 4.0 needs credit: docs/data-card.md), `tests` become `testList`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { parseJson, zodProblem } from './jsonLines.js';
import { readTextFile } from './readText.js';
import type { ReadResult } from './types.js';

const Item = z.object({
  source: z.string().min(1),
  id: z.string().min(1),
  nl: z.string().trim().min(1),
  nl_instruction: z.string().nullable().optional(),
  code: z.string().min(1),
  tests: z.array(z.string()).optional(),
  license: z.string().min(1),
  origin: z.string().min(1),
});

/** Pairs of one functions/ jsonl file; a malformed line is a UserError naming file:line and what was expected. */
export function parseFunctions(text: string, file: string): ReadResult {
  const result: ReadResult = { pairs: [], drops: [], counts: { withTests: 0, instructionRewrite: 0 } };
  const seen = new Map<string, number>();
  text.split('\n').forEach((src, k) => {
    if (src.trim() === '') return;
    const line = k + 1;
    const parsed = Item.safeParse(parseJson(src, file, line));
    if (!parsed.success) {
      throw new UserError(`${file}:${line}: expected a functions/ object {source, id, nl, code, license, origin, tests?}; ${zodProblem(parsed.error)}`);
    }
    const it = parsed.data;
    const earlier = seen.get(it.id);
    if (earlier !== undefined) throw new UserError(`${file}:${line}: duplicate id "${it.id}" (first on line ${earlier}), expected unique ids`);
    seen.set(it.id, line);
    const instruction = it.nl_instruction?.trim();
    if (instruction) result.counts.instructionRewrite++;
    const tests = (it.tests ?? []).filter((t) => t.trim() !== '');
    if (tests.length > 0) result.counts.withTests++;
    const code = it.code.replace(/\r\n?/g, '\n').replace(/\s+$/, '') + '\n';
    result.pairs.push({
      id: `functions:${it.id}`,
      description: (instruction || it.nl).replace(/\s+/g, ' ').trim(),
      code,
      source: 'functions',
      line,
      license: it.license,
      origin: it.origin,
      ...(tests.length > 0 && { testList: tests }),
    });
  });
  if (result.pairs.length === 0) throw new UserError(`${file}:1: no pairs found, expected one functions/ JSON object per line`);
  return result;
}

/** The .jsonl files of a functions/ folder (sorted), or the one file given. */
export function functionsFiles(given: string): string[] {
  let st;
  try {
    st = statSync(given);
  } catch (err) {
    throw new UserError(`${given}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected the functions/ folder or one of its .jsonl files`);
  }
  if (!st.isDirectory()) return [given];
  const files = readdirSync(given).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(given, f));
  if (files.length === 0) throw new UserError(`${given}: no .jsonl files, expected the functions/ folder`);
  return files;
}

/** Every pair of the folder (or file), in file order; counts add up over the files. */
export function readFunctions(given: string): ReadResult & { files: string[] } {
  const files = functionsFiles(given);
  const out: ReadResult & { files: string[] } = { pairs: [], drops: [], counts: { files: files.length }, files };
  for (const file of files) {
    const r = parseFunctions(readTextFile(file), file);
    out.pairs.push(...r.pairs);
    for (const [k, v] of Object.entries(r.counts)) out.counts[k] = (out.counts[k] ?? 0) + v;
  }
  return out;
}

/** Every this many'th tested pair (by id) is held out for validation. */
export const FUNCTIONS_VALID_EVERY = 10;

/**
 * The validation slice of the shared functions/ pairs (issue 19): every
 * FUNCTIONS_VALID_EVERY'th pair with tests, by id. Training never sees it (it is a
 * decontamination set, src/data/corpus/decontaminate.ts), so models, sizes and
 * decodings can be chosen by how many of its functions pass their tests.
 */
export function functionsValidation<T extends { id: string; testList?: string[] }>(pairs: readonly T[]): T[] {
  return pairs.filter((p) => p.testList?.length).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).filter((_, i) => i % FUNCTIONS_VALID_EVERY === 0);
}
