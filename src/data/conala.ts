// Reader for CoNaLa curated JSON (a JSON array of {intent, rewritten_intent,
// snippet, question_id}). The description is rewritten_intent, or intent when
// rewritten_intent is null or empty.
import { z } from 'zod';
import type { ReadResult } from './types.js';
import { readTextFile } from './readText.js';
import { arrayItemLines, parseJson, zodProblem } from './jsonLines.js';
import { UserError } from '../errors.js';

const Item = z.object({
  intent: z.string(),
  rewritten_intent: z.string().nullable().optional(),
  snippet: z.string(),
  question_id: z.union([z.number(), z.string()]),
});

export function parseConala(text: string, file: string): ReadResult {
  const data = parseJson(text, file);
  if (!Array.isArray(data)) throw new UserError(`${file}:1: expected a JSON array of CoNaLa items`);
  const lines = arrayItemLines(text);
  const result: ReadResult = { pairs: [], drops: [], counts: { usedIntentFallback: 0 } };
  const seen = new Map<string, number>();
  data.forEach((raw, k) => {
    const line = lines[k] ?? 1;
    const parsed = Item.safeParse(raw);
    if (!parsed.success) {
      throw new UserError(`${file}:${line}: item ${k}: expected {intent, rewritten_intent, snippet, question_id}; ${zodProblem(parsed.error)}`);
    }
    const it = parsed.data;
    const rewritten = it.rewritten_intent?.trim();
    if (!rewritten) result.counts.usedIntentFallback++;
    const qid = String(it.question_id);
    const n = seen.get(qid) ?? 0;
    seen.set(qid, n + 1);
    const code = it.snippet.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
    result.pairs.push({
      id: `conala:${qid}:${n}`,
      description: (rewritten || it.intent).replace(/\s+/g, ' ').trim(),
      code: code === '' ? '' : code + '\n',
      source: 'conala',
      line,
    });
  });
  return result;
}

export function readConala(file: string): ReadResult {
  return parseConala(readTextFile(file), file);
}
