/**
 * The experiments: one JSON run spec per file under experiments/ (the same
 * schema as `en2py train --config`, validated with zod: unknown keys and wrong
 * types are errors naming the key). The file name is the experiment's name.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { readSpecFile, type RunSpec } from '../train/spec.js';

export const EXPERIMENTS_DIR = path.join(repoRoot, 'experiments');

export interface Experiment {
  name: string;
  file: string;
  spec: RunSpec;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function listExperimentNames(dir: string = EXPERIMENTS_DIR): string[] {
  if (!existsSync(dir)) throw new UserError(`${dir}: no experiments folder`);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).filter((n) => NAME.test(n)).sort(byExperimentNumber);
}

/**
 * Reads and validates one experiment. A relative data.path is taken relative
 * to the config file, so a config means the same wherever it is run from.
 */
export function readExperiment(name: string, dir: string = EXPERIMENTS_DIR): Experiment {
  const file = path.join(dir, `${name}.json`);
  if (!NAME.test(name) || !existsSync(file)) {
    const known = existsSync(dir) ? listExperimentNames(dir) : [];
    throw new UserError(`no experiment "${name}" (expected ${file}); known: ${known.join(', ') || 'none'}`);
  }
  const spec = readSpecFile(file);
  // An experiment is scored on the code it writes; a reviewer writes sentences (src/decode/reviewer.ts).
  if (spec.model.direction === 'py2en') {
    throw new UserError(`${file}: model.direction: py2en trains a code → English reviewer, which writes no code for an experiment to score; train it with \`en2py train --config ${file} --out DIR\` (as experiments/reviewers/ does)`);
  }
  if (spec.data.path && !path.isAbsolute(spec.data.path)) spec.data.path = path.resolve(dir, spec.data.path);
  if (spec.data.path && !existsSync(spec.data.path)) throw new UserError(`${file}: data.path: no such data file ${spec.data.path}`);
  return { name, file, spec };
}

/** e2 before e10: names compare with their numbers as numbers, so tables list experiments in the order they were numbered. */
export function byExperimentNumber(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
