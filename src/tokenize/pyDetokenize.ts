// Writes Python source from tokens in a PEP 8-looking layout: 4-space indents,
// spaces around binary operators and after commas, none inside brackets, none
// before call/index brackets, `f(a=1)` for keyword arguments, `a[1:2]` slices,
// unary operators glued to their operand. Token values (strings, f-strings,
// numbers) are written untouched, so lexing the output gives the same tokens.
import { PY_OPERATORS, type PyToken } from './pyLexer.js';

/** Python keywords (not True/False/None, which behave like names here). */
export const PY_KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not',
  'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

type Tok = Pick<PyToken, 'type' | 'value'>;

interface Frame {
  bracket: string; // '(' '[' '{' or '' for the statement level
  lambdas: number; // lambdas whose ':' has not been seen yet
}

const UNARY_CAPABLE = new Set(['-', '+', '~', '*', '**']);

function isKeyword(t: Tok | undefined): boolean {
  return !!t && t.type === 'NAME' && PY_KEYWORDS.has(t.value);
}

/** True when an operator at this point is unary (prefix), judged from the token before it. */
function isUnaryPosition(prev: Tok | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'OP') return !(prev.value === ')' || prev.value === ']' || prev.value === '}' || prev.value === '...');
  if (prev.type === 'NEWLINE' || prev.type === 'INDENT' || prev.type === 'DEDENT' || prev.type === 'NL') return true;
  return isKeyword(prev);
}

/** Turn tokens (COMMENT and NL allowed) back into source text ending with a newline. */
export function detokenizePython(tokens: readonly Tok[]): string {
  let out = '';
  let depth = 0;
  let atLineStart = true;
  let frames: Frame[] = [{ bracket: '', lambdas: 0 }];
  let prev: Tok | undefined; // previous token on the current line
  let prevUnary = false; // previous token was a unary operator (or a decorator '@')
  let prevNoSpaceAfter = false; // previous ':' or '=' wants no space after it

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'INDENT') { depth++; continue; }
    if (t.type === 'DEDENT') { depth = Math.max(0, depth - 1); continue; }
    if (t.type === 'NEWLINE' || t.type === 'NL') {
      out += '\n';
      atLineStart = true;
      if (t.type === 'NEWLINE') frames = [{ bracket: '', lambdas: 0 }];
      prev = undefined;
      continue;
    }
    const frame = frames[frames.length - 1];
    let space: boolean;
    if (atLineStart) {
      out += '    '.repeat(t.type === 'COMMENT' ? commentDepth(tokens, i, depth) : depth);
      space = false;
    } else if (t.type === 'COMMENT') {
      out += '  ';
      space = false;
    } else {
      space = spaceBefore(prev!, t, frame, prevUnary, prevNoSpaceAfter) || wouldMerge(prev!, t, out);
    }
    if (space) out += ' ';
    out += t.value;
    atLineStart = false;

    // Bookkeeping for the next token.
    prevUnary = false;
    prevNoSpaceAfter = false;
    if (t.type === 'OP') {
      const v = t.value;
      if (v === '(' || v === '[' || v === '{') frames.push({ bracket: v, lambdas: 0 });
      else if ((v === ')' || v === ']' || v === '}') && frames.length > 1) frames.pop();
      else if (UNARY_CAPABLE.has(v) && isUnaryPosition(prev)) prevUnary = true;
      else if (v === '@' && !prev) prevUnary = true; // decorator
      else if (v === ':') {
        if (frame.lambdas > 0) frame.lambdas--;
        else if (frame.bracket === '[') prevNoSpaceAfter = true; // slice
      } else if (v === '=' && (frame.bracket === '(' || frame.lambdas > 0)) prevNoSpaceAfter = true; // keyword arg/default
    } else if (t.type === 'NAME' && t.value === 'lambda') {
      frame.lambdas++;
    }
    prev = t;
  }
  if (!atLineStart) out += '\n';
  return out;
}

function spaceBefore(prev: Tok, t: Tok, frame: Frame, prevUnary: boolean, prevNoSpaceAfter: boolean): boolean {
  const v = t.value;
  const p = prev.value;
  if (prevUnary || prevNoSpaceAfter) return false;
  if (prev.type === 'OP' && (p === '(' || p === '[' || p === '{')) return false;
  if (t.type === 'OP') {
    if (v === ')' || v === ']' || v === '}' || v === ',' || v === ';') return false;
    if (v === ':') return false;
    if (v === '=' && (frame.bracket === '(' || frame.lambdas > 0)) return false;
    if (v === '.') {
      // `1 .real` must keep its space, or "1." would lex as a float; `from . import x` too.
      if (prev.type === 'NUMBER' && /^[0-9_]+$/.test(p)) return true;
      return isKeyword(prev);
    }
    if (v === '(' || v === '[') {
      // Call or index: no space after a name, a string, a closing bracket; but `if (`, `in [`.
      if (prev.type === 'NAME') return isKeyword(prev);
      if (prev.type === 'STRING') return false;
      if (prev.type === 'OP' && (p === ')' || p === ']' || p === '}')) return false;
      return true;
    }
  }
  // After '.', no space, except before `import` and before a number (". 2" must not become ".2").
  if (prev.type === 'OP' && p === '.') return t.type === 'NUMBER' || (t.type === 'NAME' && t.value === 'import');
  return true;
}

/** A comment-only line is indented like the statement after it (its INDENT/DEDENT come later). */
function commentDepth(tokens: readonly Tok[], i: number, depth: number): number {
  let d = depth;
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.type === 'INDENT') d++;
    else if (t.type === 'DEDENT') d--;
    else if (t.type !== 'NL' && t.type !== 'COMMENT') return Math.max(0, d);
  }
  return depth;
}

/** True when writing two operators side by side would lex as another operator (`*` `*` → `**`). */
function wouldMerge(prev: Tok, t: Tok, out: string): boolean {
  if (prev.type !== 'OP' || t.type !== 'OP') return false;
  if (t.value === '.' && out.endsWith('..')) return true; // three '.' tokens would become '...'
  const joined = prev.value + t.value;
  const first = PY_OPERATORS.find((o) => joined.startsWith(o));
  return first !== undefined && first.length > prev.value.length;
}
