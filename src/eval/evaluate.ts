/**
 * The evaluation core of `en2py eval`, independent of any model: it takes the
 * examples and the generations made for them (by a model, or injected by a
 * test) and computes every metric, one record per example for eval.jsonl and
 * one summary.
 *
 *  - evaluateGenerations: reference-based metrics on a data split (BLEU over
 *    Python lexer tokens, CodeBLEU and its four parts, exact match of lexer
 *    token sequences, syntax validity, share of outputs with <unk>), plus the
 *    teacher-forced loss / perplexity / token accuracy when given.
 *  - evaluateExecution: runs candidates against tests in the sandbox (MBPP,
 *    HumanEval, the team benchmark) and reports pass@k, strict and bound.
 */
import { lexPython } from '../tokenize/pyLexer.js';
import { tokenString } from '../tokenize/subword.js';
import { corpusBleu, sentenceBleu } from './bleu.js';
import { codeBleu, type CodeBleuResult } from './codebleu.js';
import { exactMatch } from './exact.js';
import { formatTable, aggregate, type EvalSummary, type ExampleRecord } from './report.js';
import type { RunStatus } from './sandbox.js';
import { checkSyntax } from './syntax.js';
import { evaluateHumanEval, evaluateMbpp, firstTopLevelFunction, type EvalOptions, type HumanEvalTask, type MbppTask } from './tasks.js';

export const BLEU_TOKENIZATION = 'BLEU over Python lexer tokens';
export const LOSS_TOKENIZATION = 'en2py model tokens';
export const STRICT_MEANING = 'strict: the candidate as written (it must define the tested name)';
export const BOUND_MEANING = 'bound: the first top-level def bound to the tested name (lenient)';

/** Token strings of code from our Python lexer (comments dropped, <nl>/<indent>/<dedent> for layout). */
export function lexerTokens(code: string): { tokens: string[]; lexed: boolean } {
  try {
    return { tokens: lexPython(code).map(tokenString), lexed: true };
  } catch {
    // Broken model output (unclosed string or bracket): words and single symbols, so BLEU still sees it.
    return { tokens: code.match(/\w+|\S/gu) ?? [], lexed: false };
  }
}

export interface SplitExample {
  id: string;
  /** The English description. */
  source: string;
  /** The gold code. */
  reference: string;
}

export interface SplitGeneration {
  /** The output scored (best beam, or most likely sample). */
  code: string;
  /** Every sample / beam output, when there are several. */
  alternatives?: string[];
  /** The model tokens of `code` (to find <unk>); without them `code` is searched for "<unk>". */
  modelTokens?: string[];
  /** Nothing parsed, so `code` is the most likely candidate cut to its longest parsing prefix (src/decode/rerank.ts). */
  cut?: boolean;
  ms?: number;
}

/** Teacher-forced scores of one example (see src/train/teacherForced.ts). */
export interface TeacherForcedScores {
  lossSum: number;
  tokens: number;
  correct: number;
}

export interface SplitRecord {
  id: string;
  source: string;
  reference: string;
  prediction: string;
  alternatives?: string[];
  exactMatch: boolean;
  /** sacreBLEU sentence BLEU (0-100) over lexer tokens. */
  sentenceBleu: number;
  syntaxOk: boolean;
  syntaxError?: string;
  hasUnk: boolean;
  /** The prediction is a candidate cut to its longest parsing prefix of whole lines (nothing parsed whole). */
  cut?: boolean;
  /** False when the prediction did not lex and was split on words and symbols instead. */
  lexed: boolean;
  loss?: number;
  targetTokens?: number;
  tokenAccuracy?: number;
  ms?: number;
}

