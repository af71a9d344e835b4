/**
 * A small Python highlighter for the web page: the code is cut into spans whose
 * class comes from our own lexer's token types (src/tokenize/pyLexer.ts), with
 * NAMEs split into keywords, builtins, and names being defined. The spans cover
 * the text exactly (joining them gives the code back), so the page can render
 * them with textContent, never innerHTML. Code the lexer rejects (a model may
 * well produce some) is highlighted by a few regular expressions instead.
 */
import { lexPython, type PyToken } from '../tokenize/pyLexer.js';

export type SpanClass = '' | 'kw' | 'builtin' | 'def' | 'str' | 'num' | 'com' | 'op' | 'const';
/** [class, text]: compact on the wire. */
export type Span = [SpanClass, string];

const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case',
]);
const CONSTANTS = new Set(['True', 'False', 'None', 'self', 'cls']);
const BUILTINS = new Set([
  'abs', 'all', 'any', 'bin', 'bool', 'bytes', 'chr', 'dict', 'dir', 'divmod', 'enumerate', 'filter', 'float',
  'format', 'frozenset', 'getattr', 'hasattr', 'hash', 'hex', 'id', 'input', 'int', 'isinstance', 'issubclass',
  'iter', 'len', 'list', 'map', 'max', 'min', 'next', 'object', 'oct', 'open', 'ord', 'pow', 'print', 'range',
  'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'str', 'sum', 'super', 'tuple', 'type', 'zip',
  'Exception', 'ValueError', 'TypeError', 'KeyError', 'IndexError', 'ZeroDivisionError',
]);

function nameClass(value: string, previous: string | undefined): SpanClass {
  if (previous === 'def' || previous === 'class') return 'def';
  if (KEYWORDS.has(value)) return 'kw';
  if (CONSTANTS.has(value)) return 'const';
  if (BUILTINS.has(value)) return 'builtin';
  return '';
}

function tokenClass(t: PyToken, previous: string | undefined): SpanClass {
  switch (t.type) {
    case 'NAME': return nameClass(t.value, previous);
    case 'STRING': return 'str';
    case 'NUMBER': return 'num';
    case 'COMMENT': return 'com';
    case 'OP': return 'op';
    default: return '';
  }
}

/** Append a span, merging it into the previous one when the class is the same. */
function push(out: Span[], cls: SpanClass, text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last[0] === cls) last[1] += text;
  else out.push([cls, text]);
}

function lexerSpans(code: string): Span[] {
  const tokens = lexPython(code, { comments: true });
  // Offsets of line starts, to turn (line, col) into an index into `code`.
  const lineStart = [0, 0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStart.push(i + 1);
  const out: Span[] = [];
  let pos = 0;
  let previous: string | undefined;
  for (const t of tokens) {
    if (!t.value) continue;
    const start = lineStart[t.line] + t.col;
    if (start < pos || code.slice(start, start + t.value.length) !== t.value) throw new Error('token does not match the text');
    push(out, '', code.slice(pos, start));
    push(out, tokenClass(t, previous), t.value);
    pos = start + t.value.length;
    if (t.type !== 'COMMENT') previous = t.value;
  }
  push(out, '', code.slice(pos));
  return out;
}

const FALLBACK = /(#[^\n]*)|((?:[rRbBfFuU]{0,2})(?:'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))|(\b\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?j?\b)|([A-Za-z_]\w*)|([-+*/%=<>!&|^~@:.,;()[\]{}]+)/g;

function regexSpans(code: string): Span[] {
  const out: Span[] = [];
  let pos = 0;
  let previous: string | undefined;
  for (const m of code.matchAll(FALLBACK)) {
    push(out, '', code.slice(pos, m.index));
    const [text, com, str, num, name] = m;
    const cls: SpanClass = com ? 'com' : str ? 'str' : num ? 'num' : name ? nameClass(text, previous) : 'op';
    push(out, cls, text);
    if (!com) previous = text;
    pos = m.index + text.length;
  }
  push(out, '', code.slice(pos));
  return out;
}

/** Highlight spans for `code`; joining their texts gives `code` back. */
export function highlightPython(code: string): Span[] {
  try {
    return lexerSpans(code);
  } catch {
    return regexSpans(code);
  }
}
