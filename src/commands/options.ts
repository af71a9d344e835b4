// Parsers for numeric command-line options, shared by the commands (commander prints their message).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolvePrecision, setPrecision, type Precision } from '../tensor/precision.js';
import { DEFAULT_CONTRAST_TOKENS, DEFAULT_MAX_REPEATS } from '../decode/generator.js';
import { DEFAULT_LENGTH_PENALTY } from '../decode/search.js';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!(n >= 0)) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

export function integer(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/**
 * The decoding options `generate` and `eval` share: --length-penalty, --temperature,
 * --top-k, --top-p, and the syntax-aware ones (on by default; `--no-guard
 * --no-rerank --max-repeats 0` is the plain decoding the experiments use).
 */
export function samplingOptions(cmd: Command): Command {
  return cmd
    .option('--no-guard', 'plain decoding: allow tokens that make the output impossible to complete as Python')
    .option('--no-rerank', 'with beams or samples: keep the most likely candidate even when it does not parse')
    .option('--cut', 'with the parse rerank: when no candidate parses, cut the most likely one to its longest parsing prefix of whole lines (off by default: it cost validation BLEU)', false)
    .option('--max-repeats <n>', 'forbid repeating a short cycle of tokens more than n times in a row (0 = no limit)', nonNegativeInt, DEFAULT_MAX_REPEATS)
    .option('--no-copy-names', 'keep the function name the model wrote even when the sentence gives one (e.g. "assert min_cost(...)"); by default the one function is renamed to it')
    .option('--contrast <lambda>', 'sentence contrast: score tokens by (1 + λ) log p(token | sentence) − λ log p(token | no sentence), so what the sentence asks for gains over what Python alone makes likely (context-aware decoding, over the first --contrast-tokens tokens; 0 = off)', nonNegativeNumber, 0)
    .option('--contrast-tokens <n>', 'with --contrast: apply it to this many first output tokens', positiveInt, DEFAULT_CONTRAST_TOKENS)
    .option('--length-penalty <alpha>', 'beam search length penalty: score = log p / ((5 + length) / 6)^alpha', nonNegativeNumber, DEFAULT_LENGTH_PENALTY)
    .option('--temperature <t>', 'sampling temperature', positiveNumber, 0.8)
    .option('--top-k <k>', 'sample among the k most likely tokens', positiveInt)
    .option('--top-p <p>', 'sample from the smallest set with this much probability', positiveNumber)
    .addOption(precisionOption());
}

/** --precision for the commands that run a model: bf16 matrix products where the CPU has bf16 units. */
export function precisionOption(): Option {
  return new Option('--precision <p>', 'matrix products: bf16 (mixed precision on the CPU\'s matrix units), fp32, or auto = bf16 where the CPU has bf16 units')
    .choices(['auto', 'fp32', 'bf16'])
    .default('auto');
}

/** Sets the engine's precision from --precision and returns what it chose. */
export function applyPrecision(choice: 'auto' | Precision | undefined): Precision {
  const p = resolvePrecision(choice);
  setPrecision(p);
  return p;
}