export interface SplitMetrics {
  examples: number;
  /** Corpus BLEU 0-100, sacreBLEU's computation (tokenize=none, exp smoothing) over lexer tokens. */
  bleu: number;
  bleuTokenization: string;
  bleuDetail: { precisions: number[]; bp: number; sysLen: number; refLen: number };
  codebleu: CodeBleuResult;
  /** Share 0-1 of predictions whose lexer tokens equal the reference's. */
  exactMatch: number;
  /** Teacher-forced argmax accuracy over non-pad target ids (null without a model). */
  tokenAccuracy: number | null;
  /** Mean teacher-forced cross-entropy in nats per token (null without a model). */
  loss: number | null;
  perplexity: number | null;
  /**
   * How much the model reads the sentence (src/train/teacherForced.ts otherSentencePerplexity):
   * the perplexity of each reference given another pair's sentence, and its ratio to `perplexity`
   * (1 = the sentence is ignored). Set by `en2py eval` on a split; absent elsewhere.
   */
  otherSentence?: { perplexity: number; ratio: number };
  lossTokenization: string;
  /** Share 0-1 of predictions python3's compile() accepts (src/eval/syntax.ts). */
  syntaxValidity: number;
  /** Share 0-1 of predictions containing <unk>. */
  unkRate: number;
  /** Predictions the lexer rejected (scored on a word/symbol split instead). */
  lexFailures: number;
  /** Predictions cut to their longest parsing prefix by the parse rerank (nothing parsed whole). */
  cutOutputs: number;
}

/**
 * Scores generations against a data split. generations[i] is for examples[i];
 * teacher[i] (optional) holds that example's teacher-forced scores.
 */
