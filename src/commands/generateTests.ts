/**
 * `en2py generate --test "assert f(3) == 6" [--test ...] [--tries N]`: the first
 * of up to N candidates (the beams, then samples) that passes the tests in the
 * sandbox, or the most likely candidate when none does (exit status 1). What
 * it prints is pass@N with test filtering: the tests chose, not the model alone.
 */
import { Generator, type GenerateOptions } from '../decode/generator.js';
import { loadModel } from '../model/bundle.js';
import { checkTests, DEFAULT_TRIES, describeTestFilter } from '../eval/userTests.js';
import { applyPrecision } from './options.js';
import { DEFAULT_MODEL_DIR, type GenerateFlags } from './generate.js';
import { generateWithTests } from './checkedGeneration.js';

export async function runGenerateWithTests(sentence: string, tests: string[], o: GenerateFlags): Promise<void> {
  // Bad tests are refused before the model loads (one line, exit 2).
  await checkTests(tests);
  applyPrecision(o.precision);
  const loaded = loadModel(o.model ?? DEFAULT_MODEL_DIR);
  const generator = new Generator(loaded);
  const opts: GenerateOptions = {
    beam: o.beam, lengthPenalty: o.lengthPenalty, temperature: o.temperature, topK: o.topK, topP: o.topP, maxLen: o.maxLen,
    guard: o.guard, maxRepeats: o.maxRepeats, seed: o.seed, contrast: o.contrast, contrastTokens: o.contrastTokens, copyNames: o.copyNames,
  };
  const t0 = performance.now();
  const r = await generateWithTests(generator, sentence, opts, tests, o.tries ?? DEFAULT_TRIES);
  const note = describeTestFilter(r, tests.length);
  if (o.json) {
    process.stdout.write(JSON.stringify({
      prompt: sentence, code: r.code,
      tests: {
        tests, passed: r.passed, candidate: r.index + 1, origin: r.origin, binding: r.binding, tried: r.tried, considered: r.considered, tries: r.tries,
        ...(r.samplesSeed === undefined ? {} : { seed: r.samplesSeed }), runs: r.runs, note,
      },
      ms: Math.round(performance.now() - t0),
    }) + '\n');
  } else {
    process.stdout.write(r.code);
    process.stderr.write(`${r.passed ? 'note' : 'warning'}: ${note}\n`);
  }
  if (!r.passed) process.exitCode = 1;
}
