// Reader for MBPP JSON lines ({text, code, task_id, test_list, ...} per line).
import { z } from 'zod';
import type { Pair, ReadResult } from './types.js';
import { readTextFile } from './readText.js';
import { parseJson, zodProblem } from './jsonLines.js';
import { UserError } from '../errors.js';

const Item = z.object({
  text: z.string(),
  code: z.string(),
  task_id: z.number().int(),
  test_list: z.array(z.string()),
});

export function parseMbpp(text: string, file: string): ReadResult {
  const result: ReadResult = { pairs: [], drops: [], counts: {} };
  const lines = text.split('\n');
  lines.forEach((src, k) => {
    if (src.trim() === '') return;
    const line = k + 1;
    const parsed = Item.safeParse(parseJson(src, file, line));
    if (!parsed.success) {
      throw new UserError(`${file}:${line}: expected an MBPP object {text, code, task_id, test_list}; ${zodProblem(parsed.error)}`);
    }
    const it = parsed.data;
    const code = it.code.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
    const pair: Pair = {
      id: `mbpp:${it.task_id}`,
      description: it.text.replace(/\s+/g, ' ').trim(),
      code: code === '' ? '' : code + '\n',
      source: 'mbpp',
      line,
      taskId: it.task_id,
      testList: it.test_list,
    };
    result.pairs.push(pair);
  });
  if (result.pairs.length === 0) throw new UserError(`${file}:1: no MBPP objects found, expected one JSON object per line`);
  return result;
}

export function readMbpp(file: string): ReadResult {
  return parseMbpp(readTextFile(file), file);
}
