import { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import { EXPERIMENTS_DIR, listExperimentNames, readExperiment } from '../experiments/registry.js';
import { writeReport } from '../experiments/report.js';
import { finishedResult, lockHolder, preflight, RESULTS_DIR, RUNS_DIR, runExperiment, SHARED_MBPP } from '../experiments/run.js';
import { positiveInt } from './options.js';

interface RunFlags { all?: boolean; experiments: string; results: string; runs: string; mbpp?: string | false; evalLimit?: number }

function runCommand(): Command {
  return new Command('run')
    .description('train, evaluate and record experiments into results/NAME/ (finished ones are skipped, interrupted ones resume)')
    .argument('[names...]', 'experiment names (files experiments/NAME.json)')
    .option('--all', 'every experiment under experiments/')
    .option('--experiments <dir>', 'folder of experiment configs', EXPERIMENTS_DIR)
    .option('--results <dir>', 'folder for results (committed)', RESULTS_DIR)
    .option('--runs <dir>', 'folder for training runs and checkpoints (not committed)', RUNS_DIR)
    .option('--mbpp <file>', `MBPP jsonl for pass@1 (default: ${path.relative(process.cwd(), SHARED_MBPP)} when present)`)
    .option('--no-mbpp', 'skip MBPP')
    .option('--eval-limit <n>', 'evaluate on the first n examples of each set only (quick checks)', positiveInt)
    .action(async (names: string[], o: RunFlags) => {
      if (o.all && names.length) throw new UserError('give experiment names or --all, not both');
      const chosen = o.all ? listExperimentNames(o.experiments) : names;
      if (!chosen.length) throw new UserError(`name experiments to run, or --all (known: ${listExperimentNames(o.experiments).join(', ')})`);
      // Every config is read and checked before the first one trains (what a finished one needs is not asked for).
      const experiments = chosen.map((n) => readExperiment(n, o.experiments));
      const where = { resultsDir: o.results, runsDir: o.runs, evalLimit: o.evalLimit };
      experiments.filter((e) => !finishedResult(e, where)).forEach(preflight);
      const mbpp = o.mbpp === false ? null : o.mbpp ?? (existsSync(SHARED_MBPP) ? SHARED_MBPP : null);
      if (typeof o.mbpp === 'string' && !existsSync(o.mbpp)) throw new UserError(`${o.mbpp}: no such MBPP file (given with --mbpp)`);
      if (!mbpp) process.stderr.write(`MBPP not found at ${SHARED_MBPP}: pass --mbpp FILE for the MBPP pass@1 column\n`);
      const started = performance.now();
      for (const exp of experiments) {
        const r = await runExperiment(exp, { resultsDir: o.results, runsDir: o.runs, mbpp, evalLimit: o.evalLimit });
        process.stdout.write(`${exp.name}: ${r.status}\n`);
      }
      process.stdout.write(`${experiments.length} experiment(s) in ${((performance.now() - started) / 60000).toFixed(1)} min\n`);
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list the experiments: done (results exist), running (locked by a process), started (a checkpoint, no process), pending')
    .option('--experiments <dir>', 'folder of experiment configs', EXPERIMENTS_DIR)
    .option('--results <dir>', 'folder of results', RESULTS_DIR)
    .option('--runs <dir>', 'folder of training runs', RUNS_DIR)
    .action((o: { experiments: string; results: string; runs: string }) => {
      for (const name of listExperimentNames(o.experiments)) {
        const exp = readExperiment(name, o.experiments);
        const status = existsSync(path.join(o.results, name, 'result.json')) ? 'done'
          : lockHolder(path.join(o.runs, name))?.alive ? 'running'
            : existsSync(path.join(o.runs, name, 'checkpoint.safetensors')) ? 'started' : 'pending';
        process.stdout.write(`${name.padEnd(24)} ${status.padEnd(8)} ${exp.spec.description ?? ''}\n`);
      }
    });
}

function reportCommand(): Command {
  return new Command('report')
    .description('write results/README.md (table, seed spread, plots) and the README "Results" section from results/*/result.json')
    .option('--results <dir>', 'folder of results', RESULTS_DIR)
    .option('--experiments <dir>', 'folder of experiment configs (read for each one\'s "base")', EXPERIMENTS_DIR)
    .option('--readme <file>', 'README whose "Results" section is replaced (between the results markers)')
    .option('--no-readme', 'leave the README alone')
    .option('--baseline <name>', 'the experiment every other one is compared with', 'e1-baseline')
    .option('--seed-twin <name>', 'the baseline trained with another seed (its difference is the noise level)', 'e1-baseline-seed2')
    .action((o: { results: string; experiments: string; readme?: string | false; baseline: string; seedTwin: string }) => {
      const r = writeReport({ resultsDir: o.results, experimentsDir: o.experiments, readme: o.readme === false ? null : o.readme, baseline: o.baseline, seedTwin: o.seedTwin });
      process.stdout.write(`${r.experiments} experiment(s): ${r.files.join(', ')}\n`);
    });
}

/** `en2py experiment …`: the experiments of the study, run and reported reproducibly. */
export function experimentCommand(): Command {
  return new Command('experiment')
    .description('run the experiments under experiments/ and report them (table and plots)')
    .addCommand(runCommand())
    .addCommand(listCommand())
    .addCommand(reportCommand());
}
