/**
 * `en2py eval`: score a model on its own data split (reference-based metrics
 * plus teacher-forced loss) or on an execution benchmark (MBPP, HumanEval, the
 * team benchmark: pass@k, strict and bound). The metrics live in src/eval
 * (evaluate.ts takes examples and generations, no model); this file loads the
 * model, rebuilds the split, generates, and prints / writes the results.
 */
import { Command, Option } from 'commander';
import { applyPrecision, integer, positiveInt, samplingOptions } from './options.js';
import type { Precision } from '../tensor/precision.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import { describeRecordedFile, isFileRecord, portablePath, repoRelative, resolveRecordedPath, sha256OfFile, type FileRecord } from '../util/portablePaths.js';
import { DEFAULT_CONTRAST_TOKENS, Generator, type GenerateOptions } from '../decode/generator.js';
import { rerankGenerations, reranks } from '../decode/rerank.js';
import type { SplitName } from '../data/split.js';
import {
  benchmarkTasks,
  evaluateExecution,
  evaluateGenerations,
  formatExecTable,
  formatSplitTable,
  humanEvalSentence,
  mbppSplit,
  mbppPrompt,
  MBPP_PROMPT_STYLES,
  type MbppPromptStyle,
  readBenchmark,
  readHumanEval,
  readMbpp,
  writeJsonlAtomic,
  type ExecHarness,
  type ExecProblem,
  type SplitGeneration,
} from '../eval/index.js';
import { loadModel, type LoadedModel } from '../model/bundle.js';
import { encodePairs, type Example } from '../train/data.js';
import { SYNTAX_CHECK } from '../eval/rescoreSyntax.js';
import { loadRunSplits } from '../train/prepare.js';
import { createProgress, type Progress } from '../train/progress.js';
import { resolveSpec, type RunSpec } from '../train/spec.js';
import { otherSentencePerplexity, teacherForced } from '../train/teacherForced.js';
import { DEFAULT_MODEL_DIR } from './generate.js';
import { SELECT_CHOICES, type SelectHow } from './checkedGeneration.js';
import { selectByExecution } from '../eval/execHarness.js';

export const EVAL_FILE = 'eval.jsonl';
const SPLITS: readonly SplitName[] = ['train', 'valid', 'test'];

export interface EvalCliOptions {
  model?: string;
  data?: string;
  split: string;
  benchmark?: string;
  mbpp?: string;
  /** MBPP: the task text alone (default), or the text and its first test (the MBPP paper's protocol). */
  mbppPrompt?: MbppPromptStyle;
  humaneval?: string;
  limit?: number;
  beam: number;
  lengthPenalty: number;
  samples?: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  maxLen: number;
  /** Syntax-aware decoding (src/decode/syntaxGuard.ts). */
  guard: boolean;
  copyNames: boolean;
  /** Beams/samples: the most likely candidate that parses first (src/decode/rerank.ts). */
  rerank: boolean;
  /** With rerank: when nothing parses, cut the most likely candidate to its longest parsing prefix of whole lines. */
  cut: boolean;
  /** Forbid a short cycle repeated more than this many times in a row (0 = off; src/decode/repetition.ts). */
  maxRepeats: number;
  contrast: number;
  contrastTokens?: number;
  /** Matrix products: auto (bf16 where the CPU has bf16 units), fp32 or bf16. */
  precision?: 'auto' | Precision;
  out?: string;
  json?: boolean;
  /** The answer among the candidates: likelihood (with the parse rerank) or exec (src/eval/execSelect.ts). */
  select?: SelectHow;
}

