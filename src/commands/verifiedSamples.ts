/**
 * `en2py verified-samples --model DIR --out DIR`: rejection sampling for
 * fine-tuning (src/train/verifiedSamples.ts). Writes OUT/verified.jsonl (the
 * shared functions/ format) and OUT/report.json; a run spec trains on them with
 * `data.extra: [{"source": "functions", "path": "OUT"}]`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { UserError } from '../errors.js';
import { defaultExtraPath } from '../data/extra.js';
import { Generator } from '../decode/generator.js';
import { loadModel } from '../model/bundle.js';
import { createProgress } from '../train/progress.js';
import { sampleVerified, trainingTasksWithTests, VERIFIED_FILE, writeVerified } from '../train/verifiedSamples.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { portablePath, repoRelative } from '../util/portablePaths.js';
import { applyPrecision, integer, positiveInt, positiveNumber, precisionOption } from './options.js';

interface Flags {
  model: string;
  out: string;
  functions?: string;
  mbpp?: string;
  samples: number;
  temperature: number;
  seed: number;
  maxLen: number;
  limit?: number;
  precision?: 'auto' | 'fp32' | 'bf16';
}

export function verifiedSamplesCommand(): Command {
  return new Command('verified-samples')
    .description('sample programs for the training prompts that have tests, run them in the sandbox, and keep the distinct ones that pass (rejection sampling) as new training pairs')
    .requiredOption('--model <dir>', 'the model that samples')
    .requiredOption('--out <dir>', `folder for ${VERIFIED_FILE} and report.json (resumes an interrupted run)`)
    .option('--functions <dir>', 'the shared functions/ folder (default: ../shared/data/functions); its validation slice is never used')
    .option('--mbpp <file>', 'MBPP jsonl (default: ../shared/data/mbpp/mbpp.jsonl); only training tasks 601-974 are used')
    .option('--samples <n>', 'programs sampled per prompt', positiveInt, 8)
    .option('--temperature <t>', 'sampling temperature', positiveNumber, 0.8)
    .option('--seed <n>', 'sampling seed', integer, 1)
    .option('--max-len <n>', 'maximum output tokens', positiveInt, 256)
    .option('--limit <n>', 'only the first n prompts', positiveInt)
    .addOption(precisionOption())
    .action(async (o: Flags) => {
      const functions = o.functions ?? defaultExtraPath('functions');
      const mbpp = o.mbpp ?? defaultExtraPath('mbpp');
      for (const [file, flag] of [[functions, '--functions'], [mbpp, '--mbpp']] as const) {
        if (!existsSync(file)) throw new UserError(`${file}: no such file or folder; give it with ${flag}`);
      }
      const tasks = trainingTasksWithTests(functions, mbpp).slice(0, o.limit ?? Infinity);
      const precision = applyPrecision(o.precision);
      const loaded = loadModel(o.model);
      const generator = new Generator(loaded);
      const t0 = performance.now();
      const progress = createProgress('verified samples', tasks.length);
      const outcomes = await sampleVerified(generator, tasks, o.out, { samples: o.samples, temperature: o.temperature, seed: o.seed, maxLen: o.maxLen, progress });
      progress.stop();
      const kept = writeVerified(o.out, tasks, outcomes, repoRelative(o.model));
      const bySource = (prefix: string) => {
        const mine = outcomes.filter((r) => r.id.startsWith(prefix));
        return { prompts: mine.length, withAPass: mine.filter((r) => r.passed > 0).length, passedSamples: mine.reduce((s, r) => s + r.passed, 0), kept: mine.reduce((s, r) => s + r.kept.length, 0) };
      };
      const report = {
        what: 'rejection sampling: programs sampled for training prompts with tests, kept when they pass every test (distinct, not the reference)',
        command: `en2py verified-samples --model ${repoRelative(o.model)} --out ${repoRelative(o.out)} --samples ${o.samples} --temperature ${o.temperature} --seed ${o.seed}${o.limit ? ` --limit ${o.limit}` : ''}`,
        model: repoRelative(o.model),
        data: { functions: portablePath(functions), mbpp: portablePath(mbpp) },
        samplesPerPrompt: o.samples,
        temperature: o.temperature,
        precision,
        functions: bySource('functions:'),
        mbpp: bySource('mbpp:'),
        keptPrograms: kept,
        seconds: Math.round((performance.now() - t0) / 1000),
        note: 'seconds counts this process only (a resumed run did part of the work before)',
      };
      writeFileAtomic(path.join(o.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      process.stdout.write(`${kept} verified programs for ${outcomes.filter((r) => r.passed > 0).length} of ${tasks.length} prompts: ${path.join(o.out, VERIFIED_FILE)}\n`);
    });
}
