// Reader for the English→Python text format (english_python_data.txt): samples
// are a run of column-0 `#` description lines followed by code. Rule (as in the
// data's SOURCE.md): a sample starts at a column-0 `#` line that is the first
// line or follows a blank/whitespace-only line; the `#` lines right after it are
// the description; the code runs to the next start. With `splitGlued` (default),
// a column-0 `# write …`/`# python …` line right after a code line also starts a
// sample (the blank line between two samples was lost in the file).
import type { ReadResult } from './types.js';
import { readTextFile } from './readText.js';
import { UserError } from '../errors.js';

export interface EnglishPythonOptions {
  splitGlued?: boolean;
}

const GLUED_START = /^#\s*(write|python)\b/i;

/** Description text from its `#` lines: hash marks dropped, lines joined, spaces collapsed. */
export function joinDescription(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/^#+/, '').trim()).filter((l) => l !== '').join(' ').replace(/\s+/g, ' ').trim();
}

/** Split the text of an English→Python file into pairs. `file` is used in messages and ids. */
export function parseEnglishPython(text: string, file: string, options: EnglishPythonOptions = {}): ReadResult {
  const splitGlued = options.splitGlued ?? true;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const isBlank = (i: number) => lines[i].trim() === '';
  const starts: number[] = [];
  let glued = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('#')) continue;
    if (i === 0 || isBlank(i - 1)) starts.push(i);
    else if (splitGlued && GLUED_START.test(lines[i]) && !lines[i - 1].startsWith('#')) {
      starts.push(i);
      glued++;
    }
  }
  if (starts.length === 0) {
    throw new UserError(`${file}:1: no sample found, expected description lines starting with '#' at column 0 followed by code`);
  }
  const result: ReadResult = { pairs: [], drops: [], counts: { splitGlued: glued, multiLineDescriptions: 0 } };
  // Lines before the first description cannot belong to a sample: count them, do not lose them silently.
  const preamble = lines.slice(0, starts[0]).findIndex((l) => l.trim() !== '');
  if (preamble >= 0) {
    result.drops.push({ line: preamble + 1, reason: 'code_before_first_description', message: 'code before the first # description line' });
  }
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s];
    const end = s + 1 < starts.length ? starts[s + 1] : lines.length;
    let i = start;
    while (i < end && lines[i].startsWith('#')) i++;
    const descLines = lines.slice(start, i);
    if (descLines.length > 1) result.counts.multiLineDescriptions++;
    let first = i;
    while (first < end && lines[first].trim() === '') first++;
    const code = lines.slice(first, end).join('\n').replace(/\s+$/, '');
    result.pairs.push({
      id: `english-python:${start + 1}`,
      description: joinDescription(descLines),
      code: code === '' ? '' : code + '\n',
      source: 'english-python',
      line: start + 1,
      ...(first < end ? { codeLine: first + 1 } : {}),
    });
  }
  return result;
}

export function readEnglishPython(file: string, options: EnglishPythonOptions = {}): ReadResult {
  return parseEnglishPython(readTextFile(file), file, options);
}
