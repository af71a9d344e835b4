// Cleaning: turns the pairs a reader produced into training pairs and counts
// what every rule did, so that read = kept + the sum of every drop reason.
import type { Pair, PairSource, ReadResult } from './types.js';
import { reindentPython } from './reindent.js';
import { PyTokenizeError } from '../tokenize/pyLexer.js';
import { checkPythonSyntax } from '../python/astCheck.js';

export interface CleanOptions {
  /** Keep pairs whose code python3 cannot parse (marked with parseError). Default false. */
  keepUnparsable?: boolean;
  /** Remove exact duplicates (same description and cleaned code). Default true. */
  dedupe?: boolean;
}

export interface CleanPair extends Pair {
  /** Set when python3's ast.parse (or the lexer) rejected the code and it was kept anyway. */
  parseError?: string;
}

export type DropReason = 'no_code' | 'no_description' | 'unparsable' | 'duplicate';
export const DROP_REASONS: readonly DropReason[] = ['no_code', 'no_description', 'unparsable', 'duplicate'];

export interface CleanReport {
  format: PairSource;
  read: number;
  kept: number;
  dropped: Record<DropReason, number>;
  /** How often each rewrite rule fired (these change pairs, they do not drop them). */
  rules: Record<string, number>;
  /** Pairs whose code does not parse (dropped, or kept when keepUnparsable). */
  unparsable: number;
  /** Lines of the file that hold no pair (e.g. code before the first description). */
  notPairs: { line: number; reason: string; message: string }[];
  /** Every dropped pair with its line, for inspection. */
  drops: { id: string; line: number; reason: DropReason; message: string }[];
}

export interface CleanResult {
  pairs: CleanPair[];
  report: CleanReport;
}

const NUMBERING = /^(?:q(?:uestion)?\s*)?\d+\s*[.):-]?\s+(?=\S)/i;

/** "line 12" in the file when the pair knows where its code starts, else "code line 3". */
function codeWhere(p: Pair, codeLineNo: number): string {
  return p.codeLine !== undefined && codeLineNo > 0 ? `line ${p.codeLine + codeLineNo - 1}` : `code line ${codeLineNo}`;
}

function hasCode(code: string): boolean {
  return code.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

export async function cleanPairs(input: ReadResult, format: PairSource, options: CleanOptions = {}): Promise<CleanResult> {
  const keepUnparsable = options.keepUnparsable ?? false;
  const dedupe = options.dedupe ?? true;
  const rules: Record<string, number> = { ...input.counts, numberingStripped: 0, reindentedPairs: 0, trailingWhitespaceLines: 0 };
  const dropped: Record<DropReason, number> = { no_code: 0, no_description: 0, unparsable: 0, duplicate: 0 };
  const drops: CleanReport['drops'] = [];
  const drop = (p: Pair, reason: DropReason, message: string) => {
    dropped[reason]++;
    drops.push({ id: p.id, line: p.line, reason, message });
  };

  // 1. Rewrites that need no python3: description numbering, indentation, trailing spaces.
  const staged: { pair: CleanPair; lexError?: string }[] = [];
  for (const p of input.pairs) {
    if (!hasCode(p.code)) { drop(p, 'no_code', 'no code: a description alone or commented-out code'); continue; }
    let description = p.description;
    if (NUMBERING.test(description)) { description = description.replace(NUMBERING, ''); rules.numberingStripped++; }
    if (description.trim() === '') { drop(p, 'no_description', 'empty description'); continue; }
    const rawLines = p.code.split('\n');
    rules.trailingWhitespaceLines += rawLines.filter((l) => /\S\s+$/.test(l) || /^\s+$/.test(l)).length;
    try {
      const code = reindentPython(p.code);
      if (code.split('\n').some((l, i) => l.trim() !== '' && /^\s*/.exec(l)![0] !== /^\s*/.exec(rawLines[i] ?? '')![0])) rules.reindentedPairs++;
      staged.push({ pair: { ...p, description, code } });
    } catch (err) {
      if (!(err instanceof PyTokenizeError)) throw err;
      // Code the lexer rejects cannot be re-indented; only its trailing spaces go.
      const code = p.code.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n');
      const what = err.message.replace(/^line \d+, column \d+: /, '');
      staged.push({ pair: { ...p, description, code }, lexError: `${codeWhere(p, err.line)}, column ${err.col + 1}: ${what}` });
    }
  }

  // 2. One python3 process parses every code that the lexer accepted.
  const toCheck = staged.filter((s) => s.lexError === undefined);
  const checks = await checkPythonSyntax(toCheck.map((s) => s.pair.code));
  toCheck.forEach((s, i) => { if (!checks[i].ok) s.lexError = `${codeWhere(s.pair, checks[i].line)}: ${checks[i].message}`; });

  // 3. Unparsable code, then exact duplicates (first occurrence kept).
  const seen = new Set<string>();
  const pairs: CleanPair[] = [];
  let unparsable = 0;
  for (const s of staged) {
    if (s.lexError !== undefined) {
      unparsable++;
      const message = `code does not parse (${s.lexError})`;
      if (!keepUnparsable) { drop(s.pair, 'unparsable', message); continue; }
      s.pair.parseError = message;
    }
    const key = `${s.pair.description}\u0000${s.pair.code}`;
    if (dedupe && seen.has(key)) { drop(s.pair, 'duplicate', 'same description and code as an earlier pair'); continue; }
    seen.add(key);
    pairs.push(s.pair);
  }
  if (keepUnparsable) rules.unparsableKept = unparsable;

  return {
    pairs,
    report: { format, read: input.pairs.length, kept: pairs.length, dropped, rules, unparsable, notPairs: input.drops, drops },
  };
}
