// A Python 3 lexer written after CPython's Lib/tokenize.py (3.11): the same
// line-by-line loop, the same rules for indentation (tabs advance to the next
// multiple of 8), bracket and backslash continuation, and for blank and
// comment-only lines (they never change indentation). Unlike tokenize.py it
// throws PyTokenizeError instead of yielding ERRORTOKEN.

export type PyTokenType =
  | 'NAME' | 'NUMBER' | 'STRING' | 'OP' | 'COMMENT' | 'NL' | 'NEWLINE' | 'INDENT' | 'DEDENT';

export interface PyToken {
  type: PyTokenType;
  /** Source text; '' for NEWLINE, NL, INDENT and DEDENT (their meaning is their type). */
  value: string;
  /** 1-based line and 0-based column where the token starts (as tokenize.py). */
  line: number;
  col: number;
  /** Line where the token ends (differs from `line` for multi-line strings). */
  endLine: number;
}

export class PyTokenizeError extends Error {
  constructor(message: string, readonly line: number, readonly col: number) {
    super(`line ${line}, column ${col + 1}: ${message}`);
    this.name = 'PyTokenizeError';
  }
}

export interface LexOptions {
  /** Keep COMMENT tokens and NL tokens (non-logical line ends). Default false. */
  comments?: boolean;
}

const TABSIZE = 8;

const NUM = String.raw`(?:[0-9](?:_?[0-9])*)`;
const EXP = String.raw`(?:[eE][-+]?${NUM})`;
const POINTFLOAT = String.raw`(?:${NUM}\.(?:${NUM})?|\.${NUM})${EXP}?`;
const EXPFLOAT = String.raw`${NUM}${EXP}`;
const FLOAT = `(?:${POINTFLOAT}|${EXPFLOAT})`;
const IMAG = String.raw`(?:${FLOAT}[jJ]|${NUM}[jJ])`;
const INT = String.raw`(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?0)*|[1-9](?:_?[0-9])*)`;
const NUMBER_RE = new RegExp(`${IMAG}|${FLOAT}|${INT}`, 'y');
const NAME_RE = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
// All string prefixes Python 3 accepts, in any letter case.
const PREFIX = '(?:[rR][bBfF]?|[bBfF][rR]?|[uU])?';
const STRING_START_RE = new RegExp(`${PREFIX}('''|"""|'|")`, 'y');
// Longest operators first so that `**=` wins over `**` and `*`.
export const PY_OPERATORS: readonly string[] = [
  '**=', '//=', '>>=', '<<=', '...', '!=', '%=', '&=', '**', '*=', '+=', '-=', '->', '//', '/=', ':=',
  '<<', '<=', '==', '>=', '>>', '@=', '^=', '|=',
  '(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>',
  '=', '@',
];
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

/** End of a single-quoted string body: stops at the closing quote or a newline. */
function scanSingle(line: string, pos: number, quote: string): { end: number; closed: boolean } {
  let i = pos;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') {
      if (i + 1 >= line.length) return { end: i + 1, closed: false };
      i += 2;
      continue;
    }
    if (c === quote) return { end: i + 1, closed: true };
    if (c === '\n' || c === '\r') return { end: i, closed: false };
    i++;
  }
  return { end: i, closed: false };
}

/** Index just past the closing triple quote in `text` from `pos`, or -1. */
function scanTriple(text: string, pos: number, quote: string): number {
  let i = pos;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === quote[0] && text.startsWith(quote, i)) return i + 3;
    i++;
  }
  return -1;
}

function splitLines(source: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\n') { lines.push(source.slice(start, i + 1)); start = i + 1; }
  }
  if (start < source.length) lines.push(source.slice(start));
  return lines;
}

