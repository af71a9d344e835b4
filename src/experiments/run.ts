/**
 * `en2py experiment run`: train, evaluate and record one experiment.
 *
 *   runs/experiments/NAME/   the training run (checkpoints; not committed)
 *   results/NAME/            what is committed:
 *     config.json            the resolved run spec
 *     metrics.jsonl          one line per epoch (train/valid loss, tokens/s, times)
 *     embeddings.json        coverage / neighbours of pretrained embeddings (E2, E3)
 *     test.json, mbpp.json, benchmark.json   evaluation summaries (+ per-example eval.jsonl folders)
 *     result.json            the final record: metrics, git commit, machine, wall time
 *
 * Rerunning is safe: a finished experiment (result.json with the same config)
 * is skipped, an interrupted one resumes from its last checkpoint, and an
 * evaluation already written is not redone.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { runEval, type EvalCliOptions } from '../commands/eval.js';
import { resolveDataPath } from '../data/resolve.js';
import { resolveGloveFile } from '../embeddings/pretrained.js';
import { UserError } from '../errors.js';
import { benchmarkPath } from '../eval/benchmark.js';
import { repoRoot } from '../paths.js';
import type { EpochMetrics } from '../train/checkpoint.js';
import { loadEmbeddingInit, type EmbeddingInitSummary } from '../train/embeddingInit.js';
import { prepareData } from '../train/prepare.js';
import { resolveSpec, type RunSpec } from '../train/spec.js';
import { train } from '../train/trainer.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { Experiment } from './registry.js';

export const RESULTS_DIR = path.join(repoRoot, 'results');
export const RUNS_DIR = path.join(repoRoot, 'runs', 'experiments');
export const SHARED_MBPP = path.resolve(repoRoot, '..', 'shared', 'data', 'mbpp', 'mbpp.jsonl');
export const RESULT_FILE = 'result.json';

export interface RunOptions {
  resultsDir?: string;
  runsDir?: string;
  /** MBPP jsonl for pass@1 on its test split; null: skip MBPP. */
  mbpp: string | null;
  /** Evaluate on the first N examples of each set only (quick checks; recorded in the result). */
  evalLimit?: number;
  log?: (line: string) => void;
}

export type EvalSetName = 'test' | 'mbpp' | 'benchmark';

export interface ExperimentResult {
  name: string;
  description: string | null;
  configFile: string;
  config: RunSpec;
  commit: { hash: string | null; dirty: boolean | null };
  machine: { cpu: string; cores: number; memoryGiB: number; platform: string; node: string; ompThreads: string | null };
  recordedAt: string;
  training: {
    parameters: number;
    epochs: number;
    bestEpoch: number | null;
    bestValidLoss: number | null;
    bestValidPpl: number | null;
    stopReason: string | null;
    /** Σ epoch_s: time in optimiser steps. */
    stepSeconds: number;
    /** Σ valid_s: time in the validation passes. */
    validSeconds: number;
    tokensPerSecond: number;
  };
  embeddings: EmbeddingInitSummary | null;
  eval: Record<EvalSetName, Record<string, unknown> | null>;
  evalSeconds: number;
  /** Training (steps + validation) + loading/training embeddings + evaluation. */
  wallSeconds: number;
  evalLimit: number | null;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function gitCommit(): ExperimentResult['commit'] {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return { hash: null, dirty: null };
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
  return { hash: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim() !== '' : null };
}

function machine(): ExperimentResult['machine'] {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    ompThreads: process.env.OMP_NUM_THREADS ?? null,
  };
}

/** Fails before any training when a run could not finish: missing data, vectors not installed. */
export function preflight(exp: Experiment): void {
  try {
    resolveDataPath({ data: exp.spec.data.path ?? undefined });
  } catch (err) {
    throw new UserError(`${exp.file}: data.path: ${(err as Error).message}`);
  }
  if (exp.spec.embeddings.source) {
    try {
      resolveGloveFile();
    } catch (err) {
      throw new UserError(`${exp.file}: embeddings.source: ${(err as Error).message}`);
    }
  }
}

/**
 * Whether a recorded config is the one asked for. The recorded one is resolved
 * again first, so options added to the schema since (with their defaults) do
 * not make a finished experiment look different.
 */
function sameConfig(recorded: unknown, spec: RunSpec): boolean {
  // The description and the base experiment are notes for readers; they do not change what is trained.
  const plain = ({ description: _d, base: _b, ...rest }: RunSpec) => JSON.parse(JSON.stringify(rest)) as unknown;
  try {
    return isDeepStrictEqual(plain(resolveSpec(recorded, 'recorded config')), plain(spec));
  } catch {
    return false;
  }
}

