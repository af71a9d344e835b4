/**
 * Data augmentation by consistent renaming of local variables, done on lexer
 * tokens, never on text: `total = total + x` becomes `acc = acc + x` everywhere
 * the name is a variable, while `obj.total`, `f(total=1)`, strings, comments and
 * names the description mentions stay as they are. The program's meaning is
 * unchanged, so the model sees more surface forms of the same mapping.
 *
 * Which names are locals: assignment targets at the start of a statement
 * (`x = …`, `x += …`, `a, b = …`), `for` targets, `def` parameters, `as` and
 * comprehension targets. Names never renamed: keywords, builtins, function and
 * class names and imported names; attributes (`obj.total`) and keyword-argument
 * names (`f(total=1)`) of the same spelling are left alone where they occur.
 */
import { Rng } from '../tensor/random.js';
import { detokenizePython, PY_KEYWORDS } from '../tokenize/pyDetokenize.js';
import { lexPython, type PyToken } from '../tokenize/pyLexer.js';

// Python 3 builtins that generated code uses (a list, so augmentation needs no python3 process).
const BUILTINS = new Set(('abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir ' +
  'divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass ' +
  'iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr ' +
  'slice sorted staticmethod str sum super tuple type vars zip __import__ __name__ __main__ self cls True False None Exception ' +
  'ValueError TypeError KeyError IndexError ZeroDivisionError StopIteration NotImplementedError').split(' '));

/** Replacement names, short and common in the data, so renamed programs still look like the data. */
const POOL = ['a', 'b', 'c', 'd', 'i', 'j', 'k', 'n', 'm', 'x', 'y', 'z', 's', 't', 'num', 'val', 'item', 'res', 'result', 'lst', 'arr',
  'data', 'total', 'count', 'value', 'temp', 'elem', 'word', 'text', 'nums', 'values', 'items', 'output', 'current', 'idx'];

const isName = (t: PyToken | undefined, v?: string) => !!t && t.type === 'NAME' && (v === undefined || t.value === v);
const isOp = (t: PyToken | undefined, v: string) => !!t && t.type === 'OP' && t.value === v;
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '//=', '%=', '**=', '|=', '&=', '^=', '>>=', '<<=', '@=']);

/** Names that are local variables of the program (see the header for the rules). */
export function localNames(tokens: readonly PyToken[]): Set<string> {
  const locals = new Set<string>();
  const protectedNames = new Set<string>();
  let depth = 0;
  let lineStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'NEWLINE' || t.type === 'INDENT' || t.type === 'DEDENT') { lineStart = true; continue; }
    if (t.type === 'OP' && '([{'.includes(t.value)) depth++;
    if (t.type === 'OP' && ')]}'.includes(t.value)) depth--;
    if (isName(t, 'def') || isName(t, 'class')) {
      if (isName(tokens[i + 1])) protectedNames.add(tokens[i + 1].value);
      if (isName(t, 'def')) {
        // Parameters: names at depth 1 of the signature that follow "(" or ",".
        let d = 0;
        for (let j = i + 2; j < tokens.length; j++) {
          const u = tokens[j];
          if (isOp(u, '(')) d++;
          else if (isOp(u, ')')) { d--; if (d === 0) break; }
          else if (d === 1 && isName(u) && (isOp(tokens[j - 1], '(') || isOp(tokens[j - 1], ',') || isOp(tokens[j - 1], '*') || isOp(tokens[j - 1], '**'))) locals.add(u.value);
        }
      }
    }
    if (isName(t, 'import') || isName(t, 'from')) {
      for (let j = i + 1; j < tokens.length && tokens[j].type !== 'NEWLINE'; j++) if (isName(tokens[j])) protectedNames.add(tokens[j].value);
    }
    if (isName(t, 'for') || isName(t, 'as')) {
      for (let j = i + 1; j < tokens.length && (isName(tokens[j]) || isOp(tokens[j], ',') || isOp(tokens[j], '(') || isOp(tokens[j], ')')); j++) {
        if (isName(tokens[j]) && !isName(tokens[j], 'in')) locals.add(tokens[j].value);
        if (isName(tokens[j], 'in')) break;
      }
    }
    if (lineStart && depth === 0 && isName(t)) {
      // `a, b = …` / `x += …`: the names before the assignment operator on this line.
      let j = i;
      const targets: string[] = [];
      while (j < tokens.length && (isName(tokens[j]) || isOp(tokens[j], ','))) { if (isName(tokens[j])) targets.push(tokens[j].value); j++; }
      if (tokens[j]?.type === 'OP' && ASSIGN_OPS.has(tokens[j].value)) targets.forEach((n) => locals.add(n));
    }
    lineStart = false;
  }
  for (const n of [...locals]) if (protectedNames.has(n) || BUILTINS.has(n) || PY_KEYWORDS.has(n)) locals.delete(n);
  return locals;
}

