/**
 * Generation checked by running code, shared by `generate`, `eval` and `serve`:
 *  - tests from the user: beam candidates, then samples, each run against the
 *    tests in the sandbox until one passes (src/eval/userTests.ts);
 *  - choosing by execution: the candidates the decoding made, run on inputs
 *    derived from the prompt, the largest agreeing group's most likely member
 *    (src/eval/execSelect.ts, src/eval/execHarness.ts).
 * This file only joins a Generator to those; the logic lives in src/eval.
 */
import type { Generator, GenerateOptions, Generation } from '../decode/generator.js';
import { selectByExecution, type ExecSelection } from '../eval/execHarness.js';
import { filterByTests, type TestFilterResult } from '../eval/userTests.js';
import type { SandboxLimits } from '../eval/sandbox.js';

/** How `generate` and `eval` choose the answer among the candidates. */
export const SELECT_CHOICES = ['likelihood', 'exec'] as const;
export type SelectHow = (typeof SELECT_CHOICES)[number];

/**
 * Up to `tries` candidates for `sentence` against `tests`: the beam candidates
 * of `opts` first (made by `beams`, so a caller that already has them passes
 * them in), then samples with the same options (temperature, seed) for the rest.
 */
export async function generateWithTests(
  generator: Generator,
  sentence: string,
  opts: GenerateOptions,
  tests: readonly string[],
  tries: number,
  more: { beams?: () => Generation; limits?: Partial<SandboxLimits> } = {},
): Promise<TestFilterResult & { samplesSeed?: number }> {
  let seed: number | undefined;
  const r = await filterByTests({
    beams: () => (more.beams ? more.beams() : generator.generate(sentence, { ...opts, samples: undefined })).candidates.map((c) => c.code),
    samples: (n) => {
      const g = generator.generate(sentence, { ...opts, samples: n, beam: undefined });
      seed = g.seed;
      return g.candidates.map((c) => c.code);
    },
  }, tests, { tries, limits: more.limits });
  return { ...r, ...(seed === undefined ? {} : { samplesSeed: seed }) };
}

/** The generation's candidates (most likely first) chosen among by execution; `code` is the chosen one. */
export async function chooseByExecution(prompt: string, g: Generation): Promise<ExecSelection> {
  const [s] = await selectByExecution([prompt], [g.candidates.map((c) => c.code)]);
  return s;
}

/** One line on what execution chose, for stderr and the summaries. */
export function describeExecChoice(s: ExecSelection): string {
  if (s.groupSize === 0) return `chosen by execution: no candidate of ${s.sizes.length} ran on the inputs, so the most likely one is shown`;
  return `chosen by execution: candidate ${s.index + 1}, from the largest group of ${s.groupSize} of ${s.sizes.length} candidates that agree on every input (${s.groups} group${s.groups === 1 ? '' : 's'} in all)`;
}
