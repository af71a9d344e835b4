// Choosing by execution (MBR-exec / CodeT-style agreement, src/eval/execSelect.ts)
// against beam search, on VALIDATION data only: MBPP tasks 511-600, each prompt
// the task text plus its first test (the standard protocol). One pass per task
// generates the beam candidates (beam 5 + greedy, syntax guard, repetition limit)
// and N samples (temperature 0.8, seed 1000 + task id), runs the candidates in the
// sandbox for their signatures, and then scores every candidate on the task's
// tests, so each way of choosing is read off the same candidates:
//   beam       the default decoding: beam 5, the most likely candidate that parses
//   exec-samples   the largest agreeing group of the N samples
//   exec-beam      the largest agreeing group of the beam candidates
//   exec-all       the largest agreeing group of beam candidates + samples
//   first-sample   the most likely sample (for reference)
//   coder-all      the candidate of beams + samples that compiles with the highest log-probability per token
// and with --reviewer DIR (a Python → English model, src/decode/reviewer.ts), among those that compile:
//   reviewer       the highest log p(sentence | code) per word
//   coder-reviewer the highest sum of the two (Coder-Reviewer reranking)
// plus oracle@N (some sample passes), the oracle over all candidates and the samples' unbiased pass@1.
// With --functions DIR instead, the same on the validation slice of the shared functions/ pairs
// with tests (src/data/functions.ts functionsValidation: held out of training; the prompt is the
// description plus its first test, as for MBPP):
//   node dist/bench/execSelect.js --mbpp ../shared/data/mbpp/mbpp.jsonl [--samples 10] [--limit n] [--model models/default]
//        [--out results/exec-select/mbpp-valid.json]
//   node dist/bench/execSelect.js --functions ../shared/data/functions --out results/exec-select/functions-valid.json
//   ... --reviewer runs/reviewers/r1   (adds the reviewer's ways of choosing)
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Generator, DEFAULT_CONTRAST_TOKENS, DEFAULT_MAX_REPEATS } from '../src/decode/generator.js';
import { parsingFirst } from '../src/decode/rerank.js';
import { chooseCoderReviewer, coderLogProbPerToken, reviewerLogProbs } from '../src/decode/reviewer.js';
import { checkPythonCompiles } from '../src/python/astCheck.js';
import { DEFAULT_BEAM, DEFAULT_LENGTH_PENALTY } from '../src/decode/search.js';
import { selectByExecution } from '../src/eval/execHarness.js';
import { chooseByAgreement } from '../src/eval/execSelect.js';
import { passAtK } from '../src/eval/passk.js';
import { evaluateMbpp, mbppPrompt, mbppSplit, readMbpp, type MbppTask } from '../src/eval/tasks.js';
import { loadModel } from '../src/model/bundle.js';
import { FUNCTIONS_VALID_EVERY, functionsValidation, readFunctions } from '../src/data/functions.js';
import { repoRoot } from '../src/paths.js';
import { resolvePrecision, setPrecision } from '../src/tensor/precision.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { portablePath, repoRelative } from '../src/util/portablePaths.js';

const BASE_WAYS = ['beam', 'exec-samples', 'exec-beam', 'exec-all', 'first-sample', 'coder-all'] as const;
const REVIEWER_WAYS = ['reviewer', 'coder-reviewer'] as const;
type Way = (typeof BASE_WAYS)[number] | (typeof REVIEWER_WAYS)[number];