/**
 * `code` with its local variables consistently renamed (seeded), or null when
 * nothing can be renamed. Names the description mentions (as words) are kept.
 */
export function renameLocals(code: string, description: string, seed: number): string | null {
  let tokens: PyToken[];
  try {
    tokens = lexPython(code);
  } catch {
    return null;
  }
  const mentioned = new Set(description.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []);
  // Names inside f-strings are code the lexer does not split: keep them, so `f"{total}"` still refers to its variable.
  for (const t of tokens) if (t.type === 'STRING' && /^[rRbBuU]?[fF]/.test(t.value)) for (const w of t.value.match(/[\p{L}\p{N}_]+/gu) ?? []) mentioned.add(w.toLowerCase());
  const candidates = [...localNames(tokens)].filter((n) => !mentioned.has(n.toLowerCase())).sort();
  if (candidates.length === 0) return null;
  const used = new Set(tokens.filter((t) => t.type === 'NAME').map((t) => t.value));
  const rng = new Rng(seed);
  const free = POOL.filter((n) => !used.has(n));
  const mapping = new Map<string, string>();
  for (const name of candidates) {
    if (free.length === 0) break;
    const k = rng.int(free.length);
    mapping.set(name, free[k]);
    free.splice(k, 1);
  }
  if (mapping.size === 0) return null;
  let depth = 0;
  const renamed = tokens.map((t, i) => {
    if (t.type === 'OP' && '([{'.includes(t.value)) depth++;
    if (t.type === 'OP' && ')]}'.includes(t.value)) depth--;
    if (t.type !== 'NAME' || !mapping.has(t.value)) return t;
    if (isOp(tokens[i - 1], '.')) return t; // an attribute of the same name
    if (depth > 0 && isOp(tokens[i + 1], '=') && (isOp(tokens[i - 1], '(') || isOp(tokens[i - 1], ','))) {
      // f(total=total): a keyword argument's name stays, unless it is a def parameter default (then it is the parameter).
      let j = i - 1, d = 0;
      for (; j >= 0; j--) {
        if (isOp(tokens[j], ')') || isOp(tokens[j], ']') || isOp(tokens[j], '}')) d++;
        else if (tokens[j].type === 'OP' && '([{'.includes(tokens[j].value)) { if (d === 0) break; d--; }
      }
      const inSignature = j >= 2 && isName(tokens[j - 1]) && isName(tokens[j - 2], 'def');
      if (!inSignature) return t;
    }
    return { ...t, value: mapping.get(t.value)! };
  });
  return detokenizePython(renamed);
}

/** Up to `copies` renamed variants of each pair (distinct from the original and each other), ids suffixed "~rN". */
export function renamedCopies<T extends { id: string; description: string; code: string }>(pairs: readonly T[], copies: number, seed: number): T[] {
  const out: T[] = [];
  pairs.forEach((p, i) => {
    const seen = new Set([p.code.trim()]);
    for (let k = 0; k < copies; k++) {
      const code = renameLocals(p.code, p.description, seed * 1_000_003 + i * 31 + k);
      if (code === null || seen.has(code.trim())) continue;
      seen.add(code.trim());
      out.push({ ...p, id: `${p.id}~r${k + 1}`, code });
    }
  });
  return out;
}
