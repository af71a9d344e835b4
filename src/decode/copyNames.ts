/**
 * Names from the sentence: when the user writes the function's name ("... named
 * `count_vowels`", or a call such as MBPP's "assert min_cost([[1, 2]], 2, 2) == 8"), the
 * program should define that name, not one the model guessed. The model cannot copy it by
 * itself: its English vocabulary rarely holds an identifier (most are read as <unk>), and
 * number slots cover numbers only. So the copy is a rule applied to each decoded candidate:
 * when the sentence names exactly one function the candidate does not define, and the
 * candidate defines exactly one top-level function, that function is renamed to the
 * sentence's name (its definition and its own calls, e.g. recursion; never inside strings or
 * after a dot). The rule is the one `--test` uses to bind a tested name (src/eval/userTests.ts),
 * applied to the sentence itself, so a program that passes "bound" also passes as written.
 */
import { calledNames, PY_BUILTINS, topLevelFunctions, topLevelNames } from '../eval/userTests.js';

/** "named `is_even`", "called count_vowels": the name the sentence gives the function (quoted, or with _ or a digit). */
const NAMED_RE = /\b(?:named|called)\s+(?:[`'"]([A-Za-z_]\w*)[`'"]|([A-Za-z_]\w*[_\d]\w*))/g;
/** A call written as code: no space before the bracket, and a name no English word has (an _ , a digit or an inner capital). */
const CODE_CALL_RE = /(?<![.\w])([A-Za-z_]\w*)\(/g;
const CODE_LIKE = /[_\d]|[a-z][A-Z]/;

/**
 * The function names a sentence gives, in order: the names its test lines ("assert f(3) == 6")
 * call (builtins aside), code-like calls elsewhere ("min_cost(m, n)"), and names after "named" or
 * "called". English such as "height(m)" or "a list of (x, y) pairs" gives none.
 */
export function sentenceNames(sentence: string): string[] {
  const lines = sentence.split('\n');
  const out = calledNames(lines.filter((l) => /^\s*assert\b/.test(l)));
  const add = (n: string | undefined) => {
    if (n && !out.includes(n) && !PY_BUILTINS.has(n)) out.push(n);
  };
  for (const m of sentence.matchAll(CODE_CALL_RE)) if (CODE_LIKE.test(m[1])) add(m[1]);
  for (const m of sentence.matchAll(NAMED_RE)) add(m[1] ?? m[2]);
  return out;
}

/** Strings (so nothing inside one is renamed) or an identifier not after a dot. */
const CODE_RE = /("""|''')[\s\S]*?\1|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*|(?<![.\w])[A-Za-z_]\w*/g;

/** `code` with every identifier `from` (not strings, comments or attributes) written as `to`. */
export function renameIdentifier(code: string, from: string, to: string): string {
  return code.replace(CODE_RE, (m) => (m === from ? to : m));
}

export interface NameCopy {
  code: string;
  /** The candidate's function that was renamed, and the sentence's name it now has; absent when nothing changed. */
  renamed?: { from: string; to: string };
}

/**
 * Rename the candidate's one top-level function to the one function name the sentence gives
 * and the candidate does not define. Anything else (no name, several names, several functions,
 * the name already defined, or a clash with another name the candidate defines) leaves it as it is.
 */
export function copyNameFromSentence(sentence: string, code: string): NameCopy {
  const fns = topLevelFunctions(code);
  if (fns.length !== 1) return { code };
  const defined = topLevelNames(code);
  const wanted = sentenceNames(sentence).filter((n) => !defined.has(n));
  if (wanted.length !== 1) return { code };
  const to = wanted[0];
  // A local of that name inside the function would now shadow it; leave such code alone.
  if (new RegExp(`(?<![.\\w])${to}(?!\\w)`).test(code)) return { code };
  return { code: renameIdentifier(code, fns[0], to), renamed: { from: fns[0], to } };
}
