// Helpers to report JSON problems with the line they are on.
import { UserError } from '../errors.js';

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse, with syntax errors turned into a UserError naming file and line. */
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column/.exec(msg);
    const line = lc ? firstLine + Number(lc[1]) - 1 : pos ? firstLine + lineAt(text, Number(pos[1])) - 1 : firstLine;
    throw new UserError(`${file}:${line}: invalid JSON (${msg})`);
  }
}

/** 1-based line where each element of a top-level JSON array starts. */
export function arrayItemLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { line++; continue; }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (depth === 1 && expectItem && c !== ']') { lines.push(line); expectItem = false; }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') { depth++; if (depth === 1) expectItem = true; }
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectItem = true;
  }
  return lines;
}
