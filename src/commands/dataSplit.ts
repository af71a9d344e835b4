import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { loadCleanPairs } from '../data/load.js';
import { resolveDataPath } from '../data/resolve.js';
import { SPLIT_NAMES } from '../data/split.js';
import { buildVocabularies, splitCleaned } from '../data/prepare.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { integer } from './options.js';

function fraction(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

export function dataSplitCommand(): Command {
  return new Command('split')
    .description('clean a data file and write train/valid/test JSONL (no description group in two splits), a report and vocabularies')
    .option('--data <file>', 'data file (default: $EN2PY_DATA, ../shared/data, or the download cache)')
    .option('--format <format>', 'english-python | conala | mbpp (default: from the extension)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--seed <n>', 'shuffle seed', integer, 1)
    .option('--valid <fraction>', 'validation fraction', fraction, 0.1)
    .option('--test <fraction>', 'test fraction', fraction, 0.1)
    .option('--min-freq <n>', 'minimum training-split frequency for a vocabulary token', integer, 2)
    .option('--bpe <merges>', 'learn this many BPE merges for code subwords on the training split (0: rule-based pieces)', integer, 0)
    .action(async (o: { data?: string; format?: string; out: string; seed: number; valid: number; test: number; minFreq: number; bpe: number }) => {
      const file = resolveDataPath({ data: o.data });
      const cleaned = await loadCleanPairs(file, { format: o.format });
      if (cleaned.format !== 'mbpp' && o.valid + o.test >= 1) throw new InvalidArgumentError('--valid + --test must be below 1');
      const { splits, report: splitReport } = splitCleaned(cleaned, { seed: o.seed, valid: o.valid, test: o.test });
      for (const s of SPLIT_NAMES) {
        writeFileAtomic(path.join(o.out, `${s}.jsonl`), splits[s].map((p) => JSON.stringify(p)).join('\n') + (splits[s].length ? '\n' : ''));
      }
      // Vocabularies come from the training split only.
      const { en, py, bpe } = buildVocabularies(splits.train, { minFreq: o.minFreq, bpeMerges: o.bpe });
      if (bpe) bpe.save(path.join(o.out, 'bpe.py.json'));
      en.save(path.join(o.out, 'vocab.en.json'));
      py.save(path.join(o.out, 'vocab.py.json'));
      const { drops, notPairs, ...clean } = cleaned.report;
      const report = { file, format: cleaned.format, clean: { ...clean, notPairs: notPairs.length }, split: splitReport,
        vocab: { en: en.size, py: py.size, minFreq: o.minFreq, bpeMerges: bpe ? bpe.merges.length : 0 } };
      writeFileAtomic(path.join(o.out, 'split-report.json'), JSON.stringify(report, null, 2) + '\n');
      process.stdout.write(`wrote ${SPLIT_NAMES.map((s) => `${s} ${splits[s].length}`).join(', ')} pairs and vocabularies (en ${en.size}, py ${py.size}) to ${o.out}\n`);
    });
}