const relative = (p: string) => path.relative(process.cwd(), p) || '.';

/**
 * The recorded result when the experiment finished with this config and
 * evaluation; undefined when it has not finished. A result of another config
 * is an error: it would be silently mixed with new runs otherwise.
 */
export function finishedResult(exp: Experiment, o: Pick<RunOptions, 'resultsDir' | 'runsDir' | 'evalLimit'>): ExperimentResult | undefined {
  const resultsDir = path.join(o.resultsDir ?? RESULTS_DIR, exp.name);
  const resultFile = path.join(resultsDir, RESULT_FILE);
  if (!existsSync(resultFile)) return undefined;
  const done = readJson<ExperimentResult>(resultFile);
  if (sameConfig(done.config, exp.spec) && (done.evalLimit ?? undefined) === o.evalLimit) return done;
  const runDir = path.join(o.runsDir ?? RUNS_DIR, exp.name);
  throw new UserError(`${relative(resultFile)} holds results of a different config or evaluation of ${exp.name}; delete ${relative(resultsDir)} and ${relative(runDir)} to run it again`);
}

export async function runExperiment(exp: Experiment, o: RunOptions): Promise<{ status: 'skipped' | 'done'; result: ExperimentResult }> {
  const log = o.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const resultsDir = path.join(o.resultsDir ?? RESULTS_DIR, exp.name);
  const runDir = path.join(o.runsDir ?? RUNS_DIR, exp.name);
  const resultFile = path.join(resultsDir, RESULT_FILE);
  const done = finishedResult(exp, o);
  if (done) {
    log(`${exp.name}: finished already (${relative(resultFile)}), skipped`);
    return { status: 'skipped', result: done };
  }
  preflight(exp);
  const release = lockRun(runDir, exp.name);
  try {
    return await trainEvaluateRecord(exp, o, { resultsDir, runDir, resultFile, log });
  } finally {
    release();
  }
}

/**
 * Who holds a run's lock ("PID HOST" in run.lock), and whether that process is
 * still alive. Liveness is known only on this host; a lock from another host
 * counts as alive.
 */
