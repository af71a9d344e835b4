/**
 * The README's data facts (Data section), written from the files that hold them
 * by `en2py experiment report`, as the results tables are: the cleaning counts of
 * results/data-stats*.json (`en2py data stats --json`) and the default model's
 * split and vocabulary sizes from models/default/run.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeRecordedFile } from '../util/portablePaths.js';

interface DataStats {
  file?: unknown;
  read: number;
  kept: number;
  dropped: { no_code: number; no_description: number; unparsable: number; duplicate: number };
}

interface RunSummary {
  summary?: { split?: { seed?: number; pairs?: { train: number; valid: number; test: number } }; vocab?: { en: number; py: number } };
  data?: { minFreq?: number };
  model?: { numberSlots?: boolean };
}

const n = (x: number) => x.toLocaleString('en-US');

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

/** The lines between the data-facts markers; a file that is missing is said to be missing. */
export function dataFactsSection(resultsDir: string, modelDir: string, readmeDir: string): string[] {
  const rel = (f: string) => path.relative(readmeDir, f).split(path.sep).join('/');
  const statsFile = path.join(resultsDir, 'data-stats.json');
  const conalaFile = path.join(resultsDir, 'data-stats-conala.json');
  const mbppFile = path.join(resultsDir, 'data-stats-mbpp.json');
  const stats = readJson<DataStats>(statsFile);
  const conala = readJson<DataStats>(conalaFile);
  const mbpp = readJson<DataStats>(mbppFile);
  const lines: string[] = [];
  if (stats) {
    const d = stats.dropped;
    lines.push(
      `Measured on ${describeRecordedFile(stats.file ?? 'english_python_data.txt')}: read ${n(stats.read)} blocks, kept ${n(stats.kept)} pairs; dropped ${n(d.no_code)} with no code, ` +
        `${n(d.no_description)} with no description, ${n(d.unparsable)} that do not parse, ${n(d.duplicate)} exact duplicates` +
        (conala ? `; CoNaLa train keeps ${n(conala.kept)} of ${n(conala.read)}` : '') + (mbpp ? ` and MBPP ${n(mbpp.kept)} of ${n(mbpp.read)}` : '') +
        ` (${[statsFile, conalaFile, mbppFile].filter(existsSync).map((f) => `\`${rel(f)}\``).join(', ')}; regenerate with ` +
        '`npx en2py data stats [--data FILE] --json > results/data-stats.json`).',
    );
  } else lines.push(`(${rel(statsFile)} is missing: run \`npx en2py data stats --json > results/data-stats.json\`.)`);
  const runFile = path.join(modelDir, 'run.json');
  const run = readJson<RunSummary>(runFile);
  const pairs = run?.summary?.split?.pairs;
  const vocab = run?.summary?.vocab;
  if (pairs && vocab) {
    lines.push(
      `The default model's split (seed ${run?.summary?.split?.seed ?? 1}): train ${n(pairs.train)}, valid ${n(pairs.valid)}, test ${n(pairs.test)} pairs; ` +
        `its vocabularies, built from the training split (min frequency ${run?.data?.minFreq ?? 2}${run?.model?.numberSlots ? ', with number slots, so the ' +
          'sentence\'s numbers are `<num0>`, `<num1>`, … rather than words' : ''}), hold ${n(vocab.en)} English and ${n(vocab.py)} Python tokens, ` +
        `the sizes \`en2py info --model models/default\` shows (\`${rel(runFile)}\`, \`summary\`). ` +
        '`en2py data split` builds its vocabularies without number slots, so its sizes differ.',
    );
  } else lines.push(`(${rel(runFile)} has no split or vocabulary summary.)`);
  return lines;
}