/** Lex Python source into tokens. Throws PyTokenizeError on input Python could not tokenize. */
export function lexPython(source: string, options: LexOptions = {}): PyToken[] {
  const keepComments = options.comments ?? false;
  const out: PyToken[] = [];
  const lines = splitLines(source);
  const indents = [0];
  const brackets: { ch: string; line: number; col: number }[] = [];
  let continued = false;
  // A string that spans lines: its text so far, where it started, its quote and kind.
  let cont: { text: string; line: number; col: number; quote: string; triple: boolean } | null = null;
  let lastLine = '';
  let lnum = 0;

  for (const line of lines) {
    lnum++;
    lastLine = line;
    let pos = 0;
    const max = line.length;

    if (cont) {
      const end = cont.triple ? scanTriple(line, 0, cont.quote) : scanSingle(line, 0, cont.quote).end;
      const closed = cont.triple ? end >= 0 : scanSingle(line, 0, cont.quote).closed;
      if (closed) {
        out.push({ type: 'STRING', value: cont.text + line.slice(0, end), line: cont.line, col: cont.col, endLine: lnum });
        pos = end;
        cont = null;
      } else if (!cont.triple && !/\\\r?\n$/.test(line)) {
        throw new PyTokenizeError('unterminated string literal', cont.line, cont.col);
      } else {
        cont.text += line;
        continue;
      }
    } else if (brackets.length === 0 && !continued) {
      // A new logical line: measure its indentation.
      let column = 0;
      while (pos < max) {
        const c = line[pos];
        if (c === ' ') column++;
        else if (c === '\t') column = (Math.floor(column / TABSIZE) + 1) * TABSIZE;
        else if (c === '\f') column = 0;
        else break;
        pos++;
      }
      if (pos === max) continue; // whitespace-only last line
      const c = line[pos];
      if (c === '#' || c === '\r' || c === '\n') {
        if (keepComments) {
          if (c === '#') {
            const text = line.slice(pos).replace(/[\r\n]+$/, '');
            out.push({ type: 'COMMENT', value: text, line: lnum, col: pos, endLine: lnum });
          }
          out.push({ type: 'NL', value: '', line: lnum, col: pos, endLine: lnum });
        }
        continue;
      }
      if (column > indents[indents.length - 1]) {
        indents.push(column);
        out.push({ type: 'INDENT', value: '', line: lnum, col: 0, endLine: lnum });
      }
      while (column < indents[indents.length - 1]) {
        if (!indents.includes(column)) {
          throw new PyTokenizeError('unindent does not match any outer indentation level', lnum, pos);
        }
        indents.pop();
        out.push({ type: 'DEDENT', value: '', line: lnum, col: pos, endLine: lnum });
      }
    } else {
      continued = false;
    }

    while (pos < max) {
      const c = line[pos];
      if (c === ' ' || c === '\t' || c === '\f') { pos++; continue; }
      if (c === '\r' || c === '\n') {
        if (brackets.length > 0) {
          if (keepComments) out.push({ type: 'NL', value: '', line: lnum, col: pos, endLine: lnum });
        } else {
          out.push({ type: 'NEWLINE', value: '', line: lnum, col: pos, endLine: lnum });
        }
        break;
      }
      if (c === '#') {
        const text = line.slice(pos).replace(/[\r\n]+$/, '');
        if (keepComments) out.push({ type: 'COMMENT', value: text, line: lnum, col: pos, endLine: lnum });
        pos += text.length;
        continue;
      }
      if (c === '\\') {
        if (/^\\\r?\n$/.test(line.slice(pos))) { continued = true; pos = max; break; }
        if (pos + 1 === max) { continued = true; pos = max; break; } // backslash at end of file: error below
        throw new PyTokenizeError('unexpected character after line continuation character', lnum, pos);
      }
      // Numbers (also ".5"), before names and operators.
      if ((c >= '0' && c <= '9') || (c === '.' && line[pos + 1] >= '0' && line[pos + 1] <= '9')) {
        NUMBER_RE.lastIndex = pos;
        const m = NUMBER_RE.exec(line)!;
        out.push({ type: 'NUMBER', value: m[0], line: lnum, col: pos, endLine: lnum });
        pos += m[0].length;
        continue;
      }
      STRING_START_RE.lastIndex = pos;
      const sm = STRING_START_RE.exec(line);
      if (sm) {
        const quote = sm[1];
        const bodyStart = pos + sm[0].length;
        if (quote.length === 3) {
          const end = scanTriple(line, bodyStart, quote);
          if (end >= 0) {
            out.push({ type: 'STRING', value: line.slice(pos, end), line: lnum, col: pos, endLine: lnum });
            pos = end;
            continue;
          }
          cont = { text: line.slice(pos), line: lnum, col: pos, quote, triple: true };
          break;
        }
        const { end, closed } = scanSingle(line, bodyStart, quote);
        if (closed) {
          out.push({ type: 'STRING', value: line.slice(pos, end), line: lnum, col: pos, endLine: lnum });
          pos = end;
          continue;
        }
        if (/\\\r?\n$/.test(line.slice(pos))) { // backslash-newline inside a '...' string
          cont = { text: line.slice(pos), line: lnum, col: pos, quote, triple: false };
          break;
        }
        throw new PyTokenizeError('unterminated string literal', lnum, pos);
      }
      NAME_RE.lastIndex = pos;
      const nm = NAME_RE.exec(line);
      if (nm) {
        out.push({ type: 'NAME', value: nm[0], line: lnum, col: pos, endLine: lnum });
        pos += nm[0].length;
        continue;
      }
      const op = PY_OPERATORS.find((o) => line.startsWith(o, pos));
      if (!op) throw new PyTokenizeError(`invalid character ${JSON.stringify(c)}`, lnum, pos);
      if (op in OPEN) brackets.push({ ch: op, line: lnum, col: pos });
      else if (CLOSE.has(op)) {
        const open = brackets.pop();
        if (!open) throw new PyTokenizeError(`unmatched '${op}'`, lnum, pos);
        if (OPEN[open.ch] !== op) {
          throw new PyTokenizeError(`closing parenthesis '${op}' does not match opening parenthesis '${open.ch}' on line ${open.line}`, lnum, pos);
        }
      }
      out.push({ type: 'OP', value: op, line: lnum, col: pos, endLine: lnum });
      pos += op.length;
    }
  }

  if (cont) {
    throw new PyTokenizeError(cont.triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal', cont.line, cont.col);
  }
  if (continued) throw new PyTokenizeError('unexpected end of input after line continuation character', lnum, lastLine.length);
  if (brackets.length > 0) {
    const open = brackets[brackets.length - 1];
    throw new PyTokenizeError(`'${open.ch}' was never closed`, open.line, open.col);
  }
  // As tokenize.py: an implicit NEWLINE when the last line has code but no line end.
  const last = out[out.length - 1];
  if (last && last.type !== 'NEWLINE' && last.type !== 'NL' && last.type !== 'COMMENT' && !/[\r\n]$/.test(lastLine)) {
    out.push({ type: 'NEWLINE', value: '', line: lnum, col: lastLine.length, endLine: lnum });
  } else if (last && last.type === 'COMMENT' && !/[\r\n]$/.test(lastLine)) {
    // A trailing comment without a line end: close the statement it ends, if any.
    const prev = out.slice(0, -1).reverse().find((t) => t.type !== 'COMMENT');
    if (prev && prev.type !== 'NEWLINE' && prev.type !== 'NL' && prev.type !== 'DEDENT' && prev.type !== 'INDENT') {
      out.push({ type: 'NEWLINE', value: '', line: lnum, col: lastLine.length, endLine: lnum });
    }
  }
  for (let i = 1; i < indents.length; i++) out.push({ type: 'DEDENT', value: '', line: lnum + 1, col: 0, endLine: lnum + 1 });
  return out;
}