export function lockHolder(runDir: string): { pid: number; host: string; alive: boolean } | null {
  const file = path.join(runDir, 'run.lock');
  if (!existsSync(file)) return null;
  const [pid, host] = readFileSync(file, 'utf8').trim().split(' ');
  if (host !== os.hostname()) return { pid: Number(pid), host, alive: true };
  try {
    process.kill(Number(pid), 0);
    return { pid: Number(pid), host, alive: true };
  } catch (err) {
    return { pid: Number(pid), host, alive: (err as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

/**
 * One process per experiment at a time: two `experiment run` commands (two
 * terminals, two machines sharing a disk) must not train into the same folder.
 * A lock left by a process that died is taken over.
 */
function lockRun(runDir: string, name: string): () => void {
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid} ${os.hostname()}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(runDir);
      if (holder && !holder.alive) { rmSync(file, { force: true }); continue; }
      if (!holder) continue; // released between the two calls
      throw new UserError(`${name} is being run by process ${holder.pid} on ${holder.host} (${relative(file)}); wait for it, or delete the lock if that process is gone`);
    }
  }
  throw new UserError(`${relative(file)}: could not take the lock`);
}

async function trainEvaluateRecord(
  exp: Experiment,
  o: RunOptions,
  where: { resultsDir: string; runDir: string; resultFile: string; log: (line: string) => void },
): Promise<{ status: 'done'; result: ExperimentResult }> {
  const { resultsDir, runDir, resultFile, log } = where;
  // The commit of the code this process runs: read now, since the tree may change (or be committed) while it trains.
  const commit = gitCommit();
  const fresh = !existsSync(path.join(runDir, 'checkpoint.safetensors'));
  if (fresh) rmSync(resultsDir, { recursive: true, force: true }); // evaluations of an earlier, abandoned run
  mkdirSync(resultsDir, { recursive: true });
  log(`${exp.name}: ${fresh ? 'training' : 'resuming'} in ${relative(runDir)}`);

  // Training (a finished run returns at once).
  const data = await prepareData(exp.spec, runDir, { resume: !fresh });
  const embeddingsStarted = performance.now();
  const init = fresh && (exp.spec.embeddings.source || exp.spec.embeddings.target)
    ? loadEmbeddingInit(exp.spec, { src: data.srcVocab, tgt: data.tgtVocab }, data.splits.train, log)
    : undefined;
  const embeddingSeconds = init ? (performance.now() - embeddingsStarted) / 1000 : 0;
  if (init) writeFileAtomic(path.join(resultsDir, 'embedding-seconds.json'), JSON.stringify({ seconds: embeddingSeconds }) + '\n');
  const killAfterStep = process.env.EN2PY_TEST_KILL_AFTER_STEP ? Number(process.env.EN2PY_TEST_KILL_AFTER_STEP) : undefined;
  const trained = train(exp.spec, runDir, data, { resume: !fresh, init, log, killAfterStep });

  // Evaluation, each set written as soon as it is done.
  const evalStarted = performance.now();
  // Plain greedy decoding, as the original project evaluated: the experiments compare training, not decoding.
  const base: EvalCliOptions = {
    model: relative(runDir), split: 'test', beam: 1, lengthPenalty: 0, temperature: 1, seed: 1, maxLen: 256, limit: o.evalLimit,
    guard: false, rerank: false, cut: false, maxRepeats: 0, contrast: 0, copyNames: false,
  };
  const sets: Array<[EvalSetName, Partial<EvalCliOptions> | null]> = [
    ['test', {}],
    ['mbpp', o.mbpp ? { mbpp: o.mbpp } : null],
    ['benchmark', { benchmark: benchmarkPath() }],
  ];
  const evals = {} as ExperimentResult['eval'];
  for (const [set, extra] of sets) {
    const file = path.join(resultsDir, `${set}.json`);
    if (!extra) { evals[set] = null; continue; }
    if (existsSync(file)) { evals[set] = readJson(file); continue; }
    log(`${exp.name}: evaluating on ${set}`);
    const r = await runEval({ ...base, ...extra, out: relative(path.join(resultsDir, set)) });
    writeFileAtomic(file, JSON.stringify(r.summary, null, 2) + '\n');
    evals[set] = r.summary;
  }
  const evalSeconds = Object.values(evals).reduce((s, e) => s + (((e?.timings as { totalS?: number } | undefined)?.totalS) ?? 0), 0);
  log(`${exp.name}: evaluation took ${(performance.now() - evalStarted) / 1000 | 0} s`);

  for (const f of ['metrics.jsonl', 'embeddings.json']) if (existsSync(path.join(runDir, f))) copyFileSync(path.join(runDir, f), path.join(resultsDir, f));
  writeFileAtomic(path.join(resultsDir, 'config.json'), JSON.stringify(exp.spec, null, 2) + '\n');
  const history: EpochMetrics[] = trained.state.history;
  const best = history.find((m) => m.epoch === trained.state.bestEpoch) ?? null;
  const stepSeconds = history.reduce((s, m) => s + m.epoch_s, 0);
  const validSeconds = history.reduce((s, m) => s + (m.valid_s ?? 0), 0);
  const embeddingsFile = path.join(runDir, 'embeddings.json');
  const secondsFile = path.join(resultsDir, 'embedding-seconds.json');
  const prepSeconds = existsSync(secondsFile) ? readJson<{ seconds: number }>(secondsFile).seconds : 0;
  const result: ExperimentResult = {
    name: exp.name,
    description: exp.spec.description ?? null,
    configFile: path.relative(repoRoot, exp.file),
    config: exp.spec,
    commit,
    machine: machine(),
    recordedAt: new Date().toISOString(),
    training: {
      parameters: trained.parameters,
      epochs: history.length,
      bestEpoch: trained.state.bestEpoch,
      bestValidLoss: best?.valid_loss ?? null,
      bestValidPpl: best?.valid_ppl ?? null,
      stopReason: trained.state.stopReason,
      stepSeconds,
      validSeconds,
      tokensPerSecond: history.length ? history.reduce((s, m) => s + m.tokens_per_s, 0) / history.length : 0,
    },
    embeddings: existsSync(embeddingsFile) ? readJson<EmbeddingInitSummary>(embeddingsFile) : null,
    eval: evals,
    evalSeconds,
    wallSeconds: stepSeconds + validSeconds + prepSeconds + evalSeconds,
    evalLimit: o.evalLimit ?? null,
  };
  writeFileAtomic(resultFile, JSON.stringify(result, null, 2) + '\n');
  log(`${exp.name}: done, ${relative(resultFile)}`);
  return { status: 'done', result };
}
