/**
 * An experiment's results folder brought to today's syntax check (compile):
 * its summaries (test.json, mbpp.json, benchmark.json) are rescored from the
 * outputs they recorded (src/eval/rescoreSyntax.ts), and result.json, which
 * holds copies of them for the report, takes the rescored copies.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { rescoreSyntax } from '../eval/rescoreSyntax.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { RESULT_FILE } from './run.js';

const SETS = ['test', 'mbpp', 'benchmark'] as const;

export async function rescoreExperimentSyntax(dir: string): Promise<Array<{ set: string; before: number; after: number; changed: boolean }>> {
  const resultFile = path.join(dir, RESULT_FILE);
  if (!existsSync(resultFile)) throw new UserError(`${dir}: no ${RESULT_FILE} (not an experiment's results folder)`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { eval?: Record<string, unknown> };
  const out = [];
  for (const set of SETS) {
    const file = path.join(dir, `${set}.json`);
    if (!existsSync(file)) continue;
    const { summary, ...r } = await rescoreSyntax(file);
    out.push({ set, ...r });
    if (result.eval) result.eval[set] = summary;
  }
  writeFileAtomic(resultFile, JSON.stringify(result, null, 2) + '\n');
  return out;
}