interface RunInfo {
  spec: RunSpec;
  /** The data file training read (run.json data.resolvedPath): by name and sha256, or a path (runs recorded before that). */
  trainedOn?: string | FileRecord;
  /** Split sizes training saw, to check that the rebuilt split is the same. */
  pairs?: Record<string, number>;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function splitPairsOf(summary: unknown): Record<string, number> | undefined {
  const pairs = (summary as { split?: { pairs?: unknown } } | undefined)?.split?.pairs;
  return pairs && typeof pairs === 'object' ? (pairs as Record<string, number>) : undefined;
}

/** Pairs as a model reads them for teacher forcing: its OWN vocabularies and number slots, cut to the lengths its training used. */
export function examplesForModel(loaded: LoadedModel, spec: RunSpec, pairs: Parameters<typeof encodePairs>[0]): Example[] {
  const maxLen = loaded.model.config.maxLen;
  return encodePairs(pairs, loaded.srcVocab, loaded.tgtVocab, Math.min(spec.train.maxSrcLen, maxLen), Math.min(spec.train.maxTgtLen, maxLen), { numberSlots: loaded.model.config.numberSlots }).examples;
}

/** The training spec of a model directory: run.json (a run directory), else config.json's training.spec. */
export function readRunInfo(loaded: LoadedModel): RunInfo {
  const file = path.join(loaded.dir, 'run.json');
  if (existsSync(file)) {
    // summary and engine are facts about the run, not part of its spec.
    const { summary, engine: _engine, ...rest } = readJson(file);
    const data = { ...(rest.data as Record<string, unknown> | undefined) };
    const trainedOn = typeof data.resolvedPath === 'string' || isFileRecord(data.resolvedPath) ? data.resolvedPath : undefined;
    delete data.resolvedPath;
    return { spec: resolveSpec({ ...rest, data }, file), trainedOn, pairs: splitPairsOf(summary) };
  }
  const training = loaded.config.training as { spec?: unknown; data?: { file?: unknown } } | undefined;
  if (training?.spec) {
    const file = training.data?.file;
    const trainedOn = typeof file === 'string' || isFileRecord(file) ? file : undefined;
    return { spec: resolveSpec(training.spec, `${path.join(loaded.dir, 'config.json')} training.spec`), trainedOn, pairs: splitPairsOf(training.data) };
  }
  throw new UserError(
    `${loaded.dir}: no run.json and no training spec in config.json, so its data split cannot be rebuilt; ` +
      'evaluate it with --benchmark, --mbpp or --humaneval instead',
  );
}

/** Generates for each sentence with a progress bar; a sentence the model cannot read (empty) gets empty code. */
function generateAll(generator: Generator, sentences: readonly string[], opts: GenerateOptions, label: string): SplitGeneration[] {
  const progress = createProgress(label, sentences.length);
  const started = performance.now();
  const out = sentences.map((s, i) => {
    let g: SplitGeneration;
    try {
      const r = generator.generate(s, opts);
      g = { code: r.code, alternatives: r.alternatives, modelTokens: r.tokens, ms: r.ms };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      g = { code: '', alternatives: [], modelTokens: [], ms: 0 };
    }
    const done = i + 1;
    progress.update(done, `${((performance.now() - started) / 1000 / done).toFixed(2)} s/prompt`);
    return g;
  });
  progress.stop();
  return out;
}

function decodingOf(o: EvalCliOptions): Record<string, unknown> {
  const syntax = { guard: o.guard, rerank: reranks(o) && o.select !== 'exec', ...(reranks(o) && o.select !== 'exec' ? { cut: o.cut } : {}), maxRepeats: o.maxRepeats, copyNames: o.copyNames, ...(o.contrast ? { contrast: o.contrast, contrastTokens: o.contrastTokens ?? DEFAULT_CONTRAST_TOKENS } : {}), ...(o.select === 'exec' ? { select: 'exec' } : {}) };
  if (o.samples) return { strategy: 'sampling', samples: o.samples, temperature: o.temperature, topK: o.topK ?? null, topP: o.topP ?? null, seed: o.seed, maxLen: o.maxLen, ...syntax };
  return { strategy: o.beam <= 1 ? 'greedy' : 'beam', beam: o.beam, ...(o.beam > 1 ? { lengthPenalty: o.lengthPenalty } : {}), maxLen: o.maxLen, ...syntax };
}

function describeDecoding(o: EvalCliOptions): string {
  const extras = [o.guard ? 'syntax guard' : '', o.select === 'exec' ? 'chosen by execution (largest agreeing group)' : reranks(o) ? (o.cut ? 'parse rerank (cut when nothing parses)' : 'parse rerank') : '', o.maxRepeats ? `cycles repeated at most ${o.maxRepeats}x` : '', o.contrast ? `sentence contrast ${o.contrast} over ${o.contrastTokens ?? DEFAULT_CONTRAST_TOKENS} tokens` : '', o.copyNames ? '' : 'names not copied'].filter(Boolean).join(', ');
  const base = o.samples ? `${o.samples} samples per prompt (temperature ${o.temperature})` : o.beam <= 1 ? 'greedy' : `beam ${o.beam}, length penalty ${o.lengthPenalty}`;
  return extras ? `${base}, ${extras}` : base;
}

/**
 * With --select exec, each output becomes the candidate chosen by execution;
 * otherwise, with --rerank, the most likely of its candidates that parses (one python3 for all).
 */
async function maybeRerank(generations: SplitGeneration[], o: EvalCliOptions, prompts: readonly string[]): Promise<SplitGeneration[]> {
  if (o.select === 'exec') {
    const all = generations.map((g) => [g.code, ...(g.alternatives ?? [])]);
    const chosen = await selectByExecution(prompts, all);
    return generations.map((g, i) => (chosen[i].index === 0 ? g
      : { ...g, code: chosen[i].code, alternatives: all[i].filter((_, j) => j !== chosen[i].index), modelTokens: undefined }));
  }
  if (!reranks(o)) return generations;
  // The model tokens are those of the most likely candidate, so a reranked output has none.
  return (await rerankGenerations(generations, { cut: o.cut })).map(({ reranked, cut, ...g }) => (reranked ? { ...g, modelTokens: undefined, ...(cut ? { cut } : {}) } : g));
}

const seconds = (t0: number): number => Math.round((performance.now() - t0) / 10) / 100;

async function evalSplit(loaded: LoadedModel, generator: Generator, o: EvalCliOptions, genOpts: GenerateOptions) {
  if (!SPLITS.includes(o.split as SplitName)) throw new UserError(`unknown split "${o.split}": expected one of ${SPLITS.join(', ')}`);
  const split = o.split as SplitName;
  const info = readRunInfo(loaded);
  const recordedPath = typeof info.trainedOn === 'string' ? resolveRecordedPath(info.trainedOn) : undefined;
  const dataArg = o.data ?? (recordedPath && existsSync(recordedPath) ? recordedPath : undefined);
  if (o.data && !existsSync(o.data)) throw new UserError(`${o.data}: no such data file (given with --data)`);
  const t0 = performance.now();
  const run = await loadRunSplits(info.spec, dataArg);
  // Found by the usual search ($EN2PY_DATA, ../shared/data, the cache): it must be the file training read.
  if (!o.data && isFileRecord(info.trainedOn) && sha256OfFile(run.file) !== info.trainedOn.sha256) {
    throw new UserError(`${run.file}: not the data file the model was trained on (${describeRecordedFile(info.trainedOn, true)}); pass that file with --data`);
  }
  if (info.pairs) {
    const differ = SPLITS.filter((s) => typeof info.pairs![s] === 'number' && info.pairs![s] !== run.splits[s].length);
    if (differ.length) {
      throw new UserError(
        `${run.file}: this split (${SPLITS.map((s) => `${s} ${run.splits[s].length}`).join(', ')}) is not the one the model was trained on ` +
          `(${SPLITS.map((s) => `${s} ${info.pairs![s]}`).join(', ')}); pass the data file it was trained on${info.trainedOn ? ` (${describeRecordedFile(info.trainedOn, true)})` : ''} with --data`,
      );
    }
  }
  const pairs = run.splits[split].slice(0, o.limit ?? Infinity);
  if (pairs.length === 0) throw new UserError(`${run.file}: the ${split} split is empty`);
  const loadS = seconds(t0);

  const t1 = performance.now();
  const examples = examplesForModel(loaded, info.spec, pairs);
  const tf = teacherForced(loaded.members, examples);
  const other = otherSentencePerplexity(loaded.members, examples);
  const teacherS = seconds(t1);

  const t2 = performance.now();
  const generations = await maybeRerank(generateAll(generator, pairs.map((p) => p.description), genOpts, `eval ${split}`), o, pairs.map((p) => p.description));
  const generateS = seconds(t2);

  const t3 = performance.now();
  const { metrics, records } = await evaluateGenerations(
    pairs.map((p) => ({ id: p.id, source: p.description, reference: p.code })),
    generations,
    tf.perExample,
  );
  const metricsS = seconds(t3);
  metrics.otherSentence = { perplexity: other, ratio: other / tf.perplexity };
  return {
    header: `${loaded.dir}: ${split} split of ${run.file} (${pairs.length} examples), ${describeDecoding(o)}`,
    summary: { set: 'split', data: portablePath(run.file), split, ...metrics },
    table: formatSplitTable(metrics),
    records,
    timings: { loadS, teacherForcedS: teacherS, generateS, metricsS },
  };
}

function readExecSet(o: EvalCliOptions): { name: string; file: string; problems: ExecProblem[]; harness: ExecHarness } {
  const limit = o.limit ?? Infinity;
  if (o.mbpp) {
    const tasks = readMbpp(o.mbpp).filter((t) => mbppSplit(t.taskId) === 'test').sort((a, b) => a.taskId - b.taskId);
    if (tasks.length === 0) throw new UserError(`${o.mbpp}: no MBPP test-split task (task ids 11-510) in this file`);
    const kept = tasks.slice(0, limit);
    return { name: 'mbpp', file: o.mbpp, problems: kept.map((t) => ({ id: `mbpp/${t.taskId}`, prompt: mbppPrompt(t, o.mbppPrompt ?? 'text') })), harness: { kind: 'mbpp', tasks: kept } };
  }
  if (o.humaneval) {
    const tasks = readHumanEval(o.humaneval).slice(0, limit);
    if (tasks.length === 0) throw new UserError(`${o.humaneval}: no HumanEval problem in this file`);
    return { name: 'humaneval', file: o.humaneval, problems: tasks.map((t) => ({ id: t.taskId, prompt: humanEvalSentence(t) })), harness: { kind: 'humaneval', tasks } };
  }
  const problems = readBenchmark(o.benchmark!).slice(0, limit);
  return { name: 'benchmark', file: o.benchmark!, problems: problems.map((p) => ({ id: p.id, prompt: p.prompt })), harness: { kind: 'mbpp', tasks: benchmarkTasks(problems) } };
}

async function evalExecution(loaded: LoadedModel, generator: Generator, o: EvalCliOptions, genOpts: GenerateOptions) {
  const t0 = performance.now();
  const set = readExecSet(o);
  const loadS = seconds(t0);
  const t1 = performance.now();
  const generations = await maybeRerank(generateAll(generator, set.problems.map((p) => p.prompt), genOpts, `eval ${set.name}`), o, set.problems.map((p) => p.prompt));
  const generateS = seconds(t1);
  const t2 = performance.now();
  // Chosen by execution, the one chosen program is scored (pass@1), not the samples it was chosen from.
  const samples = generations.map((g) => [g.code, ...(o.samples && o.select !== 'exec' ? g.alternatives ?? [] : [])]);
  // The number of programs (strict, plus bound ones where needed) is known once the harness built them.
  let progress: Progress | undefined;
  const { metrics, records } = await evaluateExecution(set.problems, set.harness, samples, {
    ms: generations.map((g) => g.ms ?? 0),
    onProgress: (done, total) => (progress ??= createProgress(`run ${set.name}`, total)).update(done),
  });
  progress?.stop();
  const executeS = seconds(t2);
  return {
    header: `${loaded.dir}: ${set.name} ${set.file} (${set.problems.length} problems), ${describeDecoding(o)}`,
    summary: { set: set.name, data: portablePath(set.file), ...(set.name === 'mbpp' && { prompt: o.mbppPrompt ?? 'text' }), ...metrics },
    table: formatExecTable(metrics),
    records,
    timings: { loadS, generateS, executeS },
  };
}

export async function runEval(o: EvalCliOptions): Promise<{ summary: Record<string, unknown>; table: string; header: string; evalFile: string }> {
  const chosen = (['benchmark', 'mbpp', 'humaneval'] as const).filter((k) => o[k] !== undefined);
  if (chosen.length > 1) throw new UserError(`give one of --benchmark, --mbpp, --humaneval per run (got ${chosen.map((k) => `--${k}`).join(' and ')})`);
  if (chosen.length === 1 && (o.data || o.split !== 'test')) throw new UserError(`--data and --split are for a data split; with --${chosen[0]} leave them out`);
  if (o.samples && o.beam > 1) throw new UserError('give either --beam or --samples, not both');
  const started = performance.now();
  const precision = applyPrecision(o.precision);
  const loaded = loadModel(o.model ?? DEFAULT_MODEL_DIR);
  const generator = new Generator(loaded);
  const genOpts: GenerateOptions = {
    beam: o.beam, lengthPenalty: o.lengthPenalty, samples: o.samples, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed, maxLen: o.maxLen,
    guard: o.guard, maxRepeats: o.maxRepeats, contrast: o.contrast, contrastTokens: o.contrastTokens, copyNames: o.copyNames,
  };
  const r = chosen.length ? await evalExecution(loaded, generator, o, genOpts) : await evalSplit(loaded, generator, o, genOpts);
  const evalFile = path.join(o.out ?? loaded.dir, EVAL_FILE);
  writeJsonlAtomic(evalFile, r.records);
  // Paths as portable records (src/util/portablePaths.ts): these summaries are committed under results/.
  const summary = {
    model: repoRelative(loaded.dir),
    ...r.summary,
    syntaxCheck: SYNTAX_CHECK,
    decoding: decodingOf(o),
    precision,
    timings: { ...r.timings, totalS: seconds(started) },
    evalFile: repoRelative(evalFile),
  };
  return { summary, table: r.table, header: r.header, evalFile };
}

/** `en2py eval`: metrics of a model on a data split or an execution benchmark. */
export function evalCommand(): Command {
  return samplingOptions(
    new Command('eval')
      .description('evaluate a model: its own data split (BLEU, CodeBLEU, exact match, token accuracy, loss, syntax) or MBPP/HumanEval/benchmark (pass@k)')
      .option('--model <dir>', 'model directory (default: models/default in the repository)')
      .option('--data <file>', 'data file the model was trained on (default: the one its run.json names)')
      .option('--split <name>', 'split to score: train, valid or test', 'test')
      .option('--benchmark <file>', 'the team benchmark (benchmarks/en2py-bench.jsonl): pass@k instead of a data split')
      .option('--mbpp <file>', 'MBPP jsonl: its test split (tasks 11-510), pass@k')
      .addOption(new Option('--mbpp-prompt <style>', 'MBPP: the sentence given, the task text alone or the text and its first test (the MBPP paper\'s protocol)').choices(MBPP_PROMPT_STYLES).default('text'))
      .option('--humaneval <file>', 'HumanEval jsonl: pass@k (the docstring is the prompt, the output a whole program)')
      .option('--limit <n>', 'only the first n examples / problems (MBPP: by task id)', positiveInt)
      .option('--beam <n>', 'beam size (1 = greedy)', positiveInt, 1)
      .option('--samples <k>', 'sample k outputs per prompt (pass@k for k up to this); scores the most likely on a data split', positiveInt),
  )
    .option('--seed <n>', 'sampling seed', integer, 1)
    .option('--max-len <n>', 'maximum output tokens', positiveInt, 256)
    .option('--out <dir>', `folder for ${EVAL_FILE} (default: the model directory)`)
    .option('--json', 'print one JSON object with every metric')
    .addOption(new Option('--select <how>', 'the answer among the beams or samples: likelihood (the most likely that parses), or exec (the largest group agreeing on outputs in the sandbox; pass@1 of that one)').choices(SELECT_CHOICES).default('likelihood'))
    .action(async (o: EvalCliOptions) => {
      const r = await runEval(o);
      if (o.json) {
        process.stdout.write(JSON.stringify(r.summary) + '\n');
        return;
      }
      const t = r.summary.timings as Record<string, number>;
      process.stdout.write(`${r.header}\n${r.table}\n`);
      process.stdout.write(`time: ${Object.entries(t).map(([k, v]) => `${k.replace(/S$/, '')} ${v} s`).join(', ')}\nper-example results: ${r.evalFile}\n`);
    });
}
