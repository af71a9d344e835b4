import { Command, Option } from 'commander';
import { applyPrecision, nonNegativeInt, positiveInt, samplingOptions } from './options.js';
import type { Precision } from '../tensor/precision.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { Generator, type GenerateOptions, type Generation } from '../decode/generator.js';
import { rerankGenerations, reranks } from '../decode/rerank.js';
import { prestartedCompileCheck } from '../python/astCheck.js';
import { DEFAULT_BEAM } from '../decode/search.js';
import { loadModel } from '../model/bundle.js';
import { repoRoot } from '../paths.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { DEFAULT_TRIES } from '../eval/userTests.js';
import { SELECT_CHOICES, type SelectHow } from './checkedGeneration.js';

/** The model shipped in the repository, used when --model is not given. */
export const DEFAULT_MODEL_DIR = path.join(repoRoot, 'models', 'default');

const promptLine = z.object({ id: z.union([z.string(), z.number()]), prompt: z.string() }).passthrough();

interface Prompt { id: string | number; prompt: string; line: number }

/** The {"id", "prompt"} lines of a JSONL file, each with its 1-based line number (blank lines are skipped). */
export function readPrompts(file: string): Prompt[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const out: Prompt[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${i + 1}: not valid JSON; expected {"id": ..., "prompt": "..."}`);
    }
    const parsed = promptLine.safeParse(raw);
    if (!parsed.success) throw new UserError(`${file}:${i + 1}: expected {"id": string|number, "prompt": string}`);
    out.push({ id: parsed.data.id, prompt: parsed.data.prompt, line: i + 1 });
  });
  if (out.length === 0) throw new UserError(`${file}: holds no prompts; expected one {"id": ..., "prompt": "..."} object per line`);
  return out;
}

export interface GenerateFlags {
  model?: string; beam: number; lengthPenalty: number; samples?: number; temperature: number; topK?: number; topP?: number; maxLen: number;
  guard: boolean; copyNames: boolean; rerank: boolean; cut: boolean; maxRepeats: number; contrast: number; contrastTokens: number; input?: string; output?: string; json?: boolean; seed?: number;
  precision?: 'auto' | Precision;
  test?: string[]; tries?: number; select: SelectHow;
}

/** `en2py generate`: a sentence (or a JSONL file of them) in, Python out. */
export function generateCommand(): Command {
  return samplingOptions(
    new Command('generate')
      .description('turn an English sentence into Python with a trained model')
      .argument('[sentence...]', 'the description, e.g. "write a python function to add two numbers"')
      .option('--model <dir>', 'model directory (default: models/default in the repository)')
      .option('--beam <n>', 'beam size (1 = greedy)', positiveInt, DEFAULT_BEAM)
      .option('--samples <n>', 'sample this many outputs instead of beam search', positiveInt),
  )
    .option('--seed <n>', 'with --samples: draw the same samples again (without it, every run draws new ones; --json prints the seed used)', nonNegativeInt)
    .option('--max-len <n>', 'maximum output tokens', positiveInt, 256)
    .option('--input <file>', 'JSONL file of {"id", "prompt"} lines (batch mode)')
    .option('--output <file>', 'with --input: write {"id", "prompt", "code"} lines here (default: stdout)')
    .option('--json', 'print a JSON object with code, alternatives and tokens')
    .option('--test <statement>', 'a Python test the code must pass, e.g. "assert f(3) == 6" (repeatable): up to --tries candidates (beams, then samples) run with the tests in the sandbox and the first that passes is printed; exit status 1 when none passes', (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
    .option('--tries <n>', `with --test: how many candidates to try at most (default ${DEFAULT_TRIES})`, positiveInt)
    .addOption(new Option('--select <how>', 'the answer among the candidates: likelihood (the most likely that parses), or exec (the largest group that agree on outputs when run in the sandbox on inputs from the prompt)').choices(SELECT_CHOICES).default('likelihood'))
    .action(async (words: string[], o: GenerateFlags) => {
      if (o.input && words.length) throw new UserError('give either a sentence or --input FILE, not both');
      const tests = o.test ?? [];
      if (o.seed !== undefined && !o.samples && !tests.length) throw new UserError('--seed applies to sampling: give --samples too');
      if (o.tries !== undefined && !tests.length) throw new UserError('--tries applies to --test: give --test "assert f(3) == 6" too');
      if (tests.length) {
        if (o.input) throw new UserError('--test checks one sentence, not an --input file');
        if (o.samples) throw new UserError('--test tries the beams, then samples: leave out --samples (--tries says how many candidates)');
        if (o.select !== 'likelihood') throw new UserError('--test chooses by the tests: leave out --select');
        const { runGenerateWithTests } = await import('./generateTests.js');
        await runGenerateWithTests(words.join(' '), tests, o);
        return;
      }
      const prompts = o.input ? readPrompts(o.input) : null;
      // The parse rerank's python3 starts now, so its start-up (~0.1 s) overlaps loading and decoding.
      const checker = reranks(o) && o.select === 'likelihood' ? prestartedCompileCheck() : null;
      try {
        applyPrecision(o.precision);
        const loaded = loadModel(o.model ?? DEFAULT_MODEL_DIR);
        const generator = new Generator(loaded);
        const opts: GenerateOptions = {
          beam: o.beam, lengthPenalty: o.lengthPenalty, samples: o.samples, temperature: o.temperature, topK: o.topK, topP: o.topP, maxLen: o.maxLen,
          guard: o.guard, maxRepeats: o.maxRepeats, seed: o.seed, contrast: o.contrast, contrastTokens: o.contrastTokens, copyNames: o.copyNames,
        };
        // All candidates of all sentences are compiled by one python3. A reranked answer
        // keeps its own tokens; one cut to a parsing prefix has none (no candidate wrote it).
        const finish = async (gens: Generation[]) => {
          if (o.select === 'exec') {
            const { selectByExecution } = await import('../eval/execHarness.js');
            const { describeExecChoice } = await import('./checkedGeneration.js');
            const chosen = await selectByExecution(gens.map((_, i) => (prompts ? prompts[i].prompt : words.join(' '))), gens.map((g) => g.candidates.map((c) => c.code)));
            if (!prompts) process.stderr.write(`note: ${describeExecChoice(chosen[0])}\n`);
            return gens.map((g, i) => {
              const c = g.candidates[chosen[i].index];
              return { ...g, code: c.code, tokens: c.tokens, alternatives: g.candidates.filter((_, j) => j !== chosen[i].index).map((x) => x.code), reranked: chosen[i].index > 0, cut: false };
            });
          }
          if (!checker) return gens.map((g) => ({ ...g, reranked: false, cut: false }));
          return (await rerankGenerations(gens, { cut: o.cut, check: checker.check })).map((g) => (g.reranked
            ? { ...g, tokens: g.cut ? [] : g.candidates.find((c) => c.code === g.code)?.tokens ?? [] }
            : g));
        };
        if (prompts && o.input) {
          const input = o.input;
          const gens = await finish(prompts.map((p) => {
            try {
              return generator.generate(p.prompt, opts);
            } catch (err) {
              if (err instanceof UserError) throw new UserError(`${input}:${p.line}: ${err.message}`);
              throw err;
            }
          }));
          const text = prompts.map((p, i) => JSON.stringify({ id: p.id, prompt: p.prompt, code: gens[i].code }) + '\n').join('');
          if (o.output) writeFileAtomic(o.output, text);
          else process.stdout.write(text);
          return;
        }
        const sentence = words.join(' ');
        const [g] = await finish([generator.generate(sentence, opts)]);
        if (g.truncated) process.stderr.write(`note: the sentence was cut to the model's ${loaded.model.config.maxLen} words\n`);
        const renamed = g.candidates.find((c) => c.code === g.code)?.renamed;
        if (renamed) process.stderr.write(`note: the function is named ${renamed.to} as the sentence names it (the model wrote ${renamed.from})\n`);
        if (o.json) {
          process.stdout.write(JSON.stringify({
            prompt: sentence, code: g.code, alternatives: g.alternatives, reranked: g.reranked, cut: g.cut, tokens: g.tokens, words: g.words, ...(renamed && { renamed }),
            ...(g.seed === undefined ? {} : { seed: g.seed }), ms: g.ms,
          }) + '\n');
        } else process.stdout.write(g.code);
      } finally {
        checker?.dispose();
      }
    });
}
