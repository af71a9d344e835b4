/**
 * Syntax-aware decoding: a small automaton over model tokens that says which
 * next tokens can still lead to valid Python, so a decoder never emits
 *   - a closing bracket that does not match the open one, or a line break inside brackets,
 *   - an unterminated string (once a string is opened, only its pieces follow until it closes),
 *   - a subword piece ("##…") glued to something that is not a name or number,
 *   - an <indent> anywhere but after "<nl>" that follows a ":" (where it is then required),
 *   - a <dedent> that is not at a line start or would go below zero,
 *   - an empty line, or end of output inside brackets, a string or right after ":",
 *   - a parameter name a `def` already has (`def f(n, n):` parses, but Python refuses to compile it).
 * It is a prefix filter, not a parser: `x = = 1` passes it. Beam search can add a
 * real parse of the finished candidates on top (Generator, `rerank`).
 */
import { DEDENT_TOKEN, INDENT_TOKEN, JOIN, NL_TOKEN } from '../tokenize/subword.js';
import { EOS } from '../tokenize/vocab.js';

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set(Object.values(OPEN));
const STRING_HEAD_ONLY = /^[rRbBuUfF]{0,2}('''|"""|'|")$/;
/** Tokens pieces may glue to: names, numbers, and "." before the digits of a number like .5. */
const GLUABLE = /^([\p{L}\p{N}_]|\.$)/u;

/** Where decoding is; immutable, so beams can share and extend it. */
export interface GuardState {
  /** Open brackets, innermost last. */
  brackets: string;
  /** Open indented blocks. */
  depth: number;
  /** The quote that closes the string being spelled in pieces, or '' outside one. */
  quote: string;
  /** The last token emitted ('' at the start). */
  prev: string;
  /** The token before it. */
  prev2: string;
  /** Whether the token being built (glued "##" pieces) is a name or number, so more pieces may follow. */
  gluable: boolean;
  /** After `def`, while the function's name is spelled (its "(" opens the parameters). */
  afterDef: boolean;
  /** Inside a def's parameter list: the names so far, the bracket depth of the list, the name being spelled, and whether a default or annotation is being skipped. */
  params: { names: readonly string[]; depth: number; name: string; skip: boolean } | null;
}

const NAME_START = /^[\p{L}_]/u;

type Kind = 'nl' | 'indent' | 'dedent' | 'open' | 'close' | 'join' | 'stringHead' | 'other';

export class SyntaxGuard {
  private readonly kinds: Kind[];

  constructor(private readonly tokens: readonly string[]) {
    this.kinds = tokens.map((t) => {
      if (t === NL_TOKEN) return 'nl';
      if (t === INDENT_TOKEN) return 'indent';
      if (t === DEDENT_TOKEN) return 'dedent';
      if (t in OPEN) return 'open';
      if (CLOSE.has(t)) return 'close';
      if (t.startsWith(JOIN)) return 'join';
      if (STRING_HEAD_ONLY.test(t)) return 'stringHead';
      return 'other';
    });
  }

  start(): GuardState {
    return { brackets: '', depth: 0, quote: '', prev: '', prev2: '', gluable: false, afterDef: false, params: null };
  }

  /**
   * Whether token `id` may follow, with `remaining` tokens left before the length
   * limit (EOS included): when only enough are left to close what is open, only
   * closing is allowed, so even a cut-off output parses as far as brackets and strings go.
   */
  allows(s: GuardState, id: number, remaining = Infinity): boolean {
    if (id === EOS) return s.quote === '' && s.brackets === '' && s.prev !== ':' && !this.needsIndent(s) && s.prev !== '';
    const kind = this.kinds[id];
    if (kind === undefined) return false;
    if (remaining <= (s.quote ? 1 : 0) + s.brackets.length + 1) {
      if (s.quote) return this.tokens[id] === JOIN + s.quote;
      return kind === 'close' && OPEN[s.brackets[s.brackets.length - 1]] === this.tokens[id];
    }
    if (s.quote !== '') return kind === 'join';
    if (this.needsIndent(s)) return kind === 'indent';
    // A parameter name ends with any token but a piece: it must not repeat an earlier one.
    if (s.params && s.params.name !== '' && kind !== 'join' && s.params.names.includes(s.params.name)) return false;
    switch (kind) {
      case 'indent':
        return false; // only where needsIndent
      case 'dedent':
        return s.depth > 0 && (s.prev === NL_TOKEN || s.prev === DEDENT_TOKEN);
      case 'nl':
        return s.brackets === '' && s.prev !== '' && s.prev !== NL_TOKEN && s.prev !== INDENT_TOKEN && s.prev !== DEDENT_TOKEN;
      case 'close':
        return s.brackets !== '' && OPEN[s.brackets[s.brackets.length - 1]] === this.tokens[id];
      case 'join':
        return s.gluable;
      default:
        return true;
    }
  }

  /** The state after emitting token `id` (which `allows`). */
  advance(s: GuardState, id: number): GuardState {
    const token = this.tokens[id] ?? '';
    const kind = this.kinds[id];
    const next: GuardState = { ...s, prev: token, prev2: s.prev };
    if (s.quote !== '') {
      // Inside a string only pieces come; the one that is exactly the closing quote ends it.
      if (token === JOIN + s.quote) next.quote = '';
      next.gluable = false;
      return next;
    }
    switch (kind) {
      case 'open': next.brackets = s.brackets + token; break;
      case 'close': next.brackets = s.brackets.slice(0, -1); break;
      case 'indent': next.depth = s.depth + 1; break;
      case 'dedent': next.depth = s.depth - 1; break;
      case 'stringHead': next.quote = token.replace(/^[rRbBuUfF]+/, ''); break;
      default: break;
    }
    next.gluable = kind === 'join' ? s.gluable : kind === 'other' && GLUABLE.test(token) && !/^[rRbBuUfF]{0,2}['"]/.test(token);
    next.afterDef = token === 'def' || (s.afterDef && (kind === 'join' || (kind === 'other' && NAME_START.test(token))));
    if (s.afterDef && token === '(') next.params = { names: [], depth: next.brackets.length, name: '', skip: false };
    else if (s.params) next.params = this.advanceParams(s.params, token, kind, next.brackets.length);
    return next;
  }

  /** The parameter list after `token` (null once its ")" closes it). */
  private advanceParams(p: NonNullable<GuardState['params']>, token: string, kind: Kind, depth: number): GuardState['params'] {
    if (depth < p.depth) return null;
    if (depth > p.depth || kind === 'close') return p; // inside a default's own brackets
    const names = p.name !== '' ? [...p.names, p.name] : p.names;
    if (token === ',') return { ...p, names, name: '', skip: false };
    if (token === '=' || token === ':') return { ...p, names, name: '', skip: true }; // a default or an annotation follows
    if (p.skip) return p;
    if (kind === 'join') return p.name !== '' ? { ...p, name: p.name + token.slice(JOIN.length) } : p;
    if (kind === 'other' && NAME_START.test(token)) return { ...p, name: token };
    return p; // "*", "**", "/"
  }

  /** After ":" and a line break, a block must start. */
  private needsIndent(s: GuardState): boolean {
    return s.prev === NL_TOKEN && s.prev2 === ':' && s.brackets === '';
  }
}
