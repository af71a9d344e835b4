// Re-indents Python code to 4 spaces per block level using the lexer's
// INDENT/DEDENT tokens (so tabs, 3-space and mixed indents are read exactly as
// Python reads them), and strips trailing whitespace. Only leading and trailing
// whitespace of lines changes; the text of every token is kept, and lines
// inside multi-line strings are left byte for byte.
import { lexPython } from '../tokenize/pyLexer.js';

/** Visual column of a line's leading whitespace (tabs to the next multiple of 8, as CPython). */
function leadingColumn(ws: string): number {
  let col = 0;
  for (const c of ws) {
    if (c === ' ') col++;
    else if (c === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else if (c === '\f') col = 0;
  }
  return col;
}

type LineKind = 'start' | 'comment' | 'continuation' | 'inString';

/** Re-indented code ending with one newline. Throws PyTokenizeError when the code cannot be lexed. */
export function reindentPython(code: string): string {
  const tokens = lexPython(code, { comments: true });
  const lines = code.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const kind: LineKind[] = lines.map(() => 'continuation');
  const depthOf: number[] = lines.map(() => 0);
  const keepTrailing: boolean[] = lines.map(() => false);
  let depth = 0;
  let atStatementStart = true;
  const commentLines: number[] = [];
  for (const t of tokens) {
    if (t.type === 'INDENT') { depth++; continue; }
    if (t.type === 'DEDENT') { depth--; continue; }
    if (t.type === 'NEWLINE') { atStatementStart = true; continue; }
    if (t.type === 'NL') continue;
    if (t.type === 'STRING' && t.endLine > t.line) {
      for (let l = t.line + 1; l <= t.endLine; l++) kind[l - 1] = 'inString';
      keepTrailing[t.line - 1] = true; // the line ends inside the string
      for (let l = t.line; l < t.endLine; l++) keepTrailing[l - 1] = true;
    }
    if (!atStatementStart) continue;
    if (t.type === 'COMMENT') {
      if (kind[t.line - 1] !== 'inString') { kind[t.line - 1] = 'comment'; commentLines.push(t.line - 1); }
      continue;
    }
    // First token of a logical line: a leading multi-line string line keeps its own start line kind.
    if (kind[t.line - 1] !== 'inString') {
      kind[t.line - 1] = 'start';
      depthOf[t.line - 1] = depth;
    }
    atStatementStart = false;
  }
  // A comment-only line takes the indentation of the next statement (0 after the last one).
  for (const i of commentLines) {
    let j = i + 1;
    while (j < lines.length && kind[j] !== 'start') j++;
    depthOf[i] = j < lines.length ? depthOf[j] : 0;
  }
  const out: string[] = [];
  let shift = 0; // how far the current logical line moved; its continuation lines move with it
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (kind[i] === 'inString') { out.push(keepTrailing[i] ? line : line.replace(/\s+$/, '')); continue; }
    const m = /^[ \t\f]*/.exec(line)!;
    const body = line.slice(m[0].length);
    const rest = keepTrailing[i] ? body : body.replace(/\s+$/, '');
    if (rest === '') { out.push(''); continue; }
    const oldCol = leadingColumn(m[0]);
    let newCol: number;
    if (kind[i] === 'start') {
      newCol = 4 * depthOf[i];
      shift = newCol - oldCol;
    } else if (kind[i] === 'comment') {
      newCol = 4 * depthOf[i];
    } else {
      newCol = Math.max(0, oldCol + shift);
    }
    out.push(' '.repeat(newCol) + rest);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
