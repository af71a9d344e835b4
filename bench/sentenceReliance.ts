// How much each model reads its sentence: on the English→Python validation split, the
// teacher-forced perplexity of the reference code given the right sentence and given another
// pair's sentence (src/train/teacherForced.ts otherSentencePerplexity). A ratio near 1 means the
// decoder writes from the code so far and hardly reads the sentence. Issue 19 found the
// corpus-pretrained models there: lower perplexity than the default model, less reading.
//   node dist/bench/sentenceReliance.js --model models/default --model runs/experiments/e20-pretrained-pairs-then-main \
//        [--out results/sentence-reliance.json]
// Prints a Markdown table; --out writes the numbers (atomically).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { examplesForModel, readRunInfo } from '../src/commands/eval.js';
import { loadModel } from '../src/model/bundle.js';
import { repoRoot } from '../src/paths.js';
import { resolvePrecision, setPrecision } from '../src/tensor/precision.js';
import { loadRunSplits } from '../src/train/prepare.js';
import { otherSentencePerplexity, teacherForced } from '../src/train/teacherForced.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { portablePath, repoRelative } from '../src/util/portablePaths.js';

interface Row {
  model: string;
  examples: number;
  perplexity: number;
  otherSentencePerplexity: number;
  ratio: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string', multiple: true }, out: { type: 'string' } } });
  const models = values.model ?? [path.join(repoRoot, 'models', 'default')];
  setPrecision(resolvePrecision('auto'));
  const rows: Row[] = [];
  let data: ReturnType<typeof portablePath> = '';
  for (const dir of models) {
    const loaded = loadModel(dir);
    const info = readRunInfo(loaded);
    const run = await loadRunSplits(info.spec);
    data = portablePath(run.file);
    const examples = examplesForModel(loaded, info.spec, run.splits.valid);
    const perplexity = teacherForced(loaded.members, examples).perplexity;
    const other = otherSentencePerplexity(loaded.members, examples);
    rows.push({ model: repoRelative(dir), examples: examples.length, perplexity, otherSentencePerplexity: other, ratio: other / perplexity });
    process.stderr.write(`${repoRelative(dir)}: perplexity ${perplexity.toFixed(2)}, given another sentence ${other.toFixed(2)} (${(other / perplexity).toFixed(2)}x)\n`);
  }
  console.log('| model | valid ppl | ppl given another pair\'s sentence | ratio |\n| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| \`${r.model}\` | ${r.perplexity.toFixed(2)} | ${r.otherSentencePerplexity.toFixed(2)} | ${r.ratio.toFixed(2)} |`);
  if (values.out) {
    writeFileAtomic(values.out, JSON.stringify({ split: 'valid', data, meaning: "teacher-forced perplexity of the reference code given its own sentence and given the sentence of the pair n/2 places later; ratio = other / own (1 = the sentence is not read)", rows }, null, 2) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
