// The token strings models see for Python code, and a subword layer so that no
// identifier, number or string literal is ever <unk>.
//
// Representation: NEWLINE → "<nl>", INDENT → "<indent>", DEDENT → "<dedent>";
// every other token is its source text ("def", "(", "'abc'", "count_even").
// A token that is not in the vocabulary is cut into pieces (identifiers at
// "_", camelCase and digit boundaries; strings into quote/prefix, words, runs
// of spaces and single characters) and each piece after the first carries the
// join marker "##". A piece still unknown is spelled character by character.
// No code token starts with "##", so decoding is exact: a "##" piece is glued
// to the token before it.
import type { PyToken, PyTokenType } from './pyLexer.js';

export const NL_TOKEN = '<nl>';
export const INDENT_TOKEN = '<indent>';
export const DEDENT_TOKEN = '<dedent>';
export const JOIN = '##';

type Tok = Pick<PyToken, 'type' | 'value'>;

/** Something that knows which token strings it has (a Vocab or a Set). */
export interface TokenSet { has(token: string): boolean }

/** A learned segmenter (see bpe.ts) used instead of the rule-based pieces. */
export interface Segmenter { segment(word: string): string[] }

/** Tokens whose text is cut into subwords (the others are keywords, operators and structure). */
export function isSplittable(t: Tok): boolean {
  return t.type === 'NAME' || t.type === 'NUMBER' || t.type === 'STRING';
}

function pieces(t: Tok, bpe?: Segmenter): string[] {
  return bpe && isSplittable(t) ? bpe.segment(t.value) : splitPieces(t);
}

/** One model string per code token (no subwords). COMMENT/NL tokens are not allowed. */
export function tokenString(t: Tok): string {
  switch (t.type) {
    case 'NEWLINE': return NL_TOKEN;
    case 'INDENT': return INDENT_TOKEN;
    case 'DEDENT': return DEDENT_TOKEN;
    case 'COMMENT': case 'NL': throw new Error(`${t.type} tokens have no model string; lex without comments`);
    default: return t.value;
  }
}

const IDENT_PIECES = /_+|\d+|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[\p{L}\p{M}]+|./gsu;
const STRING_HEAD = /^[rRbBuUfF]{0,2}('''|"""|'|")/;
const STRING_BODY_PIECES = /[\p{L}\p{N}_]+| +|\\.|./gsu;

/** Natural pieces of a token's text (unmarked); their concatenation is the text. */
export function splitPieces(t: Tok): string[] {
  const v = t.value;
  if (t.type === 'NAME' || t.type === 'NUMBER') return v.match(IDENT_PIECES) ?? [v];
  if (t.type === 'STRING') {
    const head = STRING_HEAD.exec(v);
    if (!head || v.length < head[0].length + head[1].length) return [v];
    const quote = head[1];
    const body = v.slice(head[0].length, v.length - quote.length);
    return [head[0], ...(body.match(STRING_BODY_PIECES) ?? []), quote];
  }
  return [v];
}

/**
 * Model strings for code tokens. With a vocabulary, a token it holds stays whole,
 * others become pieces, and pieces it lacks become characters. Without one, every
 * NAME/NUMBER/STRING is split into pieces (useful to build the vocabulary).
 * With `bpe`, pieces are its learned segments instead of the rule-based ones.
 */
export function encodeCode(tokens: readonly Tok[], vocab?: TokenSet, bpe?: Segmenter): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const whole = tokenString(t);
    if (t.type === 'NEWLINE' || t.type === 'INDENT' || t.type === 'DEDENT' || t.type === 'OP' && !vocab) { out.push(whole); continue; }
    if (vocab && vocab.has(whole)) { out.push(whole); continue; }
    pieces(t, bpe).forEach((p, i) => {
      const marked = i === 0 ? p : JOIN + p;
      if (!vocab || vocab.has(marked)) { out.push(marked); return; }
      [...p].forEach((c, k) => out.push(i === 0 && k === 0 ? c : JOIN + c));
    });
  }
  return out;
}

function classify(text: string): PyTokenType {
  if (text === NL_TOKEN) return 'NEWLINE';
  if (text === INDENT_TOKEN) return 'INDENT';
  if (text === DEDENT_TOKEN) return 'DEDENT';
  if (STRING_HEAD.test(text)) return 'STRING';
  if (/^(\d|\.\d)/.test(text)) return 'NUMBER';
  if (/^[\p{ID_Start}_]/u.test(text)) return 'NAME';
  return 'OP';
}

/** Code tokens back from model strings; a leading "##" piece (bad model output) starts its own token. */
export function decodeCode(pieces: readonly string[]): Tok[] {
  const texts: string[] = [];
  for (const p of pieces) {
    if (p.startsWith(JOIN) && texts.length > 0 && !isStructural(texts[texts.length - 1])) texts[texts.length - 1] += p.slice(JOIN.length);
    else texts.push(p.startsWith(JOIN) ? p.slice(JOIN.length) : p);
  }
  return texts.filter((t) => t !== '').map((text) => {
    const type = classify(text);
    return { type, value: type === 'NEWLINE' || type === 'INDENT' || type === 'DEDENT' ? '' : text };
  });
}

function isStructural(text: string): boolean {
  return text === NL_TOKEN || text === INDENT_TOKEN || text === DEDENT_TOKEN;
}

/**
 * Strings a code vocabulary always holds: the structure tokens and every ASCII
 * character (plain and "##"), so ASCII code never needs <unk>.
 */
export function codeVocabBase(): string[] {
  const out: string[] = [NL_TOKEN, INDENT_TOKEN, DEDENT_TOKEN];
  for (let c = 32; c < 127; c++) out.push(String.fromCharCode(c), JOIN + String.fromCharCode(c));
  out.push('\t', JOIN + '\t', '\n', JOIN + '\n');
  return out;
}

/** The strings a code vocabulary counts for one token list: whole tokens and their pieces. */
export function vocabCandidates(tokens: readonly Tok[], bpe?: Segmenter): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    out.push(tokenString(t));
    if (isSplittable(t)) {
      const ps = pieces(t, bpe);
      if (ps.length > 1) ps.forEach((p, i) => out.push(i === 0 ? p : JOIN + p));
    }
  }
  return out;
}

/** How often each identifier, number and string text occurs: the words BPE learns from. */
export function subwordWords(tokenLists: Iterable<readonly Tok[]>): Map<string, number> {
  const words = new Map<string, number>();
  for (const ts of tokenLists) for (const t of ts) if (isSplittable(t)) words.set(t.value, (words.get(t.value) ?? 0) + 1);
  return words;
}