export async function evaluateGenerations(
  examples: readonly SplitExample[],
  generations: readonly SplitGeneration[],
  teacher?: readonly TeacherForcedScores[],
): Promise<{ metrics: SplitMetrics; records: SplitRecord[] }> {
  if (examples.length !== generations.length) throw new Error(`evaluateGenerations: ${examples.length} examples but ${generations.length} generations`);
  if (teacher && teacher.length !== examples.length) throw new Error(`evaluateGenerations: ${examples.length} examples but ${teacher.length} teacher-forced scores`);
  const preds = generations.map((g) => lexerTokens(g.code));
  const refs = examples.map((e) => lexerTokens(e.reference).tokens);
  const bleu = corpusBleu(preds.map((p) => p.tokens), [refs]);
  // two python3 processes at once: CodeBLEU's trees and the syntax check
  const [cb, syntax] = await Promise.all([
    codeBleu(generations.map((g) => g.code), examples.map((e) => e.reference), (code) => lexerTokens(code).tokens),
    checkSyntax(generations.map((g) => g.code)),
  ]);
  const records: SplitRecord[] = examples.map((e, i) => {
    const g = generations[i];
    const t = teacher?.[i];
    const rec: SplitRecord = {
      id: e.id,
      source: e.source,
      reference: e.reference,
      prediction: g.code,
      exactMatch: exactMatch(preds[i].tokens, refs[i]),
      sentenceBleu: sentenceBleu(preds[i].tokens, [refs[i]]).score,
      syntaxOk: syntax[i].ok,
      hasUnk: g.modelTokens ? g.modelTokens.includes('<unk>') : g.code.includes('<unk>'),
      lexed: preds[i].lexed,
    };
    if (g.alternatives?.length) rec.alternatives = g.alternatives;
    if (g.cut) rec.cut = true;
    if (!syntax[i].ok) rec.syntaxError = syntax[i].error;
    if (t) {
      rec.loss = t.tokens ? t.lossSum / t.tokens : undefined;
      rec.targetTokens = t.tokens;
      rec.tokenAccuracy = t.tokens ? t.correct / t.tokens : undefined;
    }
    if (g.ms !== undefined) rec.ms = Math.round(g.ms);
    return rec;
  });
  const n = examples.length;
  const share = (f: (r: SplitRecord) => boolean) => (n === 0 ? 0 : records.filter(f).length / n);
  let loss: number | null = null;
  let tokenAccuracy: number | null = null;
  if (teacher) {
    const tokens = teacher.reduce((s, t) => s + t.tokens, 0);
    if (tokens > 0) {
      loss = teacher.reduce((s, t) => s + t.lossSum, 0) / tokens;
      tokenAccuracy = teacher.reduce((s, t) => s + t.correct, 0) / tokens;
    }
  }
  return {
    metrics: {
      examples: n,
      bleu: bleu.score,
      bleuTokenization: BLEU_TOKENIZATION,
      bleuDetail: { precisions: bleu.precisions, bp: bleu.bp, sysLen: bleu.sysLen, refLen: bleu.refLen },
      codebleu: cb,
      exactMatch: share((r) => r.exactMatch),
      tokenAccuracy,
      loss,
      perplexity: loss === null ? null : Math.exp(loss),
      lossTokenization: LOSS_TOKENIZATION,
      syntaxValidity: share((r) => r.syntaxOk),
      unkRate: share((r) => r.hasUnk),
      lexFailures: records.filter((r) => !r.lexed).length,
      cutOutputs: records.filter((r) => r.cut).length,
    },
    records,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/** The readable table of a split evaluation (formatTable with the tokenizations named). */
export function formatSplitTable(m: SplitMetrics): string {
  const summary: EvalSummary = { examples: m.examples, bleu: m.bleu, exactMatch: m.exactMatch, syntaxValidity: m.syntaxValidity, codebleu: m.codebleu };
  if (m.tokenAccuracy !== null) summary.tokenAccuracy = m.tokenAccuracy;
  const extra: [string, string][] = [];
  if (m.loss !== null) {
    extra.push([`loss (nats/token, ${m.lossTokenization})`, m.loss.toFixed(4)]);
    extra.push([`perplexity (${m.lossTokenization})`, m.perplexity!.toFixed(2)]);
    if (m.otherSentence) extra.push([`perplexity given another pair's sentence`, `${m.otherSentence.perplexity.toFixed(2)} (${m.otherSentence.ratio.toFixed(2)}x)`]);
  }
  extra.push(['outputs with <unk>', pct(m.unkRate)]);
  if (m.lexFailures > 0) extra.push(['outputs the lexer rejected', String(m.lexFailures)]);
  return formatTable(summary, {
    labels: {
      bleu: `${m.bleuTokenization} (corpus, 0-100)`,
      exactMatch: 'exact match (lexer tokens)',
      tokenAccuracy: 'token accuracy (teacher-forced, model tokens)',
    },
    extra,
  });
}

/** One problem of an execution benchmark, in the shape every harness shares. */
export interface ExecProblem {
  id: string;
  /** The English sentence the model is given. */
  prompt: string;
}

export interface ExecRecord extends ExampleRecord {
  id: string;
  prompt: string;
  prediction: string;
  /** Every candidate run (the prediction first). */
  samples: string[];
  syntaxOk: boolean;
  runs: RunStatus[];
  boundRuns: RunStatus[];
  expectedName?: string;
  definedName?: string;
  /** Last line of the first strict run's stderr when it did not pass (why it failed). */
  firstError?: string;
  /** The same for the first bound run that differs from the strict one and did not pass. */
  boundError?: string;
  ms?: number;
}

export interface ExecMetrics {
  problems: number;
  samplesPerProblem: number;
  /** pass@k (0-1) strict: the official score. */
  passAtK: Record<string, number>;
  /** pass@k (0-1) bound: lenient. */
  boundPassAtK: Record<string, number>;
  strictMeaning: string;
  boundMeaning: string;
  /** Share of candidates python3's compile() accepts. */
  syntaxValidity: number;
  statusCounts: Record<RunStatus, number>;
}

export type ExecHarness =
  | { kind: 'mbpp'; tasks: readonly MbppTask[] }
  | { kind: 'humaneval'; tasks: readonly HumanEvalTask[] };

function lastLine(s: string): string | undefined {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1] || undefined;
}

/** HumanEval candidates are whole programs appended after the prompt; 'bound' also binds the entry point to the first def. */
async function runHumanEval(tasks: readonly HumanEvalTask[], samples: readonly (readonly string[])[], opts: EvalOptions) {
  const plan = tasks.map((t, i) =>
    samples[i].map((code) => {
      const strict = `\n${code}\n`;
      const defined = firstTopLevelFunction(code);
      const definesEntry = new RegExp(`^(?:async\\s+)?def\\s+${t.entryPoint}\\s*\\(`, 'm').test(code);
      return { strict, bound: defined && !definesEntry ? `${strict}${t.entryPoint} = ${defined}\n` : null, defined };
    }),
  );
  const completions = plan.map((row) => [...row.map((p) => p.strict), ...row.filter((p) => p.bound !== null).map((p) => p.bound!)]);
  const results = await evaluateHumanEval(tasks, completions, opts);
  return plan.map((row, i) => {
    let b = row.length;
    return row.map((p, j) => {
      const strict = results[i][j];
      const bound = p.bound === null ? strict : results[i][b++];
      return { strict, bound, expectedName: tasks[i].entryPoint, definedName: p.defined };
    });
  });
}

/**
 * Runs samples[i] (one or more candidates for problems[i]) in the sandbox
 * through the harness (MBPP-style asserts, or HumanEval's check()) and scores
 * pass@k for each k in `ks` (default 1, 5, 10, 100 and the sample count) that
 * every problem has enough samples for.
 */
export async function evaluateExecution(
  problems: readonly ExecProblem[],
  harness: ExecHarness,
  samples: readonly (readonly string[])[],
  opts: EvalOptions & { ks?: readonly number[]; ms?: readonly number[] } = {},
): Promise<{ metrics: ExecMetrics; records: ExecRecord[] }> {
  if (problems.length !== samples.length || harness.tasks.length !== problems.length) {
    throw new Error(`evaluateExecution: ${problems.length} problems, ${harness.tasks.length} tasks, ${samples.length} sample lists`);
  }
  const [results, syntax] = await Promise.all([
    harness.kind === 'mbpp' ? evaluateMbpp(harness.tasks, samples, opts) : runHumanEval(harness.tasks, samples, opts),
    checkSyntax(samples.flat()),
  ]);
  let k = 0;
  const records: ExecRecord[] = problems.map((p, i) => {
    const rs = results[i];
    const oks = samples[i].map(() => syntax[k++].ok);
    const failed = rs.find((r) => r.strict.status !== 'passed');
    const rec: ExecRecord = {
      id: p.id,
      prompt: p.prompt,
      prediction: samples[i][0] ?? '',
      samples: [...samples[i]],
      syntaxOk: oks[0] ?? false,
      runs: rs.map((r) => r.strict.status),
      boundRuns: rs.map((r) => r.bound.status),
      expectedName: rs[0]?.expectedName,
      definedName: rs[0]?.definedName,
    };
    if (failed) rec.firstError = failed.strict.reason ?? lastLine(failed.strict.stderr);
    const boundFailed = rs.find((r) => r.bound !== r.strict && r.bound.status !== 'passed');
    if (boundFailed) rec.boundError = boundFailed.bound.reason ?? lastLine(boundFailed.bound.stderr);
    if (opts.ms?.[i] !== undefined) rec.ms = Math.round(opts.ms[i]);
    return rec;
  });
  const minN = Math.min(...samples.map((s) => s.length));
  // pass@1, 5, 10, 100 and pass@n for the n samples given, where every problem has enough samples
  const ks = [...new Set(opts.ks ?? [1, 5, 10, 100, minN])].filter((x) => x <= minN).sort((a, b) => a - b);
  const agg = aggregate(records, { ks });
  const total = samples.flat().length;
  return {
    metrics: {
      problems: problems.length,
      samplesPerProblem: minN,
      passAtK: agg.passAtK ?? {},
      boundPassAtK: agg.boundPassAtK ?? {},
      strictMeaning: STRICT_MEANING,
      boundMeaning: BOUND_MEANING,
      syntaxValidity: total === 0 ? 0 : syntax.filter((s) => s.ok).length / total,
      statusCounts: agg.statusCounts ?? { passed: 0, failed: 0, timeout: 0, error: 0, killed: 0 },
    },
    records,
  };
}

/** The readable table of an execution evaluation. */
export function formatExecTable(m: ExecMetrics): string {
  return formatTable(
    { examples: m.problems, syntaxValidity: m.syntaxValidity, passAtK: m.passAtK, boundPassAtK: m.boundPassAtK, statusCounts: m.statusCounts },
    { extra: [['samples per problem', String(m.samplesPerProblem)]] },
  );
}

/**
 * The English sentence for a HumanEval prompt: its docstring up to the first
 * example (">>>", "Example", "For example"), on one line; the function's name
 * in words when there is no docstring.
 */
export function humanEvalSentence(task: HumanEvalTask): string {
  const docs = [...task.prompt.matchAll(/("""|''')([\s\S]*?)\1/g)];
  const body = docs.length ? docs[docs.length - 1][2] : '';
  const kept: string[] = [];
  for (const line of body.split('\n')) {
    if (/^\s*(>>>|(for\s+)?examples?\b|e\.g\.)/i.test(line)) break;
    kept.push(line.trim());
  }
  const text = kept.join(' ').replace(/\s+/g, ' ').trim();
  return text || task.entryPoint.replace(/_/g, ' ');
}