/** The q-quantile (nearest rank) of xs. */
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : 0;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mbpp: { type: 'string', default: path.join(repoRoot, '..', 'shared', 'data', 'mbpp', 'mbpp.jsonl') },
      functions: { type: 'string' },
      prompt: { type: 'string', default: 'text+test' },
      model: { type: 'string', default: path.join(repoRoot, 'models', 'default') },
      reviewer: { type: 'string' },
      samples: { type: 'string', default: '10' },
      contrast: { type: 'string', default: '0' },
      'contrast-tokens': { type: 'string', default: String(DEFAULT_CONTRAST_TOKENS) },
      limit: { type: 'string' },
      out: { type: 'string', default: path.join(repoRoot, 'results', 'exec-select', 'mbpp-valid.json') },
    },
  });
  const n = Number(values.samples);
  if (values.prompt !== 'text+test' && values.prompt !== 'text') throw new Error(`--prompt: expected text+test or text, got ${values.prompt}`);
  const withTest = values.prompt === 'text+test';
  // functions/ pairs as MBPP tasks: the description is the text, the tests the test list; taskId numbers the slice.
  const fromFunctions = (dir: string): Array<MbppTask & { id: string }> => functionsValidation(readFunctions(dir).pairs)
    .map((p, i) => ({ id: p.id, taskId: i + 1, text: p.description, code: p.code, testSetupCode: '', testList: p.testList!, challengeTestList: [] }));
  const tasks = (values.functions ? fromFunctions(values.functions)
    : readMbpp(values.mbpp!).filter((t) => mbppSplit(t.taskId) === 'valid').sort((a, b) => a.taskId - b.taskId).map((t) => ({ ...t, id: `mbpp/${t.taskId}` })))
    .slice(0, values.limit ? Number(values.limit) : Infinity);
  const setName = values.functions ? `the validation slice of the shared functions/ pairs with tests (every ${FUNCTIONS_VALID_EVERY}th by id, held out of training)` : 'MBPP validation tasks 511-600';
  const precision = resolvePrecision('auto');
  setPrecision(precision);
  const loaded = loadModel(values.model!);
  const generator = new Generator(loaded);
  const reviewer = values.reviewer ? loadModel(values.reviewer, { direction: 'py2en' }) : undefined;
  const WAYS: readonly Way[] = [...BASE_WAYS, ...(reviewer ? REVIEWER_WAYS : [])];
  // --contrast: the sentence contrast (src/decode/stepper.ts) for the beams and the samples alike.
  const contrast = Number(values.contrast);
  const contrastTokens = Number(values['contrast-tokens']);
  if (!(contrast >= 0) || !(contrastTokens > 0)) throw new Error(`--contrast: expected a number ≥ 0 and --contrast-tokens a positive count, got ${values.contrast}, ${values['contrast-tokens']}`);
  const common = { guard: true, maxRepeats: DEFAULT_MAX_REPEATS, maxLen: 256, contrast, contrastTokens };
  const log = (s: string) => process.stderr.write(`${new Date().toISOString()} ${s}\n`);
  log(`${tasks.length} of ${setName}, ${n} samples, model ${values.model}, precision ${precision}`);

  interface Row {
    task: MbppTask & { id: string }; prompt: string; beams: string[]; samples: string[];
    /** Per candidate (beams, then samples): the coder's log-probability per token, and the reviewer's per word. */
    coder: number[]; review?: number[];
    beamMs: number; sampleMs: number; execSamplesMs: number; execAllMs: number; reviewMs: number;
    chosen: Partial<Record<Way, number>>; // index into all = [...beams, ...samples]
    groups: Partial<Record<Way, { size: number; groups: number; executed: number }>>;
  }
  const rows: Row[] = [];
  for (const [i, task] of tasks.entries()) {
    const prompt = mbppPrompt(task, withTest ? 'text+test' : 'text');
    let t = performance.now();
    const beamCandidates = generator.generate(prompt, { ...common, beam: DEFAULT_BEAM, lengthPenalty: DEFAULT_LENGTH_PENALTY }).candidates;
    const beams = beamCandidates.map((c) => c.code);
    const beamMs = performance.now() - t;
    t = performance.now();
    const sampleCandidates = generator.generate(prompt, { ...common, samples: n, temperature: 0.8, seed: 1000 + task.taskId }).candidates;
    const samples = sampleCandidates.map((c) => c.code);
    const sampleMs = performance.now() - t;
    const coder = [...beamCandidates, ...sampleCandidates].map(coderLogProbPerToken);
    t = performance.now();
    const review = reviewer ? reviewerLogProbs(reviewer, prompt, [...beams, ...samples]) : undefined;
    const reviewMs = performance.now() - t;
    // Latency as a user would see it: the samples' signatures for this prompt alone, two sandboxes at a time.
    t = performance.now();
    const [es] = await selectByExecution([prompt], [samples]);
    const execSamplesMs = performance.now() - t;
    t = performance.now();
    const [eb] = await selectByExecution([prompt], [beams]);
    const execAllMs = performance.now() - t + execSamplesMs;
    // exec-all reuses both runs' signatures (the same candidates on the same inputs).
    const ea = chooseByAgreement([...eb.executions, ...es.executions].map((e) => e.signature));
    const g = (c: { groupSize: number; groups: number; executed: number }) => ({ size: c.groupSize, groups: c.groups, executed: c.executed });
    rows.push({
      task, prompt, beams, samples, coder, review, beamMs, sampleMs, execSamplesMs, execAllMs, reviewMs,
      chosen: { 'exec-samples': beams.length + es.index, 'exec-beam': eb.index, 'exec-all': ea.index, 'first-sample': beams.length },
      groups: { 'exec-samples': g(es), 'exec-beam': g(eb), 'exec-all': g(ea) },
    });
    log(`${task.id} (${i + 1}/${tasks.length}): beam ${Math.round(beamMs)} ms, samples ${Math.round(sampleMs)} ms, exec ${Math.round(execSamplesMs)} ms; largest group ${es.groupSize}/${samples.length}`);
  }
  // One python3 compiles every candidate. The default decoding's answer is the most likely beam
  // candidate that parses (parsingFirst, the parse rerank's rule); the rerankings by score choose
  // among the candidates that compile, and give the default's answer when none does.
  const compiles = await checkPythonCompiles(rows.flatMap((r) => [...r.beams, ...r.samples]));
  let at = 0;
  for (const r of rows) {
    const ok = compiles.slice(at, at + r.coder.length).map((c) => c.ok);
    at += r.coder.length;
    r.chosen.beam = parsingFirst(r.beams.map((_, j) => j), ok.slice(0, r.beams.length)).ordered[0];
    const pick = (i: number) => (i < 0 ? r.chosen.beam! : i);
    const zeros = r.coder.map(() => 0);
    r.chosen['coder-all'] = pick(chooseCoderReviewer(r.coder, zeros, (i) => ok[i]));
    if (r.review) {
      r.chosen.reviewer = pick(chooseCoderReviewer(zeros, r.review, (i) => ok[i]));
      r.chosen['coder-reviewer'] = pick(chooseCoderReviewer(r.coder, r.review, (i) => ok[i]));
    }
  }
  log('running every candidate on its task\'s tests');
  const all = rows.map((r) => [...r.beams, ...r.samples]);
  const results = await evaluateMbpp(rows.map((r) => r.task), all, { concurrency: 2 });
  const passes = (i: number, j: number, kind: 'strict' | 'bound') => results[i][j][kind].status === 'passed';

  const score = (kind: 'strict' | 'bound') => {
    const out: Record<string, number> = {};
    for (const w of WAYS) out[w] = rows.filter((r, i) => passes(i, r.chosen[w]!, kind)).length;
    out[`oracle@${n} (some sample passes)`] = rows.filter((r, i) => r.samples.some((_, j) => passes(i, r.beams.length + j, kind))).length;
    out['oracle over beams + samples'] = rows.filter((r, i) => [...r.beams, ...r.samples].some((_, j) => passes(i, j, kind))).length;
    // What `generate --test` with the task's tests would return: the first passing one of the first N candidates (beams, then samples).
    out[`--test filter, pass@${n} with test filtering (first ${n} of beams then samples)`] = rows.filter((r, i) => [...r.beams, ...r.samples].slice(0, n).some((_, j) => passes(i, j, kind))).length;
    out['samples pass@1 (unbiased, x tasks)'] = Math.round(100 * rows.reduce((s, r, i) => {
      const c = r.samples.filter((_, j) => passes(i, r.beams.length + j, kind)).length;
      return s + passAtK(r.samples.length, c, 1);
    }, 0)) / 100;
    return out;
  };
  const ms = (f: (r: Row) => number) => {
    const xs = rows.map(f);
    return { median: Math.round(quantile(xs, 0.5)), p90: Math.round(quantile(xs, 0.9)), max: Math.round(Math.max(...xs)), mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) };
  };
  const summary = {
    what: `Choosing by execution (largest group of candidates agreeing on outputs) against beam search, ${setName}`,
    protocol: `${withTest ? 'prompt = the task text + "\\n" + its first test (standard MBPP protocol)' : 'prompt = the task text alone'}; scored on all of the task's tests; no test set was used`,
    command: `node dist/bench/execSelect.js ${values.functions ? '--functions ../shared/data/functions' : '--mbpp ../shared/data/mbpp/mbpp.jsonl'} --samples ${n}${withTest ? '' : ' --prompt text'}${contrast ? ` --contrast ${contrast} --contrast-tokens ${contrastTokens}` : ''}${values.limit ? ` --limit ${values.limit}` : ''}${repoRelative(values.model!) === 'models/default' ? '' : ` --model ${repoRelative(values.model!)}`}${values.reviewer ? ` --reviewer ${repoRelative(values.reviewer)}` : ''} --out ${repoRelative(values.out!)}`,
    model: repoRelative(values.model!),
    ...(values.reviewer ? { reviewer: repoRelative(values.reviewer) } : {}),
    data: values.functions ? repoRelative(values.functions) : portablePath(values.mbpp!),
    tasks: rows.length,
    samples: n,
    ...(contrast ? { contrast: { weight: contrast, tokens: contrastTokens } } : {}),
    decoding: { beam: DEFAULT_BEAM, lengthPenalty: DEFAULT_LENGTH_PENALTY, temperature: 0.8, seed: '1000 + task id', ...common, precision },
    inputRule: 'src/eval/execHarness.ts: the literal argument lists of the calls in the prompt, then 11 generic tuples cut to the arity',
    passedStrict: score('strict'),
    passedBound: score('bound'),
    passedMeaning: 'tasks (of `tasks`) whose chosen program passes every test; strict = as written, bound = its first function bound to the tested name. The --test row is pass@N WITH test filtering (the tests chose among N programs), not pass@1; tasksDetail lists the passing candidates (indices into the beams, then the samples)',
    meanLargestGroup: Object.fromEntries((['exec-samples', 'exec-beam', 'exec-all'] as const).map((w) => [w, Math.round(100 * rows.reduce((s, r) => s + r.groups[w]!.size, 0) / rows.length) / 100])),
    tasksWithNoExecutableCandidate: Object.fromEntries((['exec-samples', 'exec-beam', 'exec-all'] as const).map((w) => [w, rows.filter((r) => r.groups[w]!.executed === 0).length])),
    latencyMs: {
      beamGeneration: ms((r) => r.beamMs),
      sampleGeneration: ms((r) => r.sampleMs),
      execSignaturesOfSamples: ms((r) => r.execSamplesMs),
      'exec-samples total (samples + their signatures)': ms((r) => r.sampleMs + r.execSamplesMs),
      'exec-all total (beam + samples + all signatures)': ms((r) => r.beamMs + r.sampleMs + r.execAllMs),
      ...(reviewer ? {
        reviewerScoring: ms((r) => r.reviewMs),
        'coder-reviewer total (beam + samples + reviewer)': ms((r) => r.beamMs + r.sampleMs + r.reviewMs),
      } : {}),
    },
    cpu: (await import('node:os')).cpus()[0]?.model,
    note: 'measured on a shared 2-core machine under load from other jobs; latencies are wall times',
    tasksDetail: rows.map((r, i) => ({
      id: r.task.id,
      chosen: r.chosen,
      strict: Object.fromEntries(WAYS.map((w) => [w, passes(i, r.chosen[w]!, 'strict')])),
      candidates: r.beams.length + r.samples.length,
      beams: r.beams.length,
      passingStrict: [...r.beams, ...r.samples].map((_, j) => j).filter((j) => passes(i, j, 'strict')),
      passingBound: [...r.beams, ...r.samples].map((_, j) => j).filter((j) => passes(i, j, 'bound')),
      groups: r.groups,
      ms: { beam: Math.round(r.beamMs), samples: Math.round(r.sampleMs), execSamples: Math.round(r.execSamplesMs), execAll: Math.round(r.execAllMs), ...(reviewer ? { review: Math.round(r.reviewMs) } : {}) },
    })),
  };
  writeFileAtomic(values.out!, JSON.stringify(summary, null, 1) + '\n');
  log(`wrote ${values.out}: strict ${JSON.stringify(summary.passedStrict)}`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
