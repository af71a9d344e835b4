import { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { rescoreSyntax } from '../eval/rescoreSyntax.js';
import { rescoreExperimentSyntax } from '../experiments/rescoreSyntax.js';

/** `en2py rescore-syntax`: bring evaluations written when syntax-valid meant ast.parse to today's check (compile). */
export function rescoreSyntaxCommand(): Command {
  return new Command('rescore-syntax')
    .description('re-check the syntax of evaluations already written (eval --json summaries and their eval.jsonl) with python3\'s compile(), without decoding again')
    .argument('<path...>', 'summary files written by `en2py eval --json` (e.g. results/model-selection/NAME.json), or experiment results folders (results/NAME: its summaries and result.json)')
    .action(async (paths: string[]) => {
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      const say = (what: string, r: { before: number; after: number; changed: boolean }) =>
        process.stdout.write(r.changed ? `${what}: syntax-valid ${pct(r.before)} (ast.parse) → ${pct(r.after)} (compile)\n` : `${what}: already checked by compiling (${pct(r.after)})\n`);
      for (const p of paths) {
        if (existsSync(p) && statSync(p).isDirectory()) for (const r of await rescoreExperimentSyntax(p)) say(`${p} ${r.set}`, r);
        else say(p, await rescoreSyntax(p));
      }
    });
}
