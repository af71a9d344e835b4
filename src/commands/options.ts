// Parsers for numeric command-line options, shared by the commands (commander prints their message).
import { InvalidArgumentError, type Command } from 'commander';

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

/** The decoding options `generate` and `eval` share: --length-penalty, --temperature, --top-k, --top-p. */
export function samplingOptions(cmd: Command): Command {
  return cmd
    .option('--length-penalty <alpha>', 'beam search length penalty: score = log p / ((5 + length) / 6)^alpha', nonNegativeNumber, 1)
    .option('--temperature <t>', 'sampling temperature', positiveNumber, 0.8)
    .option('--top-k <k>', 'sample among the k most likely tokens', positiveInt)
    .option('--top-p <p>', 'sample from the smallest set with this much probability', positiveNumber);
}
